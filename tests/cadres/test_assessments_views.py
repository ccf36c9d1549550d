"""The yearly assessment pages: who reaches which, what each of them shows, and the forms' answers."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadres.models import Assessment, AssessmentRound, CadreSettings, PoliticalReview, TaskForce, TaskForceMember
from cadres.services.assessments import assessment_evaluate, assessments_confirm, round_open, round_publish
from unions.models import Role

from ..factories import staff
from .factories import CadreFactory

YEAR = timezone.localdate().year
COMMENT = "该同志工作扎实，群众评价较好"


def _client(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _csrf_post(client: Client, url: str, data: dict):
    """Load a page first, as a browser does, and send its CSRF token back."""
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture
def opened(tree, cadre_officer, cadre):
    """District 1's round: the cadre with an account (s1) and three cadres of g1; self-reports overdue."""
    for _ in range(3):
        CadreFactory(union=tree["g1"], post="办公室主任")
    result = round_open(
        union=tree["d1"], year=YEAR, self_report_due=timezone.localdate() + datetime.timedelta(days=5), by=cadre_officer
    )
    return result.round


def _overdue(assessment_round):
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(
        self_report_due=timezone.localdate() - datetime.timedelta(days=1)
    )


def test_an_officer_opens_a_round_from_the_form(tree, cadre_officer, cadre):
    client = _client(cadre_officer, csrf=True)
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = _csrf_post(
        client, reverse("cadres:round_create"), {"union": tree["d1"].pk, "year": YEAR, "self_report_due": due}
    )
    assessment_round = AssessmentRound.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cadres:round_detail", args=[assessment_round.pk]
    )
    page = client.get(response["Location"])
    assert "参加考核干部1人" in page.content.decode()
    # the same again: the form says why, nothing is written
    response = _csrf_post(
        client, reverse("cadres:round_create"), {"union": tree["d1"].pk, "year": YEAR, "self_report_due": due}
    )
    assert response.status_code == 400 and "已开展" in response.content.decode()
    assert AssessmentRound.objects.count() == 1


def test_the_round_form_offers_only_nodes_in_scope(tree, district_cadre_officer, cadre, other_district_cadre):
    client = _client(district_cadre_officer)
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("cadres:round_create"), {"union": tree["d2"].pk, "year": YEAR, "self_report_due": due}
    )
    assert response.status_code == 400
    assert not AssessmentRound.objects.exists()
    assert tree["d2"].name not in client.get(reverse("cadres:round_create")).content.decode()


def test_the_round_list_and_detail_are_scoped(tree, cadre_officer, district_cadre_officer, opened):
    d2_officer = staff(Role.Kind.CADRE_OFFICER, tree["d2"])
    assert tree["d1"].name in _client(district_cadre_officer).get(reverse("cadres:round_list")).content.decode()
    assert tree["d1"].name not in _client(d2_officer).get(reverse("cadres:round_list")).content.decode()
    detail = reverse("cadres:round_detail", args=[opened.pk])
    assert _client(d2_officer).get(detail).status_code == 404
    some = opened.assessments.first()
    assert _client(d2_officer).get(reverse("cadres:assessment_detail", args=[some.pk])).status_code == 404
    assert _client(d2_officer).post(reverse("cadres:round_publish", args=[opened.pk])).status_code == 404
    # a plain member's clerk is no cadre officer: 403
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"])
    assert _client(clerk).get(detail).status_code == 403
    assert Client().get(detail).status_code == 302  # to sign in


def test_the_round_detail_lists_filters_and_counts_in_a_fixed_number_of_queries(
    tree, cadre_officer, opened, django_assert_max_num_queries
):
    CadreSettings.current()  # made by a migration; a transactional test elsewhere may have emptied the table
    client = _client(cadre_officer)
    url = reverse("cadres:round_detail", args=[opened.pk])
    with django_assert_max_num_queries(16):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "李晓明" in body and "办公室主任" in body
    for _ in range(20):
        CadreFactory(union=tree["g1"])
    more = round_open(
        union=tree["g1"],
        year=YEAR - 1,
        self_report_due=timezone.localdate() + datetime.timedelta(days=5),
        by=cadre_officer,
    )
    with django_assert_max_num_queries(16):
        response = client.get(reverse("cadres:round_detail", args=[more.round.pk]))
    assert response.status_code == 200
    # filters: by unit, by name; htmx answers with the list only
    response = client.get(url, {"unit": tree["s1"].pk})
    body = response.content.decode()
    assert "李晓明" in body and "办公室主任" not in body
    response = client.get(url, {"name": "李"}, HTTP_HX_REQUEST="true")
    assert "李晓明" in response.content.decode() and "<html" not in response.content.decode()


def test_an_officer_grades_and_the_form_says_why_a_grade_is_refused(tree, cadre_officer, opened, cadre):
    _overdue(opened)
    client = _client(cadre_officer)
    assessment = Assessment.objects.get(cadre=cadre)
    url = reverse("cadres:assessment_detail", args=[assessment.pk])
    # s1 has one cadre assessed: 20 % of 1 is 0 places for 优秀
    response = client.post(url, {"grade": "excellent", "comment": ""})
    assert response.status_code == 400
    assert "本单位参加考核 1 人，优秀比例不超过 20%，即至多 0 人，已有 0 人" in response.content.decode()
    response = client.post(url, {"grade": "competent", "comment": COMMENT})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.grade, assessment.assessor_comment) == ("evaluated", "competent", COMMENT)


def test_the_officer_sees_the_self_report_and_the_evidence(tree, cadre_officer, opened, cadre):
    from cadres.services.assessments import assessment_self_report

    assessment = Assessment.objects.get(cadre=cadre)
    assessment_self_report(assessment=assessment, text="全年走访企业四十家", by=cadre.user)
    force = TaskForce.objects.create(
        organiser=tree["d1"],
        name="新就业形态劳动者入会专班",
        purpose="入会",
        lead=CadreFactory(union=tree["d1"]),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 6, 30),
        created_by=cadre_officer,
    )
    TaskForceMember.objects.create(
        task_force=force, cadre=cadre, joined_on=datetime.date(YEAR, 3, 1), grade="excellent", comment="带头攻坚"
    )
    PoliticalReview.objects.create(
        cadre=cadre, assessed_on=datetime.date(YEAR, 1, 5), conclusion="fail", recorded_by=cadre_officer
    )
    body = _client(cadre_officer).get(reverse("cadres:assessment_detail", args=[assessment.pk])).content.decode()
    assert "全年走访企业四十家" in body
    assert "新就业形态劳动者入会专班" in body and "带头攻坚" in body
    assert "一票否决" in body
    # integrity is installed and holds no opinion letter on the cadre: the yes/no has nothing to go by
    assert "暂无廉政意见书" in body


def test_the_cadre_writes_the_self_report_and_never_sees_evidence_or_comment_and_the_grade_only_once_published(
    tree, cadre_officer, leader, opened, cadre
):
    assessment = Assessment.objects.get(cadre=cadre)
    mine = _client(cadre.user, csrf=True)
    url = reverse("cadres:my_assessment", args=[assessment.pk])
    response = _csrf_post(mine, url, {"self_report": "一年来，我认真履行职责"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "self_reported"
    # graded with a comment and the evidence gathered (a task force with the lead's comment)
    force = TaskForce.objects.create(
        organiser=tree["d1"],
        name="专班甲",
        purpose="入会",
        lead=CadreFactory(union=tree["d1"]),
        starts_on=datetime.date(YEAR, 3, 1),
        ends_on=datetime.date(YEAR, 6, 30),
        created_by=cadre_officer,
    )
    TaskForceMember.objects.create(
        task_force=force, cadre=cadre, joined_on=datetime.date(YEAR, 3, 1), grade="good", comment="专班负责人的评价"
    )
    assessment_evaluate(assessment=assessment, grade="basic", comment=COMMENT, by=cadre_officer)
    for status in ("evaluated", "confirmed"):
        if status == "confirmed":
            assessments_confirm(assessment_round=opened, pks=[assessment.pk], by=leader)
        body = mine.get(url).content.decode()
        assert COMMENT not in body and "专班负责人的评价" not in body and "专班甲" not in body
        assert "基本称职" not in body  # the grade, not yet published
        assert "一年来，我认真履行职责" in body  # their own words
        # the self-report can no longer be changed
        response = _csrf_post(mine, url, {"self_report": "改写"})
        assert response.status_code == 400
    round_publish(assessment_round=opened, by=cadre_officer)
    body = mine.get(url).content.decode()
    assert "基本称职" in body
    assert COMMENT not in body and "专班负责人的评价" not in body


def test_a_cadre_reaches_only_their_own_assessment(tree, cadre_officer, opened, cadre):
    someone_else = Assessment.objects.exclude(cadre=cadre).first()
    mine = _client(cadre.user)
    assert mine.get(reverse("cadres:my_assessment", args=[someone_else.pk])).status_code == 404
    assert mine.get(reverse("cadres:my_assessment", args=[Assessment.objects.get(cadre=cadre).pk])).status_code == 200
    # the staff pages are not theirs
    assert mine.get(reverse("cadres:round_detail", args=[opened.pk])).status_code == 403
    assert mine.get(reverse("cadres:round_confirm", args=[opened.pk])).status_code in (403, 404)


def test_a_leader_confirms_but_cannot_grade_and_a_leader_of_another_district_gets_404(
    tree, cadre_officer, leader, opened
):
    _overdue(opened)
    evaluated = list(opened.assessments.order_by("pk")[:2])
    for assessment in evaluated:
        assessment_evaluate(assessment=assessment, grade="competent", comment=COMMENT, by=cadre_officer)
    client = _client(leader, csrf=True)
    # the leader finds the round waiting for them
    assert (
        reverse("cadres:round_confirm", args=[opened.pk]) in client.get(reverse("cadres:round_list")).content.decode()
    )
    url = reverse("cadres:round_confirm", args=[opened.pk])
    body = client.get(url).content.decode()
    assert evaluated[0].cadre.name in body and COMMENT in body
    assert evaluated[0].cadre.mobile not in body and evaluated[0].cadre.mobile_masked not in body
    # the leader cannot grade: the officer's pages are not theirs
    detail = reverse("cadres:assessment_detail", args=[evaluated[0].pk])
    assert client.get(detail).status_code == 403
    assert client.post(detail, {"grade": "excellent"}).status_code == 403
    # confirm the one ticked
    response = _csrf_post(client, url, {"assessment": [evaluated[0].pk]})
    assert response.status_code == 302
    assert [a.status for a in Assessment.objects.filter(pk__in=[a.pk for a in evaluated]).order_by("pk")] == [
        "confirmed",
        "evaluated",
    ]
    # then all that are left
    response = _csrf_post(client, url, {"all": "1"})
    assert Assessment.objects.get(pk=evaluated[1].pk).status == "confirmed"
    # another district's leader: 404 on the page and on the POST
    other = _client(staff(Role.Kind.LEADER, tree["d2"]), csrf=True)
    assert other.get(url).status_code == 404
    assert other.post(url, {"all": "1"}).status_code in (403, 404)


def test_publishing_from_the_round_page(tree, cadre_officer, leader, opened):
    _overdue(opened)
    first = opened.assessments.order_by("pk").first()
    assessment_evaluate(assessment=first, grade="competent", comment="", by=cadre_officer)
    assessments_confirm(assessment_round=opened, pks=[first.pk], by=leader)
    client = _client(cadre_officer, csrf=True)
    detail = reverse("cadres:round_detail", args=[opened.pk])
    assert reverse("cadres:round_publish", args=[opened.pk]) in client.get(detail).content.decode()
    response = _csrf_post(client, reverse("cadres:round_publish", args=[opened.pk]), {})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "published"
    assert client.get(reverse("cadres:round_publish", args=[opened.pk])).status_code == 405


def test_the_round_list_and_the_confirm_page_take_a_fixed_number_of_queries(
    tree, cadre_officer, leader, opened, django_assert_max_num_queries
):
    _overdue(opened)
    for assessment in opened.assessments.all():
        assessment_evaluate(assessment=assessment, grade="competent", comment="", by=cadre_officer)
    for year in (YEAR - 3, YEAR - 2, YEAR - 1):
        CadreFactory(union=tree["ind"])
        round_open(
            union=tree["ind"],
            year=year,
            self_report_due=timezone.localdate() + datetime.timedelta(days=5),
            by=cadre_officer,
        )
    officer, boss = _client(cadre_officer), _client(leader)
    with django_assert_max_num_queries(10):
        body = officer.get(reverse("cadres:round_list")).content.decode()
    assert tree["ind"].name in body and tree["d1"].name in body
    with django_assert_max_num_queries(12):
        body = boss.get(reverse("cadres:round_confirm", args=[opened.pk])).content.decode()
    assert all(a.cadre.name in body for a in opened.assessments.select_related("cadre"))
    # the leader's list holds no round of another district or the industry union
    body = boss.get(reverse("cadres:round_list")).content.decode()
    assert tree["ind"].name not in body and reverse("cadres:round_confirm", args=[opened.pk]) in body


def test_a_district_officer_grades_their_cadres_in_a_city_round_and_sees_only_them(
    tree, cadre_officer, district_cadre_officer, cadre, other_district_cadre
):
    opened = round_open(
        union=tree["city"],
        year=YEAR,
        self_report_due=timezone.localdate() + datetime.timedelta(days=5),
        by=cadre_officer,
    )
    _overdue(opened.round)
    client = _client(district_cadre_officer)
    detail = client.get(reverse("cadres:round_detail", args=[opened.round.pk]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert cadre.name in body and other_district_cadre.name not in body
    assessment = Assessment.objects.get(cadre=cadre)
    response = client.post(
        reverse("cadres:assessment_detail", args=[assessment.pk]), {"grade": "competent", "comment": ""}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.grade == "competent"
    other = Assessment.objects.get(cadre=other_district_cadre)
    assert client.get(reverse("cadres:assessment_detail", args=[other.pk])).status_code == 404
    # publishing the city's round is the city's own act
    assert client.post(reverse("cadres:round_publish", args=[opened.round.pk])).status_code == 403
