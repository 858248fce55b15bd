"""Headers and sheet names as people write them (reading/headers.py, reading/sheet_names.py,
schemas/headers.yaml): units in brackets, synonyms, two-row headers with merged parents,
sheets renamed or copied. Expected values come from the schemas and workbook.md ("Money is
in 元 … unless the header says （万元）"), never from running the code."""

from __future__ import annotations

from typing import Any

import pytest

from xl_addin.core.messages import text
from xl_addin.model.findings import Finding
from xl_addin.model.spec import header_key, load_workbook_spec, unit_of_name
from xl_addin.reading.headers import HEADER_SCAN_ROWS, find_header, header_findings, vocabulary
from xl_addin.reading.reader import read_grids, table_from_grid
from xl_addin.reading.sheet_names import match_sheets

SPEC = load_workbook_spec()
ENTERPRISES = SPEC.sheet("规模工业企业")
POOR = SPEC.sheet("贫困劳动力")
MIGRANTS = SPEC.sheet("返乡务工人员")
FINANCE = SPEC.sheet("金融支持")
SUPPLIES = SPEC.sheet("防疫物资")
NUMERIC = ("count", "money", "number", "rate")


# --- the schemas themselves ---------------------------------------------------------------

def test_every_number_declares_a_known_unit_except_serials() -> None:
    units = ENTERPRISES.header_rules.units
    for sheet in SPEC.sheets:
        for column in sheet.columns:
            if column.type in NUMERIC and column.name != "序号":
                assert column.unit, (sheet.sheet, column.name)
            if column.unit:
                assert header_key(column.unit) in units, (sheet.sheet, column.name)


def test_money_is_in_yuan_unless_the_header_says_wan() -> None:
    for sheet in SPEC.sheets:
        for column in sheet.columns:
            if column.type in ("money", "number") and column.unit:
                assert column.unit == ("万元" if "万元" in column.name else "元"), column.name


def test_a_unit_in_a_standard_header_is_the_declared_unit() -> None:
    for sheet in SPEC.sheets:
        for column in sheet.columns:
            named = unit_of_name(column.name)
            if named and header_key(named) in sheet.header_rules.units:
                assert named == column.unit, (sheet.sheet, column.name)


def test_the_units_of_a_quantity_differ_in_scale() -> None:
    units = {u.name: u for u in ENTERPRISES.header_rules.units.values()}
    assert units["万元"].quantity == units["元"].quantity == "money"
    assert units["万元"].scale == 10000 * units["元"].scale
    assert units["%"].scale * 100 == 1
    assert units["年"].scale == 12 * units["月"].scale


@pytest.mark.parametrize("sheet", [s for s in SPEC.sheets if s.kind == "table"],
                         ids=lambda s: s.key)
def test_a_header_key_names_one_column_of_its_sheet(sheet: Any) -> None:
    words = vocabulary(sheet)
    keys = list(words.exact) + list(words.bases) + list(words.synonyms)
    owners: dict[str, set[str]] = {}
    for table in (words.exact, words.bases, words.synonyms):
        for key, column in table.items():
            owners.setdefault(key, set()).add(column.name)
    assert all(len(names) == 1 for names in owners.values()), owners
    assert len(keys) >= len(sheet.columns)


def test_a_synonym_is_never_a_standard_header_of_its_sheet() -> None:
    for sheet in SPEC.sheets:
        names = {header_key(c.name) for c in sheet.columns}
        for column in sheet.columns:
            assert not names & {header_key(s) for s in column.synonyms}, column.name


def test_sheet_synonyms_name_one_sheet_and_no_standard_sheet() -> None:
    names = {header_key(s.sheet) for s in SPEC.sheets}
    seen: set[str] = set()
    for sheet in SPEC.sheets:
        for synonym in sheet.synonyms:
            key = header_key(synonym)
            assert key not in names and key not in seen, synonym
            seen.add(key)
    assert "规上工业企业" in ENTERPRISES.synonyms and "规模以上工业企业" in ENTERPRISES.synonyms


# --- header_key ---------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "key"), [
    ("已上岗\n人数", "已上岗人数"),
    ("已上岗\r\n人数", "已上岗人数"),
    (" 企业 名称 ", "企业名称"),
    ("企业\u3000名称", "企业名称"),
    ("企业\xa0名称", "企业名称"),
    ("统一社会信用代码\u200b", "统一社会信用代码"),
    ("\ufeff企业名称", "企业名称"),
    ("同期ＬＰＲ", "同期LPR"),
    ("金额（万元）", "金额(万元)"),
])
def test_header_key(written: str, key: str) -> None:
    assert header_key(written) == key


# --- one header cell ------------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "written", "column", "how", "verdict"), [
    (ENTERPRISES, "职工总数", "职工总数", "exact", "ok"),
    (ENTERPRISES, "职工总数（人）", "职工总数", "unit", "ok"),
    (ENTERPRISES, "职工总数 ( 人 )", "职工总数", "unit", "ok"),
    (ENTERPRISES, "职工总数（名）", "职工总数", "unit", "ok"),
    (ENTERPRISES, "职工总数[人]", "职工总数", "unit", "ok"),
    (ENTERPRISES, "职工总数（单位：人）", "职工总数", "unit", "ok"),
    (ENTERPRISES, "职工总数（万人）", "职工总数", "unit", "mismatch"),
    (ENTERPRISES, "职工总数（元）", "职工总数", "unit", "mismatch"),
    (ENTERPRISES, "职工总数（截至3月11日）", "职工总数", "unit", "unknown"),
    (ENTERPRISES, "员工总数", "职工总数", "synonym", "ok"),
    (ENTERPRISES, "员工总数（人）", "职工总数", "synonym", "ok"),
    (ENTERPRISES, "员工总数（万人）", "职工总数", "synonym", "mismatch"),
    (ENTERPRISES, "企业名称（全称）", "企业名称", "unit", "ok"),  # a text's bracket: a note
    (ENTERPRISES, "单位名称", "企业名称", "synonym", "ok"),
    (FINANCE, "金额（万元）", "金额（万元）", "exact", "ok"),
    (FINANCE, "金额(万元)", "金额（万元）", "exact", "ok"),
    (FINANCE, "金额【万元】", "金额（万元）", "unit", "ok"),
    (FINANCE, "金额（元）", "金额（万元）", "unit", "mismatch"),
    (FINANCE, "金额（亿元）", "金额（万元）", "unit", "mismatch"),
    (FINANCE, "金额", "金额（万元）", "unit", "missing"),
    (FINANCE, "年利率（%）", "年利率", "unit", "ok"),
    (FINANCE, "年利率（‰）", "年利率", "unit", "mismatch"),
    (FINANCE, "期限（个月）", "期限（月）", "unit", "ok"),
    (FINANCE, "期限（年）", "期限（月）", "unit", "mismatch"),
    (FINANCE, "期限", "期限（月）", "unit", "ok"),  # 月: the plain unit of a term
    (SUPPLIES, "金额", "金额（元）", "unit", "ok"),  # 元: the spec's default for money
    (SUPPLIES, "金额（万元）", "金额（元）", "unit", "mismatch"),
    (SUPPLIES, "数量（箱）", "数量", "unit", "ok"),
    (SUPPLIES, "数量（万个）", "数量", "unit", "mismatch"),
    (SUPPLIES, "数量（吨）", "数量", "unit", "unknown"),
    (MIGRANTS, "村（社区）", "村（社区）", "exact", "ok"),
    (MIGRANTS, "村(居)", "村（社区）", "synonym", "ok"),
])
def test_a_header_cell(sheet: Any, written: str, column: str, how: str, verdict: str) -> None:
    match = vocabulary(sheet).resolve(header_key(written))
    assert match is not None, written
    assert (match.column.name, match.how, match.verdict) == (column, how, verdict)


@pytest.mark.parametrize("written", ["", "（人）", "(元)", "人数", "职工", "职工总数总数",
                                     "职工总数（人）（人）", "合计", "1", "企业名称2"])
def test_not_a_header(written: str) -> None:
    assert vocabulary(ENTERPRISES).resolve(header_key(written)) is None


# --- the header row(s) --------------------------------------------------------------------

POOR_TOP = ["村（社区）", "贫困劳动力总数", "务工人数", "已返岗人数", "", "", "", "待返岗人数",
            "未复工人数"]
POOR_SUB = ["", "", "", "省外", "省内县外", "县内", "小计", "", ""]
POOR_ROW = ["双北社区", 187, 146, 73, 30, 27, 130, 8, 8]


def test_the_standard_header() -> None:
    header = find_header([list(POOR.headers), POOR_ROW], POOR)
    assert header is not None
    assert (header.first, header.last) == (0, 0)
    assert header.columns == {name: i for i, name in enumerate(POOR.headers)}
    assert header.unknown == [] and header.width == 9


def test_a_two_row_header_with_a_merged_parent() -> None:
    header = find_header([POOR_TOP, POOR_SUB, POOR_ROW], POOR)
    assert header is not None
    assert (header.first, header.last) == (0, 1)
    assert header.columns == {name: i for i, name in enumerate(POOR.headers)}
    cells = {name: (r, c) for name, (r, c, _) in header.cells.items()}
    assert cells["已返岗省外"] == (1, 3) and cells["已返岗小计"] == (1, 6)
    assert cells["村（社区）"] == (0, 0) and cells["未复工人数"] == (0, 8)
    assert header.unknown == []  # the parent 已返岗人数 is used, not unknown


def test_a_two_row_header_under_a_title() -> None:
    title = ["泷泊镇贫困劳动力务工情况表"] + [""] * 8
    header = find_header([title, POOR_TOP, POOR_SUB, POOR_ROW], POOR)
    assert header is not None and (header.first, header.last) == (1, 2)
    assert len(header.columns) == 9


def test_a_title_above_a_one_row_header_is_not_a_parent() -> None:
    title = ["泷泊镇贫困劳动力务工情况表"] + [""] * 8
    header = find_header([title, list(POOR.headers), POOR_ROW], POOR)
    assert header is not None and (header.first, header.last) == (1, 1)


def test_children_named_in_full_under_a_grouping_parent() -> None:
    sub = ["", "", "", "已返岗省外", "已返岗省内县外", "已返岗县内", "已返岗小计", "", ""]
    top = [*POOR_TOP[:3], "返岗情况", *POOR_TOP[4:]]
    header = find_header([top, sub, POOR_ROW], POOR)
    assert header is not None and (header.first, header.last) == (0, 1)
    assert len(header.columns) == 9
    assert header.unknown == [(0, 3)]  # 返岗情况 names no column; it only groups


def test_a_parent_qizhong_over_its_child() -> None:
    top = ["村（社区）", "返乡农民工人数", "已返岗人数", "其中", "待返岗人数"]
    sub = ["", "", "", "县内就业人数", ""]
    header = find_header([top, sub, ["双北社区", 400, 396, 101, 2]], MIGRANTS)
    assert header is not None and header.last == 1
    assert header.columns["其中县内就业人数"] == 3


def test_a_column_number_row_under_the_header_is_no_second_header_row() -> None:
    numbers = ["甲", "乙", 1, 2, 3, 4, 5, 6, 7]
    header = find_header([list(POOR.headers), numbers, POOR_ROW], POOR)
    assert header is not None and (header.first, header.last) == (0, 0)


def test_a_row_of_units_under_the_header_is_part_of_it() -> None:
    units = ["", "", "", "", "", "", "", "人", "（人）", "单位：人", "", "", ""]
    row = [1, "某公司"] + [""] * 11
    header = find_header([list(ENTERPRISES.headers), units, row], ENTERPRISES)
    assert header is not None and (header.first, header.last) == (0, 1)
    assert len(header.columns) == 13 and header.unknown == []


def test_a_wrong_unit_in_a_row_of_units_is_an_error_at_the_unit_cell() -> None:
    units = ["", "", "", "", "", "", "", "万人", "人", "人", "", "", ""]
    sheet, findings = _table([list(ENTERPRISES.headers), units, [1, "某公司"] + [""] * 11],
                             ENTERPRISES)
    assert _seen(findings) == [("header_unit_mismatch", "H2", "error")]
    assert findings[0].params["written"] == "职工总数(万人)"
    assert sheet.rows == [3] and "职工总数" not in sheet.data


def test_a_data_row_of_text_is_no_row_of_units() -> None:
    small = SPEC.sheet("小微企业")
    header = find_header([list(small.headers), ["批发和零售业", 364, 364, 0, None]], small)
    assert header is not None and (header.first, header.last) == (0, 0)
    header = find_header([list(small.headers), ["住宿和餐饮业", "户", 1, 0, None]], small)
    assert header is not None and header.last == 0  # one unit among text: data


def test_the_exact_header_wins_over_a_synonym_of_the_same_column() -> None:
    row = list(ENTERPRISES.headers)
    row.append("单位名称")  # an extra column a county added at the end
    header = find_header([row], ENTERPRISES)
    assert header is not None
    assert header.columns["企业名称"] == 1
    assert header.unknown == [(0, 13)]


def test_no_header_in_the_scanned_rows() -> None:
    blank = [[""] * 9 for _ in range(HEADER_SCAN_ROWS)]
    assert find_header([*blank, list(POOR.headers)], POOR) is None
    assert find_header([["村（社区）", "务工人数", "", "", ""]], POOR) is None  # 2 of 9
    assert find_header([], POOR) is None


# --- findings of a header, through the reader -------------------------------------------------

def _table(grid: list[list[Any]], spec: Any, row0: int = 0, col0: int = 0
           ) -> tuple[Any, list[Finding]]:
    findings: list[Finding] = []
    sheet = table_from_grid(grid, row0, col0, {}, spec.sheet, spec, "t.xlsx", findings)
    return sheet, findings


def _seen(findings: list[Finding]) -> list[tuple[str, str | None, str]]:
    return sorted((f.rule, f.cell, f.severity.value) for f in findings)


def test_two_row_data_starts_after_the_second_row_at_the_workbooks_rows() -> None:
    sheet, findings = _table([POOR_TOP, POOR_SUB, POOR_ROW, POOR_ROW], POOR, row0=2, col0=1)
    assert findings == []
    assert sheet.header_row == 3 and sheet.rows == [5, 6]
    assert sheet.data["已返岗省外"] == [73, 73]
    assert sheet.address("已返岗小计", 0) == "H5"
    assert sheet.header_address("已返岗小计") == "H4"  # the child's own cell
    assert sheet.header_address("村（社区）") == "B3"


def test_a_unit_against_the_standard_is_an_error_and_the_column_is_unread() -> None:
    row = list(FINANCE.headers)
    row[3] = "金额（元）"
    loan = ["银行贷款", "某公司", "某银行", 1180000, 0.0305, None, None, 12]
    sheet, findings = _table([row, loan], FINANCE)
    assert _seen(findings) == [("header_unit_mismatch", "D1", "error")]
    assert "金额（万元）" not in sheet.data and "金额（万元）" not in sheet.columns
    assert findings[0].params["unit"] == "元" and findings[0].params["expected"] == "万元"
    zh, en = findings[0].message("zh"), findings[0].message("en")
    assert "金额（元）" in zh and "万元" in zh and "未读取" in zh
    assert "not" in en and "万元" in en


def test_a_synonym_is_read_with_a_warning_naming_it() -> None:
    row = list(ENTERPRISES.headers)
    row[1] = "单位名称"
    sheet, findings = _table([row, ["", "某公司"] + [""] * 11], ENTERPRISES)
    assert _seen(findings) == [("header_synonym", "B1", "warning")]
    assert sheet.data["企业名称"] == ["某公司"]
    assert "单位名称" in findings[0].message("zh") and "企业名称" in findings[0].message("zh")


def test_a_missing_column_is_at_the_unknown_header_where_it_belongs() -> None:
    row = list(ENTERPRISES.headers)
    row[7] = "职工数"
    _, findings = _table([row], ENTERPRISES, row0=1)
    assert _seen(findings) == [("missing_column", "H2", "error")]
    assert findings[0].row == 2 and findings[0].column == "职工总数"


def test_a_missing_column_without_a_misspelt_header_is_right_of_the_header() -> None:
    row = [h for h in ENTERPRISES.headers if h not in ("其中外地返岗人数", "职工总数")]
    _, findings = _table([row], ENTERPRISES, col0=2)
    # 11 headers from C: the first cell right of them is N1; 职工总数 is required
    assert _seen(findings) == [("missing_column", "N1", "error"),
                               ("missing_column", "N1", "warning")]


def test_an_extra_column_right_of_the_header_is_not_taken_for_the_missing_one() -> None:
    row = [h for h in ENTERPRISES.headers if h != "职工总数"] + ["备注"]
    _, findings = _table([row], ENTERPRISES)
    # 职工总数's place is between 开复工日期 (G) and 已上岗人数 (H): no cell there; 备注 (M)
    # lies beyond, so the finding is at the first cell right of the header
    assert _seen(findings) == [("missing_column", "N1", "error")]


def test_header_findings_name_the_written_text() -> None:
    header = find_header([["村（居）", "贫困劳动力总数（万人）", *POOR.headers[2:]]], POOR)
    assert header is not None
    found = header_findings(header, POOR, "t.xlsx", "贫困劳动力", 0, 0)
    assert _seen(found) == [("header_synonym", "A1", "warning"),
                            ("header_unit_mismatch", "B1", "error")]
    by_rule = {f.rule: f for f in found}
    assert by_rule["header_synonym"].params["written"] == "村（居）"
    assert by_rule["header_unit_mismatch"].params["written"] == "贫困劳动力总数（万人）"


# --- sheet names --------------------------------------------------------------------------

def _match(names: list[str], standard: str = "规模工业企业") -> Any:
    return next(m for m in match_sheets(names, SPEC) if m.spec.sheet == standard)


@pytest.mark.parametrize(("name", "kind"), [
    ("规模工业企业", 0),
    ("规模工业企业 ", 1),
    (" 规模工业企业", 1),
    ("规模 工业企业", 1),
    ("规上工业企业", 2),
    ("规模以上工业企业", 2),
    ("规模工业企业 (2)", 3),
    ("规模工业企业(2)", 3),
    ("规模工业企业（3）", 3),
    ("规模工业企业_2", 3),
    ("规模工业企业 - 副本", 3),
    ("规上工业企业 (2)", 3),
])
def test_a_sheet_name(name: str, kind: int) -> None:
    match = _match(["封面", name, "汇总"])
    assert (match.name, match.kind, match.others) == (name, kind, ())
    found = match.findings("t.xlsx")
    if kind == 0:
        assert found == []
    else:
        assert [(f.rule, f.sheet, f.cell, f.severity.value) for f in found] == [
            ("sheet_name_tolerated", name, None, "warning")]
        assert name in found[0].message("zh") and "规模工业企业" in found[0].message("en")


@pytest.mark.parametrize("name", ["规模工业企业汇总", "规模工业企业2", "工业企业",
                                  "规模工业企业(二)", "(2)", "规模工业企业 (2) (2)x"])
def test_not_the_sheet(name: str) -> None:
    assert _match([name]).name is None


def test_the_original_is_read_beside_its_copy_with_an_error_naming_both() -> None:
    match = _match(["规模工业企业 (2)", "规模工业企业"])
    assert match.name == "规模工业企业" and match.others == ("规模工业企业 (2)",)
    (finding,) = match.findings("t.xlsx")
    assert (finding.rule, finding.sheet, finding.severity.value) == (
        "sheet_ambiguous", "规模工业企业", "error")
    assert finding.params["second"] == "规模工业企业 (2)"
    for lang in ("zh", "en"):
        message = finding.message(lang)  # type: ignore[arg-type]
        assert "规模工业企业 (2)" in message and "{" not in message


def test_two_synonyms_are_two_candidates() -> None:
    match = _match(["规模以上工业企业", "规上工业企业"])
    assert match.name == "规模以上工业企业" and match.others == ("规上工业企业",)


def test_a_sheet_is_never_taken_for_two_standard_sheets() -> None:
    names = [s.sheet for s in SPEC.sheets]
    matches = match_sheets(names, SPEC)
    assert [m.name for m in matches] == [s.sheet for s in SPEC.sheets if s.kind != "summary"]
    assert all(m.kind == 0 and not m.others for m in matches)


def test_read_grids_reports_the_sheet_found_and_reads_it() -> None:
    grids = {"规上工业企业 ": ([list(ENTERPRISES.headers)], 0, 0)}
    data = read_grids(["规上工业企业 "], grids.__getitem__, "t.xlsx")
    rules = [(f.rule, f.sheet) for f in data.findings]
    assert ("sheet_name_tolerated", "规上工业企业 ") in rules
    assert ("missing_sheet", "规模工业企业") not in rules
    assert data.sheets["enterprises"].name == "规上工业企业 "


def test_every_new_message_is_in_both_languages() -> None:
    for code in ("header_synonym", "header_unit_mismatch", "header_unit_unknown",
                 "header_unit_missing", "sheet_name_tolerated", "sheet_ambiguous"):
        params = {"column": "职工总数", "written": "员工总数", "unit": "万人", "expected": "人",
                  "standard": "规模工业企业", "found": "规上工业企业", "first": "a",
                  "second": "b", "used": "a"}
        zh, en = text(code, "zh", **params), text(code, "en", **params)
        assert zh != en and "{" not in zh + en
