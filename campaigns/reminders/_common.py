"""What the campaigns reminder parts share: the delivery of a run's messages in one transaction, and
the roles of given kinds at given nodes, loaded once per run."""

from collections import defaultdict
from collections.abc import Collection, Iterable

from django.db import transaction

from accounts.notify import Message, notifications_create_once
from accounts.tasks import send_notification_emails
from unions.models import Role

EMAIL_TASK_CHUNK = 200


def deliver(messages: list[Message], made: dict[str, int]) -> None:
    """Make the messages not made before (a re-run makes none again) and queue their e-mail copies."""
    if not messages:
        return
    with transaction.atomic():
        pending = notifications_create_once(messages)
        for start in range(0, len(pending), EMAIL_TASK_CHUNK):
            chunk = pending[start : start + EMAIL_TASK_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    for message in messages:
        made[message.kind] = made.get(message.kind, 0) + 1


def holders_by_path(kinds: Collection[str], paths: Iterable[str]) -> dict[str, dict[str, set[int]]]:
    """path → role kind → active users holding a role of that kind at exactly that node (one query)."""
    found: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    paths = set(paths)
    if not paths:
        return found
    rows = Role.objects.filter(kind__in=kinds, union__path__in=paths, user__is_active=True).values_list(
        "union__path", "kind", "user_id"
    )
    for path, kind, user_id in rows:
        found[path][kind].add(user_id)
    return found
