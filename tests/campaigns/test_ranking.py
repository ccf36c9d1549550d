"""The scoring scheme by hand-computed cases: weights, dropping the highest and lowest, and ties."""

import datetime
from decimal import Decimal

from campaigns.ranking import SHARED, TOP_CRITERION, CriterionRule, EntryScores, final_score, prize_positions, rank

D = Decimal
# Skill 60 % of a 100-point maximum, theory 40 % of a 50-point maximum.
CRITERIA = [CriterionRule(1, D(60), D(100), 1), CriterionRule(2, D(40), D(50), 2)]
T0 = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


def sheet(skill, theory):
    return {1: D(skill), 2: D(theory)}


def test_weights_scale_each_criterion_to_its_maximum():
    # 80/100 × 60 + 45/50 × 40 = 48 + 36 = 84
    assert final_score([sheet(80, 45)], CRITERIA, None) == D("84.000")


def test_the_mean_of_the_judges_totals_rounded_half_up_to_three_places():
    # totals 84, 70 (70/100×60 + 35/50×40 = 42 + 28), 90.5 (90.5×0.6 + 45/50×40 = 54.3 + 36)
    # mean (84 + 70 + 90.3) / 3 = 81.4333…
    assert final_score([sheet(80, 45), sheet(70, 35), sheet("90.5", 45)], CRITERIA, None) == D("81.433")


def test_highest_and_lowest_dropped_from_the_threshold_on():
    sheets = [sheet(80, 45), sheet(70, 35), sheet(100, 50), sheet(60, 30)]  # totals 84, 70, 100, 60
    assert final_score(sheets, CRITERIA, 4) == D("77.000")  # (84 + 70) / 2
    assert final_score(sheets, CRITERIA, 5) == D("78.500")  # below the threshold: all four count


def test_ties_go_to_the_heavier_criterion_then_the_earlier_entry():
    a = EntryScores(1, T0, [sheet(90, 30)])  # 54 + 24 = 78; skill 90
    b = EntryScores(2, T0 - datetime.timedelta(hours=1), [sheet(80, 35)])  # 48 + 28 = 76
    c = EntryScores(3, T0 + datetime.timedelta(hours=1), [sheet(70, 45)])  # 42 + 36 = 78; skill 70
    d = EntryScores(4, T0 - datetime.timedelta(hours=2), [sheet(90, 30)])  # 78, skill 90, entered earlier than a
    placed = rank([a, b, c, d], CRITERIA, drop_extremes_from=None, tie_rule=TOP_CRITERION)
    assert [(p.entry_id, p.rank) for p in placed] == [(4, 1), (1, 2), (3, 3), (2, 4)]


def test_shared_places_and_the_prizes_they_take():
    a = EntryScores(1, T0, [sheet(90, 30)])  # 78
    b = EntryScores(2, T0, [sheet(70, 45)])  # 78
    c = EntryScores(3, T0, [sheet(80, 35)])  # 76
    placed = rank([c, b, a], CRITERIA, drop_extremes_from=None, tie_rule=SHARED)
    assert [(p.entry_id, p.rank) for p in placed] == [(1, 1), (2, 1), (3, 3)]
    # One first prize, but the place is shared: both take it; the third place takes the second prize.
    assert prize_positions([("first", 1), ("second", 2)], placed) == {1: "first", 2: "first", 3: "second"}
