"""Text a clerk typed that goes on a public page or a posted notice (a nominee's deeds): numbers that
point at a person are masked, whatever the sentence around them. A mainland mobile keeps its first three
and last four digits (139****5678), a resident ID number its first six and last two (110105**********23);
the rest of the text is left as typed."""

import re

# An 18-character ID number (17 digits and a digit or X) not inside a longer run of digits.
ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{5})[0-9]{10}([0-9][0-9Xx])(?![0-9Xx])")
# An 11-digit mainland mobile, possibly written 139-1234-5678 or 139 1234 5678.
MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[\s-]?[0-9]{4}[\s-]?([0-9]{4})(?![0-9])")


def mask_numbers(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 10}{m.group(2)}", text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
