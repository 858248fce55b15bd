"""Excel without Excel, for the ribbon tests.

- ``payload(wb)``: the JSON an Office.js Excel client sends to xlwings for an open workbook
  (every sheet's values from A1 to the end of its used range as 2-D lists, dates as ISO
  strings, errors as their text, blank cells as "", the used range's address, the cells
  that have a note). ``xw.Book(json=payload(wb))`` is a real xlwings Book on the remote
  interpreter.
- ``desktop_reads()``: xlwings' remote engine cannot read a fill colour or a note's text
  synchronously (only Excel answers those, which the desktop COM engine asks). Inside this
  context, ``Range.color`` and ``Note.text`` answer from the workbook the payload was made
  of — what desktop Excel would answer — and nothing else is changed.
- ``apply_actions(wb, actions)``: applies the actions a Book returns (``book.json()``) to an
  openpyxl workbook the way Excel does, for the action types the ribbon uses; any other
  action, or a text value Excel would reinterpret, fails the test.
- ``snapshot(wb)``: everything about a workbook the tests compare (sheets and their order
  and visibility; every cell's value or formula, number format, fill, font and note).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook import Workbook

LICENSE = {"XLWINGS_LICENSE_KEY": "noncommercial"}  # xlwings' remote interpreter (PolyForm NC)
FILLS_KEY = "_test_desktop_fills"  # emulation data, see desktop_reads()
NOTES_KEY = "_test_desktop_notes"


def load(path: str | Path) -> tuple[Workbook, Workbook]:
    """A workbook (formulas) and its cached values, as two openpyxl workbooks."""
    data = Path(path).read_bytes()
    return (openpyxl.load_workbook(io.BytesIO(data)),
            openpyxl.load_workbook(io.BytesIO(data), data_only=True))


def _sent(value: Any, *, floats: bool) -> Any:
    """One cell as the Office.js client sends it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value) if floats else value
    return str(value)


def _used_range(ws: Any) -> tuple[int, int, int, int] | None:
    cells = [c for row in ws.iter_rows() for c in row
             if c.value is not None or c.has_style or c.comment is not None]
    if not cells:
        return None
    return (min(c.row for c in cells), min(c.column for c in cells),
            max(c.row for c in cells), max(c.column for c in cells))


def _fill_hex(cell: Any) -> str | None:
    fill = cell.fill
    if fill is None or fill.patternType is None:
        return None
    rgb = fill.fgColor.rgb if fill.fgColor is not None else None
    if fill.patternType != "solid" or not isinstance(rgb, str):
        return "unsupported"  # a theme colour or a pattern: reading it fails the test
    return "#" + rgb[-6:].lower()


def payload(wb: Workbook, values: Workbook | None = None, *, name: str = "Book1.xlsx",
            floats: bool = False) -> dict[str, Any]:
    """The payload of ``wb``; formula cells send their cached value from ``values`` (the
    same workbook loaded with ``data_only``), or "" when there is none. ``floats``: every
    number as a float, as the desktop COM engine returns them."""
    sheets = []
    for ws in wb.worksheets:
        cached = values[ws.title] if values is not None and ws.title in values else None
        used = _used_range(ws)
        rows: list[list[Any]] = [[]]
        notes, fills, note_texts = [], {}, {}
        if used:
            r1, c1, r2, c2 = used
            rows = []
            for r in range(1, r2 + 1):
                row = []
                for c in range(1, c2 + 1):
                    cell = ws.cell(r, c)
                    value = cell.value
                    if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")
                                                 and cell.data_type != "s"):
                        value = cached.cell(r, c).value if cached is not None else None
                    row.append(_sent(value, floats=floats))
                rows.append(row)
            for row_cells in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
                for cell in row_cells:
                    if cell.comment is not None:
                        notes.append({"address": f"${cell.column_letter}${cell.row}"})
                        note_texts[cell.coordinate] = cell.comment.text
                    if cell.has_style and cell.fill.patternType is not None:
                        fills[cell.coordinate] = cell.fill
            address = (f"${get_column_letter(c1)}${r1}" if (r1, c1) == (r2, c2) else
                       f"${get_column_letter(c1)}${r1}:${get_column_letter(c2)}${r2}")
        else:
            address = None
        sheets.append({
            "name": ws.title, "values": rows, "used_range_address": address,
            "pictures": [], "tables": [], "shapes": [], "charts": [], "notes": notes,
            "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
            "show_gridlines": True, "pivot_tables": [], "print_area": None,
            FILLS_KEY: {k: v for k, v in ((k, _fill_hex(ws[k])) for k in fills) if v},
            NOTES_KEY: note_texts,
        })
    active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": active, "selection": "A1"},
            "names": [], "sheets": sheets}


def ensure_remote_engine() -> None:
    """xlwings registers its remote engine at ``import xlwings`` only when the licence key
    is already set; register it when xlwings was imported before the key was (call with
    the key in the environment)."""
    try:
        xw.engines["remote"]
    except (xw.LicenseError, KeyError):
        from xlwings.pro import _xlremote

        xw.engines.add(xw.Engine(impl=_xlremote.engine))


def book(wb: Workbook, values: Workbook | None = None, **options: Any) -> xw.Book:
    return xw.Book(json=payload(wb, values, **options))


def _remote() -> Any:
    from xlwings.pro import _xlremote

    return _xlremote


@contextlib.contextmanager
def desktop_reads() -> Iterator[None]:
    """``Range.color`` and ``Note.text`` answer as desktop Excel would (see module doc)."""
    _xlremote = _remote()
    color_prop = _xlremote.Range.color
    text_prop = _xlremote.Note.text

    def color(self: Any) -> tuple[int, int, int] | None:
        key = self.address.replace("$", "")
        found = self.sheet.api.get(FILLS_KEY, {}).get(key)
        if found is None:
            return None
        assert found != "unsupported", f"{key}: the emulation reads solid RGB fills only"
        return int(found[1:3], 16), int(found[3:5], 16), int(found[5:7], 16)

    def note_text(self: Any) -> str:
        return self.range.sheet.api.get(NOTES_KEY, {})[self.range.address.replace("$", "")]

    _xlremote.Range.color = property(color, color_prop.fset)
    _xlremote.Note.text = property(note_text, text_prop.fset)
    try:
        yield
    finally:
        _xlremote.Range.color = color_prop
        _xlremote.Note.text = text_prop


@contextlib.contextmanager
def count_reads() -> Iterator[list[tuple[str, str]]]:
    """Every read of cell values (``Range.raw_value``), as (sheet, address)."""
    _xlremote = _remote()
    prop = _xlremote.Range.raw_value
    reads: list[tuple[str, str]] = []

    def getter(self: Any) -> Any:
        reads.append((self.sheet.name, self.address))
        return prop.fget(self)

    _xlremote.Range.raw_value = property(getter, prop.fset)
    try:
        yield reads
    finally:
        _xlremote.Range.raw_value = prop


# --- applying actions -------------------------------------------------------------------------


def _cells(ws: Any, action: dict[str, Any]) -> Iterator[Any]:
    for r in range(action["row_count"]):
        for c in range(action["column_count"]):
            yield ws.cell(action["start_row"] + r + 1, action["start_column"] + c + 1)


def _cell_at(ws: Any, address: str) -> Any:
    return ws[address.replace("$", "")]


def _put(cell: Any, value: Any) -> None:
    """A value as Excel stores it when a macro assigns it."""
    if value == "" or value is None:
        cell.value = None
    elif isinstance(value, str):
        if value.startswith("'"):
            cell.value = value[1:]
            cell.data_type = "s"
            cell.quotePrefix = True
        elif value.startswith("="):
            cell.value = value
        else:
            raise AssertionError(f"{cell.coordinate}: Excel would reinterpret the text {value!r}")
    else:
        cell.value = value


def apply_actions(wb: Workbook, actions: list[dict[str, Any]]) -> list[str]:
    """Apply ``actions`` to ``wb``; returns the texts of the alerts shown."""
    alerts: list[str] = []
    for action in actions:
        func, args = action["func"], action["args"]
        position = action["sheet_position"]
        ws = wb.worksheets[position] if position is not None else None
        if func == "setValues":
            for r, row in enumerate(action["values"]):
                for c, value in enumerate(row):
                    _put(ws.cell(action["start_row"] + r + 1, action["start_column"] + c + 1),
                         value)
        elif func == "setRangeColor":
            color = args[0]
            for cell in _cells(ws, action):
                cell.fill = (PatternFill(fill_type=None) if color is None else
                             PatternFill("solid", fgColor="FF" + color.lstrip("#").upper()))
        elif func == "addNote":
            cell = _cell_at(ws, args[0])
            assert cell.comment is None, f"addNote on {args[0]}, which has a note"
            cell.comment = Comment(args[1], "xl-addin")
        elif func == "setNoteText":
            cell = _cell_at(ws, args[0])
            assert cell.comment is not None, f"setNoteText on {args[0]}, which has no note"
            cell.comment = Comment(args[1], cell.comment.author)
        elif func == "deleteNote":
            cell = _cell_at(ws, args[0])
            assert cell.comment is not None, f"deleteNote on {args[0]}, which has no note"
            cell.comment = None
        elif func == "addSheet":
            assert args[1] not in wb.sheetnames, args[1]
            wb.create_sheet(args[1], args[0])
            wb.active = args[0]
        elif func == "sheetDelete":
            wb.remove(ws)
        elif func == "setSheetVisibility":
            ws.sheet_state = {"Hidden": "hidden", "Visible": "visible"}[args[0]]
        elif func == "setFontProperty":
            assert args[0] == "bold", args
            for cell in _cells(ws, action):
                font = copy.copy(cell.font)
                font.b = bool(args[1])
                cell.font = font
        elif func == "setColumnWidth":
            assert action["row_count"] == 1048576, "a column width is set on whole columns"
            for c in range(action["column_count"]):
                letter = get_column_letter(action["start_column"] + c + 1)
                ws.column_dimensions[letter].width = args[0]
        elif func == "alert":
            alerts.append(args[0])
        else:
            raise AssertionError(f"the ribbon sent an unexpected action {func}")
    return alerts


# --- comparing workbooks --------------------------------------------------------------------


def _fill_key(cell: Any) -> tuple[Any, ...]:
    fill = cell.fill
    if fill is None or fill.patternType is None:
        return (None,)
    return (fill.patternType, fill.fgColor.rgb, fill.fgColor.theme, fill.fgColor.tint)


def cell_state(cell: Any) -> dict[str, Any]:
    return {"value": cell.value, "format": cell.number_format, "fill": _fill_key(cell),
            "bold": bool(cell.font.b), "note": cell.comment.text if cell.comment else None}


def snapshot(wb: Workbook) -> dict[str, Any]:
    return {"order": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
            "cells": {ws.title: {c.coordinate: cell_state(c) for row in ws.iter_rows()
                                 for c in row} for ws in wb.worksheets}}


def link_target(formula: str) -> tuple[str, str]:
    """('sheet', 'C4') from =HYPERLINK("#'sheet'!C4","C4")."""
    assert formula.startswith('=HYPERLINK("#'), formula
    inner = formula[len('=HYPERLINK("#'):].split('","', 1)[0].replace('""', '"')
    sheet, cell = inner.rsplit("!", 1)
    assert sheet.startswith("'") and sheet.endswith("'"), sheet
    return sheet[1:-1].replace("''", "'"), cell


def sheet_rows(ws: Any) -> list[list[Any]]:
    _, _, max_col, max_row = range_boundaries(ws.dimensions)
    return [[ws.cell(r, c).value for c in range(1, max_col + 1)]
            for r in range(1, max_row + 1)]
