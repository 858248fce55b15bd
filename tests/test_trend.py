"""The trend (issue 13 item 4): per day and township the headline rates, the county per day,
the reporting matrix, the townships below the county's rate, the 趋势 sheet of the county
workbook, and the ribbon's 县级汇总 writing it (item 10).

The days are built here from three demo townships: copies with another 统计日期 on the
封面 and changed counts, one with an 错误 (a credit code with a wrong check character), and
麻江镇 missing on the last day. Expected rates are counted from the files with openpyxl
(开复工率 = enterprises 是 / enterprises; 上岗率 = Σ已上岗人数 / Σ职工总数, over the townships
of the day): never taken from the module under test."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from fractions import Fraction
from pathlib import Path

import openpyxl
import payloads as P
import pytest
from openpyxl.chart import LineChart

from xl_addin import ribbon
from xl_addin.outputs.summary import build_workbook, county_summary
from xl_addin.outputs.trend import HEADER_ROW, Reporting, add_trend_sheet, trend_of
from xl_addin.validation.batch import check_paths
from xl_addin.validation.outcome import Batch

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"
POLICY = ROOT / "xl_addin" / "policies" / "shuangpai-2020.toml"
COUNTY = list(tomllib.loads(POLICY.read_text("utf-8"))["townships"])
TOWNS = ["泷泊镇", "江村镇", "麻江镇"]
DAYS = [dt.date(2020, 3, 11), dt.date(2020, 3, 12), dt.date(2020, 3, 13)]
ENTERPRISES = "规模工业企业"


def _copy(town: str, day: dt.date, folder: Path, edit=None) -> Path:
    book = openpyxl.load_workbook(DEMO / f"{town}_2020-03-11.xlsx")
    book["封面"]["B3"] = dt.datetime(day.year, day.month, day.day)
    if edit:
        edit(book[ENTERPRISES])
    target = folder / f"{town}_{day.isoformat()}.xlsx"
    book.save(target)
    return target


def _drop_last(sheet) -> None:
    sheet.delete_rows(sheet.max_row)


def _fewer_on_duty(sheet) -> None:
    _drop_last(sheet)
    sheet["I2"] = sheet["I2"].value - 50


def _bad_code(sheet) -> None:
    code = sheet["C2"].value
    sheet["C2"] = code[:-1] + ("B" if code[-1] != "B" else "C")  # wrong check character
    sheet["I3"] = sheet["I3"].value - 40


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Batch]:
    folder = tmp_path_factory.mktemp("days")
    for town in TOWNS:
        shutil.copy(DEMO / f"{town}_2020-03-11.xlsx", folder)
    _copy("泷泊镇", DAYS[1], folder, _drop_last)
    _copy("江村镇", DAYS[1], folder, _bad_code)
    _copy("麻江镇", DAYS[1], folder)
    _copy("泷泊镇", DAYS[2], folder, _fewer_on_duty)
    _copy("江村镇", DAYS[2], folder)
    return folder, check_paths([str(folder)])


def counted(path: Path) -> tuple[int, int, int, int]:
    """(enterprises, resumed, staff, on duty) of a workbook, row by row."""
    sheet = openpyxl.load_workbook(path, read_only=True)[ENTERPRISES]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]]
    return (len(rows), sum(r[5] == "是" for r in rows), sum(r[7] for r in rows),
            sum(r[8] for r in rows))


def files_of(folder: Path, day: dt.date) -> dict[str, Path]:
    return {p.name.split("_")[0]: p for p in folder.glob(f"*_{day.isoformat()}.xlsx")}


def expected_rates(paths: list[Path]) -> tuple[Fraction, Fraction]:
    sums = [sum(c) for c in zip(*(counted(p) for p in paths), strict=True)]
    return Fraction(sums[1], sums[0]), Fraction(sums[3], sums[2])


def test_days_and_county_rates_per_day(days: tuple[Path, Batch]) -> None:
    folder, batch = days
    trend = trend_of(batch, lambda day: county_summary(batch, None, day))
    assert trend.days == DAYS
    for day in DAYS:
        files = files_of(folder, day)
        summary = trend.summaries[day]
        assert summary.as_of == day
        assert summary.reported == [t for t in COUNTY if t in files]
        resumption, on_duty = expected_rates(list(files.values()))
        assert summary.rates["resumption_rate"] == resumption, day
        assert summary.rates["on_duty_rate"] == on_duty, day
    assert trend.summaries[DAYS[2]].missing == [t for t in COUNTY if t not in ("泷泊镇", "江村镇")]


def test_township_rates_per_day(days: tuple[Path, Batch]) -> None:
    folder, batch = days
    trend = trend_of(batch, lambda day: county_summary(batch, None, day))
    for day in DAYS:
        for town, path in files_of(folder, day).items():
            n, resumed, staff, on_duty = counted(path)
            rates = trend.rates(town, day)
            assert rates is not None
            assert rates["resumption_rate"] == Fraction(resumed, n)
            assert rates["on_duty_rate"] == Fraction(on_duty, staff)
    assert trend.rates("麻江镇", DAYS[2]) is None
    assert trend.rates("泷泊镇", DAYS[1]) != trend.rates("泷泊镇", DAYS[0])  # the days differ


def test_reporting_matrix(days: tuple[Path, Batch]) -> None:
    _, batch = days
    trend = trend_of(batch, lambda day: county_summary(batch, None, day))
    assert trend.townships == COUNTY  # every township of the county, in the policy's order
    assert [trend.reporting("泷泊镇", d) for d in DAYS] == [Reporting.REPORTED] * 3
    assert [trend.reporting("江村镇", d) for d in DAYS] == [
        Reporting.REPORTED, Reporting.ERRORS, Reporting.REPORTED]
    assert [trend.reporting("麻江镇", d) for d in DAYS] == [
        Reporting.REPORTED, Reporting.REPORTED, Reporting.MISSING]
    assert [trend.reporting("塘底乡", d) for d in DAYS] == [Reporting.MISSING] * 3


def test_townships_below_the_county(days: tuple[Path, Batch]) -> None:
    folder, batch = days
    trend = trend_of(batch, lambda day: county_summary(batch, None, day))
    for day in DAYS:
        files = files_of(folder, day)
        county_resumption, county_on_duty = expected_rates(list(files.values()))
        below = trend.below_county(day)
        expected_resumption, expected_on_duty = set(), set()
        for town, path in files.items():
            n, resumed, staff, on_duty = counted(path)
            if Fraction(resumed, n) < county_resumption:
                expected_resumption.add(town)
            if Fraction(on_duty, staff) < county_on_duty:
                expected_on_duty.add(town)
        assert set(below["resumption_rate"]) == expected_resumption, day
        assert set(below["on_duty_rate"]) == expected_on_duty, day
    assert set(trend.below_county(DAYS[2])["on_duty_rate"]) == {"泷泊镇"}


def test_trend_sheet_of_the_county_workbook(days: tuple[Path, Batch]) -> None:
    folder, batch = days
    summary = county_summary(batch)
    assert summary.as_of == DAYS[2]
    book = build_workbook(summary, batch)
    assert book.sheetnames[-1] == "趋势"
    ws = book["趋势"]
    assert ws["A1"].value == "各乡镇指标趋势（2020-03-11 至 2020-03-13，3 个统计日期）"
    assert [c.value for c in ws[HEADER_ROW]][:5] == ["统计日期", "已报送乡镇数", "未报送乡镇",
                                                      "开复工率", "上岗率"]
    for i, day in enumerate(DAYS, start=1):
        row = [c.value for c in ws[HEADER_ROW + i]]
        files = files_of(folder, day)
        resumption, on_duty = expected_rates(list(files.values()))
        assert row[0] == day and row[1] == len(files)
        assert row[2] == "、".join(t for t in COUNTY if t not in files)
        assert row[3] == pytest.approx(float(resumption)) and row[4] == pytest.approx(
            float(on_duty))
    charts = ws._charts
    assert len(charts) == 2 and all(isinstance(c, LineChart) for c in charts)
    assert len(charts[0].series) == 7  # every rate of the county
    assert len(charts[1].series) == len(COUNTY)  # 开复工率, one line per township
    values = [[c.value for c in r] for r in ws.iter_rows()]
    matrix = next(i for i, r in enumerate(values) if r[0] == "报送情况（乡镇 × 统计日期）")
    assert values[matrix + 1][:4] == ["乡镇", *DAYS]
    rows = {r[0]: r[1:4] for r in values[matrix + 2:matrix + 2 + len(COUNTY)]}
    assert rows["江村镇"] == ["已报送", "有错误", "已报送"]
    assert rows["麻江镇"] == ["已报送", "已报送", "未报送"]
    below = next(i for i, r in enumerate(values) if r[0] == "低于全县的乡镇（2020-03-13）")
    on_duty_row = next(r for r in values[below:] if r[0] == "上岗率")
    assert on_duty_row[2] == "泷泊镇"


def test_one_day_has_no_trend_sheet() -> None:
    batch = check_paths([str(DEMO / "泷泊镇_2020-03-11.xlsx")])
    trend = trend_of(batch, lambda day: county_summary(batch, None, day))
    book = openpyxl.Workbook()
    assert trend.days == [DAYS[0]]
    assert add_trend_sheet(book, trend) is None
    assert book.sheetnames == ["Sheet"]


@pytest.mark.usefixtures("_remote_interpreter")
def test_ribbon_county_summary_writes_the_trend(days: tuple[Path, Batch],
                                                tmp_path: Path) -> None:
    out = tmp_path / "县级汇总.xlsx"
    message = ribbon.on_summary(P.book(openpyxl.Workbook()), folder=days[0], out=out)
    assert message.startswith(f"县级汇总已写入 {out}（2 个乡镇）\n截至3月13日")
    written = openpyxl.load_workbook(out)
    assert written.sheetnames[:3] == ["县级汇总", "通报", "数据来源"]
    assert "交办总览" in written.sheetnames and written.sheetnames[-1] == "趋势"
    assert written["趋势"].cell(HEADER_ROW + 3, 1).value == dt.datetime(2020, 3, 13)
