"""Closing a competition: judging over, the ranking computed by the scheme and frozen on the entries
(``Entry.final_score`` and ``Entry.rank``). Once closed nothing changes the ranking: scoring, judges and
conflicts are refused (``services.judging``), and prizes are awarded from these places."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit

from .. import kinds
from ..models import Competition, Entry
from ..permissions import can_manage
from ..scoring import compute_ranking, unjudged_entries

NAMED = 10


def unjudged_message(entries) -> str:
    names = "、".join(entry.name for entry in entries[:NAMED])
    if len(entries) > NAMED:
        names += _(" and %(n)s more") % {"n": len(entries) - NAMED}
    return _("These entries are not fully judged yet: %(names)s") % {"names": names}


def freeze(placed) -> None:
    """Write the final scores and places in bulk: on PostgreSQL one UPDATE … FROM (VALUES …) per thousand
    entries (Django's bulk_update builds a CASE per row, seconds for a 2,000-entry competition)."""
    if connection.vendor != "postgresql":
        entries = Entry.objects.in_bulk([item.entry_id for item in placed])
        for item in placed:
            entries[item.entry_id].final_score = item.final_score
            entries[item.entry_id].rank = item.rank
        Entry.objects.bulk_update(list(entries.values()), ["final_score", "rank"], batch_size=1000)
        return
    table = connection.ops.quote_name(Entry._meta.db_table)
    for start in range(0, len(placed), 1000):
        chunk = placed[start : start + 1000]
        rows = ", ".join(["(%s::integer, %s::numeric, %s::integer)"] * len(chunk))
        params = [value for item in chunk for value in (item.entry_id, item.final_score, item.rank)]
        sql = (
            f'UPDATE {table} AS e SET "final_score" = v.score, "rank" = v.place '  # noqa: S608 (table name from the model)
            f"FROM (VALUES {rows}) AS v(id, score, place) WHERE e.id = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@transaction.atomic
def competition_close(*, competition: Competition, by) -> list:
    """REVIEWING → CLOSED: refused while an accepted entry is unjudged (named); writes every accepted
    entry's final score and place in bulk and returns the placed list."""
    if not can_manage(by, competition):
        raise PermissionDenied
    competition = Competition.objects.select_for_update().select_related("organiser").get(pk=competition.pk)
    if competition.status != Competition.Status.REVIEWING:
        raise ValidationError(_("Only a competition in judging can be closed."), code="status")
    if not Entry.objects.filter(competition=competition, status=Entry.Status.ACCEPTED).exists():
        raise ValidationError(_("The competition has no accepted entry to rank."), code="empty")
    unjudged = unjudged_entries(competition)
    if unjudged:
        raise ValidationError(unjudged_message(unjudged), code="unjudged")
    placed = compute_ranking(competition)
    freeze(placed)
    competition.status = Competition.Status.CLOSED
    competition.closed_by = by
    competition.closed_at = timezone.now()
    competition.save(update_fields=["status", "closed_by", "closed_at"])
    audit.record(
        kinds.COMPETITION_CLOSED,
        actor=by,
        union=competition.organiser,
        target=competition,
        detail={"ranked": len(placed)},
    )
    return placed
