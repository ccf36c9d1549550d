"""The import's writes, in bulk: new members (and former members rejoining), their cards and
history, and the updates of existing members. One INSERT or UPDATE per batch and kind, never one
per row; card numbers come from one move of each union's counter per batch.
"""

import datetime
import secrets
from collections import defaultdict

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    EmploymentType,
    Member,
    MemberCard,
    MemberEvent,
    PoliticalStatus,
    RosterImport,
    RosterImportRow,
    Union,
)

Outcome = RosterImportRow.Outcome


def write(record: RosterImport, rows: list, *, by, batch_size: int, check_cancel, progress) -> None:
    """Write the new and updated rows of an evaluated roster, batch by batch, inside the caller's
    transaction. ``check_cancel()`` raises to stop (the caller's rollback undoes every batch);
    ``progress(done, total)`` reports how far."""
    new = [row for row in rows if row.outcome == Outcome.NEW]
    updated = [row for row in rows if row.outcome == Outcome.UPDATED]
    total = len(new) + len(updated)
    done = 0
    today = timezone.localdate()
    note = _("Roster import %(n)d") % {"n": record.pk}
    now = timezone.now()

    progress(0, total)
    for start in range(0, len(new), batch_size):
        check_cancel()
        batch = new[start : start + batch_size]
        fresh = [row for row in batch if not row.rejoin]
        created = Member.objects.bulk_create([_member(row, today) for row in fresh])
        for row, member in zip(fresh, created, strict=True):
            row.member_id = member.pk
        rejoining = [row for row in batch if row.rejoin]
        if rejoining:
            members = []
            for row in rejoining:
                member = _member(row, today)
                member.pk, member.updated_at = row.member_id, now
                members.append(member)
            Member.objects.bulk_update(members, _REJOIN_FIELDS)
            MemberCard.objects.filter(member_id__in=[r.member_id for r in rejoining], revoked_on__isnull=True).update(
                revoked_on=today
            )
        MemberEvent.objects.bulk_create(
            MemberEvent(
                member_id=row.member_id,
                kind=MemberEvent.Kind.JOINED,
                to_union_id=row.union_id,
                by=by,
                at=now,
                note=note,
            )
            for row in batch
        )
        _issue_cards(batch, by=by, at=now)
        done += len(batch)
        progress(done, total)

    for start in range(0, len(updated), batch_size):
        check_cancel()
        batch = updated[start : start + batch_size]
        by_fields = defaultdict(list)
        for row in batch:
            member = Member(pk=row.member_id, **{key: row.values[key] for key in row.changed})
            by_fields[tuple(row.changed)].append(member)
        for fields, members in by_fields.items():
            Member.objects.bulk_update(members, list(fields))
        Member.objects.filter(pk__in=[row.member_id for row in batch]).update(updated_at=now)
        MemberEvent.objects.bulk_create(
            MemberEvent(
                member_id=row.member_id, kind=MemberEvent.Kind.EDITED, by=by, at=now, note=", ".join(row.changed)
            )
            for row in batch
        )
        done += len(batch)
        progress(done, total)


# What a new member gets where the roster leaves a cell blank.
_DEFAULTS = {
    "ethnicity": "汉族",
    "political_status": PoliticalStatus.NONE,
    "education": "",
    "employment_type": EmploymentType.REGULAR,
    "employer_name": "",
    "is_migrant_worker": False,
    "is_in_hardship": False,
}


_REJOIN_FIELDS = [
    "name",
    "mobile",
    "id_encrypted",
    "id_masked",
    "sex",
    "birth_date",
    "union",
    "status",
    "joined_on",
    "ended_on",
    "end_reason",
    "updated_at",
    *_DEFAULTS,
]


def _member(row, today: datetime.date) -> Member:
    details = {
        key: row.values.get(key) if row.values.get(key) is not None else default for key, default in _DEFAULTS.items()
    }
    member = Member(
        name=row.values["name"],
        mobile=row.values["mobile"],
        union_id=row.union_id,
        joined_on=row.values.get("joined_on") or today,
        status=Member.Status.ACTIVE,
        ended_on=None,
        end_reason="",
        **details,
    )
    member.set_id_number(row.id)
    return member


def _issue_cards(rows: list, *, by, at) -> None:
    """A card for each new member: each union's counter is moved once for the whole batch."""
    per_union = defaultdict(list)
    for row in rows:
        per_union[row.union_id].append(row)
    cards, events = [], []
    for union_id in sorted(per_union):  # one lock order for every import: no deadlock between two
        members = per_union[union_id]
        Union.objects.filter(pk=union_id).update(card_sequence=F("card_sequence") + len(members))
        last = Union.objects.values_list("card_sequence", flat=True).get(pk=union_id)
        for offset, row in enumerate(members):
            sequence = last - len(members) + 1 + offset
            cards.append(
                MemberCard(
                    member_id=row.member_id,
                    union_id=union_id,
                    number=f"{union_id:06d}-{sequence:06d}",
                    token=secrets.token_urlsafe(32),
                )
            )
            events.append(
                MemberEvent(
                    member_id=row.member_id, kind=MemberEvent.Kind.CARD_ISSUED, to_union_id=union_id, by=by, at=at
                )
            )
    MemberCard.objects.bulk_create(cards)
    MemberEvent.objects.bulk_create(events)
