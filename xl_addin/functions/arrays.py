"""Range-in, range-out plumbing for the cell functions.

Excel hands a cell function either a scalar or a range. xlwings gives a range
as a list of rows (``ndim=2``) and Python callers may pass a flat list (taken as
one column). ``broadcast`` applies a scalar function position by position and
returns the shape it was given, turning every ``CalcError`` into the short
Chinese text a cell shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.errors import CalcError
from ..core.messages import text
from ..core.normalize import is_blank

Shape = tuple[int, int]


def _shape(value: Any) -> Shape | None:
    if not isinstance(value, list | tuple):
        return None
    if value and all(isinstance(row, list | tuple) for row in value):
        return len(value), max((len(row) for row in value), default=0)
    return len(value), 1


def _at(value: Any, flat: bool, i: int, j: int) -> Any:
    if not isinstance(value, list | tuple):
        return value
    if flat:
        return value[i] if len(value) > 1 else value[0]
    row = value[i] if len(value) > 1 else value[0]
    if not isinstance(row, list | tuple):
        return row
    if len(row) == 1:
        return row[0]
    return row[j] if j < len(row) else None


def safe(func: Callable[..., Any], *args: Any) -> Any:
    """Call ``func``; a ``CalcError`` becomes its cell text, never an exception."""
    try:
        return func(*args)
    except CalcError as exc:
        return exc.cell_text()
    except Exception as exc:  # a cell must never show a traceback
        return text("internal_error", detail=type(exc).__name__)


def broadcast(func: Callable[..., Any], *args: Any, blank_when_blank: int | None = None) -> Any:
    """Apply ``func`` position by position over scalar and range arguments.

    Ranges must share a shape (a 1×1 range or a scalar is repeated). When the
    first ``blank_when_blank`` arguments of a position are all blank, the
    position is left blank: a whole-column formula gives blanks on empty rows.
    """
    shapes = [(arg, _shape(arg)) for arg in args]
    ranges = [(arg, s) for arg, s in shapes if s is not None]
    width = blank_when_blank if blank_when_blank is not None else len(args)

    def one(values: tuple[Any, ...]) -> Any:
        if width and all(is_blank(v) for v in values[:width]):
            return ""
        return safe(func, *values)

    if not ranges:
        return one(args)
    big = [s for _, s in ranges if s != (1, 1)]
    rows, cols = big[0] if big else ranges[0][1]
    if any(s != (rows, cols) for s in big):
        return [[CalcError("shape_mismatch").cell_text()] * cols for _ in range(rows)]
    flat_out = all(not (v and isinstance(v[0], list | tuple)) for v, _ in ranges)
    flats = [isinstance(a, list | tuple) and not (a and isinstance(a[0], list | tuple))
             for a in args]
    grid = [
        [one(tuple(_at(a, f, i, j) for a, f in zip(args, flats, strict=True)))
         for j in range(cols)]
        for i in range(rows)
    ]
    if flat_out and cols == 1:
        return [row[0] for row in grid]
    return grid


def cells(value: Any) -> list[Any]:
    """Every cell of a scalar or a range, row by row."""
    shape = _shape(value)
    if shape is None:
        return [value]
    out: list[Any] = []
    for row in value:
        out.extend(row if isinstance(row, list | tuple) else [row])
    return out
