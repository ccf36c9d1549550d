"""The Django admin over members' personal data: read-only, masked, and scoped like the portal's pages."""

import datetime
import itertools
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from members import services
from members.id_number import check_character, parse
from members.models import Application, Consent, Member, MemberCard
from unions.models import Role, Union

from ..factories import UserFactory, grant

R = Role.Kind
FULL_ID = re.compile(r"\d{17}[\dX]")
_people = itertools.count(500)


def new_id_number() -> str:
    n = next(_people)
    body = f"110105{datetime.date(1980, 1, 1) + datetime.timedelta(days=n):%Y%m%d}{n % 1000:03d}"
    return body + check_character(body)


def make_member(union: Union, name: str) -> Member:
    n = next(_people)
    member = Member(union=union, name=name, mobile=f"137{n:08d}", joined_on=datetime.date(2020, 1, 1))
    member.set_id_number(parse(new_id_number()))
    member.save()
    services.card_issue(member=member, by=None)
    return member


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def admin_staff(union: Union, kind: str = R.UNION_CLERK):
    """An admin (is_staff) account with view permissions on members' models and a role at ``union``."""
    user = UserFactory(is_staff=True)
    codenames = ["view_member", "view_application", "view_transfer", "view_membercard"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="members", codename__in=codenames))
    grant(user, union, kind)
    return user


@pytest.fixture
def members(tree):
    return {"g1": make_member(tree["g1"], "李小明"), "g2": make_member(tree["g2"], "王小红")}


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_clerk_with_admin_access_sees_only_own_unions_members_masked(tree, members):
    client = admin_client(admin_staff(tree["g1"]))
    html = page(client.get(reverse("admin:members_member_changelist")))
    mine, theirs = members["g1"], members["g2"]
    assert mine.name in html and theirs.name not in html
    assert mine.id_masked in html and mine.mobile_masked in html
    assert mine.mobile not in html
    assert not FULL_ID.search(html)


def test_a_member_outside_the_admin_users_scope_cannot_be_opened(tree, members):
    client = admin_client(admin_staff(tree["g1"]))
    response = client.get(reverse("admin:members_member_change", args=[members["g2"].pk]), follow=True)
    assert members["g2"].name not in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")


def test_the_member_view_page_is_read_only_and_masked(tree, members):
    mine = members["g1"]
    client = admin_client(admin_staff(tree["g1"]))
    html = page(client.get(reverse("admin:members_member_change", args=[mine.pk])))
    assert mine.id_masked in html and mine.mobile_masked in html
    assert mine.mobile not in html
    assert mine.id_hash not in html and mine.id_encrypted not in html
    assert not FULL_ID.search(html)
    assert 'name="name"' not in html  # no editable inputs
    response = client.post(reverse("admin:members_member_change", args=[mine.pk]), {"name": "改名"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.name == "李小明"


def test_members_cannot_be_added_or_deleted_in_the_admin(tree, members):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = admin_client(superuser)
    assert client.get(reverse("admin:members_member_add")).status_code == 403
    assert (
        client.post(reverse("admin:members_member_delete", args=[members["g1"].pk]), {"post": "yes"}).status_code == 403
    )
    assert Member.objects.filter(pk=members["g1"].pk).exists()


def test_a_superuser_sees_every_member_still_masked(tree, members):
    client = admin_client(UserFactory(is_staff=True, is_superuser=True))
    html = page(client.get(reverse("admin:members_member_changelist")))
    assert members["g1"].name in html and members["g2"].name in html
    assert not FULL_ID.search(html)


def test_admin_search_is_by_name_prefix_only(tree, members):
    client = admin_client(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:members_member_changelist")
    assert members["g1"].name in page(client.get(url, {"q": "李"}))
    assert members["g1"].name not in page(client.get(url, {"q": "小明"}))
    # a full ID or mobile finds nothing in the admin: those columns are not searched
    assert members["g1"].name not in page(client.get(url, {"q": members["g1"].reveal_id_number()}))
    assert members["g1"].name not in page(client.get(url, {"q": members["g1"].mobile}))


def test_an_admin_user_without_a_member_staff_role_sees_no_members(tree, members):
    client = admin_client(admin_staff(tree["city"], kind=R.LEADER))
    html = page(client.get(reverse("admin:members_member_changelist")))
    assert members["g1"].name not in html and members["g2"].name not in html


def test_applications_in_the_admin_are_scoped_masked_and_read_only(tree):
    worker = UserFactory()
    consent = Consent.objects.create(user=worker, text_version=services.CONSENT_TEXT_VERSION)
    number = parse(new_id_number())
    application = services.application_submit(
        applicant=worker,
        union=tree["g2"],
        consent=consent,
        number=number,
        details={"name": "申请人", "mobile": "13600000000"},
    )
    assert isinstance(application, Application)
    clerk_client = admin_client(admin_staff(tree["g1"]))
    assert "申请人" not in page(clerk_client.get(reverse("admin:members_application_changelist")))
    other_client = admin_client(admin_staff(tree["g2"]))
    html = page(other_client.get(reverse("admin:members_application_changelist")))
    assert "申请人" in html and application.id_masked in html and "13600000000" not in html
    detail = page(other_client.get(reverse("admin:members_application_change", args=[application.pk])))
    assert not FULL_ID.search(detail) and application.id_encrypted not in detail


def test_cards_and_transfers_in_the_admin_are_scoped_and_hide_the_card_token(tree, members):
    admin = UserFactory()
    grant(admin, tree["city"], R.CITY_ADMIN)
    services.transfer_request(member=members["g1"], to_union=tree["g2"], by=admin)
    card = MemberCard.objects.get(member=members["g2"], revoked_on=None)

    g2_client = admin_client(admin_staff(tree["g2"]))
    cards = page(g2_client.get(reverse("admin:members_membercard_changelist")))
    assert card.number in cards
    assert MemberCard.objects.get(member=members["g1"], revoked_on=None).number not in cards
    detail = page(g2_client.get(reverse("admin:members_membercard_change", args=[card.pk])))
    assert card.number in detail and card.token not in detail
    # the receiving union sees the transfer into it, like on the portal's pages
    assert members["g1"].name in page(g2_client.get(reverse("admin:members_transfer_changelist")))

    g3_client = admin_client(admin_staff(tree["g3"]))
    assert members["g1"].name not in page(g3_client.get(reverse("admin:members_transfer_changelist")))
