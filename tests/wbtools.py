"""Small standard workbooks built by the tests themselves (openpyxl only), and helpers to
look up findings by cell. Expected values in the tests come from workbook.md, not from
running the code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from xl_addin.model.findings import Finding
from xl_addin.outputs.template import build_template
from xl_addin.validation.workbook import ValidatedWorkbook, validate_path

TOWN = "泷泊镇"
AS_OF = dt.date(2020, 3, 11)
ENTERPRISES = "规模工业企业"
# The header line of 规模工业企业 in workbook.md, in order (A … M).
ENTERPRISE_HEADERS = ["序号", "企业名称", "统一社会信用代码", "行业类别", "企业规模", "是否开复工",
                      "开复工日期", "职工总数", "已上岗人数", "其中外地返岗人数", "驻企联络员",
                      "联络员电话", "存在困难和问题"]

# GB 32100: 18 characters, check digits over this alphabet; the organisation code
# (positions 9-17) carries its own GB 11714 check digit.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(serial: int) -> str:
    """A valid credit code of a 双牌县 (431123) enterprise, different for each ``serial``."""
    body = f"MA{serial:06d}"
    org_sum = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                  for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    org = body + {10: "X", 11: "0"}.get(11 - org_sum % 11, str(11 - org_sum % 11))
    first17 = "91431123" + org
    total = sum(_USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


def enterprise(n: int, **changes: Any) -> dict[str, Any]:
    """A row of 规模工业企业 that satisfies every rule of workbook.md."""
    row = {"序号": n, "企业名称": f"双牌县第{n}木业有限公司", "统一社会信用代码": uscc(n),
           "行业类别": "木材加工", "企业规模": "小型", "是否开复工": "是",
           "开复工日期": dt.date(2020, 2, 20), "职工总数": 100, "已上岗人数": 90,
           "其中外地返岗人数": 10, "驻企联络员": f"联络员{n}", "联络员电话": f"1390746{n:04d}"}
    row.update(changes)
    return row


def new_book(filled_by: str = "李四") -> Workbook:
    """The generated template of 泷泊镇 for 2020-03-11 with its cover complete."""
    book = build_template(TOWN, AS_OF)
    cover = book["封面"]
    for row in cover.iter_rows(min_col=1, max_col=2):
        if row[0].value == "填报人":
            row[1].value = filled_by
    return book


def fresh_sheet(book: Workbook, name: str):
    """Replace sheet ``name`` by an empty sheet of the same name at the same place."""
    index = book.sheetnames.index(name)
    del book[name]
    return book.create_sheet(name, index)


def write_rows(ws, rows: list[dict[str, Any]], header_row: int = 1) -> None:
    """Write ``rows`` (header → value) below the header row, matching headers by text."""
    columns = {str(c.value).strip(): c.column for c in ws[header_row] if c.value is not None}
    for r, row in enumerate(rows, start=header_row + 1):
        for header, value in row.items():
            ws.cell(r, columns[header], value)


def check(book: Workbook, tmp_path: Path, name: str = f"{TOWN}_2020-03-11.xlsx",
          **options: Any) -> ValidatedWorkbook:
    path = tmp_path / name
    book.save(path)
    result = validate_path(path, **options)
    assert result.error is None, result.error
    return result


def at(result: ValidatedWorkbook, sheet: str, cell: str) -> list[Finding]:
    return [f for f in result.findings if f.sheet == sheet and f.cell == cell]


def cells(result: ValidatedWorkbook, severity: str | None = None) -> set[tuple[str, str]]:
    return {(f.sheet, f.cell) for f in result.findings
            if severity is None or f.severity.value == severity}
