"""One cell of a real-world roster to a value, or a message for the clerk: the readers and the headers.

The end-to-end tests (test_roster_import.py) prove what reaches the database; these pin down each
reader's edge cases, which are cheaper to state one cell at a time.
"""

import datetime

import pytest
from django.utils import translation

from members.id_number import upgrade_15
from members.models import Education, EmploymentType, PoliticalStatus, Sex
from members.roster import cleaning
from members.roster.cleaning import CellError
from members.roster.columns import map_headers

from .rosters import ENGLISH_HEADER, HEADER

TODAY = datetime.date(2026, 3, 1)
# The example printed in GB 11643-1999: a woman born on 31 December 1949 in Chaoyang, Beijing.
STANDARD_EXAMPLE = "11010519491231002X"


def cell_error(reader, *args, **kwargs) -> str:
    with pytest.raises(CellError) as info:
        reader(*args, **kwargs)
    return str(info.value)


# --- ID numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        STANDARD_EXAMPLE,
        STANDARD_EXAMPLE.lower(),
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width, as pasted from a Chinese input method
        " 110105 19491231 002X ",
        "'11010519491231002X",  # the apostrophe Excel users type to keep a number as text
    ],
)
def test_id_number_is_read_from_what_people_type(value):
    assert cleaning.id_number_of(value).value == STANDARD_EXAMPLE


@pytest.mark.parametrize("cell", [1.10105194912310e17, 110105194912310000, float("inf"), float("nan")])
def test_id_number_in_a_number_cell_says_the_column_must_be_text(cell):
    message = cell_error(cleaning.id_number_of, cell)
    assert "stored by Excel as a number" in message
    assert "Format the ID column as text" in message


def test_a_15_digit_id_number_in_a_number_cell_is_read_because_excel_keeps_15_digits():
    # Excel keeps 15 significant digits: a first-generation number survives a number cell intact.
    number = cleaning.id_number_of(440106800307213.0)
    assert number.value == upgrade_15("440106800307213") and number.upgraded_from_15


def test_id_number_shown_in_scientific_notation_says_the_column_must_be_text():
    assert "Excel has turned into a number" in cell_error(cleaning.id_number_of, "1.10105E+17")


def test_id_number_that_lost_its_last_digits_says_excel_rounded_it():
    message = cell_error(cleaning.id_number_of, "110105194912310000")
    assert "ends in 000" in message and "Format the ID column as text" in message


# --- choices --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("political_status", "党员", PoliticalStatus.CPC_MEMBER),
        ("political_status", "中共党员", PoliticalStatus.CPC_MEMBER),
        ("political_status", "CPC member", PoliticalStatus.CPC_MEMBER),
        ("political_status", "cpc_member", PoliticalStatus.CPC_MEMBER),
        ("education", "大专", Education.COLLEGE),
        ("education", "Junior college", Education.COLLEGE),
        ("employment_type", "外卖骑手", EmploymentType.FOOD_DELIVERY),
        ("employment_type", " 外卖 送餐员 ", EmploymentType.FOOD_DELIVERY),
        ("sex", "女", Sex.FEMALE),
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_choice_is_read_from_its_chinese_or_english_label_or_a_usual_variation(field, value, expected, language):
    # Whichever language happens to read a roster first, every spelling is accepted afterwards.
    cleaning._choice_table.cache_clear()
    with translation.override(language):
        assert cleaning.choice_of(value, field, "X") == expected
    with translation.override("en" if language != "en" else "zh-hans"):
        assert cleaning.choice_of(value, field, "X") == expected


def test_unknown_choice_names_the_labels_offered_in_the_clerks_language():
    with translation.override("en"):
        english = cell_error(cleaning.choice_of, "外星人", "political_status", "Political status")
    with translation.override("zh-hans"):
        chinese = cell_error(cleaning.choice_of, "外星人", "political_status", "政治面貌")
    assert english.startswith("Political status “外星人” is not one of: CPC member, ")
    assert "中共党员、中共预备党员" in chinese and "政治面貌" in chinese


@pytest.mark.parametrize(
    ("value", "expected"),
    [("是", True), ("否", False), ("√", True), ("Y", True), ("no", False), ("", False), (True, True), (1.0, True)],
)
def test_yes_no_reads_the_usual_marks(value, expected):
    assert cleaning.yes_no_of(value, "是否农民工") is expected


def test_yes_no_refuses_anything_else():
    assert cell_error(cleaning.yes_no_of, "也许", "Migrant worker") == "Migrant worker must be 是 or 否, not “也许”."


# --- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "2023-05-01",
        "2023/5/1",
        "2023.5.1",
        "2023年5月1日",
        "２０２３年５月１日",
        "20230501",
        20230501.0,  # typed as a number
        "2023-05-01 00:00:00",
        45047,  # an Excel serial number
        45047.0,
        "45047",
        datetime.date(2023, 5, 1),
        datetime.datetime(2023, 5, 1, 8, 30),  # noqa: DTZ001 - spreadsheet cells have no time zone
    ],
)
def test_date_is_read_in_every_usual_form(value):
    assert cleaning.date_of(value, "入会时间", today=TODAY) == datetime.date(2023, 5, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-02", "Joined on 2026-03-02 is in the future."),
        ("去年", "Joined on “去年” is not a date; write it as 2023-05-01."),
        ("2023-02-30", "Joined on “2023-02-30” is not a real date."),
        ("1949-09-30", "Joined on 1949-09-30 is too early."),
        ("05/01/2023", "Joined on “05/01/2023” is not a date; write it as 2023-05-01."),  # month or day first?
    ],
)
def test_date_refuses_what_is_not_a_plausible_date(value, message):
    assert cell_error(cleaning.date_of, value, "Joined on", today=TODAY) == message


def test_blank_date_is_none():
    assert cleaning.date_of("", "Joined on") is None and cleaning.date_of(None, "Joined on") is None


# --- mobiles and names ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value", ["13800138000", "１３８００１３８０００", "138-0013-8000", "+86 138 0013 8000", 13800138000.0]
)
def test_mobile_is_read_from_what_people_type(value):
    assert cleaning.mobile_of(value) == "13800138000"


def test_bad_mobile_is_named_in_the_message():
    assert cell_error(cleaning.mobile_of, "1380013800") == (
        "“1380013800” is not a mainland mobile number (11 digits starting with 1)."
    )


def test_name_with_digits_says_the_column_may_be_misplaced():
    assert "is the column in the right place" in cell_error(cleaning.name_of, "13800138000")


def test_cell_escaped_as_text_on_export_reads_back_without_the_apostrophe():
    assert cleaning.text("'=HYPERLINK(1)") == "=HYPERLINK(1)"


# --- headers --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        ENGLISH_HEADER,
        [
            "*姓名",
            "性别",
            "身份证号码（18位）",
            "手机号码(必填)",
            "民族",
            "政治面貌",
            "文化程度",
            "用工形式",
            "农民工",
            "入会日期",
            "工会名称",
        ],
        [
            "姓 名",
            "Gender",
            "ＩＤ ＮＯ",
            "联系电话",
            "nation",
            "政治身份",
            "最高学历",
            "就业类型",
            "是否农民工",
            "join date",
            "union",
        ],
    ],
)
def test_headers_are_found_in_chinese_english_with_notes_marks_and_synonyms(header):
    mapped = map_headers(header)
    assert mapped.missing == [] and mapped.ignored == [] and mapped.duplicated == []
    assert list(mapped.positions.values()) == list(range(11))


def test_unknown_and_repeated_headers_are_reported_and_export_columns_ignored_quietly():
    mapped = map_headers(["序号", "姓名", "身份证号", "手机", "手机号码", "备注", "会员卡号", "错误说明", "Errors"])
    assert mapped.positions == {"name": 1, "id_number": 2, "mobile": 3}
    assert mapped.ignored == ["备注"] and mapped.duplicated == ["手机号码"]
