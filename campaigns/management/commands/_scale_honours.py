"""The scale city's honours (written when ``seed_scale`` says the city is seeded: ``members_seeded``, after
the competitions).

At the issue's size: five rounds of the city (this year and the four before), each of 1,500 nominations
with 8 files each (the file rows all point at one small stored PDF: 60,000 rows, one file) and 500
awards; 3,000 model workers in the register (the rounds' 劳动模范 and, for the rest, earlier city,
provincial and national honours entered in the register), their care of last year and this, review rows,
forwardings, joint-vetting opinions, the public notices and a few objections. A city of fewer than
100,000 members (a test's) gets proportionally fewer.

The four past rounds are decided (500 awarded, the rest rejected at one level or another, a few
withdrawn). This year's round is in its public notice: 500 nominees in the notice (running today, its
dates from ``accounts.workdays.notice_period``), the rest at every earlier state; among them the bench's
district (the largest: ``scale-district-01-staff``'s) with about a hundred nominations passed at its
first review and waiting to be forwarded. Each level's forwarded list keeps the round's structural rules
and quotas; honours are numbered ``RY<year>-<00001>`` and keyed by person (``m<member id>`` or a sha256 of
name and birth date). Written with ``bulk_create`` in batches; planned from ``random.Random(seed)``
against the seed's day.
"""

import datetime
import hashlib
import logging
import time
from dataclasses import dataclass
from random import Random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from unions.models import Role, Union

logger = logging.getLogger(__name__)
FULL_SIZE_MEMBERS = 100_000
BATCH = 2000
KINDS = ("劳动模范", "五一劳动奖章", "工人先锋号")
KIND_SHARES = (40, 35, 25)  # of each round's nominations and awards, in %
RULES = (
    ("enterprise_staff", "min", 60),
    ("front_line", "min", 30),
    ("enterprise_head", "max", 10),
    ("woman", "min", 20),
)
DEPARTMENTS = ("discipline", "tax", "social_security", "work_safety", "environment")
FILE_NAME = "campaigns/nominations/scale/evidence.pdf"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
TABLES = (
    *("campaigns_round", "campaigns_round_kinds", "campaigns_structuralrule", "campaigns_quota"),
    *("campaigns_nomination", "campaigns_nominationfile", "campaigns_nominationreview", "campaigns_forwarding"),
    *("campaigns_vettingopinion", "campaigns_publicnotice", "campaigns_objection", "campaigns_honour"),
    "campaigns_carerecord",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红梅玉文斌春燕海晓东丹宇浩然"
POSTS = ("数控车工", "电工", "质检员", "焊工", "钳工", "设备维修工", "高级技师", "班组长", "技术员", "工程师")
TEAMS = ("机修班", "一班组", "质检班", "青年突击队", "技术攻关小组", "安装班")
# This year's round by state (counts per 1,500; the notice holds the awards-to-be).
THIS_YEAR = (
    ("submitted", 200), ("first_passed", 300), ("forwarded", 150), ("vetting", 100), ("vetted", 50),
    ("returned", 80), ("rejected", 100), ("withdrawn", 20),
)  # fmt: skip
BENCH_PASSED = 100  # passed at the bench district's first review, waiting to be forwarded
PASSED_FIRST = ("first_passed", "forwarded", "vetting", "vetted", "notice", "awarded")
FORWARDED = ("forwarded", "vetting", "vetted", "notice", "awarded")
VETTING_STARTED = ("vetting", "vetted", "notice", "awarded")
VETTED = ("vetted", "notice", "awarded")
ALIVE = ("submitted", "first_passed", "forwarded", "vetting", "vetted", "notice", "awarded")
# Where a past round's nomination that was not awarded stopped: (status, level it stopped at, weight).
PAST_REJECTED = (("rejected", "first", 45), ("rejected", "second", 30), ("rejected", "vetting", 10),
                 ("rejected", "decision", 10), ("withdrawn", "", 5))  # fmt: skip


@dataclass
class HonourPlan:
    years: int = 5
    nominations: int = 1_500  # per round
    awards: int = 500  # per round (this year's: in the notice)
    files: int = 8  # per nomination
    model_workers: int = 3_000
    bench_passed: int = BENCH_PASSED

    @classmethod
    def for_members(cls, members: int) -> "HonourPlan":
        f = min(1.0, members / FULL_SIZE_MEMBERS)
        awards = max(10, round(500 * f))
        return cls(
            nominations=awards * 3, awards=awards, model_workers=max(40, round(3_000 * f)),
            bench_passed=max(5, round(BENCH_PASSED * f)),
        )  # fmt: skip


def person_key_for(member_id: int | None, name: str, birth_date: datetime.date | None) -> str:
    if member_id is not None:
        return f"m{member_id}"
    basis = f"{(name or '').strip()}|{birth_date.isoformat() if birth_date else ''}"
    return hashlib.sha256(basis.encode()).hexdigest()


def _batches(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


class ScaleHonours:
    def __init__(self, plan: HonourPlan, today: datetime.date, seed: int = 2026) -> None:
        self.plan, self.today, self.year = plan, today, today.year
        self.rng = Random(seed + 17)  # noqa: S311 - planned data, not secrets
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10)))
        self.figures: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.used_names: set[tuple[str, datetime.date]] = set()

    def at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), self.now)

    def bump(self, key: str, n: int) -> None:
        self.figures[key] = self.figures.get(key, 0) + n

    def build(self, city: Union) -> dict:
        self.city = city
        for part in (self.prepare, self.write_rounds, self.write_nominations, self.write_files, self.write_reviews,
                     self.write_register, self.write_care):  # fmt: skip
            started = time.perf_counter()
            part()
            self.seconds[part.__name__.removeprefix("write_")] = round(time.perf_counter() - started, 2)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        return {**self.figures, "seconds": self.seconds}

    # --- who --------------------------------------------------------------------------------------------
    def prepare(self) -> None:
        from campaigns.models import EvidenceItem, HonourKind
        from members.models import Member

        self.kinds = [HonourKind.objects.get(name=name) for name in KINDS]
        self.model_worker = self.kinds[0]
        self.items = {
            k.pk: list(EvidenceItem.objects.filter(kind=k, required=True).order_by("order", "id")) for k in self.kinds
        }
        staff = Role.objects.filter(kind=Role.Kind.FEDERATION_STAFF, union__path__startswith=self.city.path)
        self.staff_at: dict[int, int] = {}
        for role in staff.order_by("user__username"):
            self.staff_at.setdefault(role.union_id, role.user_id)
        self.city_staff = self.staff_at.get(self.city.pk) or next(iter(self.staff_at.values()))
        clerks = Role.objects.filter(kind=Role.Kind.UNION_CLERK, union__path__startswith=self.city.path)
        self.clerk_at = {r.union_id: r.user_id for r in clerks.order_by("-user__username")}
        self.children = list(Union.objects.get_children(self.city).order_by("path"))
        unions = list(
            Union.objects.filter(
                path__startswith=self.city.path, kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION]
            ).values_list("pk", "path", "name", "employer_name")
        )
        self.unions = unions
        self.child_of = {}
        for pk, path, _n, _e in unions:
            self.child_of[pk] = next(c for c in self.children if path.startswith(c.path))
        bench = Role.objects.filter(user__username="scale-district-01-staff").select_related("union").first()
        self.bench_node = bench.union if bench else self.children[0]
        self.bench_unions = [u for u in unions if u[1].startswith(self.bench_node.path)] or unions
        # Members to nominate: a sample spread over the id range, fetched in one query.
        bounds = (
            Member.objects.filter(union__path__startswith=self.city.path).order_by("pk").values_list("pk", flat=True)
        )
        first, last = bounds.first(), bounds.last()
        wanted = self.plan.nominations * self.plan.years // 3
        sample = sorted(self.rng.sample(range(first, last + 1), min(wanted, last - first + 1))) if first else []
        self.members = list(
            Member.objects.filter(pk__in=sample, status=Member.Status.ACTIVE)
            .order_by("pk")
            .values_list("pk", "union_id", "name", "sex", "birth_date", "political_status", "is_migrant_worker")
        )
        self.rng.shuffle(self.members)
        # The one stored file every scale file row points at.
        if not default_storage.exists(FILE_NAME):
            default_storage.save(FILE_NAME, ContentFile(PDF))

    # --- rounds, quotas come after the nominations --------------------------------------------------------
    def notice_dates(self, year: int) -> tuple[datetime.date, datetime.date, datetime.date]:
        from accounts.workdays import UnknownYear, notice_period

        if year < self.year:
            published = datetime.date(year, 6, 1)
            try:
                first, last = notice_period(published, 5)
            except UnknownYear:
                first, last = published, published + datetime.timedelta(days=6)
            return published, first, last
        from campaigns.management.commands.seed_demo_honours import notice_dates

        return notice_dates(self.today, 5)

    def write_rounds(self) -> None:
        from campaigns.models import PublicNotice, Round, StructuralRule

        d = datetime.timedelta
        self.rounds = []
        for year in range(self.year - self.plan.years + 1, self.year + 1):
            published, first, last = self.notice_dates(year)
            current = year == self.year
            r = Round.objects.create(
                title=f"{year}年度市劳动模范和先进集体评选", year=year, organiser=self.city, level=Round.Level.CITY,
                description="规模测试数据。", nominations_close=published - d(days=40),
                first_review_due=published - d(days=30), second_review_due=published - d(days=20),
                vetting_due=published - d(days=5), notice_planned=published, notice_days=5,
                status=Round.Status.NOTICE if current else Round.Status.DECIDED, conferring_body="市总工会",
                created_by_id=self.city_staff, created_at=self.at(published - d(days=90), 9),
            )  # fmt: skip
            r.kinds.set(self.kinds)
            StructuralRule.objects.bulk_create(
                StructuralRule(round=r, flag=flag, bound=bound, percent=percent) for flag, bound, percent in RULES
            )
            notice = PublicNotice.objects.create(
                round=r, title=f"{r.title}拟表彰对象公示", contact="市总工会劳动和经济工作部", published_on=published,
                working_days=5, first_day=first, last_day=last, published_by_id=self.city_staff,
                published_at=self.at(published, 9),
            )  # fmt: skip
            self.rounds.append({"round": r, "notice": notice, "year": year, "current": current, "pub": published,
                                "decided_on": last + d(days=14)})  # fmt: skip
        self.bump("rounds", len(self.rounds))

    # --- nominations ------------------------------------------------------------------------------------
    def states(self, current: bool) -> list[tuple[str, str]]:
        """(status, where a rejection happened) for each nomination of a round, awarded/notice first."""
        plan = self.plan
        scale = plan.nominations / 1500
        top = "notice" if current else "awarded"
        states = [(top, "")] * plan.awards
        rest = plan.nominations - plan.awards
        if current:
            for status, n in THIS_YEAR:
                count = round(n * scale)
                if status == "rejected":  # at the first review, or at the second
                    states += [(status, "first" if k % 2 else "second") for k in range(count)]
                else:
                    states += [(status, "")] * count
        else:
            weights = [w for *_x, w in PAST_REJECTED]
            for _ in range(rest):
                status, where, _w = self.rng.choices(PAST_REJECTED, weights)[0]
                states.append((status, where))
        states = states[: plan.nominations]
        while len(states) < plan.nominations:
            states.append(("rejected", "first") if not current else ("submitted", ""))
        return states

    def person(self, union_id: int) -> dict:
        rng = self.rng
        if self.members and rng.random() < 0.5:
            pk, member_union, name, sex, born, political, migrant = self.members.pop()
            return {"member_id": pk, "union_id": member_union, "nominee_name": name, "sex": sex, "birth_date": born,
                    "political_status": political, "migrant_worker": migrant}  # fmt: skip
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
            born = datetime.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
            if (name, born) not in self.used_names:
                self.used_names.add((name, born))
                break
        return {"member_id": None, "union_id": union_id, "nominee_name": name, "sex": rng.choice("MF"),
                "birth_date": born, "political_status": rng.choice(("cpc_member", "masses")), "migrant_worker": False}  # fmt: skip

    def write_nominations(self) -> None:
        from campaigns.models import Nomination

        rng, d = self.rng, datetime.timedelta
        union_by_id = {u[0]: u for u in self.unions}
        rows = []
        self.planned = []  # (row, status, where, round dict)
        for rd in self.rounds:
            states = self.states(rd["current"])
            bench_left = self.plan.bench_passed if rd["current"] else 0
            for index, (status, where) in enumerate(states):
                kind = rng.choices(self.kinds, KIND_SHARES)[0]
                if status == "first_passed" and bench_left:
                    union = rng.choice(self.bench_unions)
                    bench_left -= 1
                else:
                    union = rng.choice(self.unions)
                employer = (union[3] or union[2].removesuffix("工会委员会").removesuffix("工会"))[:100]
                pub = rd["pub"]
                created = pub - d(days=rng.randint(55, 80))
                submitted = None if status == "draft" else self.at(pub - d(days=rng.randint(41, 50)), 10 + index % 6)
                fields = {"member_id": None, "nominee_name": f"{employer}{rng.choice(TEAMS)}"[:100], "sex": "",
                          "birth_date": None, "political_status": "", "migrant_worker": False}  # fmt: skip
                if kind.for_person:
                    fields = self.person(union[0])
                    union = union_by_id.get(fields["union_id"], union)
                    employer = (union[3] or union[2].removesuffix("工会委员会").removesuffix("工会"))[:100]
                fields.pop("union_id", None)
                person = kind.for_person
                head = person and rng.random() < 0.04
                meeting = created - d(days=12)
                attendance = rng.randint(30, 120)
                n = Nomination(
                    round=rd["round"], kind=kind, union_id=union[0], first_node=self.child_of[union[0]],
                    unit_name=employer, post=rng.choice(POSTS) if person else "",
                    team_size=None if person else rng.randint(6, 20),
                    enterprise_staff=person and rng.random() < 0.85, front_line=person and not head and rng.random() < 0.6,
                    technician=person and rng.random() < 0.3, enterprise_head=head,
                    woman=person and fields["sex"] == "F", cadre=False,
                    deeds=f"{fields['nominee_name']}长期扎根生产一线，钻研技术、攻坚克难，带出一支技术过硬的队伍。",
                    review_meeting_on=meeting, review_attendance=attendance, votes_for=attendance - 2,
                    votes_against=1, votes_abstaining=1, unit_notice_from=meeting + d(days=1),
                    unit_notice_to=meeting + d(days=7), status=status,
                    return_reason="材料不全，请补充后重新报送。" if status == "returned" else "",
                    notice=rd["notice"] if status in ("notice", "awarded") or where == "decision" else None,
                    created_by_id=self.clerk_at.get(union[0], self.city_staff), created_at=self.at(created, 9),
                    submitted_at=submitted, updated_at=submitted or self.at(created, 9), **fields,
                )  # fmt: skip
                rows.append(n)
                self.planned.append((n, status, where, rd))
        _batches(Nomination, rows)
        self.bump("nominations", len(rows))
        for status in ("awarded", "notice", "first_passed", "submitted"):
            self.bump(f"nominations_{status}", sum(1 for _n, s, _w, _r in self.planned if s == status))

    def write_files(self) -> None:
        """Each nomination's checklist files, the minutes, the unit's notice and the signed form, topped up
        with further evidence to ``plan.files``: rows pointing at one stored file."""
        from campaigns.models import NominationFile

        P = NominationFile.Purpose
        rows = []
        for n, _s, _w, _rd in self.planned:
            slots = [(P.EVIDENCE, item.pk, f"{item.label}.pdf") for item in self.items[n.kind_id]]
            slots += [(P.MINUTES, None, "民主评议会议记录.pdf"), (P.UNIT_NOTICE, None, "单位公示无异议证明.pdf"),
                      (P.FORM, None, "推荐审批表（盖章）.pdf")]  # fmt: skip
            extra = 1
            while len(slots) < self.plan.files:
                slots.append((P.EVIDENCE, None, f"其他证明材料{extra}.pdf"))
                extra += 1
            for purpose, item_id, name in slots[: self.plan.files]:
                rows.append(NominationFile(
                    nomination_id=n.pk, purpose=purpose, item_id=item_id, file=FILE_NAME, original_name=name,
                    size=len(PDF), uploaded_by_id=n.created_by_id, uploaded_at=n.created_at,
                ))  # fmt: skip
        _batches(NominationFile, rows)
        self.bump("nomination_files", len(rows))

    # --- reviews, forwarding, vetting, objections, quotas -----------------------------------------------
    def reviewer(self, n) -> int:
        return self.staff_at.get(n.first_node_id, self.city_staff)

    def write_reviews(self) -> None:
        from campaigns.models import Forwarding, NominationReview, Objection, Quota, VettingOpinion
        from members import pii

        d = datetime.timedelta
        reviews, opinions, objections = [], [], []
        forwarded: dict[tuple[int, int], int] = {}

        def review(n, stage, outcome, by, at, comment=""):
            reviews.append(NominationReview(nomination_id=n.pk, stage=stage, outcome=outcome, comment=comment,
                                            by_id=by, at=at))  # fmt: skip

        for n, status, where, rd in self.planned:
            pub = rd["pub"]
            first_at, second_at = self.at(pub - d(days=36), 15), self.at(pub - d(days=24), 11)
            vetted_at = self.at(pub - d(days=4), 17)
            if status == "first_passed":
                first_at = self.at(pub - d(days=28), 15)
            if status == "returned":
                review(n, "first", "returned", self.reviewer(n), first_at, n.return_reason)
            if where == "first":
                review(n, "first", "rejected", self.reviewer(n), first_at, "不符合推荐条件。")
                continue
            reached_second = status in FORWARDED or where in ("second", "vetting", "decision")
            if status in PASSED_FIRST or reached_second:
                review(n, "first", "passed", self.reviewer(n), first_at)
            if reached_second:
                forwarded[(rd["round"].pk, n.first_node_id)] = forwarded.get((rd["round"].pk, n.first_node_id), 0) + 1
            if where == "second":
                review(n, "second", "rejected", self.city_staff, second_at, "经复审，不予推荐。")
                continue
            if status in VETTING_STARTED or where in ("vetting", "decision"):
                review(n, "second", "passed", self.city_staff, second_at)
                clear = status != "vetting"
                for department in DEPARTMENTS:
                    problem = where == "vetting" and department == "tax"
                    conclusion = "problem" if problem else "clear" if clear or department == "tax" else "waiting"
                    opinions.append(VettingOpinion(
                        nomination_id=n.pk, department=department, conclusion=conclusion,
                        note="存在欠缴税款记录。" if problem else "", recorded_by_id=self.city_staff,
                        recorded_at=second_at + d(days=3) if conclusion != "waiting" else second_at,
                    ))  # fmt: skip
            if where == "vetting":
                review(n, "vetting", "rejected", self.city_staff, vetted_at, "联审发现问题，不予推荐。")
                continue
            if status in VETTED or where == "decision":
                at = self.at(pub + d(days=1), 9) if status == "vetted" else vetted_at
                review(n, "vetting", "passed", self.city_staff, at)
            decided_at = self.at(rd["decided_on"], 15)
            if status == "awarded":
                review(n, "decision", "passed", self.city_staff, decided_at)
            if where == "decision":
                review(n, "decision", "rejected", self.city_staff, decided_at, "经审定，不予表彰。")
        _batches(NominationReview, reviews)
        _batches(VettingOpinion, opinions)
        Forwarding.objects.bulk_create(
            Forwarding(round_id=round_id, node_id=node_id, count=count,
                       by_id=self.staff_at.get(node_id, self.city_staff),
                       at=self.at(next(rd["pub"] for rd in self.rounds if rd["round"].pk == round_id)
                                  - d(days=30), 16))
            for (round_id, node_id), count in sorted(forwarded.items())
        )  # fmt: skip
        # Objections: a few received in this year's notice; in past notices, dismissed after investigation.
        mobile = pii.encrypt("13900000000")
        for rd in self.rounds:
            listed = [n for n, s, w, r in self.planned if r is rd and (s in ("notice", "awarded") or w == "decision")]
            notice = rd["notice"]
            for n in listed[:: max(1, len(listed) // 10)][:10]:
                received = self.at(notice.first_day + d(days=1), 14)
                past = not rd["current"]
                objections.append(Objection(
                    notice=notice, nomination_id=n.pk, objector_name="王实名", objector_mobile=mobile,
                    facts="反映该候选人事迹材料与实际不符，请核实。", received_at=received,
                    late=received.date() > notice.last_day, status="dismissed" if past else "received",
                    assigned_to_id=self.city_staff if past else None, assigned_at=received if past else None,
                    finding="经调查核实，反映问题不属实。" if past else "",
                    answered_by_id=self.city_staff if past else None, answered_at=received if past else None,
                    closed_by_id=self.city_staff if past else None, closed_at=received if past else None,
                ))  # fmt: skip
        _batches(Objection, objections)
        # Quotas: each of the organiser's children holds what it sent alive, and a tenth more.
        alive: dict[tuple[int, int, int], int] = {}
        for n, status, _w, rd in self.planned:
            if status in ALIVE:
                key = (rd["round"].pk, n.first_node_id, n.kind_id)
                alive[key] = alive.get(key, 0) + 1
        quotas = [
            Quota(round=rd["round"], node=child, kind=kind, set_by_id=self.city_staff,
                  count=min(32767, (c := alive.get((rd["round"].pk, child.pk, kind.pk), 0)) + max(1, c // 10)))
            for rd in self.rounds for child in self.children for kind in self.kinds
        ]  # fmt: skip
        Quota.objects.bulk_create(quotas)
        self.bump("reviews", len(reviews))
        self.bump("vetting_opinions", len(opinions))
        self.bump("forwardings", len(forwarded))
        self.bump("objections", len(objections))
        self.bump("quotas", len(quotas))

    # --- the register -----------------------------------------------------------------------------------
    def write_register(self) -> None:
        """The past rounds' awards, then earlier 劳动模范 entered in the register up to ``model_workers``."""
        from campaigns.models import Honour

        rng = self.rng
        honours = []
        for rd in self.rounds:
            if rd["current"]:
                continue
            awarded = [n for n, s, _w, r in self.planned if r is rd and s == "awarded"]
            for number, n in enumerate(awarded, start=1):
                honours.append(Honour(
                    kind_id=n.kind_id, round=rd["round"], nomination_id=n.pk, year=rd["year"], level="city",
                    holder_name=n.nominee_name, sex=n.sex, birth_date=n.birth_date, member_id=n.member_id,
                    person_key=person_key_for(n.member_id, n.nominee_name, n.birth_date), unit_name=n.unit_name,
                    post=n.post, union_id=n.union_id, document_number=f"市工发〔{rd['year']}〕18号",
                    conferring_body="市总工会", decided_on=rd["decided_on"], number=f"RY{rd['year']}-{number:05d}",
                    token=f"scale-{rd['year']}-{number:05d}-{rng.getrandbits(64):016x}",
                    in_hardship=rng.random() < 0.05, created_by_id=self.city_staff,
                    created_at=self.at(rd["decided_on"], 15),
                ))  # fmt: skip
        workers = {h.person_key for h in honours if h.kind_id == self.model_worker.pk}
        first_round_year = self.year - self.plan.years + 1
        numbers: dict[int, int] = {}
        while len(workers) < self.plan.model_workers:
            year = rng.randint(first_round_year - 25, first_round_year - 1)
            union = rng.choice(self.unions)
            person = self.person(union[0])
            key = person_key_for(person["member_id"], person["nominee_name"], person["birth_date"])
            if key in workers:
                continue
            workers.add(key)
            level = rng.choices(("city", "provincial", "national"), (80, 15, 5))[0]
            numbers[year] = numbers.get(year, 0) + 1
            union_id = person["union_id"]
            employer = union[3] or union[2]
            honours.append(Honour(
                kind=self.model_worker, year=year, level=level, holder_name=person["nominee_name"], sex=person["sex"],
                birth_date=person["birth_date"], member_id=person["member_id"], person_key=key,
                unit_name=employer[:100], post=rng.choice(POSTS), union_id=union_id,
                document_number=f"{'市' if level == 'city' else '省' if level == 'provincial' else '国'}发〔{year}〕{rng.randint(1, 60)}号",
                conferring_body={"city": "市人民政府", "provincial": "省人民政府", "national": "国务院"}[level],
                decided_on=datetime.date(year, 4, 28), number=f"RY{year}-{numbers[year]:05d}",
                token=f"scale-{year}-{numbers[year]:05d}-{rng.getrandbits(64):016x}",
                in_hardship=rng.random() < 0.08, created_by_id=self.city_staff, created_at=self.at(datetime.date(year, 5, 1)),
            ))  # fmt: skip
        self.honours = _batches(Honour, honours)
        self.bump("honours", len(honours))
        self.bump("model_workers", len(workers))

    def write_care(self) -> None:
        """Last year's care for nearly every model worker, this year's for those whose date has passed."""
        from campaigns.models import CareEntitlement, CareRecord

        rng = self.rng
        entitlements = list(CareEntitlement.objects.filter(kind=self.model_worker))
        dates = {"spring_festival_visit": (1, 25), "may_day_visit": (4, 28), "national_day_visit": (9, 28),
                 "health_check": (6, 15), "recuperation": (8, 10), "hardship_allowance": (12, 10)}  # fmt: skip
        rows, seen = [], set()
        for h in self.honours:
            if h.kind_id != self.model_worker.pk or h.person_key in seen:
                continue
            seen.add(h.person_key)
            for year in (self.year - 1, self.year):
                if year < h.year or (year == h.year and h.decided_on.month > 6):
                    continue
                for e in entitlements:
                    if e.hardship_only and not h.in_hardship:
                        continue
                    month, day = dates[e.care]
                    on = datetime.date(year, month, day)
                    if on > self.today or rng.random() > (0.9 if year < self.year else 0.7):
                        continue
                    rows.append(CareRecord(
                        honour_id=h.pk, care=e.care, year=year, delivered_on=on, delivered_by="所在区县总工会",
                        amount=e.amount, recorded_by_id=self.city_staff, recorded_at=self.at(on, 17),
                    ))  # fmt: skip
        _batches(CareRecord, rows)
        self.bump("care_records", len(rows))


def seed_scale_honours(today: datetime.date, plan: HonourPlan | None = None, seed: int = 2026) -> dict:
    """Write the scale city's honours (the city must be seeded); the counts and the seconds."""
    from members.management.commands._scale import CITY_NAME
    from members.models import Member

    city = Union.objects.get(depth=1, name=CITY_NAME)
    plan = plan or HonourPlan.for_members(Member.objects.count())
    started = time.perf_counter()
    figures = ScaleHonours(plan, today, seed).build(city)
    figures["seconds"]["total"] = round(time.perf_counter() - started, 2)
    LAST_FIGURES.clear()
    LAST_FIGURES.update(figures)
    return figures


# What the last seed in this process wrote (the signal's caller keeps no receiver's answer).
LAST_FIGURES: dict = {}


def on_members_seeded(sender, today, **kwargs) -> None:
    """``seed_scale`` wrote a city: give it its honours, in the same transaction, after its competitions."""
    from members.management.commands._scale import CITY_NAME

    if connection.vendor == "postgresql" and Union.objects.filter(depth=1, name=CITY_NAME).exists():
        figures = seed_scale_honours(today)
        logger.info("scale honours: %s", figures)  # the counts and the seconds of each part
