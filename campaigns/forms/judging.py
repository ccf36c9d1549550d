"""Forms of the judging pages. The services check every rule again; these shape the input and say
what is missing in the user's language."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..services.judging import competition_unions, find_account, plain


class JudgeAssignForm(forms.Form):
    account = forms.CharField(
        label=_("Account"),
        max_length=150,
        help_text=_("The judge's username, e-mail or mobile number; any account may judge."),
        error_messages={"required": _("Enter the judge's username, e-mail or mobile number.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("As the judge's sheets show it; empty: the account's name."),
    )
    title = forms.CharField(label=_("Title or post"), max_length=100, required=False)
    own_unit = forms.CharField(
        label=_("Own unit"),
        max_length=100,
        required=False,
        help_text=_(
            "The union the judge works in, if it is inside the competition's scope: its entries are never shown to them."
        ),
    )

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.competition = competition

    def clean_account(self):
        return find_account(self.cleaned_data["account"])

    def clean_own_unit(self):
        name = " ".join(self.cleaned_data["own_unit"].split())
        if not name:
            return None
        found = list(competition_unions(self.competition).filter(name=name)[:2])
        if len(found) != 1:
            raise ValidationError(_("No single union named %(name)s inside the competition's scope.") % {"name": name})
        return found[0]

    def clean(self):
        data = super().clean()
        user = data.get("account")
        if user is not None and not data.get("name"):
            data["name"] = user.display_name[:50]
        return data


class ConflictsForm(forms.Form):
    """The units the judge names. The page offers the ones named so far and the results of a search
    by name; the field accepts any union inside the competition's scope."""

    unions = forms.ModelMultipleChoiceField(
        label=_("Units I conflict with"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)

    def __init__(self, *args, competition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unions"].queryset = competition_unions(competition)


class ScoreForm(forms.Form):
    """One score and one comment per criterion of the competition."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=criterion.name,
                required=False,
                min_value=Decimal(0),
                max_value=criterion.max_score,
                decimal_places=2,
                max_digits=6,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
                help_text=_("0 to %(max)s points, weight %(weight)s%%")
                % {"max": plain(criterion.max_score), "weight": plain(criterion.weight)},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        for criterion in self.criteria:
            yield criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"]

    def values(self) -> dict:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
        }
