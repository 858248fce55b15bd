"""A tolerant reader for the standard workbook.

It finds the header row itself (title rows and merged cells above it; headers as people
write them: ``headers``), finds each standard sheet under the names people give it
(``sheet_names``), stops at trailing blank rows,
recognises a 合计 row, and keeps the Excel address of every value. Values come
from python-calamine; formula error values and formulas without a cached value,
which calamine reads as blank, are recovered from the sheet XML.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import python_calamine as pc
from defusedxml import ElementTree as SafeET

from ..core.normalize import clean_text
from ..model.findings import Finding, Severity
from ..model.spec import ColumnSpec, SheetSpec, WorkbookSpec, header_key, load_workbook_spec
from ..rules.sheet import (
    BLANK_ROWS_INSIDE,
    HEADER_REPEATED,
    MERGED_CELLS,
    MISSING_FIELD,
    NO_HEADER,
    NOTE_ROW,
    SERIAL_ONLY_ROWS,
)
from ..rules.workbook import FORMAT_MISMATCH, MISSING_SHEET
from .addresses import column_letter, column_number
from .cell_markers import CellError, Uncalculated
from .guard import (
    FORMAT_LABELS,
    ODS,
    SUFFIX_FORMATS,
    XLS,
    XLSX,
    Inspection,
    ReadError,
    inspect_file,
)
from .headers import HEADER_SCAN_ROWS, find_header, header_findings
from .limits import DEFAULT_LIMITS, Limits, size_text
from .package import NS_MAIN, WORKBOOK_PART, sheet_parts
from .sheet_names import match_sheets
from .table_rows import (
    LEADING_ROWS,
    SERIAL_KEY,
    Kind,
    Layout,
    candidates,
    classify,
    is_blank_row,
    is_title,
)

MergedRange = tuple[tuple[int, int], tuple[int, int]]  # 0-based (top, left), (bottom, right)


def _if_required(column: ColumnSpec) -> Severity:
    """A missing column or field: an 错误 when it is required, else a 警告."""
    return Severity.ERROR if column.required else Severity.WARNING


@dataclass(frozen=True)
class SummedRow:
    """A 合计 or 小计 row: its Excel row, its raw values by header, and the data rows it
    covers as a slice of ``SheetData.rows`` (a 合计 covers them all)."""

    row: int
    subtotal: bool
    values: dict[str, Any]
    covers: tuple[int, int | None]


@dataclass
class SheetData:
    """One data sheet as read: raw values by column, with their Excel rows."""

    spec: SheetSpec
    name: str  # the sheet's name in the workbook
    header_row: int | None = None  # 1-based
    columns: dict[str, int] = field(default_factory=dict)  # header -> 0-based column
    rows: list[int] = field(default_factory=list)  # 1-based Excel row of each data row
    data: dict[str, list[Any]] = field(default_factory=dict)  # header -> raw values
    total_row: int | None = None  # the (last) 合计 row
    total: dict[str, Any] = field(default_factory=dict)
    header_cells: dict[str, str] = field(default_factory=dict)  # header -> its cell (A1)
    summed: list[SummedRow] = field(default_factory=list)  # every 合计 and 小计 row

    def address(self, header: str, index: int) -> str:
        return f"{column_letter(self.columns[header])}{self.rows[index]}"

    def header_address(self, header: str) -> str | None:
        if header in self.header_cells:  # a two-row header's child sits below header_row
            return self.header_cells[header]
        if header in self.columns and self.header_row:
            return f"{column_letter(self.columns[header])}{self.header_row}"
        return None


@dataclass
class CoverData:
    spec: SheetSpec
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # field name -> raw value
    cells: dict[str, str] = field(default_factory=dict)  # field name -> B-column address
    rows: dict[str, int] = field(default_factory=dict)  # field name -> 1-based row


@dataclass
class WorkbookData:
    path: str
    display: str  # the path as given, for messages
    cover: CoverData | None
    sheets: dict[str, SheetData]  # by sheet key
    findings: list[Finding]


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _formula_markers(archive: zipfile.ZipFile, part: str,
                     inspection: Inspection | None = None) -> dict[tuple[int, int], Any]:
    """(row, col) 0-based → CellError / Uncalculated, for the cells calamine reads as blank."""
    if inspection and part in inspection.scanned and part not in inspection.with_formulas:
        return {}  # the guard streamed this part already and saw no formula or error cell
    try:
        raw = archive.read(part)
    except KeyError:
        return {}
    if b't="e"' not in raw and b"<f" not in raw:
        return {}
    markers: dict[tuple[int, int], Any] = {}
    for _, elem in SafeET.iterparse(io.BytesIO(raw), events=("end",)):
        if elem.tag != f"{NS_MAIN}c":
            continue
        ref = _CELL_REF.match(elem.get("r", ""))
        value = elem.find(f"{NS_MAIN}v")
        formula = elem.find(f"{NS_MAIN}f")
        if ref:
            key = (int(ref[2]) - 1, column_number(ref[1].encode()) - 1)
            if elem.get("t") == "e" and value is not None and value.text:
                markers[key] = CellError(value.text)
            elif (formula is not None and (value is None or value.text is None)
                  and (formula.text or formula.get("t") != "shared")):
                markers[key] = Uncalculated(formula.text or "")
        elem.clear()
    return markers


def _grid(book: pc.CalamineWorkbook, name: str, path: str = "", fmt: str = XLSX,
          merged: dict[str, list[MergedRange] | None] | None = None
          ) -> tuple[list[list[Any]], int, int]:
    """The values of sheet ``name``; its merged ranges into ``merged`` (None where calamine
    gives none: an .ods, whose ranges ``_ods_merged`` reads)."""
    try:
        sheet = book.get_sheet_by_name(name)
    except pc.CalamineError:
        if fmt != XLSX:
            raise
        # e.g. a newer error value (#SPILL!, #CALC!) that calamine refuses: read this sheet
        # with openpyxl instead, slower but complete
        return _grid_openpyxl(path, name)
    if merged is not None:
        ranges = sheet.merged_cell_ranges  # None: not read for this format (ods)
        merged[name] = None if ranges is None else list(ranges)
    rows = sheet.to_python()
    start = sheet.start or (0, 0)
    return rows, start[0], start[1]


def _grid_openpyxl(path: str, name: str) -> tuple[list[list[Any]], int, int]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book[name]
        sheet.reset_dimensions()
        grid: list[list[Any]] = []
        for row in sheet.iter_rows():
            grid.append([
                CellError(str(c.value)) if getattr(c, "data_type", None) == "e"
                else ("" if c.value is None else c.value)
                for c in row
            ])
    finally:
        book.close()
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid], 0, 0


def _open(path: str, display: str, limits: Limits
          ) -> tuple[pc.CalamineWorkbook, Inspection]:
    inspection = inspect_file(path, display, limits)
    with _as_read_error(path, display, limits):
        if path.lower().endswith(CALAMINE_SUFFIXES[inspection.format]):
            return pc.CalamineWorkbook.from_path(path), inspection
        # calamine's from_path goes by the extension; read by the content instead
        with open(path, "rb") as handle:
            return pc.CalamineWorkbook.from_filelike(handle), inspection


# The extensions by which calamine's ``from_path`` picks each format.
CALAMINE_SUFFIXES = {XLSX: (".xlsx", ".xlsm", ".xlam"), XLS: (".xls", ".xla"), ODS: (".ods",)}


@contextlib.contextmanager
def _as_read_error(path: str, display: str, limits: Limits) -> Iterator[None]:
    """Whatever goes wrong inside becomes a ``ReadError`` naming the file (``_failure``);
    PanicException, raised by calamine on some broken files, derives from BaseException."""
    try:
        yield
    except ReadError:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _failure(exc, path, display, limits) from exc


def _failure(exc: BaseException, path: str, display: str, limits: Limits) -> ReadError:
    """What an exception raised while reading means for the clerk: an encrypted file, the
    memory limit reached, a file that vanished after it was inspected, or a damaged file."""
    if isinstance(exc, pc.PasswordError):
        return ReadError("file_encrypted", file=display)
    if isinstance(exc, MemoryError):
        return ReadError("file_crashed", file=display, limit=size_text(limits.max_memory_bytes))
    if isinstance(exc, OSError) and not os.path.lexists(path):
        return ReadError("file_missing", file=display)
    return ReadError("file_corrupt", file=display, detail=_short(exc))


def _short(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0][:160]}" if message else type(exc).__name__


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())




def table_from_grid(grid: list[list[Any]], row0: int, col0: int,
                    markers: dict[tuple[int, int], Any], name: str, spec: SheetSpec,
                    display: str, findings: list[Finding],
                    merged: list[MergedRange] | None = None) -> SheetData:
    """One data sheet from its grid of values: ``grid[0][0]`` is the cell at 0-based
    (``row0``, ``col0``); blank cells are ``""``. ``markers`` maps 0-based (row, col) of
    the workbook to ``CellError``/``Uncalculated`` for cells the grid shows as blank;
    ``merged`` lists the merged ranges of the sheet, 0-based ((top, left), (bottom, right))."""
    sheet = SheetData(spec, name)
    header = find_header(grid, spec)  # reading/headers.py: one row or two, as written
    if header is None:
        findings.append(NO_HEADER.finding(display, name, params={
            "rows": HEADER_SCAN_ROWS, "expected": "、".join(spec.headers)}))
        return sheet
    found = header.columns  # a column whose header's unit contradicts the standard: unread
    sheet.header_row = header.first + row0 + 1
    sheet.columns = {h: c + col0 for h, c in found.items()}
    sheet.header_cells = {h: f"{column_letter(c + col0)}{r + row0 + 1}"
                          for h, (r, c, _) in header.cells.items() if h in found}
    findings.extend(header_findings(header, spec, display, name, row0, col0))
    first = header.last + 1  # index in grid of the first data row
    body = grid[first:]
    markers = {(r, c): m for (r, c), m in markers.items() if r - row0 >= first and c >= col0}
    widths = set(map(len, body))
    if markers or len(widths) > 1:
        # formula-only cells may lie outside calamine's grid, and a grid may come ragged
        # (none of our readers gives one): bring every row to one width
        width = max([*widths, *(c - col0 + 1 for _, c in markers)], default=0)
        height = max((r - row0 - first + 1 for r, _ in markers), default=0)
        body = [list(row) + [""] * (width - len(row)) for row in body]
        body += [[""] * width for _ in range(height - len(body))]
    by_row: dict[int, list[tuple[int, Any]]] = {}  # body row -> (body column, marker)
    for (r, c), marker in markers.items():
        by_row.setdefault(r - row0 - first, []).append((c - col0, marker))
    marked_rows = set(by_row)
    last = len(body)
    while last and is_blank_row(body[last - 1]) and (last - 1) not in marked_rows:
        last -= 1
    top = grid[header.first]  # the header's first row (a two-row header's parents)
    layout = Layout(tuple(sorted(found.values())),
                    tuple(found[c.name] for c in spec.columns
                          if c.key == SERIAL_KEY and c.name in found),
                    frozenset(header_key(c.name) for c in spec.columns),
                    max(2, len(spec.columns) // 2),
                    top[0].strip() if top and type(top[0]) is str else "")
    rows = _Rows(body, last, by_row, layout)
    # the rows that may be other than plain data (with a marker, a candidate of
    # ``table_rows.candidates``, under the header, at the end and above each 合计 / 小计);
    # the others (nearly all) are data and never looked at one by one
    for offset in sorted(marked_rows | candidates(body, last, layout)):
        if offset < last:
            rows.kind(offset)
    rows.leading()
    rows.before(last)
    for offset in [o for o, k in rows.kinds.items() if k in (Kind.TOTAL, Kind.SUBTOTAL)]:
        rows.before(offset)
    for offset in [o for o, k in rows.kinds.items() if k is Kind.HEADER]:
        if offset and rows.is_data(offset - 1) and is_title(rows.row(offset - 1)):
            rows.kinds[offset - 1] = Kind.TITLE
    spans = _merged_data(merged or [], rows, row0 + first, col0)
    kept: list[list[Any]] = []
    blank_inside = 0
    since = 0  # index in kept of the first data row a 小计 covers
    serial_only: list[int] = []
    long_text: list[int] = []
    headers: list[int] = []  # Excel rows of the header repeated
    kinds = rows.kinds
    last_data = last - 1
    while last_data >= 0 and kinds.get(last_data, Kind.DATA) is not Kind.DATA:
        last_data -= 1
    base = first + row0 + 1  # Excel row of body[0]
    done = 0  # body rows up to here are placed
    for offset in sorted(o for o in kinds if o < last):
        kind = kinds[offset]
        if done < offset:  # the plain data rows in between, as they are
            kept.extend(body[done:offset])
            sheet.rows.extend(range(base + done, base + offset))
        done = offset + 1
        row = rows.row(offset)
        excel_row = base + offset
        if kind is Kind.DATA:
            sheet.rows.append(excel_row)
            kept.append(row)
        elif kind is Kind.TOTAL or kind is Kind.SUBTOTAL:
            values = {h: (row[c] if c < len(row) else None) for h, c in found.items()}
            covers = (0, None) if kind is Kind.TOTAL else (since, len(kept))
            sheet.summed.append(SummedRow(excel_row, kind is Kind.SUBTOTAL, values, covers))
            since = len(kept)
            if kind is Kind.TOTAL:
                sheet.total_row, sheet.total = excel_row, values
        elif kind is Kind.BLANK:
            blank_inside += offset < last_data
        elif kind is Kind.SERIAL_ONLY:
            serial_only.append(offset)
        elif kind is Kind.LONG_TEXT:
            long_text.append(offset)
        elif kind is Kind.HEADER:
            headers.append(excel_row)
    if done < last:
        kept.extend(body[done:last])
        sheet.rows.extend(range(base + done, base + last))
    if blank_inside:
        findings.append(BLANK_ROWS_INSIDE.finding(display, name,
                                                  params={"count": blank_inside}))
    if serial_only:
        top, bottom = base + serial_only[0], base + serial_only[-1]
        cell = f"{column_letter(layout.serial[0] + col0)}{top}"
        findings.append(SERIAL_ONLY_ROWS.finding(display, name, cell, top, params={
            "count": len(serial_only), "first": top, "last": bottom}))
    for excel_row in headers[:1]:
        findings.append(HEADER_REPEATED.finding(
            display, name, f"{column_letter(layout.columns[0] + col0)}{excel_row}", excel_row,
            params={"row": excel_row, "header": sheet.header_row, "count": len(headers)}))
    for offset in long_text[:1]:
        excel_row = base + offset
        c, text = next((c, v) for c, v in enumerate(rows.row(offset)) if not _blank(v))
        findings.append(NOTE_ROW.finding(display, name, f"{column_letter(c + col0)}{excel_row}",
                                         excel_row, value=text, params={
                                             "count": len(long_text), "text": _excerpt(text)}))
    for span in spans:
        findings.append(MERGED_CELLS.finding(display, name, span.cell, span.row,
                                             column=_header_at(found, span.column - col0),
                                             value=span.value,
                                             params={"range": span.range,
                                                     "value": _excerpt(span.value)}))
    width = len(kept[0]) if kept else 0
    sheet.data = {h: (list(map(itemgetter(c), kept)) if c < width else [None] * len(kept))
                  for h, c in found.items()}
    return sheet


def _excerpt(value: Any, length: int = 20) -> str:
    text = str(value).strip()
    return text if len(text) <= length else text[:length] + "…"


def _header_at(found: dict[str, int], column: int) -> str | None:
    return next((h for h, c in found.items() if c == column), None)


class _Rows:
    """The body's rows as the classification sees them (markers filled in), and the kind
    of each row looked at (a row never looked at is data)."""

    def __init__(self, body: list[list[Any]], last: int,
                 by_row: dict[int, list[tuple[int, Any]]], layout: Layout) -> None:
        self.body, self.last, self.by_row, self.layout = body, last, by_row, layout
        self.kinds: dict[int, Kind] = {}
        self.fixed: dict[int, list[Any]] = {}

    def row(self, offset: int) -> list[Any]:
        if offset in self.fixed:
            return self.fixed[offset]
        row = self.body[offset]
        if offset in self.by_row:
            row = list(row)
            for c, marker in self.by_row[offset]:
                if _blank(row[c]):
                    row[c] = marker
        self.fixed[offset] = row
        return row

    def kind(self, offset: int, leading: bool = False) -> Kind:
        if offset not in self.kinds:
            self.kinds[offset] = classify(self.row(offset), self.layout, leading)
        return self.kinds[offset]

    def is_data(self, offset: int) -> bool:
        return self.kind(offset) is Kind.DATA

    def leading(self) -> None:
        """The rows under the header up to the first data row, where a 栏次 row stands."""
        for offset in range(min(LEADING_ROWS, self.last)):
            self.kinds.pop(offset, None)
            if self.kind(offset, leading=True) is Kind.DATA:
                break

    def before(self, end: int) -> None:
        """The rows above ``end`` up to the nearest data row (pre-numbered rows, notes and
        blank rows gather at the end of a table and before its 合计 / 小计 rows)."""
        offset = end - 1
        while offset >= 0 and not self.is_data(offset):
            offset -= 1


@dataclass(frozen=True)
class _Span:
    cell: str  # the merged range's top-left cell
    row: int
    column: int  # 0-based column of the workbook
    range: str
    value: Any


def _merged_data(merged: list[MergedRange], rows: _Rows, top: int, col0: int) -> list[_Span]:
    """Fill the cells merged away under a data row's value: a value merged over several
    rows is the value of each data row it covers. ``top``: 0-based row of ``body[0]``."""
    spans: list[_Span] = []
    for (r1, c1), (r2, c2) in sorted(merged):
        start, stop = r1 - top, min(r2 - top, rows.last - 1)
        c = c1 - col0
        if r2 <= r1 or start < 0 or start >= stop or c < 0 or not rows.is_data(start):
            continue  # one row, or not in the data (title, header, notes below the table)
        value = rows.row(start)[c] if c < len(rows.row(start)) else ""
        if _blank(value):
            continue
        filled = False
        for offset in range(start + 1, stop + 1):
            if not rows.is_data(offset):
                continue
            row = rows.row(offset)
            if c < len(row) and _blank(row[c]):
                if row is rows.body[offset]:
                    row = rows.fixed[offset] = list(row)
                row[c] = value
                filled = True
        if filled:
            ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            spans.append(_Span(f"{column_letter(c1)}{r1 + 1}", r1 + 1, c1, ref, value))
    return spans


def _cover_label(text: str) -> tuple[str, str | None]:
    """A 封面 cell's label as compared (``header_key``, without the colon a clerk adds:
    填报单位： / 填报单位:) and the value typed after that colon in the same cell, if any
    (填报单位：泷泊镇 → 泷泊镇)."""
    cleaned = clean_text(text)  # NFKC: a full-width colon is ":" from here on
    label, colon, rest = cleaned.partition(":")
    rest = rest.strip()
    return header_key(label), (rest if colon and rest else None)


def cover_from_grid(grid: list[list[Any]], row0: int, col0: int, name: str, spec: SheetSpec,
                    display: str, findings: list[Finding]) -> CoverData:
    """The 封面 key/value sheet from its grid of values (as ``table_from_grid``). A label
    may end with a colon or hold spaces (填 报 单 位：), and may hold its value after the
    colon (填报单位：泷泊镇: the value's cell is the label's); rows above the fields (a
    title) are passed over (docs/real-workbooks.md, 封面)."""
    cover = CoverData(spec, name)
    wanted = {header_key(c.name): c.name for c in spec.columns}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            label, inline = _cover_label(value)
            if label not in wanted or (inline is None and c + 1 >= len(row)):
                continue
            field_name = wanted[label]
            at = c if inline is not None else c + 1  # the value's cell
            cover.values[field_name] = inline if inline is not None else row[at]
            cover.rows[field_name] = r + row0 + 1
            cover.cells[field_name] = f"{column_letter(at + col0)}{r + row0 + 1}"
            break
    for column in spec.columns:
        if column.name not in cover.values and not column.optional_field:
            findings.append(MISSING_FIELD.finding(display, name, column=column.name,
                                                  params={"column": column.name},
                                                  severity=_if_required(column)))
    return cover


@dataclass
class Loaded:
    """What the first phase of reading a file gives: the grid of every sheet the checks
    need, and the error and uncalculated-formula cells of each data sheet."""

    sheet_names: list[str]
    grids: dict[str, Grid]
    markers: dict[str, dict[tuple[int, int], Any]]
    format: str = XLSX  # what the content is (guard.XLSX / XLS / ODS)
    merged: dict[str, list[MergedRange]] = field(default_factory=dict)  # 0-based, by sheet


def load_sheets(path: str, display: str, spec: WorkbookSpec | None = None,
                limits: Limits = DEFAULT_LIMITS, every_sheet: bool = False) -> Loaded:
    """Inspect the file (``guard``), then parse every sheet the checks need (with
    ``every_sheet``: every sheet, with the markers of each) with calamine while another
    thread scans the sheets' XML for the cells calamine reads as blank (calamine's parsing
    and zlib both run without holding the interpreter lock)."""
    spec = spec or load_workbook_spec()
    book, inspection = _open(path, display, limits)
    with contextlib.closing(book), _as_read_error(path, display, limits):
        needed = needed_sheets(book.sheet_names, spec)
        tables = [name for sheet, name in needed if name and sheet.kind == "table"]
        names = [name for _, name in needed if name]
        if every_sheet:
            names = tables = list(book.sheet_names)
        with ThreadPoolExecutor(1, thread_name_prefix="xl-addin-markers") as pool:
            scan = pool.submit(_all_markers, path, tables, inspection)
            merged: dict[str, list[MergedRange] | None] = {}
            grids = {name: _grid(book, name, path, inspection.format, merged) for name in names}
            markers = scan.result()
        return Loaded(list(book.sheet_names), grids, markers, inspection.format,
                      _ods_merged(path, merged))


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_merged(path: str, merged: dict[str, list[MergedRange] | None]
                ) -> dict[str, list[MergedRange]]:
    """``merged`` with the ranges calamine does not give (None: an OpenDocument sheet) read
    from ``content.xml``: the cells with ``table:number-rows-spanned`` or
    ``-columns-spanned``, at 0-based positions counted over repeated rows and cells."""
    wanted = {name for name, ranges in merged.items() if ranges is None}
    out = {name: ranges for name, ranges in merged.items() if ranges}
    if not wanted:
        return out
    t = _ODS_TABLE
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            table: str | None = None
            row = col = 0
            for event, elem in SafeET.iterparse(content, events=("start", "end")):
                tag = elem.tag
                if tag == f"{t}table":
                    table, row = (elem.get(f"{t}name"), 0) if event == "start" else (None, 0)
                elif tag == f"{t}table-row":
                    if event == "start":
                        col = 0
                    else:
                        row += int(elem.get(f"{t}number-rows-repeated", "1"))
                        elem.clear()  # every sheet's rows, so that memory stays flat
                elif table not in wanted:
                    continue
                elif tag in (f"{t}table-cell", f"{t}covered-table-cell") and event == "end":
                    rows = int(elem.get(f"{t}number-rows-spanned", "1"))
                    cols = int(elem.get(f"{t}number-columns-spanned", "1"))
                    if table is not None and (rows > 1 or cols > 1):
                        out.setdefault(table, []).append(
                            ((row, col), (row + rows - 1, col + cols - 1)))
                    col += int(elem.get(f"{t}number-columns-repeated", "1"))
    except (KeyError, OSError, zipfile.BadZipFile, SafeET.ParseError, ValueError):
        pass  # no content.xml, or one that cannot be read: no ranges (cells read as blank)
    return out


def _all_markers(path: str, names: list[str], inspection: Inspection
                 ) -> dict[str, dict[tuple[int, int], Any]]:
    """The error and uncalculated-formula cells of the sheets ``names``, by the format:
    an .xlsx's sheet XML, an .xls's BIFF records (xlrd), an .ods's content.xml (the guard
    collected them already)."""
    if inspection.format == ODS:
        return {name: inspection.ods_markers.get(name, {}) for name in names}
    if inspection.format == XLS:
        return _xls_markers(path, names)
    try:
        archive = zipfile.ZipFile(path)
    except Exception:
        return {}
    with archive:
        try:
            parts = sheet_parts(archive, inspection.workbook_part or WORKBOOK_PART)
        except Exception:
            return {}
        return {name: _formula_markers(archive, parts[name], inspection)
                for name in names if name in parts}


def _xls_markers(path: str, names: list[str]) -> dict[str, dict[tuple[int, int], Any]]:
    """The error cells of an .xls (calamine reads them as blank), from xlrd: a BIFF cell
    or formula result of the error type. A BIFF formula always stores its last result, so
    an .xls has no uncalculated formula to find."""
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True, formatting_info=False,
                                  logfile=io.StringIO())
    except Exception:
        return {}
    found: dict[str, dict[tuple[int, int], Any]] = {}
    try:
        for name in names:
            try:
                sheet = book.sheet_by_name(name)
            except Exception:
                continue
            markers: dict[tuple[int, int], Any] = {}
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                if xlrd.XL_CELL_ERROR not in types:
                    continue
                for c, kind in enumerate(types):
                    if kind == xlrd.XL_CELL_ERROR:
                        code = xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#VALUE!")
                        markers[(r, c)] = CellError(code)
            found[name] = markers
    except Exception:
        return found
    finally:
        book.release_resources()
    return found


def read_workbook(path: str | os.PathLike[str], display: str | None = None,
                  spec: WorkbookSpec | None = None, limits: Limits = DEFAULT_LIMITS
                  ) -> WorkbookData:
    """Read a standard workbook. Raises ``ReadError`` when the file cannot be read at all;
    everything else becomes a finding."""
    spec = spec or load_workbook_spec()
    path = str(path)
    display = display or path
    loaded = load_sheets(path, display, spec, limits)
    with _as_read_error(path, display, limits):
        data = read_grids(loaded.sheet_names, loaded.grids.pop, display, spec,  # freed once read
                          lambda name: loaded.markers.get(name, {}),
                          lambda name: loaded.merged.get(name, []))
    data.path = path
    promised = SUFFIX_FORMATS.get(os.path.splitext(display)[1].lower())
    if promised and promised != loaded.format:
        data.findings.insert(0, FORMAT_MISMATCH.finding(display, params={
            "file": display, "suffix": os.path.splitext(display)[1],
            "actual": FORMAT_LABELS[loaded.format]}))
    return data


def needed_sheets(sheet_names: list[str], spec: WorkbookSpec
                  ) -> list[tuple[SheetSpec, str | None]]:
    """Each sheet of the standard workbook that the checks read (not 汇总, which is
    recomputed), with its name in the workbook, or None when the workbook lacks it
    (``sheet_names.match_sheets``: spaces, synonyms, copies)."""
    return [(m.spec, m.name) for m in match_sheets(sheet_names, spec)]


Grid = tuple[list[list[Any]], int, int]  # values, 0-based row and column of values[0][0]


def read_grids(sheet_names: list[str], load: Callable[[str], Grid], display: str,
               spec: WorkbookSpec | None = None,
               markers: Callable[[str], dict[tuple[int, int], Any]] | None = None,
               merged: Callable[[str], list[MergedRange]] | None = None
               ) -> WorkbookData:
    """Read a standard workbook sheet by sheet: ``load(name)`` returns the grid of one sheet
    (from a file, or the values of a workbook open in Excel) and is called once for each
    sheet the checks need, and never for the others; ``markers(name)`` gives the error and
    uncalculated-formula cells a grid reads as blank; ``merged(name)`` the merged ranges."""
    spec = spec or load_workbook_spec()
    findings: list[Finding] = []
    cover = None
    sheets: dict[str, SheetData] = {}
    for match in match_sheets(sheet_names, spec):
        sheet_spec, actual = match.spec, match.name
        findings += match.findings(display)  # a sheet found under another name
        if actual is None:
            findings.append(MISSING_SHEET.finding(display, sheet_spec.sheet,
                                                  params={"sheet": sheet_spec.sheet}))
            continue
        grid, row0, col0 = load(actual)
        if sheet_spec.kind == "keyvalue":
            cover = cover_from_grid(grid, row0, col0, actual, sheet_spec, display, findings)
        else:
            sheets[sheet_spec.key] = table_from_grid(
                grid, row0, col0, markers(actual) if markers else {}, actual, sheet_spec,
                display, findings, merged(actual) if merged else None)
    return WorkbookData(display, display, cover, sheets, findings)


__all__ = ["Grid", "MergedRange", "ReadError", "SheetData", "SummedRow", "WorkbookData",
           "column_letter", "cover_from_grid", "read_grids", "read_workbook", "table_from_grid"]
