"""How service types and work orders are shown to a given viewer: names in the request's
language, personal data in the fields masked the way the customer archive masks it.

The API calls these; the pages may too, so that no door shows more than another.
"""

from collections import defaultdict

from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from frontdesk.customers.models import ContactPoint, Customer
from frontdesk.customers.presenters import contact_display, customer_summaries, customer_summary, id_number_display
from frontdesk.workorders.models import Notification, Timer, WorkOrder, WorkOrderAttachment, WorkOrderEvent
from frontdesk.workorders.procedure import LANGUAGES, ActionSpec, Names, Procedure
from frontdesk.workorders.services import allowed_actions
from frontdesk.workorders.versions import procedure_of

# --- service types -----------------------------------------------------------------------


def names(value: Names) -> dict:
    return {language: value.get(language) for language in LANGUAGES}


def _action(action: ActionSpec) -> dict:
    return {
        "key": action.key,
        "name": action.name.get(),
        "names": names(action.name),
        "from": list(action.from_states),
        "to": action.to_state,
        "roles": list(action.roles),
        "requires": list(action.requires),
        "optional": list(action.optional),
    }


def service_type(procedure: Procedure) -> dict:
    return {
        "key": procedure.key,
        "name": procedure.name.get(),
        "names": names(procedure.name),
        "fields": [
            {
                "key": spec.key,
                "type": spec.type,
                "name": spec.name.get(),
                "names": names(spec.name),
                "options": [{"key": key, "name": name.get()} for key, name in spec.options],
            }
            for spec in procedure.fields.values()
        ],
        "states": [
            {"key": state.key, "name": state.name.get(), "names": names(state.name), "final": state.final}
            for state in procedure.states.values()
        ],
        "actions": [_action(action) for action in procedure.actions.values()],
        "intake": _action(procedure.intake),
    }


# --- field values ------------------------------------------------------------------------


def shown_value(field_type: str | None, value, viewer):
    """A recorded value as the viewer may see it. The archive's helpers decide, so a phone or an
    ID number reads the same on an order as on the customer's own page."""
    if not isinstance(value, str) or not value:
        return value
    if field_type == "phone":
        return contact_display(ContactPoint(kind=ContactPoint.Kind.PHONE, value=value), viewer)
    if field_type == "id_number":
        return id_number_display(Customer(id_number=value), viewer)
    return value


def shown_fields(procedure: Procedure, values: dict, viewer) -> dict:
    types = {key: spec.type for key, spec in procedure.fields.items()}
    return {key: shown_value(types.get(key), value, viewer) for key, value in values.items()}


# --- orders ------------------------------------------------------------------------------


def _person(staff) -> dict | None:
    return None if staff is None else {"id": staff.id, "name": staff.full_name or staff.username}


def _timer(timer: Timer, procedure: Procedure, now) -> dict:
    spec = procedure.timers.get(timer.name)
    return {
        "name": timer.name,
        "label": spec.name.get() if spec else timer.name,
        "due_at": timer.due_at,
        "state": timer.state,
        # Breached, or running past its due time before a sweep has recorded it.
        "overdue": timer.state == Timer.State.BREACHED or (timer.state == Timer.State.RUNNING and timer.due_at <= now),
    }


def order_summary(order: WorkOrder, viewer, customer: dict | None = None, timers: list[Timer] | None = None) -> dict:
    """The order as lists show it. A page passes the customer's summary and the timers it read
    for all its orders at once (order_summaries); one order reads its own."""
    procedure = procedure_of(order)
    now = timezone.now()
    if customer is None and order.customer is not None:
        customer = customer_summary(order.customer, viewer)
    return {
        "id": order.id,
        "number": order.number,
        "service_type": order.service_type,
        "service_type_name": procedure.name.get(),
        "state": order.state,
        "state_name": procedure.states[order.state].name.get(),
        "escalated": order.escalated,
        "version": order.version,
        "priority": order.priority,
        "complexity": order.complexity,
        "channel": order.channel,
        "department": None if order.department is None else {"id": order.department.id, "name": order.department.name},
        "assignee": _person(order.assignee),
        "customer": customer,
        "fields": shown_fields(procedure, order.fields, viewer),
        "timers": [_timer(timer, procedure, now) for timer in (order.timers.all() if timers is None else timers)],
        "allowed_actions": [{"key": a.key, "name": a.name.get()} for a in allowed_actions(order, viewer)],
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def order_summaries(orders, viewer) -> list[dict]:
    """A page of orders in a fixed number of queries: the viewer's roles once, the customers'
    summaries and the timers of all the page's orders at once."""
    prefetch_related_objects([viewer], "memberships")
    customers = customer_summaries([order.customer for order in orders if order.customer is not None], viewer)
    timers = defaultdict(list)
    for timer in Timer.objects.filter(order_id__in=[order.id for order in orders]).order_by("id"):
        timers[timer.order_id].append(timer)
    return [order_summary(order, viewer, customers.get(order.customer_id), timers[order.id]) for order in orders]


def _event(event: WorkOrderEvent, procedure: Procedure, viewer) -> dict:
    return {
        "seq": event.seq,
        "at": event.at,
        "actor": _person(event.actor),
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "fields": shown_fields(procedure, event.fields, viewer),
        "note": event.note,
    }


def attachment(item: WorkOrderAttachment) -> dict:
    return {
        "id": item.id,
        "name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "uploaded_by": _person(item.uploaded_by),
        "uploaded_at": item.uploaded_at,
        "url": reverse(
            "api-v1:download_attachment", kwargs={"order_id": item.order_id, "attachment_id": item.id}
        ),
    }


def order_detail(order: WorkOrder, viewer) -> dict:
    """The order with its case log and attachments."""
    procedure = procedure_of(order)
    data = order_summary(order, viewer)
    data["events"] = [_event(e, procedure, viewer) for e in order.events.select_related("actor").order_by("seq")]
    data["attachments"] = [attachment(a) for a in order.attachments.select_related("uploaded_by")]
    return data


def notification(item: Notification) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "text": item.text,
        "order": {"id": item.order.id, "number": item.order.number},
        "created_at": item.created_at,
        "read_at": item.read_at,
    }
