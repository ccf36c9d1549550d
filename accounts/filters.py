import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Role


class IPAddressFilter(django_filters.CharFilter):
    """A typed address is checked as one: PostgreSQL's inet column fails on anything else (a 500)."""

    field_class = forms.GenericIPAddressField


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditEvent.Action.choices)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=AuditEvent.Result.choices)
    actor = django_filters.CharFilter(label=_("Actor"), field_name="actor_label", lookup_expr="icontains")
    ip = IPAddressFilter(label=_("IP address"), field_name="ip")
    since = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "result", "actor", "ip", "since", "until"]


class RoleFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Role"), choices=Role.Kind.choices)
    user = django_filters.CharFilter(label=_("User"), method="filter_user")
    union = django_filters.CharFilter(label=_("Union"), field_name="union__name", lookup_expr="icontains")

    class Meta:
        model = Role
        fields = ["kind", "user", "union"]

    def filter_user(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(user__username__icontains=value) | Q(user__name__icontains=value))
