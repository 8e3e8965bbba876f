from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotelConfig(AppConfig):
    name = "frontdesk.hotel"
    label = "hotel"
    verbose_name = _("Hotel front desk")

    def ready(self):
        # The worker runs whatever is in JOBS; releasing expired holds and firing wake-up calls
        # belong to this app, so this app adds them (as workorders adds its timer sweep).
        from frontdesk.core.jobs import JOBS
        from frontdesk.hotel.tasks import fire_wakeup_calls, release_expired_holds

        JOBS["hotel_release_expired_holds"] = release_expired_holds
        JOBS["hotel_fire_wakeup_calls"] = fire_wakeup_calls
