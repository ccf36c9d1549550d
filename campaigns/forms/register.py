"""Forms of the final decision (审定) and the honours register: the decision's document, entering an
honour, revoking one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Sex

from ..models import Honour, HonourKind
from ..services.register import REVOKE_REASON_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionForm(forms.Form):
    """The decision's document (决定文件): its number, who confers, and when."""

    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_("The number of the decision, e.g. 市工发〔2026〕18号."),
        error_messages={"required": _("Give the document number of the decision, e.g. 市工发〔2026〕18号.")},
    )
    conferring_body = forms.CharField(
        label=_("Conferred by"),
        max_length=100,
        error_messages={"required": _("Give the body that confers the honour.")},
    )
    decided_on = forms.DateField(
        label=_("Date of the decision"), widget=DATE, error_messages={"required": _("Give the date of the decision.")}
    )

    def __init__(self, *args, round_=None, **kwargs):
        super().__init__(*args, **kwargs)
        if round_ is not None:
            self.fields["conferring_body"].initial = round_.conferring_body or round_.organiser.name
        self.fields["decided_on"].initial = timezone.localdate()


class NomineeDecisionForm(DecisionForm):
    """One nominee's decision (the nomination's own page)."""

    confer = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Confer the honour")), ("no", _("Do not confer"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"required": _("Choose whether to confer the honour.")},
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("confer") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Give the reason for not conferring the honour."))
        return data


class HonourForm(forms.Form):
    """An honour conferred elsewhere or earlier, entered into the register by federation staff."""

    kind = forms.ModelChoiceField(
        label=_("Honour"), queryset=HonourKind.objects.order_by("order", "id"), empty_label=None
    )
    level = forms.ChoiceField(label=_("Level"), choices=Honour.Level.choices, initial=Honour.Level.PROVINCIAL)
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    holder_name = forms.CharField(label=_("Holder"), max_length=100, help_text=_("A person's, team's or unit's name."))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DATE,
        required=False,
        help_text=_("For a person: with the name, it tells one person's honours together."),
    )
    unit_name = forms.CharField(label=_("Unit"), max_length=100)
    post = forms.CharField(label=_("Post"), max_length=100, required=False)
    union_query = forms.CharField(
        label=_("Find the union by name"),
        max_length=50,
        required=False,
        help_text=_("Type part of the union's name and press Find: its matches are offered below."),
    )
    union = forms.ModelChoiceField(
        label=_("Union"),
        queryset=None,
        empty_label=None,
        help_text=_("The union the holder belongs to: who sees the honour and looks after the holder."),
        error_messages={"invalid_choice": _("Choose a union of your scope.")},
    )
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    conferring_body = forms.CharField(
        label=_("Conferred by"), max_length=100, help_text=_("e.g. 省总工会, 中华全国总工会")
    )
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    in_hardship = forms.BooleanField(label=_("In hardship"), required=False)

    def __init__(self, *args, unions, offered=None, **kwargs):
        """``unions``: every union the user may enter an honour for (validation); ``offered``: the few to
        list (a search's matches in a large scope), or None to list them all and hide the search."""
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["year"].initial = timezone.localdate().year - 1
        if offered is None:
            del self.fields["union_query"]
        else:
            self.fields["union"].widget.choices = [(union.pk, union.name) for union in offered]
            self.fields["union"].empty_label = None


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=REVOKE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for revoking the honour.")},
    )
