"""The scale city's cadres: written with ``seed_scale`` (through ``members_seeded``), at a tiny size here,
consistent with what the services would have written, and the same for the same seed and day."""

import datetime
import io
import math

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from cadres import models as m
from cadres.ledger import ledger_rows
from cadres.management.commands._scale_cadres import CadrePlan, seed_scale_cadres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TODAY = datetime.date(2026, 11, 21)


def seed() -> None:
    call_command("seed_scale", members=2000, unions=40, today=TODAY, stdout=io.StringIO())


def digest() -> list:
    return [
        list(m.Cadre.objects.order_by("id").values_list("name", "mobile", "union__name", "rank", "status")),
        list(m.TrainingClass.objects.order_by("id").values_list("title", "starts_on", "credit_hours", "status")),
        m.Attendance.objects.count(),
        list(m.Assessment.objects.order_by("id").values_list("cadre__mobile", "grade", "status")),
    ]


def test_seed_scale_gives_the_city_its_cadres_the_same_each_time():
    seed()
    first = digest()
    plan = CadrePlan.for_members(2000)
    assert m.Cadre.objects.count() == plan.cadres
    assert m.TrainingClass.objects.count() == plan.classes_per_year * plan.years
    assert m.Secondment.objects.count() == plan.secondments and m.GrassrootsStay.objects.count() == plan.stays
    assert m.TaskForce.objects.count() == plan.task_forces
    # Seeding again empties the city (and with it the cadres) and writes the same again.
    seed()
    assert digest() == first
    assert m.HoursRule.objects.count() == 5  # the default rules are back after the tables were emptied


def test_the_issue_sized_plan_and_a_smaller_city():
    plan = CadrePlan()
    assert (plan.cadres, plan.classes_per_year, plan.attendance_per_year, plan.years) == (5000, 300, 45_000, 5)
    assert (plan.secondments, plan.stays, plan.task_forces) == (400, 400, 60)
    assert CadrePlan.for_members(1_000_000) == plan
    assert CadrePlan.for_members(10_000).cadres == 500


def test_records_are_consistent_with_each_other():
    seed()
    # Written again at an explicit size, over the same city: attendance near the plan's rows a year.
    m.TaskForce.objects.all().delete()
    m.AssessmentRound.objects.all().delete()
    m.TrainingClass.objects.all().delete()
    m.LedgerYear.objects.all().delete()
    # The integrity records seed_scale also writes hold on to the cadres (PROTECT): cleared first.
    from integrity import models as integrity

    for model in (
        integrity.TalkCorrection,
        integrity.FourFormsEntry,
        integrity.Rectification,
        integrity.Talk,
        integrity.EducationAttendance,
        integrity.ResponsibilityLetter,
        integrity.OpinionLetter,
    ):
        model.objects.all().delete()
    m.Cadre.objects.all().delete()
    plan = CadrePlan(cadres=300, classes_per_year=20, attendance_per_year=1500, secondments=20, stays=20, task_forces=4)
    figures = seed_scale_cadres(TODAY, plan)
    assert figures["cadres"] == 300 and figures["classes"] == 100
    per_year = m.Attendance.objects.filter(on_date__year=TODAY.year - 1).count()
    assert 0.85 * 1500 <= per_year <= 1.1 * 1500
    # Credits follow attendance: completed in person = every day attended and the class's hours; withdrawn =
    # away for more than a seventh, nothing credited; nobody credited on a class that has not finished.
    enrolments = m.Enrolment.objects.select_related("training_class").annotate(days=Count("attendance"))
    for enrolment in enrolments:
        training_class = enrolment.training_class
        in_person = training_class.mode == m.TrainingMode.IN_PERSON
        if enrolment.status == "completed":
            assert training_class.status == "finished"
            assert enrolment.credited_hours == training_class.credit_hours
            assert enrolment.absent_hours <= training_class.credit_hours / 7
            assert enrolment.days == (training_class.days if in_person else 0)
        else:
            assert enrolment.credited_hours == 0
        if enrolment.status == "withdrawn":
            assert enrolment.absent_hours > training_class.credit_hours / 7
            assert enrolment.days == training_class.days - 1
        if training_class.status == "planned":
            assert enrolment.days == 0
    # One posting at a time per cadre; 优秀 within each unit's share; closed years frozen as computed.
    posted = list(m.Secondment.objects.values_list("cadre", flat=True))
    posted += list(m.GrassrootsStay.objects.values_list("cadre", flat=True))
    assert len(posted) == len(set(posted))
    share = m.CadreSettings.current().excellent_share_percent
    per_unit = m.Assessment.objects.values("round", "unit").annotate(
        n=Count("id"), excellent=Count("id", filter=Q(grade="excellent"))
    )
    assert all(row["excellent"] <= math.floor(row["n"] * share / 100) for row in per_unit)
    failed = m.PoliticalReview.objects.filter(conclusion="fail").values("cadre")
    assert not m.Assessment.objects.filter(cadre__in=failed, grade="excellent").exists()
    assert sorted(m.LedgerYear.objects.values_list("year", flat=True)) == list(range(TODAY.year - 4, TODAY.year))
    entry = m.LedgerEntry.objects.filter(year=TODAY.year - 1).exclude(in_person=0).first()
    [row] = ledger_rows(m.Cadre.objects.filter(pk=entry.cadre_id), TODAY.year - 1)
    assert (row.in_person, row.online, row.short, row.closed) == (entry.in_person, entry.online, entry.short, True)
    assert m.Cadre.objects.filter(status="in_post").count() > 0.9 * 300
