"""The standard workbook as data: the YAML files in ``schemas/`` loaded into typed specs.

One YAML file per sheet lists its columns (header, type, required, unique,
enumeration, range, width, number format, input hint, derived formula) and its
row rules as named, registered checks. The template generator, the reader and
the pandera schemas all read these specs: a header is spelled in one place.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
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
class SheetSpec:
    sheet: str
    key: str
    kind: Literal["table", "keyvalue", "summary"]
    title: str
    columns: tuple[ColumnSpec, ...]
    checks: tuple[CheckSpec, ...]
    totals: tuple[str, ...]

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
    """How headers are compared: NFKC (full-width （） → ()), no white space at all."""
    return "".join(clean_text(text).split())


def schema_dir() -> Path:
    """``schemas/`` beside the package in a checkout, ``xl_addin/_schemas`` in a wheel."""
    return bundled("schemas")


def _check(raw: dict[str, Any]) -> CheckSpec:
    raw = dict(raw)
    name = raw.pop("check")
    severity = raw.pop("severity", None)
    return CheckSpec(name, severity, raw)


def _sheet(raw: dict[str, Any]) -> SheetSpec:
    kind = raw.get("kind", "table")
    columns = tuple(
        ColumnSpec(**{**c, "enum": tuple(c.get("enum", ())), "checks": tuple(c.get("checks", ()))})
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
    )


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
    sheets = tuple(
        _sheet(_load_yaml(base / name)) for name in top["sheets"]
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
