"""Innovation studios: the leader rule (a model worker or craftsman in the register, not revoked, in scope),
the yearly review once a year (failed twice running: deactivating suggested), the targets' achieved counts,
and the pages (scope 404s, the leader found by name, query counts)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import Honour, InnovationStudio, StudioReview, StudioTarget
from campaigns.services.studios import (
    studio_create,
    studio_review,
    studio_update,
    suggests_deactivating,
    target_set,
    with_progress,
)

from .honour_factories import HonourFactory, honour_kind

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def client_of(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def leader(tree, city_staff):
    return HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="李劳模")


def fields(leader, tree, **changes):
    data = {
        "name": "李劳模数控创新工作室",
        "leader": leader,
        "host_union": tree["g1"],
        "host_unit": "东城机械厂",
        "field": "数控加工",
        "members": "张三，李四，王五",
        "member_count": 3,
        "level": InnovationStudio.Level.CITY,
        "recognised_year": THIS_YEAR,
    }
    return data | changes


def make_studio(by, leader, tree, **changes):
    return studio_create(by=by, **fields(leader, tree, **changes))


def test_a_model_worker_or_craftsman_may_lead_a_studio(leader, tree, city_staff, district_staff):
    studio = make_studio(district_staff, leader, tree)
    assert studio.leader == leader and studio.active and studio.created_by == district_staff
    craftsman = HonourFactory(union=tree["g1"], created_by=city_staff, kind=honour_kind("工匠"))
    assert make_studio(district_staff, craftsman, tree, name="工匠工作室").leader == craftsman
    assert AuditEvent.objects.filter(action=kinds.STUDIO_CHANGED).count() == 2


@pytest.mark.parametrize("case", ["medal", "team", "revoked", "outside"])
def test_any_other_leader_is_refused(case, leader, tree, city_staff, district_staff):
    if case == "medal":
        leader = HonourFactory(union=tree["g1"], created_by=city_staff, kind=honour_kind("五一劳动奖章"))
    elif case == "team":
        leader = HonourFactory(union=tree["g1"], created_by=city_staff, kind=honour_kind("工人先锋号"))
    elif case == "revoked":
        leader.revoked_at, leader.revoked_by = timezone.now(), city_staff
        leader.save()
    else:
        leader = HonourFactory(union=tree["g2"], created_by=city_staff)  # district 2: outside district 1's staff
    with pytest.raises(ValidationError) as refused:
        make_studio(district_staff, leader, tree)
    assert refused.value.message_dict["leader"] == ["The leader must be a model worker or craftsman in the register."]
    assert not InnovationStudio.objects.exists()


def test_the_host_union_must_be_in_scope_and_the_fields_given(leader, tree, district_staff):
    with pytest.raises(ValidationError) as refused:
        make_studio(district_staff, leader, tree, host_union=tree["g2"], field=" ", member_count=0)
    assert set(refused.value.message_dict) == {"host_union", "field", "member_count"}
    assert not InnovationStudio.objects.exists()


def test_the_yearly_review_once_a_year_and_two_failures_suggest_deactivating(leader, tree, district_staff, city_staff):
    studio = make_studio(district_staff, leader, tree, recognised_year=THIS_YEAR - 2)
    studio_review(studio=studio, year=THIS_YEAR - 2, result="passed", by=district_staff)
    with pytest.raises(ValidationError, match=f"has already been reviewed for {THIS_YEAR - 2}"):
        studio_review(studio=studio, year=THIS_YEAR - 2, result="excellent", by=city_staff)
    with pytest.raises(ValidationError, match="between"):
        studio_review(studio=studio, year=THIS_YEAR + 1, result="passed", by=district_staff)
    studio_review(studio=studio, year=THIS_YEAR - 1, result="failed", note="无成果", by=district_staff)
    assert not suggests_deactivating(studio)
    studio_review(studio=studio, year=THIS_YEAR, result="failed", by=district_staff)
    assert suggests_deactivating(studio)
    assert StudioReview.objects.filter(studio=studio).count() == 3
    assert AuditEvent.objects.filter(action=kinds.STUDIO_REVIEWED).count() == 3
    studio_update(studio=studio, by=district_staff, active=False)
    studio.refresh_from_db()
    assert not studio.active and not suggests_deactivating(studio)


def test_failures_with_a_gap_year_do_not_suggest_deactivating(leader, tree, district_staff):
    studio = make_studio(district_staff, leader, tree, recognised_year=THIS_YEAR - 3)
    studio_review(studio=studio, year=THIS_YEAR - 3, result="failed", by=district_staff)
    studio_review(studio=studio, year=THIS_YEAR - 1, result="failed", by=district_staff)
    assert not suggests_deactivating(studio)


def test_other_staff_may_not_review(leader, tree, district_staff, other_district_staff):
    from django.core.exceptions import PermissionDenied

    studio = make_studio(district_staff, leader, tree)
    with pytest.raises(PermissionDenied):
        studio_review(studio=studio, year=THIS_YEAR, result="passed", by=other_district_staff)


def test_targets_count_the_studios_recognised_that_year_at_that_level_in_the_subtree(
    leader, tree, city_staff, district_staff, django_assert_num_queries
):
    city = target_set(node=tree["city"], year=THIS_YEAR, level="city", count=20, by=city_staff)
    d1 = target_set(node=tree["d1"], year=THIS_YEAR, level="district", count=2, by=district_staff)
    make_studio(district_staff, leader, tree, name="甲")
    make_studio(city_staff, leader, tree, name="乙", host_union=tree["g3"])
    make_studio(district_staff, leader, tree, name="丙", level="district")
    make_studio(district_staff, leader, tree, name="丁", level="district", active=False)
    make_studio(district_staff, leader, tree, name="去年的", recognised_year=THIS_YEAR - 1)
    make_studio(city_staff, leader, tree, name="西城的", level="district", host_union=tree["g2"])
    with django_assert_num_queries(1):
        with_progress([city, d1])
    assert (city.achieved, city.percent, city.met) == (2, 10, False)
    assert (d1.achieved, d1.percent, d1.met) == (2, 100, True)
    # setting it again changes the count, never a second row
    target_set(node=tree["city"], year=THIS_YEAR, level="city", count=2, by=city_staff)
    assert StudioTarget.objects.get(node=tree["city"], level="city").count == 2


def test_targets_only_at_a_federation_in_scope(tree, district_staff):
    with pytest.raises(ValidationError, match="federation within your scope"):
        target_set(node=tree["city"], year=THIS_YEAR, level="city", count=5, by=district_staff)
    with pytest.raises(ValidationError, match="federation within your scope"):
        target_set(node=tree["g1"], year=THIS_YEAR, level="city", count=5, by=district_staff)
    assert not StudioTarget.objects.exists()


# --- pages --------------------------------------------------------------------------------------------
def test_recording_a_studio_with_the_leader_found_by_name(leader, tree, city_staff, district_staff):
    HonourFactory(union=tree["g1"], created_by=city_staff, holder_name="李奖章", kind=honour_kind("五一劳动奖章"))
    client = client_of(district_staff)
    url = reverse("campaigns:studio_create")
    assert client.get(url).status_code == 200
    data = {k: v for k, v in fields(leader, tree).items() if k not in ("leader", "host_union")}
    data |= {"host_union": tree["g1"].pk, "active": "on"}
    found = client.post(url, data | {"leader_query": "李", "search": "1"}).content.decode()
    assert f'value="{leader.pk}"' in found and "李奖章" not in found
    response = client.post(url, data | {"leader": leader.pk})
    studio = InnovationStudio.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:studio_detail", args=[studio.pk])
    medal = Honour.objects.get(holder_name="李奖章")
    refused = client.post(url, data | {"leader": medal.pk}).content.decode()
    assert "The leader must be a model worker or craftsman in the register." in refused
    assert InnovationStudio.objects.count() == 1


def test_studio_pages_are_404_outside_scope(leader, tree, district_staff, other_district_staff, clerk1):
    studio = make_studio(district_staff, leader, tree)
    for name in ("studio_detail", "studio_edit"):
        assert client_of(other_district_staff).get(reverse(f"campaigns:{name}", args=[studio.pk])).status_code == 404
    response = client_of(other_district_staff).post(
        reverse("campaigns:studio_review", args=[studio.pk]), {"year": THIS_YEAR, "result": "failed"}
    )
    assert response.status_code == 404 and not StudioReview.objects.exists()
    for name in ("studio_list", "studio_create", "studio_targets"):
        assert client_of(clerk1).get(reverse(f"campaigns:{name}")).status_code == 404
    assert studio.name not in client_of(other_district_staff).get(reverse("campaigns:studio_list")).content.decode()


def test_the_review_on_the_studio_page(leader, tree, district_staff):
    studio = make_studio(district_staff, leader, tree, recognised_year=THIS_YEAR - 1)
    StudioReview.objects.create(studio=studio, year=THIS_YEAR - 1, result="failed", by=district_staff)
    client = client_of(district_staff)
    page = client.get(reverse("campaigns:studio_detail", args=[studio.pk])).content.decode()
    assert "Record the yearly review" in page and "data-suggest-deactivating" not in page
    url = reverse("campaigns:studio_review", args=[studio.pk])
    response = client.post(url, {"year": THIS_YEAR, "result": "failed", "note": "仍无成果"}, follow=True)
    page = response.content.decode()
    assert "data-suggest-deactivating" in page and "仍无成果" in page
    again = client.post(url, {"year": THIS_YEAR, "result": "passed"})
    assert again.status_code == 400 and f"has already been reviewed for {THIS_YEAR}" in again.content.decode()


def test_the_list_filters_and_counts_its_queries(leader, tree, district_staff, django_assert_max_num_queries):
    for n in range(35):
        studio = make_studio(district_staff, leader, tree, name=f"工作室{n:02d}", level="city" if n % 2 else "district")
        StudioReview.objects.create(studio=studio, year=THIS_YEAR, result="passed", by=district_staff)
    client = client_of(district_staff)
    url = reverse("campaigns:studio_list")
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "工作室00" in page and "Page 1 of 2" in page
    page = client.get(url, {"level": "city", "q": "工作室0"}).content.decode()
    assert "工作室01" in page and "工作室02" not in page


def test_the_targets_page_sets_a_target_and_shows_progress(leader, tree, city_staff, district_staff):
    make_studio(city_staff, leader, tree)
    client = client_of(city_staff)
    url = reverse("campaigns:studio_targets")
    response = client.post(url, {"node": tree["city"].pk, "year": THIS_YEAR, "level": "city", "count": 20})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "1 / 20" in page and 'data-progress="5"' in page
    refused = client_of(district_staff).post(
        url, {"node": tree["city"].pk, "year": THIS_YEAR, "level": "city", "count": 1}
    )
    assert refused.status_code == 400 and StudioTarget.objects.get().count == 20
    assert "1 / 20" not in client_of(district_staff).get(url).content.decode()


def test_a_years_review_before_recognition_is_refused(leader, tree, district_staff):
    studio = make_studio(district_staff, leader, tree)
    with pytest.raises(ValidationError, match="between"):
        studio_review(studio=studio, year=THIS_YEAR - 1, result="passed", by=district_staff)
    assert not StudioReview.objects.exists()
