"""The public campaigns pages: the results page and the certificate check. They show the entry's name and
unit and nothing else of a person (no ID number, mobile, birth date, team leader), carry no-index and
no-referrer headers, and the check is throttled per IP."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.models import Competition, Entry
from campaigns.services.awards import prizes_award
from members.id_number import check_character, parse
from members.models import Member

from .factories import EntryFactory
from .test_awards import ranked

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def commended(competition, tree, clerk1, organiser):
    competition.results = Competition.Results.PUBLIC
    competition.save(update_fields=["results"])
    entries = ranked(competition, tree["g1"], clerk1, [1, 2, 3, 4, 5, 6, 7])
    awards = sorted(prizes_award(competition=competition, by=organiser), key=lambda a: a.entry.rank)
    competition.refresh_from_db()
    return competition, entries, awards


ID_BODY = "11010519900307123"
ID_NUMBER = ID_BODY + check_character(ID_BODY)
MOBILE = "13912345678"


def _personal_member(union):
    """A member with an ID number (and so a birth date) and a mobile, to be entered as an individual."""
    member = Member(union=union, name="李秀英", mobile=MOBILE, joined_on=datetime.date(2020, 1, 1))
    member.set_id_number(parse(ID_NUMBER))
    member.save()
    return member


def test_results_list_the_frozen_ranking_with_prizes(client, commended, django_assert_max_num_queries):
    competition, entries, awards = commended
    with django_assert_max_num_queries(4):
        page = client.get(reverse("campaigns:results", args=[competition.public_token]))
    assert page.status_code == 200
    body = page.content.decode()
    for entry in entries:
        assert entry.name in body and str(entry.final_score) in body
    assert body.index(entries[0].name) < body.index(entries[6].name)
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"


def test_results_wait_for_the_frozen_ranking(client, competition, tree, clerk1):
    competition.results = Competition.Results.PUBLIC
    competition.save(update_fields=["results"])
    EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1)
    for status in (Competition.Status.RUNNING, Competition.Status.REVIEWING):
        competition.status = status
        competition.save(update_fields=["status"])
        assert client.get(reverse("campaigns:results", args=[competition.public_token])).status_code == 404
    assert client.get(reverse("campaigns:results", args=["no-such-token"])).status_code == 404


def test_portal_only_results_need_a_sign_in(client, commended, judge_user):
    competition = commended[0]
    competition.results = Competition.Results.PORTAL
    competition.save(update_fields=["results"])
    url = reverse("campaigns:results", args=[competition.public_token])
    answer = client.get(url)
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    client.force_login(judge_user)
    assert client.get(url).status_code == 200


def test_check_says_valid_prize_and_competition_and_no_name(client, commended):
    competition, entries, awards = commended
    page = client.get(reverse("campaigns:certificate_check", args=[awards[0].token]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="check-prize"' in body and competition.title in body and competition.organiser.name in body
    assert entries[0].name not in body and entries[0].unit_name not in body
    assert awards[0].number not in body  # only valid, the prize, the competition and its organiser
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]


def test_unknown_token_gets_the_same_not_valid_page(client, commended):
    real = commended[2][0].token
    # One character off (the last character of a URL-safe token is often "A": never the same one).
    near = real[:-1] + ("B" if real.endswith("A") else "A")
    for token in ("nope", "x" * 200, near):
        page = client.get(reverse("campaigns:certificate_check", args=[token]))
        assert page.status_code == 200
        body = page.content.decode()
        assert 'id="check-prize"' not in body and commended[0].title not in body


def test_check_is_throttled_per_ip(client, commended, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "certificate_check": "3/m/ip", "card_check": "3/m/ip"}
    url = reverse("campaigns:certificate_check", args=["guess"])
    answers = [client.get(url).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_no_public_page_shows_personal_data_beyond_name_and_unit(client, commended, tree, clerk1, organiser):
    """Every public campaigns URL, for a competition with a member entered as an individual and a team
    with a leader: the ID number, mobile, birth date and team leader appear nowhere."""
    competition, entries, awards = commended
    member = _personal_member(tree["g1"])
    individual = Entry.objects.filter(pk=entries[0].pk)
    individual.update(kind=Entry.Kind.INDIVIDUAL, member=member, name=member.name, team_leader="")
    leader = entries[1].team_leader
    assert leader
    urls = [reverse("campaigns:results", args=[competition.public_token])]
    urls += [reverse("campaigns:certificate_check", args=[a.token]) for a in awards]
    forbidden = [
        ID_NUMBER,
        member.id_masked,
        "1990-03-07",
        "1990年3月7日",
        "19900307",
        MOBILE,
        member.mobile_masked,
        leader,
    ]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        for value in forbidden:
            assert value not in body, (url, value)
    results = client.get(urls[0]).content.decode()
    assert member.name in results and entries[0].unit_name in results


def test_results_are_throttled_per_ip(client, commended, settings):
    competition = commended[0]
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "competition_results": "2/m/ip"}
    url = reverse("campaigns:results", args=[competition.public_token])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_results_of_a_large_contest_come_a_hundred_places_a_page(client, competition, tree, clerk1):
    competition.results = Competition.Results.PUBLIC
    competition.status = Competition.Status.CLOSED
    competition.save(update_fields=["results", "status"])
    ranked(competition, tree["g1"], clerk1, list(range(1, 106)))
    url = reverse("campaigns:results", args=[competition.public_token])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert first.content.decode().count("results-place") == 100
    assert second.content.decode().count("results-place") == 5
