"""The worker job of seed 000 §一.7: "a return visit not done by the end of the handler's shift
is handed to a colleague on the next shift" — once, however often the worker runs."""

import datetime

import pytest
from django.db import connection

from frontdesk.accounts.services import assign_duty, create_shift
from frontdesk.core.jobs import JOBS, run_jobs_once
from frontdesk.handover.models import ReturnVisitHandoff
from frontdesk.handover.tasks import hand_over_return_visits
from frontdesk.workorders.models import Notification
from frontdesk.workorders.services import notifications_for
from tests.handover.conftest import MONDAY, verified_complaint
from tests.workorders.helpers import act, at, complaint
from tests.workorders.test_concurrency import at_once


def handover_notices(person) -> list[str]:
    return [n.order.number for n in notifications_for(person).filter(kind="handover")]


def test_the_job_is_registered_with_the_worker():
    assert JOBS["hand_over_return_visits"] is hand_over_return_visits


def test_a_waiting_return_visit_goes_to_the_next_shift_once(people, clock, roster):
    waiting = verified_complaint(people)
    still_with_engineering = complaint(people.rep)
    act(people.rep, still_with_engineering, "dispatch", {"department": people.engineering.id})

    # The rep is still on her shift: she makes the visit herself.
    clock.move_to(at(15, 59))
    assert hand_over_return_visits() == 0

    # Her shift is over; the evening shift takes it. The worker runs twice (or two workers at once).
    clock.move_to(at(16, 1))
    assert run_jobs_once()["hand_over_return_visits"] == 1
    assert run_jobs_once()["hand_over_return_visits"] == 0
    clock.move_to(at(16, 30))
    assert hand_over_return_visits() == 0

    assert handover_notices(people.specialist) == [waiting.number]
    assert handover_notices(people.supervisor) == [waiting.number]
    # Not the rep herself, nor the QA inspector on the same shift (who may not make visits),
    # nor anyone of another department.
    for person in (people.rep, people.qa, people.plumber, people.eng_head):
        assert handover_notices(person) == []
    assert Notification.objects.filter(kind="handover").count() == 2
    notice = Notification.objects.filter(kind="handover").first()
    assert waiting.number in notice.text and "张敏" in notice.text  # who recorded it, and which order
    handoff = ReturnVisitHandoff.objects.get()
    assert (handoff.order_id, handoff.duty, handoff.handed_at) == (waiting.id, roster["rep_day"], at(16, 1))

    # A colleague makes the visit as asked.
    act(people.specialist, waiting, "return_visit", {"rating_quality": 5, "rating_timeliness": 4, "rating_attitude": 5})


def test_an_order_verified_after_the_shift_is_handed_over_when_it_becomes_due(people, clock, roster):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    act(people.plumber, order, "accept")
    clock.move_to(at(16, 30))
    assert hand_over_return_visits() == 0  # nothing waits for a visit yet
    act(people.plumber, order, "report_result", {"result": "已修复", "signed_off_by": people.eng_head.id})
    act(people.supervisor, order, "verify")
    clock.move_to(at(16, 31))
    assert hand_over_return_visits() == 1
    assert handover_notices(people.specialist) == [order.number]


def test_it_waits_for_the_next_shift_to_begin(people, clock, roster):
    order = verified_complaint(people)
    clock.move_to(at(22, 30))  # the evening shift has gone home too, and nobody works the night
    assert hand_over_return_visits() == 0
    assert not ReturnVisitHandoff.objects.exists()

    night = create_shift(
        people.manager,
        department_id=people.service.id,
        name="夜班",
        starts_at=datetime.time(22),
        ends_at=datetime.time(6),
    )
    assign_duty(people.manager, shift_id=night.id, staff_id=people.visits.id, date=MONDAY)
    clock.move_to(at(22, 31))
    assert hand_over_return_visits() == 1
    assert handover_notices(people.visits) == [order.number]
    assert hand_over_return_visits() == 0


def test_a_handler_without_a_roster_is_left_alone(people, clock):
    verified_complaint(people)
    clock.move_to(at(23, 0))
    assert hand_over_return_visits() == 0


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database serialises threads; the race needs a server"
)
def test_two_workers_at_the_same_instant_hand_it_over_once(transactional_db, people, clock, roster):
    orders = [verified_complaint(people) for _ in range(3)]
    now = at(16, 1)
    results = at_once(lambda: hand_over_return_visits(now=now), lambda: hand_over_return_visits(now=now))
    assert sum(results) == 3, results
    assert ReturnVisitHandoff.objects.count() == 3
    assert sorted(handover_notices(people.specialist)) == sorted(order.number for order in orders)
    assert Notification.objects.filter(kind="handover").count() == 6  # the specialist and the supervisor, once each
