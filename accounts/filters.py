import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import audit_actions
from .models import AuditEvent


class IPAddressFilter(django_filters.CharFilter):
    """A typed address is checked as one: PostgreSQL's inet column fails on anything else (a 500)."""

    field_class = forms.GenericIPAddressField


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=audit_actions.choices)
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
