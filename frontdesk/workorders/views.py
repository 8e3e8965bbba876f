"""The front-desk console for work orders: intake with a read-back, the order page with its
actions, the department inbox, "my work", the summary register with its exports, and the
printable follow-up record.

Every page reads and writes through workorders.services (and attachments.py); everything a
page shows of a procedure (fields, states, actions, timers) comes from the procedure's
definition, so a new YAML file needs no code here.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.roles import Capability
from frontdesk.core import clock
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, ServiceError, StaleVersion
from frontdesk.core.readback import hidden_inputs, typed_values
from frontdesk.core.text import clean_query
from frontdesk.core.views import more_url, render_fragment_or_page, service_page
from frontdesk.customers import presenters as customer_presenters
from frontdesk.customers import services as customer_services
from frontdesk.workorders import attachments, display, exports, services
from frontdesk.workorders.forms import (
    ActionForm,
    IntakeDetailsForm,
    ProcedureFieldsForm,
    RegisterFilterForm,
    add_engine_errors,
)
from frontdesk.workorders.loader import load_procedures
from frontdesk.workorders.models import Timer, WorkOrder
from frontdesk.workorders.procedure import CREATE, TIMER_BREACHED
from frontdesk.workorders.versions import procedure_of

CUSTOMER_CHOICES = 8  # customers offered by the intake's search box


# --- shared pieces ---------------------------------------------------------------------


def _with_timers(orders):
    """Orders with their timers in one extra query, for countdowns and the overdue mark."""
    return orders.prefetch_related(Prefetch("timers", queryset=Timer.objects.order_by("due_at")))




def _order_row(order: WorkOrder, now) -> dict:
    """What a list shows of one order: the same for the inbox, "my work" and the register."""
    procedure = procedure_of(order)
    timers = list(order.timers.all())
    nearest = display.nearest_running(timers)
    return {
        "order": order,
        "service_name": procedure.name.get(),
        "state_name": display.state_name(procedure, order.state),
        "summary": display.order_summary_text(order, procedure),
        "overdue": display.is_overdue(timers, now),
        "nearest": nearest,
        "nearest_name": display.timer_name(procedure, nearest.name) if nearest else "",
    }


def _rows(orders, now) -> list[dict]:
    return [_order_row(order, now) for order in orders]




def _procedure_or_404(user, service_type: str):
    for procedure in services.recordable_service_types(user):
        if procedure.key == service_type:
            return procedure
    if any(p.key == service_type for p in services.service_types(user)):
        raise PermissionDenied()
    raise NotFound(_("No such service type."))


# --- intake ------------------------------------------------------------------------------


@login_required
@service_page
def service_type_list(request):
    return render(request, "workorders/service_types.html", {"procedures": services.recordable_service_types(request.user)})


def _chosen_customer(user, customer_id):
    """The customer picked from the archive, as this person may see it; None if none or hidden."""
    if not customer_id or not user.can(Capability.VIEW_CUSTOMERS):
        return None
    try:
        customer = customer_services.get_customer(user, customer_id)
    except ServiceError:
        return None
    return _customer_card(customer, user)


def _customer_card(customer, user) -> dict:
    data = customer_presenters.customer_summary(customer, user)
    data["phones"] = [c["value"] for c in data["contacts"] if c["kind"] == "phone"]
    return data


@login_required
@service_page
def intake(request, service_type: str):
    """Record a new order in two steps: the form, then the read-back of every value as it will
    be recorded. Only "confirm and save" on the read-back writes; "back to edit" keeps the values."""
    procedure = _procedure_or_404(request.user, service_type)
    data = request.POST if request.method == "POST" else None
    step = request.POST.get("step", "review") if data else "edit"
    fields_form = ProcedureFieldsForm(procedure, procedure.intake, data)
    details_form = IntakeDetailsForm(data)
    status = 200
    if step == "edit" and data:
        # Back from the read-back: the same values, in inputs again, without error messages.
        fields_form = ProcedureFieldsForm(procedure, procedure.intake, initial=typed_values(fields_form))
        details_form = IntakeDetailsForm(initial=typed_values(details_form))
    elif data:
        valid = fields_form.is_valid() & details_form.is_valid()
        customer_id = details_form.cleaned_data.get("customer_id")
        customer = _chosen_customer(request.user, customer_id)
        if customer_id and customer is None:
            details_form.add_error(None, _("No such customer in the archive."))
            valid = False
        if valid and step == "confirm":
            try:
                order = services.create_work_order(
                    request.user,
                    procedure.key,
                    fields=fields_form.raw_values(),
                    customer_id=customer_id,
                    priority=details_form.cleaned_data["priority"],
                    complexity=details_form.cleaned_data["complexity"],
                    channel=details_form.cleaned_data["channel"],
                    note=details_form.cleaned_data["note"],
                )
            except InvalidInput as exc:
                add_engine_errors(fields_form, exc)
                status = exc.status
            else:
                messages.success(request, _("Work order %(number)s recorded.") % {"number": order.number})
                return redirect("workorder_detail", order_id=order.id)
        elif valid:
            return render(
                request,
                "workorders/read_back.html",
                {
                    "procedure": procedure,
                    "values": display.recorded_values(procedure, fields_form.stored_values, request.user),
                    "details": details_form,
                    "customer": customer,
                    "hidden": hidden_inputs(fields_form) + hidden_inputs(details_form),
                },
            )
        else:
            status = 422
    context = {
        "procedure": procedure,
        "fields_form": fields_form,
        "details_form": details_form,
        "customer": _chosen_customer(request.user, typed_values(details_form).get("customer_id")),
        "can_search_customers": request.user.can(Capability.VIEW_CUSTOMERS),
        "errors": fields_form.errors or details_form.errors,
    }
    return render(request, "workorders/intake.html", context, status=status)


@login_required
@service_page
def customer_search(request):
    """The intake's customer search box (htmx): the archive's own search, a few matches."""
    q = clean_query(request.GET.get("q"))
    customers = []
    if q:
        found = customer_services.search_customers(request.user, q).prefetch_related(
            "contacts", "residences__unit", "tags"
        )
        customers = [_customer_card(c, request.user) for c in found.order_by("-id")[:CUSTOMER_CHOICES]]
    return render(request, "workorders/_customer_results.html", {"q": q, "customers": customers})


@login_required
@service_page
def customer_choice(request):
    """The chosen customer (htmx swaps it into the intake form), or none when removed."""
    customer = None
    customer_id = request.GET.get("id", "")
    if customer_id.isdigit():
        customer = _chosen_customer(request.user, int(customer_id))
    return render(request, "workorders/_customer_chosen.html", {"customer": customer})


# --- one order ---------------------------------------------------------------------------


def _event_rows(order: WorkOrder, procedure, viewer) -> list[dict]:
    events = list(order.events.select_related("actor").order_by("seq"))
    references = display.ReferenceNames(
        [(procedure.fields[k], v) for e in events for k, v in e.fields.items() if k in procedure.fields]
    )
    rows = []
    for event in events:
        row = {
            "event": event,
            "actor": display.person_name(event.actor) or _("System"),
            "from_name": display.state_name(procedure, event.from_state) if event.from_state else "",
            "to_name": display.state_name(procedure, event.to_state),
            "values": [],
        }
        if event.action == CREATE:
            row["action_name"] = procedure.intake.name.get()
        elif event.action == TIMER_BREACHED:
            row["action_name"] = _("Time limit passed: %(timer)s") % {
                "timer": display.timer_name(procedure, event.fields.get("timer", ""))
            }
        elif event.action == attachments.ATTACH:
            row["action_name"] = _("Attachment added: %(name)s") % {"name": event.fields.get("name", "")}
        else:
            spec = procedure.actions.get(event.action)
            row["action_name"] = spec.name.get() if spec else event.action
        if event.action != TIMER_BREACHED:
            row["values"] = display.recorded_values(procedure, event.fields, viewer, references)
        rows.append(row)
    return rows


def _timer_rows(order: WorkOrder, procedure) -> list[dict]:
    return [
        {"timer": timer, "name": display.timer_name(procedure, timer.name)}
        for timer in order.timers.order_by("started_at", "id")
    ]


def _order_context(request, order: WorkOrder) -> dict:
    procedure = procedure_of(order)
    now = clock.now()
    timers = list(order.timers.all())
    return {
        "order": order,
        "procedure": procedure,
        "service_name": procedure.name.get(),
        "state_name": display.state_name(procedure, order.state),
        "final": procedure.is_final(order.state),
        "overdue": display.is_overdue(timers, now),
        "values": display.recorded_values(procedure, order.fields, request.user),
        "customer": _chosen_customer(request.user, order.customer_id),
        "timers": _timer_rows(order, procedure),
        "events": _event_rows(order, procedure, request.user),
        "actions": services.allowed_actions(order, request.user),
        "attachments": list(order.attachments.select_related("uploaded_by")),
        "can_attach": not procedure.is_final(order.state),
        "now": now,
    }


def _get_order(user, order_id: int) -> WorkOrder:
    return services.get_order(user, order_id)


@login_required
@service_page
def order_detail(request, order_id: int):
    order = _get_order(request.user, order_id)
    return render(request, "workorders/detail.html", _order_context(request, order))


def _action_spec(request, order: WorkOrder, action: str):
    """The action of the order's procedure; 404 for one it lacks. Who may take it, and whether
    the order's state allows it now, the service decides when it is taken (a form opened just
    before a colleague moved the order on gets the service's message, not a bare refusal)."""
    procedure = procedure_of(order)
    spec = procedure.actions.get(action)
    if spec is None:
        raise NotFound(_("This service type has no such action."))
    return procedure, spec


@login_required
@service_page
def order_action(request, order_id: int, action: str):
    """An action's small form (the fields it records, a note, the version seen); taking it."""
    order = _get_order(request.user, order_id)
    procedure, spec = _action_spec(request, order, action)
    data = request.POST if request.method == "POST" else None
    fields_form = ProcedureFieldsForm(procedure, spec, data)
    action_form = ActionForm(data, initial={"version": order.version})
    status, stale = 200, False
    if not services.acting_roles(request.user, order.department_id).intersection(spec.roles):
        raise PermissionDenied()
    if data is not None:
        if fields_form.is_valid() & action_form.is_valid():
            try:
                services.take_action(
                    request.user,
                    order.id,
                    spec.key,
                    version=action_form.cleaned_data["version"],
                    fields=fields_form.raw_values(),
                    note=action_form.cleaned_data["note"],
                )
            except StaleVersion as exc:
                action_form.add_error(None, str(exc.message))
                status, stale = exc.status, True
            except InvalidInput as exc:
                add_engine_errors(fields_form, exc)
                if exc.fields.get("note"):
                    action_form.add_error("note", exc.fields["note"])
                if not exc.fields:
                    action_form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(
                    request, _("“%(action)s” recorded on %(number)s.") % {"action": spec.name.get(), "number": order.number}
                )
                return redirect("workorder_detail", order_id=order.id)
        else:
            status = 422
    context = {
        "order": order,
        "spec": spec,
        "fields_form": fields_form,
        "action_form": action_form,
        "stale": stale,
        "errors": fields_form.errors or action_form.errors,
        "service_name": procedure.name.get(),
        "state_name": display.state_name(procedure, order.state),
    }
    return render_fragment_or_page(
        request, "workorders/_action_form.html", "workorders/action.html", context, status=status
    )


@login_required
@require_POST
@service_page
def order_attach(request, order_id: int):
    try:
        attachment = attachments.add_attachment(request.user, order_id, request.FILES.get("file"))
    except InvalidInput as exc:
        for field_messages in exc.fields.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, _("%(name)s attached.") % {"name": attachment.original_name})
    return redirect(reverse("workorder_detail", kwargs={"order_id": order_id}) + "#attachments")


@login_required
@service_page
def follow_up_record(request, order_id: int):
    """The follow-up record (业户投诉处理跟进记录表) as a printable page, laid out like the paper
    form: what was recorded at intake, then one box per step of the procedure with who signed
    it and when. Steps not taken yet print empty, to be filled in by hand."""
    order = _get_order(request.user, order_id)
    procedure = procedure_of(order)
    events = [e for e in _event_rows(order, procedure, request.user) if e["event"].action != TIMER_BREACHED]
    created = next((e for e in events if e["event"].action == CREATE), None)
    steps = []
    for spec in procedure.actions.values():
        taken = [e for e in events if e["event"].action == spec.key]
        if taken or spec.to_state:
            steps.append(
                {
                    "name": spec.name.get(),
                    "taken": taken,
                    "blank_fields": [procedure.fields[k].name.get() for k in spec.fields],
                }
            )
    context = {
        "order": order,
        "procedure": procedure,
        "service_name": procedure.name.get(),
        "state_name": display.state_name(procedure, order.state),
        "created": created,
        "steps": steps,
        "customer": _chosen_customer(request.user, order.customer_id),
        "printed_at": clock.now(),
    }
    return render(request, "workorders/follow_up_record.html", context)


# --- lists -------------------------------------------------------------------------------


def _list_page(request, orders_for, *, title: str, url_name: str, intro: str, refresh: bool):
    rows, next_cursor = services.page_of_orders(
        lambda window: _with_timers(orders_for(request.user, window)),
        "",
        request.GET.get("cursor"),
        settings.FRONTDESK_PAGE_SIZE,
    )
    context = {
        "title": title,
        "intro": intro,
        "rows": _rows(rows, clock.now()),
        "more_url": more_url(next_cursor),
        "first_page": not request.GET.get("cursor"),
        "list_url": reverse(url_name),
        "refresh": refresh,
        "can_record": bool(services.recordable_service_types(request.user)),
    }
    return render_fragment_or_page(request, "workorders/_rows.html", "workorders/queue.html", context)


def _inbox_orders(user, window=None):
    return services.search_orders(user, open_only=True, window=window).filter(department_id__in=user.own_department_ids)


def _my_orders(user, window=None):
    return services.search_orders(user, open_only=True, mine=True, window=window)


@login_required
@service_page
def inbox(request):
    """Open orders of my departments, newest first; the list refreshes when one changes."""
    return _list_page(
        request,
        _inbox_orders,
        title=_("Department inbox"),
        url_name="workorder_inbox",
        intro=_("Open orders dispatched to your departments."),
        refresh=True,
    )


@login_required
@service_page
def my_work(request):
    """Open orders I recorded or am assigned to."""
    return _list_page(
        request,
        _my_orders,
        title=_("My work"),
        url_name="workorder_mine",
        intro=_("Open orders you recorded or are assigned to."),
        refresh=True,
    )


def _register_orders(request):
    """The register's filters and a function of the search window giving its orders (the
    page and both exports read the same)."""
    procedures = load_procedures()
    form = RegisterFilterForm(procedures, request.GET or None)
    filters = form.values() if request.GET else {}
    department = filters.get("department")

    def orders(window=None):
        found = services.search_orders(
            request.user,
            service_type=filters.get("service_type"),
            state=filters.get("state"),
            department_id=int(department) if department else None,
            overdue=True if filters.get("overdue") else None,
            q=filters.get("q", ""),
            window=window,
        )
        # Local days as ranges of the indexed column: a date taken of every row would read them all.
        if "date_from" in filters:
            found = found.filter(created_at__gte=_start_of_day(filters["date_from"]))
        if "date_to" in filters:
            found = found.filter(created_at__lt=_start_of_day(filters["date_to"] + datetime.timedelta(days=1)))
        return found

    return form, filters, orders


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filter_query(request) -> dict:
    return {key: value for key, value in request.GET.items() if key != "cursor" and value}


@login_required
@service_page
def register(request):
    """The summary register (汇总表): every visible order, filtered, newest first."""
    form, filters, orders = _register_orders(request)
    rows, next_cursor = services.page_of_orders(
        lambda window: _with_timers(orders(window)),
        filters.get("q", ""),
        request.GET.get("cursor"),
        settings.FRONTDESK_PAGE_SIZE,
    )
    query = _filter_query(request)
    context = {
        "form": form,
        "rows": _rows(rows, clock.now()),
        "more_url": more_url(next_cursor, **query),
        "first_page": not request.GET.get("cursor"),
        "filtered": bool(filters),
        "export_query": "?" + request.GET.urlencode() if query else "",
    }
    return render_fragment_or_page(request, "workorders/_register_rows.html", "workorders/register.html", context)


@login_required
@service_page
def register_export(request, file_format: str):
    form, filters, orders_for = _register_orders(request)
    orders = orders_for()
    procedure = load_procedures().get(filters.get("service_type", ""))
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        return exports.csv_response(orders, request.user, procedure, f"register-{stamp}.csv")
    if file_format == "xlsx":
        return exports.xlsx_response(orders, request.user, procedure, f"register-{stamp}.xlsx")
    raise Http404


def open_counts(user) -> dict | None:
    """The dashboard's numbers: open orders in my departments' inbox and in my work."""
    if user is None or not user.is_authenticated or not user.roles:
        return None
    return {
        "inbox": _inbox_orders(user).count(),
        "mine": _my_orders(user).count(),
        "can_record": bool(services.recordable_service_types(user)),
    }


def work_order_nav(user) -> list[tuple[str, str]]:
    """The work-order entries of the main navigation for this person: (url name, label)."""
    if user is None or not user.is_authenticated or not user.roles:
        return []
    items = [
        ("workorder_mine", _("My work")),
        ("workorder_inbox", _("Department inbox")),
        ("workorder_register", _("Summary register")),
    ]
    if services.recordable_service_types(user):
        items.insert(0, ("workorder_new", _("New work order")))
    if user.roles - attachments.READ_ONLY_ROLES:  # inspectors and analysts hand nothing over
        items.append(("handover_write", _("Shift handover")))
    return items

