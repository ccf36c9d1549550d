"""Filters of the tree's pages: a node's children, the roles list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .credit_code import normalise as normalise_credit_code
from .models import Role, Union


class UnionFilter(django_filters.FilterSet):
    """Filters over a node's children, or over its whole subtree when searching by name or code."""

    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Union.Kind.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", pgettext_lazy("union status", "Open")), ("closed", pgettext_lazy("union status", "Closed"))],
        method="filter_status",
    )

    class Meta:
        model = Union
        fields = ["q", "kind", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A code is searched for as it is stored: pasted codes come with spaces or in full width.
        return queryset.filter(Q(name__icontains=value) | Q(credit_code=normalise_credit_code(value)))

    def filter_status(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "open"))


class RoleFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Role"), choices=Role.Kind.choices)
    user = django_filters.CharFilter(label=_("User"), method="filter_user")
    union = django_filters.CharFilter(label=_("Union"), field_name="union__name", lookup_expr="icontains")

    class Meta:
        model = Role
        fields = ["kind", "user", "union"]

    def filter_user(self, queryset, name, value):
        return queryset.filter(Q(user__username__icontains=value) | Q(user__name__icontains=value))
