"""The reports page only for those who can use it: leaders and member staff (their nodes), members with a
valid card (their card PDF). Everyone else gets 404, as for a dashboard they do not have."""

import pytest
from django.urls import reverse

from reports.models import Report
from tests.pages import client_for, text
from unions.models import Role

from ..factories import UserFactory, staff
from .conftest import make_member

R = Role.Kind


@pytest.mark.parametrize("kind", [R.CADRE_OFFICER, R.DISCIPLINE_OFFICER, R.AUDITOR])
def test_roles_without_a_node_to_report_on_get_404_not_an_empty_form(tree, kind):
    client = client_for(staff(kind, tree["city"]))
    assert client.get(reverse("reports:list")).status_code == 404
    response = client.post(
        reverse("reports:request"), {"kind": "monthly_membership", "union": tree["city"].pk, "month": "2026-01"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_worker_without_a_card_gets_404(tree):
    client = client_for(UserFactory())
    assert client.get(reverse("reports:list")).status_code == 404
    assert client.post(reverse("reports:request"), {"kind": "member_card"}).status_code == 404
    assert not Report.objects.exists()


def test_member_with_a_card_sees_only_the_card_request(tree):
    user = UserFactory()
    make_member(tree["g1"], user=user, card=True)
    response = client_for(user).get(reverse("reports:list"))
    assert response.status_code == 200
    assert response.context["form"] is None and response.context["can_request_card"]
    assert 'value="member_card"' in text(response)


def test_member_with_a_card_may_not_ask_for_a_staff_report(tree):
    user = UserFactory()
    make_member(tree["g1"], user=user, card=True)
    response = client_for(user).post(
        reverse("reports:request"), {"kind": "monthly_membership", "union": tree["g1"].pk, "month": "2026-01"}
    )
    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(("kind", "node"), [(R.LEADER, "d1"), (R.UNION_CLERK, "g1"), (R.CITY_ADMIN, "city")])
def test_leaders_and_member_staff_get_a_form_with_their_nodes(tree, kind, node):
    response = client_for(staff(kind, tree[node])).get(reverse("reports:list"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["union"].queryset) and form.fields["kind"].choices
