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
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .columns import ERROR_HEADER, escape_formula, header_key, map_headers

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Files people upload by mistake that could pass for text: PDF and RTF can be plain ASCII.
OTHER_MAGIC = (b"%PDF", b"{\\rtf", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
# Excel's "Unicode text" is UTF-16; no CSV reader here reads it, and its NUL bytes would say "binary".
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# The header is looked for in this many first rows: rosters often open with a title row or two.
HEADER_SEARCH_ROWS = 10
_CHUNK = 1 << 20


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
            raise refused
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
                            tail = chunk[-16:]
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                raise FileRefused(_("The file looks like an Excel workbook but is damaged.")) from None


def _check_xml(chunk: bytes, tail: bytes) -> None:
    """No DTD anywhere in a part (a comment may push it past any first few bytes), and UTF-8 only:
    a UTF-16 part would hide a DTD from this byte search, and spreadsheet programs write UTF-8."""
    if not tail and (chunk.startswith(UTF16_BOMS) or b"\x00" in chunk[:4]):
        raise FileRefused(
            _("The workbook's XML is not in UTF-8, which spreadsheet programs write, so it was not opened.")
        )
    if b"<!DOCTYPE" in chunk or b"<!DOCTYPE" in tail + chunk[:16]:
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
        start_row = sheet.start[0] + 1 if sheet.start else 1

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
        writer.writerow(header)
        for number, cells in roster.rows():
            if number in errors:
                writer.writerow([escape_formula(value) for value in line(cells)] + [errors[number]])
        stream.detach()
        return "csv"
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()

    def cell(value, as_text=False):
        if isinstance(value, float) and value.is_integer() and as_text:
            value = str(int(value))
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


def _error_header() -> str:
    from django.utils import translation

    return ERROR_HEADER[0] if (translation.get_language() or "zh-hans").startswith("zh") else ERROR_HEADER[1]
