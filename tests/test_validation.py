"""Phone numbers, resident ID numbers and search keys: the rules every entry point relies on."""

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from frontdesk.core.errors import InvalidInput
from frontdesk.core.idnumbers import check_character, mask_id_number, validate_resident_id
from frontdesk.core.phones import format_phone, mask_phone, national_digits, normalise_phone
from frontdesk.core.text import pinyin_keys, search_key, to_simplified

VALID_ID = "11010519491231002X"


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


# --- phones --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, e164",
    [
        ("13800138000", "+8613800138000"),
        ("+86 138-0013-8000", "+8613800138000"),
        (" 138 0013 8000 ", "+8613800138000"),
        ("010-65529988", "+861065529988"),
        ("0755-2123 4567", "+8675521234567"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_normalise_phone_gives_e164(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed", ["12345", "abc", "", "   ", "1380013800", "138001380001"])
def test_normalise_phone_refuses_what_is_not_a_number_and_names_the_field(typed):
    with pytest.raises(InvalidInput) as caught:
        normalise_phone(typed, field="contacts.0.value")
    assert list(caught.value.fields) == ["contacts.0.value"]
    assert caught.value.fields["contacts.0.value"][0]


def test_normalise_phone_message_quotes_the_value_in_english():
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        normalise_phone("12345")
    assert caught.value.fields == {"phone": ["“12345” is not a valid phone number."]}


@pytest.mark.parametrize(
    "e164, shown",
    [
        ("+8613800138000", "138 0013 8000"),
        ("+861065529988", "010 6552 9988"),
        ("+8675521234567", "0755 2123 4567"),
        ("+16502530000", "+1 650-253-0000"),  # foreign numbers keep their country code
    ],
)
def test_format_phone_reads_the_way_a_chinese_user_writes_it(e164, shown):
    assert format_phone(e164) == shown


@pytest.mark.parametrize(
    "e164, masked",
    [
        ("+8613800138000", "138****8000"),
        ("+861065529988", "010****9988"),
        ("+8675521234567", "0755****4567"),
    ],
)
def test_mask_phone_keeps_head_and_last_four(e164, masked):
    assert mask_phone(e164) == masked


def test_foreign_numbers_have_only_digits_in_national_form_and_mask():
    assert national_digits("+16502530000") == "6502530000"
    assert mask_phone("+16502530000") == "650***0000"


# --- resident ID numbers --------------------------------------------------------------------


def test_a_valid_id_number_is_accepted():
    assert validate_resident_id(VALID_ID) == VALID_ID


def test_lowercase_x_is_accepted_and_upper_cased():
    assert validate_resident_id(" 11010519491231002x ") == VALID_ID


@pytest.mark.parametrize(
    "value, reason",
    [
        ("110105194912310021", "check digit"),  # check should be X
        ("11010519491231002", "length"),  # 17 characters
        ("11010519491231002X1", "length"),  # 19 characters
        ("A1010519491231002X", "shape"),
        ("01010519491231002X", "shape"),  # region cannot start with 0
        ("1101051949123100XX", "shape"),
        (with_check("11010519490231002"), "date"),  # 31 February
        (with_check("11010519491301002"), "date"),  # month 13
        (with_check("11010518991231002"), "date"),  # before 1900
    ],
)
def test_invalid_id_numbers_are_refused_with_the_reason(value, reason):
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        validate_resident_id(value)
    (message,) = caught.value.fields["id_number"]
    expected = {
        "check digit": "check digit",
        "length": "18 characters",
        "shape": "18 characters",
        "date": "not a real date",
    }[reason]
    assert expected in message


def test_birth_date_in_the_future_is_refused(clock):
    # The clock stands at 2026-11-23: born today is possible, born tomorrow is not.
    today = with_check("11010520261123001")
    tomorrow = with_check("11010520261124001")
    assert validate_resident_id(today) == today
    with pytest.raises(InvalidInput) as caught:
        validate_resident_id(tomorrow)
    assert "id_number" in caught.value.fields
    clock.move_to(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    assert validate_resident_id(tomorrow) == tomorrow


def test_validate_resident_id_names_the_given_field():
    with pytest.raises(InvalidInput) as caught:
        validate_resident_id("123", field="guest.id_number")
    assert list(caught.value.fields) == ["guest.id_number"]


@pytest.mark.parametrize(
    "value, masked",
    [(VALID_ID, "110***********002X"), ("110105194912310013", "110***********0013"), ("", "")],
)
def test_mask_id_number_keeps_first_three_and_last_four(value, masked):
    assert mask_id_number(value) == masked


@given(
    region=st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31)),
    sequence=st.from_regex(r"[0-9]{3}", fullmatch=True),
)
def test_property_only_the_computed_check_character_validates(region, birth, sequence):
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    right = check_character(first17)
    assert validate_resident_id(first17 + right) == first17 + right
    for wrong in "0123456789X":
        if wrong != right:
            with pytest.raises(InvalidInput):
                validate_resident_id(first17 + wrong)


# --- search keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, keys",
    [
        ("張三", ("zhangsan", "zs")),
        ("张三", ("zhangsan", "zs")),
        ("John Smith", ("johnsmith", "js")),
        ("张伟", ("zhangwei", "zw")),
    ],
)
def test_pinyin_keys(name, keys):
    assert pinyin_keys(name) == keys


@pytest.mark.parametrize(
    "text, key",
    [("投訴 ", "投诉"), ("張 三", "张三"), ("John  Smith", "johnsmith"), ("張偉", "张伟")],
)
def test_search_key_is_simplified_lowercase_without_spaces(text, key):
    assert search_key(text) == key


def test_to_simplified():
    assert to_simplified("陳麗華") == "陈丽华"
