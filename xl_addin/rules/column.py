"""Rules of a column as a whole: a value that must not repeat, one liaison officer per
enterprise. ``facts`` computes, once per sheet, what the message of a failing row needs
(how many rows name the same officer)."""

from __future__ import annotations

from typing import Any

import polars as pl

from ..core.messages import shown
from ..model.findings import Severity
from .context import RuleContext
from .registry import Args, Rule, Scope, Source, register


def _unique(args: Args, row: dict[str, Any], ctx: Any, fact: Any) -> dict[str, Any]:
    return {"column": args["column"], "value": shown(row.get(args["column"]))}


register(Rule("unique", Scope.COLUMN, Source.COLUMN, Severity.ERROR,
              "a value of a column that must be unique repeats within the sheet",
              explain=_unique))


def liaison_counts(officers: pl.Series) -> pl.Series:
    """For each row, how many rows name the same 联络人 (None for a blank)."""
    frame = officers.alias("officer").to_frame()
    return frame.select(pl.when(pl.col("officer").is_not_null())
                        .then(pl.len().over("officer"))).to_series()


def _shared_liaison(df: pl.DataFrame, args: Args, ctx: RuleContext) -> pl.Series:
    officers = df[args["column"]]
    return ~(officers.is_not_null() & (liaison_counts(officers) > 1)).fill_null(False)


register(Rule(
    "shared_liaison", Scope.COLUMN, Source.SCHEMA, Severity.ERROR,
    "one liaison officer per enterprise (一企一员): an officer named on several rows",
    params=("column",), optional=("of",), test=_shared_liaison,
    facts=lambda df, args: liaison_counts(df[args["column"]]),
    explain=lambda args, row, ctx, count: {"value": shown(row[args["column"]]),
                                           "count": int(count)}))
