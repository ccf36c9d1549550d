"""Who may see what of honours (issue 17 "Who sees what"), tried on random trees and roles.

The honours records the scope property test (tests/unions/test_scope_property.py) puts in its random
world, and the oracle for each, written out from the generated structure (a parent list walked in
Python), not from the materialised paths, ``campaigns.honour_permissions`` or the selectors under test.

At every city, district and industry federation one round runs. Each member-holding union below it has
nominations in every state (with a file each), the vetting ones an opinion with a file; the round's
notice lists those in notice, with an objection on one; the awarded ones are in the register, each
holder with a studio. Each record has two answers: ``visible_to`` (its page must open: the user may act
on it in its state) and ``known_to`` (may answer anything but 404: the user may see it at all); anyone
else must get what a made-up id gets.

This module's own test: the scoped selectors give exactly the records the oracle says, for every user.
"""

import datetime
import itertools
from collections.abc import Callable

from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase

from campaigns import honour_selectors
from campaigns.models import (
    Honour,
    HonourKind,
    InnovationStudio,
    Nomination,
    NominationFile,
    Objection,
    PublicNotice,
    Round,
    VettingOpinion,
)
from members.pii import encrypt
from unions.models import Role, Union

from ..factories import UserFactory
from ..unions.test_scope_property import Plan, build_tree, plans
from .test_visibility_property import Record

K = Union.Kind
R = Role.Kind
N = Nomination.Status
STAFF = frozenset({R.FEDERATION_STAFF})
NOMINATORS = frozenset({R.UNION_CLERK, R.FEDERATION_STAFF})
LEADERS = frozenset({R.LEADER})
ORGANISERS = frozenset({K.CITY_FEDERATION, K.DISTRICT_FEDERATION, K.INDUSTRY_UNION})
STATES = (N.DRAFT, N.SUBMITTED, N.FIRST_PASSED, N.FORWARDED, N.VETTING, N.VETTED, N.NOTICE, N.RETURNED, N.AWARDED)


class HonourOracle:
    """The rules of ``campaigns.honour_permissions``, walked on the plan."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    def below_or_at(self, node: int, top: int) -> bool:
        return top in self.plan.ancestors_or_self(node)

    def manages(self, u: int, organiser: int) -> bool:
        return self.plan.reaches(u, organiser, STAFF)

    def round_known(self, u: int, organiser: int) -> bool:
        """Generous on purpose (the round's pages may show themselves to any of these, or 404): anyone
        holding a nominating, staff or leader role at, above or below the organiser."""
        kinds = NOMINATORS | LEADERS
        return any(
            k in kinds and (self.below_or_at(organiser, n) or self.below_or_at(n, organiser))
            for n, k in self.plan.roles[u]
        )

    def nominator_over(self, u: int, node: int) -> bool:
        return self.plan.reaches(u, node, NOMINATORS)

    def register_reader(self, u: int, node: int) -> bool:
        return self.plan.reaches(u, node, NOMINATORS)

    def may_nominate(self, u: int, organiser: int) -> bool:
        return any(
            self.below_or_at(h, organiser) and self.nominator_over(u, h) and not self.plan.closed[h]
            for h in self.plan.holders()
        )


def honour_records(plan: Plan, nodes: list[Union], users: list, worker) -> list[Record]:
    oracle = HonourOracle(plan)
    numbers = itertools.count(1)
    records: list[Record] = []
    model_worker = HonourKind.objects.get(name="劳动模范")

    def add(kind: str, pk: int, label: str, visible_to: Callable, known_to: Callable | None = None) -> None:
        records.append(Record(kind, pk, label, visible_to, known_to))

    for organiser, union in enumerate(nodes):
        if plan.kinds[organiser] not in ORGANISERS:
            continue
        round_ = Round.objects.create(
            title=f"〔评选{organiser:02d}〕",
            year=2026,
            organiser=union,
            level=Round.level_of(union),
            nominations_close=datetime.date(2027, 3, 31),
            first_review_due=datetime.date(2027, 4, 15),
            second_review_due=datetime.date(2027, 4, 30),
            vetting_due=datetime.date(2027, 5, 20),
            notice_planned=datetime.date(2027, 6, 1),
            status=Round.Status.NOMINATING,
            conferring_body="市总工会",
            created_by=worker,
        )
        round_.kinds.add(model_worker)
        manages = lambda u, o=organiser: oracle.manages(u, o)  # noqa: E731
        known = lambda u, o=organiser: oracle.round_known(u, o) or oracle.may_nominate(u, o)  # noqa: E731
        add("honour_round", round_.pk, round_.title, manages, known)
        add(
            "honour_round_to_nominate", round_.pk, round_.title, lambda u, o=organiser: oracle.may_nominate(u, o), known
        )
        add(
            "honour_round_summary",
            round_.pk,
            round_.title,
            lambda u, o=organiser: oracle.manages(u, o) or plan.reaches(u, o, LEADERS),
            known,
        )
        notice = PublicNotice.objects.create(
            round=round_,
            title=f"〔公示{organiser:02d}〕",
            published_on=datetime.date(2026, 6, 1),
            working_days=5,
            first_day=datetime.date(2026, 6, 1),
            last_day=datetime.date(2026, 6, 5),
            published_by=worker,
        )
        add("honour_notice", notice.pk, notice.title, manages)
        objected = False
        below = [h for h in plan.holders() if organiser in plan.ancestors_or_self(h)]
        for turn, holder in enumerate(below):
            path = sorted(plan.ancestors_or_self(holder), key=lambda n: len(plan.ancestors_or_self(n)))
            first = path[path.index(organiser) + 1]
            # Every state, the first one or two left out in turn so that lists differ between unions.
            for status in STATES[(turn + plan.seed) % 3 :]:
                number = next(numbers)
                nomination = Nomination.objects.create(
                    round=round_,
                    kind=model_worker,
                    union=nodes[holder],
                    first_node=nodes[first],
                    nominee_name=f"〔候选{number:03d}〕",
                    sex="F",
                    birth_date=datetime.date(1980, 1, 1),
                    unit_name=f"〔单位{number:03d}〕",
                    post="车工",
                    woman=True,
                    deeds="事迹",
                    status=status,
                    notice=notice if status in (N.NOTICE, N.AWARDED) else None,
                    created_by=worker,
                )
                add_nomination(add, oracle, nomination, holder, first, organiser)
                upload = NominationFile(
                    nomination=nomination, original_name=f"〔材料{number:03d}〕.pdf", size=13, uploaded_by=worker
                )
                upload.file.save("evidence.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
                add("nomination_file", upload.pk, upload.original_name, lambda u, h=holder: oracle.nominator_over(u, h))
                if status == N.VETTING:
                    opinion = VettingOpinion(
                        nomination=nomination,
                        department=VettingOpinion.Department.TAX,
                        conclusion=VettingOpinion.Conclusion.CLEAR,
                        original_name=f"〔意见{number:03d}〕.pdf",
                        recorded_by=worker,
                    )
                    opinion.file.save("opinion.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
                    add(
                        "vetting_file",
                        opinion.pk,
                        opinion.original_name,
                        manages,
                        lambda u, h=holder, o=organiser: oracle.nominator_over(u, h) or oracle.manages(u, o),
                    )
                if status == N.NOTICE and not objected:
                    objected = True
                    objection = Objection.objects.create(
                        notice=notice,
                        nomination=nomination,
                        objector_name=f"〔异议人{number:03d}〕",
                        objector_mobile=encrypt("13912345678"),
                        facts="〔异议事实〕",
                    )
                    add("objection", objection.pk, objection.objector_name, manages)
                if status == N.AWARDED:
                    honour = Honour.objects.create(
                        kind=model_worker,
                        round=round_,
                        nomination=nomination,
                        year=2026,
                        level=Honour.Level.CITY,
                        holder_name=nomination.nominee_name,
                        sex="F",
                        birth_date=nomination.birth_date,
                        person_key=f"k{number}",
                        unit_name=nomination.unit_name,
                        union=nodes[holder],
                        document_number="市工发〔2026〕1号",
                        conferring_body="市总工会",
                        decided_on=datetime.date(2026, 6, 20),
                        number=f"RY2026-{number:05d}",
                        created_by=worker,
                    )
                    reader = lambda u, h=holder: oracle.register_reader(u, h)  # noqa: E731
                    add("honour", honour.pk, honour.holder_name, reader)
                    add("honour_to_revoke", honour.pk, honour.holder_name, manages, reader)
                    studio = InnovationStudio.objects.create(
                        name=f"〔工作室{number:03d}〕",
                        leader=honour,
                        host_union=nodes[holder],
                        host_unit="〔依托单位〕",
                        field="数控",
                        level=InnovationStudio.Level.CITY,
                        recognised_year=2026,
                        created_by=worker,
                    )
                    add("studio", studio.pk, studio.name, lambda u, h=holder: plan.reaches(u, h, STAFF))
    return records


def add_nomination(add, oracle: HonourOracle, nomination: Nomination, holder: int, first: int, organiser: int) -> None:
    status, label = nomination.status, nomination.nominee_name
    sees = lambda u: oracle.nominator_over(u, holder)  # noqa: E731
    manages = lambda u: oracle.manages(u, organiser)  # noqa: E731
    add("nomination", nomination.pk, label, sees)
    add("nomination_to_edit", nomination.pk, label, lambda u: status in Nomination.EDITABLE and sees(u), sees)
    add("nomination_to_withdraw", nomination.pk, label, lambda u: status in Nomination.WITHDRAWABLE and sees(u), sees)
    add(
        "nomination_to_review",
        nomination.pk,
        label,
        lambda u: (
            (status == N.SUBMITTED and oracle.plan.reaches(u, first, STAFF)) or (status == N.FORWARDED and manages(u))
        ),
        sees,
    )
    add("nomination_to_vet", nomination.pk, label, lambda u: status == N.VETTING and manages(u), sees)
    add("nomination_to_decide", nomination.pk, label, lambda u: status == N.NOTICE and manages(u), sees)


# --- the selectors agree with the oracle ---------------------------------------------------------


class HonourSelectorsProperty(TestCase):
    """For every user: the scoped selectors list exactly what the oracle says they may see."""

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(plans(min_nodes=2))
    def test_the_selectors_give_what_the_oracle_says(self, plan):
        nodes, users = build_tree(plan)
        records = honour_records(plan, nodes, users, UserFactory())

        def expected(kind: str, u: int) -> set[int]:
            return {r.pk for r in records if r.kind == kind and r.visible_to(u)}

        for u, user in enumerate(users):
            who = f"user {u} with {plan.roles[u]}"
            managed = set(honour_selectors.rounds_managed_by(user).values_list("pk", flat=True))
            assert managed == expected("honour_round", u), who
            nominations = set(honour_selectors.nominations_visible_to(user).values_list("pk", flat=True))
            assert nominations == expected("nomination", u), who
            honours = set(honour_selectors.honours_visible_to(user).values_list("pk", flat=True))
            assert honours == expected("honour", u), who
            objections = set(honour_selectors.objections_visible_to(user).values_list("pk", flat=True))
            assert objections == expected("objection", u), who
            notices = set(honour_selectors.notices_managed_by(user).values_list("pk", flat=True))
            assert notices == expected("honour_notice", u), who
            studios = set(honour_selectors.studios_visible_to(user).values_list("pk", flat=True))
            assert studios == expected("studio", u), who
            first = set(honour_selectors.first_review_queue(user).values_list("pk", flat=True))
            second = set(honour_selectors.organiser_queue(user, N.FORWARDED).values_list("pk", flat=True))
            assert first | second == expected("nomination_to_review", u), who
