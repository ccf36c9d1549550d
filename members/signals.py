"""Signals the members app sends; other apps (the dashboards' summary data) listen.

``members_changed`` is sent inside the transaction that changed members, with the IDs of the
grassroots or joint unions whose members changed (``union_ids=None``: possibly all of them). A
member's whole history counts under their current union, so a transfer changes both unions and a
former member rejoining elsewhere changes the union they left too.

Receivers that do work should wait for the commit (``transaction.on_commit``).

``members_seeded`` is sent by the seeding commands after writing a whole city in bulk (COPY, past the
services), with the day the data is as of. Receivers recount at once, inside the seed's transaction:
the seed vacuums what it wrote afterwards, and its figures must not depend on a worker being up.
"""

from django.dispatch import Signal

members_changed = Signal()
members_seeded = Signal()


def changed(*union_ids) -> None:
    """Members of these unions changed (``None`` entries are ignored; nothing is sent for none)."""
    ids = {pk for pk in union_ids if pk is not None}
    if ids:
        members_changed.send(sender="members", union_ids=ids)


def changed_everywhere() -> None:
    members_changed.send(sender="members", union_ids=None)


def seeded(today) -> None:
    members_seeded.send(sender="members", today=today)
