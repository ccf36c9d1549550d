"""The honours at the scale city's size: five rounds of the city, each of 1,500 nominations with 8 files
and 500 awards, 3,000 model workers in the register, written by ``seed_scale`` after the competitions
(``campaigns/management/commands/_scale_honours.py``). This year's round is in its public notice (500
nominees); the largest district has about a hundred nominations passed at its first review, waiting to
be forwarded.

Three steps, each in a fresh process (``bench.harness.measure``):

- ``step_seed_honours``: the honours alone written again (their tables emptied; the same seed and day),
  timed by part;
- ``step_honour_pages``: a level's review list (the district's staff, ``campaigns:review_list``), a
  nomination's page (``campaigns:nomination_detail``), the public notice page of 500 nominees
  (``campaigns:public_notice``, anonymous, its throttle raised so that the runs are not refused), the
  register searched by name (the city's staff, ``campaigns:register?q=``), measured as ``bench.pages``
  measures the member pages (p50/p95 of in-process requests under production settings, queries, their
  own SQL replayed). A route not built yet (404) is listed under ``missing``;
- ``step_forward``: the district's passed list forwarded with the ratio check
  (``campaigns.services.reviews.list_forward``) in a transaction rolled back afterwards, and
  ``campaigns.structure.ratio_failures`` over the same list on its own.
"""

import time
from urllib.parse import urlencode

DISTRICT_STAFF = "scale-district-01-staff"
CITY_STAFF = "scale-city-staff-1"
PAGE_TARGET_MS = 50
SQL_RATIO_TARGET = 3
FORWARD_TARGET_S = 1.0
SLOW_PAGE_S, SLOW_RUNS = 1.0, 5
# The page the targets name (p95 < 50 ms, ≤ 3× its own SQL); the others are measured and shown.
TARGETED = ("public notice",)


def _reverse(name: str, *args, query: dict | None = None) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def _current_round():
    from campaigns.models import Round

    return Round.objects.select_related("organiser").filter(status=Round.Status.NOTICE).order_by("-year").first()


def _bench_node():
    from unions.models import Role

    return Role.objects.select_related("union").get(user__username=DISTRICT_STAFF).union


# --- the seed -------------------------------------------------------------------------------------------
def step_seed_honours() -> dict:
    """Empty the honours tables and write them again as ``seed_scale`` does (same seed, today)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from campaigns.management.commands._scale_honours import TABLES, seed_scale_honours

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        started = time.perf_counter()
        figures = seed_scale_honours(timezone.localdate())
        written = time.perf_counter() - started
    committed = time.perf_counter() - started
    if not connection.in_atomic_block:  # inside a test's transaction there is nothing to vacuum yet
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    parts = figures.pop("seconds")
    return {
        "figures": figures,
        "parts_seconds": parts,
        "write_seconds": round(written, 2),
        "commit_seconds": round(committed - written, 2),
    }


# --- pages ----------------------------------------------------------------------------------------------
def step_honour_pages(runs: int = 30, warmup: int = 3) -> dict:
    from django.conf import settings
    from django.test import Client

    from bench.harness import note
    from bench.pages import get, measure_scenario, prepare_settings, prepare_user
    from campaigns.models import Honour, Nomination, PublicNotice

    # The public page's throttle (per IP) would refuse the runs from one address: the bench measures the
    # page, the throttle's own cost (a Redis counter) stays in.
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "notice_public": "100000/m/ip"}
    setup: dict = {"settings": prepare_settings()}
    scenarios: dict[str, dict] = {}
    missing: list[str] = []
    round_ = _current_round()
    node = _bench_node()
    notice = PublicNotice.objects.filter(round=round_).order_by("-id").first()
    nomination = (
        Nomination.objects.filter(round=round_, first_node=node, status=Nomination.Status.NOTICE).order_by("pk").first()
        or Nomination.objects.filter(round=round_, first_node=node).order_by("pk").first()
    )
    holder = Honour.objects.order_by("pk").values_list("holder_name", flat=True).first() or ""
    query = holder[:2]
    setup.update(
        rounds=round_.__class__.objects.count(),
        nominations=Nomination.objects.count(),
        honours=Honour.objects.count(),
        notice={"id": notice.pk, "nominees": notice.nominations.count()},
        district={"id": node.pk, "submitted": Nomination.objects.filter(round=round_, first_node=node,
                                                                        status=Nomination.Status.SUBMITTED).count()},
        register_query=query,
        register_matches=Honour.objects.filter(holder_name__contains=query).count(),
    )  # fmt: skip
    clients = {"anonymous": Client()}
    for key, username in (("district", DISTRICT_STAFF), ("city", CITY_STAFF)):
        user, _done = prepare_user(username, admin=False)
        client = Client()
        client.force_login(user)
        clients[key] = client

    def run(name: str, key: str, url: str | None, route: str, expect_text: str | None = None) -> None:
        if url is None:
            missing.append(route)
            return
        started = time.perf_counter()
        response = clients[key].get(url, secure=True)
        if response.status_code == 404:  # the part's page is not built yet (the placeholder answers 404)
            missing.append(route)
            return
        slow = time.perf_counter() - started > SLOW_PAGE_S
        note(name + (" (slow: fewer runs)" if slow else ""))
        scenarios[name] = measure_scenario(
            name, clients[key], get(url), runs=min(runs, SLOW_RUNS) if slow else runs, warmup=0 if slow else warmup,
            expect_text=expect_text,
        )  # fmt: skip

    route = "campaigns:review_list"
    run("review list · district staff", "district", _reverse(route), route)
    route = "campaigns:nomination_detail"
    run("nomination page · district staff", "district", _reverse(route, nomination.pk), route)
    route = "campaigns:public_notice"
    run(f"public notice · {notice.nominations.count()} nominees", "anonymous", _reverse(route, notice.token), route)
    route = "campaigns:register"
    run("register search by name · city staff", "city", _reverse(route, query={"q": query}), route, query)
    run("register · city staff · first page", "city", _reverse(route), route)
    return {"scenarios": scenarios, "missing": sorted(set(missing)), "setup": setup, "runs": runs}


# --- forwarding -----------------------------------------------------------------------------------------
def step_forward() -> dict:
    """The district's passed list forwarded with the ratio check, rolled back; the ratio check alone."""
    from django.core.exceptions import ValidationError
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from campaigns.models import Nomination

    round_ = _current_round()
    node = _bench_node()
    level = Nomination.objects.filter(round=round_, first_node=node)
    waiting = level.filter(status=Nomination.Status.FIRST_PASSED)
    figures: dict = {"round": round_.pk, "node": node.pk, "passed": waiting.count(), "missing": []}
    try:
        from campaigns.structure import ratio_failures
    except ImportError:
        figures["missing"].append("campaigns.structure.ratio_failures")
        ratio_failures = None
    try:
        from campaigns.services.reviews import list_forward
    except ImportError:
        figures["missing"].append("campaigns.services.reviews.list_forward")
        list_forward = None
    if ratio_failures is not None:
        listed = level.filter(status__in=[Nomination.Status.FIRST_PASSED, *Nomination.ALIVE[2:]])
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            failures = ratio_failures(round_, listed)
            figures["ratio_seconds"] = round(time.perf_counter() - started, 4)
        figures["ratio_queries"] = len(queries.captured_queries)
        figures["ratio_failures"] = [str(f) for f in failures]
        figures["listed"] = listed.count()
    if list_forward is not None:
        by = User.objects.get(username=DISTRICT_STAFF)
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                try:
                    forwarding = list_forward(round=round_, node=node, by=by)
                    figures["forwarded"] = forwarding.count
                except ValidationError as refusal:
                    figures["refused"] = [str(m) for m in refusal.messages]
                figures["forward_seconds"] = round(time.perf_counter() - started, 3)
            figures["forward_queries"] = len(queries.captured_queries)
            transaction.set_rollback(True)  # the next run forwards the same list
    return figures


# --- run.py's part --------------------------------------------------------------------------------------
def measure_honours(runs: int) -> dict:
    from bench.harness import measure, note

    note("honours: written again (seed, by part)")
    figures = {"seed": measure("bench.honours:step_seed_honours")}
    note("honours: pages")
    figures["pages"] = measure("bench.honours:step_honour_pages", runs=runs)
    note("honours: the largest district's passed list forwarded with the ratio check")
    figures["forward"] = measure("bench.honours:step_forward")
    figures["targets"] = targets(figures)
    return figures


def targets(figures: dict) -> list[dict]:
    rows = []
    for name, page in figures["pages"]["scenarios"].items():
        if not name.startswith(TARGETED):
            continue
        shown = f"p95 {page['p95_ms']:.1f} ms, {page['queries']} queries, SQL {page['sql_ms']:.1f} ms"
        rows.append({"target": f"page p95 < {PAGE_TARGET_MS} ms: {name}", "met": page["p95_ms"] < PAGE_TARGET_MS,
                     "figure": shown})  # fmt: skip
        ratio = page["django_overhead_ratio"]
        rows.append({"target": f"page ≤ {SQL_RATIO_TARGET}× its own SQL: {name}",
                     "met": ratio is not None and ratio <= SQL_RATIO_TARGET, "figure": f"{ratio}×"})  # fmt: skip
    for route in figures["pages"].get("missing", []):
        rows.append({"target": f"page measured: {route}", "met": False, "figure": "page not built yet (404)"})
    forward = figures["forward"]
    if "forward_seconds" in forward:
        outcome = f"{forward['forwarded']} forwarded" if "forwarded" in forward else "refused"
        rows.append({"target": f"a district's list forwarded with the ratio check < {FORWARD_TARGET_S:.0f} s "
                               f"({forward['passed']} passed)",
                     "met": forward["forward_seconds"] < FORWARD_TARGET_S,
                     "figure": f"{forward['forward_seconds']:.3f} s, {forward['forward_queries']} queries, {outcome}"})  # fmt: skip
    for name in forward.get("missing", []):
        rows.append({"target": f"measured: {name}", "met": False, "figure": "not there yet"})
    return rows


def table(figures: dict) -> list[str]:
    from bench import pages

    seed = figures["seed"]
    counts = ", ".join(f"{k} {v:,}" for k, v in seed["figures"].items())
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in seed["parts_seconds"].items())
    lines = [
        f"seed (written again): {seed['seconds']:.1f} s in its process, {counts}",
        f"  by part: {parts}; commit {seed['commit_seconds']:.1f} s",
        "",
        *pages.table(figures["pages"]),
    ]
    if figures["pages"].get("missing"):
        lines.append("not measured (page not built yet): " + ", ".join(figures["pages"]["missing"]))
    forward = figures["forward"]
    lines.append("")
    if "ratio_seconds" in forward:
        failures = "; ".join(forward["ratio_failures"]) or "none"
        lines.append(f"ratio check over the district's list of {forward['listed']:,}: {forward['ratio_seconds'] * 1000:.1f} ms, "
                     f"{forward['ratio_queries']} queries, failures: {failures}")  # fmt: skip
    if "forward_seconds" in forward:
        outcome = (f"{forward['forwarded']:,} forwarded" if "forwarded" in forward
                   else "refused: " + "; ".join(forward["refused"]))  # fmt: skip
        lines.append(f"list forwarded (rolled back): {forward['forward_seconds']:.3f} s, "
                     f"{forward['forward_queries']} queries, {outcome}")  # fmt: skip
    if forward.get("missing"):
        lines.append("not measured (not there yet): " + ", ".join(forward["missing"]))
    return lines
