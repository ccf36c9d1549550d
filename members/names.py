"""Names as typed: compared without full-width forms, spaces and the middle dots of minority names."""

import re
import unicodedata


def comparable_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(name.split())
    return re.sub(r"[·•‧・.]", "·", name).casefold()
