"""The FG_ cell functions (functions.md, "Cell functions") as plain Python.

Each accepts a scalar or a range (a list of rows) per argument and returns the
same shape; a bad argument gives ``#值错误: …`` in that position. They are thin
layers over ``xl_addin.core``: the validator computes the same values with the
same functions. xlwings registration lives in ``xl_addin.xlwings_udfs``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ..core import codes, enterprise, finance, rates, status, subsidies
from ..core.errors import CalcError
from ..core.messages import text
from ..core.normalize import (
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
from ..core.policy import Policy, load_policy
from .arrays import broadcast, cells, safe

Cell = Any


def _policy() -> Policy:
    return load_policy()


def _money(value: Decimal) -> float:
    return float(value)


def _as_of(value: Cell) -> dt.date:
    return dt.date.today() if is_blank(value) else parse_date(value)


def _required(value: Cell) -> Cell:
    if is_blank(value):
        raise CalcError("blank")
    return value


def _arrears(value: Cell) -> bool:
    return False if is_blank(value) else parse_yes_no(value)


def _verdict(value: Cell) -> str | None:
    text = clean_text(value)
    return text or None


# --- rates -------------------------------------------------------------------

def FG_RATE(numerator: Cell, denominator: Cell) -> Any:
    """比率 = 分子 / 分母（不四舍五入），例如 62/64 → 0.96875。"""
    return broadcast(
        lambda n, d: float(rates.rate(parse_number(_required(n)), parse_number(_required(d)))),
        numerator, denominator)


def FG_RESUMPTION_RATE(flags: Cell) -> Any:
    """开复工率：是/否 区域中“是”占非空单元格的比例。"""
    return safe(lambda: float(rates.resumption_rate(cells(flags))))


# --- subsidies ---------------------------------------------------------------

def _refund(premium: Cell, insured: Cell, layoffs: Cell, arrears: Cell,
            ratio: Cell) -> subsidies.Entitlement:
    return subsidies.stabilization_refund(
        _policy(), parse_number(_required(premium)), parse_count(_required(insured)),
        parse_count(_required(layoffs)), _arrears(arrears),
        None if is_blank(ratio) else parse_number(ratio))


def FG_STABILIZATION_REFUND(premium: Cell, insured: Cell, layoffs: Cell,
                            arrears: Cell = None, ratio: Cell = None) -> Any:
    """稳岗返还金额（元）：上年度实际缴纳失业保险费 × 返还比例，不符合条件为0。"""
    return broadcast(lambda *a: _money(_refund(*a).amount),
                     premium, insured, layoffs, arrears, ratio, blank_when_blank=3)


def FG_STABILIZATION_ELIGIBLE(premium: Cell, insured: Cell, layoffs: Cell,
                              arrears: Cell = None) -> Any:
    """是否符合稳岗返还条件：符合返回 TRUE，否则返回原因。"""
    def one(*a: Cell) -> bool | str:
        result = _refund(*a, None)
        return True if result.eligible else _reason(result)
    return broadcast(one, premium, insured, layoffs, arrears, blank_when_blank=3)


def _reason(result: subsidies.Entitlement) -> str:
    return text(result.reason, "zh", **result.params)


def FG_ABSORPTION_SUBSIDY(is_key_enterprise: Cell, consecutive_months: Cell) -> Any:
    """一次性吸纳就业补贴（元）：疫情防控重点企业员工连续在岗满3个月，每人每月300元。"""
    return broadcast(
        lambda k, m: _money(subsidies.absorption_subsidy(
            _policy(), parse_yes_no(k), parse_count(_required(m))).amount),
        is_key_enterprise, consecutive_months)


def FG_SI_EXEMPTION(size: Cell, monthly_base: Cell, pension_rate: Cell,
                    unemployment_rate: Cell, injury_rate: Cell, from_month: Cell,
                    to_month: Cell) -> Any:
    """社保减免金额（元）：各月 月缴费基数 ×（养老+失业+工伤单位费率）× 减免比例 之和。"""
    return broadcast(
        lambda s, b, p, u, i, f, t: _money(subsidies.si_exemption(
            _policy(), clean_text(_required(s)), parse_number(_required(b)),
            parse_number(_required(p)), parse_number(_required(u)),
            parse_number(_required(i)), parse_month(_required(f)),
            parse_month(_required(t)))),
        size, monthly_base, pension_rate, unemployment_rate, injury_rate, from_month, to_month)


# --- finance -----------------------------------------------------------------

def FG_LPR(date: Cell, term: Cell = None) -> Any:
    """该日执行的贷款市场报价利率（LPR），期限 1Y（默认）或 5Y。"""
    return broadcast(
        lambda d, t: float(finance.lpr(_policy(), parse_date(_required(d)),
                                       "1Y" if is_blank(t) else clean_text(t))),
        date, term, blank_when_blank=1)


def FG_INTEREST_SAVING(amount: Cell, rate: Cell, lpr: Cell = None,
                       months: Cell = None) -> Any:
    """节约利息 = 金额 ×（LPR − 年利率）× 月数 / 12；LPR 默认为今日执行的1年期LPR，月数默认12。"""
    def one(a: Cell, r: Cell, lp: Cell, m: Cell) -> float:
        lpr_rate = (finance.lpr(_policy(), dt.date.today()) if is_blank(lp)
                    else parse_number(lp))
        span = Decimal(12) if is_blank(m) else parse_number(m)
        return _money(finance.interest_saving(parse_number(_required(a)),
                                              parse_number(_required(r)), lpr_rate, span))
    return broadcast(one, amount, rate, lpr, months, blank_when_blank=2)


def FG_GUARANTEE_FEE(amount: Cell, rate: Cell = None) -> Any:
    """担保费 = 金额 × 担保费率（默认为政策担保费率0.5%）。"""
    return broadcast(
        lambda a, r: _money(finance.guarantee_fee(
            parse_number(_required(a)),
            _policy().get("融资担保费率") if is_blank(r) else parse_number(r))),
        amount, rate, blank_when_blank=1)


# --- statuses ----------------------------------------------------------------

def FG_HAZARD_STATUS(deadline: Cell, done_date: Cell, verdict: Cell,
                     as_of: Cell = None) -> Any:
    """隐患状态：整改中 / 逾期未整改 / 待复查 / 复查不合格 / 已销号。不填统计日期时按今天计算。"""
    return broadcast(
        lambda d, f, v, a: str(status.hazard_status(
            parse_optional_date(d), parse_optional_date(f), _verdict(v), _as_of(a))),
        deadline, done_date, verdict, as_of, blank_when_blank=3)


def FG_ISSUE_STATUS(raised_date: Cell, deadline: Cell, closed_date: Cell,
                    as_of: Cell = None) -> Any:
    """问题状态：当日办结 / 已办结 / 办理中 / 逾期。不填统计日期时按今天计算。"""
    return broadcast(
        lambda r, d, c, a: str(status.issue_status(
            parse_date(_required(r)), parse_optional_date(d), parse_optional_date(c),
            _as_of(a))),
        raised_date, deadline, closed_date, as_of, blank_when_blank=3)


# --- codes -------------------------------------------------------------------

def _check(validator: Any, value: Cell) -> bool | str:
    try:
        validator(_required(value))
    except CalcError as exc:
        if exc.code == "blank":
            raise
        return exc.message()
    return True


def FG_USCC_CHECK(code: Cell) -> Any:
    """统一社会信用代码校验（GB 32100）：正确返回 TRUE，否则返回原因。"""
    return broadcast(lambda c: _check(codes.validate_uscc, c), code)


def FG_IDCARD_CHECK(id_number: Cell) -> Any:
    """身份证号校验（GB 11643，含出生日期）：正确返回 TRUE，否则返回原因。"""
    return broadcast(lambda c: _check(codes.validate_id_number, c), id_number)


# --- enterprises ---------------------------------------------------------------

def FG_ENTERPRISE_SIZE(employees: Cell, revenue_wan_yuan: Cell) -> Any:
    """工业企业规模：大型 / 中型 / 小型 / 微型（从业人员与营业收入（万元）同时达标）。"""
    return broadcast(
        lambda e, r: enterprise.enterprise_size(
            _policy(), parse_count(_required(e)), parse_number(_required(r))),
        employees, revenue_wan_yuan)


def FG_LOSS_CARRY_YEARS(loss_year: Cell, industry: Cell,
                        main_revenue_share: Cell) -> Any:
    """亏损最长结转年限：2020年交通运输、餐饮、住宿、旅游困难行业为8年，其余为5年。"""
    return broadcast(
        lambda y, i, s: enterprise.loss_carry_years(
            _policy(), parse_count(_required(y)), clean_text(_required(i)),
            parse_number(_required(s))),
        loss_year, industry, main_revenue_share)


# --- policy ------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(_plain(v)) for v in value)
    return value


def policy_table(value: Any) -> Any:
    """A policy value as a cell (scalar) or a table (list of rows with a header)."""
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        header = list(value[0].model_dump(by_alias=True))
        return [header] + [[_plain(v) for v in item.model_dump(by_alias=True).values()]
                           for item in value]
    if isinstance(value, BaseModel):
        return [[k, _plain(v)] for k, v in value.model_dump(by_alias=True).items()]
    if isinstance(value, list):
        return [[_plain(v) for v in value]]
    return _plain(value)


def FG_POLICY(name: Cell) -> Any:
    """显示现行政策参数的值，例如 FG_POLICY("稳岗返还比例") → 0.6。"""
    return broadcast(lambda n: policy_table(_policy().get(normalize_code(_required(n)))), name,
                     blank_when_blank=0)


FUNCTIONS = {name: obj for name, obj in globals().items() if name.startswith("FG_")}
