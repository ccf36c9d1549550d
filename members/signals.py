"""Signals the members app sends; other apps (the dashboards' summary data) listen.

``members_changed`` is sent inside the transaction that changed members, with the IDs of the
grassroots or joint unions whose members changed (``union_ids=None``: possibly all of them).
Receivers that do work should wait for the commit (``transaction.on_commit``).
"""

from django.dispatch import Signal

members_changed = Signal()


def changed(*union_ids) -> None:
    members_changed.send(sender="members", union_ids={pk for pk in union_ids if pk is not None})


def changed_everywhere() -> None:
    members_changed.send(sender="members", union_ids=None)
