"""What other parts ask about objections to the public notice: whether a nominee has an open one (the
final decision waits for it) and the open and closed counts of many nominations in one query."""

from django.db.models import Count, Q

from .models import Nomination, Objection


def has_open_objection(nomination: Nomination) -> bool:
    return Objection.objects.filter(nomination=nomination, status__in=Objection.OPEN).exists()


def open_objection_counts(nomination_ids) -> dict[int, int]:
    """``{nomination id: open objections}`` for the nominations that have any."""
    rows = (
        Objection.objects.filter(nomination_id__in=list(nomination_ids), status__in=Objection.OPEN)
        .values("nomination_id")
        .annotate(n=Count("id"))
    )
    return {row["nomination_id"]: row["n"] for row in rows}


def objection_counts(nomination_ids) -> dict[int, tuple[int, int]]:
    """``{nomination id: (open, closed)}`` for the nominations that have any objection."""
    rows = (
        Objection.objects.filter(nomination_id__in=list(nomination_ids))
        .values("nomination_id")
        .annotate(
            open=Count("id", filter=Q(status__in=Objection.OPEN)),
            closed=Count("id", filter=~Q(status__in=Objection.OPEN)),
        )
    )
    return {row["nomination_id"]: (row["open"], row["closed"]) for row in rows}
