"""The public notice in working days and the objections to it, through the services.

The dates are checked by hand against the State Council's 2026 calendar: the Spring Festival holiday is
15–23 February with Saturdays 14 and 28 February worked; the Mid-Autumn holiday is 25–27 September; the
National Day holiday is 1–7 October with Sunday 20 September and Saturday 10 October worked.
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent, CalendarYear
from campaigns import kinds
from campaigns.models import Nomination, NominationReview, Objection, PublicNotice, Round
from campaigns.objections import has_open_objection, open_objection_counts
from campaigns.services import notices as notice_services
from campaigns.services import objections as services
from members.pii import decrypt

from .honour_factories import NominationFactory, NoticeFactory

D = dt.date
MOBILE = "13812345678"


def travel(day: D):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.UTC), tick=False)


def vetted(round_, tree, clerk, n=2, **fields):
    return [
        NominationFactory(
            round=round_,
            union=tree["g1"],
            first_node=tree["d1"],
            created_by=clerk,
            status=Nomination.Status.VETTED,
            **fields,
        )
        for _ in range(n)
    ]


# --- dates --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("published_on", "first", "last"),
    [
        # an ordinary week: Monday to Friday
        (D(2026, 6, 1), D(2026, 6, 1), D(2026, 6, 5)),
        # the eve of National Day: 30 Sep, then 8, 9, Saturday 10 (make-up) and Monday 12 October
        (D(2026, 9, 30), D(2026, 9, 30), D(2026, 10, 12)),
        # published on the Mid-Autumn holiday: starts Monday 28 Sep; 28, 29, 30 Sep, 8, 9 Oct
        (D(2026, 9, 25), D(2026, 9, 28), D(2026, 10, 9)),
        # published on Saturday 19 Sep: Sunday 20 Sep is a make-up working day, the first of five
        (D(2026, 9, 19), D(2026, 9, 20), D(2026, 9, 24)),
        # before the Spring Festival: 12, 13, Saturday 14 (make-up), then 24 and 25 February
        (D(2026, 2, 12), D(2026, 2, 12), D(2026, 2, 25)),
    ],
)
def test_notice_dates_follow_the_official_2026_calendar(db, published_on, first, last):
    dates = notice_services.notice_dates(published_on, 5)
    assert (dates.first_day, dates.last_day) == (first, last)


def test_the_preview_names_the_holidays_and_make_up_days_around_national_day(db):
    dates = notice_services.notice_dates(D(2026, 9, 30), 5)
    runs = [(run.start, run.end, run.name) for run in dates.days_off]
    assert runs == [(D(2026, 10, 1), D(2026, 10, 7), "National Day"), (D(2026, 10, 11), D(2026, 10, 11), "")]
    assert [(day.date, day.name) for day in dates.make_up_days] == [(D(2026, 10, 10), "National Day")]


def test_the_preview_names_the_spring_festival(db):
    dates = notice_services.notice_dates(D(2026, 2, 12), 5)
    assert [(run.start, run.end, run.name, run.days) for run in dates.days_off] == [
        (D(2026, 2, 15), D(2026, 2, 23), "Spring Festival", 9)
    ]
    assert [day.date for day in dates.make_up_days] == [D(2026, 2, 14)]


@pytest.fixture
def staff_round(honour_round):
    honour_round.status = Round.Status.REVIEWING
    honour_round.save(update_fields=["status"])
    return honour_round


def test_publishing_moves_every_vetted_nomination_into_the_notice(staff_round, tree, clerk1, city_staff):
    chosen = vetted(staff_round, tree, clerk1, n=3)
    waiting = NominationFactory(
        round=staff_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="forwarded"
    )
    with travel(D(2026, 9, 1)):
        notice = notice_services.notice_publish(
            round=staff_round,
            published_on=D(2026, 9, 30),
            title="",
            contact="市总工会劳模办 010-12345678",
            by=city_staff,
        )
    assert (notice.first_day, notice.last_day, notice.working_days) == (D(2026, 9, 30), D(2026, 10, 12), 5)
    assert notice.title == f"{staff_round.title}: nominees to be commended, public notice"
    assert set(Nomination.objects.filter(notice=notice, status="notice").values_list("pk", flat=True)) == {
        n.pk for n in chosen
    }
    waiting.refresh_from_db()
    staff_round.refresh_from_db()
    assert waiting.status == "forwarded" and waiting.notice_id is None
    assert staff_round.status == Round.Status.NOTICE
    assert AuditEvent.objects.filter(action=kinds.NOTICE_PUBLISHED, target_id=str(notice.pk)).count() == 1


def test_a_notice_into_2027_is_refused_naming_the_year_and_writes_nothing(staff_round, tree, clerk1, city_staff):
    vetted(staff_round, tree, clerk1)
    with travel(D(2026, 12, 1)), pytest.raises(ValidationError) as caught:
        notice_services.notice_publish(
            round=staff_round, published_on=D(2026, 12, 28), title="公示", contact="", by=city_staff
        )
    assert caught.value.code == "unknown_year"
    assert "2027" in caught.value.messages[0]
    assert not PublicNotice.objects.exists()
    assert Nomination.objects.filter(status="vetted").count() == 2
    staff_round.refresh_from_db()
    assert staff_round.status == Round.Status.REVIEWING


def test_once_2027_is_declared_the_same_notice_is_published(staff_round, tree, clerk1, city_staff):
    vetted(staff_round, tree, clerk1)
    CalendarYear.objects.create(year=2027, declared_by=city_staff)
    with travel(D(2026, 12, 1)):
        notice = notice_services.notice_publish(
            round=staff_round, published_on=D(2026, 12, 28), title="公示", contact="", by=city_staff
        )
    # a declared year without entered days counts Monday to Friday: 28–31 Dec, then Friday 1 Jan 2027
    assert notice.last_day == D(2027, 1, 1)


def test_publishing_needs_a_vetted_nomination(staff_round, nomination, city_staff):
    with travel(D(2026, 9, 1)), pytest.raises(ValidationError) as caught:
        notice_services.notice_publish(
            round=staff_round, published_on=D(2026, 9, 30), title="", contact="", by=city_staff
        )
    assert caught.value.code == "none_vetted"


def test_publishing_is_refused_for_a_past_date_and_to_other_staff(staff_round, tree, clerk1, city_staff, organiser):
    vetted(staff_round, tree, clerk1)
    with travel(D(2026, 10, 1)):
        with pytest.raises(ValidationError):
            notice_services.notice_publish(
                round=staff_round, published_on=D(2026, 9, 30), title="", contact="", by=city_staff
            )
        with pytest.raises(PermissionDenied):
            notice_services.notice_publish(
                round=staff_round, published_on=D(2026, 10, 8), title="", contact="", by=organiser
            )
    assert not PublicNotice.objects.exists()


# --- objections ---------------------------------------------------------------------------------------
@pytest.fixture
def running_notice(honour_round, tree, clerk1, city_staff):
    """A notice running today (two working days ago to five ahead, as dates go), with two nominees."""
    from django.utils import timezone

    today = timezone.localdate()
    notice = NoticeFactory(
        round=honour_round,
        published_by=city_staff,
        published_on=today - dt.timedelta(days=2),
        first_day=today - dt.timedelta(days=2),
        last_day=today + dt.timedelta(days=5),
    )
    for n in vetted(honour_round, tree, clerk1):
        n.status, n.notice = Nomination.Status.NOTICE, notice
        n.save()
    return notice


def code_for(notice, sms_outbox, mobile=MOBILE) -> str:
    services.objection_code_send(notice=notice, mobile=mobile)
    phone, text = sms_outbox[-1]
    assert phone == mobile
    return next(word for word in text.replace("。", " ").replace(".", " ").split() if word.isdigit() and len(word) == 6)


def submit(notice, nomination, code, **fields):
    data = {"name": "王建国", "mobile": MOBILE, "facts": "该同志2025年曾因安全生产事故受到处分。"}
    data.update(fields)
    return services.objection_submit(notice=notice, nomination_id=str(nomination.pk), code=code, **data)


@pytest.mark.redis
def test_an_objection_with_the_sms_code_is_received_with_the_mobile_encrypted(running_notice, sms_outbox):
    nominee = running_notice.nominations.first()
    objection = submit(running_notice, nominee, code_for(running_notice, sms_outbox))
    assert objection.status == Objection.Status.RECEIVED and not objection.late
    assert MOBILE not in objection.objector_mobile and decrypt(objection.objector_mobile) == MOBILE
    assert has_open_objection(nominee)
    assert open_objection_counts([nominee.pk]) == {nominee.pk: 1}
    event = AuditEvent.objects.get(action=kinds.OBJECTION_RECEIVED)
    assert MOBILE not in str(event.detail) and "王建国" not in event.target_label


@pytest.mark.redis
def test_no_code_a_wrong_code_and_a_used_code_are_refused(running_notice, sms_outbox):
    nominee = running_notice.nominations.first()
    with pytest.raises(ValidationError) as caught:
        submit(running_notice, nominee, "")
    assert "code" in caught.value.message_dict
    code = code_for(running_notice, sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(ValidationError) as caught:
        submit(running_notice, nominee, wrong)
    assert caught.value.message_dict["code"] == ["The code is not right: check the text message."]
    submit(running_notice, nominee, code)
    with pytest.raises(ValidationError) as caught:
        submit(running_notice, nominee, code)
    assert caught.value.message_dict["code"] == ["The code has expired or was never sent: ask for a new one."]
    assert Objection.objects.count() == 1


@pytest.mark.redis
def test_five_wrong_codes_burn_the_code(running_notice, sms_outbox):
    nominee = running_notice.nominations.first()
    code = code_for(running_notice, sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        with pytest.raises(ValidationError):
            submit(running_notice, nominee, wrong)
    with pytest.raises(ValidationError) as caught:
        submit(running_notice, nominee, wrong)
    assert caught.value.message_dict["code"] == ["Too many wrong codes: ask for a new one."]
    with pytest.raises(ValidationError):
        submit(running_notice, nominee, code)
    assert not Objection.objects.exists()


@pytest.mark.redis
def test_the_code_is_kept_hashed_and_expires_in_ten_minutes(running_notice, sms_outbox):
    code = code_for(running_notice, sms_outbox)
    key = services._code_cache_key(running_notice, MOBILE)
    stored = cache.get(key)
    assert code not in str(stored)
    assert set(stored) == {"hash", "tries"} and len(stored["hash"]) == 64


@pytest.mark.redis
def test_a_nominee_not_in_the_notice_is_refused_with_the_same_words(running_notice, sms_outbox, tree, clerk1):
    elsewhere = NominationFactory(
        round=running_notice.round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1, status="vetted"
    )
    code = code_for(running_notice, sms_outbox)
    messages = set()
    for nomination_id in (elsewhere.pk, 999999, "x"):
        with pytest.raises(ValidationError) as caught:
            services.objection_submit(
                notice=running_notice,
                name="王建国",
                mobile=MOBILE,
                nomination_id=nomination_id,
                facts="事实",
                code=code,
            )
        messages.add(tuple(caught.value.message_dict["nomination"]))
    assert messages == {("Choose one of the nominees listed in this notice.",)}
    assert not Objection.objects.exists()


@pytest.mark.redis
def test_empty_facts_are_refused_without_spending_the_code(running_notice, sms_outbox):
    nominee = running_notice.nominations.first()
    code = code_for(running_notice, sms_outbox)
    with pytest.raises(ValidationError) as caught:
        submit(running_notice, nominee, code, facts="   ")
    assert "facts" in caught.value.message_dict
    assert submit(running_notice, nominee, code).pk


@pytest.mark.redis
def test_an_objection_after_the_last_day_is_received_as_late(running_notice, sms_outbox):
    from django.utils import timezone

    running_notice.first_day = timezone.localdate() - dt.timedelta(days=10)
    running_notice.last_day = timezone.localdate() - dt.timedelta(days=1)
    running_notice.save()
    objection = submit(running_notice, running_notice.nominations.first(), code_for(running_notice, sms_outbox))
    assert objection.late


# --- the register -------------------------------------------------------------------------------------
@pytest.fixture
def objection(running_notice, sms_outbox):
    return submit(running_notice, running_notice.nominations.first(), code_for(running_notice, sms_outbox))


@pytest.mark.redis
def test_upheld_rejects_the_nominee_with_a_decision_review(objection, city_staff):
    services.objection_assign(objection=objection, to=city_staff, by=city_staff)
    with pytest.raises(ValidationError):
        services.objection_answer(objection=objection, finding=" ", by=city_staff)
    services.objection_answer(objection=objection, finding="经核实，反映问题属实。", by=city_staff)
    services.objection_close(objection=objection, upheld=True, by=city_staff)
    objection.refresh_from_db()
    nomination = Nomination.objects.get(pk=objection.nomination_id)
    assert objection.status == Objection.Status.UPHELD and objection.closed_by == city_staff
    assert nomination.status == Nomination.Status.REJECTED
    review = NominationReview.objects.get(nomination=nomination)
    assert (review.stage, review.outcome) == ("decision", "rejected")
    assert review.comment == "objection upheld: 经核实，反映问题属实。"
    assert not has_open_objection(nomination)
    assert nomination not in services.listed_nominations(objection.notice)
    actions = list(AuditEvent.objects.filter(target_id=str(objection.pk)).values_list("action", flat=True))
    for action in (kinds.OBJECTION_ASSIGNED, kinds.OBJECTION_ANSWERED, kinds.OBJECTION_CLOSED):
        assert action in actions


@pytest.mark.redis
def test_dismissed_leaves_the_nominee_in_the_notice(objection, city_staff):
    services.objection_assign(objection=objection, to=city_staff, by=city_staff)
    services.objection_answer(objection=objection, finding="经核实，反映问题不属实。", by=city_staff)
    services.objection_close(objection=objection, upheld=False, by=city_staff)
    nomination = Nomination.objects.get(pk=objection.nomination_id)
    assert nomination.status == Nomination.Status.NOTICE
    assert not NominationReview.objects.filter(nomination=nomination).exists()


@pytest.mark.redis
def test_the_register_moves_in_order_and_only_for_the_organisers_staff(objection, city_staff, organiser):
    with pytest.raises(ValidationError):
        services.objection_answer(objection=objection, finding="先答", by=city_staff)
    with pytest.raises(ValidationError):
        services.objection_close(objection=objection, upheld=True, by=city_staff)
    with pytest.raises(ValidationError):
        services.objection_assign(objection=objection, to=organiser, by=city_staff)  # not the organiser's staff
    with pytest.raises(PermissionDenied):
        services.objection_assign(objection=objection, to=city_staff, by=organiser)
    objection.refresh_from_db()
    assert objection.status == Objection.Status.RECEIVED and objection.assigned_to is None


@pytest.mark.redis
def test_upholding_against_the_last_nominee_in_process_decides_the_round(objection, city_staff):
    from campaigns.models import Round

    round_ = objection.notice.round
    others = Nomination.objects.filter(round=round_).exclude(pk=objection.nomination_id)
    others.update(status=Nomination.Status.AWARDED)
    services.objection_assign(objection=objection, to=city_staff, by=city_staff)
    services.objection_answer(objection=objection, finding="经核实，反映问题属实。", by=city_staff)
    services.objection_close(objection=objection, upheld=True, by=city_staff)
    round_.refresh_from_db()
    assert round_.status == Round.Status.DECIDED


@pytest.mark.redis
def test_upholding_while_others_are_in_process_leaves_the_round_in_its_notice(objection, city_staff):
    from campaigns.models import Round

    round_ = objection.notice.round
    status = round_.status
    services.objection_assign(objection=objection, to=city_staff, by=city_staff)
    services.objection_answer(objection=objection, finding="经核实，反映问题属实。", by=city_staff)
    services.objection_close(objection=objection, upheld=True, by=city_staff)
    round_.refresh_from_db()
    assert round_.status == status != Round.Status.DECIDED
