"""How hotel records are shown to a viewer: money as "475.00", names in the viewer's language,
and the one place where a guest's phone and ID number are masked for roles without the right
(the API, the slip and the bill all call these)."""

import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.accounts.roles import Capability
from frontdesk.core.idnumbers import mask_id_number
from frontdesk.core.phones import format_phone, mask_phone
from frontdesk.hotel import policy, services
from frontdesk.hotel.models import (
    DirectoryEntry,
    FolioEntry,
    GuestMessage,
    Reservation,
    Room,
    RoomType,
    Stay,
    ValuablesDeposit,
    WakeUpCall,
)

money = policy.money_text
NOTHING = Decimal("0.00")


def phone_display(e164: str, viewer) -> str:
    return format_phone(e164) if viewer.can(Capability.SEE_FULL_CONTACTS) else mask_phone(e164)


def id_number_display(value: str, viewer) -> str:
    return value if viewer.can(Capability.SEE_ID_NUMBERS) else mask_id_number(value)


def addressed(name: str, title: str) -> str:
    """王先生 / Mr 王: the surname with the title, as the desk addresses the guest (seed 一.3).
    A Chinese name's surname is its first character (two-character surnames are rare)."""
    surname = name[:1] if re.match(r"[\u4e00-\u9fff]", name) else name
    if title == Reservation.Title.MR:
        return _("Mr %(surname)s") % {"surname": surname}
    return _("Ms %(surname)s") % {"surname": surname}


def staff_ref(staff) -> dict | None:
    if staff is None:
        return None
    return {"id": staff.id, "name": staff.full_name or staff.username, "staff_number": staff.employee_number}


def room_type(item: RoomType) -> dict:
    return {
        "id": item.id,
        "code": item.code,
        "name": item.name,
        "facilities": item.facilities,
        "view": item.view,
        "view_name": str(item.get_view_display()),
        "smoking": item.smoking,
    }


def room(item: Room) -> dict:
    return {
        "id": item.id,
        "number": item.number,
        "floor": item.floor,
        "room_type": {"id": item.room_type.id, "code": item.room_type.code, "name": item.room_type.name},
        "status": item.status,
        "status_name": str(item.get_status_display()),
        "out_of_order_reason": item.out_of_order_reason,
        "version": item.version,
    }


def offer(item: services.Offer) -> dict:
    return {
        "room_type": room_type(item.room_type),
        "rate_plan": {"id": item.rate_plan.id, "code": item.rate_plan.code, "name": item.rate_plan.name},
        "price": money(item.rate_plan.price),
        "rooms_left": item.rooms_left,
        "policy": policy.policy_text(item.rate_plan.free_cancellation_hours),
    }


def read_back(item: Reservation, viewer) -> str:
    """What the desk reads to the caller before hanging up (seed 一.4-5)."""
    text = _(
        "%(guest)s, you have booked %(rooms)d %(room_type)s from %(arrival)s for %(nights)d night(s) at "
        "%(price)s yuan a night, arriving about %(time)s. Your phone: %(phone)s."
    ) % {
        "guest": addressed(item.guest_name, item.title),
        "rooms": item.rooms,
        "room_type": item.room_type.name,
        "arrival": f"{item.arrival_date:%Y-%m-%d}",
        "nights": item.nights,
        "price": money(item.price),
        "time": f"{item.arrival_time:%H:%M}",
        "phone": phone_display(item.phone, viewer),
    }
    if item.hold_until:
        text += " " + _("We hold the room until %(time)s.") % {"time": f"{timezone.localtime(item.hold_until):%Y-%m-%d %H:%M}"}
    if item.special_requests:
        text += " " + _("Special requests: %(requests)s.") % {"requests": item.special_requests}
    text += " " + _("My staff number is %(number)s.") % {"number": item.booked_by.employee_number}
    return text


def reservation(item: Reservation, viewer) -> dict:
    return {
        "id": item.id,
        "number": item.number,
        "customer_id": item.customer_id,
        "guest_name": item.guest_name,
        "title": item.title,
        "addressed_as": addressed(item.guest_name, item.title),
        "phone": phone_display(item.phone, viewer),
        "room_type": {"id": item.room_type.id, "code": item.room_type.code, "name": item.room_type.name},
        "rate_plan_id": item.rate_plan_id,
        "price": money(item.price),
        "rooms": item.rooms,
        "arrival_date": item.arrival_date,
        "arrival_time": item.arrival_time,
        "nights": item.nights,
        "special_requests": item.special_requests,
        "hold_until": item.hold_until,
        "source": item.source,
        "state": item.state,
        "state_name": str(item.get_state_display()),
        "policy": policy.policy_text(item.free_cancellation_hours),
        "cancellation_fee": money(item.cancellation_fee) if item.cancellation_fee is not None else None,
        "booked_by": staff_ref(item.booked_by),
        "staff_number": item.booked_by.employee_number,
        "created_at": item.created_at,
        "read_back": read_back(item, viewer),
        "version": item.version,
    }


def folio_entry(entry: FolioEntry) -> dict:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "kind_name": str(entry.get_kind_display()),
        "category": entry.category,
        "category_name": str(entry.get_category_display()) if entry.category else "",
        "method": entry.method,
        "description": entry.description,
        "amount": money(entry.amount),
        "posted_at": entry.posted_at,
        "posted_by": staff_ref(entry.posted_by),
    }


def folio(stay: Stay) -> dict:
    """The account as the bill shows it (seed 四.4): each charge, the total, what was paid in
    advance and the change given back."""
    sums = services.account(stay)
    entries = list(stay.entries.all())
    return {
        "entries": [folio_entry(e) for e in entries],
        "charges": [folio_entry(e) for e in entries if e.kind == FolioEntry.Kind.CHARGE],
        "total_charges": money(sums.charges),
        "deposits": money(sums.deposits),
        "payments": money(sums.payments),
        "refunded": money(sums.refunds),
        "balance": money(sums.balance),
        "extra_credit": money(sums.extra_credit),
        "spending_left": money(max(sums.spending_left, NOTHING)) if stay.state == Stay.State.IN_HOUSE else money(NOTHING),
    }


def stay(item: Stay, viewer) -> dict:
    return {
        "id": item.id,
        "reservation_id": item.reservation_id,
        "reservation_number": item.reservation.number if item.reservation else None,
        "customer_id": item.customer_id,
        "guest_name": item.guest_name,
        "title": item.title,
        "addressed_as": addressed(item.guest_name, item.title),
        "id_type": item.id_type,
        "id_type_name": str(item.get_id_type_display()),
        "id_number": id_number_display(item.id_number, viewer),
        "room": {"id": item.room.id, "number": item.room.number, "floor": item.room.floor},
        "room_type": {"id": item.room.room_type.id, "code": item.room.room_type.code, "name": item.room.room_type.name},
        "price": money(item.price),
        "arrival_date": item.arrival_date,
        "departure_date": item.departure_date,
        "deposit_type": item.deposit_type,
        "deposit_type_name": str(item.get_deposit_type_display()),
        "state": item.state,
        "state_name": str(item.get_state_display()),
        "checked_in_at": item.checked_in_at,
        "checked_in_by": staff_ref(item.checked_in_by),
        "key_returned_at": item.key_returned_at,
        "left_before_room_check": item.left_before_room_check,
        "room_checked_at": item.room_checked_at,
        "settled_at": item.settled_at,
        "checked_out_at": item.checked_out_at,
        "folio": folio(item),
        "version": item.version,
    }


def wakeup_call(item: WakeUpCall) -> dict:
    return {
        "id": item.id,
        "stay_id": item.stay_id,
        "room": item.stay.room.number,
        "guest": addressed(item.stay.guest_name, item.stay.title),
        "due_at": item.due_at,
        "second_call": item.first_call_id is not None,
        "state": item.state,
        "state_name": str(item.get_state_display()),
        "fired_at": item.fired_at,
        "done_at": item.done_at,
        "version": item.version,
    }


def wakeup_read_back(calls: list[WakeUpCall]) -> str:
    """Seed 三: "你需要明天8点叫醒2次,间隔时间是4分钟,对吗?" """
    first = calls[0]
    values = {
        "guest": addressed(first.stay.guest_name, first.stay.title),
        "room": first.stay.room.number,
        "at": f"{timezone.localtime(first.due_at):%Y-%m-%d %H:%M}",
    }
    if len(calls) == 1:
        return _("%(guest)s, room %(room)s: one wake-up call at %(at)s. Is that right?") % values
    values["minutes"] = int((calls[1].due_at - first.due_at).total_seconds() // 60)
    return _(
        "%(guest)s, room %(room)s: a wake-up call at %(at)s and a second one %(minutes)d minutes later. Is that right?"
    ) % values


def guest_message(item: GuestMessage) -> dict:
    return {
        "id": item.id,
        "stay_id": item.stay_id,
        "room": item.stay.room.number,
        "guest": addressed(item.stay.guest_name, item.stay.title),
        "sender": item.sender,
        "text": item.text,
        "taken_at": item.taken_at,
        "taken_by": staff_ref(item.taken_by),
        "delivered": item.delivered_at is not None,
        "delivered_at": item.delivered_at,
        "delivered_by": staff_ref(item.delivered_by),
        "version": item.version,
    }


def valuables_deposit(item: ValuablesDeposit) -> dict:
    return {
        "id": item.id,
        "stay_id": item.stay_id,
        "room": item.stay.room.number,
        "box_number": item.box_number,
        "items": item.items,
        "deposited_at": item.deposited_at,
        "deposited_by": staff_ref(item.deposited_by),
        "deposit_signed": item.deposit_signed,
        "held": item.withdrawn_at is None,
        "withdrawn_at": item.withdrawn_at,
        "withdrawn_by": staff_ref(item.withdrawn_by),
        "withdrawal_signed": item.withdrawal_signed,
        "version": item.version,
    }


def directory_entry(item: DirectoryEntry) -> dict:
    """An office's number is public, so it is shown in full to everyone who sees the hotel."""
    return {
        "id": item.id,
        "name": item.name,
        "phone": format_phone(item.phone),
        "phone_e164": item.phone,
        "note": item.note,
        "version": item.version,
    }


def dialling_code(item) -> dict:
    return {"kind": item.kind, "code": item.code, "region": item.region, "name": item.name}
