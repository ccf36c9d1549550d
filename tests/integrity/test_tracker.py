"""The yearly routine talk tracker's queries (``integrity.tracker``) against hand-made years."""

import datetime

import pytest

from cadres.models import Cadre
from integrity import tracker
from integrity.models import FourFormsEntry, Talk

from ..cadres.factories import CadreFactory
from .factories import FourFormsEntryFactory, TalkFactory

pytestmark = pytest.mark.django_db


def talk(cadre, recorder, **kwargs):
    return TalkFactory(cadre=cadre, recorder=recorder, **kwargs)


def uncovered_names(paths, year):
    return sorted(tracker.uncovered_cadres(paths, year).values_list("name", flat=True))


def test_a_filed_routine_talk_held_in_the_year_covers_the_cadre(tree, discipline_officer):
    covered = CadreFactory(union=tree["s1"], name="已谈")
    CadreFactory(union=tree["s1"], name="未谈")
    talk(covered, discipline_officer, held_on=datetime.date(2026, 3, 10))

    assert uncovered_names([tree["city"].path], 2026) == ["未谈"]


def test_a_draft_routine_talk_does_not_cover(tree, discipline_officer):
    cadre = CadreFactory(union=tree["s1"], name="草稿")
    talk(cadre, discipline_officer, status=Talk.Status.DRAFT, filed_at=None)

    assert uncovered_names([tree["city"].path], 2026) == ["草稿"]


def test_rectifying_and_closed_talks_cover(tree, discipline_officer):
    rectifying = CadreFactory(union=tree["s1"], name="整改中")
    closed = CadreFactory(union=tree["s1"], name="已办结")
    talk(rectifying, discipline_officer, status=Talk.Status.RECTIFYING)
    talk(closed, discipline_officer, status=Talk.Status.CLOSED)

    assert uncovered_names([tree["city"].path], 2026) == []


def test_a_talk_held_in_another_year_does_not_cover(tree, discipline_officer):
    cadre = CadreFactory(union=tree["s1"], name="去年谈")
    talk(cadre, discipline_officer, held_on=datetime.date(2025, 12, 31))
    talk(cadre, discipline_officer, held_on=datetime.date(2027, 1, 1))

    assert uncovered_names([tree["city"].path], 2026) == ["去年谈"]
    assert uncovered_names([tree["city"].path], 2025) == []


def test_a_talk_of_another_kind_does_not_cover(tree, discipline_officer):
    cadre = CadreFactory(union=tree["s1"], name="提醒谈话")
    talk(cadre, discipline_officer, kind=Talk.Kind.REMINDER)
    talk(cadre, discipline_officer, kind=Talk.Kind.PRE_APPOINTMENT)

    assert uncovered_names([tree["city"].path], 2026) == ["提醒谈话"]


def test_a_cadre_who_left_or_retired_is_not_counted(tree):
    CadreFactory(union=tree["s1"], name="离职", status=Cadre.Status.LEFT)
    CadreFactory(union=tree["s1"], name="退休", status=Cadre.Status.RETIRED)

    assert uncovered_names([tree["city"].path], 2026) == []
    assert tracker.coverage_total([tree["city"].path], 2026) == (0, 0)


def test_a_cadre_joining_in_december_is_counted_but_not_one_joining_next_year(tree):
    CadreFactory(union=tree["s1"], name="十二月到岗", in_post_since=datetime.date(2026, 12, 31))
    CadreFactory(union=tree["s1"], name="明年到岗", in_post_since=datetime.date(2027, 1, 1))

    assert uncovered_names([tree["city"].path], 2026) == ["十二月到岗"]


def test_uncovered_cadres_stay_in_the_given_subtrees(tree):
    CadreFactory(union=tree["g1"], name="东城基层")
    CadreFactory(union=tree["s2"], name="西城街道")
    CadreFactory(union=tree["g3"], name="教育工会")

    assert uncovered_names([tree["d1"].path], 2026) == ["东城基层"]
    assert uncovered_names([tree["d1"].path, tree["ind"].path], 2026) == sorted(["教育工会", "东城基层"])
    assert uncovered_names([], 2026) == []


def test_routine_covered_ids_are_the_cadres_with_a_filed_routine_talk_that_year(tree, discipline_officer):
    covered = CadreFactory(union=tree["s1"])
    draft = CadreFactory(union=tree["s1"])
    talk(covered, discipline_officer)
    talk(covered, discipline_officer, held_on=datetime.date(2026, 11, 1))
    talk(draft, discipline_officer, status=Talk.Status.DRAFT)

    assert set(tracker.routine_covered_ids(2026)) == {covered.pk}


def test_coverage_by_child_counts_every_child_and_the_node_itself(tree, discipline_officer):
    at_city = CadreFactory(union=tree["city"], name="市总")
    d1_covered = CadreFactory(union=tree["g1"])
    CadreFactory(union=tree["s1"])
    CadreFactory(union=tree["s2"])
    talk(at_city, discipline_officer)
    talk(d1_covered, discipline_officer)

    rows = tracker.coverage_by_child(tree["city"], 2026)

    assert [(row.node.pk, row.at_node, row.in_post, row.covered) for row in rows] == [
        (tree["city"].pk, True, 1, 1),
        (tree["d1"].pk, False, 2, 1),
        (tree["d2"].pk, False, 1, 0),
        (tree["ind"].pk, False, 0, 0),
    ]
    assert rows[1].share == 0.5
    assert rows[1].uncovered == 1
    assert rows[3].share is None


def test_coverage_by_child_takes_two_queries(tree, discipline_officer, django_assert_num_queries):
    for node in ("g1", "g2", "g3", "s1", "s2"):
        talk(CadreFactory(union=tree[node]), discipline_officer)
        CadreFactory(union=tree[node])

    with django_assert_num_queries(2):
        rows = tracker.coverage_by_child(tree["city"], 2026)

    assert sum(row.in_post for row in rows) == 10
    assert sum(row.covered for row in rows) == 5


def test_four_forms_counts_by_form_in_the_year_and_the_subtrees(tree, discipline_officer):
    d1 = CadreFactory(union=tree["g1"])
    d2 = CadreFactory(union=tree["s2"])
    FourFormsEntryFactory(cadre=d1, created_by=discipline_officer)
    FourFormsEntryFactory(cadre=d1, created_by=discipline_officer, decided_on=datetime.date(2025, 6, 1))
    FourFormsEntryFactory(
        cadre=d1,
        created_by=discipline_officer,
        form=FourFormsEntry.Form.SECOND,
        measure=FourFormsEntry.Measure.LIGHT_SANCTION,
    )
    FourFormsEntryFactory(cadre=d2, created_by=discipline_officer)

    assert tracker.four_forms_counts([tree["d1"].path], 2026) == {1: 1, 2: 1, 3: 0, 4: 0}
    assert tracker.four_forms_counts([tree["city"].path], 2026) == {1: 2, 2: 1, 3: 0, 4: 0}
    assert tracker.four_forms_counts([tree["city"].path], 2025) == {1: 1, 2: 0, 3: 0, 4: 0}
