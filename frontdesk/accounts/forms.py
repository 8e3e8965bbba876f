"""Forms of the staff, department and API-token pages: type and shape only; the rules
(unique staff numbers, password strength, who may grant which role) live in accounts.services."""

import datetime

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.roles import Role
from frontdesk.accounts.services import MembershipSpec

MEMBERSHIP_ROWS = 4


class StaffForm(forms.Form):
    """Create (username and password asked) or edit (active and version asked) a staff member."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Used to sign in: letters, digits and @ . + - _ only."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    employee_number = forms.CharField(label=_("Staff number"), max_length=20)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, help_text=_("Inactive staff cannot sign in."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, departments=(), creating: bool, rows: int = 0, **kwargs):
        """`rows`: how many memberships the person has; there are never fewer inputs than that."""
        super().__init__(*args, **kwargs)
        self.rows = max(MEMBERSHIP_ROWS, rows)
        if creating:
            del self.fields["is_active"], self.fields["version"]
        else:
            del self.fields["username"], self.fields["password"]
        department_choices = [("", "—")] + [(str(d.id), d.name) for d in departments]
        role_choices = [("", "—")] + list(Role.choices)
        for i in range(self.rows):
            self.fields[f"membership_{i}_department"] = forms.TypedChoiceField(
                label=_("Department"), choices=department_choices, coerce=int, empty_value=None, required=False
            )
            self.fields[f"membership_{i}_role"] = forms.ChoiceField(
                label=_("Role"), choices=role_choices, required=False
            )

    def membership_rows(self):
        return [(self[f"membership_{i}_department"], self[f"membership_{i}_role"]) for i in range(self.rows)]

    def clean(self):
        data = super().clean()
        for i in range(self.rows):
            department, role = data.get(f"membership_{i}_department"), data.get(f"membership_{i}_role")
            if department and not role:
                self.add_error(f"membership_{i}_role", _("Choose a role for this department."))
            elif role and not department:
                self.add_error(f"membership_{i}_department", _("Choose the department of this role."))
        return data

    def memberships(self) -> list[MembershipSpec]:
        specs = []
        for i in range(self.rows):
            department = self.cleaned_data.get(f"membership_{i}_department")
            role = self.cleaned_data.get(f"membership_{i}_role")
            if department and role:
                spec = MembershipSpec(department_id=department, role=role)
                if spec not in specs:
                    specs.append(spec)
        return specs


def membership_initial(staff) -> dict:
    initial = {}
    for i, membership in enumerate(staff.memberships.all()):
        initial[f"membership_{i}_department"] = membership.department_id
        initial[f"membership_{i}_role"] = membership.role
    return initial


class DepartmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        validators=[RegexValidator(r"^[-a-zA-Z0-9_]+$", _("Use letters, digits, hyphens and underscores only."))],
        help_text=_("A short name in Latin letters, e.g. engineering."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    opens_at = forms.TimeField(
        label=_("Working hours start"),
        initial=datetime.time(9, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Time limits counted in working time use these hours."),
    )
    closes_at = forms.TimeField(
        label=_("Working hours end"),
        initial=datetime.time(18, 0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["is_active"], self.fields["version"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("What the token is for, e.g. the call-centre link.")
    )
    staff_id = forms.TypedChoiceField(label=_("For"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, owners=None, **kwargs):
        """`owners`: the staff a manager may create tokens for; None leaves out the choice."""
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["staff_id"]
        else:
            self.fields["staff_id"].choices = [("", _("Myself"))] + [(str(s.id), str(s)) for s in owners]
