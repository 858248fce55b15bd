"""Money rounding (Excel's ROUND: half away from zero), exact ratios, display formats."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_addin.core.errors import CalcError
from xl_addin.core.numbers import (
    format_percent,
    format_wan,
    ratio,
    round_half_away,
    round_money,
    to_decimal,
)


def excel_round_fen(mantissa: int, exponent: int) -> int:
    """ROUND(mantissa × 10^-exponent, 2) in fen, by integer arithmetic only."""
    unit = 10 ** exponent
    fen, rest = divmod(abs(mantissa) * 100, unit)
    if 2 * rest >= unit:
        fen += 1
    return -fen if mantissa < 0 else fen


@pytest.mark.parametrize(("value", "expected"), [
    (2.675, "2.68"), (1.005, "1.01"), (-2.675, "-2.68"), (0.125, "0.13"),
    (-0.125, "-0.13"), (2.665, "2.67"), (Decimal("0.005"), "0.01"), (Fraction(1, 8), "0.13"),
    (7, "7.00"), ("1.234", "1.23"),
])
def test_round_money_is_excel_round(value, expected):
    assert round_money(value) == Decimal(expected)


def test_round_half_away_other_places():
    assert round_half_away(0.96875, 4) == Decimal("0.9688")
    assert round_half_away(Decimal("-0.5"), 0) == Decimal("-1")


@given(st.integers(-(10**15) + 1, 10**15 - 1), st.integers(0, 6))
def test_round_money_matches_integer_rounding(mantissa, exponent):
    expected = Decimal(excel_round_fen(mantissa, exponent)) / 100
    assert round_money(Decimal(f"{mantissa}e-{exponent}")) == expected
    # a float that a clerk typed (its shortest repr is the typed decimal) rounds the same
    assert round_money(float(f"{mantissa}e-{exponent}")) == expected


@pytest.mark.parametrize("bad", [True, float("nan"), float("inf"), "abc", None, [1]])
def test_to_decimal_refuses_non_numbers(bad):
    with pytest.raises(CalcError) as info:
        to_decimal(bad)
    assert info.value.code == "not_a_number"


def test_ratio_is_exact_and_unrounded():
    assert ratio(62, 64) == Fraction(31, 32)
    assert float(ratio(62, 64)) == 0.96875
    assert ratio(1, 3) == Fraction(1, 3)
    assert ratio(Decimal("0.1"), 3) == Fraction(1, 30)


def test_ratio_zero_denominator():
    with pytest.raises(CalcError) as info:
        ratio(5, 0)
    assert info.value.message() == "分母为0"
    assert info.value.cell_text() == "#值错误: 分母为0"


@pytest.mark.parametrize(("rate", "decimals", "strip", "expected"), [
    (Fraction(62, 64), 2, False, "96.88%"),
    (Fraction(963, 1000), 1, False, "96.3%"),
    (Fraction(98, 100), 1, False, "98.0%"),
    (Fraction(98, 100), 1, True, "98%"),
    (Fraction(1, 8), 1, False, "12.5%"),
    (Fraction(1, 800), 2, False, "0.13%"),
    (Decimal("0.5"), 0, True, "50%"),
])
def test_format_percent(rate, decimals, strip, expected):
    assert format_percent(rate, decimals, strip_zeros=strip) == expected


def test_format_percent_rounds_a_typed_float_like_round_money():
    # BUG: floats go through Fraction(float) (exact binary value 0.026749999…) instead of
    # their typed decimal as to_decimal does, so 2.675% displays as 2.67%, not 2.68%.
    assert format_percent(0.02675, 2) == "2.68%"


@pytest.mark.parametrize(("yuan", "expected"), [
    (418700, "41.87"), (10000, "1"), (15000, "1.5"), (Decimal("1234.5"), "0.12"),
])
def test_format_wan(yuan, expected):
    assert format_wan(yuan) == expected
