"""The blank roster (会员花名册) a clerk downloads, fills in Excel or WPS, and imports.

It is built to prevent the mistakes real rosters arrive with: the ID and mobile columns are text
before anything is typed (so Excel cannot turn an ID into ``1.10105E+17``), the join date column is
a date, and the choice columns offer drop-down lists of exactly the labels the import reads. The
lists live on a hidden sheet and are referenced by range: a list typed into the validation itself
is limited by Excel to 255 characters, which the employment types exceed.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from .cleaning import choice_labels
from .columns import COLUMNS

SHEET = "会员花名册"
LISTS_SHEET = "选项"
HELP_SHEET = "填写说明"
# Rows below the header given text and date formats ahead of typing; enough for a large union's
# roster without making the blank file heavy. Drop-down lists cover the whole column.
FORMATTED_ROWS = 2000
LAST_ROW = 1_048_576
CHOICE_FIELDS = ("sex", "political_status", "education", "employment_type")
YES_NO_FIELDS = ("is_migrant_worker", "is_in_hardship")
TEXT_FIELDS = ("id_number", "mobile")
WIDTHS = {"name": 12, "id_number": 22, "mobile": 15, "employer_name": 28, "union": 30, "employment_type": 16}


def _instructions() -> list[str]:
    return [
        _("How to fill in the member roster"),
        _("1. Fill in one member per row on the sheet 会员花名册, starting on row 2. Do not change the header row."),
        _("2. Columns marked * are required: name, ID number and mobile number."),
        _(
            "3. The ID number and mobile columns are formatted as text. Type or paste the numbers as they are; "
            "if you paste from another file, use Paste Values so that the text format stays."
        ),
        _(
            "4. Choose sex, political status, education, employment type and the yes/no columns from the drop-down lists."
        ),
        _("5. Write the join date as a date, such as 2023-05-01. An empty date means the day of the import."),
        _(
            "6. 所属工会 is the name or unified social credit code of the member's grassroots or joint union. "
            "It may be empty when you import into one grassroots union."
        ),
        _(
            "7. Save the file as an Excel workbook (.xlsx) and upload it on the import page. Nothing is written until you confirm."
        ),
        _("Hover over a column header to read its note."),
    ]


def build(out) -> None:
    """Write the blank roster to ``out`` (a path or binary file). Notes and instructions are Chinese."""
    with translation.override("zh-hans"):
        _build(out)


def _build(out) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    help_sheet = workbook.create_sheet(HELP_SHEET)

    bold, required_font = Font(bold=True), Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    author = _("Union portal")
    letters = {}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        letters[column.key] = letter
        # The asterisk is part of the header the import accepts (columns.header_key drops it).
        cell = sheet.cell(row=1, column=index, value=f"*{column.zh}" if column.required else column.zh)
        cell.font = required_font if column.required else bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        note = str(column.note) if column.note else _("Optional.")
        comment = Comment(note, author)
        comment.width, comment.height = 260, 90
        cell.comment = comment
        sheet.column_dimensions[letter].width = WIDTHS.get(column.key, 12)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22

    for key in TEXT_FIELDS:
        _format_rows(sheet, letters[key], "@")
    _format_rows(sheet, letters["joined_on"], "yyyy-mm-dd")

    # The lists sheet: one column per drop-down, header in row 1, labels below.
    sources = [(key, choice_labels(key)) for key in CHOICE_FIELDS] + [("yes_no", ("是", "否"))]
    ranges = {}
    for index, (key, labels) in enumerate(sources, start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=key)
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=index, value=label)
        ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
    for key in CHOICE_FIELDS + YES_NO_FIELDS:
        source = ranges["yes_no" if key in YES_NO_FIELDS else key]
        validation = DataValidation(
            type="list",
            formula1=f"={source}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not in the list"),
            error=_("Choose a value from the drop-down list."),
        )
        validation.add(f"{letters[key]}2:{letters[key]}{LAST_ROW}")
        sheet.add_data_validation(validation)

    help_sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(_instructions(), start=1):
        cell = help_sheet.cell(row=row, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=13)

    workbook.active = 0
    workbook.save(out)


def _format_rows(sheet, letter: str, number_format: str) -> None:
    for row in range(2, FORMATTED_ROWS + 2):
        sheet[f"{letter}{row}"].number_format = number_format
