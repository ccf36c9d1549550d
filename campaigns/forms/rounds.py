"""Forms of the honours set-up: a round with its structural rules, the rounds list's filter, an honour
kind with its checklist and care entitlements, and a day of the working-day calendar. The forms parse;
``campaigns.services.rounds``, ``.honour_kinds`` and ``.calendar`` decide what may be saved."""

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.models import Union
from unions.scope import scope_paths, subtree_q

from ..honour_permissions import HONOUR_STAFF_KINDS, ROUND_ORGANISER_KINDS
from ..models import CareEntitlement, CategoryFlag, HonourKind, Round, StructuralRule
from ..services.calendar import NOTE_MAX
from ..services.rounds import FIELDS, NOTICE_DAYS_MAX, NOTICE_DAYS_MIN, OPEN_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def organiser_choices(user):
    """The nodes where the user may organise a round (``can_organise_round_at``), as one query."""
    paths = scope_paths(user, HONOUR_STAFF_KINDS)
    if not paths:
        return Union.objects.none()
    return Union.objects.filter(subtree_q(paths), kind__in=ROUND_ORGANISER_KINDS, closed_on__isnull=True).order_by(
        "path"
    )


class RoundForm(forms.ModelForm):
    kinds = forms.ModelMultipleChoiceField(
        label=_("Honours"),
        queryset=HonourKind.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("At least one before the round takes nominations; fixed from then on."),
    )

    class Meta:
        model = Round
        fields = ("organiser", *FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            **{name: DATE for name in FIELDS if name.endswith(("_close", "_due", "_planned"))},
            "notice_days": forms.NumberInput(attrs={"min": NOTICE_DAYS_MIN, "max": NOTICE_DAYS_MAX}),
        }

    def __init__(self, *args, user=None, round_: Round | None = None, **kwargs):
        super().__init__(*args, instance=round_, **kwargs)
        self.fields["kinds"].label_from_instance = lambda kind: f"{kind.name}（{kind.get_category_display()}）"
        if round_ is not None:
            del self.fields["organiser"]
            self.initial["kinds"] = list(round_.kinds.all())
            if round_.status != Round.Status.DRAFT:
                for name in list(self.fields):
                    if name not in OPEN_FIELDS:
                        self.fields[name].disabled = True
        else:
            self.fields["organiser"].queryset = organiser_choices(user)
            self.fields["organiser"].help_text = _("The round's level follows from its organiser.")
            self.fields["organiser"].empty_label = None
        self.fields["notice_days"].help_text = _("In working days, at least %(min)d.") % {"min": NOTICE_DAYS_MIN}
        self.helper = _helper()

    def _post_clean(self):
        # The service checks the whole set-up (with its rules) and writes it: no instance is built here.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in FIELDS if not self.fields[name].disabled}


class RuleForm(forms.Form):
    flag = forms.ChoiceField(label=_("category"), choices=[("", "---------"), *CategoryFlag.choices])
    bound = forms.ChoiceField(label=_("bound"), choices=StructuralRule.Bound.choices)
    percent = forms.IntegerField(label=_("share (%)"), min_value=1, max_value=100)

    def has_changed(self):
        # The bound's select always posts a value: a row is filled only when a category or a share is.
        return bool(self.data.get(self.add_prefix("flag")) or self.data.get(self.add_prefix("percent")))


RuleFormSet = formset_factory(RuleForm, extra=2, can_delete=True, max_num=14, validate_max=True)


def rule_rows(formset) -> list[dict]:
    return [
        {name: form.cleaned_data[name] for name in ("flag", "bound", "percent")}
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


def rule_formset(data=None, round_: Round | None = None, disabled: bool = False):
    if data is not None and not disabled:
        return RuleFormSet(data, prefix="rules")
    initial = (
        [{"flag": r.flag, "bound": r.bound, "percent": r.percent} for r in round_.rules.all()]
        if round_ is not None
        else [{"flag": CategoryFlag.WOMAN, "bound": StructuralRule.Bound.AT_LEAST, "percent": 20}]
    )
    formset = RuleFormSet(prefix="rules", initial=initial)
    if disabled:
        formset.extra = 0
        for form in formset.forms:
            for field in form.fields.values():
                field.disabled = True
    return formset


class RoundFilter(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Round.Status.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("Any year"))] + [
            (year, str(year)) for year in range(this_year + 1, this_year - 8, -1)
        ]

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data.get("year"):
            queryset = queryset.filter(year=self.cleaned_data["year"])
        if self.cleaned_data.get("status"):
            queryset = queryset.filter(status=self.cleaned_data["status"])
        return queryset


# --- honour kinds ------------------------------------------------------------------------------------


class HonourKindForm(forms.ModelForm):
    class Meta:
        model = HonourKind
        fields = ("category", "grants_care", "exclusion_years", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def _post_clean(self):
        pass


class EvidenceItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("evidence"), max_length=100)
    required = forms.BooleanField(label=_("required"), required=False)


class EntitlementForm(forms.Form):
    care = forms.ChoiceField(label=_("care"), choices=[("", "---------"), *CareEntitlement.Care.choices])
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=9, decimal_places=2, min_value=0, required=False)
    hardship_only = forms.BooleanField(label=_("only for holders in hardship"), required=False)


EvidenceItemFormSet = formset_factory(
    EvidenceItemForm, extra=1, can_delete=True, can_order=True, max_num=20, validate_max=True
)
EntitlementFormSet = formset_factory(EntitlementForm, extra=1, can_delete=True, max_num=6, validate_max=True)


def kind_formsets(data=None, kind: HonourKind | None = None) -> dict:
    if data is not None:
        return {
            "items": EvidenceItemFormSet(data, prefix="items"),
            "entitlements": EntitlementFormSet(data, prefix="care"),
        }
    items = [
        {"id": item.pk, "label": item.label, "required": item.required, "ORDER": position}
        for position, item in enumerate(kind.evidence_items.all(), start=1)
    ]
    care = [{"care": e.care, "amount": e.amount, "hardship_only": e.hardship_only} for e in kind.entitlements.all()]
    return {
        "items": EvidenceItemFormSet(prefix="items", initial=items),
        "entitlements": EntitlementFormSet(prefix="care", initial=care),
    }


def item_rows(formset) -> list[dict]:
    """The checklist in the order the ORDER numbers give (unnumbered rows last), removed rows left out."""
    rows = []
    for form in formset.ordered_forms:
        data = form.cleaned_data
        if data and not data.get("DELETE") and data.get("label"):
            rows.append({"id": data.get("id"), "label": data["label"], "required": data.get("required", False)})
    seen = {id(form) for form in formset.ordered_forms}
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if id(form) in seen or not data or data.get("DELETE") or not data.get("label"):
            continue
        rows.append({"id": data.get("id"), "label": data["label"], "required": data.get("required", False)})
    return rows


def entitlement_rows(formset) -> list[dict]:
    return [
        {name: form.cleaned_data.get(name) for name in ("care", "amount", "hardship_only")}
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("care")
    ]


# --- the working-day calendar ------------------------------------------------------------------------


class CalendarDayForm(forms.Form):
    WORKDAY, DAY_OFF, CLEAR = "work", "off", "clear"

    date = forms.DateField(label=_("date"), widget=DATE)
    status = forms.ChoiceField(
        label=_("the day is"),
        choices=[
            (DAY_OFF, _("a day off (public holiday)")),
            (WORKDAY, _("a working day (make-up working day 调休)")),
            (CLEAR, _("as the published calendar says (remove the entry)")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("note"), max_length=NOTE_MAX, required=False, help_text=_("e.g. 春节, 调休上班"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
