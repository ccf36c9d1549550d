from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import EmploymentType

from .dashboard import NEW_FORM_GROUPS
from .targets import MAX_TARGET


class TargetsForm(forms.Form):
    """A node's targets for one year: one whole number per new-employment-form group, blank for none.

    The year comes from the page (last, this or next year) and travels as a hidden field.
    """

    year = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["year"].error_messages["invalid_choice"] = _(
            "Targets can be set for last year, this year and next year only."
        )
        for group in NEW_FORM_GROUPS:
            self.fields[group] = forms.IntegerField(
                label=EmploymentType(group).label,
                required=False,
                min_value=0,
                max_value=MAX_TARGET,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1, "min": 0}),
            )

    def group_fields(self):
        return [self[group] for group in NEW_FORM_GROUPS]

    def targets(self) -> dict[str, int | None]:
        return {group: self.cleaned_data.get(group) for group in NEW_FORM_GROUPS}
