"""Small helpers shared by the work-order tests."""

import datetime

from frontdesk.workorders import services
from frontdesk.workorders.models import WorkOrder
from tests.conftest import SHANGHAI

COMPLAINT_INTAKE = {
    "caller_name": "王先生",
    "caller_phone": "138 0013 8000",
    "room": "3-2-501",
    "description": "楼上卫生间漏水，天花板滴水",
    "read_back": "confirmed",
}

REPAIR_INTAKE = {
    "caller_name": "李女士",
    "caller_phone": "13912345678",
    "room": "5-1-1201",
    "description": "厨房水龙头漏水",
    "read_back": "confirmed",
}


def at(hour: int, minute: int = 0, day: datetime.date = datetime.date(2026, 11, 23)) -> datetime.datetime:
    """A moment on the clock fixture's day (Monday 2026-11-23), Shanghai time."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def complaint(actor, **overrides) -> WorkOrder:
    fields = {**COMPLAINT_INTAKE, **overrides.pop("fields", {})}
    return services.create_work_order(actor, "complaint", fields=fields, **overrides)


def repair(actor, **overrides) -> WorkOrder:
    fields = {**REPAIR_INTAKE, **overrides.pop("fields", {})}
    return services.create_work_order(actor, "repair", fields=fields, **overrides)


def act(actor, order: WorkOrder, action: str, fields: dict | None = None, note: str = "") -> WorkOrder:
    """Take an action as a client would: with the version it last saw of the order."""
    version = WorkOrder.objects.values_list("version", flat=True).get(id=order.id)
    return services.take_action(actor, order.id, action, version=version, fields=fields or {}, note=note)


def actions_logged(order: WorkOrder) -> list[str]:
    return list(order.events.order_by("seq").values_list("action", flat=True))
