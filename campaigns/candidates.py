"""Candidates for honours (the honours round reads them): first prizes won by teams and individuals in
commended competitions. Units are not candidates: honours go to collectives of workers and to people."""

from django.db.models import QuerySet

from unions.models import Union

from .models import Award, Competition, Entry, Prize


def honour_candidates(*, year: int | None = None, node: Union | None = None) -> QuerySet[Award]:
    """First-prize awards of team and individual entries; ``year``: the competition ended that year;
    ``node``: the competition was organised inside that node's subtree."""
    awards = Award.objects.select_related("entry__union", "entry__competition__organiser", "entry__member", "prize")
    awards = awards.filter(
        prize__grade=Prize.Grade.FIRST,
        entry__kind__in=[Entry.Kind.TEAM, Entry.Kind.INDIVIDUAL],
        entry__competition__status=Competition.Status.COMMENDED,
    )
    if year is not None:
        awards = awards.filter(entry__competition__ends_on__year=year)
    if node is not None:
        awards = awards.filter(entry__competition__organiser__path__startswith=node.path)
    return awards.order_by("-entry__competition__ends_on", "entry__competition_id", "entry__rank", "id")
