"""The public notice and objections through their pages: what the public sees (and never sees), the
SMS-confirmed objection form and its throttles, the register for the organiser's staff only, and the
publishing page's working-day preview."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import Nomination, Objection, PublicNotice, Round
from campaigns.services import objections as services
from tests.members.test_member_pages import make_member
from tests.pages import client_for, text
from unions.models import Role

from ..factories import grant, staff
from .honour_factories import NominationFactory, NoticeFactory

MOBILE = "13712345678"
OBJECTOR = "王建国"
NOMINEE_MOBILE = "13987654321"
ID_18 = re.compile(r"\d{17}[\dXx]")

pytestmark = pytest.mark.redis


def nominee(round_, tree, clerk, notice=None, **fields):
    fields.setdefault("status", Nomination.Status.NOTICE if notice else Nomination.Status.VETTED)
    return NominationFactory(
        round=round_, union=tree["g1"], first_node=tree["d1"], created_by=clerk, notice=notice, **fields
    )


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The public pages count requests per IP in the cache: each test starts with none counted (the pages
    tests before it, browser journeys included, come from the same address)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def notice(honour_round, tree, clerk1, city_staff):
    """A notice running today, with a member nominee (birth date, mobile, ID on record) and a named one."""
    today = timezone.localdate()
    notice = NoticeFactory(
        round=honour_round,
        published_by=city_staff,
        published_on=today - dt.timedelta(days=1),
        first_day=today - dt.timedelta(days=1),
        last_day=today + dt.timedelta(days=6),
        contact="市总工会劳模办 010-65001234",
    )
    member = make_member(tree["g1"], name="李秀英", mobile=NOMINEE_MOBILE, birth_date=dt.date(1985, 6, 1))
    nominee(honour_round, tree, clerk1, notice, member=member, nominee_name="李秀英", deeds="扎根一线二十年。" * 40)
    nominee(honour_round, tree, clerk1, notice, nominee_name="张国强", sex="M", post="高级技师")
    return notice


def public_url(notice) -> str:
    return reverse("campaigns:public_notice", args=[notice.token])


def form_url(notice) -> str:
    return reverse("campaigns:objection_form", args=[notice.token])


def code_url(notice) -> str:
    return reverse("campaigns:objection_code", args=[notice.token])


def objection_data(nomination, code="", **extra):
    data = {
        "name": OBJECTOR,
        "mobile": MOBILE,
        "nomination": str(nomination.pk),
        "facts": "该同志曾受处分。",
        "code": code,
    }
    data.update(extra)
    return data


def ask_code(client, notice, nomination, sms_outbox, mobile=MOBILE) -> str:
    page = client.post(code_url(notice), objection_data(nomination, mobile=mobile))
    assert page.status_code == 200, text(page)
    assert 'id="code-sent"' in text(page)
    return re.search(r"\b(\d{6})\b", sms_outbox[-1][1]).group(1)


def object_to(notice, nomination, sms_outbox, client=None):
    client = client or client_for()
    code = ask_code(client, notice, nomination, sms_outbox)
    return client.post(form_url(notice), objection_data(nomination, code))


# --- the public page ----------------------------------------------------------------------------------
def test_the_public_page_lists_only_the_allowed_fields(notice):
    page = client_for().get(public_url(notice))
    assert page.status_code == 200
    body = text(page)
    member_nominee = notice.nominations.get(nominee_name="李秀英")
    for shown in ("李秀英", "张国强", "高级技师", "劳动模范", member_nominee.unit_name, "市总工会劳模办 010-65001234"):
        assert shown in body
    assert "扎根一线二十年。" * 5 in body and "扎根一线二十年。" * 40 not in body  # a summary of the deeds
    member = member_nominee.member
    for hidden in ("1985-06-01", "1985年6月1日", "19850601", NOMINEE_MOBILE, member.mobile_masked, member.id_masked):
        assert hidden not in body
    assert not ID_18.search(body)
    assert 'id="object-link"' in body
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    # the objection form (its nominee choices) holds no more than names and units either
    form = text(client_for().get(form_url(notice)))
    assert "李秀英" in form and member_nominee.unit_name in form
    for hidden in ("1985-06-01", "1985年6月1日", NOMINEE_MOBILE, member.mobile_masked, member.id_masked, "高级技师"):
        assert hidden not in form
    assert not ID_18.search(form)


def test_the_objection_form_works_with_csrf_enforced(notice, sms_outbox):
    client = client_for(csrf=True)
    client.get(form_url(notice))
    token = client.cookies["csrftoken"].value
    target = notice.nominations.first()
    assert client.post(code_url(notice), objection_data(target)).status_code == 403
    page = client.post(code_url(notice), {**objection_data(target), "csrfmiddlewaretoken": token})
    assert page.status_code == 200
    code = re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)
    page = client.post(form_url(notice), {**objection_data(target, code), "csrfmiddlewaretoken": token})
    assert page.status_code == 200 and Objection.objects.count() == 1


def test_the_dates_read_as_a_federation_writes_them(honour_round, city_staff):
    notice = NoticeFactory(
        round=honour_round,
        published_by=city_staff,
        published_on=dt.date(2026, 9, 30),
        first_day=dt.date(2026, 9, 30),
        last_day=dt.date(2026, 10, 12),
    )
    body = text(client_for(english=False).get(public_url(notice)))
    assert "公示期：2026年9月30日至10月12日（5个工作日）" in body
    assert "公示已结束" in body
    assert 'id="object-link"' not in body


def test_an_unknown_token_is_the_ordinary_404(notice):
    # A token one character off (the last character of a URL-safe token is often "A": never the same one).
    near = notice.token[:-1] + ("B" if notice.token.endswith("A") else "A")
    for token in ("nope", near, "x" * 200):
        assert client_for().get(reverse("campaigns:public_notice", args=[token])).status_code == 404
        assert client_for().get(reverse("campaigns:objection_form", args=[token])).status_code == 404


def test_the_public_page_is_throttled_per_ip(notice, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "notice_public": "2/m/ip"}
    client = client_for()
    assert [client.get(public_url(notice)).status_code for _ in range(3)] == [200, 200, 429]


def test_the_public_page_reads_a_fixed_number_of_queries(
    notice, honour_round, tree, clerk1, django_assert_max_num_queries
):
    for _ in range(103):
        nominee(honour_round, tree, clerk1, notice)
    with django_assert_max_num_queries(4):
        page = client_for().get(public_url(notice))
    assert page.status_code == 200 and text(page).count("劳动模范</span>") == 100
    second = text(client_for().get(public_url(notice), {"page": 2}))
    assert second.count("劳动模范</span>") == 5 and "105." in second


def test_the_notice_page_for_staff_is_paged_in_a_fixed_number_of_queries(
    notice, honour_round, tree, clerk1, city_staff, django_assert_max_num_queries
):
    for _ in range(40):
        nominee(honour_round, tree, clerk1, notice)
    client = client_for(city_staff)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("campaigns:notice_detail", args=[notice.pk]))
    assert page.status_code == 200 and text(page).count('href="/campaigns/honours/nominations/') == 30


# --- objecting ----------------------------------------------------------------------------------------
def test_an_objector_objects_with_the_code_from_the_text_message(notice, sms_outbox):
    target = notice.nominations.first()
    page = object_to(notice, target, sms_outbox)
    assert page.status_code == 200
    assert 'id="objection-done"' in text(page) and 'id="late-note"' not in text(page)
    objection = Objection.objects.get()
    assert (objection.nomination, objection.objector_name, objection.late) == (target, OBJECTOR, False)
    assert sms_outbox[-1][0] == MOBILE


def test_no_code_or_a_wrong_code_is_refused_keeping_what_was_typed(notice, sms_outbox):
    client = client_for()
    target = notice.nominations.first()
    page = client.post(form_url(notice), objection_data(target))
    assert page.status_code == 400 and "Enter the code sent to your mobile." in text(page)
    code = ask_code(client, notice, target, sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    page = client.post(form_url(notice), objection_data(target, wrong))
    assert page.status_code == 400
    assert "The code is not right: check the text message." in text(page) and "该同志曾受处分。" in text(page)
    assert client.post(form_url(notice), objection_data(target, code)).status_code == 200
    page = client.post(form_url(notice), objection_data(target, code))  # the same code again
    assert page.status_code == 400 and "The code has expired or was never sent" in text(page)
    assert Objection.objects.count() == 1


def test_a_nominee_not_in_the_notice_is_refused(notice, honour_round, tree, clerk1, sms_outbox):
    outsider = nominee(honour_round, tree, clerk1, nominee_name="不在公示的人")
    client = client_for()
    code = ask_code(client, notice, notice.nominations.first(), sms_outbox)
    page = client.post(form_url(notice), objection_data(outsider, code))
    assert page.status_code == 400
    assert "Choose one of the nominees listed in this notice." in text(page)
    assert "不在公示的人" not in text(page)
    assert not Objection.objects.exists()


def test_empty_facts_are_refused(notice, sms_outbox):
    client = client_for()
    target = notice.nominations.first()
    code = ask_code(client, notice, target, sms_outbox)
    page = client.post(form_url(notice), objection_data(target, code, facts=""))
    assert page.status_code == 400 and "State the facts of your objection." in text(page)


def test_codes_are_throttled_per_mobile(notice, sms_outbox):
    target = notice.nominations.first()
    ask_code(client_for(), notice, target, sms_outbox)
    page = client_for().post(code_url(notice), objection_data(target))
    assert page.status_code == 429
    assert len(sms_outbox) == 1


def test_codes_are_throttled_per_ip(notice, sms_outbox, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "objection_code": "3/m/ip"}
    client = client_for()
    target = notice.nominations.first()
    answers = [
        client.post(code_url(notice), objection_data(target, mobile=f"1391234560{i}")).status_code for i in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    assert len(sms_outbox) == 3


def test_posting_objections_is_throttled_per_ip(notice, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "objection_submit": "2/m/ip"}
    client = client_for()
    target = notice.nominations.first()
    answers = [client.post(form_url(notice), objection_data(target, "123456")).status_code for _ in range(3)]
    assert answers == [400, 400, 429]


def test_after_the_last_day_an_objection_is_received_as_late(notice, sms_outbox):
    notice.first_day = timezone.localdate() - dt.timedelta(days=12)
    notice.last_day = timezone.localdate() - dt.timedelta(days=2)
    notice.save()
    form = client_for().get(form_url(notice))
    assert 'id="late-warning"' in text(form)
    page = object_to(notice, notice.nominations.first(), sms_outbox)
    assert 'id="late-note"' in text(page)
    assert Objection.objects.get().late


def test_the_form_says_the_same_whoever_the_nominee_is(notice, sms_outbox):
    first, second = notice.nominations.order_by("id")
    pages = []
    for target, mobile in ((first, "13800000001"), (second, "13800000002")):
        client = client_for()
        code = ask_code(client, notice, target, sms_outbox, mobile=mobile)
        page = client.post(form_url(notice), objection_data(target, code, mobile=mobile))
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text(page)))
    assert pages[0] == pages[1]


# --- the register -------------------------------------------------------------------------------------
@pytest.fixture
def objection(notice, sms_outbox):
    object_to(notice, notice.nominations.first(), sms_outbox)
    return Objection.objects.get()


def test_staff_assign_answer_and_uphold_and_the_nominee_leaves_the_public_page(objection, city_staff):
    client = client_for(city_staff)
    nominee_name = objection.nomination.nominee_name
    detail = reverse("campaigns:objection_detail", args=[objection.pk])
    page = client.post(reverse("campaigns:objection_answer", args=[objection.pk]), {"finding": "x"})
    assert page.status_code == 400  # not assigned yet
    client.post(reverse("campaigns:objection_assign", args=[objection.pk]), {"assigned_to": city_staff.pk})
    page = client.post(reverse("campaigns:objection_answer", args=[objection.pk]), {"finding": ""})
    assert page.status_code == 400 and "Write the investigation&#x27;s finding." in text(page)
    client.post(reverse("campaigns:objection_answer", args=[objection.pk]), {"finding": "反映属实。"})
    page = client.post(reverse("campaigns:objection_close", args=[objection.pk]), {"outcome": "upheld"})
    assert page.status_code == 302 and page["Location"] == detail
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD
    assert Nomination.objects.get(pk=objection.nomination_id).status == Nomination.Status.REJECTED
    public = text(client_for().get(public_url(objection.notice)))
    assert nominee_name not in public
    form = text(client_for().get(form_url(objection.notice)))
    assert nominee_name not in form


def test_the_objectors_details_are_seen_in_the_register_only(objection, city_staff, clerk1, tree):
    masked = "137****5678"
    staff_pages = [
        reverse("campaigns:notice_detail", args=[objection.notice_id]),
        reverse("campaigns:notice_create", args=[objection.notice.round_id]),
    ]
    for url in staff_pages:
        body = text(client_for(city_staff).get(url))
        assert OBJECTOR not in body and MOBILE not in body and masked not in body, url
    for url in (public_url(objection.notice), form_url(objection.notice)):
        body = text(client_for().get(url))
        assert OBJECTOR not in body and MOBILE not in body and masked not in body, url
    nomination_page = client_for(clerk1).get(reverse("campaigns:nomination_detail", args=[objection.nomination_id]))
    assert OBJECTOR not in text(nomination_page) and MOBILE not in text(nomination_page)
    # the register: the name, the mobile masked, in full on asking (recorded)
    assert OBJECTOR in text(client_for(city_staff).get(reverse("campaigns:objection_list")))
    detail = reverse("campaigns:objection_detail", args=[objection.pk])
    body = text(client_for(city_staff).get(detail))
    assert OBJECTOR in body and masked in body and MOBILE not in body
    assert not AuditEvent.objects.filter(action=kinds.OBJECTOR_VIEWED).exists()
    body = text(client_for(city_staff).post(detail, {"reveal": "1"}))
    assert MOBILE in body
    assert AuditEvent.objects.filter(action=kinds.OBJECTOR_VIEWED, actor=city_staff).count() == 1


def test_out_of_scope_staff_get_404_and_clerks_get_nothing(objection, organiser, clerk1, tree):
    urls = [
        ("get", reverse("campaigns:notice_create", args=[objection.notice.round_id])),
        ("get", reverse("campaigns:notice_detail", args=[objection.notice_id])),
        ("get", reverse("campaigns:objection_detail", args=[objection.pk])),
        ("post", reverse("campaigns:objection_detail", args=[objection.pk])),
        ("post", reverse("campaigns:objection_assign", args=[objection.pk])),
        ("post", reverse("campaigns:objection_answer", args=[objection.pk])),
        ("post", reverse("campaigns:objection_close", args=[objection.pk])),
    ]
    for method, url in urls:
        assert getattr(client_for(organiser), method)(url, {"reveal": "1", "outcome": "upheld"}).status_code == 404, url
        assert getattr(client_for(clerk1), method)(url).status_code in (403, 404), url
    listing = client_for(organiser).get(reverse("campaigns:objection_list"))
    assert listing.status_code == 200 and OBJECTOR not in text(listing)
    assert client_for(clerk1).get(reverse("campaigns:objection_list")).status_code in (403, 404)
    objection.refresh_from_db()
    assert objection.status == Objection.Status.RECEIVED
    assert not AuditEvent.objects.filter(action=kinds.OBJECTOR_VIEWED).exists()


def test_the_register_is_paged_and_filtered_in_a_fixed_number_of_queries(
    notice, city_staff, django_assert_max_num_queries
):
    from members.pii import encrypt

    target = notice.nominations.first()
    Objection.objects.bulk_create(
        Objection(
            notice=notice, nomination=target, objector_name=f"异议人{i}", objector_mobile=encrypt(MOBILE), facts="事实"
        )
        for i in range(45)
    )
    client = client_for(city_staff)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("campaigns:objection_list"))
    assert text(page).count("异议人") == 30
    page = client.get(reverse("campaigns:objection_list"), {"status": "upheld"})
    assert "No objection matches." in text(page)
    page = client.get(reverse("campaigns:objection_list"), {"nomination": target.pk, "status": "open"})
    assert text(page).count("异议人") == 30


# --- publishing ---------------------------------------------------------------------------------------
def test_the_publishing_page_previews_the_dates_and_publishes(honour_round, tree, clerk1, city_staff):
    honour_round.status = Round.Status.REVIEWING
    honour_round.save(update_fields=["status"])
    chosen = [nominee(honour_round, tree, clerk1) for _ in range(2)]
    url = reverse("campaigns:notice_create", args=[honour_round.pk])
    client = client_for(city_staff)
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        page = client.post(url, {"published_on": "2026-09-30", "title": "公示", "preview": "1"})
        body = text(page)
        assert "From 2026-09-30 to 2026-10-12 (5 working days)" in body
        assert "National Day 2026-10-01 – 2026-10-07" in body and "a make-up working day for National Day" in body
        partial = client.get(url, {"published_on": "2026-09-25"}, HTTP_HX_REQUEST="true")
        assert "<html" not in text(partial) and "From 2026-09-28 to 2026-10-09" in text(partial)
        assert "Mid-Autumn Festival" in text(partial)
        assert not PublicNotice.objects.exists()
        page = client.post(
            url, {"published_on": "2026-09-30", "title": "2026年度市劳动模范拟表彰对象公示", "publish": "1"}
        )
        detail = text(client.get(page["Location"]))
    notice = PublicNotice.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("campaigns:notice_detail", args=[notice.pk])
    assert set(notice.nominations.values_list("pk", flat=True)) == {n.pk for n in chosen}
    assert notice.token in detail and "<svg" in detail


def test_a_notice_into_an_unknown_year_names_it_and_links_city_admins_to_the_calendar(
    honour_round, tree, clerk1, city_staff
):
    nominee(honour_round, tree, clerk1)
    url = reverse("campaigns:notice_create", args=[honour_round.pk])
    data = {"published_on": "2026-12-28", "title": "公示", "publish": "1"}
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        page = client_for(city_staff).post(url, data)
        assert page.status_code == 200
        assert "The working-day calendar of 2027 is not known yet" in text(page)
        assert reverse("campaigns:calendar_year", args=[2027]) not in text(page)
        grant(city_staff, tree["city"], Role.Kind.CITY_ADMIN)
        page = client_for(city_staff).post(url, data)
        assert reverse("campaigns:calendar_year", args=[2027]) in text(page)
    assert not PublicNotice.objects.exists()


# --- panels -------------------------------------------------------------------------------------------
def test_the_panels_show_to_the_organisers_staff_only(objection, city_staff, clerk1, organiser):
    round_template = Template('{% include "campaigns/honours/round/_notice_panel.html" %}')
    nomination_template = Template('{% include "campaigns/honours/nomination/_objections_panel.html" %}')
    nomination = objection.nomination
    for user, shown in ((city_staff, True), (organiser, False), (clerk1, False)):
        round_html = round_template.render(Context({"round": objection.notice.round, "user": user}))
        nomination_html = nomination_template.render(Context({"nomination": nomination, "user": user}))
        assert ('id="notice-panel"' in round_html) is shown
        assert ('id="objections-panel"' in nomination_html) is shown
    html = nomination_template.render(Context({"nomination": nomination, "user": city_staff}))
    assert "1 open objection" in html and OBJECTOR not in html


def test_staff_of_a_district_see_an_empty_register(objection, tree):
    other = staff(Role.Kind.FEDERATION_STAFF, tree["d2"], username="staff-d2-x")
    assert OBJECTOR not in text(client_for(other).get(reverse("campaigns:objection_list")))
    assert services.listed_nominations(objection.notice).count() == 2
