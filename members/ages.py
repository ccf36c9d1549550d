"""How many days something has waited, as the people who read the portal count them.

A clerk in the city counts calendar days on the wall clock: an application sent at 23:30 is a day
old at 00:30, and one sent at 00:10 is still today's at 23:50. Counting 24-hour periods (or days in
UTC) said 今天 for yesterday's application until the early afternoon. Every age in days that the
portal shows goes through this function, so the queue, the application page and the dashboard agree.
"""

import datetime

from django.utils import timezone


def days_since(moment: datetime.datetime, *, today: datetime.date | None = None) -> int:
    """Calendar days from ``moment``'s day to ``today`` in the portal's time zone (``TIME_ZONE``,
    Asia/Shanghai): 0 for the same day, 1 for yesterday whatever the hour."""
    return ((today or timezone.localdate()) - timezone.localdate(moment)).days


def waited_longer_than(days: int, *, today: datetime.date | None = None) -> datetime.datetime:
    """The moment before which something has waited more than ``days`` calendar days by ``today``:
    ``days_since(m) > days`` exactly when ``m < waited_longer_than(days)``. Queries filter on it."""
    day = (today or timezone.localdate()) - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
