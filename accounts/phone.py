"""Mainland mobile numbers: how people type them, and the 11 digits we store."""

import re
import unicodedata

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

mainland_mobile_validator = RegexValidator(
    regex=MOBILE_RE,
    message=_("Enter an 11-digit mainland mobile number, such as 13812345678."),
    code="invalid_phone",
)


def normalise_mobile(value: str) -> str:
    """Full-width digits to half-width; drop spaces, dashes and a +86 / 0086 prefix."""
    value = unicodedata.normalize("NFKC", value or "")
    value = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+86", "0086", "86"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            value = value[len(prefix) :]
            break
    return value


def mask_mobile(value: str | None) -> str:
    if not value or len(value) != 11:
        return value or ""
    return f"{value[:3]}****{value[-4:]}"


class MobileField(forms.CharField):
    """The phone field allauth uses for sign-up and sign-in; stores 11 plain digits."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric", "placeholder": "13812345678"}
            ),
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return normalise_mobile(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value:
            mainland_mobile_validator(value)
