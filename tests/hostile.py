"""Odd and hostile files, made by the tests themselves in a temporary folder (nothing binary
is committed). Each builder writes one file at ``dest`` and returns its path.

``HOSTILE`` lists the files that ``xl-addin check`` must refuse with exit code 2, each with
the rule of the finding that names it; ``build_all`` writes them all into one folder.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "workbooks" / "demo"
DEMO = DEMO_DIR / "泷泊镇_2020-03-11.xlsx"
PLANTED_DIR = ROOT / "tests" / "data" / "planted"
PLANTED = PLANTED_DIR / "planted_泷泊镇_2020-03-11.xlsx"
MIB = 1024 * 1024

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
              for i in range(1, 10))
    + "]>\n"
)


# --- zip packages --------------------------------------------------------------------------

def read_parts(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """Every part of a package, in archive order."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_parts(dest: str | os.PathLike[str], parts: dict[str, bytes],
                compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(dest, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return Path(dest)


def raw_workbook(dest: str | os.PathLike[str], sheet_xml: str | bytes,
                 shared_strings: str | bytes | None = None, name: str = "封面") -> Path:
    """A one-sheet package whose sheet part is exactly ``sheet_xml``. The sheet is named
    like a standard sheet by default, so that the reader really reads it."""
    overrides = f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_SHEET}"/>'
    rels = f'<Relationship Id="rId1" Type="{NS_R}/worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT_SST}"/>'
        rels += f'<Relationship Id="rId2" Type="{NS_R}/sharedStrings" Target="sharedStrings.xml"/>'
    parts: dict[str, bytes] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>").encode(),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PR}"><Relationship '
            f'Id="rId1" Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{NS_R}">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS_PR}">{rels}'
            "</Relationships>").encode(),
        "xl/worksheets/sheet1.xml": sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml,
    }
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = (shared_strings.encode() if isinstance(shared_strings, str)
                                         else shared_strings)
    return write_parts(dest, parts)


def sheet(cells: str, dimension: str | None = None, before: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'{before}<worksheet xmlns="{NS}">{dim}<sheetData>{cells}</sheetData></worksheet>')


# --- files that are not workbooks -----------------------------------------------------------

def truncated(dest: Path) -> Path:
    """A real workbook cut in half (the zip's central directory is gone)."""
    data = DEMO.read_bytes()
    dest.write_bytes(data[: len(data) // 2])
    return dest


def random_bytes(dest: Path, seed: int = 7, size: int = 20_000) -> Path:
    dest.write_bytes(random.Random(seed).randbytes(size))
    return dest


def empty(dest: Path) -> Path:
    dest.write_bytes(b"")
    return dest


def csv_file(dest: Path) -> Path:
    dest.write_text("填报单位,区划代码\n泷泊镇,431123100000\n", encoding="utf-8")
    return dest


ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_CELL = "<table:table-cell><text:p>填报单位</text:p></table:table-cell>"


def ods(dest: Path, mimetype: str = ODS_MIMETYPE, cells: str = ODS_CELL,
        manifest_entry: str = "", row: str = "<table:table-row>") -> Path:
    """A minimal OpenDocument spreadsheet (mimetype first, stored); ``cells`` is the one
    row of its one sheet 封面, ``manifest_entry`` added to the manifest."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
            'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:'
            '1.0"><office:body><office:spreadsheet><table:table table:name="封面">'
            f"{row}{cells}</table:table-row>"
            "</table:table></office:spreadsheet></office:body></office:document-content>"))
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
            'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mimetype}"/>{manifest_entry}'
            "</manifest:manifest>"))
    return dest


def odt(dest: Path) -> Path:
    """An OpenDocument text document (not a spreadsheet)."""
    return ods(dest, "application/vnd.oasis.opendocument.text")


def encrypted_ods(dest: Path) -> Path:
    """An .ods whose manifest declares its content encrypted (a password to open)."""
    return ods(dest, manifest_entry=(
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AA==">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        'manifest:initialisation-vector="AA=="/></manifest:encryption-data>'
        "</manifest:file-entry>"))


def ods_span_bomb(dest: Path) -> Path:
    """An .ods of a few hundred bytes whose one filled cell repeats over 16,384 columns of
    a row repeated a million times: 17 billion cells for a reader to allocate."""
    return ods(dest, row='<table:table-row table:number-rows-repeated="1048576">', cells=(
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell>'))


def xlsb(dest: Path) -> Path:
    """A zip with the parts of a binary workbook (.xlsb) named .xlsx."""
    return write_parts(dest, {"[Content_Types].xml": b"<Types/>",
                              "xl/workbook.bin": b"\x83\x01\x00",
                              "xl/worksheets/sheet1.bin": b"\x81\x01\x00"})


def zip_not_workbook(dest: Path) -> Path:
    return write_parts(dest, {"readme.txt": "这不是工作簿".encode(), "data/a.json": b"{}"})


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal compound file (OLE2, version 3, 512-byte sectors) holding ``streams``, each
    at least 4,096 bytes (so no mini stream is needed) and named in ASCII."""
    endchain, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    sector = 512
    data_sectors: list[list[int]] = []
    next_free = 2  # sector 0: FAT, sector 1: directory
    body = b""
    for content in streams.values():
        assert len(content) >= 4096
        padded = content + b"\0" * (-len(content) % sector)
        count = len(padded) // sector
        data_sectors.append(list(range(next_free, next_free + count)))
        next_free += count
        body += padded
    assert next_free <= 128 and len(streams) <= 3
    fat = [fatsect, endchain]
    for chain in data_sectors:
        fat += [*chain[1:], endchain]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16  # siblings, child, CLSID
                + b"\0" * 20  # state bits, creation and modification times
                + struct.pack("<IQ", start, size))

    names = list(streams)
    directory = entry("Root Entry", 5, 1 if names else free, free, endchain, 0)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        directory += entry(name, 2, free, right, data_sectors[i][0], len(streams[name]))
    directory += b"\0" * (sector - len(directory))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, endchain, 0, endchain, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sector
    return header + struct.pack("<128I", *fat) + directory + body


def xls(dest: Path) -> Path:
    """A damaged Excel 97-2003 file: OLE2 with a Workbook stream that is no BIFF."""
    dest.write_bytes(ole2({"Workbook": b"\x09\x08" + b"\0" * 4094}))
    return dest


def word_doc(dest: Path) -> Path:
    """A Word 97-2003 document (OLE2 with a WordDocument stream)."""
    dest.write_bytes(ole2({"WordDocument": b"\xec\xa5" + b"\0" * 4094}))
    return dest


def foreign_ole(dest: Path) -> Path:
    """A compound file with neither a workbook nor a document stream (as a WPS .et in a
    format of its own would be)."""
    dest.write_bytes(ole2({"WpsContent": b"\0" * 4096}))
    return dest


def encrypted(dest: Path, password: str = "secret") -> Path:
    """The demo workbook encrypted with a password to open (agile encryption)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(DEMO, "rb") as plain, open(dest, "wb") as out:
        OOXMLFile(plain).encrypt(password, out)
    return dest


# --- bombs ------------------------------------------------------------------------------

def ratio_bomb(dest: Path, unpacked: int = 24 * MIB) -> Path:
    """A sheet of ``unpacked`` bytes of spaces: about 1,000:1, above the default ratio limit
    (200:1 for parts above 8 MiB). The file itself is about 25 KiB."""
    filler = b" " * unpacked
    xml = f'<worksheet xmlns="{NS}"><sheetData>'.encode() + filler + b"</sheetData></worksheet>"
    return raw_workbook(dest, xml)


def entity_bomb_shared_strings(dest: Path) -> Path:
    """Billion laughs in sharedStrings.xml, used by a cell."""
    sst = BILLION_LAUGHS + (f'<sst xmlns="{NS}" count="1" uniqueCount="1">'
                            "<si><t>&lol9;</t></si></sst>")
    return raw_workbook(dest, sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), sst)


def entity_bomb_sheet(dest: Path) -> Path:
    """Billion laughs in a sheet."""
    return raw_workbook(dest, BILLION_LAUGHS + sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'))


def entity_bomb_late(dest: Path) -> Path:
    """Billion laughs whose DOCTYPE comes after 8 KiB of comment (past a 4 KiB sniff)."""
    prolog = '<?xml version="1.0"?>\n<!--' + "填" * 3000 + "-->\n"
    return raw_workbook(dest, prolog + BILLION_LAUGHS.split("\n", 1)[1] + sheet(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'))


def xxe(dest: Path) -> Path:
    """An external entity pointing at a local file."""
    return raw_workbook(dest, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM '
                        '"file:///etc/passwd">]>' + sheet(
                            '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'))


def grid_span_bomb(dest: Path) -> Path:
    """Two cells, A1 and XFD1048576: a 17-billion-cell grid for a dense reader."""
    return raw_workbook(dest, sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'))


def relocated_grid_span_bomb(dest: Path) -> Path:
    """The grid-span bomb in a package whose workbook and sheet parts are not where Excel
    puts them (the root and data/cells.xml): readers follow the relationships there."""
    parts = read_parts(grid_span_bomb(dest))
    moved = {
        "[Content_Types].xml": parts["[Content_Types].xml"].replace(
            b"/xl/workbook.xml", b"/workbook.xml").replace(b"/xl/worksheets/sheet1.xml",
                                                           b"/data/cells.xml"),
        "_rels/.rels": parts["_rels/.rels"].replace(b"xl/workbook.xml", b"workbook.xml"),
        "workbook.xml": parts["xl/workbook.xml"],
        "_rels/workbook.xml.rels": parts["xl/_rels/workbook.xml.rels"].replace(
            b"worksheets/sheet1.xml", b"data/cells.xml"),
        "data/cells.xml": parts["xl/worksheets/sheet1.xml"],
    }
    return write_parts(dest, moved)


def padded_grid_span_bomb(dest: Path, padding: int = 5 * MIB) -> Path:
    """The grid-span bomb with its sheet padded above the size up to which the guard
    measures spans exactly: only the worker's memory limit stands in its way."""
    filler = " " * padding
    return raw_workbook(dest, sheet(
        f'<row r="1"><c r="A1"><v>1</v></c></row>{filler}'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'))


def shared_string_amplifier(dest: Path, size: int = 4 * MIB, cells: int = 2000) -> Path:
    """One 4 MiB shared string used by 2,000 cells (a reader that copies it per cell needs
    8 GiB); the file is about 10 KiB."""
    sst = (f'<sst xmlns="{NS}" count="{cells}" uniqueCount="1"><si><t>'
           + "x" * size + "</t></si></sst>")
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>'
                   for r in range(1, cells + 1))
    return raw_workbook(dest, sheet(rows), sst)


def slow_grid(dest: Path) -> Path:
    """A1 and Z1048576: 27 million cells, under the cell limit, but seconds of work and
    over a GiB of memory for a dense reader."""
    return raw_workbook(dest, sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="Z1048576"><v>2</v></c></row>'))


# --- odd but readable ---------------------------------------------------------------------

def claimed_dimension(dest: Path, source: Path = DEMO) -> Path:
    """``source`` with every sheet's <dimension> claiming A1:XFD1048576."""
    import re

    parts = read_parts(source)
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            parts[name] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"',
                                 data)
            assert b'ref="A1:XFD1048576"' in parts[name]
    return write_parts(dest, parts)


def add_shared_strings(parts: dict[str, bytes], strings: list[str]) -> None:
    """Give a package of inline strings (as openpyxl writes) a shared-string table holding
    ``strings``."""
    assert "xl/sharedStrings.xml" not in parts
    items = "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{items}</sst>').encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdSST" Type="{NS_R}/sharedStrings" '
        f'Target="/xl/sharedStrings.xml"/></Relationships>'.encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT_SST}"/>'
        "</Types>".encode())


def huge_shared_strings(dest: Path, count: int = 300_000, source: Path = DEMO) -> Path:
    """``source`` with a shared-string table of ``count`` strings (about 7 MiB of XML); the
    cover's 填报单位 is taken from its last entry, so the table is really read."""
    parts = read_parts(source)
    town = "泷泊镇"
    add_shared_strings(parts, [f"双牌县第{i}号字符串" for i in range(count - 1)] + [town])
    cover = parts["xl/worksheets/sheet1.xml"]
    inline = f'<c r="B1" s="2" t="inlineStr"><is><t>{town}</t></is></c>'.encode()
    assert inline in cover
    parts["xl/worksheets/sheet1.xml"] = cover.replace(
        inline, f'<c r="B1" s="2" t="s"><v>{count - 1}</v></c>'.encode())
    return write_parts(dest, parts)


def symlink(dest: Path, target: Path = DEMO) -> Path:
    dest.symlink_to(target)
    return dest


def fifo(dest: Path) -> Path:
    os.mkfifo(dest)
    return dest


def copy_demo(dest: Path, source: Path = DEMO) -> Path:
    shutil.copyfile(source, dest)
    return dest


# --- the set refused by ``check`` ------------------------------------------------------------

# file name → (builder, rule of the finding that names it)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated.xlsx": (truncated, "file_corrupt"),
    "random_bytes.xlsx": (random_bytes, "file_not_xlsx"),
    "empty.xlsx": (empty, "file_not_xlsx"),
    "damaged.xls": (xls, "file_corrupt"),
    "damaged_xls_renamed.xlsx": (xls, "file_corrupt"),
    "word_document.xls": (word_doc, "file_not_xlsx"),
    "wps_own_format.et": (foreign_ole, "file_not_xlsx"),
    "encrypted.xlsx": (encrypted, "file_encrypted"),
    "odt_renamed.ods": (odt, "file_not_xlsx"),
    "encrypted.ods": (encrypted_ods, "file_encrypted"),
    "span_bomb.ods": (ods_span_bomb, "file_too_many_cells"),
    "csv_renamed.xlsx": (csv_file, "file_not_xlsx"),
    "xlsb_renamed.xlsx": (xlsb, "file_not_xlsx"),
    "zip_not_workbook.xlsx": (zip_not_workbook, "file_not_xlsx"),
    "zip_bomb.xlsx": (ratio_bomb, "file_zip_bomb"),
    "entity_bomb_sst.xlsx": (entity_bomb_shared_strings, "file_hostile_xml"),
    "entity_bomb_sheet.xlsx": (entity_bomb_sheet, "file_hostile_xml"),
    "entity_bomb_late.xlsx": (entity_bomb_late, "file_hostile_xml"),
    "xxe.xlsx": (xxe, "file_hostile_xml"),
    "grid_span_bomb.xlsx": (grid_span_bomb, "file_too_many_cells"),
    "symlink.xlsx": (symlink, "file_symlink"),
    "fifo.xlsx": (fifo, "file_not_regular"),
}


def build_all(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write every file of ``HOSTILE`` into ``folder``: name → (path, expected rule)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: (builder(folder / name), rule) for name, (builder, rule) in HOSTILE.items()}


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()
