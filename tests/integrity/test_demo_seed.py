"""``seed_demo_integrity`` (run by ``seed_demo`` after the cadres): the demo discipline officer finds real
work on first sign-in, the records keep the services' rules, the city admin sees none of it, and a
second run adds nothing."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from accounts.models import AuditEvent, User
from integrity import kinds
from integrity import models as m
from integrity.selectors import cadres_in_scope, opinions_visible_to, rectifications_visible_to, talks_visible_to
from integrity.tracker import cadres_counted, uncovered_cadres
from unions.models import Union

pytestmark = pytest.mark.django_db
MODELS = [
    m.Talk, m.Rectification, m.FourFormsEntry, m.EducationSession, m.EducationAttendance,
    m.ResponsibilityLetter, m.OpinionLetter,
]  # fmt: skip


@pytest.fixture
def seed(settings, tmp_path):
    """The demo city (two members per union), its cadres and integrity records, as `make run` seeds them."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path / "media")  # the letters' scans

    def _seed() -> str:
        out = io.StringIO()
        call_command("seed_demo", "--member-cap", "2", stdout=out)  # which runs seed_demo_integrity
        return out.getvalue()

    return _seed


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seeding_twice_adds_nothing(seed):
    first_output = seed()
    first = counts()
    second_output = seed()
    assert counts() == first
    assert "廉政 Integrity: routine_talks" in first_output and "nothing added" not in first_output.split("廉政")[1]
    assert "廉政 Integrity: the demo city has its integrity records already; nothing added." in second_output
    assert all(first.values()), first


def test_refused_with_debug_off_and_without_the_demo_city(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_integrity", stdout=io.StringIO())
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_integrity", stdout=io.StringIO())


def test_demo_discipline_finds_the_work_listed_and_the_city_admin_none_of_it(seed):
    seed()
    today = timezone.localdate()
    officer = User.objects.get(username="demo-discipline")
    city = Union.objects.get(depth=1, name="示范市总工会")
    assert cadres_in_scope(officer).count() > 100

    # The tracker: cadres in post without this year's routine talk, and many covered.
    counted = cadres_counted([city.path], today.year).count()
    uncovered = uncovered_cadres([city.path], today.year).count()
    assert 0.2 * counted <= uncovered <= 0.5 * counted
    last_year = uncovered_cadres([city.path], today.year - 1).count()
    assert last_year <= 0.1 * cadres_counted([city.path], today.year - 1).count()

    # A filed admonishment talk with one item overdue and one open; a reminder talk closed, its item struck off.
    talks = talks_visible_to(officer)
    admonishment = talks.get(kind=m.Talk.Kind.ADMONISHMENT)
    assert admonishment.status == m.Talk.Status.RECTIFYING and admonishment.supervision_form == "admonishment"
    items = list(rectifications_visible_to(officer).filter(talk=admonishment))
    assert [item.is_overdue(today) for item in items] == [True, False]
    assert all(item.status == m.Rectification.Status.OPEN and item.deadline > admonishment.held_on for item in items)
    # Recorded through the services, as the officer records a talk: filed, registered, items set, all audited.
    audited = set(
        AuditEvent.objects.filter(
            actor=officer, target_id__in=[str(admonishment.pk), *map(str, (i.pk for i in items))]
        ).values_list("action", flat=True)
    )
    assert {kinds.TALK_CREATED, kinds.TALK_FILED, kinds.RECTIFICATION_SET} <= audited
    reminder = talks.get(kind=m.Talk.Kind.REMINDER)
    assert reminder.status == m.Talk.Status.CLOSED
    assert {r.status for r in reminder.rectifications.all()} == {m.Rectification.Status.STRUCK_OFF}
    # A draft of theirs, seen by them alone; content encrypted at rest and read back.
    draft = m.Talk.objects.get(status=m.Talk.Status.DRAFT)
    assert draft.recorder == officer and talks.filter(pk=draft.pk).exists()
    assert all(t.held_on <= today and t.recorder == officer for t in m.Talk.objects.all())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM integrity_talk WHERE id = %s", [admonishment.pk])
        assert "诫勉" not in cursor.fetchone()[0]
    assert "诫勉" in admonishment.content

    # Warning education with attendance, this year and last.
    sessions = m.EducationSession.objects.filter(organiser=city)
    assert {s.held_on.year for s in sessions} >= {today.year - 1}
    assert all(s.attendances.count() >= 20 for s in sessions)

    # This year's letters: signed with their scan (its hash kept), sent and unsigned.
    letters = m.ResponsibilityLetter.objects.filter(year=today.year)
    signed = letters.filter(status=m.ResponsibilityLetter.Status.SIGNED)
    assert signed.count() >= 5 and letters.filter(status=m.ResponsibilityLetter.Status.SENT).count() >= 5
    for letter in signed:
        with letter.scan.open() as scan:
            assert hashlib.sha256(scan.read()).hexdigest() == letter.scan_sha256
        assert letter.signed_on and letter.scan_uploaded_by == officer
    assert not letters.filter(status=m.ResponsibilityLetter.Status.SENT).exclude(scan="").exists()
    leaders = letters.filter(party=m.ResponsibilityLetter.Party.LEADER)
    assert leaders.exists() and all(letter.post for letter in leaders)

    # Opinion letters: one asked for by demo-cadre waiting, one valid, one expired.
    opinions = opinions_visible_to(officer)
    waiting = opinions.get(status=m.OpinionLetter.Status.REQUESTED, purpose=m.OpinionLetter.Purpose.PROMOTION)
    assert waiting.requested_by.username == "demo-cadre"
    issued = list(opinions.filter(status=m.OpinionLetter.Status.ISSUED).order_by("-as_of"))
    assert [letter.is_valid_on(today) for letter in issued] == [True, False]
    assert issued[1].valid_until < today
    assert all(letter.number and letter.remarks for letter in issued)

    # Four-forms entries: form one from the talks, a form-two sanction.
    forms = set(m.FourFormsEntry.objects.values_list("form", flat=True))
    assert {1, 2} <= forms
    assert m.FourFormsEntry.objects.filter(talk=admonishment).exists()

    # The city admin and the cadre officer see none of it.
    for username in ("demo-city-admin", "demo-cadre"):
        user = User.objects.get(username=username)
        assert not talks_visible_to(user).exists() and not rectifications_visible_to(user).exists()
        assert not opinions_visible_to(user).exists()


def test_records_keep_the_services_rules(seed):
    seed()
    today = timezone.localdate()
    # Routine talks held while the cadre was in post; at most one routine talk a year per cadre.
    for talk in m.Talk.objects.select_related("cadre"):
        assert talk.cadre.in_post_since <= talk.held_on <= today
        assert (talk.filed_at is None) == (talk.status == m.Talk.Status.DRAFT)
    per_year = m.Talk.objects.filter(kind="routine").values_list("cadre", "held_on")
    pairs = [(cadre, day.year) for cadre, day in per_year]
    assert len(pairs) == len(set(pairs))
    # Opinion numbers are unique and follow the service's numbering.
    numbers = list(m.OpinionLetter.objects.exclude(number="").values_list("number", "sequence_year", "sequence"))
    assert len({n for n, _y, _s in numbers}) == len(numbers)
    assert all(number == f"廉意〔{year}〕{seq}号" for number, year, seq in numbers)
    # One letter per leader or department, node and year (the constraints hold), and none of a drafted letter sent.
    for letter in m.ResponsibilityLetter.objects.filter(status=m.ResponsibilityLetter.Status.DRAFTED):
        assert letter.sent_at is None and not letter.scan
    assert m.OpinionLetter.objects.filter(valid_until__lt=today).count() == 1


def test_seeded_in_the_first_days_of_january_nothing_is_dated_after_today(seed, settings):
    """The demo seeds against today's date: on 2 January nothing is talked about, sent or signed in the
    days still to come (this year's letters are drafts, nobody has had this year's routine talk yet)."""
    import datetime as dt
    import zoneinfo

    import time_machine

    seed()
    # The honours demo's joint vetting keeps the opinion letter it asked for: let go of it first.
    from campaigns.models import VettingOpinion

    VettingOpinion.objects.update(opinion_letter=None)
    m.FourFormsEntry.objects.all().delete()
    m.Rectification.objects.all().delete()
    m.Talk.objects.all().delete()
    for model in (m.EducationAttendance, m.EducationSession, m.ResponsibilityLetter, m.OpinionLetter):
        model.objects.all().delete()
    next_year = timezone.localdate().year + 1
    moment = dt.datetime(next_year, 1, 2, 10, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo_integrity", stdout=io.StringIO())
        today = timezone.localdate()
        assert today == dt.date(next_year, 1, 2)
        assert not m.Talk.objects.filter(held_on__gt=today).exists()
        assert not m.Talk.objects.filter(kind="routine", held_on__year=next_year).exists()
        letters = m.ResponsibilityLetter.objects.filter(year=next_year)
        assert letters.exists() and set(letters.values_list("status", flat=True)) == {"drafted"}
        assert not m.ResponsibilityLetter.objects.filter(signed_on__gt=today).exists()
        assert not m.EducationSession.objects.filter(held_on__gt=today).exists()
        assert not m.Rectification.objects.filter(deadline__lt=F("talk__held_on")).exists()
