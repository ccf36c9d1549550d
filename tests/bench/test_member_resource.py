"""The plain django-import-export resource: scoped reads, scoped lookups, derived ID fields."""

import datetime

import pytest
import tablib
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from bench.member_resource import MemberResource
from members import pii
from members.id_number import parse
from members.models import Member
from unions.models import Role

from ..factories import id_number, staff
from ..members.rosters import HEADER, row

R = Role.Kind


def dataset(*rows, header=HEADER) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=list(header))


def make_member(union, name="王小红", number=None, **fields) -> Member:
    member = Member(union=union, name=name, mobile="13900139000", joined_on=datetime.date(2020, 1, 1), **fields)
    member.set_id_number(parse(number or id_number()))
    member.save()
    return member


def messages(result) -> str:
    return " ".join(
        str(message) for invalid in result.invalid_rows for errors in invalid.error_dict.values() for message in errors
    ) + " ".join(str(error.error) for _number, errors in result.row_errors() for error in errors)


@pytest.fixture
def d1_staff(tree):
    return staff(R.FEDERATION_STAFF, tree["d1"])


def test_import_creates_the_member_with_what_the_id_number_tells(tree, d1_staff):
    number = id_number(born=datetime.date(1990, 3, 4))
    data = dataset(row("张三", number, union="东城机械厂工会", political="党员", education="大专", joined="2021/5/1"))

    result = MemberResource(user=d1_staff).import_data(data, dry_run=False, use_transactions=True)

    assert not result.has_errors() and not result.has_validation_errors(), messages(result)
    member = Member.objects.get()
    assert member.union == tree["g1"]
    assert member.id_hash == pii.id_hash(number)
    assert pii.decrypt(member.id_encrypted) == number
    assert member.id_masked == number[:6] + "********" + number[-4:]
    assert member.birth_date == datetime.date(1990, 3, 4)
    assert member.sex == parse(number).sex
    assert (member.political_status, member.education) == ("cpc_member", "college")
    assert member.joined_on == datetime.date(2021, 5, 1)


def test_row_naming_another_districts_union_is_an_error_and_changes_nothing(tree, d1_staff):
    data = dataset(row("张三", id_number(), union="西城食品公司工会"))

    result = MemberResource(user=d1_staff).import_data(
        data, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert result.has_validation_errors()
    assert "No open grassroots or joint union “西城食品公司工会”" in messages(result)
    assert Member.objects.count() == 0
    assert tree["g2"].members.count() == 0


def test_row_naming_another_districts_member_changes_nothing(tree, d1_staff):
    # given: the ID is a member of a union in the other district
    number = id_number()
    other = make_member(tree["g2"], name="王小红", number=number)

    # when: a d1 file names that ID, with another name, in a d1 union
    data = dataset(row("冒名者", number, "13700137000", union="东城机械厂工会"))
    result = MemberResource(user=d1_staff).import_data(data, dry_run=False, use_transactions=True)

    # then: the scoped lookup does not find the member, and the unique hash refuses a second record
    assert result.has_validation_errors() or result.has_errors()
    other.refresh_from_db()
    assert (other.union_id, other.name, other.mobile) == (tree["g2"].pk, "王小红", "13900139000")
    assert Member.objects.count() == 1


def test_a_hash_column_in_the_file_is_ignored(tree, d1_staff):
    # given: a member in scope, and a file that supplies that member's hash next to another ID number
    existing = make_member(tree["g1"], name="李小明")
    header = [*HEADER, "id_hash"]
    data = dataset([*row("张三", id_number(), union="东城机械厂工会"), existing.id_hash], header=header)

    result = MemberResource(user=d1_staff).import_data(data, dry_run=False, use_transactions=True)

    # then: the hash comes from the row's own ID number: a new member, the existing one untouched
    assert not result.has_errors() and not result.has_validation_errors(), messages(result)
    existing.refresh_from_db()
    assert existing.name == "李小明"
    assert Member.objects.count() == 2


def test_an_active_member_is_not_moved_between_unions_by_a_file(tree):
    city_admin = staff(R.CITY_ADMIN, tree["city"])
    number = id_number()
    member = make_member(tree["g1"], name="李小明", number=number)

    data = dataset(row("李小明", number, union="西城食品公司工会"))
    result = MemberResource(user=city_admin).import_data(
        data, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )

    assert "request a transfer" in messages(result)
    member.refresh_from_db()
    assert member.union == tree["g1"]


def test_a_bad_id_number_is_a_row_error(tree, d1_staff):
    data = dataset(row("张三", "110105199003041234", union="东城机械厂工会"))

    result = MemberResource(user=d1_staff).import_data(data, dry_run=False, use_transactions=True)

    assert "does not match the rest of the number" in messages(result)
    assert Member.objects.count() == 0


def test_scoped_export_holds_only_the_subtree(tree, d1_staff):
    mine = make_member(tree["g1"], name="李小明")
    make_member(tree["g2"], name="王小红")

    exported = MemberResource(user=d1_staff).export()
    # a queryset handed in is narrowed to the subtree as well
    handed = MemberResource(user=d1_staff).export(queryset=Member.objects.all())

    for data in (exported, handed):
        assert data.headers[:4] == ["姓名", "性别", "身份证号码", "手机号码"]
        assert [r[0] for r in data] == ["李小明"]
        assert data[0][2] == mine.id_masked
        assert data[0][3] == "139****9000"
        assert data[0][data.headers.index("所属工会")] == "东城机械厂工会"
        assert not {"id_hash", "id_encrypted", "id_masked", "sex", "birth_date"} & set(data.headers)


def test_export_by_union_holds_only_that_union(tree):
    make_member(tree["g1"], name="李小明")
    make_member(tree["g3"], name="赵老师")

    data = MemberResource(union=tree["ind"]).export()

    assert [r[0] for r in data] == ["赵老师"]


def test_formula_cells_are_exported_as_text(tree, d1_staff):
    make_member(tree["g1"], name='=HYPERLINK("http://x")', employer_name="@SUM(A1)")

    data = MemberResource(user=d1_staff).export()

    assert data[0][0] == '\'=HYPERLINK("http://x")'
    assert data[0][data.headers.index("工作单位")] == "'@SUM(A1)"


def test_the_resource_is_never_unscoped(tree, d1_staff):
    with pytest.raises(ImproperlyConfigured):
        MemberResource()
    with pytest.raises(PermissionDenied):
        MemberResource(user=d1_staff, union=tree["d2"])
