"""The class list's filters: year, category, mode, status and the start of a title."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import TrainingClass, TrainingMode


def _years():
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year + 1, this_year - 6, -1)]


class TrainingClassFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Title"),
        field_name="title",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words of the title")}),
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_years, empty_label=_("Any year"), method="filter_year")
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=TrainingClass.Category.choices, empty_label=_("Any")
    )
    mode = django_filters.ChoiceFilter(label=_("Mode"), choices=TrainingMode.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TrainingClass.Status.choices, empty_label=_("Any"))

    class Meta:
        model = TrainingClass
        fields = ["q", "year", "category", "mode", "status"]

    def filter_year(self, queryset, name, value):
        # A class belongs to the year it ends in, as its hours do.
        return queryset.filter(ends_on__year=int(value))
