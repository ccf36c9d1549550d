"""What is due in the campaigns app, turned into reminders once each (``accounts.notify``).

Each part says what is due in its own module, as ``dispatch(today) -> dict[str, int]`` (reminders
made, by kind); the daily task runs them all. A reminder's key is (kind, object, due date), so a
re-run or a retried task sends nothing twice.
"""

import datetime
from importlib import import_module

from django.utils import timezone

PARTS: tuple[str, ...] = ("stage_reports", "judging", "approvals", "honours")


def dispatch(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    made: dict[str, int] = {}
    for part in PARTS:
        for kind, count in import_module(f"{__name__}.{part}").dispatch(today).items():
            made[kind] = made.get(kind, 0) + count
    return made
