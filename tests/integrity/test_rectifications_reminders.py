"""Rectification reminders: before the deadline and after it, to the cadre (no content, no link into
integrity) and to the discipline officers (a link to the item), once each however often the run goes."""

import datetime

import pytest

from accounts.models import Notification
from integrity import kinds
from integrity.models import IntegritySettings, Rectification
from integrity.reminders import rectifications as reminders

from .factories import RectificationFactory, TalkFactory

D = datetime.date
DEADLINE = D(2026, 4, 30)


@pytest.fixture
def item(cadre, district_discipline_officer):
    IntegritySettings.objects.update_or_create(pk=1, defaults={"rectification_notice_days": 7})
    talk = TalkFactory(cadre=cadre, recorder=district_discipline_officer, status="rectifying")
    return RectificationFactory(talk=talk, deadline=DEADLINE)


@pytest.mark.django_db
def test_nothing_before_the_notice_days(item):
    assert reminders.dispatch(D(2026, 4, 22)) == {}
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_due_reminders_go_once_each_to_the_cadre_and_the_officers(item, cadre, district_discipline_officer):
    reminders.dispatch(D(2026, 4, 23))
    reminders.dispatch(D(2026, 4, 24))
    rows = Notification.objects.filter(kind=kinds.REMINDER_RECTIFICATION_DUE)
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(
        [cadre.user_id, district_discipline_officer.pk]
    )
    own = rows.get(recipient_id=cadre.user_id)
    assert "/integrity/" not in own.url and "超标" not in f"{own.title} {own.body}"
    staff = rows.get(recipient_id=district_discipline_officer.pk)
    assert staff.url.endswith(f"/integrity/rectifications/{item.pk}/")
    assert "超标" not in f"{staff.title} {staff.body}" and cadre.name not in staff.title


@pytest.mark.django_db
def test_overdue_reminders_go_the_day_after_once(item, cadre, district_discipline_officer):
    reminders.dispatch(D(2026, 4, 30))
    assert not Notification.objects.filter(kind=kinds.REMINDER_RECTIFICATION_OVERDUE).exists()
    reminders.dispatch(D(2026, 5, 1))
    reminders.dispatch(D(2026, 5, 2))
    assert Notification.objects.filter(kind=kinds.REMINDER_RECTIFICATION_OVERDUE).count() == 2


@pytest.mark.django_db
def test_an_item_struck_off_is_not_reminded(item):
    Rectification.objects.filter(pk=item.pk).update(status=Rectification.Status.STRUCK_OFF)
    assert reminders.dispatch(D(2026, 5, 1)) == {}
    assert reminders.dispatch(D(2026, 4, 25)) == {}
