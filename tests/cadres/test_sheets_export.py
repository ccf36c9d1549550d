"""Exports of cadres and of the hours ledger: masked mobiles unless asked (and audited), formulas
written as text, scope, the list's filters, small exports at once and large ones as jobs (built by a
real Celery worker through Redis), seen only by whoever asked."""

import datetime
import importlib
import io
import re
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import CadreExport, Enrolment, TrainingClass
from cadres.services import sheets as service
from tests.factories import staff
from tests.pages import client_for, messages_of, text
from unionportal.celery import app
from unions.models import Role

from .factories import CadreFactory, TrainingClassFactory

FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_rules(db):
    """The hours rules the data migration writes (a transactional test elsewhere may have emptied the tables)."""
    from django.apps import apps

    importlib.import_module("cadres.migrations.0002_default_rules").create(apps, None)


def workbook_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def export(client, query: str = "", **data):
    return client.post(reverse("cadres:export_cadres") + (f"?{query}" if query else ""), data)


@pytest.fixture
def corps(tree):
    return {
        "s1": CadreFactory(union=tree["s1"], name="张伟", mobile="13600000001", rank="township_section"),
        "g1": CadreFactory(union=tree["g1"], name="李娜", mobile="13600000002", rank="staff"),
        "s2": CadreFactory(union=tree["s2"], name="王芳", mobile="13600000003"),
        "left": CadreFactory(union=tree["s1"], name="离职者", mobile="13600000004", status="left"),
    }


def test_a_cadre_export_masks_mobiles_and_is_audited(corps, cadre_officer):
    response = export(client_for(cadre_officer))

    assert response.status_code == 200
    rows = workbook_rows(response)
    assert rows[0][:4] == ["Name", "Sex", "Birth date", "Mobile"]
    assert {row[0] for row in rows[1:]} == {"张伟", "李娜", "王芳"}  # in post by default, as the list
    assert not any(FULL_MOBILE.search(str(cell)) for row in rows for cell in row)
    assert rows[1][3] == "136****0001" or "****" in rows[1][3]
    event = AuditEvent.objects.get(action=kinds.CADRES_EXPORTED)
    assert event.detail["full_mobiles"] is False and event.detail["rows"] == 3


def test_full_mobiles_only_when_asked_and_audited(corps, cadre_officer):
    rows = workbook_rows(export(client_for(cadre_officer), full_mobiles="on"))

    assert {row[3] for row in rows[1:]} == {"13600000001", "13600000002", "13600000003"}
    assert AuditEvent.objects.get(action=kinds.CADRES_EXPORTED).detail["full_mobiles"] is True


def test_a_district_export_holds_only_its_subtree_and_the_lists_filters(corps, district_cadre_officer):
    rows = workbook_rows(export(client_for(district_cadre_officer)))
    assert {row[0] for row in rows[1:]} == {"张伟", "李娜"}

    rows = workbook_rows(export(client_for(district_cadre_officer), "rank=staff"))
    assert [row[0] for row in rows[1:]] == ["李娜"]

    refused = export(client_for(district_cadre_officer), f"union={corps['s2'].union_id}")
    assert refused.status_code == 400 and "The filters could not be applied" in " ".join(messages_of(refused))


def test_formula_cells_are_written_as_text(tree, cadre_officer):
    CadreFactory(union=tree["s1"], name='=HYPERLINK("http://x","点我")', post="+SUM(A1)", mobile="13600000011")

    response = export(client_for(cadre_officer))
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]

    assert sheet.cell(row=2, column=1).value.startswith("=HYPERLINK")
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert sheet.cell(row=2, column=6).data_type == "s"
    with __import__("zipfile").ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_the_export_page_shows_the_count_and_an_empty_state(corps, district_cadre_officer):
    client = client_for(district_cadre_officer)
    assert "2 cadres: the file downloads at once." in text(client.get(reverse("cadres:export_cadres")))
    empty = client.get(reverse("cadres:export_cadres") + "?q=nobody")
    assert "No cadres match these filters" in text(empty)


def test_a_ledger_export_holds_the_nodes_cadres_and_their_hours(tree, corps, district_cadre_officer):
    training_class = TrainingClassFactory(
        organiser=tree["d1"], created_by=district_cadre_officer, status=TrainingClass.Status.FINISHED
    )
    Enrolment.objects.create(
        training_class=training_class, cadre=corps["s1"], status="completed", credited_hours=Decimal("14.0")
    )
    client = client_for(district_cadre_officer)

    response = client.post(reverse("cadres:export_ledger"), {"union": tree["d1"].pk, "year": 2026})

    rows = workbook_rows(response)
    assert rows[0][:6] == ["Name", "Serves at", "Rank", "Year", "Period (years)", "Hours owed"]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"张伟", "李娜"}
    assert by_name["张伟"][6] == 14 and by_name["张伟"][9] == by_name["张伟"][5] - 14
    assert AuditEvent.objects.filter(action=kinds.LEDGER_EXPORTED).count() == 1

    outside = client.post(reverse("cadres:export_ledger"), {"union": tree["d2"].pk, "year": 2026})
    assert outside.status_code == 400 and "Choose a node in your part of the tree." in text(outside)


def test_the_number_of_queries_does_not_grow_with_the_rows(tree, cadre_officer, django_assert_max_num_queries):
    for n in range(30):
        CadreFactory(union=tree["g1"], mobile=f"137{n:08d}")
    client = client_for(cadre_officer)
    with django_assert_max_num_queries(14):
        response = export(client)
        assert len(workbook_rows(response)) == 31


# --- large exports: jobs ----------------------------------------------------------------------------
def test_a_large_export_becomes_a_job_whose_page_only_its_requester_sees(
    tree, corps, cadre_officer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "EXPORT_SYNC_MAX_ROWS", 2)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = export(client_for(cadre_officer), full_mobiles="on")
    finally:
        app.conf.task_always_eager = saved
    record = CadreExport.objects.get()
    assert response["Location"] == reverse("cadres:export_detail", args=[record.pk])
    record.refresh_from_db()
    assert (record.status, record.rows_total, record.kind) == ("done", 3, "cadres")
    assert service.export_full_mobiles(record)

    page = client_for(cadre_officer).get(response["Location"])
    assert "Full (audited)" in text(page)
    download = client_for(cadre_officer).get(reverse("cadres:export_download", args=[record.pk]))
    assert {row[3] for row in workbook_rows(download)[1:]} == {"13600000001", "13600000002", "13600000003"}
    event = AuditEvent.objects.get(action=kinds.CADRES_EXPORTED)
    assert event.target_id == str(record.pk) and event.detail["full_mobiles"] is True

    someone_else = client_for(staff(Role.Kind.CADRE_OFFICER, tree["city"]))
    assert someone_else.get(reverse("cadres:export_detail", args=[record.pk])).status_code == 404
    assert someone_else.get(reverse("cadres:export_download", args=[record.pk])).status_code == 404


def test_a_job_applies_the_requesters_scope_as_it_is_when_it_runs(tree, corps):
    officer = staff(Role.Kind.CADRE_OFFICER, tree["city"])
    record = CadreExport.objects.create(requested_by=officer, kind="cadres", query="")
    officer.roles.all().update(union=tree["d2"])  # moved to district 2 before the job ran

    record = service.export_build(record.pk)

    assert (record.status, record.rows_total) == ("done", 1)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_builds_a_large_ledger_export(tree, monkeypatch):
    officer = staff(Role.Kind.CADRE_OFFICER, tree["d1"])
    for n in range(3):
        CadreFactory(union=tree["g1"], mobile=f"138{n:08d}")
    monkeypatch.setattr(service, "EXPORT_SYNC_MAX_ROWS", 2)
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = client_for(officer).post(reverse("cadres:export_ledger"), {"union": tree["d1"].pk, "year": 2026})
        record = CadreExport.objects.get()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            record.refresh_from_db()
            if not record.in_progress:
                break
            time.sleep(0.2)
    assert response.status_code == 302
    assert (record.status, record.kind, record.rows_total, record.attempts) == ("done", "ledger", 3, 1), record.error
    download = client_for(officer).get(reverse("cadres:export_download", args=[record.pk]))
    assert len(workbook_rows(download)) == 4
    assert AuditEvent.objects.filter(action=kinds.LEDGER_EXPORTED, target_id=str(record.pk)).count() == 1


def test_an_expired_export_keeps_its_record_and_loses_its_file(tree, corps, cadre_officer, monkeypatch):
    record = CadreExport.objects.create(requested_by=cadre_officer, kind="cadres", query="")
    record = service.export_build(record.pk)
    assert record.file
    CadreExport.objects.filter(pk=record.pk).update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    assert service.exports_expire() == 1

    record.refresh_from_db()
    assert record.status == "expired" and not record.file


def test_a_ledger_export_of_the_short_only_leaves_out_who_met_the_hours(tree, corps, district_cadre_officer):
    training_class = TrainingClassFactory(
        organiser=tree["d1"], created_by=district_cadre_officer, status=TrainingClass.Status.FINISHED
    )
    Enrolment.objects.create(
        training_class=training_class, cadre=corps["s1"], status="completed", credited_hours=Decimal("90.0")
    )
    client = client_for(district_cadre_officer)
    # the ledger page's link names the node, the year and "short only"
    page = client.get(reverse("cadres:export_ledger") + f"?union={tree['d1'].pk}&year=2026&short=on")
    assert page.status_code == 200

    response = client.post(reverse("cadres:export_ledger"), {"union": tree["d1"].pk, "year": 2026, "short": "on"})

    assert [row[0] for row in workbook_rows(response)[1:]] == ["李娜"]
