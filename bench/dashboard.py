"""Dashboard figures at scale: the summary rebuild, a one-union refresh, and the figures cold and warm.

A step for ``bench/run.py`` (``make bench``): ``measure("bench.dashboard:step_dashboard", …)``. The
pages bench times the dashboard page itself; this one times what is under it.
"""

import statistics
import time


def timed(function, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    # Counted on one more call: capturing slows the timed calls a little.
    with CaptureQueriesContext(connection) as captured:
        function()
    times.sort()
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": len(captured),
    }


def step_dashboard(city: int, district: int, union: int, runs: int = 20) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from reports import dashboard, tallies
    from unions.models import Union

    today = timezone.localdate()
    nodes = {
        label: Union.objects.get(pk=pk) for label, pk in (("city", city), ("district", district), ("union", union))
    }
    steps: dict = {}
    start = time.perf_counter()
    counted = tallies.refresh()
    steps["full rebuild (tallies.refresh())"] = {"seconds": round(time.perf_counter() - start, 2), "unions": counted}
    steps["refresh one union (after an approval)"] = timed(lambda: tallies.refresh([union]), runs)
    for label, node in nodes.items():
        steps[f"figures cold: {label}"] = timed(
            lambda node=node: dashboard.compute(node, year=today.year, today=today), runs
        )
    cache.clear()
    dashboard.figures(nodes["city"])
    steps["figures warm: city (cache hit)"] = timed(lambda: dashboard.figures(nodes["city"]), runs)
    return {"steps": steps, "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def table(figures: dict) -> list[str]:
    lines = [f"{'step':48} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}"]
    for step, row in figures["steps"].items():
        if "seconds" in row:
            lines.append(f"{step:48} {row['seconds'] * 1000:>9.0f} {'':>9} {'':>8}  ({row['unions']:,} unions)")
        else:
            lines.append(f"{step:48} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f} {row['queries']:>8}")
    return lines
