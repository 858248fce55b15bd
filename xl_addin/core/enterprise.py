"""Enterprise size (工业), loss carry-forward years and township division codes."""

from __future__ import annotations

import re
from decimal import Decimal

from .errors import CalcError
from .normalize import clean_text, normalize_code
from .policy import Policy

MICRO = "微型"


def enterprise_size(policy: Policy, employees: int, revenue_wan: Decimal) -> str:
    """大型/中型/小型/微型 for an industrial enterprise: both thresholds must be met."""
    if employees < 0:
        raise CalcError("negative", value=employees)
    if revenue_wan < 0:
        raise CalcError("negative", value=revenue_wan)
    for threshold in policy.get("企业规模标准"):
        if employees >= threshold.employees and revenue_wan >= threshold.revenue_wan:
            return threshold.size
    return MICRO


def loss_carry_years(policy: Policy, loss_year: int, industry: str,
                     main_revenue_share: Decimal) -> int:
    """8 years for a 2020 loss in a hard-hit industry whose main revenue share is at least
    the threshold; 5 otherwise (财政部 税务总局公告2020年第8号)."""
    rule = policy.get("亏损结转年限")
    if not 0 <= main_revenue_share <= 1:
        raise CalcError("rate_range", value=main_revenue_share)
    name = clean_text(industry)
    parts = {part.strip().removesuffix("业") for part in re.split(r"[和、及与,，/]", name)}
    hard_hit = any(item in parts for item in rule.industries)
    share_ok = main_revenue_share >= rule.min_main_revenue_share
    if loss_year == rule.loss_year and hard_hit and share_ok:
        return rule.extended
    return rule.default


def township_code(policy: Policy, name: object) -> str:
    """The 9-digit division code of a township of the policy's county."""
    try:
        return policy.townships[normalize_code(name)]
    except KeyError as exc:
        raise CalcError("division_unknown", value=name) from exc


def division_code_matches(policy: Policy, name: object, code: object) -> bool:
    """Does ``code`` (9 digits, or the 12-digit statistical form ending in 000) name
    township ``name``?"""
    expected = township_code(policy, name)
    return normalize_code(code) in (expected, expected + "000")
