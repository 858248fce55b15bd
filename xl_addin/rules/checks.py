"""The named checks of the schemas, registered with pandera.

Each row rule is a vectorised function over the typed sheet (``True`` where the
row passes), with the column a failure is marked on and the parameters of its
message. Cell rules test one value. Derived columns are recomputed with the
calculation core. ``register()`` makes them all pandera check methods
(``pa.Check.fg_le`` …), which the schemas in ``xl_addin.schemas`` use by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from pandera import extensions

from ..core import codes, finance, status, subsidies
from ..core.enterprise import division_code_matches, township_code
from ..core.errors import CalcError
from ..core.messages import shown
from ..core.normalize import month_text, parse_month
from ..core.numbers import round_money, to_decimal
from ..core.policy import Policy
from ..model.spec import ColumnSpec, SheetSpec


@dataclass(frozen=True)
class Ctx:
    """What the checks of one sheet need besides its rows."""

    as_of: dt.date
    policy: Policy
    sheet: SheetSpec
    # the typed columns as plain Python lists (what the coercion produced), so that the
    # checks need not convert pandas columns back; may be empty
    values: dict[str, list[Any]] = field(default_factory=dict)

    def column(self, df: pd.DataFrame | pd.Series, name: str | None = None) -> list[Any]:
        """The plain values of column ``name`` of ``df`` (or of the series ``df``)."""
        series = df if name is None else df[name]
        key = series.name if name is None else name
        known = self.values.get(key) if isinstance(key, str) else None
        if known is not None and len(known) == len(series):
            return known
        return column_values(series)


# The context of the sheet being validated. The pandera schemas are built once per sheet
# layout and cached; what differs between workbooks (统计日期, policy) comes from here.
CURRENT: ContextVar[Ctx] = ContextVar("xl_addin_check_context")

Row = dict[str, Any]
OkFn = Callable[[pd.DataFrame, dict[str, Any], Ctx], pd.Series]
ParamsFn = Callable[[dict[str, Any], Row, Ctx], dict[str, Any]]


@dataclass(frozen=True)
class RowRule:
    ok: OkFn
    blame: Callable[[dict[str, Any]], str]
    params: ParamsFn


ROW_RULES: dict[str, RowRule] = {}


def row_rule(name: str, blame: Callable[[dict[str, Any]], str], params: ParamsFn
             ) -> Callable[[OkFn], OkFn]:
    def register(ok: OkFn) -> OkFn:
        ROW_RULES[name] = RowRule(ok, blame, params)
        return ok
    return register


def _first(args: dict[str, Any]) -> str:
    return args["columns"][0]


def _column(args: dict[str, Any]) -> str:
    return args["column"]


def _num(series: pd.Series) -> pd.Series:
    return series.astype("Float64")


# --- comparisons --------------------------------------------------------------

@row_rule("le", _first, lambda a, r, c: {
    "a": a["columns"][0], "b": a["columns"][1],
    "va": shown(r[a["columns"][0]]), "vb": shown(r[a["columns"][1]])})
def _le(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    a, b = args["columns"]
    return ~(_num(df[a]) > _num(df[b])).fillna(False)


def _sum(df: pd.DataFrame, parts: list[str]) -> pd.Series:
    total = _num(df[parts[0]]).fillna(0)
    for part in parts[1:]:
        total = total + _num(df[part]).fillna(0)
    return total


def _sum_params(args: dict[str, Any], row: Row, ctx: Ctx) -> dict[str, Any]:
    total = sum((row[p] or 0) for p in args["parts"])
    return {"column": args["column"], "value": shown(row[args["column"]]),
            "parts": "+".join(args["parts"]), "expected": shown(total), "total": shown(total)}


@row_rule("sum_equals", _column, _sum_params)
def _sum_equals(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    column = _num(df[args["column"]])
    return ~(column.notna() & (column != _sum(df, args["parts"]))).fillna(False)


@row_rule("sum_le", _column, _sum_params)
def _sum_le(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    column = _num(df[args["column"]])
    return ~(column.notna() & (_sum(df, args["parts"]) > column)).fillna(False)


# --- presence -----------------------------------------------------------------

def _when_params(args: dict[str, Any], row: Row, ctx: Ctx) -> dict[str, Any]:
    column = args.get("column") or ""
    return {"column": column, "when": args["when"], "equals": shown(args.get("equals")),
            "value": shown(row.get(column))}


@row_rule("required_if", _column, _when_params)
def _required_if(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    return ~((df[args["when"]] == args["equals"]).fillna(False) & df[args["column"]].isna())


@row_rule("blank_if", _column, _when_params)
def _blank_if(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    return ~((df[args["when"]] == args["equals"]).fillna(False) & df[args["column"]].notna())


@row_rule("required_if_positive", _column, _when_params)
def _required_if_positive(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    return ~((_num(df[args["when"]]) > 0).fillna(False) & df[args["column"]].isna())


def _multi(name: str, condition: Callable[[pd.DataFrame, dict[str, Any]], pd.Series]) -> None:
    """A rule over several columns, expanded into one rule per column by the schema."""

    def ok(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
        return ~(condition(df, args).fillna(False) & df[args["column"]].isna())

    ROW_RULES[name] = RowRule(ok, _column, _when_params)


_multi("required_if_present", lambda df, a: df[a["when"]].notna())
_multi("required_if_value", lambda df, a: df[a["when"]] == a["equals"])


# --- dates --------------------------------------------------------------------

@row_rule("not_after_as_of", _column, lambda a, r, c: {
    "column": a["column"], "value": shown(r[a["column"]]), "as_of": c.as_of.isoformat()})
def _not_after_as_of(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    return ~(df[args["column"]] > pd.Timestamp(ctx.as_of)).fillna(False)


@row_rule("date_order", lambda a: a["columns"][1], lambda a, r, c: {
    "a": a["columns"][0], "b": a["columns"][1],
    "va": shown(r[a["columns"][0]]), "vb": shown(r[a["columns"][1]])})
def _date_order(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    a, b = args["columns"]
    return ~(df[a] > df[b]).fillna(False)


def _same_day_params(args: dict[str, Any], row: Row, ctx: Ctx) -> dict[str, Any]:
    return {"column": args["column"], "other": args["as"], "value": shown(row[args["column"]]),
            "expected": shown(row[args["as"]]), "when": args.get("when", ""),
            "equals": shown(args.get("equals"))}


@row_rule("same_day", _column, _same_day_params)
def _same_day(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    a, b = df[args["column"]], df[args["as"]]
    return ~(a.notna() & b.notna() & (a != b))


@row_rule("same_day_if", _column, _same_day_params)
def _same_day_if(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    a, b = df[args["column"]], df[args["as"]]
    when = (df[args["when"]] == args["equals"]).fillna(False)
    return ~(when & b.notna() & (a.isna() | (a != b)))


# --- ledgers ------------------------------------------------------------------

@row_rule("shared_liaison", _column, lambda a, r, c: {
    "value": shown(r[a["column"]]), "count": r.get("_count", 2)})
def _shared_liaison(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    officers = df[args["column"]]
    return ~(officers.notna() & (liaison_counts(officers) > 1)).fillna(False)


def liaison_counts(officers: pd.Series) -> pd.Series:
    """For each row, how many rows name the same 联络人."""
    return officers.map(officers.value_counts())


def stock_after(df: pd.DataFrame) -> pd.Series:
    """The running stock of each 物资名称 after each row, in date order (stable)."""
    sign = df["收支"].map({"入库": 1, "发放": -1}).fillna(0)
    delta = _num(df["数量"]).fillna(0) * sign
    order = df.sort_values("日期", kind="stable").index
    stock = delta.loc[order].groupby(df.loc[order, "物资名称"]).cumsum()
    return stock.reindex(df.index)


@row_rule("running_stock", lambda a: "数量", lambda a, r, c: {
    "item": shown(r["物资名称"]), "stock": shown(r.get("_stock"))})
def _running_stock(df: pd.DataFrame, args: dict[str, Any], ctx: Ctx) -> pd.Series:
    return ~(stock_after(df) < 0).fillna(False)


# --- cell rules -----------------------------------------------------------------

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
WAN_LIMIT = 100000  # 10 亿元 in 万元: above this an amount was almost surely typed in 元


def _reason(func: Callable[[Any], Any]) -> Callable[[Any, Ctx], dict[str, Any] | None]:
    def check(value: Any, ctx: Ctx) -> dict[str, Any] | None:
        try:
            func(value)
        except CalcError as exc:
            return {"reason": exc.message("zh"), "reason_en": exc.message("en")}
        return None
    return check


def _pattern(pattern: re.Pattern[str]) -> Callable[[Any, Ctx], dict[str, Any] | None]:
    def check(value: Any, ctx: Ctx) -> dict[str, Any] | None:
        text = re.sub(r"[\s-]", "", str(value)) if pattern is MOBILE else str(value).strip()
        return None if pattern.match(text) else {}
    return check


def _wan(value: Any, ctx: Ctx) -> dict[str, Any] | None:
    return {} if value is not None and float(value) > WAN_LIMIT else None


CELL_RULES: dict[str, Callable[[Any, Ctx], dict[str, Any] | None]] = {
    "uscc": _reason(codes.validate_uscc),
    "idcard": _reason(codes.validate_id_number),
    "mobile": _pattern(MOBILE),
    "phone": _pattern(PHONE),
    "wan_magnitude": _wan,
}
CELL_SEVERITY = {"wan_magnitude": "warning"}


# --- derived columns -----------------------------------------------------------------

def _date(value: Any) -> dt.date | None:
    return value if value is None or type(value) is dt.date else value.date()


def _dec(value: Any) -> Decimal:
    if value is None:
        raise CalcError("blank")
    return to_decimal(value)


def _hazard(row: Row, ctx: Ctx) -> Any:
    return str(status.hazard_status(_date(row["整改期限"]), _date(row["整改完成日期"]),
                                    row["复查结论"], ctx.as_of))


def _issue(row: Row, ctx: Ctx) -> Any:
    if row["提出日期"] is None:
        raise CalcError("blank")
    return str(status.issue_status(_date(row["提出日期"]), _date(row["办结期限"]),
                                   _date(row["办结日期"]), ctx.as_of))


def _supply_amount(row: Row, ctx: Ctx) -> Any:
    if row["单价（元）"] is None:
        raise CalcError("blank")
    return round_money(_dec(row["数量"]) * _dec(row["单价（元）"]))


def _refund(row: Row, ctx: Ctx) -> Any:
    ratio = row.get("返还比例")
    return subsidies.stabilization_refund(
        ctx.policy, _dec(row["上年度实际缴纳失业保险费（元）"]), int(_dec(row["上年末参保人数"])),
        int(_dec(row["上年度裁员人数"])), bool(row.get("是否欠费")),
        None if ratio is None else to_decimal(ratio)).amount


def _absorption(row: Row, ctx: Ctx) -> Any:
    if row["是否疫情防控重点企业"] is None:
        raise CalcError("blank")
    return subsidies.absorption_subsidy(ctx.policy, bool(row["是否疫情防控重点企业"]),
                                        int(_dec(row["连续在岗月数"]))).amount


def _si(row: Row, ctx: Ctx) -> Any:
    if row["企业规模"] is None or row["减免起始月"] is None or row["减免终止月"] is None:
        raise CalcError("blank")
    return subsidies.si_exemption(
        ctx.policy, row["企业规模"], _dec(row["月缴费基数合计（元）"]), _dec(row["养老费率"]),
        _dec(row["失业费率"]), _dec(row["工伤费率"]), parse_month(row["减免起始月"]),
        parse_month(row["减免终止月"]))


def _lpr(row: Row, ctx: Ctx) -> Any:
    return finance.lpr(ctx.policy, ctx.as_of)


# Each derived column: its function and the columns it reads.
DERIVED: dict[str, tuple[Callable[[Row, Ctx], Any], tuple[str, ...]]] = {
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


def expected_value(column: ColumnSpec, row: Row, ctx: Ctx) -> Any:
    """The recomputed value of a derived column, or None when its inputs are unusable."""
    func, _ = DERIVED[column.derived]  # type: ignore[index]
    try:
        return func(row, ctx)
    except (CalcError, KeyError, TypeError, ValueError, ArithmeticError):
        return None


def expected_values(column: ColumnSpec, df: pd.DataFrame, ctx: Ctx) -> list[Any]:
    """The recomputed values of a derived column for every row, computing once per
    distinct combination of inputs (a 60,000-row roster has a handful)."""
    _, inputs = DERIVED[column.derived]  # type: ignore[index]
    present = [c for c in inputs if c in df]
    lists = [ctx.column(df, c) for c in present]
    keys = list(zip(*lists, strict=True)) if lists else [()] * len(df)
    cache: dict[tuple[Any, ...], Any] = {}
    for key in set(keys):
        row = dict(zip(present, key, strict=True))
        row.update({c: None for c in inputs if c not in row})
        cache[key] = expected_value(column, row, ctx)
    return [cache[key] for key in keys]


def division_problem(township: Any, code: Any, ctx: Ctx) -> dict[str, Any] | None:
    """None when the cover's 区划代码 names its 填报单位."""
    try:
        expected = township_code(ctx.policy, township) + "000"
    except CalcError as exc:
        return {"value": shown(code), "township": shown(township), "expected": exc.message()}
    if division_code_matches(ctx.policy, township, code):
        return None
    return {"value": shown(code), "township": shown(township), "expected": expected}


# --- registration with pandera -------------------------------------------------

_REGISTERED = False


def register() -> None:
    """Register every rule as a pandera check method (idempotent)."""
    global _REGISTERED
    if _REGISTERED:
        return

    def frame_check(pandas_obj: pd.DataFrame, *, rule: str, args: dict[str, Any]) -> pd.Series:
        return ROW_RULES[rule].ok(pandas_obj, args, CURRENT.get())

    def cell_check(pandas_obj: pd.Series, *, rule: str) -> pd.Series:
        ctx = CURRENT.get()
        return pd.Series(cell_rule_ok(rule, ctx.column(pandas_obj), ctx),
                         index=pandas_obj.index)

    def derived_check(pandas_obj: pd.DataFrame, *, column: str) -> pd.Series:
        ctx = CURRENT.get()
        spec = ctx.sheet.by_name[column]
        actual = ctx.column(pandas_obj, column)
        expected = expected_values(spec, pandas_obj, ctx)
        verdicts: dict[tuple[Any, Any], bool] = {}
        out = []
        for pair in zip(actual, expected, strict=True):
            if pair not in verdicts:
                verdicts[pair] = derived_matches(spec, *pair)
            out.append(verdicts[pair])
        return pd.Series(out, index=pandas_obj.index)

    frame_check.__name__, cell_check.__name__ = "fg_row_rule", "fg_cell_rule"
    derived_check.__name__ = "fg_derived"
    extensions.register_check_method(statistics=["rule", "args"],
                                     supported_types=pd.DataFrame)(frame_check)
    extensions.register_check_method(statistics=["rule"],
                                     supported_types=pd.Series)(cell_check)
    extensions.register_check_method(statistics=["column"],
                                     supported_types=pd.DataFrame)(derived_check)
    _REGISTERED = True


def python_value(value: Any) -> Any:
    """A pandas cell as a plain Python value (None for missing; dates as datetime.date)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def column_values(series: pd.Series) -> list[Any]:
    """A column as plain Python values: None for missing, dates as datetime.date."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if v is pd.NaT else v.date() for v in series.tolist()]
    return series.astype(object).where(series.notna(), None).tolist()


BULK_CELL_RULES: dict[str, Callable[[list[str]], list[bool]]] = {
    "idcard": codes.valid_id_numbers,
}


def cell_rule_ok(rule: str, values: list[Any], ctx: Ctx) -> list[bool]:
    """True where a value passes cell rule ``rule`` (blanks pass: 必填 is its own rule).
    Each distinct value is checked once, or, for a rule checked in bulk, the column at once
    when it holds text only."""
    if rule in BULK_CELL_RULES and set(map(type, values)) == {str}:
        return BULK_CELL_RULES[rule](values)
    present = [v for v in values if v is not None]
    if rule in BULK_CELL_RULES and all(isinstance(v, str) for v in present):
        distinct = list(dict.fromkeys(present))
        verdicts = dict(zip(distinct, BULK_CELL_RULES[rule](distinct), strict=True))
    else:
        func = CELL_RULES[rule]
        verdicts = {v: func(v, ctx) is None for v in set(present)}
    return [True if v is None else verdicts[v] for v in values]


__all__ = ["CELL_RULES", "DERIVED", "ROW_RULES", "Ctx", "month_text", "register"]
