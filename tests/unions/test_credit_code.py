"""Unified social credit codes (GB 32100-2015): the check character catches every single typo."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from unions.credit_code import ALPHABET, WEIGHTS, check_character, normalise, validate_credit_code

# Codes printed on real business licences, checked by hand against the standard's weights.
PUBLISHED_CODES = [
    "91350100M000100Y43",  # the worked example used in explanations of GB 32100-2015
    "914403001922038216",  # Huawei Technologies Co., Ltd.
    "9144030071526726XG",  # Shenzhen Tencent Computer Systems Co., Ltd.
    "91110108551385082Q",  # Beijing Xiaomi Technology Co., Ltd.
]

# Characters that look like code characters but are never used, and lower case that must not be
# read as a *different* valid character once normalised (i -> I is still invalid).
OUTSIDE_CHARACTERS = ["I", "O", "Z", "S", "V", "i", "o", "z", "s", "v", "-", "*", "中"]

bodies = st.builds(
    lambda authority, region, rest: authority + region + rest,
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)


def error_code(value: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_credit_code(value)
    return info.value.code


def test_alphabet_is_the_31_characters_of_the_standard():
    assert len(ALPHABET) == 31
    assert set(ALPHABET).isdisjoint("IOZSV")
    # Weights are 3^i mod 31; none is a multiple of 31, which is what makes every typo detectable.
    assert list(WEIGHTS) == [pow(3, i, 31) for i in range(17)]


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_are_valid(code):
    validate_credit_code(code)
    assert check_character(code[:17]) == code[17]


def test_check_character_of_a_known_body():
    # 91350100M000100Y4 -> weighted sum 586 = 18 * 31 + 28, so the check value is 31 - 28 = 3.
    assert check_character("91350100M000100Y4") == "3"


def test_check_value_zero_gives_character_zero_not_31():
    # A body whose weighted sum is a multiple of 31 must get "0" (the `% 31` after `31 -`).
    body = "0" * 17
    assert check_character(body) == "0"
    validate_credit_code(body + "0")


@given(bodies)
def test_any_body_with_its_check_character_is_valid(body):
    validate_credit_code(body + check_character(body))


def _single_changes(code: str):
    """Every code that differs from ``code`` in exactly one position."""
    for i, original in enumerate(code):
        for replacement in [*ALPHABET, *OUTSIDE_CHARACTERS]:
            if replacement.upper() != original:
                yield i, code[:i] + replacement + code[i + 1 :]


@pytest.mark.parametrize("code", PUBLISHED_CODES[:1])
def test_every_single_character_change_of_a_valid_code_is_rejected(code):
    changed = list(_single_changes(code))
    # 18 positions x 30 other alphabet characters, plus the characters outside the alphabet.
    assert len(changed) >= 18 * 30
    accepted = []
    for position, variant in changed:
        try:
            validate_credit_code(variant)
        except ValidationError:
            continue
        accepted.append((position, variant))
    assert accepted == []


@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from([*ALPHABET, *OUTSIDE_CHARACTERS]))
def test_a_single_changed_character_of_a_random_valid_code_is_rejected(body, position, replacement):
    code = body + check_character(body)
    if replacement.upper() == code[position]:
        replacement = ALPHABET[(ALPHABET.index(code[position]) + 1) % 31]
    variant = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(variant)


# Swapping into the check position itself is not always caught, so only swaps inside the body.
@given(bodies, st.integers(min_value=0, max_value=15))
def test_swapping_two_neighbouring_different_characters_is_rejected(body, position):
    code = body + check_character(body)
    a, b = code[position], code[position + 1]
    if a == b:
        return
    swapped = code[:position] + b + a + code[position + 2 :]
    with pytest.raises(ValidationError):
        validate_credit_code(swapped)


@pytest.mark.parametrize(
    "typed",
    [
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width, as pasted from a Word document
        "9135 0100 M000 100Y 43",  # grouped with spaces
        " 91350100M000100Y43\n",  # stray whitespace
        "91350100m000100y43",  # lower case
        "９１３５　０１００ｍ０００１００ｙ４３",  # full-width with an ideographic space
    ],
)
def test_normalised_forms_are_accepted(typed):
    assert normalise(typed) == "91350100M000100Y43"
    validate_credit_code(typed)


def test_normalise_of_empty_and_none_is_empty():
    assert normalise("") == ""
    assert normalise(None) == ""


@pytest.mark.parametrize("code", ["", "9135", "91350100M000100Y4", "91350100M000100Y433"])
def test_wrong_length_has_its_own_message(code):
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == "credit_code_length"
    assert str(len(code)) in info.value.messages[0]


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "中"])
def test_characters_outside_the_alphabet_have_their_own_message(bad):
    code = "91350100M000100Y4" + bad
    with pytest.raises(ValidationError) as info:
        validate_credit_code(code)
    assert info.value.code == "credit_code_chars"
    assert bad in info.value.messages[0]


def test_letters_in_the_region_code_have_their_own_message():
    body = "9135A100M000100Y4"
    code = body + check_character(body)  # a correct check character: only the region is wrong
    assert error_code(code) == "credit_code_region"


def test_wrong_check_character_has_its_own_message():
    assert error_code("91350100M000100Y44") == "credit_code_check"


def test_the_four_messages_are_distinct():
    messages = set()
    for code in [
        "9135",
        "91350100M000100YI3",
        "9135A100M000100Y4" + check_character("9135A100M000100Y4"),
        "0" * 17 + "1",
    ]:
        with pytest.raises(ValidationError) as info:
            validate_credit_code(code)
        messages.add(info.value.messages[0])
    assert len(messages) == 4
