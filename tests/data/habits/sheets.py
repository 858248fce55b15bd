"""Habits of the area 'sheets': sheet names as people write them (see __init__.py).
Decisions: docs/real-workbooks.md, "Sheet names"."""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.workbook import Workbook

from . import Expect, Habit

ENTERPRISES = "规模工业企业"


def _rename(old: str, new: str) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        book[old].title = new
    return edit


def _copy_beside(book: Workbook) -> None:
    """Excel's Move or Copy… → Create a copy: the copy is named 规模工业企业 (2), its values
    those of the original, and placed right after it."""
    copy = book.copy_worksheet(book[ENTERPRISES])
    copy.title = f"{ENTERPRISES} (2)"
    book.move_sheet(copy, book.index(book[ENTERPRISES]) + 1 - book.index(copy))


def _copy_edited_beside(book: Workbook) -> None:
    """The copy is where the clerk kept typing: which one is the report? The exact name is
    read, and the 错误 names both."""
    _copy_beside(book)
    book[f"{ENTERPRISES} (2)"]["H2"] = 999


HABITS: list[Habit] = [
    Habit("sheet_guishang", "规模工业企业 renamed 规上工业企业",
          _rename(ENTERPRISES, "规上工业企业"),
          (Expect.of("sheet_name_tolerated", "规上工业企业", None, "warning",
                     standard=ENTERPRISES, found="规上工业企业"),)),
    Habit("sheet_guimo_yishang", "规模工业企业 renamed 规模以上工业企业",
          _rename(ENTERPRISES, "规模以上工业企业"),
          (Expect.of("sheet_name_tolerated", "规模以上工业企业", None, "warning",
                     standard=ENTERPRISES),)),
    Habit("sheet_trailing_space", "a space typed after the sheet name",
          _rename(ENTERPRISES, f"{ENTERPRISES} "),
          (Expect.of("sheet_name_tolerated", f"{ENTERPRISES} ", None, "warning",
                     standard=ENTERPRISES, found=f"{ENTERPRISES} "),)),
    Habit("sheet_copy_alone", "the sheet is Excel's copy 规模工业企业 (2), the original deleted",
          _rename(ENTERPRISES, f"{ENTERPRISES} (2)"),
          (Expect.of("sheet_name_tolerated", f"{ENTERPRISES} (2)", None, "warning",
                     standard=ENTERPRISES),)),
    Habit("sheet_copy_beside", "a copy 规模工业企业 (2) beside the original", _copy_beside,
          (Expect.of("sheet_ambiguous", ENTERPRISES, None, "error", standard=ENTERPRISES,
                     first=ENTERPRISES, second=f"{ENTERPRISES} (2)", used=ENTERPRISES),)),
    Habit("sheet_copy_edited_beside", "a copy beside the original, its figures changed",
          _copy_edited_beside,
          (Expect.of("sheet_ambiguous", ENTERPRISES, None, "error", standard=ENTERPRISES,
                     used=ENTERPRISES),)),
    Habit("sheet_synonym_and_copy", "小微企业 missing, 中小微企业 present and a copy of it",
          lambda book: (_rename("小微企业", "中小微企业")(book),
                        setattr(book.copy_worksheet(book["中小微企业"]), "title", "中小微企业(2)")),
          (Expect.of("sheet_ambiguous", "中小微企业", None, "error", standard="小微企业",
                     used="中小微企业", second="中小微企业(2)"),)),
]
