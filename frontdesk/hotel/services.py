"""The hotel front desk (seed 000 第四篇): the only code that changes rooms, reservations,
stays, guest accounts and wake-up calls. The API, the pages and the worker call it.

Each operation checks who may do it, validates everything before it writes, writes in one
transaction and appends an audit event. Updates carry the version the client saw (409 when
stale). Rooms are sold through the per-night inventory (RoomNight) with a conditional UPDATE,
so the last room is sold once however many clerks press "book" at the same moment.
"""

import datetime
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontdesk.accounts.roles import Capability
from frontdesk.accounts.services import authorize
from frontdesk.audit.services import record_event
from frontdesk.core import clock
from frontdesk.core.changes import claim_version
from frontdesk.core.errors import InvalidInput, NotFound, ServiceError, StaleVersion, check_model, field_error
from frontdesk.core.idnumbers import validate_resident_id
from frontdesk.core.phones import national_digits, normalise_phone
from frontdesk.core.text import clean_query, search_key
from frontdesk.customers.models import Customer
from frontdesk.customers.services import ContactInput, create_customer, get_customer, search_customers
from frontdesk.hotel import dialling, policy
from frontdesk.hotel.models import (
    DirectoryEntry,
    FolioEntry,
    GuestMessage,
    RatePlan,
    Reservation,
    Room,
    RoomNight,
    RoomType,
    Stay,
    ValuablesDeposit,
    WakeUpCall,
)

C = Capability
OPEN_RESERVATION = (Reservation.State.HELD, Reservation.State.GUARANTEED)
STAYING = (Stay.State.IN_HOUSE, Stay.State.CHECKING_OUT)


class SoldOut(ServiceError):
    status = 409
    code = "sold_out"
    default_message = gettext_lazy("No room of this type is left for these nights.")


class RoomTaken(ServiceError):
    status = 409
    code = "room_taken"
    default_message = gettext_lazy("This room was just given to another guest; choose another room.")


class OverLimit(ServiceError):
    status = 422
    code = "over_limit"
    default_message = gettext_lazy("This charge would take the guest account over its prepayment.")


# --- set-up: room types, rooms, rates -------------------------------------------------------


def create_room_type(actor, **values) -> RoomType:
    authorize(actor, C.SET_UP_HOTEL)
    room_type = RoomType(**{k: v.strip() if isinstance(v, str) else v for k, v in values.items()})
    check_model(room_type)
    with transaction.atomic():
        room_type.save()
        record_event(actor, "hotel.room_type_created", room_type, {"code": room_type.code})
    return room_type


def create_room(actor, *, number: str, floor: int, room_type_id: int) -> Room:
    """A new room is sold from tonight on: the nights already opened count it too."""
    authorize(actor, C.SET_UP_HOTEL)
    room = Room(number=number.strip(), floor=floor, room_type_id=room_type_id)
    check_model(room)
    with transaction.atomic():
        _lock_inventory(room_type_id)
        room.save()
        RoomNight.objects.filter(room_type_id=room_type_id, date__gte=clock.today()).update(total=F("total") + 1)
        record_event(actor, "hotel.room_created", room, {"number": room.number})
    return room


def create_rate_plan(actor, *, room_type_id: int, code: str, name: str, price, free_cancellation_hours: int) -> RatePlan:
    authorize(actor, C.SET_UP_HOTEL)
    plan = RatePlan(
        room_type_id=room_type_id,
        code=code.strip(),
        name=name.strip(),
        price=policy.parse_money(price, "price"),
        free_cancellation_hours=free_cancellation_hours,
    )
    check_model(plan)
    with transaction.atomic():
        plan.save()
        record_event(actor, "hotel.rate_plan_created", plan, {"code": plan.code, "price": str(plan.price)})
    return plan


# --- reading --------------------------------------------------------------------------------


def room_types(actor):
    authorize(actor, C.VIEW_HOTEL)
    return RoomType.objects.prefetch_related("rate_plans")


def rooms(actor, status: str | None = None):
    """The room-status board (房态): every room with its type and status, floor by floor."""
    authorize(actor, C.VIEW_HOTEL)
    if status and status not in Room.Status.values:
        raise field_error("status", _("Unknown room status “%(status)s”.") % {"status": status[:30]})
    queryset = Room.objects.select_related("room_type")
    return queryset.filter(status=status) if status else queryset


def _dates(arrival: datetime.date, nights: int) -> list[datetime.date]:
    return [arrival + datetime.timedelta(days=i) for i in range(nights)]


def _check_stay_dates(arrival: datetime.date, nights: int, arrival_field: str = "arrival_date") -> None:
    if arrival < clock.today():
        raise field_error(arrival_field, _("The arrival date has passed."))
    if not 1 <= nights <= policy.MAX_NIGHTS:
        raise field_error("nights", _("Book from 1 to %(max)d nights.") % {"max": policy.MAX_NIGHTS})


def _lock_inventory(room_type_id: int) -> None:
    """Serialise what changes how many rooms of a type there are to sell (a room added, taken
    out of order or back) with the bookings that open a night counting them. Without it, on
    PostgreSQL a booking could open a night with the count from before a room went out of
    order. (SQLite's write transactions are serialised already.)"""
    list(RoomType.objects.select_for_update().filter(id=room_type_id).values_list("id", flat=True))


def _sellable_rooms(room_type_id: int) -> int:
    return Room.objects.filter(room_type_id=room_type_id).exclude(status=Room.Status.OUT_OF_ORDER).count()


def rooms_left(room_type_id: int, dates: list[datetime.date]) -> int:
    """Rooms of a type free on every one of the nights."""
    opened = {n.date: n.total - n.sold for n in RoomNight.objects.filter(room_type_id=room_type_id, date__in=dates)}
    sellable = None
    left = []
    for date in dates:
        if date not in opened and sellable is None:
            sellable = _sellable_rooms(room_type_id)
        left.append(opened.get(date, sellable))
    return max(0, min(left)) if left else 0


@dataclass(frozen=True)
class Offer:
    room_type: RoomType
    rate_plan: RatePlan
    rooms_left: int


def availability(actor, arrival: datetime.date | None, nights: int) -> list[Offer]:
    """What the desk offers a caller for these nights (seed 一.2): every rate of every room
    type, from the highest price to the lowest, with the rooms left. Default: from tonight."""
    authorize(actor, C.VIEW_HOTEL)
    arrival = arrival or clock.today()
    _check_stay_dates(arrival, nights, "date")
    dates = _dates(arrival, nights)
    plans = RatePlan.objects.filter(is_active=True).select_related("room_type").order_by("-price", "code")
    left = {}
    offers = []
    for plan in plans:
        if plan.room_type_id not in left:
            left[plan.room_type_id] = rooms_left(plan.room_type_id, dates)
        offers.append(Offer(plan.room_type, plan, left[plan.room_type_id]))
    return offers


def visible_reservations(actor):
    authorize(actor, C.VIEW_HOTEL)
    return Reservation.objects.select_related("room_type", "rate_plan", "booked_by")


def find_reservations(actor, *, q: str = "", arrival_date: datetime.date | None = None, state: str | None = None):
    """Reservations filed by date (seed 一.6), found at check-in by number, guest name (also in
    Traditional script or pinyin, through the customer archive) or phone."""
    reservations = visible_reservations(actor)
    if arrival_date is not None:
        reservations = reservations.filter(arrival_date=arrival_date)
    if state:
        if state not in Reservation.State.values:
            raise field_error("state", _("Unknown state “%(state)s”.") % {"state": state[:30]})
        reservations = reservations.filter(state=state)
    q = clean_query(q)
    if q:
        match = Q(number__iexact=q) | Q(customer__in=search_customers(actor, q).values("id"))
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 4:
            match |= Q(phone__contains=digits)
        reservations = reservations.filter(match)
    return reservations


def get_reservation(actor, reservation_id: int) -> Reservation:
    reservation = visible_reservations(actor).filter(id=reservation_id).first()
    if reservation is None:
        raise NotFound(_("No such reservation."))
    return reservation


def visible_stays(actor):
    authorize(actor, C.VIEW_HOTEL)
    return Stay.objects.select_related("room__room_type", "reservation", "checked_in_by").prefetch_related(
        "entries__posted_by"
    )


def find_stays(actor, *, state: str | None = None, q: str = ""):
    stays = visible_stays(actor)
    if state:
        if state not in Stay.State.values:
            raise field_error("state", _("Unknown state “%(state)s”.") % {"state": state[:30]})
        stays = stays.filter(state=state)
    q = clean_query(q)
    if q:
        stays = stays.filter(Q(room__number=q) | Q(customer__in=search_customers(actor, q).values("id")))
    return stays


def get_stay(actor, stay_id: int) -> Stay:
    stay = visible_stays(actor).filter(id=stay_id).first()
    if stay is None:
        raise NotFound(_("No such stay."))
    return stay


# --- the inventory --------------------------------------------------------------------------


def _take_rooms(room_type_id: int, dates: list[datetime.date], count: int) -> None:
    """Sell `count` rooms of the type on each night, or none: inside the caller's transaction,
    a night without enough rooms raises SoldOut and the nights already raised roll back."""
    _lock_inventory(room_type_id)
    sellable = _sellable_rooms(room_type_id)
    RoomNight.objects.bulk_create(
        [RoomNight(room_type_id=room_type_id, date=date, total=sellable) for date in dates], ignore_conflicts=True
    )
    # One conditional UPDATE: under concurrency the database re-reads `sold` of a row another
    # transaction just committed, so the second clerk's WHERE no longer matches.
    taken = RoomNight.objects.filter(room_type_id=room_type_id, date__in=dates, sold__lte=F("total") - count).update(
        sold=F("sold") + count
    )
    if taken != len(dates):
        full = (
            RoomNight.objects.filter(room_type_id=room_type_id, date__in=dates, sold__gt=F("total") - count)
            .order_by("date")
            .values_list("date", flat=True)
        )
        raise SoldOut(
            _("No room of this type is left on %(dates)s; offer another type or date.")
            % {"dates": "、".join(f"{d:%Y-%m-%d}" for d in full) or "—"}
        )


def _give_back_rooms(room_type_id: int, dates: list[datetime.date], count: int) -> None:
    RoomNight.objects.filter(room_type_id=room_type_id, date__in=dates, sold__gte=count).update(sold=F("sold") - count)


# --- the guest in the archive ---------------------------------------------------------------


def _clean_name(name: str, field: str = "guest_name") -> str:
    name = (name or "").strip()
    if not name:
        raise field_error(field, _("Ask the guest's name."))
    if len(name) > 100:
        raise field_error(field, _("Ensure this value has at most 100 characters."))
    return name


def _clean_title(title: str) -> str:
    if title not in Reservation.Title.values:
        raise field_error("title", _("Choose Mr or Ms."))
    return title


def _guest(actor, name: str, phone: str, customer_id: int | None) -> Customer:
    """The guest's record in the customer archive: the one named, else the one with this name
    and phone, else a new one. Call inside the transaction of the booking."""
    if customer_id is not None:
        customer = get_customer(actor, customer_id)
        if customer.is_merged:
            customer = customer.merged_into
        return customer
    existing = Customer.objects.filter(
        merged_into__isnull=True, name_key=search_key(name)[:100], contacts__digits=national_digits(phone)
    ).first()
    if existing is not None:
        return existing
    return create_customer(actor, name=name, contacts=[ContactInput("phone", phone)])


# --- reservations (seed 一) ------------------------------------------------------------------


def _next_number() -> str:
    return "R-" + uuid.uuid4().hex[:12]  # replaced by the readable number once the id is known


def book_reservation(
    actor,
    *,
    rate_plan_id: int,
    arrival_date: datetime.date,
    arrival_time: datetime.time,
    nights: int,
    rooms: int,
    guest_name: str,
    title: str,
    phone: str,
    special_requests: str = "",
    hold_until: datetime.datetime | None = None,
    guaranteed: bool = False,
    source: str = "",
    customer_id: int | None = None,
) -> Reservation:
    """Take a booking on the phone. A guaranteed booking (card or prepayment) is kept; any
    other is held until `hold_until` and released by the worker if the guest has not come."""
    authorize(actor, C.WORK_HOTEL_DESK)
    plan = RatePlan.objects.select_related("room_type").filter(id=rate_plan_id, is_active=True).first()
    if plan is None:
        raise field_error("rate_plan_id", _("Choose one of the rates offered."))
    _check_stay_dates(arrival_date, nights)
    if not 1 <= rooms <= policy.MAX_ROOMS:
        raise field_error("rooms", _("Book from 1 to %(max)d rooms at a time.") % {"max": policy.MAX_ROOMS})
    guest_name, title = _clean_name(guest_name), _clean_title(title)
    phone = normalise_phone(phone)
    special_requests = (special_requests or "").strip()
    if len(special_requests) > 500:
        raise field_error("special_requests", _("Ensure this value has at most 500 characters."))
    if source and source not in Reservation.Source.values:
        raise field_error("source", _("Choose how the guest heard of the hotel."))
    now = clock.now()
    if guaranteed:
        hold_until = None
    elif hold_until is None:
        raise field_error("hold_until", _("Ask the guest until when the room is to be held."))
    elif hold_until <= now:
        raise field_error("hold_until", _("The hold-until time must be later than now."))
    elif hold_until > policy.arrival_moment(arrival_date + datetime.timedelta(days=1), datetime.time(0)):
        raise field_error("hold_until", _("A room is held until the arrival day at the latest."))
    reservation = Reservation(
        number=_next_number(),
        guest_name=guest_name,
        title=title,
        phone=phone,
        room_type=plan.room_type,
        rate_plan=plan,
        price=plan.price,
        rooms=rooms,
        arrival_date=arrival_date,
        arrival_time=arrival_time,
        nights=nights,
        special_requests=special_requests,
        hold_until=hold_until,
        source=source,
        free_cancellation_hours=plan.free_cancellation_hours,
        state=Reservation.State.GUARANTEED if guaranteed else Reservation.State.HELD,
        booked_by=actor,
        created_at=now,
    )
    with transaction.atomic():
        reservation.customer = _guest(actor, guest_name, phone, customer_id)
        _take_rooms(plan.room_type_id, _dates(arrival_date, nights), rooms)
        reservation.save()
        reservation.number = f"R{arrival_date:%Y%m%d}-{reservation.id:04d}"
        reservation.save(update_fields=["number"])
        record_event(
            actor,
            "hotel.reservation_booked",
            reservation,
            {"number": reservation.number, "room_type": plan.room_type.code, "rooms": rooms, "nights": nights},
        )
    return reservation


def cancel_reservation(actor, reservation_id: int, *, version: int) -> Reservation:
    """Cancel under the policy told at booking: free until N hours before arrival, else the
    first night of each room (the fee is recorded for the cashier)."""
    authorize(actor, C.WORK_HOTEL_DESK)
    reservation = get_reservation(actor, reservation_id)
    if version != reservation.version:
        raise StaleVersion()
    if reservation.state not in OPEN_RESERVATION:
        raise InvalidInput(_("This reservation is %(state)s; it cannot be cancelled.") % {"state": reservation.get_state_display()})
    now = clock.now()
    fee = policy.cancellation_fee(
        price=reservation.price,
        rooms=reservation.rooms,
        arrival=policy.arrival_moment(reservation.arrival_date, reservation.arrival_time),
        free_hours=reservation.free_cancellation_hours,
        now=now,
    )
    with transaction.atomic():
        reservation.version = claim_version(Reservation, reservation.id, version)
        reservation.state = Reservation.State.CANCELLED
        reservation.cancellation_fee = fee
        reservation.closed_at = now
        reservation.save(update_fields=["state", "cancellation_fee", "closed_at"])
        _give_back_rooms(reservation.room_type_id, _dates(reservation.arrival_date, reservation.nights), reservation.rooms)
        record_event(actor, "hotel.reservation_cancelled", reservation, {"fee": str(fee)})
    return reservation


def release_expired_hold(reservation_id: int, now: datetime.datetime) -> bool:
    """Release one held booking whose hold-until time has passed (the worker's job). The state
    change is claimed with a conditional UPDATE, so two workers release it once."""
    with transaction.atomic():
        claimed = Reservation.objects.filter(
            id=reservation_id, state=Reservation.State.HELD, hold_until__lte=now
        ).update(state=Reservation.State.RELEASED, closed_at=now, version=F("version") + 1)
        if claimed != 1:
            return False
        reservation = Reservation.objects.get(id=reservation_id)
        _give_back_rooms(reservation.room_type_id, _dates(reservation.arrival_date, reservation.nights), reservation.rooms)
        record_event(None, "hotel.reservation_released", reservation, {"hold_until": reservation.hold_until.isoformat()})
    return True


def expired_holds(now: datetime.datetime):
    return Reservation.objects.filter(state=Reservation.State.HELD, hold_until__lte=now).values_list("id", flat=True)


# --- check-in (seed 二) ---------------------------------------------------------------------

_DOCUMENT = re.compile(r"^[A-Z0-9]{5,20}$")


def _clean_id_document(id_type: str, id_number: str) -> str:
    if id_type not in Stay.IdType.values:
        raise field_error("id_type", _("Choose the kind of ID document."))
    if id_type == Stay.IdType.RESIDENT_ID:
        return validate_resident_id(id_number)
    value = re.sub(r"\s", "", id_number or "").upper()
    if not _DOCUMENT.match(value):
        raise field_error("id_number", _("A document number has 5 to 20 letters and digits."))
    return value


@dataclass(frozen=True)
class WalkIn:
    """A guest without a booking (散客): the rate, the nights and who they are."""

    rate_plan_id: int
    nights: int
    guest_name: str
    title: str
    phone: str
    customer_id: int | None = None


def check_in(
    actor,
    *,
    room_id: int,
    id_type: str,
    id_number: str,
    deposit_type: str,
    deposit: object,
    reservation_id: int | None = None,
    walk_in: WalkIn | None = None,
    nationality: str = "CN",
) -> Stay:
    """Check a guest in: the booking (or a walk-in, who is sold the nights now), a vacant clean
    room of the booked type, the ID document, the deposit, and the guest account opened with it."""
    authorize(actor, C.WORK_HOTEL_DESK)
    if (reservation_id is None) == (walk_in is None):
        raise InvalidInput(_("Check in either a reservation or a walk-in guest."))
    id_number = _clean_id_document(id_type, id_number)
    nationality = (nationality or "CN").strip().upper()  # a form left at its default: China
    if not dialling.is_country(nationality):
        raise field_error("nationality", _("Choose the guest's country."))
    if deposit_type not in Stay.DepositType.values:
        raise field_error("deposit_type", _("Choose card pre-authorisation or cash."))
    deposit = policy.parse_money(deposit, "deposit")
    today = clock.today()
    reservation = None
    if reservation_id is not None:
        reservation = get_reservation(actor, reservation_id)
        if reservation.state not in OPEN_RESERVATION:
            raise InvalidInput(_("This reservation is %(state)s.") % {"state": reservation.get_state_display()})
        if reservation.arrival_date != today:
            raise InvalidInput(
                _("This reservation is for %(date)s, not today.") % {"date": f"{reservation.arrival_date:%Y-%m-%d}"}
            )
        room_type_id, price, nights = reservation.room_type_id, reservation.price, reservation.nights
        guest_name, title = reservation.guest_name, reservation.title
    else:
        plan = RatePlan.objects.filter(id=walk_in.rate_plan_id, is_active=True).first()
        if plan is None:
            raise field_error("rate_plan_id", _("Choose one of the rates offered."))
        _check_stay_dates(today, walk_in.nights)
        room_type_id, price, nights = plan.room_type_id, plan.price, walk_in.nights
        guest_name, title = _clean_name(walk_in.guest_name), _clean_title(walk_in.title)
        phone = normalise_phone(walk_in.phone)
    room = Room.objects.filter(id=room_id).first()
    if room is None:
        raise field_error("room_id", _("No such room."))
    if room.room_type_id != room_type_id:
        raise field_error("room_id", _("Room %(number)s is not of the booked type.") % {"number": room.number})
    if room.status != Room.Status.VACANT_CLEAN:
        raise field_error(
            "room_id",
            _("Room %(number)s is %(status)s; give a vacant clean room.")
            % {"number": room.number, "status": room.get_status_display()},
        )
    now = clock.now()
    with transaction.atomic():
        # Claim the room: of two clerks giving the same room at once, one gets it.
        if not Room.objects.filter(id=room.id, status=Room.Status.VACANT_CLEAN).update(
            status=Room.Status.OCCUPIED, version=F("version") + 1
        ):
            raise RoomTaken()
        if reservation is not None:
            customer = reservation.customer
            checked_in = reservation.stays.count() + 1
            if checked_in >= reservation.rooms:
                claim_version(Reservation, reservation.id, reservation.version)
                Reservation.objects.filter(id=reservation.id).update(state=Reservation.State.CHECKED_IN, closed_at=now)
        else:
            customer = _guest(actor, guest_name, phone, walk_in.customer_id)
            _take_rooms(room_type_id, _dates(today, nights), 1)
        stay = Stay.objects.create(
            reservation=reservation,
            customer=customer,
            guest_name=guest_name,
            title=title,
            id_type=id_type,
            id_number=id_number,
            nationality=nationality,
            room=room,
            price=price,
            arrival_date=today,
            departure_date=today + datetime.timedelta(days=nights),
            deposit_type=deposit_type,
            state=Stay.State.IN_HOUSE,
            checked_in_at=now,
            checked_in_by=actor,
        )
        FolioEntry.objects.create(
            stay=stay, kind=FolioEntry.Kind.DEPOSIT, method=deposit_type, amount=deposit, posted_at=now, posted_by=actor
        )
        record_event(
            actor,
            "hotel.checked_in",
            stay,
            {"room": room.number, "reservation": reservation.number if reservation else None, "deposit": str(deposit)},
        )
    return get_stay(actor, stay.id)


# --- the guest account (folio) --------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """The sums of a folio, all Decimal: what was taken, spent and given back."""

    deposits: Decimal
    payments: Decimal
    charges: Decimal
    refunds: Decimal
    extra_credit: Decimal
    committed_room: Decimal  # the room for the booked nights, not yet posted

    @property
    def balance(self) -> Decimal:
        """Money the hotel holds for the guest (negative: the guest owes)."""
        return self.deposits + self.payments - self.charges - self.refunds

    @property
    def spending_left(self) -> Decimal:
        """What more the guest may spend: prepayment and extra credit, less the spending and
        the room still to be charged (seed 二.7: spending kept within the prepayment)."""
        return self.deposits + self.payments + self.extra_credit - self.charges - self.committed_room


def account(stay: Stay) -> Account:
    sums = {kind: Decimal("0.00") for kind in FolioEntry.Kind.values}
    for row in stay.entries.values("kind").annotate(total=Sum("amount")):
        sums[row["kind"]] = row["total"]
    room_posted = any(e.category == FolioEntry.Category.ROOM for e in stay.entries.all())
    nights = (stay.departure_date - stay.arrival_date).days
    return Account(
        deposits=sums[FolioEntry.Kind.DEPOSIT],
        payments=sums[FolioEntry.Kind.PAYMENT],
        charges=sums[FolioEntry.Kind.CHARGE],
        refunds=sums[FolioEntry.Kind.REFUND],
        extra_credit=stay.extra_credit,
        committed_room=Decimal("0.00") if room_posted else stay.price * nights,
    )


def _locked_stay(actor, stay_id: int) -> Stay:
    """The stay, read again under a row lock inside the caller's transaction, so that two
    charges posted at once are checked against the limit one after the other."""
    get_stay(actor, stay_id)  # 404 before anything else
    return Stay.objects.select_for_update().select_related("room").get(id=stay_id)


def _clean_charge(category: str, description: str, amount, field: str = "") -> tuple[str, str, Decimal]:
    prefix = f"{field}." if field else ""
    if category not in FolioEntry.Category.values or category in (FolioEntry.Category.ROOM, FolioEntry.Category.LATE_CHECK_OUT):
        raise field_error(prefix + "category", _("Choose what the charge is for."))
    description = (description or "").strip()
    if len(description) > 100:
        raise field_error(prefix + "description", _("Ensure this value has at most 100 characters."))
    return category, description, policy.parse_money(amount, prefix + "amount")


def post_charge(actor, stay_id: int, *, category: str, description: str, amount) -> FolioEntry:
    """Post spending to an in-house guest's account, within the prepayment: a charge that would
    go over it is refused until more deposit is taken or a supervisor raises the limit."""
    authorize(actor, C.WORK_HOTEL_DESK)
    category, description, amount = _clean_charge(category, description, amount)
    with transaction.atomic():
        stay = _locked_stay(actor, stay_id)
        if stay.state != Stay.State.IN_HOUSE:
            raise InvalidInput(_("This guest is not in house; post what the room check found at check-out."))
        left = account(stay).spending_left
        if amount > left:
            raise OverLimit(
                _(
                    "This charge of %(amount)s yuan would take the account over its prepayment: %(left)s yuan "
                    "is left. Take more deposit, or ask a supervisor to raise the limit."
                )
                % {"amount": policy.money_text(amount), "left": policy.money_text(max(left, Decimal(0)))}
            )
        entry = FolioEntry.objects.create(
            stay=stay, kind=FolioEntry.Kind.CHARGE, category=category, description=description,
            amount=amount, posted_at=clock.now(), posted_by=actor,
        )
        record_event(actor, "hotel.charge_posted", stay, {"category": category, "amount": str(amount)})
    return entry


def take_deposit(actor, stay_id: int, *, amount, method: str) -> FolioEntry:
    """More prepayment from a guest in house (card pre-authorisation or cash)."""
    authorize(actor, C.WORK_HOTEL_DESK)
    if method not in Stay.DepositType.values:
        raise field_error("method", _("Choose card pre-authorisation or cash."))
    amount = policy.parse_money(amount, "amount")
    with transaction.atomic():
        stay = _locked_stay(actor, stay_id)
        if stay.state != Stay.State.IN_HOUSE:
            raise InvalidInput(_("This guest is not in house."))
        entry = FolioEntry.objects.create(
            stay=stay, kind=FolioEntry.Kind.DEPOSIT, method=method, amount=amount, posted_at=clock.now(), posted_by=actor
        )
        record_event(actor, "hotel.deposit_taken", stay, {"method": method, "amount": str(amount)})
    return entry


def raise_limit(actor, stay_id: int, *, version: int, amount, reason: str) -> Stay:
    """A supervisor lets the guest spend `amount` more than the prepayment, with the reason."""
    authorize(actor, C.RAISE_FOLIO_LIMIT)
    amount = policy.parse_money(amount, "amount")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the limit is raised."))
    if len(reason) > 200:
        raise field_error("reason", _("Ensure this value has at most 200 characters."))
    stay = get_stay(actor, stay_id)
    if stay.state != Stay.State.IN_HOUSE:
        raise InvalidInput(_("This guest is not in house."))
    with transaction.atomic():
        claim_version(Stay, stay.id, version)
        Stay.objects.filter(id=stay.id).update(extra_credit=F("extra_credit") + amount)
        record_event(actor, "hotel.limit_raised", stay, {"amount": str(amount), "reason": reason})
    return get_stay(actor, stay.id)


# --- check-out (seed 四) --------------------------------------------------------------------


def _cancel_wakeup_calls(stay: Stay) -> None:
    stay.wakeup_calls.filter(state=WakeUpCall.State.SCHEDULED).update(
        state=WakeUpCall.State.CANCELLED, version=F("version") + 1
    )


def start_check_out(actor, stay_id: int, *, version: int, key_card_returned: bool, guest_leaves_now: bool = False) -> Stay:
    """Take the key card back and ask housekeeping to check the room (seed 四.2). A guest in a
    hurry may leave now: a card pre-authorisation is then settled after a phone confirmation;
    with a cash deposit the deposit slip goes back to the guest, who collects the balance later."""
    authorize(actor, C.WORK_HOTEL_DESK)
    stay = get_stay(actor, stay_id)
    if not key_card_returned:
        raise field_error("key_card_returned", _("Take the key card back first."))
    if stay.state != Stay.State.IN_HOUSE:
        raise InvalidInput(_("This guest is not in house."))
    now = clock.now()
    with transaction.atomic():
        claim_version(Stay, stay.id, version)
        Stay.objects.filter(id=stay.id).update(
            state=Stay.State.CHECKING_OUT, key_returned_at=now, left_before_room_check=guest_leaves_now
        )
        _cancel_wakeup_calls(stay)
        record_event(actor, "hotel.check_out_started", stay, {"left_before_room_check": guest_leaves_now})
    return get_stay(actor, stay.id)


@dataclass(frozen=True)
class Consumption:
    category: str
    description: str
    amount: object


def record_room_check(actor, stay_id: int, *, version: int, consumption: list[Consumption]) -> Stay:
    """Housekeeping's call (seed 四.3): what was consumed in the room, posted to the account.
    No limit here: it was consumed, and the settlement collects what the deposit does not cover."""
    authorize(actor, C.WORK_HOTEL_DESK)
    items = [
        _clean_charge(item.category, item.description, item.amount, f"consumption.{i}") for i, item in enumerate(consumption)
    ]
    stay = get_stay(actor, stay_id)
    if stay.state != Stay.State.CHECKING_OUT or stay.room_checked_at is not None:
        raise InvalidInput(_("The room check is recorded once, after the key card is back."))
    now = clock.now()
    with transaction.atomic():
        claim_version(Stay, stay.id, version)
        Stay.objects.filter(id=stay.id).update(room_checked_at=now)
        FolioEntry.objects.bulk_create(
            [
                FolioEntry(
                    stay=stay, kind=FolioEntry.Kind.CHARGE, category=category, description=description,
                    amount=amount, posted_at=now, posted_by=actor,
                )
                for category, description, amount in items
            ]
        )
        record_event(actor, "hotel.room_checked", stay, {"consumption": [str(a) for _c, _d, a in items]})
    return get_stay(actor, stay.id)


def settle(
    actor, stay_id: int, *, version: int, phone_confirmed: bool = False, payment_method: str = ""
) -> Stay:
    """Post the room, settle the account and give back the balance (seed 四.4): the guest pays
    the charges from the deposit and gets the change. A card pre-authorisation is captured for
    the charges and the rest released. A cash guest who left before the check gets the balance
    when they come back with the deposit slip (refund_balance). The room goes to vacant dirty."""
    authorize(actor, C.WORK_HOTEL_DESK)
    stay = get_stay(actor, stay_id)
    if stay.state != Stay.State.CHECKING_OUT:
        raise InvalidInput(_("Take the key card back and have the room checked first."))
    if stay.room_checked_at is None:
        raise InvalidInput(_("Housekeeping has not reported the room check yet."))
    _refuse_while_box_held(stay)
    card = stay.deposit_type == Stay.DepositType.CARD_PREAUTH
    if card and stay.left_before_room_check and not phone_confirmed:
        raise field_error(
            "phone_confirmed", _("Confirm the bill with the guest by phone before charging the pre-authorisation.")
        )
    if payment_method and payment_method not in Stay.DepositType.values:
        raise field_error("payment_method", _("Choose card or cash."))
    leaving = stay.key_returned_at
    nights = policy.nights_stayed(stay.arrival_date, leaving)
    room_charge = (stay.price * nights).quantize(policy.CENT)
    late_charge = policy.late_check_out_charge(stay.price, stay.arrival_date, leaving)
    now = clock.now()
    with transaction.atomic():
        claim_version(Stay, stay.id, version)
        charges = [
            FolioEntry(
                stay=stay, kind=FolioEntry.Kind.CHARGE, category=FolioEntry.Category.ROOM,
                description=_("Room %(number)s, %(nights)d night(s) × %(price)s")
                % {"number": stay.room.number, "nights": nights, "price": policy.money_text(stay.price)},
                amount=room_charge, posted_at=now, posted_by=actor,
            )
        ]
        if late_charge:
            charges.append(
                FolioEntry(
                    stay=stay, kind=FolioEntry.Kind.CHARGE, category=FolioEntry.Category.LATE_CHECK_OUT,
                    description=_("Left at %(time)s") % {"time": f"{timezone.localtime(leaving):%H:%M}"},
                    amount=late_charge, posted_at=now, posted_by=actor,
                )
            )
        FolioEntry.objects.bulk_create(charges)
        balance = account(stay).balance
        state = Stay.State.CHECKED_OUT
        if balance < 0:
            if not payment_method:
                raise field_error(
                    "payment_method",
                    _("The guest owes %(amount)s yuan more than the deposit; take it by card or cash.")
                    % {"amount": policy.money_text(-balance)},
                )
            FolioEntry.objects.create(
                stay=stay, kind=FolioEntry.Kind.PAYMENT, method=payment_method, amount=-balance,
                posted_at=now, posted_by=actor,
            )
        elif balance > 0:
            if card or not stay.left_before_room_check:
                # Change counted back at the desk, or the unused pre-authorisation released.
                FolioEntry.objects.create(
                    stay=stay, kind=FolioEntry.Kind.REFUND, method=stay.deposit_type, amount=balance,
                    posted_at=now, posted_by=actor,
                )
            else:
                state = Stay.State.REFUND_DUE
        Stay.objects.filter(id=stay.id).update(
            state=state, settled_at=now, checked_out_at=now if state == Stay.State.CHECKED_OUT else None
        )
        Room.objects.filter(id=stay.room_id).update(status=Room.Status.VACANT_DIRTY, version=F("version") + 1)
        record_event(actor, "hotel.settled", stay, {"balance": str(balance), "state": state})
    return get_stay(actor, stay.id)


def refund_balance(actor, stay_id: int, *, version: int, deposit_slip_returned: bool) -> Stay:
    """The cash guest who left in a hurry comes back with the deposit slip for the balance."""
    authorize(actor, C.WORK_HOTEL_DESK)
    stay = get_stay(actor, stay_id)
    if stay.state != Stay.State.REFUND_DUE:
        raise InvalidInput(_("Nothing is waiting to be refunded on this stay."))
    if not deposit_slip_returned:
        raise field_error("deposit_slip_returned", _("Take the deposit slip back before paying out the balance."))
    now = clock.now()
    with transaction.atomic():
        claim_version(Stay, stay.id, version)
        balance = account(stay).balance
        FolioEntry.objects.create(
            stay=stay, kind=FolioEntry.Kind.REFUND, method=Stay.DepositType.CASH, amount=balance,
            posted_at=now, posted_by=actor,
        )
        Stay.objects.filter(id=stay.id).update(state=Stay.State.CHECKED_OUT, checked_out_at=now)
        record_event(actor, "hotel.balance_refunded", stay, {"amount": str(balance)})
    return get_stay(actor, stay.id)


# --- wake-up calls (seed 三) ----------------------------------------------------------------

MAX_INTERVAL_MINUTES = 60


def book_wakeup_call(
    actor, stay_id: int, *, time: datetime.time, date: datetime.date | None = None, repeat_after_minutes: int | None = None
) -> list[WakeUpCall]:
    """The time, whether a second call is wanted and after how long; the desk reads it back.
    Without a date, the next time the clock shows `time`."""
    authorize(actor, C.WORK_HOTEL_DESK)
    stay = get_stay(actor, stay_id)
    if stay.state != Stay.State.IN_HOUSE:
        raise InvalidInput(_("This guest is not in house."))
    now = clock.now()
    local_now = timezone.localtime(now)
    if date is None:
        date = local_now.date() if time > local_now.time() else local_now.date() + datetime.timedelta(days=1)
    due_at = timezone.make_aware(datetime.datetime.combine(date, time.replace(second=0, microsecond=0)))
    if due_at <= now:
        raise field_error("time", _("Choose a time later than now."))
    if date > stay.departure_date:
        raise field_error("date", _("The guest leaves on %(date)s.") % {"date": f"{stay.departure_date:%Y-%m-%d}"})
    if repeat_after_minutes is not None and not 1 <= repeat_after_minutes <= MAX_INTERVAL_MINUTES:
        raise field_error(
            "repeat_after_minutes", _("The second call comes 1 to %(max)d minutes later.") % {"max": MAX_INTERVAL_MINUTES}
        )
    with transaction.atomic():
        first = WakeUpCall.objects.create(stay=stay, due_at=due_at, booked_by=actor)
        calls = [first]
        if repeat_after_minutes:
            calls.append(
                WakeUpCall.objects.create(
                    stay=stay, first_call=first, due_at=due_at + datetime.timedelta(minutes=repeat_after_minutes),
                    booked_by=actor,
                )
            )
        record_event(actor, "hotel.wakeup_call_booked", stay, {"at": due_at.isoformat(), "repeat": repeat_after_minutes})
    return calls


def fire_due_wakeup_calls(now: datetime.datetime | None = None) -> int:
    """The worker's pass: every scheduled call whose minute has come becomes a due task for the
    desk. One UPDATE claims them, so two workers fire each call once."""
    now = now or clock.now()
    return WakeUpCall.objects.filter(state=WakeUpCall.State.SCHEDULED, due_at__lte=now).update(
        state=WakeUpCall.State.DUE, fired_at=now, version=F("version") + 1
    )


def wakeup_calls(actor, *, due: bool = False):
    authorize(actor, C.VIEW_HOTEL)
    calls = WakeUpCall.objects.select_related("stay__room", "first_call")
    if due:
        return calls.filter(state=WakeUpCall.State.DUE)
    return calls.filter(state__in=[WakeUpCall.State.SCHEDULED, WakeUpCall.State.DUE])


def mark_wakeup_call_made(actor, call_id: int, *, version: int) -> WakeUpCall:
    authorize(actor, C.WORK_HOTEL_DESK)
    call = wakeup_calls(actor).filter(id=call_id).first()
    if call is None:
        raise NotFound(_("No such wake-up call."))
    if call.state != WakeUpCall.State.DUE:
        raise InvalidInput(_("This call is not due yet."))
    with transaction.atomic():
        claim_version(WakeUpCall, call.id, version)
        WakeUpCall.objects.filter(id=call.id).update(state=WakeUpCall.State.DONE, done_at=clock.now(), done_by=actor)
        record_event(actor, "hotel.wakeup_call_made", call, {"room": call.stay.room.number})
    return WakeUpCall.objects.select_related("stay__room", "first_call").get(id=call.id)


# --- desk screens: the cancellation fee told first, housekeeping ------------------------------


def cancellation_quote(actor, reservation_id: int) -> Decimal:
    """The fee cancelling now would cost, shown to the clerk (and the caller) before they
    confirm; cancel_reservation computes it again when it writes."""
    reservation = get_reservation(actor, reservation_id)
    return policy.cancellation_fee(
        price=reservation.price,
        rooms=reservation.rooms,
        arrival=policy.arrival_moment(reservation.arrival_date, reservation.arrival_time),
        free_hours=reservation.free_cancellation_hours,
        now=clock.now(),
    )


def mark_room_clean(actor, room_id: int, *, version: int) -> Room:
    """Housekeeping has made up a vacant dirty room (after check-out): it is sold again.
    No housekeeper role exists yet, so the desk records it when housekeeping calls."""
    authorize(actor, C.WORK_HOTEL_DESK)
    room = _room(room_id)
    if room.status != Room.Status.VACANT_DIRTY:
        raise InvalidInput(
            _("Room %(number)s is %(status)s, not vacant dirty.") % {"number": room.number, "status": room.get_status_display()}
        )
    with transaction.atomic():
        claim_version(Room, room.id, version)
        Room.objects.filter(id=room.id).update(status=Room.Status.VACANT_CLEAN)
        record_event(actor, "hotel.room_cleaned", room, {"number": room.number})
    return _room(room.id)


def take_room_out_of_order(actor, room_id: int, *, version: int, reason: str) -> Room:
    """A vacant room that cannot be sold (a leak, a broken air conditioner): one room fewer of
    its type is for sale on every night from tonight. Refused while a night is fully booked, so
    that taking a room out never oversells: move a booking first."""
    authorize(actor, C.SET_UP_HOTEL)
    reason = _clean_text(reason, "reason", 200, _("Say why the room cannot be sold."))
    room = _room(room_id)
    if room.status not in (Room.Status.VACANT_CLEAN, Room.Status.VACANT_DIRTY):
        raise InvalidInput(
            _("Room %(number)s is %(status)s; only a vacant room can be taken out of order.")
            % {"number": room.number, "status": room.get_status_display()}
        )
    with transaction.atomic():
        claim_version(Room, room.id, version)
        # Bookings of this type wait for the lock: none takes a night between check and change.
        _lock_inventory(room.room_type_id)
        nights = RoomNight.objects.filter(room_type_id=room.room_type_id, date__gte=clock.today())
        full = [night.date for night in nights.order_by("date") if night.sold > night.total - 1]
        if full:
            raise InvalidInput(
                _("Every %(type)s is booked on %(dates)s: move a booking before taking room %(number)s out of order.")
                % {"type": room.room_type.name, "dates": "、".join(f"{d:%Y-%m-%d}" for d in full), "number": room.number}
            )
        RoomNight.objects.filter(room_type_id=room.room_type_id, date__gte=clock.today()).update(total=F("total") - 1)
        Room.objects.filter(id=room.id).update(status=Room.Status.OUT_OF_ORDER, out_of_order_reason=reason)
        record_event(actor, "hotel.room_out_of_order", room, {"number": room.number, "reason": reason})
    return _room(room.id)


def return_room_to_service(actor, room_id: int, *, version: int) -> Room:
    """The repair is done: the room is for sale again from tonight, vacant dirty until
    housekeeping has made it up."""
    authorize(actor, C.SET_UP_HOTEL)
    room = _room(room_id)
    if room.status != Room.Status.OUT_OF_ORDER:
        raise InvalidInput(_("Room %(number)s is not out of order.") % {"number": room.number})
    with transaction.atomic():
        claim_version(Room, room.id, version)
        _lock_inventory(room.room_type_id)
        RoomNight.objects.filter(room_type_id=room.room_type_id, date__gte=clock.today()).update(total=F("total") + 1)
        Room.objects.filter(id=room.id).update(status=Room.Status.VACANT_DIRTY, out_of_order_reason="")
        record_event(actor, "hotel.room_back_in_service", room, {"number": room.number})
    return _room(room.id)


def _room(room_id: int) -> Room:
    room = Room.objects.select_related("room_type").filter(id=room_id).first()
    if room is None:
        raise NotFound(_("No such room."))
    return room


class _RolledBack(Exception):
    def __init__(self, result):
        self.result = result


def dry_run(operation, *args, **kwargs):
    """What `operation` would do, without doing it: it runs with every check (the rooms left,
    the hold-until time, a time later than now) in a transaction that is then rolled back. The
    read-back pages use it, so the desk never reads to a caller what saving would refuse."""
    try:
        with transaction.atomic():
            raise _RolledBack(operation(*args, **kwargs))
    except _RolledBack as done:
        return done.result


# --- in-stay services (seed 三): messages, valuables, the switchboard ---------------------------


def _clean_text(value: str, field: str, max_length: int, required_message) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, required_message)
    if len(value) > max_length:
        raise field_error(field, _("Ensure this value has at most %(max)d characters.") % {"max": max_length})
    return value


def _staying_guest(actor, stay_id: int) -> Stay:
    """The stay, read again under a row lock, refused unless the guest is in the room: a
    message or a deposit taken at the same moment as check-out is decided one after the other."""
    stay = _locked_stay(actor, stay_id)
    if stay.state not in STAYING:
        raise InvalidInput(_("This guest is no longer staying."))
    return stay


def guest_messages(actor, *, stay_id: int | None = None, waiting: bool = False):
    authorize(actor, C.VIEW_HOTEL)
    found = GuestMessage.objects.select_related("stay__room", "taken_by", "delivered_by")
    if stay_id is not None:
        found = found.filter(stay_id=stay_id)
    return found.filter(delivered_at__isnull=True) if waiting else found


def take_message(actor, stay_id: int, *, sender: str, text: str) -> GuestMessage:
    """A caller or visitor leaves word for a guest (留言): from whom, what, taken by whom, when."""
    authorize(actor, C.WORK_HOTEL_DESK)
    sender = _clean_text(sender, "sender", 100, _("Ask who the message is from."))
    text = _clean_text(text, "text", 1000, _("Write the message down."))
    with transaction.atomic():
        stay = _staying_guest(actor, stay_id)
        message = GuestMessage.objects.create(stay=stay, sender=sender, text=text, taken_at=clock.now(), taken_by=actor)
        record_event(actor, "hotel.message_taken", message, {"room": stay.room.number, "stay": stay.id})
    return guest_messages(actor).get(id=message.id)


def deliver_message(actor, message_id: int, *, version: int) -> GuestMessage:
    """The guest has the message (handed over or read to them): the room no longer shows it."""
    authorize(actor, C.WORK_HOTEL_DESK)
    message = guest_messages(actor).filter(id=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    if message.delivered_at is not None:
        raise InvalidInput(_("This message was already delivered."))
    with transaction.atomic():
        claim_version(GuestMessage, message.id, version)
        GuestMessage.objects.filter(id=message.id).update(delivered_at=clock.now(), delivered_by=actor)
        record_event(actor, "hotel.message_delivered", message, {"room": message.stay.room.number})
    return guest_messages(actor).get(id=message.id)


class BoxTaken(ServiceError):
    status = 409
    code = "box_taken"
    default_message = gettext_lazy("This safe-deposit box already holds another guest's valuables; choose another box.")


_BOX = re.compile(r"^[A-Z0-9-]{1,10}$")


def valuables(actor, *, stay_id: int | None = None, held: bool = False):
    authorize(actor, C.VIEW_HOTEL)
    found = ValuablesDeposit.objects.select_related("stay__room", "deposited_by", "withdrawn_by")
    if stay_id is not None:
        found = found.filter(stay_id=stay_id)
    return found.filter(withdrawn_at__isnull=True) if held else found


def _refuse_while_box_held(stay: Stay) -> None:
    boxes = list(stay.valuables.filter(withdrawn_at__isnull=True).values_list("box_number", flat=True))
    if boxes:
        raise InvalidInput(
            _("The guest's valuables are still in safe-deposit box %(boxes)s: give them back (with the guest's signature) before settling.")
            % {"boxes": "、".join(boxes)}
        )


def deposit_valuables(actor, stay_id: int, *, box_number: str, items: str, guest_signed: bool) -> ValuablesDeposit:
    """The guest's valuables go into a box, the guest signs the deposit card. A box holding
    another deposit is refused; the constraint decides between two clerks at the same moment."""
    authorize(actor, C.WORK_HOTEL_DESK)
    box_number = re.sub(r"\s", "", box_number or "").upper()
    if not _BOX.match(box_number):
        raise field_error("box_number", _("A box number has 1 to 10 letters, digits or dashes."))
    items = _clean_text(items, "items", 500, _("List what goes into the box."))
    if not guest_signed:
        raise field_error("guest_signed", _("Have the guest sign the deposit card first."))
    with transaction.atomic():
        stay = _locked_stay(actor, stay_id)
        if stay.state != Stay.State.IN_HOUSE:
            raise InvalidInput(_("This guest is not in house."))
        if ValuablesDeposit.objects.filter(box_number=box_number, withdrawn_at__isnull=True).exists():
            raise BoxTaken()
        try:
            with transaction.atomic():  # a savepoint: the losing clerk's transaction stays usable
                deposit = ValuablesDeposit.objects.create(
                    stay=stay, box_number=box_number, items=items, deposited_at=clock.now(), deposited_by=actor,
                    deposit_signed=True,
                )
        except IntegrityError:
            raise BoxTaken() from None
        record_event(actor, "hotel.valuables_deposited", deposit, {"box": box_number, "room": stay.room.number})
    return valuables(actor).get(id=deposit.id)


def withdraw_valuables(actor, deposit_id: int, *, version: int, guest_signed: bool) -> ValuablesDeposit:
    """The guest takes the valuables back and signs for them; the box is free again."""
    authorize(actor, C.WORK_HOTEL_DESK)
    deposit = valuables(actor).filter(id=deposit_id).first()
    if deposit is None:
        raise NotFound(_("No such valuables deposit."))
    if deposit.withdrawn_at is not None:
        raise InvalidInput(_("These valuables were already given back."))
    if not guest_signed:
        raise field_error("guest_signed", _("Have the guest sign for the valuables before handing them over."))
    with transaction.atomic():
        claim_version(ValuablesDeposit, deposit.id, version)
        ValuablesDeposit.objects.filter(id=deposit.id).update(
            withdrawn_at=clock.now(), withdrawn_by=actor, withdrawal_signed=True
        )
        record_event(actor, "hotel.valuables_withdrawn", deposit, {"box": deposit.box_number})
    return valuables(actor).get(id=deposit.id)


def directory(actor, q: str = ""):
    authorize(actor, C.VIEW_HOTEL)
    entries = DirectoryEntry.objects.all()
    q = clean_query(q)
    return entries.filter(Q(name__icontains=q) | Q(note__icontains=q)) if q else entries


def _directory_values(name: str, phone: str, note: str) -> dict:
    return {
        "name": _clean_text(name, "name", 100, _("Name the office.")),
        "phone": normalise_phone(phone),
        "note": _clean_text(note, "note", 200, "") if (note or "").strip() else "",
    }


def _save_directory_entry(entry: DirectoryEntry) -> None:
    if DirectoryEntry.objects.filter(name=entry.name).exclude(id=entry.id).exists():
        raise field_error("name", _("The directory already has “%(name)s”.") % {"name": entry.name})
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same name added by another clerk at this moment
        raise field_error("name", _("The directory already has “%(name)s”.") % {"name": entry.name}) from None


def add_directory_entry(actor, *, name: str, phone: str, note: str = "") -> DirectoryEntry:
    """A local office's number for the switchboard (seed 三: 查询企业机关电话)."""
    authorize(actor, C.WORK_HOTEL_DESK)
    entry = DirectoryEntry(**_directory_values(name, phone, note))
    with transaction.atomic():
        _save_directory_entry(entry)
        record_event(actor, "hotel.directory_entry_added", entry, {"name": entry.name, "phone": entry.phone})
    return entry


def update_directory_entry(
    actor, entry_id: int, *, version: int, name: str | None = None, phone: str | None = None, note: str | None = None
) -> DirectoryEntry:
    """Change what is given (None: unchanged), at the version the clerk saw."""
    authorize(actor, C.WORK_HOTEL_DESK)
    entry = DirectoryEntry.objects.filter(id=entry_id).first()
    if entry is None:
        raise NotFound(_("No such directory entry."))
    values = _directory_values(
        entry.name if name is None else name, entry.phone if phone is None else phone, entry.note if note is None else note
    )
    with transaction.atomic():
        entry.version = claim_version(DirectoryEntry, entry.id, version)
        for key, value in values.items():
            setattr(entry, key, value)
        _save_directory_entry(entry)
        record_event(actor, "hotel.directory_entry_changed", entry, {"name": entry.name, "phone": entry.phone})
    return entry


def dialling_codes(actor, q: str) -> list:
    """Country calling codes and Chinese area codes (seed 三), from the phonenumbers data."""
    authorize(actor, C.VIEW_HOTEL)
    return dialling.look_up(clean_query(q))
