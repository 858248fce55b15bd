"""What each row under a table's header is: data, or one of the rows real forms carry that
are not data (合计 / 小计 rows, notes under the table, a 栏次 row, rows with only a pre-filled
序号, the header repeated after a page break, blank rows).

Every tolerance of the reader about the rows of a table lives here, as data: the labels, the
note prefixes, the 栏次 tokens, the length of a long text. ``reader.table_from_grid`` asks
``candidates`` which rows can be other than plain data (cheaply: most rows are decided by
their first cell) and ``classify`` what each of those is. Decisions: docs/real-workbooks.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter
from typing import Any

from ..model.spec import header_key


class Kind(Enum):
    DATA = "data"
    TOTAL = "total"  # 合计 / 总计: checked against every data row of the table
    SUBTOTAL = "subtotal"  # 小计: checked against the data rows since the last (sub)total
    NOTE = "note"  # 填表人 / 审核人 / 联系电话 / 注 / 说明 / 备注 line (silent)
    LONG_TEXT = "long_text"  # a row whose only cell is a long text (a 警告)
    COLUMN_NUMBERS = "column_numbers"  # 栏次 row under the header: 甲 乙 1 2 3 … (silent)
    SERIAL_ONLY = "serial_only"  # only the 序号 is filled (one 警告 per sheet)
    HEADER = "header"  # the header again, e.g. after a page break (a 警告)
    TITLE = "title"  # the one-cell title just above a repeated header (with it)
    BLANK = "blank"


# Labels, compared after ``header_key`` (NFKC, no white space: "合  计" is 合计) and without
# a trailing colon.
TOTAL_LABELS = frozenset({"合计", "总计", "总合计", "合计数", "全镇合计", "全乡合计",
                          "全县合计", "全镇总计", "全乡总计", "本表合计", "本页合计"})
SUBTOTAL_LABELS = frozenset({"小计", "本页小计", "分类小计", "分项小计"})
LABEL_CHAR = "计"  # every label above holds it: the cheap test for a candidate
LABEL_COLUMNS = 4  # a label is looked for in the first cells of a row

# A note line under the table: its first cell starts with one of these (after header_key,
# so ： is :). 注 / 说明 / 备注 only with a colon, a number or alone, not a name like 注塑厂.
NOTE = re.compile(r"(填表人|填报人|制表人|审核人|审核|负责人|单位负责人|统计负责人|分管领导|"
                  r"联系人|联系电话|电话:|填表日期|填报日期|制表日期|报送日期|报出日期|"
                  r"填表说明|"
                  r"(注|说明|备注|附注)(\d*[:.、)]|$))")
LONG_TEXT = 30  # characters: a row whose only cell is at least this long is a note …
SENTENCE_TEXT = 12  # … or at least this long with a sentence's punctuation
SENTENCE_MARKS = frozenset("。；;，,！!？?")
# A 栏次 row: heavenly stems for the text columns, 1 2 3 … for the others.
COLUMN_TOKENS = frozenset("甲乙丙丁戊己庚辛壬癸") | {"栏次", "栏号", "行次"}
LEADING_ROWS = 3  # a 栏次 row is looked for among the first rows under the header
SERIAL_KEY = "seq"  # the schema key of a 序号 column (schemas/*.yaml)


@dataclass(frozen=True)
class Layout:
    """What the classification needs to know of the table: in 0-based columns of the body
    (the grid's), the header's columns, the 序号 columns and the header keys."""

    columns: tuple[int, ...]  # every header found
    serial: tuple[int, ...]  # the 序号 columns among them
    header_keys: frozenset[str]
    need: int  # header cells a row must repeat to be the header again
    first_label: str  # the text of the header's first cell ("" when blank)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(row: list[Any]) -> bool:
    first = row[0] if row else ""
    if first != "" and (type(first) is not str or first.strip()):
        return False  # the usual data row: decided by its first cell
    return row.count("") == len(row) or all(_blank(v) for v in row)


def label_kind(row: list[Any]) -> Kind | None:
    """TOTAL or SUBTOTAL when one of the row's first cells is such a label."""
    for value in row[:LABEL_COLUMNS]:
        if type(value) is str and LABEL_CHAR in value:
            key = header_key(value).rstrip(":")
            if key in TOTAL_LABELS:
                return Kind.TOTAL
            if key in SUBTOTAL_LABELS:
                return Kind.SUBTOTAL
    return None


def _filled(row: list[Any]) -> list[tuple[int, Any]]:
    return [(c, v) for c, v in enumerate(row) if not _blank(v)]


def _number(value: Any) -> int | None:
    if type(value) is bool:
        return None
    if isinstance(value, int | float) and value == int(value):
        return int(value)
    if isinstance(value, str):
        text = header_key(value)
        if text.isdigit():
            return int(text)
    return None


def is_column_numbers(filled: list[tuple[int, Any]]) -> bool:
    """甲 乙 1 2 3 …: every filled cell a stem (or 栏次) or a whole number, the numbers
    1 2 3 … or any run of consecutive numbers of at least three."""
    numbers: list[int] = []
    tokens = 0
    for _, value in filled:
        if isinstance(value, str) and header_key(value) in COLUMN_TOKENS:
            tokens += 1
            continue
        number = _number(value)
        if number is None:
            return False
        numbers.append(number)
    if not numbers or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return False
    return len(numbers) >= 3 or (tokens >= 1 and len(numbers) >= 2)


def _is_long_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return len(text) >= LONG_TEXT or (len(text) >= SENTENCE_TEXT
                                      and not SENTENCE_MARKS.isdisjoint(text))


def classify(row: list[Any], layout: Layout, leading: bool = False) -> Kind:
    """The kind of one row of the body (``leading``: no data row above it yet, where a 栏次
    row may stand)."""
    if is_blank_row(row):
        return Kind.BLANK
    label = label_kind(row)
    if label is not None:
        return label
    filled = _filled(row)
    texts = [v for _, v in filled if isinstance(v, str)]
    if sum(header_key(v) in layout.header_keys for v in texts) >= layout.need:
        return Kind.HEADER
    first = filled[0][1]
    if isinstance(first, str) and NOTE.match(header_key(first)):
        return Kind.NOTE
    if len(filled) == 1 and _is_long_text(first):
        return Kind.LONG_TEXT
    if leading and len(filled) >= 3 and is_column_numbers(filled):
        return Kind.COLUMN_NUMBERS
    if layout.serial:
        in_table = [(c, v) for c, v in filled if c in layout.columns]
        if in_table and all(c in layout.serial and _number(v) is not None
                            for c, v in in_table):
            return Kind.SERIAL_ONLY
    return Kind.DATA


def is_title(row: list[Any]) -> bool:
    """One text cell: the sheet's title standing above a repeated header."""
    filled = _filled(row)
    return len(filled) == 1 and isinstance(filled[0][1], str)


def candidates(body: list[list[Any]], last: int, layout: Layout) -> set[int]:
    """The rows among ``body[:last]`` that may be other than plain data, found by whole
    columns at a time: a (sub)total label in the first cells; in the first column a blank,
    the header's first label, or any text in a column of numbers; in a sheet with a 序号
    column, a row with one cell filled at most. (Notes stand under the table: ``reader``
    looks at the rows above the end and above each 合计 / 小计 row.)"""
    found: set[int] = set()
    if not last:
        return found
    width = len(body[0])
    if not width:
        return set(range(last))
    first = list(map(itemgetter(0), body[:last]))
    for c in range(min(LABEL_COLUMNS, width)):
        column = first if c == 0 else list(map(itemgetter(c), body[:last]))
        found.update(_texts_with(column, LABEL_CHAR))
    found.update(i for i, v in enumerate(first) if type(v) is str and not v.strip())
    if layout.first_label:
        found.update(_texts_with(first, layout.first_label, text_in_numbers=True))
    if layout.serial:  # a sheet with a 序号 column: a row with one cell filled at most
        found.update(i for i, row in enumerate(body[:last]) if row.count("") + 1 >= len(row))
    return found


def _texts_with(column: list[Any], word: str, text_in_numbers: bool = False) -> list[int]:
    """The rows of ``column`` whose text holds ``word``; with ``text_in_numbers``, every
    text of a column that is mostly not text (a 序号 column)."""
    try:
        joined = "\x1f".join(column)
    except TypeError:  # not all text
        pairs = [(i, v) for i, v in enumerate(column) if type(v) is str]
        if text_in_numbers and 2 * len(pairs) <= len(column):
            return [i for i, v in pairs if v.strip()]
        return [i for i, v in pairs if word in v]
    if word not in joined:
        return []
    return [i for i, v in enumerate(column) if word in v]
