"""People of the small city (tests/conftest.py ``tree``) for the campaigns tests: the organisers' staff,
the clerks who enter, judges (accounts without a staff role) and a leader."""

import pytest

from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CompetitionFactory, JudgeFactory, scheme


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stage report files and certificates go to the test's directory, never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def city_staff(tree):
    """Federation staff of the city: the level above every district."""
    return staff(Role.Kind.FEDERATION_STAFF, tree["city"], username="staff-city")


@pytest.fixture
def organiser(tree):
    """Federation staff of district 1 (d1 → s1 → g1): they run district 1's competitions."""
    return staff(Role.Kind.FEDERATION_STAFF, tree["d1"], username="staff-d1")


@pytest.fixture
def other_district_staff(tree):
    return staff(Role.Kind.FEDERATION_STAFF, tree["d2"], username="staff-d2")


@pytest.fixture
def clerk1(tree):
    """The clerk of g1, a grassroots union in district 1."""
    return staff(Role.Kind.UNION_CLERK, tree["g1"], username="clerk-g1")


@pytest.fixture
def clerk2(tree):
    """The clerk of g2, in district 2: outside district 1's competitions."""
    return staff(Role.Kind.UNION_CLERK, tree["g2"], username="clerk-g2")


@pytest.fixture
def district_leader(tree):
    return staff(Role.Kind.LEADER, tree["d1"], username="leader-d1")


@pytest.fixture
def judge_user(db):
    """An account with no staff role, to be assigned as a judge."""
    return UserFactory(username="judge-one", first_name="评委甲")


@pytest.fixture
def competition(tree, organiser):
    """District 1's running skill contest: two criteria (60 % of 100, 40 % of 50), prizes 1/2/3, one stage."""
    return scheme(CompetitionFactory(organiser=tree["d1"], created_by=organiser, title="东城区数控技能大赛"))


@pytest.fixture
def judge(competition, judge_user, organiser):
    return JudgeFactory(competition=competition, user=judge_user, assigned_by=organiser, name="评委甲")


# --- honours -------------------------------------------------------------------------------------
@pytest.fixture
def honour_round(tree, city_staff):
    """The city's 2026 round of 劳动模范 and 五一劳动奖章, taking nominations; women ≥ 20 %,
    enterprise heads ≤ 10 %."""
    from .honour_factories import RoundFactory, rule, with_kinds

    round_ = with_kinds(RoundFactory(organiser=tree["city"], created_by=city_staff, title="2026年度市劳动模范评选"))
    rule(round_, "woman", "min", 20)
    rule(round_, "enterprise_head", "max", 10)
    return round_


@pytest.fixture
def nomination(honour_round, tree, clerk1):
    """A draft nomination of g1 (district 1) for 劳动模范."""
    from .honour_factories import NominationFactory

    return NominationFactory(round=honour_round, union=tree["g1"], first_node=tree["d1"], created_by=clerk1)
