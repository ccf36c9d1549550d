"""The columns of the cadres' sheets and how their headers are recognised.

Headers are compared as the member roster compares them (``members.roster.columns.header_key``):
half-width, lower case, without spaces, required marks or bracketed notes; each column also answers
to the synonyms real sheets use. Choice cells of the cadre's own fields (rank, employment, status)
are read here; sex, political status and education are the roster's choices and read by its cleaning.
"""

from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.roster import cleaning
from members.roster.cleaning import CellError
from members.roster.columns import ERROR_HEADER, header_key

from ..models import Cadre, Employment, Rank


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""

    def header(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "zh-hans"
        return self.zh if language.startswith("zh") else self.en


ATTENDANCE_COLUMNS: tuple[Column, ...] = (
    Column(
        "name", "姓名", "Name", ("干部姓名", "学员姓名", "full name"), note=gettext_lazy("Checked against the cadre.")
    ),
    Column(
        "mobile",
        "手机号码",
        "Mobile",
        ("手机号", "手机", "联系电话", "电话", "mobile number", "phone"),
        required=True,
        note=gettext_lazy("Required. 11 digits: finds the cadre enrolled in the class."),
    ),
    Column(
        "date",
        "日期",
        "Date",
        ("签到日期", "培训日期", "上课日期", "day"),
        required=True,
        note=gettext_lazy("Required. A day of the class, such as 2026-09-14."),
    ),
    Column(
        "signed_in",
        "签到时间",
        "Signed in",
        ("签到", "到达时间", "sign in", "sign-in time"),
        required=True,
        note=gettext_lazy("Required. A time such as 08:30."),
    ),
    Column(
        "signed_out",
        "签退时间",
        "Signed out",
        ("签退", "离开时间", "sign out", "sign-out time"),
        note=gettext_lazy("A time such as 17:30, after the sign-in. May be empty."),
    ),
)

# A sheet of who was there, without days or times (a warning education session's): the name and mobile
# columns of the attendance sheet; a class's sheet, with its extra columns, is read as one too.
ROLL_COLUMNS: tuple[Column, ...] = (
    ATTENDANCE_COLUMNS[0],
    Column(
        "mobile",
        "手机号码",
        "Mobile",
        ATTENDANCE_COLUMNS[1].aliases,
        required=True,
        note=gettext_lazy("Required. 11 digits: finds the cadre."),
    ),
)

PROFILE_COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "Name", ("干部姓名", "full name"), required=True, note=gettext_lazy("Required.")),
    Column("sex", "性别", "Sex", ("gender",), note=gettext_lazy("男 or 女. Required for a new cadre.")),
    Column(
        "birth_date",
        "出生日期",
        "Birth date",
        ("出生年月", "出生年月日", "生日", "date of birth"),
        note=gettext_lazy("A date such as 1985-06-01. Required for a new cadre."),
    ),
    Column(
        "mobile",
        "手机号码",
        "Mobile",
        ("手机号", "手机", "联系电话", "电话", "mobile number", "phone"),
        required=True,
        note=gettext_lazy("Required. 11 digits: a cadre already recorded with this number is updated."),
    ),
    Column(
        "union",
        "任职单位",
        "Serves at",
        ("所在单位", "工作单位", "单位", "所属工会", "工会", "统一社会信用代码", "node"),
        note=gettext_lazy("The name or credit code of a union under the node imported into. Empty: that node."),
    ),
    Column("post", "职务", "Post", ("现任职务", "职位"), note=gettext_lazy("Required for a new cadre.")),
    Column("rank", "职级", "Rank", ("级别", "现职级"), note=gettext_lazy("Choose from the list.")),
    Column("employment", "用工形式", "Employment", ("任职形式", "专兼职"), note=gettext_lazy("Choose from the list.")),
    Column(
        "political_status", "政治面貌", "Political status", ("政治身份",), note=gettext_lazy("Choose from the list.")
    ),
    Column("education", "学历", "Education", ("文化程度", "最高学历"), note=gettext_lazy("Choose from the list.")),
    Column(
        "in_post_since",
        "任现职时间",
        "In post since",
        ("任现职日期", "任职时间", "任职日期", "任现职务时间"),
        note=gettext_lazy("A date such as 2020-03-01. Required for a new cadre."),
    ),
    Column("status", "状态", "Status", ("在职状态", "人员状态"), note=gettext_lazy("在职, 离职 or 退休. Empty: 在职.")),
)
# Written by exports only; an import passes over it without a notice.
PROFILE_EXPORT_ONLY = (("young", "年轻干部", "Young cadre"),)


@dataclass
class HeaderMap:
    positions: dict[str, int]
    ignored: list[str]
    duplicated: list[str]
    missing: list[Column]


@cache
def _lookup(columns: tuple[Column, ...]) -> dict[str, str]:
    table = {}
    for column in columns:
        for label in (column.zh, column.en, column.key, *column.aliases):
            table[header_key(label)] = column.key
    return table


_QUIET = {header_key(label) for label in (*ERROR_HEADER, "序号", "no", "编号")} | {
    header_key(label) for _key, *labels in PROFILE_EXPORT_ONLY for label in labels
}


def map_headers(cells, columns: tuple[Column, ...]) -> HeaderMap:
    table = _lookup(columns)
    positions: dict[str, int] = {}
    ignored, duplicated = [], []
    for index, cell in enumerate(cells):
        label = str(cell).strip() if cell is not None else ""
        if not label:
            continue
        key = table.get(header_key(label))
        if key is None:
            if header_key(label) not in _QUIET:
                ignored.append(label)
        elif key in positions:
            duplicated.append(label)
        else:
            positions[key] = index
    missing = [column for column in columns if column.required and column.key not in positions]
    return HeaderMap(positions=positions, ignored=ignored, duplicated=duplicated, missing=missing)


def labels(columns: tuple[Column, ...]) -> dict[str, str]:
    """Column names as messages show them: the header in the user's language."""
    return {column.key: column.header() for column in columns}


# --- the cadre's own choices ----------------------------------------------------------------------
CADRE_CHOICES = {"rank": Rank, "employment": Employment, "status": Cadre.Status}
CADRE_ALIASES = {
    "rank": {
        "厅局级": Rank.BUREAU,
        "厅级": Rank.BUREAU,
        "局级": Rank.BUREAU,
        "县处级": Rank.COUNTY_DIVISION,
        "处级": Rank.COUNTY_DIVISION,
        "县级": Rank.COUNTY_DIVISION,
        "乡科级": Rank.TOWNSHIP_SECTION,
        "科级": Rank.TOWNSHIP_SECTION,
        "乡级": Rank.TOWNSHIP_SECTION,
        "科员": Rank.STAFF,
        "科员级": Rank.STAFF,
        "办事员": Rank.CLERK,
        "办事员级": Rank.CLERK,
    },
    "employment": {
        "专职": Employment.FULL_TIME,
        "全职": Employment.FULL_TIME,
        "兼职": Employment.PART_TIME,
        "挂职": Employment.SECONDED_IN,
        "借调": Employment.SECONDED_IN,
        "挂职借调": Employment.SECONDED_IN,
    },
    "status": {
        "在职": Cadre.Status.IN_POST,
        "在岗": Cadre.Status.IN_POST,
        "在任": Cadre.Status.IN_POST,
        "离职": Cadre.Status.LEFT,
        "调离": Cadre.Status.LEFT,
        "退休": Cadre.Status.RETIRED,
    },
}
# The Chinese labels the templates offer in their drop-down lists (the import reads them back).
CADRE_OFFERED = {
    "rank": ("厅局级", "县处级", "乡科级", "科员", "办事员"),
    "employment": ("专职", "兼职", "挂职借调"),
    "status": ("在职", "离职", "退休"),
}


def _key(value) -> str:
    return header_key(cleaning.text(value))


@cache
def _choice_table(field: str) -> dict[str, str]:
    table = {}
    for value, label in CADRE_CHOICES[field].choices:
        table[_key(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[_key(str(label))] = value
    for alias, value in CADRE_ALIASES[field].items():
        table[_key(alias)] = str(value)
    return table


def cadre_choice_of(value, field: str, label: str) -> str:
    raw = cleaning.text(value)
    found = _choice_table(field).get(_key(raw))
    if found is None:
        raise CellError(
            _("%(label)s “%(value)s” is not one of: %(offered)s.")
            % {"label": label, "value": raw, "offered": "、".join(CADRE_OFFERED[field])}
        )
    return found
