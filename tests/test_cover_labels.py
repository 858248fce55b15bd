"""The 封面 fields are named in code by their key in schemas/cover.yaml (``township``,
``division_code``, ``as_of`` …), and their text comes from the schema: renaming a field
there renames it everywhere."""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from xl_addin.functions.docs import DOCS
from xl_addin.model.spec import cover_label, load_workbook_spec
from xl_addin.outputs.template import build_template

ROOT = Path(__file__).resolve().parents[1]
COVER_YAML = ROOT / "schemas" / "cover.yaml"
FIELDS = {f["key"]: f["name"] for f in yaml.safe_load(COVER_YAML.read_text("utf-8"))["fields"]}


def test_the_schema_declares_the_cover_fields() -> None:
    assert {"township", "division_code", "as_of"} <= set(FIELDS)


@pytest.mark.parametrize("key", sorted(FIELDS))
def test_a_cover_field_is_named_by_its_key(key: str) -> None:
    assert cover_label(key) == FIELDS[key]
    assert load_workbook_spec().cover.label(key) == FIELDS[key]


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(KeyError):
        cover_label("填报单位")  # the text is not a key


def test_a_renamed_field_is_renamed_in_the_template(tmp_path: Path) -> None:
    """The template fills the 封面 by key: with 统计日期 renamed 报告日期 in the schema, the
    date goes beside 报告日期."""
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    cover = schemas / "cover.yaml"
    text = cover.read_text("utf-8")
    assert "{name: 统计日期, key: as_of" in text and "{name: 填报单位, key: township" in text
    cover.write_text(text.replace("{name: 统计日期,", "{name: 报告日期,").replace(
        "{name: 填报单位,", "{name: 报送单位,"), "utf-8")
    spec = load_workbook_spec(str(schemas))
    book = build_template("泷泊镇", dt.date(2020, 3, 11), spec=spec)
    values = {row[0]: row[1] for row in book["封面"].iter_rows(values_only=True)}
    assert values["报送单位"] == "泷泊镇"
    assert values["报告日期"] == dt.date(2020, 3, 11)
    assert "统计日期" not in values and "填报单位" not in values


def test_the_standard_template_has_the_cover_values(tmp_path: Path) -> None:
    book = build_template("泷泊镇", dt.date(2020, 3, 11))
    path = tmp_path / "t.xlsx"
    book.save(path)
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(path)["封面"].iter_rows(values_only=True)}
    assert rows["填报单位"] == "泷泊镇"
    assert rows["区划代码"] == "431123100000"  # 泷泊镇's code in the policy file, + 000
    assert rows["统计日期"] == dt.datetime(2020, 3, 11)


@pytest.mark.parametrize("function", ["FG_HAZARD_STATUS", "FG_ISSUE_STATUS"])
def test_the_status_functions_name_the_cover_date(function: str) -> None:
    """The cell functions may not read the schema (they depend on the core only): their
    help names the 封面 date in text, checked here against the schema."""
    doc = DOCS[function]
    assert doc.today == FIELDS["as_of"]
    assert doc.args["as_of"].startswith(FIELDS["as_of"])


# --- no cover field typed as a literal ------------------------------------------------------

# Modules that may keep them for good.
ALLOWED_LITERALS = {
    "xl_addin/functions/docs.py": "the functions layer depends on the core only; "
                                  "test_the_status_functions_name_the_cover_date ties the "
                                  "text to the schema",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def cover_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string constant, docstrings aside, that is a 封面 field's name."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    names = set(FIELDS.values())
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in names
            and id(node) not in docstrings]


def literals_by_module() -> dict[str, list[tuple[int, str]]]:
    found = {}
    for path in sorted((ROOT / "xl_addin").rglob("*.py")):
        hits = cover_literals(path.read_text("utf-8"))
        if hits:
            found[path.relative_to(ROOT).as_posix()] = hits
    return found


def test_cover_literals_are_recognised() -> None:
    source = ('"""统计日期 in a docstring"""\n'
              'x = d.get("统计日期")\n'
              'y = "统计日期（可省略）"\n'
              'def f():\n    """填报单位"""\n    return {"区划代码": 1}\n')
    assert cover_literals(source) == [(2, "统计日期"), (6, "区划代码")]


def test_no_module_types_a_cover_field() -> None:
    found = {m: hits for m, hits in literals_by_module().items()
             if m not in ALLOWED_LITERALS}
    assert not found, found
