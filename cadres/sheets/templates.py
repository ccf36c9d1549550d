"""The blank sheets an officer downloads, fills in Excel or WPS, and imports: the attendance sheet
of a class and the cadre profiles. As the member roster's template does, the mobile column is text
before anything is typed, date and time columns are formatted, choices come as drop-down lists
(from a hidden sheet), and each header carries its note."""

from django.utils import translation
from django.utils.translation import gettext as _

from members.roster.cleaning import choice_labels

from .columns import ATTENDANCE_COLUMNS, CADRE_OFFERED, PROFILE_COLUMNS, ROLL_COLUMNS, Column

FORMATTED_ROWS = 1000
LAST_ROW = 1_048_576
LISTS_SHEET = "选项"
HELP_SHEET = "填写说明"


def _attendance_help() -> list[str]:
    return [
        _("How to fill in the attendance sheet"),
        _("1. One row per cadre and day of the class, starting on row 2. Do not change the header row."),
        _("2. The mobile number finds the cadre among those enrolled in the class; the name, if given, must match."),
        _("3. Write the date as 2026-09-14 and the times as 08:30. The sign-out time may be empty."),
        _("4. A day already recorded for a cadre is updated, never counted twice."),
        _("5. Upload the file on the class's page. Nothing is written until you confirm."),
    ]


def _profile_help() -> list[str]:
    return [
        _("How to fill in the cadre profiles"),
        _("1. One cadre per row, starting on row 2. Do not change the header row."),
        _("2. A cadre already recorded with the same mobile number is updated; empty cells change nothing."),
        _("3. A new cadre needs every column but 任职单位 and 状态."),
        _("4. 任职单位 is the name or credit code of a union under the node you import into; empty means that node."),
        _("5. Choose sex, rank, employment, political status, education and status from the drop-down lists."),
        _("6. Upload the file on the import page. Nothing is written until you confirm."),
    ]


def build_attendance(out) -> None:
    with translation.override("zh-hans"):
        _build(
            out,
            title="签到表",
            columns=ATTENDANCE_COLUMNS,
            formats={"mobile": "@", "date": "yyyy-mm-dd", "signed_in": "hh:mm", "signed_out": "hh:mm"},
            choices={},
            help_lines=_attendance_help(),
        )


def _roll_help() -> list[str]:
    return [
        _("How to fill in the sign-in sheet"),
        _("1. One row per cadre who was there, starting on row 2. Do not change the header row."),
        _("2. The mobile number finds the cadre among those under the organiser; the name, if given, must match."),
        _("3. A cadre already recorded for the session is not counted twice."),
        _("4. Upload the file on the session's page. Nothing is written until you confirm."),
    ]


def build_roll(out) -> None:
    """The sign-in sheet of a session without days or times (warning education): name and mobile."""
    with translation.override("zh-hans"):
        _build(
            out,
            title="签到表",
            columns=ROLL_COLUMNS,
            formats={"mobile": "@"},
            choices={},
            help_lines=_roll_help(),
        )


def build_profiles(out) -> None:
    with translation.override("zh-hans"):
        choices = {key: choice_labels(key) for key in ("sex", "political_status", "education")}
        choices.update(CADRE_OFFERED)
        _build(
            out,
            title="干部信息",
            columns=PROFILE_COLUMNS,
            formats={"mobile": "@", "birth_date": "yyyy-mm-dd", "in_post_since": "yyyy-mm-dd"},
            choices=choices,
            help_lines=_profile_help(),
        )


def _build(out, *, title: str, columns: tuple[Column, ...], formats: dict, choices: dict, help_lines: list) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    bold, required_font = Font(bold=True), Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor="DDEBF7")
    letters = {}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        letters[column.key] = letter
        cell = sheet.cell(row=1, column=index, value=f"*{column.zh}" if column.required else column.zh)
        cell.font = required_font if column.required else bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
        comment = Comment(str(column.note) if column.note else _("Optional."), _("Union portal"))
        comment.width, comment.height = 260, 90
        cell.comment = comment
        sheet.column_dimensions[letter].width = 16 if column.key != "union" else 30
    sheet.freeze_panes = "A2"
    for key, number_format in formats.items():
        for row in range(2, FORMATTED_ROWS + 2):
            sheet[f"{letters[key]}{row}"].number_format = number_format
    if choices:
        lists = workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        for index, (key, offered) in enumerate(choices.items(), start=1):
            letter = get_column_letter(index)
            lists.cell(row=1, column=index, value=key)
            for row, label in enumerate(offered, start=2):
                lists.cell(row=row, column=index, value=label)
            validation = DataValidation(
                type="list",
                formula1=f"={quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(offered) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Not in the list"),
                error=_("Choose a value from the drop-down list."),
            )
            validation.add(f"{letters[key]}2:{letters[key]}{LAST_ROW}")
            sheet.add_data_validation(validation)
    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 110
    for row, line in enumerate(help_lines, start=1):
        cell = help_sheet.cell(row=row, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = Font(bold=True, size=13)
    workbook.active = 0
    workbook.save(out)
