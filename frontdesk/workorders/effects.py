"""What an action or a passing time limit does to an order besides moving its state: the case
log entry, notifications, escalation, assignment, charges. Shared by services.py (people's actions) and
timers.py (breaches), so both write the same records.

These functions change the order in memory; the caller saves it. They must run inside the
transaction that holds the order's row (its version claimed, or locked for update), so that two
writers never give two events the same `seq`.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from frontdesk.core.errors import field_error
from frontdesk.workorders.choices import ORDER_ATTRIBUTES
from frontdesk.workorders.fieldtypes import MONEY_MAX, money_text
from frontdesk.workorders.models import Notification, WorkOrder, WorkOrderEvent
from frontdesk.workorders.procedure import Charge, Condition, Effect, Procedure, Recipient


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
        if not condition.holds(value):
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
) -> tuple[list[Notification], dict]:
    """Carry out an action's effects whose conditions hold, on the order in memory. Returns
    the notifications to save once the order is saved, and the fields the engine computed (a
    charge's amount), which the action's case-log entry records with what the person typed."""
    notifications, computed = [], {}
    # Assignments first, so that a notification to the responsible department reaches the
    # department just named, whatever order the file lists the effects in; then charges, so
    # that a later effect's condition sees the amount.
    effects = sorted(effects, key=_effect_rank)
    for effect in effects:
        if not conditions_hold(effect.when, order):
            continue
        if effect.kind == "charge":
            amount = charge_amount(effect.charge, order.fields)
            if amount is not None:
                order.fields = {**order.fields, effect.charge.into: amount}
                computed[effect.charge.into] = amount
        elif effect.kind == "assign_department":
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
    return notifications, computed


def _effect_rank(effect: Effect) -> int:
    if effect.kind in ("assign_department", "assign_to_actor"):
        return 0
    return 1 if effect.kind == "charge" else 2


def charge_amount(charge: Charge, fields: dict) -> str | None:
    """The charge's total in its stored form ("14.00"), from the order's fields: each count times
    its unit price plus each amount field, rounded half up to the fen once, on the total. A count
    or amount not recorded counts as nothing; when none of them is recorded there is nothing to
    charge (None), rather than a charge of 0.00 that nobody worked out."""
    total, recorded = Decimal(0), False
    for line in charge.lines:
        value = fields.get(line.amount_field or line.count)
        if value in (None, ""):
            continue
        recorded = True
        # Stored money is a string ("350.00") and counts are whole numbers: no float here.
        total += Decimal(value) if line.amount_field else line.unit_price * int(value)
    if not recorded:
        return None
    amount = money_text(total)
    if Decimal(amount) > MONEY_MAX:
        raise field_error(f"fields.{charge.into}", _("The amount charged is too large to record."))
    return amount


def escalate(order: WorkOrder, procedure: Procedure, role: str, *, at) -> list[Notification]:
    order.escalated = True
    text = in_site_language(
        lambda: (
            _("Work order %(number)s (%(service)s) has been escalated to you.")
            % {"number": order.number, "service": procedure.name.get()}
        )
    )
    return notify(order, (Recipient(role=role),), kind="escalated", text=text, at=at)
