"""Every public page of the campaigns app, honours and competitions alike, read as an anonymous visitor:
none shows an ID number, a mobile number or a birth date, whatever the person behind it has on record
(SECURITY.md "public pages"). A public page added without a sample here fails the last test."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.models import Nomination
from members.id_number import check_character, parse
from members.models import Member

from ..test_urls_anonymous import PUBLIC
from .honour_factories import HonourFactory, NominationFactory, NoticeFactory

pytestmark = pytest.mark.django_db

ID_BODY = "11010519850601123"
ID_NUMBER = ID_BODY + check_character(ID_BODY)
MOBILE = "13912345678"
BIRTH = datetime.date(1985, 6, 1)
# The birth date as a page might print it.
BIRTH_FORMS = ("1985-06-01", "1985年6月1日", "1985年06月01日", "19850601", "1985/06/01", "1985.06.01")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_urls(tree, honour_round, city_staff, clerk1, competition):
    """A nominee with an ID number, a mobile and a birth date in a running notice, and their honour."""
    member = Member(union=tree["g1"], name="李秀英", mobile=MOBILE, joined_on=datetime.date(2020, 1, 1))
    member.set_id_number(parse(ID_NUMBER))
    member.save()
    notice = NoticeFactory(round=honour_round, published_by=city_staff)
    nomination = NominationFactory(
        round=honour_round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        member=member,
        nominee_name=member.name,
        birth_date=BIRTH,
        status=Nomination.Status.NOTICE,
        notice=notice,
        # A clerk who typed numbers into the deeds: the public summary must not carry them.
        deeds=f"扎根一线的职工，联系电话{MOBILE}，身份证{ID_NUMBER}。" * 3,
    )
    honour = HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        holder_name=member.name,
        birth_date=BIRTH,
        member=member,
        nomination=nomination,
    )
    return {
        "campaigns:public_notice": reverse("campaigns:public_notice", args=[notice.token]),
        "campaigns:objection_form": reverse("campaigns:objection_form", args=[notice.token]),
        "campaigns:honour_check": reverse("campaigns:honour_check", args=[honour.token]),
        "campaigns:certificate_check": reverse("campaigns:certificate_check", args=["not-a-token"]),
        "campaigns:results": reverse("campaigns:results", args=[competition.public_token]),
    }


def personal_data_in(body: str) -> list[str]:
    found = [value for value in (ID_NUMBER, MOBILE, *BIRTH_FORMS) if value in body]
    found += re.findall(r"(?<!\d)\d{17}[\dXx](?!\d)", body)
    return found


def test_no_public_page_shows_an_id_number_a_mobile_or_a_birth_date(client, public_urls):
    for name, url in public_urls.items():
        page = client.get(url)
        assert page.status_code in (200, 404), (name, page.status_code)
        assert personal_data_in(page.content.decode()) == [], name
    # The notice does list the nominee (so the test reads a real page, not an empty one).
    assert "李秀英" in client.get(public_urls["campaigns:public_notice"]).content.decode()


def test_the_objection_code_page_answers_without_personal_data(client, public_urls):
    url = public_urls["campaigns:objection_form"].rstrip("/") + "/code/"
    page = client.post(url, {"mobile": MOBILE})
    assert page.status_code in (200, 302, 400, 429)
    assert ID_NUMBER not in page.content.decode()


def test_every_public_campaigns_page_is_read_here(public_urls):
    public = {name for name in PUBLIC if name.startswith("campaigns:")} - {"campaigns:objection_code"}
    assert public <= set(public_urls), "add a sample of the new public page to public_urls"


def test_numbers_typed_into_deeds_are_masked_and_the_rest_kept():
    from campaigns.public_text import mask_numbers

    text = (
        f"电话{MOBILE}或139-1234-5678，身份证{ID_NUMBER}，攻克难题12项，节约成本3200000元，工号20260011223344556677。"
    )
    masked = mask_numbers(text)
    assert masked == (
        "电话139****5678或139****5678，身份证110105**********"
        f"{ID_NUMBER[-2:]}，攻克难题12项，节约成本3200000元，工号20260011223344556677。"
    )
