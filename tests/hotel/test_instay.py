"""The hotel's in-stay services (seed 000 第四篇 三): messages left for guests, valuables in a
safe-deposit box, and the switchboard (a directory of local offices, country calling codes and
Chinese area codes from the phonenumbers data). Services, API and one page each."""

import datetime

import pytest
from django.db import connection

from frontdesk.audit.models import AuditEvent
from frontdesk.core import clock as desk_clock
from frontdesk.core.errors import InvalidInput, PermissionDenied, ServiceError, StaleVersion
from frontdesk.hotel import services
from frontdesk.hotel.models import DirectoryEntry, GuestMessage, Stay, ValuablesDeposit
from tests.conftest import json_of
from tests.hotel.helpers import RESIDENT_ID, booking, build_hotel
from tests.workorders.test_concurrency import at_once
from tests.workorders.test_views import client_for, field_errors, text_of


def checked_in(people, hotel, room="801", guest_name="王小明", phone="13800138000"):
    reservation = services.book_reservation(
        people.rep, **booking(hotel.king_rate, guest_name=guest_name, phone=phone)
    )
    return services.check_in(
        people.rep, reservation_id=reservation.id, room_id=hotel.rooms[room].id, id_type="resident_id",
        id_number=RESIDENT_ID, deposit_type="cash", deposit="900",
    )


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


# --- messages for guests (留言) ------------------------------------------------------------------


def test_a_message_is_taken_shown_waiting_and_delivered(people, hotel, clock):
    stay = checked_in(people, hotel)
    message = services.take_message(people.rep, stay.id, sender=" 李总（公司） ", text="请回电 0578-3123456")
    assert (message.sender, message.taken_by, message.taken_at) == ("李总（公司）", people.rep, desk_clock.now())
    assert list(services.guest_messages(people.rep, waiting=True)) == [message]

    clock.shift(datetime.timedelta(minutes=30))
    delivered = services.deliver_message(people.specialist, message.id, version=message.version)
    assert delivered.delivered_by == people.specialist
    assert delivered.delivered_at == desk_clock.now()
    assert not services.guest_messages(people.rep, waiting=True).exists()
    assert AuditEvent.objects.filter(action__in=["hotel.message_taken", "hotel.message_delivered"]).count() == 2

    with pytest.raises(InvalidInput):  # delivered once
        services.deliver_message(people.rep, message.id, version=delivered.version)


def test_a_message_needs_its_sender_and_text_and_a_guest_staying(people, hotel, clock):
    stay = checked_in(people, hotel)
    with pytest.raises(InvalidInput) as refused:
        services.take_message(people.rep, stay.id, sender="", text="请回电")
    assert "sender" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.take_message(people.rep, stay.id, sender="李总", text="   ")
    assert "text" in refused.value.fields
    with pytest.raises(PermissionDenied):
        services.take_message(people.analyst, stay.id, sender="李总", text="请回电")
    Stay.objects.filter(id=stay.id).update(state=Stay.State.CHECKED_OUT)
    with pytest.raises(InvalidInput):
        services.take_message(people.rep, stay.id, sender="李总", text="请回电")
    assert not GuestMessage.objects.exists()


def test_a_stale_delivery_is_refused(people, hotel, clock):
    message = services.take_message(people.rep, checked_in(people, hotel).id, sender="李总", text="请回电")
    with pytest.raises(StaleVersion):
        services.deliver_message(people.rep, message.id, version=message.version + 1)
    assert GuestMessage.objects.get(id=message.id).delivered_at is None


def test_messages_through_the_api(people, api, hotel, clock):
    stay = checked_in(people, hotel)
    desk = api(people.rep, language="en")
    taken = post(desk, f"/api/v1/hotel/stays/{stay.id}/messages", {"sender": "李总", "text": "请回电"})
    assert taken.status_code == 201, taken.content
    message = json_of(taken)
    assert (message["room"], message["guest"], message["delivered"]) == ("801", "Mr 王", False)
    assert message["taken_by"]["staff_number"] == "F001"

    waiting = json_of(api(people.analyst).get("/api/v1/hotel/messages?waiting=1"))
    assert [m["id"] for m in waiting] == [message["id"]]

    empty = post(desk, f"/api/v1/hotel/stays/{stay.id}/messages", {"sender": "", "text": "请回电"})
    assert empty.status_code == 422
    assert json_of(empty)["fields"]["sender"] == ["Ask who the message is from."]

    done = post(desk, f"/api/v1/hotel/messages/{message['id']}/delivered", {"version": message["version"]})
    assert json_of(done)["delivered"] is True
    stale = post(desk, f"/api/v1/hotel/messages/{message['id']}/delivered", {"version": message["version"]})
    assert stale.status_code in (409, 422)
    assert json_of(desk.get("/api/v1/hotel/messages?waiting=1")) == []


def test_the_room_board_and_the_stay_page_show_a_message_waiting(people, hotel, clock):
    stay = checked_in(people, hotel)
    client = client_for(people.rep)
    page = client.post(f"/hotel/stays/{stay.id}/messages", {"message-sender": "李总", "message-text": "请回电"})
    assert page.status_code == 302
    board = client.get("/hotel/rooms/").content.decode()
    tile = board[board.index('data-room="801"'):board.index('data-room="802"')]
    assert "Message waiting" in tile
    detail = text_of(client.get(f"/hotel/stays/{stay.id}/"))
    assert "李总" in detail and "请回电" in detail and "Message waiting" in detail

    message = GuestMessage.objects.get()
    client.post(f"/hotel/messages/{message.id}/delivered", {"version": message.version})
    assert "Message waiting" not in client.get("/hotel/rooms/").content.decode()
    assert "Delivered" in text_of(client.get(f"/hotel/stays/{stay.id}/"))

    refused = client.post(f"/hotel/stays/{stay.id}/messages", {"message-sender": "", "message-text": "请回电"})
    assert refused.status_code == 422
    assert GuestMessage.objects.count() == 1


# --- valuables deposit (贵重物品寄存) --------------------------------------------------------------


def test_valuables_go_in_and_out_of_a_box_with_the_guests_signature(people, hotel, clock):
    stay = checked_in(people, hotel)
    with pytest.raises(InvalidInput) as refused:
        services.deposit_valuables(people.rep, stay.id, box_number="B1", items="护照、现金5000元", guest_signed=False)
    assert "guest_signed" in refused.value.fields
    deposit = services.deposit_valuables(people.rep, stay.id, box_number=" b1 ", items="护照、现金5000元", guest_signed=True)
    assert (deposit.box_number, deposit.deposited_by, deposit.deposit_signed) == ("B1", people.rep, True)
    assert list(services.valuables(people.rep, stay_id=stay.id, held=True)) == [deposit]

    with pytest.raises(InvalidInput):
        services.withdraw_valuables(people.rep, deposit.id, version=deposit.version, guest_signed=False)
    clock.shift(datetime.timedelta(hours=5))
    out = services.withdraw_valuables(people.specialist, deposit.id, version=deposit.version, guest_signed=True)
    assert (out.withdrawn_by, out.withdrawn_at, out.withdrawal_signed) == (people.specialist, desk_clock.now(), True)
    with pytest.raises(InvalidInput):
        services.withdraw_valuables(people.rep, deposit.id, version=out.version, guest_signed=True)
    # The box is free again for the next guest.
    other = checked_in(people, hotel, room="802", guest_name="李四", phone="13900139000")
    assert services.deposit_valuables(people.rep, other.id, box_number="B1", items="手表", guest_signed=True).box_number == "B1"


def test_an_occupied_box_is_refused(people, hotel, clock):
    first = checked_in(people, hotel)
    second = checked_in(people, hotel, room="802", guest_name="李四", phone="13900139000")
    services.deposit_valuables(people.rep, first.id, box_number="B1", items="护照", guest_signed=True)
    with pytest.raises(ServiceError) as refused:
        services.deposit_valuables(people.rep, second.id, box_number="B1", items="手表", guest_signed=True)
    assert (refused.value.status, refused.value.code) == (409, "box_taken")
    assert ValuablesDeposit.objects.count() == 1


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the race needs a database server")
def test_two_clerks_giving_out_the_same_box_at_the_same_instant(transactional_db, people, clock):
    hotel = build_hotel(people.manager)
    first = checked_in(people, hotel)
    second = checked_in(people, hotel, room="802", guest_name="李四", phone="13900139000")
    results = at_once(
        lambda: services.deposit_valuables(people.rep, first.id, box_number="B7", items="护照", guest_signed=True),
        lambda: services.deposit_valuables(people.specialist, second.id, box_number="B7", items="手表", guest_signed=True),
    )
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 1 and refused[0].code == "box_taken", results
    assert ValuablesDeposit.objects.filter(box_number="B7").count() == 1


def test_settlement_is_refused_while_a_box_is_held(people, hotel, clock):
    stay = checked_in(people, hotel)
    deposit = services.deposit_valuables(people.rep, stay.id, box_number="B3", items="护照", guest_signed=True)
    stay = services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=True)
    stay = services.record_room_check(people.rep, stay.id, version=stay.version, consumption=[])
    with pytest.raises(InvalidInput) as refused:
        services.settle(people.rep, stay.id, version=stay.version)
    assert "B3" in str(refused.value.message)
    assert Stay.objects.get(id=stay.id).state == Stay.State.CHECKING_OUT
    assert not stay.entries.filter(category="room").exists()

    services.withdraw_valuables(people.rep, deposit.id, version=deposit.version, guest_signed=True)
    settled = services.settle(people.rep, stay.id, version=stay.version)
    assert settled.state == Stay.State.CHECKED_OUT


def test_valuables_through_the_api(people, api, hotel, clock):
    stay = checked_in(people, hotel)
    desk = api(people.rep, language="en")
    made = post(desk, f"/api/v1/hotel/stays/{stay.id}/valuables", {"box_number": "B1", "items": "护照", "guest_signed": True})
    assert made.status_code == 201, made.content
    deposit = json_of(made)
    assert (deposit["box_number"], deposit["room"], deposit["held"]) == ("B1", "801", True)

    other = checked_in(people, hotel, room="802", guest_name="李四", phone="13900139000")
    taken = post(desk, f"/api/v1/hotel/stays/{other.id}/valuables", {"box_number": "B1", "items": "手表", "guest_signed": True})
    assert taken.status_code == 409
    assert json_of(taken)["code"] == "box_taken"

    listed = json_of(desk.get(f"/api/v1/hotel/valuables?stay_id={stay.id}"))
    assert [d["box_number"] for d in listed] == ["B1"]
    back = post(desk, f"/api/v1/hotel/valuables/{deposit['id']}/withdraw", {"version": deposit["version"], "guest_signed": True})
    assert json_of(back)["held"] is False and json_of(back)["withdrawal_signed"] is True
    assert json_of(desk.get("/api/v1/hotel/valuables?held=1")) == []


def test_the_stay_page_deposits_and_gives_back_valuables(people, hotel, clock):
    stay = checked_in(people, hotel)
    client = client_for(people.rep)
    unsigned = client.post(f"/hotel/stays/{stay.id}/valuables", {"valuables-box_number": "B1", "valuables-items": "护照"})
    assert unsigned.status_code == 422
    assert "sign" in field_errors(unsigned, "valuables-guest_signed")
    done = client.post(
        f"/hotel/stays/{stay.id}/valuables",
        {"valuables-box_number": "B1", "valuables-items": "护照", "valuables-guest_signed": "on"},
    )
    assert done.status_code == 302
    page = client.get(f"/hotel/stays/{stay.id}/").content.decode()
    assert 'data-box="B1" data-held="yes"' in page
    deposit = ValuablesDeposit.objects.get()
    client.post(f"/hotel/valuables/{deposit.id}/withdraw", {"version": deposit.version})  # not signed: refused
    assert ValuablesDeposit.objects.get().withdrawn_at is None
    client.post(f"/hotel/valuables/{deposit.id}/withdraw", {"version": deposit.version, "guest_signed": "on"})
    assert 'data-box="B1" data-held="no"' in client.get(f"/hotel/stays/{stay.id}/").content.decode()


# --- the switchboard (总机) ------------------------------------------------------------------------


def test_the_directory_is_kept_by_the_desk(people, hotel, clock):
    entry = services.add_directory_entry(people.rep, name=" 缙云县公安局 ", phone="0578-3132110", note="出入境")
    assert (entry.name, entry.phone) == ("缙云县公安局", "+865783132110")
    with pytest.raises(InvalidInput) as refused:
        services.add_directory_entry(people.rep, name="缙云县公安局", phone="0578-3132111")
    assert "name" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        services.add_directory_entry(people.rep, name="仙都景区", phone="12345")
    assert "phone" in refused.value.fields
    with pytest.raises(PermissionDenied):
        services.add_directory_entry(people.analyst, name="仙都景区", phone="0578-3123456")

    changed = services.update_directory_entry(people.specialist, entry.id, version=entry.version, phone="0578 313 2111")
    assert (changed.phone, changed.note, changed.version) == ("+865783132111", "出入境", 2)
    with pytest.raises(StaleVersion):
        services.update_directory_entry(people.rep, entry.id, version=entry.version, note="改")
    assert DirectoryEntry.objects.get().note == "出入境"
    assert [e.name for e in services.directory(people.analyst, "公安")] == ["缙云县公安局"]


@pytest.mark.parametrize(
    "query, code",
    [("美国", "+1"), ("日本", "+81"), ("Japan", "+81"), ("+81", "+81"), ("北京", "010"), ("上海", "021"), ("深圳", "0755"), ("0578", "0578")],
)
def test_calling_and_area_codes_come_from_the_phonenumbers_data(people, query, code):
    found = services.dialling_codes(people.rep, query)
    assert found and found[0].code == code


def test_the_switchboard_through_the_api(people, api, hotel, clock):
    desk = api(people.rep, language="en")
    added = post(desk, "/api/v1/hotel/directory", {"name": "缙云县人民医院", "phone": "0578-3123456"})
    assert added.status_code == 201, added.content
    entry = json_of(added)
    assert entry["phone"].replace(" ", "") == "05783123456" and entry["phone_e164"] == "+865783123456"
    bad = post(desk, "/api/v1/hotel/directory", {"name": "某单位", "phone": "abc"})
    assert bad.status_code == 422 and "phone" in json_of(bad)["fields"]
    patched = desk.patch(
        f"/api/v1/hotel/directory/{entry['id']}", {"version": entry["version"], "note": "急诊"}, content_type="application/json"
    )
    assert json_of(patched)["note"] == "急诊"
    stale = desk.patch(
        f"/api/v1/hotel/directory/{entry['id']}", {"version": entry["version"], "note": "x"}, content_type="application/json"
    )
    assert stale.status_code == 409
    codes = json_of(api(people.analyst, language="en").get("/api/v1/hotel/dialling-codes?q=Shenzhen"))
    assert codes[0]["code"] == "0755" and codes[0]["kind"] == "area" and "Shenzhen" in codes[0]["name"]


def test_the_switchboard_page(people, hotel, clock):
    client = client_for(people.rep)
    added = client.post("/hotel/switchboard/directory", {"name": "缙云县公安局", "phone": "0578-3132110"})
    assert added.status_code == 302
    refused = client.post("/hotel/switchboard/directory", {"name": "某单位", "phone": "123"})
    assert refused.status_code == 422
    assert "not a valid phone number" in field_errors(refused, "phone")
    page = text_of(client.get("/hotel/switchboard/?code=日本"))
    assert "缙云县公安局" in page and "+81" in page
    zh = text_of(client_for(people.rep, language="zh-hans").get("/hotel/switchboard/?code=上海"))
    assert "上海市" in zh and "021" in zh
