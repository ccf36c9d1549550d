"""Member lists written out as CSV or XLSX, fast and in flat memory, in a form an import reads back.

Rows come from the database as plain tuples (``values_list`` with ``iterator``: one query, fetched in
chunks, no model instances), the union's name through a join and the current card through a
subquery, so that neither the time per row nor the number of queries grows with the list. The
columns are the import's own (``columns.COLUMNS``, headers in the active language) plus the two
export-only ones, so an exported file can be imported again.

Spreadsheet programs run a cell that begins with ``= + - @``, a tab or a carriage return as a
formula (CSV injection). Such cells are written as text: in CSV behind an apostrophe, which Excel
hides and ``cleaning.text`` strips on import; in XLSX as an explicit string cell.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import translation

from accounts.phone import mask_mobile

from .. import pii
from ..models import Education, EmploymentType, Member, MemberCard, PoliticalStatus, Sex
from .columns import COLUMNS, EXPORT_ONLY, FORMULA_START, escape_formula

# Rows fetched per round trip; also how often progress is reported.
CHUNK = 2000
# Columns Excel must keep as text: an 18-digit ID or an 11-digit mobile typed over stays digits.
TEXT_COLUMNS = ("id_number", "mobile")

Progress = Callable[[int], None] | None


def _plain(value) -> str:
    return escape_formula(value) if value else ""


class Layout:
    """What one export writes: its headers, the database columns it reads, and how each cell is shown.

    Built once per export, in the language active at that moment, so that a streamed response
    (written after the view has returned) still speaks the user's language.
    """

    def __init__(self, *, full_details: bool):
        language = translation.get_language() or "zh-hans"
        chinese = language.startswith("zh")
        self.full_details = full_details
        self.headers = [column.header(language) for column in COLUMNS] + [
            zh if chinese else en for _key, zh, en in EXPORT_ONLY
        ]
        self.keys = [column.key for column in COLUMNS] + [key for key, _zh, _en in EXPORT_ONLY]
        labels = {
            "sex": Sex,
            "political_status": PoliticalStatus,
            "education": Education,
            "employment_type": EmploymentType,
            "status": Member.Status,
        }
        self.labels = {key: {value: str(label) for value, label in choices.choices} for key, choices in labels.items()}
        self.yes, self.no = ("是", "否") if chinese else ("Yes", "No")
        self.fields = [_FIELD.get(key, key) for key in self.keys]
        if full_details:
            self.fields[self.keys.index("id_number")] = "id_encrypted"

    def values(self, queryset: QuerySet) -> Iterator[tuple]:
        current_card = MemberCard.objects.filter(member=OuterRef("pk"), revoked_on__isnull=True).values("number")[:1]
        rows = queryset.annotate(export_card_number=Subquery(current_card)).values_list(*self.fields)
        return rows.iterator(chunk_size=CHUNK)

    def converter(self, *, text: Callable, code: Callable, date: Callable) -> Callable[[tuple], list]:
        """One function turning a database row into the cells of a file row.

        ``text`` makes a text cell safe for the file type, ``code`` writes an ID or mobile number
        (text that must stay text), ``date`` writes a date. The body is spelled out rather than
        looped over a column table because it runs a million times per export; the row is unpacked
        by position, so a change to ``columns.COLUMNS`` fails loudly here (and in the round-trip test).
        """
        sex, political, education, employment, status = (
            self.labels[key] for key in ("sex", "political_status", "education", "employment_type", "status")
        )
        yes, no = self.yes, self.no
        if self.full_details:
            decrypt = pii.decrypt

            def id_of(value):
                return decrypt(value)

            def mobile_of(value):
                return value
        else:

            def id_of(value):
                return value

            mobile_of = mask_mobile

        def convert(row: tuple) -> list:
            (
                name,
                sex_value,
                id_value,
                mobile,
                ethnicity,
                political_value,
                education_value,
                employment_value,
                employer,
                migrant,
                hardship,
                joined_on,
                union,
                card,
                status_value,
            ) = row
            return [
                text(name),
                sex.get(sex_value, sex_value),
                code(id_of(id_value)),
                code(mobile_of(mobile)),
                text(ethnicity),
                political.get(political_value, political_value),
                education.get(education_value, education_value),
                employment.get(employment_value, employment_value),
                text(employer),
                yes if migrant else no,
                yes if hardship else no,
                date(joined_on),
                text(union),
                text(card or ""),
                status.get(status_value, status_value),
            ]

        return convert


# Column key → what ``values_list`` reads; keys not listed are Member fields of the same name.
_FIELD = {"id_number": "id_masked", "union": "union__name", "card_number": "export_card_number"}


# --- CSV ------------------------------------------------------------------------------------------
def _iso(value) -> str:
    return value.isoformat() if value else ""


def _csv_chunks(queryset: QuerySet, layout: Layout, progress: Progress) -> Iterator[str]:
    """The CSV text in pieces of CHUNK rows; the first piece is the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    convert = layout.converter(text=_plain, code=_plain, date=_iso)
    writer.writerow(layout.headers)
    done = 0
    for row in layout.values(queryset):
        writer.writerow(convert(row))
        done += 1
        if done % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(done)
    yield buffer.getvalue()
    if progress:
        progress(done)


def write_csv(queryset: QuerySet, out, *, full_details: bool, progress: Progress = None) -> int:
    """Write the members to the binary file ``out`` as UTF-8 CSV with a BOM (which Excel needs to
    read Chinese). Returns the number of member rows written."""
    layout = Layout(full_details=full_details)
    out.write(codecs.BOM_UTF8)
    rows = 0

    def counting(done):
        nonlocal rows
        rows = done
        if progress:
            progress(done)

    for piece in _csv_chunks(queryset, layout, counting):
        out.write(piece.encode("utf-8"))
    return rows


def stream_csv(queryset: QuerySet, *, full_details: bool) -> Iterator[bytes]:
    """The same CSV as ``write_csv``, as pieces for a StreamingHttpResponse."""
    layout = Layout(full_details=full_details)  # now, in the request's language, not when streamed

    def pieces():
        yield codecs.BOM_UTF8
        for piece in _csv_chunks(queryset, layout, None):
            yield piece.encode("utf-8")

    return pieces()


# --- XLSX -----------------------------------------------------------------------------------------
def write_xlsx(queryset: QuerySet, out, *, full_details: bool, progress: Progress = None) -> int:
    """Write the members to ``out`` (a path or binary file) as an XLSX workbook.

    openpyxl's write-only mode streams each row to a temporary file and writes strings inline, so
    memory does not grow with the rows. Returns the number of member rows written.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    layout = Layout(full_details=full_details)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(
        title="会员名单" if (translation.get_language() or "zh").startswith("zh") else "Members"
    )
    widths = {"name": 12, "id_number": 22, "mobile": 15, "employer_name": 28, "union": 28, "card_number": 16}
    for index, key in enumerate(layout.keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 12)
    sheet.freeze_panes = "A2"

    def text(value: str):
        if not value:
            return value
        if ILLEGAL_CHARACTERS_RE.search(value):
            # A control character pasted into a name would make openpyxl refuse the whole file.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_START):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            return cell
        return value

    def as_text(value: str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.number_format = "@"
        return cell

    def date(value):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell

    header = []
    for label in layout.headers:
        cell = WriteOnlyCell(sheet, value=label)
        cell.data_type = "s"
        header.append(cell)
    sheet.append(header)
    convert = layout.converter(text=text, code=as_text, date=date)
    done = 0
    for row in layout.values(queryset):
        sheet.append(convert(row))
        done += 1
        if progress and done % CHUNK == 0:
            progress(done)
    workbook.save(out)
    if progress:
        progress(done)
    return done
