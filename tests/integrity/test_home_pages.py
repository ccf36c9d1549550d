"""The discipline officer's home and the settings page: counts to act on, 404 for others, settings for a
city discipline officer only, audited."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import IntegritySettings, Talk
from unions.models import Role

from ..factories import staff
from .factories import RectificationFactory, TalkFactory


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_home_counts_my_drafts_and_overdue_items(cadre, discipline_officer, district_discipline_officer):
    TalkFactory(cadre=cadre, recorder=discipline_officer, status=Talk.Status.DRAFT)
    TalkFactory(cadre=cadre, recorder=district_discipline_officer, status=Talk.Status.DRAFT)
    talk = TalkFactory(cadre=cadre, recorder=district_discipline_officer)
    RectificationFactory(talk=talk, deadline=datetime.date(2026, 1, 31))
    page = login(discipline_officer).get(reverse("integrity:home"))
    assert page.status_code == 200
    counts = {row["url"]: row["n"] for row in page.context["counts"]}
    assert counts[reverse("integrity:talk_list") + "?status=draft"] == 1
    assert counts[reverse("integrity:rectification_list") + "?state=overdue"] == 1


@pytest.mark.django_db
def test_the_home_is_404_for_the_city_admin_and_a_leader(tree, leader):
    city_admin = staff(Role.Kind.CITY_ADMIN, tree["city"], username="city-admin")
    for user in (city_admin, leader):
        assert login(user).get(reverse("integrity:home")).status_code == 404


@pytest.mark.django_db
def test_settings_are_for_the_city_discipline_officer_and_audited(discipline_officer, district_discipline_officer):
    IntegritySettings.current()
    assert login(district_discipline_officer).get(reverse("integrity:settings")).status_code == 404
    client = login(discipline_officer)
    data = {
        "opinion_valid_months": 6,
        "opinion_lookback_years": 3,
        "tracker_reminder_month": 10,
        "rectification_notice_days": 5,
    }
    assert client.post(reverse("integrity:settings"), data).status_code == 302
    assert IntegritySettings.current().rectification_notice_days == 5
    row = AuditEvent.objects.get(action=kinds.SETTINGS_CHANGED)
    assert row.detail["changed"]["opinion_valid_months"] == [3, 6]
    bad = client.post(reverse("integrity:settings"), {**data, "rectification_notice_days": 0})
    assert bad.status_code == 400
    assert IntegritySettings.current().rectification_notice_days == 5
