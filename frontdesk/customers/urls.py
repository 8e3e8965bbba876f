from django.urls import path

from frontdesk.customers import views

urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("new/", views.customer_create, name="customer_create"),
    path("<int:customer_id>/", views.customer_detail, name="customer_detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="customer_edit"),
    path("<int:customer_id>/notes/", views.customer_add_note, name="customer_add_note"),
    path("<int:customer_id>/merge/", views.customer_merge, name="customer_merge"),
]
