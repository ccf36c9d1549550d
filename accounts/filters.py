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

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and (action := data.get("action")) and action not in audit_actions:
            data = data.copy()
            data["action"] = _bookmarked_action(action)
        super().__init__(data, *args, **kwargs)


def _bookmarked_action(value: str) -> str:
    """A filter link saved before actions were named by their app (``?action=login``) finds the one
    registered action of that name (``accounts.login``); anything else is left to fail as invalid."""
    found = [known for known in audit_actions.values() if known.split(".", 1)[-1] == value]
    return found[0] if len(found) == 1 else value
