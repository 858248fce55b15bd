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
from ..rules.sheet import BLANK_ROWS_INSIDE, MISSING_FIELD, NO_HEADER
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

TOTAL_LABELS = frozenset({"合计", "总计", "合计:", "总合计"})


def _if_required(column: ColumnSpec) -> Severity:
    """A missing column or field: an 错误 when it is required, else a 警告."""
    return Severity.ERROR if column.required else Severity.WARNING


@dataclass
class SheetData:
    """One data sheet as read: raw values by column, with their Excel rows."""

    spec: SheetSpec
    name: str  # the sheet's name in the workbook
    header_row: int | None = None  # 1-based
    columns: dict[str, int] = field(default_factory=dict)  # header -> 0-based column
    rows: list[int] = field(default_factory=list)  # 1-based Excel row of each data row
    data: dict[str, list[Any]] = field(default_factory=dict)  # header -> raw values
    total_row: int | None = None
    total: dict[str, Any] = field(default_factory=dict)
    header_cells: dict[str, str] = field(default_factory=dict)  # header -> its cell (A1)

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


def _grid(book: pc.CalamineWorkbook, name: str, path: str = "", fmt: str = XLSX
          ) -> tuple[list[list[Any]], int, int]:
    try:
        sheet = book.get_sheet_by_name(name)
    except pc.CalamineError:
        if fmt != XLSX:
            raise
        # e.g. a newer error value (#SPILL!, #CALC!) that calamine refuses: read this sheet
        # with openpyxl instead, slower but complete
        return _grid_openpyxl(path, name)
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


def _is_total(row: list[Any]) -> bool:
    for value in row[:4]:
        if type(value) is str and ("合" in value or "总" in value) and header_key(
                value) in TOTAL_LABELS:
            return True
    return False


def _is_blank_row(row: list[Any]) -> bool:
    first = row[0] if row else ""
    if first != "" and (type(first) is not str or first.strip()):
        return False  # the usual data row: decided by its first cell
    return row.count("") == len(row) or all(_blank(v) for v in row)


def table_from_grid(grid: list[list[Any]], row0: int, col0: int,
                    markers: dict[tuple[int, int], Any], name: str, spec: SheetSpec,
                    display: str, findings: list[Finding]) -> SheetData:
    """One data sheet from its grid of values: ``grid[0][0]`` is the cell at 0-based
    (``row0``, ``col0``); blank cells are ``""``. ``markers`` maps 0-based (row, col) of
    the workbook to ``CellError``/``Uncalculated`` for cells the grid shows as blank."""
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
    while last and _is_blank_row(body[last - 1]) and (last - 1) not in marked_rows:
        last -= 1
    kept: list[list[Any]] = []
    blank_inside = 0
    # the rows that may be other than plain data: with a marker, a 合计 label, or a blank
    # first cell; the others (nearly all) are kept as they are
    special = marked_rows | _total_candidates(body, last)
    if last and body[0]:
        special.update(i for i, v in enumerate(map(itemgetter(0), body[:last]))
                       if type(v) is str and not v.strip())
    else:
        special.update(range(last))
    for offset in range(last):
        row = body[offset]
        if offset in special:
            if offset in marked_rows:
                row = list(row)
                for c, marker in by_row[offset]:
                    if _blank(row[c]):
                        row[c] = marker
            if _is_total(row):
                sheet.total_row = first + offset + row0 + 1
                sheet.total = {h: (row[c] if c < len(row) else None) for h, c in found.items()}
                continue
            if _is_blank_row(row):
                blank_inside += 1
                continue
        sheet.rows.append(first + offset + row0 + 1)
        kept.append(row)
    if blank_inside:
        findings.append(BLANK_ROWS_INSIDE.finding(display, name,
                                                  params={"count": blank_inside}))
    width = len(kept[0]) if kept else 0
    sheet.data = {h: (list(map(itemgetter(c), kept)) if c < width else [None] * len(kept))
                  for h, c in found.items()}
    return sheet


def _total_candidates(body: list[list[Any]], last: int) -> set[int]:
    """The rows among ``body[:last]`` whose first cells hold a 合 or a 总: the only ones
    that can be a 合计 row. A column of text is searched as one string first."""
    found: set[int] = set()
    width = min(4, len(body[0]) if body else 0)
    for c in range(width):
        column = list(map(itemgetter(c), body[:last]))
        try:
            joined = "".join(column)
        except TypeError:  # not all text
            joined = "合"
        if "合" in joined or "总" in joined:
            found.update(i for i, v in enumerate(column)
                         if type(v) is str and ("合" in v or "总" in v))
    return found


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
            grids = {name: _grid(book, name, path, inspection.format) for name in names}
            markers = scan.result()
        return Loaded(list(book.sheet_names), grids, markers, inspection.format)


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
                          lambda name: loaded.markers.get(name, {}))
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
               markers: Callable[[str], dict[tuple[int, int], Any]] | None = None
               ) -> WorkbookData:
    """Read a standard workbook sheet by sheet: ``load(name)`` returns the grid of one sheet
    (from a file, or the values of a workbook open in Excel) and is called once for each
    sheet the checks need, and never for the others; ``markers(name)`` gives the error and
    uncalculated-formula cells a grid reads as blank."""
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
                display, findings)
    return WorkbookData(display, display, cover, sheets, findings)


__all__ = ["Grid", "ReadError", "SheetData", "WorkbookData", "column_letter", "cover_from_grid",
           "read_grids", "read_workbook", "table_from_grid"]
