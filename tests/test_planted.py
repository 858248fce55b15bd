"""The planted-defect fixtures (tests/data/planted/, made from the spec by make_planted.py
without the package): every planted defect is found at its cell with its severity, nothing
is found anywhere else, and every output format and exit code says the same."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from xl_addin.cli import main
from xl_addin.validation.workbook import validate_path

DATA = Path(__file__).parent / "data" / "planted"
CLEAN = DATA / "clean_泷泊镇_2020-03-11.xlsx"
PLANTED = DATA / "planted_泷泊镇_2020-03-11.xlsx"
EXPECTED = json.loads((DATA / "planted_泷泊镇_2020-03-11.expected.json").read_text("utf-8"))



def places(entry: dict) -> set[tuple[str, str]]:
    """Where a finding matches ``entry``: its cell, its "also" cells, and (README.md) the
    "alt_cells" a validator may use for a rule over several cells."""
    return {(entry["sheet"], c)
            for c in [entry["cell"], *entry.get("also", []), *entry.get("alt_cells", [])]}


# (sheet, cell) → the severity planted there.
ALLOWED = {place: entry["severity"] for entry in EXPECTED for place in places(entry)}


def assert_matches_planted(found: list[tuple[str | None, str | None, str]]) -> None:
    """``found``: (sheet, cell, severity) of every finding on the planted workbook."""
    for entry in EXPECTED:
        assert any((s, c) in places(entry) and sev == entry["severity"]
                   for s, c, sev in found), entry
    false_alarms = [f for f in found if ALLOWED.get((f[0], f[1])) != f[2]]
    assert false_alarms == []


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def test_clean_workbook_has_no_findings():
    result = validate_path(CLEAN)
    assert result.error is None and result.findings == []


def test_planted_workbook_through_the_library():
    result = validate_path(PLANTED)
    assert result.error is None
    assert_matches_planted([(f.sheet, f.cell, f.severity.value) for f in result.findings])


def test_planted_workbook_through_the_cli_as_json():
    code, out = run("--format", "json", str(PLANTED))
    report = json.loads(out)
    assert code == 1 == report["exit_code"]
    assert_matches_planted([(f["sheet"], f["cell"], f["severity"]) for f in report["findings"]])
    assert all(f["workbook"] == str(PLANTED) for f in report["findings"])


def json_findings(*paths: Path) -> list[dict]:
    return json.loads(run("--format", "json", *map(str, paths))[1])["findings"]


def junit_suites(*paths: Path) -> tuple[int, dict[str, ET.Element]]:
    code, out = run("--format", "junit", *map(str, paths))
    return code, {s.get("name"): s for s in ET.fromstring(out).iter("testsuite")}


def test_junit_clean_workbook_passes():
    code, suites = junit_suites(CLEAN)
    assert code == 0 and list(suites) == [str(CLEAN)]
    assert suites[str(CLEAN)].findall("testcase")
    assert suites[str(CLEAN)].findall("testcase/failure") == []


def test_junit_one_suite_per_workbook_and_a_failing_case_per_rule(tmp_path):
    missing = tmp_path / "松江镇_2020-03-11.xlsx"
    code, suites = junit_suites(PLANTED, missing)
    assert code == 2
    assert set(suites) == {str(PLANTED), str(missing)}
    assert suites[str(missing)].findall("testcase/failure") + suites[str(missing)].findall(
        "testcase/error")
    cases = suites[str(PLANTED)].findall("testcase")
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names))
    failing = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    findings = json_findings(PLANTED)
    assert set(failing) == {f["rule"] for f in findings if f["severity"] == "error"}
    assert int(suites[str(PLANTED)].get("failures")) == len(failing)
    for f in findings:
        if f["severity"] == "error":
            assert f"{f['sheet']}!{f['cell']}" in (failing[f["rule"]].text or "")


def test_sarif_one_result_per_finding():
    code, out = run("--format", "sarif", str(PLANTED))
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    results = [r for run_ in sarif["runs"] for r in run_["results"]]
    found = []
    for r in results:
        name = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
        sheet, cell = name.split("!")
        found.append((sheet, cell, r["level"]))
    assert len(found) == len(json_findings(PLANTED))
    assert_matches_planted(found)


GITHUB_LINE = re.compile(r"^::(error|warning) [^:]*::(.+?)!([A-Z]+[0-9]+): \S")


def test_github_annotations_one_line_per_finding():
    code, out = run("--format", "github", str(PLANTED))
    assert code == 1
    lines = out.strip().splitlines()
    matches = [GITHUB_LINE.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m]
    assert len(lines) == len(json_findings(PLANTED))
    assert_matches_planted([(m[2], m[3], m[1]) for m in matches])


@pytest.mark.parametrize(("path", "expected"), [(CLEAN, 0), (PLANTED, 1)])
@pytest.mark.parametrize("fmt", ["table", "json", "github"])
def test_exit_codes(path, expected, fmt):
    assert run("--format", fmt, str(path))[0] == expected


def test_a_missing_file_gives_exit_2_and_the_rest_is_still_reported(tmp_path):
    missing = tmp_path / "松江镇_2020-03-11.xlsx"
    code, out = run("--format", "json", str(PLANTED), str(missing))
    assert code == 2
    report = json.loads(out)
    status = {w["workbook"]: w["status"] for w in report["workbooks"]}
    assert status == {str(PLANTED): "error", str(missing): "unreadable"}
    by_book = defaultdict(list)
    for f in report["findings"]:
        by_book[f["workbook"]].append((f["sheet"], f["cell"], f["severity"]))
    assert_matches_planted(by_book[str(PLANTED)])
    assert [sev for _, _, sev in by_book[str(missing)]] == ["error"]
