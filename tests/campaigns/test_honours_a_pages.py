"""Part A's pages: the rounds list, drafting, the round's page, opening, quotas, honour kinds and the
working-day calendar. Who reaches them (404 for everyone else, never 403), bad input shown in Chinese,
nothing partial, and query counts on the lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import CalendarDay, CalendarYear
from campaigns.models import Nomination, Quota, Round
from unions.models import Role

from ..factories import staff
from .honour_factories import NominationFactory, RoundFactory, honour_kind, quota, with_kinds

D = dt.date


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def d1_staff(tree):
    return staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="staff-d1")


@pytest.fixture
def d2_staff(tree):
    return staff(Role.Kind.FEDERATION_STAFF, tree["d2"], username="staff-d2")


def signed_in(client, user):
    client.force_login(user)
    return client


def round_post(organiser_pk, kind_pks=(), **overrides) -> dict:
    data = {
        "organiser": str(organiser_pk),
        "title": "2026年度市劳动模范评选",
        "year": "2026",
        "notice_days": "5",
        "conferring_body": "市总工会",
        "description": "",
        "kinds": [str(pk) for pk in kind_pks],
        "nominations_close": "2026-03-31",
        "first_review_due": "2026-04-15",
        "second_review_due": "2026-04-30",
        "vetting_due": "2026-05-20",
        "notice_planned": "2026-06-01",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-0-flag": "woman",
        "rules-0-bound": "min",
        "rules-0-percent": "20",
        "rules-1-flag": "",
        "rules-1-bound": "min",
        "rules-1-percent": "",
    }
    data.update(overrides)
    return data


# --- rounds ------------------------------------------------------------------------------------------


def test_city_staff_draft_a_round_from_the_form(client, tree, city_staff):
    signed_in(client, city_staff)
    response = client.post(reverse("campaigns:round_create"), round_post(tree["city"].pk, [honour_kind().pk]))
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:round_detail", args=[round_.pk])
    assert round_.status == Round.Status.DRAFT and round_.kinds.count() == 1
    assert [(r.flag, r.percent) for r in round_.rules.all()] == [("woman", 20)]


def test_dates_out_of_order_are_shown_in_chinese_and_nothing_saved(client, tree, city_staff):
    signed_in(client, city_staff)
    response = client.post(reverse("campaigns:round_create"), round_post(tree["city"].pk, vetting_due="2026-04-20"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "日期顺序不对" in text and "2026-04-20" in text
    assert not Round.objects.exists()


def test_a_clerk_or_a_leader_gets_404_on_every_rounds_page(client, honour_round, clerk1, district_leader):
    for user in (clerk1, district_leader):
        signed_in(client, user)
        for url in (
            reverse("campaigns:round_list"),
            reverse("campaigns:round_create"),
            reverse("campaigns:round_detail", args=[honour_round.pk]),
            reverse("campaigns:round_edit", args=[honour_round.pk]),
            reverse("campaigns:round_quotas", args=[honour_round.pk]),
            reverse("campaigns:honour_kind_list"),
            reverse("campaigns:calendar"),
            reverse("campaigns:calendar_year", args=[2026]),
        ):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("campaigns:round_open", args=[honour_round.pk])).status_code == 404


def test_a_district_reviewer_reads_the_city_round_but_cannot_change_it(client, honour_round, d1_staff):
    signed_in(client, d1_staff)
    response = client.get(reverse("campaigns:round_detail", args=[honour_round.pk]))
    assert response.status_code == 200
    assert honour_round.title in response.content.decode()
    assert reverse("campaigns:round_edit", args=[honour_round.pk]) not in response.content.decode()
    assert client.get(reverse("campaigns:round_edit", args=[honour_round.pk])).status_code == 404


def test_a_city_draft_is_not_shown_below_and_a_district_round_not_to_the_other_district(
    client, tree, city_staff, d1_staff, d2_staff
):
    draft = with_kinds(RoundFactory(organiser=tree["city"], created_by=city_staff, status=Round.Status.DRAFT))
    district_round = with_kinds(RoundFactory(organiser=tree["d1"], created_by=d1_staff, title="东城区劳模评选"))
    signed_in(client, d1_staff)
    assert client.get(reverse("campaigns:round_detail", args=[draft.pk])).status_code == 404
    signed_in(client, d2_staff)
    assert client.get(reverse("campaigns:round_detail", args=[district_round.pk])).status_code == 404
    assert client.get(reverse("campaigns:round_quotas", args=[district_round.pk])).status_code == 404
    assert "东城区劳模评选" not in client.get(reverse("campaigns:round_list")).content.decode()
    signed_in(client, city_staff)
    assert client.get(reverse("campaigns:round_detail", args=[district_round.pk])).status_code == 200


def test_the_round_page_counts_nominations_by_status(client, honour_round, tree, city_staff, clerk1, d2_staff):
    NominationFactory.create_batch(
        2, round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="submitted"
    )
    NominationFactory(round=honour_round, union=tree["g2"], first_node=tree["d2"], created_by=clerk1, status="draft")
    signed_in(client, city_staff)
    response = client.get(reverse("campaigns:round_detail", args=[honour_round.pk]))
    assert [n for _label, n in response.context["status_rows"]] == [1, 2]  # draft, submitted
    assert response.context["nomination_total"] == 3
    # the other district counts only its own part of the tree
    signed_in(client, d2_staff)
    assert client.get(reverse("campaigns:round_detail", args=[honour_round.pk])).context["nomination_total"] == 1


def test_open_from_the_page(client, tree, city_staff):
    round_ = with_kinds(RoundFactory(organiser=tree["city"], created_by=city_staff, status=Round.Status.DRAFT))
    signed_in(client, city_staff)
    page = client.get(reverse("campaigns:round_detail", args=[round_.pk])).content.decode()
    assert reverse("campaigns:round_open", args=[round_.pk]) in page
    response = client.post(reverse("campaigns:round_open", args=[round_.pk]))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.NOMINATING


def test_edit_of_a_nominating_round_keeps_its_kinds_and_rules_fixed_after_forwarding(client, honour_round, city_staff):
    signed_in(client, city_staff)
    url = reverse("campaigns:round_edit", args=[honour_round.pk])
    assert client.get(url).status_code == 200
    data = round_post(
        honour_round.organiser_id,
        [honour_kind().pk],
        title="2026年度市劳动模范评选（调整）",
        year="2030",
        **{"rules-TOTAL_FORMS": "1", "rules-0-percent": "30"},
    )
    response = client.post(url, data)
    assert response.status_code == 302
    honour_round.refresh_from_db()
    assert honour_round.title.endswith("（调整）")
    assert honour_round.year == 2026  # disabled on the form: the posted value is ignored
    assert honour_round.kinds.count() == 2
    assert list(honour_round.rules.values_list("percent", flat=True)) == [30]


def test_the_rounds_list_filters_and_its_queries_do_not_grow(client, tree, city_staff, django_assert_max_num_queries):
    for year in (2025, 2026):
        for _ in range(4):
            with_kinds(RoundFactory(organiser=tree["city"], created_by=city_staff, year=year))
    signed_in(client, city_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:round_list"), {"year": "2025"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 4
    assert {r.year for r in response.context["rows"]} == {2025}
    empty = client.get(reverse("campaigns:round_list"), {"status": "closed"})
    assert "没有符合条件的评选" in empty.content.decode()


def test_the_round_page_queries_are_bounded(
    client, honour_round, tree, city_staff, clerk1, django_assert_max_num_queries
):
    NominationFactory.create_batch(
        5, round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="submitted"
    )
    signed_in(client, city_staff)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("campaigns:round_detail", args=[honour_round.pk])).status_code == 200


# --- quotas ------------------------------------------------------------------------------------------


def test_the_organiser_sets_the_grid_in_one_post(client, honour_round, tree, city_staff):
    worker, medal = honour_kind(), honour_kind("五一劳动奖章")
    signed_in(client, city_staff)
    url = reverse("campaigns:round_quotas", args=[honour_round.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert [row["node"].name for row in page.context["rows"]] == ["东城区总工会", "西城区总工会", "市教育工会"]
    data = {
        f"q-{tree['d1'].pk}-{worker.pk}": "8",
        f"q-{tree['d2'].pk}-{worker.pk}": "6",
        f"q-{tree['ind'].pk}-{medal.pk}": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert dict(Quota.objects.values_list("node__name", "count")) == {
        "东城区总工会": 8,
        "西城区总工会": 6,
        "市教育工会": 2,
    }


def test_a_district_splits_and_over_the_quota_is_refused_per_cell(client, honour_round, tree, city_staff, d1_staff):
    worker = honour_kind()
    quota(honour_round, tree["d1"], worker, 8, city_staff)
    signed_in(client, d1_staff)
    url = reverse("campaigns:round_quotas", args=[honour_round.pk]) + f"?node={tree['d1'].pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["columns"][0]["held"] == 8
    response = client.post(url, {f"q-{tree['s1'].pk}-{worker.pk}": "9"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "东城区总工会 有 8 个劳动模范名额" in text and "已分配 9 个" in text
    assert not Quota.objects.filter(node=tree["s1"]).exists()
    assert client.post(url, {f"q-{tree['s1'].pk}-{worker.pk}": "8"}).status_code == 302
    assert Quota.objects.get(node=tree["s1"]).count == 8


def test_quota_grids_out_of_reach_answer_404(client, honour_round, tree, d1_staff, d2_staff):
    worker = honour_kind()
    signed_in(client, d1_staff)
    base = reverse("campaigns:round_quotas", args=[honour_round.pk])
    # the district reads the organiser's grid (its own quota among them) but cannot post it
    assert client.get(base).status_code == 404
    assert client.post(base, {f"q-{tree['d1'].pk}-{worker.pk}": "99"}).status_code == 404
    assert client.get(base + f"?node={tree['d2'].pk}").status_code == 404
    assert client.get(base + "?node=abc").status_code == 404
    assert client.get(base + "?node=999999").status_code == 404
    signed_in(client, d2_staff)
    assert client.post(base + f"?node={tree['d1'].pk}", {f"q-{tree['s1'].pk}-{worker.pk}": "1"}).status_code == 404
    assert not Quota.objects.exists()


def test_the_quota_grid_counts_alive_nominations_per_cell_in_fixed_queries(
    client, honour_round, tree, city_staff, clerk1, django_assert_max_num_queries
):
    worker = honour_kind()
    quota(honour_round, tree["d1"], worker, 8, city_staff)
    NominationFactory.create_batch(
        3, round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="submitted"
    )
    NominationFactory(round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="draft")
    signed_in(client, city_staff)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("campaigns:round_quotas", args=[honour_round.pk]))
    d1_row = response.context["rows"][0]
    assert d1_row["cells"][0]["alive"] == 3 and d1_row["cells"][0]["stored"] == 8
    assert Nomination.objects.count() == 4


def test_the_quotas_panel_shows_the_district_its_own_quota(client, honour_round, tree, city_staff, d1_staff):
    quota(honour_round, tree["d1"], honour_kind(), 8, city_staff)
    signed_in(client, d1_staff)
    text = client.get(reverse("campaigns:round_detail", args=[honour_round.pk])).content.decode()
    assert "8 个名额" in text
    assert f"?node={tree['d1'].pk}" in text


# --- honour kinds ------------------------------------------------------------------------------------


def test_kinds_are_read_by_staff_and_changed_by_city_staff(client, tree, city_staff, d1_staff):
    kind = honour_kind()
    signed_in(client, d1_staff)
    listing = client.get(reverse("campaigns:honour_kind_list"))
    assert listing.status_code == 200 and "劳动模范" in listing.content.decode()
    assert reverse("campaigns:honour_kind_edit", args=[kind.pk]) not in listing.content.decode()
    assert client.get(reverse("campaigns:honour_kind_edit", args=[kind.pk])).status_code == 404
    signed_in(client, city_staff)
    assert client.get(reverse("campaigns:honour_kind_edit", args=[kind.pk])).status_code == 200


def test_city_staff_edit_a_checklist_through_the_formsets(client, db, city_staff, tree):
    kind = honour_kind("五一劳动奖章")
    items = list(kind.evidence_items.all())
    signed_in(client, city_staff)
    data = {
        "category": "individual",
        "exclusion_years": "4",
        "active": "on",
        "items-TOTAL_FORMS": "4",
        "items-INITIAL_FORMS": "3",
        "care-TOTAL_FORMS": "1",
        "care-INITIAL_FORMS": "0",
        "care-0-care": "",
    }
    for i, item in enumerate(items):
        data |= {f"items-{i}-id": str(item.pk), f"items-{i}-label": item.label, f"items-{i}-required": "on"}
    data |= {"items-0-ORDER": "3", "items-1-ORDER": "1", "items-2-ORDER": "2", "items-2-DELETE": "on"}
    data |= {"items-3-label": "体检报告", "items-3-ORDER": "2"}
    response = client.post(reverse("campaigns:honour_kind_edit", args=[kind.pk]), data)
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.exclusion_years == 4
    assert [i.label for i in kind.evidence_items.all()] == ["个人先进事迹材料", "体检报告", "推荐审批表（盖章）"]
    assert [i.required for i in kind.evidence_items.all()] == [True, False, True]


def test_the_kinds_list_queries_are_bounded(client, city_staff, django_assert_max_num_queries):
    signed_in(client, city_staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("campaigns:honour_kind_list")).status_code == 200


# --- the working-day calendar ------------------------------------------------------------------------


def test_the_calendar_is_for_city_admins_only(client, tree, city_admin, city_staff):
    signed_in(client, city_staff)
    assert client.get(reverse("campaigns:calendar")).status_code == 404
    assert client.post(reverse("campaigns:calendar_year", args=[2027]), {"action": "declare"}).status_code == 404
    signed_in(client, city_admin)
    assert client.get(reverse("campaigns:calendar")).status_code == 200
    assert client.get(reverse("campaigns:calendar_year", args=[1990])).status_code == 404


def test_a_package_year_shows_its_holidays_and_make_up_days(client, city_admin):
    signed_in(client, city_admin)
    response = client.get(reverse("campaigns:calendar_year", args=[2026]))
    text = response.content.decode()
    assert "来自国务院公布的节假日安排" in text
    assert 'data-date="2026-10-10" data-kind="makeup"' in text
    assert 'data-date="2026-10-05" data-kind="holiday"' in text
    assert 'data-date="2026-02-14" data-kind="makeup"' in text
    assert 'data-date="2026-06-06" data-kind="weekend"' in text


def test_a_city_admin_enters_2027_and_declares_it(client, city_admin):
    signed_in(client, city_admin)
    url = reverse("campaigns:calendar_year", args=[2027])
    assert "尚未知晓" in client.get(url).content.decode()
    refused = client.post(url, {"action": "declare"})
    assert refused.status_code == 400 and not CalendarYear.objects.exists()
    response = client.post(url, {"date": "2027-01-01", "status": "off", "note": "元旦"})
    assert response.status_code == 302
    assert CalendarDay.objects.get().note == "元旦"
    # a day of another year is refused on this page
    assert client.post(url, {"date": "2028-01-01", "status": "off", "note": ""}).status_code == 400
    assert client.post(url, {"action": "declare"}).status_code == 302
    assert CalendarYear.objects.filter(year=2027).exists()
    page = client.get(url).content.decode()
    assert 'data-date="2027-01-01" data-kind="holiday"' in page
    client.post(url, {"date": "2027-01-01", "status": "clear", "note": ""})
    assert not CalendarDay.objects.exists()


def test_the_calendar_pages_queries_are_bounded(client, city_admin, django_assert_max_num_queries):
    signed_in(client, city_admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("campaigns:calendar")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:calendar_year", args=[2026])).status_code == 200
