"""Habits of the area 'headers': units, line breaks, spaces, two-row headers, synonyms
(see __init__.py). Decisions: docs/real-workbooks.md, "Headers"."""

from __future__ import annotations

from openpyxl.workbook import Workbook

from . import Expect, Habit

ENTERPRISES, POOR, FINANCE, SI = "规模工业企业", "贫困劳动力", "金融支持", "社保减免"
HAZARDS, SUPPLIES = "安全隐患台账", "防疫物资"


def _header_spaces(book: Workbook) -> None:
    book[ENTERPRISES]["B1"] = " 企业 名称 "  # spaces typed around and inside


def _staff_in_people(book: Workbook) -> None:
    book[ENTERPRISES]["H1"] = "职工总数（人）"  # the unit of a count, full-width brackets
    book[ENTERPRISES]["I1"] = "已上岗人数(人)"  # and half-width


def _yuan_where_yuan(book: Workbook) -> None:
    book[SI]["D1"] = "月缴费基数合计（单位：元）"  # the standard's own unit, spelt out
    book[SUPPLIES]["D1"] = "数量（个）"
    book[FINANCE]["E1"] = "年利率（%）"


def _yuan_where_wan(book: Workbook) -> None:
    book[FINANCE]["D1"] = "金额（元）"  # the standard is 金额（万元）: 10,000× off


def _wan_where_yuan(book: Workbook) -> None:
    book[SUPPLIES]["F1"] = "金额（万元）"  # the standard is 金额（元）


def _staff_in_wan(book: Workbook) -> None:
    book[ENTERPRISES]["H1"] = "职工总数（万人）"


def _unknown_unit(book: Workbook) -> None:
    book[ENTERPRISES]["H1"] = "职工总数（截至3月11日）"  # a bracket that is no unit


def _amount_without_unit(book: Workbook) -> None:
    book[FINANCE]["D1"] = "金额"  # read as 元 by anyone who reads the spec's convention


def _line_break(book: Workbook) -> None:
    book[ENTERPRISES]["I1"] = "已上岗\n人数"  # Alt+Enter inside the header
    book[ENTERPRISES]["J1"] = "其中外地\r\n返岗人数"


def _full_width(book: Workbook) -> None:
    book[FINANCE]["F1"] = "同期ＬＰＲ"  # full-width letters
    book[ENTERPRISES]["B1"] = "企业\u3000名称"  # an ideographic space
    book[ENTERPRISES]["C1"] = "统一社会信用代码\u200b"  # a zero-width space pasted along


def _synonyms(book: Workbook) -> None:
    book[ENTERPRISES]["B1"] = "单位名称"
    book[ENTERPRISES]["H1"] = "员工总数（人）"  # a synonym with its unit
    book[HAZARDS]["B1"] = "企业名称"  # the register names its enterprise column so


def _two_rows(book: Workbook, title: bool = False) -> None:
    """贫困劳动力 with 已返岗人数 merged over 省外 / 省内县外 / 县内 / 小计, the other headers
    merged down over both rows (as the county's paper form has it)."""
    ws = book[POOR]
    ws.insert_rows(2)
    for letter in "ABCHI":
        ws[f"{letter}1"] = ws[f"{letter}1"].value
        ws.merge_cells(f"{letter}1:{letter}2")
    for letter, child in zip("DEFG", ("省外", "省内县外", "县内", "小计"), strict=True):
        ws[f"{letter}2"] = child
    ws["D1"] = "已返岗人数"
    ws.merge_cells("D1:G1")
    if title:
        ws.insert_rows(1)
        ws["A1"] = "泷泊镇贫困劳动力务工情况表"
        ws.merge_cells("A1:I1")


def _two_rows_children_named(book: Workbook) -> None:
    """The children carry the whole standard name; the parent only groups them."""
    _two_rows(book)
    ws = book[POOR]
    for letter, child in zip("DEFG", ("已返岗省外", "已返岗省内县外", "已返岗县内", "已返岗小计"),
                             strict=True):
        ws[f"{letter}2"] = child
    ws["D1"] = "返岗情况"


def _units_row(book: Workbook) -> None:
    """A row of units typed under the header (人 / 元 / 万元), as paper forms have it."""
    ws = book[ENTERPRISES]
    ws.insert_rows(2)
    ws["H2"], ws["I2"], ws["J2"] = "人", "（人）", "单位：人"
    ws = book[FINANCE]
    ws.insert_rows(2)
    ws["D2"], ws["E2"], ws["H2"] = "万元", "%", "月"


def _units_row_wrong(book: Workbook) -> None:
    ws = book[FINANCE]
    ws.insert_rows(2)
    ws["D2"] = "元"  # 金额（万元） qualified as 元 in the row of units


def _misspelt(book: Workbook) -> None:
    book[ENTERPRISES]["H1"] = "职工数"  # no standard column, no synonym


def _column_deleted(book: Workbook) -> None:
    book[ENTERPRISES].delete_cols(10)  # 其中外地返岗人数 (optional) gone; K..M move left


HABITS: list[Habit] = [
    Habit("header_spaces", "a header typed with spaces around and inside", _header_spaces),
    Habit("header_unit_people", "职工总数（人）, 已上岗人数(人): the unit of a count",
          _staff_in_people),
    Habit("header_unit_standard", "（单位：元）, （个）, （%） where they are the standard units",
          _yuan_where_yuan),
    Habit("header_yuan_where_wan", "金额（元） in 金融支持, whose standard is 金额（万元）",
          _yuan_where_wan,
          (Expect.of("header_unit_mismatch", FINANCE, "D1", "error", unit="元",
                     expected="万元", column="金额（万元）"),),
          clean=False),
    Habit("header_wan_where_yuan", "金额（万元） in 防疫物资, whose standard is 金额（元）",
          _wan_where_yuan,
          (Expect.of("header_unit_mismatch", SUPPLIES, "F1", "error", unit="万元",
                     expected="元"),),
          clean=False),
    Habit("header_staff_in_wan", "职工总数（万人）", _staff_in_wan,
          (Expect.of("header_unit_mismatch", ENTERPRISES, "H1", "error", unit="万人",
                     expected="人"),),
          clean=False),
    Habit("header_unknown_unit", "a bracket after a count's name that names no unit",
          _unknown_unit,
          (Expect.of("header_unit_unknown", ENTERPRISES, "H1", "warning", unit="截至3月11日"),)),
    Habit("header_amount_without_unit", "金额 for 金额（万元）", _amount_without_unit,
          (Expect.of("header_unit_missing", FINANCE, "D1", "warning", expected="万元"),)),
    Habit("header_line_break", "headers wrapped with Alt+Enter", _line_break),
    Habit("header_full_width", "full-width letters, an ideographic and a zero-width space",
          _full_width),
    Habit("header_synonyms", "单位名称, 员工总数（人）, 企业名称 for the standard headers",
          _synonyms,
          (Expect.of("header_synonym", ENTERPRISES, "B1", "warning", written="单位名称",
                     column="企业名称"),
           Expect.of("header_synonym", ENTERPRISES, "H1", "warning", written="员工总数（人）",
                     column="职工总数"),
           Expect.of("header_synonym", HAZARDS, "B1", "warning", written="企业名称",
                     column="企业（项目）名称"))),
    Habit("header_two_rows", "已返岗人数 merged over 省外 / 省内县外 / 县内 / 小计", _two_rows),
    Habit("header_two_rows_title", "the same under a merged title row",
          lambda book: _two_rows(book, title=True)),
    Habit("header_two_rows_children_named", "children carrying the whole standard name",
          _two_rows_children_named),
    Habit("header_units_row", "a row of units under the header", _units_row),
    Habit("header_units_row_wrong", "元 under 金额（万元） in the row of units", _units_row_wrong,
          (Expect.of("header_unit_mismatch", FINANCE, "D2", "error", unit="元",
                     expected="万元"),),
          clean=False),
    Habit("header_misspelt", "职工数 for 职工总数: the column is missing, at that cell",
          _misspelt,
          (Expect.of("missing_column", ENTERPRISES, "H1", "error", column="职工总数"),),
          clean=False),
    Habit("header_column_deleted", "an optional column deleted: at the cell right of the header",
          _column_deleted,
          (Expect.of("missing_column", ENTERPRISES, "M1", "warning", column="其中外地返岗人数"),),
          clean=False),
]
