"""Rotations move the cadre (node, post, rank, date in post); a promotion is refused while the latest
political-quality assessment is Unqualified; the list of cadres due for rotation follows the setting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import Cadre, CadreSettings, PoliticalReview, Rotation
from cadres.political import political_veto
from cadres.services.profiles import rotation_record
from tests.pages import client_for, text

from .factories import CadreFactory

D = datetime.date


def review(cadre, officer, conclusion, on):
    return PoliticalReview.objects.create(
        cadre=cadre, assessed_on=on, conclusion=conclusion, issues_found="问题", recorded_by=officer
    )


def test_a_rotation_moves_the_cadre_and_keeps_the_old_post(tree, cadre, district_cadre_officer):
    client = client_for(district_cadre_officer)
    url = reverse("cadres:rotation_create", args=[cadre.pk])
    form = client.get(url).context["form"]
    assert form.initial["to_post"] == cadre.post and form.initial["to_rank"] == cadre.rank

    response = client.post(
        url,
        {"on_date": "2025-03-01", "to_union": tree["d1"].pk, "to_post": "办公室主任", "to_rank": "county_division"},
    )

    assert response.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.union, cadre.post, cadre.rank, cadre.in_post_since) == (
        tree["d1"],
        "办公室主任",
        "county_division",
        D(2025, 3, 1),
    )
    rotation = Rotation.objects.get()
    assert (rotation.from_union, rotation.from_post, rotation.from_rank) == (
        tree["s1"],
        "组织部部长",
        "township_section",
    )
    assert AuditEvent.objects.filter(action=kinds.ROTATION_RECORDED, target_id=str(cadre.pk)).exists()


def test_a_promotion_is_refused_while_the_latest_political_review_is_unqualified(tree, cadre, district_cadre_officer):
    review(cadre, district_cadre_officer, "pass", D(2023, 5, 1))
    review(cadre, district_cadre_officer, "fail", D(2024, 5, 1))
    assert political_veto(cadre)
    url = reverse("cadres:rotation_create", args=[cadre.pk])
    client = client_for(district_cadre_officer)
    assert "one-vote veto" in text(client.get(url))

    response = client.post(
        url, {"on_date": "2025-03-01", "to_union": tree["s1"].pk, "to_post": "副主席", "to_rank": "county_division"}
    )

    assert response.status_code == 400
    assert "one-vote veto" in response.context["form"].errors["to_rank"][0]
    cadre.refresh_from_db()
    assert cadre.rank == "township_section" and not Rotation.objects.exists()


def test_a_move_at_the_same_rank_is_allowed_despite_the_veto(tree, cadre, district_cadre_officer):
    review(cadre, district_cadre_officer, "fail", D(2024, 5, 1))
    rotation_record(
        cadre=cadre,
        on_date=D(2025, 3, 1),
        to_union=tree["g1"],
        to_post="工会专干",
        to_rank="township_section",
        by=district_cadre_officer,
    )
    cadre.refresh_from_db()
    assert cadre.union == tree["g1"]


def test_a_later_qualified_review_lifts_the_veto(tree, cadre, district_cadre_officer):
    review(cadre, district_cadre_officer, "fail", D(2023, 5, 1))
    review(cadre, district_cadre_officer, "pass", D(2024, 5, 1))
    assert not political_veto(cadre)
    rotation_record(
        cadre=cadre, on_date=D(2025, 3, 1), to_union=tree["s1"], to_post="副主席", to_rank="county_division",
        by=district_cadre_officer,
    )  # fmt: skip
    cadre.refresh_from_db()
    assert cadre.rank == "county_division"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"to_union": "s2"}, "to_union", "Choose a node in your own part of the tree."),
        ({"on_date": D(2017, 1, 1)}, "on_date", "before the cadre took up the current post"),
        ({"on_date": "tomorrow"}, "on_date", "cannot be in the future"),
    ],
)
def test_bad_moves_are_refused_and_change_nothing(tree, cadre, district_cadre_officer, change, field, message):
    args = {"on_date": D(2025, 3, 1), "to_union": tree["d1"], "to_post": "副主席", "to_rank": "township_section"}
    if change.get("to_union"):
        args["to_union"] = tree[change["to_union"]]
    if change.get("on_date") == "tomorrow":
        args["on_date"] = timezone.localdate() + datetime.timedelta(days=1)
    elif change.get("on_date"):
        args["on_date"] = change["on_date"]
    with pytest.raises(ValidationError) as caught:
        rotation_record(cadre=cadre, by=district_cadre_officer, **args)
    assert message in caught.value.message_dict[field][0]
    cadre.refresh_from_db()
    assert cadre.union == tree["s1"] and not Rotation.objects.exists()


def test_a_node_outside_scope_is_refused_by_the_form(tree, cadre, district_cadre_officer):
    response = client_for(district_cadre_officer).post(
        reverse("cadres:rotation_create", args=[cadre.pk]),
        {"on_date": "2025-03-01", "to_union": tree["s2"].pk, "to_post": "副主席", "to_rank": "township_section"},
    )
    assert response.status_code == 400 and "to_union" in response.context["form"].errors
    assert not Rotation.objects.exists()


def test_a_move_that_changes_nothing_is_refused(tree, cadre, district_cadre_officer):
    with pytest.raises(ValidationError, match="same as the current ones"):
        rotation_record(
            cadre=cadre, on_date=D(2025, 3, 1), to_union=cadre.union, to_post=cadre.post, to_rank=cadre.rank,
            by=district_cadre_officer,
        )  # fmt: skip


def years_ago(years, days=0):
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


def test_the_due_list_holds_cadres_in_post_longer_than_the_setting(tree, district_cadre_officer, other_district_cadre):
    due = CadreFactory(union=tree["s1"], name="久任", in_post_since=years_ago(7))
    just_due = CadreFactory(union=tree["g1"], name="刚满", in_post_since=years_ago(5))
    CadreFactory(union=tree["s1"], name="新任", in_post_since=years_ago(4, days=-1))
    CadreFactory(union=tree["s1"], name="已离", in_post_since=years_ago(9), status=Cadre.Status.LEFT)
    other_district_cadre.in_post_since = years_ago(10)
    other_district_cadre.save()
    url = reverse("cadres:rotation_due")

    response = client_for(district_cadre_officer).get(url)

    assert [c.name for c in response.context["rows"]] == ["久任", "刚满"]
    assert [c.years_in_post for c in response.context["rows"]] == [7, 5]
    assert reverse("cadres:rotation_create", args=[due.pk]) in text(response)
    assert just_due.name in text(response)

    settings = CadreSettings.current()
    settings.rotation_due_years = 6
    settings.save()
    assert [c.name for c in client_for(district_cadre_officer).get(url).context["rows"]] == ["久任"]


def test_the_due_list_is_paginated_in_a_fixed_number_of_queries(
    tree, district_cadre_officer, django_assert_max_num_queries
):
    client = client_for(district_cadre_officer)
    client.get(reverse("cadres:rotation_due"))
    CadreFactory.create_batch(55, union=tree["s1"], in_post_since=years_ago(8))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cadres:rotation_due"))
    assert len(response.context["rows"]) == 50 and response.context["page"].paginator.count == 55


def test_the_due_list_says_when_nobody_is_due(district_cadre_officer, cadre):
    cadre.in_post_since = years_ago(1)
    cadre.save()
    body = text(client_for(district_cadre_officer).get(reverse("cadres:rotation_due")))
    assert "No cadre in your part of the tree is due for rotation." in body
