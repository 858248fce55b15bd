"""Rules of one value: the coercion of a raw cell, a column's own properties (required,
enumeration, range) and the cell rules a column lists in its ``checks:`` (credit code,
身份证号, phone numbers, 万元 magnitude).

A cell rule's ``test`` takes one typed value and the sheet's context and returns None
when the value passes, else the extra parameters of its message. Blanks always pass
(required is its own rule). No polars here: the coercion uses these declarations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..core import codes
from ..core.errors import CalcError
from ..core.messages import shown
from ..core.numbers import to_decimal
from ..model.findings import Severity
from .idcard_column import valid_id_numbers
from .registry import Args, Rule, Scope, Source, declare, register

E, W = Severity.ERROR, Severity.WARNING

# --- the coercion of a raw cell (reading/coercion.py applies them) ----------------------

for _id, _severity, _doc in (
    ("number_as_text", W, "a number stored as text is read as the number"),
    ("percent_text", W, "a percentage typed as text (5%) is read as the rate"),
    ("date_as_text", W, "a date typed as text (2020.3.5, 2020年3月5日) is read as the date"),
    ("date_serial", W, "a bare number in a date column is read as an Excel date serial"),
    ("month_as_text", W, "a month written another way (2020.2, 2020年2月) is read as 2020-02"),
    ("yes_no_coerced", W, "yes/no written another way (Y, 1, 对) is read as 是/否"),
    ("code_normalized", W, "a code with spaces, full-width or lower-case characters is tidied"),
    ("formula_error", E, "the cell holds a formula error value (#DIV/0!, #N/A …)"),
    ("uncalculated", W, "a formula without a calculated value (never opened in Excel)"),
    ("bad_number", E, "a number column holds something that is not a number"),
    ("bad_count", E, "a count column holds something that is not a whole number ≥ 0"),
    ("bad_date", E, "a date column holds something that is not a date"),
    ("bad_month", E, "a month column holds something that is not a year-month"),
    ("bad_yes_no", E, "a yes/no column holds something other than 是/否"),
    ("bad_rate", E, "a rate column holds something that is not a rate"),
    ("bad_text", E, "a text or code column holds TRUE/FALSE (a code column: also a date)"),
    # issue 12, values (docs/real-workbooks.md)
    ("invisible_char", W, "a no-break or zero-width space in a text value is removed"),
    ("rate_as_points", E, "a rate above 100% (16 for 16%): the likely rate is named"),
    ("code_as_number", E, "a code of 16+ digits stored as a number: Excel lost its last digits"),
    ("date_without_year", W, "a date typed without its year (3月5日) takes 统计日期's year"),
):
    declare(_id, Scope.CELL, Source.COERCION, _severity, _doc)


# --- a column's own properties (pandera's nullable, isin, in_range) ----------------------

def _plain(args: Args, row: dict[str, Any], ctx: Any, fact: Any) -> dict[str, Any]:
    return {"column": args["column"]}


def _with_value(args: Args, row: dict[str, Any], ctx: Any, fact: Any) -> dict[str, Any]:
    return {"column": args["column"], "value": shown(row.get(args["column"]))}


def _enum(args: Args, row: dict[str, Any], ctx: Any, fact: Any) -> dict[str, Any]:
    return {**_with_value(args, row, ctx, fact), "choices": args["choices"]}


def _percent(value: Any) -> str:
    number = to_decimal(value) * 100
    return f"{number.normalize():f}%"


def _range(args: Args, row: dict[str, Any], ctx: Any, fact: Any) -> dict[str, Any]:
    params = {**_with_value(args, row, ctx, fact), "low": args["low"], "high": args["high"]}
    if args.get("rate"):
        params.update({k: _percent(params[k]) for k in ("value", "low", "high")})
    return params


register(Rule("required", Scope.CELL, Source.COLUMN, E, "a required cell is blank",
              explain=_plain))
register(Rule("enum", Scope.CELL, Source.COLUMN, E,
              "the value is not one of the column's allowed values", explain=_enum))
register(Rule("range", Scope.CELL, Source.COLUMN, E, "the value is outside the column's range",
              explain=_range))

# --- the cell rules a column names in ``checks:`` ----------------------------------------

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
WAN_LIMIT = 100000  # 10 亿元 in 万元: above this an amount was almost surely typed in 元

CellTest = Callable[[Any, Any], dict[str, Any] | None]


def _reason(func: Callable[[Any], Any]) -> CellTest:
    def test(value: Any, ctx: Any) -> dict[str, Any] | None:
        try:
            func(value)
        except CalcError as exc:
            return {"reason": exc.message("zh"), "reason_en": exc.message("en")}
        return None
    return test


def _pattern(pattern: re.Pattern[str]) -> CellTest:
    def test(value: Any, ctx: Any) -> dict[str, Any] | None:
        text = re.sub(r"[\s-]", "", str(value)) if pattern is MOBILE else str(value).strip()
        return None if pattern.match(text) else {}
    return test


def _wan(value: Any, ctx: Any) -> dict[str, Any] | None:
    return {} if value is not None and float(value) > WAN_LIMIT else None


def _cell_rule(rule_id: str, test: CellTest, doc: str, severity: Severity = E,
               bulk: Callable[[list[str]], list[bool]] | None = None) -> Rule:
    def explain(args: Args, row: dict[str, Any], ctx: Any, fact: Any) -> dict[str, Any]:
        value = row.get(args["column"])
        return {"column": args["column"], "value": shown(value), **(test(value, ctx) or {})}

    rule = register(Rule(rule_id, Scope.CELL, Source.COLUMN, severity, doc, test=test,
                         explain=explain))
    CELL_RULES[rule_id] = rule
    if bulk:
        BULK[rule_id] = bulk
    return rule


CELL_RULES: dict[str, Rule] = {}
BULK: dict[str, Callable[[list[str]], list[bool]]] = {}  # rules a column of text takes at once

_cell_rule("uscc", _reason(codes.validate_uscc),
           "统一社会信用代码 fails GB 32100 (length, characters, both check characters)")
_cell_rule("idcard", _reason(codes.validate_id_number),
           "身份证号 fails GB 11643 (length, birth date, check character) or its first six "
           "digits are no division code (python-stdnum)",
           bulk=valid_id_numbers)
_cell_rule("mobile", _pattern(MOBILE), "not an 11-digit mobile number")
_cell_rule("phone", _pattern(PHONE), "not a mobile or fixed-line number")
_cell_rule("wan_magnitude", _wan, "an amount in 万元 above 10 亿: probably typed in 元",
           severity=W)


def cell_rule_severity(rule: Rule, column_severity: str) -> Severity:
    """A cell rule that is only ever a 警告 stays one; the others take the column's."""
    return rule.severity if rule.severity is Severity.WARNING else Severity(column_severity)


def cell_rule_ok(rule_id: str, values: list[Any], ctx: Any) -> list[bool]:
    """True where a value passes cell rule ``rule_id`` (blanks pass). Each distinct value is
    checked once, or, for a rule checked in bulk, the column at once when it holds text."""
    bulk = BULK.get(rule_id)
    if bulk and set(map(type, values)) == {str}:
        return bulk(values)
    present = [v for v in values if v is not None]
    if bulk and all(isinstance(v, str) for v in present):
        distinct = list(dict.fromkeys(present))
        verdicts = dict(zip(distinct, bulk(distinct), strict=True))
    else:
        test = CELL_RULES[rule_id].test
        assert test is not None
        verdicts = {v: test(v, ctx) is None for v in set(present)}
    return [True if v is None else verdicts[v] for v in values]


__all__ = ["CELL_RULES", "MOBILE", "PHONE", "WAN_LIMIT", "cell_rule_ok", "cell_rule_severity"]
