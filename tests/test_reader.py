"""The tolerant reader (workbook.md, "Conventions for every data sheet") on workbooks built
here: where the header row is, how headers are spelled, blank and 合计 rows, error values,
uncalculated formulas, and files that are no workbook at all."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl.styles import Font
from wbtools import (
    ENTERPRISE_HEADERS,
    ENTERPRISES,
    at,
    cells,
    check,
    enterprise,
    fresh_sheet,
    new_book,
    uscc,
    write_rows,
)

from xl_addin.model.findings import Severity
from xl_addin.model.spec import load_workbook_spec
from xl_addin.reading.reader import ReadError, read_workbook, table_from_grid
from xl_addin.validation.workbook import validate_path

CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_USCC = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")  # 18th character altered


def enterprises_sheet(book, header_row: int, first_col: int = 1):
    """A hand-made 规模工业企业 sheet: a merged title above the headers when header_row > 1."""
    ws = fresh_sheet(book, ENTERPRISES)
    if header_row > 1:
        ws.cell(1, first_col, "泷泊镇规模工业企业复工情况表").font = Font(bold=True, size=16)
        ws.merge_cells(start_row=1, start_column=first_col, end_row=1,
                       end_column=first_col + len(ENTERPRISE_HEADERS) - 1)
    for j, header in enumerate(ENTERPRISE_HEADERS):
        ws.cell(header_row, first_col + j, header)
    return ws


@pytest.mark.parametrize(("header_row", "first_col", "credit_cell", "on_duty_cell"), [
    (2, 1, "C4", "I3"),   # merged title in row 1, data from row 3
    (1, 2, "D3", "J2"),   # empty column A, data from column B
    (3, 2, "D5", "J4"),   # both
])
def test_findings_in_the_workbooks_own_coordinates(tmp_path, header_row, first_col,
                                                  credit_cell, on_duty_cell):
    book = new_book()
    ws = enterprises_sheet(book, header_row, first_col)
    write_rows(ws, [enterprise(1, 已上岗人数=120),                    # 已上岗 > 职工总数
                    enterprise(2, 统一社会信用代码=BAD_USCC)], header_row)
    result = check(book, tmp_path)
    assert cells(result) == {(ENTERPRISES, credit_cell), (ENTERPRISES, on_duty_cell)}
    assert all(f.severity is Severity.ERROR for f in result.findings)
    assert not [f for f in result.findings if f.rule in ("missing_column", "no_header")]


def test_headers_with_spaces_and_either_parentheses_still_map(tmp_path):
    book = new_book()
    ws = book[ENTERPRISES]
    write_rows(ws, [enterprise(1), enterprise(2, 企业名称=None)])
    ws["B1"], ws["H1"] = " 企业名称 ", "职工 总数"
    migrants = fresh_sheet(book, "返乡务工人员")
    for j, header in enumerate(["村(社区)", " 返乡农民工人数", "已返岗人数 ", "其中县内就业人数",
                                "待返岗人数"], start=1):
        migrants.cell(1, j, header)
    migrants.append(["城关村", 100, 80, 30, 10])
    migrants.append([None, 50, 40, 10, 10])        # 村（社区） missing
    migrants.append(["龙江村", 60, 50, 10, 20])    # 已返岗 + 待返岗 = 70 > 60
    result = check(book, tmp_path)
    assert not [f for f in result.findings if f.rule in ("missing_column", "no_header")]
    assert [f.rule for f in at(result, ENTERPRISES, "B3")] == ["required"]
    assert [f.rule for f in at(result, "返乡务工人员", "A3")] == ["required"]
    row4 = {f.cell for f in result.findings if f.sheet == "返乡务工人员" and f.row == 4}
    assert row4 and row4 <= {"B4", "C4", "E4"}
    assert {f.row for f in result.findings} == {3, 4}


def test_trailing_blank_rows_are_ignored(tmp_path):
    book = new_book()
    ws = book[ENTERPRISES]
    write_rows(ws, [enterprise(1), enterprise(2)])
    for r in range(4, 40):   # blank rows a clerk left behind: spaces, empty text, borders
        ws.cell(r, 2, " " if r % 2 else "")
        ws.cell(r, 8).font = Font(bold=True)
    assert check(book, tmp_path).findings == []


def test_blank_rows_inside_the_data_are_skipped_with_a_warning(tmp_path):
    book = new_book()
    ws = book[ENTERPRISES]
    write_rows(ws, [enterprise(1), {}, enterprise(3, 其中外地返岗人数=95)])   # row 3 blank
    result = check(book, tmp_path)
    blank = [f for f in result.findings if f.rule == "blank_rows_inside"]
    assert len(blank) == 1 and blank[0].severity is Severity.WARNING
    assert blank[0].sheet == ENTERPRISES
    assert not [f for f in result.findings if f.row == 3]          # no "required" on row 3
    assert (ENTERPRISES, "J4") in cells(result, "error")           # 外地 95 > 已上岗 90


@pytest.mark.parametrize("label_column", ["序号", "企业名称"])
@pytest.mark.parametrize(("staff_total", "expected"), [(300, set()), (310, {"H5"})])
def test_total_row_checked_against_the_column_sums(tmp_path, label_column, staff_total,
                                                   expected):
    book = new_book()
    rows = [enterprise(1), enterprise(2), enterprise(3)]   # 职工总数 3 × 100, 已上岗 3 × 90
    total = {label_column: "合计", "职工总数": staff_total, "已上岗人数": 270,
             "其中外地返岗人数": 30}
    write_rows(book[ENTERPRISES], [*rows, total])
    result = check(book, tmp_path)
    assert cells(result) == {(ENTERPRISES, c) for c in expected}   # never validated as data
    for f in result.findings:
        assert f.severity is Severity.ERROR
        assert "310" in f.message() and "300" in f.message()


def test_a_total_row_under_no_data_is_still_checked(tmp_path):
    """An empty table skips the pandera pass (nothing to fail by cell or row), not the
    合计 row: a total of 5 over no rows is an error."""
    book = new_book()
    write_rows(book[ENTERPRISES], [{"序号": "合计", "职工总数": 5}])
    result = check(book, tmp_path)
    assert (ENTERPRISES, "H2") in cells(result, "error")


def test_missing_required_column_is_an_error_naming_it(tmp_path):
    book = new_book()
    ws = book[ENTERPRISES]
    write_rows(ws, [enterprise(1)])
    ws.delete_cols(3)   # 统一社会信用代码
    result = check(book, tmp_path)
    missing = [f for f in result.findings if "统一社会信用代码" in f.message()]
    assert len(missing) == 1
    assert missing[0].severity is Severity.ERROR and missing[0].sheet == ENTERPRISES


def test_missing_sheet_is_an_error(tmp_path):
    book = new_book()
    del book["小微企业"]
    result = check(book, tmp_path)
    assert [(f.severity, f.cell) for f in result.findings] == [(Severity.ERROR, None)]
    assert "小微企业" in result.findings[0].message()


ERROR_CELLS = {"H2": "#REF!", "I3": "#DIV/0!", "B4": "#N/A"}


def test_error_values_are_errors_never_blanks(tmp_path):
    book = new_book()
    ws = book[ENTERPRISES]
    write_rows(ws, [enterprise(1), enterprise(2), enterprise(3)])
    for ref, code in ERROR_CELLS.items():
        ws[ref].value = code
        ws[ref].data_type = "e"
    result = check(book, tmp_path)
    assert cells(result) == {(ENTERPRISES, ref) for ref in ERROR_CELLS}
    for ref, code in ERROR_CELLS.items():
        found = at(result, ENTERPRISES, ref)
        assert [f.severity for f in found] == [Severity.ERROR], ref
        assert code in found[0].message(), ref
        assert found[0].rule != "required"


def test_error_value_in_a_phone_column_is_named(tmp_path):
    book = new_book()
    write_rows(book[ENTERPRISES], [enterprise(1)])
    book[ENTERPRISES]["L2"].value = "#VALUE!"
    book[ENTERPRISES]["L2"].data_type = "e"
    found = at(check(book, tmp_path), ENTERPRISES, "L2")
    assert [f.severity for f in found] == [Severity.ERROR]
    assert "#VALUE!" in found[0].message()


def test_formula_without_a_cached_value_is_a_warning_showing_it(tmp_path):
    book = new_book()
    write_rows(book[ENTERPRISES], [enterprise(1), enterprise(2, 职工总数="=SUM(1,99)")])
    result = check(book, tmp_path)
    found = at(result, ENTERPRISES, "H3")
    assert cells(result) == {(ENTERPRISES, "H3")}
    assert [f.severity for f in found] == [Severity.WARNING]
    assert "=SUM(1,99)" in found[0].message()


def _zip_not_a_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "这不是工作簿")


UNREADABLE = {
    "empty": lambda p: p.write_bytes(b""),
    "csv": lambda p: p.write_text("企业名称,职工总数\n双牌县木业,100\n", encoding="utf-8"),
    "random": lambda p: p.write_bytes(bytes(range(7, 256)) * 40),
    "zip": _zip_not_a_workbook,
    "ole2": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088)),
}


@pytest.mark.parametrize("kind", ["missing", *UNREADABLE])
def test_unreadable_files_raise_read_error_naming_the_file(tmp_path, kind):
    path = tmp_path / f"泷泊镇_{kind}.xlsx"
    if kind != "missing":
        UNREADABLE[kind](path)
    with pytest.raises(ReadError) as info:
        read_workbook(path)
    message = info.value.message("zh")
    assert path.name in message and CJK.search(message.replace(path.name, ""))
    result = validate_path(path)
    assert isinstance(result.error, ReadError) and result.findings == []


def test_a_ragged_grid_reads_as_the_padded_sheet():
    """Rows of different lengths (none of our readers gives them, a future one might): an
    empty row inside is a blank row, a 合计 row and the values past the first row's width
    are all found, as in the same grid padded to one width."""
    spec = next(s for s in load_workbook_spec().sheets if s.key == "enterprises")
    header = list(spec.headers)
    width = len(header)
    rows = [["泷泊镇第1企业"] * 3, [], ["合计", "", "", 5], ["泷泊镇第2企业"] * width]
    ragged, padded = [], []
    a = table_from_grid([header, *rows], 0, 0, {}, spec.sheet, spec, "x.xlsx", ragged)
    b = table_from_grid([header, *[r + [""] * (width - len(r)) for r in rows]], 0, 0, {},
                        spec.sheet, spec, "x.xlsx", padded)
    assert (a.rows, a.total_row, a.total, a.data) == (b.rows, b.total_row, b.total, b.data)
    assert a.rows == [2, 5] and a.total_row == 4
    assert [f.rule for f in ragged] == [f.rule for f in padded] == ["blank_rows_inside"]
    assert a.data[header[-1]] == ["", "泷泊镇第2企业"]
