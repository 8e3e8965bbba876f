"""The shift-handover API. Each handler parses, calls one operation of services.py and presents
the result; who may do what is decided there."""

import datetime

from ninja import Field, Query, Router, Schema, Status

from frontdesk.core import clock
from frontdesk.core.pagination import keyset_page
from frontdesk.core.schemas import PageQuery, StrictIn, page_limit
from frontdesk.handover import presenters, services
from frontdesk.handover.models import TEXT_MAX

router = Router(tags=["shift handover"])


class HandoverIn(StrictIn):
    text: str = Field(max_length=TEXT_MAX)
    department_id: int | None = Field(None, description="one of the writer's departments; default: the shift's")


class AcknowledgeIn(StrictIn):
    version: int


class RefOut(Schema):
    id: int
    name: str


class ShiftOut(Schema):
    id: int
    name: str
    date: datetime.date


class HandoverTimerOut(Schema):
    name: str
    label: str
    due_at: datetime.datetime
    overdue: bool


class HandoverOrderOut(Schema):
    id: int
    number: str
    service_type: str
    service_type_name: str
    state: str
    state_name: str
    awaiting_return_visit: bool
    timers: list[HandoverTimerOut]


class HandoverOut(Schema):
    id: int
    outgoing: RefOut
    department: RefOut
    shift: ShiftOut | None
    written_at: datetime.datetime
    text: str
    orders: list[HandoverOrderOut]
    acknowledged_by: RefOut | None
    acknowledged_at: datetime.datetime | None
    version: int
    can_acknowledge: bool


class HandoverPage(Schema):
    items: list[HandoverOut]
    next_cursor: str | None


class DraftOut(Schema):
    orders: list[HandoverOrderOut]


@router.get("/handovers", response=HandoverPage, summary="Handovers pending for me and those I wrote, newest first")
def list_handovers(request, filters: Query[PageQuery]):
    items, next_cursor = keyset_page(services.handovers_for(request.auth), filters.cursor, page_limit(filters.limit))
    now = clock.now()
    return {"items": [presenters.handover(h, request.auth, now) for h in items], "next_cursor": next_cursor}


@router.get("/handover/draft", response=DraftOut, summary="The open orders I would hand over now")
def handover_draft(request):
    now = clock.now()
    return {"orders": [presenters.order_item(item, now) for item in services.orders_to_hand_over(request.auth)]}


@router.post("/handovers", response={201: HandoverOut}, summary="Write the handover of my shift")
def write_handover(request, payload: HandoverIn):
    handover = services.write_handover(request.auth, payload.text, department_id=payload.department_id)
    return Status(201, presenters.handover(services.get_handover(request.auth, handover.id), request.auth, clock.now()))


@router.post("/handovers/{handover_id}/acknowledge", response=HandoverOut, summary="Acknowledge a handover")
def acknowledge_handover(request, handover_id: int, payload: AcknowledgeIn):
    handover = services.acknowledge_handover(request.auth, handover_id, payload.version)
    return presenters.handover(handover, request.auth, clock.now())
