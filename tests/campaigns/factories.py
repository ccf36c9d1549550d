"""Test data of the campaigns app, made through the models (the services are what the tests test)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from campaigns.models import Competition, Criterion, Entry, Judge, Prize, Stage


class CompetitionFactory(factory.django.DjangoModelFactory):
    """A district's skill contest in 2026, running; pass ``organiser`` and ``created_by``."""

    class Meta:
        model = Competition

    title = factory.Sequence(lambda n: f"第{n}届职工职业技能大赛")
    kind = Competition.Kind.SKILL
    level = factory.LazyAttribute(lambda o: Competition.level_of(o.organiser))
    starts_on = datetime.date(2026, 3, 1)
    ends_on = datetime.date(2026, 11, 30)
    entry_deadline = datetime.date(2026, 4, 30)
    status = Competition.Status.RUNNING


def scheme(
    competition: Competition,
    criteria=(("技能操作", 60, 100), ("理论知识", 40, 50)),
    prizes=(("first", 1), ("second", 2), ("third", 3)),
    stages=1,
) -> Competition:
    """Give the competition criteria (name, weight, maximum), prizes (grade, count) and stages."""
    for order, (name, weight, maximum) in enumerate(criteria, start=1):
        Criterion.objects.create(
            competition=competition, order=order, name=name, weight=Decimal(weight), max_score=Decimal(maximum)
        )
    for grade, count in prizes:
        Prize.objects.create(competition=competition, grade=grade, count=count)
    for order in range(1, stages + 1):
        Stage.objects.create(
            competition=competition,
            order=order,
            name=f"第{order}阶段",
            starts_on=datetime.date(2026, 3 + 2 * (order - 1), 1),
            ends_on=datetime.date(2026, 4 + 2 * (order - 1), 30),
            report_due=datetime.date(2026, 5 + 2 * (order - 1), 10),
            judging_due=datetime.date(2026, 5 + 2 * (order - 1), 31),
        )
    return competition


class EntryFactory(factory.django.DjangoModelFactory):
    """An accepted team entry; pass ``competition``, ``union`` and ``entered_by``."""

    class Meta:
        model = Entry

    kind = Entry.Kind.TEAM
    name = factory.Sequence(lambda n: f"数控车间第{n}班组")
    unit_name = factory.LazyAttribute(lambda o: o.union.name)
    team_leader = "王师傅"
    team_size = 8
    person_times = 8
    status = Entry.Status.ACCEPTED
    entered_at = factory.Sequence(
        lambda n: datetime.datetime(2026, 3, 2, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=n)
    )


class JudgeFactory(factory.django.DjangoModelFactory):
    """A judge who has declared no conflicts; pass ``competition``, ``user`` and ``assigned_by``."""

    class Meta:
        model = Judge

    name = factory.Sequence(lambda n: f"评委{n}")
    title = "高级技师"
    conflicts_declared_at = factory.LazyFunction(timezone.now)
