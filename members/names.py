"""Names as typed: compared without full-width forms, spaces and the middle dots of minority names;
refused when they hold a control character."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def comparable_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(name.split())
    return re.sub(r"[·•‧・.]", "·", name).casefold()


# Control and format characters (CR, LF, tab, NUL, direction overrides, zero-width marks) and the
# Unicode line and paragraph separators: a name is one line of visible text. Union names end up in
# e-mail subjects, where a line break would break the header, and an override would make a name
# read as another.
_NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def validate_single_line(value: str) -> None:
    if any(unicodedata.category(char) in _NOT_IN_A_NAME for char in value or ""):
        raise ValidationError(
            _("Enter one line of text, without line breaks or control characters."), code="control_character"
        )
