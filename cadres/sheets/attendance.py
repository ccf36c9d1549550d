"""An attendance sheet's rows to the days of attendance of a class's enrolments, in bulk.

Each row names a cadre by mobile (the name, when given, must match: ``cadres.sheets.matching``, shared
with warning education's sheets), a day of the class, and the sign-in and sign-out times. ``evaluate`` reads and checks every row with a fixed number of queries;
``write`` turns the valid rows into attendance with one upsert per few thousand rows: a day already
recorded (by the officer, a QR scan or another sheet) is updated, never counted twice.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.roster import cleaning
from members.roster.cleaning import CellError

from ..models import Attendance, AttendanceSheet, Enrolment, TrainingClass
from .columns import ATTENDANCE_COLUMNS, labels
from .matching import Cells, MatchedRow, match_rows
from .reading import Sheet

BATCH = 2000
# A class's sheet: a few hundred cadres over a few days; far more rows than that is not a sheet.
MAX_ROWS = 50_000

_TIME = re.compile(
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[T\s]*)?(?P<h>\d{1,2})[:点时](?P<m>\d{1,2})?分?(?::(?P<s>\d{1,2}))?"
)


@dataclass
class Row(MatchedRow):
    """A row matched to an enrolment of the class (``target_id``), with its day and times."""

    on_date: datetime.date | None = None
    signed_in: datetime.datetime | None = None
    signed_out: datetime.datetime | None = None

    @property
    def enrolment_id(self) -> int | None:
        return self.target_id


def time_of(value, label: str) -> datetime.time | None:
    """08:30, 8:30:00, 8点30分, an Excel time (a fraction of a day) or a time cell; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0)
    if isinstance(value, datetime.timedelta) and datetime.timedelta(0) <= value < datetime.timedelta(days=1):
        seconds = int(value.total_seconds())
        return datetime.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1:
        seconds = round(value * 86400)
        return datetime.time(seconds // 3600 % 24, seconds % 3600 // 60, seconds % 60)
    raw = cleaning.text(value)
    if not raw:
        return None
    match = _TIME.fullmatch(raw)
    if match:
        hour, minute, second = int(match["h"]), int(match["m"] or 0), int(match["s"] or 0)
        if hour < 24 and minute < 60 and second < 60:
            return datetime.time(hour, minute, second)
    raise CellError(_("%(label)s “%(value)s” is not a time; write it as 08:30.") % {"label": label, "value": raw})


def evaluate(sheet: Sheet, training_class: TrainingClass, visible_cadres: QuerySet) -> list[Row]:
    """Every row of the sheet, cleaned and matched to an enrolment of the class, with its errors.

    ``visible_cadres`` are the cadres the uploader manages: a mobile found among them but not in the
    class is "not enrolled"; any other unknown mobile says only that no cadre of theirs has it."""
    label = labels(ATTENDANCE_COLUMNS)
    enrolled = {
        mobile: (pk, name)
        for pk, mobile, name in Enrolment.objects.filter(training_class=training_class)
        .exclude(status=Enrolment.Status.CANCELLED)
        .values_list("pk", "cadre__mobile", "cadre__name")
    }
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    first, last = training_class.starts_on, training_class.ends_on

    def read_day(row: Row, cells: Cells) -> None:
        before = len(row.errors)
        row.on_date = cells.read("date", lambda v: cleaning.date_of(v, label["date"], today=today))
        if row.on_date is None and len(row.errors) == before:
            row.errors.append(_("The date is missing."))
        before = len(row.errors)
        signed_in = cells.read("signed_in", lambda v: time_of(v, label["signed_in"]))
        if signed_in is None and len(row.errors) == before:
            row.errors.append(_("The sign-in time is missing."))
        signed_out = cells.read("signed_out", lambda v: time_of(v, label["signed_out"]))
        if row.on_date is not None and not first <= row.on_date <= last:
            row.errors.append(
                _("%(date)s is not a day of the class (%(first)s to %(last)s).")
                % {"date": row.on_date.isoformat(), "first": first.isoformat(), "last": last.isoformat()}
            )
        if row.on_date is not None:
            if signed_in is not None:
                row.signed_in = datetime.datetime.combine(row.on_date, signed_in, tzinfo=zone)
            if signed_out is not None:
                row.signed_out = datetime.datetime.combine(row.on_date, signed_out, tzinfo=zone)
        if signed_in is not None and signed_out is not None and signed_out <= signed_in:
            row.errors.append(
                _("The sign-out time %(out)s is not after the sign-in time %(in)s.")
                % {"out": signed_out.strftime("%H:%M"), "in": signed_in.strftime("%H:%M")}
            )

    return match_rows(
        sheet,
        candidates=enrolled,
        visible_cadres=visible_cadres,
        not_a_candidate=_("The cadre with this mobile number is not enrolled in this class."),
        make_row=lambda number: Row(number=number),
        read_row=read_day,
        duplicate_key=lambda row: (row.enrolment_id, row.on_date),
        duplicate_message=_("The same cadre and day are already on row %(n)d."),
    )


# --- keeping the checked rows until the confirmation ----------------------------------------------
def plain(rows: list[Row]) -> list[tuple]:
    """The valid rows as plain values, for the cache between the check and the import."""
    return [
        (
            row.number,
            row.enrolment_id,
            row.on_date.isoformat(),
            row.signed_in.isoformat(),
            row.signed_out.isoformat() if row.signed_out else None,
        )
        for row in rows
        if not row.errors
    ]


def from_plain(values: list[tuple]) -> list[Row]:
    parse = datetime.datetime.fromisoformat
    return [
        Row(
            number=number,
            target_id=enrolment_id,
            on_date=datetime.date.fromisoformat(on_date),
            signed_in=parse(signed_in),
            signed_out=parse(signed_out) if signed_out else None,
        )
        for number, enrolment_id, on_date, signed_in, signed_out in values
    ]


def write(sheet: AttendanceSheet, rows: list[Row]) -> int:
    """Record the rows' attendance: one row per enrolment and day, inserted or updated in place.

    A day already recorded keeps its sign-out when the sheet leaves it empty (and it is after the
    sheet's sign-in). Returns how many days were written. On PostgreSQL the rows are streamed with
    COPY into a temporary table and upserted from it in one statement: no model instance, no SQL
    parameter per field, a fraction of a second for a class's week."""
    if connection.vendor == "postgresql":
        return _write_copy(sheet, rows)
    enrolment_ids = {row.enrolment_id for row in rows}
    existing = {
        (enrolment_id, on_date): signed_out
        for enrolment_id, on_date, signed_out in Attendance.objects.filter(
            enrolment__training_class_id=sheet.training_class_id, enrolment_id__in=enrolment_ids
        ).values_list("enrolment_id", "on_date", "signed_out_at")
    }
    records = []
    for row in rows:
        signed_out = row.signed_out
        if signed_out is None:
            kept = existing.get((row.enrolment_id, row.on_date))
            signed_out = kept if kept is not None and kept > row.signed_in else None
        records.append(
            Attendance(
                enrolment_id=row.enrolment_id,
                on_date=row.on_date,
                signed_in_at=row.signed_in,
                signed_out_at=signed_out,
                source=Attendance.Source.SHEET,
                sheet=sheet,
            )
        )
    Attendance.objects.bulk_create(
        records,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["enrolment", "on_date"],
        update_fields=["signed_in_at", "signed_out_at", "source", "sheet"],
    )
    return len(records)


_UPSERT = """
INSERT INTO {table} AS day (enrolment_id, on_date, signed_in_at, signed_out_at, source, sheet_id)
SELECT enrolment_id, on_date, signed_in_at, signed_out_at, %s, %s FROM cadre_sheet_rows
ON CONFLICT (enrolment_id, on_date) DO UPDATE SET
    signed_in_at = EXCLUDED.signed_in_at,
    signed_out_at = COALESCE(
        EXCLUDED.signed_out_at,
        CASE WHEN day.signed_out_at > EXCLUDED.signed_in_at THEN day.signed_out_at END
    ),
    source = EXCLUDED.source,
    sheet_id = EXCLUDED.sheet_id
"""


def _write_copy(sheet: AttendanceSheet, rows: list[Row]) -> int:
    table = connection.ops.quote_name(Attendance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE cadre_sheet_rows (enrolment_id bigint, on_date date, "
            "signed_in_at timestamptz, signed_out_at timestamptz) ON COMMIT DROP"
        )
        with cursor.cursor.copy("COPY cadre_sheet_rows FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row.enrolment_id, row.on_date, row.signed_in, row.signed_out))
        cursor.execute(_UPSERT.format(table=table), [Attendance.Source.SHEET.value, sheet.pk])
        cursor.execute("DROP TABLE cadre_sheet_rows")
    return len(rows)
