"""``annotate``: a copy of a workbook with the validator's marks. The source is only read;
the copy is written atomically, and a workbook with parts that openpyxl cannot carry
over is refused rather than silently stripped."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from .batch import run_guarded
from .core.policy import Policy
from .guard import ReadError
from .limits import DEFAULT_LIMITS, Limits
from .marks import NOTE_AUTHOR, link_target, plan_marks, results_rows
from .messages import Lang, text
from .outputs import put_text, write_atomic
from .validate import WorkbookResult, validate_path

# Package parts that openpyxl drops or cannot rewrite faithfully.
UNSUPPORTED_PARTS = {
    "xl/pivotTables/": "数据透视表 / pivot tables",
    "xl/pivotCache/": "数据透视表 / pivot tables",
    "xl/charts/": "图表 / charts",
    "xl/drawings/": "图片或图形 / pictures or shapes",
    "xl/vbaProject.bin": "宏 / macros",
    "xl/activeX/": "ActiveX 控件 / controls",
    "xl/embeddings/": "嵌入对象 / embedded objects",
    "xl/threadedComments/": "会话批注 / threaded comments",
    "xl/slicers/": "切片器 / slicers",
    "xl/model/": "数据模型 / data model",
}


class AnnotateError(Exception):
    def __init__(self, rule: str, **params: object) -> None:
        self.rule, self.params = rule, params
        super().__init__(text(rule, "en", **params))

    def message(self, lang: Lang = "zh") -> str:
        return text(self.rule, lang, **self.params)


def _names(path: str | os.PathLike[str]) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def unsupported_parts(path: str | os.PathLike[str]) -> list[str]:
    """The kinds of content in ``path`` that an openpyxl copy would lose."""
    found: list[str] = []
    names = _names(path)
    for prefix, label in UNSUPPORTED_PARTS.items():
        if any(n.startswith(prefix) for n in names) and label not in found:
            found.append(label)
    return found


def annotate(source: str | os.PathLike[str], out: str | os.PathLike[str],
             as_of: dt.date | None = None, policy: Policy | None = None,
             lang: Lang = "zh", keep_macros: bool = False,
             limits: Limits = DEFAULT_LIMITS) -> WorkbookResult:
    """Validate ``source`` and write a marked copy to ``out``. Macros are carried over
    only with ``keep_macros`` into an .xlsm copy; they are never run."""
    if Path(out).resolve() == Path(source).resolve():
        raise AnnotateError("annotate_same_file", file=str(source))
    try:
        result = run_guarded(validate_path, (str(source), str(source), as_of, policy, limits),
                             str(source), limits)
    except ReadError as exc:
        raise AnnotateError(exc.rule, **exc.params) from exc
    if result.error is not None:
        raise AnnotateError(result.error.rule, **result.error.params)
    parts = unsupported_parts(source)
    macros = "xl/vbaProject.bin" in _names(source)
    if macros:
        parts = [p for p in parts if p != UNSUPPORTED_PARTS["xl/vbaProject.bin"]]
        if not (keep_macros and str(out).lower().endswith(".xlsm")):
            parts.append(text("annotate_macros_hint", lang))
    if parts:
        raise AnnotateError("annotate_unsupported", file=str(source), parts="、".join(
            dict.fromkeys(parts)))
    book = load_workbook(source, keep_links=True, rich_text=True, keep_vba=macros)
    for mark in plan_marks(result.findings, lang):
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
    for row in results_rows(result.findings, lang):
        sheet.append([None] * len(row))
        r = sheet.max_row
        for j, value in enumerate(row, start=1):
            if isinstance(value, str):
                put_text(sheet.cell(r, j), value)
            else:
                sheet.cell(r, j, value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, finding in enumerate(result.findings, start=2):
        if finding.sheet and finding.cell:
            link = sheet.cell(r, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate,
                                       location=link_target(finding.sheet, finding.cell))
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", (6, 16, 10, 8, 18, 70, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    write_atomic(out, lambda tmp: book.save(tmp))
    return result
