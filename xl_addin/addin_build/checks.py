"""Structure checks of the add-in: the VBA sources, the help registration, the config rows,
and the built package part by part (``check_addin``, run on every build)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from defusedxml import ElementTree as SafeET

from .ribbon_xml import check_ribbon
from .vba_project import WORKBOOK_CODENAME, read_vba_project, verify_vba_project
from .vba_source import (
    REGISTER_ENTRY,
    REGISTER_MODULE,
    UDF_MODULE,
    VB_NAME,
    VBA_CONTINUATION_LIMIT,
    VBA_LINE_LIMIT,
    vba_procedures,
)
from .xlam_package import (
    ADDIN_CT,
    CONFIG_SHEET,
    CT_NS,
    CUSTOMUI_PART,
    MAIN_NS,
    UI_REL,
    VBA_CT,
    VBA_REL,
    read_config_sheet,
    rel_targets,
)

REQUIRED_CONFIG = {"UDF MODULES": "xl_addin.xlwings_udfs"}
_CONTINUATION = re.compile(r"[ \t]_[ \t]*$")  # a line continued by " _"
_WRAPPER = re.compile(r"^[ \t]*(?:Public[ \t]+)?Function[ \t]+(FG_\w+)[ \t]*\(", re.I | re.M)
_REGISTERS = re.compile(r'^[ \t]*FgfcMacroOptions[ \t]+"(\w+)"', re.M)


def check_modules(modules: dict[str, str]) -> list[str]:
    """VBA sources: ASCII only (the project is written with code page 1252, so any other
    character would arrive garbled), each named by its first line; no line longer than
    VBA's 1023 characters, no statement with more than 24 line continuations."""
    problems = []
    for name, code in modules.items():
        bad = sorted({ch for ch in code if ord(ch) > 127})
        if bad:
            problems.append(f"VBA module {name}: non-ASCII characters {''.join(bad[:10])!r}")
        found = VB_NAME.match(code)
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


def check_addin(data: bytes, modules: dict[str, str] | None = None,
                schema: Any = None) -> list[str]:
    """The structure of a built .xlam: content types, the customUI part and its relationship
    type, vbaProject.bin and its relationship, workbook.xml's add-in settings, the config
    sheet, the ribbon XML (against Microsoft's schema when ``schema`` is given, the button
    table and the VBA it calls), the registration of the FG_ functions' help, and (given the
    sources) the VBA read back against them."""
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
        if rel_targets(archive.read("_rels/.rels"), UI_REL) != [CUSTOMUI_PART]:
            problems.append(f"_rels/.rels: no relationship of type {UI_REL} to {CUSTOMUI_PART}")
        if rel_targets(archive.read("xl/_rels/workbook.xml.rels"), VBA_REL) != [
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
    problems += check_ribbon(ribbon, modules, schema) + check_registration(modules)
    return problems



__all__ = ["REQUIRED_CONFIG", "check_addin", "check_config", "check_modules",
           "check_registration"]
