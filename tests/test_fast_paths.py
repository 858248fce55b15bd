"""The shortcuts taken for speed (docs/performance.md) give what the plain code gives, at
the edges where a shortcut could differ: integer overflow, float precision, white space."""

from __future__ import annotations

import ast
import json
import math
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xl_addin.outputs.indicators import _total
from xl_addin.reading.coercion import _whole_counts, coerce_column

ROOT = Path(__file__).resolve().parents[1]


def test_count_totals_are_exact_beyond_64_bits():
    series = pl.Series([10**18] * 10 + [None], dtype=pl.Int64)
    assert _total(series) == 10**19


def test_money_totals_add_every_row_exactly():
    series = pl.Series([0.1] * 3 + [2.675, None], dtype=pl.Float64)
    assert _total(series) == Decimal("2.975")


@pytest.mark.parametrize("big", [2**53 - 1, 2**53, 2**53 + 1, 10**20])
def test_whole_counts_keep_every_digit(big):
    assert coerce_column([1, big], "count").values == [1, big]


@pytest.mark.parametrize(("values", "expected"), [
    ([], []),
    ([0.0, 1.0, 3.0], [0, 1, 3]),
    ([3, 4.0], [3, 4]),  # ints and floats mixed
    ([-0.0], [0]),
    ([float(2**53 - 1)], [2**53 - 1]),
    ([float(2**53)], None),  # from here a float may have lost its last digit
    ([1, 2**53], None),
    ([1.0, 2.5], None),
    ([1.0, 1e-300], None),
    ([-1.0, 1.0], None),
    ([1.0, float("nan")], None),
    ([float("nan"), 1.0], None),
    ([float("inf")], None),
    ([float("-inf"), 1.0], None),
    ([1, 10**400], None),  # beyond any float
])
def test_whole_counts_edges(values, expected):
    assert _whole_counts(values) == expected


def _whole(value: float | int) -> bool:
    return not math.isnan(value) and not math.isinf(value) and 0 <= value < 2**53 \
        and int(value) == value


@given(st.lists(st.floats() | st.integers(-5, 2**60) | st.integers(0, 50).map(float)
                | st.sampled_from([2**53 - 1.0, 2**53 * 1.0, 0.5, -0.0, 1e15 + 0.5])))
def test_whole_counts_agree_with_their_definition(values):
    """ints when every value is a whole number from 0 to below 2**53, else None."""
    expected = [int(v) for v in values] if all(map(_whole, values)) else None
    assert _whole_counts(values) == expected
    if expected is not None:
        assert all(type(v) is int for v in _whole_counts(values))


def test_a_count_column_with_a_fraction_is_read_value_by_value():
    coerced = coerce_column([1.0, 2.5, 3.0], "count")
    assert coerced.values == [1, None, 3]
    assert [(q.index, q.rule) for q in coerced.quirks] == [(1, "bad_count")]


def test_no_module_of_the_package_imports_numpy():
    """numpy is no dependency (issue 14): polars and pandera do without it."""
    for path in (ROOT / "xl_addin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n.split(".")[0] == "numpy"], path
    assert "numpy" not in (ROOT / "pyproject.toml").read_text("utf-8")


WITHOUT_NUMPY = """
import json, sys

class NoNumpy:  # as if numpy were not installed: pandera and polars then do without it
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "numpy":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, NoNumpy())
from xl_addin.reading.coercion import coerce_column
from xl_addin.rules.idcard_column import valid_id_numbers
import xl_addin.validation.worker  # what a worker process imports
from xl_addin.validation.workbook import validate_path

result = validate_path(sys.argv[1])
print(json.dumps({
    "findings": [[f.sheet, f.cell, f.rule] for f in result.findings],
    "ids": valid_id_numbers(["11010519491231002X", "110105194912310021", " 11010519491231002x"]),
    "counts": coerce_column([1.0, 2.0, 3], "count").values,
    "numpy": sorted(m for m in sys.modules if m.split(".")[0] == "numpy"),
}))
"""


def test_the_worker_checks_a_workbook_without_numpy():
    """In a process where numpy cannot be imported, the worker reads and checks the planted
    workbook: the wrong 身份证号 (checked in bulk) is found where it was planted."""
    planted = ROOT / "tests" / "data" / "planted" / "planted_泷泊镇_2020-03-11.xlsx"
    run = subprocess.run([sys.executable, "-c", WITHOUT_NUMPY, str(planted)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    out = json.loads(run.stdout)
    assert out["numpy"] == []
    assert ["吸纳就业补贴", "E6", "idcard"] in out["findings"]
    assert len(out["findings"]) > 5
    assert out["ids"] == [True, False, True]
    assert out["counts"] == [1, 2, 3]


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
