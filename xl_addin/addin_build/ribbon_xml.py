"""The ribbon part (``customUI/customUI14.xml``): written from the template
``addin/customUI14.xml`` and the button table (``buttons.TAB``), and checked against
Microsoft's customUI 2009/07 schema, the table and the VBA callbacks.

Microsoft's schema (``customui14.xsd``) is not part of this repository. The build takes it
from ``--ribbon-xsd PATH``, else from the variable ``XL_ADDIN_RIBBON_XSD``, else from
``../shared/vendor/office/customui14.xsd`` beside a checkout; without it the build writes
the add-in and says in its notes that the ribbon was not validated against the schema
(docs/ribbon.md, "Microsoft's schema").
"""

from __future__ import annotations

import functools
import os
import re
from itertools import zip_longest
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET

from ..core.messages import Lang, text
from .buttons import ON_ACTION, TAB
from .errors import BuildError

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
TEMPLATE_NAME = "customUI14.xml"
# The line of the template that the tab replaces (an XML comment: the template stays XML).
TAB_PLACEHOLDER = "<!-- the tab: written here from xl_addin/addin_build/buttons.py -->"
XSD_NAME = "customui14.xsd"
XSD_ENV = "XL_ADDIN_RIBBON_XSD"

_NS = "{" + CUSTOMUI_NS + "}"
_BUTTON_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # safe in RunPython's Python string
_PROC = re.compile(r"^\s*(?:Public\s+)?Sub\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*(?:ByRef\s+|ByVal\s+)?"
                   r"([A-Za-z_][A-Za-z0-9_]*)\s+As\s+(Object|IRibbonControl)\s*\)", re.I | re.M)
_PRIVATE_SUB = re.compile(r"^\s*Private\s+Sub\s+([A-Za-z_][A-Za-z0-9_]*)", re.I | re.M)


# --- the XML, from the table ---------------------------------------------------------------


def _attr(name: str, value: str) -> str:
    return f'{name}="{escape(value, {chr(34): "&quot;"})}"'


def tab_elements(lang: Lang = "zh") -> list[tuple[str, dict[str, str]]]:
    """The tab, its groups and their buttons as the table defines them, in document order,
    as (element name, attributes): what the ribbon part is written from and checked
    against."""
    elements = [("tab", {"id": TAB.id, "label": text(TAB.label, lang)})]
    for group in TAB.groups:
        elements.append(("group", {"id": group.id, "label": text(group.label, lang)}))
        for b in group.buttons:
            elements.append(("button", {
                "id": b.id, "label": text(b.label, lang), "size": b.size,
                "imageMso": b.image_mso, "onAction": ON_ACTION,
                "screentip": text(b.label, lang), "supertip": text(b.tip, lang)}))
    return elements


def tab_lines(lang: Lang = "zh") -> list[str]:
    """The tab element written from ``tab_elements``: one line per tab and group, a
    button's id, label, size and imageMso on its first line and each further attribute on
    a line of its own."""
    lines: list[str] = []
    in_group = False
    for kind, attributes in tab_elements(lang):
        written = [_attr(name, value) for name, value in attributes.items()]
        if kind == "tab":
            lines.append(f"<tab {' '.join(written)}>")
        elif kind == "group":
            if in_group:
                lines.append("  </group>")
            lines.append(f"  <group {' '.join(written)}>")
            in_group = True
        else:
            head = "    <button "
            lines += [head + " ".join(written[:4]),
                      *(" " * len(head) + attribute for attribute in written[4:])]
            lines[-1] += "/>"
    if in_group:
        lines.append("  </group>")
    lines.append("</tab>")
    return lines


def ribbon_xml(template: str, lang: Lang = "zh") -> bytes:
    """The ribbon part: ``template`` (the text of ``addin/customUI14.xml``) with its
    placeholder line replaced by the tab, indented as the placeholder is."""
    lines = template.split("\n")
    at = [i for i, line in enumerate(lines) if line.strip() == TAB_PLACEHOLDER]
    if len(at) != 1:
        raise BuildError([f"{TEMPLATE_NAME}: the line {TAB_PLACEHOLDER} must appear exactly "
                          f"once, found {len(at)}"])
    indent = lines[at[0]][:len(lines[at[0]]) - len(lines[at[0]].lstrip())]
    tab = [indent + line for line in tab_lines(lang)]
    return "\n".join([*lines[:at[0]], *tab, *lines[at[0] + 1:]]).encode("utf-8")


# --- Microsoft's schema --------------------------------------------------------------------


def default_xsd() -> Path:
    """``../shared/vendor/office/customui14.xsd`` beside the repository (a checkout, CI)."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "vendor" / "office" / XSD_NAME


def locate_xsd(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The schema to validate against: ``path`` if given, else ``$XL_ADDIN_RIBBON_XSD`` if
    set, else the default location if the file is there; None when there is none. A path
    that was asked for and is not a file is a BuildError."""
    chosen, how = (path, "--ribbon-xsd") if path else (os.environ.get(XSD_ENV), XSD_ENV)
    if chosen:
        if not Path(chosen).is_file():
            raise BuildError([f"{how}: {chosen} is not a file (Microsoft's {XSD_NAME})"])
        return Path(chosen)
    found = default_xsd()
    return found if found.is_file() else None


def not_validated_note() -> str:
    return (f"the ribbon XML was NOT validated against Microsoft's customUI schema: no "
            f"{XSD_NAME} (give --ribbon-xsd PATH or set {XSD_ENV}; looked for "
            f"{default_xsd()})")


@functools.lru_cache(maxsize=4)
def _schema(path: str, mtime_ns: int) -> Any:
    import xmlschema  # the [addin] extra

    return xmlschema.XMLSchema(path)


def load_schema(path: Path) -> Any:
    """``xmlschema.XMLSchema`` of the customUI 2009/07 XSD at ``path`` (cached by path and
    modification time); a BuildError if xmlschema is missing, or the file is not that
    schema."""
    try:
        import xmlschema  # noqa: F401
    except ImportError as exc:
        raise BuildError([f"validating the ribbon against {path} needs the xmlschema package: "
                          "pip install 'xl-addin[addin]'"]) from exc
    try:
        schema = _schema(str(path.resolve()), path.stat().st_mtime_ns)
    except Exception as exc:
        raise BuildError([f"{path}: not a usable XML schema: {type(exc).__name__}: {exc}"]
                         ) from exc
    if schema.target_namespace != CUSTOMUI_NS:
        raise BuildError([f"{path}: schema of {schema.target_namespace!r}, expected the "
                          f"customUI 2009/07 namespace {CUSTOMUI_NS}"])
    return schema


def schema_problems(root: Any, schema: Any) -> list[str]:
    """Every place where the parsed ribbon XML breaks Microsoft's schema."""
    problems = []
    for error in schema.iter_errors(root):
        where = (error.path or "").replace(_NS, "")
        reason = str(error.reason or error.message).replace(_NS, "")
        problems.append(f"{TEMPLATE_NAME} does not follow {XSD_NAME} at {where}: {reason}")
    return problems


# --- the checks ----------------------------------------------------------------------------


def procedures(modules: dict[str, str]) -> dict[str, set[str]]:
    """Ribbon-callable procedures: ``Sub Name(control As Object|IRibbonControl)`` that are
    not Private, by module."""
    found: dict[str, set[str]] = {}
    for name, code in modules.items():
        private = {m.lower() for m in _PRIVATE_SUB.findall(code)}
        found[name] = {p for p, _, _ in _PROC.findall(code) if p.lower() not in private}
    return found


def _table_problems(root: Any, lang: Lang) -> list[str]:
    """The tab as the table defines it: the same groups and buttons, in the same order,
    with the same attributes (and no others)."""
    tabs = [t for t in root.iter(_NS + "tab") if t.get("id") == TAB.id]
    if len(tabs) != 1:
        return [f"{TEMPLATE_NAME}: expected one tab {TAB.id}, found {len(tabs)}"]
    found = [(e.tag[len(_NS):], dict(e.attrib)) for e in tabs[0].iter()
             if isinstance(e.tag, str) and e.tag.startswith(_NS)]
    problems = []
    for seen, wanted in zip_longest(found, tab_elements(lang)):
        if seen == wanted:
            continue
        if seen is None or wanted is None:
            kind, attrs = seen or wanted  # type: ignore[misc]
            what = "not in the table" if wanted is None else "missing"
            problems.append(f"{TEMPLATE_NAME}: <{kind} id={attrs.get('id')!r}> {what}")
        else:
            problems.append(f"{TEMPLATE_NAME}: <{seen[0]} id={seen[1].get('id')!r}> "
                            f"{seen[1]}, the button table says <{wanted[0]}> {wanted[1]}")
    if problems:
        problems.append("the ribbon's tab must be the table of xl_addin/addin_build/buttons.py")
    return problems


def check_ribbon(xml: bytes, modules: dict[str, str], schema: Any = None,
                 lang: Lang = "zh") -> list[str]:
    """The ribbon XML: well-formed; valid against Microsoft's customUI 2009/07 schema
    (``schema``, from ``load_schema``; skipped when None); its tab exactly the button
    table; button ids usable in RunPython's string; every onAction names a callback Sub
    that exists in the VBA sources."""
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:
        return [f"{TEMPLATE_NAME} is not well-formed XML: {exc}"]
    if root.tag != _NS + "customUI":
        return [f"{TEMPLATE_NAME}: root element {root.tag}, expected {_NS}customUI"]
    problems = schema_problems(root, schema) if schema is not None else []
    problems += _table_problems(root, lang)
    callable_procs = procedures(modules)
    for element in root.iter():
        if element.tag == _NS + "button" and not _BUTTON_ID.match(element.get("id", "")):
            problems.append(f"button id {element.get('id')!r}: letters, digits and _ only")
        action = element.get("onAction", "")
        if not action:
            continue
        module, _, proc = action.rpartition(".")
        hits = [module] if module else list(callable_procs)
        if not any(proc in callable_procs.get(m, ()) for m in hits):
            problems.append(f"<{element.tag.replace(_NS, '')} id={element.get('id')!r}>: "
                            f"onAction {action!r} names no callback Sub(control As Object) "
                            "in the VBA sources")
    return problems


__all__ = ["CUSTOMUI_NS", "TAB_PLACEHOLDER", "XSD_ENV", "XSD_NAME", "check_ribbon",
           "default_xsd", "load_schema", "locate_xsd", "not_validated_note", "procedures",
           "ribbon_xml", "schema_problems", "tab_elements", "tab_lines"]
