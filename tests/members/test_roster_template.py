"""The blank roster template: its headers, notes, formats and drop-down lists, and that a template
filled in the way a clerk would fill it imports cleanly."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, RosterImport
from members.roster import cleaning, importing, template
from members.roster.columns import COLUMNS, map_headers
from members.roster.files import open_roster
from tests.pages import client_for
from unions.models import Role

from ..factories import id_number, staff

R = Role.Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def built():
    out = io.BytesIO()
    template.build(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def column_of(sheet, key: str) -> str:
    for cell in sheet[1]:
        if map_headers([cell.value]).positions.get(key) == 0:
            return cell.column_letter
    raise AssertionError(f"no column for {key}")


def test_template_has_the_chinese_headers_with_notes_and_required_marks():
    workbook = built()
    sheet = workbook.worksheets[0]

    assert workbook.sheetnames == ["会员花名册", "选项", "填写说明"]
    assert workbook.active.title == "会员花名册"
    headers = [cell.value for cell in sheet[1]]
    assert [header.lstrip("*") for header in headers] == [column.zh for column in COLUMNS]
    for cell, column in zip(sheet[1], COLUMNS, strict=True):
        assert cell.font.b
        assert cell.comment is not None and cell.comment.text.strip()
        assert cell.value.startswith("*") == column.required
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions[column_of(sheet, "id_number")].width >= 20


def test_id_and_mobile_columns_are_text_and_the_join_date_a_date():
    sheet = built().worksheets[0]

    for key in ("id_number", "mobile"):
        letter = column_of(sheet, key)
        assert {sheet[f"{letter}{row}"].number_format for row in (2, 500, template.FORMATTED_ROWS + 1)} == {"@"}
    assert sheet[f"{column_of(sheet, 'joined_on')}2"].number_format == "yyyy-mm-dd"
    assert sheet[f"{column_of(sheet, 'name')}2"].number_format == "General"


def test_choice_columns_have_drop_down_lists_on_the_hidden_sheet():
    workbook = built()
    sheet, lists = workbook["会员花名册"], workbook["选项"]
    assert lists.sheet_state == "hidden"
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}

    expected = {
        "sex": cleaning.choice_labels("sex"),
        "political_status": cleaning.choice_labels("political_status"),
        "education": cleaning.choice_labels("education"),
        "employment_type": cleaning.choice_labels("employment_type"),
        "is_migrant_worker": ("是", "否"),
        "is_in_hardship": ("是", "否"),
    }
    assert len(validations) == len(expected)
    for key, labels in expected.items():
        validation = validations[f"{column_of(sheet, key)}2"]
        assert validation.type == "list"
        assert validation.showErrorMessage
        # a range on the hidden sheet, never an inline list (Excel limits those to 255 characters)
        reference = validation.formula1
        assert reference.startswith("='选项'!$") and '"' not in reference
        cells = lists[reference.split("!", 1)[1].replace("$", "")]
        assert tuple(row[0].value for row in cells) == tuple(labels)


def test_every_label_offered_in_a_list_is_one_the_import_reads():
    for field in ("sex", "political_status", "education", "employment_type"):
        for label in cleaning.choice_labels(field):
            assert cleaning.choice_of(label, field, field)
    assert cleaning.yes_no_of("是", "") is True and cleaning.yes_no_of("否", "") is False


def test_instructions_sheet_explains_how_to_fill_in():
    lines = [row[0] for row in built()["填写说明"].iter_rows(values_only=True) if row[0]]

    assert len(lines) >= 5


def test_the_template_filled_in_imports_cleanly(tree, tmp_path):
    # given the template filled in as a clerk would: text IDs, labels from the drop-downs, a real date
    workbook = built()
    sheet = workbook["会员花名册"]
    keys = [column.key for column in COLUMNS]
    people = [
        {
            "name": "张三",
            "id_number": id_number(),
            "mobile": "13800138000",
            "political_status": cleaning.choice_labels("political_status")[0],
            "education": cleaning.choice_labels("education")[3],
            "employment_type": cleaning.choice_labels("employment_type")[2],
            "is_migrant_worker": "是",
            "is_in_hardship": "否",
            "joined_on": "2023-05-01",
            "union": tree["g1"].name,
        },
        {"name": "李四", "id_number": id_number(), "mobile": "13900139000", "ethnicity": "回族"},
    ]
    for row, person in enumerate(people, start=2):
        for column, key in enumerate(keys, start=1):
            if key in person:
                sheet.cell(row=row, column=column, value=person[key])
    path = tmp_path / "花名册.xlsx"
    workbook.save(path)

    # when it is read and checked as an import into the union
    roster = open_roster(path)
    headers = map_headers(roster.header)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = RosterImport(union=tree["g1"], created_by=clerk, original_name=path.name)
    record.file.save("upload", ContentFile(path.read_bytes()), save=False)
    record.save()
    importing.dry_run(record)

    # then every column is recognised and both rows are new members without errors
    assert set(headers.positions) == set(keys)
    assert headers.ignored == [] and headers.missing == [] and headers.duplicated == []
    record.refresh_from_db()
    assert list(record.rows.values_list("row_number", "message")) == []
    assert (record.rows_total, record.new_count, record.error_count) == (2, 2, 0)
    assert record.notices == []
    assert not Member.objects.exists()  # a dry run writes nothing


def test_member_staff_download_the_template(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])

    response = client_for(clerk).get(reverse("members:roster_template"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "会员花名册"


def test_the_template_is_for_member_staff_only(tree):
    url = reverse("members:roster_template")

    assert client_for(None).get(url).status_code == 302
    assert client_for(staff(R.LEADER, tree["d1"])).get(url).status_code == 403
