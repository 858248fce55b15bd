"""The data dictionary (填报说明): docs/workbook.md is current, the template's 填报说明 sheet
lists every sheet and column of schemas/ (read here from the YAML itself, not through the
specs), every rule kind has words in both languages, and the words name the right columns."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from wbtools import ENTERPRISES, check, enterprise, new_book, write_rows

from xl_addin.cli import main
from xl_addin.core.messages import CATALOG, text
from xl_addin.model.spec import CheckSpec
from xl_addin.outputs.dictionary import REGENERATE, describe_check, markdown
from xl_addin.outputs.template import build_template
from xl_addin.rules.cell import CELL_RULES
from xl_addin.rules.derived import DERIVED

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
DOC = ROOT / "docs" / "workbook.md"
CJK = re.compile(r"[\u4e00-\u9fff]")
SHEET = "填报说明"


# --- schemas/ read directly --------------------------------------------------------------

def _yaml(name: str) -> Any:
    return yaml.safe_load((SCHEMAS / name).read_text(encoding="utf-8"))


TOP = _yaml("workbook.yaml")
SHEETS: dict[str, dict[str, Any]] = {}
for _file in TOP["sheets"]:
    _raw = _yaml(_file)
    SHEETS[_raw["sheet"]] = _raw


def columns_of(raw: dict[str, Any]) -> list[dict[str, Any]]:
    return raw.get("columns", raw.get("fields", []))


def sheet_checks(name: str) -> list[dict[str, Any]]:
    """The rules the dictionary must list for sheet ``name``: its own, the workbook's about
    it, and its 合计 row."""
    raw = SHEETS[name]
    rules = list(raw.get("checks", []))
    rules += [c for c in TOP.get("checks", []) if c.get("sheet") == name]
    if raw.get("totals"):
        rules.append({"check": "totals", "columns": raw["totals"]})
    return rules


def as_spec(raw: dict[str, Any]) -> CheckSpec:
    args = {k: v for k, v in raw.items() if k not in ("check", "severity")}
    return CheckSpec(raw["check"], raw.get("severity", "error"), args)


def named_columns(raw: dict[str, Any]) -> list[str]:
    """Every column a rule of the YAML names, wherever it names it."""
    names = [raw[k] for k in ("column", "when", "as", "of") if k in raw]
    names += raw.get("columns", []) + raw.get("parts", [])
    names += [c for _, c in raw.get("in", [])]
    return names


ROW_KINDS = sorted({c["check"] for raw in SHEETS.values() for c in raw.get("checks", [])}
                   | {c["check"] for c in TOP.get("checks", [])})
CELL_KINDS = sorted({r for raw in SHEETS.values() for c in columns_of(raw)
                     for r in c.get("checks", [])})
DERIVED_KINDS = sorted({c["derived"] for raw in SHEETS.values() for c in columns_of(raw)
                        if c.get("derived")})


def test_the_schemas_were_read():
    assert len(SHEETS) == 14 and "规模工业企业" in SHEETS
    assert {"le", "sum_equals", "date_order", "exists_in", "running_stock"} <= set(ROW_KINDS)
    assert {"uscc", "idcard", "mobile"} <= set(CELL_KINDS)
    assert {"hazard_status", "si_exemption"} <= set(DERIVED_KINDS)


# --- docs/workbook.md -------------------------------------------------------------------------

def test_docs_workbook_md_is_current():
    committed = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    fresh = markdown()
    diff = "\n".join(list(difflib.unified_diff(committed.splitlines(), fresh.splitlines(),
                                               "committed", "from schemas/", lineterm=""))[:20])
    assert committed == fresh, (
        f"docs/workbook.md is stale against schemas/: run `{REGENERATE}`\n{diff}")


def test_the_doc_says_it_is_generated_and_how_to_regenerate_it():
    first = DOC.read_text(encoding="utf-8").splitlines()[0]
    assert REGENERATE in first and "自动生成" in first


def test_the_doc_has_a_section_and_a_row_per_sheet_and_column():
    doc = DOC.read_text(encoding="utf-8")
    sections = re.findall(r"^## \d+\. (\S+)$", doc, flags=re.M)
    assert sections == list(SHEETS)
    for name, raw in SHEETS.items():
        body = doc.split(f". {name}\n", 1)[1].split("\n## ", 1)[0]
        rows = [line.split(" | ")[0].lstrip("| ") for line in body.splitlines()
                if line.startswith("| ") and not line.startswith("| 列名")]
        assert rows == [c["name"] for c in columns_of(raw)], name


def test_the_command_rewrites_the_doc(tmp_path):
    out = tmp_path / "workbook.md"
    result = CliRunner().invoke(main, ["dictionary", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8").splitlines()
    assert written[1:] == DOC.read_text(encoding="utf-8").splitlines()[1:]
    assert str(out) in written[0]
    english = CliRunner().invoke(main, ["dictionary", "--lang", "en"])
    assert english.exit_code == 0 and "must not exceed" in english.output
    assert "不得大于" not in english.output


# --- the 填报说明 sheet of the template ----------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("dictionary") / "泷泊镇_2020-03-11.xlsx"
    build_template("泷泊镇", dt.date(2020, 3, 11)).save(path)
    return load_workbook(path)


def read_sheet(ws) -> tuple[dict[str, list[list[Any]]], dict[str, list[str]]]:
    """The sheet read back: sheet → its column rows (B…I), sheet → its rule texts.
    A section starts at a row naming a sheet in A with nothing in C (类型)."""
    columns: dict[str, list[list[Any]]] = {}
    rules: dict[str, list[str]] = {}
    current = None
    for row in ws.iter_rows(min_row=4, values_only=True):
        a, b, c = row[0], row[1], row[2]
        if a in SHEETS and c is None:
            current = a
            columns[a], rules[a] = [], []
        elif c is not None:
            assert a == current, row
            columns[a].append(list(row[1:9]))
        elif current is not None and b:
            rules[current].append(b)
    return columns, rules


def test_the_sheet_comes_after_every_standard_sheet(template):
    assert template.sheetnames == [*SHEETS, SHEET]


def test_the_sheet_lists_every_sheet_and_column_of_the_schemas(template):
    columns, _ = read_sheet(template[SHEET])
    assert list(columns) == list(SHEETS)
    for name, raw in SHEETS.items():
        listed = columns[name]
        assert [r[0] for r in listed] == [c["name"] for c in columns_of(raw)], name
        for row, column in zip(listed, columns_of(raw), strict=True):
            required, choices = row[3], row[5]
            assert required == ("是" if column.get("required") else "否"), (name, row)
            enum = column.get("enum") or (["是", "否"] if column["type"] == "yesno" else [])
            assert (choices or "") == "、".join(enum), (name, row)


def test_the_sheet_lists_every_rule_with_its_severity(template):
    _, rules = read_sheet(template[SHEET])
    for name in SHEETS:
        expected = sheet_checks(name)
        assert len(rules[name]) == len(expected), (name, rules[name])
        for shown, raw in zip(rules[name], expected, strict=True):
            assert shown.endswith("（警告）") == (raw.get("severity") == "warning"), shown
            for column in named_columns(raw):
                assert column in shown, (column, shown)


def test_the_sheet_prints(template):
    ws = template[SHEET]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert [c.value for c in ws[3]] == ["工作表", "列名", "类型", "单位", "必填", "唯一", "可选值",
                                        "取值范围", "说明"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert all(ws.column_dimensions[letter].width >= 6 for letter in "ABCDEFGHI")
    notes = [row[8] for row in ws.iter_rows(min_row=4) if row[8].value]
    assert notes and all(cell.alignment.wrap_text for cell in notes)
    assert all(not str(c.value).startswith("=") or c.data_type == "s"
               for row in ws.iter_rows() for c in row if c.value is not None)


def test_a_workbook_from_the_template_validates_as_without_the_sheet(tmp_path):
    """The validator does not read the 填报说明: the same findings with and without it."""
    def findings(with_sheet: bool) -> list[tuple[Any, ...]]:
        book = new_book()
        write_rows(book[ENTERPRISES], [enterprise(1), enterprise(2, 已上岗人数=120),
                                       enterprise(3, 是否开复工="否")])
        if not with_sheet:
            del book[SHEET]
        folder = tmp_path / ("with" if with_sheet else "without")
        folder.mkdir()
        result = check(book, folder)
        return sorted((f.sheet, f.cell, f.rule, f.severity.value, f.message("zh"))
                      for f in result.findings)

    found = findings(True)
    assert found == findings(False)
    rules = {f[2] for f in found}
    assert {"le", "blank_if"} <= rules
    assert all(f[0] != SHEET for f in found)


# --- the words of each rule kind -------------------------------------------------------------

def placeholders(template_text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template_text) if field}


@pytest.mark.parametrize("key", [f"doc_{k}" for k in ROW_KINDS] + ["doc_totals"]
                         + [f"doc_cell_{k}" for k in CELL_KINDS]
                         + [f"doc_derived_{k}" for k in DERIVED_KINDS])
def test_every_rule_kind_of_the_schemas_has_words_in_both_languages(key):
    assert key in CATALOG, key
    zh, en = CATALOG[key]
    assert CJK.search(zh) and en.strip() and zh != en
    assert placeholders(zh) == placeholders(en)


def test_every_doc_text_has_the_same_placeholders_in_both_languages():
    keys = [k for k in CATALOG if k.startswith("doc_")]
    assert len(keys) > 60
    for key in keys:
        zh, en = CATALOG[key]
        assert placeholders(zh) == placeholders(en), key


@pytest.mark.parametrize(("sheet", "index", "zh", "en"), [
    ("规模工业企业", 4, "已上岗人数 不得大于 职工总数", "已上岗人数 must not exceed 职工总数"),
    ("小微企业", 0, "正常运营户数 + 暂停营业户数 应等于 企业户数",
     "正常运营户数 + 暂停营业户数 must equal 企业户数"),
    ("返乡务工人员", 0, "已返岗人数 + 待返岗人数 不得大于 返乡农民工人数",
     "已返岗人数 + 待返岗人数 must not exceed 返乡农民工人数"),
    ("安全隐患台账", 1, "整改完成日期 不得早于 发现日期；复查日期 不得早于 整改完成日期",
     "整改完成日期 must not be before 发现日期; 复查日期 must not be before 整改完成日期"),
    ("安全隐患台账", 4, "隐患等级 为“重大”时，整改期限、整改责任人 必填",
     "when 隐患等级 is 重大, 整改期限, 整改责任人 must be filled in"),
    ("规模工业企业", 0, "是否开复工 为“是”时，开复工日期 必填",
     "开复工日期 is required when 是否开复工 is 是"),
    ("问题交办台账", 1, "处理方式 为“当日解决”时，办结日期 应与 提出日期 为同一天",
     "when 处理方式 is 当日解决, 办结日期 must be the same day as 提出日期"),
])
def test_a_rule_reads_as_the_spec_says_it(sheet, index, zh, en):
    raw = SHEETS[sheet]["checks"][index]
    assert describe_check(as_spec(raw), "zh") == zh
    assert describe_check(as_spec(raw), "en") == en


def test_the_rule_between_sheets_names_both_places():
    [raw] = TOP["checks"]
    words = describe_check(as_spec(raw))
    assert words.startswith("企业（项目）名称 ")
    assert "规模工业企业 的 企业名称" in words and "重点项目 的 项目名称" in words


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_rule_of_the_schemas_names_its_columns(lang):
    for name in SHEETS:
        for raw in sheet_checks(name):
            if raw["check"] == "totals":
                continue
            words = describe_check(as_spec(raw), lang)
            for column in named_columns(raw):
                assert column in words, (name, raw, words)


@pytest.mark.parametrize("kind", sorted(DERIVED))
def test_a_derived_column_names_the_columns_it_is_computed_from(kind):
    _, inputs = DERIVED[kind]
    for lang in ("zh", "en"):
        words = text(f"doc_derived_{kind}", lang)
        assert all(column in words for column in inputs), (kind, lang, inputs, words)


def test_every_rule_kind_the_schemas_use_is_one_the_registry_knows():
    assert set(CELL_KINDS) - set(CELL_RULES) == {"division_code"}  # a cover rule
    assert set(DERIVED_KINDS) <= set(DERIVED)
