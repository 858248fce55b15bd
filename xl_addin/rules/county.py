"""Rules between the workbooks of the county: a value that must be unique across the
county (a credit code in two townships' reports), two workbooks for one township and
统计日期, and a township of the county with no workbook of a 统计日期 of the batch. They
compare the outcomes of the workbooks of a batch (``validation.outcome``), in the command's
own process: light, no polars.

``select_workbooks`` is the one place that decides which workbook of a township and day is
used (by ``check``'s county and day rules and by ``summary``): the newer file by
modification time; a byte-identical copy is the same report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    modified: float

    @property
    def township(self) -> str | None: ...

COUNTY_DUPLICATE = register(Rule(
    "county_duplicate", Scope.COUNTY, Source.BATCH, Severity.ERROR,
    "a value of a column marked ``unique: county`` appears in two townships' workbooks of "
    "the same 统计日期"))
DUPLICATE_WORKBOOK = register(Rule(
    "duplicate_workbook", Scope.COUNTY, Source.BATCH, Severity.WARNING,
    "two workbooks for one township and 统计日期 (a corrected resubmission, a renamed copy): "
    "the newer by modification time is used, named on each of them with those not used"))
TOWNSHIP_MISSING = register(Rule(
    "township_missing", Scope.COUNTY, Source.BATCH, Severity.WARNING,
    "a township of the policy's list has no workbook of a 统计日期 present in a batch of two "
    "or more readable workbooks (a finding of the county: no workbook, sheet or cell)"))


def _some(places: list[str], shown: int = 5) -> str:
    """The first places, and how many more: a value repeated in a thousand workbooks must
    not give a thousand findings that each list the thousand others."""
    more = len(places) - shown
    return "、".join(places[:shown]) + (f" … (+{more})" if more > 0 else "")


@dataclass
class Selection:
    """The workbooks used, one per township and 统计日期, and those not used."""

    used: list[Outcome]
    groups: list[list[Outcome]]  # two or more workbooks of one township and day, used first
    superseded: dict[str, str] = field(default_factory=dict)  # not used -> the one used


def select_workbooks(results: Sequence[Outcome]) -> Selection:
    """One workbook per township and 统计日期 among ``results`` (readable): the newer by
    modification time (then by name, so that the choice never depends on the order of the
    files); a workbook with no township or day is used as it is. A byte-identical copy is the
    same report, so whichever is used, it counts once."""
    groups: dict[tuple[str, dt.date], list[Outcome]] = defaultdict(list)
    used: list[Outcome] = []
    for result in results:
        if result.township and result.as_of:
            groups[(result.township, result.as_of)].append(result)
        else:
            used.append(result)
    selection = Selection(used, [])
    for group in groups.values():
        group.sort(key=lambda r: (r.modified, r.display), reverse=True)
        newest = group[0]
        used.append(newest)
        if len(group) > 1:
            selection.groups.append(group)
            selection.superseded.update({r.display: newest.display for r in group[1:]})
    order = {id(r): i for i, r in enumerate(results)}
    used.sort(key=lambda r: order[id(r)])
    return selection


def county_findings(results: Sequence[Outcome], townships: Sequence[str] = (),
                    selection: Selection | None = None) -> list[Finding]:
    """The findings of the rules between the workbooks ``results`` (all readable);
    ``townships``: the county's, in the policy's order (none known: none reported
    missing). A value unique in the county is compared between the workbooks used only: a
    township's resubmission repeats its own codes."""
    chosen = selection or select_workbooks(results)
    return (_duplicates(chosen.used) + _duplicate_workbooks(chosen)
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


def _duplicate_workbooks(selection: Selection) -> list[Finding]:
    """On each workbook of a township and day sent more than once: the one used and the
    others, so that every clerk reading either report knows which figures count."""
    findings: list[Finding] = []
    for group in selection.groups:
        used, others = group[0], _some([r.display for r in group[1:]])
        params = {"township": used.township, "date": used.as_of.isoformat() if used.as_of
                  else "", "used": used.display, "others": others}
        findings += [DUPLICATE_WORKBOOK.finding(r.display, "封面", None, None,
                                                cover_label("township"), dict(params))
                     for r in sorted(group, key=lambda r: r.display)]
    return findings
