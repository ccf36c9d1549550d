"""The cadres app at the scale city's size: 5,000 cadres, five years of classes (45,000 attendance rows a
year), 400 secondments and stays, 60 task forces, written by ``seed_scale``.

Three steps, each in a fresh process (``bench.harness.measure``):

- ``step_cadre_pages``: the cadre list (first page, filtered, deep), a cadre's page, the hours ledger of
  the city and of a district for a year, and the other lists a cadre officer opens, measured as
  ``bench.pages`` measures the member pages (p50/p95 of in-process requests under production settings,
  queries, their own SQL replayed), with the Django admin's Cadre changelist beside the list. A page
  whose route is not there yet is listed under ``missing`` instead of failing the bench;
- ``step_ledger``: ``cadres.ledger.ledger_rows`` for every cadre in post in the city, cold (the first call
  in a fresh process) and again, for this year (open, computed) and last year (closed, frozen);
- ``step_attendance_import``: an attendance sheet of 10,000 rows (2,000 cadres × 5 days) checked and
  imported through ``cadres.services.sheets``, then the same file again (refused: nothing counted twice).
  The class it makes is removed afterwards, so a run over a reused database measures the same.
"""

import datetime
import io
import random
import time
from urllib.parse import urlencode

SEED = 20261203
OFFICER = "scale-cadre-city"
DISTRICT_OFFICER = "scale-cadre-district-01"
PER_PAGE = 50  # cadres.views.profiles.PER_PAGE
ADMIN_PAGE_SIZE = 100
DEEP_PAGE = 50  # page 50 of 50 rows: the list reads past 2,450 cadres
SHEET_CADRES, SHEET_DAYS = 2_000, 5
PAGE_TARGET_MS = 50
SQL_RATIO_TARGET = 3
LEDGER_TARGET_S = 1.0
SLOW_PAGE_S, SLOW_RUNS = 1.0, 5


def _reverse(name: str, *args, query: dict | None = None) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


def _grant_admin(user) -> None:
    """The admin changelist needs is_staff (set by ``prepare_user``) and the view permission."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="cadres", codename="view_cadre"))


def _scope_root(user):
    """The top node of a cadre officer's scope."""
    from cadres.permissions import CADRE_STAFF_KINDS
    from unions.models import Union
    from unions.scope import scope_paths

    paths = scope_paths(user, CADRE_STAFF_KINDS)
    if not paths:
        raise RuntimeError(f"{user.username} holds no cadre officer's role")
    return Union.objects.get(path=sorted(paths)[0])


def _busiest_cadre(city):
    """The cadre in post with the most records: enrolments, then the rest (a long page)."""
    from django.db.models import Count

    from cadres.models import Cadre

    return (
        Cadre.objects.filter(union__path__startswith=city.path, status=Cadre.Status.IN_POST)
        .annotate(n=Count("enrolments"))
        .order_by("-n", "pk")
        .first()
    )


def step_cadre_pages(runs: int = 30, warmup: int = 3) -> dict:
    from django.test import Client
    from django.utils import timezone

    from bench.harness import note
    from bench.pages import get, measure_scenario, prepare_settings, prepare_user
    from cadres.models import Cadre
    from members.management.commands._scale import CITY_NAME
    from unions.models import Union

    setup: dict = {"settings": prepare_settings()}
    scenarios: dict[str, dict] = {}
    admin: dict[str, dict] = {}
    missing: list[str] = []
    city = Union.objects.get(depth=1, name=CITY_NAME)
    year = timezone.localdate().year
    clients, roots = {}, {}
    for key, username in (("city", OFFICER), ("district", DISTRICT_OFFICER)):
        user, _done = prepare_user(username, admin=True)
        _grant_admin(user)
        client = Client()
        client.force_login(user)
        clients[key], roots[key] = client, _scope_root(user)
    in_post = Cadre.objects.filter(union__path__startswith=city.path, status=Cadre.Status.IN_POST).count()
    setup["cadres"] = {"all": Cadre.objects.filter(union__path__startswith=city.path).count(), "in_post": in_post}

    def run(name: str, key: str, url: str | None, route: str) -> dict | None:
        if url is None:
            missing.append(route)
            return None
        # A page that takes seconds is timed fewer times: its figure is clear, and the run stays short.
        started = time.perf_counter()
        clients[key].get(url, secure=True)
        slow = time.perf_counter() - started > SLOW_PAGE_S
        note(name + (" (slow: fewer runs)" if slow else ""))
        scenarios[name] = measure_scenario(
            name, clients[key], get(url), runs=min(runs, SLOW_RUNS) if slow else runs, warmup=0 if slow else warmup
        )
        return scenarios[name]

    def pair(name: str, key: str, query: dict) -> None:
        url = _reverse("admin:cadres_cadre_changelist", query=query)
        if name not in scenarios or url is None:
            return
        note(name + " · admin")
        figures = measure_scenario(name + " · admin", clients[key], get(url), runs=runs, warmup=warmup)
        portal = scenarios[name]["p50_ms"]
        admin[name] = {
            "admin_url": url,
            "portal_p50_ms": portal,
            "portal_queries": scenarios[name]["queries"],
            "admin_p50_ms": figures["p50_ms"],
            "admin_p95_ms": figures["p95_ms"],
            "admin_queries": figures["queries"],
            "admin_sql_ms": figures["sql_ms"],
            "ratio_admin_vs_portal": round(figures["p50_ms"] / portal, 2) if portal else None,
        }

    # --- the cadre list, beside the admin (in post; list_display: name 1 … in_post_since 8) ------------
    page = max(1, min(DEEP_PAGE, in_post // PER_PAGE))
    lists = [
        ("first page", {}, {}),
        ("rank 乡科级", {"rank": "township_section"}, {"rank__exact": "township_section"}),
        ("young", {"young": "true"}, None),  # the admin has no filter of a computed age
        ("name search", {"q": "王"}, {"q": "王"}),
        ("deep page", {"page": page}, {"p": (page - 1) * PER_PAGE // ADMIN_PAGE_SIZE + 1}),
    ]
    setup["deep_page"] = page
    for label, params, admin_params in lists:
        name = f"cadre list · city · {label}"
        run(name, "city", _reverse("cadres:cadre_list", query=params), "cadres:cadre_list")
        if admin_params is not None:
            pair(name, "city", {"status__exact": "in_post", **admin_params})
    name = "cadre list · district · first page"
    run(name, "district", _reverse("cadres:cadre_list"), "cadres:cadre_list")
    pair(name, "district", {"status__exact": "in_post"})

    # --- one cadre -------------------------------------------------------------------------------------
    cadre = _busiest_cadre(city)
    setup["cadre"] = {"id": cadre.pk, "enrolments": cadre.n}
    run("cadre page · city", "city", _reverse("cadres:cadre_detail", cadre.pk), "cadres:cadre_detail")

    # --- the ledger: the city and a district, this year (computed) and last year (closed) --------------
    for key, label in (("city", "city"), ("district", "district")):
        for which, y in (("this year", year), ("last year, closed", year - 1)):
            url = _reverse("cadres:ledger", query={"union": roots[key].pk, "year": y})
            run(f"ledger · {label} · {which}", key, url, "cadres:ledger")

    # --- the other lists an officer opens --------------------------------------------------------------
    for route, label in (
        ("cadres:class_list", "class list"),
        ("cadres:external_list", "external training list"),
        ("cadres:secondment_list", "secondment list"),
        ("cadres:stay_list", "stay list"),
        ("cadres:task_force_list", "task force list"),
        ("cadres:round_list", "assessment rounds"),
        ("cadres:rotation_due", "rotation due"),
    ):
        run(f"{label} · city", "city", _reverse(route), route)
    from cadres.models import AssessmentRound, TrainingClass

    current = AssessmentRound.objects.filter(union=city, year=year).first()
    if current is not None:
        run(
            "assessment round · city · this year",
            "city",
            _reverse("cadres:round_detail", current.pk),
            "cadres:round_detail",
        )
    biggest = (
        TrainingClass.objects.filter(organiser=city, status=TrainingClass.Status.FINISHED)
        .order_by("-starts_on")
        .first()
    )
    if biggest is not None:
        run("class page · city", "city", _reverse("cadres:class_detail", biggest.pk), "cadres:class_detail")
    return {"scenarios": scenarios, "admin": admin, "missing": sorted(set(missing)), "setup": setup, "runs": runs}


def step_ledger() -> dict:
    """``ledger_rows`` for every cadre in post in the city: this year cold (first call in the process),
    then warm; last year (closed) likewise."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cadres.ledger import ledger_rows
    from cadres.models import Cadre
    from members.management.commands._scale import CITY_NAME
    from unions.models import Union

    year = timezone.localdate().year
    city = Union.objects.get(depth=1, name=CITY_NAME)
    cadres = Cadre.objects.filter(union__path__startswith=city.path, status=Cadre.Status.IN_POST).order_by(
        "union__path", "name", "id"
    )
    figures: dict = {}
    for label, y in (("this_year", year), ("last_year_closed", year - 1)):
        for temperature in ("cold", "warm"):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                rows = ledger_rows(cadres, y)
                seconds = time.perf_counter() - started
            sql = sum(float(q["time"]) for q in queries.captured_queries)
            figures[f"{label}_{temperature}"] = {
                "year": y,
                "seconds": round(seconds, 3),
                "sql_seconds": round(sql, 3),
                "queries": len(queries.captured_queries),
                "rows": len(rows),
                "short": sum(row.short > 0 for row in rows),
            }
    return figures


def _sheet(enrolled: list, start: datetime.date) -> bytes:
    """The attendance sheet's columns (姓名, 手机号码, 日期, 签到时间, 签退时间), a row per cadre and day."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("签到表")
    sheet.append(["姓名", "手机号码", "日期", "签到时间", "签退时间"])
    rng = random.Random(SEED)
    for day in range(SHEET_DAYS):
        on = (start + datetime.timedelta(days=day)).isoformat()
        for name, mobile in enrolled:
            sheet.append([name, mobile, on, f"08:{rng.randrange(20, 59):02d}", f"17:{rng.randrange(30, 59):02d}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def step_attendance_import() -> dict:
    """Check and import a sheet of SHEET_CADRES × SHEET_DAYS rows into an open class of the city."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.models import User
    from cadres.models import Attendance, Cadre, CadreImport, Enrolment, TrainingClass
    from cadres.services.sheets import attendance_sheet_check, attendance_sheet_import
    from members.management.commands._scale import CITY_NAME
    from unions.models import Union

    officer = User.objects.get(username=OFFICER)
    city = Union.objects.get(depth=1, name=CITY_NAME)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=SHEET_DAYS - 1)
    training_class = TrainingClass.objects.create(
        organiser=city, title="规模测试签到表导入培训班", category="union_work", starts_on=start, ends_on=today,
        credit_hours=Decimal(SHEET_DAYS * 7), status=TrainingClass.Status.OPEN, created_by=officer,
    )  # fmt: skip
    try:
        cadres = list(
            Cadre.objects.filter(union__path__startswith=city.path, status=Cadre.Status.IN_POST)
            .order_by("pk")
            .values_list("pk", "name", "mobile")[:SHEET_CADRES]
        )
        Enrolment.objects.bulk_create(Enrolment(training_class=training_class, cadre_id=pk) for pk, _n, _m in cadres)
        content = _sheet([(name, mobile) for _pk, name, mobile in cadres], start)
        upload = SimpleUploadedFile("签到表.xlsx", content)
        started = time.perf_counter()
        sheet = attendance_sheet_check(training_class=training_class, upload=upload, by=officer)
        check_seconds = time.perf_counter() - started
        started = time.perf_counter()
        sheet = attendance_sheet_import(sheet=sheet, mode=CadreImport.Mode.ALL_OR_NOTHING, by=officer)
        import_seconds = time.perf_counter() - started
        written = Attendance.objects.filter(enrolment__training_class=training_class).count()
        try:
            attendance_sheet_check(
                training_class=training_class, upload=SimpleUploadedFile("签到表.xlsx", content), by=officer
            )
            again = "accepted"
        except ValidationError:
            again = "refused"
        after = Attendance.objects.filter(enrolment__training_class=training_class).count()
        return {
            "rows": len(cadres) * SHEET_DAYS,
            "file_kb": round(len(content) / 1024, 1),
            "check_seconds": round(check_seconds, 2),
            "import_seconds": round(import_seconds, 2),
            "seconds": check_seconds + import_seconds,
            "errors": sheet.error_count,
            "imported": sheet.imported_count,
            "attendance_written": written,
            "same_file_again": again,
            "attendance_after_again": after,
        }
    finally:
        training_class.delete()


# --- run.py's part ------------------------------------------------------------------------------------
def measure_cadres(runs: int) -> dict:
    from bench.harness import measure, note

    note("cadres: pages")
    figures = {"pages": measure("bench.cadres:step_cadre_pages", runs=runs)}
    note("cadres: ledger_rows for the city, cold and warm")
    figures["ledger"] = measure("bench.cadres:step_ledger")
    note(f"cadres: attendance sheet of {SHEET_CADRES * SHEET_DAYS:,} rows, checked and imported")
    figures["attendance_import"] = measure("bench.cadres:step_attendance_import")
    figures["targets"] = targets(figures)
    return figures


def targets(figures: dict) -> list[dict]:
    rows = []
    for name, page in figures["pages"]["scenarios"].items():
        shown = f"p95 {page['p95_ms']:.1f} ms, {page['queries']} queries, SQL {page['sql_ms']:.1f} ms"
        rows.append({"target": f"page p95 < {PAGE_TARGET_MS} ms: {name}", "met": page["p95_ms"] < PAGE_TARGET_MS,
                     "figure": shown})  # fmt: skip
        ratio = page["django_overhead_ratio"]
        rows.append({"target": f"page ≤ {SQL_RATIO_TARGET}× its own SQL: {name}",
                     "met": ratio is not None and ratio <= SQL_RATIO_TARGET, "figure": f"{ratio}×"})  # fmt: skip
    for route in figures["pages"].get("missing", []):
        rows.append({"target": f"page measured: {route}", "met": False, "figure": "route not there yet"})
    cold = figures["ledger"]["this_year_cold"]
    rows.append({"target": f"ledger_rows of {cold['rows']:,} cadres cold < {LEDGER_TARGET_S:.0f} s",
                 "met": cold["seconds"] < LEDGER_TARGET_S, "figure": f"{cold['seconds']:.2f} s"})  # fmt: skip
    sheet = figures["attendance_import"]
    rows.append({
        "target": f"attendance sheet of {sheet['rows']:,} rows imported once, nothing counted twice",
        "met": sheet["attendance_written"] == sheet["rows"] and sheet["same_file_again"] == "refused"
        and sheet["attendance_after_again"] == sheet["rows"],
        "figure": f"check {sheet['check_seconds']:.1f} s + import {sheet['import_seconds']:.1f} s; again: {sheet['same_file_again']}",
    })  # fmt: skip
    return rows


def table(figures: dict) -> list[str]:
    from bench import pages

    lines = pages.table(figures["pages"])
    if figures["pages"].get("missing"):
        lines.append("not measured (route missing): " + ", ".join(figures["pages"]["missing"]))
    lines.append("")
    for label, row in figures["ledger"].items():
        if not isinstance(row, dict):
            continue
        lines.append(
            f"ledger_rows {label:<22} {row['rows']:>6,} cadres  {row['seconds']:>6.2f} s  "
            f"(SQL {row['sql_seconds']:.2f} s, {row['queries']} queries, {row['short']:,} short)"
        )
    sheet = figures["attendance_import"]
    lines.append(
        f"attendance sheet {sheet['rows']:,} rows ({sheet['file_kb']:,.0f} KB): check {sheet['check_seconds']:.1f} s, "
        f"import {sheet['import_seconds']:.1f} s, peak {sheet['peak_rss_mb']:.0f} MB; "
        f"{sheet['attendance_written']:,} written; the same file again: {sheet['same_file_again']}"
    )
    return lines
