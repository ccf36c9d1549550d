"""Reminders of the assessments part (see the package's docstring)."""

import datetime


def dispatch(today: datetime.date) -> dict[str, int]:
    return {}
