"""The data dictionary (填报说明) of the standard workbook, generated from the specs.

What a campaign sends out with its template: every sheet, its columns (type, unit,
required, unique, allowed values, range, notes) and its rules in plain words. One
structure (``build_dictionary``) is rendered twice: as Markdown (``docs/workbook.md``,
``xl-addin dictionary``) and as the 填报说明 sheet of the template (``write_sheet``).
Every word comes from the catalog (``doc_*`` entries of ``core.messages``): a rule kind
``k`` is described by ``doc_k``, so ``describe_check`` serves any other page that lists
the rules.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..core.messages import Lang, shown, text
from ..model.findings import Severity
from ..model.spec import (
    CheckSpec,
    ColumnSpec,
    SheetSpec,
    WorkbookSpec,
    load_workbook_spec,
    unit_of_name,
)
from ..rules.cell import CELL_RULES, WAN_LIMIT
from ..rules.derived import MONEY_TOLERANCE
from .atomic import put_text
from .styles import HEADER_FILL, HEADER_FONT

REGENERATE = "xl-addin dictionary --out docs/workbook.md"
DOC_PATH = "docs/workbook.md"


CONVENTIONS = ("doc_conv_header", "doc_conv_total", "doc_conv_as_of", "doc_conv_money",
               "doc_conv_rate", "doc_conv_dates", "doc_conv_codes", "doc_conv_severity")
TABLE_FIELDS = ("doc_col_name", "doc_col_type", "doc_col_unit", "doc_col_required",
                "doc_col_unique", "doc_col_choices", "doc_col_range", "doc_col_notes")
_NUMERIC = {"count", "number", "money", "rate"}


@dataclass(frozen=True)
class ColumnEntry:
    """One column (or cover field) as the dictionary describes it: the texts of its cells."""

    name: str
    type: str
    unit: str
    required: str
    unique: str
    choices: str
    range: str
    notes: str

    def cells(self) -> tuple[str, ...]:
        return (self.name, self.type, self.unit, self.required, self.unique, self.choices,
                self.range, self.notes)


@dataclass(frozen=True)
class RuleEntry:
    """One rule in plain words; ``severity`` is "error" or "warning"."""

    kind: str
    text: str
    severity: str

    def shown(self, lang: Lang) -> str:
        return self.text + (text("doc_warning", lang) if self.severity == "warning" else "")


@dataclass(frozen=True)
class SheetEntry:
    sheet: str
    title: str
    purpose: str
    columns: tuple[ColumnEntry, ...]
    rules: tuple[RuleEntry, ...]


# --- words -------------------------------------------------------------------------------

def _join(items: Iterable[str], lang: Lang, sep: str = "doc_list_sep") -> str:
    return text(sep, lang).join(items)


def _number(value: float) -> str:
    return shown(float(value))


def _percent(value: float) -> str:
    return f"{(Decimal(str(value)) * 100).normalize():f}%"


def column_type(column: ColumnSpec, lang: Lang) -> str:
    return text(f"doc_type_{column.type}", lang)


def column_unit(column: ColumnSpec, lang: Lang) -> str:
    """The unit of a column: the standard unit its schema declares (``unit:`` 人, 元, 万元),
    else the bracket that ends a numeric column's header ((元), (万元), (月)), else that of
    its type (元 for money, % for rates), else nothing."""
    if column.unit:
        return column.unit
    if column.type in _NUMERIC and (named := unit_of_name(column.name)):
        return named
    if column.type in ("money", "rate"):
        return text(f"doc_unit_{column.type}", lang)
    return ""


def column_choices(column: ColumnSpec, lang: Lang) -> str:
    if column.enum:
        return _join(column.enum, lang)
    if column.type == "yesno":
        return _join((shown(True), shown(False)), lang)
    return ""


def column_range(column: ColumnSpec, lang: Lang) -> str:
    """The range a column's values must lie in (a whole number is never negative)."""
    fmt = _percent if column.type == "rate" else _number
    low = column.min if column.min is not None else (0 if column.max is not None
                                                    or column.type == "count" else None)
    if low is None and column.max is None:
        return ""
    if column.max is None:
        out = text("doc_range_min", lang, low=fmt(low))
    elif low is None:
        out = text("doc_range_max", lang, high=fmt(column.max))
    else:
        out = text("doc_range_between", lang, low=fmt(low), high=fmt(column.max))
    if column.severity == "warning" and (column.min is not None or column.max is not None):
        out += text("doc_warning", lang)
    return out


def describe_cell_rule(rule: str, lang: Lang = "zh") -> str:
    """A cell rule (``checks: [uscc]`` of a column) in plain words."""
    out = text(f"doc_cell_{rule}", lang, limit=_number(WAN_LIMIT))
    only_warns = rule in CELL_RULES and CELL_RULES[rule].severity is Severity.WARNING
    return out + (text("doc_warning", lang) if only_warns else "")


def describe_derived(column: ColumnSpec, lang: Lang = "zh") -> str:
    """How a derived column is computed, and how the typed value is held against it."""
    check = text("doc_derived_check", lang)
    if column.type == "money":
        check += text("doc_derived_tolerance", lang, tolerance=str(MONEY_TOLERANCE))
    out = text(f"doc_derived_{column.derived}", lang) + text("doc_note_sep", lang) + check
    return out + (text("doc_warning", lang) if column.severity == "warning" else "")


def column_notes(column: ColumnSpec, lang: Lang) -> str:
    """The 说明 of a column: hint, cell rules, how a derived value is computed, and the
    column's particulars; a note already said by a longer one is left out."""
    notes = [column.hint or ""]
    notes += [describe_cell_rule(rule, lang) for rule in column.checks]
    if column.derived:
        notes.append(describe_derived(column, lang))
    if column.personal:
        notes.append(text("doc_personal", lang))
    if column.optional_field:
        notes.append(text("doc_optional_field", lang))
    notes = [n for n in notes if n]
    kept = [n for i, n in enumerate(notes)
            if not any(n in other and (n != other or j < i) for j, other in enumerate(notes)
                       if j != i)]
    return _join(kept, lang, "doc_note_sep")


def column_entry(column: ColumnSpec, lang: Lang = "zh") -> ColumnEntry:
    yes, no = text("doc_yes", lang), text("doc_no", lang)
    unique = (text("doc_unique_county", lang) if column.unique == "county"
              else yes if column.unique else no)
    return ColumnEntry(column.name, column_type(column, lang), column_unit(column, lang),
                       yes if column.required else no, unique, column_choices(column, lang),
                       column_range(column, lang), column_notes(column, lang))


def _args(check: CheckSpec, lang: Lang) -> dict[str, Any]:
    args = check.args
    params: dict[str, Any] = {k: v for k, v in args.items() if isinstance(v, str)}
    if "equals" in args:
        params["equals"] = shown(args["equals"])
    if "as" in args:
        params["other"] = args["as"]
    if "columns" in args:
        params["columns"] = _join(args["columns"], lang)
        params["a"], params["b"] = [*args["columns"], "", ""][:2]
    if "parts" in args:
        params["parts"] = " + ".join(args["parts"])
    if "in" in args:
        params["where"] = _join((text("doc_of", lang, sheet=s, column=c) for s, c in args["in"]),
                                lang, "doc_or")
    return params


def describe_check(check: CheckSpec, lang: Lang = "zh") -> str:
    """A rule of ``schemas/`` (a sheet's ``checks:`` entry or one of workbook.yaml) in plain
    words, without its severity. A date chain (a ≤ b ≤ c) reads as one sentence per pair."""
    if check.check == "date_order":
        columns = check.args["columns"]
        return _join((text("doc_date_order", lang, earlier=a, later=b)
                      for a, b in itertools.pairwise(columns)), lang, "doc_rule_sep")
    return text(f"doc_{check.check}", lang, **_args(check, lang))


def rule_entry(check: CheckSpec, lang: Lang = "zh") -> RuleEntry:
    return RuleEntry(check.check, describe_check(check, lang), check.severity)


def totals_entry(sheet: SheetSpec, lang: Lang = "zh") -> RuleEntry:
    return RuleEntry("totals", text("doc_totals", lang, columns=_join(sheet.totals, lang)),
                     "error")


# --- the dictionary ------------------------------------------------------------------------

def _purpose_key(sheet: SheetSpec) -> str:
    return "doc_sheet_" + {"keyvalue": "cover", "summary": "summary"}.get(sheet.kind, sheet.key)


def sheet_entry(sheet: SheetSpec, spec: WorkbookSpec, lang: Lang = "zh",
                township: str | None = None) -> SheetEntry:
    purpose = text(_purpose_key(sheet), lang)
    layout = {"keyvalue": "doc_layout_keyvalue", "summary": "doc_layout_summary"}.get(sheet.kind)
    if layout:
        purpose += text("doc_sentence_sep", lang) + text(layout, lang)
    rules = [rule_entry(c, lang) for c in sheet.checks]
    rules += [rule_entry(c, lang) for c in spec.checks if c.args.get("sheet") == sheet.sheet]
    if sheet.totals:
        rules.append(totals_entry(sheet, lang))
    title = sheet.title.format(township=township or text("doc_township", lang))
    return SheetEntry(sheet.sheet, title, purpose,
                      tuple(column_entry(c, lang) for c in sheet.columns), tuple(rules))


def build_dictionary(spec: WorkbookSpec | None = None, lang: Lang = "zh",
                     township: str | None = None) -> tuple[SheetEntry, ...]:
    """Every sheet of the standard workbook, in its order, as the dictionary describes it."""
    spec = spec or load_workbook_spec()
    return tuple(sheet_entry(s, spec, lang, township) for s in spec.sheets)


def headers(lang: Lang = "zh") -> tuple[str, ...]:
    return tuple(text(key, lang) for key in TABLE_FIELDS)


# --- Markdown --------------------------------------------------------------------------------

def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(_md_cell(c) for c in cells) + " |"


def markdown(spec: WorkbookSpec | None = None, lang: Lang = "zh",
             command: str = REGENERATE) -> str:
    """The dictionary as Markdown (docs/workbook.md), its first line naming the ``command``
    that wrote it."""
    spec = spec or load_workbook_spec()
    lines = [f"> {text('doc_generated', lang, command=command)}", "",
             f"# {text('doc_title', lang, workbook=spec.name)}", "",
             f"## {text('doc_conventions', lang)}", ""]
    lines += [f"- {text(key, lang)}" for key in CONVENTIONS]
    for number, entry in enumerate(build_dictionary(spec, lang), start=1):
        lines += ["", f"## {number}. {entry.sheet}", "",
                  text("doc_section", lang, title=f"**{entry.title}**", purpose=entry.purpose)]
        if entry.columns:
            names = headers(lang)
            lines += ["", _md_row(names), "|" + "---|" * len(names)]
            lines += [_md_row(c.cells()) for c in entry.columns]
        if entry.rules:
            lines += ["", f"**{text('doc_rules', lang)}**", ""]
            lines += [f"{i}. {_md_cell(r.shown(lang))}" for i, r in enumerate(entry.rules, 1)]
    return "\n".join(lines) + "\n"


# --- the 填报说明 sheet ------------------------------------------------------------------------

WIDTHS = (14, 22, 12, 8, 6, 10, 22, 12, 52)   # 工作表 + the columns of TABLE_FIELDS
LINE_HEIGHT = 15.0                            # points per line of wrapped text
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_SECTION_FILL = PatternFill("solid", fgColor="FFF2CC")


def _display_width(value: str) -> int:
    """Columns a text takes: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def _lines(value: str, width: float) -> int:
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in value.split("\n"))


def _put(ws: Any, row: int, col: int, value: str, **style: Any) -> None:
    cell = ws.cell(row, col)
    put_text(cell, value)   # a text, never a formula ("= 数量 × 单价" stays text)
    cell.alignment = _WRAP
    for name, setting in style.items():
        setattr(cell, name, setting)


def _wide_row(ws: Any, row: int, label: str, value: str, *, bold: bool = False,
              fill: PatternFill | None = None) -> None:
    """A row whose text spans the table: label in A, text merged over B…last."""
    last = len(WIDTHS)
    font = Font(bold=bold)
    _put(ws, row, 1, label, font=Font(bold=True), border=_BORDER)
    _put(ws, row, 2, value, font=font)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
    for col in range(1, last + 1):
        ws.cell(row, col).border = _BORDER
        if fill is not None:
            ws.cell(row, col).fill = fill
    ws.row_dimensions[row].height = LINE_HEIGHT * _lines(value, sum(WIDTHS[1:]))


def write_sheet(ws: Any, spec: WorkbookSpec | None = None, lang: Lang = "zh",
                township: str | None = None) -> None:
    """Fill ``ws`` (an empty openpyxl worksheet) with the dictionary, ready to print: a
    header row frozen and repeated on every page, wrapped text, landscape, one page wide."""
    spec = spec or load_workbook_spec()
    for j, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _put(ws, 1, 1, text("doc_title", lang, workbook=spec.name), font=Font(bold=True, size=14))
    _put(ws, 2, 1, text("doc_generated_sheet", lang), font=Font(color="808080"))
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WIDTHS))
    ws.row_dimensions[1].height = 2 * LINE_HEIGHT
    header = (text("doc_col_sheet", lang), *headers(lang))
    for j, name in enumerate(header, start=1):
        _put(ws, 3, j, name, font=HEADER_FONT, fill=HEADER_FILL, border=_BORDER)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    row = 4
    for i, key in enumerate(CONVENTIONS, start=1):
        _wide_row(ws, row, text("doc_conventions", lang) if i == 1 else "",
                  f"{i}. {text(key, lang)}")
        row += 1
    for entry in build_dictionary(spec, lang, township):
        _wide_row(ws, row, entry.sheet,
                  text("doc_section", lang, title=entry.title, purpose=entry.purpose),
                  bold=True, fill=_SECTION_FILL)
        row += 1
        for column in entry.columns:
            cells = (entry.sheet, *column.cells())
            for j, value in enumerate(cells, start=1):
                _put(ws, row, j, value, border=_BORDER)
            ws.row_dimensions[row].height = LINE_HEIGHT * max(
                _lines(v, w) for v, w in zip(cells, WIDTHS, strict=True))
            row += 1
        for i, rule in enumerate(entry.rules, start=1):
            _wide_row(ws, row, text("doc_rules", lang) if i == 1 else "",
                      f"{i}. {rule.shown(lang)}")
            row += 1
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
