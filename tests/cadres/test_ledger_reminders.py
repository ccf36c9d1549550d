"""Reminders of the ledger part (hours short at mid-year and at the start of Q4) and of external
training waiting for approval: to whom, when, and once each."""

import datetime
import zoneinfo
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Notification
from cadres import kinds
from cadres.models import Enrolment, ExternalTraining
from cadres.reminders import ledger as ledger_reminders
from cadres.reminders import training as training_reminders
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db
YEAR = 2026
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def credit(cadre, hours, by, year=YEAR):
    training_class = TrainingClassFactory(
        organiser=cadre.union,
        created_by=by,
        starts_on=datetime.date(year, 3, 1),
        ends_on=datetime.date(year, 3, 2),
        credit_hours=D(hours),
        status="finished",
    )
    Enrolment.objects.create(training_class=training_class, cadre=cadre, status="completed", credited_hours=D(hours))


def notes(kind):
    return Notification.objects.filter(kind=kind)


@pytest.fixture
def corps(tree, cadre_officer, district_cadre_officer):
    """d1's cadres: 30 h (half short), 60 h (short, not by half), 90 h (met), one with no account;
    a county-level cadre on the five-year window; one of district 2 (no officer there: the city's)."""
    half = CadreFactory(union=tree["g1"], user=UserFactory(), rank="staff")
    credit(half, "30", cadre_officer)
    some = CadreFactory(union=tree["s1"], user=UserFactory(), rank="staff")
    credit(some, "60", cadre_officer)
    met = CadreFactory(union=tree["g1"], user=UserFactory(), rank="staff")
    credit(met, "90", cadre_officer)
    no_account = CadreFactory(union=tree["g1"], rank="staff")
    county = CadreFactory(union=tree["d1"], user=UserFactory(), rank="county_division")
    credit(county, "250", cadre_officer, year=YEAR - 3)  # 250 of 550 in 2022..2026: under half
    far = CadreFactory(union=tree["s2"], user=UserFactory(), rank="staff")
    left = CadreFactory(union=tree["g1"], user=UserFactory(), rank="staff", status="left")
    return {
        "half": half,
        "some": some,
        "met": met,
        "no_account": no_account,
        "county": county,
        "far": far,
        "left": left,
    }


def test_nothing_before_the_end_of_june(corps):
    assert ledger_reminders.dispatch(datetime.date(YEAR, 6, 29)) == {}
    assert not Notification.objects.exists()


def test_half_short_at_the_end_of_june_once(corps, cadre_officer, district_cadre_officer):
    made = ledger_reminders.dispatch(datetime.date(YEAR, 6, 30))
    kind = kinds.REMINDER_HOURS_HALF_SHORT
    assert made == {kind: 3 + 2}  # three cadres with an account, two officers
    cadres = {note.recipient_id for note in notes(kind)} - {cadre_officer.pk, district_cadre_officer.pk}
    assert cadres == {corps["half"].user_id, corps["county"].user_id, corps["far"].user_id}
    # d1's officer: half, no_account and county under d1; the city's: far (district 2 has no officer).
    district = notes(kind).get(recipient=district_cadre_officer)
    city = notes(kind).get(recipient=cadre_officer)
    assert "3" in district.title and "1" in city.title
    # Again, and later in the summer: nothing more.
    ledger_reminders.dispatch(datetime.date(YEAR, 6, 30))
    ledger_reminders.dispatch(datetime.date(YEAR, 8, 15))
    assert notes(kind).count() == 5


def test_short_at_the_start_of_q4_once(corps, cadre_officer, district_cadre_officer):
    made = ledger_reminders.dispatch(datetime.date(YEAR, 10, 1))
    kind = kinds.REMINDER_HOURS_SHORT
    assert made == {kind: 4 + 2}
    cadres = {note.recipient_id for note in notes(kind)} - {cadre_officer.pk, district_cadre_officer.pk}
    assert cadres == {corps["half"].user_id, corps["some"].user_id, corps["county"].user_id, corps["far"].user_id}
    assert "4" in notes(kind).get(recipient=district_cadre_officer).title  # half, some, no_account, county
    ledger_reminders.dispatch(datetime.date(YEAR, 10, 2))
    ledger_reminders.dispatch(datetime.date(YEAR, 12, 31))
    assert notes(kind).count() == 6
    assert not notes(kinds.REMINDER_HOURS_HALF_SHORT).exists()


def test_each_year_has_its_own_reminder(corps):
    ledger_reminders.dispatch(datetime.date(YEAR, 7, 1))
    ledger_reminders.dispatch(datetime.date(YEAR + 1, 7, 1))
    user = corps["half"].user
    assert notes(kinds.REMINDER_HOURS_HALF_SHORT).filter(recipient=user).count() == 2


def test_officer_at_the_cadres_own_node_is_nearest(tree, cadre_officer):
    street_officer = staff(Role.Kind.CADRE_OFFICER, tree["s1"])
    CadreFactory(union=tree["s1"], rank="staff")
    ledger_reminders.dispatch(datetime.date(YEAR, 10, 1))
    assert {note.recipient_id for note in notes(kinds.REMINDER_HOURS_SHORT)} == {street_officer.pk}


def _filed(cadre, filed_at):
    return ExternalTraining.objects.create(
        cadre=cadre,
        title="外出培训",
        provider="省委党校",
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 3, 2),
        hours=D(8),
        certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4"),
        filed_by=cadre.user or UserFactory(),
        filed_at=filed_at,
    )


def test_external_waiting_goes_to_the_officers_one_level_up_once(tree, cadre, cadre_officer, district_cadre_officer):
    street_officer = staff(Role.Kind.CADRE_OFFICER, tree["s1"])
    filed = datetime.datetime(YEAR, 3, 10, 9, 0, tzinfo=SHANGHAI)
    training = _filed(cadre, filed)  # the cadre serves at s1: d1's officer decides
    kind = kinds.REMINDER_EXTERNAL_WAITING
    assert training_reminders.dispatch(datetime.date(YEAR, 3, 12)) == {}
    assert training_reminders.dispatch(datetime.date(YEAR, 3, 13)) == {kind: 1}
    assert list(notes(kind).values_list("recipient_id", flat=True)) == [district_cadre_officer.pk]
    training_reminders.dispatch(datetime.date(YEAR, 3, 14))
    assert notes(kind).count() == 1
    assert street_officer.pk not in set(notes(kind).values_list("recipient_id", flat=True))
    training.status = ExternalTraining.Status.APPROVED
    training.save(update_fields=["status"])
    assert training_reminders.dispatch(datetime.date(YEAR, 3, 20)) == {}


def test_external_waiting_at_the_root_goes_to_the_roots_officers(tree, cadre_officer):
    _filed(CadreFactory(union=tree["city"], user=UserFactory()), datetime.datetime(YEAR, 3, 1, tzinfo=SHANGHAI))
    training_reminders.dispatch(datetime.date(YEAR, 3, 10))
    assert list(notes(kinds.REMINDER_EXTERNAL_WAITING).values_list("recipient_id", flat=True)) == [cadre_officer.pk]
