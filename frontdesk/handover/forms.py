from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.handover.models import TEXT_MAX


class HandoverForm(forms.Form):
    text = forms.CharField(
        label=_("Handover notes"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is not finished, what the next shift must follow up, anything they should know."),
    )
    department = forms.TypedChoiceField(label=_("Hand over to"), coerce=int, required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only someone in several departments chooses; otherwise the service picks the one.
        if len(departments) > 1:
            self.fields["department"].choices = [("", _("The department of my shift"))] + [
                (department.id, department.name) for department in departments
            ]
        else:
            del self.fields["department"]
