"""Checking one workbook, as a worker process does for each file: validation, the
values the rules between workbooks compare, and the counts of the county summary.

This module imports polars, pandera and pydantic; the worker processes of ``batch`` import
it, the parent process does not."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

from ..core.codes import mask_id_number, mask_phone
from ..core.errors import CalcError
from ..core.policy import Policy, load_policy
from ..core.status import HazardStatus, IssueStatus, hazard_status, issue_status
from ..model.spec import load_workbook_spec
from ..outputs.indicators import IndicatorContext, compute_counts, previous_month
from ..reading.addresses import column_letter
from ..reading.limits import Limits
from ..rules.context import column_values, python_value
from ..rules.days import REGISTERS, STAFF_JUMP_PARAMETER, DayRegister, column_keys
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
                   modified=modified, open_items=open_items(result))


def warm_up() -> None:
    """Start what polars starts on its first use (its thread pool, its allocator's arenas:
    several hundred MiB of address space, hardly any of it used) with a few operations of
    the kinds the checks run, so that a worker's memory limit, set next, is on what a file
    adds and not on the program starting up (``batch._init_worker``)."""
    import polars as pl

    frame = pl.DataFrame({"n": list(range(2048)), "k": [str(i % 7) for i in range(2048)]})
    frame.sort("n", nulls_last=True, maintain_order=True).with_columns(
        c=pl.col("n").cum_sum().over("k"), d=pl.len().over("k")).filter(pl.col("n") > 1)
    frame["k"].is_duplicated()
    frame["k"].value_counts()
    frame.lazy().select(pl.col("n").is_not_null().all()).collect()


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
        if frame is None or data is None or any(c not in frame.columns for c in spec.key):
            continue
        wanted = [c for c in (*spec.key, *spec.kept, *filter(None, [spec.name]))
                  if c in frame.columns]
        values = {c: column_values(frame[c]) for c in wanted}
        kept = tuple(c for c in (*spec.kept, *(spec.key if spec.ledger else ()))
                     if c in frame.columns)
        keyed = column_keys(spec, values, len(frame))
        kept_values = [values[c] for c in kept]
        registers[spec.sheet_key] = DayRegister(
            data.name, {c: column_letter(data.columns[c]) for c in wanted if c in data.columns},
            kept, tuple(match for _, match, _ in keyed),
            tuple(None if label == match else label for _, match, label in keyed),
            tuple(data.rows[i] for i, _, _ in keyed),
            tuple(tuple(one(column[i]) for column in kept_values) if kept else ()
                  for i, _, _ in keyed))
    return registers


def county_keys(result: ValidatedWorkbook) -> dict[str, list[tuple[str, str, str]]]:
    """"sheet.column" → (value, sheet, cell) of every value of a column that must be unique
    across the county (compared between workbooks by ``rules.county``)."""
    keys: dict[str, list[tuple[str, str, str]]] = {}
    for sheet in load_workbook_spec().data_sheets:
        for column in sheet.columns:
            frame = result.tables.get(sheet.key)
            if column.unique != "county" or frame is None or column.name not in frame.columns:
                continue
            data = result.addresses[sheet.key]
            keys[f"{sheet.sheet}.{column.name}"] = [
                (value, sheet.sheet, data.address(column.name, i))
                for i, value in enumerate(frame[column.name].to_list()) if value is not None
            ]
    return keys


OPEN_ISSUES = (IssueStatus.IN_PROGRESS, IssueStatus.OVERDUE)
ISSUE_FIELDS = ("id", "enterprise", "category", "description", "raised_on", "deadline",
                "closed_on", "department", "handling")
HAZARD_FIELDS = ("id", "enterprise", "description", "level", "found_on", "deadline",
                 "owner", "done_on", "verdict")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def open_items(result: ValidatedWorkbook) -> dict[str, list[dict[str, Any]]]:
    """The rows of 问题交办台账 still open (办理中, 逾期) and of 安全隐患台账 not 已销号 on the
    workbook's 统计日期, for the county's dispatch list: the status recomputed from the
    row's dates with ``core.status`` (the typed 状态 may be stale; a wrong one is a finding
    of its own), the values by column key, dates as ``datetime.date``, and the row's first
    cell. Free text is kept with any 身份证号 or mobile number in it masked. Nothing when
    the workbook has no 统计日期 (no status can be known)."""
    if result.as_of is None:
        return {}
    spec = load_workbook_spec()
    out: dict[str, list[dict[str, Any]]] = {"issues": [], "hazards": []}
    for key, fields in (("issues", ISSUE_FIELDS), ("hazards", HAZARD_FIELDS)):
        frame = result.tables.get(key)
        if frame is None or frame.is_empty():
            continue
        sheet = spec.sheet(key)
        names = {f: sheet.label(f) for f in fields if f in sheet.by_key}
        first = sheet.columns[0].name
        for i, row in enumerate(frame.to_dicts()):
            values = {f: _plain(python_value(row.get(name))) for f, name in names.items()}
            status = _status(key, values, result.as_of)
            if status is None:
                continue
            values["status"] = status
            values["cell"] = result.addresses[key].address(first, i)
            out[key].append(values)
    return out


def _status(key: str, values: dict[str, Any], as_of: dt.date) -> str | None:
    """The row's status on ``as_of`` when it is open, else None."""
    if key == "issues":
        closed = values.pop("closed_on")
        issue = issue_status(values["raised_on"], values["deadline"], closed, as_of)
        return issue.value if issue in OPEN_ISSUES else None
    try:
        hazard = hazard_status(values["deadline"], values["done_on"], values["verdict"], as_of)
    except CalcError:  # a 复查结论 outside 合格/不合格 (a finding of its own): not 销号
        hazard = hazard_status(values["deadline"], values["done_on"], None, as_of)
    return None if hazard is HazardStatus.CLOSED else hazard.value


def _plain(value: Any) -> Any:
    """A cell value an Outcome may carry: dates as dates, text with any 身份证号 or mobile
    number masked (a clerk may write a contact into a description)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        value = _ID_NUMBER.sub(lambda m: mask_id_number(m[0]), value)
        return _MOBILE.sub(lambda m: mask_phone(m[0]), value)
    return value
