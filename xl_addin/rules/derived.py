"""Derived columns: each recomputed with the calculation core from the columns it reads
(状态 of a hazard or an issue, amounts, subsidies, the LPR in force), and compared with
what the clerk typed: money within 0.01 元."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import polars as pl

from ..core import finance, status, subsidies
from ..core.errors import CalcError
from ..core.normalize import parse_month
from ..core.numbers import round_money, to_decimal
from ..model.spec import ColumnSpec
from .context import RuleContext

Row = dict[str, Any]

def _date(value: Any) -> dt.date | None:
    return value if value is None or type(value) is dt.date else value.date()


def _dec(value: Any) -> Decimal:
    if value is None:
        raise CalcError("blank")
    return to_decimal(value)


def _hazard(row: Row, ctx: RuleContext) -> Any:
    return str(status.hazard_status(_date(row["整改期限"]), _date(row["整改完成日期"]),
                                    row["复查结论"], ctx.as_of))


def _issue(row: Row, ctx: RuleContext) -> Any:
    if row["提出日期"] is None:
        raise CalcError("blank")
    return str(status.issue_status(_date(row["提出日期"]), _date(row["办结期限"]),
                                   _date(row["办结日期"]), ctx.as_of))


def _supply_amount(row: Row, ctx: RuleContext) -> Any:
    if row["单价（元）"] is None:
        raise CalcError("blank")
    return round_money(_dec(row["数量"]) * _dec(row["单价（元）"]))


def _refund(row: Row, ctx: RuleContext) -> Any:
    ratio = row.get("返还比例")
    return subsidies.stabilization_refund(
        ctx.policy, _dec(row["上年度实际缴纳失业保险费（元）"]), int(_dec(row["上年末参保人数"])),
        int(_dec(row["上年度裁员人数"])), bool(row.get("是否欠费")),
        None if ratio is None else to_decimal(ratio)).amount


def _absorption(row: Row, ctx: RuleContext) -> Any:
    if row["是否疫情防控重点企业"] is None:
        raise CalcError("blank")
    return subsidies.absorption_subsidy(ctx.policy, bool(row["是否疫情防控重点企业"]),
                                        int(_dec(row["连续在岗月数"]))).amount


def _si(row: Row, ctx: RuleContext) -> Any:
    if row["企业规模"] is None or row["减免起始月"] is None or row["减免终止月"] is None:
        raise CalcError("blank")
    return subsidies.si_exemption(
        ctx.policy, row["企业规模"], _dec(row["月缴费基数合计（元）"]), _dec(row["养老费率"]),
        _dec(row["失业费率"]), _dec(row["工伤费率"]), parse_month(row["减免起始月"]),
        parse_month(row["减免终止月"]))


def _lpr(row: Row, ctx: RuleContext) -> Any:
    return finance.lpr(ctx.policy, ctx.as_of)


# Each derived column: its function and the columns it reads.
DERIVED: dict[str, tuple[Callable[[Row, RuleContext], Any], tuple[str, ...]]] = {
    "hazard_status": (_hazard, ("整改期限", "整改完成日期", "复查结论")),
    "issue_status": (_issue, ("提出日期", "办结期限", "办结日期")),
    "supply_amount": (_supply_amount, ("数量", "单价（元）")),
    "stabilization_refund": (_refund, ("上年度实际缴纳失业保险费（元）", "上年末参保人数",
                                       "上年度裁员人数", "是否欠费", "返还比例")),
    "absorption_subsidy": (_absorption, ("是否疫情防控重点企业", "连续在岗月数")),
    "si_exemption": (_si, ("企业规模", "月缴费基数合计（元）", "养老费率", "失业费率", "工伤费率",
                           "减免起始月", "减免终止月")),
    "lpr_in_force": (_lpr, ()),
}
MONEY_TOLERANCE = Decimal("0.01")


def derived_matches(column: ColumnSpec, actual: Any, expected: Any) -> bool:
    """Does the typed value agree with the recomputed one? Money within 0.01 元, exactly
    (a float difference near the tolerance is settled in decimals)."""
    if actual is None or expected is None:
        return True  # a blank derived cell is a "required" finding; unusable inputs, others
    if isinstance(expected, Decimal):
        tolerance = MONEY_TOLERANCE if column.type == "money" else Decimal("0.00005")
        diff = abs(float(actual) - float(expected))
        if abs(diff - float(tolerance)) > 1e-6:
            return diff <= float(tolerance)
        return abs(to_decimal(actual) - expected) <= tolerance
    return actual == expected


def expected_value(column: ColumnSpec, row: Row, ctx: RuleContext) -> Any:
    """The recomputed value of a derived column, or None when its inputs are unusable."""
    func, _ = DERIVED[column.derived]  # type: ignore[index]
    try:
        return func(row, ctx)
    except (CalcError, KeyError, TypeError, ValueError, ArithmeticError):
        return None


def expected_values(column: ColumnSpec, df: pl.DataFrame, ctx: RuleContext) -> list[Any]:
    """The recomputed values of a derived column for every row, computing once per
    distinct combination of inputs (a 60,000-row roster has a handful)."""
    _, inputs = DERIVED[column.derived]  # type: ignore[index]
    present = [c for c in inputs if c in df.columns]
    lists = [ctx.column(df, c) for c in present]
    keys = list(zip(*lists, strict=True)) if lists else [()] * len(df)
    cache: dict[tuple[Any, ...], Any] = {}
    for key in set(keys):
        row = dict(zip(present, key, strict=True))
        row.update({c: None for c in inputs if c not in row})
        cache[key] = expected_value(column, row, ctx)
    return [cache[key] for key in keys]
