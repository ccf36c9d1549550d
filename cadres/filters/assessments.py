"""The filters of a round's assessments."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.widgets import LongSelect
from unions.models import Union

from ..models import Assessment, AssessmentGrade

NO_GRADE = "none"


class AssessmentFilter(django_filters.FilterSet):
    """Name (its start), unit (among the round's), state and grade. Pass ``units``: the round's units."""

    name = django_filters.CharFilter(
        label=pgettext_lazy("person", "Name"),
        field_name="cadre__name",
        lookup_expr="startswith",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Union.objects.none(), empty_label=_("All units"), widget=LongSelect
    )
    status = django_filters.ChoiceFilter(label=_("State"), choices=Assessment.Status.choices, empty_label=_("Any"))
    grade = django_filters.ChoiceFilter(
        label=_("Grade"),
        choices=[*AssessmentGrade.choices, (NO_GRADE, _("Not graded"))],
        empty_label=_("Any"),
        method="filter_grade",
    )

    class Meta:
        model = Assessment
        fields: list[str] = []

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = units

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade="") if value == NO_GRADE else queryset.filter(grade=value)
