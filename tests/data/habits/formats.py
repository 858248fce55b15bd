"""Habits of the area 'formats' (see __init__.py): files saved under a name that says
another format than their content, and error values, which must be found in every format
(the tests convert each habit without ``post`` to .xls and .ods with LibreOffice).

The .xls/.ods saved under a wrong name need LibreOffice to make them: they are in
tests/test_formats_read.py."""

from __future__ import annotations

from pathlib import Path

from openpyxl.workbook import Workbook

from . import HOME, Expect, Habit, copy_as

ENTERPRISES, PROJECTS = "规模工业企业", "重点项目"


def _unchanged(book: Workbook) -> None:
    """The demo workbook as it is: only the file's name changes (``post``)."""


def _named(suffix: str):  # type: ignore[no-untyped-def]
    def rename(path: Path) -> Path:
        return copy_as(path, Path(HOME).with_suffix(suffix).name)

    return rename


def _error_in_returnees(book: Workbook) -> None:
    # 其中外地返岗人数 of the 14th enterprise: a #N/A pasted from a lookup gone wrong
    book[ENTERPRISES]["J15"] = "#N/A"


def _errors_in_two_sheets(book: Workbook) -> None:
    book[ENTERPRISES]["J3"] = "#DIV/0!"  # 其中外地返岗人数 of the 2nd enterprise
    book[PROJECTS]["H3"] = "#REF!"  # 到岗人数 of the 2nd project


MISMATCH = "file_format_mismatch"

HABITS: list[Habit] = [
    Habit("xlsx_named_xls", "an .xlsx saved (renamed) with the extension .xls", _unchanged,
          (Expect.of(MISMATCH, None, None, "warning", suffix=".xls"),),
          formats=("xlsx",), post=_named(".xls")),
    Habit("xlsx_named_ods", "an .xlsx renamed .ods", _unchanged,
          (Expect.of(MISMATCH, None, None, "warning", suffix=".ods"),),
          formats=("xlsx",), post=_named(".ods")),
    Habit("xlsx_named_xlsm", "an .xlsx renamed .xlsm (both OOXML: the same format)",
          _unchanged, (), formats=("xlsx",), post=_named(".xlsm")),
    Habit("xlsx_named_et", "an .xlsx renamed .et (WPS): .et promises no format, no warning",
          _unchanged, (), formats=("xlsx",), post=_named(".et")),
    Habit("error_value_in_a_count", "a #N/A in 其中外地返岗人数 (not a county figure)",
          _error_in_returnees, (Expect.of("formula_error", ENTERPRISES, "J15", "error"),)),
    Habit("error_values_in_two_sheets", "#DIV/0! among the enterprises, #REF! in a project's "
          "到岗人数", _errors_in_two_sheets,
          (Expect.of("formula_error", ENTERPRISES, "J3", "error"),
           Expect.of("formula_error", PROJECTS, "H3", "error")),
          clean=False),
]
