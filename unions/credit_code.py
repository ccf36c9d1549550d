"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V):
registration authority, institution type, a 6-digit region code, a 9-character organisation code
and a check character. Because 31 is prime and no weight is a multiple of it, any single changed
character changes the weighted sum and is caught.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


def normalise(value: str) -> str:
    """Full-width to half-width, drop spaces, upper case: what people paste from documents."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).upper()


def check_character(body: str) -> str:
    """The 18th character for the first 17."""
    total = sum(_VALUE[c] * w for c, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalise(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d."),
            code="credit_code_length",
            params={"n": len(code)},
        )
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        raise ValidationError(
            _("The code contains characters that credit codes never use: %(chars)s (I, O, Z, S and V are not used)."),
            code="credit_code_chars",
            params={"chars": " ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of the code are the region code and must be digits."), code="credit_code_region"
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character does not match: please compare the code with the business licence."),
            code="credit_code_check",
        )
