"""How a work order's recorded values read on the pages, the printed follow-up record and the
exports: one branch per field type, so a new procedure needs no display code. Phone and ID
numbers go through presenters.shown_value, the masking the API and the customer archive use,
so no page or export shows more than the viewer may see.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Department, Staff
from frontdesk.customers.models import Customer
from frontdesk.workorders.models import Timer, WorkOrder
from frontdesk.workorders.presenters import shown_value
from frontdesk.workorders.procedure import FieldSpec, Procedure

REFERENCE_TYPES = {"customer": Customer, "department": Department, "staff": Staff}


def local_time(value: datetime.datetime | None) -> str:
    """2026-11-23 14:30 in the site's time zone: the form staff write on paper."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def money(value) -> Decimal | None:
    """A stored amount ("350.00") as a Decimal with two decimals; never a float."""
    if value in (None, ""):
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


class ReferenceNames:
    """The names of the customers, departments and staff that recorded values point to, read
    once per page (one query per kind) rather than once per value."""

    def __init__(self, procedure_fields: list[tuple[FieldSpec, object]]):
        wanted: dict[str, set[int]] = {kind: set() for kind in REFERENCE_TYPES}
        for spec, value in procedure_fields:
            if spec.type in REFERENCE_TYPES and isinstance(value, int):
                wanted[spec.type].add(value)
        self.names = {
            kind: {row.id: _reference_label(kind, row) for row in REFERENCE_TYPES[kind].objects.filter(id__in=ids)}
            for kind, ids in wanted.items()
            if ids
        }

    def get(self, kind: str, value) -> str:
        return self.names.get(kind, {}).get(value, f"#{value}")


def _reference_label(kind: str, row) -> str:
    if kind == "staff":
        return f"{row.full_name or row.username} ({row.employee_number})"
    if kind == "customer":
        return _("%(name)s (No. %(number)s)") % {"name": row.name, "number": row.id}
    return row.name


def field_text(spec: FieldSpec, value, viewer, references: ReferenceNames | None = None) -> str:
    """One recorded value as the viewer may read it."""
    if value in (None, ""):
        return ""
    kind = spec.type
    if kind in ("phone", "id_number"):
        return shown_value(kind, value, viewer)
    if kind == "datetime":
        return local_time(datetime.datetime.fromisoformat(value))
    if kind == "choice":
        names = dict(spec.options)
        return names[value].get() if value in names else str(value)
    if kind == "money":
        return f"{money(value)}"
    if kind == "rating":
        return _("%(score)s of 5") % {"score": value}
    if kind in REFERENCE_TYPES:
        references = references or ReferenceNames([(spec, value)])
        return references.get(kind, value)
    return str(value)


def recorded_values(procedure: Procedure, values: dict, viewer, references: ReferenceNames | None = None) -> list[dict]:
    """The values of `values` that the procedure declares, in the procedure's order, each with
    its name, type and text for the viewer."""
    items = [(spec, values[key]) for key, spec in procedure.fields.items() if values.get(key) not in (None, "")]
    references = references or ReferenceNames(items)
    return [
        {
            "key": spec.key,
            "name": spec.name.get(),
            "type": spec.type,
            "text": field_text(spec, value, viewer, references),
        }
        for spec, value in items
    ]


def state_name(procedure: Procedure, state: str) -> str:
    spec = procedure.states.get(state)
    return spec.name.get() if spec else state


def is_overdue(timers: list[Timer], now: datetime.datetime) -> bool:
    """A time limit passed (breached, even if met late since) or one running past its due time
    that no sweep has seen yet: the same rule as services.search_orders(overdue=True)."""
    return any(
        timer.state == Timer.State.BREACHED or (timer.state == Timer.State.RUNNING and timer.due_at <= now)
        for timer in timers
    )


def nearest_running(timers: list[Timer]) -> Timer | None:
    running = [timer for timer in timers if timer.state == Timer.State.RUNNING]
    return min(running, key=lambda timer: timer.due_at) if running else None


def timer_name(procedure: Procedure, name: str) -> str:
    spec = procedure.timers.get(name)
    return spec.name.get() if spec else name


def person_name(staff) -> str:
    if staff is None:
        return ""
    return staff.full_name or staff.username


def order_summary_text(order: WorkOrder, procedure: Procedure) -> str:
    """A line saying what the order is about: its first long text recorded at intake (what
    happened, what needs repair ...), whatever the procedure calls it."""
    for key in procedure.intake.fields:
        spec = procedure.fields[key]
        if spec.type == "long_text" and order.fields.get(key):
            return str(order.fields[key])
    return ""
