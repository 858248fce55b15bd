"""The dispatch list (日调度): every issue of 问题交办台账 still open on the day summarised
(办理中, 逾期) across the townships, by 承办部门 and by 问题类别, with the days left or
overdue, and every hazard not 已销号, overdue first. One sheet per department ready to
send, the hazards on their own sheet, and JSON (docs/formats.md).

The day's workbooks are those of the county summary (``summary.county_summary``: one
统计日期, the newest workbook per township), so the list and the summary never disagree on
which files were read. The open rows and their status come from each Outcome's
``open_items`` (validation/worker.py, status by ``core.status``)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..core.messages import Lang, text
from ..core.status import HazardStatus
from ..model.spec import load_workbook_spec
from .atomic import put_text, write_atomic
from .print_setup import apply_print_setup
from .styles import HEADER_FILL, HEADER_FONT

if TYPE_CHECKING:  # summary.build_workbook calls this module: no import back at run time
    from .summary import CountySummary

HEADER_ROW = 3  # every sheet written here: title (1), scope line (2), header (3)
SHEET_NAME_LIMIT = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class OpenItem:
    """One open row of a township's workbook, with its days to the deadline."""

    township: str
    workbook: str
    sheet: str
    cell: str
    values: dict[str, Any]  # by column key (validation/worker.py ISSUE_FIELDS / HAZARD_FIELDS)
    status: str
    days_left: int | None  # deadline − day summarised, when not past it
    days_overdue: int | None  # day summarised − deadline, when past it

    @property
    def overdue(self) -> bool:
        return self.days_overdue is not None

    def to_json(self) -> dict[str, Any]:
        return {"township": self.township, "workbook": self.workbook, "sheet": self.sheet,
                "cell": self.cell, **{k: _json(v) for k, v in self.values.items()},
                "status": self.status, "days_left": self.days_left,
                "days_overdue": self.days_overdue}


@dataclass
class DispatchList:
    as_of: dt.date | None
    issues: list[OpenItem]  # in sending order: overdue first (most overdue), then days left
    hazards: list[OpenItem]
    categories: tuple[str, ...]  # the four work groups, in the schema's order
    summary: CountySummary

    def departments(self, no_department: str) -> dict[str, list[OpenItem]]:
        """The open issues by 承办部门 (departments in order of their first, most urgent,
        issue); an issue with no 承办部门 under ``no_department``."""
        out: dict[str, list[OpenItem]] = {}
        for item in self.issues:
            out.setdefault(item.values.get("department") or no_department, []).append(item)
        return out

    def by_category(self) -> dict[str, dict[str, int]]:
        out = {c: {"open": 0, "overdue": 0} for c in self.categories}
        for item in self.issues:
            entry = out.setdefault(str(item.values.get("category") or ""),
                                   {"open": 0, "overdue": 0})
            entry["open"] += 1
            entry["overdue"] += item.overdue
        return out

    def to_json(self) -> dict[str, Any]:
        """docs/formats.md: the keys do not depend on --lang (no 承办部门: the key "")."""
        departments = self.departments("")
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "townships_reported": self.summary.reported,
            "townships_missing": self.summary.missing if self.summary.knows_missing else None,
            "workbooks_not_used": [{"workbook": r.display,
                                    "as_of": r.as_of.isoformat() if r.as_of else None}
                                   for r in self.summary.not_used],
            "issues": [i.to_json() for i in self.issues],
            "hazards": [h.to_json() for h in self.hazards],
            "by_department": {
                name: {"open": len(items), "overdue": sum(i.overdue for i in items),
                       "by_category": {c: sum(i.values.get("category") == c for i in items)
                                       for c in self.categories},
                       "issues": [i.values.get("id") for i in items]}
                for name, items in departments.items()},
            "by_category": self.by_category(),
            "hazards_overdue": sum(h.overdue for h in self.hazards),
        }


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def dispatch_list(summary: CountySummary) -> DispatchList:
    """The dispatch list of the day of a county summary (its workbooks, its 统计日期)."""
    issues: list[OpenItem] = []
    hazards: list[OpenItem] = []
    spec = load_workbook_spec()
    for result in summary.townships:
        township = result.township or os.path.basename(result.display)
        for key, bucket in (("issues", issues), ("hazards", hazards)):
            for values in result.open_items.get(key, []):
                fields = {k: v for k, v in values.items() if k not in ("cell", "status")}
                left, overdue = _days(values, summary.as_of)
                bucket.append(OpenItem(township, result.display, spec.sheet(key).sheet,
                                       values["cell"], fields, values["status"], left,
                                       overdue))
    order = {t.display: n for n, t in enumerate(summary.townships)}
    issues.sort(key=lambda i: _urgency(i, order))
    hazards.sort(key=lambda i: _urgency(i, order))
    categories = spec.sheet("issues").by_key["category"].enum
    return DispatchList(summary.as_of, issues, hazards, categories, summary)


def _days(values: dict[str, Any], as_of: dt.date | None) -> tuple[int | None, int | None]:
    """(days left, days overdue) to the deadline on ``as_of``: on the deadline day 0 days
    left (not yet overdue, as ``core.status`` says). None when there is no deadline, and for
    a hazard already fixed and awaiting its review (its deadline was for the fix)."""
    deadline = values.get("deadline")
    if as_of is None or not isinstance(deadline, dt.date):
        return None, None
    if values["status"] == HazardStatus.AWAITING_REVIEW:
        return None, None
    gap = (deadline - as_of).days
    return (gap, None) if gap >= 0 else (None, -gap)


def _urgency(item: OpenItem, order: dict[str, int]) -> tuple[Any, ...]:
    """Overdue first (the longest overdue first), then the fewest days left, then those with
    no deadline; then township (the summary's order) and the row."""
    if item.days_overdue is not None:
        rank: tuple[int, int] = (0, -item.days_overdue)
    elif item.days_left is not None:
        rank = (1, item.days_left)
    else:
        rank = (2, 0)
    return (*rank, order.get(item.workbook, 0), _row_number(item.cell))


def _row_number(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def sheet_name(wanted: str, taken: Iterable[str]) -> str:
    """A sheet name Excel accepts, unique in the workbook: no []:*?/\\ (each becomes _), no
    apostrophe at either end, at most 31 characters, not History, compared without case as
    Excel does; a duplicate gets (2), (3) … within the 31 characters."""
    base = _FORBIDDEN.sub("_", wanted).strip().strip("'").strip() or "_"
    if base.lower() == "history":
        base += "_"
    used = {t.lower() for t in taken}
    name, n = base[:SHEET_NAME_LIMIT], 1
    while name.lower() in used:
        n += 1
        suffix = f"({n})"
        name = base[:SHEET_NAME_LIMIT - len(suffix)] + suffix
    return name


def _when(as_of: dt.date | None, lang: Lang) -> str:
    if as_of is None:
        return text("no_date", lang)
    return text("date_phrase", lang, month=as_of.month, day=as_of.day, date=as_of.isoformat())


def _issue_headers(lang: Lang) -> list[str]:
    sheet = load_workbook_spec().sheet("issues")
    return [text("dispatch_col_no", lang), text("township", lang),
            *(sheet.label(k) for k in ("id", "enterprise", "category", "description",
                                       "raised_on", "deadline")),
            text("dispatch_col_days_left", lang), text("dispatch_col_days_overdue", lang),
            sheet.label("status")]


def _hazard_headers(lang: Lang) -> list[str]:
    sheet = load_workbook_spec().sheet("hazards")
    return [text("dispatch_col_no", lang), text("township", lang),
            *(sheet.label(k) for k in ("id", "enterprise", "description", "level", "found_on",
                                       "owner", "deadline")),
            text("dispatch_col_days_left", lang), text("dispatch_col_days_overdue", lang),
            sheet.label("status")]


ISSUE_KEYS = ("id", "enterprise", "category", "description", "raised_on", "deadline")
HAZARD_KEYS = ("id", "enterprise", "description", "level", "found_on", "owner", "deadline")
_WIDTHS = {"id": 12, "enterprise": 26, "category": 10, "description": 34, "raised_on": 11,
           "deadline": 11, "level": 8, "found_on": 11, "owner": 10}


def _sheet(book: Workbook, title: str, headers: list[str], keys: tuple[str, ...],
           items: list[OpenItem], dispatch: DispatchList, lang: Lang, name: str) -> Worksheet:
    ws = book.create_sheet(sheet_name(name, book.sheetnames))
    put_text(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    put_text(ws.cell(2, 1), text("dispatch_scope", lang, scope=dispatch.summary.scope(lang)))
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, j)
        put_text(cell, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for n, item in enumerate(items, start=1):
        row = HEADER_ROW + n
        ws.cell(row, 1, n)
        put_text(ws.cell(row, 2), item.township)
        for j, key in enumerate(keys, start=3):
            value = item.values.get(key)
            cell = ws.cell(row, j)
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif value is not None:
                put_text(cell, str(value))
            if key == "description":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        after = 3 + len(keys)
        ws.cell(row, after, item.days_left)
        ws.cell(row, after + 1, item.days_overdue)
        put_text(ws.cell(row, after + 2), item.status)
        if item.overdue:
            for j in (after + 1, after + 2):
                ws.cell(row, j).font = Font(color="C00000", bold=True)
    if not items:
        put_text(ws.cell(HEADER_ROW + 1, 1), text("dispatch_none", lang))
    widths = [6, 12, *(_WIDTHS.get(k, 12) for k in keys), 9, 9, 11]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(HEADER_ROW, j).column_letter].width = width
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"1:{HEADER_ROW}"  # title, scope and header on every page
    return ws


def add_dispatch_sheets(book: Workbook, dispatch: DispatchList, lang: Lang = "zh"
                        ) -> list[Worksheet]:
    """Add the dispatch list to ``book``: an overview (departments × 问题类别), one sheet per
    承办部门, the hazards. Every sheet has its header on ``HEADER_ROW``. Returns them."""
    when = _when(dispatch.as_of, lang)
    sheets = [_overview(book, dispatch, lang, when)]
    for department, items in dispatch.departments(
            text("dispatch_no_department", lang)).items():
        sheets.append(_sheet(book, text("dispatch_title", lang, department=department,
                                        date_phrase=when),
                             _issue_headers(lang), ISSUE_KEYS, items, dispatch, lang,
                             department))
    sheets.append(_sheet(book, text("dispatch_hazards_title", lang, date_phrase=when),
                         _hazard_headers(lang), HAZARD_KEYS, dispatch.hazards, dispatch, lang,
                         text("dispatch_hazards_sheet", lang)))
    return sheets


def _overview(book: Workbook, dispatch: DispatchList, lang: Lang, when: str) -> Worksheet:
    ws = book.create_sheet(sheet_name(text("dispatch_overview_sheet", lang), book.sheetnames))
    put_text(ws.cell(1, 1), text("dispatch_overview_title", lang, date_phrase=when))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    put_text(ws.cell(2, 1), text("dispatch_scope", lang, scope=dispatch.summary.scope(lang)))
    categories = dispatch.by_category()
    headers = [text("dispatch_col_department", lang), *categories,
               text("dispatch_col_open", lang), text("dispatch_col_overdue", lang)]
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, j)
        put_text(cell, header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    departments = dispatch.departments(text("dispatch_no_department", lang))
    row = HEADER_ROW
    for department, items in departments.items():
        row += 1
        put_text(ws.cell(row, 1), department)
        for j, category in enumerate(categories, start=2):
            ws.cell(row, j, sum(i.values.get("category") == category for i in items))
        ws.cell(row, len(categories) + 2, len(items))
        ws.cell(row, len(categories) + 3, sum(i.overdue for i in items))
    row += 1
    put_text(ws.cell(row, 1), text("total", lang))
    for j, counts in enumerate(categories.values(), start=2):
        ws.cell(row, j, counts["open"])
    ws.cell(row, len(categories) + 2, len(dispatch.issues))
    ws.cell(row, len(categories) + 3, sum(i.overdue for i in dispatch.issues))
    for cell in ws[row]:
        cell.font = Font(bold=True)
    row += 2
    put_text(ws.cell(row, 1), text("dispatch_hazards_line", lang, count=len(dispatch.hazards),
                                   overdue=sum(h.overdue for h in dispatch.hazards)))
    ws.column_dimensions["A"].width = 22
    ws.print_title_rows = f"1:{HEADER_ROW}"
    return ws


def dispatch_workbook(dispatch: DispatchList, lang: Lang = "zh") -> Workbook:
    """The dispatch list alone (``xl-addin dispatch --out``)."""
    book = Workbook()
    book.remove(book.active)
    for sheet in add_dispatch_sheets(book, dispatch, lang):
        apply_print_setup(sheet, dispatch.summary.scope(lang), dispatch.as_of, lang=lang)
    return book


def write_dispatch(dispatch: DispatchList, out: str | os.PathLike[str],
                   lang: Lang = "zh") -> None:
    book = dispatch_workbook(dispatch, lang)
    write_atomic(out, lambda tmp: book.save(tmp))


def render_dispatch(dispatch: DispatchList, console: Console, lang: Lang = "zh") -> None:
    """The list on a terminal (``xl-addin dispatch``): the scope, a table per 承办部门, the
    hazards. Text from the workbooks is printed as text, never as markup."""
    when = _when(dispatch.as_of, lang)
    console.print(Text(text("dispatch_scope", lang, scope=dispatch.summary.scope(lang))))
    for note in dispatch.summary.notes(lang):
        console.print(Text(note, style="red"))
    groups = [(text("dispatch_title", lang, department=d, date_phrase=when), _issue_headers(
        lang), ISSUE_KEYS, items) for d, items in dispatch.departments(
        text("dispatch_no_department", lang)).items()]
    groups.append((text("dispatch_hazards_title", lang, date_phrase=when),
                   _hazard_headers(lang), HAZARD_KEYS, dispatch.hazards))
    for title, headers, keys, items in groups:
        table = Table(title=Text(title), title_justify="left", expand=False)
        for header in headers:
            table.add_column(Text(header), overflow="fold")
        for n, item in enumerate(items, start=1):
            style = "bold red" if item.overdue else ""
            table.add_row(str(n), Text(item.township), *(Text(_shown(item.values.get(k)))
                                                         for k in keys),
                          _shown(item.days_left), Text(_shown(item.days_overdue), style=style),
                          Text(item.status, style=style))
        if not items:
            table.add_row(text("dispatch_none", lang))
        console.print(table)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def dispatch_line(dispatch: DispatchList, lang: Lang = "zh") -> str:
    """One sentence: the open issues (overdue among them) and the hazards not 已销号."""
    return text("dispatch_summary_line", lang, date_phrase=_when(dispatch.as_of, lang),
                issues=len(dispatch.issues),
                overdue=sum(i.overdue for i in dispatch.issues),
                departments=len(dispatch.departments("")),
                hazards=len(dispatch.hazards),
                hazards_overdue=sum(h.overdue for h in dispatch.hazards))


__all__ = ["HEADER_ROW", "DispatchList", "OpenItem", "add_dispatch_sheets",
           "dispatch_line", "dispatch_list", "dispatch_workbook", "render_dispatch", "sheet_name",
           "write_dispatch"]
