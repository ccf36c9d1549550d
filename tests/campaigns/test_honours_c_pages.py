"""The review pages: the reviewer's queues, a level's decision from the nomination page's panel, forwarding a
level's list with its ratio and quota tables, joint vetting (opinions, the letter's conclusion only, files,
override), the round page's panel; 404 for everyone out of scope; query counts on the lists."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from campaigns.models import Forwarding, Nomination
from campaigns.services.reviews import list_forward, nomination_review
from integrity.models import OpinionLetter

from ..cadres.factories import CadreFactory
from .honour_factories import RoundFactory, honour_kind, quota, with_kinds
from .test_honours_c_services import PDF, issue_letter, submitted

S = Nomination.Status


def client_of(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def d1_staff(organiser):
    return organiser


def vetting_nomination(round_, tree, clerk1, d1_staff, city_staff, **fields):
    nomination = submitted(round_, tree["g1"], tree["d1"], clerk1, **fields)
    nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    list_forward(round=round_, node=tree["d1"], by=d1_staff)
    nomination.refresh_from_db()
    nomination_review(nomination=nomination, outcome="passed", by=city_staff)
    nomination.refresh_from_db()
    return nomination


# --- the queues -------------------------------------------------------------------------------------------
def test_review_list_tabs_counts_filters_and_query_count(
    honour_round, tree, clerk1, clerk2, d1_staff, city_staff, django_assert_max_num_queries
):
    for n in range(35):
        submitted(honour_round, tree["g1"], tree["d1"], clerk1, nominee_name=f"东城候选{n:02d}")
    submitted(honour_round, tree["g2"], tree["d2"], clerk2, nominee_name="西城候选")
    passed = submitted(honour_round, tree["g1"], tree["d1"], clerk1, nominee_name="已通过者")
    nomination_review(nomination=passed, outcome="passed", by=d1_staff)
    client = client_of(d1_staff)
    url = reverse("campaigns:review_list")
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "东城候选00" in page and "东城候选34" not in page  # 30 a page, oldest first
    assert "西城候选" not in page  # d2's first review
    assert 'data-tab="first">First review <span class="badge text-bg-light">35</span>' in page
    assert 'data-tab="forward">To be forwarded <span class="badge text-bg-secondary">1</span>' in page
    with django_assert_max_num_queries(15):
        forward = client.get(url, {"tab": "forward"}).content.decode()
    assert "东城区总工会" in forward
    assert f"{reverse('campaigns:round_forward', args=[honour_round.pk])}?node={tree['d1'].pk}" in forward
    second = client.get(url, {"tab": "second"}).content.decode()
    assert "No nomination is waiting for your second review." in second

    other_round = with_kinds(RoundFactory(organiser=tree["city"], created_by=city_staff, title="另一评选"))
    submitted(other_round, tree["g1"], tree["d1"], clerk1, nominee_name="另一轮候选", kind=honour_kind("五一劳动奖章"))
    filtered = client.get(url, {"round": other_round.pk}).content.decode()
    assert "另一轮候选" in filtered and "东城候选00" not in filtered
    by_kind = client.get(url, {"kind": honour_kind("五一劳动奖章").pk}).content.decode()
    assert "另一轮候选" in by_kind and "东城候选00" not in by_kind

    # the city sees the second review and vetting of its round; its first review covers every level
    city = client_of(city_staff).get(url, {"page": 2}).content.decode()
    assert 'First review <span class="badge text-bg-light">37</span>' in city and "西城候选" in city


def test_review_list_empty_and_404_for_people_without_a_review(tree, clerk1, district_leader, d1_staff):
    page = client_of(d1_staff).get(reverse("campaigns:review_list")).content.decode()
    assert "No nomination is waiting for your first review." in page
    for user in (clerk1, district_leader):
        assert client_of(user).get(reverse("campaigns:review_list")).status_code == 404
    assert Client().get(reverse("campaigns:review_list")).status_code == 302  # to sign in


def test_review_list_in_chinese(honour_round, tree, clerk1, d1_staff):
    submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    page = client_of(d1_staff, "zh-hans").get(reverse("campaigns:review_list")).content.decode()
    assert "初审" in page and "复审" in page and "联审" in page and "待上报" in page


# --- a level's decision ----------------------------------------------------------------------------------
def test_the_review_panel_and_its_decisions(honour_round, tree, clerk1, d1_staff, other_district_staff):
    nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    template = Template("{% include 'campaigns/honours/nomination/_review_panel.html' %}")

    def panel(user):
        return template.render(Context({"nomination": nomination, "user": user}))

    shown = panel(d1_staff)
    assert reverse("campaigns:nomination_review", args=[nomination.pk]) in shown
    assert 'name="outcome" value="passed"' in shown and 'name="outcome" value="returned"' in shown
    assert panel(clerk1).strip() == "" and panel(other_district_staff).strip() == ""

    url = reverse("campaigns:nomination_review", args=[nomination.pk])
    client = client_of(d1_staff)
    refused = client.post(url, {"outcome": "returned", "comment": "", "status": S.SUBMITTED}, follow=False)
    assert refused.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED and not nomination.reviews.exists()

    done = client.post(url, {"outcome": "returned", "comment": "请补充民主评议票数", "status": S.SUBMITTED})
    assert done.status_code == 302 and done["Location"] == reverse("campaigns:nomination_detail", args=[nomination.pk])
    nomination.refresh_from_db()
    assert nomination.status == S.RETURNED
    assert panel(d1_staff).strip() == ""  # nothing left to decide here

    # a second click on the stale page: nothing written, a clear message
    stale = client.post(url, {"outcome": "passed", "comment": "", "status": S.SUBMITTED}, follow=True)
    assert nomination.reviews.count() == 1
    assert "has moved on since the page was opened" in stale.content.decode()


def test_deciding_is_404_out_of_scope(honour_round, tree, clerk1, clerk2, d1_staff, other_district_staff):
    nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    url = reverse("campaigns:nomination_review", args=[nomination.pk])
    data = {"outcome": "passed", "status": S.SUBMITTED}
    for user in (clerk1, clerk2, other_district_staff):
        assert client_of(user).post(url, data).status_code == 404
    assert client_of(d1_staff).get(url).status_code == 405
    missing = reverse("campaigns:nomination_review", args=[nomination.pk + 1000])
    assert client_of(d1_staff).post(missing, data).status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == S.SUBMITTED


# --- forwarding -------------------------------------------------------------------------------------------
def test_forward_page_shows_quota_and_shares_and_refuses_with_every_failure(
    honour_round, tree, clerk1, d1_staff, city_staff, django_assert_max_num_queries
):
    quota(honour_round, tree["d1"], honour_kind(), 3, city_staff)
    made = []
    for n in range(4):
        nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1, nominee_name=f"候选{n}", woman=n == 0)
        nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
        made.append(nomination)
    url = reverse("campaigns:round_forward", args=[honour_round.pk])
    client = client_of(d1_staff)
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()  # one level: chosen for them
    assert "候选3" in page and "4 / 3" in page and "Woman at least 20%" in page
    woman = re.search(r'data-rule="woman-min">(.*?)</li>', page, re.S).group(1)
    assert "1 / 4 (25%)" in woman and ">met<" in woman
    assert "劳动模范 4 forwarded, quota 3" in page  # the warning before pressing
    refused = client.post(url)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "The list was not forwarded: nothing moved." in body and "劳动模范 4 forwarded, quota 3" in body
    assert not Forwarding.objects.exists()
    Nomination.objects.filter(pk=made[3].pk).update(status=S.WITHDRAWN)
    done = client.post(url)
    assert done.status_code == 302 and done["Location"].endswith(f"?node={tree['d1'].pk}")
    assert Forwarding.objects.get().count == 3
    after = client.get(done["Location"]).content.decode()
    assert "Nothing is waiting to be forwarded from this level." in after and "3 / 3" in after


def test_forward_page_in_chinese_names_the_failure(honour_round, tree, clerk1, d1_staff):
    for _ in range(5):
        nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1, woman=False)
        nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    body = client_of(d1_staff, "zh-hans").post(reverse("campaigns:round_forward", args=[honour_round.pk])).content
    page = body.decode()
    assert "名单未上报，所有推荐保持原状。" in page
    assert "女性：5人中0人，至少需要1人（20%）" in page


def test_forward_levels_and_404s(honour_round, tree, clerk1, d1_staff, city_staff, other_district_staff):
    url = reverse("campaigns:round_forward", args=[honour_round.pk])
    levels = client_of(city_staff).get(url).content.decode()  # the city forwards for any of its children
    for node in ("d1", "d2", "ind"):
        assert f"?node={tree[node].pk}" in levels
    assert client_of(d1_staff).get(url, {"node": tree["d2"].pk}).status_code == 404
    assert client_of(d1_staff).get(url, {"node": tree["s1"].pk}).status_code == 404  # not a first-review level
    assert client_of(d1_staff).post(url, {}, QUERY_STRING=f"node={tree['d2'].pk}").status_code == 404
    assert client_of(clerk1).get(url).status_code == 404
    assert client_of(d1_staff).get(reverse("campaigns:round_forward", args=[honour_round.pk + 99])).status_code == 404
    district_round = with_kinds(RoundFactory(organiser=tree["d2"], created_by=other_district_staff))
    assert client_of(d1_staff).get(reverse("campaigns:round_forward", args=[district_round.pk])).status_code == 404
    empty = client_of(d1_staff).get(url).content.decode()
    assert "Nothing is waiting to be forwarded from this level." in empty


# --- joint vetting ----------------------------------------------------------------------------------------
def test_vetting_pages_show_the_letters_conclusion_only_and_record_opinions(
    honour_round, tree, clerk1, d1_staff, city_staff, django_assert_max_num_queries
):
    cadre = CadreFactory(union=tree["g1"], name="王干部")
    nomination = vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    for n in range(5):
        vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff, nominee_name=f"联审{n}")
    letter = OpinionLetter.objects.get(cadre=cadre)
    issue_letter(letter, OpinionLetter.Conclusion.PROBLEM, remarks="秘密的备注内容")
    client = client_of(city_staff)
    with django_assert_max_num_queries(14):
        listed = client.get(reverse("campaigns:round_vetting", args=[honour_round.pk])).content.decode()
    assert "联审4" in listed and nomination.nominee_name in listed
    url = reverse("campaigns:nomination_vetting", args=[nomination.pk])
    page = client.get(url).content.decode()
    assert letter.number in page and "A problem on record" in page
    assert "秘密的备注内容" not in page
    assert "Breach of integrity discipline" not in page  # the category stays with the discipline body

    # tax: a file that is no PDF → the form says so, nothing recorded
    bad = client.post(url, {"department": "tax", "conclusion": "clear", "file": SimpleUploadedFile("a.pdf", b"hi")})
    assert bad.status_code == 400 and "is not a PDF, JPG or PNG file" in bad.content.decode()
    assert nomination.vetting_opinions.get(department="tax").conclusion == "waiting"
    for department in ("tax", "social_security", "work_safety", "environment"):
        upload = SimpleUploadedFile(f"{department}.pdf", PDF)
        response = client.post(url, {"department": department, "conclusion": "clear", "file": upload})
        assert response.status_code == 302
    client.post(url, {"department": "discipline"})
    opinion = nomination.vetting_opinions.get(department="discipline")
    assert opinion.conclusion == "problem"
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING

    tax = nomination.vetting_opinions.get(department="tax")
    file_url = reverse("campaigns:vetting_file", args=[tax.pk])
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_of(d1_staff).get(file_url).status_code == 404
    assert client_of(clerk1).get(file_url).status_code == 404

    panel = Template("{% include 'campaigns/honours/nomination/_vetting_panel.html' %}")
    assert '<span class="badge text-bg-danger">Problem on record</span>' in panel.render(
        Context({"nomination": nomination, "user": city_staff})
    )
    assert panel.render(Context({"nomination": nomination, "user": clerk1})).strip() == ""

    override = reverse("campaigns:nomination_vetting_override", args=[nomination.pk])
    assert client_of(d1_staff).post(override, {"reason": "x"}).status_code == 404
    client.post(override, {"reason": ""})
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING
    client.post(override, {"reason": "经党组研究，问题已处理完毕，同意继续推荐"})
    nomination.refresh_from_db()
    assert nomination.status == S.VETTED and nomination.reviews.last().outcome == "overridden"
    after = client.get(url).content.decode()
    assert "经党组研究" in after and 'name="conclusion"' not in after  # no more recording


def test_vetting_pages_are_404_out_of_scope(honour_round, tree, clerk1, d1_staff, city_staff, district_leader):
    nomination = vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff)
    waiting = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    urls = [
        reverse("campaigns:round_vetting", args=[honour_round.pk]),
        reverse("campaigns:nomination_vetting", args=[nomination.pk]),
    ]
    for user in (clerk1, d1_staff, district_leader):
        for url in urls:
            assert client_of(user).get(url).status_code == 404, (user, url)
    # a nomination that never reached vetting has no vetting page
    assert client_of(city_staff).get(reverse("campaigns:nomination_vetting", args=[waiting.pk])).status_code == 404
    assert client_of(city_staff).get(urls[1]).status_code == 200
    opinion = nomination.vetting_opinions.first()
    no_file = reverse("campaigns:vetting_file", args=[opinion.pk])
    assert client_of(city_staff).get(no_file).status_code == 404


def test_a_reject_from_the_vetting_page(honour_round, tree, clerk1, d1_staff, city_staff):
    nomination = vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff)
    url = reverse("campaigns:nomination_review", args=[nomination.pk])
    back = reverse("campaigns:nomination_vetting", args=[nomination.pk])
    response = client_of(city_staff).post(
        url, {"outcome": "rejected", "comment": "联审发现重大问题", "status": S.VETTING, "next": back}
    )
    assert response["Location"] == back
    nomination.refresh_from_db()
    assert nomination.status == S.REJECTED
    # an outside "next" is not followed
    other = vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff)
    response = client_of(city_staff).post(
        reverse("campaigns:nomination_review", args=[other.pk]),
        {"outcome": "rejected", "comment": "x", "status": S.VETTING, "next": "//evil.example/"},
    )
    assert response["Location"] == reverse("campaigns:nomination_detail", args=[other.pk])


# --- the round page's panel ----------------------------------------------------------------------------------
def test_the_round_panel_counts_what_waits_per_level(honour_round, tree, clerk1, clerk2, d1_staff, city_staff):
    vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff)
    submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    passed = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    nomination_review(nomination=passed, outcome="passed", by=d1_staff)
    submitted(honour_round, tree["g2"], tree["d2"], clerk2)
    template = Template("{% include 'campaigns/honours/round/_reviews_panel.html' %}")

    def panel(user):
        return template.render(Context({"round": honour_round, "user": user}))

    mine = panel(d1_staff)
    assert "东城区总工会 · First review" in mine and "西城区总工会" not in mine
    assert f"?node={tree['d1'].pk}" in mine and "Second review" not in mine
    city = panel(city_staff)
    assert "西城区总工会 · First review" in city and "1 in vetting" in city
    assert panel(clerk1).strip() == ""


def test_asking_integrity_again_from_the_vetting_page(honour_round, tree, clerk1, d1_staff, city_staff):
    cadre = CadreFactory(union=tree["g1"])
    nomination = vetting_nomination(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    url = reverse("campaigns:nomination_vetting", args=[nomination.pk])
    client = client_of(city_staff)
    assert 'name="ask_again"' not in client.get(url).content.decode()  # still waiting: nothing to ask
    OpinionLetter.objects.filter(cadre=cadre).update(status=OpinionLetter.Status.WITHDRAWN)
    assert 'name="ask_again"' in client.get(url).content.decode()
    page = client.post(url, {"ask_again": "1"}, follow=True).content.decode()
    assert "Integrity was asked again for an opinion letter." in page
    assert OpinionLetter.objects.filter(cadre=cadre, status="requested").count() == 1
    assert client_of(d1_staff).post(url, {"ask_again": "1"}).status_code == 404
