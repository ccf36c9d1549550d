import unicodedata

from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .validators import has_invisible_characters


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
        if has_invisible_characters(value):
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
