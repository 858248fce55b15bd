"""Which sheet of a workbook is which standard sheet, as people name them.

A sheet is a candidate for a standard sheet when its name, compared by ``header_key``
(NFKC, no white space), is

0. the standard name exactly;
1. the standard name with spaces or full-width forms (``规模工业企业 ``);
2. a name counties use, declared in the sheet's schema (``synonyms:``: 规上工业企业);
3. one of those followed by the suffix of a copy (Excel's ``规模工业企业 (2)``, WPS's
   ``规模工业企业(2)``, LibreOffice's ``规模工业企业_2``, ``规模工业企业 - 副本``).

The best candidate is read (the lower kind, then the first in the workbook). One candidate
of kind 1–3: a 警告 naming it; two or more: an 错误 naming two of them and the one read.
Docs: docs/real-workbooks.md, "Sheet names".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.findings import Finding
from ..model.spec import SheetSpec, WorkbookSpec, header_key
from ..rules.sheet import SHEET_AMBIGUOUS, SHEET_NAME_TOLERATED

_COPY = re.compile(r"(?:\(\d+\)|_\d+|-?副本(?:\(\d+\)|\d+)?)$")


@dataclass(frozen=True)
class SheetMatch:
    """A standard sheet and the workbook's sheet read for it (None: none), with the other
    candidates."""

    spec: SheetSpec
    name: str | None
    kind: int = 0  # 0 exact … 3 a copy (module docstring)
    others: tuple[str, ...] = ()

    def findings(self, display: str) -> list[Finding]:
        if self.name is None:
            return []
        if self.others:
            first, second = self.name, self.others[0]
            return [SHEET_AMBIGUOUS.finding(display, self.name, params={
                "standard": self.spec.sheet, "first": first, "second": second,
                "used": self.name})]
        if self.kind:
            return [SHEET_NAME_TOLERATED.finding(display, self.name, params={
                "standard": self.spec.sheet, "found": self.name})]
        return []


def _kind(name: str, plain: dict[str, SheetSpec], synonyms: dict[str, SheetSpec]
          ) -> tuple[SheetSpec, int] | None:
    """The standard sheet ``name`` can be, and the kind of the match (module docstring)."""
    key = header_key(name)
    if key in plain:
        spec = plain[key]
        return spec, 0 if name == spec.sheet else 1
    if key in synonyms:
        return synonyms[key], 2
    base = _COPY.sub("", key)
    if base and base != key and (spec := plain.get(base) or synonyms.get(base)) is not None:
        return spec, 3
    return None


def match_sheets(sheet_names: list[str], spec: WorkbookSpec,
                 kinds: tuple[str, ...] = ("table", "keyvalue")) -> list[SheetMatch]:
    """For every standard sheet of ``kinds``, in the standard order, the sheet read."""
    plain = {header_key(s.sheet): s for s in spec.sheets}
    synonyms = {header_key(n): s for s in spec.sheets for n in s.synonyms}
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for order, name in enumerate(sheet_names):
        found = _kind(name, plain, synonyms)
        if found is not None:
            candidates.setdefault(found[0].sheet, []).append((found[1], order, name))
    out = []
    for sheet in spec.sheets:
        if sheet.kind not in kinds:
            continue
        ranked = sorted(candidates.get(sheet.sheet, []))
        if not ranked:
            out.append(SheetMatch(sheet, None))
            continue
        kind, _, name = ranked[0]
        out.append(SheetMatch(sheet, name, kind, tuple(n for _, _, n in ranked[1:])))
    return out


__all__ = ["SheetMatch", "match_sheets"]
