"""Rules of one workbook: the file itself (the guard, the reader and the worker apply
them), its sheets, and its sheets against each other (``exists_in`` of workbook.yaml).
Light: no polars, no pydantic (the command's own process reports a worker's failure).
The rules of 封面 are in ``cover``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model.findings import Severity
from .registry import REGISTRY, Args, Rule, Scope, Source, declare, register

E, W = Severity.ERROR, Severity.WARNING

# --- the file (reading/guard.py, reading/reader.py, validation/batch.py) ------------------

for _id, _doc in (
    ("file_missing", "the file does not exist or cannot be accessed"),
    ("file_unreadable", "the file cannot be read (permissions, I/O error)"),
    ("file_symlink", "the path is a symbolic link (not followed, for safety)"),
    ("file_not_regular", "the path is a folder, device or pipe"),
    ("file_too_large", "the file is larger than --max-size"),
    ("file_encrypted", "the workbook has a password to open"),
    ("file_not_xlsx", "the file is not a workbook that can be read (.xlsx/.xlsm, BIFF8 .xls, "
     ".ods), whatever its extension"),
    ("file_corrupt", "the workbook is damaged"),
    ("file_zip_bomb", "the workbook would unpack to more than --max-unpacked"),
    ("file_hostile_xml", "a part of the workbook declares XML entities (a DTD)"),
    ("file_too_many_cells", "a sheet spans more cells than the reader may allocate"),
    ("file_crashed", "reading the file exceeded --max-memory or killed its process"),
    ("file_timeout", "reading the file took longer than --timeout"),
    ("worker_failed", "checking the file failed in its worker process"),
):
    declare(_id, Scope.WORKBOOK, Source.FILE, E, _doc)
FILE_CRASHED, WORKER_FAILED = REGISTRY["file_crashed"], REGISTRY["worker_failed"]
# the file is read by its content; a name that says otherwise is worth a word
FORMAT_MISMATCH = declare("file_format_mismatch", Scope.WORKBOOK, Source.FILE, W,
                          "the file's extension names another format than its content "
                          "(an .xlsx saved as .xls …): read as what it is")

MISSING_SHEET = declare("missing_sheet", Scope.WORKBOOK, Source.LAYOUT, E,
                        "a standard sheet is missing")

# --- between the sheets of one workbook (workbook.yaml ``checks:``) ------------------------


def _exists_in(tables: dict[str, Any], args: Args) -> Iterator[tuple[int, Any]]:
    """(row index, value) of every value of ``args.sheet``'s ``args.column`` that none of
    the (sheet, column) pairs of ``args.in`` lists. ``tables`` maps a sheet's name to its
    typed columns (lists of values) — only the sheets present."""
    values = tables.get(args["sheet"], {}).get(args["column"])
    if values is None:
        return
    known: set[Any] = set()
    for other, column in args["in"]:
        known.update(v for v in tables.get(other, {}).get(column, ()) if v is not None)
    for i, value in enumerate(values):
        if value is not None and value not in known:
            yield i, value


def _exists_in_explain(args: Args, value: Any) -> dict[str, Any]:
    where = " 或 ".join(f"{other}.{column}" for other, column in args["in"])
    return {"column": args["column"], "value": value, "where": where}


register(Rule("exists_in", Scope.WORKBOOK, Source.WORKBOOK, E,
              "a value of one sheet must be listed in another sheet (e.g. a hazard's "
              "enterprise among the enterprises or projects)",
              params=("sheet", "column", "in"), test=_exists_in, explain=_exists_in_explain))
