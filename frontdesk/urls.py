from django.contrib import admin
from django.urls import include, path, re_path

from frontdesk.core import views as core_views
from frontdesk.core.api import api

handler500 = "frontdesk.core.views.server_error"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    # Anything else under /api/ answers in the API's error shape, not with an HTML page.
    re_path(r"^api/", core_views.api_not_found),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontdesk.accounts.urls")),
    path("customers/", include("frontdesk.customers.urls")),
    path("workorders/", include("frontdesk.workorders.urls")),
    path("handover/", include("frontdesk.handover.urls")),
    path("hotel/", include("frontdesk.hotel.urls")),
    path("", core_views.dashboard, name="dashboard"),
]
