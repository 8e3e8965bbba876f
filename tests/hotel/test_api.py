"""The hotel desk through its API, as a desk client would drive it: the seed's whole stay from
the phone call to the change counted back, amounts as text, personal data masked."""

import datetime

from frontdesk.core.jobs import run_jobs_once
from tests.conftest import json_of
from tests.hotel.helpers import RESIDENT_ID, at

TUESDAY = datetime.date(2026, 11, 24)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_seeds_stay_from_the_phone_call_to_the_change(people, api, hotel, clock):
    desk = api(people.rep, language="en")
    offers = json_of(desk.get("/api/v1/hotel/availability?date=2026-11-23&nights=1"))
    assert [(o["room_type"]["code"], o["price"]) for o in offers] == [("suite", "888.00"), ("king", "455.00"), ("twin", "368.00")]
    assert "24" in offers[1]["policy"]

    booked = post(desk, "/api/v1/hotel/reservations", {
        "rate_plan_id": offers[1]["rate_plan"]["id"], "arrival_date": "2026-11-23", "arrival_time": "18:00",
        "nights": 1, "guest_name": "王小明", "title": "mr", "phone": "138 0013 8000",
        "special_requests": "无烟，朝江", "hold_until": "2026-11-23T20:00:00+08:00", "source": "word_of_mouth",
    })
    assert booked.status_code == 201, booked.content
    reservation = json_of(booked)
    assert reservation["staff_number"] == "F001"
    assert reservation["price"] == "455.00"
    read_back = reservation["read_back"]
    for heard in ("Mr 王", "1 King room from 2026-11-23 for 1 night", "455.00", "138 0013 8000", "20:00", "无烟，朝江", "F001"):
        assert heard in read_back

    found = json_of(desk.get("/api/v1/hotel/reservations?q=wxm"))["items"]
    assert [r["id"] for r in found] == [reservation["id"]]
    rooms = json_of(desk.get("/api/v1/hotel/rooms?status=vacant_clean"))
    king_801 = next(r for r in rooms if r["number"] == "801")

    checked_in = post(desk, "/api/v1/hotel/stays", {
        "reservation_id": reservation["id"], "room_id": king_801["id"], "id_type": "resident_id",
        "id_number": RESIDENT_ID.lower(), "deposit_type": "cash", "deposit": "900",
    })
    assert checked_in.status_code == 201, checked_in.content
    stay = json_of(checked_in)
    assert stay["id_number"] == "110***********002X"  # a representative does not see whole ID numbers
    assert stay["folio"]["deposits"] == "900.00" and stay["folio"]["spending_left"] == "445.00"
    slip = desk.get(stay["deposit_slip_url"])  # the API token does not log in a page: use the session
    assert slip.status_code in (302, 401, 403)

    clock.move_to(at(11, 40, day=TUESDAY))
    stay = json_of(post(desk, f"/api/v1/hotel/stays/{stay['id']}/check-out", {"version": stay["version"], "key_card_returned": True}))
    stay = json_of(post(desk, f"/api/v1/hotel/stays/{stay['id']}/room-check", {
        "version": stay["version"], "consumption": [{"category": "minibar", "description": "矿泉水", "amount": "20"}],
    }))
    settled = post(desk, f"/api/v1/hotel/stays/{stay['id']}/settle", {"version": stay["version"]})
    assert settled.status_code == 200, settled.content
    folio = json_of(settled)["folio"]
    assert [c["amount"] for c in folio["charges"]] == ["20.00", "455.00"]
    assert (folio["total_charges"], folio["deposits"], folio["refunded"], folio["balance"]) == ("475.00", "900.00", "425.00", "0.00")
    board = {r["number"]: r["status"] for r in json_of(desk.get("/api/v1/hotel/rooms"))}
    assert board["801"] == "vacant_dirty"


def test_the_bill_and_the_slip_print_for_a_logged_in_clerk(people, api, hotel, clock, client):
    from tests.hotel.test_services import check_in_booked, check_out, king_for_tonight
    from frontdesk.hotel.services import Consumption

    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="900")
    clock.move_to(at(10, 0, day=TUESDAY))
    stay = check_out(people, stay, consumption=[Consumption("minibar", "矿泉水", "20")])
    client.force_login(people.rep)
    bill = client.get(f"/hotel/stays/{stay.id}/bill").content.decode()
    for text in ("455.00", "20.00", "475.00", "900.00", "425.00"):
        assert text in bill
    slip = client.get(f"/hotel/stays/{stay.id}/deposit-slip").content.decode()
    assert "王小明" in slip and "801" in slip and "F001" in slip and "2026-11-24" in slip
    client.force_login(people.plumber)
    assert client.get(f"/hotel/stays/{stay.id}/bill").status_code == 403


def test_money_is_never_a_float(people, api, hotel, clock):
    desk = api(people.rep, language="en")
    from tests.hotel.test_services import check_in_booked, king_for_tonight

    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="900")
    refused = post(desk, f"/api/v1/hotel/stays/{stay.id}/charges", {"category": "minibar", "amount": 20.5})
    assert refused.status_code == 422
    body = json_of(refused)
    assert body["code"] == "invalid" and "475.00" in body["fields"]["amount"][0]
    refused = post(desk, f"/api/v1/hotel/stays/{stay.id}/charges", {"category": "minibar", "amount": "20.005"})
    assert "two decimals" in json_of(refused)["fields"]["amount"][0]
    posted = json_of(post(desk, f"/api/v1/hotel/stays/{stay.id}/charges", {"category": "minibar", "amount": "0.10"}))
    posted = json_of(post(desk, f"/api/v1/hotel/stays/{stay.id}/charges", {"category": "minibar", "amount": "0.20"}))
    assert posted["folio"]["total_charges"] == "0.30"


def test_over_the_limit_and_sold_out_answer_in_the_error_shape(people, api, hotel, clock):
    from tests.hotel.test_services import check_in_booked, king_for_tonight

    desk = api(people.rep)
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="500")
    over = post(desk, f"/api/v1/hotel/stays/{stay.id}/charges", {"category": "restaurant", "amount": "60"})
    assert over.status_code == 422 and json_of(over)["code"] == "over_limit"
    assert "45.00" in json_of(over)["message"]
    raised = post(api(people.supervisor), f"/api/v1/hotel/stays/{stay.id}/limit", {"version": stay.version, "amount": "100", "reason": "熟客"})
    assert raised.status_code == 200
    assert post(desk, f"/api/v1/hotel/stays/{stay.id}/charges", {"category": "restaurant", "amount": "60"}).status_code == 201
    stale = post(api(people.supervisor), f"/api/v1/hotel/stays/{stay.id}/limit", {"version": stay.version, "amount": "100", "reason": "再加"})
    assert stale.status_code == 409 and json_of(stale)["code"] == "stale_version"

    body = {"rate_plan_id": hotel.suite_rate.id, "arrival_date": "2026-11-23", "arrival_time": "20:00", "nights": 1,
            "guest_name": "李四", "title": "ms", "phone": "13900139000", "guaranteed": True}
    assert post(desk, "/api/v1/hotel/reservations", body).status_code == 201
    sold_out = post(api(people.specialist, language="zh-hant"), "/api/v1/hotel/reservations", body)
    assert sold_out.status_code == 409 and json_of(sold_out)["code"] == "sold_out"


def test_due_wake_up_calls_are_listed_for_the_desk(people, api, hotel, clock):
    from tests.hotel.test_services import check_in_booked, king_for_tonight

    desk = api(people.rep)
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock))
    booked = json_of(post(desk, "/api/v1/hotel/wakeup-calls", {"stay_id": stay.id, "time": "08:00", "repeat_after_minutes": 4}))
    assert "2026-11-24 08:00" in booked["read_back"] and "4" in booked["read_back"]
    clock.move_to(at(8, 0, day=TUESDAY))
    run_jobs_once()
    due = json_of(desk.get("/api/v1/hotel/wakeup-calls?due=1"))
    assert [(c["room"], c["second_call"]) for c in due] == [("801", False)]
    done = post(desk, f"/api/v1/hotel/wakeup-calls/{due[0]['id']}/done", {"version": due[0]["version"]})
    assert json_of(done)["state"] == "done"
    assert json_of(desk.get("/api/v1/hotel/wakeup-calls?due=1")) == []
