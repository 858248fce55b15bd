"""稳岗返还, 吸纳就业补贴 and 社保减免, with the reason when nothing is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .errors import CalcError
from .normalize import month_text
from .numbers import ratio, round_half_away, round_money
from .policy import Policy

SIZES = ("大型", "中型", "小型", "微型")


@dataclass(frozen=True)
class Entitlement:
    """An amount due, or zero with the reason (a message code and its parameters)."""

    amount: Decimal
    reason: str = "eligible"
    params: dict[str, object] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        return self.reason == "eligible"


def _nonnegative(value: Decimal | int) -> None:
    if value < 0:
        raise CalcError("negative", value=value)


def stabilization_refund(policy: Policy, premium: Decimal, insured: int, layoffs: int,
                         arrears: bool = False, refund_ratio: Decimal | None = None
                         ) -> Entitlement:
    """稳岗返还 = round2(premium × ratio) for an insured, paid-up enterprise whose layoff
    rate is within the cap for its size (人社部明电〔2020〕2号)."""
    for value in (premium, insured, layoffs):
        _nonnegative(value)
    share = policy.get("稳岗返还比例") if refund_ratio is None else refund_ratio
    if not 0 <= share <= 1:
        raise CalcError("rate_range", value=share)
    if insured == 0:
        return Entitlement(Decimal("0.00"), "refund_no_insured")
    if arrears and policy.get("稳岗返还欠费不予返还"):
        return Entitlement(Decimal("0.00"), "refund_arrears")
    small = insured <= policy.get("稳岗返还小企业参保人数")
    cap = policy.get("稳岗返还裁员率上限_小企业" if small else "稳岗返还裁员率上限")
    layoff_rate = ratio(layoffs, insured)
    if layoff_rate > cap:
        shown = {"rate": f"{round_half_away(layoff_rate * 100, 2)}%",
                 "cap": f"{round_half_away(cap * 100, 2).normalize():f}%"}
        return Entitlement(Decimal("0.00"), "refund_layoff_rate", shown)
    return Entitlement(round_money(premium * share))


def absorption_subsidy(policy: Policy, is_key_enterprise: bool, months: int) -> Entitlement:
    """吸纳就业补贴: standard × required months, once, for a worker at a key enterprise who
    has stayed the required consecutive months."""
    _nonnegative(months)
    per_month = policy.get("吸纳就业补贴标准")
    required = policy.get("吸纳就业补贴月数")
    if not is_key_enterprise:
        return Entitlement(Decimal("0.00"), "subsidy_not_key")
    if months < required:
        return Entitlement(Decimal("0.00"), "subsidy_months",
                           {"months": months, "required": required})
    return Entitlement(round_money(per_month * required))


def _months(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    if start > end:
        raise CalcError("month_range", start=month_text(start), end=month_text(end))
    months = []
    year, month = start
    while (year, month) <= end:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def exemption_share(policy: Policy, size: str, month: tuple[int, int]) -> Decimal:
    """The share of the employer contribution waived for ``size`` in ``month``."""
    if size not in SIZES:
        raise CalcError("unknown_size", value=size)
    key = month_text(month)
    for period in policy.get("社保减免"):
        if size in period.sizes and period.from_ <= key <= period.to:
            return period.share
    return Decimal(0)


def si_exemption(policy: Policy, size: str, monthly_base: Decimal, pension_rate: Decimal,
                 unemployment_rate: Decimal, injury_rate: Decimal,
                 start: tuple[int, int], end: tuple[int, int]) -> Decimal:
    """社保减免 = Σ over the months of round2(base × (养老+失业+工伤) × share(size, month))."""
    _nonnegative(monthly_base)
    for rate_value in (pension_rate, unemployment_rate, injury_rate):
        if not 0 <= rate_value <= 1:
            raise CalcError("rate_range", value=rate_value)
    combined = pension_rate + unemployment_rate + injury_rate
    total = Decimal("0.00")
    for month in _months(start, end):
        share = exemption_share(policy, size, month)
        total += round_money(monthly_base * combined * share)
    return total
