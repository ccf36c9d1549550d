"""Judging services: assigning and removing judges, declaring conflicts, and score sheets with their
bad input (nothing is written when anything is wrong)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import Competition, Judge, JudgeConflict, Score, Scoresheet
from campaigns.services import judging as service
from unions.models import Union

from ..factories import UserFactory, make_child
from .factories import EntryFactory

D = Decimal
S = Competition.Status


@pytest.fixture
def reviewing(competition):
    competition.status = S.REVIEWING
    competition.save(update_fields=["status"])
    return competition


@pytest.fixture
def g4(tree):
    """A second grassroots union in district 1."""
    return make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会")


def criteria(competition):
    return list(competition.criteria.order_by("order"))


def test_assign_finds_the_account_by_username_email_or_mobile(competition, organiser):
    user = UserFactory(username="zhang", email="Zhang@Example.org", phone="13912345678")
    for text in ("zhang", "zhang@example.org", "13912345678"):
        assert service.find_account(f" {text} ") == user
    with pytest.raises(ValidationError, match="No single account"):
        service.find_account("nobody")
    judge = service.judge_assign(competition=competition, user=user, name="张工", title="高级技师", by=organiser)
    assert judge.conflicts_declared_at is None
    assert AuditEvent.objects.filter(action=kinds.JUDGE_ASSIGNED, target_id=str(judge.pk)).exists()
    with pytest.raises(ValidationError, match="already"):
        service.judge_assign(competition=competition, user=user, name="张工", by=organiser)


def test_only_the_organisers_staff_assign_and_the_own_unit_must_be_in_scope(
    competition, organiser, other_district_staff, clerk1, tree
):
    user = UserFactory()
    for outsider in (other_district_staff, clerk1):
        with pytest.raises(PermissionDenied):
            service.judge_assign(competition=competition, user=user, name="某", by=outsider)
    with pytest.raises(ValidationError, match="inside the competition"):
        service.judge_assign(competition=competition, user=user, name="某", own_union=tree["g2"], by=organiser)
    assert not Judge.objects.filter(user=user).exists()


def test_a_judge_with_a_completed_sheet_is_not_removed(reviewing, organiser, judge, tree):
    entry = EntryFactory(competition=reviewing, union=tree["g1"], entered_by=organiser)
    [skill, theory] = criteria(reviewing)
    service.scoresheet_save(
        judge=judge, entry=entry, values={skill.pk: (D(80), ""), theory.pk: (D(40), "")}, by=judge.user
    )
    with pytest.raises(ValidationError, match="cannot be removed"):
        service.judge_remove(judge=judge, by=organiser)
    other = service.judge_assign(competition=reviewing, user=UserFactory(), name="评委乙", by=organiser)
    service.judge_remove(judge=other, by=organiser)
    assert list(reviewing.judges.all()) == [judge]


def test_conflicts_are_declared_by_the_judge_inside_the_scope_and_none_is_a_declaration(
    competition, judge, organiser, tree, g4
):
    judge.conflicts_declared_at = None
    judge.save()
    with pytest.raises(PermissionDenied):
        service.conflicts_declare(judge=judge, unions=[g4], by=organiser)
    with pytest.raises(ValidationError, match="not a union inside"):
        service.conflicts_declare(judge=judge, unions=[g4, tree["g2"]], by=judge.user)
    assert not judge.conflicts.exists()
    service.conflicts_declare(judge=judge, unions=[], by=judge.user)
    judge.refresh_from_db()
    assert judge.conflicts_declared_at is not None
    service.conflicts_declare(judge=judge, unions=[g4], note="前同事", by=judge.user)
    assert [c.union for c in judge.conflicts.all()] == [g4]
    service.conflicts_declare(judge=judge, unions=[tree["g1"]], by=judge.user)
    assert [c.union for c in judge.conflicts.all()] == [tree["g1"]]


def test_a_union_already_scored_cannot_be_named_afterwards(reviewing, judge, organiser, tree, g4):
    entry = EntryFactory(competition=reviewing, union=g4, entered_by=organiser)
    [skill, _theory] = criteria(reviewing)
    service.scoresheet_save(judge=judge, entry=entry, values={skill.pk: (D(50), "")}, by=judge.user)
    with pytest.raises(ValidationError, match="already scored an entry of 东华门街道总工会"):
        service.conflicts_declare(judge=judge, unions=[tree["s1"]], by=judge.user)
    assert not JudgeConflict.objects.exists()


def test_a_sheet_is_completed_once_every_criterion_has_a_score(reviewing, judge, organiser, tree):
    entry = EntryFactory(competition=reviewing, union=tree["g1"], entered_by=organiser)
    [skill, theory] = criteria(reviewing)
    sheet = service.scoresheet_save(judge=judge, entry=entry, values={skill.pk: (D("80.5"), "稳")}, by=judge.user)
    assert sheet.completed_at is None
    sheet = service.scoresheet_save(
        judge=judge, entry=entry, values={skill.pk: (D("81"), "稳"), theory.pk: (D(50), "")}, by=judge.user
    )
    assert sheet.completed_at is not None
    assert sorted(Score.objects.values_list("value", flat=True)) == [D(50), D(81)]
    assert AuditEvent.objects.filter(action=kinds.ENTRY_SCORED).count() == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (D("100.01"), "above the maximum of 100"),
        (D(-1), "cannot be negative"),
        ("abc", "must be a number"),
        (D("1.005"), "at most two decimals"),
    ],
)
def test_bad_scores_write_nothing(reviewing, judge, organiser, tree, raw, message):
    entry = EntryFactory(competition=reviewing, union=tree["g1"], entered_by=organiser)
    [skill, theory] = criteria(reviewing)
    with pytest.raises(ValidationError, match=message):
        service.scoresheet_save(
            judge=judge, entry=entry, values={theory.pk: (D(40), ""), skill.pk: (raw, "")}, by=judge.user
        )
    assert not Scoresheet.objects.exists()
    assert not Score.objects.exists()


def test_a_conflicted_judge_cannot_score_and_nothing_is_written(reviewing, judge, organiser, tree):
    entry = EntryFactory(competition=reviewing, union=tree["g1"], entered_by=organiser)
    JudgeConflict.objects.create(judge=judge, union=tree["s1"])
    [skill, theory] = criteria(reviewing)
    with pytest.raises(PermissionDenied):
        service.scoresheet_save(
            judge=judge, entry=entry, values={skill.pk: (D(90), ""), theory.pk: (D(40), "")}, by=judge.user
        )
    assert not Scoresheet.objects.exists()


def test_no_scoring_before_declaring_nor_when_judging_is_not_open(competition, judge, organiser, tree):
    entry = EntryFactory(competition=competition, union=tree["g1"], entered_by=organiser)
    [skill, _theory] = criteria(competition)
    with pytest.raises(ValidationError, match="Judging is not open"):
        service.scoresheet_save(judge=judge, entry=entry, values={skill.pk: (D(9), "")}, by=judge.user)
    competition.status = S.REVIEWING
    competition.save()
    judge.conflicts_declared_at = None
    judge.save()
    with pytest.raises(ValidationError, match="Declare your conflicts"):
        service.scoresheet_save(judge=judge, entry=entry, values={skill.pk: (D(9), "")}, by=judge.user)
    with pytest.raises(PermissionDenied):
        service.scoresheet_save(judge=judge, entry=entry, values={skill.pk: (D(9), "")}, by=organiser)
    assert not Scoresheet.objects.exists()
