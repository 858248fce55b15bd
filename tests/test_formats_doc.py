"""docs/formats.md stays true: the keys of the real JSON, JUnit and SARIF reports and of
``summary --format json`` are exactly the documented ones, level by level, with the
documented types; every option of every command is documented (names, defaults, choices);
the GitHub line is the documented one; the examples are found in the real output."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import openpyxl
import pytest
from click.testing import CliRunner

from xl_addin.cli import main
from xl_addin.core.policy import POLICY_ENV
from xl_addin.outputs.report import RENDERERS
from xl_addin.outputs.summary import county_summary
from xl_addin.validation.batch import check_paths
from xl_addin.validation.outcome import Batch

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
LINES = DOC.splitlines()
DEMO = ROOT / "workbooks" / "demo"

JSON_TYPES = {"string", "integer", "number", "boolean", "null", "object", "array", "any"}
STABLE = {"yes", "text", "no"}
TICKED = re.compile(r"`([^`]+)`")


# --- reading the document ------------------------------------------------------------

def _marker_index(kind: str, name: str) -> int:
    marker = f"<!-- {kind}: {name} -->"
    found = [i for i, line in enumerate(LINES) if line.strip() == marker]
    assert len(found) == 1, f"docs/formats.md needs exactly one {marker}"
    return found[0]


def _markers(kind: str) -> set[str]:
    return {m[1] for m in (re.fullmatch(rf"<!-- {kind}: (\S+) -->", line.strip())
                           for line in LINES) if m}


def _table(kind: str, name: str) -> list[list[str]]:
    """The rows (cells stripped) of the table right after the marker."""
    i = _marker_index(kind, name) + 1
    while not LINES[i].strip():
        i += 1
    header = [c.strip() for c in LINES[i].strip().strip("|").split("|")]
    assert set(LINES[i + 1].replace("|", "").strip()) == {"-"}, f"{kind}: {name}: no table"
    rows = []
    for line in LINES[i + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        assert len(cells) == len(header), f"{kind}: {name}: {line}"
        rows.append(cells)
    assert rows, f"{kind}: {name}: empty table"
    return rows


@dataclass(frozen=True)
class Key:
    types: frozenset[str]
    stable: str
    meaning: str


def _keys(fmt: str) -> dict[str, Key]:
    keys: dict[str, Key] = {}
    for cells in _table("keys", fmt):
        path = re.fullmatch(r"`([^`]+)`", cells[0])
        assert path, f"{fmt}: first column is not one key in backticks: {cells[0]}"
        assert path[1] not in keys, f"{fmt}: {path[1]} documented twice"
        types = frozenset(t.strip() for t in cells[1].split(" or "))
        assert cells[2] in STABLE, f"{fmt}: {path[1]}: stable is {cells[2]!r}"
        keys[path[1]] = Key(types, cells[2], cells[3])
    return keys


def _code_blocks_after(kind: str, name: str, count: int) -> list[str]:
    """The bodies of the ``count`` fenced code blocks that follow the marker."""
    blocks: list[str] = []
    i = _marker_index(kind, name) + 1
    while len(blocks) < count:
        while not LINES[i].startswith("```"):
            assert not LINES[i].startswith("<!--"), f"{kind}: {name}: code block missing"
            i += 1
        end = LINES.index("```", i + 1)
        blocks.append("\n".join(LINES[i + 1:end]))
        i = end + 1
    return blocks


def _parent(path: str) -> str:
    """``a.b`` -> ``a``; ``x/y@z`` -> ``x/y``; ``x/y`` -> ``x``."""
    parent = re.sub(r"[./@][^./@]*$", "", path)
    return parent if parent != path else "(top level)"


def _same_level_diff(documented: set[str], real: set[str]) -> dict[str, dict[str, list[str]]]:
    """Per level (the parent's path): the keys documented but absent, and present but not
    documented."""
    diff: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"undocumented": [],
                                                                "not in output": []})
    for path in real - documented:
        diff[_parent(path)]["undocumented"].append(path)
    for path in documented - real:
        diff[_parent(path)]["not in output"].append(path)
    return dict(diff)


# --- the shape of real output --------------------------------------------------------

def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", dict: "object",
            list: "array"}[type(value)]


def _json_shape(data: Any, open_paths: set[str]) -> tuple[dict[str, set[str]],
                                                           dict[str, set[str]]]:
    """(path -> the JSON types seen there, open path -> the keys seen under it)."""
    seen: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if path in open_paths:
                    children[path].add(key)
                    seen[f"{path}.*"].add(_json_type(item))
                    continue
                sub = f"{path}.{key}" if path else key
                seen[sub].add(_json_type(item))
                walk(item, sub)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict | list):
                    walk(item, f"{path}[]")
                else:
                    seen[f"{path}[]"].add(_json_type(item))

    walk(data, "")
    return seen, children


def _xml_shape(root: ET.Element) -> set[str]:
    out: set[str] = set()

    def walk(element: ET.Element, path: str) -> None:
        out.add(path)
        out.update(f"{path}@{name}" for name in element.attrib)
        for child in element:
            walk(child, f"{path}/{child.tag}")

    walk(root, root.tag)
    return out


def _type_allowed(seen: str, documented: frozenset[str]) -> bool:
    return seen in documented or "any" in documented or (
        seen == "integer" and "number" in documented)


def _assert_json_keys(fmt: str, data: Any) -> None:
    doc = _keys(fmt)
    for path, key in doc.items():
        assert key.types <= JSON_TYPES, f"{fmt}: {path}: unknown type in {sorted(key.types)}"
    open_paths = {p[:-2] for p in doc if p.endswith(".*")}
    seen, children = _json_shape(data, open_paths)
    diff = _same_level_diff(set(doc), set(seen))
    assert not diff, f"{fmt}: docs/formats.md and the real output differ: {diff}"
    wrong = {p: sorted(t) for p, t in seen.items()
             if not all(_type_allowed(s, doc[p].types) for s in t)}
    assert not wrong, f"{fmt}: types not documented (seen: {wrong})"
    for path in open_paths:
        same = re.search(r"same keys as `([^`]+)`", doc[f"{path}.*"].meaning)
        if same:
            prefix = same[1] + "."
            expected = {p[len(prefix):] for p in doc
                        if p.startswith(prefix) and "." not in p[len(prefix):]}
            assert children[path] == expected, f"{fmt}: keys of {path}"


# --- the real output -----------------------------------------------------------------

_CHECKED: dict[tuple[str, ...], Batch] = {}


def _checked(paths: tuple[str, ...]) -> Batch:
    """``check_paths`` as the command runs it from the repository's root (workbooks named as
    given), once per list of paths for the whole module: checking is the slow part."""
    if paths not in _CHECKED:
        with pytest.MonkeyPatch.context() as patch:
            patch.delenv(POLICY_ENV, raising=False)
            patch.chdir(ROOT)
            _CHECKED[paths] = check_paths(paths)
    return _CHECKED[paths]


@pytest.fixture(scope="module")
def batch() -> Batch:
    """Every kind of result: two workbooks of one township and date (rules between
    workbooks), 错误 and 警告, a clean workbook, and a file that does not exist."""
    assert not (ROOT / "missing.xlsx").exists()
    return _checked(("tests/data/planted", "workbooks/demo/江村镇_2020-03-11.xlsx",
                     "missing.xlsx"))


def test_check_json_keys_are_the_documented_ones(batch: Batch) -> None:
    data = json.loads(RENDERERS["json"](batch, "zh"))
    assert {w["status"] for w in data["workbooks"]} == {"ok", "error", "unreadable"}
    _assert_json_keys("check-json", data)


def test_check_sarif_keys_are_the_documented_ones(batch: Batch) -> None:
    data = json.loads(RENDERERS["sarif"](batch, "zh"))
    assert data["runs"][0]["results"]
    _assert_json_keys("check-sarif", data)


def test_check_junit_elements_and_attributes_are_the_documented_ones(batch: Batch) -> None:
    doc = _keys("check-junit")
    for path, key in doc.items():
        assert key.types == {"attribute" if "@" in path else "element"}, path
    real = _xml_shape(ET.fromstring(RENDERERS["junit"](batch, "zh")))
    diff = _same_level_diff(set(doc), real)
    assert not diff, f"check-junit: docs/formats.md and the real output differ: {diff}"


def test_summary_json_keys_are_the_documented_ones(tmp_path: Path) -> None:
    """Every key, those of what a summary leaves out or cannot vouch for included: the
    demo without 麻江镇, 泷泊镇 of another day, and 江村镇 with an 错误."""
    for book in DEMO.glob("*.xlsx"):
        if not book.name.startswith(("麻江镇", "江村镇")):
            shutil.copy(book, tmp_path / book.name)
    wrong = openpyxl.load_workbook(DEMO / "江村镇_2020-03-11.xlsx")
    wrong["规模工业企业"]["H2"] = -1  # 职工总数 negative
    wrong.save(tmp_path / "江村镇_2020-03-11.xlsx")
    other_day = openpyxl.load_workbook(DEMO / "泷泊镇_2020-03-11.xlsx")
    other_day["封面"]["B3"] = dt.datetime(2020, 3, 10)
    other_day.save(tmp_path / "泷泊镇_2020-03-10.xlsx")
    data = county_summary(_checked((str(tmp_path),))).to_json()
    assert len(data["townships"]) == len(list(DEMO.glob("*.xlsx"))) - 1
    assert data["townships_missing"] == ["麻江镇"]
    assert len(data["workbooks_not_used"]) == 1
    assert len(data["workbooks_with_errors"]) == 1
    _assert_json_keys("summary-json", data)


def test_summary_json_of_the_complete_demo_has_the_documented_keys() -> None:
    data = county_summary(_checked(("workbooks/demo",))).to_json()
    assert len(data["townships"]) == len(list(DEMO.glob("*.xlsx")))
    assert data["townships_missing"] == [] and data["workbooks_not_used"] == []
    documented = {p for p in _keys("summary-json") if "." not in p and "[" not in p}
    assert set(data) == documented


def _line_pattern(name: str) -> str:
    (template,) = _code_blocks_after("line", name, 1)
    pattern = re.escape(template.strip())
    for field in re.findall(r"\\\{(\w+)\\\}", pattern):
        pattern = pattern.replace(rf"\{{{field}\}}", f"(?P<{field}>.*?)", 1)
    return pattern


def test_github_lines_follow_the_documented_line(batch: Batch) -> None:
    on_file, of_county = _line_pattern("github"), _line_pattern("github-county")
    lines = RENDERERS["github"](batch, "en").splitlines()
    findings = batch.all_findings
    assert len(lines) == len(findings)
    assert any(f.workbook is None for f in findings), "no finding of the county to render"
    for line, finding in zip(lines, findings, strict=True):
        match = re.fullmatch(on_file if finding.workbook is not None else of_county, line)
        assert match, line
        assert match["level"] == finding.severity.value
        if finding.workbook is not None:
            assert _unescape(match["workbook"]) == finding.workbook
            assert _unescape(match["location"]) == finding.location
        assert match["rule"] == finding.rule
        assert _unescape(match["message"]) == finding.message("en")


def _unescape(value: str) -> str:
    """GitHub's escaping of a workbook command, undone as the doc describes it."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","),
                       ("%25", "%")):
        value = value.replace(code, char)
    return value


# --- options ---------------------------------------------------------------------------

def _names(param: click.Parameter) -> frozenset[str]:
    if isinstance(param, click.Argument):
        return frozenset({param.human_readable_name})
    return frozenset(param.opts + param.secondary_opts)


def _commands() -> dict[str, list[click.Parameter]]:
    help_option = main.get_help_option(click.Context(main, **main.context_settings))
    assert help_option is not None
    out = {"xl-addin": [*main.params, help_option]}
    out.update({name: list(command.params) for name, command in main.commands.items()})
    return out


def test_every_command_is_documented() -> None:
    assert _markers("options") == set(_commands())


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_option_is_documented(command: str) -> None:
    params = {_names(p): p for p in _commands()[command]}
    rows = {frozenset(TICKED.findall(cells[0])): cells for cells in _table("options", command)}
    assert set(rows) == set(params), (
        f"{command}: documented {sorted(map(sorted, set(rows) - set(params)))}, "
        f"not documented {sorted(map(sorted, set(params) - set(rows)))}")
    for names, param in params.items():
        value, default, meaning = rows[names][1:]
        label = f"{command} {'/'.join(sorted(names))}"
        assert param.required == default.startswith("required"), label
        # a value of its own, not None, a flag's False or click's "unset" sentinel
        given = param.default
        if not param.required and isinstance(given, str | int | float) \
                and not isinstance(given, bool):
            shown = TICKED.match(default)
            assert shown and shown[1] == str(given), f"{label}: default {default}"
        elif not param.required:
            assert default.startswith(("—", "off")), f"{label}: has no default: {default}"
        if isinstance(param.type, click.Choice):
            assert set(TICKED.findall(value)) == set(param.type.choices), label
        if isinstance(param.type, click.IntRange | click.FloatRange):
            bounds = [b for b in (param.type.min, param.type.max) if b is not None]
            assert all(re.search(rf"\b{b:g}\b", value) for b in bounds), f"{label}: {value}"
        if getattr(param, "envvar", None):
            assert param.envvar in meaning, f"{label}: {param.envvar}"


# --- examples ------------------------------------------------------------------------

def _contained(part: Any, whole: Any, key: str = "") -> bool:
    """``part`` is ``whole`` trimmed: keys and list items left out, nothing changed (the
    version aside)."""
    if key == "version":
        return True
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            k in whole and _contained(v, whole[k], k) for k, v in part.items())
    if isinstance(part, list):
        if not isinstance(whole, list):
            return False
        rest = iter(whole)
        return all(any(_contained(item, other) for other in rest) for item in part)
    return part == whole


def _xml_contained(part: ET.Element, whole: ET.Element) -> bool:
    if part.tag != whole.tag or part.attrib != whole.attrib:
        return False
    if (part.text or "").strip() != (whole.text or "").strip():
        return False
    rest = iter(whole)
    return all(any(_xml_contained(child, other) for other in rest) for child in part)


def _run(args: list[str]) -> str:
    """The standard output of a documented command. ``check --format json`` runs the real
    command; the others have their options parsed by the command itself and then make its
    library calls, sharing the check of the same workbooks."""
    if args[:1] == ["check"] and args[args.index("--format") + 1] == "json":
        result = CliRunner().invoke(main, args)
        assert isinstance(result.exception, SystemExit | None), result.output
        assert result.exit_code == json.loads(result.stdout)["exit_code"]
        return result.stdout
    assert {a for a in args if a.startswith("-")} <= {"--format", "--lang"}, args
    params = main.commands[args[0]].make_context(args[0], args[1:]).params
    checked = _checked(tuple(params["paths"]))
    if args[0] == "check":
        return RENDERERS[params["fmt"]](checked, params["lang"])
    assert args[0] == "summary" and params["fmt"] == "json", args
    return json.dumps(county_summary(checked).to_json(), ensure_ascii=False, indent=2)


@pytest.mark.parametrize("example", sorted(_markers("example")))
def test_example_is_real_output(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    console, shown = _code_blocks_after("example", example, 2)
    args = shlex.split(console.removeprefix("$ "))
    assert args[0] == "xl-addin" and f"--format {example.split('-')[1]}" in console, console
    monkeypatch.chdir(ROOT)
    output = _run(args[1:])
    if example.endswith(("json", "sarif")):
        assert _contained(json.loads(shown), json.loads(output)), f"{example}: not in the output"
    elif example.endswith("junit"):
        assert shown.splitlines()[0] == output.splitlines()[0]  # the XML declaration
        assert _xml_contained(ET.fromstring(shown), ET.fromstring(output)), (
            f"{example}: not in the output")
    else:
        real_lines = iter(output.splitlines())
        assert all(line in real_lines for line in shown.splitlines()), example
