"""Discipline officers and others of the small city (tests/conftest.py ``tree``), and cadres in it."""

import pytest

from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import UserFactory, staff


@pytest.fixture
def discipline_officer(tree):
    """The city federation's discipline officer: every cadre of the city."""
    return staff(Role.Kind.DISCIPLINE_OFFICER, tree["city"], username="discipline-city")


@pytest.fixture
def district_discipline_officer(tree):
    """District 1's discipline officer (d1 → s1 → g1)."""
    return staff(Role.Kind.DISCIPLINE_OFFICER, tree["d1"], username="discipline-d1")


@pytest.fixture
def cadre_officer(tree):
    """The city's cadre officer: asks for opinion letters, sees their conclusions only."""
    return staff(Role.Kind.CADRE_OFFICER, tree["city"], username="cadre-city")


@pytest.fixture
def leader(tree):
    """District 1's leader: aggregates only."""
    return staff(Role.Kind.LEADER, tree["d1"], username="leader-d1")


@pytest.fixture
def cadre(tree):
    """A cadre of street federation s1 (district 1) with a portal account of their own."""
    return CadreFactory(union=tree["s1"], user=UserFactory(username="cadre-self"), name="李晓明")


@pytest.fixture
def other_district_cadre(tree):
    """A cadre of district 2's street federation: outside district 1's scope."""
    return CadreFactory(union=tree["s2"], name="王芳")
