"""The nominating pages: the clerk's rounds with places left, the form with a POSTed member search (no
numbers in URLs), the files page, submitting with every reason shown, the nomination page and its
downloads, 404 to another union's clerk."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import EvidenceItem, Nomination, NominationReview

from ..members.test_admin import make_member
from .honour_factories import NominationFactory, quota

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_of(user, language="zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def open_round(honour_round):
    honour_round.nominations_close = timezone.localdate() + datetime.timedelta(days=10)
    honour_round.save(update_fields=["nominations_close"])
    return honour_round


def test_home_lists_the_round_my_nominations_and_places_left(
    open_round, tree, clerk1, city_staff, django_assert_max_num_queries
):
    quota(open_round, tree["d1"], open_round.kinds.get(name="劳动模范"), 3, city_staff)
    for n in range(25):
        NominationFactory(
            round=open_round,
            union=tree["g1"],
            first_node=tree["d1"],
            created_by=clerk1,
            nominee_name=f"候选{n:02d}",
            status=Nomination.Status.SUBMITTED if n == 0 else Nomination.Status.DRAFT,
        )
    NominationFactory(
        round=open_round, union=tree["g2"], first_node=tree["d2"], created_by=city_staff, nominee_name="外区"
    )
    client = client_of(clerk1)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("campaigns:nomination_home")).content.decode()
    assert open_round.title in page
    assert reverse("campaigns:nomination_create", args=[open_round.pk]) in page
    assert "候选24" in page and "候选04" not in page  # the latest 20 of 25
    assert "共 25 个推荐，显示最近 20 个。" in page
    assert "剩余 2 个名额（东城区总工会 3 个，已用 1 个）" in page
    assert "外区" not in page


def test_home_empty_state_and_no_button_after_the_close(honour_round, tree, clerk1, clerk2):
    page = client_of(clerk1).get(reverse("campaigns:nomination_home")).content.decode()
    assert reverse("campaigns:nomination_create", args=[honour_round.pk]) not in page  # closed on 31 March
    honour_round.status = "draft"
    honour_round.save(update_fields=["status"])
    page = client_of(clerk2).get(reverse("campaigns:nomination_home")).content.decode()
    assert "目前没有面向本工会的评选。" in page


def test_nominating_a_member_found_by_a_post_search(open_round, tree, clerk1):
    wang = make_member(tree["g1"], "王小红")
    make_member(tree["g2"], "王小明")  # another union's: never offered
    client = client_of(clerk1)
    url = reverse("campaigns:nomination_create", args=[open_round.pk])
    assert client.get(url).status_code == 200
    found = client.post(
        reverse("campaigns:nomination_member_search", args=[open_round.pk]),
        {"union": tree["g1"].pk, "member_query": "王小"},
    ).content.decode()
    assert "王小红" in found and "王小明" not in found
    assert wang.mobile not in found and not re.search(r"\d{17}[\dX]", found)
    kind = open_round.kinds.get(name="劳动模范")
    response = client.post(
        url,
        {
            "union": tree["g1"].pk,
            "kind": kind.pk,
            "member": wang.pk,
            "front_line": "on",
            "deeds": "扎根一线二十年。",
            "review_meeting_on": "2026-03-01",
            "review_attendance": "30",
            "votes_for": "10",
            "votes_against": "0",
            "votes_abstaining": "0",
        },
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "campaigns:nomination_files", args=[nomination.pk]
    )
    assert (nomination.nominee_name, nomination.member, nomination.birth_date) == ("王小红", wang, wang.birth_date)
    detail = client.get(reverse("campaigns:nomination_detail", args=[nomination.pk])).content.decode()
    assert "到会 30 人，赞成仅 10 票，未超过到会人数的半数。" in detail  # a warning, not a refusal
    assert "缺少：推荐审批表（盖章）" in detail


def test_the_form_shows_the_votes_rule_and_writes_nothing(open_round, tree, clerk1):
    kind = open_round.kinds.get(name="劳动模范")
    page = (
        client_of(clerk1)
        .post(
            reverse("campaigns:nomination_create", args=[open_round.pk]),
            {
                "union": tree["g1"].pk,
                "kind": kind.pk,
                "nominee_name": "李四",
                "sex": "M",
                "birth_date": "1980-02-03",
                "deeds": "事迹",
                "review_attendance": "10",
                "votes_for": "9",
                "votes_against": "2",
            },
        )
        .content.decode()
    )
    assert "计票 11 张，但到会仅 10 人。" in page
    assert not Nomination.objects.exists()


def test_files_then_submit_with_every_reason_then_success(open_round, tree, clerk1, nomination):
    client = client_of(clerk1)
    files_url = reverse("campaigns:nomination_files", args=[nomination.pk])
    response = client.post(reverse("campaigns:nomination_submit", args=[nomination.pk]), follow=True)
    text = response.content.decode()
    assert (
        "未能报送" in text
        and "缺少：推荐审批表（盖章）、个人先进事迹材料" in text
        and "请上传民主评议会议记录。" in text
    )
    for item in EvidenceItem.objects.filter(kind=nomination.kind):
        client.post(
            files_url, {"purpose": "evidence", "item": item.pk, "upload": SimpleUploadedFile(f"{item.label}.pdf", PDF)}
        )
    bad = client.post(
        files_url, {"purpose": "minutes", "upload": SimpleUploadedFile("记录.pdf", b"GIF89a")}, follow=True
    )
    assert "不是 PDF、Word、Excel、JPG 或 PNG 文件" in bad.content.decode()
    client.post(files_url, {"purpose": "minutes", "upload": SimpleUploadedFile("记录.pdf", PDF)})
    client.post(files_url, {"purpose": "unit_notice", "upload": SimpleUploadedFile("公示.pdf", PDF)})
    assert nomination.files.count() == 6
    response = client.post(reverse("campaigns:nomination_submit", args=[nomination.pk]), follow=True)
    assert "已报送，由东城区总工会初审。" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    download = client.get(reverse("campaigns:nomination_file", args=[nomination.files.first().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_clerk_of_another_union_gets_404_everywhere(open_round, tree, clerk2, nomination, clerk1):
    attached = nomination.files.create(
        purpose="minutes",
        file=SimpleUploadedFile("x.pdf", PDF),
        original_name="x.pdf",
        size=len(PDF),
        uploaded_by=clerk1,
    )
    client = client_of(clerk2)
    for name in ("nomination_detail", "nomination_edit", "nomination_files", "nomination_withdraw"):
        assert client.get(reverse(f"campaigns:{name}", args=[nomination.pk])).status_code == 404, name
    assert client.post(reverse("campaigns:nomination_submit", args=[nomination.pk])).status_code == 404
    assert client.get(reverse("campaigns:nomination_file", args=[attached.pk])).status_code == 404
    # and g1 is not theirs to nominate for
    assert (
        client.get(reverse("campaigns:nomination_create", args=[open_round.pk]) + f"?union={tree['g1'].pk}").status_code
        == 200
    )
    page = client.post(
        reverse("campaigns:nomination_create", args=[open_round.pk]),
        {"union": tree["g1"].pk, "kind": open_round.kinds.first().pk, "nominee_name": "x", "deeds": "y"},
    ).content.decode()
    assert "请选择您在本次评选中可以推荐的工会。" in page
    assert not Nomination.objects.exclude(pk=nomination.pk).exists()


def test_the_nomination_page_shows_reviews_and_the_return_reason_and_staff_above_see_it(
    tree, nomination, clerk1, city_staff, district_staff
):
    Nomination.objects.filter(pk=nomination.pk).update(
        status=Nomination.Status.RETURNED, return_reason="请补充近两年荣誉证书。"
    )
    NominationReview.objects.create(
        nomination=nomination, stage="first", outcome="returned", comment="请补充近两年荣誉证书。", by=district_staff
    )
    page = client_of(clerk1).get(reverse("campaigns:nomination_detail", args=[nomination.pk])).content.decode()
    assert "退回原因" in page or "请补充近两年荣誉证书。" in page
    assert "重新报送" in page and "1985-06-01" in page
    assert client_of(city_staff).get(reverse("campaigns:nomination_detail", args=[nomination.pk])).status_code == 200


def test_withdrawing_from_the_page(nomination, clerk1):
    client = client_of(clerk1)
    url = reverse("campaigns:nomination_withdraw", args=[nomination.pk])
    assert "撤回推荐" in client.get(url).content.decode()
    client.post(url, {"reason": "本人放弃"})
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


def test_a_first_prize_team_is_offered_and_prefills_the_form(open_round, tree, clerk1, clerk2, organiser):
    from campaigns.services.awards import prizes_award

    from .factories import CompetitionFactory, scheme
    from .honour_factories import WORKER_PIONEER, with_kinds
    from .test_awards import ranked

    with_kinds(open_round, WORKER_PIONEER)
    contest = scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser), prizes=(("first", 1),))
    winner, _second = ranked(contest, tree["g1"], clerk1, [1, 2])
    award = next(a for a in prizes_award(competition=contest, by=organiser) if a.entry_id == winner.pk)
    client = client_of(clerk1)
    page = client.get(reverse("campaigns:nomination_candidates", args=[open_round.pk])).content.decode()
    assert winner.name in page
    assert _second.name not in page
    assert (
        "近两年竞赛中本工会没有一等奖。"
        in client_of(clerk2).get(reverse("campaigns:nomination_candidates", args=[open_round.pk])).content.decode()
    )
    url = reverse("campaigns:nomination_create", args=[open_round.pk])
    form = client.get(url, {"award": award.pk}).content.decode()
    assert f'value="{winner.name}"' in form and f'name="from_award" value="{award.pk}"' in form
    kind = open_round.kinds.get(name=WORKER_PIONEER)
    client.post(
        url,
        {
            "union": tree["g1"].pk,
            "kind": kind.pk,
            "nominee_name": winner.name,
            "team_size": "8",
            "deeds": "班组事迹",
            "from_award": award.pk,
        },
    )
    nomination = Nomination.objects.get()
    assert (nomination.from_award, nomination.team_size, nomination.member) == (award, 8, None)
    again = client.get(reverse("campaigns:nomination_candidates", args=[open_round.pk])).content.decode()
    assert winner.name not in again  # taken up: not offered twice


def test_a_returned_nomination_is_changed_on_its_form_and_a_submitted_one_is_not(nomination, clerk1):
    Nomination.objects.filter(pk=nomination.pk).update(
        status=Nomination.Status.RETURNED, return_reason="请补充技术革新成果。"
    )
    client = client_of(clerk1)
    url = reverse("campaigns:nomination_edit", args=[nomination.pk])
    form = client.get(url).content.decode()
    assert "请补充技术革新成果。" in form and nomination.deeds in form
    fields = {
        "nominee_name": nomination.nominee_name,
        "sex": "F",
        "birth_date": "1985-06-01",
        "unit_name": nomination.unit_name,
        "front_line": "on",
        "deeds": "补充：主持完成三项技术革新。",
        "review_meeting_on": "2026-03-01",
        "review_attendance": "45",
        "votes_for": "43",
        "votes_against": "1",
        "votes_abstaining": "1",
        "unit_notice_from": "2026-03-02",
        "unit_notice_to": "2026-03-06",
        "union": "999999",  # not a field of the edit form: ignored
    }
    assert client.post(url, fields).status_code == 302
    nomination.refresh_from_db()
    assert nomination.deeds == "补充：主持完成三项技术革新。" and nomination.union.name == "东城机械厂工会"
    Nomination.objects.filter(pk=nomination.pk).update(status=Nomination.Status.SUBMITTED)
    response = client.post(url, fields | {"deeds": "再改"}, follow=True)
    assert "该推荐当前为“初审中”，不能再修改。" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.deeds == "补充：主持完成三项技术革新。"
