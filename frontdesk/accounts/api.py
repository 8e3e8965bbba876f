import datetime

from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from frontdesk.accounts import services
from frontdesk.accounts.models import Staff
from frontdesk.accounts.roles import Role
from frontdesk.core.pagination import keyset_page
from frontdesk.core.schemas import StrictIn, given_fields, page_limit

router = Router(tags=["staff"])


# --- schemas -----------------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    phone: str
    opens_at: datetime.time
    closes_at: datetime.time
    is_active: bool
    version: int


def _time_of_day(value: datetime.time | None) -> datetime.time | None:
    # Working hours are a wall-clock time in the site's time zone, never "09:00+08:00".
    if value is not None and value.tzinfo is not None:
        raise PydanticCustomError("time_with_zone", "a time of day without a time zone")
    return value


class DepartmentIn(StrictIn):
    code: str = Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(max_length=60, min_length=1)
    phone: str = Field("", max_length=32)
    opens_at: datetime.time | None = Field(None, description="working hours start (default 09:00)")
    closes_at: datetime.time | None = Field(None, description="working hours end (default 18:00)")

    _naive_hours = field_validator("opens_at", "closes_at")(_time_of_day)


class DepartmentPatch(StrictIn):
    version: int
    code: str | None = Field(None, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str | None = Field(None, max_length=60, min_length=1)
    phone: str | None = Field(None, max_length=32)
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None
    is_active: bool | None = None

    _naive_hours = field_validator("opens_at", "closes_at")(_time_of_day)


class MembershipIO(StrictIn):
    department_id: int
    role: Role


class MembershipOut(Schema):
    department_id: int
    department: str
    role: str
    role_name: str


class StaffOut(Schema):
    id: int
    username: str
    full_name: str
    employee_number: str
    phone: str
    is_active: bool
    memberships: list[MembershipOut]
    version: int


class StaffIn(StrictIn):
    username: str = Field(max_length=150, min_length=1, pattern=r"^[\w.@+-]+$")
    full_name: str = Field(max_length=60, min_length=1)
    employee_number: str = Field(max_length=20, min_length=1)
    password: str = Field(max_length=128)
    phone: str = Field("", max_length=32)
    memberships: list[MembershipIO] = []


class StaffPatch(StrictIn):
    version: int
    full_name: str | None = Field(None, max_length=60, min_length=1)
    employee_number: str | None = Field(None, max_length=20, min_length=1)
    phone: str | None = Field(None, max_length=32)
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None
    is_active: bool | None = None

    _naive_hours = field_validator("opens_at", "closes_at")(_time_of_day)
    memberships: list[MembershipIO] | None = None


class TokenIn(StrictIn):
    name: str = Field(max_length=60, min_length=1)
    staff_id: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    staff_id: int
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="Shown once; store it now.")


class OnDutyOut(Schema):
    staff_id: int
    full_name: str
    department: str
    shift: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime


class MeOut(StaffOut):
    roles: list[str]
    capabilities: list[str]


def staff_out(staff: Staff) -> dict:
    return {
        "id": staff.id,
        "username": staff.username,
        "full_name": staff.full_name,
        "employee_number": staff.employee_number,
        "phone": staff.phone,
        "is_active": staff.is_active,
        "version": staff.version,
        "memberships": [
            {
                "department_id": m.department_id,
                "department": m.department.name,
                "role": m.role,
                "role_name": str(m.get_role_display()),
            }
            for m in staff.memberships.all()
        ],
    }


class Page(Schema):
    next_cursor: str | None


class DepartmentPage(Page):
    items: list[DepartmentOut]


class StaffPage(Page):
    items: list[StaffOut]


# --- endpoints ---------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="The staff member making the request")
def me(request):
    staff = request.auth
    return {**staff_out(staff), "roles": sorted(staff.roles), "capabilities": sorted(staff.capabilities)}


@router.get("/departments", response=DepartmentPage)
def list_departments(request, cursor: str | None = None, limit: int = 50):
    items, next_cursor = keyset_page(services.visible_departments(request.auth), cursor, page_limit(limit))
    return {"items": items, "next_cursor": next_cursor}


@router.post("/departments", response={201: DepartmentOut})
def create_department(request, payload: DepartmentIn):
    return Status(201, services.create_department(request.auth, **payload.dict()))


@router.get("/departments/{department_id}", response=DepartmentOut)
def get_department(request, department_id: int):
    return services.get_visible_department(request.auth, department_id)


@router.patch("/departments/{department_id}", response=DepartmentOut)
def update_department(request, department_id: int, payload: DepartmentPatch):
    changes = given_fields(payload)
    version = changes.pop("version")
    return services.update_department(request.auth, department_id, version=version, **changes)


@router.delete("/departments/{department_id}", response={204: None})
def delete_department(request, department_id: int):
    services.delete_department(request.auth, department_id)
    return Status(204, None)


@router.get("/staff", response=StaffPage)
def list_staff(request, q: str = Query("", max_length=60), cursor: str | None = None, limit: int = 50):
    items, next_cursor = keyset_page(services.staff_search(request.auth, q), cursor, page_limit(limit))
    return {"items": [staff_out(s) for s in items], "next_cursor": next_cursor}


def _memberships(items) -> list[services.MembershipSpec]:
    return [services.MembershipSpec(department_id=m.department_id, role=m.role.value) for m in items]


@router.post("/staff", response={201: StaffOut})
def create_staff(request, payload: StaffIn):
    data = payload.dict()
    data["memberships"] = _memberships(payload.memberships)
    staff = services.create_staff(request.auth, **data)
    return Status(201, staff_out(services.get_visible_staff(request.auth, staff.id)))


@router.get("/staff/{staff_id}", response=StaffOut)
def get_staff(request, staff_id: int):
    return staff_out(services.get_visible_staff(request.auth, staff_id))


@router.patch("/staff/{staff_id}", response=StaffOut)
def update_staff(request, staff_id: int, payload: StaffPatch):
    changes = given_fields(payload)
    version = changes.pop("version")
    if "memberships" in changes:
        changes["memberships"] = _memberships(payload.memberships)
    services.update_staff(request.auth, staff_id, version=version, **changes)
    return staff_out(services.get_visible_staff(request.auth, staff_id))


@router.get("/on-duty", response=list[OnDutyOut], summary="Who is on duty now")
def on_duty(request, department_id: int | None = None):
    services.visible_departments(request.auth)  # the same right as seeing the staff list
    result = []
    for duty in services.duties_at(department_id=department_id):
        start, end = services.shift_window(duty.shift, duty.date)
        result.append(
            {
                "staff_id": duty.staff_id,
                "full_name": duty.staff.full_name,
                "department": duty.shift.department.name,
                "shift": duty.shift.name,
                "starts_at": start,
                "ends_at": end,
            }
        )
    return result


@router.get("/tokens", response=list[TokenOut], tags=["tokens"])
def list_tokens(request):
    return list(services.visible_tokens(request.auth)[:200])


@router.post("/tokens", response={201: NewTokenOut}, tags=["tokens"])
def create_token(request, payload: TokenIn):
    token, raw = services.create_token(request.auth, name=payload.name, staff_id=payload.staff_id)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", response=TokenOut, tags=["tokens"])
def revoke_token(request, token_id: int):
    return services.revoke_token(request.auth, token_id)



@router.delete("/staff/{staff_id}", response=StaffOut, summary="Deactivate a staff member (their history stays)")
def deactivate_staff(request, staff_id: int, version: int):
    services.update_staff(request.auth, staff_id, version=version, is_active=False)
    return staff_out(services.get_visible_staff(request.auth, staff_id))
