"""The shapes of the work-order API: what a client sends and what it gets back.

State, action and field keys are those of the procedure files (a contract: see complaint.yaml);
field values are whatever the field's type stores (text, "350.00" for money, ISO 8601 times,
ids for staff, departments and customers), phones and ID numbers masked per role.
"""

import datetime
from typing import Any

from ninja import Field, Schema

from frontdesk.core.schemas import PageQuery, StrictIn
from frontdesk.customers.api import CustomerIn, CustomerSummaryOut

# --- in ----------------------------------------------------------------------------------


class WorkOrderIn(StrictIn):
    service_type: str = Field(max_length=40)
    customer_id: int | None = None
    customer: CustomerIn | None = Field(None, description="a new customer, recorded with the order")
    department_id: int | None = None
    fields: dict[str, Any] = {}
    priority: str = Field("normal", max_length=10)
    complexity: str = Field("simple", max_length=10)
    channel: str = Field("phone", max_length=10)
    note: str = Field("", max_length=2000)


class ActionIn(StrictIn):
    version: int
    fields: dict[str, Any] = {}
    note: str = Field("", max_length=2000)


class WorkOrderFilters(PageQuery):
    service_type: str | None = Field(None, max_length=40)
    state: str | None = Field(None, max_length=40)
    department: int | None = None
    overdue: bool | None = None
    assignee: str | None = Field(None, max_length=20, description='"me" or a staff id')
    q: str = Field(
        "", max_length=100, description="words of the text (Simplified or Traditional), a phone fragment or a number"
    )


# --- out ---------------------------------------------------------------------------------


class OptionOut(Schema):
    key: str
    name: str


class FieldTypeOut(Schema):
    key: str
    type: str
    name: str
    names: dict[str, str]
    options: list[OptionOut]


class StateOut(Schema):
    key: str
    name: str
    names: dict[str, str]
    final: bool


class ActionOut(Schema):
    key: str
    name: str
    names: dict[str, str]
    from_: list[str] = Field(alias="from")
    to: str | None
    roles: list[str]
    requires: list[str]
    optional: list[str]


class ServiceTypeOut(Schema):
    key: str
    name: str
    names: dict[str, str]
    fields: list[FieldTypeOut]
    states: list[StateOut]
    actions: list[ActionOut]
    intake: ActionOut


class RefOut(Schema):
    id: int
    name: str


class TimerOut(Schema):
    name: str
    label: str
    due_at: datetime.datetime
    state: str
    overdue: bool


class AllowedActionOut(Schema):
    key: str
    name: str


class WorkOrderSummaryOut(Schema):
    id: int
    number: str
    service_type: str
    service_type_name: str
    state: str
    state_name: str
    escalated: bool
    version: int
    priority: str
    complexity: str
    channel: str
    department: RefOut | None
    assignee: RefOut | None
    customer: CustomerSummaryOut | None
    fields: dict[str, Any]
    timers: list[TimerOut]
    allowed_actions: list[AllowedActionOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class EventOut(Schema):
    seq: int
    at: datetime.datetime
    actor: RefOut | None
    action: str
    from_state: str
    to_state: str
    fields: dict[str, Any]
    note: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_by: RefOut | None
    uploaded_at: datetime.datetime
    url: str


class WorkOrderOut(WorkOrderSummaryOut):
    events: list[EventOut]
    attachments: list[AttachmentOut]


class WorkOrderPage(Schema):
    items: list[WorkOrderSummaryOut]
    next_cursor: str | None


class NotificationOrderOut(Schema):
    id: int
    number: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    order: NotificationOrderOut
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None
