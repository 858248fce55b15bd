"""The dispatch list (日调度, issue 13 item 3): open issues of 问题交办台账 by 承办部门 and
问题类别 with days left / overdue, hazards not 已销号 overdue first; `xl-addin dispatch`, its
workbook and JSON, the county workbook and the ribbon's 县级汇总.

Expected values are written from the spec (functions.md: 问题 status = 逾期 when as-of >
办结期限, else 办理中 while 办结日期 is empty; hazard 已销号 only with 复查结论 合格) and
from the rows the tests write, or read from the demo workbooks with openpyxl: never taken
from the module under test."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import payloads as P
import pytest
from click.testing import CliRunner
from test_formats_doc import _assert_json_keys

from xl_addin import ribbon
from xl_addin.cli import main
from xl_addin.outputs.dispatch import (
    HEADER_ROW,
    dispatch_list,
    dispatch_workbook,
    sheet_name,
)
from xl_addin.outputs.summary import build_workbook, county_summary
from xl_addin.validation.batch import check_paths
from xl_addin.validation.outcome import Batch

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"
HOME = "泷泊镇_2020-03-11.xlsx"
AS_OF = dt.date(2020, 3, 11)
ISSUES, HAZARDS = "问题交办台账", "安全隐患台账"
D = dt.datetime
# a department name longer than Excel's 31 characters; two departments share its first 31
LONG = "双牌县人力资源和社会保障局农民工工作领导小组办公室就业服务中心"
assert len(LONG) >= 31


def _day(month: int, day: int) -> dt.datetime:
    return D(2020, month, day)


# 问题编号, 问题类别, 承办部门, 提出日期, 办结期限, 办结日期, 处理方式, typed 状态, 问题描述
ISSUE_ROWS: list[tuple[Any, ...]] = [
    ("I1", "要素保障", "县发改局", _day(3, 1), _day(3, 5), None, "交办", "办理中", "缺电"),
    ("I2", "物资协调", "县发改局", _day(3, 8), _day(3, 11), None, "交办", "办理中", "缺口罩"),
    ("I3", "防控措施", "县卫健局", _day(3, 9), _day(3, 20), None, "交办", "办理中",
     "测温点设置联系人电话13907460001"),
    ("I4", "安全生产", "县卫健局", _day(3, 2), _day(3, 4), _day(3, 3), "交办", "已办结", "已办"),
    ("I5", "要素保障", None, _day(3, 10), None, _day(3, 10), "当日解决", "当日办结", "当日"),
    ("I6", "物资协调", None, _day(3, 10), None, None, "交办", "办理中", "无部门无期限"),
    ("I7", "安全生产", "县应急管理局[安全]/监管:科*?", _day(3, 8), _day(3, 10), None, "交办",
     "办理中", "名称带符号"),
    ("I8", "防控措施", LONG + "一股", _day(3, 9), _day(3, 15), None, "交办", "办理中", "长名一"),
    ("I9", "防控措施", LONG + "二股", _day(3, 9), _day(3, 15), None, "交办", "办理中", "长名二"),
    # typed 已办结 with no 办结日期 and past its deadline: the dates say 逾期
    ("I10", "要素保障", "县卫健局", _day(3, 1), _day(3, 9), None, "交办", "已办结", "状态未更新"),
]
# 隐患编号, 发现日期, 整改期限, 整改完成日期, 复查日期, 复查结论, typed 状态
HAZARD_ROWS: list[tuple[Any, ...]] = [
    ("H1", _day(3, 1), _day(3, 5), None, None, None, "逾期未整改"),
    ("H2", _day(3, 1), _day(3, 6), _day(3, 5), None, None, "待复查"),
    ("H3", _day(3, 1), _day(3, 8), _day(3, 7), _day(3, 9), "不合格", "复查不合格"),
    ("H4", _day(3, 1), _day(3, 8), _day(3, 7), _day(3, 9), "合格", "已销号"),
    ("H5", _day(3, 5), _day(3, 20), None, None, None, "整改中"),
    ("H6", _day(3, 5), None, None, None, None, "整改中"),
    # a 复查结论 outside 合格/不合格 (an 错误 of its own): not 已销号, fixed, so 待复查
    ("H7", _day(3, 1), _day(3, 5), _day(3, 4), _day(3, 6), "待定", "已销号"),
]

# From the rows above and the spec, on 2020-03-11: (id, status, days left, days overdue),
# overdue first (longest first), then fewest days left, then no deadline; ties by row.
EXPECTED_ISSUES = [
    ("I1", "逾期", None, 6), ("I10", "逾期", None, 2), ("I7", "逾期", None, 1),
    ("I2", "办理中", 0, None), ("I8", "办理中", 4, None), ("I9", "办理中", 4, None),
    ("I3", "办理中", 9, None), ("I6", "办理中", None, None),
]
EXPECTED_HAZARDS = [
    ("H1", "逾期未整改", None, 6), ("H3", "复查不合格", None, 3), ("H5", "整改中", 9, None),
    ("H2", "待复查", None, None), ("H6", "整改中", None, None), ("H7", "待复查", None, None),
]


def _rewrite(sheet: Any, rows: list[list[Any]]) -> None:
    """Replace the data rows under the header (row 1) by ``rows`` (header → value)."""
    sheet.delete_rows(2, sheet.max_row)
    columns = {c.value: c.column for c in sheet[1]}
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(r, columns[header], value)


def made_workbook(target: Path) -> Path:
    """泷泊镇 of the demo with the issues and hazards above."""
    book = openpyxl.load_workbook(DEMO / HOME)
    _rewrite(book[ISSUES], [
        {"问题编号": i, "企业（项目）名称": f"企业{i}", "问题类别": cat, "问题描述": desc,
         "提出日期": raised, "调度日期": raised, "处理方式": how, "承办部门": dept,
         "办结期限": deadline, "办结日期": closed, "状态": typed}
        for i, cat, dept, raised, deadline, closed, how, typed, desc in ISSUE_ROWS])
    _rewrite(book[HAZARDS], [
        {"隐患编号": h, "企业（项目）名称": f"企业{h}", "隐患描述": f"隐患{h}", "隐患等级": "一般",
         "发现日期": found, "整改措施": "整改", "整改责任人": "张三", "整改期限": deadline,
         "整改完成日期": done, "复查人": "李四" if reviewed else None, "复查日期": reviewed,
         "复查结论": verdict, "状态": typed}
        for h, found, deadline, done, reviewed, verdict, typed in HAZARD_ROWS])
    book.save(target)
    return target


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Batch]:
    folder = tmp_path_factory.mktemp("made")
    made_workbook(folder / HOME)
    return folder, check_paths([str(folder)])


@pytest.fixture(scope="module")
def demo() -> Batch:
    return check_paths([str(DEMO)])


def _rows(items: list[Any]) -> list[tuple[Any, ...]]:
    return [(i.values["id"], i.status, i.days_left, i.days_overdue) for i in items]


# --- the list -----------------------------------------------------------------------

def test_open_issues_overdue_first_with_their_days(made: tuple[Path, Batch]) -> None:
    result = dispatch_list(county_summary(made[1]))
    assert result.as_of == AS_OF
    assert _rows(result.issues) == EXPECTED_ISSUES
    assert {i.township for i in result.issues} == {"泷泊镇"}


def test_the_typed_status_does_not_hide_an_overdue_issue(made: tuple[Path, Batch]) -> None:
    result = dispatch_list(county_summary(made[1]))
    i10 = next(i for i in result.issues if i.values["id"] == "I10")
    assert i10.status == "逾期" and i10.overdue
    assert i10.cell == "A11"  # the tenth issue, under the header on row 1
    assert "I4" not in {i.values["id"] for i in result.issues}  # closed on 3-03
    assert "I5" not in {i.values["id"] for i in result.issues}  # 当日办结


def test_hazards_not_closed_overdue_first(made: tuple[Path, Batch]) -> None:
    result = dispatch_list(county_summary(made[1]))
    assert _rows(result.hazards) == EXPECTED_HAZARDS
    assert "H4" not in {h.values["id"] for h in result.hazards}


def test_grouped_by_department_and_category(made: tuple[Path, Batch]) -> None:
    data = dispatch_list(county_summary(made[1])).to_json()
    departments = data["by_department"]
    # in the order of each department's most urgent issue (EXPECTED_ISSUES)
    assert list(departments) == ["县发改局", "县卫健局", "县应急管理局[安全]/监管:科*?",
                                 LONG + "一股", LONG + "二股", ""]
    assert departments["县发改局"] == {
        "open": 2, "overdue": 1, "issues": ["I1", "I2"],
        "by_category": {"要素保障": 1, "物资协调": 1, "防控措施": 0, "安全生产": 0}}
    assert departments["县卫健局"]["issues"] == ["I10", "I3"]
    assert departments[""]["issues"] == ["I6"]
    assert data["by_category"] == {"要素保障": {"open": 2, "overdue": 2},
                                   "物资协调": {"open": 2, "overdue": 0},
                                   "防控措施": {"open": 3, "overdue": 0},
                                   "安全生产": {"open": 1, "overdue": 1}}
    assert data["hazards_overdue"] == 2


def test_phone_numbers_in_free_text_are_masked(made: tuple[Path, Batch]) -> None:
    (outcome,) = made[1].results
    i3 = next(i for i in outcome.open_items["issues"] if i["id"] == "I3")
    assert i3["description"] == "测温点设置联系人电话139****0001"
    assert "13907460001" not in json.dumps(dispatch_list(county_summary(made[1])).to_json(),
                                           ensure_ascii=False)


def test_open_items_hold_plain_values_only(made: tuple[Path, Batch]) -> None:
    allowed = (str, int, float, bool, type(None), dt.date)
    (outcome,) = made[1].results
    assert set(outcome.open_items) == {"issues", "hazards"}
    for rows in outcome.open_items.values():
        for row in rows:
            bad = {k: type(v) for k, v in row.items()
                   if not isinstance(v, allowed) or isinstance(v, dt.datetime)}
            assert not bad, bad


def test_demo_open_issues_read_from_the_workbooks(demo: Batch) -> None:
    """Every demo row of 问题交办台账 with no 办结日期, by the spec's rule on 2020-03-11."""
    expected = set()
    for path in DEMO.glob("*.xlsx"):
        book = openpyxl.load_workbook(path)
        township = book["封面"]["B1"].value
        rows = list(book[ISSUES].iter_rows(min_row=2, values_only=True))
        hazards = list(book[HAZARDS].iter_rows(min_row=2, values_only=True))
        assert all(h[11] == "合格" for h in hazards if h[0])  # every demo hazard 已销号
        for row in rows:
            if row[0] and row[9] is None:
                deadline = row[8].date()
                status = "逾期" if deadline < AS_OF else "办理中"
                expected.add((township, row[0], row[7], status, (deadline - AS_OF).days))
    assert len(expected) == 3
    result = dispatch_list(county_summary(demo))
    assert {(i.township, i.values["id"], i.values["department"], i.status, i.days_left)
            for i in result.issues} == expected
    assert result.hazards == []


# --- sheet names --------------------------------------------------------------------

@pytest.mark.parametrize(("wanted", "taken", "name"), [
    ("县发改局", [], "县发改局"),
    ("县应急管理局[安全]/监管:科*?", [], "县应急管理局_安全__监管_科__"),
    ("a\\b", [], "a_b"),
    ("'引号'", [], "引号"),
    ("", [], "_"),
    ("History", [], "History_"),
    ("汇总", ["汇总"], "汇总(2)"),
    ("ABC", ["abc", "ABC(2)"], "ABC(3)"),
    ("x" * 40, [], "x" * 31),
    ("x" * 40, ["x" * 31], "x" * 28 + "(2)"),
])
def test_sheet_names_excel_accepts(wanted: str, taken: list[str], name: str) -> None:
    assert sheet_name(wanted, taken) == name


# --- the workbook -------------------------------------------------------------------

def test_workbook_one_sheet_per_department(made: tuple[Path, Batch]) -> None:
    result = dispatch_list(county_summary(made[1]))
    book = dispatch_workbook(result)
    assert book.sheetnames == ["交办总览", "县发改局", "县卫健局", "县应急管理局_安全__监管_科__",
                               LONG[:31], LONG[:28] + "(2)", "未填承办部门", "未销号隐患"]
    ws = book["县发改局"]
    assert ws["A1"].value == "县发改局 交办清单（截至3月11日）"
    assert ws["A2"].value.startswith("范围：已报送的1个乡镇（共11个乡镇，")
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == ["序号", "乡镇", "问题编号", "企业（项目）名称", "问题类别", "问题描述",
                      "提出日期", "办结期限", "剩余天数", "逾期天数", "状态"]
    rows = [r for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert rows == [
        (1, "泷泊镇", "I1", "企业I1", "要素保障", "缺电", dt.date(2020, 3, 1),
         dt.date(2020, 3, 5), None, 6, "逾期"),
        (2, "泷泊镇", "I2", "企业I2", "物资协调", "缺口罩", dt.date(2020, 3, 8),
         dt.date(2020, 3, 11), 0, None, "办理中")]
    assert book[LONG[:31]]["A1"].value.startswith(LONG + "一股 交办清单")
    hazards = book["未销号隐患"]
    assert [r[2] for r in hazards.iter_rows(min_row=HEADER_ROW + 1, values_only=True)] == [
        "H1", "H3", "H5", "H2", "H6", "H7"]
    overview = book["交办总览"]
    assert [c.value for c in overview[HEADER_ROW]] == [
        "承办部门", "要素保障", "物资协调", "防控措施", "安全生产", "未办结合计", "其中逾期"]
    assert [c.value for c in overview[HEADER_ROW + 1]] == ["县发改局", 1, 1, 0, 0, 2, 1]
    total = next(r for r in overview.iter_rows(values_only=True) if r[0] == "合计")
    assert total == ("合计", 2, 2, 3, 1, 8, 3)


def test_english_titles(made: tuple[Path, Batch]) -> None:
    book = dispatch_workbook(dispatch_list(county_summary(made[1])), "en")
    assert "Open hazards" in book.sheetnames and "No 承办部门 given" in book.sheetnames
    assert book["县发改局"]["A1"].value == "县发改局: dispatch list (As of 2020-03-11)"


def test_the_county_workbook_carries_the_same(made: tuple[Path, Batch]) -> None:
    batch = made[1]
    summary = county_summary(batch)
    county = build_workbook(summary, batch)
    alone = dispatch_workbook(dispatch_list(summary))
    assert county.sheetnames[:3] == ["县级汇总", "通报", "数据来源"]
    assert county.sheetnames[3:] == alone.sheetnames  # one day: no 趋势 sheet
    for name in alone.sheetnames:
        assert list(county[name].values) == list(alone[name].values), name


# --- the command --------------------------------------------------------------------

def test_cli_json_and_workbook(made: tuple[Path, Batch], tmp_path: Path) -> None:
    folder = made[0]
    out = tmp_path / "交办清单.xlsx"
    result = CliRunner().invoke(main, ["dispatch", str(folder), "--format", "json",
                                       "--out", str(out)])
    assert result.exit_code == 1, result.output  # the made workbook has 错误 (I6: no 办结期限)
    data = json.loads(result.stdout)
    assert [(i["id"], i["status"], i["days_left"], i["days_overdue"])
            for i in data["issues"]] == [tuple(e) for e in EXPECTED_ISSUES]
    assert data["issues"][0] == {
        "township": "泷泊镇", "workbook": str(folder / HOME), "sheet": ISSUES, "cell": "A2",
        "id": "I1", "enterprise": "企业I1", "category": "要素保障", "description": "缺电",
        "raised_on": "2020-03-01", "deadline": "2020-03-05", "department": "县发改局",
        "handling": "交办", "status": "逾期", "days_left": None, "days_overdue": 6}
    assert data["hazards"][0]["days_overdue"] == 6 and data["hazards"][0]["owner"] == "张三"
    assert len(data["townships_missing"]) == 10
    assert "未销号安全隐患 6 条（其中逾期 2 条）" in result.stderr
    assert "未办结交办问题 8 个（其中逾期 3 个，涉及 6 个承办部门）" in result.stderr
    assert openpyxl.load_workbook(out).sheetnames[-1] == "未销号隐患"


def test_cli_table_names_the_departments(made: tuple[Path, Batch]) -> None:
    result = CliRunner().invoke(main, ["dispatch", str(made[0])])
    assert result.exit_code == 1
    assert "县发改局 交办清单（截至3月11日）" in result.stdout
    assert "未销号安全隐患清单（逾期在前，截至3月11日）" in result.stdout
    assert "[安全]" in result.stdout  # printed as text, not taken for markup


def test_cli_unwritable_out_and_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "no" / "such" / "dir"
    bad.parent.parent.mkdir()
    (bad.parent).write_text("a file, not a folder")
    result = CliRunner().invoke(main, ["dispatch", str(DEMO / HOME), "--out",
                                       str(bad / "x.xlsx")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    broken = tmp_path / "坏_2020-03-11.xlsx"
    broken.write_bytes(b"not a workbook")
    result = CliRunner().invoke(main, ["dispatch", str(broken), str(DEMO / HOME),
                                       "--format", "json"])
    assert result.exit_code == 2
    assert [i["id"] for i in json.loads(result.stdout)["issues"]] == ["WT100-010"]


def test_date_picks_the_day_and_days_count_from_it(tmp_path: Path) -> None:
    """Two days of 泷泊镇: the open issue WT100-010 (办结期限 2020-03-16) has 5 days left on
    3-11 and, in a copy of 3-17, is 1 day overdue; the two days are never mixed."""
    shutil.copy(DEMO / HOME, tmp_path / HOME)
    book = openpyxl.load_workbook(DEMO / HOME)
    book["封面"]["B3"] = D(2020, 3, 17)
    book.save(tmp_path / "泷泊镇_2020-03-17.xlsx")
    batch = check_paths([str(tmp_path)])
    latest = dispatch_list(county_summary(batch)).to_json()
    assert latest["as_of"] == "2020-03-17"
    assert [(i["id"], i["status"], i["days_left"], i["days_overdue"])
            for i in latest["issues"]] == [("WT100-010", "逾期", None, 1)]
    assert latest["workbooks_not_used"] == [{"workbook": str(tmp_path / HOME),
                                             "as_of": "2020-03-11"}]
    first = dispatch_list(county_summary(batch, None, AS_OF)).to_json()
    assert [(i["id"], i["status"], i["days_left"]) for i in first["issues"]] == [
        ("WT100-010", "办理中", 5)]


def test_json_keys_are_the_documented_ones(made: tuple[Path, Batch], tmp_path: Path) -> None:
    shutil.copy(made[0] / HOME, tmp_path / HOME)
    other = openpyxl.load_workbook(DEMO / "江村镇_2020-03-11.xlsx")
    other["封面"]["B3"] = D(2020, 3, 10)
    other.save(tmp_path / "江村镇_2020-03-10.xlsx")
    data = dispatch_list(county_summary(check_paths([str(tmp_path)]))).to_json()
    assert data["workbooks_not_used"] and data["issues"] and data["hazards"]
    _assert_json_keys("dispatch-json", data)


# --- the ribbon ---------------------------------------------------------------------

@pytest.mark.usefixtures("_remote_interpreter")
def test_ribbon_county_summary_carries_the_dispatch_list(made: tuple[Path, Batch],
                                                         tmp_path: Path) -> None:
    out = tmp_path / "县级汇总.xlsx"
    book = P.book(openpyxl.Workbook())
    message = ribbon.on_summary(book, folder=made[0], out=out)
    assert ("未办结交办问题 8 个（其中逾期 3 个，涉及 6 个承办部门），"
            "未销号安全隐患 6 条（其中逾期 2 条）") in message
    written = openpyxl.load_workbook(out)
    assert written.sheetnames[3:] == dispatch_workbook(
        dispatch_list(county_summary(check_paths([str(made[0])])))).sheetnames
    assert [r[2] for r in written["县发改局"].iter_rows(min_row=HEADER_ROW + 1,
                                                       values_only=True)] == ["I1", "I2"]
