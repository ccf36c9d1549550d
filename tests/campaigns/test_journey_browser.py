"""In Chromium, the issue's "Done when": a district's staff runs a competition from approval to prizes, a
clerk enters a team and reports on a 375 px phone, a judge declares a conflict and scores on a phone
without ever seeing the conflicted entry, the organiser closes and awards, and the prize certificate's
QR address opens the public check saying it is valid. Each step's last page is kept as a screenshot."""

import datetime
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from campaigns import certificates
from campaigns.models import Award, Competition, Entry, Judge, Scoresheet, StageReport
from campaigns.services.judging import scoresheet_save
from unions.models import Union

from ..factories import PASSWORD, UserFactory, make_child
from .factories import EntryFactory, JudgeFactory

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TITLE = "东城区数控车工技能大赛"
TEAM = "数控一班"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()


def post(page, action: str) -> None:
    """Press the button of the form that posts to ``action``; confirm when the portal asks first."""
    form = page.locator(f"form[action='{action}']").first
    expect(form).to_be_visible()
    asks = form.get_attribute("data-confirm") is not None
    form.locator("button[type=submit]").click()
    if asks:
        page.locator("[data-confirm-ok]").click()
    page.wait_for_load_state()


def status_of(competition: Competition) -> str:
    competition.refresh_from_db()
    return competition.status


def test_a_competition_from_approval_to_a_checked_certificate(
    transactional_db, tree, organiser, city_staff, clerk1, judge_user, new_context, screenshot, tmp_path
):
    today = timezone.localdate()
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()  # noqa: E731
    # given: a second union in the district (the judge's conflict), entered by its own clerk; a second judge
    neighbour = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东华门食品厂工会")
    other_judge = UserFactory(username="judge-two", first_name="评委乙")

    # 1. the district's staff drafts the competition and submits it for approval (立项)
    staff = new_context(**DESKTOP).new_page()
    sign_in(staff, organiser.username)
    staff.goto(reverse("campaigns:competition_create"))
    staff.select_option("select[name=organiser]", str(tree["d1"].pk))
    staff.fill("input[name=title]", TITLE)
    staff.select_option("select[name=kind]", Competition.Kind.SKILL)
    staff.fill("input[name=starts_on]", day(-30))
    staff.fill("input[name=ends_on]", day(120))
    staff.fill("input[name=entry_deadline]", day(30))
    staff.check("input[name=approver][value=parent]")
    staff.check("input[name=results][value=public]")
    staff.fill("input[name=stages-0-name]", "初赛")
    staff.fill("input[name=stages-0-starts_on]", day(-30))
    staff.fill("input[name=stages-0-ends_on]", day(60))
    staff.fill("input[name=stages-0-report_due]", day(70))
    staff.fill("input[name=stages-0-judging_due]", day(90))
    for row, (name, weight, maximum) in enumerate((("技能操作", "60", "100"), ("理论知识", "40", "50"))):
        staff.fill(f"input[name=criteria-{row}-name]", name)
        staff.fill(f"input[name=criteria-{row}-weight]", weight)
        staff.fill(f"input[name=criteria-{row}-max_score]", maximum)
    # two entries: one first prize and one second; the third prize's row (and an empty one) removed
    staff.select_option("select[name=prizes-0-grade]", "first")
    staff.fill("input[name=prizes-0-count]", "1")
    staff.select_option("select[name=prizes-1-grade]", "second")
    staff.fill("input[name=prizes-1-count]", "1")
    for row in range(2, staff.locator("select[name$='-grade']").count()):
        staff.check(f"input[name=prizes-{row}-DELETE]")
    staff.locator("form button[type=submit].btn-primary").click()
    staff.wait_for_load_state()
    competition = Competition.objects.get(title=TITLE)
    assert competition.status == Competition.Status.DRAFT, staff.content()[:2000]
    assert staff.url.endswith(reverse("campaigns:competition_detail", args=[competition.pk]))
    post(staff, reverse("campaigns:competition_submit", args=[competition.pk]))
    assert status_of(competition) == Competition.Status.SUBMITTED
    screenshot(staff, "campaigns-1-submitted")

    # 2. the city (one level up) finds it waiting and approves it
    city = new_context(**DESKTOP).new_page()
    sign_in(city, city_staff.username)
    city.goto(reverse("campaigns:approval_list"))
    expect(city.locator("main")).to_contain_text(TITLE)
    city.goto(reverse("campaigns:competition_detail", args=[competition.pk]))
    post(city, reverse("campaigns:competition_approve", args=[competition.pk]))
    assert status_of(competition) == Competition.Status.APPROVED
    screenshot(city, "campaigns-2-approved")

    # 3. the organiser starts it
    staff.goto(reverse("campaigns:competition_detail", args=[competition.pk]))
    post(staff, reverse("campaigns:competition_start", args=[competition.pk]))
    assert status_of(competition) == Competition.Status.RUNNING
    screenshot(staff, "campaigns-3-running")
    # meanwhile the neighbouring union's team entered and was accepted (not what this journey is about)
    neighbours = EntryFactory(competition=competition, union=neighbour, entered_by=organiser, name="食品一班")

    # 4. g1's clerk enters a team on a phone
    clerk = new_context(**PHONE).new_page()
    sign_in(clerk, clerk1.username)
    clerk.goto(reverse("campaigns:open_list"))
    expect(clerk.locator("main")).to_contain_text(TITLE)
    clerk.locator(f"a[href='{reverse('campaigns:entry_create', args=[competition.pk])}']").first.click()
    clerk.wait_for_load_state()
    clerk.check("input[name=kind][value=team]")
    clerk.fill("input[name=name]", TEAM)
    clerk.fill("input[name=team_leader]", "王师傅")
    clerk.fill("input[name=team_size]", "6")
    clerk.fill("input[name=person_times]", "24")
    clerk.locator("form button[type=submit].btn-primary").click()
    clerk.wait_for_load_state()
    entry = Entry.objects.get(competition=competition, name=TEAM)
    assert (entry.union, entry.kind, entry.person_times) == (tree["g1"], Entry.Kind.TEAM, 24)
    assert entry.status == Entry.Status.ENTERED
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 375, "the entry page is wider than the phone"
    screenshot(clerk, "campaigns-4-entered-phone")

    # 5. the organiser accepts the entry
    staff.goto(reverse("campaigns:entry_detail", args=[entry.pk]))
    post(staff, reverse("campaigns:entry_accept", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.status == Entry.Status.ACCEPTED
    screenshot(staff, "campaigns-5-accepted")

    # 6. the clerk hands in the stage report with a file, on the phone
    clerk.goto(reverse("campaigns:stage_report_create", args=[entry.pk]))
    clerk.fill("textarea[name=summary]", "完成初赛集训四轮，累计24人次。")
    clerk.set_input_files(
        "input[name=files]",
        files=[{"name": "初赛总结.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%test\n"}],
    )
    clerk.locator("form button[type=submit].btn-primary").click()
    clerk.wait_for_load_state()
    report = StageReport.objects.get(entry=entry)
    assert [f.original_name for f in report.files.all()] == ["初赛总结.pdf"]
    expect(clerk.locator("main")).to_contain_text("初赛总结.pdf")
    screenshot(clerk, "campaigns-6-stage-report-phone")

    # 7. the organiser assigns the judge by username, and opens judging
    staff.goto(reverse("campaigns:judge_list", args=[competition.pk]))
    staff.fill("input[name=account]", judge_user.username)
    staff.fill("input[name=name]", "评委甲")
    staff.locator("form:not([action]) button[type=submit]").click()
    staff.wait_for_load_state()
    judge = Judge.objects.get(competition=competition, user=judge_user)
    assert judge.conflicts_declared_at is None
    # a second judge with no conflicts (assigned here directly): scores both entries below
    second = JudgeFactory(competition=competition, user=other_judge, assigned_by=organiser, name="评委乙")
    staff.goto(reverse("campaigns:competition_detail", args=[competition.pk]))
    post(staff, reverse("campaigns:competition_open_judging", args=[competition.pk]))
    assert status_of(competition) == Competition.Status.REVIEWING
    screenshot(staff, "campaigns-7-judging-open")

    # 8. the judge, on a phone, declares a conflict with the neighbouring union, then scores
    phone = new_context(**PHONE).new_page()
    sign_in(phone, judge_user.username)
    phone.goto(reverse("campaigns:judging_home"))
    expect(phone.locator("main")).to_contain_text(TITLE)
    phone.goto(reverse("campaigns:judging_conflicts", args=[judge.pk]))
    phone.fill("input[name=q]", "食品厂")
    phone.locator("form[role=search] button[type=submit]").click()
    phone.wait_for_load_state()
    phone.check(f"input[name=unions][value='{neighbour.pk}']")
    phone.locator("main form[method=post] button[type=submit]").click()
    phone.wait_for_load_state()
    judge.refresh_from_db()
    assert judge.conflicts_declared_at is not None
    assert list(judge.conflicts.values_list("union", flat=True)) == [neighbour.pk]
    phone.goto(reverse("campaigns:judging_queue", args=[judge.pk]))
    queue = phone.locator("main")
    expect(queue).to_contain_text(TEAM)
    expect(queue).not_to_contain_text(neighbours.name)
    expect(queue).not_to_contain_text(neighbour.name)
    screenshot(phone, "campaigns-8-queue-phone")
    # the conflicted entry's score sheet does not exist for them
    hidden = phone.goto(reverse("campaigns:judging_score", args=[neighbours.pk]))
    assert hidden.status == 404
    phone.context.console_errors.clear()  # that 404 was asked for
    phone.goto(reverse("campaigns:judging_score", args=[entry.pk]))
    criteria = list(competition.criteria.order_by("order"))
    for criterion, value in zip(criteria, ("92", "44"), strict=True):
        phone.fill(f"input[name=score_{criterion.pk}]", value)
    phone.fill(f"textarea[name=comment_{criteria[0].pk}]", "操作规范，精度高")
    phone.locator("main form button[type=submit].btn-primary").click()
    phone.wait_for_load_state()
    sheet = Scoresheet.objects.get(judge=judge, entry=entry)
    assert sheet.completed_at is not None
    assert sorted(sheet.scores.values_list("value", flat=True)) == [Decimal(44), Decimal(92)]
    body = phone.locator("body").inner_text()
    assert "评委乙" not in body and neighbours.name not in body, "the judge is shown another judge or a conflict"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "the judge's page is wider than the phone"
    screenshot(phone, "campaigns-8-scored-phone")

    # the second judge scores both entries (through the service: not what this journey is about)
    for scored, values in ((entry, (80, 40)), (neighbours, (70, 30))):
        scoresheet_save(
            judge=second,
            entry=scored,
            values={c.pk: (Decimal(v), "") for c, v in zip(criteria, values, strict=True)},
            by=other_judge,
        )

    # 9. the organiser closes (the ranking freezes) and awards the prizes
    staff.goto(reverse("campaigns:competition_ranking", args=[competition.pk]))
    expect(staff.locator("main")).to_contain_text(TEAM)
    post(staff, reverse("campaigns:competition_close", args=[competition.pk]))
    assert status_of(competition) == Competition.Status.CLOSED
    entry.refresh_from_db()
    assert entry.rank == 1  # (92·0.6 + 44/50·100·0.4 + 80·0.6 + 40/50·100·0.4) / 2 beats 70·0.6 + 60·0.4
    screenshot(staff, "campaigns-9-closed")
    staff.goto(reverse("campaigns:competition_award", args=[competition.pk]))
    staff.locator("main form[method=post] button[type=submit].btn-danger").click()
    staff.wait_for_load_state()
    assert status_of(competition) == Competition.Status.COMMENDED
    award = Award.objects.get(entry=entry)
    assert award.prize.grade == "first"
    screenshot(staff, "campaigns-9-commended")

    # 10. the certificate, downloaded from the competition's page, carries its number and QR code
    staff.goto(reverse("campaigns:competition_detail", args=[competition.pk]))
    with staff.expect_download() as download:
        staff.locator(f"a[href='{reverse('campaigns:certificate_pdf', args=[award.pk])}']").first.click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert award.number in text and TEAM in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "certificate")], check=True)
    if artifacts := os.environ.get("ARTIFACTS_DIR"):
        shutil.copy(tmp_path / "certificate.png", Path(artifacts) / "campaigns-10-certificate.png")

    # 11. whoever scans the QR code (no sign-in, a phone) reads "valid, this prize, this competition"
    target = certificates.check_url(award)
    assert target.endswith(reverse("campaigns:certificate_check", args=[award.token]))
    scanner = new_context(**PHONE).new_page()
    answer = scanner.goto(re.sub(r"^https?://[^/]+", "", target))
    assert answer.status == 200
    page = scanner.locator("body")
    with translation.override("zh-hans"):
        valid, prize = gettext("Valid certificate"), str(award.prize.get_grade_display())
    expect(page.locator(".card-check-verdict")).to_have_text(valid)
    expect(page).to_contain_text(TITLE)
    expect(page).to_contain_text(prize)
    assert TEAM not in page.inner_text() and "王师傅" not in page.inner_text(), "the check names the entrant"
    screenshot(scanner, "campaigns-10-certificate-check-phone")
    for context_page in (staff, city, clerk, phone, scanner):
        assert context_page.context.console_errors == [], (context_page.url, context_page.context.console_errors)
