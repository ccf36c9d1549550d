"""A worker and a clerk open their account pages in Chromium, in Chinese: no English, no CSP refusal."""

import re

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, UserFactory, staff
from unions.models import Role

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PAGES = ["/accounts/email/", "/accounts/phone/change/", "/accounts/password/change/", "/accounts/logout/"]


def _sign_in(context, login: str):
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize("who", ["worker", "clerk"])
def test_account_pages_are_chinese_and_nothing_is_refused_by_the_csp(
    transactional_db, tree, new_context, screenshot, who
):
    if who == "worker":
        user = UserFactory(username="worker", name="王小明", email="w@example.org", phone="13812345678")
    else:
        user = staff(Role.Kind.UNION_CLERK, tree["g1"], username="clerk", email="c@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    context = new_context(viewport={"width": 390, "height": 844})

    page = _sign_in(context, user.username)
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        text = page.locator("main").inner_text().replace(user.email, "")
        assert LATIN_WORD.findall(text) == [], (path, text)
        screenshot(page, f"{who}-{path.strip('/').replace('/', '-')}")

    assert context.console_errors == []
