"""Hours rules, closing a year and external training (补录): the services' rules."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from cadres import kinds, ledger
from cadres.models import Cadre, Enrolment, ExternalTraining, HoursRule, LedgerEntry, LedgerYear
from cadres.services import ledger as services
from cadres.tasks.ledger import ledger_close_previous_year
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def certificate():
    return SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf")


def this_year():
    return timezone.localdate().year


def close(year, by=None):
    return services.ledger_year_close(year=year, by=by)


# --- rules -------------------------------------------------------------------------------------------
def test_rule_created_and_audited(cadre_officer):
    rule = services.hours_rule_create(
        rank="staff", starts_year=2030, hours=D(100), period_years=1, online_cap_percent=30, by=cadre_officer
    )
    assert ledger.rule_for("staff", 2030) == rule
    assert AuditEvent.objects.filter(action=kinds.HOURS_RULE_CHANGED, target_id=str(rule.pk)).exists()


def test_rule_change_for_a_closed_year_refused(cadre_officer):
    LedgerYear.objects.create(year=2025)
    with pytest.raises(ValidationError, match="2025"):
        services.hours_rule_create(
            rank="staff", starts_year=2025, hours=D(100), period_years=1, online_cap_percent=None, by=cadre_officer
        )
    with pytest.raises(ValidationError):
        services.hours_rule_create(
            rank="staff", starts_year=2020, hours=D(100), period_years=1, online_cap_percent=None, by=cadre_officer
        )
    # The default rule (from 2000) was in force in 2025: editing it is refused, even to start later.
    default = HoursRule.objects.get(rank="staff", starts_year=2000)
    with pytest.raises(ValidationError):
        services.hours_rule_update(
            rule=default,
            rank="staff",
            starts_year=2030,
            hours=D(50),
            period_years=1,
            online_cap_percent=None,
            by=cadre_officer,
        )
    default.refresh_from_db()
    assert default.hours == 90 and default.starts_year == 2000
    # A rule from 2026 on is fine, and can be edited while 2026 is open.
    rule = services.hours_rule_create(
        rank="staff", starts_year=2026, hours=D(100), period_years=1, online_cap_percent=None, by=cadre_officer
    )
    services.hours_rule_update(
        rule=rule, rank="staff", starts_year=2027, hours=D(96), period_years=1, online_cap_percent=20, by=cadre_officer
    )
    rule.refresh_from_db()
    assert (rule.starts_year, rule.hours, rule.online_cap_percent) == (2027, 96, 20)


def test_rule_twice_for_a_rank_and_year_refused(cadre_officer):
    with pytest.raises(ValidationError):
        services.hours_rule_create(
            rank="staff", starts_year=2000, hours=D(100), period_years=1, online_cap_percent=None, by=cadre_officer
        )


def test_rules_changed_only_by_a_city_cadre_officer(district_cadre_officer):
    with pytest.raises(PermissionDenied):
        services.hours_rule_create(
            rank="staff",
            starts_year=2030,
            hours=D(100),
            period_years=1,
            online_cap_percent=None,
            by=district_cadre_officer,
        )


# --- closing a year ----------------------------------------------------------------------------------
def _credit(cadre, hours, on: datetime.date, by):
    training_class = TrainingClassFactory(
        organiser=cadre.union, created_by=by, starts_on=on, ends_on=on, credit_hours=D(hours), status="finished"
    )
    return Enrolment.objects.create(
        training_class=training_class, cadre=cadre, status="completed", credited_hours=D(hours)
    )


def test_close_writes_frozen_entries_once(tree, cadre_officer):
    year = this_year() - 1
    met = CadreFactory(union=tree["g1"], rank="staff")
    short = CadreFactory(union=tree["s2"], rank="staff")
    left = CadreFactory(union=tree["g1"], rank="staff", status="left", status_changed_on=datetime.date(year, 6, 1))
    gone = CadreFactory(union=tree["g1"], rank="staff", status="left", status_changed_on=datetime.date(year - 1, 6, 1))
    _credit(met, "90", datetime.date(year, 5, 1), cadre_officer)
    _credit(short, "30", datetime.date(year, 5, 1), cadre_officer)

    closed = close(year, cadre_officer)

    entries = {entry.cadre_id: entry for entry in LedgerEntry.objects.filter(year=year)}
    assert set(entries) == {met.pk, short.pk, left.pk}
    assert gone.pk not in entries
    assert (entries[met.pk].counted, entries[met.pk].short) == (D(90), D(0))
    assert (entries[short.pk].counted, entries[short.pk].short, entries[short.pk].union_id) == (
        D(30),
        D(60),
        tree["s2"].pk,
    )
    assert closed.closed_by == cadre_officer
    assert AuditEvent.objects.filter(action=kinds.LEDGER_YEAR_CLOSED).count() == 1
    # Again: nothing changes.
    assert close(year, cadre_officer) == closed
    assert LedgerEntry.objects.filter(year=year).count() == 3
    assert AuditEvent.objects.filter(action=kinds.LEDGER_YEAR_CLOSED).count() == 1


def test_closed_year_frozen_though_a_class_is_credited_later(tree, cadre_officer):
    year = this_year() - 1
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    _credit(cadre, "30", datetime.date(year, 5, 1), cadre_officer)
    close(year)
    _credit(cadre, "60", datetime.date(year, 11, 1), cadre_officer)  # the training part refuses this; frozen anyway
    (row,) = ledger.ledger_rows(Cadre.objects.filter(pk=cadre.pk), year)
    assert row.closed and (row.counted, row.short) == (D(30), D(60))


def test_only_a_past_year_closes(cadre_officer, district_cadre_officer):
    with pytest.raises(ValidationError):
        close(this_year(), cadre_officer)
    with pytest.raises(PermissionDenied):
        close(this_year() - 1, district_cadre_officer)
    assert not LedgerYear.objects.exists()


def test_january_task_closes_last_year(tree, monkeypatch):
    CadreFactory(union=tree["g1"])
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2027, 1, 10))
    assert ledger_close_previous_year.apply().get() == 2026
    assert LedgerYear.objects.filter(year=2026, closed_by=None).exists()
    assert LedgerEntry.objects.filter(year=2026).count() == 1
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2027, 3, 10))
    assert ledger_close_previous_year.apply().get() is None
    assert LedgerYear.objects.count() == 1


def test_closing_is_scheduled():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="cadres.ledger_close_previous_year")
    assert (task.crontab.month_of_year, task.crontab.day_of_month, task.crontab.hour) == ("1", "10", "2")


# --- external training -------------------------------------------------------------------------------
def _file(cadre, by, **fields):
    values = {
        "title": "工会法专题培训",
        "provider": "省总工会干部学校",
        "mode": "in_person",
        "starts_on": datetime.date(this_year(), 1, 2),
        "ends_on": datetime.date(this_year(), 1, 3),
        "hours": D(16),
        "certificate": certificate(),
    }
    values.update(fields)
    return services.external_training_file(cadre=cadre, by=by, **values)


def test_the_cadre_files_own_training(cadre):
    training = _file(cadre, cadre.user)
    assert training.status == ExternalTraining.Status.SUBMITTED
    assert training.certificate.read().startswith(b"%PDF")


def test_filing_refuses_bad_input(tree, cadre, cadre_officer):
    with pytest.raises(ValidationError):
        _file(cadre, cadre.user, hours=None)
    with pytest.raises(ValidationError):
        _file(cadre, cadre.user, hours=D(0))
    with pytest.raises(ValidationError):
        _file(cadre, cadre.user, starts_on=datetime.date(this_year(), 1, 5), ends_on=datetime.date(this_year(), 1, 3))
    last = this_year() - 1
    close(last)
    with pytest.raises(ValidationError, match=str(last)):
        _file(cadre, cadre.user, starts_on=datetime.date(last, 5, 1), ends_on=datetime.date(last, 5, 2))
    assert not ExternalTraining.objects.exists()


def test_only_the_cadre_or_an_officer_in_scope_files(tree, cadre, district_cadre_officer):
    someone = UserFactory()
    other_officer = staff(Role.Kind.CADRE_OFFICER, tree["d2"])
    with pytest.raises(PermissionDenied):
        _file(cadre, someone)
    with pytest.raises(PermissionDenied):
        _file(cadre, other_officer)
    assert _file(cadre, district_cadre_officer).filed_by == district_cadre_officer


def test_approval_one_level_up_only(tree, cadre, district_cadre_officer):
    """The cadre serves at street s1: s1's own officer may not approve; d1's (one level up) may."""
    street_officer = staff(Role.Kind.CADRE_OFFICER, tree["s1"])
    training = _file(cadre, cadre.user)
    with pytest.raises(PermissionDenied):
        services.external_training_approve(training=training, by=street_officer)
    with pytest.raises(PermissionDenied):
        services.external_training_approve(training=training, by=cadre.user)
    services.external_training_approve(training=training, by=district_cadre_officer)
    training.refresh_from_db()
    assert training.status == ExternalTraining.Status.APPROVED and training.reviewed_by == district_cadre_officer
    assert AuditEvent.objects.filter(action=kinds.EXTERNAL_TRAINING_APPROVED, target_id=str(training.pk)).exists()
    assert Notification.objects.filter(recipient=cadre.user, title__contains=training.title).exists()
    (row,) = ledger.ledger_rows(Cadre.objects.filter(pk=cadre.pk), this_year())
    assert row.in_person == 16
    with pytest.raises(ValidationError):
        services.external_training_approve(training=training, by=district_cadre_officer)


def test_returned_with_a_reason_counts_nothing(tree, cadre, district_cadre_officer):
    training = _file(cadre, cadre.user)
    with pytest.raises(ValidationError):
        services.external_training_return(training=training, reason="  ", by=district_cadre_officer)
    services.external_training_return(training=training, reason="证书看不清", by=district_cadre_officer)
    training.refresh_from_db()
    assert (training.status, training.return_reason) == (ExternalTraining.Status.RETURNED, "证书看不清")
    assert AuditEvent.objects.filter(action=kinds.EXTERNAL_TRAINING_RETURNED).exists()
    (row,) = ledger.ledger_rows(Cadre.objects.filter(pk=cadre.pk), this_year())
    assert row.in_person == 0


def test_approval_into_a_closed_year_refused(tree, cadre, district_cadre_officer):
    last = this_year() - 1
    training = _file(cadre, cadre.user, starts_on=datetime.date(last, 5, 1), ends_on=datetime.date(last, 5, 2))
    close(last)
    with pytest.raises(ValidationError, match=str(last)):
        services.external_training_approve(training=training, by=district_cadre_officer)
    training.refresh_from_db()
    assert training.status == ExternalTraining.Status.SUBMITTED


def test_certificate_stored_by_what_it_is_not_by_its_name(cadre):
    disguised = SimpleUploadedFile("证书.html", PDF, content_type="text/html")
    training = _file(cadre, cadre.user, certificate=disguised)
    assert training.certificate.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        _file(
            cadre,
            cadre.user,
            certificate=SimpleUploadedFile("a.pdf", b"<html><script>", content_type="application/pdf"),
        )
    assert ExternalTraining.objects.count() == 1


def test_an_officer_never_approves_their_own_training(tree, district_cadre_officer):
    """A district officer who is also a cadre of a street below: one level up, but their own."""
    own = CadreFactory(union=tree["s1"], user=district_cadre_officer)
    training = _file(own, district_cadre_officer)
    with pytest.raises(PermissionDenied):
        services.external_training_approve(training=training, by=district_cadre_officer)
    with pytest.raises(PermissionDenied):
        services.external_training_return(training=training, reason="x", by=district_cadre_officer)
