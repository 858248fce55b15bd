"""pandera schemas built from the sheet specs in ``schemas/*.yaml``.

Every check carries a tag (``error=``) of the form ``rule|column|index`` so a
pandera failure case maps back to the rule, the column to mark and the spec
entry it came from.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pandera.pandas as pa

from ..model.spec import CheckSpec, ColumnSpec, SheetSpec
from .checks import CELL_RULES, CELL_SEVERITY, ROW_RULES, register


@dataclass(frozen=True)
class Tag:
    """What a pandera check stands for."""

    rule: str
    column: str  # the column a failure is marked on
    severity: str
    args: dict[str, Any]


def expand(check: CheckSpec) -> list[CheckSpec]:
    """A rule over ``columns`` that speaks of each column alone becomes one rule per column."""
    per_column = {"not_after_as_of", "required_if_present", "required_if_value"}
    if check.check in per_column and "columns" in check.args:
        rest = {k: v for k, v in check.args.items() if k != "columns"}
        return [CheckSpec(check.check, check.severity, {**rest, "column": c})
                for c in check.args["columns"]]
    if check.check == "date_order" and len(check.args["columns"]) > 2:
        cols = check.args["columns"]
        return [CheckSpec("date_order", check.severity, {"columns": [a, b]})
                for a, b in itertools.pairwise(cols)]
    return [check]


def _column_checks(column: ColumnSpec, tags: dict[str, Tag]) -> list[pa.Check]:
    out = []

    def tag(rule: str, severity: str, args: dict[str, Any] | None = None) -> str:
        key = f"{rule}|{column.name}|{len(tags)}"
        tags[key] = Tag(rule, column.name, severity, args or {})
        return key

    if column.enum:
        out.append(pa.Check.isin(list(column.enum), error=tag("enum", column.severity)))
    if column.min is not None or column.max is not None:
        low = column.min if column.min is not None else 0
        high = column.max if column.max is not None else float("inf")
        out.append(pa.Check.in_range(low, high, error=tag(
            "range", column.severity, {"low": low, "high": high})))
    for rule in column.checks:
        if rule in CELL_RULES:
            out.append(pa.Check.fg_cell_rule(rule=rule, ignore_na=False, error=tag(
                rule, CELL_SEVERITY.get(rule, column.severity))))
    return out


_CACHE: dict[tuple[str, tuple[str, ...]], tuple[pa.DataFrameSchema, dict[str, Tag]]] = {}


def build_schema(sheet: SheetSpec, present: list[str]) -> tuple[pa.DataFrameSchema,
                                                                dict[str, Tag]]:
    """The pandera schema of ``sheet`` over the columns ``present`` in the workbook, built
    once per layout. Run it with ``checks.CURRENT`` set to the sheet's context."""
    key = (sheet.key, tuple(present))
    if key not in _CACHE:
        _CACHE[key] = _build(sheet, present)
    return _CACHE[key]


def _build(sheet: SheetSpec, present: list[str]) -> tuple[pa.DataFrameSchema, dict[str, Tag]]:
    register()
    tags: dict[str, Tag] = {}
    columns = {}
    for column in sheet.columns:
        if column.name not in present:
            continue
        columns[column.name] = pa.Column(
            nullable=not column.required,
            unique=bool(column.unique),
            checks=_column_checks(column, tags),
            required=False,
        )
        tags[f"required|{column.name}"] = Tag("required", column.name, "error", {})
        tags[f"unique|{column.name}"] = Tag("unique", column.name, "error", {})
    frame_checks = []
    for check in (c for spec in sheet.checks for c in expand(spec)):
        wanted = [v for k, v in check.args.items() if k in ("column", "when", "as")]
        wanted += check.args.get("columns", []) + check.args.get("parts", [])
        if check.check == "running_stock":
            wanted += ["日期", "物资名称", "收支", "数量"]
        if check.check not in ROW_RULES or any(w not in present for w in wanted):
            continue
        blame = ROW_RULES[check.check].blame(check.args)
        key = f"{check.check}|{blame}|{len(tags)}"
        tags[key] = Tag(check.check, blame, check.severity, check.args)
        frame_checks.append(pa.Check.fg_row_rule(rule=check.check, args=check.args, error=key))
    for column in sheet.columns:
        if column.derived and column.name in present:
            key = f"derived|{column.name}|{len(tags)}"
            tags[key] = Tag("derived", column.name, column.severity, {})
            frame_checks.append(pa.Check.fg_derived(column=column.name, ignore_na=False,
                                                    error=key))
    return pa.DataFrameSchema(columns, checks=frame_checks, name=sheet.key), tags
