#!/usr/bin/env python
"""The city-scale bench (``make bench``): a million members, every page and job, side by side.

    make bench                       # 1,000,000 members: seed (minutes), then every scenario
    make bench BENCH_ARGS=--quick    # 100,000 members and smaller jobs, for a development machine

It works in its own database, ``unionportal_bench``, on the PostgreSQL server DATABASE_URL names
(dropped, created and seeded with ``seed_scale`` on every run; ``--reuse-database`` keeps a seeded
one), with Redis as the cache when it answers. Each job runs in a fresh process, so its wall time and
peak memory are its own. Prints a table and writes ``bench/results.json``; bench/README.md explains
every figure and records the last full run.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import cadres, campaigns, dashboard, harness, honours, integrity, roster  # noqa: E402
from bench.harness import configure, ensure_database, machine, measure, note  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
SEED = 2026
USERS = {
    "city": "scale-city-admin",
    "district": "scale-district-01-staff",
    "union": "scale-clerk-largest",
    "leader": "scale-leader-city",
    "leader_district": "scale-leader-district-01",
}
BENCH_REDIS = "redis://127.0.0.1:6379/5"


def use_redis() -> str:
    """Redis is the production cache: use it when it answers, in a database of the bench's own
    (``BENCH_REDIS_URL``), never ``REDIS_URL``'s: the bench empties it."""
    url = os.environ.get("BENCH_REDIS_URL") or BENCH_REDIS
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()  # the bench's own database: queued jobs and cached pages of an earlier run
    except Exception:  # noqa: BLE001 - any failure means no Redis: the local-memory cache then
        note(f"Redis at {url} does not answer: using the local-memory cache")
        os.environ.pop("REDIS_URL", None)
        return ""
    os.environ["REDIS_URL"] = url
    return url


def step_seed(members: int, seed: int) -> dict:
    """What ``manage.py seed_scale`` does, in its own process, so its time and memory are a job's."""
    from campaigns.management.commands import _scale_campaigns, _scale_honours
    from integrity.management.commands import _scale_integrity
    from members.management.commands._scale import Plan, seed_city

    figures = seed_city(Plan(members=members, seed=seed), log=note)
    # The integrity records written in the same transaction (members_seeded): their counts and seconds.
    figures["integrity"] = dict(_scale_integrity.LAST_FIGURES)
    figures["campaigns"] = dict(_scale_campaigns.LAST_FIGURES)
    figures["honours"] = dict(_scale_honours.LAST_FIGURES)
    return figures


def scale_nodes() -> dict:
    """The nodes the scenarios use: the city, its largest district, the largest union."""
    from members.management.commands._scale import CITY_NAME
    from members.models import Member
    from unions.models import Role, Union

    city = Union.objects.get(depth=1, name=CITY_NAME)
    district = Role.objects.get(user__username=USERS["district"]).union
    union = Role.objects.get(user__username=USERS["union"]).union
    user = Role.objects.get(user__username=USERS["city"]).user
    return {
        "city": city.pk,
        "district": district.pk,
        "union": union.pk,
        "city_admin": user.pk,
        "members": Member.objects.count(),
        "unions": Union.objects.count(),
    }


def seeded_members() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM members_member")
        return cursor.fetchone()[0]


def main(args) -> dict:
    import django

    url = configure()
    cache = use_redis()
    ensure_database(url, fresh=not args.reuse_database)
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    note("migrating the bench database; collecting static files (production settings serve them hashed)")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    results: dict = {
        "date": timezone.localdate().isoformat(),
        "machine": {**machine(), "cache": "redis" if cache else "local memory"},
        "arguments": {"members": args.members, "quick": args.quick, "runs": args.runs},
    }
    if args.reuse_database and seeded_members() >= args.members:
        note("reusing the seeded city")
    else:
        note(f"seed_scale --members {args.members:,}")
        results["seed"] = measure("bench.run:step_seed", members=args.members, seed=SEED)
    nodes = scale_nodes()
    results["nodes"] = nodes
    if args.cadres_only:
        results["cadres"] = cadres.measure_cadres(args.runs)
        results["targets"] = results["cadres"]["targets"]
        return results
    if args.integrity_only:
        results["integrity"] = integrity.measure_integrity(args.runs)
        results["targets"] = results["integrity"]["targets"]
        return results
    if args.campaigns_only:
        results["campaigns"] = campaigns.measure_campaigns(args.runs)
        results["targets"] = results["campaigns"]["targets"]
        return results
    if args.honours_only:
        results["honours"] = honours.measure_honours(args.runs)
        results["targets"] = results["honours"]["targets"]
        return results

    note("pages")
    results["pages"] = measure("bench.pages:step_pages", users=USERS, runs=args.runs, quick=args.quick)
    note("dashboard figures")
    results["dashboard"] = measure(
        "bench.dashboard:step_dashboard", city=nodes["city"], district=nodes["district"], union=nodes["union"]
    )
    results["rosters"] = roster.measure_rosters(
        city=nodes["city"],
        user=nodes["city_admin"],
        rows=args.import_rows,
        xlsx_rows=args.xlsx_rows,
        plain_rows=args.plain_rows,
        profile=args.profile,
    )
    results["jobs"] = measure_jobs(nodes, args)
    results["cadres"] = cadres.measure_cadres(args.runs)
    results["integrity"] = integrity.measure_integrity(args.runs)
    results["campaigns"] = campaigns.measure_campaigns(args.runs)
    # After the campaigns' seed step (its TRUNCATE … CASCADE empties the honours too): written again first.
    results["honours"] = honours.measure_honours(args.runs)
    results["targets"] = (
        targets(results)
        + results["cadres"]["targets"]
        + results["integrity"]["targets"]
        + results["campaigns"]["targets"]
        + results["honours"]["targets"]
    )
    return results


def measure_jobs(nodes: dict, args) -> dict:
    from django.utils import timezone

    from bench import jobs
    from reports.statistics import previous_month

    month = previous_month(timezone.localdate())
    figures: dict = {}
    for label in ("city", "district"):
        note(f"monthly PDF report of the {label} for {month}")
        figures[f"monthly_pdf_{label}"] = measure("bench.jobs:step_monthly_pdf", union=nodes[label], month=month)
    note(f"reminders: {args.reminders:,} due items")
    figures["reminders_due"] = jobs.prepare_reminders(args.reminders)
    # The same moment for both: an item crossing a due line in between would change the count.
    figures["reminders"] = measure("bench.jobs:step_reminders", now=figures["reminders_due"]["now"])
    # The city goes back to its seeded applications, so a run with --reuse-database measures the same.
    jobs.remove_added_applications()
    return figures


# --- targets --------------------------------------------------------------------------------------
PAGE_TARGET_MS = 50


def targets(results: dict) -> list[dict]:
    """The issue's targets, each with its figure: met or missed (a miss is explained in the README)."""
    rows = []
    for name, page in results["pages"]["scenarios"].items():
        if name.startswith("dashboard"):
            continue
        rows.append(
            _target(f"page p95 < {PAGE_TARGET_MS} ms: {name}", page["p95_ms"] < PAGE_TARGET_MS, _page_figure(page))
        )
    for name, page in results["pages"]["scenarios"].items():
        if name.startswith("dashboard"):
            limit = PAGE_TARGET_MS if "warm" in name else 1000
            rows.append(_target(f"p95 < {limit} ms: {name}", page["p95_ms"] < limit, _page_figure(page)))
    rows += results["rosters"]["targets"]
    jobs = results["jobs"]
    for label in ("city", "district"):
        pdf = jobs[f"monthly_pdf_{label}"]
        rows.append(_target(f"monthly PDF of the {label} < 3 s", pdf["seconds"] < 3, f"{pdf['seconds']:.2f} s"))
    reminders = jobs["reminders"]
    due = jobs["reminders_due"]["total_due"]
    rows.append(
        _target(
            f"{due:,} due reminders dispatched < 60 s",
            reminders["first_seconds"] < 60,
            f"{reminders['first_seconds']:.1f} s",
        )
    )
    rows.append(
        _target(
            "no reminder twice (a second run makes none; no duplicate key)",
            reminders["second_created"] == 0 and reminders["duplicates"] == 0,
            f"second run created {reminders['second_created']}, duplicates {reminders['duplicates']}",
        )
    )
    return rows


def _page_figure(page: dict) -> str:
    return f"p95 {page['p95_ms']:.1f} ms, {page['queries']} queries"


def _target(name: str, met: bool, figure: str) -> dict:
    return {"target": name, "met": bool(met), "figure": figure}


# --- output ---------------------------------------------------------------------------------------
def table(results: dict) -> str:
    from bench import jobs, pages

    m, nodes = results["machine"], results["nodes"]
    lines = [
        f"City-scale bench {results['date']} · {m['cores']} cores, {m['memory_gib']} GiB · PostgreSQL "
        f"{m['postgresql']} · cache {m['cache']} · {nodes['members']:,} members in {nodes['unions']:,} unions",
    ]
    if "seed" in results:
        seed = results["seed"]
        lines.append(f"seed_scale: {seed['seconds']:.0f} s, peak {seed['peak_rss_mb']:.0f} MB")
    if "pages" in results:
        lines += ["", "## Pages (server time in-process, per request)", *pages.table(results["pages"])]
        lines += ["", "## Dashboard figures", *dashboard.table(results["dashboard"])]
        lines += ["", "## Rosters", *roster.table(results["rosters"])]
        lines += ["", "## Jobs", *jobs.table(results["jobs"])]
    if "cadres" in results:
        lines += ["", "## Cadres", *cadres.table(results["cadres"])]
    if "integrity" in results:
        lines += ["", "## Integrity", *integrity.table(results["integrity"])]
    if "campaigns" in results:
        lines += ["", "## Campaigns", *campaigns.table(results["campaigns"])]
    if "honours" in results:
        lines += ["", "## Honours", *honours.table(results["honours"])]
    lines += ["", "## Targets"]
    for target in results["targets"]:
        lines.append(f"[{'met' if target['met'] else 'MISSED':6}] {target['target']}: {target['figure']}")
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 members and smaller jobs")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30, help="requests per page scenario")
    parser.add_argument("--profile", action="store_true", help="also profile the roster dry run and import")
    parser.add_argument(
        "--reuse-database", action="store_true", help=f"keep a seeded {harness.BENCH_DATABASE} (no new seed)"
    )
    parser.add_argument("--cadres-only", action="store_true", help="only the cadres app's pages and jobs")
    parser.add_argument(
        "--integrity-only",
        action="store_true",
        help="only the integrity app's seed, tracker, pages and opinion letters",
    )
    parser.add_argument(
        "--campaigns-only",
        action="store_true",
        help="only the campaigns app's seed, pages and the closing of the 2,000-entry competition",
    )
    parser.add_argument(
        "--honours-only",
        action="store_true",
        help="only the honours' seed, pages and the forwarding of a district's list",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    # The job sizes; --quick divides them by ten.
    args.import_rows, args.xlsx_rows, args.plain_rows, args.reminders = 100_000, 100_000, 5_000, 50_000
    if args.quick:
        args.members = min(args.members, 100_000)
        args.import_rows, args.xlsx_rows, args.plain_rows, args.reminders = 10_000, 10_000, 2_000, 5_000
        args.runs = min(args.runs, 15)
    return args


if __name__ == "__main__":
    arguments = parse_args()
    started = time.perf_counter()
    figures = main(arguments)
    figures["total_seconds"] = round(time.perf_counter() - started)
    arguments.output.write_text(json.dumps(figures, ensure_ascii=False, indent=1, default=str) + "\n")
    print(table(figures))
    print(f"\n{figures['total_seconds']} s in all; written to {arguments.output}")
