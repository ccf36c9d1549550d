"""The dry run and the import of a roster, in bulk.

One pass reads and checks every row (``evaluate``): cells cleaned, unions found within the import's
node, duplicates in the file found, each ID looked up city-wide by its keyed hash in batches. The
dry run stores only what the clerk needs to see (counts, errors, transfer candidates), and keeps its
cleaned rows, encrypted, in the cache for the confirmation. The import takes them (or reads the file
again when anything they depend on changed), checks them against the members recorded now, inside
one transaction, and writes in bulk: members, their history, their
cards, and a row record for everything it created or changed. Any exception, including the clerk's
cancel, rolls the whole batch back.

Progress goes to the cache, not the database: the import's own transaction hides its writes from
the page that polls.
"""

import hashlib
import pickle
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unions.models import Union

from .. import pii
from ..id_number import IdNumber
from ..models import DETAIL_FIELDS, Member, RosterImport, RosterImportRow
from ..names import comparable_name
from ..permissions import can_manage_members
from ..storage import local_copy
from . import cleaning, writing
from .cleaning import CellError
from .columns import COLUMNS, map_headers
from .files import FileRefused, Roster, open_roster

Outcome = RosterImportRow.Outcome
# Fields a roster may change on an existing member (those a clerk may edit); blank cells never erase
# what is stored.
UPDATABLE = DETAIL_FIELDS
BATCH = 2000
UNCHANGED = "unchanged"  # counted, never stored as a row
PROGRESS_TIMEOUT = 24 * 3600


class ImportCancelled(Exception):
    pass


@dataclass
class Row:
    number: int
    name: str = ""
    id: IdNumber | None = None
    id_hash: str = ""
    union_id: int | None = None
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    outcome: str = ""
    member_id: int | None = None
    changed: list[str] = field(default_factory=list)
    rejoin: bool = False
    previous_union_id: int | None = None  # a rejoining former member's last union

    @property
    def message(self) -> str:
        return "；".join(self.errors)


@dataclass
class Evaluation:
    rows: list[Row]
    notices: list[str]
    counts: Counter


# --- progress -------------------------------------------------------------------------------------
def progress_key(pk: int) -> str:
    return f"roster-import:{pk}:progress"


def set_progress(pk: int, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(pk), {"phase": phase, "done": done, "total": total}, PROGRESS_TIMEOUT)


def get_progress(pk: int) -> dict | None:
    return cache.get(progress_key(pk))


def _check_cancel(pk: int, *, lock: bool = False) -> None:
    """Stop if the clerk asked to. ``lock`` takes the row lock ``import_cancel`` takes: checked
    that way just before a pass records its result, a cancel is either seen or comes after it."""
    query = RosterImport.objects.filter(pk=pk)
    if lock:
        query = query.select_for_update()
    if query.values_list("cancel_requested", flat=True).get():
        raise ImportCancelled


# --- reading and checking -------------------------------------------------------------------------
class _Unions:
    """The open grassroots and joint unions an import may put members in: those under its node."""

    def __init__(self, target: Union):
        self.target = target
        rows = Union.objects.filter(
            path__startswith=target.path, kind__in=["grassroots_union", "joint_union"]
        ).values_list("pk", "name", "credit_code", "closed_on")
        self.by_code, self.by_name = {}, defaultdict(list)
        self.closed = set()
        for pk, name, code, closed_on in rows:
            if closed_on is not None:
                self.closed.add(pk)
            if code:
                self.by_code[code.upper()] = pk
            self.by_name[cleaning.text(name)].append(pk)

    def find(self, value) -> int:
        raw = cleaning.text(value)
        if not raw:
            if self.target.holds_members:
                if self.target.is_closed:
                    raise CellError(_("The union %(name)s is closed.") % {"name": self.target.name})
                return self.target.pk
            raise CellError(_("The union is missing: give the grassroots or joint union's name or credit code."))
        pk = self.by_code.get(raw.upper().replace(" ", ""))
        if pk is None:
            found = self.by_name.get(raw, [])
            if len(found) > 1:
                raise CellError(
                    _("Several unions are named “%(name)s”: give the union's credit code instead.") % {"name": raw}
                )
            pk = found[0] if found else None
        if pk is None:
            raise CellError(
                _("No grassroots or joint union “%(name)s” under %(node)s: check the name or credit code.")
                % {"name": raw, "node": self.target.name}
            )
        if pk in self.closed:
            raise CellError(_("The union “%(name)s” is closed.") % {"name": raw})
        return pk


def _labels() -> dict[str, str]:
    """Column names as messages show them: the header the clerk's language writes."""
    language = translation.get_language() or "zh-hans"
    return {column.key: column.header(language) for column in COLUMNS}


def _clean(number: int, cells: list, positions: dict[str, int], unions: _Unions, today, label) -> Row:
    row = Row(number=number)

    def cell(key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def read(key, reader):
        try:
            return reader(cell(key))
        except CellError as exc:
            row.errors.append(str(exc))
            return None

    row.name = read("name", cleaning.name_of) or cleaning.text(cell("name"))[:50]
    row.id = read("id_number", lambda v: cleaning.id_number_of(v, today=today))
    mobile = read("mobile", cleaning.mobile_of)
    values = {"name": row.name, "mobile": mobile}
    for key in ("political_status", "education", "employment_type"):
        if key in positions and cleaning.text(cell(key)):
            values[key] = read(key, lambda v, key=key: cleaning.choice_of(v, key, label[key]))
    for key, limit in (("ethnicity", 10), ("employer_name", 100)):
        if key in positions and cleaning.text(cell(key)):
            values[key] = read(
                key, lambda v, key=key, limit=limit: cleaning.short_text(v, limit=limit, label=label[key])
            )
    for key in ("is_migrant_worker", "is_in_hardship"):
        if key in positions and cleaning.text(cell(key)):
            values[key] = read(key, lambda v, key=key: cleaning.yes_no_of(v, label[key]))
    values["joined_on"] = read("joined_on", lambda v: cleaning.date_of(v, label["joined_on"], today=today))
    if "sex" in positions and cleaning.text(cell("sex")) and row.id is not None:
        sex = read("sex", lambda v: cleaning.choice_of(v, "sex", label["sex"]))
        if sex is not None and sex != row.id.sex:
            row.errors.append(_("The sex does not match the ID number."))
    if row.id is not None and values["joined_on"] is not None and values["joined_on"] < row.id.birth_date:
        row.errors.append(_("The join date is before the birth date in the ID number."))
    row.union_id = read("union", unions.find)
    row.values = values
    if row.id is not None:
        row.id_hash = pii.id_hash(row.id.value)
    return row


def evaluate(record: RosterImport, roster: Roster, *, phase: str, by: Callable) -> Evaluation:
    rows, notices = _read(record, roster, phase=phase)
    return _finish(record, rows, notices, phase=phase, by=by)


def _read(record: RosterImport, roster: Roster, *, phase: str) -> tuple[list[Row], list[str]]:
    """Every row read and cleaned, its union found, repeats in the file marked: all that does not
    depend on the members already recorded."""
    headers = map_headers(roster.header)
    target = Union.objects.get(pk=record.union_id)
    notices = []
    if headers.missing:
        chinese = (translation.get_language() or "zh-hans").startswith("zh")
        raise FileRefused(
            _("The first row must name the columns; these required columns were not found: %(names)s.")
            % {
                "names": "、".join(column.zh for column in headers.missing)
                if chinese
                else ", ".join(f"{column.zh} ({column.en})" for column in headers.missing)
            }
        )
    if "union" not in headers.positions and not target.holds_members:
        raise FileRefused(
            _("Importing into %(node)s needs a “所属工会” column naming each member's grassroots or joint union.")
            % {"node": target.name}
        )
    if headers.ignored:
        notices.append(
            _("These columns were not recognised and were ignored: %(names)s.") % {"names": "、".join(headers.ignored)}
        )
    if headers.duplicated:
        notices.append(
            _("These columns repeat an earlier column and were ignored: %(names)s.")
            % {"names": "、".join(headers.duplicated)}
        )

    unions = _Unions(target)
    today = timezone.localdate()
    rows: list[Row] = []
    label = _labels()
    read = [index for key, index in headers.positions.items() if key != "union"]
    for number, cells in roster.rows():
        # Templates come numbered (序号) or with a union pre-filled far below the last member: a row
        # with nothing in any member column is not a member.
        if not any(cleaning.text(cells[index]) for index in read if index < len(cells)):
            continue
        rows.append(_clean(number, cells, headers.positions, unions, today, label))
        if len(rows) % BATCH == 0:
            set_progress(record.pk, phase, len(rows), 0)
            _check_cancel(record.pk)
    total = len(rows)
    if total == 0:
        raise FileRefused(_("The file has a header row but no members below it."))

    first_seen: dict[str, int] = {}
    for row in rows:
        if not row.id_hash:
            continue
        if row.id_hash in first_seen:
            row.errors.append(_("The same ID number is already on row %(n)d.") % {"n": first_seen[row.id_hash]})
        else:
            first_seen[row.id_hash] = row.number
    return rows, notices


def _finish(record: RosterImport, rows: list[Row], notices: list[str], *, phase: str, by: Callable) -> Evaluation:
    """Each row's outcome against the members recorded now, as the user whose pass this is (``by()``)
    may learn it; the counts and notices."""
    notices = list(notices)
    total = len(rows)
    _classify(rows, dict.fromkeys(row.id_hash for row in rows if row.id_hash), _Scope(by))
    counts = Counter(row.outcome for row in rows)
    # Only the rows that will be imported: a refused row's number is stored in no form.
    upgraded = sum(
        1
        for row in rows
        if row.id is not None and row.id.upgraded_from_15 and row.outcome not in (Outcome.ERROR, Outcome.TRANSFER)
    )
    if upgraded:
        notices.append(_("%(n)d 15-digit ID numbers will be stored in their 18-digit form.") % {"n": upgraded})
    if phase == "check":  # the import pass reports its own progress as it writes
        set_progress(record.pk, phase, total, total)
    return Evaluation(rows=rows, notices=notices, counts=counts)


class _Scope:
    """Whether a member's union lies in the member-staff scope of the user whose pass this is.
    Asked only for members found in another union or no longer active: most imports never ask, so
    the user and their roles are loaded (``user()``) only then."""

    def __init__(self, user: Callable):
        self.user = user
        self._user = None

    def covers(self, path: str) -> bool:
        if self._user is None:
            self._user = self.user()
        return can_manage_members(self._user, path)


def _not_here() -> str:
    # One message for every person outside the clerk's scope the row may not reach (deceased, or
    # named otherwise than the record): it says nothing about who the number belongs to.
    return _(
        "This ID number cannot be imported here. Check the number and the name with the person; "
        "if both are right, ask your federation for help."
    )


def _classify(rows: list[Row], first_seen: dict[str, int], scope: _Scope) -> None:
    """Each row's outcome from the one member record its ID may already have, city-wide.

    A record last held outside the user's scope is reached only with its name (as joining online
    is): without it, or when the person is deceased, the row gets the neutral ``_not_here``. Such
    a former member rejoins with the row's values alone, never with what the record held."""
    hashes = list(first_seen)
    existing = {}
    for start in range(0, len(hashes), 5000):
        for record in Member.objects.filter(id_hash__in=hashes[start : start + 5000]).values(
            "pk", "id_hash", "union_id", "union__path", "status", *UPDATABLE
        ):
            existing[record["id_hash"]] = record
    for row in rows:
        if row.errors:
            row.outcome = Outcome.ERROR
            continue
        found = existing.get(row.id_hash)
        if found is None:
            row.outcome = Outcome.NEW
            continue
        same_union = found["status"] == Member.Status.ACTIVE and found["union_id"] == row.union_id
        inside = same_union or scope.covers(found["union__path"])
        if not inside and (
            found["status"] == Member.Status.DECEASED or comparable_name(found["name"]) != comparable_name(row.name)
        ):
            row.errors.append(_not_here())
            row.outcome = Outcome.ERROR
        elif found["status"] == Member.Status.DECEASED:
            row.errors.append(_("This ID number belongs to a member recorded as deceased."))
            row.outcome = Outcome.ERROR
        elif found["status"] != Member.Status.ACTIVE:
            row.outcome, row.member_id, row.rejoin = Outcome.NEW, found["pk"], True
            row.previous_union_id = found["union_id"]
            if inside:
                # A former member rejoins with what the record holds wherever the row leaves a cell
                # blank; from outside the scope, with the row's values and the defaults only.
                for key in UPDATABLE:
                    if row.values.get(key) is None:
                        row.values[key] = found[key]
        elif found["union_id"] != row.union_id:
            row.outcome, row.member_id = Outcome.TRANSFER, found["pk"]
            row.errors.append(_("Already an active member of another union: request a transfer instead of importing."))
        else:
            row.member_id = found["pk"]
            row.changed = [
                key
                for key in UPDATABLE
                if key in row.values and row.values[key] is not None and row.values[key] != found[key]
            ]
            row.outcome = Outcome.UPDATED if row.changed else UNCHANGED


# --- the passes -----------------------------------------------------------------------------------
COUNT_FIELDS = [
    "rows_total",
    "new_count",
    "updated_count",
    "unchanged_count",
    "transfer_count",
    "error_count",
    "notices",
]


def _save_counts(record: RosterImport, evaluation: Evaluation) -> None:
    counts = evaluation.counts
    record.rows_total = len(evaluation.rows)
    record.new_count = counts[Outcome.NEW]
    record.updated_count = counts[Outcome.UPDATED]
    record.unchanged_count = counts[UNCHANGED]
    record.transfer_count = counts[Outcome.TRANSFER]
    record.error_count = counts[Outcome.ERROR]
    record.notices = evaluation.notices


def _row_records(record: RosterImport, rows, outcomes) -> list[RosterImportRow]:
    return [
        RosterImportRow(
            roster_import=record,
            row_number=row.number,
            outcome=row.outcome,
            name=row.name[:50],
            id_masked=row.id.masked if row.id is not None else "",
            member_id=row.member_id,
            message=row.message,
        )
        for row in rows
        if row.outcome in outcomes
    ]


# --- the checked rows, kept for the confirmation ----------------------------------------------------
# Reading and cleaning 100,000 rows takes seconds; the import reuses the dry run's cleaned rows when
# nothing they depend on has changed: the file, the unions under the import's node, the day (dates in
# the future are refused) and the language of the messages. The rows hold ID numbers in clear, so
# they are kept only in the cache, encrypted with the personal-data key, for a day at most. Only what
# that key authenticates is unpickled. Whether the rows are members already is checked again.
CHECKED_TIMEOUT = 24 * 3600


def checked_key(pk: int) -> str:
    return f"roster-import:{pk}:checked"


def _fingerprint(record: RosterImport) -> str:
    digest = hashlib.sha256()
    # The stored bytes (encrypted, and never written again) identify the upload as well as its clear
    # content, without decrypting it.
    with open(record.file.path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    target = Union.objects.get(pk=record.union_id)
    unions = Union.objects.filter(path__startswith=target.path).order_by("pk")
    for node in unions.values_list("pk", "path", "kind", "name", "credit_code", "closed_on"):
        digest.update(repr(node).encode())
    digest.update(f"{timezone.localdate()}|{translation.get_language()}".encode())
    return digest.hexdigest()


def _plain(row: Row) -> tuple:
    """A cleaned row as plain values: a tenth of the time to pickle and unpickle of the objects."""
    number = row.id and (row.id.value, row.id.birth_date, row.id.sex, row.id.upgraded_from_15)
    return row.number, row.name, number, row.id_hash, row.union_id, row.values, row.errors


def _row(number, name, id_number, id_hash, union_id, values, errors) -> Row:
    parsed = IdNumber(*id_number) if id_number else None
    return Row(number, name, parsed, id_hash, union_id, values, errors)


def _keep_checked(record: RosterImport, rows: list[Row], notices: list[str]) -> None:
    plain = [_plain(row) for row in rows]
    blob = pickle.dumps((_fingerprint(record), plain, notices), protocol=pickle.HIGHEST_PROTOCOL)
    cache.set(checked_key(record.pk), pii.encrypt_bytes(blob), CHECKED_TIMEOUT)


def _checked(record: RosterImport) -> tuple[list[Row], list[str]] | None:
    """The dry run's cleaned rows when still valid for this import; None to read the file again."""
    token = cache.get(checked_key(record.pk))
    if token is None:
        return None
    try:
        fingerprint, plain, notices = pickle.loads(pii.decrypt_bytes(token))  # noqa: S301 - authenticated above
    except (InvalidToken, ValueError, TypeError, pickle.UnpicklingError):
        return None
    if fingerprint != _fingerprint(record):
        return None
    return [_row(*values) for values in plain], notices


def dry_run(record: RosterImport) -> Evaluation:
    """Check the file and store the summary, the errors and the transfer candidates; write no member."""
    with local_copy(record.file) as path:
        roster = open_roster(path)
        rows, notices = _read(record, roster, phase="check")
    _keep_checked(record, rows, notices)
    evaluation = _finish(record, rows, notices, phase="check", by=lambda: record.created_by)
    with transaction.atomic():
        _check_cancel(record.pk, lock=True)
        record.rows.all().delete()
        RosterImportRow.objects.bulk_create(
            _row_records(record, evaluation.rows, {Outcome.ERROR, Outcome.TRANSFER}), batch_size=BATCH
        )
        _save_counts(record, evaluation)
        record.file_format, record.encoding = roster.file_format, roster.encoding
        record.status, record.checked_at = RosterImport.Status.CHECKED, timezone.now()
        record.save(update_fields=[*COUNT_FIELDS, "file_format", "encoding", "status", "checked_at"])
    return evaluation


def run(record: RosterImport, *, by) -> Evaluation:
    """The import itself, in one transaction. In all-or-nothing mode any error writes nothing."""
    checked = _checked(record)
    cache.delete(checked_key(record.pk))
    if checked is None:
        with local_copy(record.file) as path:
            evaluation = evaluate(record, open_roster(path), phase="import", by=lambda: by)
    else:
        evaluation = _finish(record, *checked, phase="import", by=lambda: by)
    if record.mode == RosterImport.Mode.ALL_OR_NOTHING and evaluation.counts[Outcome.ERROR]:
        with transaction.atomic():
            _check_cancel(record.pk, lock=True)
            record.rows.all().delete()
            RosterImportRow.objects.bulk_create(
                _row_records(record, evaluation.rows, {Outcome.ERROR, Outcome.TRANSFER}), batch_size=BATCH
            )
            _save_counts(record, evaluation)
            record.status, record.finished_at = RosterImport.Status.NOTHING_WRITTEN, timezone.now()
            record.save(update_fields=[*COUNT_FIELDS, "status", "finished_at"])
        return evaluation

    with transaction.atomic():
        writing.write(
            record,
            evaluation.rows,
            by=by,
            batch_size=BATCH,
            check_cancel=lambda: _check_cancel(record.pk),
            progress=lambda done, total: set_progress(record.pk, "import", done, total),
        )
        _check_cancel(record.pk, lock=True)
        record.rows.all().delete()
        kept = {Outcome.ERROR, Outcome.TRANSFER, Outcome.NEW, Outcome.UPDATED}
        writing.insert_rows(
            RosterImportRow,
            ("roster_import", "row_number", "outcome", "name", "id_masked", "member", "message"),
            (
                (record.pk, r.number, r.outcome, r.name[:50], r.id.masked if r.id else "", r.member_id, r.message)
                for r in evaluation.rows
                if r.outcome in kept
            ),
        )
        _save_counts(record, evaluation)
        record.status, record.finished_at = RosterImport.Status.DONE, timezone.now()
        record.save(update_fields=[*COUNT_FIELDS, "status", "finished_at"])
    return evaluation


def error_rows(record: RosterImport) -> dict[int, str]:
    """Row number → message, for the rows the latest pass left out (errors and transfer candidates)."""
    return dict(record.rows.filter(outcome__in=[Outcome.ERROR, Outcome.TRANSFER]).values_list("row_number", "message"))


def text_columns(roster: Roster) -> set[int]:
    positions = map_headers(roster.header).positions
    return {positions[key] for key in ("id_number", "mobile") if key in positions}


__all__ = ["ImportCancelled", "dry_run", "run", "error_rows", "get_progress", "text_columns"]
