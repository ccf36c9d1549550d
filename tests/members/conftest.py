"""Fixtures of the members tests: a clerk at each grassroots union, files kept in the test's own directory."""

import pytest

from unions.models import Role, Union

from ..factories import staff


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded rosters, error files and exports go to the test's directory, never the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def clerk1(tree):
    return staff(Role.Kind.UNION_CLERK, tree["g1"])


@pytest.fixture
def clerk2(tree):
    return staff(Role.Kind.UNION_CLERK, tree["g2"])


@pytest.fixture
def clerk3(tree):
    return staff(Role.Kind.UNION_CLERK, tree["g3"])


@pytest.fixture
def platform(tree):
    """Street federation s1 (above g1) takes platform workers."""
    Union.objects.filter(pk=tree["s1"].pk).update(takes_platform_workers=True)
    tree["s1"].refresh_from_db()
    return tree["s1"]
