"""Throttles on what a worker or a visitor can call in a loop: the application, the union search and
the public card check. Past a limit the answer is 429 with the Chinese page, and nothing is done.

The counters live in the Django cache (Redis in CI), which each test starts empty.
"""

import pytest
from django.urls import reverse

from members.models import Application, Consent, Member
from tests.pages import client_for, text

from ..factories import UserFactory
from .test_joining import NOT_ACCEPTED, VALID_ID, an_id, application_data, give_consent, has_message, make_member

TOO_MANY_ZH = "尝试次数过多"


@pytest.fixture
def rates(settings):
    """Set some throttle rates for the test; the others keep their defaults."""

    def _set(**changes):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, **changes}

    return _set


def consented_client(user=None, **kwargs):
    client = client_for(user or UserFactory(), **kwargs)
    give_consent(client)
    return client


def apply(client, data, ip="198.51.100.1"):
    return client.post(reverse("members:join_apply"), data, REMOTE_ADDR=ip)


# --- the application ----------------------------------------------------------------------------
def test_forty_quick_posts_of_the_join_form_are_not_all_processed(tree):
    # given another person's ID number posted under a wrong name, as the oracle of the issue did
    make_member(tree["g2"], VALID_ID, name="李四")
    client = consented_client(UserFactory(name="张三"))

    statuses = [apply(client, application_data(tree["g1"])).status_code for _ in range(40)]

    # then the default limit answers the eleventh and later with 429
    assert statuses == [400] * 10 + [429] * 30


def test_past_the_limit_the_application_gets_the_chinese_page_and_is_not_processed(tree, rates):
    rates(join="2/m/user,100/m/ip")
    worker = UserFactory(name="张三")
    client = consented_client(worker, english=False)
    for _ in range(2):
        assert apply(client, application_data(tree["g1"], name="")).status_code == 400

    response = apply(client, application_data(tree["g1"]))

    assert response.status_code == 429
    assert TOO_MANY_ZH in text(response)
    assert response.templates[0].name == "429.html"
    assert not Application.objects.exists()
    assert Consent.objects.filter(user=worker).count() == 1


def test_the_application_limit_counts_per_account_whatever_the_ip(tree, rates):
    rates(join="2/m/user,100/m/ip")
    client = consented_client()
    other = consented_client()

    statuses = [
        apply(client, application_data(tree["g1"], name=""), ip=f"198.51.100.{n}").status_code for n in range(3)
    ]

    assert statuses == [400, 400, 429]
    assert apply(other, application_data(tree["g1"])).status_code == 302  # another account is not held back


def test_the_application_limit_counts_per_ip_across_accounts(tree, rates):
    rates(join="100/m/user,2/m/ip")
    for _ in range(2):
        assert apply(consented_client(), application_data(tree["g1"], name=""), ip="203.0.113.5").status_code == 400
    late = consented_client()

    assert apply(late, application_data(tree["g1"]), ip="203.0.113.5").status_code == 429
    assert not Application.objects.exists()
    assert apply(late, application_data(tree["g1"]), ip="203.0.113.6").status_code == 302


def test_the_correction_of_an_application_counts_against_the_same_limit(tree, rates):
    rates(join="1/m/user,100/m/ip")
    worker = UserFactory(name="张三")
    client = consented_client(worker)
    assert apply(client, application_data(tree["g1"])).status_code == 302
    application = Application.objects.get()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.NEEDS_CORRECTION)

    response = client.post(
        reverse("members:application_correct", args=[application.pk]),
        application_data(tree["g1"], name="张叁", id_number="", union=None),
    )

    assert response.status_code == 429
    application.refresh_from_db()
    assert (application.status, application.name) == (Application.Status.NEEDS_CORRECTION, "张三")


def test_a_throttled_worker_learns_nothing_more(tree, rates):
    # The 429 page is the same whether the number is somebody's or nobody's.
    rates(join="1/m/user,100/m/ip")
    make_member(tree["g2"], VALID_ID, name="李四")
    first, second = consented_client(UserFactory(name="张三")), consented_client(UserFactory(name="张三"))
    assert has_neutral_answer(apply(first, application_data(tree["g1"])))
    assert has_neutral_answer(apply(second, application_data(tree["g1"])))

    known = apply(first, application_data(tree["g1"]))
    unknown = apply(second, application_data(tree["g1"], id_number=an_id(1)))

    assert known.status_code == unknown.status_code == 429
    assert known.templates[0].name == unknown.templates[0].name == "429.html"
    assert Member.objects.count() == 1 and not Application.objects.exists()


def has_neutral_answer(response) -> bool:
    return response.status_code == 400 and has_message(response, NOT_ACCEPTED)


# --- the union search ---------------------------------------------------------------------------
def test_the_union_search_is_throttled_per_account(tree, rates):
    rates(union_search="3/m/user,100/m/ip")
    client = consented_client()
    url = reverse("members:union_search")

    statuses = [client.get(url, {"q": tree["g1"].name}, HTTP_HX_REQUEST="true").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert consented_client().get(url, {"q": tree["g1"].name}, HTTP_HX_REQUEST="true").status_code == 200


def test_the_union_search_is_throttled_per_ip(tree, rates):
    rates(union_search="100/m/user,2/m/ip")
    url = reverse("members:union_search")

    statuses = [consented_client().get(url, {"q": "机械"}, REMOTE_ADDR="203.0.113.5").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_transfer_pages_search_counts_against_the_union_search_limit(tree, rates):
    rates(union_search="1/m/user,100/m/ip")
    worker = UserFactory()
    make_member(tree["g1"], VALID_ID, user=worker)
    client = client_for(worker)
    url = reverse("members:my_transfer")

    assert client.get(url).status_code == 200  # the page itself searches nothing
    assert client.get(url, {"q": tree["g3"].name}).status_code == 200
    assert client.get(url, {"q": tree["g3"].name}).status_code == 429
    assert client.get(url).status_code == 200


# --- the public card check ----------------------------------------------------------------------
def test_the_public_card_check_is_throttled_per_ip_with_the_chinese_page(db, rates):
    rates(card_check="3/m/ip")
    url = reverse("members:card_check", args=["A" * 43])
    visitor = client_for(english=False)

    statuses = [visitor.get(url, REMOTE_ADDR="203.0.113.5").status_code for _ in range(4)]
    refused = visitor.get(url, REMOTE_ADDR="203.0.113.5")

    assert statuses == [200, 200, 200, 429]
    assert TOO_MANY_ZH in text(refused)
    assert visitor.get(url, REMOTE_ADDR="203.0.113.6").status_code == 200


@pytest.mark.redis
def test_the_counters_are_shared_through_redis(db, rates):
    from django.conf import settings
    from django.core.cache import caches

    assert caches["default"].__class__.__name__ == "RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    rates(card_check="1/m/ip")
    url = reverse("members:card_check", args=["A" * 43])

    # the count lives in Redis, which every web process reads, not in this process's memory
    assert client_for().get(url, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert client_for().get(url, REMOTE_ADDR="203.0.113.5").status_code == 429
