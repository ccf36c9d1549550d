"""The e-card and the public check page its QR code opens: valid or not, the union, no personal data."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members import services
from members.cards import check_url, qr_svg
from members.id_number import parse
from members.models import Member
from tests.pages import client_for, text

from ..factories import UserFactory

VALID_ID = "11010519491231002X"
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


@pytest.fixture
def worker(db):
    return UserFactory(name="王小明", phone="13812345678")


@pytest.fixture
def member(tree, worker, clerk):
    member = Member(
        union=tree["g1"], joined_on=datetime.date(2021, 3, 8), name="王小明", mobile="13812345678", user=worker
    )
    member.set_id_number(parse(VALID_ID))
    member.save()
    services.card_issue(member=member, by=clerk)
    return member


@pytest.fixture
def card(member):
    return member.cards.get(revoked_on__isnull=True)


def check_path(card) -> str:
    return urlsplit(check_url(card)).path


def personal_data(member, card) -> list[str]:
    return [member.name, VALID_ID, member.id_masked, member.id_masked[-4:] + "<", member.mobile, card.number]


# --- the card page ------------------------------------------------------------------------------
def test_the_member_sees_their_card_with_a_qr_code_of_the_check_address(member, card, worker):
    response = client_for(worker).get(reverse("members:my_card"))

    page = text(response)
    assert response.status_code == 200
    assert member.name in page
    assert card.number in page
    assert member.union.name in page
    assert "2021-03-08" in page
    assert '<svg viewBox="' in page
    assert qr_svg(check_url(card)) in page
    assert not FULL_ID.search(page)


def test_the_qr_address_is_the_public_check_page_of_this_card(card):
    url = check_url(card)

    assert url.startswith(settings.SITE_URL + "/")
    assert card.token in url
    assert len(card.token) >= 43  # 32 random bytes
    assert "Valid member card" in text(client_for().get(check_path(card)))


def test_a_signed_in_user_without_membership_is_told_there_is_no_card(worker):
    response = client_for(worker).get(reverse("members:my_card"))

    assert response.status_code == 200
    assert "Only members have a member card." in text(response)
    assert "<svg" not in text(response)


def test_a_member_whose_card_was_revoked_is_told_so(member, worker, clerk):
    services.card_revoke(member=member, by=clerk)

    page = text(client_for(worker).get(reverse("members:my_card")))

    assert "You have no valid member card at the moment." in page
    assert "<svg" not in page


def test_the_card_page_needs_a_sign_in(db):
    response = Client().get(reverse("members:my_card"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_member_sees_only_their_own_card(member, card, tree):
    other = UserFactory()
    page = text(client_for(other).get(reverse("members:my_card")))
    assert card.number not in page
    assert member.name not in page


# --- the public check page ----------------------------------------------------------------------
def test_the_check_page_says_valid_and_the_union_and_nothing_personal(member, card):
    response = client_for().get(check_path(card))

    page = text(response)
    assert response.status_code == 200
    assert "Valid member card" in page
    assert f"Member of {member.union.name}" in page
    for value in personal_data(member, card):
        assert value not in page, value
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_the_check_page_says_not_valid_after_the_card_is_revoked(member, card, clerk):
    services.card_revoke(member=member, by=clerk)

    page = text(client_for().get(check_path(card)))

    assert "Not a valid member card" in page
    assert "Valid member card" not in page
    assert member.union.name not in page
    for value in personal_data(member, card):
        assert value not in page, value


def test_the_check_page_says_not_valid_once_the_membership_has_ended(member, card, clerk):
    # The card itself is left valid here: the member's status alone must decide.
    Member.objects.filter(pk=member.pk).update(status=Member.Status.LEFT, ended_on=timezone.localdate())

    page = text(client_for().get(check_path(card)))

    assert "Not a valid member card" in page
    assert member.union.name not in page


def test_an_old_card_is_not_valid_after_a_new_one_is_issued(member, card, clerk):
    new = services.card_issue(member=member, by=clerk)

    assert "Not a valid member card" in text(client_for().get(check_path(card)))
    assert "Valid member card" in text(client_for().get(check_path(new)))


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 200, "%00", "' OR 1=1 --"])
def test_an_unknown_token_gets_the_same_not_valid_page(db, token):
    response = client_for().get(reverse("members:card_check", args=[token]))

    assert response.status_code == 200
    assert "Not a valid member card" in text(response)


def test_revoked_and_unknown_look_the_same(member, card, clerk):
    services.card_revoke(member=member, by=clerk)
    revoked = text(client_for().get(check_path(card)))
    unknown = text(client_for().get(reverse("members:card_check", args=["B" * 43])))

    def verdict(page):
        # The page's own content, without the time of the check (the layout around it carries the
        # CSRF token and the current path for the language switcher).
        main = re.search(r"<main.*</main>", page, re.S).group(0)
        return re.sub(r"Checked \d{4}-\d{2}-\d{2} \d{2}:\d{2}", "", main)

    assert verdict(revoked) == verdict(unknown)


def test_the_check_page_needs_no_sign_in_and_shows_the_same_to_a_signed_in_stranger(member, card):
    stranger = UserFactory()
    page = text(client_for(stranger).get(check_path(card)))
    assert "Valid member card" in page
    assert member.name not in page


def test_the_check_page_answers_only_reading_methods(card):
    assert client_for().post(check_path(card)).status_code == 405
