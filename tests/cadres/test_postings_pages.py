"""The secondment, stay and task-force pages: lists (scope, filters, query counts), the new record,
the steps on the detail page, the cadre's own report upload, and 404 outside scope."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cadres.models import GrassrootsStay, Secondment, TaskForce

from ..factories import UserFactory, credit_code
from .factories import CadreFactory

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def login(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def csrf_post(client: Client, page: str, url: str, data: dict):
    """Like a browser: the form's page first, then the POST with its token."""
    client.get(page)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def secondment(cadre, by, **fields) -> Secondment:
    values = {
        "host_name": "东城精密机械有限公司",
        "host_kind": "enterprise",
        "post_at_host": "总经理助理",
        "planned_start": D(2026, 3, 1),
        "planned_end": D(2026, 8, 31),
        "report_due_on": D(2026, 9, 30),
        **fields,
    }
    return Secondment.objects.create(cadre=cadre, created_by=by, **values)


def stay(cadre, by, **fields) -> GrassrootsStay:
    values = {
        "employer_name": "东城区快递物流园",
        "starts_on": D(2026, 6, 1),
        "ends_on": D(2026, 6, 30),
        "report_due_on": D(2026, 7, 30),
        **fields,
    }
    return GrassrootsStay.objects.create(cadre=cadre, created_by=by, **values)


def task_force(organiser, lead, by, **fields) -> TaskForce:
    values = {
        "name": "新就业形态劳动者入会工作专班",
        "purpose": "推动快递员入会",
        "starts_on": D(2026, 3, 1),
        "ends_on": D(2026, 11, 30),
        **fields,
    }
    return TaskForce.objects.create(organiser=organiser, lead=lead, created_by=by, **values)


def pdf(name="调研报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- lists ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["cadres:secondment_list", "cadres:stay_list", "cadres:task_force_list"])
def test_a_list_shows_the_officers_scope_only_in_a_fixed_number_of_queries(
    name, tree, cadre, other_district_cadre, district_cadre_officer, django_assert_max_num_queries
):
    def add(n: int) -> None:
        for i in range(n):
            someone = CadreFactory(union=tree["g1"], name=f"挂职干部{i:02d}")
            secondment(someone, district_cadre_officer, host_name=f"东城企业{i:02d}")
            stay(someone, district_cadre_officer, employer_name=f"东城企业{i:02d}")
            task_force(tree["d1"], someone, district_cadre_officer, name=f"东城企业{i:02d}专班")

    secondment(other_district_cadre, district_cadre_officer, host_name="西城企业")
    stay(other_district_cadre, district_cadre_officer, employer_name="西城企业")
    task_force(tree["d2"], other_district_cadre, district_cadre_officer, name="西城企业专班")
    client = login(district_cadre_officer)
    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse(name))
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "东城企业19" in body and "西城企业" not in body


def test_the_secondment_list_filters_by_status_kind_of_host_and_year(cadre, district_cadre_officer):
    secondment(cadre, district_cadre_officer, host_name="甲公司")
    secondment(
        cadre,
        district_cadre_officer,
        host_name="乙园区",
        host_kind="park",
        planned_start=D(2025, 1, 1),
        planned_end=D(2025, 6, 30),
        status="closed",
    )
    client = login(district_cadre_officer)
    url = reverse("cadres:secondment_list")

    def hosts(**query) -> set[str]:
        body = client.get(url, query).content.decode()
        return {host for host in ("甲公司", "乙园区") if host in body}

    assert hosts() == {"甲公司", "乙园区"}
    assert hosts(status="closed") == {"乙园区"}
    assert hosts(host_kind="enterprise") == {"甲公司"}
    assert hosts(year="2026") == {"甲公司"}
    assert hosts(q="李晓") == {"甲公司", "乙园区"} and hosts(q="王") == set()
    # an htmx request gets the results only
    partial = client.get(url, {"status": "closed"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="secondment-results"' in partial and "<html" not in partial


def test_an_empty_list_says_so(district_cadre_officer):
    body = login(district_cadre_officer).get(reverse("cadres:stay_list")).content.decode()
    assert "No grassroots stay matches." in body or "没有" in body


# --- new records ---------------------------------------------------------------------------------
def test_an_officer_finds_the_cadre_and_plans_a_secondment(cadre, district_cadre_officer):
    client = login(district_cadre_officer, csrf=True)
    page = reverse("cadres:secondment_create")
    found = client.get(page, {"q": "晓明"}).content.decode()
    assert "李晓明" in found
    code = credit_code(11)
    response = csrf_post(
        client,
        page,
        page,
        {
            "cadre": cadre.pk,
            "host_name": "中关村软件园",
            "host_kind": "park",
            "host_credit_code": code,
            "post_at_host": "园区工会副主席",
            "project": "园区职工服务站",
            "planned_start": "2026-09-01",
            "planned_end": "2027-02-28",
        },
    )
    record = Secondment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cadres:secondment_detail", args=[record.pk])
    assert (record.cadre, record.host_credit_code, record.report_due_on) == (cadre, code, D(2027, 3, 30))


def test_a_bad_credit_code_or_a_cadre_outside_scope_is_refused_in_the_form(
    cadre, other_district_cadre, district_cadre_officer
):
    client = login(district_cadre_officer)
    data = {
        "cadre": cadre.pk,
        "host_name": "某公司",
        "host_kind": "enterprise",
        "host_credit_code": "91110105MA01234567",
        "post_at_host": "助理",
        "planned_start": "2026-09-01",
        "planned_end": "2026-12-31",
    }
    response = client.post(reverse("cadres:secondment_create"), data)
    assert response.status_code == 400
    assert "credit code" in response.content.decode() or "信用代码" in response.content.decode()
    response = client.post(
        reverse("cadres:secondment_create"), {**data, "host_credit_code": "", "cadre": other_district_cadre.pk}
    )
    assert response.status_code == 400
    assert not Secondment.objects.exists()


def test_an_overlap_is_refused_on_the_page_naming_the_other(cadre, district_cadre_officer):
    secondment(cadre, district_cadre_officer, host_name="东城精密机械有限公司")
    data = {
        "cadre": cadre.pk,
        "host_name": "别处",
        "host_kind": "enterprise",
        "post_at_host": "助理",
        "planned_start": "2026-08-01",
        "planned_end": "2026-12-31",
    }
    response = login(district_cadre_officer).post(reverse("cadres:secondment_create"), data)
    assert response.status_code == 400 and "东城精密机械有限公司" in response.content.decode()
    assert Secondment.objects.count() == 1


def test_an_officer_plans_a_stay_at_a_unit_of_the_tree(cadre, tree, district_cadre_officer):
    response = login(district_cadre_officer).post(
        reverse("cadres:stay_create"),
        {"cadre": cadre.pk, "union": tree["g1"].pk, "starts_on": "2026-10-08", "ends_on": "2026-10-31"},
    )
    record = GrassrootsStay.objects.get()
    assert response.status_code == 302 and (record.union, record.report_due_on) == (tree["g1"], D(2026, 11, 30))


def test_an_officer_sets_up_a_task_force_and_adds_a_member(cadre, tree, district_cadre_officer):
    client = login(district_cadre_officer, csrf=True)
    page = reverse("cadres:task_force_create")
    response = csrf_post(
        client,
        page,
        page,
        {
            "organiser": tree["d1"].pk,
            "name": "快递员入会专班",
            "purpose": "推动快递员入会",
            "lead": cadre.pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-11-30",
        },
    )
    force = TaskForce.objects.get()
    assert response.status_code == 302 and force.lead == cadre
    member = CadreFactory(union=tree["g1"], name="周杰")
    detail = reverse("cadres:task_force_detail", args=[force.pk])
    assert "周杰" in client.get(detail, {"q": "周"}).content.decode()
    response = csrf_post(
        client, detail, reverse("cadres:task_force_member_add", args=[force.pk]), {"cadre": member.pk, "duty": "联络"}
    )
    assert response.status_code == 302 and force.members.get().cadre == member


# --- the steps on the detail page ----------------------------------------------------------------
def test_an_officer_takes_a_secondment_through_its_steps_on_the_detail_page(cadre, district_cadre_officer):
    record = secondment(cadre, district_cadre_officer)
    client = login(district_cadre_officer, csrf=True)
    detail = reverse("cadres:secondment_detail", args=[record.pk])

    def step(name, data=None):
        return csrf_post(client, detail, reverse(f"cadres:secondment_{name}", args=[record.pk]), data or {})

    # out of order: a message on the page, nothing changed
    refused = step("close")
    assert refused.status_code == 400 and "当前无法进行此操作" in refused.content.decode()
    assert step("start", {"on": "2026-03-02"}).status_code == 302
    assert step("host_evaluation", {"host-grade": "excellent", "host-comment": "好"}).status_code == 302
    assert step("end", {"on": "2026-08-30"}).status_code == 302
    assert step("report", {"title": "园区调研报告", "file": pdf()}).status_code == 302
    assert step("review", {"review-grade": "good", "review-comment": "有见地"}).status_code == 302
    assert step("close").status_code == 302
    record.refresh_from_db()
    assert (record.status, record.host_grade, record.review_grade) == ("closed", "excellent", "good")
    download = client.get(reverse("cadres:secondment_report_file", args=[record.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_an_officer_takes_a_stay_through_its_steps(cadre, district_cadre_officer):
    record = stay(cadre, district_cadre_officer)
    client = login(district_cadre_officer)
    for name, data in (
        ("start", {}),
        ("end", {}),
        ("report", {"title": "快递员入会调研", "file": pdf()}),
        ("review", {"review-grade": "excellent", "review-comment": "带着机油味"}),
    ):
        response = client.post(reverse(f"cadres:stay_{name}", args=[record.pk]), data)
        assert response.status_code == 302, (name, response.content.decode()[:300])
    record.refresh_from_db()
    assert (record.status, record.review_grade) == ("reviewed", "excellent")


# --- the cadre's own pages -----------------------------------------------------------------------
def test_the_cadre_hands_in_their_own_report_from_their_page(cadre, district_cadre_officer):
    record = secondment(cadre, district_cadre_officer, status="report_due", actual_start=D(2026, 3, 1))
    client = login(cadre.user, csrf=True)
    page = reverse("cadres:my_secondment", args=[record.pk])
    assert "东城精密机械有限公司" in client.get(page).content.decode()
    response = csrf_post(client, page, page, {"title": "园区调研报告", "file": pdf()})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.report_title == "园区调研报告" and record.report_file.read() == PDF
    download = client.get(reverse("cadres:my_secondment_report_file", args=[record.pk]))
    assert b"".join(download.streaming_content) == PDF


def test_a_file_that_is_not_a_pdf_or_word_document_is_refused(cadre, district_cadre_officer):
    record = stay(cadre, district_cadre_officer, status="report_due")
    client = login(cadre.user)
    response = client.post(
        reverse("cadres:my_stay", args=[record.pk]), {"title": "报告", "file": pdf("报告.pdf", b"MZ\x90\x00 not a pdf")}
    )
    assert response.status_code == 400 and ".pdf" in response.content.decode()
    record.refresh_from_db()
    assert not record.report_file and record.report_submitted_at is None


def test_someone_elses_posting_answers_404_on_the_own_pages(cadre, tree, district_cadre_officer):
    record = secondment(cadre, district_cadre_officer, status="report_due")
    own_stay = stay(cadre, district_cadre_officer, status="report_due")
    force = task_force(tree["d1"], cadre, district_cadre_officer, status="assessing")
    other = CadreFactory(union=cadre.union, user=UserFactory(), name="另一位")
    for user in (other.user, district_cadre_officer):
        client = login(user)
        for url in (
            reverse("cadres:my_secondment", args=[record.pk]),
            reverse("cadres:my_secondment_report_file", args=[record.pk]),
            reverse("cadres:my_stay", args=[own_stay.pk]),
            reverse("cadres:my_stay_report_file", args=[own_stay.pk]),
            reverse("cadres:my_task_force", args=[force.pk]),
        ):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"title": "x", "file": pdf(), "member": 1, "grade": "good"}).status_code == 404
    record.refresh_from_db()
    assert not record.report_file


# --- scope ---------------------------------------------------------------------------------------
def _every_url(secondment_pk, stay_pk, force_pk):
    s = ["detail", "start", "end", "host_evaluation", "report", "report_file", "review", "close"]
    g = ["detail", "start", "end", "report", "report_file", "review"]
    t = ["detail", "member_add", "member_remove", "assessing", "assess", "close"]
    return (
        [reverse(f"cadres:secondment_{n}", args=[secondment_pk]) for n in s]
        + [reverse(f"cadres:stay_{n}", args=[stay_pk]) for n in g]
        + [reverse(f"cadres:task_force_{n}", args=[force_pk]) for n in t]
    )


def test_a_district_officer_gets_404_for_district_2s_records_on_every_page(
    tree, cadre, other_district_cadre, district_cadre_officer, cadre_officer
):
    # given district 2's records, in every state a step could start from
    record = secondment(other_district_cadre, cadre_officer, status="report_due", host_grade="good")
    record.report_file.save("r.pdf", pdf(), save=True)
    away = stay(other_district_cadre, cadre_officer, status="report_due")
    force = task_force(tree["d2"], other_district_cadre, cadre_officer, status="assessing")
    client = login(district_cadre_officer)
    data = {
        "on": "2026-03-01",
        "host-grade": "good",
        "review-grade": "good",
        "title": "t",
        "member": 1,
        "grade": "good",
    }
    for url in _every_url(record.pk, away.pk, force.pk):
        assert client.get(url).status_code in {404, 405}, url
        assert client.post(url, data).status_code in {404, 405}, url
    record.refresh_from_db()
    assert (record.status, record.review_grade) == ("report_due", "")
    # while the city's officer, whose scope covers them, is never told they do not exist
    city = login(cadre_officer)
    for url in _every_url(record.pk, away.pk, force.pk):
        assert city.get(url).status_code != 404, url


def test_staff_without_a_cadre_officers_role_are_turned_away(district_staff, cadre, district_cadre_officer):
    record = secondment(cadre, district_cadre_officer)
    client = login(district_staff)
    for url in (reverse("cadres:secondment_list"), reverse("cadres:secondment_detail", args=[record.pk])):
        assert client.get(url).status_code == 403
