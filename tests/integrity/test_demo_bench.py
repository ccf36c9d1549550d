"""The integrity bench (bench/integrity.py): its steps run over a small scale city (the seed written again
the same, the tracker, opinion letters issued and removed), and its targets and table read the figures."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench import integrity as bench
from integrity.models import OpinionLetter, Talk

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def city():
    call_command("seed_scale", members=2000, unions=40, today=timezone.localdate(), stdout=io.StringIO())


def test_the_seed_step_writes_the_same_records_again_and_counts_the_encryption(city):
    before = list(Talk.objects.order_by("id").values_list("cadre_id", "kind", "held_on", "status"))
    figures = bench.step_seed_integrity()
    assert list(Talk.objects.order_by("id").values_list("cadre_id", "kind", "held_on", "status")) == before
    assert figures["figures"]["routine_talks"] + figures["figures"]["other_talks"] == len(before)
    # Four content fields a talk, each encrypted once; the estimate is the count times one encryption.
    assert figures["encrypted_values"] >= 4 * len(before)
    assert figures["encrypt_us_per_value"] > 0 and figures["encryption_seconds"] > 0
    assert set(figures["parts_seconds"]) >= {"routine_talks", "other_talks", "letters", "opinions", "total"}


def test_the_tracker_step_times_the_city_cold_and_warm(city):
    figures = bench.step_tracker()
    cold, warm = figures["cold"], figures["warm"]
    assert figures["year"] == timezone.localdate().year
    assert 0 < cold["uncovered"] == warm["uncovered"] < figures["counted"]
    assert cold["queries"] <= 4 and cold["child_rows"] > 0


def test_the_opinion_step_issues_through_the_service_and_cleans_up(city, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STAFF_MFA_REQUIRED = False
    settings.DEBUG = True  # static files without collectstatic's manifest (the bench's run collects them)
    letters = OpinionLetter.objects.count()
    figures = bench.step_opinion_issue(count=3)
    assert figures["letters"] == 3 and figures["issue"]["n"] == 3
    assert figures["page"] is None or figures["page"]["n"] == 3
    assert OpinionLetter.objects.count() == letters


def test_targets_and_table_read_the_figures():
    page = {"url": "/integrity/talks/", "runs": 3, "p50_ms": 20.0, "p95_ms": 30.0, "queries": 9, "sql_ms": 10.0,
            "django_overhead_ratio": 2.0}  # fmt: skip
    slow = {**page, "p95_ms": 80.0, "django_overhead_ratio": 4.5}
    figures = {
        "seed": {"seconds": 20.0, "figures": {"routine_talks": 25000}, "parts_seconds": {"routine_talks": 9.0},
                 "commit_seconds": 1.0, "encrypted_values": 120000, "encrypt_us_per_value": 16.0,
                 "encryption_seconds": 1.9},
        "tracker": {"year": 2026, "counted": 4739, "cold": {"seconds": 0.3, "sql_seconds": 0.2, "queries": 3,
                    "uncovered": 950, "child_rows": 23}, "warm": {"seconds": 0.1, "sql_seconds": 0.1, "queries": 3,
                    "uncovered": 950, "child_rows": 23}},
        "pages": {"scenarios": {"talk list · city · first page": page, "cadre record · city": slow,
                                "letter list · city": slow}, "missing": ["integrity:talk_detail"]},
        "opinion_issue": {"letters": bench.ISSUES, "request": {"p50_ms": 9.0, "max_ms": 12.0, "n": 10},
                          "page": {"p50_ms": 40.0, "max_ms": 60.0, "n": 10},
                          "issue": {"p50_ms": 15.0, "max_ms": 20.0, "n": 10}},
    }  # fmt: skip
    met = {row["target"]: row["met"] for row in bench.targets(figures)}
    assert met["tracker of the city cold < 1 s (4,739 cadres)"]
    assert met["page p95 < 50 ms: talk list · city · first page"]
    assert met["page ≤ 3× its own SQL: talk list · city · first page"]
    assert not met["page p95 < 50 ms: cadre record · city"]
    assert not met["page ≤ 3× its own SQL: cadre record · city"]
    assert "page p95 < 50 ms: letter list · city" not in met  # measured and shown, not one of the issue's targets
    assert not met["page measured: integrity:talk_detail"]
    assert met[f"opinion letter issued ({bench.ISSUES} letters)"]
    text = "\n".join(bench.table(figures))
    assert "talk list · city · first page" in text and "integrity:talk_detail" in text and "950 uncovered" in text
