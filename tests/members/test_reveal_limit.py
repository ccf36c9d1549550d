"""Full ID numbers are revealed at most MEMBER_ID_REVEALS_PER_HOUR times an hour per user; a refusal
is audited too and answered with a clear message, never the number."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from members import kinds as members_kinds
from members.models import MemberEvent
from tests.pages import client_for
from unions.models import Role

from ..factories import staff
from .test_member_pages import make_member

R = Role.Kind


def reveal(client, member, **headers):
    return client.post(reverse("members:member_reveal_id", args=[member.pk]), **headers)


def test_past_the_hourly_limit_a_reveal_is_refused_with_a_message_and_audited(tree, clerk, settings):
    settings.MEMBER_ID_REVEALS_PER_HOUR = 3
    members = [make_member(tree["g1"], name=f"成员{i}") for i in range(4)]
    client = client_for(clerk, english=False)

    answers = [reveal(client, member, HTTP_HX_REQUEST="true") for member in members]

    # htmx swaps in only a 2xx answer: the refusal comes as one, saying why
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert all(members[i].reveal_id_number() in answers[i].content.decode() for i in range(3))
    refused = answers[-1].content.decode()
    assert members[3].reveal_id_number() not in refused
    assert "每小时最多可查看 3 次完整身份证号" in refused
    ok = AuditEvent.objects.filter(action=members_kinds.ID_REVEALED, result=AuditEvent.Result.SUCCESS, actor=clerk)
    failed = AuditEvent.objects.get(action=members_kinds.ID_REVEALED, result=AuditEvent.Result.FAILURE, actor=clerk)
    assert ok.count() == 3
    assert (failed.target_id, failed.union_id) == (str(members[3].pk), tree["g1"].pk)
    assert not MemberEvent.objects.filter(member=members[3], kind=MemberEvent.Kind.ID_REVEALED).exists()


def test_without_javascript_the_refusal_is_the_detail_page_with_the_message(tree, clerk, settings):
    settings.MEMBER_ID_REVEALS_PER_HOUR = 1
    first, second = make_member(tree["g1"], name="甲"), make_member(tree["g1"], name="乙")
    client = client_for(clerk)
    reveal(client, first)

    answer = reveal(client, second)

    assert answer.status_code == 429
    page = answer.content.decode()
    assert "<html" in page and second.name in page and second.reveal_id_number() not in page
    assert "You may view full ID numbers at most 1 times an hour." in page


def test_the_limit_is_per_user_and_an_hour_later_reveals_are_allowed_again(tree, clerk, settings):
    settings.MEMBER_ID_REVEALS_PER_HOUR = 1
    member = make_member(tree["g1"])
    other = staff(R.UNION_CLERK, tree["g1"])
    assert reveal(client_for(clerk), member).status_code == 200
    assert reveal(client_for(clerk), member).status_code == 429
    assert reveal(client_for(other), member).status_code == 200  # another clerk has their own budget

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61), tick=False):
        assert reveal(client_for(clerk), member).status_code == 200
