"""The 身份证号 check over a whole column at once, in polars expressions.

``core.codes.validate_id_number`` is the one definition of the rule (the cell functions use
it alone); this is its vectorised twin for the worker, which has polars loaded already, so
that a 60,000-row roster is not checked value by value. A value the fast path cannot judge
exactly as the scalar check would (not 17 ASCII digits and a digit or X: spaces, lower case,
full-width digits, a wrong length) is handed to the scalar check. tests/test_codes.py holds
the two to the same verdict, value by value.

polars is imported when a column is checked, not with the module: the command's own process
must never load it (tests/test_cli.py).
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

from ..core.codes import ID_CHECK, ID_WEIGHTS, division_codes, validate_id_number
from ..core.errors import CalcError

if TYPE_CHECKING:
    import polars as pl

STRICT = r"^[0-9]{17}[0-9X]$"  # ASCII only: the regex engine's [0-9] is the ASCII range
MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # by month; 0 for month 0


def valid_id_numbers(values: list[str]) -> list[bool]:
    """``validate_id_number`` over many values at once: True where the value passes."""
    import polars as pl

    if not values:
        return []
    text = pl.Series("v", values, dtype=pl.String)
    strict = text.str.contains(STRICT)
    if not strict.any():
        return [_passes(v) for v in values]
    ok = _strict_ok(text.filter(strict)).to_list()
    if strict.all():
        return ok
    fast = iter(ok)
    return [next(fast) if s else _passes(v) for s, v in zip(strict.to_list(), values,
                                                             strict=True)]


def _passes(value: str) -> bool:
    try:
        validate_id_number(value)
    except CalcError:
        return False
    return True


def _strict_ok(text: pl.Series) -> pl.Series:
    """Whether each value passes, for values matching ``STRICT`` only (18 ASCII bytes): the
    bytes of each are its characters, a digit's value is its byte less ord("0")."""
    import polars as pl

    names = [f"d{i}" for i in range(18)]
    frame = (pl.DataFrame({"v": text})
             .with_columns(pl.col("v").cast(pl.Binary).cast(pl.List(pl.UInt8)).alias("bytes"))
             .with_columns(pl.col("bytes").list.get(i).cast(pl.Int32).alias(name)
                           for i, name in enumerate(names)))
    digit = [pl.col(name) - ord("0") for name in names[:17]]
    total = functools.reduce(operator.add, (d * w for d, w in zip(digit, ID_WEIGHTS,
                                                                  strict=True)))
    expected = _check_bytes().gather(total % 11)  # ID_CHECK[total % 11], as a byte
    year, month, day = (functools.reduce(lambda n, d: n * 10 + d, digit[first:last])
                        for first, last in ((6, 10), (10, 12), (12, 14)))
    return frame.select(
        (pl.col("d17") == expected) & _real_date(year, month, day)
        & pl.col("v").str.slice(0, 6).is_in(_divisions())).to_series()


def _real_date(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whether year-month-day is a date from 0001-01-01 to 9999-12-31 of the Gregorian
    calendar, as ``datetime.date`` accepts."""
    import polars as pl

    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (month >= 1) & (month <= 12)
    longest = (pl.lit(pl.Series(MONTH_DAYS, dtype=pl.Int32))
               .gather(pl.when(month_ok).then(month).otherwise(0))
               + (leap & (month == 2)).cast(pl.Int32))
    return (year >= 1) & month_ok & (day >= 1) & (day <= longest)


def _check_bytes() -> pl.Expr:
    """The bytes of ``ID_CHECK``, to gather the check character of each row from."""
    import polars as pl

    return pl.lit(pl.Series(list(ID_CHECK.encode("ascii")), dtype=pl.Int32))


@functools.cache
def _divisions() -> list[str]:
    """python-stdnum's division codes (``core.codes.division_codes``), for ``is_in``."""
    return sorted(division_codes())
