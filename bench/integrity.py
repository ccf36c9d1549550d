"""The integrity app at the scale city's size: about 26,500 talks over five years (5,000 routine and 300
other talks a year), their rectification items and four-forms entries, 500 responsibility letters a
year, 400 opinion letters, written by ``seed_scale`` after the cadres.

Four steps, each in a fresh process (``bench.harness.measure``):

- ``step_seed_integrity``: the integrity records alone written again (the tables emptied, the same seed
  and day), timed by part, with what the encryption of the content fields costs of it;
- ``step_tracker``: ``integrity.tracker`` for the city and this year: the uncovered cadres and the
  coverage by child node, cold (the first call in a fresh process) and warm;
- ``step_integrity_pages``: the tracker page, the talk list (first page, filtered, a district's), a
  cadre's record page (the cadre with the most talks), a talk's page and the other lists a discipline
  officer opens, measured as ``bench.pages`` measures the member pages (p50/p95 of in-process requests
  under production settings, queries, their own SQL replayed). A route not there yet is listed under
  ``missing`` instead of failing the bench;
- ``step_opinion_issue``: ``integrity.services.opinions.opinion_issue`` for opinion letters asked for
  through ``opinion_request``, each after its record page was shown (the service refuses otherwise):
  the page and the issue timed; the letters made are removed afterwards.
"""

import statistics
import time
from urllib.parse import urlencode

OFFICER = "scale-discipline-city"
DISTRICT_OFFICER = "scale-discipline-district-01"
REQUESTER = "scale-cadre-city"
PAGE_TARGET_MS = 50
SQL_RATIO_TARGET = 3
TRACKER_TARGET_S = 1.0
ISSUES = 10
SLOW_PAGE_S, SLOW_RUNS = 1.0, 5
# Which pages the issue's targets name (p95 < 50 ms, ≤ 3× own SQL); the others are measured and shown.
TARGETED = ("talk list", "cadre record")


def _reverse(name: str, *args, query: dict | None = None) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def _city():
    from members.management.commands._scale import CITY_NAME
    from unions.models import Union

    return Union.objects.get(depth=1, name=CITY_NAME)


# --- the seed -------------------------------------------------------------------------------------------
def step_seed_integrity() -> dict:
    """Empty the integrity tables and write them again as ``seed_scale`` does (same seed, today)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from integrity.management.commands._scale_integrity import TABLES, seed_scale_integrity
    from members.pii import encrypt

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            tables = [*TABLES, "integrity_talkcorrection", "integrity_lettertemplate", "integrity_letterbatch"]
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        started = time.perf_counter()
        figures = seed_scale_integrity(timezone.localdate())
        written = time.perf_counter() - started
    committed = time.perf_counter() - started
    if not connection.in_atomic_block:  # inside a test's transaction there is nothing to vacuum yet
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
    # What one encryption costs (Fernet, the personal-data key), and how many values the seed encrypted.
    sample = "重申中央八项规定精神和廉洁纪律要求，提醒在工会经费使用、评先评优和物资采购中严守规矩。"
    started = time.perf_counter()
    for _n in range(5_000):
        encrypt(sample)
    per_value_us = (time.perf_counter() - started) / 5_000 * 1e6
    with connection.cursor() as cursor:
        counts = {}
        for table, columns in (
            ("integrity_talk", ("reason", "content", "statement", "opinion")),
            ("integrity_rectification", ("text", "evidence")),
            ("integrity_fourformsentry", ("note",)),
            ("integrity_responsibilityletter", ("items",)),
            ("integrity_opinionletter", ("remarks",)),
        ):
            present = " + ".join(f"({column} <> '')::int" for column in columns)
            cursor.execute(f"SELECT {present} FROM {table}")  # noqa: S608 - fixed names
            counts[table] = sum(row[0] for row in cursor.fetchall())
    values = sum(counts.values())
    parts = figures.pop("seconds")
    return {
        "figures": figures,
        "parts_seconds": parts,
        "write_seconds": round(written, 2),
        "commit_seconds": round(committed - written, 2),
        "encrypted_values": values,
        "encrypt_us_per_value": round(per_value_us, 1),
        "encryption_seconds": round(values * per_value_us / 1e6, 2),
    }


# --- the tracker ----------------------------------------------------------------------------------------
def step_tracker() -> dict:
    """The city's uncovered cadres (listed in full) and coverage by child node, cold then warm."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from integrity.tracker import cadres_counted, coverage_by_child, uncovered_cadres

    city = _city()
    year = timezone.localdate().year
    figures: dict = {"year": year}
    for temperature in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            uncovered = list(uncovered_cadres([city.path], year))
            rows = coverage_by_child(city, year)
            seconds = time.perf_counter() - started
        figures[temperature] = {
            "seconds": round(seconds, 3),
            "sql_seconds": round(sum(float(q["time"]) for q in queries.captured_queries), 3),
            "queries": len(queries.captured_queries),
            "uncovered": len(uncovered),
            "child_rows": len(rows),
        }
    figures["counted"] = cadres_counted([city.path], year).count()
    return figures


# --- pages ----------------------------------------------------------------------------------------------
def step_integrity_pages(runs: int = 30, warmup: int = 3) -> dict:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from bench.harness import note
    from bench.pages import get, measure_scenario, prepare_settings, prepare_user
    from cadres.models import Cadre
    from integrity.models import OpinionLetter, Talk

    setup: dict = {"settings": prepare_settings()}
    scenarios: dict[str, dict] = {}
    missing: list[str] = []
    city = _city()
    year = timezone.localdate().year
    clients = {}
    for key, username in (("city", OFFICER), ("district", DISTRICT_OFFICER)):
        user, _done = prepare_user(username, admin=False)
        client = Client()
        client.force_login(user)
        clients[key] = client
    setup["talks"] = Talk.objects.count()

    def run(name: str, key: str, url: str | None, route: str) -> None:
        if url is None:
            missing.append(route)
            return
        started = time.perf_counter()
        clients[key].get(url, secure=True)
        slow = time.perf_counter() - started > SLOW_PAGE_S
        note(name + (" (slow: fewer runs)" if slow else ""))
        scenarios[name] = measure_scenario(
            name, clients[key], get(url), runs=min(runs, SLOW_RUNS) if slow else runs, warmup=0 if slow else warmup
        )

    run("tracker · city · this year", "city", _reverse("integrity:tracker", query={"year": year}), "integrity:tracker")
    run("tracker · district · this year", "district", _reverse("integrity:tracker", query={"year": year}),
        "integrity:tracker")  # fmt: skip
    for label, params in (
        ("first page", {}),
        ("admonishment talks", {"kind": "admonishment"}),
        ("this year", {"year": year}),
    ):
        run(f"talk list · city · {label}", "city", _reverse("integrity:talk_list", query=params), "integrity:talk_list")
    run("talk list · district · first page", "district", _reverse("integrity:talk_list"), "integrity:talk_list")

    busiest = (
        Cadre.objects.filter(union__path__startswith=city.path, status=Cadre.Status.IN_POST)
        .annotate(n=Count("talks"))
        .order_by("-n", "pk")
        .first()
    )
    setup["cadre"] = {"id": busiest.pk, "talks": busiest.n}
    run("cadre record · city", "city", _reverse("integrity:cadre_record", busiest.pk), "integrity:cadre_record")
    talk = Talk.objects.filter(cadre=busiest).exclude(status=Talk.Status.DRAFT).order_by("-held_on").first()
    if talk is not None:
        run("talk page · city", "city", _reverse("integrity:talk_detail", talk.pk), "integrity:talk_detail")
    for route, label in (
        ("integrity:rectification_list", "rectification list"),
        ("integrity:letter_list", "letter list"),
        ("integrity:opinion_list", "opinion queue"),
        ("integrity:four_forms_list", "four-forms register"),
        ("integrity:education_list", "education list"),
        ("integrity:cadre_list", "cadre list"),
    ):
        run(f"{label} · city", "city", _reverse(route), route)
    waiting = OpinionLetter.objects.filter(status=OpinionLetter.Status.REQUESTED).order_by("-requested_at").first()
    if waiting is not None:
        run("opinion page · city", "city", _reverse("integrity:opinion_detail", waiting.pk), "integrity:opinion_detail")
    return {"scenarios": scenarios, "missing": sorted(set(missing)), "setup": setup, "runs": runs}


# --- issuing an opinion letter --------------------------------------------------------------------------
def step_opinion_issue(count: int = ISSUES) -> dict:
    """Ask for ``count`` letters (commendation) on cadres without one, show each one's page (which records
    that the record was shown), then issue it through the service; remove what was made."""
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from bench.pages import prepare_settings, prepare_user
    from cadres.models import Cadre
    from integrity.models import OpinionLetter
    from integrity.services.opinions import opinion_issue, opinion_request

    prepare_settings()
    city = _city()
    officer, _done = prepare_user(OFFICER, admin=False)
    requester = User.objects.get(username=REQUESTER)
    today = timezone.localdate()
    asked = OpinionLetter.objects.filter(purpose=OpinionLetter.Purpose.COMMENDATION).values("cadre_id")
    cadres = list(
        Cadre.objects.filter(union__path__startswith=city.path, status=Cadre.Status.IN_POST)
        .exclude(pk__in=asked)
        .order_by("pk")[:count]
    )
    client = Client()
    client.force_login(officer)
    made, request_ms, page_ms, issue_ms = [], [], [], []
    try:
        for cadre in cadres:
            started = time.perf_counter()
            letter = opinion_request(
                cadre=cadre, purpose=OpinionLetter.Purpose.COMMENDATION, by=requester, note="规模测试"
            )
            request_ms.append((time.perf_counter() - started) * 1000)
            made.append(letter.pk)
            url = _reverse("integrity:opinion_detail", letter.pk)
            if url is None:
                from accounts.audit import record
                from integrity import kinds

                record(kinds.OPINION_RECORD_SHOWN, actor=officer, union=cadre.union, target=letter)
            else:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                page_ms.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
            started = time.perf_counter()
            issued = opinion_issue(letter=letter, by=officer, conclusion=OpinionLetter.Conclusion.NO_PROBLEM,
                                   remarks="经查阅廉政档案，未发现违纪问题。", as_of=today)  # fmt: skip
            issue_ms.append((time.perf_counter() - started) * 1000)
            if issued.status != OpinionLetter.Status.ISSUED or not issued.number:
                raise RuntimeError(f"opinion letter {letter.pk} was not issued")
    finally:
        OpinionLetter.objects.filter(pk__in=made).delete()

    def summary(values: list[float]) -> dict | None:
        if not values:
            return None
        return {"p50_ms": round(statistics.median(values), 1), "max_ms": round(max(values), 1), "n": len(values)}

    return {"letters": len(made), "request": summary(request_ms), "page": summary(page_ms), "issue": summary(issue_ms)}


# --- run.py's part --------------------------------------------------------------------------------------
def measure_integrity(runs: int) -> dict:
    from bench.harness import measure, note

    note("integrity: the records written again (seed, by part)")
    figures = {"seed": measure("bench.integrity:step_seed_integrity")}
    note("integrity: the tracker of the city, cold and warm")
    figures["tracker"] = measure("bench.integrity:step_tracker")
    note("integrity: pages")
    figures["pages"] = measure("bench.integrity:step_integrity_pages", runs=runs)
    note(f"integrity: {ISSUES} opinion letters asked for, shown and issued")
    figures["opinion_issue"] = measure("bench.integrity:step_opinion_issue", count=ISSUES)
    figures["targets"] = targets(figures)
    return figures


def targets(figures: dict) -> list[dict]:
    rows = []
    cold = figures["tracker"]["cold"]
    rows.append({"target": f"tracker of the city cold < {TRACKER_TARGET_S:.0f} s ({figures['tracker']['counted']:,} cadres)",
                 "met": cold["seconds"] < TRACKER_TARGET_S,
                 "figure": f"{cold['seconds']:.2f} s, {cold['queries']} queries, {cold['uncovered']:,} uncovered"})  # fmt: skip
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
        rows.append({"target": f"page measured: {route}", "met": False, "figure": "route not there yet"})
    issue = figures["opinion_issue"]
    rows.append({"target": f"opinion letter issued ({issue['letters']} letters)",
                 "met": issue["letters"] == ISSUES and issue["issue"] is not None,
                 "figure": f"issue p50 {issue['issue']['p50_ms']} ms" if issue["issue"] else "none issued"})  # fmt: skip
    return rows


def table(figures: dict) -> list[str]:
    from bench import pages

    seed = figures["seed"]
    counts = ", ".join(f"{k} {v:,}" for k, v in seed["figures"].items())
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in seed["parts_seconds"].items())
    lines = [
        f"seed (written again): {seed['seconds']:.1f} s in its process, {counts}",
        f"  by part: {parts}; commit {seed['commit_seconds']:.1f} s",
        f"  encryption: {seed['encrypted_values']:,} values × {seed['encrypt_us_per_value']} µs = "
        f"{seed['encryption_seconds']:.1f} s",
    ]
    tracker = figures["tracker"]
    for temperature in ("cold", "warm"):
        row = tracker[temperature]
        lines.append(
            f"tracker {temperature}: {row['seconds']:.3f} s (SQL {row['sql_seconds']:.3f} s, {row['queries']} queries) "
            f"{row['uncovered']:,} uncovered of {tracker['counted']:,}, {row['child_rows']} rows by child"
        )
    lines += ["", *pages.table(figures["pages"])]
    if figures["pages"].get("missing"):
        lines.append("not measured (route missing): " + ", ".join(figures["pages"]["missing"]))
    issue = figures["opinion_issue"]
    lines.append("")
    for label in ("request", "page", "issue"):
        row = issue[label]
        if row:
            lines.append(f"opinion letter {label}: p50 {row['p50_ms']} ms, max {row['max_ms']} ms ({row['n']} letters)")
    return lines
