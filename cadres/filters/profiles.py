"""The cadre list's filters: node (within the officer's scope), rank, employment, status (in post
unless asked otherwise), young cadre (computed from the birth date), and a search by name or post."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from ..models import Cadre, Employment, Rank
from ..models.profile import young_birth_date_after
from ..permissions import CADRE_STAFF_KINDS

# A cadre's status in the cadres' own words (the model's labels are shared with members: 已退会).
STATUS_LABELS = {
    Cadre.Status.IN_POST: pgettext_lazy("cadre status", "In post"),
    Cadre.Status.LEFT: pgettext_lazy("cadre status", "Left"),
    Cadre.Status.RETIRED: pgettext_lazy("cadre status", "Retired"),
}


_YES_NO_ANY = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class CadreFilter(django_filters.FilterSet):
    ANY_STATUS = "any"
    DEFAULT_STATUS = Cadre.Status.IN_POST

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or post")}),
    )
    union = django_filters.ModelChoiceFilter(
        label=_("Node"),
        queryset=Union.objects.none(),
        method="filter_union",
        empty_label=_("All my nodes"),
        widget=LongSelect,
    )
    rank = django_filters.ChoiceFilter(label=pgettext_lazy("cadre", "Rank"), choices=Rank.choices, empty_label=_("Any"))
    employment = django_filters.ChoiceFilter(
        label=pgettext_lazy("cadre", "Employment"), choices=Employment.choices, empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*STATUS_LABELS.items(), (ANY_STATUS, _("Any status"))],
        empty_label=None,
        method="filter_status",
    )
    young = django_filters.BooleanFilter(
        label=_("Young cadre"), method="filter_young", widget=forms.Select(choices=_YES_NO_ANY)
    )

    class Meta:
        model = Cadre
        fields = ["q", "union", "rank", "employment", "status", "young"]

    def __init__(self, data=None, *args, user, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("status"):
            data["status"] = self.DEFAULT_STATUS
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.scope_unions = Union.objects.filter(subtree_q(scope_paths(user, CADRE_STAFF_KINDS)))
        self.filters["union"].queryset = self.scope_unions

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # Any node in scope is accepted (a link may name a grassroots union), but the drop-down
            # offers the federations only: a city has thousands of grassroots unions.
            field = form.fields["union"]
            chosen = self.data.get("union")
            offered = self.scope_unions.filter(
                Q(kind__in=FEDERATION_NODE_KINDS) | Q(pk=int(chosen) if str(chosen).isdigit() else None)
            ).order_by("path")
            offered = list(offered.only("pk", "name", "depth"))
            top = min((u.depth for u in offered), default=1)
            field.widget.choices = [("", field.empty_label)] + [
                (u.pk, "\u3000" * (u.depth - top) + u.name) for u in offered
            ]
            self._form = form
        return self._form

    @property
    def is_narrowed(self) -> bool:
        """Whether anything but the default status narrows the list (the empty state says so)."""
        return any(self.data.get(name) for name in ("q", "union", "rank", "employment", "young")) or (
            self.data.get("status") != self.DEFAULT_STATUS
        )

    def search(self, queryset, name, value):
        text = " ".join(value.split())
        if not text:
            return queryset
        return queryset.filter(Q(name__contains=text) | Q(post__contains=text))

    def filter_union(self, queryset, name, value):
        return queryset.filter(union__path__startswith=value.path)

    def filter_status(self, queryset, name, value):
        if value == self.ANY_STATUS:
            return queryset
        return queryset.filter(status=value)

    def filter_young(self, queryset, name, value):
        born_after = young_birth_date_after(timezone.localdate())
        if value:
            return queryset.filter(birth_date__gt=born_after)
        return queryset.filter(birth_date__lte=born_after)
