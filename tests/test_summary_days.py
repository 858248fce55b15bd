"""One reporting day per summary, and the townships that have not reported (issue 13).

The folders are built here from the demo set: two days of 泷泊镇 (a copy whose 封面 says
2020-03-12), and the demo without 麻江镇. Expected figures are counted from the workbooks
with openpyxl, and the county's townships read from the policy file with tomllib: never
taken from the program under test."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xl_addin.cli import main
from xl_addin.outputs.summary import county_summary
from xl_addin.validation.batch import check_paths

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"
HOME = "泷泊镇_2020-03-11.xlsx"
POLICY = ROOT / "xl_addin" / "policies" / "shuangpai-2020.toml"
COUNTY_TOWNSHIPS = list(tomllib.loads(POLICY.read_text("utf-8"))["townships"])
ENTERPRISES = "规模工业企业"


def enterprises(book: Path) -> tuple[int, int]:
    """(enterprises, resumed) of a workbook, counted row by row."""
    sheet = openpyxl.load_workbook(book, read_only=True)[ENTERPRISES]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    named = [r for r in rows if r[1]]
    return len(named), sum(r[5] == "是" for r in named)


def summary_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["summary", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A folder with 泷泊镇 of 2020-03-11 and of 2020-03-12 (one enterprise fewer, so
    that the two days differ)."""
    folder = tmp_path_factory.mktemp("two_days")
    first = folder / HOME
    shutil.copy(DEMO / HOME, first)
    book = openpyxl.load_workbook(DEMO / HOME)
    book["封面"]["B3"] = dt.datetime(2020, 3, 12)
    sheet = book[ENTERPRISES]
    sheet.delete_rows(sheet.max_row)
    second = folder / "泷泊镇_2020-03-12.xlsx"
    book.save(second)
    return folder, first, second


def test_the_latest_day_is_summarised_alone(two_days: tuple[Path, Path, Path]) -> None:
    folder, first, second = two_days
    assert enterprises(first) == (30, 29) and enterprises(second) == (29, 28)
    data = summary_json(str(folder))
    assert data["as_of"] == "2020-03-12"
    assert (data["counts"]["enterprises"], data["counts"]["enterprises_resumed"]) == (29, 28)
    alone = summary_json(str(second))
    assert data["counts"] == alone["counts"] and data["rates"] == alone["rates"]
    assert [t["workbook"] for t in data["townships"]] == [str(second)]
    assert data["workbooks_not_used"] == [{"workbook": str(first), "as_of": "2020-03-11"}]
    assert data["bulletin"].startswith("截至3月12日")


def test_date_picks_the_other_day(two_days: tuple[Path, Path, Path]) -> None:
    folder, first, second = two_days
    data = summary_json(str(folder), "--date", "2020-03-11")
    assert data["as_of"] == "2020-03-11"
    assert (data["counts"]["enterprises"], data["counts"]["enterprises_resumed"]) == (30, 29)
    assert data["counts"] == summary_json(str(first))["counts"]
    assert data["workbooks_not_used"] == [{"workbook": str(second), "as_of": "2020-03-12"}]


def test_the_text_output_lists_the_workbook_not_used(two_days: tuple[Path, Path, Path]
                                                      ) -> None:
    folder, first, _ = two_days
    result = CliRunner().invoke(main, ["summary", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("截至3月12日")
    assert "全县" not in lines[0].split("，")[1][:2]  # one township of eleven: not 全县
    assert any(str(first) in line and "2020-03-11" in line for line in lines[1:])


@pytest.fixture(scope="module")
def without_majiang(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("without_majiang")
    for book in DEMO.glob("*.xlsx"):
        if not book.name.startswith("麻江镇"):
            shutil.copy(book, folder / book.name)
    return folder


def test_a_missing_township_is_named(without_majiang: Path, tmp_path: Path) -> None:
    out = tmp_path / "county.xlsx"
    data = summary_json(str(without_majiang), "--out", str(out))
    present = [t for t in COUNTY_TOWNSHIPS if t != "麻江镇"]
    assert data["townships_expected"] == COUNTY_TOWNSHIPS
    assert data["townships_reported"] == present
    assert data["townships_missing"] == ["麻江镇"]
    assert data["workbooks_not_used"] == []
    counted = [enterprises(b) for b in without_majiang.glob("*.xlsx")]
    assert data["counts"]["enterprises"] == sum(n for n, _ in counted)
    assert data["counts"]["enterprises_resumed"] == sum(r for _, r in counted)
    bulletin = data["bulletin"]
    assert "麻江镇" in bulletin
    assert not re.search(r"全县\d", bulletin), bulletin  # not called the whole county
    assert f"已报送的{len(present)}个乡镇" in bulletin

    book = openpyxl.load_workbook(out)
    sheet = book["县级汇总"]
    header = [c.value for c in sheet[1]]
    col = header.index("规模工业企业数")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    [missing] = [r for r in rows if r[0] == "麻江镇"]
    assert "未报送" in missing
    assert all(v is None for v in missing[3:]), missing  # no figure, never a 0
    total = next(i for i, r in enumerate(rows) if r[0] == "合计")
    assert rows[total][col] == sum(n for n, _ in counted)
    assert sum(r[col] for r in rows[:total] if r[0] != "麻江镇") == rows[total][col]
    assert any("麻江镇" in str(r[0]) for r in rows[total + 1:])  # named under the total
    assert "麻江镇" in book["通报"]["A1"].value


def test_the_text_output_names_the_missing_township(without_majiang: Path) -> None:
    result = CliRunner().invoke(main, ["summary", str(without_majiang), "--lang", "en"])
    assert result.exit_code == 0, result.output
    bulletin, *notes = result.stdout.splitlines()
    assert "麻江镇" in bulletin and "the county's" not in bulletin
    assert any("麻江镇" in line for line in notes)


def test_check_warns_of_the_missing_township(without_majiang: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(without_majiang), "--format", "json"])
    assert result.exit_code == 0, result.output  # a 警告 never changes the exit code
    report = json.loads(result.stdout)
    missing = [f for f in report["findings"] if f["rule"] == "township_missing"]
    assert len(missing) == 1
    [finding] = missing
    assert finding["severity"] == "warning"
    assert finding["workbook"] is None and finding["sheet"] is None and finding["cell"] is None
    assert finding["params"] == {"township": "麻江镇", "date": "2020-03-11"}
    assert report["totals"]["warnings"] == 1 and report["exit_code"] == 0


def test_the_complete_demo_misses_nothing() -> None:
    batch = check_paths([str(DEMO)], jobs=2)
    assert not [f for f in batch.all_findings if f.rule == "township_missing"]
    summary = county_summary(batch)
    data = summary.to_json()
    assert data["townships_expected"] == COUNTY_TOWNSHIPS
    assert sorted(data["townships_reported"]) == sorted(COUNTY_TOWNSHIPS)
    assert data["townships_missing"] == [] and data["workbooks_not_used"] == []
    assert summary.notes() == []
    assert summary.bulletin().startswith("截至3月11日，全县64家规模工业企业")


def test_no_township_is_said_missing_when_nothing_was_read(tmp_path: Path) -> None:
    """Every file unreadable: no day, so no township is said missing (nothing guessed)."""
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "none.xlsx"), "--format",
                                       "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["as_of"] is None and data["townships"] == []
    assert data["townships_missing"] is None
    assert not any(t in data["bulletin"] for t in COUNTY_TOWNSHIPS)


# --- a resubmission: two workbooks of one township and day (issue 13, item 8) ---------------

def _summary_with_duplicates(folder: Path) -> dict:
    """summary --format json of a folder with two workbooks of one township and day: exit 0,
    since check calls them a 警告 (duplicate_workbook) naming the one used."""
    result = CliRunner().invoke(main, ["summary", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_corrected_resubmission_replaces_the_earlier_one(tmp_path: Path) -> None:
    """泷泊镇 sent twice for 2020-03-11: the earlier file (one enterprise more) and the
    correction. The summary adds the newer file alone and lists the earlier as not used."""
    import os

    earlier, correction = tmp_path / "泷泊镇3.11日报.xlsx", tmp_path / "泷泊镇3.11日报(1).xlsx"
    shutil.copy(DEMO / HOME, earlier)
    book = openpyxl.load_workbook(DEMO / HOME)
    sheet = book[ENTERPRISES]
    sheet.delete_rows(sheet.max_row)
    book.save(correction)
    os.utime(earlier, (1_583_900_000, 1_583_900_000))      # 2020-03-11, morning
    os.utime(correction, (1_583_910_000, 1_583_910_000))   # the same day, later
    data = _summary_with_duplicates(tmp_path)
    count, resumed = enterprises(correction)
    assert enterprises(earlier)[0] == count + 1
    assert (data["counts"]["enterprises"], data["counts"]["enterprises_resumed"]) == (
        count, resumed)
    assert [t["workbook"] for t in data["townships"]] == [str(correction)]
    assert [w["workbook"] for w in data["workbooks_not_used"]] == [str(earlier)]
    text = CliRunner().invoke(main, ["summary", str(tmp_path)]).stdout
    assert f"较新的工作簿 {correction}）：{earlier}" in text


def test_byte_identical_copies_count_once(tmp_path: Path) -> None:
    for name in (HOME, "泷泊镇_2020-03-11(1).xlsx"):
        shutil.copy(DEMO / HOME, tmp_path / name)
    data = _summary_with_duplicates(tmp_path)
    assert data["counts"]["enterprises"] == enterprises(DEMO / HOME)[0]
    assert data["townships_reported"] == ["泷泊镇"] and len(data["townships"]) == 1


def test_a_workbook_with_errors_is_named_in_the_notes_and_the_json(tmp_path: Path) -> None:
    """Its figures are added, but the clerk reading the bulletin is told which workbook
    has 错误 (a value refused is not added: the figure may be short)."""
    book = openpyxl.load_workbook(DEMO / HOME)
    book[ENTERPRISES]["H2"] = -5  # 职工总数 negative: an 错误
    book.save(tmp_path / HOME)
    shutil.copy(DEMO / "江村镇_2020-03-11.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["summary", str(tmp_path), "--no-cache"])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "有错误" in line]
    assert len(lines) == 1 and HOME in lines[0] and "江村镇" not in lines[0], result.stdout
    data = json.loads(CliRunner().invoke(main, ["summary", str(tmp_path), "--format", "json",
                                                "--no-cache"]).stdout)
    (entry,) = data["workbooks_with_errors"]
    assert entry["workbook"].endswith(HOME) and entry["errors"] >= 1


def test_many_workbooks_of_other_days_are_said_in_one_line(tmp_path: Path) -> None:
    """A campaign folder holds every day: the notes say how many and which days in one
    line instead of naming each workbook; the JSON still lists every one."""
    days = [dt.date(2020, 3, d) for d in range(2, 11)]  # 9 earlier days of 泷泊镇
    for day in days:
        book = openpyxl.load_workbook(DEMO / HOME)
        book["封面"]["B3"] = dt.datetime(day.year, day.month, day.day)
        book.save(tmp_path / f"泷泊镇_{day.isoformat()}.xlsx")
    shutil.copy(DEMO / HOME, tmp_path / HOME)
    result = CliRunner().invoke(main, ["summary", str(tmp_path), "--no-cache"])
    notes = [line for line in result.stdout.splitlines() if "统计日期不同" in line]
    assert notes == ["未计入汇总（统计日期不同）：另有9个工作簿，"
                     "2020-03-02至2020-03-10共9个统计日期"]
    data = json.loads(CliRunner().invoke(main, ["summary", str(tmp_path), "--format", "json",
                                                "--no-cache"]).stdout)
    assert sorted(w["as_of"] for w in data["workbooks_not_used"]) == [
        d.isoformat() for d in days]
