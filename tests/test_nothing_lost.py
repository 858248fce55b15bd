"""Nothing lost, nothing executed, nothing leaked (issue 7).

- Sources are never written: SHA-256 and modification time of every source are the same
  after ``check``, ``annotate`` and ``summary``.
- ``annotate`` keeps every value, formula, number format, style of unmarked cells, sheet,
  defined name, data validation, conditional format, comment, merged range, column width
  and row height of the source, compared cell by cell with openpyxl on the demo workbooks,
  the planted workbook, a workbook with notes, names and merges, and every corpus workbook
  it accepts; the others are refused with a Chinese message.
- Outputs are written atomically: an existing output survives a failure intact and no
  temporary file is left behind.
- Text from a workbook never becomes a formula in an output (formula injection).
- 身份证号 and phone numbers are masked in every output outside their own cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import hostile
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import plant_in_workers
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from xl_addin.cli import main
from xl_addin.model.findings import Finding
from xl_addin.outputs.annotate import AnnotateError, annotate
from xl_addin.outputs.atomic import write_atomic, write_text_atomic
from xl_addin.outputs.marks import ERROR_FILL, WARNING_FILL
from xl_addin.outputs.summary import county_summary, write_summary
from xl_addin.reading.limits import Limits
from xl_addin.validation.batch import check_paths

CJK = re.compile(r"[\u4e00-\u9fff]")
XL_ADDIN = "import sys; from xl_addin.cli import main; sys.argv[0] = 'xl-addin'; main()"
RESULTS = "校验结果"


@pytest.fixture(scope="module")
def corpus(shared) -> Path:
    """The real-world spreadsheets beside the checkout (../shared/corpus/xlsx-wild)."""
    return shared("corpus", "xlsx-wild")


CORPUS_SAMPLE = ["calamine__any_sheets.xlsx", "closedxml__EmptyFill.xlsx", "poi__protect.xlsx",
                 "poi__poc-xmlbomb.xlsx", "poi__SimpleMacro.xlsm", "poi__57893-many-merges.xlsx",
                 "xlsxwriter__data_validation01.xlsx", "sheetjs__named_ranges_2011.xlsx"]
# Kinds of package part a copy may lack without losing anything (rewritten by openpyxl or
# rebuilt by Excel).
REWRITTEN = ("sharedStrings+xml", "calcChain+xml", "printerSettings", "relationships+xml",
             "vmlDrawing", "core-properties+xml", "extended-properties+xml", "main+xml",
             "vbaProject", "person+xml")


def run_cli(*args: str | Path, timeout: float = 300) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-c", XL_ADDIN, *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def fingerprint(paths: list[Path]) -> dict[str, tuple[str, int]]:
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in paths}


# --- sources are never written ----------------------------------------------------------------

def test_sources_unchanged_after_check_annotate_and_summary(corpus: Path, tmp_path: Path) -> None:
    sources = [*sorted(hostile.DEMO_DIR.glob("*.xlsx")), hostile.PLANTED,
               *(corpus / name for name in CORPUS_SAMPLE)]
    before = fingerprint(sources)
    code, _, _ = run_cli("check", "--format", "json", *sources)
    assert code == 2  # the sample has encrypted and hostile files
    assert fingerprint(sources) == before
    code, _, _ = run_cli("summary", *sources, "--out", tmp_path / "汇总.xlsx")
    assert code == 2 and (tmp_path / "汇总.xlsx").exists()
    assert fingerprint(sources) == before
    annotated = [*sources[:2], hostile.PLANTED, *(corpus / n for n in CORPUS_SAMPLE[:4])]
    for i, source in enumerate(annotated):
        result = CliRunner().invoke(main, ["annotate", str(source),
                                           "--out", str(tmp_path / f"{i}.xlsx")])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.output)
        assert result.exit_code in (0, 1, 2)
    assert fingerprint(sources) == before


# --- annotate keeps everything ---------------------------------------------------------------

def _value(value: Any) -> Any:
    """A value as Excel sees it: openpyxl reads a date-only ISO cell as a date and writes
    it back as midnight of that day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, ArrayFormula):
        return ("array", value.ref, value.text)
    if isinstance(value, DataTableFormula):
        return ("table", dict(value))
    if isinstance(value, CellRichText):
        return ("rich", [(getattr(b, "font", None), str(getattr(b, "text", b))) for b in value])
    return value


def _styles(book: Any) -> dict[str, list[bytes]]:
    """Each style table of a workbook, entry by entry as XML (cells refer to them by
    index, and the index of the same font may differ between two workbooks)."""
    def xml(items: Any) -> list[bytes]:
        return [ET.tostring(item.to_tree()) for item in items]

    return {"font": xml(book._fonts), "fill": xml(book._fills), "border": xml(book._borders),
            "alignment": xml(book._alignments), "protection": xml(book._protections)}


def _cell(cell: Any, styles: dict[str, list[bytes]]) -> tuple[Any, ...]:
    link = cell.hyperlink
    value, kind = _value(cell.value), cell.data_type
    if (value, kind) in (("", "s"), (None, "inlineStr")):
        value, kind = "", "s"  # an empty text, shared or inline (openpyxl reads <t/> as None)
    style = cell._style or StyleArray()  # a merged cell may have none
    return (value, kind, cell.number_format, styles["font"][style.fontId],
            styles["border"][style.borderId], styles["alignment"][style.alignmentId],
            styles["protection"][style.protectionId], style.quotePrefix, style.pivotButton,
            (link.target, link.location) if link is not None else None)


def _fill(cell: Any, styles: dict[str, list[bytes]]) -> bytes:
    return styles["fill"][(cell._style or StyleArray()).fillId]


def _sheet(ws: Any) -> dict[str, Any]:
    return {
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "columns": {k: (d.width, d.hidden, d.min, d.max, d.outlineLevel)
                    for k, d in ws.column_dimensions.items()},
        "rows": {k: (d.height, d.hidden, d.outlineLevel) for k, d in ws.row_dimensions.items()
                 if (d.height, d.hidden, d.outlineLevel) != (None, False, 0) or d.s},
        "validations": sorted(((dv.type, dv.formula1, dv.formula2, str(dv.sqref), dv.operator,
                                dv.allow_blank, dv.showErrorMessage, dv.error, dv.prompt)
                               for dv in ws.data_validations.dataValidation), key=repr),
        "conditional": sorted((str(cf.sqref), repr([(r.type, r.operator, r.formula, r.priority)
                                                    for r in cf.rules]))
                              for cf in ws.conditional_formatting),
        "names": {k: v.attr_text for k, v in ws.defined_names.items()},
        "tables": dict(ws.tables.items()),  # name -> range
        "freeze": ws.freeze_panes,
        "state": ws.sheet_state,
        "filter": ws.auto_filter.ref,
        "print": (ws.print_title_rows, ws.print_title_cols, str(ws.print_area)),
        "protection": ws.protection.sheet,
    }


def assert_kept(source: Path, target: Path, findings: list[Finding]) -> int:
    """The copy has everything of the source; only the marked cells differ, by their fill
    and an added note. Returns the number of cells compared."""
    original = openpyxl.load_workbook(source, rich_text=True)
    marked = openpyxl.load_workbook(target, rich_text=True)
    styles, marked_styles = _styles(original), _styles(marked)
    marks = {(f.sheet, f.cell) for f in findings if f.sheet and f.cell}
    names = [n for n in original.sheetnames if n != RESULTS]
    assert marked.sheetnames == [*names, RESULTS], (original.sheetnames, marked.sheetnames)
    assert {k: v.attr_text for k, v in original.defined_names.items()} == {
        k: v.attr_text for k, v in marked.defined_names.items()}
    assert original.epoch == marked.epoch
    compared = 0
    for name in names:
        before, after = original[name], marked[name]
        assert type(before) is type(after), name
        if not hasattr(before, "_cells"):
            continue  # a chartsheet
        assert _sheet(before) == _sheet(after), name
        for key, cell in before._cells.items():
            other = after._cells.get(key)
            if other is None:  # openpyxl does not write a cell with nothing in it
                assert cell.value is None and not cell.has_style and cell.comment is None and (
                    cell.hyperlink is None), (name, cell.coordinate)
                continue
            assert _cell(cell, styles) == _cell(other, marked_styles), (name, cell.coordinate)
            if (name, cell.coordinate) in marks:
                assert other.fill.fgColor.rgb[-6:] in (ERROR_FILL, WARNING_FILL)
                if cell.comment is not None:
                    assert other.comment.text.startswith(cell.comment.text + "\n---\n")
            else:
                assert _fill(cell, styles) == _fill(other, marked_styles), (name, cell.coordinate)
                assert (cell.comment and (cell.comment.text, cell.comment.author)) == (
                    other.comment and (other.comment.text, other.comment.author)), (
                        name, cell.coordinate)
            compared += 1
        extra = {after._cells[k].coordinate for k in set(after._cells) - set(before._cells)}
        assert extra <= {c for s, c in marks if s == name}, (name, extra)
    assert_parts_kept(source, target)
    return compared


def _kinds(path: Path) -> dict[str, int]:
    """Parts by content type (as [Content_Types].xml declares them), counting the parts a
    relationship leads to (what Excel reads)."""
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("[Content_Types].xml"))
        names = archive.namelist()
        reached = set()
        for rels in (n for n in names if n.endswith(".rels")):
            folder = posixpath.dirname(posixpath.dirname(rels))
            for rel in ET.fromstring(archive.read(rels)):
                target = rel.get("Target", "")
                if rel.get("TargetMode") != "External":
                    reached.add(target.lstrip("/") if target.startswith("/") else
                                posixpath.normpath(posixpath.join(folder, target)))
    defaults = {e.get("Extension", "").lower(): e.get("ContentType") for e in root
                if e.tag.endswith("Default")}
    overrides = {e.get("PartName", "").lstrip("/"): e.get("ContentType") for e in root
                 if e.tag.endswith("Override")}
    kinds: dict[str, int] = {}
    for name in names:
        kind = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower())
        if kind and name in reached and not name.startswith("docProps/thumbnail"):
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def assert_parts_kept(source: Path, target: Path) -> None:
    """What openpyxl cannot see: every kind of part of the source is still in the copy."""
    before, after = _kinds(source), _kinds(target)
    lost = {k: n for k, n in before.items() if after.get(k, 0) < n and not k.endswith(REWRITTEN)}
    assert lost == {}, lost


def rich_workbook(path: Path) -> Path:
    """The planted workbook (31 findings) with notes on a marked and an unmarked cell, a
    workbook and a sheet name, merges, a conditional format, a hidden sheet with formulas,
    widths, heights, a hyperlink and a text cell that looks like a formula."""
    book = openpyxl.load_workbook(hostile.PLANTED)
    enterprises = book["规模工业企业"]
    enterprises["B2"].comment = Comment("原有批注：名称已核实", "张三")
    enterprises["M2"].comment = Comment("未标注单元格的批注", "李四")
    enterprises.column_dimensions["B"].width = 41.5
    enterprises.row_dimensions[3].height = 33
    enterprises.conditional_formatting.add("H2:H17", CellIsRule(operator="greaterThan",
                                                                formula=["500"]))
    enterprises["N1"].hyperlink = "https://www.shuangpai.gov.cn/"
    enterprises["N1"].value = "政策原文"
    cover = book["封面"]
    cover.merge_cells("D1:F2")
    cover["D1"] = "双牌县复工复产统计"
    cover["D4"].value = '=HYPERLINK("http://x","y")'
    cover["D4"].data_type = "s"
    notes = book.create_sheet("备注")
    notes["A1"] = "=SUM(规模工业企业!H2:H17)"
    notes["A2"] = ArrayFormula("A2:A3", "=规模工业企业!H2:H3*2")
    notes.sheet_state = "hidden"
    book.defined_names["企业名单"] = DefinedName("企业名单", attr_text="规模工业企业!$B$2:$B$17")
    enterprises.defined_names["本表合计"] = DefinedName("本表合计",
                                                      attr_text="规模工业企业!$H$18")
    book.save(path)
    return path


def marks_of(source: Path, out: Path) -> tuple[list[Finding], int]:
    result = annotate(source, out)
    return result.findings, assert_kept(source, out, result.findings)


@pytest.mark.parametrize("source", [*sorted(hostile.DEMO_DIR.glob("*.xlsx"))[:4],
                                    hostile.PLANTED], ids=lambda p: p.name)
def test_annotate_keeps_the_demo_and_planted_workbooks(source: Path, tmp_path: Path) -> None:
    findings, compared = marks_of(source, tmp_path / "标注.xlsx")
    assert compared > 300
    if source == hostile.PLANTED:
        assert len({(f.sheet, f.cell) for f in findings if f.cell}) >= 25


def test_annotate_keeps_notes_names_merges_and_hidden_sheets(tmp_path: Path) -> None:
    source = rich_workbook(tmp_path / "rich.xlsx")
    out = tmp_path / "标注.xlsx"
    findings, _ = marks_of(source, out)
    copy = openpyxl.load_workbook(out)
    assert findings
    assert copy["规模工业企业"]["M2"].comment.text == "未标注单元格的批注"
    assert copy["封面"]["D4"].data_type == "s"
    assert copy["备注"].sheet_state == "hidden" and copy["备注"]["A1"].data_type == "f"
    again = annotate(out, tmp_path / "再次标注.xlsx")  # a copy can be annotated again
    assert [(f.sheet, f.cell, f.rule, f.params) for f in again.findings] == [
        (f.sheet, f.cell, f.rule, f.params) for f in findings]


def test_a_marked_cell_keeps_its_note_below_the_new_one(tmp_path: Path) -> None:
    source = tmp_path / "noted.xlsx"
    book = openpyxl.load_workbook(hostile.PLANTED)
    findings = annotate(hostile.PLANTED, tmp_path / "probe.xlsx").findings
    sheet, cell = next((f.sheet, f.cell) for f in findings if f.sheet and f.cell)
    book[sheet][cell].comment = Comment("填报人说明：已核实", "王五")
    book.save(source)
    out = tmp_path / "标注.xlsx"
    marks_of(source, out)
    text = openpyxl.load_workbook(out)[sheet][cell].comment.text
    assert text.startswith("填报人说明：已核实\n---\n[错误]") or text.startswith(
        "填报人说明：已核实\n---\n[警告]"), text


def _annotate_corpus_file(path: Path, out_dir: Path) -> tuple[str, str]:
    out = out_dir / (path.stem + ".xlsx")
    try:
        result = annotate(path, out)
    except AnnotateError as exc:
        message = exc.message()
        assert str(path) in message and CJK.search(message), message
        assert not out.exists()
        return exc.rule, message
    assert_kept(path, out, result.findings)
    return "kept", ""


def test_annotate_on_every_corpus_workbook_refuses_or_keeps_everything(
        corpus: Path, tmp_path: Path) -> None:
    """Every .xlsx/.xlsm/.xltx of the corpus: a refusal in Chinese naming the file, or a
    copy that keeps everything (see docs/robustness.md for the tally)."""
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".xlsx", ".xlsm", ".xltx"))
    assert len(files) > 150
    files.sort(key=lambda p: -p.stat().st_size)  # the longest first, for two processes
    with ProcessPoolExecutor(2) as pool:  # the comparisons are long for a few big files
        outcomes = dict(zip(files, pool.map(_annotate_corpus_file, files,
                                            [tmp_path] * len(files)), strict=True))
    tally: dict[str, int] = {}
    for rule, _ in outcomes.values():
        tally[rule] = tally.get(rule, 0) + 1
    print("annotate on the corpus:", json.dumps(tally, ensure_ascii=False, sort_keys=True))
    assert set(tally) <= {"kept", "annotate_unsupported", "annotate_failed", "file_corrupt",
                          "file_not_xlsx", "file_encrypted", "file_hostile_xml"}
    assert tally["kept"] >= 70  # most real workbooks can be annotated
    assert outcomes[corpus / "poi__SimpleMacro.xlsm"][0] == "annotate_unsupported"
    assert outcomes[corpus / "closedxml__EmptyFill.xlsx"][0] == "annotate_failed"
    assert outcomes[corpus / "xlsxwriter__checkbox01.xlsx"][0] == "annotate_unsupported"
    assert outcomes[corpus / "xlsxwriter__data_validation01.xlsx"][0] == "kept"


def test_macros_are_kept_only_when_asked_and_never_run(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "poi__SimpleMacro.xlsm"
    with pytest.raises(AnnotateError) as refused:
        annotate(source, tmp_path / "copy.xlsx")
    assert "--keep-macros" in refused.value.message()
    out = tmp_path / "copy.xlsm"
    result = CliRunner().invoke(main, ["annotate", str(source), "--out", str(out),
                                       "--keep-macros"])
    assert result.exit_code in (0, 1), result.output
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")


# --- outputs are written atomically ------------------------------------------------------------

def _folder(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def _half_then_fail(self: Any, filename: Any) -> None:
    Path(filename).write_bytes(b"PK\x03\x04half")
    raise RuntimeError("disk full")


def _half_then_hang(self: Any, filename: Any) -> None:
    Path(filename).write_bytes(b"PK\x03\x04half")
    time.sleep(600)


def test_a_failed_annotate_leaves_an_existing_output_intact(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """openpyxl's save writes half a file, then fails (in the worker): the old output
    stays, byte for byte, and no temporary file is left."""
    out = tmp_path / "标注.xlsx"
    out.write_bytes(b"the previous annotated copy")
    plant_in_workers(monkeypatch, openpyxl.Workbook, "save", _half_then_fail)
    result = CliRunner().invoke(main, ["annotate", str(hostile.PLANTED), "--out", str(out)])
    assert result.exit_code == 2 and "disk full" in result.stderr and CJK.search(result.stderr)
    assert out.read_bytes() == b"the previous annotated copy"
    assert _folder(out) == ["标注.xlsx"]


def test_an_annotate_killed_while_saving_leaves_no_trace(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    out = tmp_path / "标注.xlsx"
    out.write_bytes(b"the previous annotated copy")
    plant_in_workers(monkeypatch, openpyxl.Workbook, "save", _half_then_hang)
    started = time.monotonic()
    with pytest.raises(AnnotateError) as failed:
        annotate(hostile.PLANTED, out, limits=Limits(timeout_seconds=2))
    assert failed.value.rule == "file_timeout"
    assert time.monotonic() - started < 20
    assert out.read_bytes() == b"the previous annotated copy"
    assert _folder(out) == ["标注.xlsx"]


def test_a_refused_annotate_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "标注.xlsx"
    out.write_bytes(b"old")
    with pytest.raises(AnnotateError):
        annotate(corpus / "poi__WithChart.xlsx", out)
    with pytest.raises(AnnotateError):
        annotate(hostile.PLANTED, hostile.PLANTED)  # never the source itself
    assert out.read_bytes() == b"old" and _folder(out) == ["标注.xlsx"]


def test_annotate_refuses_a_hard_link_to_the_source(tmp_path: Path) -> None:
    source = hostile.copy_demo(tmp_path / "source.xlsx")
    link = tmp_path / "alias.xlsx"
    os.link(source, link)
    before = fingerprint([source])
    with pytest.raises(AnnotateError) as refused:
        annotate(source, link)
    assert refused.value.rule == "annotate_same_file"
    assert fingerprint([source]) == before


def test_atomic_writes_keep_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old report", encoding="utf-8")

    def half(tmp: Path) -> None:
        tmp.write_text('{"half":', encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(target, half)
    assert target.read_text(encoding="utf-8") == "old report" and _folder(target) == [
        "report.json"]
    write_text_atomic(target, "new report")
    assert target.read_text(encoding="utf-8") == "new report" and _folder(target) == [
        "report.json"]


def test_a_failed_summary_leaves_an_existing_workbook_intact(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"last week's summary")
    batch = check_paths([str(hostile.DEMO)])

    def half_then_fail(self: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"PK\x03\x04half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_then_fail)
    with pytest.raises(OSError):
        write_summary(county_summary(batch), batch, out)
    assert out.read_bytes() == b"last week's summary" and _folder(out) == ["汇总.xlsx"]


# --- formula injection and privacy ----------------------------------------------------------

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-1+1"]
BAD_ID = "431123198805102214"  # check digit should be 3
DUPLICATE_ID = "431123197903203478"  # valid, typed twice
BAD_MOBILE = "1336190909"  # ten digits
SECRETS = [BAD_ID, DUPLICATE_ID, BAD_MOBILE]


def _as_text(cell: Any, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # typed text, as Excel stores '=… typed with a leading quote


def tricky_workbook(path: Path) -> Path:
    """The 泷泊镇 demo with formula-like names and planted personal data: a township named
    =HYPERLINK(…), enterprise names +1+1, @SUM(A1), -1+1, a 企业规模 of -1+1, a 身份证号
    with a wrong check digit, another typed twice, and a ten-digit mobile number."""
    book = openpyxl.load_workbook(hostile.DEMO)
    cover, firms, hires = book["封面"], book["规模工业企业"], book["吸纳就业补贴"]
    _as_text(cover["B1"], INJECTIONS[0])
    for row, name in zip((2, 3, 4), INJECTIONS[1:], strict=True):
        _as_text(firms[f"B{row}"], name)
    _as_text(firms["E3"], "-1+1")
    _as_text(firms["D2"], "=1+1")
    _as_text(firms["L2"], BAD_MOBILE)
    assert hires["E1"].value == "身份证号"
    _as_text(hires["E2"], BAD_ID)
    _as_text(hires["E3"], DUPLICATE_ID)
    _as_text(hires["E4"], DUPLICATE_ID)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tricky")
    tricky_workbook(folder / "泷泊镇_2020-03-11.xlsx")
    shutil.copyfile(hostile.DEMO_DIR / "江村镇_2020-03-11.xlsx", folder / "江村镇_2020-03-11.xlsx")
    return folder


def _texts(path: Path, skip: set[tuple[str, str]] = frozenset()) -> list[str]:
    """Every text in a workbook (values and notes), except the cells in ``skip``."""
    book = openpyxl.load_workbook(path)
    out = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if (ws.title, cell.coordinate) in skip:
                    continue
                if cell.value is not None:
                    out.append(str(cell.value))
                if cell.comment is not None:
                    out.append(cell.comment.text)
    return out


def test_the_planted_data_gives_the_findings_the_checks_rely_on(tricky: Path) -> None:
    result = annotate(tricky / "泷泊镇_2020-03-11.xlsx", tricky / "probe.xlsx")
    (tricky / "probe.xlsx").unlink()
    rules = {(f.sheet, f.cell): f.rule for f in result.findings}
    assert rules[("吸纳就业补贴", "E2")] == "idcard"
    assert rules[("吸纳就业补贴", "E3")] == rules[("吸纳就业补贴", "E4")] == "unique"
    assert rules[("规模工业企业", "L2")] == "mobile"
    assert rules[("规模工业企业", "E3")] == "enum"


def test_no_output_turns_workbook_text_into_a_formula(tricky: Path, tmp_path: Path) -> None:
    source = tricky / "泷泊镇_2020-03-11.xlsx"
    summary = tmp_path / "汇总.xlsx"
    code, _, err = run_cli("summary", tricky, "--out", summary)
    assert code == 1, err
    annotated = tmp_path / "标注.xlsx"
    result = CliRunner().invoke(main, ["annotate", str(source), "--out", str(annotated)])
    assert result.exit_code == 1, result.output
    for path, sheets in ((summary, None), (annotated, [RESULTS])):
        book = openpyxl.load_workbook(path)
        seen = set()
        for ws in book.worksheets:
            if sheets and ws.title not in sheets:
                continue
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate,
                                                   cell.value)
                    if isinstance(cell.value, str):
                        seen.update(s for s in INJECTIONS if s in cell.value)
                        if cell.value.startswith(("=", "+", "-", "@")):
                            assert cell.data_type == "s" and cell.quotePrefix
        expected = {INJECTIONS[0]} if path == summary else {INJECTIONS[0], "-1+1"}
        assert expected <= seen, (path.name, seen)
    copy = openpyxl.load_workbook(annotated)  # the source's own cells stay text too
    for ref in ("B2", "B3", "B4", "D2", "E3"):
        assert copy["规模工业企业"][ref].data_type == "s"
    assert copy["封面"]["B1"].data_type == "s"


def test_personal_numbers_are_masked_in_every_output(tricky: Path, tmp_path: Path) -> None:
    outputs: dict[str, str] = {}
    code, out, err = run_cli("check", tricky)  # the console table, as a clerk sees it
    assert code == 1, err
    outputs["check table"] = out + err
    for fmt in ("json", "junit", "sarif", "github"):
        result = CliRunner().invoke(main, ["check", "--format", fmt, str(tricky)])
        assert result.exit_code == 1, result.output
        outputs[f"check {fmt}"] = result.output
    result = CliRunner().invoke(main, ["check", "--lang", "en", "--format", "json", str(tricky)])
    outputs["check json en"] = result.output
    code, out, err = run_cli("summary", tricky, "--format", "json", "--out", tmp_path / "s.xlsx")
    outputs["summary"] = out + err + "\n".join(_texts(tmp_path / "s.xlsx"))
    annotated = tmp_path / "标注.xlsx"
    result = CliRunner().invoke(main, ["annotate", str(tricky / "泷泊镇_2020-03-11.xlsx"),
                                       "--out", str(annotated)])
    outputs["annotate console"] = result.output
    # the copy keeps the numbers in the cells they came from; nowhere else
    own = {("吸纳就业补贴", "E2"), ("吸纳就业补贴", "E3"), ("吸纳就业补贴", "E4"),
           ("规模工业企业", "L2")}
    outputs["annotated copy"] = "\n".join(_texts(annotated, skip=own))
    for where, text in outputs.items():
        digits = re.sub(r"[^0-9*]", "", text)  # a number the table folded over two lines
        for secret in SECRETS:
            assert secret not in text and secret not in digits, (where, secret)
    for where, text in outputs.items():  # the masked forms are there: the test sees them
        if where not in ("summary", "annotate console"):
            assert "431123********3478" in text and "133***0909" in text, (where, text[:2000])
    for where in ("check json", "check json en", "annotated copy"):  # the finding's value
        assert "431123********2214" in outputs[where], where
    hires = openpyxl.load_workbook(annotated)["吸纳就业补贴"]
    assert "校验位" in hires["E2"].comment.text and BAD_ID not in hires["E2"].comment.text
    assert "431123********3478" in hires["E4"].comment.text
    assert hires["E4"].value == DUPLICATE_ID  # the cell itself is the clerk's own data


def test_formulas_from_a_workbook_are_never_evaluated(tmp_path: Path) -> None:
    """Formulas without a cached value (a web request, a DDE command, 1+1) are reported,
    not computed: their text is the finding's value, written as text in 校验结果, and the
    cells of the copy keep the formulas as they were."""
    formulas = {"H2": '=WEBSERVICE("http://127.0.0.1:9/x")', "I2": "=1+1",
                "M2": "=cmd|' /C calc'!A0"}
    book = openpyxl.load_workbook(hostile.DEMO)
    for ref, formula in formulas.items():
        book["规模工业企业"][ref] = formula
    source = tmp_path / "泷泊镇_2020-03-11.xlsx"
    book.save(source)
    out = tmp_path / "标注.xlsx"
    result = annotate(source, out)
    found = {f.cell: (f.rule, f.value) for f in result.findings if f.sheet == "规模工业企业"}
    assert {ref: found[ref] for ref in formulas} == {
        ref: ("uncalculated", formula) for ref, formula in formulas.items()}
    copy = openpyxl.load_workbook(out)
    values = {c.value: c.data_type for row in copy[RESULTS].iter_rows() for c in row}
    assert all(values.get(formula) == "s" for formula in formulas.values()), values
    for ref, formula in formulas.items():
        assert copy["规模工业企业"][ref].value == formula
        assert copy["规模工业企业"][ref].data_type == "f"
