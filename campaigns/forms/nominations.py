"""Forms of nominating: the nomination (nominee, categories, deeds, democratic review, unit notice), a
file for a line of the checklist, withdrawing."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cadres.models import Cadre
from members.models import Member, PoliticalStatus, Sex

from ..models import HonourKind, NominationFile
from ..models.nominations import DEEDS_MAX
from ..services.stage_reports import ACCEPT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "numeric"}


class NominationForm(forms.Form):
    union = forms.ModelChoiceField(
        label=_("Nominating union"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose the nominating union."),
            "invalid_choice": _("Choose a union you may nominate for in this round."),
        },
    )
    kind = forms.ModelChoiceField(
        label=_("Honour"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the honour."), "invalid_choice": _("Choose an honour of this round.")},
    )
    member_query = forms.CharField(label=_("Find a member by name"), max_length=50, required=False)
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pick a member of the nominating union.")},
    )
    nominee_name = forms.CharField(
        label=_("Nominee's name"),
        max_length=100,
        required=False,
        help_text=_("A person not picked from the members; or the team's, unit's or studio's name."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    unit_name = forms.CharField(label=_("Unit"), max_length=100, required=False)
    post = forms.CharField(label=_("Post"), max_length=100, required=False)
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=[("", "—"), *PoliticalStatus.choices], required=False
    )
    team_size = forms.IntegerField(
        label=_("Team size"), min_value=1, max_value=100000, required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
    enterprise_staff = forms.BooleanField(label=_("Enterprise staff"), required=False)
    front_line = forms.BooleanField(label=_("Front-line worker"), required=False)
    technician = forms.BooleanField(label=_("Technician"), required=False)
    enterprise_head = forms.BooleanField(label=_("Enterprise head"), required=False)
    woman = forms.BooleanField(label=_("Woman"), required=False, help_text=_("Ticked for a woman nominee."))
    migrant_worker = forms.BooleanField(label=_("Migrant worker"), required=False)
    cadre = forms.BooleanField(label=_("Cadre"), required=False)
    cadre_record = forms.ModelChoiceField(
        label=_("Cadre record"),
        queryset=Cadre.objects.none(),
        required=False,
        help_text=_("If the nominee is a cadre with a record here, joint vetting asks for their integrity opinion."),
        error_messages={"invalid_choice": _("Choose a cadre serving in the nominating union.")},
    )
    deeds = forms.CharField(
        label=_("Deeds"),
        max_length=DEEDS_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": DEEDS_MAX, "data-count-max": DEEDS_MAX}),
        error_messages={"required": _("Write the deeds.")},
    )
    review_meeting_on = forms.DateField(label=_("Review meeting held on"), required=False, widget=DATE)
    review_attendance = forms.IntegerField(
        label=_("Attended"), min_value=1, max_value=1000000, required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
    votes_for = forms.IntegerField(
        label=pgettext_lazy("votes", "For"),
        min_value=0,
        max_value=1000000,
        required=False,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    votes_against = forms.IntegerField(
        label=_("Against"), min_value=0, max_value=1000000, required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
    votes_abstaining = forms.IntegerField(
        label=_("Abstaining"), min_value=0, max_value=1000000, required=False, widget=forms.NumberInput(attrs=NUMBER)
    )
    unit_notice_from = forms.DateField(label=_("Unit notice from"), required=False, widget=DATE)
    unit_notice_to = forms.DateField(label=_("Unit notice to"), required=False, widget=DATE)

    def __init__(self, *args, unions=None, kinds=None, cadres=None, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unions is None:
            del self.fields["union"]
        else:
            self.fields["union"].queryset = unions
            if len(unions) == 1:
                self.fields["union"].initial = unions[0]
        if kinds is None:
            del self.fields["kind"]
        else:
            self.fields["kind"].queryset = kinds
            if len(kinds) == 1:
                self.fields["kind"].initial = kinds[0]
        if cadres is not None:
            self.fields["cadre_record"].queryset = cadres
        if members is not None:
            self.fields["member"].queryset = members

    def chosen_kind(self) -> HonourKind | None:
        field = self.fields.get("kind")
        if field is None:
            return None
        value = self.data.get("kind") if self.is_bound else self.initial.get("kind", field.initial)
        value = getattr(value, "pk", value)
        return next((kind for kind in field.queryset if str(kind.pk) == str(value)), None)

    def chosen_union_id(self):
        field = self.fields.get("union")
        if field is None:
            return None
        value = self.data.get("union") if self.is_bound else self.initial.get("union", field.initial)
        return getattr(value, "pk", value)

    def nominee_fields(self) -> dict:
        """The cleaned data the services take (union and kind apart)."""
        return {
            name: value for name, value in self.cleaned_data.items() if name not in ("union", "kind", "member_query")
        }


class FileForm(forms.Form):
    purpose = forms.ChoiceField(
        choices=[
            (NominationFile.Purpose.EVIDENCE, NominationFile.Purpose.EVIDENCE.label),
            (NominationFile.Purpose.MINUTES, NominationFile.Purpose.MINUTES.label),
            (NominationFile.Purpose.UNIT_NOTICE, NominationFile.Purpose.UNIT_NOTICE.label),
        ],
        widget=forms.HiddenInput,
    )
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    upload = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": _("Choose a file.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
