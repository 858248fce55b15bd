"""Issue 12, "Formats": .xls (BIFF8) and .ods are read with the same checks and cell
positions as .xlsx; the content decides the format, never the extension; error values and
uncalculated formulas are found in every format; the guards apply to every format.

The .xls and .ods files are made from the demo workbooks by LibreOffice (``soffice``
fixture); the expected values come from the demo's own .xlsx and from the edits."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import hostile
import openpyxl
import pytest

from xl_addin.reading.cell_markers import CellError, Uncalculated
from xl_addin.reading.guard import ODS, XLS, XLSX, inspect_file
from xl_addin.reading.limits import Limits
from xl_addin.reading.reader import _all_markers, load_sheets
from xl_addin.validation.batch import check_one, collect
from xl_addin.validation.workbook import validate_path

DEMO = hostile.DEMO_DIR
TOWNS = ("泷泊镇_2020-03-11", "麻江镇_2020-03-11")
ENTERPRISES = "规模工业企业"


def _convert(soffice: str, sources: list[Path], fmt: str, out: Path) -> None:
    subprocess.run([soffice, "--headless", "--convert-to", fmt, "--outdir", str(out),
                    *map(str, sources)], check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def made(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name.fmt -> path: two demo workbooks, and ``formulas`` (the 泷泊镇 demo with
    =1/0 in J15 and =I16-200 in J16 of 规模工业企业), as LibreOffice saves them in .xls,
    .ods and .xlsx (LibreOffice calculates the formulas: their results are cached)."""
    root = tmp_path_factory.mktemp("formats")
    src = root / "src"
    src.mkdir()
    sources = [Path(shutil.copyfile(DEMO / f"{t}.xlsx", src / f"{t}.xlsx")) for t in TOWNS]
    book = openpyxl.load_workbook(DEMO / f"{TOWNS[0]}.xlsx")
    book[ENTERPRISES]["J15"] = "=1/0"
    book[ENTERPRISES]["J16"] = "=I16-200"
    book.save(src / "formulas.xlsx")
    out: dict[str, Path] = {}
    for fmt in ("xls", "ods", "xlsx"):
        target = root / fmt
        _convert(soffice, [*sources, src / "formulas.xlsx"], fmt, target)
        for stem in (*TOWNS, "formulas"):
            out[f"{stem}.{fmt}"] = target / f"{stem}.{fmt}"
    return out


@pytest.mark.parametrize("fmt", ["xls", "ods"])
@pytest.mark.parametrize("town", TOWNS)
def test_xls_and_ods_give_the_sheets_values_and_positions_of_the_xlsx(
        made: dict[str, Path], town: str, fmt: str) -> None:
    xlsx = load_sheets(str(DEMO / f"{town}.xlsx"), town)
    other = load_sheets(str(made[f"{town}.{fmt}"]), town)
    assert other.format == fmt and xlsx.format == XLSX
    assert other.sheet_names == xlsx.sheet_names
    assert set(other.grids) == set(xlsx.grids) and len(other.grids) >= 10
    for name, (grid, row0, col0) in xlsx.grids.items():
        assert other.grids[name] == (grid, row0, col0), (fmt, name)
    # dates come as dates, as from the .xlsx (the cover's 统计日期 is B3)
    cover, _, _ = other.grids["封面"]
    assert cover[2][1] == xlsx.grids["封面"][0][2][1] and hasattr(cover[2][1], "year")


@pytest.mark.parametrize("fmt", ["xls", "ods"])
@pytest.mark.parametrize("town", TOWNS)
def test_xls_and_ods_check_like_the_xlsx(made: dict[str, Path], town: str, fmt: str) -> None:
    original = check_one(str(DEMO / f"{town}.xlsx"), f"{town}.xlsx")
    outcome = check_one(str(made[f"{town}.{fmt}"]), f"{town}.{fmt}")
    assert original.findings == [] and outcome.findings == []
    assert outcome.counts == original.counts and outcome.counts["enterprises"] > 0
    assert (outcome.township, outcome.as_of) == (original.township, original.as_of)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_error_values_are_found_in_every_format(made: dict[str, Path], fmt: str) -> None:
    path = made[f"formulas.{fmt}"]
    inspection = inspect_file(str(path), path.name)
    markers = _all_markers(str(path), [ENTERPRISES], inspection)[ENTERPRISES]
    assert markers == {(14, 9): CellError("#DIV/0!")}  # J15; J16 was calculated
    findings = check_one(str(path), path.name).findings
    assert [(f.rule, f.sheet, f.cell, f.severity.value) for f in findings] == [
        ("formula_error", ENTERPRISES, "J15", "error")]


def _uncalculated_ods(made: dict[str, Path], dest: Path) -> Path:
    """The ``formulas`` .ods with J16's value taken away, as a program that writes the
    formula without calculating it leaves it."""
    parts = hostile.read_parts(made["formulas.ods"])
    content = parts["content.xml"].decode("utf-8")
    cell = re.search(r'<table:table-cell table:formula="of:=\[\.I16\]-200"[^>]*>'
                     r"<text:p>[^<]*</text:p></table:table-cell>", content)
    assert cell, "LibreOffice wrote J16 otherwise"
    bare = re.sub(r' (?:office|calcext):value(?:-type)?="[^"]*"', "", cell[0])
    bare = re.sub(r"<text:p>[^<]*</text:p>", "", bare)
    parts["content.xml"] = content.replace(cell[0], bare).encode("utf-8")
    return hostile.write_parts(dest, parts)


def test_an_ods_formula_without_a_value_is_uncalculated(made: dict[str, Path],
                                                        tmp_path: Path) -> None:
    path = _uncalculated_ods(made, tmp_path / "uncalculated.ods")
    markers = _all_markers(str(path), [ENTERPRISES], inspect_file(str(path), "x"))
    assert markers[ENTERPRISES] == {(14, 9): CellError("#DIV/0!"),
                                    (15, 9): Uncalculated("[.I16]-200")}
    found = {(f.rule, f.cell, f.severity.value)
             for f in check_one(str(path), path.name).findings}
    assert found == {("formula_error", "J15", "error"), ("uncalculated", "J16", "warning")}


@pytest.mark.parametrize(("made_as", "named", "suffix", "real"), [
    ("xls", "xlsx", ".xlsx", "(.xls)"),
    ("ods", "xlsx", ".xlsx", "(.ods)"),
    ("ods", "xls", ".xls", "(.ods)"),
    ("xls", "ods", ".ods", "(.xls)"),
])
def test_an_xlsx_named_xls_is_read_with_a_warning(made: dict[str, Path], tmp_path: Path,
                                                  made_as: str, named: str, suffix: str,
                                                  real: str) -> None:
    """Whatever the name says, the content decides: the figures are the original's and
    one 警告 file_format_mismatch names the extension and the real format."""
    path = Path(shutil.copyfile(made[f"{TOWNS[0]}.{made_as}"],
                                tmp_path / f"{TOWNS[0]}.{named}"))
    outcome = check_one(str(path), path.name)
    original = check_one(str(DEMO / f"{TOWNS[0]}.xlsx"), "demo")
    assert outcome.counts == original.counts
    [finding] = outcome.findings
    assert (finding.rule, finding.sheet, finding.cell, finding.severity.value) == (
        "file_format_mismatch", None, None, "warning")
    for lang in ("zh", "en"):
        message = finding.message(lang)  # type: ignore[arg-type]
        assert path.name in message and suffix in message and real in message


def test_an_xls_named_et_is_read_without_a_warning(made: dict[str, Path],
                                                   tmp_path: Path) -> None:
    """WPS saves .et; one that holds a BIFF workbook is read as the .xls it is."""
    path = Path(shutil.copyfile(made[f"{TOWNS[0]}.xls"], tmp_path / f"{TOWNS[0]}.et"))
    assert inspect_file(str(path), path.name).format == XLS
    outcome = check_one(str(path), path.name)
    assert outcome.findings == [] and outcome.counts["enterprises"] == 30


def test_a_folder_yields_xls_ods_and_et(tmp_path: Path) -> None:
    for name in ("a.xls", "b.ods", "c.et", "d.xlsx", "e.txt", "~$f.xls", "g.XLS"):
        (tmp_path / name).write_bytes(b"")
    assert [Path(p).name for p, _ in collect([str(tmp_path)])] == [
        "a.xls", "b.ods", "c.et", "d.xlsx", "g.XLS"]


def _with_filepass(source: Path, dest: Path) -> Path:
    """``source`` (.xls) with its second record turned into a FILEPASS: encrypted, as
    Excel marks a workbook with a password to open."""
    import olefile

    shutil.copyfile(source, dest)
    with olefile.OleFileIO(str(dest), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        _, length = struct.unpack_from("<HH", data, 0)
        struct.pack_into("<H", data, 4 + length, 0x002F)
        ole.write_stream("Workbook", bytes(data))
    return dest


def test_an_encrypted_xls_is_refused(made: dict[str, Path], tmp_path: Path) -> None:
    path = _with_filepass(made[f"{TOWNS[0]}.xls"], tmp_path / "locked.xls")
    result = validate_path(path)
    assert result.error is not None and result.error.rule == "file_encrypted"
    assert "locked.xls" in result.error.message()


@pytest.mark.parametrize(("fmt", "limits", "rule"), [
    ("xls", Limits(max_file_bytes=1024), "file_too_large"),
    ("ods", Limits(max_file_bytes=1024), "file_too_large"),
    ("ods", Limits(max_unpacked_bytes=1024), "file_zip_bomb"),
    ("ods", Limits(max_parts=3), "file_zip_bomb"),
    ("ods", Limits(max_cells=100), "file_too_many_cells"),
])
def test_the_limits_apply_to_every_format(made: dict[str, Path], fmt: str, limits: Limits,
                                          rule: str) -> None:
    result = validate_path(made[f"{TOWNS[0]}.{fmt}"], limits=limits)
    assert result.error is not None and result.error.rule == rule


def test_an_ods_with_a_dtd_is_refused(made: dict[str, Path], tmp_path: Path) -> None:
    parts = hostile.read_parts(made[f"{TOWNS[0]}.ods"])
    parts["content.xml"] = parts["content.xml"].replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', 1)
    path = hostile.write_parts(tmp_path / "dtd.ods", parts)
    result = validate_path(path)
    assert result.error is not None and result.error.rule == "file_hostile_xml"


def test_a_damaged_ods_is_named_damaged(made: dict[str, Path], tmp_path: Path) -> None:
    parts = hostile.read_parts(made[f"{TOWNS[0]}.ods"])
    parts["content.xml"] = parts["content.xml"][: len(parts["content.xml"]) // 2]
    path = hostile.write_parts(tmp_path / "half.ods", parts)
    result = validate_path(path)
    assert result.error is not None and result.error.rule == "file_corrupt"
    assert "half.ods" in result.error.message() and "损坏" in result.error.message()


def test_a_bare_biff_file_is_named_an_old_xls(tmp_path: Path) -> None:
    """Excel 4.0 and earlier wrote a worksheet as bare BIFF records (not in a compound
    file): named as such, not as an unknown format."""
    path = tmp_path / "old.xls"
    path.write_bytes(b"\x09\x04\x06\x00\x00\x00\x10\x00" + b"\x00" * 64)
    result = validate_path(path)
    assert result.error is not None and result.error.rule == "file_not_xlsx"
    assert "Excel 5.0" in result.error.message()


def test_the_workbook_part_is_found_through_the_root_relationships(tmp_path: Path) -> None:
    """An .xlsx whose workbook part is not xl/workbook.xml: the package's _rels/.rels
    leads to it, and the error cells of its sheets are still found."""
    book = openpyxl.load_workbook(DEMO / f"{TOWNS[0]}.xlsx")
    book[ENTERPRISES]["J15"] = "#N/A"
    book.save(tmp_path / "plain.xlsx")
    parts = hostile.read_parts(tmp_path / "plain.xlsx")
    parts["xl/book.xml"] = parts.pop("xl/workbook.xml")
    parts["xl/_rels/book.xml.rels"] = parts.pop("xl/_rels/workbook.xml.rels")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/book.xml")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"/xl/workbook.xml", b"/xl/book.xml")
    path = hostile.write_parts(tmp_path / "moved.xlsx", parts)
    inspection = inspect_file(str(path), path.name)
    assert inspection.workbook_part == "xl/book.xml"
    markers = _all_markers(str(path), [ENTERPRISES], inspection)
    assert markers[ENTERPRISES] == {(14, 9): CellError("#N/A")}


def test_an_ods_is_told_by_its_mimetype_not_its_name(made: dict[str, Path],
                                                     tmp_path: Path) -> None:
    path = Path(shutil.copyfile(made[f"{TOWNS[0]}.ods"], tmp_path / "book.bin"))
    assert inspect_file(str(path), "book.bin").format == ODS
    with zipfile.ZipFile(path) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"


# --- annotate an .xls/.ods source -------------------------------------------------------------


@pytest.fixture(scope="module")
def with_errors(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 泷泊镇 demo with #DIV/0! in 规模工业企业!J3 and #REF! in 重点项目!H3, in .xls
    and .ods (LibreOffice)."""
    root = tmp_path_factory.mktemp("annotate")
    book = openpyxl.load_workbook(DEMO / f"{TOWNS[0]}.xlsx")
    book[ENTERPRISES]["J3"] = "#DIV/0!"
    book["重点项目"]["H3"] = "#REF!"
    source = root / f"{TOWNS[0]}.xlsx"
    book.save(source)
    _convert(soffice, [source], "xls", root)
    _convert(soffice, [source], "ods", root)
    return {fmt: root / f"{TOWNS[0]}.{fmt}" for fmt in ("xls", "ods")}


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_annotate_writes_an_xlsx_copy_of_an_xls_or_ods(with_errors: dict[str, Path],
                                                       tmp_path: Path, fmt: str) -> None:
    from click.testing import CliRunner

    from xl_addin.cli import main

    source = with_errors[fmt]
    before = source.read_bytes()
    out = tmp_path / "标注.xlsx"
    run = CliRunner().invoke(main, ["annotate", str(source), "--out", str(out)])
    assert run.exit_code == 1, run.output  # two 错误
    assert f"{source} 是 .{fmt} 文件" in run.output and "未保留格式" in run.output
    assert source.read_bytes() == before  # the source is never written
    copy = openpyxl.load_workbook(out)
    original = openpyxl.load_workbook(DEMO / f"{TOWNS[0]}.xlsx")
    assert copy.sheetnames == [*original.sheetnames, "校验结果"]
    for sheet, cell in ((ENTERPRISES, "J3"), ("重点项目", "H3")):
        marked = copy[sheet][cell]
        assert marked.comment is not None and marked.fill.fill_type == "solid"
        assert marked.data_type == "e"  # the error value is carried over as an error
    assert copy[ENTERPRISES]["J4"].comment is None
    assert copy["封面"]["B3"].value == original["封面"]["B3"].value  # a date stays a date
    assert copy[ENTERPRISES]["B2"].value == original[ENTERPRISES]["B2"].value
    assert copy[ENTERPRISES]["H2"].value == original[ENTERPRISES]["H2"].value
    # the copy checks as its source does
    checked = {(f.rule, f.sheet, f.cell) for f in check_one(str(out), out.name).findings}
    assert checked == {("formula_error", ENTERPRISES, "J3"), ("formula_error", "重点项目", "H3")}


def test_annotate_in_english_names_the_format(with_errors: dict[str, Path],
                                              tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xl_addin.cli import main

    run = CliRunner().invoke(main, ["annotate", str(with_errors["ods"]), "--out",
                                    str(tmp_path / "x.xlsx"), "--lang", "en"])
    assert "is an .ods file" in run.output and "were not carried over" in run.output


@pytest.mark.parametrize("out", ["copy.xls", "copy.ods", "copy.et", "COPY.XLS"])
def test_annotate_refuses_an_output_named_for_another_format(tmp_path: Path, out: str) -> None:
    from xl_addin.outputs.annotate import AnnotateError, annotate

    with pytest.raises(AnnotateError) as refused:
        annotate(DEMO / f"{TOWNS[0]}.xlsx", tmp_path / out)
    assert refused.value.rule == "annotate_out_not_xlsx" and out in refused.value.message()
    assert not (tmp_path / out).exists()


def test_annotate_reads_an_xlsx_named_xls_by_its_content(tmp_path: Path) -> None:
    from xl_addin.outputs.annotate import annotate

    source = Path(shutil.copyfile(DEMO / f"{TOWNS[0]}.xlsx", tmp_path / f"{TOWNS[0]}.xls"))
    notes: list[str] = []
    result = annotate(source, tmp_path / "copy.xlsx", notes=notes)
    assert notes == []  # an .xlsx: copied with openpyxl, everything kept
    assert [f.rule for f in result.findings] == ["file_format_mismatch"]
    assert openpyxl.load_workbook(tmp_path / "copy.xlsx")["校验结果"].max_row == 2


# --- mutated .xls and .ods: a result or a ReadError, never an exception ---------------------


def test_mutated_xls_and_ods_give_a_result_or_a_read_error(made: dict[str, Path]) -> None:
    """The fuzzing of tests/test_fuzz.py on the LibreOffice .xls and .ods (bytes flipped,
    inserted, deleted; the .ods also re-zipped with content.xml changed), named for their
    format and under the other format's name."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from test_fuzz import EDITS, EXAMPLES, FUZZ, check, mutate

    fuzz = settings(FUZZ, max_examples=EXAMPLES or 30)  # a workbook read takes ~0.5 s

    sources = {f"{TOWNS[0]}.{fmt}": made[f"{TOWNS[0]}.{fmt}"].read_bytes()
               for fmt in ("xls", "ods")}
    ods_parts = hostile.read_parts(made[f"{TOWNS[0]}.ods"])

    @fuzz
    @given(st.sampled_from(sorted(sources)), EDITS, st.booleans())
    def whole(name: str, edits: list[tuple[str, int, bytes]], swap: bool) -> None:
        shown = name if not swap else name.replace(".xls", ".ods") if name.endswith(
            ".xls") else name.replace(".ods", ".xls")
        check(mutate(sources[name], edits), shown)

    @fuzz
    @given(EDITS)
    def content(edits: list[tuple[str, int, bytes]]) -> None:
        parts = dict(ods_parts)
        parts["content.xml"] = mutate(parts["content.xml"], edits)
        check(hostile.zip_bytes(parts), "fuzz.ods")

    whole()
    content()
