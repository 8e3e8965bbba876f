"""Shifts and the duty roster: who is on duty at a moment, night shifts that run past
midnight included, and the rules for rostering someone."""

import datetime

import pytest
from django.test import Client

from frontdesk.accounts.models import Duty, Staff
from frontdesk.accounts.services import assign_duty, create_shift, duties_at
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from tests.conftest import SHANGHAI, json_of

MONDAY = datetime.date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def roster(people):
    day = create_shift(people.manager, department_id=people.service.id, name="白班", starts_at=datetime.time(8), ends_at=datetime.time(16))
    night = create_shift(people.manager, department_id=people.service.id, name="夜班", starts_at=datetime.time(22), ends_at=datetime.time(6))
    assign_duty(people.manager, shift_id=day.id, staff_id=people.rep.id, date=MONDAY)
    assign_duty(people.manager, shift_id=night.id, staff_id=people.specialist.id, date=MONDAY)
    return {"day": day, "night": night}


def on_duty(moment, **kwargs) -> set[str]:
    return {duty.staff.username for duty in duties_at(moment, **kwargs)}


def test_night_shift_crosses_midnight(roster):
    assert roster["night"].crosses_midnight
    assert not roster["day"].crosses_midnight


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(23, 7, 59), set()),
        (at(23, 8, 0), {"rep"}),  # a shift starts on the minute
        (at(23, 10), {"rep"}),
        (at(23, 15, 59), {"rep"}),
        (at(23, 16, 0), set()),  # and is over at its end
        (at(23, 21, 59), set()),
        (at(23, 22, 0), {"specialist"}),
        (at(23, 23), {"specialist"}),
        (at(24, 0, 0), {"specialist"}),
        (at(24, 3), {"specialist"}),  # yesterday's night duty, still running
        (at(24, 5, 59), {"specialist"}),
        (at(24, 6, 0), set()),
        (at(24, 7), set()),
        (at(24, 10), set()),  # nobody was rostered for Tuesday
        (at(22, 23), set()),  # nor for Sunday
    ],
)
def test_duties_at(roster, moment, expected):
    assert on_duty(moment) == expected


def test_a_moment_in_utc_means_the_same_instant(roster):
    # 02:00 UTC is 10:00 in Shanghai
    assert on_duty(datetime.datetime(2026, 11, 23, 2, 0, tzinfo=datetime.timezone.utc)) == {"rep"}
    # 16:00 UTC on Monday is 00:00 Tuesday in Shanghai
    assert on_duty(datetime.datetime(2026, 11, 23, 16, 0, tzinfo=datetime.timezone.utc)) == {"specialist"}


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(23, 10), {"rep"}),
        (at(23, 23), {"specialist"}),
        (at(24, 3), {"specialist"}),  # Monday's night duty, seen on Tuesday
        (at(24, 7), set()),
    ],
)
def test_duties_at_defaults_to_now(roster, clock, moment, expected):
    clock.move_to(moment)
    assert on_duty(None) == expected


def test_duties_at_by_department(people, roster):
    workshop = create_shift(people.eng_head, department_id=people.engineering.id, name="白班", starts_at=datetime.time(8), ends_at=datetime.time(20))
    assign_duty(people.eng_head, shift_id=workshop.id, staff_id=people.plumber.id, date=MONDAY)
    assert on_duty(at(23, 10)) == {"rep", "plumber"}
    assert on_duty(at(23, 10), department_id=people.engineering.id) == {"plumber"}
    assert on_duty(at(23, 10), department_id=people.service.id) == {"rep"}
    assert on_duty(at(23, 10), department_id=people.security.id) == set()


def test_deactivated_staff_are_not_on_duty(people, roster):
    Staff.objects.filter(id=people.rep.id).update(is_active=False)
    assert on_duty(at(23, 10)) == set()


# --- the API -------------------------------------------------------------------------------


def test_on_duty_api_at_ten(people, api, roster, clock):
    clock.move_to(at(23, 10))
    response = api(people.supervisor).get("/api/v1/on-duty")
    assert response.status_code == 200
    assert json_of(response) == [
        {
            "staff_id": people.rep.id,
            "full_name": "张敏",
            "department": "客服部",
            "shift": "白班",
            "starts_at": "2026-11-23T08:00:00+08:00",
            "ends_at": "2026-11-23T16:00:00+08:00",
        }
    ]


def test_on_duty_api_at_three_in_the_night(people, api, roster, clock):
    clock.move_to(at(24, 3))
    (duty,) = json_of(api(people.rep).get("/api/v1/on-duty"))
    assert duty["full_name"] == "杨帆"
    assert duty["shift"] == "夜班"
    assert duty["starts_at"] == "2026-11-23T22:00:00+08:00"
    assert duty["ends_at"] == "2026-11-24T06:00:00+08:00"


def test_on_duty_api_by_department(people, api, roster, clock):
    clock.move_to(at(23, 10))
    client = api(people.rep)
    assert json_of(client.get("/api/v1/on-duty", {"department_id": people.engineering.id})) == []
    assert len(json_of(client.get("/api/v1/on-duty", {"department_id": people.service.id}))) == 1


def test_on_duty_api_needs_a_login(db):
    assert Client().get("/api/v1/on-duty").status_code == 401


# --- rostering rules -------------------------------------------------------------------------


def test_staff_outside_the_shifts_department_cannot_be_rostered(people, roster):
    with pytest.raises(InvalidInput) as caught:
        assign_duty(people.manager, shift_id=roster["day"].id, staff_id=people.plumber.id, date=MONDAY)
    assert caught.value.status == 422
    assert list(caught.value.fields) == ["staff_id"]
    assert not Duty.objects.filter(staff=people.plumber).exists()


def test_the_same_duty_twice_is_refused(people, roster):
    with pytest.raises(InvalidInput) as caught:
        assign_duty(people.manager, shift_id=roster["day"].id, staff_id=people.rep.id, date=MONDAY)
    assert caught.value.status == 422
    assert list(caught.value.fields) == ["date"]
    assert Duty.objects.filter(staff=people.rep).count() == 1
    # the next day is a new duty
    assign_duty(people.manager, shift_id=roster["day"].id, staff_id=people.rep.id, date=MONDAY + datetime.timedelta(days=1))
    assert Duty.objects.filter(staff=people.rep).count() == 2


def test_unknown_shift_is_refused(people, roster):
    with pytest.raises(InvalidInput) as caught:
        assign_duty(people.manager, shift_id=999999, staff_id=people.rep.id, date=MONDAY)
    assert list(caught.value.fields) == ["shift_id"]


def test_shift_names_are_unique_in_a_department(people, roster):
    with pytest.raises(InvalidInput):
        create_shift(people.manager, department_id=people.service.id, name="白班", starts_at=datetime.time(9), ends_at=datetime.time(17))
    # another department may use the name
    create_shift(people.eng_head, department_id=people.engineering.id, name="白班", starts_at=datetime.time(9), ends_at=datetime.time(17))


@pytest.mark.parametrize("who", ["rep", "specialist", "qa", "analyst", "plumber", "guard"])
def test_roles_without_manage_shifts_cannot_roster(people, roster, who):
    actor = getattr(people, who)
    with pytest.raises(PermissionDenied):
        create_shift(actor, department_id=people.service.id, name="中班", starts_at=datetime.time(16), ends_at=datetime.time(0))
    with pytest.raises(PermissionDenied):
        assign_duty(actor, shift_id=roster["day"].id, staff_id=people.rep.id, date=MONDAY + datetime.timedelta(days=1))


def test_a_department_head_rosters_only_their_own_department(people, roster):
    with pytest.raises(NotFound):
        create_shift(people.eng_head, department_id=people.service.id, name="中班", starts_at=datetime.time(16), ends_at=datetime.time(0))
    with pytest.raises(PermissionDenied):
        assign_duty(people.eng_head, shift_id=roster["day"].id, staff_id=people.rep.id, date=MONDAY + datetime.timedelta(days=1))
    workshop = create_shift(people.eng_head, department_id=people.engineering.id, name="白班", starts_at=datetime.time(8), ends_at=datetime.time(20))
    assert assign_duty(people.eng_head, shift_id=workshop.id, staff_id=people.plumber.id, date=MONDAY).staff == people.plumber
