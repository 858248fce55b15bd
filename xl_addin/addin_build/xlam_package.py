"""The add-in's OOXML package (.xlam): openpyxl's workbook with the config sheet, turned
into a macro-enabled add-in with the VBA project and the ribbon part."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from defusedxml import ElementTree as SafeET

from ..core.messages import text
from .errors import BuildError
from .vba_project import CONFIG_SHEET_CODENAME, WORKBOOK_CODENAME
from .vba_source import PROJECT_NAME

UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ADDIN_CT = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CT = "application/vnd.ms-office.vbaProject"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CUSTOMUI_PART = "customUI/customUI14.xml"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
FIXED_TIME = (2020, 3, 11, 0, 0, 0)  # zip entry times: the same sources give the same bytes


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
        f"<dc:title>{escape(text('addin_title', 'zh'))}</dc:title>"
        f"<dc:description>{escape(text('addin_description', 'zh'))}"
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
    add_ribbon(parts, ribbon_xml)
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


def add_ribbon(parts: dict[str, bytes], ribbon_xml: bytes) -> None:
    """Add the customUI part and the package relationship that points at it."""
    rels = parts["_rels/.rels"].decode("utf-8")
    rels = _replace_once(rels, "</Relationships>", f'<Relationship Type="{UI_REL}" '
                         f'Target="{CUSTOMUI_PART}" Id="rIdCustomUI14" /></Relationships>',
                         "_rels/.rels")
    parts["_rels/.rels"] = rels.encode("utf-8")
    parts[CUSTOMUI_PART] = ribbon_xml


def rel_targets(xml: bytes, rel_type: str) -> list[str]:
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



__all__ = ["ADDIN_CT", "CONFIG_SHEET", "CT_NS", "CUSTOMUI_PART", "MAIN_NS", "UI_REL", "VBA_CT",
           "VBA_REL", "add_ribbon", "package", "read_config_sheet", "rel_targets"]
