"""Rules between the workbooks of the county: a value that must be unique across the
county (a credit code in two townships' reports), two workbooks for one township and
统计日期, and a township of the county with no workbook of a 统计日期 of the batch. They
compare the outcomes of the workbooks of a batch (``validation.outcome``), in the command's
own process: light, no pandas."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..model.findings import Finding, Severity
from ..model.spec import cover_label
from .registry import Rule, Scope, Source, register


class Outcome(Protocol):
    """What the county rules read of one workbook's outcome (``validation.outcome``)."""

    display: str
    as_of: dt.date | None
    keys: dict[str, list[tuple[str, str, str]]]

    @property
    def township(self) -> str | None: ...

COUNTY_DUPLICATE = register(Rule(
    "county_duplicate", Scope.COUNTY, Source.BATCH, Severity.ERROR,
    "a value of a column marked ``unique: county`` appears in two townships' workbooks of "
    "the same 统计日期"))
DUPLICATE_WORKBOOK = register(Rule(
    "duplicate_workbook", Scope.COUNTY, Source.BATCH, Severity.ERROR,
    "two workbooks for one township and 统计日期"))
TOWNSHIP_MISSING = register(Rule(
    "township_missing", Scope.COUNTY, Source.BATCH, Severity.WARNING,
    "a township of the policy's list has no workbook of a 统计日期 present in a batch of two "
    "or more readable workbooks (a finding of the county: no workbook, sheet or cell)"))


def _some(places: list[str], shown: int = 5) -> str:
    """The first places, and how many more: a value repeated in a thousand workbooks must
    not give a thousand findings that each list the thousand others."""
    more = len(places) - shown
    return "、".join(places[:shown]) + (f" … (+{more})" if more > 0 else "")


def county_findings(results: Sequence[Outcome], townships: Sequence[str] = ()
                    ) -> list[Finding]:
    """The findings of the rules between the workbooks ``results`` (all readable);
    ``townships``: the county's, in the policy's order (none known: none reported
    missing)."""
    return (_duplicates(results) + _duplicate_workbooks(results)
            + _missing_townships(results, townships))


def missing_townships(results: Sequence[Outcome], townships: Sequence[str],
                      day: dt.date) -> list[str]:
    """The townships of ``townships`` with no workbook of ``day`` among ``results``."""
    reported = {r.township for r in results if r.as_of == day}
    return [t for t in townships if t not in reported]


def _missing_townships(results: Sequence[Outcome], townships: Sequence[str]
                       ) -> list[Finding]:
    # one workbook is a township's own check, not the county's: say nothing then
    if len(results) < 2 or not townships:
        return []
    days = sorted({r.as_of for r in results if r.as_of})
    return [TOWNSHIP_MISSING.finding(None, params={"township": township,
                                                   "date": day.isoformat()})
            for day in days for township in missing_townships(results, townships, day)]


def _duplicates(results: Sequence[Outcome]) -> list[Finding]:
    # a county-unique value is compared within one 统计日期: a batch may hold several
    # dates of each township, and an enterprise is in each of its township's reports
    findings: list[Finding] = []
    seen: dict[tuple[str, dt.date | None], dict[str, list[tuple[Outcome, str, str]]]] = (
        defaultdict(lambda: defaultdict(list)))
    for result in results:
        for key, values in result.keys.items():
            for value, sheet, cell in values:
                seen[(key, result.as_of)][value].append((result, sheet, cell))
    for (key, _date), by_value in seen.items():
        column = key.split(".", 1)[1]
        for value, places in by_value.items():
            books = {r.display for r, _, _ in places}
            if len(books) < 2:
                continue
            for result, sheet, cell in places:
                others = _some(sorted(f"{Path(r.display).name}!{c}" for r, _, c in places
                                      if r.display != result.display))
                row = int("".join(ch for ch in cell if ch.isdigit()))
                findings.append(COUNTY_DUPLICATE.finding(
                    result.display, sheet, cell, row, column,
                    {"column": column, "value": value, "other": others}, value))
    return findings


def _duplicate_workbooks(results: Sequence[Outcome]) -> list[Finding]:
    findings: list[Finding] = []
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for result in results:
        if result.township and result.as_of:
            groups[(result.township, result.as_of.isoformat())].append(result)
    for (township, date), group in groups.items():
        if len(group) < 2:
            continue
        for result in group:
            others = _some([r.display for r in group if r is not result])
            findings.append(DUPLICATE_WORKBOOK.finding(
                result.display, "封面", None, None, cover_label("township"),
                {"township": township, "date": date, "others": others}))
    return findings
