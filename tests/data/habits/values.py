"""Habits of the area 'values' (see __init__.py): values as clerks type them — a rate as
points (16 for 16%), an invisible space, a long code stored as a number, a date without its
year, √/× and 已复工/未复工 for 是/否, a 身份证号 of no division (docs/real-workbooks.md,
Values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.workbook import Workbook

from . import Expect, Habit

ENTERPRISES, SI, FINANCE, ABSORPTION = "规模工业企业", "社保减免", "金融支持", "吸纳就业补贴"


def _put(sheet: str, cell: str, was: Any, value: Any, number_format: str | None = None):
    """Type ``value`` into ``sheet``!``cell``, which held ``was`` in the demo workbook."""
    def edit(book: Workbook) -> None:
        target = book[sheet][cell]
        assert target.value == was, (sheet, cell, target.value)
        target.value = value
        if number_format:
            target.number_format = number_format
    return edit


def _both(*edits):
    def edit(book: Workbook) -> None:
        for one in edits:
            one(book)
    return edit


def _with_check_digit(body17: str) -> str:
    """GB 11643-1999: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 → X."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    check = (12 - total % 11) % 11
    return body17 + ("X" if check == 10 else str(check))


ZERO_DIVISION_ID = _with_check_digit("00000019880510221")
NINES_DIVISION_ID = _with_check_digit("99999919880510221")
FIRST_ID = "431123198805102213"  # 吸纳就业补贴!E2 of the demo workbook
NAME4 = "双牌县振兴竹木制品有限公司"  # 规模工业企业!B4


def _w(rule: str, sheet: str, cell: str, **params: Any) -> Expect:
    return Expect.of(rule, sheet, cell, "warning", **params)


def _e(rule: str, sheet: str, cell: str, **params: Any) -> Expect:
    return Expect.of(rule, sheet, cell, "error", **params)


HABITS: list[Habit] = [
    Habit("values_pension_rate_as_points", "养老费率填 16（想填16%）",
          _put(SI, "E2", 0.16, 16), (_e("rate_as_points", SI, "E2", value="16%"),)),
    Habit("values_interest_rate_as_points", "年利率填 3.05（想填3.05%）",
          _put(FINANCE, "E18", 0.0305, 3.05),
          (_e("rate_as_points", FINANCE, "E18", value="3.05%"),),
          clean=False),  # the refused rate leaves the bulletin's weighted loan rate
    Habit("values_rate_as_text_points", "工伤费率填文字“1.1”（想填1.1%）",
          _put(SI, "G3", 0.011, "1.1"), (_e("rate_as_points", SI, "G3", value="1.1%"),)),
    Habit("values_nbsp_in_size", "企业规模“小型”后带不间断空格（从网页复制）",
          _put(ENTERPRISES, "E3", "小型", "小型\u00a0"),
          (_w("invisible_char", ENTERPRISES, "E3", value="小型"),)),
    Habit("values_zero_width_in_name", "企业名称中夹着零宽空格（从微信复制）",
          _put(ENTERPRISES, "B4", NAME4, NAME4[:3] + "\u200b" + NAME4[3:]),
          (_w("invisible_char", ENTERPRISES, "B4", value=NAME4),)),
    Habit("values_id_number_stored_as_number", "身份证号存成数字（常规格式，后几位已丢失）",
          _put(ABSORPTION, "E2", FIRST_ID, int(FIRST_ID), "General"),
          (_e("code_as_number", ABSORPTION, "E2"),)),
    Habit("values_credit_code_stored_as_number", "全数字的统一社会信用代码存成数字",
          _put(ENTERPRISES, "C4", "914311236828593482", 914311236828593482, "General"),
          (_e("code_as_number", ENTERPRISES, "C4"),)),
    Habit("values_date_without_year", "开复工日期只写月日（3月7日）",
          _put(ENTERPRISES, "G24", dt.datetime(2020, 3, 7), "3月7日"),
          (_w("date_without_year", ENTERPRISES, "G24", value="2020-03-07"),)),
    Habit("values_date_without_year_hao", "开复工日期写成 2月16号",
          _put(ENTERPRISES, "G2", dt.datetime(2020, 2, 16), "2月16号"),
          (_w("date_without_year", ENTERPRISES, "G2", value="2020-02-16"),)),
    Habit("values_check_marks_for_yes_no", "是否开复工用 √ 和 × 填写",
          _both(_put(ENTERPRISES, "F2", "是", "√"), _put(ENTERPRISES, "F11", "否", "×")),
          (_w("yes_no_coerced", ENTERPRISES, "F2", value="是"),
           _w("yes_no_coerced", ENTERPRISES, "F11", value="否"))),
    Habit("values_resumed_words_for_yes_no", "是否开复工填 已复工 / 未复工",
          _both(_put(ENTERPRISES, "F3", "是", "已复工"),
                _put(ENTERPRISES, "F11", "否", "未复工")),
          (_w("yes_no_coerced", ENTERPRISES, "F3", value="是"),
           _w("yes_no_coerced", ENTERPRISES, "F11", value="否"))),
    Habit("values_id_number_division_000000", "身份证号前6位为 000000（校验位正确）",
          _put(ABSORPTION, "E2", FIRST_ID, ZERO_DIVISION_ID),
          (_e("idcard", ABSORPTION, "E2"),)),
    Habit("values_id_number_division_999999", "身份证号前6位为 999999（校验位正确）",
          _put(ABSORPTION, "E3", "431123197903203478", NINES_DIVISION_ID),
          (_e("idcard", ABSORPTION, "E3"),)),
]
