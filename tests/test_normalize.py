"""Normalising what clerks type: numbers, dates, months, 是/否, codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_addin.core.errors import CalcError
from xl_addin.core.normalize import (
    clean_text,
    is_blank,
    normalize_code,
    parse_count,
    parse_date,
    parse_month,
    parse_number,
    parse_optional_date,
    parse_yes_no,
)

EPOCH = dt.date(1899, 12, 30)  # Excel 1900 system, valid for serials after 1900-02-28


def serial(day: dt.date) -> int:
    return (day - EPOCH).days


@pytest.mark.parametrize(("typed", "expected"), [
    ("１２３", "123"), ("1,234", "1234"), (" 12 ", "12"), ("96.3%", "0.963"),
    ("１，２３４．５", "1234.5"), ("９６．３％", "0.963"), ("-3", "-3"),
    ("1,234,567.8", "1234567.8"), (".5", "0.5"), (12, "12"), (2.5, "2.5"),
])
def test_parse_number_accepts_clerk_forms(typed, expected):
    assert parse_number(typed) == Decimal(expected)


@pytest.mark.parametrize("bad", ["abc", "", "  ", None, True, "1,23", "12a", "1.2.3",
                                 float("nan"), "%"])
def test_parse_number_refuses(bad):
    with pytest.raises(CalcError) as info:
        parse_number(bad)
    assert info.value.code == "not_a_number"


def test_parse_count():
    assert parse_count(" 12 ") == 12
    assert parse_count("1,000") == 1000
    assert parse_count(30.0) == 30
    with pytest.raises(CalcError, match="whole number"):
        parse_count("2.5")
    with pytest.raises(CalcError, match="negative"):
        parse_count(-1)


@pytest.mark.parametrize("typed", [
    "2020年2月3日", "2020.2.3", "2020/2/3", "2020-02-03", " 2020-02-03 ", "２０２０年２月３日",
    "20200203", "2020-02-03 08:30", dt.date(2020, 2, 3), dt.datetime(2020, 2, 3, 17, 45),
])
def test_parse_date_forms(typed):
    assert parse_date(typed) == dt.date(2020, 2, 3)


def test_excel_serial_is_days_since_1899_12_30():
    assert serial(dt.date(2020, 2, 3)) == 43864  # independent of the code under test
    for typed in (43864, 43864.0, 43864.75, "43864", Decimal(43864)):
        assert parse_date(typed) == dt.date(2020, 2, 3)


def test_excel_serials_before_the_phantom_leap_day():
    # Excel counts a non-existent 1900-02-29 as serial 60: serial 1 is 1900-01-01
    assert parse_date(1) == dt.date(1900, 1, 1)
    assert parse_date(59) == dt.date(1900, 2, 28)
    assert parse_date(61) == dt.date(1900, 3, 1)


@given(st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)))
def test_serial_round_trip(day):
    assert parse_date(serial(day)) == day


@pytest.mark.parametrize("bad", ["2020-02-30", "2019年2月29日", "abc", "", None, True, 0, 60,
                                 -5, 3_000_000, "2020-13-01"])
def test_parse_date_refuses(bad):
    with pytest.raises(CalcError) as info:
        parse_date(bad)
    assert info.value.code == "not_a_date"


def test_parse_optional_date():
    assert parse_optional_date(None) is None
    assert parse_optional_date("  ") is None
    assert parse_optional_date("2020/2/3") == dt.date(2020, 2, 3)


@pytest.mark.parametrize("typed", ["2020-02", "2020年2月", "2020.2", "2020/02", " 2020-2 ",
                                   "2020-02-15", dt.date(2020, 2, 29), 43864])
def test_parse_month(typed):
    assert parse_month(typed) == (2020, 2)


@pytest.mark.parametrize("bad", ["2020-13", "2020-00", "二月", "", None])
def test_parse_month_refuses(bad):
    with pytest.raises(CalcError) as info:
        parse_month(bad)
    assert info.value.code == "not_a_month"


@pytest.mark.parametrize(("typed", "expected"), [
    ("是", True), (" 是 ", True), ("否", False), ("　否　", False), ("TRUE", True),
    ("true", True), ("FALSE", False), (True, True), (False, False), ("Ｙ", True),
])
def test_parse_yes_no(typed, expected):
    assert parse_yes_no(typed) is expected


@pytest.mark.parametrize("bad", ["可能", "", None, "是否"])
def test_parse_yes_no_refuses(bad):
    with pytest.raises(CalcError) as info:
        parse_yes_no(bad)
    assert info.value.message().startswith("应为 是/否")


def test_text_helpers():
    assert clean_text(None) == ""
    assert clean_text("　ＡＢＣ１２３　") == "ABC123"
    assert normalize_code(" 9135 0100m000 100y43 ") == "91350100M000100Y43"
    assert normalize_code("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"
    assert is_blank(None) and is_blank("") and is_blank(" 　")
    assert not is_blank(0) and not is_blank("否")
