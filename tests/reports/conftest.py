import datetime
import itertools

import pytest

from members.id_number import check_character, parse
from members.models import Member, MemberEvent
from members.services import card_issue

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


def new_id_number() -> str:
    n = next(_people)
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n * 37 % 12000)
    body = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return body + check_character(body)


def make_member(union, *, name="张三", joined_on=datetime.date(2020, 1, 1), card=False, user=None, **fields) -> Member:
    n = next(_people)
    fields.setdefault("mobile", f"139{n:08d}")
    member = Member(union=union, name=name, joined_on=joined_on, user=user, **fields)
    member.set_id_number(parse(new_id_number()))
    member.save()
    MemberEvent.objects.create(member=member, kind=MemberEvent.Kind.JOINED, to_union=union)
    if card:
        card_issue(member=member, by=None)
    return member
