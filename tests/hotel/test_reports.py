"""The front office's numbers on a small day worked out by hand, and the guest register for the
police registration parsed back from its CSV and Excel files.

The day: room 803 is out of order, so 5 of the 6 rooms can be sold. On Monday 王小明 checks in
to king 801 (455.00, two nights) with 900.00 cash, and 李四 walks in to twin 401 (368.00, one
night) with a 1000.00 card pre-authorisation; 李四 leaves on Tuesday at 10:00.

    night      available  sold  revenue   occupancy  ADR     RevPAR
    Sun 22     5          0     0.00      0.00       0.00    0.00
    Mon 23     5          2     823.00    40.00      411.50  164.60
    Tue 24     5          1     455.00    20.00      455.00  91.00
    November   15         3     1278.00   20.00      426.00  85.20   (the three nights above)
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from frontdesk.core.errors import InvalidInput
from frontdesk.hotel import reports, services
from frontdesk.hotel.models import Room
from tests.conftest import json_of
from tests.hotel.helpers import MONDAY, RESIDENT_ID, at, booking
from tests.workorders.test_views import client_for, text_of

SUNDAY = MONDAY - datetime.timedelta(days=1)
TUESDAY = MONDAY + datetime.timedelta(days=1)
PASSPORT = "E12345678"


def the_day(people, hotel, clock):
    Room.objects.filter(number="803").update(status=Room.Status.OUT_OF_ORDER)
    king = services.book_reservation(people.rep, **booking(hotel.king_rate, nights=2))
    wang = services.check_in(
        people.rep, reservation_id=king.id, room_id=hotel.rooms["801"].id, id_type="resident_id",
        id_number=RESIDENT_ID, deposit_type="cash", deposit="900",
    )
    li = services.check_in(
        people.rep,
        walk_in=services.WalkIn(rate_plan_id=hotel.twin_rate.id, nights=1, guest_name="李四", title="mr", phone="13900139000"),
        room_id=hotel.rooms["401"].id, id_type="passport", id_number=PASSPORT, nationality="US", deposit_type="card_preauth", deposit="1000",
    )
    held = services.book_reservation(people.rep, **booking(hotel.king_rate, guest_name="赵六", phone="13700137000"))
    return wang, li, held


def leave(people, stay):
    stay = services.start_check_out(people.rep, stay.id, version=stay.version, key_card_returned=True)
    stay = services.record_room_check(people.rep, stay.id, version=stay.version, consumption=[])
    return services.settle(people.rep, stay.id, version=stay.version)


def rows(periods):
    return [
        (p.label, p.rooms_available, p.rooms_sold, p.room_revenue, p.occupancy, p.adr, p.revpar) for p in periods
    ]


def test_occupancy_adr_and_revpar_by_night_and_by_month(people, hotel, clock):
    wang, li, _held = the_day(people, hotel, clock)
    clock.move_to(at(10, day=TUESDAY))
    leave(people, li)
    D = Decimal
    assert rows(reports.nightly(people.analyst, SUNDAY, TUESDAY)) == [
        ("2026-11-22", 5, 0, D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        ("2026-11-23", 5, 2, D("823.00"), D("40.00"), D("411.50"), D("164.60")),
        ("2026-11-24", 5, 1, D("455.00"), D("20.00"), D("455.00"), D("91.00")),
    ]
    assert rows(reports.monthly(people.analyst, SUNDAY, TUESDAY)) == [
        ("2026-11", 15, 3, D("1278.00"), D("20.00"), D("426.00"), D("85.20")),
    ]
    month = json_of(
        client_for(people.analyst).get("/api/v1/hotel/reports/performance", {"start": "2026-11-22", "end": "2026-11-24", "by": "month"})
    )
    assert month == [{"period": "2026-11", "rooms_available": 15, "rooms_sold": 3, "room_revenue": "1278.00",
                      "occupancy": "20.00", "adr": "426.00", "revpar": "85.20"}]


def test_a_report_range_backwards_is_refused(people, hotel, clock):
    response = client_for(people.analyst).get("/api/v1/hotel/reports/performance", {"start": "2026-11-24", "end": "2026-11-22"})
    assert response.status_code == 422
    assert json_of(response)["fields"]["end"] == ["The end date is before the start date."]


def test_a_report_at_the_calendars_edge_is_refused_not_a_server_error(people, hotel, clock):
    # Found by the API fuzzer: the night before 0001-01-01 does not exist.
    response = client_for(people.analyst).get("/api/v1/hotel/reports/performance", {"start": "0001-01-01", "end": "0001-01-02"})
    assert response.status_code == 422
    assert list(json_of(response)["fields"]) == ["start"]


def test_arrivals_in_house_departures_and_deposits_held(people, hotel, clock):
    wang, li, held = the_day(people, hotel, clock)
    services.take_deposit(people.rep, wang.id, amount="200", method="card_preauth")
    today = reports.today_lists(people.rep)
    assert [r.guest_name for r in today.arrivals] == ["王小明", "赵六"]
    assert [s.guest_name for s in today.walk_ins] == ["李四"]
    assert [s.room.number for s in today.in_house] == ["401", "801"]
    assert today.departures == []
    deposits = reports.deposits_held(people.rep)
    assert {r.stay.room.number: r.held for r in deposits.rows} == {"401": Decimal("1000.00"), "801": Decimal("1100.00")}
    assert deposits.by_method == {"card_preauth": Decimal("1200.00"), "cash": Decimal("900.00")}
    assert deposits.total == Decimal("2100.00")

    clock.move_to(at(10, day=TUESDAY))
    leave(people, li)  # the card pre-authorisation is released: nothing held for 401 any more
    today = reports.today_lists(people.rep)
    assert [s.room.number for s in today.departures] == ["401"]
    assert reports.deposits_held(people.rep).total == Decimal("1100.00")
    page = text_of(client_for(people.rep).get("/hotel/reports/"))
    assert "Departures today" in page and "1100.00" in page and "RevPAR" in page


def test_the_guest_register_export_masks_id_numbers_below_a_manager(people, hotel, clock):
    the_day(people, hotel, clock)
    query = {"start": "2026-11-23", "end": "2026-11-23"}
    csv_file = client_for(people.manager).get("/hotel/reports/guest-register.csv", query)
    assert csv_file["Content-Type"].startswith("text/csv")
    assert csv_file.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert table[0] == ["Guest name", "Nationality", "ID document", "ID number", "Room", "Arrival", "Departure", "Checked in"]
    assert table[1] == ["王小明", "China", "Resident identity card", RESIDENT_ID, "801", "2026-11-23", "2026-11-25", "2026-11-23 09:00"]
    assert table[2][:5] == ["李四", "United States", "Passport", PASSPORT, "401"]

    xlsx = client_for(people.rep).get("/hotel/reports/guest-register.xlsx", query)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:5] == ["王小明", "China", "Resident identity card", "110***********002X", "801"]
    assert RESIDENT_ID not in str(values) and PASSPORT not in str(values)
    api = json_of(client_for(people.rep).get("/api/v1/hotel/reports/guest-register", query))
    assert [row["id_number"] for row in api] == ["110***********002X", values[2][3]]
    assert [row["nationality"] for row in api] == ["China", "United States"]
    assert client_for(people.plumber).get("/hotel/reports/guest-register.csv", query).status_code == 403


def test_an_unknown_nationality_is_refused_at_check_in(people, hotel, clock):
    with pytest.raises(InvalidInput) as refused:
        services.check_in(
            people.rep,
            walk_in=services.WalkIn(rate_plan_id=hotel.twin_rate.id, nights=1, guest_name="李四", title="mr", phone="13900139000"),
            room_id=hotel.rooms["401"].id, id_type="passport", id_number=PASSPORT, nationality="XX", deposit_type="cash", deposit="500",
        )
    assert list(refused.value.fields) == ["nationality"]
    assert not Room.objects.filter(status=Room.Status.OCCUPIED).exists()
