"""The handover operations (seed 000 §二.5): what the outgoing person is shown, what the
handover keeps, who sees it and who acknowledges it, once."""

import pytest
from django.utils import translation

from frontdesk.audit.models import AuditEvent
from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion
from frontdesk.handover import services
from frontdesk.handover.models import Handover
from tests.handover.conftest import verified_complaint
from tests.workorders.helpers import act, at, complaint


def numbers(items) -> list[str]:
    return [item["number"] for item in items]


def test_the_outgoing_person_sees_every_open_order_they_touched(people, clock, roster):
    recorded = complaint(people.rep)  # recorded by the rep, no limit running
    dispatched = complaint(people.rep)
    act(people.rep, dispatched, "dispatch", {"department": people.engineering.id})  # pick-up limit 09:15
    colleagues = complaint(people.specialist)  # the rep only promised the next reply on this one
    act(people.rep, colleagues, "set_next_reply", {"next_reply_at": at(11, 0).isoformat()})
    untouched = complaint(people.specialist)
    closed = verified_complaint(people)
    act(people.visits, closed, "return_visit", {"rating_quality": 5, "rating_timeliness": 5, "rating_attitude": 5})
    act(people.rep, closed, "close")
    waiting = verified_complaint(people)

    items = services.orders_to_hand_over(people.rep)

    # Running limits first, the most urgent first; then the rest, newest first.
    assert numbers(items) == [dispatched.number, colleagues.number, waiting.number, recorded.number]
    assert untouched.number not in numbers(items) and closed.number not in numbers(items)
    by_number = {item["number"]: item for item in items}
    assert by_number[dispatched.number]["timers"] == [{"name": "pickup", "due_at": "2026-11-23T09:15:00+08:00"}]
    assert by_number[colleagues.number]["timers"] == [{"name": "next_reply", "due_at": "2026-11-23T11:00:00+08:00"}]
    assert by_number[waiting.number]["awaiting_return_visit"] is True
    assert by_number[recorded.number]["awaiting_return_visit"] is False
    assert by_number[recorded.number]["state"] == "recorded"


def test_a_department_worker_hands_over_the_orders_they_accepted(people, clock, roster):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    act(people.plumber, order, "accept")
    assert numbers(services.orders_to_hand_over(people.plumber)) == [order.number]
    assert services.orders_to_hand_over(people.guard) == []


def test_the_handover_keeps_the_orders_as_they_were(people, clock, roster):
    order = complaint(people.rep)
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    clock.move_to(at(16, 5))  # just after the day shift

    handover = services.write_handover(people.rep, "  TS单已派工程部，等接单。  ")

    assert handover.text == "TS单已派工程部，等接单。"
    assert (handover.department, handover.duty, handover.written_at) == (people.service, roster["rep_day"], at(16, 5))
    assert handover.orders[0]["number"] == order.number and handover.orders[0]["state"] == "dispatched"
    act(people.plumber, order, "accept")  # the order moves on; the handover says what was handed over
    handover.refresh_from_db()
    assert handover.orders[0]["state"] == "dispatched"
    event = AuditEvent.objects.get(action="handover.written")
    assert (event.actor, event.target_id, event.data["orders"]) == (people.rep, str(handover.id), [order.number])


@pytest.mark.parametrize(
    "text, message",
    [
        ("   ", "Write what the next shift needs to know."),
        ("交" * 4001, "Keep this under 4000 characters (it has 4001)."),
    ],
)
def test_a_handover_needs_its_notes(people, clock, text, message):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.write_handover(people.rep, text)
    assert refused.value.fields == {"text": [message]}
    assert not Handover.objects.exists() and not AuditEvent.objects.filter(action="handover.written").exists()


def test_who_may_write_and_for_which_department(people, clock):
    with pytest.raises(PermissionDenied):
        services.write_handover(people.qa, "只读角色不交班")  # inspectors change nothing
    with pytest.raises(InvalidInput) as refused:
        services.write_handover(people.rep, "交给工程部", department_id=people.engineering.id)
    assert list(refused.value.fields) == ["department_id"]
    # Without a roster the handover goes to the writer's own department.
    assert services.write_handover(people.plumber, "无排班").department == people.engineering


def test_the_next_shift_of_the_department_sees_it_pending(people, clock, roster):
    clock.move_to(at(16, 0))
    handover = services.write_handover(people.rep, "3-2-501 漏水待回访")
    assert list(services.pending_handovers(people.specialist)) == [handover]
    assert list(services.pending_handovers(people.supervisor)) == [handover]
    assert list(services.pending_handovers(people.rep)) == []  # not one's own
    assert list(services.pending_handovers(people.plumber)) == []  # another department's
    assert list(services.handovers_for(people.rep)) == [handover]  # but it is in "mine"


def test_acknowledged_once_by_the_next_shift(people, clock, roster):
    clock.move_to(at(16, 0))
    handover = services.write_handover(people.rep, "3-2-501 漏水待回访")

    with pytest.raises(PermissionDenied):
        services.acknowledge_handover(people.rep, handover.id, 1)  # not by its writer
    with pytest.raises(PermissionDenied):
        services.acknowledge_handover(people.qa, handover.id, 1)  # read-only
    with pytest.raises(NotFound):
        services.acknowledge_handover(people.plumber, handover.id, 1)  # another department

    clock.move_to(at(16, 3))
    acknowledged = services.acknowledge_handover(people.specialist, handover.id, 1)
    assert (acknowledged.acknowledged_by, acknowledged.acknowledged_at, acknowledged.version) == (
        people.specialist,
        at(16, 3),
        2,
    )
    # The supervisor pressed at the same moment, on the version they had open: refused.
    with pytest.raises(StaleVersion):
        services.acknowledge_handover(people.supervisor, handover.id, 1)
    # Reloaded, they see it done; acknowledging again is refused too.
    with pytest.raises(InvalidInput) as refused:
        services.acknowledge_handover(people.supervisor, handover.id, 2)
    assert "杨帆" in str(refused.value.message)
    handover.refresh_from_db()
    assert (handover.acknowledged_by, handover.version) == (people.specialist, 2)
    assert list(services.pending_handovers(people.supervisor)) == []
    assert AuditEvent.objects.filter(action="handover.acknowledged").count() == 1
