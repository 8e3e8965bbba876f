from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "frontdesk.workorders"
    label = "workorders"
    verbose_name = _("Work orders")

    def ready(self):
        # The worker runs whatever is in JOBS; the timer sweep belongs to this app, so this
        # app adds it (core knows nothing about work orders).
        from frontdesk.core.jobs import JOBS
        from frontdesk.workorders.timers import sweep_due_timers

        JOBS["sweep_timers"] = sweep_due_timers
