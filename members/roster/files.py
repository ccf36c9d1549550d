"""What an uploaded roster is, whether it is safe to open, and its rows; the error file.

The type is decided by the content, never by the name: a zip holding ``xl/workbook.xml`` is XLSX,
an OLE compound document is legacy XLS, text that decodes as UTF-8 (with or without BOM) or GB18030
(what Chinese Excel writes as "CSV") is CSV, anything else is refused. An XLSX is checked before it
is unpacked: entry count, declared and actual unpacked size against absolute and relative limits,
and no XML part may carry a DTD (entity expansion). Rows are read with python-calamine, which reads
a 100,000-row sheet in about a second and a half.
"""

import csv
import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from defusedxml import ElementTree as DefusedET
from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .cleaning import UnreadFormula
from .columns import ERROR_HEADER, FORMULA_START, escape_formula, header_key, map_headers

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Files people upload by mistake that could pass for text: PDF and RTF can be plain ASCII.
OTHER_MAGIC = (b"%PDF", b"{\\rtf", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
# Excel's "Unicode text" is UTF-16; no CSV reader here reads it, and its NUL bytes would say "binary".
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The header is looked for in this many first rows: rosters often open with a title row or two.
HEADER_SEARCH_ROWS = 10
_CHUNK = 1 << 20
_DTD = b"<!DOCTYPE"


class FileRefused(Exception):
    """The whole file is refused; the message says why, in the clerk's language."""


@dataclass
class Roster:
    """An opened roster: its format, header and data rows (with their row numbers in the file)."""

    file_format: str
    encoding: str = ""
    header: list = field(default_factory=list)
    header_row: int = 1
    _rows: Iterator | None = None

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number as the spreadsheet shows it, cells) for each row below the header."""
        return self._rows


def sniff(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith(OTHER_MAGIC):
        raise FileRefused(_("The file is not a spreadsheet: upload an XLSX, XLS or CSV file."))
    return "csv"


def check_size(size: int) -> None:
    limit = settings.ROSTER_IMPORT_MAX_BYTES
    if size > limit:
        raise FileRefused(
            _("The file is %(size)s MB; files up to %(limit)s MB are accepted. Split the roster into several files.")
            % {"size": f"{size / 1048576:.3g}", "limit": f"{limit / 1048576:.3g}"}
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))


def check_xlsx(path) -> None:
    """Refuse a zip bomb or an XML entity trick before any spreadsheet reader unpacks the file."""
    refused = FileRefused(_("The file unpacks to far more data than a roster of its size holds, so it was not opened."))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileRefused(_("The file looks like an Excel workbook but is damaged.")) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.ROSTER_XLSX_MAX_ENTRIES:
            raise FileRefused(
                _(
                    "The workbook is made of %(n)s parts, far more than a roster needs (at most %(limit)s), "
                    "so it was not opened."
                )
                % {"n": f"{len(entries):,}", "limit": f"{settings.ROSTER_XLSX_MAX_ENTRIES:,}"}
            )
        if "xl/workbook.xml" not in {entry.filename for entry in entries}:
            raise FileRefused(_("The file is a zip archive, not an Excel workbook."))
        packed = max(sum(entry.compress_size for entry in entries), 1)
        limit = min(settings.ROSTER_XLSX_MAX_UNPACKED_BYTES, packed * settings.ROSTER_XLSX_MAX_RATIO + _CHUNK)
        if sum(entry.file_size for entry in entries) > limit:
            raise refused
        # The declared sizes may lie: count what actually comes out, and stop as soon as it is too much.
        unpacked = 0
        for entry in entries:
            xml = entry.filename.endswith((".xml", ".rels", ".vml"))
            try:
                with archive.open(entry) as stream:
                    tail = b""
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise refused
                        if xml:
                            _check_xml(chunk, tail)
                            tail = chunk[-len(_DTD) :]
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                raise FileRefused(_("The file looks like an Excel workbook but is damaged.")) from None


def _check_xml(chunk: bytes, tail: bytes) -> None:
    """No DTD anywhere in a part (a comment may push it past any first few bytes), and UTF-8 only:
    a UTF-16 part would hide a DTD from this byte search, and spreadsheet programs write UTF-8."""
    if not tail and (chunk.startswith(UTF16_BOMS) or b"\x00" in chunk[:4]):
        raise FileRefused(
            _("The workbook's XML is not in UTF-8, which spreadsheet programs write, so it was not opened.")
        )
    # In any case: XML itself would reject a lower-case ``<!doctype``, but then the reader's vague
    # failure would hide what the file tried.
    if _DTD in chunk.upper() or _DTD in (tail + chunk[: len(_DTD)]).upper():
        raise FileRefused(_("The workbook contains XML features that rosters never use (a DTD), so it was not opened."))


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text and encoding of a CSV: UTF-8 with BOM, UTF-8, or GB18030 (a superset of GBK)."""
    unreadable = FileRefused(
        _("The text of the CSV file could not be read: save it as CSV UTF-8 or as an Excel workbook and try again.")
    )
    if data.startswith(UTF16_BOMS):
        raise unreadable
    # Text never holds a NUL byte (and the csv module stops at one): this is some other kind of file.
    if b"\x00" in data:
        raise FileRefused(_("The file is not a spreadsheet: upload an XLSX, XLS or CSV file."))
    encodings = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise unreadable


def _delimiter(sample: str) -> str:
    # Counted over the whole sample, not the first line: that may be a title without any delimiter.
    return max(",\t;", key=sample.count) if any(d in sample for d in ",\t;") else ","


def _find_header(rows: list[list]) -> int:
    """The index of the header among the first rows: the one that names the most roster columns."""
    best, best_index = 0, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = len(map_headers(cells).positions)
        if found > best:
            best, best_index = found, index
    return best_index


def open_roster(path, *, max_rows: int | None = None) -> Roster:
    """Open the file at ``path``; raises FileRefused with the reason when it cannot be a roster."""
    max_rows = max_rows or settings.ROSTER_IMPORT_MAX_ROWS
    with open(path, "rb") as handle:
        head = handle.read(8)
        handle.seek(0, io.SEEK_END)
        check_size(handle.tell())
    file_format = sniff(head)
    if file_format == "csv":
        with open(path, "rb") as handle:
            content, encoding = decode_csv(handle.read())
        reader = csv.reader(io.StringIO(content, newline=""), delimiter=_delimiter(content[:4096]))
        rest = _csv_records(reader)
        first_rows = [row for _i, row in zip(range(HEADER_SEARCH_ROWS), rest, strict=False)]
        start_row = 1
    else:
        if file_format == "xlsx":
            check_xlsx(path)
        encoding = ""
        try:
            sheet, first_rows, rest = _roster_sheet(CalamineWorkbook.from_path(str(path)))
        except (CalamineError, ValueError, OSError):
            raise FileRefused(_("The workbook could not be read: is it damaged or protected by a password?")) from None
        if sheet.height - 1 > max_rows:
            raise _too_many(max_rows)
        # The reader gives the rows from the sheet's first row (empty ones included) but the columns
        # from its first used one.
        start_row = 1
        if file_format == "xlsx" and sheet.start:
            formulas = _formulas_without_value(path, sheet.name)
            if formulas:
                first_rows, rest = _mark_formulas(first_rows, rest, formulas, start_row, sheet.start[1])

    header_index = _find_header(first_rows)
    header = [("" if cell is None else cell) for cell in first_rows[header_index]] if first_rows else []
    header_row = start_row + header_index

    def rows():
        number = header_row
        count = 0
        for cells in _chain(first_rows[header_index + 1 :], rest):
            number += 1
            if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
                continue
            count += 1
            if count > max_rows:
                raise _too_many(max_rows)
            yield number, list(cells)

    return Roster(file_format=file_format, encoding=encoding, header=header, header_row=header_row, _rows=rows())


def _roster_sheet(workbook):
    """The first visible worksheet whose first rows name every required column, else the first
    visible one: workbooks often open with a cover or instructions sheet. Returns the sheet, its
    first rows and an iterator over the rest."""
    found = None
    for index, sheet_info in enumerate(workbook.sheets_metadata):
        if sheet_info.typ != SheetTypeEnum.WorkSheet or sheet_info.visible != SheetVisibleEnum.Visible:
            continue
        sheet = workbook.get_sheet_by_index(index)
        rest = iter(sheet.iter_rows())
        first_rows = [row for _i, row in zip(range(HEADER_SEARCH_ROWS), rest, strict=False)]
        if first_rows and not map_headers(first_rows[_find_header(first_rows)]).missing:
            return sheet, first_rows, rest
        found = found or (sheet, first_rows, rest)
    if found is None:
        raise ValueError("no visible worksheet")
    return found


# A cell holding a formula but no value (Excel stores both; other programs may write the formula
# alone), found in the worksheet's XML without parsing it: the reader gives such a cell as empty.
# Each pattern opens with literal text, which the regex engine finds fast; the cell's reference is
# then read back from its opening tag.
_NO_VALUE_END = rb"\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
_FORMULA_WITHOUT_VALUE = (re.compile(rb"</f>" + _NO_VALUE_END), re.compile(rb"<f\s[^>]*/>" + _NO_VALUE_END))
_CELL_REFERENCE = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')


def _formulas_without_value(path, sheet_name: str) -> set[tuple[int, int]]:
    """(row number, column index from 0) of each formula cell without a value on the sheet: without
    this, a formula typed where a name belongs reads as a missing name. The workbook has passed
    ``check_xlsx`` (no DTD, bounded size); any doubt about its structure finds nothing."""
    found: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet_name)
            if part is None:
                return found
            with archive.open(part) as stream:
                pending = b""
                while chunk := stream.read(_CHUNK):
                    pending += chunk
                    # Scan up to the last row boundary; a cell cut by the chunk waits for the next one.
                    cut = pending.rfind(b"row>") + len(b"row>")
                    if cut < len(b"row>"):
                        continue
                    _collect_formulas(pending[:cut], found)
                    pending = pending[cut:]
                _collect_formulas(pending, found)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, SyntaxError):
        return set()
    return found


def _collect_formulas(xml: bytes, found: set[tuple[int, int]]) -> None:
    for pattern in _FORMULA_WITHOUT_VALUE:
        for match in pattern.finditer(xml):
            opening = xml.rfind(b"<c ", 0, match.start())
            reference = _CELL_REFERENCE.search(xml, opening, xml.find(b">", opening))
            if opening < 0 or reference is None:
                continue
            column = 0
            for letter in reference[1]:
                column = column * 26 + letter - 64
            found.add((int(reference[2]), column - 1))


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip entry of the worksheet named ``sheet_name`` (workbook.xml names it, its rels locate it)."""
    relationships = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = DefusedET.fromstring(archive.read("xl/workbook.xml"))
    target_id = next(
        (
            node.get(relationships)
            for node in workbook.iter()
            if _local(node.tag) == "sheet" and node.get("name") == sheet_name
        ),
        None,
    )
    rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (
            node.get("Target")
            for node in rels.iter()
            if _local(node.tag) == "Relationship" and node.get("Id") == target_id
        ),
        None,
    )
    if not target_id or not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _mark_formulas(first_rows, rest, formulas, start_row: int, start_column: int):
    """The rows with each formula cell without a value given as ``UnreadFormula`` instead of empty."""

    def marked(number: int, cells):
        cells = list(cells)
        for index, value in enumerate(cells):
            if value in (None, "") and (number, start_column + index) in formulas:
                cells[index] = UnreadFormula()
        return cells

    first = [marked(start_row + offset, cells) for offset, cells in enumerate(first_rows)]
    following = (marked(start_row + len(first_rows) + offset, cells) for offset, cells in enumerate(rest))
    return first, following


def _chain(first, rest):
    yield from first
    yield from rest


def _csv_records(reader):
    try:
        yield from reader
    except csv.Error:
        # E.g. a cell longer than the csv module's limit: a damaged file is refused, not a crash.
        raise FileRefused(
            _("The CSV file cannot be read from line %(n)d on: save it again as CSV UTF-8 or as an Excel workbook.")
            % {"n": reader.line_num}
        ) from None


def _too_many(max_rows: int) -> FileRefused:
    return FileRefused(
        _("The file has more than %(n)s data rows, the most one import takes. Split it into several files.")
        % {"n": f"{max_rows:,}"}
    )


# --- the error file -------------------------------------------------------------------------------
_ERROR_KEYS = {header_key(label) for label in ERROR_HEADER}


def write_error_file(roster: Roster, errors: dict[int, str], out, *, text_columns: set[int]) -> str:
    """The rows of ``roster`` numbered in ``errors``, as they were, plus an error column, in the
    upload's own format (a legacy XLS comes back as XLSX). Returns the file extension written.

    ``text_columns`` (ID number, mobile) are written as text so that Excel keeps every digit; no
    cell is ever written as a formula. An error file uploaded again has its old error column
    replaced, not repeated; cells beyond the header (which the import did not read) are left out
    so that the error column stays in line.
    """
    width = len(roster.header)
    keep = [index for index, label in enumerate(roster.header) if header_key(label) not in _ERROR_KEYS]
    text_columns = {keep.index(index) for index in text_columns if index in keep}

    def line(cells) -> list:
        padded = [*cells[:width], *[""] * (width - len(cells))]
        return [padded[index] for index in keep]

    header = [*line(roster.header), _error_header()]
    if roster.file_format == "csv":
        encoding = "gb18030" if roster.encoding == "gb18030" else "utf-8-sig"
        stream = io.TextIOWrapper(out, encoding=encoding, newline="", write_through=True)
        writer = csv.writer(stream)
        # The header is whatever the upload's first row held: a spreadsheet runs it like any other cell.
        writer.writerow([escape_formula(str(value)) for value in header])
        for number, cells in roster.rows():
            if number in errors:
                writer.writerow([escape_formula(value) for value in line(cells)] + [errors[number]])
        stream.detach()
        return "csv"
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Write-only: rows go to a temporary file as they are appended, so memory stays flat however
    # many rows are left out.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Rows with errors")[:31])

    def cell(value, as_text=False):
        if as_text and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = _number_as_text(value)
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                # A control character in one cell would make openpyxl refuse the whole file.
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not as_text and not value.startswith(FORMULA_START):
                return value  # a plain text cell, written as such: a cell object per value is slow
        elif not as_text and not isinstance(value, (datetime.date, datetime.datetime)):
            return value
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            result.data_type = "s"  # never a formula
        if as_text:
            result.number_format = "@"
        if isinstance(value, (datetime.date, datetime.datetime)):
            result.number_format = "yyyy-mm-dd"
        return result

    sheet.append([cell(value) for value in header])
    for number, cells in roster.rows():
        if number in errors:
            sheet.append([cell(v, i in text_columns) for i, v in enumerate(line(cells))] + [cell(errors[number])])
    workbook.save(out)
    return "xlsx"


# Excel keeps 15 significant digits of a number.
_EXACT_DIGITS = 15


def _number_as_text(value: int | float) -> str:
    """A number cell of a text column (ID number, mobile) as text. Up to 15 digits it is exact and
    written as digits. Beyond, the digits ``int(value)`` spells are the binary float's, not the ID
    that was typed, and about one such 18-digit string in fifteen passes the check character: it is
    written as Excel shows it (``1.10105E+17``), which no reader will take for an ID."""
    if float(value).is_integer() and len(str(abs(int(value)))) <= _EXACT_DIGITS:
        return str(int(value))
    return f"{value:.{_EXACT_DIGITS}G}"


def _error_header() -> str:
    from django.utils import translation

    return ERROR_HEADER[0] if (translation.get_language() or "zh-hans").startswith("zh") else ERROR_HEADER[1]
