"""The approval pages: scope in every answer, oldest first, bounded queries, no full ID, nothing partial."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import kinds as accounts_kinds
from accounts.models import AuditEvent, User
from members import services
from members.id_number import parse
from members.models import Application, Member, MemberCard
from tests.pages import client_for, messages_of, text
from unions.models import Role, Union

from ..factories import UserFactory, make_child, staff
from ..factories import id_number as new_id_number

K = Union.Kind
R = Role.Kind
FULL_ID = re.compile(r"\d{17}[\dX]")

_people = itertools.count(1)


def submit(union: Union, name: str = "张三", *, days_ago: float = 0, **details) -> Application:
    worker = UserFactory(phone=f"136{next(_people):08d}")
    consent = services.consent_give(user=worker, ip=None)
    application = services.application_submit(
        applicant=worker,
        union=union,
        consent=consent,
        number=parse(new_id_number()),
        details={"name": name, "mobile": worker.phone, **details},
    )
    if days_ago:
        submitted = timezone.now() - datetime.timedelta(days=days_ago)
        Application.objects.filter(pk=application.pk).update(submitted_at=submitted)
        application.refresh_from_db()
    return application


def state() -> list:
    """Everything a refused decision must leave alone."""
    return [
        sorted(Application.objects.values_list("pk", "status", "reason", "decided_by")),
        Member.objects.count(),
        MemberCard.objects.count(),
    ]


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_lists_waiting_applications_in_scope_oldest_first(tree, clerk1):
    submit(tree["g1"], "新申请人", days_ago=1)
    submit(tree["g1"], "最早申请人", days_ago=9)
    submit(tree["g1"], "中间申请人", days_ago=4)
    submit(tree["g2"], "别的工会申请人", days_ago=20)
    decided = submit(tree["g1"], "已拒绝申请人", days_ago=30)
    services.application_reject(application=decided, by=clerk1, reason="不符合")

    response = client_for(clerk1).get(reverse("members:application_queue"))

    assert response.status_code == 200
    page = text(response)
    positions = [page.index(name) for name in ["最早申请人", "中间申请人", "新申请人"]]
    assert positions == sorted(positions)
    assert "别的工会申请人" not in page
    assert "已拒绝申请人" not in page


def test_applications_waiting_more_than_three_days_are_marked(tree, clerk1):
    late = submit(tree["g1"], "等了很久", days_ago=5)
    fresh = submit(tree["g1"], "刚刚申请", days_ago=2)

    page = text(client_for(clerk1).get(reverse("members:application_queue")))

    rows = {name: page[page.rindex("<tr", 0, page.index(name)) : page.index(name)] for name in ["等了很久", "刚刚申请"]}
    assert "table-warning" in rows["等了很久"]
    assert "table-warning" not in rows["刚刚申请"]
    assert "5 days" in page and "2 days" in page
    assert late.id_masked in page and fresh.id_masked in page


BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def submitted_at(application: Application, moment: datetime.datetime) -> None:
    Application.objects.filter(pk=application.pk).update(submitted_at=moment)


def test_an_application_from_yesterday_evening_is_a_day_old_after_midnight_in_beijing(tree, clerk1):
    # given: sent at 23:30 Beijing time, looked at at 00:30 the next day (one hour later)
    application = submit(tree["g1"], "昨晚申请人")
    submitted_at(application, datetime.datetime(2026, 3, 1, 23, 30, tzinfo=BEIJING))
    client = client_for(clerk1)

    # when
    with time_machine.travel(datetime.datetime(2026, 3, 2, 0, 30, tzinfo=BEIJING), tick=False):
        queue = text(client.get(reverse("members:application_queue")))
        detail = text(client.get(reverse("members:application_detail", args=[application.pk])))
        queue_zh = text(client_for(clerk1, english=False).get(reverse("members:application_queue")))

    # then
    assert "1 day" in queue and "Today" not in queue
    assert "waiting 1 day" in detail and "submitted today" not in detail
    assert "1天" in queue_zh and "今天" not in queue_zh


def test_an_application_from_this_morning_is_from_today_until_midnight_in_beijing(tree, clerk1):
    # given: sent at 00:10 Beijing time (the day before in UTC), looked at at 23:50 (nearly a day later)
    application = submit(tree["g1"], "今早申请人")
    submitted_at(application, datetime.datetime(2026, 3, 2, 0, 10, tzinfo=BEIJING))
    client = client_for(clerk1)

    with time_machine.travel(datetime.datetime(2026, 3, 2, 23, 50, tzinfo=BEIJING), tick=False):
        queue = text(client.get(reverse("members:application_queue")))
        detail = text(client.get(reverse("members:application_detail", args=[application.pk])))

    assert "Today" in queue and "1 day" not in queue
    assert "submitted today" in detail


def test_an_application_is_overdue_from_its_fourth_calendar_day_in_beijing(tree, clerk1):
    # given: sent late on 1 March; on 5 March just after midnight it is four calendar days old,
    # although only three days and an hour have passed
    application = submit(tree["g1"], "逾期申请人")
    submitted_at(application, datetime.datetime(2026, 3, 1, 23, 30, tzinfo=BEIJING))

    with time_machine.travel(datetime.datetime(2026, 3, 5, 0, 30, tzinfo=BEIJING), tick=False):
        page = text(client_for(clerk1).get(reverse("members:application_queue")))

    row = page[page.rindex("<tr", 0, page.index("逾期申请人")) : page.index("逾期申请人")]
    assert "table-warning" in row
    assert "4 days" in page


def test_staff_above_see_the_subtree_and_may_filter_by_union(tree, admin):
    submit(tree["g1"], "东城申请人")
    submit(tree["g2"], "西城申请人")
    client = client_for(admin)

    both = text(client.get(reverse("members:application_queue")))
    only_g2 = text(client.get(reverse("members:application_queue"), {"union": tree["g2"].pk}))

    assert "东城申请人" in both and "西城申请人" in both
    assert "西城申请人" in only_g2 and "东城申请人" not in only_g2


def test_when_many_unions_wait_the_filter_offers_federations_and_filters_their_subtree(tree, admin, monkeypatch):
    """A city's applications wait at thousands of unions: the drop-down offers the federations then,
    and choosing one shows its whole subtree. A link naming a union with waiting applications still works."""
    from members.forms.approvals import QueueFilterForm

    monkeypatch.setattr(QueueFilterForm, "UNIONS_OFFERED_MAX", 1)
    submit(tree["g1"], "东城申请人")
    submit(tree["g2"], "西城申请人")
    client = client_for(admin)

    response = client.get(reverse("members:application_queue"))
    options = re.findall(r'<option value="(\d+)"', response.content.decode())
    district = client.get(reverse("members:application_queue"), {"union": tree["d1"].pk})
    union = client.get(reverse("members:application_queue"), {"union": tree["g2"].pk})

    assert sorted(map(int, options)) == sorted(tree[k].pk for k in ("city", "d1", "d2", "ind", "s1", "s2"))
    assert "东城申请人" in text(district) and "西城申请人" not in text(district)
    assert "西城申请人" in text(union) and "东城申请人" not in text(union)


def test_a_long_queue_counts_to_the_cap_and_says_there_are_more(tree, admin, monkeypatch):
    """Counting a city's 30,000 waiting applications on every view costs more than the page: the
    count stops at the cap, the header says "more than", and the longest waiting come first."""
    from members.views import approvals

    monkeypatch.setattr(approvals, "QUEUE_COUNT_CAP", 2)
    monkeypatch.setattr(approvals, "QUEUE_PER_PAGE", 1)
    for days, name in ((3, "最早申请人"), (2, "第二申请人"), (1, "第三申请人")):
        submit(tree["g1"], name, days_ago=days)
    client = client_for(admin)

    page = text(client.get(reverse("members:application_queue")))
    district = text(client.get(reverse("members:application_queue"), {"union": tree["d1"].pk}))
    nowhere = text(client.get(reverse("members:application_queue"), {"union": tree["g2"].pk}))

    assert "More than 2 applications waiting" in page
    assert "最早申请人" in page and "第二申请人" not in page  # one a page, oldest first
    assert "1–1 of more than 2" in page
    options = re.findall(r'<option value="(\d+)"', client.get(reverse("members:application_queue")).content.decode())
    assert tree["g1"].pk not in map(int, options)  # federations are offered, not the unions
    assert tree["d1"].pk in map(int, options)
    assert "More than 2 applications waiting" in district  # g1 lies in d1: all three
    assert "No application is waiting at this union." in nowhere


def test_the_union_filter_offers_no_union_outside_the_scope(tree, clerk1):
    submit(tree["g1"], "东城申请人")
    submit(tree["g2"], "西城申请人")

    response = client_for(clerk1).get(reverse("members:application_queue"), {"union": tree["g2"].pk})

    assert response.status_code == 200
    page = text(response)
    assert "西城申请人" not in page
    assert tree["g2"].name not in page
    assert "No application is waiting at this union." in page


def test_the_queue_answers_htmx_with_its_region(tree, clerk1):
    submit(tree["g1"], "东城申请人")
    response = client_for(clerk1).get(reverse("members:application_queue"), HTTP_HX_REQUEST="true")
    page = text(response)
    assert page.lstrip().startswith('<div id="queue"')
    assert "东城申请人" in page


@pytest.mark.parametrize("kind", [R.LEADER, R.CADRE_OFFICER, R.AUDITOR])
def test_roles_without_member_data_may_not_open_the_queue(tree, kind):
    user = staff(kind, tree["city"])
    submit(tree["g1"])
    assert client_for(user).get(reverse("members:application_queue")).status_code == 403


def test_a_worker_without_a_role_may_not_open_the_queue(tree):
    assert client_for(UserFactory()).get(reverse("members:application_queue")).status_code == 403


def _queries_for_queue(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("members:application_queue"))
    assert response.status_code == 200
    return len(queries)


def test_the_queue_takes_the_same_number_of_queries_for_3_and_30_applications(tree, admin):
    client = client_for(admin)
    for i in range(3):
        submit(tree["g1" if i % 2 else "g2"], f"申请人{i}")
    few = _queries_for_queue(client)
    for i in range(3, 30):
        submit(tree["g1" if i % 2 else "g3"], f"申请人{i}")
    many = _queries_for_queue(client)
    assert few == many
    assert many <= 10


def test_the_queue_and_the_application_page_hold_no_full_id_number(tree, clerk1):
    applications = [submit(tree["g1"], f"申请人{i}") for i in range(3)]
    client = client_for(clerk1)

    pages = [text(client.get(reverse("members:application_queue")))]
    pages += [text(client.get(reverse("members:application_detail", args=[a.pk]))) for a in applications]

    for page in pages:
        assert not FULL_ID.search(page)
    for application in applications:
        number = application.reveal_id_number()
        assert all(number not in page for page in pages)


# --- one application ---------------------------------------------------------------------------


def test_the_application_page_shows_the_details_consent_and_account(tree, clerk1):
    application = submit(tree["g1"], "李四", employer_name="东城机械厂")

    page = text(client_for(clerk1).get(reverse("members:application_detail", args=[application.pk])))

    assert "李四" in page and application.id_masked in page and "东城机械厂" in page
    assert services.CONSENT_TEXT_VERSION in page
    assert application.applicant.username in page
    assert reverse("members:application_approve", args=[application.pk]) in page
    assert reverse("members:application_reject", args=[application.pk]) in page
    assert reverse("members:application_correction", args=[application.pk]) in page


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("members:application_detail", "get", {}),
        ("members:application_approve", "post", {}),
        ("members:application_reject", "get", {}),
        ("members:application_reject", "post", {"reject-reason": "不符合"}),
        ("members:application_correction", "get", {}),
        ("members:application_correction", "post", {"correction-reason": "请更正"}),
    ],
)
def test_a_clerk_of_another_union_gets_404_and_changes_nothing(tree, clerk2, name, method, data):
    application = submit(tree["g1"])
    before = state()

    response = getattr(client_for(clerk2), method)(reverse(name, args=[application.pk]), data)

    assert response.status_code == 404
    assert application.name not in text(response)
    assert state() == before


def test_approving_from_the_page_creates_the_member_and_returns_to_the_queue(tree, clerk1):
    application = submit(tree["g1"], "王五")

    response = client_for(clerk1).post(reverse("members:application_approve", args=[application.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("members:application_queue")
    member = Member.objects.get()
    assert (member.name, member.union) == ("王五", tree["g1"])
    assert f"王五 is now a member of {tree['g1'].name}." in messages_of(response)


@pytest.mark.parametrize("account_name", ["", "小王"])
def test_approval_gives_the_worker_s_account_the_name_on_the_application(tree, clerk1, account_name):
    # given a worker whose account has no name, or another one, applying as 王五
    application = submit(tree["g1"], "王五")
    worker = application.applicant
    User.objects.filter(pk=worker.pk).update(name=account_name)

    # when the clerk approves
    client_for(clerk1).post(reverse("members:application_approve", args=[application.pk]))

    # then the account bears the approved name, on the worker's pages and in the audit trail
    worker.refresh_from_db()
    assert worker.name == "王五"
    client = client_for(worker)  # signing in is audited
    for page in (text(client.get(reverse("home"))), text(client.get(reverse("accounts:inbox")))):
        assert "王五" in page
        assert not re.search(rf"(?<![\w@.-]){re.escape(worker.username)}(?![\w@.-])", page)
    signed_in = AuditEvent.objects.get(action=accounts_kinds.LOGIN, actor=worker)
    assert signed_in.actor_label.startswith("王五")


def test_approving_an_already_decided_application_says_so_and_changes_nothing(tree, clerk1):
    application = submit(tree["g1"])
    client = client_for(clerk1)
    client.post(reverse("members:application_approve", args=[application.pk]))
    before = state()

    response = client.post(reverse("members:application_approve", args=[application.pk]))

    assert response.status_code == 400
    assert "This application has already been decided or is waiting for a correction." in messages_of(response)
    assert state() == before


def test_a_double_click_on_approve_makes_one_member(tree, clerk1):
    application = submit(tree["g1"])
    client = client_for(clerk1)
    url = reverse("members:application_approve", args=[application.pk])
    statuses = [client.post(url).status_code for _ in range(2)]
    assert statuses == [302, 400]
    assert Member.objects.count() == 1 and MemberCard.objects.count() == 1


@pytest.mark.parametrize("kind", ["reject", "correction"])
def test_reject_and_correction_need_a_reason(tree, clerk1, kind):
    application = submit(tree["g1"])
    before = state()

    response = client_for(clerk1).post(
        reverse(f"members:application_{kind}", args=[application.pk]), {f"{kind}-reason": "   "}
    )

    assert response.status_code == 400
    assert "the worker will see it" in text(response)
    assert state() == before


def test_reject_from_the_page_keeps_the_reason_for_the_worker(tree, clerk1):
    application = submit(tree["g1"])
    response = client_for(clerk1).post(
        reverse("members:application_reject", args=[application.pk]), {"reject-reason": "非本单位职工"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.reason) == (Application.Status.REJECTED, "非本单位职工")


def test_correction_from_the_page_sends_the_application_back(tree, clerk1):
    application = submit(tree["g1"])
    response = client_for(clerk1).post(
        reverse("members:application_correction", args=[application.pk]), {"correction-reason": "姓名与身份证不符"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.reason) == (Application.Status.NEEDS_CORRECTION, "姓名与身份证不符")


def test_the_reject_form_of_a_decided_application_points_back_to_it(tree, clerk1):
    application = submit(tree["g1"])
    services.application_reject(application=application, by=clerk1, reason="不符合")
    response = client_for(clerk1).get(reverse("members:application_reject", args=[application.pk]))
    assert response.status_code == 302
    assert response.url == reverse("members:application_detail", args=[application.pk])


def test_a_decided_application_offers_no_decision(tree, clerk1):
    application = submit(tree["g1"])
    services.application_reject(application=application, by=clerk1, reason="不符合")
    page = text(client_for(clerk1).get(reverse("members:application_detail", args=[application.pk])))
    assert reverse("members:application_approve", args=[application.pk]) not in page
    assert "不符合" in page


def test_decisions_need_the_csrf_token(tree, clerk1):
    application = submit(tree["g1"])
    client = client_for(clerk1, csrf=True)
    response = client.post(reverse("members:application_approve", args=[application.pk]))
    assert response.status_code == 403
    assert not Member.objects.exists()


# --- platform federations: the approver places the member -----------------------------------------


def test_a_platform_application_needs_a_union_below_the_federation(tree, platform):
    street_staff = staff(R.FEDERATION_STAFF, platform)
    joint = make_child(platform, K.JOINT_UNION, "快递员联合工会")
    application = submit(platform, "骑手", employment_type="food_delivery")
    client = client_for(street_staff)
    url = reverse("members:application_approve", args=[application.pk])

    page = text(client.get(reverse("members:application_detail", args=[application.pk])))
    assert joint.name in page and tree["g1"].name in page and tree["g2"].name not in page

    missing = client.post(url, {})
    assert missing.status_code == 400
    assert not Member.objects.exists()

    client.post(url, {"union": joint.pk})
    assert Member.objects.get().union == joint


@pytest.mark.parametrize("where", ["out of scope", "in scope but elsewhere", "closed"])
def test_a_forged_target_union_is_refused_with_a_message(tree, platform, admin, where):
    street_staff = staff(R.FEDERATION_STAFF, platform)
    application = submit(platform, "骑手")
    if where == "closed":
        target = make_child(platform, K.JOINT_UNION, "已撤销联合工会")
        Union.objects.filter(pk=target.pk).update(closed_on=timezone.localdate())
    else:
        target = tree["g2"]
    # The city admin may name g2 (in their scope); the street federation's staff may not.
    user = admin if where == "in scope but elsewhere" else street_staff
    before = state()

    response = client_for(user).post(
        reverse("members:application_approve", args=[application.pk]), {"union": target.pk}
    )

    assert response.status_code == 400
    page = text(response)
    assert (
        "Choose an open grassroots or joint union below this one." in page
        or "The member must join an open grassroots or joint union below this one." in page
    )
    assert state() == before


# --- bulk approval -----------------------------------------------------------------------------


def test_bulk_approval_approves_the_ticked_and_reports_each_failure(tree, clerk1):
    good = [submit(tree["g1"], f"好申请{i}") for i in range(3)]
    decided = submit(tree["g1"], "已拒绝")
    services.application_reject(application=decided, by=clerk1, reason="不符合")

    response = client_for(clerk1).post(
        reverse("members:application_bulk_approve"),
        {"applications": [a.pk for a in [*good, decided]]},
        follow=True,
    )

    assert Member.objects.count() == 3
    shown = messages_of(response)
    assert "3 applications were approved." in shown
    assert "1 application was not approved:" in shown
    assert any(decided.id_masked in m and "已拒绝" in m and "already been decided" in m for m in shown), shown


def test_bulk_approval_with_another_unions_application_approves_nothing(tree, clerk1):
    own = [submit(tree["g1"]) for _ in range(2)]
    foreign = submit(tree["g2"])
    before = state()

    response = client_for(clerk1).post(
        reverse("members:application_bulk_approve"), {"applications": [own[0].pk, foreign.pk, own[1].pk]}, follow=True
    )

    assert state() == before
    assert "One of the ticked applications cannot be found. Nothing was approved." in messages_of(response)


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_bulk_approval_with_nonsense_approves_nothing(tree, clerk1, value):
    submit(tree["g1"])
    before = state()
    response = client_for(clerk1).post(reverse("members:application_bulk_approve"), {"applications": value})
    assert response.status_code == 302
    assert state() == before


def test_platform_applications_are_not_bulk_approved_and_the_message_says_why(tree, platform):
    street_staff = staff(R.FEDERATION_STAFF, platform)
    placed = submit(tree["g1"], "普通申请")
    to_federation = submit(platform, "骑手")

    response = client_for(street_staff).post(
        reverse("members:application_bulk_approve"), {"applications": [placed.pk, to_federation.pk]}, follow=True
    )

    assert Member.objects.get().name == "普通申请"
    to_federation.refresh_from_db()
    assert to_federation.status == Application.Status.SUBMITTED
    assert any("骑手" in m and "choose the union the member joins" in m for m in messages_of(response))


def test_the_queue_offers_no_checkbox_for_platform_applications(tree, platform):
    street_staff = staff(R.FEDERATION_STAFF, platform)
    placed = submit(tree["g1"], "普通申请")
    to_federation = submit(platform, "骑手")
    page = text(client_for(street_staff).get(reverse("members:application_queue")))
    assert f'value="{placed.pk}"' in page
    assert f'value="{to_federation.pk}"' not in page


def test_bulk_approval_returns_to_the_filtered_queue_and_htmx_gets_the_region(tree, admin):
    application = submit(tree["g1"])
    back = reverse("members:application_queue") + f"?union={tree['g1'].pk}"
    client = client_for(admin)

    response = client.post(
        reverse("members:application_bulk_approve"),
        {"applications": [application.pk], "next": back},
        HTTP_HX_REQUEST="true",
    )
    assert (response.status_code, response.url) == (302, back)

    region = text(client.get(back, HTTP_HX_REQUEST="true"))
    assert region.lstrip().startswith('<div id="queue"')
    assert "1 application was approved." in region


def test_bulk_approval_does_not_redirect_off_site(tree, clerk1):
    application = submit(tree["g1"])
    response = client_for(clerk1).post(
        reverse("members:application_bulk_approve"), {"applications": [application.pk], "next": "https://evil.example/"}
    )
    assert response.url == reverse("members:application_queue")
