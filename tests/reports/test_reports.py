"""Reports: the PDFs (fonts, Chinese title, figures), the fenced URL fetcher, scope, bad input, the
broker being down, time limits, the monthly schedule and expiry."""

import datetime
import shutil
import subprocess

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.models import Notification
from accounts.pdf import PortalStaticFetcher, RefusedURL, render_pdf
from members.models import EmploymentType, Member
from reports import builders, services
from reports.models import Report
from reports.tasks import build_monthly_reports, expire_reports
from tests.pages import client_for
from unions.models import Role

from ..factories import UserFactory, staff
from .conftest import make_member

R = Role.Kind
S = Report.Status
THIS_MONTH = f"{timezone.localdate():%Y-%m}"

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def build(kind, union, by, month=THIS_MONTH, *, django_capture_on_commit_callbacks) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(kind=kind, union=union, params={"month": month}, by=by)
    report.refresh_from_db()
    return report


@pytest.fixture
def members(tree):
    """Members in both districts; a few platform workers, migrants and one who left before this month."""
    g1, g2 = tree["g1"], tree["g2"]
    made = [make_member(g1, name=f"东城{i}号") for i in range(7)]
    made += [make_member(g1, employment_type=EmploymentType.COURIER, is_migrant_worker=True) for _ in range(3)]
    made += [make_member(g2, name=f"西城{i}号") for i in range(4)]
    gone = make_member(g1, joined_on=datetime.date(2019, 1, 1))
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.LEFT, ended_on=datetime.date(2021, 1, 1))
    return made


# --- the PDF -----------------------------------------------------------------------------------------


@needs_poppler
def test_monthly_pdf_embeds_noto_cjk_and_prints_the_chinese_title_and_the_counted_totals(
    tree, leader, members, django_capture_on_commit_callbacks
):
    # given members in the district's subtree, and some outside it
    # when the district's leader asks for this month's report
    report = build(
        Report.Kind.MONTHLY_MEMBERSHIP,
        tree["d1"],
        leader,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    # then it is built, with an embedded Noto CJK font
    assert report.status == S.DONE, report.error
    fonts = pdf_fonts(report.file.path)
    assert "NotoSansCJK" in fonts.replace("-", "") and " yes " in fonts
    # and the Chinese title and the figures a direct COUNT gives
    text = pdf_text(report.file.path)
    month = timezone.localdate()
    assert f"东城区总工会 {month.year}年{month.month}月" in text
    expected = Member.objects.filter(union__path__startswith=tree["d1"].path, status=Member.Status.ACTIVE).count()
    assert expected == 10
    overview = text.split("Members over the last")[0] if "Members over the last" in text else text[:2000]
    assert str(expected) in overview
    assert "东华门街道总工会" in text  # the child node's row
    assert "西城0号" not in text


def test_monthly_figures_match_direct_counts(tree, members):
    from reports.statistics import monthly_figures

    figures = monthly_figures(tree["city"], THIS_MONTH)
    assert figures.total == Member.objects.filter(status=Member.Status.ACTIVE).count() == 14
    assert figures.joins == 15  # every member's JOINED event is this month, the one who left too
    assert figures.new_form_total == 3 and figures.migrant == 3
    assert dict(figures.by_child)["东城区总工会"] == 10
    assert figures.trend[-1][1] == 14 and len(figures.trend) == 24


@needs_poppler
def test_roster_pdf_masks_id_and_mobile_numbers(tree, members, django_capture_on_commit_callbacks):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    report = build(
        Report.Kind.ROSTER, tree["g1"], clerk, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert report.status == S.DONE, report.error
    text = pdf_text(report.file.path)
    assert "东城0号" in text and "西城0号" not in text
    import re

    assert not re.search(r"\d{17}[\dX]", text)
    assert not re.search(r"1\d{10}", text.replace(" ", ""))
    assert "********" in text and "****" in text


@needs_poppler
def test_member_card_pdf_for_the_member_themself(tree, django_capture_on_commit_callbacks):
    worker = UserFactory()
    member = make_member(tree["g1"], name="王小明", user=worker, card=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(kind=Report.Kind.MEMBER_CARD, union=None, params={}, by=worker)
    report.refresh_from_db()
    assert report.status == S.DONE and report.union == member.union
    assert "王小明" in pdf_text(report.file.path)
    # and nobody else sees it unless their scope covers the union
    other = UserFactory()
    assert client_for(other).get(reverse("reports:download", args=[report.pk])).status_code == 404
    assert client_for(worker).get(reverse("reports:download", args=[report.pk])).status_code == 200


# --- the fetcher -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/x.css",
        "http://127.0.0.1:8000/../../etc/passwd",
        "http://127.0.0.1:8000/static/../../etc/passwd",
        "ftp://example.org/x",
        "/static/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_fetcher_refuses_files_and_the_network(url):
    with pytest.raises(RefusedURL):
        PortalStaticFetcher().fetch(url)


def test_fetcher_serves_the_portals_own_static_files_and_data_urls():
    response = PortalStaticFetcher().fetch("http://127.0.0.1:8000/static/css/print.css")
    assert b"Noto Sans CJK SC" in response.read()
    assert PortalStaticFetcher().fetch("data:text/plain,hello").read() == b"hello"


@needs_poppler
def test_a_template_naming_local_files_and_the_metadata_address_renders_without_them(tmp_path, settings):
    # given a template that tries to pull in /etc/passwd and the cloud metadata service
    templates = tmp_path / "templates"
    (templates / "reports" / "pdf").mkdir(parents=True)
    (templates / "reports" / "pdf" / "hostile.html").write_text(
        '<html><head><link rel="stylesheet" href="http://169.254.169.254/latest/meta-data/">'
        '<style>@import url("file:///etc/passwd");</style></head><body><p>正文</p>'
        '<img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>'
        '<iframe src="http://169.254.169.254/"></iframe><embed src="file:///etc/passwd"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates, *settings.TEMPLATES[0]["DIRS"]]}]
    # when it is rendered
    pdf = render_pdf("reports/pdf/hostile.html", {})
    out = tmp_path / "hostile.pdf"
    out.write_bytes(pdf)
    # then the PDF holds the page and nothing of the file
    text = pdf_text(out)
    assert "正文" in text
    assert "root:" not in text and b"root:x" not in pdf


# --- scope and bad input -----------------------------------------------------------------------------


def test_clerk_cannot_see_or_download_a_districts_report(tree, leader, members, django_capture_on_commit_callbacks):
    report = build(
        Report.Kind.MONTHLY_MEMBERSHIP,
        tree["d1"],
        leader,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert report.status == S.DONE
    clerk = client_for(staff(R.UNION_CLERK, tree["g1"]))
    assert clerk.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert clerk.get(reverse("reports:download", args=[report.pk])).status_code == 404
    assert report.pk not in [r.pk for r in clerk.get(reverse("reports:list")).context["page"].object_list]
    # while the leader downloads it
    response = client_for(leader).get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_other_district_leader_gets_404(tree, leader, django_capture_on_commit_callbacks):
    report = build(
        Report.Kind.MONTHLY_MEMBERSHIP,
        tree["d1"],
        leader,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    other = client_for(staff(R.LEADER, tree["d2"]))
    assert other.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_a_node_out_of_scope_is_refused(tree, leader):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_request(
            kind=Report.Kind.MONTHLY_MEMBERSHIP, union=tree["d2"], params={"month": THIS_MONTH}, by=leader
        )
    response = client_for(leader).post(
        reverse("reports:request"), {"kind": "monthly_membership", "union": tree["d2"].pk, "month": THIS_MONTH}
    )
    assert response.status_code == 400 and not Report.objects.exists()


def test_leader_cannot_ask_for_a_roster(tree, leader):
    response = client_for(leader).post(reverse("reports:request"), {"kind": "roster", "union": tree["g1"].pk})
    assert response.status_code == 400 and not Report.objects.exists()


def test_a_month_in_the_future_is_refused_with_a_message(tree, leader):
    next_month = (timezone.localdate().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")
    response = client_for(leader).post(
        reverse("reports:request"), {"kind": "monthly_membership", "union": tree["d1"].pk, "month": next_month}
    )
    assert response.status_code == 400
    assert "A report cannot be made for a month that has not begun." in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("month", ["", "2026-13", "20x6-01", "1999-12"])
def test_a_malformed_month_is_refused(tree, leader, month):
    response = client_for(leader).post(
        reverse("reports:request"), {"kind": "monthly_membership", "union": tree["d1"].pk, "month": month}
    )
    assert response.status_code == 400 and not Report.objects.exists()


def test_a_second_request_while_building_reuses_the_report(tree, leader):
    # given a report queued but not yet built (the on-commit queueing has not run)
    first = services.report_request(
        kind="monthly_membership", union=tree["d1"], params={"month": THIS_MONTH}, by=leader
    )
    other_leader = staff(R.LEADER, tree["d1"])
    # when the same report is asked for again, by the same or another leader, or through the page
    again = services.report_request(
        kind="monthly_membership", union=tree["d1"], params={"month": THIS_MONTH}, by=other_leader
    )
    Report.objects.filter(pk=first.pk).update(status=S.RUNNING)
    response = client_for(leader).post(
        reverse("reports:request"), {"kind": "monthly_membership", "union": tree["d1"].pk, "month": THIS_MONTH}
    )
    # then it is the same record
    assert again.pk == first.pk
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[first.pk])
    assert Report.objects.count() == 1


def test_a_done_report_is_reused_until_it_expires(tree, leader, members, django_capture_on_commit_callbacks):
    report = build(
        Report.Kind.MONTHLY_MEMBERSHIP,
        tree["d1"],
        leader,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert (
        build(
            Report.Kind.MONTHLY_MEMBERSHIP,
            tree["d1"],
            leader,
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        ).pk
        == report.pk
    )
    Report.objects.filter(pk=report.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert expire_reports() == 1
    report.refresh_from_db()
    assert report.status == S.EXPIRED and not report.file
    assert client_for(leader).get(reverse("reports:download", args=[report.pk])).status_code == 404
    fresh = build(
        Report.Kind.MONTHLY_MEMBERSHIP,
        tree["d1"],
        leader,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert fresh.pk != report.pk and fresh.status == S.DONE


# --- the broker down, the task too slow, a repeated delivery ----------------------------------------------


@pytest.fixture
def broker_down(settings):
    """The Celery app pointed at a closed port, not eager: what production sees when Redis is down."""
    from unionportal.celery import app

    saved = {
        k: app.conf[k]
        for k in ("broker_url", "task_always_eager", "broker_connection_retry", "broker_connection_timeout")
    }
    app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False, broker_connection_timeout=1)
    app._pool = app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = app.amqp._producer_pool = None


def test_broker_down_leaves_the_report_queued_and_the_page_answers(
    tree, leader, broker_down, django_capture_on_commit_callbacks
):
    client = client_for(leader)
    # when a leader asks for a report while the broker is unreachable
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request"), {"kind": "monthly_membership", "union": tree["d1"].pk, "month": THIS_MONTH}
        )
    # then the report is kept, queued, and its page says so
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == S.QUEUED and report.queued_at is None
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "The report is queued" in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()


def test_the_sweep_queues_again_what_the_broker_never_got(tree, leader, members):
    report = services.report_request(
        kind="monthly_membership", union=tree["d1"], params={"month": THIS_MONTH}, by=leader
    )
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    from accounts.tasks import jobs_requeue_stale

    # eager here: the broker "came back" and the task ran
    assert jobs_requeue_stale()["reports.Report"] == 1
    report.refresh_from_db()
    assert report.status == S.DONE


def test_a_build_that_exceeds_its_time_limit_ends_failed_with_a_message(tree, leader, monkeypatch):
    # Celery's soft time limit raises SoftTimeLimitExceeded inside the task; the worker test shows the
    # real signal (tests/reports/test_worker.py), this one what the build makes of it.
    report = services.report_request(
        kind="monthly_membership", union=tree["d1"], params={"month": THIS_MONTH}, by=leader
    )

    def too_slow(report):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(builders, "build", too_slow)
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == S.FAILED
    assert "took too long" in report.error
    assert "took too long" in client_for(leader).get(reverse("reports:detail", args=[report.pk])).content.decode()


def test_a_task_delivered_again_after_a_worker_died_finishes_the_same_record_with_one_file(tree, leader, members):
    report = services.report_request(
        kind="monthly_membership", union=tree["d1"], params={"month": THIS_MONTH}, by=leader
    )
    # given a worker that died mid-build: the record says running
    Report.objects.filter(pk=report.pk).update(status=S.RUNNING, started_at=timezone.now())
    # when the task comes back, and once more after it finished
    services.report_build(report_id=report.pk)
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == S.DONE and report.attempts == 1
    from pathlib import Path

    files = list(Path(report.file.storage.path("reports")).rglob("*.pdf"))
    assert len(files) == 1


def test_htmx_poll_gets_only_the_status_block(tree, leader):
    report = services.report_request(
        kind="monthly_membership", union=tree["d1"], params={"month": THIS_MONTH}, by=leader
    )
    response = client_for(leader).get(reverse("reports:detail", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and 'id="report-status"' in response.content.decode()


# --- the monthly schedule ------------------------------------------------------------------------------


def test_monthly_build_makes_last_months_reports_and_tells_each_leader_once(
    tree, members, django_capture_on_commit_callbacks
):
    # given leaders at the city and a district
    city_leader, district_leader = staff(R.LEADER, tree["city"]), staff(R.LEADER, tree["d1"])
    # when the schedule runs, twice
    with django_capture_on_commit_callbacks(execute=True):
        assert build_monthly_reports() == 4  # the city, two districts, the industry union
    with django_capture_on_commit_callbacks(execute=True):
        build_monthly_reports()
    # then one report per node, each done, and one notification per leader
    reports = Report.objects.filter(kind=Report.Kind.MONTHLY_MEMBERSHIP)
    assert reports.count() == 4 and set(reports.values_list("status", flat=True)) == {S.DONE}
    assert {r.union for r in reports} == {tree["city"], tree["d1"], tree["d2"], tree["ind"]}
    assert Notification.objects.filter(recipient=city_leader, kind="report_ready").count() == 1
    note = Notification.objects.get(recipient=district_leader, kind="report_ready")
    assert note.url == reverse("reports:detail", args=[reports.get(union=tree["d1"]).pk])
    assert client_for(district_leader).get(note.url).status_code == 200


def test_schedules_exist_after_migrate(db):
    task = PeriodicTask.objects.get(task="reports.build_monthly")
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("0", "2", "1")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    assert PeriodicTask.objects.filter(task__in=["accounts.jobs_requeue_stale", "reports.expire"]).count() == 2


def test_list_page_renders_in_chinese_by_default(tree, leader):
    client = Client()
    client.force_login(leader)
    response = client.get(reverse("reports:list"))
    assert response.status_code == 200


def test_list_page_query_count_stays_flat(tree, leader, django_assert_max_num_queries):
    for month in ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05"):
        services.report_request(kind="monthly_membership", union=tree["d1"], params={"month": month}, by=leader)
    client = client_for(leader)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("reports:list")).status_code == 200
