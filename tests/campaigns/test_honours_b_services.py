"""Nominating: drafting, the checklist's files, submitting with every reason named at once, the quota and
the exclusion rule at submit, resubmission after a return, withdrawing. A refusal writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import EvidenceItem, Nomination, NominationFile
from campaigns.services.nominations import (
    nomination_create,
    nomination_file_add,
    nomination_file_remove,
    nomination_submit,
    nomination_update,
    nomination_withdraw,
)
from unions.models import Role

from ..factories import staff
from ..members.test_admin import make_member
from .honour_factories import WORKER_PIONEER, HonourFactory, NominationFactory, honour_kind, quota, with_kinds

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _chinese():
    with override("zh-hans"):
        yield


@pytest.fixture
def open_round(honour_round):
    honour_round.nominations_close = timezone.localdate() + datetime.timedelta(days=10)
    honour_round.save(update_fields=["nominations_close"])
    return honour_round


@pytest.fixture
def draft(open_round, nomination):
    nomination.round = open_round
    return nomination


def complete(nomination, by):
    """Every file the nomination needs: one per checklist line, the minutes and the unit's notice."""
    for item in EvidenceItem.objects.filter(kind=nomination.kind):
        nomination_file_add(nomination=nomination, purpose="evidence", item=item, upload=pdf(), by=by)
    nomination_file_add(nomination=nomination, purpose="minutes", item=None, upload=pdf("记录.pdf"), by=by)
    nomination_file_add(nomination=nomination, purpose="unit_notice", item=None, upload=pdf("公示.pdf"), by=by)


def person(**extra):
    fields = {
        "nominee_name": "李红",
        "sex": "F",
        "birth_date": datetime.date(1986, 5, 4),
        "unit_name": "东城机械厂",
        "post": "数控车工",
        "front_line": True,
        "deeds": "带领班组攻克技术难题。",
        "review_meeting_on": datetime.date(2026, 3, 1),
        "review_attendance": 40,
        "votes_for": 38,
        "votes_against": 1,
        "votes_abstaining": 1,
        "unit_notice_from": datetime.date(2026, 3, 2),
        "unit_notice_to": datetime.date(2026, 3, 8),
    }
    return fields | extra


def test_a_clerk_drafts_a_member_with_name_sex_and_birth_date_from_the_record(open_round, tree, clerk1):
    member = make_member(tree["g1"], "王小红")
    nomination = nomination_create(
        round=open_round,
        union=tree["g1"],
        kind=honour_kind(),
        by=clerk1,
        **person(member=member, nominee_name="别的名字", sex="M", birth_date=datetime.date(1990, 1, 1)),
    )
    assert (nomination.nominee_name, nomination.sex, nomination.birth_date) == (
        member.name,
        member.sex,
        member.birth_date,
    )
    assert nomination.status == Nomination.Status.DRAFT
    assert nomination.woman == (member.sex == "F")
    assert AuditEvent.objects.filter(action=kinds.NOMINATION_CREATED, target_id=str(nomination.pk)).exists()


def test_votes_above_attendance_and_a_notice_ending_before_it_starts_are_refused(open_round, tree, clerk1):
    with pytest.raises(ValidationError) as caught:
        nomination_create(
            round=open_round,
            union=tree["g1"],
            kind=honour_kind(),
            by=clerk1,
            **person(
                votes_for=30,
                votes_against=8,
                votes_abstaining=5,
                unit_notice_to=datetime.date(2026, 3, 1),
                deeds="字" * 2001,
            ),
        )
    errors = caught.value.message_dict
    assert errors["votes_for"] == ["计票 43 张，但到会仅 40 人。"]
    assert errors["unit_notice_to"] == ["单位公示的结束日期不能早于开始日期。"]
    assert "事迹请控制在 2000 字以内（现 2001 字）。" in errors["deeds"]
    assert not Nomination.objects.exists()


def test_another_unions_member_and_a_team_without_size_are_refused(open_round, tree, clerk1):
    outsider = make_member(tree["g2"], "赵六")
    with pytest.raises(ValidationError) as caught:
        nomination_create(round=open_round, union=tree["g1"], kind=honour_kind(), by=clerk1, **person(member=outsider))
    assert caught.value.message_dict["member"] == [f"赵六 不是 {tree['g1'].name} 的会员。"]
    with_kinds(open_round, WORKER_PIONEER)
    with pytest.raises(ValidationError) as caught:
        nomination_create(
            round=open_round,
            union=tree["g1"],
            kind=honour_kind(WORKER_PIONEER),
            by=clerk1,
            nominee_name="数控一班",
            deeds="班组事迹",
        )
    assert caught.value.message_dict["team_size"] == ["请填写班组人数，至少为1。"]
    assert not Nomination.objects.exists()


def test_a_clerk_of_another_union_may_not_nominate_for_it(open_round, tree, clerk2):
    with pytest.raises(ValidationError, match="您不能在本次评选中为该工会推荐。"):
        nomination_create(round=open_round, union=tree["g1"], kind=honour_kind(), by=clerk2, **person())
    assert not Nomination.objects.exists()


def test_nominations_closed_refuses_a_draft(honour_round, tree, clerk1):
    with pytest.raises(ValidationError, match="推荐已于 2026-03-31 截止。"):
        nomination_create(round=honour_round, union=tree["g1"], kind=honour_kind(), by=clerk1, **person())


def test_submit_names_every_missing_thing_at_once_and_writes_nothing(draft, clerk1):
    draft.review_meeting_on = None
    draft.unit_notice_from = None
    draft.save(update_fields=["review_meeting_on", "unit_notice_from"])
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        nomination_submit(nomination=draft, by=clerk1)
    assert caught.value.messages == [
        "缺少：推荐审批表（盖章）、个人先进事迹材料、近两年荣誉证书复印件、所在单位意见。",
        "请填写民主评议：会议日期、到会人数及赞成、反对、弃权票数。",
        "请上传民主评议会议记录。",
        "请填写单位公示的起止日期。",
        "请上传单位公示无异议证明。",
    ]
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_at, draft.first_node_id) == (
        Nomination.Status.DRAFT,
        None,
        draft.first_node_id,
    )
    assert AuditEvent.objects.count() == events


def test_submit_with_one_checklist_line_missing_names_only_it(draft, clerk1):
    complete(draft, clerk1)
    NominationFile.objects.filter(nomination=draft, item__label="所在单位意见").delete()
    with pytest.raises(ValidationError) as caught:
        nomination_submit(nomination=draft, by=clerk1)
    assert caught.value.messages == ["缺少：所在单位意见。"]


def test_a_complete_nomination_goes_to_its_district_first_review(draft, tree, clerk1):
    draft.first_node = None
    draft.save(update_fields=["first_node"])
    complete(draft, clerk1)
    nomination = nomination_submit(nomination=draft, by=clerk1)
    assert nomination.status == Nomination.Status.SUBMITTED
    assert nomination.first_node == tree["d1"]
    assert nomination.submitted_at is not None
    assert AuditEvent.objects.filter(action=kinds.NOMINATION_SUBMITTED, target_id=str(draft.pk)).exists()


def test_the_organisers_own_nomination_goes_straight_to_the_second_review(open_round, tree, city_staff):
    nomination = NominationFactory(round=open_round, union=tree["city"], first_node=None, created_by=city_staff)
    complete(nomination, city_staff)
    nomination = nomination_submit(nomination=nomination, by=city_staff)
    assert (nomination.status, nomination.first_node) == (Nomination.Status.FORWARDED, None)


def test_submit_over_the_quota_is_refused(draft, tree, clerk1, city_staff):
    quota(draft.round, tree["d1"], draft.kind, 1, city_staff)
    NominationFactory(
        round=draft.round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        status=Nomination.Status.SUBMITTED,
        nominee_name="张三",
    )
    complete(draft, clerk1)
    with pytest.raises(ValidationError) as caught:
        nomination_submit(nomination=draft, by=clerk1)
    assert caught.value.messages == ["东城区总工会的劳动模范名额为1个，已推荐1个，不能再报送。"]
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.DRAFT


def test_the_same_honour_within_five_years_excludes_and_six_years_ago_does_not(draft, tree, clerk1, city_staff):
    complete(draft, clerk1)
    honour = HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        holder_name=draft.nominee_name,
        birth_date=draft.birth_date,
        year=2021,
        number="RY2021-00001",
    )
    with pytest.raises(ValidationError) as caught:
        nomination_submit(nomination=draft, by=clerk1)
    assert caught.value.messages == [f"{draft.nominee_name}已于 2021 年获得劳动模范，5 年内不得再次授予。"]
    honour.year = 2020
    honour.save(update_fields=["year"])
    assert nomination_submit(nomination=draft, by=clerk1).status == Nomination.Status.SUBMITTED


def test_a_revoked_honour_or_another_persons_does_not_exclude(draft, tree, clerk1, city_staff):
    complete(draft, clerk1)
    HonourFactory(
        union=tree["g1"],
        created_by=city_staff,
        holder_name=draft.nominee_name,
        birth_date=draft.birth_date,
        year=2024,
        revoked_at=timezone.now(),
    )
    HonourFactory(union=tree["g1"], created_by=city_staff, holder_name=draft.nominee_name, year=2024)
    assert nomination_submit(nomination=draft, by=clerk1).status == Nomination.Status.SUBMITTED


def test_the_same_person_alive_twice_in_a_round_is_refused(draft, tree, clerk1):
    NominationFactory(
        round=draft.round,
        union=tree["g1"],
        first_node=tree["d1"],
        created_by=clerk1,
        kind=honour_kind("五一劳动奖章"),
        status=Nomination.Status.SUBMITTED,
        nominee_name=draft.nominee_name,
        birth_date=draft.birth_date,
    )
    complete(draft, clerk1)
    with pytest.raises(ValidationError) as caught:
        nomination_submit(nomination=draft, by=clerk1)
    assert caught.value.messages == [f"{draft.nominee_name}已在本次评选中被推荐（五一劳动奖章，{tree['g1'].name}）。"]


def test_a_returned_nomination_is_corrected_and_submitted_again(draft, tree, clerk1):
    complete(draft, clerk1)
    nomination_submit(nomination=draft, by=clerk1)
    # as if the district's first review returned it
    Nomination.objects.filter(pk=draft.pk).update(
        status=Nomination.Status.RETURNED, return_reason="事迹材料过于简略，请补充。"
    )
    draft.refresh_from_db()
    nomination_update(nomination=draft, by=clerk1, deeds="补充后的事迹：主持完成三项技术革新。")
    again = nomination_submit(nomination=draft, by=clerk1)
    assert (again.status, again.return_reason, again.deeds) == (
        Nomination.Status.SUBMITTED,
        "",
        "补充后的事迹：主持完成三项技术革新。",
    )
    resubmits = AuditEvent.objects.filter(action=kinds.NOMINATION_SUBMITTED, target_id=str(draft.pk))
    assert [event.detail["resubmitted"] for event in resubmits.order_by("id")] == [False, True]


def test_a_submitted_nomination_cannot_be_changed_nor_its_files(draft, clerk1):
    complete(draft, clerk1)
    nomination_submit(nomination=draft, by=clerk1)
    with pytest.raises(ValidationError, match="该推荐当前为“初审中”，不能再修改。"):
        nomination_update(nomination=draft, by=clerk1, deeds="改动")
    with pytest.raises(ValidationError):
        nomination_file_remove(file=draft.files.first(), by=clerk1)
    assert draft.files.count() == 6


def test_files_are_checked_by_content_and_capped(draft, clerk1):
    item = EvidenceItem.objects.filter(kind=draft.kind).first()
    fake = SimpleUploadedFile("事迹.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是 PDF、Word、Excel、JPG 或 PNG 文件"):
        nomination_file_add(nomination=draft, purpose="evidence", item=item, upload=fake, by=clerk1)
    other_kind_item = EvidenceItem.objects.filter(kind=honour_kind(WORKER_PIONEER)).first()
    with pytest.raises(ValidationError):
        nomination_file_add(nomination=draft, purpose="evidence", item=other_kind_item, upload=pdf(), by=clerk1)
    for _ in range(30):
        nomination_file_add(nomination=draft, purpose="evidence", item=item, upload=pdf(), by=clerk1)
    with pytest.raises(ValidationError, match="每个推荐最多 30 个文件"):
        nomination_file_add(nomination=draft, purpose="evidence", item=item, upload=pdf(), by=clerk1)
    assert draft.files.count() == 30


def test_withdraw_before_the_notice_only(draft, clerk1, clerk2):
    with pytest.raises(PermissionDenied):
        nomination_withdraw(nomination=draft, by=clerk2)
    nomination_withdraw(nomination=draft, by=clerk1, reason="本人申请放弃")
    draft.refresh_from_db()
    assert draft.status == Nomination.Status.WITHDRAWN
    event = AuditEvent.objects.get(action=kinds.NOMINATION_WITHDRAWN)
    assert event.detail == {"from": "draft", "reason": "本人申请放弃"}
    Nomination.objects.filter(pk=draft.pk).update(status=Nomination.Status.NOTICE)
    with pytest.raises(ValidationError, match="不能再撤回"):
        nomination_withdraw(nomination=draft, by=clerk1)


def test_district_staff_over_the_union_may_nominate_for_it(open_round, tree):
    district = staff(Role.Kind.FEDERATION_STAFF, tree["d1"])
    nomination = nomination_create(round=open_round, union=tree["g1"], kind=honour_kind(), by=district, **person())
    assert nomination.union == tree["g1"]
