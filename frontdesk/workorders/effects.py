"""What an action or a passing time limit does to an order besides moving its state: the case
log entry, notifications, escalation, assignment. Shared by services.py (people's actions) and
timers.py (breaches), so both write the same records.

These functions change the order in memory; the caller saves it. They must run inside the
transaction that holds the order's row (its version claimed, or locked for update), so that two
writers never give two events the same `seq`.
"""

from django.conf import settings
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from frontdesk.workorders.choices import ORDER_ATTRIBUTES
from frontdesk.workorders.models import Notification, WorkOrder, WorkOrderEvent
from frontdesk.workorders.procedure import Condition, Effect, Procedure, Recipient


def append_event(
    order: WorkOrder, *, at, actor, action: str, from_state: str, to_state: str, fields: dict, note: str = ""
) -> WorkOrderEvent:
    last = WorkOrderEvent.objects.filter(order_id=order.id).aggregate(last=Max("seq"))["last"] or 0
    return WorkOrderEvent.objects.create(
        order_id=order.id,
        seq=last + 1,
        at=at,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        fields=fields,
        note=note,
    )


def conditions_hold(conditions: tuple[Condition, ...], order: WorkOrder) -> bool:
    for condition in conditions:
        value = (
            getattr(order, condition.field)
            if condition.field in ORDER_ATTRIBUTES
            else order.fields.get(condition.field)
        )
        if condition.values:
            if value not in condition.values:
                return False
        elif value in (None, ""):
            return False
    return True


def notify(order: WorkOrder, recipients: tuple[Recipient, ...], *, kind: str, text: str, at) -> list[Notification]:
    """One notification per recipient, not yet saved (the order may not be either): a role's
    is shared by its holders (in the responsible department, when the procedure says so); a
    person's goes to that person. A recipient that does not exist yet (no assignee, no
    department) is skipped."""
    rows = []
    for recipient in recipients:
        if recipient.person:
            person_id = order.created_by_id if recipient.person == "handler" else order.assignee_id
            if person_id is not None:
                rows.append(Notification(recipient_id=person_id, order=order, kind=kind, text=text, created_at=at))
        elif recipient.in_responsible_department:
            if order.department_id is not None:
                rows.append(
                    Notification(
                        role=recipient.role,
                        department_id=order.department_id,
                        order=order,
                        kind=kind,
                        text=text,
                        created_at=at,
                    )
                )
        else:
            rows.append(Notification(role=recipient.role, order=order, kind=kind, text=text, created_at=at))
    return rows


def in_site_language(build) -> str:
    """Notifications are read later by someone else, so they are written in the site's
    language, not in the language of whoever triggered them."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(build())


def apply_effects(
    order: WorkOrder, procedure: Procedure, effects: tuple[Effect, ...], *, actor, action_name, at
) -> list[Notification]:
    """Carry out an action's effects whose conditions hold, on the order in memory. Returns
    the notifications to save once the order is saved."""
    notifications = []
    # Assignments first, so that a notification to the responsible department reaches the
    # department just named, whatever order the file lists the effects in.
    effects = sorted(effects, key=lambda effect: effect.kind not in ("assign_department", "assign_to_actor"))
    for effect in effects:
        if not conditions_hold(effect.when, order):
            continue
        if effect.kind == "assign_department":
            order.department_id = order.fields[effect.field]
        elif effect.kind == "assign_to_actor":
            order.assignee_id = actor.id
        elif effect.kind == "escalate":
            notifications += escalate(order, procedure, effect.role, at=at)
        elif effect.kind == "notify":
            text = in_site_language(
                lambda: (
                    _("Work order %(number)s (%(service)s): %(action)s.")
                    % {"number": order.number, "service": procedure.name.get(), "action": action_name.get()}
                )
            )
            notifications += notify(order, effect.recipients, kind="action", text=text, at=at)
    return notifications


def escalate(order: WorkOrder, procedure: Procedure, role: str, *, at) -> list[Notification]:
    order.escalated = True
    text = in_site_language(
        lambda: (
            _("Work order %(number)s (%(service)s) has been escalated to you.")
            % {"number": order.number, "service": procedure.name.get()}
        )
    )
    return notify(order, (Recipient(role=role),), kind="escalated", text=text, at=at)
