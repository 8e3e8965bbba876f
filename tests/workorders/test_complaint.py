"""The resident complaint (seed 000 §一) walked through the service layer, with the clock moved
by time-machine."""

import datetime

import pytest

from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion
from frontdesk.workorders import services
from frontdesk.workorders.models import Notification, Timer, WorkOrder
from frontdesk.workorders.timers import sweep_due_timers
from tests.workorders.helpers import act, actions_logged, at, complaint


def kinds_for(person) -> list[str]:
    return list(services.notifications_for(person).values_list("kind", flat=True))


def test_a_complaint_from_intake_to_archive(people, clock):
    # §一.1-2: recorded, read back and confirmed.
    order = complaint(people.rep)
    assert order.number == "TS-20261123-0001"
    assert (order.state, order.version, order.created_by) == ("recorded", 1, people.rep)
    assert order.fields["caller_phone"] == "+8613800138000"

    # §一.3: dispatched to 工程部, whose head is told; the 15-minute pick-up limit starts.
    order = act(people.rep, order, "dispatch", {"department": people.engineering.id})
    assert (order.state, order.department) == ("dispatched", people.engineering)
    assert list(order.timers.values_list("name", "due_at", "state")) == [("pickup", at(9, 15), "running")]
    assert kinds_for(people.eng_head) == ["action"]
    assert kinds_for(people.guard) == []  # security's people are not told

    # Nobody signs for it within 15 minutes: one sweep escalates it, the next finds nothing.
    clock.move_to(at(9, 16))
    assert sweep_due_timers() == 1
    assert sweep_due_timers() == 0
    order.refresh_from_db()
    assert order.escalated and order.state == "dispatched"
    assert kinds_for(people.manager) == ["escalated"]
    assert Notification.objects.filter(kind="escalated").count() == 1

    # The plumber arrives late and signs; a breach does not make his copy of the order stale.
    order = act(people.plumber, order, "accept")
    assert (order.state, order.assignee) == ("accepted", people.plumber)
    pickup = Timer.objects.get(order=order, name="pickup")
    assert (pickup.state, pickup.breached_at, pickup.stopped_at) == ("breached", at(9, 16), at(9, 16))

    # §一.4-6: result reported and signed by the head; the front desk verifies the form.
    clock.move_to(at(11, 0))
    order = act(
        people.plumber, order, "report_result", {"result": "已更换楼上防水层", "signed_off_by": people.eng_head.id}
    )
    with pytest.raises(PermissionDenied):
        act(people.plumber, order, "verify")  # the department does not check its own form
    order = act(people.rep, order, "verify", {"verification_note": "回单完整，部门负责人已签字"})
    assert order.state == "verified"

    # §一.7-8: the return visit records the three ratings; a suggestion goes to the department.
    ratings = {
        "rating_quality": 5,
        "rating_timeliness": "3",
        "rating_attitude": 4,
        "suggestion": "希望提前通知上门时间",
    }
    order = act(people.visits, order, "return_visit", ratings)
    assert order.fields["rating_timeliness"] == 3
    assert kinds_for(people.eng_head) == ["action", "breached", "action"]
    order = act(people.rep, order, "close")
    assert order.state == "closed"

    assert actions_logged(order) == [
        "create",
        "dispatch",
        "timer_breached",
        "accept",
        "report_result",
        "verify",
        "return_visit",
        "close",
    ]
    events = list(order.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, 9))
    # The states chain: every event starts where the previous one ended.
    assert all(a.to_state == b.from_state for a, b in zip(events, events[1:]))
    visit = events[6]
    assert (visit.actor, visit.from_state, visit.to_state) == (people.visits, "verified", "visited")
    assert visit.fields == {
        "rating_quality": 5,
        "rating_timeliness": 3,
        "rating_attitude": 4,
        "suggestion": "希望提前通知上门时间",
    }
    breach = events[2]
    assert breach.actor is None and breach.fields["escalated_to"] == "cs_manager"
    assert order.version == 7  # one step per action taken by a person


def test_accepted_in_time_nothing_is_escalated(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 14))
    act(people.eng_head, order, "accept")
    clock.move_to(at(10, 0))
    assert sweep_due_timers() == 0
    order.refresh_from_db()
    assert not order.escalated
    assert Timer.objects.get(order=order).state == "stopped"
    assert kinds_for(people.manager) == []


def test_a_late_accept_records_the_breach_even_when_no_sweep_ran(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 40))  # the worker was down
    order = act(people.plumber, order, "accept")
    assert order.escalated
    assert actions_logged(order) == ["create", "dispatch", "timer_breached", "accept"]
    assert kinds_for(people.manager) == ["escalated"]
    assert sweep_due_timers() == 0


def test_two_sweeps_at_the_same_moment_record_the_breach_once(people, clock):
    from frontdesk.workorders import timers

    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 20))
    # Sweeper A has read the due timer; sweeper B runs its whole pass before A applies it.
    seen_by_a = list(timers.due_timers(timers.clock.now(), 500))
    assert sweep_due_timers() == 1
    assert [timers._breach_due_timer(timer, timers.clock.now()) for timer in seen_by_a] == [False]
    assert actions_logged(order).count("timer_breached") == 1
    assert Notification.objects.filter(kind="escalated").count() == 1


def test_redispatch_restarts_the_pickup_limit(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.security.id})
    clock.move_to(at(9, 10))
    order = act(people.rep, order, "dispatch", {"department": people.engineering.id})
    assert order.department == people.engineering
    assert list(order.timers.order_by("id").values_list("state", "due_at")) == [
        ("stopped", at(9, 15)),
        ("running", at(9, 25)),
    ]


def test_wrong_role_is_refused_and_changes_nothing(people, clock):
    order = complaint(people.rep)
    with pytest.raises(PermissionDenied):
        act(people.analyst, order, "dispatch", {"department": people.engineering.id})
    with pytest.raises(NotFound):  # not yet dispatched: no department sees it
        act(people.plumber, order, "dispatch", {"department": people.engineering.id})
    order = act(people.rep, order, "dispatch", {"department": people.engineering.id})
    with pytest.raises(PermissionDenied):
        act(people.rep, order, "accept")  # the department signs for it, not the front desk
    with pytest.raises(PermissionDenied):
        act(people.qa, order, "escalate", {"escalation_reason": "x"})  # inspectors read, they do not act
    order.refresh_from_db()
    assert (order.state, order.version, actions_logged(order)) == ("dispatched", 2, ["create", "dispatch"])


def test_department_staff_act_only_on_their_departments_orders(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    with pytest.raises(NotFound):
        act(people.guard, order, "accept")  # security cannot even see engineering's order
    assert services.allowed_actions(order, people.guard) == []
    assert [a.key for a in services.allowed_actions(order, people.plumber)] == ["accept"]
    assert list(services.visible_orders(people.guard)) == []
    assert list(services.visible_orders(people.plumber)) == [order]


def test_only_the_front_desk_records_complaints(people, clock):
    with pytest.raises(PermissionDenied):
        complaint(people.plumber)
    with pytest.raises(PermissionDenied):
        complaint(people.analyst)
    assert WorkOrder.objects.count() == 0


def test_stale_version_is_refused(people, clock):
    order = complaint(people.rep)
    seen = order.version
    act(people.rep, order, "dispatch", {"department": people.engineering.id})
    with pytest.raises(StaleVersion):
        services.take_action(
            people.supervisor, order.id, "escalate", version=seen, fields={"escalation_reason": "重复投诉"}
        )
    order.refresh_from_db()
    assert not order.escalated and actions_logged(order) == ["create", "dispatch"]


def test_two_people_pressing_accept_at_once_give_one_acceptance(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    both_saw = order.version
    services.take_action(people.plumber, order.id, "accept", version=both_saw)
    with pytest.raises(StaleVersion):
        services.take_action(people.eng_head, order.id, "accept", version=both_saw)
    # The head reloads and tries again: the order is already accepted.
    with pytest.raises(InvalidInput) as refused:
        act(people.eng_head, order, "accept")
    assert "accept" in refused.value.message.lower() or "接单" in refused.value.message
    order.refresh_from_db()
    assert order.assignee == people.plumber
    assert actions_logged(order).count("accept") == 1


def test_missing_and_bad_fields_are_named_and_change_nothing(people, clock):
    order = complaint(people.rep)
    with pytest.raises(InvalidInput) as missing:
        act(people.rep, order, "dispatch", {})
    assert list(missing.value.fields) == ["fields.department"]

    with pytest.raises(InvalidInput) as bad:
        act(people.rep, order, "dispatch", {"department": 999, "colour": "red"})
    assert set(bad.value.fields) == {"fields.department", "fields.colour"}

    with pytest.raises(InvalidInput) as intake:
        complaint(people.rep, fields={"caller_phone": "12345", "read_back": "maybe", "caller_name": "  "})
    assert set(intake.value.fields) == {"fields.caller_phone", "fields.read_back", "fields.caller_name"}

    order.refresh_from_db()
    assert (order.state, order.version, actions_logged(order)) == ("recorded", 1, ["create"])
    assert WorkOrder.objects.count() == 1


def test_field_errors_speak_the_users_language(people, clock):
    from django.utils import translation

    order = complaint(people.rep)
    with translation.override("en"), pytest.raises(InvalidInput) as english:
        act(people.rep, order, "dispatch", {})
    assert english.value.fields["fields.department"] == ["This field is required."]
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as chinese:
        act(people.rep, order, "dispatch", {})
    assert chinese.value.fields["fields.department"] != ["This field is required."]


def test_a_serious_complaint_goes_to_the_manager_at_intake(people, clock):
    order = complaint(people.rep, fields={"severity": "serious"})
    assert order.escalated
    assert kinds_for(people.manager) == ["escalated"]
    assert not complaint(people.rep, fields={"severity": "ordinary"}).escalated


def test_escalation_review_and_report_to_the_general_manager(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    order = act(people.supervisor, order, "escalate", {"escalation_reason": "业户情绪激动，要求经理处理"})
    assert order.escalated and order.state == "dispatched"
    with pytest.raises(PermissionDenied):
        act(people.rep, order, "report_to_general_manager", {"escalation_reason": "x"})
    order = act(people.manager, order, "report_to_general_manager", {"escalation_reason": "涉及结构安全"})
    assert kinds_for(people.gm) == ["escalated"]
    order = act(
        people.gm, order, "review", {"review_measures": "全面排查防水层", "responsible_person": people.eng_head.id}
    )
    assert order.fields["responsible_person"] == people.eng_head.id
    events = list(order.events.filter(action="escalate"))
    assert (events[0].from_state, events[0].to_state) == ("dispatched", "dispatched")


def test_the_promised_reply_time_is_a_timer(people, clock):
    order = complaint(people.rep)
    with pytest.raises(InvalidInput) as past:
        act(people.rep, order, "set_next_reply", {"next_reply_at": "2026-11-23T08:00:00+08:00"})
    assert list(past.value.fields) == ["fields.next_reply_at"]

    order = act(
        people.rep, order, "set_next_reply", {"next_reply_at": "2026-11-23 15:00", "reply_plan": "联系开发商后答复"}
    )
    assert order.timers.get(name="next_reply").due_at == at(15, 0)
    clock.move_to(at(15, 1))
    assert sweep_due_timers() == 1
    # The front desk (the representatives) is told; nothing is escalated.
    assert kinds_for(people.rep) == ["breached"]
    assert not WorkOrder.objects.get(id=order.id).escalated

    # A new promise replaces the old one; the reply stops it.
    order = act(people.rep, order, "set_next_reply", {"next_reply_at": "2026-11-24T10:00:00+08:00"})
    order = act(people.rep, order, "reply", {"reply_content": "开发商明日上门"})
    assert list(order.timers.order_by("id").values_list("state", flat=True)) == ["breached", "stopped"]


def test_the_departments_result_meets_the_promised_reply(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    order = act(people.rep, order, "set_next_reply", {"next_reply_at": "2026-11-23T17:00:00+08:00"})
    order = act(people.plumber, order, "accept")
    clock.move_to(at(16, 0))
    order = act(people.plumber, order, "report_result", {"result": "已修复", "signed_off_by": people.eng_head.id})
    assert order.timers.get(name="next_reply").state == "stopped"
    clock.move_to(at(17, 1))
    assert sweep_due_timers() == 0


def test_a_department_can_be_sent_the_result_back(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    order = act(people.plumber, order, "accept")
    order = act(people.plumber, order, "report_result", {"result": "已处理", "signed_off_by": people.eng_head.id})
    order = act(people.rep, order, "send_back", {"send_back_reason": "负责人未签字"})
    assert order.state == "accepted"
    with pytest.raises(InvalidInput):
        act(people.rep, order, "verify")


def test_closing_stops_every_timer(people, clock):
    order = act(people.rep, complaint(people.rep), "dispatch", {"department": people.engineering.id})
    order = act(people.plumber, order, "accept")
    order = act(people.rep, order, "set_next_reply", {"next_reply_at": "2026-11-30T10:00:00+08:00"})
    order = act(people.plumber, order, "report_result", {"result": "已处理", "signed_off_by": people.eng_head.id})
    order = act(people.rep, order, "verify")
    order = act(
        people.visits, order, "return_visit", {"rating_quality": 5, "rating_timeliness": 5, "rating_attitude": 5}
    )
    order = act(people.rep, order, "close")
    assert not order.timers.filter(stopped_at__isnull=True).exists()
    assert services.allowed_actions(order, people.rep) == []


def test_numbers_count_per_prefix_and_day(people, clock):
    assert [complaint(people.rep).number for _ in range(2)] == ["TS-20261123-0001", "TS-20261123-0002"]
    clock.move_to(at(9, 0) + datetime.timedelta(days=1))
    assert complaint(people.rep).number == "TS-20261124-0001"


def test_notifications_can_be_marked_read(people, clock):
    complaint(people.rep, fields={"severity": "major"})
    notification = services.notifications_for(people.manager).get()
    services.mark_notification_read(people.manager, notification.id)
    assert services.notifications_for(people.manager).get().read_at == at(9, 0)
    with pytest.raises(NotFound):
        services.mark_notification_read(people.plumber, notification.id)
