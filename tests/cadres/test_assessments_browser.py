"""A year's assessment in Chromium: the cadre hands in the self-report on a 375 px phone, the officer
grades, the leader confirms, the officer publishes, and the cadre sees the grade (never the comment)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cadres.models import Assessment, AssessmentRound
from cadres.services.assessments import round_open

from ..factories import PASSWORD
from .factories import CadreFactory

# serialized_rollback: the rows the migrations made (hours rules, settings) are back for the tests after.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
COMMENT = "工作扎实，服务职工热情"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_a_years_assessment_from_self_report_to_published_grade(
    tree,
    cadre_officer,
    leader,
    cadre,
    new_context,  # noqa: F811
    screenshot,  # noqa: F811
):
    for name in ("张伟", "刘洋", "陈静", "杨磊"):
        CadreFactory(union=tree["s1"], name=name, post="副主席")
    today = timezone.localdate()
    opened = round_open(
        union=tree["d1"], year=today.year, self_report_due=today + datetime.timedelta(days=6), by=cadre_officer
    )
    assessment = Assessment.objects.get(cadre=cadre)
    mine = f"/my/cadre/assessments/{assessment.pk}/"

    # the cadre writes the self-report on a phone
    phone = new_context(**PHONE).new_page()
    sign_in(phone, cadre.user.username)
    phone.goto(mine)
    phone.fill("textarea[name=self_report]", "一年来，我深入基层走访企业42家，推动新就业形态劳动者入会1200人。")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state("networkidle")
    expect(phone.locator(".alert-success")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "assessment-1-self-report-phone")

    # the officer reads it with the evidence and grades
    officer = new_context(**DESKTOP).new_page()
    sign_in(officer, cadre_officer.username)
    officer.goto(f"/cadres/assessments/{assessment.pk}/")
    expect(officer.get_by_text("推动新就业形态劳动者入会1200人")).to_be_visible()
    officer.locator("input[name=grade][value=competent]").check()
    officer.fill("textarea[name=comment]", COMMENT)
    screenshot(officer, "assessment-2-grade-form")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url(f"**/cadres/assessments/rounds/{opened.round.pk}/")
    AssessmentRound.objects.filter(pk=opened.round.pk).update(self_report_due=today - datetime.timedelta(days=1))
    # the others without a self-report, after the due date; a second 优秀 at s1 (5 cadres: 1 place) is refused
    others = list(Assessment.objects.exclude(pk=assessment.pk).order_by("pk"))
    for other, grade in zip(others, ("excellent", "excellent", "competent", "basic"), strict=True):
        officer.goto(f"/cadres/assessments/{other.pk}/")
        officer.locator(f"input[name=grade][value={grade}]").check()
        officer.fill("textarea[name=comment]", "评语")
        officer.locator("main form button[type=submit]").click()
        officer.wait_for_load_state("networkidle")
        if other == others[1]:
            expect(officer.locator("form .alert-danger, form .alert-block")).to_contain_text("即至多 1 人，已有 1 人")
            screenshot(officer, "assessment-3-share-refused")
            officer.locator("input[name=grade][value=competent]").check()
            officer.locator("main form button[type=submit]").click()
            officer.wait_for_load_state("networkidle")
    officer.goto(f"/cadres/assessments/rounds/{opened.round.pk}/")
    screenshot(officer, "assessment-4-round")

    # the leader confirms them all
    boss = new_context(**DESKTOP).new_page()
    sign_in(boss, leader.username)
    boss.goto("/cadres/assessments/")
    boss.locator(f"a[href='/cadres/assessments/rounds/{opened.round.pk}/confirm/']").click()
    boss.wait_for_load_state("networkidle")
    expect(boss.get_by_text(COMMENT)).to_be_visible()
    screenshot(boss, "assessment-5-confirm")
    boss.locator("button[name=all]").click()
    boss.wait_for_load_state("networkidle")
    assert Assessment.objects.filter(status="confirmed").count() == 5

    # the officer publishes (through the confirmation dialog)
    officer.goto(f"/cadres/assessments/rounds/{opened.round.pk}/")
    officer.locator(f"form[action='/cadres/assessments/rounds/{opened.round.pk}/publish/'] button").click()
    officer.locator("[data-confirm-ok]").click()
    officer.wait_for_load_state("networkidle")
    assert Assessment.objects.filter(status="published").count() == 5

    # the cadre sees the grade, not the comment
    phone.goto(mine)
    expect(phone.locator(".display-6")).to_have_text("称职")
    assert COMMENT not in phone.content()
    screenshot(phone, "assessment-6-published-phone")
