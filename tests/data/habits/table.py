"""Habits of the area 'table': where the table ends (合计 / 小计 rows, notes under it, a 栏次
row, pre-numbered rows, the header again after a page break) and merged cells (see
__init__.py and docs/real-workbooks.md).

The demo's 小微企业 (泷泊镇) has eight rows, B2:D9:
批发和零售业 364 364 0 · 住宿和餐饮业 229 229 0 · 居民服务和修理业 96 96 0 ·
交通运输和仓储业 80 80 0 · 农林产品初加工 80 80 0 · 建筑和装饰装修业 91 91 0 ·
网吧 12 0 12 · KTV等歌舞娱乐场所 8 0 8 — 960 enterprises, 940 operating, 20 suspended.
规模工业企业 has 30 enterprises in rows 2–31 (序号 1–30 in A).
"""

from __future__ import annotations

from typing import Any

from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from . import Expect, Habit

SMALL, ENTERPRISES, ABSORPTION = "小微企业", "规模工业企业", "吸纳就业补贴"


def _small_rows(book: Workbook) -> list[list[Any]]:
    ws = book[SMALL]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=9)]


def _rewrite(ws: Worksheet, rows: list[list[Any]], start: int = 2) -> None:
    """Clear the sheet under its header and write ``rows`` from row ``start`` on."""
    ws.delete_rows(2, ws.max_row)
    for r, values in enumerate(rows, start=start):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)


def _grouped(book: Workbook, second_subtotal: int = 251) -> None:
    """小计 after each group of 小微企业 and a 合计 at the end (rows 5, 9, 12, 13)."""
    rows = _small_rows(book)
    _rewrite(book[SMALL], [*rows[0:3], ["小计", 689, 689, 0],
                           *rows[3:6], ["小计", second_subtotal, 251, 0],
                           *rows[6:8], ["小计", 20, 0, 20],
                           ["合计", 960, 940, 20]])


def _grouped_wrong(book: Workbook) -> None:
    _grouped(book, second_subtotal=250)  # 80 + 80 + 91 = 251


def _column_sums(ws: Worksheet, letters: str, last: int = 31) -> dict[str, int]:
    """What a clerk's =SUM() gives over rows 2..``last``: the figures typed in a 合计 row."""
    return {letter: sum(ws[f"{letter}{r}"].value or 0 for r in range(2, last + 1))
            for letter in letters}


def _total_on_top(book: Workbook) -> None:
    """总计 right under the header, as many statistical forms have it, then the groups with
    their 小计 (the first one counting from the 总计 row down)."""
    rows = _small_rows(book)
    _rewrite(book[SMALL], [["总计", 960, 940, 20], *rows[0:6], ["小计", 940, 940, 0],
                           *rows[6:8], ["小 计", 20, 0, 21]])  # 12 + 8 suspended is 20


def _spaced_total(book: Workbook) -> None:
    ws = book[ENTERPRISES]
    ws["A32"] = "合  计"  # spaced out to fill the 序号 cell's width
    for letter, value in _column_sums(ws, "HIJ").items():
        ws[f"{letter}32"] = value


def _total_in_b_wrong(book: Workbook) -> None:
    ws = book[ENTERPRISES]
    ws["B32"] = "合计"  # in 企业名称, 序号 left blank
    for letter, value in _column_sums(ws, "HIJ").items():
        ws[f"{letter}32"] = value
    ws["I32"] = ws["I32"].value + 10  # 已上岗人数 off by ten


def _signature_lines(book: Workbook) -> None:
    ws = book[ENTERPRISES]  # a blank row, then the line clerks sign, over three cells
    ws["A33"] = "填表人：李满秀"
    ws["E33"] = "审核人：唐建国"
    ws["I33"] = "联系电话：0746-7721234"
    book[SMALL]["A11"] = "填表人：李满秀　　审核人：唐建国　　联系电话：0746-7721234"


def _notes(book: Workbook) -> None:
    ws = book[SMALL]
    ws["A10"] = "注：本表由乡镇经济发展办填报，数据截至3月11日。"
    ws["A11"] = "说明：暂停营业户数含季节性停业户数"
    ws["A12"] = "备注"


def _long_text(book: Workbook) -> None:
    book[ENTERPRISES]["B33"] = "以上企业均已落实防疫措施，复工复产情况良好，特此报告"


def _column_numbers(book: Workbook) -> None:
    ws = book[ENTERPRISES]
    ws.insert_rows(2)
    for letter, value in zip("ABCDEFGHIJKLM",
                             ["甲", "乙", "丙", "丁", "戊", "己", "庚", 1, 2, 3, "辛", "壬", "癸"],
                             strict=True):
        ws[f"{letter}2"] = value
    small = book[SMALL]
    small.insert_rows(2)
    for letter, value in zip("ABCDE", ["甲", 1, 2, 3, "乙"], strict=True):
        small[f"{letter}2"] = value


def _pre_numbered(book: Workbook) -> None:
    ws = book[ENTERPRISES]
    for r in range(32, 82):  # 序号 31..80 typed ahead in the template, nothing else
        ws[f"A{r}"] = r - 1


def _page_break_header(book: Workbook) -> None:
    ws = book[ENTERPRISES]
    header = [c.value for c in ws[1]]
    ws.insert_rows(17, 2)  # after 序号 15: the title and the header again, as on page 2
    ws["A17"] = "泷泊镇规模工业企业复工情况表"
    for c, value in enumerate(header, start=1):
        ws.cell(18, c, value)


def _merge(ws: Worksheet, ref: str) -> None:
    """Merge as Excel does: the top-left value stays, the others are cleared."""
    ws.merge_cells(ref)


def _name_merged(book: Workbook) -> None:
    # 双牌县阳明中药材开发有限公司 has two employees, rows 10 and 11
    _merge(book[ABSORPTION], "A10:A11")


def _industry_merged(book: Workbook) -> None:
    # 木材加工 in D5 spread over five enterprises (D8 医药 and D9 建材 are merged away too)
    _merge(book[ENTERPRISES], "D5:D9")


def _title_merged(book: Workbook) -> None:
    ws = book[ENTERPRISES]
    ws.insert_rows(1, 2)
    ws["A1"] = "泷泊镇规模工业企业复工情况表"
    _merge(ws, "A1:M2")  # a title over two rows: not data, nothing to say


def _everything(book: Workbook) -> None:
    """One 小微企业 as a county form comes back: a merged title, the 栏次 row, groups with
    小计, a 总计, a note and the signature line."""
    rows = _small_rows(book)
    ws = book[SMALL]
    header = [c.value for c in ws[1]]
    ws.delete_rows(1, ws.max_row)
    ws["A1"] = "泷泊镇小微企业运营情况表"
    _merge(ws, "A1:E1")
    body = [header, ["甲", 1, 2, 3, "乙"], *rows[0:3], ["小  计", 689, 689, 0], *rows[3:6],
            ["小计", 251, 251, 0], *rows[6:8], ["小计", 20, 0, 20], ["总计", 960, 940, 20],
            [], ["注：暂停营业户数含季节性停业户数"], ["填表人：李满秀", None, "审核人：唐建国"]]
    # header row 2, 栏次 row 3; data 4–6, 小计 7, 8–10, 小计 11, 12–13, 小计 14, 总计 15
    _rewrite(ws, body, start=2)


HABITS: list[Habit] = [
    Habit("subtotals_between_groups", "小计 rows after each group of 小微企业 and a 合计 "
          "at the end, all right", _grouped),
    Habit("subtotal_wrong", "小计 rows between groups, the second one 250 instead of 251",
          _grouped_wrong,
          (Expect.of("subtotal_row", SMALL, "B9", "error", column="企业户数", rows="6–8",
                     expected="251"),)),
    Habit("total_on_top", "总计 under the header, 小计 after each group, the last one's "
          "暂停营业户数 21 instead of 20", _total_on_top,
          (Expect.of("subtotal_row", SMALL, "D12", "error", column="暂停营业户数", rows="10–11",
                     expected="20"),)),
    Habit("total_spaced", "a 合计 row at the end spelt 合  计 in the 序号 cell", _spaced_total),
    Habit("total_in_column_b_wrong", "a 合计 row with its label in 企业名称 and "
          "已上岗人数 ten too many", _total_in_b_wrong,
          (Expect.of("total_row", ENTERPRISES, "I32", "error", column="已上岗人数"),)),
    Habit("signature_lines", "填表人 / 审核人 / 联系电话 under the table (over three cells, "
          "and in one cell)", _signature_lines),
    Habit("notes_under_table", "注： / 说明： / 备注 lines under 小微企业", _notes),
    Habit("long_text_row", "a row whose only cell is a sentence, under the table",
          _long_text, (Expect.of("note_row", ENTERPRISES, "B33", "warning", count=1),)),
    Habit("column_numbers_row", "a 栏次 row (甲 乙 … 1 2 3) under the header", _column_numbers),
    Habit("pre_numbered_rows", "50 rows with only a pre-filled 序号 under the data",
          _pre_numbered,
          (Expect.of("serial_only_rows", ENTERPRISES, "A32", "warning", count=50, first=32,
                     last=81),)),
    Habit("header_after_page_break", "the title and the header typed again mid-table, as "
          "at the top of a printed page 2", _page_break_header,
          (Expect.of("header_repeated", ENTERPRISES, "A18", "warning", row=18, header=1),)),
    Habit("name_merged_two_rows", "企业名称 merged over an enterprise's two employees",
          _name_merged,
          (Expect.of("merged_cells", ABSORPTION, "A10", "warning", range="A10:A11"),)),
    Habit("industry_merged_five_rows", "行业类别 merged over five enterprises",
          _industry_merged,
          (Expect.of("merged_cells", ENTERPRISES, "D5", "warning", range="D5:D9"),)),
    Habit("title_merged_above_header", "a title merged over two rows above the header",
          _title_merged),
    Habit("form_as_returned", "title, 栏次 row, groups with 小计 (one spaced), 总计, a note "
          "and the signature line, all right", _everything),
]
