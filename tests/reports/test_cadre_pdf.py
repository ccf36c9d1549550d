"""The cadre information form (干部信息表) as a PDF: who may download it, what each copy holds, the audit."""

import datetime
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import (
    Assessment,
    AssessmentRound,
    Enrolment,
    PoliticalReview,
    Secondment,
)
from reports.cadre_file import cadre_file_context
from tests.cadres.factories import CadreFactory, TrainingClassFactory
from tests.pages import client_for
from unions.models import Role

from ..factories import UserFactory, staff
from .test_reports import needs_poppler, pdf_fonts, pdf_text

R = Role.Kind
ISSUES = "会议记录不全，学习笔记缺失"
MEASURES = "每月检查学习笔记"
FEEDBACK = "已当面反馈，本人表示整改"
ASSESSOR = "工作作风有待进一步改进"
HOST = "对接企业积极主动"


@pytest.fixture
def officer(tree):
    """District 1's cadre officer."""
    return staff(R.CADRE_OFFICER, tree["d1"], username="cadre-officer-d1")


@pytest.fixture
def record(tree, officer):
    """A cadre of street federation s1 with an account and a record of each kind that holds something
    the cadre may not read: issues found and measures, an assessor's comment, a host's grade and comment."""
    today = timezone.localdate()
    cadre = CadreFactory(
        union=tree["s1"],
        user=UserFactory(username="cadre-li"),
        name="李晓明",
        post="组织宣传部部长",
        birth_date=datetime.date(1992, 6, 1),
    )
    PoliticalReview.objects.create(
        cadre=cadre,
        assessed_on=datetime.date(today.year - 1, 6, 30),
        conclusion="basic",
        issues_found=ISSUES,
        measures=MEASURES,
        feedback=FEEDBACK,
        recorded_by=officer,
    )
    course = TrainingClassFactory(
        organiser=tree["d1"],
        created_by=officer,
        title="工会法专题培训班",
        starts_on=datetime.date(today.year, 3, 9),
        ends_on=datetime.date(today.year, 3, 10),
        credit_hours=Decimal("14.0"),
        status="finished",
    )
    Enrolment.objects.create(
        training_class=course, cadre=cadre, status=Enrolment.Status.COMPLETED, credited_hours=Decimal("14.0")
    )
    Secondment.objects.create(
        cadre=cadre,
        host_name="东城精密机械有限公司",
        host_kind="enterprise",
        post_at_host="总经理助理",
        planned_start=datetime.date(today.year - 1, 3, 1),
        planned_end=datetime.date(today.year - 1, 8, 31),
        actual_start=datetime.date(today.year - 1, 3, 1),
        actual_end=datetime.date(today.year - 1, 8, 31),
        host_grade="good",
        host_comment=HOST,
        status=Secondment.Status.CLOSED,
        created_by=officer,
    )
    last_year = today.year - 1
    round_ = AssessmentRound.objects.create(
        union=tree["d1"], year=last_year, self_report_due=datetime.date(today.year, 1, 15), opened_by=officer
    )
    Assessment.objects.create(
        round=round_,
        cadre=cadre,
        year=last_year,
        unit=tree["s1"],
        status=Assessment.Status.PUBLISHED,
        grade="competent",
        assessor_comment=ASSESSOR,
        evidence={"hours": "met"},
        confirmed_at=timezone.now(),
        published_at=timezone.now(),
    )
    return cadre


def url(cadre) -> str:
    return reverse("reports:cadre_pdf", args=[cadre.pk])


def text_of(response, tmp_path) -> str:
    path = tmp_path / "cadre.pdf"
    path.write_bytes(response.content)
    return pdf_text(path)


@needs_poppler
def test_officer_in_scope_downloads_the_whole_form_and_the_download_is_audited(record, officer, tmp_path):
    # when the district's cadre officer downloads the form of a cadre of a street under it (in Chinese)
    client = client_for(officer, english=False)
    client.get(url(record))  # the process's first PDF loads the fonts
    started = time.monotonic()
    response = client.get(url(record))
    took = time.monotonic() - started
    # then it is a PDF, built in the request, with the Chinese title, the cadre's name and post
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "no-store" in response["Cache-Control"]
    assert took < 5, took  # well under a second on a quiet machine; generous for a busy one
    text = text_of(response, tmp_path)
    assert "干部信息表" in text and "李晓明" in text and "组织宣传部部长" in text
    # and the officer's copy holds the record: the class, the secondment, the political file's issues
    assert "工会法专题培训班" in text and "东城精密机械有限公司" in text and ISSUES in text
    # and this year's hours from the ledger: 14 done in person of the 90 owed, 76 short
    year = str(timezone.localdate().year)
    hours_line = next(line for line in text.splitlines() if line.split()[:1] == [year])
    assert hours_line.split()[1:6] == ["90", "14", "0", "14", "76"]
    # and the mobile is masked
    assert record.mobile not in text and record.mobile_masked in text
    # and the download is in the audit trail, naming the cadre and the node
    event = AuditEvent.objects.filter(action=kinds.CADRE_FILE_DOWNLOADED).last()
    assert event.actor == officer and event.target_id == str(record.pk) and event.union_path == record.union.path


@needs_poppler
def test_the_pdf_embeds_the_cjk_font(record, officer, tmp_path):
    response = client_for(officer, english=False).get(url(record))
    path = tmp_path / "cadre.pdf"
    path.write_bytes(response.content)
    fonts = pdf_fonts(path)
    assert "NotoSansCJK" in fonts.replace("-", "") and " yes " in fonts


@needs_poppler
def test_own_cadre_downloads_their_copy_without_what_the_assessors_wrote(record, tmp_path):
    # when the cadre downloads their own form
    response = client_for(record.user, english=False).get(url(record))
    # then they get it, not audited
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not AuditEvent.objects.filter(action=kinds.CADRE_FILE_DOWNLOADED).exists()
    text = text_of(response, tmp_path)
    assert "李晓明" in text and "组织宣传部部长" in text and "工会法专题培训班" in text
    # with the political file's conclusion and feedback, but not the issues found or the measures
    assert FEEDBACK in text and ISSUES not in text and MEASURES not in text
    # the published grade, but not the assessor's comment or the evidence, nor the host's grade or comment
    assert "称职" in text and ASSESSOR not in text and HOST not in text


def test_own_copy_shows_an_unpublished_grade_to_nobody_but_the_officer(record):
    # given last year's grade confirmed but not yet published
    Assessment.objects.filter(cadre=record).update(status=Assessment.Status.CONFIRMED, published_at=None)
    own = cadre_file_context(record, own=True)
    officer = cadre_file_context(record, own=False)
    # then the cadre's copy names no grade, the officer's does
    assert own["latest_grade"] is None and officer["latest_grade"].grade == "competent"
    own_text = " ".join(f"{item.text} {' '.join(item.notes)}" for item in own["items"])
    assert "Competent" not in own_text and "published" in own_text


def test_outside_scope_is_404(tree, record):
    # a cadre officer of the other district, a leader of this one (aggregates only), a union clerk, a
    # member of the public: none of them learns the cadre exists
    for user in (
        staff(R.CADRE_OFFICER, tree["d2"]),
        staff(R.LEADER, tree["d1"]),
        staff(R.UNION_CLERK, tree["g1"]),
        UserFactory(),
    ):
        assert client_for(user).get(url(record)).status_code == 404
    assert (
        client_for(staff(R.CADRE_OFFICER, tree["d1"])).get(reverse("reports:cadre_pdf", args=[999999])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action=kinds.CADRE_FILE_DOWNLOADED).exists()


def test_anonymous_is_sent_to_sign_in(record):
    response = client_for(None).get(url(record))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_cadre_gets_404_for_another_cadres_form(tree, record):
    colleague = CadreFactory(union=tree["s1"], name="赵敏")
    assert client_for(record.user).get(url(colleague)).status_code == 404


def test_the_record_costs_a_fixed_number_of_queries(tree, record, officer, django_assert_max_num_queries):
    # given a longer record: ten more classes
    for n in range(10):
        course = TrainingClassFactory(organiser=tree["d1"], created_by=officer, title=f"第{n}期")
        Enrolment.objects.create(training_class=course, cadre=record)
    # then both copies are read in a fixed number of queries (one per kind of record, the ledger's few)
    with django_assert_max_num_queries(20):
        cadre_file_context(record, own=False)
    with django_assert_max_num_queries(20):
        cadre_file_context(record, own=True)
