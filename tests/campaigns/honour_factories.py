"""Test data of the honours, made through the models (the services are what the tests test).

The standard kinds (劳动模范, 五一劳动奖章, 五一劳动奖状, 工人先锋号, 工匠, 劳模创新工作室) come from the
migration ``campaigns.0004_standard_honour_kinds``; ``honour_kind(name)`` fetches one.
"""

import datetime

import factory

from campaigns.models import (
    Honour,
    HonourKind,
    Nomination,
    PublicNotice,
    Quota,
    Round,
    StructuralRule,
)

MODEL_WORKER = "劳动模范"
MAY_DAY_MEDAL = "五一劳动奖章"
WORKER_PIONEER = "工人先锋号"


def honour_kind(name: str = MODEL_WORKER) -> HonourKind:
    return HonourKind.objects.get(name=name)


class RoundFactory(factory.django.DjangoModelFactory):
    """The city's 2026 round, taking nominations; pass ``organiser`` and ``created_by``. Add kinds with
    ``round.kinds.add(...)`` or ``with_kinds(round)``."""

    class Meta:
        model = Round

    title = factory.Sequence(lambda n: f"2026年度劳动模范和先进集体评选（第{n}批）")
    year = 2026
    level = factory.LazyAttribute(lambda o: Round.level_of(o.organiser))
    nominations_close = datetime.date(2026, 3, 31)
    first_review_due = datetime.date(2026, 4, 15)
    second_review_due = datetime.date(2026, 4, 30)
    vetting_due = datetime.date(2026, 5, 20)
    notice_planned = datetime.date(2026, 6, 1)
    notice_days = 5
    status = Round.Status.NOMINATING
    conferring_body = "市总工会"


def with_kinds(round_: Round, *names: str) -> Round:
    for name in names or (MODEL_WORKER, MAY_DAY_MEDAL):
        round_.kinds.add(honour_kind(name))
    return round_


def rule(round_: Round, flag: str, bound: str, percent: int) -> StructuralRule:
    return StructuralRule.objects.create(round=round_, flag=flag, bound=bound, percent=percent)


def quota(round_: Round, node, kind: HonourKind, count: int, set_by) -> Quota:
    return Quota.objects.create(round=round_, node=node, kind=kind, count=count, set_by=set_by)


class NominationFactory(factory.django.DjangoModelFactory):
    """A woman front-line worker nominated for 劳动模范, in draft; pass ``round``, ``union``,
    ``first_node`` (the district or industry union over it) and ``created_by``."""

    class Meta:
        model = Nomination

    kind = factory.LazyFunction(honour_kind)
    nominee_name = factory.Sequence(lambda n: f"候选人{n}")
    sex = "F"
    birth_date = datetime.date(1985, 6, 1)
    unit_name = factory.LazyAttribute(lambda o: o.union.name)
    post = "数控车工"
    political_status = "cpc_member"
    enterprise_staff = True
    front_line = True
    woman = True
    deeds = "长期扎根生产一线，带领班组攻克多项技术难题。"
    review_meeting_on = datetime.date(2026, 3, 1)
    review_attendance = 45
    votes_for = 43
    votes_against = 1
    votes_abstaining = 1
    unit_notice_from = datetime.date(2026, 3, 2)
    unit_notice_to = datetime.date(2026, 3, 6)
    status = Nomination.Status.DRAFT


class NoticeFactory(factory.django.DjangoModelFactory):
    """A 5-working-day notice published on Monday 2026-06-01 (1–5 June); pass ``round`` and ``published_by``."""

    class Meta:
        model = PublicNotice

    title = factory.LazyAttribute(lambda o: f"{o.round.title}拟表彰对象公示")
    published_on = datetime.date(2026, 6, 1)
    working_days = 5
    first_day = datetime.date(2026, 6, 1)
    last_day = datetime.date(2026, 6, 5)


class HonourFactory(factory.django.DjangoModelFactory):
    """A city-level 劳动模范 of 2025 in the register; pass ``union`` and ``created_by``."""

    class Meta:
        model = Honour

    kind = factory.LazyFunction(honour_kind)
    year = 2025
    level = Honour.Level.CITY
    holder_name = factory.Sequence(lambda n: f"劳模{n}")
    sex = "M"
    birth_date = datetime.date(1975, 3, 1)
    person_key = factory.Sequence(lambda n: f"p{n}")
    unit_name = factory.LazyAttribute(lambda o: o.union.name)
    post = "高级技师"
    document_number = "市工发〔2025〕12号"
    conferring_body = "市总工会"
    decided_on = datetime.date(2025, 4, 28)
    number = factory.Sequence(lambda n: f"RY2025-{n:05d}")
