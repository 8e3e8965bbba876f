"""Time limits: starting and stopping them, and the sweep that applies those that passed.

A timer is a row with an indexed due time. The worker calls `sweep_due_timers` every few
seconds; it reads only the running timers that are due, through the (state, due_at) index.

A breach is recorded once, whoever finds it first: the sweep, a second sweep running at the
same moment in another process, or the action that stops the timer too late. Each of them
claims the timer with `UPDATE ... SET state='breached' WHERE ... AND state='running'` while
holding the order's row, and only the one whose update changed the row applies the breach
rule. The sweep does a whole pass in one transaction with a fixed number of statements; on
PostgreSQL a second sweeper skips the orders the first one holds (SKIP LOCKED).

Lock order, to keep two writers from waiting on each other: first the order row, then its timers.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Department
from frontdesk.core import clock
from frontdesk.workorders.effects import append_event, conditions_hold, escalate, in_site_language, notify
from frontdesk.workorders.models import Notification, Timer, WorkOrder, WorkOrderEvent
from frontdesk.workorders.procedure import TIMER_BREACHED, Procedure
from frontdesk.workorders.versions import procedure_of
from frontdesk.workorders.working_time import DEFAULT_HOURS, add_working_minutes

log = logging.getLogger("frontdesk.workorders.timers")

RUNNING, STOPPED, BREACHED = Timer.State.RUNNING, Timer.State.STOPPED, Timer.State.BREACHED


def due_time(
    procedure: Procedure,
    name: str,
    started_at: datetime.datetime,
    fields: dict,
    hours: tuple[datetime.time, datetime.time] = DEFAULT_HOURS,
) -> datetime.datetime:
    """When the timer falls due; a limit in working time counts `hours` (the working hours of
    the order's responsible department) on Chinese working days."""
    spec = procedure.timers[name]
    if spec.due_field:
        return datetime.datetime.fromisoformat(fields[spec.due_field])
    if spec.working_time:
        return add_working_minutes(started_at, spec.minutes, hours)
    return started_at + datetime.timedelta(minutes=spec.minutes)


def working_hours_of(order: WorkOrder) -> tuple[datetime.time, datetime.time]:
    """The responsible department's working hours; the default before one is named."""
    if order.department_id is None:
        return DEFAULT_HOURS
    hours = Department.objects.filter(id=order.department_id).values_list("opens_at", "closes_at").first()
    return hours or DEFAULT_HOURS


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
            due_at=due_time(
                procedure,
                name,
                at,
                order.fields,
                working_hours_of(order) if procedure.timers[name].working_time else DEFAULT_HOURS,
            ),
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
    notifications, recorded = breach_outcome(order, procedure, timer, at)
    Notification.objects.bulk_create(notifications)
    append_event(
        order, at=at, actor=None, action=TIMER_BREACHED, from_state=order.state, to_state=order.state, fields=recorded
    )
    return True


def breach_outcome(order: WorkOrder, procedure: Procedure, timer: Timer, at) -> tuple[list[Notification], dict]:
    """What the timer's breach rule does, on the order in memory: escalation and reassignment
    change the order; returns the notifications to save and what the case-log entry records."""
    spec = procedure.timers.get(timer.name)
    recorded = {"timer": timer.name, "due_at": timezone.localtime(timer.due_at).isoformat()}
    notifications = []
    if spec is None:
        return notifications, recorded
    rule = spec.on_breach
    values = {"number": order.number, "service": procedure.name.get(), "timer": spec.name.get()}
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
    return notifications, recorded


def sweep_due_timers(now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Apply every running timer due by `now` (earliest first, at most `limit` per pass);
    returns how many breaches this pass recorded.

    A pass is one transaction with a fixed number of statements, whatever it finds due: its
    cost follows what is due, never the number of open orders. If the batch fails (one
    order's data is bad), the pass falls back to one transaction per timer, so the bad one is
    logged and retried next pass without holding up the others."""
    now = now or clock.now()
    due = due_timers(now, limit)
    if not due:
        return 0
    try:
        return _breach_in_one_transaction(due, now)
    except Exception:
        log.exception("the batch of %d due timers failed; applying them one by one", len(due))
    recorded = 0
    for timer in due:
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


class _LostClaim(Exception):
    """A timer changed under the batch although its order was locked; the pass starts again
    timer by timer, where each claim is checked on its own."""


def _breach_in_one_transaction(due: list[Timer], now) -> int:
    with transaction.atomic():
        # Lock the orders in id order (two sweepers never wait on each other crosswise);
        # where the database can, skip orders another sweeper holds: it is applying them.
        locking = WorkOrder.objects.select_for_update(of=("self",), skip_locked=_can_skip_locked())
        orders = {
            order.id: order
            for order in locking.select_related("procedure_version")
            .defer("procedure_version__definition")
            .filter(id__in={timer.order_id for timer in due})
            .order_by("id")
        }
        # With the orders locked, only an action on the order could still stop its timer, and it
        # would need the lock: the timers still running now are this pass's to breach.
        mine = list(
            Timer.objects.filter(id__in=[t.id for t in due], order_id__in=list(orders), state=RUNNING).order_by(
                "due_at", "id"
            )
        )
        if not mine:
            return 0
        claimed = Timer.objects.filter(id__in=[t.id for t in mine], state=RUNNING).update(
            state=BREACHED, breached_at=now
        )
        if claimed != len(mine):
            raise _LostClaim()
        last_seq = dict(
            WorkOrderEvent.objects.filter(order_id__in={t.order_id for t in mine})
            .values("order_id")
            .annotate(last=Max("seq"))
            .values_list("order_id", "last")
        )
        notifications, events = [], []
        escalated, unassigned = set(), set()
        for timer in mine:
            order = orders[timer.order_id]
            produced, recorded = breach_outcome(order, procedure_of(order), timer, now)
            notifications += produced
            escalated.update([order.id] if "escalated_to" in recorded else [])
            unassigned.update([order.id] if "unassigned" in recorded else [])
            last_seq[order.id] = last_seq.get(order.id, 0) + 1
            events.append(
                WorkOrderEvent(
                    order_id=order.id,
                    seq=last_seq[order.id],
                    at=now,
                    actor=None,
                    action=TIMER_BREACHED,
                    from_state=order.state,
                    to_state=order.state,
                    fields=recorded,
                )
            )
        Notification.objects.bulk_create(notifications)
        WorkOrderEvent.objects.bulk_create(events)
        # Only what a breach changes, in at most three statements. No version bump: a breach
        # changes no state and no field a person edits, so someone who opened the order a
        # minute ago can still accept it; the breach shows in the case log.
        WorkOrder.objects.filter(id__in={t.order_id for t in mine}).update(updated_at=now)
        if escalated:
            WorkOrder.objects.filter(id__in=escalated).update(escalated=True)
        if unassigned:
            WorkOrder.objects.filter(id__in=unassigned).update(assignee=None)
    return len(mine)


def _can_skip_locked() -> bool:
    return connection.features.has_select_for_update_skip_locked


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
        order.save(update_fields=["escalated", "assignee", "updated_at"])
    return True
