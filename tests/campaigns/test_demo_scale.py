"""The scale city's competitions: written with ``seed_scale`` (through ``members_seeded``), at a reduced
size here, in the plan's counts, consistent with the rules, and the same for the same seed and day."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from accounts.models import User
from campaigns import permissions
from campaigns.management.commands._scale_campaigns import BENCH_TITLE, JUDGE_PREFIX, CampaignPlan
from campaigns.management.commands.seed_demo_campaigns import rank_competition
from campaigns.models import Award, Competition, Entry, Judge, Score, Scoresheet
from campaigns.models.awards import certificate_number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TODAY = datetime.date(2026, 11, 21)
S = Competition.Status


def seed() -> None:
    call_command("seed_scale", members=2000, unions=40, today=TODAY, stdout=io.StringIO())


def digest() -> list:
    return [
        list(Competition.objects.order_by("id").values_list("title", "status", "starts_on", "organiser__name")),
        list(Entry.objects.order_by("id").values_list("union__name", "kind", "status", "final_score", "rank")),
        list(Score.objects.order_by("id").values_list("value", flat=True)),
        # Not the numbers: they carry the competition's id, which a sequence used before this test shifts.
        list(Award.objects.order_by("id").values_list("entry__competition__title", "entry__rank", "prize__grade")),
    ]


def test_seed_scale_writes_the_plans_counts_the_same_each_time():
    seed()
    plan = CampaignPlan.for_members(2000)
    assert Competition.objects.count() == plan.per_year * plan.years
    years = Competition.objects.values("starts_on__year").annotate(n=Count("id"))
    assert {row["starts_on__year"] for row in years} >= {2024, 2025, 2026}
    assert Entry.objects.count() == plan.entries
    assert User.objects.filter(username__startswith=JUDGE_PREFIX).count() == plan.judges
    bench = Competition.objects.get(title=BENCH_TITLE)
    assert (
        bench.status == S.REVIEWING and bench.entries.filter(status=Entry.Status.ACCEPTED).count() == plan.bench_entries
    )
    assert bench.judges.count() == plan.bench_judges
    # Every judge of the bench's competition finished every entry: it can be closed.
    assert Scoresheet.objects.filter(entry__competition=bench, completed_at__isnull=False).count() == (
        plan.bench_entries * plan.bench_judges
    )
    first = digest()
    seed()  # seeding again empties the city and writes the same again
    assert digest() == first


def test_the_issue_sized_plan_and_a_smaller_city():
    plan = CampaignPlan()
    assert (plan.per_year * plan.years, plan.entries, plan.judges) == (900, 20_000, 200)
    assert (plan.bench_entries, plan.bench_judges) == (2_000, 5)
    assert CampaignPlan.for_members(100_000) == plan == CampaignPlan.for_members(1_000_000)
    assert CampaignPlan.for_members(10_000).entries == 2_000


def test_records_are_consistent_with_the_rules():
    seed()
    past = Competition.objects.filter(starts_on__year__lt=2026)
    assert set(past.values_list("status", flat=True)) <= {S.CLOSED, S.COMMENDED}
    for c in Competition.objects.select_related("organiser"):
        assert c.organiser.kind in permissions.ORGANISER_KINDS
        assert permissions.can_manage(c.created_by, c)
        if c.status in (S.DRAFT, S.SUBMITTED, S.RETURNED):
            assert c.approved_by_id is None and not c.entries.exists()
        else:
            probe = Competition(organiser=c.organiser, approver=c.approver, status=S.SUBMITTED)
            assert permissions.can_approve(c.approved_by, probe), c
        if c.status == S.RUNNING:
            assert c.starts_on <= TODAY <= c.ends_on
        if c.status in (S.REVIEWING, S.CLOSED, S.COMMENDED):
            assert c.ends_on < TODAY
        if c.status in (S.APPROVED, S.DRAFT, S.SUBMITTED, S.RETURNED):
            assert c.starts_on > TODAY
    for e in Entry.objects.select_related("competition__organiser", "union")[:500]:
        assert permissions.covers(e.competition, e.union) and e.union.holds_members
        assert e.entered_at.date() <= TODAY
    # Scores within the maximum; no judge scored an entry of a union they conflict with.
    assert Score.objects.exists() and not Score.objects.filter(value__gt=F("criterion__max_score")).exists()
    for judge in Judge.objects.filter(conflicts__isnull=False).distinct():
        for sheet in judge.sheets.select_related("entry__union"):
            assert not permissions.is_conflicted(judge, sheet.entry)
    # Frozen rankings are campaigns.ranking's; prizes are numbered by certificate_number.
    assert (
        not Entry.objects.filter(rank__isnull=False).exclude(competition__status__in=(S.CLOSED, S.COMMENDED)).exists()
    )
    for c in Competition.objects.filter(status__in=(S.CLOSED, S.COMMENDED))[:10]:
        placed = {p.entry_id: (p.final_score, p.rank) for p in rank_competition(c)}
        rows = c.entries.filter(rank__isnull=False).values_list("pk", "final_score", "rank")
        assert {pk: (score, place) for pk, score, place in rows} == placed
    for award in Award.objects.select_related("entry__competition")[:200]:
        assert award.entry.competition.status == S.COMMENDED
        assert award.number == certificate_number(award.entry.competition_id, award.entry.rank)
    assert Award.objects.exists()
