"""Forms of the public notice and objections: publishing a notice, the public objection form, and the
register's assigning, answering, closing and filtering."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.phone import MobileField

from ..models import Objection
from ..services.objections import FACTS_MAX, NAME_MAX


class NoticeForm(forms.Form):
    published_on = forms.DateField(
        label=_("Publication date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The notice starts on this day if it is a working day, otherwise on the next working day."),
        error_messages={"required": _("Give the publication date."), "invalid": _("Enter a valid date.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    contact = forms.CharField(
        label=_("Contact for objections"),
        max_length=200,
        required=False,
        help_text=_("The office and telephone that take objections besides the portal, printed on the notice."),
    )


class ObjectionForm(forms.Form):
    name = forms.CharField(
        label=_("Your real name"),
        max_length=NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Give your real name.")},
    )
    mobile = MobileField(
        label=_("Your mobile number"),
        help_text=_("A code is sent to it; only the organiser's staff see the number."),
        error_messages={"required": _("Give your mobile number.")},
    )
    nomination = forms.ChoiceField(
        label=_("Nominee"),
        error_messages={
            "required": _("Choose one of the nominees listed in this notice."),
            "invalid_choice": _("Choose one of the nominees listed in this notice."),
        },
    )
    facts = forms.CharField(
        label=_("Facts of the objection"),
        max_length=FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you know, when and where, and how it can be checked (at most 2,000 characters)."),
        error_messages={"required": _("State the facts of your objection.")},
    )
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}),
    )

    def __init__(self, *args, nominees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nomination"].choices = [("", _("Choose a nominee"))] + [
            (str(n["pk"]), f"{n['nominee_name']}（{n['unit_name']}）") for n in nominees
        ]


class AssignForm(forms.Form):
    assigned_to = forms.ChoiceField(
        label=_("Investigated by"),
        error_messages={
            "required": _("Choose a member of the organiser's staff."),
            "invalid_choice": _("Choose a member of the organiser's staff."),
        },
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        self.fields["assigned_to"].choices = [("", "—")] + [(str(user.pk), str(user)) for user in staff]

    def clean_assigned_to(self):
        return self.staff[self.cleaned_data["assigned_to"]]


class AnswerForm(forms.Form):
    finding = forms.CharField(
        label=_("Finding"),
        max_length=FACTS_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the investigation found, and whether the objection is borne out."),
        error_messages={"required": _("Write the investigation's finding.")},
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Close the objection as"),
        widget=forms.RadioSelect,
        choices=[("dismissed", _("Dismissed")), ("upheld", _("Upheld: the nominee is not commended"))],
        error_messages={"required": _("Choose upheld or dismissed.")},
    )


class ObjectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Not closed"))] + Objection.Status.choices,
    )
    late = forms.BooleanField(label=_("Received late"), required=False)
    nomination = forms.IntegerField(required=False, widget=forms.HiddenInput)
    notice = forms.IntegerField(required=False, widget=forms.HiddenInput)
