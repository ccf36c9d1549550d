"""The summary of a competition of 2,000 entries: its figures in a fixed number of queries, its ranking cut at
the first places (the entries workbook has them all). How long it takes is printed, not asserted."""

import datetime
import time
from decimal import Decimal

import pytest

from campaigns import summary
from campaigns.models import Competition, Entry

pytestmark = pytest.mark.django_db

SIZE = 2000


def test_a_two_thousand_entry_summary_takes_a_fixed_number_of_queries(
    tree, competition, clerk1, django_assert_max_num_queries
):
    start = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    Entry.objects.bulk_create(
        Entry(
            competition=competition,
            union=tree["g1"],
            kind=Entry.Kind.INDIVIDUAL,
            name=f"选手{n:04d}",
            unit_name="东城机械厂",
            person_times=1,
            status=Entry.Status.ACCEPTED,
            entered_by=clerk1,
            entered_at=start + datetime.timedelta(minutes=n),
            final_score=Decimal(100) - Decimal(n) / 100,
            rank=n + 1,
        )
        for n in range(SIZE)
    )
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.CLOSED)
    summary.summary_pdf(Competition.objects.get(pk=competition.pk))  # WeasyPrint's fonts loaded once per process
    began = time.perf_counter()
    with django_assert_max_num_queries(12):
        context = summary.context(competition)
    queried = time.perf_counter() - began
    content = summary.summary_pdf(competition)
    took = time.perf_counter() - began - queried
    assert content.startswith(b"%PDF") and len(context["ranking"]) == summary.RANKING_ROWS
    print(f"summary of {SIZE} entries: context {queried:.2f} s, PDF {took:.2f} s, {len(content)} bytes")
