"""Filters of the competition list: year (of the start), kind, status, level, and a title search."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Competition


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 8, -1)]


class CompetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Title"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words of the title")}),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=_year_choices, field_name="starts_on", lookup_expr="year", empty_label=_("Any year")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Competition.Kind.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Competition.Status.choices, empty_label=_("Any"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Competition.Level.choices, empty_label=_("Any"))

    class Meta:
        model = Competition
        fields = ["q", "year", "kind", "status", "level"]

    def search(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(title__contains=value) if value else queryset
