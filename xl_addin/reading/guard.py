"""Checks made before a workbook is opened: what kind of file it is and what reading it
would cost. A file that fails gets a ``ReadError`` naming it, with a reason in Chinese.

python-calamine allocates the whole grid a sheet spans and copies shared strings into
every cell, and a Rust allocation failure aborts the process; so these checks refuse
what they can cheaply, and the batch reads every file in a worker process with a
memory and time limit for the rest (``xl_addin.validation.batch``).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree as SafeET

from ..core.errors import XlAddinError
from .addresses import column_number
from .cell_markers import ERROR_CODES, CellError, Uncalculated
from .limits import DEFAULT_LIMITS, Limits, size_text
from .package import (
    ROOT_RELS_PART,
    SHEET_TYPES,
    all_relationships,
    office_document,
    part_key,
    resolve_target,
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROLOG_LIMIT = 1024 * 1024  # an XML prolog longer than this is refused as hostile


class ReadError(XlAddinError):
    """A workbook that cannot be read at all; ``message()`` says why, naming the file."""


def _kind_of_text(head: bytes) -> str:
    if not head:
        return "空文件 / empty file"
    if head.lstrip().startswith(b"<"):
        return "XML/HTML"
    if all(32 <= b < 127 or b in b"\r\n\t" for b in head) or _is_utf8(head):
        return "CSV/文本 / text"
    return "未知格式 / unknown format"


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# The formats read, by the name the content gives them (never the file's extension).
XLSX, XLS, ODS = "xlsx", "xls", "ods"
# the names of the formats in a message of either language (a parameter, not a text)
FORMAT_LABELS = {XLSX: "Excel (.xlsx)", XLS: "Excel 97-2003 (.xls)", ODS: "OpenDocument (.ods)"}
# What an extension promises, for the ``file_format_mismatch`` warning; an extension not
# listed here (.et, none, .tmp …) promises nothing.
SUFFIX_FORMATS = {".xlsx": XLSX, ".xlsm": XLSX, ".xltx": XLSX, ".xltm": XLSX,
                  ".xls": XLS, ".xlt": XLS, ".ods": ODS, ".ots": ODS}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A BIFF2-BIFF5 worksheet or workbook saved as a bare record stream (not in a compound file):
# the first record is a BOF (0x0009, 0x0209, 0x0409 or 0x0809)
BARE_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")


def _inspect_ole(path: str, display: str) -> Inspection:
    """A compound (OLE2/CFB) file: an encrypted OOXML package, a BIFF workbook (.xls,
    and WPS's .et when it is one), or something else."""
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except Exception as exc:
        raise ReadError("file_corrupt", file=display,
                        detail=f"OLE2/CFB 复合文档: {type(exc).__name__}") from exc
    if {"encryptioninfo", "encryptedpackage"} & streams:
        raise ReadError("file_encrypted", file=display)
    if {"workbook", "book"} & streams:
        return Inspection(format=XLS)
    if "worddocument" in streams:
        detail = "Word 文档 (.doc)"
    elif path.lower().endswith((".et", ".ett")):
        detail = "WPS表格专有格式 (.et)，请在WPS中另存为 .xlsx"
    else:
        detail = "OLE2 复合文档，不含Excel工作簿"
    raise ReadError("file_not_xlsx", file=display, detail=detail)


@dataclass
class Inspection:
    """What the inspection learnt on the way, so that the reader need not look again."""

    format: str = XLSX  # XLSX, XLS or ODS: what the content is, whatever the extension
    scanned: set[str] = field(default_factory=set)  # sheet parts streamed through
    with_formulas: set[str] = field(default_factory=set)  # … that hold <f> or t="e" cells
    workbook_part: str | None = None  # an .xlsx's workbook part, from _rels/.rels
    # an .ods: sheet name -> (row, col) 0-based -> CellError / Uncalculated, from the
    # guard's one pass over content.xml
    ods_markers: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)


def inspect_file(path: str, display: str, limits: Limits = DEFAULT_LIMITS) -> Inspection:
    """Raise ``ReadError`` unless ``path`` is a workbook that can be read within limits:
    an .xlsx/.xlsm package, a BIFF8 .xls or an .ods, told apart by their content."""
    try:
        info = os.lstat(path)
    except FileNotFoundError as exc:
        raise ReadError("file_missing", file=display) from exc
    except OSError as exc:
        raise ReadError("file_unreadable", file=display, detail=exc.strerror or str(exc)) from exc
    if stat.S_ISLNK(info.st_mode):
        raise ReadError("file_symlink", file=display)
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("file_not_regular", file=display)
    if info.st_size > limits.max_file_bytes:
        raise ReadError("file_too_large", file=display, size=size_text(info.st_size),
                        limit=size_text(limits.max_file_bytes))
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise ReadError("file_unreadable", file=display, detail=exc.strerror or str(exc)) from exc
    if head.startswith(OLE2_MAGIC):
        return _inspect_ole(path, display)
    if head[:2] in BARE_BIFF and len(head) > 4 and head[3] == 0:
        raise ReadError("file_not_xlsx", file=display, detail="Excel 5.0 或更早版本的 .xls")
    if not head.startswith(b"PK\x03\x04"):
        raise ReadError("file_not_xlsx", file=display, detail=_kind_of_text(head))
    try:
        return _inspect_package(path, display, limits)
    except ReadError:
        raise
    except Exception as exc:  # a part that cannot be unpacked: bad CRC, bad deflate data …
        raise ReadError("file_corrupt", file=display,
                        detail=f"{type(exc).__name__}: {exc}"[:160]) from exc


def _package_kind(archive: zipfile.ZipFile, names: set[str], parts: set[str],
                  display: str) -> tuple[str, str | None]:
    """(XLSX or ODS, the workbook part of an .xlsx) of a zip package, or ``ReadError``."""
    if "mimetype" in names:
        mimetype = archive.read("mimetype")[:100].strip()
        if mimetype == ODS_MIMETYPE:
            return ODS, None
        if b"opendocument" in mimetype:
            raise ReadError("file_not_xlsx", file=display,
                            detail="OpenDocument 文档，不是电子表格")
    workbook = office_document(archive) if ROOT_RELS_PART in names else None
    if (workbook and workbook.lower().endswith(".bin")) or any(
            p.endswith("workbook.bin") for p in parts):
        raise ReadError("file_not_xlsx", file=display, detail="Excel 二进制工作簿 (.xlsb)")
    if workbook and part_key(workbook) in parts:
        return XLSX, workbook
    if not any(p.endswith("workbook.xml") for p in parts):
        raise ReadError("file_not_xlsx", file=display, detail="zip, 不是Excel工作簿")
    return XLSX, None


def _inspect_package(path: str, display: str, limits: Limits) -> Inspection:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("file_corrupt", file=display, detail=str(exc)[:160]) from exc
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        # a package made on Windows may separate folders with \; the workbook part may be
        # anywhere the package's relationships say (readers follow them)
        parts = {part_key(m.filename) for m in members}
        if len(members) > limits.max_parts:
            raise ReadError("file_zip_bomb", file=display, size=f"{len(members)} parts",
                            limit=f"{limits.max_parts} parts")
        kind, workbook = _package_kind(archive, names, parts, display)
        total = sum(m.file_size for m in members)
        if total > limits.max_unpacked_bytes:
            raise ReadError("file_zip_bomb", file=display, size=size_text(total),
                            limit=size_text(limits.max_unpacked_bytes))
        for member in members:
            if (member.file_size > limits.ratio_floor and member.compress_size
                    and member.file_size / member.compress_size > limits.max_ratio):
                raise ReadError("file_zip_bomb", file=display, size=size_text(member.file_size),
                                limit=f"{limits.max_ratio}:1")
        for member in members:
            if member.filename.endswith((".xml", ".rels", ".vml")) and _declares_entities(
                    archive, member):
                raise ReadError("file_hostile_xml", file=display)
        if kind == ODS:
            return _inspect_ods(archive, names, display, limits)
        inspection = Inspection(workbook_part=workbook)
        for member in _sheet_members(archive, members):
            if _plainly_data(member):
                continue  # see _plainly_data; the reader looks at this part itself
            inspection.scanned.add(member.filename)
            if _inspect_sheet(archive, member, display, limits):
                inspection.with_formulas.add(member.filename)
        return inspection


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
T_TABLE, T_ROW = f"{_TABLE}table", f"{_TABLE}table-row"
T_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_FORMULA_PREFIX = re.compile(r"^(?:[a-z]+:)?=")  # of:=SUM(…) -> SUM(…)
MAX_ODS_MARKERS = 100_000  # error cells recorded per sheet (a repeated error cell counts once each)


def _inspect_ods(archive: zipfile.ZipFile, names: set[str], display: str,
                 limits: Limits) -> Inspection:
    """An OpenDocument spreadsheet: refused when encrypted (its manifest declares
    encryption data) or when a sheet's cells, repeats included, span more than
    ``max_cells``; its error values and uncalculated formulas, which calamine reads as
    blank, are collected in the same pass over content.xml."""
    manifest = "META-INF/manifest.xml"
    if manifest in names and b"encryption-data" in archive.read(manifest):
        raise ReadError("file_encrypted", file=display)
    if "content.xml" not in names:
        raise ReadError("file_corrupt", file=display, detail="OpenDocument: 缺少 content.xml")
    inspection = Inspection(format=ODS)
    with archive.open("content.xml") as handle:
        for name, span, markers in _ods_tables(handle):
            if span.cells > limits.max_cells:
                raise ReadError("file_too_many_cells", file=display, sheet=name,
                                cells=f"{span.cells:,}", limit=f"{limits.max_cells:,}")
            inspection.ods_markers[name] = markers
    return inspection


def _ods_tables(handle: Any) -> Any:
    """(sheet name, its span, its markers) for each table of an ODS content.xml, streamed:
    each row is dropped from the tree once counted. Rows and cells count with their
    ``number-rows-repeated`` / ``number-columns-repeated``."""
    stack: list[Any] = []
    name, span, markers = "", _Span(), {}
    row = col = 0
    rows_repeated = 1
    for event, elem in SafeET.iterparse(handle, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            stack.append(elem)
            if tag == T_TABLE:
                name, span, markers, row = elem.get(f"{_TABLE}name", ""), _Span(), {}, 0
            elif tag == T_ROW:
                rows_repeated, col = _repeat(elem, "number-rows-repeated"), 0
            continue
        stack.pop()
        if tag in T_CELLS:
            repeated = _repeat(elem, "number-columns-repeated")
            if elem.get(f"{_OFFICE}value-type") or elem.get(f"{_TABLE}formula") or len(elem):
                span._add(row + 1, col + 1, row + rows_repeated, col + repeated)
                marker = _ods_marker(elem)
                if marker is not None:
                    _place(markers, marker, row, col, rows_repeated, repeated)
            col += repeated
        elif tag == T_ROW:
            row += rows_repeated
            if stack:
                stack[-1].remove(elem)  # the rows counted are not kept
        elif tag == T_TABLE:
            yield name, span, markers
            if stack:
                stack[-1].remove(elem)


def _place(markers: dict[tuple[int, int], Any], marker: Any, row: int, col: int,
           rows: int, cols: int) -> None:
    """Record ``marker`` at every position a (repeated) cell covers, up to
    ``MAX_ODS_MARKERS`` per sheet."""
    for r in range(row, row + rows):
        for c in range(col, col + cols):
            if len(markers) >= MAX_ODS_MARKERS:
                return
            markers[(r, c)] = marker


def _repeat(elem: Any, attribute: str) -> int:
    try:
        return max(1, int(elem.get(f"{_TABLE}{attribute}", "1")))
    except ValueError:
        return 1


def _ods_marker(cell: Any) -> CellError | Uncalculated | None:
    """An ODS cell's error value (LibreOffice writes ``calcext:value-type="error"``, others
    the error's text as the string result of a formula) or its formula without a value."""
    formula = cell.get(f"{_TABLE}formula")
    shown = "".join(cell.itertext()).strip()
    if cell.get(f"{_CALCEXT}value-type") == "error":
        return CellError(shown or "#VALUE!")
    if formula is None:
        return None
    if cell.get(f"{_OFFICE}value-type") is None:
        return Uncalculated(_FORMULA_PREFIX.sub("", formula))
    if shown in ERROR_CODES and not cell.get(f"{_OFFICE}string-value"):
        return CellError(shown)
    return None


def _sheet_members(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
                   ) -> list[zipfile.ZipInfo]:
    """The parts a reader reads as sheets: the targets of the sheet relationships, wherever
    they are, and whatever lies in a worksheets folder. When a relationship part cannot be
    read, every XML part is taken for a sheet. Part names and targets are compared as
    ``part_key`` spells them (a target may separate folders with \\ too)."""
    by_name = {part_key(m.filename): m for m in members}
    chosen = {n for n in by_name if "worksheets/" in n and n.endswith(".xml")}
    relationships = all_relationships(archive, by_name)
    if relationships is None:
        return [m for n, m in by_name.items() if n.endswith(".xml")]
    for rel in relationships:
        if rel.target and rel.type.endswith(SHEET_TYPES):
            chosen.add(resolve_target(rel.source, rel.target.replace("\\", "/")).lower())
    return [by_name[n] for n in sorted(chosen) if n in by_name]


_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_ELEMENT = re.compile(rb"<[^?!]")


def _declares_entities(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the part has a DTD (``<!DOCTYPE``/``<!ENTITY``): it can only come before the
    root element, so the prolog is read to its end, however many comments it holds."""
    with archive.open(member) as handle:
        prolog = b""
        while len(prolog) <= PROLOG_LIMIT:
            chunk = handle.read(16384)
            prolog += chunk
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                return True
            if not chunk or _ELEMENT.search(_COMMENT.sub(b"", prolog)):
                return False
    return True  # a prolog of more than a megabyte


SPAN_SCAN_BYTES = 8 * 1024 * 1024
DATA_RATIO = 20


def _plainly_data(member: zipfile.ZipInfo) -> bool:
    """A large sheet that compresses like real cell data (under 20:1) is not streamed for
    its span: that costs as much as reading it. A span bomb hidden in one still cannot
    exhaust the machine: the reading process has a memory limit, and a reader that hits
    it is reported as ``file_crashed`` (``xl_addin.validation.batch``). Small or highly compressible
    sheets, where bombs live, are always measured."""
    return (member.file_size > SPAN_SCAN_BYTES and member.compress_size > 0
            and member.file_size / member.compress_size < DATA_RATIO)


def _inspect_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, display: str,
                   limits: Limits) -> bool:
    """Refuse a sheet whose cells span more than ``max_cells``: the grid a dense reader
    allocates. The sheet is streamed, and cells are placed as a reader places them: by
    their ``r`` reference in any letter case, with any namespace prefix and leading zeros,
    or, without one, next to the cell before."""
    span = _Span()
    formulas = False
    with archive.open(member) as handle:
        rest = b""
        while True:
            chunk = handle.read(SCAN_CHUNK)
            data = rest + chunk
            end = data.rfind(b">") + 1 if chunk else len(data)
            span.scan(data[:end])
            formulas = formulas or b"<f" in data or b't="e"' in data
            rest = data[end:]
            rest = rest[rest.rfind(b"<"):] if b"<" in rest else b""  # an unfinished tag
            if not chunk:
                break
    cells = span.cells
    if cells > limits.max_cells:
        raise ReadError("file_too_many_cells", file=display, sheet=member.filename,
                        cells=f"{cells:,}", limit=f"{limits.max_cells:,}")
    return formulas


SCAN_CHUNK = 1024 * 1024
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_PLAIN_REF = re.compile(rb'<c r="([A-Za-z]+)([0-9]+)"')
_ODD_CELL = re.compile(rb"<c[>/\t\n\r]|<[\w.-]+:c[\s/>]")  # cells written otherwise
_ODD_MARKS = (b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r", b":c ", b":c>", b":c/", b":c\t",
              b":c\n", b":c\r")


def _odd_cells(data: bytes) -> bool:
    """Whether any cell is written other than ``<c r=…``: counted with ``bytes.count``
    first (fast); only a hit there is confirmed with the regular expression."""
    if not any(data.count(mark) for mark in _ODD_MARKS):
        return False
    return _ODD_CELL.search(data) is not None
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])")
_CELL_WITH_REF = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<![\w:.-])r\s*=\s*["']\s*([A-Za-z]+)([0-9]+)\s*["']""")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]*)([0-9]*)\s*["']""")


class _Span:
    """The bounding box of the cells seen so far."""

    def __init__(self) -> None:
        self.row = self.col = 0  # the last position, 1-based
        self.top: int | None = None
        self.left: int | None = None
        self.bottom = self.right = 0

    def scan(self, data: bytes) -> None:
        refs = _PLAIN_REF.findall(data)
        if not _odd_cells(data) and len(refs) == data.count(b"<c "):
            self._refs(refs)  # the usual case, and the fast one: every cell is <c r="A1" …
            return
        refs = _CELL_WITH_REF.findall(data)
        if len(refs) == len(_CELL_TAG.findall(data)):
            self._refs(refs)  # every cell has its reference, written in some other way
            return
        self._walk(data)  # some cells are placed by the cell before them

    def _refs(self, refs: list[tuple[bytes, bytes]]) -> None:
        if refs:
            rows = [int(r) for r in {r for _, r in refs}]  # each distinct row number once
            cols = [column_number(c.upper()) for c in {c for c, _ in refs}]
            self._add(min(rows), min(cols), max(rows), max(cols))
            self.row, self.col = int(refs[-1][1]), column_number(refs[-1][0].upper())

    def _add(self, top: int, left: int, bottom: int, right: int) -> None:
        self.top = top if self.top is None else min(self.top, top)
        self.left = left if self.left is None else min(self.left, left)
        self.bottom, self.right = max(self.bottom, bottom), max(self.right, right)

    def _walk(self, data: bytes) -> None:
        row, col = self.row, self.col
        top, left, bottom, right = self.top, self.left, self.bottom, self.right
        for tag, attrs in _TAG.findall(data):
            ref = _REF.search(attrs) if b"r" in attrs else None
            if tag == b"row":
                row = int(ref[2]) if ref and ref[2] else row + 1
                col = 0
                continue
            if ref and ref[1] and ref[2]:
                row, col = int(ref[2]), column_number(ref[1].upper())
            else:
                col += 1
            if top is None or row < top:
                top = row
            if left is None or col < left:
                left = col
            bottom, right = max(bottom, row), max(right, col)
        self.row, self.col = row, col
        self.top, self.left, self.bottom, self.right = top, left, bottom, right

    @property
    def cells(self) -> int:
        if self.top is None or self.left is None:
            return 0
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)
