"""Review level by level (issue 17 §4): the first and second review, forwarding a level's list with the
structural-ratio and quota check, joint vetting with integrity's opinion letters, returns, rejections,
the override; each refused move writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from campaigns import honour_selectors, kinds
from campaigns.models import EvidenceItem, Forwarding, Nomination, NominationFile, NominationReview, VettingOpinion
from campaigns.services.nominations import nomination_submit
from campaigns.services.reviews import list_forward, nomination_review
from campaigns.services.vetting import vetting_override, vetting_record, vetting_start
from integrity.models import OpinionLetter

from ..cadres.factories import CadreFactory
from .honour_factories import MAY_DAY_MEDAL, NominationFactory, RoundFactory, honour_kind, quota, with_kinds

S = Nomination.Status
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def d1_staff(organiser):
    """Federation staff of 东城区 (d1): the first review of g1's nominations."""
    return organiser


def submitted(round_, union, first_node, by, **fields):
    fields.setdefault("status", S.SUBMITTED)
    fields.setdefault("submitted_at", timezone.now())
    return NominationFactory(round=round_, union=union, first_node=first_node, created_by=by, **fields)


def with_files(nomination, by):
    """The checklist's files, the minutes and the unit's notice: what submitting asks for."""
    files = [
        NominationFile(nomination=nomination, purpose="minutes"),
        NominationFile(nomination=nomination, purpose="unit_notice"),
    ]
    files += [
        NominationFile(nomination=nomination, purpose="evidence", item=item)
        for item in EvidenceItem.objects.filter(kind=nomination.kind, required=True)
    ]
    for upload in files:
        upload.original_name, upload.size, upload.uploaded_by = "材料.pdf", len(PDF), by
        upload.file.save("材料.pdf", ContentFile(PDF), save=True)
    return nomination


def clear_all(nomination, by, skip=()):
    for department in VettingOpinion.Department.values:
        if department not in skip:
            vetting_record(nomination=nomination, department=department, conclusion="clear", by=by)


def issue_letter(letter, conclusion=OpinionLetter.Conclusion.NO_PROBLEM, **fields):
    today = timezone.localdate()
    values = {
        "status": OpinionLetter.Status.ISSUED,
        "conclusion": conclusion,
        "problem_category": "integrity" if conclusion == OpinionLetter.Conclusion.PROBLEM else "",
        "as_of": today,
        "valid_until": today + datetime.timedelta(days=90),
        "sequence_year": today.year,
        "sequence": letter.pk,
        "number": f"廉意〔{today.year}〕{letter.pk}号",
    }
    values.update(fields)
    OpinionLetter.objects.filter(pk=letter.pk).update(**values)


def test_the_whole_chain_from_submitted_to_vetted(honour_round, tree, clerk1, d1_staff, city_staff):
    nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    assert nomination in honour_selectors.first_review_queue(d1_staff)

    first = nomination_review(nomination=nomination, outcome="passed", comment="", by=d1_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.FIRST_PASSED and first.stage == "first" and first.by == d1_staff

    forwarding = list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.FORWARDED
    assert (forwarding.count, forwarding.node, forwarding.by) == (1, tree["d1"], d1_staff)
    assert nomination in honour_selectors.organiser_queue(city_staff, S.FORWARDED)
    assert nomination not in honour_selectors.organiser_queue(d1_staff, S.FORWARDED)

    nomination_review(
        nomination=nomination, outcome="passed", comment="事迹突出", by=city_staff, expected_status=S.FORWARDED
    )
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING
    opinions = list(nomination.vetting_opinions.all())
    assert sorted(o.department for o in opinions) == sorted(VettingOpinion.Department.values)
    assert {o.conclusion for o in opinions} == {"waiting"} and not any(o.opinion_letter_id for o in opinions)

    clear_all(nomination, city_staff, skip=("environment",))
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING  # one department still to come
    vetting_record(
        nomination=nomination,
        department="environment",
        conclusion="clear",
        note="无环境违法记录",
        upload=SimpleUploadedFile("生态环境局复函.pdf", PDF),
        by=city_staff,
    )
    nomination.refresh_from_db()
    assert nomination.status == S.VETTED
    history = list(nomination.reviews.values_list("stage", "outcome"))
    assert history == [("first", "passed"), ("second", "passed"), ("vetting", "passed")]
    environment = nomination.vetting_opinions.get(department="environment")
    assert environment.original_name == "生态环境局复函.pdf" and environment.file.read() == PDF
    actions = list(AuditEvent.objects.filter(target_id=str(nomination.pk)).values_list("action", flat=True))
    assert actions.count(kinds.NOMINATION_REVIEWED) == 3
    assert AuditEvent.objects.filter(action=kinds.LIST_FORWARDED, detail__count=1).exists()


def test_returns_at_each_level_and_resubmission_reach_the_first_review_again(
    honour_round, tree, clerk1, d1_staff, city_staff
):
    honour_round.nominations_close = timezone.localdate() + datetime.timedelta(days=30)
    honour_round.save(update_fields=["nominations_close"])
    nomination = with_files(
        NominationFactory(round=honour_round, union=tree["g1"], first_node=None, created_by=clerk1), clerk1
    )
    nomination_submit(nomination=nomination, by=clerk1)  # part B's: the first review is d1's
    nomination.refresh_from_db()
    assert (nomination.status, nomination.first_node) == (S.SUBMITTED, tree["d1"])
    nomination_review(nomination=nomination, outcome="returned", comment="民主评议记录缺少签名", by=d1_staff)
    nomination.refresh_from_db()
    assert (nomination.status, nomination.return_reason) == (S.RETURNED, "民主评议记录缺少签名")
    note = Notification.objects.get(recipient=clerk1, kind=kinds.NOMINATION_RETURNED)
    assert "民主评议记录缺少签名" in note.body and f"/nominations/{nomination.pk}/" in note.url
    assert AuditEvent.objects.filter(action=kinds.NOMINATION_RETURNED, target_id=str(nomination.pk)).count() == 1

    nomination_submit(nomination=nomination, by=clerk1)
    nomination.refresh_from_db()
    assert nomination.return_reason == ""
    assert nomination in honour_selectors.first_review_queue(d1_staff)
    nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    nomination.refresh_from_db()
    nomination_review(nomination=nomination, outcome="returned", comment="事迹材料需补充量化成果", by=city_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.RETURNED and nomination.return_reason == "事迹材料需补充量化成果"
    assert Notification.objects.filter(recipient=clerk1, kind=kinds.NOMINATION_RETURNED).count() == 2

    nomination_submit(nomination=nomination, by=clerk1)  # a resubmission starts again at the first review
    assert nomination in honour_selectors.first_review_queue(d1_staff)
    nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    history = list(nomination.reviews.values_list("stage", "outcome", "comment"))
    assert history == [
        ("first", "returned", "民主评议记录缺少签名"),
        ("first", "passed", ""),
        ("second", "returned", "事迹材料需补充量化成果"),
        ("first", "passed", ""),
    ]


def test_reject_needs_a_reason_and_tells_the_clerks(honour_round, tree, clerk1, d1_staff):
    nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    for outcome in ("returned", "rejected"):
        with pytest.raises(ValidationError) as exc:
            nomination_review(nomination=nomination, outcome=outcome, comment="  ", by=d1_staff)
        assert "comment" in exc.value.message_dict
    with pytest.raises(ValidationError):
        nomination_review(nomination=nomination, outcome="overridden", by=d1_staff)
    assert not nomination.reviews.exists()
    nomination_review(nomination=nomination, outcome="rejected", comment="近五年内已获同一荣誉", by=d1_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.REJECTED
    assert Notification.objects.get(recipient=clerk1, kind=kinds.NOMINATION_REJECTED).body == "近五年内已获同一荣誉"
    with pytest.raises(ValidationError) as exc:
        nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    assert exc.value.code == "not_waiting"


def test_a_stale_decision_writes_nothing(honour_round, tree, clerk1, d1_staff, city_staff):
    nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    nomination_review(nomination=nomination, outcome="passed", by=city_staff, expected_status=S.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        nomination_review(
            nomination=nomination, outcome="returned", comment="晚了", by=d1_staff, expected_status=S.SUBMITTED
        )
    assert exc.value.code == "stale"
    assert nomination.reviews.count() == 1
    nomination.refresh_from_db()
    assert nomination.status == S.FIRST_PASSED


def test_only_the_level_and_the_organiser_decide(
    honour_round, tree, clerk1, d1_staff, city_staff, other_district_staff
):
    nomination = submitted(honour_round, tree["g1"], tree["d1"], clerk1)
    for user in (clerk1, other_district_staff):
        with pytest.raises(PermissionDenied):
            nomination_review(nomination=nomination, outcome="passed", by=user)
    nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    nomination.refresh_from_db()
    with pytest.raises(PermissionDenied):  # the second review is the organiser's, not the district's
        nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    with pytest.raises(PermissionDenied):
        list_forward(round=honour_round, node=tree["d1"], by=other_district_staff)
    assert nomination.reviews.count() == 1


# --- forwarding --------------------------------------------------------------------------------------
def passed_list(round_, tree, clerk1, d1_staff, n, **flags):
    """n nominations of g1 passed at d1; ``flags`` maps a flag to how many carry it (the rest do not)."""
    made = []
    for i in range(n):
        fields = {"woman": False, "enterprise_head": False}
        for flag, count in flags.items():
            fields[flag] = i < count
        nomination = submitted(round_, tree["g1"], tree["d1"], clerk1, **fields)
        nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
        made.append(nomination)
    return made


def assert_nothing_moved(round_, made):
    assert not Forwarding.objects.filter(round=round_).exists()
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in made]).values_list("status", flat=True)) == {
        S.FIRST_PASSED
    }
    assert not AuditEvent.objects.filter(action=kinds.LIST_FORWARDED).exists()


def test_forwarding_refused_on_the_share_of_women(honour_round, tree, clerk1, d1_staff):
    made = passed_list(honour_round, tree, clerk1, d1_staff, 8, woman=1)
    with pytest.raises(ValidationError) as exc:
        list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    assert exc.value.messages == ["Woman 1 of 8, at least 2 needed (20%)"]
    assert_nothing_moved(honour_round, made)


def test_forwarding_refused_on_enterprise_heads_and_women_together(honour_round, tree, clerk1, d1_staff):
    made = passed_list(honour_round, tree, clerk1, d1_staff, 8, woman=1, enterprise_head=1)
    with pytest.raises(ValidationError) as exc:
        list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    assert sorted(exc.value.messages) == [
        "Enterprise head 1 of 8, at most 0 allowed (10%)",
        "Woman 1 of 8, at least 2 needed (20%)",
    ]
    assert_nothing_moved(honour_round, made)


def test_forwarding_counts_what_the_level_forwarded_before_against_its_quota(
    honour_round, tree, clerk1, d1_staff, city_staff
):
    quota(honour_round, tree["d1"], honour_kind(), 8, city_staff)
    passed_list(honour_round, tree, clerk1, d1_staff, 5, woman=5)
    assert list_forward(round=honour_round, node=tree["d1"], by=d1_staff).count == 5
    late = passed_list(honour_round, tree, clerk1, d1_staff, 4, woman=4)
    with pytest.raises(ValidationError) as exc:
        list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    assert exc.value.messages == ["劳动模范 9 forwarded, quota 8"]
    assert Forwarding.objects.filter(round=honour_round).count() == 1
    assert set(Nomination.objects.filter(pk__in=[n.pk for n in late]).values_list("status", flat=True)) == {
        S.FIRST_PASSED
    }
    # one withdrawn at the second review's door: the list fits again
    Nomination.objects.filter(pk=late[0].pk).update(status=S.WITHDRAWN)
    assert list_forward(round=honour_round, node=tree["d1"], by=d1_staff).count == 3


def test_forwarding_a_kind_the_level_was_given_no_places_for(honour_round, tree, clerk1, d1_staff, city_staff):
    quota(honour_round, tree["d2"], honour_kind(), 3, city_staff)  # the kind is limited, d1 has no places
    passed_list(honour_round, tree, clerk1, d1_staff, 1, woman=1)
    with pytest.raises(ValidationError) as exc:
        list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    assert exc.value.messages == ["劳动模范 1 forwarded, quota 0"]


def test_nothing_to_forward_and_teams_outside_the_shares(honour_round, tree, clerk1, d1_staff, city_staff):
    with pytest.raises(ValidationError) as exc:
        list_forward(round=honour_round, node=tree["d1"], by=d1_staff)
    assert exc.value.code == "nothing" and "东城区总工会" in exc.value.messages[0]
    # a team (工人先锋号) carries no sex: the women's share counts persons only
    with_kinds(honour_round, "工人先锋号")
    team = submitted(honour_round, tree["g1"], tree["d1"], clerk1, kind=honour_kind("工人先锋号"), woman=False)
    nomination_review(nomination=team, outcome="passed", by=d1_staff)
    assert list_forward(round=honour_round, node=tree["d1"], by=d1_staff).count == 1


def test_a_district_round_forwards_from_its_own_children(tree, clerk1, d1_staff):
    district_round = with_kinds(RoundFactory(organiser=tree["d1"], created_by=d1_staff), MAY_DAY_MEDAL)
    nomination = submitted(district_round, tree["g1"], tree["s1"], clerk1, kind=honour_kind(MAY_DAY_MEDAL))
    nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    with pytest.raises(PermissionDenied):  # d1 is the organiser here, not a first-review level
        list_forward(round=district_round, node=tree["d1"], by=d1_staff)
    assert list_forward(round=district_round, node=tree["s1"], by=d1_staff).count == 1


# --- joint vetting --------------------------------------------------------------------------------------
def at_vetting(round_, tree, clerk1, d1_staff, city_staff, **fields):
    nomination = submitted(round_, tree["g1"], tree["d1"], clerk1, **fields)
    nomination_review(nomination=nomination, outcome="passed", by=d1_staff)
    list_forward(round=round_, node=tree["d1"], by=d1_staff)
    nomination.refresh_from_db()
    nomination_review(nomination=nomination, outcome="passed", by=city_staff)
    nomination.refresh_from_db()
    return nomination


def test_a_cadre_nominee_is_asked_about_once_and_the_letter_decides_discipline(
    honour_round, tree, clerk1, d1_staff, city_staff
):
    cadre = CadreFactory(union=tree["g1"], name="李干部")
    nomination = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    letters = OpinionLetter.objects.filter(cadre=cadre)
    assert letters.count() == 1
    letter = letters.get()
    assert (letter.purpose, letter.status, letter.requested_by) == ("commendation", "requested", city_staff)
    assert letter.request_note == f"{honour_round.title}：{nomination.nominee_name}"
    discipline = nomination.vetting_opinions.get(department="discipline")
    assert discipline.opinion_letter == letter and discipline.conclusion == "waiting"
    vetting_start(nomination=nomination, by=city_staff)  # again: nothing twice
    assert letters.count() == 1 and nomination.vetting_opinions.count() == 5

    # the same cadre in another round: the request still waiting is linked, not asked again
    other_round = with_kinds(RoundFactory(organiser=tree["city"], created_by=city_staff))
    other = at_vetting(other_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    assert letters.count() == 1
    assert other.vetting_opinions.get(department="discipline").opinion_letter == letter

    clear_all(nomination, city_staff, skip=("discipline",))
    with pytest.raises(ValidationError) as exc:  # integrity has not issued yet
        vetting_record(nomination=nomination, department="discipline", conclusion="clear", by=city_staff)
    assert exc.value.code == "letter_waiting"
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING
    issue_letter(letter, remarks="不应外传的备注")
    vetting_record(nomination=nomination, department="discipline", conclusion="problem", by=city_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.VETTED  # the letter's conclusion, not what the form said
    assert nomination.vetting_opinions.get(department="discipline").note == ""


def test_a_valid_letter_already_issued_is_used(honour_round, tree, clerk1, d1_staff, city_staff):
    cadre = CadreFactory(union=tree["g1"])
    earlier = OpinionLetter.objects.create(cadre=cadre, purpose="commendation", requested_by=city_staff)
    issue_letter(earlier)
    nomination = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    assert OpinionLetter.objects.filter(cadre=cadre).count() == 1
    discipline = nomination.vetting_opinions.get(department="discipline")
    assert discipline.opinion_letter == earlier and discipline.conclusion == "clear"
    clear_all(nomination, city_staff, skip=("discipline",))
    nomination.refresh_from_db()
    assert nomination.status == S.VETTED


def test_a_problem_stops_the_nomination_until_overridden_with_a_reason(
    honour_round, tree, clerk1, d1_staff, city_staff
):
    cadre = CadreFactory(union=tree["g1"])
    nomination = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    with pytest.raises(ValidationError):  # no problem on record yet
        vetting_override(nomination=nomination, reason="理由", by=city_staff)
    with pytest.raises(ValidationError) as exc:
        vetting_record(nomination=nomination, department="tax", conclusion="problem", note="", by=city_staff)
    assert "note" in exc.value.message_dict
    vetting_record(nomination=nomination, department="tax", conclusion="problem", note="欠缴税款已补缴", by=city_staff)
    with pytest.raises(ValidationError) as exc:  # others still to come
        vetting_override(nomination=nomination, reason="已整改", by=city_staff)
    assert exc.value.code == "waiting" and "Discipline inspection" in exc.value.messages[0]
    clear_all(nomination, city_staff, skip=("tax", "discipline"))
    issue_letter(nomination.vetting_opinions.get(department="discipline").opinion_letter)
    vetting_record(nomination=nomination, department="discipline", by=city_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING  # the tax problem stops it
    with pytest.raises(PermissionDenied):
        vetting_override(nomination=nomination, reason="已整改", by=d1_staff)
    with pytest.raises(ValidationError) as exc:
        vetting_override(nomination=nomination, reason="  ", by=city_staff)
    assert "reason" in exc.value.message_dict
    vetting_override(nomination=nomination, reason="欠税已于评选前补缴，经研究同意继续推荐", by=city_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.VETTED
    assert (nomination.vetting_override_reason, nomination.vetting_override_by) == (
        "欠税已于评选前补缴，经研究同意继续推荐",
        city_staff,
    )
    last = nomination.reviews.last()
    assert (last.stage, last.outcome, last.by) == ("vetting", "overridden", city_staff)
    event = AuditEvent.objects.get(action=kinds.VETTING_OVERRIDDEN)
    assert event.actor == city_staff and event.detail["problems"] == ["tax"]


def test_a_problem_from_integrity_and_a_rejection_in_vetting(honour_round, tree, clerk1, d1_staff, city_staff):
    cadre = CadreFactory(union=tree["g1"])
    nomination = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    issue_letter(
        nomination.vetting_opinions.get(department="discipline").opinion_letter, OpinionLetter.Conclusion.PROBLEM
    )
    clear_all(nomination, city_staff, skip=("discipline",))
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING
    assert nomination.vetting_opinions.get(department="discipline").conclusion == "problem"
    with pytest.raises(ValidationError):  # vetting has no "return" here
        nomination_review(nomination=nomination, outcome="returned", comment="x", by=city_staff)
    nomination_review(nomination=nomination, outcome="rejected", comment="联审发现问题", by=city_staff)
    nomination.refresh_from_db()
    assert nomination.status == S.REJECTED
    last = nomination.reviews.last()
    assert (last.stage, last.outcome) == (NominationReview.Stage.VETTING, "rejected")
    with pytest.raises(ValidationError) as exc:
        vetting_record(nomination=nomination, department="tax", conclusion="clear", by=city_staff)
    assert exc.value.code == "not_vetting"


def test_vetting_files_are_told_by_content_and_size(honour_round, tree, clerk1, d1_staff, city_staff):
    nomination = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff)
    vetting_record(
        nomination=nomination,
        department="tax",
        conclusion="clear",
        upload=SimpleUploadedFile("税务证明.pdf", PNG),  # a PNG named .pdf: accepted for what it is
        by=city_staff,
    )
    for upload, text in (
        (SimpleUploadedFile("社保.pdf", b"just some text"), "is not a PDF, JPG or PNG file"),
        (SimpleUploadedFile("空.pdf", b""), "is empty"),
    ):
        with pytest.raises(ValidationError) as exc:
            vetting_record(
                nomination=nomination, department="social_security", conclusion="clear", upload=upload, by=city_staff
            )
        assert text in exc.value.message_dict["file"][0]
    big = SimpleUploadedFile("大.pdf", PDF)
    big.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ValidationError) as exc:
        vetting_record(nomination=nomination, department="work_safety", conclusion="clear", upload=big, by=city_staff)
    assert "larger than 20 MB" in exc.value.message_dict["file"][0]
    waiting = set(nomination.vetting_opinions.filter(conclusion="waiting").values_list("department", flat=True))
    assert waiting == {"discipline", "social_security", "work_safety", "environment"}


def test_an_expired_or_withdrawn_letter_is_asked_for_again(honour_round, tree, clerk1, d1_staff, city_staff):
    from campaigns.services.vetting import vetting_ask_again

    cadre = CadreFactory(union=tree["g1"])
    nomination = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff, cadre_record=cadre, cadre=True)
    first = nomination.vetting_opinions.get(department="discipline").opinion_letter
    with pytest.raises(ValidationError) as exc:  # still waiting to be issued
        vetting_ask_again(nomination=nomination, by=city_staff)
    assert exc.value.code == "letter_current"
    OpinionLetter.objects.filter(pk=first.pk).update(status=OpinionLetter.Status.WITHDRAWN)
    vetting_ask_again(nomination=nomination, by=city_staff)
    second = nomination.vetting_opinions.get(department="discipline").opinion_letter
    assert second != first and (second.purpose, second.status) == ("commendation", "requested")
    assert OpinionLetter.objects.filter(cadre=cadre).count() == 2
    today = timezone.localdate()
    issue_letter(second, as_of=today - datetime.timedelta(days=200), valid_until=today - datetime.timedelta(days=1))
    clear_all(nomination, city_staff, skip=("discipline",))
    nomination.refresh_from_db()
    assert nomination.status == S.VETTING  # an expired letter decides nothing
    vetting_ask_again(nomination=nomination, by=city_staff)
    assert OpinionLetter.objects.filter(cadre=cadre).count() == 3
    plain = at_vetting(honour_round, tree, clerk1, d1_staff, city_staff)
    with pytest.raises(ValidationError) as exc:
        vetting_ask_again(nomination=plain, by=city_staff)
    assert exc.value.code == "no_letter"
