"""The scale city's honours: written with ``seed_scale`` (through ``members_seeded``, after the
competitions), at a tiny size here, in the plan's counts, consistent with the rules the services keep,
and the same for the same seed and day."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from campaigns.management.commands._scale_honours import FILE_NAME, HonourPlan, person_key_for
from campaigns.models import (
    CareRecord,
    Forwarding,
    Honour,
    Nomination,
    NominationFile,
    NominationReview,
    PublicNotice,
    Quota,
    Round,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TODAY = datetime.date(2026, 11, 24)
S = Nomination.Status


@pytest.fixture
def seed(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def _seed() -> None:
        call_command("seed_scale", members=2000, unions=40, today=TODAY, stdout=io.StringIO())

    return _seed


def digest() -> list:
    return [
        list(Round.objects.order_by("id").values_list("title", "status", "notice_planned")),
        list(Nomination.objects.order_by("id").values_list("nominee_name", "union__name", "kind__name", "status")),
        # Not the person keys of members: they carry the member's id, which a sequence used earlier shifts.
        list(Honour.objects.order_by("id").values_list("number", "holder_name", "member__name", "birth_date")),
        NominationReview.objects.count(),
        CareRecord.objects.count(),
    ]


def test_the_issue_sized_plan_and_a_smaller_city():
    plan = HonourPlan()
    assert (plan.years, plan.nominations, plan.awards, plan.files, plan.model_workers) == (5, 1500, 500, 8, 3000)
    assert HonourPlan.for_members(100_000) == plan == HonourPlan.for_members(1_000_000)
    small = HonourPlan.for_members(2000)
    assert small.nominations == 3 * small.awards and small.model_workers >= 40


def test_seed_scale_writes_consistent_honours_the_same_each_time(seed):
    seed()
    plan = HonourPlan.for_members(2000)
    rounds = list(Round.objects.order_by("year"))
    assert [r.year for r in rounds] == list(range(2022, 2027))
    assert [r.status for r in rounds] == [Round.Status.DECIDED] * 4 + [Round.Status.NOTICE]
    counts = dict(Nomination.objects.values_list("round__year").annotate(n=Count("id")))
    assert counts == dict.fromkeys(range(2022, 2027), plan.nominations)
    # Every awarded nomination has its honour; every round honour its awarded nomination; numbers unique.
    awarded = Nomination.objects.filter(status=S.AWARDED)
    assert awarded.count() == plan.awards * 4
    assert not awarded.filter(honour__isnull=True).exists()
    assert not Honour.objects.filter(round__isnull=False).exclude(nomination__status=S.AWARDED).exists()
    numbers = list(Honour.objects.values_list("number", "year"))
    assert len({n for n, _y in numbers}) == len(numbers)
    assert all(number.startswith(f"RY{year}-") and len(number) == len(f"RY{year}-00001") for number, year in numbers)
    for h in Honour.objects.all()[:300]:
        assert h.person_key == person_key_for(h.member_id, h.holder_name, h.birth_date)
        if h.nomination_id:
            assert h.union_id == h.nomination.union_id and h.holder_name == h.nomination.nominee_name
    # Model workers in the register: distinct persons holding 劳动模范.
    workers = Honour.objects.filter(kind__name="劳动模范").values("person_key").distinct().count()
    assert workers == plan.model_workers
    assert CareRecord.objects.exists()
    assert not CareRecord.objects.filter(delivered_on__gt=TODAY).exists()
    assert not CareRecord.objects.exclude(honour__kind__grants_care=True).exists()
    # Files: plan.files rows each, all pointing at the one stored file.
    assert NominationFile.objects.count() == plan.files * plan.nominations * 5
    assert set(NominationFile.objects.values_list("file", flat=True).distinct()) == {FILE_NAME}
    # Review rows follow the states; first_node is the organiser's child over the union.
    for n in Nomination.objects.select_related("first_node", "union", "round__organiser")[:400]:
        stages = list(n.reviews.values_list("stage", "outcome"))
        assert n.union.path.startswith(n.first_node.path) and n.first_node.depth == 2
        if n.status in (S.SUBMITTED, S.WITHDRAWN):
            assert stages == [] or n.status == S.WITHDRAWN
        if n.status == S.FIRST_PASSED:
            assert stages == [("first", "passed")]
        if n.status == S.AWARDED:
            assert stages == [("first", "passed"), ("second", "passed"), ("vetting", "passed"), ("decision", "passed")]
            assert n.vetting_opinions.filter(conclusion="clear").count() == 5
        if n.status == S.REJECTED:
            assert stages[-1][1] == "rejected"
    # Quotas hold every level's alive nominations; forwardings count what went up.
    for quota in Quota.objects.select_related("node"):
        alive = Nomination.objects.filter(
            round=quota.round, kind=quota.kind, status__in=Nomination.ALIVE, union__path__startswith=quota.node.path
        ).count()
        assert alive <= quota.count
    assert Forwarding.objects.exists()
    # This year's notice runs on the seed's day and holds the awards-to-be.
    notice = PublicNotice.objects.get(round=rounds[-1])
    assert notice.is_running(TODAY) and notice.nominations.count() == plan.awards
    bench = Nomination.objects.filter(round=rounds[-1], status=S.FIRST_PASSED, first_node__name__isnull=False)
    assert bench.values("first_node").annotate(n=Count("id")).order_by("-n").first()["n"] >= plan.bench_passed
    first = digest()
    seed()  # seeding again empties the city and writes the same again
    assert digest() == first
