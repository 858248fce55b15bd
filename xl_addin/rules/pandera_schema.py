"""The pandera schema of a sheet, built from its spec and the registry (pandera's polars
backend: docs/performance.md says why polars).

A column's properties become pandera's own checks (``nullable``, ``unique``, ``isin``,
``in_range``). The registered rules of the sheet (the cell rules a column lists, the rules
of the sheet's ``checks:`` and the derived columns) are one pandera check of the frame,
``fg_rules``, that calls each rule's ``test`` and passes a row when every rule passes it:
pandera's polars backend costs about a millisecond per check whatever the rows, and a
sheet has up to forty rules. What each rule decided is kept in the context
(``RuleContext.passed``, by tag) so that a failing row is reported under each rule it fails.

Every check carries a tag (``error=``) of the form ``rule|column|n`` that maps a failure
back to the rule, the column it marks and the arguments of this use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandera.polars as pa
import polars as pl

from ..model.findings import Severity
from ..model.spec import ColumnSpec, SheetSpec
from .cell import CELL_RULES, cell_rule_ok, cell_rule_severity
from .context import CURRENT, RuleContext
from .registry import REGISTRY, all_rules

# The tag of the check that runs the registered rules of a sheet
RULES_TAG = "fg_rules"


@dataclass(frozen=True)
class Tag:
    """What a pandera check stands for: the rule, the column a failure is marked on, its
    severity and the arguments of this use of the rule."""

    rule: str
    column: str
    severity: Severity
    args: dict[str, Any]


# One use of a registered rule: (tag, test) where test(frame, ctx) is True where a row passes
Use = tuple[str, Callable[[pl.DataFrame, RuleContext], Any]]


def _cell_test(rule: str, column: str, df: pl.DataFrame, ctx: RuleContext) -> list[bool]:
    return cell_rule_ok(rule, ctx.column(df, column), ctx)


def _rule_test(rule: str, args: dict[str, Any], df: pl.DataFrame, ctx: RuleContext) -> Any:
    return REGISTRY[rule].test(df, args, ctx)  # type: ignore[misc]


def _run_rules(data: Any, *, uses: tuple[Use, ...]) -> pl.LazyFrame:
    """The check ``fg_rules``: every use of a registered rule on the sheet of the current
    context; True where a row passes them all."""
    ctx = CURRENT.get()
    df = ctx.frame if ctx.frame is not None else data.lazyframe.collect()
    passed = pl.Series("ok", [True] * len(df), dtype=pl.Boolean)
    for key, test in uses:
        verdict = test(df, ctx)
        mask = verdict if isinstance(verdict, pl.Series) else pl.Series(verdict,
                                                                          dtype=pl.Boolean)
        mask = mask.fill_null(False).alias("ok")
        ctx.passed[key] = mask
        passed = passed & mask
    return pl.LazyFrame([passed])


def _column_checks(spec: ColumnSpec, tags: dict[str, Tag], uses: list[Use]) -> list[pa.Check]:
    out = []

    def tag(rule: str, severity: str, args: dict[str, Any]) -> str:
        key = f"{rule}|{spec.name}|{len(tags)}"
        tags[key] = Tag(rule, spec.name, Severity(severity), {"column": spec.name, **args})
        return key

    if spec.enum:
        out.append(pa.Check.isin(list(spec.enum), error=tag(
            "enum", spec.severity, {"choices": "/".join(spec.enum)})))
    if spec.min is not None or spec.max is not None:
        low = spec.min if spec.min is not None else 0
        high = spec.max if spec.max is not None else float("inf")
        out.append(pa.Check.in_range(low, high, error=tag(
            "range", spec.severity, {"low": low, "high": high, "rate": spec.type == "rate"})))
    for name in spec.checks:
        if name in CELL_RULES:
            severity = cell_rule_severity(CELL_RULES[name], spec.severity)
            uses.append((tag(name, severity, {}), partial(_cell_test, name, spec.name)))
    return out


_CACHE: dict[tuple[str, tuple[str, ...]], tuple[pa.DataFrameSchema, dict[str, Tag]]] = {}


def build_schema(sheet: SheetSpec, present: list[str]) -> tuple[pa.DataFrameSchema,
                                                                dict[str, Tag]]:
    """The pandera schema of ``sheet`` over the columns ``present`` in the workbook, built
    once per layout. Run it with ``context.CURRENT`` set to the sheet's context."""
    key = (sheet.key, tuple(present))
    if key not in _CACHE:
        _CACHE[key] = _build(sheet, present)
    return _CACHE[key]


def _build(sheet: SheetSpec, present: list[str]) -> tuple[pa.DataFrameSchema, dict[str, Tag]]:
    all_rules()
    tags: dict[str, Tag] = {}
    uses: list[Use] = []
    columns = {}
    for spec in sheet.columns:
        if spec.name not in present:
            continue
        columns[spec.name] = pa.Column(nullable=not spec.required, unique=bool(spec.unique),
                                       checks=_column_checks(spec, tags, uses), required=False)
        for rule in ("required", "unique"):
            tags[f"{rule}|{spec.name}"] = Tag(rule, spec.name, Severity.ERROR,
                                              {"column": spec.name})
    for check in sheet.checks:
        rule = REGISTRY[check.check]
        for args in rule.uses(check.args):
            if any(name not in present for name in rule.reads(args)):
                continue
            marked = rule.marks(args)
            key = f"{rule.id}|{marked}|{len(tags)}"
            tags[key] = Tag(rule.id, marked, Severity(check.severity or rule.severity), args)
            uses.append((key, partial(_rule_test, rule.id, args)))
    for spec in sheet.columns:
        if spec.derived and spec.name in present:
            key = f"derived|{spec.name}|{len(tags)}"
            tags[key] = Tag("derived", spec.name, Severity(spec.severity), {"column": spec.name})
            uses.append((key, partial(_rule_test, "derived", {"column": spec.name})))
    checks = [pa.Check(partial(_run_rules, uses=tuple(uses)), error=RULES_TAG,
                       name=RULES_TAG, ignore_na=False)] if uses else []
    return pa.DataFrameSchema(columns, checks=checks, name=sheet.key), tags
