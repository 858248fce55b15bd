"""Habits of the area 'headers': units, line breaks, spaces, two-row headers, synonyms
(see __init__.py)."""

from __future__ import annotations

from openpyxl.workbook import Workbook

from . import Habit


def _header_spaces(book: Workbook) -> None:
    book["规模工业企业"]["B1"] = " 企业 名称 "  # spaces typed around and inside


HABITS: list[Habit] = [
    Habit("header_spaces", "a header typed with spaces around and inside", _header_spaces),
]
