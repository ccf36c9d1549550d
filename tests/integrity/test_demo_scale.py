"""The scale city's integrity records: written with ``seed_scale`` (through ``members_seeded``, after the
cadres), at a tiny size here, in the plan's counts, consistent with the services' rules, and the same
for the same seed and day."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from cadres.models import Cadre
from integrity import models as m
from integrity.management.commands._scale_integrity import IntegrityPlan
from integrity.tracker import cadres_counted, uncovered_cadres
from unions.models import Union

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TODAY = datetime.date(2026, 11, 21)


def seed() -> None:
    call_command("seed_scale", members=2000, unions=40, today=TODAY, stdout=io.StringIO())


def digest() -> list:
    return [
        list(m.Talk.objects.order_by("id").values_list("cadre__mobile", "kind", "held_on", "status")),
        list(m.Rectification.objects.order_by("id").values_list("deadline", "status")),
        list(m.ResponsibilityLetter.objects.order_by("id").values_list("union__name", "year", "department", "status")),
        list(m.OpinionLetter.objects.order_by("id").values_list("cadre__mobile", "status", "number", "as_of")),
    ]


def test_seed_scale_writes_the_plans_counts_the_same_each_time():
    seed()
    first = digest()
    plan = IntegrityPlan.for_cadres(Cadre.objects.count())
    assert m.Talk.objects.filter(kind="routine").count() == plan.routine_per_year * plan.years
    assert m.Talk.objects.exclude(kind="routine").count() == plan.other_per_year * plan.years
    assert m.OpinionLetter.objects.count() == plan.opinions
    letters = m.ResponsibilityLetter.objects.values("year").annotate(n=Count("id"))
    assert len(letters) == plan.years and all(row["n"] == plan.letters_per_year for row in letters)
    assert m.EducationAttendance.objects.exists() and m.FourFormsEntry.objects.exists()
    assert m.Rectification.objects.exists()
    # Seeding again empties the city (and with it every record) and writes the same again.
    seed()
    assert digest() == first


def test_the_issue_sized_plan_and_a_smaller_city():
    plan = IntegrityPlan()
    assert (plan.routine_per_year, plan.other_per_year, plan.years) == (5000, 300, 5)
    assert (plan.routine_per_year + plan.other_per_year) * plan.years == 26_500
    assert (plan.letters_per_year, plan.opinions) == (500, 400)
    assert IntegrityPlan.for_cadres(5_000) == plan == IntegrityPlan.for_cadres(9_000)
    assert IntegrityPlan.for_cadres(500).routine_per_year == 500


def test_records_are_consistent_with_each_other():
    seed()
    city = Union.objects.get(depth=1)
    # The tracker: this year about a fifth uncovered, earlier years nearly all covered.
    counted = cadres_counted([city.path], TODAY.year).count()
    uncovered = uncovered_cadres([city.path], TODAY.year).count()
    assert 0.1 * counted <= uncovered <= 0.3 * counted
    assert (
        uncovered_cadres([city.path], TODAY.year - 1).count()
        <= 0.1 * cadres_counted([city.path], TODAY.year - 1).count()
    )
    # Talks held while the cadre served and not after the seed's day; drafts unfiled.
    for talk in m.Talk.objects.select_related("cadre"):
        assert talk.held_on <= TODAY and talk.held_on >= talk.cadre.in_post_since
        if talk.cadre.status != "in_post":
            assert talk.held_on < talk.cadre.status_changed_on
        assert (talk.filed_at is None) == (talk.status == "draft")
    # Rectification items: after their talk; struck off only on closed talks; a rectifying talk has an item open.
    for item in m.Rectification.objects.select_related("talk"):
        assert item.deadline > item.talk.held_on and item.cadre_id == item.talk.cadre_id
        assert (item.status == "struck_off") == (item.talk.status == "closed")
    assert (
        not m.Talk.objects.filter(kind__in=["routine", "heart_to_heart", "pre_appointment"])
        .exclude(supervision_form="")
        .exists()
    )
    # Opinion letters numbered per year without a gap, valid three months; the latest requests waiting.
    for year in m.OpinionLetter.objects.exclude(sequence_year=None).values_list("sequence_year", flat=True).distinct():
        sequences = sorted(m.OpinionLetter.objects.filter(sequence_year=year).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
    assert m.OpinionLetter.objects.filter(status="requested").exists()
    assert not m.OpinionLetter.objects.filter(status="issued", as_of__gte=TODAY).exists()
    # Letters: at most one per leader or department, node and year (the constraints), this year some unsigned.
    assert m.ResponsibilityLetter.objects.filter(year=TODAY.year).exclude(status="signed").exists()
    assert not m.ResponsibilityLetter.objects.filter(year__lt=TODAY.year).exclude(status="signed").exists()
    # Content is encrypted at rest.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM integrity_talk LIMIT 1")
        assert "中央八项规定" not in cursor.fetchone()[0]
