import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassValidator:
    """Passwords mix character classes (MLPS level 3 asks for complexity, not only length).

    The classes are lowercase letters, uppercase letters, digits and symbols.
    """

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    @staticmethod
    def _classes(password: str) -> int:
        return sum(
            (
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            )
        )

    def validate(self, password: str, user=None) -> None:
        if self._classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lowercase, uppercase, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lowercase, uppercase, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


def validate_username_not_mobile(value: str) -> None:
    """A username that looks like a mobile number would be read as one at sign-in."""
    from .phone import MOBILE_RE

    if MOBILE_RE.match(value):
        raise ValidationError(_("A username cannot look like a mobile number."), code="username_is_mobile")


# Control and format characters (CR, LF, tab, NUL, direction overrides, zero-width marks), private-use
# and unassigned code points, and the Unicode line and paragraph separators: a name is one line of
# visible text. Names end up in e-mail subjects, where a line break would break the header, and an
# override would make a name read as another.
_NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def has_invisible_characters(value: str) -> bool:
    """Whether the text holds a character that is no part of one line of visible text."""
    return any(unicodedata.category(char) in _NOT_IN_A_NAME for char in value or "")


def validate_single_line(value: str) -> None:
    if has_invisible_characters(value):
        raise ValidationError(
            _("Enter one line of text, without line breaks or control characters."), code="control_character"
        )
