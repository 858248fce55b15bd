"""What the rules of one sheet need besides its rows, and plain values from polars."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ..core.policy import Policy
from ..model.spec import SheetSpec


@dataclass
class RuleContext:
    """统计日期, the policy and the sheet's spec, for the rules of one sheet."""

    as_of: dt.date
    policy: Policy
    sheet: SheetSpec
    # the typed columns as plain Python lists (what the coercion produced), so that the
    # rules need not convert polars columns back; may be empty
    values: dict[str, list[Any]] = field(default_factory=dict)
    # the typed sheet the rules run on (set before pandera runs them)
    frame: pl.DataFrame | None = None
    # what each use of a rule decided (by its tag): True where a row passes
    passed: dict[str, pl.Series] = field(default_factory=dict)

    def column(self, df: pl.DataFrame | pl.Series, name: str | None = None) -> list[Any]:
        """The plain values of column ``name`` of ``df`` (or of the series ``df``)."""
        series = df if isinstance(df, pl.Series) else df[name]
        key = series.name if name is None else name
        known = self.values.get(key)
        if known is not None and len(known) == len(series):
            return known
        return column_values(series)


# The context of the sheet being validated. The pandera schemas are built once per sheet
# layout and cached; what differs between workbooks (统计日期, policy) comes from here.
CURRENT: ContextVar[RuleContext] = ContextVar("xl_addin_rule_context")


def python_value(value: Any) -> Any:
    """A cell of a typed sheet as a plain Python value (None for missing; a float NaN as
    None too). polars already gives ``datetime.date`` for a date."""
    if isinstance(value, float) and value != value:
        return None
    return value


def column_values(series: pl.Series) -> list[Any]:
    """A column as plain Python values: None for missing, dates as datetime.date."""
    return series.to_list()
