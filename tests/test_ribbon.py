"""The ribbon's buttons on real ``xw.Book`` objects, without Excel: xlwings' remote
interpreter builds the Book from the JSON an Excel client sends (tests/payloads.py), the
button runs, and the actions it returns are applied to an openpyxl copy the way Excel would
apply them. What the marks must be comes from ``xl-addin check`` (``batch.check_one``) on
the same file."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import payloads as P
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from xl_addin import ribbon
from xl_addin.core.codes import org_check_char, uscc_check_char
from xl_addin.core.messages import text
from xl_addin.model.findings import Severity
from xl_addin.outputs.marks import ERROR_FILL, WARNING_FILL, plan_marks, results_rows
from xl_addin.outputs.report import verdict
from xl_addin.outputs.summary import county_summary
from xl_addin.outputs.template import build_template
from xl_addin.reading.cell_markers import CellError
from xl_addin.validation.batch import check_one, check_paths

ROOT = Path(__file__).resolve().parents[1]
PLANTED = ROOT / "tests" / "data" / "planted" / "planted_泷泊镇_2020-03-11.xlsx"
CLEAN = ROOT / "tests" / "data" / "planted" / "clean_泷泊镇_2020-03-11.xlsx"
DEMO = sorted((ROOT / "workbooks" / "demo").glob("*.xlsx"))
RESULTS = "校验结果"
DATA_SHEETS = 13  # the standard workbook's sheets the checks read (汇总 is not read)


pytestmark = pytest.mark.usefixtures("_remote_interpreter")  # tests/conftest.py


class Excel:
    """An open workbook: the openpyxl copy is the truth; each click sends it to a fresh
    ``xw.Book`` (as Excel sends the workbook with every call) and applies the answer."""

    def __init__(self, path: Path, **payload_options: Any) -> None:
        self.path = path
        self.wb, self.values = P.load(path)
        self.options = {"name": path.name, **payload_options}
        self.actions: list[dict[str, Any]] = []
        self.alerts: list[str] = []
        self.reads: list[tuple[str, str]] = []

    def click(self, button: Any, **kwargs: Any) -> Any:
        book = P.book(self.wb, self.values, **self.options)
        with P.desktop_reads(), P.count_reads() as reads:
            result = button(book, **kwargs)
        self.actions = book.json()["actions"]
        self.alerts = P.apply_actions(self.wb, self.actions)
        self.reads = list(reads)
        self.values = None  # formulas of a modified copy have no cached values
        return result


def checked_cells(path: Path) -> tuple[set[tuple[str, str]], Any]:
    checked = check_one(str(path), path.name)
    return {(f.sheet, f.cell) for f in checked.findings if f.sheet and f.cell}, checked


def filled(actions: list[dict[str, Any]], names: list[str]) -> dict[tuple[str, str], str]:
    """(sheet, cell) → fill of every setRangeColor action, ``names`` the sheet order."""
    out = {}
    for a in actions:
        if a["func"] == "setRangeColor":
            assert a["row_count"] == a["column_count"] == 1
            cell = openpyxl.utils.get_column_letter(a["start_column"] + 1) + str(
                a["start_row"] + 1)
            out[(names[a["sheet_position"]], cell)] = a["args"][0]
    return out


def noted(actions: list[dict[str, Any]], names: list[str]) -> dict[tuple[str, str], str]:
    return {(names[a["sheet_position"]], a["args"][0].replace("$", "")): a["args"][1]
            for a in actions if a["func"] in ("addNote", "setNoteText")}


# --- 校验本表 on the planted workbook ------------------------------------------------------


def test_validate_marks_exactly_the_cells_check_reports() -> None:
    expected, checked = checked_cells(PLANTED)
    excel = Excel(PLANTED)
    names = list(excel.wb.sheetnames)
    result = excel.click(ribbon.on_validate)
    fills = filled(excel.actions, names)
    notes = noted(excel.actions, names)
    assert len(expected) == 31
    assert set(fills) == expected
    assert set(notes) == expected
    assert result == verdict(checked) == "24 个错误，7 个警告"
    assert excel.alerts == [result]
    for mark in plan_marks(checked.findings):
        assert fills[(mark.sheet, mark.cell)] == "#" + mark.fill.lower()
        assert notes[(mark.sheet, mark.cell)] == mark.note
    errors = {(f.sheet, f.cell) for f in checked.findings if f.severity is Severity.ERROR}
    assert {k for k, v in fills.items() if v == "#" + ERROR_FILL.lower()} == errors
    assert {k for k, v in fills.items() if v == "#" + WARNING_FILL.lower()} == expected - errors


def test_results_sheet_lists_every_finding_with_a_link_to_its_cell() -> None:
    _, checked = checked_cells(PLANTED)
    excel = Excel(PLANTED)
    excel.click(ribbon.on_validate)
    assert excel.wb.sheetnames[-1] == RESULTS and excel.wb.active.title == RESULTS
    rows = P.sheet_rows(excel.wb[RESULTS])
    expected = results_rows(checked.findings)
    assert len(rows) == len(expected) == 32
    assert rows[0] == expected[0]
    assert all(excel.wb[RESULTS].cell(1, c).font.b for c in range(1, 8))
    for row, want, finding in zip(rows[1:], expected[1:], checked.findings, strict=True):
        assert P.link_target(row[2]) == (finding.sheet, finding.cell)
        assert row[2].endswith(f',"{finding.cell}")')  # the link shows the cell address
        assert [row[0], row[1], *row[3:]] == [want[0], want[1], *[v or None for v in want[3:]]]


def test_notes_never_show_a_whole_id_number_or_phone() -> None:
    source = openpyxl.load_workbook(PLANTED)
    id_number = source["吸纳就业补贴"]["E6"].value
    phone = source["规模工业企业"]["L5"].value
    excel = Excel(PLANTED)
    excel.click(ribbon.on_validate)
    note_e6 = excel.wb["吸纳就业补贴"]["E6"].comment.text
    note_l5 = excel.wb["规模工业企业"]["L5"].comment.text
    assert "身份证号" in note_e6 and id_number not in note_e6
    assert phone not in note_l5 and phone[:3] + "***" + phone[-4:] in note_l5
    everything = "\n".join(str(v) for row in P.sheet_rows(excel.wb[RESULTS]) for v in row)
    assert id_number not in everything and phone not in everything


def test_validation_changes_nothing_but_fills_notes_and_its_two_sheets() -> None:
    excel = Excel(PLANTED)
    before = P.snapshot(excel.wb)
    expected, _ = checked_cells(PLANTED)
    excel.click(ribbon.on_validate)
    after = P.snapshot(excel.wb)
    assert after["order"] == [*before["order"], ("_xl_addin_marks", "hidden"),
                              (RESULTS, "visible")]
    assert Counter(a["func"] for a in excel.actions
                   if a["sheet_position"] is not None and a["sheet_position"] < 14) == {
        "setRangeColor": 31, "addNote": 31}
    for sheet, cells in before["cells"].items():
        for address, state in cells.items():
            now = after["cells"][sheet][address]
            assert now["value"] == state["value"], (sheet, address)  # values and formulas
            assert now["format"] == state["format"], (sheet, address)
            assert now["bold"] == state["bold"], (sheet, address)
            if (sheet, address) not in expected:
                assert now == state, (sheet, address)


def test_running_twice_gives_the_same_marks_not_double_marks() -> None:
    excel = Excel(PLANTED)
    excel.click(ribbon.on_validate)
    once = P.snapshot(excel.wb)
    excel.click(ribbon.on_validate)
    assert P.snapshot(excel.wb) == once
    funcs = Counter(a["func"] for a in excel.actions)
    assert funcs["addNote"] == 0 and funcs["setNoteText"] == 31
    assert funcs["sheetDelete"] == 2 and funcs["addSheet"] == 2


def test_clear_returns_the_workbook_to_its_original_state() -> None:
    excel = Excel(PLANTED)
    before = P.snapshot(excel.wb)
    excel.click(ribbon.on_validate)
    excel.click(ribbon.on_validate)
    message = excel.click(ribbon.on_clear)
    assert message == "已清除 31 个单元格的标注" and excel.alerts == [message]
    assert P.snapshot(excel.wb) == before
    assert excel.click(ribbon.on_clear) == "没有需要清除的标注"
    assert [a["func"] for a in excel.actions] == ["alert"]


def test_clear_restores_fills_and_notes_that_were_there_before() -> None:
    excel = Excel(PLANTED)
    excel.wb["规模工业企业"]["C4"].fill = PatternFill("solid", fgColor="FF00B0F0")  # marked
    excel.wb["规模工业企业"]["L5"].comment = Comment("请核对电话", "李四")  # marked
    excel.wb["规模工业企业"]["B5"].fill = PatternFill("solid", fgColor="FF92D050")  # not marked
    excel.wb["规模工业企业"]["B5"].comment = Comment("备注", "李四")
    before = P.snapshot(excel.wb)
    excel.click(ribbon.on_validate)
    sheet = excel.wb["规模工业企业"]
    assert sheet["C4"].fill.fgColor.rgb == "FF" + ERROR_FILL
    assert sheet["L5"].comment.text.startswith("请核对电话\n---\n[错误] ")
    assert P.cell_state(sheet["B5"]) == before["cells"]["规模工业企业"]["B5"]
    record = P.sheet_rows(excel.wb["_xl_addin_marks"])
    assert ["规模工业企业", "C4", "#00B0F0", False, None] in record
    assert ["规模工业企业", "L5", None, True, "请核对电话"] in record
    excel.click(ribbon.on_validate)  # a second run keeps the originals, not the marks
    assert ["规模工业企业", "C4", "#00B0F0", False, None] in P.sheet_rows(
        excel.wb["_xl_addin_marks"])
    excel.click(ribbon.on_clear)
    assert P.snapshot(excel.wb) == before


def test_a_fixed_cell_loses_its_mark_at_the_next_validation() -> None:
    excel = Excel(PLANTED)
    before = P.snapshot(excel.wb)
    excel.click(ribbon.on_validate)
    excel.wb["金融支持"]["E5"].value = 0.05  # 年利率 35% corrected to 5%
    assert excel.click(ribbon.on_validate) == "23 个错误，7 个警告"
    assert P.cell_state(excel.wb["金融支持"]["E5"])["fill"] == before["cells"]["金融支持"][
        "E5"]["fill"]
    assert excel.wb["金融支持"]["E5"].comment is None
    assert ["金融支持", "E5"] not in [r[:2] for r in P.sheet_rows(excel.wb["_xl_addin_marks"])]


def test_one_read_per_sheet_whatever_the_number_of_rows() -> None:
    small = Excel(PLANTED)
    small.click(ribbon.on_validate)
    assert len(small.reads) == DATA_SHEETS
    assert Counter(sheet for sheet, _ in small.reads) == {
        name: 1 for name in small.wb.sheetnames[:DATA_SHEETS]}
    big = Excel(PLANTED)
    sheet = big.wb["规模工业企业"]
    template = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    sheet.delete_rows(15, 3)  # the 合计 row and the trailing blank rows
    for n in range(3000):  # distinct, valid enterprises: the marks stay those of the planted
        body = f"MA{n:06d}"
        code = "91431123" + body + org_check_char(body)
        sheet.append([n + 1, f"双牌县测试{n}号企业", code + uscc_check_char(code),
                      *template[3:10], f"联络员{n}", *template[11:]])
    big.values = None
    assert big.click(ribbon.on_validate) == "23 个错误，7 个警告"  # planted, less 合计 H15
    assert sheet.max_row > 3000
    assert Counter(name for name, _ in big.reads) == Counter(name for name, _ in small.reads)
    assert ("规模工业企业", f"$A$1:$M${sheet.max_row}") in big.reads
    big.click(ribbon.on_validate)  # the marks record is read once more, in one read too
    assert len(big.reads) == DATA_SHEETS + 1
    assert Counter(name for name, _ in big.reads)["_xl_addin_marks"] == 1


def test_numbers_as_the_desktop_sends_them_give_the_same_marks() -> None:
    expected, _ = checked_cells(PLANTED)
    excel = Excel(PLANTED, floats=True)
    names = list(excel.wb.sheetnames)
    excel.click(ribbon.on_validate)
    assert set(filled(excel.actions, names)) == expected


def test_a_used_range_that_does_not_start_at_a1(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(PLANTED)
    book["重点项目"].insert_rows(1, 2)
    book["重点项目"].insert_cols(1)
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    expected, _ = checked_cells(moved)
    assert ("重点项目", "F5") in expected  # E3 of the original
    excel = Excel(moved)
    names = list(excel.wb.sheetnames)
    excel.click(ribbon.on_validate)
    assert ("重点项目", "$B$3:$K$10") in excel.reads
    assert set(filled(excel.actions, names)) == expected


# --- the demo set ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", DEMO, ids=[p.stem for p in DEMO])
def test_demo_workbooks_pass_and_stay_untouched(path: Path) -> None:
    expected, checked = checked_cells(path)
    assert not checked.findings and not expected
    excel = Excel(path)
    before = P.snapshot(excel.wb)
    assert excel.click(ribbon.on_validate) == "通过"
    assert [a["func"] for a in excel.actions] == ["alert"]
    assert P.snapshot(excel.wb) == before
    assert len(excel.reads) == DATA_SHEETS


def test_a_demo_workbook_with_a_defect(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(DEMO[0])
    book["规模工业企业"]["I3"].value = 99999  # 已上岗人数 above 职工总数
    book["小微企业"]["B2"].value = "一百"
    broken = tmp_path / DEMO[0].name
    book.save(broken)
    expected, checked = checked_cells(broken)
    assert {("规模工业企业", "I3"), ("小微企业", "B2")} <= expected
    excel = Excel(broken)
    before = P.snapshot(excel.wb)
    names = list(excel.wb.sheetnames)
    assert excel.click(ribbon.on_validate) == verdict(checked)
    assert set(filled(excel.actions, names)) == expected
    excel.click(ribbon.on_clear)
    assert P.snapshot(excel.wb) == before


# --- guards --------------------------------------------------------------------------------


def test_a_workbook_that_is_not_a_standard_report_is_left_alone() -> None:
    other = openpyxl.Workbook()
    other.active["A1"] = "随便什么"
    book = P.book(other, name="Book1.xlsx")
    message = ribbon.on_button(book, "fgValidate")
    assert message.startswith("当前工作簿不是复工复产标准报表")
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]


def test_a_foreign_marks_sheet_is_not_touched() -> None:
    excel = Excel(PLANTED)
    excel.wb.create_sheet("_xl_addin_marks")["A1"] = "我的表"
    before = P.snapshot(excel.wb)
    message = excel.click(ribbon.on_button, button_id="fgClear")
    assert message == "工作表 _xl_addin_marks 不是本工具写入的标注记录，未作改动"
    assert P.snapshot(excel.wb) == before


def test_unknown_button() -> None:
    book = P.book(openpyxl.Workbook())
    assert ribbon.on_button(book, "fgNope") == "未知按钮: fgNope"


def test_grid_from_values() -> None:
    grid = ribbon.grid_from_values([[None, "#DIV/0!", "2020-03-11T00:00:00.000Z"],
                                    ["#N/A", 3.0, dt.datetime(2020, 2, 3)],
                                    ["2020-03-11", "#SPILL!", "text"]])
    assert grid == [["", CellError("#DIV/0!"), dt.datetime(2020, 3, 11)],
                    [CellError("#N/A"), 3.0, dt.datetime(2020, 2, 3)],
                    ["2020-03-11", CellError("#SPILL!"), "text"]]


# --- the other buttons ---------------------------------------------------------------------


def test_new_report_writes_the_template_and_never_overwrites(tmp_path: Path) -> None:
    book = P.book(openpyxl.Workbook())
    out = tmp_path / "泷泊镇_2020-03-11.xlsx"
    message = ribbon.on_new_report(book, township="泷泊镇", as_of=dt.date(2020, 3, 11), out=out)
    assert message == f"已新建报表 {out}"
    written = openpyxl.load_workbook(out)
    assert written.sheetnames == build_template("泷泊镇", dt.date(2020, 3, 11)).sheetnames
    assert written["封面"]["B1"].value == "泷泊镇"
    again = ribbon.on_new_report(book, township="泷泊镇", as_of=dt.date(2020, 3, 11), out=out)
    assert again == f"已新建报表 {tmp_path / '泷泊镇_2020-03-11 (2).xlsx'}"
    assert [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"] == [
        message, again]


def test_new_report_takes_the_township_from_the_open_workbook(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ribbon, "_book_folder", lambda book: tmp_path)
    excel = Excel(PLANTED)
    message = excel.click(ribbon.on_button, button_id="fgNewReport")
    target = tmp_path / f"泷泊镇_{dt.date.today().isoformat()}.xlsx"
    assert message == f"已新建报表 {target}" and target.exists()
    assert [a["func"] for a in excel.actions] == ["alert"]  # the open workbook is untouched


def test_new_report_for_an_unknown_township_says_so() -> None:
    book = P.book(openpyxl.Workbook())
    message = ribbon.on_button(book, "fgNewReport")
    assert message == "需要乡镇名称才能新建报表"
    with pytest.raises(ribbon.RibbonError, match="unknown township"):
        ribbon.on_new_report(book, township="不存在乡", as_of=dt.date(2020, 3, 11))


def test_summary_of_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "各乡镇"
    folder.mkdir()
    for path in DEMO:
        shutil.copy(path, folder)
    out = tmp_path / "县级汇总.xlsx"
    book = P.book(openpyxl.Workbook())
    message = ribbon.on_summary(book, folder=folder, out=out)
    expected = county_summary(check_paths([str(folder)]))
    assert message.startswith(f"县级汇总已写入 {out}（11 个乡镇）\n")
    assert expected.bulletin() in message
    # then the dispatch list of the day (tests/test_dispatch.py): the demo's 3 open issues
    assert openpyxl.load_workbook(out).sheetnames == [
        "县级汇总", "通报", "数据来源", "交办总览", "县市场监管局", "县交通运输局", "县应急管理局",
        "未销号隐患"]
    assert [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"] == [message]
    nothing = ribbon.on_button(P.book(openpyxl.Workbook()), "fgSummary")
    assert nothing == "需要选择一个文件夹才能汇总"


def test_help_lists_every_cell_function() -> None:
    from xl_addin.functions import udfs

    book = P.book(openpyxl.Workbook())
    message = ribbon.on_button(book, "fgHelp")
    names = sorted(n for n in vars(udfs) if n.startswith("FG_"))
    assert len(names) == 16
    lines = message.splitlines()
    assert lines[0].startswith("复工复产单元格函数")
    assert [line.split("(")[0] for line in lines[1:]] == names
    assert "FG_RATE(numerator, denominator) — 比率 = 分子 / 分母" in message
    assert "FG_LPR(date, [term])" in message


def test_every_ribbon_button_has_a_function() -> None:
    """The dispatcher is the button table: the same ids, in the same order, each mapped to
    the function of xl_addin.ribbon the table names."""
    from xl_addin.addin_build.buttons import BUTTONS

    assert [b.id for b in BUTTONS] == list(ribbon.BUTTONS)
    assert len({b.id for b in BUTTONS}) == len({b.handler for b in BUTTONS}) == 5
    for button in BUTTONS:
        assert ribbon.BUTTONS[button.id] is getattr(ribbon, button.handler), button
    expected = {"fgValidate": ribbon.on_validate, "fgClear": ribbon.on_clear,
                "fgNewReport": ribbon.on_new_report, "fgSummary": ribbon.on_summary,
                "fgHelp": ribbon.on_help}
    dispatcher = dict(ribbon.BUTTONS)
    assert dispatcher == expected


def test_a_table_naming_a_missing_handler_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from xl_addin.addin_build import buttons

    extra = buttons.Button("fgExtra", "ribbon_help", "ribbon_help_tip", "Help", "on_extra")
    monkeypatch.setattr(buttons, "BUTTONS", (*buttons.BUTTONS, extra))
    with pytest.raises(ImportError, match="no handler on_extra"):
        ribbon._dispatcher()


def test_on_button_dispatches_by_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """on_button runs the function the dispatcher maps the id to, with the language."""
    calls = []
    monkeypatch.setitem(ribbon.BUTTONS, "fgHelp",
                        lambda book, lang: calls.append((book, lang)) or "done")
    assert ribbon.on_button("book", "fgHelp", lang="en") == "done"
    assert calls == [("book", "en")]


def test_the_ribbon_imports_the_table_without_the_build() -> None:
    """xl_addin.ribbon runs in Excel's Python: the table comes without ms-ovba, oletools,
    xmlschema or the build's modules."""
    import subprocess
    import sys

    code = ("import sys, xl_addin.ribbon\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ms_ovba', 'oletools', 'xmlschema') or "
            "m.startswith('xl_addin.addin_build.') and m != 'xl_addin.addin_build.buttons'))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == "[]"


def test_clean_fixture_passes_too() -> None:
    excel = Excel(CLEAN)
    assert excel.click(ribbon.on_validate) == "通过"
    assert [a["func"] for a in excel.actions] == ["alert"]


def test_a_run_that_stops_half_way_can_still_be_cleared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Say a sheet is protected: marking fails at the 11th cell. The record was written
    first, so 清除标注 still puts everything back."""
    excel = Excel(PLANTED)
    before = P.snapshot(excel.wb)
    real, calls = ribbon._mark_cell, []

    def failing(target: Any) -> None:
        calls.append(target)
        if len(calls) == 11:
            raise RuntimeError("工作表受保护")
        real(target)

    monkeypatch.setattr(ribbon, "_mark_cell", failing)
    message = excel.click(ribbon.on_button, button_id="fgValidate")
    assert message == "操作失败: RuntimeError: 工作表受保护"
    assert Counter(a["func"] for a in excel.actions)["setRangeColor"] == 10
    assert RESULTS not in excel.wb.sheetnames
    monkeypatch.setattr(ribbon, "_mark_cell", real)
    assert excel.click(ribbon.on_button, button_id="fgClear") == "已清除 31 个单元格的标注"
    assert P.snapshot(excel.wb) == before


class FakeExcelApp:
    """Stands in for the COM Application on the desktop: its InputBox answers from a list
    (False is Cancel) and its folder picker returns ``folder`` (None is Cancel)."""

    def __init__(self, answers: list[Any], folder: Path | None = None) -> None:
        self.answers, self.folder, self.prompts = answers, folder, []

    def InputBox(self, prompt: str, title: str, default: str) -> Any:
        self.prompts.append((prompt, title, default))
        answer = self.answers.pop(0)
        return default if answer is ... else answer

    def FileDialog(self, kind: int) -> Any:
        assert kind == 4  # msoFileDialogFolderPicker
        folder = self.folder

        class Dialog:
            Title = ""

            def Show(self) -> int:
                return -1 if folder is not None else 0

            def SelectedItems(self, index: int) -> str:
                return str(folder)

        return Dialog()


def test_desktop_dialogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(ribbon, "_open", lambda book, path: opened.append(path))
    monkeypatch.setattr(ribbon, "_book_folder", lambda book: tmp_path)
    app = FakeExcelApp([..., "2020年3月12日"])  # accept 泷泊镇, type a date
    monkeypatch.setattr(ribbon, "_desktop_app", lambda book: app)
    excel = Excel(PLANTED)
    message = excel.click(ribbon.on_button, button_id="fgNewReport")
    target = tmp_path / "泷泊镇_2020-03-12.xlsx"
    assert message == f"已新建报表 {target}" and opened == [target] and target.exists()
    assert [(p, d) for p, _, d in app.prompts] == [
        ("请输入乡镇名称（如 泷泊镇）", "泷泊镇"),
        ("请输入统计日期（如 2020-03-11）", dt.date.today().isoformat())]
    app.answers = [False]
    assert excel.click(ribbon.on_button, button_id="fgNewReport") == "已取消"
    app.answers = ["泷泊镇", "下周"]
    assert excel.click(ribbon.on_button, button_id="fgNewReport") == text(
        "cli_bad_date", "zh", value="下周")
    assert sorted(p.name for p in tmp_path.glob("*.xlsx")) == [target.name]
    folder = tmp_path / "各乡镇"
    folder.mkdir()
    shutil.copy(DEMO[0], folder)
    app.folder = folder
    message = excel.click(ribbon.on_button, button_id="fgSummary")
    assert message.startswith(f"县级汇总已写入 {tmp_path / '县级汇总_2020-03-11.xlsx'}（1 个乡镇）")
    assert opened[-1] == tmp_path / "县级汇总_2020-03-11.xlsx"
    app.folder = None
    assert excel.click(ribbon.on_button, button_id="fgSummary") == "需要选择一个文件夹才能汇总"
