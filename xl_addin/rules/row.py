"""Rules of one row: comparisons, sums, presence, dates, and derived columns.

A row rule's ``test`` is vectorised over the typed sheet (a polars frame) and returns a
boolean series, ``True`` where the row passes; ``explain`` gives the message parameters of
one failing row from its coerced values. pandera runs the tests (``pandera_schema``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import polars as pl

from ..core.messages import shown
from ..model.findings import Severity
from .context import RuleContext
from .derived import derived_matches, expected_value, expected_values
from .registry import Args, Rule, Scope, Source, register

Row = dict[str, Any]
Test = Callable[[pl.DataFrame, Args, RuleContext], pl.Series]
Explain = Callable[[Args, Row, RuleContext, Any], dict[str, Any] | None]


def row_rule(rule_id: str, doc: str, explain: Explain, params: tuple[str, ...],
             optional: tuple[str, ...] = (), marks: Callable[[Args], str] | None = None,
             expand: Callable[[Args], list[dict[str, Any]]] | None = None,
             ) -> Callable[[Test], Test]:
    """Register the decorated test as row rule ``rule_id``."""
    def decorate(test: Test) -> Test:
        extra = {"marks": marks} if marks else {}
        register(Rule(rule_id, Scope.ROW, Source.SCHEMA, Severity.ERROR, doc, params, optional,
                      test=test, explain=explain, expand=expand, **extra))
        return test
    return decorate


def _first(args: Args) -> str:
    return args["columns"][0]


def num(series: pl.Series) -> pl.Series:
    return series.cast(pl.Float64)


def per_column(args: Args) -> list[dict[str, Any]]:
    """A rule over ``columns`` that speaks of each column alone: one use per column."""
    if "columns" not in args:
        return [dict(args)]
    rest = {k: v for k, v in args.items() if k != "columns"}
    return [{**rest, "column": c} for c in args["columns"]]


# --- comparisons --------------------------------------------------------------

def _pair(args: Args, row: Row, ctx: RuleContext, fact: Any) -> dict[str, Any]:
    a, b = args["columns"]
    return {"a": a, "b": b, "va": shown(row[a]), "vb": shown(row[b])}


@row_rule("le", "the first column must not exceed the second", _pair, ("columns",),
          marks=_first)
def _le(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    a, b = args["columns"]
    return ~(num(df[a]) > num(df[b])).fill_null(False)


def _sum(df: pl.DataFrame, parts: list[str]) -> pl.Series:
    total = num(df[parts[0]]).fill_null(0)
    for part in parts[1:]:
        total = total + num(df[part]).fill_null(0)
    return total


def _sum_params(args: Args, row: Row, ctx: RuleContext, fact: Any) -> dict[str, Any]:
    total = sum((row[p] or 0) for p in args["parts"])
    return {"column": args["column"], "value": shown(row[args["column"]]),
            "parts": "+".join(args["parts"]), "expected": shown(total), "total": shown(total)}


@row_rule("sum_equals", "the column must equal the sum of its parts", _sum_params,
          ("column", "parts"))
def _sum_equals(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    column = num(df[args["column"]])
    return ~(column.is_not_null() & (column != _sum(df, args["parts"]))).fill_null(False)


@row_rule("sum_le", "the sum of the parts must not exceed the column", _sum_params,
          ("column", "parts"))
def _sum_le(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    column = num(df[args["column"]])
    return ~(column.is_not_null() & (_sum(df, args["parts"]) > column)).fill_null(False)


# --- presence -----------------------------------------------------------------

def _equals(df: pl.DataFrame, args: Args) -> pl.Series:
    """True where column ``when`` equals ``equals`` (False for a blank)."""
    return (df[args["when"]] == args["equals"]).fill_null(False)


def _when(args: Args, row: Row, ctx: RuleContext, fact: Any) -> dict[str, Any]:
    column = args.get("column") or ""
    return {"column": column, "when": args["when"], "equals": shown(args.get("equals")),
            "value": shown(row.get(column))}


@row_rule("required_if", "the column is required when another column equals a value",
          _when, ("column", "when", "equals"))
def _required_if(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~(_equals(df, args) & df[args["column"]].is_null())


@row_rule("blank_if", "the column must be blank when another column equals a value", _when,
          ("column", "when", "equals"))
def _blank_if(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~(_equals(df, args) & df[args["column"]].is_not_null())


@row_rule("required_if_positive", "the column is required when another column is above 0",
          _when, ("column", "when"))
def _required_if_positive(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~((num(df[args["when"]]) > 0).fill_null(False) & df[args["column"]].is_null())


@row_rule("required_if_present", "each column is required when another column is filled in",
          _when, ("columns", "when"), expand=per_column)
def _required_if_present(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~(df[args["when"]].is_not_null() & df[args["column"]].is_null())


@row_rule("required_if_value", "each column is required when another column equals a value",
          _when, ("columns", "when", "equals"), expand=per_column)
def _required_if_value(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~(_equals(df, args) & df[args["column"]].is_null())


# --- dates --------------------------------------------------------------------

def _as_of(args: Args, row: Row, ctx: RuleContext, fact: Any) -> dict[str, Any]:
    return {"column": args["column"], "value": shown(row[args["column"]]),
            "as_of": ctx.as_of.isoformat()}


@row_rule("not_after_as_of", "a date must not be after 统计日期", _as_of, ("columns",),
          expand=per_column)
def _not_after_as_of(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~(df[args["column"]] > ctx.as_of).fill_null(False)


def _pairwise(args: Args) -> list[dict[str, Any]]:
    return [{"columns": [a, b]} for a, b in itertools.pairwise(args["columns"])]


@row_rule("date_order", "dates must be in the order of the columns", _pair, ("columns",),
          marks=lambda a: a["columns"][1], expand=_pairwise)
def _date_order(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    a, b = args["columns"]
    return ~(df[a] > df[b]).fill_null(False)


def _same_day(args: Args, row: Row, ctx: RuleContext, fact: Any) -> dict[str, Any]:
    return {"column": args["column"], "other": args["as"], "value": shown(row[args["column"]]),
            "expected": shown(row[args["as"]]), "when": args.get("when", ""),
            "equals": shown(args.get("equals"))}


@row_rule("same_day", "two dates must be the same day (日清日决: dispatched the day raised)",
          _same_day, ("column", "as"))
def _same_day_rule(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    a, b = df[args["column"]], df[args["as"]]
    return ~(a.is_not_null() & b.is_not_null() & (a != b)).fill_null(False)


@row_rule("same_day_if", "when another column equals a value, two dates must be the same day",
          _same_day, ("column", "as", "when", "equals"))
def _same_day_if(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    a, b = df[args["column"]], df[args["as"]]
    when = _equals(df, args)
    return ~(when & b.is_not_null() & (a.is_null() | (a != b))).fill_null(False)


# --- derived columns (a column's ``derived:``) --------------------------------------

def _derived_test(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    spec = ctx.sheet.by_name[args["column"]]
    actual = ctx.column(df, args["column"])
    expected = expected_values(spec, df, ctx)
    verdicts: dict[tuple[Any, Any], bool] = {}
    out = []
    for pair in zip(actual, expected, strict=True):
        if pair not in verdicts:
            verdicts[pair] = derived_matches(spec, *pair)
        out.append(verdicts[pair])
    return pl.Series(out, dtype=pl.Boolean)


def _derived_explain(args: Args, row: Row, ctx: RuleContext, fact: Any
                     ) -> dict[str, Any] | None:
    spec = ctx.sheet.by_name[args["column"]]
    value = row.get(args["column"])
    expected = expected_value(spec, row, ctx)
    if expected is None or derived_matches(spec, value, expected):
        return None
    return {"column": args["column"], "value": shown(value), "expected": shown(expected)}


register(Rule("derived", Scope.ROW, Source.COLUMN, Severity.ERROR,
              "a derived column (状态, amounts, LPR) must equal the value the rule computes",
              test=_derived_test, explain=_derived_explain, expected_param="expected"))
