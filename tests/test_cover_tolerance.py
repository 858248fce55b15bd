"""The 封面 as clerks lay it out (issue 12, 封面; docs/real-workbooks.md): labels with colons
or spaces, a label and its value in one cell, title rows, 填报单位 written as the
township's government or with the county's name. Expected values written from the issue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xl_addin.core.policy import load_policy
from xl_addin.model.spec import load_workbook_spec
from xl_addin.reading.reader import cover_from_grid
from xl_addin.rules.cover import match_township

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_workbook_spec().cover
DAY = dt.datetime(2020, 3, 11)


def _grid(*rows: list[object]) -> list[list[object]]:
    return [list(r) for r in rows]


def _read(grid, row0=0, col0=0):
    findings: list = []
    cover = cover_from_grid(grid, row0, col0, "封面", SPEC, "x.xlsx", findings)
    return cover, findings


STANDARD = [["区划代码", "431123100000"], ["统计日期", DAY], ["填报人", "李满秀"],
            ["联系电话", "18942670619"], ["审核人", "张静"]]


@pytest.mark.parametrize("label", ["填报单位：", "填报单位:", "填 报 单 位", "填 报 单 位：",
                                   " 填报单位 : ", "填报单位\u00a0：", "填报单位︰"])
def test_a_label_with_a_colon_or_spaces_is_its_field(label):
    cover, findings = _read(_grid([label, "泷泊镇"], *STANDARD))
    if label == "填报单位︰":  # U+FE30 is NFKC "..", no colon: the field stays missing
        assert [f.rule for f in findings] == ["missing_field"]
        return
    assert findings == []
    assert cover.values["填报单位"] == "泷泊镇" and cover.cells["填报单位"] == "B1"


@pytest.mark.parametrize(("cell", "value"), [("填报单位：泷泊镇", "泷泊镇"),
                                             ("填报单位:泷泊镇", "泷泊镇"),
                                             ("填报单位： 泷泊镇 ", "泷泊镇"),
                                             ("统计日期：2020-03-11", "2020-03-11")])
def test_a_label_and_its_value_in_one_cell(cell, value):
    name = cell[:4]
    others = [r for r in [["填报单位", "泷泊镇"], *STANDARD] if r[0] != name]
    cover, findings = _read(_grid([cell], *others))
    assert cover.values[name] == value
    assert cover.cells[name] == "A1" and cover.rows[name] == 1
    assert findings == []


def test_the_value_in_the_cell_wins_over_the_next_cell():
    cover, _ = _read(_grid(["填报单位：泷泊镇", "乡镇全称，如 泷泊镇"], *STANDARD))
    assert cover.values["填报单位"] == "泷泊镇" and cover.cells["填报单位"] == "A1"


def test_a_label_with_a_colon_and_nothing_after_takes_the_next_cell():
    cover, _ = _read(_grid(["填报单位：", None], *STANDARD))
    assert cover.values["填报单位"] is None and cover.cells["填报单位"] == "B1"


def test_title_rows_above_and_an_offset_grid_keep_the_workbooks_cells():
    grid = _grid(["双牌县复工复产日报 封面", None], [None, None], ["填报单位", "泷泊镇"], *STANDARD)
    cover, findings = _read(grid, row0=2, col0=1)  # the grid starts at B3
    assert findings == []
    assert cover.cells["填报单位"] == "C5" and cover.rows["填报单位"] == 5
    assert cover.cells["统计日期"] == "C7"


def test_a_label_alone_at_the_end_of_a_row_is_no_field():
    cover, findings = _read(_grid(["x", "填报单位"], *STANDARD))
    assert "填报单位" not in cover.values
    assert [f.rule for f in findings] == ["missing_field"]


# --- 填报单位 matched to the policy's township -------------------------------------------------

POLICY = load_policy()


@pytest.mark.parametrize(("written", "township"), [
    ("泷泊镇", "泷泊镇"), ("泷泊镇人民政府", "泷泊镇"), ("泷泊镇政府", "泷泊镇"),
    ("双牌县泷泊镇", "泷泊镇"), ("双牌县泷泊镇人民政府", "泷泊镇"),
    ("永州市双牌县江村镇", "江村镇"), ("湖南省永州市双牌县上梧江瑶族乡人民政府", "上梧江瑶族乡"),
    ("泷 泊 镇", "泷泊镇"), ("塘底乡政府", "塘底乡")])
def test_a_township_written_with_its_government_or_county_is_matched(written, township):
    assert match_township(POLICY, written) == township


@pytest.mark.parametrize("written", ["泷泊乡", "泷泊", "人民政府", "双牌县", "双牌县人民政府",
                                     "道县泷泊镇", "泷泊镇党委", "江永县江村镇",
                                     "南省永州市双牌县泷泊镇",
                                     "泷泊镇人民政府人民政府", ""])
def test_anything_else_is_no_township(written):
    assert match_township(POLICY, written) is None


def test_a_township_written_as_its_government_is_counted_as_that_township(tmp_path):
    """The county summary of the demo set with 泷泊镇 written 双牌县泷泊镇人民政府 still has
    all eleven townships: none is said missing, none counted twice or under another name."""
    import shutil

    import openpyxl

    from xl_addin.validation.batch import check_one

    path = tmp_path / "泷泊镇_2020-03-11.xlsx"
    shutil.copyfile(ROOT / "workbooks" / "demo" / path.name, path)
    book = openpyxl.load_workbook(path)
    book["封面"]["B1"] = "双牌县泷泊镇人民政府"
    book.save(path)
    outcome = check_one(str(path), path.name)
    assert outcome.township == "泷泊镇"
    assert [(f.rule, f.cell) for f in outcome.findings] == [("township_alias", "B1")]
    assert outcome.findings[0].params == {"original": "双牌县泷泊镇人民政府", "value": "泷泊镇"}
