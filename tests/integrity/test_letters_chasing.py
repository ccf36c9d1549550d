"""Chasing a sent letter until it is signed (催签): recorded on the letter, audited, the leader with an
account told in the inbox once a day, nothing of the kind for a letter not sent or already signed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from integrity import kinds
from integrity.models import ResponsibilityLetter
from integrity.services import letters as service

from ..cadres.factories import CadreFactory
from ..factories import UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%scan\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def letters(tree, district_discipline_officer):
    """District 1's chair (with a portal account) and its office (a department, no account), both sent."""
    chair = CadreFactory(
        union=tree["d1"], name="赵主席", post="主席", rank="bureau", user=UserFactory(username="chair")
    )
    service.letter_generate(
        union=tree["d1"],
        year=2026,
        cadres=[chair],
        departments=["办公室"],
        items="落实主体责任",
        by=district_discipline_officer,
    )
    found = {}
    for letter in ResponsibilityLetter.objects.filter(union=tree["d1"], year=2026):
        found[letter.party] = service.letter_send(letter=letter, by=district_discipline_officer)
    return found


def test_chasing_a_leaders_letter_tells_the_leader_once_a_day_and_counts(letters, district_discipline_officer):
    leader_letter = letters["leader"]
    today = timezone.localdate()

    assert service.letter_chase(letter=leader_letter, by=district_discipline_officer, today=today) is True
    with pytest.raises(ValidationError, match="chased today"):
        service.letter_chase(letter=leader_letter, by=district_discipline_officer, today=today)
    # The next day it may be chased again.
    assert service.letter_chase(
        letter=leader_letter, by=district_discipline_officer, today=today + datetime.timedelta(days=1)
    )

    leader_letter.refresh_from_db()
    assert leader_letter.chase_count == 2
    notes = Notification.objects.filter(recipient=leader_letter.cadre.user, kind=kinds.REMINDER_LETTER_CHASED)
    assert notes.count() == 2
    assert all("2026" in note.title and "落实主体责任" not in note.title + note.body for note in notes)
    assert AuditEvent.objects.filter(action=kinds.LETTER_CHASED, target_id=str(leader_letter.pk)).count() == 2


def test_a_departments_letter_is_chased_on_record_only(letters, district_discipline_officer):
    assert service.letter_chase(letter=letters["department"], by=district_discipline_officer) is False
    letters["department"].refresh_from_db()
    assert letters["department"].chase_count == 1
    assert not Notification.objects.filter(kind=kinds.REMINDER_LETTER_CHASED).exists()


def test_a_letter_not_sent_or_already_signed_is_not_chased(letters, district_discipline_officer, tree):
    signed = letters["leader"]
    service.letter_sign(
        letter=signed,
        scan=SimpleUploadedFile("a.pdf", PDF),
        signed_on=timezone.localdate(),
        by=district_discipline_officer,
    )
    with pytest.raises(ValidationError, match="already signed"):
        service.letter_chase(letter=signed, by=district_discipline_officer)
    drafted = service.letter_generate(
        union=tree["d1"], year=2026, cadres=[], departments=["财务部"], items="", by=district_discipline_officer
    )
    assert drafted.created == 1
    draft = ResponsibilityLetter.objects.get(department="财务部")
    with pytest.raises(ValidationError, match="Send the letter"):
        service.letter_chase(letter=draft, by=district_discipline_officer)
    assert ResponsibilityLetter.objects.filter(chase_count__gt=0).count() == 0


def test_only_a_discipline_officer_over_the_node_chases(letters, discipline_officer, tree):
    from unions.models import Role

    from ..factories import staff

    other = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"], username="discipline-d2")
    with pytest.raises(PermissionDenied):
        service.letter_chase(letter=letters["leader"], by=other)
    assert service.letter_chase(letter=letters["leader"], by=discipline_officer)


def test_the_chase_button_records_it_and_others_get_404(letters, district_discipline_officer, city_admin):
    url = reverse("integrity:letter_chase", args=[letters["leader"].pk])
    officer = Client()
    officer.force_login(district_discipline_officer)
    page = officer.get(reverse("integrity:letter_detail", args=[letters["leader"].pk])).content.decode()
    assert url in page

    response = officer.post(url, follow=True)
    assert "收件箱" in response.content.decode() or "inbox" in response.content.decode()
    again = officer.post(url, follow=True).content.decode()
    assert "今天已催签" in again or "chased today" in again

    admin = Client()
    admin.force_login(city_admin)
    assert admin.post(url).status_code == 404
    letters["leader"].refresh_from_db()
    assert letters["leader"].chase_count == 1
