"""allauth's pages, as a worker and a staff member reach them, speak Chinese only and obey the CSP.

allauth's own catalogue mixes English into its Chinese (Email地址, 添加Email, "改为:", an English full
stop) and one of its templates carries an inline style, which the portal's CSP (style-src 'self')
refuses. Each page is read in the portal's default language, as a newcomer sees it.
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, staff
from unions.models import Role

# Latin words that may stand on a Chinese page: none. Addresses, usernames and numbers the test
# made are taken out before looking.
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# ASCII punctuation right after Chinese text: "改为:", "请登录." (Chinese text uses ：and 。).
ASCII_PUNCTUATION_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff\uff09]\s*[:.!?;,]")
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
WORKER_EMAIL = "worker@example.org"
STAFF_EMAIL = "clerk@example.org"


class _Visible(HTMLParser):
    """The text a reader sees or hears in the title and ``<main>`` (the page and its messages; the
    language switcher's "English" is outside it), and every inline style in the page."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0
        self.where: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styles.append(f"<{tag} style={attrs['style']!r}>")
        if tag in ("main", "title"):
            self.where.append(tag)
        if tag in ("script", "style", "template"):
            self.skip += 1
        if not self.where:
            return
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("main", "title") and self.where:
            self.where.pop()
        if tag in ("script", "style", "template"):
            self.skip -= 1

    def handle_data(self, data):
        if self.where and not self.skip and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> tuple[str, list[str]]:
    parser = _Visible()
    parser.feed(html)
    return " | ".join(parser.parts), parser.styles


def problems(response, *allowed: str) -> list[str]:
    html = response.content.decode()
    text, styles = visible(html)
    for word in allowed:
        text = text.replace(word, "")
    found = [f"English {word!r}" for word in LATIN_WORD.findall(text)]
    found += [f"ASCII punctuation {m.group(0)!r}" for m in ASCII_PUNCTUATION_AFTER_CHINESE.finditer(text)]
    found += [f"inline style {s}" for s in styles]
    if " style=" in html:
        found.append("a style= attribute in the page")
    return found


@pytest.fixture
def worker(db):
    user = UserFactory(username="worker", name="王小明", email=WORKER_EMAIL, phone="13812345678", phone_verified=True)
    EmailAddress.objects.create(user=user, email=WORKER_EMAIL, verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="second@example.org", verified=False, primary=False)
    return user


@pytest.fixture
def unverified_worker(db):
    return UserFactory(username="newcomer", name="李新", email="", phone="13900001111", phone_verified=False)


@pytest.fixture
def clerk(tree):
    user = staff(Role.Kind.UNION_CLERK, tree["g1"], username="clerk", email=STAFF_EMAIL)
    EmailAddress.objects.create(user=user, email=STAFF_EMAIL, verified=True, primary=True)
    return user


ALLOWED = (WORKER_EMAIL, STAFF_EMAIL, "second@example.org", "worker", "clerk", "newcomer")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


ANONYMOUS_PAGES = [
    ("account_login", "get", {}),
    ("account_login", "post", {"login": "nobody", "password": "wrong-password"}),
    ("account_signup", "get", {}),
    ("account_signup", "post", {"phone": "12", "password1": "a", "password2": "b"}),
    ("account_reset_password", "get", {}),
    ("account_reset_password", "post", {"email": "not-an-address"}),
    ("account_reset_password_done", "get", {}),
    ("account_inactive", "get", {}),
]

SIGNED_IN_PAGES = [
    ("account_email", "get", {}),
    ("account_email", "post", {"action_add": "", "email": "not-an-address"}),
    ("account_email_verification_sent", "get", {}),
    ("account_change_phone", "get", {}),
    ("account_change_phone", "post", {"action_add": "", "phone": "12"}),
    ("account_change_password", "get", {}),
    ("account_change_password", "post", {"oldpassword": "wrong", "password1": "a", "password2": "b"}),
    ("account_reauthenticate", "get", {}),
    ("account_logout", "get", {}),
    ("mfa_index", "get", {}),
]


@pytest.mark.parametrize(("name", "method", "data"), ANONYMOUS_PAGES)
def test_anonymous_allauth_pages_are_all_chinese_without_inline_style(db, name, method, data):
    response = getattr(Client(), method)(reverse(name), data)

    assert response.status_code == 200
    assert problems(response, *ALLOWED) == [], visible(response.content.decode())[0]


@pytest.mark.parametrize("who", ["worker", "unverified_worker", "clerk"])
@pytest.mark.parametrize(("name", "method", "data"), SIGNED_IN_PAGES)
def test_signed_in_allauth_pages_are_all_chinese_without_inline_style(request, who, name, method, data):
    client = _signed_in(request.getfixturevalue(who))

    response = getattr(client, method)(reverse(name), data)

    assert response.status_code == 200
    assert problems(response, *ALLOWED) == [], visible(response.content.decode())[0]


def test_the_phone_verification_page_and_a_wrong_code_are_all_chinese(db, sms_outbox):
    client = Client()
    client.post(
        reverse("account_signup"),
        {"name": "王小明", "phone": "13812340000", "password1": PASSWORD, "password2": PASSWORD},
    )

    page = client.get(reverse("account_verify_phone"))
    wrong = client.post(reverse("account_verify_phone"), {"code": "000000"})

    for response in (page, wrong):
        assert response.status_code == 200
        assert problems(response, "13812340000") == [], visible(response.content.decode())[0]


def test_a_broken_password_reset_link_is_explained_in_chinese(db):
    response = Client().get(reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-key"}))
    if response.status_code == 302:
        response = Client().get(response.url)

    assert response.status_code == 200
    assert problems(response) == [], visible(response.content.decode())[0]


def test_an_unverified_number_can_have_its_code_sent_again_from_the_phone_page(unverified_worker, sms_outbox):
    client = _signed_in(unverified_worker)

    page = client.get(reverse("account_change_phone")).content.decode()
    resend = client.post(reverse("account_change_phone"), {"action": "verify"})

    # the re-send button submits the page's hidden form (hidden by its attribute, not a style)
    assert 'form="verify-phone"' in page
    assert re.search(r'<form hidden id="verify-phone"', page)
    assert resend.status_code == 302
    assert [phone for phone, _ in sms_outbox] == ["13900001111"]
