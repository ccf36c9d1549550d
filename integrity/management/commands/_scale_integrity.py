"""The scale city's integrity records (written when ``seed_scale`` says the city is seeded:
``members_seeded``, after the cadres app has written the cadres).

At the issue's size: 5,000 routine integrity talks and 300 other talks a year over five years (about
26,500 talks; reminder and admonishment talks with their rectification items and four-forms entries),
500 responsibility letters a year, 400 opinion letters, and a dozen warning education sessions a year
with their attendance. A city of fewer than 5,000 cadres gets proportionally fewer (a test's city a
few dozen talks a year).

This year's routine talks leave about a fifth of the cadres uncovered (the tracker's list); earlier
years cover nearly everyone, a few twice. Written with ``bulk_create`` in batches: the content fields
are ``EncryptedTextField``s, and ``bulk_create`` encrypts each value (``get_prep_value``, Fernet,
about 16 µs a value), so every row pays its own encryption, as a row the services write does; the
figures keep the seconds each table took. Planned from ``random.Random(seed)`` against the seed's day.

Order: the cadres app connects its receiver first (``cadres`` comes before ``integrity`` in
``INSTALLED_APPS``, and receivers run in the order they were connected); a city without cadres here
means that order changed, and the seed stops rather than write an integrity record of nobody.
"""

import datetime
import time
from dataclasses import dataclass
from random import Random

from django.db import connection
from django.utils import timezone

from accounts.models import User
from unions.models import Role, Union

FULL_SIZE_CADRES = 5_000
TABLES = (
    *("integrity_talk", "integrity_rectification", "integrity_fourformsentry", "integrity_responsibilityletter"),
    *("integrity_opinionletter", "integrity_educationsession", "integrity_educationattendance"),
)
ROUTINE = {
    "reason": "年度例行廉政谈话",
    "content": "重申中央八项规定精神和廉洁纪律要求，提醒在工会经费使用、评先评优和物资采购中严守规矩。",
    "statement": "本人表示将认真对照检查，严格执行各项廉洁纪律。",
    "opinion": "希望继续保持，发挥表率作用。",
}
# Kind, weight, reason, supervision form.
OTHER_KINDS = (
    ("heart_to_heart", 40, "了解思想和工作状况", ""),
    ("pre_appointment", 25, "拟提任前廉政谈话", ""),
    ("reminder", 25, "工作中出现苗头性问题", "talk_reminder"),
    ("admonishment", 10, "群众反映问题经核实存在不当", "admonishment"),
)
ITEM_TEXTS = (
    "作出书面检查并说明情况。",
    "补齐相关程序材料，完善台账。",
    "退还不当所得费用。",
    "建立复核清单，逐项整改。",
)
DEPARTMENTS = {
    "city_federation": ("办公室", "组织部", "宣传教育部", "权益保障部", "基层工作部", "财务部", "经审办"),
    "district_federation": ("办公室", "组织部", "权益保障部", "基层工作部"),
    "industry_union": ("办公室", "基层工作部"),
    "street_federation": ("办公室",),
}
LEADER_POSTS = ("主席", "副主席", "工会主席")
LETTER_ITEMS = "落实党风廉政建设一岗双责。\n严格执行中央八项规定精神。\n规范工会经费使用，重大事项集体决策。"
SCAN_NAME = "integrity/letter-scans/scale.pdf"  # no file: the scale city's scans are named, not stored
SCAN_SHA256 = "0" * 64
PURPOSES = (("promotion", 50), ("commendation", 30), ("yearly_assessment", 20))
CATEGORIES = ("eight_point_rules", "integrity", "work", "rectification_open")


@dataclass
class IntegrityPlan:
    """How much to write; every count follows the cadres as the issue's city (5,000 cadres) does."""

    routine_per_year: int = 5_000
    other_per_year: int = 300
    years: int = 5
    letters_per_year: int = 500
    opinions: int = 400
    sessions_per_year: int = 12
    covered_this_year: float = 0.8

    @classmethod
    def for_cadres(cls, cadres: int) -> "IntegrityPlan":
        f = min(1.0, cadres / FULL_SIZE_CADRES)
        return cls(
            routine_per_year=max(10, round(5_000 * f)), other_per_year=max(6, round(300 * f)),
            letters_per_year=max(6, round(500 * f)), opinions=max(8, round(400 * f)),
            sessions_per_year=max(2, round(12 * f)),
        )  # fmt: skip


class ScaleIntegrity:
    def __init__(self, plan: IntegrityPlan, today: datetime.date, seed: int = 2026) -> None:
        self.plan, self.today, self.year = plan, today, today.year
        self.rng = Random(seed + 15)  # noqa: S311 - planned data, not secrets
        self.figures: dict[str, int | float] = {}
        self.seconds: dict[str, float] = {}

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    def day(self, first: datetime.date, last: datetime.date) -> datetime.date:
        return first + datetime.timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    def build(self, city: Union) -> dict:
        self.city = city
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.id, u.path, c.status, c.status_changed_on, c.in_post_since, c.union_id, c.post, u.depth "
                "FROM cadres_cadre c JOIN members_union u ON u.id = c.union_id WHERE u.path LIKE %s ORDER BY c.id",
                [city.path + "%"],
            )
            self.cadres = cursor.fetchall()
        if not self.cadres:
            raise RuntimeError(
                "The scale city has no cadres: the cadres app's members_seeded receiver must run before the "
                "integrity app's (cadres before integrity in INSTALLED_APPS)."
            )
        self.officers()
        for part in (self.write_routine_talks, self.write_other_talks, self.write_education, self.write_letters,
                     self.write_opinions):  # fmt: skip
            started = time.perf_counter()
            part()
            self.seconds[part.__name__.removeprefix("write_")] = round(time.perf_counter() - started, 2)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
        return {**self.figures, "seconds": self.seconds}

    def officers(self) -> None:
        """The discipline officers who record talks: a district's cadres by its officer, the rest by the city's."""
        roles = Role.objects.filter(kind=Role.Kind.DISCIPLINE_OFFICER, union__path__startswith=self.city.path)
        self.recorders = sorted(((r.union.path, r.user) for r in roles.select_related("union", "user")),
                                key=lambda pair: -len(pair[0]))  # fmt: skip
        fallback = User.objects.order_by("pk").first()
        self.city_officer = next((u for p, u in self.recorders if p == self.city.path), fallback)
        requesters = Role.objects.filter(kind=Role.Kind.CADRE_OFFICER, union__path__startswith=self.city.path)
        self.requesters = [r.user for r in requesters.select_related("user").order_by("union__path")] or [fallback]

    def recorder(self, path: str) -> User:
        return next((user for prefix, user in self.recorders if path.startswith(prefix)), self.city_officer)

    def serving(self, first: datetime.date, last: datetime.date) -> list[tuple]:
        """Cadres in post at some time between ``first`` and ``last``."""
        return [
            c for c in self.cadres
            if c[4] <= last and (c[2] == "in_post" or (c[3] is not None and c[3] >= first))
        ]  # fmt: skip

    def held(self, cadre: tuple, first: datetime.date, last: datetime.date) -> datetime.date:
        """A day between ``first`` and ``last`` while the cadre was in post."""
        start = max(first, cadre[4])
        end = min(last, cadre[3] - datetime.timedelta(days=1)) if cadre[2] != "in_post" and cadre[3] else last
        return self.day(start, end) if end >= start else min(start, last)

    def years(self) -> list[tuple[int, datetime.date, datetime.date]]:
        out = []
        for year in range(self.year - self.plan.years + 1, self.year + 1):
            last = datetime.date(year, 12, 20) if year < self.year else self.today - datetime.timedelta(days=1)
            out.append((year, datetime.date(year, 1, 5) if year == self.year else datetime.date(year, 2, 20), last))
        return out

    # --- talks --------------------------------------------------------------------------------------
    def talk(self, cadre: tuple, kind: str, on: datetime.date, status: str = "filed", **fields):
        from integrity.models import Talk

        filed = status != "draft"
        return Talk(
            cadre_id=cadre[0], kind=kind, talker_name="规模测试市领导", talker_post="党组书记",
            recorder=self.recorder(cadre[1]), held_on=on, place="党组会议室", status=status,
            created_at=self.at(on, 15), filed_at=self.at(on, 17) if filed else None, **fields,
        )  # fmt: skip

    def write_routine_talks(self) -> None:
        from integrity.models import Talk

        rng, talks = self.rng, []
        for year, first, last in self.years():
            people = [c for c in self.serving(datetime.date(year, 1, 1), last) if c[4] <= last]
            share = self.plan.covered_this_year if year == self.year else 0.97
            covered = rng.sample(people, min(len(people), round(len(people) * share), self.plan.routine_per_year))
            # The rest of the year's count: a second talk (a group's and one's own) for some of them.
            twice = rng.choices(covered, k=self.plan.routine_per_year - len(covered)) if covered else []
            for cadre in covered + twice:
                talks.append(self.talk(cadre, "routine", self.held(cadre, first, last), **ROUTINE))
        Talk.objects.bulk_create(talks, batch_size=1000)
        self.figures["routine_talks"] = len(talks)

    def write_other_talks(self) -> None:
        from integrity.models import FourFormsEntry, Rectification, Talk

        rng, talks, items_of = self.rng, [], []
        kinds, weights = list(OTHER_KINDS), [k[1] for k in OTHER_KINDS]
        for year, first, last in self.years():
            people = self.serving(first, last)
            for n in range(self.plan.other_per_year):
                kind, _w, reason, form = rng.choices(kinds, weights)[0]
                cadre = rng.choice(people)
                on = self.held(cadre, first, last)
                # This year: a few drafts still with their recorder; talks with items recent enough rectifying.
                status = "draft" if year == self.year and n % 60 == 0 else "filed"
                n_items = rng.choice((1, 1, 2)) if form and status != "draft" else 0
                if n_items:
                    status = "rectifying" if (self.today - on).days < 150 else "closed"
                talk = self.talk(cadre, kind, on, status=status, reason=reason, supervision_form=form,
                                 content=f"{reason}。谈话指出问题，提出要求。", statement="本人接受组织谈话，表示认真改正。",
                                 opinion="限期整改。" if n_items else "希望继续保持。")  # fmt: skip
                if status == "closed":
                    talk.closed_at = self.at(min(on + datetime.timedelta(days=45), self.today), 10)
                talks.append(talk)
                items_of.append(n_items)
        talks = Talk.objects.bulk_create(talks, batch_size=1000)
        items, entries = [], []
        for talk, n_items in zip(talks, items_of, strict=True):
            for k in range(n_items):
                deadline = talk.held_on + datetime.timedelta(days=rng.choice((20, 30, 60, 90)))
                done = talk.status == "closed"
                evidence = done or (deadline > self.today and rng.random() < 0.3)
                items.append(Rectification(
                    talk=talk, cadre_id=talk.cadre_id, text=ITEM_TEXTS[(talk.pk + k) % len(ITEM_TEXTS)],
                    deadline=deadline, status="struck_off" if done else "evidence_given" if evidence else "open",
                    evidence="已提交整改材料。" if evidence else "",
                    evidence_at=self.at(min(deadline, self.today), 16) if evidence else None,
                    struck_off_by=talk.recorder if done else None, struck_off_at=talk.closed_at if done else None,
                    created_at=talk.created_at,
                ))  # fmt: skip
            if talk.supervision_form and talk.status != "draft":
                entries.append(FourFormsEntry(
                    cadre_id=talk.cadre_id, form=1, measure=talk.supervision_form, decided_on=talk.held_on,
                    talk=talk, note="第一种形态，谈话处置。", created_by=talk.recorder, created_at=talk.created_at,
                ))  # fmt: skip
        # Forms two to four: a few a year, by decision.
        measures = ((2, "light_sanction", 12), (2, "org_adjustment", 4), (3, "heavy_sanction", 2), (4, "case_filed", 1))
        for year, first, last in self.years():
            people = self.serving(first, last)
            for form, measure, count in measures:
                for n in range(round(count * self.plan.other_per_year / 300)):
                    cadre = rng.choice(people)
                    entries.append(FourFormsEntry(
                        cadre_id=cadre[0], form=form, measure=measure, decided_on=self.held(cadre, first, last),
                        decision_ref=f"规纪〔{year}〕{form}{n + 1:02d}号", note="依纪作出处理决定。",
                        created_by=self.city_officer,
                    ))  # fmt: skip
        Rectification.objects.bulk_create(items, batch_size=1000)
        FourFormsEntry.objects.bulk_create(entries, batch_size=1000)
        self.figures.update(other_talks=len(talks), rectifications=len(items), four_forms_entries=len(entries))

    # --- warning education -----------------------------------------------------------------------------
    def write_education(self) -> None:
        from integrity.models import EducationAttendance, EducationSession

        rng, sessions, audiences = self.rng, [], []
        organisers = list(Union.objects.filter(path__startswith=self.city.path, depth__lte=2).order_by("path"))
        kinds = ("base_visit", "warning_film", "case_bulletin", "rules_test")
        for year, first, last in self.years():
            for n in range(self.plan.sessions_per_year):
                organiser = organisers[0] if n % 3 == 0 else rng.choice(organisers)
                held = self.day(first, last)
                sessions.append(EducationSession(
                    organiser=organiser, kind=kinds[n % 4], title=f"{year}年警示教育第{n + 1}场", held_on=held,
                    created_by=self.city_officer, created_at=self.at(held - datetime.timedelta(days=7), 9),
                ))  # fmt: skip
                people = [c for c in self.serving(held, held) if c[1].startswith(organiser.path)]
                audiences.append((held, rng.sample(people, min(len(people), rng.randint(40, 200)))))
        sessions = EducationSession.objects.bulk_create(sessions)
        rows = [
            EducationAttendance(session=session, cadre_id=c[0], source=rng.choice(("qr", "qr", "sheet", "officer")),
                                recorded_at=self.at(held, 9))
            for session, (held, people) in zip(sessions, audiences, strict=True) for c in people
        ]  # fmt: skip
        EducationAttendance.objects.bulk_create(rows, batch_size=2000)
        self.figures.update(education_sessions=len(sessions), education_attendance=len(rows))

    # --- letters -------------------------------------------------------------------------------------
    def write_letters(self) -> None:
        from integrity.models import ResponsibilityLetter

        rng, letters = self.rng, []
        # The federations' leaders and departments first (city, districts and industry unions, streets), then
        # the chairs of the unions where cadres serve, until the year's count.
        served = {c[5] for c in self.cadres}
        nodes = list(Union.objects.filter(pk__in=served).order_by("depth", "path"))
        for year, _first, last in self.years():
            people = self.serving(datetime.date(year, 1, 1), datetime.date(year, 1, 31))
            leaders: dict[int, list[tuple]] = {}
            for c in people:
                if c[6] in LEADER_POSTS:
                    leaders.setdefault(c[5], []).append(c)
            wanted = []
            for node in nodes:
                wanted += [(node, c, "") for c in leaders.get(node.pk, [])]
                wanted += [(node, None, d) for d in DEPARTMENTS.get(node.kind, ())]
                if len(wanted) >= self.plan.letters_per_year:
                    break
            for node, cadre, department in wanted[: self.plan.letters_per_year]:
                roll = rng.random()
                status = "signed" if year < self.year or roll < 0.65 else "sent" if roll < 0.9 else "drafted"
                signed = datetime.date(year, 1, 15) + datetime.timedelta(days=rng.randrange(40))
                letters.append(ResponsibilityLetter(
                    union=node, year=year, party="leader" if cadre else "department",
                    cadre_id=cadre[0] if cadre else None, department=department, post=cadre[6] if cadre else "",
                    items=LETTER_ITEMS, status=status, created_by=self.city_officer,
                    created_at=self.at(datetime.date(year, 1, 5), 9),
                    sent_at=self.at(datetime.date(year, 1, 10), 9) if status != "drafted" else None,
                    signed_on=min(signed, last) if status == "signed" else None,
                    scan=SCAN_NAME if status == "signed" else "", scan_sha256=SCAN_SHA256 if status == "signed" else "",
                    scan_uploaded_by=self.city_officer if status == "signed" else None,
                ))  # fmt: skip
        ResponsibilityLetter.objects.bulk_create(letters, batch_size=1000)
        self.figures["letters"] = len(letters)

    # --- opinion letters -----------------------------------------------------------------------------
    def write_opinions(self) -> None:
        from integrity.models import OpinionLetter
        from integrity.services.opinions import letter_number, valid_until_for

        rng, letters = self.rng, []
        per_year = self.plan.opinions // self.plan.years
        counts = [per_year] * (self.plan.years - 1) + [self.plan.opinions - per_year * (self.plan.years - 1)]
        waiting = max(2, self.plan.opinions // 25)  # this year's latest requests wait to be issued
        for (year, first, last), count in zip(self.years(), counts, strict=True):
            people = [c for c in self.serving(first, last) if c[2] == "in_post" or c[3] > last]
            days = sorted(self.day(first, last) for _n in range(count))
            sequence = 0
            for k, asked in enumerate(days):
                cadre = rng.choice(people)
                purpose = rng.choices([p for p, _w in PURPOSES], [w for _p, w in PURPOSES])[0]
                letter = OpinionLetter(
                    cadre_id=cadre[0], purpose=purpose, request_note="拟提任" if purpose == "promotion" else "",
                    requested_by=rng.choice(self.requesters), requested_at=self.at(asked, 10),
                )  # fmt: skip
                if not (year == self.year and k >= count - waiting):
                    as_of = asked + datetime.timedelta(days=rng.randrange(1, 8))
                    if as_of < self.today:
                        sequence += 1
                        problem = rng.random() < 0.05
                        letter.status, letter.as_of = "issued", as_of
                        letter.valid_until = valid_until_for(as_of, 3)
                        letter.conclusion = "problem" if problem else "no_problem"
                        letter.problem_category = rng.choice(CATEGORIES) if problem else ""
                        letter.remarks = "经查，有问题在案。" if problem else "经查阅廉政档案，未发现违纪问题。"
                        letter.sequence_year, letter.sequence = year, sequence
                        letter.number = letter_number(year, sequence)
                        letter.issued_by, letter.issued_at = self.recorder(cadre[1]), self.at(as_of, 15)
                letters.append(letter)
        OpinionLetter.objects.bulk_create(letters, batch_size=1000)
        self.figures["opinion_letters"] = len(letters)


def seed_scale_integrity(today: datetime.date, plan: IntegrityPlan | None = None, seed: int = 2026) -> dict:
    """Write the scale city's integrity records (the city and its cadres must be seeded); the counts and
    the seconds each part took."""
    from cadres.models import Cadre
    from members.management.commands._scale import CITY_NAME

    city = Union.objects.get(depth=1, name=CITY_NAME)
    plan = plan or IntegrityPlan.for_cadres(Cadre.objects.filter(union__path__startswith=city.path).count())
    started = time.perf_counter()
    figures = ScaleIntegrity(plan, today, seed).build(city)
    figures["seconds"]["total"] = round(time.perf_counter() - started, 2)
    LAST_FIGURES.clear()
    LAST_FIGURES.update(figures)
    return figures


# What the last seed in this process wrote (the signal's caller keeps no receiver's answer).
LAST_FIGURES: dict = {}


def on_members_seeded(sender, today, **kwargs) -> None:
    """``seed_scale`` wrote a city and the cadres app its cadres: give it its integrity records, in the
    same transaction. Other seeds (a demo city has its own command) are left alone."""
    from members.management.commands._scale import CITY_NAME

    if connection.vendor == "postgresql" and Union.objects.filter(depth=1, name=CITY_NAME).exists():
        seed_scale_integrity(today)
