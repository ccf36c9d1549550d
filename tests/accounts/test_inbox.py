"""The portal inbox: a user sees and reads only their own notifications."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from accounts.notify import notify
from tests.pages import client_for, text

from ..factories import UserFactory


@pytest.fixture
def alice(db):
    return UserFactory(name="爱丽丝")


@pytest.fixture
def bob(db):
    return UserFactory(name="鲍勃")


def note(user, title="您的入会申请已批准", url="/join/status/", **fields) -> Notification:
    return notify(recipient=user, kind="test", title=title, url=url, **fields)


def test_the_inbox_lists_only_the_users_own_notifications(alice, bob):
    note(alice, title="给爱丽丝的消息", body="欢迎入会")
    note(bob, title="给鲍勃的消息")

    page = text(client_for(alice).get(reverse("accounts:inbox")))

    assert "给爱丽丝的消息" in page
    assert "欢迎入会" in page
    assert "给鲍勃的消息" not in page
    assert "New" in page


def test_the_inbox_needs_a_sign_in(db):
    response = Client().get(reverse("accounts:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(alice):
    item = note(alice, url=reverse("members:my_application"))

    response = client_for(alice).post(reverse("accounts:inbox_read", args=[item.pk]))

    item.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("members:my_application")
    assert item.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "", "join/status/"]
)
def test_a_link_off_the_site_is_never_followed(alice, url):
    item = note(alice, url=url)

    response = client_for(alice).post(reverse("accounts:inbox_read", args=[item.pk]))

    item.refresh_from_db()
    assert response.url == reverse("accounts:inbox")
    assert item.read_at is not None


def test_reading_twice_keeps_the_first_time(alice):
    item = note(alice)
    client = client_for(alice)
    client.post(reverse("accounts:inbox_read", args=[item.pk]))
    item.refresh_from_db()
    first = item.read_at

    client.post(reverse("accounts:inbox_read", args=[item.pk]))

    item.refresh_from_db()
    assert item.read_at == first


def test_somebody_elses_notification_answers_404_and_stays_unread(alice, bob):
    item = note(bob)

    response = client_for(alice).post(reverse("accounts:inbox_read", args=[item.pk]))

    item.refresh_from_db()
    assert response.status_code == 404
    assert item.read_at is None


def test_reading_needs_a_post(alice):
    item = note(alice)
    assert client_for(alice).get(reverse("accounts:inbox_read", args=[item.pk])).status_code == 405
    item.refresh_from_db()
    assert item.read_at is None


def test_reading_needs_the_csrf_token(alice):
    item = note(alice)
    response = client_for(alice, csrf=True).post(reverse("accounts:inbox_read", args=[item.pk]))
    item.refresh_from_db()
    assert response.status_code == 403
    assert item.read_at is None


def test_mark_all_read_touches_only_the_users_own(alice, bob):
    mine = [note(alice, title=f"消息{i}") for i in range(3)]
    theirs = note(bob)

    response = client_for(alice).post(reverse("accounts:inbox_read_all"), follow=True)

    assert "All notifications are marked as read." in text(response)
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "Mark all as read" not in text(response)


def test_the_inbox_is_paginated_newest_first(alice):
    for i in range(25):
        note(alice, title=f"第{i:02d}条")

    first = text(client_for(alice).get(reverse("accounts:inbox")))
    second = text(client_for(alice).get(reverse("accounts:inbox"), {"page": 2}))

    assert "第24条" in first
    assert "第04条" not in first
    assert "第04条" in second
    assert "第00条" in second
    assert first.index("第24条") < first.index("第23条")


def test_the_inbox_list_takes_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    for i in range(25):
        note(alice, title=f"第{i}条")
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts:inbox"))
