"""Background jobs: explicit, restartable units run by `frontdesk worker` (and, in the
embedded single-process mode, by a thread inside `frontdesk serve`).

Each job is a function that does one bounded pass of its work and returns how many items it
handled. Later apps add theirs (timer sweep, wake-up calls) to JOBS.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connections

log = logging.getLogger("frontdesk.worker")


def clear_expired_sessions() -> int:
    from django.contrib.sessions.models import Session

    from frontdesk.core import clock

    deleted, _ = Session.objects.filter(expire_date__lt=clock.now()).delete()
    return deleted


JOBS: dict[str, Callable[[], int]] = {
    "clear_expired_sessions": clear_expired_sessions,
}


def _drop_stale_connections() -> None:
    """A long-running worker must not hold a connection the database has dropped. Inside a
    transaction (a test's, or a caller's) closing would abort it, so the check waits."""
    if not any(connection.in_atomic_block for connection in connections.all(initialized_only=True)):
        close_old_connections()


def run_jobs_once() -> dict[str, int]:
    """One pass over every job. A failing job is logged and does not stop the others."""
    results = {}
    for name, job in JOBS.items():
        _drop_stale_connections()
        try:
            results[name] = job()
        except Exception:
            log.exception("job %s failed; it will run again on the next pass", name)
            results[name] = -1
    _drop_stale_connections()
    return results


def run_forever(interval: float, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    log.info("worker started: %s every %ss", ", ".join(JOBS), interval)
    while not stop.is_set():
        started = time.monotonic()
        run_jobs_once()
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
