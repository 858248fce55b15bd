"""The text of the add-in's VBA modules: the sources normalized as the VBA project stores
them, xlwings' custom add-in module, the FG_ cell-function wrappers, and the generated
module ``FgfcRegister`` that registers the functions' Function Wizard help.

``FgfcRegister`` is generated from ``xl_addin.functions.docs`` (``register_module``, the
Chinese text as ``ChrW`` concatenations, the module being ASCII); its ``Auto_Open`` calls
``FgfcRegisterFunctions`` whenever Excel loads the add-in, so clerks never run xlwings'
"Import Functions".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import BuildError

PROJECT_NAME = "xlwings"  # the custom add-in module's PROJECT_NAME: config sheet xlwings.conf
XLWINGS_MODULE = "xlwings"
UDF_MODULE = "xlwings_udfs"
REGISTER_MODULE = "FgfcRegister"  # generated: the FG_ functions' help, registered on load
REGISTER_ENTRY = "FgfcRegisterFunctions"
VBA_LINE_LIMIT = 1023  # characters in one physical line of VBA source
VBA_CONTINUATION_LIMIT = 24  # line continuations (" _") in one statement
MACRO_OPTIONS_LIMIT = 255  # characters of a Function Wizard description / argument description

VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"\s*$', re.M)
_PROCEDURE = re.compile(r"^[ \t]*(?:(?:Public|Private|Friend)[ \t]+)?(?:Static[ \t]+)?"
                        r"(Sub|Function)[ \t]+(\w+)[ \t]*\(.*?$(.*?)^[ \t]*End[ \t]+\1\b",
                        re.I | re.M | re.S)


def normalize_module(name: str, code: str) -> str:
    """A standard module's text as the VBA project stores it: first line
    ``Attribute VB_Name = "name"``, CRLF line endings, ending with a line break."""
    lines = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [line for line in lines if not VB_NAME.match(line)]
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
        # build.py re-exports this function under the name given here (the module's text,
        # and so the add-in's bytes, stay as they were before the build was split)
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

def vba_procedures(code: str) -> dict[str, str]:
    """The Subs and Functions of a module: name -> body (the lines between the
    declaration and End Sub/End Function)."""
    return {m[2]: m[3] for m in _PROCEDURE.finditer(code)}


__all__ = ["MACRO_OPTIONS_LIMIT", "PROJECT_NAME", "REGISTER_ENTRY", "REGISTER_MODULE",
           "UDF_MODULE", "VBA_CONTINUATION_LIMIT", "VBA_LINE_LIMIT", "VB_NAME",
           "XLWINGS_MODULE", "normalize_module", "register_module", "udf_wrappers",
           "vba_procedures", "vba_string", "xlwings_module"]
