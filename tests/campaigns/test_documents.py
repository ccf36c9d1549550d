"""The competition's summary PDF (the organiser's staff only), its content, its query count, and the
documents panel on the competition page."""

import subprocess
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from campaigns import summary
from campaigns.models import Award, Competition, Entry, Score, Scoresheet, StageReport

from .factories import EntryFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.fixture
def closed(tree, organiser, competition, clerk1, judge):
    """Three entries scored, ranked and the first awarded; one refused; one stage report handed in."""
    made = []
    for n, (kind, times) in enumerate((("team", 8), ("unit", 30), ("individual", 1))):
        entry = EntryFactory(
            competition=competition, union=tree["g1"], entered_by=clerk1, kind=kind, name=f"参赛{n}", person_times=times
        )
        sheet = Scoresheet.objects.create(judge=judge, entry=entry, completed_at=timezone.now())
        for criterion in competition.criteria.all():
            Score.objects.create(sheet=sheet, criterion=criterion, value=criterion.max_score - n)
        Entry.objects.filter(pk=entry.pk).update(rank=n + 1, final_score=Decimal(99 - n))
        made.append(entry)
    EntryFactory(competition=competition, union=tree["g2"], entered_by=clerk1, status=Entry.Status.REFUSED)
    StageReport.objects.create(entry=made[0], stage=competition.stages.get(), summary="阶段总结", submitted_by=clerk1)
    Award.objects.create(
        entry=made[0], prize=competition.prizes.get(grade="first"), number="JS000001-001", awarded_by=organiser
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.COMMENDED)
    return made


def test_the_organiser_gets_the_summary_with_entries_ranking_and_prizes(
    client, organiser, competition, closed, tmp_path
):
    client.force_login(organiser)
    response = client.get(f"/campaigns/competitions/{competition.pk}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert competition.title in text
    assert "参赛0" in text and "参赛2" in text and "99.000" in text
    assert "一等奖" in text
    assert "评委甲" not in text  # no judge named
    assert "39" in text  # person-times of the accepted entries: 8 + 30 + 1


def test_the_summary_context_counts_entries_by_kind_and_status(competition, closed):
    context = summary.context(competition)
    assert context["totals"]["total"] == 4 and context["accepted"] == 3
    assert context["totals"]["person_times"] == 39
    assert context["frozen"] is True and [row.rank for row in context["ranking"]] == [1, 2, 3]
    assert context["stages"][0]["handed_in"] == 1 and context["stages"][0]["owed"] == 3
    assert context["judging"] == {"judges": 1, "declared": 1, "sheets": 3}
    assert "<svg" in context["chart"] and "东城机械厂工会" in context["chart"]


def test_a_union_name_cannot_inject_markup_into_the_chart(tree, competition, clerk1):
    tree["g1"].name = "<script>alert(1)</script>"
    tree["g1"].save()
    EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1)
    assert "<script>" not in summary.context(competition)["chart"]


def test_the_summary_takes_a_fixed_number_of_queries(tree, competition, clerk1, closed, django_assert_max_num_queries):
    for n in range(40):
        EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, name=f"更多{n}", rank=10 + n)
    with django_assert_max_num_queries(16):
        summary.context(competition)


@pytest.mark.parametrize("who", ["clerk1", "other_district_staff", "district_leader", "judge_user"])
def test_nobody_else_gets_the_summary(request, client, competition, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/campaigns/competitions/{competition.pk}/summary.pdf").status_code in (403, 404)


def test_the_documents_panel_links_the_three_documents_for_the_organisers_staff_only(
    competition, organiser, clerk1, district_leader
):
    html = render_to_string(
        "campaigns/competitions/_panel_documents.html", {"competition": competition, "user": organiser}
    )
    for name in ("summary.pdf", "entries.xlsx", "scores.xlsx"):
        assert f"/campaigns/competitions/{competition.pk}/{name}" in html
    for user in (clerk1, district_leader):
        html = render_to_string(
            "campaigns/competitions/_panel_documents.html", {"competition": competition, "user": user}
        )
        assert "/campaigns/" not in html


def test_while_judging_the_summary_shows_the_ranking_as_a_preview(tree, competition, clerk1, judge):
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.REVIEWING)
    competition.refresh_from_db()
    low, high = (
        EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, name=name)
        for name in ("低分", "高分")
    )
    for entry, value in ((low, 10), (high, 40)):
        sheet = Scoresheet.objects.create(judge=judge, entry=entry, completed_at=timezone.now())
        for criterion in competition.criteria.all():
            Score.objects.create(sheet=sheet, criterion=criterion, value=min(Decimal(value), criterion.max_score))
    context = summary.context(competition)
    assert context["frozen"] is False
    assert [(row.rank, row.name) for row in context["ranking"]] == [(1, "高分"), (2, "低分")]
    assert Entry.objects.filter(rank__isnull=False).count() == 0  # a preview writes nothing


def test_the_competition_page_shows_the_documents_panel_to_the_organiser(client, organiser, competition):
    client.force_login(organiser)
    html = client.get(f"/campaigns/competitions/{competition.pk}/").content.decode()
    assert 'id="panel-documents"' in html and f"/campaigns/competitions/{competition.pk}/summary.pdf" in html
