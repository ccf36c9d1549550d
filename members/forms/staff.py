"""Forms of the staff member pages: edit a member's details, end a membership."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.phone import MobileField

from .. import id_number
from ..models import Member
from ..services import DETAIL_FIELDS


class MemberForm(forms.ModelForm):
    """The details a clerk may correct. Union, status, card and ID hash are not fields: they change
    only through their own services (transfer, end, card issue), so forged POST fields are ignored."""

    mobile = MobileField(label=capfirst(Member._meta.get_field("mobile").verbose_name))
    id_number = forms.CharField(
        label=_("Corrected resident ID number"),
        required=False,
        max_length=40,
        help_text=_("Leave blank to keep the current number. Fill in only to correct a wrongly recorded number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    class Meta:
        model = Member
        fields = DETAIL_FIELDS
        error_messages = {"name": {"required": _("Enter the member's name.")}}

    def __init__(self, *args, full_mobile: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.full_mobile = full_mobile
        if not full_mobile:
            # A role that sees mobiles masked (members.permissions.can_see_full_mobile) may still
            # correct one, but the form must not hand it the number it may not see.
            field = self.fields["mobile"]
            field.required = False
            self.initial["mobile"] = ""
            field.widget.attrs["placeholder"] = self.instance.mobile_masked
            field.help_text = _("Shown masked as %(masked)s. Leave blank to keep it, or type the new number.") % {
                "masked": self.instance.mobile_masked
            }

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile", "")
        if not value and not self.full_mobile:
            return self.instance.mobile
        return value

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        if not value.strip():
            return None
        return id_number.parse(value)

    def validate_unique(self):
        # The ID's uniqueness is the service's to check (one person, one record); nothing else is unique.
        pass

    def details(self) -> dict:
        return {field: self.cleaned_data[field] for field in DETAIL_FIELDS}


class MemberEndForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            (Member.Status.LEFT, _("The member left the union")),
            (Member.Status.DECEASED, _("The member died")),
        ],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: left the employer, retired, moved away from the city."),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_on(self):
        value: datetime.date = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if value < self.member.joined_on:
            raise forms.ValidationError(
                _("The date cannot be before the member joined (%(joined)s)."),
                params={"joined": self.member.joined_on.isoformat()},
            )
        return value
