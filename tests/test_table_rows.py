"""What each row under a table's header is (reading/table_rows.py) and how table_from_grid
uses it: 合计 / 小计 rows, notes, 栏次 rows, pre-numbered rows, a repeated header, merged
cells. Expected values are written from docs/real-workbooks.md and the grids below."""

from __future__ import annotations

import datetime as dt
from typing import Any

import openpyxl
import pytest

from xl_addin.model.findings import Finding, Severity
from xl_addin.model.spec import load_workbook_spec
from xl_addin.reading.reader import load_sheets, read_workbook, table_from_grid
from xl_addin.reading.table_rows import Kind, Layout, candidates, classify, is_column_numbers
from xl_addin.validation.workbook import validate_data

SPEC = load_workbook_spec()
SMALL = next(s for s in SPEC.sheets if s.key == "small_micro")
ENTERPRISES = next(s for s in SPEC.sheets if s.key == "enterprises")
SMALL_HEADER = ["行业类别", "企业户数", "正常运营户数", "暂停营业户数", "暂停原因"]
ENT_HEADER = [c.name for c in ENTERPRISES.columns]

# the layout of 规模工业企业 at A1: 13 columns, 序号 in A
ENT = Layout(tuple(range(13)), (0,), frozenset(ENT_HEADER), 6, "序号")
SML = Layout(tuple(range(5)), (), frozenset(SMALL_HEADER), 2, "行业类别")


def enterprise(n: int, **change: Any) -> list[Any]:
    row = [n, f"企业{n}有限公司", "91431123MA4GH13W54", "电子", "小型", "是",
           dt.datetime(2020, 2, 17), 100, 90, 10, f"联络员{n}", "13800000000", ""]
    for name, value in change.items():
        row[ENT_HEADER.index(name)] = value
    return row


def blank(width: int = 13) -> list[Any]:
    return [""] * width


def at(width: int, **cells: Any) -> list[Any]:
    """A row of ``width`` blank cells with the given letters filled: at(13, A=1, B='x')."""
    row = blank(width)
    for letter, value in cells.items():
        row[ord(letter) - ord("A")] = value
    return row


# --- classify ---------------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["合计", "合  计", "合　计", " 合计 ", "合计：", "合计:", "总计",
                                   "总合计", "全镇合计", "本表合计"])
def test_total_labels_in_any_spelling(label: str) -> None:
    assert classify(at(13, A=label, H=5), ENT) is Kind.TOTAL


@pytest.mark.parametrize("letter", ["A", "B", "C", "D"])
def test_a_label_in_the_first_four_cells(letter: str) -> None:
    row = at(5, E=3)
    row[ord(letter) - ord("A")] = "小计"
    assert classify(row, SML) is Kind.SUBTOTAL


def test_a_label_further_right_is_not_a_total() -> None:
    # 存在困难和问题 says 合计: the row is an enterprise
    assert classify(enterprise(1, 存在困难和问题="合计"), ENT) is Kind.DATA


@pytest.mark.parametrize("text", ["会计服务", "合计划", "小计量器具厂", "统计"])
def test_text_with_the_label_character_is_data(text: str) -> None:
    assert classify([text, 3, 3, 0, ""], SML) is Kind.DATA


@pytest.mark.parametrize("label", ["小计", "小  计", "本页小计", "小计："])
def test_subtotal_labels(label: str) -> None:
    assert classify([label, 5, 5, 0, ""], SML) is Kind.SUBTOTAL


@pytest.mark.parametrize("text", [
    "填表人：李满秀", "填表人:李满秀", "审核人：唐建国", "联系电话：0746-7721234",
    "注：本表数据截至3月11日", "注 1. 单位为户", "说明：暂停营业含季节性停业", "备注",
    "制表人：张三",
    "单位负责人：李四", "填表日期：2020年3月11日"])
def test_note_lines(text: str) -> None:
    assert classify([text, "", "", "", ""], SML) is Kind.NOTE


def test_a_note_over_several_cells() -> None:
    row = at(13, A="填表人：李满秀", E="审核人：唐建国", I="联系电话：0746-7721234")
    assert classify(row, ENT) is Kind.NOTE


@pytest.mark.parametrize("text", ["注塑厂", "说明书印刷", "备注栏"])
def test_names_starting_like_a_note_are_data(text: str) -> None:
    assert classify([text, 3, 3, 0, ""], SML) is Kind.DATA


def test_a_long_text_alone_is_a_note_but_a_name_alone_is_data() -> None:
    long = "以上企业均已落实防疫措施，复工复产情况良好"
    assert classify(at(13, B=long), ENT) is Kind.LONG_TEXT
    assert classify(at(13, B="x" * 30), ENT) is Kind.LONG_TEXT
    assert classify(at(13, B="x" * 29), ENT) is Kind.DATA  # below both thresholds
    assert classify(at(13, B="双牌县南岭包装材料有限公司"), ENT) is Kind.DATA  # 必填 errors follow
    assert classify(at(13, B=long, H=5), ENT) is Kind.DATA  # not alone


def test_column_numbers_only_under_the_header() -> None:
    row = ["甲", 1, 2, 3, "乙"]
    assert classify(row, SML, leading=True) is Kind.COLUMN_NUMBERS
    assert classify(row, SML, leading=False) is Kind.DATA
    assert classify(["栏次", "1", "2", "3", "4"], SML, leading=True) is Kind.COLUMN_NUMBERS


@pytest.mark.parametrize(("values", "expected"), [
    (["甲", 1, 2, 3, "乙"], True),
    ([1, 2, 3, 4, 5], True),
    ([1.0, 2.0, 3.0], True),
    (["１", "２", "３"], True),  # full-width digits
    (["甲", 1, 2], True),
    (["甲", "乙", 1], False),  # one number is no run
    ([1, 2, 4], False),
    ([3, 2, 1], False),
    (["甲", 1, 2, "x"], False),
    ([True, 2, 3], False),
    (["批发和零售业", 1, 2, 3], False),
])
def test_column_numbers(values: list[Any], expected: bool) -> None:
    assert is_column_numbers(list(enumerate(values))) is expected


def test_serial_only_rows() -> None:
    assert classify(at(13, A=31), ENT) is Kind.SERIAL_ONLY
    assert classify(at(13, A="31"), ENT) is Kind.SERIAL_ONLY
    assert classify(at(14, A=31, N="页外批注"), ENT) is Kind.SERIAL_ONLY  # outside the table
    assert classify(at(13, A=31, B="企业"), ENT) is Kind.DATA
    assert classify(at(13, A=31, H=0), ENT) is Kind.DATA  # a zero is a value
    assert classify(at(13, A="泷泊镇规模工业企业复工情况表"), ENT) is Kind.DATA  # not a number
    assert classify([31, "", "", "", ""], SML) is Kind.DATA  # 小微企业 has no 序号


def test_the_header_again() -> None:
    assert classify(list(ENT_HEADER), ENT) is Kind.HEADER
    assert classify([" 序号", "企业 名称", "统一社会信用代码", "行业类别", "企业规模", "是否开复工",
                     "", "", "", "", "", "", ""], ENT) is Kind.HEADER
    assert classify(["序号", "企业名称", "", "", "", "", "", "", "", "", "", "", ""], ENT) \
        is not Kind.HEADER


def test_blank_rows() -> None:
    assert classify(blank(), ENT) is Kind.BLANK
    assert classify([" ", None, "", "\t", ""], SML) is Kind.BLANK


# --- candidates: the fast path ----------------------------------------------------------------

def test_plain_data_has_no_candidate() -> None:
    body = [enterprise(n) for n in range(1, 2001)]
    assert candidates(body, len(body), ENT) == set()
    small = [[f"行业{n}", n, n, 0, ""] for n in range(2000)]
    assert candidates(small, len(small), SML) == set()


def test_candidates_name_every_row_that_may_not_be_data() -> None:
    body = [enterprise(n) for n in range(1, 11)]
    body[2] = at(13, B="小计", H=300)         # a label in B
    body[4] = at(13, A="合  计")               # spaced
    body[5] = at(13, B="企业")                 # blank first cell
    body[6] = list(ENT_HEADER)                 # text in the 序号 column
    body[7] = at(13, A="填表人：李满秀")       # text in the 序号 column
    body[8] = at(13, A=9)                      # one cell filled
    assert candidates(body, len(body), ENT) == {2, 4, 5, 6, 7, 8}
    small = [[f"行业{n}", n, n, 0, ""] for n in range(10)]
    small[3] = ["小计", 3, 3, 0, ""]
    small[6] = list(SMALL_HEADER)
    assert candidates(small, len(small), SML) == {3, 6}
    assert candidates(small, 3, SML) == set()  # only rows before ``last``


# --- table_from_grid --------------------------------------------------------------------------

def small_grid(*rows: list[Any]) -> list[list[Any]]:
    return [list(SMALL_HEADER), *[list(r) + [""] * (5 - len(r)) for r in rows]]


def read(grid: list[list[Any]], spec: Any = SMALL, row0: int = 0, col0: int = 0,
         merged: Any = None) -> tuple[Any, list[Finding]]:
    findings: list[Finding] = []
    sheet = table_from_grid(grid, row0, col0, {}, spec.sheet, spec, "x.xlsx", findings,
                            merged)
    return sheet, findings


def test_subtotals_cover_the_rows_since_the_last_one() -> None:
    sheet, findings = read(small_grid(
        ["a", 1, 1, 0], ["b", 2, 2, 0], ["小计", 3, 3, 0],
        ["c", 4, 4, 0], ["小计", 4, 4, 0], ["合计", 7, 7, 0]))
    assert findings == []
    assert sheet.rows == [2, 3, 5]
    assert sheet.data["企业户数"] == [1, 2, 4]
    assert [(s.row, s.subtotal, s.covers) for s in sheet.summed] == [
        (4, True, (0, 2)), (6, True, (2, 3)), (7, False, (0, None))]
    assert sheet.total_row == 7


def test_a_total_at_the_top_covers_every_row() -> None:
    sheet, findings = read(small_grid(["合计", 7, 7, 0], ["a", 3, 3, 0], ["b", 4, 4, 0]))
    assert findings == [] and sheet.rows == [3, 4]
    assert [(s.row, s.covers) for s in sheet.summed] == [(2, (0, None))]


def test_notes_and_numbers_rows_are_not_data_and_positions_stay_the_workbook_s() -> None:
    grid = small_grid(["甲", 1, 2, 3, "乙"], ["a", 1, 1, 0], [], ["注：单位为户"],
                      ["填表人：李满秀", "", "审核人：唐建国"])
    sheet, findings = read(grid, row0=4, col0=2)  # the table starts at C5
    assert findings == []  # a blank row after the last data row is not inside the data
    assert sheet.header_row == 5 and sheet.rows == [7]
    assert sheet.address("企业户数", 0) == "D7"


def test_a_blank_row_between_data_rows_is_still_inside() -> None:
    _, findings = read(small_grid(["a", 1, 1, 0], [], ["b", 1, 1, 0], ["注：x"]))
    assert [f.rule for f in findings] == ["blank_rows_inside"]


def test_pre_numbered_rows_one_warning_at_the_first() -> None:
    grid = [list(ENT_HEADER), enterprise(1), enterprise(2),
            *[at(13, A=n) for n in range(3, 53)], blank(), at(13, B="合计", H=200, I=180)]
    sheet, findings = read(grid, ENTERPRISES)
    assert sheet.rows == [2, 3]
    assert [(f.rule, f.cell, f.severity, f.params) for f in findings] == [
        ("serial_only_rows", "A4", Severity.WARNING, {"count": 50, "first": 4, "last": 53})]


def test_pre_numbered_rows_before_a_subtotal() -> None:
    grid = [list(ENT_HEADER), enterprise(1), at(13, A=2), at(13, A=3),
            at(13, B="小计", H=100), enterprise(4)]
    sheet, findings = read(grid, ENTERPRISES)
    assert sheet.rows == [2, 6]
    assert [(f.rule, f.cell) for f in findings] == [("serial_only_rows", "A3")]


def test_pre_numbered_rows_between_data_rows() -> None:
    grid = [list(ENT_HEADER), enterprise(1), at(13, A=2), enterprise(3), at(13, A=4),
            enterprise(5)]
    sheet, findings = read(grid, ENTERPRISES)
    assert sheet.rows == [2, 4, 6]
    assert [(f.rule, f.cell, f.params) for f in findings] == [
        ("serial_only_rows", "A3", {"count": 2, "first": 3, "last": 5})]


def test_the_header_after_a_page_break_with_its_title() -> None:
    grid = [list(ENT_HEADER), enterprise(1), at(13, A="泷泊镇规模工业企业复工情况表"),
            list(ENT_HEADER), enterprise(2)]
    sheet, findings = read(grid, ENTERPRISES, row0=1, col0=1)  # the header in B2
    assert sheet.rows == [3, 6]
    assert [(f.rule, f.cell, f.params) for f in findings] == [
        ("header_repeated", "B5", {"row": 5, "header": 2, "count": 1})]


def test_the_header_on_every_page_once() -> None:
    grid = [list(ENT_HEADER)]
    for page in range(4):
        grid += [enterprise(2 * page + 1), enterprise(2 * page + 2), list(ENT_HEADER)]
    sheet, findings = read(grid, ENTERPRISES)
    assert sheet.rows == [2, 3, 5, 6, 8, 9, 11, 12]
    assert [(f.rule, f.cell, f.params) for f in findings] == [
        ("header_repeated", "A4", {"row": 4, "header": 1, "count": 4})]


def test_a_long_text_row_once_per_sheet() -> None:
    text = "以上企业均已落实防疫措施，复工复产情况良好"
    grid = [list(ENT_HEADER), enterprise(1), at(13, B=text), at(13, C=text + "。")]
    _, findings = read(grid, ENTERPRISES)
    assert [(f.rule, f.cell, f.params["count"]) for f in findings] == [("note_row", "B3", 2)]


def test_merged_over_data_rows_fills_each_row_with_one_warning() -> None:
    grid = [list(ENT_HEADER), enterprise(1, 行业类别="木材加工"),
            *[enterprise(n, 行业类别="") for n in (2, 3)], enterprise(4)]
    # D2:D4 in the workbook; the grid starts at A1
    sheet, findings = read(grid, ENTERPRISES, merged=[((1, 3), (3, 3))])
    assert sheet.data["行业类别"] == ["木材加工", "木材加工", "木材加工", "电子"]
    assert [(f.rule, f.cell, f.column, f.params["range"]) for f in findings] == [
        ("merged_cells", "D2", "行业类别", "D2:D4")]


def test_merged_ranges_are_the_workbook_s_cells_when_the_grid_starts_elsewhere() -> None:
    grid = [list(SMALL_HEADER), ["a", 5, 5, 0, ""], ["b", "", 3, 0, ""], ["c", 1, 1, 0, ""]]
    # the table at C3: 企业户数 in D, its rows 4 and 5 merged (D4:D5)
    sheet, findings = read(grid, row0=2, col0=2, merged=[((3, 3), (4, 3))])
    assert sheet.data["企业户数"] == [5, 5, 1]
    assert [(f.cell, f.params["range"]) for f in findings] == [("D4", "D4:D5")]


@pytest.mark.parametrize("merged", [
    [((0, 0), (1, 0))],   # A1:A2, header into the first data row: not data
    [((1, 1), (1, 3))],   # within one row
    [((2, 1), (3, 1))],   # B3:B4, the top-left cell empty
    [((4, 0), (5, 0))],   # a note merged over two rows under the table
])
def test_merges_outside_the_data_change_nothing(merged: Any) -> None:
    grid = small_grid(["a", 1, 1, 0], ["b", "", 1, 0], ["c", "", 1, 0], ["注：x"], [])
    sheet, findings = read(grid, merged=merged)
    assert sheet.data["企业户数"] == [1, "", ""]  # blank as read: 必填 errors follow
    assert findings == []


# --- through a file and the validation ---------------------------------------------------------

def _demo_small(tmp_path: Any, edit: Any) -> Any:
    from pathlib import Path
    demo = Path(__file__).resolve().parents[1] / "workbooks" / "demo" / "泷泊镇_2020-03-11.xlsx"
    book = openpyxl.load_workbook(demo)
    edit(book["小微企业"])
    path = tmp_path / "泷泊镇_2020-03-11.xlsx"
    book.save(path)
    return path


def test_load_sheets_carries_the_merged_ranges(tmp_path: Any) -> None:
    path = _demo_small(tmp_path, lambda ws: ws.merge_cells("E8:E9"))
    loaded = load_sheets(str(path), path.name)
    assert loaded.merged["小微企业"] == [((7, 4), (8, 4))]
    data = read_workbook(path)
    assert data.sheets["small_micro"].data["暂停原因"][-2:] == ["网吧、KTV等特殊行业"] * 2
    assert [(f.rule, f.cell) for f in data.findings] == [("merged_cells", "E8")]


def test_a_wrong_subtotal_is_an_error_naming_the_rows(tmp_path: Any) -> None:
    def edit(ws: Any) -> None:
        ws.insert_rows(5)
        for letter, value in zip("ABCD", ["小计", 690, 689, 0], strict=True):
            ws[f"{letter}5"] = value   # 364 + 229 + 96 = 689
    result = validate_data(read_workbook(_demo_small(tmp_path, edit)))
    assert [(f.rule, f.cell, f.severity, f.params) for f in result.findings] == [
        ("subtotal_row", "B5", Severity.ERROR,
         {"column": "企业户数", "value": "690", "expected": "689", "rows": "2–4"})]
    assert result.tables["small_micro"]["企业户数"].sum() == 960  # the 小计 is not data
    zh, en = result.findings[0].message("zh"), result.findings[0].message("en")
    assert "690" in zh and "689" in zh and "2–4" in zh and "2–4" in en


# --- merged ranges of an OpenDocument sheet (calamine gives none) ------------------------------

_ODS = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet>{tables}</office:spreadsheet></office:body>'
        '</office:document-content>')


def _ods(tmp_path: Any, tables: str) -> str:
    import zipfile

    path = tmp_path / "book.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", _ODS.format(tables=tables))
    return str(path)


def test_ods_merged_ranges_count_repeated_rows_and_cells(tmp_path: Any) -> None:
    from xl_addin.reading.reader import _ods_merged

    cell, covered = "<table:table-cell/>", "<table:covered-table-cell/>"
    tables = (
        '<table:table table:name="other"><table:table-row><table:table-cell '
        'table:number-rows-spanned="3"/></table:table-row></table:table>'
        '<table:table table:name="S">'
        '<table:table-row table:number-rows-repeated="2">' + cell + '</table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
        '<table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="1">'
        '<text:p>木材加工</text:p></table:table-cell>' + cell + '</table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="3"/>' + covered
        + '<table:table-cell table:number-columns-spanned="2"/>' + covered
        + '</table:table-row></table:table>')
    # rows 0-1 repeated; row 2: D3 spans D3:D4; row 3: E4 spans E4:F4
    path = _ods(tmp_path, tables)
    assert _ods_merged(path, {"S": None}) == {"S": [((2, 3), (3, 3)), ((3, 4), (3, 5))]}
    assert _ods_merged(path, {"S": [((0, 0), (1, 0))]}) == {"S": [((0, 0), (1, 0))]}  # given
    assert _ods_merged(path, {"S": []}) == {}  # calamine read it: no merges
    assert _ods_merged(str(tmp_path / "missing.ods"), {"S": None}) == {}
