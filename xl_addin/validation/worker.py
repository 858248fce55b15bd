"""Checking one workbook, as a worker process does for each file: validation, the
values the rules between workbooks compare, and the counts of the county summary.

This module imports pandas, pandera and pydantic; the worker processes of ``batch`` import
it, the parent process does not."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from ..core.errors import CalcError
from ..core.policy import Policy, load_policy
from ..model.spec import load_workbook_spec
from ..outputs.indicators import IndicatorContext, compute_counts, previous_month
from ..reading.addresses import column_letter
from ..reading.limits import Limits
from ..rules.context import column_values
from ..rules.days import REGISTERS, STAFF_JUMP_PARAMETER, DayRegister, row_keys
from ..rules.registry import rule
from .outcome import Outcome
from .workbook import ValidatedWorkbook, validate_path


def outcome_of(path: str, display: str, as_of: dt.date | None, policy_path: str | None,
               month: str | None, limits: Limits) -> Outcome:
    """The outcome of checking the workbook at ``path``."""
    policy = load_policy(policy_path)
    result = validate_path(path, display, as_of, policy, limits)
    if result.error is not None:
        finding = rule(result.error.code).finding(display, params=result.error.params)
        return Outcome(path, display, [finding], unreadable=True, policy=policy.label,
                       townships=tuple(policy.townships))
    month = month or previous_month(result.as_of or dt.date.today())
    context = IndicatorContext(month, result.cover)
    modified = modification_time(path)
    return Outcome(path, display, result.findings, cover=result.cover, as_of=result.as_of,
                   counts=compute_counts(result.tables, context), keys=county_keys(result),
                   policy=policy.label, townships=tuple(policy.townships),
                   days=day_registers(result), parameters=batch_parameters(policy, result.as_of),
                   modified=modified)


def modification_time(path: str) -> float:
    """When the file was last written (of two workbooks of one township and day, the newer
    is used: ``rules.county.select_workbooks``)."""
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def batch_parameters(policy: Policy, as_of: dt.date | None) -> dict[str, Any]:
    """The policy values the rules of the batch need (the command's process never loads the
    policy), in force on the workbook's 统计日期."""
    try:
        return {STAFF_JUMP_PARAMETER: policy.get(STAFF_JUMP_PARAMETER, as_of)}
    except CalcError:  # no version in force on that day: that rule is not applied
        return {}


def day_registers(result: ValidatedWorkbook) -> dict[str, DayRegister]:
    """Each register the day rules compare (``rules.days``): every row's key, the values
    compared and their column letters. An 身份证号 is kept only as a digest and masked. Equal
    values are one object (pickled once), so that an outcome stays a few KiB."""
    registers: dict[str, DayRegister] = {}
    shared: dict[tuple[type, Any], Any] = {}

    def one(value: Any) -> Any:
        return shared.setdefault((type(value), value), value)

    for spec in REGISTERS:
        frame, data = result.tables.get(spec.sheet_key), result.addresses.get(spec.sheet_key)
        if frame is None or data is None or any(c not in frame for c in spec.key):
            continue
        wanted = [c for c in (*spec.key, *spec.kept, *filter(None, [spec.name])) if c in frame]
        values = {c: column_values(frame[c]) for c in wanted}
        rows = [{c: values[c][i] for c in wanted} for i in range(len(frame))]
        kept = tuple(c for c in (*spec.kept, *(spec.key if spec.ledger else ())) if c in frame)
        keyed = list(row_keys(spec, rows))
        registers[spec.sheet_key] = DayRegister(
            data.name, {c: column_letter(data.columns[c]) for c in wanted if c in data.columns},
            kept, tuple(match for _, match, _ in keyed),
            tuple(None if label == match else label for _, match, label in keyed),
            tuple(data.rows[i] for i, _, _ in keyed),
            tuple(tuple(one(rows[i][c]) for c in kept) if kept else () for i, _, _ in keyed))
    return registers


def county_keys(result: ValidatedWorkbook) -> dict[str, list[tuple[str, str, str]]]:
    """"sheet.column" → (value, sheet, cell) of every value of a column that must be unique
    across the county (compared between workbooks by ``rules.county``)."""
    keys: dict[str, list[tuple[str, str, str]]] = {}
    for sheet in load_workbook_spec().data_sheets:
        for column in sheet.columns:
            frame = result.tables.get(sheet.key)
            if column.unique != "county" or frame is None or column.name not in frame:
                continue
            data = result.addresses[sheet.key]
            keys[f"{sheet.sheet}.{column.name}"] = [
                (value, sheet.sheet, data.address(column.name, i))
                for i, value in enumerate(frame[column.name].tolist()) if value is not None
            ]
    return keys
