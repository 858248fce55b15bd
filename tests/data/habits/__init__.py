"""Workbooks as township clerks really fill them in: each *habit* starts from a demo
workbook (workbooks/demo/), applies one thing clerks do (a 小计 row, a unit in a header, a
colon on the 封面, a rate typed as 16 …) or a combination a real form has, and states the
exact findings expected and whether the county summary figures must stay those of the
original (``clean``).

Expected findings are written here from the edit and the issue's rules, never from running
the code. The habits live in one module per area (``table``, ``headers``, ``sheets``,
``cover``, ``values``, ``formats``, ``combos``); ``ALL`` collects them.

Write them all out to look at: ``python tests/data/make_habits.py OUT_DIR``.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import openpyxl
from openpyxl.workbook import Workbook

ROOT = Path(__file__).resolve().parents[3]
DEMO_DIR = ROOT / "workbooks" / "demo"
HOME = "泷泊镇_2020-03-11.xlsx"  # 0 findings; the habits start from it unless they say
AS_OF = dt.date(2020, 3, 11)

Severity = Literal["error", "warning"]
Format = Literal["xlsx", "xls", "ods"]


@dataclass(frozen=True)
class Expect:
    """One finding expected: ``rule`` at ``sheet``!``cell`` (``cell`` None: on the sheet or
    the workbook) with ``severity``; ``params``, when given, must be among the finding's
    message parameters (e.g. the synonym or the merged range named)."""

    rule: str
    sheet: str | None
    cell: str | None
    severity: Severity
    params: tuple[tuple[str, Any], ...] = ()

    @staticmethod
    def of(rule: str, sheet: str | None, cell: str | None, severity: Severity,
           **params: Any) -> Expect:
        return Expect(rule, sheet, cell, severity, tuple(sorted(params.items())))

    @property
    def key(self) -> tuple[str, str | None, str | None, str]:
        return (self.rule, self.sheet, self.cell, self.severity)


@dataclass(frozen=True)
class Habit:
    """One habit (or a combination): ``edit`` changes an openpyxl copy of ``source`` in
    place; the workbook is saved as ``filename`` (default: the source's name) in each of
    ``formats`` (xls and ods made from the xlsx by LibreOffice in the tests)."""

    name: str
    what: str  # the habit, as a clerk would recognise it
    edit: Callable[[Workbook], None]
    expected: tuple[Expect, ...] = ()
    clean: bool = True  # the county summary figures equal the original's
    source: str = HOME
    filename: str | None = None
    formats: tuple[Format, ...] = ("xlsx", "xls", "ods")
    # a habit whose file is not an openpyxl save (an .xlsx named .xls, a CSV …) builds its
    # bytes itself from the saved .xlsx: path of the .xlsx -> path of the file to check
    post: Callable[[Path], Path] | None = None
    bug: str | None = None  # a known gap: the test is xfail(strict=True) for this reason
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def out_name(self) -> str:
        return self.filename or self.source


def load_source(name: str = HOME) -> Workbook:
    return openpyxl.load_workbook(DEMO_DIR / name)


def build(habit: Habit, folder: Path) -> Path:
    """Write the habit's .xlsx into ``folder`` (a folder of its own per habit, so that the
    file keeps the name a clerk would give it) and return the path to check."""
    folder = folder / habit.name
    folder.mkdir(parents=True, exist_ok=True)
    book = load_source(habit.source)
    habit.edit(book)
    path = folder / Path(habit.out_name).with_suffix(".xlsx").name
    book.save(path)
    if habit.post is not None:
        return habit.post(path)
    return path


def copy_as(path: Path, name: str) -> Path:
    """The same bytes under another name (``post`` helper: an .xlsx saved as .xls)."""
    target = path.with_name(name)
    shutil.copyfile(path, target)
    path.unlink()
    return target


def all_habits() -> list[Habit]:
    from . import combos, cover, formats, headers, sheets, table, values

    habits = [h for module in (table, headers, sheets, cover, values, formats, combos)
              for h in module.HABITS]
    names = [h.name for h in habits]
    duplicated = {n for n in names if names.count(n) > 1}
    assert not duplicated, f"habit names used twice: {sorted(duplicated)}"
    return habits
