"""Opinion letter pages: the officers' queue and letter page (scope, 404 for everyone else, the record
shown and recorded, issuing from the page, the PDF), and the requester's pages (conclusion and validity
only, their own only, ask again when expired)."""

import datetime
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import IntegritySettings, OpinionLetter, Talk
from integrity.services.opinions import letter_number
from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import staff
from .factories import FourFormsEntryFactory, OpinionLetterFactory, RectificationFactory, TalkFactory

TODAY = timezone.localdate()
SECRET_TALK = "谈话内容机密一二三"
SECRET_REMARKS = "出具意见机密四五六"


@pytest.fixture(autouse=True)
def settings_row(db):
    IntegritySettings.objects.update_or_create(pk=1, defaults={"opinion_valid_months": 3, "opinion_lookback_years": 3})


def issued(cadre, requester, officer, *, sequence=1, as_of=None, conclusion="problem", category="integrity", **fields):
    as_of = as_of or TODAY - datetime.timedelta(days=5)
    return OpinionLetterFactory(
        cadre=cadre,
        requested_by=requester,
        status="issued",
        conclusion=conclusion,
        problem_category=category if conclusion == "problem" else "",
        remarks=SECRET_REMARKS,
        as_of=as_of,
        valid_until=as_of + datetime.timedelta(days=90),
        number=letter_number(TODAY.year, sequence),
        sequence_year=TODAY.year,
        sequence=sequence,
        issued_by=officer,
        issued_at=timezone.now(),
        **fields,
    )


def html(response) -> str:
    return response.content.decode()


# --- the officers' side ---------------------------------------------------------------------------
def test_the_queue_lists_waiting_requests_first_then_issued_in_scope_only(
    client, tree, cadre, other_district_cadre, cadre_officer, district_discipline_officer, django_assert_max_num_queries
):
    done = issued(cadre, cadre_officer, district_discipline_officer)
    old = OpinionLetterFactory(cadre=CadreFactory(union=tree["g1"], name="陈旧"), requested_by=cadre_officer)
    OpinionLetter.objects.filter(pk=old.pk).update(requested_at=timezone.now() - datetime.timedelta(days=6))
    new = OpinionLetterFactory(cadre=CadreFactory(union=tree["d1"], name="孙新"), requested_by=cadre_officer)
    OpinionLetterFactory(cadre=other_district_cadre, requested_by=cadre_officer)
    for _ in range(5):
        OpinionLetterFactory(cadre=CadreFactory(union=tree["s1"]), requested_by=cadre_officer)
    client.force_login(district_discipline_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("integrity:opinion_list"))
    assert response.status_code == 200
    page = html(response)
    assert other_district_cadre.name not in page
    assert page.index("陈旧") < page.index("孙新") < page.index(cadre.name)
    assert done.number in page
    assert SECRET_REMARKS not in page
    response = client.get(reverse("integrity:opinion_list"), {"status": "issued"})
    assert cadre.name in html(response) and "孙新" not in html(response)
    response = client.get(reverse("integrity:opinion_list"), {"purpose": "commendation"})
    assert cadre.name not in html(response)
    assert new.pk


@pytest.mark.parametrize("who", ["city_admin", "cadre_officer", "leader", "cadre_self"])
def test_the_officers_pages_are_404_for_everyone_else(client, who, request, cadre, cadre_officer, discipline_officer):
    letter = issued(cadre, cadre_officer, discipline_officer)
    user = cadre.user if who == "cadre_self" else request.getfixturevalue(who)
    client.force_login(user)
    for name, args in (
        ("opinion_list", []),
        ("opinion_detail", [letter.pk]),
        ("opinion_pdf", [letter.pk]),
    ):
        assert client.get(reverse(f"integrity:{name}", args=args)).status_code == 404, name
    issue_url = reverse("integrity:opinion_issue", args=[letter.pk])
    assert client.post(issue_url).status_code == client.get(issue_url).status_code == 404
    assert not AuditEvent.objects.filter(action=kinds.OPINION_RECORD_SHOWN).exists()


def test_a_letter_outside_the_officers_subtree_is_404(
    client, other_district_cadre, cadre_officer, district_discipline_officer
):
    letter = OpinionLetterFactory(cadre=other_district_cadre, requested_by=cadre_officer)
    client.force_login(district_discipline_officer)
    assert client.get(reverse("integrity:opinion_detail", args=[letter.pk])).status_code == 404
    response = client.post(
        reverse("integrity:opinion_issue", args=[letter.pk]),
        {"conclusion": "no_problem", "as_of": TODAY.isoformat()},
    )
    assert response.status_code == 404
    assert client.get(reverse("integrity:opinion_detail", args=[999999])).status_code == 404


def test_the_letter_page_shows_the_record_over_the_look_back_years_without_content_and_records_it(
    client, cadre, cadre_officer, discipline_officer
):
    years_ago = TODAY.replace(year=TODAY.year - 4)
    routine = TalkFactory(cadre=cadre, recorder=discipline_officer, held_on=TODAY, content=SECRET_TALK)
    reminder = TalkFactory(
        cadre=cadre, recorder=discipline_officer, kind="reminder", held_on=TODAY, content=SECRET_TALK
    )
    too_old = TalkFactory(cadre=cadre, recorder=discipline_officer, kind="admonishment", held_on=years_ago)
    draft = TalkFactory(cadre=cadre, recorder=discipline_officer, kind="admonishment", status="draft", held_on=TODAY)
    open_item = RectificationFactory(talk=too_old, deadline=TODAY - datetime.timedelta(days=3), text=SECRET_TALK)
    RectificationFactory(talk=reminder, status="struck_off", deadline=TODAY)
    entry = FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer, decided_on=TODAY, note=SECRET_TALK)
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    client.force_login(discipline_officer)
    response = client.get(reverse("integrity:opinion_detail", args=[letter.pk]))
    assert response.status_code == 200
    page = html(response)
    assert SECRET_TALK not in page
    ctx = response.context
    assert [t.pk for t in ctx["talks"]] == [reminder.pk]  # not routine, not too old, not a draft
    assert routine.pk != reminder.pk and draft.pk not in [t.pk for t in ctx["talks"]]
    assert [r.pk for r in ctx["rectifications"]] == [open_item.pk]  # still open, whatever its talk's date
    assert ctx["rectifications"][0].overdue
    assert [e.pk for e in ctx["four_forms"]] == [entry.pk]
    assert 'id="issue-card"' in page
    events = AuditEvent.objects.filter(action=kinds.OPINION_RECORD_SHOWN, target_id=str(letter.pk))
    assert events.count() == 1
    assert events.get().actor == discipline_officer
    assert SECRET_TALK not in str(events.values().get())


def test_an_empty_record_says_so(client, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    client.force_login(discipline_officer)
    assert 'id="record-empty"' in html(client.get(reverse("integrity:opinion_detail", args=[letter.pk])))


def test_issuing_from_the_page_after_looking_numbers_the_letter(client, cadre, cadre_officer, discipline_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    client.force_login(discipline_officer)
    url = reverse("integrity:opinion_issue", args=[letter.pk])
    response = client.post(url, {"conclusion": "problem", "problem_category": "", "as_of": TODAY.isoformat()})
    assert response.status_code == 400  # a problem names its category
    client.get(reverse("integrity:opinion_detail", args=[letter.pk]))
    response = client.post(url, {"conclusion": "no_problem", "as_of": TODAY.isoformat(), "remarks": "未发现问题"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == "issued" and letter.number == letter_number(TODAY.year, 1)
    # the page now shows the letter as issued; a second post is refused
    page = html(client.get(reverse("integrity:opinion_detail", args=[letter.pk])))
    assert 'id="issued-card"' in page and 'id="issue-card"' not in page
    response = client.post(url, {"conclusion": "problem", "problem_category": "work", "as_of": TODAY.isoformat()})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.conclusion == "no_problem"


def test_posting_the_issue_form_without_having_opened_the_page_is_refused(
    client, cadre, cadre_officer, discipline_officer
):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    client.force_login(discipline_officer)
    response = client.post(
        reverse("integrity:opinion_issue", args=[letter.pk]), {"conclusion": "no_problem", "as_of": TODAY.isoformat()}
    )
    assert response.status_code == 400
    letter.refresh_from_db()
    assert letter.status == "requested"
    # the answer shows the record (and says so in the trail): now it may be issued
    assert AuditEvent.objects.filter(action=kinds.OPINION_RECORD_SHOWN, target_id=str(letter.pk)).count() == 1


def test_the_pdf_is_the_issued_letter_and_its_download_recorded(
    client, tmp_path, cadre, cadre_officer, discipline_officer
):
    letter = issued(cadre, cadre_officer, discipline_officer, conclusion="problem", category="eight_point_rules")
    waiting = OpinionLetterFactory(cadre=CadreFactory(union=cadre.union), requested_by=cadre_officer)
    client.force_login(discipline_officer)
    assert client.get(reverse("integrity:opinion_pdf", args=[waiting.pk])).status_code == 404
    response = client.get(reverse("integrity:opinion_pdf", args=[letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=kinds.OPINION_DOWNLOADED, target_id=str(letter.pk)).count() == 1
    pdf = tmp_path / "opinion.pdf"
    pdf.write_bytes(response.content)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert letter.number in text
        assert cadre.name in text and cadre.union.name in text and cadre.post in text
        assert "测试市总工会" in text  # the issuing body: the node of the officer's role
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "opinion")], check=True)
        assert list(tmp_path.glob("opinion*.png"))


# --- the requester's side -------------------------------------------------------------------------
def test_the_requester_sees_the_conclusion_only(
    client, cadre, cadre_officer, discipline_officer, django_assert_max_num_queries
):
    TalkFactory(cadre=cadre, recorder=discipline_officer, kind="admonishment", held_on=TODAY, content=SECRET_TALK)
    letter = issued(cadre, cadre_officer, discipline_officer, conclusion="problem", category="eight_point_rules")
    for _ in range(3):
        issued(
            CadreFactory(union=cadre.union),
            cadre_officer,
            discipline_officer,
            sequence=OpinionLetter.objects.count() + 1,
        )
    client.force_login(cadre_officer)
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("integrity:opinion_requested_list"))
    detail = client.get(reverse("integrity:opinion_requested_detail", args=[letter.pk]))
    assert listing.status_code == detail.status_code == 200
    with translation.override("zh-hans"):
        conclusion = str(letter.get_conclusion_display())
        category = str(letter.get_problem_category_display())
        admonishment = str(Talk.Kind.ADMONISHMENT.label)
    for page in (html(listing), html(detail)):
        assert letter.number in page and conclusion in page
        assert letter.valid_until.isoformat() in page
        assert category not in page and "eight_point_rules" not in page
        assert SECRET_REMARKS not in page and SECRET_TALK not in page
        assert admonishment not in page and "record-talks" not in page
    assert AuditEvent.objects.filter(action=kinds.OPINION_LETTER_READ, target_id=str(letter.pk)).count() == 1


def test_the_requesters_pages_are_their_own_only(client, tree, cadre, cadre_officer, discipline_officer, city_admin):
    letter = issued(cadre, cadre_officer, discipline_officer)
    other_officer = staff(Role.Kind.CADRE_OFFICER, tree["city"])
    url = reverse("integrity:opinion_requested_detail", args=[letter.pk])
    for user in (other_officer, discipline_officer, city_admin, cadre.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert letter.number not in html(client.get(reverse("integrity:opinion_requested_list")))


def test_an_expired_letter_says_so_and_is_asked_for_again(client, cadre, cadre_officer, discipline_officer):
    letter = issued(cadre, cadre_officer, discipline_officer, as_of=TODAY - datetime.timedelta(days=200))
    client.force_login(cadre_officer)
    page = html(client.get(reverse("integrity:opinion_requested_detail", args=[letter.pk])))
    assert 'id="expired-note"' in page
    assert 'name="purpose" value="promotion"' in page
    listing = html(client.get(reverse("integrity:opinion_requested_list")))
    assert reverse("integrity:opinion_request") in listing
    response = client.post(
        reverse("integrity:opinion_request"),
        {"cadre": cadre.pk, "purpose": letter.purpose, "note": letter.request_note},
    )
    assert response.status_code == 302
    again = OpinionLetter.objects.exclude(pk=letter.pk).get()
    assert (again.cadre, again.purpose, again.status) == (cadre, letter.purpose, "requested")


def test_the_request_page_preselects_the_cadre_and_makes_the_request(client, cadre, cadre_officer):
    client.force_login(cadre_officer)
    response = client.get(reverse("integrity:opinion_request"), {"cadre": cadre.pk})
    assert response.status_code == 200
    assert response.context["form"].fields["cadre"].initial == cadre.pk
    assert cadre.name in html(response)
    response = client.post(
        reverse("integrity:opinion_request"), {"cadre": cadre.pk, "purpose": "promotion", "note": "拟提任"}
    )
    letter = OpinionLetter.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("integrity:opinion_requested_detail", args=[letter.pk])
    # a second one for the same purpose names the first
    response = client.post(reverse("integrity:opinion_request"), {"cadre": cadre.pk, "purpose": "promotion"})
    assert response.status_code == 400
    assert reverse("integrity:opinion_requested_detail", args=[letter.pk]) in html(response)
    assert OpinionLetter.objects.count() == 1


def test_a_valid_letter_is_offered_instead_of_a_new_request(client, cadre, cadre_officer, discipline_officer):
    letter = issued(cadre, cadre_officer, discipline_officer)
    client.force_login(cadre_officer)
    response = client.post(reverse("integrity:opinion_request"), {"cadre": cadre.pk, "purpose": "promotion"})
    assert response.status_code == 400
    page = html(response)
    assert letter.number in page
    assert reverse("integrity:opinion_requested_detail", args=[letter.pk]) in page
    assert OpinionLetter.objects.count() == 1


def test_a_cadre_outside_the_requesters_scope_or_not_a_cadre_is_refused(
    client, tree, cadre, other_district_cadre, cadre_officer
):
    district_officer = staff(Role.Kind.CADRE_OFFICER, tree["d1"])
    client.force_login(district_officer)
    for pk in (other_district_cadre.pk, 999999, "x"):
        response = client.post(reverse("integrity:opinion_request"), {"cadre": pk, "purpose": "promotion"})
        assert response.status_code == 400
        assert response.context["form"].errors["cadre"]
    assert not OpinionLetter.objects.exists()


@pytest.mark.parametrize("who", ["city_admin", "discipline_officer", "leader"])
def test_the_request_page_is_404_for_who_does_not_ask(client, who, request, cadre):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("integrity:opinion_request")).status_code == 404
    assert (
        client.post(reverse("integrity:opinion_request"), {"cadre": cadre.pk, "purpose": "promotion"}).status_code
        == 404
    )
    assert not OpinionLetter.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, cadre, cadre_officer):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    for url in (
        reverse("integrity:opinion_list"),
        reverse("integrity:opinion_detail", args=[letter.pk]),
        reverse("integrity:opinion_request"),
        reverse("integrity:opinion_requested_list"),
        reverse("integrity:opinion_requested_detail", args=[letter.pk]),
    ):
        assert client.get(url).status_code == 302


def test_the_letter_page_costs_the_same_queries_however_long_the_record(
    client, cadre, cadre_officer, discipline_officer, django_assert_max_num_queries
):
    letter = OpinionLetterFactory(cadre=cadre, requested_by=cadre_officer)
    client.force_login(discipline_officer)
    talk = TalkFactory(cadre=cadre, recorder=discipline_officer, kind="reminder", held_on=TODAY)
    RectificationFactory(talk=talk, deadline=TODAY)
    FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer, decided_on=TODAY)
    client.get(reverse("integrity:opinion_detail", args=[letter.pk]))  # warm the settings row and the session
    with CaptureQueriesContext(connection) as short:
        client.get(reverse("integrity:opinion_detail", args=[letter.pk]))
    for _ in range(10):
        more = TalkFactory(cadre=cadre, recorder=discipline_officer, kind="admonishment", held_on=TODAY)
        RectificationFactory(talk=more, deadline=TODAY)
        FourFormsEntryFactory(cadre=cadre, created_by=discipline_officer, decided_on=TODAY)
    with django_assert_max_num_queries(len(short)):
        response = client.get(reverse("integrity:opinion_detail", args=[letter.pk]))
    assert len(response.context["talks"]) == 11
    assert len(short) <= 20
