"""What a roster's checks tell the clerk: each message names the real fault, in English and in Chinese.

Each file goes through the services as a clerk's upload would (``start_import``: upload and dry run),
in the language the clerk uploads in.
"""

import io

import openpyxl
import pytest
from django.utils import translation

from members.id_number import check_character
from members.models import RosterImport

from ..factories import id_number
from .rosters import HEADER, csv_bytes, row, start_import, xlsx_bytes

S = RosterImport.Status


def checked(tree, clerk, content: bytes, language: str, name: str = "花名册.xlsx") -> RosterImport:
    with translation.override(language):
        record = start_import(clerk, tree["g1"], content, name)
    assert record.status == S.CHECKED, (record.status, record.problem)
    return record


def messages(record: RosterImport) -> dict[int, str]:
    return dict(record.rows.values_list("row_number", "message"))


# --- an ID number with a letter and a digit missing -------------------------------------------------
@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "An ID number is made of digits, and only its last character may be X; this one contains “O” (character 5).",
        ),
        ("zh-hans", "身份证号码由数字组成，仅最后一位可为X；该号码含有第5位的“O”。"),
    ],
)
def test_a_17_character_id_with_a_letter_names_the_letter_not_the_length(tree, clerk, language, message):
    # A letter O typed for a zero, and a digit missing: the letter is what the clerk must look for.
    typed = "1101O51949123102X"
    assert len(typed) == 17

    record = checked(tree, clerk, xlsx_bytes([row("张三", typed)]), language)

    assert messages(record) == {2: message}


def test_a_letter_in_an_id_of_18_characters_is_named_with_its_place(tree, clerk):
    body = "11010519491231002"
    typed = body[:9] + "I" + body[10:] + check_character(body)

    record = checked(tree, clerk, xlsx_bytes([row("张三", typed)]), "en")

    assert messages(record) == {
        2: "An ID number is made of digits, and only its last character may be X; this one contains “I” (character 10)."
    }


# --- a formula where the name belongs -----------------------------------------------------------------
FORMULA_NAME = {
    "en": "The name cell holds a formula, and a formula is not a name: type the name itself.",
    "zh-hans": "姓名单元格中是公式，公式不是姓名：请直接填写姓名。",
}


def workbook_with_formula_names() -> bytes:
    """Row 2's name is a formula the file keeps no value for (as programs other than Excel write
    them); row 3's is a formula written as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row('=HYPERLINK("http://example.com","张三")', id_number()))
    sheet.append(row("=A2", id_number()))
    sheet["A3"].data_type = "s"
    sheet.append(row("李四", id_number()))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_formula_in_the_name_cell_is_refused_as_a_formula_not_as_a_missing_name(tree, clerk, language):
    record = checked(tree, clerk, workbook_with_formula_names(), language)

    assert messages(record) == {2: FORMULA_NAME[language], 3: FORMULA_NAME[language]}
    assert record.new_count == 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_formula_in_the_name_column_of_a_csv_is_refused_as_a_formula(tree, clerk, language):
    content = csv_bytes([row("@SUM(A1:A9)", id_number()), row("李四", id_number())])

    record = checked(tree, clerk, content, language, "花名册.csv")

    assert messages(record) == {2: FORMULA_NAME[language]}


def test_rows_are_numbered_as_the_spreadsheet_shows_them_when_the_roster_starts_below_and_right_of_a1(tree, clerk):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for offset, cells in enumerate([HEADER, row("张三", id_number()), row("=B3", id_number())]):
        for column, value in enumerate(cells):
            sheet.cell(row=3 + offset, column=2 + column, value=value)
    sheet["B5"].data_type = "s"
    out = io.BytesIO()
    workbook.save(out)

    record = checked(tree, clerk, out.getvalue(), "en")

    assert messages(record) == {5: FORMULA_NAME["en"]}


# --- the 15-digit notice ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "notice"),
    [
        ("en", "1 15-digit ID numbers will be stored in their 18-digit form."),
        ("zh-hans", "有1个15位身份证号码将转换为18位保存。"),
    ],
)
def test_the_15_digit_notice_counts_only_rows_that_will_be_imported(tree, clerk, language, notice):
    content = xlsx_bytes(
        [
            row("张三", "440106800307213"),
            row("李四", "440106800307224", "1380013800"),  # a mobile short of a digit: refused
            row("王五", "440106800307235", union="没有这个工会"),  # refused
        ]
    )

    record = checked(tree, clerk, content, language)

    assert (record.new_count, record.error_count) == (1, 2)
    assert record.notices == [notice]


def test_no_15_digit_notice_when_every_such_row_is_refused(tree, clerk):
    content = xlsx_bytes([row("李四", "440106800307224", "1380013800"), row("张三", id_number())])

    record = checked(tree, clerk, content, "en")

    assert record.error_count == 1 and record.notices == []
