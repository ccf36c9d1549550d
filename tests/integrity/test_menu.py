"""The integrity menu in the navigation bar and the card on the staff home: discipline officers only;
parts not built are left out."""

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
def test_the_city_admin_and_the_cadre_officer_see_no_integrity_entry(tree, cadre_officer):
    city_admin = staff(Role.Kind.CITY_ADMIN, tree["city"], username="city-admin")
    for user in (city_admin, cadre_officer):
        html = login(user).get(reverse("home")).content.decode()
        assert "/integrity/" not in html
        assert integrity_menu(user)["items"] == []


@pytest.mark.django_db
def test_a_district_officer_has_no_settings_entry(district_discipline_officer):
    urls = [i["url"] for i in integrity_menu(district_discipline_officer)["items"] if "url" in i]
    assert reverse("integrity:settings") not in urls and reverse("integrity:talk_list") in urls
