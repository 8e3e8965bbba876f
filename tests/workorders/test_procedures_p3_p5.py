"""Procedures P3-P5 walked through their seed steps with the services: air-ticket booking
(000 §三), copying (000 §四), and the call record form's inquiry, suggestion and daily service
matter (001 客服部工作流程说明)."""

import datetime

import pytest

from frontdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from frontdesk.core.idnumbers import check_character
from frontdesk.workorders import services
from frontdesk.workorders.loader import PROCEDURES_DIR, load_file, load_procedures
from frontdesk.workorders.models import Timer, WorkOrder
from frontdesk.workorders.procedure import LANGUAGES
from frontdesk.workorders.timers import sweep_due_timers
from frontdesk.workorders.versions import current_procedure
from tests.workorders.helpers import act, actions_logged, at

ID_NUMBER = "11010519491231002" + check_character("11010519491231002")

TICKET_REQUEST = {
    "resident_name": "刘洋",
    "caller_phone": "13800138000",
    "address": "锦绣花园3栋2单元501",
    "room": "3-2-501",
    "id_number": ID_NUMBER,
    "destination": "北京",
    "travel_date": "2026-11-28 08:00",
    "cabin_class": "economy",
    "read_back": "confirmed",
}

TICKET_QUOTE = {
    "flight_time": "2026-11-28 08:05",
    "airline": "中国国际航空",
    "flight_number": "CA1858",
    "aircraft_type": "波音737",
    "ticket_price": "880.00",
    "discount": "五五折",
    "arrival_time": "2026-11-28 10:25",
}

CALL = {"caller_name": "陈女士", "caller_phone": "13912345678", "room": "5-1-1201"}


def test_every_shipped_procedure_file_loads_with_three_languages():
    procedures = load_procedures()
    assert set(procedures) == {
        "complaint",
        "repair",
        "airticket",
        "copying",
        "inquiry",
        "suggestion",
        "daily_service",
        "guest_inquiry",
        "guest_request",
    }
    for path in sorted(PROCEDURES_DIR.glob("*.yaml")):
        procedure = load_file(path)
        assert procedure.key == path.stem
        every_name = [procedure.name, procedure.intake.name]
        every_name += [spec.name for spec in procedure.fields.values()]
        every_name += [name for spec in procedure.fields.values() for _key, name in spec.options]
        every_name += [spec.name for spec in (*procedure.states.values(), *procedure.actions.values())]
        every_name += [spec.name for spec in procedure.timers.values()]
        assert all(name.get(language).strip() for name in every_name for language in LANGUAGES), path.name
    assert len({procedure.prefix for procedure in procedures.values()}) == len(procedures)


# --- P3 air-ticket booking (000 §三) ------------------------------------------------------


def test_air_ticket_from_the_call_to_the_fare_collected(people, clock):
    # §三.1-2: the request, read back and confirmed; the ID number is an ID number.
    order = services.create_work_order(people.rep, "airticket", fields=TICKET_REQUEST)
    assert order.number.startswith("JP-20261123-")
    assert current_procedure("airticket").fields["id_number"].type == "id_number"
    assert order.fields["cabin_class"] == "economy"
    # §三.3: the ticket office's answer.
    clock.move_to(at(9, 10))
    order = act(people.rep, order, "quote", TICKET_QUOTE)
    assert order.state == "quoted" and order.fields["ticket_price"] == "880.00"
    # §三.4: the resident buys, after a second check of time, name, destination and fare.
    with pytest.raises(InvalidInput) as refused:
        act(people.rep, order, "confirm")
    assert list(refused.value.fields) == ["fields.details_rechecked"]
    order = act(people.rep, order, "confirm", {"details_rechecked": "confirmed"})
    # §三.5-6: booked; the courier signs, the resident is told the courier is on the way.
    order = act(people.rep, order, "book", {"booking_reference": "NX8K2P"})
    with pytest.raises(InvalidInput) as refused:
        act(people.rep, order, "hand_to_courier", {"courier_name": "小李"})
    assert set(refused.value.fields) == {"fields.courier_signed", "fields.resident_told"}
    handed = {"courier_name": "小李", "courier_signed": "signed", "resident_told": "told"}
    order = act(people.rep, order, "hand_to_courier", handed)
    assert order.state == "delivering"
    # The courier collects the quoted fare at the door.
    order = act(people.rep, order, "record_delivery", {"delivery_note": "已送到3-2-501"})
    assert order.fields["fare_collected"] == "880.00"
    assert order.events.get(action="record_delivery").fields == {
        "delivery_note": "已送到3-2-501",
        "fare_collected": "880.00",
    }
    order = act(people.rep, order, "close")
    assert order.state == "closed"
    assert actions_logged(order) == [
        "create", "quote", "confirm", "book", "hand_to_courier", "record_delivery", "close",
    ]


def test_a_bad_id_number_is_refused_with_a_field_error(people, clock):
    wrong_check_digit = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    for bad in [wrong_check_digit, "1101051949123100", "ABCDEFGHIJKLMNOPQR"]:
        with pytest.raises(InvalidInput) as refused:
            services.create_work_order(people.rep, "airticket", fields={**TICKET_REQUEST, "id_number": bad})
        assert list(refused.value.fields) == ["fields.id_number"]
    assert not WorkOrder.objects.exists()


def test_the_ticket_office_is_asked_again_or_the_resident_does_not_buy(people, clock):
    order = services.create_work_order(people.rep, "airticket", fields=TICKET_REQUEST)
    order = act(people.rep, order, "quote", TICKET_QUOTE)
    order = act(people.rep, order, "quote", {**TICKET_QUOTE, "ticket_price": "1240", "discount": "八折"})
    assert order.fields["ticket_price"] == "1240.00"
    order = act(people.rep, order, "decline", {"decline_reason": "价格太高，改乘高铁"})
    assert order.state == "declined"
    assert "fare_collected" not in order.fields
    assert services.allowed_actions(order, people.rep) == []


def test_department_staff_do_not_book_tickets(people, clock):
    with pytest.raises(PermissionDenied):
        services.create_work_order(people.plumber, "airticket", fields=TICKET_REQUEST)


# --- P4 copying (000 §四) ------------------------------------------------------------------


def test_copying_register_entry_for_a_resident(people, clock):
    order = services.create_work_order(
        people.rep,
        "copying",
        fields={
            "requester_kind": "outside",
            "requester_name": "王先生",
            "a4_pages": 10,
            "a3_pages": 2,
            "no_receipt_explained": "explained",
        },
    )
    assert order.number.startswith("FY-20261123-")
    assert order.fields["fee_due"] == "14.00"
    order = act(people.specialist, order, "hand_over")
    assert (order.state, order.fields["cash_collected"]) == ("closed", "14.00")


def test_a_copy_request_can_be_cancelled_before_copying(people, clock):
    order = services.create_work_order(
        people.rep,
        "copying",
        fields={
            "requester_kind": "outside",
            "requester_name": "访客",
            "a4_pages": 3,
            "a3_pages": 0,
            "no_receipt_explained": "explained",
        },
    )
    order = act(people.rep, order, "cancel", {"cancel_reason": "需要发票，不复印了"})
    assert order.state == "cancelled" and "cash_collected" not in order.fields


# --- P5 inquiry, suggestion, daily service (001 客服部工作流程说明) ---------------------------


def test_an_inquiry_answered_at_once_is_closed_at_the_next_step(people, clock):
    order = services.create_work_order(people.rep, "inquiry", fields={**CALL, "content": "物业费几号前交？"})
    assert order.number.startswith("ZX-20261123-")
    order = act(people.rep, order, "answer", {"answer": "每月15日前，可在前台或App缴纳", "result": "业户满意"})
    assert order.state == "closed"
    assert actions_logged(order) == ["create", "answer"]
    assert not Timer.objects.filter(order=order).exists()


def test_an_inquiry_passed_on_is_chased_when_the_promised_reply_time_passes(people, clock):
    order = services.create_work_order(
        people.rep, "inquiry", fields={**CALL, "content": "小区何时更换电梯？", "call_time": "2026-11-23 08:55"}
    )
    order = act(
        people.rep,
        order,
        "pass_on",
        {"department": people.engineering.id, "next_reply_at": "2026-11-23 11:00", "pass_on_note": "请告知更换计划"},
    )
    assert order.state == "passed_on" and order.department == people.engineering
    assert list(services.notifications_for(people.eng_head).values_list("kind", flat=True)) == ["action"]
    # 五清楚 跟清楚: the promised time passes without a reply.
    clock.move_to(at(11, 0))
    assert sweep_due_timers() == 1
    chased = services.notifications_for(people.rep).get(kind="breached")
    assert chased.text.endswith("请催办部门并答复来电人。")
    assert services.notifications_for(people.eng_head).filter(kind="breached").exists()
    # The department's reply comes back; the front desk answers the caller.
    clock.move_to(at(11, 20))
    order = act(people.eng_head, order, "record_reply", {"department_reply": "12月10日起分批更换"})
    assert order.state == "replied"
    order = act(people.rep, order, "answer", {"answer": "12月10日起分批更换，届时另行通知"})
    assert order.state == "closed"
    assert Timer.objects.get(order=order).state == "breached"
    assert actions_logged(order) == ["create", "pass_on", "timer_breached", "record_reply", "answer"]


def test_an_inquiry_answered_before_the_promised_time_breaches_nothing(people, clock):
    order = services.create_work_order(people.rep, "inquiry", fields={**CALL, "content": "停车卡如何办理？"})
    order = act(people.rep, order, "pass_on", {"department": people.security.id, "next_reply_at": "2026-11-23 10:00"})
    clock.move_to(at(9, 40))
    order = act(people.guard, order, "record_reply", {"department_reply": "带行驶证到保安部办理"})
    order = act(people.rep, order, "answer", {"answer": "带行驶证到保安部办理"})
    clock.move_to(at(12, 0))
    assert sweep_due_timers() == 0
    assert Timer.objects.get(order=order).state == "stopped"


def test_a_suggestion_is_passed_to_the_department_and_its_reply_recorded(people, clock):
    order = services.create_work_order(
        people.rep, "suggestion", fields={**CALL, "content": "建议在地下车库增加照明"}
    )
    assert order.number.startswith("JY-20261123-")
    order = act(people.rep, order, "pass_on", {"department": people.engineering.id})
    assert list(services.notifications_for(people.eng_head).values_list("kind", flat=True)) == ["action"]
    # Engineering sees the suggestion passed to it, and answers it.
    assert order in services.visible_orders(people.eng_head)
    order = act(people.eng_head, order, "record_reply", {"department_reply": "下周加装10盏灯", "adopted": "adopted"})
    assert order.state == "replied"
    assert list(services.notifications_for(people.rep).values_list("kind", flat=True)) == ["action"]
    order = act(people.rep, order, "inform_caller", {"result": "已电话告知陈女士"})
    assert order.state == "closed"
    assert order.fields["department_reply"] == "下周加装10盏灯"
    assert actions_logged(order) == ["create", "pass_on", "record_reply", "inform_caller"]


def test_a_suggestion_not_passed_on_is_filed_with_the_reason(people, clock):
    order = services.create_work_order(people.rep, "suggestion", fields={**CALL, "content": "建议免收物业费"})
    with pytest.raises(InvalidInput) as refused:
        act(people.rep, order, "file")
    assert list(refused.value.fields) == ["fields.file_reason"]
    order = act(people.rep, order, "file", {"file_reason": "不合理，已向业户解释收费依据"})
    assert order.state == "closed"


def test_a_daily_service_matter_from_call_to_return_visit(people, clock):
    order = services.create_work_order(
        people.rep, "daily_service", fields={**CALL, "content": "门口快递堆放，请安排清理"}
    )
    assert order.number.startswith("RC-20261123-")
    order = act(people.rep, order, "dispatch", {"department": people.security.id})
    assert order.department == people.security
    # The department reports the result back to the front desk (二.3).
    order = act(people.guard, order, "report_result", {"result": "已清理并通知快递员"})
    assert order.state == "resolved"
    assert list(services.notifications_for(people.rep).values_list("kind", flat=True)) == ["action"]
    # 三: return visit, recorded with a satisfaction rating.
    with pytest.raises(InvalidInput) as refused:
        act(people.visits, order, "return_visit", {"visit_result": "业户表示满意", "satisfaction": 6})
    assert list(refused.value.fields) == ["fields.satisfaction"]
    order = act(people.visits, order, "return_visit", {"visit_result": "业户表示满意", "satisfaction": 5})
    order = act(people.rep, order, "close")
    assert order.state == "closed"
    assert actions_logged(order) == ["create", "dispatch", "report_result", "return_visit", "close"]


def test_what_the_front_desk_cannot_handle_goes_to_the_manager(people, clock):
    order = services.create_work_order(people.rep, "daily_service", fields={**CALL, "content": "要求更换门禁系统"})
    order = act(people.rep, order, "escalate", {"escalation_reason": "涉及多个部门，需经理协调"})
    assert order.escalated and order.state == "recorded"
    assert list(services.notifications_for(people.manager).values_list("kind", flat=True)) == ["escalated"]


def test_another_departments_staff_cannot_report_a_result_for_a_matter_not_theirs(people, clock):
    order = services.create_work_order(people.rep, "daily_service", fields={**CALL, "content": "楼道灯不亮"})
    order = act(people.rep, order, "dispatch", {"department": people.engineering.id})
    with pytest.raises(NotFound):  # security does not even see engineering's order
        act(people.guard, order, "report_result", {"result": "已处理"})
    order.refresh_from_db()
    assert order.state == "dispatched"


def test_the_call_time_is_a_date_and_time(people, clock):
    with pytest.raises(InvalidInput) as refused:
        services.create_work_order(people.rep, "inquiry", fields={**CALL, "content": "x", "call_time": "昨天下午"})
    assert list(refused.value.fields) == ["fields.call_time"]
    order = services.create_work_order(
        people.rep, "inquiry", fields={**CALL, "content": "x", "call_time": "2026-11-23 08:50"}
    )
    assert datetime.datetime.fromisoformat(order.fields["call_time"]) == at(8, 50)
