"""The hotel front desk through its services, following seed 000 第四篇 step by step."""

import datetime
from decimal import Decimal

import pytest

from frontdesk.core.errors import InvalidInput, PermissionDenied, StaleVersion
from frontdesk.core.jobs import run_jobs_once
from frontdesk.hotel import services
from frontdesk.hotel.models import FolioEntry, Reservation, Room, RoomNight, Stay, WakeUpCall
from frontdesk.hotel.services import Consumption, OverLimit, RoomTaken, SoldOut, WalkIn
from tests.hotel.helpers import MONDAY, RESIDENT_ID, at, booking

TUESDAY = MONDAY + datetime.timedelta(days=1)


def check_in_booked(people, hotel, reservation, room="801", deposit="900", deposit_type="cash"):
    return services.check_in(
        people.rep,
        reservation_id=reservation.id,
        room_id=hotel.rooms[room].id if isinstance(room, str) else room.id,
        id_type="resident_id",
        id_number=RESIDENT_ID,
        deposit_type=deposit_type,
        deposit=deposit,
    )


def king_for_tonight(people, hotel, clock, **overrides):
    return services.book_reservation(people.rep, **booking(hotel.king_rate, **overrides))


# --- 一 reservations ------------------------------------------------------------------------


def test_rooms_are_offered_from_the_highest_price_down_with_what_is_left(people, hotel, clock):
    offers = services.availability(people.rep, MONDAY, 2)
    assert [(o.room_type.code, o.rate_plan.price, o.rooms_left) for o in offers] == [
        ("suite", Decimal("888.00"), 1),
        ("king", Decimal("455.00"), 3),
        ("twin", Decimal("368.00"), 2),
    ]


def test_a_phone_booking_is_filed_with_the_guest_in_the_archive_and_the_clerk(people, hotel, clock):
    reservation = king_for_tonight(people, hotel, clock)
    assert reservation.number == f"R20261123-{reservation.id:04d}"
    assert reservation.state == Reservation.State.HELD
    assert reservation.price == Decimal("455.00")
    assert reservation.booked_by == people.rep
    assert reservation.customer.name == "王小明"
    assert reservation.customer.contacts.get().value == "+8613800138000"
    # The same caller booking again is the same customer, not a duplicate.
    again = king_for_tonight(people, hotel, clock, arrival_date=TUESDAY, hold_until=at(20, day=TUESDAY))
    assert again.customer_id == reservation.customer_id
    assert services.rooms_left(hotel.king.id, [MONDAY]) == 2
    assert [r.id for r in services.find_reservations(people.rep, arrival_date=MONDAY)] == [reservation.id]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"hold_until": None}, "hold_until"),
        ({"hold_until": at(8)}, "hold_until"),
        ({"arrival_date": MONDAY - datetime.timedelta(days=1)}, "arrival_date"),
        ({"nights": 0}, "nights"),
        ({"rooms": 11}, "rooms"),
        ({"phone": "12345"}, "phone"),
        ({"title": "dr"}, "title"),
        ({"guest_name": "  "}, "guest_name"),
        ({"source": "radio"}, "source"),
    ],
)
def test_a_booking_with_a_gap_is_refused_and_sells_nothing(people, hotel, clock, change, field):
    with pytest.raises(InvalidInput) as refused:
        king_for_tonight(people, hotel, clock, **change)
    assert field in refused.value.fields
    assert not Reservation.objects.exists()
    assert services.rooms_left(hotel.king.id, [MONDAY]) == 3


def test_the_last_room_is_sold_once(people, hotel, clock):
    services.book_reservation(people.rep, **booking(hotel.suite_rate))
    with pytest.raises(SoldOut) as refused:
        services.book_reservation(people.specialist, **booking(hotel.suite_rate, guest_name="李四", phone="13900139000"))
    assert refused.value.status == 409
    assert "2026-11-23" in str(refused.value.message)
    assert Reservation.objects.count() == 1
    assert RoomNight.objects.get(room_type=hotel.suite, date=MONDAY).sold == 1


def king_rooms_left(*days) -> list[int]:
    king = Room.objects.get(number="801").room_type_id
    return [services.rooms_left(king, [day]) for day in days]


def test_a_room_out_of_order_is_not_sold_until_it_is_back_in_service(people, hotel, clock):
    # Two of the three kings are booked on Tuesday; Monday's night is not opened yet.
    services.book_reservation(people.rep, **booking(hotel.king_rate, arrival_date=TUESDAY, rooms=2, hold_until=at(20, day=TUESDAY)))
    room = hotel.rooms["801"]
    room = services.take_room_out_of_order(people.manager, room.id, version=room.version, reason="  卫生间漏水，待维修 ")
    assert (room.status, room.out_of_order_reason) == (Room.Status.OUT_OF_ORDER, "卫生间漏水，待维修")
    assert king_rooms_left(MONDAY, TUESDAY) == [2, 0]
    with pytest.raises(SoldOut):
        services.book_reservation(people.rep, **booking(hotel.king_rate, arrival_date=TUESDAY, hold_until=at(20, day=TUESDAY)))
    # Nor can the desk give it to a guest.
    with pytest.raises(InvalidInput):
        services.check_in(
            people.rep, walk_in=WalkIn(rate_plan_id=hotel.king_rate.id, nights=1, guest_name="李四", title="mr", phone="13900139000"),
            room_id=room.id, id_type="resident_id", id_number=RESIDENT_ID, deposit_type="cash", deposit="900",
        )

    room = services.return_room_to_service(people.manager, room.id, version=room.version)
    # Repaired, it is sold again, and made up by housekeeping before a guest gets it.
    assert (room.status, room.out_of_order_reason) == (Room.Status.VACANT_DIRTY, "")
    assert king_rooms_left(MONDAY, TUESDAY) == [3, 1]


def test_a_room_is_not_taken_out_of_order_when_a_night_is_fully_booked(people, hotel, clock):
    services.book_reservation(people.rep, **booking(hotel.king_rate, arrival_date=TUESDAY, rooms=3, hold_until=at(20, day=TUESDAY)))
    room = hotel.rooms["802"]
    with pytest.raises(InvalidInput) as refused:
        services.take_room_out_of_order(people.manager, room.id, version=room.version, reason="空调坏了")
    assert "2026-11-24" in str(refused.value.message)
    room.refresh_from_db()
    assert room.status == Room.Status.VACANT_CLEAN and king_rooms_left(TUESDAY) == [0]
    assert RoomNight.objects.get(room_type=hotel.king, date=TUESDAY).total == 3


def test_only_a_vacant_room_goes_out_of_order_and_only_by_hotel_management(people, hotel, clock):
    room = hotel.rooms["802"]
    with pytest.raises(PermissionDenied):
        services.take_room_out_of_order(people.rep, room.id, version=room.version, reason="空调坏了")
    with pytest.raises(InvalidInput) as refused:
        services.take_room_out_of_order(people.manager, room.id, version=room.version, reason="   ")
    assert list(refused.value.fields) == ["reason"]
    check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), room="802")
    with pytest.raises(InvalidInput):
        services.take_room_out_of_order(people.manager, room.id, version=Room.objects.get(id=room.id).version, reason="空调坏了")
    with pytest.raises(StaleVersion):
        services.take_room_out_of_order(people.manager, hotel.rooms["803"].id, version=99, reason="空调坏了")
    assert not Room.objects.filter(status=Room.Status.OUT_OF_ORDER).exists()


def test_a_stay_over_a_full_night_is_refused_as_a_whole(people, hotel, clock):
    services.book_reservation(people.rep, **booking(hotel.suite_rate, arrival_date=TUESDAY, hold_until=at(20, day=TUESDAY)))
    with pytest.raises(SoldOut):
        services.book_reservation(people.rep, **booking(hotel.suite_rate, nights=3))
    # Monday's night, raised before Tuesday's was found full, was given back.
    assert services.rooms_left(hotel.suite.id, [MONDAY]) == 1


def test_an_unconfirmed_booking_is_released_at_its_hold_until_time_once(people, hotel, clock):
    held = king_for_tonight(people, hotel, clock, hold_until=at(18))
    guaranteed = king_for_tonight(people, hotel, clock, guaranteed=True, hold_until=None)
    clock.move_to(at(17, 59))
    assert run_jobs_once()["hotel_release_expired_holds"] == 0
    clock.move_to(at(18, 0))
    assert run_jobs_once()["hotel_release_expired_holds"] == 1
    assert run_jobs_once()["hotel_release_expired_holds"] == 0
    held.refresh_from_db()
    guaranteed.refresh_from_db()
    assert held.state == Reservation.State.RELEASED
    assert guaranteed.state == Reservation.State.GUARANTEED
    assert services.rooms_left(hotel.king.id, [MONDAY]) == 2  # the released room is on sale again


def test_cancelling_is_free_until_24_hours_before_arrival_then_costs_the_first_night(people, hotel, clock):
    wednesday = MONDAY + datetime.timedelta(days=2)
    early = king_for_tonight(people, hotel, clock, arrival_date=wednesday, rooms=2, hold_until=None, guaranteed=True)
    late = king_for_tonight(people, hotel, clock, arrival_date=TUESDAY, hold_until=None, guaranteed=True)
    # Tuesday 18:00 arrival: the free period ended Monday 18:00.
    clock.move_to(at(17, 59))
    assert services.cancel_reservation(people.rep, early.id, version=early.version).cancellation_fee == Decimal("0.00")
    clock.move_to(at(18, 1))
    cancelled = services.cancel_reservation(people.rep, late.id, version=late.version)
    assert cancelled.cancellation_fee == Decimal("455.00")
    assert cancelled.state == Reservation.State.CANCELLED
    assert services.rooms_left(hotel.king.id, [TUESDAY, wednesday]) == 3
    with pytest.raises(StaleVersion):
        services.cancel_reservation(people.rep, late.id, version=late.version)
    with pytest.raises(InvalidInput):
        services.cancel_reservation(people.rep, late.id, version=cancelled.version)


def test_inspectors_read_but_do_not_book(people, hotel, clock):
    assert len(services.availability(people.qa, MONDAY, 1)) == 3
    with pytest.raises(PermissionDenied):
        services.book_reservation(people.qa, **booking(hotel.king_rate))
    with pytest.raises(PermissionDenied):
        services.availability(people.plumber, MONDAY, 1)


# --- 二 check-in ---------------------------------------------------------------------------


def test_check_in_finds_the_booking_by_pinyin_and_opens_the_account(people, hotel, clock):
    reservation = king_for_tonight(people, hotel, clock)
    assert [r.id for r in services.find_reservations(people.rep, q="wangxiaoming")] == [reservation.id]
    assert [r.id for r in services.find_reservations(people.rep, q="王小明")] == [reservation.id]
    assert [r.id for r in services.find_reservations(people.rep, q="0013 8000")] == [reservation.id]
    stay = check_in_booked(people, hotel, reservation, deposit="800")
    assert stay.state == Stay.State.IN_HOUSE
    assert stay.departure_date == TUESDAY
    assert Room.objects.get(number="801").status == Room.Status.OCCUPIED
    assert services.account(stay).deposits == Decimal("800.00")
    reservation.refresh_from_db()
    assert reservation.state == Reservation.State.CHECKED_IN
    assert services.rooms_left(hotel.king.id, [MONDAY]) == 2  # the booking's room, not another one


def test_check_in_refuses_a_room_of_another_type_a_dirty_room_and_a_bad_id(people, hotel, clock):
    reservation = king_for_tonight(people, hotel, clock)
    with pytest.raises(InvalidInput) as refused:
        check_in_booked(people, hotel, reservation, room="401")
    assert "room_id" in refused.value.fields
    Room.objects.filter(number="802").update(status=Room.Status.VACANT_DIRTY)
    with pytest.raises(InvalidInput):
        check_in_booked(people, hotel, reservation, room="802")
    with pytest.raises(InvalidInput) as refused:
        services.check_in(
            people.rep, reservation_id=reservation.id, room_id=hotel.rooms["801"].id, id_type="resident_id",
            id_number="110105194912310021", deposit_type="cash", deposit="800",
        )
    assert "id_number" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        check_in_booked(people, hotel, reservation, deposit=800.5)
    assert "deposit" in refused.value.fields
    assert not Stay.objects.exists()
    assert Room.objects.get(number="801").status == Room.Status.VACANT_CLEAN


def test_a_walk_in_is_sold_the_nights_at_check_in(people, hotel, clock):
    stay = services.check_in(
        people.rep,
        walk_in=WalkIn(rate_plan_id=hotel.suite_rate.id, nights=2, guest_name="Anna Smith", title="ms", phone="+44 20 7946 0958"),
        room_id=hotel.rooms["808"].id, id_type="passport", id_number="C 1234 5678", deposit_type="card_preauth", deposit="2000",
    )
    assert stay.id_number == "C12345678"
    assert services.rooms_left(hotel.suite.id, [MONDAY, TUESDAY]) == 0
    with pytest.raises(SoldOut):
        services.book_reservation(people.rep, **booking(hotel.suite_rate))


def test_two_clerks_giving_the_same_room(people, hotel, clock):
    first = king_for_tonight(people, hotel, clock)
    second = king_for_tonight(people, hotel, clock, guest_name="李四", phone="13900139000")
    check_in_booked(people, hotel, first, room="802")
    with pytest.raises(InvalidInput):  # the room is no longer vacant clean
        check_in_booked(people, hotel, second, room="802")
    assert not isinstance(RoomTaken(), InvalidInput)  # the race itself answers 409 (see test_concurrency)


# --- the folio keeps spending within the prepayment ---------------------------------------


def test_a_charge_over_the_prepayment_is_refused_until_a_supervisor_raises_the_limit(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="500")
    # 500 paid, the night costs 455: 45.00 may be spent.
    services.post_charge(people.rep, stay.id, category="minibar", description="矿泉水", amount="20")
    with pytest.raises(OverLimit) as refused:
        services.post_charge(people.rep, stay.id, category="restaurant", description="晚餐", amount="60.00")
    assert refused.value.status == 422 and "25.00" in str(refused.value.message)
    assert FolioEntry.objects.filter(kind="charge").count() == 1
    with pytest.raises(PermissionDenied):
        services.raise_limit(people.rep, stay.id, version=stay.version, amount="100", reason="熟客")
    stay = services.raise_limit(people.supervisor, stay.id, version=stay.version, amount="100", reason="熟客，经理同意")
    services.post_charge(people.rep, stay.id, category="restaurant", description="晚餐", amount="60.00")
    assert services.account(stay).spending_left == Decimal("65.00")


def test_more_deposit_lets_the_guest_spend_more(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="455")
    with pytest.raises(OverLimit):
        services.post_charge(people.rep, stay.id, category="laundry", description="", amount="30")
    services.take_deposit(people.rep, stay.id, amount="100", method="cash")
    services.post_charge(people.rep, stay.id, category="laundry", description="", amount="30")
    assert services.account(stay).charges == Decimal("30.00")


# --- 四 check-out ---------------------------------------------------------------------------


def check_out(people, stay, *, consumption=(), leaves_now=False, **settle):
    stay = services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=True, guest_leaves_now=leaves_now)
    stay = services.record_room_check(people.rep, stay.id, version=stay.version, consumption=list(consumption))
    return services.settle(people.rep, stay.id, version=stay.version, **settle)


def test_the_seeds_bill_room_455_and_water_20_paid_900_change_425(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="900")
    clock.move_to(at(11, 30, day=TUESDAY))
    with pytest.raises(InvalidInput):
        services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=False)
    stay = check_out(people, stay, consumption=[Consumption("minibar", "矿泉水一瓶", "20")])
    sums = services.account(stay)
    charges = [(e.category, e.amount) for e in stay.entries.all() if e.kind == "charge"]
    assert sorted(charges) == [("minibar", Decimal("20.00")), ("room", Decimal("455.00"))]
    assert (sums.charges, sums.deposits, sums.refunds, sums.balance) == (
        Decimal("475.00"), Decimal("900.00"), Decimal("425.00"), Decimal("0.00"),
    )
    assert stay.state == Stay.State.CHECKED_OUT
    assert Room.objects.get(number="801").status == Room.Status.VACANT_DIRTY


@pytest.mark.parametrize(
    "leaves_at, late_fee", [((12, 0), None), ((15, 30), Decimal("227.50")), ((18, 0), Decimal("455.00"))]
)
def test_late_check_out_half_a_night_until_18_then_a_whole_night(people, hotel, clock, leaves_at, late_fee):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="1000")
    clock.move_to(at(*leaves_at, day=TUESDAY))
    stay = check_out(people, stay)
    late = [e.amount for e in stay.entries.all() if e.category == "late_check_out"]
    assert late == ([late_fee] if late_fee else [])


def test_a_guest_in_a_hurry_with_a_card_is_charged_after_confirming_by_phone(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="900", deposit_type="card_preauth")
    clock.move_to(at(8, 0, day=TUESDAY))
    stay = services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=True, guest_leaves_now=True)
    stay = services.record_room_check(people.rep, stay.id, version=stay.version, consumption=[Consumption("minibar", "水", "20")])
    with pytest.raises(InvalidInput) as refused:
        services.settle(people.rep, stay.id, version=stay.version)
    assert "phone_confirmed" in refused.value.fields
    stay = services.settle(people.rep, stay.id, version=stay.version, phone_confirmed=True)
    assert stay.state == Stay.State.CHECKED_OUT
    released = stay.entries.get(kind="refund")
    assert (released.method, released.amount) == ("card_preauth", Decimal("425.00"))


def test_a_guest_in_a_hurry_with_cash_collects_the_balance_with_the_deposit_slip(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="900")
    clock.move_to(at(8, 0, day=TUESDAY))
    stay = check_out(people, stay, consumption=[Consumption("minibar", "水", "20")], leaves_now=True)
    assert stay.state == Stay.State.REFUND_DUE
    assert services.account(stay).balance == Decimal("425.00")
    assert Room.objects.get(number="801").status == Room.Status.VACANT_DIRTY
    with pytest.raises(InvalidInput):
        services.refund_balance(people.rep, stay.id, version=stay.version, deposit_slip_returned=False)
    clock.move_to(at(16, 0, day=TUESDAY))
    stay = services.refund_balance(people.rep, stay.id, version=stay.version, deposit_slip_returned=True)
    assert stay.state == Stay.State.CHECKED_OUT
    assert services.account(stay).refunds == Decimal("425.00")


def test_a_bill_above_the_deposit_is_paid_at_the_desk(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock), deposit="455")
    clock.move_to(at(10, 0, day=TUESDAY))
    stay = services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=True)
    stay = services.record_room_check(people.rep, stay.id, version=stay.version, consumption=[Consumption("minibar", "水", "20")])
    with pytest.raises(InvalidInput) as refused:
        services.settle(people.rep, stay.id, version=stay.version)
    assert "20.00" in refused.value.fields["payment_method"][0]
    assert not stay.entries.filter(category="room").exists()  # the refused settlement wrote nothing
    stay = services.settle(people.rep, stay.id, version=stay.version, payment_method="cash")
    assert services.account(stay).payments == Decimal("20.00")
    assert services.account(stay).balance == Decimal("0.00")


# --- 三 wake-up calls -----------------------------------------------------------------------


def test_a_wake_up_call_with_a_second_call_4_minutes_later_fires_at_0800_and_0804(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock))
    clock.move_to(at(22, 0))
    calls = services.book_wakeup_call(people.rep, stay.id, time=datetime.time(8, 0), repeat_after_minutes=4)
    assert [c.due_at for c in calls] == [at(8, 0, day=TUESDAY), at(8, 4, day=TUESDAY)]

    def due():
        run_jobs_once()
        return [c.due_at for c in services.wakeup_calls(people.rep, due=True)]

    clock.move_to(at(7, 59, day=TUESDAY))
    assert due() == []
    clock.move_to(at(8, 0, day=TUESDAY))
    assert due() == [at(8, 0, day=TUESDAY)]
    first = services.wakeup_calls(people.rep, due=True).get()
    services.mark_wakeup_call_made(people.rep, first.id, version=first.version)
    clock.move_to(at(8, 3, day=TUESDAY))
    assert due() == []
    clock.move_to(at(8, 4, day=TUESDAY))
    assert due() == [at(8, 4, day=TUESDAY)]
    assert WakeUpCall.objects.get(id=first.id).state == WakeUpCall.State.DONE


def test_wake_up_calls_are_checked_and_cancelled_at_check_out(people, hotel, clock):
    stay = check_in_booked(people, hotel, king_for_tonight(people, hotel, clock))
    for bad in ({"time": datetime.time(8, 0), "date": MONDAY}, {"time": datetime.time(9, 0), "repeat_after_minutes": 0}):
        with pytest.raises(InvalidInput):
            services.book_wakeup_call(people.rep, stay.id, **bad)
    services.book_wakeup_call(people.rep, stay.id, time=datetime.time(7, 0))
    services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=True)
    assert WakeUpCall.objects.get().state == WakeUpCall.State.CANCELLED
