"""The add-in registers the FG_ functions' Function Wizard help itself, on load: the module
FgfcRegister generated from xl_addin.functions.docs (``addin_build.register_module``).

The generated VBA is read here by a parser of the test's own, not by the generator's
code: it follows the calls from ``Auto_Open`` (what Excel runs when it loads the add-in)
and evaluates every string statement (``ChrW(&Hxxxx)`` terms and string literals joined
by ``&``), refusing any statement it does not know, so what it finds is what the VBA
would pass to ``Application.MacroOptions``."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_addin.addin_build import build, checks, errors, vba_project, vba_source
from xl_addin.addin_build.sources import Sources, load_sources
from xl_addin.functions import udfs
from xl_addin.functions.docs import CATEGORY, DOCS, FunctionDoc

MODULE = "FgfcRegister"
ENTRY = "FgfcRegisterFunctions"
HELPER = "FgfcMacroOptions"


# --- a reader of the generated VBA, independent of the generator --------------------------

_TERM = re.compile(r'ChrW\(&H([0-9A-F]{4})(&?)\)|"((?:[^"]|"")*)"')
_PROC = re.compile(r"^(?:(Public|Private) )?(Sub|Function) (\w+)\((.*)\)(?: As \w+)?$")


def decode_terms(expression: str) -> str:
    """A VBA string expression of ChrW(&Hxxxx) terms (Long ``&Hxxxx&`` from &H8000) and
    string literals joined by `` & ``, evaluated; anything else fails."""
    units: list[int] = []
    pos = 0
    while True:
        found = _TERM.match(expression, pos)
        assert found, f"not a ChrW term or a string literal: {expression[pos:pos + 40]!r}"
        if found[1] is not None:
            value = int(found[1], 16)
            # below &H8000 an Integer literal; from &H8000 it must be a Long (suffix &)
            assert (found[2] == "&") == (value >= 0x8000), found[0]
            units.append(value)
        else:
            literal = found[3].replace('""', '"')
            assert literal.isascii() and literal.isprintable(), literal
            units += [ord(ch) for ch in literal]
        pos = found.end()
        if pos == len(expression):
            break
        assert expression.startswith(" & ", pos), expression[pos:pos + 40]
        pos += 3
    return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le")


def procedures(code: str) -> dict[str, dict[str, Any]]:
    """name -> {scope, kind, params, body (statements, comments dropped)}."""
    found: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for raw in code.split("\r\n"):
        line = raw.strip()
        if not line or line.startswith("'"):
            continue
        if current is None:
            match = _PROC.match(line)
            if match:
                assert match[3] not in found, f"{match[3]} declared twice"
                current = found[match[3]] = {"scope": match[1] or "Public", "kind": match[2],
                                             "params": match[4], "body": []}
            continue
        if line == f"End {current['kind']}":
            current = None
        else:
            current["body"].append(line)
    assert current is None, "a procedure is not closed"
    return found


def decode_with_oletools(expression: str) -> str:
    """The same expression evaluated by oletools' VBA expression grammar (olevba's
    deobfuscation: MS-VBAL number and string tokens, Chr/ChrW, ``&``), a second reader
    that shares nothing with ours. olevba 0.60 on Python 3 renders a ChrW above 255 as the
    repr of its UTF-8 bytes (``b'\\xe5\\xa4\\x8d'``): those are turned back into text."""
    from oletools.olevba import vba_expr_str

    value = str(vba_expr_str.parse_string(expression, parse_all=True)[0])
    return re.sub(r"b'((?:\\x[0-9a-f]{2})+)'",
                  lambda m: bytes.fromhex(m[1].replace("\\x", "")).decode("utf-8"), value)


def evaluate_registration(body: list[str], decode: Any = decode_terms
                          ) -> tuple[str, str, list[str]]:
    """A Register_<name> procedure: its string statements evaluated, then the one call
    to the MacroOptions helper: (function name, description, argument descriptions)."""
    values: dict[str, str] = {}
    declared: set[str] = set()
    call = None
    for line in body:
        if match := re.fullmatch(r"Dim (\w+) As String", line):
            declared.add(match[1])
        elif match := re.fullmatch(r"(\w+) = \1 & (.+)", line):
            assert match[1] in values, f"{match[1]} appended to before it is set"
            values[match[1]] += decode(match[2])
        elif match := re.fullmatch(r"(\w+) = (.+)", line):
            assert match[1] in declared, f"{match[1]} is not declared"
            values[match[1]] = decode(match[2])
        elif match := re.fullmatch(rf'{HELPER} "(\w+)", (\w+), Array\(([\w, ]*)\)', line):
            assert call is None, "two registrations in one procedure"
            call = (match[1], match[2], [a.strip() for a in match[3].split(",") if a.strip()])
        else:
            raise AssertionError(f"unexpected statement: {line!r}")
    assert call is not None, "no registration"
    name, description, args = call
    return name, values[description], [values[a] for a in args]


def registrations(code: str, decode: Any = decode_terms) -> list[tuple[str, str, list[str]]]:
    """What the module registers when Excel loads it: from Auto_Open to the entry point,
    then each procedure the entry point calls, in order."""
    procs = procedures(code)
    assert procs["Auto_Open"]["kind"] == "Sub" and procs["Auto_Open"]["params"] == ""
    assert procs["Auto_Open"]["body"][0] == ENTRY  # the first thing done on load
    entry = procs[ENTRY]
    assert (entry["scope"], entry["kind"], entry["params"]) == ("Public", "Sub", "")
    assert entry["body"][0] == "On Error Resume Next"  # a failure never stops the load
    found = []
    for line in entry["body"][1:]:
        if line in procs:
            assert procs[line]["params"] == "" and procs[line]["scope"] == "Private"
            found.append(evaluate_registration(procs[line]["body"], decode))
        else:
            assert not line.startswith("Register"), line
    return found


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def continuations(code: str) -> list[int]:
    """For each statement, how many ' _' line continuations it has."""
    counts, run = [], 0
    for line in code.split("\r\n"):
        if re.search(r"\s_\s*$", line):
            run += 1
        else:
            counts.append(run)
            run = 0
    return counts


@pytest.fixture(scope="module")
def sources() -> Sources:
    return load_sources()


@pytest.fixture(scope="module")
def code(sources: Sources) -> str:
    return sources.modules[MODULE]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("register") / "fgfc.xlam"
    build.build_addin(out)
    return out


# --- the generated module -----------------------------------------------------------------


def test_module_is_generated_from_function_docs_and_ascii(code: str) -> None:
    assert code == vba_source.register_module()
    assert code.isascii()
    assert code.startswith(f'Attribute VB_Name = "{MODULE}"\r\n')
    assert "\r\nOption Explicit\r\n" in code
    assert checks.check_modules({MODULE: code}) == []
    assert not re.search(r"[\u4e00-\u9fff]", code)


def test_registered_text_decodes_to_exactly_the_function_docs(code: str) -> None:
    found = registrations(code)
    assert [name for name, _, _ in found] == list(DOCS)
    for name, description, args in found:
        doc = DOCS[name]
        assert description == doc.description, name
        assert args == list(doc.args.values()), name
        for text in (description, *args):
            assert 0 < utf16_units(text) <= 255, (name, text)
    category = procedures(code)["FgfcCategory"]
    assert category["kind"] == "Function" and category["body"][-1] == "FgfcCategory = c"
    text = ""
    for line in category["body"][1:-1]:
        match = re.fullmatch(r"c = (?:c & )?(.+)", line)
        assert match, line
        text += decode_terms(match[1])
    assert text == CATEGORY == "复工复产"


def test_oletools_evaluates_the_strings_to_the_same_text(code: str) -> None:
    """A second, independent evaluation of every string statement: oletools' VBA
    expression grammar gives the same descriptions."""
    assert decode_with_oletools('ChrW(&H590D) & " a""b " & ChrW(&HFF08&)') == '复 a"b （'
    found = registrations(code, decode_with_oletools)
    assert found == [(name, doc.description, list(doc.args.values()))
                     for name, doc in DOCS.items()]


def test_every_fg_function_is_registered_once_with_its_wrapper_arguments(
        sources: Sources, code: str) -> None:
    found = registrations(code)
    names = [name for name, _, _ in found]
    assert len(names) == len(set(names)) == len(udfs.FUNCTIONS) == 16
    assert set(names) == set(udfs.FUNCTIONS)
    wrappers = {m[1]: [p.strip().removeprefix("Optional ") for p in m[2].split(",")]
                for m in re.finditer(r"^Function (FG_\w+)\(([^)]*)\)",
                                     sources.modules["xlwings_udfs"], re.M)}
    assert set(wrappers) == set(names)
    for name, _, args in found:
        assert len(args) == len(wrappers[name]), name  # one description per VBA argument
        assert list(DOCS[name].args) == wrappers[name]
    # the help goes nowhere else: one MacroOptions helper call per function, in all
    assert code.count(f'{HELPER} "') == len(names)


def test_lines_and_continuations_within_vba_limits(sources: Sources, code: str) -> None:
    for name, text in sources.modules.items():
        assert max(len(line) for line in text.split("\r\n")) <= 1023, name
        assert max(continuations(text)) <= 24, name
    assert max(len(line) for line in code.split("\r\n")) <= 200  # generated: far below
    assert max(continuations(code)) == 0  # long strings are built in variables instead


def test_macro_options_call(code: str) -> None:
    """As xlwings' Import Functions calls it: the macro qualified by the add-in's own
    name, the description, the category, the argument descriptions; late bound and behind
    On Error Resume Next, with a fallback without ArgumentDescriptions (Excel 2007)."""
    helper = procedures(code)[HELPER]
    assert helper["scope"] == "Private"
    assert helper["params"] == ("ByVal fn As String, ByVal desc As String, "
                                "ByVal argDescs As Variant")
    body = helper["body"]
    assert body[:6] == ["Dim xl As Object", "Dim target As String", "On Error Resume Next",
                        "Set xl = Application", "target = \"'\" & ThisWorkbook.Name & \"'!\" & fn",
                        "Err.Clear"]
    assert body[6] == ("xl.MacroOptions Macro:=target, Description:=desc, "
                       "Category:=FgfcCategory(), ArgumentDescriptions:=argDescs")
    assert body[7:] == ["If Err.Number <> 0 Then", "fgfcFailures = fgfcFailures + 1",
                        "Err.Clear",
                        "xl.MacroOptions Macro:=target, Description:=desc, "
                        "Category:=FgfcCategory()",
                        "Err.Clear", "End If"]
    # nowhere an early-bound call, which Excel 2007 would refuse to compile
    assert "Application.MacroOptions" not in code


def test_failures_are_retried_once_when_excel_is_idle(code: str) -> None:
    procs = procedures(code)
    assert procs["Auto_Open"]["body"] == [ENTRY, "If fgfcFailures > 0 Then FgfcRetryLater"]
    assert procs["FgfcRetryLater"]["body"] == [
        "On Error Resume Next",
        "Application.OnTime Now + TimeSerial(0, 0, 2), \"'\" & ThisWorkbook.Name & \"'!"
        f"{ENTRY}\""]
    entry = procs[ENTRY]["body"]
    assert entry[1] == "fgfcFailures = 0"
    assert entry[-1].startswith("ThisWorkbook.Saved = True")
    assert "Private fgfcFailures As Long" in code


# --- in the built add-in ------------------------------------------------------------------


def test_build_includes_the_module_and_oletools_reads_it_back(built: Path, code: str) -> None:
    with zipfile.ZipFile(built) as archive:
        vba = archive.read("xl/vbaProject.bin")
    _, modules = vba_project.read_vba_project(vba)
    by_name = {m.name: m for m in modules}
    assert by_name[MODULE].kind == "module"  # a standard module: where Auto_Open runs
    assert by_name[MODULE].code == code
    assert registrations(by_name[MODULE].code) == registrations(code)
    assert vba_project.verify_project_stream(
        vba, ["xlwings", "FgfcRibbon", "xlwings_udfs", MODULE]) == []


def test_the_entry_point_is_what_excel_runs_on_load(built: Path) -> None:
    """Excel runs, on loading an add-in, ThisWorkbook's Workbook_Open and then any
    Auto_Open Sub of a standard module. Read back from the built file: exactly one
    Auto_Open, in FgfcRegister, a standard module, calling the entry point first; no
    Workbook_Open anywhere (ThisWorkbook is written without code), so nothing else runs
    and nothing runs twice."""
    with zipfile.ZipFile(built) as archive:
        _, modules = vba_project.read_vba_project(archive.read("xl/vbaProject.bin"))
    autos = [(m.name, m.kind) for m in modules
             if re.search(r"^\s*(?:Public |Private )?Sub Auto_Open\(", m.code, re.M | re.I)]
    assert autos == [(MODULE, "module")]
    for module in modules:
        assert not re.search(r"^\s*(?:Public |Private )?Sub (?:Workbook_Open|Workbook_AddinInstall)"
                             r"\(", module.code, re.I | re.M), module.name
    document = {m.name: m.code for m in modules if m.kind == "document"}
    assert set(document) == {"ThisWorkbook", "Sheet1"}
    register = next(m.code for m in modules if m.name == MODULE)
    assert procedures(register)["Auto_Open"]["body"][0] == ENTRY
    # the entry point's name is unique in the project, so the call cannot go elsewhere
    declared = [m.name for m in modules
                if re.search(rf"^\s*(?:Public |Private )?(?:Sub|Function) {ENTRY}\(",
                             m.code, re.M)]
    assert declared == [MODULE]


def test_build_check_runs_on_the_built_file(built: Path) -> None:
    assert checks.check_addin(built.read_bytes()) == []  # modules read back, then checked


# --- the checks catch what they should ----------------------------------------------------


def test_registration_check_catches_mistakes(sources: Sources, code: str) -> None:
    modules = dict(sources.modules)
    assert checks.check_registration(modules) == []
    missing = dict(modules, FgfcRegister=code.replace("    Register_FG_LPR\r\n", ""))
    assert any("does not call Register_FG_LPR" in p
               for p in checks.check_registration(missing))
    twice = dict(modules, FgfcRegister=code.replace(
        '    FgfcMacroOptions "FG_LPR"', '    FgfcMacroOptions "FG_RATE"'))
    problems = checks.check_registration(twice)
    assert any("FG_RATE is registered more than once" in p for p in problems)
    assert any("registers" in p and "xlwings_udfs has" in p for p in problems)
    second_auto = dict(modules, FgfcRibbon=modules["FgfcRibbon"] + "Sub Auto_Open()\r\nEnd Sub\r\n")
    assert any("Auto_Open must be in FgfcRegister alone" in p
               for p in checks.check_registration(second_auto))
    no_call = dict(modules, FgfcRegister=code.replace(
        f"Sub Auto_Open()\r\n    {ENTRY}\r\n", "Sub Auto_Open()\r\n"))
    assert checks.check_registration(no_call) == [
        f"FgfcRegister: Auto_Open does not call {ENTRY}"]
    no_module = {k: v for k, v in modules.items() if k != MODULE}
    assert checks.check_registration(no_module) == [
        "no module FgfcRegister: the FG_ functions would have no help"]
    no_udfs = {k: v for k, v in modules.items() if k not in (MODULE, "xlwings_udfs")}
    assert checks.check_registration(no_udfs) == []


def test_without_cell_functions_there_is_nothing_to_register() -> None:
    sources = load_sources(udfs=lambda: None)
    assert MODULE not in sources.modules and "xlwings_udfs" not in sources.modules


def test_module_check_catches_long_lines_and_continuations() -> None:
    long_line = vba_source.normalize_module("M", "x = \"" + "a" * 1020 + "\"\n")
    assert checks.check_modules({"M": long_line}) == [
        "VBA module M: line 2 has 1026 characters, VBA takes 1023"]
    statement = "x = 1 _\n" + "  + 1 _\n" * 24 + "  + 1\n"
    assert checks.check_modules({"M": vba_source.normalize_module("M", statement)}) == [
        "VBA module M: the statement at line 2 has more than 24 line continuations"]
    fine = "x = 1 _\n" + "  + 1 _\n" * 23 + "  + 1\n"
    assert checks.check_modules({"M": vba_source.normalize_module("M", fine)}) == []


def test_over_long_help_stops_the_generation() -> None:
    doc = DOCS["FG_RATE"]
    long_doc = FunctionDoc(doc.name, {"numerator": "分" * 256, "denominator": "x"},
                           doc.example, doc.expected, doc.basis)
    with pytest.raises(errors.BuildError, match="argument numerator has 256 characters"):
        vba_source.register_module({"FG_RATE": long_doc}, CATEGORY)
    empty = FunctionDoc(doc.name, {"numerator": "", "denominator": "x"},
                        doc.example, doc.expected, doc.basis)
    with pytest.raises(errors.BuildError, match="argument numerator has 0 characters"):
        vba_source.register_module({"FG_RATE": empty}, CATEGORY)


def test_register_module_for_other_docs() -> None:
    """Any docs: the generator is not tied to today's 16 functions."""
    doc = DOCS["FG_POLICY"]
    found = registrations(vba_source.register_module({"FG_POLICY": doc}, "类别"))
    assert found == [("FG_POLICY", doc.description, list(doc.args.values()))]


# --- ChrW encoding ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "a", '"', 'say "hi"', "复工复产", "（）：；“”→—",
                                  "\t\x7f\u00e9", "😀 emoji", "x" * 200, "Ctrl+Alt+F9 重算",
                                  "\uffff\u8000\u7fff"])
def test_vba_string_round_trips(text: str) -> None:
    terms = vba_source.vba_string(text)
    assert all(term.isascii() for term in terms)
    assert all(len(term) <= 122 for term in terms)  # long ASCII runs are split
    assert (decode_terms(" & ".join(terms)) if terms else "") == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_vba_string_round_trips_any_text(text: str) -> None:
    terms = vba_source.vba_string(text)
    assert (decode_terms(" & ".join(terms)) if terms else "") == text
