"""The console command (fronts.md, "Headless"): check on folders, --lang, --as-of, --output,
template and annotate."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from wbtools import ENTERPRISES, enterprise, new_book, write_rows

from xl_addin.cli import main
from xl_addin.outputs.template import build_template

PLANTED = Path(__file__).parent / "data" / "planted" / "planted_泷泊镇_2020-03-11.xlsx"
CJK = re.compile(r"[\u4e00-\u9fff]")
ERROR_FILL = "FFC7CE"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def check_json(*args: str) -> tuple[int, dict]:
    code, out, _ = cli("check", "--format", "json", *args)
    return code, json.loads(out)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_check_a_folder(tmp_path):
    folder = tmp_path / "乡镇报表"
    folder.mkdir()
    shutil.copy(PLANTED, folder / "泷泊镇_2020-03-11.xlsx")
    other = build_template("江村镇", dt.date(2020, 3, 11))
    other["封面"]["B4"] = "赵六"
    write_rows(other[ENTERPRISES], [enterprise(1)])
    other.save(folder / "江村镇_2020-03-11.xlsx")
    (folder / "说明.txt").write_text("各乡镇报表", encoding="utf-8")
    (folder / "~$江村镇_2020-03-11.xlsx").write_bytes(b"\x0c\x00lock")   # Excel's lock file
    code, report = check_json(folder)
    assert code == 1
    status = {Path(w["workbook"]).name: w["status"] for w in report["workbooks"]}
    assert status == {"泷泊镇_2020-03-11.xlsx": "error", "江村镇_2020-03-11.xlsx": "ok"}
    on_workbooks = [f for f in report["findings"] if f["workbook"] is not None]
    assert {Path(f["workbook"]).name for f in on_workbooks} == {"泷泊镇_2020-03-11.xlsx"}
    # the other nine townships of the county have not reported: 警告 of the county
    county = [f for f in report["findings"] if f["workbook"] is None]
    assert {f["rule"] for f in county} == {"township_missing"}
    assert {f["severity"] for f in county} == {"warning"}
    assert len(county) == 11 - 2
    assert {f["params"]["township"] for f in county}.isdisjoint({"泷泊镇", "江村镇"})


def test_lang_en_gives_english_messages():
    code, report = check_json("--lang", "en", PLANTED)
    assert code == 1 and report["findings"]
    for f in report["findings"]:
        assert f["message"] == f["message_en"] != f["message_zh"]
        assert re.search(r"[A-Za-z]{3,}", f["message"]), f["message"]
    credit = next(f for f in report["findings"] if (f["sheet"], f["cell"]) == (ENTERPRISES, "C4"))
    assert "check digit" in credit["message"]
    _, table, _ = cli("check", "--lang", "en", PLANTED)
    assert "errors" in table and "错误" not in table


HAZARD = {"隐患编号": "YH-001", "企业（项目）名称": enterprise(1)["企业名称"],
          "隐患描述": "配电箱未接地", "隐患等级": "一般", "发现日期": dt.date(2020, 3, 2),
          "整改措施": "加装接地线", "整改责任人": "王五", "整改期限": dt.date(2020, 3, 31),
          "状态": "整改中"}


def test_as_of_changes_the_date_rules(tmp_path):
    book = new_book()
    write_rows(book[ENTERPRISES], [enterprise(1)])
    write_rows(book["安全隐患台账"], [HAZARD])
    path = tmp_path / "泷泊镇_2020-03-11.xlsx"
    book.save(path)
    code, report = check_json(path)   # as of 统计日期 2020-03-11: 整改中 is right
    assert code == 0 and report["findings"] == []
    code, report = check_json("--as-of", "2020-06-01", path)
    assert code == 1
    # as of 2020-06-01 the deadline 2020-03-31 has passed with nothing done: 逾期未整改
    [finding] = report["findings"]
    assert (finding["sheet"], finding["cell"], finding["severity"]) == ("安全隐患台账", "M2",
                                                                         "error")
    assert "逾期未整改" in finding["message"] and "整改中" in finding["message"]


def test_output_writes_the_report_file(tmp_path):
    out = tmp_path / "reports" / "check.json"
    code, stdout, _ = cli("check", "--format", "json", "--output", out, PLANTED)
    assert code == 1 and "findings" not in stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["exit_code"] == 1 and report["totals"]["errors"] > 0
    table = tmp_path / "check.txt"
    assert cli("check", "--output", table, PLANTED)[0] == 1
    assert "规模工业企业" in table.read_text(encoding="utf-8")


def test_template_then_check(tmp_path):
    out = tmp_path / "泷泊镇_2020-03-11.xlsx"
    code, _, _ = cli("template", "--township", "泷泊镇", "--date", "2020-03-11", "--out", out)
    assert code == 0
    cover = load_workbook(out)["封面"]
    filled_by = next(row[1].coordinate for row in cover.iter_rows(max_col=2)
                     if row[0].value == "填报人")
    code, report = check_json(out)
    assert code == 1
    [finding] = report["findings"]   # only the cover's 填报人, which a person must fill in
    assert (finding["sheet"], finding["cell"], finding["severity"]) == ("封面", filled_by,
                                                                         "error")
    assert "填报人" in finding["message"]


def test_template_of_an_unknown_township(tmp_path):
    out = tmp_path / "x.xlsx"
    code, _, err = cli("template", "--township", "花果山镇", "--date", "2020-03-11", "--out", out)
    assert code == 2
    assert "花果山镇" in err and CJK.search(err.replace("花果山镇", ""))
    assert list(tmp_path.iterdir()) == []


def fill(cell) -> tuple:
    return cell.fill.fill_type, cell.fill.fgColor.rgb, cell.fill.bgColor.rgb


def test_annotate_marks_exactly_the_cells_check_reports(tmp_path):
    source = tmp_path / "泷泊镇_2020-03-11.xlsx"
    shutil.copy(PLANTED, source)
    before = sha256(source)
    out = tmp_path / "标注" / "泷泊镇_2020-03-11_标注.xlsx"
    code, _, _ = cli("annotate", source, "--out", out)
    assert code == 1
    assert sha256(source) == before
    findings = check_json(source)[1]["findings"]
    reported = {(f["sheet"], f["cell"]) for f in findings}
    errors = {(f["sheet"], f["cell"]) for f in findings if f["severity"] == "error"}
    original, marked = load_workbook(source), load_workbook(out)
    filled, red, noted = set(), set(), set()
    for ws in original:
        for row in marked[ws.title].iter_rows():
            for cell in row:
                if fill(cell) != fill(ws[cell.coordinate]):
                    filled.add((ws.title, cell.coordinate))
                if cell.fill.fill_type and str(cell.fill.fgColor.rgb).endswith(ERROR_FILL):
                    red.add((ws.title, cell.coordinate))
                if cell.comment is not None:
                    noted.add((ws.title, cell.coordinate))
                    assert CJK.search(cell.comment.text)
    assert filled == reported and noted == reported and red == errors
    results = marked["校验结果"]
    assert results.max_row == 1 + len(findings)
    links = []
    for row in results.iter_rows(min_row=2):
        [link] = [c.hyperlink for c in row if c.hyperlink is not None]
        sheet, cell = link.location.rsplit("!", 1)
        links.append((sheet.strip("'"), cell.replace("$", "")))
    assert sorted(links) == sorted((f["sheet"], f["cell"]) for f in findings)


def test_annotate_refuses_to_overwrite_its_source(tmp_path):
    source = tmp_path / "泷泊镇_2020-03-11.xlsx"
    shutil.copy(PLANTED, source)
    before = sha256(source)
    code, _, err = cli("annotate", source, "--out", tmp_path / "." / source.name)
    assert code == 2 and CJK.search(err)
    assert sha256(source) == before and list(tmp_path.iterdir()) == [source]


def test_annotate_refuses_a_workbook_with_a_chart(tmp_path):
    book = new_book()
    write_rows(book[ENTERPRISES], [enterprise(1), enterprise(2)])
    chart = BarChart()
    chart.add_data(Reference(book[ENTERPRISES], min_col=8, min_row=1, max_row=3),
                   titles_from_data=True)
    book[ENTERPRISES].add_chart(chart, "P2")
    source = tmp_path / "泷泊镇_2020-03-11.xlsx"
    book.save(source)
    before = sha256(source)
    out = tmp_path / "标注.xlsx"
    code, _, err = cli("annotate", source, "--out", out)
    assert code == 2 and CJK.search(err)
    assert not out.exists() and list(tmp_path.iterdir()) == [source]
    assert sha256(source) == before


def test_the_command_process_stays_light():
    """`xl-addin check` schedules files and renders the report; polars, pandera and pydantic
    are loaded by the worker processes only (docs/performance.md)."""
    import subprocess
    import sys

    code = ("import sys, xl_addin.cli; "
            "print(sorted(m for m in ('pandas', 'polars', 'pandera', 'pydantic', 'openpyxl') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_check_pauses_the_garbage_collector_and_restores_it(monkeypatch):
    import gc

    from xl_addin.validation import worker as workbook_check
    from xl_addin.validation.batch import check_one

    during: list[bool] = []
    validate = workbook_check.validate_path

    def watched(*args, **kwargs):
        during.append(gc.isenabled())
        return validate(*args, **kwargs)

    monkeypatch.setattr(workbook_check, "validate_path", watched)
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            checked = check_one(str(PLANTED), PLANTED.name)
            assert checked.errors > 0
            assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert during == [False, False]
