"""The customer pages' forms: they check type and shape, and turn what was typed into the
service's inputs. Every business rule (valid phone, valid ID number, ...) stays in the service."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.customers.models import ContactPoint, Customer, Residence
from frontdesk.customers.services import ContactInput, ResidenceInput

PHONE_SLOTS = 3
PHONE_FIELDS = [f"phone_{i}" for i in range(1, PHONE_SLOTS + 1)]
CONTACT_FIELDS = [*PHONE_FIELDS, "email"]
ROOM_FIELDS = ["building", "entrance", "room", "relation"]
TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")


def split_tags(text: str) -> list[str]:
    """"VIP, 老人、独居" -> ["VIP", "老人", "独居"]."""
    return [tag.strip() for tag in TAG_SEPARATORS.split(text or "") if tag.strip()]


class CustomerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices, initial=Customer.Kind.PERSON)
    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, help_text=_("18 characters; the last may be X.")
    )
    email = forms.CharField(
        label=_("Email"), max_length=120, required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    building = forms.CharField(label=_("Building"), max_length=20, required=False)
    entrance = forms.CharField(label=_("Unit"), max_length=20, required=False)
    room = forms.CharField(label=_("Room"), max_length=20, required=False)
    relation = forms.ChoiceField(
        label=_("Relation"), choices=Residence.Relation.choices, initial=Residence.Relation.OWNER
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=400, required=False, help_text=_("Separate tags with commas or 、.")
    )
    remarks = forms.CharField(
        label=_("Remarks"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i, name in enumerate(PHONE_FIELDS, start=1):
            self.fields[f"{name}_label"] = forms.CharField(
                label=_("Label of phone %(n)s") % {"n": i},
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"list": "phone-labels", "placeholder": _("e.g. Mobile")}),
            )
            self.fields[name] = forms.CharField(
                label=_("Phone %(n)s") % {"n": i},
                max_length=40,
                required=False,
                widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
            )

    # --- layout helpers for the template -----------------------------------------------------

    def phone_rows(self):
        return [(self[f"{name}_label"], self[name]) for name in PHONE_FIELDS]

    # --- what the service receives -----------------------------------------------------------

    def service_contacts(self, originals: dict[str, str] | None = None) -> tuple[list[ContactInput], dict[str, str]]:
        """The contacts typed into the form, in order, and which input each came from.

        `originals` maps an input to the stored value of the contact it was filled with: a
        number shown masked (138****8000) and sent back untouched keeps its stored value."""
        originals = originals or {}
        contacts, field_map = [], {}
        for name in CONTACT_FIELDS:
            value = self.cleaned_data.get(name, "").strip()
            if not value:
                continue
            if name in originals and value == self.initial.get(name):
                value = originals[name]
            index = len(contacts)
            field_map[f"contacts.{index}.value"] = name
            field_map[f"contacts.{index}.kind"] = name
            if name == "email":
                contacts.append(ContactInput(kind=ContactPoint.Kind.EMAIL, value=value))
            else:
                label = self.cleaned_data.get(f"{name}_label", "")
                contacts.append(ContactInput(kind=ContactPoint.Kind.PHONE, value=value, label=label))
        return contacts, field_map

    def service_residences(self) -> tuple[list[ResidenceInput], dict[str, str]]:
        data = self.cleaned_data
        if not any(data.get(name) for name in ("building", "entrance", "room")):
            return [], {}
        residence = ResidenceInput(
            building=data["building"], entrance=data["entrance"], room=data["room"], relation=data["relation"]
        )
        return [residence], {f"residences.0.{name}": name for name in ROOM_FIELDS}

    def service_tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags", ""))


class CustomerEditForm(CustomerForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("New note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    duplicate_id = forms.IntegerField(
        label=_("Number of the duplicate record"),
        min_value=1,
        help_text=_("Its contacts, rooms and notes move to this record; it stays in the archive, marked as merged."),
    )
    confirm = forms.BooleanField(
        label=_("I have checked that both records are the same customer"),
        required=False,
        help_text=_("Leave unticked to compare the two records first."),
    )
