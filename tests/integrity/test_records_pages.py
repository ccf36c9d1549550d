"""The cadres' integrity records: the list in scope, one cadre's whole record (drafts left out, a
fixed number of queries, the read recorded with no content), and 404 outside scope."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import Talk
from integrity.record import cadre_record
from unions.models import Role

from ..factories import staff
from .factories import FourFormsEntryFactory, RectificationFactory, TalkFactory


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_record_holds_every_part_newest_first_without_drafts(cadre, discipline_officer):
    old = TalkFactory(cadre=cadre, recorder=discipline_officer, held_on=datetime.date(2024, 3, 1))
    new = TalkFactory(cadre=cadre, recorder=discipline_officer, held_on=datetime.date(2026, 3, 1))
    TalkFactory(cadre=cadre, recorder=discipline_officer, status=Talk.Status.DRAFT)
    RectificationFactory(talk=new)
    FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer)
    with CaptureQueriesContext(connection) as queries:
        record = cadre_record(cadre)
    assert len(queries) == 6
    assert record.talks == [new, old]
    assert len(record.rectifications) == 1 and len(record.four_forms) == 1
    since = cadre_record(cadre, since=datetime.date(2025, 1, 1))
    assert since.talks == [new]


@pytest.mark.django_db
def test_a_cadre_record_outside_scope_is_404_and_for_the_city_admin(
    tree, cadre, other_district_cadre, district_discipline_officer
):
    city_admin = staff(Role.Kind.CITY_ADMIN, tree["city"], username="city-admin")
    assert (
        login(district_discipline_officer)
        .get(reverse("integrity:cadre_record", args=[other_district_cadre.pk]))
        .status_code
        == 404
    )
    assert login(city_admin).get(reverse("integrity:cadre_record", args=[cadre.pk])).status_code == 404
    assert login(city_admin).get(reverse("integrity:cadre_list")).status_code == 404


@pytest.mark.django_db
def test_opening_a_record_leaves_one_trail_row_with_no_content(
    cadre, discipline_officer, django_assert_max_num_queries
):
    for year in range(2020, 2027):
        talk = TalkFactory(cadre=cadre, recorder=discipline_officer, held_on=datetime.date(year, 3, 1))
        RectificationFactory(talk=talk, deadline=datetime.date(year, 6, 1))
    client = login(discipline_officer)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("integrity:cadre_record", args=[cadre.pk]))
    assert page.status_code == 200
    row = AuditEvent.objects.get(action=kinds.CADRE_RECORD_READ)
    assert row.target_id == str(cadre.pk)
    assert "廉洁" not in f"{row.target_label} {row.detail}"


@pytest.mark.django_db
def test_the_cadre_list_searches_names_in_scope(
    cadre, other_district_cadre, district_discipline_officer, django_assert_max_num_queries
):
    client = login(district_discipline_officer)
    with django_assert_max_num_queries(10):
        html = client.get(reverse("integrity:cadre_list")).content.decode()
    assert cadre.name in html and other_district_cadre.name not in html
    html = client.get(reverse("integrity:cadre_list"), {"q": "王"}).content.decode()
    assert cadre.name not in html
