"""LPR, interest saving and guarantee fees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .errors import CalcError
from .numbers import round_money
from .policy import Policy

TERMS = {"1Y": "one_year", "5Y": "five_year"}


def lpr(policy: Policy, on: dt.date, term: str = "1Y") -> Decimal:
    """The LPR in force on ``on``: the latest fixing on or before that date."""
    key = term.strip().upper()
    if key not in TERMS:
        raise CalcError("unknown_term", value=term)
    in_force = None
    fixings = policy.parameter("LPR")
    if on > fixings.valid_to:
        raise CalcError("policy_no_version", key="LPR", date=on.isoformat())
    for fixing in fixings.value:
        if fixing.date <= on:
            in_force = fixing
    if in_force is None:
        raise CalcError("no_lpr", date=on.isoformat())
    return getattr(in_force, TERMS[key])


def interest_saving(amount: Decimal, rate: Decimal, lpr_rate: Decimal,
                    months: Decimal = Decimal(12)) -> Decimal:
    """节约利息 = amount × (LPR − rate) × months / 12, rounded to the fen (in the amount's
    own unit)."""
    if amount < 0:
        raise CalcError("negative", value=amount)
    if months < 0:
        raise CalcError("negative", value=months)
    return round_money(amount * (lpr_rate - rate) * months / 12)


def guarantee_fee(amount: Decimal, fee_rate: Decimal) -> Decimal:
    """担保费 = amount × rate, rounded to the fen."""
    if amount < 0:
        raise CalcError("negative", value=amount)
    if not 0 <= fee_rate <= 1:
        raise CalcError("rate_range", value=fee_rate)
    return round_money(amount * fee_rate)
