"""The shortcuts taken for speed (docs/performance.md) give what the plain code gives, at
the edges where a shortcut could differ: integer overflow, float precision, white space."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_addin.outputs.indicators import _total
from xl_addin.reading.coercion import coerce_column


def test_count_totals_are_exact_beyond_64_bits():
    series = pl.Series([10**18] * 10 + [None], dtype=pl.Int64)
    assert _total(series) == 10**19


def test_money_totals_add_every_row_exactly():
    series = pl.Series([0.1] * 3 + [2.675, None], dtype=pl.Float64)
    assert _total(series) == Decimal("2.975")


@pytest.mark.parametrize("big", [2**53 - 1, 2**53, 2**53 + 1, 10**20])
def test_whole_counts_keep_every_digit(big):
    assert coerce_column([1, big], "count").values == [1, big]


@pytest.mark.parametrize("kind", ["text", "code"])
@given(values=st.lists(st.text(st.sampled_from("aA1合 \u3000\t\xa0\u2028\r\n-"), max_size=4),
                       max_size=6))
def test_text_fast_path_agrees_with_the_careful_one(kind, values):
    """A tidy column of text is taken as it is after one C-level test; a number appended
    to the column forces the value-by-value path. Both must read the values alike."""
    fast = coerce_column(values, kind)
    careful = coerce_column([*values, 1], kind)
    assert fast.values == careful.values[:-1]
    assert fast.quirks == [q for q in careful.quirks if q.index < len(values)]
