"""Checking one workbook, as a worker process does for each file: validation, the
values the rules between workbooks compare, and the counts of the county summary.

This module imports pandas, pandera and pydantic; the worker processes of ``batch`` import
it, the parent process does not."""

from __future__ import annotations

import datetime as dt

from ..core.policy import load_policy
from ..model.spec import load_workbook_spec
from ..outputs.indicators import IndicatorContext, compute_counts, previous_month
from ..reading.limits import Limits
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
    return Outcome(path, display, result.findings, cover=result.cover, as_of=result.as_of,
                   counts=compute_counts(result.tables, context), keys=county_keys(result),
                   policy=policy.label, townships=tuple(policy.townships))


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
