"""Exact money and rate arithmetic.

Money is ``Decimal`` rounded half away from zero (Excel's ``ROUND``); rates are
exact ``Fraction`` values, rounded only when displayed.
"""

from __future__ import annotations

import numbers
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from .errors import CalcError

Number = int | float | Decimal | Fraction


def to_decimal(value: object) -> Decimal:
    """Convert a number to an exact Decimal.

    Floats go through their shortest ``repr`` so that the float ``2.675`` becomes
    ``Decimal("2.675")``, which is what a clerk typed and what Excel rounds.
    """
    if isinstance(value, bool):
        raise CalcError("not_a_number", value=value)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CalcError("not_a_number", value=value)
        return Decimal(repr(float(value)))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, numbers.Integral):  # numpy and pandas integers
        return Decimal(int(value))
    if isinstance(value, numbers.Real):  # numpy floats
        return to_decimal(float(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise CalcError("not_a_number", value=value) from exc
    raise CalcError("not_a_number", value=value)


def round_half_away(value: Number, places: int = 2) -> Decimal:
    """Round half away from zero to ``places`` decimals, like Excel's ROUND."""
    quantum = Decimal(1).scaleb(-places)
    try:
        return to_decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than the decimal context holds
        raise CalcError("too_large", value=value) from exc


def round_money(value: Number) -> Decimal:
    """Round an amount in 元 to the fen."""
    return round_half_away(value, 2)


def ratio(numerator: Number, denominator: Number) -> Fraction:
    """The exact fraction numerator / denominator; a zero denominator is an error."""
    num = Fraction(to_decimal(numerator))
    den = Fraction(to_decimal(denominator))
    if den == 0:
        raise CalcError("zero_denominator")
    return num / den


def format_percent(rate: Fraction | Decimal | float, decimals: int, *, strip_zeros: bool = False
                   ) -> str:
    """Format a rate as a percentage string, rounded half away from zero.

    ``format_percent(Fraction(62, 64), 2) == "96.88%"``; with ``strip_zeros`` the
    trailing zeros go, as bulletins print them (``98.0%`` → ``98%``).
    """
    pct = (rate if isinstance(rate, Fraction) else Fraction(to_decimal(rate))) * 100
    text = str(round_half_away(pct, decimals))
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def format_wan(amount_yuan: Number, decimals: int = 2, *, strip_zeros: bool = True) -> str:
    """An amount in 元 expressed in 万元 (418700 → "41.87")."""
    text = str(round_half_away(to_decimal(amount_yuan) / Decimal(10000), decimals))
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
