"""``manage.py seed_demo``: a demo city to click through, and one sign-in per role.

The whole tree is planned first from ``random.Random(2026)`` and only then written, so every run plans
the same data whatever the database holds; writing looks each node up by name under its parent (and
each employer by credit code) and each user by username, so a second run adds nothing.
"""

import datetime
import unicodedata
from random import Random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from accounts.models import User
from unions.credit_code import ALPHABET, check_character
from unions.models import Role, Union
from unions.roles import NODE_KINDS_FOR_ROLE

from ._demo_members import MEMBER_ACCOUNT, ensure_members

# Printed by `make run` for everyone to read: --force is the only way past DEBUG off.
DEMO_PASSWORD = "Union-Demo-2026"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.union.local"
WORKER_PHONE = "13800000000"
CITY, CITY_NAME = "示范市", "示范市总工会"
# Region codes 3699xx belong to no real place, so no demo credit code is a real employer's.
CITY_REGION = "369900"
K, R, OWN = Union.Kind, Role.Kind, Union.Ownership

# District or county, its region code, its streets (街道) and towns (镇): 30 in all.
DISTRICTS = [
    ("鼓楼区", "369902", "钟楼街道 府前街道 文昌街道 西门街道 北关街道 建设路街道 解放路街道"),
    ("滨江区", "369903", "沿江街道 长青街道 江南街道 望江街道 白沙街道 新港街道"),
    ("城南区", "369904", "南湖街道 迎宾街道 金桥街道 花园街道 红星街道"),
    ("北湖区", "369905", "北湖街道 柳林街道 新华街道 工业园街道 龙泉镇"),
    ("青山县", "369921", "城关镇 青山镇 石门镇 杨柳镇"),
    ("桃源县", "369922", "桃花街道 漳江镇 茶庵镇"),
]
STREET_UNIONS, JOINT_SHARE = 260, 0.12  # the other 40 grassroots unions sit under the two industry unions
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢钟"
GIVEN = "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华国志红梅玉燕文斌辉鹏晓东春雪峰晨阳建亮琳凯"
BRANDS = ["华瑞", "恒通", "鑫达", "宏远", "金辉", "永兴", "天成", "瑞丰", "博远", "新元", "正泰", "通达"]
BRANDS += ["汇丰", "盛世", "嘉禾", "中科", "长城", "东方", "锦程", "润泽", "明珠", "凯盛", "安泰", "诚信"]
BRANDS += ["伟业", "巨龙", "银河", "星海"]
TRADES = ["精密机械", "电子科技", "食品", "物流", "建筑工程", "纺织", "新材料", "医药", "软件", "物业管理", "餐饮管理"]
TRADES += ["汽车零部件", "环保科技", "商贸", "印务", "家具", "服饰", "光电", "化工", "电气", "智能装备", "网络科技"]
FOREIGN, HMT = ["莱茵", "诺瓦", "艾森", "维克", "菲特", "奥兰"], ["鸿基", "永盛", "台富", "港信", "嘉华", "利丰"]
PUBLIC = ["人民医院", "中医医院", "妇幼保健院", "疾病预防控制中心", "图书馆", "文化馆", "第一实验小学", "第二中学"]
SOCIAL = ["养老服务中心", "职业培训学校", "康复医院", "社会工作服务中心", "艺术幼儿园"]
JOINTS = ["快递行业联合工会", "外卖配送行业联合工会", "小微企业联合工会", "商务楼宇联合工会", "家政服务行业联合工会"]
JOINTS += ["餐饮行业联合工会", "物业服务行业联合工会", "工业园区基层工会联合会"]
ROADS = ["人民路", "解放路", "建设路", "中山路", "工业大道", "滨江大道", "科技路", "文化路", "新华路", "长江路"]
SCHOOLS = [f"第{n}中学" for n in "一二三四五六七八九十"] + [f"第{n}小学" for n in "一二三四"]
SCHOOLS += ["实验小学", "实验幼儿园", "职业技术学院", "技师学院", "特殊教育学校", "卫生学校"]
TRANSPORT = ["公共交通集团有限公司", "轨道交通集团有限公司", "港务集团有限公司", "长途汽车客运有限公司", "机场有限公司"]
CARRIERS = ["出租汽车"] * 5 + ["物流"] * 4 + ["运输"] * 3 + ["驾驶员培训"]
# Ownership, share in %, credit-code prefix (registration authority + type: 91 company, 12 public
# institution, 52 private non-enterprise unit, 31 law firm), name parts: a list is a choice.
EMPLOYERS = [
    (OWN.PRIVATE, 66, "91", [["", CITY], BRANDS, TRADES, ["有限公司"] * 7 + ["股份有限公司"] * 2 + ["有限责任公司"]]),
    (OWN.STATE, 8, "91", [CITY, BRANDS, TRADES, "集团有限公司"]),
    (OWN.COLLECTIVE, 3, "91", ["{street}", BRANDS, TRADES, "厂"]),
    (OWN.FOREIGN, 5, "91", [FOREIGN, "（示范）", TRADES, "有限公司"]),
    (OWN.HK_MACAO_TAIWAN, 4, "91", [HMT, "（示范）", TRADES, "有限公司"]),
    (OWN.PUBLIC_INSTITUTION, 8, "12", ["{district}", PUBLIC]),
    (OWN.SOCIAL_ORGANISATION, 4, "52", [CITY, BRANDS, SOCIAL]),
    (OWN.OTHER, 2, "31", [BRANDS, "律师事务所"]),
]
# (username, name, role, the demo node it sits at)
ACCOUNTS = [
    ("demo-city-admin", "王建国", R.CITY_ADMIN, "city"),
    ("demo-district-staff", "李红梅", R.FEDERATION_STAFF, "district"),
    ("demo-street-staff", "张伟", R.FEDERATION_STAFF, "street"),
    ("demo-clerk", "刘丽娟", R.UNION_CLERK, "union"),
    ("demo-cadre", "陈志强", R.CADRE_OFFICER, "city"),
    ("demo-discipline", "杨秀英", R.DISCIPLINE_OFFICER, "city"),
    ("demo-leader", "赵国平", R.LEADER, "district"),
    ("demo-auditor", "周敏", R.AUDITOR, "city"),
    ("demo-worker", "吴小军", None, None),
    ("demo-member", MEMBER_ACCOUNT[1], None, None),
]
# Accounts without a role sign in by mobile too; demo-member is a member with an e-card.
PHONES = {"demo-worker": WORKER_PHONE, "demo-member": MEMBER_ACCOUNT[2]}


class Planner:
    """Draws the whole tree as nested dicts; nothing here touches the database."""

    def __init__(self) -> None:
        self.rng = Random(2026)
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2, 2))))

    def date(self, first: int) -> datetime.date:
        return datetime.date(first, 1, 1) + datetime.timedelta(days=self.rng.randrange((2025 - first) * 365))

    def address(self, area: str) -> str:
        return f"{CITY}{area}{self.rng.choice(ROADS)}{self.rng.randint(1, 399)}号"

    def code(self, prefix: str, region: str) -> str:
        """Prefix, region, a GB 11714 organisation code with its own check, then the GB 32100 check."""
        while True:
            # Older organisation codes are all digits; those issued since 2015 start with MA.
            org = self.rng.choices("0123456789", k=8)
            if self.rng.random() < 0.3:
                org = ["M", "A", *self.rng.choices(ALPHABET, k=6)]
            check = 11 - sum(int(c, 36) * w for c, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
            body = prefix + region + "".join(org) + {10: "X", 11: "0"}.get(check, str(check))
            if (code := body + check_character(body)) not in self.codes:
                self.codes.add(code)
                return code

    def staff(self, big: float = 0.02) -> int:
        # Most employers are small; a few (big factories, state groups) have thousands.
        if self.rng.random() < big:
            return self.rng.randint(1000, 6000)
        return min(600, max(10, round(self.rng.lognormvariate(4.4, 0.8))))

    def node(self, kind: str, name: str, children=(), **fields) -> dict:
        if name in self.names:  # a bug in the plan, not bad input
            raise RuntimeError(f"demo name used twice: {name}")
        self.names.add(name)
        return {"fields": {"kind": kind, "name": name, **fields}, "children": list(children)}

    def unique(self, parts: list, **where) -> str:
        for _ in range(100):
            name = "".join(self.rng.choice(p) if isinstance(p, list) else p.format(**where) for p in parts)
            if not {name + "工会", name + "工会委员会"} & self.names:
                return name
        raise RuntimeError("ran out of demo employer names")

    def grassroots(self, employer, ownership, prefix, region, staff, area, first=1990) -> dict:
        union = employer + self.rng.choice(["工会委员会", "工会"]) if "公司" in employer else employer + "工会"
        return self.node(
            K.GRASSROOTS_UNION, union, employer_name=employer, employer_staff_count=staff,
            employer_ownership=ownership, credit_code=self.code(prefix, region), chair_name=self.person(),
            founded_on=self.date(first), has_women_committee=self.rng.random() < 0.85, address=self.address(area),
        )  # fmt: skip

    def joint(self, name: str, region: str, area: str) -> dict:
        # No single employer: the staff count is the workers of all its small firms, and the code is the
        # union's own legal-person code (registration authority 8 = trade union, type 1 = grassroots).
        return self.node(
            K.JOINT_UNION, name, employer_staff_count=self.rng.randint(40, 400), employer_ownership=OWN.PRIVATE,
            credit_code=self.code("81", region), chair_name=self.person(), founded_on=self.date(2012),
            has_women_committee=self.rng.random() < 0.8, address=self.address(area),
        )  # fmt: skip

    def employer(self, district: str, street: str, region: str) -> dict:
        ownership, _, prefix, parts = self.rng.choices(EMPLOYERS, [e[1] for e in EMPLOYERS])[0]
        name = self.unique(parts, district=district, street=street)
        staff = self.staff(big=0.3 if ownership == OWN.STATE else 0.02)
        return self.grassroots(name, ownership, prefix, region, staff, town_area(district, street))

    def city(self) -> dict:
        rng, children, streets = self.rng, [], []
        for district, region, names in DISTRICTS:
            kids = []
            for street in names.split():
                kid = self.node(K.STREET_FEDERATION, f"{street}总工会", chair_name=self.person(),
                                address=self.address(town_area(district, street)))  # fmt: skip
                kids.append(kid)
                streets.append((district, street, region, kid))
            children.append(self.node(K.DISTRICT_FEDERATION, f"{district}总工会", kids, chair_name=self.person(),
                                      address=self.address(district)))  # fmt: skip
        # Three for every street, the rest more to busy urban streets than to county towns.
        picks = [s for s in streets for _ in range(3)]
        picks += rng.choices(streets, [1 if "县" in s[0] else 3 for s in streets], k=STREET_UNIONS - len(picks))
        for district, street, region, kid in picks:
            joint, name = rng.random() < JOINT_SHARE, f"{district}{street}{rng.choice(JOINTS)}"
            if joint and name not in self.names:
                kid["children"].append(self.joint(name, region, town_area(district, street)))
            else:
                kid["children"].append(self.employer(district, street, region))
        schools = [self.grassroots(CITY + s, OWN.PUBLIC_INSTITUTION, "12", CITY_REGION, rng.randint(60, 300), "",
                                   first=1980) for s in SCHOOLS]  # fmt: skip
        transport = [self.grassroots(CITY + t, OWN.STATE, "91", CITY_REGION, rng.randint(800, 4000), "")
                     for t in TRANSPORT]  # fmt: skip
        for kind in CARRIERS:
            name = self.unique([BRANDS, kind + "有限公司"])
            transport.append(self.grassroots(name, OWN.PRIVATE, "91", CITY_REGION, self.staff(), ""))
        # New-employment-form workers (drivers) join through the industry union, not an employer.
        transport += [self.joint(CITY + t, CITY_REGION, "") for t in ("网约车行业联合工会", "货车司机联合工会")]
        children.append(self.node(K.INDUSTRY_UNION, "市教育工会", schools, chair_name=self.person()))
        children.append(self.node(K.INDUSTRY_UNION, "市交通运输工会", transport, chair_name=self.person()))
        return self.node(K.CITY_FEDERATION, CITY_NAME, children, chair_name=self.person(), address=self.address(""))


def town_area(district: str, street: str) -> str:
    """Addresses name the town (镇) in a county, but not the sub-district (街道) in a city district."""
    return district + (street if street.endswith("镇") else "")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Command(BaseCommand):
    help = "Create a demo city (339 unions) and one demo account per role. Running it again adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off. Never in production.")
        parser.add_argument(
            "--member-cap", type=int, default=300, help="At most this many members per union (default 300)."
        )

    def handle(self, *args, force: bool = False, member_cap: int = 300, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭：演示账号使用公开的密码，不能出现在生产环境。确需执行，请加 --force。\n"
                "DEBUG is off: demo accounts share a published password and must not reach production. "
                "Add --force only if you really mean it."
            )
        self.created = 0
        plan = Planner().city()
        with transaction.atomic():
            self.by_code = dict(Union.objects.exclude(credit_code="").values_list("credit_code", "pk"))
            city = Union.objects.get_root_nodes().filter(name=CITY_NAME).first()
            if city is None:
                city, self.created = Union.objects.add_root(plan["fields"]), 1
            self.ensure_children(city, plan["children"])
            district = plan["children"][0]
            street = district["children"][0]
            union = next(c for c in street["children"] if c["fields"]["kind"] == K.GRASSROOTS_UNION)
            where = {"city": city, "district": district["node"], "street": street["node"], "union": union["node"]}
            rows, new_users = self.ensure_accounts(where)
            added = ensure_members(city, Random(2026), cap=member_cap)
        self.stdout.write(
            f"演示数据 Demo data: {self.created} unions created 新建工会, {new_users} accounts created 新建账号."
        )
        if added:
            self.stdout.write(
                f"会员 Members: {added['members']}, 待审批入会申请 pending applications: {added['applications']}, "
                f"转会 open transfers: {added['transfers']}."
            )
        # The dashboards read summary data; count it now rather than wait for the nightly job.
        call_command("refresh_tallies", stdout=self.stdout)
        call_command("seed_demo_targets", stdout=self.stdout)
        # The cadre corps of the demo city, by the command's name: members may not import the cadres app.
        # seed_demo has made its own DEBUG check already.
        call_command("seed_demo_cadres", force=True, stdout=self.stdout)
        call_command("seed_demo_integrity", force=True, stdout=self.stdout)  # needs the cadres: after them
        call_command("seed_demo_campaigns", force=True, stdout=self.stdout)  # the district's competitions
        call_command("seed_demo_honours", force=True, stdout=self.stdout)  # the city's honours round
        self.print_table(rows)

    def ensure_children(self, parent: Union, specs: list[dict]) -> None:
        existing = {u.name: u for u in Union.objects.get_children(parent)}  # one query per parent
        added = False
        for spec in specs:
            fields = spec["fields"]
            node = existing.get(fields["name"])
            if node is None and fields.get("credit_code") in self.by_code:
                # The employer is here already under another name (someone renamed it): don't add it twice.
                node = Union.objects.get(pk=self.by_code[fields["credit_code"]])
            if node is None:
                if not parent.may_hold(fields["kind"]):
                    raise CommandError(
                        f"{parent.name} ({parent.kind}) cannot hold {fields['name']} ({fields['kind']})."
                    )
                node = Union.objects.add_child(parent, fields)
                self.created, added = self.created + 1, True
            spec["node"] = node
        if added:
            parent.refresh_from_db()  # treebeard keeps numchild on the instance
        for spec in specs:
            if spec["children"]:
                self.ensure_children(spec["node"], spec["children"])

    def ensure_accounts(self, where: dict) -> tuple[list, int]:
        # Hashing is slow on purpose (~0.3 s); nine demo accounts with one published password can share one.
        hashed, rows, new_users = make_password(DEMO_PASSWORD), [], 0
        for username, name, kind, at in ACCOUNTS:
            user = User.objects.filter(username=username).first()
            if user is None:  # an existing account keeps its password, e-mail and phone
                email, phone = f"{username}@{DEMO_EMAIL_DOMAIN}", None if kind else PHONES[username]
                if phone and User.objects.filter(phone=phone).exists():
                    phone = None  # someone signed up with the demo number: it is theirs (phone is unique)
                user = User.objects.create(
                    username=username, name=name, email=email, password=hashed, phone=phone, phone_verified=bool(phone)
                )
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
                new_users += 1
            node = where.get(at)
            if kind:
                if node.kind not in NODE_KINDS_FOR_ROLE.get(kind, {node.kind}):
                    raise CommandError(f"A {kind} role cannot sit at a {node.kind}.")
                Role.objects.get_or_create(user=user, union=node, kind=kind)
            rows.append((username, DEMO_PASSWORD, role_label(kind), node.name if node else "—"))
        return rows, new_users

    def print_table(self, rows: list) -> None:
        header = ("用户名 Username", "密码 Password", "角色 Role", "所在组织 Union")
        widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
        rule = "  ".join("-" * w for w in widths)
        for row in [rule, header, rule, *rows, rule]:
            cells = [row] if row is rule else [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write(f"所有演示账号使用同一密码 All demo accounts share one password: {DEMO_PASSWORD}")
        self.stdout.write(f"也可用邮箱登录 Or sign in by e-mail: <username>@{DEMO_EMAIL_DOMAIN}")
        self.stdout.write(f"demo-worker 也可用手机号登录 can also sign in by mobile: {WORKER_PHONE}")
        self.stdout.write(f"demo-member 是有电子会员卡的会员 is a member with an e-card (mobile {MEMBER_ACCOUNT[2]})")
        # Accounts without a staff role that the other apps' demo seeds add (see the README).
        self.stdout.write("demo-young-cadre 是年轻干部 is a young cadre; demo-judge 是竞赛评委 judges a competition")


def role_label(kind: str | None) -> str:
    """Chinese and English, or one of them while the translations are missing."""
    if not kind:
        return "职工（无角色） Worker (no role)"
    with translation.override("zh-hans"):
        zh = str(R(kind).label)
    with translation.override("en"):
        en = str(R(kind).label)
    return en if zh == en else f"{zh} {en}"
