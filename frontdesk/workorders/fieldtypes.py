"""What a value of each field type may be, and the form it is stored in (JSON).

`clean_fields` checks everything an action records and raises one InvalidInput naming each bad
field as "fields.<name>", in the user's language, before anything is written.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.core import clock
from frontdesk.core.errors import InvalidInput
from frontdesk.core.idnumbers import validate_resident_id
from frontdesk.core.phones import normalise_phone
from frontdesk.workorders.procedure import FIELD_TYPES, ActionSpec, FieldSpec, Procedure

TEXT_MAX = 200
LONG_TEXT_MAX = 4000
ROOM_MAX = 64
COUNT_MAX = 1_000_000
MONEY_MAX = Decimal("9999999999.99")
CENT = Decimal("0.01")


class BadValue(Exception):
    def __init__(self, message):
        self.message = str(message)


def clean_fields(procedure: Procedure, action: ActionSpec, raw) -> dict:
    """The fields `action` records, cleaned to their stored form. Blank optional fields are left out."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InvalidInput(fields={"fields": [_("Send the fields as names and values.")]})
    errors: dict[str, list[str]] = {}
    for name in raw:
        if name not in action.fields:
            errors[f"fields.{name}"] = [_("This action does not record this field.")]
    cleaned = {}
    for name in action.fields:
        value = raw.get(name)
        if is_blank(value):
            if name in action.requires:
                errors[f"fields.{name}"] = [_("This field is required.")]
            continue
        try:
            cleaned[name] = clean_value(procedure.fields[name], value)
        except BadValue as exc:
            errors[f"fields.{name}"] = [exc.message]
    for name, conditions in action.requires_when:
        if name not in cleaned and f"fields.{name}" not in errors:
            # The conditions read this action's own fields (the loader sees to it), so what the
            # person sent decides; a condition on a field that was refused does not hold.
            if all(condition.holds(cleaned.get(condition.field)) for condition in conditions):
                errors[f"fields.{name}"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(fields=errors)
    return cleaned


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_value(spec: FieldSpec, value):
    return _CLEANERS[spec.type](spec, value)


def _text(limit: int):
    def clean(spec: FieldSpec, value) -> str:
        if not isinstance(value, str):
            raise BadValue(_("Enter text."))
        value = value.strip()
        if len(value) > limit:
            raise BadValue(
                _("Keep this under %(limit)d characters (it has %(length)d).") % {"limit": limit, "length": len(value)}
            )
        return value

    return clean


def _phone(spec: FieldSpec, value) -> str:
    if not isinstance(value, str):
        raise BadValue(_("Enter a phone number."))
    try:
        return normalise_phone(value)
    except InvalidInput as exc:
        raise BadValue(next(iter(exc.fields.values()))[0]) from None


def _id_number(spec: FieldSpec, value) -> str:
    if not isinstance(value, str):
        raise BadValue(_("An ID number has 18 characters: 17 digits, then a digit or X."))
    try:
        return validate_resident_id(value)
    except InvalidInput as exc:
        raise BadValue(next(iter(exc.fields.values()))[0]) from None


def _datetime(spec: FieldSpec, value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.datetime):
        raise BadValue(_("Enter a date and time, e.g. 2026-11-23 14:30."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if spec.future and value <= clock.now():
        raise BadValue(_("Choose a time later than now."))
    return timezone.localtime(value).isoformat()


def _choice(spec: FieldSpec, value) -> str:
    if value not in spec.option_keys:
        names = "、".join(name.get() for _key, name in spec.options)
        raise BadValue(_("Choose one of: %(options)s.") % {"options": names})
    return value


def money_text(amount: Decimal) -> str:
    """The stored form of an amount: yuan rounded half up to the fen, "14.00"."""
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _money(spec: FieldSpec, value) -> str:
    """Yuan with at most two decimals, stored as a string ("350.00") so no float ever touches it."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise BadValue(_("Enter an amount in yuan, e.g. 350.00."))
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise BadValue(_("Enter an amount in yuan, e.g. 350.00.")) from None
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX:
        raise BadValue(_("Enter an amount in yuan, e.g. 350.00."))
    if amount != amount.quantize(CENT):
        raise BadValue(_("An amount has at most two decimals (fen)."))
    return money_text(amount)


def _whole_number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _count(spec: FieldSpec, value) -> int:
    number = _whole_number(value)
    if number is None or not 0 <= number <= COUNT_MAX:
        raise BadValue(_("Enter a whole number from 0 to %(max)d.") % {"max": COUNT_MAX})
    return number


def _rating(spec: FieldSpec, value) -> int:
    number = _whole_number(value)
    if number is None or not 1 <= number <= 5:
        raise BadValue(_("Rate from 1 (poor) to 5 (excellent)."))
    return number


def _reference(model_path: str, message):
    def clean(spec: FieldSpec, value) -> int:
        from django.apps import apps

        number = _whole_number(value)
        model = apps.get_model(model_path)
        filters = {"id": number}
        if model_path == "customers.Customer":
            filters["merged_into__isnull"] = True  # a merged record lives on in the record it joined
        else:
            filters["is_active"] = True
        if number is None or not model.objects.filter(**filters).exists():
            raise BadValue(message())
        return number

    return clean


_CLEANERS = {
    "text": _text(TEXT_MAX),
    "long_text": _text(LONG_TEXT_MAX),
    "phone": _phone,
    "id_number": _id_number,
    "datetime": _datetime,
    "choice": _choice,
    "money": _money,
    "count": _count,
    "room": _text(ROOM_MAX),
    "customer": _reference("customers.Customer", lambda: _("No such customer in the archive.")),
    "department": _reference("accounts.Department", lambda: _("No such active department.")),
    "staff": _reference("accounts.Staff", lambda: _("No such active staff member.")),
    "rating": _rating,
}

assert set(_CLEANERS) == set(FIELD_TYPES), "every field type needs a cleaner"
