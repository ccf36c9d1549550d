"""Forms of the four-forms register: a new entry, and the list's filters (form, year, node).

The measure drop-down groups the measures under their forms; the service refuses a measure of another
form (``services.register``). The talk an entry came from is one of the cadre's filed talks the officer
sees. The list's filters never touch the note (encrypted: never in SQL).
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.widgets import LongSelect
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS
from unions.scope import scope_paths, subtree_q

from ..models import FourFormsEntry, Talk
from ..permissions import INTEGRITY_STAFF_KINDS
from ..selectors import talks_visible_to

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The register's years offered in the filter: this many back from this year.
YEARS_BACK = 10


def measure_choices() -> list:
    """The measures grouped by their form, as the drop-down's option groups."""
    labels = dict(FourFormsEntry.Measure.choices)
    return [("", "---------")] + [
        (FourFormsEntry.Form(form).label, [(measure, labels[measure]) for measure in measures])
        for form, measures in FourFormsEntry.MEASURES_OF_FORM.items()
    ]


class FourFormsEntryForm(forms.Form):
    form = forms.TypedChoiceField(label=_("Form"), choices=FourFormsEntry.Form.choices, coerce=int)
    measure = forms.ChoiceField(label=_("Measure"), choices=measure_choices)
    decided_on = forms.DateField(label=pgettext_lazy("four forms", "Decided on"), widget=DATE)
    decision_ref = forms.CharField(
        label=_("Decision reference"),
        max_length=60,
        required=False,
        help_text=_("The reference number of the decision (文号), if it has one."),
    )
    talk = forms.ModelChoiceField(
        label=_("From the talk"),
        queryset=Talk.objects.none(),
        required=False,
        empty_label=_("Not taken in a talk"),
        help_text=_("For a measure of the first form taken in a talk recorded here."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept encrypted; shown only on the entry's own page."),
    )

    def __init__(self, *args, cadre, user, **kwargs):
        super().__init__(*args, **kwargs)
        talks = talks_visible_to(user).filter(cadre=cadre).exclude(status=Talk.Status.DRAFT).order_by("-held_on")
        self.fields["talk"].queryset = talks
        self.fields["talk"].label_from_instance = lambda talk: f"{talk.held_on:%Y-%m-%d} · {talk.get_kind_display()}"
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate())


def year_choices() -> list:
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - YEARS_BACK - 1, -1)]


class FourFormsFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=year_choices, empty_label=_("Any year"), method="filter_year"
    )
    union = django_filters.ModelChoiceFilter(
        label=_("Node"),
        queryset=Union.objects.none(),
        method="filter_union",
        empty_label=_("All my nodes"),
        widget=LongSelect,
    )

    class Meta:
        model = FourFormsEntry
        fields = ["year", "union"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Added here, first: a filter declared as ``form`` would be hidden by the filter set's own ``form``.
        self.filters = {
            "form": django_filters.ChoiceFilter(
                field_name="form",
                label=_("Form"),
                choices=FourFormsEntry.Form.choices,
                empty_label=_("Any form"),
            ),
            **self.filters,
        }
        self.filters["form"].parent = self
        self.scope_unions = Union.objects.filter(subtree_q(scope_paths(user, INTEGRITY_STAFF_KINDS)))
        self.filters["union"].queryset = self.scope_unions

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # Any node in scope is accepted, but the drop-down offers the federations only (a city has
            # thousands of grassroots unions), as the cadre list does.
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
        return any(self.data.get(name) for name in ("form", "year", "union"))

    def filter_year(self, queryset, name, value):
        # A range, not ``__year``, so that the (form, decided_on) index serves it.
        year = int(value)
        return queryset.filter(decided_on__gte=datetime.date(year, 1, 1), decided_on__lte=datetime.date(year, 12, 31))

    def filter_union(self, queryset, name, value):
        return queryset.filter(cadre__union__path__startswith=value.path)
