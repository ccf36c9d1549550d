"""The roster's columns, in the order of the member registration form (会员登记表).

Headers are matched loosely: Chinese or English, full-width or half-width, with or without spaces,
a required-mark asterisk or a note in brackets (``身份证号码（18位）``), and the usual synonyms
found in real rosters (身份证号, 文化程度, 用工形式 ...).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import Education, EmploymentType, PoliticalStatus, Sex


@dataclass(frozen=True)
class Column:
    key: str  # the Member field it fills, or "union"
    zh: str  # the header written in templates and exports
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""  # the header's note in the template

    def header(self, language: str = "zh") -> str:
        return self.zh if language.startswith("zh") else self.en


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "Name", ("会员姓名", "职工姓名", "full name"), required=True, note=_("Required.")),
    Column("sex", "性别", "Sex", ("gender",), note=_("Optional: taken from the ID number; checked if given.")),
    Column(
        "id_number",
        "身份证号码",
        "ID number",
        ("身份证号", "身份证", "公民身份号码", "居民身份证号码", "证件号码", "id", "id no", "resident id number"),
        required=True,
        note=_("Required. 18 characters; format the column as text so that Excel keeps every digit."),
    ),
    Column(
        "mobile",
        "手机号码",
        "Mobile",
        ("手机号", "手机", "联系电话", "电话", "联系方式", "mobile number", "phone"),
        required=True,
        note=_("Required. 11 digits."),
    ),
    Column("ethnicity", "民族", "Ethnicity", ("nation",), note=_("For example 汉族. Empty means 汉族.")),
    Column("political_status", "政治面貌", "Political status", ("政治身份",), note=_("Choose from the list.")),
    Column("education", "学历", "Education", ("文化程度", "最高学历"), note=_("Choose from the list.")),
    Column(
        "employment_type",
        "就业形态",
        "Employment type",
        ("用工形式", "就业类型", "用工类型", "职工类型"),
        note=_("Choose from the list. Empty means regular employee."),
    ),
    Column("employer_name", "工作单位", "Employer", ("单位", "所在单位", "单位名称", "用人单位")),
    Column("is_migrant_worker", "是否农民工", "Migrant worker", ("农民工",), note=_("是 or 否.")),
    Column("is_in_hardship", "是否困难职工", "Worker in hardship", ("困难职工",), note=_("是 or 否.")),
    Column(
        "joined_on",
        "入会时间",
        "Joined on",
        ("入会日期", "入会年月", "joined", "join date"),
        note=_("A date such as 2023-05-01. Empty means the day of the import."),
    ),
    Column(
        "union",
        "所属工会",
        "Union",
        ("工会", "工会名称", "所属基层工会", "基层工会", "工会统一社会信用代码"),
        note=_("The grassroots or joint union's name or credit code. May be empty when importing into one union."),
    ),
)

# Columns written by exports only; an import ignores them without a notice.
EXPORT_ONLY = (("card_number", "会员卡号", "Card number"), ("status", "会员状态", "Status"))
# The column the error file adds after the original ones.
ERROR_HEADER = ("错误说明", "Errors")

BY_KEY = {column.key: column for column in COLUMNS}

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection). Every
# text file the roster writes puts an apostrophe before such a cell (Excel hides it); reading a
# cell takes it off again (``cleaning.text``).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")


def header_key(text) -> str:
    """A header as it is compared: half-width, lower case, no spaces, marks or bracketed notes."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    text = _BRACKETED.sub("", text)
    return re.sub(r"[\s*:_\-/]+", "", text)


_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _label in (_column.zh, _column.en, _column.key, *_column.aliases):
        _HEADERS[header_key(_label)] = _column.key
_QUIET = (
    {header_key(label) for _key, *labels in EXPORT_ONLY for label in labels}
    | {header_key(label) for label in ERROR_HEADER}
    | {header_key(label) for label in ("序号", "no", "编号")}
)


@dataclass
class HeaderMap:
    positions: dict[str, int]  # column key → index in the row
    ignored: list[str]  # headers not recognised (and not quietly ignored)
    duplicated: list[str]  # keys given by more than one column
    missing: list[Column]  # required columns not found


def map_headers(cells) -> HeaderMap:
    positions: dict[str, int] = {}
    ignored, duplicated = [], []
    for index, cell in enumerate(cells):
        label = str(cell).strip() if cell is not None else ""
        if not label:
            continue
        key = _HEADERS.get(header_key(label))
        if key is None:
            if header_key(label) not in _QUIET:
                ignored.append(label)
        elif key in positions:
            duplicated.append(label)
        else:
            positions[key] = index
    missing = [column for column in COLUMNS if column.required and column.key not in positions]
    return HeaderMap(positions=positions, ignored=ignored, duplicated=duplicated, missing=missing)


# --- choice labels --------------------------------------------------------------------------------
# Besides each choice's Chinese and English label and its code, the words real rosters use.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "political_status": {
        "党员": PoliticalStatus.CPC_MEMBER,
        "中共党员": PoliticalStatus.CPC_MEMBER,
        "中国共产党党员": PoliticalStatus.CPC_MEMBER,
        "共产党员": PoliticalStatus.CPC_MEMBER,
        "预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "团员": PoliticalStatus.CYL_MEMBER,
        "共青团员": PoliticalStatus.CYL_MEMBER,
        "中国共产主义青年团团员": PoliticalStatus.CYL_MEMBER,
        "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
        "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
        "群众": PoliticalStatus.NONE,
        "无党派人士": PoliticalStatus.NONE,
        "无党派": PoliticalStatus.NONE,
        "无": PoliticalStatus.NONE,
    },
    "education": {
        "小学": Education.PRIMARY,
        "小学及以下": Education.PRIMARY,
        "初中": Education.JUNIOR,
        "高中": Education.SENIOR,
        "中专": Education.SENIOR,
        "职高": Education.SENIOR,
        "技校": Education.SENIOR,
        "高中中专": Education.SENIOR,
        "高中及中专": Education.SENIOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "大学专科": Education.COLLEGE,
        "高职": Education.COLLEGE,
        "本科": Education.BACHELOR,
        "大学本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "研究生": Education.POSTGRADUATE,
        "硕士": Education.POSTGRADUATE,
        "博士": Education.POSTGRADUATE,
        "硕士研究生": Education.POSTGRADUATE,
        "博士研究生": Education.POSTGRADUATE,
    },
    "employment_type": {
        "正式职工": EmploymentType.REGULAR,
        "正式员工": EmploymentType.REGULAR,
        "合同制": EmploymentType.REGULAR,
        "在岗职工": EmploymentType.REGULAR,
        "劳务派遣": EmploymentType.DISPATCHED,
        "派遣": EmploymentType.DISPATCHED,
        "货车司机": EmploymentType.TRUCK_DRIVER,
        "快递员": EmploymentType.COURIER,
        "快递小哥": EmploymentType.COURIER,
        "外卖送餐员": EmploymentType.FOOD_DELIVERY,
        "外卖骑手": EmploymentType.FOOD_DELIVERY,
        "骑手": EmploymentType.FOOD_DELIVERY,
        "网约车司机": EmploymentType.RIDE_HAILING,
        "网络主播": EmploymentType.STREAMER,
        "主播": EmploymentType.STREAMER,
        "家政服务员": EmploymentType.HOME_CARE,
        "家政": EmploymentType.HOME_CARE,
        "其他新就业形态": EmploymentType.OTHER_NEW_FORM,
        "其他": EmploymentType.OTHER,
    },
    "sex": {"男": Sex.MALE, "女": Sex.FEMALE, "男性": Sex.MALE, "女性": Sex.FEMALE},
}
CHOICES = {"political_status": PoliticalStatus, "education": Education, "employment_type": EmploymentType, "sex": Sex}
