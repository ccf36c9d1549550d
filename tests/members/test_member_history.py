"""The member's history on the staff detail page, scoped: what happened in a union outside the
viewer's member-staff scope keeps its kind and time, and loses its unions, staff user and note."""

import datetime

from django.urls import reverse

from members import selectors, services
from members.id_number import parse
from members.models import Member, MemberEvent
from tests.pages import client_for, text
from unions.models import Role

from ..factories import id_number, staff

R = Role.Kind
HIDDEN = "In a union outside your area"


def _member(union, name="王五") -> Member:
    member = Member(union=union, name=name, mobile="13900139000", joined_on=datetime.date(2020, 1, 1))
    member.set_id_number(parse(id_number()))
    member.save()
    return member


def _history(page: str) -> str:
    return page[page.index('id="history-heading"') :]


def test_a_member_transferred_in_shows_the_transfer_but_not_what_the_other_district_recorded_before(tree):
    # given a member of another district, edited there, then transferred into the clerk's union
    theirs, ours = (
        staff(R.UNION_CLERK, tree["g2"], name="西城办事员"),
        staff(R.UNION_CLERK, tree["g1"], name="东城办事员"),
    )
    member = _member(tree["g2"])
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.JOINED, to_union=tree["g2"], by=theirs)
    services.member_update(member=member, by=theirs, employer_name="西城食品公司")
    transfer = services.transfer_request(member=member, to_union=tree["g1"], by=ours)
    services.transfer_release(transfer=transfer, by=theirs)
    services.transfer_accept(transfer=transfer, by=ours)

    # when the receiving clerk opens the member's page
    history = _history(text(client_for(ours).get(reverse("members:member_detail", args=[member.pk]))))

    # then the transfer is shown with both unions (both sides of a transfer see it), and what the
    # other district did before it is shown without union, staff user or note
    assert tree["g2"].name in history and tree["g1"].name in history and "东城办事员" in history
    assert "西城办事员" not in history
    assert history.count(HIDDEN) == 2  # joined there, edited there


def test_the_history_marks_each_event_by_where_it_happened(tree):
    theirs = staff(R.UNION_CLERK, tree["g2"])
    ours = staff(R.FEDERATION_STAFF, tree["d1"])
    member = _member(tree["g1"])
    services.member_update(member=member, by=ours, mobile="13700137000")
    services.member_end(member=member, by=ours, status=Member.Status.LEFT, on=datetime.date(2024, 1, 1), reason="离职")
    # recorded as if the member had then joined another district's union, left it, and come back
    for kind, by, unions in (
        (MemberEvent.Kind.JOINED, theirs, {"to_union": tree["g2"]}),
        (MemberEvent.Kind.EDITED, theirs, {}),
        (MemberEvent.Kind.LEFT, theirs, {"from_union": tree["g2"], "note": "违纪被除名"}),
        (MemberEvent.Kind.JOINED, ours, {"to_union": tree["g1"]}),
        (MemberEvent.Kind.ID_REVEALED, ours, {}),
    ):
        MemberEvent.objects.create(member=member, kind=kind, by=by, **unions)
    Member.objects.filter(pk=member.pk).update(status=Member.Status.ACTIVE)

    events = selectors.member_history(ours, member, limit=50)

    # newest first: revealed here, joined here, left there, edited there, joined there, left here, edited here
    assert [(event.kind, event.outside_scope) for event in events] == [
        ("id_revealed", False),
        ("joined", False),
        ("left", True),
        ("edited", True),
        ("joined", True),
        ("left", False),
        ("edited", False),
    ]
    hidden = [event for event in events if event.outside_scope]
    assert all(e.from_union is None and e.to_union is None and e.by is None and e.note == HIDDEN for e in hidden)
    assert MemberEvent.objects.filter(member=member, by=theirs).count() == 3  # nothing was saved
