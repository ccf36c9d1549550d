"""Training services: a class's rules, enrolment within scope and capacity, attendance, the 1/7 leave
rule against hand-computed cases, finishing (once, not in a closed year) and the QR check-in."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import Attendance, Enrolment, LedgerYear, TrainingClass
from cadres.services import training as services
from cadres.services.training import Mark

from ..factories import UserFactory
from .factories import CadreFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db

D = Decimal


def _class(organiser, by, **fields):
    return TrainingClassFactory(organiser=organiser, created_by=by, **fields)


def _create(by, organiser, **overrides):
    fields = {
        "organiser": organiser,
        "title": "工会干部培训班",
        "category": "union_work",
        "mode": "in_person",
        "starts_on": datetime.date(2026, 9, 14),
        "ends_on": datetime.date(2026, 9, 15),
        "credit_hours": D("14"),
    }
    fields.update(overrides)
    return services.class_create(**fields, by=by)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


# --- a class's own rules -------------------------------------------------------------------------
def test_officer_creates_a_class_and_it_is_audited(tree, district_cadre_officer):
    training_class = _create(district_cadre_officer, tree["d1"], capacity=30, location="区委党校")
    assert training_class.status == TrainingClass.Status.PLANNED
    assert training_class.created_by == district_cadre_officer
    assert AuditEvent.objects.filter(action=kinds.CLASS_CREATED, target_id=str(training_class.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_on": datetime.date(2026, 9, 13)}, "ends_on", "cannot end before it starts"),
        ({"credit_hours": D("0")}, "credit_hours", "more than zero"),
        ({"credit_hours": D("-3")}, "credit_hours", "more than zero"),
        # two days hold at most 24 hours
        ({"credit_hours": D("24.5")}, "credit_hours", "at most 24"),
        ({"audience": "ranks", "audience_ranks": []}, "audience_ranks", "Choose the ranks"),
    ],
)
def test_a_class_whose_hours_or_dates_make_no_sense_is_refused_and_nothing_written(
    tree, district_cadre_officer, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        _create(district_cadre_officer, tree["d1"], **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not TrainingClass.objects.exists()
    assert not AuditEvent.objects.filter(action=kinds.CLASS_CREATED).exists()


def test_twelve_hours_a_day_is_the_most_a_class_credits(tree, district_cadre_officer):
    assert _create(district_cadre_officer, tree["d1"], credit_hours=D("24")).credit_hours == D("24")


def test_an_officer_cannot_organise_a_class_outside_their_subtree(tree, district_cadre_officer):
    with pytest.raises(PermissionDenied):
        _create(district_cadre_officer, tree["d2"])
    assert not TrainingClass.objects.exists()


def test_capacity_cannot_drop_below_the_cadres_enrolled(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer)
    for _n in range(3):
        Enrolment.objects.create(training_class=training_class, cadre=CadreFactory(union=tree["s1"]))
    with pytest.raises(ValidationError) as caught:
        services.class_update(training_class=training_class, capacity=2, by=district_cadre_officer)
    assert "3 cadres are already enrolled" in caught.value.message_dict["capacity"][0]
    training_class.refresh_from_db()
    assert training_class.capacity is None
    services.class_update(training_class=training_class, capacity=3, title="新标题", by=district_cadre_officer)
    training_class.refresh_from_db()
    assert (training_class.capacity, training_class.title) == (3, "新标题")
    assert AuditEvent.objects.filter(action=kinds.CLASS_EDITED).count() == 1


def test_dates_cannot_leave_out_a_day_with_attendance(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    enrolment = Enrolment.objects.create(training_class=training_class, cadre=cadre)
    Attendance.objects.create(
        enrolment=enrolment, on_date=training_class.ends_on, signed_in_at=timezone.now(), source="officer"
    )
    with pytest.raises(ValidationError):
        services.class_update(
            training_class=training_class, ends_on=training_class.starts_on, by=district_cadre_officer
        )


# --- enrolment -----------------------------------------------------------------------------------
def test_audience_enrols_every_cadre_in_post_under_the_organiser_once(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer, audience="all")
    inside = [CadreFactory(union=tree["d1"]), CadreFactory(union=tree["s1"]), CadreFactory(union=tree["g1"])]
    CadreFactory(union=tree["g1"], status="retired")
    CadreFactory(union=tree["s2"])  # district 2

    first = services.class_enrol_audience(training_class=training_class, by=district_cadre_officer)
    again = services.class_enrol_audience(training_class=training_class, by=district_cadre_officer)

    assert (first.enrolled, first.already, first.not_fitted) == (3, 0, 0)
    assert (again.enrolled, again.already, again.not_fitted) == (0, 3, 0)
    assert set(training_class.enrolments.values_list("cadre_id", flat=True)) == {c.pk for c in inside}


def test_rank_audience_enrols_only_those_ranks(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer, audience="ranks", audience_ranks=["county_division"])
    senior = CadreFactory(union=tree["s1"], rank="county_division")
    CadreFactory(union=tree["s1"], rank="staff")
    services.class_enrol_audience(training_class=training_class, by=district_cadre_officer)
    assert list(training_class.enrolments.values_list("cadre_id", flat=True)) == [senior.pk]


def test_audience_respects_capacity_and_says_how_many_did_not_fit(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer, audience="all", capacity=2)
    for _n in range(5):
        CadreFactory(union=tree["s1"])
    result = services.class_enrol_audience(training_class=training_class, by=district_cadre_officer)
    assert (result.enrolled, result.not_fitted) == (2, 3)
    assert training_class.enrolments.count() == 2
    # a place freed by a cancelled enrolment is filled by the next run
    services.enrolment_cancel(enrolment=training_class.enrolments.first(), by=district_cadre_officer)
    result = services.class_enrol_audience(training_class=training_class, by=district_cadre_officer)
    assert (result.enrolled, result.not_fitted) == (1, 2)


def test_chosen_cadre_outside_the_organisers_subtree_is_refused(tree, cadre_officer, cadre, other_district_cadre):
    training_class = _class(tree["d1"], cadre_officer)
    with pytest.raises(ValidationError) as caught:
        services.class_enrol_cadres(
            training_class=training_class, cadres=[cadre, other_district_cadre], by=cadre_officer
        )
    assert "王芳 does not serve under" in caught.value.messages[0]
    assert not training_class.enrolments.exists()


def test_chosen_cadre_outside_the_officers_scope_is_refused(tree, district_cadre_officer, cadre_officer):
    # A city class: district 1's officer may run it only if a role covers the city; here they cannot.
    training_class = _class(tree["city"], cadre_officer)
    with pytest.raises(PermissionDenied):
        services.class_enrol_cadres(
            training_class=training_class, cadres=[CadreFactory(union=tree["s1"])], by=district_cadre_officer
        )


def test_choosing_more_cadres_than_places_left_enrols_nobody(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer, capacity=2)
    chosen = [CadreFactory(union=tree["s1"]) for _n in range(3)]
    with pytest.raises(ValidationError) as caught:
        services.class_enrol_cadres(training_class=training_class, cadres=chosen, by=district_cadre_officer)
    assert "Only 2 place(s) are left" in caught.value.messages[0]
    assert not training_class.enrolments.exists()
    result = services.class_enrol_cadres(training_class=training_class, cadres=chosen[:2], by=district_cadre_officer)
    assert result.enrolled == 2


def test_a_cancelled_enrolment_can_be_renewed_by_choosing_the_cadre_again(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    services.class_enrol_cadres(training_class=training_class, cadres=[cadre], by=district_cadre_officer)
    enrolment = training_class.enrolments.get()
    services.enrolment_cancel(enrolment=enrolment, by=district_cadre_officer)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.enrolment_cancel(enrolment=enrolment, by=district_cadre_officer)
    services.class_enrol_cadres(training_class=training_class, cadres=[cadre], by=district_cadre_officer)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ENROLLED


# --- attendance by the officer -------------------------------------------------------------------
def test_officer_records_a_day_and_leave_hours(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    other = CadreFactory(union=tree["g1"])
    for person in (cadre, other):
        Enrolment.objects.create(training_class=training_class, cadre=person)
    day = training_class.starts_on
    counts = services.attendance_record(
        training_class=training_class,
        on_date=day,
        marks={cadre.pk: Mark(True, True), other.pk: Mark(False, absent_hours=D("3.5"))},
        by=district_cadre_officer,
    )
    assert counts == {"created": 1, "updated": 0, "removed": 0, "leave": 1}
    row = Attendance.objects.get(enrolment__cadre=cadre)
    assert row.on_date == day and row.signed_in_at and row.signed_out_at and row.source == "officer"
    assert Enrolment.objects.get(cadre=other).absent_hours == D("3.5")
    training_class.refresh_from_db()
    assert training_class.status == TrainingClass.Status.OPEN
    # unmarking removes the day's row
    services.attendance_record(
        training_class=training_class, on_date=day, marks={cadre.pk: Mark(False)}, by=district_cadre_officer
    )
    assert not Attendance.objects.filter(enrolment__cadre=cadre).exists()


def test_attendance_for_a_cadre_not_enrolled_is_refused_and_nothing_written(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    enrolled = CadreFactory(union=tree["s1"])
    Enrolment.objects.create(training_class=training_class, cadre=enrolled)
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            training_class=training_class,
            on_date=training_class.starts_on,
            marks={enrolled.pk: Mark(True), cadre.pk: Mark(True)},
            by=district_cadre_officer,
        )
    assert "Not enrolled in this class" in caught.value.messages[0] and "李晓明" in caught.value.messages[0]
    assert not Attendance.objects.exists()


def test_attendance_on_a_day_outside_the_class_is_refused(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            training_class=training_class,
            on_date=training_class.ends_on + datetime.timedelta(days=1),
            marks={cadre.pk: Mark(True)},
            by=district_cadre_officer,
        )
    assert "is not a day of this class" in caught.value.messages[0]
    assert not Attendance.objects.exists()


# --- the 1/7 rule, by hand -----------------------------------------------------------------------
def _finished(training_class, by, present_days: int, leave: Decimal, cadre) -> Enrolment:
    enrolment = Enrolment.objects.create(training_class=training_class, cadre=cadre, absent_hours=leave)
    for n in range(present_days):
        day = training_class.starts_on + datetime.timedelta(days=n)
        Attendance.objects.create(enrolment=enrolment, on_date=day, signed_in_at=_at(day, 9), source="officer")
    services.class_finish(training_class=training_class, by=by, today=training_class.ends_on)
    enrolment.refresh_from_db()
    return enrolment


@pytest.mark.parametrize(
    ("days", "hours", "present", "leave", "status", "credited"),
    [
        # 14 h over 2 days (7 a day): at most 2 h of absence.
        (2, "14", 2, "0", "completed", "14"),
        (2, "14", 2, "2.0", "completed", "14"),  # exactly one seventh: credited
        (2, "14", 2, "2.5", "withdrawn", "0"),  # a little more: withdrawn
        (2, "14", 1, "0", "withdrawn", "0"),  # a day without sign-in is 7 h
        # 49 h over 7 days (7 a day): one day missed is exactly one seventh.
        (7, "49", 6, "0", "completed", "49"),
        (7, "49", 6, "0.5", "withdrawn", "0"),  # the missed day plus half an hour of leave
        # 10 h in a day: one seventh is 1.428 h, which no decimal holds.
        (1, "10", 1, "1.4", "completed", "10"),
        (1, "10", 1, "1.5", "withdrawn", "0"),
        (1, "10", 0, "0", "withdrawn", "0"),
    ],
)
def test_leave_over_one_seventh_of_the_hours_withdraws_the_cadre(
    tree, district_cadre_officer, cadre, days, hours, present, leave, status, credited
):
    start = datetime.date(2026, 3, 2)
    training_class = _class(
        tree["d1"],
        district_cadre_officer,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days - 1),
        credit_hours=D(hours),
    )
    enrolment = _finished(training_class, district_cadre_officer, present, D(leave), cadre)
    assert (enrolment.status, enrolment.credited_hours) == (status, D(credited))


def test_finishing_twice_changes_nothing(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    enrolment = _finished(training_class, district_cadre_officer, 2, D(0), cadre)
    finished_at = TrainingClass.objects.get(pk=training_class.pk).finished_at
    # a change slipped in afterwards would be credited by a second run: it is not
    Enrolment.objects.filter(pk=enrolment.pk).update(absent_hours=D(10))

    again = services.class_finish(
        training_class=training_class, by=district_cadre_officer, today=training_class.ends_on
    )

    assert again.already_finished and (again.completed, again.withdrawn) == (1, 0)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.credited_hours) == ("completed", D(14))
    assert TrainingClass.objects.get(pk=training_class.pk).finished_at == finished_at
    assert AuditEvent.objects.filter(action=kinds.CLASS_FINISHED).count() == 1


def test_a_class_that_has_not_ended_cannot_be_finished(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    with pytest.raises(ValidationError) as caught:
        services.class_finish(training_class=training_class, by=district_cadre_officer, today=training_class.starts_on)
    assert "has not ended yet" in caught.value.messages[0]
    assert TrainingClass.objects.get(pk=training_class.pk).status == TrainingClass.Status.PLANNED


def test_finishing_in_a_closed_ledger_year_is_refused(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    LedgerYear.objects.create(year=training_class.ends_on.year)
    with pytest.raises(ValidationError) as caught:
        services.class_finish(training_class=training_class, by=district_cadre_officer, today=training_class.ends_on)
    assert "The ledger of 2026 is closed" in caught.value.messages[0]
    assert Enrolment.objects.get(cadre=cadre).status == Enrolment.Status.ENROLLED


def test_after_finishing_attendance_can_no_longer_change(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    _finished(training_class, district_cadre_officer, 2, D(0), cadre)
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            training_class=training_class,
            on_date=training_class.starts_on,
            marks={cadre.pk: Mark(False)},
            by=district_cadre_officer,
        )
    assert "can no longer change" in caught.value.messages[0]
    assert Attendance.objects.filter(enrolment__cadre=cadre).count() == 2


def test_a_cancelled_class_cancels_its_enrolments(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    services.class_cancel(training_class=training_class, by=district_cadre_officer)
    assert Enrolment.objects.get(cadre=cadre).status == Enrolment.Status.CANCELLED
    with pytest.raises(ValidationError):
        services.class_finish(training_class=training_class, by=district_cadre_officer, today=training_class.ends_on)


# --- QR check-in ---------------------------------------------------------------------------------
@pytest.fixture
def running_class(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    return training_class


def test_first_scan_signs_in_the_next_signs_out_then_nothing(running_class, cadre):
    day = running_class.starts_on
    first = services.class_check_in(token=running_class.qr_token, user=cadre.user, now=_at(day, 8))
    assert (first.signed_in_at, first.signed_out_at, first.source) == (_at(day, 8), None, "qr")
    second = services.class_check_in(token=running_class.qr_token, user=cadre.user, now=_at(day, 17))
    assert second.pk == first.pk and second.signed_out_at == _at(day, 17)
    with pytest.raises(ValidationError) as caught:
        services.class_check_in(token=running_class.qr_token, user=cadre.user, now=_at(day, 18))
    assert caught.value.code == services.CheckIn.DONE
    # the next class day starts afresh
    next_day = services.class_check_in(token=running_class.qr_token, user=cadre.user, now=_at(running_class.ends_on, 8))
    assert next_day.on_date == running_class.ends_on
    assert Attendance.objects.filter(enrolment__cadre=cadre).count() == 2


def test_check_in_by_someone_not_enrolled_is_refused(running_class, tree):
    stranger = CadreFactory(union=tree["s1"], user=UserFactory())
    with pytest.raises(ValidationError) as caught:
        services.class_check_in(token=running_class.qr_token, user=stranger.user, now=_at(running_class.starts_on, 9))
    assert caught.value.code == services.CheckIn.NOT_ENROLLED
    assert not Attendance.objects.exists()


def test_check_in_without_a_cadre_record_is_refused(running_class):
    with pytest.raises(ValidationError) as caught:
        services.class_check_in(token=running_class.qr_token, user=UserFactory(), now=_at(running_class.starts_on, 9))
    assert caught.value.code == services.CheckIn.NO_CADRE


def test_check_in_on_a_day_that_is_not_a_class_day_is_refused(running_class, cadre):
    day_before = running_class.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.class_check_in(token=running_class.qr_token, user=cadre.user, now=_at(day_before, 9))
    assert caught.value.code == services.CheckIn.NOT_A_CLASS_DAY
    assert "Today is not a day of this class" in caught.value.messages[0]
    assert not Attendance.objects.exists()


def test_a_renewed_code_voids_the_old_one(running_class, cadre, district_cadre_officer):
    old = running_class.qr_token
    renewed = services.class_qr_renew(training_class=running_class, by=district_cadre_officer)
    assert renewed.qr_token != old
    with pytest.raises(ValidationError) as caught:
        services.class_check_in(token=old, user=cadre.user, now=_at(running_class.starts_on, 9))
    assert "not valid" in caught.value.messages[0]
    assert services.class_check_in(token=renewed.qr_token, user=cadre.user, now=_at(running_class.starts_on, 9))
    assert AuditEvent.objects.filter(action=kinds.CLASS_QR_RENEWED).count() == 1


def test_check_in_to_a_finished_class_is_refused(running_class, cadre, district_cadre_officer):
    services.class_finish(training_class=running_class, by=district_cadre_officer, today=running_class.ends_on)
    with pytest.raises(ValidationError) as caught:
        services.class_check_in(token=running_class.qr_token, user=cadre.user, now=_at(running_class.ends_on, 9))
    assert caught.value.code == services.CheckIn.CLOSED
