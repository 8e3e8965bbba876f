"""Operations on staff, departments, shifts and API tokens: the only code that changes them.

Each operation checks the actor's permission, validates, writes in one transaction and appends
an audit event for every change to staff or to permissions.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.models import ApiToken, Department, Duty, Membership, Shift, Staff
from frontdesk.accounts.roles import Capability, Role
from frontdesk.audit.services import record_event
from frontdesk.core import clock
from frontdesk.core.changes import apply_changes, claim_version
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, check_model, field_error
from frontdesk.core.text import clean_query

# --- permissions -------------------------------------------------------------------------


def authorize(actor: Staff, capability: str) -> None:
    if actor is None or not actor.is_authenticated or not actor.can(capability):
        raise PermissionDenied()


def visible_departments(actor: Staff):
    authorize(actor, Capability.VIEW_STAFF)
    departments = Department.objects.all()
    if not actor.sees_all_departments:
        departments = departments.filter(id__in=actor.own_department_ids)
    return departments


def visible_staff(actor: Staff):
    """Managers and front-office roles see everyone; a department's people see their colleagues."""
    authorize(actor, Capability.VIEW_STAFF)
    staff = Staff.objects.prefetch_related("memberships__department")
    if not actor.sees_all_departments:
        staff = staff.filter(memberships__department_id__in=actor.own_department_ids).distinct()
    return staff


def get_visible_staff(actor: Staff, staff_id: int) -> Staff:
    try:
        return visible_staff(actor).get(id=staff_id)
    except Staff.DoesNotExist:
        raise NotFound() from None


def get_visible_department(actor: Staff, department_id: int) -> Department:
    try:
        return visible_departments(actor).get(id=department_id)
    except Department.DoesNotExist:
        raise NotFound() from None


# --- departments -------------------------------------------------------------------------


def create_department(
    actor: Staff,
    *,
    code: str,
    name: str,
    phone: str = "",
    opens_at: datetime.time | None = None,
    closes_at: datetime.time | None = None,
) -> Department:
    authorize(actor, Capability.MANAGE_STAFF)
    department = Department(code=code, name=name.strip(), phone=phone.strip())
    department.opens_at = opens_at or department.opens_at
    department.closes_at = closes_at or department.closes_at
    check_model(department)
    with transaction.atomic():
        department.save()
        record_event(actor, "department.created", department, {"code": code, "name": department.name})
    return department


def update_department(actor: Staff, department_id: int, *, version: int, **changes) -> Department:
    authorize(actor, Capability.MANAGE_STAFF)
    department = get_visible_department(actor, department_id)
    apply_changes(department, changes, {"code", "name", "phone", "opens_at", "closes_at", "is_active"})
    check_model(department)
    with transaction.atomic():
        department.version = claim_version(Department, department.id, version)
        department.save()
        record_event(actor, "department.updated", department, _jsonable(changes))
    return department


def delete_department(actor: Staff, department_id: int) -> None:
    authorize(actor, Capability.MANAGE_STAFF)
    department = get_visible_department(actor, department_id)
    if department.memberships.exists():
        raise InvalidInput(_("This department still has staff; move them first or mark it inactive."))
    with transaction.atomic():
        record_event(actor, "department.deleted", department, {"code": department.code, "name": department.name})
        department.delete()


# --- staff -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipSpec:
    department_id: int
    role: str


def _check_memberships(actor: Staff, memberships: list[MembershipSpec]) -> None:
    known_departments = set(Department.objects.filter(id__in=[m.department_id for m in memberships]).values_list("id", flat=True))
    for spec in memberships:
        if spec.role not in Role.values:
            raise field_error("memberships", _("Unknown role “%(role)s”.") % {"role": spec.role})
        if spec.department_id not in known_departments:
            raise field_error("memberships", _("Unknown department %(id)s.") % {"id": spec.department_id})
        # Only an administrator can make another administrator: managers cannot raise anyone,
        # themselves included, above their own rights.
        if spec.role == Role.ADMINISTRATOR and Role.ADMINISTRATOR not in actor.roles:
            raise PermissionDenied(_("Only an administrator can grant the administrator role."))


def _check_password(password: str, staff: Staff) -> None:
    try:
        validate_password(password, staff)
    except ValidationError as exc:
        raise InvalidInput(fields={"password": [str(m) for m in exc.messages]}) from None


def _write_memberships(staff: Staff, memberships: list[MembershipSpec]) -> None:
    Membership.objects.filter(staff=staff).delete()
    Membership.objects.bulk_create(
        [Membership(staff=staff, department_id=m.department_id, role=m.role) for m in set(memberships)]
    )
    for cached in ("roles", "capabilities", "own_department_ids"):
        staff.__dict__.pop(cached, None)


def create_staff(
    actor: Staff | None,
    *,
    username: str,
    full_name: str,
    employee_number: str,
    password: str,
    phone: str = "",
    memberships: list[MembershipSpec] = (),
    check_password_strength: bool = True,
) -> Staff:
    """Create a staff member. `actor` is None only for the console, run by the machine's owner."""
    if actor is not None:
        authorize(actor, Capability.MANAGE_STAFF)
    memberships = list(memberships)
    staff = Staff(username=username.strip(), full_name=full_name.strip(), employee_number=employee_number.strip(), phone=phone.strip())
    check_model(staff, exclude=["password"])
    if check_password_strength:
        _check_password(password, staff)
    if actor is not None:
        _check_memberships(actor, memberships)
    staff.set_password(password)
    with transaction.atomic():
        staff.save()
        _write_memberships(staff, memberships)
        record_event(actor, "staff.created", staff, {"username": staff.username, "memberships": _membership_data(memberships)})
    return staff


def _protect_administrator(actor: Staff | None, staff: Staff) -> None:
    """Only an administrator may act on an administrator's account: otherwise a manager could
    deactivate the administrator, or set their password or mint their token and act as them."""
    if actor is not None and actor.id != staff.id and Role.ADMINISTRATOR in staff.roles and Role.ADMINISTRATOR not in actor.roles:
        raise PermissionDenied(_("Only an administrator can change an administrator's account."))


def update_staff(actor: Staff, staff_id: int, *, version: int, memberships: list[MembershipSpec] | None = None, **changes) -> Staff:
    authorize(actor, Capability.MANAGE_STAFF)
    staff = get_visible_staff(actor, staff_id)
    _protect_administrator(actor, staff)
    apply_changes(staff, changes, {"full_name", "employee_number", "phone", "is_active"})
    if staff.id == actor.id and changes.get("is_active") is False:
        raise field_error("is_active", _("You cannot deactivate your own account."))
    check_model(staff, exclude=["password"])
    if memberships is not None:
        memberships = list(memberships)
        _check_memberships(actor, memberships)
    with transaction.atomic():
        staff.version = claim_version(Staff, staff.id, version)
        staff.save()
        data = _jsonable(changes)
        if memberships is not None:
            _write_memberships(staff, memberships)
            data["memberships"] = _membership_data(memberships)
            record_event(actor, "staff.permissions_changed", staff, {"memberships": data["memberships"]})
        record_event(actor, "staff.updated", staff, data)
    return staff


def set_staff_password(actor: Staff | None, staff_id: int, password: str) -> None:
    staff = Staff.objects.get(id=staff_id) if actor is None else get_visible_staff(actor, staff_id)
    if actor is not None and actor.id != staff.id:
        authorize(actor, Capability.MANAGE_STAFF)
    _protect_administrator(actor, staff)
    _check_password(password, staff)
    staff.set_password(password)
    with transaction.atomic():
        staff.save(update_fields=["password"])
        record_event(actor, "staff.password_changed", staff)


def _membership_data(memberships) -> list[dict]:
    return [{"department_id": m.department_id, "role": m.role} for m in memberships]


def _jsonable(changes: dict) -> dict:
    return {k: (v if isinstance(v, (str, int, bool, type(None))) else str(v)) for k, v in changes.items()}


# --- shifts ------------------------------------------------------------------------------


def create_shift(actor: Staff, *, department_id: int, name: str, starts_at: datetime.time, ends_at: datetime.time) -> Shift:
    authorize(actor, Capability.MANAGE_SHIFTS)
    department = get_visible_department(actor, department_id)
    if not actor.sees_all_departments and department.id not in actor.own_department_ids:
        raise PermissionDenied()
    shift = Shift(department=department, name=name.strip(), starts_at=starts_at, ends_at=ends_at)
    check_model(shift)
    shift.save()
    return shift


def assign_duty(actor: Staff, *, shift_id: int, staff_id: int, date: datetime.date) -> Duty:
    authorize(actor, Capability.MANAGE_SHIFTS)
    shift = Shift.objects.select_related("department").filter(id=shift_id).first()
    if shift is None:
        raise field_error("shift_id", _("Unknown shift."))
    if not actor.sees_all_departments and shift.department_id not in actor.own_department_ids:
        raise PermissionDenied()
    staff = get_visible_staff(actor, staff_id)
    if not staff.memberships.filter(department_id=shift.department_id).exists():
        raise field_error("staff_id", _("%(name)s does not belong to %(department)s.") % {"name": staff.full_name, "department": shift.department.name})
    try:
        with transaction.atomic():
            return Duty.objects.create(staff=staff, shift=shift, date=date)
    except IntegrityError:
        raise field_error("date", _("%(name)s is already on this shift that day.") % {"name": staff.full_name}) from None


def shift_window(shift: Shift, date: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware start and end of a shift begun on `date`, in the server's time zone."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(date, shift.starts_at), tz)
    end_date = date + datetime.timedelta(days=1) if shift.crosses_midnight else date
    end = timezone.make_aware(datetime.datetime.combine(end_date, shift.ends_at), tz)
    return start, end


def duties_at(moment: datetime.datetime | None = None, department_id: int | None = None):
    """The duties whose shift is running at `moment` (default: now). A night shift begun
    yesterday evening is still running this morning, so yesterday's duties are looked at too."""
    moment = moment or clock.now()
    local_date = timezone.localtime(moment).date()
    candidates = Duty.objects.select_related("staff", "shift__department").filter(
        date__in=[local_date, local_date - datetime.timedelta(days=1)], staff__is_active=True
    )
    if department_id is not None:
        candidates = candidates.filter(shift__department_id=department_id)
    running = []
    for duty in candidates:
        start, end = shift_window(duty.shift, duty.date)
        if start <= moment < end:
            running.append(duty)
    return running


# --- API tokens --------------------------------------------------------------------------

TOKEN_PREFIX = "fd_"


def _hash_token(raw: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: no one can guess their way to a
    # preimage, and checking a request costs one lookup by index.
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(actor: Staff | None, *, name: str, staff_id: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for `staff_id` (default: the actor). Returns the row and the raw token,
    which is shown once and never stored."""
    if actor is not None:
        authorize(actor, Capability.USE_API_TOKENS)
        if staff_id is not None and staff_id != actor.id:
            authorize(actor, Capability.MANAGE_STAFF)
    owner = actor if staff_id is None else Staff.objects.filter(id=staff_id).first()
    if owner is None:
        raise field_error("staff_id", _("Unknown staff member."))
    _protect_administrator(actor, owner)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(staff=owner, name=name.strip(), prefix=raw[:10], key_hash=_hash_token(raw), created_at=clock.now())
    check_model(token)
    with transaction.atomic():
        token.save()
        record_event(actor, "token.created", owner, {"token_id": token.id, "name": token.name})
    return token, raw


def visible_tokens(actor: Staff):
    authorize(actor, Capability.USE_API_TOKENS)
    tokens = ApiToken.objects.select_related("staff")
    return tokens if actor.can(Capability.MANAGE_STAFF) else tokens.filter(staff=actor)


def revoke_token(actor: Staff | None, token_id: int) -> ApiToken:
    """Revoke a token. `actor` is None only for the console."""
    tokens = ApiToken.objects.select_related("staff") if actor is None else visible_tokens(actor)
    token = tokens.filter(id=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            record_event(actor, "token.revoked", token.staff, {"token_id": token.id, "name": token.name})
    return token


def staff_for_token(raw: str) -> Staff | None:
    """The active staff member a bearer token belongs to, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("staff").filter(key_hash=_hash_token(raw), revoked_at__isnull=True).first()
    if token is None or not token.staff.is_active:
        return None
    now = clock.now()
    # Record use at most once a minute, so reads don't turn into a write per request.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(id=token.id).update(last_used_at=now)
    return token.staff


def staff_search(actor: Staff, q: str):
    staff = visible_staff(actor)
    q = clean_query(q, 60)
    if q:
        staff = staff.filter(Q(full_name__icontains=q) | Q(username__icontains=q) | Q(employee_number__icontains=q))
    return staff
