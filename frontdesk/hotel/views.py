"""The hotel desk screens (seed 000 第四篇): the phone reservation that follows the call, the
reservations filed by date, check-in, the stay page with its folio, wake-up calls due, check-out,
the room-status board, the reports; and the two printable pages (deposit slip, bill).

Every page reads and writes through hotel.services (reports through hotel.reports) and shows
records through hotel.presenters, so masking and money formatting are the API's. A page never
changes state itself: each POST calls one service operation and redirects (or shows the
service's refusal next to the input it is about, with nothing changed).
"""

import datetime
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.roles import Capability
from frontdesk.core import clock
from frontdesk.core.errors import PermissionDenied, ServiceError
from frontdesk.core.pagination import keyset_page
from frontdesk.core.readback import hidden_inputs, typed_values
from frontdesk.core.text import clean_query
from frontdesk.core.views import add_service_error, more_url, render_fragment_or_page, service_page
from frontdesk.hotel import forms, policy, presenters, reports, services
from frontdesk.hotel.models import Reservation, Room, Stay, WakeUpCall

C = Capability

# --- printable pages ------------------------------------------------------------------------


def _context(request, stay_id: int) -> dict:
    stay = services.get_stay(request.user, stay_id)
    return {"stay": presenters.stay(stay, request.user), "printed_at": clock.now()}


@login_required
@service_page
def deposit_slip(request, stay_id: int):
    return render(request, "hotel/deposit_slip.html", _context(request, stay_id))


@login_required
@service_page
def bill(request, stay_id: int):
    return render(request, "hotel/bill.html", _context(request, stay_id))


# --- shared pieces --------------------------------------------------------------------------


def _require(user, capability) -> None:
    """Pages that only make sense to someone who may use them (the service checks again)."""
    if not user.can(capability):
        raise PermissionDenied()


def _offers_table(offers) -> list[dict]:
    return [presenters.offer(o) | {"rate_plan_id": o.rate_plan.id} for o in offers]


def _parse_date(value: str | None, default: datetime.date | None = None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


# --- phone reservation (seed 一) --------------------------------------------------------------


@login_required
@service_page
def reservation_new(request):
    """The booking follows the call: the date first and that day's rooms from the highest price
    down (GET), then the rest of the call (POST step=review), the read-back of everything with
    the clerk's staff number (nothing saved yet), and "confirm" saves."""
    _require(request.user, C.WORK_HOTEL_DESK)
    data = request.POST if request.method == "POST" else None
    step = request.POST.get("step", "review") if data else "edit"
    ask = forms.AvailabilityForm(request.GET or {"date": clock.today(), "nights": 1})
    arrival, nights = clock.today(), 1
    if data:
        arrival = _parse_date(data.get("arrival_date"), arrival)
        nights = int(data["nights"]) if data.get("nights", "").isdigit() else 1
    elif ask.is_valid():
        arrival, nights = ask.cleaned_data["date"], ask.cleaned_data["nights"]
    offers, offers_error = [], None
    try:
        offers = services.availability(request.user, arrival, nights)
    except ServiceError as exc:
        offers_error = " ".join(m for ms in exc.fields.values() for m in ms) or str(exc.message)
        offers = services.availability(request.user, clock.today(), 1)
    initial = {"arrival_date": arrival, "nights": nights, "rooms": 1}
    form = forms.ReservationForm(offers, data, initial=initial)
    status = 200
    if step == "edit" and data:
        form = forms.ReservationForm(offers, initial=typed_values(form))
    elif data:
        if form.is_valid():
            values = _reservation_values(form.cleaned_data)
            try:
                if step == "confirm":
                    reservation = services.book_reservation(request.user, **values)
                    messages.success(
                        request,
                        _("Reservation %(number)s saved. Give the caller your staff number: %(staff)s.")
                        % {"number": reservation.number, "staff": request.user.employee_number},
                    )
                    return redirect("hotel_reservation", reservation_id=reservation.id)
                preview = services.dry_run(services.book_reservation, request.user, **values)
            except ServiceError as exc:
                add_service_error(form, exc, {"arrival_date": None, "nights": None})
                status = exc.status
            else:
                context = {
                    "reservation": presenters.reservation(preview, request.user) | {"number": ""},
                    "source_name": dict(Reservation.Source.choices).get(preview.source, "—"),
                    "hidden": hidden_inputs(form),
                }
                return render(request, "hotel/reservation_read_back.html", context)
        else:
            status = 422
    context = {
        "ask": ask,
        "arrival": arrival,
        "nights": nights,
        "offers": _offers_table(offers),
        "offers_error": offers_error,
        "form": form,
    }
    return render(request, "hotel/reservation_new.html", context, status=status)


def _reservation_values(cleaned: dict) -> dict:
    values = dict(cleaned)
    hold_until = values.get("hold_until")
    if hold_until is not None and timezone.is_naive(hold_until):
        values["hold_until"] = timezone.make_aware(hold_until)
    if values["guaranteed"]:
        values["hold_until"] = None
    return values


@login_required
@service_page
def reservation_list(request):
    """Reservations filed by arrival date (seed 一.6), searched by name, pinyin or phone."""
    search = forms.ReservationSearchForm(request.GET or None)
    day = _parse_date(request.GET.get("date"), None if "date" in request.GET else clock.today())
    q = clean_query(request.GET.get("q"))
    found = services.find_reservations(request.user, q=q, arrival_date=day)
    rows, next_cursor = keyset_page(found, request.GET.get("cursor"), settings.FRONTDESK_PAGE_SIZE)
    context = {
        "search": search,
        "day": day,
        "q": q,
        "rows": [presenters.reservation(r, request.user) for r in rows],
        "more_url": more_url(next_cursor, date=request.GET.get("date", ""), q=q),
        "first_page": not request.GET.get("cursor"),
    }
    return render_fragment_or_page(request, "hotel/_reservation_rows.html", "hotel/reservation_list.html", context)


@login_required
@service_page
def reservation_detail(request, reservation_id: int):
    """One reservation read back, with the cancellation fee cancelling now would cost shown
    before the clerk confirms it (003: the policy told to the guest)."""
    reservation = services.get_reservation(request.user, reservation_id)
    cancellable = reservation.state in services.OPEN_RESERVATION and request.user.can(C.WORK_HOTEL_DESK)
    context = {
        "reservation": presenters.reservation(reservation, request.user),
        "cancellable": cancellable,
        "fee": presenters.money(services.cancellation_quote(request.user, reservation.id)) if cancellable else None,
        "can_check_in": cancellable and reservation.arrival_date == clock.today(),
        "source_name": dict(Reservation.Source.choices).get(reservation.source, ""),
        "stays": [presenters.stay(s, request.user) for s in services.visible_stays(request.user).filter(reservation=reservation)],
    }
    return render(request, "hotel/reservation_detail.html", context)


@login_required
@require_POST
@service_page
def reservation_cancel(request, reservation_id: int):
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        reservation = services.cancel_reservation(request.user, reservation_id, version=form.cleaned_data["version"])
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Reservation %(number)s cancelled; cancellation fee %(fee)s yuan.")
            % {"number": reservation.number, "fee": presenters.money(reservation.cancellation_fee)},
        )
    return redirect("hotel_reservation", reservation_id=reservation_id)


# --- check-in (seed 二) -----------------------------------------------------------------------


@login_required
@service_page
def check_in_find(request):
    """"Have you booked?": today's arrivals, found by name, pinyin or phone, or a walk-in."""
    _require(request.user, C.WORK_HOTEL_DESK)
    q = clean_query(request.GET.get("q"))
    found = services.find_reservations(request.user, q=q, arrival_date=clock.today()).filter(
        state__in=services.OPEN_RESERVATION
    )
    context = {"q": q, "rows": [presenters.reservation(r, request.user) for r in found.order_by("arrival_time")[:50]]}
    return render_fragment_or_page(request, "hotel/_arrival_rows.html", "hotel/check_in_find.html", context)


def _vacant_clean(room_type_id: int | None = None):
    rooms = Room.objects.select_related("room_type").filter(status=Room.Status.VACANT_CLEAN)
    return rooms.filter(room_type_id=room_type_id) if room_type_id else rooms


def _checked_in(request, stay: Stay):
    messages.success(
        request,
        _("%(guest)s checked in to room %(room)s. Print the deposit slip and hand it over with the key card.")
        % {"guest": presenters.addressed(stay.guest_name, stay.title), "room": stay.room.number},
    )
    return redirect(reverse("hotel_stay", args=[stay.id]) + "#deposit-slip")


@login_required
@service_page
def check_in(request, reservation_id: int):
    """The booking read back to the guest (seed 二.3), a vacant clean room of the booked type,
    the ID document and the deposit (二.4-5)."""
    _require(request.user, C.WORK_HOTEL_DESK)
    reservation = services.get_reservation(request.user, reservation_id)
    form = forms.CheckInForm(_vacant_clean(reservation.room_type_id), request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                stay = services.check_in(request.user, reservation_id=reservation.id, **form.cleaned_data)
            except ServiceError as exc:
                add_service_error(form, exc)
                status = exc.status
            else:
                return _checked_in(request, stay)
        else:
            status = 422
    context = {"reservation": presenters.reservation(reservation, request.user), "form": form}
    return render(request, "hotel/check_in.html", context, status=status)


@login_required
@service_page
def walk_in(request):
    """A guest without a booking: today's rooms offered as on the phone, then the same check-in."""
    _require(request.user, C.WORK_HOTEL_DESK)
    offers = services.availability(request.user, clock.today(), 1)
    data = request.POST or None
    guest = forms.WalkInForm(offers, data, prefix="guest")
    form = forms.CheckInForm(_vacant_clean(), data)
    status = 200
    if data is not None:
        if guest.is_valid() & form.is_valid():
            try:
                stay = services.check_in(request.user, walk_in=services.WalkIn(**guest.cleaned_data), **form.cleaned_data)
            except ServiceError as exc:
                # The guest's own fields (name, phone, rate ...) go on the guest form, the rest
                # (room, ID, deposit) and any general message on the check-in form.
                guest_part = {k: v for k, v in exc.fields.items() if k in guest.fields}
                for key, field_messages in guest_part.items():
                    for message in field_messages:
                        guest.add_error(key, message)
                rest = type(exc)(exc.message, {k: v for k, v in exc.fields.items() if k not in guest_part})
                if rest.fields or not guest_part:
                    add_service_error(form, rest)
                status = exc.status
            else:
                return _checked_in(request, stay)
        else:
            status = 422
    context = {"offers": _offers_table(offers), "guest": guest, "form": form}
    return render(request, "hotel/walk_in.html", context, status=status)


# --- the stay and its folio (seed 二.7, 三, 四) -------------------------------------------------


@login_required
@service_page
def stay_list(request):
    """Guests in house (and those checking out or owed a balance), by room."""
    q = clean_query(request.GET.get("q"))
    stays = services.find_stays(request.user, q=q).filter(
        state__in=[Stay.State.IN_HOUSE, Stay.State.CHECKING_OUT, Stay.State.REFUND_DUE]
    )
    context = {"q": q, "rows": [presenters.stay(s, request.user) for s in stays.order_by("room__number")]}
    return render_fragment_or_page(request, "hotel/_stay_rows.html", "hotel/stay_list.html", context)


def _stay_forms(stay: Stay) -> dict:
    version = {"version": stay.version}
    return {
        "charge_form": forms.ChargeForm(prefix="charge"),
        "deposit_form": forms.DepositForm(prefix="deposit"),
        "limit_form": forms.LimitForm(initial=version, prefix="limit"),
        "wakeup_form": forms.WakeUpForm(prefix="wakeup"),
        "check_out_form": forms.CheckOutForm(initial=version, prefix="checkout"),
        "consumption_forms": [forms.ConsumptionForm(prefix=f"item{i}") for i in range(3)],
        "room_check_form": forms.VersionForm(initial=version, prefix="roomcheck"),
        "settle_form": forms.SettleForm(initial=version, prefix="settle"),
        "refund_form": forms.RefundForm(initial=version, prefix="refund"),
        "message_form": forms.MessageForm(prefix="message"),
        "valuables_form": forms.ValuablesForm(prefix="valuables"),
    }


def _stay_page(request, stay: Stay, status: int = 200, **bound):
    """The stay page, with the one form just sent (and its errors) in place of the blank one."""
    context = _stay_forms(stay) | bound
    data = presenters.stay(stay, request.user)
    context.update(
        {
            "stay": data,
            "state": stay.state,
            "wakeup_calls": [presenters.wakeup_call(c) for c in stay.wakeup_calls.exclude(state=WakeUpCall.State.CANCELLED)],
            "policy": policy.policy_text(stay.reservation.free_cancellation_hours if stay.reservation else 24),
            "guest_messages": [presenters.guest_message(m) for m in services.guest_messages(request.user, stay_id=stay.id)],
            "valuables": [presenters.valuables_deposit(d) for d in services.valuables(request.user, stay_id=stay.id)],
            "now": clock.now(),
        }
    )
    return render(request, "hotel/stay_detail.html", context, status=status)


@login_required
@service_page
def stay_detail(request, stay_id: int):
    return _stay_page(request, services.get_stay(request.user, stay_id))


def _posted(request, stay_id: int, message: str, anchor: str = ""):
    messages.success(request, message)
    return redirect(reverse("hotel_stay", args=[stay_id]) + anchor)


def _stay_action(request, stay_id: int, form_name: str, form, run, done: str, anchor: str = "", field_map=None):
    """POST of one form of the stay page: call the service, or show the page again with the
    service's refusal on that form and nothing changed."""
    stay = services.get_stay(request.user, stay_id)
    status, refused = 422, ""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc, field_map)
            status, refused = exc.status, exc.code
        else:
            return _posted(request, stay_id, done, anchor)
    return _stay_page(request, stay, status, **{form_name: form, "refused": refused})


@login_required
@require_POST
@service_page
def post_charge(request, stay_id: int):
    form = forms.ChargeForm(request.POST, prefix="charge")

    def run(values):
        services.post_charge(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "charge_form", form, run, _("Charge posted."), "#folio")


@login_required
@require_POST
@service_page
def take_deposit(request, stay_id: int):
    form = forms.DepositForm(request.POST, prefix="deposit")

    def run(values):
        services.take_deposit(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "deposit_form", form, run, _("Deposit taken."), "#folio")


@login_required
@require_POST
@service_page
def raise_limit(request, stay_id: int):
    form = forms.LimitForm(request.POST, prefix="limit")

    def run(values):
        services.raise_limit(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "limit_form", form, run, _("Spending limit raised."), "#folio")


@login_required
@require_POST
@service_page
def book_wakeup_call(request, stay_id: int):
    """Seed 三: the call's time read back to the guest first ("you need two calls tomorrow at
    8, four minutes apart, right?"); "confirm" books it."""
    form = forms.WakeUpForm(request.POST, prefix="wakeup")
    stay = services.get_stay(request.user, stay_id)
    if form.is_valid():
        try:
            if request.POST.get("step") == "confirm":
                services.book_wakeup_call(request.user, stay_id, **form.cleaned_data)
                return _posted(request, stay_id, _("Wake-up call booked."), "#wakeup")
            calls = services.dry_run(services.book_wakeup_call, request.user, stay_id, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
            return _stay_page(request, stay, exc.status, wakeup_form=form)
        context = {
            "stay": presenters.stay(stay, request.user),
            "read_back": presenters.wakeup_read_back(calls),
            "hidden": hidden_inputs(form),
        }
        return render(request, "hotel/wakeup_read_back.html", context)
    if request.POST.get("step") == "edit":
        return _stay_page(request, stay, 200, wakeup_form=forms.WakeUpForm(initial=typed_values(form), prefix="wakeup"))
    return _stay_page(request, stay, 422, wakeup_form=form)


@login_required
@require_POST
@service_page
def start_check_out(request, stay_id: int):
    form = forms.CheckOutForm(request.POST, prefix="checkout")

    def run(values):
        services.start_check_out(request.user, stay_id, **values)

    done = _("Key card back. Housekeeping is asked to check the room.")
    return _stay_action(request, stay_id, "check_out_form", form, run, done, "#check-out")


@login_required
@require_POST
@service_page
def record_room_check(request, stay_id: int):
    """Housekeeping's call: what was consumed in the room (up to three lines on the page)."""
    form = forms.VersionForm(request.POST, prefix="roomcheck")
    items = [forms.ConsumptionForm(request.POST, prefix=f"item{i}") for i in range(3)]
    stay = services.get_stay(request.user, stay_id)
    if all([form.is_valid()] + [item.is_valid() for item in items]):
        lines = [item for item in items if not item.is_empty()]
        consumption = [services.Consumption(**item.cleaned_data) for item in lines]
        try:
            services.record_room_check(request.user, stay_id, version=form.cleaned_data["version"], consumption=consumption)
        except ServiceError as exc:
            for key, field_messages in exc.fields.items():
                # "consumption.0.amount" -> the amount of the first line filled in
                parts = key.split(".")
                target = lines[int(parts[1])] if parts[0] == "consumption" and len(parts) == 3 else form
                for message in field_messages:
                    target.add_error(parts[-1] if target is not form else None, message)
            if not exc.fields:
                form.add_error(None, str(exc.message))
            return _stay_page(request, stay, exc.status, room_check_form=form, consumption_forms=items)
        return _posted(request, stay_id, _("Room check recorded; the consumption is on the bill."), "#check-out")
    return _stay_page(request, stay, 422, room_check_form=form, consumption_forms=items)


@login_required
@require_POST
@service_page
def settle(request, stay_id: int):
    form = forms.SettleForm(request.POST, prefix="settle")

    def run(values):
        services.settle(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "settle_form", form, run, _("Bill settled."), "#check-out")


@login_required
@require_POST
@service_page
def refund_balance(request, stay_id: int):
    form = forms.RefundForm(request.POST, prefix="refund")

    def run(values):
        services.refund_balance(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "refund_form", form, run, _("Balance refunded."), "#check-out")


# --- wake-up calls due (seed 三) ---------------------------------------------------------------


@login_required
@service_page
def wakeup_calls(request):
    """The desk's task list: calls to make now (the worker turned them due at their minute),
    then the next ones with a countdown. Refreshes itself every 15 seconds."""
    calls = list(services.wakeup_calls(request.user).order_by("due_at", "id"))
    context = {
        "due": [presenters.wakeup_call(c) for c in calls if c.state == WakeUpCall.State.DUE],
        "upcoming": [presenters.wakeup_call(c) for c in calls if c.state == WakeUpCall.State.SCHEDULED][:20],
        "now": clock.now(),
    }
    return render_fragment_or_page(request, "hotel/_wakeup_rows.html", "hotel/wakeup_calls.html", context)


@login_required
@require_POST
@service_page
def wakeup_call_done(request, call_id: int):
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        call = services.mark_wakeup_call_made(request.user, call_id, version=form.cleaned_data["version"])
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Wake-up call to room %(room)s made.") % {"room": call.stay.room.number})
    return redirect("hotel_wakeup_calls")


# --- the room-status board (房态) ---------------------------------------------------------------


def _guest_shown(name: str, title: str, viewer) -> str:
    """The full name for those who see guests' contacts; "Mr 王" for the others."""
    return name if viewer.can(C.SEE_FULL_CONTACTS) else presenters.addressed(name, title)


@login_required
@service_page
def room_board(request):
    """Every room floor by floor, coloured by status, with the guest in it. Refreshes itself."""
    rooms = list(services.rooms(request.user))
    in_rooms = services.visible_stays(request.user).filter(state__in=services.STAYING).prefetch_related(None)
    staying = {stay.room_id: stay for stay in in_rooms}
    waiting = set(services.guest_messages(request.user, waiting=True).values_list("stay_id", flat=True))
    floors: dict[int, list] = {}
    for room in rooms:
        stay = staying.get(room.id)
        floors.setdefault(room.floor, []).append(
            presenters.room(room)
            | {
                "guest": _guest_shown(stay.guest_name, stay.title, request.user) if stay else "",
                "stay_id": stay.id if stay else None,
                "departure_date": stay.departure_date if stay else None,
                "message_waiting": bool(stay and stay.id in waiting),
            }
        )
    counts = {value: sum(1 for r in rooms if r.status == value) for value in Room.Status.values}
    context = {
        "floors": sorted(floors.items(), reverse=True),
        "legend": [(value, label, counts[value]) for value, label in Room.Status.choices],
    }
    return render_fragment_or_page(request, "hotel/_room_board.html", "hotel/room_board.html", context)


def _change_room(request, change, done: str, **values):
    """A room board button: the change, its refusal or its confirmation shown on the board."""
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        room = change(request.user, version=form.cleaned_data["version"], **values)
    except ServiceError as exc:
        # A refusal about one field (the reason left empty) says so, not just "correct the errors".
        said = [message for field_messages in exc.fields.values() for message in field_messages]
        messages.error(request, " ".join(said) or str(exc.message))
    else:
        messages.success(request, done % {"number": room.number})
    return redirect("hotel_rooms")


@login_required
@require_POST
@service_page
def room_clean(request, room_id: int):
    return _change_room(
        request, partial(services.mark_room_clean, room_id=room_id), _("Room %(number)s is vacant and clean.")
    )


@login_required
@require_POST
@service_page
def room_out_of_order(request, room_id: int):
    return _change_room(
        request,
        partial(services.take_room_out_of_order, room_id=room_id),
        _("Room %(number)s is out of order and no longer sold."),
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
@service_page
def room_back_in_service(request, room_id: int):
    return _change_room(
        request,
        partial(services.return_room_to_service, room_id=room_id),
        _("Room %(number)s is sold again; it is vacant dirty until housekeeping has made it up."),
    )


# --- reports ------------------------------------------------------------------------------


def _report_range(request) -> tuple[datetime.date, datetime.date]:
    """From the GET form; by default the month so far."""
    today = clock.today()
    end = _parse_date(request.GET.get("end"), today)
    start = _parse_date(request.GET.get("start"), end.replace(day=1))
    return start, end


@login_required
@service_page
def report_page(request):
    start, end = _report_range(request)
    today = reports.today_lists(request.user)
    deposits = reports.deposits_held(request.user)
    context = {
        "form": forms.ReportForm(initial={"start": start, "end": end}),
        "start": start,
        "end": end,
        "today": {
            "day": today.day,
            "arrivals": [presenters.reservation(r, request.user) for r in today.arrivals],
            "walk_ins": [presenters.stay(s, request.user) for s in today.walk_ins],
            "in_house": [presenters.stay(s, request.user) for s in today.in_house],
            "departures": [presenters.stay(s, request.user) for s in today.departures],
            "arrival_count": len(today.arrivals) + len(today.walk_ins),
        },
        "nightly": [reports.period_row(p) for p in reports.nightly(request.user, start, end)],
        "monthly": [reports.period_row(p) for p in reports.monthly(request.user, start, end)],
        "deposits": {
            "rows": [{"stay": presenters.stay(r.stay, request.user), "held": presenters.money(r.held)} for r in deposits.rows],
            "by_method": [(label, presenters.money(deposits.by_method[value])) for value, label in Stay.DepositType.choices],
            "total": presenters.money(deposits.total),
        },
        "export_query": f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
    }
    return render(request, "hotel/reports.html", context)


@login_required
@service_page
def guest_register_export(request, file_format: str):
    """The guest register for the police registration, as CSV (with BOM) or XLSX."""
    start, end = _report_range(request)
    rows = reports.guest_register(request.user, start, end)
    filename = f"guest-register-{start:%Y%m%d}-{end:%Y%m%d}.{file_format}"
    if file_format == "csv":
        return reports.register_csv(rows, filename)
    if file_format == "xlsx":
        return reports.register_xlsx(rows, filename)
    raise Http404


def hotel_nav(user) -> list[tuple[str, str]]:
    """The hotel entries of the main navigation for this person: (url name, label). None until
    the hotel has rooms: a property office that runs no hotel never sees them."""
    if user is None or not user.is_authenticated or not user.can(C.VIEW_HOTEL) or not Room.objects.exists():
        return []
    items = [("hotel_reservations", _("Reservations"))]
    if user.can(C.WORK_HOTEL_DESK):
        items += [("hotel_reservation_new", _("Phone reservation")), ("hotel_check_in", _("Check-in"))]
    items += [
        ("hotel_stays", _("In house")),
        ("hotel_wakeup_calls", _("Wake-up calls")),
        ("hotel_rooms", _("Room status")),
        ("hotel_switchboard", _("Switchboard")),
        ("hotel_reports", _("Hotel reports")),
    ]
    return items


# --- in-stay services (seed 三): messages, valuables, the switchboard ---------------------------


@login_required
@require_POST
@service_page
def take_message(request, stay_id: int):
    form = forms.MessageForm(request.POST, prefix="message")

    def run(values):
        services.take_message(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "message_form", form, run, _("Message taken; the room shows it waiting."), "#messages")


def _row_action(request, stay_id: int, form, run, done: str, anchor: str):
    """A button on one row of the stay page (deliver a message, give valuables back): done, or
    the service's refusal shown at the top of the page, with nothing changed."""
    if not form.is_valid():
        raise Http404
    try:
        run(form.cleaned_data)
    except ServiceError as exc:
        messages.error(request, " ".join([str(exc.message)] + [m for ms in exc.fields.values() for m in ms]))
    else:
        messages.success(request, done)
    return redirect(reverse("hotel_stay", args=[stay_id]) + anchor)


@login_required
@require_POST
@service_page
def deliver_message(request, message_id: int):
    message = services.guest_messages(request.user).filter(id=message_id).first()
    if message is None:
        raise Http404

    def run(values):
        services.deliver_message(request.user, message_id, version=values["version"])

    return _row_action(request, message.stay_id, forms.VersionForm(request.POST), run, _("Message delivered."), "#messages")


@login_required
@require_POST
@service_page
def deposit_valuables(request, stay_id: int):
    form = forms.ValuablesForm(request.POST, prefix="valuables")

    def run(values):
        services.deposit_valuables(request.user, stay_id, **values)

    return _stay_action(request, stay_id, "valuables_form", form, run, _("Valuables deposited."), "#valuables")


@login_required
@require_POST
@service_page
def withdraw_valuables(request, deposit_id: int):
    deposit = services.valuables(request.user).filter(id=deposit_id).first()
    if deposit is None:
        raise Http404

    def run(values):
        services.withdraw_valuables(request.user, deposit_id, **values)

    form = forms.WithdrawForm(request.POST)
    return _row_action(request, deposit.stay_id, form, run, _("Valuables given back."), "#valuables")


def _switchboard_page(request, status: int = 200, **bound):
    """The directory of local offices and the calling-code lookup on one page."""
    q = clean_query(request.GET.get("q"))
    code_q = clean_query(request.GET.get("code"))
    entries = list(services.directory(request.user, q))
    edit_id = bound.pop("edit_id", None) or request.GET.get("edit")
    editing = next((e for e in entries if str(e.id) == str(edit_id)), None)
    context = {
        "q": q,
        "code_q": code_q,
        "entries": [presenters.directory_entry(e) for e in entries],
        "codes": [presenters.dialling_code(c) for c in services.dialling_codes(request.user, code_q)] if code_q else [],
        "directory_form": forms.DirectoryForm(),
        "editing": presenters.directory_entry(editing) if editing else None,
        "edit_form": forms.DirectoryEditForm(
            initial={"version": editing.version, "name": editing.name, "phone": editing.phone, "note": editing.note},
            prefix="edit",
        )
        if editing
        else None,
    } | bound
    return render(request, "hotel/switchboard.html", context, status=status)


@login_required
@service_page
def switchboard(request):
    return _switchboard_page(request)


@login_required
@require_POST
@service_page
def directory_add(request):
    form = forms.DirectoryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.add_directory_entry(request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
            return _switchboard_page(request, exc.status, directory_form=form)
        messages.success(request, _("%(name)s added to the directory.") % {"name": entry.name})
        return redirect("hotel_switchboard")
    return _switchboard_page(request, 422, directory_form=form)


@login_required
@require_POST
@service_page
def directory_edit(request, entry_id: int):
    form = forms.DirectoryEditForm(request.POST, prefix="edit")
    if form.is_valid():
        try:
            entry = services.update_directory_entry(request.user, entry_id, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
            return _switchboard_page(request, exc.status, edit_form=form, edit_id=entry_id)
        messages.success(request, _("%(name)s changed.") % {"name": entry.name})
        return redirect("hotel_switchboard")
    return _switchboard_page(request, 422, edit_form=form, edit_id=entry_id)
