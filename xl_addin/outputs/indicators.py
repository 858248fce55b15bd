"""The headline indicators: each defined once, as a Python computation over the typed
sheets and as the native Excel formula of the 汇总 sheet.

Counts and sums are additive, so the county summary adds them over townships;
rates are always recomputed from the added counts, never averaged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..core.numbers import format_percent, round_money, to_decimal
from ..model.spec import WorkbookSpec, cover_label

if TYPE_CHECKING:  # the typed sheets are polars frames; the summary's process never loads it
    import polars as pl

Tables = Mapping[str, "pl.DataFrame"]
Mask = Callable[["pl.DataFrame", "IndicatorContext"], "pl.Series"]


@dataclass(frozen=True)
class IndicatorContext:
    """What an indicator needs besides the tables."""

    project_month: str  # "2020-02": projects planned for this month
    cover: Mapping[str, Any]


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    unit: str
    compute: Callable[[Tables, IndicatorContext], Any]
    formula: str  # with {sheet.header} column references and {month}
    money: bool = False
    combine: str = "sum"  # how townships combine: "sum"; "min" / "max" (None: no rows)

    @property
    def number_format(self) -> str:
        """Excel's format for the count's cells."""
        return "#,##0.00" if self.money else "0"

    def title(self, month: str) -> str:
        """The label, with the month of the projects counted (``month_label``)."""
        return self.label.format(month_label=month_label(month))


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    numerator: str
    denominator: str
    decimals: int
    strip_zeros: bool = False

    @property
    def number_format(self) -> str:
        """Excel's format for the rate's cells: a percentage with ``decimals`` places."""
        return "0." + "0" * self.decimals + "%"


def _rows(sheet: str) -> Callable[[Tables, IndicatorContext], int]:
    return lambda t, c: len(t[sheet]) if sheet in t else 0


def _sum(sheet: str, column: str) -> Callable[[Tables, IndicatorContext], Any]:
    def compute(t: Tables, c: IndicatorContext) -> Any:
        if sheet not in t or column not in t[sheet].columns:
            return 0
        return _total(t[sheet][column])
    return compute


def _total(series: pl.Series) -> Any:
    values = series.drop_nulls()
    if values.is_empty():
        return 0
    if values.dtype.is_integer():
        return sum(values.to_list())  # Python integers: exact, where int64 would wrap
    # each distinct amount converted once: a roster of 60,000 rows holds a few dozen
    counted = values.value_counts(sort=False)
    total = sum((to_decimal(v) * n for v, n in counted.iter_rows()), Decimal(0))
    return int(total) if total == total.to_integral_value() else total


def _selected(frame: pl.DataFrame, mask: Mask, c: IndicatorContext) -> pl.DataFrame:
    """The rows of ``frame`` where ``mask`` is True (not where it is blank)."""
    return frame.filter(mask(frame, c).fill_null(False))


def _where(sheet: str, mask: Mask,
           column: str | None = None) -> Callable[[Tables, IndicatorContext], Any]:
    def compute(t: Tables, c: IndicatorContext) -> Any:
        if sheet not in t or t[sheet].is_empty():
            return 0
        frame = t[sheet]
        if column is not None and column not in frame.columns:
            return 0  # the column is missing or unread (its finding says so), as a sheet
        selected = _selected(frame, mask, c)
        return len(selected) if column is None else _total(selected[column])
    return compute


def _eq(column: str, value: Any) -> Mask:
    return lambda f, c: f[column] == value


def _month(column: str) -> Mask:
    return lambda f, c: f[column] == c.project_month


def _month_and(column: str, other: str, value: Any) -> Mask:
    return lambda f, c: ((f[column] == c.project_month).fill_null(False)
                         & (f[other] == value).fill_null(False))


def _positive(column: str) -> Mask:
    return lambda f, c: f[column].fill_null(0) > 0


def _supplies(item: str, direction: str) -> Mask:
    return lambda f, c: ((f["物资名称"] == item).fill_null(False)
                         & (f["收支"] == direction).fill_null(False))


def _cover_value(field: str) -> Callable[[Tables, IndicatorContext], Any]:
    return lambda t, c: c.cover.get(field) or 0


FINANCE_KINDS = {
    "bank_intent": "银企对接意向",
    "bank_loan": "银行贷款",
    "startup_loan": "创业担保贷款",
    "loan_extension": "贷款展期",
    "guarantee": "融资担保",
}


COUNTS: tuple[Count, ...] = (
    Count("enterprises", "规模工业企业数", "家", _rows("enterprises"),
          'COUNTA({规模工业企业.企业名称})-1'),
    Count("enterprises_resumed", "已开复工规模工业企业数", "家",
          _where("enterprises", _eq("是否开复工", True)), 'COUNTIF({规模工业企业.是否开复工},"是")'),
    Count("staff", "规模工业企业职工总数", "人", _sum("enterprises", "职工总数"),
          "SUM({规模工业企业.职工总数})"),
    Count("on_duty", "规模工业企业上岗人员", "人", _sum("enterprises", "已上岗人数"),
          "SUM({规模工业企业.已上岗人数})"),
    Count("projects_planned", "计划{month_label}开复工重点项目数", "个",
          _where("projects", _month("计划开复工月份")), 'COUNTIF({重点项目.计划开复工月份},"{month}")'),
    Count("projects_resumed", "其中已开复工", "个",
          _where("projects", _month_and("计划开复工月份", "是否开复工", True)),
          'COUNTIFS({重点项目.计划开复工月份},"{month}",{重点项目.是否开复工},"是")'),
    Count("projects_planned_staff", "重点项目计划用工人数", "人",
          _where("projects", _month("计划开复工月份"), "计划用工人数"),
          'SUMIF({重点项目.计划开复工月份},"{month}",{重点项目.计划用工人数})'),
    Count("projects_arrived", "重点项目到岗人数", "人",
          _where("projects", _month("计划开复工月份"), "到岗人数"),
          'SUMIF({重点项目.计划开复工月份},"{month}",{重点项目.到岗人数})'),
    Count("small_micro", "小微企业户数", "家", _sum("small_micro", "企业户数"),
          "SUM({小微企业.企业户数})"),
    Count("small_micro_operating", "小微企业正常运营户数", "家", _sum("small_micro", "正常运营户数"),
          "SUM({小微企业.正常运营户数})"),
    Count("migrants", "返乡农民工人数", "人", _sum("migrant_workers", "返乡农民工人数"),
          "SUM({返乡务工人员.返乡农民工人数})"),
    Count("migrants_back", "返乡农民工已返岗人数", "人", _sum("migrant_workers", "已返岗人数"),
          "SUM({返乡务工人员.已返岗人数})"),
    Count("poor_total", "贫困劳动力总数", "人", _sum("poverty_labour", "贫困劳动力总数"),
          "SUM({贫困劳动力.贫困劳动力总数})"),
    Count("poor_working", "其中务工人员", "人", _sum("poverty_labour", "务工人数"),
          "SUM({贫困劳动力.务工人数})"),
    Count("poor_back", "贫困劳动力已返岗", "人", _sum("poverty_labour", "已返岗小计"),
          "SUM({贫困劳动力.已返岗小计})"),
    Count("poor_out_of_province", "其中省外", "人", _sum("poverty_labour", "已返岗省外"),
          "SUM({贫困劳动力.已返岗省外})"),
    Count("poor_in_province", "其中省内县外", "人", _sum("poverty_labour", "已返岗省内县外"),
          "SUM({贫困劳动力.已返岗省内县外})"),
    Count("poor_in_county", "其中县内", "人", _sum("poverty_labour", "已返岗县内"),
          "SUM({贫困劳动力.已返岗县内})"),
    Count("poor_waiting", "贫困劳动力待返岗", "人", _sum("poverty_labour", "待返岗人数"),
          "SUM({贫困劳动力.待返岗人数})"),
    Count("poor_not_resumed", "贫困劳动力未复工", "人", _sum("poverty_labour", "未复工人数"),
          "SUM({贫困劳动力.未复工人数})"),
    Count("hazards", "安全隐患", "条", _rows("hazards"), "COUNTA({安全隐患台账.隐患编号})-1"),
    Count("hazards_closed", "已整改到位（已销号）", "条",
          _where("hazards", _eq("状态", "已销号")), 'COUNTIF({安全隐患台账.状态},"已销号")'),
    Count("issues", "交办问题", "个", _rows("issues"), "COUNTA({问题交办台账.问题编号})-1"),
    Count("issues_same_day", "当日办结", "个", _where("issues", _eq("状态", "当日办结")),
          'COUNTIF({问题交办台账.状态},"当日办结")'),
    Count("refund_enterprises", "稳岗返还企业数", "家",
          _where("stabilization", _positive("返还金额（元）")), 'COUNTIF({稳岗返还.返还金额（元）},">0")'),
    Count("refund_amount", "稳岗返还金额", "元", _sum("stabilization", "返还金额（元）"),
          "SUM({稳岗返还.返还金额（元）})", money=True),
    Count("absorption_people", "吸纳就业补贴人数", "人",
          _where("absorption", _positive("补贴金额（元）")), 'COUNTIF({吸纳就业补贴.补贴金额（元）},">0")'),
    Count("absorption_amount", "吸纳就业补贴金额", "元", _sum("absorption", "补贴金额（元）"),
          "SUM({吸纳就业补贴.补贴金额（元）})", money=True),
    Count("si_exemption_amount", "社保减免金额", "元", _sum("si_exemption", "减免金额（元）"),
          "SUM({社保减免.减免金额（元）})", money=True),
    *(
        item
        for key, kind in FINANCE_KINDS.items()
        for item in (
            Count(f"{key}_count", f"{kind}笔数", "笔", _where("financing", _eq("类型", kind)),
                  f'COUNTIF({{金融支持.类型}},"{kind}")'),
            Count(f"{key}_amount", f"{kind}金额", "万元",
                  _where("financing", _eq("类型", kind), "金额（万元）"),
                  f'SUMIF({{金融支持.类型}},"{kind}",{{金融支持.金额（万元）}})'),
        )
    ),
    Count("masks_in", "口罩入库", "个", _where("supplies", _supplies("口罩", "入库"), "数量"),
          'SUMIFS({防疫物资.数量},{防疫物资.物资名称},"口罩",{防疫物资.收支},"入库")'),
    Count("agm_tests", "AGM检测", "人次", _cover_value(cover_label("agm_tests")), "N({封面.AGM检测人次})"),
)



def _amount_weighted(mask: Mask,
                     needs: tuple[str, ...], factor: str | None
                     ) -> Callable[[Tables, IndicatorContext], Any]:
    """Σ 金额（万元） × ``factor`` (or Σ 金额 with no factor: the weights) over the 金融支持
    rows selected by ``mask`` that fill in every column of ``needs``."""
    def compute(t: Tables, c: IndicatorContext) -> Any:
        frame = t.get("financing")
        if frame is None or frame.is_empty() or any(
                col not in frame.columns for col in (AMOUNT, *needs, *filter(None, [factor]))):
            return 0  # a column missing or unread (its finding says so), as a sheet
        rows = _selected(frame, mask, c).drop_nulls([AMOUNT, *needs])
        total = sum((to_decimal(row[AMOUNT]) * (to_decimal(row[factor]) if factor else 1)
                     for row in rows.iter_rows(named=True)), Decimal(0))
        return int(total) if total == total.to_integral_value() else total
    return compute


def _extreme(mask: Mask, column: str,
             pick: Callable[[list[Decimal]], Decimal]
             ) -> Callable[[Tables, IndicatorContext], Any]:
    """The smallest or largest value of a 金融支持 column over the rows selected by ``mask``;
    None when no such row fills it in."""
    def compute(t: Tables, c: IndicatorContext) -> Any:
        frame = t.get("financing")
        if frame is None or frame.is_empty() or column not in frame.columns:
            return None
        values = _selected(frame, mask, c)[column].drop_nulls()
        return pick([to_decimal(v) for v in values]) if len(values) else None
    return compute


AMOUNT = "金额（万元）"
_LOAN = _eq("类型", "银行贷款")
_GUARANTEE = _eq("类型", "融资担保")
_LOAN_NEEDS = ("年利率", "同期LPR")


def _sumproduct(kind: str, needs: tuple[str, ...], factor: str | None) -> str:
    terms = [f'({{金融支持.类型}}="{kind}")', *(f"ISNUMBER({{金融支持.{n}}})" for n in needs),
             "N(+{金融支持.金额（万元）})"]
    if factor:
        terms.append(f"N(+{{金融支持.{factor}}})")
    return "SUMPRODUCT(" + "*".join(terms) + ")"


# The figures of the whole bulletin that are not columns of the 汇总 sheets: the loans' and
# guarantees' rates weighted by amount (the county's rate is Σ 金额×利率 / Σ 金额 over the
# rows that give it: sums, so townships add up) and their extremes (a bulletin says every
# loan is at one rate only when the lowest and highest agree).
BULLETIN_COUNTS: tuple[Count, ...] = (
    Count("bank_loan_rated_amount", "银行贷款金额（有年利率和同期LPR）", "万元",
          _amount_weighted(_LOAN, _LOAN_NEEDS, None), _sumproduct("银行贷款", _LOAN_NEEDS, None)),
    Count("bank_loan_rate_weighted", "银行贷款金额×年利率", "万元",
          _amount_weighted(_LOAN, _LOAN_NEEDS, "年利率"),
          _sumproduct("银行贷款", _LOAN_NEEDS, "年利率")),
    Count("bank_loan_lpr_weighted", "银行贷款金额×同期LPR", "万元",
          _amount_weighted(_LOAN, _LOAN_NEEDS, "同期LPR"),
          _sumproduct("银行贷款", _LOAN_NEEDS, "同期LPR")),
    Count("bank_loan_rate_min", "银行贷款最低年利率", "", _extreme(_LOAN, "年利率", min),
          'MINIFS({金融支持.年利率},{金融支持.类型},"银行贷款")', combine="min"),
    Count("bank_loan_rate_max", "银行贷款最高年利率", "", _extreme(_LOAN, "年利率", max),
          'MAXIFS({金融支持.年利率},{金融支持.类型},"银行贷款")', combine="max"),
    Count("guarantee_rated_amount", "融资担保金额（有担保费率）", "万元",
          _amount_weighted(_GUARANTEE, ("担保费率",), None),
          _sumproduct("融资担保", ("担保费率",), None)),
    Count("guarantee_fee_weighted", "融资担保金额×担保费率", "万元",
          _amount_weighted(_GUARANTEE, ("担保费率",), "担保费率"),
          _sumproduct("融资担保", ("担保费率",), "担保费率")),
    Count("guarantee_fee_min", "最低担保费率", "", _extreme(_GUARANTEE, "担保费率", min),
          'MINIFS({金融支持.担保费率},{金融支持.类型},"融资担保")', combine="min"),
    Count("guarantee_fee_max", "最高担保费率", "", _extreme(_GUARANTEE, "担保费率", max),
          'MAXIFS({金融支持.担保费率},{金融支持.类型},"融资担保")', combine="max"),
)

RATES: tuple[Rate, ...] = (
    Rate("resumption_rate", "开复工率", "enterprises_resumed", "enterprises", 2),
    Rate("on_duty_rate", "上岗率", "on_duty", "staff", 1),
    Rate("project_resumption_rate", "重点项目开复工率", "projects_resumed", "projects_planned", 1,
         strip_zeros=True),
    Rate("arrival_rate", "到岗率", "projects_arrived", "projects_planned_staff", 1,
         strip_zeros=True),
    Rate("migrant_return_rate", "返岗率", "migrants_back", "migrants", 1),
    Rate("hazard_fix_rate", "隐患整改率", "hazards_closed", "hazards", 1, strip_zeros=True),
    Rate("same_day_rate", "当日办结率", "issues_same_day", "issues", 1, strip_zeros=True),
)


def previous_month(as_of: dt.date) -> str:
    """The reporting month of key projects: the month before 统计日期 (3-11 → 2020-02)."""
    first = as_of.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def month_label(month: str) -> str:
    return f"{int(month[5:7])}月"


def compute_counts(tables: Tables, context: IndicatorContext) -> dict[str, Any]:
    return {c.key: c.compute(tables, context) for c in (*COUNTS, *BULLETIN_COUNTS)}


def compute_rates(counts: Mapping[str, Any]) -> dict[str, Fraction | None]:
    out: dict[str, Fraction | None] = {}
    for r in RATES:
        den = counts.get(r.denominator) or 0
        out[r.key] = None if not den else Fraction(to_decimal(counts[r.numerator])) / Fraction(
            to_decimal(den))
    return out


def format_rate(rate: Rate, value: Fraction | None) -> str:
    return "—" if value is None else format_percent(value, rate.decimals,
                                                     strip_zeros=rate.strip_zeros)


def add_counts(many: list[Mapping[str, Any]]) -> dict[str, Any]:
    """County totals: counts and sums added over townships (extremes: the townships'
    extreme, None when no township has one)."""
    out: dict[str, Any] = {}
    for c in (*COUNTS, *BULLETIN_COUNTS):
        if c.combine != "sum":
            values = [to_decimal(m[c.key]) for m in many if m.get(c.key) is not None]
            out[c.key] = (min if c.combine == "min" else max)(values) if values else None
            continue
        total = sum((to_decimal(m.get(c.key) or 0) for m in many), to_decimal(0))
        out[c.key] = round_money(total) if c.money else (
            int(total) if total == total.to_integral_value() else total)
    return out


_REF = re.compile(r"\{([^{}.]+)\.([^{}]+)\}")


def excel_formula(count: Count, spec: WorkbookSpec, month: str,
                  cover_cells: Mapping[str, str]) -> str:
    """The native formula of an indicator, with whole-column references resolved from the
    schema (so a column moved in the schema moves in the formula)."""
    from ..reading.reader import column_letter

    def resolve(match: re.Match[str]) -> str:
        sheet, header = match[1], match[2]
        if sheet == "封面":
            return f"'封面'!{cover_cells[header]}"
        headers = spec.sheet(sheet).headers
        letter = column_letter(headers.index(header))
        return f"'{sheet}'!${letter}:${letter}"

    return "=" + _REF.sub(resolve, count.formula.replace("{month}", month))
