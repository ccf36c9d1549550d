"""Full mobiles on member and application pages only for the roles whose exports carry them
(unions.roles.FULL_EXPORT_KINDS: city administrators and the union's clerks); federation staff,
whose exports are masked, see them masked on every page too."""

import pytest
from django.urls import reverse

from members import services
from members.models import Member
from tests.pages import client_for
from unions.models import Role

from ..factories import staff
from .test_approval_pages import submit
from .test_member_pages import edit_data, make_member

R = Role.Kind
MOBILE = "13912345678"
MASKED = "139****5678"


@pytest.fixture
def member(tree):
    return make_member(tree["g1"], name="李小明", mobile=MOBILE)


@pytest.fixture
def people(tree):
    return {
        "clerk": staff(R.UNION_CLERK, tree["g1"]),
        "city_admin": staff(R.CITY_ADMIN, tree["city"]),
        "district_staff": staff(R.FEDERATION_STAFF, tree["d1"]),
        "street_staff": staff(R.FEDERATION_STAFF, tree["s1"]),
    }


FULL = {"clerk": True, "city_admin": True, "district_staff": False, "street_staff": False}


def shows(response) -> tuple[bool, bool]:
    page = response.content.decode()
    return MOBILE in page, MASKED in page


@pytest.mark.parametrize("who", FULL)
def test_the_member_page_shows_the_full_mobile_only_to_full_export_roles(tree, member, people, who):
    response = client_for(people[who]).get(reverse("members:member_detail", args=[member.pk]))
    assert response.status_code == 200
    assert shows(response) == ((True, False) if FULL[who] else (False, True))


@pytest.mark.parametrize("who", FULL)
def test_the_application_page_shows_the_full_mobile_only_to_full_export_roles(tree, people, who):
    application = submit(tree["g1"], "王五", mobile=MOBILE)
    response = client_for(people[who]).get(reverse("members:application_detail", args=[application.pk]))
    assert response.status_code == 200
    assert shows(response) == ((True, False) if FULL[who] else (False, True))


@pytest.mark.parametrize("who", FULL)
def test_the_transfer_page_shows_no_full_mobile(tree, member, people, who):
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=people["city_admin"])
    response = client_for(people[who]).get(reverse("members:transfer_detail", args=[transfer.pk]))
    assert response.status_code == 200
    assert MOBILE not in response.content.decode()


def test_the_edit_form_of_a_masked_role_holds_no_full_mobile_and_keeps_it_when_left_blank(tree, member, people):
    client = client_for(people["district_staff"])
    url = reverse("members:member_edit", args=[member.pk])

    form = client.get(url)
    saved = client.post(url, edit_data(member, mobile="", ethnicity="回族"))

    assert MOBILE not in form.content.decode() and MASKED in form.content.decode()
    assert saved.status_code == 302
    member.refresh_from_db()
    assert (member.mobile, member.ethnicity) == (MOBILE, "回族")


def test_a_masked_role_may_still_correct_a_mobile(tree, member, people):
    response = client_for(people["district_staff"]).post(
        reverse("members:member_edit", args=[member.pk]), edit_data(member, mobile="13700001111")
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).mobile == "13700001111"


def test_a_clerk_edits_with_the_full_mobile_in_the_form_and_may_not_leave_it_blank(tree, member, people):
    client = client_for(people["clerk"])
    url = reverse("members:member_edit", args=[member.pk])
    assert f'value="{MOBILE}"' in client.get(url).content.decode()
    assert client.post(url, edit_data(member, mobile="")).status_code == 400
