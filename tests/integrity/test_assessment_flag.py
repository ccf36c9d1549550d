"""What the cadres' yearly assessment learns of integrity: through the provider the integrity app
registers, only whether the newest letter valid today shows a problem (yes/no, or nothing to go by),
never the letter's number, category, remarks or anything of the record."""

import datetime

import pytest
from django.utils import timezone

from cadres import evidence
from cadres.evidence import gather_evidence
from cadres.models import Assessment
from cadres.services.assessments import round_open
from integrity.assessment_flag import valid_letter_shows_problem
from integrity.services.opinions import letter_number

from .factories import OpinionLetterFactory, TalkFactory

TODAY = timezone.localdate()
YEAR = TODAY.year


def letter(cadre, requester, *, conclusion="no_problem", category="", as_of=None, days=90, status="issued", seq=1):
    as_of = as_of if as_of is not None else TODAY - datetime.timedelta(days=10)
    return OpinionLetterFactory(
        cadre=cadre,
        requested_by=requester,
        status=status,
        conclusion=conclusion if status == "issued" else "",
        problem_category=category,
        remarks="意见书备注机密七八九",
        as_of=as_of if status == "issued" else None,
        valid_until=as_of + datetime.timedelta(days=days) if status == "issued" else None,
        number=letter_number(YEAR, seq) if status == "issued" else "",
        sequence_year=YEAR if status == "issued" else None,
        sequence=seq if status == "issued" else None,
    )


@pytest.fixture
def assessment(tree, cadre_officer, cadre):
    round_open(union=tree["d1"], year=YEAR, self_report_due=TODAY + datetime.timedelta(days=5), by=cadre_officer)
    return Assessment.objects.select_related("cadre").get(cadre=cadre)


def test_the_integrity_app_registers_its_provider_with_the_cadres_evidence():
    assert valid_letter_shows_problem in evidence._integrity_flags


def test_nothing_valid_on_record_is_no_answer(cadre, cadre_officer, discipline_officer):
    assert valid_letter_shows_problem(cadre, YEAR) is None
    letter(cadre, cadre_officer, status="requested")
    letter(
        cadre, cadre_officer, conclusion="problem", category="work", seq=2, as_of=TODAY - datetime.timedelta(days=200)
    )
    letter(cadre, cadre_officer, conclusion="problem", category="work", seq=3, as_of=TODAY + datetime.timedelta(days=1))
    # a talk is no letter
    TalkFactory(cadre=cadre, recorder=discipline_officer, kind="admonishment")
    assert valid_letter_shows_problem(cadre, YEAR) is None


def test_a_valid_letter_answers_yes_or_no_the_newest_one_counting(cadre, cadre_officer):
    letter(cadre, cadre_officer, conclusion="no_problem", as_of=TODAY - datetime.timedelta(days=20), days=120)
    assert valid_letter_shows_problem(cadre, YEAR) is False
    letter(
        cadre,
        cadre_officer,
        conclusion="problem",
        category="integrity",
        seq=2,
        as_of=TODAY - datetime.timedelta(days=2),
    )
    assert valid_letter_shows_problem(cadre, YEAR) is True
    # the day after the newest expires, the older one (still valid) answers
    later = TODAY + datetime.timedelta(days=89)
    assert valid_letter_shows_problem(cadre, YEAR, today=later) is False
    assert valid_letter_shows_problem(cadre, YEAR, today=TODAY + datetime.timedelta(days=200)) is None


def test_the_answer_costs_one_query(cadre, cadre_officer, django_assert_num_queries):
    letter(cadre, cadre_officer, conclusion="problem", category="law")
    with django_assert_num_queries(1):
        assert valid_letter_shows_problem(cadre, YEAR) is True


def test_the_assessments_evidence_reads_yes_or_no_only(assessment, cadre, cadre_officer):
    assert gather_evidence(assessment)["integrity"] == {"source": True, "problem": None}
    clean = letter(cadre, cadre_officer, conclusion="no_problem", as_of=TODAY - datetime.timedelta(days=30))
    assert gather_evidence(assessment)["integrity"] == {"source": True, "problem": False}
    flagged = letter(cadre, cadre_officer, conclusion="problem", category="eight_point_rules", seq=2)
    found = gather_evidence(assessment)
    assert found["integrity"] == {"source": True, "problem": True}
    whole = str(found)
    for hidden in (flagged.number, clean.number, "eight_point_rules", "意见书备注", "廉意"):
        assert hidden not in whole
