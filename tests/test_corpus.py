"""The corpus of real-world odd spreadsheets (issue 7, "Must show"): the whole folder in one
``xl-addin check --format json`` batch: no traceback, no hang past the time limit, every
unreadable file named with a reason, exit code 2, every file in the report.

The corpus lives beside the checkout (``../shared/corpus/xlsx-wild``, as on CI); the tests
skip in a clone without it and fail on CI (tests/conftest.py, ``shared``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")
XL_ADDIN = "import sys; from xl_addin.cli import main; sys.argv[0] = 'xl-addin'; main()"
SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".csv"}
TIMEOUT = 60  # per workbook, for this run
# Files the MANIFEST describes as encrypted, hostile or not workbooks, with the reason
# each must be refused for.
EXPECTED = {
    "calamine__pass_protected.xlsx": "file_encrypted",
    "exceldatareader__agile_AES256_SHA512_CBC_pwd_password.xlsx": "file_encrypted",
    "poi__protected_sha512.xlsx": "file_encrypted",
    "poi__crash-9bf3cd4bd6f50a8a9339d363c2c7af14b536865c.xlsx": "file_encrypted",
    "poi__poc-xmlbomb.xlsx": "file_hostile_xml",
    "poi__poc-xmlbomb-empty.xlsx": "file_hostile_xml",
    "openpyxl__null_file.xlsx": "file_not_xlsx",
    "exceldatareader__EmptyZipFile.xlsx": "file_not_xlsx",
    "closedxml__~$LoadPivotTables.xlsx": "file_not_xlsx",
    "calamine__issue_666_panic.xlsb": "file_not_xlsx",
    "poi__clusterfuzz-testcase-minimized-POIXSSFFuzzer-5089447305609216.xlsx": "file_corrupt",
}


@pytest.fixture(scope="module")
def corpus(shared) -> Path:
    return shared("corpus", "xlsx-wild")


@pytest.fixture(scope="module")
def run(corpus: Path) -> tuple[subprocess.CompletedProcess[str], dict, float]:
    env = {**os.environ, "RUST_BACKTRACE": "1"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", XL_ADDIN, "check", "--format", "json",
                           "--timeout", str(TIMEOUT), str(corpus)],
                          capture_output=True, text=True, timeout=600, env=env)
    return done, json.loads(done.stdout), time.monotonic() - started


def test_one_batch_exit_2_without_a_traceback(run) -> None:
    done, report, seconds = run
    assert done.returncode == 2 and report["exit_code"] == 2
    for word in ("Traceback", "panicked", "stack backtrace", "memory allocation of"):
        assert word not in done.stdout and word not in done.stderr, word
    assert done.stderr.strip() == ""
    assert seconds < 300


def test_every_file_is_in_the_report(run, corpus: Path) -> None:
    _, report, _ = run
    on_disk = {p.name for p in corpus.iterdir() if p.suffix.lower() in SUFFIXES}
    assert len(on_disk) >= 170
    reported = [Path(w["workbook"]).name for w in report["workbooks"]]
    assert sorted(reported) == sorted(on_disk)  # each exactly once
    assert report["totals"]["files"] == len(on_disk)


def test_every_unreadable_file_is_named_with_a_reason(run) -> None:
    _, report, _ = run
    unreadable = [w["workbook"] for w in report["workbooks"] if w["status"] == "unreadable"]
    assert unreadable
    reasons: Counter[str] = Counter()
    for workbook in unreadable:
        mine = [f for f in report["findings"] if f["workbook"] == workbook]
        assert len(mine) == 1, (workbook, mine)
        finding = mine[0]
        assert finding["sheet"] is None and finding["severity"] == "error"
        assert Path(workbook).name in finding["message"] and CJK.search(finding["message"])
        assert finding["rule"].startswith("file_"), finding  # a reason, not a crash
        reasons[finding["rule"]] += 1
    by_name = {Path(f["workbook"]).name: f["rule"] for f in report["findings"]
               if f["sheet"] is None and f["rule"].startswith("file_")}
    for name, rule in EXPECTED.items():
        assert by_name.get(name) == rule, (name, by_name.get(name))
    readable = len(report["workbooks"]) - len(unreadable)
    print(f"corpus: {readable} read, {len(unreadable)} unreadable:",
          json.dumps(dict(sorted(reasons.items())), ensure_ascii=False))
    assert readable >= 130  # real workbooks are read, whatever their oddities


def test_no_file_hit_a_limit(run) -> None:
    """Nothing in the corpus is big: none may time out or crash its worker."""
    _, report, _ = run
    rules = {f["rule"] for f in report["findings"]}
    assert not rules & {"file_timeout", "file_crashed", "worker_failed"}, rules
