"""Cadre officers of the small city (tests/conftest.py ``tree``), and a few cadres in it."""

import pytest

from unions.models import Role

from ..factories import UserFactory, staff
from .factories import CadreFactory


@pytest.fixture
def cadre_officer(tree):
    """The city federation's cadre officer: every cadre of the city."""
    return staff(Role.Kind.CADRE_OFFICER, tree["city"], username="cadre-city")


@pytest.fixture
def district_cadre_officer(tree):
    """District 1's cadre officer (d1 → s1 → g1)."""
    return staff(Role.Kind.CADRE_OFFICER, tree["d1"], username="cadre-d1")


@pytest.fixture
def leader(tree):
    """District 1's leader: aggregates, and confirms the yearly grades of district 1's units."""
    return staff(Role.Kind.LEADER, tree["d1"], username="leader-d1")


@pytest.fixture
def cadre(tree):
    """A cadre of street federation s1 (district 1) with a portal account of their own."""
    return CadreFactory(union=tree["s1"], user=UserFactory(username="cadre-self"), name="李晓明")


@pytest.fixture
def other_district_cadre(tree):
    """A cadre of district 2's street federation: outside district 1's scope."""
    return CadreFactory(union=tree["s2"], name="王芳")
