"""In Chromium, in Chinese: the district's staff reads its queues on a 375 px phone, tries to forward a list
that breaks the women's share (refused, the failure named), forwards it once it holds; the city's staff
records the joint vetting opinions with a department's letter and takes the integrity letter's conclusion.
Each step's page is kept as a screenshot."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Forwarding, Nomination
from campaigns.services.reviews import nomination_review
from integrity.models import OpinionLetter

from ..cadres.factories import CadreFactory
from .test_honours_c_services import PDF, issue_letter, submitted
from .test_journey_browser import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser


def test_review_forward_and_vetting_in_the_browser(
    transactional_db, honour_round, tree, clerk1, organiser, city_staff, new_context, screenshot, tmp_path
):
    men = [
        submitted(honour_round, tree["g1"], tree["d1"], clerk1, nominee_name=f"张师傅{n}", woman=False)
        for n in range(4)
    ]
    woman = submitted(honour_round, tree["g1"], tree["d1"], clerk1, nominee_name="李红梅", woman=True)

    phone = new_context(**PHONE).new_page()
    sign_in(phone, organiser.username)
    phone.goto(reverse("campaigns:review_list"))
    expect(phone.locator("[data-tab=first]")).to_contain_text("5")
    expect(phone.locator("body")).to_contain_text("李红梅")
    screenshot(phone, "honours-c-1-queue-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width

    for nomination in men:
        nomination_review(nomination=nomination, outcome="passed", by=organiser)
    desk = new_context(**DESKTOP).new_page()
    sign_in(desk, organiser.username)
    desk.goto(reverse("campaigns:round_forward", args=[honour_round.pk]))
    expect(desk.locator("[data-problems]")).to_contain_text("女性：4人中0人，至少需要1人（20%）")
    desk.locator("form[data-confirm] button[type=submit]").click()
    desk.locator("[data-confirm-ok]").click()
    desk.wait_for_load_state()
    expect(desk.locator("[data-failures]")).to_contain_text("名单未上报")
    screenshot(desk, "honours-c-2-forward-refused")
    assert not Forwarding.objects.exists()

    phone.goto(reverse("campaigns:nomination_detail", args=[woman.pk]))
    panel = phone.locator("[data-panel=review]")
    expect(panel).to_contain_text("您的初审意见")
    screenshot(phone, "honours-c-3-review-panel-phone")
    panel.locator("button.btn-success").click()
    phone.wait_for_load_state()
    woman.refresh_from_db()
    assert woman.status == Nomination.Status.FIRST_PASSED
    expect(phone.locator("[data-panel=review]")).to_have_count(0)
    desk.goto(reverse("campaigns:round_forward", args=[honour_round.pk]))
    desk.locator("form[data-confirm] button[type=submit]").click()
    desk.locator("[data-confirm-ok]").click()
    desk.wait_for_load_state()
    expect(desk.locator("body")).to_contain_text("已将 5 名推荐上报复审")
    screenshot(desk, "honours-c-4-forwarded")
    assert Forwarding.objects.get().count == 5

    cadre = CadreFactory(union=tree["g1"], name="李红梅")
    Nomination.objects.filter(pk=woman.pk).update(cadre_record=cadre, cadre=True)
    nomination_review(nomination=woman, outcome="passed", by=city_staff)
    issue_letter(OpinionLetter.objects.get(cadre=cadre), remarks="不外传")
    city = new_context(**PHONE).new_page()
    sign_in(city, city_staff.username)
    city.goto(reverse("campaigns:nomination_vetting", args=[woman.pk]))
    expect(city.locator("[data-department=discipline]")).to_contain_text("廉意")
    letter = tmp_path / "税务局复函.pdf"
    letter.write_bytes(PDF)
    tax = city.locator("[data-department=tax]")
    tax.locator("input[value=clear]").check()
    tax.locator("input[type=file]").set_input_files(str(letter))
    tax.locator("button[type=submit]").click()
    city.wait_for_load_state()
    expect(city.locator("[data-department=tax]")).to_contain_text("税务局复函.pdf")
    city.locator("[data-department=discipline] button[type=submit]").click()
    city.wait_for_load_state()
    assert "不外传" not in city.content()
    screenshot(city, "honours-c-5-vetting-phone")
    width = city.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    woman.refresh_from_db()
    assert woman.vetting_opinions.filter(conclusion="clear").count() == 2
