"""Warning education pages: who may open them (404 otherwise, a city admin included), the list in few
queries, the read trail, attendance by hand and by sheet through the pages, the QR poster and the
cadre's check-in page, and the coverage page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import AuditEvent
from integrity import kinds
from integrity.models import EducationAttendance, EducationSession
from integrity.models.education import EducationSheet
from tests.members.rosters import upload, xlsx_bytes
from tests.pages import client_for, messages_of, text
from unions.models import Role

from ..cadres.factories import CadreFactory
from ..factories import UserFactory, staff
from .factories import EducationSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(tree, district_discipline_officer):
    return EducationSessionFactory(organiser=tree["d1"], created_by=district_discipline_officer, title="观看警示教育片")


def _staff_urls(session) -> list[str]:
    return [
        reverse("integrity:education_list"),
        reverse("integrity:education_create"),
        reverse("integrity:education_coverage"),
        reverse("integrity:education_sheet_template"),
        reverse("integrity:education_detail", args=[session.pk]),
        reverse("integrity:education_sheet_list", args=[session.pk]),
        reverse("integrity:education_sheet_upload", args=[session.pk]),
        reverse("integrity:education_qr", args=[session.pk]),
    ]


# --- who may open them -----------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.Kind.CITY_ADMIN, Role.Kind.CADRE_OFFICER, Role.Kind.LEADER, None])
def test_staff_pages_are_404_for_anyone_but_a_discipline_officer(tree, session, role):
    user = staff(role, tree["city"]) if role else UserFactory()
    client = client_for(user)
    for url in _staff_urls(session):
        assert client.get(url).status_code == 404, url
    renew = reverse("integrity:education_qr_renew", args=[session.pk])
    assert (client.post(renew).status_code, client.get(renew).status_code) == (404, 404)  # not even a 405
    assert client.post(reverse("integrity:education_sheet_template")).status_code == 404


def test_a_session_outside_the_officers_subtree_is_404(tree, session):
    other = staff(Role.Kind.DISCIPLINE_OFFICER, tree["d2"])
    client = client_for(other)
    for url in _staff_urls(session)[4:]:
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("integrity:education_detail", args=[session.pk]), {"action": "add", "cadres": [1]})
    assert response.status_code == 404
    assert client.get(reverse("integrity:education_list")).status_code == 200


def test_every_staff_page_opens_for_the_officer(session, district_discipline_officer):
    client = client_for(district_discipline_officer)
    for url in _staff_urls(session):
        assert client.get(url).status_code == 200, url


# --- list, creation, detail ------------------------------------------------------------------------
def test_list_shows_the_subtrees_sessions_with_attendance_counts_in_few_queries(
    tree, session, district_discipline_officer, django_assert_max_num_queries
):
    far = EducationSessionFactory(organiser=tree["d2"], created_by=district_discipline_officer, title="西城案例通报")
    for _n in range(3):
        EducationSessionFactory(organiser=tree["s1"], created_by=district_discipline_officer)
    EducationAttendance.objects.create(session=session, cadre=CadreFactory(union=tree["g1"]))
    client = client_for(district_discipline_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("integrity:education_list"))
    page = text(response)
    assert session.title in page and far.title not in page
    assert [s.attended for s in response.context["page"].object_list if s.pk == session.pk] == [1]


def test_creating_a_session_leads_to_its_page(tree, district_discipline_officer):
    client = client_for(district_discipline_officer)
    response = client.post(
        reverse("integrity:education_create"),
        {"organiser": tree["s1"].pk, "kind": "case_bulletin", "title": "典型案例通报会", "held_on": "2026-06-03"},
    )
    session = EducationSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "integrity:education_detail", args=[session.pk]
    )
    refused = client.post(
        reverse("integrity:education_create"),
        {"organiser": tree["d2"].pk, "kind": "case_bulletin", "title": "外区", "held_on": "2026-06-03"},
    )
    assert refused.status_code == 400 and EducationSession.objects.count() == 1


def test_the_sessions_page_records_the_read(session, district_discipline_officer):
    client_for(district_discipline_officer).get(reverse("integrity:education_detail", args=[session.pk]))
    event = AuditEvent.objects.get(action=kinds.EDUCATION_SESSION_READ)
    assert (event.target_id, event.actor_id) == (str(session.pk), district_discipline_officer.pk)


def test_the_officer_ticks_cadres_found_by_name_and_takes_one_off(tree, session, district_discipline_officer):
    a = CadreFactory(union=tree["s1"], name="张伟")
    b = CadreFactory(union=tree["g1"], name="张敏")
    outside = CadreFactory(union=tree["s2"], name="张强")
    client = client_for(district_discipline_officer)
    url = reverse("integrity:education_detail", args=[session.pk])

    found = client.get(url, {"q": "张", "add": "1"}).context["candidates"]
    assert {c.pk for c in found} == {a.pk, b.pk}  # not the cadre of district 2

    client.post(url, {"action": "add", "cadres": [a.pk, b.pk]})
    assert set(session.attendances.values_list("cadre_id", flat=True)) == {a.pk, b.pk}
    response = client.post(url, {"action": "add", "cadres": [outside.pk]}, follow=True)
    assert any("Only cadres under" in m for m in messages_of(response))
    client.post(url, {"action": "remove", "cadres": [a.pk]})
    assert list(session.attendances.values_list("cadre_id", flat=True)) == [b.pk]


# --- sheets through the pages ----------------------------------------------------------------------
def test_a_sheet_is_uploaded_checked_and_imported_through_the_pages(tree, session, district_discipline_officer):
    cadre = CadreFactory(union=tree["s1"], name="张伟", mobile="13900000001")
    client = client_for(district_discipline_officer)
    content = xlsx_bytes([["张伟", "13900000001"], ["谁", "13700000000"]], ["姓名", "手机号码"])
    response = client.post(
        reverse("integrity:education_sheet_upload", args=[session.pk]), {"file": upload(content, "签到.xlsx")}
    )
    sheet = EducationSheet.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "No cadre of yours has the mobile number 13700000000" in text(page)
    client.post(reverse("integrity:education_sheet_list", args=[session.pk]), {"sheet": sheet.pk, "mode": "valid_only"})
    assert list(session.attendances.values_list("cadre_id", "source")) == [(cadre.pk, "sheet")]

    again = client.post(
        reverse("integrity:education_sheet_upload", args=[session.pk]), {"file": upload(content, "again.xlsx")}
    )
    assert again.status_code == 400 and "This sheet was imported on" in text(again)


def test_the_blank_sheet_has_the_name_and_mobile_columns(session, district_discipline_officer):
    import io

    from openpyxl import load_workbook

    response = client_for(district_discipline_officer).get(reverse("integrity:education_sheet_template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in workbook.worksheets[0][1]][:2] == ["姓名", "*手机号码"]  # required, marked


# --- the QR poster and the check-in page -----------------------------------------------------------
@pytest.fixture
def today_session(tree, district_discipline_officer):
    return EducationSessionFactory(
        organiser=tree["d1"], created_by=district_discipline_officer, held_on=timezone.localdate(), title="今日警示教育"
    )


def test_the_qr_poster_carries_the_check_in_address_and_renewing_changes_it(today_session, district_discipline_officer):
    client = client_for(district_discipline_officer)
    page = text(client.get(reverse("integrity:education_qr", args=[today_session.pk])))
    old = today_session.qr_token
    assert "<svg" in page and reverse("integrity:education_check_in", args=[old]) in page
    client.post(reverse("integrity:education_qr_renew", args=[today_session.pk]))
    today_session.refresh_from_db()
    assert today_session.qr_token != old
    response = client.get(reverse("integrity:education_check_in", args=[old]))
    assert response.status_code == 404 and "not valid" in text(response)


def test_check_in_sends_an_anonymous_visitor_to_sign_in_and_back(today_session):
    from django.test import Client

    url = reverse("integrity:education_check_in", args=[today_session.qr_token])
    for address in (url, reverse("integrity:education_check_in", args=["not-a-code"])):
        response = Client().get(address)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?{urlencode({'next': address})}"
    assert Client().post(url).status_code == 302 and not EducationAttendance.objects.exists()


def test_the_cadre_checks_in_once_and_the_page_says_already_recorded(today_session, cadre):
    client = client_for(cadre.user, english=False)
    url = reverse("integrity:education_check_in", args=[today_session.qr_token])
    assert "btn-success" in text(client.get(url))
    assert not EducationAttendance.objects.exists()  # scanning alone records nothing
    client.post(url)
    client.post(url)
    assert EducationAttendance.objects.filter(cadre=cadre, source="qr").count() == 1
    page = text(client.get(url))
    assert "已记录" in page and 'class="btn btn-success' not in page


@pytest.mark.parametrize("who", ["not_a_cadre", "outside"])
def test_check_in_refuses_who_may_not_attend(tree, today_session, who):
    user = UserFactory()
    if who == "outside":
        CadreFactory(union=tree["s2"], user=user)
    client = client_for(user)
    url = reverse("integrity:education_check_in", args=[today_session.qr_token])
    page = text(client.get(url))
    expected = "not linked to a cadre record" if who == "not_a_cadre" else "for the cadres under"
    assert expected in page and 'class="btn btn-success' not in page
    client.post(url)
    assert not EducationAttendance.objects.exists()


def test_check_in_is_throttled(today_session, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "education_check_in": "2/m/ip"}
    from django.test import Client

    url = reverse("integrity:education_check_in", args=[today_session.qr_token])
    client = Client()
    assert [client.get(url).status_code for _n in range(3)][-1] == 429


# --- coverage --------------------------------------------------------------------------------------
def test_coverage_page_lists_cadres_without_a_session_first_in_few_queries(
    tree, district_discipline_officer, django_assert_max_num_queries
):
    year = timezone.localdate().year
    went = CadreFactory(union=tree["s1"], name="甲")
    not_yet = CadreFactory(union=tree["g1"], name="乙")
    CadreFactory(union=tree["s2"], name="丙")  # district 2: not the officer's
    held = EducationSessionFactory(
        organiser=tree["d1"], created_by=district_discipline_officer, held_on=datetime.date(year, 1, 2)
    )
    EducationAttendance.objects.create(session=held, cadre=went)
    client = client_for(district_discipline_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("integrity:education_coverage"))
    rows = [(c.name, c.sessions) for c in response.context["page"].object_list]
    assert rows == [("乙", 0), ("甲", 1)]
    assert (response.context["in_post"], response.context["attended"]) == (2, 1)
    assert not_yet.pk
    outside = client.get(reverse("integrity:education_coverage"), {"node": tree["d2"].pk})
    assert outside.context["form"].errors and outside.context["node"] is None


def test_the_sessions_page_lists_attendees_and_candidates_in_few_queries(
    tree, session, district_discipline_officer, django_assert_max_num_queries
):
    for n in range(30):
        cadre = CadreFactory(union=tree["g1" if n % 2 else "s1"], name=f"出席{n:02d}")
        if n < 20:
            EducationAttendance.objects.create(session=session, cadre=cadre)
    client = client_for(district_discipline_officer)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("integrity:education_detail", args=[session.pk]), {"add": "1"})
    assert response.context["page"].paginator.count == 20
    assert len(response.context["candidates"]) == 10  # in post under d1, not yet recorded


def test_coverage_of_a_child_node_counts_only_its_cadres(tree, district_discipline_officer):
    CadreFactory(union=tree["s1"], name="甲")
    CadreFactory(union=tree["g1"], name="乙")
    CadreFactory(union=tree["d1"], name="丁")
    response = client_for(district_discipline_officer).get(
        reverse("integrity:education_coverage"), {"node": tree["s1"].pk}
    )
    assert [c.name for c in response.context["page"].object_list] == ["甲", "乙"]
    assert (response.context["in_post"], response.context["attended"]) == (2, 0)
