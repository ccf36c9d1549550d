"""Forms of the talk, rectification and settings pages. The services check every rule again; these
only shape the input and say what is missing in the user's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import IntegritySettings, SupervisionForm, Talk

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})


class TalkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of talk"), choices=Talk.Kind.choices)
    talker_name = forms.CharField(label=_("Talker"), max_length=50, help_text=_("The leader who held the talk."))
    talker_post = forms.CharField(label=_("Talker's post"), max_length=100, required=False)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    content = forms.CharField(
        label=_("Content of the talk"),
        widget=TEXT,
        required=False,
        help_text=_("Needed to file any talk but the routine one."),
    )
    statement = forms.CharField(label=_("Statement of the cadre"), widget=TEXT, required=False)
    opinion = forms.CharField(label=_("Opinion of the talker"), widget=TEXT, required=False)
    supervision_form = forms.ChoiceField(
        label=_("Form of supervision"),
        choices=[("", _("— none —")), *SupervisionForm.choices],
        required=False,
        help_text=_("Reminder and admonishment talks only: the measure of the first form."),
    )

    def clean(self):
        data = super().clean()
        if data.get("supervision_form") and data.get("kind") not in Talk.SUPERVISED_KINDS:
            self.add_error("supervision_form", _("Only reminder and admonishment talks name a form of supervision."))
        return data


class FileForm(forms.Form):
    register = forms.BooleanField(
        label=_("Also enter the form of supervision in the four-forms register"), required=False, initial=True
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Correction"),
        widget=TEXT,
        help_text=_("The talk stays as filed; the correction is shown beside it."),
        error_messages={"required": _("Write the correction.")},
    )


class RectificationForm(forms.Form):
    text = forms.CharField(
        label=_("What must be rectified"), widget=TEXT, error_messages={"required": _("Say what must be rectified.")}
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, error_messages={"required": _("Give the deadline.")})


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=TEXT,
        help_text=_("What the cadre handed in: the written self-examination, receipts, the corrected records."),
        error_messages={"required": _("Describe what the cadre handed in.")},
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = IntegritySettings
        fields = [
            "opinion_valid_months",
            "opinion_lookback_years",
            "tracker_reminder_month",
            "rectification_notice_days",
        ]
