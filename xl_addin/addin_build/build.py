"""``xl-addin build-addin``: the Excel add-in (.xlam) built from text sources.

The sources are kept in the repository under ``addin/`` (``xl_addin/_addin`` in a wheel):

- ``customUI14.xml`` — the ribbon tab 复工复产 and its buttons (Office 2010+ customUI);
- ``vba/*.bas`` — VBA modules of our own: ``FgfcRibbon``, the one ribbon callback;
- ``xlwings.conf`` — the add-in's config sheet, in xlwings' config-file format.

Two VBA modules come from elsewhere at build time: ``xlwings`` is xlwings' custom add-in
module exactly as shipped in the installed xlwings package (``xlwings_custom_addin.bas``)
with its ``PROJECT_NAME`` set to ``xlwings``, so the config sheet is ``xlwings.conf``; and
``xlwings_udfs``, the FG_ cell-function wrappers, is the text of
``xl_addin.xlwings_udfs.vba_wrappers()`` (``udf_wrappers()`` is the
hook), so clerks never run "Import Functions". Import Functions would also register each
function's Chinese help (``Application.MacroOptions``); the add-in does that itself: the
module ``FgfcRegister`` is generated from ``xl_addin.functions.docs`` at build time
(``register_module``, the Chinese text as ``ChrW`` concatenations, the module being ASCII)
and its ``Auto_Open`` calls ``FgfcRegisterFunctions`` whenever Excel loads the add-in.

The VBA project (``vbaProject.bin``) is written on any OS with ms-ovba, then read back with
oletools (strict dir-stream parsing) and compared with the sources; the package is checked
part by part (``check_addin``) on every build. ``build_with_excel`` is the fallback that
builds the same add-in through Excel's COM interface on Windows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET

from .. import bundled
from ..outputs.atomic import write_atomic

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ADDIN_CT = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

CUSTOMUI_PART = "customUI/customUI14.xml"
PROJECT_NAME = "xlwings"  # the custom add-in module's PROJECT_NAME: config sheet xlwings.conf
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
CONFIG_SHEET_CODENAME = "Sheet1"
WORKBOOK_CODENAME = "ThisWorkbook"
XLWINGS_MODULE = "xlwings"
UDF_MODULE = "xlwings_udfs"
REGISTER_MODULE = "FgfcRegister"  # generated: the FG_ functions' help, registered on load
REGISTER_ENTRY = "FgfcRegisterFunctions"
VBA_LINE_LIMIT = 1023  # characters in one physical line of VBA source
VBA_CONTINUATION_LIMIT = 24  # line continuations (" _") in one statement
MACRO_OPTIONS_LIMIT = 255  # characters of a Function Wizard description / argument description
TAB_LABEL = "复工复产"
BUTTONS = {  # id -> label: the buttons of fronts.md
    "fgValidate": "校验本表",
    "fgClear": "清除标注",
    "fgNewReport": "新建报表",
    "fgSummary": "县级汇总",
    "fgHelp": "函数帮助",
}
REQUIRED_CONFIG = {"UDF MODULES": "xl_addin.xlwings_udfs"}
TITLE = "复工复产报表工具"
DESCRIPTION = "复工复产报表校验、新建报表、县级汇总与 FG_ 单元格函数（xl-addin）"
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xl-addin/fgfc.xlam")).upper() + "}"
FIXED_TIME = (2020, 3, 11, 0, 0, 0)  # zip entry times: the same sources give the same bytes
DOC_MODULE_GUIDS = {"ThisWorkbook": "0002081900000000C000000000000046",  # Excel Workbook
                    "Sheet": "0002082000000000C000000000000046"}  # Excel Worksheet

# customUI elements this add-in uses, their allowed children and attributes (a subset of
# the customUI 2009/07 schema: enough to catch a typo or a misplaced element).
_UI_CHILDREN = {"customUI": {"ribbon"}, "ribbon": {"tabs"}, "tabs": {"tab"}, "tab": {"group"},
                "group": {"button"}, "button": set()}
_UI_ATTRIBUTES = {
    "customUI": {"onLoad", "loadImage"}, "ribbon": {"startFromScratch"}, "tabs": set(),
    "tab": {"id", "label", "insertAfterMso", "insertBeforeMso", "keytip", "visible"},
    "group": {"id", "label", "imageMso", "keytip", "visible"},
    "button": {"id", "label", "imageMso", "onAction", "size", "screentip", "supertip",
               "keytip", "enabled", "visible", "showLabel", "showImage"},
}
_UI_REQUIRED = {"tab": {"id", "label"}, "group": {"id", "label"},
                "button": {"id", "label", "imageMso", "onAction"}}
_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,1023}$")  # xsd:ID without '.', '-' (VBA-safe)
_IMAGE_MSO = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,1023}$")
_PROC = re.compile(r"^\s*(?:Public\s+)?Sub\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?:ByRef\s+|ByVal\s+)?"
                   r"([A-Za-z_][A-Za-z0-9_]*)\s+As\s+(Object|IRibbonControl)\s*\)", re.I | re.M)
_PRIVATE_SUB = re.compile(r"^\s*Private\s+Sub\s+([A-Za-z_][A-Za-z0-9_]*)", re.I | re.M)
_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"\s*$', re.M)
_CONTINUATION = re.compile(r"[ \t]_[ \t]*$")  # a line continued by " _"
_PROCEDURE = re.compile(r"^[ \t]*(?:(?:Public|Private|Friend)[ \t]+)?(?:Static[ \t]+)?"
                        r"(Sub|Function)[ \t]+(\w+)[ \t]*\(.*?$(.*?)^[ \t]*End[ \t]+\1\b",
                        re.I | re.M | re.S)
_WRAPPER = re.compile(r"^[ \t]*(?:Public[ \t]+)?Function[ \t]+(FG_\w+)[ \t]*\(", re.I | re.M)
_REGISTERS = re.compile(r'^[ \t]*FgfcMacroOptions[ \t]+"(\w+)"', re.M)


class BuildError(Exception):
    """The add-in could not be built, or failed a structure check; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def source_dir() -> Path:
    """``addin/`` beside the package in a checkout, ``xl_addin/_addin`` in a wheel."""
    return bundled("addin")


# --- sources -------------------------------------------------------------------------------


def normalize_module(name: str, code: str) -> str:
    """A standard module's text as the VBA project stores it: first line
    ``Attribute VB_Name = "name"``, CRLF line endings, ending with a line break."""
    lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line for line in lines if not _VB_NAME.match(line)]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\r\n".join([f'Attribute VB_Name = "{name}"', *lines]) + "\r\n"


def xlwings_module(project_name: str = PROJECT_NAME) -> str:
    """xlwings' custom add-in VBA module as shipped in the installed xlwings package, with
    ``PROJECT_NAME`` set (it names the config sheet ``<PROJECT_NAME>.conf``)."""
    import xlwings

    path = Path(xlwings.__file__).parent / "xlwings_custom_addin.bas"
    code = path.read_text(encoding="utf-8")
    line = re.compile(r'^Public Const PROJECT_NAME As String = "[^"]*"', re.M)
    if len(line.findall(code)) != 1:
        raise BuildError([f"{path}: no single PROJECT_NAME line (xlwings changed?)"])
    code = line.sub(f'Public Const PROJECT_NAME As String = "{project_name}"', code)
    return normalize_module(XLWINGS_MODULE, code)


def udf_wrappers() -> str | None:
    """The hook for the FG_ cell functions: the VBA text of
    ``xl_addin.xlwings_udfs.vba_wrappers(addin=True)`` (the add-in variant: the wrappers
    pass ActiveWorkbook, as xlwings does for an .xlam)."""
    from .. import xlwings_udfs

    return normalize_module(UDF_MODULE, xlwings_udfs.vba_wrappers(addin=True))


# --- the FG_ functions' help, registered by the add-in itself -------------------------------

_CODE_WIDTH = 200  # generated lines stay far below VBA_LINE_LIMIT
_ASCII_RUN = 60  # longest string literal in the generated code


def vba_string(text: str) -> list[str]:
    """``text`` as VBA expression terms, to be joined with `` & ``: runs of printable ASCII
    as string literals (``"`` doubled), every other UTF-16 code unit as ``ChrW(&Hxxxx)``.
    From &H8000 the literal is a Long (``ChrW(&HFF08&)``): a plain ``&HFF08`` is the
    Integer -248, which ChrW also takes, but the Long leaves nothing to interpretation."""
    terms: list[str] = []
    run = ""
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        unit = int.from_bytes(units[i:i + 2], "little")
        if 0x20 <= unit < 0x7F:
            run += chr(unit)
            if len(run) == _ASCII_RUN:
                terms.append('"' + run.replace('"', '""') + '"')
                run = ""
            continue
        if run:
            terms.append('"' + run.replace('"', '""') + '"')
            run = ""
        terms.append(f"ChrW(&H{unit:04X}{'&' if unit >= 0x8000 else ''})")
    if run:
        terms.append('"' + run.replace('"', '""') + '"')
    return terms


def _assign(variable: str, text: str) -> list[str]:
    """Statements that leave ``text`` in ``variable``: ``v = t1 & t2 …`` then
    ``v = v & …``, each one line of at most _CODE_WIDTH characters, no continuations."""
    terms = vba_string(text)
    if not terms:
        return [f'    {variable} = ""']
    lines: list[str] = []
    current = f"    {variable} = {terms[0]}"
    for term in terms[1:]:
        if len(current) + 3 + len(term) > _CODE_WIDTH:
            lines.append(current)
            current = f"    {variable} = {variable} & {term}"
        else:
            current += f" & {term}"
    lines.append(current)
    return lines


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def register_module(docs: dict[str, Any] | None = None, category: str | None = None) -> str:
    """The VBA module ``FgfcRegister``: the Function Wizard help of every FG_ function,
    registered when Excel loads the add-in, as xlwings' Import Functions would register it
    (``Application.MacroOptions`` with Description, Category and ArgumentDescriptions).

    Generated from ``xl_addin.functions.docs`` (``docs``/``category`` default to its
    ``DOCS``/``CATEGORY``), the one place that holds the Chinese text. The module stays
    ASCII: Chinese text is built with ``ChrW``. One private Sub per function, each string
    built by statements of one line (no continuations), so no line comes near VBA's
    1023-character limit, no statement needs a continuation and no procedure grows large.
    Raises BuildError if a description or argument description exceeds 255 characters
    (MacroOptions' limit; xlwings would cut it)."""
    if docs is None or category is None:
        from ..functions.docs import CATEGORY, DOCS

        docs = DOCS if docs is None else docs
        category = CATEGORY if category is None else category
    problems = []
    for name, doc in docs.items():
        for what, text in (("description", doc.description),
                           *((f"argument {a}", t) for a, t in doc.args.items())):
            if not 0 < _utf16_len(text) <= MACRO_OPTIONS_LIMIT:
                problems.append(f"{name}: {what} has {_utf16_len(text)} characters, "
                                f"Excel takes 1 to {MACRO_OPTIONS_LIMIT}")
            if any(ch in text for ch in "\r\n"):
                problems.append(f"{name}: {what} spans lines")
    if problems:
        raise BuildError(problems)
    out = [
        "' Generated by xl_addin.addin_build.build.register_module() from xl_addin.functions.docs",
        "' at build time: do not edit (rebuild the add-in instead).",
        "' Registers the Function Wizard help of the FG_ cell functions (module xlwings_udfs):",
        "' description, category and argument descriptions, as xlwings' Import Functions",
        "' would, each time Excel loads the add-in - clerks never run Import Functions.",
        "' The Chinese text is built with ChrW(): the VBA project's code page is 1252, so this",
        "' source must stay ASCII.",
        "Option Explicit",
        "",
        "Private fgfcFailures As Long",
        "",
        "' Excel runs Auto_Open of a standard module when it loads the add-in (Add-ins dialog,",
        "' XLSTART, File > Open), though not when code opens the file with Workbooks.Open.",
        "' Auto_Open rather than ThisWorkbook's Workbook_Open: the build writes ThisWorkbook as",
        "' a code-less document module, and Auto_Open runs even when events are disabled.",
        "Sub Auto_Open()",
        f"    {REGISTER_ENTRY}",
        "    If fgfcFailures > 0 Then FgfcRetryLater",
        "End Sub",
        "",
        "' Some Excel versions refuse MacroOptions for an add-in's functions until the add-in",
        "' has finished loading: then try once more, 2 seconds later, when Excel is idle.",
        "Private Sub FgfcRetryLater()",
        "    On Error Resume Next",
        f"    Application.OnTime Now + TimeSerial(0, 0, 2), \"'\" & ThisWorkbook.Name & \"'!"
        f"{REGISTER_ENTRY}\"",
        "End Sub",
        "",
        "' Registers every FG_ function; never raises (a function whose help cannot be set",
        "' still works, only without the help). Can also be run by hand:",
        f"' Application.Run \"'fgfc.xlam'!{REGISTER_ENTRY}\".",
        f"Public Sub {REGISTER_ENTRY}()",
        "    On Error Resume Next",
        "    fgfcFailures = 0",
        *(f"    Register_{name}" for name in docs),
        "    ThisWorkbook.Saved = True  ' nothing to save: this runs again on every load",
        "End Sub",
        "",
        "' Late bound (As Object): ArgumentDescriptions exists from Excel 2010 (version 14) on,",
        "' and an early-bound call naming it would not even compile in Excel 2007. There, or if",
        "' Excel refuses the argument descriptions, the description and category are set alone.",
        "Private Sub FgfcMacroOptions(ByVal fn As String, ByVal desc As String, "
        "ByVal argDescs As Variant)",
        "    Dim xl As Object",
        "    Dim target As String",
        "    On Error Resume Next",
        "    Set xl = Application",
        "    target = \"'\" & ThisWorkbook.Name & \"'!\" & fn",
        "    Err.Clear",
        "    xl.MacroOptions Macro:=target, Description:=desc, Category:=FgfcCategory(), "
        "ArgumentDescriptions:=argDescs",
        "    If Err.Number <> 0 Then",
        "        fgfcFailures = fgfcFailures + 1",
        "        Err.Clear",
        "        xl.MacroOptions Macro:=target, Description:=desc, Category:=FgfcCategory()",
        "        Err.Clear",
        "    End If",
        "End Sub",
        "",
        "' The Function Wizard category of the FG_ functions.",
        "Private Function FgfcCategory() As String",
        "    Dim c As String",
        *_assign("c", category),
        "    FgfcCategory = c",
        "End Function",
    ]
    for name, doc in docs.items():
        variables = [f"a{i}" for i in range(1, len(doc.args) + 1)]
        out += [
            "",
            f"' {name}: description of {_utf16_len(doc.description)} characters, "
            f"{len(doc.args)} argument(s): {', '.join(doc.args)}",
            f"Private Sub Register_{name}()",
            "    Dim d As String",
            *(f"    Dim {v} As String" for v in variables),
            *_assign("d", doc.description),
            *(line for v, text in zip(variables, doc.args.values(), strict=True)
              for line in _assign(v, text)),
            f'    FgfcMacroOptions "{name}", d, Array({", ".join(variables)})',
            "End Sub",
        ]
    return normalize_module(REGISTER_MODULE, "\n".join(out))


def read_config(text: str) -> list[tuple[str, Any]]:
    """xlwings' config-file format (``"KEY","VALUE"`` per line); True/False become booleans
    in the sheet."""
    rows: list[tuple[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r'"([^"]+)","([^"]*)"', line)
        if not match:
            raise BuildError([f"xlwings.conf line {number}: expected \"KEY\",\"VALUE\": {raw!r}"])
        key, value = match[1], match[2]
        rows.append((key, {"true": True, "false": False}.get(value.lower(), value)))
    return rows


@dataclass
class Sources:
    ribbon_xml: bytes
    modules: dict[str, str]  # standard modules, name -> normalized text
    config: list[tuple[str, Any]]
    udfs_included: bool
    notes: list[str] = field(default_factory=list)


def load_sources(directory: Path | None = None, *, interpreter: str | None = None,
                 pythonpath: str | None = None, conda_path: str | None = None,
                 conda_env: str | None = None,
                 udfs: Callable[[], str | None] = udf_wrappers) -> Sources:
    directory = directory or source_dir()
    ribbon = (directory / "customUI14.xml").read_bytes()
    modules = {XLWINGS_MODULE: xlwings_module()}
    for path in sorted((directory / "vba").glob("*.bas")):
        code = path.read_text(encoding="utf-8")
        found = _VB_NAME.search(code)
        modules[found[1] if found else path.stem] = normalize_module(
            found[1] if found else path.stem, code)
    notes = []
    wrappers = udfs()
    if wrappers is not None:
        modules[UDF_MODULE] = wrappers
        modules[REGISTER_MODULE] = register_module()  # their help, registered on load
    else:
        notes.append("xl_addin.xlwings_udfs is not there yet: the add-in has no FG_ cell "
                     "functions (hook: xl_addin.addin_build.build.udf_wrappers)")
    config = read_config((directory / "xlwings.conf").read_text(encoding="utf-8"))
    for key, value in (("Interpreter_Win", interpreter), ("PYTHONPATH", pythonpath),
                       ("Conda Path", conda_path), ("Conda Env", conda_env)):
        if value:
            config.append((key, value))
    return Sources(ribbon, modules, config, wrappers is not None, notes)


# --- structure checks --------------------------------------------------------------------


def procedures(modules: dict[str, str]) -> dict[str, set[str]]:
    """Ribbon-callable procedures: ``Sub Name(control As Object|IRibbonControl)`` that are
    not Private, by module."""
    found: dict[str, set[str]] = {}
    for name, code in modules.items():
        private = {m.lower() for m in _PRIVATE_SUB.findall(code)}
        found[name] = {p for p, _, _ in _PROC.findall(code) if p.lower() not in private}
    return found


def check_ribbon(xml: bytes, modules: dict[str, str]) -> list[str]:
    """The ribbon XML: well-formed; the customUI 2009/07 structure this add-in uses; the tab
    复工复产 with the five buttons; every button has an id, label, imageMso and onAction;
    every onAction names a callback procedure that exists in the VBA sources."""
    problems: list[str] = []
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:
        return [f"customUI14.xml is not well-formed XML: {exc}"]
    ns = "{" + CUSTOMUI_NS + "}"
    if root.tag != ns + "customUI":
        return [f"customUI14.xml: root element {root.tag}, expected {ns}customUI"]
    ids: list[str] = []
    callable_procs = procedures(modules)

    def walk(element: Any, local: str) -> None:
        for key in element.attrib:
            if key not in _UI_ATTRIBUTES[local]:
                problems.append(f"<{local}>: attribute {key} is not allowed")
        for key in _UI_REQUIRED.get(local, ()):
            if not element.get(key):
                problems.append(f"<{local} id={element.get('id')!r}>: {key} missing")
        if "id" in element.attrib:
            if not _ID.match(element.get("id")):
                problems.append(f"<{local}>: id {element.get('id')!r} is not a valid id")
            ids.append(element.get("id"))
        if local == "button":
            image = element.get("imageMso", "")
            if image and not _IMAGE_MSO.match(image):
                problems.append(f"button {element.get('id')}: imageMso {image!r} malformed")
            if element.get("size") not in (None, "normal", "large"):
                problems.append(f"button {element.get('id')}: size {element.get('size')!r}")
            action = element.get("onAction", "")
            module, _, proc = action.rpartition(".")
            hits = ([module] if module else list(callable_procs))
            if action and not any(proc in callable_procs.get(m, ()) for m in hits):
                problems.append(f"button {element.get('id')}: onAction {action!r} names no "
                                "callback Sub(control As Object) in the VBA sources")
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if not child.tag.startswith(ns):
                problems.append(f"<{child.tag}> is not in the customUI namespace")
                continue
            child_local = child.tag[len(ns):]
            if child_local not in _UI_CHILDREN[local]:
                problems.append(f"<{child_local}> is not allowed inside <{local}>")
                continue
            walk(child, child_local)

    walk(root, "customUI")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {', '.join(duplicates)}")
    tabs = [t for t in root.iter(ns + "tab") if t.get("label") == TAB_LABEL]
    if len(tabs) != 1:
        problems.append(f"expected one tab labelled {TAB_LABEL}")
    else:
        buttons = {b.get("id"): b.get("label") for b in tabs[0].iter(ns + "button")}
        if buttons != BUTTONS:
            problems.append(f"the tab's buttons are {buttons}, expected {BUTTONS}")
    return problems


def check_modules(modules: dict[str, str]) -> list[str]:
    """VBA sources: ASCII only (the project is written with code page 1252, so any other
    character would arrive garbled), each named by its first line; no line longer than
    VBA's 1023 characters, no statement with more than 24 line continuations."""
    problems = []
    for name, code in modules.items():
        bad = sorted({ch for ch in code if ord(ch) > 127})
        if bad:
            problems.append(f"VBA module {name}: non-ASCII characters {''.join(bad[:10])!r}")
        found = _VB_NAME.match(code)
        if not found or found[1] != name:
            problems.append(f"VBA module {name}: first line must be Attribute VB_Name")
        continued = 0
        for number, line in enumerate(code.replace("\r\n", "\n").split("\n"), start=1):
            if len(line) > VBA_LINE_LIMIT:
                problems.append(f"VBA module {name}: line {number} has {len(line)} characters, "
                                f"VBA takes {VBA_LINE_LIMIT}")
            continued = continued + 1 if _CONTINUATION.search(line) else 0
            if continued == VBA_CONTINUATION_LIMIT + 1:
                problems.append(f"VBA module {name}: the statement at line "
                                f"{number - VBA_CONTINUATION_LIMIT} has more than "
                                f"{VBA_CONTINUATION_LIMIT} line continuations")
    return problems


def vba_procedures(code: str) -> dict[str, str]:
    """The Subs and Functions of a module: name -> body (the lines between the
    declaration and End Sub/End Function)."""
    return {m[2]: m[3] for m in _PROCEDURE.finditer(code)}


def check_registration(modules: dict[str, str]) -> list[str]:
    """The FG_ functions' help: with the cell functions in the add-in, the module
    FgfcRegister registers every FG_ function of xlwings_udfs exactly once and nothing
    else, its public entry point calls every registration once, and its Auto_Open, the
    project's only one, calls the entry point when Excel loads the add-in."""
    problems = []
    autos = [name for name, code in modules.items()
             if any(p.lower() == "auto_open" for p in vba_procedures(code))]
    if UDF_MODULE not in modules:
        return [f"Auto_Open in {', '.join(autos)} without cell functions"] if autos else []
    code = modules.get(REGISTER_MODULE)
    if code is None:
        return [f"no module {REGISTER_MODULE}: the FG_ functions would have no help"]
    wrapped = _WRAPPER.findall(modules[UDF_MODULE])
    registered = _REGISTERS.findall(code)
    for name in sorted({n for n in registered if registered.count(n) > 1}):
        problems.append(f"{REGISTER_MODULE}: {name} is registered more than once")
    if set(registered) != set(wrapped):
        problems.append(f"{REGISTER_MODULE} registers {sorted(set(registered))}, "
                        f"{UDF_MODULE} has {sorted(set(wrapped))}")
    procs = vba_procedures(code)
    calls = [line.strip() for line in procs.get(REGISTER_ENTRY, "").splitlines()]
    for name in wrapped:
        body = procs.get(f"Register_{name}", "")
        if _REGISTERS.findall(body) != [name] or calls.count(f"Register_{name}") != 1:
            problems.append(f"{REGISTER_MODULE}: {REGISTER_ENTRY} does not call Register_{name}"
                            f" once, or Register_{name} does not register {name}")
    if autos != [REGISTER_MODULE]:
        problems.append(f"Auto_Open must be in {REGISTER_MODULE} alone, found in {autos}")
    elif REGISTER_ENTRY not in [line.strip() for name, body in procs.items()
                                if name.lower() == "auto_open" for line in body.splitlines()]:
        problems.append(f"{REGISTER_MODULE}: Auto_Open does not call {REGISTER_ENTRY}")
    return problems


def check_config(rows: list[tuple[str, Any]]) -> list[str]:
    problems = []
    keys = {k.upper(): v for k, v in rows}
    if len(keys) != len(rows):
        problems.append("xlwings.conf: a key appears twice")
    for key, value in REQUIRED_CONFIG.items():
        if keys.get(key) != value:
            problems.append(f"xlwings.conf: {key} must be {value!r}, is {keys.get(key)!r}")
    for key, value in keys.items():
        if key in ("USE UDF SERVER", "SHOW CONSOLE", "DEBUG UDFS") and not isinstance(value,
                                                                                     bool):
            problems.append(f"xlwings.conf: {key} must be True or False")
    return problems


# --- the VBA project -----------------------------------------------------------------------


def ovba_compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compression (the CompressedContainer of every VBA stream), used in place
    of ms-ovba's own compressor, which corrupts streams longer than about 1 KB
    (ms_ovba_compression 1.0.1: its own decompressor and oletools both fail to get the
    input back). Chunks of 4096 bytes; copy tokens found by a 3-byte hash chain."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096:  # incompressible: a raw chunk of exactly 4096 bytes
            if len(chunk) != 4096:
                raise ValueError("MS-OVBA cannot store a short incompressible last chunk raw")
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk
        else:
            out += (0xB000 | (len(body) + 2 - 3)).to_bytes(2, "little") + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytearray:
    """One chunk's token sequences (flag byte, then up to 8 literal bytes or copy tokens)."""
    body = bytearray()
    pos, end = 0, len(chunk)
    index: dict[bytes, list[int]] = {}
    while pos < end:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            bit_count = max((pos - 1).bit_length(), 4) if pos > 0 else 4
            max_length = (0xFFFF >> bit_count) + 3
            best_len, best_off = 0, 0
            if pos > 0 and end - pos >= 3:
                for cand in reversed(index.get(chunk[pos:pos + 3], [])):
                    length = 3
                    limit = min(max_length, end - pos)
                    while length < limit and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                body += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                body.append(chunk[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= end:
                    index.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
        body[flag_at] = flags
    return body



def _doc_module_text(name: str) -> str:
    return ("VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  'True\nEND\n"
            f'Attribute VB_Name = "{name}"\nAttribute VB_GlobalNameSpace = False\n'
            "Attribute VB_Creatable = False\nAttribute VB_PredeclaredId = True\n"
            "Attribute VB_Exposed = True\n")


def build_vba_project(modules: dict[str, str]) -> bytes:
    """``vbaProject.bin`` with the document modules ThisWorkbook and Sheet1 (the config
    sheet) and the standard ``modules``, written by ms-ovba (source only, no compiled
    cache: Excel compiles the modules when it loads the add-in)."""
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile
    from ms_ovba_compression.ms_ovba import MsOvba
    from ms_ovba_crypto import ms_ovba_crypto

    project = VbaProject()
    project.project_id = PROJECT_ID
    project.include_projectwm()  # module names in Unicode, as Excel and EPPlus write them
    project.add_attribute("VersionCompatible32", "393222000")
    with tempfile.TemporaryDirectory(prefix="xl-addin-vba-") as tmp, contextlib.chdir(tmp):
        # ms-ovba writes its intermediate files into the current directory
        for name, guid in ((WORKBOOK_CODENAME, DOC_MODULE_GUIDS["ThisWorkbook"]),
                           (CONFIG_SHEET_CODENAME, DOC_MODULE_GUIDS["Sheet"])):
            Path(f"{name}.cls").write_text(_doc_module_text(name), encoding="ascii")
            doc = DocModule(name)
            doc.add_file(f"{name}.cls")
            doc.add_guid(uuid.UUID(guid))
            doc.normalize_file()
            doc.add_workspace(0, 0, 0, 0, "C")
            project.add_module(doc)
        for name, code in modules.items():
            Path(f"{name}.bas").write_bytes(code.encode("ascii"))
            module = StdModule(name)
            module.add_file(f"{name}.bas")
            module.normalize_file()
            module.add_workspace(0, 0, 0, 0, "C")
            project.add_module(module)
        for guid, version, path, label, ref_name in (
                ("0002043000000000C000000000000046", "2.0",
                 "C:\\Windows\\System32\\stdole2.tlb", "OLE Automation", "stdole"),
                ("2DF8D04C5BFA101BBDE500AA0044DE52", "2.0",
                 "C:\\Program Files\\Common Files\\Microsoft Shared\\OFFICE16\\MSO.DLL",
                 "Microsoft Office 16.0 Object Library", "Office")):
            libid = LibidReference(uuid.UUID(guid), version, "0", path, label)
            project.add_reference(Reference(ReferenceRegistered(libid), ref_name))
        # ms-ovba's compressor corrupts long streams: ours instead. The CMG/DPB/GC
        # obfuscation takes a random seed: a fixed one, so a build is reproducible.
        with mock.patch.object(MsOvba, "compress", lambda _self, data: ovba_compress(data)), \
                mock.patch.object(ms_ovba_crypto, "random", random.Random(PROJECT_ID)):
            ProjectOleFile.write_file(project)
        return Path("vbaProject.bin").read_bytes()


@dataclass
class VbaModuleRead:
    name: str
    stream: str
    kind: str  # "module" or "document"
    code: str


def read_vba_project(data: bytes) -> tuple[int, list[VbaModuleRead]]:
    """Read a vbaProject.bin back with oletools, strictly (any unexpected value in the dir
    stream raises): the project's code page and every module's name, type and source."""
    import olefile
    from oletools.olevba import VBA_Project

    ole = olefile.OleFileIO(data)
    try:
        project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
        project.parse_project_stream()
        list(project.parse_modules())
        found = [VbaModuleRead(m.name, m.streamname, "module" if m.type == 0x21 else "document",
                               m.code) for m in project.modules]
        return project.codepage, found
    finally:
        ole.close()


def ovba_decrypt(hex_text: str) -> tuple[int, bytes]:
    """MS-OVBA 2.4.3.3 data decryption of a CMG/DPB/GC value: (project key, data)."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = data[0], data[1], data[2]
    if seed ^ version_enc != 2:
        raise ValueError("encryption version is not 2")
    key = seed ^ key_enc
    plain_1, enc_1, enc_2 = key, key_enc, version_enc
    pos = 3

    def next_byte() -> int:
        nonlocal plain_1, enc_1, enc_2, pos
        byte_enc = data[pos]
        pos += 1
        byte = byte_enc ^ ((enc_2 + plain_1) & 0xFF)
        enc_2, enc_1, plain_1 = enc_1, byte_enc, byte
        return byte

    for _ in range((seed & 6) // 2):
        next_byte()
    length = int.from_bytes(bytes(next_byte() for _ in range(4)), "little")
    plain = bytes(next_byte() for _ in range(length))
    if pos != len(data):
        raise ValueError("trailing bytes")
    return key, plain


def verify_project_stream(data: bytes, modules: list[str]) -> list[str]:
    """The PROJECT and PROJECTwm streams (oletools reads neither strictly): the ID, one
    Module=/Document= line per module, the name, an unprotected and visible project
    (CMG/DPB/GC decrypted), and every module in PROJECTwm."""
    import olefile

    with olefile.OleFileIO(data) as ole:
        text = ole.openstream("PROJECT").read().decode("cp1252")
        names_wm = ole.openstream("PROJECTwm").read() if ole.exists("PROJECTwm") else None
    problems = []
    lines = text.split("\r\n")
    values = dict(line.split("=", 1) for line in lines if "=" in line and
                  not line.startswith("&H"))
    if values.get("ID") != f'"{PROJECT_ID}"':
        problems.append(f"PROJECT: ID {values.get('ID')}")
    declared = [line for line in lines if line.startswith(("Module=", "Document=", "Class="))]
    expected = [f"Document={WORKBOOK_CODENAME}/&H00000000",
                f"Document={CONFIG_SHEET_CODENAME}/&H00000000",
                *(f"Module={name}" for name in modules)]
    if declared != expected:
        problems.append(f"PROJECT: modules declared {declared}, expected {expected}")
    if values.get("Name") != '"VBAProject"':
        problems.append(f"PROJECT: Name {values.get('Name')}")
    key = sum(PROJECT_ID.encode("ascii")) & 0xFF
    for field_name, plain in (("CMG", b"\0\0\0\0"), ("DPB", b"\0"), ("GC", b"\xff")):
        try:
            found_key, found = ovba_decrypt(values.get(field_name, "").strip('"'))
        except (ValueError, IndexError) as exc:
            problems.append(f"PROJECT: {field_name} cannot be decrypted: {exc}")
            continue
        if (found_key, found) != (key, plain):
            problems.append(f"PROJECT: {field_name} decrypts to {found!r} (key {found_key}), "
                            f"expected {plain!r} (key {key}): protected or hidden project")
    if names_wm is not None:
        pairs = names_wm.split(b"\0\0\0")  # MBCS\0 UTF-16LE\0\0 per module, then \0\0
        wm = [p.split(b"\0", 1)[0].decode("cp1252") for p in pairs if p.strip(b"\0")]
        all_modules = [WORKBOOK_CODENAME, CONFIG_SHEET_CODENAME, *modules]
        if wm != all_modules:
            problems.append(f"PROJECTwm: {wm}, expected {all_modules}")
    else:
        problems.append("no PROJECTwm stream")
    return problems


def verify_vba_project(data: bytes, modules: dict[str, str]) -> list[str]:
    """Compare what oletools reads back with the sources, module by module."""
    try:
        codepage, found = read_vba_project(data)
    except Exception as exc:
        return [f"vbaProject.bin cannot be read back by oletools: {type(exc).__name__}: {exc}"]
    problems = []
    if codepage != 1252:
        problems.append(f"vbaProject.bin: code page {codepage}, expected 1252")
    by_name = {m.name: m for m in found}
    expected_docs = {WORKBOOK_CODENAME, CONFIG_SHEET_CODENAME}
    if set(by_name) != set(modules) | expected_docs:
        problems.append(f"vbaProject.bin modules {sorted(by_name)}, expected "
                        f"{sorted(set(modules) | expected_docs)}")
    for name, code in modules.items():
        read = by_name.get(name)
        if read is None:
            continue
        if read.kind != "module" or read.stream != name:
            problems.append(f"vbaProject.bin: {name} is a {read.kind} in stream {read.stream}")
        if read.code != code:
            problems.append(f"vbaProject.bin: module {name} differs from its source")
    for name in expected_docs:
        read = by_name.get(name)
        if read is not None and (read.kind != "document" or
                                 f'Attribute VB_Name = "{name}"' not in read.code):
            problems.append(f"vbaProject.bin: {name} is not the document module expected")
    return problems + verify_project_stream(data, list(modules))


# --- the package ---------------------------------------------------------------------------


def _config_workbook(config: list[tuple[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = CONFIG_SHEET
    sheet.sheet_properties.codeName = CONFIG_SHEET_CODENAME
    book.code_name = WORKBOOK_CODENAME
    for key, value in config:
        sheet.append([key, value])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace_once(text: str, old: str, new: str, part: str) -> str:
    if text.count(old) != 1:
        raise BuildError([f"{part}: cannot find {old!r} exactly once (openpyxl changed?)"])
    return text.replace(old, new)


def _core_xml() -> bytes:
    stamp = dt.datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(TITLE)}</dc:title><dc:description>{escape(DESCRIPTION)}"
        "</dc:description><dc:creator>xl-addin</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>").encode()


def package(ribbon_xml: bytes, vba_project: bytes, config: list[tuple[str, Any]]) -> bytes:
    """The .xlam: openpyxl's workbook with the config sheet, turned into a macro-enabled
    add-in (content type, vbaProject.bin and its relationship, the customUI part and its
    relationship, a hidden workbook window, the title shown in Excel's Add-ins dialog)."""
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(_config_workbook(config))) as source:
        for name in source.namelist():
            parts[name] = source.read(name)
    types = parts["[Content_Types].xml"].decode("utf-8")
    types = _replace_once(types, "application/vnd.openxmlformats-officedocument.spreadsheetml"
                          ".sheet.main+xml", ADDIN_CT, "[Content_Types].xml")
    types = _replace_once(types, "</Types>", f'<Override PartName="/xl/vbaProject.bin" '
                          f'ContentType="{VBA_CT}" /></Types>', "[Content_Types].xml")
    parts["[Content_Types].xml"] = types.encode("utf-8")
    _add_ribbon(parts, ribbon_xml)
    book_rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    book_rels = _replace_once(book_rels, "</Relationships>", f'<Relationship Type="{VBA_REL}" '
                              'Target="vbaProject.bin" Id="rIdVbaProject" /></Relationships>',
                              "xl/_rels/workbook.xml.rels")
    parts["xl/_rels/workbook.xml.rels"] = book_rels.encode("utf-8")
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    workbook = _replace_once(workbook, '<workbookView visibility="visible"',
                             '<workbookView visibility="hidden"', "xl/workbook.xml")
    parts["xl/workbook.xml"] = workbook.encode("utf-8")
    parts["docProps/core.xml"] = _core_xml()
    parts["xl/vbaProject.bin"] = vba_project
    out = io.BytesIO()
    order = ["[Content_Types].xml", *sorted(n for n in parts if n != "[Content_Types].xml")]
    with zipfile.ZipFile(out, "w") as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, parts[name])
    return out.getvalue()


def _add_ribbon(parts: dict[str, bytes], ribbon_xml: bytes) -> None:
    """Add the customUI part and the package relationship that points at it."""
    rels = parts["_rels/.rels"].decode("utf-8")
    rels = _replace_once(rels, "</Relationships>", f'<Relationship Type="{UI_REL}" '
                         f'Target="{CUSTOMUI_PART}" Id="rIdCustomUI14" /></Relationships>',
                         "_rels/.rels")
    parts["_rels/.rels"] = rels.encode("utf-8")
    parts[CUSTOMUI_PART] = ribbon_xml


def _rel_targets(xml: bytes, rel_type: str) -> list[str]:
    root = SafeET.fromstring(xml)
    return [r.get("Target", "") for r in root.iter(f"{{{PKG_REL_NS}}}Relationship")
            if r.get("Type") == rel_type]


def read_config_sheet(data: bytes) -> list[tuple[str, Any]]:
    """The key/value rows of the config sheet of a built add-in."""
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        rows = book.get_sheet_by_name(CONFIG_SHEET).to_python()
    finally:
        book.close()
    return [(row[0], row[1] if len(row) > 1 else "") for row in rows if row and row[0]]


def check_addin(data: bytes, modules: dict[str, str] | None = None) -> list[str]:
    """The structure of a built .xlam: content types, the customUI part and its relationship
    type, vbaProject.bin and its relationship, workbook.xml's add-in settings, the config
    sheet, the ribbon XML against the VBA it calls, the registration of the FG_ functions'
    help, and (given the sources) the VBA read back against them."""
    problems: list[str] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return [f"not a zip package: {exc}"]
    with archive:
        names = set(archive.namelist())
        for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                     "xl/_rels/workbook.xml.rels", "xl/vbaProject.bin", CUSTOMUI_PART):
            if part not in names:
                problems.append(f"missing part {part}")
        if problems:
            return problems
        types = SafeET.fromstring(archive.read("[Content_Types].xml"))
        overrides = {o.get("PartName"): o.get("ContentType")
                     for o in types.iter(f"{{{CT_NS}}}Override")}
        defaults = {d.get("Extension"): d.get("ContentType")
                    for d in types.iter(f"{{{CT_NS}}}Default")}
        if overrides.get("/xl/workbook.xml") != ADDIN_CT:
            problems.append(f"workbook content type {overrides.get('/xl/workbook.xml')}, "
                            f"expected {ADDIN_CT}")
        if overrides.get("/xl/vbaProject.bin") != VBA_CT:
            problems.append("vbaProject.bin has no vbaProject content type")
        if "/" + CUSTOMUI_PART not in overrides and defaults.get("xml") != "application/xml":
            problems.append("the customUI part has no content type")
        if _rel_targets(archive.read("_rels/.rels"), UI_REL) != [CUSTOMUI_PART]:
            problems.append(f"_rels/.rels: no relationship of type {UI_REL} to {CUSTOMUI_PART}")
        if _rel_targets(archive.read("xl/_rels/workbook.xml.rels"), VBA_REL) != [
                "vbaProject.bin"]:
            problems.append("xl/_rels/workbook.xml.rels: no vbaProject relationship")
        workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
        props = workbook.find(f"{{{MAIN_NS}}}workbookPr")
        if props is None or props.get("codeName") != WORKBOOK_CODENAME:
            problems.append(f"workbook.xml: workbookPr codeName must be {WORKBOOK_CODENAME}")
        sheets = [s.get("name") for s in workbook.iter(f"{{{MAIN_NS}}}sheet")]
        if sheets != [CONFIG_SHEET]:
            problems.append(f"workbook.xml: sheets {sheets}, expected [{CONFIG_SHEET!r}]")
        view = workbook.find(f"{{{MAIN_NS}}}bookViews/{{{MAIN_NS}}}workbookView")
        if view is None or view.get("visibility") != "hidden":
            problems.append("workbook.xml: the add-in's window must be hidden")
        vba = archive.read("xl/vbaProject.bin")
        ribbon = archive.read(CUSTOMUI_PART)
    try:
        config = read_config_sheet(data)
    except Exception as exc:
        return [*problems, f"the config sheet cannot be read: {exc}"]
    problems += check_config(config)
    if modules is None:
        try:
            _, found = read_vba_project(vba)
        except Exception as exc:
            return [*problems, f"vbaProject.bin cannot be read back: {exc}"]
        modules = {m.name: m.code for m in found if m.kind == "module"}
    else:
        problems += verify_vba_project(vba, modules)
    problems += check_ribbon(ribbon, modules) + check_registration(modules)
    return problems


@dataclass
class BuildReport:
    path: Path
    size: int
    modules: list[str]
    config: list[tuple[str, Any]]
    udfs_included: bool
    notes: list[str]


def build_addin(out: str | os.PathLike[str], *, require_udfs: bool = False,
                source: Path | None = None, **config: str | None) -> BuildReport:
    """Build the add-in from the text sources, check it, and write it atomically to ``out``.
    ``config``: interpreter, pythonpath, conda_path, conda_env for the config sheet."""
    sources = load_sources(source, **config)
    if require_udfs and not sources.udfs_included:
        raise BuildError(sources.notes)
    problems = (check_ribbon(sources.ribbon_xml, sources.modules)
                + check_modules(sources.modules) + check_registration(sources.modules)
                + check_config(sources.config))
    if problems:
        raise BuildError(problems)
    data = package(sources.ribbon_xml, build_vba_project(sources.modules), sources.config)
    problems = check_addin(data, sources.modules)
    if problems:
        raise BuildError(problems)
    path = write_atomic(out, lambda tmp: tmp.write_bytes(data))
    return BuildReport(path, len(data), sorted(sources.modules), sources.config,
                       sources.udfs_included, sources.notes)


def build_with_excel(out: str | os.PathLike[str], *, source: Path | None = None,
                     **config: str | None) -> Path:  # pragma: no cover - Windows + Excel
    """The fallback, NOT TESTED HERE (no Windows Excel): build the same add-in with Excel
    itself through COM (pywin32), from the same text sources. Needs "Trust access to the VBA
    project object model" (File > Options > Trust Center > Macro Settings).

    Excel writes the VBA project; the customUI part is then added to the saved .xlam exactly
    as in ``package``, and ``check_addin`` checks the result."""
    import win32com.client  # type: ignore[import-not-found]

    sources = load_sources(source, **config)
    target = Path(out).resolve()
    excel = win32com.client.DispatchEx("Excel.Application")
    excel.Visible = False
    excel.DisplayAlerts = False
    try:
        book = excel.Workbooks.Add()
        while book.Worksheets.Count > 1:
            book.Worksheets(book.Worksheets.Count).Delete()
        sheet = book.Worksheets(1)
        sheet.Name = CONFIG_SHEET
        for row, (key, value) in enumerate(sources.config, start=1):
            sheet.Cells(row, 1).Value = key
            sheet.Cells(row, 2).Value = value
        with tempfile.TemporaryDirectory() as tmp:
            for name, code in sources.modules.items():
                path = Path(tmp) / f"{name}.bas"
                path.write_bytes(code.encode("ascii"))
                book.VBProject.VBComponents.Import(str(path))
        book.Title = TITLE
        book.Comments = DESCRIPTION
        book.IsAddin = True
        saved = target.with_suffix(".tmp.xlam")
        book.SaveAs(str(saved), FileFormat=55)  # xlOpenXMLAddIn
        book.Close(False)
    finally:
        excel.Quit()
    with zipfile.ZipFile(saved) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    _add_ribbon(parts, sources.ribbon_xml)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    saved.unlink()
    problems = check_addin(buffer.getvalue())
    if problems:
        raise BuildError(problems)
    return write_atomic(target, lambda tmp: tmp.write_bytes(buffer.getvalue()))


__all__ = ["BUTTONS", "BuildError", "BuildReport", "build_addin", "build_vba_project",
           "build_with_excel", "check_addin", "check_config", "check_modules",
           "check_registration", "check_ribbon", "load_sources", "ovba_compress",
           "ovba_decrypt", "package", "read_vba_project", "register_module", "udf_wrappers",
           "vba_procedures", "vba_string", "verify_project_stream", "verify_vba_project"]
