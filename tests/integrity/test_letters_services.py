"""Responsibility letters, the services: drafting once, the node's template checked before it is kept,
the Word letter and the PDF saying the same, sending and signing (once), the zip for printing built by
its task, and the reminders sent once each."""

import datetime
import hashlib
import io
import subprocess
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from accounts.models import AuditEvent, Notification
from integrity import kinds
from integrity import letter_documents as documents
from integrity.models import LetterBatch, LetterTemplate, ResponsibilityLetter
from integrity.reminders import letters as reminders
from integrity.services import letters as service
from integrity.tasks.letters import build_letter_batch
from tests.factories import staff
from unions.models import Role

from ..cadres.factories import CadreFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%scan\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def leaders(tree):
    """District 1's chair (bureau level) and vice-chair (county level), and a section-level clerk."""
    return {
        "chair": CadreFactory(union=tree["d1"], name="赵主席", post="主席", rank="bureau"),
        "vice": CadreFactory(union=tree["d1"], name="钱副主席", post="副主席", rank="county_division"),
        "clerk": CadreFactory(union=tree["d1"], name="孙科长", post="办公室主任", rank="township_section"),
    }


def _docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(data: bytes, name: str = "template.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _generate(tree, officer, leaders, **kwargs):
    params = {
        "union": tree["d1"],
        "year": 2026,
        "cadres": [leaders["chair"], leaders["vice"]],
        "departments": ["办公室", "财务部"],
        "items": "落实主体责任\n严守八项规定",
        "by": officer,
    }
    params.update(kwargs)
    return service.letter_generate(**params)


# --- drafting -----------------------------------------------------------------------------------------
def test_drafting_twice_keeps_the_letters_already_there(tree, district_discipline_officer, leaders):
    first = _generate(tree, district_discipline_officer, leaders)
    second = _generate(tree, district_discipline_officer, leaders, departments=["办公室", "工会女职工部"])

    assert (first.created, first.kept) == (4, 0)
    assert (second.created, second.kept) == (1, 3)
    letters = ResponsibilityLetter.objects.filter(union=tree["d1"], year=2026)
    assert letters.count() == 5
    assert set(letters.filter(party="department").values_list("department", flat=True)) == {
        "办公室",
        "财务部",
        "工会女职工部",
    }
    chair = letters.get(cadre=leaders["chair"])
    assert (chair.post, chair.items, chair.status) == ("主席", "落实主体责任\n严守八项规定", "drafted")
    assert AuditEvent.objects.filter(action=kinds.LETTERS_GENERATED).count() == 2


def test_the_leaders_offered_by_default_are_those_of_county_level_and_above(tree, leaders):
    assert set(service.default_leader_ids(tree["d1"])) == {leaders["chair"].pk, leaders["vice"].pk}


def test_a_cadre_of_another_node_gets_no_letter_here(tree, district_discipline_officer, leaders):
    elsewhere = CadreFactory(union=tree["s1"], name="周某")
    with pytest.raises(ValidationError, match="not a cadre in post"):
        _generate(tree, district_discipline_officer, leaders, cadres=[elsewhere])
    assert not ResponsibilityLetter.objects.exists()


def test_an_officer_of_another_district_may_not_draft_here(tree, leaders):
    officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    with pytest.raises(PermissionDenied):
        _generate(tree, officer, leaders)


def test_departments_are_one_a_line_without_repeats():
    assert service.department_names(" 办公室 \n\n财务部\n办公室\n") == ["办公室", "财务部"]


# --- the template -------------------------------------------------------------------------------------
def test_a_good_template_is_kept_and_used_for_the_next_letters(tree, district_discipline_officer, leaders):
    data = _docx("{{ year }}年 {{ union }} 与 {{ party_name }} {{ post }}", "{{ items }}", "{{ date }}")
    template = service.letter_template_upload(
        union=tree["d1"], year=2026, upload=_upload(data), by=district_discipline_officer
    )
    _generate(tree, district_discipline_officer, leaders)

    letter = ResponsibilityLetter.objects.get(cadre=leaders["chair"])
    assert letter.template == template
    filled = Document(io.BytesIO(service.letter_docx(letter)))
    assert filled.paragraphs[0].text == "2026年 东城区总工会 与 赵主席 主席"
    assert filled.paragraphs[1].text == "落实主体责任\n严守八项规定"
    # A node below without a template of its own uses district 1's.
    assert service.template_for(tree["s1"]) == template


def test_a_template_with_an_unknown_field_is_refused_naming_it(tree, district_discipline_officer):
    with pytest.raises(ValidationError, match="does not know: signature"):
        service.letter_template_upload(
            union=tree["d1"],
            year=2026,
            upload=_upload(_docx("{{ party_name }} {{ signature }}")),
            by=district_discipline_officer,
        )
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04 not really a zip", "Word document"),
        (PDF, "Word document"),
        (_docx("{{ year "), "written wrong"),
        (_docx("{{ year.__class__.__mro__ }}"), "written wrong"),
    ],
)
def test_a_bad_template_is_refused(tree, district_discipline_officer, data, message):
    with pytest.raises(ValidationError, match=message):
        service.letter_template_upload(
            union=tree["d1"], year=2026, upload=_upload(data), by=district_discipline_officer
        )
    assert not LetterTemplate.objects.exists()


def test_a_zip_without_a_word_document_is_refused(tree, district_discipline_officer):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<x/>")
    with pytest.raises(ValidationError, match=r"Word document \(\.docx\)"):
        service.letter_template_upload(
            union=tree["d1"], year=2026, upload=_upload(out.getvalue()), by=district_discipline_officer
        )


def test_a_template_too_large_is_refused(tree, district_discipline_officer, monkeypatch):
    monkeypatch.setattr(documents, "TEMPLATE_MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="larger than"):
        service.letter_template_upload(
            union=tree["d1"], year=2026, upload=_upload(_docx("{{ year }}")), by=district_discipline_officer
        )


def test_the_default_template_can_be_rebuilt_and_passes_its_own_check(tmp_path):
    path = documents.build_default_template(tmp_path / "letter.docx")
    documents.check_template(path.read_bytes())
    documents.check_template(documents.default_template_bytes())


# --- the documents --------------------------------------------------------------------------------
def test_the_word_letter_names_the_year_the_node_and_the_leader(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    letter = ResponsibilityLetter.objects.get(cadre=leaders["vice"])

    document = Document(io.BytesIO(service.letter_docx(letter)))
    texts = [paragraph.text for paragraph in document.paragraphs]

    assert texts[0] == "2026年度党风廉政建设责任书"
    assert "甲方：东城区总工会党组" in texts
    assert "乙方：钱副主席（副主席）" in texts
    assert texts[texts.index("一、责任内容") + 1 : texts.index("一、责任内容") + 3] == [
        "1. 落实主体责任",
        "2. 严守八项规定",
    ]
    assert not any("{{" in text or "{%" in text for text in texts)
    assert texts[-1] == documents.chinese_date(timezone.localdate(letter.created_at))


def test_a_department_letter_names_the_department(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    letter = ResponsibilityLetter.objects.get(department="财务部")
    texts = [p.text for p in Document(io.BytesIO(service.letter_docx(letter))).paragraphs]
    assert "乙方：财务部" in texts


def test_a_name_with_xml_characters_is_written_as_text(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders, cadres=[], departments=["研发<一>部 & 质检"])
    letter = ResponsibilityLetter.objects.get()
    texts = [p.text for p in Document(io.BytesIO(service.letter_docx(letter))).paragraphs]
    assert "乙方：研发<一>部 & 质检" in texts


def test_the_pdf_says_what_the_word_letter_says_and_renders(tree, district_discipline_officer, leaders, tmp_path):
    _generate(tree, district_discipline_officer, leaders)
    letter = ResponsibilityLetter.objects.get(cadre=leaders["chair"])
    docx = service.letter_docx(letter)

    pdf = service.letter_pdf(letter, docx=docx)

    assert pdf.startswith(b"%PDF-")
    (tmp_path / "letter.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"], capture_output=True, check=True).stdout
    text = text.decode().replace("\n", "").replace(" ", "")
    for paragraph in Document(io.BytesIO(docx)).paragraphs:
        if paragraph.text.strip():
            assert paragraph.text.replace("\n", "").replace(" ", "").replace("\u3000", "") in text.replace("\u3000", "")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "letter.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(page.stat().st_size > 5000 for page in pages)


# --- sending and signing --------------------------------------------------------------------------
@pytest.fixture
def sent(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    letter = ResponsibilityLetter.objects.get(cadre=leaders["chair"])
    return service.letter_send(letter=letter, by=district_discipline_officer)


def test_sending_marks_the_letter_sent_once(sent, district_discipline_officer):
    assert sent.status == "sent" and sent.sent_at
    with pytest.raises(ValidationError, match="sent already"):
        service.letter_send(letter=sent, by=district_discipline_officer)


def test_the_scan_is_kept_with_the_sha256_of_the_upload(sent, district_discipline_officer):
    today = timezone.localdate()
    letter = service.letter_sign(
        letter=sent, scan=SimpleUploadedFile("x.bin", PNG), signed_on=today, by=district_discipline_officer
    )
    letter.refresh_from_db()
    assert letter.status == "signed" and letter.signed_on == today
    assert letter.scan_sha256 == hashlib.sha256(PNG).hexdigest()
    assert letter.scan.name.endswith(".png")
    with letter.scan.open("rb") as handle:
        assert handle.read() == PNG
    # At rest the scan is encrypted.
    with open(letter.scan.storage.path(letter.scan.name), "rb") as stored:
        assert PNG not in stored.read()


def test_signing_twice_is_refused_naming_the_date(sent, district_discipline_officer):
    today = timezone.localdate()
    service.letter_sign(
        letter=sent, scan=SimpleUploadedFile("a.pdf", PDF), signed_on=today, by=district_discipline_officer
    )
    with pytest.raises(ValidationError) as refused:
        service.letter_sign(
            letter=sent, scan=SimpleUploadedFile("b.png", PNG), signed_on=today, by=district_discipline_officer
        )
    assert refused.value.messages[0].startswith("This letter is already signed on ")
    sent.refresh_from_db()
    assert sent.scan_sha256 == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize(
    "content, signed_on, message",
    [
        (b"MZ\x90\x00 an exe", timezone.localdate(), "PDF file or a JPG or PNG"),
        (PNG, timezone.localdate() + datetime.timedelta(days=1), "future"),
        (PNG, datetime.date(2020, 1, 1), "before it was sent"),
    ],
)
def test_a_bad_scan_or_date_is_refused(sent, district_discipline_officer, content, signed_on, message):
    with pytest.raises(ValidationError, match=message):
        service.letter_sign(
            letter=sent,
            scan=SimpleUploadedFile("scan.png", content),
            signed_on=signed_on,
            by=district_discipline_officer,
        )
    sent.refresh_from_db()
    assert sent.status == "sent" and not sent.scan


def test_a_letter_not_sent_cannot_be_signed(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    letter = ResponsibilityLetter.objects.get(cadre=leaders["chair"])
    with pytest.raises(ValidationError, match="Send the letter"):
        service.letter_sign(
            letter=letter,
            scan=SimpleUploadedFile("s.png", PNG),
            signed_on=timezone.localdate(),
            by=district_discipline_officer,
        )


def test_a_scan_too_large_is_refused(sent, district_discipline_officer, monkeypatch):
    monkeypatch.setattr(service, "SCAN_MAX_BYTES", 10)
    with pytest.raises(ValidationError, match="larger than"):
        service.letter_sign(
            letter=sent,
            scan=SimpleUploadedFile("s.png", PNG),
            signed_on=timezone.localdate(),
            by=district_discipline_officer,
        )


# --- the batch for printing -------------------------------------------------------------------------
def test_the_task_builds_a_zip_of_every_letter_as_word_and_pdf(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    batch = LetterBatch.objects.create(union=tree["d1"], year=2026, requested_by=district_discipline_officer)

    assert build_letter_batch(batch.pk) == "done"
    assert build_letter_batch(batch.pk) == "done"  # a second delivery changes nothing

    batch.refresh_from_db()
    assert batch.attempts == 1 and batch.expires_at
    with batch.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = archive.namelist()
        assert len(names) == 8
        assert sum(name.endswith(".pdf") for name in names) == 4
        chair = next(name for name in names if "赵主席" in name and name.endswith(".docx"))
        texts = [p.text for p in Document(io.BytesIO(archive.read(chair))).paragraphs]
        assert "乙方：赵主席（主席）" in texts
        assert archive.read(chair.replace(".docx", ".pdf")).startswith(b"%PDF-")


def test_a_department_named_with_slashes_makes_no_folders_in_the_zip(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders, cadres=[], departments=["研发/质检部", "..\\etc"])
    batch = LetterBatch.objects.create(union=tree["d1"], year=2026, requested_by=district_discipline_officer)
    build_letter_batch(batch.pk)
    batch.refresh_from_db()
    with batch.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        assert all("/" not in name and "\\" not in name for name in archive.namelist())
        assert any("研发_质检部" in name for name in archive.namelist())


def test_a_batch_fails_when_the_requester_lost_the_role(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    batch = LetterBatch.objects.create(
        union=tree["d1"], year=2026, requested_by=district_discipline_officer, language="zh-hans"
    )
    district_discipline_officer.roles.all().update(union=tree["d2"])

    assert build_letter_batch(batch.pk) == "failed"
    batch.refresh_from_db()
    # In the requester's language.
    assert batch.error == "您已不再担任该组织的纪检干部。" and not batch.file


def test_no_batch_for_a_year_without_letters(tree, district_discipline_officer):
    with pytest.raises(ValidationError, match="no letters of 2026"):
        service.letter_batch_request(union=tree["d1"], year=2026, by=district_discipline_officer)


# --- reminders --------------------------------------------------------------------------------------
def _notes(kind):
    return Notification.objects.filter(kind=kind)


def test_unsigned_letters_are_reminded_from_february_once_per_officer_a_month(
    tree, district_discipline_officer, discipline_officer, leaders, monkeypatch
):
    _generate(tree, district_discipline_officer, leaders)
    for letter in ResponsibilityLetter.objects.filter(party="leader"):
        service.letter_send(letter=letter, by=district_discipline_officer)
    kind = kinds.REMINDER_LETTERS_UNSIGNED

    reminders.dispatch(datetime.date(2026, 1, 31))
    assert not _notes(kind).exists()

    reminders.dispatch(datetime.date(2026, 2, 1))
    reminders.dispatch(datetime.date(2026, 2, 2))
    notes = list(_notes(kind))
    # District 1's officer (the nearest to the node), not the city's; once in February.
    assert [note.recipient_id for note in notes] == [district_discipline_officer.pk]
    assert "2 responsibility letters of 2026" in notes[0].title
    assert "status=unsigned" in notes[0].url
    assert "主体责任" not in notes[0].title + notes[0].body

    reminders.dispatch(datetime.date(2026, 3, 1))
    assert _notes(kind).count() == 2


def test_signed_letters_are_not_reminded(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders, departments=[])
    for letter in ResponsibilityLetter.objects.all():
        letter = service.letter_send(letter=letter, by=district_discipline_officer)
        service.letter_sign(
            letter=letter,
            scan=SimpleUploadedFile("s.png", PNG),
            signed_on=timezone.localdate(),
            by=district_discipline_officer,
        )
    reminders.dispatch(datetime.date(2026, 2, 1))
    assert not _notes(kinds.REMINDER_LETTERS_UNSIGNED).exists()


def test_letters_never_sent_are_reminded_to_the_drafter_once_after_30_days(tree, district_discipline_officer, leaders):
    _generate(tree, district_discipline_officer, leaders)
    drafted = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    ResponsibilityLetter.objects.update(created_at=drafted)
    service.letter_send(letter=ResponsibilityLetter.objects.get(department="办公室"), by=district_discipline_officer)
    kind = kinds.REMINDER_LETTERS_NOT_SENT

    reminders.dispatch(datetime.date(2026, 2, 3))
    assert not _notes(kind).exists()

    reminders.dispatch(datetime.date(2026, 2, 4))
    reminders.dispatch(datetime.date(2026, 2, 5))
    reminders.dispatch(datetime.date(2026, 3, 5))
    notes = list(_notes(kind))
    assert len(notes) == 1
    assert notes[0].recipient_id == district_discipline_officer.pk
    assert notes[0].title.startswith("3 responsibility letters of 2026")


def test_an_expired_zip_loses_its_file_and_keeps_its_record(tree, district_discipline_officer, leaders):
    from django_celery_beat.models import PeriodicTask

    from integrity.tasks.letters import expire_letter_batches

    _generate(tree, district_discipline_officer, leaders)
    batch = LetterBatch.objects.create(union=tree["d1"], year=2026, requested_by=district_discipline_officer)
    build_letter_batch(batch.pk)
    LetterBatch.objects.filter(pk=batch.pk).update(expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))

    assert expire_letter_batches() == 1

    batch.refresh_from_db()
    assert batch.status == "expired" and not batch.file
    assert PeriodicTask.objects.filter(task="integrity.expire_letter_batches", enabled=True).exists()
