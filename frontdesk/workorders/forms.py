"""Work-order forms, generated from the procedure: one input per field an action records, with
a widget chosen by the field's type. The values are checked by the engine's own validator
(fieldtypes.clean_fields, the one create_work_order and take_action run), so a page says
exactly what the service would say; the service checks again when it saves.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import Department, Staff
from frontdesk.core.errors import InvalidInput
from frontdesk.workorders.choices import Channel, Complexity, Priority
from frontdesk.workorders.fieldtypes import LONG_TEXT_MAX, ROOM_MAX, TEXT_MAX, clean_fields
from frontdesk.workorders.procedure import ActionSpec, FieldSpec, Procedure
from frontdesk.workorders.services import NOTE_MAX

RATING_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
RADIO_LIMIT = 4  # choices with at most this many options are radio buttons, longer ones a list


def _input(**attrs):
    return forms.TextInput(attrs={"autocomplete": "off", **attrs})


def _department_choices():
    return [(str(d.id), d.name) for d in Department.objects.filter(is_active=True).order_by("name")]


def _staff_choices():
    staff = Staff.objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("full_name")
    return [(str(s.id), f"{s.full_name or s.username} ({s.employee_number})") for s in staff]


def field_for(spec: FieldSpec, required: bool) -> forms.Field:
    """The form field for one procedure field. Values stay strings: the engine turns them into
    their stored form (E.164 phones, "350.00", ISO times)."""
    label = spec.name.get()
    blank = [("", "—")]
    kind = spec.type
    if kind == "long_text":
        return forms.CharField(
            label=label, required=required, max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
        )
    if kind == "phone":
        widget = _input(type="tel", inputmode="tel", placeholder="138 0013 8000")
        return forms.CharField(label=label, required=required, max_length=40, widget=widget)
    if kind == "id_number":
        widget = _input(maxlength="18", spellcheck="false")
        return forms.CharField(label=label, required=required, widget=widget, help_text=_("18 characters; the last may be X."))
    if kind == "datetime":
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.CharField(label=label, required=required, widget=widget)
    if kind == "choice":
        options = [(key, name.get()) for key, name in spec.options]
        if len(options) <= RADIO_LIMIT:
            return forms.ChoiceField(label=label, required=required, choices=options, widget=forms.RadioSelect)
        return forms.ChoiceField(label=label, required=required, choices=blank + options)
    if kind == "money":
        widget = _input(inputmode="decimal", placeholder="0.00")
        return forms.CharField(label=label, required=required, max_length=20, widget=widget, help_text=_("In yuan, e.g. 350.00."))
    if kind == "count":
        widget = forms.NumberInput(attrs={"min": "0", "step": "1", "inputmode": "numeric"})
        return forms.CharField(label=label, required=required, max_length=10, widget=widget)
    if kind == "rating":
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=RATING_CHOICES,
            widget=forms.RadioSelect(attrs={"class": "rating"}),
            help_text=_("1 poor … 5 excellent"),
        )
    if kind == "room":
        widget = _input(placeholder="3-2-501")
        return forms.CharField(label=label, required=required, max_length=ROOM_MAX, widget=widget)
    if kind == "customer":
        widget = _input(inputmode="numeric")
        return forms.CharField(
            label=label, required=required, max_length=12, widget=widget, help_text=_("The customer's number in the archive.")
        )
    if kind == "department":
        return forms.ChoiceField(label=label, required=required, choices=blank + _department_choices())
    if kind == "staff":
        return forms.ChoiceField(label=label, required=required, choices=blank + _staff_choices())
    return forms.CharField(label=label, required=required, max_length=TEXT_MAX, widget=_input())


class ProcedureFieldsForm(forms.Form):
    """The fields one action (or the intake) records. Prefixed "fields" so that no field a
    procedure declares can clash with the page's own inputs (priority, note, version ...)."""

    prefix = "fields"

    def __init__(self, procedure: Procedure, action: ActionSpec, *args, **kwargs):
        kwargs.setdefault("use_required_attribute", False)  # the server says what is missing
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.action = action
        for key in action.fields:
            self.fields[key] = field_for(procedure.fields[key], required=key in action.requires)
        self.stored_values: dict = {}

    def raw_values(self) -> dict:
        """What was typed, by procedure field: what the service receives."""
        return {key: self.data.get(self.add_prefix(key), "") for key in self.fields}

    def clean(self):
        # The engine's validator, on what was typed; a field Django already refused keeps
        # that one message.
        try:
            self.stored_values = clean_fields(self.procedure, self.action, self.raw_values())
        except InvalidInput as exc:
            add_engine_errors(self, exc)
        return self.cleaned_data


def add_engine_errors(form: forms.Form, exc: InvalidInput) -> None:
    """The engine names a field "fields.<key>": put each message next to that input."""
    for name, messages in exc.fields.items():
        key = name.removeprefix("fields.")
        target = key if key in form.fields else None
        if target is not None and form.errors.get(target):
            continue
        for message in messages:
            form.add_error(target, message)


class IntakeDetailsForm(forms.Form):
    """What every order carries besides its procedure's fields: the customer it is about (or
    none: the caller's name and phone are enough) and its classification (seed 001 流程规范 2)."""

    customer_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    complexity = forms.ChoiceField(label=_("Complexity"), choices=Complexity.choices, initial=Complexity.SIMPLE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)

    def read_back(self) -> list[tuple[str, str]]:
        """The classification and note as the read-back shows them: (label, value)."""
        pairs = []
        for name in ("channel", "priority", "complexity"):
            field = self.fields[name]
            pairs.append((field.label, dict(field.choices).get(self.cleaned_data[name], "")))
        if self.cleaned_data.get("note"):
            pairs.append((self.fields["note"].label, self.cleaned_data["note"]))
        return pairs


class ActionForm(forms.Form):
    """The version of the order the person saw, and a note for the case log."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)


class RegisterFilterForm(forms.Form):
    """The summary register's filters. Invalid values are dropped, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    date_from = forms.DateField(label=_("Recorded from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Recorded until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, procedures: dict[str, Procedure], *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["service_type"].choices = everything + [(key, p.name.get()) for key, p in procedures.items()]
        states: dict[str, str] = {}
        for procedure in procedures.values():
            for key, spec in procedure.states.items():
                states.setdefault(key, spec.name.get())
        self.fields["state"].choices = everything + list(states.items())
        self.fields["department"].choices = everything + _department_choices()

    def values(self) -> dict:
        """The valid filters; a bad one (a date like 2026-13-45) is left out and reported."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}
