"""Forms of the warning education pages: a session, the cadres ticked as present, the coverage's choice.
The sheet upload and its confirmation are the training sheet's forms (``cadres.forms.sheets``)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.forms.sheets import ConfirmForm
from members.widgets import LongSelect
from unions.models import Union
from unions.scope import scope_paths, subtree_q

from ..models import EducationSession
from ..permissions import INTEGRITY_STAFF_KINDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

__all__ = [
    "AttendanceForm",
    "ConfirmForm",
    "CoverageForm",
    "RollUploadForm",
    "SessionFilter",
    "SessionForm",
    "nodes_for",
]


def nodes_for(user):
    """Open nodes where the user is a discipline officer (or below one)."""
    return Union.objects.filter(subtree_q(scope_paths(user, INTEGRITY_STAFF_KINDS)), closed_on__isnull=True).order_by(
        "path"
    )


class SessionForm(forms.Form):
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Union.objects.none(),
        widget=LongSelect,
        help_text=_("The unit that holds the session; the cadres under it can attend."),
        error_messages={"invalid_choice": _("Choose a unit in your part of the tree.")},
    )
    kind = forms.ChoiceField(label=_("Kind of session"), choices=EducationSession.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = nodes_for(user)
        self.fields["organiser"].label_from_instance = lambda union: union.name


class AttendanceForm(forms.Form):
    """The cadres ticked on the session's page (to add, or to take off)."""

    cadres = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=(),
        required=True,
        error_messages={"required": _("Tick the cadres first.")},
    )

    def __init__(self, *args, offered: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].choices = [(pk, pk) for pk in offered]
        self.fields["cadres"].error_messages["invalid_choice"] = _(
            "A cadre ticked is not on the list any more; reload the page."
        )


class RollUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Sign-in sheet"),
        help_text=_("An Excel workbook (XLSX or XLS) or a CSV file with the columns 姓名 and 手机号码."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        error_messages={
            "required": _("Choose the file to upload."),
            "empty": _("The file is empty."),
            "invalid": _("Choose the file to upload."),
        },
    )


def _years():
    this = timezone.localdate().year
    return [(year, str(year)) for year in range(this, this - 6, -1)]


class CoverageForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_years, required=False)
    node = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Union.objects.none(),
        widget=LongSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose a unit in your part of the tree.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = Union.objects.filter(subtree_q(scope_paths(user, INTEGRITY_STAFF_KINDS)))
        self.fields["node"].label_from_instance = lambda union: union.name


class SessionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind of session"), choices=EducationSession.Kind.choices)
    year = django_filters.NumberFilter(label=_("Year"), field_name="held_on", lookup_expr="year")

    class Meta:
        model = EducationSession
        fields = ["kind", "year"]
