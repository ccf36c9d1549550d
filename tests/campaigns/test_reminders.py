"""Reminders of the campaigns app: stage reports coming due (within seven days) and overdue, to the
entering union's clerks; judging overdue, to each late judge and to the organiser's staff; approval
waiting three days or more, to the approvers as the competition names them. Once each however often
the daily run goes, in a fixed number of queries, naming no entrant and no judge."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from campaigns import kinds
from campaigns.models import Competition, Entry, JudgeConflict, Score, Scoresheet, StageReport
from campaigns.reminders import PARTS, approvals, judging, stage_reports
from campaigns.reminders import dispatch as dispatch_all
from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CompetitionFactory, EntryFactory, JudgeFactory, scheme

pytestmark = pytest.mark.django_db


def notes(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "title"))


def entry(competition, union, by, **fields):
    return EntryFactory(competition=competition, union=union, entered_by=by, **fields)


def test_every_part_runs_daily():
    assert set(PARTS) == {"stage_reports", "judging", "approvals", "honours"}


# --- stage reports -----------------------------------------------------------------------------------
def test_stage_reports_due_within_a_week_remind_the_unions_clerks_once_with_a_count(
    tree, competition, clerk1, clerk2, organiser
):
    stage = competition.stages.get()  # report due 2026-05-10
    owing = [entry(competition, tree["g1"], clerk1, name=f"张三班组{n}") for n in range(2)]
    done = entry(competition, tree["g1"], clerk1)
    StageReport.objects.create(entry=done, stage=stage, summary="已交", submitted_by=clerk1)
    entry(competition, tree["g1"], clerk1, status=Entry.Status.REFUSED)
    entry(competition, tree["g1"], clerk1, status=Entry.Status.ENTERED)
    other_clerk = staff(Role.Kind.UNION_CLERK, tree["g1"], username="clerk-g1-b")

    assert stage_reports.dispatch(datetime.date(2026, 5, 2)) == {}  # eight days ahead: not yet
    first = stage_reports.dispatch(datetime.date(2026, 5, 3))
    second = stage_reports.dispatch(datetime.date(2026, 5, 9))

    assert first == {kinds.REMINDER_STAGE_REPORT_DUE: 2}
    assert second == first  # offered again, made once
    made = notes(kinds.REMINDER_STAGE_REPORT_DUE)
    assert [user for user, _title in made] == ["clerk-g1", other_clerk.username]
    title = made[0][1]
    assert "2" in title and competition.title in title and stage.name in title and tree["g1"].name in title
    assert title.startswith("2 entries of") and "are to hand in" in title
    assert all(e.name not in title for e in owing)  # no entrant named
    assert not Notification.objects.filter(recipient__in=[clerk2, organiser]).exists()


def test_reminders_speak_chinese_in_the_daily_run_and_count_in_the_singular(tree, competition, clerk1, judge):
    from django.utils import translation

    entry(competition, tree["g1"], clerk1)
    stage_reports.dispatch(datetime.date(2026, 5, 3))
    assert notes(kinds.REMINDER_STAGE_REPORT_DUE)[0][1].startswith("1 entry of 东城机械厂工会")
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    with translation.override("zh-hans"):
        stage_reports.dispatch(datetime.date(2026, 5, 11))
        judging.dispatch(datetime.date(2026, 6, 1))
    overdue = notes(kinds.REMINDER_STAGE_REPORT_OVERDUE)[0][1]
    assert "有1项参赛的第1阶段阶段总结已逾期" in overdue
    titles = [title for _user, title in notes(kinds.REMINDER_JUDGING_OVERDUE)]
    assert any("有1名评委未完成评分" in title for title in titles)
    assert any(title.startswith("您在") for title in titles)


def test_an_overdue_stage_report_is_a_reminder_of_its_own_once(tree, competition, clerk1):
    entry(competition, tree["g1"], clerk1)
    stage_reports.dispatch(datetime.date(2026, 5, 8))
    assert stage_reports.dispatch(datetime.date(2026, 5, 11)) == {kinds.REMINDER_STAGE_REPORT_OVERDUE: 1}
    stage_reports.dispatch(datetime.date(2026, 5, 20))
    assert len(notes(kinds.REMINDER_STAGE_REPORT_DUE)) == 1
    assert len(notes(kinds.REMINDER_STAGE_REPORT_OVERDUE)) == 1


def test_no_stage_report_reminder_outside_running_and_reviewing(tree, competition, clerk1):
    entry(competition, tree["g1"], clerk1)
    for status in (Competition.Status.APPROVED, Competition.Status.CLOSED, Competition.Status.COMMENDED):
        Competition.objects.filter(pk=competition.pk).update(status=status)
        assert stage_reports.dispatch(datetime.date(2026, 5, 11)) == {}
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    assert stage_reports.dispatch(datetime.date(2026, 5, 11)) == {kinds.REMINDER_STAGE_REPORT_OVERDUE: 1}


# --- judging -----------------------------------------------------------------------------------------
def sheet(judge, an_entry, done=True):
    made = Scoresheet.objects.create(judge=judge, entry=an_entry, completed_at=timezone.now() if done else None)
    for criterion in an_entry.competition.criteria.all():
        Score.objects.create(sheet=made, criterion=criterion, value=criterion.max_score)
    return made


def test_judging_overdue_reminds_each_late_judge_and_the_organisers_staff_once(
    tree, competition, judge, organiser, city_staff, clerk1
):
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    first_entry = entry(competition, tree["g1"], clerk1)
    second_entry = entry(competition, tree["g1"], clerk1)
    sheet(judge, first_entry)
    sheet(judge, second_entry, done=False)  # judge (评委甲) still owes a sheet
    finished = JudgeFactory(competition=competition, user=UserFactory(username="judge-done"), assigned_by=organiser)
    sheet(finished, first_entry)
    sheet(finished, second_entry)
    conflicted = JudgeFactory(competition=competition, user=UserFactory(username="judge-g1"), assigned_by=organiser)
    JudgeConflict.objects.create(judge=conflicted, union=tree["s1"])  # g1 is below s1: nothing to score
    undeclared = JudgeFactory(
        competition=competition,
        user=UserFactory(username="judge-late"),
        assigned_by=organiser,
        conflicts_declared_at=None,
    )

    assert judging.dispatch(datetime.date(2026, 5, 31)) == {}  # due today: not overdue yet
    first = judging.dispatch(datetime.date(2026, 6, 1))
    again = judging.dispatch(datetime.date(2026, 6, 9))

    assert first == {kinds.REMINDER_JUDGING_OVERDUE: 3}
    assert again == first
    made = Notification.objects.filter(kind=kinds.REMINDER_JUDGING_OVERDUE)
    assert sorted(made.values_list("recipient__username", flat=True)) == ["judge-late", "judge-one", "staff-d1"]
    assert made.get(recipient=judge.user).url == f"/campaigns/judging/{judge.pk}/"
    assert made.get(recipient=undeclared.user).url == f"/campaigns/judging/{undeclared.pk}/"
    to_staff = made.get(recipient=organiser)
    assert to_staff.title.startswith("2 judges of") and competition.title in to_staff.title
    assert to_staff.url == f"/campaigns/competitions/{competition.pk}/judges/"
    for note in made:
        assert "评委" not in note.title and first_entry.name not in note.title  # no judge, no entry named
    assert not made.filter(recipient=city_staff).exists()


def test_no_judging_reminder_before_reviewing_or_once_all_is_scored(tree, competition, judge, clerk1):
    an_entry = entry(competition, tree["g1"], clerk1)
    assert judging.dispatch(datetime.date(2026, 6, 1)) == {}  # running, not reviewing
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    sheet(judge, an_entry)
    assert judging.dispatch(datetime.date(2026, 6, 1)) == {}


# --- approvals ---------------------------------------------------------------------------------------
def submitted(tree, by, days_ago: int, today: datetime.date, **fields) -> Competition:
    moment = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(9)))
    return scheme(
        CompetitionFactory(
            organiser=fields.pop("organiser", tree["d1"]),
            created_by=by,
            status=Competition.Status.SUBMITTED,
            submitted_at=moment,
            **fields,
        )
    )


def test_a_competition_waiting_three_days_reminds_its_approvers_once(
    tree, organiser, city_staff, district_leader, other_district_staff
):
    today = datetime.date(2026, 2, 10)
    parent = submitted(tree, organiser, 3, today, title="父级审批的竞赛")
    submitted(tree, organiser, 2, today, title="刚提交的竞赛")  # two days: not yet
    leaders = submitted(
        tree, organiser, 5, today, title="本级领导审批的竞赛", approver=Competition.Approver.OWN_LEADERS
    )
    root = submitted(tree, city_staff, 4, today, title="市级竞赛", organiser=tree["city"])

    first = approvals.dispatch(today)
    again = approvals.dispatch(today)

    assert first == {kinds.REMINDER_APPROVAL_WAITING: 3}
    assert again == first
    made = notes(kinds.REMINDER_APPROVAL_WAITING)
    assert [user for user, _t in made] == ["leader-d1", "staff-city", "staff-city"]
    titles = dict(Notification.objects.filter(kind=kinds.REMINDER_APPROVAL_WAITING).values_list("title", "url"))
    assert any(parent.title in t for t in titles) and any(leaders.title in t for t in titles)
    assert any(root.title in t for t in titles)
    assert set(titles.values()) == {"/campaigns/approvals/"}
    assert not Notification.objects.filter(recipient__in=[organiser, other_district_staff]).exists()
    # the next day the one submitted two days before has waited three days
    assert approvals.dispatch(today + datetime.timedelta(days=1)) == {kinds.REMINDER_APPROVAL_WAITING: 4}
    assert Notification.objects.filter(kind=kinds.REMINDER_APPROVAL_WAITING).count() == 4


def test_a_competition_submitted_again_after_return_is_reminded_of_again(tree, organiser, city_staff):
    today = datetime.date(2026, 2, 10)
    waiting = submitted(tree, organiser, 3, today)
    approvals.dispatch(today)
    later = timezone.make_aware(datetime.datetime.combine(datetime.date(2026, 2, 12), datetime.time(9)))
    Competition.objects.filter(pk=waiting.pk).update(submitted_at=later)
    assert approvals.dispatch(datetime.date(2026, 2, 14)) == {}
    approvals.dispatch(datetime.date(2026, 2, 15))
    assert Notification.objects.filter(kind=kinds.REMINDER_APPROVAL_WAITING, recipient=city_staff).count() == 2


# --- the daily run -----------------------------------------------------------------------------------
def _scenario(tree, organiser, clerk1, judge_user, size: int):
    for n in range(size):
        competition = scheme(
            CompetitionFactory(organiser=tree["d1"], created_by=organiser, status=Competition.Status.REVIEWING)
        )
        JudgeFactory(competition=competition, user=UserFactory(), assigned_by=organiser)
        for _m in range(size):
            entry(competition, tree["g1"], clerk1)
        submitted(tree, organiser, 4 + n, datetime.date(2026, 6, 1))


def _queries(today) -> int:
    with CaptureQueriesContext(connection) as captured:
        dispatch_all(today)
    return len(captured)


def test_the_daily_run_takes_a_fixed_number_of_queries(tree, organiser, city_staff, clerk1, judge_user):
    _scenario(tree, organiser, clerk1, judge_user, 1)
    small = _queries(datetime.date(2026, 6, 1))
    Notification.objects.all().delete()
    _scenario(tree, organiser, clerk1, judge_user, 4)
    assert _queries(datetime.date(2026, 6, 1)) == small
    assert Notification.objects.filter(kind=kinds.REMINDER_STAGE_REPORT_OVERDUE).count() == 5
    assert Notification.objects.filter(kind=kinds.REMINDER_JUDGING_OVERDUE).count() == 10  # 5 judges + d1 staff ×5
    assert Notification.objects.filter(kind=kinds.REMINDER_APPROVAL_WAITING).count() == 5
    assert dispatch_all(datetime.date(2026, 6, 1)) and Notification.objects.count() == 20  # a re-run: nothing new


def test_the_task_is_named_and_scheduled(db):
    from django_celery_beat.models import PeriodicTask

    from campaigns.tasks.reminders import dispatch_reminders

    assert dispatch_reminders.name == "campaigns.dispatch_reminders"
    assert PeriodicTask.objects.filter(task="campaigns.dispatch_reminders", enabled=True).exists()
