#!/usr/bin/env python
"""How fast the leadership dashboard answers over the bench database's members, cold and warm.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal .venv/bin/python bench/dashboard.py [--runs 20]

Works in ``unionportal_bench`` as left by ``bench/roster.py`` (run that first: it builds about 1.1
million members); migrates it, rebuilds the summary data, and measures: the full rebuild, a refresh
of one union, the dashboard's figures computed cold (no cache) for the city, a district and a
union, and served warm (from the cache). Prints a table and writes ``bench/results-dashboard.json``.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.roster import CITY, EXPORT_DISTRICT, configure  # noqa: E402

RESULTS = ROOT / "bench" / "results-dashboard.json"


def timed(function, runs: int) -> dict:
    from django.db import connection, reset_queries

    times, queries = [], []
    for _ in range(runs):
        reset_queries()
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
        queries.append(len(connection.queries))
    times.sort()
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": max(queries),
    }


def main(runs: int) -> dict:
    configure()
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = True  # count queries (the timings include that small cost)
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from members.models import Member, Union
    from reports import dashboard, tallies

    today = timezone.localdate()
    city = Union.objects.get(name=CITY, depth=1)
    district = Union.objects.get(name=EXPORT_DISTRICT)
    union = Union.objects.filter(path__startswith=district.path, kind="grassroots_union").first()
    members = Member.objects.count()
    results = {"members": members, "unions": Union.objects.count(), "steps": {}}

    start = time.perf_counter()
    counted = tallies.refresh()
    results["steps"]["full rebuild (tallies.refresh())"] = {
        "seconds": round(time.perf_counter() - start, 2),
        "unions": counted,
    }
    results["steps"]["refresh one union (after an approval)"] = timed(lambda: tallies.refresh([union.pk]), runs)
    for label, node in (("city", city), ("district", district), ("union", union)):
        results["steps"][f"figures cold: {label}"] = timed(
            lambda node=node: dashboard.compute(node, year=today.year, today=today), runs
        )
    cache.clear()
    dashboard.figures(city)
    results["steps"]["figures warm: city (cache hit)"] = timed(lambda: dashboard.figures(city), runs)
    results["cache"] = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    results["postgresql"] = connection.cursor().connection.info.server_version
    return results


def report(results: dict) -> None:
    print(f"Dashboard bench · {results['members']:,} members, {results['unions']:,} unions · cache {results['cache']}")
    print(f"{'step':48} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
    for step, figures in results["steps"].items():
        if "seconds" in figures:
            print(f"{step:48} {figures['seconds'] * 1000:>9.0f} {'':>9} {'':>8}  ({figures['unions']:,} unions)")
        else:
            print(f"{step:48} {figures['p50_ms']:>9.1f} {figures['p95_ms']:>9.1f} {figures['queries']:>8}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    figures = main(args.runs)
    report(figures)
    RESULTS.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
