"""The hotel's rules as arithmetic, kept apart from the code that writes, so that each rule is
read (and changed) in one place: amounts in yuan, the cancellation fee, the nights and the
late check-out charge. Every amount is a Decimal; a float is refused, never rounded."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core.errors import field_error
from frontdesk.workorders.fieldtypes import CENT, MONEY_MAX, money_text  # noqa: F401 - the one yuan format

# Seed 000 二.4: "退房時間為中午的12點". After that, the usual rule of Chinese hotels: until
# 18:00 half a night's price, from 18:00 a whole night.
CHECK_OUT_TIME = datetime.time(12, 0)
HALF_DAY_UNTIL = datetime.time(18, 0)
MAX_NIGHTS = 30
MAX_ROOMS = 10

def parse_money(value, field: str) -> Decimal:
    """An amount in yuan as the desk types it ("900", "900.00", 900): more than zero, at most
    two decimals. A float is refused, because 0.1 + 0.2 is not 0.3."""
    if isinstance(value, (bool, float)) or not isinstance(value, (str, int, Decimal)):
        raise field_error(field, _('Send the amount as text in yuan, e.g. "475.00".'))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise field_error(field, _("Enter an amount in yuan, e.g. 350.00.")) from None
    if not amount.is_finite() or amount <= 0 or amount > MONEY_MAX:
        raise field_error(field, _("Enter an amount in yuan more than zero, e.g. 350.00."))
    if amount != amount.quantize(CENT):
        raise field_error(field, _("An amount has at most two decimals (fen)."))
    return amount.quantize(CENT)


def arrival_moment(arrival_date: datetime.date, arrival_time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(arrival_date, arrival_time))


def cancellation_fee(
    *, price: Decimal, rooms: int, arrival: datetime.datetime, free_hours: int, now: datetime.datetime
) -> Decimal:
    """Free until `free_hours` before the arrival time; after that the first night of each room."""
    if now <= arrival - datetime.timedelta(hours=free_hours):
        return Decimal("0.00")
    return (price * rooms).quantize(CENT)


def nights_stayed(arrival_date: datetime.date, leaving: datetime.datetime) -> int:
    """Nights between arrival and the day the guest leaves; a guest leaving on the day of
    arrival still pays one night."""
    return max(1, (timezone.localdate(leaving) - arrival_date).days)


def late_check_out_charge(price: Decimal, arrival_date: datetime.date, leaving: datetime.datetime) -> Decimal:
    """Leaving after 12:00 costs half a night until 18:00, a whole night from 18:00. Not on a
    day-use stay left the day of arrival: that is already a night."""
    local = timezone.localtime(leaving)
    if local.date() == arrival_date or local.time() <= CHECK_OUT_TIME:
        return Decimal("0.00")
    if local.time() < HALF_DAY_UNTIL:
        return (price / 2).quantize(CENT)
    return price


def policy_text(free_hours: int) -> str:
    return _(
        "Free cancellation until %(hours)d hours before the arrival time; after that, the first night "
        "of each room is charged. Check-out is at 12:00; until 18:00 half a night is charged, "
        "after 18:00 a whole night."
    ) % {"hours": free_hours}
