"""Shift handover (交接班, seed 000 §二.5): the only code that writes handovers.

At the end of a shift the outgoing person sees every open order they touched (recorded, are
assigned to, or acted on), with the time limits still running, writes what the next shift must
know, and the handover keeps those orders as they stood. Someone of the next shift in the same
department acknowledges it, once.

Each operation checks who may do it, validates before writing, writes in one transaction and
appends an audit event. Acknowledging carries the version the client saw: a stale one is
refused (409), so two people pressing "acknowledge" at once give one acknowledgement.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Duty, Staff
from frontdesk.accounts.services import shift_window
from frontdesk.audit.services import record_event
from frontdesk.core import clock
from frontdesk.core.changes import claim_version
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion, field_error
from frontdesk.handover.models import TEXT_MAX, Handover
from frontdesk.workorders.attachments import READ_ONLY_ROLES
from frontdesk.workorders.models import Timer, WorkOrder, WorkOrderEvent
from frontdesk.workorders.procedure import Procedure
from frontdesk.workorders.services import in_final_state, visible_orders
from frontdesk.workorders.versions import procedure_of

# The action key of the return visit (回访) in every procedure that has one: a contract of the
# procedure files (see complaint.yaml), so the state it starts from is read, never hard-coded.
RETURN_VISIT = "return_visit"

# --- who may -----------------------------------------------------------------------------


def _require_staff(actor: Staff) -> None:
    if actor is None or not actor.is_authenticated or not actor.roles:
        raise PermissionDenied()


def may_write(actor: Staff) -> bool:
    """Anyone who works shifts; inspectors and analysts read but change nothing."""
    return actor is not None and actor.is_authenticated and bool(actor.roles - READ_ONLY_ROLES)


def may_acknowledge(actor: Staff, handover: Handover) -> bool:
    """Someone of the handover's department, other than its writer, who is not read-only."""
    return (
        may_write(actor)
        and handover.outgoing_id != actor.id
        and handover.department_id in actor.own_department_ids
        and handover.acknowledged_at is None
    )


# --- the orders to hand over -------------------------------------------------------------


def awaits_return_visit(order: WorkOrder, procedure: Procedure) -> bool:
    """True when the order's next step is its return visit (a complaint `verified`)."""
    action = procedure.actions.get(RETURN_VISIT)
    return action is not None and order.state in action.from_states


def orders_to_hand_over(actor: Staff) -> list[dict]:
    """The open orders the actor recorded, is assigned to or acted on, as a handover keeps
    them: number, state, whether the return visit is next, and the running time limits with
    their due times. Those with a running limit come first, the most urgent first; then the
    rest, newest first."""
    _require_staff(actor)
    acted_on = WorkOrderEvent.objects.filter(order_id=OuterRef("pk"), actor=actor)
    orders = (
        visible_orders(actor)
        .filter(Q(created_by=actor) | Q(assignee=actor) | Q(Exists(acted_on)))
        .exclude(in_final_state())
        .select_related("procedure_version")
        .defer("procedure_version__definition")
        .prefetch_related(
            Prefetch(
                "timers",
                queryset=Timer.objects.filter(state=Timer.State.RUNNING).order_by("due_at"),
                to_attr="running_timers",
            )
        )
    )
    open_orders = []
    for order in orders:
        procedure = procedure_of(order)
        if not procedure.is_final(order.state):
            open_orders.append((order, procedure))
    open_orders.sort(
        key=lambda pair: (
            (0, pair[0].running_timers[0].due_at.timestamp(), 0)
            if pair[0].running_timers
            else (1, 0, -pair[0].id)
        )
    )
    return [_snapshot(order, procedure) for order, procedure in open_orders]


def _snapshot(order: WorkOrder, procedure: Procedure) -> dict:
    return {
        "id": order.id,
        "number": order.number,
        "service_type": order.service_type,
        "state": order.state,
        "awaiting_return_visit": awaits_return_visit(order, procedure),
        "timers": [
            {"name": timer.name, "due_at": timezone.localtime(timer.due_at).isoformat()}
            for timer in order.running_timers
        ],
    }


# --- writing -----------------------------------------------------------------------------


def closing_duty(actor: Staff, now: datetime.datetime) -> Duty | None:
    """The duty a handover written now closes: the actor's shift that began last, today or
    yesterday (a handover is often written a few minutes after the shift's end)."""
    local_date = timezone.localdate(now)
    duties = Duty.objects.select_related("shift__department").filter(
        staff=actor, date__in=[local_date, local_date - datetime.timedelta(days=1)]
    )
    begun = [(shift_window(duty.shift, duty.date)[0], duty) for duty in duties]
    begun = [(start, duty) for start, duty in begun if start <= now]
    return max(begun, key=lambda pair: pair[0])[1] if begun else None


def _clean_text(text) -> str:
    if not isinstance(text, str):
        raise field_error("text", _("Enter text."))
    text = text.strip()
    if not text:
        raise field_error("text", _("Write what the next shift needs to know."))
    if len(text) > TEXT_MAX:
        raise field_error(
            "text",
            _("Keep this under %(limit)d characters (it has %(length)d).") % {"limit": TEXT_MAX, "length": len(text)},
        )
    return text


def write_handover(actor: Staff, text: str, department_id: int | None = None) -> Handover:
    """Write the handover of the actor's shift. The department is the one named (one of the
    actor's own), else that of the shift being closed, else the actor's first department."""
    _require_staff(actor)
    if not may_write(actor):
        raise PermissionDenied()
    text = _clean_text(text)
    now = clock.now()
    duty = closing_duty(actor, now)
    if department_id is not None:
        if department_id not in actor.own_department_ids:
            raise field_error("department_id", _("Choose one of your own departments."))
        if duty is not None and duty.shift.department_id != department_id:
            duty = None
    elif duty is not None:
        department_id = duty.shift.department_id
    else:
        department_id = actor.memberships.order_by("id").values_list("department_id", flat=True).first()
        if department_id is None:
            raise field_error(
                "department_id", _("You belong to no department, so there is no next shift to hand over to.")
            )
    orders = orders_to_hand_over(actor)
    with transaction.atomic():
        handover = Handover.objects.create(
            outgoing=actor, department_id=department_id, duty=duty, written_at=now, text=text, orders=orders
        )
        record_event(
            actor,
            "handover.written",
            handover,
            {
                "department_id": department_id,
                "duty_id": duty.id if duty else None,
                "orders": [item["number"] for item in orders],
            },
        )
    return handover


# --- reading -----------------------------------------------------------------------------


def _with_people(handovers):
    return handovers.select_related("outgoing", "department", "duty__shift", "acknowledged_by")


def visible_handovers(actor: Staff):
    """Handovers of the actor's departments, and those the actor wrote."""
    _require_staff(actor)
    return _with_people(Handover.objects.filter(Q(department_id__in=actor.own_department_ids) | Q(outgoing=actor)))


def _pending_for(actor: Staff) -> Q:
    return Q(department_id__in=actor.own_department_ids, acknowledged_at__isnull=True) & ~Q(outgoing=actor)


def pending_handovers(actor: Staff):
    """Handovers waiting for the next shift of the actor's departments: not yet acknowledged,
    written by someone else. Newest first."""
    _require_staff(actor)
    return _with_people(Handover.objects.filter(_pending_for(actor)))


def my_handovers(actor: Staff):
    _require_staff(actor)
    return _with_people(Handover.objects.filter(outgoing=actor))


def handovers_for(actor: Staff):
    """What the list shows a person: those pending for them and those they wrote."""
    _require_staff(actor)
    return _with_people(Handover.objects.filter(_pending_for(actor) | Q(outgoing=actor)))


def get_handover(actor: Staff, handover_id: int) -> Handover:
    handover = visible_handovers(actor).filter(id=handover_id).first()
    if handover is None:
        raise NotFound(_("No such handover."))
    return handover


# --- acknowledging -----------------------------------------------------------------------


def acknowledge_handover(actor: Staff, handover_id: int, version: int) -> Handover:
    """The incoming shift confirms it has read the handover. Once: a second acknowledgement,
    or one sent on a stale version, is refused and changes nothing."""
    handover = get_handover(actor, handover_id)
    if not may_write(actor):
        raise PermissionDenied()
    if handover.outgoing_id == actor.id:
        raise PermissionDenied(_("The next shift acknowledges a handover, not the person who wrote it."))
    if handover.department_id not in actor.own_department_ids:
        raise PermissionDenied()
    if version != handover.version:
        raise StaleVersion()
    if handover.acknowledged_at is not None:
        raise InvalidInput(
            _("%(name)s already acknowledged this handover.")
            % {"name": handover.acknowledged_by.full_name or handover.acknowledged_by.username}
        )
    now = clock.now()
    with transaction.atomic():
        handover.version = claim_version(Handover, handover.id, version)  # StaleVersion if someone was first
        handover.acknowledged_by = actor
        handover.acknowledged_at = now
        handover.save(update_fields=["acknowledged_by", "acknowledged_at"])
        record_event(actor, "handover.acknowledged", handover, {"outgoing_id": handover.outgoing_id})
    return handover
