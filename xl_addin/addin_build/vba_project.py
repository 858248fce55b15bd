"""The VBA project (``vbaProject.bin``): written with ms-ovba, read back with oletools, and
its ``PROJECT`` and ``PROJECTwm`` streams verified by our own code (MS-OVBA 2.4.3.3 data
decryption of CMG/DPB/GC)."""

from __future__ import annotations

import contextlib
import random
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .compression import ovba_compress

PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "xl-addin/fgfc.xlam")).upper() + "}"
WORKBOOK_CODENAME = "ThisWorkbook"
CONFIG_SHEET_CODENAME = "Sheet1"  # the config sheet's document module
DOC_MODULE_GUIDS = {"ThisWorkbook": "0002081900000000C000000000000046",  # Excel Workbook
                    "Sheet": "0002082000000000C000000000000046"}  # Excel Worksheet


@contextlib.contextmanager
def _replaced(owner: object, name: str, value: object) -> Iterator[None]:
    """``owner.name`` is ``value`` inside the block, and what it was again afterwards (also
    when the block raises). Only an attribute ``owner`` defines itself (a KeyError if
    ms-ovba moved it: the build then stops rather than write an unchecked project)."""
    saved = vars(owner)[name]
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


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
        with _replaced(MsOvba, "compress", lambda _self, data: ovba_compress(data)), \
                _replaced(ms_ovba_crypto, "random", random.Random(PROJECT_ID)):
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



__all__ = ["CONFIG_SHEET_CODENAME", "PROJECT_ID", "WORKBOOK_CODENAME", "VbaModuleRead",
           "build_vba_project", "ovba_decrypt", "read_vba_project", "verify_project_stream",
           "verify_vba_project"]
