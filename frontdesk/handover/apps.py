from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "frontdesk.handover"
    label = "handover"
    verbose_name = _("Shift handover")

    def ready(self):
        # The worker runs whatever is in JOBS; handing waiting return visits to the next shift
        # belongs to this app, so this app adds it (as workorders adds its timer sweep).
        from frontdesk.core.jobs import JOBS
        from frontdesk.handover.tasks import hand_over_return_visits

        JOBS["hand_over_return_visits"] = hand_over_return_visits
