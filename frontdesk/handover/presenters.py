"""How handovers and the orders they list are shown: names of service types, states and time
limits in the viewer's language, read from the procedure files (the snapshot keeps the keys,
which are a contract of the files and do not change)."""

import datetime

from frontdesk.handover.models import Handover
from frontdesk.handover.services import may_acknowledge
from frontdesk.workorders import display
from frontdesk.workorders.loader import load_procedures


def _person(staff) -> dict | None:
    return None if staff is None else {"id": staff.id, "name": display.person_name(staff)}


def order_item(item: dict, now: datetime.datetime) -> dict:
    """One order of a handover (or of the draft) with its names; due times as datetimes."""
    procedure = load_procedures().get(item["service_type"])
    timers = []
    for timer in item["timers"]:
        due_at = datetime.datetime.fromisoformat(timer["due_at"])
        timers.append(
            {
                "name": timer["name"],
                "label": display.timer_name(procedure, timer["name"]) if procedure else timer["name"],
                "due_at": due_at,
                "overdue": due_at <= now,
            }
        )
    return {
        "id": item["id"],
        "number": item["number"],
        "service_type": item["service_type"],
        "service_type_name": procedure.name.get() if procedure else item["service_type"],
        "state": item["state"],
        "state_name": display.state_name(procedure, item["state"]) if procedure else item["state"],
        "awaiting_return_visit": item["awaiting_return_visit"],
        "timers": timers,
    }


def handover(item: Handover, viewer, now: datetime.datetime) -> dict:
    shift = item.duty.shift if item.duty is not None else None
    return {
        "id": item.id,
        "outgoing": _person(item.outgoing),
        "department": {"id": item.department.id, "name": item.department.name},
        "shift": None if shift is None else {"id": shift.id, "name": shift.name, "date": item.duty.date},
        "written_at": item.written_at,
        "text": item.text,
        "orders": [order_item(order, now) for order in item.orders],
        "acknowledged_by": _person(item.acknowledged_by),
        "acknowledged_at": item.acknowledged_at,
        "version": item.version,
        "can_acknowledge": may_acknowledge(viewer, item),
    }
