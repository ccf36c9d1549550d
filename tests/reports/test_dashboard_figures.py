"""The dashboard's figures that are not plain member counts, against values worked out by hand:
applications, coverage, enrolment against targets, the league table's ranks; then the dict's keys
(pages and the PDF are drawn from them), the cache, and the number of queries at any size.

The member counts themselves are proved against the members in test_tallies.py.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from members.models import Application, EmploymentType, Member
from reports import dashboard, tallies
from reports.models import EnrolmentTarget
from reports.statistics import monthly_figures
from unions.models import Union

from ..factories import make_child, make_city
from ..members.test_membership_services import new_worker, submit
from .test_tallies import quick_member

K = Union.Kind
AS = Application.Status
COURIER, FOOD, REGULAR = EmploymentType.COURIER, EmploymentType.FOOD_DELIVERY, EmploymentType.REGULAR


def at(today: datetime.date, days_ago: int, hour: int = 0) -> datetime.datetime:
    """A moment ``days_ago`` days before ``today``, at ``hour`` local (Shanghai) time."""
    day = today - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


# --- applications --------------------------------------------------------------------------------------
@pytest.fixture
def applications(tree):
    """In g1 (d1): two waiting (10 and 3 days), one sent back for correction (50 days), two decided
    this year (2 and 5 days to decide), one decided 400 days ago (14 days), one withdrawn.
    In g3 (the industry union): one waiting for 30 days."""
    today = timezone.localdate()

    def application(union, status, submitted, decided=None):
        made = submit(new_worker(), union)
        Application.objects.filter(pk=made.pk).update(status=status, submitted_at=submitted, decided_at=decided)

    g1, g3 = tree["g1"], tree["g3"]
    application(g1, AS.SUBMITTED, at(today, 10, 9))
    application(g1, AS.SUBMITTED, at(today, 3, 23))
    application(g1, AS.NEEDS_CORRECTION, at(today, 50))
    application(g1, AS.APPROVED, at(today, 5, 12), at(today, 3, 12))
    application(g1, AS.REJECTED, at(today, 8, 6), at(today, 3, 6))
    application(g1, AS.APPROVED, at(today, 414), at(today, 400))
    application(g1, AS.WITHDRAWN, at(today, 20))
    application(g3, AS.SUBMITTED, at(today, 30, 1))
    return tree


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        # The average is of approvals only (the rejection after 5 days is no approval time).
        ("d1", {"pending": 2, "approved": 1, "average_days": 2.0, "oldest_days": 10}),
        ("g1", {"pending": 2, "approved": 1, "average_days": 2.0, "oldest_days": 10}),
        ("city", {"pending": 3, "approved": 1, "average_days": 2.0, "oldest_days": 30}),
        ("ind", {"pending": 1, "approved": 0, "average_days": None, "oldest_days": 30}),
        ("d2", {"pending": 0, "approved": 0, "average_days": None, "oldest_days": None}),
    ],
)
def test_applications_waiting_average_days_to_approve_and_oldest(applications, node, expected):
    today = timezone.localdate()
    assert dashboard.compute(applications[node], year=today.year, today=today)["applications"] == expected


# --- coverage ------------------------------------------------------------------------------------------
@pytest.fixture
def employers(tree):
    """d1: g1 (its own union, 300 staff) and, under s1, joint unions' employers of 500, 100, 100, 50
    (closing tomorrow), 20 (too small), 1000 (closed yesterday), a joint union of 30 naming no employer
    (many small ones), and a closed grassroots union of 800. d2: twelve joint unions' employers of 26
    to 37 staff."""
    today = timezone.localdate()
    Union.objects.filter(pk=tree["g1"].pk).update(employer_name="东城机械厂", employer_staff_count=300)
    s1, s2 = tree["s1"], tree["s2"]
    for name, staff_count, closed_on in [
        ("东华物流", 500, None),
        ("A仓储", 100, None),
        ("B仓储", 100, None),
        ("将撤销单位", 50, today + datetime.timedelta(days=1)),
        ("", 30, None),
        ("小微企业", 20, None),
        ("已撤销单位", 1000, today - datetime.timedelta(days=1)),
    ]:
        make_child(s1, K.JOINT_UNION, employer_name=name, employer_staff_count=staff_count, closed_on=closed_on)
    make_child(s1, K.GRASSROOTS_UNION, employer_name="已关闭工厂", employer_staff_count=800, closed_on=today)
    for n in range(12):
        make_child(s2, K.JOINT_UNION, employer_name=f"西城{n:02d}号单位", employer_staff_count=26 + n)
    return tree


def test_coverage_counts_open_large_employers_and_lists_the_joint_unions_largest_first(employers):
    today = timezone.localdate()
    coverage = dashboard.compute(employers["d1"], year=today.year, today=today)["coverage"]
    assert coverage == {
        "large_employers": 5,  # g1, 500, 100, 100, 50 (still open today)
        "with_own_union": 1,
        "rate": 20.0,
        "largest_without": [
            {"name": "东华物流", "staff": 500},
            {"name": "A仓储", "staff": 100},
            {"name": "B仓储", "staff": 100},
            {"name": "将撤销单位", "staff": 50},
        ],
    }


def test_coverage_never_claims_employers_without_a_union_it_cannot_list(tree):
    # given a street with nine large employers with their own union and a joint union of many small
    # employers whose staff add up to 60, naming none of them
    today = timezone.localdate()
    for n in range(9):
        make_child(tree["s1"], K.GRASSROOTS_UNION, employer_name=f"单位{n}", employer_staff_count=40 + n)
    make_child(tree["s1"], K.JOINT_UNION, "东华门小微企业联合工会", employer_staff_count=60)

    # when the dashboard and the monthly report count coverage
    coverage = dashboard.compute(tree["s1"], year=today.year, today=today)["coverage"]
    monthly = monthly_figures(tree["s1"], f"{today:%Y-%m}")

    # then both say every known large employer has its own union, and list none without
    assert (coverage["large_employers"], coverage["with_own_union"], coverage["rate"]) == (9, 9, 100.0)
    assert coverage["largest_without"] == []
    assert (monthly.large_employers, monthly.large_employers_with_own_union) == (9, 9)

    # and once the joint union names the large employer it covers, it is counted and listed alike
    Union.objects.filter(name="东华门小微企业联合工会").update(employer_name="东华门物流")
    coverage = dashboard.compute(tree["s1"], year=today.year, today=today)["coverage"]
    assert (coverage["large_employers"], coverage["with_own_union"]) == (10, 9)
    assert coverage["largest_without"] == [{"name": "东华门物流", "staff": 60}]


def test_coverage_lists_at_most_ten_and_adds_up_at_the_city(employers):
    today = timezone.localdate()
    d2 = dashboard.compute(employers["d2"], year=today.year, today=today)["coverage"]
    assert (d2["large_employers"], d2["with_own_union"], d2["rate"]) == (12, 0, 0.0)
    assert [e["staff"] for e in d2["largest_without"]] == list(range(37, 27, -1))
    city = dashboard.compute(employers["city"], year=today.year, today=today)["coverage"]
    assert (city["large_employers"], city["with_own_union"], city["rate"]) == (17, 1, 5.9)
    assert city["largest_without"][0] == {"name": "东华物流", "staff": 500}
    ind = dashboard.compute(employers["ind"], year=today.year, today=today)["coverage"]
    assert ind == {"large_employers": 0, "with_own_union": 0, "rate": None, "largest_without": []}


# --- enrolment and the league table ----------------------------------------------------------------------
@pytest.fixture
def league(tree):
    """The city's children d1, d2, ind and two more districts: d3 closed, d4 open, both empty.

    d1: 3 couriers joined this year, a food-delivery rider who joined last year, a courier who joined
        and left last year; target 10 couriers (last year: 2 riders).
    d2: 2 regulars from last year, a courier and a regular this year; targets 5 couriers, 5 riders.
    ind: a regular from last year and one this year; a target for regular employees, which is not a
        new-employment-form group and so no target.
    """
    today = timezone.localdate()
    year, last_year = today.year, datetime.date(today.year - 1, 6, 1)
    g1, g2, g3 = tree["g1"], tree["g2"], tree["g3"]
    Member.objects.bulk_create(
        [
            *(quick_member(g1, joined_on=today, employment_type=COURIER) for _ in range(3)),
            quick_member(g1, joined_on=last_year, employment_type=FOOD),
            quick_member(
                g1,
                joined_on=last_year,
                employment_type=COURIER,
                status=Member.Status.LEFT,
                ended_on=last_year + datetime.timedelta(days=61),
            ),
            *(quick_member(g2, joined_on=last_year, employment_type=REGULAR) for _ in range(2)),
            quick_member(g2, joined_on=today, employment_type=COURIER),
            quick_member(g2, joined_on=today, employment_type=REGULAR),
            quick_member(g3, joined_on=last_year, employment_type=REGULAR),
            quick_member(g3, joined_on=today, employment_type=REGULAR),
        ]
    )
    d3 = make_child(tree["city"], K.DISTRICT_FEDERATION, "已撤销区总工会", closed_on=today)
    d4 = make_child(tree["city"], K.DISTRICT_FEDERATION, "新区总工会")
    targets = [
        (tree["d1"], year, COURIER, 10),
        (tree["d1"], year - 1, FOOD, 2),
        (tree["d2"], year, COURIER, 5),
        (tree["d2"], year, FOOD, 5),
        (tree["ind"], year, REGULAR, 7),
        (tree["d1"], year + 1, COURIER, 20),
    ]
    EnrolmentTarget.objects.bulk_create(EnrolmentTarget(union=u, year=y, group=g, target=t) for u, y, g, t in targets)
    Union.objects.filter(pk=tree["g1"].pk).update(employer_staff_count=300)
    make_child(tree["s2"], K.JOINT_UNION, employer_name="西城物流", employer_staff_count=90)
    tallies.refresh()
    return {**tree, "d3": d3, "d4": d4}


def test_the_league_table_ranks_ties_equal_and_leaves_no_data_unranked(league):
    today = timezone.localdate()
    rows = dashboard.compute(league["city"], year=today.year, today=today)["children"]
    table = {
        row["name"]: (
            row["members"],
            row["growth"],
            row["growth_rate"],
            row["coverage_rate"],
            row["target"],
            row["new_form_joined"],
            row["target_rate"],
            row["closed"],
        )
        for row in rows
    }
    ranks = {
        row["name"]: (row["rank_members"], row["rank_growth_rate"], row["rank_coverage_rate"], row["rank_target_rate"])
        for row in rows
    }
    assert [row["name"] for row in rows] == [
        "东城区总工会",
        "西城区总工会",
        "市教育工会",
        "已撤销区总工会",
        "新区总工会",
    ]
    assert table == {
        "东城区总工会": (4, 3, 300.0, 100.0, 10, 3, 30.0, False),
        "西城区总工会": (4, 2, 100.0, 0.0, 10, 1, 10.0, False),
        "市教育工会": (2, 1, 100.0, None, None, 0, None, False),
        "已撤销区总工会": (0, 0, None, None, None, 0, None, True),
        "新区总工会": (0, 0, None, None, None, 0, None, False),
    }
    assert ranks == {
        "东城区总工会": (1, 1, 1, 1),
        "西城区总工会": (1, 2, 2, 2),  # level with d1 on members: both first, the next is third
        "市教育工会": (3, 2, None, None),
        "已撤销区总工会": (None, None, None, None),  # closed: listed (its members would count), not ranked
        "新区总工会": (4, None, None, None),
    }


def test_enrolment_this_year_against_the_node_s_targets(league):
    today = timezone.localdate()
    enrolment = {e["group"]: e for e in dashboard.compute(league["d1"], year=today.year, today=today)["enrolment"]}
    assert set(enrolment) == set(EmploymentType.new_form_values())
    assert enrolment[COURIER] | {"label": ""} == {
        "group": COURIER,
        "label": "",
        "joined": 3,
        "target": 10,
        "rate": 30.0,
    }
    assert (enrolment[FOOD]["joined"], enrolment[FOOD]["target"], enrolment[FOOD]["rate"]) == (0, None, None)


def test_enrolment_of_last_year_counts_last_year_s_joiners_against_last_year_s_targets(league):
    # The summary data holds this year's joiners; last year's (the targets page corrects them, the
    # PDF can be asked for them) are counted from the members: those of today who joined then.
    today = timezone.localdate()
    figures = dashboard.compute(league["d1"], year=today.year - 1, today=today)
    enrolment = {e["group"]: (e["joined"], e["target"], e["rate"]) for e in figures["enrolment"]}
    assert enrolment[FOOD] == (1, 2, 50.0)
    assert enrolment[COURIER] == (0, None, None)  # the courier who joined last year has left
    city = dashboard.compute(league["city"], year=today.year - 1, today=today)
    joined = {row["name"]: (row["new_form_joined"], row["target"]) for row in city["children"]}
    assert joined["东城区总工会"] == (1, 2) and joined["西城区总工会"] == (0, None)
    # the members and this year's change stay today's
    assert city["members"]["total"] == 10 and city["members"]["change_year"] == 6


def test_enrolment_of_next_year_has_nobody_yet(league):
    today = timezone.localdate()
    enrolment = {
        e["group"]: (e["joined"], e["target"], e["rate"])
        for e in dashboard.compute(league["d1"], year=today.year + 1, today=today)["enrolment"]
    }
    assert enrolment[COURIER] == (0, 20, 0.0)
    assert all(joined == 0 for joined, _target, _rate in enrolment.values())


# --- the dict's shape (the pages and the PDF read it) -------------------------------------------------------
def test_the_figures_keep_the_keys_the_pages_and_the_pdf_read(league):
    figures = dashboard.figures(league["city"])
    assert set(figures) >= {
        "union",
        "year",
        "as_of",
        "members",
        "applications",
        "composition",
        "enrolment",
        "coverage",
        "children",
    }
    assert set(figures["union"]) >= {"id", "name", "kind", "kind_label"}
    assert set(figures["members"]) >= {"total", "change_month", "change_year", "trend"}
    assert len(figures["members"]["trend"]) == 24
    assert all(set(p) >= {"month", "joins", "leavers", "total"} for p in figures["members"]["trend"])
    assert set(figures["applications"]) >= {"pending", "approved", "average_days", "oldest_days"}
    assert set(figures["composition"]) >= {
        "political",
        "employment",
        "sex",
        "age",
        "migrant",
        "hardship",
        "new_form_total",
    }
    assert all(set(c) >= {"key", "label", "count", "new_form"} for c in figures["composition"]["employment"])
    assert all(set(e) >= {"group", "label", "joined", "target", "rate"} for e in figures["enrolment"])
    assert set(figures["coverage"]) >= {"large_employers", "with_own_union", "rate", "largest_without"}
    child_keys = {
        "id",
        "name",
        "kind",
        "members",
        "growth",
        "growth_rate",
        "coverage_rate",
        "target",
        "new_form_joined",
        "target_rate",
        "rank_members",
        "rank_growth_rate",
        "rank_coverage_rate",
        "rank_target_rate",
    }
    assert all(set(row) >= child_keys for row in figures["children"])


def test_the_figures_hold_no_person_s_data(league):
    figures = dashboard.figures(league["city"])
    text = repr(figures)
    for member in Member.objects.all():
        assert member.name not in text and member.id_hash not in text and member.mobile not in text


# --- the cache -------------------------------------------------------------------------------------------
def test_cached_figures_go_stale_with_a_refresh_and_with_invalidate(league, django_capture_on_commit_callbacks):
    # given the city's figures cached
    city = league["city"]
    before = dashboard.figures(city)
    Member.objects.bulk_create([quick_member(league["g3"], joined_on=timezone.localdate())])
    assert dashboard.figures(city) == before  # not recounted yet: the cache answers
    # when the union is recounted (after the commit)
    with django_capture_on_commit_callbacks(execute=True):
        tallies.refresh([league["g3"].pk])
    # then the next view sees it
    assert dashboard.figures(city)["members"]["total"] == before["members"]["total"] + 1
    # and a target set elsewhere shows once the dashboards are invalidated
    with django_capture_on_commit_callbacks(execute=True):
        EnrolmentTarget.objects.filter(union=league["d1"], group=COURIER).update(target=30)
        tallies.invalidate()
    assert dashboard.figures(city)["children"][0]["target"] == 30


def test_figures_are_cached_per_language(league):
    with translation.override("en"):
        english = dashboard.figures(league["city"])["union"]["kind_label"]
    with translation.override("zh-hans"):
        chinese = dashboard.figures(league["city"])["union"]["kind_label"]
    assert english == "City federation of trade unions" and chinese != english


# --- 3. queries at any size --------------------------------------------------------------------------------
def city_with(children: int, members: int) -> Union:
    """A city of ``children`` districts, each with a street, a grassroots and a joint union (both large
    employers), a target and an application; ``members`` members spread over the unions; counted."""
    today = timezone.localdate()
    city = make_city(f"规模{children}-{members}市总工会")
    holders = []
    for n in range(children):
        district = make_child(city, K.DISTRICT_FEDERATION, f"{n}区总工会")
        street = make_child(district, K.STREET_FEDERATION, f"{n}街道总工会")
        holders.append(make_child(street, K.GRASSROOTS_UNION, f"{n}厂工会", employer_staff_count=40))
        holders.append(
            make_child(street, K.JOINT_UNION, f"{n}联合工会", employer_name=f"单位{n}", employer_staff_count=30)
        )
        EnrolmentTarget.objects.create(union=district, year=today.year, group=COURIER, target=5)
    EnrolmentTarget.objects.create(union=city, year=today.year, group=COURIER, target=50)
    submit(new_worker(), holders[0])
    Member.objects.bulk_create(
        quick_member(
            holders[i % len(holders)],
            joined_on=today - datetime.timedelta(days=17 * i % 700),
            employment_type=COURIER if i % 3 else REGULAR,
            status=Member.Status.LEFT if i % 7 == 0 else Member.Status.ACTIVE,
            ended_on=today if i % 7 == 0 else None,
        )
        for i in range(members)
    )
    tallies.refresh([u.pk for u in holders])
    city.refresh_from_db()
    return city


def queries_of_compute(city: Union, year: int | None = None) -> int:
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as context:
        dashboard.compute(city, year=year or today.year, today=today)
    return len(context)


def test_the_city_s_figures_take_as_many_queries_with_ten_children_as_with_two(db):
    small, large = city_with(2, 20), city_with(10, 20)
    assert queries_of_compute(small) == queries_of_compute(large) <= 13
    # another year's enrolment is counted from the members: two queries more, as many at any size
    last_year = timezone.localdate().year - 1
    assert queries_of_compute(small, last_year) == queries_of_compute(large, last_year) <= 15


def test_the_city_s_figures_take_as_many_queries_with_200_members_as_with_10(db):
    assert queries_of_compute(city_with(3, 10)) == queries_of_compute(city_with(3, 200))


def test_a_warm_dashboard_takes_no_query(league, django_assert_num_queries):
    dashboard.figures(league["city"])
    with django_assert_num_queries(0):
        dashboard.figures(league["city"])
