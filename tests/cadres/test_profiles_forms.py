"""Adding and correcting a cadre, leaving or retiring: bad input gets a clear message and writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from cadres import kinds
from cadres.models import Cadre
from cadres.services.profiles import cadre_create, cadre_set_status, cadre_update
from tests.pages import client_for, text

from ..factories import UserFactory
from .factories import CadreFactory

CREATE = reverse("cadres:cadre_create")


def form_data(union, **overrides) -> dict:
    data = {
        "name": " 陈  明 ",
        "sex": "M",
        "birth_date": "1988-04-12",
        "mobile": "139 1234 5678",
        "union": union.pk,
        "post": "组织部副部长",
        "rank": "township_section",
        "employment": "full_time",
        "political_status": "cpc_member",
        "education": "bachelor",
        "in_post_since": "2021-07-01",
        "account": "",
    }
    data.update(overrides)
    return data


def test_an_officer_adds_a_cadre_at_a_node_of_their_subtree(tree, district_cadre_officer):
    client = client_for(district_cadre_officer, csrf=True)
    client.get(CREATE)
    response = client.post(CREATE, {**form_data(tree["s1"]), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    cadre = Cadre.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cadres:cadre_detail", args=[cadre.pk])
    assert (cadre.name, cadre.mobile, cadre.union, cadre.status) == ("陈 明", "13912345678", tree["s1"], "in_post")
    event = AuditEvent.objects.get(action=kinds.CADRE_CREATED)
    assert event.actor == district_cadre_officer and event.target_id == str(cadre.pk)
    assert "13912345678" not in str(event.detail)


def test_a_duplicate_mobile_is_refused_with_a_clear_message_and_nothing_written(
    tree, district_cadre_officer, other_district_cadre
):
    # the other cadre is outside this officer's scope: the message says nothing about who holds the number
    response = client_for(district_cadre_officer).post(
        CREATE, form_data(tree["s1"], mobile=other_district_cadre.mobile)
    )
    assert response.status_code == 400
    assert "already has this mobile number" in str(response.context["form"].errors["mobile"])
    assert other_district_cadre.name not in text(response)
    assert Cadre.objects.count() == 1 and not AuditEvent.objects.filter(action=kinds.CADRE_CREATED).exists()


def test_a_node_outside_the_officers_scope_is_refused_and_nothing_written(tree, district_cadre_officer):
    response = client_for(district_cadre_officer).post(CREATE, form_data(tree["s2"]))
    assert response.status_code == 400
    assert response.context["form"].errors["union"] == ["Choose a node in your own part of the tree."]
    assert not Cadre.objects.exists()


def test_the_service_refuses_a_node_outside_scope_even_without_the_form(tree, district_cadre_officer):
    details = {k: v for k, v in form_data(tree["s2"]).items() if k != "account"}
    details.update(union=tree["s2"], mobile="13912345678", birth_date=datetime.date(1988, 4, 12))
    details["in_post_since"] = datetime.date(2021, 7, 1)
    with pytest.raises(ValidationError) as caught:
        cadre_create(by=district_cadre_officer, **details)
    assert "union" in caught.value.message_dict
    assert not Cadre.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "2015-01-01", "a cadre is between 18 and 70 years old"),
        ("birth_date", "1940-01-01", "a cadre is between 18 and 70 years old"),
        ("in_post_since", "2999-01-01", "cannot be in the future"),
        ("mobile", "12345", "11-digit mainland mobile number"),
        ("name", "  ", "Enter the cadre's name."),
    ],
)
def test_bad_facts_are_refused_beside_their_field(tree, district_cadre_officer, field, value, message):
    response = client_for(district_cadre_officer).post(CREATE, form_data(tree["s1"], **{field: value}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Cadre.objects.exists()


def test_a_cadre_is_linked_to_an_account_by_username_or_mobile(tree, district_cadre_officer):
    by_name = UserFactory(username="chenming")
    by_phone = UserFactory(phone="13700001111")
    client = client_for(district_cadre_officer)
    client.post(CREATE, form_data(tree["s1"], account="ChenMing"))
    client.post(CREATE, form_data(tree["s1"], account="137 0000 1111", mobile="13912340000", name="周"))
    assert Cadre.objects.get(user=by_name).name == "陈 明"
    assert Cadre.objects.get(user=by_phone).name == "周"


def test_an_account_already_linked_to_another_cadre_is_refused(tree, district_cadre_officer, cadre):
    response = client_for(district_cadre_officer).post(CREATE, form_data(tree["s1"], account=cadre.user.username))
    assert response.status_code == 400
    assert response.context["form"].errors["account"] == ["This portal account is already linked to another cadre."]
    assert Cadre.objects.count() == 1


def test_an_unknown_account_is_refused(tree, district_cadre_officer):
    response = client_for(district_cadre_officer).post(CREATE, form_data(tree["s1"], account="nobody-here"))
    assert "There is no portal account" in response.context["form"].errors["account"][0]
    assert not Cadre.objects.exists()


def test_the_service_refuses_a_linked_account_too(tree, district_cadre_officer, cadre):
    other = CadreFactory(union=tree["s1"])
    with pytest.raises(ValidationError) as caught:
        cadre_update(cadre=other, by=district_cadre_officer, user=cadre.user)
    assert caught.value.message_dict["user"] == ["This portal account is already linked to another cadre."]
    other.refresh_from_db()
    assert other.user_id is None


def test_editing_corrects_the_facts_and_audits_the_fields_changed(tree, district_cadre_officer, cadre):
    url = reverse("cadres:cadre_edit", args=[cadre.pk])
    form = client_for(district_cadre_officer).get(url).context["form"]
    assert form.initial["account"] == "cadre-self"
    data = form_data(tree["g1"], name="李晓明", mobile=cadre.mobile, post="办公室主任", account="cadre-self")
    response = client_for(district_cadre_officer).post(url, data)
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.union, cadre.post, cadre.user.username) == (tree["g1"], "办公室主任", "cadre-self")
    event = AuditEvent.objects.get(action=kinds.CADRE_EDITED)
    assert set(event.detail["fields"]) == {"sex", "birth_date", "union", "post", "in_post_since"}


def test_editing_with_a_duplicate_mobile_changes_nothing(tree, district_cadre_officer, cadre):
    other = CadreFactory(union=tree["s1"])
    url = reverse("cadres:cadre_edit", args=[cadre.pk])
    response = client_for(district_cadre_officer).post(url, form_data(tree["s1"], name="改名", mobile=other.mobile))
    assert response.status_code == 400
    cadre.refresh_from_db()
    assert cadre.name == "李晓明" and not AuditEvent.objects.filter(action=kinds.CADRE_EDITED).exists()


def test_clearing_the_account_unlinks_it(tree, district_cadre_officer, cadre):
    url = reverse("cadres:cadre_edit", args=[cadre.pk])
    data = form_data(
        cadre.union,
        name=cadre.name,
        sex=cadre.sex,
        birth_date=cadre.birth_date.isoformat(),
        mobile=cadre.mobile,
        post=cadre.post,
        in_post_since=cadre.in_post_since.isoformat(),
    )
    client_for(district_cadre_officer).post(url, data)
    cadre.refresh_from_db()
    assert cadre.user_id is None


def test_a_cadre_outside_scope_answers_404_on_every_page(tree, district_cadre_officer, other_district_cadre):
    client = client_for(district_cadre_officer)
    for name in ("cadre_detail", "cadre_edit", "cadre_status", "rotation_create", "political_create"):
        url = reverse(f"cadres:{name}", args=[other_district_cadre.pk])
        assert client.get(url).status_code == 404, name
        if name != "cadre_detail":
            assert client.post(url, {}).status_code == 404, name


def test_forged_fields_do_not_change_the_status(tree, district_cadre_officer, cadre):
    url = reverse("cadres:cadre_edit", args=[cadre.pk])
    data = form_data(cadre.union, mobile=cadre.mobile, account="cadre-self", status="retired")
    client_for(district_cadre_officer).post(url, data)
    cadre.refresh_from_db()
    assert cadre.status == Cadre.Status.IN_POST


def test_a_cadre_retires_on_a_date_and_leaves_the_list(tree, district_cadre_officer, cadre):
    client = client_for(district_cadre_officer, csrf=True)
    url = reverse("cadres:cadre_status", args=[cadre.pk])
    client.get(url)
    token = client.cookies["csrftoken"].value
    assert client.post(url, {"status": "retired", "on": "2026-01-31"}).status_code == 403  # no CSRF token
    response = client.post(url, {"status": "retired", "on": "2026-01-31", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.status, cadre.status_changed_on) == ("retired", datetime.date(2026, 1, 31))
    assert AuditEvent.objects.filter(action=kinds.CADRE_STATUS_CHANGED, target_id=str(cadre.pk)).exists()
    assert cadre not in client.get(reverse("cadres:cadre_list")).context["rows"]


def test_leaving_before_the_post_began_or_in_the_future_is_refused(district_cadre_officer, cadre):
    with pytest.raises(ValidationError, match="before the cadre took up the post"):
        cadre_set_status(cadre=cadre, status="left", on=datetime.date(2010, 1, 1), by=district_cadre_officer)
    with pytest.raises(ValidationError, match="future"):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        cadre_set_status(cadre=cadre, status="left", on=tomorrow, by=district_cadre_officer)
    with pytest.raises(ValidationError):
        cadre_set_status(cadre=cadre, status="in_post", on=datetime.date(2026, 1, 1), by=district_cadre_officer)
    cadre.refresh_from_db()
    assert cadre.status == "in_post"


def test_every_page_of_a_cadre_in_scope_opens(district_cadre_officer, cadre):
    client = client_for(district_cadre_officer)
    for name in ("cadre_detail", "cadre_edit", "cadre_status", "rotation_create", "political_create"):
        assert client.get(reverse(f"cadres:{name}", args=[cadre.pk])).status_code == 200, name
    for name in ("cadre_list", "cadre_create", "rotation_due"):
        assert client.get(reverse(f"cadres:{name}")).status_code == 200, name


def test_the_status_page_of_a_retired_cadre_says_so(district_cadre_officer, cadre):
    cadre_set_status(cadre=cadre, status="retired", on=datetime.date(2026, 1, 31), by=district_cadre_officer)
    body = text(client_for(district_cadre_officer).get(reverse("cadres:cadre_status", args=[cadre.pk])))
    assert "Retired on 2026-01-31." in body
