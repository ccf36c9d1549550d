"""One cell of a real-world spreadsheet to a value, or a ``CellError`` saying what is wrong.

Cells arrive as the readers give them: text from CSV; text, floats, dates or booleans from Excel.
Every reader of a cell accepts full-width characters and stray spaces, because that is what people
paste; none of them guesses when a value could mean two things.
"""

import datetime
import re
import unicodedata
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.phone import MOBILE_RE, normalise_mobile

from .. import id_number
from .columns import CHOICE_ALIASES, CHOICES, FORMULA_START


class CellError(Exception):
    """A cell that cannot be read; the message is for the clerk, in their language."""


class UnreadFormula(str):
    """An empty cell that holds a formula the file keeps no value for (files.open_roster marks them):
    as text it is empty, but a reader can say that a formula is there."""

    __slots__ = ()


# A cell escaped on export (columns.escape_formula) comes back with the leading apostrophe.
_ESCAPED_FORMULA = tuple("'" + start for start in FORMULA_START)


def text(value) -> str:
    """A cell as text: numbers Excel stored as floats lose their ``.0``; spaces are trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = unicodedata.normalize("NFKC", str(value)).strip()
    if result.startswith(_ESCAPED_FORMULA):
        result = result[1:].strip()
    return result


# Excel's mark for "keep this as text", which some systems also write into their CSV exports.
_TEXT_MARK = "'"


def id_number_of(value, *, today: datetime.date | None = None) -> id_number.IdNumber:
    """``today`` may be given by a caller reading many rows: the local date costs a time-zone lookup."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps 15 significant digits of a number: a first-generation (15-digit) number survives
        # a number cell intact, but an 18-digit ID typed into one has already lost its last digits,
        # whatever it shows.
        if float(value).is_integer() and len(str(int(value))) == 15:
            return id_number_of(str(int(value)), today=today)
        raise CellError(
            _(
                "The ID number was stored by Excel as a number (%(value)s) and has lost its last digits. "
                "Format the ID column as text, type the numbers again and upload the file again."
            )
            % {"value": f"{value:.6G}" if isinstance(value, float) else value}
        )
    raw = text(value).removeprefix(_TEXT_MARK)
    if not raw:
        raise CellError(_("The ID number is missing."))
    try:
        return id_number.parse(raw, today=today)
    except ValidationError as exc:
        compact = id_number.normalise(raw)
        if exc.code == "id_number_check" and compact.isdigit() and compact.endswith("000"):
            raise CellError(
                _(
                    "The ID number ends in 000 and its check character does not match: Excel has probably "
                    "rounded it as a number. Format the ID column as text and type the number again."
                )
            ) from None
        raise CellError(" ".join(exc.messages)) from None


def mobile_of(value) -> str:
    raw = text(value).removeprefix(_TEXT_MARK)
    if not raw:
        raise CellError(_("The mobile number is missing."))
    mobile = normalise_mobile(raw)
    if not MOBILE_RE.fullmatch(mobile):
        raise CellError(_("“%(value)s” is not a mainland mobile number (11 digits starting with 1).") % {"value": raw})
    return mobile


def name_of(value) -> str:
    name = " ".join(text(value).split())
    # A formula is refused whether the file keeps its value or not: a name never starts like one.
    if isinstance(value, UnreadFormula) or name.startswith(FORMULA_START):
        raise CellError(_("The name cell holds a formula, and a formula is not a name: type the name itself."))
    if not name:
        raise CellError(_("The name is missing."))
    if len(name) > 50:
        raise CellError(_("The name is longer than 50 characters."))
    if any(c.isdigit() for c in name):
        raise CellError(_("The name contains digits: is the column in the right place?"))
    return name


def short_text(value, *, limit: int, label: str) -> str:
    result = " ".join(text(value).split())
    if len(result) > limit:
        raise CellError(_("%(label)s is longer than %(n)d characters.") % {"label": label, "n": limit})
    return result


def _choice_key(label) -> str:
    return re.sub(r"[\s()（）·.、\-]+", "", unicodedata.normalize("NFKC", str(label)).lower())


@cache
def _choice_table(field: str) -> dict[str, str]:
    """Every accepted spelling of the field's choices → the stored value."""
    table = {}
    for value, label in CHOICES[field].choices:
        table[_choice_key(value)] = value
        # Both languages explicitly: the table is cached, so the language that happens to be active
        # when it is first built must not decide which labels are accepted ever after.
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[_choice_key(str(label))] = value
    for alias, value in CHOICE_ALIASES.get(field, {}).items():
        table[_choice_key(alias)] = value
    return table


@cache
def choice_labels(field: str) -> tuple[str, ...]:
    """The Chinese labels offered in the template's drop-down lists and named in messages."""
    with translation.override("zh-hans"):
        return tuple(str(label) for _value, label in CHOICES[field].choices)


def choice_of(value, field: str, label: str) -> str:
    raw = text(value)
    found = _choice_table(field).get(_choice_key(raw))
    if found is None:
        offered = (
            "、".join(choice_labels(field))
            if (translation.get_language() or "").startswith("zh")
            else ", ".join(str(label) for label in CHOICES[field].labels)
        )
        raise CellError(
            _("%(label)s “%(value)s” is not one of: %(offered)s.") % {"label": label, "value": raw, "offered": offered}
        )
    return found


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
_NO = {"否", "n", "no", "false", "0", "×", "无", "不是"}


def yes_no_of(value, label: str) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO or raw == "":
        return False
    raise CellError(_("%(label)s must be 是 or 否, not “%(value)s”.") % {"label": label, "value": text(value)})


_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:T?\d{1,2}:\d{2}(?::\d{2})?)?"),  # spaces are gone
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)


def date_of(value, label: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501, an Excel date or serial number."""
    today = today or timezone.localdate()
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and 20_000 <= value < 80_000:
        # An Excel serial number: days since 1899-12-30 (Excel's leap-year bug makes that the epoch).
        result = _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    else:
        raw = "".join(text(value).split())
        if not raw:
            return None
        if raw.isdigit() and len(raw) == 5:
            return date_of(int(raw), label, today=today)
        for pattern in _DATE_PATTERNS:
            match = pattern.fullmatch(raw)
            if match:
                try:
                    result = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
                except ValueError:
                    raise CellError(
                        _("%(label)s “%(value)s” is not a real date.") % {"label": label, "value": raw}
                    ) from None
                break
        else:
            raise CellError(
                _("%(label)s “%(value)s” is not a date; write it as 2023-05-01.") % {"label": label, "value": raw}
            )
    if result > today:
        raise CellError(_("%(label)s %(date)s is in the future.") % {"label": label, "date": result.isoformat()})
    if result.year < 1950:
        raise CellError(_("%(label)s %(date)s is too early.") % {"label": label, "date": result.isoformat()})
    return result
