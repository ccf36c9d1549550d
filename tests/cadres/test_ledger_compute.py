"""The hours ledger against hand-computed cases (cadres.ledger)."""

import datetime
from decimal import Decimal as D

import pytest

from cadres import ledger
from cadres.models import Cadre, Enrolment, ExternalTraining, HoursRule, LedgerEntry, LedgerYear

from ..factories import UserFactory
from .factories import CadreFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_user(db):
    return UserFactory(username="organiser")


def credit(cadre, hours, year, officer_user, *, mode="in_person", status=Enrolment.Status.COMPLETED, organiser=None):
    """A class of ``hours`` ending in ``year``, the cadre enrolled with the given status."""
    training_class = TrainingClassFactory(
        organiser=organiser or cadre.union,
        created_by=officer_user,
        mode=mode,
        starts_on=datetime.date(year, 5, 10),
        ends_on=datetime.date(year, 5, 11),
        credit_hours=D(hours),
        status="finished",
    )
    credited = D(hours) if status == Enrolment.Status.COMPLETED else D(0)
    return Enrolment.objects.create(training_class=training_class, cadre=cadre, status=status, credited_hours=credited)


def external(cadre, hours, year, officer_user, *, mode="in_person", status=ExternalTraining.Status.APPROVED):
    return ExternalTraining.objects.create(
        cadre=cadre,
        title="外出培训",
        provider="省总工会干部学校",
        mode=mode,
        starts_on=datetime.date(year, 3, 1),
        ends_on=datetime.date(year, 3, 5),
        hours=D(hours),
        certificate="cadres/certificates/x.pdf",
        status=status,
        filed_by=officer_user,
    )


def row_of(cadre, year):
    (row,) = ledger.ledger_rows(Cadre.objects.filter(pk=cadre.pk), year)
    return row


def test_default_rules_are_in_force(db):
    assert ledger.rule_for("township_section", 2026).hours == 90
    assert ledger.rule_for("township_section", 2026).period_years == 1
    assert ledger.rule_for("county_division", 2026).hours == 550
    assert ledger.rule_for("county_division", 2026).period_years == 5


def test_rule_for_takes_the_latest_start_not_after_the_year(db):
    HoursRule.objects.create(rank="staff", starts_year=2025, hours=D(100), period_years=1)
    HoursRule.objects.create(rank="staff", starts_year=2028, hours=D(120), period_years=1)
    assert ledger.rule_for("staff", 2024).hours == 90
    assert ledger.rule_for("staff", 2025).hours == 100
    assert ledger.rule_for("staff", 2027).hours == 100
    assert ledger.rule_for("staff", 2028).hours == 120
    HoursRule.objects.all().delete()
    with pytest.raises(HoursRule.DoesNotExist):
        ledger.rule_for("staff", 2026)


def test_annual_90_hours_met(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"], rank="township_section")
    credit(cadre, "40", 2026, officer_user)
    credit(cadre, "30", 2026, officer_user)
    external(cadre, "20", 2026, officer_user)
    credit(cadre, "50", 2025, officer_user)  # another year: not this one's
    row = row_of(cadre, 2026)
    assert (row.owed, row.period_years) == (D(90), 1)
    assert (row.in_person, row.online, row.counted, row.short) == (D(90), D(0), D(90), D(0))
    assert not row.closed
    assert (row.name, row.union_id, row.union_name, row.rank) == (
        cadre.name,
        tree["g1"].pk,
        "东城机械厂工会",
        cadre.rank,
    )


def test_annual_90_hours_short(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    credit(cadre, "24", 2026, officer_user)
    credit(cadre, "12.5", 2026, officer_user, mode="online")
    row = row_of(cadre, 2026)
    assert (row.in_person, row.online, row.counted, row.short) == (D(24), D("12.5"), D("36.5"), D("53.5"))
    assert row.is_short


def test_hours_count_in_the_year_the_class_ends(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"])
    training_class = TrainingClassFactory(
        organiser=tree["g1"],
        created_by=officer_user,
        starts_on=datetime.date(2025, 12, 30),
        ends_on=datetime.date(2026, 1, 2),
        credit_hours=D(28),
    )
    Enrolment.objects.create(training_class=training_class, cadre=cadre, status="completed", credited_hours=D(28))
    assert row_of(cadre, 2025).in_person == 0
    assert row_of(cadre, 2026).in_person == 28


def test_rolling_five_years_for_county_division(tree, officer_user):
    """550 hours in every rolling five years: 2022..2026 counted for 2026, 2021 no longer."""
    cadre = CadreFactory(union=tree["d1"], rank="county_division")
    credit(cadre, "200", 2021, officer_user)
    credit(cadre, "100", 2022, officer_user)
    credit(cadre, "120", 2023, officer_user)
    external(cadre, "80", 2024, officer_user, mode="online")
    credit(cadre, "60", 2026, officer_user)
    row = row_of(cadre, 2026)
    assert (row.owed, row.period_years) == (D(550), 5)
    assert (row.in_person, row.online) == (D(60), D(0))  # the year itself
    assert row.counted == D(100 + 120 + 80 + 60)
    assert row.short == D(550 - 360)
    # 2025: 2021..2025 = 200 + 100 + 120 + 80 = 500
    row_2025 = row_of(cadre, 2025)
    assert (row_2025.in_person, row_2025.counted, row_2025.short) == (D(0), D(500), D(50))
    # 2027: 2023..2027 = 120 + 80 + 60 = 260
    assert row_of(cadre, 2027).counted == D(260)


def test_online_cap_annual(tree, officer_user):
    HoursRule.objects.filter(rank="staff").update(online_cap_percent=30)  # at most 27 of 90 online
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    credit(cadre, "50", 2026, officer_user)
    credit(cadre, "40", 2026, officer_user, mode="online")
    row = row_of(cadre, 2026)
    assert (row.in_person, row.online) == (D(50), D(40))  # done, uncapped
    assert (row.counted, row.short) == (D(77), D(13))


def test_online_cap_over_the_window(tree, officer_user):
    """The cap holds against the window's online total: 550 × 20 % = 110."""
    HoursRule.objects.filter(rank="county_division").update(online_cap_percent=20)
    cadre = CadreFactory(union=tree["d1"], rank="county_division")
    credit(cadre, "70", 2023, officer_user, mode="online")
    external(cadre, "70", 2025, officer_user, mode="online")
    credit(cadre, "300", 2026, officer_user)
    row = row_of(cadre, 2026)
    assert row.online == 0
    assert row.counted == D(300 + 110)
    assert row.short == D(140)


def test_online_cap_rounds_down_to_a_tenth(tree, officer_user):
    HoursRule.objects.filter(rank="staff").update(online_cap_percent=33)  # 29.7
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    credit(cadre, "40", 2026, officer_user, mode="online")
    assert row_of(cadre, 2026).counted == D("29.7")


def test_withdrawn_and_enrolled_count_nothing(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"])
    credit(cadre, "40", 2026, officer_user, status=Enrolment.Status.WITHDRAWN)
    credit(cadre, "40", 2026, officer_user, status=Enrolment.Status.ENROLLED)
    credit(cadre, "40", 2026, officer_user, status=Enrolment.Status.CANCELLED)
    row = row_of(cadre, 2026)
    assert (row.in_person, row.counted, row.short) == (D(0), D(0), D(90))


def test_external_approved_counts_returned_and_waiting_do_not(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"])
    external(cadre, "16", 2026, officer_user)
    external(cadre, "8", 2026, officer_user, mode="online")
    external(cadre, "30", 2026, officer_user, status=ExternalTraining.Status.RETURNED)
    external(cadre, "30", 2026, officer_user, status=ExternalTraining.Status.SUBMITTED)
    row = row_of(cadre, 2026)
    assert (row.in_person, row.online, row.counted) == (D(16), D(8), D(24))


def test_rule_change_from_a_year_on(tree, officer_user):
    HoursRule.objects.create(rank="staff", starts_year=2026, hours=D(100), period_years=1)
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    credit(cadre, "95", 2025, officer_user)
    credit(cadre, "95", 2026, officer_user)
    assert row_of(cadre, 2025).short == 0
    assert row_of(cadre, 2026).short == 5


def test_closed_year_reads_frozen_entries(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    credit(cadre, "30", 2025, officer_user)
    LedgerYear.objects.create(year=2025)
    LedgerEntry.objects.create(
        cadre=cadre,
        year=2025,
        rank="staff",
        union=tree["s1"],
        owed=D(90),
        in_person=D(30),
        online=D(0),
        counted=D(30),
        short=D(60),
    )
    credit(cadre, "50", 2025, officer_user)  # credited after closing (the services refuse it; frozen anyway)
    row = row_of(cadre, 2025)
    assert row.closed
    assert (row.in_person, row.counted, row.short) == (D(30), D(30), D(60))
    assert (row.union_id, row.union_name) == (tree["s1"].pk, tree["s1"].name)
    assert ledger.year_is_closed(2025) and not ledger.year_is_closed(2026)


def test_window_takes_a_closed_years_frozen_hours(tree, officer_user):
    cadre = CadreFactory(union=tree["d1"], rank="county_division")
    credit(cadre, "100", 2025, officer_user)
    LedgerYear.objects.create(year=2025)
    LedgerEntry.objects.create(
        cadre=cadre,
        year=2025,
        rank="county_division",
        union=tree["d1"],
        owed=D(550),
        in_person=D(100),
        online=D(0),
        counted=D(100),
        short=D(450),
    )
    credit(cadre, "200", 2025, officer_user)  # late: not counted in 2025 nor in the windows after it
    credit(cadre, "50", 2026, officer_user)
    row = row_of(cadre, 2026)
    assert not row.closed
    assert row.counted == D(150)


def test_cadre_years(tree, officer_user):
    cadre = CadreFactory(union=tree["g1"], rank="staff")
    credit(cadre, "90", 2024, officer_user)
    credit(cadre, "45", 2025, officer_user)
    rows = ledger.cadre_years(cadre, [2024, 2025, 2026])
    assert [(row.year, row.counted, row.short) for row in rows] == [
        (2024, D(90), D(0)),
        (2025, D(45), D(45)),
        (2026, D(0), D(90)),
    ]


def test_ranks_without_a_rule_get_no_row(tree, officer_user):
    HoursRule.objects.filter(rank="clerk").delete()
    CadreFactory(union=tree["g1"], rank="clerk")
    kept = CadreFactory(union=tree["g1"], rank="staff")
    rows = ledger.ledger_rows(Cadre.objects.all(), 2026)
    assert [row.cadre_id for row in rows] == [kept.pk]


def test_totals(tree, officer_user):
    first = CadreFactory(union=tree["g1"], rank="staff")
    second = CadreFactory(union=tree["g1"], rank="staff")
    credit(first, "100", 2026, officer_user)
    credit(second, "30", 2026, officer_user, mode="online")
    result = ledger.totals(ledger.ledger_rows(Cadre.objects.filter(pk__in=[first.pk, second.pk]), 2026))
    assert (result.cadres, result.short_cadres) == (2, 1)
    assert (result.owed, result.in_person, result.online, result.counted, result.short) == (
        D(180),
        D(100),
        D(30),
        D(130),
        D(60),
    )


def test_query_count_does_not_grow_with_cadres(tree, officer_user, django_assert_max_num_queries):
    for index in range(30):
        cadre = CadreFactory(
            union=tree["g1"] if index % 2 else tree["s2"], rank="staff" if index % 3 else "county_division"
        )
        credit(cadre, "10", 2026 - index % 5, officer_user, organiser=tree["city"])
        external(cadre, "5", 2026, officer_user, mode="online")
    LedgerYear.objects.create(year=2024)
    with django_assert_max_num_queries(5):
        rows = ledger.ledger_rows(Cadre.objects.select_related("union"), 2026)
    assert len(rows) == 30


def test_many_cadres_are_selected_by_their_query(tree, officer_user, monkeypatch):
    """Past ``ID_LIST_MAX`` cadres the hours and frozen entries are selected by the cadres' query:
    the same figures."""
    from cadres.services.ledger import ledger_year_close

    cadres = [CadreFactory(union=tree["g1"], rank="county_division") for _ in range(4)]
    for index, cadre in enumerate(cadres):
        credit(cadre, str(100 + index), 2024, officer_user)
        credit(cadre, "50", 2026, officer_user, mode="online")
    ledger_year_close(year=2024)
    credit(cadres[0], "300", 2024, officer_user)  # after closing: counts nowhere
    queryset = Cadre.objects.filter(pk__in=[cadre.pk for cadre in cadres]).order_by("pk")
    by_list = ledger.ledger_rows(queryset, 2026)
    monkeypatch.setattr(ledger, "ID_LIST_MAX", 2)
    by_query = ledger.ledger_rows(queryset, 2026)
    assert by_query == by_list
    assert [row.counted for row in by_query] == [D(150), D(151), D(152), D(153)]
    closed = ledger.ledger_rows(queryset, 2024)
    assert [(row.closed, row.in_person, row.union_name) for row in closed] == [
        (True, D(100 + i), "东城机械厂工会") for i in range(4)
    ]


def test_a_closed_year_that_did_not_list_a_cadre_counts_nothing_for_them(tree, officer_user):
    """Closing lists every cadre in post during the year; one it did not list (joined later) has no
    hours there, whatever was credited since."""
    LedgerYear.objects.create(year=2025)
    cadre = CadreFactory(union=tree["d1"], rank="county_division")
    credit(cadre, "100", 2025, officer_user)
    credit(cadre, "40", 2026, officer_user)
    assert row_of(cadre, 2026).counted == D(40)
    row = row_of(cadre, 2025)
    assert row.closed and row.in_person == 0
