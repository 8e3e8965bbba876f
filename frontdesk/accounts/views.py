"""Staff, department and API-token pages. Each view calls one operation of accounts.services,
which checks the permission; the views only turn forms into calls and errors into messages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from frontdesk.accounts import services
from frontdesk.accounts.forms import DepartmentForm, StaffForm, TokenForm, membership_initial
from frontdesk.accounts.roles import Capability
from frontdesk.core.errors import InvalidInput, PermissionDenied, StaleVersion
from frontdesk.core.pagination import keyset_page
from frontdesk.core.views import add_service_error, more_url, render_fragment_or_page, service_page

# Errors a form shows next to its inputs; "not found" and a missing capability become pages.
FORM_ERRORS = (InvalidInput, StaleVersion, PermissionDenied)


def _department_choices(actor):
    departments = list(services.visible_departments(actor).order_by("name"))
    for department in departments:
        if not department.is_active:
            department.name = _("%(name)s (inactive)") % {"name": department.name}
    return departments


# --- staff -------------------------------------------------------------------------------


@login_required
@service_page
def staff_list(request):
    q = request.GET.get("q", "").strip()[:100]
    cursor = request.GET.get("cursor")
    rows, next_cursor = keyset_page(services.staff_search(request.user, q), cursor, settings.FRONTDESK_PAGE_SIZE)
    context = {"q": q, "staff": rows, "more_url": more_url(next_cursor, q=q), "first_page": not cursor}
    return render_fragment_or_page(request, "accounts/_staff_rows.html", "accounts/staff_list.html", context)


@login_required
@service_page
def staff_create(request):
    services.authorize(request.user, Capability.MANAGE_STAFF)
    form = StaffForm(request.POST or None, departments=_department_choices(request.user), creating=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                staff = services.create_staff(
                    request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    employee_number=data["employee_number"],
                    password=data["password"],
                    phone=data["phone"],
                    memberships=form.memberships(),
                )
            except FORM_ERRORS as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Staff member %(name)s created.") % {"name": staff.full_name})
                return redirect("staff_list")
        else:
            status = 422
    return render(request, "accounts/staff_form.html", {"form": form, "creating": True}, status=status)


@login_required
@service_page
def staff_edit(request, staff_id: int):
    services.authorize(request.user, Capability.MANAGE_STAFF)
    staff = services.get_visible_staff(request.user, staff_id)
    initial = {
        "full_name": staff.full_name,
        "employee_number": staff.employee_number,
        "phone": staff.phone,
        "is_active": staff.is_active,
        "version": staff.version,
        **membership_initial(staff),
    }
    form = StaffForm(
        request.POST or None,
        initial=initial,
        departments=_department_choices(request.user),
        creating=False,
        rows=staff.memberships.count(),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            editable = ("full_name", "employee_number", "phone", "is_active")
            changes = {name: data[name] for name in editable if name in form.changed_data}
            memberships = form.memberships()
            current = {services.MembershipSpec(m.department_id, m.role) for m in staff.memberships.all()}
            try:
                services.update_staff(
                    request.user,
                    staff.id,
                    version=data["version"],
                    memberships=None if set(memberships) == current else memberships,
                    **changes,
                )
            except FORM_ERRORS as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Staff member %(name)s saved.") % {"name": data["full_name"]})
                return redirect("staff_list")
        else:
            status = 422
    context = {"form": form, "creating": False, "staff_member": staff, "stale": status == 409}
    return render(request, "accounts/staff_form.html", context, status=status)


# --- departments -------------------------------------------------------------------------


@login_required
@service_page
def department_list(request):
    departments = services.visible_departments(request.user).order_by("name")
    return render(request, "accounts/department_list.html", {"departments": departments})


@login_required
@service_page
def department_create(request):
    services.authorize(request.user, Capability.MANAGE_STAFF)
    form = DepartmentForm(request.POST or None, creating=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                department = services.create_department(request.user, **form.cleaned_data)
            except FORM_ERRORS as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Department %(name)s created.") % {"name": department.name})
                return redirect("department_list")
        else:
            status = 422
    return render(request, "accounts/department_form.html", {"form": form, "creating": True}, status=status)


@login_required
@service_page
def department_edit(request, department_id: int):
    services.authorize(request.user, Capability.MANAGE_STAFF)
    department = services.get_visible_department(request.user, department_id)
    editable = ("code", "name", "phone", "opens_at", "closes_at", "is_active")
    initial = {name: getattr(department, name) for name in (*editable, "version")}
    form = DepartmentForm(request.POST or None, initial=initial, creating=False)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            changes = {name: data[name] for name in editable if name in form.changed_data}
            try:
                department = services.update_department(request.user, department.id, version=data["version"], **changes)
            except FORM_ERRORS as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Department %(name)s saved.") % {"name": department.name})
                return redirect("department_list")
        else:
            status = 422
    context = {"form": form, "creating": False, "department": department, "stale": status == 409}
    return render(request, "accounts/department_form.html", context, status=status)


# --- API tokens --------------------------------------------------------------------------


def _token_form(request, data=None):
    owners = None
    if request.user.can(Capability.MANAGE_STAFF):
        others = services.visible_staff(request.user).filter(is_active=True).exclude(id=request.user.id)
        owners = others.order_by("full_name")
    return TokenForm(data, owners=owners)


def _render_tokens(request, form, status=200):
    tokens = services.visible_tokens(request.user).order_by("revoked_at", "-id")
    context = {"tokens": tokens, "form": form, "show_owner": request.user.can(Capability.MANAGE_STAFF)}
    return render(request, "accounts/token_list.html", context, status=status)


@login_required
@service_page
def token_list(request):
    return _render_tokens(request, _token_form(request))


@login_required
@never_cache
@service_page
def token_create(request):
    services.authorize(request.user, Capability.USE_API_TOKENS)
    if request.method != "POST":
        return redirect("token_list")
    form = _token_form(request, request.POST)
    if not form.is_valid():
        return _render_tokens(request, form, status=422)
    try:
        token, raw = services.create_token(
            request.user, name=form.cleaned_data["name"], staff_id=form.cleaned_data.get("staff_id")
        )
    except FORM_ERRORS as exc:
        add_service_error(form, exc)
        return _render_tokens(request, form, status=exc.status)
    # The raw token is in this response only: it is stored as a hash and never shown again.
    return render(request, "accounts/token_created.html", {"token": token, "raw_token": raw})


@login_required
@require_POST
@service_page
def token_revoke(request, token_id: int):
    token = services.revoke_token(request.user, token_id)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("token_list")
