"""Time limits: starting and stopping them, and the sweep that applies those that passed.

A timer is a row with an indexed due time. The worker calls `sweep_due_timers` every few
seconds; it reads only the running timers that are due, through the (state, due_at) index.

A breach is recorded once, whoever finds it first: the sweep, a second sweep running at the
same moment in another process, or the action that stops the timer too late. Each of them
claims the timer with `UPDATE ... SET state='breached' WHERE id=? AND state='running'`, and
only the one whose update changed the row applies the breach rule.

Lock order, to keep two writers from waiting on each other: first the order row, then its timers.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core import clock
from frontdesk.workorders.effects import append_event, conditions_hold, escalate, in_site_language, notify
from frontdesk.workorders.models import Notification, Timer, WorkOrder
from frontdesk.workorders.procedure import TIMER_BREACHED, Procedure
from frontdesk.workorders.versions import procedure_of
from frontdesk.workorders.working_time import add_working_minutes

log = logging.getLogger("frontdesk.workorders.timers")

RUNNING, STOPPED, BREACHED = Timer.State.RUNNING, Timer.State.STOPPED, Timer.State.BREACHED


def due_time(procedure: Procedure, name: str, started_at: datetime.datetime, fields: dict) -> datetime.datetime:
    spec = procedure.timers[name]
    if spec.due_field:
        return datetime.datetime.fromisoformat(fields[spec.due_field])
    if spec.working_time:
        return add_working_minutes(started_at, spec.minutes)
    return started_at + datetime.timedelta(minutes=spec.minutes)


def start_timers(order: WorkOrder, procedure: Procedure, names: tuple[str, ...], *, at) -> None:
    """Start the named timers whose conditions hold. Starting a timer that is already running
    starts it again (a re-dispatch restarts the pick-up limit, a new reply time replaces the old)."""
    for name in names:
        if not conditions_hold(procedure.timers[name].when, order):
            continue
        stop_timers(order, procedure, at=at, names=(name,))
        Timer.objects.create(
            order_id=order.id,
            name=name,
            started_at=at,
            due_at=due_time(procedure, name, at, order.fields),
            state=RUNNING,
        )


def stop_timers(order: WorkOrder, procedure: Procedure, *, at, names: tuple[str, ...] | None = None) -> None:
    """Stop the order's live timers (the named ones, or all): those running, and those already
    breached but not yet ended (a pick-up limit passed, then the order is accepted late). One
    found running past its due time was breached, whether or not a sweep saw it yet: the breach
    is applied first."""
    live = Timer.objects.filter(order_id=order.id, stopped_at__isnull=True)
    if names is not None:
        live = live.filter(name__in=names)
    for timer in live:
        if timer.state == RUNNING and timer.due_at <= at:
            breach(order, procedure, timer, at)
        Timer.objects.filter(id=timer.id, state=RUNNING).update(state=STOPPED, stopped_at=at)
        Timer.objects.filter(id=timer.id, stopped_at__isnull=True).update(stopped_at=at)


def breach(order: WorkOrder, procedure: Procedure, timer: Timer, at) -> bool:
    """Claim the timer's breach and apply its rule; False if someone else already had it.
    The order must be locked by the caller; the caller saves it."""
    if Timer.objects.filter(id=timer.id, state=RUNNING).update(state=BREACHED, breached_at=at) != 1:
        return False
    spec = procedure.timers.get(timer.name)
    recorded = {"timer": timer.name, "due_at": timezone.localtime(timer.due_at).isoformat()}
    if spec is not None:
        rule = spec.on_breach
        values = {"number": order.number, "service": procedure.name.get(), "timer": spec.name.get()}
        notifications = []
        if rule.escalate:
            notifications += escalate(order, procedure, rule.escalate, at=at)
            recorded["escalated_to"] = rule.escalate
        if rule.notify:
            text = in_site_language(
                lambda: _("Work order %(number)s (%(service)s): the time limit “%(timer)s” has passed.") % values
            )
            if rule.message is not None:
                # The procedure says what to do about it, in the same language as the rest.
                text = f"{text} {rule.message.get(settings.LANGUAGE_CODE)}"
            notifications += notify(order, rule.notify, kind="breached", text=text, at=at)
        if rule.reassign:
            recorded["unassigned"] = order.assignee_id
            order.assignee_id = None
            text = in_site_language(
                lambda: (
                    _("Work order %(number)s (%(service)s) needs a new handler: the time limit “%(timer)s” has passed.")
                    % values
                )
            )
            notifications += notify(order, (rule.reassign,), kind="reassign", text=text, at=at)
        Notification.objects.bulk_create(notifications)
    append_event(
        order, at=at, actor=None, action=TIMER_BREACHED, from_state=order.state, to_state=order.state, fields=recorded
    )
    return True


def sweep_due_timers(now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Apply every running timer due by `now` (earliest first, at most `limit` per pass);
    returns how many breaches this pass recorded. Each breach is its own transaction, so one
    that fails is logged and retried next pass without holding up the others."""
    now = now or clock.now()
    recorded = 0
    for timer in due_timers(now, limit):
        try:
            recorded += _breach_due_timer(timer, now)
        except Exception:
            log.exception(
                "timer %s of work order %s could not be applied; it will be tried again", timer.id, timer.order_id
            )
    return recorded


def due_timers(now: datetime.datetime, limit: int) -> list[Timer]:
    """The running timers due by `now`, earliest first: one range scan of the (state, due_at) index."""
    return list(Timer.objects.filter(state=RUNNING, due_at__lte=now).order_by("due_at")[:limit])


def _breach_due_timer(timer: Timer, now) -> bool:
    with transaction.atomic():
        order = (
            WorkOrder.objects.select_for_update(of=("self",))
            .select_related("procedure_version")
            .defer("procedure_version__definition")
            .get(id=timer.order_id)
        )
        if not breach(order, procedure_of(order), timer, now):
            return False
        order.updated_at = now
        # No version bump: a breach changes no state and no field a person edits, so someone who
        # opened the order a minute ago can still accept it; the breach shows in the case log.
        order.save(update_fields=["escalated", "assignee", "updated_at"])
    return True
