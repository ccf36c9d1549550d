import unicodedata

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


# Characters that are no part of a name as written: controls (a NUL, a line break), formatting marks
# (zero-width and right-to-left overrides, which make a name read differently from what is stored),
# separators of lines and paragraphs, private-use and unassigned code points.
_NOT_IN_A_NAME = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


class PersonNameField(forms.CharField):
    """A person's name as they write it: one line of 2 to 50 printable characters, spaces collapsed.

    Chinese names have at least two characters; 50 is what the account and the application store.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", pgettext_lazy("person", "Name"))
        kwargs.setdefault("error_messages", {"required": _("Please enter your name.")})
        super().__init__(min_length=2, max_length=50, **kwargs)
        self.widget.attrs.setdefault("autocomplete", "name")

    def to_python(self, value):
        value = unicodedata.normalize("NFC", super().to_python(value))
        if any(unicodedata.category(character) in _NOT_IN_A_NAME for character in value):
            raise forms.ValidationError(
                _("The name holds characters that cannot be part of a name. Type it again."), code="invalid"
            )
        return " ".join(value.split())


class WorkerSignupForm(SignupForm):
    """Workers sign up with their name and a mainland mobile number, which allauth then verifies by
    SMS code. The name is what the portal calls them (allauth makes up a username such as "user9");
    approving their application replaces it with the name on their ID card."""

    name = PersonNameField(help_text=_("The name on your ID card; the union sees it with your application."))

    field_order = ["name", "phone", "email", "password1", "password2"]

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
