"""Normalising what clerks type: full-width characters, text numbers, text dates.

Each parser accepts the clean form and the common clerk forms, and raises
``CalcError`` with a message code for anything else. Whether a coercion
deserves a warning is the reader's decision, not the parser's.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from .errors import CalcError
from .numbers import to_decimal

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 for serials > 60
MAX_SERIAL = 2958465  # 9999-12-31

YES = frozenset({"是", "TRUE", "Y", "YES", "1"})
NO = frozenset({"否", "FALSE", "N", "NO", "0"})


# Characters a cell can hold that show as nothing, or as an ordinary space, but are not one:
# the no-break space (U+00A0, pasted from web pages and WeChat) and the zero-width ones
# (U+200B … U+200D, U+2060 word joiner, U+FEFF byte order mark). A value holding one looks
# like 小型 on the screen but is not 小型 to COUNTIF or VLOOKUP.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = "\u00a0" + ZERO_WIDTH
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_DROP_ZERO_WIDTH = dict.fromkeys(map(ord, ZERO_WIDTH))


def clean_text(value: object) -> str:
    """Trim, make full-width characters half-width and a no-break space a space (NFKC), and
    drop the zero-width characters anywhere; ``None`` → ``""``."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).translate(_DROP_ZERO_WIDTH).strip()


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a no-break or zero-width space (``INVISIBLE``)."""
    return INVISIBLE_RE.search(text) is not None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and clean_text(value) == "")


def normalize_code(value: object) -> str:
    """A code as typed: NFKC, spaces removed, letters upper-cased."""
    if type(value) is str and value.isascii() and value.isalnum():
        return value.upper()
    return re.sub(r"\s+", "", clean_text(value)).upper()


def parse_yes_no(value: object) -> bool:
    """是/否 (also TRUE/FALSE, booleans) → bool."""
    if isinstance(value, bool):
        return value
    text = clean_text(value).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CalcError("not_yes_no", value=value)


_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(value: object) -> Decimal:
    """A number, or text holding one: ``" 12 "``, ``"1,234"``, ``"１２３"``, ``"96.3%"``."""
    if isinstance(value, bool) or value is None:
        raise CalcError("not_a_number", value=value)
    if isinstance(value, int | float | Decimal):
        return to_decimal(value)
    text = clean_text(value).replace(" ", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if _GROUPED_RE.match(text):
        text = text.replace(",", "")
    if not _NUMBER_RE.match(text):
        raise CalcError("not_a_number", value=value)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
        raise CalcError("not_a_number", value=value) from exc
    return number / 100 if percent else number


def parse_count(value: object) -> int:
    """A head count or other whole, non-negative number."""
    number = parse_number(value)
    if number != number.to_integral_value():
        raise CalcError("not_an_integer", value=value)
    if number < 0:
        raise CalcError("negative", value=value)
    return int(number)


def from_serial(serial: float | int | Decimal) -> dt.date:
    """An Excel (1900 system) serial number → date. Serial 60 (the phantom 1900-02-29)
    and anything out of range are refused."""
    whole = int(serial)
    if whole < 1 or whole > MAX_SERIAL or whole == 60:
        raise CalcError("not_a_date", value=serial)
    if whole < 60:
        return EXCEL_EPOCH + dt.timedelta(days=whole + 1)
    return EXCEL_EPOCH + dt.timedelta(days=whole)


_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: object) -> dt.date:
    """A date, or ISO text, 2020年2月3日, 2020.2.3, 2020/2/3, 20200203, or an Excel serial."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise CalcError("not_a_date", value=value)
    if isinstance(value, int | float | Decimal):
        return from_serial(value)
    text = clean_text(value)
    match = _DATE_RE.match(text) or _COMPACT_RE.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise CalcError("not_a_date", value=value) from exc
    try:
        return from_serial(parse_number(text))
    except CalcError as exc:
        raise CalcError("not_a_date", value=value) from exc


_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")


def parse_month_day(value: object) -> tuple[int, int] | None:
    """A date written without its year (3月5日, 3月5号) → (month, day), else None. Whether
    the month and day exist is checked once a year is given."""
    if not isinstance(value, str):
        return None
    match = _MONTH_DAY_RE.match(clean_text(value))
    return (int(match[1]), int(match[2])) if match else None


def parse_optional_date(value: object) -> dt.date | None:
    return None if is_blank(value) else parse_date(value)


_MONTH_RE = re.compile(r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?$")


def parse_month(value: object) -> tuple[int, int]:
    """A month: ``2020-02``, ``2020年2月``, ``2020.2``, a date, or an Excel serial."""
    if isinstance(value, dt.date | int | float | Decimal) and not isinstance(value, bool):
        try:
            day = parse_date(value)
        except CalcError as exc:
            raise CalcError("not_a_month", value=value) from exc
        return day.year, day.month
    text = clean_text(value)
    match = _MONTH_RE.match(text)
    if match and 1 <= int(match[2]) <= 12:
        return int(match[1]), int(match[2])
    try:
        day = parse_date(text)
    except CalcError as exc:
        raise CalcError("not_a_month", value=value) from exc
    return day.year, day.month


def month_text(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"
