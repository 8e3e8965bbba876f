"""Real concurrency: two threads, each with its own database connection, released at the same
instant. The data must be committed for the other connection to see it, hence transactional_db."""

import threading

import pytest
from django.db import connection, connections

from frontdesk.core.errors import ServiceError, StaleVersion
from frontdesk.workorders import services, timers
from frontdesk.workorders.models import Notification, Timer, WorkOrder
from tests.workorders.helpers import act, actions_logged, at, complaint

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database serialises threads; the race needs a server"
)


def at_once(*calls):
    """Run the calls in threads released together; returns each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_people_pressing_accept_at_the_same_instant(transactional_db, people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    version = order.version
    results = at_once(
        lambda: services.take_action(people.plumber, order.id, "accept", version=version),
        lambda: services.take_action(people.eng_head, order.id, "accept", version=version),
    )
    accepted = [r for r in results if isinstance(r, WorkOrder)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(accepted) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], StaleVersion)
    assert actions_logged(order).count("accept") == 1


def test_two_sweepers_at_the_same_instant_record_one_breach(transactional_db, people, clock):
    orders = [
        act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id}) for _ in range(5)
    ]
    now = at(9, 30)
    results = at_once(lambda: timers.sweep_due_timers(now=now), lambda: timers.sweep_due_timers(now=now))
    assert sum(results) == 5, results
    assert Timer.objects.filter(state="breached").count() == 5
    for order in orders:
        assert actions_logged(order).count("timer_breached") == 1
    assert Notification.objects.filter(kind="escalated").count() == 5


def test_an_accept_racing_the_sweep_gives_one_breach(transactional_db, people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 20))
    version = order.version
    results = at_once(
        lambda: services.take_action(people.plumber, order.id, "accept", version=version),
        lambda: timers.sweep_due_timers(),
    )
    assert isinstance(results[0], WorkOrder), results
    assert actions_logged(order).count("timer_breached") == 1
    assert WorkOrder.objects.get(id=order.id).state == "accepted"
