"""``seed_demo_cadres`` (run by ``seed_demo``): the demo city's cadres, within every rule the services keep,
the same after a second run, and work waiting for the demo cadre officer on first sign-in."""

import datetime
import io
import math
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from cadres import models as m
from cadres.ledger import ledger_rows
from cadres.management.commands._demo_cadres import YOUNG_CADRE_ACCOUNT
from cadres.permissions import can_manage_cadre, can_review_external
from cadres.selectors import cadres_visible_to, external_trainings_visible_to
from unions.models import Union

pytestmark = pytest.mark.django_db
MODELS = [
    m.Cadre, m.Rotation, m.PoliticalReview, m.TrainingClass, m.Enrolment, m.Attendance, m.ExternalTraining,
    m.LedgerYear, m.LedgerEntry, m.Secondment, m.GrassrootsStay, m.TaskForce, m.TaskForceMember,
    m.AssessmentRound, m.Assessment,
]  # fmt: skip


@pytest.fixture
def seed(settings):
    """The demo city (a few members per union) and its cadres, as `make run` seeds them (DEBUG on)."""
    settings.DEBUG = True

    def _seed() -> str:
        out = io.StringIO()
        call_command("seed_demo", "--member-cap", "2", stdout=out)  # which runs seed_demo_cadres
        return out.getvalue()

    return _seed


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS} | {"users": User.objects.count()}


def test_seeding_twice_adds_nothing(seed):
    first_output = seed()
    first = counts()
    second_output = seed()
    assert counts() == first
    assert "干部 Cadres: cadres" in first_output and "nothing added" not in first_output
    assert "nothing added" in second_output
    # A believable corps: every record kind is there.
    assert 130 <= first["Cadre"] <= 170
    assert all(first[model.__name__] > 0 for model in MODELS), first


def test_refused_with_debug_off_and_without_the_demo_city(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_cadres", stdout=io.StringIO())
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_cadres", stdout=io.StringIO())


def test_the_corps_keeps_every_rule_the_services_keep(seed):
    seed()
    today = timezone.localdate()
    C = m.Cadre.objects
    # Ranks match the level; the city's chair is the one bureau-level cadre; young and departed ones exist.
    assert set(C.filter(union__depth=3).values_list("rank", flat=True)) <= {"township_section", "staff", "clerk"}
    assert C.filter(rank="bureau").count() == 1
    assert sum(c.is_young_on(today) for c in C.all()) >= 25
    assert C.filter(status="left").count() == 4 and C.filter(status="retired").exists()
    assert C.values("mobile").distinct().count() == C.count()
    # Nobody is credited past the one-seventh leave limit; the withdrawn are credited nothing.
    for enrolment in m.Enrolment.objects.select_related("training_class"):
        limit = enrolment.training_class.credit_hours / 7
        if enrolment.status == m.Enrolment.Status.COMPLETED:
            assert enrolment.absent_hours <= limit
            assert enrolment.credited_hours == enrolment.training_class.credit_hours
        else:
            assert enrolment.credited_hours == 0
        if enrolment.status == m.Enrolment.Status.WITHDRAWN:
            assert enrolment.absent_hours > limit
    # Attendance only within the class's days, for classes that ran.
    for row in m.Attendance.objects.select_related("enrolment__training_class"):
        training_class = row.enrolment.training_class
        assert training_class.starts_on <= row.on_date <= min(training_class.ends_on, today)
        assert training_class.status != m.TrainingClass.Status.PLANNED
    statuses = Counter(m.TrainingClass.objects.values_list("status", flat=True))
    assert statuses["open"] == 1 and statuses["planned"] == 1 and statuses["finished"] >= 12
    assert m.TrainingClass.objects.filter(status="finished", ends_on__gte=today).count() == 0
    # No cadre has two secondments at once.
    for cadre_id in m.Secondment.objects.values_list("cadre", flat=True).distinct():
        spans = sorted((s.start, s.end) for s in m.Secondment.objects.filter(cadre_id=cadre_id))
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert set(m.Secondment.objects.values_list("status", flat=True)) == set(m.Secondment.Status.values)
    # 优秀 within each unit's share, never for a cadre whose latest political assessment failed.
    share = m.CadreSettings.current().excellent_share_percent
    per_unit = m.Assessment.objects.values("round", "unit").annotate(
        n=Count("id"), excellent=Count("id", filter=Q(grade=m.AssessmentGrade.EXCELLENT))
    )
    assert all(row["excellent"] <= math.floor(row["n"] * share / 100) for row in per_unit)
    assert m.Assessment.objects.filter(grade="excellent").exists()
    failed = m.PoliticalReview.objects.get(conclusion=m.PoliticalConclusion.FAIL)
    assert not m.Assessment.objects.filter(cadre=failed.cadre, grade="excellent").exists()
    # A closed year holds what the ledger computed from the same hours.
    last = today.year - 1
    assert m.LedgerYear.objects.filter(year=last).exists()
    entry = m.LedgerEntry.objects.filter(year=last, in_person__gt=0).first()
    assert entry is not None
    [row] = ledger_rows(C.filter(pk=entry.cadre_id), last)
    assert (row.in_person, row.online, row.counted, row.short, row.closed) == (
        entry.in_person, entry.online, entry.counted, entry.short, True
    )  # fmt: skip


def test_the_young_cadre_has_an_account_and_work_of_their_own(seed):
    seed()
    username, name, mobile = YOUNG_CADRE_ACCOUNT
    user = User.objects.get(username=username)
    assert (user.phone, user.phone_verified, user.name) == (mobile, True, name)
    assert user.has_usable_password() and user.emailaddress_set.filter(verified=True).exists()
    cadre = user.cadre
    first_district = Union.objects.filter(kind=Union.Kind.DISTRICT_FEDERATION).order_by("path").first()
    assert cadre.union == first_district and cadre.is_young and cadre.mobile == mobile
    assert m.Enrolment.objects.filter(cadre=cadre, training_class__status="open", status="enrolled").exists()
    assessment = m.Assessment.objects.get(cadre=cadre, year=timezone.localdate().year)
    assert assessment.status == m.Assessment.Status.OPEN and assessment.round.status == "open"
    force = m.TaskForce.objects.get(lead=cadre)
    assert force.status == m.TaskForce.Status.ASSESSING
    assert force.members.filter(grade="").exists() and force.members.exclude(grade="").exists()


def test_the_demo_cadre_officer_finds_work_on_first_sign_in(seed):
    seed()
    officer = User.objects.get(username="demo-cadre")
    today = timezone.localdate()
    visible = cadres_visible_to(officer)
    assert visible.count() == m.Cadre.objects.count()
    assert all(can_manage_cadre(officer, cadre) for cadre in visible[:20])
    waiting = list(external_trainings_visible_to(officer).filter(status="submitted"))
    assert len(waiting) >= 5 and all(can_review_external(officer, t) for t in waiting)
    assert m.ExternalTraining.objects.filter(status="returned").exclude(return_reason="").exists()
    # The ledger of this year has shortfalls.
    rows = ledger_rows(visible.filter(status="in_post"), today.year)
    assert sum(row.short > 0 for row in rows) > len(rows) // 3
    assert any(row.short == 0 for row in rows)
    # A secondment ends within 30 days; a report is overdue; one waits for review.
    S = m.Secondment.Status
    assert m.Secondment.objects.filter(
        status=S.ACTIVE, planned_end__range=(today, today + datetime.timedelta(30))
    ).exists()
    assert m.Secondment.objects.filter(status=S.REPORT_DUE, report_due_on__lt=today, report_submitted_at=None).exists()
    assert m.GrassrootsStay.objects.filter(status="report_due").exclude(report_submitted_at=None).exists()
    # An open round at the city for this year with self-reports in and some graded; last year's published.
    open_round = m.AssessmentRound.objects.get(year=today.year, status="open", union__depth=1)
    states = Counter(open_round.assessments.values_list("status", flat=True))
    assert states["open"] and states["self_reported"] and states["evaluated"]
    assert set(m.Assessment.objects.filter(year=today.year - 1).values_list("status", flat=True)) == {"published"}
    assert m.TaskForce.objects.filter(status="active").exists() and m.Rotation.objects.exists()
    assert m.TrainingClass.objects.get(status="open").enrolments.count() > 10
    assert m.Enrolment.objects.filter(credited_hours__gt=Decimal(0)).exists()


def test_the_demo_pages_have_data(seed):
    from django.test import Client
    from django.urls import reverse

    seed()
    officer = Client()
    officer.force_login(User.objects.get(username="demo-cadre"))
    young = m.Cadre.objects.get(user__username=YOUNG_CADRE_ACCOUNT[0])
    open_class = m.TrainingClass.objects.get(status="open")
    waiting = m.ExternalTraining.objects.filter(status="submitted").first()
    ending = m.Secondment.objects.filter(status="active").order_by("planned_end").first()
    force = m.TaskForce.objects.get(status="assessing")
    expected = {
        reverse("cadres:cadre_list"): young.union.name,
        reverse("cadres:cadre_detail", args=[young.pk]): young.name,
        reverse("cadres:ledger"): "90.0",
        reverse("cadres:external_list"): waiting.title,
        reverse("cadres:class_list"): open_class.title,
        reverse("cadres:secondment_list"): ending.host_name,
        reverse("cadres:task_force_list"): force.name,
        reverse("cadres:round_list"): str(timezone.localdate().year),
    }
    for url, text in expected.items():
        response = officer.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    cadre = Client()
    cadre.force_login(young.user)
    page = cadre.get(reverse("cadres:my_home")).content.decode()
    assert young.name in page and open_class.title in page and force.name in page
