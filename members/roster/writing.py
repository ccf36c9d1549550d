"""The import's writes, in bulk: new members (and former members rejoining), their cards and
history, and the updates of existing members. Never one statement per row.

New rows are built as plain tuples and inserted with ``insert_rows``: PostgreSQL's COPY, or
bulk_create elsewhere. bulk_create builds a model instance and an SQL parameter for every field of
every row (about 100 µs a row on a 2-core machine, two thirds of an import's time); COPY streams the
tuples. COPY does not report the IDs it used, so the new members' IDs are taken first, and the cards
and history refer to them. Each union's card counter moves once for the whole import.
"""

import datetime
from collections import defaultdict

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import pii, signals
from ..cards import card_numbers_take, card_token
from ..models import EmploymentType, Member, MemberCard, MemberEvent, PoliticalStatus, RosterImport, RosterImportRow

Outcome = RosterImportRow.Outcome
# What a new member gets where the roster leaves a cell blank.
DEFAULTS = {
    "ethnicity": "汉族",
    "political_status": PoliticalStatus.NONE.value,
    "education": "",
    "employment_type": EmploymentType.REGULAR.value,
    "employer_name": "",
    "is_migrant_worker": False,
    "is_in_hardship": False,
}
MEMBER_FIELDS = (
    "id",
    "name",
    "id_hash",
    "id_encrypted",
    "id_masked",
    "sex",
    "birth_date",
    "mobile",
    *DEFAULTS,
    "union",
    "joined_on",
    "status",
    "ended_on",
    "end_reason",
    "user",
    "created_at",
    "updated_at",
)
CARD_FIELDS = ("member", "union", "number", "token", "issued_on", "revoked_on")
EVENT_FIELDS = ("member", "kind", "from_union", "to_union", "by", "at", "note")
# A former member rejoining keeps their record: these fields are set again from the roster.
REJOIN_FIELDS = [field for field in MEMBER_FIELDS if field not in {"id", "id_hash", "user", "created_at"}]


def write(record: RosterImport, rows: list, *, by, batch_size: int, check_cancel, progress) -> None:
    """Write the new and updated rows of an evaluated roster, batch by batch, inside the caller's
    transaction. ``check_cancel()`` raises to stop (the caller's rollback undoes every batch);
    ``progress(done, total)`` reports how far."""
    new = [row for row in rows if row.outcome == Outcome.NEW]
    updated = [row for row in rows if row.outcome == Outcome.UPDATED]
    total, done = len(new) + len(updated), 0
    today, now = timezone.localdate(), timezone.now()
    by_id = by.pk if by is not None else None
    note = _("Roster import %(n)d") % {"n": record.pk}

    progress(0, total)
    signals.changed(*{row.union_id for row in new + updated}, *{row.previous_union_id for row in new if row.rejoin})
    _reserve_member_ids([row for row in new if not row.rejoin])
    numbers = _card_numbers(new)
    for start in range(0, len(new), batch_size):
        check_cancel()
        batch = new[start : start + batch_size]
        insert_rows(Member, MEMBER_FIELDS, (_member_values(row, today, now) for row in batch if not row.rejoin))
        rejoining = [row for row in batch if row.rejoin]
        if rejoining:
            _rejoin(rejoining, today, now)
        insert_rows(
            MemberCard,
            CARD_FIELDS,
            ((row.member_id, row.union_id, numbers[row.number], card_token(), today, None) for row in batch),
        )
        insert_rows(
            MemberEvent,
            EVENT_FIELDS,
            (
                event
                for row in batch
                for event in (
                    (row.member_id, MemberEvent.Kind.JOINED.value, None, row.union_id, by_id, now, note),
                    (row.member_id, MemberEvent.Kind.CARD_ISSUED.value, None, row.union_id, by_id, now, ""),
                )
            ),
        )
        done += len(batch)
        progress(done, total)

    for start in range(0, len(updated), batch_size):
        check_cancel()
        batch = updated[start : start + batch_size]
        by_fields = defaultdict(list)
        for row in batch:
            member = Member(pk=row.member_id, updated_at=now, **{key: row.values[key] for key in row.changed})
            by_fields[tuple(row.changed)].append(member)
        for fields, members in by_fields.items():
            Member.objects.bulk_update(members, [*fields, "updated_at"])
        insert_rows(
            MemberEvent,
            EVENT_FIELDS,
            (
                (row.member_id, MemberEvent.Kind.EDITED.value, None, None, by_id, now, ", ".join(row.changed))
                for row in batch
            ),
        )
        done += len(batch)
        progress(done, total)


def insert_rows(model, fields, rows) -> None:
    """Insert tuples (values of ``fields``, by field name, in that order) into the model's table."""
    opts = model._meta
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(opts.get_field(name).column) for name in fields)
        table = connection.ops.quote_name(opts.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    attnames = [opts.get_field(name).attname for name in fields]
    model.objects.bulk_create((model(**dict(zip(attnames, row, strict=True))) for row in rows), batch_size=500)


def _reserve_member_ids(rows: list) -> None:
    """Give each new member its ID before it is written, so that cards and history can refer to it."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Member._meta.db_table, len(rows)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
    else:
        # SQLite (development): one writer at a time, inside this transaction, so the next IDs are free.
        first = (Member.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        ids = range(first, first + len(rows))
    for row, pk in zip(rows, ids, strict=True):
        row.member_id = pk


def _card_numbers(rows: list) -> dict[int, str]:
    """Row number → card number: the union's ID and the next numbers of its counter, moved once per
    union, in one lock order for every import so that two imports cannot deadlock."""
    per_union = defaultdict(list)
    for row in rows:
        per_union[row.union_id].append(row)
    numbers = {}
    for union_id in sorted(per_union):
        members = per_union[union_id]
        numbers.update(zip((row.number for row in members), card_numbers_take(union_id, len(members)), strict=True))
    return numbers


def _details(row) -> list:
    """The roster's values for the DEFAULTS fields, the default where a cell was blank."""
    values = row.values
    return [values[key] if values.get(key) is not None else default for key, default in DEFAULTS.items()]


def _member_values(row, today: datetime.date, now) -> tuple:
    """A new member as a tuple in MEMBER_FIELDS order."""
    number = row.id
    return (
        row.member_id,
        row.values["name"],
        row.id_hash,
        pii.encrypt(number.value),
        number.masked,
        number.sex,
        number.birth_date,
        row.values["mobile"],
        *_details(row),
        row.union_id,
        row.values.get("joined_on") or today,
        Member.Status.ACTIVE.value,
        None,
        "",
        None,
        now,
        now,
    )


def _rejoin(rows: list, today: datetime.date, now) -> None:
    """Former members active again: their record set from the roster (where a cell was blank,
    ``importing`` filled in what the record held), any old card revoked."""
    members = []
    for row in rows:
        values = dict(zip(MEMBER_FIELDS, _member_values(row, today, now), strict=True))
        members.append(
            Member(pk=row.member_id, **{Member._meta.get_field(f).attname: values[f] for f in REJOIN_FIELDS})
        )
    Member.objects.bulk_update(members, REJOIN_FIELDS)
    MemberCard.objects.filter(member_id__in=[row.member_id for row in rows], revoked_on__isnull=True).update(
        revoked_on=today
    )
