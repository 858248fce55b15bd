"""The standard workbook as data: the YAML files in ``schemas/`` loaded into typed specs.

One YAML file per sheet lists its columns (header, type, required, unique,
enumeration, range, width, number format, input hint, derived formula) and its
row rules as named, registered checks. The template generator, the reader and
the pandera schemas all read these specs: a header is spelled in one place.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import yaml

from .. import bundled
from ..core.normalize import clean_text

ColumnType = Literal["text", "code", "count", "number", "money", "rate", "date", "month", "yesno"]

NUMBER_FORMATS: dict[str, str] = {
    "text": "@",
    "code": "@",
    "count": "0",
    "number": "#,##0.00",
    "money": "#,##0.00",
    "rate": "0.00%",
    "date": "yyyy-mm-dd",
    "month": "@",
    "yesno": "@",
}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    key: str
    type: ColumnType
    required: bool = False
    unique: bool | str = False  # True: within the sheet; "county": across the batch too
    enum: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    width: int = 12
    hint: str | None = None
    checks: tuple[str, ...] = ()
    derived: str | None = None
    severity: str = "error"
    personal: bool = False
    optional_field: bool = False
    unit: str | None = None  # the standard unit of a number (元, 万元, 人, %, 月 …)
    synonyms: tuple[str, ...] = ()  # other headers counties write for this column

    @property
    def number_format(self) -> str:
        return NUMBER_FORMATS[self.type]


@dataclass(frozen=True)
class CheckSpec:
    """One use of a registered rule (``rules.registry``): its id, its parameters, and the
    severity the schema gives it (None: the rule's default)."""

    check: str
    severity: str | None = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Unit:
    """A unit a header may name in brackets: what it measures and its size in the
    quantity's base unit (万元 is money, 10000; % is a ratio, 1/100)."""

    name: str
    quantity: str
    scale: Fraction


@dataclass(frozen=True)
class HeaderRules:
    """How headers are written in real workbooks (schemas/headers.yaml): the units a
    bracket may name (by ``header_key``), the words that may stand before the unit inside
    the bracket (单位：), and the endings a merged parent header may carry (已返岗人数 over
    省外 reads as 已返岗省外)."""

    units: dict[str, Unit] = field(default_factory=dict)
    unit_prefixes: tuple[str, ...] = ()
    parent_suffixes: tuple[str, ...] = ()

    @functools.cached_property
    def prefixes_sorted(self) -> tuple[str, ...]:
        """The unit prefixes, longest first (单位: before 单位)."""
        return tuple(sorted(self.unit_prefixes, key=len, reverse=True))


@dataclass(frozen=True)
class SheetSpec:
    sheet: str
    key: str
    kind: Literal["table", "keyvalue", "summary"]
    title: str
    columns: tuple[ColumnSpec, ...]
    checks: tuple[CheckSpec, ...]
    totals: tuple[str, ...]
    synonyms: tuple[str, ...] = ()  # other names counties give this sheet
    header_rules: HeaderRules = field(default_factory=HeaderRules, compare=False)

    @functools.cached_property
    def by_name(self) -> dict[str, ColumnSpec]:
        return {c.name: c for c in self.columns}

    @functools.cached_property
    def by_key(self) -> dict[str, ColumnSpec]:
        return {c.key: c for c in self.columns}

    def label(self, key: str) -> str:
        """The header (on the 封面: the field name) of the column whose ``key`` is given:
        ``label("as_of")`` → 统计日期. Code names a column by its key, never by its text."""
        return self.by_key[key].name

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class WorkbookSpec:
    name: str
    file_name: str
    sheets: tuple[SheetSpec, ...]
    checks: tuple[CheckSpec, ...]
    # words read in a 是/否 column besides 是/否 (workbook.yaml ``yes_no_words``), each
    # with a 警告: (word, True for 是)
    yes_no: tuple[tuple[str, bool], ...] = ()

    @functools.cached_property
    def yes_no_words(self) -> dict[str, bool]:
        return dict(self.yes_no)

    def sheet(self, name: str) -> SheetSpec:
        for spec in self.sheets:
            if spec.sheet == name or spec.key == name:
                return spec
        raise KeyError(name)

    @property
    def data_sheets(self) -> tuple[SheetSpec, ...]:
        return tuple(s for s in self.sheets if s.kind == "table")

    @property
    def cover(self) -> SheetSpec:
        """The 封面: the one key/value sheet."""
        return next(s for s in self.sheets if s.kind == "keyvalue")


def header_key(text: object) -> str:
    """How headers are compared: NFKC (full-width （） → (), ＡＧＭ → AGM), no white space
    at all (spaces, line breaks, U+3000), no invisible format characters (zero-width
    spaces, BOM)."""
    key = "".join(clean_text(text).split())
    return key if key.isascii() else key.translate(_INVISIBLE)


# the invisible format characters met in pasted text: soft hyphen, zero-width space / non-
# joiner / joiner, marks of direction, word joiner, BOM (zero-width no-break space)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"))


def unit_of_name(name: str) -> str | None:
    """The unit a standard header names in its closing bracket (金额（万元） → 万元), or None
    (村（社区） names none: the caller checks the text against the declared unit)."""
    key = header_key(name)
    if key.endswith(")") and "(" in key:
        return key[key.rindex("(") + 1:-1]
    return None


def schema_dir() -> Path:
    """``schemas/`` beside the package in a checkout, ``xl_addin/_schemas`` in a wheel."""
    return bundled("schemas")


def _check(raw: dict[str, Any]) -> CheckSpec:
    raw = dict(raw)
    name = raw.pop("check")
    severity = raw.pop("severity", None)
    return CheckSpec(name, severity, raw)


def _sheet(raw: dict[str, Any], rules: HeaderRules | None = None) -> SheetSpec:
    kind = raw.get("kind", "table")
    columns = tuple(
        ColumnSpec(**{**c, "enum": tuple(c.get("enum", ())), "checks": tuple(c.get("checks", ())),
                      "synonyms": tuple(c.get("synonyms", ()))})
        for c in raw.get("columns", raw.get("fields", ()))
    )
    return SheetSpec(
        sheet=raw["sheet"],
        key=raw.get("key", raw["sheet"]),
        kind=kind,
        title=raw.get("title", raw["sheet"]),
        columns=columns,
        checks=tuple(_check(c) for c in raw.get("checks", ())),
        totals=tuple(raw.get("totals", ())),
        synonyms=tuple(raw.get("synonyms", ())),
        header_rules=rules or HeaderRules(),
    )


def _header_rules(raw: dict[str, Any] | None) -> HeaderRules:
    """schemas/headers.yaml: ``units: {name: {quantity, scale, aliases}}``, ``unit_prefixes``
    and ``parent_suffixes``."""
    raw = raw or {}
    units: dict[str, Unit] = {}
    for name, entry in (raw.get("units") or {}).items():
        unit = Unit(str(name), entry["quantity"], Fraction(str(entry.get("scale", 1))))
        for alias in (name, *entry.get("aliases", ())):
            key = header_key(alias)
            if key in units:
                raise ValueError(f"headers.yaml: unit {alias!r} is declared twice")
            units[key] = unit
    return HeaderRules(units, tuple(header_key(p) for p in raw.get("unit_prefixes", ())),
                       tuple(header_key(s) for s in raw.get("parent_suffixes", ())))


def _load_yaml(path: Path) -> Any:
    """One YAML file, with libyaml's C loader when PyYAML has it (ten times faster: the
    schemas are read at the start of every check)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@functools.cache
def load_workbook_spec(directory: str | None = None) -> WorkbookSpec:
    """Load ``workbook.yaml`` and the sheet files it names."""
    base = Path(directory) if directory else schema_dir()
    top = _load_yaml(base / "workbook.yaml")
    rules = _header_rules(_load_yaml(base / top["headers"]) if top.get("headers") else None)
    sheets = tuple(
        _sheet(_load_yaml(base / name), rules) for name in top["sheets"]
    )
    words = top.get("yes_no_words", {})
    yes_no = tuple((clean_text(w), answer == "是") for answer in ("是", "否")
                   for w in words.get(answer, ()))
    return WorkbookSpec(top["name"], top["file_name"], sheets,
                        tuple(_check(c) for c in top.get("checks", ())), yes_no)


@functools.cache
def cover_label(key: str) -> str:
    """The name of a 封面 field of the standard workbook, by its key in schemas/cover.yaml:
    ``township`` → 填报单位, ``division_code`` → 区划代码, ``as_of`` → 统计日期."""
    return load_workbook_spec().cover.label(key)


def sheet_order() -> dict[str, int]:
    """Sheet name → position in the standard workbook."""
    return {s.sheet: i for i, s in enumerate(load_workbook_spec().sheets)}
