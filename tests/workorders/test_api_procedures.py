"""Procedures P3-P5 through the HTTP API, as a client of the stable contract would walk them:
each step is POST /api/v1/workorders/{id}/actions/{action} with the version last seen."""

from frontdesk.core.jobs import run_jobs_once
from tests.conftest import json_of
from tests.workorders.helpers import at
from tests.workorders.test_procedures_p3_p5 import CALL, ID_NUMBER, TICKET_QUOTE, TICKET_REQUEST


def record(client, service_type: str, fields: dict) -> dict:
    response = client.post(
        "/api/v1/workorders", {"service_type": service_type, "fields": fields}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def step(client, order: dict, action: str, fields: dict | None = None, status: int = 200) -> dict:
    response = client.post(
        f"/api/v1/workorders/{order['id']}/actions/{action}",
        {"version": order["version"], "fields": fields or {}},
        content_type="application/json",
    )
    assert response.status_code == status, response.content
    return json_of(response)


def test_air_ticket_through_the_api_with_the_id_number_masked(people, api, clock):
    rep, manager = api(people.rep), api(people.manager)
    order = record(rep, "airticket", TICKET_REQUEST)
    # The representative books it but sees the ID number masked; the manager sees it whole.
    assert order["fields"]["id_number"] != ID_NUMBER and order["fields"]["id_number"].endswith(ID_NUMBER[-4:])
    assert json_of(manager.get(f"/api/v1/workorders/{order['id']}"))["fields"]["id_number"] == ID_NUMBER
    clock.move_to(at(9, 10))
    order = step(rep, order, "quote", TICKET_QUOTE)
    refused = step(rep, order, "confirm", status=422)
    assert list(refused["fields"]) == ["fields.details_rechecked"]
    order = step(rep, order, "confirm", {"details_rechecked": "confirmed"})
    order = step(rep, order, "book", {"booking_reference": "NX8K2P"})
    order = step(rep, order, "hand_to_courier", {"courier_name": "小李", "courier_signed": "signed", "resident_told": "told"})
    order = step(rep, order, "record_delivery", {"delivery_note": "已送到3-2-501"})
    assert order["fields"]["fare_collected"] == "880.00"
    order = step(rep, order, "close")
    assert order["state"] == "closed" and order["allowed_actions"] == []
    assert [e["action"] for e in order["events"]] == [
        "create", "quote", "confirm", "book", "hand_to_courier", "record_delivery", "close",
    ]


def test_ten_a4_and_two_a3_copies_charge_14_yuan_through_the_api(people, api, clock):
    rep, specialist = api(people.rep), api(people.specialist)
    fields = {"requester_kind": "outside", "requester_name": "王先生", "a4_pages": 10, "a3_pages": 2}
    order = record(rep, "copying", {**fields, "no_receipt_explained": "explained"})
    assert order["fields"]["fee_due"] == "14.00"
    order = step(specialist, order, "hand_over")
    assert (order["state"], order["fields"]["cash_collected"]) == ("closed", "14.00")


def test_an_inquiry_passed_on_is_chased_then_answered_through_the_api(people, api, clock):
    rep, head = api(people.rep), api(people.eng_head)
    order = record(rep, "inquiry", {**CALL, "content": "小区何时更换电梯？"})
    order = step(rep, order, "pass_on", {"department": people.engineering.id, "next_reply_at": "2026-11-23 11:00"})
    assert [t["state"] for t in order["timers"]] == ["running"]
    clock.move_to(at(11, 0))
    run_jobs_once()
    chased = json_of(rep.get("/api/v1/notifications"))["items"]
    assert [n["kind"] for n in chased] == ["breached"] and chased[0]["order"]["id"] == order["id"]
    order = json_of(head.get(f"/api/v1/workorders/{order['id']}"))
    order = step(head, order, "record_reply", {"department_reply": "12月10日起分批更换"})
    order = step(rep, order, "answer", {"answer": "12月10日起分批更换，届时另行通知"})
    assert order["state"] == "closed"


def test_a_suggestion_and_a_daily_service_matter_through_the_api(people, api, clock):
    rep, head, guard, visits = api(people.rep), api(people.eng_head), api(people.guard), api(people.visits)
    suggestion = record(rep, "suggestion", {**CALL, "content": "建议在地下车库增加照明"})
    suggestion = step(rep, suggestion, "pass_on", {"department": people.engineering.id})
    suggestion = step(head, suggestion, "record_reply", {"department_reply": "下周加装10盏灯", "adopted": "adopted"})
    suggestion = step(rep, suggestion, "inform_caller", {"result": "已电话告知陈女士"})
    assert suggestion["state"] == "closed"

    matter = record(rep, "daily_service", {**CALL, "content": "门口快递堆放，请安排清理"})
    matter = step(rep, matter, "dispatch", {"department": people.security.id})
    assert step(head, matter, "report_result", {"result": "x"}, status=404)["code"] == "not_found"
    matter = step(guard, matter, "report_result", {"result": "已清理并通知快递员"})
    refused = step(visits, matter, "return_visit", {"visit_result": "满意", "satisfaction": 6}, status=422)
    assert list(refused["fields"]) == ["fields.satisfaction"]
    matter = step(visits, matter, "return_visit", {"visit_result": "业户表示满意", "satisfaction": 5})
    matter = step(rep, matter, "close")
    assert matter["state"] == "closed"


# --- the hotel's guest inquiries and requests (000 第四篇 三) ------------------------------


def test_a_guest_inquiry_is_logged_with_the_local_answer_given(people, api, clock):
    rep = api(people.rep)
    question = {"guest_name": "王先生", "room": "808", "topic": "sights", "question": "附近有什么景点？"}
    order = record(rep, "guest_inquiry", question)
    assert order["number"].startswith("WXUN-20261123-")
    order = step(rep, order, "answer", {"local_answer": "xiandu", "answer": "仙都风景区，车程约20分钟"})
    assert order["state"] == "answered" and order["fields"]["local_answer"] == "xiandu"
    # The register finds it by what was asked.
    found = json_of(rep.get("/api/v1/workorders", {"q": "景点"}))["items"]
    assert [o["id"] for o in found] == [order["id"]]


def test_a_guest_request_goes_to_housekeeping_and_is_confirmed_with_the_guest(people, api, clock):
    rep, head, plumber = api(people.rep), api(people.eng_head), api(people.plumber)
    order = record(
        rep,
        "guest_request",
        {"room": "808", "kind": "repair", "description": "空调不制冷", "read_back": "confirmed"},
    )
    assert not order["escalated"]
    order = step(rep, order, "dispatch", {"department": people.engineering.id})
    clock.move_to(at(9, 10))
    order = step(plumber, json_of(plumber.get(f"/api/v1/workorders/{order['id']}")), "accept")
    assert [t["state"] for t in order["timers"]] == ["stopped"]
    order = step(plumber, order, "report_done", {"result": "已清洗滤网，恢复制冷"})
    order = step(rep, json_of(rep.get(f"/api/v1/workorders/{order['id']}")), "confirm_with_guest", {"guest_confirmed": "satisfied"})
    assert order["state"] == "closed"
    assert json_of(head.get(f"/api/v1/workorders/{order['id']}"))["state"] == "closed"


def test_a_guest_complaint_goes_to_the_cs_manager_at_once(people, api, clock):
    rep, manager = api(people.rep), api(people.manager)
    order = record(rep, "guest_request", {"room": "606", "kind": "complaint", "description": "隔壁房间深夜喧哗", "read_back": "confirmed"})
    assert order["escalated"]
    assert [n["kind"] for n in json_of(manager.get("/api/v1/notifications"))["items"]] == ["escalated"]
