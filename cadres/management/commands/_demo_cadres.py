"""The demo city's cadre corps (used by ``seed_demo_cadres``, which ``seed_demo`` runs).

About 150 cadres at the city, its districts, industry unions and streets, and two years and a bit of
their records: classes with attendance and credited hours, training filed afterwards, a closed ledger
year, secondments and stays in every state, rotations, task forces, the political-quality file, last
year's published assessment round and this year's open one. Written straight into the tables in bulk,
yet within every rule the services keep (no overlapping secondments, 优秀 within each unit's share, no
优秀 after a failed political assessment, nobody credited past the one-seventh leave limit).

Planned from ``random.Random(2026)`` against today's date. Runs once: a demo city that already has
cadres is left as it is, so a second run adds nothing.
"""

import datetime
import math
from decimal import Decimal
from random import Random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from cadres.models import (
    Assessment,
    AssessmentGrade,
    AssessmentRound,
    Attendance,
    Cadre,
    CadreSettings,
    Employment,
    Enrolment,
    ExternalTraining,
    GrassrootsStay,
    HostKind,
    LedgerEntry,
    LedgerYear,
    PoliticalConclusion,
    PoliticalReview,
    PostingGrade,
    Rank,
    Rotation,
    Secondment,
    TaskForce,
    TaskForceMember,
    TrainingClass,
    TrainingMode,
)
from unions.credit_code import check_character
from unions.models import Union

R, G = Rank, AssessmentGrade
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华国志红梅玉燕文斌辉鹏晓东春雪峰晨阳建亮琳凯"
# username, name, mobile: the young cadre of the first district who signs in (like demo-member, by mobile too).
YOUNG_CADRE_ACCOUNT = ("demo-young-cadre", "林晓阳", "13800000002")
DEMO_OFFICER = "demo-cadre"
CERTIFICATE = "cadres/certificates/demo/certificate.pdf"
# A one-page PDF with nothing on it: what the demo's certificates and reports open as.
BLANK_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# Posts at each level: (post, rank, employment, how many).
CITY_POSTS = [
    ("主席", R.BUREAU, Employment.FULL_TIME, 1),
    ("副主席", R.COUNTY_DIVISION, Employment.FULL_TIME, 3),
    ("经审会主任", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("办公室主任", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("组织部部长", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("宣传教育部部长", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("权益保障部部长", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("基层工作部部长", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("组织部副部长", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 2),
    ("财务部副部长", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("挂职副部长", R.TOWNSHIP_SECTION, Employment.SECONDED_IN, 1),
    ("科员", R.STAFF, Employment.FULL_TIME, 7),
]
DISTRICT_POSTS = [
    ("主席", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("副主席", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 2),
    ("经审会主任", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("组织部部长", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("权益保障部部长", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("办公室主任", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("科员", R.STAFF, Employment.FULL_TIME, 3),
    ("办事员", R.CLERK, Employment.FULL_TIME, 1),
]
INDUSTRY_POSTS = [
    ("主席", R.COUNTY_DIVISION, Employment.FULL_TIME, 1),
    ("副主席", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("办公室主任", R.TOWNSHIP_SECTION, Employment.FULL_TIME, 1),
    ("科员", R.STAFF, Employment.FULL_TIME, 2),
]
STREET_POSTS = [
    ("工会主席", R.TOWNSHIP_SECTION, Employment.PART_TIME, 1),
    ("工会专干", R.STAFF, Employment.FULL_TIME, 1),
]
# Title, category, mode, days (in person) or hours (online).
CLASSES = [
    ("学习贯彻党的二十届三中全会精神专题培训班", "political_theory", TrainingMode.IN_PERSON, 3),
    ("工会干部履职能力提升培训班", "union_work", TrainingMode.IN_PERSON, 5),
    ("新就业形态劳动者入会工作专题培训班", "union_work", TrainingMode.IN_PERSON, 2),
    ("工会法律法规与职工维权实务培训班", "law", TrainingMode.IN_PERSON, 2),
    ("工会经费审查业务培训班", "skills", TrainingMode.IN_PERSON, 2),
    ("年轻干部成长训练营", "skills", TrainingMode.IN_PERSON, 5),
    ("清廉工会建设专题培训班", "integrity", TrainingMode.IN_PERSON, 1),
    ("基层工会主席轮训班", "union_work", TrainingMode.IN_PERSON, 3),
    ("网上工会干部学院专题在线学习", "political_theory", TrainingMode.ONLINE, 16),
    ("集体协商指导员培训班", "law", TrainingMode.IN_PERSON, 2),
    ("劳动和技能竞赛组织实务培训", "union_work", TrainingMode.IN_PERSON, 1),
    ("工会财务管理实务在线课程", "skills", TrainingMode.ONLINE, 12),
]
HOURS_PER_DAY = 7
HOSTS = [
    ("示范市高新技术产业园区管委会", HostKind.PARK, "", "园区工会工作指导员", "园区新就业形态劳动者建会入会"),
    ("示范市恒通精密机械有限公司", HostKind.ENTERPRISE, "91", "工会副主席", "企业民主管理与集体协商"),
    ("示范市公共交通集团有限公司", HostKind.ENTERPRISE, "91", "党群工作部副部长", "驾驶员职工之家建设"),
    ("示范市人民医院", HostKind.PUBLIC_INSTITUTION, "12", "院工会副主席", "医护人员关心关爱行动"),
    ("示范市滨江物流园区", HostKind.PARK, "", "园区联合工会副主席", "货车司机入会和服务站点建设"),
    ("示范市华瑞电子科技有限公司", HostKind.ENTERPRISE, "91", "行政人事部副经理", "产业工人技能提升"),
    ("示范市职业技术学院", HostKind.PUBLIC_INSTITUTION, "12", "继续教育学院副院长", "工匠人才培养"),
    ("示范市金辉新材料股份有限公司", HostKind.ENTERPRISE, "91", "工会专职副主席", "劳动和技能竞赛"),
]
REPORTS = [
    "关于园区新就业形态劳动者入会情况的调研报告",
    "一线职工急难愁盼问题调研报告",
    "关于企业工会民主管理现状的调查与思考",
    "货车司机群体权益保障调研报告",
    "关于小微企业建会难点的调研报告",
    "车间里的工会：当一周工人的所见所思",
]


class DemoCorps:
    """Plans and writes the corps; ``build()`` returns the counts it wrote."""

    def __init__(self, city: Union, officer: User, young_user: User) -> None:
        self.rng = Random(2026)  # noqa: S311 - planned data, not secrets
        self.today = timezone.localdate()
        self.year = self.today.year
        self.city, self.officer, self.young_user = city, officer, young_user
        self.mobiles = iter(f"139{n:08d}" for n in range(10_000, 99_999_999))
        self.counts: dict[str, int] = {}

    # --- helpers ------------------------------------------------------------------------------------
    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2, 2))))

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def credit_code(self, prefix: str) -> str:
        org = "".join(self.rng.choices("0123456789", k=8))
        check = 11 - sum(int(c) * w for c, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
        body = prefix + "369900" + org + {10: "X", 11: "0"}.get(check, str(check))
        return body + check_character(body)

    # --- the whole corps ----------------------------------------------------------------------------
    def build(self) -> dict[str, int]:
        self.write_cadres()
        self.write_rotations()
        self.write_classes()
        self.write_external()
        self.close_years()
        self.write_secondments()
        self.write_stays()
        self.write_task_forces()
        self.write_political()
        self.write_assessments()
        return self.counts

    def nodes(self) -> list[tuple[Union, list]]:
        children = list(Union.objects.get_children(self.city))
        places = [(self.city, CITY_POSTS)]
        places += [(n, DISTRICT_POSTS) for n in children if n.kind == Union.Kind.DISTRICT_FEDERATION]
        places += [(n, INDUSTRY_POSTS) for n in children if n.kind == Union.Kind.INDUSTRY_UNION]
        streets = Union.objects.filter(path__startswith=self.city.path, kind=Union.Kind.STREET_FEDERATION)
        for n, street in enumerate(streets.order_by("path")):
            places.append((street, STREET_POSTS if n % 6 else STREET_POSTS[1:]))
        return places

    def write_cadres(self) -> None:
        rng, year, cadres = self.rng, self.year, []
        self.first_district = None
        for union, posts in self.nodes():
            if self.first_district is None and union.kind == Union.Kind.DISTRICT_FEDERATION:
                self.first_district = union
            for post, rank, employment, count in posts:
                for _n in range(count):
                    young = rng.random() < {R.STAFF: 0.65, R.CLERK: 0.8, R.TOWNSHIP_SECTION: 0.12}.get(rank, 0)
                    if young:
                        born = self.day(datetime.date(year - 33, 1, 1), datetime.date(year - 24, 12, 31))
                    else:
                        born = self.day(datetime.date(year - 58, 1, 1), datetime.date(year - 37, 12, 31))
                    since = self.day(max(datetime.date(born.year + 23, 7, 1), datetime.date(2010, 1, 1)),
                                     datetime.date(year - 1, 6, 30))  # fmt: skip
                    cadres.append(
                        Cadre(
                            union=union, name=self.person(), sex=rng.choice("MMF"), birth_date=born,
                            mobile=next(self.mobiles), post=post, rank=rank, employment=employment,
                            political_status=rng.choices(["cpc_member", "cpc_probationary", "none"], [90, 4, 6])[0]
                            if not young else rng.choice(["cpc_member", "cpc_member", "cyl_member"]),
                            education=rng.choice(["bachelor", "bachelor", "postgraduate", "college"]),
                            in_post_since=since,
                        )
                    )  # fmt: skip
        # The young cadre who signs in: a staff member of the first district's organisation department.
        username, name, mobile = YOUNG_CADRE_ACCOUNT
        young = next(c for c in cadres if c.union == self.first_district and c.rank == R.STAFF)
        young.name, young.mobile, young.user, young.sex = name, mobile, self.young_user, "M"
        young.post, young.birth_date = "组织部科员", datetime.date(year - 28, 4, 12)
        young.in_post_since = datetime.date(year - 3, 7, 1)
        # A few have left or retired this year (never the chairs, never the young cadre).
        movable = [c for c in cadres if c.post not in ("主席", "工会主席") and c is not young]
        for cadre in rng.sample(movable, 7)[:4]:
            cadre.status, cadre.status_changed_on = Cadre.Status.LEFT, self.day(datetime.date(year, 2, 1), self.today)
        for cadre in [c for c in movable if c.birth_date.year <= year - 57 and c.status == Cadre.Status.IN_POST][:3]:
            cadre.status, cadre.status_changed_on = (
                Cadre.Status.RETIRED,
                self.day(datetime.date(year, 1, 5), self.today),
            )
        self.cadres = Cadre.objects.bulk_create(cadres)
        self.young = next(c for c in self.cadres if c.user_id == self.young_user.pk)
        self.in_post = [c for c in self.cadres if c.status == Cadre.Status.IN_POST]
        self.counts["cadres"] = len(self.cadres)

    def write_rotations(self) -> None:
        """Eight cadres came to their post by rotation (轮岗交流) on the day they took it up."""
        rng, rotations = self.rng, []
        districts = [u for u, _p in self.nodes() if u.kind == Union.Kind.DISTRICT_FEDERATION]
        chosen = rng.sample([c for c in self.in_post if c.rank in (R.TOWNSHIP_SECTION, R.STAFF)], 8)
        for cadre in chosen:
            came_from = rng.choice([d for d in districts if d.pk != cadre.union_id] or districts)
            from_post = rng.choice(["办公室副主任", "组织部科员", "宣传教育部科员", "权益保障部副部长"])
            rotations.append(
                Rotation(
                    cadre=cadre, on_date=cadre.in_post_since, from_union=came_from, from_post=from_post,
                    from_rank=cadre.rank, to_union_id=cadre.union_id, to_post=cadre.post, to_rank=cadre.rank,
                    note="轮岗交流", recorded_by=self.officer, recorded_at=self.at(cadre.in_post_since, 10),
                )
            )  # fmt: skip
        Rotation.objects.bulk_create(rotations)
        self.counts["rotations"] = len(rotations)

    # --- training -----------------------------------------------------------------------------------
    def class_dates(self, year: int, count: int) -> list[datetime.date]:
        """Start days spread over the year's working months (this year: only before today)."""
        first = datetime.date(year, 3, 1)
        last = datetime.date(year, 11, 20) if year < self.year else self.today - datetime.timedelta(days=12)
        if last <= first:
            first = datetime.date(year, 1, 3)
        span = max(1, (last - first).days)
        return [first + datetime.timedelta(days=span * (n + 0.5) // count) for n in range(count)]

    def audience(self, organiser: Union, on: datetime.date) -> list[Cadre]:
        """Cadres serving in the organiser's subtree on the day (those who left later still count)."""
        return [
            c for c in self.cadres
            if c.union.path.startswith(organiser.path)
            and (c.status == Cadre.Status.IN_POST or (c.status_changed_on and c.status_changed_on > on))
        ]  # fmt: skip

    def write_classes(self) -> None:
        rng, plan = self.rng, []
        districts = [u for u, _p in self.nodes() if u.kind == Union.Kind.DISTRICT_FEDERATION]
        titles = iter(rng.sample(CLASSES, len(CLASSES)) * 3)
        for year, count in ((self.year - 2, 6), (self.year - 1, 7), (self.year, 5)):
            for n, start in enumerate(self.class_dates(year, count)):
                organiser = self.city if n % 3 != 2 else districts[(year + n) % len(districts)]
                plan.append((next(titles), organiser, start, TrainingClass.Status.FINISHED))
        open_start = self.today - datetime.timedelta(days=1)
        plan.append((CLASSES[1], self.city, open_start, TrainingClass.Status.OPEN))
        plan.append((CLASSES[9], self.city, self.today + datetime.timedelta(days=12), TrainingClass.Status.PLANNED))
        classes, wanted = [], []
        for (title, category, mode, size), organiser, start, status in plan:
            online = mode == TrainingMode.ONLINE
            days = 1 if online else size
            end = start + datetime.timedelta(days=(20 if online else days - 1))
            if status == TrainingClass.Status.OPEN:
                end = start + datetime.timedelta(days=2)
            elif status == TrainingClass.Status.FINISHED:
                end = max(start, min(end, self.today - datetime.timedelta(days=1)))
            hours = Decimal(size if online else days * HOURS_PER_DAY)
            level = "示范市" if organiser == self.city else organiser.name.removesuffix("总工会")
            classes.append(
                TrainingClass(
                    organiser=organiser, title=f"{start.year}年{level}{title}", category=category, mode=mode,
                    starts_on=start, ends_on=end, credit_hours=hours, capacity=None if online else 80,
                    audience=TrainingClass.Audience.CHOSEN, location="" if online else "示范市职工服务中心培训教室",
                    status=status, created_by=self.officer, created_at=self.at(start - datetime.timedelta(days=20), 9),
                    finished_at=self.at(end + datetime.timedelta(days=1), 10)
                    if status == TrainingClass.Status.FINISHED else None,
                )
            )  # fmt: skip
            people = self.audience(organiser, end)
            share = 0.9 if organiser != self.city else rng.uniform(0.35, 0.55)
            chosen = rng.sample(people, min(len(people), max(8, round(len(people) * share))))
            if status != TrainingClass.Status.FINISHED and self.young not in chosen:
                chosen.append(self.young)
            wanted.append(chosen)
        classes = TrainingClass.objects.bulk_create(classes)
        enrolments, attendance = [], []
        for training_class, chosen in zip(classes, wanted, strict=True):
            for cadre in chosen:
                enrolment, days = self.enrolment(training_class, cadre)
                enrolments.append(enrolment)
                attendance.append(days)
        enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=1000)
        rows = []
        for enrolment, days in zip(enrolments, attendance, strict=True):
            for on_date, signed_in, signed_out, source in days:
                rows.append(Attendance(enrolment=enrolment, on_date=on_date, signed_in_at=signed_in,
                                       signed_out_at=signed_out, source=source))  # fmt: skip
        Attendance.objects.bulk_create(rows, batch_size=2000)
        self.classes = classes
        self.counts.update(classes=len(classes), enrolments=len(enrolments), attendance=len(rows))

    def enrolment(self, training_class: TrainingClass, cadre: Cadre) -> tuple[Enrolment, list]:
        """The enrolment and its days of attendance, as the class's state has them."""
        rng, status, S = self.rng, training_class.status, Enrolment.Status
        enrolment = Enrolment(training_class=training_class, cadre=cadre,
                              enrolled_at=self.at(training_class.starts_on - datetime.timedelta(days=10), 9))  # fmt: skip
        online = training_class.mode == TrainingMode.ONLINE
        all_days = [training_class.starts_on + datetime.timedelta(days=n) for n in range(training_class.days)]
        if status == TrainingClass.Status.PLANNED:
            return enrolment, []
        roll = rng.random()
        if status == TrainingClass.Status.OPEN:
            # The first day done; today signed in, some signed out already.
            days = [day for day in all_days if day <= self.today]
            return enrolment, [self.attended(day, out=day < self.today or roll < 0.2) for day in days]
        hours_a_day = training_class.credit_hours / len(all_days)
        if roll < 0.04 and not online and len(all_days) > 1:
            # Away for a whole day: more than a seventh of the class, withdrawn and credited nothing.
            enrolment.status, enrolment.absent_hours = S.WITHDRAWN, hours_a_day
            return enrolment, [self.attended(day) for day in all_days[1:]]
        if roll < 0.06:
            enrolment.status = S.CANCELLED
            return enrolment, []
        enrolment.status, enrolment.credited_hours = S.COMPLETED, training_class.credit_hours
        if roll < 0.14 and not online:
            # An afternoon's leave within the seventh: still credited in full.
            enrolment.absent_hours = min(Decimal(2), training_class.leave_limit_hours.quantize(Decimal("0.1")))
        return enrolment, [] if online else [self.attended(day) for day in all_days]

    def attended(self, day: datetime.date, out: bool = True) -> tuple:
        source = self.rng.choice([Attendance.Source.QR, Attendance.Source.QR, Attendance.Source.OFFICER])
        signed_in = self.at(day, 8, self.rng.randrange(25, 59))
        signed_out = self.at(day, 17, self.rng.randrange(30, 59)) if out else None
        return day, signed_in, signed_out, source

    def write_external(self) -> None:
        """Training taken elsewhere: most cadres filed a year of online study in past years, fewer this
        year; six wait for the city's cadre officer (cadres of the districts and industry unions, whose
        approver is one level up), and one was returned."""
        if not default_storage.exists(CERTIFICATE):
            default_storage.save(CERTIFICATE, ContentFile(BLANK_PDF))
        rng, rows, A = self.rng, [], ExternalTraining.Status
        provider, title = "全国总工会网上工会干部学院", "{year}年度工会干部网络学习"
        senior = (R.BUREAU, R.COUNTY_DIVISION)
        for year in range(self.year - 4, self.year + 1):
            for cadre in self.cadres:
                # Past years: most met their hours with a year of online study (seniors, whose hours
                # count over five years, every year since before the classes here); this year: fewer.
                share = 0.65 if year == self.year else 0.85 if year >= self.year - 2 or cadre.rank in senior else 0
                if rng.random() > share or (year == self.year and cadre == self.young):
                    continue
                if year == self.year:
                    hours = rng.choice([32, 40, 48, 56, 64])
                else:
                    hours = rng.choice([100, 110, 120] if cadre.rank in senior else [64, 72, 80])
                end = datetime.date(year, 11, 30) if year < self.year else self.today - datetime.timedelta(days=20)
                rows.append(self.external(cadre, title.format(year=year), provider, Decimal(hours), end, A.APPROVED))
        waiting = [c for c in self.in_post if c.union.depth == 2 and c is not self.young]
        for cadre in rng.sample(waiting, 6):
            end = self.today - datetime.timedelta(days=rng.randrange(5, 40))
            rows.append(self.external(cadre, "省总工会工会干部业务能力提升培训班", "省总工会干部学校",
                                      Decimal(rng.choice([16, 24, 32])), end, A.SUBMITTED))  # fmt: skip
        returned = self.external(rng.choice(waiting), "劳动关系协调员职业技能培训", "示范市职业技能鉴定中心",
                                 Decimal(40), self.today - datetime.timedelta(days=50), A.RETURNED)  # fmt: skip
        returned.return_reason = "所附证书不清晰，且未注明学时，请补充培训机构出具的学时证明后重新提交。"
        rows.append(returned)
        ExternalTraining.objects.bulk_create(rows, batch_size=1000)
        self.counts["external_training"] = len(rows)

    def external(self, cadre, title, provider, hours, end, status) -> ExternalTraining:
        filed = self.at(min(end + datetime.timedelta(days=3), self.today), 15)
        reviewed = status != ExternalTraining.Status.SUBMITTED
        return ExternalTraining(
            cadre=cadre, title=title, provider=provider, mode=TrainingMode.ONLINE if "网络" in title
            else TrainingMode.IN_PERSON, starts_on=end - datetime.timedelta(days=2 if "网络" not in title else 300),
            ends_on=end, hours=hours, certificate=CERTIFICATE, status=status, filed_by=self.officer, filed_at=filed,
            reviewed_by=self.officer if reviewed else None,
            reviewed_at=min(filed + datetime.timedelta(days=2), timezone.now()) if reviewed else None,
        )  # fmt: skip

    def close_years(self) -> None:
        """The two years before this one are closed: their ledger is frozen as it stands."""
        from cadres.ledger import ledger_rows

        closed = 0
        for year in (self.year - 2, self.year - 1):
            if LedgerYear.objects.filter(year=year).exists():
                continue
            rows = ledger_rows(Cadre.objects.filter(pk__in=[c.pk for c in self.cadres]).order_by("pk"), year)
            LedgerEntry.objects.bulk_create(
                LedgerEntry(cadre_id=r.cadre_id, year=year, rank=r.rank, union_id=r.union_id, owed=r.owed,
                            in_person=r.in_person, online=r.online, counted=r.counted, short=r.short)
                for r in rows
            )  # fmt: skip
            LedgerYear.objects.create(
                year=year, closed_by=self.officer, closed_at=self.at(datetime.date(year + 1, 1, 8), 10)
            )
            closed += len(rows)
        self.counts["ledger_entries"] = closed

    # --- postings and task forces ------------------------------------------------------------------
    def posting_people(self, count: int) -> list[Cadre]:
        """Cadres to send out: young ones first, never the young cadre who signs in (their tasks are others)."""
        young = [c for c in self.in_post if c.is_young_on(self.today) and c is not self.young]
        older = [c for c in self.in_post if c.rank in (R.TOWNSHIP_SECTION, R.STAFF) and c not in young]
        people = self.rng.sample(young, min(len(young), count))
        return people + self.rng.sample(older, count - len(people))

    def write_secondments(self) -> None:
        """One in every state; one ends within 30 days, one report is overdue, one waits for review."""
        today, S, rows = self.today, Secondment.Status, []
        d = datetime.timedelta
        # state, planned start, planned end, actual start, actual end, report due, handed in, graded
        states = [
            (S.PLANNED, today + d(20), today + d(200), None, None, None, False, False),
            (S.ACTIVE, today - d(170), today + d(18), today - d(170), None, None, False, False),
            (S.ACTIVE, today - d(60), today + d(120), today - d(58), None, None, False, False),
            (S.REPORT_DUE, today - d(200), today - d(45), today - d(200), today - d(45), today - d(15), False, False),
            (S.REPORT_DUE, today - d(220), today - d(60), today - d(219), today - d(60), today - d(30), True, False),
            (S.REVIEWED, today - d(400), today - d(120), today - d(400), today - d(120), today - d(90), True, True),
            (S.CLOSED, today - d(700), today - d(520), today - d(700), today - d(520), today - d(490), True, True),
            (S.CLOSED, today - d(820), today - d(640), today - d(815), today - d(640), today - d(610), True, True),
        ]
        people = self.posting_people(len(states))
        for n, (state, p_start, p_end, a_start, a_end, due, handed_in, graded) in enumerate(states):
            host, kind, prefix, post, project = HOSTS[n % len(HOSTS)]
            row = Secondment(
                cadre=people[n], host_name=host, host_kind=kind,
                host_credit_code=self.credit_code(prefix) if prefix else "", post_at_host=post, project=project,
                planned_start=p_start, planned_end=p_end, actual_start=a_start, actual_end=a_end, status=state,
                created_by=self.officer, created_at=self.at(p_start - d(30), 9), report_due_on=due,
            )  # fmt: skip
            self.report(row, n, handed_in, graded)
            if graded or handed_in:
                row.host_grade = self.rng.choice([PostingGrade.EXCELLENT, PostingGrade.GOOD])
                row.host_comment = "该同志工作扎实，深入一线，较好完成了挂职任务。"
            rows.append(row)
        Secondment.objects.bulk_create(rows)
        self.counts["secondments"] = len(rows)

    def report(self, row, n: int, handed_in: bool, graded: bool) -> None:
        if handed_in:
            row.report_title = REPORTS[n % len(REPORTS)]
            row.report_file = CERTIFICATE
            row.report_submitted_at = self.at(row.report_due_on - datetime.timedelta(days=2), 16)
        if graded:
            row.review_grade = self.rng.choice([PostingGrade.EXCELLENT, PostingGrade.GOOD, PostingGrade.GOOD])
            row.review_comment = "调研深入，问题找得准，对策建议有操作性。"
            row.reviewed_by = self.officer
            row.reviewed_at = row.report_submitted_at + datetime.timedelta(days=7)

    def write_stays(self) -> None:
        today, S, d, rows = self.today, GrassrootsStay.Status, datetime.timedelta, []
        grassroots = list(
            Union.objects.filter(path__startswith=self.city.path, kind=Union.Kind.GRASSROOTS_UNION).order_by("path")[
                :40
            ]
        )
        # state, start, end, report due, handed in, graded
        states = [
            (S.PLANNED, today + d(15), today + d(45), today + d(75), False, False),
            (S.ACTIVE, today - d(10), today + d(20), today + d(50), False, False),
            (S.REPORT_DUE, today - d(80), today - d(50), today - d(20), True, False),
            (S.REPORT_DUE, today - d(70), today - d(40), today - d(5), False, False),
            (S.REVIEWED, today - d(200), today - d(170), today - d(140), True, True),
            (S.REVIEWED, today - d(420), today - d(390), today - d(360), True, True),
        ]
        people = self.posting_people(len(states) + 8)[8:]
        for n, (state, start, end, due, handed_in, graded) in enumerate(states):
            union = self.rng.choice(grassroots) if n % 3 else None
            row = GrassrootsStay(
                cadre=people[n], union=union, employer_name="" if union else "示范市滨江区快递网点集中区",
                starts_on=start, ends_on=end, status=state, report_due_on=due, created_by=self.officer,
                created_at=self.at(start - d(20), 9),
            )  # fmt: skip
            self.report(row, n + 3, handed_in, graded)
            rows.append(row)
        GrassrootsStay.objects.bulk_create(rows)
        self.counts["stays"] = len(rows)

    def write_task_forces(self) -> None:
        """Three task forces: one working, one being assessed (led by the young cadre), one closed."""
        rng, d, year = self.rng, datetime.timedelta, self.year
        leaders = [c for c in self.in_post if c.post == "副主席" and c.union_id == self.city.pk]
        forces = [
            ("新就业形态劳动者入会集中行动工作专班", "推动快递员、外卖配送员、网约车司机、货车司机等群体应建尽建、应入尽入。",
             leaders[0], datetime.date(year, 3, 1), self.today + d(60), TaskForce.Status.ACTIVE, 9),
            ("重点项目劳动和技能竞赛工作专班", "围绕全市重点项目组织劳动和技能竞赛，跟踪立项、阶段总结和表彰。",
             self.young, self.today - d(150), self.today - d(5), TaskForce.Status.ASSESSING, 6),
            ("困难职工帮扶解困工作专班", "摸清困难职工底数，落实两节送温暖和金秋助学等帮扶措施。",
             leaders[-1], datetime.date(year - 1, 4, 1), datetime.date(year - 1, 12, 20), TaskForce.Status.CLOSED, 7),
        ]  # fmt: skip
        members = []
        taken = {self.young.pk, *(c.pk for c in leaders)}
        for name, purpose, lead, start, end, status, size in forces:
            force = TaskForce.objects.create(
                organiser=self.city, name=name, purpose=purpose, lead=lead, starts_on=start, ends_on=end,
                status=status, created_by=self.officer, created_at=self.at(start - d(7), 9),
            )  # fmt: skip
            pool = [c for c in self.in_post if c.pk not in taken and c.union.depth <= 3]
            for n, cadre in enumerate(rng.sample(pool, size)):
                member = TaskForceMember(task_force=force, cadre=cadre, joined_on=start,
                                         duty=rng.choice(["联络员", "材料组", "督导组", "宣传组"]))  # fmt: skip
                graded = status == TaskForce.Status.CLOSED or (status == TaskForce.Status.ASSESSING and n < 2)
                if graded:
                    member.grade = rng.choice([PostingGrade.EXCELLENT, PostingGrade.GOOD, PostingGrade.GOOD])
                    member.comment = "任务完成好，善于协调，责任心强。"
                    member.assessed_by = lead.user or self.officer
                    member.assessed_at = self.at(end + d(3), 11) if end + d(3) < self.today else timezone.now()
                members.append(member)
        TaskForceMember.objects.bulk_create(members)
        self.counts.update(task_forces=len(forces), task_force_members=len(members))

    # --- political file and assessments ------------------------------------------------------------
    def write_political(self) -> None:
        rng, C, rows = self.rng, PoliticalConclusion, []
        chosen = [c for c in self.in_post if c.rank in (R.BUREAU, R.COUNTY_DIVISION)]
        chosen += rng.sample([c for c in self.in_post if c.rank == R.TOWNSHIP_SECTION], 20)
        failed = next(c for c in chosen if c.union.depth == 2 and c.post == "副主席")
        self.failed = failed
        for cadre in chosen:
            conclusion = C.FAIL if cadre is failed else rng.choices([C.EXCELLENT, C.PASS, C.BASIC], [20, 75, 5])[0]
            on = self.day(datetime.date(self.year - 1, 11, 1), datetime.date(self.year - 1, 12, 20))
            row = PoliticalReview(
                cadre=cadre, assessed_on=on, conclusion=conclusion, recorded_by=self.officer,
                recorded_at=self.at(on, 16), feedback="已当面反馈，本人表示认同。", feedback_given_on=on + datetime.timedelta(days=5),
            )  # fmt: skip
            if conclusion in (C.FAIL, C.BASIC):
                row.issues_found = "理论学习不够系统，执行民主集中制有差距，对分管领域意识形态工作重视不够。"
                row.measures = "制定个人整改清单，参加专题学习不少于 20 学时，三个月内向组织书面报告整改情况。"
            rows.append(row)
        PoliticalReview.objects.bulk_create(rows)
        self.counts["political_reviews"] = len(rows)

    def write_assessments(self) -> None:
        """Last year's round published; this year's open at the city: some self-reports in, some graded."""
        share = CadreSettings.current().excellent_share_percent
        rng, d, S = self.rng, datetime.timedelta, Assessment.Status
        last = self.year - 1
        rounds = AssessmentRound.objects.bulk_create([
            AssessmentRound(union=self.city, year=last, self_report_due=datetime.date(last, 12, 20),
                            status=AssessmentRound.Status.CLOSED, opened_by=self.officer,
                            opened_at=self.at(datetime.date(last, 12, 1), 9)),
            AssessmentRound(union=self.city, year=self.year, self_report_due=self.today + d(10),
                            opened_by=self.officer, opened_at=timezone.now() - d(days=12)),
        ])  # fmt: skip
        rows = []
        assessed_last = [c for c in self.cadres if c.status == Cadre.Status.IN_POST or c.status_changed_on.year > last]
        grades = self.grades(assessed_last, share, graded={c.pk for c in assessed_last})
        published = self.at(datetime.date(last + 1, 1, 20), 10)
        for cadre in assessed_last:
            rows.append(Assessment(
                round=rounds[0], cadre=cadre, year=last, unit_id=cadre.union_id, status=S.PUBLISHED,
                self_report=self.self_report(cadre), self_reported_at=self.at(datetime.date(last, 12, 15), 20),
                grade=grades[cadre.pk], evidence={}, assessor_comment="", evaluated_by=self.officer,
                evaluated_at=published - d(days=10), confirmed_by=self.officer, confirmed_at=published - d(days=5),
                published_at=published,
            ))  # fmt: skip
        # This year: the young cadre still has to write theirs; a fifth graded, a third more handed in.
        order = [c for c in self.in_post if c is not self.young]
        rng.shuffle(order)
        evaluated = {c.pk for c in order[: len(order) // 5]}
        reported = {c.pk for c in order[len(order) // 5 : len(order) // 5 + len(order) // 3]}
        grades = self.grades(self.in_post, share, graded=evaluated)
        for cadre in self.in_post:
            row = Assessment(round=rounds[1], cadre=cadre, year=self.year, unit_id=cadre.union_id, status=S.OPEN)
            if cadre.pk in evaluated | reported:
                row.status = S.SELF_REPORTED
                row.self_report, row.self_reported_at = (
                    self.self_report(cadre),
                    timezone.now() - d(days=rng.randrange(1, 9)),
                )
            if cadre.pk in evaluated:
                row.status, row.grade = S.EVALUATED, grades[cadre.pk]
                row.assessor_comment = "全年任务完成较好。" if row.grade != G.BASIC else "学时未达标，需加强学习。"
                row.evaluated_by, row.evaluated_at = self.officer, timezone.now() - d(hours=rng.randrange(1, 20))
            rows.append(row)
        rows = Assessment.objects.bulk_create(rows, batch_size=1000)
        self.gather_evidence([row for row in rows if row.grade])
        self.counts.update(assessment_rounds=len(rounds), assessments=len(rows))

    def gather_evidence(self, graded: list[Assessment]) -> None:
        """What each assessor was shown when they graded, as the assessment page gathers it."""
        try:
            from cadres.evidence import gather_evidence
        except ImportError:  # the evidence is gathered by the assessments' part; none without it
            return
        for assessment in graded:
            assessment.evidence = gather_evidence(assessment)
        Assessment.objects.bulk_update(graded, ["evidence"], batch_size=500)

    def grades(self, cadres: list[Cadre], share: int, graded: set[int]) -> dict[int, str]:
        """Grades for the graded cadres: 优秀 for at most ``share`` % of each unit's assessed cadres
        (rounded down), never for the cadre whose political assessment failed."""
        by_unit: dict[int, list[Cadre]] = {}
        for cadre in cadres:
            by_unit.setdefault(cadre.union_id, []).append(cadre)
        grades = {}
        for unit_cadres in by_unit.values():
            room = math.floor(len(unit_cadres) * share / 100)
            for cadre in unit_cadres:
                if cadre.pk not in graded:
                    continue
                grade = self.rng.choices([G.EXCELLENT, G.COMPETENT, G.BASIC], [30, 65, 5])[0]
                if cadre is self.failed:
                    grade = G.BASIC
                elif grade == G.EXCELLENT:
                    grade, room = (G.EXCELLENT, room - 1) if room > 0 else (G.COMPETENT, room)
                grades[cadre.pk] = grade
        return grades

    def self_report(self, cadre: Cadre) -> str:
        return (
            f"本年度本人在{cadre.union.name}{cadre.post}岗位上，认真学习贯彻党的理论和工会工作方针，"
            "参加干部培训和网络学习，深入基层一线开展调研，完成组织交办的各项任务。不足之处是理论学习"
            "还不够系统，今后将进一步加强学习、改进作风。"
        )


def young_cadre_account(password_hash: str | None = None) -> User:
    """The young cadre's sign-in, made as seed_demo makes demo-member's: e-mail and verified mobile."""
    from members.management.commands.seed_demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD

    username, name, phone = YOUNG_CADRE_ACCOUNT
    user = User.objects.filter(username=username).first()
    if user is None:  # an existing account keeps its password, e-mail and phone
        email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        if User.objects.filter(phone=phone).exists():
            phone = None  # someone signed up with the demo number: it is theirs (phone is unique)
        user = User.objects.create(
            username=username, name=name, email=email, password=password_hash or make_password(DEMO_PASSWORD),
            phone=phone, phone_verified=bool(phone),
        )  # fmt: skip
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def ensure_cadres(city: Union) -> dict[str, int]:
    """The demo corps of ``city``, once: {} when the city has cadres already (or no cadre officer)."""
    officer = User.objects.filter(username=DEMO_OFFICER).first()
    young_user = young_cadre_account()
    if officer is None or Cadre.objects.filter(union__path__startswith=city.path).exists():
        return {}
    return DemoCorps(city, officer, young_user).build()
