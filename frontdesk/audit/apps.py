from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "frontdesk.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from frontdesk.audit import receivers  # noqa: F401  (login/logout audit, see there)
