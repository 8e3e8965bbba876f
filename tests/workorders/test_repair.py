"""Engineering repair (seed 000 §二): the 20-minute on-site limit, the one-hour check by the
front desk for simple jobs, and the quote for paid work."""

import pytest

from frontdesk.core.errors import InvalidInput
from frontdesk.workorders import services
from frontdesk.workorders.models import Timer
from frontdesk.workorders.timers import sweep_due_timers
from tests.workorders.helpers import act, actions_logged, at, repair


def timer_states(order) -> dict[str, str]:
    return dict(Timer.objects.filter(order=order).values_list("name", "state"))


def dispatched_repair(people, **overrides):
    order = repair(people.rep, **overrides)
    return act(people.rep, order, "dispatch", {"department": people.engineering.id})


@pytest.mark.parametrize("sweep_in_between", [True, False], ids=["swept", "no-sweep"])
def test_accepted_at_minute_10_on_site_at_minute_25_breaches_only_the_onsite_limit(people, clock, sweep_in_between):
    order = dispatched_repair(people)
    assert dict(order.timers.values_list("name", "due_at")) == {"onsite": at(9, 20), "check": at(10, 0)}

    clock.move_to(at(9, 10))
    order = act(people.plumber, order, "accept")
    if sweep_in_between:
        assert sweep_due_timers() == 0
        clock.move_to(at(9, 21))
        assert sweep_due_timers() == 1
    clock.move_to(at(9, 25))
    order = act(people.plumber, order, "arrive", {"inspection": "水龙头阀芯老化"})
    assert order.state == "on_site"
    assert timer_states(order) == {"onsite": "breached", "check": "running"}

    clock.move_to(at(9, 40))
    order = act(people.plumber, order, "report_result", {"work_done": "更换阀芯"})
    assert timer_states(order) == {"onsite": "breached", "check": "stopped"}
    clock.move_to(at(12, 0))
    assert sweep_due_timers() == 0
    assert actions_logged(order) == ["create", "dispatch", "accept", "timer_breached", "arrive", "report_result"]
    # The department head and the supervisors hear of the late arrival; nobody escalates it.
    assert list(services.notifications_for(people.supervisor).values_list("kind", flat=True)) == ["breached"]
    order.refresh_from_db()
    assert not order.escalated


def test_on_time_repair_breaches_nothing(people, clock):
    order = dispatched_repair(people)
    clock.move_to(at(9, 5))
    order = act(people.plumber, order, "accept")
    clock.move_to(at(9, 19))
    order = act(people.plumber, order, "arrive")
    clock.move_to(at(9, 50))
    order = act(people.plumber, order, "report_result", {"work_done": "更换阀芯"})
    clock.move_to(at(11, 0))
    assert sweep_due_timers() == 0
    assert timer_states(order) == {"onsite": "stopped", "check": "stopped"}


def test_one_hour_after_dispatch_a_simple_job_comes_up_for_the_front_desk_to_check(people, clock):
    order = dispatched_repair(people)
    order = act(people.plumber, order, "accept")
    order = act(people.plumber, order, "arrive")
    clock.move_to(at(10, 0))
    assert sweep_due_timers() == 1
    assert list(services.notifications_for(people.rep).values_list("kind", flat=True)) == ["breached"]
    # In the site's language (zh-hans), saying what to do.
    assert services.notifications_for(people.rep).get().text.endswith("请询问工程部是否已完工。")
    # The front desk asks engineering and records the answer; that ends the check.
    order = act(people.rep, order, "record_check", {"check_answer": "工程部：材料已到，预计11点完工"})
    assert timer_states(order) == {"onsite": "stopped", "check": "breached"}
    assert Timer.objects.get(order=order, name="check").stopped_at == at(10, 0)


def test_complex_jobs_get_no_one_hour_check_but_report_progress(people, clock):
    order = dispatched_repair(people, complexity="complex")
    assert set(timer_states(order)) == {"onsite"}
    order = act(people.eng_head, order, "accept", {"assigned_worker": people.plumber.id})
    order = act(
        people.plumber,
        order,
        "report_progress",
        {"progress": "需协调物业与开发商", "expected_completion": "2026-11-25 17:00"},
    )
    assert order.state == "accepted"
    assert list(services.notifications_for(people.rep).values_list("kind", flat=True)) == ["action"]


def test_paid_repair_quote_is_decimal(people, clock):
    order = dispatched_repair(people)
    order = act(people.plumber, order, "accept")
    order = act(people.plumber, order, "arrive")
    order = act(people.plumber, order, "quote", {"quote_amount": "350.5", "quote_response": "accepted"})
    assert order.state == "on_site"
    assert order.fields["quote_amount"] == "350.50"
    for bad in ["-1", "12.345", "abc", True, "NaN"]:
        with pytest.raises(InvalidInput) as refused:
            act(people.plumber, order, "quote", {"quote_amount": bad})
        assert list(refused.value.fields) == ["fields.quote_amount"]
    order = act(people.plumber, order, "report_result", {"work_done": "更换水龙头", "fee_collected": 350.5})
    assert order.fields["fee_collected"] == "350.50"
    assert order.events.get(action="quote").fields == {"quote_amount": "350.50", "quote_response": "accepted"}


def test_full_repair_to_archive_with_return_visit(people, clock):
    order = dispatched_repair(people)
    for actor, action, fields in [
        (people.plumber, "accept", {}),
        (people.plumber, "arrive", {}),
        (people.plumber, "report_result", {"work_done": "更换阀芯"}),
        (people.rep, "verify", {}),
        (people.visits, "return_visit", {"rating_quality": 5, "rating_timeliness": 4, "rating_attitude": 5}),
        (people.rep, "close", {}),
    ]:
        order = act(actor, order, action, fields)
    assert order.state == "closed"
    assert order.number.startswith("WX-20261123-")
    assert actions_logged(order) == [
        "create", "dispatch", "accept", "arrive", "report_result", "verify", "return_visit", "close",
    ]


def test_department_staff_may_report_a_repair(people, clock):
    order = repair(people.guard, fields={"description": "大堂灯不亮", "reported_by": "department"})
    assert order.created_by == people.guard
    # The guard sees the order he reported, though security is not responsible for it.
    assert list(services.visible_orders(people.guard)) == [order]
