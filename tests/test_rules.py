"""Every registered rule has a test (issue 11).

The cases are in tests/rule_cases.py: for each rule of the registry, an edit of a demo
workbook (or an odd file, or a fault in a worker) that must give a finding of exactly that
rule, at the place edited, with the rule's severity, and a message that renders in both
languages. A rule registered without a case fails ``test_every_registered_rule_has_a_case``;
so does a case whose rule is no longer registered.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path
from typing import Any

import hostile
import pytest
import yaml
from conftest import plant_in_workers
from rule_cases import (
    BOOKS,
    CASES,
    COUNTY_CASES,
    FILE_CASES,
    REFERENCES,
    ROOT,
    WORKER_CASES,
    Case,
    CountyCase,
    FileCase,
    WorkerCase,
    coverage,
    covered,
    write_book,
)

from xl_addin.core.messages import CATALOG
from xl_addin.model.findings import Finding, Severity
from xl_addin.reading.limits import Limits
from xl_addin.rules.registry import REGISTRY, Rule, Scope, Source, all_rules
from xl_addin.validation import worker as worker_module
from xl_addin.validation.batch import check_paths, unreadable
from xl_addin.validation.outcome import Batch
from xl_addin.validation.workbook import validate_path

# --- the coverage of the registry -------------------------------------------------------------


def test_every_registered_rule_has_a_case() -> None:
    gaps = coverage(all_rules())
    assert not gaps.missing, f"registered rules without a case in tests/rule_cases.py: " \
                             f"{sorted(gaps.missing)}"
    assert not gaps.stale, f"cases in tests/rule_cases.py for rules not registered: " \
                           f"{sorted(gaps.stale)}"
    assert set(all_rules()) == covered()


def test_the_coverage_check_reports_a_rule_without_a_case(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: a rule registered without a case is reported."""
    all_rules()
    dummy = Rule("dummy_rule_without_a_case", Scope.CELL, Source.COLUMN, Severity.ERROR,
                 "a rule that no test exercises")
    monkeypatch.setitem(REGISTRY, dummy.id, dummy)
    gaps = coverage(all_rules())
    assert gaps.missing == {dummy.id}
    assert not gaps.stale


def test_the_coverage_check_reports_a_case_for_a_rule_gone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Negative control: a case for a rule that is no longer registered is reported."""
    all_rules()
    monkeypatch.delitem(REGISTRY, "sum_le")
    gaps = coverage(all_rules())
    assert gaps.stale == {"sum_le"}
    assert not gaps.missing


def test_rules_read_from_workbooks_have_a_real_case() -> None:
    """A rule applied to a workbook's contents has an edited workbook of its own (a rule
    about a workbook that is not there, the county batch without it); a rule of the file
    itself has an odd file, a worker fault or a reference to an existing test."""
    in_books = {c.rule for c in CASES} | {c.rule for c in COUNTY_CASES}
    for rule in all_rules().values():
        if rule.source is Source.FILE:
            assert rule.id not in in_books, f"{rule.id} is a rule of the file, not its contents"
        else:
            assert rule.id in in_books, f"{rule.id} ({rule.source}) has no edited workbook"


# --- one workbook of edits, validated once -----------------------------------------------------

_REAL_CHECK = worker_module.outcome_of


def _faulty_check(path: str, display: str, *args: Any) -> Any:
    """The worker's check, with the faults of WORKER_CASES planted by file name (the pool's
    workers run this: ``conftest.plant_in_workers``)."""
    fault = Path(path).stem
    if fault == "memory":
        raise MemoryError
    if fault == "exception":
        raise RuntimeError("planted in the worker by tests/test_rules.py")
    if fault == "hang":
        time.sleep(120)
    return _REAL_CHECK(path, display, *args)


class Results:
    """The edited workbooks, written and validated on first use, once per module."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._paths: dict[str, Path] = {}
        self._findings: dict[str, list[Finding]] = {}
        self._batches: dict[str, Batch] = {}

    def path(self, book: str) -> Path:
        if book not in self._paths:
            group = BOOKS[book].group
            self._paths[book] = write_book(book, self.folder / (book if group == "single"
                                                                else "county"))
        return self._paths[book]

    def findings(self, book: str) -> list[Finding]:
        if book not in self._findings:
            path = self.path(book)
            if BOOKS[book].group == "single":
                result = validate_path(path)
                assert result.error is None, result.error
                self._findings[book] = result.findings
            else:
                self._findings[book] = [f for f in self.county().all_findings
                                        if f.workbook == str(path)]
        return self._findings[book]

    def fault_path(self, case: WorkerCase) -> Path:
        folder = self.folder / "faults"
        folder.mkdir(exist_ok=True)
        path = folder / case.name
        if not path.exists():
            hostile.copy_demo(path)
        return path

    def county(self) -> Batch:
        """The county batch: the county books, and the files whose worker meets a fault."""
        if "county" not in self._batches:
            files = [str(self.path(b)) for b, spec in BOOKS.items() if spec.group == "county"]
            files += [str(self.fault_path(c)) for c in WORKER_CASES if c.fault != "hang"]
            self._batches["county"] = self._run(files, Limits())
        return self._batches["county"]

    def hung(self) -> Batch:
        """The file whose check never returns, alone, under --timeout 1."""
        if "hung" not in self._batches:
            files = [str(self.fault_path(c)) for c in WORKER_CASES if c.fault == "hang"]
            self._batches["hung"] = self._run(files, Limits(timeout_seconds=1))
        return self._batches["hung"]

    @staticmethod
    def _run(files: list[str], limits: Limits) -> Batch:
        with pytest.MonkeyPatch.context() as patch:
            plant_in_workers(patch, worker_module, "outcome_of", _faulty_check)
            return check_paths(files, jobs=1, limits=limits)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    return Results(tmp_path_factory.mktemp("rules"))


def _renders(finding: Finding) -> None:
    for lang in ("zh", "en"):
        message = finding.message(lang)  # type: ignore[arg-type]
        assert message.strip(), (finding.rule, lang)
        assert "{" not in message and "}" not in message, (finding.rule, lang, message)


def _severity(case: Case | FileCase | WorkerCase | CountyCase) -> Severity:
    given = getattr(case, "severity", None)
    return Severity(given) if given else all_rules()[case.rule].severity


def _params(cases: list[Any]) -> list[Any]:
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)]
                         if getattr(c, "bug", None) else []) for c in cases]


@pytest.mark.parametrize("case", _params(CASES))
def test_an_edit_gives_its_rule_at_its_place(case: Case, results: Results) -> None:
    path = results.path(case.book)
    findings = results.findings(case.book)
    here = [f for f in findings if f.sheet == case.sheet and f.cell == case.cell]
    hits = [f for f in here if f.rule == case.rule
            and (case.column is None or f.column == case.column)]
    assert hits, (f"{case.edit}: no {case.rule} at {case.sheet}!{case.cell}; found there: "
                  f"{[(f.rule, f.column) for f in here]}")
    for finding in hits:
        assert finding.workbook == str(path)
        assert finding.severity is _severity(case), (finding.severity, case)
        if case.cell is not None:
            assert finding.row == int(re.sub(r"\D", "", case.cell))
        if case.row is not None:
            assert finding.row == case.row
        _renders(finding)


def test_the_unedited_demo_gives_no_finding(results: Results) -> None:
    """Control: the workbook the edits start from, saved the same way, is clean, so each
    finding above comes from its edit."""
    path = str(results.path("county_home"))
    [outcome] = [r for r in results.county().results if r.display == path]
    assert not outcome.unreadable
    assert outcome.findings == []


@pytest.mark.parametrize("case", COUNTY_CASES, ids=lambda c: f"{c.rule}-{c.township}")
def test_a_township_without_a_workbook_gives_its_rule(case: CountyCase,
                                                     results: Results) -> None:
    """A finding of the county: about no workbook, sheet or cell, naming the township and
    the day; none for the townships that did report."""
    batch = results.county()
    county = [f for f in batch.all_findings if f.workbook is None]
    hits = [f for f in county if f.rule == case.rule
            and f.params == {"township": case.township, "date": case.date}]
    assert len(hits) == 1, [(f.rule, f.params) for f in county]
    [finding] = hits
    assert (finding.sheet, finding.cell, finding.row, finding.column) == (None,) * 4
    assert finding.severity is _severity(case)
    _renders(finding)
    for lang in ("zh", "en"):
        assert case.township in finding.message(lang)  # type: ignore[arg-type]
    named = {f.params.get("township") for f in county if f.rule == case.rule
             and f.params.get("date") == case.date}  # the batch holds other days too
    assert named.isdisjoint(case.present)


# --- odd files and faults in the worker -----------------------------------------------------


def _file_finding(finding: Finding, rule_id: str, display: str) -> None:
    assert finding.rule == rule_id
    assert (finding.workbook, finding.sheet, finding.cell) == (display, None, None)
    assert finding.severity is all_rules()[rule_id].severity
    _renders(finding)
    for lang in ("zh", "en"):
        assert display in finding.message(lang)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", _params(FILE_CASES))
def test_an_odd_file_gives_its_rule(case: FileCase, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    display = str(path)
    result = validate_path(path, limits=case.limits)
    assert result.error is not None, f"{case.what}: read without error"
    assert result.error.rule == case.rule
    outcome = unreadable(str(path), display, result.error)  # as the batch reports it
    assert outcome.unreadable
    [finding] = outcome.findings
    _file_finding(finding, case.rule, display)


@pytest.mark.parametrize("case", WORKER_CASES, ids=lambda c: f"{c.rule}-{c.fault}")
def test_a_fault_in_the_worker_gives_its_rule(case: WorkerCase, results: Results) -> None:
    batch = results.hung() if case.fault == "hang" else results.county()
    display = str(results.fault_path(case))
    [outcome] = [r for r in batch.results if r.display == display]
    assert outcome.unreadable
    [finding] = outcome.findings
    _file_finding(finding, case.rule, display)
    assert batch.exit_code == 2


@pytest.mark.parametrize("rule_id, file, name", [(r, f, n) for r, refs in REFERENCES.items()
                                                 for f, n in refs])
def test_a_referenced_test_exercises_its_rule(rule_id: str, file: str, name: str) -> None:
    tree = ast.parse((ROOT / file).read_text(encoding="utf-8"))
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    assert found and name.startswith("test_"), f"{file} has no test function {name}"
    strings = {n.value for n in ast.walk(found[0])
               if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert rule_id in strings, f"{file}::{name} never names {rule_id!r}"


# --- messages and schemas ---------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", sorted(all_rules()))
def test_each_rule_has_its_message_in_both_languages(rule_id: str) -> None:
    code = REGISTRY[rule_id].message
    assert code in CATALOG, f"{rule_id}: message {code!r} is not in core/messages.py"
    zh, en = CATALOG[code]
    assert zh.strip() and en.strip(), code


def _schema_uses() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(file, where, rule id, parameters) of every rule named in schemas/*.yaml, read with
    PyYAML here, independently of xl_addin.model.spec."""
    uses = []
    for path in sorted((ROOT / "schemas").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("checks") or ():
            args = dict(entry)
            uses.append((path.name, "checks", args.pop("check"), args))
        for column in (data.get("columns") or []) + (data.get("fields") or []):
            for rule_id in column.get("checks") or ():
                uses.append((path.name, f"column {column['name']}", rule_id, {}))
    return uses


SCHEMA_USES = _schema_uses()


def test_the_schemas_name_the_rules_of_the_issue() -> None:
    named = {rule_id for _, _, rule_id, _ in SCHEMA_USES}
    assert {"sum_le", "running_stock", "same_day_if", "exists_in", "uscc", "phone"} <= named


@pytest.mark.parametrize("file, where, rule_id, args", SCHEMA_USES,
                         ids=[f"{f}:{w}:{r}" for f, w, r, _ in SCHEMA_USES])
def test_every_rule_named_in_the_schemas_is_registered(file: str, where: str, rule_id: str,
                                                       args: dict[str, Any]) -> None:
    assert rule_id in all_rules(), f"{file} ({where}) names {rule_id!r}, which is not registered"
    rule = REGISTRY[rule_id]
    assert rule.problems(args) == []
    assert args.get("severity", "error") in {s.value for s in Severity}
    if where != "checks":  # a column's own list: a rule of one value (封面: of the cover)
        assert rule.scope is Scope.CELL or rule.source is Source.WORKBOOK, rule
    elif file == "workbook.yaml":
        assert rule.source is Source.WORKBOOK, rule
    else:
        assert rule.source is Source.SCHEMA, rule
