"""Filters of the secondment, stay and task-force lists."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import GrassrootsStay, HostKind, Secondment, TaskForce

# The states as the pages name them (lists, badges, progress): the models' labels, except where the
# same English word names a member's, a transfer's or a union's state too and the catalogue's word
# for it would mislead (在册, 已撤销).
STATE_LABELS = {
    (Secondment, Secondment.Status.ACTIVE): pgettext_lazy("secondment state", "On secondment"),
    (Secondment, Secondment.Status.CLOSED): pgettext_lazy("secondment state", "Closed"),
    (TaskForce, TaskForce.Status.CLOSED): pgettext_lazy("task force state", "Finished"),
}
WAITING_FOR_REVIEW = _("Report in, waiting for review")


def state_choices(model) -> list[tuple[str, str]]:
    return [(value, STATE_LABELS.get((model, value), label)) for value, label in model.Status.choices]


def state_label(record) -> str:
    if record.status == "report_due" and record.report_submitted_at:
        return str(WAITING_FOR_REVIEW)
    return str(STATE_LABELS.get((type(record), record.status), record.get_status_display()))


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year + 1, this_year - 8, -1)]


class _PostingFilter(django_filters.FilterSet):
    """The search box (the cadre's name) and the year the posting runs in."""

    start_field = "starts_on"
    end_field = "ends_on"

    q = django_filters.CharFilter(
        label=_("Cadre"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Cadre's name")}),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=_year_choices, method="filter_year", empty_label=_("Any year")
    )

    def search(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(cadre__name__contains=value) if value else queryset

    def filter_year(self, queryset, name, value):
        """Postings that run at some time in the year."""
        if not value:
            return queryset
        value = int(value)
        return queryset.filter(
            Q(**{f"{self.start_field}__year__lte": value}) & Q(**{f"{self.end_field}__year__gte": value})
        )


class SecondmentFilter(_PostingFilter):
    start_field = "planned_start"
    end_field = "planned_end"

    status = django_filters.ChoiceFilter(label=_("Status"), choices=state_choices(Secondment), empty_label=_("Any"))
    host_kind = django_filters.ChoiceFilter(label=_("Kind of host"), choices=HostKind.choices, empty_label=_("Any"))

    class Meta:
        model = Secondment
        fields = ["q", "status", "host_kind", "year"]


class StayFilter(_PostingFilter):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=GrassrootsStay.Status.choices, empty_label=_("Any"))

    class Meta:
        model = GrassrootsStay
        fields = ["q", "status", "year"]


class TaskForceFilter(_PostingFilter):
    q = django_filters.CharFilter(
        label=_("Name"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Task force or lead")}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=state_choices(TaskForce), empty_label=_("Any"))

    class Meta:
        model = TaskForce
        fields = ["q", "status", "year"]

    def search(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(Q(name__contains=value) | Q(lead__name__contains=value)) if value else queryset
