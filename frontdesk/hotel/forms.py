"""Forms of the hotel desk screens. They only check the shape of what was typed (a date is a
date, a number a number); every rule (rooms left, the hold-until time, a valid ID number, the
prepayment limit) is hotel.services', whose refusal the page puts next to the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.hotel import dialling, policy
from frontdesk.hotel.models import FolioEntry, Reservation, Stay


def _text(**attrs):
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


def _money(label, **kwargs):
    return forms.CharField(
        label=label, max_length=20, widget=_text(inputmode="decimal", placeholder="0.00"),
        help_text=_("In yuan, e.g. 350.00."), **kwargs,
    )


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _time(label, **kwargs):
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **kwargs)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AvailabilityForm(forms.Form):
    """The first question of the call (seed 一.2): which day, how many nights."""

    date = _date(_("Arrival date"))
    nights = forms.IntegerField(label=_("Nights"), min_value=1, max_value=policy.MAX_NIGHTS, initial=1)


class ReservationForm(forms.Form):
    """The rest of the call (seed 一.3), in the order the seed asks it."""

    rate_plan_id = forms.TypedChoiceField(label=_("Room and rate"), coerce=int, widget=forms.RadioSelect)
    arrival_date = _date(_("Arrival date"))
    nights = forms.IntegerField(label=_("Nights"), min_value=1, max_value=policy.MAX_NIGHTS)
    rooms = forms.IntegerField(label=_("Number of rooms"), min_value=1, max_value=policy.MAX_ROOMS, initial=1)
    arrival_time = _time(_("Arrival time (about)"))
    guest_name = forms.CharField(label=_("Guest name"), max_length=100, widget=_text())
    title = forms.ChoiceField(label=_("Form of address"), choices=Reservation.Title.choices, widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Phone"), max_length=40, widget=_text(type="tel", inputmode="tel", placeholder="138 0013 8000"))
    special_requests = forms.CharField(
        label=_("Special requests"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Non-smoking, river view, extra bed …"),
    )
    guaranteed = forms.BooleanField(
        label=_("Guaranteed (card or prepayment): keep the room all night"), required=False
    )
    hold_until = forms.DateTimeField(
        label=_("Hold the room until"), required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    source = forms.ChoiceField(
        label=_("How the guest heard of the hotel"), required=False,
        choices=[("", "—"), *Reservation.Source.choices],
    )

    def __init__(self, offers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_plan_id"].choices = [(o.rate_plan.id, o.rate_plan.name) for o in offers]


class ReservationSearchForm(forms.Form):
    date = _date(_("Arrival date"), required=False)
    q = forms.CharField(label=_("Name, pinyin or phone"), required=False, max_length=100)


class WalkInForm(forms.Form):
    """A guest without a booking (散客): the rate, the nights and who they are."""

    rate_plan_id = forms.TypedChoiceField(label=_("Room and rate"), coerce=int)
    nights = forms.IntegerField(label=_("Nights"), min_value=1, max_value=policy.MAX_NIGHTS, initial=1)
    guest_name = forms.CharField(label=_("Guest name"), max_length=100, widget=_text())
    title = forms.ChoiceField(label=_("Form of address"), choices=Reservation.Title.choices, widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Phone"), max_length=40, widget=_text(type="tel", inputmode="tel"))

    def __init__(self, offers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_plan_id"].choices = [
            (o.rate_plan.id, f"{o.room_type.name} · {o.rate_plan.name} · {policy.money_text(o.rate_plan.price)}")
            for o in offers
        ]


class CheckInForm(forms.Form):
    """Seed 二.4-5: the room, the ID document, the deposit."""

    room_id = forms.TypedChoiceField(label=_("Room"), coerce=int)
    id_type = forms.ChoiceField(label=_("ID document"), choices=Stay.IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=40, widget=_text(spellcheck="false"))
    nationality = forms.ChoiceField(label=_("Nationality"), initial="CN", required=False)
    deposit_type = forms.ChoiceField(label=_("Deposit type"), choices=Stay.DepositType.choices, widget=forms.RadioSelect)
    deposit = _money(_("Deposit"))

    def __init__(self, rooms, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room_id"].choices = [(r.id, f"{r.number} · {r.room_type.name}") for r in rooms]
        self.fields["nationality"].choices = dialling.country_choices()


CHARGE_CATEGORIES = [
    (value, label)
    for value, label in FolioEntry.Category.choices
    if value not in (FolioEntry.Category.ROOM, FolioEntry.Category.LATE_CHECK_OUT)
]


class ChargeForm(forms.Form):
    category = forms.ChoiceField(label=_("For"), choices=CHARGE_CATEGORIES)
    description = forms.CharField(label=_("Description"), required=False, max_length=100, widget=_text())
    amount = _money(_("Amount"))


class DepositForm(forms.Form):
    amount = _money(_("Amount"))
    method = forms.ChoiceField(label=_("Method"), choices=Stay.DepositType.choices, widget=forms.RadioSelect)


class LimitForm(VersionForm):
    amount = _money(_("Raise by"))
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=_text())


class WakeUpForm(forms.Form):
    """Seed 三: the time, whether a second call is wanted and after how long."""

    time = _time(_("Call at"))
    date = _date(_("Date"), required=False, help_text=_("Leave empty for the next time the clock shows this time."))
    repeat_after_minutes = forms.IntegerField(
        label=_("Second call after (minutes)"), required=False, min_value=1, max_value=60,
        help_text=_("Leave empty for one call."),
    )


class CheckOutForm(VersionForm):
    key_card_returned = forms.BooleanField(label=_("Key card returned"), required=False)
    guest_leaves_now = forms.BooleanField(label=_("The guest is in a hurry and leaves before the room check"), required=False)


class ConsumptionForm(forms.Form):
    """One thing housekeeping found consumed (a bottle of water, 20.00)."""

    category = forms.ChoiceField(label=_("For"), choices=[("", "—"), *CHARGE_CATEGORIES], required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=100, widget=_text())
    amount = forms.CharField(label=_("Amount"), required=False, max_length=20, widget=_text(inputmode="decimal", placeholder="0.00"))

    def is_empty(self) -> bool:
        return not (self.cleaned_data.get("category") or self.cleaned_data.get("amount"))


class SettleForm(VersionForm):
    phone_confirmed = forms.BooleanField(label=_("The guest confirmed the bill by phone"), required=False)
    payment_method = forms.ChoiceField(
        label=_("The guest pays the rest by"), required=False, choices=[("", "—"), *Stay.DepositType.choices]
    )


class RefundForm(VersionForm):
    deposit_slip_returned = forms.BooleanField(label=_("Deposit slip handed back"), required=False)


class ReportForm(forms.Form):
    start = _date(_("From"), required=False)
    end = _date(_("To"), required=False)


# --- in-stay services (seed 三) ---------------------------------------------------------------


class MessageForm(forms.Form):
    sender = forms.CharField(label=_("Message from"), max_length=100, widget=_text())
    text = forms.CharField(label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ValuablesForm(forms.Form):
    box_number = forms.CharField(label=_("Box number"), max_length=20, widget=_text())
    items = forms.CharField(label=_("Items"), max_length=500, widget=_text())
    guest_signed = forms.BooleanField(label=_("The guest signed the deposit card"), required=False)


class WithdrawForm(VersionForm):
    guest_signed = forms.BooleanField(label=_("The guest signed for the valuables"), required=False)


class DirectoryForm(forms.Form):
    name = forms.CharField(label=_("Office"), max_length=100, widget=_text())
    phone = forms.CharField(label=_("Phone"), max_length=40, widget=_text(type="tel", inputmode="tel"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200, widget=_text())


class DirectoryEditForm(VersionForm, DirectoryForm):
    pass
