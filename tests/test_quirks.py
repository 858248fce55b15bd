"""Every clerk quirk of workbook.md, typed into a cell of a real workbook: a clean coercion
with a 警告 at the cell that shows the original text (and the coerced value is what the
rules then use), or an 错误 at the cell when the text cannot be read."""

from __future__ import annotations

import datetime as dt

import pytest
from wbtools import ENTERPRISES, at, cells, check, enterprise, new_book, uscc, write_rows

from xl_addin.model.findings import Severity

E = ENTERPRISES
LATE = dt.date(2020, 3, 15)   # after 统计日期 2020-03-11


def severities(result, sheet, cell):
    return sorted(f.severity.value for f in at(result, sheet, cell))


def assert_warning_showing(result, sheet, cell, original):
    warnings = [f for f in at(result, sheet, cell) if f.severity is Severity.WARNING]
    assert len(warnings) == 1, (cell, at(result, sheet, cell))
    assert original in warnings[0].message(), warnings[0].message()


@pytest.mark.parametrize(("column", "text", "letter", "limit", "over", "under"), [
    # row 2 breaks 0 ≤ 外地 ≤ 已上岗 ≤ 职工总数 only if the text is read as the number
    ("职工总数", "1,234", "H", "已上岗人数", 1300, 1200),
    ("已上岗人数", "１２３", "I", "职工总数", 100, 150),
    ("其中外地返岗人数", " 12 ", "J", "已上岗人数", 10, 20),
])
def test_numbers_stored_as_text(tmp_path, column, text, letter, limit, over, under):
    book = new_book()
    rows = [enterprise(1, **{column: text, limit: over}),
            enterprise(2, **{column: text, limit: under})]
    write_rows(book[E], rows)
    result = check(book, tmp_path)
    for cell in (f"{letter}2", f"{letter}3"):
        assert_warning_showing(result, E, cell, text)
    errors = {cell for _, cell in cells(result, "error")}
    assert len(errors) == 1 and errors <= {"H2", "I2", "J2"}


def test_percent_text_in_a_rate_column(tmp_path):
    book = new_book()
    loan = {"类型": "银行贷款", "企业（项目）名称": "双牌县第1木业有限公司",
            "金融机构": "双牌县农村商业银行", "金额（万元）": 500, "期限（月）": 12}
    write_rows(book["金融支持"], [{**loan, "年利率": "96.3%"}, {**loan, "年利率": "3.05%"}])
    result = check(book, tmp_path)
    assert_warning_showing(result, "金融支持", "E2", "96.3%")
    assert_warning_showing(result, "金融支持", "E3", "3.05%")
    # 0.963 is outside 0–24%; 0.0305 (not 3.05) is inside
    assert severities(result, "金融支持", "E2") == ["error", "warning"]
    assert severities(result, "金融支持", "E3") == ["warning"]


def test_a_money_amount_as_text_is_shown_as_written(tmp_path):
    book = new_book()
    loan = {"类型": "银行贷款", "企业（项目）名称": "双牌县第1木业有限公司",
            "金融机构": "双牌县农村商业银行", "年利率": 0.0305, "期限（月）": 12}
    write_rows(book["金融支持"], [{**loan, "金额（万元）": "1,234"}])
    result = check(book, tmp_path)
    cell = next(c for _, c in cells(result) if at(result, "金融支持", c))
    assert_warning_showing(result, "金融支持", cell, "1,234")
    message = next(f.message() for f in at(result, "金融支持", cell)
                   if f.severity is Severity.WARNING)
    assert "已按 1234 读取" in message, message  # not "1234.0"


@pytest.mark.parametrize("text", ["2020年2月3日", "2020.2.3", "2020/2/3"])
def test_dates_as_text(tmp_path, text):
    book = new_book()
    write_rows(book[E], [enterprise(1, 开复工日期=text)])
    result = check(book, tmp_path)
    assert cells(result) == {(E, "G2")}
    assert_warning_showing(result, E, "G2", text)
    assert "2020-02-03" in at(result, E, "G2")[0].message()


def test_bare_excel_serial_in_a_date_column(tmp_path):
    serial = (dt.date(2020, 2, 3) - dt.date(1899, 12, 30)).days
    assert serial == 43864
    book = new_book()
    write_rows(book[E], [enterprise(1, 开复工日期=serial)])
    book[E]["G2"].number_format = "General"
    result = check(book, tmp_path)
    assert cells(result) == {(E, "G2")}
    assert_warning_showing(result, E, "G2", "43864")
    assert "2020-02-03" in at(result, E, "G2")[0].message()


def test_coerced_dates_are_used_by_the_date_rules(tmp_path):
    book = new_book()
    late_serial = (LATE - dt.date(1899, 12, 30)).days
    write_rows(book[E], [enterprise(1, 开复工日期="2020年3月15日"),
                         enterprise(2, 开复工日期="2020.3.15"),
                         enterprise(3, 开复工日期="2020/3/15"),
                         enterprise(4, 开复工日期=late_serial)])
    book[E]["G5"].number_format = "General"
    result = check(book, tmp_path)
    assert cells(result) == {(E, f"G{r}") for r in range(2, 6)}
    for r in range(2, 6):   # read as 2020-03-15, which is after 统计日期
        assert severities(result, E, f"G{r}") == ["error", "warning"]


def test_yes_no_with_spaces(tmp_path):
    book = new_book()
    write_rows(book[E], [enterprise(1, 是否开复工="是 "),
                         enterprise(2, 是否开复工=" 是 ", 开复工日期=None),
                         enterprise(3, 是否开复工="否  ")])
    result = check(book, tmp_path)
    for cell, original in (("F2", "是 "), ("F3", " 是 "), ("F4", "否  ")):
        assert_warning_showing(result, E, cell, original)
    # 是 ⇒ 开复工日期 present; 否 ⇒ no 开复工日期
    assert cells(result, "error") == {(E, "G3"), (E, "G4")}
    assert cells(result) == {(E, c) for c in ("F2", "F3", "F4", "G3", "G4")}


def test_full_width_space_shown_as_typed(tmp_path):
    book = new_book()
    write_rows(book[E], [enterprise(1, 是否开复工="是\u3000")])
    result = check(book, tmp_path)
    assert_warning_showing(result, E, "F2", "是\u3000")
    assert "\\u3000" not in at(result, E, "F2")[0].message()


def test_lower_case_credit_code(tmp_path):
    book = new_book()
    write_rows(book[E], [enterprise(1, 统一社会信用代码=uscc(1).lower()),
                         enterprise(2, 统一社会信用代码=uscc(3).lower()),
                         enterprise(3, 统一社会信用代码=uscc(3))])
    result = check(book, tmp_path)
    assert_warning_showing(result, E, "C2", uscc(1).lower())
    assert_warning_showing(result, E, "C3", uscc(3).lower())
    assert severities(result, E, "C2") == ["warning"]       # check digits pass once upper-cased
    errors = cells(result, "error")                         # and C3 now equals C4: not unique
    assert errors and errors <= {(E, "C3"), (E, "C4")}


@pytest.mark.parametrize(("column", "cell", "text"), [
    ("开复工日期", "G2", "下周"),
    ("职工总数", "H2", "abc"),
    ("其中外地返岗人数", "J2", "-3"),
    ("其中外地返岗人数", "J2", -3),
    ("已上岗人数", "I2", "12.5"),
])
def test_text_that_cannot_be_coerced_is_an_error_at_the_cell(tmp_path, column, cell, text):
    book = new_book()
    write_rows(book[E], [enterprise(1, **{column: text})])
    result = check(book, tmp_path)
    assert cells(result) == {(E, cell)}
    found = at(result, E, cell)
    assert [f.severity for f in found] == [Severity.ERROR]
    assert str(text) in found[0].message()


@pytest.mark.parametrize(("column", "cell", "number"), [("开复工日期", "G2", 43864),
                                                        ("其中外地返岗人数", "J2", -3)])
def test_numbers_shown_as_typed(tmp_path, column, cell, number):
    book = new_book()
    write_rows(book[E], [enterprise(1, **{column: number})])
    book[E][cell].number_format = "General"
    [finding] = at(check(book, tmp_path), E, cell)
    assert f"{number}.0" not in finding.message()
