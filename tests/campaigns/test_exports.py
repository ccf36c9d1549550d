"""The entries' and the scores' workbooks: the organiser's staff only (anyone else 404), audited,
formula-safe; the scores leave out the entries the user is a conflicted judge of."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import Award, Competition, Entry, JudgeConflict, Score, Scoresheet
from unions.models import Role

from ..factories import UserFactory, grant
from .factories import EntryFactory, JudgeFactory

pytestmark = pytest.mark.django_db


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(response):
    sheet = workbook(response).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def entries(tree, competition, clerk1):
    g1 = EntryFactory(
        competition=competition, union=tree["g1"], entered_by=clerk1, name='=HYPERLINK("http://x")', person_times=12
    )
    g2 = EntryFactory(competition=competition, union=tree["g2"], entered_by=clerk1, name="西城班组", kind="unit")
    refused = EntryFactory(
        competition=competition, union=tree["g1"], entered_by=clerk1, name="被拒班组", status=Entry.Status.REFUSED
    )
    return g1, g2, refused


def test_the_entries_workbook_lists_every_entry_formula_safe_and_is_audited(client, organiser, competition, entries):
    g1, g2, _refused = entries
    Entry.objects.filter(pk=g1.pk).update(final_score=Decimal("91.250"), rank=1)
    Award.objects.create(entry=g1, prize=competition.prizes.get(grade="first"), number="JS1-001", awarded_by=organiser)
    client.force_login(organiser)
    response = client.get(f"/campaigns/competitions/{competition.pk}/entries.xlsx")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    data = rows(response)
    assert data[0] == [
        "名称",
        "参赛形式",
        "单位",
        "工会",
        "班组长",
        "班组人数",
        "参与人次",
        "状态",
        "最终得分",
        "名次",
        "奖项",
    ]
    assert len(data) == 4
    first = data[1]
    assert first[0] == '=HYPERLINK("http://x")' and first[6] == 12 and first[8] == 91.25 and first[9] == 1
    assert first[10] == "一等奖" and first[3] == "东城机械厂工会" and first[7] == "已接收"
    sheet = workbook(client.get(f"/campaigns/competitions/{competition.pk}/entries.xlsx")).active
    assert sheet["A2"].data_type == "s"  # text, never a formula
    event = AuditEvent.objects.filter(action=kinds.ENTRIES_EXPORTED).latest("pk")
    assert event.detail == {"rows": 3} and event.target_id == str(competition.pk)


@pytest.mark.parametrize("who", ["clerk1", "other_district_staff", "district_leader"])
def test_nobody_but_the_organisers_staff_gets_a_workbook(request, client, competition, entries, who):
    client.force_login(request.getfixturevalue(who))
    for name in ("entries", "scores"):
        response = client.get(f"/campaigns/competitions/{competition.pk}/{name}.xlsx")
        assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action__in=[kinds.ENTRIES_EXPORTED, kinds.SCORES_EXPORTED]).exists()


def test_city_staff_above_the_organiser_get_it(client, city_staff, competition, entries):
    client.force_login(city_staff)
    assert client.get(f"/campaigns/competitions/{competition.pk}/entries.xlsx").status_code == 200


def _score(judge, entry, value):
    sheet = Scoresheet.objects.create(judge=judge, entry=entry, completed_at=timezone.now())
    for criterion in entry.competition.criteria.all():
        Score.objects.create(sheet=sheet, criterion=criterion, value=Decimal(value), comment="稳")


def test_the_scores_workbook_leaves_out_the_entries_the_user_is_a_conflicted_judge_of(
    client, tree, organiser, competition, entries, judge
):
    g1, g2, _refused = entries
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    _score(judge, g1, 40)
    _score(judge, g2, 30)
    client.force_login(organiser)
    data = rows(client.get(f"/campaigns/competitions/{competition.pk}/scores.xlsx"))
    assert len(data) == 1 + 4  # two entries × two criteria
    assert {row[2] for row in data[1:]} == {"评委甲"}
    assert AuditEvent.objects.filter(action=kinds.SCORES_EXPORTED).get().detail == {"rows": 4}

    # a member of the organiser's staff who also judges and conflicts with g1's street
    staff_judge = UserFactory(username="staff-judge")
    grant(staff_judge, tree["d1"], Role.Kind.FEDERATION_STAFF)
    conflicted = JudgeFactory(competition=competition, user=staff_judge, assigned_by=organiser, name="评委乙")
    JudgeConflict.objects.create(judge=conflicted, union=tree["s1"])
    client.force_login(staff_judge)
    data = rows(client.get(f"/campaigns/competitions/{competition.pk}/scores.xlsx"))
    assert [row[0] for row in data[1:]] == ["西城班组", "西城班组"]


def test_the_workbooks_take_a_fixed_number_of_queries(
    client, tree, organiser, competition, clerk1, judge, django_assert_max_num_queries
):
    for n in range(30):
        entry = EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, name=f"班组{n}")
        _score(judge, entry, 10)
    client.force_login(organiser)
    with django_assert_max_num_queries(14):
        response = client.get(f"/campaigns/competitions/{competition.pk}/entries.xlsx")
        assert len(rows(response)) == 31
    with django_assert_max_num_queries(16):
        response = client.get(f"/campaigns/competitions/{competition.pk}/scores.xlsx")
        assert len(rows(response)) == 61
