"""In Chromium, the issue's whole round: the city hands the district its places; a clerk nominates a
member on a 375 px phone with the checklist's files; the district passes it and forwards its list; the
city passes it, records joint vetting and publishes the notice in working days; a member of the public
objects on a phone with an SMS code; the city's staff investigate and dismiss the objection; once the
notice has run, the city decides with its document number, and the honour certificate's QR address opens
the public check saying the honour is valid. Each step's last page is kept as a screenshot."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import CalendarYear
from accounts.workdays import year_is_known
from campaigns import honour_certificates
from campaigns.models import Honour, Nomination, Objection, PublicNotice

from ..members.test_admin import make_member
from .test_entries_browser import PDF
from .test_journey_browser import DESKTOP, PHONE, post, sign_in

pytestmark = pytest.mark.browser

NOMINEE = "陈晓燕"
OBJECTOR_MOBILE = "13712345678"


def status_of(nomination: Nomination) -> str:
    nomination.refresh_from_db()
    return nomination.status


def test_a_round_from_quotas_to_a_checked_honour_certificate(
    transactional_db,
    tree,
    honour_round,
    city_staff,
    organiser,
    clerk1,
    city_admin,
    sms_outbox,
    new_context,
    screenshot,
    tmp_path,
):
    today = timezone.localdate()
    honour_round.nominations_close = today + datetime.timedelta(days=10)
    honour_round.save(update_fields=["nominations_close"])
    honour_round.rules.all().delete()  # one nominee: no share to keep here (the forwarding tests check them)
    # A notice published in late December runs into next year: its calendar is filled in by then.
    if not year_is_known(today.year + 1):
        CalendarYear.objects.create(year=today.year + 1, declared_by=city_admin)
    make_member(tree["g1"], NOMINEE)

    # 1. the city's staff give the district three places for 劳动模范
    city = new_context(**DESKTOP).new_page()
    sign_in(city, city_staff.username)
    city.goto(reverse("campaigns:round_quotas", args=[honour_round.pk]))
    city.get_by_label(f"{tree['d1'].name} · 劳动模范").fill("3")
    city.locator("form button[type=submit].btn-primary").click()
    city.wait_for_load_state()
    assert honour_round.quotas.get(node=tree["d1"]).count == 3
    screenshot(city, "honours-1-quotas")

    # 2. the clerk nominates a member on a phone, attaches every file of the checklist and submits
    phone = new_context(**PHONE).new_page()
    sign_in(phone, clerk1.username)
    phone.goto(reverse("campaigns:nomination_create", args=[honour_round.pk]))
    phone.get_by_label("劳动模范").check()
    phone.fill("input[name=member_query]", NOMINEE)
    phone.get_by_role("button", name="查找").click()
    phone.get_by_label(NOMINEE).check()
    phone.check("input[name=front_line]")
    phone.check("input[name=enterprise_staff]")
    phone.fill("textarea[name=deeds]", "扎根生产一线二十年，带领班组完成技术革新十余项，培养技术骨干三十余名。")
    phone.fill("input[name=review_meeting_on]", "2026-03-01")
    phone.fill("input[name=review_attendance]", "40")
    phone.fill("input[name=votes_for]", "38")
    phone.fill("input[name=votes_against]", "1")
    phone.fill("input[name=votes_abstaining]", "1")
    phone.fill("input[name=unit_notice_from]", "2026-03-02")
    phone.fill("input[name=unit_notice_to]", "2026-03-08")
    phone.get_by_role("button", name="保存草稿").click()
    phone.wait_for_load_state()
    nomination = Nomination.objects.get(nominee_name=NOMINEE)
    for n in range(phone.locator("input[name=upload]").count()):
        phone.locator("input[name=upload]").nth(n).set_input_files(
            [{"name": f"材料{n}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        phone.get_by_role("button", name="上传").nth(n).click()
        phone.wait_for_load_state()
    phone.get_by_role("button", name="报送", exact=True).click()
    phone.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.SUBMITTED, phone.inner_text("main")[:1500]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "honours-2-nominated-phone")

    # 3. the district passes it at the first review and forwards its list to the city
    district = new_context(**DESKTOP).new_page()
    sign_in(district, organiser.username)
    district.goto(reverse("campaigns:review_list"))
    expect(district.locator("main")).to_contain_text(NOMINEE)
    district.goto(reverse("campaigns:nomination_detail", args=[nomination.pk]))
    district.locator("[data-panel=review] button.btn-success").click()
    district.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.FIRST_PASSED
    district.goto(reverse("campaigns:round_forward", args=[honour_round.pk]))
    district.locator("form[data-confirm] button[type=submit]").click()
    district.locator("[data-confirm-ok]").click()
    district.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.FORWARDED
    screenshot(district, "honours-3-forwarded")

    # 4. the city passes it at the second review and records each department's opinion in joint vetting
    city.goto(reverse("campaigns:nomination_detail", args=[nomination.pk]))
    city.locator("[data-panel=review] button.btn-success").click()
    city.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.VETTING
    letter = tmp_path / "复函.pdf"
    letter.write_bytes(PDF)
    for department in ("discipline", "tax", "social_security", "work_safety", "environment"):
        city.goto(reverse("campaigns:nomination_vetting", args=[nomination.pk]))
        box = city.locator(f"[data-department={department}]")
        box.locator("input[value=clear]").check()
        box.locator("input[type=file]").set_input_files(str(letter))
        box.locator("button[type=submit]").click()
        city.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.VETTED, city.inner_text("main")[:1500]
    screenshot(city, "honours-4-vetted")

    # 5. the city publishes the notice today: the dates are counted in working days
    city.goto(reverse("campaigns:notice_create", args=[honour_round.pk]))
    city.fill("input[name=published_on]", today.isoformat())
    city.locator("button[name=publish]").click()
    city.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.NOTICE, city.inner_text("main")[:1500]
    notice = PublicNotice.objects.get(round=honour_round)
    assert notice.first_day >= today and notice.last_day > notice.first_day
    screenshot(city, "honours-5-notice-published")
    # Published on a day off, the notice starts on the next working day: the test moves to that day.
    if notice.first_day > today:
        shift = datetime.timedelta(days=(notice.first_day - today).days)
        PublicNotice.objects.filter(pk=notice.pk).update(
            published_on=notice.published_on - shift, first_day=today, last_day=notice.last_day - shift
        )
        notice.refresh_from_db()

    # 6. a member of the public objects on a phone, confirmed by an SMS code
    public = new_context(**PHONE).new_page()
    public.goto(reverse("campaigns:public_notice", args=[notice.token]))
    expect(public.locator("body")).to_contain_text(NOMINEE)
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(public, "honours-6-public-notice-phone")
    public.locator("#object-link").click()
    public.wait_for_load_state()
    public.fill("input[name=name]", "赵建国")
    public.select_option("select[name=nomination]", label=f"{NOMINEE}（{tree['g1'].name}）")
    public.fill("textarea[name=facts]", "据反映该同志事迹中的技术革新数量有夸大，请核实。")
    public.fill("input[name=mobile]", OBJECTOR_MOBILE)
    public.locator("#send-code").click()
    public.wait_for_load_state()
    code = re.search(r"(\d{6})", sms_outbox[-1][1]).group(1)
    public.fill("input[name=code]", code)
    public.locator("#submit-objection").click()
    public.wait_for_load_state()
    expect(public.locator("#objection-done")).to_be_visible()
    objection = Objection.objects.get(nomination=nomination)
    screenshot(public, "honours-6-objected-phone")

    # 7. the city's staff assign it, write the finding and dismiss it
    city.goto(reverse("campaigns:objection_detail", args=[objection.pk]))
    city.select_option("select[name=assigned_to]", str(city_staff.pk))
    city.locator(f"form[action='{reverse('campaigns:objection_assign', args=[objection.pk])}'] button").click()
    city.wait_for_load_state()
    city.fill("textarea[name=finding]", "经向所在单位核实，技术革新项目均有验收材料，反映情况不属实。")
    city.locator(f"form[action='{reverse('campaigns:objection_answer', args=[objection.pk])}'] button").click()
    city.wait_for_load_state()
    city.check("input[name=outcome][value=dismissed]")
    post(city, reverse("campaigns:objection_close", args=[objection.pk]))
    objection.refresh_from_db()
    assert objection.status == Objection.Status.DISMISSED, city.inner_text("main")[:1500]
    screenshot(city, "honours-7-objection-dismissed")

    # 8. the notice runs its working days (moved into the past here, as the days would pass)
    shift = (notice.last_day - today).days + 1
    PublicNotice.objects.filter(pk=notice.pk).update(
        published_on=notice.published_on - datetime.timedelta(days=shift),
        first_day=notice.first_day - datetime.timedelta(days=shift),
        last_day=notice.last_day - datetime.timedelta(days=shift),
    )

    # 9. the city decides (审定) under its document number
    city.goto(reverse("campaigns:round_decision", args=[honour_round.pk]))
    city.fill("input[name=document_number]", "市工发〔2026〕18号")
    city.fill("input[name=decided_on]", today.isoformat())
    city.locator("#decide").click()
    city.wait_for_load_state()
    assert status_of(nomination) == Nomination.Status.AWARDED, city.inner_text("main")[:1500]
    honour = Honour.objects.get(nomination=nomination)
    assert honour.document_number == "市工发〔2026〕18号" and honour.holder_name == NOMINEE
    screenshot(city, "honours-9-decided")

    # 10. the certificate carries the holder, the number and the QR code
    city.goto(reverse("campaigns:honour_detail", args=[honour.pk]))
    with city.expect_download() as download:
        city.locator("#certificate-link").click()
    pdf = tmp_path / "honour.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert NOMINEE in text and honour.number in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "honour")], check=True)

    # 11. whoever scans the QR code (no sign-in, a phone) reads "this honour, this year, valid"
    target = honour_certificates.check_url(honour)
    assert target.endswith(reverse("campaigns:honour_check", args=[honour.token]))
    scanner = new_context(**PHONE).new_page()
    assert scanner.goto(re.sub(r"^https?://[^/]+", "", target)).status == 200
    expect(scanner.locator("#honour-check")).to_contain_text("荣誉有效")
    expect(scanner.locator("#honour-check")).to_contain_text("劳动模范")
    assert NOMINEE not in scanner.content(), "the check names the holder"
    screenshot(scanner, "honours-11-check-phone")
    for page in (city, phone, district, public, scanner):
        assert page.context.console_errors == [], (page.url, page.context.console_errors)
