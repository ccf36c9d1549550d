"""``seed_demo_campaigns`` (run by ``seed_demo`` after the integrity records): the demo district organises
a competition in every state, each consistent with the rules, the demo accounts find their part, and a
second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from campaigns import permissions, selectors
from campaigns.management.commands.seed_demo_campaigns import rank_competition
from campaigns.models import Award, Competition, Entry, Judge, Score, Scoresheet, StageReport, StageReportFile
from campaigns.models.awards import certificate_number

pytestmark = pytest.mark.django_db
MODELS = [Competition, Entry, Judge, Scoresheet, Score, StageReport, StageReportFile, Award]
S = Competition.Status


@pytest.fixture
def seed(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def _seed() -> str:
        out = io.StringIO()
        call_command("seed_demo", "--member-cap", "2", stdout=out)  # which runs seed_demo_campaigns
        return out.getvalue()

    return _seed


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seeding_twice_adds_nothing_and_every_state_is_there(seed):
    first_output = seed()
    first = counts()
    assert all(first.values()), first
    second_output = seed()
    assert counts() == first
    assert "竞赛 Campaigns: competitions_draft 1" in first_output
    assert "the demo district has its competitions already; nothing added." in second_output
    assert sorted(Competition.objects.values_list("status", flat=True)) == sorted(S.values)
    assert User.objects.filter(username="demo-judge").count() == 1


def test_refused_with_debug_off_and_without_the_demo_city(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_campaigns", stdout=io.StringIO())
    settings.DEBUG = True
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_campaigns", stdout=io.StringIO())


def test_each_demo_account_finds_its_part(seed):
    seed()
    staff, leader = User.objects.get(username="demo-district-staff"), User.objects.get(username="demo-leader")
    clerk, judge_user = User.objects.get(username="demo-clerk"), User.objects.get(username="demo-judge")
    by_status = {c.status: c for c in Competition.objects.all()}
    # The organiser's staff manage every one; the leader approves the waiting one (and only it).
    assert all(permissions.can_manage(staff, c) for c in by_status.values())
    assert list(selectors.competitions_to_approve(leader)) == [by_status[S.SUBMITTED]]
    assert by_status[S.RETURNED].return_reason
    # The clerk sees the open ones, not drafts; the approved and the running ones are still open for entries.
    open_to = set(selectors.competitions_open_to(clerk).values_list("status", flat=True))
    assert open_to == {S.APPROVED, S.RUNNING, S.REVIEWING, S.CLOSED, S.COMMENDED}
    today = timezone.localdate()
    for status in (S.APPROVED, S.RUNNING):
        assert by_status[status].entry_deadline >= today
    clerk_union = clerk.roles.get().union
    assert Entry.objects.filter(union=clerk_union, entered_by=clerk).count() == 5
    assert all(
        permissions.can_enter_for(clerk, by_status[S.RUNNING], e.union)
        for e in by_status[S.RUNNING].entries.filter(union=clerk_union)
    )
    assert set(by_status[S.RUNNING].entries.values_list("status", flat=True)) == set(Entry.Status.values)
    assert StageReport.objects.filter(entry__competition=by_status[S.RUNNING]).exists()
    # The judge: no staff role, judging the reviewing one, one entry hidden by their conflict.
    assert not judge_user.roles.exists()
    reviewing = by_status[S.REVIEWING]
    judge = Judge.objects.get(user=judge_user, competition=reviewing)
    queue = list(selectors.judge_queue(judge))
    accepted = list(reviewing.entries.filter(status=Entry.Status.ACCEPTED))
    assert len(queue) == len(accepted) - 1
    hidden = next(e for e in accepted if e not in queue)
    assert permissions.is_conflicted(judge, hidden) and not permissions.can_judge(judge_user, hidden)
    assert all(permissions.can_judge(judge_user, e) for e in queue)
    sheets = Scoresheet.objects.filter(judge=judge)
    assert sheets.filter(completed_at__isnull=False).exists() and sheets.filter(completed_at__isnull=True).count() == 1
    assert sheets.count() < len(queue)  # some still to score
    assert not Scoresheet.objects.filter(judge=judge, entry=hidden).exists()


def test_rules_hold_in_every_state(seed):
    seed()
    today = timezone.localdate()
    for c in Competition.objects.all():
        assert c.starts_on <= c.ends_on
        assert (c.approved_at is not None) == (c.status not in (S.DRAFT, S.SUBMITTED, S.RETURNED))
        assert (c.submitted_at is None) == (c.status == S.DRAFT)
        assert c.created_at <= timezone.now()
        weights = sum(cr.weight for cr in c.criteria.all())
        assert weights == 100, c
        assert c.stages.count() == 2 and c.prizes.exists()
        if c.status in (S.DRAFT, S.SUBMITTED, S.RETURNED):
            assert not c.entries.exists()
        for e in c.entries.all():
            assert permissions.covers(c, e.union) and e.union.holds_members
            assert e.entered_at <= timezone.now() and e.entered_at.date() <= c.entry_deadline
            if e.member_id:
                assert e.member.union_id == e.union_id
        for score in Score.objects.filter(sheet__entry__competition=c).select_related("criterion"):
            assert 0 <= score.value <= score.criterion.max_score
        for report in StageReport.objects.filter(entry__competition=c):
            assert report.entry.status == Entry.Status.ACCEPTED and report.submitted_at.date() <= today
    # Frozen rankings are campaigns.ranking's; prizes follow them, numbered by certificate_number.
    for c in Competition.objects.filter(status__in=(S.CLOSED, S.COMMENDED)):
        assert c.closed_at and c.closed_by_id
        placed = {p.entry_id: (p.final_score, p.rank) for p in rank_competition(c)}
        rows = c.entries.filter(rank__isnull=False).values_list("pk", "final_score", "rank")
        frozen = {pk: (score, place) for pk, score, place in rows}
        assert frozen == placed and len(frozen) == c.entries.filter(status=Entry.Status.ACCEPTED).count()
    commended = Competition.objects.get(status=S.COMMENDED)
    awards = list(Award.objects.filter(entry__competition=commended).select_related("entry", "prize"))
    assert len(awards) == sum(p.count for p in commended.prizes.all())
    for award in awards:
        assert award.number == certificate_number(commended.pk, award.entry.rank)
    assert [a.prize.grade for a in sorted(awards, key=lambda a: a.entry.rank)][:1] == ["first"]
    assert not Award.objects.exclude(entry__competition=commended).exists()
