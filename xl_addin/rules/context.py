"""What the rules of one sheet need besides its rows, and plain values from pandas."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core.policy import Policy
from ..model.spec import SheetSpec


@dataclass(frozen=True)
class RuleContext:
    """统计日期, the policy and the sheet's spec, for the rules of one sheet."""

    as_of: dt.date
    policy: Policy
    sheet: SheetSpec
    # the typed columns as plain Python lists (what the coercion produced), so that the
    # rules need not convert pandas columns back; may be empty
    values: dict[str, list[Any]] = field(default_factory=dict)

    def column(self, df: pd.DataFrame | pd.Series, name: str | None = None) -> list[Any]:
        """The plain values of column ``name`` of ``df`` (or of the series ``df``)."""
        series = df if name is None else df[name]
        key = series.name if name is None else name
        known = self.values.get(key) if isinstance(key, str) else None
        if known is not None and len(known) == len(series):
            return known
        return column_values(series)


# The context of the sheet being validated. The pandera schemas are built once per sheet
# layout and cached; what differs between workbooks (统计日期, policy) comes from here.
CURRENT: ContextVar[RuleContext] = ContextVar("xl_addin_rule_context")


def python_value(value: Any) -> Any:
    """A pandas cell as a plain Python value (None for missing; dates as datetime.date)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def column_values(series: pd.Series) -> list[Any]:
    """A column as plain Python values: None for missing, dates as datetime.date."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if v is pd.NaT else v.date() for v in series.tolist()]
    return series.astype(object).where(series.notna(), None).tolist()
