"""The generic part of an attendance sheet: each row names a cadre by mobile (the name, when given,
must match), the cadre is found among the candidates the caller gives, and every problem is a row error.

Used by the training class's sheet (``cadres.sheets.attendance``: the candidates are the class's
enrolments, each row also has a day and times) and by warning education's sessions
(``integrity.services.education``: the candidates are the cadres under the session's organiser, a row
is only a mobile and a name). A caller reads its own extra cells with ``read_row`` and says which rows
count as the same (``duplicate_key``).
"""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from members.names import comparable_name
from members.roster import cleaning
from members.roster.cleaning import CellError

from .reading import Sheet


@dataclass
class MatchedRow:
    """A row of a sheet: its number in the file, what it was matched to (``target_id``: an enrolment,
    a cadre...) and its errors. A caller's own rows add their fields."""

    number: int
    target_id: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "；".join(self.errors)


R = TypeVar("R", bound=MatchedRow)


class Cells:
    """The cells of one row by column key; ``read`` turns a cell's CellError into a row error."""

    def __init__(self, cells, positions: dict[str, int], row: MatchedRow):
        self.cells, self.positions, self.row = cells, positions, row

    def cell(self, key: str):
        index = self.positions.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def has(self, key: str) -> bool:
        return key in self.positions

    def read(self, key: str, reader: Callable):
        try:
            return reader(self.cell(key))
        except CellError as exc:
            self.row.errors.append(str(exc))
            return None


def match_rows(
    sheet: Sheet,
    *,
    candidates: dict[str, tuple[int, str]],
    visible_cadres: QuerySet,
    not_a_candidate: str,
    make_row: Callable[[int], R] = MatchedRow,
    read_row: Callable[[R, Cells], None] | None = None,
    duplicate_key: Callable[[R], Hashable] | None = None,
    duplicate_message: str = "",
) -> list[R]:
    """Every row of the sheet, cleaned and matched, with its errors, in a fixed number of queries.

    ``candidates`` maps a mobile to (the id a row is matched to, the cadre's name). A mobile not among
    them but among ``visible_cadres`` (the cadres the uploader manages) gets ``not_a_candidate``; any
    other says only that no cadre of the uploader's has it. A valid row whose ``duplicate_key`` an
    earlier valid row has gets ``duplicate_message`` (with ``%(n)d``, the earlier row's number)."""
    positions = sheet.headers.positions
    rows: list[R] = []
    unknown: dict[str, list[R]] = {}
    for number, cells in sheet.rows():
        row = make_row(number)
        rows.append(row)
        reader = Cells(cells, positions, row)
        mobile = reader.read("mobile", cleaning.mobile_of)
        name = cleaning.text(reader.cell("name")) if reader.has("name") else ""
        if read_row is not None:
            read_row(row, reader)
        if mobile is None:
            continue
        found = candidates.get(mobile)
        if found is None:
            unknown.setdefault(mobile, []).append(row)
            continue
        pk, cadre_name = found
        if name and comparable_name(name) != comparable_name(cadre_name):
            row.errors.append(
                _("The name “%(name)s” does not match the cadre with this mobile number.") % {"name": name}
            )
        row.target_id = pk

    if unknown:
        in_scope = set(visible_cadres.filter(mobile__in=list(unknown)).values_list("mobile", flat=True))
        for mobile, waiting in unknown.items():
            message = (
                str(not_a_candidate)
                if mobile in in_scope
                else _("No cadre of yours has the mobile number %(mobile)s.") % {"mobile": mobile}
            )
            for row in waiting:
                row.errors.append(message)

    if duplicate_key is not None:
        seen: dict[Hashable, int] = {}
        for row in rows:
            if row.errors:  # a row that will not be written takes no place from another
                continue
            key = duplicate_key(row)
            if key in seen:
                row.errors.append(duplicate_message % {"n": seen[key]})
            else:
                seen[key] = row.number
    return rows
