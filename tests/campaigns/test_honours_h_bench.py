"""The honours bench (bench/honours.py): its steps run over a small scale city (the seed written again the
same, the pages, the forwarding rolled back), and its targets and table read the figures."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench import honours as bench
from campaigns.models import Forwarding, Honour, Nomination, NominationReview

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def city(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_scale", members=2000, unions=40, today=timezone.localdate(), stdout=io.StringIO())


def test_the_seed_step_writes_the_same_records_again(city):
    before = list(Nomination.objects.order_by("id").values_list("nominee_name", "union_id", "kind_id", "status"))
    honours = list(Honour.objects.order_by("id").values_list("number", "person_key"))
    figures = bench.step_seed_honours()
    assert (
        list(Nomination.objects.order_by("id").values_list("nominee_name", "union_id", "kind_id", "status")) == before
    )
    assert list(Honour.objects.order_by("id").values_list("number", "person_key")) == honours
    assert figures["figures"]["nominations"] == len(before) and figures["figures"]["honours"] == len(honours)
    assert NominationReview.objects.count() == figures["figures"]["reviews"]
    assert set(figures["parts_seconds"]) >= {"rounds", "nominations", "files", "reviews", "register", "care", "total"}


def test_the_pages_step_measures_what_is_built_and_lists_the_rest(city, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.STAFF_MFA_REQUIRED = False
    settings.DEBUG = True  # static files without collectstatic's manifest (the bench's run collects them)
    figures = bench.step_honour_pages(runs=2, warmup=0)
    measured = {name.split(" · ")[0] for name in figures["scenarios"]}
    routes = {"review list": "campaigns:review_list", "nomination page": "campaigns:nomination_detail",
              "public notice": "campaigns:public_notice", "register search by name": "campaigns:register"}  # fmt: skip
    for label, route in routes.items():
        assert (label in measured) != (route in figures["missing"]), (label, figures["missing"])
    for page in figures["scenarios"].values():
        assert page["queries"] > 0 and page["p95_ms"] > 0
    setup = figures["setup"]
    assert setup["notice"]["nominees"] > 0 and setup["register_matches"] > 0 and setup["district"]["submitted"] > 0


def test_the_forward_step_measures_and_leaves_the_list_waiting(city):
    waiting = Nomination.objects.filter(status=Nomination.Status.FIRST_PASSED).count()
    forwardings = Forwarding.objects.count()
    figures = bench.step_forward()
    assert figures["passed"] > 0
    assert "ratio_seconds" in figures and figures["ratio_queries"] <= 3 and figures["listed"] >= figures["passed"]
    if "forward_seconds" in figures:
        assert figures.get("forwarded") == figures["passed"] or figures.get("refused")
    else:
        assert "campaigns.services.reviews.list_forward" in figures["missing"]
    # Rolled back: the next run forwards the same list.
    assert Nomination.objects.filter(status=Nomination.Status.FIRST_PASSED).count() == waiting
    assert Forwarding.objects.count() == forwardings


def test_targets_and_table_read_the_figures():
    page = {"url": "/campaigns/notice/x/", "runs": 3, "p50_ms": 20.0, "p95_ms": 30.0, "queries": 4,
            "sql_ms": 10.0, "django_overhead_ratio": 2.0}  # fmt: skip
    slow = {**page, "p95_ms": 80.0, "django_overhead_ratio": 4.5}
    figures = {
        "seed": {"seconds": 9.0, "figures": {"nominations": 7500, "honours": 4200},
                 "parts_seconds": {"nominations": 1.0}, "commit_seconds": 0.5},
        "pages": {"scenarios": {"public notice · 500 nominees": page, "review list · district staff": slow},
                  "missing": ["campaigns:register"]},
        "forward": {"round": 1, "node": 2, "passed": 100, "missing": [], "ratio_seconds": 0.004, "ratio_queries": 1,
                    "ratio_failures": [], "listed": 180, "forwarded": 100, "forward_seconds": 0.12,
                    "forward_queries": 14},
    }  # fmt: skip
    met = {row["target"]: row["met"] for row in bench.targets(figures)}
    assert met["page p95 < 50 ms: public notice · 500 nominees"]
    assert met["page ≤ 3× its own SQL: public notice · 500 nominees"]
    assert "page p95 < 50 ms: review list · district staff" not in met  # shown, not one of the targets
    assert not met["page measured: campaigns:register"]
    assert met["a district's list forwarded with the ratio check < 1 s (100 passed)"]
    slow_notice = {**figures, "pages": {"scenarios": {"public notice · 500 nominees": slow}, "missing": []}}
    met = {row["target"]: row["met"] for row in bench.targets(slow_notice)}
    assert not met["page p95 < 50 ms: public notice · 500 nominees"]
    assert not met["page ≤ 3× its own SQL: public notice · 500 nominees"]
    text = "\n".join(bench.table(figures))
    assert "public notice · 500 nominees" in text and "campaigns:register" in text
    assert "100 forwarded" in text and "failures: none" in text
