"""The front office's numbers (issue 5, 6): today's arrivals, in-house guests and departures;
occupancy, ADR and RevPAR by day and by month; the deposits held; the guest register the
police registration requires. Read-only: every function authorises and reads, nothing writes.

The three ratios, as hotels define them, for one night or the sum over a month's nights:

- rooms available = rooms that could be sold that night: the rooms of each type less those out
  of order. A type's night already on sale keeps the count it was opened with (RoomNight.total);
  a night not opened yet counts the rooms not out of order today.
- rooms sold = room-nights occupied by a stay (a guest checked in), each night from arrival to
  the night before leaving; a stay still in house counts its booked nights. Reservations not yet
  checked in are not sold rooms here.
- room revenue = the nightly price of each room-night sold (late check-out charges, minibar and
  other spending are not room revenue).
- occupancy = rooms sold / rooms available, as a percentage with two decimals;
- ADR (average daily rate) = room revenue / rooms sold, yuan with two decimals;
- RevPAR (revenue per available room) = room revenue / rooms available, yuan with two decimals.

A ratio with nothing to divide by is 0.00. Every number is a Decimal, never a float.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.roles import Capability
from frontdesk.accounts.services import authorize
from frontdesk.core import clock, spreadsheets
from frontdesk.core.errors import field_error
from frontdesk.hotel import dialling, presenters, services
from frontdesk.hotel.models import FolioEntry, Reservation, Room, RoomNight, Stay

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_REPORT_DAYS = 366
STAYING = (Stay.State.IN_HOUSE, Stay.State.CHECKING_OUT)


def _ratio(numerator: Decimal, denominator, scale: int = 1) -> Decimal:
    if not denominator:
        return ZERO
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- today: arrivals, in house, departures ---------------------------------------------------


@dataclass(frozen=True)
class Today:
    day: datetime.date
    arrivals: list  # reservations arriving (open or already checked in)
    walk_ins: list  # stays checked in that day without a booking
    in_house: list  # stays with a guest in the room now
    departures: list  # stays due to leave that day, or that left that day


def today_lists(actor, day: datetime.date | None = None) -> Today:
    authorize(actor, Capability.VIEW_HOTEL)
    day = day or clock.today()
    arrivals = services.visible_reservations(actor).filter(
        arrival_date=day,
        state__in=[Reservation.State.HELD, Reservation.State.GUARANTEED, Reservation.State.CHECKED_IN],
    ).order_by("arrival_time", "id")
    stays = services.visible_stays(actor)
    walk_ins = stays.filter(reservation__isnull=True, arrival_date=day).order_by("id")
    in_house = stays.filter(state__in=STAYING).order_by("room__floor", "room__number")
    departures = stays.filter(
        Q(departure_date=day, state__in=STAYING) | Q(checked_out_at__date=day) | Q(settled_at__date=day)
    ).distinct().order_by("room__number")
    return Today(day, list(arrivals), list(walk_ins), list(in_house), list(departures))


# --- occupancy, ADR, RevPAR ------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str  # "2026-11-23" or "2026-11"
    rooms_available: int
    rooms_sold: int
    room_revenue: Decimal

    @property
    def occupancy(self) -> Decimal:
        return _ratio(Decimal(self.rooms_sold), self.rooms_available, 100)

    @property
    def adr(self) -> Decimal:
        return _ratio(self.room_revenue, self.rooms_sold)

    @property
    def revpar(self) -> Decimal:
        return _ratio(self.room_revenue, self.rooms_available)


def _last_night(stay: Stay) -> datetime.date:
    """The night before the guest left (or is to leave): a guest who left the day of arrival
    still had one night (policy.nights_stayed)."""
    left = stay.key_returned_at or stay.checked_out_at
    end = timezone.localdate(left) if left and stay.state not in STAYING else stay.departure_date
    return max(stay.arrival_date, end - datetime.timedelta(days=1))


def _nights(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def _check_range(start: datetime.date, end: datetime.date) -> None:
    if start.year < 2000 or end.year > 2100:  # the calendar's edges would overflow the night before
        raise field_error("start", _("Choose dates between the years 2000 and 2100."))
    if end < start:
        raise field_error("end", _("The end date is before the start date."))
    if (end - start).days >= MAX_REPORT_DAYS:
        raise field_error("end", _("Report at most %(days)d days at a time.") % {"days": MAX_REPORT_DAYS})


def nightly(actor, start: datetime.date, end: datetime.date) -> list[Period]:
    """One Period per night from `start` to `end` (both included)."""
    authorize(actor, Capability.VIEW_HOTEL)
    _check_range(start, end)
    nights = _nights(start, end)
    sellable_now = defaultdict(int)
    for room in Room.objects.exclude(status=Room.Status.OUT_OF_ORDER).values("room_type_id"):
        sellable_now[room["room_type_id"]] += 1
    opened = {(n.room_type_id, n.date): n.total for n in RoomNight.objects.filter(date__range=(start, end))}
    sold = defaultdict(int)
    revenue = defaultdict(lambda: ZERO)
    stays = Stay.objects.filter(arrival_date__lte=end, departure_date__gte=start - datetime.timedelta(days=1))
    for stay in stays.only("arrival_date", "departure_date", "price", "state", "key_returned_at", "checked_out_at"):
        night = max(stay.arrival_date, start)
        last = min(_last_night(stay), end)
        while night <= last:
            sold[night] += 1
            revenue[night] += stay.price
            night += datetime.timedelta(days=1)
    room_types = set(sellable_now) | {type_id for type_id, _date in opened}
    periods = []
    for night in nights:
        available = sum(opened.get((type_id, night), sellable_now[type_id]) for type_id in room_types)
        periods.append(Period(f"{night:%Y-%m-%d}", available, sold[night], revenue[night]))
    return periods


def monthly(actor, start: datetime.date, end: datetime.date) -> list[Period]:
    """One Period per calendar month touched by `start`..`end`, summing its nights in range."""
    months: dict[str, list[Period]] = {}
    for period in nightly(actor, start, end):
        months.setdefault(period.label[:7], []).append(period)
    return [
        Period(
            label,
            sum(p.rooms_available for p in days),
            sum(p.rooms_sold for p in days),
            sum((p.room_revenue for p in days), ZERO),
        )
        for label, days in months.items()
    ]


def month_range(month: str) -> tuple[datetime.date, datetime.date]:
    """"2026-11" -> the first and last day of that month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = datetime.date(year, number, 1)
    except ValueError:
        raise field_error("month", _("Enter a month as YYYY-MM, e.g. 2026-11.")) from None
    return first, first.replace(day=calendar.monthrange(year, number)[1])


def period_row(period: Period) -> dict:
    return {
        "period": period.label,
        "rooms_available": period.rooms_available,
        "rooms_sold": period.rooms_sold,
        "room_revenue": presenters.money(period.room_revenue),
        "occupancy": presenters.money(period.occupancy),
        "adr": presenters.money(period.adr),
        "revpar": presenters.money(period.revpar),
    }


# --- deposits held ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    stay: Stay
    held: Decimal  # taken (deposits and payments) less given back


@dataclass(frozen=True)
class Deposits:
    rows: list[Held]
    by_method: dict[str, Decimal]  # card pre-authorisation / cash -> amount held
    total: Decimal


def deposits_held(actor) -> Deposits:
    """Money the desk holds for guests not yet settled, or owed back to a guest who left in a
    hurry: in the cash drawer or as card pre-authorisations."""
    authorize(actor, Capability.VIEW_HOTEL)
    stays = services.visible_stays(actor).filter(state__in=[*STAYING, Stay.State.REFUND_DUE]).order_by("room__number")
    by_method = {method: ZERO for method in Stay.DepositType.values}
    rows = []
    for stay in stays:
        held = ZERO
        for entry in stay.entries.all():
            if entry.kind in (FolioEntry.Kind.DEPOSIT, FolioEntry.Kind.PAYMENT):
                sign = 1
            elif entry.kind == FolioEntry.Kind.REFUND:
                sign = -1
            else:
                continue
            held += sign * entry.amount
            if entry.method in by_method:
                by_method[entry.method] += sign * entry.amount
        rows.append(Held(stay, held))
    return Deposits(rows, by_method, sum((r.held for r in rows), ZERO))


# --- the guest register for the police registration ------------------------------------------


def guest_register(actor, start: datetime.date, end: datetime.date):
    """The header, then one row per guest who arrived from `start` to `end`: name, nationality,
    ID document and number (in full only for roles allowed to see ID numbers), room, arrival,
    departure."""
    authorize(actor, Capability.VIEW_HOTEL)
    _check_range(start, end)
    countries = dict(dialling.country_choices())
    yield [
        _("Guest name"),
        _("Nationality"),
        _("ID document"),
        _("ID number"),
        _("Room"),
        _("Arrival"),
        _("Departure"),
        _("Checked in"),
    ]
    stays = services.visible_stays(actor).filter(arrival_date__range=(start, end)).order_by("checked_in_at", "id")
    for stay in stays:
        left = stay.checked_out_at or stay.key_returned_at
        yield [
            stay.guest_name,
            countries.get(stay.nationality, stay.nationality),
            str(stay.get_id_type_display()),
            presenters.id_number_display(stay.id_number, actor),
            stay.room.number,
            f"{stay.arrival_date:%Y-%m-%d}",
            f"{timezone.localdate(left):%Y-%m-%d}" if left else f"{stay.departure_date:%Y-%m-%d}",
            f"{timezone.localtime(stay.checked_in_at):%Y-%m-%d %H:%M}",
        ]


def register_csv(rows, filename: str) -> HttpResponse:
    return spreadsheets.csv_response(rows, filename)


def register_xlsx(rows, filename: str) -> HttpResponse:
    return spreadsheets.xlsx_response(rows, filename, _("Guest register"))
