"""The cadres bench (bench/cadres.py): its steps run over a small scale city, and its targets and table
read the figures they produce."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench import cadres as bench
from cadres.models import Attendance, TrainingClass

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def city():
    call_command("seed_scale", members=2000, unions=40, today=timezone.localdate(), stdout=io.StringIO())


def test_the_attendance_import_step_imports_once_and_cleans_up(city, monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(bench, "SHEET_CADRES", 30)
    classes = TrainingClass.objects.count()
    attendance = Attendance.objects.count()
    figures = bench.step_attendance_import()
    assert figures["rows"] == 30 * bench.SHEET_DAYS
    assert figures["attendance_written"] == figures["rows"] == figures["imported"]
    assert figures["errors"] == 0
    assert figures["same_file_again"] == "refused" and figures["attendance_after_again"] == figures["rows"]
    # The class it made is gone again: a rerun measures the same.
    assert TrainingClass.objects.count() == classes and Attendance.objects.count() == attendance


def test_the_ledger_step_times_this_year_and_a_closed_one(city):
    figures = bench.step_ledger()
    this_year, closed = figures["this_year_cold"], figures["last_year_closed_cold"]
    assert this_year["year"] == timezone.localdate().year and closed["year"] == this_year["year"] - 1
    assert this_year["rows"] > 0 and this_year["rows"] == closed["rows"]
    assert this_year["queries"] <= 8


def test_targets_and_table_read_the_figures():
    page = {"url": "/cadres/", "runs": 3, "p50_ms": 20.0, "p95_ms": 30.0, "queries": 9, "sql_ms": 10.0,
            "django_overhead_ratio": 2.0}  # fmt: skip
    slow = {**page, "p95_ms": 80.0, "django_overhead_ratio": 4.5}
    figures = {
        "pages": {"scenarios": {"cadre list · city · first page": page, "ledger · city · this year": slow},
                  "admin": {}, "missing": ["cadres:round_detail"]},
        "ledger": {"this_year_cold": {"year": 2026, "seconds": 0.4, "sql_seconds": 0.2, "queries": 5, "rows": 5000,
                                      "short": 3000}},
        "attendance_import": {"rows": 10000, "file_kb": 300.0, "check_seconds": 2.0, "import_seconds": 0.5,
                              "peak_rss_mb": 200.0, "attendance_written": 10000, "same_file_again": "refused",
                              "attendance_after_again": 10000},
    }  # fmt: skip
    met = {row["target"]: row["met"] for row in bench.targets(figures)}
    assert met["page p95 < 50 ms: cadre list · city · first page"]
    assert met["page ≤ 3× its own SQL: cadre list · city · first page"]
    assert not met["page p95 < 50 ms: ledger · city · this year"]
    assert not met["page ≤ 3× its own SQL: ledger · city · this year"]
    assert not met["page measured: cadres:round_detail"]
    assert met["ledger_rows of 5,000 cadres cold < 1 s"]
    assert met["attendance sheet of 10,000 rows imported once, nothing counted twice"]
    text = "\n".join(bench.table(figures))
    assert "cadre list · city · first page" in text and "cadres:round_detail" in text and "10,000 rows" in text
