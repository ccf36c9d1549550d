"""The judging pages: the organiser assigns and removes judges, sees the ranking and closes; the judge
declares conflicts, works through the queue and scores on a phone. Lists keep a fixed query count."""

from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import Competition, Entry, Judge, Scoresheet
from campaigns.services import judging
from unions.models import Union

from ..factories import PASSWORD, UserFactory, make_child
from .factories import EntryFactory, JudgeFactory

S = Competition.Status


@pytest.fixture
def reviewing(competition):
    competition.status = S.REVIEWING
    competition.save()
    return competition


@pytest.fixture
def g4(tree):
    return make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会")


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_organiser_assigns_a_judge_by_mobile_and_bad_input_is_said(client, competition, organiser, g4):
    UserFactory(username="li", name="李工", phone="13800001111")
    signed_in(client, organiser)
    url = reverse("campaigns:judge_list", args=[competition.pk])
    page = client.post(url, {"account": "nobody", "name": ""})
    assert page.status_code == 200 and "找不到" in page.content.decode()
    page = client.post(url, {"account": "13800001111", "own_unit": "不存在的厂"})
    assert "没有唯一名为" in page.content.decode()
    assert not Judge.objects.filter(name="李工").exists()
    response = client.post(url, {"account": "13800001111", "title": "技师", "own_unit": "东城电子厂工会"})
    assert response.status_code == 302
    judge = Judge.objects.get(user__username="li")
    assert (judge.name, judge.own_union) == ("李工", g4)


def test_outsiders_get_404_on_the_organisers_pages(client, competition, other_district_staff, judge):
    signed_in(client, other_district_staff)
    for name in ("judge_list", "competition_ranking"):
        assert client.get(reverse(f"campaigns:{name}", args=[competition.pk])).status_code == 404
    assert client.post(reverse("campaigns:competition_close", args=[competition.pk])).status_code == 404
    assert client.post(reverse("campaigns:judge_remove", args=[judge.pk])).status_code == 404
    assert Judge.objects.filter(pk=judge.pk).exists()


def test_judge_list_and_queue_keep_their_query_count(
    client, reviewing, organiser, judge, tree, g4, django_assert_max_num_queries
):
    for n in range(30):
        EntryFactory(competition=reviewing, union=g4 if n % 2 else tree["g1"], entered_by=organiser)
    for _ in range(6):
        JudgeFactory(competition=reviewing, user=UserFactory(), assigned_by=organiser, own_union=g4)
    signed_in(client, organiser)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("campaigns:judge_list", args=[reviewing.pk]))
    assert page.status_code == 200
    assert "0 / 15" in page.content.decode()  # a g4 judge has g1's 15 entries to do
    signed_in(client, judge.user)
    with django_assert_max_num_queries(18):
        page = client.get(reverse("campaigns:judging_queue", args=[judge.pk]))
    assert page.content.decode().count("list-group-item-action") == 30
    with django_assert_max_num_queries(20):
        assert client.get(reverse("campaigns:judging_home")).status_code == 200
    signed_in(client, organiser)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("campaigns:competition_ranking", args=[reviewing.pk])).status_code == 200


def test_a_judge_who_has_not_declared_is_sent_to_declare(client, reviewing, organiser, judge, tree, g4):
    entry = EntryFactory(competition=reviewing, union=g4, entered_by=organiser)
    judge.conflicts_declared_at = None
    judge.save()
    signed_in(client, judge.user)
    conflicts = reverse("campaigns:judging_conflicts", args=[judge.pk])
    assert client.get(reverse("campaigns:judging_queue", args=[judge.pk])).url == conflicts
    assert client.get(reverse("campaigns:judging_score", args=[entry.pk])).url == conflicts
    # searching offers units inside the competition; declaring g1 hides its entries
    page = client.get(conflicts, {"q": "机械"}).content.decode()
    assert "东城机械厂工会" in page and "西城食品" not in page
    response = client.post(conflicts, {"unions": [tree["g1"].pk], "note": "曾任职"})
    assert response.url == reverse("campaigns:judging_queue", args=[judge.pk])
    assert list(judge.conflicts.values_list("union", flat=True)) == [tree["g1"].pk]
    outside = client.post(conflicts, {"unions": [tree["g2"].pk]})
    assert outside.status_code == 200 and list(judge.conflicts.values_list("union", flat=True)) == [tree["g1"].pk]


def test_scoring_through_the_page_with_bad_input_then_good(client, reviewing, organiser, judge, g4):
    entry = EntryFactory(competition=reviewing, union=g4, entered_by=organiser, name="电子装配班组")
    [skill, theory] = reviewing.criteria.order_by("order")
    signed_in(client, judge.user)
    url = reverse("campaigns:judging_score", args=[entry.pk])
    for bad in ("101", "-3", "abc", "1.234"):
        page = client.post(url, {f"score_{skill.pk}": bad, f"score_{theory.pk}": "40"})
        assert page.status_code == 200 and "is-invalid" in page.content.decode(), bad
    assert not Scoresheet.objects.exists()
    response = client.post(
        url, {f"score_{skill.pk}": "88.5", f"comment_{skill.pk}": "操作规范", f"score_{theory.pk}": "40"}
    )
    assert response.status_code == 302
    sheet = Scoresheet.objects.get(judge=judge, entry=entry)
    assert sheet.completed_at and sorted(s.value for s in sheet.scores.all()) == [Decimal(40), Decimal("88.5")]
    # judging closed: the page shows the sheet, a post is refused with the reason
    reviewing.status = S.RUNNING
    reviewing.save()
    page = client.post(url, {f"score_{skill.pk}": "10", f"score_{theory.pk}": "10"})
    assert "本竞赛尚未开放评分" in page.content.decode()
    assert sorted(s.value for s in sheet.scores.all()) == [Decimal(40), Decimal("88.5")]


def test_the_organiser_closes_from_the_ranking_and_sees_it_frozen(client, reviewing, organiser, judge, g4):
    entry = EntryFactory(competition=reviewing, union=g4, entered_by=organiser, name="电子装配班组")
    other = EntryFactory(competition=reviewing, union=g4, entered_by=organiser, name="电子测试班组")
    [skill, theory] = reviewing.criteria.order_by("order")
    judging.scoresheet_save(
        judge=judge, entry=entry, values={skill.pk: (Decimal(90), ""), theory.pk: (Decimal(50), "")}, by=judge.user
    )
    signed_in(client, organiser)
    ranking = reverse("campaigns:competition_ranking", args=[reviewing.pk])
    page = client.get(ranking).content.decode()
    assert "实时预览" in page and "电子测试班组" in page  # named as unjudged
    response = client.post(reverse("campaigns:competition_close", args=[reviewing.pk]), follow=True)
    assert "以下参赛对象尚未评完：电子测试班组" in response.content.decode()
    judging.scoresheet_save(
        judge=judge, entry=other, values={skill.pk: (Decimal(50), ""), theory.pk: (Decimal(25), "")}, by=judge.user
    )
    response = client.post(reverse("campaigns:competition_close", args=[reviewing.pk]), follow=True)
    content = response.content.decode()
    assert "已于" in content and "锁定" in content
    assert list(Entry.objects.order_by("rank").values_list("name", "rank")) == [
        ("电子装配班组", 1),
        ("电子测试班组", 2),
    ]


def test_the_competition_page_panel_counts_without_names(rf, reviewing, organiser, judge, g4):
    from django.template.loader import render_to_string

    EntryFactory(competition=reviewing, union=g4, entered_by=organiser)
    JudgeFactory(
        competition=reviewing, user=UserFactory(), assigned_by=organiser, conflicts_declared_at=None, name="评委乙"
    )
    request = rf.get("/")
    request.user = organiser
    html = render_to_string(
        "campaigns/competitions/_panel_judging.html", {"competition": reviewing, "user": organiser}, request=request
    )
    assert "评委乙" not in html and "评委甲" not in html
    assert "1 / 2" in html  # declared / judges
    assert reverse("campaigns:competition_close", args=[reviewing.pk]) in html


@pytest.mark.django_db(transaction=True)
def test_a_judge_scores_on_a_phone(reviewing, organiser, judge, g4, new_context, screenshot, live_server):
    entry = EntryFactory(competition=reviewing, union=g4, entered_by=organiser, name="电子装配班组")
    judge.user.set_password(PASSWORD)
    judge.user.save()
    context = new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", judge.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(reverse("campaigns:judging_home"))
    screenshot(page, "judging-home")
    page.goto(reverse("campaigns:judging_conflicts", args=[judge.pk]) + "?q=工会")
    screenshot(page, "judging-conflicts")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(reverse("campaigns:judging_score", args=[entry.pk]))
    [skill, theory] = reviewing.criteria.order_by("order")
    page.fill(f"#id_score_{skill.pk}", "120")
    page.fill(f"#id_score_{theory.pk}", "40")
    page.locator("main form button[type=submit]").click()
    screenshot(page, "judging-score-error")
    assert not Scoresheet.objects.exists()
    page.fill(f"#id_score_{skill.pk}", "95")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/judging/*/")
    screenshot(page, "judging-queue")
    assert Scoresheet.objects.get(entry=entry).completed_at is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert context.console_errors == []


def test_a_judge_not_yet_declared_learns_nothing_of_their_own_units_entry(
    client, reviewing, judge_user, organiser, tree
):
    # given: a judge from g1 who has not declared yet, and entries of g1 (their own unit) and g2
    JudgeFactory(
        competition=reviewing, user=judge_user, assigned_by=organiser, own_union=tree["g1"], conflicts_declared_at=None
    )
    own = EntryFactory(competition=reviewing, union=tree["g1"], entered_by=organiser)
    other = EntryFactory(competition=reviewing, union=tree["g2"], entered_by=organiser)
    signed_in(client, judge_user)
    # then: their own unit's entry answers as a made-up id does; another is "declare first"
    assert client.get(reverse("campaigns:judging_score", args=[own.pk])).status_code == 404
    assert client.get(reverse("campaigns:judging_score", args=[999_999])).status_code == 404
    assert client.get(reverse("campaigns:judging_score", args=[other.pk])).status_code == 302
