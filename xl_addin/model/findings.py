"""One record for everything the checks find: reader quirks and rule failures alike."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from ..core.messages import Lang, text
from .spec import cover_label


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    def label(self, lang: Lang = "zh") -> str:
        if lang == "zh":
            return "错误" if self is Severity.ERROR else "警告"
        return self.value


@dataclass(frozen=True)
class Finding:
    """A finding at a cell (or a sheet or workbook when ``cell`` is None; or of the county,
    about no workbook, when ``workbook`` is None: a township that has not reported).

    ``message`` is rendered from ``rule`` and ``params`` through the message
    catalog, in either language.
    """

    workbook: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    column: str | None
    rule: str
    severity: Severity
    params: dict[str, Any] = field(default_factory=dict)
    value: Any = None
    expected: Any = None

    def message(self, lang: Lang = "zh") -> str:
        return text(self.rule, lang, **self.params)

    @property
    def location(self) -> str:
        """``规模工业企业!F7``, a sheet name, the workbook, or "" for a finding of the
        county (its message names what it is about)."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.workbook or ""

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["message"] = self.message(lang)
        data["message_zh"] = self.message("zh")
        data["message_en"] = self.message("en")
        return data


class Tally:
    """Counts over ``self.findings``, and the township of ``self.cover``, for the result
    records of one workbook."""

    findings: list[Finding]
    cover: dict[str, Any]

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)

    @property
    def township(self) -> str | None:
        return self.cover.get(cover_label("township"))


def sort_key(finding: Finding, sheet_order: dict[str, int] | None = None) -> tuple[Any, ...]:
    """Workbook (the county's findings last), then sheet (in the standard workbook's order
    when given), row, column."""
    order = (sheet_order or {}).get(finding.sheet or "", -1 if finding.sheet is None else 999)
    letters = "".join(ch for ch in (finding.cell or "") if ch.isalpha())
    column = (len(letters), letters)
    return (finding.workbook is None, finding.workbook or "", order, finding.sheet or "",
            finding.row or 0, column, finding.rule)
