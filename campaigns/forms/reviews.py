"""Forms of the review: a level's decision, the review lists' filter, a vetting opinion, an override."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import HonourKind, Nomination, NominationReview, Round, VettingOpinion
from ..services.vetting import ACCEPT, NOTE_MAX, REASON_MAX

Outcome = NominationReview.Outcome


class ReviewForm(forms.Form):
    """Pass, return or reject; the status the page showed travels with it (a stale form writes nothing)."""

    outcome = forms.ChoiceField(
        choices=[(Outcome.PASSED, _("Pass")), (Outcome.RETURNED, _("Return")), (Outcome.REJECTED, _("Reject"))]
    )
    comment = forms.CharField(label=_("Comment or reason"), max_length=500, required=False)
    status = forms.ChoiceField(choices=Nomination.Status.choices, widget=forms.HiddenInput)


class ReviewFilterForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(), required=False)
    kind = forms.ModelChoiceField(
        label=_("Honour"), queryset=HonourKind.objects.filter(active=True).order_by("order", "id"), required=False
    )

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rounds is not None:
            self.fields["round"].queryset = rounds
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        if self.cleaned_data.get("round"):
            queryset = queryset.filter(round=self.cleaned_data["round"])
        if self.cleaned_data.get("kind"):
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        return queryset


class VettingOpinionForm(forms.Form):
    department = forms.ChoiceField(choices=VettingOpinion.Department.choices, widget=forms.HiddenInput)
    conclusion = forms.ChoiceField(
        label=pgettext_lazy("vetting", "Conclusion"),
        choices=[
            (VettingOpinion.Conclusion.CLEAR, VettingOpinion.Conclusion.CLEAR.label),
            (VettingOpinion.Conclusion.PROBLEM, VettingOpinion.Conclusion.PROBLEM.label),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)
    file = forms.FileField(
        label=_("The department's letter (PDF, JPG or PNG, at most 20 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for going on despite the vetting"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
