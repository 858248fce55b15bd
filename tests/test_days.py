"""Rules between reporting days, and submissions as they arrive (issue 13, items 2 and 8).

A folder of four days (2020-03-11 … 2020-03-14) of three townships is built here from the
demo set: each day a copy whose 封面 says that day, saved under the names clerks' messaging
apps give (泷泊镇3.13日报(1).xlsx). 江村镇 sent nothing on 2020-03-12; 麻江镇 sent 2020-03-12
twice (a first version with a hazard row deleted, then the correction) and 2020-03-11 twice
byte for byte. Faults are planted on 泷泊镇 2020-03-13 and 江村镇 2020-03-13; the other days
agree with the day before. Every expected finding — rule, workbook, sheet, cell, severity,
key and the previous workbook's cell — is written below from the edits and
schemas/*.yaml, never from running the code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from xl_addin.model.findings import Finding
from xl_addin.outputs.summary import county_summary
from xl_addin.rules.days import (
    ABSORPTION,
    STAFF_JUMP_PARAMETER,
    DayRegister,
    DayRow,
    compare_days,
    day_findings,
    row_keys,
)
from xl_addin.validation.batch import check_paths
from xl_addin.validation.outcome import Batch, Outcome

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"
HAZARDS, ISSUES, SUPPLIES, REFUNDS = "安全隐患台账", "问题交办台账", "防疫物资", "稳岗返还"
ABSORB, SI, ENTERPRISES, PROJECTS, COVER = "吸纳就业补贴", "社保减免", "规模工业企业", \
    "重点项目", "封面"
D = dt.datetime
DAY_RULES = {"day_row_gone", "day_reopened", "day_fixed_changed", "day_deadline_later",
             "day_resumed_undone", "day_staff_jump", "day_stock_carry"}

# the file of each township and day (None: not sent); 麻江镇 has more below
NAMES = {
    ("泷泊镇", 11): "泷泊镇_2020-03-11.xlsx",
    ("泷泊镇", 12): "泷泊镇3.12日报.xlsx",
    ("泷泊镇", 13): "泷泊镇3.13日报(1).xlsx",
    ("泷泊镇", 14): "泷泊镇_2020-03-14.xlsx",
    ("江村镇", 11): "江村镇_2020-03-11.xlsx",
    ("江村镇", 13): "江村镇3月13日.xlsx",
    ("江村镇", 14): "工作簿1(2).xlsx",  # a name that says nothing: the 封面 says 江村镇
    ("麻江镇", 11): "麻江镇_2020-03-11.xlsx",
    ("麻江镇", 13): "麻江镇_2020-03-13.xlsx",
    ("麻江镇", 14): "麻江镇_2020-03-14.xlsx",
}
MAJIANG_COPY = "麻江镇_2020-03-11(1).xlsx"          # byte-identical to 麻江镇_2020-03-11.xlsx
MAJIANG_FIRST = "麻江镇3.12日报.xlsx"                # sent first: a hazard row deleted
MAJIANG_CORRECTED = "麻江镇3.12日报(更正).xlsx"      # the correction, sent later


def _plant_longbo(book: openpyxl.Workbook) -> None:
    """泷泊镇 2020-03-13 against 2020-03-12 (which equals the demo's 2020-03-11)."""
    hazards = book[HAZARDS]
    # YH100-001 (已销号, 整改期限 2020-02-23) reopened: its review and completion undone, so
    # that the typed 状态 is the derived one (期限 passed: 逾期未整改)
    for column in "IJKL":
        hazards[f"{column}2"] = None
    hazards["M2"] = "逾期未整改"
    hazards["E6"] = D(2020, 2, 20)        # YH100-005 发现日期 2020-02-22 -> 02-20
    hazards["D7"] = "重大"                # YH100-006 隐患等级 一般 -> 重大
    hazards.delete_rows(21)               # YH100-020 gone
    issues = book[ISSUES]
    issues["J2"] = None                   # WT100-001 已办结 -> 逾期 (办结期限 02-22 passed)
    issues["K2"] = "逾期"
    issues["I11"] = D(2020, 3, 20)        # WT100-010 办结期限 2020-03-16 -> 03-20
    issues.delete_rows(9)                 # WT100-008 gone: WT100-010 is now row 10
    enterprises = book[ENTERPRISES]
    enterprises["F2"] = "否"              # 永州市云峰电子科技有限公司 是 -> 否
    enterprises["G2"] = None
    enterprises["H3"] = 400               # 双牌县南岭包装材料有限公司 职工总数 230 -> 400
    projects = book[PROJECTS]
    projects["E2"] = "否"                 # 南岭包装材料生产线扩建项目 是 -> 否
    projects["F2"] = None
    book[REFUNDS].delete_rows(2)          # 双牌县宝丰木业有限公司 91431123696830247K gone
    book[SI].delete_rows(2)               # 双牌县楚南竹木制品有限公司 91431123MA47134K3M gone
    book[ABSORB].delete_rows(2)           # 杨丽娟 431123198805102213 gone
    supplies = book[SUPPLIES]
    supplies.delete_rows(5)               # 2020-02-12 84消毒液 发放 77 gone
    # a receipt dated 2020-03-01 typed in on 2020-03-13: the 口罩 stock up to 2020-03-12
    # was 38000 - 1500 + 25000 + … and is now 100 more (the new row is row 19)
    for column, value in zip("ABCDEF", (D(2020, 3, 1), "口罩", "入库", 100, 1.8, 180),
                             strict=True):
        supplies[f"{column}19"] = value


def _plant_jiangcun(book: openpyxl.Workbook) -> None:
    """江村镇 2020-03-13 against 2020-03-11: 2020-03-12 is missing."""
    last = book[HAZARDS].max_row
    book[HAZARDS].delete_rows(last)       # its last hazard gone


def _save(source: str, day: int, folder: Path, name: str,
          plant: Any = None, base: Path | None = None) -> Path:
    book = openpyxl.load_workbook(base or DEMO / source)
    book[COVER]["B3"] = D(2020, 3, day)
    if plant:
        plant(book)
    path = folder / name
    book.save(path)
    return path


def _touch(path: Path, hour: int) -> None:
    stamp = dt.datetime(2020, 3, 12, hour, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))


@dataclasses.dataclass
class Days:
    folder: Path
    batch: Batch
    hazard_last: tuple[int, str]   # 江村镇's last hazard row and 隐患编号
    majiang_last: str              # 隐患编号 of 麻江镇's last hazard

    def findings(self, name: str, rules: set[str] = DAY_RULES) -> list[Finding]:
        path = str(self.folder / name)
        return [f for f in self.batch.all_findings if f.workbook == path and f.rule in rules]


def _last_hazard(source: str) -> tuple[int, str]:
    sheet = openpyxl.load_workbook(DEMO / source)[HAZARDS]
    return sheet.max_row, sheet.cell(sheet.max_row, 1).value


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Days:
    folder = tmp_path_factory.mktemp("days")
    for (township, day), name in NAMES.items():
        source = f"{township}_2020-03-11.xlsx"
        if day == 11:
            shutil.copy(DEMO / source, folder / name)
        elif (township, day) == ("泷泊镇", 13):
            _save(source, 13, folder, name, _plant_longbo)
        elif (township, day) == ("泷泊镇", 14):  # agrees with the faulty 2020-03-13
            _save(source, 14, folder, name, base=folder / NAMES[("泷泊镇", 13)])
        elif (township, day) == ("江村镇", 13):
            _save(source, 13, folder, name, _plant_jiangcun)
        elif (township, day) == ("江村镇", 14):
            _save(source, 14, folder, name, base=folder / NAMES[("江村镇", 13)])
        else:
            _save(source, day, folder, name)
    shutil.copy(DEMO / "麻江镇_2020-03-11.xlsx", folder / MAJIANG_COPY)
    first = _save("麻江镇_2020-03-11.xlsx", 12, folder, MAJIANG_FIRST,
                  lambda b: b[HAZARDS].delete_rows(b[HAZARDS].max_row))
    corrected = _save("麻江镇_2020-03-11.xlsx", 12, folder, MAJIANG_CORRECTED)
    _touch(first, 9)
    _touch(corrected, 15)  # the same day, later: the correction is used
    batch = check_paths([str(folder)], jobs=2)
    return Days(folder, batch, _last_hazard("江村镇_2020-03-11.xlsx"),
                _last_hazard("麻江镇_2020-03-11.xlsx")[1])


def _places(findings: list[Finding]) -> set[tuple[str, str | None, str | None, str]]:
    return {(f.rule, f.sheet, f.cell, f.severity.value) for f in findings}


def test_every_planted_fault_of_longbo_is_found_at_its_cell(days: Days) -> None:
    found = days.findings(NAMES[("泷泊镇", 13)])
    assert _places(found) == {
        ("day_reopened", HAZARDS, "M2", "error"),
        ("day_fixed_changed", HAZARDS, "E6", "warning"),
        ("day_fixed_changed", HAZARDS, "D7", "warning"),
        ("day_row_gone", HAZARDS, None, "error"),
        ("day_reopened", ISSUES, "K2", "error"),
        ("day_deadline_later", ISSUES, "I10", "warning"),
        ("day_row_gone", ISSUES, None, "error"),
        ("day_resumed_undone", ENTERPRISES, "F2", "warning"),
        ("day_staff_jump", ENTERPRISES, "H3", "warning"),
        ("day_resumed_undone", PROJECTS, "E2", "warning"),
        ("day_row_gone", REFUNDS, None, "error"),
        ("day_row_gone", SI, None, "error"),
        ("day_row_gone", ABSORB, None, "error"),
        ("day_row_gone", SUPPLIES, None, "error"),
        ("day_stock_carry", SUPPLIES, "D19", "warning"),
    }
    assert len(found) == 15  # one finding each, none repeated


def test_the_planted_workbook_has_no_other_finding(days: Days) -> None:
    """Control: the edits are consistent (状态 as derived, no 开复工日期 left with 否), so
    every finding of the day's workbook comes from the rules between days."""
    path = str(days.folder / NAMES[("泷泊镇", 13)])
    others = [(f.rule, f.sheet, f.cell) for f in days.batch.all_findings
              if f.workbook == path and f.rule not in DAY_RULES]
    assert others == []


def _one(found: list[Finding], rule: str, sheet: str) -> Finding:
    [finding] = [f for f in found if f.rule == rule and f.sheet == sheet]
    return finding


def test_each_finding_names_its_key_and_the_previous_workbooks_cell(days: Days) -> None:
    found = days.findings(NAMES[("泷泊镇", 13)])
    before = f"{NAMES[('泷泊镇', 12)]}（2020-03-12）"
    expected = {
        ("day_reopened", HAZARDS): ("YH100-001", f"{before} {HAZARDS}!M2"),
        ("day_row_gone", HAZARDS): ("YH100-020", f"{before} {HAZARDS}!A21"),
        ("day_row_gone", ISSUES): ("WT100-008", f"{before} {ISSUES}!A9"),
        ("day_deadline_later", ISSUES): ("WT100-010", f"{before} {ISSUES}!I11"),
        ("day_row_gone", REFUNDS): ("双牌县宝丰木业有限公司（91431123696830247K）",
                                    f"{before} {REFUNDS}!B2"),
        ("day_row_gone", SI): ("双牌县楚南竹木制品有限公司（91431123MA47134K3M）",
                               f"{before} {SI}!B2"),
        ("day_row_gone", ABSORB): ("431123********2213", f"{before} {ABSORB}!E2"),
        ("day_row_gone", SUPPLIES): ("2020-02-12 84消毒液 发放 77", f"{before} {SUPPLIES}!D5"),
        ("day_staff_jump", ENTERPRISES): (
            "双牌县南岭包装材料有限公司（91431123MA4GH13W54）", f"{before} {ENTERPRISES}!H3"),
        ("day_resumed_undone", PROJECTS): ("南岭包装材料生产线扩建项目", f"{before} {PROJECTS}!E2"),
    }
    for (rule, sheet), (key, previous) in expected.items():
        finding = _one(found, rule, sheet)
        assert (finding.params["key"], finding.params["previous"]) == (key, previous), rule
        for lang in ("zh", "en"):
            message = finding.message(lang)  # type: ignore[arg-type]
            assert key in message and previous in message, message
    reopened = _one(found, "day_reopened", ISSUES)
    assert (reopened.params["before"], reopened.params["value"]) == ("已办结", "逾期")
    jump = _one(found, "day_staff_jump", ENTERPRISES)
    assert (jump.value, jump.expected, jump.params["limit"]) == (400, 230, "50%")
    later = _one(found, "day_deadline_later", ISSUES)
    assert (later.params["before"], later.params["value"]) == ("2020-03-16", "2020-03-20")
    carry = _one(found, "day_stock_carry", SUPPLIES)
    # 口罩 up to 2020-03-12 in the demo: +38000 -1500 +25000, then the rows of 03-04…03-10
    assert carry.params["item"] == "口罩"
    assert carry.params["value"] - carry.params["before"] == 100


def test_no_id_number_is_shown_or_kept(days: Days) -> None:
    gone = _one(days.findings(NAMES[("泷泊镇", 13)]), "day_row_gone", ABSORB)
    for lang in ("zh", "en"):
        assert "431123198805102213" not in gone.message(lang)  # type: ignore[arg-type]
    registers = [r.days["absorption"] for r in days.batch.results if "absorption" in r.days]
    assert sum(len(r.rows) for r in registers) > 30
    for outcome in days.batch.results:
        assert b"431123198805102213" not in pickle.dumps(outcome)
        assert "431123198805102213".encode("utf-16-le") not in pickle.dumps(outcome)
    for register in registers:
        assert all(set(r.label[6:-4]) == {"*"} for r in register.rows)


def test_days_that_agree_give_nothing(days: Days) -> None:
    """泷泊镇 03-12 equals 03-11; 03-14 equals the faulty 03-13 (a reopened hazard stays
    reopened: said once, on the day it happened); 麻江镇 is the same every day."""
    for name in (NAMES[("泷泊镇", 12)], NAMES[("泷泊镇", 14)], NAMES[("江村镇", 14)],
                 NAMES[("麻江镇", 13)], NAMES[("麻江镇", 14)], MAJIANG_CORRECTED,
                 MAJIANG_FIRST):
        assert days.findings(name) == [], name
    for name in (NAMES[("泷泊镇", 11)], NAMES[("江村镇", 11)], NAMES[("麻江镇", 11)],
                 MAJIANG_COPY):
        assert days.findings(name) == [], name  # the first day has nothing to compare


def test_a_day_missing_compares_with_the_last_day_present(days: Days) -> None:
    """江村镇 sent nothing on 2020-03-12: its 2020-03-13 is compared with 2020-03-11."""
    row, key = days.hazard_last
    [gone] = days.findings(NAMES[("江村镇", 13)])
    assert (gone.rule, gone.sheet, gone.cell) == ("day_row_gone", HAZARDS, None)
    assert gone.params["key"] == key
    assert gone.params["previous"] == f"{NAMES[('江村镇', 11)]}（2020-03-11） {HAZARDS}!A{row}"
    missing = {(f.params["township"], f.params["date"]) for f in days.batch.all_findings
               if f.rule == "township_missing"}
    assert ("江村镇", "2020-03-12") in missing
    assert not {t for t, _ in missing} & {"泷泊镇", "麻江镇"}


def test_a_resubmission_uses_the_newer_file_with_a_warning_naming_both(days: Days) -> None:
    """麻江镇 2020-03-12: the first version lost a hazard row, the correction did not. The
    correction is used, so 麻江镇 2020-03-13 (unchanged) is compared with it: nothing is gone;
    compared with the first version, its last hazard would have 'appeared', never an 错误."""
    first, corrected = str(days.folder / MAJIANG_FIRST), str(days.folder / MAJIANG_CORRECTED)
    warned = [f for f in days.batch.all_findings if f.rule == "duplicate_workbook"
              and f.params.get("date") == "2020-03-12"]
    assert {f.workbook for f in warned} == {first, corrected}
    for finding in warned:
        assert finding.severity.value == "warning"
        assert (finding.sheet, finding.cell, finding.column) == (COVER, None, "填报单位")
        assert finding.params["used"] == corrected and finding.params["others"] == first
        for lang in ("zh", "en"):
            message = finding.message(lang)  # type: ignore[arg-type]
            assert corrected in message and first in message
    assert days.batch.superseded[first] == corrected
    assert days.findings(NAMES[("麻江镇", 13)]) == []
    # the first version's missing row is not reported against 2020-03-11 either
    assert days.findings(MAJIANG_FIRST) == []


def test_byte_identical_copies_count_once(days: Days) -> None:
    original, copy = str(days.folder / NAMES[("麻江镇", 11)]), str(days.folder / MAJIANG_COPY)
    warned = {f.workbook for f in days.batch.all_findings if f.rule == "duplicate_workbook"
              and f.params.get("date") == "2020-03-11"}
    assert warned == {original, copy}
    assert len({days.batch.superseded.get(original), days.batch.superseded.get(copy)}
               - {None}) == 1  # exactly one of them is not used
    # the copy's credit codes are the same report, not a value in two townships
    assert not [f for f in days.batch.all_findings if f.rule == "county_duplicate"]


def test_the_exit_code_counts_a_day_error_on_the_later_workbook(days: Days) -> None:
    batch = days.batch
    assert batch.exit_code == 1
    later = next(r for r in batch.results if r.display.endswith(NAMES[("泷泊镇", 13)]))
    assert later.errors == 0 and batch.errors_of(later) == 8  # 2 reopened, 6 rows gone
    earlier = next(r for r in batch.results if r.display.endswith(NAMES[("泷泊镇", 12)]))
    assert batch.errors_of(earlier) == 0


def test_the_summary_uses_the_same_workbook_as_check(days: Days) -> None:
    """summary --date 2020-03-12 adds 泷泊镇 and the correction of 麻江镇 (never the first
    version, never both), names 江村镇 as not reported, and lists the first version as
    replaced by the correction."""
    summary = county_summary(days.batch, day=dt.date(2020, 3, 12))
    used = {Path(t.display).name for t in summary.townships}
    assert used == {NAMES[("泷泊镇", 12)], MAJIANG_CORRECTED}
    assert "江村镇" in summary.missing
    first = str(days.folder / MAJIANG_FIRST)
    assert summary.superseded == {first: str(days.folder / MAJIANG_CORRECTED)}
    assert first in {r.display for r in summary.not_used}
    data = summary.to_json()
    assert first in [w["workbook"] for w in data["workbooks_not_used"]]
    # the latest day: 泷泊镇, 江村镇 (its file named 工作簿1(2).xlsx) and 麻江镇 of 2020-03-14
    latest = county_summary(days.batch)
    assert latest.as_of == dt.date(2020, 3, 14)
    assert {t.township for t in latest.townships} == {"泷泊镇", "江村镇", "麻江镇"}


def test_the_demo_set_and_two_identical_days_give_no_finding(tmp_path: Path) -> None:
    batch = check_paths([str(DEMO)], jobs=2)
    assert batch.all_findings == [] and batch.exit_code == 0
    shutil.copy(DEMO / "泷泊镇_2020-03-11.xlsx", tmp_path / "泷泊镇_2020-03-11.xlsx")
    _save("泷泊镇_2020-03-11.xlsx", 12, tmp_path, "泷泊镇_2020-03-12.xlsx")
    two = check_paths([str(tmp_path)], jobs=2)
    assert [f for f in two.all_findings if f.rule != "township_missing"] == []


# --- the comparison itself, on registers written by hand --------------------------------------

@dataclasses.dataclass
class _Book:
    display: str
    as_of: dt.date | None
    days: dict[str, DayRegister]
    township: str | None = "泷泊镇"
    parameters: dict[str, Any] = dataclasses.field(
        default_factory=lambda: {STAFF_JUMP_PARAMETER: Decimal("0.5")})


def _register(sheet: str, letters: dict[str, str], *rows: DayRow) -> DayRegister:
    return DayRegister.of(sheet, letters, rows)


def _hazard(key: str, row: int, status: str, **more: Any) -> DayRow:
    values = {"隐患等级": "一般", "发现日期": dt.date(2020, 2, 1), "整改期限": None,
              "状态": status, **more}
    return DayRow.of(key, key, row, values)


LETTERS = {"隐患编号": "A", "隐患等级": "D", "发现日期": "E", "整改期限": "H", "状态": "M"}


def _hazards(*rows: DayRow) -> dict[str, DayRegister]:
    return {"hazards": _register(HAZARDS, LETTERS, *rows)}


def _rules(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return sorted((f.rule, f.cell) for f in findings)


@pytest.mark.parametrize(("was", "now", "reopened"), [
    ("已销号", "整改中", True), ("已销号", "逾期未整改", True), ("已销号", "待复查", True),
    ("已销号", "复查不合格", True), ("已销号", "已销号", False), ("已销号", None, False),
    ("整改中", "已销号", False), ("待复查", "整改中", False),
])
def test_a_closed_hazard_reopening(was: str, now: str | None, reopened: bool) -> None:
    before = _Book("a.xlsx", dt.date(2020, 3, 11), _hazards(_hazard("H1", 2, was)))
    after = _Book("b.xlsx", dt.date(2020, 3, 12), _hazards(_hazard("H1", 5, now)))
    expected = [("day_reopened", "M5")] if reopened else []
    assert _rules(compare_days(before, after)) == expected


@pytest.mark.parametrize(("was", "now", "reopened"), [
    ("已办结", "办理中", True), ("已办结", "逾期", True), ("当日办结", "逾期", True),
    ("当日办结", "办理中", True), ("已办结", "当日办结", False), ("当日办结", "已办结", False),
    ("办理中", "逾期", False), ("逾期", "办理中", False),
])
def test_a_closed_issue_reopening(was: str, now: str, reopened: bool) -> None:
    def issues(status: str) -> dict[str, DayRegister]:
        values = {"提出日期": dt.date(2020, 2, 1), "办结期限": None, "状态": status}
        return {"issues": _register(ISSUES, {"问题编号": "A", "状态": "K"},
                                    DayRow.of("W1", "W1", 3, values))}
    found = compare_days(_Book("a", dt.date(2020, 3, 11), issues(was)),
                         _Book("b", dt.date(2020, 3, 12), issues(now)))
    assert _rules(found) == ([("day_reopened", "K3")] if reopened else [])


@pytest.mark.parametrize(("was", "now", "warned"), [
    (dt.date(2020, 3, 1), dt.date(2020, 3, 2), True),
    (dt.date(2020, 3, 1), dt.date(2020, 3, 1), False),
    (dt.date(2020, 3, 1), dt.date(2020, 2, 28), False),  # earlier: fine
    (None, dt.date(2020, 3, 2), False),  # a deadline set for the first time
])
def test_a_deadline_moved_later(was: dt.date | None, now: dt.date, warned: bool) -> None:
    before = _Book("a", dt.date(2020, 3, 11), _hazards(_hazard("H1", 2, "整改中", 整改期限=was)))
    after = _Book("b", dt.date(2020, 3, 12), _hazards(_hazard("H1", 2, "整改中", 整改期限=now)))
    assert _rules(compare_days(before, after)) == ([("day_deadline_later", "H2")]
                                                   if warned else [])


def _staff(before: int, after: int, limit: str | None = "0.5") -> list[Finding]:
    def book(name: str, day: int, staff: int) -> _Book:
        row = DayRow.of("C1", "某企业（C1）", 4, {"是否开复工": True, "职工总数": staff})
        result = _Book(name, dt.date(2020, 3, day), {"enterprises": _register(
            ENTERPRISES, {"统一社会信用代码": "C", "是否开复工": "F", "职工总数": "H"}, row)})
        result.parameters = {} if limit is None else {STAFF_JUMP_PARAMETER: Decimal(limit)}
        return result
    return compare_days(book("a", 11, before), book("b", 12, after))


@pytest.mark.parametrize(("before", "after", "warned"), [
    (100, 150, False), (100, 151, True), (100, 50, False), (100, 49, True),
    (0, 500, False), (3, 5, True), (230, 230, False),
])
def test_staff_jumping_by_more_than_the_policy_share(before: int, after: int,
                                                     warned: bool) -> None:
    assert _rules(_staff(before, after)) == ([("day_staff_jump", "H4")] if warned else [])


def test_staff_jump_follows_the_parameter_and_needs_it() -> None:
    assert _rules(_staff(100, 120, "0.1")) == [("day_staff_jump", "H4")]
    assert _staff(100, 120, "0.2") == []
    assert _staff(100, 1000, None) == []  # no parameter in force: the rule is not applied


def test_equal_ledger_rows_are_counted_not_merged() -> None:
    """Two identical 防疫物资 rows one day, one the next: one row is gone."""
    rows = [{"日期": dt.date(2020, 3, 1), "物资名称": "口罩", "收支": "发放", "数量": 10}] * 2
    from xl_addin.rules.days import SUPPLIES as SPEC

    def book(name: str, day: int, count: int) -> _Book:
        keyed = list(row_keys(SPEC, rows[:count]))
        register = _register(SUPPLIES, {"日期": "A", "数量": "D"}, *(
            DayRow.of(match, label, i + 2, rows[i]) for i, match, label in keyed))
        return _Book(name, dt.date(2020, 3, day), {"supplies": register})

    found = compare_days(book("a", 11, 2), book("b", 12, 1))
    assert [(f.rule, f.params["previous"]) for f in found] == [
        ("day_row_gone", "a（2020-03-11） 防疫物资!D3")]


def test_id_numbers_are_matched_by_digest_and_shown_masked() -> None:
    rows = [{"身份证号": "431123198805102213"}, {"身份证号": "431123198805102213 "}]
    keyed = list(row_keys(ABSORPTION, rows))
    assert len(keyed) == 1  # the same number twice: one key (the unique rule reports it)
    _, match, label = keyed[0]
    assert label == "431123********2213"
    assert "198805" not in match and len(match) == 32
    [(_, other, _)] = row_keys(ABSORPTION, [{"身份证号": "43112319880510221X"}])
    assert other != match


def test_days_are_ordered_by_date_whatever_the_order_of_the_files() -> None:
    def book(name: str, day: int, *keys: str) -> _Book:
        return _Book(name, dt.date(2020, 3, day),
                     _hazards(*(_hazard(k, i + 2, "整改中") for i, k in enumerate(keys))))

    days_given = [book("d14", 14, "H1"), book("d11", 11, "H1", "H2"), book("d13", 13, "H1"),
                  _Book("other", dt.date(2020, 3, 12), _hazards(), township="江村镇")]
    found = day_findings(days_given)
    # H2 is gone between 03-11 and 03-13 (03-12 of 泷泊镇 is missing), said once, on 03-13
    assert [(f.workbook, f.params["key"], f.params["previous"]) for f in found] == [
        ("d13", "H2", "d11（2020-03-11） 安全隐患台账!A3")]


def test_a_workbook_without_township_or_day_is_not_compared() -> None:
    gone = _Book("b", None, _hazards())
    found = day_findings([_Book("a", dt.date(2020, 3, 11), _hazards(_hazard("H1", 2, "整改中"))),
                          gone, dataclasses.replace(gone, display="c", as_of=dt.date(2020, 3, 12),
                                                    township=None)])
    assert found == []


def test_an_outcome_with_its_registers_pickles(days: Days) -> None:
    outcome = next(r for r in days.batch.results if r.days)
    copy: Outcome = pickle.loads(pickle.dumps(outcome))
    assert copy.days == outcome.days and copy.modified == outcome.modified > 0
