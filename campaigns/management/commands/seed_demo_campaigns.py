"""``manage.py seed_demo_campaigns``: the demo district's labour and skill competitions (run by ``seed_demo``
after ``seed_demo_integrity``), one in every state, so that each demo account finds its part:

- ``demo-district-staff`` (federation staff of the first district) organises them all: a draft, one
  waiting for approval, one returned with a reason, one approved and open for entries, one running with
  entries to accept and stage reports handed in, one in judging, one closed with its ranking frozen and
  one commended with prizes and certificates;
- ``demo-leader`` (the district's leader) approves them (立项 by the organiser's own leaders) and finds
  the waiting one in their approvals;
- ``demo-clerk`` enters their union: entries in most competitions, and the approved and the running ones
  still open for more;
- ``demo-judge`` (a new account with no staff role) judges the competition in judging: they declared a
  conflict with one union, whose entry is hidden from them; some entries scored, one half-scored, some
  still to score. Two more judges (accounts that cannot sign in) scored every entry.

Written through the models (planned from ``random.Random(2026)`` against today's date), within the rules
of ``campaigns.permissions`` and the models: entries only from member-holding unions under the
organiser, judges' scores within each criterion's maximum, ranks from ``campaigns.ranking`` and
certificate numbers from ``certificate_number``. Runs once: a demo city whose district organises
competitions already is left as it is (the demo judge's account is made either way).
"""

import datetime
from decimal import Decimal
from random import Random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns import ranking
from campaigns.models import (
    Award,
    Competition,
    Criterion,
    Entry,
    Judge,
    JudgeConflict,
    Prize,
    Score,
    Scoresheet,
    Stage,
    StageReport,
    StageReportFile,
)
from campaigns.models.awards import certificate_number
from campaigns.navigation import forget_judging
from members.models import Member
from unions.models import Role, Union

CITY_NAME = "示范市总工会"
ORGANISER = "demo-district-staff"  # federation staff of the first district
LEADER = "demo-leader"  # the first district's leader: approves (own leaders)
CLERK = "demo-clerk"  # the clerk of a grassroots union in that district
JUDGE = ("demo-judge", "孙国华", "高级技师")
# Judges who scored beside demo-judge: accounts without a usable password (nobody signs in as them).
OTHER_JUDGES = (("demo-judge-2", "钱文博", "高级工程师"), ("demo-judge-3", "郑雅琴", "技能大师工作室领办人"))
DEMO_PASSWORD = "Union-Demo-2026"  # noqa: S105 - the published demo password (seed_demo's)
DEMO_EMAIL_DOMAIN = "demo.union.local"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
S = Competition.Status
# status, kind, title, criteria (name, weight, maximum), prizes (grade, count), what may enter
PLAN = [
    (S.DRAFT, Competition.Kind.WINDOW_SERVICE, "鼓楼区窗口服务单位创优晋星竞赛",
     (("服务规范", 50, 100), ("群众满意度", 50, 100)), (("first", 2), ("second", 4)), "unit"),
    (S.SUBMITTED, Competition.Kind.SAFETY, "鼓楼区“安康杯”安全生产知识竞赛",
     (("知识答题", 70, 100), ("应急演练", 30, 50)), (("first", 1), ("second", 3), ("third", 5)), "team"),
    (S.RETURNED, Competition.Kind.INNOVATION, "鼓楼区职工技术创新成果竞赛",
     (("创新性", 40, 100), ("经济效益", 40, 100), ("推广价值", 20, 50)), (("first", 1), ("second", 2)), "all"),
    (S.APPROVED, Competition.Kind.SKILL, "鼓楼区电工职业技能竞赛",
     (("实操", 70, 100), ("理论", 30, 100)), (("first", 1), ("second", 2), ("third", 3)), "individual"),
    (S.RUNNING, Competition.Kind.KEY_PROJECT, "鼓楼区重点工程建设劳动竞赛",
     (("工程进度", 40, 100), ("质量安全", 40, 100), ("文明施工", 20, 100)), (("first", 1), ("second", 2), ("third", 3)),
     "all"),
    (S.REVIEWING, Competition.Kind.SKILL, "鼓楼区数控车工职业技能大赛",
     (("实际操作", 60, 100), ("理论知识", 40, 50)), (("first", 1), ("second", 2), ("third", 3)), "all"),
    (S.CLOSED, Competition.Kind.SKILL, "鼓楼区中式烹调师技能竞赛",
     (("作品质量", 70, 100), ("卫生规范", 30, 20)), (("first", 1), ("second", 2), ("third", 3)), "individual"),
    (S.COMMENDED, Competition.Kind.SKILL, "鼓楼区焊工职业技能大赛",
     (("焊接操作", 60, 100), ("理论知识", 40, 100)), (("first", 1), ("second", 2), ("third", 3)), "all"),
]  # fmt: skip
ENTRIES = {S.APPROVED: 4, S.RUNNING: 9, S.REVIEWING: 8, S.CLOSED: 8, S.COMMENDED: 9}
TEAMS = ("一班组", "二班组", "机修班", "青年突击队", "技术攻关小组", "质检班")
RETURN_REASON = "经费预算未列明奖励标准，评分细则中“推广价值”缺少评分要点，请补充后重新报送。"
REFUSE_REASON = "参赛单位不在本次竞赛范围内的行业。"


class DemoCampaigns:
    """Plans and writes the competitions; ``build()`` returns the counts it wrote."""

    def __init__(self, district: Union, staff: User, leader: User, clerk: User, judges: list[User]) -> None:
        self.rng = Random(2026)  # noqa: S311 - planned data, not secrets
        self.today = timezone.localdate()
        self.district, self.staff, self.leader, self.clerk = district, staff, leader, clerk
        self.judge_users = judges
        self.clerk_union = Role.objects.filter(user=clerk, kind=Role.Kind.UNION_CLERK).select_related("union")[0].union
        # Member-holding unions under the district (the organiser): who may enter.
        unions = list(
            Union.objects.filter(
                path__startswith=district.path, kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION],
                closed_on__isnull=True,
            ).order_by("path")
        )  # fmt: skip
        self.others = [u for u in unions if u.pk != self.clerk_union.pk]
        self.counts: dict[str, int] = {}

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    # --- dates by state: nothing in the future is done, nothing done lies ahead ------------------------------
    def period(self, status: str) -> tuple[datetime.date, datetime.date, datetime.date]:
        """starts_on, ends_on, entry_deadline."""
        offsets = {
            S.DRAFT: (75, 260, 105), S.SUBMITTED: (50, 230, 80), S.RETURNED: (60, 240, 90),
            S.APPROVED: (20, 200, 40), S.RUNNING: (-60, 120, 14), S.REVIEWING: (-200, -20, -150),
            S.CLOSED: (-300, -90, -250), S.COMMENDED: (-420, -200, -380),
        }[status]  # fmt: skip
        start, end, deadline = (self.today + datetime.timedelta(days=d) for d in offsets)
        return start, end, deadline

    def build(self) -> dict[str, int]:
        for status, kind, title, criteria, prizes, accepts in PLAN:
            competition = self.competition(status, kind, title, accepts)
            self.scheme(competition, criteria, prizes)
            if status in ENTRIES:
                entries = self.entries(competition, ENTRIES[status])
                self.reports(competition, entries)
                if status in (S.REVIEWING, S.CLOSED, S.COMMENDED):
                    self.judging(competition, entries)
                if status in (S.CLOSED, S.COMMENDED):
                    self.freeze(competition)
                if status == S.COMMENDED:
                    self.award(competition)
        return self.counts

    def competition(self, status: str, kind: str, title: str, accepts: str) -> Competition:
        start, end, deadline = self.period(status)
        created = min(self.at(start - datetime.timedelta(days=45), 9), timezone.now() - datetime.timedelta(days=6))
        year = start.year
        submitted = status not in (S.DRAFT,)
        approved = status not in (S.DRAFT, S.SUBMITTED, S.RETURNED)
        c = Competition(
            title=f"{year}年{title}", kind=kind, organiser=self.district, level=Competition.level_of(self.district),
            description=f"为弘扬劳模精神、劳动精神、工匠精神，{self.district.name}组织开展本次竞赛。",
            accepts_units=accepts in ("all", "unit"), accepts_teams=accepts in ("all", "team"),
            accepts_individuals=accepts in ("all", "individual"),
            starts_on=start, ends_on=end, entry_deadline=deadline, approver=Competition.Approver.OWN_LEADERS,
            drop_extremes_from=3 if status == S.COMMENDED else None,
            tie_rule=Competition.TieRule.TOP_CRITERION,
            results=Competition.Results.PUBLIC if status == S.COMMENDED else Competition.Results.PORTAL,
            status=status, created_by=self.staff, created_at=created,
        )  # fmt: skip
        if submitted:
            c.submitted_at = created + datetime.timedelta(days=2)
        if status == S.RETURNED:
            c.return_reason, c.returned_at = RETURN_REASON, created + datetime.timedelta(days=4)
        if approved:
            c.approved_by, c.approved_at = self.leader, created + datetime.timedelta(days=5)
        if status in (S.CLOSED, S.COMMENDED):
            c.closed_by, c.closed_at = self.staff, self.at(end + datetime.timedelta(days=10), 16)
        if status == S.COMMENDED:
            c.commended_at = self.at(end + datetime.timedelta(days=20), 10)
        c.save()
        self.bump(f"competitions_{status}")
        return c

    def scheme(self, c: Competition, criteria, prizes) -> None:
        Criterion.objects.bulk_create(
            Criterion(competition=c, order=n, name=name, weight=Decimal(w), max_score=Decimal(m))
            for n, (name, w, m) in enumerate(criteria, start=1)
        )
        Prize.objects.bulk_create(Prize(competition=c, grade=grade, count=count) for grade, count in prizes)
        # Two stages splitting the period; reports due a week after each, judging by the end.
        middle = c.starts_on + (c.ends_on - c.starts_on) / 2
        Stage.objects.bulk_create(
            [
                Stage(competition=c, order=1, name="初赛（基层选拔）", starts_on=c.starts_on, ends_on=middle,
                      report_due=middle + datetime.timedelta(days=7)),
                Stage(competition=c, order=2, name="决赛（集中比赛）", starts_on=middle + datetime.timedelta(days=1),
                      ends_on=c.ends_on, report_due=c.ends_on, judging_due=c.ends_on + datetime.timedelta(days=7)),
            ]
        )  # fmt: skip

    def kinds_of(self, c: Competition) -> list[str]:
        return [
            k
            for k, on in ((Entry.Kind.UNIT, c.accepts_units), (Entry.Kind.TEAM, c.accepts_teams),
                          (Entry.Kind.INDIVIDUAL, c.accepts_individuals))
            if on
        ]  # fmt: skip

    def entries(self, c: Competition, count: int) -> list[Entry]:
        """The clerk's union first, then others of the district; statuses as the competition allows."""
        unions = [self.clerk_union, *self.rng.sample(self.others, min(count - 1, len(self.others)))]
        kinds = self.kinds_of(c)
        rows, used_members = [], set()
        last_entry_day = min(c.entry_deadline, self.ago(1))
        first_entry_day = min(c.approved_at.date() + datetime.timedelta(days=1), last_entry_day)
        for n, union in enumerate(unions):
            kind = kinds[n % len(kinds)]
            entered = self.at(
                first_entry_day + datetime.timedelta(days=self.rng.randrange((last_entry_day - first_entry_day).days + 1)),
                9 + n % 8, n,
            )  # fmt: skip
            clerk = self.clerk if union == self.clerk_union else self.staff
            employer = union.employer_name or union.name.removesuffix("工会委员会").removesuffix("工会")
            e = Entry(competition=c, union=union, kind=kind, unit_name=employer, entered_by=clerk, entered_at=entered)
            if kind == Entry.Kind.UNIT:
                e.name, e.person_times = employer, self.rng.randint(30, 300)
            elif kind == Entry.Kind.TEAM:
                e.name = f"{employer}{self.rng.choice(TEAMS)}"
                e.team_leader, e.team_size = person(self.rng), self.rng.randint(5, 15)
                e.person_times = e.team_size * self.rng.randint(1, 4)
            else:
                member = (
                    Member.objects.filter(union=union, status=Member.Status.ACTIVE).exclude(pk__in=used_members)
                    .order_by("pk").first()
                )  # fmt: skip
                if member is not None:
                    used_members.add(member.pk)
                    e.member, e.name = member, member.name
                else:
                    e.name = person(self.rng)  # a named person and their unit
                e.person_times = 1
            e.status = self.entry_status(c, n)
            if e.status != Entry.Status.ENTERED:
                e.decided_by, e.decided_at = self.staff, min(entered + datetime.timedelta(days=3), timezone.now())
            if e.status == Entry.Status.REFUSED:
                e.refuse_reason = REFUSE_REASON
            if e.status == Entry.Status.WITHDRAWN:
                e.decided_by, e.decided_at = clerk, min(entered + datetime.timedelta(days=5), timezone.now())
            rows.append(e)
        rows = Entry.objects.bulk_create(rows)
        self.bump("entries", len(rows))
        return rows

    def entry_status(self, c: Competition, n: int) -> str:
        E = Entry.Status
        if c.status == S.APPROVED:
            return E.ENTERED if n % 2 == 0 else E.ACCEPTED  # the clerk's waits for the organiser
        if c.status == S.RUNNING:
            # The clerk's accepted; two waiting for the organiser, one refused, one withdrawn.
            return {1: E.ENTERED, 2: E.ENTERED, 3: E.REFUSED, 4: E.WITHDRAWN}.get(n, E.ACCEPTED)
        return {5: E.REFUSED}.get(n, E.ACCEPTED)

    def reports(self, c: Competition, entries: list[Entry]) -> None:
        """Stage reports of the stages whose report date has come (running: the first stage's, not all)."""
        if c.status not in (S.RUNNING, S.REVIEWING, S.CLOSED, S.COMMENDED):
            return
        stages = list(c.stages.order_by("order"))
        for stage in stages:
            due = stage.report_due
            if due > self.today and c.status != S.RUNNING:
                continue
            for n, entry in enumerate(e for e in entries if e.status == Entry.Status.ACCEPTED):
                if c.status == S.RUNNING and (stage.order > 1 or n % 3 == 2):
                    continue  # the running one: a third of the first stage's reports still to come
                handed = min(self.at(due - datetime.timedelta(days=1 + n % 5), 15), timezone.now())
                report = StageReport.objects.create(
                    entry=entry, stage=stage, submitted_by=entry.entered_by, submitted_at=handed,
                    summary=f"{entry.name}在{stage.name}中组织参赛{entry.person_times}人次，开展岗位练兵和技术比武，"
                    "完成阶段目标。",
                )  # fmt: skip
                self.bump("stage_reports")
                if n % 2 == 0:
                    name = f"{stage.name}总结.pdf"
                    f = StageReportFile(report=report, original_name=name, size=len(PDF))
                    f.file.save(name, ContentFile(PDF), save=False)
                    f.save()
                    self.bump("stage_report_files")

    def judging(self, c: Competition, entries: list[Entry]) -> None:
        """Three judges; demo-judge (first) conflicts with one entering union, in the open competition
        they have scored about half the rest and have one sheet started."""
        criteria = list(c.criteria.order_by("order"))
        accepted = [e for e in entries if e.status == Entry.Status.ACCEPTED]
        declared = self.at(c.ends_on - datetime.timedelta(days=5), 9)
        judges = []
        for user, (_u, name, title) in zip(self.judge_users, (JUDGE, *OTHER_JUDGES), strict=True):
            judges.append(Judge.objects.create(
                competition=c, user=user, name=name, title=title, assigned_by=self.staff,
                assigned_at=declared - datetime.timedelta(days=3), conflicts_declared_at=declared,
            ))  # fmt: skip
        self.bump("judges", len(judges))
        forget_judging(*(judge.user_id for judge in judges))  # their menus gain "My judging" at once
        demo = judges[0]
        conflicted = accepted[-1] if c.status == S.REVIEWING else None
        if conflicted is not None:
            JudgeConflict.objects.create(
                judge=demo, union=conflicted.union, note="本人曾在该单位工作", declared_at=declared
            )
            self.bump("judge_conflicts")
        for judge in judges:
            for n, entry in enumerate(accepted):
                if judge == demo and entry == conflicted:
                    continue  # hidden from them: no sheet
                done = True
                if judge == demo and c.status == S.REVIEWING:
                    if n % 2 == 1:
                        continue  # still to score
                    done = n != 2  # one sheet started, not finished
                sheet = Scoresheet.objects.create(
                    judge=judge, entry=entry, completed_at=min(self.at(c.ends_on, 14, n), timezone.now()) if done else None
                )  # fmt: skip
                scored = criteria if done else criteria[:1]
                Score.objects.bulk_create(
                    Score(sheet=sheet, criterion=cr, value=self.score(cr.max_score),
                          comment="操作规范，完成质量较高。" if k == 0 and n % 3 == 0 else "")
                    for k, cr in enumerate(scored)
                )  # fmt: skip
                self.bump("score_sheets")
                self.bump("scores", len(scored))

    def score(self, maximum: Decimal) -> Decimal:
        return (maximum * Decimal(self.rng.uniform(0.6, 0.98))).quantize(Decimal("0.5"))

    def freeze(self, c: Competition) -> None:
        """The ranking as closing freezes it: every accepted entry, from its completed sheets."""
        placed = rank_competition(c)
        by_id = {p.entry_id: p for p in placed}
        entries = list(c.entries.filter(pk__in=by_id))
        for e in entries:
            e.final_score, e.rank = by_id[e.pk].final_score, by_id[e.pk].rank
        Entry.objects.bulk_update(entries, ["final_score", "rank"])

    def award(self, c: Competition) -> None:
        prizes = {p.grade: p for p in c.prizes.all()}
        counts = [(p.grade, p.count) for p in sorted(prizes.values(), key=lambda p: p.position)]
        placed = list(c.entries.filter(rank__isnull=False).order_by("rank", "id"))
        grades = ranking.prize_positions(counts, [ranking.Placed(e.pk, e.final_score, e.rank) for e in placed])
        awards = [
            Award(entry=e, prize=prizes[grades[e.pk]], number=certificate_number(c.pk, e.rank), awarded_by=self.staff,
                  awarded_at=c.commended_at)
            for e in placed if e.pk in grades
        ]  # fmt: skip
        Award.objects.bulk_create(awards)
        self.bump("awards", len(awards))


def rank_competition(c: Competition) -> list[ranking.Placed]:
    """``campaigns.ranking.rank`` over the competition's accepted entries and completed sheets."""
    criteria = [
        ranking.CriterionRule(id=cr.pk, weight=cr.weight, max_score=cr.max_score, order=cr.order)
        for cr in c.criteria.all()
    ]
    sheets: dict[int, list[dict[int, Decimal]]] = {}
    scores = Score.objects.filter(
        sheet__entry__competition=c, sheet__entry__status=Entry.Status.ACCEPTED, sheet__completed_at__isnull=False
    ).values_list("sheet_id", "sheet__entry_id", "criterion_id", "value")
    by_sheet: dict[int, dict[int, Decimal]] = {}
    for sheet_id, entry_id, criterion_id, value in scores:
        by_sheet.setdefault(sheet_id, {})[criterion_id] = value
        sheets.setdefault(entry_id, [])
        if by_sheet[sheet_id] not in sheets[entry_id]:
            sheets[entry_id].append(by_sheet[sheet_id])
    entries = [
        ranking.EntryScores(entry_id=pk, entered_at=at, sheets=sheets[pk])
        for pk, at in c.entries.filter(status=Entry.Status.ACCEPTED, pk__in=sheets).values_list("pk", "entered_at")
    ]
    return ranking.rank(entries, criteria, drop_extremes_from=c.drop_extremes_from, tie_rule=c.tie_rule)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞"


def person(rng: Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def ensure_judges() -> list[User]:
    """demo-judge (signs in with the demo password, no staff role) and two judges who cannot sign in."""
    users = []
    for n, (username, name, _title) in enumerate((JUDGE, *OTHER_JUDGES)):
        user = User.objects.filter(username=username).first()
        if user is None:
            email = f"{username}@{DEMO_EMAIL_DOMAIN}"
            user = User(username=username, name=name, email=email)
            if n == 0:
                user.password = make_password(DEMO_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
            if n == 0:
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        users.append(user)
    return users


def ensure_campaigns(city: Union) -> dict[str, int]:
    """The demo competitions, once: {} when the district organises competitions already."""
    accounts = {u.username: u for u in User.objects.filter(username__in=[ORGANISER, LEADER, CLERK])}
    if len(accounts) < 3:
        raise CommandError("No demo accounts: run manage.py seed_demo first. 请先运行 seed_demo。")
    role = Role.objects.filter(
        user=accounts[ORGANISER], kind=Role.Kind.FEDERATION_STAFF, union__path__startswith=city.path
    ).select_related("union")
    district = role[0].union if role else None
    if district is None or district.kind != Union.Kind.DISTRICT_FEDERATION:
        raise CommandError(f"{ORGANISER} is not federation staff of a demo district: run manage.py seed_demo first.")
    judges = ensure_judges()
    if Competition.objects.filter(organiser=district).exists():
        return {}
    return DemoCampaigns(district, accounts[ORGANISER], accounts[LEADER], accounts[CLERK], judges).build()


class Command(BaseCommand):
    help = "Give the demo district competitions in every state, entries, judging and prizes (once)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off. Never in production.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭：演示账号使用公开的密码，不能出现在生产环境。确需执行，请加 --force。\n"
                "DEBUG is off: demo accounts share a published password and must not reach production. "
                "Add --force only if you really mean it."
            )
        city = Union.objects.filter(depth=1, name=CITY_NAME).first()
        if city is None:
            raise CommandError("No demo city: run manage.py seed_demo first. 请先运行 seed_demo。")
        with transaction.atomic():
            written = ensure_campaigns(city)
        if written:
            self.stdout.write("竞赛 Campaigns: " + ", ".join(f"{key} {value}" for key, value in written.items()) + ".")
        else:
            self.stdout.write("竞赛 Campaigns: the demo district has its competitions already; nothing added.")
        self.stdout.write(
            f"{JUDGE[0]} 是评委（无工作人员角色）is a judge with no staff role, password {DEMO_PASSWORD}; "
            f"{CLERK} 可报名参赛 can enter competitions."
        )
