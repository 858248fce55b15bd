"""Rates: exact fractions, rounded only for display."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from .errors import CalcError
from .normalize import is_blank, parse_yes_no
from .numbers import Number, ratio


def rate(numerator: Number, denominator: Number) -> Fraction:
    """numerator / denominator, refusing negative counts and a zero denominator."""
    if numerator < 0:
        raise CalcError("negative", value=numerator)
    if denominator < 0:
        raise CalcError("negative", value=denominator)
    return ratio(numerator, denominator)


def resumption_rate(flags: Iterable[object]) -> Fraction:
    """Share of 是 among the non-blank 是/否 cells (开复工率)."""
    answers = [parse_yes_no(flag) for flag in flags if not is_blank(flag)]
    if not answers:
        raise CalcError("zero_denominator")
    return Fraction(sum(answers), len(answers))
