"""The cadre list and a cadre's page in Chromium at 1280 px, in Chinese: they fit without sideways
scrolling, and the timeline shows every kind of record. Screenshots are saved for review."""

import datetime

import pytest
from django.conf import settings

from tests.browser.test_navigation import sign_in
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory
from .test_profiles_detail import add_one_of_each

pytestmark = pytest.mark.browser

# The browser fixtures of tests/browser, for this folder's tests.


@pytest.fixture
def officer(transactional_db, tree):
    return staff(Role.Kind.CADRE_OFFICER, tree["d1"], username="cadre-officer-d1", name="欧阳建国")


def _chinese_page(new_context, live_server):
    context = new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": live_server.url}])
    return context.new_page()


def test_the_list_and_a_cadres_page_at_1280_px(officer, tree, new_context, screenshot, live_server):
    # given a district's cadres, one of them with a full record
    cadre = CadreFactory(
        union=tree["s1"], user=UserFactory(), name="李晓明", post="组织部部长", birth_date=datetime.date(1993, 6, 1)
    )
    for offset in range(2):
        add_one_of_each(cadre, officer, tree, offset=offset)
    for n, (name, rank, born) in enumerate(
        [("王建华", "county_division", 1971), ("赵雪梅", "staff", 1996), ("孙志强", "township_section", 1985)]
    ):
        CadreFactory(
            union=[tree["d1"], tree["s1"], tree["g1"]][n], name=name, rank=rank, birth_date=datetime.date(born, 3, 9)
        )
    page = _chinese_page(new_context, live_server)
    sign_in(page, officer.username)

    # when the officer opens the list
    page.goto("/cadres/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#cadre-results tbody tr").count() == 6  # and the two task forces' leads
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_text("年轻干部").count() >= 2
    screenshot(page, "cadre_list_1280")

    # and the cadre's page
    page.locator("#cadre-results a", has_text="李晓明").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#timeline > li").count() == 18
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "cadre_detail_1280")

    assert not page.context.console_errors

    # and the staff home's card, and the form that adds a cadre sent empty (answered 400)
    page.goto("/")
    assert page.locator("#cadres-home .list-group-item").count() == 5
    screenshot(page, "staff_home_1280")
    page.goto("/cadres/new/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".invalid-feedback").count() >= 5
    screenshot(page, "cadre_form_errors_1280")
