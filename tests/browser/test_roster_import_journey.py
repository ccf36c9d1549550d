"""A union clerk imports a roster with two bad rows: sees only the errors, downloads the error file,
imports the valid rows and finds the new members in the list; the summary also fits a phone."""

import re

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from members.models import Member, RosterImport
from members.roster.columns import ERROR_HEADER
from unions.models import Role

from ..factories import PASSWORD, staff
from ..factories import id_number as new_id_number
from ..members.rosters import HEADER, row

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
GOOD = ["赵一", "钱二", "孙三", "李四", "周五"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def _jobs_run_in_the_live_server(settings, tmp_path):
    """The dry run and the import run as jobs: in the live server's thread, also when CI sets REDIS_URL."""
    from unionportal.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def roster_file(path) -> list[str]:
    """The clerk's roster: five good rows, an ID Excel turned into 1.10105E+17, and a duplicate ID."""
    numbers = [new_id_number() for _ in GOOD]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for i, (name, number) in enumerate(zip(GOOD, numbers, strict=True)):
        sheet.append(row(name, number, f"1390000000{i}"))
    sheet.append(row("吴六", 1.10105e17, "13900000005"))  # a number cell, as Excel leaves it
    sheet.append(row("郑七", numbers[1], "13900000006"))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    workbook.save(path)
    return numbers


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def test_clerk_imports_the_valid_rows_of_a_roster_with_two_bad_rows(
    transactional_db, tree, tmp_path, new_context, screenshot
):
    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"], username="roster-clerk")
    upload = tmp_path / "东城机械厂花名册.xlsx"
    roster_file(upload)
    context = new_context(accept_downloads=True, **DESKTOP)
    page = context.new_page()
    sign_in(page, clerk.username)

    # the clerk opens the import page from the member list: their own union is the only choice
    page.goto("/members/")
    page.locator("main a[href^='/roster-imports/new/']").first.click()
    page.wait_for_url(re.compile(r"/roster-imports/new/"))
    expect(page.locator("select[name=union] option")).to_have_count(1)
    expect(page.locator("select[name=union]")).to_have_value(str(tree["g1"].pk))
    expect(page.locator("input[name=file]")).to_have_attribute("accept", ".xlsx,.xls,.csv")
    screenshot(page, "roster-1-upload")

    # uploads the roster; the check runs, and the summary shows the counts and only the two errors
    page.set_input_files("input[name=file]", str(upload))
    page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/roster-imports/\d+/$"))
    record = RosterImport.objects.get()
    expect(page.locator("[data-count=rows]")).to_have_text("7")
    expect(page.locator("[data-count=new]")).to_have_text("5")
    expect(page.locator("[data-count=errors]")).to_have_text("2")
    listed = page.locator("#import-rows tbody tr")
    expect(listed).to_have_count(2)
    expect(listed.nth(0)).to_contain_text("吴六")
    expect(listed.nth(1)).to_contain_text("郑七")
    for name in GOOD:
        expect(page.locator("#import-rows")).not_to_contain_text(name)
    expect(page.locator("input[name=mode][value=valid_only]")).to_be_checked()
    assert not Member.objects.exists()
    screenshot(page, "roster-2-summary")

    # the summary on a phone: nothing sticks out sideways
    phone = new_context(**PHONE).new_page()
    sign_in(phone, clerk.username)
    phone.goto(f"/roster-imports/{record.pk}/")
    expect(phone.locator("#import-rows tbody tr")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "roster-3-summary-phone")

    # downloads the error file: the two bad rows as they were, plus the error column
    with page.expect_download() as download_info:
        page.locator(f"a[href='/roster-imports/{record.pk}/errors/']").first.click()
    download = download_info.value
    assert download.suggested_filename == "东城机械厂花名册-错误.xlsx"
    saved = tmp_path / "downloaded.xlsx"
    download.save_as(saved)
    sheet = load_workbook(saved).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0][-1] in ERROR_HEADER
    assert cells[0][:-1] == HEADER
    assert [r[0] for r in cells[1:]] == ["吴六", "郑七"]
    assert all(r[-1] for r in cells[1:])

    # confirms "valid rows only" and sees the result
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(rf"/roster-imports/{record.pk}/$"))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.DONE
    assert sorted(Member.objects.filter(union=tree["g1"]).values_list("name", flat=True)) == sorted(GOOD)
    expect(page.locator("[data-count=new]")).to_have_text("5")
    expect(page.locator("#import-rows tbody tr")).to_have_count(2)  # the rows left out, with reasons
    screenshot(page, "roster-4-result")

    # opens the member list of the union and sees the new members
    page.locator(f"a[href='/members/?union={tree['g1'].pk}']").first.click()
    page.wait_for_load_state("networkidle")
    results = page.locator("#member-results")
    for name in GOOD:
        expect(results).to_contain_text(name)
    expect(results).not_to_contain_text("吴六")
    screenshot(page, "roster-5-members")

    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors


def test_the_progress_bar_fills_and_the_page_shows_the_result_when_the_import_ends(
    transactional_db, tree, new_context, screenshot
):
    from members.roster import importing

    clerk = staff(Role.Kind.UNION_CLERK, tree["g1"], username="waiting-clerk")
    record = RosterImport.objects.create(
        union=tree["g1"], created_by=clerk, original_name="大名单.xlsx", status=RosterImport.Status.IMPORTING
    )
    importing.set_progress(record.pk, "import", 30, 120)
    context = new_context(**PHONE)
    page = context.new_page()
    sign_in(page, clerk.username)

    # while the import runs, the bar shows how far it has got (set by static/js/progress.js: no style attribute)
    page.goto(f"/roster-imports/{record.pk}/")
    bar = page.locator("#import-progress [data-progress]")
    expect(bar).to_have_attribute("data-progress", "25")
    assert bar.evaluate("e => e.style.width") == "25%"
    importing.set_progress(record.pk, "import", 90, 120)
    expect(bar).to_have_attribute("data-progress", "75")  # polled every second
    assert bar.evaluate("e => e.style.width") == "75%"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "roster-6-progress-phone")

    # when the job ends, the page reloads by itself and shows the result
    RosterImport.objects.filter(pk=record.pk).update(status=RosterImport.Status.DONE, new_count=120, rows_total=120)
    expect(page.locator("[data-count=new]")).to_have_text("120", timeout=5000)
    expect(page.locator("#import-progress")).to_have_count(0)
    assert not [e for e in context.console_errors if "Content Security Policy" in e], context.console_errors
