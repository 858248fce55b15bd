"""Checking many workbooks: files and folders, in parallel processes, plus the rules
between workbooks (a credit code in two townships, two workbooks for one township
and date)."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .core.policy import load_policy
from .findings import Finding, Severity, sort_key
from .indicators import Context, compute_counts, previous_month
from .schema import load_workbook_spec, sheet_order
from .validate import validate_path

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".csv"}


@dataclass
class Checked:
    """The picklable outcome of checking one workbook."""

    path: str
    display: str
    findings: list[Finding]
    unreadable: bool = False
    cover: dict[str, Any] = field(default_factory=dict)
    as_of: dt.date | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # county-unique
    policy: str = ""

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def township(self) -> str | None:
        return self.cover.get("填报单位")


@dataclass
class Batch:
    results: list[Checked]
    findings: list[Finding]  # the rules between workbooks

    @property
    def all_findings(self) -> list[Finding]:
        order = sheet_order()
        return sorted([f for r in self.results for f in r.findings] + self.findings,
                      key=lambda f: sort_key(f, order))

    @property
    def exit_code(self) -> int:
        """0: no 错误; 1: some 错误; 2: some file could not be read at all."""
        if any(r.unreadable for r in self.results):
            return 2
        return 1 if any(f.severity is Severity.ERROR for f in self.all_findings) else 0


def collect(paths: Iterable[str]) -> list[tuple[str, str]]:
    """(path, display) of every workbook named or found in the folders named, in order."""
    out: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (child.suffix.lower() in WORKBOOK_SUFFIXES and not child.name.startswith("~$")
                        and not child.name.startswith(".") and not child.is_dir()):
                    out.append((str(child), str(child)))
        else:
            out.append((str(path), given))
    return out


def check_one(path: str, display: str, as_of: dt.date | None = None,
              policy_path: str | None = None, month: str | None = None) -> Checked:
    """Check one workbook (runs in a worker process)."""
    policy = load_policy(policy_path)
    result = validate_path(path, display, as_of, policy)
    if result.error is not None:
        finding = Finding(display, None, None, None, None, result.error.rule, Severity.ERROR,
                          result.error.params)
        return Checked(path, display, [finding], unreadable=True, policy=policy.label)
    spec = load_workbook_spec()
    keys: dict[str, list[tuple[str, str, str]]] = {}
    for sheet in spec.data_sheets:
        for column in sheet.columns:
            frame = result.tables.get(sheet.key)
            if column.unique != "county" or frame is None or column.name not in frame:
                continue
            data = result.addresses[sheet.key]
            keys[f"{sheet.sheet}.{column.name}"] = [
                (value, sheet.sheet, data.address(column.name, i))
                for i, value in enumerate(frame[column.name].tolist()) if value is not None
            ]
    context = Context(month or previous_month(result.as_of or dt.date.today()), result.cover)
    counts = compute_counts(result.tables, context)
    return Checked(path, display, result.findings, cover=result.cover, as_of=result.as_of,
                   counts=counts, keys=keys, policy=policy.label)


def _safe_check(args: tuple[str, str, dt.date | None, str | None, str | None]) -> Checked:
    path, display = args[0], args[1]
    try:
        return check_one(*args)
    except Exception as exc:  # never let one file stop the batch
        finding = Finding(display, None, None, None, None, "worker_failed", Severity.ERROR,
                          {"file": display, "detail": f"{type(exc).__name__}: {exc}"[:200]})
        return Checked(path, display, [finding], unreadable=True)


def cross_checks(results: list[Checked]) -> list[Finding]:
    """Rules between workbooks."""
    findings: list[Finding] = []
    seen: dict[str, dict[str, list[tuple[Checked, str, str]]]] = defaultdict(
        lambda: defaultdict(list))
    for result in results:
        for key, values in result.keys.items():
            for value, sheet, cell in values:
                seen[key][value].append((result, sheet, cell))
    for key, by_value in seen.items():
        column = key.split(".", 1)[1]
        for value, places in by_value.items():
            books = {r.display for r, _, _ in places}
            if len(books) < 2:
                continue
            for result, sheet, cell in places:
                others = "、".join(sorted(f"{Path(r.display).name}!{c}" for r, _, c in places
                                          if r.display != result.display))
                findings.append(Finding(result.display, sheet, cell, int("".join(
                    ch for ch in cell if ch.isdigit())), column, "county_duplicate",
                    Severity.ERROR, {"column": column, "value": value, "other": others}, value))
    groups: dict[tuple[str, str], list[Checked]] = defaultdict(list)
    for result in results:
        if result.township and result.as_of:
            groups[(result.township, result.as_of.isoformat())].append(result)
    for (township, date), group in groups.items():
        if len(group) < 2:
            continue
        for result in group:
            others = "、".join(r.display for r in group if r is not result)
            findings.append(Finding(result.display, "封面", None, None, "填报单位",
                                    "duplicate_workbook", Severity.ERROR,
                                    {"township": township, "date": date, "others": others}))
    return findings


def check_paths(paths: Iterable[str], as_of: dt.date | None = None, jobs: int | None = None,
                policy_path: str | None = None, month: str | None = None,
                progress: Callable[[Checked], None] | None = None) -> Batch:
    """Check every workbook named or found under ``paths``."""
    files = collect(paths)
    tasks = [(p, d, as_of, policy_path, month) for p, d in files]
    jobs = jobs or min(len(tasks), os.cpu_count() or 1) or 1
    results: list[Checked] = []
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.append(_safe_check(task))
            if progress:
                progress(results[-1])
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for checked in pool.map(_safe_check, tasks, chunksize=1):
                results.append(checked)
                if progress:
                    progress(checked)
    return Batch(results, cross_checks([r for r in results if not r.unreadable]))
