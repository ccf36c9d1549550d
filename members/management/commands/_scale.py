"""A city at full scale for measuring the portal (used by ``seed_scale``).

Planned from one ``random.Random(seed)`` and written with PostgreSQL ``COPY`` and ``INSERT … SELECT``:
never one save per row, so a million members take minutes, not hours. The same seed and the same
``today`` give the same data.

The shape follows what city federations report: a few unions with tens of thousands of members and
most with a few dozen (union sizes fall off as rank^-0.9), districts of unequal size, about 3 % of the
membership waiting on an application and 0.5 % in the middle of a transfer.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from random import Random

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from members import id_number, pii, signals
from members.models import Education, EmploymentType, PoliticalStatus
from members.services import CONSENT_TEXT_VERSION
from unions.models import Role, Union

CITY_NAME = "规模测试市总工会"
USERNAME_PREFIX = "scale-"
# Staff sign in with this password on a scale database (it holds no real person).
STAFF_PASSWORD = "Union-Scale-2026"  # noqa: S105
UNION_SIZE_EXPONENT = 0.9
DISTRICT_SIZE_EXPONENT = 0.6

# Region codes of the members' and the applicants' ID numbers. Other generators use other regions,
# so no number made here can collide with theirs.
REGIONS = (
    *("420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112", "420113", "420114"),
    *("420115", "420116", "420117", "420202", "420203", "420204", "420205", "420222", "420281", "420302"),
)
DISTRICTS = ("东城", "西城", "南湖", "北山", "中山", "新华", "和平", "长江", "滨江", "开发", "高新", "临港")
INDUSTRIES = ("教育", "卫生健康", "交通运输", "建设", "金融", "邮政快递", "商贸", "机械冶金", "能源化工", "文化旅游")
STREETS = (
    *("东湖", "南岸", "北苑", "西关", "新村", "花园", "长乐", "永安", "和平", "光明", "朝阳", "建设", "解放"),
    *("人民", "胜利", "青年", "幸福", "前进", "红旗", "团结", "友谊", "振兴", "民主", "文化", "育才", "桃源"),
    *("柳林", "杨园", "中南", "水果湖", "关山", "卓刀泉", "珞南", "白沙", "石桥", "汉兴", "常青", "后湖"),
    *("丹水池", "谌家矶", "二七", "新荣", "塔子湖", "百步亭"),
)
BRANDS = (
    *("华盛", "宏达", "金鼎", "恒通", "鑫源", "瑞丰", "天成", "东方", "盛世", "永泰", "嘉禾", "汇丰", "中联"),
    *("远航", "腾飞", "博雅", "安信", "润泽", "聚力", "新锐", "诚信", "长城", "万通", "海纳", "星辰", "精工"),
    *("明德", "启航", "卓越", "合众", "鸿运", "信达", "龙腾", "德润", "宝丰", "兴业", "正泰", "同创", "凯达"),
    *("华信", "康泰", "银河", "大地", "九州", "立信", "光大", "世纪", "和信", "百川", "金桥", "通达", "富源"),
    *("泰和", "华联", "锦程", "晨光", "融创", "新天", "广源", "亿达", "景明", "天宇", "思源", "弘毅", "鼎盛"),
    *("佳和", "弘业", "方圆", "泓泰", "久安"),
)
TRADES = (
    *("科技", "物流", "建设", "电子", "机械", "食品", "医药", "商贸", "置业", "餐饮", "汽车", "纺织", "化工"),
    *("能源", "传媒", "软件", "环保", "物业", "酒店", "印务", "家具", "材料", "通信", "电力", "快递", "配送"),
    *("网约车服务", "货运", "家政服务", "文化传播"),
)
SUFFIXES = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红梅玉文斌春燕海晓东丹宇浩然子涵欣怡梓轩雨桐诺思远佳俊"
ETHNICITIES = ("汉族",) * 46 + ("回族", "满族", "壮族", "土家族")
PLATFORM_TRADES = {"快递": EmploymentType.COURIER, "配送": EmploymentType.FOOD_DELIVERY}
PLATFORM_TRADES |= {"网约车服务": EmploymentType.RIDE_HAILING, "货运": EmploymentType.TRUCK_DRIVER}
PLATFORM_TRADES |= {"家政服务": EmploymentType.HOME_CARE, "文化传播": EmploymentType.STREAMER}


@dataclass
class Plan:
    """How much to build. Every count not given follows the member count (the issue's city at 1M)."""

    members: int
    seed: int = 2026
    today: datetime.date = field(default_factory=timezone.localdate)
    unions: int | None = None
    applications: int | None = None
    transfers: int | None = None
    staff: int = 200

    def __post_init__(self) -> None:
        per_million = self.members / 1_000_000
        self.unions = self.unions or max(40, round(12_000 * per_million))
        self.applications = round(30_000 * per_million) if self.applications is None else self.applications
        self.transfers = round(5_000 * per_million) if self.transfers is None else self.transfers
        self.streets = min(150, max(len(DISTRICTS), self.unions // 8))


def id_number_for(k: int, regions: tuple[str, ...] = REGIONS) -> str:
    """The k-th ID number of a sequence without repeats: k → (region, birth day, sequence) is one to one.

    Birth days run over 14,000 days from 1962 (so every holder is an adult); each (region, day) takes
    up to 143 turns, each turn its own sequence number: 2 million numbers per region. The benches
    pass region codes of their own, so their numbers never meet the seeded members'.
    """
    region = regions[k % len(regions)]
    j = k // len(regions)
    day, turn = j % 14_000, j // 14_000
    sequence = (turn * 7 + day * 13 + 3) % 1000
    born = datetime.date(1962, 1, 1) + datetime.timedelta(days=day)
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + id_number.check_character(body)


def _born(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _sizes(total: int, count: int, exponent: float) -> list[int]:
    """``total`` split over ``count`` parts falling off as rank^-exponent (largest first), each ≥ 1."""
    weights = [(rank + 1) ** -exponent for rank in range(count)]
    scale = (total - count) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for rank in range(total - sum(sizes)):  # what the rounding left over, to the largest
        sizes[rank % count] += 1
    return sizes


class ScaleCity:
    """Plans and writes the scale city. ``build()`` returns what it wrote, for the command to print."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rng = Random(plan.seed)  # noqa: S311 - planned data, not secrets
        self.now = timezone.make_aware(datetime.datetime.combine(plan.today, datetime.time(10)))
        self.figures: dict[str, int | float] = {}

    # --- the tree ---------------------------------------------------------------------------------
    def build(self) -> dict:
        self.write_tree()
        self.write_members()
        self.write_cards_and_history()
        self.write_staff()
        self.write_applications()
        self.write_transfers()
        self.finish()
        return self.figures

    def write_tree(self) -> None:
        plan, rng, K = self.plan, self.rng, Union.Kind
        city = Union.objects.add_root(
            {"kind": K.CITY_FEDERATION, "name": CITY_NAME, "founded_on": datetime.date(1950, 5, 1)}
        )
        self.city = city
        rows: list[Union] = []
        counters: Counter = Counter()

        def add(parent_path: str, depth: int, **fields) -> Union:
            counters[parent_path] += 1
            path = Union._get_path(parent_path, depth, counters[parent_path])
            node = Union(path=path, depth=depth, numchild=0, **fields)
            rows.append(node)
            return node

        districts = [
            add(city.path, 2, kind=K.DISTRICT_FEDERATION, name=f"{CITY_NAME[:-3]}{name}区总工会") for name in DISTRICTS
        ]
        industries = [
            add(city.path, 2, kind=K.INDUSTRY_UNION, name=f"{CITY_NAME[:-3]}{name}工会", takes_platform_workers=True)
            for name in INDUSTRIES
        ]
        # Districts differ in size: district 1 gets the most streets and unions.
        district_weights = [(rank + 1) ** -DISTRICT_SIZE_EXPONENT for rank in range(len(districts))]
        streets_of: list[list[Union]] = [[] for _ in districts]
        street_counts = _sizes(plan.streets, len(districts), DISTRICT_SIZE_EXPONENT)
        for d, (district, count) in enumerate(zip(districts, street_counts, strict=True)):
            for s in range(count):
                name = STREETS[s % len(STREETS)] + ("" if s < len(STREETS) else str(s // len(STREETS) + 1))
                streets_of[d].append(
                    add(district.path, 3, kind=K.STREET_FEDERATION, name=f"{DISTRICTS[d]}区{name}街道总工会")
                )

        # Grassroots (85 %) and joint unions, placed under a street (85 %), an industry union (10 %) or
        # a district directly (5 %); member counts are dealt out afterwards, largest to a random union.
        names = self._grassroots_names()
        self.member_unions: list[Union] = []
        joint_numbers: Counter = Counter()
        for _n in range(plan.unions):
            d = rng.choices(range(len(districts)), weights=district_weights)[0]
            where = rng.random()
            if where < 0.85:
                parent = rng.choice(streets_of[d])
            elif where < 0.95:
                parent = rng.choice(industries)
            else:
                parent = districts[d]
            depth = parent.depth + 1
            if rng.random() < 0.15 and parent.kind == K.STREET_FEDERATION:
                joint_numbers[parent.path] += 1
                area = rng.choice(("商圈", "楼宇", "园区", "市场", "社区"))
                name = f"{parent.name[:-5]}{area}第{joint_numbers[parent.path]}联合工会"
                node = add(parent.path, depth, kind=K.JOINT_UNION, name=name)
            else:
                district, brand, trade, suffix = next(names)
                employer = f"{district}{brand}{trade}{suffix}"
                ownership = rng.choices(list(Union.Ownership.values), weights=[12, 3, 60, 8, 4, 8, 3, 2])[0]
                node = add(
                    parent.path, depth, kind=K.GRASSROOTS_UNION, name=employer + "工会", employer_name=employer,
                    employer_ownership=ownership, founded_on=datetime.date(1990, 1, 1)
                    + datetime.timedelta(days=rng.randrange(12_000)),
                )  # fmt: skip
            node.trade = next((t for t in PLATFORM_TRADES if node.name.find(t) >= 0), "")
            self.member_unions.append(node)

        # numchild must match what treebeard would have counted.
        for node in rows:
            node.numchild = counters.get(node.path, 0)
        Union.objects.bulk_create(rows, batch_size=2000)
        Union.objects.filter(pk=city.pk).update(numchild=counters[city.path])
        self.districts, self.industries = districts, industries
        self.streets = [street for group in streets_of for street in group]

        sizes = _sizes(plan.members, plan.unions, UNION_SIZE_EXPONENT)
        rng.shuffle(self.member_unions)
        for union, size in zip(self.member_unions, sizes, strict=True):
            union.size = size
            if union.kind == K.GRASSROOTS_UNION:
                # Employers have more staff than members; a union of 20 members may be a 30-person firm.
                union.employer_staff_count = round(size * rng.uniform(1.05, 1.6))
        Union.objects.bulk_update(
            [u for u in self.member_unions if u.kind == K.GRASSROOTS_UNION], ["employer_staff_count"], batch_size=2000
        )
        self.figures["unions"] = len(rows) + 1
        self.figures["member_unions"] = plan.unions
        self.figures["largest_union"] = max(sizes)
        self.figures["median_union"] = sorted(sizes)[len(sizes) // 2]

    def _grassroots_names(self):
        """Distinct employer names in a planned order: district, brand, trade and suffix drawn together."""
        combos = len(DISTRICTS) * len(BRANDS) * len(TRADES)
        if self.plan.unions > combos:
            raise ValueError(f"at most {combos} unions")
        for index in self.rng.sample(range(combos), min(combos, self.plan.unions)):
            d, rest = divmod(index, len(BRANDS) * len(TRADES))
            b, t = divmod(rest, len(TRADES))
            yield DISTRICTS[d], BRANDS[b], TRADES[t], self.rng.choice(SUFFIXES)

    # --- members ----------------------------------------------------------------------------------
    def _person(self, k: int, union_employer: str = "", trade: str = "") -> tuple:
        rng = self.rng
        number = id_number_for(k)
        born = _born(number)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        employment = PLATFORM_TRADES.get(trade) if trade and rng.random() < 0.8 else None
        employment = (
            employment
            or rng.choices(
                (
                    EmploymentType.REGULAR,
                    EmploymentType.DISPATCHED,
                    EmploymentType.OTHER,
                    EmploymentType.OTHER_NEW_FORM,
                ),
                weights=(86, 8, 4, 2),
            )[0]
        )
        return (
            name,
            pii.id_hash(number),
            pii.encrypt(number),
            id_number.mask(number),
            "M" if int(number[16]) % 2 else "F",
            born,
            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            rng.choice(ETHNICITIES),
            rng.choices(list(PoliticalStatus.values), weights=(12, 2, 15, 2, 69))[0],
            rng.choice(self._education),
            employment,
            union_employer,
            rng.random() < 0.25,
            rng.random() < 0.03,
        )

    _education = (*Education.values, Education.BACHELOR, Education.COLLEGE, Education.SENIOR)

    def _joined(self, born: datetime.date) -> datetime.date:
        """A join date after the 18th birthday; a tenth of members joined in the last year."""
        today = self.plan.today
        adult = datetime.date(born.year + 18, born.month, min(born.day, 28))
        if self.rng.random() < 0.1:
            start = max(adult, today - datetime.timedelta(days=365))
        else:
            start = max(adult, datetime.date(1995, 1, 1))
        return start + datetime.timedelta(days=self.rng.randrange(max((today - start).days, 1)))

    def write_members(self) -> None:
        """One COPY of every member: clear ID numbers only pass through, as hash, ciphertext and mask."""
        rng, today = self.rng, self.plan.today
        columns = (
            "name, id_hash, id_encrypted, id_masked, sex, birth_date, mobile, ethnicity, political_status, "
            "education, employment_type, employer_name, is_migrant_worker, is_in_hardship, "
            "union_id, joined_on, status, ended_on, end_reason, created_at, updated_at"
        )
        ended = Counter()
        k = 0
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY members_member ({columns}) FROM STDIN") as copy:
            for union in self.member_unions:
                for _n in range(union.size):
                    person = self._person(k, union.employer_name, union.trade)
                    k += 1
                    joined = self._joined(person[5])
                    status, ended_on, reason = "active", None, ""
                    roll = rng.random()
                    if roll < 0.05 and joined < today - datetime.timedelta(days=30):
                        ended_on = joined + datetime.timedelta(days=rng.randrange(1, (today - joined).days))
                        status, reason = (
                            ("left", "离职") if roll < 0.035 else ("transferred_out", "调出本市") if roll < 0.047
                            else ("deceased", "")
                        )  # fmt: skip
                        ended[status] += 1
                    created = timezone.make_aware(datetime.datetime.combine(joined, datetime.time(9)))
                    copy.write_row((*person, union.pk, joined, status, ended_on, reason, created, created))
        self.next_person = k
        self.figures["members"] = k
        self.figures["members_active"] = k - sum(ended.values())

    def write_cards_and_history(self) -> None:
        """A current card per active member and a 'joined' event per member (plus 'left' when ended).

        The numbers follow ``members.cards.card_number``, written here in SQL to number a million cards
        in one statement; ``test_seed_scale`` checks the two agree."""
        union_ids = [u.pk for u in self.member_unions]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO members_membercard (member_id, union_id, number, token, issued_on, revoked_on)
                SELECT m.id, m.union_id,
                       lpad(m.union_id::text, 6, '0') || '-' ||
                       lpad((row_number() OVER (PARTITION BY m.union_id ORDER BY m.id))::text, 6, '0'),
                       substr(md5(m.id_hash || 'a') || md5(m.id_hash || 'b'), 1, 43), m.joined_on, NULL
                FROM members_member m WHERE m.status = 'active' AND m.union_id = ANY(%s)
                """,
                [union_ids],
            )
            self.figures["cards"] = cursor.rowcount
            cursor.execute(
                "UPDATE members_union u SET card_sequence = c.n FROM (SELECT union_id, count(*) AS n "
                "FROM members_membercard WHERE union_id = ANY(%s) GROUP BY union_id) c WHERE c.union_id = u.id",
                [union_ids],
            )
            cursor.execute(
                """
                INSERT INTO members_memberevent (member_id, kind, from_union_id, to_union_id, by_id, at, note)
                SELECT id, 'joined', NULL::bigint, union_id, NULL::bigint, created_at, '' FROM members_member
                WHERE union_id = ANY(%s)
                UNION ALL
                SELECT id, CASE status WHEN 'deceased' THEN 'deceased' ELSE 'left' END, union_id, NULL, NULL::bigint,
                       ended_on + time '10:00', end_reason
                FROM members_member WHERE union_id = ANY(%s) AND status <> 'active'
                """,
                [union_ids, union_ids],
            )
            self.figures["events"] = cursor.rowcount

    # --- staff ------------------------------------------------------------------------------------
    def write_staff(self) -> None:
        """200 staff across every role; the benches sign in as the named ones (see ``NAMED``)."""
        R = Role.Kind
        totals = self._member_totals()
        districts = sorted(self.districts, key=lambda d: -totals.get(d.path, 0))
        streets = sorted(self.streets, key=lambda s: -totals.get(s.path, 0))
        unions = sorted(self.member_unions, key=lambda u: -u.size)
        city = self.city
        wanted: list[tuple[str, str, Union, str]] = [
            ("city-admin", "城市管理员", city, R.CITY_ADMIN),
            ("city-admin-2", "城市管理员二", city, R.CITY_ADMIN),
            ("leader-city", "市总领导", city, R.LEADER),
            ("cadre-city", "市总干部处", city, R.CADRE_OFFICER),
            ("discipline-city", "市总纪检", city, R.DISCIPLINE_OFFICER),
            ("auditor", "安全审计员", city, R.AUDITOR),
            *((f"city-staff-{n}", f"市总工作人员{n}", city, R.FEDERATION_STAFF) for n in (1, 2, 3)),
        ]
        for n, district in enumerate(districts, start=1):
            wanted += [
                (f"district-{n:02d}-staff", f"{district.name}工作人员", district, R.FEDERATION_STAFF),
                (f"leader-district-{n:02d}", f"{district.name}领导", district, R.LEADER),
                (f"cadre-district-{n:02d}", f"{district.name}干部", district, R.CADRE_OFFICER),
                (f"discipline-district-{n:02d}", f"{district.name}纪检", district, R.DISCIPLINE_OFFICER),
            ]
        for n, industry in enumerate(self.industries, start=1):
            wanted.append((f"industry-{n:02d}-staff", f"{industry.name}工作人员", industry, R.FEDERATION_STAFF))
        for n, street in enumerate(streets[:60], start=1):
            wanted.append((f"street-{n:03d}-staff", f"{street.name}工作人员", street, R.FEDERATION_STAFF))
        # The rest are clerks of the largest unions (a small city's unions get a second clerk).
        for n in range(max(1, self.plan.staff - len(wanted))):
            union = unions[n % len(unions)]
            username = "clerk-largest" if n == 0 else f"clerk-{n:04d}"
            wanted.append((username, f"{union.name}文员{n // len(unions) + 1}", union, R.UNION_CLERK))
        password = make_password(STAFF_PASSWORD)  # hashed once: the same hash for every staff account
        users = User.objects.bulk_create(
            User(username=USERNAME_PREFIX + username, name=name, password=password, email=f"{username}@scale.invalid")
            for username, name, _union, _kind in wanted
        )
        Role.objects.bulk_create(
            Role(user=user, union=union, kind=kind) for user, (_u, _n, union, kind) in zip(users, wanted, strict=True)
        )
        self.clerk_ids = {union.pk: user.pk for user, (_u, _n, union, kind) in zip(users, wanted, strict=True)
                          if kind == R.UNION_CLERK}  # fmt: skip
        self.staff_ids = [user.pk for user in users]
        self.figures["staff"] = len(users)
        self.figures["largest_district_members"] = totals.get(districts[0].path, 0)

    def _member_totals(self) -> dict[str, int]:
        """Members below each district and street (by path prefix), from the planned sizes."""
        totals: Counter = Counter()
        for union in self.member_unions:
            for depth in (2, 3):
                totals[union.path[: depth * Union.steplen]] += union.size
        return totals

    # --- applications and transfers ---------------------------------------------------------------
    def write_applications(self) -> None:
        """Workers' accounts, their consents and their submitted applications, spread by union size."""
        count, rng = self.plan.applications, self.rng
        if not count:
            self.figures["applications"] = 0
            return
        first = self.next_person
        self.next_person += count
        with connection.cursor() as cursor:
            columns = (
                "password, is_superuser, username, first_name, last_name, email, is_staff, is_active, "
                "date_joined, name, phone, phone_verified"
            )
            people = [self._person(first + n) for n in range(count)]
            with cursor.cursor.copy(f"COPY accounts_user ({columns}) FROM STDIN") as copy:
                for n, person in enumerate(people):
                    # Distinct, valid mobiles: 19 followed by the applicant's number.
                    copy.write_row(
                        ("!", False, f"{USERNAME_PREFIX}worker-{n:07d}", "", "", "", False, True, self.now,
                         person[0], f"19{first + n:09d}"[-11:], True)
                    )  # fmt: skip
            cursor.execute(
                "INSERT INTO members_consent (user_id, text_version, given_at, ip) "
                "SELECT id, %s, %s, NULL FROM accounts_user WHERE username LIKE %s ORDER BY username",
                [CONSENT_TEXT_VERSION, self.now, f"{USERNAME_PREFIX}worker-%"],
            )
            cursor.execute(
                "SELECT u.id, c.id FROM accounts_user u JOIN members_consent c ON c.user_id = u.id "
                "WHERE u.username LIKE %s ORDER BY u.username",
                [f"{USERNAME_PREFIX}worker-%"],
            )
            applicants = cursor.fetchall()
            unions = rng.choices(self.member_unions, weights=[u.size for u in self.member_unions], k=count)
            columns = (
                "name, id_hash, id_encrypted, id_masked, sex, birth_date, mobile, ethnicity, political_status, "
                "education, employment_type, employer_name, is_migrant_worker, is_in_hardship, "
                "applicant_id, union_id, consent_id, status, reason, submitted_at"
            )
            with cursor.cursor.copy(f"COPY members_application ({columns}) FROM STDIN") as copy:
                for person, (user_id, consent_id), union in zip(people, applicants, unions, strict=True):
                    person = (*person[:11], union.employer_name, *person[12:])
                    # Submitted over the last 30 days: some are due a reminder, some escalate.
                    submitted = self.now - datetime.timedelta(minutes=rng.randrange(30 * 24 * 60))
                    copy.write_row((*person, user_id, union.pk, consent_id, "submitted", "", submitted))
        self.figures["applications"] = count

    def write_transfers(self) -> None:
        """Open transfers of distinct active members to another union, requested or already released."""
        count, rng = self.plan.transfers, self.rng
        if not count:
            self.figures["transfers"] = 0
            return
        union_ids = [u.pk for u in self.member_unions]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, union_id FROM members_member WHERE status = 'active' AND union_id = ANY(%s) ORDER BY id",
                [union_ids],
            )
            members = rng.sample(cursor.fetchall(), count)
            columns = (
                "member_id, from_union_id, to_union_id, status, requested_by_id, requested_at, "
                "released_by_id, released_at, reason"
            )
            with cursor.cursor.copy(f"COPY members_transfer ({columns}) FROM STDIN") as copy:
                for member_id, from_union in members:
                    to_union = rng.choice(union_ids)
                    while to_union == from_union:
                        to_union = rng.choice(union_ids)
                    requester = self.clerk_ids.get(from_union) or rng.choice(self.staff_ids)
                    requested = self.now - datetime.timedelta(minutes=rng.randrange(20 * 24 * 60))
                    released = released_by = None
                    status = "requested"
                    if rng.random() < 0.3:
                        status, released_by = "released", requester
                        released = requested + (self.now - requested) * rng.random()
                    copy.write_row((member_id, from_union, to_union, status, requester, requested, released_by,
                                    released, ""))  # fmt: skip
        self.figures["transfers"] = count

    def finish(self) -> None:
        """The dashboards' summary rows (counted by whoever listens), and a digest of what was written."""
        signals.seeded(self.plan.today)
        self.figures["checksum"] = checksum()


TABLES = (
    *("members_union", "members_member", "members_membercard", "members_memberevent", "members_application"),
    *("members_transfer", "members_consent", "accounts_user", "accounts_role", "reports_uniontally"),
)


def vacuum() -> None:
    """VACUUM ANALYZE what was written (outside the transaction: VACUUM cannot run inside one). The
    planner needs the statistics, and index-only scans need the pages marked all-visible."""
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def checksum() -> str:
    """A digest of the members and applications written (not of their ids, nor of the keyed hash):
    the same seed and day give the same digest."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(m.name || m.id_masked || m.mobile || u.name || m.joined_on || m.status, ',' "
            "ORDER BY m.id)) FROM members_member m JOIN members_union u ON u.id = m.union_id"
        )
        members = cursor.fetchone()[0] or ""
        cursor.execute(
            "SELECT md5(string_agg(a.name || a.id_masked || u.name, ',' ORDER BY a.id)) "
            "FROM members_application a JOIN members_union u ON u.id = a.union_id"
        )
        applications = cursor.fetchone()[0] or ""
    return hashlib.sha256((members + applications).encode()).hexdigest()[:16]


def seed_city(plan: Plan, log=print) -> dict:
    """Write the scale city into this database (emptying an earlier one) and return what was written.

    ValueError when the database is not PostgreSQL or holds unions of another city: the command
    (and the benches) need a database of their own.
    """
    if connection.vendor != "postgresql":
        raise ValueError("seed_scale writes with PostgreSQL COPY: point DATABASE_URL at PostgreSQL.")
    other = Union.objects.filter(depth=1).exclude(name=CITY_NAME).first()
    if other is not None:
        raise ValueError(f"This database holds other unions ({other.name}). seed_scale needs a database of its own.")
    with transaction.atomic():
        if Union.objects.exists():
            log("Emptying the earlier scale city …")
            with connection.cursor() as cursor:
                # Deferred foreign-key checks still pending in this transaction would block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Every table that refers to a union or a user goes with them (CASCADE).
                cursor.execute("TRUNCATE members_union, accounts_user RESTART IDENTITY CASCADE")
        figures = ScaleCity(plan).build()
    if not connection.in_atomic_block:  # inside a test's transaction there is nothing to vacuum yet
        vacuum()
    return figures
