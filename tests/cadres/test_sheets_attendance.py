"""Attendance sheets: the dry run's counts and row errors, the import (all or nothing, valid rows
only), the same sheet twice, days already recorded, refused files, and the pages."""

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import Attendance, AttendanceSheet, Enrolment, TrainingClass
from cadres.services import sheets as service
from tests.members.rosters import csv_bytes, upload, xlsx_bytes
from tests.members.test_roster_files import rebuilt
from tests.pages import client_for, messages_of, text

from .factories import CadreFactory, TrainingClassFactory

HEADER = ["姓名", "手机号码", "日期", "签到时间", "签退时间"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
S = AttendanceSheet.Status


@pytest.fixture
def training_class(tree, district_cadre_officer):
    return TrainingClassFactory(
        organiser=tree["d1"],
        created_by=district_cadre_officer,
        starts_on=datetime.date(2026, 9, 14),
        ends_on=datetime.date(2026, 9, 15),
        status=TrainingClass.Status.OPEN,
    )


@pytest.fixture
def enrolled(tree, training_class):
    cadres = [
        CadreFactory(union=tree["s1"], name="张伟", mobile="13600000001"),
        CadreFactory(union=tree["g1"], name="李娜", mobile="13600000002"),
    ]
    return [Enrolment.objects.create(training_class=training_class, cadre=cadre) for cadre in cadres]


def check(training_class, by, rows, *, header=HEADER, name="签到表.xlsx", content=None):
    content = content if content is not None else xlsx_bytes(rows, header)
    return service.attendance_sheet_check(training_class=training_class, upload=upload(content, name), by=by)


def days(enrolment) -> list[tuple]:
    return [
        (
            a.on_date,
            a.signed_in_at.astimezone(SHANGHAI).strftime("%H:%M"),
            a.signed_out_at and a.signed_out_at.astimezone(SHANGHAI).strftime("%H:%M"),
            a.source,
        )
        for a in Attendance.objects.filter(enrolment=enrolment).order_by("on_date")
    ]


def test_a_clean_sheet_is_checked_then_imported_as_each_cadres_days(training_class, enrolled, district_cadre_officer):
    rows = [
        ["张伟", "13600000001", "2026-09-14", "08:30", "17:30"],
        ["张伟", "13600000001", datetime.date(2026, 9, 15), datetime.time(8, 25), datetime.time(17, 0)],
        ["李娜", "136 0000 0002", "2026/9/14", "8点30分", ""],
    ]

    sheet = check(training_class, district_cadre_officer, rows)

    assert (sheet.status, sheet.rows_total, sheet.error_count, sheet.errors) == (S.CHECKED, 3, 0, [])
    assert not Attendance.objects.exists()  # the dry run writes nothing

    sheet = service.attendance_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_cadre_officer)

    assert (sheet.status, sheet.imported_count) == (S.IMPORTED, 3)
    assert days(enrolled[0]) == [
        (datetime.date(2026, 9, 14), "08:30", "17:30", "sheet"),
        (datetime.date(2026, 9, 15), "08:25", "17:00", "sheet"),
    ]
    assert days(enrolled[1]) == [(datetime.date(2026, 9, 14), "08:30", None, "sheet")]
    event = AuditEvent.objects.get(action=kinds.ATTENDANCE_IMPORTED)
    assert event.detail["imported"] == 3 and event.union_id == training_class.organiser_id


def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_written(
    tree, training_class, enrolled, district_cadre_officer
):
    CadreFactory(union=tree["s1"], name="王强", mobile="13600000009")  # in scope, not enrolled
    CadreFactory(union=tree["s2"], name="外区", mobile="13600000008")  # outside the officer's scope
    rows = [
        ["张伟", "13600000001", "2026-09-14", "08:30", "17:30"],  # row 2: fine
        ["王强", "13600000009", "2026-09-14", "08:30", "17:30"],  # 3: not enrolled
        ["赵六", "13900000000", "2026-09-14", "08:30", "17:30"],  # 4: nobody
        ["外区", "13600000008", "2026-09-14", "08:30", "17:30"],  # 5: outside scope: says only "nobody of yours"
        ["李娜", "13600000002", "2026-09-20", "08:30", "17:30"],  # 6: not a day of the class
        ["李娜", "13600000002", "2026-09-14", "17:30", "08:30"],  # 7: out before in
        ["李娜", "13600000002", "2026-09-15", "25:00", ""],  # 8: bad time
        ["王芳", "13600000002", "2026-09-15", "08:00", ""],  # 9: name does not match
        ["张伟", "13600000001", "2026-09-14", "09:00", ""],  # 10: the same cadre and day as row 2
    ]

    sheet = check(training_class, district_cadre_officer, rows)

    errors = {entry["row"]: entry["message"] for entry in sheet.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert errors[3] == "The cadre with this mobile number is not enrolled in this class."
    assert errors[4] == "No cadre of yours has the mobile number 13900000000."
    assert errors[5] == "No cadre of yours has the mobile number 13600000008."
    assert errors[6] == "2026-09-20 is not a day of the class (2026-09-14 to 2026-09-15)."
    assert errors[7] == "The sign-out time 08:30 is not after the sign-in time 17:30."
    assert errors[8] == "Signed in “25:00” is not a time; write it as 08:30."
    assert errors[9] == "The name “王芳” does not match the cadre with this mobile number."
    assert errors[10] == "The same cadre and day are already on row 2."

    with pytest.raises(ValidationError) as refused:
        service.attendance_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_cadre_officer)
    assert "Nothing was written: the sheet has 8 rows with errors" in refused.value.messages[0]
    assert not Attendance.objects.exists()
    sheet.refresh_from_db()
    assert sheet.status == S.CHECKED  # the officer may still import the valid rows


def test_valid_rows_only_imports_them_and_keeps_the_others_listed(training_class, enrolled, district_cadre_officer):
    rows = [
        ["张伟", "13600000001", "2026-09-14", "08:30", "17:30"],
        ["李娜", "13600000002", "2026-09-30", "08:30", "17:30"],
    ]
    sheet = check(training_class, district_cadre_officer, rows)

    sheet = service.attendance_sheet_import(sheet=sheet, mode="valid_only", by=district_cadre_officer)

    assert (sheet.status, sheet.imported_count, sheet.error_count) == (S.IMPORTED, 1, 1)
    assert [e["row"] for e in sheet.errors] == [3]
    assert Attendance.objects.count() == 1 and days(enrolled[1]) == []


def test_the_same_sheet_twice_is_refused_and_nothing_is_counted_twice(training_class, enrolled, district_cadre_officer):
    content = xlsx_bytes([["张伟", "13600000001", "2026-09-14", "08:30", "17:30"]], HEADER)
    first = check(training_class, district_cadre_officer, [], content=content)
    service.attendance_sheet_import(sheet=first, mode="all_or_nothing", by=district_cadre_officer)

    with pytest.raises(ValidationError) as refused:
        check(training_class, district_cadre_officer, [], content=content, name="另一个名字.xlsx")

    assert refused.value.messages[0].startswith("This sheet was imported on ")
    assert "nothing was counted again" in refused.value.messages[0]
    assert Attendance.objects.count() == 1
    assert AttendanceSheet.objects.count() == 1


def test_two_checks_of_one_file_import_once(training_class, enrolled, district_cadre_officer):
    content = xlsx_bytes([["张伟", "13600000001", "2026-09-14", "08:30", "17:30"]], HEADER)
    first = check(training_class, district_cadre_officer, [], content=content)
    second = check(training_class, district_cadre_officer, [], content=content)
    service.attendance_sheet_import(sheet=first, mode="all_or_nothing", by=district_cadre_officer)

    with pytest.raises(ValidationError, match="This sheet was imported on"):
        service.attendance_sheet_import(sheet=second, mode="all_or_nothing", by=district_cadre_officer)
    assert Attendance.objects.count() == 1


def test_a_day_already_recorded_is_updated_not_doubled(training_class, enrolled, district_cadre_officer):
    # given a day the officer recorded, with a sign-out
    signed_out = datetime.datetime(2026, 9, 14, 17, 45, tzinfo=SHANGHAI)
    Attendance.objects.create(
        enrolment=enrolled[0],
        on_date=datetime.date(2026, 9, 14),
        signed_in_at=datetime.datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI),
        signed_out_at=signed_out,
        source=Attendance.Source.OFFICER,
    )
    # when a sheet gives the same day a sign-in and no sign-out
    sheet = check(training_class, district_cadre_officer, [["张伟", "13600000001", "2026-09-14", "08:30", ""]])
    service.attendance_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_cadre_officer)

    # then the day is one row: the sheet's sign-in, the sign-out kept
    assert days(enrolled[0]) == [(datetime.date(2026, 9, 14), "08:30", "17:45", "sheet")]


def test_a_finished_class_takes_no_sheet(training_class, enrolled, district_cadre_officer):
    sheet = check(training_class, district_cadre_officer, [["张伟", "13600000001", "2026-09-14", "08:30", "17:30"]])
    TrainingClass.objects.filter(pk=training_class.pk).update(status=TrainingClass.Status.FINISHED)
    training_class.refresh_from_db()

    with pytest.raises(ValidationError, match="The class is finished"):
        service.attendance_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_cadre_officer)
    with pytest.raises(ValidationError, match="The class is finished"):
        check(training_class, district_cadre_officer, [["张伟", "13600000001", "2026-09-14", "08:30", "17:30"]])
    assert not Attendance.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(training_class, enrolled, district_cadre_officer):
    good = xlsx_bytes([["张伟", "13600000001", "2026-09-14", "08:30", "17:30"]], HEADER)
    bomb = rebuilt(good, add={"xl/media/image1.bin": bytes(50 * 1024 * 1024)})
    assert len(bomb) < 200_000

    with pytest.raises(ValidationError) as refused:
        check(training_class, district_cadre_officer, [], content=bomb)

    assert refused.value.messages == [
        "The file unpacks to far more data than a roster of its size holds, so it was not opened."
    ]
    assert not AttendanceSheet.objects.exists()


def test_a_file_without_the_required_columns_is_refused_with_their_names(training_class, district_cadre_officer):
    with pytest.raises(ValidationError) as refused:
        check(training_class, district_cadre_officer, [["张伟", "2026-09-14"]], header=["姓名", "日期"])

    assert refused.value.messages == [
        "The first row must name the columns; these required columns were not found: "
        "手机号码 (Mobile), 签到时间 (Signed in)."
    ]


def test_a_gbk_csv_with_english_headers_and_a_title_row_is_read(training_class, enrolled, district_cadre_officer):
    content = csv_bytes(
        [["Name", "Mobile", "Date", "Sign in", "Sign out"], ["张伟", "13600000001", "2026-09-14", "08:30", "17:30"]],
        header=["2026年工会干部培训班签到表", "", "", "", ""],
        encoding="gbk",
    )

    sheet = check(training_class, district_cadre_officer, [], content=content, name="签到.csv")

    assert (sheet.rows_total, sheet.error_count) == (1, 0)


@pytest.mark.postgres
def test_ten_thousand_rows_import_in_seconds(tree, district_cadre_officer):
    # given a class of 2,000 cadres over five days: 10,000 rows
    training_class = TrainingClassFactory(
        organiser=tree["d1"],
        created_by=district_cadre_officer,
        starts_on=datetime.date(2026, 9, 14),
        ends_on=datetime.date(2026, 9, 18),
        credit_hours=40,
    )
    from cadres.models import Cadre

    Cadre.objects.bulk_create(
        CadreFactory.build(union=tree["s1"], mobile=f"135{n:08d}", name=f"干部{n}") for n in range(2000)
    )
    Enrolment.objects.bulk_create(
        Enrolment(training_class=training_class, cadre=cadre) for cadre in Cadre.objects.all()
    )
    rows = [
        [f"干部{n}", f"135{n:08d}", datetime.date(2026, 9, 14 + day), "08:30", "17:30"]
        for n in range(2000)
        for day in range(5)
    ]
    content = xlsx_bytes(rows, HEADER)

    started = time.perf_counter()
    sheet = check(training_class, district_cadre_officer, [], content=content)
    sheet = service.attendance_sheet_import(sheet=sheet, mode="all_or_nothing", by=district_cadre_officer)
    elapsed = time.perf_counter() - started

    assert (sheet.rows_total, sheet.error_count, sheet.imported_count) == (10_000, 0, 10_000)
    assert Attendance.objects.count() == 10_000
    assert elapsed < 10, f"{elapsed:.1f} s"


# --- the pages ------------------------------------------------------------------------------------
def test_upload_check_and_confirm_through_the_pages(training_class, enrolled, district_cadre_officer):
    client = client_for(district_cadre_officer, csrf=True)
    client.get(reverse("cadres:attendance_sheet_upload", args=[training_class.pk]))
    token = client.cookies["csrftoken"].value
    content = xlsx_bytes(
        [["张伟", "13600000001", "2026-09-14", "08:30", "17:30"], ["李娜", "13600000002", "2026-10-01", "08:30", ""]],
        HEADER,
    )

    response = client.post(
        reverse("cadres:attendance_sheet_upload", args=[training_class.pk]),
        {"file": upload(content), "csrfmiddlewaretoken": token},
    )

    sheet = AttendanceSheet.objects.get()
    list_url = reverse("cadres:attendance_sheet_list", args=[training_class.pk])
    assert response.status_code == 302 and response["Location"] == f"{list_url}?sheet={sheet.pk}"
    page = client.get(response["Location"])
    assert "2026-10-01 is not a day of the class" in text(page)
    assert "Nothing has been written yet" in text(page)

    confirmed = client.post(
        list_url,
        {"sheet": sheet.pk, "action": "import", "mode": "valid_only", "csrfmiddlewaretoken": token},
        follow=True,
    )
    assert "Attendance imported: 1 days recorded." in " ".join(messages_of(confirmed))
    assert Attendance.objects.count() == 1


def test_the_pages_speak_chinese_to_a_chinese_user(training_class, enrolled, district_cadre_officer):
    client = client_for(district_cadre_officer, english=False)
    content = xlsx_bytes([["李娜", "13600000002", "2026-10-01", "08:30", ""]], HEADER)

    response = client.post(
        reverse("cadres:attendance_sheet_upload", args=[training_class.pk]), {"file": upload(content)}, follow=True
    )

    assert "2026-10-01 不是本期培训班的日期" in text(response)


def test_a_class_outside_scope_answers_404(tree, enrolled, training_class):
    from tests.factories import staff
    from unions.models import Role

    other = staff(Role.Kind.CADRE_OFFICER, tree["d2"])
    client = client_for(other)

    for name in ("cadres:attendance_sheet_list", "cadres:attendance_sheet_upload"):
        assert client.get(reverse(name, args=[training_class.pk])).status_code == 404


def test_the_blank_sheet_reads_back_as_an_attendance_sheet(training_class, district_cadre_officer, tmp_path):
    from cadres.sheets.columns import ATTENDANCE_COLUMNS
    from cadres.sheets.reading import open_sheet

    response = client_for(district_cadre_officer).get(reverse("cadres:attendance_sheet_template"))
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))

    sheet = open_sheet(path, ATTENDANCE_COLUMNS, max_rows=10)

    assert sorted(sheet.headers.positions) == ["date", "mobile", "name", "signed_in", "signed_out"]


def test_the_sheet_list_costs_the_same_queries_whatever_the_sheets(
    training_class, enrolled, district_cadre_officer, django_assert_max_num_queries
):
    client = client_for(district_cadre_officer)
    url = reverse("cadres:attendance_sheet_list", args=[training_class.pk])
    for n in range(12):
        check(training_class, district_cadre_officer, [["张伟", "13600000001", "2026-09-14", f"08:{n:02d}", ""]])

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200 and text(response).count("签到表.xlsx") >= 12
