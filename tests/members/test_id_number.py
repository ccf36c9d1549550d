"""Resident ID numbers (GB 11643-1999): what is inside them, and that no single typo gets through."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from members.id_number import (
    CHECK_CHARACTERS,
    PROVINCES,
    WEIGHTS,
    IdNumber,
    check_character,
    mask,
    normalise,
    parse,
    upgrade_15,
    validate_id_number,
)

# The example printed in GB 11643-1999 itself: a woman born on 31 December 1949 in Chaoyang, Beijing.
STANDARD_EXAMPLE = "11010519491231002X"
OTHER_CHARACTERS = "0123456789X"

provinces = st.sampled_from(sorted(PROVINCES))
birth_dates = st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2008, 12, 31))


def _build(province: str, area: str, born: datetime.date, sequence: str) -> str:
    body = province + area + born.strftime("%Y%m%d") + sequence
    return body + check_character(body)


valid_ids = st.builds(
    _build,
    provinces,
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    birth_dates,
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


def error_code(value: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        parse(value, **kwargs)
    return info.value.code


def error(value: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse(value, **kwargs)
    return info.value


def test_weights_are_powers_of_two_mod_11():
    # None is 0 mod 11 (and 11 is prime), which is why every single changed digit is caught.
    assert list(WEIGHTS) == [pow(2, 17 - i, 11) for i in range(17)]
    assert sorted(CHECK_CHARACTERS) == sorted(OTHER_CHARACTERS)


def test_check_character_of_the_standards_example():
    # 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3 + 1*7 + 2*9 + 3*10 + 1*5 + 0*8 + 0*4 + 2*2
    # = 167 = 15 * 11 + 2, and "10X98765432"[2] is X.
    assert check_character(STANDARD_EXAMPLE[:17]) == "X"
    number = parse(STANDARD_EXAMPLE)
    assert number == IdNumber(STANDARD_EXAMPLE, datetime.date(1949, 12, 31), "F", upgraded_from_15=False)


@given(provinces, birth_dates, st.text(alphabet="0123456789", min_size=3, max_size=3))
def test_every_generated_valid_id_passes_with_its_birth_date_and_sex(province, born, sequence):
    value = _build(province, "0105", born, sequence)
    number = parse(value)
    assert number.value == value
    assert number.birth_date == born
    assert number.sex == ("M" if int(sequence[2]) % 2 else "F")
    assert number.upgraded_from_15 is False
    validate_id_number(value)


def _single_changes(value: str):
    for i, original in enumerate(value):
        for replacement in OTHER_CHARACTERS:
            if replacement != original:
                yield value[:i] + replacement + value[i + 1 :]


def _accepted(variants) -> list[str]:
    accepted = []
    for variant in variants:
        try:
            parse(variant)
        except ValidationError:
            continue
        accepted.append(variant)
    return accepted


def test_every_single_character_change_of_the_standards_example_is_rejected():
    variants = list(_single_changes(STANDARD_EXAMPLE))
    assert len(variants) == 18 * 10
    assert _accepted(variants) == []


@given(valid_ids)
def test_every_single_character_change_of_a_valid_id_is_rejected(value):
    # A changed birth-date digit may give an impossible date rather than a wrong check: any error counts.
    assert _accepted(_single_changes(value)) == []


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width, as pasted from a Word document
        "１１０１０５１９４９１２３１００２ｘ",  # full-width lower-case x
        "11010519491231002x",  # lower-case x
        "110105 19491231 002X",  # grouped with spaces
        "110105-19491231-002X",  # grouped with dashes
        "110105　19491231　002Ｘ",  # ideographic spaces
        " 11010519491231002X\t\n",  # stray whitespace from a spreadsheet cell
        "110105－19491231—002X",  # full-width hyphen and an em dash
    ],
)
def test_typed_forms_normalise_to_the_same_number(typed):
    assert normalise(typed) == STANDARD_EXAMPLE
    assert parse(typed).value == STANDARD_EXAMPLE


@given(valid_ids, st.data())
def test_decorated_valid_ids_parse_to_the_same_value(value, data):
    decorated = ""
    for c in value:
        if data.draw(st.booleans()):
            c = chr(ord(c) + 0xFEE0)  # the full-width form of an ASCII digit or letter
        if c in "XＸ" and data.draw(st.booleans()):
            c = c.lower()
        decorated += c + data.draw(st.sampled_from(["", "", " ", "-", "\u3000", "\t"]))
    number = parse(decorated)
    assert number.value == value
    assert parse(number.value) == number  # parsing the stored value changes nothing


def test_normalise_of_empty_and_none_is_empty():
    assert normalise("") == ""
    assert normalise(None) == ""


def test_15_digit_number_is_upgraded():
    # 440106 800307 213 -> 440106 19800307 213 + check. Weighted sum of 44010619800307213:
    # 4*7 + 4*9 + 0*10 + 1*5 + 0*8 + 6*4 + 1*2 + 9*1 + 8*6 + 0*3 + 0*7 + 3*9 + 0*10 + 7*5 + 2*8 + 1*4 + 3*2
    # = 240 = 21 * 11 + 9, and "10X98765432"[9] is 3.
    assert upgrade_15("440106800307213") == "440106198003072133"
    number = parse("440106 800307 213")
    assert number == IdNumber("440106198003072133", datetime.date(1980, 3, 7), "M", upgraded_from_15=True)
    assert parse(number.value).upgraded_from_15 is False


@given(valid_ids.filter(lambda v: v[6:8] == "19"))
def test_a_20th_century_number_cut_to_15_digits_upgrades_back(value):
    legacy = value[:6] + value[8:17]
    assert upgrade_15(legacy) == value
    assert parse(legacy).value == value


@pytest.mark.parametrize("bad", ["44010680030721", "4401068003072X3", "44010680030721３x"])
def test_upgrade_15_needs_15_digits(bad):
    with pytest.raises(ValueError):
        upgrade_15(bad)


def test_15_characters_that_are_not_all_digits_ask_for_18():
    assert error_code("11010549123100X") == "id_number_length"


@pytest.mark.parametrize("cell", ["1.10105E+17", "1.10105e+17", "1.10105E17", "110105194912310000.0", "1.1E+17"])
def test_excel_scientific_notation_says_format_the_column_as_text(cell):
    exc = error(cell)
    assert exc.code == "id_number_excel"
    assert "formatted as text" in exc.messages[0]


@pytest.mark.parametrize("value", ["", "1101051949123100", "11010519491231002", "11010519491231002X1"])
def test_wrong_length_says_how_many_and_that_18_are_needed(value):
    exc = error(value)
    assert exc.code == "id_number_length"
    assert "18" in exc.messages[0]
    assert f"has {len(value)}." in exc.messages[0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("11010519491231002A", "A"),  # a letter other than X at the end
        ("1101051949123100X2", "X"),  # X anywhere but the end
        ("11010519491Z31002X", "Z"),
        ("110105194912310*2X", "*"),
        ("11010519491231002中", "中"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "١"),  # Arabic-Indic digits: str.isdigit() says yes, NFKC keeps them
    ],
)
def test_characters_that_are_not_digits_have_their_own_message(value, shown):
    exc = error(value)
    assert exc.code == "id_number_chars"
    assert shown in exc.messages[0]


@pytest.mark.parametrize("province", ["00", "99", "10", "16", "20", "47", "70", "72", "80", "84", "90"])
def test_region_codes_that_are_no_province_are_refused(province):
    body = province + "010519491231002"
    exc = error(body + check_character(body))  # a correct check character: only the region is wrong
    assert exc.code == "id_number_region"
    assert province in exc.messages[0]


@pytest.mark.parametrize("province", ["71", "81", "82", "83"])
def test_taiwan_hong_kong_and_macao_codes_are_accepted(province):
    body = province + "000019800101001"
    parse(body + check_character(body))


@pytest.mark.parametrize(
    ("date_digits", "says"),
    [
        ("19490230", "not a real date"),  # 30 February
        ("19491301", "not a real date"),
        ("19490000", "not a real date"),
        ("18991231", "before 1900"),
    ],
)
def test_impossible_birth_dates_are_refused(date_digits, says):
    body = "110105" + date_digits + "002"
    exc = error(body + check_character(body))
    assert exc.code == "id_number_birth_date"
    assert date_digits in exc.messages[0]
    assert says in exc.messages[0]


def test_a_birth_date_in_the_future_is_refused():
    body = "110105" + "20250602" + "002"
    value = body + check_character(body)
    exc = error(value, today=datetime.date(2025, 6, 1))
    assert exc.code == "id_number_birth_date"
    assert "in the future" in exc.messages[0]
    assert parse(value, today=datetime.date(2025, 6, 2)).birth_date == datetime.date(2025, 6, 2)  # born today


def test_1900_01_01_is_the_earliest_birth_date():
    body = "110105" + "19000101" + "002"
    assert parse(body + check_character(body)).birth_date == datetime.date(1900, 1, 1)


def test_wrong_check_character_has_its_own_message():
    exc = error("110105194912310021")
    assert exc.code == "id_number_check"
    assert "X" not in exc.messages[0]  # the message never tells which character would have been right


def test_each_fault_has_its_own_code_and_message():
    future = "110105" + "20990101" + "002"
    faults = [
        "1.10105E+17",
        "11010519491231002",
        "11010519491231002A",
        "990105194912310020",
        future + check_character(future),
        "110105194912310021",
    ]
    raised = [error(value, today=datetime.date(2025, 1, 1)) for value in faults]
    assert [e.code for e in raised] == [
        "id_number_excel",
        "id_number_length",
        "id_number_chars",
        "id_number_region",
        "id_number_birth_date",
        "id_number_check",
    ]
    assert len({e.messages[0] for e in raised}) == len(faults)


def test_masked_shows_region_and_last_four_only():
    assert parse(STANDARD_EXAMPLE).masked == "110105********002X"
    assert mask("110105198003072133") == "110105********2133"
    assert mask("") == ""
    assert mask(None) == ""
    assert mask("1101058003072") == "*" * 18  # not a stored 18-character number: reveal nothing


@given(valid_ids)
def test_masked_keeps_the_length_and_hides_the_birth_date(value):
    masked = parse(value).masked
    assert len(masked) == 18
    assert masked[:6] == value[:6] and masked[-4:] == value[-4:]
    assert masked[6:14] == "*" * 8


def test_validate_id_number_is_a_field_validator():
    assert validate_id_number(STANDARD_EXAMPLE) is None
    with pytest.raises(ValidationError):
        validate_id_number("110105194912310021")


def test_id_number_is_frozen():
    number = parse(STANDARD_EXAMPLE)
    with pytest.raises(AttributeError):
        number.value = "110105198003072133"
