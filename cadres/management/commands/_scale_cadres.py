"""The scale city's cadres (written when ``seed_scale`` says the city is seeded: ``members_seeded``).

At the issue's size: 5,000 cadres, 300 classes a year and 45,000 attendance rows a year over five
years (with the enrolments and credits the attendance implies), training filed afterwards, the four
years before this one closed in the ledger, 400 secondments and 400 stays, 60 task forces, last
year's published assessment round and this year's open one. A city of fewer than 100,000 members gets
proportionally fewer (a test's city a few dozen cadres).

Written with PostgreSQL ``COPY`` and ``bulk_create``, never a save per row, within the rules the
services keep: nobody credited past the one-seventh leave limit, one secondment at a time, 优秀 within
each unit's share. Planned from ``random.Random(seed)`` against the seed's day: the same data again.
"""

import datetime
import importlib
import math
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from django.db import connection
from django.utils import timezone

from accounts.models import User
from unions.models import Union

TABLES = (
    *("cadres_cadre", "cadres_trainingclass", "cadres_enrolment", "cadres_attendance", "cadres_externaltraining"),
    *("cadres_ledgerentry", "cadres_secondment", "cadres_grassrootsstay", "cadres_taskforce"),
    *("cadres_taskforcemember", "cadres_assessment", "cadres_politicalreview", "cadres_rotation"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红梅玉文斌春燕海晓东丹宇浩然子涵欣怡梓轩雨桐诺思远佳俊"
OFFICER = "scale-cadre-city"
FULL_SIZE_MEMBERS = 100_000
# Node kind → [(post, rank, employment, weight)].
POSTS = {
    "city_federation": [("副主席", "county_division", 1), ("部长", "county_division", 2), ("副部长", "township_section", 3),
                        ("科员", "staff", 6)],
    "district_federation": [("主席", "county_division", 1), ("副主席", "township_section", 2), ("部长", "township_section", 3),
                            ("科员", "staff", 6), ("办事员", "clerk", 2)],
    "industry_union": [("主席", "county_division", 1), ("副主席", "township_section", 2), ("科员", "staff", 5)],
    "street_federation": [("工会主席", "township_section", 1), ("工会专干", "staff", 3), ("办事员", "clerk", 1)],
    "grassroots_union": [("工会主席", "township_section", 1), ("工会专干", "staff", 2), ("经审委员", "clerk", 1)],
}  # fmt: skip
POSTS["joint_union"] = POSTS["grassroots_union"]
CATEGORIES = ("political_theory", "union_work", "law", "skills", "integrity", "union_work")
TOPICS = (
    "履职能力提升",
    "新就业形态劳动者入会",
    "劳动法律实务",
    "经费审查",
    "清廉工会建设",
    "集体协商",
    "劳动竞赛组织",
)
HOSTS = ("高新区管委会", "恒通机械有限公司", "公共交通集团", "人民医院", "物流园区", "职业技术学院", "华瑞电子有限公司")
HOST_KINDS = ("park", "enterprise", "enterprise", "public_institution", "park", "public_institution", "enterprise")


@dataclass
class CadrePlan:
    """How much to write; every count follows ``cadres`` as the issue's city (5,000) does."""

    cadres: int = 5_000
    classes_per_year: int = 300
    attendance_per_year: int = 45_000
    years: int = 5
    secondments: int = 400
    stays: int = 400
    task_forces: int = 60

    @classmethod
    def for_members(cls, members: int) -> "CadrePlan":
        f = min(1.0, members / FULL_SIZE_MEMBERS)
        return cls(
            cadres=max(40, round(5_000 * f)), classes_per_year=max(4, round(300 * f)),
            attendance_per_year=max(200, round(45_000 * f)), secondments=max(6, round(400 * f)),
            stays=max(6, round(400 * f)), task_forces=max(3, round(60 * f)),
        )  # fmt: skip


def ensure_default_rules() -> None:
    """The hours rules and settings the migration makes: reseeding empties every table that refers to a
    user (TRUNCATE … CASCADE reaches the rules through ``updated_by``)."""
    from cadres.models import CadreSettings, HoursRule

    defaults = importlib.import_module("cadres.migrations.0002_default_rules")
    for rank, hours, period in defaults.DEFAULT_RULES:
        HoursRule.objects.get_or_create(
            rank=rank, starts_year=defaults.FROM_YEAR, defaults={"hours": hours, "period_years": period}
        )
    CadreSettings.current()


class ScaleCadres:
    def __init__(self, plan: CadrePlan, today: datetime.date, seed: int = 2026) -> None:
        self.plan, self.today, self.year = plan, today, today.year
        self.rng = Random(seed)  # noqa: S311 - planned data, not secrets
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
        self.figures: dict[str, int] = {}

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    def build(self, city: Union) -> dict[str, int]:
        ensure_default_rules()
        self.city = city
        self.officer = User.objects.filter(username=OFFICER).first() or User.objects.order_by("pk").first()
        self.write_cadres()
        self.write_classes()
        self.write_external()
        self.analyze()  # closing the years reads what was just written: the planner needs its statistics
        self.close_years()
        self.write_postings()
        self.write_task_forces()
        self.write_political_and_rotations()
        self.write_assessments()
        self.analyze()
        return self.figures

    def analyze(self) -> None:
        """The planner's statistics (VACUUM cannot run inside the seed's transaction; ANALYZE can)."""
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")

    # --- cadres ------------------------------------------------------------------------------------
    def places(self) -> list[Union]:
        """Where the cadres serve: every federation node, and the largest member-holding unions."""
        nodes = list(Union.objects.filter(path__startswith=self.city.path).exclude(
            kind__in=["grassroots_union", "joint_union"]).order_by("path"))  # fmt: skip
        federations = sum(len(POSTS[n.kind]) * 3 for n in nodes)
        unions = list(
            Union.objects.filter(
                path__startswith=self.city.path, kind__in=["grassroots_union", "joint_union"]
            ).order_by("-employer_staff_count", "path")[: max(1, (self.plan.cadres - federations) // 3)]
        )
        return nodes + unions

    def write_cadres(self) -> None:
        rng, n = self.rng, self.plan.cadres
        places = self.places()
        weights = [
            {"city_federation": 40, "district_federation": 25, "industry_union": 12}.get(p.kind, 6) for p in places
        ]
        # Every place at least one cadre, the rest dealt by weight.
        where = places[:n] + rng.choices(places, weights, k=max(0, n - len(places)))
        columns = (
            "union_id, user_id, name, sex, birth_date, mobile, post, rank, employment, political_status, education, "
            "in_post_since, status, status_changed_on, created_at, updated_at"
        )
        with connection.cursor() as cursor:
            self.copy_cadres(cursor, columns, where)
            cursor.execute(
                "SELECT c.id, u.path, c.rank, c.status, c.status_changed_on, c.union_id, c.birth_date "
                "FROM cadres_cadre c JOIN members_union u ON u.id = c.union_id "
                "WHERE u.path LIKE %s ORDER BY c.id",
                [self.city.path + "%"],
            )
            self.cadres = cursor.fetchall()
        self.figures["cadres"] = len(self.cadres)

    def copy_cadres(self, cursor, columns: str, where: list[Union]) -> None:
        rng, year = self.rng, self.year
        with cursor.cursor.copy(f"COPY cadres_cadre ({columns}) FROM STDIN") as copy:
            for k, union in enumerate(sorted(where, key=lambda u: u.path)):
                post, rank, _w = rng.choices(POSTS[union.kind], [p[2] for p in POSTS[union.kind]])[0]
                young = rng.random() < {"staff": 0.5, "clerk": 0.7, "township_section": 0.1}.get(rank, 0)
                first, last = (year - 33, year - 24) if young else (year - 58, year - 36)
                born = self.day(datetime.date(first, 1, 1), datetime.date(last, 12, 31))
                since = self.day(max(datetime.date(born.year + 23, 7, 1), datetime.date(2008, 1, 1)),
                                 datetime.date(year - 1, 6, 30))  # fmt: skip
                roll, status, changed = rng.random(), "in_post", None
                if roll < 0.05:
                    status = "left" if roll < 0.03 or young else "retired"
                    changed = self.day(datetime.date(year - 2, 1, 1), self.today)
                employment = "part_time" if post == "工会主席" and union.depth > 3 else "full_time"
                education = rng.choice(("bachelor", "bachelor", "postgraduate", "college"))
                political = rng.choices(("cpc_member", "cyl_member", "none"), (85, 8 if young else 1, 7))[0]
                copy.write_row((union.pk, None, rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2)))),
                                rng.choice("MMF"), born, f"17{k:09d}", post, rank, employment, political, education,
                                since, status, changed, self.now, self.now))  # fmt: skip

    # --- training ----------------------------------------------------------------------------------
    def organisers(self) -> list[tuple[Union, list[tuple]]]:
        nodes = Union.objects.filter(path__startswith=self.city.path).exclude(
            kind__in=["grassroots_union", "joint_union"]
        )
        subtree = []
        for node in nodes.order_by("path"):
            people = [c for c in self.cadres if c[1].startswith(node.path)]
            if len(people) >= 5:
                subtree.append((node, people))
        return subtree

    def write_classes(self) -> None:
        from cadres.models import TrainingClass

        rng, plan = self.rng, self.plan
        organisers = self.organisers()
        weights = [{1: 25, 2: 4}.get(node.depth, 1) for node, _p in organisers]
        classes, audiences = [], []
        for year in range(self.year - plan.years + 1, self.year + 1):
            picks = sorted(rng.choices(range(len(organisers)), weights, k=plan.classes_per_year),
                           key=lambda i: -organisers[i][0].depth)  # fmt: skip
            online = [rng.random() < 0.15 for _i in picks]
            # A twentieth of enrolments end cancelled or withdrawn (fewer days): aim that much higher.
            remaining, left = plan.attendance_per_year * 1.04, online.count(False)
            for n, i in enumerate(picks):
                node, people = organisers[i]
                start = datetime.date(year, 1, 8) + datetime.timedelta(days=rng.randrange(340))
                is_online = online[n]
                days = 1 if is_online else rng.choice((1, 2, 2, 3, 3, 5))
                end = start + datetime.timedelta(days=14 if is_online else days - 1)
                hours = Decimal(rng.choice((8, 10, 12, 16))) if is_online else Decimal(days * 7)
                if is_online:
                    size = min(len(people), rng.randint(20, 80))
                else:
                    quota = remaining / max(1, left)
                    size = min(len(people), max(5, round(quota / days)))
                    left -= 1
                status = "finished" if end < self.today else "planned" if start > self.today else "open"
                classes.append(TrainingClass(
                    organiser=node, title=f"{year}年{node.name.removesuffix('总工会')}{rng.choice(TOPICS)}培训班第{n + 1}期",
                    category=rng.choice(CATEGORIES), mode="online" if is_online else "in_person", starts_on=start,
                    ends_on=end, credit_hours=hours, capacity=None, audience="chosen", status=status,
                    created_by=self.officer, created_at=self.at(start - datetime.timedelta(days=20), 9),
                    finished_at=self.at(end + datetime.timedelta(days=1), 10) if status == "finished" else None,
                ))  # fmt: skip
                chosen = self.audience(people, end, size)
                audiences.append(chosen)
                if not is_online and status != "planned":
                    remaining -= len(chosen) * days
        classes = TrainingClass.objects.bulk_create(classes, batch_size=1000)
        self.write_enrolments(classes, audiences)

    def audience(self, people: list[tuple], end: datetime.date, size: int) -> list[tuple]:
        """``size`` cadres serving on the class's last day (those who left later still count)."""
        sample = self.rng.sample(people, min(len(people), size + size // 10 + 2))
        return [c for c in sample if c[3] == "in_post" or c[4] > end][:size]

    def write_enrolments(self, classes, audiences) -> None:
        rng, d = self.rng, datetime.timedelta
        columns = "training_class_id, cadre_id, required, status, absent_hours, credited_hours, enrolled_at"
        plans = []
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY cadres_enrolment ({columns}) FROM STDIN") as copy:
                for training_class, chosen in zip(classes, audiences, strict=True):
                    enrolled = self.at(training_class.starts_on - d(days=10), 9)
                    days = [training_class.starts_on + d(days=k) for k in range(training_class.days)]
                    online = training_class.mode == "online"
                    for cadre in chosen:
                        status, absent, credited, attended = "enrolled", 0, 0, []
                        if training_class.status == "open":
                            attended = [] if online else [day for day in days if day <= self.today]
                        elif training_class.status == "finished":
                            roll = rng.random()
                            if roll < 0.03 and not online:
                                # Away a whole day (all of a one-day class): over a seventh, nothing credited.
                                status, absent, attended = (
                                    "withdrawn",
                                    training_class.credit_hours / len(days),
                                    days[1:],
                                )
                            elif roll < 0.05:
                                status = "cancelled"
                            else:
                                status, credited, attended = (
                                    "completed",
                                    training_class.credit_hours,
                                    [] if online else days,
                                )
                                if roll < 0.1 and not online:
                                    absent = min(Decimal(1), (training_class.credit_hours / 7).quantize(Decimal("0.1")))
                        copy.write_row((training_class.pk, cadre[0], True, status, absent, credited, enrolled))
                        if attended:
                            plans.append((training_class.pk, cadre[0], attended))
            cursor.execute("SELECT training_class_id, cadre_id, id FROM cadres_enrolment WHERE training_class_id = ANY(%s)",
                           [[c.pk for c in classes]])  # fmt: skip
            ids = {(class_id, cadre_id): pk for class_id, cadre_id, pk in cursor.fetchall()}
            self.figures["enrolments"] = len(ids)
            rows = 0
            columns = "enrolment_id, on_date, signed_in_at, signed_out_at, source, sheet_id"
            with cursor.cursor.copy(f"COPY cadres_attendance ({columns}) FROM STDIN") as copy:
                for class_id, cadre_id, attended in plans:
                    for day in attended:
                        out = self.at(day, 17, rng.randrange(30, 59)) if day < self.today else None
                        source = rng.choice(("qr", "qr", "officer", "sheet"))
                        copy.write_row((ids[(class_id, cadre_id)], day, self.at(day, 8, rng.randrange(20, 59)), out,
                                        source if source != "sheet" else "officer", None))  # fmt: skip
                        rows += 1
        self.figures.update(classes=len(classes), attendance=rows)

    def write_external(self) -> None:
        """A year of online study filed afterwards by about half the cadres each year; a few waiting."""
        rng, rows = self.rng, 0
        columns = (
            "cadre_id, title, provider, mode, starts_on, ends_on, hours, certificate, status, filed_by_id, filed_at, "
            "reviewed_by_id, reviewed_at, return_reason"
        )
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY cadres_externaltraining ({columns}) FROM STDIN") as copy,
        ):
            for year in range(self.year - self.plan.years + 1, self.year + 1):
                end = datetime.date(year, 11, 30) if year < self.year else self.today - datetime.timedelta(days=3)
                for cadre in self.cadres:
                    if rng.random() > (0.5 if year < self.year else 0.2):
                        continue
                    status = "approved" if year < self.year or rng.random() < 0.8 else "submitted"
                    hours = rng.choice((60, 80, 100)) if cadre[2] == "county_division" else rng.choice((24, 40, 56))
                    filed = self.at(end, 15)
                    copy.write_row((cadre[0], f"{year}年度工会干部网络学习", "网上工会干部学院", "online",
                                    end - datetime.timedelta(days=300), end, hours, "cadres/certificates/scale.pdf", status,
                                    self.officer.pk, filed, self.officer.pk if status == "approved" else None,
                                    filed if status == "approved" else None, ""))  # fmt: skip
                    rows += 1
        self.figures["external_training"] = rows

    def close_years(self) -> None:
        """The years before this one are closed, oldest first, as the January task closes them."""
        from cadres.ledger import ledger_rows
        from cadres.models import Cadre, LedgerEntry, LedgerYear

        entries = 0
        cadres = Cadre.objects.filter(pk__in=[c[0] for c in self.cadres]).order_by("pk")
        for year in range(self.year - self.plan.years + 1, self.year):
            rows = ledger_rows(cadres, year)
            LedgerEntry.objects.bulk_create(
                (LedgerEntry(cadre_id=r.cadre_id, year=year, rank=r.rank, union_id=r.union_id, owed=r.owed,
                             in_person=r.in_person, online=r.online, counted=r.counted, short=r.short) for r in rows),
                batch_size=2000,
            )  # fmt: skip
            LedgerYear.objects.get_or_create(year=year, defaults={"closed_by": self.officer,
                                                                  "closed_at": self.at(datetime.date(year + 1, 1, 10), 2)})  # fmt: skip
            entries += len(rows)
        self.figures["ledger_entries"] = entries

    # --- postings, task forces, the file, assessments ----------------------------------------------
    def write_postings(self) -> None:
        """One secondment or stay per cadre chosen (so none overlaps another), states from the dates."""
        from cadres.models import GrassrootsStay, Secondment

        rng, d, today = self.rng, datetime.timedelta, self.today
        people = rng.sample([c for c in self.cadres if c[3] == "in_post"],
                            min(self.plan.secondments + self.plan.stays, len(self.cadres) // 2))  # fmt: skip
        unions = list(
            Union.objects.filter(path__startswith=self.city.path, kind="grassroots_union").values_list("pk", flat=True)[
                :500
            ]
        )
        secondments, stays = [], []
        for n, cadre in enumerate(people):
            start = today - d(days=rng.randrange(-60, 4 * 365))
            end = start + d(
                days=rng.choice((30, 90, 180, 365)) if n < self.plan.secondments else rng.choice((14, 30, 60))
            )
            due = end + d(days=30)
            if start > today:
                status = "planned"
            elif end >= today:
                status = "active"
            elif due >= today - d(days=30) or rng.random() < 0.1:
                status = "report_due"
            else:
                status = "reviewed" if n >= self.plan.secondments or rng.random() < 0.3 else "closed"
            handed_in = status in ("reviewed", "closed") or (status == "report_due" and rng.random() < 0.5)
            report = {
                "report_due_on": due if status != "planned" else None,
                "report_title": "调研报告" if handed_in else "",
                "report_submitted_at": self.at(min(due, today), 16) if handed_in else None,
                "review_grade": rng.choice(("excellent", "good", "good", "fair")) if status in ("reviewed", "closed") else "",
                "reviewed_by": self.officer if status in ("reviewed", "closed") else None,
                "reviewed_at": self.at(min(due + d(days=7), today), 11) if status in ("reviewed", "closed") else None,
            }  # fmt: skip
            if n < self.plan.secondments:
                k = n % len(HOSTS)
                secondments.append(Secondment(
                    cadre_id=cadre[0], host_name=f"规模测试市{HOSTS[k]}", host_kind=HOST_KINDS[k], post_at_host="挂职副职",
                    planned_start=start, planned_end=end, actual_start=start if start <= today else None,
                    actual_end=end if end < today else None, status=status, created_by=self.officer,
                    host_grade=report["review_grade"], **report,
                ))  # fmt: skip
            else:
                stays.append(GrassrootsStay(cadre_id=cadre[0], union_id=rng.choice(unions) if unions else None,
                                            employer_name="" if unions else "快递网点", starts_on=start, ends_on=end,
                                            status="reviewed" if status == "closed" else status,
                                            created_by=self.officer, **report))  # fmt: skip
        Secondment.objects.bulk_create(secondments, batch_size=1000)
        GrassrootsStay.objects.bulk_create(stays, batch_size=1000)
        self.figures.update(secondments=len(secondments), stays=len(stays))

    def write_task_forces(self) -> None:
        from cadres.models import TaskForce, TaskForceMember

        rng, d = self.rng, datetime.timedelta
        organisers = [o for o in self.organisers() if o[0].depth <= 2]
        forces, members = [], []
        for n in range(self.plan.task_forces):
            node, people = organisers[n % len(organisers)]
            serving = [c for c in people if c[3] == "in_post"]
            start = self.today - d(days=rng.randrange(30, 3 * 365))
            end = start + d(days=rng.choice((90, 180, 270)))
            status = "active" if end >= self.today else "assessing" if end > self.today - d(days=30) else "closed"
            chosen = rng.sample(serving, min(len(serving), rng.randint(6, 15)))
            forces.append(TaskForce(organiser=node, name=f"{node.name.removesuffix('总工会')}{rng.choice(TOPICS)}工作专班{n + 1}",
                                    purpose="专项工作", lead_id=chosen[0][0], starts_on=start, ends_on=end, status=status,
                                    created_by=self.officer))  # fmt: skip
            members.append((chosen[1:], start, end, status))
        forces = TaskForce.objects.bulk_create(forces)
        rows = []
        for force, (chosen, start, end, status) in zip(forces, members, strict=True):
            for cadre in chosen:
                graded = status == "closed" or (status == "assessing" and rng.random() < 0.5)
                rows.append(TaskForceMember(task_force=force, cadre_id=cadre[0], joined_on=start,
                                            grade=rng.choice(("excellent", "good", "fair")) if graded else "",
                                            assessed_by=self.officer if graded else None,
                                            assessed_at=self.at(min(end + d(days=5), self.today), 10) if graded else None))  # fmt: skip
        TaskForceMember.objects.bulk_create(rows, batch_size=2000)
        self.figures.update(task_forces=len(forces), task_force_members=len(rows))

    def write_political_and_rotations(self) -> None:
        from cadres.models import PoliticalReview, Rotation

        rng, reviews, rotations = self.rng, [], []
        self.failed = set()
        for cadre in self.cadres:
            if cadre[2] == "county_division" or rng.random() < 0.2:
                conclusion = rng.choices(("excellent", "pass", "basic", "fail"), (20, 74, 5, 1))[0]
                if conclusion == "fail":
                    self.failed.add(cadre[0])
                on = self.day(datetime.date(self.year - 1, 11, 1), datetime.date(self.year - 1, 12, 20))
                reviews.append(PoliticalReview(cadre_id=cadre[0], assessed_on=on, conclusion=conclusion,
                                               recorded_by=self.officer, recorded_at=self.at(on, 15)))  # fmt: skip
            if rng.random() < 0.06:
                rotations.append(Rotation(cadre_id=cadre[0], on_date=self.day(datetime.date(self.year - 4, 1, 1), self.today),
                                          from_union_id=self.city.pk, from_post="科员", from_rank=cadre[2],
                                          to_union_id=cadre[5], to_post="科员", to_rank=cadre[2], recorded_by=self.officer))  # fmt: skip
        PoliticalReview.objects.bulk_create(reviews, batch_size=2000)
        Rotation.objects.bulk_create(rotations, batch_size=2000)
        self.figures.update(political_reviews=len(reviews), rotations=len(rotations))

    def write_assessments(self) -> None:
        """Last year's round at the city, published; this year's open: half handed in, a fifth graded."""
        from cadres.models import Assessment, AssessmentRound, CadreSettings

        rng, share = self.rng, CadreSettings.current().excellent_share_percent
        last = self.year - 1
        published = self.at(datetime.date(self.year, 1, 20), 10)
        old, new = AssessmentRound.objects.bulk_create([
            AssessmentRound(union=self.city, year=last, self_report_due=datetime.date(last, 12, 20), status="closed",
                            opened_by=self.officer, opened_at=self.at(datetime.date(last, 12, 1), 9)),
            AssessmentRound(union=self.city, year=self.year, self_report_due=self.today + datetime.timedelta(days=10),
                            opened_by=self.officer, opened_at=self.now - datetime.timedelta(days=12)),
        ])  # fmt: skip
        rows = []
        for round_, year in ((old, last), (new, self.year)):
            people = [c for c in self.cadres if c[3] == "in_post" or (year == last and c[4].year > last)]
            room = {}
            for cadre in people:
                room[cadre[5]] = room.get(cadre[5], 0) + 1
            room = {unit: math.floor(n * share / 100) for unit, n in room.items()}
            for cadre in people:
                roll = rng.random()
                status = (
                    "published"
                    if year == last
                    else "evaluated"
                    if roll < 0.2
                    else "self_reported"
                    if roll < 0.5
                    else "open"
                )
                grade = ""
                if status in ("published", "evaluated"):
                    grade = rng.choices(("excellent", "competent", "basic"), (25, 70, 5))[0]
                    if grade == "excellent":
                        if room[cadre[5]] > 0 and cadre[0] not in self.failed:
                            room[cadre[5]] -= 1
                        else:
                            grade = "competent"
                done = status != "open"
                rows.append(Assessment(
                    round=round_, cadre_id=cadre[0], year=year, unit_id=cadre[5], status=status,
                    self_report="本年度认真履职，完成各项任务。" if done else "", self_reported_at=self.now if done else None,
                    grade=grade, evaluated_by=self.officer if grade else None, evaluated_at=self.now if grade else None,
                    confirmed_by=self.officer if year == last else None, confirmed_at=published if year == last else None,
                    published_at=published if year == last else None,
                ))  # fmt: skip
        Assessment.objects.bulk_create(rows, batch_size=2000)
        self.figures["assessments"] = len(rows)


def seed_scale_cadres(today: datetime.date, plan: CadrePlan | None = None, seed: int = 2026) -> dict[str, int]:
    """Write the scale city's cadres (the city must be seeded); the counts written."""
    from members.management.commands._scale import CITY_NAME
    from members.models import Member

    city = Union.objects.get(depth=1, name=CITY_NAME)
    plan = plan or CadrePlan.for_members(Member.objects.filter(union__path__startswith=city.path).count())
    return ScaleCadres(plan, today, seed).build(city)


def on_members_seeded(sender, today, **kwargs) -> None:
    """``seed_scale`` wrote a city: give it its cadres, in the same transaction. Other seeds (a demo
    city has its own command) are left alone."""
    from members.management.commands._scale import CITY_NAME

    if connection.vendor == "postgresql" and Union.objects.filter(depth=1, name=CITY_NAME).exists():
        seed_scale_cadres(today)
