from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Role, User
from .phone import MobileField
from .roles import grant_refusal
from .validators import validate_username_not_mobile


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
            (value, label) for value, label in Role.Kind.choices if grant_refusal(granter, value, union) is None
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


class WorkerSignupForm(SignupForm):
    """Workers sign up with a mainland mobile number, which allauth then verifies by SMS code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True


class PortalLoginForm(LoginForm):
    """allauth's login form, with a label that says what may be typed (allauth's reads "Login")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label = _("Username, e-mail or mobile number")
        self.fields["login"].label = label
        self.fields["login"].widget.attrs["placeholder"] = label
