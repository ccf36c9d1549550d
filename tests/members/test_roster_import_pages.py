"""The clerk's roster import pages: upload → dry run → summary with only the errors → error file →
confirm → result; and the history, progress, cancel, scope and refused uploads.

The passes are jobs queued on commit. Django's test transaction never commits, so each step that
queues one runs inside ``django_capture_on_commit_callbacks(execute=True)`` with Celery eager: the
job then runs for real, in this process, when the step's block ends.
"""

import io
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members import kinds as members_kinds
from members.models import Member, MemberCard, MemberEvent, RosterImport, RosterImportRow
from members.roster import importing
from members.services import roster as roster_service
from tests.pages import client_for, messages_of, text
from unions.models import Role, Union

from ..factories import id_number as new_id_number
from ..factories import make_child, staff
from .rosters import csv_bytes, row, upload, xlsx_bytes

R = Role.Kind
S = RosterImport.Status
Mode = RosterImport.Mode
FULL_ID = re.compile(r"\d{17}[\dX]")
BROKEN_ID = 1.10105e17  # what Excel keeps of an 18-digit ID typed into a number cell
GOOD = ["赵一", "钱二", "孙三", "李四", "周五"]


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _eager_jobs():
    """Jobs run in the test's process, also when REDIS_URL points Celery at a real broker (CI)."""
    from unionportal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def roster_with_two_bad_rows() -> tuple[bytes, list[str]]:
    """Five good rows, an ID broken by Excel (row 7) and a duplicate of row 2's ID (row 8)."""
    numbers = [new_id_number() for _ in GOOD]
    rows = [row(name, number, f"1390000000{i}") for i, (name, number) in enumerate(zip(GOOD, numbers, strict=True))]
    rows.append(row("吴六", BROKEN_ID, "13900000005"))
    rows.append(row("郑七", numbers[0], "13900000006"))
    return xlsx_bytes(rows), numbers


def post_upload(client, union: Union, content: bytes, name: str = "花名册.xlsx", capture=None):
    url = reverse("members:roster_import_new")
    data = {"union": union.pk, "file": upload(content, name)}
    if capture is None:
        return client.post(url, data)
    with capture(execute=True):
        return client.post(url, data)


def confirm(client, record: RosterImport, mode: str, capture):
    with capture(execute=True):
        return client.post(reverse("members:roster_import_confirm", args=[record.pk]), {"mode": mode})


def detail(client, record: RosterImport, **query):
    return client.get(reverse("members:roster_import_detail", args=[record.pk]), query)


def members_of(union: Union) -> list[str]:
    return sorted(Member.objects.filter(union=union).values_list("name", flat=True))


def state() -> list:
    return [
        sorted(Member.objects.values_list("pk", "name", "union", "status")),
        MemberCard.objects.count(),
        MemberEvent.objects.count(),
    ]


def checked_import(client, union: Union, capture, content: bytes | None = None) -> RosterImport:
    content = content or roster_with_two_bad_rows()[0]
    response = post_upload(client, union, content, capture=capture)
    assert response.status_code == 302, text(response)
    return RosterImport.objects.latest("pk")


# --- the whole flow --------------------------------------------------------------------------------


def test_clerk_uploads_sees_only_errors_downloads_error_file_and_imports_valid_rows(
    tree, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    content, numbers = roster_with_two_bad_rows()

    # when the clerk uploads the roster
    response = post_upload(client, tree["g1"], content, capture=django_capture_on_commit_callbacks)

    # then the dry run has checked it and nothing is written
    record = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:roster_import_detail", args=[record.pk])
    assert record.status == S.CHECKED
    assert (record.rows_total, record.new_count, record.error_count, record.transfer_count) == (7, 5, 2, 0)
    assert record.created_by == clerk and record.union == tree["g1"] and record.original_name == "花名册.xlsx"
    assert Member.objects.count() == 0

    # the summary shows the counts and lists only the two bad rows, with their messages
    page = detail(client, record)
    assert page.status_code == 200
    assert page.context["show"] == "errors"
    listed = page.context["rows"]
    assert [(r.row_number, r.name) for r in listed] == [(7, "吴六"), (8, "郑七")]
    body = text(page)
    assert "lost its last digits" in body
    assert "The same ID number is already on row 2." in body
    for name in GOOD:
        assert name not in body
    assert not FULL_ID.search(body)
    assert page.context["confirm_form"]["mode"].initial == Mode.VALID_ONLY
    assert reverse("members:roster_import_errors", args=[record.pk]) in body

    # the error file holds the two bad rows as they were, plus the error column, and is named after the upload
    download = client.get(reverse("members:roster_import_errors", args=[record.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "花名册-错误.xlsx" in unquote(download["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0][-1] == "Errors"
    assert [r[0] for r in cells[1:]] == ["吴六", "郑七"]
    assert cells[2][2] == numbers[0]  # the ID kept as text, every digit
    assert "The same ID number is already on row 2." in cells[2][-1]

    # when the clerk confirms the valid rows only
    response = confirm(client, record, Mode.VALID_ONLY, django_capture_on_commit_callbacks)

    # then the five good members exist, with cards, and the result lists what was written and left out
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == S.DONE and record.mode == Mode.VALID_ONLY
    assert members_of(tree["g1"]) == sorted(GOOD)
    assert MemberCard.objects.filter(member__union=tree["g1"], revoked_on__isnull=True).count() == 5
    result = detail(client, record)
    assert result.context["show"] == "left_out"
    assert [r.row_number for r in result.context["rows"]] == [7, 8]
    assert "Imported: 5 new members added, 0 members updated." in text(result)
    assert f"{reverse('members:member_list')}?union={tree['g1'].pk}" in text(result)
    written = detail(client, record, show="written")
    assert sorted(r.name for r in written.context["rows"]) == sorted(GOOD)
    member = Member.objects.get(name="赵一")
    assert reverse("members:member_detail", args=[member.pk]) in text(written)

    # and the member list of the union shows them
    listing = client.get(reverse("members:member_list"), {"union": tree["g1"].pk})
    assert sorted(m.name for m in listing.context["page"].rows) == sorted(GOOD)


def test_a_clean_file_offers_all_or_nothing_and_imports_everything(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    content = xlsx_bytes([row("甲", new_id_number(), "13900000001"), row("乙", new_id_number(), "13900000002")])
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks, content)

    page = detail(client, record)
    assert page.context["confirm_form"]["mode"].initial == Mode.ALL_OR_NOTHING
    assert page.context["tabs"] == []
    assert "No errors: every row can be imported." in text(page)
    assert not page.context["has_error_file"]

    confirm(client, record, Mode.ALL_OR_NOTHING, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.status == S.DONE
    assert members_of(tree["g1"]) == ["乙", "甲"]


def test_all_or_nothing_with_errors_writes_nothing_and_says_why(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    before = state()

    confirm(client, record, Mode.ALL_OR_NOTHING, django_capture_on_commit_callbacks)

    record.refresh_from_db()
    assert record.status == S.NOTHING_WRITTEN
    assert state() == before
    page = detail(client, record)
    body = text(page)
    assert "Nothing was written: you chose “all or nothing”, and the file has rows with errors." in body
    assert [r.row_number for r in page.context["rows"]] == [7, 8]
    assert reverse("members:roster_import_errors", args=[record.pk]) in body
    assert "confirm_form" not in page.context


def test_error_file_of_a_gbk_csv_is_a_gbk_csv_and_leaves_no_temporary_file(
    tree, clerk, django_capture_on_commit_callbacks, tmp_path, monkeypatch
):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    client = client_for(clerk)
    content = csv_bytes(
        [row("甲", new_id_number(), "13900000001"), row("乙", "110105", "13900000002")], encoding="gb18030"
    )
    record = post_upload(client, tree["g1"], content, "名单.csv", capture=django_capture_on_commit_callbacks)
    record = RosterImport.objects.get()
    assert record.status == S.CHECKED and record.error_count == 1

    download = client.get(reverse("members:roster_import_errors", args=[record.pk]))

    assert download["Content-Type"].startswith("text/csv")
    assert "名单-错误.csv" in unquote(download["Content-Disposition"])
    lines = b"".join(download.streaming_content).decode("gb18030").splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(",Errors")
    assert lines[1].startswith("乙,")
    download.close()
    assert list(temporary.iterdir()) == []


def download_rows(client, record: RosterImport) -> list[list]:
    download = client.get(reverse("members:roster_import_errors", args=[record.pk]))
    assert download.status_code == 200, download
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_check_makes_the_error_file_and_the_download_only_streams_it(
    tree, clerk, django_capture_on_commit_callbacks, monkeypatch
):
    from members.roster import files

    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)

    # the check has stored the error file, encrypted like the upload
    assert record.error_file
    with open(record.error_file.path, "rb") as stored:
        assert b"PK\x03\x04" not in stored.read()

    def built_in_the_request(*args, **kwargs):
        raise AssertionError("the error file was made in the web request")

    monkeypatch.setattr(files, "open_roster", built_in_the_request)
    monkeypatch.setattr(files, "write_error_file", built_in_the_request)
    cells = download_rows(client, record)

    assert [r[0] for r in cells[1:]] == ["吴六", "郑七"]
    assert cells[0][-1] == "Errors"


def test_error_file_download_is_audited_with_its_own_action_without_personal_data(
    tree, clerk, django_capture_on_commit_callbacks
):
    from accounts.models import AuditEvent

    client = client_for(clerk)
    content, numbers = roster_with_two_bad_rows()
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks, content)

    download_rows(client, record)

    event = AuditEvent.objects.get(action=members_kinds.ROSTER_ERRORS_DOWNLOADED)
    assert (event.actor, event.union_id, event.result) == (clerk, tree["g1"].pk, AuditEvent.Result.SUCCESS)
    assert (event.target_type, event.target_id) == ("members.rosterimport", str(record.pk))
    assert event.detail == {"format": "xlsx", "rows": 2}
    assert not AuditEvent.objects.filter(action=members_kinds.ROSTER_EXPORTED).exists()
    written = " ".join(str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values())
    assert not FULL_ID.search(written) and numbers[0][:14] not in written
    assert "吴六" not in written and "郑七" not in written and "1390000000" not in written


def test_the_import_makes_the_error_file_again_when_it_leaves_out_other_rows(
    tree, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    content, numbers = roster_with_two_bad_rows()
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks, content)
    checked_file = record.error_file.name
    # meanwhile 钱二 (row 3) is imported into another union: the import finds a transfer candidate
    other_clerk = staff(R.UNION_CLERK, tree["g2"])
    other = checked_import(
        client_for(other_clerk), tree["g2"], django_capture_on_commit_callbacks, xlsx_bytes([row("钱二", numbers[1])])
    )
    confirm(client_for(other_clerk), other, Mode.VALID_ONLY, django_capture_on_commit_callbacks)

    confirm(client, record, Mode.VALID_ONLY, django_capture_on_commit_callbacks)

    record.refresh_from_db()
    assert record.status == S.DONE and record.transfer_count == 1
    assert record.error_file and record.error_file.name != checked_file
    assert [r[0] for r in download_rows(client, record)[1:]] == ["钱二", "吴六", "郑七"]


def test_the_error_file_is_deleted_with_the_upload_after_the_retention_time(
    tree, clerk, settings, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    settings.ROSTER_FILE_RETENTION_DAYS = 30
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    stored = Path(record.error_file.path)
    assert stored.exists()
    RosterImport.objects.filter(pk=record.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))

    assert roster_service.imports_purge() == 1

    record.refresh_from_db()
    assert not record.error_file and not record.file and not stored.exists()
    response = client.get(reverse("members:roster_import_errors", args=[record.pk]), follow=True)
    assert response.redirect_chain == [(reverse("members:roster_import_detail", args=[record.pk]), 302)]
    assert messages_of(response) == ["The uploaded file is no longer kept, so the error file cannot be made."]


def test_a_failure_making_the_error_file_leaves_the_check_standing_and_the_page_says_so(
    tree, clerk, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from members.roster import files

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(files, "write_error_file", broken)
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)

    assert record.status == S.CHECKED and record.error_count == 2 and not record.error_file
    # nothing half-made is left behind: the upload is the only file kept
    assert [path.name for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == [
        Path(record.file.name).name
    ]
    response = client.get(reverse("members:roster_import_errors", args=[record.pk]), follow=True)
    assert messages_of(response) == ["The error file is not ready yet. Please try again in a minute."]


def test_an_error_file_the_check_finishes_after_the_clerk_confirmed_is_not_kept(
    tree, clerk, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from members.roster import files

    record = roster_service.import_start(user=clerk, union=tree["g1"], upload=upload(roster_with_two_bad_rows()[0]))
    writing = files.write_error_file

    def confirmed_meanwhile(*args, **kwargs):
        roster_service.import_confirm(record=record, by=clerk, mode=Mode.VALID_ONLY)
        return writing(*args, **kwargs)

    monkeypatch.setattr(files, "write_error_file", confirmed_meanwhile)
    with django_capture_on_commit_callbacks() as queued:
        roster_service.import_check(record.pk)

    # the import, not the late check, decides the error file: the check's is dropped, not left on disk
    record.refresh_from_db()
    assert record.status == S.IMPORTING and not record.error_file
    assert [path.name for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == [
        Path(record.file.name).name
    ]
    monkeypatch.setattr(files, "write_error_file", writing)
    for job in queued:
        job()
    record.refresh_from_db()
    assert record.status == S.DONE and record.error_file


def test_a_missing_error_file_is_made_by_a_job_the_download_queues_once(
    tree, clerk, django_capture_on_commit_callbacks
):
    # given an import checked before error files were kept (or whose file could not be made)
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    record.error_file.delete(save=False)
    RosterImport.objects.filter(pk=record.pk).update(error_file="")
    url = reverse("members:roster_import_errors", args=[record.pk])

    # when the clerk asks for it, twice, before the job has run
    with django_capture_on_commit_callbacks() as first:
        response = client.get(url, follow=True)
    with django_capture_on_commit_callbacks() as second:
        client.get(url)

    # then one job is queued, and the clerk is told to come back
    assert (len(first), len(second)) == (1, 0)
    assert messages_of(response) == ["The error file is not ready yet. Please try again in a minute."]
    first[0]()
    record.refresh_from_db()
    assert record.error_file
    assert [r[0] for r in download_rows(client, record)[1:]] == ["吴六", "郑七"]


def test_an_error_file_that_cannot_be_decrypted_is_refused_with_a_message_not_a_broken_download(
    tree, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    Path(record.error_file.path).write_bytes(b"PK\x03\x04 written by something else")

    response = client.get(reverse("members:roster_import_errors", args=[record.pk]), follow=True)

    assert response.redirect_chain == [(reverse("members:roster_import_detail", args=[record.pk]), 302)]
    assert messages_of(response) == [
        "The error file can no longer be read. Upload the roster again to have it checked anew."
    ]


def test_the_admin_shows_an_import_but_neither_its_upload_nor_its_error_file(
    tree, clerk, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    record = checked_import(client_for(clerk), tree["g1"], django_capture_on_commit_callbacks)
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    clerk.user_permissions.add(Permission.objects.get(codename="view_rosterimport"))

    page = client_for(clerk).get(reverse("admin:members_rosterimport_change", args=[record.pk]))

    assert page.status_code == 200
    body = page.content.decode()
    assert record.original_name in body
    assert record.file.name not in body and record.error_file.name not in body


# --- scope and roles -------------------------------------------------------------------------------


def test_another_districts_import_is_not_found_on_any_url(tree, clerk, django_capture_on_commit_callbacks):
    record = checked_import(client_for(clerk), tree["g1"], django_capture_on_commit_callbacks)
    other = client_for(staff(R.FEDERATION_STAFF, tree["d2"]))
    before = (state(), list(RosterImport.objects.values_list("status", "cancel_requested", "mode")))

    for name in ("roster_import_detail", "roster_import_progress", "roster_import_errors"):
        assert other.get(reverse(f"members:{name}", args=[record.pk]), HTTP_HX_REQUEST="true").status_code == 404
    for name in ("roster_import_confirm", "roster_import_cancel"):
        response = other.post(reverse(f"members:{name}", args=[record.pk]), {"mode": Mode.VALID_ONLY})
        assert response.status_code == 404
    assert record.pk not in [r.pk for r in other.get(reverse("members:roster_import_list")).context["page"]]
    assert (state(), list(RosterImport.objects.values_list("status", "cancel_requested", "mode"))) == before


def test_the_district_above_sees_the_import(tree, clerk, django_capture_on_commit_callbacks):
    record = checked_import(client_for(clerk), tree["g1"], django_capture_on_commit_callbacks)
    district = client_for(staff(R.FEDERATION_STAFF, tree["d1"]))

    assert detail(district, record).status_code == 200
    assert [r.pk for r in district.get(reverse("members:roster_import_list")).context["page"]] == [record.pk]


def test_upload_refuses_a_union_outside_scope(tree, clerk):
    client = client_for(clerk)

    response = post_upload(client, tree["g2"], roster_with_two_bad_rows()[0])

    assert response.status_code == 400
    assert "Choose a union in your part of the tree." in text(response)
    assert not RosterImport.objects.exists()
    assert not Member.objects.exists()


@pytest.mark.parametrize("kind", [R.LEADER, R.AUDITOR])
def test_roles_without_personal_lists_are_forbidden(tree, kind):
    client = client_for(staff(kind, tree["city"]))
    assert client.get(reverse("members:roster_import_list")).status_code == 403
    assert client.get(reverse("members:roster_import_new")).status_code == 403


def test_history_lists_imports_in_scope_newest_first(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    first = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    second = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    checked_import(
        client_for(staff(R.UNION_CLERK, tree["g2"])),
        tree["g2"],
        django_capture_on_commit_callbacks,
        xlsx_bytes([row("丙", new_id_number())]),
    )

    response = client.get(reverse("members:roster_import_list"))

    assert [r.pk for r in response.context["page"]] == [second.pk, first.pk]
    assert clerk.display_name in text(response)
    assert "花名册.xlsx" in text(response)


# --- the upload form -------------------------------------------------------------------------------


def test_a_clerk_is_offered_only_their_union(tree, clerk):
    response = client_for(clerk).get(reverse("members:roster_import_new"))

    field = response.context["form"]["union"]
    assert [value for value, _label in field.field.widget.choices] == [tree["g1"].pk]
    assert field.initial == tree["g1"].pk
    body = text(response)
    assert 'accept=".xlsx,.xls,.csv"' in body
    assert 'enctype="multipart/form-data"' in body


def test_district_staff_get_their_district_first_and_a_union_asked_for_preselected(tree):
    client = client_for(staff(R.FEDERATION_STAFF, tree["d1"]))

    default = client.get(reverse("members:roster_import_new")).context["form"]["union"]
    asked = client.get(reverse("members:roster_import_new"), {"union": tree["g1"].pk}).context["form"]["union"]
    outside = client.get(reverse("members:roster_import_new"), {"union": tree["g2"].pk}).context["form"]["union"]

    offered = [value for value, _label in default.field.widget.choices]
    assert offered == [tree["d1"].pk, tree["s1"].pk]  # the district and its street federation; no grassroots
    assert default.initial == tree["d1"].pk
    assert asked.initial == tree["g1"].pk
    assert tree["g1"].pk in [value for value, _label in asked.field.widget.choices]
    assert outside.initial == tree["d1"].pk
    assert tree["g2"].pk not in [value for value, _label in outside.field.widget.choices]


# --- bad uploads -----------------------------------------------------------------------------------


def test_upload_without_a_file_asks_for_one(tree, clerk):
    response = client_for(clerk).post(reverse("members:roster_import_new"), {"union": tree["g1"].pk})

    assert response.status_code == 400
    assert "Choose the roster file to upload." in text(response)
    assert not RosterImport.objects.exists()


def test_an_empty_file_is_refused(tree, clerk):
    response = post_upload(client_for(clerk), tree["g1"], b"")

    assert response.status_code == 400
    assert "The file is empty." in text(response)
    assert not RosterImport.objects.exists()


def test_a_file_too_large_is_refused_with_the_limit(tree, clerk, settings):
    settings.ROSTER_IMPORT_MAX_BYTES = 2 * 1024 * 1024

    response = post_upload(client_for(clerk), tree["g1"], b"x" * (2 * 1024 * 1024 + 1), "big.csv")

    assert response.status_code == 400
    assert "files up to 2 MB are accepted" in text(response)
    assert not RosterImport.objects.exists()
    assert not Member.objects.exists()


def test_a_closed_union_is_refused(tree, django_capture_on_commit_callbacks):
    closed = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "已撤销工会")
    Union.objects.filter(pk=closed.pk).update(closed_on="2024-01-01")
    client = client_for(staff(R.FEDERATION_STAFF, tree["d1"]))

    response = post_upload(client, closed, roster_with_two_bad_rows()[0], capture=django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "已撤销工会 is closed: members cannot be imported into it." in text(response)
    assert not RosterImport.objects.exists()
    assert not Member.objects.exists()


def test_a_file_that_is_no_spreadsheet_is_refused_after_upload_with_the_reason(
    tree, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    response = post_upload(client, tree["g1"], png, "花名册.xlsx", capture=django_capture_on_commit_callbacks)

    record = RosterImport.objects.get()
    assert response.status_code == 302
    assert record.status == S.REFUSED
    assert not record.file
    page = detail(client, record)
    assert "The file is not a spreadsheet: upload an XLSX, XLS or CSV file." in text(page)
    assert f"{reverse('members:roster_import_new')}?union={tree['g1'].pk}" in text(page)
    assert client.get(reverse("members:roster_import_errors", args=[record.pk])).status_code == 404
    assert not Member.objects.exists()


def test_a_file_without_the_required_columns_is_refused(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    content = xlsx_bytes([["张三", "x"]], header=["名字", "备注"])

    post_upload(client, tree["g1"], content, capture=django_capture_on_commit_callbacks)

    record = RosterImport.objects.get()
    assert record.status == S.REFUSED
    assert "required columns were not found" in text(detail(client, record))
    assert not Member.objects.exists()


# --- confirm, cancel, progress ----------------------------------------------------------------------


def test_confirming_twice_imports_once(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    confirm(client, record, Mode.VALID_ONLY, django_capture_on_commit_callbacks)
    after_first = state()

    response = confirm(client, record, Mode.VALID_ONLY, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert state() == after_first
    assert len(members_of(tree["g1"])) == 5
    page = client.get(response["Location"])
    assert "This import is not waiting for confirmation." in messages_of(page)


def test_confirm_without_a_mode_shows_the_form_again(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)

    response = client.post(reverse("members:roster_import_confirm", args=[record.pk]), {"mode": "everything"})

    assert response.status_code == 400
    assert "Choose how to import: all or nothing, or the valid rows only." in text(response)
    record.refresh_from_db()
    assert record.status == S.CHECKED
    assert not Member.objects.exists()


def test_cancelling_a_checked_import_writes_nothing_and_it_cannot_be_confirmed(
    tree, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)

    response = client.post(reverse("members:roster_import_cancel", args=[record.pk]), follow=True)

    record.refresh_from_db()
    assert record.status == S.CANCELLED
    assert "The import was cancelled. No member was written." in messages_of(response)
    assert "This import was cancelled. Nothing was written." in text(response)
    confirm(client, record, Mode.VALID_ONLY, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.status == S.CANCELLED
    assert not Member.objects.exists()


def test_cancelling_a_running_import_leaves_no_member(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    # the import is confirmed, and its job has not finished yet when the clerk presses Stop
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("members:roster_import_confirm", args=[record.pk]), {"mode": Mode.VALID_ONLY})
    record.refresh_from_db()
    assert record.status == S.IMPORTING
    page = detail(client, record)
    assert reverse("members:roster_import_cancel", args=[record.pk]) in text(page)
    assert reverse("members:roster_import_progress", args=[record.pk]) in text(page)

    response = client.post(reverse("members:roster_import_cancel", args=[record.pk]), follow=True)
    assert "The import is being stopped. Nothing it has done so far will be kept." in messages_of(response)
    roster_service.import_execute(record.pk)  # the job reaches its next batch

    record.refresh_from_db()
    assert record.status == S.CANCELLED
    assert not Member.objects.exists()
    assert not MemberCard.objects.exists()


def test_stopping_the_check_cancels_the_import(tree, clerk):
    client = client_for(clerk)
    post_upload(client, tree["g1"], roster_with_two_bad_rows()[0])  # the check is queued, not yet run
    record = RosterImport.objects.get()
    assert record.status == S.CHECKING
    assert "Checking the file. Nothing is written." in text(detail(client, record))

    response = client.post(reverse("members:roster_import_cancel", args=[record.pk]), follow=True)
    assert "The import is being stopped. Nothing it has done so far will be kept." in messages_of(response)
    roster_service.import_check(record.pk)  # the job runs and sees the request

    record.refresh_from_db()
    assert record.status == S.CANCELLED
    assert "This import was cancelled. Nothing was written." in text(detail(client, record))
    assert not Member.objects.exists()


def test_progress_answers_htmx_with_the_bar_then_a_refresh(tree, clerk, django_capture_on_commit_callbacks):
    client = client_for(clerk)
    post_upload(client, tree["g1"], roster_with_two_bad_rows()[0])  # queued, not run
    record = RosterImport.objects.get()
    url = reverse("members:roster_import_progress", args=[record.pk])
    importing.set_progress(record.pk, "check", 0, 0)

    waiting = client.get(url, HTTP_HX_REQUEST="true")
    assert waiting.status_code == 200
    assert 'hx-trigger="every 1s"' in text(waiting)
    assert "progress-bar" in text(waiting)
    assert "HX-Refresh" not in waiting

    importing.set_progress(record.pk, "import", 3, 4)
    RosterImport.objects.filter(pk=record.pk).update(status=S.IMPORTING)
    halfway = client.get(url, HTTP_HX_REQUEST="true")
    assert 'data-progress="75"' in text(halfway)
    assert "3 of 4 members written." in text(halfway)

    # the job has ended its pass
    RosterImport.objects.filter(pk=record.pk).update(status=S.CHECKED)
    ended = client.get(url, HTTP_HX_REQUEST="true")
    assert ended["HX-Refresh"] == "true"
    assert client.get(url)["Location"] == reverse("members:roster_import_detail", args=[record.pk])


def test_transfer_candidates_are_listed_with_a_link_to_request_the_transfer(
    tree, clerk, django_capture_on_commit_callbacks
):
    number = new_id_number()
    other_clerk = staff(R.UNION_CLERK, tree["g2"])
    checked = checked_import(
        client_for(other_clerk), tree["g2"], django_capture_on_commit_callbacks, xlsx_bytes([row("冯八", number)])
    )
    confirm(client_for(other_clerk), checked, Mode.VALID_ONLY, django_capture_on_commit_callbacks)
    assert members_of(tree["g2"]) == ["冯八"]
    client = client_for(clerk)

    record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks, xlsx_bytes([row("冯八", number)]))

    assert (record.transfer_count, record.error_count) == (1, 0)
    page = detail(client, record)
    assert page.context["show"] == "transfers"
    assert [r.outcome for r in page.context["rows"]] == [RosterImportRow.Outcome.TRANSFER]
    assert reverse("members:transfer_new") in text(page)
    assert "No row of this file can be imported" in text(page)
    assert reverse("members:roster_import_confirm", args=[record.pk]) not in text(page)


def test_history_and_detail_pages_take_a_fixed_number_of_queries(
    tree, clerk, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = client_for(clerk)
    for _ in range(3):
        record = checked_import(client, tree["g1"], django_capture_on_commit_callbacks)
    confirm(client, record, Mode.VALID_ONLY, django_capture_on_commit_callbacks)

    with django_assert_max_num_queries(9):
        listing = client.get(reverse("members:roster_import_list"))
    with django_assert_max_num_queries(10):
        written = detail(client, record, show="written")

    assert len(listing.context["page"]) == 3
    assert len(written.context["rows"]) == 5
