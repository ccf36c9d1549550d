"""``manage.py seed_demo_honours``: the demo city's honours (评选表彰), run by ``seed_demo`` after the
competitions, so that each demo account finds its part of a round in progress:

- the city runs "<year>年度市劳动模范和先进集体评选" (劳动模范, 五一劳动奖章, 工人先锋号) with structural rules, a
  quota for each district and industry union, the demo district splitting its own among its streets;
- nominations at every level: ``demo-clerk``'s draft (complete, files attached), one returned with a
  reason, one at the first review; others passed the first review and waiting to be forwarded, at the
  second review, in joint vetting (one a cadre whose integrity opinion letter is still waiting), vetted,
  rejected, and in the public notice;
- the public notice running today (its dates from ``accounts.workdays.notice_period``; published earlier
  when the calendar does not know the days ahead yet) with one objection received;
- last year's round decided: its honours in the register (``RY<year>-00001``…), model workers with care
  due this year and one visit delivered, and two innovation studios against this year's target.
- the demo district's own round, taking nominations for another week: ``demo-clerk``'s complete draft
  and one returned by ``demo-street-staff`` (the first review there) with a reason can be submitted and
  run on by ``demo-district-staff`` (in the city's round, now in its notice, the clerk's draft and
  returned nomination can no longer be sent: its nominations have closed).

Who: ``demo-city-staff`` (federation staff of the city, made here) runs the round (second review,
vetting, notice, objections, decision); ``demo-district-staff`` holds the first review of the demo
district and forwards its list; ``demo-clerk`` nominates; ``demo-leader`` reads the aggregates.

Written through the models (planned from ``random.Random(2026)`` against today's date), as the services
would have written it: statuses with their review rows, ``first_node``, forwardings, vetting opinions,
notice dates, honour numbers and person keys. Runs once: a city already running its honours round is
left as it is (the city staff account is made either way).
"""

import datetime
import hashlib
from functools import lru_cache
from random import Random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.workdays import UnknownYear, notice_period
from cadres.models import Cadre
from campaigns.models import (
    CareEntitlement,
    CareRecord,
    EvidenceItem,
    Forwarding,
    Honour,
    HonourKind,
    InnovationStudio,
    Nomination,
    NominationFile,
    NominationReview,
    Objection,
    PublicNotice,
    Quota,
    Round,
    StructuralRule,
    StudioTarget,
    VettingOpinion,
)
from integrity.models import OpinionLetter
from members import pii
from members.models import Member
from unions.models import Role, Union

CITY_NAME = "示范市总工会"
CITY_STAFF = ("demo-city-staff", "钱立新")  # federation staff of the city: runs the city's round
DISTRICT_STAFF = "demo-district-staff"  # first review of the demo district
STREET_STAFF = "demo-street-staff"  # first review in the district's own round
CLERK = "demo-clerk"
DEMO_PASSWORD = "Union-Demo-2026"  # noqa: S105 - the published demo password (seed_demo's)
DEMO_EMAIL_DOMAIN = "demo.union.local"
ROUND_TITLE = "{year}年度市劳动模范和先进集体评选"
MODEL_WORKER, MEDAL, PIONEER = "劳动模范", "五一劳动奖章", "工人先锋号"
KINDS = (MODEL_WORKER, MEDAL, PIONEER)
CONFERRING_BODY = "示范市总工会"
CONTACT = "示范市总工会劳动和经济工作部，电话 0369-12345678，地址：示范市人民路1号"
# The rules of the notices the city publishes: 企业职工 ≥ 60 %, 一线职工 ≥ 30 %, 企业负责人 ≤ 10 %, 女性 ≥ 20 %.
RULES = (
    ("enterprise_staff", "min", 60),
    ("front_line", "min", 30),
    ("enterprise_head", "max", 10),
    ("woman", "min", 20),
)
RETURN_REASON = "民主评议记录未附参会人员签到表，单位公示无异议证明缺少单位盖章，请补充后重新报送。"
REJECT_FIRST = "近两年所在单位发生一般安全生产责任事故，不符合推荐条件。"
REJECT_SECOND = "先进事迹与同批次候选人相比不够突出，经复审会议研究，不予推荐。"
REJECT_DECISION = "经审定会议研究，本年度名额已满，不予表彰。"
OBJECTION_FACTS = (
    "本人是该候选人同单位职工。事迹材料中所称“主持完成的技术改造项目”实际由班组集体完成，"
    "候选人仅参与部分工作，请组织核实。"
)
OBJECTOR = ("周建华", "13912345678")
S = Nomination.Status
D = VettingOpinion.Department
POSTS = ("数控车工", "电工班长", "质检员", "焊工", "钳工技师", "设备维修工", "高级技师", "机修班长", "技术员", "调度员")
TEAMS = ("机修班", "数控车间一班组", "质检班", "青年突击队", "技术攻关小组", "安装一班")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞"
DEEDS = (
    "{name}同志扎根生产一线二十余年，立足岗位钻研技术，带领班组完成多项技术革新，"
    "累计为企业节约成本三百余万元；热心传帮带，培养高级工、技师十余名，"
    "在职工中发挥了示范引领作用。"
)
TEAM_DEEDS = (
    "{name}坚持“安全第一、质量为本”，开展岗位练兵和技术比武，连续三年无安全事故，"
    "完成重点工程攻坚任务，获评市级“安康杯”竞赛优胜班组。"
)

# The round in progress, one nomination a line: (key, where, kind, status, sex, front line). "where" is
# "clerk" (demo-clerk's union), "d1sN" (the N-th street of the demo district), "d2", "d3" (the next
# districts), "ind" (the transport industry union). "cadre" takes a cadre of the demo district.
CURRENT = [
    ("draft", "clerk", MODEL_WORKER, S.DRAFT, "F", True),
    ("submitted", "clerk", MEDAL, S.SUBMITTED, "M", True),
    ("returned", "clerk", PIONEER, S.RETURNED, "", False),
    ("submitted_team", "d1s2", PIONEER, S.SUBMITTED, "", False),
    ("passed_1", "d1s3", MODEL_WORKER, S.FIRST_PASSED, "F", True),
    ("passed_2", "d1s4", MEDAL, S.FIRST_PASSED, "M", True),
    ("rejected_first", "d1s5", MODEL_WORKER, S.REJECTED, "M", True),
    ("forwarded", "d1s2", MODEL_WORKER, S.FORWARDED, "M", True),
    ("vetting_cadre", "cadre", MEDAL, S.VETTING, "", False),
    ("notice_objected", "d1s1", MODEL_WORKER, S.NOTICE, "F", True),
    ("notice_2", "d1s3", MEDAL, S.NOTICE, "M", False),
    ("notice_3", "d2", MODEL_WORKER, S.NOTICE, "F", True),
    ("vetted", "d2", MEDAL, S.VETTED, "M", True),
    ("forwarded_team", "d2", PIONEER, S.FORWARDED, "", False),
    ("submitted_d2", "d2", MODEL_WORKER, S.SUBMITTED, "M", True),
    ("rejected_second", "d2", MEDAL, S.REJECTED, "M", True),
    ("notice_team", "d3", PIONEER, S.NOTICE, "", False),
    ("vetting", "d3", MODEL_WORKER, S.VETTING, "F", True),
    ("notice_ind", "ind", MEDAL, S.NOTICE, "F", True),
    ("forwarded_ind", "ind", MODEL_WORKER, S.FORWARDED, "M", True),
]
# Last year's round, decided: the awarded, one not conferred at the decision, one rejected at the first review.
PAST = [
    ("mw_clerk", "clerk", MODEL_WORKER, S.AWARDED, "F", True),
    ("md_d1", "d1s2", MEDAL, S.AWARDED, "M", True),
    ("pi_d1", "d1s3", PIONEER, S.AWARDED, "", False),
    ("mw_d2", "d2", MODEL_WORKER, S.AWARDED, "M", True),
    ("md_d2", "d2", MEDAL, S.AWARDED, "F", True),
    ("mw_d3", "d3", MODEL_WORKER, S.AWARDED, "M", True),
    ("mw_ind", "ind", MODEL_WORKER, S.AWARDED, "F", True),
    ("pi_ind", "ind", PIONEER, S.AWARDED, "", False),
    ("not_conferred", "d3", MEDAL, S.REJECTED, "F", True),
    ("rejected_first", "d1s4", MODEL_WORKER, S.REJECTED, "M", True),
]
# Where each nomination stands past its submission: the review rows it carries.
PASSED_FIRST = (S.FIRST_PASSED, S.FORWARDED, S.VETTING, S.VETTED, S.NOTICE, S.AWARDED)
FORWARDED = (S.FORWARDED, S.VETTING, S.VETTED, S.NOTICE, S.AWARDED)
VETTING_STARTED = (S.VETTING, S.VETTED, S.NOTICE, S.AWARDED)
VETTED = (S.VETTED, S.NOTICE, S.AWARDED)


@lru_cache(maxsize=1)
def demo_pdf() -> bytes:
    """A one-page PDF saying it stands in for a scanned document (WeasyPrint, the CJK fonts embedded)."""
    from weasyprint import HTML

    html = (
        "<html lang='zh'><body style='font-family: \"Noto Sans CJK SC\", sans-serif; padding: 40px'>"
        "<h1 style='font-size: 20pt'>示范市总工会 · 演示材料</h1>"
        "<p style='font-size: 12pt'>本文件为演示数据，代替盖章扫描件。</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def person_key_for(member: Member | None, name: str, birth_date: datetime.date | None) -> str:
    """The register's key of a person: ``m<member id>``, else a sha256 of name and birth date (the rule
    ``campaigns.services.register`` follows)."""
    if member is not None:
        return f"m{member.pk}"
    basis = f"{(name or '').strip()}|{birth_date.isoformat() if birth_date else ''}"
    return hashlib.sha256(basis.encode()).hexdigest()


def notice_dates(today: datetime.date, working_days: int) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(published_on, first_day, last_day) of a notice running today, published one to a few days ago;
    when the calendar does not know the days it would run into, the latest one that fits (already ended)."""
    ended = None
    for back in range(1, 120):
        published = today - datetime.timedelta(days=back)
        try:
            first, last = notice_period(published, working_days)
        except UnknownYear:
            continue
        if first <= today <= last and first < today:
            return published, first, last
        if last < today and ended is None:
            ended = (published, first, last)
    if ended is None:
        raise CommandError("The working-day calendar knows none of the last 120 days: fill it in first.")
    return ended


class DemoHonours:
    """Plans and writes the honours; ``build()`` returns the counts it wrote."""

    def __init__(self, city: Union, city_staff: User, district_staff: User, clerk: User, street_staff: User) -> None:
        self.rng = Random(2026)  # noqa: S311 - planned data, not secrets
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.city, self.city_staff, self.district_staff, self.clerk = city, city_staff, district_staff, clerk
        self.street_staff = street_staff
        self.district = Role.objects.get(user=district_staff, kind=Role.Kind.FEDERATION_STAFF).union
        self.clerk_union = Role.objects.get(user=clerk, kind=Role.Kind.UNION_CLERK).union
        self.kinds = {k.name: k for k in HonourKind.objects.filter(name__in=KINDS)}
        if len(self.kinds) < len(KINDS):
            raise CommandError("The standard honour kinds are missing: run manage.py migrate first.")
        self.items = {}
        for item in EvidenceItem.objects.filter(kind__in=self.kinds.values(), required=True).order_by("order", "id"):
            self.items.setdefault(item.kind_id, []).append(item)
        children = list(Union.objects.get_children(city).order_by("path"))
        districts = [u for u in children if u.kind == Union.Kind.DISTRICT_FEDERATION and u.pk != self.district.pk]
        industries = [u for u in children if u.kind == Union.Kind.INDUSTRY_UNION]
        industry = next((u for u in industries if "交通" in u.name), industries[-1] if industries else districts[-1])
        self.children = children
        self.streets = list(Union.objects.get_children(self.district).order_by("path"))
        clerk_street = next(s for s in self.streets if self.clerk_union.path.startswith(s.path))
        self.streets.remove(clerk_street)
        self.streets.insert(0, clerk_street)
        self.places = {"d2": districts[0], "d3": districts[1], "ind": industry}
        self.places.update({f"d1s{n}": street for n, street in enumerate(self.streets, start=1)})
        self.unions: dict[str, list[Union]] = {}
        self.used_unions: dict[str, int] = {}
        self.used_members: set[int] = set()
        self.used_names: set[str] = set()
        self.counts: dict[str, int] = {}

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        """That day at that hour, never later than now."""
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        return min(moment, self.now - datetime.timedelta(minutes=5))

    # --- who is nominated ------------------------------------------------------------------------------
    def union_for(self, where: str) -> Union:
        """A member-holding union at ``where``: the clerk's, or the next one under the place (in turn)."""
        if where == "clerk":
            return self.clerk_union
        if where not in self.unions:
            place = self.places[where]
            self.unions[where] = [
                u
                for u in Union.objects.filter(
                    path__startswith=place.path,
                    kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION],
                    closed_on__isnull=True,
                ).order_by("path")
                if u.pk != self.clerk_union.pk
            ]
        n = self.used_unions.get(where, 0)
        self.used_unions[where] = n + 1
        candidates = self.unions[where]
        return candidates[n % len(candidates)]

    def first_node(self, union: Union, organiser: Union | None = None) -> Union:
        """The organiser's child on the way to the union (the city's by default)."""
        if organiser is None or organiser.pk == self.city.pk:
            return next(c for c in self.children if union.path.startswith(c.path))
        return Union.objects.get(path=union.path[: len(organiser.path) + Union.steplen])

    def typed_name(self) -> str:
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def nominee(self, n: Nomination, union: Union, sex: str, front_line: bool) -> None:
        """A member of the union of that sex where there is one not nominated yet, else a person typed in."""
        employer = union.employer_name or union.name.removesuffix("工会委员会").removesuffix("工会")
        n.unit_name = employer[:100]
        if not n.kind.for_person:
            n.nominee_name = f"{employer}{self.rng.choice(TEAMS)}"[:100]
            n.team_size = self.rng.randint(8, 16)
            return
        member = (
            Member.objects.filter(union=union, status=Member.Status.ACTIVE, sex=sex)
            .exclude(pk__in=self.used_members)
            .order_by("pk")
            .first()
        )
        if member is not None:
            self.used_members.add(member.pk)
            n.member, n.nominee_name, n.sex, n.birth_date = member, member.name, member.sex, member.birth_date
            n.political_status = member.political_status
            n.migrant_worker = member.is_migrant_worker
        else:
            n.nominee_name, n.sex = self.typed_name(), sex
            n.birth_date = datetime.date(self.rng.randint(1968, 1992), self.rng.randint(1, 12), self.rng.randint(1, 28))
            n.political_status = self.rng.choice(("cpc_member", "cpc_member", "masses"))
        n.post = self.rng.choice(POSTS)
        n.woman = n.sex == "F"
        n.enterprise_staff = True
        n.front_line = front_line
        n.technician = not front_line

    def cadre_nominee(self, n: Nomination) -> Union:
        """A cadre in post under the demo district (a grassroots union's first), nominated by the union
        they serve at; joint vetting asks integrity about them."""
        cadres = Cadre.objects.filter(union__path__startswith=self.district.path, status=Cadre.Status.IN_POST)
        cadre = (
            cadres.filter(union__kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION]).order_by("pk").first()
            or cadres.exclude(union=self.district).order_by("pk").first()
            or cadres.order_by("pk").first()
        )
        if cadre is None:
            raise CommandError("The demo district has no cadres: run manage.py seed_demo_cadres first.")
        union = cadre.union
        n.cadre_record, n.cadre = cadre, True
        n.nominee_name, n.sex, n.birth_date = cadre.name, cadre.sex, cadre.birth_date
        n.political_status, n.post = cadre.political_status, cadre.post[:100]
        n.unit_name = (union.employer_name or union.name)[:100]
        n.woman = cadre.sex == "F"
        n.enterprise_staff = union.kind in (Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION)
        return union

    # --- a round ----------------------------------------------------------------------------------------
    def round(
        self, year: int, status: str, pub: datetime.date, organiser: Union | None = None, title: str = ""
    ) -> Round:
        d = datetime.timedelta
        organiser = organiser or self.city
        by = self.city_staff if organiser.pk == self.city.pk else self.district_staff
        r = Round.objects.create(
            title=title or ROUND_TITLE.format(year=year), year=year, organiser=organiser,
            level=Round.level_of(organiser),
            description=(
                f"为大力弘扬劳模精神、劳动精神、工匠精神，{organiser.name}决定开展{year}年度评选表彰工作。"
                "各级工会按分配名额，经基层民主评议和单位公示后逐级推荐。"
            ),
            nominations_close=pub - d(days=40), first_review_due=pub - d(days=30), second_review_due=pub - d(days=20),
            vetting_due=pub - d(days=5), notice_planned=pub, notice_days=5, status=status,
            conferring_body=organiser.name, created_by=by, created_at=self.at(min(pub - d(days=90), self.today), 9),
        )  # fmt: skip
        r.kinds.set(self.kinds.values())
        StructuralRule.objects.bulk_create(
            StructuralRule(round=r, flag=flag, bound=bound, percent=percent) for flag, bound, percent in RULES
        )
        self.bump("rounds")
        return r

    def nominations(self, r: Round, plan: list, pub: datetime.date, notice: PublicNotice | None) -> dict:
        """Each planned nomination with its files and review rows, as the services leave it."""
        d = datetime.timedelta
        made = {}
        for index, (key, where, kind_name, status, sex, front_line) in enumerate(plan):
            kind = self.kinds[kind_name]
            n = Nomination(round=r, kind=kind, status=status, deeds="")
            union = self.cadre_nominee(n) if where == "cadre" else self.union_for(where)
            if where != "cadre":
                self.nominee(n, union, sex, front_line)
            n.union, n.first_node = union, self.first_node(union, r.organiser)
            n.deeds = (DEEDS if kind.for_person else TEAM_DEEDS).format(name=n.nominee_name)
            created = pub - d(days=70 - index % 8)
            n.review_meeting_on = created - d(days=12)
            n.review_attendance = self.rng.randint(30, 90)
            n.votes_against, n.votes_abstaining = self.rng.randint(0, 2), self.rng.randint(0, 2)
            n.votes_for = n.review_attendance - n.votes_against - n.votes_abstaining
            n.unit_notice_from = n.review_meeting_on + d(days=1)
            n.unit_notice_to = n.unit_notice_from + d(days=6)
            clerk = self.clerk if union == self.clerk_union else self.city_staff
            n.created_by, n.created_at = clerk, self.at(created, 9)
            if status != S.DRAFT:
                n.submitted_at = self.at(pub - d(days=50 - index % 6), 10)
            n.updated_at = n.submitted_at or n.created_at
            if status == S.RETURNED:
                n.return_reason = RETURN_REASON
            if status in (S.NOTICE, S.AWARDED) or (status == S.REJECTED and key == "not_conferred"):
                n.notice = notice
            n.save()
            self.files(n)
            self.reviews(n, key, pub)
            made[key] = n
            self.bump(f"nominations_{status}")
        return made

    def files(self, n: Nomination) -> None:
        """A PDF for each line of the checklist, the review's minutes and the unit's notice: complete."""
        slots = [(NominationFile.Purpose.EVIDENCE, item, item.label) for item in self.items.get(n.kind_id, [])]
        slots += [
            (NominationFile.Purpose.MINUTES, None, "民主评议会议记录"),
            (NominationFile.Purpose.UNIT_NOTICE, None, "单位公示无异议证明"),
        ]
        pdf = demo_pdf()
        for purpose, item, label in slots:
            f = NominationFile(
                nomination=n, purpose=purpose, item=item, original_name=f"{label}.pdf", size=len(pdf),
                uploaded_by=n.created_by, uploaded_at=n.created_at,
            )  # fmt: skip
            f.file.save(f"{label}.pdf", ContentFile(pdf), save=False)
            f.save()
            self.bump("nomination_files")

    def first_reviewer(self, n: Nomination) -> User:
        if n.round.organiser_id == self.district.pk:
            return self.street_staff
        return self.district_staff if n.first_node_id == self.district.pk else self.city_staff

    def review(self, n: Nomination, stage: str, outcome: str, by: User, at, comment: str = "") -> None:
        NominationReview.objects.create(nomination=n, stage=stage, outcome=outcome, comment=comment, by=by, at=at)
        self.bump("reviews")

    def reviews(self, n: Nomination, key: str, pub: datetime.date) -> None:
        d, R = datetime.timedelta, NominationReview
        first_at = self.at(pub - d(days=36), 15)
        if n.status in (S.FIRST_PASSED,):
            first_at = self.at(pub - d(days=28), 15)  # passed after the level forwarded its first list
        if n.status == S.RETURNED:
            self.review(n, R.Stage.FIRST, R.Outcome.RETURNED, self.first_reviewer(n), first_at, RETURN_REASON)
        if key == "rejected_first":
            self.review(n, R.Stage.FIRST, R.Outcome.REJECTED, self.first_reviewer(n), first_at, REJECT_FIRST)
            return
        forwarded = n.status in FORWARDED or key in ("rejected_second", "not_conferred")
        if n.status in PASSED_FIRST or forwarded:
            self.review(
                n, R.Stage.FIRST, R.Outcome.PASSED, self.first_reviewer(n), first_at, "事迹突出，材料齐全，同意推荐。"
            )
        if key == "rejected_second":
            self.review(
                n, R.Stage.SECOND, R.Outcome.REJECTED, self.city_staff, self.at(pub - d(days=22), 16), REJECT_SECOND
            )
            return
        second_at = self.at(pub - d(days=8 if key == "vetting_cadre" else 24), 11)
        if n.status in VETTING_STARTED or key == "not_conferred":
            self.review(n, R.Stage.SECOND, R.Outcome.PASSED, self.city_staff, second_at, "同意提交联审。")
            self.vetting(n, second_at, pub)
        if n.status in VETTED or key == "not_conferred":
            vetted_at = self.at(pub + d(days=1), 9) if n.status == S.VETTED else self.at(pub - d(days=4), 17)
            self.review(n, R.Stage.VETTING, R.Outcome.PASSED, self.city_staff, vetted_at)
            n.updated_at = vetted_at
            n.save(update_fields=["updated_at"])

    def vetting(self, n: Nomination, started, pub: datetime.date) -> None:
        """One opinion per department; the cadre's discipline opinion through an integrity letter."""
        waiting = set()
        if n.status == S.VETTING:
            # The cadre waits for the discipline body's letter alone; the other one for three departments.
            waiting = {D.DISCIPLINE} if n.cadre_record_id else {D.DISCIPLINE, D.WORK_SAFETY, D.ENVIRONMENT}
        letter = None
        if n.cadre_record_id:
            letter = OpinionLetter.objects.create(
                cadre=n.cadre_record, purpose=OpinionLetter.Purpose.COMMENDATION,
                request_note=f"{n.round.title}：{n.nominee_name}"[:200], requested_by=self.city_staff,
            )  # fmt: skip
            OpinionLetter.objects.filter(pk=letter.pk).update(requested_at=started)
            self.bump("opinion_letters_requested")
        for department in D.values:
            clear = department not in waiting
            VettingOpinion.objects.create(
                nomination=n, department=department,
                conclusion=VettingOpinion.Conclusion.CLEAR if clear else VettingOpinion.Conclusion.WAITING,
                note="经核查，未发现违法违规记录。" if clear else "",
                opinion_letter=letter if department == D.DISCIPLINE else None,
                recorded_by=self.city_staff,
                recorded_at=min(started + datetime.timedelta(days=3), self.now) if clear else started,
            )  # fmt: skip
            self.bump("vetting_opinions")

    def forwardings(self, r: Round, made: dict, at) -> None:
        """Each first-review level forwarded its list once (those passed later wait for the next)."""
        by_node: dict[int, list[Nomination]] = {}
        for key, n in made.items():
            if n.status in FORWARDED or key in ("rejected_second", "not_conferred"):
                by_node.setdefault(n.first_node_id, []).append(n)
        for offset, (node_id, listed) in enumerate(sorted(by_node.items())):
            by = self.district_staff if node_id == self.district.pk else self.city_staff
            Forwarding.objects.create(
                round=r, node_id=node_id, count=len(listed), by=by, at=at + datetime.timedelta(hours=offset)
            )
            self.bump("forwardings")

    def quotas(self, r: Round) -> None:
        """The organiser's children each get room for what they sent and one more of every kind; the demo
        district splits its own among the streets that nominate, never more than it holds."""
        alive = list(
            Nomination.objects.filter(round=r, status__in=Nomination.ALIVE).values_list("union__path", "kind_id")
        )
        nominated = list(Nomination.objects.filter(round=r).values_list("union__path", "kind_id"))

        def under(rows, node, kind) -> int:
            return sum(1 for path, k in rows if path.startswith(node.path) and k == kind.pk)

        rows = []
        for kind in self.kinds.values():
            split = 0
            for street in self.streets:
                if under(nominated, street, kind):
                    count = under(alive, street, kind) + 1
                    split += count
                    rows.append(Quota(round=r, node=street, kind=kind, count=count, set_by=self.district_staff))
            for child in self.children:
                count = under(alive, child, kind) + 1
                if child.pk == self.district.pk:
                    count = max(count, split)
                rows.append(Quota(round=r, node=child, kind=kind, count=max(count, 2), set_by=self.city_staff))
        Quota.objects.bulk_create(rows)
        self.bump("quotas", len(rows))

    # --- this year's round ------------------------------------------------------------------------------
    def current(self) -> Round:
        published, first, last = notice_dates(self.today, 5)
        year = self.today.year
        r = self.round(year, Round.Status.NOTICE, published)
        notice = PublicNotice.objects.create(
            round=r, title=f"{r.title}拟表彰对象公示", contact=CONTACT, published_on=published, working_days=5,
            first_day=first, last_day=last, published_by=self.city_staff, published_at=self.at(published, 9),
        )  # fmt: skip
        self.bump("notices")
        made = self.nominations(r, CURRENT, published, notice)
        self.forwardings(r, made, self.at(published - datetime.timedelta(days=30), 16))
        self.quotas(r)
        objected = made["notice_objected"]
        received = max(self.at(first, 15, 20), self.at(first, 0, 5))
        Objection.objects.create(
            notice=notice, nomination=objected, objector_name=OBJECTOR[0], objector_mobile=pii.encrypt(OBJECTOR[1]),
            facts=OBJECTION_FACTS, received_at=received, late=received.date() > last,
        )  # fmt: skip
        self.bump("objections")
        return r

    # --- last year's round, decided, and the register -------------------------------------------------
    def past(self) -> list[Honour]:
        year = self.today.year - 1
        published = datetime.date(year, 6, 1)
        try:
            first, last = notice_period(published, 5)
        except UnknownYear:  # a calendar without last year: a plain week
            first, last = published, published + datetime.timedelta(days=6)
        r = self.round(year, Round.Status.DECIDED, published)
        notice = PublicNotice.objects.create(
            round=r, title=f"{r.title}拟表彰对象公示", contact=CONTACT, published_on=published, working_days=5,
            first_day=first, last_day=last, published_by=self.city_staff, published_at=self.at(published, 9),
        )  # fmt: skip
        self.bump("notices")
        made = self.nominations(r, PAST, published, notice)
        self.forwardings(r, made, self.at(published - datetime.timedelta(days=30), 16))
        self.quotas(r)
        decided_on = last + datetime.timedelta(days=14)
        decided_at = self.at(decided_on, 15)
        document = f"示工发〔{year}〕18号"
        honours = []
        for number, n in enumerate((n for n in made.values() if n.status == S.AWARDED), start=1):
            self.review(
                n, NominationReview.Stage.DECISION, NominationReview.Outcome.PASSED, self.city_staff, decided_at
            )
            honours.append(
                Honour.objects.create(
                    kind=n.kind,
                    round=r,
                    nomination=n,
                    year=year,
                    level=Honour.Level.CITY,
                    holder_name=n.nominee_name,
                    sex=n.sex,
                    birth_date=n.birth_date,
                    member=n.member,
                    person_key=person_key_for(n.member, n.nominee_name, n.birth_date),
                    unit_name=n.unit_name,
                    post=n.post,
                    union=n.union,
                    document_number=document,
                    conferring_body=CONFERRING_BODY,
                    decided_on=decided_on,
                    number=f"RY{year}-{number:05d}",
                    in_hardship=number == 4,
                    created_by=self.city_staff,
                    created_at=decided_at,
                )  # fmt: skip
            )
            n.updated_at = decided_at
            n.save(update_fields=["updated_at"])
        self.bump("honours", len(honours))
        refused = made["not_conferred"]
        self.review(refused, NominationReview.Stage.DECISION, NominationReview.Outcome.REJECTED, self.city_staff,
                    decided_at, REJECT_DECISION)  # fmt: skip
        return honours

    def care(self, honours: list[Honour]) -> None:
        """Model workers' care: the clerk's union's model worker had this year's health check (the rest of
        the year's care is due); the others had last year's National Day visit and this May Day's."""
        year, today = self.today.year, self.today
        amounts = {(e.kind_id, e.care): e.amount for e in CareEntitlement.objects.all()}
        C = CareEntitlement.Care
        rows = []
        for honour in honours:
            if not honour.kind.grants_care:
                continue
            if honour.union_id == self.clerk_union.pk:
                delivered = max(datetime.date(year, 1, 1), today - datetime.timedelta(days=20))
                rows.append((honour, C.HEALTH_CHECK, year, delivered, "示范市职工疗休养（体检）中心", self.clerk))
                continue
            if honour.decided_on < datetime.date(honour.year, 9, 25):
                rows.append((honour, C.NATIONAL_DAY_VISIT, honour.year, datetime.date(honour.year, 9, 28),
                             self.first_node(honour.union).name, self.city_staff))  # fmt: skip
            if today >= datetime.date(year, 4, 28):
                rows.append((honour, C.MAY_DAY_VISIT, year, datetime.date(year, 4, 28), self.first_node(honour.union).name,
                             self.city_staff))  # fmt: skip
        for honour, care, for_year, day, by_whom, recorder in rows:
            CareRecord.objects.create(
                honour=honour, care=care, year=for_year, delivered_on=day, delivered_by=by_whom,
                amount=amounts.get((honour.kind_id, care)), note="", recorded_by=recorder,
                recorded_at=self.at(day, 17),
            )  # fmt: skip
        self.bump("care_records", len(rows))

    def studios(self, honours: list[Honour]) -> None:
        """Two city-level studios led by model workers, last year's and this year's, against this year's target."""
        leaders = [h for h in honours if h.kind.name == MODEL_WORKER][:2]
        year = self.today.year
        fields = (
            ("数控加工工艺改进", "技能攻关、工艺革新、带徒传技"),
            ("智能电网运维", "设备运维、技术培训、安全攻关"),
        )
        for n, (honour, (field, members)) in enumerate(zip(leaders, fields, strict=False)):
            InnovationStudio.objects.create(
                name=f"{honour.holder_name}劳模创新工作室", leader=honour, host_union=honour.union,
                host_unit=honour.unit_name, field=field, members=f"{honour.holder_name}（领衔人）；成员从事{members}",
                member_count=8 + n * 3, level=InnovationStudio.Level.CITY, recognised_year=year - 1 + n,
                created_by=self.city_staff, created_at=self.at(datetime.date(year - 1 + n, 7, 1), 10),
            )  # fmt: skip
            self.bump("studios")
        StudioTarget.objects.create(node=self.city, year=year, level=InnovationStudio.Level.CITY, count=20)
        self.bump("studio_targets")

    # --- the demo district's own round, taking nominations --------------------------------------------
    def district_round(self) -> Round:
        """The district's own round, open until three weeks from today: the clerk's draft (complete) can be
        submitted, the street's staff review it, the district's staff run the rest."""
        d = datetime.timedelta
        year = self.today.year
        name = self.district.name.removesuffix("总工会")
        r = self.round(year, Round.Status.NOMINATING, self.today + d(days=61), organiser=self.district,
                       title=f"{year}年度{name}劳动模范和先进集体评选")  # fmt: skip
        r.kinds.set([self.kinds[MEDAL], self.kinds[PIONEER]])
        plan = [
            ("draft_open", "clerk", MEDAL, S.DRAFT, "F", True),
            ("returned_open", "clerk", PIONEER, S.RETURNED, "", False),
        ]
        self.nominations(r, plan, self.today + d(days=48), None)
        # Returned by the street's staff yesterday (the plan's review day lies ahead of today in this round).
        returned_at = self.at(self.today - d(days=1), 15)
        NominationReview.objects.filter(nomination__round=r).update(at=returned_at)
        r.nominations.filter(status=S.RETURNED).update(updated_at=returned_at)
        Quota.objects.bulk_create(
            Quota(round=r, node=street, kind=kind, count=2, set_by=self.district_staff)
            for street in self.streets for kind in (self.kinds[MEDAL], self.kinds[PIONEER])
        )  # fmt: skip
        self.bump("quotas", 2 * len(self.streets))
        return r

    def build(self) -> dict[str, int]:
        honours = self.past()
        self.care(honours)
        self.studios(honours)
        self.current()
        self.district_round()
        return self.counts


def ensure_city_staff(city: Union) -> User:
    """demo-city-staff: federation staff of the city (signs in with the demo password)."""
    username, name = CITY_STAFF
    user = User.objects.filter(username=username).first()
    if user is None:
        email = f"{username}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.create(username=username, name=name, email=email, password=make_password(DEMO_PASSWORD))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    Role.objects.get_or_create(user=user, union=city, kind=Role.Kind.FEDERATION_STAFF)
    return user


def ensure_honours(city: Union) -> dict[str, int]:
    """The demo honours, once: {} when the city runs honours rounds already."""
    accounts = {u.username: u for u in User.objects.filter(username__in=[DISTRICT_STAFF, CLERK, STREET_STAFF])}
    if len(accounts) < 3:
        raise CommandError("No demo accounts: run manage.py seed_demo first. 请先运行 seed_demo。")
    city_staff = ensure_city_staff(city)
    if Round.objects.filter(organiser=city).exists():
        return {}
    return DemoHonours(city, city_staff, accounts[DISTRICT_STAFF], accounts[CLERK], accounts[STREET_STAFF]).build()


class Command(BaseCommand):
    help = "Give the demo city an honours round in progress, last year's honours, care and studios (once)."

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
            written = ensure_honours(city)
        if written:
            self.stdout.write(
                "评选表彰 Honours: " + ", ".join(f"{key} {value}" for key, value in written.items()) + "."
            )
        else:
            self.stdout.write("评选表彰 Honours: the demo city runs its honours rounds already; nothing added.")
        self.stdout.write(
            f"{CITY_STAFF[0]} 是市总工作人员 is federation staff of the city (runs the honours round), "
            f"password {DEMO_PASSWORD}."
        )
