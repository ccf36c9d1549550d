"""The final decision (审定): refused while the notice runs, with an objection open, a second time; the
honour it confers (number, person_key, copied nominee); the round decided all or nothing; the pages."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from campaigns import kinds
from campaigns.models import Honour, Nomination, NominationReview, Objection, Round
from campaigns.services.decisions import Choice, nomination_decide, round_decide
from members.id_number import parse
from members.models import Member

from ..factories import id_number
from .honour_factories import HonourFactory, NominationFactory, NoticeFactory

pytestmark = pytest.mark.django_db

DOC = "市工发〔2026〕18号"


def make_member(union, name="王建国", born=datetime.date(1980, 5, 6)) -> Member:
    member = Member(union=union, name=name, mobile="13912345678", joined_on=datetime.date(2015, 1, 1))
    member.set_id_number(parse(id_number(born)))
    member.save()
    return member


def in_notice(round_, notice, union, first_node, created_by, **fields) -> Nomination:
    return NominationFactory(
        round=round_,
        union=union,
        first_node=first_node,
        created_by=created_by,
        status=Nomination.Status.NOTICE,
        notice=notice,
        **fields,
    )


@pytest.fixture
def ended_notice(honour_round, city_staff):
    """1–5 June 2026: ended (the tests run later than that)."""
    honour_round.status = Round.Status.NOTICE
    honour_round.save()
    return NoticeFactory(round=honour_round, published_by=city_staff)


@pytest.fixture
def running_notice(honour_round, city_staff):
    today = timezone.localdate()
    return NoticeFactory(
        round=honour_round,
        published_by=city_staff,
        published_on=today - datetime.timedelta(days=1),
        first_day=today - datetime.timedelta(days=1),
        last_day=today + datetime.timedelta(days=3),
    )


@pytest.fixture
def nominee(honour_round, ended_notice, tree, clerk1):
    return in_notice(honour_round, ended_notice, tree["g1"], tree["d1"], clerk1, nominee_name="李秀英")


def decide(nomination, by, confer=True, comment=""):
    return nomination_decide(
        nomination=nomination,
        confer=confer,
        document_number=DOC,
        conferring_body="市总工会",
        decided_on=datetime.date(2026, 7, 1),
        comment=comment,
        by=by,
    )


def objection(notice, nomination, status=Objection.Status.RECEIVED) -> Objection:
    return Objection.objects.create(
        notice=notice, nomination=nomination, objector_name="赵六", objector_mobile="x", facts="不实", status=status
    )


def nothing_written(nomination):
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.NOTICE
    assert not Honour.objects.exists()
    assert not NominationReview.objects.filter(nomination=nomination).exists()
    assert not AuditEvent.objects.filter(action=kinds.NOMINATION_AWARDED).exists()


# --- the rules ----------------------------------------------------------------------------------------
def test_refused_while_the_notice_runs(honour_round, running_notice, tree, clerk1, city_staff):
    nomination = in_notice(honour_round, running_notice, tree["g1"], tree["d1"], clerk1)
    with pytest.raises(ValidationError) as exc:
        decide(nomination, city_staff)
    last = running_notice.last_day
    assert f"The public notice runs until {last.month}/{last.day}" in exc.value.messages[0]
    nothing_written(nomination)


def test_refused_while_the_notice_runs_says_it_in_chinese(honour_round, running_notice, tree, clerk1, city_staff):
    from django.utils import translation

    nomination = in_notice(honour_round, running_notice, tree["g1"], tree["d1"], clerk1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        decide(nomination, city_staff)
    last = running_notice.last_day
    assert exc.value.messages[0] == f"公示期至{last.month}月{last.day}日，期满后方可审定。"


def test_refused_with_an_open_objection_and_allowed_once_dismissed(nominee, ended_notice, city_staff):
    held = objection(ended_notice, nominee)
    with pytest.raises(ValidationError) as exc:
        decide(nominee, city_staff)
    assert exc.value.messages == ["李秀英 has an objection still open."]
    nothing_written(nominee)
    held.status = Objection.Status.DISMISSED
    held.save()
    assert decide(nominee, city_staff) is not None


def test_refused_twice(nominee, city_staff):
    decide(nominee, city_staff)
    with pytest.raises(ValidationError) as exc:
        decide(nominee, city_staff, confer=False, comment="再议")
    assert exc.value.messages == ["李秀英 has already been decided."]
    assert Honour.objects.count() == 1
    assert NominationReview.objects.filter(nomination=nominee).count() == 1


@pytest.mark.parametrize("status", [Nomination.Status.VETTED, Nomination.Status.WITHDRAWN, Nomination.Status.RETURNED])
def test_refused_outside_the_notice(nominee, city_staff, status):
    Nomination.objects.filter(pk=nominee.pk).update(status=status)
    with pytest.raises(ValidationError, match="only a nominee in the public notice"):
        decide(nominee, city_staff)
    assert not Honour.objects.exists()


def test_only_the_organisers_staff_decide(nominee, organiser, other_district_staff, clerk1):
    for user in (organiser, other_district_staff, clerk1):  # district 1's staff run the first review only
        with pytest.raises(PermissionDenied):
            decide(nominee, user)
    assert not Honour.objects.exists()


def test_the_document_is_required(nominee, city_staff):
    with pytest.raises(ValidationError) as exc:
        nomination_decide(
            nomination=nominee,
            confer=True,
            document_number=" ",
            conferring_body="",
            decided_on=timezone.localdate() + datetime.timedelta(days=2),
            by=city_staff,
        )
    assert set(exc.value.message_dict) == {"document_number", "decided_on"}  # the body: the round's
    nothing_written(nominee)


# --- conferring ---------------------------------------------------------------------------------------
def test_confer_creates_the_honour_from_the_nominee(nominee, honour_round, tree, city_staff, clerk1):
    honour = decide(nominee, city_staff, comment="同意")
    assert honour.number == "RY2026-00001"
    assert (honour.holder_name, honour.sex, honour.birth_date) == ("李秀英", "F", datetime.date(1985, 6, 1))
    assert (honour.unit_name, honour.post) == (nominee.unit_name, "数控车工")
    assert honour.union == tree["g1"] and honour.kind == nominee.kind
    assert (honour.round, honour.nomination, honour.year, honour.level) == (honour_round, nominee, 2026, "city")
    assert (honour.document_number, honour.conferring_body, honour.decided_on) == (
        DOC,
        "市总工会",
        datetime.date(2026, 7, 1),
    )
    assert honour.person_key == hashlib.sha256("李秀英|1985-06-01".encode()).hexdigest()
    nominee.refresh_from_db()
    assert nominee.status == Nomination.Status.AWARDED
    review = NominationReview.objects.get(nomination=nominee)
    assert (review.stage, review.outcome, review.comment, review.by) == ("decision", "passed", "同意", city_staff)
    event = AuditEvent.objects.get(action=kinds.NOMINATION_AWARDED)
    assert event.target_id == str(nominee.pk) and event.detail["number"] == "RY2026-00001"
    assert Notification.objects.filter(recipient=clerk1, kind=kinds.NOMINATION_AWARDED).count() == 1
    honour_round.refresh_from_db()
    assert honour_round.status == Round.Status.DECIDED  # its only nomination is final


def test_a_members_person_key_and_the_next_number(honour_round, ended_notice, tree, clerk1, city_staff):
    HonourFactory(union=tree["g1"], created_by=city_staff, year=2026, number="RY2026-00007")
    HonourFactory(union=tree["g1"], created_by=city_staff, year=2025, number="RY2025-00031")
    member = make_member(tree["g1"])
    nomination = in_notice(
        honour_round, ended_notice, tree["g1"], tree["d1"], clerk1, member=member, nominee_name=member.name
    )
    honour = decide(nomination, city_staff)
    assert honour.person_key == f"m{member.pk}"
    assert honour.member == member
    assert honour.number == "RY2026-00008"


def test_not_conferring_rejects_with_the_reason(nominee, city_staff):
    with pytest.raises(ValidationError, match="reason for not conferring"):
        decide(nominee, city_staff, confer=False)
    assert decide(nominee, city_staff, confer=False, comment="事迹材料不实") is None
    nominee.refresh_from_db()
    assert nominee.status == Nomination.Status.REJECTED
    review = NominationReview.objects.get(nomination=nominee)
    assert (review.stage, review.outcome, review.comment) == ("decision", "rejected", "事迹材料不实")
    assert not Honour.objects.exists()


# --- the round at once --------------------------------------------------------------------------------
@pytest.fixture
def three(honour_round, ended_notice, tree, clerk1, clerk2, city_staff):
    return [
        in_notice(honour_round, ended_notice, tree["g1"], tree["d1"], clerk1, nominee_name="甲"),
        in_notice(honour_round, ended_notice, tree["g2"], tree["d2"], clerk2, nominee_name="乙"),
        in_notice(honour_round, ended_notice, tree["g3"], tree["ind"], city_staff, nominee_name="丙"),
    ]


def bulk(round_, choices, by):
    return round_decide(
        round=round_,
        choices=choices,
        document_number=DOC,
        conferring_body="",  # the round's
        decided_on=datetime.date(2026, 7, 1),
        by=by,
    )


def test_the_round_is_decided_all_or_nothing(honour_round, ended_notice, three, city_staff):
    a, b, c = three
    objection(ended_notice, b)
    choices = [Choice(a, True), Choice(b, True), Choice(c, False, "")]
    with pytest.raises(ValidationError) as exc:
        bulk(honour_round, choices, city_staff)
    assert exc.value.messages == [
        "乙 has an objection still open.",
        "Give the reason for not conferring the honour on 丙.",
    ]
    assert not Honour.objects.exists()
    assert set(Nomination.objects.values_list("status", flat=True)) == {Nomination.Status.NOTICE}
    assert not NominationReview.objects.exists()

    Objection.objects.update(status=Objection.Status.DISMISSED)
    honours = bulk(honour_round, [Choice(a, True), Choice(b, True), Choice(c, False, "名额已满")], city_staff)
    assert [h.number for h in honours] == ["RY2026-00001", "RY2026-00002"]
    assert {h.conferring_body for h in honours} == {"市总工会"}
    assert [h.union.name for h in honours] == ["东城机械厂工会", "西城食品公司工会"]
    statuses = dict(Nomination.objects.values_list("nominee_name", "status"))
    assert statuses == {"甲": "awarded", "乙": "awarded", "丙": "rejected"}
    honour_round.refresh_from_db()
    assert honour_round.status == Round.Status.DECIDED


def test_the_round_stays_open_while_a_nominee_waits(honour_round, three, city_staff):
    a, b, c = three
    bulk(honour_round, [Choice(a, True)], city_staff)
    honour_round.refresh_from_db()
    assert honour_round.status == Round.Status.NOTICE


# --- the pages ----------------------------------------------------------------------------------------
def test_the_decision_page_lists_the_nominees_with_their_objections(
    client, honour_round, ended_notice, three, city_staff, django_assert_max_num_queries
):
    objection(ended_notice, three[1])
    client.force_login(city_staff)
    url = reverse("campaigns:round_decision", args=[honour_round.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("甲", "乙", "丙"):
        assert name in html
    assert html.count("异议未办结") == 1
    # 乙 is left for later by default; the other two are conferred.
    response = client.post(
        url,
        {
            "document_number": DOC,
            "conferring_body": "市总工会",
            "decided_on": "2026-07-01",
            f"decision-{three[0].pk}": "confer",
            f"decision-{three[1].pk}": "later",
            f"decision-{three[2].pk}": "reject",
            f"comment-{three[2].pk}": "名额已满",
        },
    )
    assert response.status_code == 302
    assert Honour.objects.count() == 1
    assert dict(Nomination.objects.values_list("nominee_name", "status")) == {
        "甲": "awarded",
        "乙": "notice",
        "丙": "rejected",
    }


def test_the_decision_page_refuses_with_the_reason(client, honour_round, ended_notice, three, city_staff):
    objection(ended_notice, three[1])
    client.force_login(city_staff)
    response = client.post(
        reverse("campaigns:round_decision", args=[honour_round.pk]),
        {
            "document_number": DOC,
            "conferring_body": "市总工会",
            "decided_on": "2026-07-01",
            **{f"decision-{n.pk}": "confer" for n in three},
        },
    )
    assert response.status_code == 400
    assert "乙尚有未办结的异议" in response.content.decode()
    assert not Honour.objects.exists()


def test_the_decision_pages_are_the_organisers(client, honour_round, nominee, organiser, other_district_staff, clerk1):
    for user in (organiser, other_district_staff, clerk1):
        client.force_login(user)
        assert client.get(reverse("campaigns:round_decision", args=[honour_round.pk])).status_code == 404, user
        assert client.get(reverse("campaigns:nomination_decide", args=[nominee.pk])).status_code == 404, user


def test_one_nominee_decided_from_their_page(client, nominee, city_staff):
    client.force_login(city_staff)
    url = reverse("campaigns:nomination_decide", args=[nominee.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"document_number": DOC, "conferring_body": "市总工会", "decided_on": "2026-07-01", "confer": "yes"}
    )
    honour = Honour.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:honour_detail", args=[honour.pk])
    response = client.post(
        url,
        {
            "document_number": DOC,
            "conferring_body": "市总工会",
            "decided_on": "2026-07-01",
            "confer": "no",
            "comment": "x",
        },
    )
    assert response.status_code == 400
    assert "李秀英已审定" in response.content.decode()


def test_the_panels(client, honour_round, nominee, city_staff):
    from django.template import Context, Template

    page = Template("{% include 'campaigns/honours/round/_decision_panel.html' %}")
    assert "panel-decision" in page.render(Context({"round": honour_round, "user": city_staff}))
    nomination_panel = Template("{% include 'campaigns/honours/nomination/_decision_panel.html' %}")
    assert reverse("campaigns:nomination_decide", args=[nominee.pk]) in nomination_panel.render(
        Context({"nomination": nominee, "user": city_staff})
    )
    decide(nominee, city_staff)
    nominee.refresh_from_db()
    html = nomination_panel.render(Context({"nomination": nominee, "user": city_staff}))
    assert "RY2026-00001" in html


def test_the_panels_on_the_shared_pages(client, honour_round, nominee, city_staff, clerk1):
    client.force_login(city_staff)
    nomination_page = reverse("campaigns:nomination_detail", args=[nominee.pk])
    assert reverse("campaigns:nomination_decide", args=[nominee.pk]) in client.get(nomination_page).content.decode()
    round_page = client.get(reverse("campaigns:round_detail", args=[honour_round.pk])).content.decode()
    assert reverse("campaigns:round_decision", args=[honour_round.pk]) in round_page
    honour = decide(nominee, city_staff)
    client.force_login(clerk1)  # the nominating union's clerk sees the honour, not the decision's buttons
    html = client.get(nomination_page).content.decode()
    assert honour.number in html and reverse("campaigns:honour_certificate", args=[honour.pk]) in html
