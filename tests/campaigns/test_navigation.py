"""Whether an account judges anything is known without a query on every page: looked up at sign-in,
forgotten when a judge is assigned or removed."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.navigation import is_judge
from campaigns.services import judging

from ..factories import UserFactory


def judge_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "campaigns_judge" in q["sql"]]


def test_the_menu_asks_nothing_of_the_judges_table_after_sign_in(client, db, tree):
    worker = UserFactory()
    client.force_login(worker)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("accounts:inbox")).status_code == 200
    assert judge_queries(captured) == []


def test_a_judge_assigned_or_removed_sees_the_menu_change(client, competition, organiser, judge_user):
    client.force_login(judge_user)
    assert not is_judge(UserFactory.build(pk=judge_user.pk))
    judge = judging.judge_assign(competition=competition, user=judge_user, name="评委甲", by=organiser)
    page = client.get(reverse("campaigns:judging_home")).content.decode()
    assert reverse("campaigns:judging_home") in page.split("<main", 1)[0]
    judging.judge_remove(judge=judge, by=organiser)
    assert not is_judge(UserFactory.build(pk=judge_user.pk))
