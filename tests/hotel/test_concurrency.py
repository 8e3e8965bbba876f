"""Two clerks book the last room at the same instant, each thread with its own database
connection (so on PostgreSQL, where the race is real); the data must be committed for the other
connection to see it, hence transactional_db. On SQLite the same two bookings run one after the
other (test_services.test_the_last_room_is_sold_once)."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from frontdesk.core.errors import ServiceError
from frontdesk.hotel import services
from frontdesk.hotel.models import Reservation, Room, RoomNight, Stay
from tests.hotel.helpers import MONDAY, RESIDENT_ID, booking, build_hotel
from tests.workorders.test_concurrency import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's in-memory test database serialises threads; the race needs a server"
)


def test_two_clerks_booking_the_last_room_at_the_same_instant(transactional_db, people, clock):
    hotel = build_hotel(people.manager)
    results = at_once(
        lambda: services.book_reservation(people.rep, **booking(hotel.suite_rate)),
        lambda: services.book_reservation(
            people.specialist, **booking(hotel.suite_rate, guest_name="李四", phone="13900139000")
        ),
    )
    booked = [r for r in results if isinstance(r, Reservation)]
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert (refused[0].status, refused[0].code) == (409, "sold_out")
    assert Reservation.objects.count() == 1
    assert RoomNight.objects.get(room_type=hotel.suite, date=MONDAY).sold == 1


def test_two_clerks_giving_the_same_room_at_the_same_instant(transactional_db, people, clock):
    hotel = build_hotel(people.manager)
    first = services.book_reservation(people.rep, **booking(hotel.king_rate))
    second = services.book_reservation(people.rep, **booking(hotel.king_rate, guest_name="李四", phone="13900139000"))

    def give_801(reservation):
        return lambda: services.check_in(
            people.rep,
            reservation_id=reservation.id,
            room_id=hotel.rooms["801"].id,
            id_type="resident_id",
            id_number=RESIDENT_ID,
            deposit_type="cash",
            deposit="900",
        )

    results = at_once(give_801(first), give_801(second))
    assert sum(isinstance(r, Stay) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 1 and refused[0].status in (409, 422)
    assert Stay.objects.get().room.number == "801"
    assert Room.objects.get(number="801").status == Room.Status.OCCUPIED


def test_a_booking_waits_for_a_room_going_out_of_order_before_counting_the_rooms(transactional_db, people, clock):
    """The room goes out of order in a transaction that stays open while a clerk books all three
    kings for a night nobody has booked yet. The booking must wait for it and count two rooms,
    not open the night with three and oversell it once the room is out."""
    hotel = build_hotel(people.manager)
    tuesday = MONDAY + datetime.timedelta(days=1)
    room = hotel.rooms["801"]
    out_of_order, booking_done, results = threading.Event(), threading.Event(), {}

    def manager():
        try:
            with transaction.atomic():
                services.take_room_out_of_order(people.manager, room.id, version=room.version, reason="空调坏了")
                out_of_order.set()
                # Commit only once the booking has finished, or is waiting for a lock we hold.
                while not booking_done.is_set() and not _someone_waits_for_a_lock():
                    booking_done.wait(0.02)
        except BaseException as failure:  # noqa: BLE001 - shown by the assertion below
            results["manager"] = failure
            raise
        finally:
            connections.close_all()

    def clerk():
        try:
            out_of_order.wait(30)
            results["booking"] = services.book_reservation(
                people.rep, **booking(hotel.king_rate, arrival_date=tuesday, rooms=3, hold_until=None, guaranteed=True)
            )
        except ServiceError as refused:
            results["booking"] = refused
        finally:
            booking_done.set()
            connections.close_all()

    threads = [threading.Thread(target=manager), threading.Thread(target=clerk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert "manager" not in results, results
    assert isinstance(results["booking"], ServiceError) and results["booking"].code == "sold_out", results
    assert Room.objects.get(id=room.id).status == Room.Status.OUT_OF_ORDER
    assert not RoomNight.objects.filter(room_type=hotel.king, date=tuesday, sold__gt=0).exists()


def _someone_waits_for_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        # Within a transaction PostgreSQL keeps showing the activity it first saw: clear that.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0
