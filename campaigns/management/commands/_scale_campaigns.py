"""The scale city's competitions (written when ``seed_scale`` says the city is seeded: ``members_seeded``,
after the cadres and the integrity records).

At the issue's size: 300 competitions a year over three years (this year and the two before), 20,000
entries, 200 judges (accounts without a staff role) and the score sheets of every competition in
judging or past it; among them the bench's competition: the largest district's, in judging, with 2,000
accepted entries, each scored by its 5 judges, ready to be closed. A city of fewer than 100,000 members
(a test's) gets proportionally fewer.

Past years' competitions are commended (a few only closed), this year's are in every state, their dates
consistent with today (nothing that has not started is running; nothing not yet closed has a rank).
Entries come from the member-holding unions under each organiser; frozen rankings are
``campaigns.ranking``'s and certificates are numbered by ``certificate_number``. Written with
PostgreSQL ``COPY`` (ids drawn from each table's sequence first, so that rows can point at each other
without reading them back). Planned from ``random.Random(seed)`` against the seed's day.
"""

import datetime
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from unions.models import Role, Union

FULL_SIZE_MEMBERS = 100_000
TABLES = (
    *("campaigns_competition", "campaigns_stage", "campaigns_criterion", "campaigns_prize", "campaigns_entry"),
    *("campaigns_judge", "campaigns_judgeconflict", "campaigns_scoresheet", "campaigns_score", "campaigns_award"),
)
JUDGE_PREFIX = "scale-judge-"
BENCH_TITLE = "规模测试数控技能大赛（基准）"
KINDS = (("skill", 40), ("key_project", 20), ("innovation", 15), ("safety", 15), ("window_service", 7), ("other", 3))
TITLES = {
    "skill": "职工职业技能大赛", "key_project": "重点工程建设劳动竞赛", "innovation": "职工技术创新成果竞赛",
    "safety": "“安康杯”竞赛", "window_service": "窗口服务创优晋星竞赛", "other": "职工劳动竞赛",
}  # fmt: skip
CRITERIA = (("实际操作", 50, 100), ("理论知识", 30, 50), ("安全文明", 20, 20))
PRIZES = (("first", 1), ("second", 3), ("third", 5))
# This year's competitions by state (shares); past years' are commended, a tenth only closed.
THIS_YEAR = (
    ("draft", 8), ("submitted", 7), ("returned", 3), ("approved", 10), ("running", 35),
    ("reviewing", 17), ("closed", 10), ("commended", 10),
)  # fmt: skip
WITH_ENTRIES = ("approved", "running", "reviewing", "closed", "commended")
SCORED = ("reviewing", "closed", "commended")
TEAMS = ("一班组", "二班组", "机修班", "青年突击队", "攻关小组", "质检班")


@dataclass
class CampaignPlan:
    per_year: int = 300
    years: int = 3
    entries: int = 20_000
    judges: int = 200
    bench_entries: int = 2_000
    bench_judges: int = 5
    judges_per_competition: int = 3

    @classmethod
    def for_members(cls, members: int) -> "CampaignPlan":
        f = min(1.0, members / FULL_SIZE_MEMBERS)
        return cls(
            per_year=max(6, round(300 * f)), entries=max(80, round(20_000 * f)), judges=max(8, round(200 * f)),
            bench_entries=max(20, round(2_000 * f)),
        )  # fmt: skip


def _ids(cursor, table: str, count: int) -> list[int]:
    """``count`` fresh ids from the table's sequence."""
    if not count:
        return []
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    n = 0
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


class ScaleCampaigns:
    def __init__(self, plan: CampaignPlan, today: datetime.date, seed: int = 2026) -> None:
        self.plan, self.today, self.year = plan, today, today.year
        self.rng = Random(seed + 16)  # noqa: S311 - planned data, not secrets
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
        self.figures: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), self.now)

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    def build(self, city: Union) -> dict:
        self.city = city
        for part in (self.prepare, self.write_competitions, self.write_entries, self.write_judging,
                     self.write_rankings):  # fmt: skip
            started = time.perf_counter()
            part()
            self.seconds[part.__name__.removeprefix("write_")] = round(time.perf_counter() - started, 2)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        return {**self.figures, "seconds": self.seconds}

    # --- who -------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        """The organisers (federations with a staff account), the unions under each, the judges' accounts."""
        from accounts.models import User

        staff = Role.objects.filter(kind=Role.Kind.FEDERATION_STAFF, union__path__startswith=self.city.path)
        self.staff_at: dict[int, int] = {}
        for role in staff.order_by("user__username"):
            self.staff_at.setdefault(role.union_id, role.user_id)
        organisers = list(Union.objects.filter(pk__in=self.staff_at).order_by("depth", "path"))
        self.staff_paths = {node.path: self.staff_at[node.pk] for node in organisers}
        self.city_staff = self.staff_at.get(self.city.pk) or next(iter(self.staff_at.values()))
        leaders = Role.objects.filter(kind=Role.Kind.LEADER, union__path__startswith=self.city.path)
        self.leader_at = {r.union_id: r.user_id for r in leaders.order_by("user__username")}
        clerks = Role.objects.filter(kind=Role.Kind.UNION_CLERK, union__path__startswith=self.city.path)
        self.clerk_at = {r.union_id: r.user_id for r in clerks.order_by("-user__username")}
        member_unions = list(
            Union.objects.filter(
                path__startswith=self.city.path, kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION]
            ).values_list("pk", "path", "name", "employer_name")
        )
        self.organisers = []
        for node in organisers:
            under = [u for u in member_unions if u[1].startswith(node.path)]
            if under:
                self.organisers.append((node, under))
        # The bench's competition: the largest district's (its staff account is the first district's).
        bench_staff = Role.objects.filter(user__username="scale-district-01-staff").select_related("union").first()
        node = bench_staff.union if bench_staff else self.organisers[0][0]
        self.bench = next((o for o in self.organisers if o[0].pk == node.pk), self.organisers[0])
        # The judges' accounts (unusable passwords: the bench signs them in itself); those of an earlier
        # run of the campaigns seed alone are kept (a judge who signed in has audit rows).
        wanted = [f"{JUDGE_PREFIX}{n:03d}" for n in range(1, self.plan.judges + 1)]
        have = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        password = make_password(None)
        User.objects.bulk_create(
            User(username=username, name=f"评委{username[-3:]}", password=password,
                 email=f"judge-{username[-3:]}@scale.invalid")
            for username in wanted if username not in have
        )  # fmt: skip
        users = list(User.objects.filter(username__in=wanted).order_by("username"))
        self.judge_users = [(u.pk, u.name) for u in users]
        self.figures["judge_accounts"] = len(users)

    # --- competitions ----------------------------------------------------------------------------------
    def status_of(self, year: int) -> str:
        if year < self.year:
            return "commended" if self.rng.random() < 0.9 else "closed"
        return self.rng.choices([s for s, _w in THIS_YEAR], [w for _s, w in THIS_YEAR])[0]

    def period(self, year: int, status: str) -> tuple[datetime.date, datetime.date, datetime.date]:
        """starts_on, ends_on, entry_deadline, consistent with the state against today."""
        d = datetime.timedelta
        if year < self.year:
            start = self.day(datetime.date(year, 1, 10), datetime.date(year, 6, 30))
            end = start + d(days=self.rng.randint(60, 150))
        elif status in ("draft", "submitted", "returned", "approved"):
            start = self.today + d(days=self.rng.randint(10, 60))
            end = start + d(days=self.rng.randint(60, 200))
        elif status == "running":
            start = self.today - d(days=self.rng.randint(20, 120))
            end = self.today + d(days=self.rng.randint(10, 120))
        else:  # reviewing, closed, commended: ended, earlier the further along
            back = {"reviewing": (5, 40), "closed": (40, 80), "commended": (80, 120)}[status]
            end = self.today - d(days=self.rng.randint(*back))
            start = max(datetime.date(self.year, 1, 5), end - d(days=self.rng.randint(60, 150)))
        deadline = start + d(days=min(30, max(0, (end - start).days // 3)))
        return start, end, deadline

    def parent_staff(self, node: Union) -> int:
        """Federation staff strictly above the organiser (the approver one level up), the city's at the root."""
        step = Union.steplen
        paths = self.staff_paths
        for end in range(len(node.path) - step, 0, -step):
            if node.path[:end] in paths:
                return paths[node.path[:end]]
        return self.city_staff

    def write_competitions(self) -> None:
        plan, rng = self.plan, self.rng
        kinds, weights = [k for k, _w in KINDS], [w for _k, w in KINDS]
        self.competitions = []  # dicts the later parts read
        for year in range(self.year - plan.years + 1, self.year + 1):
            for n in range(plan.per_year):
                bench = year == self.year and n == 0
                node, under = self.bench if bench else rng.choice(self.organisers)
                status = "reviewing" if bench else self.status_of(year)
                kind = "skill" if bench else rng.choices(kinds, weights)[0]
                start, end, deadline = self.period(year, status)
                title = BENCH_TITLE if bench else f"{year}年{node.name.removesuffix('总工会')}{TITLES[kind]}第{n + 1}项"
                self.competitions.append({
                    "node": node, "under": under, "status": status, "kind": kind, "title": title[:200],
                    "start": start, "end": end, "deadline": deadline, "bench": bench, "year": year,
                })  # fmt: skip
        with connection.cursor() as cursor:
            ids = _ids(cursor, "campaigns_competition", len(self.competitions))
            rows = []
            for pk, c in zip(ids, self.competitions, strict=True):
                c["id"] = pk
                s, node = c["status"], c["node"]
                creator = self.staff_at[node.pk]
                created = self.at(c["start"] - datetime.timedelta(days=40), 9)
                # Approved by the organiser's own leaders where it has one, else by the federation above.
                leader = self.leader_at.get(node.pk)
                approver = "own_leaders" if leader else "parent"
                approved_by = leader or self.parent_staff(node)
                submitted = s != "draft"
                approved = s not in ("draft", "submitted", "returned")
                closed = s in ("closed", "commended")
                c["approved_at"] = created + datetime.timedelta(days=5)
                c["closed_at"] = self.at(c["end"] + datetime.timedelta(days=3), 16)
                c["commended_at"] = self.at(c["end"] + datetime.timedelta(days=10), 10)
                c["creator"] = creator
                rows.append((
                    pk, c["title"], c["kind"], node.pk, LEVELS.get(node.kind, "grassroots"),
                    "", True, True, True, c["start"], c["end"], c["deadline"], approver,
                    5 if c["bench"] else None, "top_criterion", "portal", s,
                    "评分细则需补充。" if s == "returned" else "", secrets.token_urlsafe(16), creator, created,
                    created + datetime.timedelta(days=2) if submitted else None,
                    approved_by if approved else None, c["approved_at"] if approved else None,
                    created + datetime.timedelta(days=4) if s == "returned" else None,
                    creator if closed else None, c["closed_at"] if closed else None,
                    c["commended_at"] if s == "commended" else None,
                ))  # fmt: skip
            columns = (
                "id",
                "title",
                "kind",
                "organiser_id",
                "level",
                "description",
                "accepts_units",
                "accepts_teams",
                "accepts_individuals",
                "starts_on",
                "ends_on",
                "entry_deadline",
                "approver",
                "drop_extremes_from",
                "tie_rule",
                "results",
                "status",
                "return_reason",
                "public_token",
                "created_by_id",
                "created_at",
                "submitted_at",
                "approved_by_id",
                "approved_at",
                "returned_at",
                "closed_by_id",
                "closed_at",
                "commended_at",
            )
            _copy(cursor, "campaigns_competition", columns, rows)
            n_criteria = len(CRITERIA) * len(ids)
            criterion_ids = iter(_ids(cursor, "campaigns_criterion", n_criteria))
            crit_rows = []
            for c in self.competitions:
                c["criteria"] = []
                for order, (name, weight, maximum) in enumerate(CRITERIA, start=1):
                    cid = next(criterion_ids)
                    c["criteria"].append((cid, Decimal(weight), Decimal(maximum), order))
                    crit_rows.append((cid, c["id"], order, name, weight, maximum))
            _copy(cursor, "campaigns_criterion", ("id", "competition_id", "order", "name", "weight", "max_score"),
                  crit_rows)  # fmt: skip
            prize_ids = iter(_ids(cursor, "campaigns_prize", len(PRIZES) * len(ids)))
            prize_rows = []
            for c in self.competitions:
                c["prizes"] = {}
                for grade, count in PRIZES:
                    pid = next(prize_ids)
                    c["prizes"][grade] = pid
                    prize_rows.append((pid, c["id"], grade, count))
            _copy(cursor, "campaigns_prize", ("id", "competition_id", "grade", "count"), prize_rows)
            stage_rows = []
            for c in self.competitions:
                middle = c["start"] + (c["end"] - c["start"]) / 2
                stage_rows.append((c["id"], 1, "初赛", c["start"], middle, middle + datetime.timedelta(days=7), None))
                stage_rows.append((c["id"], 2, "决赛", middle + datetime.timedelta(days=1), c["end"], c["end"],
                                   c["end"] + datetime.timedelta(days=7)))  # fmt: skip
            _copy(cursor, "campaigns_stage",
                  ("competition_id", "order", "name", "starts_on", "ends_on", "report_due", "judging_due"),
                  stage_rows)  # fmt: skip
        self.figures["competitions"] = len(ids)
        for s in ("draft", "reviewing", "closed", "commended"):
            self.figures[f"competitions_{s}"] = sum(c["status"] == s for c in self.competitions)

    # --- entries ---------------------------------------------------------------------------------------
    def write_entries(self) -> None:
        rng, plan = self.rng, self.plan
        open_ones = [c for c in self.competitions if c["status"] in WITH_ENTRIES and not c["bench"]]
        rest = plan.entries - plan.bench_entries
        weights = [rng.uniform(0.3, 1.7) for _c in open_ones]
        scale = rest / sum(weights) if weights else 0
        sizes = [int(w * scale) for w in weights]
        for k in range(rest - sum(sizes)):
            sizes[k % len(sizes)] += 1
        bench = next(c for c in self.competitions if c["bench"])
        bench_size = plan.bench_entries
        planned = [(bench, bench_size), *zip(open_ones, sizes, strict=True)]
        total = sum(n for _c, n in planned)
        columns = (
            "id", "competition_id", "union_id", "kind", "name", "unit_name", "team_leader", "team_size",
            "person_times", "status", "refuse_reason", "entered_by_id", "entered_at", "decided_by_id", "decided_at",
        )  # fmt: skip
        with connection.cursor() as cursor:
            ids = iter(_ids(cursor, "campaigns_entry", total))
            rows = []
            for c, size in planned:
                c["entries"] = []
                first = c["approved_at"].date() + datetime.timedelta(days=1)
                last = max(first, min(c["deadline"], self.today - datetime.timedelta(days=1)))
                for n in range(size):
                    pk = next(ids)
                    union_id, _path, union_name, employer = rng.choice(c["under"])
                    employer = employer or union_name.removesuffix("工会")
                    kind = ("unit", "team", "individual")[n % 3]
                    status = self.entry_status(c, n)
                    entered = self.at(self.day(first, last), 9 + n % 8)
                    by = self.clerk_at.get(union_id, c["creator"])
                    decided = status != "entered"
                    name = {"unit": employer, "team": f"{employer}{TEAMS[n % len(TEAMS)]}"}.get(kind, f"选手{pk}")
                    team = kind == "team"
                    rows.append((
                        pk, c["id"], union_id, kind, name[:100], employer[:100], "王师傅" if team else "",
                        8 if team else None, 8 if team else (50 if kind == "unit" else 1), status,
                        "不符合参赛条件。" if status == "refused" else "", by, entered,
                        (by if status == "withdrawn" else c["creator"]) if decided else None,
                        entered + datetime.timedelta(days=2) if decided else None,
                    ))  # fmt: skip
                    c["entries"].append((pk, union_id, status, entered))
            self.figures["entries"] = _copy(cursor, "campaigns_entry", columns, rows)

    def entry_status(self, c: dict, n: int) -> str:
        if c["bench"]:
            return "accepted"
        roll = self.rng.random()
        if c["status"] == "approved":
            return "entered" if roll < 0.7 else "accepted"
        if c["status"] == "running":
            return "accepted" if roll < 0.8 else "entered" if roll < 0.9 else "refused" if roll < 0.95 else "withdrawn"
        return "accepted" if roll < 0.9 else "refused" if roll < 0.95 else "withdrawn"

    # --- judging ---------------------------------------------------------------------------------------
    def write_judging(self) -> None:
        """Judges for each competition in judging or past it; every accepted entry scored by each judge who
        does not conflict with it (past judging), most of them while judging is open."""
        rng = self.rng
        judge_cols = ("id", "competition_id", "user_id", "name", "title", "assigned_by_id", "assigned_at",
                      "conflicts_declared_at")  # fmt: skip
        judges, conflicts, sheets, scores = [], [], [], []
        scored = [c for c in self.competitions if c["status"] in SCORED]
        with connection.cursor() as cursor:
            count = sum(self.plan.bench_judges if c["bench"] else self.plan.judges_per_competition for c in scored)
            judge_ids = iter(_ids(cursor, "campaigns_judge", count))
            planned_sheets = []
            for c in scored:
                k = self.plan.bench_judges if c["bench"] else self.plan.judges_per_competition
                declared = self.at(c["end"] - datetime.timedelta(days=3), 9)
                accepted = [e for e in c["entries"] if e[2] == "accepted"]
                c["judges"] = []
                for user_id, name in rng.sample(self.judge_users, k):
                    jid = next(judge_ids)
                    c["judges"].append(jid)
                    judges.append((jid, c["id"], user_id, name, "高级技师", c["creator"],
                                   declared - datetime.timedelta(days=2), declared))  # fmt: skip
                    # One judge in ten (none of the bench's) conflicts with one entering union.
                    conflict = None
                    if not c["bench"] and accepted and rng.random() < 0.1:
                        conflict = rng.choice(accepted)[1]
                        conflicts.append((jid, conflict, "曾在该单位任职", declared))
                    for entry_id, union_id, _s, _at in accepted:
                        if union_id == conflict:
                            continue
                        done = c["status"] != "reviewing" or c["bench"] or rng.random() < 0.85
                        planned_sheets.append((c, jid, entry_id, done))
            _copy(cursor, "campaigns_judge", judge_cols, judges)
            _copy(cursor, "campaigns_judgeconflict", ("judge_id", "union_id", "note", "declared_at"), conflicts)
            sheet_ids = iter(_ids(cursor, "campaigns_scoresheet", len(planned_sheets)))
            self.sheet_values: dict[int, list[dict[int, Decimal]]] = {}
            # Scores are 55–100 % of the maximum, to one decimal: one Decimal made per maximum and percentage.
            values_of = {
                m: [(m * Decimal(p) / 100).quantize(Decimal("0.5")) for p in range(55, 101)]
                for m in {c[2] for comp in scored for c in comp["criteria"]}
            }
            at_of = {c["id"]: self.at(c["end"], 14) for c in scored}
            randrange = rng.randrange
            for c, jid, entry_id, done in planned_sheets:
                sid = next(sheet_ids)
                at = at_of[c["id"]]
                sheets.append((sid, jid, entry_id, at if done else None, at))
                values = {}
                for cid, _w, maximum, _o in c["criteria"] if done else c["criteria"][:1]:
                    value = values_of[maximum][randrange(46)]
                    values[cid] = value
                    scores.append((sid, cid, value, ""))
                if done:
                    self.sheet_values.setdefault(entry_id, []).append(values)
            _copy(cursor, "campaigns_scoresheet", ("id", "judge_id", "entry_id", "completed_at", "updated_at"), sheets)
            _copy(cursor, "campaigns_score", ("sheet_id", "criterion_id", "value", "comment"), scores)
        self.figures.update(judges=len(judges), judge_conflicts=len(conflicts), score_sheets=len(sheets),
                            scores=len(scores))  # fmt: skip

    # --- frozen rankings and prizes ---------------------------------------------------------------------
    def write_rankings(self) -> None:
        from campaigns import ranking
        from campaigns.models.awards import certificate_number

        ranked, awards = [], []
        for c in self.competitions:
            if c["status"] not in ("closed", "commended"):
                continue
            criteria = [ranking.CriterionRule(id=i, weight=w, max_score=m, order=o) for i, w, m, o in c["criteria"]]
            entries = [
                ranking.EntryScores(entry_id=pk, entered_at=at, sheets=self.sheet_values[pk])
                for pk, _u, status, at in c["entries"]
                if status == "accepted" and pk in self.sheet_values
            ]
            placed = ranking.rank(entries, criteria, drop_extremes_from=None, tie_rule=ranking.TOP_CRITERION)
            ranked += [(p.entry_id, p.final_score, p.rank) for p in placed]
            if c["status"] == "commended":
                grades = ranking.prize_positions(PRIZES, placed)
                for p in placed:
                    if p.entry_id in grades:
                        awards.append((p.entry_id, c["prizes"][grades[p.entry_id]], certificate_number(c["id"], p.rank),
                                       secrets.token_urlsafe(32), c["creator"], c["commended_at"]))  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE scale_ranks (id bigint, final_score numeric, rank int)")
            _copy(cursor, "scale_ranks", ("id", "final_score", "rank"), ranked)
            cursor.execute(
                "UPDATE campaigns_entry e SET final_score = r.final_score, rank = r.rank FROM scale_ranks r WHERE e.id = r.id"
            )
            cursor.execute("DROP TABLE scale_ranks")
            _copy(cursor, "campaigns_award", ("entry_id", "prize_id", "number", "token", "awarded_by_id", "awarded_at"),
                  awards)  # fmt: skip
        self.figures.update(ranked_entries=len(ranked), awards=len(awards))


LEVELS = {"city_federation": "city", "district_federation": "district", "industry_union": "industry"}


def seed_scale_campaigns(today: datetime.date, plan: CampaignPlan | None = None, seed: int = 2026) -> dict:
    """Write the scale city's competitions (the city must be seeded); the counts and the seconds."""
    from members.management.commands._scale import CITY_NAME
    from members.models import Member

    city = Union.objects.get(depth=1, name=CITY_NAME)
    plan = plan or CampaignPlan.for_members(Member.objects.count())
    started = time.perf_counter()
    figures = ScaleCampaigns(plan, today, seed).build(city)
    figures["seconds"]["total"] = round(time.perf_counter() - started, 2)
    LAST_FIGURES.clear()
    LAST_FIGURES.update(figures)
    return figures


# What the last seed in this process wrote (the signal's caller keeps no receiver's answer).
LAST_FIGURES: dict = {}


def on_members_seeded(sender, today, **kwargs) -> None:
    """``seed_scale`` wrote a city: give it its competitions, in the same transaction. Other seeds (a demo
    city has its own command) are left alone."""
    from members.management.commands._scale import CITY_NAME

    if connection.vendor == "postgresql" and Union.objects.filter(depth=1, name=CITY_NAME).exists():
        seed_scale_campaigns(today)
