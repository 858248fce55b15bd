"""What a validation marks on a workbook: a fill and a note on each bad cell, and a
校验结果 sheet listing every finding with a link to its cell.

The plan is computed once from the findings; ``annotate`` applies it to an
openpyxl copy and the ribbon applies the same plan through xlwings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..core.messages import Lang, text
from ..model.findings import Finding, Severity

ERROR_FILL = "FFC7CE"  # light red
WARNING_FILL = "FFEB9C"  # light yellow
NOTE_AUTHOR = "xl-addin"


@dataclass(frozen=True)
class Mark:
    sheet: str
    cell: str
    severity: Severity  # the worst severity at the cell
    note: str

    @property
    def fill(self) -> str:
        return ERROR_FILL if self.severity is Severity.ERROR else WARNING_FILL


def plan_marks(findings: list[Finding], lang: Lang = "zh") -> list[Mark]:
    """One mark per bad cell; its note lists every finding at that cell."""
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet and finding.cell:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    marks = []
    for (sheet, cell), items in by_cell.items():
        worst = Severity.ERROR if any(f.severity is Severity.ERROR for f in items) else \
            Severity.WARNING
        note = "\n".join(f"[{f.severity.label(lang)}] {f.message(lang)}" for f in items)
        marks.append(Mark(sheet, cell, worst, note))
    return marks


RESULTS_WIDTHS = (6, 16, 10, 8, 18, 70, 24)  # columns A:G of the 校验结果 sheet


def results_rows(findings: list[Finding], lang: Lang = "zh") -> list[list[object]]:
    """The rows of the 校验结果 sheet (header first)."""
    rows: list[list[object]] = [text("results_header", lang).split("|")]
    for i, f in enumerate(findings, start=1):
        rows.append([i, f.sheet or "", f.cell or "", f.severity.label(lang), f.rule,
                     f.message(lang), "" if f.value is None else str(f.value)])
    return rows


def link_target(sheet: str, cell: str) -> str:
    """An in-workbook hyperlink location: ``'规模工业企业'!F7``."""
    return "'" + sheet.replace("'", "''") + "'!" + cell
