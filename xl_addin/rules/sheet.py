"""Rules of a sheet as a whole: its header and fields (the reader applies them), its 合计
and 小计 rows against the sum of the rows they cover, the rows that are not data (notes,
pre-numbered rows, a repeated header, merged cells), and the running stock of 防疫物资 in
date order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.messages import shown
from ..model.findings import Severity
from .registry import Args, Rule, Scope, Source, declare, register

if TYPE_CHECKING:
    import polars as pl

    from .context import RuleContext

E, W = Severity.ERROR, Severity.WARNING

NO_HEADER = declare("no_header", Scope.SHEET, Source.LAYOUT, E,
                    "no header row with the standard headers near the top of the sheet")
MISSING_COLUMN = declare("missing_column", Scope.SHEET, Source.LAYOUT, E,
                         "a standard column is missing (a 警告 when it is optional)")
MISSING_FIELD = declare("missing_field", Scope.SHEET, Source.LAYOUT, E,
                        "a field of 封面 is missing (a 警告 when it is optional)")
BLANK_ROWS_INSIDE = declare("blank_rows_inside", Scope.SHEET, Source.LAYOUT, W,
                            "blank rows inside the data (skipped)")
# --- headers and sheet names as people write them (reading/headers.py, sheet_names.py) ----
HEADER_SYNONYM = declare("header_synonym", Scope.SHEET, Source.LAYOUT, W,
                         "a column found under another name counties use (schemas/ "
                         "``synonyms:``), read as the standard column")
HEADER_UNIT_MISMATCH = declare("header_unit_mismatch", Scope.SHEET, Source.LAYOUT, E,
                               "a header's unit contradicts the standard one (（万元） where 元 "
                               "is expected): the column is not read")
HEADER_UNIT_UNKNOWN = declare("header_unit_unknown", Scope.SHEET, Source.LAYOUT, W,
                              "a number's header ends in a bracket that names no known unit "
                              "(schemas/headers.yaml): read as the standard column")
HEADER_UNIT_MISSING = declare("header_unit_missing", Scope.SHEET, Source.LAYOUT, W,
                              "a header leaves out the unit its standard name gives (金额 for "
                              "金额（万元）): read in the standard unit")
SHEET_NAME_TOLERATED = declare("sheet_name_tolerated", Scope.WORKBOOK, Source.LAYOUT, W,
                               "a standard sheet found under another name (spaces, a name "
                               "counties use, an Excel copy's (2)): read as the standard sheet")
SHEET_AMBIGUOUS = declare("sheet_ambiguous", Scope.WORKBOOK, Source.LAYOUT, E,
                          "two sheets of the workbook can be one standard sheet (the sheet and "
                          "its copy): the closer name is read")
declare("total_row", Scope.SHEET, Source.SCHEMA, E,
        "a 合计 row's figure differs from the sum of the rows (the sheet's ``totals:``)")

# --- where the table ends (reading/table_rows.py; docs/real-workbooks.md) --------------------
declare("subtotal_row", Scope.SHEET, Source.SCHEMA, E,
        "a 小计 row's figure differs from the sum of the rows it covers, since the header or "
        "the last 小计 / 合计 (the sheet's ``totals:``)")
NOTE_ROW = declare("note_row", Scope.SHEET, Source.LAYOUT, W,
                   "a row whose only cell is a long text, read as a note (skipped); one per "
                   "sheet")
SERIAL_ONLY_ROWS = declare("serial_only_rows", Scope.SHEET, Source.LAYOUT, W,
                           "rows with only a 序号 filled in (skipped); one per sheet")
HEADER_REPEATED = declare("header_repeated", Scope.SHEET, Source.LAYOUT, W,
                          "the header row again inside the table (skipped); one per sheet")
MERGED_CELLS = declare("merged_cells", Scope.SHEET, Source.LAYOUT, W,
                       "a value merged over several data rows, read as the value of each row")

STOCK_COLUMNS = ("日期", "物资名称", "收支", "数量")


def stock_after(df: pl.DataFrame) -> pl.Series:
    """The running stock of each 物资名称 after each row, in date order (stable; rows
    without a date last); None for a row without a 物资名称."""
    import polars as pl

    direction = pl.col("收支")
    sign = (pl.when(direction == "入库").then(1.0).when(direction == "发放").then(-1.0)
            .otherwise(0.0))
    delta = df["数量"].cast(pl.Float64).fill_null(0) * df.select(sign).to_series()
    frame = pl.DataFrame({"row": range(len(df)), "date": df["日期"], "item": df["物资名称"],
                          "delta": delta})
    stock = (frame.sort("date", nulls_last=True, maintain_order=True)
             .with_columns(stock=pl.when(pl.col("item").is_not_null())
                           .then(pl.col("delta").cum_sum().over("item")))
             .sort("row"))
    return stock["stock"]


def _running_stock(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    return ~(stock_after(df) < 0).fill_null(False)


def _stock_explain(args: Args, row: dict[str, Any], ctx: Any, stock: Any) -> dict[str, Any]:
    from .context import python_value

    return {"item": shown(row["物资名称"]), "stock": shown(python_value(stock))}


register(Rule("running_stock", Scope.SHEET, Source.SCHEMA, E,
              "the stock of an item, in date order, must never go below zero",
              reads=lambda args: STOCK_COLUMNS, marks=lambda args: "数量",
              test=_running_stock, facts=lambda df, args: stock_after(df),
              explain=_stock_explain))
