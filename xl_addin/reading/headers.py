"""Finding a data sheet's header row as people write it, and what each header cell means.

A header cell names a standard column when, compared by ``header_key`` (NFKC, no white
space or line break, no invisible characters), it is

- the standard header itself (职工总数, 金额（万元）);
- its name followed by a unit in brackets (职工总数（人）, 金额(元), 返还比例（单位：%）): the
  unit is compared with the column's standard unit (schemas/headers.yaml ``units``);
- a synonym counties use (schemas/*.yaml ``synonyms:``), with or without a unit;
- in a two-row header, a child under a parent merged across it: parent + child
  (已返岗人数 over 省外 → 已返岗省外, the parent's ending 人数 dropped as
  schemas/headers.yaml ``parent_suffixes`` allows) or the child alone.

The header is the row (or pair of rows) among the first ``HEADER_SCAN_ROWS`` that names
the most standard columns, at least half of them; a pair is taken only when it names more
than either of its rows alone. Positions are the grid's; the caller adds the sheet's
offset. Docs: docs/real-workbooks.md, "Headers".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model.findings import Finding, Severity
from ..model.spec import ColumnSpec, SheetSpec, Unit, header_key, unit_of_name
from ..rules.sheet import (
    HEADER_SYNONYM,
    HEADER_UNIT_MISMATCH,
    HEADER_UNIT_MISSING,
    HEADER_UNIT_UNKNOWN,
    MISSING_COLUMN,
)
from .addresses import column_letter

HEADER_SCAN_ROWS = 30

How = Literal["exact", "unit", "synonym"]
Verdict = Literal["ok", "mismatch", "unknown", "missing"]
_TIER = {"exact": 0, "unit": 1, "synonym": 2}


@dataclass(frozen=True)
class HeaderMatch:
    """What one header cell names: ``column`` found ``how``, the unit written in its
    bracket (None: none) and how that unit compares with the standard one."""

    column: ColumnSpec
    how: How
    unit: str | None = None
    verdict: Verdict = "ok"


@dataclass
class Header:
    """The header found: grid rows ``first``..``last`` (0-based; the data starts after
    ``last``), each standard column's cell (row, column) and match, the header cells that
    name no standard column, and the header's width (its last non-blank column + 1)."""

    first: int
    last: int
    cells: dict[str, tuple[int, int, HeaderMatch]] = field(default_factory=dict)
    written: dict[tuple[int, int], str] = field(default_factory=dict)
    unknown: list[tuple[int, int]] = field(default_factory=list)
    width: int = 0

    @property
    def columns(self) -> dict[str, int]:
        """Standard column → grid column, for the columns that are read (a header whose
        unit contradicts the standard one is not)."""
        return {name: c for name, (_, c, m) in self.cells.items() if m.verdict != "mismatch"}


class Vocabulary:
    """The header keys of one sheet's columns: exact, without the unit bracket, synonyms."""

    def __init__(self, spec: SheetSpec) -> None:
        self.spec = spec
        self.rules = spec.header_rules
        self.exact: dict[str, ColumnSpec] = {}
        self.bases: dict[str, ColumnSpec] = {}
        self.synonyms: dict[str, ColumnSpec] = {}
        for column in spec.columns:
            key = header_key(column.name)
            self.exact[key] = column
            named = unit_of_name(column.name)
            if named is not None and header_key(named) in self.rules.units:
                self.bases[key[:key.rindex("(")]] = column
            for synonym in column.synonyms:
                self.synonyms[header_key(synonym)] = column

    def resolve(self, key: str) -> HeaderMatch | None:
        """The column a header key names, or None."""
        if not key:
            return None
        if (column := self.exact.get(key)) is not None:
            return HeaderMatch(column, "exact")
        if (column := self.synonyms.get(key)) is not None:
            return HeaderMatch(column, "synonym", None, self._verdict(column, None))
        if (column := self.bases.get(key)) is not None:  # 金额 for 金额（万元）
            return HeaderMatch(column, "unit", None, self._verdict(column, None))
        split = _split_unit(key)
        if split is None:
            return None
        base, unit = split
        for prefix in self.rules.prefixes_sorted:
            if unit.startswith(prefix) and len(unit) > len(prefix):
                unit = unit[len(prefix):]
                break
        how: How
        if (column := self.exact.get(base) or self.bases.get(base)) is not None:
            how = "unit"
        elif (column := self.synonyms.get(base)) is not None:
            how = "synonym"
        else:
            return None
        return HeaderMatch(column, how, unit, self._verdict(column, unit))

    def _verdict(self, column: ColumnSpec, unit: str | None) -> Verdict:
        standard = self._unit(column.unit)
        if unit is None:
            named = unit_of_name(column.name)
            # the standard header names a unit other than the plain one of its quantity
            # (金额（万元）): a header without it would be read as 元 by anyone reading it
            if named is not None and standard is not None and standard.scale != 1:
                return "missing"
            return "ok"
        if standard is None:
            return "ok"  # a text, code or date column: a bracket is a note
        written = self._unit(unit)
        if written is None:
            return "unknown"
        same = written.quantity == standard.quantity and written.scale == standard.scale
        return "ok" if same else "mismatch"

    def _unit(self, name: str | None) -> Unit | None:
        return None if name is None else self.rules.units.get(header_key(name))


_VOCABULARIES: dict[int, tuple[SheetSpec, Vocabulary]] = {}


def vocabulary(spec: SheetSpec) -> Vocabulary:
    """The vocabulary of ``spec``, built once per spec object (specs hold dicts: they are
    not hashable; the spec is kept beside its vocabulary so that its id stays its own)."""
    held = _VOCABULARIES.get(id(spec))
    if held is None or held[0] is not spec:
        held = _VOCABULARIES[id(spec)] = (spec, Vocabulary(spec))
    return held[1]


def _split_unit(key: str) -> tuple[str, str] | None:
    """``name(unit)`` or ``name[unit]`` → (name, unit); else None."""
    for opening, closing in (("(", ")"), ("[", "]"), ("【", "】")):
        if key.endswith(closing) and opening in key:
            at = key.rindex(opening)
            if at > 0:
                return key[:at], key[at + 1:-1]
    return None


def _text_key(value: Any) -> str:
    return header_key(value) if isinstance(value, str) else ""


Found = dict[str, tuple[int, int, HeaderMatch]]


def _better(found: Found, match: HeaderMatch, r: int, c: int) -> None:
    name = match.column.name
    held = found.get(name)
    if held is None or _TIER[match.how] < _TIER[held[2].how]:
        found[name] = (r, c, match)


def _one_row(words: Vocabulary, keys: Sequence[str], r: int) -> Found:
    found: Found = {}
    for c, key in enumerate(keys):
        if key and (match := words.resolve(key)) is not None:
            _better(found, match, r, c)
    return found


def _unit_token(words: Vocabulary, key: str) -> str | None:
    """``key`` when it is a unit alone (人, （元）, 单位：万元), as that unit; else None."""
    for opening, closing in (("(", ")"), ("[", "]"), ("【", "】")):
        if key.startswith(opening) and key.endswith(closing):
            key = key[1:-1]
            break
    for prefix in words.rules.prefixes_sorted:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
            break
    return key if key in words.rules.units else None


@dataclass
class _Pair:
    """A header read over two rows: the columns named, the top cells used as parents, the
    label of each child read with its parent, and whether the lower row holds units only
    (a row of units under a one-row header: 人 / 元 / 万元)."""

    found: Found
    parents: set[int]
    labels: dict[tuple[int, int], str]
    units_only: bool


def _two_rows(words: Vocabulary, top: Sequence[str], sub: Sequence[str], r: int) -> _Pair:
    """The columns a header of two rows names (``top`` at grid row ``r``)."""
    pair = _Pair({}, set(), {}, False)
    parent = -1  # the top cell merged over the current children, or -1
    suffixes = words.rules.parent_suffixes
    children = units = 0
    for c in range(max(len(top), len(sub))):
        above = top[c] if c < len(top) else ""
        below = sub[c] if c < len(sub) else ""
        if above:
            parent = c if below else -1
        if not below:
            if above and (match := words.resolve(above)) is not None:
                _better(pair.found, match, r, c)  # a header merged down over both rows
            continue
        children += 1
        unit = _unit_token(words, below)
        units += unit is not None
        candidates = []  # parent + child first, the child alone last
        if parent >= 0:
            head = top[parent]
            candidates.append(head + below)
            candidates += [head[:-len(s)] + below for s in suffixes
                           if head.endswith(s) and len(head) > len(s)]
            if unit is not None:
                candidates.append(f"{head}({unit})")
        candidates.append(below)
        for i, key in enumerate(candidates):
            if (match := words.resolve(key)) is not None:
                _better(pair.found, match, r + 1, c)
                if i < len(candidates) - 1:
                    pair.parents.add(parent)
                    pair.labels[(r + 1, c)] = key
                break
    pair.units_only = children > 0 and units == children
    return pair


def _units_below(words: Vocabulary, keys: Sequence[str], found: Found, r: int
                 ) -> Found | None:
    """``found`` with the units of row ``r`` applied to the columns above them, when that
    row holds units only (None otherwise: a data row). A column whose header named a unit
    already keeps it; the others are judged by the unit below (at the unit's cell)."""
    units = {c: _unit_token(words, key) for c, key in enumerate(keys) if key}
    if not units or None in units.values():
        return None
    out = dict(found)
    for name, (_row, c, match) in found.items():
        unit = units.get(c)
        if unit is None or match.unit is not None:
            continue
        how = "unit" if match.how == "exact" else match.how
        out[name] = (r, c, HeaderMatch(match.column, how, unit,
                                       words._verdict(match.column, unit)))
    return out


def find_header(rows: list[list[Any]], spec: SheetSpec) -> Header | None:
    """The header of a data sheet's grid, or None when no row (or pair of rows) among the
    first ``HEADER_SCAN_ROWS`` names at least half of the standard columns (and two)."""
    words = vocabulary(spec)
    need = max(2, len(spec.columns) // 2)
    every = len(spec.columns)
    height = min(HEADER_SCAN_ROWS, len(rows))
    keys: dict[int, list[str]] = {}
    singles: dict[int, Found] = {}

    def key_row(r: int) -> list[str]:  # each row's keys once, and only the rows looked at
        if r not in keys:
            keys[r] = [_text_key(v) for v in rows[r]]
        return keys[r]

    def single(r: int) -> Found:
        if r not in singles:
            singles[r] = _one_row(words, key_row(r), r)
        return singles[r]

    best: tuple[int, int, Found, _Pair | None] | None = None
    best_score = need - 1
    for r in range(height):
        one = single(r)
        if len(one) > best_score:
            best, best_score = (r, r, one, None), len(one)
        if r + 1 < len(rows) and (len(one) < every or any(
                k and _unit_token(words, k) for k in key_row(r + 1))):
            # (below a complete header, only a row holding a unit can add to it)
            pair = _two_rows(words, key_row(r), key_row(r + 1), r)
            score, below = len(pair.found), len(single(r + 1))
            # a pair when it names more than each of its rows alone, or as many as the top
            # row when the lower row is a row of units qualifying it
            gains = score > max(len(one), below) and score > best_score
            units = (pair.units_only and score >= len(one) and score > below
                     and score >= best_score)
            if gains or units:
                best, best_score = (r, r + 1, pair.found, pair), score
        if best_score == every:
            break  # nothing further can name more (the usual standard header)
    if best is None:
        return None
    first, last, found, pair = best
    if pair is not None and not pair.units_only and last + 1 < len(rows):
        # a row of units under a header of two rows (a title, parents, children, units:
        # a county's paper form): the units qualify the columns above them
        qualified = _units_below(words, key_row(last + 1), found, last + 1)
        if qualified is not None:
            found, last = qualified, last + 1
    header = Header(first, last, found)
    parents = pair.parents if pair else set()
    used = {(r, c) for r, c, _ in found.values()} | {(first, p) for p in parents}
    for r in range(first, last + 1):
        row = rows[r]
        for c, value in enumerate(row):
            if isinstance(value, str) and value.strip():
                header.written[(r, c)] = value
                header.width = max(header.width, c + 1)
                if (r, c) not in used:
                    header.unknown.append((r, c))
            elif value is not None and value != "":
                header.width = max(header.width, c + 1)
    header.unknown.sort(key=lambda rc: (rc[1], rc[0]))
    if pair:
        for (r, c), label in pair.labels.items():  # a child read with its parent
            header.written[(r, c)] = label
    return header


def _if_required(column: ColumnSpec) -> Severity:
    return Severity.ERROR if column.required else Severity.WARNING


def header_findings(header: Header, spec: SheetSpec, display: str, sheet: str, row0: int,
                    col0: int) -> list[Finding]:
    """The findings of a header: each synonym and each unit that is not the standard one,
    at its header cell; each standard column missing, at the header row (the unrecognised
    header cell where the standard order puts it, else the first cell right of the
    header)."""
    out: list[Finding] = []

    def address(r: int, c: int) -> str:
        return f"{column_letter(c + col0)}{r + row0 + 1}"

    for column in spec.columns:
        if column.name not in header.cells:
            continue
        r, c, match = header.cells[column.name]
        written = header.written.get((r, c), "")
        params = {"column": column.name, "written": " ".join(written.split()),
                  "unit": match.unit or "", "expected": column.unit or ""}
        where = (display, sheet, address(r, c), r + row0 + 1, column.name)
        if match.verdict == "mismatch":
            out.append(HEADER_UNIT_MISMATCH.finding(*where, params=params, value=written,
                                                    expected=column.unit))
        elif match.verdict == "unknown":
            out.append(HEADER_UNIT_UNKNOWN.finding(*where, params=params, value=written))
        elif match.verdict == "missing":
            out.append(HEADER_UNIT_MISSING.finding(*where, params=params, value=written))
        if match.how == "synonym":
            out.append(HEADER_SYNONYM.finding(*where, params=params, value=written))
    order = [c.name for c in spec.columns]
    for i, column in enumerate(spec.columns):
        if column.name in header.cells:
            continue
        before = [header.cells[n][1] for n in order[:i] if n in header.cells]
        after = [header.cells[n][1] for n in order[i + 1:] if n in header.cells]
        low = max(before, default=-1)
        high = min((c for c in after if c > low), default=1 << 30)
        gap = [(r, c) for r, c in header.unknown if low < c < high]
        r, c = gap[0] if gap else (header.first, header.width)
        out.append(MISSING_COLUMN.finding(display, sheet, address(r, c), header.first + row0 + 1,
                                          column.name, {"column": column.name},
                                          severity=_if_required(column)))
    return out


__all__ = ["HEADER_SCAN_ROWS", "Header", "HeaderMatch", "Vocabulary", "find_header",
           "header_findings", "vocabulary"]
