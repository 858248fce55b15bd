"""Habits of the area 'cover' (see __init__.py): the 封面 as clerks lay it out — labels with
a colon or spaces, a label and its value in one cell, a title above the fields, 填报单位 as
the township's government, 区划代码 stored as a number (docs/real-workbooks.md, 封面)."""

from __future__ import annotations

from openpyxl.workbook import Workbook

from . import Expect, Habit

COVER = "封面"
# the 封面 of the demo workbook: a label in A, its value in B (rows 1-7)
LABELS = ("填报单位", "区划代码", "统计日期", "填报人", "联系电话", "审核人", "AGM检测人次")


def _relabel(form: str):
    """Every label of A1:A7 rewritten as ``form`` says ({} is the label)."""
    def edit(book: Workbook) -> None:
        sheet = book[COVER]
        for row, label in enumerate(LABELS, start=1):
            assert sheet.cell(row, 1).value == label
            sheet.cell(row, 1).value = form.format(label)
    return edit


def _spaced(book: Workbook) -> None:
    sheet = book[COVER]
    for row, label in enumerate(LABELS[:4], start=1):
        sheet.cell(row, 1).value = " ".join(label) + ":"  # 填 报 单 位:


def _in_one_cell(book: Workbook) -> None:
    """填报单位：泷泊镇 and 填报人：李满秀 in column A, column B of those rows left empty."""
    sheet = book[COVER]
    for row in (1, 4):
        sheet.cell(row, 1).value = f"{sheet.cell(row, 1).value}：{sheet.cell(row, 2).value}"
        sheet.cell(row, 2).value = None


def _title_above(book: Workbook) -> None:
    sheet = book[COVER]
    sheet.insert_rows(1, 2)
    sheet["A1"] = "双牌县复工复产日报 封面"


def _township(written: str):
    def edit(book: Workbook) -> None:
        assert book[COVER]["B1"].value == "泷泊镇"
        book[COVER]["B1"] = written
    return edit


def _code_as_number(book: Workbook) -> None:
    assert book[COVER]["B2"].value == "431123100000"
    book[COVER]["B2"] = 431123100000
    book[COVER]["B2"].number_format = "General"


def _alias(written: str) -> tuple[Expect, ...]:
    return (Expect.of("township_alias", COVER, "B1", "warning", original=written,
                      value="泷泊镇"),)


HABITS: list[Habit] = [
    Habit("cover_labels_full_width_colon", "每个封面项目名后加全角冒号（填报单位：）",
          _relabel("{}：")),
    Habit("cover_labels_half_width_colon", "封面项目名后加半角冒号（填报单位:）", _relabel("{}:")),
    Habit("cover_labels_spaced", "封面项目名中间加空格对齐（填 报 单 位:）", _spaced),
    Habit("cover_label_and_value_in_one_cell", "项目名和内容写在同一格（填报单位：泷泊镇）",
          _in_one_cell),
    Habit("cover_title_row_above", "封面上方加了标题行和空行", _title_above),
    Habit("cover_township_as_government", "填报单位写成 泷泊镇人民政府",
          _township("泷泊镇人民政府"), _alias("泷泊镇人民政府")),
    Habit("cover_township_as_short_government", "填报单位写成 泷泊镇政府",
          _township("泷泊镇政府"), _alias("泷泊镇政府")),
    Habit("cover_township_with_county", "填报单位前加县名（双牌县泷泊镇）",
          _township("双牌县泷泊镇"), _alias("双牌县泷泊镇")),
    Habit("cover_township_with_full_jurisdiction",
          "填报单位写全称（湖南省永州市双牌县泷泊镇人民政府）",
          _township("湖南省永州市双牌县泷泊镇人民政府"),
          _alias("湖南省永州市双牌县泷泊镇人民政府")),
    Habit("cover_township_unknown", "填报单位写成不存在的乡镇（泷泊乡）", _township("泷泊乡"),
          (Expect.of("unknown_township", COVER, "B1", "error", value="泷泊乡", county="双牌县"),),
          clean=False),
    Habit("cover_division_code_as_number", "区划代码存成数字（常规格式的 431123100000）",
          _code_as_number),
]
