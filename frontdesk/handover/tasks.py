"""The worker job that hands a waiting return visit to the next shift (seed 000 §一.7: "a
return visit not done by the end of the handler's shift is handed to a colleague").

Each pass looks at the duties that ended lately. For a handler whose shift is over (and who is
not back on duty), every order they recorded that is waiting for its return visit is announced
to the colleagues now on duty in the shift's department who may make that visit. Once per
order and ended duty: the pass first inserts a ReturnVisitHandoff row, unique on (order, duty),
and only the pass whose insert succeeded writes the notifications, in the same transaction.
When nobody who may make the visit is on duty yet, nothing is claimed and a later pass, once
the next shift has begun, hands it over.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Duty, Staff
from frontdesk.accounts.services import duties_at, shift_window
from frontdesk.core import clock
from frontdesk.handover.models import ReturnVisitHandoff
from frontdesk.handover.services import RETURN_VISIT, awaits_return_visit
from frontdesk.workorders.effects import in_site_language
from frontdesk.workorders.loader import load_procedures
from frontdesk.workorders.models import Notification, WorkOrder
from frontdesk.workorders.services import acting_roles
from frontdesk.workorders.versions import procedure_of

log = logging.getLogger("frontdesk.handover.tasks")

NOTIFICATION_KIND = "handover"
# How long after a shift's end its waiting return visits are still handed over: long enough to
# reach the next shift over a weekend, short enough that a pass reads a few days of roster.
LOOKBACK = datetime.timedelta(days=3)


def hand_over_return_visits(now: datetime.datetime | None = None) -> int:
    """One pass; returns how many orders were handed over. Each order is its own transaction,
    so one that fails is logged and tried again next pass without holding up the others."""
    now = now or clock.now()
    handed = 0
    for duty in ended_duties(now):
        colleagues = _colleagues_on_duty(duty, now)
        if not colleagues:
            continue  # the next shift has not begun: a later pass hands it over
        for order in waiting_return_visits(duty):
            try:
                handed += _hand_over(order, duty, colleagues, now)
            except Exception:
                log.exception(
                    "return visit of work order %s could not be handed over; it will be tried again", order.id
                )
    return handed


def ended_duties(now: datetime.datetime) -> list[Duty]:
    """Per staff member off duty now, their latest duty that ended within LOOKBACK."""
    local_date = timezone.localdate(now)
    first_date = timezone.localdate(now - LOOKBACK) - datetime.timedelta(days=1)  # a night shift begun the day before
    duties = Duty.objects.select_related("staff", "shift").filter(
        date__gte=first_date, date__lte=local_date, staff__is_active=True
    )
    latest: dict[int, tuple[datetime.datetime, Duty]] = {}
    on_duty: set[int] = set()
    for duty in duties:
        start, end = shift_window(duty.shift, duty.date)
        if start <= now < end:
            on_duty.add(duty.staff_id)
        elif now - LOOKBACK < end <= now and (duty.staff_id not in latest or latest[duty.staff_id][0] < end):
            latest[duty.staff_id] = (end, duty)
    return [duty for staff_id, (_end, duty) in latest.items() if staff_id not in on_duty]


def _colleagues_on_duty(duty: Duty, now: datetime.datetime) -> list[Staff]:
    colleagues = {d.staff.id: d.staff for d in duties_at(now, department_id=duty.shift.department_id)}
    colleagues.pop(duty.staff_id, None)
    staff = sorted(colleagues.values(), key=lambda person: person.id)
    prefetch_related_objects(staff, "memberships")  # acting_roles reads them per order
    return staff


def waiting_return_visits(duty: Duty):
    """Orders the duty's staff member recorded whose next step is the return visit, not yet
    handed over for this duty."""
    waiting = Q(pk__in=[])
    for key, procedure in load_procedures().items():
        action = procedure.actions.get(RETURN_VISIT)
        if action is not None:
            waiting |= Q(service_type=key, state__in=action.from_states)
    handed = ReturnVisitHandoff.objects.filter(order_id=OuterRef("pk"), duty=duty)
    return (
        WorkOrder.objects.filter(waiting, created_by_id=duty.staff_id)
        .exclude(Exists(handed))
        .select_related("procedure_version", "created_by")
        .defer("procedure_version__definition")
        .order_by("id")
    )


def _hand_over(order: WorkOrder, duty: Duty, colleagues: list[Staff], now) -> int:
    procedure = procedure_of(order)
    if not awaits_return_visit(order, procedure):  # the version it runs under says otherwise
        return 0
    roles = procedure.actions[RETURN_VISIT].roles
    recipients = [person for person in colleagues if acting_roles(person, order.department_id).intersection(roles)]
    if not recipients:
        return 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReturnVisitHandoff.objects.create(
                    order=order, duty=duty, handed_at=now, recipients=[person.id for person in recipients]
                )
        except IntegrityError:  # another worker handed it over a moment ago
            return 0
        handler = order.created_by.full_name or order.created_by.username
        text = in_site_language(
            lambda: (
                _(
                    "Work order %(number)s (%(service)s) is waiting for its return visit, and the shift of "
                    "%(handler)s, who recorded it, has ended: please make the return visit."
                )
                % {"number": order.number, "service": procedure.name.get(), "handler": handler}
            )
        )
        # One notification per colleague by name: the engine's notify() addresses the
        # procedure's recipients (the handler, the assignee, a role), not a chosen person.
        Notification.objects.bulk_create(
            [
                Notification(recipient=person, order=order, kind=NOTIFICATION_KIND, text=text, created_at=now)
                for person in recipients
            ]
        )
    return 1
