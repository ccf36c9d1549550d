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
from python_calamine import CalamineError, CalamineWorkbook

from .columns import ERROR_HEADER, map_headers

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
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
    return "csv"


def check_size(size: int) -> None:
    limit = settings.ROSTER_IMPORT_MAX_BYTES
    if size > limit:
        raise FileRefused(
            _("The file is %(size)s MB; files up to %(limit)s MB are accepted. Split the roster into several files.")
            % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
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
            try:
                with archive.open(entry) as stream:
                    first = True
                    while chunk := stream.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise refused
                        if (
                            first
                            and entry.filename.endswith((".xml", ".rels"))
                            and b"<!DOCTYPE" in chunk[:4096].upper()
                        ):
                            raise FileRefused(
                                _(
                                    "The workbook contains XML features that rosters never use (a DTD), so it was not opened."
                                )
                            )
                        first = False
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                raise FileRefused(_("The file looks like an Excel workbook but is damaged.")) from None


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text and encoding of a CSV: UTF-8 with BOM, UTF-8, or GB18030 (a superset of GBK)."""
    if b"\x00" in data[:8192]:
        raise FileRefused(_("The file is not a spreadsheet: upload an XLSX, XLS or CSV file."))
    encodings = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileRefused(
        _("The text of the CSV file could not be read: save it as CSV UTF-8 or as an Excel workbook and try again.")
    )


def _delimiter(sample: str) -> str:
    first = sample.split("\n", 1)[0]
    return max(",\t;", key=first.count) if any(d in first for d in ",\t;") else ","


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
        first_rows = []
        for cells in reader:
            first_rows.append(cells)
            if len(first_rows) >= HEADER_SEARCH_ROWS:
                break
        start_row = 1
        rest = reader
    else:
        if file_format == "xlsx":
            check_xlsx(path)
        encoding = ""
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheet = workbook.get_sheet_by_index(0)
        except (CalamineError, ValueError, OSError):
            raise FileRefused(_("The workbook could not be read: is it damaged or protected by a password?")) from None
        if sheet.height - 1 > max_rows:
            raise _too_many(max_rows)
        start_row = sheet.start[0] + 1 if sheet.start else 1
        rest = iter(sheet.iter_rows())
        first_rows = [row for _i, row in zip(range(HEADER_SEARCH_ROWS), rest, strict=False)]

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


def _chain(first, rest):
    yield from first
    yield from rest


def _too_many(max_rows: int) -> FileRefused:
    return FileRefused(
        _("The file has more than %(n)s data rows, the most one import takes. Split it into several files.")
        % {"n": f"{max_rows:,}"}
    )


# --- the error file -------------------------------------------------------------------------------
def write_error_file(roster: Roster, errors: dict[int, str], out, *, text_columns: set[int]) -> str:
    """The rows of ``roster`` numbered in ``errors``, as they were, plus an error column, in the
    upload's own format (a legacy XLS comes back as XLSX). Returns the file extension written.

    ``text_columns`` (ID number, mobile) are written as text so that Excel keeps every digit; no
    cell is ever written as a formula.
    """
    header = [*roster.header, _error_header()]
    if roster.file_format == "csv":
        encoding = "gb18030" if roster.encoding == "gb18030" else "utf-8-sig"
        stream = io.TextIOWrapper(out, encoding=encoding, newline="", write_through=True)
        writer = csv.writer(stream)
        writer.writerow(header)
        for number, cells in roster.rows():
            if number in errors:
                writer.writerow([*cells, *[""] * (len(roster.header) - len(cells)), errors[number]])
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
            padded = [*cells, *[""] * (len(roster.header) - len(cells))]
            sheet.append([cell(v, i in text_columns) for i, v in enumerate(padded)] + [cell(errors[number])])
    workbook.save(out)
    return "xlsx"


def _error_header() -> str:
    from django.utils import translation

    return ERROR_HEADER[0] if translation.get_language().startswith("zh") else ERROR_HEADER[1]
