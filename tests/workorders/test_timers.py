"""The timer sweep, and limits counted in working time (Chinese public holidays and make-up
working days from chinese_calendar)."""

import datetime

import chinese_calendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frontdesk.core import jobs
from frontdesk.workorders import loader, timers
from frontdesk.workorders.loader import parse_definition
from frontdesk.workorders.models import Timer
from frontdesk.workorders.timers import sweep_due_timers
from frontdesk.workorders.working_time import add_working_minutes, is_working_day
from tests.conftest import SHANGHAI
from tests.workorders.helpers import act, actions_logged, at, complaint
from tests.workorders.test_loader import minimal, names


def local(year, month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- the sweep ---------------------------------------------------------------------------


def test_the_sweep_is_a_worker_job(people, clock):
    assert jobs.JOBS["sweep_timers"] is sweep_due_timers
    act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 30))
    # Called as the worker calls it (no arguments). Not through run_jobs_once, whose
    # close_old_connections() closes the test's transaction on PostgreSQL.
    assert jobs.JOBS["sweep_timers"]() == 1
    assert jobs.JOBS["sweep_timers"]() == 0


def test_the_sweep_takes_the_earliest_first_and_stops_at_its_limit(people, clock):
    orders = []
    for minute in (10, 0, 5):
        clock.move_to(at(9, minute))
        orders.append(act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id}))
    clock.move_to(at(10, 0))
    assert sweep_due_timers(limit=2) == 2
    assert [o.number for o in orders if Timer.objects.get(order=o).state == "breached"] == [
        orders[1].number,
        orders[2].number,
    ]
    assert sweep_due_timers(limit=2) == 1


def test_the_sweep_ignores_what_is_not_yet_due(people, clock):
    act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    assert sweep_due_timers(now=at(9, 14)) == 0
    assert sweep_due_timers(now=at(9, 15)) == 1


def test_one_failing_breach_does_not_stop_the_others(people, clock, monkeypatch):
    first = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 1))
    second = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    real_outcome = timers.breach_outcome

    def failing_for_first(order, procedure, timer, now):
        if order.id == first.id:
            raise RuntimeError("boom")
        return real_outcome(order, procedure, timer, now)

    monkeypatch.setattr(timers, "breach_outcome", failing_for_first)
    clock.move_to(at(9, 30))
    assert sweep_due_timers() == 1
    assert actions_logged(second)[-1] == "timer_breached"
    assert Timer.objects.get(order=first).state == "running"  # rolled back, tried again next pass
    monkeypatch.setattr(timers, "breach_outcome", real_outcome)
    assert sweep_due_timers() == 1


def test_a_sweep_costs_the_same_statements_for_3_or_30_due_timers(people, clock):
    def statements_of_a_sweep_over(count: int, hour: int) -> int:
        clock.move_to(at(hour))
        for _ in range(count):
            act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
        clock.move_to(at(hour, 30))
        with CaptureQueriesContext(connection) as captured:
            assert sweep_due_timers() == count
        return len(captured.captured_queries)

    assert statements_of_a_sweep_over(3, 10) == statements_of_a_sweep_over(30, 11)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the plan text is SQLite's")
def test_due_timers_are_found_through_the_state_due_index(db):
    query = Timer.objects.filter(state="running", due_at__lte=at(9, 0)).order_by("due_at")[:500]
    assert "timer_state_due" in query.explain()


def test_reassign_on_breach_clears_the_assignee_and_asks_the_head(people, clock, monkeypatch):
    definition = minimal()
    definition["intake"]["starts"] = []
    definition["actions"]["take"] = {
        "name": names("接手"),
        "from": ["open"],
        "roles": ["department_worker"],
        "starts": ["limit"],
        "effects": [{"assign_to_actor": True}],
    }
    definition["timers"]["limit"]["on_breach"] = {
        "reassign": {"role": "department_head", "in": "responsible_department"}
    }
    procedure = parse_definition(definition, "sample.yaml")
    monkeypatch.setattr(loader, "load_procedures", lambda folder=None: {"sample": procedure})
    from frontdesk.workorders import services

    order = services.create_work_order(
        people.rep, "sample", fields={"summary": "x"}, department_id=people.engineering.id
    )
    order = act(people.plumber, order, "take")
    assert order.assignee == people.plumber
    clock.move_to(at(9, 31))
    assert sweep_due_timers() == 1
    order.refresh_from_db()
    assert order.assignee is None
    assert list(services.notifications_for(people.eng_head).values_list("kind", flat=True)) == ["reassign"]
    assert order.events.last().fields["unassigned"] == people.plumber.id


# --- working time ------------------------------------------------------------------------


def test_the_2026_national_day_calendar_is_known():
    # 2026: 1-7 October off; Sunday 20 September and Saturday 10 October are make-up working days.
    assert is_working_day(datetime.date(2026, 9, 30))
    assert not any(is_working_day(datetime.date(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(datetime.date(2026, 9, 20)) and is_working_day(datetime.date(2026, 10, 10))
    assert not is_working_day(datetime.date(2026, 10, 11))
    # Sunday 27 September is part of the Mid-Autumn break, not a make-up day.
    assert not is_working_day(datetime.date(2026, 9, 27))


@pytest.mark.parametrize(
    "start, minutes, due",
    [
        # Set at 16:00 on the last working day before National Day: 2 hours that day, 2 after the holiday.
        (local(2026, 9, 30, 16), 240, local(2026, 10, 8, 11)),
        # Friday 9 October at 17:00: one hour, then the make-up Saturday counts.
        (local(2026, 10, 9, 17), 240, local(2026, 10, 10, 12)),
        # Friday 18 September at 17:00: Saturday off, Sunday 20 September is a make-up working day.
        (local(2026, 9, 18, 17), 240, local(2026, 9, 20, 12)),
        # An ordinary weekend.
        (local(2026, 11, 27, 17), 120, local(2026, 11, 30, 10)),
        # Before opening, the limit starts at 09:00; in the evening, the next morning.
        (local(2026, 11, 23, 7), 30, local(2026, 11, 23, 9, 30)),
        (local(2026, 11, 23, 20), 60, local(2026, 11, 24, 10)),
        # A limit ending exactly at closing time ends that day.
        (local(2026, 11, 23, 14), 240, local(2026, 11, 23, 18)),
    ],
)
def test_working_minutes(settings, start, minutes, due):
    assert add_working_minutes(start, minutes) == due


def test_a_limit_set_before_national_day_runs_into_the_make_up_saturday():
    # chinese_calendar's own data: Saturday 10 October 2026 is worked in lieu of National Day.
    assert chinese_calendar.get_holiday_detail(datetime.date(2026, 10, 10)) == (False, "National Day")
    assert datetime.date(2026, 10, 10) in chinese_calendar.constants.workdays
    # Three working days (27 hours) from 16:00 on Wednesday 30 September: 2 hours that day,
    # none in the holiday, 9 on Thursday 8 and Friday 9 October, the last 7 on the make-up
    # Saturday; counted as a weekend it would run to Monday 12 October 16:00.
    assert add_working_minutes(local(2026, 9, 30, 16), 27 * 60) == local(2026, 10, 10, 16)
    # The Sunday after the make-up Saturday is a rest day again.
    assert add_working_minutes(local(2026, 10, 10, 17), 120) == local(2026, 10, 12, 10)


def test_years_the_calendar_does_not_know_count_monday_to_friday():
    assert is_working_day(datetime.date(2099, 1, 5))  # a Monday
    assert not is_working_day(datetime.date(2099, 1, 3))  # a Saturday


def test_a_working_time_limit_set_before_national_day_lands_after_the_holiday(people, clock, monkeypatch):
    definition = minimal()
    definition["timers"]["limit"].update(limit={"minutes": 240, "calendar": "working"})
    procedure = parse_definition(definition, "sample.yaml")
    monkeypatch.setattr(loader, "load_procedures", lambda folder=None: {"sample": procedure})
    from frontdesk.workorders import services

    clock.move_to(local(2026, 9, 30, 16))
    order = services.create_work_order(people.rep, "sample", fields={"summary": "国庆前最后一个工作日"})
    assert order.timers.get().due_at == local(2026, 10, 8, 11)
    assert sweep_due_timers(now=local(2026, 10, 7, 23, 59)) == 0
    assert sweep_due_timers(now=local(2026, 10, 8, 11)) == 1


def test_an_order_limit_of_three_working_days_before_national_day_ends_on_the_make_up_saturday(
    people, clock, monkeypatch
):
    definition = minimal()
    definition["timers"]["limit"].update(limit={"minutes": 27 * 60, "calendar": "working"})
    procedure = parse_definition(definition, "sample.yaml")
    monkeypatch.setattr(loader, "load_procedures", lambda folder=None: {"sample": procedure})
    from frontdesk.workorders import services

    clock.move_to(local(2026, 9, 30, 16))
    order = services.create_work_order(people.rep, "sample", fields={"summary": "国庆前登记"})
    assert order.timers.get().due_at == local(2026, 10, 10, 16)
    assert sweep_due_timers(now=local(2026, 10, 10, 15, 59)) == 0
    assert sweep_due_timers(now=local(2026, 10, 10, 16)) == 1


def test_a_working_time_limit_counts_the_responsible_departments_own_hours(people, api, clock, monkeypatch):
    manager = api(people.manager, language="en")
    url = f"/api/v1/departments/{people.engineering.id}"
    refused = manager.patch(url, {"version": 1, "opens_at": "12:00", "closes_at": "08:30"}, content_type="application/json")
    assert refused.status_code == 422
    assert "Working hours must end after they start." in str(refused.json())
    changed = manager.patch(url, {"version": 1, "opens_at": "08:30", "closes_at": "12:00"}, content_type="application/json")
    assert changed.json()["opens_at"] == "08:30:00" and changed.json()["closes_at"] == "12:00:00"

    definition = minimal()
    definition["timers"]["limit"].update(limit={"minutes": 60, "calendar": "working"})
    procedure = parse_definition(definition, "sample.yaml")
    monkeypatch.setattr(loader, "load_procedures", lambda folder=None: {"sample": procedure})
    from frontdesk.workorders import services

    # Monday 11:30: half an hour before engineering closes at noon, the rest from 08:30 Tuesday.
    clock.move_to(local(2026, 11, 23, 11, 30))
    engineering = services.create_work_order(
        people.rep, "sample", fields={"summary": "上午报修"}, department_id=people.engineering.id
    )
    assert engineering.timers.get().due_at == local(2026, 11, 24, 9, 0)
    # A department that keeps the default hours (09:00-18:00) gives the same hour back today.
    security = services.create_work_order(
        people.rep, "sample", fields={"summary": "上午报修"}, department_id=people.security.id
    )
    assert security.timers.get().due_at == local(2026, 11, 23, 12, 30)
