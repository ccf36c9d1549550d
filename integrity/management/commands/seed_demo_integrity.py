"""``manage.py seed_demo_integrity``: the demo city's integrity records (run by ``seed_demo`` after
``seed_demo_cadres``), so that demo-discipline, the city's discipline officer, finds work on first
sign-in:

- cadres in post without this year's routine integrity talk (about a third), most of the others covered,
  and last year's talks behind them;
- a filed admonishment talk (诫勉谈话) with one rectification item overdue and one open; a reminder talk
  whose item was struck off; a heart-to-heart and a pre-appointment talk; a draft of demo-discipline's;
- warning education sessions (last year and this) with their attendance;
- this year's responsibility letters of the city and its districts, some signed with a scan, some sent
  and not signed, a few still drafts; last year's city letters, all signed;
- opinion letters: one asked for by demo-cadre and waiting, one issued and valid, one expired;
- four-forms entries (form one from the talks, a form-two sanction of last year).

The recent talks, their rectification items and the waiting opinion request go through the services
(``talk_create``, ``talk_file``, ``rectification_create``, ``opinion_request``), audited as an officer's
would be; what happened months ago (routine talks, a closed reminder talk, letters signed in January,
issued opinion letters, past sessions) is written through the models with its own dates, within the
services' rules (deadlines after their talk, opinion letters numbered per year as the service numbers
them, one letter per leader or department and year). Planned from ``random.Random(2026)`` against
today's date. Runs once: a demo city whose cadres have integrity records already is left as it is, so
a second run adds nothing.
"""

import datetime
import hashlib
from random import Random

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from cadres.models import Cadre
from integrity.models import (
    EducationAttendance,
    EducationSession,
    FourFormsEntry,
    IntegritySettings,
    OpinionLetter,
    Rectification,
    ResponsibilityLetter,
    SupervisionForm,
    Talk,
)
from unions.models import Union

CITY_NAME = "示范市总工会"
OFFICER = "demo-discipline"  # the city's discipline officer: recorder, issuer
REQUESTER = "demo-cadre"  # the city's cadre officer: asks for opinion letters
# Share of the cadres in post who have had this year's routine talk (the rest are the tracker's list).
COVERED_THIS_YEAR, COVERED_LAST_YEAR = 0.62, 0.96
CITY_DEPARTMENTS = ["办公室", "组织部", "宣传教育部", "权益保障部", "基层工作部", "财务部"]
DISTRICT_DEPARTMENTS = ["办公室", "组织部", "权益保障部"]
LEADER_POSTS = ("副主席", "经审会主任")
# The responsibility items of every demo letter (one per line), as the officer gives them when drafting.
LETTER_ITEMS = "\n".join(
    [
        '严格落实党风廉政建设"一岗双责"，对分管领域的党风廉政建设负直接领导责任。',
        '严格执行中央八项规定精神，带头纠治"四风"。',
        "规范工会经费使用和资产管理，重大事项集体决策。",
        "按时参加廉政谈话和警示教育，如实报告个人有关事项。",
    ]
)
# A scanned signed letter: a one-page PDF (what the demo's scans open as).
SCAN_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ROUTINE = {
    "reason": "年度例行廉政谈话",
    "content": "传达上级关于党风廉政建设的部署，重申中央八项规定精神和廉洁纪律要求，提醒在工会经费使用、"
    "评先评优和慰问品采购中严守规矩，管好身边人。",
    "statement": "本人表示将认真对照检查，严格执行各项廉洁纪律。",
    "opinion": "希望继续保持，发挥表率作用。",
}


class DemoIntegrity:
    """Plans and writes the records; ``build()`` returns the counts it wrote."""

    def __init__(self, city: Union, officer: User, requester: User, cadres: list[Cadre]) -> None:
        self.rng = Random(2026)  # noqa: S311 - planned data, not secrets
        self.today = timezone.localdate()
        self.year = self.today.year
        self.city, self.officer, self.requester = city, officer, requester
        self.cadres = cadres
        self.in_post = [c for c in cadres if c.status == Cadre.Status.IN_POST]
        self.counts: dict[str, int] = {}
        # Who holds the talks: the chair of the cadre's own federation, else the city's chair.
        chairs = {c.union_id: c for c in cadres if c.post in ("主席", "工会主席") and c.status == Cadre.Status.IN_POST}
        self.city_chair = chairs.get(city.pk)
        self.chairs = chairs

    # --- helpers ------------------------------------------------------------------------------------
    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def talker(self, cadre: Cadre) -> tuple[str, str]:
        chair = self.chairs.get(cadre.union_id)
        if chair is None or chair.pk == cadre.pk:
            chair = self.city_chair
        if chair is None or chair.pk == cadre.pk:
            return "杨秀英", "纪检组组长"
        return chair.name, f"{chair.union.name.removesuffix('总工会')}{chair.post}"

    def serving_on(self, day: datetime.date) -> list[Cadre]:
        """Cadres in post on the day (those who left later still count)."""
        return [
            c
            for c in self.cadres
            if c.in_post_since <= day
            and (c.status == Cadre.Status.IN_POST or (c.status_changed_on and c.status_changed_on > day))
        ]

    def by_post(self, union: Union, *posts: str) -> list[Cadre]:
        return [c for c in self.in_post if c.union_id == union.pk and c.post in posts]

    # --- the whole record ---------------------------------------------------------------------------
    def build(self) -> dict[str, int]:
        self.write_routine_talks()
        self.write_other_talks()
        self.write_education()
        self.write_letters()
        self.write_opinions()
        self.write_four_forms()
        return self.counts

    def talk(self, cadre: Cadre, kind: str, held_on: datetime.date, **fields) -> Talk:
        name, post = self.talker(cadre)
        status = fields.pop("status", Talk.Status.FILED)
        filed = status != Talk.Status.DRAFT
        return Talk(
            cadre=cadre, kind=kind, talker_name=name, talker_post=post, recorder=self.officer, held_on=held_on,
            place=fields.pop("place", "党组会议室"), status=status,
            created_at=self.at(held_on, 15), filed_at=self.at(held_on, 17) if filed else None, **fields,
        )  # fmt: skip

    def write_routine_talks(self) -> None:
        """Last year most cadres had their routine talk; this year about six in ten so far, city first."""
        talks = []
        for year, share in ((self.year - 1, COVERED_LAST_YEAR), (self.year, COVERED_THIS_YEAR)):
            first = datetime.date(year, 3, 1)
            last = datetime.date(year, 11, 30) if year < self.year else self.ago(2)
            if last <= first:
                first = datetime.date(year, 1, 2)
            if last < first:
                continue  # the first days of January: nobody talked to yet this year
            people = self.serving_on(last) if year < self.year else list(self.in_post)
            # The city's cadres are talked to first; districts and streets fill in over the year.
            people.sort(key=lambda c: (c.union.depth, self.rng.random()))
            covered = people[: round(len(people) * share)]
            for cadre in covered:
                held = self.day(first, last)
                talks.append(self.talk(cadre, Talk.Kind.ROUTINE, max(held, cadre.in_post_since), **ROUTINE))
        Talk.objects.bulk_create(talks, batch_size=500)
        self.counts["routine_talks"] = len(talks)

    def through_services(self, cadre: Cadre, kind: str, held_on: datetime.date, *, file: bool = True,
                         items=(), **fields) -> Talk:  # fmt: skip
        """A recent talk recorded as the officer records one: drafted, filed (a supervised talk goes into
        the four-forms register), its rectification items set; each step audited."""
        from integrity.services.rectifications import rectification_create
        from integrity.services.talks import talk_create, talk_file

        name, post = self.talker(cadre)
        talk = talk_create(cadre=cadre, kind=kind, talker_name=name, talker_post=post, held_on=held_on,
                           place="党组会议室", by=self.officer, **fields)  # fmt: skip
        if file:
            talk = talk_file(talk=talk, by=self.officer)
        for text, deadline in items:
            rectification_create(talk=talk, text=text, deadline=deadline, by=self.officer)
        talk.refresh_from_db()
        return talk

    def write_other_talks(self) -> None:
        """The recent talks through the services; the reminder talk of months ago, closed with its item
        struck off back then, through the models (the services date everything today)."""
        S = Rectification.Status
        staff = [c for c in self.in_post if c.union.depth <= 2 and c.post not in ("主席",)]
        admonished, reminded, heart, appointed, drafted = self.rng.sample(staff, 5)
        # A filed admonishment talk, its two items: one past its deadline, one still open.
        self.admonishment = self.through_services(
            admonished, Talk.Kind.ADMONISHMENT, self.ago(60), supervision_form=SupervisionForm.ADMONISHMENT,
            reason="群众反映其在基层工会经费审查中把关不严，并多次接受下级单位安排的宴请。",
            content="指出其在经费审查中把关不严、接受下级单位宴请的问题，对其进行诫勉，要求限期整改并作出书面检查。",
            statement="本人对反映的问题如实说明，认识到问题的严重性，接受组织诫勉，保证按期整改。",
            opinion="予以诫勉，责令作出书面检查，列出整改清单限期整改。",
            items=[("就接受下级单位宴请问题作出书面检查，并退还相关费用。", self.ago(12)),
                   ("建立经费审查复核清单，对本年度审查过的基层工会经费逐项复核。", self.today + datetime.timedelta(days=20))],
        )  # fmt: skip
        self.through_services(heart, Talk.Kind.HEART_TO_HEART, self.ago(25), reason="岗位调整后的思想状况了解",
                              content="了解其岗位调整后的工作和思想状况，勉励其尽快进入角色。",
                              statement="本人表示服从组织安排，尽快熟悉新岗位。", opinion="思想稳定，工作积极。")  # fmt: skip
        self.through_services(appointed, Talk.Kind.PRE_APPOINTMENT, self.ago(40), reason="拟提任前廉政谈话",
                              content="提任前提醒其正确对待权力，带头遵守廉洁自律各项规定。",
                              statement="本人将珍惜岗位，自觉接受监督。", opinion="同意按程序任职。")  # fmt: skip
        # A draft of demo-discipline's, not yet filed: theirs alone.
        self.through_services(drafted, Talk.Kind.HEART_TO_HEART, self.ago(1), file=False,
                              reason="了解近期工作压力情况", content="（谈话要点待整理）")  # fmt: skip
        self.reminder = self.talk(
            reminded, Talk.Kind.REMINDER, self.day(self.ago(240), self.ago(120)),
            status=Talk.Status.CLOSED, supervision_form=SupervisionForm.TALK_REMINDER,
            reason="年度考核中发现其负责的慰问品采购未履行比价程序。",
            content="提醒其严格执行采购比价和集体决策程序，及时纠正程序缺失问题。",
            statement="本人接受提醒，已补充比价材料并完善采购台账。", opinion="予以谈话提醒，限期补正程序。",
        )  # fmt: skip
        self.reminder.closed_at = self.at(self.reminder.held_on + datetime.timedelta(days=35), 10)
        self.reminder.save()
        Rectification.objects.create(
            talk=self.reminder, cadre=reminded, deadline=self.reminder.held_on + datetime.timedelta(days=30),
            status=S.STRUCK_OFF, text="补齐慰问品采购比价材料，完善采购台账。",
            evidence="已补充三家供应商比价单及会议纪要，采购台账已更新。",
            evidence_at=self.at(self.reminder.held_on + datetime.timedelta(days=25), 16),
            struck_off_by=self.officer, struck_off_at=self.reminder.closed_at,
            created_at=self.at(self.reminder.held_on, 17),
        )  # fmt: skip
        self.counts.update(other_talks=4, draft_talks=1, rectifications=3)

    def write_education(self) -> None:
        """Warning education of the city: cadres of the city and the districts attend."""
        rng, K, Src = self.rng, EducationSession.Kind, EducationAttendance.Source
        plan = [
            (self.year - 1, 6, 18, K.WARNING_FILM, "警示教育片《清廉之路》集中观看"),
            (self.year - 1, 11, 7, K.RULES_TEST, "党纪法规知识测试"),
            (self.year, 3, 26, K.BASE_VISIT, "赴市廉政教育基地参观学习"),
            (self.year, 6, 12, K.WARNING_FILM, "警示教育片《警钟长鸣》集中观看"),
            (self.year, 9, 17, K.CASE_BULLETIN, "典型违纪违法案例通报会"),
        ]
        sessions, wanted = [], []
        for year, month, day_of_month, kind, title in plan:
            held = datetime.date(year, month, day_of_month)
            if held >= self.today:
                continue
            sessions.append(EducationSession(
                organiser=self.city, kind=kind, title=f"{year}年{title}", held_on=held,
                place="市廉政教育基地" if kind == K.BASE_VISIT else "市总工会三楼会议室",
                created_by=self.officer, created_at=self.at(held - datetime.timedelta(days=7), 9),
            ))  # fmt: skip
            people = [c for c in self.serving_on(held) if c.union.depth <= 2]
            wanted.append((held, rng.sample(people, round(len(people) * rng.uniform(0.55, 0.8)))))
        sessions = EducationSession.objects.bulk_create(sessions)
        rows = []
        for session, (held, people) in zip(sessions, wanted, strict=True):
            for cadre in people:
                source = rng.choice((Src.QR, Src.QR, Src.SHEET, Src.OFFICER))
                rows.append(EducationAttendance(session=session, cadre=cadre, source=source,
                                                recorded_at=self.at(held, 9, rng.randrange(60))))  # fmt: skip
        EducationAttendance.objects.bulk_create(rows, batch_size=1000)
        self.counts.update(education_sessions=len(sessions), education_attendance=len(rows))

    def write_letters(self) -> None:
        """This year's letters of the city and every district, last year's of the city."""
        L = ResponsibilityLetter
        districts = list(Union.objects.get_children(self.city).filter(kind=Union.Kind.DISTRICT_FEDERATION))
        planned = []  # (node, year, cadre or None, department)
        for year in (self.year - 1, self.year):
            for node in [self.city, *(districts if year == self.year else [])]:
                departments = CITY_DEPARTMENTS if node == self.city else DISTRICT_DEPARTMENTS
                planned += [(node, year, c, "") for c in self.by_post(node, *LEADER_POSTS)]
                planned += [(node, year, None, d) for d in departments]
        letters, scans = [], 0
        for n, (node, year, cadre, department) in enumerate(planned):
            drafted = self.at(datetime.date(year, 1, 6), 9)
            sent = self.at(datetime.date(year, 1, 12), 10)
            if year < self.year or node == self.city:
                status = L.Status.SIGNED if year < self.year or n % 4 else L.Status.SENT
            elif node == districts[-1]:
                status = L.Status.DRAFTED  # the last district's letters are not sent yet
            else:
                status = L.Status.SIGNED if n % 3 == 0 else L.Status.SENT
            signed_on = datetime.date(year, 1, 20) + datetime.timedelta(days=n % 9)
            # In the first weeks of January nothing is signed (or sent) yet.
            if status == L.Status.SIGNED and signed_on >= self.today:
                status = L.Status.SENT
            if status == L.Status.SENT and sent.date() >= self.today:
                status = L.Status.DRAFTED
            drafted = min(drafted, timezone.now())
            letter = L(
                union=node, year=year, party=L.Party.LEADER if cadre else L.Party.DEPARTMENT, cadre=cadre,
                department=department, post=cadre.post if cadre else "", items=LETTER_ITEMS, status=status,
                created_by=self.officer, created_at=drafted,
                sent_at=sent if status != L.Status.DRAFTED else None,
            )  # fmt: skip
            if status == L.Status.SIGNED:
                letter.signed_on = signed_on
                # Each signed letter's own scan (the content differs, so does the hash).
                content = SCAN_PDF + f"% {node.pk}-{year}-{n}\n".encode()
                letter.scan.save(f"scan-{year}-{n}.pdf", ContentFile(content), save=False)
                letter.scan_sha256 = hashlib.sha256(content).hexdigest()
                letter.scan_uploaded_by = self.officer
                scans += 1
            letters.append(letter)
        letters = L.objects.bulk_create(letters)
        this_year = [x for x in letters if x.year == self.year]
        self.counts.update(
            letters=len(letters),
            letters_unsigned=sum(x.status != L.Status.SIGNED for x in this_year),
            letter_scans=scans,
        )

    def write_opinions(self) -> None:
        """One waiting (asked for by demo-cadre through the service), one issued and valid, one issued and
        expired (written as issued back then: the service issues only as of recent days)."""
        from integrity.services.opinions import letter_number, opinion_request, valid_until_for

        Op = OpinionLetter
        with_talks = {self.admonishment.cadre_id, self.reminder.cadre_id}
        candidates = [c for c in self.in_post if c.union.depth <= 2 and c.pk not in with_talks and c.post != "主席"]
        waiting, valid, expired = self.rng.sample(candidates, 3)
        opinion_request(cadre=waiting, purpose=Op.Purpose.PROMOTION, by=self.requester,
                        note=f"拟提任{waiting.post.removeprefix('副')}")  # fmt: skip
        # Numbered after any letter of the year already issued (文号 unique per year).
        numbers = dict(
            Op.objects.filter(sequence__isnull=False).values("sequence_year").annotate(last=Max("sequence"))
            .values_list("sequence_year", "last")
        )  # fmt: skip
        months = IntegritySettings.current().opinion_valid_months
        letters = []
        for cadre, purpose, note, as_of in (
            (valid, Op.Purpose.COMMENDATION, "推荐市五一劳动奖章", self.ago(20)),
            (expired, Op.Purpose.YEARLY_ASSESSMENT, "年度考核", self.today - relativedelta(months=months, days=45)),
        ):  # fmt: skip
            sequence = numbers[as_of.year] = (numbers.get(as_of.year) or 0) + 1
            letters.append(Op(
                cadre=cadre, purpose=purpose, request_note=note, requested_by=self.requester,
                requested_at=self.at(as_of - datetime.timedelta(days=4), 10), status=Op.Status.ISSUED,
                conclusion=Op.Conclusion.NO_PROBLEM, as_of=as_of, valid_until=valid_until_for(as_of, months),
                remarks="经查阅近三年廉政档案，该同志未发现违反党纪政纪问题，无未完成的整改事项。",
                number=letter_number(as_of.year, sequence), sequence_year=as_of.year, sequence=sequence,
                issued_by=self.officer, issued_at=self.at(as_of, 15),
            ))  # fmt: skip
        OpinionLetter.objects.bulk_create(letters)
        self.counts["opinion_letters"] = len(letters) + 1

    def write_four_forms(self) -> None:
        F, M = FourFormsEntry.Form, FourFormsEntry.Measure
        district_cadres = [c for c in self.in_post if c.union.depth == 3]
        sanctioned, criticised = self.rng.sample(district_cadres, 2)
        last = self.year - 1
        entries = [
            FourFormsEntry(cadre=self.reminder.cadre, form=F.FIRST, measure=M.TALK_REMINDER,
                           decided_on=self.reminder.held_on, talk=self.reminder, note="谈话提醒。",
                           created_by=self.officer),
            FourFormsEntry(cadre=criticised, form=F.FIRST, measure=M.CRITICISM, decided_on=datetime.date(last, 5, 14),
                           note="在专项检查中发现考勤管理不严，予以批评教育。", created_by=self.officer),
            FourFormsEntry(cadre=sanctioned, form=F.SECOND, measure=M.LIGHT_SANCTION,
                           decided_on=datetime.date(last, 9, 3), decision_ref=f"示纪〔{last}〕5号",
                           note="违规发放津补贴，给予党内警告处分。", created_by=self.officer),
        ]  # fmt: skip
        FourFormsEntry.objects.bulk_create(entries)
        # The admonishment talk's entry was made when it was filed (talk_file).
        self.counts["four_forms_entries"] = len(entries) + 1


def ensure_integrity(city: Union) -> dict[str, int]:
    """The demo integrity records of ``city``, once: {} when its cadres have records already."""
    officer = User.objects.filter(username=OFFICER).first()
    requester = User.objects.filter(username=REQUESTER).first()
    if officer is None or requester is None:
        raise CommandError("No demo accounts: run manage.py seed_demo first. 请先运行 seed_demo。")
    cadres = list(Cadre.objects.filter(union__path__startswith=city.path).select_related("union").order_by("pk"))
    if not cadres:
        raise CommandError(
            "The demo city has no cadres: run manage.py seed_demo_cadres first. 请先运行 seed_demo_cadres。"
        )
    if Talk.objects.filter(cadre__union__path__startswith=city.path).exists():
        return {}
    return DemoIntegrity(city, officer, requester, cadres).build()


class Command(BaseCommand):
    help = "Give the demo city's discipline officer talks, rectification, letters and opinion letters (once)."

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
            written = ensure_integrity(city)
        if written:
            self.stdout.write("廉政 Integrity: " + ", ".join(f"{key} {value}" for key, value in written.items()) + ".")
        else:
            self.stdout.write("廉政 Integrity: the demo city has its integrity records already; nothing added.")
