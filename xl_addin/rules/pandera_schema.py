"""The pandera schema of a sheet, built from its spec and the registry.

A column's properties become pandera's own checks (``nullable``, ``unique``, ``isin``,
``in_range``); the cell rules a column lists, the rules of the sheet's ``checks:`` and the
derived columns become three registered check methods (``fg_cell_rule``, ``fg_row_rule``,
``fg_derived``) that call the rule's ``test``. Every check carries a tag (``error=``) of
the form ``rule|column|n`` that maps a pandera failure back to the rule, the column it
marks and the arguments of this use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from ..model.findings import Severity
from ..model.spec import ColumnSpec, SheetSpec
from .cell import CELL_RULES, cell_rule_ok, cell_rule_severity
from .context import CURRENT
from .registry import REGISTRY, all_rules


@dataclass(frozen=True)
class Tag:
    """What a pandera check stands for: the rule, the column a failure is marked on, its
    severity and the arguments of this use of the rule."""

    rule: str
    column: str
    severity: Severity
    args: dict[str, Any]


_REGISTERED = False


def register_checks() -> None:
    """Register the check methods with pandera (once)."""
    global _REGISTERED
    if _REGISTERED:
        return
    all_rules()

    def fg_row_rule(pandas_obj: pd.DataFrame, *, rule: str, args: dict[str, Any]) -> pd.Series:
        return REGISTRY[rule].test(pandas_obj, args, CURRENT.get())  # type: ignore[misc]

    def fg_cell_rule(pandas_obj: pd.Series, *, rule: str) -> pd.Series:
        ctx = CURRENT.get()
        return pd.Series(cell_rule_ok(rule, ctx.column(pandas_obj), ctx),
                         index=pandas_obj.index)

    def fg_derived(pandas_obj: pd.DataFrame, *, column: str) -> pd.Series:
        return REGISTRY["derived"].test(pandas_obj, {"column": column},  # type: ignore[misc]
                                        CURRENT.get())

    extensions.register_check_method(statistics=["rule", "args"],
                                     supported_types=pd.DataFrame)(fg_row_rule)
    extensions.register_check_method(statistics=["rule"], supported_types=pd.Series)(fg_cell_rule)
    extensions.register_check_method(statistics=["column"],
                                     supported_types=pd.DataFrame)(fg_derived)
    _REGISTERED = True


def _column_checks(spec: ColumnSpec, tags: dict[str, Tag]) -> list[pa.Check]:
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
            out.append(pa.Check.fg_cell_rule(rule=name, ignore_na=False,
                                             error=tag(name, severity, {})))
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
    register_checks()
    tags: dict[str, Tag] = {}
    columns = {}
    for spec in sheet.columns:
        if spec.name not in present:
            continue
        columns[spec.name] = pa.Column(nullable=not spec.required, unique=bool(spec.unique),
                                       checks=_column_checks(spec, tags), required=False)
        for rule in ("required", "unique"):
            tags[f"{rule}|{spec.name}"] = Tag(rule, spec.name, Severity.ERROR,
                                              {"column": spec.name})
    frame_checks = []
    for check in sheet.checks:
        rule = REGISTRY[check.check]
        for args in rule.uses(check.args):
            if any(name not in present for name in rule.reads(args)):
                continue
            marked = rule.marks(args)
            key = f"{rule.id}|{marked}|{len(tags)}"
            tags[key] = Tag(rule.id, marked, Severity(check.severity or rule.severity), args)
            frame_checks.append(pa.Check.fg_row_rule(rule=rule.id, args=args, error=key))
    for spec in sheet.columns:
        if spec.derived and spec.name in present:
            key = f"derived|{spec.name}|{len(tags)}"
            tags[key] = Tag("derived", spec.name, Severity(spec.severity), {"column": spec.name})
            frame_checks.append(pa.Check.fg_derived(column=spec.name, ignore_na=False,
                                                    error=key))
    return pa.DataFrameSchema(columns, checks=frame_checks, name=sheet.key), tags
