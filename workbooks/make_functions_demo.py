"""Generate ``workbooks/functions-demo.xlsx``: every FG_ cell function in use.

    python workbooks/make_functions_demo.py [--out PATH]

One sheet, 函数示例, with a row per function: its name, the Chinese description,
the arguments, the example formula as text, the example's inputs in cells, the
formula itself (``=FG_…(E4,F4,…)`` over those cells) and the expected result
beside it, computed here by calling ``xl_addin.functions.udfs`` (and checked against the
result documented in ``xl_addin.functions.docs``). A last column compares the two
in Excel. The formula cells calculate only in Windows Excel with the xlwings
add-in; the sheet ``xlwings.conf`` sets the add-in's ``UDF Modules`` for this
workbook.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from xl_addin.functions import udfs  # noqa: E402
from xl_addin.functions.docs import DOCS, FunctionDoc  # noqa: E402
from xl_addin.xlwings_udfs import MODULE  # noqa: E402

OUT = HERE / "functions-demo.xlsx"
SHEET = "函数示例"
HEADER_ROW = 3
INPUTS = 7  # the most input cells any example needs (FG_SI_EXEMPTION)
FIRST_INPUT = 5  # column E
HEADERS = ["函数", "说明", "参数", "示例公式（文本）",
           *[f"输入{i}" for i in range(1, INPUTS + 1)],
           "公式（需 xlwings 加载项）", "预期结果（Python 计算）", "核对"]
FORMULA_COL = FIRST_INPUT + INPUTS
EXPECTED_COL = FORMULA_COL + 1
CHECK_COL = FORMULA_COL + 2
NOTE = ("说明：“公式”列只有在 Windows 版 Excel 中安装 xlwings 加载项、把 UDF Modules 设为 "
        f"{MODULE}（本工作簿的 xlwings.conf 工作表已设置）、另存为 .xlsm、"
        "在 VBA 编辑器中引用 xlwings 并点击 Import Functions 后才能计算；"
        "在 macOS、WPS 或未导入函数时显示 #NAME?。“预期结果”由 "
        "workbooks/make_functions_demo.py 调用 xl_addin.functions.udfs 计算，“核对”列比较两者。")


def _cells(value: Any) -> list[Any]:
    """The cells an example argument occupies: one, or a row of a range."""
    if isinstance(value, list):
        if len(value) != 1:
            raise ValueError("a demo range must be one row")
        return list(value[0])
    return [value]


def expected(doc: FunctionDoc) -> Any:
    """The example's result from the Python functions, which must be the documented one."""
    result = udfs.FUNCTIONS[doc.name](*doc.example)
    if result != doc.expected or type(result) is not type(doc.expected):
        raise ValueError(f"{doc.name}: udfs gives {result!r}, the docs say {doc.expected!r}")
    return result


def _write_function(ws: Any, row: int, doc: FunctionDoc) -> None:
    ws.cell(row, 1, doc.name).font = Font(bold=True)
    ws.cell(row, 2, doc.description)
    ws.cell(row, 3, "\n".join(f"{a}：{text}" for a, text in doc.args.items()))
    text = ws.cell(row, 4, doc.formula())
    text.data_type, text.quotePrefix = "s", True  # shown as text, not calculated
    refs: list[str] = []
    col = FIRST_INPUT
    for value in doc.example:
        cells = _cells(value)
        first = col
        for cell_value in cells:
            cell = ws.cell(row, col, cell_value)
            if isinstance(cell_value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell_value, str):
                cell.number_format = "@"
            col += 1
        start, end = f"{get_column_letter(first)}{row}", f"{get_column_letter(col - 1)}{row}"
        refs.append(start if start == end else f"{start}:{end}")
    if col > FIRST_INPUT + INPUTS:
        raise ValueError(f"{doc.name}: more than {INPUTS} input cells")
    ws.cell(row, FORMULA_COL, doc.formula(refs))
    ws.cell(row, EXPECTED_COL, expected(doc))
    formula, want = (f"{get_column_letter(c)}{row}" for c in (FORMULA_COL, EXPECTED_COL))
    ws.cell(row, CHECK_COL, f'=IF({formula}={want},"一致","不一致")')


def build() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.cell(1, 1, "复工复产 FG_ 单元格函数示例").font = Font(bold=True, size=14)
    ws.cell(2, 1, NOTE).alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=CHECK_COL)
    ws.row_dimensions[2].height = 48
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, title in enumerate(HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, col, title)
        cell.font, cell.fill = Font(bold=True), fill
    for row, doc in enumerate(DOCS.values(), start=HEADER_ROW + 1):
        _write_function(ws, row, doc)
        for col in (2, 3):
            ws.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    widths = {1: 28, 2: 48, 3: 44, 4: 46, FORMULA_COL: 40, EXPECTED_COL: 24, CHECK_COL: 8}
    for col in range(1, CHECK_COL + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 13)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)

    conf = wb.create_sheet("xlwings.conf")  # read by the xlwings add-in for this workbook
    conf["A1"], conf["B1"] = "UDF Modules", MODULE
    conf.column_dimensions["A"].width = 16
    conf.column_dimensions["B"].width = 28
    fixed = dt.datetime(2020, 3, 11)
    wb.properties.creator = "xl_addin workbooks/make_functions_demo.py"
    wb.properties.created = wb.properties.modified = fixed
    return wb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    build().save(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
