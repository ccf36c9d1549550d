"""No page without a login and a scope check, except the public pages on an explicit list (SECURITY.md).

Walks every URL pattern of the project as an anonymous visitor, GET and POST. A page that is not on
PUBLIC must answer with a redirect that ends at the login page, or 403, 404 or 405: never content.
Adding a public page means adding its name below, on purpose.
"""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

# URL names an anonymous visitor may open. Everything else needs a signed-in user.
PUBLIC = {
    # site
    "healthz": "load balancers ask without credentials",
    "set_language": "the language switcher works before sign-in",
    # signing in and out
    "account_login": "the login page",
    "account_logout": "signing out (answers anonymous visitors with a redirect)",
    "account_inactive": "shown after a login attempt on a deactivated account",
    "account_confirm_login_code": "second step of a login by code, before the session exists",
    "mfa_authenticate": "second-factor step of a login, before the session exists",
    # signing up
    "account_signup": "workers sign up online",
    "account_verify_phone": "SMS code step of a sign-up in progress",
    "account_email_verification_sent": "'we sent you an e-mail' after sign-up",
    "account_confirm_email": "the link in the confirmation e-mail",
    # password reset
    "account_reset_password": "asking for a reset link",
    "account_reset_password_done": "'we sent you a link'",
    "account_reset_password_from_key": "the link in the reset e-mail (also the staff invitation)",
    "account_reset_password_from_key_done": "'your password was changed'",
    "accounts:mfa_enrol": "the link of the staff invitation and authenticator reset e-mails, opened before sign-in",
    # members
    "members:card_check": "the page a member card's QR code opens: whoever scans it checks the card (no personal data)",
    # campaigns
    "campaigns:certificate_check": "the page a prize certificate's QR code opens: valid, the prize, the competition",
    "campaigns:results": "a competition's published ranking (names and units), public when the organiser chooses so",
    "campaigns:public_notice": "the public notice (公示) of a round's nominees: name, sex, unit, post, honour, deeds summary",
    "campaigns:objection_form": "anyone may object to a nominee of a running notice under their real name (SMS-confirmed)",
    "campaigns:objection_code": "sends the SMS code that confirms an objector's mobile (throttled per IP and per mobile)",
    "campaigns:honour_check": "the page an honour certificate's QR code opens: this honour, this year, valid or revoked",
}

# What to put in each kind of URL argument.
SAMPLES = {"int": "1", "path": "1", "str": "x", "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000"}
REDIRECTS = {301, 302, 303, 307, 308}


def _named_groups(regex: str):
    """(start, end, name, body) of each ``(?P<name>body)`` group, with nested parentheses."""
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, i = 1, match.end()
        while depth:
            if regex[i] == "\\":
                i += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[i], 0)
            i += 1
        yield match.start(), i, match.group(1), regex[match.end() : i - 1]


def _sample_for_regex(name: str, body: str) -> str:
    for candidate in ("x", "1"):
        if re.fullmatch(body, candidate):
            return candidate
    first = body.split("|")[0]
    if re.fullmatch(r"\w+", first) and re.fullmatch(body, first):
        return first
    raise AssertionError(f"no sample value for the URL argument {name} ({body}): add one to this test")


def _fill(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES[m.group(1) or "str"], route)
    assert isinstance(pattern, RegexPattern), f"unknown pattern type {type(pattern)}"
    regex = pattern._regex
    pieces, last = [], 0
    for start, end, name, body in _named_groups(regex):
        pieces += [regex[last:start], _sample_for_regex(name, body)]
        last = end
    pieces.append(regex[last:])
    text = "".join(pieces).removeprefix("^").removesuffix("$").removesuffix("\\Z")
    assert not re.search(r"[\\()\[\]*+?|]", text), f"cannot make a URL from {regex}: extend this test"
    return text


def all_urls(resolver=None, prefix="", namespace=""):
    """(url, name, pattern) for every pattern of the project, namespaced names as in reverse()."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = prefix + _fill(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_urls(entry, here, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield "/" + here, (f"{namespace}{entry.name}" if entry.name else None), entry


URLS = list(all_urls())


def _is_login_page(path: str) -> bool:
    return resolve(path).url_name == "account_login"


def ends_at_login(client: Client, response) -> bool:
    """Whether a redirect chain (at most five steps) ends at the login page."""
    for _ in range(5):
        if response.status_code not in REDIRECTS:
            return False
        target = urlsplit(response["Location"])
        if target.netloc:
            return False
        if _is_login_page(target.path):
            return True
        response = client.get(target.path, data=dict(parse_qsl(target.query)))
    return False


def test_the_walk_reaches_every_part_of_the_project():
    names = {name for _url, name, _pattern in URLS}
    assert len(URLS) >= 40
    assert {"home", "unions:detail", "unions:create", "unions:role_grant", "account_login", "admin:index"} <= names


def test_every_public_name_exists():
    names = {name for _url, name, _pattern in URLS}
    assert set(PUBLIC) - names == set()


def test_every_url_resolves_back_to_its_own_pattern():
    for url, name, pattern in URLS:
        assert resolve(url).func == pattern.callback, f"{url} ({name}) resolves elsewhere: adjust the sample values"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("url", "name"), [(url, name) for url, name, _pattern in URLS], ids=[u for u, _n, _p in URLS])
def test_anonymous_visitor_gets_no_content_outside_the_public_pages(url, name, method):
    client = Client()
    response = getattr(client, method)(url)
    status = response.status_code
    if name in PUBLIC:
        assert status != 500, f"{method.upper()} {url}: the public page {name} fails"
        return
    assert status in {403, 404, 405} or ends_at_login(client, response), (
        f"{method.upper()} {url} ({name}) answers {status} to an anonymous visitor; "
        "if it is meant to be public, add it to PUBLIC"
    )


@pytest.mark.django_db
def test_a_public_page_not_on_the_list_would_be_caught():
    # The check above is only worth something if it fails for a page that shows content: the login
    # page is one, so without its entry the check must fail.
    client = Client()
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert not (response.status_code in {403, 404, 405} or ends_at_login(client, response))
