"""Filters of the talk and rectification lists: kind, status, year, node; no content is searched
(content is encrypted and never filtered in SQL), only the cadre's name."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from .models import Rectification, Talk
from .permissions import INTEGRITY_STAFF_KINDS


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 8, -1)]


def _nodes(user):
    """Federations in the officer's scope (the node filter); grassroots unions are too many."""
    roots = scope_paths(user, INTEGRITY_STAFF_KINDS)
    if not roots:
        return Union.objects.none()
    return Union.objects.filter(subtree_q(roots), Q(path__in=roots) | Q(kind__in=FEDERATION_NODE_KINDS)).order_by(
        "path"
    )


class _ByCadre(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cadre"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Cadre's name")}),
    )
    node = django_filters.ModelChoiceFilter(
        label=_("Node"), queryset=Union.objects.none(), method="filter_node", empty_label=_("Anywhere")
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["node"].queryset = _nodes(user)

    def search(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(cadre__name__contains=value) if value else queryset

    def filter_node(self, queryset, name, value):
        return queryset.filter(cadre__union__path__startswith=value.path) if value else queryset


class TalkFilter(_ByCadre):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Talk.Kind.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Talk.Status.choices, empty_label=_("Any"))
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=_year_choices, field_name="held_on", lookup_expr="year", empty_label=_("Any year")
    )

    class Meta:
        model = Talk
        fields = ["q", "kind", "status", "year", "node"]


RECTIFICATION_STATES = [
    ("open", pgettext_lazy("rectification", "Open")),
    ("overdue", _("Overdue")),
    ("struck_off", _("Struck off")),
]


class RectificationFilter(_ByCadre):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=RECTIFICATION_STATES, method="filter_state", empty_label=_("Any")
    )

    class Meta:
        model = Rectification
        fields = ["q", "state", "node"]

    def filter_state(self, queryset, name, value):
        struck = Q(status=Rectification.Status.STRUCK_OFF)
        if value == "struck_off":
            return queryset.filter(struck)
        if value == "open":
            return queryset.exclude(struck)
        if value == "overdue":
            return queryset.exclude(struck).filter(deadline__lt=timezone.localdate())
        return queryset
