"""The transfer pages: both sides see the state, each acts only where the rules allow, nobody else sees it.

A request names a person by ID number and name; a wrong name and an unknown number get the same
answer, so the form tells nothing about an ID number alone.
"""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import selectors, services
from members.id_number import parse
from members.models import Member, MemberCard, Transfer
from tests.pages import client_for, messages_of, text
from unions.models import Role, Union

from ..factories import UserFactory, make_child, staff
from ..factories import id_number as new_id_number

K = Union.Kind
R = Role.Kind
S = Transfer.Status
FULL_ID = re.compile(r"\d{17}[\dX]")
NO_SUCH_MEMBER = "There is no active member with this ID number and name."

_people = itertools.count(1)


def join(union: Union, clerk, name: str = "张三", number: str | None = None) -> Member:
    worker = UserFactory(phone=f"135{next(_people):08d}")
    consent = services.consent_give(user=worker, ip=None)
    application = services.application_submit(
        applicant=worker,
        union=union,
        consent=consent,
        number=parse(number or new_id_number()),
        details={"name": name, "mobile": worker.phone},
    )
    return services.application_approve(application=application, by=clerk)


def state() -> list:
    return [
        sorted(Transfer.objects.values_list("pk", "status", "reason", "to_union", "released_by", "decided_by")),
        sorted(Member.objects.values_list("pk", "union", "status")),
        sorted(MemberCard.objects.values_list("pk", "revoked_on")),
    ]


@pytest.fixture
def member(tree, clerk1):
    return join(tree["g1"], clerk1, "赵六")


@pytest.fixture
def transfer(tree, clerk2, member):
    """g2 asks for g1's member."""
    return services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)


# --- the list ----------------------------------------------------------------------------------


def test_both_sides_see_the_transfer_in_their_direction(tree, clerk1, clerk2, clerk3, transfer):
    url = reverse("members:transfer_list")

    def names(user, direction):
        page = text(client_for(user).get(url, {"direction": direction}))
        return "赵六" in page

    assert (names(clerk1, "all"), names(clerk1, "out"), names(clerk1, "in")) == (True, True, False)
    assert (names(clerk2, "all"), names(clerk2, "out"), names(clerk2, "in")) == (True, False, True)
    assert (names(clerk3, "all"), names(clerk3, "out"), names(clerk3, "in")) == (False, False, False)


def test_the_list_shows_open_transfers_unless_asked_for_others(tree, clerk1, clerk2, transfer):
    services.transfer_decline(transfer=transfer, by=clerk1, reason="不同意")
    other = join(tree["g1"], clerk1, "孙七")
    services.transfer_request(member=other, to_union=tree["g2"], by=clerk2)
    client = client_for(clerk2)

    default = text(client.get(reverse("members:transfer_list")))
    declined = text(client.get(reverse("members:transfer_list"), {"status": "declined"}))
    everything = text(client.get(reverse("members:transfer_list"), {"status": "all"}))

    assert "孙七" in default and "赵六" not in default
    assert "赵六" in declined and "孙七" not in declined
    assert "赵六" in everything and "孙七" in everything


def test_the_list_marks_where_it_is_the_users_turn(tree, clerk1, clerk2, transfer):
    assert "Your turn" in text(client_for(clerk1).get(reverse("members:transfer_list")))
    assert "Your turn" not in text(client_for(clerk2).get(reverse("members:transfer_list")))


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:transfer_list"), {"status": "all"})
    assert response.status_code == 200
    return len(queries)


def test_the_list_takes_the_same_number_of_queries_for_2_and_20_transfers(tree, clerk1, clerk2):
    admin = staff(R.CITY_ADMIN, tree["city"])
    client = client_for(admin)
    for i in range(2):
        services.transfer_request(member=join(tree["g1"], clerk1, f"会员{i}"), to_union=tree["g2"], by=clerk2)
    few = _queries_for_list(client)
    for i in range(2, 20):
        member = join(tree["g1"], clerk1, f"会员{i}")
        transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerk2)
        if i % 3 == 0:
            services.transfer_decline(transfer=transfer, by=clerk1, reason="不同意")
    many = _queries_for_list(client)
    assert few == many
    assert many <= 10


@pytest.mark.parametrize("kind", [R.LEADER, R.AUDITOR, R.CADRE_OFFICER])
def test_roles_without_member_data_may_not_open_the_transfer_pages(tree, kind, transfer):
    user = staff(kind, tree["city"])
    client = client_for(user)
    assert client.get(reverse("members:transfer_list")).status_code == 403
    assert client.get(reverse("members:transfer_detail", args=[transfer.pk])).status_code == 403
    assert client.get(reverse("members:transfer_new")).status_code == 403


def test_transfer_pages_hold_no_full_id_number(tree, clerk1, clerk2, member, transfer):
    number = member.reveal_id_number()
    for user in (clerk1, clerk2):
        client = client_for(user)
        for url in (reverse("members:transfer_list"), reverse("members:transfer_detail", args=[transfer.pk])):
            page = text(client.get(url))
            assert number not in page
            assert not FULL_ID.search(page), url


# --- the detail page and its actions -------------------------------------------------------------


def test_the_receiving_side_sees_only_name_masked_id_and_the_union_the_member_comes_from(
    tree, clerk2, member, transfer
):
    page = text(client_for(clerk2).get(reverse("members:transfer_detail", args=[transfer.pk])))

    assert "赵六" in page and member.id_masked in page and tree["g1"].name in page
    assert member.mobile not in page and member.mobile_masked not in page
    assert member not in selectors.members_visible_to(clerk2)
    assert reverse("members:transfer_release", args=[transfer.pk]) not in page
    assert reverse("members:transfer_cancel", args=[transfer.pk]) in page
    assert reverse("members:transfer_decline", args=[transfer.pk]) in page


def test_the_current_union_is_offered_release_and_decline(tree, clerk1, transfer):
    page = text(client_for(clerk1).get(reverse("members:transfer_detail", args=[transfer.pk])))
    assert reverse("members:transfer_release", args=[transfer.pk]) in page
    assert reverse("members:transfer_decline", args=[transfer.pk]) in page
    assert reverse("members:transfer_accept", args=[transfer.pk]) not in page
    assert reverse("members:transfer_cancel", args=[transfer.pk]) not in page


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("members:transfer_detail", "get", {}),
        ("members:transfer_release", "post", {}),
        ("members:transfer_accept", "post", {}),
        ("members:transfer_decline", "get", {}),
        ("members:transfer_decline", "post", {"decline-reason": "不同意"}),
        ("members:transfer_cancel", "post", {}),
    ],
)
def test_a_clerk_of_a_third_union_gets_404_and_changes_nothing(tree, clerk3, transfer, name, method, data):
    before = state()
    response = getattr(client_for(clerk3), method)(reverse(name, args=[transfer.pk]), data)
    assert response.status_code == 404
    assert "赵六" not in text(response)
    assert state() == before


def test_release_then_accept_from_the_pages_moves_the_member(tree, clerk1, clerk2, member, transfer):
    released = client_for(clerk1).post(reverse("members:transfer_release", args=[transfer.pk]), follow=True)
    assert f"赵六 was released. {tree['g2'].name} can now accept the member." in messages_of(released)

    accepted = client_for(clerk2).post(reverse("members:transfer_accept", args=[transfer.pk]), follow=True)

    assert f"赵六 is now a member of {tree['g2'].name}." in messages_of(accepted)
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.union == tree["g2"] and transfer.status == S.ACCEPTED
    assert MemberCard.objects.get(member=member, revoked_on__isnull=True).union == tree["g2"]
    assert "nothing more to do" in text(accepted)


def test_a_forged_accept_before_the_release_says_so_and_changes_nothing(tree, clerk2, transfer):
    before = state()
    response = client_for(clerk2).post(reverse("members:transfer_accept", args=[transfer.pk]), follow=True)
    assert "The current union has not released the member yet." in messages_of(response)
    assert state() == before


def test_a_forged_release_by_the_receiving_side_is_refused(tree, clerk2, transfer):
    before = state()
    response = client_for(clerk2).post(reverse("members:transfer_release", args=[transfer.pk]))
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("side", ["current", "receiving"])
def test_declining_needs_a_reason_and_then_closes_the_transfer(tree, clerk1, clerk2, transfer, side):
    client = client_for(clerk1 if side == "current" else clerk2)
    url = reverse("members:transfer_decline", args=[transfer.pk])
    before = state()

    empty = client.post(url, {"decline-reason": " "})
    assert empty.status_code == 400
    assert "Give the reason: the member and the other union will see it." in text(empty)
    assert state() == before

    done = client.post(url, {"decline-reason": "劳动合同未解除"})
    assert done.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.reason) == (S.DECLINED, "劳动合同未解除")
    assert "劳动合同未解除" in text(client_for(clerk1).get(reverse("members:transfer_detail", args=[transfer.pk])))


def test_the_requester_withdraws_and_the_other_side_may_not(tree, clerk1, clerk2, transfer):
    before = state()
    assert client_for(clerk1).post(reverse("members:transfer_cancel", args=[transfer.pk])).status_code == 403
    assert state() == before

    client_for(clerk2).post(reverse("members:transfer_cancel", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.status == S.CANCELLED


def test_a_decided_transfer_offers_no_action_and_a_late_click_says_so(tree, clerk1, clerk2, transfer):
    services.transfer_decline(transfer=transfer, by=clerk2, reason="不同意")
    before = state()
    client = client_for(clerk1)

    page = text(client.get(reverse("members:transfer_detail", args=[transfer.pk])))
    late = client.post(reverse("members:transfer_release", args=[transfer.pk]), follow=True)

    assert reverse("members:transfer_release", args=[transfer.pk]) not in page
    assert "This transfer has already been decided." in messages_of(late)
    assert state() == before


def test_accepting_into_a_platform_federation_chooses_the_union_below(tree, clerk1, member):
    Union.objects.filter(pk=tree["s2"].pk).update(takes_platform_workers=True)
    street_staff = staff(R.FEDERATION_STAFF, tree["s2"])
    joint = make_child(tree["s2"], K.JOINT_UNION, "网约车司机联合工会")
    transfer = services.transfer_request(member=member, to_union=Union.objects.get(pk=tree["s2"].pk), by=street_staff)
    services.transfer_release(transfer=transfer, by=clerk1)
    client = client_for(street_staff)
    url = reverse("members:transfer_accept", args=[transfer.pk])

    page = text(client.get(reverse("members:transfer_detail", args=[transfer.pk])))
    assert joint.name in page and tree["g2"].name in page

    before = state()
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"union": tree["g3"].pk}).status_code == 400  # outside the street staff's scope
    assert state() == before

    client.post(url, {"union": joint.pk})
    member.refresh_from_db()
    assert member.union == joint


# --- requesting a transfer ---------------------------------------------------------------------


def test_a_request_with_the_right_id_number_and_name_opens_a_transfer(tree, clerk2, member):
    number = member.reveal_id_number()
    response = client_for(clerk2).post(
        reverse("members:transfer_new"),
        {"to_union": tree["g2"].pk, "number": f"{number[:6]} {number[6:14]} {number[14:].lower()}", "name": " 赵 六 "},
    )

    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("members:transfer_detail", args=[transfer.pk])
    assert (transfer.member, transfer.from_union, transfer.to_union, transfer.requested_by) == (
        member,
        tree["g1"],
        tree["g2"],
        clerk2,
    )


@pytest.mark.parametrize("case", ["wrong name", "unknown number", "member who left"])
def test_a_request_that_matches_no_active_member_gets_one_neutral_answer(tree, clerk1, clerk2, member, case):
    number, name = member.reveal_id_number(), "赵六"
    if case == "wrong name":
        name = "赵七"
    elif case == "unknown number":
        number = new_id_number()
    else:
        services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=timezone.localdate(), reason="")
    before = state()

    response = client_for(clerk2).post(
        reverse("members:transfer_new"), {"to_union": tree["g2"].pk, "number": number, "name": name}
    )

    assert response.status_code == 400
    page = text(response)
    assert NO_SUCH_MEMBER in page
    assert tree["g1"].name not in page
    assert state() == before


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("51010419850101001", "A resident ID number has 18 characters; this one has 17."),
        ("510104198501010011", "The last character does not match the rest of the number"),
        ("510104198502300011", "is not a real date"),
    ],
)
def test_a_request_with_a_bad_id_number_says_what_is_wrong(tree, clerk2, member, number, message):
    response = client_for(clerk2).post(
        reverse("members:transfer_new"), {"to_union": tree["g2"].pk, "number": number, "name": "赵六"}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not Transfer.objects.exists()


def test_a_request_naming_a_union_outside_the_scope_is_refused(tree, clerk2, member):
    response = client_for(clerk2).post(
        reverse("members:transfer_new"),
        {"to_union": tree["g3"].pk, "number": member.reveal_id_number(), "name": "赵六"},
    )
    assert response.status_code == 400
    assert "Choose an open grassroots or joint union in your part of the tree." in text(response)
    assert not Transfer.objects.exists()


def test_the_request_form_offers_only_open_member_holding_unions_in_scope(tree):
    district_staff = staff(R.FEDERATION_STAFF, tree["d2"])
    closed = make_child(tree["s2"], K.GRASSROOTS_UNION, "已撤销的工会")
    Union.objects.filter(pk=closed.pk).update(closed_on=timezone.localdate())
    page = text(client_for(district_staff).get(reverse("members:transfer_new")))
    assert tree["g2"].name in page
    for outside in (tree["g1"].name, tree["g3"].name, tree["s2"].name, "已撤销的工会"):
        assert outside not in page


def test_a_second_request_for_the_same_member_says_a_transfer_is_under_way(tree, clerk2, clerk3, member, transfer):
    before = state()
    response = client_for(clerk3).post(
        reverse("members:transfer_new"),
        {"to_union": tree["g3"].pk, "number": member.reveal_id_number(), "name": "赵六"},
    )
    assert response.status_code == 400
    assert "A transfer of this member is already under way." in text(response)
    assert state() == before


def test_an_unknown_direction_lists_both_directions(tree, clerk1, transfer):
    page = text(client_for(clerk1).get(reverse("members:transfer_list"), {"direction": "sideways"}))
    assert "赵六" in page


def test_the_request_form_preselects_the_only_union_of_a_clerk(tree, clerk2):
    page = text(client_for(clerk2).get(reverse("members:transfer_new")))
    assert re.search(rf'<option value="{tree["g2"].pk}" selected>', page)


def test_an_application_that_became_a_transfer_links_to_it(tree, clerk2, member):
    worker = UserFactory(phone=f"135{next(_people):08d}")
    consent = services.consent_give(user=worker, ip=None)
    transfer = services.application_submit(
        applicant=worker,
        union=tree["g2"],
        consent=consent,
        number=parse(member.reveal_id_number()),
        details={"name": "赵六", "mobile": worker.phone},
    )
    client = client_for(clerk2)

    application_page = text(client.get(reverse("members:application_detail", args=[transfer.application.pk])))
    transfer_page = text(client.get(reverse("members:transfer_detail", args=[transfer.pk])))

    assert reverse("members:transfer_detail", args=[transfer.pk]) in application_page
    assert "by the person, through an online application" in transfer_page
    assert (
        reverse("members:transfer_cancel", args=[transfer.pk]) not in transfer_page
    )  # the worker asked, not the clerk


def test_the_list_answers_htmx_with_its_region(tree, clerk1, transfer):
    page = text(client_for(clerk1).get(reverse("members:transfer_list"), HTTP_HX_REQUEST="true"))
    assert page.lstrip().startswith('<div id="transfers"')
    assert "赵六" in page


def test_transfer_actions_need_the_csrf_token(tree, clerk1, transfer):
    before = state()
    client = client_for(clerk1, csrf=True)
    assert client.post(reverse("members:transfer_release", args=[transfer.pk])).status_code == 403
    assert state() == before
