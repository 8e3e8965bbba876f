"""A small hotel for the tests, set up through the services as a manager would: a suite (808),
three king rooms (801-803) and two twins (401-402), one rate per type. The king room costs
455.00 a night, as in the seed's bill (000 第四篇 四.4)."""

import datetime
from dataclasses import dataclass

from frontdesk.hotel import services
from frontdesk.hotel.models import RatePlan, Room, RoomType
from tests.conftest import SHANGHAI

MONDAY = datetime.date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: datetime.date = MONDAY) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class Hotel:
    suite: RoomType
    king: RoomType
    twin: RoomType
    suite_rate: RatePlan
    king_rate: RatePlan
    twin_rate: RatePlan
    rooms: dict[str, Room]


def build_hotel(manager, *, suites: int = 1, kings: int = 3, twins: int = 2) -> Hotel:
    def room_type(code, hans, hant, en, facilities, view):
        return services.create_room_type(
            manager, code=code, name_zh_hans=hans, name_zh_hant=hant, name_en=en, facilities=facilities, view=view
        )

    suite = room_type("suite", "套房", "套房", "Suite", "客厅、浴缸、迷你吧", "river")
    king = room_type("king", "大床房", "大床房", "King room", "1.8米大床、迷你吧", "river")
    twin = room_type("twin", "标准间", "標準間", "Twin room", "两张1.2米床", "city")
    rates = {}
    for kind, price in ((suite, "888.00"), (king, "455.00"), (twin, "368.00")):
        rates[kind.code] = services.create_rate_plan(
            manager, room_type_id=kind.id, code=f"{kind.code}-rack", name="门市价", price=price, free_cancellation_hours=24
        )
    # Kings 801-803 and twins 401-402 numbered up from 01; suites down from 808 (the seed's
    # "8樓的808房間, 面朝江水").
    numbers = [(king, 8, f"8{i:02d}") for i in range(1, kings + 1)]
    numbers += [(twin, 4, f"4{i:02d}") for i in range(1, twins + 1)]
    numbers += [(suite, 8, f"8{9 - i:02d}") for i in range(1, suites + 1)]
    rooms = {
        number: services.create_room(manager, number=number, floor=floor, room_type_id=kind.id)
        for kind, floor, number in numbers
    }
    return Hotel(suite, king, twin, rates["suite"], rates["king"], rates["twin"], rooms)


def booking(rate_plan, **overrides) -> dict:
    values = {
        "rate_plan_id": rate_plan.id,
        "arrival_date": MONDAY,
        "arrival_time": datetime.time(18, 0),
        "nights": 1,
        "rooms": 1,
        "guest_name": "王小明",
        "title": "mr",
        "phone": "13800138000",
        "special_requests": "无烟，朝江",
        "hold_until": at(20),
        "source": "website",
    }
    values.update(overrides)
    return values


RESIDENT_ID = "11010519491231002X"  # a valid GB 11643 number (the standard's own example)


def matrix_targets(people) -> dict:
    """The hotel's rows of tests/test_permissions_matrix.py: a reservation held for tomorrow, a
    walk-in in house in a twin room with a wake-up call booked, a vacant twin to check into.
    Runs on the real clock (the matrix does not freeze it), so dates are relative to today."""
    from frontdesk.core import clock

    hotel = build_hotel(people.manager)
    tomorrow = clock.today() + datetime.timedelta(days=1)
    reservation = services.book_reservation(
        people.rep, **booking(hotel.king_rate, arrival_date=tomorrow, hold_until=None, guaranteed=True)
    )
    stay = services.check_in(
        people.rep,
        walk_in=services.WalkIn(rate_plan_id=hotel.twin_rate.id, nights=1, guest_name="李四", title="mr", phone="13900139000"),
        room_id=hotel.rooms["401"].id, id_type="resident_id", id_number=RESIDENT_ID, deposit_type="cash", deposit="1000",
    )
    call = services.book_wakeup_call(people.rep, stay.id, time=datetime.time(7, 0))[0]
    return {
        "tomorrow": tomorrow.isoformat(),
        "king_rate_id": hotel.king_rate.id,
        "vacant_twin_id": hotel.rooms["402"].id,
        "reservation_id": reservation.id,
        "reservation_version": reservation.version,
        "stay_id": stay.id,
        "stay_version": stay.version,
        "wakeup_call_id": call.id,
        "wakeup_call_version": call.version,
    }
