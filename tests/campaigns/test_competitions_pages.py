"""Competition pages: who reaches them (other district 404, clerk 403 or 404), creating and editing with
bad input shown in Chinese, the moves, the approvals list, the campaigns home and menu; query counts."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.models import Competition
from campaigns.services import competitions as services

from .factories import CompetitionFactory, JudgeFactory, scheme


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


def signed_in(client, user):
    client.force_login(user)
    return client


def detail(competition):
    return reverse("campaigns:competition_detail", args=[competition.pk])


def setup_post(organiser_pk=None, weights=("60", "40"), **overrides) -> dict:
    data = {
        "title": "2026年东城区焊工技能大赛",
        "kind": "skill",
        "description": "",
        "accepts_teams": "on",
        "accepts_individuals": "on",
        "starts_on": "2026-03-01",
        "ends_on": "2026-11-30",
        "entry_deadline": "2026-04-30",
        "approver": "parent",
        "drop_extremes_from": "",
        "tie_rule": "top_criterion",
        "results": "portal",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-0-name": "初赛",
        "stages-0-starts_on": "2026-03-01",
        "stages-0-ends_on": "2026-05-31",
        "stages-0-report_due": "2026-06-10",
        "stages-0-judging_due": "",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-name": "实操",
        "criteria-0-weight": weights[0],
        "criteria-0-max_score": "100",
        "criteria-1-name": "理论",
        "criteria-1-weight": weights[1],
        "criteria-1-max_score": "50",
        "criteria-2-name": "",
        "criteria-2-weight": "",
        "criteria-2-max_score": "",
        "prizes-TOTAL_FORMS": "2",
        "prizes-INITIAL_FORMS": "0",
        "prizes-0-grade": "first",
        "prizes-0-count": "1",
        "prizes-1-grade": "second",
        "prizes-1-count": "2",
    }
    if organiser_pk is not None:
        data["organiser"] = str(organiser_pk)
    data.update(overrides)
    return data


# --- who reaches what ----------------------------------------------------------------------------------
def test_anonymous_is_sent_to_sign_in(client, competition):
    for url in (reverse("campaigns:home"), reverse("campaigns:competition_list"), detail(competition)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_list_is_scoped_and_a_clerk_is_refused(client, tree, organiser, other_district_staff, clerk1, competition):
    response = signed_in(client, organiser).get(reverse("campaigns:competition_list"))
    assert response.status_code == 200 and competition.title in response.content.decode()
    response = signed_in(client, other_district_staff).get(reverse("campaigns:competition_list"))
    assert response.status_code == 200 and competition.title not in response.content.decode()
    assert signed_in(client, clerk1).get(reverse("campaigns:competition_list")).status_code == 403
    assert signed_in(client, clerk1).get(reverse("campaigns:competition_create")).status_code == 403


def test_detail_other_district_and_clerk_get_404(client, other_district_staff, clerk1, district_leader, competition):
    for user in (other_district_staff, clerk1, district_leader):
        assert signed_in(client, user).get(detail(competition)).status_code == 404
    assert (
        signed_in(client, other_district_staff)
        .get(reverse("campaigns:competition_edit", args=[competition.pk]))
        .status_code
        == 404
    )
    assert (
        signed_in(client, clerk1).post(reverse("campaigns:competition_start", args=[competition.pk])).status_code == 404
    )


def test_detail_for_the_organiser_and_the_approver(client, organiser, city_staff, competition):
    page = signed_in(client, organiser).get(detail(competition)).content.decode()
    assert competition.title in page and "技能操作" in page and "第1阶段" in page
    assert "开始评审" in page and "说明原因退回" not in page
    page = signed_in(client, city_staff).get(detail(competition)).content.decode()
    assert "说明原因退回" in page


def test_filters_and_query_count(client, tree, organiser, django_assert_max_num_queries):
    for _ in range(12):
        scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser))
    CompetitionFactory(organiser=tree["s1"], created_by=organiser, kind=Competition.Kind.SAFETY, title="安康杯竞赛")
    signed_in(client, organiser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:competition_list"))
    assert response.status_code == 200 and len(response.context["rows"]) == 13
    response = client.get(reverse("campaigns:competition_list"), {"kind": "safety"})
    assert [c.title for c in response.context["rows"]] == ["安康杯竞赛"]
    response = client.get(reverse("campaigns:competition_list"), {"level": "grassroots", "year": "2026"})
    assert [c.title for c in response.context["rows"]] == ["安康杯竞赛"]
    response = client.get(reverse("campaigns:competition_list"), {"status": "draft"})
    assert list(response.context["rows"]) == []


def test_detail_query_count_does_not_grow_with_rows(client, tree, organiser, django_assert_max_num_queries):
    competition = scheme(
        CompetitionFactory(organiser=tree["d1"], created_by=organiser, status=Competition.Status.DRAFT), stages=2
    )
    signed_in(client, organiser)
    with django_assert_max_num_queries(40):
        assert client.get(detail(competition)).status_code == 200


# --- create and edit -----------------------------------------------------------------------------------
def test_create_through_the_form(client, tree, organiser):
    response = signed_in(client, organiser).get(reverse("campaigns:competition_create"))
    assert response.status_code == 200
    organisers = list(response.context["form"].fields["organiser"].queryset)
    assert tree["d1"] in organisers and tree["s1"] in organisers and tree["g1"] not in organisers
    response = client.post(reverse("campaigns:competition_create"), setup_post(tree["d1"].pk))
    competition = Competition.objects.get()
    assert response.status_code == 302 and response.url == detail(competition)
    assert competition.status == Competition.Status.DRAFT and competition.level == Competition.Level.DISTRICT
    assert competition.criteria.count() == 2 and competition.prizes.count() == 2 and competition.stages.count() == 1


def test_create_with_bad_weights_says_so_and_saves_nothing(client, tree, organiser):
    response = signed_in(client, organiser).post(
        reverse("campaigns:competition_create"), setup_post(tree["d1"].pk, weights=("60", "30"))
    )
    assert response.status_code == 400
    assert "权重合计须为100%，现为 90%" in response.content.decode()
    assert not Competition.objects.exists()


def test_create_at_another_district_is_not_offered(client, tree, organiser):
    response = signed_in(client, organiser).post(reverse("campaigns:competition_create"), setup_post(tree["d2"].pk))
    assert response.status_code == 400 and not Competition.objects.exists()


def test_edit_a_draft_then_a_submitted_one_is_refused(client, tree, organiser):
    signed_in(client, organiser).post(reverse("campaigns:competition_create"), setup_post(tree["d1"].pk))
    competition = Competition.objects.get()
    edit = reverse("campaigns:competition_edit", args=[competition.pk])
    response = client.get(edit)
    assert response.status_code == 200
    stage = competition.stages.get()
    criteria = list(competition.criteria.all())
    prizes = list(competition.prizes.all())
    data = setup_post(
        title="改名后的大赛",
        **{
            "stages-INITIAL_FORMS": "1",
            "stages-0-id": str(stage.pk),
            "criteria-INITIAL_FORMS": "2",
            "criteria-0-id": str(criteria[0].pk),
            "criteria-1-id": str(criteria[1].pk),
            "criteria-1-DELETE": "on",
            "criteria-0-weight": "100",
            "prizes-INITIAL_FORMS": "2",
            "prizes-0-id": str(prizes[0].pk),
            "prizes-1-id": str(prizes[1].pk),
        },
    )
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    competition.refresh_from_db()
    assert competition.title == "改名后的大赛" and list(competition.criteria.values_list("name", flat=True)) == ["实操"]
    client.post(reverse("campaigns:competition_submit", args=[competition.pk]))
    competition.refresh_from_db()
    assert competition.status == Competition.Status.SUBMITTED
    response = client.get(edit)
    assert response.status_code == 302 and response.url == detail(competition)


# --- the moves -----------------------------------------------------------------------------------------
def test_approve_and_return_through_the_pages(client, tree, organiser, city_staff):
    signed_in(client, organiser).post(reverse("campaigns:competition_create"), setup_post(tree["d1"].pk))
    competition = Competition.objects.get()
    client.post(reverse("campaigns:competition_submit", args=[competition.pk]))
    # The organiser cannot approve their own: 403.
    assert client.post(reverse("campaigns:competition_approve", args=[competition.pk])).status_code == 403
    signed_in(client, city_staff)
    response = client.get(reverse("campaigns:approval_list"))
    assert [c.pk for c in response.context["rows"]] == [competition.pk]
    return_url = reverse("campaigns:competition_return", args=[competition.pk])
    assert client.get(return_url).status_code == 200
    response = client.post(return_url, {"reason": ""})
    assert response.status_code == 400
    response = client.post(return_url, {"reason": "阶段安排过紧"})
    assert response.status_code == 302
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RETURNED
    page = signed_in(client, organiser).get(detail(competition)).content.decode()
    assert "阶段安排过紧" in page
    client.post(reverse("campaigns:competition_submit", args=[competition.pk]))
    signed_in(client, city_staff).post(reverse("campaigns:competition_approve", args=[competition.pk]))
    competition.refresh_from_db()
    assert competition.status == Competition.Status.APPROVED
    assert list(client.get(reverse("campaigns:approval_list")).context["rows"]) == []
    signed_in(client, organiser).post(reverse("campaigns:competition_start", args=[competition.pk]))
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RUNNING


def test_open_judging_refused_shows_why(client, organiser, competition):
    response = signed_in(client, organiser).post(
        reverse("campaigns:competition_open_judging", args=[competition.pk]), follow=True
    )
    page = response.content.decode()
    assert "开始评审至少需要一个已受理的参赛项目。" in page and "至少需要一名评委" in page
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RUNNING


def test_moves_are_post_only(client, organiser, competition):
    response = signed_in(client, organiser).get(reverse("campaigns:competition_start", args=[competition.pk]))
    assert response.status_code == 405


def test_a_leader_approves_when_named(client, tree, organiser, district_leader):
    competition = scheme(
        CompetitionFactory(
            organiser=tree["d1"],
            created_by=organiser,
            status=Competition.Status.DRAFT,
            approver=Competition.Approver.OWN_LEADERS,
        )
    )
    signed_in(client, district_leader)
    # a draft never submitted is not put to the approver yet
    assert client.get(detail(competition)).status_code == 404
    services.competition_submit(competition=competition, by=organiser)
    assert client.get(detail(competition)).status_code == 200
    client.post(reverse("campaigns:competition_approve", args=[competition.pk]))
    competition.refresh_from_db()
    assert competition.status == Competition.Status.APPROVED


# --- the home and the menu -----------------------------------------------------------------------------
def test_home_sections_by_role(
    client, organiser, clerk1, judge, judge_user, competition, django_assert_max_num_queries
):
    signed_in(client, organiser)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("campaigns:home")).content.decode()
    assert "我组织的竞赛" in page and "待我审核" in page and competition.title in page
    page = signed_in(client, clerk1).get(reverse("campaigns:home")).content.decode()
    assert "本单位参赛" in page and "我组织的竞赛" not in page
    page = signed_in(client, judge_user).get(reverse("campaigns:home")).content.decode()
    assert "我的评审" in page and competition.title in page and "我组织的竞赛" not in page


def test_home_empty_state_for_someone_with_no_part(client, db):
    from tests.factories import UserFactory

    page = signed_in(client, UserFactory(username="nobody")).get(reverse("campaigns:home")).content.decode()
    assert "这里没有您可以办理的事项" in page


def test_menu_for_staff_clerk_and_judge(client, organiser, clerk1, judge_user, judge):
    page = signed_in(client, organiser).get(reverse("campaigns:home")).content.decode()
    assert reverse("campaigns:competition_list") in page and reverse("campaigns:approval_list") in page
    page = signed_in(client, clerk1).get(reverse("campaigns:home")).content.decode()
    assert reverse("campaigns:open_list") in page and reverse("campaigns:competition_list") not in page
    page = signed_in(client, judge_user).get(reverse("campaigns:home")).content.decode()
    assert f'href="{reverse("campaigns:judging_home")}">我的评审</a>' in page
    assert "dropdown-toggle" not in page.split("我的评审")[0].rsplit("<li", 1)[-1]


def test_the_menu_is_worked_out_once_per_request(client, organiser, django_assert_max_num_queries):
    from campaigns.templatetags.campaigns_menu import campaigns_menu, campaigns_roles

    campaigns_roles(organiser)
    with django_assert_max_num_queries(0):
        campaigns_menu(organiser, "campaigns:home")


def test_a_judge_who_sees_nothing_else_gets_no_competition_pages(client, judge_user, judge, competition):
    assert signed_in(client, judge_user).get(detail(competition)).status_code == 404
    assert client.get(reverse("campaigns:competition_list")).status_code == 403


# --- a look at the page on a phone ---------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_detail_on_a_phone(tree, organiser, new_context, screenshot, live_server):
    from tests.factories import PASSWORD

    competition = scheme(
        CompetitionFactory(organiser=tree["d1"], created_by=organiser, title="东城区数控技能大赛"), stages=2
    )
    JudgeFactory(competition=competition, user=organiser, assigned_by=organiser, name="评委甲")
    context = new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", organiser.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.goto(detail(competition))
    assert page.locator("h1").inner_text() == "东城区数控技能大赛"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    path = screenshot(page, "competition_detail_375")
    assert path.exists()
    assert not context.console_errors


@pytest.mark.django_db(transaction=True)
def test_the_form_shows_every_problem(tree, organiser, new_context, screenshot, live_server):
    from tests.factories import PASSWORD

    context = new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", organiser.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.goto(reverse("campaigns:competition_create"))
    page.select_option("select[name=organiser]", str(tree["d1"].pk))
    page.fill("input[name=title]", "焊工技能大赛")
    page.select_option("select[name=kind]", "skill")
    page.fill("input[name=starts_on]", "2026-03-01")
    page.fill("input[name=ends_on]", "2026-11-30")
    page.fill("input[name=entry_deadline]", "2026-04-30")
    page.fill("input[name=stages-0-name]", "初赛")
    page.fill("input[name=stages-0-starts_on]", "2026-03-01")
    page.fill("input[name=stages-0-ends_on]", "2026-05-31")
    page.fill("input[name=stages-0-report_due]", "2026-06-10")
    page.fill("input[name=criteria-0-name]", "实操")
    page.fill("input[name=criteria-0-weight]", "70")
    page.fill("input[name=criteria-0-max_score]", "100")
    page.locator("button[type=submit].btn-primary").last.click()
    screenshot(page, "competition_form_error")
    assert "权重合计须为100%，现为 70%" in page.content()
    page.fill("input[name=criteria-0-weight]", "100")
    page.locator("button[type=submit].btn-primary").last.click()
    page.wait_for_url("**/campaigns/competitions/*/")
    assert Competition.objects.get().title == "焊工技能大赛"
    screenshot(page, "competition_draft")
    # The refused form answers 400, which the browser reports; nothing else may go wrong.
    assert [e for e in context.console_errors if "400" not in e] == []


@pytest.mark.django_db(transaction=True)
def test_a_judge_on_a_phone_sees_my_judging(tree, organiser, judge_user, new_context, screenshot, live_server):
    from tests.factories import PASSWORD

    competition = scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser, title="东城区数控技能大赛"))
    JudgeFactory(competition=competition, user=judge_user, assigned_by=organiser, name="评委甲")
    context = new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", judge_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.goto(reverse("campaigns:home"))
    assert "我的评审" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "campaigns_home_judge_375")
    assert not context.console_errors
