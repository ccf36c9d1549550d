"""Joining and approval through members.services: one person, one record, one valid card; nothing partial.

Every test drives the real services (consent → application → decision) on the database; the
applicant's notification is checked in the inbox, in the e-mail outbox after commit, and in the SMS
memory backend.
"""

import datetime
import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from members import kinds as members_kinds
from members import services
from members.id_number import parse
from members.models import Application, Member, MemberCard, MemberEvent, Transfer
from unions.models import Role, Union

from ..factories import UserFactory, make_child, staff
from ..factories import id_number as new_id_number

K = Union.Kind
R = Role.Kind
E = MemberEvent.Kind

_people = itertools.count(1)


def new_worker(**fields):
    n = next(_people)
    return UserFactory(phone=f"139{n:08d}", **fields)


def submit(worker, union: Union, number: str | None = None, name: str = "张三", **details):
    """What the joining form does: consent, then the application. Returns an Application or a Transfer."""
    consent = services.consent_give(user=worker, ip="198.51.100.7")
    details = {"name": name, "mobile": worker.phone or "13800138000", **details}
    return services.application_submit(
        applicant=worker, union=union, consent=consent, number=parse(number or new_id_number()), details=details
    )


def join(union: Union, clerk, number: str | None = None, name: str = "张三", worker=None) -> Member:
    """A worker applies to the union and its clerk approves."""
    application = submit(worker or new_worker(), union, number, name)
    return services.application_approve(application=application, by=clerk)


def close(union: Union) -> None:
    Union.objects.filter(pk=union.pk).update(closed_on=timezone.localdate(), close_reason="撤销")
    union.refresh_from_db()


@pytest.fixture
def street_staff(tree):
    return staff(R.FEDERATION_STAFF, tree["s1"])


# --- submitting --------------------------------------------------------------------------------


def test_submit_stores_the_application_with_the_id_only_hashed_encrypted_and_masked(tree):
    number = new_id_number()
    application = submit(new_worker(), tree["g1"], number, "李四")

    assert isinstance(application, Application)
    assert application.status == Application.Status.SUBMITTED
    assert application.id_masked == number[:6] + "********" + number[-4:]
    assert application.reveal_id_number() == number
    assert number not in application.id_hash and number not in application.id_encrypted
    assert application.birth_date == parse(number).birth_date
    assert application.sex == parse(number).sex


@pytest.mark.parametrize("key", ["d1", "city", "s1"])
def test_a_federation_that_does_not_take_platform_workers_takes_no_application(tree, key):
    with pytest.raises(ValidationError, match="does not take applications"):
        submit(new_worker(), tree[key])
    assert not Application.objects.exists()


def test_a_closed_union_takes_no_application(tree):
    close(tree["g1"])
    with pytest.raises(ValidationError, match="does not take applications"):
        submit(new_worker(), tree["g1"])
    assert not Application.objects.exists()


def test_a_second_application_for_the_same_id_number_is_refused(tree):
    number = new_id_number()
    submit(new_worker(), tree["g1"], number)

    with pytest.raises(ValidationError, match="cannot be accepted online"):
        submit(new_worker(), tree["g2"], number)
    assert Application.objects.count() == 1


def test_a_worker_with_an_open_application_cannot_submit_another(tree):
    worker = new_worker()
    submit(worker, tree["g1"])

    with pytest.raises(ValidationError, match="withdraw it first"):
        submit(worker, tree["g2"])
    assert Application.objects.count() == 1


def test_consent_given_by_someone_else_does_not_count(tree):
    worker, other = new_worker(), new_worker()
    consent = services.consent_give(user=other, ip=None)
    with pytest.raises(PermissionDenied):
        services.application_submit(
            applicant=worker, union=tree["g1"], consent=consent, number=parse(new_id_number()), details={"name": "张三"}
        )
    assert not Application.objects.exists()


def test_consent_records_the_text_version_and_time(tree):
    worker = new_worker()
    consent = services.consent_give(user=worker, ip="198.51.100.7")
    assert consent.text_version == services.CONSENT_TEXT_VERSION
    assert abs(timezone.now() - consent.given_at) < datetime.timedelta(minutes=1)
    assert consent.ip == "198.51.100.7"


# --- approving ---------------------------------------------------------------------------------


def test_approval_creates_one_member_with_a_card_and_the_history(tree, clerk1):
    worker = new_worker()
    number = new_id_number()
    application = submit(worker, tree["g1"], number, "王五", employment_type="courier", is_migrant_worker=True)

    member = services.application_approve(application=application, by=clerk1)

    assert Member.objects.count() == 1
    member.refresh_from_db()
    assert (member.name, member.union, member.status) == ("王五", tree["g1"], Member.Status.ACTIVE)
    assert member.joined_on == timezone.localdate()
    assert member.employment_type == "courier" and member.is_migrant_worker
    assert member.reveal_id_number() == number
    assert member.user == worker
    card = MemberCard.objects.get(member=member)
    assert card.number == f"{tree['g1'].pk:06d}-000001"
    assert card.is_valid and card.union == tree["g1"]
    assert sorted(member.events.values_list("kind", flat=True)) == sorted([E.JOINED, E.CARD_ISSUED])
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert (application.member, application.decided_by) == (member, clerk1)
    assert (
        AuditEvent.objects.filter(
            action=members_kinds.APPLICATION_APPROVED, actor=clerk1, target_id=str(member.pk)
        ).count()
        == 1
    )


def test_card_numbers_follow_the_unions_own_sequence(tree, clerk1, clerk2):
    first = join(tree["g1"], clerk1)
    other_union = join(tree["g2"], clerk2)
    second = join(tree["g1"], clerk1)

    def number(member):
        return MemberCard.objects.get(member=member, revoked_on__isnull=True).number

    assert number(first) == f"{tree['g1'].pk:06d}-000001"
    assert number(second) == f"{tree['g1'].pk:06d}-000002"
    assert number(other_union) == f"{tree['g2'].pk:06d}-000001"


def test_approval_tells_the_applicant_in_the_inbox_by_email_and_by_sms(
    tree, clerk1, sms_outbox, django_capture_on_commit_callbacks
):
    worker = new_worker(email="worker@example.org")
    application = submit(worker, tree["g1"])

    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application=application, by=clerk1)

    card = MemberCard.objects.get()
    note = Notification.objects.get(recipient=worker)
    assert tree["g1"].name in note.title
    assert card.number in note.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["worker@example.org"]
    assert tree["g1"].name in mail.outbox[0].subject
    assert [phone for phone, _text in sms_outbox] == [worker.phone]


def test_nothing_is_sent_when_the_approval_is_refused(tree, clerk1, sms_outbox, django_capture_on_commit_callbacks):
    application = submit(new_worker(email="worker@example.org"), tree["g1"])
    services.application_reject(application=application, by=clerk1, reason="资料不全")
    Notification.objects.all().delete()
    mail.outbox.clear()
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.application_approve(application=application, by=clerk1)

    assert not Notification.objects.exists()
    assert mail.outbox == [] and sms_outbox == []


def test_approving_twice_is_refused_and_changes_nothing(tree, clerk1):
    application = submit(new_worker(), tree["g1"])
    services.application_approve(application=application, by=clerk1)
    before = (Member.objects.count(), MemberCard.objects.count(), MemberEvent.objects.count())

    with pytest.raises(ValidationError, match="already been decided"):
        services.application_approve(application=application, by=clerk1)

    assert (Member.objects.count(), MemberCard.objects.count(), MemberEvent.objects.count()) == before


@pytest.mark.parametrize("decision", ["approve", "reject", "correction"])
def test_a_clerk_of_another_union_cannot_decide(tree, clerk2, decision):
    application = submit(new_worker(), tree["g1"])
    with pytest.raises(PermissionDenied):
        if decision == "approve":
            services.application_approve(application=application, by=clerk2)
        elif decision == "reject":
            services.application_reject(application=application, by=clerk2, reason="不符合条件")
        else:
            services.application_request_correction(application=application, by=clerk2, reason="请更正")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Member.objects.exists()


def test_staff_above_the_union_may_decide(tree):
    district_staff = staff(R.FEDERATION_STAFF, tree["d1"])
    application = submit(new_worker(), tree["g1"])
    member = services.application_approve(application=application, by=district_staff)
    assert member.union == tree["g1"]


def test_a_leader_above_the_union_may_not_decide(tree):
    leader = staff(R.LEADER, tree["city"])
    application = submit(new_worker(), tree["g1"])
    with pytest.raises(PermissionDenied):
        services.application_approve(application=application, by=leader)


def test_approval_into_a_union_closed_meanwhile_is_refused(tree, clerk1):
    application = submit(new_worker(), tree["g1"])
    close(tree["g1"])
    with pytest.raises(ValidationError, match="open grassroots or joint union"):
        services.application_approve(application=application, by=clerk1)
    assert not Member.objects.exists()


# --- the platform federation: the approver places the member --------------------------------------


def test_an_application_to_a_platform_federation_needs_the_union_below(tree, platform, street_staff):
    joint = make_child(platform, K.JOINT_UNION, "外卖骑手联合工会")
    application = submit(new_worker(), platform, employment_type="food_delivery")

    with pytest.raises(ValidationError, match="Choose the grassroots or joint union"):
        services.application_approve(application=application, by=street_staff)
    assert not Member.objects.exists()

    member = services.application_approve(application=application, by=street_staff, union=joint)
    assert member.union == joint
    assert MemberCard.objects.get(member=member).number.startswith(f"{joint.pk:06d}-")


@pytest.mark.parametrize("where", ["g2", "d1", "closed", "platform itself"])
def test_a_platform_application_cannot_be_placed_outside_or_in_a_closed_union(tree, platform, street_staff, where):
    if where == "closed":
        target = make_child(platform, K.JOINT_UNION, "已撤销联合工会")
        close(target)
    elif where == "platform itself":
        target = platform
    else:
        target = tree[where]
    application = submit(new_worker(), platform)

    with pytest.raises(ValidationError, match="open grassroots or joint union below"):
        services.application_approve(application=application, by=street_staff, union=target)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Member.objects.exists()


# --- rejecting, correcting, withdrawing ---------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_and_correction_need_a_reason(tree, clerk1, reason):
    application = submit(new_worker(), tree["g1"])
    with pytest.raises(ValidationError, match="the worker will see it"):
        services.application_reject(application=application, by=clerk1, reason=reason)
    with pytest.raises(ValidationError, match="the worker will see it"):
        services.application_request_correction(application=application, by=clerk1, reason=reason)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Notification.objects.exists()


def test_reject_keeps_the_reason_and_tells_the_worker(tree, clerk1):
    worker = new_worker()
    application = submit(worker, tree["g1"])

    services.application_reject(application=application, by=clerk1, reason="  非本单位职工  ")

    application.refresh_from_db()
    assert (application.status, application.reason) == (Application.Status.REJECTED, "非本单位职工")
    assert application.decided_by == clerk1 and application.decided_at is not None
    assert Notification.objects.get(recipient=worker).body == "非本单位职工"
    assert AuditEvent.objects.filter(action=members_kinds.APPLICATION_REJECTED, actor=clerk1).count() == 1
    assert not Member.objects.exists()
    with pytest.raises(ValidationError, match="already been decided"):
        services.application_approve(application=application, by=clerk1)


def test_correction_round_trip(tree, clerk1):
    worker = new_worker()
    application = submit(worker, tree["g1"], name="张三")
    services.application_request_correction(application=application, by=clerk1, reason="姓名有误")
    application.refresh_from_db()
    assert (application.status, application.reason) == (Application.Status.NEEDS_CORRECTION, "姓名有误")
    assert Notification.objects.get(recipient=worker).body == "姓名有误"
    with pytest.raises(ValidationError):
        services.application_approve(application=application, by=clerk1)

    corrected_number = new_id_number()
    services.application_correct(
        application=application, by=worker, number=parse(corrected_number), details={"name": "张叁"}
    )
    application.refresh_from_db()
    assert (application.status, application.reason, application.name) == (Application.Status.SUBMITTED, "", "张叁")

    member = services.application_approve(application=application, by=clerk1)
    assert member.reveal_id_number() == corrected_number


def test_only_the_applicant_corrects_and_only_when_asked(tree, clerk1):
    worker = new_worker()
    application = submit(worker, tree["g1"])
    with pytest.raises(ValidationError, match="waiting for the union"):
        services.application_correct(application=application, by=worker, number=parse(new_id_number()), details={})
    services.application_request_correction(application=application, by=clerk1, reason="请更正")
    with pytest.raises(PermissionDenied):
        services.application_correct(
            application=application, by=new_worker(), number=parse(new_id_number()), details={}
        )


def test_withdraw_only_by_the_applicant_and_only_while_open(tree, clerk1):
    worker = new_worker()
    application = submit(worker, tree["g1"])
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, by=new_worker())

    services.application_withdraw(application=application, by=worker)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    with pytest.raises(ValidationError, match="already been decided"):
        services.application_withdraw(application=application, by=worker)
    with pytest.raises(ValidationError):
        services.application_approve(application=application, by=clerk1)
    # A withdrawn application frees the ID number for a new one.
    assert isinstance(submit(worker, tree["g1"], application.reveal_id_number()), Application)


# --- one person, one record --------------------------------------------------------------------


def test_an_application_by_an_active_member_elsewhere_becomes_a_transfer(tree, clerk1):
    number = new_id_number()
    member = join(tree["g1"], clerk1, number)
    worker = new_worker()

    result = submit(worker, tree["g2"], number)

    assert isinstance(result, Transfer)
    assert (result.member, result.from_union, result.to_union) == (member, tree["g1"], tree["g2"])
    assert result.status == Transfer.Status.REQUESTED and result.requested_by == worker
    assert result.application.status == Application.Status.TRANSFER
    assert Member.objects.count() == 1
    assert not Application.objects.filter(status__in=Application.OPEN_STATUSES).exists()


def test_an_application_by_a_member_to_their_own_union_is_refused(tree, clerk1):
    number = new_id_number()
    join(tree["g1"], clerk1, number)
    with pytest.raises(ValidationError, match="cannot be accepted online"):
        submit(new_worker(), tree["g1"], number)
    assert Application.objects.count() == 1
    assert not Transfer.objects.exists()


def test_a_stale_application_is_refused_when_the_person_became_a_member_meanwhile(tree, clerk1, clerk2):
    number = new_id_number()
    application = submit(new_worker(), tree["g1"], number)
    # Meanwhile the person is entered into g2's roster (as an import would do).
    roster = Member(union=tree["g2"], joined_on=timezone.localdate(), name="张三", mobile="13700000000")
    roster.set_id_number(parse(number))
    roster.save()

    with pytest.raises(ValidationError, match="request a transfer instead"):
        services.application_approve(application=application, by=clerk1)

    assert Member.objects.count() == 1
    roster.refresh_from_db()
    assert roster.union == tree["g2"] and not MemberCard.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_member_who_left_rejoins_and_keeps_one_record_with_the_history(tree, clerk1, clerk2):
    number = new_id_number()
    worker = new_worker()
    member = join(tree["g1"], clerk1, number, worker=worker)
    first_card = MemberCard.objects.get(member=member)
    services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=timezone.localdate(), reason="离职")
    first_card.refresh_from_db()
    assert not first_card.is_valid

    again = join(tree["g2"], clerk2, number, name="张三", worker=worker)

    assert again.pk == member.pk
    assert Member.objects.count() == 1
    again.refresh_from_db()
    assert (again.status, again.union, again.ended_on, again.end_reason) == (Member.Status.ACTIVE, tree["g2"], None, "")
    assert again.user == worker
    kinds = list(again.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [E.JOINED, E.CARD_ISSUED, E.LEFT, E.CARD_REVOKED, E.JOINED, E.CARD_ISSUED]
    valid = MemberCard.objects.filter(member=again, revoked_on__isnull=True)
    assert valid.count() == 1 and valid.get().union == tree["g2"]
    assert MemberCard.objects.filter(member=again).count() == 2


def test_a_former_members_number_under_another_name_does_not_take_over_their_record(tree, clerk1, clerk2):
    # given a member of g1 who left, and someone else who applies to g2 with that number and their own name
    number = new_id_number()
    member = join(tree["g1"], clerk1, number, name="李四")
    services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=timezone.localdate(), reason="离职")
    application = submit(new_worker(), tree["g2"], number, name="王五")

    # when the other district's clerk approves
    with pytest.raises(ValidationError, match="former member recorded under another name") as refused:
        services.application_approve(application=application, by=clerk2)

    # then the record stays as it was, nothing is issued, and the clerk is not told the old name
    assert "李四" not in str(refused.value)
    member.refresh_from_db()
    assert (member.name, member.union, member.status) == ("李四", tree["g1"], Member.Status.LEFT)
    assert not MemberCard.objects.filter(member=member, revoked_on__isnull=True).exists()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_deceased_member_cannot_apply(tree, clerk1):
    number = new_id_number()
    member = join(tree["g1"], clerk1, number)
    services.member_end(member=member, by=clerk1, status=Member.Status.DECEASED, on=timezone.localdate(), reason="")
    with pytest.raises(ValidationError, match="cannot be accepted online"):
        submit(new_worker(), tree["g2"], number)
    assert not Application.objects.filter(status=Application.Status.SUBMITTED).exists()


def test_an_application_is_not_approved_for_a_person_recorded_as_deceased_meanwhile(tree, clerk1, clerk2):
    number = new_id_number()
    member = join(tree["g1"], clerk1, number)
    services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=timezone.localdate(), reason="离职")
    application = submit(new_worker(), tree["g2"], number)
    # The old union corrects its record: the person has died (the record was ended as "left" by mistake).
    Member.objects.filter(pk=member.pk).update(status=Member.Status.DECEASED)

    with pytest.raises(ValidationError, match="deceased"):
        services.application_approve(application=application, by=clerk2)

    member.refresh_from_db()
    assert member.status == Member.Status.DECEASED
    assert not MemberCard.objects.filter(revoked_on__isnull=True).exists()


# --- bulk approval -----------------------------------------------------------------------------


def test_bulk_approval_approves_the_good_ones_and_reports_the_bad_one(tree, clerk1):
    good = [submit(new_worker(), tree["g1"]) for _ in range(3)]
    bad = submit(new_worker(), tree["g1"])
    services.application_reject(application=bad, by=clerk1, reason="重复申请")
    outside = submit(new_worker(), tree["g2"])

    approved, failed = services.applications_bulk_approve(
        applications=[good[0], bad, good[1], outside, good[2]], by=clerk1
    )

    assert sorted(m.pk for m in approved) == sorted(Member.objects.values_list("pk", flat=True))
    assert len(approved) == 3
    assert [(application.pk, reason) for application, reason in failed] == [
        (bad.pk, "This application has already been decided or is waiting for a correction."),
        (outside.pk, "Not allowed."),
    ]
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 3
    outside.refresh_from_db()
    assert outside.status == Application.Status.SUBMITTED


def test_bulk_approval_leaves_an_application_to_a_federation_for_its_own_page(tree, platform, street_staff):
    # given an application to a federation (the member's union is chosen on its page) ticked first
    to_federation = submit(new_worker(), platform)
    placed = submit(new_worker(), tree["g1"])

    # when both are approved in bulk
    approved, failed = services.applications_bulk_approve(applications=[to_federation, placed], by=street_staff)

    # then only the placed one is, and the other is listed last with the reason
    assert [member.pk for member in approved] == list(Member.objects.values_list("pk", flat=True))
    assert len(approved) == 1
    assert [(application.pk, reason) for application, reason in failed] == [
        (to_federation.pk, "Sent to a federation: open the application and choose the union the member joins.")
    ]
    to_federation.refresh_from_db()
    assert to_federation.status == Application.Status.SUBMITTED


# --- the member record -------------------------------------------------------------------------


def test_member_update_is_scoped_audited_and_refuses_another_persons_id(tree, clerk1, clerk2):
    member = join(tree["g1"], clerk1)
    other_number = new_id_number()
    join(tree["g2"], clerk2, other_number)

    with pytest.raises(PermissionDenied):
        services.member_update(member=member, by=clerk2, name="改名")
    with pytest.raises(ValidationError, match="One person has one record"):
        services.member_update(member=member, by=clerk1, number=parse(other_number))

    services.member_update(member=member, by=clerk1, name="张三丰", union=tree["g2"], status="left")
    member.refresh_from_db()
    assert (member.name, member.union, member.status) == ("张三丰", tree["g1"], Member.Status.ACTIVE)
    assert member.events.filter(kind=E.EDITED).count() == 1
    assert AuditEvent.objects.filter(action=members_kinds.MEMBER_EDITED).count() == 1


def test_member_end_checks_the_date_and_ends_only_once(tree, clerk1):
    member = join(tree["g1"], clerk1)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="between the joining date and today"):
        services.member_end(
            member=member, by=clerk1, status=Member.Status.LEFT, on=today + datetime.timedelta(days=1), reason=""
        )
    with pytest.raises(ValidationError, match="left or died"):
        services.member_end(member=member, by=clerk1, status=Member.Status.ACTIVE, on=today, reason="")
    services.member_end(member=member, by=clerk1, status=Member.Status.LEFT, on=today, reason="退休")
    with pytest.raises(ValidationError, match="already ended"):
        services.member_end(member=member, by=clerk1, status=Member.Status.DECEASED, on=today, reason="")
    assert not MemberCard.objects.filter(revoked_on__isnull=True).exists()


def test_revealing_the_id_is_scoped_and_audited(tree, clerk1, clerk2):
    number = new_id_number()
    member = join(tree["g1"], clerk1, number)
    with pytest.raises(PermissionDenied):
        services.member_reveal_id(member=member, by=clerk2)
    assert services.member_reveal_id(member=member, by=clerk1) == number
    assert AuditEvent.objects.filter(action=members_kinds.ID_REVEALED, actor=clerk1).count() == 1
    assert member.events.filter(kind=E.ID_REVEALED).count() == 1
    assert not AuditEvent.objects.filter(detail__icontains=number).exists()


# --- the clear ID number is nowhere at rest ------------------------------------------------------


def _everything_stored(model) -> str:
    return "\n".join(str(row) for row in model.objects.values_list())


def test_no_stored_row_holds_the_clear_id_number(tree, clerk1, clerk2):
    numbers = [new_id_number() for _ in range(3)]
    member = join(tree["g1"], clerk1, numbers[0])
    submit(new_worker(), tree["g1"], numbers[1])
    submit(new_worker(), tree["g2"], numbers[0])  # a transfer
    services.member_reveal_id(member=member, by=clerk1)
    services.member_update(member=member, by=clerk1, number=parse(numbers[2]))

    for model in (Member, Application, Transfer, MemberEvent, MemberCard, AuditEvent, Notification):
        stored = _everything_stored(model)
        for number in numbers:
            assert number not in stored, model.__name__
            assert number[:17] not in stored, model.__name__


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["members_member", "members_application", "accounts_auditevent"])
def test_raw_postgresql_rows_hold_no_clear_id_number(tree, clerk1, table):
    numbers = [new_id_number() for _ in range(2)]
    join(tree["g1"], clerk1, numbers[0])
    submit(new_worker(), tree["g1"], numbers[1])

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} t")  # noqa: S608 - a fixed table name
        rows = [row[0] for row in cursor.fetchall()]

    assert rows
    for number in numbers:
        assert not any(number in row or number[:17] in row for row in rows)
