"""What an uploaded roster is and whether it is safe to open; the error file.

Each refused file goes through the services as a clerk's upload would: the dry run refuses it with a
message, the stored upload is deleted, and the members are exactly as they were.
"""

import codecs
import csv
import io
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.models import RosterImport
from members.roster import files
from members.roster.files import open_roster, write_error_file
from members.services import roster as service

from ..factories import id_number
from .rosters import HEADER, csv_bytes, member_state, row, start_import, upload, xls_bytes, xlsx_bytes

S = RosterImport.Status


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def refused(tree, clerk, settings, content: bytes, name: str = "花名册.xlsx") -> str:
    """Upload and dry-run ``content``; assert it was refused, deleted and changed nothing; the message."""
    before = member_state()
    record = start_import(clerk, tree["g1"], content, name)
    assert record.status == S.REFUSED, (record.status, record.problem)
    assert not record.file and stored_files(settings) == []
    assert not record.rows.exists()
    assert member_state() == before
    return record.problem


def rebuilt(content: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook ``content`` with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, (replace or {}).get(entry.filename, source.read(entry)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def good_xlsx() -> bytes:
    return xlsx_bytes([row("张三", id_number())])


# --- type by content, not by name -----------------------------------------------------------------
def test_xlsx_named_csv_is_read_as_xlsx(tree, clerk):
    record = start_import(clerk, tree["g1"], good_xlsx(), "花名册.csv")

    assert (record.status, record.file_format, record.new_count) == (S.CHECKED, "xlsx", 1)


def test_csv_named_xlsx_is_read_as_csv(tree, clerk):
    record = start_import(clerk, tree["g1"], csv_bytes([row("张三", id_number())], encoding="gbk"), "花名册.xlsx")

    assert (record.status, record.file_format, record.encoding, record.new_count) == (S.CHECKED, "csv", "gb18030", 1)


def test_roster_on_a_later_sheet_after_an_instructions_sheet_is_found(tree, clerk):
    workbook = openpyxl.Workbook()
    workbook.active.title = "填写说明"
    workbook.active.append(["请按下表填写会员信息，身份证号码列设为文本格式。"])
    hidden = workbook.create_sheet("名单")  # a hidden sheet with a roster header is not what the clerk sees
    hidden.append(HEADER)
    hidden.append(row("隐藏", id_number()))
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("会员花名册")
    sheet.append(HEADER)
    sheet.append(row("张三", id_number()))
    out = io.BytesIO()
    workbook.save(out)

    record = start_import(clerk, tree["g1"], out.getvalue())

    assert (record.status, record.new_count, record.error_count) == (S.CHECKED, 1, 0)
    assert record.rows_total == 1


def test_tab_separated_text_below_a_title_line_is_read(tree, clerk):
    lines = ["某公司工会会员花名册", "\t".join(HEADER), "\t".join(row("张三", id_number(), union="东城机械厂工会"))]

    record = start_import(clerk, tree["g1"], "\r\n".join(lines).encode("gbk"), "花名册.txt")

    assert (record.status, record.new_count, record.error_count) == (S.CHECKED, 1, 0)


NOT_SPREADSHEETS = {
    "pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
    "random": random.Random(5).randbytes(6000),
    "random_without_nul": bytes(b or 1 for b in random.Random(6).randbytes(6000)),
}


@pytest.mark.parametrize("name", ["花名册.xlsx", "花名册.csv"])
@pytest.mark.parametrize("content", NOT_SPREADSHEETS.values(), ids=NOT_SPREADSHEETS.keys())
def test_other_files_renamed_as_rosters_are_refused_by_content(tree, clerk, settings, content, name):
    problem = refused(tree, clerk, settings, content, name)

    assert problem in {
        "The file is not a spreadsheet: upload an XLSX, XLS or CSV file.",
        "The text of the CSV file could not be read: save it as CSV UTF-8 or as an Excel workbook and try again.",
    }


def test_zip_that_is_not_a_workbook_is_refused(tree, clerk, settings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert refused(tree, clerk, settings, out.getvalue()) == "The file is a zip archive, not an Excel workbook."


def test_damaged_workbook_is_refused(tree, clerk, settings):
    assert "damaged" in refused(tree, clerk, settings, good_xlsx()[:3000])


def test_csv_in_neither_utf8_nor_gb18030_is_refused(tree, clerk, settings):
    content = "Name,ID number,Mobile\nJosé,110105194912310021,13800138000\n".encode("cp1252")
    for encoding in ("utf-8", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            content.decode(encoding)

    problem = refused(tree, clerk, settings, content, "roster.csv")

    assert problem.startswith("The text of the CSV file could not be read: save it as CSV UTF-8")


def test_utf16_text_from_excel_is_refused_with_the_encoding_message(tree, clerk, settings):
    content = codecs.BOM_UTF16_LE + "\t".join(HEADER).encode("utf-16-le")

    assert refused(tree, clerk, settings, content, "花名册.txt").startswith(
        "The text of the CSV file could not be read"
    )


def test_csv_with_a_nul_byte_past_its_beginning_is_refused_as_not_a_spreadsheet(tree, clerk, settings):
    content = csv_bytes([row("会员", id_number()) for _ in range(200)], encoding="utf-8") + b"\x00"
    assert len(content) > 10_000

    problem = refused(tree, clerk, settings, content, "花名册.csv")

    assert problem == "The file is not a spreadsheet: upload an XLSX, XLS or CSV file."


def test_csv_with_a_cell_longer_than_the_csv_modules_limit_is_refused_not_a_crash(tree, clerk, settings):
    content = csv_bytes([row("会员", id_number()) for _ in range(200)], encoding="utf-8") + b"x" * 200_000

    problem = refused(tree, clerk, settings, content, "花名册.csv")

    assert problem == (
        "The CSV file cannot be read from line 202 on: save it again as CSV UTF-8 or as an Excel workbook."
    )


def test_empty_file_is_refused_at_upload(tree, clerk, settings):
    with pytest.raises(ValidationError, match="The file is empty."):
        service.import_start(user=clerk, union=tree["g1"], upload=upload(b""))
    assert not RosterImport.objects.exists() and stored_files(settings) == []


# --- caps -----------------------------------------------------------------------------------------
def test_file_over_the_size_cap_is_refused_at_upload_and_not_kept(tree, clerk, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 512 * 1024
    before = member_state()
    content = csv_bytes([row("张三", id_number()) for _ in range(8000)])
    assert 0.6 < len(content) / 1048576 < 0.7

    with pytest.raises(ValidationError) as info:
        service.import_start(user=clerk, union=tree["g1"], upload=upload(content, "花名册.csv"))

    assert info.value.messages[0].startswith("The file is 0.6")
    assert info.value.messages[0].endswith(" MB; files up to 0.5 MB are accepted. Split the roster into several files.")
    assert not RosterImport.objects.exists() and stored_files(settings) == []
    assert member_state() == before


def test_file_over_the_size_cap_is_refused_by_the_dry_run_too(tree, clerk, settings):
    # The cap may be lowered between the upload and the job; the job checks the stored file itself.
    record = service.import_start(user=clerk, union=tree["g1"], upload=upload(good_xlsx()))
    settings.ROSTER_IMPORT_MAX_BYTES = 1000

    service.import_check(record.pk)

    record.refresh_from_db()
    assert record.status == S.REFUSED and "Split the roster into several files" in record.problem
    assert not record.file and stored_files(settings) == []


@pytest.mark.parametrize(
    ("build", "name"),
    [(xlsx_bytes, "花名册.xlsx"), (csv_bytes, "花名册.csv"), (xls_bytes, "花名册.xls")],
    ids=["xlsx", "csv", "xls"],
)
def test_too_many_rows_are_refused(tree, clerk, settings, build, name):
    settings.ROSTER_IMPORT_MAX_ROWS = 3

    problem = refused(tree, clerk, settings, build([row("张三", id_number()) for _ in range(4)]), name)

    assert problem == "The file has more than 3 data rows, the most one import takes. Split it into several files."


def test_missing_required_header_is_refused_naming_it(tree, clerk, settings):
    header = [label for label in HEADER if label not in ("身份证号码", "手机号码")]
    content = xlsx_bytes([["张三", "", "汉族", "群众", "本科", "正式职工", "否", "2023-05-01", ""]], header=header)

    problem = refused(tree, clerk, settings, content)

    assert problem == (
        "The first row must name the columns; these required columns were not found: "
        "身份证号码 (ID number), 手机号码 (Mobile)."
    )


@pytest.mark.parametrize(("build", "name"), [(xlsx_bytes, "a.xlsx"), (csv_bytes, "a.csv")], ids=["xlsx", "csv"])
def test_header_without_rows_is_refused(tree, clerk, settings, build, name):
    problem = refused(tree, clerk, settings, build([[], ["", ""]]), name)

    assert problem == "The file has a header row but no members below it."


# --- zip bombs and XML entities -------------------------------------------------------------------
def test_workbook_unpacking_to_far_more_than_its_size_is_refused_before_it_is_unpacked(
    tree, clerk, settings, monkeypatch
):
    content = rebuilt(good_xlsx(), add={"xl/media/image1.bin": bytes(50 * 1024 * 1024)})
    assert len(content) < 200_000  # 50 MB of zeros packs into about 50 KB
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or pytest.fail("unpacked"))
    monkeypatch.setattr(files, "CalamineWorkbook", None)  # any use of the reader would fail loudly

    problem = refused(tree, clerk, settings, content)

    assert problem == "The file unpacks to far more data than a roster of its size holds, so it was not opened."
    assert opened == []


def test_workbook_whose_sizes_lie_is_refused_before_the_reader_opens_it(tree, clerk, settings):
    # The entry declares 1 KB but holds 20 MB: reading it through (not trusting the directory) shows
    # the lie before python-calamine, which would trust it, is given the file.
    content = rebuilt(good_xlsx(), add={"xl/media/image1.bin": bytes(20 * 1024 * 1024)})
    declared = (20 * 1024 * 1024).to_bytes(4, "little")
    assert content.count(declared) == 2  # the local header and the central directory
    content = content.replace(declared, (1024).to_bytes(4, "little"))

    problem = refused(tree, clerk, settings, content)

    assert problem == "The file looks like an Excel workbook but is damaged."


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The workbook is made of 69 parts, far more than a roster needs (at most 50), so it was not opened."),
        ("zh-hans", "该工作簿由69个部件组成，远超花名册所需（最多50个），系统未予打开。"),
    ],
)
def test_workbook_with_too_many_parts_is_refused_naming_the_parts_not_the_unpacked_size(
    tree, clerk, settings, language, message
):
    settings.ROSTER_XLSX_MAX_ENTRIES = 50
    content = rebuilt(good_xlsx(), add={f"xl/media/{n}.xml": b"<a/>" for n in range(60)})

    with translation.override(language):
        problem = refused(tree, clerk, settings, content)

    assert problem == message


LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
%s<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


@pytest.mark.parametrize(
    "padding", [b"", b"<!--" + b" " * 10_000 + b"-->\n"], ids=["dtd_first", "dtd_after_a_long_comment"]
)
def test_billion_laughs_workbook_is_refused(tree, clerk, settings, padding):
    content = rebuilt(good_xlsx(), replace={"xl/worksheets/sheet1.xml": LAUGHS % padding})

    problem = refused(tree, clerk, settings, content)

    assert problem == "The workbook contains XML features that rosters never use (a DTD), so it was not opened."


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The workbook contains XML features that rosters never use (a DTD), so it was not opened."),
        ("zh-hans", "该工作簿包含花名册不会用到的XML功能（DTD），系统未予打开。"),
    ],
)
def test_lower_case_doctype_is_refused_as_a_dtd_not_as_an_unreadable_workbook(tree, clerk, settings, language, message):
    content = rebuilt(good_xlsx(), replace={"xl/worksheets/sheet1.xml": LAUGHS.replace(b"DOCTYPE", b"doctype") % b""})

    with translation.override(language):
        problem = refused(tree, clerk, settings, content)

    assert problem == message


def test_workbook_part_in_utf16_is_refused(tree, clerk, settings):
    # UTF-16 would hide a DTD from a byte search; rosters' XML is always UTF-8.
    content = rebuilt(good_xlsx(), replace={"xl/worksheets/sheet1.xml": (LAUGHS % b"").decode().encode("utf-16")})

    assert refused(tree, clerk, settings, content) == (
        "The workbook's XML is not in UTF-8, which spreadsheet programs write, so it was not opened."
    )


# --- a failure nobody foresaw ---------------------------------------------------------------------
def test_unexpected_failure_of_the_dry_run_ends_the_import_as_failed_not_stuck_checking(tree, clerk, monkeypatch):
    from members.roster import importing

    record = service.import_start(user=clerk, union=tree["g1"], upload=upload(good_xlsx()))
    monkeypatch.setattr(importing, "dry_run", lambda record: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        service.import_check(record.pk)

    record.refresh_from_db()
    assert record.status == S.FAILED
    assert record.problem == "The check failed and nothing was written. Please upload the file again later."


# --- the error file -------------------------------------------------------------------------------
def error_file(content: bytes, errors: dict[int, str], tmp_path, *, text_columns=frozenset()) -> tuple[str, bytes]:
    path = tmp_path / "upload"
    path.write_bytes(content)
    out = io.BytesIO()
    extension = write_error_file(open_roster(path), errors, out, text_columns=set(text_columns))
    return extension, out.getvalue()


def test_csv_error_file_writes_formula_like_cells_as_text_and_they_read_back_as_typed(tmp_path):
    rows = [row('=HYPERLINK("http://x")', "123"), row("张三", "+86", "-1", ethnicity="@SUM(1)")]

    extension, content = error_file(csv_bytes(rows), {2: "bad", 3: "worse"}, tmp_path)

    assert extension == "csv"
    cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert cells[1][0] == '\'=HYPERLINK("http://x")' and cells[1][-1] == "bad"
    assert (cells[2][2], cells[2][3], cells[2][4]) == ("'+86", "'-1", "'@SUM(1)")
    from members.roster.cleaning import text

    assert text(cells[1][0]) == '=HYPERLINK("http://x")'


def test_xlsx_error_file_never_writes_a_formula_and_keeps_ids_as_text(tmp_path):
    number = id_number()
    rows = [row("=1+1", number), row("李四", 110105199003041234)]

    extension, content = error_file(xlsx_bytes(rows), {2: "bad", 3: "worse"}, tmp_path, text_columns={2, 3})

    assert extension == "xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["C2"].value == number and sheet["C2"].number_format == "@"
    assert isinstance(sheet["C3"].value, str) and sheet["C3"].number_format == "@"
    assert sheet["L1"].value == "Errors" and sheet["L3"].value == "worse"


def test_error_file_of_an_error_file_has_one_error_column(tmp_path):
    header = [*HEADER, "Errors"]
    rows = [[*row("张三", "123"), "old message"], [*row("李四", id_number()), ""]]

    _extension, content = error_file(csv_bytes(rows, header=header), {2: "new message"}, tmp_path)

    cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert cells[0] == [*HEADER, "Errors"]
    assert cells[1] == [*row("张三", "123"), "new message"]
    assert len(cells) == 2


def test_error_file_keeps_the_error_column_in_line_when_rows_are_longer_or_shorter_than_the_header(tmp_path):
    rows = [[*row("张三", "123"), "stray"], row("李四", "456")[:3]]

    _extension, content = error_file(csv_bytes(rows), {2: "bad", 3: "worse"}, tmp_path)

    cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [len(line) for line in cells] == [len(HEADER) + 1] * 3
    assert (cells[1][-1], cells[2][-1]) == ("bad", "worse")


def test_gbk_csv_error_file_stays_gb18030_without_bom(tmp_path):
    content = csv_bytes([row("张三", "123", employment="外卖骑手")], encoding="gbk")

    _extension, written = error_file(content, {2: "身份证号码错误"}, tmp_path)

    assert not written.startswith(codecs.BOM_UTF8)
    with pytest.raises(UnicodeDecodeError):
        written.decode("utf-8")
    assert "外卖骑手" in written.decode("gb18030") and "身份证号码错误" in written.decode("gb18030")


def test_csv_error_file_writes_a_formula_in_the_header_as_text(tmp_path):
    header = [*HEADER, '=HYPERLINK("http://x")', "@SUM(1)"]
    rows = [[*row("张三", "123"), "", ""]]

    _extension, content = error_file(csv_bytes(rows, header=header), {2: "bad"}, tmp_path)

    cells = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert cells[0][-3:] == ['\'=HYPERLINK("http://x")', "'@SUM(1)", "Errors"]
    assert cells[0][: len(HEADER)] == HEADER


def test_xlsx_error_file_never_turns_an_id_excel_stored_as_a_number_into_a_plausible_id(tmp_path):
    # Excel keeps 15 significant digits: an 18-digit ID typed into a number cell comes back as a
    # float whose integer digits are made up. About one in fifteen of those strings passes the check
    # character; none may come back from the error file as an ID.
    from members.roster.cleaning import CellError, id_number_of

    numbers = [id_number() for _ in range(150)]
    numbers = [number for number in numbers if not number.endswith("X")]
    rows = [row("张三", float(number)) for number in numbers]
    errors = dict.fromkeys(range(2, len(rows) + 2), "lost digits")

    _extension, content = error_file(xlsx_bytes(rows), errors, tmp_path, text_columns={2})

    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    written = [line[2] for line in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(written) == len(numbers)
    for value in written:
        assert isinstance(value, str) and "E+17" in value
        with pytest.raises(CellError):
            id_number_of(value)
    # The digits Excel did keep are all there, as Excel shows them.
    assert written[0] == f"{float(numbers[0]):.15G}"


def test_xlsx_error_file_keeps_a_15_digit_id_stored_as_a_number_exactly(tmp_path):
    rows = [row("张三", 440106800307213.0)]

    _extension, content = error_file(xlsx_bytes(rows), {2: "bad"}, tmp_path, text_columns={2})

    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["C2"].value == "440106800307213"


@pytest.mark.parametrize(("language", "title"), [("en", "Rows with errors"), ("zh-hans", "有错误的行")])
def test_xlsx_error_file_sheet_has_a_title_in_the_clerks_language(tmp_path, language, title):
    with translation.override(language):
        _extension, content = error_file(xlsx_bytes([row("张三", "123")]), {2: "bad"}, tmp_path)

    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == [title]


def test_xlsx_error_file_is_written_in_memory_that_does_not_grow_with_the_rows(tmp_path):
    import tracemalloc

    from openpyxl import Workbook

    def peak_for(count: int) -> int:
        source = Workbook(write_only=True)
        sheet = source.create_sheet()
        sheet.append(HEADER)
        for n in range(count):
            sheet.append(row(f"张{n}", id_number(), employment="外卖骑手"))
        path = tmp_path / f"upload{count}.xlsx"
        source.save(path)
        roster = open_roster(path)
        errors = dict.fromkeys(range(2, count + 2), "The same ID number is already on row 2.")
        with open(tmp_path / f"errors{count}.xlsx", "wb") as out:
            tracemalloc.start()
            try:
                write_error_file(roster, errors, out, text_columns={2, 3})
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    small, large = peak_for(200), peak_for(2000)

    # A workbook held whole takes several hundred bytes a cell: 2,000 rows of 12 would be ~10 MB more.
    assert large - small < 1_000_000, (small, large)


def test_xlsx_error_file_of_a_cell_with_a_control_character_is_written_without_it(tmp_path):
    # An XLS may hold characters XML cannot: openpyxl would refuse the whole error file.
    content = xls_bytes([row("张\x01三", "123")])

    extension, written = error_file(content, {2: "bad"}, tmp_path)

    assert extension == "xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(written)).worksheets[0]
    assert sheet["A2"].value == "张三" and sheet["L2"].value == "bad"
