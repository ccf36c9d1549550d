"""Forms of model workers' care: filtering the visiting union's list and recording care delivered."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..care import STATES
from ..models import CareEntitlement

CARE_CHOICES = CareEntitlement.Care.choices


class CareFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    union = forms.ModelChoiceField(label=_("Union"), queryset=None, required=False, empty_label=_("All"))
    care = forms.ChoiceField(label=_("Care"), choices=[("", _("All")), *CARE_CHOICES], required=False)
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All")), *STATES.items()], required=False)

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["year"].initial = timezone.localdate().year
        self.fields["year"].widget.attrs.update({"class": "form-control", "inputmode": "numeric"})
        for name in ("union", "care", "state"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def year_or_current(self) -> int:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class CareRecordForm(forms.Form):
    care = forms.ChoiceField(
        label=_("Care"), choices=CARE_CHOICES, error_messages={"required": _("Choose the care delivered.")}
    )
    year = forms.IntegerField(label=_("For the year"), min_value=2000, max_value=2100)
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Give the date the care was delivered.")},
    )
    delivered_by = forms.CharField(
        label=_("Delivered by"),
        max_length=100,
        help_text=_("Who visited or delivered it, e.g. the union's chair and the district's staff."),
        error_messages={"required": _("Say who delivered the care.")},
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=9,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Required for the hardship allowance and a festival visit with money."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cares=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cares:
            self.fields["care"].choices = [(value, label) for value, label in CARE_CHOICES if value in cares]
        self.fields["amount"].widget.attrs["inputmode"] = "decimal"
        self.fields["year"].widget.attrs["inputmode"] = "numeric"
