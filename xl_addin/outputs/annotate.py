"""``annotate``: a copy of a workbook with the validator's marks. The source is only read;
the copy is written atomically, and a workbook with parts that openpyxl cannot carry
over is refused rather than silently stripped. The copy of an .xls or .ods source (read by
its content) is a new .xlsx of the values read, and the caller is told what it lacks."""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from ..core.errors import XlAddinError
from ..core.messages import Lang, text
from ..core.policy import Policy
from ..model.findings import Finding
from ..reading.cell_markers import CellError
from ..reading.guard import XLSX, ReadError, inspect_file
from ..reading.limits import DEFAULT_LIMITS, Limits
from ..reading.package import all_relationships, content_types, rels_part
from ..reading.reader import load_sheets
from ..validation.batch import run_guarded
from ..validation.workbook import ValidatedWorkbook, validate_path
from .atomic import atomic_path, put_text
from .marks import NOTE_AUTHOR, RESULTS_WIDTHS, link_target, plan_marks, results_rows

# Package parts that openpyxl drops or cannot rewrite faithfully (macros, xl/vbaProject.bin,
# are carried over on request: see _annotate_in_worker).
UNSUPPORTED_PARTS = {
    "xl/pivotTables/": "数据透视表 / pivot tables",
    "xl/pivotCache/": "数据透视表 / pivot tables",
    "xl/charts/": "图表 / charts",
    "xl/drawings/": "图片或图形 / pictures or shapes",
    "xl/activeX/": "ActiveX 控件 / controls",
    "xl/embeddings/": "嵌入对象 / embedded objects",
    "xl/threadedComments/": "会话批注 / threaded comments",
    "xl/slicers/": "切片器 / slicers",
    "xl/model/": "数据模型 / data model",
    "xl/ctrlProps/": "表单控件 / form controls",
    "xl/richData/": "单元格中的图片 / pictures in cells",
    "xl/connections.xml": "外部数据连接 / data connections",
    "xl/queryTables/": "外部数据连接 / data connections",
    "_xmlsignatures/": "数字签名 / digital signatures",
}

# Content types that may be missing from the copy without anything being lost: openpyxl
# writes strings inline, Excel rebuilds the calculation chain, and the comment drawings,
# relationships and properties are written afresh.
REWRITTEN_TYPES = (
    "sharedStrings+xml", "calcChain+xml", "printerSettings", "relationships+xml",
    "vmlDrawing", "core-properties+xml", "extended-properties+xml", "sheet.main+xml",
    "macroEnabled.main+xml", "template.main+xml", "macroEnabledTemplate.main+xml",
    "vbaProject", "person+xml",
)
# Labels of content types that openpyxl drops, for the message.
LOST_LABELS = {
    "sheetMetadata+xml": "动态数组公式 / dynamic-array formulas",
    "featurepropertybag+xml": "复选框单元格 / checkbox cells",
    "custom-properties+xml": "自定义文档属性 / custom document properties",
    "customXmlProperties+xml": "自定义XML数据 / custom XML data",
    "classificationlabels+xml": "敏感度标签 / sensitivity labels",
    "digital-signature": "数字签名 / digital signatures",
}
NOTE_VML = re.compile(rb'ObjectType="(\w+)"')


class AnnotateError(XlAddinError):
    """A copy that cannot be made; ``message()`` says why, in the clerk's language."""


def _names(path: str | os.PathLike[str]) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _comments_only(archive: zipfile.ZipFile, name: str, names: set[str]) -> bool:
    """A legacy (VML) drawing that only holds the boxes of cell comments, which openpyxl
    writes afresh; form controls, shapes and header pictures are in VML too."""
    if not name.endswith(".vml"):
        return False
    if rels_part(name) in names:
        return False  # it links pictures
    data = archive.read(name)
    kinds = set(NOTE_VML.findall(data))
    return kinds <= {b"Note"} and b"imagedata" not in data


def unsupported_parts(path: str | os.PathLike[str]) -> list[str]:
    """The kinds of content in ``path`` that an openpyxl copy would lose."""
    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        present = set(names)
        for prefix, label in UNSUPPORTED_PARTS.items():
            if label in found:
                continue
            parts = [n for n in names if n.startswith(prefix)]
            if prefix == "xl/drawings/":
                parts = [n for n in parts if not n.startswith("xl/drawings/_rels/")
                         and not _comments_only(archive, n, present)]
            if parts:
                found.append(label)
    return found


def _content_types(path: str | os.PathLike[str]) -> Counter[str]:
    """How many parts of each content type the package holds. Parts without a declared
    content type, and parts that no relationship leads to, are ignored, as Excel does;
    so is the thumbnail picture."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        try:
            declared = content_types(archive)
        except Exception:
            return Counter()
        reached = _reached(archive, names)
    counts: Counter[str] = Counter()
    for name in names:
        kind = declared.of(name)
        if (kind and not name.endswith("/") and not name.startswith("docProps/thumbnail")
                and (reached is None or name in reached or name.endswith(".rels"))):
            counts[kind] += 1
    return counts


def _reached(archive: zipfile.ZipFile, names: list[str]) -> set[str] | None:
    """The parts some relationship leads to (None when a relationship part is unreadable:
    then every part counts)."""
    relationships = all_relationships(archive, {name: name for name in names})
    if relationships is None:
        return None
    return {rel.part for rel in relationships if rel.target and not rel.external}


def lost_content(source: str | os.PathLike[str], copy: str | os.PathLike[str]) -> list[str]:
    """Labels of the content types of ``source`` that ``copy`` has fewer parts of."""
    before, after = _content_types(source), _content_types(copy)
    lost: list[str] = []
    for kind, count in before.items():
        if after[kind] >= count or kind.endswith(REWRITTEN_TYPES):
            continue
        label = next((v for k, v in LOST_LABELS.items() if k in kind),
                     f"其他内容 / other content ({kind})")
        if label not in lost:
            lost.append(label)
    return lost


_LOSS_WARNING = re.compile(r"will be removed|not supported|removed because|cannot contain",
                           re.IGNORECASE)
_EXTENSION_WARNING = re.compile(r"extension is not supported", re.IGNORECASE)
_EXTENSION = re.compile(rb'<(?:\w+:)?ext\b[^>]*\buri="([^"]+)"')
# Worksheet extensions that only hold view settings (Excel for Mac's page layout view).
HARMLESS_EXTENSIONS = {"{64002731-A6B0-56B0-2670-7721B7C09600}",
                       "HTTP://SCHEMAS.MICROSOFT.COM/OFFICE/MAC/EXCEL/2008/MAIN"}


def lost_extensions(path: str | os.PathLike[str]) -> list[str]:
    """The worksheet extensions (sparklines, newer data validations and conditional
    formats, slicers …) of ``path`` that openpyxl drops."""
    from openpyxl.worksheet._reader import EXT_TYPES

    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            for uri in _EXTENSION.findall(archive.read(name)):
                key = uri.decode("utf-8", "replace").upper()
                if key not in HARMLESS_EXTENSIONS:
                    label = f"Excel 扩展内容 / extension: {EXT_TYPES.get(key, key)}"
                    if label not in found:
                        found.append(label)
    return found


def _write_copy(source: str, target: str, findings: list[Finding], lang: Lang,
                macros: bool) -> tuple[str, list[str]]:
    """Load ``source`` with openpyxl, apply the marks and save to ``target`` (runs in a
    guarded worker). Returns ("ok", []), ("lost", labels) when the copy would lose
    something, or ("failed", [detail]) when openpyxl cannot load or save the workbook."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with open(source, "rb") as handle:  # by its content, whatever its extension
                book = load_workbook(handle, keep_links=True, rich_text=True, keep_vba=macros)
        lost = list(dict.fromkeys(
            f"openpyxl: {w.message}"[:200] for w in caught if _LOSS_WARNING.search(
                str(w.message)) and not _EXTENSION_WARNING.search(str(w.message))))
        lost += lost_extensions(source)
        if lost:
            return "lost", lost
        _apply_marks(book, findings, lang)
        book.save(target)
    except Exception as exc:
        return "failed", [f"{type(exc).__name__}: {exc}"[:200]]
    lost = lost_content(source, target)
    return ("lost", lost) if lost else ("ok", [])


# Extensions of other formats than the .xlsx an annotated copy always is.
NOT_XLSX_SUFFIXES = (".xls", ".xlt", ".xlsb", ".ods", ".ots", ".et", ".ett", ".csv")


def _write_converted(source: str, target: str, findings: list[Finding], lang: Lang,
                     limits: Limits) -> tuple[str, list[str]]:
    """The copy of an .xls/.ods source: a new .xlsx holding every sheet's values as read
    (error values as errors), with the marks. Returns ("converted", []) or ("failed",
    [detail])."""
    try:
        loaded = load_sheets(source, source, limits=limits, every_sheet=True)
        book = Workbook()
        book.remove(book.active)
        for name in loaded.sheet_names:
            sheet = book.create_sheet(name)
            grid, row0, col0 = loaded.grids.get(name, ([], 0, 0))
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    if value != "" and value is not None:
                        _put_value(sheet.cell(r + row0 + 1, c + col0 + 1), value)
            for (r, c), marker in loaded.markers.get(name, {}).items():
                if isinstance(marker, CellError) and sheet.cell(r + 1, c + 1).value is None:
                    sheet.cell(r + 1, c + 1).value = marker.code  # an error value again
        _apply_marks(book, findings, lang)
        book.save(target)
    except Exception as exc:
        return "failed", [f"{type(exc).__name__}: {exc}"[:200]]
    return "converted", []


def _put_value(cell: Any, value: Any) -> None:
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value


def _apply_marks(book: Any, findings: list[Finding], lang: Lang) -> None:
    for mark in plan_marks(findings, lang):
        if mark.sheet not in book.sheetnames:
            continue
        cell = book[mark.sheet][mark.cell]
        cell.fill = PatternFill("solid", fgColor=mark.fill)
        note = mark.note if cell.comment is None else f"{cell.comment.text}\n---\n{mark.note}"
        cell.comment = Comment(note, NOTE_AUTHOR, width=320, height=120)
    name = text("results_sheet", lang)
    if name in book.sheetnames:
        del book[name]
    sheet = book.create_sheet(name)
    for row in results_rows(findings, lang):
        sheet.append([None] * len(row))
        r = sheet.max_row
        for j, value in enumerate(row, start=1):
            if isinstance(value, str):
                put_text(sheet.cell(r, j), value)
            else:
                sheet.cell(r, j, value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, finding in enumerate(findings, start=2):
        if finding.sheet and finding.cell:
            link = sheet.cell(r, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=link_target(finding.sheet, finding.cell))
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", RESULTS_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    if Path(a).resolve() == Path(b).resolve():
        return True
    try:
        return os.path.samefile(a, b)  # a hard link
    except OSError:
        return False


def _annotate_in_worker(source: str, tmp: str, as_of: dt.date | None, policy: Policy | None,
                        lang: Lang, keep_macros: bool, limits: Limits
                        ) -> tuple[ValidatedWorkbook, str, list[str]]:
    """Validate ``source`` and write its marked copy to ``tmp`` (runs in one guarded
    worker). Returns the result with "error", "unsupported", "lost", "failed" or "ok"."""
    result = validate_path(source, source, as_of, policy, limits)
    if result.error is not None:
        return result, "error", []
    fmt = inspect_file(source, source, limits).format
    if fmt != XLSX:
        status, details = _write_converted(source, tmp, result.findings, lang, limits)
        return result, status, details or [f".{fmt}"]
    parts = unsupported_parts(source)
    macros = "xl/vbaProject.bin" in _names(source)
    if macros and not keep_macros:
        parts.append(text("annotate_macros_hint", lang))
    if parts:
        return result, "unsupported", parts
    status, details = _write_copy(source, tmp, result.findings, lang, macros)
    return result, status, details


def annotate(source: str | os.PathLike[str], out: str | os.PathLike[str],
             as_of: dt.date | None = None, policy: Policy | None = None,
             lang: Lang = "zh", keep_macros: bool = False,
             limits: Limits = DEFAULT_LIMITS, notes: list[str] | None = None
             ) -> ValidatedWorkbook:
    """Validate ``source`` and write a marked copy to ``out``. Macros are carried over
    only with ``keep_macros`` into an .xlsm copy; they are never run. Reading, checking and
    copying happen in one guarded worker (memory and time limits); the copy is written to
    a temporary file and moved onto ``out`` only when it is complete and has lost nothing,
    otherwise ``out`` is left as it was. The copy of an .xls/.ods source is an .xlsx of
    its values (``out`` must not promise another format); what it lacks is appended to
    ``notes``, in ``lang``."""
    if _same_file(out, source):
        raise AnnotateError("annotate_same_file", file=str(source))
    if str(out).lower().endswith(NOT_XLSX_SUFFIXES):
        raise AnnotateError("annotate_out_not_xlsx", file=str(out))
    keep = keep_macros and str(out).lower().endswith(".xlsm")
    try:
        with atomic_path(out) as tmp:
            result, status, details = run_guarded(
                _annotate_in_worker, (str(source), str(tmp), as_of, policy, lang, keep, limits),
                str(source), limits)
            if status == "error":
                assert result.error is not None
                raise AnnotateError(result.error.rule, **result.error.params)
            if status in ("unsupported", "lost"):
                raise AnnotateError("annotate_unsupported", file=str(source),
                                    parts="、".join(details))
            if status == "failed":
                raise AnnotateError("annotate_failed", file=str(source), detail=details[0])
            if status == "converted" and notes is not None:
                notes.append(text("annotate_converted", lang, file=str(source),
                                  format=details[0]))
    except ReadError as exc:
        raise AnnotateError(exc.rule, **exc.params) from exc
    except OSError as exc:
        raise AnnotateError("annotate_failed", file=str(source),
                            detail=f"{out}: {exc.strerror or exc}") from exc
    return result
