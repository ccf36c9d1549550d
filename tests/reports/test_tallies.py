"""The dashboards' summary data proved against the members themselves.

Every figure that comes from ``UnionTally`` and ``UnionMonth`` is compared with a count made here,
in Python, straight from ``Member`` rows (ages worked out here too): for generated cities
(hypothesis), after each service that changes members (the signal's refresh, run after the commit
as the job would be), and in the corners (no members, an empty refresh, a moved or closed union,
January, 29 February). Then the cost: a refresh is a fixed number of queries, and the nightly
schedule and the command exist.
"""

import datetime
import itertools
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members import services, signals
from members.models import EmploymentType, Member, PoliticalStatus
from reports import dashboard, tallies
from reports.models import UnionMonth, UnionTally
from unionportal.celery import app as celery_app
from unions.models import Role, Union
from unions.services import union_move

from ..factories import id_number as new_id_number
from ..factories import make_child, make_city, staff
from ..members.rosters import confirm_import, row, start_import, xlsx_bytes
from ..members.test_membership_services import new_worker, submit

K = Union.Kind
R = Role.Kind
NEW_FORM = EmploymentType.new_form_values()
HOLDING = (K.GRASSROOTS_UNION, K.JOINT_UNION)
_hashes = itertools.count(1)


# --- the direct count -----------------------------------------------------------------------------------
def age_on(born: datetime.date, day: datetime.date) -> int:
    """Completed years: the birthday has come this year or not. Someone born on 29 February is a year
    older on 1 March in a common year (28 February < 29 February)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int) -> str:
    if age < 30:
        return "age_under_30"
    if age < 40:
        return "age_30_39"
    if age < 50:
        return "age_40_49"
    if age < 60:
        return "age_50_59"
    return "age_60_plus"


def month_starts(today: datetime.date, count: int = 24) -> list[datetime.date]:
    """The first days of the ``count`` months ending with today's, oldest first."""
    year, month, out = today.year, today.month, []
    for _ in range(count):
        out.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def last_day(first: datetime.date) -> datetime.date:
    following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def member_rows() -> list[dict]:
    return list(
        Member.objects.values(
            "union_id",
            "union__path",
            "status",
            "joined_on",
            "ended_on",
            "sex",
            "birth_date",
            "political_status",
            "employment_type",
            "is_migrant_worker",
            "is_in_hardship",
        )
    )


def members_at(rows: list[dict], day: datetime.date) -> int:
    """Members on ``day``: joined by then and not ended by then (the monthly report's rule)."""
    return sum(1 for r in rows if r["joined_on"] <= day and (r["ended_on"] is None or r["ended_on"] > day))


def direct_count(node: Union, rows: list[dict], today: datetime.date) -> dict:
    """What the dashboard of ``node`` must say, counted from the members' rows."""
    sub = [r for r in rows if r["union__path"].startswith(node.path)]
    active = [r for r in sub if r["status"] == Member.Status.ACTIVE]
    joined_this_year = Counter(r["employment_type"] for r in active if r["joined_on"].year == today.year)
    trend = []
    for first in month_starts(today):
        day = min(last_day(first), today)
        trend.append(
            (
                f"{first:%Y-%m}",
                sum(1 for r in sub if (r["joined_on"].year, r["joined_on"].month) == (first.year, first.month)),
                sum(
                    1
                    for r in sub
                    if r["ended_on"] and (r["ended_on"].year, r["ended_on"].month) == (first.year, first.month)
                ),
                members_at(sub, day),
            )
        )
    end_of_last_month = today.replace(day=1) - datetime.timedelta(days=1)
    end_of_last_year = datetime.date(today.year - 1, 12, 31)
    ages = Counter(age_band(age_on(r["birth_date"], today)) for r in active)
    children = []
    for child in Union.objects.filter(path__startswith=node.path, depth=node.depth + 1).order_by("path"):
        mine = [r for r in sub if r["union__path"].startswith(child.path)]
        mine_active = [r for r in mine if r["status"] == Member.Status.ACTIVE]
        children.append(
            (
                child.pk,
                len(mine_active),
                len(mine_active) - members_at(mine, end_of_last_year),
                sum(1 for r in mine_active if r["joined_on"].year == today.year and r["employment_type"] in NEW_FORM),
            )
        )
    return {
        "coverage": direct_coverage(node, today),
        "total": len(active),
        "change_month": len(active) - members_at(sub, end_of_last_month),
        "change_year": len(active) - members_at(sub, end_of_last_year),
        "trend": trend,
        "political": {v: sum(1 for r in active if r["political_status"] == v) for v in PoliticalStatus.values},
        "employment": {v: sum(1 for r in active if r["employment_type"] == v) for v in EmploymentType.values},
        "sex": {"M": sum(1 for r in active if r["sex"] == "M"), "F": sum(1 for r in active if r["sex"] == "F")},
        "age": {
            band: ages.get(band, 0) for band in ("age_under_30", "age_30_39", "age_40_49", "age_50_59", "age_60_plus")
        },
        "migrant": sum(1 for r in active if r["is_migrant_worker"]),
        "hardship": sum(1 for r in active if r["is_in_hardship"]),
        "new_form_total": sum(1 for r in active if r["employment_type"] in NEW_FORM),
        "enrolment": {group: joined_this_year.get(group, 0) for group in sorted(NEW_FORM)},
        "children": children,
    }


def direct_coverage(node: Union, today: datetime.date) -> dict:
    """Large employers (25 or more staff) of the subtree's open grassroots unions and of its open joint
    unions that name an employer."""
    large = [
        u
        for u in Union.objects.filter(path__startswith=node.path, kind__in=HOLDING)
        if (u.employer_staff_count or 0) >= 25
        and (u.closed_on is None or u.closed_on > today)
        and (u.kind == K.GRASSROOTS_UNION or u.employer_name)
    ]
    own = sum(1 for u in large if u.kind == K.GRASSROOTS_UNION)
    without = sorted(
        (u for u in large if u.kind == K.JOINT_UNION and u.employer_name),
        key=lambda u: (-u.employer_staff_count, u.employer_name),
    )
    return {
        "large_employers": len(large),
        "with_own_union": own,
        "rate": round(100 * own / len(large), 1) if large else None,
        "largest_without": [{"name": u.employer_name, "staff": u.employer_staff_count} for u in without[:10]],
    }


def observed(figures: dict) -> dict:
    """The same shape, read from the dashboard's dict."""
    composition = figures["composition"]
    return {
        "coverage": figures["coverage"],
        "total": figures["members"]["total"],
        "change_month": figures["members"]["change_month"],
        "change_year": figures["members"]["change_year"],
        "trend": [(p["month"], p["joins"], p["leavers"], p["total"]) for p in figures["members"]["trend"]],
        "political": {c["key"]: c["count"] for c in composition["political"]},
        "employment": {c["key"]: c["count"] for c in composition["employment"]},
        "sex": {c["key"]: c["count"] for c in composition["sex"]},
        "age": {c["key"]: c["count"] for c in composition["age"]},
        "migrant": composition["migrant"],
        "hardship": composition["hardship"],
        "new_form_total": composition["new_form_total"],
        "enrolment": {e["group"]: e["joined"] for e in sorted(figures["enrolment"], key=lambda e: e["group"])},
        "children": [(c["id"], c["members"], c["growth"], c["new_form_joined"]) for c in figures["children"]],
    }


def assert_figures_match_members(nodes, today: datetime.date) -> None:
    rows = member_rows()
    for node in nodes:
        node.refresh_from_db()
        assert observed(dashboard.compute(node, year=today.year, today=today)) == direct_count(node, rows, today), (
            node.name
        )


def quick_member(union: Union, **fields) -> Member:
    """A member row without the ID-number machinery (the summary data never reads it)."""
    n = next(_hashes)
    fields = {"sex": "M", "birth_date": datetime.date(1990, 6, 1), "joined_on": datetime.date(2020, 1, 1), **fields}
    return Member(
        union=union,
        name=f"成员{n}",
        id_hash=f"t{n:063d}",
        id_encrypted="-",
        id_masked="-",
        mobile="13900000000",
        **fields,
    )


# --- 1. aggregates equal a direct count over the members (generated cities) -----------------------------
EDGE_DAYS = [
    datetime.date(2026, 1, 1),  # the year turns: this year's months are the current month only
    datetime.date(2026, 1, 31),
    datetime.date(2027, 2, 28),  # a common year: those born on 29 February are not a year older yet
    datetime.date(2027, 3, 1),
    datetime.date(2028, 2, 29),
    datetime.date(2026, 12, 31),
]


@st.composite
def cities(draw):
    today = draw(
        st.one_of(st.sampled_from(EDGE_DAYS), st.dates(datetime.date(2025, 1, 1), datetime.date(2028, 12, 31)))
    )
    holding = st.tuples(
        st.sampled_from(HOLDING),
        st.sampled_from([None, 10, 25, 300]),  # employer staff
        st.booleans() if draw(st.booleans()) else st.just(False),  # closed
    )
    districts = draw(
        st.lists(
            st.tuples(st.lists(st.lists(holding, max_size=2), max_size=2), st.lists(holding, max_size=2)),
            min_size=1,
            max_size=3,
        )
    )
    under_city = draw(st.lists(holding, max_size=1))

    def born():
        # The day someone turning ``years`` today was born (28 February for today 29 February), and
        # the days either side: each band's edges.
        around_a_birthday = st.builds(
            lambda years, shift: (
                datetime.date(today.year - years, today.month, min(today.day, 28) if today.month == 2 else today.day)
                + datetime.timedelta(days=shift)
            ),
            st.sampled_from([18, 29, 30, 39, 40, 49, 50, 59, 60, 70]),
            st.integers(-1, 2),
        )
        leap_days = st.sampled_from([datetime.date(y, 2, 29) for y in (1968, 1988, 1996, 2000, 2004)])
        return st.one_of(st.dates(datetime.date(1950, 1, 1), datetime.date(2008, 12, 31)), around_a_birthday, leap_days)

    # Month edges: the first and last days of the trend's months, the window's first day among them.
    edges = [day for first in month_starts(today, 26) for day in (first, last_day(first)) if day <= today]

    def day_between(start: datetime.date):
        later_edges = [day for day in edges if day >= start]
        any_day = st.integers(0, (today - start).days).map(lambda n: start + datetime.timedelta(days=n))
        return st.one_of(any_day, st.sampled_from(later_edges)) if later_edges else any_day

    @st.composite
    def member(draw):
        joined = draw(day_between(today - datetime.timedelta(days=3 * 366)))
        status = draw(
            st.sampled_from([Member.Status.ACTIVE, Member.Status.ACTIVE, Member.Status.LEFT, Member.Status.DECEASED])
        )
        ended = draw(day_between(joined)) if status != Member.Status.ACTIVE else None
        return {
            "slot": draw(st.integers(0, 999)),
            "status": status,
            "joined_on": joined,
            "ended_on": ended,
            "sex": draw(st.sampled_from("MF")),
            "birth_date": draw(born()),
            "political_status": draw(st.sampled_from(PoliticalStatus.values)),
            "employment_type": draw(st.sampled_from(EmploymentType.values)),
            "is_migrant_worker": draw(st.booleans()),
            "is_in_hardship": draw(st.booleans()),
        }

    members = draw(st.lists(member(), min_size=8, max_size=40))
    return today, districts, under_city, members


def build_city(districts, under_city, today):
    """The generated tree in the database; returns every node and the holding unions."""
    city = make_city()
    nodes, holders, names = [city], [], itertools.count(1)

    def add_holding(parent, spec):
        kind, staff_count, closed = spec
        n = next(names)
        union = make_child(
            parent,
            kind,
            f"工会{n}",
            employer_name=f"单位{n}",
            employer_staff_count=staff_count,
            closed_on=today - datetime.timedelta(days=1) if closed else None,
        )
        nodes.append(union)
        holders.append(union)

    for streets, direct in districts:
        district = make_child(city, K.DISTRICT_FEDERATION)
        nodes.append(district)
        for unions in streets:
            street = make_child(district, K.STREET_FEDERATION)
            nodes.append(street)
            for spec in unions:
                add_holding(street, spec)
        for spec in direct:
            add_holding(district, spec)
    for spec in under_city:
        add_holding(city, spec)
    if not holders:
        add_holding(nodes[1], (K.GRASSROOTS_UNION, None, False))
    return nodes, holders


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(city=cities())
def test_every_node_s_figures_equal_a_direct_count_of_its_members(db, city):
    today, districts, under_city, specs = city
    with transaction.atomic():
        # given a generated city and its members
        nodes, holders = build_city(districts, under_city, today)
        if holders:
            Member.objects.bulk_create(
                quick_member(holders[spec.pop("slot") % len(holders)], **spec) for spec in [dict(s) for s in specs]
            )
        # when the summary data is counted
        tallies.refresh(today=today)
        # then every node's dashboard says what counting its members says
        assert UnionTally.objects.count() == len(holders)
        assert_figures_match_members(nodes, today)
        transaction.set_rollback(True)


# --- the corners -------------------------------------------------------------------------------------
def test_a_union_without_members_gets_a_row_of_zeros_and_no_months(tree):
    tallies.refresh()
    tally = UnionTally.objects.get(union=tree["g3"])
    assert all(getattr(tally, field) == 0 for field in tallies.tally_fields())
    assert not UnionMonth.objects.exists()
    assert set(UnionTally.objects.values_list("union_id", flat=True)) == {tree["g1"].pk, tree["g2"].pk, tree["g3"].pk}


def test_refresh_of_no_unions_does_nothing_at_all(tree, django_assert_num_queries, django_capture_on_commit_callbacks):
    before = tallies.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, django_assert_num_queries(0):
        assert tallies.refresh([]) == 0
    assert callbacks == [] and tallies.version() == before


def test_refresh_of_unions_that_hold_no_members_counts_nothing(tree):
    assert tallies.refresh([tree["d1"].pk, tree["s1"].pk, 999_999]) == 0
    assert not UnionTally.objects.exists()


def test_a_moved_union_counts_under_its_new_district_without_a_recount(tree):
    # given g1's members counted under d1
    today = timezone.localdate()
    Member.objects.bulk_create(quick_member(tree["g1"], joined_on=today) for _ in range(3))
    tallies.refresh()
    city_before = dashboard.compute(tree["city"], year=today.year, today=today)
    # when g1 is moved under d2's street (tallies follow the union's current path, by design)
    admin = staff(R.CITY_ADMIN, tree["city"])
    union_move(union=tree["g1"], new_parent=tree["s2"], by=admin)
    # then d2 holds them, d1 does not, the city is unchanged, and everything equals a direct count
    d1 = dashboard.compute(Union.objects.get(pk=tree["d1"].pk), year=today.year, today=today)
    d2 = dashboard.compute(Union.objects.get(pk=tree["d2"].pk), year=today.year, today=today)
    assert (d1["members"]["total"], d2["members"]["total"]) == (0, 3)
    assert dashboard.compute(tree["city"], year=today.year, today=today)["members"] == city_before["members"]
    assert_figures_match_members(tree.values(), today)


def test_a_closed_union_s_members_still_count_but_its_employer_does_not(tree):
    today = timezone.localdate()
    Union.objects.filter(pk=tree["g1"].pk).update(closed_on=today, employer_staff_count=500)
    Member.objects.bulk_create(quick_member(tree["g1"]) for _ in range(2))
    tallies.refresh()
    figures = dashboard.compute(tree["d1"], year=today.year, today=today)
    assert figures["members"]["total"] == 2
    assert figures["coverage"]["large_employers"] == 0
    assert_figures_match_members(tree.values(), today)


@pytest.mark.parametrize(
    ("today", "born", "band"),
    [
        (datetime.date(2026, 2, 28), datetime.date(1996, 2, 29), "age_under_30"),  # 29 until 1 March
        (datetime.date(2026, 3, 1), datetime.date(1996, 2, 29), "age_30_39"),
        (datetime.date(2028, 2, 29), datetime.date(1998, 2, 28), "age_30_39"),
        (datetime.date(2028, 2, 29), datetime.date(1998, 3, 1), "age_under_30"),
        (datetime.date(2028, 2, 29), datetime.date(1968, 2, 29), "age_60_plus"),
        (datetime.date(2028, 2, 28), datetime.date(1968, 2, 29), "age_50_59"),
        (datetime.date(2027, 2, 28), datetime.date(1967, 3, 1), "age_50_59"),
        (datetime.date(2027, 3, 1), datetime.date(1967, 3, 1), "age_60_plus"),
    ],
)
def test_age_bands_around_29_february(tree, today, born, band):
    Member.objects.bulk_create([quick_member(tree["g1"], birth_date=born, joined_on=datetime.date(2020, 1, 1))])
    tallies.refresh(today=today)
    ages = {
        c["key"]: c["count"] for c in dashboard.compute(tree["g1"], year=today.year, today=today)["composition"]["age"]
    }
    assert ages[band] == 1 and sum(ages.values()) == 1
    assert age_band(age_on(born, today)) == band  # the test's own count agrees


def test_in_january_this_year_s_change_is_this_month_s_and_last_year_s_stays_out(tree):
    # given joins and leavers in December and January
    today = datetime.date(2027, 1, 10)
    g1 = tree["g1"]
    Member.objects.bulk_create(
        [
            quick_member(g1, joined_on=datetime.date(2026, 12, 5)),
            quick_member(g1, joined_on=datetime.date(2026, 12, 6)),
            quick_member(g1, joined_on=datetime.date(2027, 1, 3)),
            quick_member(g1, joined_on=datetime.date(2025, 1, 3), status="left", ended_on=datetime.date(2027, 1, 9)),
            quick_member(g1, joined_on=datetime.date(2025, 1, 3), status="left", ended_on=datetime.date(2026, 12, 31)),
        ]
    )
    tallies.refresh(today=today)
    figures = dashboard.compute(tree["city"], year=today.year, today=today)
    # then this year's change is January's (one in, one out), and the window holds both years
    assert (figures["members"]["change_month"], figures["members"]["change_year"]) == (0, 0)
    assert figures["members"]["trend"][-1] == {
        "month": "2027-01",
        "joins": 1,
        "leavers": 1,
        "total": 3,
        "partial": True,
    }
    assert figures["members"]["trend"][-2] == {
        "month": "2026-12",
        "joins": 2,
        "leavers": 1,
        "total": 3,
        "partial": False,
    }
    assert figures["children"][0]["growth"] == 0
    assert_figures_match_members(tree.values(), today)


def test_the_trend_starts_on_the_first_day_of_its_first_month(tree):
    # given joins and leavers on the window's first day and on the day before it
    today = datetime.date(2026, 11, 21)
    first, before = datetime.date(2024, 12, 1), datetime.date(2024, 11, 30)
    g1 = tree["g1"]
    Member.objects.bulk_create(
        [
            quick_member(g1, joined_on=before),
            quick_member(g1, joined_on=first),
            quick_member(g1, joined_on=datetime.date(2020, 1, 1), status="left", ended_on=before),
            quick_member(g1, joined_on=datetime.date(2020, 1, 1), status="deceased", ended_on=first),
        ]
    )
    tallies.refresh(today=today)
    trend = dashboard.compute(tree["city"], year=today.year, today=today)["members"]["trend"]
    # then the first month holds the first day's, not the day before's, and its total is counted back
    assert trend[0] == {"month": "2024-12", "joins": 1, "leavers": 1, "total": 2, "partial": False}
    assert len(trend) == 24 and trend[-1]["month"] == "2026-11"
    assert_figures_match_members(tree.values(), today)


def test_on_1_january_before_the_nightly_recount_nobody_has_joined_this_year_yet(tree):
    # given tallies counted on 31 December, with couriers who joined that year
    december = datetime.date(2026, 12, 31)
    Member.objects.bulk_create(
        quick_member(tree["g1"], joined_on=december, employment_type=EmploymentType.COURIER) for _ in range(2)
    )
    tallies.refresh(today=december)
    # when the dashboard is opened on 1 January
    january = datetime.date(2027, 1, 1)
    figures = dashboard.compute(tree["city"], year=january.year, today=january)
    # then the members are there but last year's joiners are not this year's enrolment
    assert figures["members"]["total"] == 2
    assert {e["group"]: e["joined"] for e in figures["enrolment"]}[EmploymentType.COURIER] == 0
    assert figures["children"][0]["new_form_joined"] == 0
    # and after the recount the figures equal a direct count again
    tallies.refresh(today=january)
    assert_figures_match_members(tree.values(), january)


# --- 2. kept current by the services --------------------------------------------------------------------
@pytest.fixture
def counted(tree):
    """Members in g1 (d1), g2 (d2) and g3 (the industry union), a former member of g2; all counted,
    and the city's figures cached."""
    today = timezone.localdate()
    Member.objects.bulk_create(
        [
            *(quick_member(tree["g1"], joined_on=today - datetime.timedelta(days=40 * i)) for i in range(4)),
            *(quick_member(tree["g2"], employment_type=EmploymentType.COURIER, joined_on=today) for _ in range(2)),
            quick_member(tree["g3"]),
        ]
    )
    tallies.refresh()
    dashboard.figures(tree["city"])
    return tree


def refreshed_at() -> dict[int, datetime.datetime]:
    return dict(UnionTally.objects.values_list("union_id", "refreshed_at"))


def recounted_after(change, *, django_capture_on_commit_callbacks) -> set[int]:
    """Run ``change`` as a request would (in a transaction, then its on-commit hooks, the refresh job
    eager); return the unions whose summary data was recounted."""
    before = refreshed_at()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        change()
    after = refreshed_at()
    return {pk for pk, at in after.items() if at != before.get(pk)}


def assert_current(tree) -> None:
    today = timezone.localdate()
    assert_figures_match_members(tree.values(), today)
    city = Union.objects.get(pk=tree["city"].pk)
    # the cached figures are not stale: the version moved with the refresh
    assert dashboard.figures(city) == dashboard.compute(city, year=today.year, today=today)


@pytest.fixture
def clerks(tree):
    return {name: staff(R.UNION_CLERK, tree[name]) for name in ("g1", "g2", "g3")}


def test_approving_an_application_recounts_that_union(counted, clerks, django_capture_on_commit_callbacks):
    tree = counted
    application = submit(new_worker(), tree["g1"], employment_type=EmploymentType.FOOD_DELIVERY)
    version = tallies.version()

    recounted = recounted_after(
        lambda: services.application_approve(application=application, by=clerks["g1"]),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    assert recounted == {tree["g1"].pk}
    assert tallies.version() > version
    assert_current(tree)
    assert dashboard.figures(tree["city"])["members"]["total"] == 8


def test_approving_a_former_member_elsewhere_recounts_the_union_they_left_too(
    tree, clerks, django_capture_on_commit_callbacks
):
    # given a former member of g2 (joined and left within the window) counted there
    today = timezone.localdate()
    former = services.application_approve(application=submit(new_worker(), tree["g2"]), by=clerks["g2"])
    with django_capture_on_commit_callbacks(execute=True):
        services.member_end(member=former, by=clerks["g2"], status=Member.Status.LEFT, on=today, reason="离职")
    assert dashboard.compute(tree["d2"], year=today.year, today=today)["members"]["trend"][-1]["leavers"] == 1
    application = submit(new_worker(), tree["g1"], number=former.reveal_id_number())

    # when they rejoin in g1
    recounted = recounted_after(
        lambda: services.application_approve(application=application, by=clerks["g1"]),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    # then both unions are recounted: their whole history now counts under g1
    assert recounted == {tree["g1"].pk, tree["g2"].pk}
    assert dashboard.compute(tree["d2"], year=today.year, today=today)["members"]["trend"][-1]["leavers"] == 0
    assert_current(tree)


def test_editing_a_member_s_employment_type_recounts_their_union(counted, clerks, django_capture_on_commit_callbacks):
    tree = counted
    member = Member.objects.filter(union=tree["g2"]).first()

    recounted = recounted_after(
        lambda: services.member_update(member=member, by=clerks["g2"], employment_type=EmploymentType.RIDE_HAILING),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    assert recounted == {tree["g2"].pk}
    assert_current(tree)
    employment = {c["key"]: c["count"] for c in dashboard.figures(tree["d2"])["composition"]["employment"]}
    assert (employment[EmploymentType.COURIER], employment[EmploymentType.RIDE_HAILING]) == (1, 1)


def test_an_edit_that_changes_nothing_queues_no_recount(counted, clerks, django_capture_on_commit_callbacks):
    member = Member.objects.filter(union=counted["g2"]).first()
    recounted = recounted_after(
        lambda: services.member_update(member=member, by=clerks["g2"], employment_type=member.employment_type),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert recounted == set()


def test_ending_a_membership_recounts_that_union(counted, clerks, django_capture_on_commit_callbacks):
    tree = counted
    member = Member.objects.filter(union=tree["g1"]).order_by("joined_on").first()

    recounted = recounted_after(
        lambda: services.member_end(
            member=member, by=clerks["g1"], status=Member.Status.DECEASED, on=timezone.localdate(), reason=""
        ),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    assert recounted == {tree["g1"].pk}
    assert_current(tree)
    assert dashboard.figures(tree["d1"])["members"]["change_month"] <= 0


def test_a_transfer_between_two_districts_recounts_both_unions(tree, clerks, django_capture_on_commit_callbacks):
    # given a member of g1 (district d1) who joined online, counted
    member = services.application_approve(application=submit(new_worker(), tree["g1"]), by=clerks["g1"])
    Member.objects.bulk_create([quick_member(tree["g2"]), quick_member(tree["g3"])])
    tallies.refresh()
    dashboard.figures(tree["city"])
    transfer = services.transfer_request(member=member, to_union=tree["g2"], by=clerks["g2"])
    transfer = services.transfer_release(transfer=transfer, by=clerks["g1"])

    # when g2 (district d2) accepts
    recounted = recounted_after(
        lambda: services.transfer_accept(transfer=transfer, by=clerks["g2"]),
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    # then both are recounted and the member (with their joining month) counts under d2 only
    assert recounted == {tree["g1"].pk, tree["g2"].pk}
    assert_current(tree)
    d1, d2 = dashboard.figures(tree["d1"]), dashboard.figures(tree["d2"])
    assert (d1["members"]["total"], d2["members"]["total"]) == (0, 2)
    assert (d1["members"]["trend"][-1]["joins"], d2["members"]["trend"][-1]["joins"]) == (0, 1)


def test_a_roster_import_recounts_the_unions_it_wrote_and_a_rejoiner_s_former_union(
    counted, django_capture_on_commit_callbacks
):
    tree = counted
    # given a former member of g3 (the industry union) and a district clerk of d1
    former = Member(
        union=tree["g3"], name="王五", mobile="13900139000", joined_on=datetime.date(2020, 1, 1), status="left"
    )
    former.ended_on = datetime.date(2024, 1, 1)
    from members.id_number import parse

    former.set_id_number(parse(new_id_number()))
    former.save()
    clerk = staff(R.UNION_CLERK, tree["g1"])
    content = xlsx_bytes(
        [
            row("甲", new_id_number(), "13700000001", employment="快递员"),
            row("乙", new_id_number(), "13700000002"),
            row("王五", former.reveal_id_number(), "13700000003"),
        ]
    )

    def run():
        record = start_import(clerk, tree["g1"], content)
        record = confirm_import(record, clerk, "valid_only")
        assert (record.status, record.new_count) == ("done", 3), record.problem

    recounted = recounted_after(run, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert recounted == {tree["g1"].pk, tree["g3"].pk}
    assert_current(tree)


def test_the_refresh_runs_as_the_job_after_the_commit_not_before(counted, clerks, django_capture_on_commit_callbacks):
    tree = counted
    member = Member.objects.filter(union=tree["g2"]).first()
    before = refreshed_at()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.member_update(member=member, by=clerks["g2"], employment_type=EmploymentType.STREAMER)
    # nothing recounted inside the transaction; one job queued for after it
    assert refreshed_at() == before and len(callbacks) == 1
    assert celery_app.conf.task_always_eager
    callbacks[0]()
    assert {pk for pk, at in refreshed_at().items() if at != before[pk]} == {tree["g2"].pk}


def test_a_signal_for_no_union_queues_nothing(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        signals.changed(None)
        signals.changed()
    assert callbacks == []


def test_a_signal_for_every_union_recounts_them_all(counted, django_capture_on_commit_callbacks):
    tree = counted
    recounted = recounted_after(
        signals.changed_everywhere, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert recounted == {tree["g1"].pk, tree["g2"].pk, tree["g3"].pk}


def test_invalidate_makes_cached_dashboards_stale_after_the_commit(tree, django_capture_on_commit_callbacks):
    before = tallies.version()
    with django_capture_on_commit_callbacks(execute=True):
        tallies.invalidate()
        assert tallies.version() == before
    assert tallies.version() == before + 1


def test_moving_a_union_makes_cached_dashboards_stale(tree, django_capture_on_commit_callbacks):
    # given the city's figures cached, g1's members counted under d1
    Member.objects.bulk_create(quick_member(tree["g1"]) for _ in range(2))
    tallies.refresh()
    assert dashboard.figures(tree["city"])["children"][0]["members"] == 2
    # when a city administrator moves g1 under d2's street
    admin = staff(R.CITY_ADMIN, tree["city"])
    with django_capture_on_commit_callbacks(execute=True):
        union_move(union=tree["g1"], new_parent=tree["s2"], by=admin)
    # then the city's league table shows them under d2 at once, not five minutes later
    members = {row["name"]: row["members"] for row in dashboard.figures(tree["city"])["children"]}
    assert (members["东城区总工会"], members["西城区总工会"]) == (0, 2)


# --- 3. the cost of a refresh -------------------------------------------------------------------------
def city_of(unions: int, members_each: int) -> list[Union]:
    city = make_city(f"市{next(_hashes)}")
    district = make_child(city, K.DISTRICT_FEDERATION)
    holders = [make_child(district, K.GRASSROOTS_UNION) for _ in range(unions)]
    today = timezone.localdate()
    Member.objects.bulk_create(
        quick_member(
            u,
            joined_on=today - datetime.timedelta(days=31 * (i % 30)),
            status="left" if i % 5 == 0 else "active",
            ended_on=today if i % 5 == 0 else None,
        )
        for u in holders
        for i in range(members_each)
    )
    return holders


def queries_of(action) -> int:
    from django.db import connection

    with CaptureQueriesContext(connection) as context:
        action()
    return len(context)


def test_a_refresh_is_a_fixed_number_of_queries_whatever_the_unions_and_members(db):
    few = city_of(1, 2)
    many = city_of(30, 40)
    one = queries_of(lambda: tallies.refresh([few[0].pk]))
    thirty = queries_of(lambda: tallies.refresh([u.pk for u in many]))
    everything = queries_of(tallies.refresh)
    assert one == thirty == everything
    assert one <= 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_union_at_once_take_turns():
    # given a union with members, and a refresh of it that has counted but not yet committed
    city = make_city()
    union = make_child(make_child(city, K.DISTRICT_FEDERATION), K.GRASSROOTS_UNION)
    Member.objects.bulk_create(quick_member(union, joined_on=timezone.localdate()) for _ in range(3))
    counted, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                tallies.refresh([union.pk])
                counted.set()
                release.wait(10)
        finally:
            connections.close_all()

    def second():
        try:
            counted.wait(10)
            tallies.refresh([union.pk])
        except Exception as exc:  # noqa: BLE001 - any failure of the second refresh is the finding
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    # when the second one starts meanwhile, it waits for the first to commit
    counted.wait(10)
    threads[1].join(1)
    assert threads[1].is_alive()
    release.set()
    for thread in threads:
        thread.join(10)
    # then both succeed, one after the other, and the union has one row and one month
    assert errors == []
    assert UnionTally.objects.get(union=union).members == 3
    assert list(UnionMonth.objects.filter(union=union).values_list("joins", flat=True)) == [3]


# --- 5. the nightly rebuild and the command ---------------------------------------------------------------
def test_the_nightly_rebuild_is_scheduled_and_names_a_registered_task(db):
    task = PeriodicTask.objects.get(name="reports: rebuild dashboard summary data")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_month) == ("10", "1", "*")
    celery_app.loader.import_default_modules()
    assert task.task in celery_app.tasks
    assert task.args in ("", "[]")  # no unions named: every union


def test_the_nightly_task_recounts_every_union(counted, django_capture_on_commit_callbacks):
    UnionTally.objects.all().delete()
    from reports.tasks import refresh_tallies

    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_tallies.delay().get() == 3
    assert_current(counted)


def test_manage_py_refresh_tallies_recounts_every_union(counted, capsys, django_capture_on_commit_callbacks):
    UnionTally.objects.all().delete()
    UnionMonth.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refresh_tallies")
    assert "3 unions counted" in capsys.readouterr().out
    assert_current(counted)
