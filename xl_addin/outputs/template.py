"""The blank standard workbook, generated from the schemas (never drawn by hand):
headers, widths, number formats, dropdowns, Chinese input hints, frozen header rows,
a filled 封面, a 汇总 sheet of native formulas and, last, the 填报说明 (data dictionary)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.enterprise import township_code
from ..core.messages import text
from ..core.policy import Policy, load_policy
from ..model.spec import SheetSpec, WorkbookSpec, load_workbook_spec
from ..reading.reader import column_letter
from .atomic import write_atomic
from .dictionary import write_sheet
from .indicators import COUNTS, RATES, excel_formula, previous_month
from .print_setup import apply_print_setup
from .styles import HEADER_FILL, HEADER_FONT

TEMPLATE_ROWS = 2000  # rows that carry dropdowns and input hints


def cover_cells(spec: WorkbookSpec) -> dict[str, str]:
    """Where each 封面 field's value sits in the template: B1, B2, …"""
    return {c.name: f"B{i}" for i, c in enumerate(spec.cover.columns, start=1)}


def _write_cover(ws: Any, sheet: SheetSpec, values: dict[str, Any]) -> None:
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 40
    for i, column in enumerate(sheet.columns, start=1):
        ws.cell(i, 1, column.name).font = HEADER_FONT
        cell = ws.cell(i, 2, values.get(column.name))
        cell.number_format = column.number_format
        if column.hint:
            ws.cell(i, 3, column.hint).font = Font(color="808080")


def _data_sheet(ws: Any, sheet: SheetSpec) -> None:
    for j, column in enumerate(sheet.columns):
        letter = column_letter(j)
        cell = ws.cell(1, j + 1, column.name)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[letter].width = column.width
        ws.column_dimensions[letter].number_format = column.number_format
        area = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        choices = column.enum or (("是", "否") if column.type == "yesno" else ())
        prompt = column.hint or ("必填" if column.required else None)
        if choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                  allow_blank=not column.required)
            rule.error, rule.errorTitle = "请从下拉列表中选择: " + "、".join(choices), column.name
            rule.showErrorMessage = True
        elif prompt:
            rule = DataValidation(allow_blank=True)
        else:
            continue
        if prompt:
            rule.promptTitle, rule.prompt, rule.showInputMessage = column.name[:32], prompt, True
        rule.add(area)
        ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


def _summary(ws: Any, spec: WorkbookSpec, month: str) -> None:
    cells = cover_cells(spec)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 8
    for j, title in enumerate(("指标", "数值", "单位"), start=1):
        cell = ws.cell(1, j, title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    rows: dict[str, int] = {}
    r = 2
    for count in COUNTS:
        ws.cell(r, 1, count.title(month))
        ws.cell(r, 2, excel_formula(count, spec, month, cells)).number_format = (
            count.number_format)
        ws.cell(r, 3, count.unit)
        rows[count.key] = r
        r += 1
    for rate in RATES:
        num, den = rows[rate.numerator], rows[rate.denominator]
        ws.cell(r, 1, rate.label)
        ws.cell(r, 2, f'=IF(B{den}=0,"",B{num}/B{den})').number_format = rate.number_format
        rows[rate.key] = r
        r += 1
    ws.freeze_panes = "A2"


def build_template(township: str, as_of: dt.date, policy: Policy | None = None,
                   spec: WorkbookSpec | None = None) -> Workbook:
    """The blank standard workbook of ``township`` for ``as_of``."""
    spec = spec or load_workbook_spec()
    policy = policy or load_policy()
    code = township_code(policy, township) + "000"
    book = Workbook()
    book.remove(book.active)
    month = previous_month(as_of)
    for sheet in spec.sheets:
        ws = book.create_sheet(sheet.sheet)
        if sheet.kind == "keyvalue":
            _write_cover(ws, sheet, {sheet.label("township"): township,
                               sheet.label("division_code"): code, sheet.label("as_of"): as_of})
        elif sheet.kind == "summary":
            _summary(ws, spec, month)
        else:
            _data_sheet(ws, sheet)
            apply_print_setup(ws, township, as_of, signature=True)
    # after every standard sheet: their order and positions stay those of workbook.md
    write_sheet(book.create_sheet(text("doc_sheet")), spec, township=township)
    book.properties.title = f"{township}{spec.name}"
    return book


def write_template(township: str, as_of: dt.date, out: str | os.PathLike[str],
                   policy: Policy | None = None) -> None:
    """Write the template atomically to ``out``."""
    book = build_template(township, as_of, policy)
    write_atomic(out, lambda tmp: book.save(tmp))


def default_file_name(township: str, as_of: dt.date, spec: WorkbookSpec | None = None) -> str:
    spec = spec or load_workbook_spec()
    return spec.file_name.format(township=township, date=as_of.isoformat())
