"""Cadre profile imports: the dry run's counts and row errors, confirming (all or nothing, valid
rows only), blank cells that erase nothing, the error file, scope, refused files, and the pages."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import Cadre, CadreImport
from cadres.services import sheets as service
from tests.members.rosters import upload, xlsx_bytes
from tests.members.test_roster_files import rebuilt
from tests.pages import client_for, text

from .factories import CadreFactory

HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "手机号码",
    "任职单位",
    "职务",
    "职级",
    "用工形式",
    "政治面貌",
    "学历",
    "任现职时间",
    "状态",
]
S = CadreImport.Status


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def person(name, mobile, union="", **changes):
    cells = {
        "sex": "女",
        "birth": "1988-04-02",
        "post": "组织部干事",
        "rank": "科员",
        "employment": "专职",
        "political": "中共党员",
        "education": "本科",
        "since": "2021-07-01",
        "status": "",
    }
    cells.update(changes)
    return [
        name,
        cells["sex"],
        cells["birth"],
        mobile,
        union,
        cells["post"],
        cells["rank"],
        cells["employment"],
        cells["political"],
        cells["education"],
        cells["since"],
        cells["status"],
    ]


def check(by, union, rows, *, header=HEADER, content=None):
    content = content if content is not None else xlsx_bytes(rows, header)
    return service.cadre_import_check(union=union, upload=upload(content, "干部.xlsx"), by=by)


def state():
    return sorted(Cadre.objects.values_list("pk", "name", "mobile", "union_id", "post", "rank", "status", "updated_at"))


def test_the_dry_run_counts_new_updated_unchanged_and_errors_and_writes_nothing(tree, district_cadre_officer):
    CadreFactory(union=tree["s1"], name="老张", mobile="13600000001", post="组织部干事", rank="staff")
    same = CadreFactory(union=tree["d1"], name="老李", mobile="13600000002", sex="F")
    before = state()
    rows = [
        person("老张", "13600000001", post="组织部部长", rank="乡科级"),  # updated
        [same.name, "", "", same.mobile, "", "", "", "", "", "", "", ""],  # unchanged: blank cells
        person("小王", "13600000003", union="东城机械厂工会"),  # new, at g1
        person("小赵", "136000000", sex=""),  # bad mobile
        ["小钱", "", "", "13600000005", "", "", "", "", "", "", "", ""],  # new but incomplete
    ]

    record = check(district_cadre_officer, tree["d1"], rows)

    assert (record.status, record.rows_total, record.new_count, record.updated_count, record.error_count) == (
        S.CHECKED,
        5,
        1,
        1,
        2,
    )
    errors = {entry["row"]: entry["message"] for entry in record.errors}
    assert errors[5] == "“136000000” is not a mainland mobile number (11 digits starting with 1)."
    assert errors[6].startswith("A new cadre needs: Sex、Birth date、Post、Rank")
    assert state() == before


def test_confirming_valid_rows_creates_and_updates_and_is_audited(tree, district_cadre_officer):
    old = CadreFactory(union=tree["s1"], name="老张", mobile="13600000001", rank="staff", education="college")
    record = check(
        district_cadre_officer,
        tree["d1"],
        [
            person("老张", "13600000001", post="组织部部长", rank="乡科级", education="", status="退休"),
            person("小王", "13600000003", union="东城机械厂工会", birth=datetime.date(1995, 1, 2)),
            person("小赵", "13600000004", rank="大官"),
        ],
    )

    record = service.cadre_import_confirm(record=record, mode="valid_only", by=district_cadre_officer)

    assert (record.status, record.new_count, record.updated_count, record.error_count) == (S.DONE, 1, 1, 1)
    old.refresh_from_db()
    assert (old.post, old.rank, old.education, old.status) == ("组织部部长", "township_section", "college", "retired")
    assert old.status_changed_on is not None
    new = Cadre.objects.get(mobile="13600000003")
    assert (new.union, new.sex, new.birth_date, new.rank, new.employment, new.political_status) == (
        tree["g1"],
        "F",
        datetime.date(1995, 1, 2),
        "staff",
        "full_time",
        "cpc_member",
    )
    assert new.status == "in_post"
    assert not Cadre.objects.filter(mobile="13600000004").exists()
    event = AuditEvent.objects.get(action=kinds.CADRES_IMPORTED)
    assert event.detail == {"mode": "valid_only", "rows": 3, "new": 1, "updated": 1, "errors": 1}


def test_all_or_nothing_with_an_error_writes_nothing(tree, district_cadre_officer):
    CadreFactory(union=tree["s1"], name="老张", mobile="13600000001")
    before = state()
    record = check(
        district_cadre_officer,
        tree["d1"],
        [person("老张", "13600000001", post="新职务"), person("小赵", "13600000004", birth="2019-01-01")],
    )

    record = service.cadre_import_confirm(record=record, mode="all_or_nothing", by=district_cadre_officer)

    assert record.status == S.NOTHING_WRITTEN
    assert state() == before
    assert [e["row"] for e in record.errors] == [3]
    assert "makes the cadre 7 years old" in record.errors[0]["message"]


def test_the_error_file_holds_the_bad_rows_as_uploaded_with_an_error_column(tree, district_cadre_officer):
    record = check(
        district_cadre_officer,
        tree["d1"],
        [
            person("小王", "13600000003"),
            person('=HYPERLINK("x")', "13600000004"),
            person("小赵", "13600000005", union="西城食品公司工会"),
        ],
    )
    client = client_for(district_cadre_officer)

    response = client.get(reverse("cadres:import_errors", args=[record.pk]))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][-1] in ("错误说明", "Errors") and rows[0][:12] == HEADER
    assert [row[3] for row in rows[1:]] == ["13600000004", "13600000005"]
    assert sheet.cell(row=2, column=1).data_type == "s"  # the formula is text
    assert "No node “西城食品公司工会” under 东城区总工会" in rows[2][-1]
    assert AuditEvent.objects.filter(action=kinds.CADRES_EXPORTED, target_id=str(record.pk)).exists()


def test_a_district_officers_file_changes_nothing_outside_its_subtree(tree, district_cadre_officer):
    outsider = CadreFactory(union=tree["s2"], name="王芳", mobile="13600000009", post="原职务")
    before = state()
    record = check(
        district_cadre_officer,
        tree["d1"],
        [
            person("王芳", "13600000009", post="被改的职务"),  # a cadre of district 2
            person("小赵", "13600000005", union="西城食品公司工会"),  # a node of district 2
            person("小孙", "13600000006", union="测试市总工会"),  # the city, above the district
        ],
    )
    record = service.cadre_import_confirm(record=record, mode="valid_only", by=district_cadre_officer)

    assert (record.new_count, record.updated_count, record.error_count) == (0, 0, 3)
    messages = [e["message"] for e in record.errors]
    assert (
        messages[0] == "This mobile number belongs to a cadre you do not manage: the cadre cannot be changed from here."
    )
    assert messages[1].startswith("No node “西城食品公司工会”")
    assert messages[2].startswith("No node “测试市总工会”")
    outsider.refresh_from_db()
    assert outsider.post == "原职务" and state() == before


def test_importing_into_a_node_outside_scope_is_refused(tree, district_cadre_officer):
    with pytest.raises(PermissionDenied):
        check(district_cadre_officer, tree["d2"], [person("小王", "13600000003")])
    assert not CadreImport.objects.exists()


def test_a_zip_bomb_is_refused_and_its_file_not_kept(tree, district_cadre_officer, settings):
    bomb = rebuilt(xlsx_bytes([person("小王", "13600000003")], HEADER), add={"xl/media/x.bin": bytes(50 * 1024 * 1024)})

    record = check(district_cadre_officer, tree["d1"], [], content=bomb)

    assert record.status == S.REFUSED and not record.file
    assert record.problem == "The file unpacks to far more data than a roster of its size holds, so it was not opened."


def test_the_pages_check_confirm_and_answer_404_outside_scope(tree, district_cadre_officer):
    client = client_for(district_cadre_officer, csrf=True)
    page = client.get(reverse("cadres:import_create"))
    assert page.status_code == 200
    token = client.cookies["csrftoken"].value
    content = xlsx_bytes([person("小王", "13600000003"), person("小赵", "1")], HEADER)

    response = client.post(
        reverse("cadres:import_create"),
        {"union": tree["d1"].pk, "file": upload(content, "干部.xlsx"), "csrfmiddlewaretoken": token},
    )
    record = CadreImport.objects.get()
    assert response["Location"] == reverse("cadres:import_detail", args=[record.pk])
    detail = client.get(response["Location"])
    assert "Nothing has been written yet" in text(detail) and "Download the error file" in text(detail)

    client.post(response["Location"], {"action": "confirm", "mode": "valid_only", "csrfmiddlewaretoken": token})
    record.refresh_from_db()
    assert record.status == S.DONE and Cadre.objects.filter(mobile="13600000003").exists()

    from tests.factories import staff
    from unions.models import Role

    other = client_for(staff(Role.Kind.CADRE_OFFICER, tree["d2"]))
    assert other.get(reverse("cadres:import_detail", args=[record.pk])).status_code == 404
    assert other.get(reverse("cadres:import_errors", args=[record.pk])).status_code == 404


def test_the_import_template_reads_back_with_every_column(district_cadre_officer, tmp_path):
    from cadres.sheets.columns import PROFILE_COLUMNS
    from cadres.sheets.reading import open_sheet

    response = client_for(district_cadre_officer).get(reverse("cadres:import_template"))
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))

    sheet = open_sheet(path, PROFILE_COLUMNS, max_rows=10)

    assert len(sheet.headers.positions) == len(PROFILE_COLUMNS) and not sheet.headers.ignored


def test_files_past_retention_are_deleted_and_the_records_kept(tree, district_cadre_officer, settings):
    from django.utils import timezone

    record = check(district_cadre_officer, tree["d1"], [person("小王", "13600000003"), person("小赵", "1")])
    assert record.file and record.error_file
    later = timezone.now() + datetime.timedelta(days=settings.ROSTER_FILE_RETENTION_DAYS + 1)

    assert service.sheet_files_purge(now=later) == {"exports": 0, "imports": 1}

    record.refresh_from_db()
    assert not record.file and not record.error_file and record.error_count == 1


def test_a_csv_in_gb18030_is_checked_and_its_error_file_is_csv(tree, district_cadre_officer):
    from tests.members.rosters import csv_bytes

    content = csv_bytes([person("小王", "13600000003"), person("小赵", "1")], HEADER, encoding="gb18030")
    record = check(district_cadre_officer, tree["d1"], [], content=content)

    assert (record.new_count, record.error_count) == (1, 1)
    assert record.error_file.name.endswith(".csv")
    with record.error_file.open("rb") as handle:
        text_content = handle.read().decode("gb18030")
    assert "小赵" in text_content and "小王" not in text_content


def test_a_row_whose_name_differs_from_the_cadre_with_its_mobile_renames_nobody(tree, district_cadre_officer):
    cadre = CadreFactory(union=tree["s1"], name="张伟", mobile="13600000001", post="原职务")

    record = check(district_cadre_officer, tree["d1"], [person("李四", "13600000001", post="新职务")])

    assert record.error_count == 1 and record.updated_count == 0
    assert record.errors[0]["message"] == (
        "This mobile number is recorded for 张伟: check the number, or change the name on the cadre's page."
    )
    cadre.refresh_from_db()
    assert (cadre.name, cadre.post) == ("张伟", "原职务")


def test_the_import_page_speaks_chinese_and_its_queries_stay_few(
    tree, district_cadre_officer, django_assert_max_num_queries
):
    rows = [person("小王", "13600000003")] + [person(f"错{n}", "1") for n in range(60)]
    record = check(district_cadre_officer, tree["d1"], rows)
    client = client_for(district_cadre_officer, english=False)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("cadres:import_detail", args=[record.pk]))

    page = text(response)
    assert "文件已检查完毕，尚未写入任何数据" in page and "下载错误文件" in page
    # the row errors are kept in the language of whoever uploaded (English here), fifty to a page
    assert page.count("is not a mainland mobile number") == 50
