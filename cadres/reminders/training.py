"""Reminders of the training part (see the package's docstring).

- External training (补录) waiting more than ``EXTERNAL_WAITING_DAYS`` days for a decision: the cadre
  officers who can approve it (at the nearest node strictly above the cadre's that has any; at the
  root for a cadre of the root), once per filing.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.links import url_pattern
from accounts.notify import Message

from .. import kinds
from ..models import ExternalTraining
from .ledger import CadreOfficerDirectory, deliver

EXTERNAL_WAITING_DAYS = 3


def dispatch(today: datetime.date) -> dict[str, int]:
    # Filed before the start of this day, EXTERNAL_WAITING_DAYS days ago or earlier.
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=EXTERNAL_WAITING_DAYS - 1), datetime.time())
    )
    waiting = (
        ExternalTraining.objects.filter(status=ExternalTraining.Status.SUBMITTED, filed_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", "filed_at", "title", "cadre__name", "cadre__union__path", "cadre__union__depth")
    )
    rows = list(waiting)
    if not rows:
        return {}
    directory = CadreOfficerDirectory()
    url = url_pattern("cadres:external_detail")
    messages = []
    for pk, filed_at, title, name, path, depth in rows:
        filed_on = timezone.localdate(filed_at)
        due = filed_on + datetime.timedelta(days=EXTERNAL_WAITING_DAYS)
        officers = directory.by_path.get(path, []) if depth == 1 else directory.nearest(path, strictly_above=True)
        subject = _('%(name)s\'s training "%(title)s" is waiting for your approval since %(date)s') % {
            "name": name,
            "title": title,
            "date": filed_on.isoformat(),
        }
        body = _("Check the certificate, then approve it (the hours count) or return it with a reason.")
        key = f"{kinds.REMINDER_EXTERNAL_WAITING}:external:{pk}:{due.isoformat()}"
        messages.extend(
            Message(officer_id, kinds.REMINDER_EXTERNAL_WAITING, key, subject, body, url.format(pk))
            for officer_id in officers
        )
    deliver(messages)
    return {kinds.REMINDER_EXTERNAL_WAITING: len(messages)} if messages else {}
