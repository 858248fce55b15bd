"""``xl-addin build-addin``: the .xlam built from addin/ and checked part by part. The VBA
project is read back by two readers that share no code with the writer: oletools (strict
dir-stream parsing) and LibreOffice (its own VBA import), the latter compared on the same
terms with the add-in xlwings ships, which Excel itself wrote."""

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

from xl_addin.addin_build import build
from xl_addin.cli import main

ROOT = Path(__file__).resolve().parents[1]
XLWINGS_DIR = Path(xlwings.__file__).parent
NS = "{" + build.CUSTOMUI_NS + "}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, build.BuildReport]:
    out = tmp_path_factory.mktemp("addin") / "fgfc.xlam"
    return out, build.build_addin(out)


@pytest.fixture(scope="module")
def sources() -> build.Sources:
    return build.load_sources()


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
    assert decompress_stream(bytearray(build.ovba_compress(text))) == text


@pytest.mark.parametrize("size", [0, 1, 8, 9, 100, 4093, 4094, 4095, 4096, 4097, 8192, 12289])
def test_ovba_compress_round_trips_at_chunk_edges(size: int) -> None:
    rng = random.Random(size)
    text = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_bytes()
    samples = [text[:size], bytes(rng.choice(b"ab c") for _ in range(size)), b"\x00" * size]
    if size % 4096 == 0:  # incompressible data fits only as whole raw chunks
        samples.append(bytes(rng.getrandbits(8) for _ in range(size)))
    for sample in samples:
        packed = build.ovba_compress(sample)
        assert packed[0] == 1
        assert decompress_stream(bytearray(packed)) == sample


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=9000).filter(lambda b: len(b) % 4096 < 3500 or len(b) % 4096 == 0))
def test_ovba_compress_round_trips(data: bytes) -> None:
    assert decompress_stream(bytearray(build.ovba_compress(data))) == data


# --- the package -------------------------------------------------------------------------


def test_build_passes_its_own_checks_and_is_reproducible(built: tuple[Path, Any],
                                                         tmp_path: Path) -> None:
    path, report = built
    assert report.modules == ["FgfcRegister", "FgfcRibbon", "xlwings", "xlwings_udfs"]
    assert build.check_addin(path.read_bytes()) == []
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
    assert found["customUI/customUI14.xml"] == (ROOT / "addin" / "customUI14.xml").read_bytes()


def test_config_sheet(built: tuple[Path, Any], tmp_path: Path) -> None:
    config = dict(build.read_config_sheet(built[0].read_bytes()))
    assert config == {"UDF Modules": "xl_addin.xlwings_udfs", "Use UDF Server": True,
                      "Show Console": False, "Debug UDFs": False}
    report = build.build_addin(tmp_path / "x.xlam", interpreter=r"C:\Py\pythonw.exe",
                               conda_env="base")
    config = dict(build.read_config_sheet(report.path.read_bytes()))
    assert config["Interpreter_Win"] == r"C:\Py\pythonw.exe" and config["Conda Env"] == "base"


def test_ribbon_tab_and_buttons(built: tuple[Path, Any]) -> None:
    root = SafeET.fromstring(parts(built[0])["customUI/customUI14.xml"])
    assert root.tag == NS + "customUI"
    (tab,) = root.iter(NS + "tab")
    assert tab.get("label") == "复工复产"
    buttons = list(tab.iter(NS + "button"))
    assert [(b.get("id"), b.get("label")) for b in buttons] == [
        ("fgValidate", "校验本表"), ("fgClear", "清除标注"), ("fgNewReport", "新建报表"),
        ("fgSummary", "县级汇总"), ("fgHelp", "函数帮助")]
    for button in buttons:
        assert button.get("imageMso") and button.get("onAction") == "FgfcRibbon.FgfcOnAction"


def test_the_callback_passes_the_button_id_to_python(sources: build.Sources) -> None:
    code = sources.modules["FgfcRibbon"]
    assert re.search(r"Public Sub FgfcOnAction\(control As Object\)\r\n\s+RunPython "
                     r"\"import xlwings as xw, xl_addin.ribbon as r; "
                     r"r.on_button\(xw.Book.caller\(\), '\" & control.Id & \"'\)\"", code)
    assert "Function RunPython(" in sources.modules["xlwings"]


def test_xlwings_module_is_the_shipped_one_with_our_project_name(
        sources: build.Sources) -> None:
    shipped = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    ours = sources.modules["xlwings"]
    assert ours == build.normalize_module("xlwings", shipped.replace(
        'PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "xlwings"'))
    assert ours.count('Public Const PROJECT_NAME As String = "xlwings"') == 1


# --- the VBA project read back ---------------------------------------------------------------


def test_vba_read_back_by_oletools_equals_the_sources(built: tuple[Path, Any],
                                                      sources: build.Sources) -> None:
    codepage, modules = build.read_vba_project(parts(built[0])["xl/vbaProject.bin"])
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
    assert build.verify_project_stream(data, ["xlwings", "FgfcRibbon", "xlwings_udfs",
                                              "FgfcRegister"]) == []
    assert build.verify_project_stream(data, ["xlwings", "FgfcRibbon", "xlwings_udfs"]) != []


def test_cell_function_wrappers_are_in_the_add_in(sources: build.Sources) -> None:
    from xl_addin.functions import udfs

    code = sources.modules["xlwings_udfs"]
    functions = re.findall(r"^Function (FG_\w+)\(", code, re.M)
    assert sorted(functions) == sorted(n for n in vars(udfs) if n.startswith("FG_"))
    assert 'XLPy.CallUDF("xl_addin.xlwings_udfs"' in code and "ActiveWorkbook" in code


def test_without_the_udf_module_the_hook_says_so(tmp_path: Path) -> None:
    sources = build.load_sources(udfs=lambda: None)
    assert "xlwings_udfs" not in sources.modules and not sources.udfs_included
    assert "FgfcRegister" not in sources.modules  # no functions, no help to register
    assert "hook: xl_addin.addin_build.build.udf_wrappers" in sources.notes[0]
    data = build.package(sources.ribbon_xml, build.build_vba_project(sources.modules),
                         sources.config)
    assert build.check_addin(data, sources.modules) == []


def test_libreoffice_reads_the_same_vba(built: tuple[Path, Any], sources: build.Sources,
                                        tmp_path: Path) -> None:
    """LibreOffice's VBA import, on our add-in and on xlwings' own add-in (written by Excel),
    repackaged as .xlsm (LibreOffice does not open .xlam) and saved as .ods."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) must be installed: .ci/run installs it"
    for source, name in ((built[0], "ours"),
                         (XLWINGS_DIR / "quickstart_addin_ribbon.xlam", "excel")):
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
                    str(tmp_path / "ours.xlsm"), str(tmp_path / "excel.xlsm")],
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
        kind, text = ours[name]
        assert kind == "normal" and text.rstrip("\n") == head + expected(code), name
    excel = basic("excel")  # the control: the same comparison holds on Excel's own file
    shipped = (XLWINGS_DIR / "xlwings_custom_addin.bas").read_text(encoding="utf-8")
    kind, text = excel["xlwings"]
    assert kind == "normal"
    assert text.rstrip("\n") == head + expected(build.normalize_module("xlwings", shipped))


# --- the checks catch what they should --------------------------------------------------------


def test_ribbon_check_catches_mistakes(sources: build.Sources) -> None:
    xml = (ROOT / "addin" / "customUI14.xml").read_text(encoding="utf-8")
    assert build.check_ribbon(xml.encode(), sources.modules) == []
    cases = {
        'imageMso="AutoSum"': ('imageMso=""', "imageMso missing"),
        'onAction="FgfcRibbon.FgfcOnAction"\n                  screentip="函数帮助"': (
            'onAction="FgfcRibbon.FgfcOnActon"\n                  screentip="函数帮助"',
            "names no callback"),
        'label="清除标注"': ('label="清除"', "expected {"),
        '<group id="fgfcHelpGroup" label="帮助">': (
            '<group id="fgfcHelpGroup" label="帮助"><tab id="x" label="y"/>', "not allowed"),
        'id="fgSummary"': ('id="fgHelp"', "duplicate ids"),
        'size="large" imageMso="FileNew"': ('size="huge" imageMso="FileNew"', "size"),
        'screentip="校验本表"': ('screentip="校验本表" onClick="x"', "attribute onClick"),
    }
    for old, (new, message) in cases.items():
        assert xml.count(old) == 1, old
        problems = build.check_ribbon(xml.replace(old, new).encode(), sources.modules)
        assert any(message in p for p in problems), (old, problems)
    assert "not well-formed" in build.check_ribbon(b"<customUI", sources.modules)[0]
    private = dict(sources.modules, FgfcRibbon=sources.modules["FgfcRibbon"].replace(
        "Public Sub FgfcOnAction", "Private Sub FgfcOnAction"))
    assert any("names no callback" in p for p in build.check_ribbon(xml.encode(), private))


def test_module_and_config_checks() -> None:
    assert build.check_modules({"M": build.normalize_module("M", "' 复工复产\n")}) == [
        "VBA module M: non-ASCII characters '产复工'"]
    assert build.check_modules({"M": 'Attribute VB_Name = "N"\r\n'}) == [
        "VBA module M: first line must be Attribute VB_Name"]
    assert build.check_config([("UDF Modules", "other")]) == [
        "xlwings.conf: UDF MODULES must be 'xl_addin.xlwings_udfs', is 'other'"]
    assert build.check_config([("UDF Modules", "xl_addin.xlwings_udfs"),
                               ("Show Console", "maybe")]) == [
        "xlwings.conf: SHOW CONSOLE must be True or False"]
    with pytest.raises(build.BuildError, match="line 2"):
        build.read_config('"A","B"\nC=D\n')


def test_package_check_catches_broken_packages(built: tuple[Path, Any],
                                               sources: build.Sources) -> None:
    data = built[0].read_bytes()
    found = parts(built[0])
    wrong_rel = found["_rels/.rels"].replace(b"2007/relationships/ui", b"2006/relationships/ui")
    assert any("no relationship of type" in p
               for p in build.check_addin(repack(data, **{"_rels/.rels": wrong_rel})))
    assert build.check_addin(repack(data, **{"xl/vbaProject.bin": None})) == [
        "missing part xl/vbaProject.bin"]
    as_xlsm = found["[Content_Types].xml"].replace(b"addin.macroEnabled", b"sheet.macroEnabled")
    assert any("workbook content type" in p
               for p in build.check_addin(repack(data, **{"[Content_Types].xml": as_xlsm})))
    visible = found["xl/workbook.xml"].replace(b'visibility="hidden"', b'visibility="visible"')
    assert build.check_addin(repack(data, **{"xl/workbook.xml": visible})) == [
        "workbook.xml: the add-in's window must be hidden"]
    changed = dict(sources.modules, FgfcRibbon=sources.modules["FgfcRibbon"].replace(
        "r.on_button", "r.on_click"))
    assert build.check_addin(data, changed) == [
        "vbaProject.bin: module FgfcRibbon differs from its source"]


def test_verification_catches_ms_ovba_own_compression(sources: build.Sources,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Had we trusted ms-ovba, the build would have failed its read-back check."""
    monkeypatch.setattr(build, "ovba_compress", _ms_ovba_compress)
    problems = build.verify_vba_project(build.build_vba_project(sources.modules),
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
    assert build.check_addin(out.read_bytes()) == []


def test_cli_build_addin_reports_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise build.BuildError(["customUI14.xml is not well-formed XML: x"])

    monkeypatch.setattr(build, "build_addin", broken)
    result = CliRunner().invoke(main, ["build-addin", "--out", str(tmp_path / "x.xlam")])
    assert result.exit_code == 2
    assert "customUI14.xml is not well-formed XML: x" in result.output
    assert not (tmp_path / "x.xlam").exists()
