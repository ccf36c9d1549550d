"""The competition's set-up form and its three formsets (stages, criteria, prizes), and the reason
for returning. The forms parse; ``campaigns.services.competitions`` decides what may be saved."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from unions.models import Union
from unions.scope import scope_paths, subtree_q

from ..models import Competition, Prize
from ..permissions import COMPETITION_STAFF_KINDS, ORGANISER_KINDS
from ..services.competitions import CRITERION_FIELDS, FIELDS, PRIZE_FIELDS, REASON_MAX, STAGE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def organiser_choices(user):
    """The nodes where the user may organise (``permissions.can_organise_at``, as one query)."""
    paths = scope_paths(user, COMPETITION_STAFF_KINDS)
    if not paths:
        return Union.objects.none()
    return (
        Union.objects.filter(subtree_q(paths), kind__in=ORGANISER_KINDS)
        .filter(Q(closed_on__isnull=True))
        .order_by("path")
    )


class CompetitionForm(forms.ModelForm):
    class Meta:
        model = Competition
        fields = ("organiser", *FIELDS)
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "entry_deadline": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "approver": forms.RadioSelect,
            "results": forms.RadioSelect,
        }

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organiser"]
        else:
            self.fields["organiser"].queryset = organiser_choices(user)
            self.fields["organiser"].help_text = _("The level of the competition follows from its organiser.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self):
        # The service checks the whole set-up (with its rows) and writes it: no instance is built here.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in FIELDS}


class _Row(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class StageForm(_Row):
    name = forms.CharField(label=_("stage"), max_length=100)
    starts_on = forms.DateField(label=_("starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("ends on"), widget=DATE)
    report_due = forms.DateField(label=_("stage report due on"), widget=DATE)
    judging_due = forms.DateField(label=_("judging due on"), widget=DATE, required=False)


class CriterionForm(_Row):
    name = forms.CharField(label=_("criterion"), max_length=100)
    weight = forms.DecimalField(label=_("weight (%)"), max_digits=5, decimal_places=2, min_value=0)
    max_score = forms.DecimalField(label=_("maximum score"), max_digits=6, decimal_places=2, min_value=0)


class PrizeForm(_Row):
    # An empty first choice, so that an untouched extra row stays empty (and is ignored).
    grade = forms.ChoiceField(label=_("prize"), choices=[("", "---------"), *Prize.Grade.choices])
    count = forms.IntegerField(label=_("number of prizes"), min_value=1, max_value=999)


StageFormSet = formset_factory(StageForm, extra=2, can_delete=True, max_num=20, validate_max=True)
CriterionFormSet = formset_factory(CriterionForm, extra=2, can_delete=True, max_num=20, validate_max=True)
PrizeFormSet = formset_factory(PrizeForm, extra=1, can_delete=True, max_num=4, validate_max=True)


def rows_of(formset, names: tuple[str, ...]) -> list[dict]:
    """The filled, not deleted rows of a valid formset, as the service takes them."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        row = {name: data.get(name) for name in names}
        if data.get("id"):
            row["id"] = data["id"]
        rows.append(row)
    return rows


def setup_formsets(data=None, competition: Competition | None = None) -> dict:
    """The three formsets, bound to ``data`` or filled from the competition's rows."""
    if data is not None:
        return {
            "stages": StageFormSet(data, prefix="stages"),
            "criteria": CriterionFormSet(data, prefix="criteria"),
            "prizes": PrizeFormSet(data, prefix="prizes"),
        }
    if competition is None:
        return {
            "stages": StageFormSet(prefix="stages"),
            "criteria": CriterionFormSet(prefix="criteria", initial=[]),
            "prizes": PrizeFormSet(
                prefix="prizes",
                initial=[
                    {"grade": "first", "count": 1},
                    {"grade": "second", "count": 2},
                    {"grade": "third", "count": 3},
                ],
            ),
        }

    def initial(rows, names):
        return [{"id": row.pk, **{name: getattr(row, name) for name in names}} for row in rows]

    return {
        "stages": StageFormSet(prefix="stages", initial=initial(competition.stages.all(), STAGE_FIELDS)),
        "criteria": CriterionFormSet(prefix="criteria", initial=initial(competition.criteria.all(), CRITERION_FIELDS)),
        "prizes": PrizeFormSet(prefix="prizes", initial=initial(competition.prizes.all(), PRIZE_FIELDS)),
    }


SETUP_ROWS = {"stages": STAGE_FIELDS, "criteria": CRITERION_FIELDS, "prizes": PRIZE_FIELDS}


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for returning"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organiser reads it on the competition's page and in their inbox."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
