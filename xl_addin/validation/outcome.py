"""What checking a workbook gives the batch: the picklable ``Outcome`` of one workbook (sent
back from its worker process), and the ``Batch`` of them with the findings of the rules
between workbooks. Light: the command's own process renders reports from these."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..model.findings import Finding, Severity, Tally, sort_key
from ..model.spec import sheet_order
from ..rules.days import DayRegister


@dataclass
class Outcome(Tally):
    """The picklable outcome of checking one workbook: its findings, its cover, and what
    the county needs of it (the counts of the summary, the values unique in the county)."""

    path: str
    display: str
    findings: list[Finding]
    unreadable: bool = False
    cover: dict[str, Any] = field(default_factory=dict)
    as_of: dt.date | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    keys: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # county-unique
    policy: str = ""
    townships: tuple[str, ...] = ()  # the policy's townships, in its order: the county
    # --- for the rules between reporting days and the choice of one workbook per day ----
    days: dict[str, DayRegister] = field(default_factory=dict)  # sheet key -> its register
    parameters: dict[str, Any] = field(default_factory=dict)  # policy values the batch needs
    modified: float = 0.0  # the file's modification time (a resubmission: the newer is used)
    # the dispatch list (outputs/dispatch.py): {"issues": [...], "hazards": [...]}, the rows
    # still open on 统计日期, each a dict of plain values (validation/worker.py open_items)
    open_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Batch:
    results: list[Outcome]
    findings: list[Finding]  # the rules between workbooks
    # a workbook not used (the same township and day as a newer one) -> the one used
    superseded: dict[str, str] = field(default_factory=dict)

    @property
    def townships(self) -> tuple[str, ...]:
        """The county's townships, from the policy the workers used (one policy per batch);
        empty when no workbook reached a worker's check (then nothing is said about the
        townships that have not reported)."""
        return policy_townships(self.results)

    @functools.cached_property
    def all_findings(self) -> list[Finding]:
        order = sheet_order()
        return sorted([f for r in self.results for f in r.findings] + self.findings,
                      key=lambda f: sort_key(f, order))

    @functools.cached_property
    def _cross_errors(self) -> Counter[str | None]:
        return Counter(f.workbook for f in self.findings if f.severity is Severity.ERROR)

    def errors_of(self, result: Outcome) -> int:
        """The 错误 of one workbook, those of the rules between workbooks included."""
        return result.errors + self._cross_errors[result.display]

    @property
    def exit_code(self) -> int:
        """0: no 错误; 1: some 错误; 2: some file could not be read at all."""
        if any(r.unreadable for r in self.results):
            return 2
        return 1 if any(f.severity is Severity.ERROR for f in self.all_findings) else 0


def policy_townships(results: list[Outcome]) -> tuple[str, ...]:
    """The townships of the policy of the first outcome that carries them."""
    return next((r.townships for r in results if r.townships), ())
