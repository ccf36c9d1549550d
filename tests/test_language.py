"""Pages are in Simplified Chinese unless the user picks English with the switcher."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return re.search(r'<html[^>]*\blang="([^"]+)"', response.content.decode()).group(1)


def test_pages_are_chinese_by_default_even_when_the_browser_asks_for_english(client, db):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert html_lang(response) == "zh-hans"
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()  # allauth's own zh_Hans catalogue: "Sign In"


def test_switching_to_english_sets_a_cookie_and_pages_come_out_in_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert response.cookies[COOKIE].value == "en"

    page = client.get(reverse("account_login"))
    assert html_lang(page) == "en"
    assert page["Content-Language"] == "en"
    assert "Sign In" in page.content.decode()
    assert "登录" not in page.content.decode()


def test_switching_back_to_chinese(client, db):
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("set_language"), {"language": "zh-hans"})

    assert html_lang(client.get(reverse("account_login"))) == "zh-hans"


@pytest.mark.parametrize("code", ["fr", "xx", "", "en-evil", "zh-hant"])
def test_an_unknown_language_is_refused_with_a_message_and_changes_nothing(client, db, code):
    client.post(reverse("set_language"), {"language": "en"})

    response = client.post(reverse("set_language"), {"language": code, "next": reverse("account_login")})

    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert COOKIE not in response.cookies
    assert client.cookies[COOKIE].value == "en"
    with translation.override("en"):
        expected = translation.gettext("Unknown language: the portal speaks Simplified Chinese and English.")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]
    assert html_lang(client.get(reverse("account_login"))) == "en"


def test_a_cookie_with_an_unknown_language_falls_back_to_chinese(client, db):
    client.cookies[COOKIE] = "fr"

    assert html_lang(client.get(reverse("account_login"))) == "zh-hans"


@pytest.mark.parametrize("language", ["en", "xx"])
def test_language_switch_never_redirects_off_site(client, db, language):
    response = client.post(reverse("set_language"), {"language": language, "next": "https://evil.example/phish"})

    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_language_switch_refuses_get(client, db):
    response = client.get(reverse("set_language"), {"language": "en"})

    assert response.status_code == 405
    assert COOKIE not in response.cookies


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the portal's own zh_Hans catalogue is not written yet")
def test_portal_strings_are_translated_once_the_catalogue_is_compiled(client, db):
    assert CATALOGUE.with_suffix(".mo").exists(), "run manage.py compilemessages"

    zh = client.get(reverse("account_login")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    en = client.get(reverse("account_login")).content.decode()

    assert "Union portal" in en
    assert "Union portal" not in zh


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entries():
    """A string added without its Chinese would show in English on a Chinese page."""
    import subprocess
    from pathlib import Path

    po = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        left = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True)
        entries = [line for line in left.stdout.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
        assert entries == [], f"{flag}: {entries}"
