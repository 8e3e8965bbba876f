"""The Django admin, opened by the administrator role rather than by Django's is_staff flag,
so that who may configure frontdesk is decided in one place: the roles table."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskAdminSite(admin.AdminSite):
    site_header = _("frontdesk configuration")
    site_title = _("frontdesk configuration")

    def has_permission(self, request):
        from frontdesk.accounts.roles import Role

        user = request.user
        return user.is_active and user.is_authenticated and Role.ADMINISTRATOR in user.roles


class FrontdeskAdminConfig(AdminConfig):
    default_site = "frontdesk.core.admin_site.FrontdeskAdminSite"
