import re
import unicodedata

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.phone import MOBILE_RE, normalise_mobile
from unions.models import Union
from unions.roles import FEDERATION_NODE_KINDS, MEMBER_STAFF_KINDS
from unions.scope import scope_paths, subtree_q

from . import id_number, pii
from .models import EmploymentType, Member, MemberCard, PoliticalStatus
from .widgets import LongSelect

_YES_NO_ANY = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]


class MemberFilter(django_filters.FilterSet):
    """The member list's search box, filters and order, for one user: the union choices are scoped.

    Pass ``user`` (a job has no request); a page may pass its ``request`` instead, whose user is taken.

    The search box understands what is typed: a resident ID number is looked up by its keyed hash
    (never by LIKE: the clear number is not stored), an 11-digit mobile and a card number exactly,
    anything else as the start of a name, which the name index serves.
    """

    NEW_FORM = "new_form"
    SORTS = {
        "joined_desc": ("-joined_on", "-id"),
        "joined_asc": ("joined_on", "id"),
        "name": ("name", "id"),
    }
    DEFAULT_SORT = "joined_desc"
    DEFAULT_STATUS = Member.Status.ACTIVE
    ANY_STATUS = "any"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, ID number, mobile or card number")}),
    )
    union = django_filters.ModelChoiceFilter(
        label=_("Union"),
        queryset=Union.objects.none(),
        method="filter_union",
        empty_label=_("All my unions"),
        widget=LongSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*Member.Status.choices, (ANY_STATUS, _("Any status"))],
        empty_label=None,
        method="filter_status",
    )
    political_status = django_filters.ChoiceFilter(
        label=_("Political status"), choices=PoliticalStatus.choices, empty_label=_("Any")
    )
    employment_type = django_filters.ChoiceFilter(
        label=_("Employment type"),
        choices=[(NEW_FORM, _("Any new-employment-form group")), *EmploymentType.choices],
        empty_label=_("Any"),
        method="filter_employment_type",
    )
    migrant = django_filters.BooleanFilter(
        label=_("Migrant worker"), field_name="is_migrant_worker", widget=forms.Select(choices=_YES_NO_ANY)
    )
    hardship = django_filters.BooleanFilter(
        label=_("Worker in hardship"), field_name="is_in_hardship", widget=forms.Select(choices=_YES_NO_ANY)
    )
    joined_from = django_filters.DateFilter(
        label=_("Joined on or after"),
        field_name="joined_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    joined_to = django_filters.DateFilter(
        label=_("Joined on or before"),
        field_name="joined_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[
            ("joined_desc", _("Newest members first")),
            ("joined_asc", _("Longest-standing members first")),
            ("name", pgettext_lazy("person", "Name")),
        ],
        empty_label=None,
        method="keep",  # applied last, in filter_queryset, so that the default order applies too
    )

    # The fields shown above the fold; the others sit under "More filters".
    MAIN_FIELDS = ("q", "union", "status", "sort")

    class Meta:
        model = Member
        fields = ["q", "union", "status", "political_status", "employment_type", "migrant", "hardship"]

    def __init__(self, data=None, *args, user=None, request=None, **kwargs):
        # The list shows active members unless another status is asked for; the order has a default too.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("status"):
            data["status"] = self.DEFAULT_STATUS
        if not data.get("sort"):
            data["sort"] = self.DEFAULT_SORT
        super().__init__(data, *args, request=request, **kwargs)
        self.search_kind = ""
        self.search_problem = ""
        self.user = user if user is not None else getattr(request, "user", None)
        self.scope_unions = Union.objects.filter(subtree_q(scope_paths(self.user, MEMBER_STAFF_KINDS)))
        self.filters["union"].queryset = self.scope_unions

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            # Any union in scope is accepted (links from a union's page name grassroots unions), but the
            # list offers only the federations and the top of the user's scope: a city has thousands of
            # grassroots unions, too many for one drop-down.
            field = form.fields["union"]
            roots = scope_paths(self.user, MEMBER_STAFF_KINDS)
            offered = self.scope_unions.filter(
                Q(kind__in=FEDERATION_NODE_KINDS) | Q(path__in=roots) | Q(pk=_int_or_none(self.data.get("union")))
            ).order_by("path")
            offered = list(offered.only("pk", "name", "depth"))
            top = min((u.depth for u in offered), default=1)
            field.widget.choices = [("", field.empty_label)] + [
                (u.pk, "\u3000" * (u.depth - top) + u.name) for u in offered
            ]
        return self._form

    @property
    def has_more_filters(self) -> bool:
        """Whether a filter below the fold is in use, so that the page opens that section."""
        return any(self.data.get(name) for name in self.filters if name not in self.MAIN_FIELDS)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or self.DEFAULT_SORT
        return queryset.order_by(*self.SORTS.get(sort, self.SORTS[self.DEFAULT_SORT]))

    def keep(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        kind, term = classify_search(value)
        self.search_kind = kind
        if kind == "":
            return queryset
        if kind == SEARCH_ID:
            return queryset.filter(id_hash=pii.id_hash(term.value))
        if kind == SEARCH_BAD_ID:
            self.search_problem = term
            return queryset.none()
        if kind == SEARCH_MOBILE:
            return queryset.filter(mobile=term)
        if kind == SEARCH_CARD:
            cards = MemberCard.objects.filter(number=term, revoked_on__isnull=True).values("member_id")
            return queryset.filter(pk__in=cards)
        return queryset.filter(name__startswith=term)

    def filter_union(self, queryset, name, value):
        if value.holds_members:  # nothing below it: by id, which the (union, …) index serves in order
            return queryset.filter(union=value)
        return queryset.filter(union__path__startswith=value.path)

    def filter_status(self, queryset, name, value):
        if value == self.ANY_STATUS:
            return queryset
        return queryset.filter(status=value)

    def filter_employment_type(self, queryset, name, value):
        if value == self.NEW_FORM:
            return queryset.filter(employment_type__in=sorted(EmploymentType.new_form_values()))
        return queryset.filter(employment_type=value)


SEARCH_ID, SEARCH_BAD_ID, SEARCH_MOBILE, SEARCH_CARD, SEARCH_NAME = "id", "bad_id", "mobile", "card", "name"
_LOOKS_LIKE_ID = re.compile(r"\d{14,17}[\dX]")
_CARD_NUMBER = re.compile(r"[0-9A-Z]+(-[0-9A-Z]+)*")


def classify_search(value: str):
    """What the search box holds: (kind, term). An ID comes back parsed; a bad ID with its fault."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return "", ""
    compact = id_number.normalise(text)
    if _LOOKS_LIKE_ID.fullmatch(compact):
        try:
            return SEARCH_ID, id_number.parse(compact)
        except ValidationError as exc:
            return SEARCH_BAD_ID, " ".join(exc.messages)
    mobile = normalise_mobile(text)
    if MOBILE_RE.fullmatch(mobile):
        return SEARCH_MOBILE, mobile
    card = "".join(text.split()).upper()
    if _CARD_NUMBER.fullmatch(card) and any(c.isdigit() for c in card):
        return SEARCH_CARD, card
    return SEARCH_NAME, text


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
