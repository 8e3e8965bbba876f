"""Two clerks book the last room at the same instant, each thread with its own database
connection (so on PostgreSQL, where the race is real); the data must be committed for the other
connection to see it, hence transactional_db. On SQLite the same two bookings run one after the
other (test_services.test_the_last_room_is_sold_once)."""

import pytest
from django.db import connection

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
        lambda: services.book_reservation(people.specialist, **booking(hotel.suite_rate, guest_name="李四", phone="13900139000")),
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
            people.rep, reservation_id=reservation.id, room_id=hotel.rooms["801"].id,
            id_type="resident_id", id_number=RESIDENT_ID, deposit_type="cash", deposit="900",
        )

    results = at_once(give_801(first), give_801(second))
    assert sum(isinstance(r, Stay) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 1 and refused[0].status in (409, 422)
    assert Stay.objects.get().room.number == "801"
    assert Room.objects.get(number="801").status == Room.Status.OCCUPIED
