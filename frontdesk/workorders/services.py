"""Work-order operations: the only code that changes work orders (timers.py applies breaches).

Each operation checks who may do it (roles from the procedure, departments from the actor's
memberships), validates everything before writing, then writes in one transaction: the order,
its timers, notifications and exactly one case-log event for the action.

Concurrency: an action carries the version the client saw. The write begins with
`UPDATE ... SET version=version+1 WHERE id=? AND version=?`; if no row changed, someone else
acted first and the action is refused with StaleVersion. So two people pressing "accept" at
once give one acceptance.
"""

import re
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.lookups import Exact, In
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.models import Department, Staff
from frontdesk.accounts.roles import SEES_ALL_DEPARTMENTS, Role
from frontdesk.core import clock, live
from frontdesk.core.changes import claim_version
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion, field_error
from frontdesk.core.pagination import decode_cursor, keyset_page
from frontdesk.core.sql import Unindexed
from frontdesk.customers.models import Customer
from frontdesk.customers.services import create_customer
from frontdesk.workorders import loader, search
from frontdesk.workorders.choices import Channel, Complexity, Priority
from frontdesk.workorders.effects import append_event, apply_effects
from frontdesk.workorders.fieldtypes import clean_fields
from frontdesk.workorders.models import Notification, NumberSequence, Timer, WorkOrder
from frontdesk.workorders.procedure import ActionSpec, Procedure
from frontdesk.workorders.search import search_text_for, write_index
from frontdesk.workorders.timers import start_timers, stop_timers
from frontdesk.workorders.versions import current_procedure, procedure_of, version_row

NOTE_MAX = 2000

# --- who may see and act -----------------------------------------------------------------


def visible_orders(actor: Staff, *, walking_newest: bool = False):
    """The orders the actor may see: all of them for front-office roles and managers, the
    orders of their own departments (and those they recorded) for department staff.

    walking_newest: the caller reads a bounded window of the newest orders (page_of_orders),
    so the conditions are kept off SQLite's indexes (see core.sql.Unindexed)."""
    if actor is None or not actor.is_authenticated or not actor.roles:
        raise PermissionDenied()
    orders = WorkOrder.objects.all()
    if not actor.sees_all_departments:
        own_departments = ("department_id", In, list(actor.own_department_ids))
        orders = orders.filter(_either(walking_newest, own_departments, ("created_by_id", Exact, actor.id)))
    return orders


def _either(walking_newest: bool, *conditions) -> Q:
    """(column, lookup, value) conditions joined by OR, unindexed on SQLite when walking."""
    either = Q()
    for column, lookup, value in conditions:
        either |= Q(lookup(Unindexed(column) if walking_newest else F(column), value))
    return either


def get_order(actor: Staff, order_id: int) -> WorkOrder:
    order = (
        visible_orders(actor)
        .select_related("procedure_version")
        .defer("procedure_version__definition")
        .filter(id=order_id)
        .first()
    )
    if order is None:
        raise NotFound(_("No such work order."))
    return order


def search_orders(
    actor: Staff,
    *,
    service_type: str | None = None,
    state: str | None = None,
    department_id: int | None = None,
    overdue: bool | None = None,
    assignee: int | str | None = None,
    open_only: bool = False,
    mine: bool = False,
    q: str = "",
    window: "search.Window | NewestOrders | None" = None,
):
    """The visible orders matching every filter given (None: not filtered), for the API list,
    the inbox, "my work" and the summary register.

    overdue=True: a timer has breached (even if the order moved on since) or a running timer is
    past due and no sweep has seen it yet; overdue=False: neither. assignee: "me", or a staff id.
    q: words, every one of which must be found in the full-text index (see search.py).
    mine: orders the actor recorded or is assigned to. window: see page_of_orders."""
    walking = window is not None
    orders = visible_orders(actor, walking_newest=walking)
    if isinstance(window, NewestOrders):
        orders = window.applied_to(orders)
        window = None  # not a window of search matches
    if service_type:
        orders = orders.filter(service_type=service_type)
    if state:
        orders = orders.filter(state=state)
    if department_id is not None:
        orders = orders.filter(department_id=department_id)
    if assignee is not None and assignee != "":
        if assignee == "me":
            assignee = actor.id
        elif not isinstance(assignee, int) and not re.fullmatch(r"[0-9]{1,18}", str(assignee)):
            raise field_error("assignee", _("Enter “me” or the id of a staff member."))
        orders = orders.filter(assignee_id=int(assignee))
    if overdue is not None:
        late = Timer.objects.filter(order_id=OuterRef("pk")).filter(
            Q(state=Timer.State.BREACHED) | Q(state=Timer.State.RUNNING, due_at__lte=clock.now())
        )
        orders = orders.filter(Exists(late)) if overdue else orders.exclude(Exists(late))
    if open_only:
        orders = orders.exclude(in_final_state())
    if mine:
        orders = orders.filter(_either(walking, ("created_by_id", Exact, actor.id), ("assignee_id", Exact, actor.id)))
    orders = orders.filter(search.matching(q, window))
    return orders.select_related("procedure_version", "department", "assignee", "customer").defer(
        "procedure_version__definition"
    )


# How many of the newest matches a page of a search looks at before it asks for all of them.
SEARCH_WINDOW = 2000
# How many of the newest orders a page of a list walks on SQLite before it asks the indexes:
# about 7 ms when none of them matches, at a million orders.
LIST_WINDOW = 20000


@dataclass(frozen=True)
class NewestOrders:
    """The `size` highest order ids below `before_id` (below every id when None)."""

    size: int
    before_id: int | None = None

    def _below(self):
        if self.before_id is not None:
            return self.before_id
        return Subquery(WorkOrder.objects.order_by("-id").values("id")[:1]) + 1

    def applied_to(self, orders):
        below = self._below()
        return orders.filter(id__lt=below, id__gte=below - self.size)

    def has_older(self) -> bool:
        """Whether orders older than the window exist (so a page not filled by it may go on)."""
        return WorkOrder.objects.filter(id__lt=self._below() - self.size).exists()


def page_of_orders(orders_for, q: str, cursor: str | None, limit: int) -> tuple[list[WorkOrder], str | None]:
    """One keyset page of `orders_for(window)` (a search_orders queryset built with that
    window), newest first.

    On SQLite a page first looks at a window: the newest SEARCH_WINDOW matches of a search, or
    for a list the newest LIST_WINDOW orders, walked newest first. When they fill the page the
    page is exact (everything outside the window is older); when they are all there is, too.
    Only otherwise (a filter rejected most of them) does it ask the indexes for every match,
    which is quick precisely because there are few. PostgreSQL's planner knows from its
    statistics which way is quicker and gets the query as it is."""
    before = decode_cursor(cursor) if cursor else None
    if search.uses_windows(q):
        window = search.Window(SEARCH_WINDOW, before)
        rows, next_cursor = keyset_page(orders_for(window), cursor, limit)
        if next_cursor is not None or not search.window_is_full(q, window):
            return rows, next_cursor
    elif connection.vendor == "sqlite":
        window = NewestOrders(LIST_WINDOW, before)
        rows, next_cursor = keyset_page(orders_for(window), cursor, limit)
        if next_cursor is not None or not window.has_older():
            return rows, next_cursor
    return keyset_page(orders_for(None), cursor, limit)


def in_final_state() -> Q:
    """Orders in a final state of their service type's current procedure (a filter, so that
    lists of open orders stay one query)."""
    final = Q()
    for key, procedure in loader.load_procedures().items():
        final |= Q(service_type=key, state__in=[state for state, spec in procedure.states.items() if spec.final])
    return final


def acting_roles(actor: Staff, department_id: int | None) -> frozenset[str]:
    """The roles the actor holds for an order of `department_id`: a front-office or manager
    role counts for every order; a department role only in that department."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return frozenset()
    roles = {
        membership.role
        for membership in actor.memberships.all()
        if membership.role in SEES_ALL_DEPARTMENTS or membership.department_id == department_id
    }
    if actor.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return frozenset(roles)


def allowed_actions(order: WorkOrder, actor: Staff) -> list[ActionSpec]:
    """The actions the actor may take on the order in its present state, in the procedure's order."""
    procedure = procedure_of(order)
    roles = acting_roles(actor, order.department_id)
    return [
        action
        for action in procedure.actions.values()
        if order.state in action.from_states and roles.intersection(action.roles)
    ]


def service_types(actor: Staff) -> list[Procedure]:
    """The procedures new orders are recorded under, for anyone who works with orders."""
    if actor is None or not actor.is_authenticated or not actor.roles:
        raise PermissionDenied()
    return list(loader.load_procedures().values())


def recordable_service_types(actor: Staff) -> list[Procedure]:
    """The procedures this person may record new orders under (their intake roles)."""
    return [procedure for procedure in service_types(actor) if actor.roles.intersection(procedure.intake.roles)]


# --- intake ------------------------------------------------------------------------------


def create_work_order(
    actor: Staff,
    service_type: str,
    *,
    fields: dict | None = None,
    customer_id: int | None = None,
    new_customer: dict | None = None,
    priority: str = Priority.NORMAL,
    complexity: str = Complexity.SIMPLE,
    channel: str = Channel.PHONE,
    department_id: int | None = None,
    note: str = "",
) -> WorkOrder:
    """Record a new order of `service_type` with the fields its intake asks for.

    `new_customer` (the arguments of customers.services.create_customer) records the caller in
    the archive in the same transaction: an order that is refused leaves no customer behind."""
    procedure = current_procedure(service_type)
    if procedure is None:
        raise field_error("service_type", _("Unknown service type “%(key)s”.") % {"key": str(service_type)[:40]})
    if actor is None or not actor.is_authenticated or not actor.roles.intersection(procedure.intake.roles):
        raise PermissionDenied()
    _check_classification(priority=priority, complexity=complexity, channel=channel)
    if customer_id is not None and new_customer is not None:
        raise field_error("customer", _("Give either an existing customer or a new one, not both."))
    if customer_id is not None and not Customer.objects.filter(id=customer_id, merged_into__isnull=True).exists():
        raise field_error("customer_id", _("No such customer in the archive."))
    if department_id is not None and not Department.objects.filter(id=department_id, is_active=True).exists():
        raise field_error("department_id", _("No such active department."))
    cleaned = clean_fields(procedure, procedure.intake, fields)
    note = _clean_note(note)

    now = clock.now()
    with transaction.atomic():
        if new_customer is not None:
            customer_id = _create_caller(actor, new_customer).id
        order = WorkOrder(
            number=_next_number(procedure.prefix, now),
            service_type=procedure.key,
            procedure_version=version_row(procedure),
            state=procedure.initial,
            customer_id=customer_id,
            department_id=department_id,
            priority=priority,
            complexity=complexity,
            channel=channel,
            created_by=actor,
            created_at=now,
        )
        _carry_out(order, procedure, procedure.intake, actor=actor, fields=cleaned, note=note, at=now)
        announce_change(order, departments=[order.department_id], people=[actor.id, order.assignee_id])
    return order


def _create_caller(actor: Staff, data: dict) -> Customer:
    """The archive's own operation, its errors named under "customer." as the request sent them."""
    try:
        return create_customer(actor, **data)
    except InvalidInput as exc:
        fields = {f"customer.{name}": messages for name, messages in exc.fields.items()}
        raise InvalidInput(exc.message, fields) from None


def _check_classification(**values) -> None:
    errors = {}
    for name, choices in (("priority", Priority), ("complexity", Complexity), ("channel", Channel)):
        if values[name] not in choices.values:
            errors[name] = [
                _("Choose one of: %(options)s.") % {"options": "、".join(str(label) for label in choices.labels)}
            ]
    if errors:
        raise InvalidInput(fields=errors)


def _next_number(prefix: str, at) -> str:
    """TS-20261123-0001: the prefix, the local date, and a counter per prefix and day."""
    day = timezone.localdate(at)
    sequence = NumberSequence.objects.filter(prefix=prefix, day=day)
    if not sequence.update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberSequence.objects.create(prefix=prefix, day=day, last=1)
        except IntegrityError:  # the day's first two intakes arrived together
            sequence.update(last=F("last") + 1)
    last = sequence.values_list("last", flat=True).get()
    return f"{prefix}-{day:%Y%m%d}-{last:04d}"


# --- actions -----------------------------------------------------------------------------


def take_action(
    actor: Staff, order_id: int, action: str, *, version: int, fields: dict | None = None, note: str = ""
) -> WorkOrder:
    """Take `action` on the order, as the client saw it at `version`."""
    order = get_order(actor, order_id)
    procedure = procedure_of(order)
    spec = procedure.actions.get(action)
    if spec is None:
        raise field_error("action", _("This service type has no action “%(action)s”.") % {"action": str(action)[:40]})
    if not acting_roles(actor, order.department_id).intersection(spec.roles):
        raise PermissionDenied()
    if version != order.version:
        raise StaleVersion()
    if order.state not in spec.from_states:
        raise InvalidInput(
            _("This work order is now “%(state)s”, so “%(action)s” cannot be taken.")
            % {"state": procedure.states[order.state].name.get(), "action": spec.name.get()}
        )
    cleaned = clean_fields(procedure, spec, fields)
    note = _clean_note(note)

    now = clock.now()
    with transaction.atomic():
        claim_version(WorkOrder, order.id, version)  # StaleVersion if someone acted first
        # The row is ours now; read what a breach may have changed since we loaded it.
        order.refresh_from_db(fields=["state", "fields", "department", "assignee", "escalated", "version"])
        before = (order.department_id, order.assignee_id)
        _carry_out(order, procedure, spec, actor=actor, fields=cleaned, note=note, at=now)
        announce_change(
            order,
            departments=[before[0], order.department_id],
            people=[order.created_by_id, before[1], order.assignee_id],
        )
    return order


def announce_change(order: WorkOrder, *, departments, people) -> None:
    """Once committed, the lists that show the order refresh: its departments' inboxes (the one
    it left too), the front desk's and managers' lists, and the pages of the people on it."""
    groups = {live.ALL_DEPARTMENTS_GROUP}
    groups.update(live.department_group(d) for d in departments if d)
    groups.update(live.staff_group(p) for p in people if p)
    live.publish_after_commit(groups, {"type": "workorder", "id": order.id, "state": order.state, "version": order.version})


def _carry_out(
    order: WorkOrder, procedure: Procedure, action: ActionSpec, *, actor, fields: dict, note: str, at
) -> None:
    """Apply a validated action to the order. Runs inside the caller's transaction, with the
    order's row claimed (or, at intake, not yet visible to anyone)."""
    creating = order.pk is None
    from_state = "" if creating else order.state
    to_state = action.target(order.state)
    if not creating:
        # Timers first, while the order is still in the state in which they ran: one found late
        # records its breach before this action's entry in the case log.
        if action.stops:
            stop_timers(order, procedure, at=at, names=action.stops)
        if procedure.is_final(to_state):
            stop_timers(order, procedure, at=at)
    order.fields = {**order.fields, **fields}
    order.state = to_state
    notifications, computed = apply_effects(
        order, procedure, action.effects, actor=actor, action_name=action.name, at=at
    )
    order.updated_at = at
    order.search_text = search_text_for(order, procedure)
    if creating:
        order.save()
    else:
        order.save(
            update_fields=["state", "fields", "department", "assignee", "escalated", "updated_at", "search_text"]
        )
    write_index([(order.id, order.search_text)])
    Notification.objects.bulk_create(notifications)
    append_event(
        order,
        at=at,
        actor=actor,
        action=action.key,
        from_state=from_state,
        to_state=to_state,
        fields={**fields, **computed},
        note=note,
    )
    start_timers(order, procedure, action.starts, at=at)


def _clean_note(note) -> str:
    if note is None:
        return ""
    if not isinstance(note, str):
        raise field_error("note", _("Enter text."))
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise field_error(
            "note",
            _("Keep this under %(limit)d characters (it has %(length)d).") % {"limit": NOTE_MAX, "length": len(note)},
        )
    return note


# --- notifications -----------------------------------------------------------------------


def notifications_for(staff: Staff):
    """Notifications addressed to the person, to a role they hold anywhere (site-wide ones),
    or to a role they hold in the department named (department ones). Newest first."""
    if staff is None or not staff.is_authenticated:
        raise PermissionDenied()
    addressed = Q(recipient=staff) | Q(role__in=staff.roles, department__isnull=True)
    for role, department_id in staff.memberships.values_list("role", "department_id"):
        addressed |= Q(role=role, department_id=department_id)
    return Notification.objects.filter(addressed).select_related("order")


def mark_notification_read(staff: Staff, notification_id: int) -> Notification:
    notification = notifications_for(staff).filter(id=notification_id).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    return notification
