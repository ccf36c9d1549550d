"""What the assessor is shown: hours, task forces, postings of the year, the political file, and from
integrity only a yes/no through a registered provider."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cadres import evidence
from cadres.evidence import gather_evidence, register_integrity_flag, unregister_integrity_flag
from cadres.models import Assessment, GrassrootsStay, PoliticalReview, Secondment, TaskForce, TaskForceMember
from cadres.services.assessments import round_open

from .factories import CadreFactory

YEAR = timezone.localdate().year


@pytest.fixture
def assessment(tree, cadre_officer, cadre):
    round_open(
        union=tree["d1"], year=YEAR, self_report_due=timezone.localdate() + datetime.timedelta(days=5), by=cadre_officer
    )
    return Assessment.objects.select_related("cadre").get(cadre=cadre)


@pytest.fixture(autouse=True)
def _no_installed_provider():
    """These tests try the seam itself: the integrity app's own provider (registered when the portal
    starts) is set aside for each test and put back after it."""
    installed = list(evidence._integrity_flags)
    evidence._integrity_flags.clear()
    yield
    evidence._integrity_flags[:] = installed


@pytest.fixture
def integrity_provider():
    """A stand-in for the integrity app: answers what the test sets, per cadre."""
    answers: dict[int, object] = {}

    def flag(cadre, year):
        return answers.get(cadre.pk)

    register_integrity_flag(flag)
    yield answers
    unregister_integrity_flag(flag)


def test_without_an_integrity_provider_the_evidence_says_there_is_no_source(assessment):
    assert evidence._integrity_flags == []
    assert gather_evidence(assessment)["integrity"] == {"source": False}


def test_a_registered_provider_answers_only_yes_or_no(assessment, integrity_provider):
    assert gather_evidence(assessment)["integrity"] == {"source": True, "problem": None}
    integrity_provider[assessment.cadre_id] = False
    assert gather_evidence(assessment)["integrity"] == {"source": True, "problem": False}
    # whatever the provider hands back, only a yes reaches the assessment
    integrity_provider[assessment.cadre_id] = {"letter": "廉字〔2026〕3号", "category": "违反中央八项规定"}
    found = gather_evidence(assessment)["integrity"]
    assert found == {"source": True, "problem": True}
    assert "廉字" not in str(gather_evidence(assessment))


def test_a_failing_provider_counts_as_no_answer_and_registering_twice_is_once(assessment):
    def broken(cadre, year):
        raise RuntimeError("integrity database down")

    register_integrity_flag(broken)
    register_integrity_flag(broken)
    try:
        assert len(evidence._integrity_flags) == 1
        assert gather_evidence(assessment)["integrity"] == {"source": True, "problem": None}
    finally:
        unregister_integrity_flag(broken)


def test_the_evidence_holds_the_years_task_forces_postings_and_political_conclusion(tree, cadre_officer, assessment):
    cadre = assessment.cadre
    lead = CadreFactory(union=tree["d1"])
    this_year = TaskForce.objects.create(
        organiser=tree["d1"],
        name="今年的专班",
        purpose="入会",
        lead=lead,
        starts_on=datetime.date(YEAR, 2, 1),
        ends_on=datetime.date(YEAR, 5, 1),
        created_by=cadre_officer,
    )
    long_ago = TaskForce.objects.create(
        organiser=tree["d1"],
        name="前年的专班",
        purpose="入会",
        lead=lead,
        starts_on=datetime.date(YEAR - 2, 2, 1),
        ends_on=datetime.date(YEAR - 2, 5, 1),
        created_by=cadre_officer,
    )
    TaskForceMember.objects.create(
        task_force=this_year, cadre=cadre, joined_on=this_year.starts_on, grade="excellent", comment="表现突出"
    )
    TaskForceMember.objects.create(task_force=long_ago, cadre=cadre, joined_on=long_ago.starts_on, grade="poor")
    Secondment.objects.create(
        cadre=cadre,
        host_name="某科技园区",
        host_kind="park",
        post_at_host="副主任",
        planned_start=datetime.date(YEAR - 1, 9, 1),
        planned_end=datetime.date(YEAR, 3, 1),
        status="reviewed",
        host_grade="good",
        review_grade="excellent",
        created_by=cadre_officer,
    )
    Secondment.objects.create(  # planned only: not evidence yet
        cadre=cadre,
        host_name="计划中的企业",
        host_kind="enterprise",
        post_at_host="助理",
        planned_start=datetime.date(YEAR, 11, 1),
        planned_end=datetime.date(YEAR + 1, 3, 1),
        created_by=cadre_officer,
    )
    GrassrootsStay.objects.create(
        cadre=cadre,
        union=tree["g1"],
        starts_on=datetime.date(YEAR, 4, 1),
        ends_on=datetime.date(YEAR, 4, 30),
        status="reviewed",
        report_title="机器轰鸣中的调研",
        review_grade="fair",
        created_by=cadre_officer,
    )
    PoliticalReview.objects.create(
        cadre=cadre, assessed_on=datetime.date(YEAR - 1, 12, 1), conclusion="fail", recorded_by=cadre_officer
    )
    PoliticalReview.objects.create(
        cadre=cadre, assessed_on=datetime.date(YEAR, 6, 1), conclusion="pass", recorded_by=cadre_officer
    )

    found = gather_evidence(assessment)

    assert [(row["name"], row["grade"], row["comment"]) for row in found["task_forces"]] == [
        ("今年的专班", "excellent", "表现突出")
    ]
    assert [(row["host"], row["host_grade"], row["review_grade"]) for row in found["secondments"]] == [
        ("某科技园区", "good", "excellent")
    ]
    assert [(row["unit"], row["review_grade"]) for row in found["stays"]] == [(tree["g1"].name, "fair")]
    assert found["political"] == {"conclusion": "pass", "assessed_on": f"{YEAR}-06-01", "veto": False}


def test_the_hours_come_from_the_ledger(assessment):
    from cadres.ledger import cadre_years

    row = cadre_years(assessment.cadre, [YEAR])[0]
    hours = gather_evidence(assessment)["hours"]
    assert hours["available"] is True
    assert Decimal(hours["owed"]) == row.owed and Decimal(hours["short"]) == row.short
    assert hours["met"] is (row.short <= 0)
