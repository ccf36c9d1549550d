"""The integrity menu in the navigation bar and the card on the staff home: the whole menu for discipline
officers, the opinion letters they may ask for for cadre officers, nothing for anyone else."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from integrity.templatetags.integrity_menu import integrity_menu
from unions.models import Role

from ..factories import staff


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_discipline_officer_sees_the_menu_and_the_home_card(discipline_officer):
    html = login(discipline_officer).get(reverse("home")).content.decode()
    assert reverse("integrity:talk_list") in html and 'id="integrity-home"' in html
    menu = integrity_menu(discipline_officer, "integrity:talk_list")
    urls = [i["url"] for i in menu["items"] if "url" in i]
    assert reverse("integrity:talk_list") in urls and reverse("integrity:settings") in urls
    assert menu["active"] and [i["url"] for i in menu["items"] if i.get("active")] == [reverse("integrity:talk_list")]


@pytest.mark.django_db
def test_the_city_admin_sees_no_integrity_entry(tree):
    city_admin = staff(Role.Kind.CITY_ADMIN, tree["city"], username="city-admin")
    html = login(city_admin).get(reverse("home")).content.decode()
    assert "/integrity/" not in html
    assert integrity_menu(city_admin)["items"] == []


@pytest.mark.django_db
def test_a_cadre_officer_is_offered_only_the_opinion_letters_they_may_ask_for(cadre_officer):
    html = login(cadre_officer).get(reverse("home")).content.decode()
    offered = {reverse("integrity:opinion_request"), reverse("integrity:opinion_requested_list")}
    assert all(url in html for url in offered)
    links = set(re.findall(r'href="(/integrity/[^"]*)"', html))
    assert links == offered
    assert 'id="integrity-home"' not in html


@pytest.mark.django_db
def test_a_district_officer_has_no_settings_entry(district_discipline_officer):
    urls = [i["url"] for i in integrity_menu(district_discipline_officer)["items"] if "url" in i]
    assert reverse("integrity:settings") not in urls and reverse("integrity:talk_list") in urls


@pytest.mark.django_db
def test_a_leader_finds_the_integrity_figures_under_reports_and_nothing_else_of_integrity(leader):
    html = login(leader).get(reverse("home")).content.decode()
    assert reverse("reports:integrity_dashboard_home") in html
    assert 'href="/integrity/' not in html
    assert integrity_menu(leader)["items"] == []
