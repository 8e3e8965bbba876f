"""The hotel desk screens through Django's test client, as the front desk uses them during the
seed's day (000 第四篇): a phone reservation read back then saved, check-in, a charge over the
prepayment, wake-up calls due, the seed's check-out (475.00 / 900.00 / 425.00), the room-status
board. Pages are read in English (the language cookie); the seed's Chinese data stays Chinese."""

import datetime
import re

from frontdesk.customers.models import Customer
from frontdesk.hotel import services, tasks
from frontdesk.hotel.models import FolioEntry, Reservation, Room, Stay, WakeUpCall
from tests.hotel.helpers import MONDAY, RESIDENT_ID, at, booking, build_hotel
from tests.workorders.test_views import client_for, field_errors, text_of

TUESDAY = MONDAY + datetime.timedelta(days=1)

CALL = {  # the rest of the call, after the date (seed 一.3)
    "arrival_date": "2026-11-23",
    "nights": "1",
    "rooms": "1",
    "arrival_time": "18:00",
    "guest_name": "王小明",
    "title": "mr",
    "phone": "138 0013 8000",
    "special_requests": "无烟，朝江",
    "hold_until": "2026-11-23T20:00",
    "source": "website",
}


def booked_today(people, hotel, **overrides):
    return services.book_reservation(people.rep, **booking(hotel.king_rate, **overrides))


def checked_in(people, hotel, deposit="900", room="801"):
    reservation = booked_today(people, hotel)
    return services.check_in(
        people.rep, reservation_id=reservation.id, room_id=hotel.rooms[room].id, id_type="resident_id",
        id_number=RESIDENT_ID, deposit_type="cash", deposit=deposit,
    )


# --- phone reservation ------------------------------------------------------------------------


def test_the_call_offers_the_days_rooms_from_the_highest_price(people, hotel, clock):
    page = client_for(people.rep).get("/hotel/reservations/new/?date=2026-11-24&nights=2")
    assert page.status_code == 200
    rates = re.findall(r'data-rate="([\w-]+)"', page.content.decode())
    assert rates == ["suite-rack", "king-rack", "twin-rack"]
    text = text_of(page)
    assert "888.00" in text and "1.8米大床、迷你吧" in text and "River view" in text
    assert 'name="arrival_date" value="2026-11-24"' in page.content.decode()


def test_a_phone_reservation_is_read_back_then_saved_with_the_staff_number(people, hotel, clock):
    client = client_for(people.rep)
    form = CALL | {"rate_plan_id": str(hotel.king_rate.id), "step": "review"}
    read_back = client.post("/hotel/reservations/new/", form)
    assert read_back.status_code == 200
    text = text_of(read_back)
    assert "Mr 王, you have booked 1 King room from 2026-11-23 for 1 night(s) at 455.00 yuan a night" in text
    assert "138 0013 8000" in text and "无烟，朝江" in text and "2026-11-23 20:00" in text
    assert "My staff number is F001." in text
    assert not Reservation.objects.exists() and not Customer.objects.exists()  # nothing saved yet

    # "Back to edit" keeps every value; "confirm" saves.
    carried = dict(re.findall(r'<input type="hidden" name="([\w-]+)" value="([^"]*)"', read_back.content.decode()))
    edit = client.post("/hotel/reservations/new/", carried | {"step": "edit"})
    assert 'value="王小明"' in edit.content.decode() and not edit.context["form"].errors
    saved = client.post("/hotel/reservations/new/", carried | {"step": "confirm"}, follow=True)
    reservation = Reservation.objects.get()
    assert saved.redirect_chain[-1][0] == f"/hotel/reservations/{reservation.id}/"
    assert (reservation.guest_name, reservation.phone, reservation.special_requests) == ("王小明", "+8613800138000", "无烟，朝江")
    assert reservation.hold_until == at(20) and reservation.source == "website" and reservation.booked_by == people.rep
    assert f"Reservation {reservation.number} saved. Give the caller your staff number: F001." in text_of(saved)


def test_bad_input_is_shown_next_to_the_input_and_nothing_is_kept(people, hotel, clock):
    client = client_for(people.rep)
    form = CALL | {"rate_plan_id": str(hotel.king_rate.id), "step": "review", "phone": "12345", "hold_until": ""}
    page = client.post("/hotel/reservations/new/", form)
    assert page.status_code == 422
    assert "Nothing was saved" in text_of(page)
    assert field_errors(page, "phone") or field_errors(page, "hold_until")
    # The form keeps what was typed.
    assert 'value="王小明"' in page.content.decode()
    # Asking for the impossible at confirm: the last king is gone.
    for _ in range(3):
        booked_today(people, hotel)
    full = client.post("/hotel/reservations/new/", CALL | {"rate_plan_id": str(hotel.king_rate.id), "step": "confirm"})
    assert full.status_code == 409
    assert "No room of this type is left on 2026-11-23" in text_of(full)
    assert Reservation.objects.count() == 3 and Customer.objects.count() == 1


def test_reservations_by_date_found_by_pinyin_and_cancelled_with_the_fee_shown_first(people, hotel, clock):
    tuesday = booked_today(people, hotel, arrival_date=TUESDAY, hold_until=at(20, day=TUESDAY))
    booked_today(people, hotel, guest_name="李四", phone="13900139000")
    client = client_for(people.rep)
    today = text_of(client.get("/hotel/reservations/"))
    assert "李四" in today and "王小明" not in today
    found = text_of(client.get("/hotel/reservations/", {"date": "", "q": "wangxiaoming"}, HTTP_HX_REQUEST="true"))
    assert tuesday.number in found and "李四" not in found

    # Free until 24 hours before Tuesday 18:00; after Monday 18:00 the first night is charged.
    assert "Cancelling now costs 0.00 yuan." in text_of(client.get(f"/hotel/reservations/{tuesday.id}/"))
    clock.move_to(at(19))
    page = client.get(f"/hotel/reservations/{tuesday.id}/")
    assert "Cancelling now costs 455.00 yuan." in text_of(page)
    done = client.post(f"/hotel/reservations/{tuesday.id}/cancel", {"version": tuesday.version}, follow=True)
    assert "cancellation fee 455.00 yuan" in text_of(done)
    tuesday.refresh_from_db()
    assert tuesday.state == Reservation.State.CANCELLED


# --- check-in -------------------------------------------------------------------------------


def test_check_in_reads_the_booking_back_and_offers_only_vacant_clean_rooms_of_its_type(people, hotel, clock):
    reservation = booked_today(people, hotel)
    Room.objects.filter(number="802").update(status=Room.Status.VACANT_DIRTY)
    client = client_for(people.rep)
    page = client.get(f"/hotel/check-in/{reservation.id}/")
    assert "Mr 王, you have booked 1 King room" in text_of(page)
    rooms = [label for _value, label in page.context["form"].fields["room_id"].choices]
    assert [r.split(" ")[0] for r in rooms] == ["801", "803"]

    form = {"room_id": hotel.rooms["801"].id, "id_type": "resident_id", "id_number": "110105194912310021",
            "deposit_type": "cash", "deposit": "900"}
    bad = client.post(f"/hotel/check-in/{reservation.id}/", form)
    assert bad.status_code == 422 and field_errors(bad, "id_number")
    assert not Stay.objects.exists() and Room.objects.get(number="801").status == Room.Status.VACANT_CLEAN

    done = client.post(f"/hotel/check-in/{reservation.id}/", form | {"id_number": RESIDENT_ID}, follow=True)
    stay = Stay.objects.get()
    assert done.redirect_chain[-1][0] == f"/hotel/stays/{stay.id}/#deposit-slip"
    text = text_of(done)
    assert "Mr 王 checked in to room 801. Print the deposit slip" in text
    assert "110***********002X" in text and RESIDENT_ID not in text  # masked below a manager
    slip = text_of(client.get(f"/hotel/stays/{stay.id}/deposit-slip"))
    assert "801" in slip and "900.00" in slip and "F001" in slip


def test_a_walk_in_guest_is_checked_in(people, hotel, clock):
    form = {"guest-rate_plan_id": hotel.twin_rate.id, "guest-nights": "2", "guest-guest_name": "李四", "guest-title": "ms",
            "guest-phone": "13900139000", "room_id": hotel.rooms["401"].id, "id_type": "passport",
            "id_number": "E12345678", "deposit_type": "card_preauth", "deposit": "1000"}
    client = client_for(people.rep)
    wrong_room = client.post("/hotel/check-in/walk-in/", form | {"room_id": hotel.rooms["801"].id})
    assert wrong_room.status_code == 422 and "Room 801 is not of the booked type." in text_of(wrong_room)
    assert not Stay.objects.exists()
    client.post("/hotel/check-in/walk-in/", form)
    stay = Stay.objects.get()
    assert (stay.room.number, stay.guest_name, stay.departure_date) == ("401", "李四", MONDAY + datetime.timedelta(days=2))


# --- the stay page ------------------------------------------------------------------------------


def test_a_charge_over_the_prepayment_is_refused_with_the_two_ways_out(people, hotel, clock):
    stay = checked_in(people, hotel, deposit="500")  # 455.00 of it is the night: 45.00 left
    rep = client_for(people.rep)
    refused = rep.post(f"/hotel/stays/{stay.id}/charges", {"charge-category": "minibar", "charge-amount": "100"})
    assert refused.status_code == 422
    text = text_of(refused)
    assert "This charge of 100.00 yuan would take the account over its prepayment: 45.00 yuan is left." in text
    assert 'href="#deposit"' in refused.content.decode() and 'href="#limit"' not in refused.content.decode()
    assert not FolioEntry.objects.filter(kind="charge").exists()
    supervisor = client_for(people.supervisor).post(
        f"/hotel/stays/{stay.id}/charges", {"charge-category": "minibar", "charge-amount": "100"}
    )
    assert 'href="#limit"' in supervisor.content.decode()

    rep.post(f"/hotel/stays/{stay.id}/deposits", {"deposit-amount": "200", "deposit-method": "cash"})
    page = rep.post(f"/hotel/stays/{stay.id}/charges", {"charge-category": "minibar", "charge-description": "可乐",
                                                        "charge-amount": "100"}, follow=True)
    assert "Charge posted." in text_of(page)
    assert page.context["stay"]["folio"]["spending_left"] == "145.00"


def test_a_wake_up_call_is_read_back_booked_and_shown_due_to_the_desk(people, hotel, clock):
    stay = checked_in(people, hotel)
    client = client_for(people.rep)
    form = {"wakeup-time": "08:00", "wakeup-repeat_after_minutes": "4"}
    read_back = client.post(f"/hotel/stays/{stay.id}/wakeup-calls", form | {"step": "review"})
    assert "Mr 王, room 801: a wake-up call at 2026-11-24 08:00 and a second one 4 minutes later." in text_of(read_back)
    assert not WakeUpCall.objects.exists()
    client.post(f"/hotel/stays/{stay.id}/wakeup-calls", form | {"step": "confirm"})
    assert WakeUpCall.objects.count() == 2

    upcoming = client.get("/hotel/wakeup-calls/")
    assert 'hx-trigger="every 15s"' in upcoming.content.decode()
    assert upcoming.content.decode().count('data-due-at="2026-11-24T08:0') == 2  # countdowns to both
    clock.move_to(at(8, 0, day=TUESDAY))
    tasks.fire_wakeup_calls()
    client = client_for(people.rep)  # the early shift signs in
    due = client.get("/hotel/wakeup-calls/", HTTP_HX_REQUEST="true")
    assert re.findall(r'data-call-room="(\d+)"', due.content.decode()) == ["801", "801"]  # one due, one next
    assert [c["room"] for c in due.context["due"]] == ["801"]
    call = WakeUpCall.objects.get(state="due")
    client.post(f"/hotel/wakeup-calls/{call.id}/done", {"version": call.version})
    call.refresh_from_db()
    assert call.state == WakeUpCall.State.DONE and call.done_by == people.rep


def test_check_out_the_seeds_bill_475_paid_900_change_425(people, hotel, clock):
    stay = checked_in(people, hotel, deposit="900")
    clock.move_to(at(11, 30, day=TUESDAY))
    client = client_for(people.rep)
    no_key = client.post(f"/hotel/stays/{stay.id}/check-out", {"checkout-version": stay.version})
    assert no_key.status_code == 422 and "Take the key card back first." in text_of(no_key)
    client.post(f"/hotel/stays/{stay.id}/check-out", {"checkout-version": stay.version, "checkout-key_card_returned": "on"})
    stay.refresh_from_db()
    client.post(f"/hotel/stays/{stay.id}/room-check", {
        "roomcheck-version": stay.version, "item0-category": "minibar", "item0-description": "矿泉水一瓶", "item0-amount": "20",
    })
    stay.refresh_from_db()
    page = client.post(f"/hotel/stays/{stay.id}/settle", {"settle-version": stay.version}, follow=True)
    text = text_of(page)
    assert "Total 475.00 yuan; paid in advance 900.00 yuan; change given back 425.00 yuan." in text
    bill = text_of(client.get(f"/hotel/stays/{stay.id}/bill"))
    assert re.search(
        r"Minibar · 矿泉水一瓶 20.00 Room · Room 801, 1 night\(s\) × 455.00 455.00 "
        r"Total 475.00 Paid in advance 900.00 Change given back 425.00",
        bill,
    )
    assert Room.objects.get(number="801").status == Room.Status.VACANT_DIRTY


def test_a_guest_in_a_hurry_with_cash_gets_the_balance_back_with_the_slip(people, hotel, clock):
    stay = checked_in(people, hotel, deposit="900")
    clock.move_to(at(10, 0, day=TUESDAY))
    client = client_for(people.rep)
    client.post(f"/hotel/stays/{stay.id}/check-out", {
        "checkout-version": stay.version, "checkout-key_card_returned": "on", "checkout-guest_leaves_now": "on",
    })
    stay.refresh_from_db()
    client.post(f"/hotel/stays/{stay.id}/room-check", {"roomcheck-version": stay.version})
    stay.refresh_from_db()
    page = client.post(f"/hotel/stays/{stay.id}/settle", {"settle-version": stay.version}, follow=True)
    assert "445.00 yuan is to be refunded against the deposit slip" in text_of(page)
    stay.refresh_from_db()
    refused = client.post(f"/hotel/stays/{stay.id}/refund", {"refund-version": stay.version})
    assert refused.status_code == 422 and "Take the deposit slip back" in text_of(refused)
    client.post(f"/hotel/stays/{stay.id}/refund", {"refund-version": stay.version, "refund-deposit_slip_returned": "on"})
    stay.refresh_from_db()
    assert stay.state == Stay.State.CHECKED_OUT and services.account(stay).refunds == 445


# --- the room-status board ------------------------------------------------------------------------


def test_the_room_board_by_floor_masks_the_guest_and_a_dirty_room_is_made_clean(people, hotel, clock):
    checked_in(people, hotel, room="801")
    Room.objects.filter(number="402").update(status=Room.Status.VACANT_DIRTY)
    Room.objects.filter(number="803").update(status=Room.Status.OUT_OF_ORDER)
    rep = client_for(people.rep)
    board = rep.get("/hotel/rooms/").content.decode()
    tiles = re.findall(r'data-room="(\d+)" data-status="(\w+)"', board)
    assert tiles == [("801", "occupied"), ("802", "vacant_clean"), ("803", "out_of_order"), ("808", "vacant_clean"),
                     ("401", "vacant_clean"), ("402", "vacant_dirty")]  # top floor first
    assert "王小明" in board and 'hx-trigger="every 15s"' in board
    inspector = text_of(client_for(people.qa).get("/hotel/rooms/"))
    assert "王小明" not in inspector and "Mr 王" in inspector and "Mark clean" not in inspector

    room = Room.objects.get(number="402")
    rep.post(f"/hotel/rooms/{room.id}/clean", {"version": room.version})
    assert Room.objects.get(number="402").status == Room.Status.VACANT_CLEAN
    stale = rep.post(f"/hotel/rooms/{room.id}/clean", {"version": room.version}, follow=True)
    assert "not vacant dirty" in text_of(stale)


def test_the_manager_takes_a_room_out_of_order_on_the_board_and_back(people, hotel, clock):
    assert "Take out of order" not in text_of(client_for(people.rep).get("/hotel/rooms/"))
    manager = client_for(people.manager)
    room = Room.objects.get(number="803")
    refused = manager.post(f"/hotel/rooms/{room.id}/out-of-order", {"version": room.version, "reason": ""}, follow=True)
    assert "Say why the room cannot be sold." in text_of(refused)
    board = manager.post(f"/hotel/rooms/{room.id}/out-of-order", {"version": room.version, "reason": "窗户破损"}, follow=True)
    assert "Room 803 is out of order and no longer sold." in text_of(board)
    assert re.search(r'data-room="803" data-status="out_of_order"', board.content.decode()) and "窗户破损" in text_of(board)
    room.refresh_from_db()
    board = manager.post(f"/hotel/rooms/{room.id}/back-in-service", {"version": room.version}, follow=True)
    assert "Room 803 is sold again" in text_of(board)
    assert Room.objects.get(number="803").status == Room.Status.VACANT_DIRTY
    # The desk may not: refused without a change.
    room.refresh_from_db()
    client_for(people.rep).post(f"/hotel/rooms/{room.id}/out-of-order", {"version": room.version, "reason": "窗户破损"})
    assert Room.objects.get(number="803").status == Room.Status.VACANT_DIRTY


def test_no_hotel_navigation_until_the_hotel_has_rooms(people, clock):
    assert "Room status" not in text_of(client_for(people.rep).get("/"))
    build_hotel(people.manager)
    assert "Room status" in text_of(client_for(people.rep).get("/"))


def test_navigation_by_role(people, hotel, clock):
    rep = text_of(client_for(people.rep).get("/hotel/rooms/"))
    assert "Phone reservation" in rep and "Check-in" in rep and "Hotel reports" in rep
    analyst = text_of(client_for(people.analyst).get("/hotel/rooms/"))
    assert "Room status" in analyst and "Phone reservation" not in analyst
    assert "Room status" not in text_of(client_for(people.plumber).get("/"))
    assert client_for(people.analyst).get("/hotel/reservations/new/").status_code == 403
