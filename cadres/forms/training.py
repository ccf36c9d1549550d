"""Forms of the training pages: a class, choosing cadres to enrol, and the officer's attendance table."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from members.widgets import LongSelect
from unions.models import Union
from unions.scope import scope_paths, subtree_q

from ..models import Rank, TrainingClass, TrainingMode
from ..permissions import CADRE_STAFF_KINDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def organisers_for(user):
    """Open nodes where the user is a cadre officer (or below one): who may organise a class."""
    return Union.objects.filter(subtree_q(scope_paths(user, CADRE_STAFF_KINDS)), closed_on__isnull=True).order_by(
        "path"
    )


class TrainingClassForm(forms.Form):
    """A class's fields; the rules between them (dates, hours a day, capacity) are the service's."""

    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Union.objects.none(),
        widget=LongSelect,
        help_text=_("The unit that runs the class; cadres under it can be enrolled."),
        error_messages={"invalid_choice": _("Choose a unit in your part of the tree.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=TrainingClass.Category.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=TrainingMode.choices, initial=TrainingMode.IN_PERSON)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_WIDGET)
    credit_hours = forms.DecimalField(
        label=_("Credit hours"),
        max_digits=5,
        decimal_places=1,
        help_text=_("At most 12 hours a day of the class."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    audience = forms.ChoiceField(
        label=_("Who must attend"),
        choices=TrainingClass.Audience.choices,
        initial=TrainingClass.Audience.CHOSEN,
        widget=forms.RadioSelect,
    )
    audience_ranks = forms.MultipleChoiceField(
        label=_("Ranks that must attend"),
        choices=Rank.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when cadres of chosen ranks must attend."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers_for(user)
        self.fields["organiser"].label_from_instance = lambda union: union.name

    @classmethod
    def initial_from(cls, training_class: TrainingClass) -> dict:
        return {
            "organiser": training_class.organiser_id,
            "title": training_class.title,
            "category": training_class.category,
            "mode": training_class.mode,
            "starts_on": training_class.starts_on,
            "ends_on": training_class.ends_on,
            "credit_hours": training_class.credit_hours,
            "capacity": training_class.capacity,
            "location": training_class.location,
            "audience": training_class.audience,
            "audience_ranks": training_class.audience_ranks,
        }


class CadreSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find cadres to enrol"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Start of a name")}),
    )


class AttendanceDayForm(forms.Form):
    """One row of the attendance table: a cadre's day, and the cadre's hours of leave for the class."""

    signed_in = forms.BooleanField(label=_("Signed in"), required=False)
    signed_out = forms.BooleanField(label=_("Signed out"), required=False)
    absent_hours = forms.DecimalField(
        label=_("Hours of leave"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "class": "form-control form-control-sm"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("signed_out") and not data.get("signed_in"):
            self.add_error("signed_out", _("Sign in first: signing out needs a sign-in."))
        return data
