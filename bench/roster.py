#!/usr/bin/env python
"""Roster figures: the portal's import and export against django-import-export and the floor.

Steps for ``bench/run.py`` (``make bench``), which calls ``measure_rosters()`` on the scale city:
each step runs in a fresh process (``bench.harness.measure``), so its wall time and peak memory are
its own. bench/README.md says what each figure means.
"""

import datetime
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import WORK, measure, note  # noqa: E402

GENERATOR_VERSION = 1
SEED = 20261121

IMPORT_DISTRICT = "基准导入区总工会"
IMPORT_UNIONS = 40
# "Well under a minute" (issue 5), taken as half of one; the 5,000 rows/s target means 20 s anyway.
WELL_UNDER_A_MINUTE = 30

# The seeded members use other regions: every imported ID number is new to the city.
IMPORT_REGIONS = ("110101", "110105", "110108", "310104", "310115", "320102", "330106", "440305", "440106", "510107")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强红梅玉兰文斌春燕海燕小红晓东丹宇浩然子涵欣怡梓轩雨桐一诺思远佳怡俊杰"
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族", "壮族", "蒙古族")
POLITICAL = ("群众",) * 12 + ("中共党员",) * 3 + ("党员", "共青团员", "共青团员", "预备党员", "")
EDUCATION = ("本科", "本科", "大专", "大专", "高中", "中专", "初中", "硕士研究生", "")
EMPLOYMENT = ("正式职工",) * 14 + ("劳务派遣", "快递员", "外卖骑手", "网约车司机", "货车司机", "")


# --- data -----------------------------------------------------------------------------------------
def name_for(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def mobile_for(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def joined_for(born: datetime.date, rng: random.Random) -> datetime.date:
    start = max(datetime.date(born.year + 18, born.month, min(born.day, 28)), datetime.date(2000, 1, 1))
    end = datetime.date(2026, 6, 30)
    return start + datetime.timedelta(days=rng.randrange(max((end - start).days, 1)))


def roster_rows(n: int, union_names: list[str]) -> Iterator[list]:
    """Rows of a real-looking roster, in ``columns.COLUMNS`` order, with about 0.7% bad rows:
    wrong check characters, short mobiles, an ID repeated in the file, a union that does not exist."""
    from members.management.commands._scale import id_number_for

    rng = random.Random(SEED)
    ids: list[str] = []
    for i in range(n):
        number = id_number_for(i, IMPORT_REGIONS)
        ids.append(number)
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        r = i % 1000
        mobile = mobile_for(rng)
        union = union_names[i % len(union_names)]
        if r in (7, 507, 907):
            number = number[:17] + ("0" if number[17] != "0" else "1")
        elif r in (100, 600):
            mobile = mobile[:10]
        elif r == 333 and i > 1000:
            number = ids[i - 500]
        elif r == 444:
            union = "不存在的单位工会"
        elif r == 555:
            mobile = mobile.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        joined = joined_for(born, rng)
        style = i % 10
        if style < 4:
            joined_cell = joined.isoformat()
        elif style < 6:
            joined_cell = f"{joined.year}/{joined.month}/{joined.day}"
        elif style == 6:
            joined_cell = f"{joined.year}年{joined.month}月{joined.day}日"
        elif style < 9:
            joined_cell = joined
        else:
            joined_cell = f"{joined:%Y%m%d}"
        sex = ("男" if int(number[16]) % 2 else "女") if i % 3 == 0 and number[16].isdigit() else ""
        yield [
            name_for(rng),
            sex,
            number,
            mobile,
            rng.choice(ETHNICITIES),
            rng.choice(POLITICAL),
            rng.choice(EDUCATION),
            rng.choice(EMPLOYMENT),
            union.removesuffix("工会") + "有限公司",
            rng.choice(("是", "否", "否", "")),
            "是" if rng.random() < 0.03 else "否",
            joined_cell,
            union,
        ]


def write_roster(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    from members.roster.columns import COLUMNS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append([column.zh for column in COLUMNS])
    for cells in rows:
        sheet.append(cells)
    tmp = path.with_suffix(".part")
    workbook.save(tmp)
    tmp.rename(path)


def roster_files(rows: int, plain_rows: int, union_names: list[str]) -> tuple[Path, Path]:
    """The roster of ``rows`` rows and its first ``plain_rows`` rows, generated once and kept."""
    full = WORK / f"roster-v{GENERATOR_VERSION}-{rows}.xlsx"
    head = WORK / f"roster-v{GENERATOR_VERSION}-{rows}-head{plain_rows}.xlsx"
    if not (full.exists() and head.exists()):
        note(f"writing the {rows:,}-row roster (openpyxl, write-only)")
        data = list(roster_rows(rows, union_names))
        write_roster(full, data)
        write_roster(head, data[:plain_rows])
    return full, head


# --- the import's own district under the scale city ---------------------------------------------
def clear_members(union_ids: list[int]) -> None:
    """Remove the members of these unions, with their cards, events and imports (raw SQL: fast)."""
    from django.db import connection

    statements = (
        "DELETE FROM members_membercard c USING members_member m WHERE c.member_id = m.id AND m.union_id = ANY(%s)",
        "DELETE FROM members_memberevent e USING members_member m WHERE e.member_id = m.id AND m.union_id = ANY(%s)",
        "DELETE FROM members_rosterimportrow r USING members_rosterimport i "
        "WHERE r.roster_import_id = i.id AND i.union_id = ANY(%s)",
        "DELETE FROM members_rosterimportrow r USING members_member m WHERE r.member_id = m.id AND m.union_id = ANY(%s)",
        "DELETE FROM members_rosterimport WHERE union_id = ANY(%s)",
        "DELETE FROM members_member WHERE union_id = ANY(%s)",
        "UPDATE members_union SET card_sequence = 0 WHERE id = ANY(%s)",
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [union_ids])


def build_import_tree(city_pk: int, user_pk: int) -> dict:
    """A district of the scale city, with one street and 40 grassroots unions, for the roster import.

    Removed with its members and built again on every run, so each import starts from the same city.
    """
    from unions.models import Union

    K = Union.Kind
    city = Union.objects.get(pk=city_pk)
    old = Union.objects.filter(path__startswith=city.path, name=IMPORT_DISTRICT).first()
    if old:
        ids = list(Union.objects.filter(path__startswith=old.path).values_list("pk", flat=True))
        clear_members(ids)
        # treebeard deletes the subtree and corrects the parent's child count.
        Union.objects.filter(pk__in=ids).delete()

    def child(parent: Union, kind: str, name: str, **fields) -> Union:
        parent.refresh_from_db()  # treebeard numbers a child from the parent's current child count
        return Union.objects.add_child(parent, {"kind": kind, "name": name, **fields})

    district = child(city, K.DISTRICT_FEDERATION, IMPORT_DISTRICT)
    street = child(district, K.STREET_FEDERATION, "基准导入街道总工会")
    unions = [
        child(street, K.GRASSROOTS_UNION, f"导入测试{n:02d}公司工会", employer_name=f"导入测试{n:02d}有限公司")
        for n in range(1, IMPORT_UNIONS + 1)
    ]
    return {
        "import_district": district.pk,
        # Every node of the import's subtree: imports are recorded at the district, members below.
        "import_unions": [district.pk, street.pk, *(union.pk for union in unions)],
        "import_union_names": [union.name for union in unions],
        "user": user_pk,
    }


# --- the measured steps (each in its own process) -------------------------------------------------
def step_read_calamine(path: str) -> dict:
    """The engine's reader alone: open the file (with its safety checks) and read every row."""
    from members.roster.files import open_roster

    roster = open_roster(path)
    rows = sum(1 for _row in roster.rows())
    return {"rows": rows}


def step_floor(path: str) -> dict:
    """openpyxl read-only reading every row, then a COPY of those rows into a temporary table."""
    from django.db import connection, transaction
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    read = time.perf_counter() - started
    header, data = rows[0], rows[1:]
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE roster_floor ({columns}) ON COMMIT DROP")
        copy_started = time.perf_counter()
        with cursor.cursor.copy("COPY roster_floor FROM STDIN") as copy:
            for row in data:
                copy.write_row(row)
        copied = time.perf_counter() - copy_started
    return {"rows": len(data), "seconds": read + copied, "read_seconds": read, "copy_seconds": copied}


def step_plain_import(path: str, union: int, variant: str) -> dict:
    """The plain resource importing the file as the admin would: tablib dataset, then import_data."""
    from django.utils import translation
    from import_export.formats.base_formats import XLSX

    from bench.member_resource import MemberResource
    from unions.models import Union

    resource_class = MemberResource
    if variant == "bulk":

        class BulkMemberResource(MemberResource):
            class Meta(MemberResource.Meta):
                use_bulk = True
                batch_size = 1000
                skip_diff = True

        resource_class = BulkMemberResource
    node = Union.objects.get(pk=union)
    started = time.perf_counter()
    dataset = XLSX().create_dataset(Path(path).read_bytes())
    read = time.perf_counter() - started
    with translation.override("zh-hans"):
        result = resource_class(union=node).import_data(dataset, dry_run=False, use_transactions=True)
    return {
        "rows": len(dataset),
        "seconds": time.perf_counter() - started,
        "read_seconds": read,
        "totals": {key: value for key, value in result.totals.items() if value},
        "has_errors": result.has_errors(),
    }


def step_dry_run(record: int) -> dict:
    from django.utils import translation

    from members.models import RosterImport
    from members.roster import importing

    found = RosterImport.objects.get(pk=record)
    with translation.override(found.language):
        importing.dry_run(found)
    found.refresh_from_db()
    return _import_counts(found)


def step_run(record: int) -> dict:
    from django.utils import translation

    from members.models import Member, RosterImport
    from members.roster import importing

    found = RosterImport.objects.select_related("created_by").get(pk=record)
    with translation.override(found.language):
        importing.run(found, by=found.created_by)
    found.refresh_from_db()
    counts = _import_counts(found)
    counts["members_in_union_subtree"] = Member.objects.filter(union__path__startswith=found.union.path).count()
    return counts


def _import_counts(record) -> dict:
    return {
        "rows": record.rows_total,
        "status": record.status,
        "new": record.new_count,
        "updated": record.updated_count,
        "unchanged": record.unchanged_count,
        "transfer": record.transfer_count,
        "errors": record.error_count,
    }


def _export_queryset(user: int, query: dict):
    """The member list the export pages export: the list's filters, scoped to the user, ordered."""
    from django.http import QueryDict

    from accounts.models import User
    from members.services.roster_export import export_rows

    data = QueryDict(mutable=True)
    data.update(query)
    return export_rows(User.objects.get(pk=user), data, full_details=False)


def step_export(user: int, query: dict, file_format: str, out: str) -> dict:
    from django.utils import translation

    from members.roster import exporting

    write = exporting.write_csv if file_format == "csv" else exporting.write_xlsx
    with translation.override("zh-hans"), open(out, "wb") as handle:
        rows = write(_export_queryset(user, query), handle, full_details=False)
    return {"rows": rows, "bytes": Path(out).stat().st_size}


def step_plain_export(union: int, joined_to: str, file_format: str, out: str) -> dict:
    """MemberResource().export() of the same members (active, joined on or before ``joined_to``, in the
    union's subtree), written out by import-export's own format class, as the admin's export action does."""
    from django.utils import translation
    from import_export.formats import base_formats

    from bench.member_resource import MemberResource
    from members.models import Member
    from unions.models import Union

    rows = Member.objects.filter(status=Member.Status.ACTIVE, joined_on__lte=joined_to).order_by("-joined_on", "-id")
    with translation.override("zh-hans"):
        dataset = MemberResource(union=Union.objects.get(pk=union)).export(queryset=rows)
        data = (base_formats.CSV() if file_format == "csv" else base_formats.XLSX()).export_data(dataset)
        Path(out).write_bytes(data.encode("utf-8-sig") if isinstance(data, str) else data)
    return {"rows": len(dataset), "bytes": Path(out).stat().st_size}


def new_import(tree: dict, path: Path) -> int:
    from django.core.files import File

    from members.models import RosterImport

    record = RosterImport(
        union_id=tree["import_district"], created_by_id=tree["user"], original_name=path.name, language="zh-hans"
    )
    with open(path, "rb") as handle:
        record.file.save("upload", File(handle), save=False)
    record.save()
    return record.pk


def confirm(record: int) -> None:
    from django.utils import timezone

    from members.models import RosterImport

    RosterImport.objects.filter(pk=record).update(
        status=RosterImport.Status.IMPORTING, mode=RosterImport.Mode.VALID_ONLY, confirmed_at=timezone.now()
    )


def xlsx_cutoff(rows: int) -> str:
    """The join date up to which about ``rows`` active members joined: the XLSX exports (the portal's
    and the plain resource's) both take the members who joined on or before it, the same rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT joined_on FROM members_member WHERE status = 'active' ORDER BY joined_on OFFSET %s LIMIT 1",
            [max(rows - 1, 0)],
        )
        found = cursor.fetchone()
    return found[0].isoformat() if found else "9999-12-31"


def measure_rosters(*, city: int, user: int, rows: int, xlsx_rows: int, plain_rows: int, profile: bool) -> dict:
    """Every roster figure over the scale city: exports first (the city as seeded), then the import."""
    steps: dict = {}
    setup: dict = {}
    out = WORK / "export"

    note("CSV export of every member of the city (all statuses)")
    query = {"union": str(city), "status": "any"}
    steps["export_csv"] = measure(step_export, user=user, query=query, file_format="csv", out=str(out) + ".csv")
    joined_to = xlsx_cutoff(xlsx_rows)
    setup["xlsx_joined_to"] = joined_to
    note(f"XLSX export of the active members who joined by {joined_to} (about {xlsx_rows:,})")
    query = {"union": str(city), "joined_to": joined_to}
    steps["export_xlsx"] = measure(step_export, user=user, query=query, file_format="xlsx", out=str(out) + ".xlsx")
    for file_format in ("csv", "xlsx"):
        note(f"plain MemberResource export of the same members ({file_format.upper()})")
        steps[f"plain_export_{file_format}"] = measure(
            step_plain_export, union=city, joined_to=joined_to, file_format=file_format,
            out=str(WORK / f"plain.{file_format}"),
        )  # fmt: skip

    tree = build_import_tree(city, user)
    started = time.perf_counter()
    full, head = roster_files(rows, plain_rows, tree["import_union_names"])
    setup["roster_file_seconds"] = round(time.perf_counter() - started, 1)
    setup["roster_file_bytes"] = full.stat().st_size

    note("floor: openpyxl read-only + COPY; the engine's reader alone")
    steps["floor"] = measure(step_floor, path=str(full))
    steps["read_calamine"] = measure(step_read_calamine, path=str(full))
    # The floor for the engine's own reader: calamine reading the file, plus the same COPY.
    seconds = steps["read_calamine"]["seconds"] + steps["floor"]["copy_seconds"]
    steps["floor_calamine"] = {
        "rows": steps["floor"]["rows"],
        "seconds": round(seconds, 2),
        "rows_per_second": round(steps["floor"]["rows"] / seconds),
        "derived": "read_calamine + floor COPY",
    }
    for variant in ("rows", "bulk"):
        note(f"plain MemberResource import of {plain_rows:,} rows ({variant})")
        steps[f"plain_import_{variant}"] = measure(
            step_plain_import, path=str(head), union=tree["import_district"], variant=variant
        )
        clear_members(tree["import_unions"])

    note(f"dry run of {rows:,} rows")
    record = new_import(tree, full)
    steps["dry_run"] = measure(step_dry_run, record=record)
    note(f"import of {rows:,} rows (valid rows only)")
    confirm(record)
    steps["run"] = measure(step_run, record=record)

    results = {"setup": setup, "steps": steps}
    if profile:
        clear_members(tree["import_unions"])
        record = new_import(tree, full)
        profiles = {}
        for name, step in (("dry_run", step_dry_run), ("run", step_run)):
            note(f"profiling {name}")
            if name == "run":
                confirm(record)
            profiled = measure(step, record=record, profile_to=str(WORK / f"profile-{name}"))
            profiles[name] = {
                "seconds_under_profiler": profiled["seconds"],
                "text": str(WORK / f"profile-{name}.txt"),
                "top_tottime": profiled["top_tottime"],
            }
        results["profile"] = profiles
    # The imported members go again: the city is left as seeded, so a re-run measures the same thing.
    clear_members(tree["import_unions"])
    results["ratios"] = ratios(steps)
    results["targets"] = targets(steps)
    return results


def rate(step: dict) -> float:
    return step["rows"] / step["seconds"] if step.get("seconds") else 0.0


def ratios(steps: dict) -> dict:
    run = rate(steps["run"])
    return {
        "import_vs_plain_rows": round(run / rate(steps["plain_import_rows"]), 1),
        "import_vs_plain_bulk": round(run / rate(steps["plain_import_bulk"]), 1),
        "import_vs_floor": round(run / rate(steps["floor"]), 2),
        "dry_run_vs_floor": round(rate(steps["dry_run"]) / rate(steps["floor"]), 2),
        "import_vs_calamine_floor": round(run / rate(steps["floor_calamine"]), 2),
        "export_csv_vs_plain_export_csv": round(rate(steps["export_csv"]) / rate(steps["plain_export_csv"]), 1),
        "export_xlsx_vs_plain_export_xlsx": round(rate(steps["export_xlsx"]) / rate(steps["plain_export_xlsx"]), 1),
    }


def targets(steps: dict) -> list[dict]:
    run, dry, csv_export = steps["run"], steps["dry_run"], steps["export_csv"]
    per_100k = {name: 100_000 / rate(steps[name]) for name in ("dry_run", "run")}
    plain, plain_bulk = rate(steps["plain_import_rows"]), rate(steps["plain_import_bulk"])
    return [
        _target("import ≥ 5,000 rows/s end to end", rate(run) >= 5000, f"{rate(run):,.0f} rows/s"),
        _target(
            "import ≥ 10× the plain ModelResource (per-row saves; use_bulk shown too)",
            rate(run) >= 10 * plain,
            f"{rate(run) / plain:.1f}× per-row saves, {rate(run) / plain_bulk:.1f}× use_bulk",
        ),
        _target(
            "100,000-row dry run well under a minute (≤ 30 s)",
            per_100k["dry_run"] <= WELL_UNDER_A_MINUTE,
            f"{dry['seconds']:.1f} s for {dry['rows']:,} rows ({per_100k['dry_run']:.1f} s per 100k)",
        ),
        _target(
            "100,000-row import well under a minute (≤ 30 s)",
            per_100k["run"] <= WELL_UNDER_A_MINUTE,
            f"{run['seconds']:.1f} s for {run['rows']:,} rows ({per_100k['run']:.1f} s per 100k)",
        ),
        _target("CSV export ≥ 50,000 rows/s", rate(csv_export) >= 50_000, f"{rate(csv_export):,.0f} rows/s"),
        _target(
            "CSV export peak memory < 300 MB",
            csv_export["peak_rss_mb"] < 300,
            f"{csv_export['peak_rss_mb']:.0f} MB peak RSS ({csv_export['rows']:,} rows)",
        ),
    ]


def _target(name: str, met: bool, figure: str) -> dict:
    return {"target": name, "met": met, "figure": figure}


LABELS = {
    "floor": "(d) floor: openpyxl read-only + COPY",
    "read_calamine": "    engine reader alone (calamine)",
    "floor_calamine": "(d') floor with calamine: read + COPY",
    "plain_import_rows": "(c) plain ModelResource import",
    "plain_import_bulk": "(c') plain, use_bulk + skip_diff",
    "dry_run": "(a) dry run (importing.dry_run)",
    "run": "(b) import (importing.run, valid only)",
    "export_csv": "(e) CSV export, whole city (write_csv)",
    "export_xlsx": "(f) XLSX export (write_xlsx)",
    "plain_export_csv": "(g) plain MemberResource().export(), CSV",
    "plain_export_xlsx": "(g') plain MemberResource().export(), XLSX",
}


def table(roster: dict) -> list[str]:
    lines = [f"{'step':44} {'rows':>10} {'seconds':>9} {'rows/s':>10} {'peak MB':>8}"]
    for key, label in LABELS.items():
        step = roster["steps"][key]
        peak = f"{step['peak_rss_mb']:>8.0f}" if "peak_rss_mb" in step else f"{'-':>8}"
        lines.append(
            f"{label:44} {step['rows']:>10,} {step['seconds']:>9.2f} {step.get('rows_per_second', 0):>10,} {peak}"
        )
    floor = roster["steps"]["floor"]
    lines.append(
        f"{'    of which openpyxl read / COPY (s)':44} {'':>10} {floor['read_seconds']:>5.2f} / {floor['copy_seconds']:.2f}"
    )
    lines += ["", "ratios: " + ", ".join(f"{key} {value}" for key, value in roster["ratios"].items())]
    lines.append(f"roster file {roster['setup']['roster_file_bytes'] / 1048576:.1f} MB")
    for step, profile in roster.get("profile", {}).items():
        lines += ["", f"profile of {step} ({profile['seconds_under_profiler']} s under cProfile; {profile['text']}):"]
        for row in profile["top_tottime"][:12]:
            lines.append(
                f"  {row['tottime']:8.2f} s own  {row['cumtime']:8.2f} s cum  {row['calls']:>9}  {row['function']}"
            )
    return lines
