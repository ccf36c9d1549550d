"""A worker who searches too fast sees why the results stopped, in place of the results."""

import re

import pytest
from playwright.sync_api import expect

from unions.models import Union

from ..factories import PASSWORD, UserFactory, make_child

pytestmark = pytest.mark.browser


def test_a_throttled_union_search_shows_the_chinese_message_where_the_results_go(
    transactional_db, tree, settings, new_context, screenshot
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "union_search": "2/m/user,100/m/ip"}
    make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东华门精密仪器有限公司工会委员会")
    worker = UserFactory(username="worker-fast")

    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", worker.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    page.goto("/join/")
    page.check("input[name=agree]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/join/apply/"))

    def search(typed: str) -> int:
        with page.expect_response(re.compile(r"/join/unions/")) as answer:
            page.fill("#union-q", typed)
        return answer.value.status

    results = page.locator("#union-results")
    assert [search("精密"), search("精密仪")] == [200, 200]
    expect(results).to_contain_text("东华门精密仪器有限公司工会委员会")

    assert search("精密仪器") == 429
    expect(results.get_by_role("alert")).to_contain_text("请求过多")
    expect(page.locator("#union-q")).to_be_visible()  # the search box stays, for a later try
    screenshot(page, "union-search-throttled")
