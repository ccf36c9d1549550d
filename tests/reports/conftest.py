import datetime
import itertools

import pytest

from members.id_number import check_character, parse
from members.models import Member, MemberEvent
from members.services import card_issue
from unions.models import Role

from ..factories import staff

_people = itertools.count(5000)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STAFF_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _eager_unless_a_real_worker(request):
    """Builds run in the test's process, except in the one test that runs a real worker against Redis."""
    from unionportal.celery import app

    if request.node.get_closest_marker("redis"):
        yield
        return
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def leader(tree):
    """A leader of district 1: dashboards and reports, no personal lists."""
    return staff(Role.Kind.LEADER, tree["d1"])


def new_id_number(*, born: datetime.date | None = None, male: bool | None = None) -> str:
    """A valid ID number, spread over birth dates and both sexes unless ``born`` and ``male`` fix them
    (a test whose figures depend on age groups or the sex split must not depend on how many tests ran
    before it)."""
    n = next(_people)
    if born is None:
        born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n * 37 % 12000)
    # The sequence's last digit gives the sex: odd for a man.
    sequence = n % 1000 if male is None else (n % 500) * 2 + int(male)
    body = f"110105{born:%Y%m%d}{sequence:03d}"
    return body + check_character(body)


def make_member(
    union,
    *,
    name="张三",
    joined_on=datetime.date(2020, 1, 1),
    card=False,
    user=None,
    born: datetime.date | None = None,
    male: bool | None = None,
    **fields,
) -> Member:
    n = next(_people)
    fields.setdefault("mobile", f"139{n:08d}")
    member = Member(union=union, name=name, joined_on=joined_on, user=user, **fields)
    member.set_id_number(parse(new_id_number(born=born, male=male)))
    member.save()
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.JOINED, to_union=union)
    if card:
        card_issue(member=member, by=None)
    return member
