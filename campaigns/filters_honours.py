"""Filters of the honours register: the holder's name, the unit, the kind, the year, the level, a union
of the user's scope (its subtree) and revoked or not."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.models import Union
from unions.selectors import scoped

from .honour_permissions import REGISTER_KINDS
from .models import Honour, HonourKind

SEARCH_MAX = 50


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 30, -1)]


def unions_to_filter(user):
    """The unions a register may be narrowed to: the federations and unions above the grassroots in the
    user's scope (a grassroots union is found by its unit's name)."""
    return (
        scoped(Union.objects.all(), user, REGISTER_KINDS, "path")
        .exclude(kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION])
        .only("id", "name", "path")
        .order_by("path")
    )


class HonourFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Person"),
        method="by_person",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name of the holder")}),
    )
    unit = django_filters.CharFilter(
        label=_("Unit"),
        method="by_unit",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words of the unit's name")}),
    )
    kind = django_filters.ModelChoiceFilter(
        label=_("Honour"), queryset=HonourKind.objects.order_by("order", "id"), empty_label=_("Any")
    )
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_year_choices, empty_label=_("Any year"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Honour.Level.choices, empty_label=_("Any"))
    union = django_filters.ModelChoiceFilter(
        label=_("Union"), queryset=Union.objects.none(), method="in_subtree", empty_label=_("All in my scope")
    )
    revoked = django_filters.ChoiceFilter(
        label=_("Revoked or valid"),
        choices=[("no", _("Valid")), ("yes", _("Revoked"))],
        method="by_revoked",
        empty_label=_("Any"),
    )

    class Meta:
        model = Honour
        fields = ["q", "unit", "kind", "year", "level", "union", "revoked"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["union"].queryset = unions_to_filter(user) if user is not None else Union.objects.none()

    def by_person(self, queryset, name, value):
        value = value.strip()[:SEARCH_MAX]
        return queryset.filter(holder_name__contains=value) if value else queryset

    def by_unit(self, queryset, name, value):
        value = value.strip()[:SEARCH_MAX]
        return queryset.filter(Q(unit_name__contains=value) | Q(union__name__contains=value)) if value else queryset

    def in_subtree(self, queryset, name, value):
        return queryset.filter(union__path__startswith=value.path) if value else queryset

    def by_revoked(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if value == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset
