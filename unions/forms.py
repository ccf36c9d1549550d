"""Forms of the tree's pages: a union's details, moving and closing it, granting a role."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.phone import MobileField
from accounts.validators import validate_single_line, validate_username_not_mobile

from .credit_code import normalise as normalise_credit_code
from .models import Role, Union
from .permissions import can_grant
from .services import EDITABLE_FIELDS


class UnionForm(forms.ModelForm):
    # People paste codes grouped with spaces or in full width: the 18-character limit belongs to the
    # normalised code (the model's validator), not to what was typed.
    credit_code = forms.CharField(
        label=Union._meta.get_field("credit_code").verbose_name,
        help_text=Union._meta.get_field("credit_code").help_text,
        max_length=40,
        required=False,
    )

    class Meta:
        model = Union
        fields = ("kind", *EDITABLE_FIELDS)
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    # One line each: the name goes into e-mail subjects, and none of these is a paragraph.
    SINGLE_LINE_FIELDS = ("name", "employer_name", "chair_name", "address")

    def __init__(self, *args, parent: Union | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SINGLE_LINE_FIELDS:
            if name in self.fields:
                self.fields[name].validators.append(validate_single_line)
        if parent is not None:
            allowed = parent.CHILD_KINDS[parent.kind]
            self.fields["kind"].choices = [(v, label) for v, label in Union.Kind.choices if v in allowed]
        else:
            # The kind of an existing union is part of its place in the tree, not an editable fact.
            del self.fields["kind"]

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        if code:
            others = Union.objects.filter(credit_code=code)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(_("Another union is already registered with this credit code."))
        return code

    def _post_clean(self):
        # Validate the normalised code, not what was typed.
        if "credit_code" in self.cleaned_data:
            self.instance.credit_code = self.cleaned_data["credit_code"]
        super()._post_clean()

    def validate_unique(self):
        # Uniqueness is checked in clean_credit_code with a clearer message; the tree fields are the
        # services' business, not the form's.
        pass


class UnionMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("Move under"), queryset=Union.objects.none())

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["new_parent"].queryset = targets
        self.fields["new_parent"].label_from_instance = lambda u: f"{'　' * (u.depth - 1)}{u.name}"


class UnionCloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Closed on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_closed_on(self):
        value: datetime.date = self.cleaned_data["closed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The closing date cannot be in the future."))
        return value


class RoleGrantForm(forms.Form):
    """Grant a role at one node, to an existing account or to a new staff account made here."""

    kind = forms.ChoiceField(label=_("Role"))
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("An existing account, or a new one: then fill in the name and e-mail below."),
    )
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = MobileField(required=False)

    def __init__(self, *args, granter, union, **kwargs):
        super().__init__(*args, **kwargs)
        self.union = union
        self.fields["kind"].choices = [
            (value, label) for value, label in Role.Kind.choices if can_grant(granter, value, union)
        ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        validate_username_not_mobile(username)
        return username

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if username:
            self.existing_user = User.objects.filter(username__iexact=username).first()
            if self.existing_user is None and not (data.get("name") and data.get("email")):
                raise forms.ValidationError(
                    _("There is no account %(u)s yet. To make one, give the person's name and e-mail."),
                    params={"u": username},
                )
        return data
