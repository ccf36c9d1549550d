"""Members, pending applications and open transfers for the demo city (used by seed_demo).

Written in bulk, so the demo's twenty-odd thousand members take seconds. Runs once: a demo city
that already has members is left as it is.
"""

import datetime
from random import Random

from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from members.cards import card_number
from members.id_number import IdNumber, check_character
from members.models import (
    Application,
    Consent,
    EmploymentType,
    Member,
    MemberCard,
    MemberEvent,
    PoliticalStatus,
    Transfer,
)
from members.services import CONSENT_TEXT_VERSION
from unions.models import Union

E, P = EmploymentType, PoliticalStatus
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华国志红梅玉燕文斌辉鹏晓东春雪峰晨阳建亮琳凯"
# Counties of the demo province (Jiangxi's code, 36): plausible to the validator, fictitious in use.
REGIONS = ["360102", "360103", "360104", "360111", "360121", "360124"]
MEMBER_ACCOUNT = ("demo-member", "孙晓燕", "13800000001")


class People:
    """Draws people with valid, distinct ID numbers; deterministic for one seed."""

    def __init__(self, rng: Random) -> None:
        self.rng, self.seen = rng, set()

    def id_number(self) -> IdNumber:
        while True:
            born = datetime.date(1965, 1, 1) + datetime.timedelta(days=self.rng.randrange(0, 39 * 365))
            body = f"{self.rng.choice(REGIONS)}{born:%Y%m%d}{self.rng.randrange(0, 1000):03d}"
            value = body + check_character(body)
            if value not in self.seen:
                self.seen.add(value)
                sex = "M" if int(value[16]) % 2 else "F"
                return IdNumber(value=value, birth_date=born, sex=sex)

    def details(self, union: Union) -> dict:
        rng = self.rng
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if "快递" in union.name:
            employment = E.COURIER
        elif "外卖" in union.name:
            employment = E.FOOD_DELIVERY
        elif "出租" in union.name or "运输" in union.name or "物流" in union.name:
            employment = rng.choice([E.RIDE_HAILING, E.TRUCK_DRIVER, E.REGULAR])
        else:
            employment = rng.choices([E.REGULAR, E.DISPATCHED, E.OTHER], weights=[85, 10, 5])[0]
        return {
            "name": name,
            "mobile": f"1{rng.choice('3456789')}{rng.randrange(0, 10**9):09d}",
            "political_status": rng.choices(list(P.values), weights=[12, 2, 15, 2, 69])[0],
            "education": rng.choice(["junior", "senior", "college", "bachelor", "bachelor", "postgraduate"]),
            "employment_type": employment,
            "employer_name": union.employer_name,
            "is_migrant_worker": rng.random() < 0.25,
            "is_in_hardship": rng.random() < 0.03,
        }


def _person(model, people: People, union: Union, **fields):
    """A member or applicant of ``union`` with a fresh ID number."""
    record = model(**people.details(union), union=union, **fields)
    record.set_id_number(people.id_number())
    return record


def ensure_members(city: Union, rng: Random, *, cap: int) -> dict[str, int]:
    if Member.objects.filter(union__path__startswith=city.path).exists():
        return {}
    people, today = People(rng), timezone.localdate()
    unions = list(
        Union.objects.filter(path__startswith=city.path, kind__in=[Union.Kind.GRASSROOTS_UNION, Union.Kind.JOINT_UNION])
    )
    members = []
    for union in unions:
        staff = union.employer_staff_count or rng.randrange(20, 120)
        for _ in range(max(2, min(int(staff * rng.uniform(0.6, 0.95)), cap))):
            start = union.founded_on or datetime.date(2000, 1, 1)
            joined = start + datetime.timedelta(days=rng.randrange(0, max(1, (today - start).days)))
            members.append(_person(Member, people, union, joined_on=joined))
    Member.objects.bulk_create(members, batch_size=2000)
    members = list(Member.objects.filter(union__in=unions).only("id", "union_id", "joined_on"))
    _cards_and_history(members)
    _platform_federations(city)
    applications = _applications(city, unions, people, rng)
    transfers = _transfers(city, rng)
    _member_account(city)
    return {"members": len(members), "applications": applications, "transfers": transfers}


def _cards_and_history(members: list[Member]) -> None:
    counters: dict[int, int] = {}
    cards, events = [], []
    for member in sorted(members, key=lambda m: (m.union_id, m.joined_on, m.pk)):
        counters[member.union_id] = counters.get(member.union_id, 0) + 1
        number = card_number(member.union_id, counters[member.union_id])
        cards.append(MemberCard(member=member, union_id=member.union_id, number=number, issued_on=member.joined_on))
        at = timezone.make_aware(datetime.datetime.combine(member.joined_on, datetime.time(9)))
        events.append(MemberEvent(member=member, kind=MemberEvent.Kind.JOINED, to_union_id=member.union_id, at=at))
    MemberCard.objects.bulk_create(cards, batch_size=2000)
    MemberEvent.objects.bulk_create(events, batch_size=2000)
    for union_id, count in counters.items():
        Union.objects.filter(pk=union_id).update(card_sequence=count)


def _platform_federations(city: Union) -> None:
    """The first street of each district and the transport union take platform workers."""
    for district in Union.objects.filter(path__startswith=city.path, kind=Union.Kind.DISTRICT_FEDERATION):
        first = Union.objects.get_children(district).filter(kind=Union.Kind.STREET_FEDERATION).first()
        if first:
            Union.objects.filter(pk=first.pk).update(takes_platform_workers=True)
    Union.objects.filter(path__startswith=city.path, name__contains="交通运输工会").update(takes_platform_workers=True)


def _applicants(count: int) -> list[User]:
    """Accounts for demo applicants; they cannot sign in (no usable password)."""
    start = (User.objects.filter(username__startswith="demo-applicant-").aggregate(n=Max("id"))["n"] or 0) + 1
    users = [User(username=f"demo-applicant-{start + i}", name="", password=make_password(None)) for i in range(count)]
    return User.objects.bulk_create(users)


def _applications(city: Union, unions: list[Union], people: People, rng: Random) -> int:
    """Pending applications: several for the demo clerk's union, some everywhere, some to platform unions."""
    from unions.models import Role

    clerk_union = Union.objects.filter(roles__kind=Role.Kind.UNION_CLERK, roles__user__username="demo-clerk").first()
    targets = [clerk_union] * 6 if clerk_union else []
    targets += rng.sample(unions, 40)
    targets += list(Union.objects.filter(path__startswith=city.path, takes_platform_workers=True)) * 2
    applicants = _applicants(len(targets))
    now = timezone.now()
    consents = Consent.objects.bulk_create(
        [Consent(user=user, text_version=CONSENT_TEXT_VERSION) for user in applicants]
    )
    applications = []
    for user, consent, union in zip(applicants, consents, targets, strict=True):
        submitted = now - datetime.timedelta(days=rng.randrange(0, 12), hours=rng.randrange(0, 24))
        applications.append(
            _person(Application, people, union, applicant=user, consent=consent, submitted_at=submitted)
        )
    Application.objects.bulk_create(applications)
    return len(applications)


def _transfers(city: Union, rng: Random) -> int:
    """Open transfers between districts, in both states, including into and out of the clerk's union."""
    admin = User.objects.get(username="demo-city-admin")
    members = list(Member.objects.filter(union__path__startswith=city.path).select_related("union").order_by("id"))
    unions = list({m.union_id: m.union for m in members}.values())
    transfers = []
    for member in rng.sample(members, 12):
        to_union = rng.choice([u for u in unions if u.pk != member.union_id])
        status = rng.choice([Transfer.Status.REQUESTED, Transfer.Status.RELEASED])
        transfers.append(
            Transfer(
                member=member,
                from_union=member.union,
                to_union=to_union,
                requested_by=admin,
                status=status,
                released_by=admin if status == Transfer.Status.RELEASED else None,
                released_at=timezone.now() if status == Transfer.Status.RELEASED else None,
            )
        )
    Transfer.objects.bulk_create(transfers)
    return len(transfers)


def _member_account(city: Union) -> None:
    """A demo member who can sign in and show the e-card: a member of the demo clerk's union."""
    from unions.models import Role

    username, name, phone = MEMBER_ACCOUNT
    clerk_union = Union.objects.filter(roles__kind=Role.Kind.UNION_CLERK, roles__user__username="demo-clerk").first()
    user = User.objects.filter(username=username).first()
    if clerk_union is None or user is None:
        return
    member = Member.objects.filter(union=clerk_union, user__isnull=True, status=Member.Status.ACTIVE).first()
    if member is not None and not Member.objects.filter(user=user).exists():
        Member.objects.filter(pk=member.pk).update(user=user, name=name, mobile=phone)
