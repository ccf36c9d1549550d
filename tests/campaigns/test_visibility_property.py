"""Who may see what of competitions (issue 16 "Who sees what"), tried on random trees and roles.

The campaigns records the scope property test (tests/unions/test_scope_property.py) puts in its random
world, and the oracle for each: written out here from the generated structure (a parent list walked in
Python), not from the materialised paths, ``campaigns.permissions`` or ``campaigns.selectors`` under test.

At every federation node (city, district, industry, street) three competitions are organised:

* one under review (judging open): an accepted team entry of every member-holding union below it, each
  with a stage report and its file; two judges who are users of the plan, the first declared with a
  conflict on one union (and their own unit another), the second not yet declared;
* one commended: an accepted entry of every member-holding union below, each with an award;
* one in set-up, its state one of submitted, approved, running, draft, returned (entries waiting for
  the organiser when it takes them).

Competitions alternate between the two approvers (the federation one level up, the organiser's own
leaders). Each record has two answers: ``visible_to`` (its page must open, i.e. not 404: the user may
act on it in its state) and ``known_to`` (may answer anything but 404: the user may see it at all); a
user outside ``known_to`` must get what a made-up id gets.

This module's own test: the scoped selectors give exactly the records the oracle says, for every user.
"""

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from campaigns import selectors
from campaigns.models import (
    Award,
    Competition,
    Criterion,
    Entry,
    Judge,
    JudgeConflict,
    Prize,
    Stage,
    StageReport,
    StageReportFile,
)
from campaigns.models.awards import certificate_number
from unions.models import Role, Union

from ..factories import UserFactory
from ..unions.test_scope_property import Plan, build_tree, plans

K = Union.Kind
R = Role.Kind
S = Competition.Status
STAFF = frozenset({R.FEDERATION_STAFF})
ENTRANTS = frozenset({R.UNION_CLERK, R.FEDERATION_STAFF})
LEADERS = frozenset({R.LEADER})
ORGANISERS = frozenset({K.CITY_FEDERATION, K.DISTRICT_FEDERATION, K.INDUSTRY_UNION, K.STREET_FEDERATION})
HOLDS_MEMBERS = frozenset({K.GRASSROOTS_UNION, K.JOINT_UNION})
SETUP_STATES = (S.SUBMITTED, S.APPROVED, S.RUNNING, S.DRAFT, S.RETURNED)
RETURNABLE = frozenset({S.SUBMITTED, S.APPROVED, S.RUNNING, S.REVIEWING})
HIDDEN_FROM_ENTRANTS = frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED})
# Entries close in the future and the period runs past today: a clerk may still enter the running ones.
STARTS, ENDS, DEADLINE = datetime.date(2026, 3, 1), datetime.date(2027, 12, 31), datetime.date(2027, 9, 30)


@dataclass
class Record:
    kind: str
    pk: int
    label: str  # what its pages show of it: an answer to anyone outside ``known_to`` must not
    visible_to: Callable[[int], bool] = field(repr=False)
    known_to: Callable[[int], bool] | None = field(default=None, repr=False)


@dataclass
class Judging:
    """A judge row, for the oracle: whose account, declared or not, and the nodes they conflict with."""

    user: int
    declared: bool
    conflicts: frozenset[int]


class Oracle:
    """The rules of ``campaigns.permissions``, walked on the plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def above(self, node: int) -> set[int]:
        return self.plan.ancestors_or_self(node) - {node}

    def holds(self, u: int, nodes: set[int], kinds) -> bool:
        return any(n in nodes and k in kinds for n, k in self.plan.roles[u])

    def manages(self, u: int, organiser: int) -> bool:
        """Federation staff at the organiser or above."""
        return self.plan.reaches(u, organiser, STAFF)

    def approves_in_principle(self, u: int, organiser: int, approver: str) -> bool:
        if approver == Competition.Approver.OWN_LEADERS:
            return self.plan.reaches(u, organiser, LEADERS)
        if self.plan.parents[organiser] is None:
            return self.holds(u, {organiser}, STAFF)
        return self.holds(u, self.above(organiser), STAFF)

    def may_approve(self, u: int, organiser: int, approver: str, status: str) -> bool:
        return status == S.SUBMITTED and self.approves_in_principle(u, organiser, approver)

    def may_return(self, u: int, organiser: int, approver: str, status: str) -> bool:
        return status in RETURNABLE and self.approves_in_principle(u, organiser, approver)

    def sees_competition(self, u: int, organiser: int, approver: str, status: str) -> bool:
        """Its organiser's staff, and its approver from its submission on (the competitions they let run or
        returned stay theirs to read; a draft never submitted is not)."""
        return self.manages(u, organiser) or (status != S.DRAFT and self.approves_in_principle(u, organiser, approver))

    def entrant_over(self, u: int, node: int) -> bool:
        return self.plan.reaches(u, node, ENTRANTS)

    def open_to(self, u: int, organiser: int, status: str) -> bool:
        """The clerk's list (``competitions_open_to``): organised at or above one of their entrant nodes,
        or inside its subtree; never a draft, a returned one or one waiting for approval."""
        if status in HIDDEN_FROM_ENTRANTS:
            return False
        related = self.plan.ancestors_or_self(organiser)
        return any(
            k in ENTRANTS and (n in related or organiser in self.plan.ancestors_or_self(n))
            for n, k in self.plan.roles[u]
        )

    def may_enter(self, u: int, organiser: int, status: str) -> bool:
        """Open for entries, and a member-holding union still open below both the organiser and the user's role."""
        if status not in (S.APPROVED, S.RUNNING):
            return False
        return any(
            organiser in self.plan.ancestors_or_self(h) and not self.plan.closed[h] and self.entrant_over(u, h)
            for h in self.plan.holders()
        )

    def conflicted(self, judging: Judging, node: int) -> bool:
        return bool(judging.conflicts & self.plan.ancestors_or_self(node))

    def judges(self, u: int, judgings: list[Judging], node: int, status: str) -> bool:
        """An assigned judge, declared, not conflicted with the entry's union, while judging is open."""
        return status == S.REVIEWING and any(
            j.user == u and j.declared and not self.conflicted(j, node) for j in judgings
        )

    def undeclared(self, u: int, judgings: list[Judging]) -> bool:
        """An assigned judge who has not declared yet: sent to declare by any entry's address of the
        competition (they learn that an entry has that number, nothing of it)."""
        return any(j.user == u and not j.declared for j in judgings)

    def assigned_unconflicted(self, u: int, judgings: list[Judging], node: int) -> bool:
        return any(j.user == u and not self.conflicted(j, node) for j in judgings)


def competition(node: int, union: Union, worker, suffix: str, status: str, approver: str) -> Competition:
    record = Competition.objects.create(
        title=f"〔竞赛{node:02d}{suffix}〕",
        kind=Competition.Kind.SKILL,
        organiser=union,
        level=Competition.level_of(union),
        starts_on=STARTS,
        ends_on=ENDS,
        entry_deadline=DEADLINE,
        approver=approver,
        status=status,
        created_by=worker,
    )
    Criterion.objects.create(competition=record, order=1, name="技能操作", weight=Decimal(60), max_score=Decimal(100))
    Criterion.objects.create(competition=record, order=2, name="理论知识", weight=Decimal(40), max_score=Decimal(50))
    for grade in (Prize.Grade.FIRST, Prize.Grade.SECOND):
        Prize.objects.create(competition=record, grade=grade, count=1)
    Stage.objects.create(
        competition=record,
        order=1,
        name="初赛",
        starts_on=STARTS,
        ends_on=datetime.date(2027, 6, 30),
        report_due=datetime.date(2027, 7, 10),
        judging_due=datetime.date(2027, 7, 31),
    )
    return record


def campaign_records(plan: Plan, nodes: list[Union], users: list, worker) -> list[Record]:
    """Every campaigns record of the world described above, with the oracle."""
    oracle = Oracle(plan)
    numbers = itertools.count(1)
    records: list[Record] = []

    def add(kind, pk, label, visible_to, known_to=None) -> None:
        records.append(Record(kind, pk, label, visible_to, known_to))

    def entry(record: Competition, holder: int, status: str) -> Entry:
        number = next(numbers)
        return Entry.objects.create(
            competition=record,
            union=nodes[holder],
            kind=Entry.Kind.TEAM,
            name=f"〔参赛{number:03d}〕",
            unit_name=f"〔单位{number:03d}〕",
            team_leader="王师傅",
            team_size=8,
            person_times=8,
            status=status,
            entered_by=worker,
            entered_at=timezone.now() - datetime.timedelta(days=30, minutes=number),
        )

    def add_competition(record: Competition, organiser: int) -> None:
        approver, status = record.approver, record.status
        manages = lambda u: oracle.manages(u, organiser)  # noqa: E731
        sees = lambda u: oracle.sees_competition(u, organiser, approver, status)  # noqa: E731

        def manages_when(*states):
            return lambda u: status in states and manages(u)

        add("competition", record.pk, record.title, manages)
        add("competition_page", record.pk, record.title, sees)
        add(
            "competition_to_approve",
            record.pk,
            record.title,
            lambda u: oracle.may_approve(u, organiser, approver, status),
            sees,
        )
        add(
            "competition_to_return",
            record.pk,
            record.title,
            lambda u: oracle.may_return(u, organiser, approver, status),
            sees,
        )
        # The moves on the competition's page: whoever may see the page may be refused them (403, a message).
        add("competition_setup", record.pk, record.title, manages_when(S.DRAFT, S.RETURNED), sees)
        add("competition_to_start", record.pk, record.title, manages_when(S.APPROVED), sees)
        add("competition_to_judge", record.pk, record.title, manages_when(S.RUNNING), sees)
        add("competition_to_close", record.pk, record.title, manages_when(S.REVIEWING), manages)
        add("competition_ranking", record.pk, record.title, manages_when(S.REVIEWING, S.CLOSED, S.COMMENDED), manages)
        add("competition_to_award", record.pk, record.title, manages_when(S.CLOSED), manages)
        add(
            "competition_to_enter",
            record.pk,
            record.title,
            lambda u: oracle.may_enter(u, organiser, status),
            lambda u: oracle.open_to(u, organiser, status) or oracle.may_enter(u, organiser, status),
        )

    def add_entry(record: Entry, holder: int, organiser: int, judgings: list[Judging]) -> None:
        status, competition_status = record.status, record.competition.status
        entrant = lambda u: oracle.entrant_over(u, holder)  # noqa: E731
        add("entry", record.pk, record.name, entrant)
        add(
            "entry_to_decide",
            record.pk,
            record.name,
            lambda u: status == Entry.Status.ENTERED and oracle.manages(u, organiser),
            entrant,
        )
        add(
            "entry_to_withdraw",
            record.pk,
            record.name,
            lambda u: status == Entry.Status.ENTERED and competition_status in (S.APPROVED, S.RUNNING) and entrant(u),
            entrant,
        )
        add(
            "entry_to_report",
            record.pk,
            record.name,
            lambda u: status == Entry.Status.ACCEPTED and competition_status in (S.RUNNING, S.REVIEWING) and entrant(u),
            entrant,
        )
        # The score sheet: the judges who may judge it, and nobody else (an organiser neither).
        judges = lambda u: status == Entry.Status.ACCEPTED and oracle.judges(u, judgings, holder, competition_status)  # noqa: E731
        add(
            "entry_to_judge",
            record.pk,
            record.name,
            judges,
            lambda u: judges(u) or oracle.undeclared(u, judgings),
        )

    holders = plan.holders()
    for organiser, union in enumerate(nodes):
        if plan.kinds[organiser] not in ORGANISERS:
            continue
        below = [h for h in holders if organiser in plan.ancestors_or_self(h)]
        turn = organiser + plan.seed
        approvers = [Competition.Approver.PARENT, Competition.Approver.OWN_LEADERS]

        # Under review: entries with stage reports, two judges (one declared with conflicts, one not).
        reviewing = competition(organiser, union, worker, "评", S.REVIEWING, approvers[turn % 2])
        add_competition(reviewing, organiser)
        judgings: list[Judging] = []
        for offset, declared in ((0, True), (1, False)):
            if offset >= len(users):
                break
            user_index = (turn + offset) % len(users)
            own = below[0] if declared and len(below) > 1 else None
            named = below[-1] if declared and below else None
            judge = Judge.objects.create(
                competition=reviewing,
                user=users[user_index],
                name=f"〔评委{organiser:02d}{offset}〕",
                own_union=nodes[own] if own is not None else None,
                assigned_by=worker,
                conflicts_declared_at=timezone.now() if declared else None,
            )
            if named is not None:
                JudgeConflict.objects.create(judge=judge, union=nodes[named], note="本单位")
            judgings.append(Judging(user_index, declared, frozenset(n for n in (own, named) if n is not None)))
            add("own_judge", judge.pk, judge.name, lambda u, i=user_index: u == i)
            add(
                "judge_row",
                judge.pk,
                judge.name,
                lambda u, o=organiser: oracle.manages(u, o),
            )
        stage = reviewing.stages.get()
        for holder in below:
            record = entry(reviewing, holder, Entry.Status.ACCEPTED)
            add_entry(record, holder, organiser, judgings)
            report = StageReport.objects.create(entry=record, stage=stage, summary="〔阶段总结〕", submitted_by=worker)
            upload = StageReportFile(report=report, original_name=f"〔文件{record.pk:04d}〕.pdf", size=13)
            upload.file.save("report.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
            add(
                "stage_report_file",
                upload.pk,
                upload.original_name,
                lambda u, h=holder, js=judgings: oracle.entrant_over(u, h) or oracle.judges(u, js, h, S.REVIEWING),
                lambda u, h=holder, js=judgings: oracle.entrant_over(u, h) or oracle.assigned_unconflicted(u, js, h),
            )

        # Commended: every entry placed and awarded (the first a first prize, the rest a second).
        commended = competition(organiser, union, worker, "奖", S.COMMENDED, approvers[(turn + 1) % 2])
        add_competition(commended, organiser)
        prizes = {prize.grade: prize for prize in commended.prizes.all()}
        for rank, holder in enumerate(below, start=1):
            record = entry(commended, holder, Entry.Status.ACCEPTED)
            Entry.objects.filter(pk=record.pk).update(rank=rank, final_score=Decimal(90 - rank))
            award = Award.objects.create(
                entry=record,
                prize=prizes[Prize.Grade.FIRST if rank == 1 else Prize.Grade.SECOND],
                number=certificate_number(commended.pk, rank),
                awarded_by=worker,
            )
            add_entry(record, holder, organiser, [])
            add("award", award.pk, award.number, lambda u, h=holder: oracle.entrant_over(u, h))

        # In set-up: a state of the five before judging; entries waiting for the organiser once approved.
        status = SETUP_STATES[turn % len(SETUP_STATES)]
        setup = competition(organiser, union, worker, "立", status, approvers[turn % 2])
        add_competition(setup, organiser)
        if status in (S.APPROVED, S.RUNNING):
            for holder in below:
                add_entry(entry(setup, holder, Entry.Status.ENTERED), holder, organiser, [])
    return records


# --- the selectors agree with the oracle ---------------------------------------------------------


class CampaignSelectorsProperty(TestCase):
    """For every user: the scoped selectors list exactly what the oracle says they may see."""

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans(min_nodes=2))
    def test_the_selectors_give_what_the_oracle_says(self, plan):
        nodes, users = build_tree(plan)
        records = campaign_records(plan, nodes, users, UserFactory())

        def expected(kind: str, u: int, known: bool = False) -> set[int]:
            return {
                r.pk for r in records if r.kind == kind and ((r.known_to or r.visible_to) if known else r.visible_to)(u)
            }

        for u, user in enumerate(users):
            who = f"user {u} with {plan.roles[u]}"
            managed = set(selectors.competitions_managed_by(user).values_list("pk", flat=True))
            assert managed == expected("competition", u), who
            approving = set(selectors.competitions_to_approve(user).values_list("pk", flat=True))
            assert approving == expected("competition_to_approve", u), who
            entries = set(selectors.entries_visible_to(user).values_list("pk", flat=True))
            assert entries == expected("entry", u), who
            awards = set(selectors.awards_visible_to(user).values_list("pk", flat=True))
            assert awards == expected("award", u), who
            open_to = set(selectors.competitions_open_to(user).values_list("pk", flat=True))
            assert open_to == expected("competition_to_enter", u, known=True), who
            mine = set(selectors.judgings_of(user).values_list("pk", flat=True))
            assert mine == expected("own_judge", u), who
            queued = set()
            for judge in selectors.judgings_of(user):
                queued |= set(selectors.judge_queue(judge).values_list("pk", flat=True))
            assert queued == expected("entry_to_judge", u), who
