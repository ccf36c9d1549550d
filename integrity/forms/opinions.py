"""Forms of the opinion letter pages: the request (a cadre officer picks a cadre of their part of the
tree by name, the cadres app's picker), the officers' queue filter, and the issue form."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.forms.postings import DATE, CadrePicker
from cadres.models import Cadre

from ..models import OpinionLetter


class RequestForm(CadrePicker, forms.Form):
    cadre = forms.ModelChoiceField(
        label=_("Cadre"),
        queryset=Cadre.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Search for the cadre by name and choose one."),
            "invalid_choice": _(
                "This person is not a cadre in post in your part of the tree: an opinion letter is asked "
                "for a cadre with a cadre profile."
            ),
        },
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=OpinionLetter.Purpose.choices)
    note = forms.CharField(
        label=_("For"),
        max_length=200,
        required=False,
        help_text=_("The post or the honour it is asked for, e.g. proposed as deputy head of department."),
    )

    def __init__(self, *args, user, search: str = "", selected=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_picker(user, "cadre", search=search, selected=selected)


class IssueForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=pgettext_lazy("opinion letter", "Conclusion"),
        choices=OpinionLetter.Conclusion.choices,
        widget=forms.RadioSelect,
    )
    problem_category = forms.ChoiceField(
        label=_("Category of the problem"),
        choices=[("", _("— none (no problem on record) —")), *OpinionLetter.ProblemCategory.choices],
        required=False,
        help_text=_("Required with a problem on record; left empty otherwise."),
    )
    remarks = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the letter; the requester does not see them on their page."),
    )
    as_of = forms.DateField(label=_("As of"), widget=DATE, initial=timezone.localdate)

    def clean(self):
        data = super().clean()
        conclusion, category = data.get("conclusion"), data.get("problem_category")
        if conclusion == OpinionLetter.Conclusion.PROBLEM and not category:
            self.add_error("problem_category", _("A problem on record must name its category."))
        if conclusion == OpinionLetter.Conclusion.NO_PROBLEM and category:
            self.add_error("problem_category", _("With no problem on record the letter names no category of problem."))
        as_of = data.get("as_of")
        if as_of and as_of > timezone.localdate():
            self.add_error("as_of", _("The opinion cannot be as of a day still to come."))
        return data


class OpinionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cadre"),
        field_name="cadre__name",
        lookup_expr="contains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Cadre's name")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OpinionLetter.Status.choices, empty_label=_("Any status")
    )
    purpose = django_filters.ChoiceFilter(
        label=_("Purpose"), choices=OpinionLetter.Purpose.choices, empty_label=_("Any purpose")
    )

    class Meta:
        model = OpinionLetter
        fields = ["q", "status", "purpose"]
