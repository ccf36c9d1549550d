"""In Chromium, the issue's day of work: the city's discipline officer finds who still needs this year's
integrity talk, records one with a rectification item, chases an unsigned responsibility letter and
issues an opinion letter; the city admin, signed in beside them, finds none of it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from integrity.models import IntegritySettings, OpinionLetter, Rectification, ResponsibilityLetter, Talk
from integrity.services import letters as letter_service
from integrity.services.opinions import opinion_request

from ..cadres.factories import CadreFactory
from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def confirm(page) -> None:
    """The portal's confirmation dialog before a POST that cannot be undone."""
    page.locator("[data-confirm-ok]").click()
    page.wait_for_load_state()


def test_a_discipline_officers_day_and_the_city_admin_sees_none_of_it(
    transactional_db, tree, cadre, discipline_officer, cadre_officer, city_admin, new_context, screenshot
):
    # given: a leader of district 1 with an account, whose letter was sent and is not signed; an opinion
    # letter asked for by the cadre officer
    IntegritySettings.objects.create(pk=1)
    today = timezone.localdate()
    chair = CadreFactory(
        union=tree["d1"], name="赵主席", post="主席", rank="bureau", user=UserFactory(username="chair")
    )
    letter_service.letter_generate(
        union=tree["d1"], year=today.year, cadres=[chair], departments=[], items="落实主体责任", by=discipline_officer
    )
    letter = letter_service.letter_send(letter=ResponsibilityLetter.objects.get(), by=discipline_officer)
    opinion = opinion_request(cadre=chair, purpose=OpinionLetter.Purpose.PROMOTION, by=cadre_officer, note="拟提任")

    officer = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, discipline_officer.username)

    # who still needs this year's integrity talk: both cadres; record one for 李晓明
    officer.goto("/integrity/tracker/")
    expect(officer.locator("body")).to_contain_text("李晓明")
    officer.locator("tr", has_text="李晓明").get_by_role("link", name="记录谈话").click()
    officer.wait_for_load_state()
    officer.select_option("select[name=kind]", "routine")
    officer.fill("input[name=held_on]", today.isoformat())
    officer.fill("input[name=talker_name]", "张书记")
    officer.fill("textarea[name=reason]", "年度例行廉政谈话")
    officer.locator("form button[type=submit]", has_text="保存草稿").click()
    officer.wait_for_load_state()
    talk = Talk.objects.get(cadre=cadre)
    assert talk.status == Talk.Status.DRAFT
    officer.locator("form[action$='/file/'] button[type=submit]").click()
    confirm(officer)
    talk.refresh_from_db()
    assert talk.status == Talk.Status.FILED

    # ... with a rectification item
    officer.get_by_role("link", name="设整改事项").click()
    officer.wait_for_load_state()
    officer.fill("textarea[name=text]", "一个月内提交书面整改报告")
    officer.fill("input[name=deadline]", (today + datetime.timedelta(days=30)).isoformat())
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_load_state()
    assert Rectification.objects.get(talk=talk).deadline == today + datetime.timedelta(days=30)
    talk.refresh_from_db()
    assert talk.status == Talk.Status.RECTIFYING
    officer.goto("/integrity/tracker/")
    expect(officer.locator("main")).not_to_contain_text("李晓明")

    # chase the unsigned letter
    officer.goto(f"/integrity/letters/?year={today.year}&status=unsigned")
    officer.get_by_role("link", name="赵主席").click()
    officer.wait_for_load_state()
    officer.get_by_role("button", name="催签").click()
    officer.wait_for_load_state()
    expect(officer.locator(".alert-success")).to_contain_text("收件箱")
    letter.refresh_from_db()
    assert letter.chase_count == 1

    # issue the opinion letter, after looking at the record
    officer.goto("/integrity/opinions/")
    officer.get_by_role("link", name="赵主席").click()
    officer.wait_for_load_state()
    officer.locator("#issue-card label", has_text="未发现问题").click()
    officer.locator("#issue-card button[type=submit]").click()
    officer.wait_for_load_state()
    opinion.refresh_from_db()
    assert opinion.status == OpinionLetter.Status.ISSUED and opinion.conclusion == "no_problem"
    expect(officer.locator("#issued-card")).to_contain_text(opinion.number)
    screenshot(officer, "integrity-opinion-issued")
    assert officer.context.console_errors == []

    # the city admin: no menu, and every page of it answers 404
    admin = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, city_admin.username)
    assert 'href="/integrity/' not in admin.content()
    for path in (
        "/integrity/",
        "/integrity/tracker/",
        f"/integrity/talks/{talk.pk}/",
        f"/integrity/letters/{letter.pk}/",
        f"/integrity/opinions/{opinion.pk}/",
    ):
        response = admin.goto(path)
        assert response.status == 404, path
        assert "一个月内提交书面整改报告" not in admin.content()
