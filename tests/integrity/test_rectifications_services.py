"""Rectification items: set on a filed talk (deadline not before the talk), evidence recorded, struck off
by a discipline officer; the talk rectifying from the first item and closed when all are struck off."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from integrity.models import Rectification, Talk
from integrity.services import rectifications as services

from .factories import RectificationFactory, TalkFactory

D = datetime.date


@pytest.fixture
def talk(cadre, district_discipline_officer):
    return TalkFactory(cadre=cadre, recorder=district_discipline_officer, kind=Talk.Kind.REMINDER)


@pytest.mark.django_db
def test_the_first_item_makes_the_talk_rectifying(talk, district_discipline_officer):
    item = services.rectification_create(
        talk=talk, text="退回超标接待费用", deadline=D(2026, 4, 30), by=district_discipline_officer
    )
    talk.refresh_from_db()
    assert talk.status == Talk.Status.RECTIFYING
    assert item.cadre_id == talk.cadre_id and item.status == Rectification.Status.OPEN


@pytest.mark.django_db
def test_a_deadline_before_the_talk_is_refused_and_nothing_written(talk, district_discipline_officer):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.rectification_create(talk=talk, text="x", deadline=D(2026, 3, 9), by=district_discipline_officer)
    assert "deadline" in caught.value.message_dict
    assert "2026" in caught.value.message_dict["deadline"][0]
    assert not Rectification.objects.exists()
    talk.refresh_from_db()
    assert talk.status == Talk.Status.FILED


@pytest.mark.django_db
def test_a_draft_takes_no_item(talk, district_discipline_officer):
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.rectification_create(talk=talk, text="x", deadline=D(2026, 4, 30), by=district_discipline_officer)
    assert not Rectification.objects.exists()


@pytest.mark.django_db
def test_striking_off_needs_the_evidence_first(talk, district_discipline_officer):
    item = RectificationFactory(talk=talk)
    with pytest.raises(ValidationError):
        services.rectification_strike_off(item=item, by=district_discipline_officer)
    assert Rectification.objects.get(pk=item.pk).status == Rectification.Status.OPEN


@pytest.mark.django_db
def test_the_recorder_who_is_no_officer_over_the_cadre_cannot_strike_off(tree, cadre, discipline_officer):
    from unions.models import Role

    from ..factories import staff

    outsider = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"], username="discipline-d2")
    talk = TalkFactory(cadre=cadre, recorder=outsider)
    item = RectificationFactory(talk=talk)
    services.rectification_evidence(item=item, evidence="书面检查一份", by=discipline_officer)
    with pytest.raises(PermissionDenied):
        services.rectification_strike_off(item=item, by=outsider)
    with pytest.raises(PermissionDenied):
        services.rectification_evidence(item=item, evidence="x", by=outsider)
    assert Rectification.objects.get(pk=item.pk).status == Rectification.Status.EVIDENCE_GIVEN


@pytest.mark.django_db
def test_the_talk_closes_when_the_last_item_is_struck_off(talk, discipline_officer):
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.RECTIFYING)
    first, second = RectificationFactory(talk=talk), RectificationFactory(talk=talk)
    for item in (first, second):
        services.rectification_evidence(item=item, evidence="已退回费用，附收据。", by=discipline_officer)
    services.rectification_strike_off(item=first, by=discipline_officer)
    assert Talk.objects.get(pk=talk.pk).status == Talk.Status.RECTIFYING
    services.rectification_strike_off(item=second, by=discipline_officer)
    talk.refresh_from_db()
    assert talk.status == Talk.Status.CLOSED
    second.refresh_from_db()
    assert second.struck_off_by == discipline_officer and second.evidence == "已退回费用，附收据。"
    with pytest.raises(ValidationError):
        services.rectification_strike_off(item=second, by=discipline_officer)


@pytest.mark.django_db
def test_a_closed_talk_takes_no_new_item(talk, discipline_officer):
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.CLOSED)
    with pytest.raises(ValidationError):
        services.rectification_create(talk=talk, text="x", deadline=D(2026, 4, 30), by=discipline_officer)


@pytest.mark.django_db
def test_overdue_is_past_the_deadline_and_not_struck_off(talk):
    item = RectificationFactory(talk=talk, deadline=D(2026, 4, 30))
    assert not item.is_overdue(D(2026, 4, 30))
    assert item.is_overdue(D(2026, 5, 1))
    item.status = Rectification.Status.STRUCK_OFF
    assert not item.is_overdue(D(2026, 5, 1))
