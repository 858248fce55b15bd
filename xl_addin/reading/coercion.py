"""Turn raw cell values into typed column values, noting every clerk quirk.

Each quirk is either coerced with a 警告 that shows the original text, or
refused with an 错误; error values and uncalculated formulas are never read as
blank. The parsers are the calculation core's, so a cell function and the
validator read a cell the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from ..core.errors import CalcError
from ..core.messages import shown
from ..core.normalize import (
    INVISIBLE_RE,
    clean_text,
    has_invisible,
    month_text,
    normalize_code,
    parse_date,
    parse_month,
    parse_month_day,
    parse_number,
    parse_yes_no,
)
from ..core.numbers import to_decimal
from ..model.spec import ColumnType, load_workbook_spec
from .cell_markers import CellError, Uncalculated


class Quirk(NamedTuple):
    """A finding about one value of a column, before it is given an address."""

    index: int
    rule: str  # a rule of rules/cell.py, which holds its severity
    original: Any
    value: Any = None


class Coerced(NamedTuple):
    values: list[Any]  # typed values; None where blank or unusable
    quirks: list[Quirk]
    unusable: set[int]  # positions whose value could not be read (no further checks)


# rules of their own a parser refuses a value with (instead of the column's ``bad_*``): the
# CalcError's code is the rule, its ``value`` what was probably meant
REFUSALS = frozenset({"rate_as_points", "code_as_number"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return clean_text(value), ("invisible_char" if has_invisible(value) else None)
    if isinstance(value, bool):  # TRUE/FALSE in a text column: a formula or a slip, not text
        raise CalcError("not_text", value=value)
    if _is_number(value):
        return (str(int(value)) if float(value).is_integer() else str(value)), None
    if isinstance(value, dt.datetime | dt.date):
        return shown(value), None
    return clean_text(value), None


# Excel keeps 15 significant digits: a code of 16 digits or more typed into a cell of the
# General format became a number whose last digits are zeros (or float noise)
DIGITS_KEPT = 10**15


def _code(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool | dt.date):
        raise CalcError("not_text", value=value)
    if _is_number(value):
        if abs(value) >= DIGITS_KEPT:
            raise CalcError("code_as_number", original=shown(value), value=None)
        if float(value).is_integer():
            return str(int(value)), None
    text = value if isinstance(value, str) else str(value)
    code = normalize_code(text)
    return code, (None if code == text.strip() else "code_normalized")


def _count(value: Any) -> tuple[Any, str | None]:
    if _is_number(value):
        if float(value).is_integer() and value >= 0:
            return int(value), None
        raise CalcError("negative", value=value)
    number = parse_number(value)
    if number != number.to_integral_value() or number < 0:
        raise CalcError("negative", value=value)
    return int(number), "number_as_text"


def _number(value: Any) -> tuple[Any, str | None]:
    if _is_number(value):
        return float(value), None
    number = parse_number(value)
    return float(number), "number_as_text"


def _rate(value: Any) -> tuple[Any, str | None]:
    if _is_number(value):
        number, quirk = to_decimal(value), None
    else:
        number = parse_number(value)
        quirk = "percent_text" if clean_text(value).endswith("%") else "number_as_text"
    if number > 1:  # 16 for 16%: read as 1600% it would be a wrong figure, never a rate
        raise CalcError("rate_as_points", original=shown(value), value=f"{number.normalize():f}%")
    return float(number), quirk


def _date(value: Any, as_of: dt.date | None = None) -> tuple[Any, str | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if _is_number(value):
        return parse_date(value), "date_serial"
    month_day = parse_month_day(value) if as_of is not None else None
    if month_day is not None and as_of is not None:
        try:
            return dt.date(as_of.year, *month_day), "date_without_year"
        except ValueError as exc:
            raise CalcError("not_a_date", value=value) from exc
    return parse_date(value), "date_as_text"


def _month(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dt.date):
        return month_text(parse_month(value)), None
    month = month_text(parse_month(value))
    if isinstance(value, str) and clean_text(value) == month:
        return month, None
    return month, "month_as_text"


def _yesno(value: Any, words: Mapping[str, bool] | None = None) -> tuple[Any, str | None]:
    if isinstance(value, str) and value in ("是", "否"):
        return value == "是", None
    try:
        return parse_yes_no(value), "yes_no_coerced"
    except CalcError:
        word = clean_text(value) if isinstance(value, str) else None
        if words is not None and word in words:
            return words[word], "yes_no_coerced"
        raise


PARSERS: dict[str, tuple[Callable[[Any], tuple[Any, str | None]], str]] = {
    "text": (_text, "bad_text"),
    "code": (_code, "bad_text"),
    "count": (_count, "bad_count"),
    "number": (_number, "bad_number"),
    "money": (_number, "bad_number"),
    "rate": (_rate, "bad_rate"),
    "date": (_date, "bad_date"),
    "month": (_month, "bad_month"),
    "yesno": (_yesno, "bad_yes_no"),
}


def _untidy(values: Sequence[str], joined: str) -> bool:
    """Any empty value, or one with leading or trailing white space. ``joined`` is the
    values joined by line breaks: when splitting it at white space gives the values back,
    no value holds any (one C-level pass); otherwise each value is looked at."""
    if joined.split() == list(values):
        return False
    return any(not v or v[0].isspace() or v[-1].isspace() for v in values)


_CODES = re.compile(r"[0-9A-Z\n-]*")


def _fast(values: Sequence[Any], kind: ColumnType) -> list[Any] | None:
    """The typed column when every value is already clean for ``kind`` (the common case of a
    well-kept sheet), else None and the careful path runs. Each test is one C-level pass
    over the whole column."""
    types = set(map(type, values))
    if kind in ("count", "number", "money", "rate") and types <= {float, int}:
        if kind == "rate" and values and max(values) > 1:
            return None  # a rate typed as points (16 for 16%)
        if kind != "count":
            return [float(v) for v in values]
        return _whole_counts(values)
    if kind == "date" and types <= {dt.date}:
        return list(values)
    if kind == "yesno" and types <= {str} and set(values) <= {"是", "否"}:
        return [v == "是" for v in values]
    if kind in ("text", "code") and types <= {str}:
        joined = "\n".join(values)
        if (joined.count("\n") != len(values) - 1 or _untidy(values, joined)
                or not unicodedata.is_normalized("NFKC", joined)
                or INVISIBLE_RE.search(joined)):
            return None
        if kind == "code" and not _CODES.fullmatch(joined):
            return None
        return list(values)
    return None


def _whole_counts(values: Sequence[float | int]) -> list[int] | None:
    """The values as ``int`` when every one is a whole number from 0 to below 2**53 (where
    every integer is exact as a float); otherwise None and the careful path runs.

    In polars, imported here and not with the module (the command's own process reads
    packages but never loads polars; the worker that coerces has it loaded): a 60,000-row
    column takes ~1.5 ms, against ~7 ms for ``int()`` value by value in Python."""
    import polars as pl

    column = pl.Series(values, dtype=pl.Float64, strict=False)  # an int past 1e308: null
    whole = (column >= 0) & (column < 2**53) & (column == column.floor())  # NaN: False
    if not whole.all(ignore_nulls=False):  # None when there is a null and no False
        return None
    return column.cast(pl.Int64).to_list()


def yes_no_words() -> Mapping[str, bool]:
    """The words the schema accepts in a 是/否 column besides 是/否 (workbook.yaml's
    ``yes_no_words``): √ → True, × → False …"""
    return load_workbook_spec().yes_no_words


def coerce_column(values: Sequence[Any], kind: ColumnType, as_of: dt.date | None = None,
                  words: Mapping[str, bool] | None = None) -> Coerced:
    """Coerce one column of raw values to ``kind``. ``as_of`` (统计日期) gives a date typed
    without its year (3月5日) its year; ``words`` are the yes/no words besides 是/否
    (default: the standard workbook's)."""
    fast = _fast(values, kind)
    if fast is not None:
        return Coerced(fast, [], set())
    parse, bad_rule = PARSERS[kind]
    if kind == "date" and as_of is not None:
        parse = functools.partial(_date, as_of=as_of)
    elif kind == "yesno":
        parse = functools.partial(_yesno, words=yes_no_words() if words is None else words)
    out: list[Any] = [None] * len(values)
    quirks: list[Quirk] = []
    unusable: set[int] = set()
    for i, raw in enumerate(values):
        if raw is None or raw == "":
            continue
        if isinstance(raw, CellError):
            quirks.append(Quirk(i, "formula_error", raw.code))
            unusable.add(i)
            continue
        if isinstance(raw, Uncalculated):
            quirks.append(Quirk(i, "uncalculated", str(raw)))
            unusable.add(i)
            continue
        if isinstance(raw, str) and (not raw.strip()
                                     or (has_invisible(raw) and not clean_text(raw))):
            continue
        try:
            value, quirk = parse(raw)
        except CalcError as exc:
            if exc.code in REFUSALS:
                quirks.append(Quirk(i, exc.code, raw, exc.params["value"]))
            else:
                quirks.append(Quirk(i, bad_rule, raw))
            unusable.add(i)
            continue
        out[i] = value
        if quirk is not None:
            quirks.append(Quirk(i, quirk, raw, shown(value)))
    return Coerced(out, quirks, unusable)
