"""Shared fixtures: named personas for every role, API clients that authenticate the way a
real client does (a bearer token or a logged-in session), and a clock fixed by time-machine."""

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client

from frontdesk.accounts.models import Department
from frontdesk.accounts.roles import Role
from frontdesk.accounts.services import MembershipSpec, create_staff, create_token

pytest_plugins = ["tests.browser"]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests create dozens of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clock():
    """The clock stopped at Monday 2026-11-23 09:00 in Shanghai; move it with clock.move_to()."""
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        yield traveller


@dataclass
class People:
    service: Department
    engineering: Department
    security: Department
    admin: object
    gm: object
    manager: object
    supervisor: object
    rep: object
    specialist: object
    visits: object
    qa: object
    analyst: object
    eng_head: object
    plumber: object
    guard: object


PERSONAS = [
    # attribute, username, full name, staff number, department, role
    ("admin", "admin", "系统管理员", "A001", "service", Role.ADMINISTRATOR),
    ("gm", "gm", "王建国", "M001", "service", Role.GENERAL_MANAGER),
    ("manager", "manager", "李秀英", "M002", "service", Role.CS_MANAGER),
    ("supervisor", "supervisor", "陈静", "S001", "service", Role.SUPERVISOR),
    ("rep", "rep", "张敏", "F001", "service", Role.REPRESENTATIVE),
    ("specialist", "specialist", "杨帆", "F003", "service", Role.SPECIALIST),
    ("visits", "visits", "赵丽", "V001", "service", Role.RETURN_VISIT_SPECIALIST),
    ("qa", "qa", "孙伟", "Q001", "service", Role.QA_INSPECTOR),
    ("analyst", "analyst", "周婷", "D001", "service", Role.DATA_ANALYST),
    ("eng_head", "engineer", "吴强", "E001", "engineering", Role.DEPARTMENT_HEAD),
    ("plumber", "plumber", "郑师傅", "E002", "engineering", Role.DEPARTMENT_WORKER),
    ("guard", "guard", "冯刚", "B001", "security", Role.DEPARTMENT_WORKER),
]


@pytest.fixture
def people(db) -> People:
    departments = {
        code: Department.objects.create(code=code, name=name)
        for code, name in [("service", "客服部"), ("engineering", "工程部"), ("security", "保安部")]
    }
    staff = {}
    for attr, username, full_name, number, dept, role in PERSONAS:
        staff[attr] = create_staff(
            None,
            username=username,
            full_name=full_name,
            employee_number=number,
            password=PASSWORD,
            memberships=[MembershipSpec(departments[dept].id, role)],
        )
    return People(service=departments["service"], engineering=departments["engineering"], security=departments["security"], **staff)


@pytest.fixture
def api():
    """api(person) -> a client calling the API with that person's bearer token."""

    def make(person, language: str | None = None) -> Client:
        _token, raw = create_token(None, name="test", staff_id=person.id)
        headers = {"Authorization": f"Bearer {raw}"}
        if language:
            headers["Accept-Language"] = language
        return Client(headers=headers, enforce_csrf_checks=True)

    return make


def json_of(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()
