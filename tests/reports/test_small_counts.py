"""A leader's dashboard hides counts under DASHBOARD_SMALL_COUNT in grassroots and joint unions (the page,
its JSON and its PDF); member staff of the node, who read the members themselves, see them exactly."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from members.models import PoliticalStatus
from reports import builders, services, tallies
from reports.models import Report
from tests.pages import client_for, text
from unions.models import Role, Union

from ..factories import make_child, staff
from .conftest import make_member
from .test_reports import needs_poppler, pdf_text

R = Role.Kind


@pytest.fixture
def small_unions(tree, settings):
    """g1: five members, one in hardship, one a Party member. Under s1 also a union of two members."""
    settings.DASHBOARD_SMALL_COUNT = 3
    cache.clear()
    g1 = tree["g1"]
    # One age group and one sex: the breakdowns that these tests expect whole stay whole.
    alike = {"born": datetime.date(1985, 6, 1), "male": True}
    make_member(g1, name="党员甲", political_status=PoliticalStatus.CPC_MEMBER, is_in_hardship=True, **alike)
    for i in range(4):
        make_member(g1, name=f"群众{i}", political_status=PoliticalStatus.NONE, **alike)
    tiny = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东华门小店工会")
    for i in range(2):
        make_member(tiny, name=f"店员{i}")
    tallies.refresh()
    return {**tree, "tiny": tiny}


def data(client, union):
    return client.get(reverse("reports:dashboard_data", args=[union.pk])).json()


def political(figures) -> dict:
    return {row["key"]: row["count"] for row in figures["composition"]["political"]}


def test_leader_sees_small_counts_of_a_grassroots_union_hidden_in_the_json_and_the_page(small_unions):
    tree = small_unions
    leader = client_for(staff(R.LEADER, tree["d1"]))

    figures = data(leader, tree["g1"])

    # the one in hardship is hidden, and the political breakdown whole: with the total of five shown,
    # any group left in it would give the one Party member back
    assert figures["composition"]["hardship"] is None
    assert set(political(figures).values()) == {None}
    assert figures["composition"]["hidden_breakdowns"] == ["political"]
    assert figures["members"]["total"] == 5
    assert figures["small_counts"]["threshold"] == 3

    page = text(leader.get(reverse("reports:dashboard_node", args=[tree["g1"].pk])))
    assert "Counts under 3 in grassroots and joint unions are shown as &lt;3" in page
    assert "<strong>&lt;3</strong>" in page  # the workers in hardship
    political_table = page.split('data-table="political"')[1].split("</table>")[0]
    assert ">1<" not in political_table and ">4<" not in political_table
    assert "A breakdown with a group of fewer than 3 members is hidden whole" in page


def test_leader_sees_a_small_unions_row_hidden_in_the_streets_league_table(small_unions):
    tree = small_unions
    leader = client_for(staff(R.LEADER, tree["d1"]))
    rows = {row["name"]: row for row in data(leader, tree["s1"])["children"]}
    assert rows["东华门小店工会"]["members"] is None and rows["东华门小店工会"]["rank_members"] is None
    assert rows["东城机械厂工会"]["members"] == 5
    # the street itself is federation level: its own figures stay exact
    assert data(leader, tree["s1"])["composition"]["hardship"] == 1


@pytest.mark.parametrize(("kind", "node"), [(R.UNION_CLERK, "g1"), (R.FEDERATION_STAFF, "d1"), (R.CITY_ADMIN, "city")])
def test_member_staff_of_the_node_see_exact_counts(small_unions, kind, node):
    tree = small_unions
    figures = data(client_for(staff(kind, tree[node])), tree["g1"])
    assert figures["composition"]["hardship"] == 1
    assert political(figures)[PoliticalStatus.CPC_MEMBER] == 1
    assert "small_counts" not in figures


def test_threshold_zero_shows_everything_to_leaders(small_unions, settings):
    settings.DASHBOARD_SMALL_COUNT = 0
    cache.clear()
    figures = data(client_for(staff(R.LEADER, small_unions["d1"])), small_unions["g1"])
    assert figures["composition"]["hardship"] == 1


def test_leaders_dashboard_pdf_hides_small_counts_and_cannot_open_member_staffs_exact_copy(small_unions):
    tree = small_unions
    leader, clerk = staff(R.LEADER, tree["d1"]), staff(R.UNION_CLERK, tree["g1"])

    # when each asks for the union's dashboard PDF
    for_leader = services.report_request(kind=Report.Kind.DASHBOARD, union=tree["g1"], params={}, by=leader)
    for_clerk = services.report_request(kind=Report.Kind.DASHBOARD, union=tree["g1"], params={}, by=clerk)

    # then they are two reports, the leader's built with the small counts hidden
    assert for_leader.pk != for_clerk.pk
    _template, context = builders._dashboard(for_leader)
    assert context["data"]["composition"]["hardship"] is None and context["hidden_label"] == "<3"
    _template, context = builders._dashboard(for_clerk)
    assert context["data"]["composition"]["hardship"] == 1

    # and the leader cannot open the clerk's exact copy, while the clerk opens both
    assert client_for(leader).get(reverse("reports:detail", args=[for_clerk.pk])).status_code == 404
    assert client_for(leader).get(reverse("reports:detail", args=[for_leader.pk])).status_code == 200
    assert client_for(clerk).get(reverse("reports:detail", args=[for_clerk.pk])).status_code == 200


@needs_poppler
def test_leaders_dashboard_pdf_renders_with_hidden_counts(small_unions, django_capture_on_commit_callbacks):
    tree = small_unions
    leader = staff(R.LEADER, tree["d1"])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(kind=Report.Kind.DASHBOARD, union=tree["g1"], params={}, by=leader)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    printed = pdf_text(report.file.path)
    assert "东城机械厂工会" in printed and "<3" in printed
    assert "人数太少可能指向具体个人" in printed


@needs_poppler
def test_leaders_monthly_report_of_a_grassroots_union_hides_small_counts_too(
    small_unions, django_capture_on_commit_callbacks
):
    tree = small_unions
    leader, clerk = staff(R.LEADER, tree["d1"]), staff(R.UNION_CLERK, tree["g1"])
    month = f"{timezone.localdate():%Y-%m}"

    with django_capture_on_commit_callbacks(execute=True):
        for_leader = services.report_request(
            kind=Report.Kind.MONTHLY_MEMBERSHIP, union=tree["g1"], params={"month": month}, by=leader
        )
        for_clerk = services.report_request(
            kind=Report.Kind.MONTHLY_MEMBERSHIP, union=tree["g1"], params={"month": month}, by=clerk
        )
    for_leader.refresh_from_db()
    for_clerk.refresh_from_db()

    # the leader's copy prints the one in hardship as "<3", the clerk's as 1
    assert (for_leader.parameters["exact_counts"], for_clerk.parameters["exact_counts"]) == (False, True)
    leaders_text, clerks_text = pdf_text(for_leader.file.path), pdf_text(for_clerk.file.path)
    assert "<3" in leaders_text and "人数太少可能指向具体个人" in leaders_text
    assert "<3" not in clerks_text
    # and the leader cannot open the clerk's copy
    assert client_for(leader).get(reverse("reports:download", args=[for_clerk.pk])).status_code == 404
    assert client_for(leader).get(reverse("reports:download", args=[for_leader.pk])).status_code == 200


def test_a_districts_monthly_report_is_unchanged_for_its_leader(small_unions):
    leader = staff(R.LEADER, small_unions["d1"])
    month = f"{timezone.localdate():%Y-%m}"
    report = services.report_request(
        kind=Report.Kind.MONTHLY_MEMBERSHIP, union=small_unions["d1"], params={"month": month}, by=leader
    )
    assert report.parameters == {"month": month}
