"""Forms of the responsibility letters: which node and year, whom to draft for, the template, the
signed scan. The rules live in ``integrity.services.letters``; these only parse."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.models import Cadre
from unions.models import Union

from ..models import ResponsibilityLetter
from ..services import letters as service

DEFAULT_ITEMS = _(
    "Carry out the main responsibility for the Party's conduct and integrity within the duties of the post\n"
    "Keep to the central eight-point rules and their implementing rules\n"
    "Supervise and remind the staff in charge, and report problems found at once\n"
    "Report personal matters truthfully and accept the supervision of the organisation and the masses"
)


def _years() -> list[tuple[int, int]]:
    low, high = service.year_bounds()
    return [(year, year) for year in range(high, low - 1, -1)]


class NodeYearForm(forms.Form):
    """The node (in the officer's scope) and the year a page is about."""

    union = forms.ModelChoiceField(
        label=_("Node"), queryset=Union.objects.none(), error_messages={"required": _("Choose the node.")}
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = nodes if nodes is not None else Union.objects.none()
        self.fields["year"].choices = _years()
        self.fields["year"].initial = timezone.localdate().year


class _CadreChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, cadre: Cadre) -> str:
        return f"{cadre.name} · {cadre.post} · {cadre.get_rank_display()}"


class GenerateForm(forms.Form):
    """Whom to draft the year's letters for at the chosen node."""

    cadres = _CadreChoice(
        label=_("Leaders"),
        queryset=Cadre.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cadres in post at the node; those of county or division level and above are ticked."),
    )
    posts = forms.MultipleChoiceField(
        label=_("Also every cadre holding these posts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.CharField(
        label=_("Departments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One department a line."),
    )
    items = forms.CharField(
        label=_("Responsibility items"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item a line; the letter lists them."),
        error_messages={"required": _("Give the responsibility items.")},
    )

    def __init__(self, *args, union: Union, **kwargs):
        super().__init__(*args, **kwargs)
        cadres = service.node_cadres(union)
        self.fields["cadres"].queryset = cadres
        self.fields["cadres"].initial = service.default_leader_ids(union)
        posts = sorted({post for post in cadres.values_list("post", flat=True) if post})
        self.fields["posts"].choices = [(post, post) for post in posts]
        self.fields["items"].initial = str(DEFAULT_ITEMS)
        self._cadres = cadres

    def leaders(self) -> list[Cadre]:
        chosen = {cadre.pk: cadre for cadre in self.cleaned_data["cadres"]}
        posts = self.cleaned_data["posts"]
        if posts:
            for cadre in self._cadres.filter(post__in=posts):
                chosen.setdefault(cadre.pk, cadre)
        return sorted(chosen.values(), key=lambda cadre: (cadre.name, cadre.pk))

    def department_names(self) -> list[str]:
        return service.department_names(self.cleaned_data["departments"])


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Word template (.docx)"),
        help_text=_("At most 5 MB. It is filled with sample data before it is accepted."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
        error_messages={"required": _("Choose the Word file."), "empty": _("The file is empty.")},
    )


class SignForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Signed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the date the letter was signed.")},
    )
    scan = forms.FileField(
        label=_("Scan of the signed letter"),
        help_text=_("PDF, JPG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        error_messages={"required": _("Upload the signed letter's scan."), "empty": _("The file is empty.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()


UNSIGNED = "unsigned"


class LetterFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_years, empty_label=_("All years"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(UNSIGNED, pgettext_lazy("letter", "Not signed")), *ResponsibilityLetter.Status.choices],
        method="filter_status",
        empty_label=_("Any status"),
    )
    union = django_filters.ModelChoiceFilter(label=_("Node"), queryset=Union.objects.none(), empty_label=_("Any node"))
    party = django_filters.ChoiceFilter(
        label=_("Signed by"), choices=ResponsibilityLetter.Party.choices, empty_label=_("Leaders and departments")
    )

    class Meta:
        model = ResponsibilityLetter
        fields = ["year", "status", "union", "party"]

    def __init__(self, *args, nodes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nodes is not None:
            self.filters["union"].queryset = nodes

    def filter_status(self, queryset, name, value):
        if value == UNSIGNED:
            return queryset.filter(status__in=service.UNSIGNED)
        return queryset.filter(status=value)
