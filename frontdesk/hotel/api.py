"""The hotel front-desk API under /api/v1/hotel/. Each handler parses, calls one operation of
services.py and presents the result; who may do what is decided there. Amounts go in as text
("900.00"; a JSON number with a fraction is refused) and come out as text with two decimals."""

import datetime
from typing import Any

from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from frontdesk.core.pagination import keyset_page
from frontdesk.core.schemas import PageQuery, StrictIn, page_limit
from frontdesk.hotel import presenters, reports, services
from frontdesk.hotel.models import FolioEntry, Reservation, Stay

router = Router(tags=["hotel"])

Amount = str | int | float  # parsed by the service, which refuses floats with a clear message


# --- input ----------------------------------------------------------------------------------


class AvailabilityQuery(StrictIn):
    date: datetime.date | None = Field(None, description="the arrival date; default today")
    nights: int = 1


class ReservationIn(StrictIn):
    rate_plan_id: int
    arrival_date: datetime.date
    arrival_time: datetime.time
    nights: int = Field(ge=1)
    rooms: int = Field(1, ge=1)
    guest_name: str = Field(max_length=100)
    title: Reservation.Title
    phone: str = Field(max_length=40)
    special_requests: str = Field("", max_length=500)
    hold_until: datetime.datetime | None = None
    guaranteed: bool = False
    source: Reservation.Source | None = None
    customer_id: int | None = None


class ReservationQuery(PageQuery):
    date: datetime.date | None = None
    q: str = Field("", max_length=100)
    state: Reservation.State | None = None


class VersionIn(StrictIn):
    version: int


class WalkInIn(StrictIn):
    rate_plan_id: int
    nights: int = Field(ge=1)
    guest_name: str = Field(max_length=100)
    title: Reservation.Title
    phone: str = Field(max_length=40)
    customer_id: int | None = None


class CheckInIn(StrictIn):
    reservation_id: int | None = None
    walk_in: WalkInIn | None = None
    room_id: int
    id_type: Stay.IdType
    id_number: str = Field(max_length=40)
    nationality: str = Field("CN", max_length=2, description="the guest's country, as a region code (CN, US, JP ...)")
    deposit_type: Stay.DepositType
    deposit: Amount


class StayQuery(PageQuery):
    state: Stay.State | None = None
    q: str = Field("", max_length=100)


class ChargeIn(StrictIn):
    category: FolioEntry.Category
    description: str = Field("", max_length=100)
    amount: Amount


class DepositIn(StrictIn):
    amount: Amount
    method: Stay.DepositType


class LimitIn(StrictIn):
    version: int
    amount: Amount
    reason: str = Field(max_length=200)


class CheckOutIn(StrictIn):
    version: int
    key_card_returned: bool
    guest_leaves_now: bool = False


class ConsumptionIn(StrictIn):
    category: FolioEntry.Category
    description: str = Field("", max_length=100)
    amount: Amount


class RoomCheckIn(StrictIn):
    version: int
    consumption: list[ConsumptionIn] = Field([], max_length=50)


class SettleIn(StrictIn):
    version: int
    phone_confirmed: bool = False
    payment_method: Stay.DepositType | None = None


class RefundIn(StrictIn):
    version: int
    deposit_slip_returned: bool


class WakeUpIn(StrictIn):
    stay_id: int
    time: datetime.time
    date: datetime.date | None = None
    repeat_after_minutes: int | None = None


class WakeUpQuery(StrictIn):
    due: bool = False


# --- output ---------------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    code: str
    name: str


class StaffOut(Schema):
    id: int
    name: str
    staff_number: str


class RoomTypeOut(Schema):
    id: int
    code: str
    name: str
    facilities: str
    view: str
    view_name: str
    smoking: bool


class RoomOut(Schema):
    id: int
    number: str
    floor: int
    room_type: RefOut
    status: str
    status_name: str
    out_of_order_reason: str
    version: int


class RatePlanRef(Schema):
    id: int
    code: str
    name: str


class OfferOut(Schema):
    room_type: RoomTypeOut
    rate_plan: RatePlanRef
    price: str
    rooms_left: int
    policy: str


class ReservationOut(Schema):
    id: int
    number: str
    customer_id: int
    guest_name: str
    title: str
    addressed_as: str
    phone: str
    room_type: RefOut
    rate_plan_id: int
    price: str
    rooms: int
    arrival_date: datetime.date
    arrival_time: datetime.time
    nights: int
    special_requests: str
    hold_until: datetime.datetime | None
    source: str
    state: str
    state_name: str
    policy: str
    cancellation_fee: str | None
    booked_by: StaffOut
    staff_number: str = Field(description="the clerk's staff number, given to the caller")
    created_at: datetime.datetime
    read_back: str
    version: int


class ReservationPage(Schema):
    items: list[ReservationOut]
    next_cursor: str | None


class EntryOut(Schema):
    id: int
    kind: str
    kind_name: str
    category: str
    category_name: str
    method: str
    description: str
    amount: str
    posted_at: datetime.datetime
    posted_by: StaffOut


class FolioOut(Schema):
    entries: list[EntryOut]
    charges: list[EntryOut]
    total_charges: str
    deposits: str
    payments: str
    refunded: str
    balance: str
    extra_credit: str
    spending_left: str


class RoomRef(Schema):
    id: int
    number: str
    floor: int


class StayOut(Schema):
    id: int
    reservation_id: int | None
    reservation_number: str | None
    customer_id: int
    guest_name: str
    title: str
    addressed_as: str
    id_type: str
    id_type_name: str
    id_number: str
    room: RoomRef
    room_type: RefOut
    price: str
    arrival_date: datetime.date
    departure_date: datetime.date
    deposit_type: str
    deposit_type_name: str
    state: str
    state_name: str
    checked_in_at: datetime.datetime
    checked_in_by: StaffOut
    key_returned_at: datetime.datetime | None
    left_before_room_check: bool
    room_checked_at: datetime.datetime | None
    settled_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    folio: FolioOut
    version: int
    deposit_slip_url: str
    bill_url: str


class StayPage(Schema):
    items: list[StayOut]
    next_cursor: str | None


class WakeUpOut(Schema):
    id: int
    stay_id: int
    room: str
    guest: str
    due_at: datetime.datetime
    second_call: bool
    state: str
    state_name: str
    fired_at: datetime.datetime | None
    done_at: datetime.datetime | None
    version: int


class WakeUpBooked(Schema):
    calls: list[WakeUpOut]
    read_back: str


def _stay(stay, viewer) -> dict:
    data = presenters.stay(stay, viewer)
    data["deposit_slip_url"] = reverse("hotel_deposit_slip", args=[stay.id])
    data["bill_url"] = reverse("hotel_bill", args=[stay.id])
    return data


# --- rooms and rates ------------------------------------------------------------------------


@router.get("/room-types", response=list[RoomTypeOut], summary="Room types with facilities, view and smoking")
def list_room_types(request):
    return [presenters.room_type(t) for t in services.room_types(request.auth)]


@router.get("/rooms", response=list[RoomOut], summary="The room-status board")
def list_rooms(request, status: str | None = None):
    return [presenters.room(r) for r in services.rooms(request.auth, status)]


@router.get("/availability", response=list[OfferOut], summary="Rates offered for the nights, highest price first")
def availability(request, filters: Query[AvailabilityQuery]):
    return [presenters.offer(o) for o in services.availability(request.auth, filters.date, filters.nights)]


# --- reservations ---------------------------------------------------------------------------


@router.post("/reservations", response={201: ReservationOut}, summary="Book on the phone")
def book_reservation(request, payload: ReservationIn):
    values: dict[str, Any] = payload.dict()
    values["source"] = values["source"] or ""
    reservation = services.book_reservation(request.auth, **values)
    return Status(201, presenters.reservation(services.get_reservation(request.auth, reservation.id), request.auth))


@router.get("/reservations", response=ReservationPage, summary="Reservations by arrival date, name, pinyin or phone")
def list_reservations(request, filters: Query[ReservationQuery]):
    found = services.find_reservations(request.auth, q=filters.q, arrival_date=filters.date, state=filters.state)
    items, next_cursor = keyset_page(found, filters.cursor, page_limit(filters.limit))
    return {"items": [presenters.reservation(r, request.auth) for r in items], "next_cursor": next_cursor}


@router.get("/reservations/{reservation_id}", response=ReservationOut, summary="One reservation, read back")
def get_reservation(request, reservation_id: int):
    return presenters.reservation(services.get_reservation(request.auth, reservation_id), request.auth)


@router.post("/reservations/{reservation_id}/cancel", response=ReservationOut, summary="Cancel under the policy")
def cancel_reservation(request, reservation_id: int, payload: VersionIn):
    reservation = services.cancel_reservation(request.auth, reservation_id, version=payload.version)
    return presenters.reservation(services.get_reservation(request.auth, reservation.id), request.auth)


# --- stays ----------------------------------------------------------------------------------


@router.post("/stays", response={201: StayOut}, summary="Check a guest in (reservation or walk-in)")
def check_in(request, payload: CheckInIn):
    walk_in = services.WalkIn(**payload.walk_in.dict()) if payload.walk_in else None
    stay = services.check_in(
        request.auth,
        reservation_id=payload.reservation_id,
        walk_in=walk_in,
        room_id=payload.room_id,
        id_type=payload.id_type,
        id_number=payload.id_number,
        nationality=payload.nationality,
        deposit_type=payload.deposit_type,
        deposit=payload.deposit,
    )
    return Status(201, _stay(stay, request.auth))


@router.get("/stays", response=StayPage, summary="Stays: in house, checking out, settled")
def list_stays(request, filters: Query[StayQuery]):
    found = services.find_stays(request.auth, state=filters.state, q=filters.q)
    items, next_cursor = keyset_page(found, filters.cursor, page_limit(filters.limit))
    return {"items": [_stay(s, request.auth) for s in items], "next_cursor": next_cursor}


@router.get("/stays/{stay_id}", response=StayOut, summary="One stay with its guest account")
def get_stay(request, stay_id: int):
    return _stay(services.get_stay(request.auth, stay_id), request.auth)


@router.post("/stays/{stay_id}/charges", response={201: StayOut}, summary="Post a charge within the prepayment")
def post_charge(request, stay_id: int, payload: ChargeIn):
    services.post_charge(request.auth, stay_id, category=payload.category, description=payload.description, amount=payload.amount)
    return Status(201, _stay(services.get_stay(request.auth, stay_id), request.auth))


@router.post("/stays/{stay_id}/deposits", response={201: StayOut}, summary="Take more deposit")
def take_deposit(request, stay_id: int, payload: DepositIn):
    services.take_deposit(request.auth, stay_id, amount=payload.amount, method=payload.method)
    return Status(201, _stay(services.get_stay(request.auth, stay_id), request.auth))


@router.post("/stays/{stay_id}/limit", response=StayOut, summary="A supervisor raises the spending limit")
def raise_limit(request, stay_id: int, payload: LimitIn):
    stay = services.raise_limit(request.auth, stay_id, version=payload.version, amount=payload.amount, reason=payload.reason)
    return _stay(stay, request.auth)


@router.post("/stays/{stay_id}/check-out", response=StayOut, summary="Key card back; housekeeping checks the room")
def start_check_out(request, stay_id: int, payload: CheckOutIn):
    stay = services.start_check_out(
        request.auth,
        stay_id,
        version=payload.version,
        key_card_returned=payload.key_card_returned,
        guest_leaves_now=payload.guest_leaves_now,
    )
    return _stay(stay, request.auth)


@router.post("/stays/{stay_id}/room-check", response=StayOut, summary="Housekeeping's report: consumption posted")
def record_room_check(request, stay_id: int, payload: RoomCheckIn):
    consumption = [services.Consumption(**item.dict()) for item in payload.consumption]
    stay = services.record_room_check(request.auth, stay_id, version=payload.version, consumption=consumption)
    return _stay(stay, request.auth)


@router.post("/stays/{stay_id}/settle", response=StayOut, summary="Settle the bill and give back the balance")
def settle(request, stay_id: int, payload: SettleIn):
    stay = services.settle(
        request.auth,
        stay_id,
        version=payload.version,
        phone_confirmed=payload.phone_confirmed,
        payment_method=payload.payment_method or "",
    )
    return _stay(stay, request.auth)


@router.post("/stays/{stay_id}/refund", response=StayOut, summary="Pay out the balance against the deposit slip")
def refund_balance(request, stay_id: int, payload: RefundIn):
    stay = services.refund_balance(
        request.auth, stay_id, version=payload.version, deposit_slip_returned=payload.deposit_slip_returned
    )
    return _stay(stay, request.auth)


# --- wake-up calls --------------------------------------------------------------------------


@router.post("/wakeup-calls", response={201: WakeUpBooked}, summary="Book a wake-up call (and a second one)")
def book_wakeup_call(request, payload: WakeUpIn):
    calls = services.book_wakeup_call(
        request.auth, payload.stay_id, time=payload.time, date=payload.date, repeat_after_minutes=payload.repeat_after_minutes
    )
    return Status(201, {"calls": [presenters.wakeup_call(c) for c in calls], "read_back": presenters.wakeup_read_back(calls)})


@router.get("/wakeup-calls", response=list[WakeUpOut], summary="Wake-up calls; due=1: the calls to make now")
def list_wakeup_calls(request, filters: Query[WakeUpQuery]):
    return [presenters.wakeup_call(c) for c in services.wakeup_calls(request.auth, due=filters.due)]


@router.post("/wakeup-calls/{wakeup_call_id}/done", response=WakeUpOut, summary="The desk made the call")
def mark_wakeup_call_made(request, wakeup_call_id: int, payload: VersionIn):
    return presenters.wakeup_call(services.mark_wakeup_call_made(request.auth, wakeup_call_id, version=payload.version))


# --- housekeeping and reports (the desk screens' operations) ---------------------------------


@router.post("/rooms/{room_id}/clean", response=RoomOut, summary="Housekeeping made up a vacant dirty room")
def mark_room_clean(request, room_id: int, payload: VersionIn):
    return presenters.room(services.mark_room_clean(request.auth, room_id, version=payload.version))


class OutOfOrderIn(StrictIn):
    version: int
    reason: str = Field(max_length=200)


@router.post("/rooms/{room_id}/out-of-order", response=RoomOut, summary="Take a vacant room out of sale")
def take_room_out_of_order(request, room_id: int, payload: OutOfOrderIn):
    return presenters.room(
        services.take_room_out_of_order(request.auth, room_id, version=payload.version, reason=payload.reason)
    )


@router.post("/rooms/{room_id}/back-in-service", response=RoomOut, summary="Sell a repaired room again")
def return_room_to_service(request, room_id: int, payload: VersionIn):
    return presenters.room(services.return_room_to_service(request.auth, room_id, version=payload.version))


class TodayOut(Schema):
    date: datetime.date
    arrivals: list[ReservationOut]
    walk_ins: list[StayOut]
    in_house: list[StayOut]
    departures: list[StayOut]


class PeriodOut(Schema):
    period: str = Field(description="YYYY-MM-DD for a night, YYYY-MM for a month")
    rooms_available: int
    rooms_sold: int
    room_revenue: str
    occupancy: str = Field(description="rooms sold / rooms available, percent with two decimals")
    adr: str = Field(description="room revenue / rooms sold, yuan")
    revpar: str = Field(description="room revenue / rooms available, yuan")


class PerformanceQuery(StrictIn):
    start: datetime.date
    end: datetime.date
    by: str = Field("day", pattern="^(day|month)$")


class HeldOut(Schema):
    stay_id: int
    room: str
    guest_name: str
    deposit_type: str
    state: str
    held: str


class DepositsOut(Schema):
    items: list[HeldOut]
    card_preauth: str
    cash: str
    total: str


class RegisterQuery(StrictIn):
    start: datetime.date
    end: datetime.date


class RegisterRowOut(Schema):
    guest_name: str
    nationality: str
    id_type: str
    id_number: str
    room: str
    arrival: str
    departure: str
    checked_in: str


@router.get("/reports/today", response=TodayOut, summary="Arrivals, in-house guests and departures today")
def report_today(request):
    today = reports.today_lists(request.auth)
    return {
        "date": today.day,
        "arrivals": [presenters.reservation(r, request.auth) for r in today.arrivals],
        "walk_ins": [_stay(s, request.auth) for s in today.walk_ins],
        "in_house": [_stay(s, request.auth) for s in today.in_house],
        "departures": [_stay(s, request.auth) for s in today.departures],
    }


@router.get("/reports/performance", response=list[PeriodOut], summary="Occupancy, ADR and RevPAR by day or month")
def report_performance(request, filters: Query[PerformanceQuery]):
    build = reports.monthly if filters.by == "month" else reports.nightly
    return [reports.period_row(p) for p in build(request.auth, filters.start, filters.end)]


@router.get("/reports/deposits", response=DepositsOut, summary="Deposits held for guests not yet settled")
def report_deposits(request):
    held = reports.deposits_held(request.auth)
    return {
        "items": [
            {
                "stay_id": row.stay.id, "room": row.stay.room.number, "guest_name": row.stay.guest_name,
                "deposit_type": row.stay.deposit_type, "state": row.stay.state, "held": presenters.money(row.held),
            }
            for row in held.rows
        ],
        "card_preauth": presenters.money(held.by_method[Stay.DepositType.CARD_PREAUTH]),
        "cash": presenters.money(held.by_method[Stay.DepositType.CASH]),
        "total": presenters.money(held.total),
    }


@router.get("/reports/guest-register", response=list[RegisterRowOut], summary="The guest register for the police registration")
def report_guest_register(request, filters: Query[RegisterQuery]):
    rows = reports.guest_register(request.auth, filters.start, filters.end)
    next(rows)  # the header is for the files
    keys = list(RegisterRowOut.model_fields)
    return [dict(zip(keys, row)) for row in rows]


# --- in-stay services (seed 三): messages, valuables, the switchboard ---------------------------


class MessageIn(StrictIn):
    sender: str = Field(max_length=100)
    text: str = Field(max_length=1000)


class MessageQuery(StrictIn):
    stay_id: int | None = None
    waiting: bool = False


class MessageOut(Schema):
    id: int
    stay_id: int
    room: str
    guest: str
    sender: str
    text: str
    taken_at: datetime.datetime
    taken_by: StaffOut
    delivered: bool
    delivered_at: datetime.datetime | None
    delivered_by: StaffOut | None
    version: int


class ValuablesIn(StrictIn):
    box_number: str = Field(max_length=20)
    items: str = Field(max_length=500)
    guest_signed: bool


class WithdrawIn(StrictIn):
    version: int
    guest_signed: bool


class ValuablesQuery(StrictIn):
    stay_id: int | None = None
    held: bool = False


class ValuablesOut(Schema):
    id: int
    stay_id: int
    room: str
    box_number: str
    items: str
    deposited_at: datetime.datetime
    deposited_by: StaffOut
    deposit_signed: bool
    held: bool
    withdrawn_at: datetime.datetime | None
    withdrawn_by: StaffOut | None
    withdrawal_signed: bool
    version: int


class DirectoryIn(StrictIn):
    name: str = Field(max_length=100)
    phone: str = Field(max_length=40)
    note: str = Field("", max_length=200)


class DirectoryPatch(StrictIn):
    version: int
    name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=200)


class DirectoryOut(Schema):
    id: int
    name: str
    phone: str
    phone_e164: str
    note: str
    version: int


class LookupQuery(StrictIn):
    q: str = Field("", max_length=100)


class DiallingCodeOut(Schema):
    kind: str = Field(description="country or area")
    code: str = Field(description="+81 for a country, 0755 for a Chinese area")
    region: str
    name: str


@router.get("/messages", response=list[MessageOut], summary="Messages for guests; waiting=1: not yet delivered")
def list_messages(request, filters: Query[MessageQuery]):
    found = services.guest_messages(request.auth, stay_id=filters.stay_id, waiting=filters.waiting)
    return [presenters.guest_message(m) for m in found]


@router.post("/stays/{stay_id}/messages", response={201: MessageOut}, summary="Take a message for a guest")
def take_message(request, stay_id: int, payload: MessageIn):
    return Status(201, presenters.guest_message(services.take_message(request.auth, stay_id, **payload.dict())))


@router.post("/messages/{message_id}/delivered", response=MessageOut, summary="The guest has the message")
def deliver_message(request, message_id: int, payload: VersionIn):
    return presenters.guest_message(services.deliver_message(request.auth, message_id, version=payload.version))


@router.get("/valuables", response=list[ValuablesOut], summary="Valuables deposits; held=1: boxes still in use")
def list_valuables(request, filters: Query[ValuablesQuery]):
    found = services.valuables(request.auth, stay_id=filters.stay_id, held=filters.held)
    return [presenters.valuables_deposit(d) for d in found]


@router.post("/stays/{stay_id}/valuables", response={201: ValuablesOut}, summary="Put a guest's valuables in a box")
def deposit_valuables(request, stay_id: int, payload: ValuablesIn):
    return Status(201, presenters.valuables_deposit(services.deposit_valuables(request.auth, stay_id, **payload.dict())))


@router.post("/valuables/{deposit_id}/withdraw", response=ValuablesOut, summary="Give the valuables back")
def withdraw_valuables(request, deposit_id: int, payload: WithdrawIn):
    deposit = services.withdraw_valuables(request.auth, deposit_id, **payload.dict())
    return presenters.valuables_deposit(deposit)


@router.get("/directory", response=list[DirectoryOut], summary="The switchboard's directory of local offices")
def list_directory(request, filters: Query[LookupQuery]):
    return [presenters.directory_entry(e) for e in services.directory(request.auth, filters.q)]


@router.post("/directory", response={201: DirectoryOut}, summary="Add a local office's number")
def add_directory_entry(request, payload: DirectoryIn):
    return Status(201, presenters.directory_entry(services.add_directory_entry(request.auth, **payload.dict())))


@router.patch("/directory/{entry_id}", response=DirectoryOut, summary="Change a directory entry")
def update_directory_entry(request, entry_id: int, payload: DirectoryPatch):
    entry = services.update_directory_entry(request.auth, entry_id, **payload.dict())
    return presenters.directory_entry(entry)


@router.get("/dialling-codes", response=list[DiallingCodeOut], summary="Country calling codes and Chinese area codes")
def dialling_codes(request, filters: Query[LookupQuery]):
    return [presenters.dialling_code(c) for c in services.dialling_codes(request.auth, filters.q)]
