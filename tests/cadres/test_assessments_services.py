"""The yearly assessment's rules: opening a round, the self-report, the grade (the 优秀 share, the
one-vote veto, no change after confirmation, states in order), the leader's confirmation, publishing."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from cadres import kinds
from cadres.models import Assessment, AssessmentRound, CadreSettings, PoliticalReview
from cadres.services.assessments import (
    assessment_evaluate,
    assessment_self_report,
    assessments_confirm,
    round_open,
    round_publish,
)
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory

YEAR = timezone.localdate().year
EXCELLENT, COMPETENT = "excellent", "competent"


def _due(days: int = 10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _open(union, by, **kwargs):
    return round_open(union=union, year=kwargs.pop("year", YEAR), self_report_due=_due(), by=by, **kwargs)


def _past_due(assessment_round: AssessmentRound) -> None:
    """The due date has passed: the officer may grade without a self-report."""
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(
        self_report_due=timezone.localdate() - datetime.timedelta(days=1)
    )


@pytest.fixture
def unit_of_ten(tree, cadre_officer):
    """Ten cadres of g1 in a round whose self-reports are overdue: 20 % of 10 = 2 places for 优秀."""
    cadres = [CadreFactory(union=tree["g1"]) for _ in range(10)]
    opened = _open(tree["g1"], cadre_officer)
    _past_due(opened.round)
    return [Assessment.objects.get(cadre=cadre, year=YEAR) for cadre in cadres]


# --- opening ---------------------------------------------------------------------------------------
def test_a_round_assesses_every_cadre_in_post_under_the_node_in_their_unit_and_skips_those_assessed(
    tree, cadre_officer, cadre, other_district_cadre
):
    # given: a cadre of d1 who left, and one at g1
    CadreFactory(union=tree["d1"], status="left")
    at_g1 = CadreFactory(union=tree["g1"])
    district = _open(tree["d1"], cadre_officer)
    assert district.assessed == 2 and district.skipped == 0
    assert {a.cadre_id: a.unit_id for a in district.round.assessments.all()} == {
        cadre.pk: tree["s1"].pk,
        at_g1.pk: tree["g1"].pk,
    }
    # when: the city opens its round for the same year
    city = _open(tree["city"], cadre_officer)
    # then: d1's two are left out and counted; only district 2's cadre is in it
    assert (city.assessed, city.skipped) == (1, 2)
    assert list(city.round.assessments.values_list("cadre_id", flat=True)) == [other_district_cadre.pk]
    assert AuditEvent.objects.filter(action=kinds.ASSESSMENT_ROUND_OPENED).count() == 2
    # the cadre with an account is asked for the self-report
    assert Notification.objects.filter(recipient=cadre.user, kind=kinds.ASSESSMENT_ROUND_OPENED).count() == 1


def test_a_round_outside_scope_twice_or_with_a_past_due_date_is_refused(
    tree, district_cadre_officer, cadre, other_district_cadre
):
    with pytest.raises(PermissionDenied):
        _open(tree["d2"], district_cadre_officer)
    with pytest.raises(ValidationError, match="passed"):
        round_open(
            union=tree["d1"],
            year=YEAR,
            self_report_due=timezone.localdate() - datetime.timedelta(days=1),
            by=district_cadre_officer,
        )
    _open(tree["d1"], district_cadre_officer)
    with pytest.raises(ValidationError, match="already has an assessment round"):
        _open(tree["d1"], district_cadre_officer)
    with pytest.raises(ValidationError, match="already assessed"):
        _open(tree["s1"], district_cadre_officer)
    assert AssessmentRound.objects.count() == 1


# --- the self-report -----------------------------------------------------------------------------
def test_only_the_cadre_hands_in_their_self_report_and_not_after_grading(tree, cadre_officer, cadre):
    assessment = _open(tree["d1"], cadre_officer).round.assessments.get()
    with pytest.raises(PermissionDenied):
        assessment_self_report(assessment=assessment, text="我的总结", by=cadre_officer)
    with pytest.raises(ValidationError):
        assessment_self_report(assessment=assessment, text="   ", by=cadre.user)
    assessment_self_report(assessment=assessment, text="  一年来的工作总结  ", by=cadre.user)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.self_report) == ("self_reported", "一年来的工作总结")
    assessment_evaluate(assessment=assessment, grade=COMPETENT, comment="", by=cadre_officer)
    with pytest.raises(ValidationError, match="graded"):
        assessment_self_report(assessment=assessment, text="改一改", by=cadre.user)
    assessment.refresh_from_db()
    assert assessment.self_report == "一年来的工作总结"


# --- grading: states in order ------------------------------------------------------------------------
def test_grading_needs_the_self_report_until_the_due_date_has_passed(tree, cadre_officer, cadre):
    opened = _open(tree["d1"], cadre_officer)
    assessment = opened.round.assessments.get()
    with pytest.raises(ValidationError, match="not handed in a self-report"):
        assessment_evaluate(assessment=assessment, grade=COMPETENT, comment="", by=cadre_officer)
    assessment.refresh_from_db()
    assert assessment.status == "open" and assessment.grade == ""
    _past_due(opened.round)
    assessment_evaluate(assessment=assessment, grade=COMPETENT, comment="按时完成", by=cadre_officer)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.grade, assessment.evaluated_by) == ("evaluated", COMPETENT, cadre_officer)
    assert assessment.evidence["year"] == YEAR  # what the assessor was shown is kept


def test_states_out_of_order_are_refused(tree, cadre_officer, leader, cadre):
    opened = _open(tree["d1"], cadre_officer)
    assessment = opened.round.assessments.get()
    # confirming or publishing what is not graded yet
    with pytest.raises(ValidationError):
        assessments_confirm(assessment_round=opened.round, pks=[assessment.pk], by=leader)
    with pytest.raises(ValidationError, match="nothing to publish"):
        round_publish(assessment_round=opened.round, by=cadre_officer)
    assessment.refresh_from_db()
    assert assessment.status == "open"
    # a grade outside the four, a 基本称职 without a reason
    assessment_self_report(assessment=assessment, text="总结", by=cadre.user)
    with pytest.raises(ValidationError):
        assessment_evaluate(assessment=assessment, grade="splendid", comment="", by=cadre_officer)
    with pytest.raises(ValidationError, match="needs a reason"):
        assessment_evaluate(assessment=assessment, grade="basic", comment=" ", by=cadre_officer)
    # graded, confirmed, published: in order
    assessment_evaluate(assessment=assessment, grade=COMPETENT, comment="", by=cadre_officer)
    assert assessments_confirm(assessment_round=opened.round, pks=[assessment.pk], by=leader) == 1
    with pytest.raises(ValidationError):  # confirming twice
        assessments_confirm(assessment_round=opened.round, pks=[assessment.pk], by=leader)
    assert round_publish(assessment_round=opened.round, by=cadre_officer) == 1
    assessment.refresh_from_db()
    opened.round.refresh_from_db()
    assert assessment.status == "published" and assessment.published_at is not None
    assert opened.round.status == "closed"  # everything is published
    with pytest.raises(ValidationError, match="closed"):
        round_publish(assessment_round=opened.round, by=cadre_officer)
    # the cadre is told
    assert Notification.objects.filter(recipient=cadre.user, kind=kinds.ASSESSMENT_PUBLISHED).count() == 1


def test_a_confirmed_or_published_grade_can_no_longer_be_changed(tree, cadre_officer, leader, unit_of_ten):
    first = unit_of_ten[0]
    assessment_evaluate(assessment=first, grade=COMPETENT, comment="", by=cadre_officer)
    assessments_confirm(assessment_round=first.round, pks=[first.pk], by=leader)
    with pytest.raises(ValidationError, match="A confirmed assessment can no longer be changed"):
        assessment_evaluate(assessment=first, grade=EXCELLENT, comment="", by=cadre_officer)
    round_publish(assessment_round=first.round, by=cadre_officer)
    with pytest.raises(ValidationError, match="A confirmed assessment can no longer be changed"):
        assessment_evaluate(assessment=first, grade="basic", comment="不行", by=cadre_officer)
    first.refresh_from_db()
    assert (first.status, first.grade) == ("published", COMPETENT)


def test_the_message_for_a_confirmed_assessment_is_in_chinese(tree, cadre_officer, leader, unit_of_ten):
    from django.utils import translation

    first = unit_of_ten[0]
    assessment_evaluate(assessment=first, grade=COMPETENT, comment="", by=cadre_officer)
    assessments_confirm(assessment_round=first.round, pks=[first.pk], by=leader)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        assessment_evaluate(assessment=first, grade=EXCELLENT, comment="", by=cadre_officer)
    assert refused.value.messages == ["已确认的考核结果不能修改"]


# --- the 优秀 share ------------------------------------------------------------------------------------
def test_excellent_is_limited_to_the_units_share_rounded_down_and_a_grade_changed_away_frees_the_place(
    tree, cadre_officer, unit_of_ten
):
    # given: 10 assessed in g1 and the default share of 20 %: 2 places
    assert CadreSettings.current().excellent_share_percent == 20
    first, second, third = unit_of_ten[:3]
    assessment_evaluate(assessment=first, grade=EXCELLENT, comment="", by=cadre_officer)
    assessment_evaluate(assessment=second, grade=EXCELLENT, comment="", by=cadre_officer)
    # when: a third
    with pytest.raises(ValidationError) as refused:
        assessment_evaluate(assessment=third, grade=EXCELLENT, comment="", by=cadre_officer)
    # then: refused, naming the numbers; nothing written
    assert "10 cadres are assessed" in refused.value.messages[0]
    assert "at most 20%, that is at most 2, and 2 already have it" in refused.value.messages[0]
    third.refresh_from_db()
    assert (third.status, third.grade) == ("open", "")
    # re-saving one of the two as 优秀 is no third place
    assessment_evaluate(assessment=second, grade=EXCELLENT, comment="再次确认", by=cadre_officer)
    # a grade changed away frees the place
    assessment_evaluate(assessment=second, grade=COMPETENT, comment="", by=cadre_officer)
    assessment_evaluate(assessment=third, grade=EXCELLENT, comment="", by=cadre_officer)
    assert Assessment.objects.filter(unit=tree["g1"], grade=EXCELLENT).count() == 2


def test_the_share_message_in_chinese_names_the_numbers(tree, cadre_officer, unit_of_ten):
    from django.utils import translation

    for assessment in unit_of_ten[:2]:
        assessment_evaluate(assessment=assessment, grade=EXCELLENT, comment="", by=cadre_officer)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        assessment_evaluate(assessment=unit_of_ten[2], grade=EXCELLENT, comment="", by=cadre_officer)
    assert refused.value.messages == ["本单位参加考核 10 人，优秀比例不超过 20%，即至多 2 人，已有 2 人"]


def test_the_share_counts_each_unit_apart_and_follows_the_setting(tree, cadre_officer, unit_of_ten):
    # four cadres at s1: 20 % of 4 = 0.8, rounded down: no 优秀 at all
    at_s1 = [CadreFactory(union=tree["s1"]) for _ in range(4)]
    opened = _open(tree["s1"], cadre_officer)
    _past_due(opened.round)
    s1_first = Assessment.objects.get(cadre=at_s1[0])
    with pytest.raises(ValidationError, match="at most 0"):
        assessment_evaluate(assessment=s1_first, grade=EXCELLENT, comment="", by=cadre_officer)
    # g1's places are g1's own
    assessment_evaluate(assessment=unit_of_ten[0], grade=EXCELLENT, comment="", by=cadre_officer)
    # a share of 25 % gives s1 one place
    CadreSettings.objects.filter(pk=1).update(excellent_share_percent=25)
    assessment_evaluate(assessment=s1_first, grade=EXCELLENT, comment="", by=cadre_officer)


def test_a_confirmed_or_published_excellent_keeps_its_place(tree, cadre_officer, leader, unit_of_ten):
    first, second, third = unit_of_ten[:3]
    for assessment in (first, second):
        assessment_evaluate(assessment=assessment, grade=EXCELLENT, comment="", by=cadre_officer)
    assessments_confirm(assessment_round=first.round, pks=[first.pk], by=leader)
    round_publish(assessment_round=first.round, by=cadre_officer)
    with pytest.raises(ValidationError, match="2 already have it"):
        assessment_evaluate(assessment=third, grade=EXCELLENT, comment="", by=cadre_officer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_cannot_both_take_the_last_place(tree, cadre_officer, district_cadre_officer):
    """Two officers grade 优秀 at the same moment when one place is left: one of them is refused."""
    cadres = [CadreFactory(union=tree["g1"]) for _ in range(5)]  # 20 % of 5: one place
    opened = _open(tree["g1"], cadre_officer)
    _past_due(opened.round)
    first, second = (Assessment.objects.get(cadre=cadre) for cadre in cadres[:2])
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def grade(assessment, officer):
        try:
            start.wait()
            assessment_evaluate(assessment=assessment, grade=EXCELLENT, comment="", by=officer)
            outcomes.append("graded")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()  # the thread's own connection: the test database can be dropped afterwards

    threads = [
        threading.Thread(target=grade, args=(first, cadre_officer)),
        threading.Thread(target=grade, args=(second, district_cadre_officer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["graded", "refused"]
    assert Assessment.objects.filter(unit=tree["g1"], grade=EXCELLENT).count() == 1


# --- the one-vote veto --------------------------------------------------------------------------------
def test_an_unqualified_political_conclusion_vetoes_excellent_but_not_other_grades(tree, cadre_officer, unit_of_ten):
    first = unit_of_ten[0]
    PoliticalReview.objects.create(
        cadre=first.cadre,
        assessed_on=datetime.date(YEAR - 1, 6, 1),
        conclusion="fail",
        recorded_by=cadre_officer,
    )
    with pytest.raises(ValidationError, match="one-vote veto"):
        assessment_evaluate(assessment=first, grade=EXCELLENT, comment="", by=cadre_officer)
    assessment_evaluate(assessment=first, grade=COMPETENT, comment="", by=cadre_officer)
    # a later qualified conclusion lifts the veto
    PoliticalReview.objects.create(
        cadre=first.cadre, assessed_on=datetime.date(YEAR, 3, 1), conclusion="pass", recorded_by=cadre_officer
    )
    assessment_evaluate(assessment=first, grade=EXCELLENT, comment="", by=cadre_officer)


# --- who may -------------------------------------------------------------------------------------------
def test_a_leader_confirms_but_does_not_grade_and_an_officer_does_not_confirm(tree, cadre_officer, leader, unit_of_ten):
    first = unit_of_ten[0]
    with pytest.raises(PermissionDenied):
        assessment_evaluate(assessment=first, grade=COMPETENT, comment="", by=leader)
    assessment_evaluate(assessment=first, grade=COMPETENT, comment="", by=cadre_officer)
    with pytest.raises(PermissionDenied):
        assessments_confirm(assessment_round=first.round, pks=[first.pk], by=cadre_officer)
    with pytest.raises(PermissionDenied):
        round_publish(assessment_round=first.round, by=leader)
    other_leader = staff(Role.Kind.LEADER, tree["d2"])
    with pytest.raises(PermissionDenied):
        assessments_confirm(assessment_round=first.round, pks=[first.pk], by=other_leader)
    assert assessments_confirm(assessment_round=first.round, pks=[first.pk], by=leader) == 1


def test_an_officer_in_another_district_cannot_grade_and_nobody_grades_themself(tree, cadre_officer, unit_of_ten):
    d2_officer = staff(Role.Kind.CADRE_OFFICER, tree["d2"])
    with pytest.raises(PermissionDenied):
        assessment_evaluate(assessment=unit_of_ten[0], grade=COMPETENT, comment="", by=d2_officer)
    # a g1 cadre who is also a cadre officer of g1's district
    officer_cadre = unit_of_ten[1].cadre
    officer_cadre.user = UserFactory()
    officer_cadre.save(update_fields=["user"])
    Role.objects.create(user=officer_cadre.user, union=tree["d1"], kind=Role.Kind.CADRE_OFFICER)
    with pytest.raises(ValidationError, match="own assessment"):
        assessment_evaluate(assessment=unit_of_ten[1], grade=EXCELLENT, comment="", by=officer_cadre.user)


def test_a_publication_closes_the_round_only_when_everything_is_published(tree, cadre_officer, leader, unit_of_ten):
    first, second = unit_of_ten[:2]
    for assessment in (first, second):
        assessment_evaluate(assessment=assessment, grade=COMPETENT, comment="", by=cadre_officer)
    assessments_confirm(assessment_round=first.round, pks=[first.pk], by=leader)
    assert round_publish(assessment_round=first.round, by=cadre_officer) == 1
    first.round.refresh_from_db()
    second.refresh_from_db()
    assert first.round.status == "open" and second.status == "evaluated"
