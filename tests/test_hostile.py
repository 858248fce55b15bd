"""Hostile and odd files (issue 7): each is refused with exit code 2 and a Chinese message
naming the file, never a traceback, and the batch goes on with the other files. The files
are made by ``hostile.py`` in a temporary folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import hostile
import pytest
from click.testing import CliRunner
from conftest import plant_in_workers

from xl_addin.cli import main
from xl_addin.reading import guard, reader
from xl_addin.reading.limits import MIB, Limits
from xl_addin.validation import batch as batch_module
from xl_addin.validation import worker as workbook_check_module
from xl_addin.validation.batch import check_paths
from xl_addin.validation.workbook import validate_path

CJK = re.compile(r"[\u4e00-\u9fff]")
NOISE = ("Traceback", "panicked", "stack backtrace", "memory allocation of", "RUST_BACKTRACE")
GOOD = "good_泷泊镇_2020-03-11.xlsx"
POLICY = Path(__file__).resolve().parents[1] / "xl_addin" / "policies" / "shuangpai-2020.toml"
XL_ADDIN = "import sys; from xl_addin.cli import main; sys.argv[0] = 'xl-addin'; main()"


def run_cli(*args: str | Path, timeout: float = 120) -> tuple[int, str, str, float]:
    """``xl-addin`` in its own process (as a clerk runs it); RUST_BACKTRACE=1 is set on
    purpose, so that a reader's crash would show up on standard error."""
    env = {**os.environ, "RUST_BACKTRACE": "1"}
    env.pop("XL_ADDIN_DEBUG", None)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", XL_ADDIN, *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def no_noise(*outputs: str) -> None:
    for output in outputs:
        for word in NOISE:
            assert word not in output, output[-3000:]


def unreadable(report: dict[str, Any], path: Path) -> dict[str, Any]:
    """The one finding that names ``path`` as unreadable, checked for its form."""
    mine = [f for f in report["findings"] if f["workbook"] == str(path)]
    assert len(mine) == 1, mine
    finding = mine[0]
    assert finding["sheet"] is None and finding["cell"] is None
    assert finding["severity"] == "error"
    assert path.name in finding["message"] and CJK.search(finding["message"]), finding
    assert finding["message"] == finding["message_zh"]
    status = {w["workbook"]: w["status"] for w in report["workbooks"]}
    assert status[str(path)] == "unreadable"
    return finding


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("hostile")
    hostile.build_all(where)
    hostile.copy_demo(where / GOOD)
    return where


@pytest.fixture(scope="module")
def json_run(folder: Path) -> tuple[int, dict[str, Any], str, float]:
    code, out, err, seconds = run_cli("check", "--format", "json", folder)
    no_noise(out, err)
    return code, json.loads(out), err, seconds


def test_the_batch_exits_2_and_still_checks_the_good_workbook(json_run) -> None:
    code, report, _, seconds = json_run
    assert code == 2 and report["exit_code"] == 2
    status = {Path(w["workbook"]).name: w["status"] for w in report["workbooks"]}
    assert set(status) == {*hostile.HOSTILE, GOOD}  # every file reported, none skipped
    assert status[GOOD] == "ok"
    assert report["totals"]["unreadable"] == len(hostile.HOSTILE)
    assert seconds < 60


@pytest.mark.parametrize("name", sorted(hostile.HOSTILE))
def test_each_hostile_file_is_named_with_its_reason(json_run, folder: Path, name: str) -> None:
    finding = unreadable(json_run[1], folder / name)
    assert finding["rule"] == hostile.HOSTILE[name][1]


def test_the_table_names_every_file_without_a_traceback(folder: Path) -> None:
    code, out, err, _ = run_cli("check", folder)
    no_noise(out, err)
    assert code == 2
    for name in hostile.HOSTILE:
        header = next(line for line in out.splitlines() if line.startswith(str(folder / name)))
        assert header.endswith("无法读取"), header
    assert next(line for line in out.splitlines()
                if line.startswith(str(folder / GOOD))).endswith("通过")


def test_every_report_format_survives_the_hostile_folder(folder: Path) -> None:
    for fmt in ("junit", "sarif", "github"):
        code, out, err, _ = run_cli("check", "--format", fmt, folder)
        no_noise(out, err)
        assert code == 2
        for name in hostile.HOSTILE:
            assert name in out, (fmt, name)


def test_summary_goes_on_with_the_readable_workbooks(folder: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "县级汇总.xlsx"
    code, stdout, err, _ = run_cli("summary", folder, "--out", out)
    no_noise(stdout, err)
    assert code == 2 and "截至3月11日" in stdout  # the bulletin of what could be read
    book = load_workbook(out)
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    # the one readable township, then the policy's ten others marked 未报送 with no figure
    others = [t for t in tomllib.loads(POLICY.read_text("utf-8"))["townships"] if t != "泷泊镇"]
    total = [row[0] for row in rows].index("合计")
    assert [row[0] for row in rows[:total]] == ["泷泊镇", *others]
    assert all(row[2] == "未报送" and set(row[3:]) == {None} for row in rows[1:total])
    sources = {Path(row[0]).name: row[2] for row in book["数据来源"].iter_rows(
        min_row=2, values_only=True)}
    assert sources[GOOD] == "通过"
    assert all(sources[name] == "无法读取" for name in hostile.HOSTILE)


@pytest.mark.parametrize("name", sorted(hostile.HOSTILE))
def test_annotate_refuses_each_hostile_file_in_chinese(folder: Path, tmp_path: Path,
                                                        name: str) -> None:
    out = tmp_path / "标注.xlsx"
    result = CliRunner().invoke(main, ["annotate", str(folder / name), "--out", str(out)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2, result.output
    no_noise(result.output)
    assert name in result.stderr and CJK.search(result.stderr)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left behind


# --- limits: sizes, memory, time ----------------------------------------------------------

def test_a_zip_bomb_is_refused_by_its_declared_size_under_a_lowered_limit(tmp_path: Path
                                                                        ) -> None:
    """The demo workbook unpacks to about 150 KiB: with a limit of 100 KiB it counts as a
    bomb, with the default it passes. The same holds for a 7 MiB shared-string table."""
    demo = hostile.copy_demo(tmp_path / "demo.xlsx")
    result = validate_path(demo, limits=Limits(max_unpacked_bytes=100_000))
    assert result.error is not None and result.error.rule == "file_zip_bomb"
    assert "demo.xlsx" in result.error.message()
    assert validate_path(demo).error is None
    table = hostile.huge_shared_strings(tmp_path / "sst.xlsx")
    refused = validate_path(table, limits=Limits(max_unpacked_bytes=4 * MIB))
    assert refused.error is not None and refused.error.rule == "file_zip_bomb"


def test_a_huge_shared_string_table_is_read_within_the_default_limits(tmp_path: Path) -> None:
    table = hostile.huge_shared_strings(tmp_path / "sst.xlsx", count=300_000)
    started = time.monotonic()
    result = validate_path(table)
    assert result.error is None and result.findings == []
    assert result.cover["填报单位"] == "泷泊镇"  # the last entry of the table
    assert time.monotonic() - started < 30


def test_the_cli_lowers_the_unpacked_limit(tmp_path: Path) -> None:
    table = hostile.huge_shared_strings(tmp_path / "sst.xlsx")
    code, out, err, _ = run_cli("check", "--format", "json", "--max-unpacked", "4", table)
    no_noise(out, err)
    assert code == 2
    assert unreadable(json.loads(out), table)["rule"] == "file_zip_bomb"


def test_a_dimension_claiming_the_whole_sheet_reads_like_the_source(tmp_path: Path) -> None:
    claimed = hostile.claimed_dimension(tmp_path / "claimed.xlsx")
    result = validate_path(claimed)
    original = validate_path(hostile.DEMO)
    assert result.error is None
    assert [f.rule for f in result.findings] == [f.rule for f in original.findings] == []
    assert result.cover == original.cover


@pytest.mark.parametrize("variant", ["prefixed", "lower", "zeros", "wrap", "no_refs", "tab"])
def test_the_span_check_sees_through_odd_cell_references(tmp_path: Path, variant: str) -> None:
    """Each of these put a cell 17 billion cells away from A1 in a 1 KiB file; a dense reader
    would need 512 GiB (and abort the process): the guard must refuse them before."""
    far = {
        "prefixed": None,
        "lower": '<c r="xfd1048576"><v>2</v></c>',
        "zeros": '<c r="XFD0001048576"><v>2</v></c>',
        "wrap": '<c r="A99999999999"><v>2</v></c>',  # a row past 2^32 wraps in the reader
        "no_refs": "<c><v>2</v></c>" * 16384,
        "tab": '<c\tr="XFD1048576"><v>2</v></c>',
    }[variant]
    if far is None:
        xml = (f'<x:worksheet xmlns:x="{hostile.NS}"><x:sheetData><x:row r="1"><x:c r="A1">'
               '<x:v>1</x:v></x:c></x:row><x:row r="1048576"><x:c r="XFD1048576"><x:v>2</x:v>'
               "</x:c></x:row></x:sheetData></x:worksheet>")
    else:
        xml = hostile.sheet(f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">{far}'
                            "</row>")
    path = hostile.raw_workbook(tmp_path / f"{variant}.xlsx", xml)
    result = validate_path(path)  # in this process: a miss would abort the test run
    assert result.error is not None and result.error.rule == "file_too_many_cells"


def test_the_span_check_follows_the_package_relationships(tmp_path: Path) -> None:
    """Workbook and sheet at unusual places in the package (readers follow the
    relationships, and so does the guard); the same with Windows separators, and with a
    target that has ``.`` segments."""
    relocated = hostile.relocated_grid_span_bomb(tmp_path / "relocated.xlsx")
    parts = hostile.read_parts(hostile.grid_span_bomb(tmp_path / "plain.xlsx"))
    windows = hostile.write_parts(tmp_path / "windows.xlsx",
                                  {name.replace("/", "\\") if name.startswith("xl/") else name:
                                   data for name, data in parts.items()})
    moved = hostile.read_parts(relocated)
    rels = moved["_rels/workbook.xml.rels"]
    moved["_rels/workbook.xml.rels"] = rels.replace(b'Target="data/cells.xml"',
                                                    b'Target="/data/./cells.xml"')
    assert moved["_rels/workbook.xml.rels"] != rels
    dotted = hostile.write_parts(tmp_path / "dotted.xlsx", moved)
    for path in (relocated, windows, dotted):
        result = validate_path(path)  # in this process: a miss would abort the test run
        assert result.error is not None and result.error.rule == "file_too_many_cells", path


def test_memory_hungry_files_crash_only_their_worker(tmp_path: Path) -> None:
    """One 4 MiB shared string used by 2,000 cells (8 GiB for a reader that copies it into
    each cell) gets past the guard: under --max-memory 256 it kills its worker
    (file_crashed), quietly, and the good workbook in the same batch is still checked.
    The grid-span bombs, plain and padded to 5 MiB, are refused by the guard."""
    hostile.shared_string_amplifier(tmp_path / "amplifier.xlsx")
    hostile.grid_span_bomb(tmp_path / "grid_span_bomb.xlsx")
    hostile.padded_grid_span_bomb(tmp_path / "padded_bomb.xlsx")
    hostile.copy_demo(tmp_path / GOOD)
    code, out, err, seconds = run_cli("check", "--format", "json", "--max-memory", "256",
                                      "--jobs", "2", tmp_path)
    no_noise(out, err)
    report = json.loads(out)
    assert code == 2
    assert unreadable(report, tmp_path / "amplifier.xlsx")["rule"] == "file_crashed"
    for name in ("grid_span_bomb.xlsx", "padded_bomb.xlsx"):
        assert unreadable(report, tmp_path / name)["rule"] == "file_too_many_cells"
    assert {w["workbook"]: w["status"] for w in report["workbooks"]}[str(tmp_path / GOOD)] == "ok"
    assert seconds < 60


def test_a_sheet_too_big_for_the_memory_limit_kills_only_its_worker(tmp_path: Path) -> None:
    """A1 and Z300000: 7.8 million cells, under the cell limit; reading them needs about
    400 MiB, so with --max-memory 200 the worker dies and the file is named."""
    path = hostile.raw_workbook(tmp_path / "wide.xlsx", hostile.sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="300000"><c r="Z300000"><v>2</v></c>'
        "</row>"))
    code, out, err, seconds = run_cli("check", "--format", "json", "--max-memory", "200", path)
    no_noise(out, err)
    assert code == 2
    assert unreadable(json.loads(out), path)["rule"] == "file_crashed"
    assert seconds < 60


def test_a_slow_file_times_out_within_bounded_wall_time(tmp_path: Path) -> None:
    """A1 and Z600000: 15.6 million cells, several seconds of reading; --timeout 1 stops it
    and the next file is still checked."""
    hostile.raw_workbook(tmp_path / "slow.xlsx", hostile.sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="600000"><c r="Z600000"><v>2</v></c>'
        "</row>"))
    hostile.copy_demo(tmp_path / GOOD)
    code, out, err, seconds = run_cli("check", "--format", "json", "--timeout", "1", "--jobs",
                                      "1", tmp_path)
    no_noise(out, err)
    report = json.loads(out)
    assert code == 2
    finding = unreadable(report, tmp_path / "slow.xlsx")
    assert finding["rule"] == "file_timeout" and "1 秒" in finding["message"]
    assert {w["workbook"]: w["status"] for w in report["workbooks"]}[str(tmp_path / GOOD)] == "ok"
    assert seconds < 30


def _sleepy_validate(path: Any, *args: Any, **kwargs: Any) -> Any:
    if "slow" in str(path):
        time.sleep(600)
    return validate_path(path, *args, **kwargs)


def test_a_hanging_read_times_out_deterministically(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader patched into the workers hangs in them: each hanging file is given up
    after timeout_seconds and the others are checked."""
    plant_in_workers(monkeypatch, workbook_check_module, "validate_path", _sleepy_validate)
    for name in ("a_slow.xlsx", "b_slow.xlsx"):
        hostile.copy_demo(tmp_path / name)
    hostile.copy_demo(tmp_path / GOOD)
    started = time.monotonic()
    result = check_paths([str(tmp_path)], jobs=2, limits=Limits(timeout_seconds=1.5))
    assert time.monotonic() - started < 20
    by_name = {Path(r.display).name: r for r in result.results}
    for name in ("a_slow.xlsx", "b_slow.xlsx"):
        assert by_name[name].unreadable
        assert [f.rule for f in by_name[name].findings] == ["file_timeout"]
        assert name in by_name[name].findings[0].message()
    assert not by_name[GOOD].unreadable and by_name[GOOD].findings == []
    assert result.exit_code == 2


# --- files that vanish, cannot be read, or are not files ---------------------------------------

def test_a_file_vanishing_between_listing_and_reading(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name, town in (("a.xlsx", "江村镇"), ("b.xlsx", "麻江镇"), (GOOD, "泷泊镇")):
        hostile.copy_demo(tmp_path / name, hostile.DEMO_DIR / f"{town}_2020-03-11.xlsx")
    listed = batch_module.collect

    def collect_then_delete(paths: Any) -> list[tuple[str, str]]:
        files = listed(paths)
        (tmp_path / "b.xlsx").unlink()
        return files

    monkeypatch.setattr(batch_module, "collect", collect_then_delete)
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)])
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert unreadable(report, tmp_path / "b.xlsx")["rule"] == "file_missing"
    status = {Path(w["workbook"]).name: w["status"] for w in report["workbooks"]}
    assert status == {"a.xlsx": "ok", "b.xlsx": "unreadable", GOOD: "ok"}


def test_a_file_vanishing_after_its_inspection(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = hostile.copy_demo(tmp_path / "gone.xlsx")
    inspect = reader.inspect_file

    def inspect_then_delete(*args: Any, **kwargs: Any) -> Any:
        inspection = inspect(*args, **kwargs)
        path.unlink()
        return inspection

    monkeypatch.setattr(reader, "inspect_file", inspect_then_delete)
    result = validate_path(path)
    assert result.error is not None and result.error.rule == "file_missing"
    assert "gone.xlsx" in result.error.message()


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, for whom chmod 000 does not stop reading: the permission error is
    made by a patched ``open`` in the guard, and chmod 000 is checked for what it does
    for the user running the tests."""
    path = hostile.copy_demo(tmp_path / "locked.xlsx")

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    with monkeypatch.context() as patch:
        patch.setattr(guard, "open", denied, raising=False)
        result = validate_path(path)
    assert result.error is not None and result.error.rule == "file_unreadable"
    assert "locked.xlsx" in result.error.message() and "Permission denied" in result.error.message()
    path.chmod(0)
    try:
        result = validate_path(path)
        if os.geteuid() == 0:
            assert result.error is None  # root reads it anyway
        else:
            assert result.error is not None and result.error.rule == "file_unreadable"
    finally:
        path.chmod(0o644)


def test_links_and_non_files_named_on_the_command_line(tmp_path: Path) -> None:
    """A link to a folder, a FIFO and a missing file, each named explicitly."""
    real = tmp_path / "real"
    real.mkdir()
    hostile.copy_demo(real / GOOD)
    (tmp_path / "link_dir").symlink_to(real)
    fifo = hostile.fifo(tmp_path / "pipe.xlsx")
    missing = tmp_path / "missing.xlsx"
    code, out, err, _ = run_cli("check", "--format", "json", tmp_path / "link_dir", fifo,
                                      missing, real)
    no_noise(out, err)
    report = json.loads(out)
    assert code == 2
    assert unreadable(report, tmp_path / "link_dir")["rule"] == "file_symlink"
    assert unreadable(report, fifo)["rule"] == "file_not_regular"
    assert unreadable(report, missing)["rule"] == "file_missing"
    assert {w["workbook"]: w["status"] for w in report["workbooks"]}[str(real / GOOD)] == "ok"


def test_a_link_to_a_folder_inside_a_folder_is_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    name = "江村镇_2020-03-11.xlsx"
    hostile.copy_demo(outside / name, hostile.DEMO_DIR / name)
    batch = tmp_path / "batch"
    batch.mkdir()
    hostile.copy_demo(batch / GOOD)
    (batch / "linked").symlink_to(outside)
    result = check_paths([str(batch)], jobs=1)
    by_name = {Path(r.display).name: r for r in result.results}
    assert set(by_name) == {GOOD, "linked"}  # the linked folder's workbook is not read
    assert [f.rule for f in by_name["linked"].findings] == ["file_symlink"]
    assert "linked" in by_name["linked"].findings[0].message()
    assert result.exit_code == 2


def test_text_that_looks_like_console_markup_is_printed_as_it_is(tmp_path: Path) -> None:
    """A cell value "[/red]" once made the console table raise a markup error."""
    import openpyxl

    book = openpyxl.load_workbook(hostile.DEMO)
    book["规模工业企业"]["E3"] = "[/red]"
    book["规模工业企业"]["E4"] = "[bold]大型"
    book.save(tmp_path / "a[bold]b[red]_泷泊镇_2020-03-11.xlsx")
    code, out, err, _ = run_cli("check", tmp_path)
    no_noise(out, err)
    assert code == 1
    assert "a[bold]b[red]_泷泊镇_2020-03-11.xlsx" in out
    assert "“[/red]”" in out and "“[bold]大型”" in out


def test_text_that_looks_like_a_ci_command_stays_in_its_annotation(tmp_path: Path) -> None:
    """GitHub reads every line of the log that starts with :: as a command: a value with a
    line break, and a file name with :: and a comma, must not start or end one."""
    import openpyxl

    book = openpyxl.load_workbook(hostile.DEMO)
    book["规模工业企业"]["E3"] = "小型\n::add-mask::secret\r\n::stop-commands::x"
    path = tmp_path / "a::b,c_泷泊镇_2020-03-11.xlsx"
    book.save(path)
    code, out, err, _ = run_cli("check", "--format", "github", path)
    no_noise(out, err)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::error file=")
    assert "a%3A%3Ab%2Cc_" in lines[0] and "%0A::add-mask::" in lines[0]


def test_report_and_summary_outputs_that_cannot_be_written(tmp_path: Path) -> None:
    demo = hostile.copy_demo(tmp_path / GOOD)
    blocked = tmp_path / "a_file"
    blocked.write_text("x")
    for args in (["check", demo, "-o", blocked / "report.txt"],
                 ["check", demo, "--format", "json", "-o", blocked / "report.json"],
                 ["summary", demo, "--out", blocked / "汇总.xlsx"]):
        code, out, err, _ = run_cli(*args)
        no_noise(out, err)
        assert code == 2 and "无法写入" in err and "a_file" in err, err


def test_the_guard_runs_before_anything_reads_the_file(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused file never reaches the spreadsheet reader."""
    opened: list[str] = []
    fake = SimpleNamespace(CalamineWorkbook=SimpleNamespace(from_path=opened.append))
    monkeypatch.setattr(reader, "pc", fake)
    for name in ("entity_bomb_sst.xlsx", "grid_span_bomb.xlsx", "zip_bomb.xlsx"):
        builder = hostile.HOSTILE[name][0]
        result = validate_path(builder(tmp_path / name))
        assert result.error is not None and result.error.rule == hostile.HOSTILE[name][1]
    assert opened == []


def test_a_copy_of_the_hostile_folder_is_left_byte_for_byte(folder: Path, tmp_path: Path
                                                            ) -> None:
    """Checking never writes to a source, hostile or not (see test_nothing_lost for the
    hashes of real workbooks)."""
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy, symlinks=True, ignore=lambda d, names: [
        n for n in names if (Path(d) / n).is_fifo()])
    before = {p.name: p.read_bytes() for p in copy.iterdir() if not p.is_symlink()}
    run_cli("check", copy)
    assert {p.name: p.read_bytes() for p in copy.iterdir() if not p.is_symlink()} == before
