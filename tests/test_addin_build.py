"""``xl-addin build-addin``: the .xlam built from addin/ and the button table, and checked
part by part; its ribbon against Microsoft's customUI schema (customui14.xsd, taken from
../shared). The VBA project is read back by two readers that share no code with the writer:
oletools (strict dir-stream parsing) and LibreOffice (its own VBA import), the latter
compared on the same terms with a workbook Excel itself wrote (xlwings' quickstart.xlsm)."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlwings
from click.testing import CliRunner
from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import decompress_stream

from xl_addin.addin_build import (
    build,
    buttons,
    checks,
    compression,
    errors,
    ribbon_xml,
    vba_project,
    vba_source,
    xlam_package,
)
from xl_addin.addin_build.sources import Sources, load_sources, read_config
from xl_addin.cli import main
from xl_addin.core.messages import text

ROOT = Path(__file__).resolve().parents[1]
XLWINGS_DIR = Path(xlwings.__file__).parent
NS = "{" + ribbon_xml.CUSTOMUI_NS + "}"


SHARED = ROOT.parent / "shared"
XSD = SHARED / "vendor" / "office" / "customui14.xsd"


@pytest.fixture(autouse=True)
def _no_xsd_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without XL_ADDIN_RIBBON_XSD, whatever the shell exports."""
    monkeypatch.delenv(ribbon_xml.XSD_ENV, raising=False)


@pytest.fixture(scope="module")
def xsd(shared) -> Path:
    """Microsoft's customUI 2009/07 schema, from ../shared (never committed here)."""
    return shared("vendor", "office", "customui14.xsd")


@pytest.fixture(scope="module")
def schema(xsd: Path) -> Any:
    return ribbon_xml.load_schema(xsd)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, build.BuildReport]:
    out = tmp_path_factory.mktemp("addin") / "fgfc.xlam"
    return out, build.build_addin(out, ribbon_xsd=XSD if SHARED.is_dir() else None)


@pytest.fixture(scope="module")
def sources() -> Sources:
    return load_sources()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repack(data: bytes, **changes: bytes | None) -> bytes:
    """The package with some parts replaced (or removed when None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = changes.get(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


# --- compression: ms-ovba's own is replaced ------------------------------------------------


def test_ms_ovba_own_compressor_is_not_trusted() -> None:
    """Why build_vba_project uses ovba_compress: ms-ovba's compressor (ms_ovba_compression
    1.0.1) loses data, so its output read back by oletools is not the input. If this test
    fails, the package was fixed: docs/ribbon.md says what to revisit."""
    from ms_ovba_compression.ms_ovba import MsOvba

    text = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_bytes()
    assert decompress_stream(bytearray(MsOvba().compress(text))) != text
    assert decompress_stream(bytearray(compression.ovba_compress(text))) == text


@pytest.mark.parametrize("size", [0, 1, 8, 9, 100, 4093, 4094, 4095, 4096, 4097, 8192, 12289])
def test_ovba_compress_round_trips_at_chunk_edges(size: int) -> None:
    rng = random.Random(size)
    text = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_bytes()
    samples = [text[:size], bytes(rng.choice(b"ab c") for _ in range(size)), b"\x00" * size]
    if size % 4096 == 0:  # incompressible data fits only as whole raw chunks
        samples.append(bytes(rng.getrandbits(8) for _ in range(size)))
    for sample in samples:
        packed = compression.ovba_compress(sample)
        assert packed[0] == 1
        assert decompress_stream(bytearray(packed)) == sample


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=9000).filter(lambda b: len(b) % 4096 < 3500 or len(b) % 4096 == 0))
def test_ovba_compress_round_trips(data: bytes) -> None:
    assert decompress_stream(bytearray(compression.ovba_compress(data))) == data


# --- the package -------------------------------------------------------------------------


def test_build_passes_its_own_checks_and_is_reproducible(built: tuple[Path, Any],
                                                         tmp_path: Path) -> None:
    path, report = built
    assert report.modules == ["FgfcRegister", "FgfcRibbon", "xlwings", "xlwings_udfs"]
    assert checks.check_addin(path.read_bytes()) == []
    again = build.build_addin(tmp_path / "again.xlam")
    assert again.path.read_bytes() == path.read_bytes()


def test_package_parts_and_relationships(built: tuple[Path, Any]) -> None:
    found = parts(built[0])
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels", "xl/vbaProject.bin", "customUI/customUI14.xml",
            "xl/worksheets/sheet1.xml", "docProps/core.xml"} <= set(found)
    types = SafeET.fromstring(found["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    rels = {r.get("Target"): r.get("Type") for r in SafeET.fromstring(found["_rels/.rels"])}
    assert rels["customUI/customUI14.xml"] == (
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility")
    book_rels = {r.get("Target"): r.get("Type")
                 for r in SafeET.fromstring(found["xl/_rels/workbook.xml.rels"])}
    assert book_rels["vbaProject.bin"] == (
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject")
    workbook = found["xl/workbook.xml"].decode()
    assert '<workbookPr codeName="ThisWorkbook"' in workbook
    assert '<workbookView visibility="hidden"' in workbook
    assert '<sheet name="xlwings.conf"' in workbook
    assert '<sheetPr codeName="Sheet1"' in found["xl/worksheets/sheet1.xml"].decode()
    core = found["docProps/core.xml"].decode()
    assert "<dc:title>复工复产报表工具</dc:title>" in core
    # the part is the template with its placeholder line replaced by the tab
    template = (ROOT / "addin" / "customUI14.xml").read_text(encoding="utf-8")
    head, _, tail = template.partition("      " + ribbon_xml.TAB_PLACEHOLDER + "\n")
    part = found["customUI/customUI14.xml"].decode("utf-8")
    assert head and tail and part.startswith(head) and part.endswith(tail)
    assert ribbon_xml.TAB_PLACEHOLDER not in part
    assert part[len(head):].startswith('      <tab id="fgfcTab" label="复工复产">\n')


def test_config_sheet(built: tuple[Path, Any], tmp_path: Path) -> None:
    config = dict(xlam_package.read_config_sheet(built[0].read_bytes()))
    assert config == {"UDF Modules": "xl_addin.xlwings_udfs", "Use UDF Server": True,
                      "Show Console": False, "Debug UDFs": False}
    report = build.build_addin(tmp_path / "x.xlam", interpreter=r"C:\Py\pythonw.exe",
                               conda_env="base")
    config = dict(xlam_package.read_config_sheet(report.path.read_bytes()))
    assert config["Interpreter_Win"] == r"C:\Py\pythonw.exe" and config["Conda Env"] == "base"


def test_ribbon_tab_and_buttons(built: tuple[Path, Any]) -> None:
    root = SafeET.fromstring(parts(built[0])["customUI/customUI14.xml"])
    assert root.tag == NS + "customUI"
    (tab,) = root.iter(NS + "tab")
    assert tab.get("label") == "复工复产"
    found = list(tab.iter(NS + "button"))
    assert [(b.get("id"), b.get("label")) for b in found] == [
        ("fgValidate", "校验本表"), ("fgClear", "清除标注"), ("fgNewReport", "新建报表"),
        ("fgSummary", "县级汇总"), ("fgHelp", "函数帮助")]
    for button in found:
        assert button.get("imageMso") and button.get("onAction") == "FgfcRibbon.FgfcOnAction"
    assert [(g.get("id"), g.get("label")) for g in tab.iter(NS + "group")] == [
        ("fgfcCheckGroup", "校验"), ("fgfcReportGroup", "报表"), ("fgfcHelpGroup", "帮助")]


def test_the_built_ribbon_the_table_and_the_dispatcher_agree(built: tuple[Path, Any]) -> None:
    """One table feeds the ribbon XML, the VBA callback and the Python dispatcher: the
    built add-in's buttons are the table's, in order, each calls the callback the VBA
    source declares, and each id dispatches to the handler the table names."""
    from xl_addin import ribbon

    root = SafeET.fromstring(parts(built[0])["customUI/customUI14.xml"])
    found = list(root.iter(NS + "button"))
    assert [b.get("id") for b in found] == [b.id for b in buttons.BUTTONS] == list(
        ribbon.BUTTONS)
    for element, button in zip(found, buttons.BUTTONS, strict=True):
        assert element.get("imageMso") == button.image_mso
        assert element.get("size") == button.size
        assert element.get("label") == element.get("screentip") == text(button.label)
        assert element.get("supertip") == text(button.tip)
        assert ribbon.BUTTONS[button.id].__name__ == button.handler
    module, _, sub = buttons.ON_ACTION.partition(".")
    callback = (ROOT / "addin" / "vba" / f"{module}.bas").read_text(encoding="utf-8")
    assert f"Public Sub {sub}(control As Object)" in callback
    assert {b.get("onAction") for b in found} == {buttons.ON_ACTION}


def test_a_button_added_to_the_table_alone_fails_the_check(
        sources: Sources, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ribbon XML written before a button was added to the table (or edited by hand)
    no longer agrees with it: the build refuses it."""
    extra = buttons.Button("fgExtra", "ribbon_help", "ribbon_help_tip", "Help", "on_help")
    group = buttons.TAB.groups[-1]
    table = buttons.Tab(buttons.TAB.id, buttons.TAB.label, (
        *buttons.TAB.groups[:-1], buttons.Group(group.id, group.label,
                                                (*group.buttons, extra))))
    monkeypatch.setattr(ribbon_xml, "TAB", table)
    problems = ribbon_xml.check_ribbon(sources.ribbon_xml, sources.modules)
    assert "customUI14.xml: <button id='fgExtra'> missing" in problems


def test_the_callback_passes_the_button_id_to_python(sources: Sources) -> None:
    code = sources.modules["FgfcRibbon"]
    assert re.search(r"Public Sub FgfcOnAction\(control As Object\)\r\n\s+RunPython "
                     r"\"import xlwings as xw, xl_addin.ribbon as r; "
                     r"r.on_button\(xw.Book.caller\(\), '\" & control.Id & \"'\)\"", code)
    assert "Function RunPython(" in sources.modules["xlwings"]


def test_xlwings_module_is_the_shipped_one_with_our_project_name(
        sources: Sources) -> None:
    shipped = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    ours = sources.modules["xlwings"]
    assert ours == vba_source.normalize_module("xlwings", shipped.replace(
        'PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "xlwings"'))
    assert ours.count('Public Const PROJECT_NAME As String = "xlwings"') == 1


# --- the VBA project read back ---------------------------------------------------------------


def test_vba_read_back_by_oletools_equals_the_sources(built: tuple[Path, Any],
                                                      sources: Sources) -> None:
    codepage, modules = vba_project.read_vba_project(parts(built[0])["xl/vbaProject.bin"])
    assert codepage == 1252
    by_name = {m.name: m for m in modules}
    assert set(by_name) == {"ThisWorkbook", "Sheet1", "xlwings", "FgfcRibbon", "xlwings_udfs",
                            "FgfcRegister"}
    for name, code in sources.modules.items():
        assert by_name[name].kind == "module"
        assert by_name[name].code == code
    assert by_name["ThisWorkbook"].kind == by_name["Sheet1"].kind == "document"
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in by_name[
        "ThisWorkbook"].code


def test_project_stream_is_unprotected_and_lists_the_modules(built: tuple[Path, Any]) -> None:
    data = parts(built[0])["xl/vbaProject.bin"]
    assert vba_project.verify_project_stream(data, ["xlwings", "FgfcRibbon", "xlwings_udfs",
                                              "FgfcRegister"]) == []
    assert vba_project.verify_project_stream(data, ["xlwings", "FgfcRibbon", "xlwings_udfs"]) != []


def test_cell_function_wrappers_are_in_the_add_in(sources: Sources) -> None:
    from xl_addin.functions import udfs

    code = sources.modules["xlwings_udfs"]
    functions = re.findall(r"^Function (FG_\w+)\(", code, re.M)
    assert sorted(functions) == sorted(n for n in vars(udfs) if n.startswith("FG_"))
    assert 'XLPy.CallUDF("xl_addin.xlwings_udfs"' in code and "ActiveWorkbook" in code


def test_without_the_udf_module_the_hook_says_so(tmp_path: Path) -> None:
    sources = load_sources(udfs=lambda: None)
    assert "xlwings_udfs" not in sources.modules and not sources.udfs_included
    assert "FgfcRegister" not in sources.modules  # no functions, no help to register
    assert "hook: xl_addin.addin_build.build.udf_wrappers" in sources.notes[0]
    assert build.udf_wrappers is vba_source.udf_wrappers  # the name the note gives
    data = xlam_package.package(sources.ribbon_xml,
                                vba_project.build_vba_project(sources.modules), sources.config)
    assert checks.check_addin(data, sources.modules) == []


def test_the_generated_module_names_its_generator(sources: Sources) -> None:
    """FgfcRegister's first comment names the function that wrote it, where it can be found."""
    first = sources.modules["FgfcRegister"].split("\r\n")[1]
    assert first.startswith("' Generated by xl_addin.addin_build.build.register_module() ")
    assert build.register_module is vba_source.register_module


def vba_layout(path: Path) -> tuple[bytes, dict[str, int]]:
    """A workbook's ``VBA/_VBA_PROJECT`` stream and, per module, the offset of its source
    in its stream (oletools' ``textoffset``). Excel writes its compiled cache into both; a
    project or module written by another library is source only: the 7-byte stream
    (MS-OVBA 2.3.4.1) and offset 0."""
    import olefile
    from oletools.olevba import VBA_Project

    with olefile.OleFileIO(parts(path)["xl/vbaProject.bin"]) as ole:
        stream = ole.openstream("VBA/_VBA_PROJECT").read()
        project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
        project.parse_project_stream()
        list(project.parse_modules())
        return stream, {m.name: m.textoffset for m in project.modules}


def test_which_xlwings_files_excel_wrote() -> None:
    """The controls below, told apart: xlwings' add-ins (xlwings.xlam,
    quickstart_addin_ribbon.xlam) are not Excel-written. xlwings' release process rewrote
    one module (``Main``, ``xlwings``) with a non-Excel library: it is source only, the
    other modules keep Excel's compiled code, and _VBA_PROJECT is the source-only form.
    quickstart.xlsm was saved by Excel."""
    source_only = bytes.fromhex("cc61ffff000100")  # reserved 0x61CC, version 0xFFFF
    stream, offsets = vba_layout(XLWINGS_DIR / "addin" / "xlwings.xlam")
    assert stream == source_only and offsets["Main"] == 0 and offsets["Config"] > 0
    stream, offsets = vba_layout(XLWINGS_DIR / "quickstart_addin_ribbon.xlam")
    assert stream == source_only and offsets["xlwings"] == 0 and offsets["RibbonMyAddin"] > 0
    stream, offsets = vba_layout(XLWINGS_DIR / "quickstart.xlsm")
    assert stream[:2] == b"\xcc\x61" and stream[2:4] != b"\xff\xff" and len(stream) > 1000
    assert set(offsets) == {"ThisWorkbook", "Sheet1", "Sheet2", "Module1"}
    assert all(offset > 0 for offset in offsets.values())


def test_libreoffice_reads_the_same_vba(built: tuple[Path, Any], sources: Sources,
                                        tmp_path: Path, soffice: str) -> None:
    """LibreOffice's VBA import on our add-in and on two controls: xlwings'
    quickstart_addin_ribbon.xlam (source-only like ours, but written by another library)
    and quickstart.xlsm (written by Excel). Add-ins are repackaged as .xlsm (LibreOffice
    does not open .xlam), then everything is converted headless to .ods."""
    for source, name in ((built[0], "ours"),
                         (XLWINGS_DIR / "quickstart_addin_ribbon.xlam", "library"),
                         (XLWINGS_DIR / "quickstart.xlsm", "excel")):
        found = parts(source)
        found["[Content_Types].xml"] = found["[Content_Types].xml"].replace(
            b"ms-excel.addin.macroEnabled.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for part, data in found.items():
                archive.writestr(part, data)
        (tmp_path / f"{name}.xlsm").write_bytes(out.getvalue())
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "ods", "--outdir", str(tmp_path / "out"),
                    *(str(tmp_path / f"{name}.xlsm") for name in ("ours", "library", "excel"))],
                   check=True, capture_output=True, timeout=300)

    def basic(name: str) -> dict[str, tuple[str, str]]:
        modules = {}
        with zipfile.ZipFile(tmp_path / "out" / f"{name}.ods") as archive:
            for part in archive.namelist():
                if part.startswith("Basic/") and not part.endswith("-lb.xml") and \
                        not part.endswith("-lc.xml"):
                    root = SafeET.fromstring(archive.read(part))
                    script = "{http://openoffice.org/2000/script}"
                    modules[root.get(script + "name")] = (root.get(script + "moduleType"),
                                                          root.text or "")
        return modules

    def expected(code: str) -> str:
        """What LibreOffice shows of a module: no attributes, LF line ends."""
        lines = [line for line in code.split("\r\n") if not line.startswith("Attribute VB_")]
        return "\n".join(lines).rstrip("\n")

    ours = basic("ours")
    assert set(ours) == {"ThisWorkbook", "Sheet1", "xlwings", "FgfcRibbon", "xlwings_udfs",
                         "FgfcRegister"}
    assert ours["ThisWorkbook"][0] == ours["Sheet1"][0] == "document"
    head = "Rem Attribute VBA_ModuleType=VBAModule\nOption VBASupport 1\n"
    for name, code in sources.modules.items():
        kind, shown = ours[name]
        assert kind == "normal" and shown.rstrip("\n") == head + expected(code), name
    # control 1: another library's source-only project, against the module's shipped text
    library = basic("library")
    shipped = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    kind, shown = library["xlwings"]
    assert kind == "normal"
    assert shown.rstrip("\n") == head + expected(vba_source.normalize_module("xlwings", shipped))
    # control 2: Excel's own file (compiled cache before the source), against oletools
    excel = basic("excel")
    _, read = vba_project.read_vba_project(parts(XLWINGS_DIR / "quickstart.xlsm")[
        "xl/vbaProject.bin"])
    assert {m.name: m.kind for m in read} == {"ThisWorkbook": "document",
                                              "Sheet1": "document", "Sheet2": "document",
                                              "Module1": "module"}
    assert {name: kind for name, (kind, _) in excel.items()} == {
        "ThisWorkbook": "document", "Sheet1": "document", "Sheet2": "document",
        "Module1": "normal"}
    (module1,) = [m.code for m in read if m.name == "Module1"]
    assert "Sub SampleCall()" in module1
    assert excel["Module1"][1].rstrip("\n") == head + expected(module1)


# --- the checks catch what they should --------------------------------------------------------


TABLE = "the ribbon's tab must be the table of xl_addin/addin_build/buttons.py"


def test_ribbon_check_catches_mistakes(sources: Sources) -> None:
    """Without the schema: the tab must be the button table, every onAction a callback of
    the VBA sources."""
    xml = sources.ribbon_xml.decode("utf-8")
    assert ribbon_xml.check_ribbon(xml.encode(), sources.modules) == []
    cases = {
        'imageMso="AutoSum"': ('imageMso=""', "'imageMso': ''"),
        'onAction="FgfcRibbon.FgfcOnAction"\n                  screentip="函数帮助"': (
            'onAction="FgfcRibbon.FgfcOnActon"\n                  screentip="函数帮助"',
            "onAction 'FgfcRibbon.FgfcOnActon' names no callback"),
        'label="清除标注"': ('label="清除"', "'label': '清除'"),
        '<group id="fgfcHelpGroup" label="帮助">': (
            '<group id="fgfcHelpGroup" label="帮助"><tab id="x" label="y"/>', "<tab id='x'>"),
        'id="fgSummary"': ('id="fgHelp"', "<button id='fgHelp'>"),
        'size="large" imageMso="FileNew"': ('size="huge" imageMso="FileNew"', "'size': 'huge'"),
        'screentip="校验本表"': ('screentip="校验本表" onClick="x"', "'onClick': 'x'"),
        'id="fgClear"': ('id="fg\'Clear"', "button id \"fg'Clear\": letters, digits and _ only"),
    }
    for old, (new, message) in cases.items():
        assert xml.count(old) == 1, old
        problems = ribbon_xml.check_ribbon(xml.replace(old, new).encode(), sources.modules)
        assert any(message in p for p in problems), (old, problems)
        assert TABLE in problems, (old, problems)
    assert "not well-formed" in ribbon_xml.check_ribbon(b"<customUI", sources.modules)[0]
    private = dict(sources.modules, FgfcRibbon=sources.modules["FgfcRibbon"].replace(
        "Public Sub FgfcOnAction", "Private Sub FgfcOnAction"))
    assert sum("names no callback" in p for p in ribbon_xml.check_ribbon(xml.encode(),
                                                                         private)) == 5


def test_the_ribbon_is_valid_against_microsofts_schema(sources: Sources, schema: Any,
                                                       built: tuple[Path, Any]) -> None:
    """xmlschema itself (not our wrapper) finds no error in the ribbon we build, in either
    language, nor in the part of the built add-in."""
    template = (ROOT / "addin" / "customUI14.xml").read_text(encoding="utf-8")
    for lang in ("zh", "en"):
        xml = ribbon_xml.ribbon_xml(template, lang).decode("utf-8")
        assert list(schema.iter_errors(xml)) == [], lang
    part = parts(built[0])["customUI/customUI14.xml"].decode("utf-8")
    assert list(schema.iter_errors(part)) == []
    assert ribbon_xml.check_ribbon(part.encode(), sources.modules, schema) == []
    assert built[1].ribbon_xsd == XSD and built[1].notes == []


def test_the_schema_refuses_what_excel_would(sources: Sources, schema: Any) -> None:
    """Negative controls: an unknown attribute, a duplicate id, a button outside a group,
    and an attribute outside the tab that only the schema checks."""
    xml = sources.ribbon_xml.decode("utf-8")
    cases = {
        "unknown attribute": ('screentip="校验本表"', 'screentip="校验本表" onClick="x"',
                              "'onClick' attribute not allowed for element"),
        "duplicate id": ('id="fgSummary"', 'id="fgHelp"',
                         "duplicated xs:ID value 'fgHelp'"),
        "button outside a group": (
            '<tab id="fgfcTab" label="复工复产">',
            '<tab id="fgfcTab" label="复工复产"><button id="fgLoose" label="x" '
            'imageMso="Help" onAction="FgfcRibbon.FgfcOnAction"/>',
            "Unexpected child with tag 'button' at position 1"),
        "bad boolean": ("<ribbon>", '<ribbon startFromScratch="maybe">',
                        "attribute startFromScratch='maybe'"),
    }
    for what, (old, new, reason) in cases.items():
        assert xml.count(old) == 1, what
        bad = xml.replace(old, new)
        assert list(schema.iter_errors(bad)), what  # xmlschema itself refuses it
        problems = ribbon_xml.check_ribbon(bad.encode(), sources.modules, schema)
        assert any(p.startswith("customUI14.xml does not follow customui14.xsd at /customUI/")
                   and reason in p for p in problems), (what, problems)
    # the attribute outside the tab passes every check but the schema's
    outside = xml.replace("<ribbon>", '<ribbon startFromScratch="maybe">').encode()
    assert ribbon_xml.check_ribbon(outside, sources.modules) == []


def copy_of_sources(tmp_path: Path, old: str = "", new: str = "") -> Path:
    """addin/ copied, with ``old`` replaced by ``new`` in the ribbon template."""
    folder = tmp_path / "addin"
    shutil.copytree(ROOT / "addin", folder)
    template = folder / "customUI14.xml"
    text_ = template.read_text(encoding="utf-8")
    assert text_.count(old) == 1 or not old
    template.write_text(text_.replace(old, new) if old else text_, encoding="utf-8")
    return folder


def test_the_build_refuses_a_ribbon_the_schema_refuses(tmp_path: Path, xsd: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    source = copy_of_sources(tmp_path, "<ribbon>", '<ribbon startFromScratch="maybe">')
    out = tmp_path / "x.xlam"
    with pytest.raises(errors.BuildError) as refused:
        build.build_addin(out, source=source, ribbon_xsd=xsd)
    assert any("startFromScratch='maybe'" in p for p in refused.value.problems)
    assert not out.exists()
    # without the schema the same ribbon goes through, and the report says it was not checked
    monkeypatch.setattr(ribbon_xml, "default_xsd", lambda: tmp_path / "absent.xsd")
    report = build.build_addin(out, source=source)
    assert report.ribbon_xsd is None and out.exists()
    assert report.notes == [
        "the ribbon XML was NOT validated against Microsoft's customUI schema: no "
        "customui14.xsd (give --ribbon-xsd PATH or set XL_ADDIN_RIBBON_XSD; looked for "
        f"{tmp_path / 'absent.xsd'})"]


def test_where_the_build_finds_the_schema(tmp_path: Path, xsd: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ribbon_xml, "default_xsd", lambda: tmp_path / "absent.xsd")
    assert ribbon_xml.locate_xsd() is None
    monkeypatch.setattr(ribbon_xml, "default_xsd", lambda: xsd)  # the default location
    assert ribbon_xml.locate_xsd() == xsd
    monkeypatch.setenv("XL_ADDIN_RIBBON_XSD", str(tmp_path / "nowhere.xsd"))
    with pytest.raises(errors.BuildError, match=r"XL_ADDIN_RIBBON_XSD: .*nowhere\.xsd is not a"):
        ribbon_xml.locate_xsd()
    copy = tmp_path / "copy.xsd"
    shutil.copyfile(xsd, copy)
    monkeypatch.setenv("XL_ADDIN_RIBBON_XSD", str(copy))
    assert ribbon_xml.locate_xsd() == copy
    assert ribbon_xml.locate_xsd(xsd) == xsd  # the option wins over the variable
    with pytest.raises(errors.BuildError, match=r"--ribbon-xsd: .*other\.xsd is not a file"):
        ribbon_xml.locate_xsd(tmp_path / "other.xsd")
    other = tmp_path / "other.xsd"
    other.write_text('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                     'targetNamespace="http://schemas.microsoft.com/office/2006/01/customui">'
                     '<xs:element name="customUI"/></xs:schema>', encoding="utf-8")
    with pytest.raises(errors.BuildError, match="expected the customUI 2009/07 namespace"):
        ribbon_xml.load_schema(other)
    other.write_text("not a schema", encoding="utf-8")
    with pytest.raises(errors.BuildError, match="not a usable XML schema"):
        ribbon_xml.load_schema(other)


def test_the_template_needs_its_placeholder(tmp_path: Path) -> None:
    source = copy_of_sources(tmp_path, ribbon_xml.TAB_PLACEHOLDER, "<!-- gone -->")
    with pytest.raises(errors.BuildError, match="must appear exactly once, found 0"):
        load_sources(source)


def test_build_error_is_one_of_the_error_family() -> None:
    import pickle

    from xl_addin.core.errors import XlAddinError

    exc = errors.BuildError(["first problem", "second problem"])
    assert isinstance(exc, XlAddinError) and exc.code == "build_failed"
    assert exc.problems == ["first problem", "second problem"]
    assert exc.message("zh") == "加载项未生成：\nfirst problem\nsecond problem"
    assert exc.message("en") == str(exc) == (
        "the add-in was not built:\nfirst problem\nsecond problem")
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is errors.BuildError and again.problems == exc.problems
    assert again.message("zh") == exc.message("zh")


def test_the_build_leaves_ms_ovba_as_it_was(sources: Sources,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Our compressor and the fixed seed replace ms-ovba's only while the project is
    written, and are taken out again when the write fails."""
    from ms_ovba.Views.project_ole_file import ProjectOleFile
    from ms_ovba_compression.ms_ovba import MsOvba
    from ms_ovba_crypto import ms_ovba_crypto

    original = (vars(MsOvba)["compress"], ms_ovba_crypto.random)
    during = []
    write = vars(ProjectOleFile)["write_file"].__func__

    def spy(project: Any) -> None:
        during.append((vars(MsOvba)["compress"], ms_ovba_crypto.random))
        write(project)

    monkeypatch.setattr(ProjectOleFile, "write_file", staticmethod(spy))
    vba_project.build_vba_project(sources.modules)
    assert during[0][0] is not original[0] and during[0][1] is not original[1]
    assert (vars(MsOvba)["compress"], ms_ovba_crypto.random) == original

    def failing(project: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ProjectOleFile, "write_file", staticmethod(failing))
    with pytest.raises(OSError, match="disk full"):
        vba_project.build_vba_project(sources.modules)
    assert (vars(MsOvba)["compress"], ms_ovba_crypto.random) == original


def test_no_unittest_mock_in_the_package() -> None:
    found = [str(p.relative_to(ROOT)) for p in (ROOT / "xl_addin").rglob("*.py")
             if re.search(r"^\s*(from|import) unittest", p.read_text(encoding="utf-8"), re.M)]
    assert found == []


def test_module_and_config_checks() -> None:
    assert checks.check_modules({"M": vba_source.normalize_module("M", "' 复工复产\n")}) == [
        "VBA module M: non-ASCII characters '产复工'"]
    assert checks.check_modules({"M": 'Attribute VB_Name = "N"\r\n'}) == [
        "VBA module M: first line must be Attribute VB_Name"]
    assert checks.check_config([("UDF Modules", "other")]) == [
        "xlwings.conf: UDF MODULES must be 'xl_addin.xlwings_udfs', is 'other'"]
    assert checks.check_config([("UDF Modules", "xl_addin.xlwings_udfs"),
                               ("Show Console", "maybe")]) == [
        "xlwings.conf: SHOW CONSOLE must be True or False"]
    with pytest.raises(errors.BuildError, match="line 2"):
        read_config('"A","B"\nC=D\n')


def test_package_check_catches_broken_packages(built: tuple[Path, Any],
                                               sources: Sources) -> None:
    data = built[0].read_bytes()
    found = parts(built[0])
    wrong_rel = found["_rels/.rels"].replace(b"2007/relationships/ui", b"2006/relationships/ui")
    assert any("no relationship of type" in p
               for p in checks.check_addin(repack(data, **{"_rels/.rels": wrong_rel})))
    assert checks.check_addin(repack(data, **{"xl/vbaProject.bin": None})) == [
        "missing part xl/vbaProject.bin"]
    as_xlsm = found["[Content_Types].xml"].replace(b"addin.macroEnabled", b"sheet.macroEnabled")
    assert any("workbook content type" in p
               for p in checks.check_addin(repack(data, **{"[Content_Types].xml": as_xlsm})))
    visible = found["xl/workbook.xml"].replace(b'visibility="hidden"', b'visibility="visible"')
    assert checks.check_addin(repack(data, **{"xl/workbook.xml": visible})) == [
        "workbook.xml: the add-in's window must be hidden"]
    changed = dict(sources.modules, FgfcRibbon=sources.modules["FgfcRibbon"].replace(
        "r.on_button", "r.on_click"))
    assert checks.check_addin(data, changed) == [
        "vbaProject.bin: module FgfcRibbon differs from its source"]


def test_verification_catches_ms_ovba_own_compression(sources: Sources,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Had we trusted ms-ovba, the build would have failed its read-back check."""
    monkeypatch.setattr(vba_project, "ovba_compress", _ms_ovba_compress)
    problems = vba_project.verify_vba_project(vba_project.build_vba_project(sources.modules),
                                        sources.modules)
    assert problems


def _ms_ovba_compress(data: bytes) -> bytes:
    from ms_ovba_compression.ms_ovba import MsOvba

    return _MS_OVBA_COMPRESS(MsOvba(), data)


def _original_compress() -> Any:
    from ms_ovba_compression.ms_ovba import MsOvba

    return MsOvba.compress


_MS_OVBA_COMPRESS = _original_compress()  # before build_vba_project patches it


# --- the command ----------------------------------------------------------------------------


def test_cli_build_addin(tmp_path: Path) -> None:
    out = tmp_path / "dist" / "fgfc.xlam"
    result = CliRunner().invoke(main, ["build-addin", "--out", str(out), "--interpreter",
                                       r"C:\Python311\pythonw.exe"])
    assert result.exit_code == 0, result.output
    assert f"已写入 {out}" in result.output
    assert r"Interpreter_Win=C:\Python311\pythonw.exe" in result.output
    assert checks.check_addin(out.read_bytes()) == []


def test_cli_build_addin_reports_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise errors.BuildError(["customUI14.xml is not well-formed XML: x"])

    monkeypatch.setattr(build, "build_addin", broken)
    result = CliRunner().invoke(main, ["build-addin", "--out", str(tmp_path / "x.xlam")])
    assert result.exit_code == 2
    assert "customUI14.xml is not well-formed XML: x" in result.output
    assert not (tmp_path / "x.xlam").exists()


def test_cli_build_addin_takes_the_schema(tmp_path: Path, xsd: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "fgfc.xlam"
    result = CliRunner().invoke(main, ["build-addin", "--out", str(out), "--ribbon-xsd",
                                       str(xsd)])
    assert result.exit_code == 0, result.output
    assert "NOT validated" not in result.output
    result = CliRunner().invoke(main, ["build-addin", "--out", str(tmp_path / "y.xlam"),
                                       "--ribbon-xsd", str(tmp_path / "none.xsd")])
    assert result.exit_code == 2
    assert f"--ribbon-xsd: {tmp_path / 'none.xsd'} is not a file" in result.output
    assert not (tmp_path / "y.xlam").exists()
    monkeypatch.setattr(ribbon_xml, "default_xsd", lambda: tmp_path / "absent.xsd")
    result = CliRunner().invoke(main, ["build-addin", "--out", str(tmp_path / "z.xlam")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [ribbon_xml.not_validated_note()]
    assert (tmp_path / "z.xlam").read_bytes() == out.read_bytes()
