"""Member list exports: scope, masking per role, formula cells as text, small and large (job) exports,
the round trip into the import, bounded queries, refused input, and the expiry of export files."""

import csv
import datetime
import io
import itertools
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import AuditEvent
from members import kinds as members_kinds
from members import pii, services
from members.id_number import parse
from members.models import Member, PoliticalStatus, RosterExport, RosterImport
from members.roster import exporting, importing
from members.roster.columns import COLUMNS, EXPORT_ONLY, map_headers
from members.roster.files import open_roster
from members.services import roster_export
from tests.pages import client_for, messages_of, text
from unions.models import Role, Union

from ..factories import id_number as new_id_number
from ..factories import staff

R = Role.Kind
FULL_ID = re.compile(r"(?<![\d*])\d{17}[\dX](?![\d*])")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_people = itertools.count(1)
NAMES = "张伟王芳李娜刘洋陈静杨军赵磊黄敏周杰吴霞徐刚孙丽马超朱红胡斌郭燕何平高翔林琳罗勇"


@pytest.fixture(autouse=True)
def _media_and_eager_jobs(settings, tmp_path):
    """Files under the test's tmp dir; jobs run in the test's process (the PostgreSQL run sets a Redis broker)."""
    from unionportal.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def make_member(union: Union, *, name: str | None = None, card: bool = True, **fields) -> Member:
    n = next(_people)
    fields.setdefault("mobile", f"139{n:08d}")
    fields.setdefault("joined_on", datetime.date(2020, 1, 1))
    name = name or NAMES[n % len(NAMES)] + NAMES[(n * 7) % len(NAMES)]
    member = Member(union=union, name=name, **fields)
    member.set_id_number(parse(new_id_number()))
    member.save()
    if card:
        services.card_issue(member=member, by=None)
    return member


def export_url(query: str = "") -> str:
    return reverse("members:member_export") + (f"?{query}" if query else "")


def post_export(client, query: str = "", **data):
    data.setdefault("format", "csv")
    return client.post(export_url(query), data)


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read Chinese"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def xlsx_sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def exported_names(rows: list[list[str]]) -> set[str]:
    return {row[0] for row in rows[1:]}


def audit_rows() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=members_kinds.ROSTER_EXPORTED).order_by("id"))


# --- scope ----------------------------------------------------------------------------------------
def test_district_export_holds_only_its_subtree(tree):
    # given members in both districts and in the industry union
    own = {make_member(tree["g1"]).name for _ in range(3)}
    outside = {make_member(tree["g2"]).name, make_member(tree["g3"]).name}
    district = staff(R.FEDERATION_STAFF, tree["d1"])

    # when the district's staff export with no filter
    response = post_export(client_for(district))

    # then the file holds their subtree's members and no other
    assert response.status_code == 200
    names = exported_names(csv_rows(content_of(response)))
    assert names == own
    assert not names & outside


def test_filtering_by_a_union_outside_scope_is_refused_with_a_message(tree):
    make_member(tree["g2"])
    district = staff(R.FEDERATION_STAFF, tree["d1"])

    response = post_export(client_for(district), f"union={tree['g2'].pk}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert any("filters could not be applied" in message for message in messages_of(response))
    assert audit_rows() == []
    assert not RosterExport.objects.exists()


def test_roles_without_member_lists_cannot_export(tree):
    make_member(tree["g1"])
    leader = staff(R.LEADER, tree["d1"])

    response = post_export(client_for(leader))

    assert response.status_code == 403
    assert audit_rows() == []


# --- masking --------------------------------------------------------------------------------------
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_plain_role_export_holds_no_full_id_or_mobile_and_is_audited(tree, file_format):
    members = [make_member(tree["g1"]) for _ in range(3)]
    district = staff(R.FEDERATION_STAFF, tree["d1"])
    client = client_for(district)
    assert "full_details" not in text(client.get(export_url()))

    # a hand-made POST asking for full details is not honoured: the role has no such field
    response = post_export(client, format=file_format, full_details="on")

    assert response.status_code == 200
    content = content_of(response)
    if file_format == "csv":
        body = content.decode("utf-8-sig")
    else:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            body = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    for member in members:
        assert member.id_masked in body
        assert member.mobile_masked in body
        assert member.reveal_id_number() not in body
        assert member.mobile not in body
    assert not FULL_ID.search(body)
    assert not FULL_MOBILE.search(body)
    (event,) = audit_rows()
    assert event.actor == district
    assert event.detail == {"format": file_format, "rows": 3, "full_details": False, "filters": {}}


def test_clerk_may_export_full_details_when_asked_and_it_is_audited(tree):
    members = [make_member(tree["g1"]) for _ in range(2)]
    clerk = staff(R.UNION_CLERK, tree["g1"])
    client = client_for(clerk)
    assert 'name="full_details"' in text(client.get(export_url()))

    response = post_export(client, "political_status=none", full_details="on")

    rows = csv_rows(content_of(response))
    by_name = {row[0]: row for row in rows[1:]}
    for member in members:
        assert by_name[member.name][2] == member.reveal_id_number()
        assert by_name[member.name][3] == member.mobile
    (event,) = audit_rows()
    assert event.detail["full_details"] is True
    assert event.detail["rows"] == 2
    assert event.detail["filters"] == {"political_status": "none"}
    assert (event.union_id, event.union_path) == (tree["g1"].pk, tree["g1"].path)
    assert not FULL_ID.search(str(event.detail))


def test_full_details_cover_only_the_subtree_of_the_full_export_role(tree):
    # given a city-wide federation role (masked only) and a clerk role at g1 (full details allowed)
    in_g1 = make_member(tree["g1"])
    in_g2 = make_member(tree["g2"])
    person = staff(R.FEDERATION_STAFF, tree["city"])
    Role.objects.create(user=person, union=tree["g1"], kind=R.UNION_CLERK)
    client = client_for(person)

    masked = exported_names(csv_rows(content_of(post_export(client))))
    full = csv_rows(content_of(post_export(client, full_details="on")))

    assert masked == {in_g1.name, in_g2.name}
    assert exported_names(full) == {in_g1.name}
    assert in_g2.reveal_id_number() not in str(full)


def test_an_id_number_searched_for_is_not_written_to_the_audit_row(tree):
    member = make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])
    number = member.reveal_id_number()

    response = post_export(client_for(clerk), f"q={number}")

    assert exported_names(csv_rows(content_of(response))) == {member.name}
    (event,) = audit_rows()
    assert number not in str(event.detail)
    assert event.detail["filters"]["q"] == "[ID number]"


# --- formula cells --------------------------------------------------------------------------------
HOSTILE = '=HYPERLINK("http://evil.example/x","点我")'


def test_formula_cells_are_exported_as_text_in_csv(tree):
    make_member(tree["g1"], name=HOSTILE, employer_name="+SUM(A1:A9)", ethnicity="@cmd")
    clerk = staff(R.UNION_CLERK, tree["g1"])

    rows = csv_rows(content_of(post_export(client_for(clerk))))

    (row,) = rows[1:]
    assert row[0] == "'" + HOSTILE
    assert row[8] == "'+SUM(A1:A9)"
    assert row[4] == "'@cmd"


def test_formula_cells_are_exported_as_text_in_xlsx(tree):
    make_member(tree["g1"], name=HOSTILE, employer_name="-2+3", ethnicity="\tx")
    clerk = staff(R.UNION_CLERK, tree["g1"])

    content = content_of(post_export(client_for(clerk), format="xlsx"))

    sheet = xlsx_sheet(content)
    name, ethnicity, employer = sheet["A2"], sheet["E2"], sheet["I2"]
    assert (name.value, name.data_type) == (HOSTILE, "s")
    assert (employer.value, employer.data_type) == ("-2+3", "s")
    assert ethnicity.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    # ID and mobile cells are text cells formatted as text, so that Excel keeps every digit when edited
    assert sheet["C2"].number_format == "@" and sheet["D2"].number_format == "@"
    assert sheet["L2"].value.date() == datetime.date(2020, 1, 1)
    assert sheet["L2"].number_format == "yyyy-mm-dd"


# --- large exports: the job -----------------------------------------------------------------------
def test_large_export_runs_as_a_job_and_the_file_holds_every_row(tree, settings, django_capture_on_commit_callbacks):
    settings.ROSTER_EXPORT_SYNC_MAX_ROWS = 3
    names = {make_member(tree["g1"]).name for _ in range(7)}
    clerk = staff(R.UNION_CLERK, tree["g1"])
    client = client_for(clerk)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_export(client, format="xlsx")

    record = RosterExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:roster_export_detail", args=[record.pk])
    assert (record.status, record.rows_total, record.requested_by) == (RosterExport.Status.DONE, 7, clerk)
    page = client.get(response["Location"])
    assert reverse("members:roster_export_download", args=[record.pk]) in text(page)
    download = client.get(reverse("members:roster_export_download", args=[record.pk]))
    assert download.status_code == 200
    sheet = xlsx_sheet(content_of(download))
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == names
    assert sheet.max_row == 8
    (event,) = audit_rows()
    assert event.target_id == str(record.pk)
    assert event.detail["rows"] == 7


def test_an_export_is_seen_and_downloaded_only_by_whoever_asked(tree, settings):
    settings.ROSTER_EXPORT_SYNC_MAX_ROWS = 1
    make_member(tree["g1"])
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = _queued(clerk, "")
    roster_export.export_build(record.pk)
    record.refresh_from_db()
    assert record.status == RosterExport.Status.DONE
    urls = [
        reverse(name, args=[record.pk]) for name in ("members:roster_export_detail", "members:roster_export_download")
    ]
    other_district = staff(R.FEDERATION_STAFF, tree["d2"])
    same_union = staff(R.UNION_CLERK, tree["g1"])
    admin = staff(R.CITY_ADMIN, tree["city"])

    for user in (other_district, same_union, admin):
        client = client_for(user)
        assert [client.get(url).status_code for url in urls] == [404, 404]
        assert urls[0] not in text(client.get(reverse("members:roster_export_list")))
    assert [client_for(clerk).get(url).status_code for url in urls] == [200, 200]
    assert urls[0] in text(client_for(clerk).get(reverse("members:roster_export_list")))


def _queued(user, query: str, *, file_format="csv", full_details=False) -> RosterExport:
    return RosterExport.objects.create(
        requested_by=user, query=query, file_format=file_format, full_details=full_details, language="en"
    )


def test_a_second_delivery_of_the_job_makes_no_second_file_or_audit_row(tree, settings):
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = _queued(clerk, "")

    roster_export.export_build(record.pk)
    record.refresh_from_db()
    first = (record.file.name, record.finished_at)
    roster_export.export_build(record.pk)
    record.refresh_from_db()

    assert (record.file.name, record.finished_at) == first
    assert len(list((settings.MEDIA_ROOT / "roster-exports").rglob("*.csv"))) == 1
    assert len(audit_rows()) == 1


def test_a_job_delivered_again_after_its_worker_died_rebuilds_the_same_file(tree, settings):
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = _queued(clerk, "")
    # the first worker saved its file and died before marking the export done
    name = roster_export.file_name(record)
    record.file.storage.save(name, ContentFile(b"half a file"))
    RosterExport.objects.filter(pk=record.pk).update(status=RosterExport.Status.RUNNING)

    roster_export.export_build(record.pk)

    record.refresh_from_db()
    assert record.status == RosterExport.Status.DONE and record.file.name == name
    assert len(list((settings.MEDIA_ROOT / "roster-exports").rglob("*.csv"))) == 1
    assert record.file.open("rb").read().startswith(b"\xef\xbb\xbf")


def test_the_job_applies_the_requesters_scope_as_it_is_when_it_runs(tree):
    in_d1, in_d2 = make_member(tree["g1"]), make_member(tree["g2"])
    person = staff(R.FEDERATION_STAFF, tree["d1"])
    role_d2 = Role.objects.create(user=person, union=tree["d2"], kind=R.FEDERATION_STAFF)
    record = _queued(person, "")
    role_d2.delete()  # the role is taken away while the export waits

    roster_export.export_build(record.pk)

    record.refresh_from_db()
    names = exported_names(csv_rows(record.file.open("rb").read()))
    assert names == {in_d1.name}
    assert in_d2.name not in names


def test_the_job_filters_as_the_list_page_does_from_the_requester_alone(tree):
    # given staff of a district with members inside and outside its scope, some matching a filter
    person = staff(R.FEDERATION_STAFF, tree["d1"])
    wanted = {make_member(tree["g1"], political_status=PoliticalStatus.CPC_MEMBER).name for _ in range(3)}
    make_member(tree["g1"])
    make_member(tree["g2"], political_status=PoliticalStatus.CPC_MEMBER)
    query = f"political_status=cpc_member&union={tree['d1'].pk}&sort=name"

    # when the list page shows the filtered list and a job exports it (with no request to go by)
    page = client_for(person).get(reverse("members:member_list") + "?" + query)
    record = _queued(person, query)
    roster_export.export_build(record.pk)

    # then the file holds exactly the rows the page shows, and the filter offers the same unions
    record.refresh_from_db()
    shown = [member.name for member in page.context["page"].rows]
    assert set(shown) == wanted
    assert [row[0] for row in csv_rows(record.file.open("rb").read())[1:]] == shown
    job_filter = roster_export.member_filter_for(person, QueryDict(query))
    page_filter = page.context["filter"]
    assert job_filter.user == person
    assert list(job_filter.form.fields["union"].widget.choices) == list(page_filter.form.fields["union"].widget.choices)


def test_a_job_whose_filters_now_find_nobody_fails_with_a_message_and_no_file(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = _queued(clerk, "status=left")

    roster_export.export_build(record.pk)

    record.refresh_from_db()
    assert record.status == RosterExport.Status.FAILED
    assert "No members match" in record.error
    assert not record.file
    assert audit_rows() == []


def test_a_list_longer_than_an_excel_sheet_fails_with_a_message_to_use_csv(tree, monkeypatch):
    monkeypatch.setattr(roster_export, "XLSX_MAX_ROWS", 2)
    for _ in range(3):
        make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = _queued(clerk, "", file_format="xlsx")

    roster_export.export_build(record.pk)

    record.refresh_from_db()
    assert record.status == RosterExport.Status.FAILED
    assert "export it as CSV" in record.error
    assert not record.file


def test_progress_is_polled_while_the_job_waits(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    record = _queued(clerk, "")
    client = client_for(clerk)
    url = reverse("members:roster_export_detail", args=[record.pk])

    assert "js/progress.js" in text(client.get(url))
    waiting = client.get(url, headers={"HX-Request": "true"})
    roster_export.set_progress(record.pk, 500, 2000)
    running = client.get(url, headers={"HX-Request": "true"})

    assert 'hx-trigger="every 2s"' in text(waiting)
    assert "Waiting for the background worker" in text(waiting)
    assert 'data-progress="25"' in text(running)
    assert "500 of 2000 members written." in text(running)
    assert "<html" not in text(running)


# --- round trip -----------------------------------------------------------------------------------
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_export_reads_back_as_a_roster_with_every_column_recognised(tree, tmp_path, file_format, language):
    make_member(tree["g1"], political_status=PoliticalStatus.CPC_MEMBER, is_migrant_worker=True)
    path = tmp_path / f"export.{file_format}"
    write = exporting.write_csv if file_format == "csv" else exporting.write_xlsx

    with translation.override(language), open(path, "wb") as out:
        written = write(Member.objects.all(), out, full_details=False)

    assert written == 1
    roster = open_roster(path)
    headers = map_headers(roster.header)
    assert set(headers.positions) == {column.key for column in COLUMNS}
    assert headers.ignored == [] and headers.duplicated == [] and headers.missing == []
    expected = [column.header(language) for column in COLUMNS] + [
        zh if language == "zh-hans" else en for _k, zh, en in EXPORT_ONLY
    ]
    assert [str(cell) for cell in roster.header] == expected


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_full_details_export_imports_again_as_unchanged_members(tree, tmp_path, file_format):
    # given members with every kind of value, exported with full details in Chinese
    clerk = staff(R.UNION_CLERK, tree["g1"])
    members = [
        make_member(
            tree["g1"], political_status=PoliticalStatus.CPC_MEMBER, education="bachelor", employer_name="机械厂"
        ),
        make_member(
            tree["g1"], employment_type="courier", is_migrant_worker=True, is_in_hardship=True, ethnicity="回族"
        ),
        make_member(tree["g1"], card=False),
    ]
    path = tmp_path / f"export.{file_format}"
    write = exporting.write_csv if file_format == "csv" else exporting.write_xlsx
    with translation.override("zh-hans"), open(path, "wb") as out:
        write(Member.objects.filter(pk__in=[m.pk for m in members]), out, full_details=True)

    # when the file is checked as an import into the same union
    record = RosterImport(union=tree["g1"], created_by=clerk, original_name=path.name)
    record.file.save("upload", ContentFile(path.read_bytes()), save=False)
    record.save()
    importing.dry_run(record)

    # then every row is recognised as the member it came from, with nothing to change
    record.refresh_from_db()
    assert (record.rows_total, record.error_count, record.new_count, record.updated_count) == (3, 0, 0, 0)
    assert record.unchanged_count == 3
    assert record.notices == []


# --- speed: queries do not grow with rows --------------------------------------------------------
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_rows(tree, file_format):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    client = client_for(clerk)

    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = post_export(client, format=file_format)
            assert response.status_code == 200
            content_of(response)
        return len(queries)

    for _ in range(2):
        make_member(tree["g1"])
    few = queries_for_export()
    for _ in range(25):
        make_member(tree["g1"])
    many = queries_for_export()

    assert few == many


# --- refused input --------------------------------------------------------------------------------
def test_unknown_format_is_refused_with_a_message(tree):
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])

    response = post_export(client_for(clerk), format="pdf")

    assert response.status_code == 400
    assert "is not a format the export writes" in text(response)
    assert audit_rows() == []


def test_unknown_format_in_the_link_is_refused_with_a_message(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])

    response = client_for(clerk).get(export_url("format=exe"))

    assert response.status_code == 400
    assert "is not a format the export writes" in text(response)


def test_a_filter_the_form_rejects_gives_a_message_and_no_file(tree):
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])

    response = post_export(client_for(clerk), "joined_from=yesterday")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert any("filters could not be applied" in message for message in messages_of(response))
    assert audit_rows() == []


def test_an_empty_result_gives_a_message_instead_of_an_empty_file(tree, settings):
    settings.ROSTER_EXPORT_SYNC_MAX_ROWS = 0  # would otherwise send even a small list to the job
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])

    response = post_export(client_for(clerk), "status=left")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "No members match these filters, so there is nothing to export." in messages_of(response)
    assert audit_rows() == []
    assert not RosterExport.objects.exists()


# --- pages ----------------------------------------------------------------------------------------
def test_the_member_list_offers_export_with_its_filters_and_the_import(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])

    page = text(client_for(clerk).get(reverse("members:member_list") + "?political_status=none"))

    assert 'name="export" value="xlsx"' in page and 'name="export" value="csv"' in page
    assert reverse("members:roster_import_new") in page


def test_the_export_page_answers_htmx_with_a_full_page_redirect_keeping_the_filters(tree):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    url = export_url("political_status=none&format=csv")

    response = client_for(clerk).get(url, headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == url


def test_the_export_page_shows_the_filters_and_how_the_file_comes(tree, settings):
    settings.ROSTER_EXPORT_SYNC_MAX_ROWS = 2
    for _ in range(3):
        make_member(tree["g1"], political_status=PoliticalStatus.CPC_MEMBER)
    clerk = staff(R.UNION_CLERK, tree["g1"])
    client = client_for(clerk)

    large = text(client.get(export_url("political_status=cpc_member&format=csv")))
    small = text(client.get(export_url("political_status=none&format=csv")))

    assert "CPC member" in large
    assert "More than 2 members: the file will be built in the background" in large
    assert re.search(r'value="csv"[^>]*checked', large)
    assert "No members match these filters." in small


def test_the_page_speaks_chinese_headers_to_a_chinese_user(tree):
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])

    rows = csv_rows(content_of(post_export(client_for(clerk, english=False))))

    assert rows[0][:4] == ["姓名", "性别", "身份证号码", "手机号码"]
    assert rows[0][-2:] == ["会员卡号", "会员状态"]
    with translation.override("zh-hans"):
        assert rows[1][-1] == str(Member.Status.ACTIVE.label) != "Active"
        assert rows[1][9] == "否"


# --- retention ------------------------------------------------------------------------------------
def test_the_purge_deletes_files_past_retention_and_marks_them_expired(tree, settings):
    settings.ROSTER_FILE_RETENTION_DAYS = 30
    make_member(tree["g1"])
    clerk = staff(R.UNION_CLERK, tree["g1"])
    old, recent = _queued(clerk, ""), _queued(clerk, "")
    for record in (old, recent):
        roster_export.export_build(record.pk)
    old.refresh_from_db()
    recent.refresh_from_db()
    # each is kept for the retention time from when it was built
    assert old.expires_at == old.finished_at + datetime.timedelta(days=30)
    RosterExport.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=31),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    old.refresh_from_db()
    old_path = old.file.path

    from members.tasks import roster_files_purge

    assert roster_files_purge() == {"exports": 1, "imports": 0}

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.file.name) == (RosterExport.Status.EXPIRED, "")
    assert not (settings.MEDIA_ROOT / old_path).exists()
    assert recent.status == RosterExport.Status.DONE and recent.file.storage.exists(recent.file.name)
    assert client_for(clerk).get(reverse("members:roster_export_download", args=[old.pk])).status_code == 404


def test_id_numbers_are_decrypted_only_in_full_details(tree):
    member = make_member(tree["g1"])
    out = io.BytesIO()

    exporting.write_csv(Member.objects.all(), out, full_details=True)

    assert pii.decrypt(member.id_encrypted) in out.getvalue().decode("utf-8-sig")
