"""Closing a competition through the database: the hand-computed ranking (weights, dropping the
highest and lowest, ties, sheets that do not count), the unjudged entries named, the ranking frozen,
and a 2,000-entry competition with five judges closed well under two seconds."""

import datetime
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from campaigns import kinds, scoring
from campaigns.models import Competition, Entry, Judge, Score, Scoresheet
from campaigns.services import judging
from campaigns.services.closing import competition_close
from unions.models import Union

from ..factories import UserFactory, make_child
from .factories import EntryFactory, JudgeFactory

D = Decimal
S = Competition.Status


@pytest.fixture
def g4(tree):
    return make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会")


@pytest.fixture
def contest(competition):
    competition.status = S.REVIEWING
    competition.drop_extremes_from = 3
    competition.save()
    return competition


def score(judge, entry, skill, theory):
    [c1, c2] = entry.competition.criteria.order_by("order")
    judging.scoresheet_save(
        judge=judge, entry=entry, values={c1.pk: (D(skill), ""), c2.pk: (D(theory), "")}, by=judge.user
    )


@pytest.fixture
def panel(contest, organiser, judge, tree, g4):
    """Three entries, three free judges and one who works at g1 (own unit)."""
    a = EntryFactory(competition=contest, union=tree["g1"], entered_by=organiser, name="甲班组")
    b = EntryFactory(competition=contest, union=g4, entered_by=organiser, name="乙班组")
    c = EntryFactory(competition=contest, union=tree["g1"], entered_by=organiser, name="丙班组")
    j2 = JudgeFactory(competition=contest, user=UserFactory(), assigned_by=organiser, name="评委乙")
    j3 = JudgeFactory(competition=contest, user=UserFactory(), assigned_by=organiser, name="评委丙")
    j4 = JudgeFactory(
        competition=contest, user=UserFactory(), assigned_by=organiser, name="评委丁", own_union=tree["g1"]
    )
    # declared nothing yet: does not hold up closing
    JudgeFactory(competition=contest, user=UserFactory(), assigned_by=organiser, conflicts_declared_at=None)
    return {"a": a, "b": b, "c": c, "j1": judge, "j2": j2, "j3": j3, "j4": j4}


def score_all_but_the_last(p):
    score(p["j1"], p["a"], 80, 45)  # 84
    score(p["j2"], p["a"], 70, 35)  # 70
    score(p["j3"], p["a"], 90, 40)  # 54 + 32 = 86
    score(p["j1"], p["b"], 90, 30)  # 54 + 24 = 78
    score(p["j2"], p["b"], 100, 50)  # 100
    score(p["j3"], p["b"], 60, 30)  # 36 + 24 = 60
    score(p["j4"], p["b"], 80, 40)  # 48 + 32 = 80
    score(p["j1"], p["c"], 70, 45)  # 42 + 36 = 78
    score(p["j2"], p["c"], 70, 45)  # 78


def test_the_hand_computed_ranking_is_frozen_at_closing(panel, organiser, tree):
    p = panel
    score_all_but_the_last(p)
    score(p["j3"], p["c"], 70, 45)  # 78
    # A sheet of the own-unit judge on A (as if written before the conflict): it must not count; if it
    # did, A's totals 84, 70, 86, 0 would drop to (70 + 84) / 2 = 77.
    sheet = Scoresheet.objects.create(judge=p["j4"], entry=p["a"], completed_at=timezone.now())
    for criterion in p["a"].competition.criteria.all():
        Score.objects.create(sheet=sheet, criterion=criterion, value=0)
    # A: 84, 70, 86 → drop 70 and 86 → 84; B: 78, 100, 60, 80 → (78 + 80) / 2 = 79; C: 78 × 3 → 78
    placed = competition_close(competition=p["a"].competition, by=organiser)
    assert [(x.entry_id, x.final_score, x.rank) for x in placed] == [
        (p["a"].pk, D("84.000"), 1),
        (p["b"].pk, D("79.000"), 2),
        (p["c"].pk, D("78.000"), 3),
    ]
    rows = Entry.objects.filter(competition=p["a"].competition).order_by("rank")
    assert [(e.name, e.final_score, e.rank) for e in rows] == [
        ("甲班组", D("84.000"), 1),
        ("乙班组", D("79.000"), 2),
        ("丙班组", D("78.000"), 3),
    ]
    competition = Competition.objects.get(pk=p["a"].competition_id)
    assert competition.status == S.CLOSED and competition.closed_by == organiser and competition.closed_at
    assert AuditEvent.objects.filter(action=kinds.COMPETITION_CLOSED, target_id=str(competition.pk)).exists()
    # then: frozen — no more scoring, no second closing, the places stay
    with pytest.raises(ValidationError, match="not open"):
        score(p["j1"], p["c"], 100, 50)
    with pytest.raises(ValidationError, match="Only a competition in judging"):
        competition_close(competition=competition, by=organiser)
    with pytest.raises(ValidationError, match="frozen"):
        judging.judge_remove(judge=Judge.objects.get(name="评委乙"), by=organiser)
    assert list(Entry.objects.order_by("rank").values_list("rank", flat=True)) == [1, 2, 3]


def test_ties_on_the_final_score_go_to_the_heavier_criterion_or_the_earlier_entry(panel, organiser):
    p = panel
    score_all_but_the_last(p)
    score(p["j3"], p["c"], 70, 45)  # C: 78 × 3 → 78, skill 70
    score(p["j4"], p["b"], 90, 30)  # B: 78, 100, 60, 78 → (78 + 78) / 2 = 78, skill mean 85
    Entry.objects.filter(pk=p["c"].pk).update(entered_at=p["b"].entered_at - datetime.timedelta(days=1))
    competition = p["a"].competition
    [a, b, c] = scoring.compute_ranking(competition)
    assert [(x.entry_id, x.final_score) for x in (a, b, c)] == [
        (p["a"].pk, D("84.000")),
        (p["b"].pk, D("78.000")),
        (p["c"].pk, D("78.000")),
    ]
    competition.tie_rule = Competition.TieRule.EARLIER_ENTRY
    competition.save()
    assert [x.entry_id for x in scoring.compute_ranking(competition)] == [p["a"].pk, p["c"].pk, p["b"].pk]
    competition.tie_rule = Competition.TieRule.SHARED
    competition.save()
    assert [x.rank for x in scoring.compute_ranking(competition)] == [1, 2, 2]


def test_closing_is_refused_while_entries_are_unjudged_and_names_them(panel, organiser):
    p = panel
    score_all_but_the_last(p)
    assert [e.name for e in scoring.unjudged_entries(p["a"].competition)] == ["丙班组"]
    with pytest.raises(ValidationError, match="not fully judged yet: 丙班组"):
        competition_close(competition=p["a"].competition, by=organiser)
    assert not Entry.objects.filter(rank__isnull=False).exists()
    assert Competition.objects.get(pk=p["a"].competition_id).status == S.REVIEWING


def test_an_entry_no_judge_may_judge_is_unjudged(contest, organiser, judge, tree):
    # given: the only judge works at g1, the only entry is g1's
    judge.own_union = tree["g1"]
    judge.save()
    entry = EntryFactory(competition=contest, union=tree["g1"], entered_by=organiser, name="孤班组")
    assert scoring.unjudged_entries(contest) == [entry]


def test_the_message_names_the_first_ten_and_counts_the_rest(contest, organiser, judge, tree):
    for n in range(12):
        EntryFactory(competition=contest, union=tree["g1"], entered_by=organiser, name=f"班组{n:02d}")
    with pytest.raises(ValidationError) as caught:
        competition_close(competition=contest, by=organiser)
    message = caught.value.messages[0]
    assert "班组09" in message and "班组10" not in message and "and 2 more" in message


def test_only_the_organisers_staff_close(contest, other_district_staff, clerk1, judge):
    from django.core.exceptions import PermissionDenied

    for outsider in (other_district_staff, clerk1, judge.user):
        with pytest.raises(PermissionDenied):
            competition_close(competition=contest, by=outsider)


def test_two_thousand_entries_and_five_judges_close_well_under_two_seconds(contest, organiser, tree, g4):
    # given: 2,000 accepted entries fully scored by five judges (20,000 scores)
    contest.drop_extremes_from = 5
    contest.save()
    criteria = list(contest.criteria.order_by("order"))
    judges = [
        JudgeFactory(competition=contest, user=UserFactory(), assigned_by=organiser, name=f"评委{n}") for n in range(5)
    ]
    t0 = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    entries = Entry.objects.bulk_create(
        Entry(
            competition=contest,
            union=tree["g1"] if n % 2 else g4,
            kind=Entry.Kind.TEAM,
            name=f"班组{n}",
            unit_name="厂",
            status=Entry.Status.ACCEPTED,
            entered_by=organiser,
            entered_at=t0 + datetime.timedelta(seconds=n),
        )
        for n in range(2000)
    )
    now = timezone.now()
    sheets = Scoresheet.objects.bulk_create(
        Scoresheet(judge=judge, entry=entry, completed_at=now) for entry in entries for judge in judges
    )
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=criterion, value=D((sheet.entry_id * 7 + sheet.judge_id * 3 + i) % 50))
        for sheet in sheets
        for i, criterion in enumerate(criteria)
    )
    # when
    started = time.perf_counter()
    placed = competition_close(competition=contest, by=organiser)
    elapsed = time.perf_counter() - started
    # then
    assert len(placed) == 2000
    assert Entry.objects.filter(competition=contest, rank__isnull=False).count() == 2000
    assert elapsed < 2, f"closing took {elapsed:.2f} s"
