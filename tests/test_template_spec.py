"""The generated template against workbook.md itself: the spec's "## <sheet>" headings and
their "·"-separated header lines are the independent source of truth (fronts.md,
"Templates": headers, number formats, dropdowns, input hints, frozen header row)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from xl_addin.model.spec import load_workbook_spec
from xl_addin.outputs.template import build_template

CJK = re.compile(r"[\u4e00-\u9fff]")
CHOICES = re.compile(r"[\u4e00-\u9fff]+(?:/[\u4e00-\u9fff]+)+")


def parse_spec(text: str) -> dict[str, tuple[list[str], dict[str, list[str]]]]:
    """sheet → (headers in order, {header: choices}) from the "## <sheet>" sections."""
    sheets = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        name = heading.split()[0]
        if not CJK.match(name):
            continue   # "## Amount columns"
        first = " ".join(body.strip().split("\n\n")[0].split())
        headers, enums = [], {}
        if "·" in first:
            for item in first.split("·"):
                item = re.split(r"\.\s", item.strip())[0].rstrip(".")
                described = re.fullmatch(r"(\S+)\s*\((.*)\)", item)
                header = described[1] if described else item
                if described and CHOICES.fullmatch(described[2]):
                    enums[header] = described[2].split("/")
                headers.append(header)
        sheets[name] = (headers, enums)
    return sheets


COVER, SUMMARY = "封面", "汇总"
# The data sheets the tests are parametrised over, named by our schemas; every test then
# takes the sheet's headers from the spec (and fails when the spec has no such sheet), and
# test_sheets_in_spec_order_summary_last compares the two lists of sheets.
DATA_SHEETS = [s.sheet for s in load_workbook_spec().sheets if s.sheet not in (COVER, SUMMARY)]


@pytest.fixture(scope="module")
def spec_sheets(shared) -> dict[str, tuple[list[str], dict[str, list[str]]]]:
    """workbook.md's sheets: name → (headers, {header: choices})."""
    return parse_spec(shared("spec", "workbook.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def enum_of(spec_sheets):
    """The choices of a header: a column enumerated once in the spec is the same column
    wherever its header recurs (企业规模 in 稳岗返还, 是否开复工 in 重点项目); every 是否…
    column is a yes/no."""
    enums = {h: c for _, choices in spec_sheets.values() for h, c in choices.items()}

    def of(header: str) -> list[str] | None:
        return enums.get(header) or (["是", "否"] if header.startswith("是否") else None)

    of.enums = enums  # type: ignore[attr-defined]
    return of


def test_the_spec_was_parsed(spec_sheets, enum_of):
    names = list(spec_sheets)
    assert (names[0], names[-1], len(names)) == (COVER, SUMMARY, 14)
    assert spec_sheets[COVER][0] == ["填报单位", "区划代码", "统计日期", "填报人", "联系电话",
                                     "审核人"]
    assert spec_sheets["防疫物资"][0] == ["日期", "物资名称", "收支", "数量", "单价（元）",
                                      "金额（元）", "发放对象"]
    assert enum_of.enums["企业规模"] == ["大型", "中型", "小型", "微型"]
    assert len(enum_of.enums) == 8
    assert all(spec_sheets[s][0] for s in DATA_SHEETS)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The template as a clerk receives it: saved and opened again."""
    path = tmp_path_factory.mktemp("template") / "泷泊镇_2020-03-11.xlsx"
    build_template("泷泊镇", dt.date(2020, 3, 11)).save(path)
    return load_workbook(path)


def test_sheets_in_spec_order_summary_last(book, spec_sheets):
    # the spec's sheets in its order, 汇总 last of them; then only the 填报说明 (data
    # dictionary, docs/workbook.md), which the validator does not read
    assert book.sheetnames == [*spec_sheets, "填报说明"]
    formulas = [c.value for c in book[SUMMARY]["B"] if isinstance(c.value, str)]
    assert sum(v.startswith("=") for v in formulas) >= 10   # native formulas, golden.md


@pytest.mark.parametrize("sheet", DATA_SHEETS)
def test_header_row_exactly_as_in_the_spec(book, sheet, spec_sheets):
    ws = book[sheet]
    assert [c.value for c in ws[1]] == spec_sheets[sheet][0]
    assert ws.freeze_panes == "A2"


def test_cover_keys_in_a_and_values_in_b(book, spec_sheets):
    ws = book[COVER]
    keys = [c.value for c in ws["A"]]
    spec_keys = spec_sheets[COVER][0]
    assert keys[:len(spec_keys)] == spec_keys   # extra keys only after (golden.md: AGM 检测)
    values = {row[0].value: row[1].value for row in ws.iter_rows(max_col=2)}
    assert values["填报单位"] == "泷泊镇"
    assert values["统计日期"].date() == dt.date(2020, 3, 11)
    code = values["区划代码"]   # 12 digits as text: GB/T 2260 双牌县 431123 + township part
    assert isinstance(code, str) and re.fullmatch(r"431123\d{6}", code)


def validations(ws, letter: str) -> list:
    """Data validations covering the column's data cells (row 2 and a row far below)."""
    return [dv for dv in ws.data_validations.dataValidation
            if f"{letter}2" in dv.sqref and f"{letter}500" in dv.sqref]


@pytest.mark.parametrize("sheet", DATA_SHEETS)
def test_dropdown_on_every_enumerated_column(book, sheet, spec_sheets, enum_of):
    ws = book[sheet]
    enumerated = [(j, h) for j, h in enumerate(spec_sheets[sheet][0], start=1) if enum_of(h)]
    for j, header in enumerated:
        lists = [dv for dv in validations(ws, get_column_letter(j)) if dv.type == "list"]
        assert len(lists) == 1, header
        assert lists[0].formula1 == '"' + ",".join(enum_of(header)) + '"', header
        assert lists[0].showErrorMessage and CJK.search(lists[0].error or ""), header


def test_every_enumerated_column_of_the_spec_is_covered(spec_sheets, enum_of):
    covered = {h for s in DATA_SHEETS for h in spec_sheets[s][0] if enum_of(h)}
    assert covered >= {"企业规模", "是否开复工", "隐患等级", "复查结论", "问题类别", "处理方式",
                       "收支", "类型", "是否欠费", "是否疫情防控重点企业"}


def expected_format(header: str) -> re.Pattern[str] | None:
    """The number format a clerk expects from the header (workbook.md conventions)."""
    if "日期" in header or header.endswith("期限"):
        return re.compile(r"(?i)y+.m+.d+")
    if header.endswith("（元）"):
        return re.compile(r"(#,##)?0\.00")           # 元 with 2 decimals
    if header.endswith(("率", "比例")) or "LPR" in header:
        return re.compile(r"0(\.0+)?%")              # fractions shown as percent
    if header.endswith("数") or header.startswith("已返岗") or header in ("序号", "数量",
                                                                        "期限（月）"):
        return re.compile(r"(#,##)?0")               # head counts: whole numbers
    if header in ("统一社会信用代码", "身份证号", "联络员电话", "项目代码", "隐患编号", "问题编号"):
        return re.compile(r"@")                      # codes stay text (no 4.31E+17)
    return None


def column_format(ws, letter: str) -> str:
    index = column_index_from_string(letter)
    for dim in ws.column_dimensions.values():
        if dim.min and dim.max and dim.min <= index <= dim.max:
            return dim.number_format
    return "General"


@pytest.mark.parametrize("sheet", DATA_SHEETS)
def test_number_formats_per_column_type(book, sheet, spec_sheets):
    ws = book[sheet]
    checked = 0
    for j, header in enumerate(spec_sheets[sheet][0], start=1):
        pattern = expected_format(header)
        if pattern:
            fmt = column_format(ws, get_column_letter(j))
            assert pattern.fullmatch(fmt), (header, fmt)
            checked += 1
    assert checked


@pytest.mark.parametrize("sheet", DATA_SHEETS)
def test_input_hints_in_chinese(book, sheet):
    ws = book[sheet]
    prompts = [dv.prompt for dv in ws.data_validations.dataValidation if dv.showInputMessage]
    assert prompts and all(CJK.search(p or "") for p in prompts)


@pytest.mark.parametrize(("sheet", "header", "says"), [
    ("规模工业企业", "企业名称", r"."),                 # required (workbook.md)
    ("规模工业企业", "统一社会信用代码", r"18|必填"),
    ("规模工业企业", "驻企联络员", r"一企一员"),
    ("重点项目", "计划开复工月份", r"\d{4}-\d{2}|年-月"),
    ("小微企业", "暂停原因", r"网吧|KTV|特殊行业"),
])
def test_input_hint_of_a_column(book, sheet, header, says, spec_sheets):
    ws = book[sheet]
    letter = get_column_letter(spec_sheets[sheet][0].index(header) + 1)
    hints = [dv.prompt for dv in validations(ws, letter) if dv.showInputMessage and dv.prompt]
    assert hints and re.search(says, hints[0]), (header, hints)
