"""Discipline officers and others of the small city (tests/conftest.py ``tree``), and cadres in it."""

import pytest

from unions.models import Role

from ..cadres.conftest import cadre, cadre_officer, leader, other_district_cadre  # noqa: F401  (the same people)
from ..factories import staff


@pytest.fixture
def discipline_officer(tree):
    """The city federation's discipline officer: every cadre of the city."""
    return staff(Role.Kind.DISCIPLINE_OFFICER, tree["city"], username="discipline-city")


@pytest.fixture
def district_discipline_officer(tree):
    """District 1's discipline officer (d1 → s1 → g1)."""
    return staff(Role.Kind.DISCIPLINE_OFFICER, tree["d1"], username="discipline-d1")
