"""Rules between reporting days: a township's workbook against its previous workbook (the
last earlier 统计日期 of the same township present in the batch).

Registers keep their rows (安全隐患台账 by 隐患编号, 问题交办台账 by 问题编号, 稳岗返还 and 社保减免
by credit code, 吸纳就业补贴 by 身份证号, 防疫物资 rows as written), a closed item stays
closed, fields fixed once written stay, deadlines are not moved later, an enterprise or
project that had resumed does not go back to 否, 职工总数 does not jump, and the 防疫物资 stock
of the previous day is carried over. Each finding is on the later workbook (at its cell, or
on its sheet for a row that is gone) and names the row's key and the previous workbook's
cell.

The worker (``validation.worker``) extracts each register as ``DayRegister`` — the key of
every row, the few values compared, their column letters — so that the comparison runs in
the command's own process: light, no polars. An 身份证号 is never kept: rows are matched by a
keyed digest of it and named by the masked number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from ..core.codes import mask_id_number
from ..core.messages import shown
from ..core.normalize import normalize_code
from ..model.findings import Finding, Severity
from .registry import Rule, Scope, Source, register

# the policy parameter of the 职工总数 jump (core/policy.py PARAMETERS)
STAFF_JUMP_PARAMETER = "职工总数日变动上限"

# an 身份证号 is matched by this keyed digest, never kept: the same key in every process
_ID_DIGEST_KEY = b"xl-addin/days/id-number/v1"
_KEYED = hashlib.blake2b(key=_ID_DIGEST_KEY, digest_size=16)


@dataclass(frozen=True)
class RegisterSpec:
    """What is compared of one sheet between days: the columns that make a row's key, the
    columns kept, and how the key is shown."""

    sheet_key: str                   # the sheet's key in schemas/ (hazards, issues …)
    key: tuple[str, ...]             # the columns of the row's key
    kept: tuple[str, ...] = ()       # the other columns compared
    name: str | None = None          # a column shown with the key (企业名称)
    personal: bool = False           # the key is an 身份证号: digest and masked number
    ledger: bool = False             # rows are entries (防疫物资): matched as a multiset
    rows_stay: bool = True           # a row that is gone is an 错误


HAZARDS = RegisterSpec("hazards", ("隐患编号",), ("隐患等级", "发现日期", "整改期限", "状态"))
ISSUES = RegisterSpec("issues", ("问题编号",), ("提出日期", "办结期限", "状态"))
STABILIZATION = RegisterSpec("stabilization", ("统一社会信用代码",), (), name="企业名称")
SI_EXEMPTION = RegisterSpec("si_exemption", ("统一社会信用代码",), (), name="企业名称")
ABSORPTION = RegisterSpec("absorption", ("身份证号",), (), personal=True)
SUPPLIES = RegisterSpec("supplies", ("日期", "物资名称", "收支", "数量"), (), ledger=True)
ENTERPRISES = RegisterSpec("enterprises", ("统一社会信用代码",), ("是否开复工", "职工总数"),
                           name="企业名称", rows_stay=False)
PROJECTS = RegisterSpec("projects", ("项目名称",), ("是否开复工",), rows_stay=False)

REGISTERS: tuple[RegisterSpec, ...] = (HAZARDS, ISSUES, STABILIZATION, SI_EXEMPTION,
                                       ABSORPTION, SUPPLIES, ENTERPRISES, PROJECTS)

# 状态 that close an item, and those a closed item must not go back to
CLOSED: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "hazards": (frozenset({"已销号"}), None),  # None: any other 状态
    "issues": (frozenset({"已办结", "当日办结"}), frozenset({"办理中", "逾期"})),
}
FIXED: dict[str, tuple[str, ...]] = {"hazards": ("发现日期", "隐患等级"), "issues": ("提出日期",)}
DEADLINES: dict[str, tuple[str, ...]] = {"hazards": ("整改期限",), "issues": ("办结期限",)}
RESUMED = "是否开复工"
STAFF = "职工总数"


@dataclass(frozen=True, slots=True)
class DayRow:
    """One row of a register, as the comparison reads it: what it is matched by, how it is
    named, where it is, and the values compared."""

    match: str                        # the key (a digest for an 身份证号)
    label: str                        # the key as a message shows it (masked)
    row: int                          # its row in the sheet (1-based)
    columns: tuple[str, ...] = ()     # the columns of ``values``
    values: tuple[Any, ...] = ()      # plain values: dates, text, whole numbers, bools

    @classmethod
    def of(cls, match: str, label: str, row: int, values: Mapping[str, Any]) -> DayRow:
        return cls(match, label, row, tuple(values), tuple(values.values()))

    def get(self, column: str) -> Any:
        """The value of ``column`` in this row (None when not kept or blank)."""
        try:
            return self.values[self.columns.index(column)]
        except ValueError:
            return None


@dataclass(frozen=True)
class DayRegister:
    """One register of one workbook, as the day rules compare it: small and picklable, kept
    by column (a thousand outcomes stay in the command's process), read as ``DayRow``s."""

    sheet: str                                # the sheet's name
    letters: dict[str, str]                   # column -> its letter in this workbook
    columns: tuple[str, ...]                  # the columns kept
    matches: tuple[str, ...]                  # each row's key
    labels: tuple[str | None, ...]            # each row's key as shown; None: its match
    numbers: tuple[int, ...]                  # each row's row in the sheet
    values: tuple[tuple[Any, ...], ...]       # per row, the values of ``columns``

    @classmethod
    def of(cls, sheet: str, letters: dict[str, str], rows: Sequence[DayRow]) -> DayRegister:
        columns = rows[0].columns if rows else ()
        assert all(r.columns == columns for r in rows)
        return cls(sheet, letters, columns, tuple(r.match for r in rows),
                   tuple(None if r.label == r.match else r.label for r in rows),
                   tuple(r.row for r in rows), tuple(r.values for r in rows))

    @property
    def rows(self) -> list[DayRow]:
        return [DayRow(m, label if label is not None else m, n, self.columns, v)
                for m, label, n, v in zip(self.matches, self.labels, self.numbers, self.values,
                                          strict=True)]

    def cell(self, column: str, row: DayRow) -> str | None:
        letter = self.letters.get(column)
        return f"{letter}{row.row}" if letter else None


class Outcome(Protocol):
    """What the day rules read of one workbook's outcome (``validation.outcome``)."""

    display: str
    as_of: dt.date | None
    days: dict[str, DayRegister]
    parameters: dict[str, Any]

    @property
    def township(self) -> str | None: ...


def id_digest(value: Any) -> str:
    """The keyed digest by which an 身份证号 is matched between days (never the number)."""
    return _digest(normalize_code(value).upper())


def _digest(code: str) -> str:
    hasher = _KEYED.copy()  # the key set up once (a copy is a third cheaper than a new one)
    hasher.update(code.encode())
    return hasher.hexdigest()


def _text(value: Any) -> str:
    return shown(value)


def row_keys(spec: RegisterSpec, rows: Sequence[Mapping[str, Any]]) -> list[
        tuple[int, str, str]]:
    """(index, match, label) of each row with a whole key (``column_keys`` of rows given
    one by one)."""
    wanted = [c for c in (*spec.key, *filter(None, [spec.name]))]
    return column_keys(spec, {c: [r.get(c) for r in rows] for c in wanted}, len(rows))


def column_keys(spec: RegisterSpec, columns: Mapping[str, Sequence[Any]], count: int
                ) -> list[tuple[int, str, str]]:
    """(index, match, label) of each of ``count`` rows (given by column) with a whole key;
    a ledger's equal rows are told apart by their order (the second 口罩 入库 100 of a day is
    ``#2``); a repeated key of a register is kept once (the unique rule reports it)."""
    out: list[tuple[int, str, str]] = []
    if spec.personal:  # by column, without a row object: 吸纳就业补贴 may hold 60,000 rows
        taken: set[str] = set()
        for i, value in enumerate(columns[spec.key[0]]):
            if value is None or value == "":
                continue
            code = normalize_code(value)  # upper-cased: 身份证号 …x and …X are one
            match = _digest(code)
            if match not in taken:
                taken.add(match)
                out.append((i, match, mask_id_number(code)))
        return out
    seen: dict[str, int] = defaultdict(int)
    names = columns.get(spec.name) if spec.name else None
    for i, parts in enumerate(zip(*(columns[c] for c in spec.key), strict=True)):
        if any(p is None or p == "" for p in parts):
            continue
        label = " ".join(_text(p) for p in parts)
        match = "|".join(_text(p) for p in parts)
        name = names[i] if names is not None else None
        if name:
            label = f"{name}（{label}）"
        if spec.ledger:
            seen[match] += 1
            match = f"{match}#{seen[match]}"
        elif match in seen:
            continue
        else:
            seen[match] = 1
        out.append((i, match, label))
    return out


# --- the rules --------------------------------------------------------------------------------

def _declare(rule_id: str, severity: Severity, doc: str) -> Rule:
    return register(Rule(rule_id, Scope.DAYS, Source.BATCH, severity, doc))


DAY_ROW_GONE = _declare(
    "day_row_gone", Severity.ERROR,
    "a row of a register in the previous workbook of the township is gone (安全隐患台账 by "
    "隐患编号, 问题交办台账 by 问题编号, 稳岗返还 and 社保减免 by credit code, 吸纳就业补贴 by "
    "身份证号, 防疫物资 rows as written); on the later workbook's sheet")
DAY_REOPENED = _declare(
    "day_reopened", Severity.ERROR,
    "a closed item reopened since the previous workbook: a hazard 已销号 now in any other 状态, "
    "an issue 已办结/当日办结 now 办理中/逾期")
DAY_FIXED_CHANGED = _declare(
    "day_fixed_changed", Severity.WARNING,
    "a field fixed once written changed since the previous workbook (发现日期, 隐患等级, 提出日期)")
DAY_DEADLINE_LATER = _declare(
    "day_deadline_later", Severity.WARNING,
    "a deadline (整改期限, 办结期限) moved later than in the previous workbook")
DAY_RESUMED_UNDONE = _declare(
    "day_resumed_undone", Severity.WARNING,
    "an enterprise or project 是否开复工 是 in the previous workbook, 否 now")
DAY_STAFF_JUMP = _declare(
    "day_staff_jump", Severity.WARNING,
    "an enterprise's 职工总数 changed by more than the policy's 职工总数日变动上限 (a share of "
    "the previous day's) since the previous workbook")
DAY_STOCK_CARRY = _declare(
    "day_stock_carry", Severity.WARNING,
    "防疫物资: the stock of an item up to the previous 统计日期, counted in the later workbook, "
    "differs from the previous workbook's stock (rows dated on or before the previous day "
    "added); at the first such row")


def _place(previous: Outcome, register: DayRegister, column: str, row: DayRow) -> str:
    cell = register.cell(column, row) or str(row.row)
    return f"{_book(previous)} {register.sheet}!{cell}"


def _book(previous: Outcome) -> str:
    """The previous workbook as a message names it: its file name and 统计日期."""
    day = previous.as_of.isoformat() if previous.as_of else ""
    return f"{Path(previous.display).name}（{day}）"


def day_findings(results: Sequence[Outcome]) -> list[Finding]:
    """The findings of every workbook of ``results`` (readable, one per township and day:
    the workbooks used) against the previous workbook of its township: the last earlier
    统计日期 present (a day missing in between is skipped, not invented)."""
    by_township: dict[str, list[Outcome]] = defaultdict(list)
    for result in results:
        if result.township and result.as_of:
            by_township[result.township].append(result)
    findings: list[Finding] = []
    for group in by_township.values():
        group.sort(key=lambda r: r.as_of or dt.date.min)
        for previous, later in itertools.pairwise(group):
            if previous.as_of == later.as_of:
                continue  # two workbooks of one day: duplicate_workbook, not a day apart
            findings += compare_days(previous, later)
    return findings


def compare_days(previous: Outcome, later: Outcome) -> list[Finding]:
    """The findings of ``later`` against ``previous`` (of the same township, an earlier day)."""
    findings: list[Finding] = []
    for spec in REGISTERS:
        before, after = previous.days.get(spec.sheet_key), later.days.get(spec.sheet_key)
        if before is None or after is None:
            continue  # a sheet missing is reported by its own rule
        findings += _compare(spec, previous, before, later, after)
    return findings


def _compare(spec: RegisterSpec, previous: Outcome, before: DayRegister, later: Outcome,
             after: DayRegister) -> list[Finding]:
    now = {r.match: r for r in after.rows}
    out: list[Finding] = []
    key_column = spec.key[-1] if spec.ledger else spec.key[0]
    for old in before.rows:
        new = now.get(old.match)
        where = _place(previous, before, key_column, old)
        if new is None:
            if spec.rows_stay:
                out.append(DAY_ROW_GONE.finding(
                    later.display, after.sheet, None, None, key_column,
                    {"sheet": after.sheet, "key": old.label, "previous": where}, old.label))
            continue
        out += _row_changes(spec, previous, before, old, later, after, new)
    if spec.ledger:
        out += _stock_carry(previous, before, later, after)
    return out


def _finding(rule: Rule, later: Outcome, after: DayRegister, column: str, new: DayRow,
             params: dict[str, Any], value: Any, expected: Any = None) -> Finding:
    return rule.finding(later.display, after.sheet, after.cell(column, new), new.row, column,
                        params, value, expected)


def _row_changes(spec: RegisterSpec, previous: Outcome, before: DayRegister, old: DayRow,
                 later: Outcome, after: DayRegister, new: DayRow) -> list[Finding]:
    out: list[Finding] = []
    key = spec.sheet_key

    def base(column: str) -> dict[str, Any]:
        return {"key": new.label, "column": column, "previous": _place(previous, before,
                                                                        column, old),
                "before": _text(old.get(column)), "value": _text(new.get(column))}

    if key in CLOSED:
        closed, reopened = CLOSED[key]
        was, status = old.get("状态"), new.get("状态")
        if was in closed and status is not None and status not in closed and (
                reopened is None or status in reopened):
            out.append(_finding(DAY_REOPENED, later, after, "状态", new, base("状态"), status,
                                was))
    for column in FIXED.get(key, ()):
        was, now = old.get(column), new.get(column)
        if was is not None and now is not None and was != now:
            out.append(_finding(DAY_FIXED_CHANGED, later, after, column, new, base(column),
                                now, was))
    for column in DEADLINES.get(key, ()):
        was, now = old.get(column), new.get(column)
        if isinstance(was, dt.date) and isinstance(now, dt.date) and now > was:
            out.append(_finding(DAY_DEADLINE_LATER, later, after, column, new, base(column),
                                now, was))
    if RESUMED in spec.kept and old.get(RESUMED) is True \
            and new.get(RESUMED) is False:
        out.append(_finding(DAY_RESUMED_UNDONE, later, after, RESUMED, new, base(RESUMED),
                            False, True))
    if STAFF in spec.kept:
        out += _staff_jump(previous, before, old, later, after, new, base(STAFF))
    return out


def _staff_jump(previous: Outcome, before: DayRegister, old: DayRow, later: Outcome,
                after: DayRegister, new: DayRow, params: dict[str, Any]) -> list[Finding]:
    limit = later.parameters.get(STAFF_JUMP_PARAMETER)
    was, now = old.get(STAFF), new.get(STAFF)
    if limit is None or not isinstance(was, int) or not isinstance(now, int) or was <= 0:
        return []
    if Decimal(abs(now - was)) <= Decimal(str(limit)) * was:
        return []
    percent = (Decimal(str(limit)) * 100).normalize()
    params = {**params, "limit": f"{percent:f}%"}
    return [_finding(DAY_STAFF_JUMP, later, after, STAFF, new, params, now, was)]


def _stock(rows: Sequence[DayRow], until: dt.date) -> dict[str, int]:
    stock: dict[str, int] = defaultdict(int)
    for row in rows:
        when, item, way, quantity = (row.get(c) for c in SUPPLIES.key)
        if isinstance(when, dt.date) and when <= until and isinstance(quantity, int) \
                and not isinstance(quantity, bool):
            stock[item] += quantity if way == "入库" else -quantity if way == "发放" else 0
    return stock


def _stock_carry(previous: Outcome, before: DayRegister, later: Outcome,
                 after: DayRegister) -> list[Finding]:
    until = previous.as_of
    if until is None:
        return []
    old_rows, new_rows = before.rows, after.rows
    old_stock, new_stock = _stock(old_rows, until), _stock(new_rows, until)
    known = {r.match for r in old_rows}
    out: list[Finding] = []
    for item in sorted(set(old_stock) | set(new_stock)):
        if old_stock.get(item, 0) == new_stock.get(item, 0):
            continue
        added = [r for r in new_rows if r.match not in known and r.get("物资名称") == item
                 and isinstance(r.get("日期"), dt.date) and r.get("日期") <= until]
        if not added:
            continue  # only rows gone: each is a day_row_gone already
        first = added[0]
        params = {"item": item, "date": until.isoformat(),
                  "before": old_stock.get(item, 0), "value": new_stock.get(item, 0),
                  "previous": f"{_book(previous)} {before.sheet}"}
        out.append(_finding(DAY_STOCK_CARRY, later, after, "数量", first, params,
                            new_stock.get(item, 0), old_stock.get(item, 0)))
    return out


__all__ = ["REGISTERS", "STAFF_JUMP_PARAMETER", "DayRegister", "DayRow", "RegisterSpec",
           "column_keys", "compare_days", "day_findings", "id_digest", "row_keys"]
