"""Rules between workbooks (batch mode): a credit code in two townships, two workbooks for
one township and date, and a 区划代码 that does not name its township."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from xl_addin.validation.batch import check_paths

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"


def _cover(path: Path, **values: object) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["封面"]
    for row in sheet.iter_rows(min_col=1, max_col=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    book.save(path)


def _rules(batch, workbook: Path) -> list[tuple[str | None, str | None, str]]:
    return [(f.sheet, f.cell, f.rule) for f in batch.all_findings if f.workbook == str(workbook)]


def test_two_workbooks_for_one_township_and_date(tmp_path):
    first = tmp_path / "江村镇_2020-03-11.xlsx"
    second = tmp_path / "江村镇_2020-03-11_修订.xlsx"
    shutil.copy(DEMO / first.name, first)
    shutil.copy(DEMO / first.name, second)
    batch = check_paths([str(tmp_path)], jobs=1)
    for path in (first, second):
        assert ("封面", None, "duplicate_workbook") in _rules(batch, path)
    # a resubmission is a 警告 naming the one used (issue 13, item 8); the copies' own codes
    # are not a county_duplicate: only the workbook used is compared with the county
    assert batch.exit_code == 0
    assert {f.severity.value for f in batch.all_findings if f.rule == "duplicate_workbook"} \
        == {"warning"}
    assert not [f for f in batch.all_findings if f.rule == "county_duplicate"]


def test_the_same_credit_code_in_two_townships(tmp_path):
    original = tmp_path / "江村镇_2020-03-11.xlsx"
    copy = tmp_path / "茶林镇_2020-03-11.xlsx"
    shutil.copy(DEMO / original.name, original)
    shutil.copy(DEMO / original.name, copy)
    _cover(copy, 填报单位="茶林镇", 区划代码="431123103000")
    book = openpyxl.load_workbook(copy)
    enterprises = book["规模工业企业"]
    codes = [enterprises.cell(r, 3).value for r in range(2, enterprises.max_row + 1)]
    batch = check_paths([str(tmp_path)], jobs=2)
    found = {(sheet, cell) for sheet, cell, rule in _rules(batch, copy)
             if rule == "county_duplicate"}
    # every enterprise row of the copy repeats a code of 江村镇 (C2, C3, …)
    expected = {("规模工业企业", f"C{r}") for r in range(2, 2 + len([c for c in codes if c]))}
    assert expected <= found
    message = next(f.message() for f in batch.all_findings
                   if f.workbook == str(copy) and f.rule == "county_duplicate")
    assert "江村镇_2020-03-11.xlsx" in message
    assert not any(rule == "duplicate_workbook" for _, _, rule in _rules(batch, copy))


def test_division_code_must_name_the_township(tmp_path):
    path = tmp_path / "麻江镇_2020-03-11.xlsx"
    shutil.copy(DEMO / path.name, path)
    _cover(path, 区划代码="431123101000")  # 江村镇's code
    batch = check_paths([str(path)], jobs=1)
    finding = next(f for f in batch.all_findings if f.rule == "division_code")
    assert (finding.sheet, finding.cell, finding.severity.value) == ("封面", "B2", "error")
    assert "431123105000" in finding.message()  # 麻江镇 is 431123105 (functions.md)
