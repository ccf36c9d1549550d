"""Stage reports: one per entry and stage, files told by their content, only while the competition runs
or is reviewed; files added until the stage's due date; downloads for the entry's people and the
judges who do not conflict with it."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from campaigns import kinds
from campaigns.models import Competition, Entry, JudgeConflict, StageReport, StageReportFile
from campaigns.services.stage_reports import MAX_FILES, stage_report_add_files, stage_report_submit

from ..factories import UserFactory
from .factories import EntryFactory, JudgeFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="总结.pdf", body=PDF):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def office(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def entry(competition, tree, clerk1):
    return EntryFactory(competition=competition, union=tree["g1"], entered_by=clerk1, name="数控一班")


@pytest.fixture
def stage(competition):
    return competition.stages.get()


def test_a_report_with_files_of_each_kind(entry, stage, clerk1):
    files = [
        pdf(),
        office("表.xlsx", "xl/workbook.xml"),
        office("文.docx", "word/document.xml"),
        SimpleUploadedFile("照片.png", PNG),
    ]
    report = stage_report_submit(entry=entry, stage=stage, summary="完成培训四轮", files=files, by=clerk1)
    names = list(report.files.values_list("original_name", flat=True))
    assert names == ["总结.pdf", "表.xlsx", "文.docx", "照片.png"]
    suffixes = [f.file.name.rsplit(".", 1)[1] for f in report.files.all()]
    assert suffixes == ["pdf", "xlsx", "docx", "png"]
    assert AuditEvent.objects.filter(action=kinds.STAGE_REPORT_SUBMITTED, target_id=str(report.pk)).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("假.pdf", b"MZ\x90\x00 not a pdf"), "is not a PDF, Word, Excel, JPG or PNG"),
        (office("伪.docx", "other.xml"), "is not a PDF, Word, Excel, JPG or PNG"),
        (SimpleUploadedFile("空.pdf", b""), "is empty"),
    ],
)
def test_bad_files_refused_nothing_saved(entry, stage, clerk1, upload, message):
    with pytest.raises(ValidationError, match=message):
        stage_report_submit(entry=entry, stage=stage, summary="总结", files=[pdf(), upload], by=clerk1)
    assert not StageReport.objects.exists() and not StageReportFile.objects.exists()


def test_too_big_too_many_too_long(entry, stage, clerk1, settings):
    big = pdf()
    big.size = 20 * 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="larger than 20 MB"):
        stage_report_submit(entry=entry, stage=stage, summary="总结", files=[big], by=clerk1)
    with pytest.raises(ValidationError, match="At most 10 files"):
        stage_report_submit(entry=entry, stage=stage, summary="总结", files=[pdf() for _ in range(11)], by=clerk1)
    with pytest.raises(ValidationError) as caught:
        stage_report_submit(entry=entry, stage=stage, summary="字" * 5001, files=[], by=clerk1)
    assert "summary" in caught.value.error_dict
    assert not StageReport.objects.exists()


def test_one_report_per_stage_and_only_for_accepted_entries_of_open_competitions(entry, stage, clerk1, clerk2):
    stage_report_submit(entry=entry, stage=stage, summary="总结", files=[], by=clerk1)
    with pytest.raises(ValidationError, match="already handed in"):
        stage_report_submit(entry=entry, stage=stage, summary="再交", files=[], by=clerk1)
    with pytest.raises(PermissionDenied):
        stage_report_submit(entry=entry, stage=stage, summary="别人", files=[], by=clerk2)
    StageReport.objects.all().delete()
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.ENTERED)
    with pytest.raises(ValidationError, match="Only an accepted entry"):
        stage_report_submit(entry=entry, stage=stage, summary="总结", files=[], by=clerk1)
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.ACCEPTED)
    Competition.objects.filter(pk=entry.competition_id).update(status=Competition.Status.CLOSED)
    with pytest.raises(ValidationError, match="no longer taken"):
        stage_report_submit(entry=entry, stage=stage, summary="总结", files=[], by=clerk1)
    assert not StageReport.objects.exists()


def test_files_added_until_the_due_date_ten_in_all(entry, stage, clerk1):
    stage.report_due = timezone.localdate() + datetime.timedelta(days=3)
    stage.save(update_fields=["report_due"])
    report = stage_report_submit(entry=entry, stage=stage, summary="总结", files=[pdf() for _ in range(8)], by=clerk1)
    stage_report_add_files(report=report, files=[pdf()], by=clerk1)
    with pytest.raises(ValidationError, match="9 are there already"):
        stage_report_add_files(report=report, files=[pdf(), pdf()], by=clerk1)
    assert report.files.count() == 9 < MAX_FILES
    stage.report_due = timezone.localdate() - datetime.timedelta(days=1)
    stage.save(update_fields=["report_due"])
    with pytest.raises(ValidationError, match="files can no longer be added"):
        stage_report_add_files(report=report, files=[pdf()], by=clerk1)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_downloads_for_clerk_organiser_and_unconflicted_judge_only(
    entry, stage, clerk1, clerk2, organiser, other_district_staff, judge, judge_user, tree
):
    report = stage_report_submit(entry=entry, stage=stage, summary="总结", files=[pdf()], by=clerk1)
    url = reverse("campaigns:stage_report_file", args=[report.files.get().pk])
    for user in (clerk1, organiser, judge_user):
        response = client_of(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert "no-store" in response["Cache-Control"]
    for user in (clerk2, other_district_staff, UserFactory()):
        assert client_of(user).get(url).status_code == 404
    # the judge names g1's street as a conflict: no more downloads
    JudgeConflict.objects.create(judge=judge, union=tree["s1"])
    assert client_of(judge_user).get(url).status_code == 404
    # a judge who has not declared yet does not download either
    other = UserFactory()
    JudgeFactory(competition=entry.competition, user=other, assigned_by=organiser, conflicts_declared_at=None)
    assert client_of(other).get(url).status_code == 404


def test_the_report_page_hands_in_and_refuses_bad_input_with_a_message(entry, stage, clerk1):
    client = client_of(clerk1)
    url = reverse("campaigns:stage_report_create", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"stage": stage.pk, "summary": "总结", "files": [SimpleUploadedFile("x.pdf", b"GIF89a")]}
    )
    assert response.status_code == 200
    assert "is not a PDF, Word, Excel, JPG or PNG" in response.content.decode()
    assert not StageReport.objects.exists()
    response = client.post(url, {"stage": stage.pk, "summary": "总结", "files": [pdf(), pdf("b.pdf")]})
    assert response.status_code == 302
    assert StageReport.objects.get().files.count() == 2
    page = client.get(reverse("campaigns:entry_detail", args=[entry.pk])).content.decode()
    assert "总结.pdf" in page and "b.pdf" in page
