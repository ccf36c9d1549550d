"""The issue's rule, over every page: a conflicted judge never sees the entry they conflict with nor
who else judged it. Every route of the campaigns namespace is opened as that judge with each id that
could reach the entry (the entry's, the competition's, the judges', a stage report file's) and with
the competition's tokens; the entry's name and the other judges' names appear on none. An organiser
who is a conflicted judge of the entry is not shown who judged it either."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from campaigns.models import Competition, Entry, JudgeConflict, Score, Scoresheet, StageReport, StageReportFile
from unions.models import Union

from ..factories import UserFactory, make_child
from .factories import EntryFactory, JudgeFactory

HIDDEN_ENTRY = "冲突数控班组"
OTHER_JUDGES = ["评委乙", "评委丙"]
OTHER_USERS = ["乙先生账号", "丙女士账号", "judge-two", "judge-three"]


@pytest.fixture
def scene(competition, organiser, judge, tree):
    competition.status = Competition.Status.REVIEWING
    competition.save()
    g4 = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会")
    hidden = EntryFactory(competition=competition, union=tree["g1"], entered_by=organiser, name=HIDDEN_ENTRY)
    free = EntryFactory(competition=competition, union=g4, entered_by=organiser, name="电子装配班组")
    # the judge named g1: its entry is hidden from them
    JudgeConflict.objects.create(judge=judge, union=tree["g1"])
    judge.conflicts_declared_at = timezone.now()
    judge.save()
    others = [
        JudgeFactory(
            competition=competition,
            user=UserFactory(username=username, name=account),
            assigned_by=organiser,
            name=name,
        )
        for name, account, username in zip(OTHER_JUDGES, OTHER_USERS[:2], OTHER_USERS[2:], strict=True)
    ]
    criteria = list(competition.criteria.all())
    sheets = []
    for other in others:
        for entry in (hidden, free):
            sheet = Scoresheet.objects.create(judge=other, entry=entry, completed_at=timezone.now())
            sheets.append(sheet)
            for criterion in criteria:
                Score.objects.create(sheet=sheet, criterion=criterion, value=Decimal(9), comment="很好")
    report = StageReport.objects.create(
        entry=hidden, stage=competition.stages.first(), summary=f"{HIDDEN_ENTRY}的阶段总结", submitted_by=organiser
    )
    upload = StageReportFile(report=report, original_name=f"{HIDDEN_ENTRY}.pdf", size=4)
    upload.file.save("x.pdf", ContentFile(b"%PDF"), save=True)
    return {
        "competition": competition,
        "hidden": hidden,
        "free": free,
        "judge": judge,
        "others": others,
        "ids": {competition.pk, hidden.pk, free.pk, judge.pk, *(o.pk for o in others), upload.pk, report.pk}
        | {sheet.pk for sheet in sheets},
    }


def campaigns_urls(scene) -> list[str]:
    """Every route of the namespace, with every id and token that could lead to the hidden entry."""
    _prefix, resolver = get_resolver().namespace_dict["campaigns"]
    tokens = [scene["competition"].public_token]
    urls = []
    for pattern in resolver.url_patterns:
        converters = pattern.pattern.converters
        if not converters:
            urls.append(reverse(f"campaigns:{pattern.name}"))
        elif set(converters) == {"pk"}:
            urls += [reverse(f"campaigns:{pattern.name}", kwargs={"pk": pk}) for pk in sorted(scene["ids"])]
        elif set(converters) == {"token"}:
            urls += [reverse(f"campaigns:{pattern.name}", kwargs={"token": t}) for t in tokens]
        elif set(converters) == {"year"}:
            urls.append(reverse(f"campaigns:{pattern.name}", kwargs={"year": 2026}))
        else:
            raise AssertionError(f"a route this test does not know how to fill: {pattern.name}")
    ranking = reverse("campaigns:competition_ranking", args=[scene["competition"].pk])
    urls += [f"{ranking}?entry={scene['hidden'].pk}", f"{ranking}?entry={scene['free'].pk}"]
    return urls


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            "\t".join(str(v) for v in row if v is not None)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
        )
    if "pdf" in kind:
        done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=False, timeout=60)
        if done.returncode == 0:
            return done.stdout.decode()
    return content.decode("utf-8", "replace")


def walk(client, urls):
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 403, 404, 405), (url, response.status_code)
        yield url, response, text_of(response)


def test_a_conflicted_judge_sees_neither_the_entry_nor_the_other_judges_on_any_page(scene):
    client = Client()
    client.force_login(scene["judge"].user)
    seen_free = False
    for url, _response, text in walk(client, campaigns_urls(scene)):
        assert HIDDEN_ENTRY not in text, url
        for name in OTHER_JUDGES + OTHER_USERS:
            assert name not in text, (url, name)
        seen_free |= "电子装配班组" in text
    # the walk reached the judge's own pages: the entry they may judge is there
    assert seen_free


def test_a_conflicted_judge_posting_a_score_gets_404_and_nothing_is_written(scene):
    client = Client()
    client.force_login(scene["judge"].user)
    hidden = scene["hidden"]
    before = Score.objects.count()
    data = {f"score_{c.pk}": "1" for c in hidden.competition.criteria.all()}
    response = client.post(reverse("campaigns:judging_score", args=[hidden.pk]), data)
    assert response.status_code == 404
    assert Score.objects.count() == before
    assert not Scoresheet.objects.filter(judge=scene["judge"]).exists()
    # the same 404 as an id that does not exist
    missing = client.get(reverse("campaigns:judging_score", args=[Entry.objects.order_by("-pk")[0].pk + 100]))
    assert missing.status_code == 404


def test_an_organiser_who_is_a_conflicted_judge_is_not_shown_who_judged_the_entry(scene, organiser):
    # given: the organiser is a judge too, conflicted with the hidden entry's union
    judge = JudgeFactory(
        competition=scene["competition"],
        user=organiser,
        assigned_by=organiser,
        name="组织者评委",
        own_union=scene["hidden"].union,
    )
    assert judge.pk
    assert judge.own_union == scene["hidden"].union
    client = Client()
    client.force_login(organiser)
    hidden = scene["hidden"]
    ranking = reverse("campaigns:competition_ranking", args=[scene["competition"].pk])
    # the pages about the entry itself: every entry route with its id, and its sheets on the ranking
    _prefix, resolver = get_resolver().namespace_dict["campaigns"]
    about = {
        reverse(f"campaigns:{p.name}", kwargs={"pk": hidden.pk})
        for p in resolver.url_patterns
        if set(p.pattern.converters) == {"pk"} and p.name.startswith(("entry_", "judging_score", "stage_report_create"))
    } | {f"{ranking}?entry={hidden.pk}"}
    for url, response, text in walk(client, campaigns_urls(scene)):
        if "spreadsheetml" in response.get("Content-Type", ""):
            # a sheet may list the other entries' judges, never beside the hidden entry
            for line in text.splitlines():
                if HIDDEN_ENTRY in line:
                    assert not any(name in line for name in OTHER_JUDGES + OTHER_USERS), (url, line)
        elif url in about:
            for name in OTHER_JUDGES + OTHER_USERS:
                assert name not in text, (url, name)
    # and the breakdown of the entry says why it shows nothing
    page = client.get(f"{ranking}?entry={scene['hidden'].pk}").content.decode()
    assert "评委乙" not in page
    free = client.get(f"{ranking}?entry={scene['free'].pk}").content.decode()
    assert "评委乙" in free  # the entry they do not conflict with: its judges are shown
