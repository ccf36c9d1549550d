"""Secondments and grassroots stays: the state machine, its refusals, overlaps, the report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import GrassrootsStay, Secondment
from cadres.services import postings as services

from ..factories import UserFactory, credit_code
from .factories import CadreFactory

D = datetime.date
MARCH_1, AUGUST_31, JUNE_1, JUNE_30 = D(2026, 3, 1), D(2026, 8, 31), D(2026, 6, 1), D(2026, 6, 30)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(name="调研报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def plan(cadre, by, *, start=MARCH_1, end=AUGUST_31, host="东城精密机械有限公司", **extra):
    return services.secondment_create(
        cadre=cadre,
        host_name=host,
        host_kind="enterprise",
        post_at_host="总经理助理",
        planned_start=start,
        planned_end=end,
        by=by,
        **extra,
    )


def test_a_secondment_goes_through_every_state_and_the_start_and_review_are_audited(cadre, district_cadre_officer):
    officer = district_cadre_officer
    # given a planned secondment, its report due 30 days after the planned end
    secondment = plan(cadre, officer, project="新就业形态劳动者入会", host_credit_code=credit_code())
    assert secondment.status == Secondment.Status.PLANNED
    assert secondment.report_due_on == D(2026, 9, 30)

    # when it starts, the host evaluates, it ends, the cadre hands in the report, it is reviewed and closed
    services.secondment_start(secondment=secondment, on=D(2026, 3, 2), by=officer)
    services.secondment_evaluate_host(secondment=secondment, grade="excellent", comment="扎实肯干", by=officer)
    services.secondment_end(secondment=secondment, on=D(2026, 8, 30), by=officer)
    services.secondment_report_submit(secondment=secondment, title="园区调研报告", file=report(), by=cadre.user)
    services.secondment_review(secondment=secondment, grade="good", comment="有见地", by=officer)
    services.secondment_close(secondment=secondment, by=officer)

    # then
    secondment.refresh_from_db()
    assert secondment.status == Secondment.Status.CLOSED
    assert (secondment.actual_start, secondment.actual_end) == (D(2026, 3, 2), D(2026, 8, 30))
    assert (secondment.host_grade, secondment.review_grade, secondment.reviewed_by) == ("excellent", "good", officer)
    assert secondment.report_file.read() == PDF
    actions = list(AuditEvent.objects.filter(target_id=str(secondment.pk)).values_list("action", flat=True))
    assert sorted(actions) == sorted([kinds.SECONDMENT_STARTED, kinds.SECONDMENT_REVIEWED])


def test_steps_out_of_order_are_refused_with_the_state_named(cadre, district_cadre_officer):
    officer = district_cadre_officer
    secondment = plan(cadre, officer)
    for step in (
        lambda: services.secondment_end(secondment=secondment, on=D(2026, 8, 1), by=officer),
        lambda: services.secondment_review(secondment=secondment, grade="good", comment="", by=officer),
        lambda: services.secondment_close(secondment=secondment, by=officer),
        lambda: services.secondment_report_submit(secondment=secondment, title="t", file=report(), by=officer),
    ):
        with pytest.raises(ValidationError, match="the record is “Planned”"):
            step()
    services.secondment_start(secondment=secondment, on=D(2026, 3, 1), by=officer)
    with pytest.raises(ValidationError, match="“Active”"):
        services.secondment_start(secondment=secondment, on=D(2026, 3, 1), by=officer)
    assert Secondment.objects.get().status == Secondment.Status.ACTIVE


def test_an_end_before_the_start_is_refused_and_nothing_changes(cadre, district_cadre_officer):
    officer = district_cadre_officer
    with pytest.raises(ValidationError, match="end cannot be before the start"):
        plan(cadre, officer, start=D(2026, 5, 1), end=D(2026, 4, 1))
    secondment = plan(cadre, officer)
    services.secondment_start(secondment=secondment, on=D(2026, 3, 10), by=officer)
    with pytest.raises(ValidationError, match="end cannot be before the start"):
        services.secondment_end(secondment=secondment, on=D(2026, 3, 9), by=officer)
    secondment.refresh_from_db()
    assert (secondment.status, secondment.actual_end) == (Secondment.Status.ACTIVE, None)


def test_review_needs_the_report_and_the_hosts_evaluation(cadre, district_cadre_officer):
    officer = district_cadre_officer
    secondment = plan(cadre, officer)
    services.secondment_start(secondment=secondment, on=D(2026, 3, 1), by=officer)
    services.secondment_end(secondment=secondment, on=D(2026, 8, 31), by=officer)
    with pytest.raises(ValidationError, match="report has not been handed in"):
        services.secondment_review(secondment=secondment, grade="good", comment="", by=officer)
    services.secondment_report_submit(secondment=secondment, title="报告", file=report(), by=officer)
    with pytest.raises(ValidationError, match="host's evaluation"):
        services.secondment_review(secondment=secondment, grade="good", comment="", by=officer)
    secondment.refresh_from_db()
    assert (secondment.status, secondment.review_grade, secondment.reviewed_at) == ("report_due", "", None)


def test_an_overlapping_secondment_is_refused_naming_the_other(cadre, district_cadre_officer):
    officer = district_cadre_officer
    plan(cadre, officer, start=D(2026, 3, 1), end=D(2026, 6, 30), host="东城精密机械有限公司")
    with pytest.raises(ValidationError) as refused:
        plan(cadre, officer, start=D(2026, 6, 30), end=D(2026, 9, 30), host="中关村科技园")
    assert "东城精密机械有限公司" in refused.value.messages[0] and "2026" in refused.value.messages[0]
    # the next day is free; another cadre is not affected
    plan(cadre, officer, start=D(2026, 7, 1), end=D(2026, 9, 30), host="中关村科技园")
    plan(CadreFactory(union=cadre.union), officer, start=D(2026, 3, 1), end=D(2026, 6, 30))
    assert Secondment.objects.filter(cadre=cadre).count() == 2


def test_the_actual_dates_count_for_the_overlap_and_a_closed_secondment_does_not(cadre, district_cadre_officer):
    officer = district_cadre_officer
    first = plan(cadre, officer, start=D(2025, 3, 1), end=D(2025, 6, 30))
    services.secondment_start(secondment=first, on=D(2025, 3, 1), by=officer)
    # it ran longer than planned: the actual end counts
    services.secondment_end(secondment=first, on=D(2025, 8, 31), by=officer)
    with pytest.raises(ValidationError, match="overlap"):
        plan(cadre, officer, start=D(2025, 8, 1), end=D(2025, 12, 31))
    Secondment.objects.filter(pk=first.pk).update(status=Secondment.Status.CLOSED)
    assert plan(cadre, officer, start=D(2025, 8, 1), end=D(2025, 12, 31)).pk


def test_starting_late_cannot_run_into_the_next_secondment(cadre, district_cadre_officer):
    officer = district_cadre_officer
    first = plan(cadre, officer, start=D(2026, 1, 1), end=D(2026, 3, 31))
    plan(cadre, officer, start=D(2026, 4, 1), end=D(2026, 6, 30), host="中关村科技园")
    services.secondment_start(secondment=first, on=D(2026, 1, 5), by=officer)
    with pytest.raises(ValidationError, match="中关村科技园"):
        services.secondment_end(secondment=first, on=D(2026, 4, 15), by=officer)


def test_an_invalid_credit_code_is_refused(cadre, district_cadre_officer):
    with pytest.raises(ValidationError, match="credit code|check character|18 characters"):
        plan(cadre, district_cadre_officer, host_credit_code="91110105MA01234567")
    assert not Secondment.objects.exists()
    good = credit_code(7)
    assert plan(cadre, district_cadre_officer, host_credit_code=good.lower()).host_credit_code == good


def test_only_an_officer_over_the_cadre_plans_and_only_the_cadre_themself_hands_in_their_report(
    cadre, other_district_cadre, district_cadre_officer, cadre_officer
):
    with pytest.raises(PermissionDenied):
        plan(other_district_cadre, district_cadre_officer)
    secondment = plan(cadre, district_cadre_officer)
    services.secondment_start(secondment=secondment, on=D(2026, 3, 1), by=cadre_officer)
    stranger = UserFactory()
    CadreFactory(union=cadre.union, user=stranger)
    with pytest.raises(PermissionDenied):
        services.secondment_report_submit(secondment=secondment, title="报告", file=report(), by=stranger)
    with pytest.raises(PermissionDenied):  # the cadre hands in the report, and does nothing else
        services.secondment_end(secondment=secondment, on=D(2026, 8, 1), by=cadre.user)
    services.secondment_report_submit(secondment=secondment, title="报告", file=report(), by=cadre.user)
    secondment.refresh_from_db()
    assert services.allowed_steps(cadre.user, secondment) == ["submit_report"]


# --- grassroots stays ----------------------------------------------------------------------------
def stay(cadre, by, *, start=JUNE_1, end=JUNE_30, **where):
    where = where or {"employer_name": "东城区快递物流园"}
    return services.stay_create(cadre=cadre, starts_on=start, ends_on=end, by=by, **where)


def test_a_stay_goes_from_planned_to_reviewed(cadre, district_cadre_officer, tree):
    officer = district_cadre_officer
    record = stay(cadre, officer, union=tree["g1"])
    assert (record.unit_name, record.report_due_on) == ("东城机械厂工会", D(2026, 7, 30))
    with pytest.raises(ValidationError, match="“Planned”"):
        services.stay_review(stay=record, grade="good", comment="", by=officer)
    services.stay_start(stay=record, by=officer)
    services.stay_end(stay=record, by=officer)
    with pytest.raises(ValidationError, match="not been handed in"):
        services.stay_review(stay=record, grade="good", comment="", by=officer)
    services.stay_report_submit(stay=record, title="关于快递员入会的调研", file=report(), by=cadre.user)
    services.stay_review(stay=record, grade="excellent", comment="带着机油味", by=officer)
    record.refresh_from_db()
    assert (record.status, record.review_grade) == (GrassrootsStay.Status.REVIEWED, "excellent")
    assert AuditEvent.objects.filter(action=kinds.STAY_REVIEWED, target_id=str(record.pk)).exists()


def test_an_overlapping_stay_is_refused_naming_the_other(cadre, district_cadre_officer):
    stay(cadre, district_cadre_officer, start=D(2026, 6, 1), end=D(2026, 6, 30))
    with pytest.raises(ValidationError, match="东城区快递物流园"):
        stay(cadre, district_cadre_officer, start=D(2026, 6, 15), end=D(2026, 7, 15), employer_name="别处")
    assert GrassrootsStay.objects.count() == 1


def test_a_stay_names_one_unit_in_scope(cadre, district_cadre_officer, tree):
    with pytest.raises(ValidationError, match="not both"):
        stay(cadre, district_cadre_officer, union=tree["g1"], employer_name="某公司")
    with pytest.raises(ValidationError, match="not both"):
        stay(cadre, district_cadre_officer, employer_name="  ")
    with pytest.raises(ValidationError, match="your part of the tree"):
        stay(cadre, district_cadre_officer, union=tree["g2"])
    with pytest.raises(ValidationError, match="end cannot be before"):
        stay(cadre, district_cadre_officer, start=D(2026, 6, 30), end=D(2026, 6, 1))
    assert not GrassrootsStay.objects.exists()


def test_a_secondment_entered_under_way_without_its_actual_start_can_end(cadre, district_cadre_officer):
    record = Secondment.objects.create(
        cadre=cadre,
        host_name="东城精密机械有限公司",
        host_kind="enterprise",
        post_at_host="总经理助理",
        planned_start=D(2026, 3, 1),
        planned_end=D(2026, 8, 31),
        status="active",
        created_by=district_cadre_officer,
    )
    with pytest.raises(ValidationError, match="end cannot be before the start"):
        services.secondment_end(secondment=record, on=D(2026, 2, 1), by=district_cadre_officer)
    services.secondment_end(secondment=record, on=D(2026, 8, 31), by=district_cadre_officer)
    assert Secondment.objects.get(pk=record.pk).status == "report_due"
