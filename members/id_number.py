"""Resident ID numbers (居民身份证号码), GB 11643-1999.

18 characters: a 6-digit region code (where the number was first issued; the first two digits are
the province), the birth date as YYYYMMDD, a 3-digit sequence number whose last digit is odd for
men and even for women, and a check character. The check is a weighted sum mod 11; the weights are
2^(17-i) mod 11, never 0, so any single changed digit changes the sum and is caught. A check value
of 10 is written X. First-generation cards carry 15 digits: no century, no check character.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
DIGITS = frozenset("0123456789")
# Province-level codes of GB/T 2260. 71 is Taiwan; 81, 82 and 83 head the residence permits issued
# since 2018 to residents of Hong Kong, Macao and Taiwan, which use the same format.
PROVINCES = frozenset(
    f"{n:02d}"
    for n in [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66)]
    + [71, 81, 82, 83]
)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
_DASHES = re.compile(r"[-\u2010-\u2015\u2212]")  # hyphen-minus, Unicode hyphens and dashes, minus sign
# What Excel shows after turning an ID number typed into a General or Number cell into a number.
_EXCEL_NUMBER = re.compile(r"\d+(\.\d*)?E\+?\d+", re.IGNORECASE)


def normalise(value: str) -> str:
    """Full-width to half-width, drop spaces and dashes, x to X: what people type and paste."""
    value = unicodedata.normalize("NFKC", value or "")
    return _DASHES.sub("", "".join(value.split())).replace("x", "X")


def check_character(body17: str) -> str:
    """The 18th character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def upgrade_15(value: str) -> str:
    """A 15-digit first-generation number as 18: century 19 inserted, check character appended."""
    if len(value) != 15 or not DIGITS.issuperset(value):
        raise ValueError("upgrade_15 needs exactly 15 digits")
    body = value[:6] + "19" + value[6:]
    return body + check_character(body)


def mask(value: str) -> str:
    """What lists show of a stored (normalised) number: region and last four only."""
    if not value:
        return ""
    if len(value) != 18:
        return "*" * 18  # not a number we understand: show nothing of it
    return value[:6] + "*" * 8 + value[-4:]


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    upgraded_from_15: bool = False

    @property
    def masked(self) -> str:
        return mask(self.value)


def parse(value: str, *, today: datetime.date | None = None) -> IdNumber:
    """A valid ID number and what it tells, or a ValidationError naming the first fault found.

    ``today`` (for "not born in the future") defaults to the local date in settings.TIME_ZONE.
    """
    number = normalise(value)
    if "." in number or _EXCEL_NUMBER.fullmatch(number):
        raise ValidationError(
            _(
                "“%(value)s” looks like an ID number that Excel has turned into a number, losing digits. "
                "The column must be formatted as text before the numbers are typed or pasted in."
            ),
            code="id_number_excel",
            params={"value": number},
        )
    upgraded = len(number) == 15 and DIGITS.issuperset(number)
    if upgraded:
        number = upgrade_15(number)
    # A character no ID number holds (a letter O for a zero...) is named before the length: with one
    # digit missing as well, "17 characters" would send the clerk looking for the wrong mistake.
    # Not str.isdigit(): that also accepts other scripts' digits (Arabic-Indic...), which NFKC keeps.
    if not (DIGITS | {"X"}).issuperset(number):
        raise _bad_characters(number, [i for i, c in enumerate(number) if c not in DIGITS and c != "X"])
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(n)d."),
            code="id_number_length",
            params={"n": len(number)},
        )
    if "X" in number[:17]:
        raise _bad_characters(number, [i for i, c in enumerate(number[:17]) if c == "X"])
    if number[:2] not in PROVINCES:
        raise ValidationError(
            _("The first two digits, %(code)s, are not the code of any province or region."),
            code="id_number_region",
            params={"code": number[:2]},
        )
    birth_date = _birth_date(number[6:14], today or timezone.localdate())
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The last character does not match the rest of the number: please compare it with the ID card."),
            code="id_number_check",
        )
    return IdNumber(
        value=number, birth_date=birth_date, sex="M" if int(number[16]) % 2 else "F", upgraded_from_15=upgraded
    )


def _bad_characters(number: str, positions: list[int]) -> ValidationError:
    """The characters at ``positions`` named with their place in the number (counted from 1)."""
    named = [gettext("“%(char)s” (character %(n)d)") % {"char": number[i], "n": i + 1} for i in positions]
    separator = "、" if (get_language() or "").startswith("zh") else ", "
    return ValidationError(
        _("An ID number is made of digits, and only its last character may be X; this one contains %(chars)s."),
        code="id_number_chars",
        params={"chars": separator.join(named)},
    )


def _birth_date(digits: str, today: datetime.date) -> datetime.date:
    """Digits 7 to 14 as a date that someone alive can have been born on."""
    try:
        born = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        message = _("Digits 7 to 14 are the birth date (YYYYMMDD), but %(digits)s is not a real date.")
    else:
        if EARLIEST_BIRTH_DATE <= born <= today:
            return born
        if born < EARLIEST_BIRTH_DATE:
            message = _("Digits 7 to 14 are the birth date (YYYYMMDD), but %(digits)s is before 1900.")
        else:
            message = _("Digits 7 to 14 are the birth date (YYYYMMDD), but %(digits)s is in the future.")
    raise ValidationError(message, code="id_number_birth_date", params={"digits": digits})


def validate_id_number(value: str) -> None:
    """Field validator: the value must parse."""
    parse(value)


def upgrade_notice(number: IdNumber | None) -> str | None:
    """What to tell someone whose 15-digit number was converted (shown masked, like every ID)."""
    if number is None or not number.upgraded_from_15:
        return None
    return gettext("The 15-digit ID number was converted to the 18-digit form %(masked)s.") % {"masked": number.masked}
