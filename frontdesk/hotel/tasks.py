"""Worker jobs of the hotel desk: each is one bounded pass calling services.py, safe to run in
two workers at once (the services claim each row with a conditional UPDATE)."""

import logging

from frontdesk.core import clock
from frontdesk.hotel import services

log = logging.getLogger("frontdesk.hotel.tasks")


def release_expired_holds() -> int:
    """Release the held reservations whose hold-until time has passed (seed 一.3: "房間為您保留到
    幾點鐘"); their rooms go back on sale. Each in its own transaction, so one failure is logged
    and tried again next pass without holding up the others."""
    now = clock.now()
    released = 0
    for reservation_id in list(services.expired_holds(now)):
        try:
            released += services.release_expired_hold(reservation_id, now)
        except Exception:
            log.exception("reservation %s could not be released; it will be tried again", reservation_id)
    return released


def fire_wakeup_calls() -> int:
    """Turn the wake-up calls whose minute has come into due tasks on the desk."""
    return services.fire_due_wakeup_calls(clock.now())
