"""Roster imports end to end through the services, as the pages and jobs drive them.

Every bad input is refused with a message the clerk can act on and leaves the members exactly as
they were (``member_state`` before == after); every real-world variation is read; then the modes,
updates, rejoins, cards, cancel, the error file round trip, scope, the row records and query counts.
File-level refusals (bombs, encodings, caps) are in test_roster_files.py.
"""

import csv
import datetime
import io
import threading
from pathlib import Path

import openpyxl
import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from members import pii, services
from members.id_number import CHECK_CHARACTERS, check_character, parse, upgrade_15
from members.models import Member, MemberCard, MemberEvent, RosterImport, RosterImportRow
from members.roster import files, importing
from members.services import card_issue
from members.services import roster as service
from members.storage import local_copy
from tests.pages import client_for, text
from unions.models import Role, Union

from ..factories import credit_code, id_number, make_child, staff
from .rosters import (
    ENGLISH_HEADER,
    HEADER,
    confirm_import,
    csv_bytes,
    member_state,
    people,
    row,
    start_import,
    upload,
    xls_bytes,
    xlsx_bytes,
)

R = Role.Kind
S = RosterImport.Status
MODE = RosterImport.Mode
OUT = RosterImportRow.Outcome


@pytest.fixture
def district_clerk(tree):
    return staff(R.FEDERATION_STAFF, tree["d1"])


def make_member(union, number=None, *, name="王五", mobile="13900139000", status=Member.Status.ACTIVE, **fields):
    fields = {"political_status": "none", "education": "bachelor", "employment_type": "regular", **fields}
    member = Member(union=union, name=name, mobile=mobile, joined_on=datetime.date(2020, 1, 1), status=status, **fields)
    member.set_id_number(parse(number or id_number()))
    member.save()
    return member


def left_out(record) -> dict[int, str]:
    """Row number → message of the rows the latest pass left out."""
    return importing.error_rows(record)


def import_file(user, union, content, name="花名册.xlsx", mode=MODE.VALID_ONLY):
    record = start_import(user, union, content, name)
    assert record.status == S.CHECKED, record.problem
    return confirm_import(record, user, mode)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def with_check(body17: str) -> str:
    return body17 + check_character(body17)


def id_ending_in_x() -> str:
    while not (number := id_number()).endswith("X"):
        pass
    return number


def excel_rounded_id() -> str:
    """An 18-digit number as Excel keeps it in a number cell: 15 significant digits, then 000."""
    while check_character((number := id_number()[:15] + "000")[:17]) == "0":
        pass
    return number


def wrong_check(number: str) -> str:
    return number[:17] + next(c for c in CHECK_CHARACTERS if c != number[17])


# --- each bad row: the reason, and nothing written ---------------------------------------------------
VALID = id_number(born=datetime.date(1990, 3, 4))
OPPOSITE_SEX = "女" if parse(VALID).sex == "M" else "男"
TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

BAD_ROWS = {
    "id_as_float_cell": (row("张三", 110105199003041234), "stored by Excel as a number"),
    "id_in_scientific_notation": (row("张三", "1.10105E+17"), "Excel has turned into a number"),
    "id_that_lost_its_last_digits": (row("张三", excel_rounded_id()), "ends in 000"),
    "bad_check_character": (row("张三", wrong_check(VALID)), "The last character does not match"),
    "missing_name": (row("", VALID), "The name is missing."),
    "missing_id": (row("张三", ""), "The ID number is missing."),
    "missing_mobile": (row("张三", VALID, ""), "The mobile number is missing."),
    "bad_mobile": (row("张三", VALID, "1380013800"), "“1380013800” is not a mainland mobile number"),
    "unknown_choice_label": (row("张三", VALID, political="外星人"), "Political status “外星人” is not one of"),
    "date_in_the_future": (row("张三", VALID, joined=TOMORROW), f"Joined on {TOMORROW} is in the future."),
    "not_a_date": (row("张三", VALID, joined="去年"), "Joined on “去年” is not a date"),
    "sex_contradicting_the_id": (row("张三", VALID, sex=OPPOSITE_SEX), "The sex does not match the ID number."),
    "join_date_before_birth": (row("张三", VALID, joined="1990-01-01"), "before the birth date"),
}


@pytest.mark.parametrize(("cells", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_left_out_with_its_reason_and_writes_nothing(tree, clerk, cells, message):
    before = member_state()

    record = start_import(clerk, tree["g1"], xlsx_bytes([cells]))

    assert (record.status, record.rows_total, record.error_count, record.new_count) == (S.CHECKED, 1, 1, 0)
    assert message in left_out(record)[2]
    assert member_state() == before
    # Even the permissive mode writes nothing for it, and says why it was left out.
    record = confirm_import(record, clerk, MODE.VALID_ONLY)
    assert (record.status, record.new_count, record.error_count) == (S.DONE, 0, 1)
    assert message in left_out(record)[2]
    assert member_state() == before


def test_duplicate_id_in_the_file_is_an_error_on_the_second_row_naming_the_first(tree, clerk):
    before = member_state()
    number = id_number()
    content = xlsx_bytes([row("张三", number), row("李四", id_number()), row("张三", fullwidth(number))])

    record = start_import(clerk, tree["g1"], content)

    assert left_out(record) == {4: "The same ID number is already on row 2."}
    record = confirm_import(record, clerk, MODE.ALL_OR_NOTHING)
    assert (record.status, record.new_count, record.error_count) == (S.NOTHING_WRITTEN, 2, 1)
    assert member_state() == before


def test_deceased_member_is_an_error_and_stays_deceased(tree, clerk):
    dead = make_member(tree["g1"], status=Member.Status.DECEASED)
    number = dead.reveal_id_number()
    before = member_state()

    record = import_file(clerk, tree["g1"], xlsx_bytes([row("王五", number)]))

    assert left_out(record) == {2: "This ID number belongs to a member recorded as deceased."}
    assert member_state() == before


# --- active members elsewhere: transfer candidates, never moved ---------------------------------------
@pytest.mark.parametrize("elsewhere", ["g2", "g3"])  # another district; an industry union's
def test_active_member_of_another_union_is_a_transfer_candidate_and_is_not_moved(tree, clerk, elsewhere):
    member = make_member(tree[elsewhere], mobile="13900139000")
    before = member_state()

    record = start_import(clerk, tree["g1"], xlsx_bytes([row("王五", member.reveal_id_number(), "13700137000")]))

    assert (record.transfer_count, record.error_count, record.new_count) == (1, 0, 0)
    assert "request a transfer" in left_out(record)[2]
    # Transfer candidates are not errors: all-or-nothing still runs, and leaves them out.
    record = confirm_import(record, clerk, MODE.ALL_OR_NOTHING)
    assert (record.status, record.transfer_count) == (S.DONE, 1)
    assert record.rows.get().outcome == OUT.TRANSFER
    assert member_state() == before
    member.refresh_from_db()
    assert (member.union, member.mobile) == (tree[elsewhere], "13900139000")


def test_active_member_of_another_union_in_the_district_is_a_transfer_candidate(tree, district_clerk):
    g4 = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会")
    member = make_member(tree["g1"])
    before = member_state()

    record = import_file(
        district_clerk, tree["d1"], xlsx_bytes([row("王五", member.reveal_id_number(), union=g4.name)])
    )

    assert (record.status, record.transfer_count) == (S.DONE, 1)
    assert member_state() == before


# --- the union column -----------------------------------------------------------------------------
@pytest.fixture
def unions(tree):
    """Under the district: a second grassroots union, two of the same name, a closed one; codes on some."""
    tree["g1"].credit_code = credit_code()
    tree["g2"].credit_code = credit_code()
    for union in (tree["g1"], tree["g2"]):
        union.save(update_fields=["credit_code"])
    return {
        **tree,
        "g4": make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会", credit_code=credit_code()),
        "twin1": make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城商店工会"),
        "twin2": make_child(tree["d1"], Union.Kind.JOINT_UNION, "东城商店工会"),
        "closed": make_child(
            tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城旧厂工会", closed_on=datetime.date(2024, 1, 1)
        ),
    }


BAD_UNIONS = {
    "name_that_does_not_exist": (
        lambda u: "东城不存在工会",
        "No grassroots or joint union “东城不存在工会” under 东城区总工会",
    ),
    "code_that_does_not_exist": (lambda u: credit_code(), "No grassroots or joint union"),
    "name_outside_scope": (lambda u: u["g2"].name, "No grassroots or joint union “西城食品公司工会”"),
    "code_outside_scope": (lambda u: u["g2"].credit_code, "No grassroots or joint union"),
    "industry_union_outside_scope": (lambda u: u["g3"].name, "No grassroots or joint union"),
    "street_federation_not_a_grassroots_union": (lambda u: u["s1"].name, "No grassroots or joint union"),
    "ambiguous_name": (
        lambda u: "东城商店工会",
        "Several unions are named “东城商店工会”: give the union's credit code",
    ),
    "closed_union": (lambda u: "东城旧厂工会", "The union “东城旧厂工会” is closed."),
    "missing": (lambda u: "", "The union is missing"),
}


@pytest.mark.parametrize(("union", "message"), BAD_UNIONS.values(), ids=BAD_UNIONS.keys())
def test_bad_union_is_an_error_and_writes_nothing(unions, district_clerk, union, message):
    before = member_state()

    record = import_file(district_clerk, unions["d1"], xlsx_bytes([row("张三", id_number(), union=union(unions))]))

    assert (record.status, record.new_count, record.error_count) == (S.DONE, 0, 1)
    assert message in left_out(record)[2]
    assert member_state() == before


def test_union_is_found_by_name_or_by_credit_code_within_the_district(unions, district_clerk):
    code = unions["g4"].credit_code
    content = xlsx_bytes(
        [row("张三", id_number(), union=" 东城机械厂工会 "), row("李四", id_number(), union=code.lower())]
    )

    record = import_file(district_clerk, unions["d1"], content)

    assert (record.status, record.new_count, record.error_count) == (S.DONE, 2, 0)
    assert sorted(Member.objects.values_list("name", "union")) == [("张三", unions["g1"].pk), ("李四", unions["g4"].pk)]


def test_import_into_a_federation_without_a_union_column_is_refused(tree, district_clerk):
    before = member_state()

    record = start_import(district_clerk, tree["d1"], xlsx_bytes([row("张三", id_number())[:-1]], header=HEADER[:-1]))

    assert record.status == S.REFUSED and "needs a “所属工会” column" in record.problem
    assert member_state() == before


def test_import_into_a_closed_union_is_refused_at_upload(tree, clerk):
    Union.objects.filter(pk=tree["g1"].pk).update(closed_on=datetime.date(2024, 1, 1))
    tree["g1"].refresh_from_db()

    with pytest.raises(ValidationError, match="is closed"):
        start_import(clerk, tree["g1"], xlsx_bytes([row("张三", id_number())]))
    assert not RosterImport.objects.exists()


# --- scope (SECURITY.md: a district clerk's file naming another district's union or member changes 0 rows)
def test_district_clerks_file_naming_another_districts_union_or_member_changes_nothing(unions, district_clerk):
    theirs = make_member(unions["g2"], name="赵六", mobile="13600136000")
    content = xlsx_bytes(
        [
            row("张三", id_number(), union=unions["g2"].name),
            row("李四", id_number(), union=unions["g2"].credit_code),
            row("赵六", theirs.reveal_id_number(), "13500135000", union=unions["g1"].name),
            row("赵六", theirs.reveal_id_number(), "13500135000", union=unions["g2"].name),
        ]
    )
    before = member_state()

    record = import_file(district_clerk, unions["d1"], content)

    assert (record.status, record.new_count, record.updated_count) == (S.DONE, 0, 0)
    assert set(left_out(record)) == {2, 3, 4, 5}
    assert member_state() == before


def test_clerk_cannot_import_into_a_union_outside_their_scope(tree, clerk):
    with pytest.raises(PermissionDenied):
        start_import(clerk, tree["g2"], xlsx_bytes([row("张三", id_number())]))
    assert not RosterImport.objects.exists()


# --- what real rosters look like ------------------------------------------------------------------
@pytest.mark.parametrize(
    "joined", ["2023-05-01", "2023/5/1", "2023年5月1日", "20230501", 45047, datetime.date(2023, 5, 1)]
)
def test_join_date_in_every_usual_form_is_stored(tree, clerk, joined):
    record = import_file(clerk, tree["g1"], xlsx_bytes([row("张三", id_number(), joined=joined)]))

    assert (record.status, record.new_count, record.error_count) == (S.DONE, 1, 0), left_out(record)
    assert Member.objects.get().joined_on == datetime.date(2023, 5, 1)


def test_full_width_digits_and_lower_case_x_are_read(tree, clerk):
    number = id_ending_in_x()
    content = xlsx_bytes([row("张三", fullwidth(number.lower()), fullwidth("13800138000"))])

    record = import_file(clerk, tree["g1"], content)

    assert record.new_count == 1, left_out(record)
    member = Member.objects.get()
    assert (member.id_hash, member.mobile) == (pii.id_hash(number), "13800138000")


def test_usual_labels_and_yes_no_marks_are_read(tree, clerk):
    number = id_number()
    sex = {"M": "男", "F": "女"}[parse(number).sex]
    content = xlsx_bytes(
        [
            row("张三", id_number(), political="党员", education="大专", employment="外卖骑手", migrant="是"),
            row("李四", id_number(), political="团员", education="研究生", employment="快递小哥", migrant="√"),
            row("王五", number, political="", education="", employment="", migrant="否", sex=sex),
        ]
    )

    record = import_file(clerk, tree["g1"], content)

    assert record.new_count == 3, left_out(record)
    fields = ("political_status", "education", "employment_type", "is_migrant_worker")
    assert list(Member.objects.order_by("pk").values_list(*fields)) == [
        ("cpc_member", "college", "food_delivery", True),
        ("cyl_member", "postgraduate", "courier", True),
        ("none", "", "regular", False),  # blank cells: the defaults of a new member
    ]


def test_15_digit_id_number_is_stored_in_its_18_digit_form_with_a_notice(tree, clerk):
    record = import_file(clerk, tree["g1"], xlsx_bytes([row("张三", "440106800307213")]))

    assert record.new_count == 1
    assert record.notices == ["1 15-digit ID numbers will be stored in their 18-digit form."]
    member = Member.objects.get()
    assert member.id_hash == pii.id_hash(upgrade_15("440106800307213"))
    assert record.rows.get().id_masked == "440106********2133"


HEADERS = {
    "english": ENGLISH_HEADER,
    "with_notes_and_marks": ["*姓名", *HEADER[1:2], "身份证号码（18位）", "*手机号码", *HEADER[4:]],
    "synonyms": [
        "职工姓名",
        "性别",
        "身份证号",
        "联系电话",
        "民族",
        "政治面貌",
        "文化程度",
        "用工形式",
        "农民工",
        "入会日期",
        "工会",
    ],
}


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_headers_in_english_with_notes_or_synonyms_are_read_without_notice(tree, clerk, header):
    record = import_file(clerk, tree["g1"], xlsx_bytes([row("张三", id_number(), political="党员")], header=header))

    assert (record.new_count, record.notices) == (1, [])
    assert Member.objects.get().political_status == "cpc_member"


def test_rows_with_nothing_but_a_serial_number_or_the_union_are_not_members(tree, clerk):
    # A template numbered (序号) down to row 11, with the union filled in, and two members entered.
    header = ["序号", *HEADER]
    rows = [[1, *row("张三", id_number())], [2, *row("李四", id_number())]]
    rows += [[n, *[""] * 10, "东城机械厂工会"] for n in range(3, 11)]

    record = import_file(clerk, tree["g1"], xlsx_bytes(rows, header=header))

    assert (record.rows_total, record.new_count, record.error_count, record.notices) == (2, 2, 0, [])


def test_unrecognised_columns_are_named_in_a_notice_and_ignored(tree, clerk):
    record = import_file(clerk, tree["g1"], xlsx_bytes([[*row("张三", id_number()), "x"]], header=[*HEADER, "备注"]))

    assert record.new_count == 1
    assert record.notices == ["These columns were not recognised and were ignored: 备注."]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_spreadsheet_numbers(tree, clerk, fmt):
    build = xlsx_bytes if fmt == "xlsx" else csv_bytes
    content = build(
        [[], HEADER, row("张三", "123"), row("李四", id_number())], header=["某公司工会会员花名册（2024年）"]
    )

    record = import_file(clerk, tree["g1"], content, name=f"花名册.{fmt}")

    assert (record.new_count, record.error_count) == (1, 1)
    assert list(left_out(record)) == [4]  # title, blank, header, then the first data row


ENCODINGS = {
    "gbk_csv": (lambda rows: csv_bytes(rows, encoding="gbk"), "csv", "gb18030"),
    "gb18030_csv": (lambda rows: csv_bytes(rows, encoding="gb18030"), "csv", "gb18030"),
    "utf8_bom_csv": (lambda rows: csv_bytes(rows, encoding="utf-8-sig"), "csv", "utf-8-sig"),
    "utf8_csv": (lambda rows: csv_bytes(rows, encoding="utf-8"), "csv", "utf-8"),
    "legacy_xls": (xls_bytes, "xls", ""),
    "xlsx": (xlsx_bytes, "xlsx", ""),
}


@pytest.mark.parametrize(("build", "file_format", "encoding"), ENCODINGS.values(), ids=ENCODINGS.keys())
def test_every_accepted_file_format_and_encoding_is_read(tree, clerk, build, file_format, encoding):
    rows = [row("张三", id_number(), political="党员"), row("欧阳娜娜", id_number(), employment="外卖骑手")]

    record = import_file(clerk, tree["g1"], build(rows), name="花名册.dat")

    assert (record.file_format, record.encoding) == (file_format, encoding)
    assert (record.status, record.new_count, record.error_count) == (S.DONE, 2, 0), left_out(record)
    assert sorted(Member.objects.values_list("name", flat=True)) == ["张三", "欧阳娜娜"]


# --- modes ----------------------------------------------------------------------------------------
def test_all_or_nothing_with_one_error_writes_nothing(tree, clerk):
    before = member_state()
    content = xlsx_bytes([row("张三", id_number()), row("李四", id_number(), "123"), row("王五", id_number())])

    record = import_file(clerk, tree["g1"], content, mode=MODE.ALL_OR_NOTHING)

    assert (record.status, record.new_count, record.error_count) == (S.NOTHING_WRITTEN, 2, 1)
    assert list(left_out(record)) == [3]
    assert member_state() == before


def test_valid_only_writes_the_good_rows_and_lists_every_row_left_out_with_its_reason(tree, clerk):
    elsewhere = make_member(tree["g2"])
    content = xlsx_bytes(
        [
            row("张三", id_number()),
            row("李四", id_number(), "123"),
            row("王五", elsewhere.reveal_id_number()),
            row("赵六", id_number(), joined="昨天"),
            row("钱七", id_number()),
        ]
    )

    record = import_file(clerk, tree["g1"], content, mode=MODE.VALID_ONLY)

    assert (record.status, record.new_count, record.error_count, record.transfer_count) == (S.DONE, 2, 2, 1)
    assert sorted(Member.objects.filter(union=tree["g1"]).values_list("name", flat=True)) == ["张三", "钱七"]
    reasons = left_out(record)
    assert list(reasons) == [3, 4, 5]
    assert "not a mainland mobile number" in reasons[3]
    assert "request a transfer" in reasons[4]
    assert "is not a date" in reasons[5]


# --- updates --------------------------------------------------------------------------------------
def test_same_id_in_the_same_union_with_a_changed_mobile_is_updated(tree, clerk):
    member = make_member(tree["g1"], mobile="13900139000")

    record = import_file(clerk, tree["g1"], xlsx_bytes([row("王五", member.reveal_id_number(), "13700137000")]))

    assert (record.status, record.updated_count, record.new_count, record.unchanged_count) == (S.DONE, 1, 0, 0)
    member.refresh_from_db()
    assert member.mobile == "13700137000"
    edited = MemberEvent.objects.get(member=member)
    assert (edited.kind, edited.note, edited.by) == (MemberEvent.Kind.EDITED, "mobile", clerk)
    assert not MemberCard.objects.exists()  # an update issues no card


def test_identical_row_is_counted_unchanged_and_touches_nothing(tree, clerk):
    member = make_member(tree["g1"], mobile="13900139000")
    before = member_state()

    record = import_file(clerk, tree["g1"], xlsx_bytes([row("王五", member.reveal_id_number(), "13900139000")]))

    assert (record.status, record.unchanged_count, record.updated_count, record.new_count) == (S.DONE, 1, 0, 0)
    assert not record.rows.exists()  # unchanged rows are only counted
    assert member_state() == before


def test_blank_cells_never_erase_stored_values(tree, clerk):
    member = make_member(
        tree["g1"], employer_name="东城机械厂", political_status="cpc_member", ethnicity="回族", is_migrant_worker=True
    )
    before = member_state()
    blank = row(
        "王五",
        member.reveal_id_number(),
        member.mobile,
        political="",
        education="",
        employment="",
        migrant="",
        ethnicity="",
    )

    record = import_file(clerk, tree["g1"], xlsx_bytes([blank]))

    assert record.unchanged_count == 1
    assert member_state() == before
    member.refresh_from_db()
    assert (member.political_status, member.education, member.ethnicity) == ("cpc_member", "bachelor", "回族")
    assert member.is_migrant_worker is True


def test_former_member_reimported_rejoins_keeping_what_blank_cells_do_not_say(tree, clerk):
    left = {"status": Member.Status.LEFT, "ended_on": datetime.date(2024, 1, 1), "end_reason": "离职"}
    former = make_member(tree["g1"], employer_name="东城机械厂", education="college", **left)
    old_card = MemberCard.objects.create(
        member=former, union=tree["g1"], number="old-1", revoked_on=datetime.date(2024, 1, 1)
    )
    cells = row("王五", former.reveal_id_number(), "13700137000", education="", joined="2025-02-01")

    record = import_file(clerk, tree["g1"], xlsx_bytes([cells]))

    assert (record.status, record.new_count) == (S.DONE, 1)
    member = Member.objects.get()
    assert member.pk == former.pk  # one record per person
    assert (member.status, member.union, member.ended_on, member.end_reason) == ("active", tree["g1"], None, "")
    assert (member.mobile, member.joined_on) == ("13700137000", datetime.date(2025, 2, 1))
    assert (member.employer_name, member.education) == ("东城机械厂", "college")
    assert member.updated_at > former.updated_at
    card = MemberCard.objects.get(member=member, revoked_on__isnull=True)
    assert card.union == tree["g1"] and card != old_card
    assert set(MemberEvent.objects.filter(member=member).values_list("kind", flat=True)) == {"joined", "card_issued"}
    assert record.rows.get().member == member


# --- people outside the clerk's scope: reached by ID number and name, never by ID number alone ------
NOT_HERE = "This ID number cannot be imported here. Check the number and the name with the person"


@pytest.fixture
def left_elsewhere(tree):
    """A former member of another district, with what that district knows of them: a political
    status, an employer, a confidential end reason, and the staff who recorded their history."""
    their_clerk = staff(R.UNION_CLERK, tree["g2"], name="西城办事员")
    former = make_member(
        tree["g2"], name="王五", employer_name="西城食品公司", political_status="cpc_member", ethnicity="回族"
    )
    card_issue(member=former, by=their_clerk)
    MemberEvent.objects.create(member=former, kind=MemberEvent.Kind.JOINED, to_union=tree["g2"], by=their_clerk)
    services.member_update(member=former, by=their_clerk, mobile="13600136000")
    services.member_end(
        member=former, by=their_clerk, status=Member.Status.LEFT, on=datetime.date(2024, 1, 1), reason="违纪被除名"
    )
    former.refresh_from_db()
    return former


OUTSIDE = {
    "former_member_under_another_name": lambda tree: make_member(
        tree["g2"], name="赵六", status=Member.Status.LEFT, ended_on=datetime.date(2024, 1, 1), end_reason="违纪被除名"
    ),
    "deceased_member": lambda tree: make_member(tree["g2"], name="王五", status=Member.Status.DECEASED),
    "deceased_member_under_another_name": lambda tree: make_member(
        tree["g2"], name="赵六", status=Member.Status.DECEASED
    ),
    "active_member_under_another_name": lambda tree: make_member(tree["g3"], name="赵六"),
}


@pytest.mark.parametrize("person", OUTSIDE.values(), ids=OUTSIDE.keys())
def test_an_id_number_alone_reaches_nobody_outside_scope(tree, clerk, person):
    # given someone outside the clerk's scope whom the row names by ID number only
    theirs = person(tree)
    before = member_state()

    # when the clerk imports a row with that number, the name 王五 and a mobile of their own
    record = import_file(clerk, tree["g1"], xlsx_bytes([row("王五", theirs.reveal_id_number(), "13700137000")]))

    # then the row is left out with the one neutral message, nothing is written, and neither the
    # row nor the page says who the number belongs to, where, or what became of them
    assert (record.status, record.new_count, record.transfer_count, record.error_count) == (S.DONE, 0, 0, 1)
    (left,) = record.rows.all()
    assert left.message.startswith(NOT_HERE) and left.member_id is None
    assert member_state() == before
    page = text(client_for(clerk).get(reverse("members:roster_import_detail", args=[record.pk])))
    for secret in ("赵六", theirs.union.name, "recorded as deceased", "违纪被除名", "request a transfer"):
        assert secret not in page


def test_the_neutral_message_is_the_same_for_every_person_it_hides(tree, clerk):
    people_ = [make(tree) for make in OUTSIDE.values()]
    content = xlsx_bytes([row("王五", p.reveal_id_number(), "13700137000") for p in people_])

    record = import_file(clerk, tree["g1"], content)

    assert len(set(left_out(record).values())) == 1


def test_the_neutral_message_and_the_hidden_history_speak_chinese(tree, clerk, left_elsewhere):
    dead = make_member(tree["g2"], name="赵六", status=Member.Status.DECEASED)
    rows = [row("王五", dead.reveal_id_number()), row("王五", left_elsewhere.reveal_id_number())]
    with translation.override("zh-hans"):
        record = start_import(clerk, tree["g1"], xlsx_bytes(rows))
    assert left_out(record)[2].startswith("该身份证号码不能在此导入。")
    confirm_import(record, clerk, MODE.VALID_ONLY)

    page = text(client_for(clerk, english=False).get(reverse("members:member_detail", args=[left_elsewhere.pk])))

    assert "在您所辖范围以外的工会" in page


def test_former_member_of_another_district_rejoins_only_with_their_name_and_the_rows_values(
    tree, clerk, left_elsewhere
):
    # given a row naming the former member of another district by number and name, leaving the
    # political status, employer and ethnicity blank
    cells = row(" 王　五", left_elsewhere.reveal_id_number(), "13700137000", political="", ethnicity="", education="")

    # when the clerk imports it
    record = import_file(clerk, tree["g1"], xlsx_bytes([cells]))

    # then the person rejoins the clerk's union with the row's values and the defaults, nothing else
    assert (record.status, record.new_count, record.error_count) == (S.DONE, 1, 0)
    member = Member.objects.get(pk=left_elsewhere.pk)
    assert (member.status, member.union, member.end_reason, member.ended_on) == ("active", tree["g1"], "", None)
    assert (member.mobile, member.political_status, member.employer_name) == ("13700137000", "none", "")
    assert (member.ethnicity, member.education) == ("汉族", "")


def test_the_rejoined_members_history_shows_nothing_of_the_other_district(tree, clerk, left_elsewhere):
    cells = row("王五", left_elsewhere.reveal_id_number(), "13700137000")
    import_file(clerk, tree["g1"], xlsx_bytes([cells]))

    page = text(client_for(clerk).get(reverse("members:member_detail", args=[left_elsewhere.pk])))

    history = page[page.index('id="history-heading"') :]
    for secret in (tree["g2"].name, "西城办事员", "违纪被除名"):
        assert secret not in history
    # the events themselves are there, their kinds and times: the member left, and joined again here
    assert history.count("In a union outside your area") >= 4
    assert tree["g1"].name in history and "Left" in history and "Details edited" in history


def test_history_inside_the_scope_is_shown_in_full(tree, district_clerk):
    # A member who left one union of the district and joins another: the district sees it all.
    g4 = make_child(tree["s1"], Union.Kind.GRASSROOTS_UNION, "东城电子厂工会")
    their_clerk = staff(R.UNION_CLERK, tree["g1"], name="东城办事员")
    former = make_member(tree["g1"], name="王五")
    services.member_end(
        member=former, by=their_clerk, status=Member.Status.LEFT, on=datetime.date(2024, 1, 1), reason="离职"
    )
    import_file(district_clerk, tree["d1"], xlsx_bytes([row("李四", former.reveal_id_number(), union=g4.name)]))

    page = text(client_for(district_clerk).get(reverse("members:member_detail", args=[former.pk])))

    history = page[page.index('id="history-heading"') :]
    assert tree["g1"].name in history and "东城办事员" in history and "离职" in history
    assert "In a union outside your area" not in history


# --- cards ----------------------------------------------------------------------------------------
def test_cards_are_numbered_consecutively_per_union_after_the_cards_issued_before(unions, district_clerk):
    g1, g4 = unions["g1"], unions["g4"]
    earlier = card_issue(member=make_member(g1), by=None)
    content = xlsx_bytes(
        [
            row("甲", id_number(), union=g1.name),
            row("乙", id_number(), union=g4.name),
            row("丙", id_number(), union=g1.name),
            row("丁", id_number(), union=g1.name),
        ]
    )

    record = import_file(district_clerk, unions["d1"], content)

    assert record.new_count == 4
    numbers = dict(MemberCard.objects.exclude(pk=earlier.pk).values_list("member__name", "number"))
    assert earlier.number == f"{g1.pk:06d}-000001"
    assert numbers == {
        "甲": f"{g1.pk:06d}-000002",
        "丙": f"{g1.pk:06d}-000003",
        "丁": f"{g1.pk:06d}-000004",
        "乙": f"{g4.pk:06d}-000001",
    }
    assert Union.objects.get(pk=g1.pk).card_sequence == 4
    # A card issued afterwards, one at a time, continues the same sequence.
    assert card_issue(member=make_member(g1), by=None).number == f"{g1.pk:06d}-000005"


# --- the row records ------------------------------------------------------------------------------
def test_import_keeps_a_row_record_for_everything_it_created_changed_or_left_out(tree, clerk):
    updated = make_member(tree["g1"], name="王五", mobile="13900139000")
    unchanged = make_member(tree["g1"], name="赵六", mobile="13600136000")
    elsewhere = make_member(tree["g2"], name="孙七")
    new_number = id_number()
    content = xlsx_bytes(
        [
            row("张三", new_number),
            row("王五", updated.reveal_id_number(), "13700137000"),
            row("赵六", unchanged.reveal_id_number(), "13600136000"),
            row("孙七", elsewhere.reveal_id_number()),
            row("周八", "123"),
        ]
    )

    record = import_file(clerk, tree["g1"], content)

    counts = (record.rows_total, record.new_count, record.updated_count, record.unchanged_count)
    assert counts + (record.transfer_count, record.error_count) == (5, 1, 1, 1, 1, 1)
    created = Member.objects.get(id_hash=pii.id_hash(new_number))
    assert list(record.rows.values_list("row_number", "outcome", "name", "member")) == [
        (2, OUT.NEW, "张三", created.pk),
        (3, OUT.UPDATED, "王五", updated.pk),
        (5, OUT.TRANSFER, "孙七", elsewhere.pk),
        (6, OUT.ERROR, "周八", None),
    ]
    assert record.rows.get(row_number=2).id_masked == created.id_masked
    assert record.rows.get(row_number=6).message.startswith("A resident ID number has 18 characters")


# --- cancel ---------------------------------------------------------------------------------------
def test_import_cancelled_midway_leaves_no_partial_batch(tree, clerk, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 100)
    content = xlsx_bytes([row("会员", number, mobile) for number, mobile in people(3000)])
    record = start_import(clerk, tree["g1"], content)
    assert record.new_count == 3000
    before = member_state()
    written_when_cancelled = []
    check = importing._check_cancel

    def clerk_cancels_after_the_first_batch(pk, **kwargs):
        if not written_when_cancelled and (written := Member.objects.count()):
            written_when_cancelled.append(written)
            service.import_cancel(record=record, by=clerk)
        check(pk, **kwargs)

    monkeypatch.setattr(importing, "_check_cancel", clerk_cancels_after_the_first_batch)
    record = confirm_import(record, clerk, MODE.VALID_ONLY)

    assert written_when_cancelled == [100]  # a batch was in the transaction when the cancel came
    assert record.status == S.CANCELLED
    assert member_state() == before
    assert not record.rows.filter(outcome__in=[OUT.NEW, OUT.UPDATED]).exists()


def test_dry_run_cancelled_midway_stops(tree, clerk, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 10)
    record = service.import_start(
        user=clerk,
        union=tree["g1"],
        upload=upload(xlsx_bytes([row("会员", n, m) for n, m in people(50)])),
    )
    service.import_cancel(record=record, by=clerk)

    assert service.import_check(record.pk).status == S.CANCELLED
    assert not record.rows.exists() and not Member.objects.exists()


def test_cancel_that_comes_as_the_dry_run_finishes_is_not_lost(tree, clerk, monkeypatch):
    record = service.import_start(user=clerk, union=tree["g1"], upload=upload(xlsx_bytes([row("张三", id_number())])))
    finish = importing._finish

    def clerk_cancels_once_the_rows_are_read(*args, **kwargs):
        evaluation = finish(*args, **kwargs)
        service.import_cancel(record=record, by=clerk)
        return evaluation

    monkeypatch.setattr(importing, "_finish", clerk_cancels_once_the_rows_are_read)
    service.import_check(record.pk)

    record.refresh_from_db()
    assert record.status == S.CANCELLED  # not "checked", waiting for a confirmation nobody wants
    with pytest.raises(ValidationError, match="not waiting for confirmation"):
        service.import_confirm(record=record, by=clerk, mode=MODE.VALID_ONLY)


@pytest.fixture
def eager_jobs():
    """The jobs run when the transaction that queued them commits, in the thread that committed it."""
    from unionportal.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancel_from_another_connection_rolls_back_and_readers_never_see_half(tree, monkeypatch, eager_jobs):
    """The real thing: the job runs in its own thread and connection; the clerk cancels from another."""
    clerk = staff(R.UNION_CLERK, tree["g1"])
    monkeypatch.setattr(importing, "BATCH", 100)
    record = start_import(clerk, tree["g1"], xlsx_bytes([row("会员", n, m) for n, m in people(1000)]))
    assert record.status == S.CHECKED and record.new_count == 1000
    batch_written, cancelled, outcome = threading.Event(), threading.Event(), {}
    set_progress = importing.set_progress

    def pause_after_the_first_batch(pk, phase, done, total):
        set_progress(pk, phase, done, total)
        if phase == "import" and not batch_written.is_set() and Member.objects.exists():
            batch_written.set()
            assert cancelled.wait(30)

    def job():
        try:
            service.import_confirm(record=record, by=clerk, mode=MODE.VALID_ONLY)  # runs the import on commit
        except Exception as exc:  # noqa: BLE001 - a thread cannot raise into the test: reported below
            outcome["error"] = exc
        finally:
            connections.close_all()

    monkeypatch.setattr(importing, "set_progress", pause_after_the_first_batch)
    worker = threading.Thread(target=job)
    worker.start()
    try:
        assert batch_written.wait(60)
        # A batch is written inside the import's transaction: nobody else sees any of it.
        assert (Member.objects.count(), MemberCard.objects.count(), MemberEvent.objects.count()) == (0, 0, 0)
        service.import_cancel(record=record, by=clerk)
    finally:
        cancelled.set()
        worker.join(60)
    assert not worker.is_alive() and "error" not in outcome, outcome
    record.refresh_from_db()
    assert record.status == S.CANCELLED
    assert (Member.objects.count(), MemberCard.objects.count(), MemberEvent.objects.count()) == (0, 0, 0)


# --- the error file round trip --------------------------------------------------------------------
FIXES = {"手机号码": "13911112222", "政治面貌": "党员", "入会时间": "2023-05-01"}


def _fix_cells(header: list, cells: list, fresh_id: str) -> list:
    fixed = list(cells)
    for index, label in enumerate(header):
        if label == "身份证号码":
            fixed[index] = fresh_id
        elif label in FIXES:
            fixed[index] = FIXES[label]
    return fixed


def _fix_xlsx(content: bytes) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        for cell, value in zip(cells, _fix_cells(header, [c.value for c in cells], id_number()), strict=True):
            cell.value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _fix_csv(content: bytes, encoding: str) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode(encoding), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out).writerows([rows[0], *(_fix_cells(rows[0], cells, id_number()) for cells in rows[1:])])
    return out.getvalue().encode(encoding)


ROUND_TRIPS = {
    "xlsx": (xlsx_bytes, "xlsx", "花名册.xlsx"),
    "xls_comes_back_as_xlsx": (xls_bytes, "xlsx", "花名册.xls"),
    "utf8_csv": (lambda rows: csv_bytes(rows, encoding="utf-8-sig"), "utf-8-sig", "花名册.csv"),
    "gbk_csv": (lambda rows: csv_bytes(rows, encoding="gbk"), "gb18030", "花名册.csv"),
}


@pytest.mark.parametrize(("build", "comes_back_as", "name"), ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_error_file_round_trips_fixed_rows_import_cleanly(tree, clerk, build, comes_back_as, name):
    # given a roster with one good row and three bad ones, imported as far as it goes
    bad_id = 110105199003041234 if build is xlsx_bytes else "1.10105E+17"
    rows = [
        row("张三", id_number()),
        row("李四", id_number(), "138001380"),
        row("王五", bad_id),
        row("赵六", id_number(), political="外星人", joined="去年"),
    ]
    first = import_file(clerk, tree["g1"], build(rows), name=name)
    assert (first.new_count, first.error_count) == (1, 3)

    # when the clerk downloads the error file, fixes the cells and uploads it
    out = io.BytesIO()
    with local_copy(first.file) as path:
        roster = files.open_roster(path)
        extension = files.write_error_file(roster, left_out(first), out, text_columns=importing.text_columns(roster))
    content = out.getvalue()
    if comes_back_as == "xlsx":
        assert extension == "xlsx"
        fixed = _fix_xlsx(content)
    else:
        assert extension == "csv"
        assert content.startswith(b"\xef\xbb\xbf") == (comes_back_as == "utf-8-sig")
        fixed = _fix_csv(content, comes_back_as)
    second = start_import(clerk, tree["g1"], fixed, name=f"花名册-错误.{extension}")

    # then it passes, the error column ignored without a notice
    assert (second.status, second.error_count, second.new_count, second.notices) == (S.CHECKED, 0, 3, [])
    if comes_back_as == "gb18030":
        assert second.encoding == "gb18030"
    second = confirm_import(second, clerk, MODE.ALL_OR_NOTHING)
    assert (second.status, second.new_count) == (S.DONE, 3)
    assert sorted(Member.objects.values_list("name", flat=True)) == ["张三", "李四", "王五", "赵六"]
    assert Member.objects.get(name="李四").mobile == "13911112222"


# --- the clerk's language -------------------------------------------------------------------------
def test_import_in_chinese_gives_its_messages_in_chinese(tree, clerk):
    rows = [row("张三", wrong_check(id_number())), row("李四", id_number(), political="外星人")]
    with translation.override("zh-hans"):
        record = start_import(clerk, tree["g1"], xlsx_bytes(rows))

    assert record.language == "zh-hans"
    messages = left_out(record)
    assert messages[2] == "最后一位校验码与前17位不符，请对照身份证核对。"
    assert "政治面貌" in messages[3] and "中共党员、中共预备党员" in messages[3]


# --- query counts ---------------------------------------------------------------------------------
def _count_queries(job, pk) -> int:
    with CaptureQueriesContext(connection) as queries:
        job(pk)
    return len(queries)


@pytest.mark.parametrize("size", [50, 500])
def test_dry_run_queries_do_not_grow_with_the_rows(tree, clerk, size, django_assert_max_num_queries):
    existing = make_member(tree["g1"])
    rows = [row("会员", number, mobile) for number, mobile in people(size)]
    rows[0] = row("王五", existing.reveal_id_number(), "13700137000")
    rows[1] = row("错误", "123")
    record = service.import_start(user=clerk, union=tree["g1"], upload=upload(xlsx_bytes(rows)))

    # 13: the check's own, two for the fingerprint of the rows it keeps for the import, and one to
    # record the error file it makes.
    with django_assert_max_num_queries(13):
        service.import_check(record.pk)

    record.refresh_from_db()
    assert (record.new_count, record.updated_count, record.error_count) == (size - 2, 1, 1)


@pytest.mark.postgres
def test_import_queries_do_not_grow_with_the_rows(tree, clerk):
    # SQLite splits bulk statements by its limit on variables, so the count is stable on PostgreSQL only.
    counts = {}
    for size, start in ((50, 0), (500, 1000)):
        existing = make_member(tree["g1"])
        rows = [row("会员", number, mobile) for number, mobile in people(size, start=start)]
        rows[0] = row("王五", existing.reveal_id_number(), "13700137000")
        rows[1] = row("错误", "123")
        record = start_import(clerk, tree["g1"], xlsx_bytes(rows))
        service.import_confirm(record=record, by=clerk, mode=MODE.VALID_ONLY)
        counts[size] = _count_queries(service.import_execute, record.pk)
        record.refresh_from_db()
        assert (record.status, record.new_count, record.updated_count) == (S.DONE, size - 2, 1)
    assert counts[50] == counts[500] <= 25, counts


# --- retention ------------------------------------------------------------------------------------
def test_uploaded_files_are_deleted_after_the_retention_time_and_the_record_stays(tree, clerk, settings):
    from django_celery_beat.models import PeriodicTask

    from members.tasks import roster_files_purge

    settings.ROSTER_FILE_RETENTION_DAYS = 30
    old = start_import(clerk, tree["g1"], xlsx_bytes([row("张三", id_number())]))
    recent = start_import(clerk, tree["g1"], xlsx_bytes([row("李四", id_number())]))
    RosterImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    old_path = old.file.path

    assert roster_files_purge() == {"exports": 0, "imports": 1}

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file.name == "" and old.new_count == 1 and old.status == RosterImport.Status.CHECKED
    assert not Path(old_path).exists()
    assert recent.file and Path(recent.file.path).exists()
    # The daily schedule names a task the worker knows.
    assert PeriodicTask.objects.get(name="members: delete expired roster files").task == roster_files_purge.name


# --- the dry run's rows, reused by the import ------------------------------------------------------
def test_the_import_reuses_the_checked_rows_without_reading_the_file_again(tree, clerk, monkeypatch):
    numbers = [id_number(), id_number()]
    record = start_import(clerk, tree["g1"], xlsx_bytes([row("张三", numbers[0]), row("李四", numbers[1])]))

    def no_second_reading(path):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(importing, "open_roster", no_second_reading)
    record = confirm_import(record, clerk, MODE.VALID_ONLY)

    assert (record.status, record.new_count) == (S.DONE, 2)
    assert sorted(Member.objects.values_list("name", flat=True)) == ["张三", "李四"]
    assert cache.get(importing.checked_key(record.pk)) is None  # used once, then gone


def test_the_checked_rows_hold_no_clear_id_number_in_the_cache(tree, clerk):
    number = id_number()
    record = start_import(clerk, tree["g1"], xlsx_bytes([row("张三", number)]))

    kept = cache.get(importing.checked_key(record.pk))

    assert isinstance(kept, bytes) and number.encode() not in kept
    assert not kept.startswith(b"\x80")  # not a bare pickle: Fernet's token


def test_a_union_closed_after_the_check_is_caught_by_reading_the_file_again(unions, district_clerk, monkeypatch):
    from unions.services import union_close

    content = xlsx_bytes(
        [row("张三", id_number(), union="东城机械厂工会"), row("李四", id_number(), union="东城机械厂工会")]
    )
    record = start_import(district_clerk, unions["d1"], content)
    assert record.new_count == 2
    union_close(union=unions["g1"], on=timezone.localdate(), reason="企业注销", by=district_clerk)
    readings = []
    original = importing.open_roster
    monkeypatch.setattr(importing, "open_roster", lambda path: readings.append(path) or original(path))

    record = confirm_import(record, district_clerk, MODE.VALID_ONLY)

    assert readings, "the changed unions should have sent the import back to the file"
    assert (record.new_count, record.error_count) == (0, 2)
    assert not Member.objects.exists()


def test_without_the_checked_rows_the_import_reads_the_file_again(tree, clerk):
    record = start_import(clerk, tree["g1"], xlsx_bytes([row("张三", id_number())]))
    cache.delete(importing.checked_key(record.pk))

    record = confirm_import(record, clerk, MODE.VALID_ONLY)

    assert (record.status, record.new_count) == (S.DONE, 1)


def test_checked_rows_tampered_with_are_not_used(tree, clerk, monkeypatch):
    import pickle

    record = start_import(clerk, tree["g1"], xlsx_bytes([row("张三", id_number())]))
    cache.set(importing.checked_key(record.pk), pickle.dumps(("forged", [], [])))

    record = confirm_import(record, clerk, MODE.VALID_ONLY)

    assert (record.status, record.new_count) == (S.DONE, 1)
