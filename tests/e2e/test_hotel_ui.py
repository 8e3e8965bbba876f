"""The hotel desk in a real browser, in zh-hans: the seed's day (000 第四篇) from the phone call
to the change counted back — a phone reservation read back and saved, check-in found by pinyin
with a cash deposit of 900, a bottle of water from the minibar, and check-out: 455 + 20 = 475,
paid 900, change 425."""

import re

from playwright.sync_api import expect

from frontdesk.hotel.models import Reservation, Room, Stay
from tests.browser import log_in
from tests.conftest import PASSWORD
from tests.hotel.helpers import RESIDENT_ID, build_hotel


def test_phone_reservation_check_in_minibar_and_check_out(page, people):
    hotel = build_hotel(people.manager)
    log_in(page, "rep", PASSWORD)

    # The call: today's rooms from the highest price down, then the rest of the call.
    page.goto("/hotel/reservations/new/")
    expect(page.locator("#availability tbody tr")).to_have_count(3)
    expect(page.locator("#availability tbody tr").first).to_contain_text("套房")
    page.check(f"#rate-{hotel.king_rate.id}")
    page.fill("input[name=arrival_time]", "18:00")
    page.fill("input[name=guest_name]", "王小明")
    page.check("input[name=title][value=mr]")
    page.fill("input[name=phone]", "138 0013 8000")
    page.fill("textarea[name=special_requests]", "无烟，朝江")
    page.check("input[name=guaranteed]")
    page.select_option("select[name=source]", "website")
    page.locator("form.reservation-form button[type=submit]").click()

    read_back = page.locator("#read-back")
    expect(read_back).to_contain_text("王先生")
    expect(read_back).to_contain_text("大床房")
    expect(read_back).to_contain_text("455.00")
    expect(read_back).to_contain_text("138 0013 8000")
    expect(read_back.locator(".staff-number")).to_have_text("F001")
    assert not Reservation.objects.exists()
    page.locator("button[name=step][value=confirm]").click()
    reservation = Reservation.objects.get()
    expect(page.locator("h1")).to_contain_text(reservation.number)

    # Check-in: found by pinyin, read back, a vacant clean king, the ID, 900 in cash.
    page.goto("/hotel/check-in/")
    page.fill("#arrival-q", "wangxiaoming")
    row = page.locator(f"#arrival-rows tr[data-reservation='{reservation.number}']")
    expect(row).to_be_visible()
    row.locator("a.button").click()
    expect(page.locator("#read-back")).to_contain_text("无烟，朝江")
    page.select_option("select[name=room_id]", str(hotel.rooms["801"].id))
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", RESIDENT_ID)
    page.check("input[name=deposit_type][value=cash]")
    page.fill("input[name=deposit]", "900")
    page.locator("form.check-in-form button[type=submit]").click()
    stay = Stay.objects.get()
    expect(page).to_have_url(re.compile(rf"/hotel/stays/{stay.id}/"))
    expect(page.locator("#deposit-slip")).to_be_visible()
    expect(page.locator("[data-sum=spending-left]")).to_have_text("445.00")

    # A bottle of water from the minibar.
    page.select_option("select[name=charge-category]", "minibar")
    page.fill("input[name=charge-description]", "矿泉水一瓶")
    page.fill("input[name=charge-amount]", "20")
    page.locator("#charge button[type=submit]").click()
    expect(page.locator("[data-sum=charges]")).to_have_text("20.00")
    expect(page.locator("[data-sum=spending-left]")).to_have_text("425.00")

    # Check-out: key card back, housekeeping finds nothing more, settle.
    page.check("input[name=checkout-key_card_returned]")
    page.locator("#check-out button[type=submit]").click()
    page.locator("#check-out button[type=submit]").click()  # the room check: nothing else consumed
    page.locator("#check-out button[type=submit]").click()  # settle
    expect(page.locator("#settlement")).to_contain_text("475.00")
    expect(page.locator("#settlement")).to_contain_text("900.00")
    expect(page.locator("#settlement")).to_contain_text("425.00")
    assert Room.objects.get(id=hotel.rooms["801"].id).status == Room.Status.VACANT_DIRTY

    page.goto("/hotel/rooms/")
    expect(page.locator("[data-room='801']")).to_have_attribute("data-status", "vacant_dirty")
    page.locator("[data-room='801'] button").click()
    expect(page.locator("[data-room='801']")).to_have_attribute("data-status", "vacant_clean")
