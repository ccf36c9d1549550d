"""In Chromium: an officer finds a cadre and plans a secondment, records the host's evaluation; the
cadre hands in the report from a 375 px phone; the lead of a task force grades a member on the phone."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cadres.models import Secondment, TaskForce, TaskForceMember

from ..factories import PASSWORD, UserFactory
from .factories import CadreFactory

pytestmark = pytest.mark.browser


PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_a_secondment_is_planned_evaluated_and_its_report_handed_in_from_a_phone(
    transactional_db, tree, cadre, district_cadre_officer, new_context, screenshot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # the officer searches the cadre by name and plans the secondment
    officer = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(officer, district_cadre_officer.username)
    officer.goto("/cadres/secondments/new/")
    officer.fill("#picker-q", "晓明")
    expect(officer.get_by_label("李晓明", exact=False)).to_be_visible()
    officer.get_by_label("李晓明", exact=False).check()
    officer.fill("input[name=host_name]", "东城精密机械有限公司")
    officer.fill("input[name=post_at_host]", "总经理助理")
    officer.fill("input[name=project]", "新就业形态劳动者入会")
    officer.fill("input[name=planned_start]", "2026-06-01")
    officer.fill("input[name=planned_end]", "2026-11-30")
    screenshot(officer, "postings-secondment-form")
    officer.locator("main form[method=post] button[type=submit]").click()
    officer.wait_for_load_state()
    record = Secondment.objects.get()
    assert officer.url.endswith(f"/cadres/secondments/{record.pk}/")

    # it starts and ends; the host's evaluation is recorded
    officer.fill(f"form[action$='/{record.pk}/start/'] input[name=on]", "2026-06-01")
    officer.locator(f"form[action$='/{record.pk}/start/'] button").click()
    officer.wait_for_load_state()
    officer.locator(f"form[action$='/{record.pk}/host-evaluation/'] label", has_text="优秀").click()
    officer.fill("textarea[name=host-comment]", "扎根车间，协助建立职工服务站。")
    officer.locator(f"form[action$='/{record.pk}/host-evaluation/'] button").click()
    officer.wait_for_load_state()
    officer.fill(f"form[action$='/{record.pk}/end/'] input[name=on]", "2026-11-30")
    officer.locator(f"form[action$='/{record.pk}/end/'] button").click()
    officer.wait_for_load_state()
    expect(officer.locator(".badge", has_text="待交报告").first).to_be_visible()
    screenshot(officer, "postings-secondment-officer")

    # the cadre hands in the report from a phone
    phone = new_context(**PHONE).new_page()
    sign_in(phone, cadre.user.username)
    phone.goto(f"/my/cadre/secondments/{record.pk}/")
    phone.fill("input[name=title]", "关于园区新就业形态劳动者入会的调研报告")
    report = Path(tmp_path) / "调研报告.pdf"
    report.write_bytes(PDF)
    phone.set_input_files("input[name=file]", str(report))
    phone.locator("main form[method=post] button[type=submit]").click()
    phone.wait_for_load_state()
    expect(phone.locator(".alert-success")).to_be_visible()
    screenshot(phone, "postings-my-secondment-phone")
    record.refresh_from_db()
    assert record.report_file and record.report_submitted_at
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    officer.goto("/cadres/secondments/")
    expect(officer.locator("#secondment-results")).to_contain_text("报告已交，待评阅")
    screenshot(officer, "postings-secondment-list")
    assert not officer.context.console_errors and not phone.context.console_errors


def test_the_lead_grades_a_member_on_a_phone(
    transactional_db, tree, cadre, district_cadre_officer, new_context, screenshot
):
    force = TaskForce.objects.create(
        organiser=tree["d1"],
        name="新就业形态劳动者入会工作专班",
        purpose="推动快递员、外卖配送员入会",
        lead=cadre,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 11, 30),
        status="assessing",
        created_by=district_cadre_officer,
    )
    for name in ("张伟", "赵敏"):
        TaskForceMember.objects.create(
            task_force=force,
            cadre=CadreFactory(union=tree["g1"], name=name, user=UserFactory()),
            duty="联络员",
            joined_on=datetime.date(2026, 3, 1),
        )
    page = new_context(**PHONE).new_page()
    sign_in(page, cadre.user.username)
    page.goto(f"/my/cadre/task-forces/{force.pk}/")
    first = page.locator("li.list-group-item", has_text="张伟")
    first.locator("label", has_text="优秀").click()
    first.locator("textarea").fill("走遍辖区快递网点，入会动员扎实。")
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "postings-task-force-lead-phone")
    assert TaskForceMember.objects.get(cadre__name="张伟").grade == "excellent"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
