"""Training pages: scope (outside: 404), the class form's messages, enrolment and attendance through the
pages, the QR check-in page and the cadre's own hub."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cadres.models import Attendance, Enrolment, TrainingClass
from cadres.services import training as services

from ..factories import PASSWORD, UserFactory
from .factories import CadreFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _class(organiser, by, **fields):
    return TrainingClassFactory(organiser=organiser, created_by=by, **fields)


def _today_class(organiser, by, **fields):
    today = timezone.localdate()
    return _class(organiser, by, starts_on=today, ends_on=today + datetime.timedelta(days=1), **fields)


# --- the list ------------------------------------------------------------------------------------
def test_class_list_shows_the_officers_subtree_only_in_few_queries(
    tree, district_cadre_officer, django_assert_max_num_queries
):
    mine = [_class(tree["d1"] if n % 2 else tree["s1"], district_cadre_officer, title=f"东城班{n}") for n in range(12)]
    for training_class in mine[:4]:
        for _n in range(3):
            Enrolment.objects.create(training_class=training_class, cadre=CadreFactory(union=tree["s1"]))
    _class(tree["d2"], district_cadre_officer, title="西城班")
    client = _login(district_cadre_officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("cadres:class_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "东城班11" in content and "西城班" not in content


def test_class_list_filters_by_year_and_category(tree, district_cadre_officer):
    _class(tree["d1"], district_cadre_officer, title="今年法律班", category="law")
    _class(
        tree["d1"],
        district_cadre_officer,
        title="去年班",
        category="law",
        starts_on=datetime.date(2025, 5, 1),
        ends_on=datetime.date(2025, 5, 2),
    )
    _class(tree["d1"], district_cadre_officer, title="今年理论班", category="political_theory")
    content = _login(district_cadre_officer).get(reverse("cadres:class_list"), {"year": 2026, "category": "law"})
    text = content.content.decode()
    assert "今年法律班" in text and "去年班" not in text and "今年理论班" not in text


def test_training_pages_are_for_cadre_officers(tree, district_staff):
    assert _login(district_staff).get(reverse("cadres:class_list")).status_code == 403


@pytest.mark.parametrize("name", ["class_detail", "class_edit", "class_attendance", "class_qr"])
def test_a_class_outside_scope_answers_404(tree, district_cadre_officer, cadre_officer, name):
    elsewhere = _class(tree["d2"], cadre_officer)
    response = _login(district_cadre_officer).get(reverse(f"cadres:{name}", args=[elsewhere.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["class_enrol", "class_finish", "class_cancel", "class_qr_renew", "class_unenrol"])
def test_posting_to_a_class_outside_scope_answers_404_and_changes_nothing(
    tree, district_cadre_officer, cadre_officer, name
):
    elsewhere = _class(tree["d2"], cadre_officer, audience="all")
    token = elsewhere.qr_token
    response = _login(district_cadre_officer).post(
        reverse(f"cadres:{name}", args=[elsewhere.pk]), {"action": "audience"}
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert (elsewhere.status, elsewhere.qr_token) == ("planned", token)


# --- the class form ------------------------------------------------------------------------------
def _form(organiser, **overrides):
    data = {
        "organiser": organiser.pk,
        "title": "基层工会主席培训班",
        "category": "union_work",
        "mode": "in_person",
        "starts_on": "2026-10-12",
        "ends_on": "2026-10-14",
        "credit_hours": "21",
        "capacity": "",
        "location": "市工人文化宫",
        "audience": "chosen",
    }
    data.update(overrides)
    return data


def test_creating_a_class_through_the_page(tree, district_cadre_officer):
    response = _login(district_cadre_officer).post(reverse("cadres:class_create"), _form(tree["d1"]))
    training_class = TrainingClass.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cadres:class_detail", args=[training_class.pk]
    )
    assert (training_class.days, training_class.credit_hours) == (3, Decimal("21"))


@pytest.mark.parametrize(
    ("overrides", "chinese"),
    [
        ({"ends_on": "2026-10-11"}, "结束日期不能早于开始日期"),
        ({"credit_hours": "0"}, "学时必须大于零"),
        ({"credit_hours": "40"}, "最多计 36 学时"),
    ],
)
def test_bad_hours_or_dates_answer_in_chinese_in_the_form_and_write_nothing(
    tree, district_cadre_officer, overrides, chinese
):
    response = _login(district_cadre_officer).post(reverse("cadres:class_create"), _form(tree["d1"], **overrides))
    assert response.status_code == 400
    assert chinese in response.content.decode()
    assert not TrainingClass.objects.exists()


def test_a_class_cannot_be_organised_by_a_node_outside_scope(tree, district_cadre_officer):
    response = _login(district_cadre_officer).post(reverse("cadres:class_create"), _form(tree["d2"]))
    assert response.status_code == 400
    assert not TrainingClass.objects.exists()


def test_editing_capacity_below_the_enrolments_is_refused_in_the_form(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer, capacity=5)
    for _n in range(3):
        Enrolment.objects.create(training_class=training_class, cadre=CadreFactory(union=tree["s1"]))
    data = _form(tree["d1"], capacity="2", starts_on="2026-09-14", ends_on="2026-09-15", credit_hours="14")
    response = _login(district_cadre_officer).post(reverse("cadres:class_edit", args=[training_class.pk]), data)
    assert response.status_code == 400
    assert "已有 3 名干部报名" in response.content.decode()
    training_class.refresh_from_db()
    assert training_class.capacity == 5


# --- enrolment and attendance through the pages --------------------------------------------------
def test_finish_needs_the_csrf_token(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    client = Client(enforce_csrf_checks=True)
    client.login(username=district_cadre_officer.username, password=PASSWORD)
    response = client.post(reverse("cadres:class_finish", args=[training_class.pk]))
    assert response.status_code == 403
    assert TrainingClass.objects.get(pk=training_class.pk).status == "planned"


def test_search_and_enrol_chosen_cadres(tree, district_cadre_officer, cadre, other_district_cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    client = _login(district_cadre_officer)
    page = client.get(reverse("cadres:class_detail", args=[training_class.pk]), {"q": "李"}).content.decode()
    assert f'value="{cadre.pk}"' in page
    response = client.post(
        reverse("cadres:class_enrol", args=[training_class.pk]), {"action": "chosen", "cadres": [cadre.pk]}
    )
    assert response.status_code == 302
    assert training_class.enrolments.get().cadre == cadre
    # a cadre of district 2 is outside the officer's scope: refused, nobody enrolled
    client.post(
        reverse("cadres:class_enrol", args=[training_class.pk]),
        {"action": "chosen", "cadres": [other_district_cadre.pk]},
    )
    assert training_class.enrolments.count() == 1


def test_audience_enrolment_says_how_many_did_not_fit(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer, audience="all", capacity=1)
    CadreFactory(union=tree["s1"])
    CadreFactory(union=tree["g1"])
    response = _login(district_cadre_officer).post(
        reverse("cadres:class_enrol", args=[training_class.pk]), {"action": "audience"}, follow=True
    )
    assert "1 名干部超出容量" in response.content.decode()
    assert training_class.enrolments.count() == 1


def test_officer_records_attendance_in_the_table(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    client = _login(district_cadre_officer)
    url = reverse("cadres:class_attendance", args=[training_class.pk])
    assert client.get(url, {"day": "2026-09-15"}).status_code == 200
    prefix = f"c{cadre.pk}"
    response = client.post(url, {"day": "2026-09-15", f"{prefix}-signed_in": "on", f"{prefix}-absent_hours": "1.5"})
    assert response.status_code == 302
    row = Attendance.objects.get()
    assert (row.on_date, row.signed_out_at) == (datetime.date(2026, 9, 15), None)
    assert Enrolment.objects.get().absent_hours == Decimal("1.5")


def test_attendance_for_a_cadre_not_enrolled_is_refused_with_a_message(tree, district_cadre_officer, cadre):
    training_class = _class(tree["d1"], district_cadre_officer)
    enrolled = CadreFactory(union=tree["s1"])
    Enrolment.objects.create(training_class=training_class, cadre=enrolled)
    response = _login(district_cadre_officer).post(
        reverse("cadres:class_attendance", args=[training_class.pk]),
        {"day": "2026-09-14", f"c{enrolled.pk}-signed_in": "on", f"c{cadre.pk}-signed_in": "on"},
    )
    assert response.status_code == 400
    assert "李晓明" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_on_a_day_outside_the_class_is_refused(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer)
    response = _login(district_cadre_officer).get(
        reverse("cadres:class_attendance", args=[training_class.pk]), {"day": "2026-09-20"}
    )
    assert response.status_code == 302


# --- QR poster and check-in ----------------------------------------------------------------------
def test_qr_poster_carries_the_check_in_address_and_renewing_changes_it(tree, district_cadre_officer):
    training_class = _class(tree["d1"], district_cadre_officer)
    client = _login(district_cadre_officer)
    page = client.get(reverse("cadres:class_qr", args=[training_class.pk])).content.decode()
    assert "<svg" in page and reverse("cadres:check_in", args=[training_class.qr_token]) in page
    client.post(reverse("cadres:class_qr_renew", args=[training_class.pk]))
    old = training_class.qr_token
    training_class.refresh_from_db()
    assert training_class.qr_token != old
    # a signed-in user scanning the old code is told it is not valid
    response = client.get(reverse("cadres:check_in", args=[old]))
    assert response.status_code == 404 and "二维码无效" in response.content.decode()


def test_check_in_page_sends_an_anonymous_visitor_to_sign_in_and_back(tree, district_cadre_officer):
    training_class = _today_class(tree["d1"], district_cadre_officer)
    url = reverse("cadres:check_in", args=[training_class.qr_token])
    for address in (url, reverse("cadres:check_in", args=["not-a-code"])):  # valid or not: the same answer
        response = Client().get(address)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?{urlencode({'next': address})}"
    followed = Client().get(url, follow=True).content.decode()
    assert "请登录您的账号后签到" in followed and training_class.title not in followed
    assert Client().post(url).status_code == 302 and not Attendance.objects.exists()


def test_check_in_page_signs_in_then_out_with_a_tap(tree, district_cadre_officer, cadre):
    training_class = _today_class(tree["d1"], district_cadre_officer)
    Enrolment.objects.create(training_class=training_class, cadre=cadre)
    client = Client(enforce_csrf_checks=True)
    client.login(username=cadre.user.username, password=PASSWORD)
    url = reverse("cadres:check_in", args=[training_class.qr_token])

    assert "签到" in client.get(url).content.decode()
    assert not Attendance.objects.exists()  # scanning alone changes nothing
    token = client.cookies["csrftoken"].value
    client.post(url, {"csrfmiddlewaretoken": token})
    assert Attendance.objects.get().signed_out_at is None
    client.post(url, {"csrfmiddlewaretoken": token})
    assert Attendance.objects.get().signed_out_at is not None
    response = client.post(url, {"csrfmiddlewaretoken": token}, follow=True)
    assert "今天已签到并签退" in response.content.decode()


@pytest.mark.parametrize("who", ["no_cadre", "not_enrolled"])
def test_check_in_page_explains_why_nothing_can_be_done(tree, district_cadre_officer, who):
    training_class = _today_class(tree["d1"], district_cadre_officer)
    user = UserFactory()
    if who == "not_enrolled":
        CadreFactory(union=tree["s1"], user=user)
    response = _login(user).get(reverse("cadres:check_in", args=[training_class.qr_token]))
    text = response.content.decode()
    assert response.status_code == 200
    expected = "未关联干部档案" if who == "no_cadre" else "您未报名参加本班"
    assert expected in text and 'type="submit" class="btn btn-success' not in text


# --- the cadre's own hub -------------------------------------------------------------------------
def test_my_home_is_404_for_a_user_without_a_cadre_record(tree):
    assert _login(UserFactory()).get(reverse("cadres:my_home")).status_code == 404


def test_my_home_needs_a_sign_in(tree):
    response = Client().get(reverse("cadres:my_home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_my_home_shows_the_record_hours_and_coming_classes(tree, district_cadre_officer, cadre):
    coming = _today_class(tree["d1"], district_cadre_officer, title="即将开班")
    Enrolment.objects.create(training_class=coming, cadre=cadre)
    year = timezone.localdate().year
    done = _class(
        tree["d1"],
        district_cadre_officer,
        title="已结业班",
        starts_on=datetime.date(year, 1, 5),
        ends_on=datetime.date(year, 1, 6),
    )
    Enrolment.objects.create(training_class=done, cadre=cadre)
    services.class_finish(training_class=done, by=district_cadre_officer, today=done.ends_on)
    Enrolment.objects.filter(training_class=done).update(status="completed", credited_hours=Decimal("14"))

    response = _login(cadre.user).get(reverse("cadres:my_home"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "即将开班" in text and "已结业班" in text and cadre.union.name in text
    assert "14.0" in text


def test_class_page_query_count_does_not_grow_with_its_enrolments(
    tree, district_cadre_officer, django_assert_max_num_queries
):
    training_class = _class(tree["d1"], district_cadre_officer)
    for _n in range(25):
        enrolment = Enrolment.objects.create(training_class=training_class, cadre=CadreFactory(union=tree["g1"]))
        Attendance.objects.create(
            enrolment=enrolment, on_date=training_class.starts_on, signed_in_at=timezone.now(), source="qr"
        )
    client = _login(district_cadre_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cadres:class_detail", args=[training_class.pk]), {"q": "干部"})
    assert response.status_code == 200
    assert response.content.decode().count("1 / 2") == 25


def test_check_in_page_is_throttled(tree, district_cadre_officer, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "cadre_check_in": "2/m/ip"}
    training_class = _today_class(tree["d1"], district_cadre_officer)
    url = reverse("cadres:check_in", args=[training_class.qr_token])
    client = Client()
    assert [client.get(url).status_code for _n in range(3)] == [302, 302, 429]


def test_links_to_pages_of_other_parts_are_left_out_until_those_pages_exist():
    from cadres.views.training.classes import url_if_any

    assert url_if_any("cadres:no_such_page", 1) == ""
    assert url_if_any("cadres:class_detail", 7) == "/cadres/classes/7/"
