"""The ribbon tab 复工复产: one function per button, each taking the ``xw.Book`` the button
was clicked in (``xw.Book.caller()``). The add-in's single VBA callback passes the clicked
button's id to ``on_button``.

校验本表 (``on_validate``) reads each sheet of the standard workbook in one call, validates
with the same engine as ``xl-addin check`` (``reader.read_grids`` → ``validate_data``) and
applies the marks plan of ``xl-addin annotate`` (``marks.plan_marks``): a fill and a note on
each bad cell, and a sheet 校验结果 listing every finding with a link to its cell. It writes
nothing else. What 清除标注 (``on_clear``) needs to put every marked cell back exactly —
the original fill colour, whether the cell had a note and its text — is kept inside the
workbook, in the hidden sheet ``_xl_addin_marks``, so clearing works after the workbook
was saved, closed and reopened.

Everything goes through xlwings, so the same code runs on Windows Excel (COM) and, in the
tests, on xlwings' remote interpreter (``xw.Book(json=...)``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import itertools
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .addin_build import buttons as button_table  # the table alone: no build dependencies
from .core.errors import CalcError, XlAddinError
from .core.messages import Lang, text
from .core.normalize import parse_date
from .core.policy import load_policy
from .model.findings import Finding
from .outputs.marks import RESULTS_WIDTHS, Mark, link_target, plan_marks, results_rows
from .reading.cell_markers import ERROR_CODES, CellError
from .reading.reader import Grid, ReadError, read_grids
from .validation.workbook import ValidatedWorkbook, validate_data

# The ribbon's own texts (the rest come from the shared catalog).

MARKS_SHEET = "_xl_addin_marks"
MARKS_HEADER = ["sheet", "cell", "fill", "had_note", "note"]
NOTE_SEPARATOR = "\n---\n"
# Errors as Excel shows them (xlwings' err_to_str), including the newer ones.
_ERROR_TEXTS = frozenset(ERROR_CODES) | {"#DATA!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!",
                                         "#CONNECT!", "#BUSY!", "#PYTHON!", "#EXTERNAL!"}
# A date as the Office.js client sends it: 2020-03-11T00:00:00.000Z
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


class RibbonError(XlAddinError):
    """A situation the clerk can act on; ``message()`` says what, in their language."""


# --- reading ------------------------------------------------------------------------------


def grid_from_values(values: list[list[Any]] | None) -> list[list[Any]]:
    """Values of a used range as xlwings returns them → the reader's grid: blank cells
    ``""``, error values (``"#DIV/0!"``, read with ``err_to_str``) ``CellError``, dates that
    arrive as ISO strings (remote clients) naive ``datetime``s like on the desktop."""
    grid: list[list[Any]] = []
    for row in values or []:
        out: list[Any] = []
        for value in row:
            if value is None:
                out.append("")
            elif isinstance(value, str):
                if value in _ERROR_TEXTS:
                    out.append(CellError(value))
                elif _ISO_DATE.match(value):
                    out.append(dt.datetime.fromisoformat(value[:-1]))
                else:
                    out.append(value)
            else:
                out.append(value)
        grid.append(out)
    return grid


def read_sheet(sheet: Any) -> Grid:
    """One sheet's used range in ONE read: the grid and the 0-based row and column of its
    top-left cell."""
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value
    return grid_from_values(values), used.row - 1, used.column - 1


def _own_sheets(lang: Lang) -> set[str]:
    return {MARKS_SHEET, text("results_sheet", "zh"), text("results_sheet", "en"),
            text("results_sheet", lang)}


def validate_book(book: Any, lang: Lang = "zh") -> ValidatedWorkbook:
    """Validate the open workbook (values only; nothing is written)."""
    own = _own_sheets(lang)
    names = [s.name for s in book.sheets if s.name not in own]
    data = read_grids(names, lambda name: read_sheet(book.sheets[name]), book.name)
    if len(data.sheets) + (data.cover is not None) == 0:
        raise RibbonError("ribbon_not_standard")
    return validate_data(data, policy=load_policy())


# --- the marks record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Original:
    """What a marked cell looked like before it was marked."""

    sheet: str
    cell: str
    fill: str  # "#RRGGBB", or "" for no fill
    had_note: bool
    note: str


def _hex(rgb: Any) -> str:
    if rgb is None:
        return ""
    if isinstance(rgb, str):
        return "#" + rgb.lstrip("#").upper()
    if isinstance(rgb, int):  # a colour as an int (BGR, as Excel stores it)
        rgb = (rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF)
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _rgb(fill: str) -> tuple[int, int, int] | None:
    if not fill:
        return None
    value = fill.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _as_text(value: object) -> str:
    """A string written so that Excel stores it as the very same text: a leading apostrophe
    keeps "0120", "2020-03-11" or "=x" from becoming a number, a date or a formula."""
    return "'" + str(value)


def _sheet_or_none(book: Any, name: str) -> Any:
    for sheet in book.sheets:
        if sheet.name == name:
            return sheet
    return None


def read_marks(book: Any) -> dict[tuple[str, str], Original]:
    """The record of the marks currently on the workbook (one read), by (sheet, cell)."""
    sheet = _sheet_or_none(book, MARKS_SHEET)
    if sheet is None:
        return {}
    grid, _, _ = read_sheet(sheet)
    if not grid or [str(v) for v in grid[0][:len(MARKS_HEADER)]] != MARKS_HEADER:
        raise RibbonError("ribbon_marks_foreign", sheet=MARKS_SHEET)
    record: dict[tuple[str, str], Original] = {}
    for row in grid[1:]:
        row = [*row, "", "", "", "", ""][:5]
        if not row[0] or not row[1]:
            continue
        original = Original(str(row[0]), str(row[1]), str(row[2] or ""), row[3] is True,
                            "" if row[4] in ("", None) else str(row[4]))
        record[(original.sheet, original.cell)] = original
    return record


def _write_marks(book: Any, originals: list[Original]) -> None:
    sheet = book.sheets.add(MARKS_SHEET, after=book.sheets[-1])
    rows: list[list[Any]] = [[_as_text(h) for h in MARKS_HEADER]]
    for o in originals:
        rows.append([_as_text(o.sheet), _as_text(o.cell), _as_text(o.fill) if o.fill else None,
                     o.had_note, _as_text(o.note) if o.had_note else None])
    sheet["A1"].value = rows
    sheet.visible = False


def _restore(book: Any, original: Original) -> None:
    sheet = _sheet_or_none(book, original.sheet)
    if sheet is None:
        return
    rng = sheet[original.cell]
    rng.color = _rgb(original.fill)
    note = rng.note
    if original.had_note:
        if note is not None:
            note.text = original.note
        else:
            rng.add_note(original.note)
    elif note is not None:
        note.delete()


def _remove_sheets(book: Any, lang: Lang) -> None:
    for name in (text("results_sheet", lang), MARKS_SHEET):
        sheet = _sheet_or_none(book, name)
        if sheet is not None:
            sheet.delete()


# --- writing the marks ----------------------------------------------------------------------


def _link_formula(sheet: str, cell: str) -> str:
    target = "#" + link_target(sheet, cell)
    return '=HYPERLINK("' + target.replace('"', '""') + '","' + cell + '")'


def _results_values(findings: list[Finding], lang: Lang) -> list[list[Any]]:
    rows = results_rows(findings, lang)
    values: list[list[Any]] = [[_as_text(v) for v in rows[0]]]
    for finding, row in zip(findings, rows[1:], strict=True):
        out = [v if isinstance(v, int | float) else (_as_text(v) if v != "" else None)
               for v in row]
        if finding.sheet and finding.cell:
            out[2] = _link_formula(finding.sheet, finding.cell)
        values.append(out)
    return values


def _write_results(book: Any, findings: list[Finding], lang: Lang) -> None:
    sheet = book.sheets.add(text("results_sheet", lang), after=book.sheets[-1])
    values = _results_values(findings, lang)
    sheet["A1"].value = values
    sheet["A1:G1"].font.bold = True
    for letter, width in zip("ABCDEFG", RESULTS_WIDTHS, strict=True):
        sheet[f"{letter}:{letter}"].column_width = width


@dataclass
class _Target:
    mark: Mark
    rng: Any
    note: Any  # the cell's note now, or None
    original: Original


def _target(book: Any, mark: Mark, previous: Original | None) -> _Target:
    """A cell about to be marked and what it looked like before it was first marked: read
    here (its fill colour and note, desktop Excel answers these; one read each per marked
    cell, never per row) unless the record of the previous marks already says."""
    rng = book.sheets[mark.sheet][mark.cell]
    note = rng.note
    original = previous or Original(mark.sheet, mark.cell, _hex(rng.color), note is not None,
                                    note.text if note is not None else "")
    return _Target(mark, rng, note, original)


def _mark_cell(target: _Target) -> None:
    original, mark = target.original, target.mark
    target.rng.color = _rgb("#" + mark.fill)
    wanted = f"{original.note}{NOTE_SEPARATOR}{mark.note}" if original.had_note else mark.note
    if target.note is not None:
        target.note.text = wanted
    else:
        target.rng.add_note(wanted)


def mark_book(book: Any, result: ValidatedWorkbook, lang: Lang = "zh") -> int:
    """Apply the marks of ``result`` to ``book``: the previous marks are undone first (so a
    second run gives the same marks, not double marks). The record is written before any
    cell is marked, so 清除标注 can undo even a run that stopped half-way (a protected
    sheet, say). Returns the number of marked cells."""
    previous = read_marks(book)
    present = {s.name for s in book.sheets}  # one pass: each name is a COM call in Excel
    marks = [m for m in plan_marks(result.findings, lang) if m.sheet in present]
    keep = {(m.sheet, m.cell) for m in marks}
    with _screen_frozen(book):
        for key, original in previous.items():
            if key not in keep:
                _restore(book, original)
        _remove_sheets(book, lang)
        targets = [_target(book, m, previous.get((m.sheet, m.cell))) for m in marks]
        if targets:
            _write_marks(book, [t.original for t in targets])
        for target in targets:
            _mark_cell(target)
        if result.findings:
            _write_results(book, result.findings, lang)
    return len(marks)


@contextlib.contextmanager
def _screen_frozen(book: Any) -> Iterator[None]:
    """Desktop Excel does not redraw while the marks are written (much faster)."""
    app = _desktop_app(book)
    if app is None:
        yield
        return
    app.ScreenUpdating = False
    try:
        yield
    finally:
        app.ScreenUpdating = True


def verdict_text(result: ValidatedWorkbook, lang: Lang = "zh") -> str:
    """通过, or N 个错误，M 个警告 (the verdict of ``xl-addin check`` and ``annotate``)."""
    from .outputs.report import verdict

    return verdict(result, lang)


# --- talking to the clerk (desktop Excel; a no-op or a default elsewhere) -------------------


def _desktop_app(book: Any) -> Any | None:
    """Excel's COM Application object on Windows desktop Excel, else None."""
    if sys.platform != "win32":
        return None
    try:
        app = book.app
        return app.api if app.engine.name == "excel" else None
    except Exception:
        return None


def show(book: Any, message: str, lang: Lang = "zh") -> None:
    """A message box (xlwings' ``App.alert``: a Win32 message box on the desktop, an alert
    action for remote clients) and, on the desktop, the status bar."""
    app = book.app
    with contextlib.suppress(NotImplementedError):
        app.alert(message, title=text("ribbon_title", lang), mode="info")
    with contextlib.suppress(NotImplementedError):
        app.status_bar = message.splitlines()[0] if message else False


def _ask(book: Any, prompt: str, title: str, default: str = "") -> str | None:
    """Excel's input box on the desktop (Cancel stops the button); None elsewhere."""
    app = _desktop_app(book)
    if app is None:
        return None
    answer = app.InputBox(prompt, title, default)
    if answer is False:
        raise RibbonError("ribbon_cancelled")
    return None if answer in ("", None) else str(answer)


def _pick_folder(book: Any, title: str) -> str | None:
    app = _desktop_app(book)
    if app is None:
        return None
    dialog = app.FileDialog(4)  # msoFileDialogFolderPicker
    dialog.Title = title
    return str(dialog.SelectedItems(1)) if dialog.Show() == -1 else None


def _open(book: Any, path: Path) -> None:
    if _desktop_app(book) is not None:
        book.app.books.open(str(path))


def _free_path(path: Path) -> Path:
    """``path``, or ``name (2).xlsx``… when it exists: a new report never overwrites one."""
    candidate, n = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    return candidate


def _book_folder(book: Any) -> Path:
    try:
        full = Path(book.fullname)
        if full.is_absolute() and full.parent.is_dir():
            return full.parent
    except Exception:
        pass
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


# --- the buttons ---------------------------------------------------------------------------


def on_validate(book: Any, lang: Lang = "zh") -> str:
    """校验本表: validate the open workbook, mark it, show and return the verdict."""
    result = validate_book(book, lang)
    mark_book(book, result, lang)
    verdict = verdict_text(result, lang)
    show(book, verdict, lang)
    return verdict


def on_clear(book: Any, lang: Lang = "zh") -> str:
    """清除标注: put every marked cell back as it was and remove 校验结果 and the record."""
    previous = read_marks(book)
    had_results = _sheet_or_none(book, text("results_sheet", lang)) is not None
    with _screen_frozen(book):
        for original in previous.values():
            _restore(book, original)
        _remove_sheets(book, lang)
    message = (text("ribbon_cleared", lang, count=len(previous)) if previous or had_results
               else text("ribbon_nothing_to_clear", lang))
    show(book, message, lang)
    return message


def _cover_defaults(book: Any) -> tuple[str | None, dt.date | None]:
    """填报单位 and 统计日期 from the open workbook's 封面, when it has one."""
    from .model.spec import header_key, load_workbook_spec

    cover = load_workbook_spec().cover
    sheet = next((s for s in book.sheets if header_key(s.name) == header_key(cover.sheet)), None)
    if sheet is None:
        return None, None
    grid, _, _ = read_sheet(sheet)
    wanted = {header_key(cover.label(key)): key for key in ("township", "as_of")}
    found: dict[str, Any] = {}
    for row in grid:
        for label, value in itertools.pairwise(row):
            if isinstance(label, str) and header_key(label) in wanted:
                found[wanted[header_key(label)]] = value
    township = found.get("township")
    when = found.get("as_of")
    try:
        as_of = parse_date(when) if when not in (None, "") else None
    except CalcError:
        as_of = None
    return (str(township).strip() or None) if township else None, as_of


def on_new_report(book: Any, township: str | None = None, as_of: dt.date | None = None,
                  out: str | os.PathLike[str] | None = None, lang: Lang = "zh") -> str:
    """新建报表: write the blank standard workbook of a township and date (asked for on the
    desktop, defaulting to the open workbook's 封面 and today), never over an existing file,
    and open it."""
    from .outputs.template import default_file_name, write_template

    known_township, _ = _cover_defaults(book) if township is None else (township, None)
    if township is None:
        township = _ask(book, text("ribbon_ask_township", lang), text("ribbon_title", lang),
                        known_township or "") or known_township
    if not township:
        raise RibbonError("ribbon_need_township")
    if as_of is None:
        answer = _ask(book, text("ribbon_ask_date", lang), text("ribbon_title", lang),
                      dt.date.today().isoformat())
        try:
            as_of = parse_date(answer) if answer else dt.date.today()
        except CalcError as exc:
            raise RibbonError("cli_bad_date", value=answer) from exc
    target = Path(out) if out else _book_folder(book) / default_file_name(township, as_of)
    target = _free_path(target)
    try:
        write_template(township, as_of, target, load_policy())
    except CalcError as exc:
        raise RibbonError(exc.code, **exc.params) from exc
    _open(book, target)
    message = text("ribbon_new_written", lang, file=str(target))
    show(book, message, lang)
    return message


def on_summary(book: Any, folder: str | os.PathLike[str] | None = None,
               out: str | os.PathLike[str] | None = None, lang: Lang = "zh") -> str:
    """县级汇总: check every township workbook of a folder (picked on the desktop) and write
    the county summary beside the folder (the same library calls as ``xl-addin summary``:
    the workbook carries the dispatch list and, over several days, the 趋势 sheet; the message
    adds the dispatch list's line, as ``xl-addin dispatch`` prints it)."""
    from .outputs.dispatch import dispatch_line, dispatch_list
    from .outputs.report import totals
    from .outputs.summary import county_summary, write_summary
    from .validation.batch import check_paths

    folder = folder or _pick_folder(book, text("ribbon_pick_folder", lang))
    if not folder:
        raise RibbonError("ribbon_need_folder")
    batch = check_paths([str(folder)])
    summary = county_summary(batch)
    when = (summary.as_of or dt.date.today()).isoformat()
    target = Path(out) if out else _free_path(
        Path(folder).resolve().parent / f"{text('summary_sheet', lang)}_{when}.xlsx")
    write_summary(summary, batch, target, lang)
    _open(book, target)
    message = text("ribbon_summary_done", lang, file=str(target), count=len(summary.townships),
                   bulletin="\n".join([summary.bulletin(lang), *summary.notes(lang),
                                        dispatch_line(dispatch_list(summary), lang)]),
                   totals=text("batch_total", lang, **totals(batch)))
    show(book, message, lang)
    return message


def help_text(lang: Lang = "zh") -> str:
    """One line per FG_ cell function: its arguments and the first line of its description."""
    from .functions import udfs

    lines = [text("ribbon_help_head", lang)]
    for name, function in sorted(vars(udfs).items()):
        if not name.startswith("FG_") or not callable(function):
            continue
        params = []
        for p in inspect.signature(function).parameters.values():
            params.append(p.name if p.default is inspect.Parameter.empty else f"[{p.name}]")
        doc = (inspect.getdoc(function) or "").splitlines()
        lines.append(f"{name}({', '.join(params)}) — {doc[0] if doc else ''}")
    return "\n".join(lines)


def on_help(book: Any, lang: Lang = "zh") -> str:
    """函数帮助: list the FG_ cell functions."""
    message = help_text(lang)
    show(book, message, lang)
    return message


def _dispatcher() -> dict[str, Callable[..., str]]:
    """Button id -> the function of this module that the button table names as its handler
    (``xl_addin.addin_build.buttons``, the table the ribbon XML is written from)."""
    here = globals()
    missing = [b.handler for b in button_table.BUTTONS if not callable(here.get(b.handler))]
    if missing:
        raise ImportError(f"xl_addin.ribbon has no handler {', '.join(missing)} "
                          "named in xl_addin/addin_build/buttons.py")
    return {b.id: here[b.handler] for b in button_table.BUTTONS}


BUTTONS: dict[str, Callable[..., str]] = _dispatcher()


def on_button(book: Any, button_id: str, lang: Lang = "zh") -> str:
    """The one entry point of the VBA callback: run the button's function. A problem the
    clerk can act on is shown as a message (and returned), not as a traceback."""
    handler = BUTTONS.get(button_id)
    if handler is None:
        message = text("ribbon_unknown_button", lang, button=button_id)
        show(book, message, lang)
        return message
    try:
        return handler(book, lang=lang)
    except (RibbonError, ReadError) as exc:
        message = exc.message(lang)
    except Exception as exc:  # shown to the clerk; the traceback goes to the log
        traceback.print_exc()
        message = text("ribbon_failed", lang, detail=f"{type(exc).__name__}: {exc}"[:300])
    show(book, message, lang)
    return message


__all__ = ["BUTTONS", "MARKS_SHEET", "Original", "RibbonError", "grid_from_values", "help_text",
           "mark_book", "on_button", "on_clear", "on_help", "on_new_report", "on_summary",
           "on_validate", "read_marks", "read_sheet", "validate_book", "verdict_text"]
