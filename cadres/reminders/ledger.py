"""Reminders of the ledger part (see the package's docstring)."""

import datetime


def dispatch(today: datetime.date) -> dict[str, int]:
    return {}
