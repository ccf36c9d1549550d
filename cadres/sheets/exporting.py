"""Cadres and the hours ledger out as XLSX workbooks, in flat memory, safe to open.

The member roster's export rules hold here too (``members.roster.columns.FORMULA_START``): a cell
that begins with ``= + - @``, a tab or a carriage return is written as an explicit text cell, never
a formula; mobiles are text so that Excel keeps every digit; dates are dates. openpyxl's write-only
mode streams the rows to a temporary file, and rows come from the database as plain tuples in
chunks, so neither memory nor the number of queries grows with the rows.

The cadres' columns are the import's own (``columns.PROFILE_COLUMNS``), so that an export with full
mobiles can be imported again.
"""

import datetime
from collections.abc import Callable, Iterable

from django.db.models import QuerySet
from django.utils import timezone, translation

from accounts.phone import mask_mobile
from members.models import Education, PoliticalStatus, Sex
from members.roster.columns import FORMULA_START

from ..models import Cadre, Employment, Rank
from ..models.profile import young_birth_date_after
from .columns import PROFILE_COLUMNS, PROFILE_EXPORT_ONLY

CHUNK = 2000
Progress = Callable[[int], None] | None


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def write_xlsx(
    out,
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    text_columns: Iterable[int] = (),
    widths: dict[int, int] | None = None,
    progress: Progress = None,
) -> int:
    """Write ``rows`` (lists of cells) under ``headers`` to ``out``; returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index in range(len(headers)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = (widths or {}).get(index, 12)
    sheet.freeze_panes = "A2"
    text_columns = set(text_columns)

    def cell(value, as_text: bool):
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not as_text and not value.startswith(FORMULA_START):
                return value
            result = WriteOnlyCell(sheet, value=value)
            result.data_type = "s"  # never a formula
            if as_text:
                result.number_format = "@"
            return result
        if isinstance(value, datetime.date):
            result = WriteOnlyCell(sheet, value=value)
            result.number_format = "yyyy-mm-dd"
            return result
        return value

    sheet.append([cell(str(label), False) for label in headers])
    done = 0
    for values in rows:
        sheet.append([cell(value, index in text_columns) for index, value in enumerate(values)])
        done += 1
        if progress and done % CHUNK == 0:
            progress(done)
    workbook.save(out)
    if progress:
        progress(done)
    return done


# --- cadres ---------------------------------------------------------------------------------------
_CADRE_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "mobile",
    "union__name",
    "post",
    "rank",
    "employment",
    "political_status",
    "education",
    "in_post_since",
    "status",
)


def cadre_headers() -> list[str]:
    chinese = _chinese()
    return [column.header() for column in PROFILE_COLUMNS] + [
        zh if chinese else en for _k, zh, en in PROFILE_EXPORT_ONLY
    ]


def cadre_rows(queryset: QuerySet[Cadre], *, full_mobiles: bool) -> Iterable[list]:
    """The cadres as cells, in the headers' order; mobiles masked unless ``full_mobiles``."""
    labels = {
        key: {value: str(label) for value, label in choices.choices}
        for key, choices in (
            ("sex", Sex),
            ("rank", Rank),
            ("employment", Employment),
            ("political_status", PoliticalStatus),
            ("education", Education),
            ("status", Cadre.Status),
        )
    }
    sex, rank, employment, political, education, status = (
        labels[key] for key in ("sex", "rank", "employment", "political_status", "education", "status")
    )
    yes, no = ("是", "否") if _chinese() else ("Yes", "No")
    young_after = young_birth_date_after(timezone.localdate())
    mobile_of = (lambda value: value) if full_mobiles else mask_mobile
    for row in queryset.values_list(*_CADRE_FIELDS).iterator(chunk_size=CHUNK):
        (name, sex_v, birth, mobile, union, post, rank_v, employment_v, political_v, education_v, since, status_v) = row
        yield [
            name,
            sex.get(sex_v, sex_v),
            birth,
            mobile_of(mobile),
            union,
            post,
            rank.get(rank_v, rank_v),
            employment.get(employment_v, employment_v),
            political.get(political_v, political_v),
            education.get(education_v, education_v),
            since,
            status.get(status_v, status_v),
            yes if birth > young_after else no,
        ]


def write_cadres(queryset: QuerySet[Cadre], out, *, full_mobiles: bool, progress: Progress = None) -> int:
    return write_xlsx(
        out,
        title="干部名单" if _chinese() else "Cadres",
        headers=cadre_headers(),
        rows=cadre_rows(queryset, full_mobiles=full_mobiles),
        text_columns=[3],
        widths={0: 12, 3: 15, 4: 28, 5: 20},
        progress=progress,
    )


# --- the hours ledger -----------------------------------------------------------------------------
LEDGER_HEADERS = (
    ("姓名", "Name"),
    ("任职单位", "Serves at"),
    ("职级", "Rank"),
    ("年度", "Year"),
    ("考核周期（年）", "Period (years)"),
    ("应修学时", "Hours owed"),
    ("面授学时", "Done in person"),
    ("网络学时", "Done online"),
    ("计入学时", "Counted"),
    ("差额", "Short"),
    ("已结账", "Year closed"),
)


def ledger_headers() -> list[str]:
    chinese = _chinese()
    return [zh if chinese else en for zh, en in LEDGER_HEADERS]


def ledger_cells(rows: Iterable) -> Iterable[list]:
    """``cadres.ledger.LedgerRow`` objects as cells; hours as numbers."""
    ranks = {value: str(label) for value, label in Rank.choices}
    yes, no = ("是", "否") if _chinese() else ("Yes", "No")
    for row in rows:
        yield [
            row.name,
            row.union_name,
            ranks.get(row.rank, row.rank),
            row.year,
            row.period_years,
            float(row.owed),
            float(row.in_person),
            float(row.online),
            float(row.counted),
            float(row.short),
            yes if row.closed else no,
        ]


def write_ledger(rows: list, out, *, progress: Progress = None) -> int:
    return write_xlsx(
        out,
        title="学时台账" if _chinese() else "Hours ledger",
        headers=ledger_headers(),
        rows=ledger_cells(rows),
        widths={0: 12, 1: 28},
        progress=progress,
    )
