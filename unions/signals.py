"""Signals the union tree sends; other apps (the dashboards' summary data) listen.

``unions_changed`` is sent inside the transaction that created, edited, moved or closed a union:
the tree, names and employers that the dashboards show changed, though no member did. Receivers that
do work should wait for the commit (``transaction.on_commit``).
"""

from django.dispatch import Signal

unions_changed = Signal()


def unions_reshaped() -> None:
    unions_changed.send(sender="unions")
