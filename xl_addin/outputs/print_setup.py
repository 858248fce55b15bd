"""How a sheet the tool writes prints: A4 landscape, one page wide (as many pages tall as
it takes), its header rows repeated on every page, a page header naming the township or
county, the sheet and the date, page numbers in the footer, and on the template's data
sheets the signature line (填报人 / 审核人 / 单位负责人（盖章）) in the footer, so that it prints
on every page of every sheet, whatever the number of rows the clerk fills in.
Decisions: docs/architecture.md ("What the county prints")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.worksheet.page import PageMargins

from ..core.messages import Lang, text

A4 = 9  # the paperSize code of A4 (ECMA-376 Part 1, 18.3.1.63)
TITLE_SIZE = 12
FOOTER_SIZE = 9


def header_text(value: str) -> str:
    """A literal text in a page header or footer: ``&`` starts a code there."""
    return value.replace("&", "&&")


def apply_print_setup(ws: Any, unit: str, day: dt.date | None, *, header_rows: int = 1,
                      signature: bool = False, lang: Lang = "zh") -> None:
    """Set up ``ws`` (an openpyxl worksheet) for printing; ``unit`` is the township or the
    county, ``day`` the 统计日期. Repeated rows already set on the sheet (a sheet whose
    header is not its first row) are kept."""
    setup = ws.page_setup
    setup.paperSize = A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.8, bottom=0.8, header=0.3,
                                  footer=0.3)
    if not ws.print_title_rows and header_rows > 0:
        ws.print_title_rows = f"1:{header_rows}"
    title = text("print_title", lang, unit=unit, sheet=ws.title,
                 date=day.isoformat() if day else "—")
    ws.oddHeader.center.text = header_text(title)
    ws.oddHeader.center.size = TITLE_SIZE
    ws.oddFooter.right.text = text("print_page", lang)
    ws.oddFooter.right.size = FOOTER_SIZE
    if signature:
        ws.oddFooter.left.text = header_text(text("print_signature", lang))
        ws.oddFooter.left.size = FOOTER_SIZE
