"""A clerk searches the member list by ID number, with htmx and without JavaScript: the results
come, and neither the address bar, the history nor the export page's address holds the number."""

import re

import pytest
from playwright.sync_api import expect

from unions.models import Role

from ..factories import staff
from ..members.test_member_pages import make_member
from .test_district_staff_journey import sign_in

pytestmark = pytest.mark.browser


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_search_by_id_number_keeps_the_number_out_of_the_address_bar(
    transactional_db, tree, new_context, screenshot, javascript
):
    # given a clerk and two members of their union
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"], username="search-clerk")
    wanted = make_member(tree["g1"], name="查找对象", number="11010519491231002X")
    make_member(tree["g1"], name="其他会员")
    number = wanted.reveal_id_number()
    context = new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    sign_in(page, clerk.username)
    page.goto("/members/")

    # when they type the ID number into the search box and search
    page.fill("input[name=q]", number)
    page.locator("form[role=search] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    # then the one member is listed, and the address holds a token, not the number
    expect(page.locator("#member-results")).to_contain_text("查找对象")
    expect(page.locator("#member-results")).not_to_contain_text("其他会员")
    expect(page).to_have_url(re.compile(r"/members/\?.*s="))
    assert digits(number)[:17] not in digits(page.url)

    # when they export the list they see
    page.locator("form[role=search] button[name=export][value=csv]").click()
    page.wait_for_load_state("networkidle")

    # then the export page counts that one member, and neither its address nor its links and form
    # hold the number
    expect(page).to_have_url(re.compile(r"/members/export/\?"))
    expect(page.locator("body")).to_contain_text("共1名会员")
    urls = page.evaluate(
        "() => [location.href, ...[...document.querySelectorAll('[href],[action]')]"
        ".map(e => e.getAttribute('href') || e.getAttribute('action'))]"
    )
    assert all(digits(number)[:17] not in digits(url) for url in urls), urls
    screenshot(page, f"member-search-{'htmx' if javascript else 'no-js'}")
    assert not [e for e in context.console_errors if "Content Security Policy" in e]


def test_past_the_hourly_limit_the_reveal_button_says_why(transactional_db, tree, new_context, screenshot, settings):
    # given a clerk who may reveal one ID number an hour, and two members
    settings.MEMBER_ID_REVEALS_PER_HOUR = 1
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"], username="reveal-clerk")
    first, second = make_member(tree["g1"], name="第一人"), make_member(tree["g1"], name="第二人")
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, clerk.username)

    # when they reveal the first member's number, then the second's
    page.goto(f"/members/{first.pk}/")
    page.locator("#id-number button[type=submit]").click()
    expect(page.locator("#id-number")).to_contain_text(first.reveal_id_number())
    page.goto(f"/members/{second.pk}/")
    page.locator("#id-number button[type=submit]").click()

    # then the second is refused in place, with the limit, and the number is not shown
    expect(page.locator("#id-number .alert")).to_contain_text("每小时最多可查看 1 次完整身份证号")
    assert second.reveal_id_number() not in page.content()
    screenshot(page, "reveal-refused")
