"""The demo campaign (workbooks/make_campaign.py): deterministic, its last day the demo set,
the restart visible, and nothing between two days that the day-over-day rules would flag
except the faults planted (each found in the files where the manifest says).

The invariants between days are checked here independently of the rules (registers keep
their rows, closed items stay closed, fixed fields stay, 是 never turns 否, 职工总数 stays):
they are the issue's list, read from the workbooks' data."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xl_addin.core.policy import load_policy
from xl_addin.validation.batch import check_paths

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"
SCRIPT = ROOT / "workbooks" / "make_campaign.py"
TOWNSHIPS = ["泷泊镇", "江村镇", "五里牌镇", "茶林镇", "何家洞镇", "麻江镇", "塘底乡",
             "上梧江瑶族乡", "理家坪乡", "五星岭乡", "打鼓坪乡"]
FIRST, LAST = dt.date(2020, 2, 10), dt.date(2020, 3, 11)
DAYS = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def _module():
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("make_campaign", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


campaign_module = _module()


def _generate(out: Path, *townships: str) -> None:
    args = [sys.executable, str(SCRIPT), "--out", str(out), "--jobs", "2"]
    for t in townships:
        args += ["--township", t]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(args, check=True, cwd=ROOT, env=env, capture_output=True)


@pytest.fixture(scope="module")
def campaign(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("campaign") / "campaign"
    _generate(out)
    return out


@pytest.fixture(scope="module")
def manifest(campaign) -> dict:
    return json.loads((campaign / "faults.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final() -> dict:
    return campaign_module.build_data(load_policy(), random.Random(campaign_module.SEED))


@pytest.fixture(scope="module")
def contents(final) -> dict:
    """township -> day -> the day's content with the faults planted (None: no workbook)."""
    policy = load_policy()
    spec = campaign_module.load_workbook_spec()
    out: dict[str, dict[dt.date, dict | None]] = {}
    for township in TOWNSHIPS:
        before = None
        out[township] = {}
        for day in DAYS:
            if (township, day) == (TOWNSHIPS[5], dt.date(2020, 2, 24)):  # 麻江镇 late
                out[township][day] = None
                continue
            content = campaign_module.day_content(final[township], day, policy)
            campaign_module.plant(township, day, content, before, spec)
            out[township][day] = before = content
    return out


def _cover(path: Path) -> tuple[str, dt.date]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = {r[0]: r[1] for r in book["封面"].iter_rows(max_col=2, values_only=True)}
    book.close()
    return rows["填报单位"], rows["统计日期"].date()


# --- the files ---------------------------------------------------------------------

def test_one_folder_a_day_and_the_planned_number_of_townships(campaign, manifest):
    folders = sorted(p.name for p in campaign.iterdir() if p.is_dir())
    assert folders == [d.isoformat() for d in DAYS]
    for day in DAYS:
        names = sorted(p.name for p in (campaign / day.isoformat()).glob("*.xlsx"))
        expected = {t for t in TOWNSHIPS if (t, day) != ("麻江镇", dt.date(2020, 2, 24))}
        assert {n.split("_")[0] for n in names} == expected, day
        # one file per township, except the resubmission of 五里牌镇 on 2020-02-28
        extra = 1 if day == dt.date(2020, 2, 28) else 0
        assert len(names) == len(expected) + extra, day
    assert manifest["workbooks"] == 31 * 11 - 1 + 1
    assert manifest["first_day"] == "2020-02-10" and manifest["last_day"] == "2020-03-11"


@pytest.mark.parametrize("day", [FIRST, dt.date(2020, 2, 24), dt.date(2020, 3, 10)])
def test_township_and_day_are_on_the_cover(campaign, day):
    for path in sorted((campaign / day.isoformat()).glob("*.xlsx")):
        township, as_of = _cover(path)
        assert path.name.startswith(township + "_")
        assert as_of == day


def test_the_last_day_is_the_demo_set_byte_for_byte(campaign):
    last = sorted((campaign / "2020-03-11").glob("*.xlsx"))
    assert [p.name for p in last] == sorted(p.name for p in DEMO.glob("*.xlsx"))
    for path in last:
        assert path.read_bytes() == (DEMO / path.name).read_bytes()


def test_the_days_lead_to_the_demo_set(final):
    """On the last day the derivation gives the demo set's rows unchanged, so the day
    before flows into it (nothing jumps between 2020-03-10 and the demo set)."""
    policy = load_policy()
    for township in TOWNSHIPS:
        assert campaign_module.day_content(final[township], LAST, policy) == final[township]


def test_two_runs_give_the_same_workbooks(campaign, tmp_path):
    again = tmp_path / "again"
    _generate(again, "打鼓坪乡", "五里牌镇")
    files = sorted(p.relative_to(again) for p in again.rglob("*.xlsx"))
    assert len(files) == 2 * 31 + 1
    for rel in files:
        with zipfile.ZipFile(again / rel) as a, zipfile.ZipFile(campaign / rel) as b:
            assert a.namelist() == b.namelist()
            for name in a.namelist():
                if name == "docProps/core.xml":  # openpyxl stamps the time of saving
                    continue
                assert a.read(name) == b.read(name), (rel, name)


# --- the planted faults are in the files -------------------------------------------

def _sheet_rows(path: Path, sheet: str) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    header = rows[0]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _path(campaign: Path, township: str, day: dt.date) -> Path:
    return campaign / day.isoformat() / f"{township}_{day.isoformat()}.xlsx"


def test_the_manifest_names_the_planned_faults(manifest):
    kinds = [(f["kind"], f["township"], f["day"]) for f in manifest["faults"]]
    assert kinds == [("township_late", "麻江镇", "2020-02-24"),
                     ("resubmission", "五里牌镇", "2020-02-28"),
                     ("row_deleted", "泷泊镇", "2020-03-03"),
                     ("closed_reopened", "江村镇", "2020-03-05")]


def test_the_deleted_hazard_row(campaign, manifest):
    fault = next(f for f in manifest["faults"] if f["kind"] == "row_deleted")
    day = dt.date.fromisoformat(fault["day"])
    keys = {d: {r["隐患编号"] for r in _sheet_rows(_path(campaign, "泷泊镇", d), "安全隐患台账")}
            for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1))}
    assert fault["key"] in keys[day - dt.timedelta(days=1)]
    assert fault["key"] not in keys[day]
    assert fault["key"] in keys[day + dt.timedelta(days=1)]
    assert keys[day - dt.timedelta(days=1)] - {fault["key"]} <= keys[day]


def test_the_reopened_hazard(campaign, manifest):
    fault = next(f for f in manifest["faults"] if f["kind"] == "closed_reopened")
    day = dt.date.fromisoformat(fault["day"])
    sheet = openpyxl.load_workbook(_path(campaign, "江村镇", day))["安全隐患台账"]
    cell = sheet[fault["cell"]]
    assert sheet.cell(1, cell.column).value == "状态"
    assert sheet.cell(cell.row, 1).value == fault["key"]
    assert cell.value not in ("已销号", None)
    before = {r["隐患编号"]: r["状态"] for r in _sheet_rows(
        _path(campaign, "江村镇", day - dt.timedelta(days=1)), "安全隐患台账")}
    assert before[fault["key"]] == "已销号"


def test_the_corrected_resubmission(campaign, manifest):
    fault = next(f for f in manifest["faults"] if f["kind"] == "resubmission")
    folder = campaign / fault["day"]
    wrong, newer = folder / fault["workbook"], folder / fault["newer"]
    assert _cover(wrong) == _cover(newer) == ("五里牌镇", dt.date(2020, 2, 28))
    assert newer.stat().st_mtime > wrong.stat().st_mtime
    bad = openpyxl.load_workbook(wrong)["规模工业企业"]
    good = openpyxl.load_workbook(newer)["规模工业企业"]
    row = bad[fault["cell"]].row
    assert bad.cell(1, bad[fault["cell"]].column).value == "已上岗人数"
    staff_col = [c.value for c in bad[1]].index("职工总数") + 1
    assert bad[fault["cell"]].value > bad.cell(row, staff_col).value
    assert good[fault["cell"]].value <= good.cell(row, staff_col).value


def test_check_finds_only_the_planted_faults_on_sample_days(campaign):
    days = [FIRST, dt.date(2020, 2, 28), dt.date(2020, 3, 10)]
    batch = check_paths([str(campaign / d.isoformat()) for d in days], jobs=2)
    errors = {(Path(f.workbook).name if f.workbook else None, f.rule, f.cell)
              for f in batch.all_findings if f.severity.value == "error"}
    wrong = "五里牌镇_2020-02-28.xlsx"
    assert (wrong, "le", "I3") in errors
    # the rest is the two files of one township and day (same codes in both)
    assert {e for e in errors if e[1] not in ("duplicate_workbook", "county_duplicate")} == {
        (wrong, "le", "I3")}
    assert all("2020-02-28" in (e[0] or "2020-02-28") for e in errors)
    # (a corrected resubmission is reported as duplicate_workbook, an 错误 or a 警告)
    warnings = [f for f in batch.all_findings if f.severity.value == "warning"
                and f.rule != "duplicate_workbook"]
    assert warnings == []


def test_check_of_the_whole_campaign_finds_exactly_the_planted_faults(campaign, manifest):
    """Every day at once, as README's main command runs it: each planted fault at its
    place (from the manifest, written when the files were made), and nothing else — no
    false alarm from the rules between reporting days on the 30 days that agree."""
    faults = {f["kind"]: f for f in manifest["faults"]}
    late, resubmitted = faults["township_late"], faults["resubmission"]
    deleted, reopened = faults["row_deleted"], faults["closed_reopened"]

    def name(f: dict) -> str:
        return f"{f['township']}_{f['day']}.xlsx"

    batch = check_paths([str(campaign)], jobs=2)
    found = sorted((Path(f.workbook).name if f.workbook else "", f.sheet or "", f.cell or "",
                     f.rule, f.severity.value) for f in batch.all_findings)
    assert found == sorted(tuple(v or "" for v in t) for t in [
        (None, None, None, "township_missing", "warning"),  # 麻江镇 on its late day
        (resubmitted["workbook"], "规模工业企业", resubmitted["cell"], "le", "error"),
        (resubmitted["workbook"], "封面", None, "duplicate_workbook", "warning"),
        (resubmitted["newer"], "封面", None, "duplicate_workbook", "warning"),
        (name(deleted), "安全隐患台账", None, "day_row_gone", "error"),
        (name(reopened), "安全隐患台账", reopened["cell"], "day_reopened", "error"),
    ]), found
    missing = next(f for f in batch.all_findings if f.rule == "township_missing")
    assert late["township"] in missing.message() and late["day"] in str(missing.params)
    gone = next(f for f in batch.all_findings if f.rule == "day_row_gone")
    assert deleted["key"] in gone.message()
    assert batch.exit_code == 1


# --- between days: nothing but the planted faults -----------------------------------

REGISTERS = {  # sheet -> the key of a row (the list)
    "安全隐患台账": lambda r: r["隐患编号"],
    "问题交办台账": lambda r: r["问题编号"],
    "稳岗返还": lambda r: r["统一社会信用代码"],
    "社保减免": lambda r: r["统一社会信用代码"],
    "吸纳就业补贴": lambda r: r["身份证号"],
    "防疫物资": lambda r: (r["日期"], r["物资名称"], r["收支"], r["数量"], r["发放对象"]),
}
FIXED = {"安全隐患台账": ("发现日期", "隐患等级"), "问题交办台账": ("提出日期",)}
DEADLINES = {"安全隐患台账": "整改期限", "问题交办台账": "办结期限"}
CLOSED = {"安全隐患台账": {"已销号"}, "问题交办台账": {"已办结", "当日办结"}}


def _changes(before: dict, after: dict) -> list[tuple]:
    found = []
    for sheet, key in REGISTERS.items():
        old = {key(r): r for r in before["sheets"][sheet]}
        new = {key(r): r for r in after["sheets"][sheet]}
        found += [("vanished", sheet, k) for k in old if k not in new]
        for k, row in new.items():
            if k not in old:
                continue
            for column in FIXED.get(sheet, ()):
                if row[column] != old[k][column]:
                    found.append(("fixed_changed", sheet, k))
            deadline = DEADLINES.get(sheet)
            if deadline and old[k][deadline] and (row[deadline] is None
                                                  or row[deadline] > old[k][deadline]):
                found.append(("deadline_later", sheet, k))
            if old[k].get("状态") in CLOSED.get(sheet, ()) and row["状态"] != old[k]["状态"]:
                found.append(("reopened", sheet, k))
    for sheet, name in (("规模工业企业", "企业名称"), ("重点项目", "项目名称")):
        old = {r[name]: r for r in before["sheets"][sheet]}
        for row in after["sheets"][sheet]:
            if old[row[name]]["是否开复工"] == "是" and row["是否开复工"] == "否":
                found.append(("resumed_to_no", sheet, row[name]))
            if sheet == "规模工业企业" and row["职工总数"] != old[row[name]]["职工总数"]:
                found.append(("staff_changed", sheet, row[name]))
    return found


def test_between_days_only_the_planted_faults(contents):
    found = []
    for township, days in contents.items():
        last = None
        for day, content in days.items():
            if content is None:
                continue
            if last is not None:
                found += [(township, day.isoformat(), *c) for c in _changes(last, content)]
            last = content
    assert found == [("泷泊镇", "2020-03-03", "vanished", "安全隐患台账", "YH100-001"),
                     ("江村镇", "2020-03-05", "reopened", "安全隐患台账", "YH101-001")]


def test_the_generated_files_hold_the_derived_rows(campaign, contents):
    """Spot check: the workbook of a day holds exactly the rows derived for that day."""
    for township, day in (("泷泊镇", dt.date(2020, 2, 15)), ("茶林镇", dt.date(2020, 3, 1)),
                          ("泷泊镇", dt.date(2020, 3, 3))):
        for sheet in ("安全隐患台账", "规模工业企业", "金融支持"):
            rows = _sheet_rows(_path(campaign, township, day), sheet)
            expected = contents[township][day]["sheets"][sheet]
            assert len(rows) == len(expected), (township, day, sheet)
            for got, want in zip(rows, expected, strict=True):
                for column, value in want.items():
                    value = value.isoformat() if isinstance(value, dt.date) else value
                    shown = got[column]
                    shown = shown.date().isoformat() if isinstance(shown, dt.datetime) else shown
                    if isinstance(value, (int, float)) or hasattr(value, "as_tuple"):
                        assert float(shown) == float(value), (township, day, sheet, column)
                    else:
                        assert shown == value, (township, day, sheet, column)


def test_the_restart_shows_in_the_trend(contents):
    def county(day: dt.date, sheet: str, column: str, yes: str | None = None) -> int:
        rows = [r for t in TOWNSHIPS if contents[t][day]
                for r in contents[t][day]["sheets"][sheet]]
        if yes:
            return sum(1 for r in rows if r[column] == yes)
        return sum(r[column] or 0 for r in rows)

    resumed = [county(d, "规模工业企业", "是否开复工", "是") for d in DAYS]
    on_duty = [county(d, "规模工业企业", "已上岗人数") for d in DAYS]
    hazards = [sum(len(contents[t][d]["sheets"]["安全隐患台账"]) for t in TOWNSHIPS
                   if contents[t][d]) for d in DAYS]
    assert resumed[0] < 40 and resumed[-1] == 62  # golden.md: 62 of 64
    assert on_duty[0] < on_duty[10] < on_duty[20] < on_duty[-1] == 9633
    assert hazards[0] < hazards[-1] == 57
    # never down from one day to the next, except where a township is missing or planted
    late = DAYS.index(dt.date(2020, 2, 24))
    assert all(b >= a for i, (a, b) in enumerate(itertools.pairwise(resumed))
               if late not in (i, i + 1))
