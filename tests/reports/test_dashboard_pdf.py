"""The dashboard as a PDF report: who may ask for it, what the PDF holds, its SVG charts, reuse."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from members.models import EmploymentType, Member
from reports import services, tallies
from reports.charts import bar_chart, multi_line_chart
from reports.models import EnrolmentTarget, Report
from tests.pages import client_for
from unions.models import Role, Union

from ..factories import make_child, staff
from .conftest import make_member
from .test_reports import needs_poppler, pdf_fonts, pdf_text

R = Role.Kind
S = Report.Status
K = Report.Kind
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>&'


@pytest.fixture
def district(tree):
    """Members in both districts, a courier target for the first, and a large employer there with
    only a joint union; the summary data counted."""
    g1, g2 = tree["g1"], tree["g2"]
    today = timezone.localdate()
    for i in range(6):
        make_member(g1, name=f"东城{i}号", joined_on=today)
    for _ in range(3):
        make_member(g1, employment_type=EmploymentType.COURIER, joined_on=today)
    gone = make_member(g1, joined_on=datetime.date(2019, 1, 1))
    Member.objects.filter(pk=gone.pk).update(status=Member.Status.LEFT, ended_on=today)
    for i in range(4):
        make_member(g2, name=f"西城{i}号")
    make_child(
        tree["s1"],
        Union.Kind.JOINT_UNION,
        "东华门联合工会",
        employer_name="东华门快递物流有限公司",
        employer_staff_count=300,
    )
    EnrolmentTarget.objects.create(union=tree["d1"], year=today.year, group=EmploymentType.COURIER, target=10)
    tallies.refresh()
    return tree["d1"]


def ask(union, by, *, django_capture_on_commit_callbacks, **params) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(kind=K.DASHBOARD, union=union, params=params, by=by)
    report.refresh_from_db()
    return report


# --- asking for it -----------------------------------------------------------------------------------


def test_leader_of_the_node_asks_for_the_dashboard_pdf_from_the_dashboard_page(tree, leader, district):
    # given the dashboard page's form: kind and node only, with CSRF enforced
    client = client_for(leader, csrf=True)
    client.get(reverse("reports:list"))
    token = client.cookies["csrftoken"].value
    # when the leader posts it
    response = client.post(
        reverse("reports:request"), {"kind": "dashboard", "union": district.pk, "csrfmiddlewaretoken": token}
    )
    # then a dashboard report of this year and day is made, and the leader is sent to its page
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    today = timezone.localdate()
    assert report.kind == K.DASHBOARD and report.union == district and report.requested_by == leader
    assert report.parameters == {"year": today.year, "date": today.isoformat(), "exact_counts": False}
    # and the list shows it with its kind and date
    listing = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:detail", args=[report.pk]) in listing and today.isoformat() in listing


def test_leader_of_another_district_is_refused(tree, district):
    other = staff(R.LEADER, tree["d2"])
    with pytest.raises(PermissionDenied):
        services.report_request(kind=K.DASHBOARD, union=district, params={}, by=other)
    response = client_for(other).post(reverse("reports:request"), {"kind": "dashboard", "union": district.pk})
    assert response.status_code == 400 and not Report.objects.exists()


def test_others_cannot_see_a_districts_dashboard_pdf(tree, leader, district, django_capture_on_commit_callbacks):
    report = ask(district, leader, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert report.status == S.DONE, report.error
    for outsider in (staff(R.LEADER, tree["d2"]), staff(R.UNION_CLERK, tree["g1"])):
        client = client_for(outsider)
        assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    # while member staff above the node and the city's leader read it
    for reader in (staff(R.FEDERATION_STAFF, tree["d1"]), staff(R.LEADER, tree["city"])):
        assert client_for(reader).get(reverse("reports:download", args=[report.pk])).status_code == 200


def test_member_staff_of_the_node_may_ask_but_nobody_without_a_user(tree, district):
    assert services.report_request(
        kind=K.DASHBOARD, union=district, params={}, by=staff(R.FEDERATION_STAFF, tree["city"])
    )
    with pytest.raises(PermissionDenied):
        services.report_request(kind=K.DASHBOARD, union=district, params={}, by=None)
    with pytest.raises(PermissionDenied):
        services.report_request(kind=K.DASHBOARD, union=district, params={}, by=staff(R.UNION_CLERK, tree["g1"]))


@pytest.mark.parametrize("year", ["20x6", "1999", "9999"])
def test_a_bad_year_is_refused(leader, district, year):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_request(kind=K.DASHBOARD, union=district, params={"year": year}, by=leader)


def test_identical_requests_reuse_one_report_until_the_figures_change(
    tree, leader, district, django_capture_on_commit_callbacks
):
    # given a dashboard report being built
    first = services.report_request(kind=K.DASHBOARD, union=district, params={}, by=leader)
    # when the same node is asked for again, by another leader, through the page, and after it is ready
    again = services.report_request(kind=K.DASHBOARD, union=district, params={}, by=staff(R.LEADER, tree["d1"]))
    through_page = client_for(leader).post(reverse("reports:request"), {"kind": "dashboard", "union": district.pk})
    services.report_build(report_id=first.pk)
    when_ready = services.report_request(kind=K.DASHBOARD, union=district, params={}, by=leader)
    # then it is one report
    assert again.pk == first.pk == when_ready.pk
    assert through_page["Location"] == reverse("reports:detail", args=[first.pk])
    assert Report.objects.count() == 1
    # and another node or another year is another report
    city_leader = staff(R.LEADER, tree["city"])
    assert services.report_request(kind=K.DASHBOARD, union=tree["city"], params={}, by=city_leader).pk != first.pk
    last_year = timezone.localdate().year - 1
    assert (
        services.report_request(kind=K.DASHBOARD, union=district, params={"year": last_year}, by=leader).pk != first.pk
    )
    # and once the summary data has changed, the ready PDF is out of date: a new one is built
    with django_capture_on_commit_callbacks(execute=True):
        tallies.refresh([tree["g1"].pk])
    assert services.report_request(kind=K.DASHBOARD, union=district, params={}, by=leader).pk != first.pk


def test_the_monthly_schedule_makes_no_dashboard(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = services.monthly_reports_request()
    assert made and {r.kind for r in made} == {K.MONTHLY_MEMBERSHIP}
    assert not Report.objects.filter(kind=K.DASHBOARD).exists()


# --- the PDF -----------------------------------------------------------------------------------------


@needs_poppler
def test_dashboard_pdf_prints_the_node_its_member_total_and_its_children(
    tree, leader, district, django_capture_on_commit_callbacks
):
    # given a district with 9 members today (the one who left does not count), 4 in the other district
    expected = Member.objects.filter(union__path__startswith=district.path, status=Member.Status.ACTIVE).count()
    assert expected == 9
    # when its leader's dashboard PDF is built
    report = ask(district, leader, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    # then it is a PDF with an embedded Noto CJK font
    assert report.status == S.DONE, report.error
    assert report.file.read(5) == b"%PDF-"
    fonts = pdf_fonts(report.file.path)
    assert "NotoSansCJK" in fonts.replace("-", "") and " yes " in fonts
    text = pdf_text(report.file.path)
    today = timezone.localdate()
    # the title names the node and the day, in Chinese
    assert "东城区总工会" in text.strip().splitlines()[0]
    assert f"{today.year}年{today.month}月{today.day}日" in text
    # the key figures: the member total, before the 24-month section
    assert "近24个月会员数变化" in text
    key_figures = text.split("近24个月会员数变化")[0]
    assert str(expected) in key_figures.split()
    # the child node in the league table, the employer without a union of its own, the courier target
    assert "东华门街道总工会" in text
    assert "东华门快递物流有限公司" in text
    assert re.search(r"快递员\s+3\s+10\s+30\.0%", text)  # joined this year, target, completion
    # and nothing of the other district or of any person
    assert "西长安街街道总工会" not in text and "西城0号" not in text and "东城0号" not in text


def test_dashboard_pdf_of_a_grassroots_union_has_no_league_table(tree, district, django_capture_on_commit_callbacks):
    clerk = staff(R.UNION_CLERK, tree["g1"])
    report = ask(tree["g1"], clerk, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert report.status == S.DONE, report.error


# --- the charts ----------------------------------------------------------------------------------------


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def test_multi_line_chart_escapes_labels_and_draws_one_path_per_series():
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    svg = multi_line_chart(months, [(HOSTILE, [1, 5, 3] + [0] * 9), ("离开", [0, 1, 2] + [4] * 9)], title=HOSTILE)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    root = _parse(svg)
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 2
    for path in paths:
        assert path.get("d").startswith("M") and path.get("d").count("L") == 11
    assert root.find(f"{SVG}title").text == HOSTILE
    assert HOSTILE in [t.text for t in root.iter(f"{SVG}text")]
    # the two series differ by more than colour
    assert paths[0].get("stroke") != paths[1].get("stroke") and paths[1].get("stroke-dasharray")


def test_bar_chart_escapes_labels_and_marks_targets():
    svg = bar_chart(
        [(HOSTILE, 30, 100), ("快递员", 120, 100), ("网络主播", 0, None)],
        title=HOSTILE,
        value_name="<b>joined</b>",
        target_name="目标",
    )
    assert "<script" not in svg and "<b>" not in svg and "&lt;script&gt;" in svg
    root = _parse(svg)
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("aria-label")]
    widths = [float(r.get("width")) for r in bars]
    assert widths[0] > 0 and widths[1] == pytest.approx(widths[0] * 4) and widths[2] == 0
    targets = [line for line in root.findall(f"{SVG}line") if line.get("class") == "target"]
    assert len(targets) == 2  # none where no target is set
    assert targets[0].get("x1") == targets[1].get("x1")  # both at 100
    assert {HOSTILE, "快递员", "网络主播"} <= {t.text for t in root.iter(f"{SVG}text")}


def test_charts_without_data_are_empty_but_valid():
    for svg in (multi_line_chart([], []), bar_chart([])):
        root = _parse(svg)
        assert root.tag == f"{SVG}svg" and not root.findall(f"{SVG}path") and not root.findall(f"{SVG}rect")
