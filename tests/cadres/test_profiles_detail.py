"""A cadre's page: the facts, and every record as one timeline in date order, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import (
    Assessment,
    AssessmentRound,
    Attendance,
    Enrolment,
    ExternalTraining,
    GrassrootsStay,
    PoliticalReview,
    Rotation,
    Secondment,
    TaskForce,
    TaskForceMember,
)
from cadres.timeline import Kind, cadre_timeline
from tests.pages import client_for, text

from .factories import CadreFactory, TrainingClassFactory

D = datetime.date


def add_one_of_each(cadre, officer, tree, *, offset: int = 0):
    """One record of each kind, on dates that interleave (offset shifts them by years)."""
    year = 2020 - offset

    def day(month, d=1):
        return D(year, month, d)

    Rotation.objects.create(
        cadre=cadre,
        on_date=day(1, 10),
        from_union=tree["d1"],
        from_post="干事",
        from_rank="staff",
        to_union=cadre.union,
        to_post=cadre.post,
        to_rank=cadre.rank,
        recorded_by=officer,
    )
    PoliticalReview.objects.create(cadre=cadre, assessed_on=day(2), conclusion="pass", recorded_by=officer)
    training = TrainingClassFactory(
        organiser=tree["d1"], created_by=officer, starts_on=day(3), ends_on=day(3, 2), title=f"培训班{year}"
    )
    enrolment = Enrolment.objects.create(
        training_class=training, cadre=cadre, status="completed", credited_hours=Decimal("14.0")
    )
    Attendance.objects.create(enrolment=enrolment, on_date=day(3), source="officer")
    withdrawn_class = TrainingClassFactory(
        organiser=tree["d1"], created_by=officer, starts_on=day(4), ends_on=day(4), title=f"请假班{year}"
    )
    Enrolment.objects.create(training_class=withdrawn_class, cadre=cadre, status="withdrawn", absent_hours=3)
    ExternalTraining.objects.create(
        cadre=cadre,
        title=f"外部培训{year}",
        provider="省总工会干部学校",
        starts_on=day(5),
        ends_on=day(5, 3),
        hours=Decimal("24"),
        certificate="cadres/certificates/x.pdf",
        filed_by=officer,
        status="approved",
    )
    Secondment.objects.create(
        cadre=cadre,
        host_name=f"某机械集团{year}",
        host_kind="enterprise",
        post_at_host="工会副主席",
        planned_start=day(6),
        planned_end=day(9),
        status="closed",
        host_grade="excellent",
        created_by=officer,
    )
    GrassrootsStay.objects.create(
        cadre=cadre, union=tree["g1"], starts_on=day(10), ends_on=day(10, 20), status="reviewed", created_by=officer
    )
    force = TaskForce.objects.create(
        organiser=tree["d1"],
        name=f"新就业形态入会专班{year}",
        purpose="入会",
        lead=CadreFactory(union=tree["d1"]),
        starts_on=day(11),
        ends_on=day(12),
        created_by=officer,
    )
    TaskForceMember.objects.create(task_force=force, cadre=cadre, joined_on=day(11, 5), grade="good")
    assessment_round = AssessmentRound.objects.create(
        union=tree["d1"], year=year, self_report_due=D(year + 1, 1, 15), opened_by=officer
    )
    Assessment.objects.create(
        round=assessment_round, cadre=cadre, year=year, unit=cadre.union, status="published", grade="competent"
    )


KINDS_IN_ORDER = [
    Kind.ASSESSMENT,
    Kind.TASK_FORCE,
    Kind.STAY,
    Kind.SECONDMENT,
    Kind.EXTERNAL,
    Kind.TRAINING,  # withdrawn, April
    Kind.TRAINING,  # completed, March
    Kind.POLITICAL,
    Kind.ROTATION,
]


def test_the_timeline_holds_each_kind_of_record_newest_first(tree, cadre, district_cadre_officer):
    add_one_of_each(cadre, district_cadre_officer, tree)

    items = cadre_timeline(cadre)

    assert [item.kind for item in items] == KINDS_IN_ORDER
    dates = [item.on for item in items]
    assert dates == sorted(dates, reverse=True)
    by_title = {item.title: item for item in items}
    assert by_title["培训班2020"].status == "Completed, hours credited"
    assert "Hours credited: 14" in by_title["培训班2020"].details
    assert "Days attended: 1 of 2" in by_title["培训班2020"].details
    assert by_title["请假班2020"].status == "Withdrawn: absent too long" and by_title["请假班2020"].tone == "danger"
    assert by_title["外部培训2020"].status == "Approved, hours credited"
    assert "Host's grade: Excellent" in by_title["某机械集团2020"].details
    assert by_title["新就业形态入会专班2020"].status == "Good"
    assert by_title["2020 yearly assessment"].status == "Published"
    assert "Grade: Competent" in by_title["2020 yearly assessment"].details
    assert by_title["干事 → 组织部部长"].kind == Kind.ROTATION


def test_the_page_shows_the_timeline_in_a_fixed_number_of_queries(
    tree, cadre, district_cadre_officer, django_assert_num_queries
):
    client = client_for(district_cadre_officer)
    url = reverse("cadres:cadre_detail", args=[cadre.pk])
    add_one_of_each(cadre, district_cadre_officer, tree)
    client.get(url)

    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    # the house's nine (session, user, roles, the menu's card check, inbox, the session's save in three),
    # the cadre and their latest political review, nine for the record (one per kind), three for the ledger
    assert len(short) <= 22, "\n".join(q["sql"][:100] for q in short.captured_queries)
    for offset in range(1, 4):
        add_one_of_each(cadre, district_cadre_officer, tree, offset=offset)
    with django_assert_num_queries(len(short)):
        response = client.get(url)
    assert len(response.context["timeline"]) == 4 * len(KINDS_IN_ORDER)


def test_the_page_shows_the_facts_and_the_full_mobile(tree, cadre, district_cadre_officer):
    add_one_of_each(cadre, district_cadre_officer, tree)
    body = text(client_for(district_cadre_officer).get(reverse("cadres:cadre_detail", args=[cadre.pk])))
    assert cadre.mobile in body and cadre.post in body and cadre.union.name in body
    for title in ("培训班2020", "某机械集团2020", "新就业形态入会专班2020", "外部培训2020"):
        assert title in body
    assert body.index("2020 yearly assessment") < body.index("培训班2020")  # newest first
    assert reverse("cadres:rotation_create", args=[cadre.pk]) in body
    assert reverse("cadres:political_create", args=[cadre.pk]) in body
    assert reverse("cadres:cadre_edit", args=[cadre.pk]) in body


def test_the_page_links_the_pdf_when_the_reports_page_exists(cadre, district_cadre_officer):
    from django.urls import NoReverseMatch

    try:
        pdf = reverse("reports:cadre_pdf", args=[cadre.pk])
    except NoReverseMatch:
        pytest.skip("the cadre PDF is not routed yet")
    assert pdf in text(client_for(district_cadre_officer).get(reverse("cadres:cadre_detail", args=[cadre.pk])))


def test_the_empty_record_says_so(cadre, district_cadre_officer):
    body = text(client_for(district_cadre_officer).get(reverse("cadres:cadre_detail", args=[cadre.pk])))
    assert "Nothing recorded yet" in body


def test_the_young_badge_and_the_veto_warning(tree, district_cadre_officer):
    young = CadreFactory(union=tree["s1"], birth_date=D(2000, 1, 1))
    PoliticalReview.objects.create(
        cadre=young, assessed_on=D(2025, 6, 1), conclusion="fail", issues_found="x", recorded_by=district_cadre_officer
    )
    body = text(client_for(district_cadre_officer).get(reverse("cadres:cadre_detail", args=[young.pk])))
    assert "Young cadre" in body and "one-vote veto" in body


def test_the_hours_of_the_last_years_are_shown(tree, cadre, district_cadre_officer):
    response = client_for(district_cadre_officer).get(reverse("cadres:cadre_detail", args=[cadre.pk]))
    hours = response.context["hours"]
    assert len(hours) == 5 and hours[-1].owed == Decimal("90")
    assert "Training hours" in text(response)
