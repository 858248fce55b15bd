"""Workbooks as township clerks really fill them in (tests/data/habits): for each habit the
exact findings expected, for the clean ones the same county summary counts as the original,
and the same again for the .xls and .ods copies LibreOffice makes of them."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))

from habits import DEMO_DIR, Habit, all_habits, build

from xl_addin.validation.batch import check_one
from xl_addin.validation.outcome import Outcome

HABITS = all_habits()


def _param(habit: Habit) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=habit.bug)] if habit.bug else []
    return pytest.param(habit, id=habit.name, marks=marks)


@functools.cache
def _original(source: str) -> Outcome:
    path = DEMO_DIR / source
    return check_one(str(path), path.name)


def _observed(outcome: Outcome) -> Counter[tuple[str, str | None, str | None, str]]:
    return Counter((f.rule, f.sheet, f.cell, f.severity.value) for f in outcome.findings)


def _assert_as_expected(habit: Habit, path: Path) -> None:
    outcome = check_one(str(path), path.name)
    expected = Counter(e.key for e in habit.expected)
    observed = _observed(outcome)
    assert observed == expected, (
        f"{habit.name} ({habit.what}): missing {sorted((expected - observed).elements())}, "
        f"unexpected {sorted((observed - expected).elements())}; messages: "
        f"{[f'{f.location} {f.message()}' for f in outcome.findings]}")
    for want in habit.expected:
        if want.params:
            found = [f for f in outcome.findings
                     if (f.rule, f.sheet, f.cell, f.severity.value) == want.key]
            assert any(all(f.params.get(k) == v for k, v in want.params) for f in found), (
                habit.name, want, [f.params for f in found])
    if habit.clean:
        original = _original(habit.source)
        assert outcome.counts == original.counts, habit.name


def test_the_habits_are_many_and_named_once() -> None:
    assert len({h.name for h in HABITS}) == len(HABITS)


def test_the_demo_workbooks_the_habits_start_from_have_no_finding() -> None:
    for source in sorted({h.source for h in HABITS}):
        assert _original(source).findings == [], source


@pytest.mark.parametrize("habit", [_param(h) for h in HABITS])
def test_habit(habit: Habit, tmp_path: Path) -> None:
    _assert_as_expected(habit, build(habit, tmp_path))


@pytest.fixture(scope="module")
def converted(soffice: str, tmp_path_factory: pytest.TempPathFactory
              ) -> dict[tuple[str, str], Path]:
    """Every habit in .xls and .ods, made by LibreOffice from the habit's .xlsx in one run
    per format (files staged under unique names, then given back the habit's name)."""
    root = tmp_path_factory.mktemp("habits")
    staged = root / "staged"
    staged.mkdir()
    wanted: dict[str, list[Habit]] = {"xls": [], "ods": []}
    for habit in HABITS:
        if habit.post is not None:
            continue
        path = build(habit, root / "xlsx")
        shutil.copyfile(path, staged / f"{habit.name}.xlsx")
        for fmt in wanted:
            if fmt in habit.formats:
                wanted[fmt].append(habit)
    out: dict[tuple[str, str], Path] = {}
    for fmt, habits in wanted.items():
        if not habits:
            continue
        target = root / fmt
        subprocess.run([soffice, "--headless", "--convert-to", fmt, "--outdir", str(target),
                        *(str(staged / f"{h.name}.xlsx") for h in habits)],
                       check=True, capture_output=True, timeout=600)
        for habit in habits:
            made = target / f"{habit.name}.{fmt}"
            final = target / habit.name / Path(habit.out_name).with_suffix(f".{fmt}").name
            final.parent.mkdir(parents=True, exist_ok=True)
            made.rename(final)
            out[(habit.name, fmt)] = final
    return out


def _in_formats() -> list[object]:
    """(habit, format) for every other format a habit declares."""
    return [pytest.param(h, fmt, id=f"{h.name}-{fmt}", marks=_param(h).marks)  # type: ignore[attr-defined]
            for h in HABITS if h.post is None for fmt in ("xls", "ods") if fmt in h.formats]


@pytest.mark.parametrize(("habit", "fmt"), _in_formats())
def test_habit_in_other_formats(habit: Habit, fmt: str,
                                converted: dict[tuple[str, str], Path]) -> None:
    _assert_as_expected(habit, converted[(habit.name, fmt)])
