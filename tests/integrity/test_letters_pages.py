"""Responsibility letters, the pages: only discipline officers in scope (anyone else, a city admin
included: 404), every read and download of a letter on the trail, drafting from the page, the
template page, the list's unsigned filter and counts, signing from the page, the batch's pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import LetterBatch, LetterTemplate, ResponsibilityLetter
from integrity.services import letters as service
from tests.factories import staff
from tests.pages import client_for, messages_of, text
from unions.models import Role

from ..cadres.factories import CadreFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letters(tree, district_discipline_officer):
    chair = CadreFactory(union=tree["d1"], name="赵主席", post="主席", rank="bureau")
    CadreFactory(union=tree["d1"], name="孙科长", post="办公室主任", rank="township_section")
    service.letter_generate(
        union=tree["d1"],
        year=2026,
        cadres=[chair],
        departments=["办公室", "财务部"],
        items="落实主体责任",
        by=district_discipline_officer,
    )
    return {letter.department or letter.cadre.name: letter for letter in ResponsibilityLetter.objects.all()}


def _reads(action=None):
    events = AuditEvent.objects.filter(action__in=[kinds.RESPONSIBILITY_LETTER_READ, kinds.LETTER_DOWNLOADED])
    return events.filter(action=action) if action else events


def _letter_urls(pk):
    return [
        reverse(f"integrity:{name}", args=[pk])
        for name in ("letter_detail", "letter_docx", "letter_pdf", "letter_sign", "letter_scan")
    ]


# --- scope ----------------------------------------------------------------------------------------
def test_nobody_but_a_discipline_officer_in_scope_opens_a_letter(tree, letters, city_admin, cadre_officer, leader):
    letter = letters["赵主席"]
    other_officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    for user in (city_admin, cadre_officer, leader, other_officer):
        client = client_for(user)
        for url in _letter_urls(letter.pk):
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(reverse("integrity:letter_send", args=[letter.pk])).status_code == 404
    for user in (city_admin, cadre_officer, leader):
        for name in ("letter_list", "letter_generate", "letter_template", "letter_template_download"):
            assert client_for(user).get(reverse(f"integrity:{name}")).status_code == 404
    assert not _reads().exists()
    assert ResponsibilityLetter.objects.get(pk=letter.pk).status == "drafted"


def test_an_officer_of_another_district_sees_none_of_these_letters_in_the_list(tree, letters):
    other_officer = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    page = client_for(other_officer).get(reverse("integrity:letter_list"))
    assert page.status_code == 200
    assert "赵主席" not in text(page) and page.context["counts"]["total"] == 0
    # Nor may they choose district 1 on the drafting or template pages.
    assert (
        client_for(other_officer).get(reverse("integrity:letter_template"), {"union": tree["d1"].pk}).status_code == 404
    )
    assert (
        client_for(other_officer)
        .get(reverse("integrity:letter_template_download"), {"union": tree["d1"].pk})
        .status_code
        == 404
    )


def test_a_malformed_or_unknown_letter_is_404(district_discipline_officer):
    client = client_for(district_discipline_officer)
    assert client.get(reverse("integrity:letter_detail", args=[999999])).status_code == 404
    assert client.get("/integrity/letters/template/?union=abc").status_code == 404


# --- reading leaves a trail -------------------------------------------------------------------------
def test_every_read_and_download_of_a_letter_is_recorded_without_content(letters, discipline_officer):
    letter = letters["赵主席"]
    client = client_for(discipline_officer)

    page = client.get(reverse("integrity:letter_detail", args=[letter.pk]))
    assert page.status_code == 200 and "落实主体责任" in text(page)
    docx = client.get(reverse("integrity:letter_docx", args=[letter.pk]))
    pdf = client.get(reverse("integrity:letter_pdf", args=[letter.pk]))

    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "乙方：赵主席（主席）" in [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert pdf.content.startswith(b"%PDF-") and "no-store" in pdf["Cache-Control"]
    assert _reads(kinds.RESPONSIBILITY_LETTER_READ).count() == 1
    assert _reads(kinds.LETTER_DOWNLOADED).count() == 2
    for event in _reads():
        assert event.target_id == str(letter.pk) and event.actor_id == discipline_officer.pk
        assert "落实" not in str(event.detail) and "赵主席" not in str(event.detail)


def test_the_list_shows_no_content_and_counts_the_unsigned(
    letters, district_discipline_officer, django_assert_max_num_queries
):
    service.letter_send(letter=letters["办公室"], by=district_discipline_officer)
    for n in range(20):
        CadreFactory(union=letters["办公室"].union, name=f"干部甲{n}", rank="bureau")
    service.letter_generate(
        union=letters["办公室"].union,
        year=2026,
        cadres=list(service.node_cadres(letters["办公室"].union).filter(name__startswith="干部甲")),
        departments=[],
        items="x",
        by=district_discipline_officer,
    )
    client = client_for(district_discipline_officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("integrity:letter_list"), {"year": 2026, "status": "unsigned"})
    assert page.status_code == 200
    assert page.context["counts"] == {"total": 23, "drafted": 22, "sent": 1, "signed": 0, "unsigned": 23}
    assert "落实主体责任" not in text(page)
    assert not _reads().exists()

    sent_only = client.get(reverse("integrity:letter_list"), {"status": "sent"})
    assert [row.department for row in sent_only.context["page"].object_list] == ["办公室"]
    # The counts are those of the year and node, whichever status is shown.
    assert sent_only.context["counts"]["total"] == 23


# --- drafting and the template ------------------------------------------------------------------------
def test_the_drafting_page_ticks_the_senior_leaders_and_drafts_once(tree, district_discipline_officer):
    chair = CadreFactory(union=tree["d1"], name="赵主席", post="主席", rank="bureau")
    clerk = CadreFactory(union=tree["d1"], name="孙科长", post="办公室主任", rank="township_section")
    client = client_for(district_discipline_officer)
    url = f"{reverse('integrity:letter_generate')}?union={tree['d1'].pk}&year=2026"

    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].fields["cadres"].initial == [chair.pk]

    data = {"cadres": [chair.pk], "posts": ["办公室主任"], "departments": "办公室\n财务部", "items": "落实主体责任"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == ["4 letters drafted; 0 already there were kept as they are."]
    assert set(ResponsibilityLetter.objects.filter(party="leader").values_list("cadre", flat=True)) == {
        chair.pk,
        clerk.pk,
    }

    again = client.post(url, data, follow=True)
    assert messages_of(again) == ["0 letters drafted; 4 already there were kept as they are."]
    assert ResponsibilityLetter.objects.count() == 4


def test_the_template_page_lists_the_fields_and_refuses_an_unknown_one(tree, district_discipline_officer):
    client = client_for(district_discipline_officer)
    url = f"{reverse('integrity:letter_template')}?union={tree['d1'].pk}&year=2026"
    page = client.get(url)
    for field in ("{{ year }}", "{{ union }}", "{{ party_name }}", "{{ post }}", "{{ items }}", "{{ date }}"):
        assert field in text(page)

    document = Document()
    document.add_paragraph("{{ party_name }} {{ bogus }}")
    out = io.BytesIO()
    document.save(out)
    refused = client.post(url, {"file": SimpleUploadedFile("t.docx", out.getvalue())})
    assert refused.status_code == 200
    assert "does not know: bogus" in text(refused)
    assert not LetterTemplate.objects.exists()

    default = client.get(f"{reverse('integrity:letter_template_download')}?union={tree['d1'].pk}")
    assert default.status_code == 200 and default.content.startswith(b"PK")


# --- sending and signing -----------------------------------------------------------------------------
def test_sending_then_signing_from_the_pages_and_a_second_signature_refused(letters, district_discipline_officer):
    letter = letters["财务部"]
    client = client_for(district_discipline_officer)
    client.post(reverse("integrity:letter_send", args=[letter.pk]))
    today = timezone.localdate()

    signed = client.post(
        reverse("integrity:letter_sign", args=[letter.pk]),
        {"signed_on": today.isoformat(), "scan": SimpleUploadedFile("scan.png", PNG)},
    )
    assert signed.status_code == 302
    again = client.post(
        reverse("integrity:letter_sign", args=[letter.pk]),
        {"signed_on": today.isoformat(), "scan": SimpleUploadedFile("scan.png", PNG)},
    )
    assert "This letter is already signed on" in text(again)

    scan = client.get(reverse("integrity:letter_scan", args=[letter.pk]))
    assert b"".join(scan.streaming_content) == PNG
    assert _reads(kinds.LETTER_DOWNLOADED).filter(target_id=str(letter.pk)).count() == 1


# --- the batch --------------------------------------------------------------------------------------
def test_the_batch_is_asked_for_from_the_list_and_seen_only_by_who_asked(
    tree, letters, district_discipline_officer, discipline_officer, django_capture_on_commit_callbacks
):
    from unionportal.celery import app

    client = client_for(district_discipline_officer)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("integrity:letter_batch_create"), {"union": tree["d1"].pk, "year": 2026})
    finally:
        app.conf.task_always_eager = saved
    batch = LetterBatch.objects.get()
    assert response["Location"] == reverse("integrity:letter_batch_detail", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == "done", batch.error

    download = client.get(reverse("integrity:letter_batch_download", args=[batch.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")
    for other in (discipline_officer, staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])):
        assert client_for(other).get(reverse("integrity:letter_batch_detail", args=[batch.pk])).status_code == 404
        assert client_for(other).get(reverse("integrity:letter_batch_download", args=[batch.pk])).status_code == 404
    outsider = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    refused = client_for(outsider).post(
        reverse("integrity:letter_batch_create"), {"union": tree["d1"].pk, "year": 2026}
    )
    assert refused.status_code == 404
