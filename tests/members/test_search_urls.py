"""A member search by ID number or mobile puts the number in no URL.

URLs end up in access logs, proxies and browser history. Every URL a search produces is read here:
the redirect, the address htmx pushes, the page links, the union links of the rows, the export
redirect and the export page's own links and form, and the "my exports" page.
"""

import re

import pytest
from django.urls import reverse

from members.models import RosterExport
from members.search_tokens import SEARCH_PARAM
from members.views.staff import MemberListView
from tests.pages import client_for
from unions.models import Role

from ..factories import staff
from .test_member_pages import make_member

R = Role.Kind
URL_ATTRIBUTE = re.compile(r'(?:href|action|formaction|hx-get|hx-post|hx-push-url|src)="([^"]*)"')
HEADERS = ("Location", "HX-Push-Url", "HX-Redirect", "HX-Location")


def urls_of(response) -> list[str]:
    """Every URL the answer gives the browser: in its headers and in its page."""
    found = [response.headers[name] for name in HEADERS if name in response.headers]
    if response.get("Content-Type", "").startswith("text/html"):
        found += URL_ATTRIBUTE.findall(response.content.decode())
    return found


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def assert_no_number(responses, numbers: list[str]) -> None:
    urls = [url for response in responses for url in urls_of(response)]
    assert urls  # the answers do link somewhere
    for url in urls:
        for number in numbers:
            # The number however written: plain, spaced, lower case (the X), percent-encoded.
            assert number.lower() not in url.lower(), url
            assert digits(number)[-11:] not in digits(url), url


@pytest.fixture
def many_with_one_mobile(tree, monkeypatch):
    """Three pages of members sharing one mobile (a family phone), so the page links are made."""
    monkeypatch.setattr(MemberListView, "page_size", 2)
    return [make_member(tree["g1"], name=f"同号{i}", mobile="13812345678") for i in range(5)]


def test_a_search_by_id_number_puts_the_number_in_no_url_and_still_finds_the_member(tree, clerk):
    member = make_member(tree["g1"], name="查身份证", number="11010519491231002X")
    number = member.reveal_id_number()
    client = client_for(clerk)

    posted = client.post(reverse("members:member_list"), {"q": f"{number[:6]} {number[6:14]} {number[14:]}"})
    assert posted.status_code == 302
    page = client.get(posted["Location"])

    assert [m.name for m in page.context["page"].rows] == [member.name]
    assert_no_number([posted, page], [number])
    assert SEARCH_PARAM + "=" in posted["Location"]


def test_a_search_by_mobile_keeps_the_number_out_of_the_htmx_address_and_the_page_links(
    tree, clerk, many_with_one_mobile
):
    client = client_for(clerk)

    answer = client.post(
        reverse("members:member_list"), {"q": "138 1234 5678", "status": "active"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 200
    second = client.get(answer["HX-Push-Url"] + "&page=2", HTTP_HX_REQUEST="true")
    third = client.get(second.context["page_url"]["next"])

    assert len(answer.context["page"].rows) == 2 and answer.context["page"].has_next
    assert [m.pk for m in third.context["page"].rows] == [many_with_one_mobile[0].pk]
    assert_no_number([answer, second, third], ["13812345678"])
    assert "status=active" in answer["HX-Push-Url"]  # other filters stay readable


def test_an_export_of_a_search_by_id_number_carries_a_token_to_the_export_and_my_exports(tree, clerk):
    member = make_member(tree["g1"], name="导出人")
    number = member.reveal_id_number()
    client = client_for(clerk)

    to_export = client.post(reverse("members:member_list"), {"q": number, "export": "csv"})
    assert to_export.status_code == 302 and to_export["Location"].startswith(reverse("members:member_export"))
    export_page = client.get(to_export["Location"])
    downloaded = client.post(to_export["Location"], {"format": "csv"})
    mine = client.get(reverse("members:roster_export_list"))

    assert export_page.status_code == 200 and downloaded.status_code == 200
    assert member.name in b"".join(downloaded.streaming_content).decode("utf-8-sig")
    assert_no_number([to_export, export_page, mine], [number])


def test_htmx_export_buttons_leave_the_list_for_the_export_page_without_the_number(tree, clerk):
    member = make_member(tree["g1"], name="导出人")
    number = member.reveal_id_number()

    answer = client_for(clerk).post(
        reverse("members:member_list"), {"q": number, "export": "xlsx"}, HTTP_HX_REQUEST="true"
    )

    assert answer["HX-Redirect"].startswith(reverse("members:member_export")) and "format=xlsx" in answer["HX-Redirect"]
    assert_no_number([answer], [number])


@pytest.mark.parametrize("name", ["members:member_list", "members:member_export"])
def test_a_number_typed_into_the_address_bar_is_moved_out_of_it(tree, clerk, name):
    member = make_member(tree["g1"], name="地址栏")
    number = member.reveal_id_number()
    client = client_for(clerk)

    moved = client.get(reverse(name), {"q": number})
    shown = client.get(moved["Location"])

    assert moved.status_code == 302
    assert_no_number([moved, shown], [number])
    if name == "members:member_list":
        assert [m.name for m in shown.context["page"].rows] == [member.name]
    else:
        assert shown.status_code == 200 and shown.context["preview"] == 1


def test_a_name_search_stays_readable_in_the_url(tree, clerk):
    make_member(tree["g1"], name="李四")
    posted = client_for(clerk).post(reverse("members:member_list"), {"q": "李"})
    assert "q=%E6%9D%8E" in posted["Location"] and SEARCH_PARAM + "=" not in posted["Location"]


def test_a_token_is_bound_to_the_user_who_searched(tree, clerk):
    member = make_member(tree["g1"], name="别人的搜索")
    other_clerk = staff(R.UNION_CLERK, tree["g1"])
    posted = client_for(clerk).post(reverse("members:member_list"), {"q": member.reveal_id_number()})

    replayed = client_for(other_clerk).get(posted["Location"])
    export = client_for(other_clerk).post(
        posted["Location"].replace(reverse("members:member_list"), reverse("members:member_export")),
        {"format": "csv"},
    )

    assert replayed.status_code == 200 and replayed.context["search_expired"]
    assert replayed.context["filter"].form["q"].value() in (None, "")
    # the export refuses rather than export the whole list in place of the search
    assert export.status_code == 400
    assert not RosterExport.objects.exists()
