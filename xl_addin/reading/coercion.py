"""Turn raw cell values into typed column values, noting every clerk quirk.

Each quirk is either coerced with a 警告 that shows the original text, or
refused with an 错误; error values and uncalculated formulas are never read as
blank. The parsers are the calculation core's, so a cell function and the
validator read a cell the same way.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..core.errors import CalcError
from ..core.messages import shown
from ..core.normalize import (
    clean_text,
    month_text,
    normalize_code,
    parse_date,
    parse_month,
    parse_number,
    parse_yes_no,
)
from ..model.spec import ColumnType
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


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str):
        return clean_text(value), None
    if _is_number(value):
        return (str(int(value)) if float(value).is_integer() else str(value)), None
    if isinstance(value, dt.datetime | dt.date):
        return shown(value), None
    return clean_text(value), None


def _code(value: Any) -> tuple[Any, str | None]:
    if _is_number(value) and float(value).is_integer():
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
        return float(value), None
    number = parse_number(value)
    return float(number), ("percent_text" if clean_text(value).endswith("%") else "number_as_text")


def _date(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if _is_number(value):
        return parse_date(value), "date_serial"
    return parse_date(value), "date_as_text"


def _month(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, dt.date):
        return month_text(parse_month(value)), None
    month = month_text(parse_month(value))
    if isinstance(value, str) and clean_text(value) == month:
        return month, None
    return month, "month_as_text"


def _yesno(value: Any) -> tuple[Any, str | None]:
    if isinstance(value, str) and value in ("是", "否"):
        return value == "是", None
    return parse_yes_no(value), "yes_no_coerced"


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
                or not unicodedata.is_normalized("NFKC", joined)):
            return None
        if kind == "code" and not _CODES.fullmatch(joined):
            return None
        return list(values)
    return None


def _whole_counts(values: Sequence[float | int]) -> list[int] | None:
    """The values as ``int`` when every one is a whole number from 0 to below 2**53 (where
    every integer is exact as a float); otherwise None and the careful path runs."""
    array = np.fromiter(values, dtype=float, count=len(values))
    if not ((array >= 0) & (array < 2**53) & (array == np.floor(array))).all():
        return None
    return array.astype(np.int64).tolist()


def coerce_column(values: Sequence[Any], kind: ColumnType) -> Coerced:
    """Coerce one column of raw values to ``kind``."""
    fast = _fast(values, kind)
    if fast is not None:
        return Coerced(fast, [], set())
    parse, bad_rule = PARSERS[kind]
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
        if isinstance(raw, str) and not raw.strip():
            continue
        try:
            value, quirk = parse(raw)
        except CalcError:
            quirks.append(Quirk(i, bad_rule, raw))
            unusable.add(i)
            continue
        out[i] = value
        if quirk is not None:
            quirks.append(Quirk(i, quirk, raw, shown(value)))
    return Coerced(out, quirks, unusable)
