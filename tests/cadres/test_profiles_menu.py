"""The cadres menu, the cadre officer's card on the staff home, and the admin's cadre pages."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from cadres.models import ExternalTraining, Secondment, TrainingClass
from cadres.templatetags.cadres_menu import MENU
from tests.pages import client_for, text
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory, TrainingClassFactory

R = Role.Kind


def menu_of(response) -> str:
    body = text(response)
    return body[body.index('<ul class="navbar-nav me-auto">') : body.index('<div class="d-flex flex-column')]


def routed(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def test_a_cadre_officer_is_offered_every_cadre_page_that_exists(tree, cadre_officer):
    menu = menu_of(client_for(cadre_officer).get(reverse("home")))
    assert ">Cadres<" in menu
    for name, _label, _active in filter(None, MENU):
        if url := routed(name):
            assert f'href="{url}"' in menu, name
    assert f'href="{reverse("cadres:settings")}"' in menu


def test_a_district_cadre_officer_is_not_offered_the_settings(tree, district_cadre_officer):
    menu = menu_of(client_for(district_cadre_officer).get(reverse("home")))
    assert reverse("cadres:cadre_list") in menu and reverse("cadres:settings") not in menu


@pytest.mark.parametrize(("kind", "node"), [(R.CITY_ADMIN, "city"), (R.UNION_CLERK, "g1")])
def test_other_staff_are_not_offered_the_cadres_menu(tree, kind, node):
    menu = menu_of(client_for(staff(kind, tree[node])).get(reverse("home")))
    assert f'href="{reverse("cadres:cadre_list")}"' not in menu and ">Cadres<" not in menu


def test_a_leader_is_offered_the_grades_to_confirm_and_the_figures_but_no_list_of_cadres(tree):
    menu = menu_of(client_for(staff(R.LEADER, tree["d1"])).get(reverse("home")))
    assert f'href="{reverse("cadres:round_list")}"' in menu
    assert f'href="{reverse("reports:cadre_dashboard_home")}"' in menu
    assert f'href="{reverse("cadres:cadre_list")}"' not in menu


def test_the_group_is_active_on_a_cadre_page(tree, cadre, district_cadre_officer):
    body = text(client_for(district_cadre_officer).get(reverse("cadres:cadre_detail", args=[cadre.pk])))
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Cadres<', body)


def test_a_cadre_with_an_account_is_offered_their_own_record(tree, cadre):
    url = routed("cadres:my_home")
    if not url:
        pytest.skip("the cadre's own page is not routed yet")
    menu = menu_of(client_for(cadre.user).get(reverse("home")))
    assert f'href="{url}"' in menu and "My cadre record" in menu
    assert reverse("cadres:cadre_list") not in menu


def test_a_worker_without_a_cadre_record_is_offered_nothing_of_cadres(db):
    menu = menu_of(client_for(UserFactory()).get(reverse("home")))
    assert "My cadre record" not in menu and "/cadres/" not in menu


def test_the_staff_home_shows_the_cadre_officers_work(tree, district_cadre_officer, cadre, other_district_cadre):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    CadreFactory(union=tree["s1"], status="left")
    TrainingClassFactory(organiser=tree["s1"], created_by=district_cadre_officer, status=TrainingClass.Status.OPEN)
    TrainingClassFactory(organiser=tree["s2"], created_by=district_cadre_officer, status=TrainingClass.Status.OPEN)
    ExternalTraining.objects.create(
        cadre=cadre, title="外训", provider="某校", starts_on=today, ends_on=today, hours=8,
        certificate="c.pdf", filed_by=cadre.user,
    )  # fmt: skip
    Secondment.objects.create(
        cadre=cadre, host_name="某企业", host_kind="enterprise", post_at_host="副总", planned_start=today,
        planned_end=today + datetime.timedelta(days=20), status="active", created_by=district_cadre_officer,
    )  # fmt: skip

    body = text(client_for(district_cadre_officer).get(reverse("home")))

    card = body[body.index('id="cadres-home"') : body.index("Your unions")]
    counts = dict(re.findall(r'<span class="flex-grow-1">([^<]+)</span>\s*<span class="badge[^"]*">(\d+)</span>', card))
    assert counts == {
        "Cadres in post": "1",
        "Training classes open": "1",
        "Training elsewhere waiting for me": "1",  # s1 is below d1: the district officer approves
        "Secondments ending within 30 days": "1",
        "Assessments to grade": "0",
    }


def test_the_staff_home_has_no_cadre_card_for_other_staff(tree):
    body = text(client_for(staff(R.UNION_CLERK, tree["g1"])).get(reverse("home")))
    assert 'id="cadres-home"' not in body


def test_external_training_at_the_officers_own_node_waits_for_the_level_above(tree, district_cadre_officer):
    cadre = CadreFactory(union=tree["d1"])
    ExternalTraining.objects.create(
        cadre=cadre, title="外训", provider="某校", starts_on="2026-01-01", ends_on="2026-01-02", hours=8,
        certificate="c.pdf", filed_by=district_cadre_officer,
    )  # fmt: skip
    body = text(client_for(district_cadre_officer).get(reverse("home")))
    assert re.search(r"Training elsewhere waiting for me</span>\s*<span[^>]*>0<", body)


def test_the_admin_changelist_masks_mobiles_in_a_fixed_number_of_queries(
    tree, cadre, other_district_cadre, django_assert_max_num_queries
):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = client_for(superuser)
    url = reverse("admin:cadres_cadre_changelist")
    client.get(url)
    CadreFactory.create_batch(30, union=tree["s1"])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    body = text(response)
    assert response.status_code == 200 and cadre.mobile_masked in body and cadre.mobile not in body
    detail = text(client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk])))
    assert cadre.mobile not in detail
