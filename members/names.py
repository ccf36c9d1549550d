"""Comparing people's names as typed: full-width forms, spaces and the middle dots of minority names aside."""

import re
import unicodedata


def comparable_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name or "")
    name = "".join(name.split())
    return re.sub(r"[·•‧・.]", "·", name).casefold()
