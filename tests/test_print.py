"""What the county prints (issue 13 item 9, xl_addin/outputs/print_setup.py): the template's
data sheets and every sheet of the county workbook print on A4 landscape, one page wide,
their header row repeated on every page, with a title naming the township or county and
the date, page numbers, and (the template) the signature line. The page setup is read back
with openpyxl; the layout is checked in the PDF LibreOffice makes of the workbooks.

This machine's LibreOffice may have no Chinese font: the PDF's text layer then keeps the
Latin letters and digits of a page only, so the PDF checks look for the date, the page
numbers, the signature's blanks and ASCII markers; the Chinese words are checked in the
saved workbook."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from xl_addin.cli import main
from xl_addin.model.spec import load_workbook_spec
from xl_addin.outputs.print_setup import apply_print_setup, header_text
from xl_addin.outputs.summary import county_summary, write_summary
from xl_addin.outputs.template import build_template, write_template
from xl_addin.validation.batch import check_paths

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"
AS_OF = dt.date(2020, 3, 11)
A4_LANDSCAPE = (842, 595)  # points: 297 × 210 mm
SIGNATURE = ("填报人：__________\u3000\u3000审核人：__________\u3000\u3000"
             "单位负责人（盖章）：__________")


def data_sheets() -> list[str]:
    return [s.sheet for s in load_workbook_spec().data_sheets]


def assert_prints_well(ws: Any, rows: str = "$1:$1") -> None:
    setup = ws.page_setup
    assert int(setup.paperSize) == 9, ws.title  # A4
    assert setup.orientation == "landscape", ws.title
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0, ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
    assert ws.print_title_rows == rows, ws.title


def to_pdf(soffice: str, tmp_path: Path, *books: Path) -> list[PdfReader]:
    profile = tmp_path / "lo-profile"
    out = tmp_path / "pdf"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, books)],
                   check=True, capture_output=True, timeout=600)
    return [PdfReader(out / f"{book.stem}.pdf") for book in books]


def page_size(page: Any) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


# --- the page setup, read back --------------------------------------------------------


def test_every_data_sheet_of_the_template_prints_well(tmp_path: Path) -> None:
    target = tmp_path / "泷泊镇_2020-03-11.xlsx"
    write_template("泷泊镇", AS_OF, target)
    book = openpyxl.load_workbook(target)
    assert len(data_sheets()) >= 10
    for name in data_sheets():
        ws = book[name]
        assert_prints_well(ws)
        assert ws.oddHeader.center.text == f"泷泊镇\u3000{name}（统计日期：2020-03-11）"
        assert ws.oddFooter.right.text == "第 &P 页 共 &N 页"
        assert ws.oddFooter.left.text == SIGNATURE
        margins = ws.page_margins
        assert margins.top > margins.header > 0 and margins.bottom > margins.footer > 0
    cover = book["封面"]  # the cover is a form, not a table: left as it is
    assert cover.oddHeader.center.text is None and cover.print_title_rows is None


def test_every_sheet_of_the_county_workbook_prints_well(demo_batch: Any, tmp_path: Path
                                                       ) -> None:
    summary = county_summary(demo_batch)
    target = tmp_path / "county.xlsx"
    write_summary(summary, demo_batch, target, county="双牌县")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:3] == ["县级汇总", "通报", "数据来源"]
    assert len(book.sheetnames) > 3  # the dispatch list: title, scope line, header
    for n, ws in enumerate(book.worksheets):
        assert_prints_well(ws, "$1:$1" if n < 3 else "$1:$3")
        assert ws.oddHeader.center.text == f"双牌县\u3000{ws.title}（统计日期：2020-03-11）"
        assert ws.oddFooter.right.text == "第 &P 页 共 &N 页"
        assert not ws.oddFooter.left.text  # no signature on the county's own tables


def test_the_cli_names_the_policys_county(tmp_path: Path) -> None:
    target = tmp_path / "county.xlsx"
    result = CliRunner().invoke(main, ["summary", str(DEMO / "泷泊镇_2020-03-11.xlsx"),
                                       str(DEMO / "五里牌镇_2020-03-11.xlsx"), "--out",
                                       str(target), "--lang", "en", "-j", "1"])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(target)["County summary"]
    assert ws.oddHeader.center.text == "双牌县 — County summary (as of 2020-03-11)"
    assert ws.oddFooter.right.text == "Page &P of &N"


def test_without_a_county_the_title_says_what_the_figures_cover(tmp_path: Path) -> None:
    """Two townships of eleven: the title must not call them 全县 (the library call that
    gives no county name, e.g. the ribbon's)."""
    batch = check_paths([str(DEMO / "泷泊镇_2020-03-11.xlsx"),
                         str(DEMO / "五里牌镇_2020-03-11.xlsx")], jobs=1)
    target = tmp_path / "county.xlsx"
    write_summary(county_summary(batch), batch, target)
    title = openpyxl.load_workbook(target)["县级汇总"].oddHeader.center.text
    assert title.startswith("已报送的2个乡镇（共11个乡镇，") and "全县" not in title
    assert title.endswith("县级汇总（统计日期：2020-03-11）")


def test_a_sheet_that_repeats_other_rows_keeps_them() -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "交办单"
    ws.print_title_rows = "1:3"  # a title block above the header
    apply_print_setup(ws, "双牌县", AS_OF)
    assert ws.print_title_rows == "$1:$3"
    other = book.create_sheet("趋势")
    apply_print_setup(other, "双牌县", None, header_rows=2)
    assert other.print_title_rows == "$1:$2"
    assert other.oddHeader.center.text == "双牌县\u3000趋势（统计日期：—）"


def test_an_ampersand_is_printed_not_read_as_a_code() -> None:
    assert header_text("A&B &P") == "A&&B &&P"
    book = openpyxl.Workbook()
    apply_print_setup(book.active, "甲&乙镇", AS_OF, signature=True)
    assert book.active.oddHeader.center.text.startswith("甲&&乙镇\u3000")


def test_the_template_keeps_everything_else(tmp_path: Path) -> None:
    """The print setup adds nothing to a sheet's cells: the header row is still row 1, the
    panes still frozen below it."""
    book = build_template("泷泊镇", AS_OF)
    spec = load_workbook_spec()
    for sheet in spec.data_sheets:
        ws = book[sheet.sheet]
        assert [c.value for c in ws[1]] == [c.name for c in sheet.columns]
        assert ws.max_row == 1 and ws.freeze_panes == "A2"


# --- through LibreOffice ----------------------------------------------------------------

ROWS = 300  # rows of 规模工业企业: more than one A4 page at any scale that fits its width


@pytest.fixture(scope="module")
def demo_batch() -> Any:
    return check_paths([str(DEMO)], jobs=2)


def test_the_template_prints_in_libreoffice(soffice: str, tmp_path: Path) -> None:
    book = build_template("泷泊镇", AS_OF)
    names = data_sheets()
    for name in book.sheetnames:
        if name not in names:
            del book[name]
    long = book[names[0]]
    assert long.title == "规模工业企业"
    long["B1"] = "企业名称 NAMEHEADER"  # an ASCII mark in the header row
    for i in range(2, ROWS + 2):
        long.cell(i, 1, i - 1)
        long.cell(i, 2, f"Company{i - 1:03d}")
    target = tmp_path / "template.xlsx"
    book.save(target)
    (pdf,) = to_pdf(soffice, tmp_path, target)
    pages = [p.extract_text() for p in pdf.pages]
    long_pages = [i for i, t in enumerate(pages) if "Company" in t]
    assert len(long_pages) >= 2 and long_pages == list(range(len(long_pages)))
    # every other data sheet is one page: fitted to the width, header only
    assert len(pages) == len(names) - 1 + len(long_pages)
    for i, (page, content) in enumerate(zip(pdf.pages, pages, strict=True)):
        assert page_size(page) == A4_LANDSCAPE, i
        assert "2020-03-11" in content, i  # the title
        assert content.count("__________") == 3, i  # 填报人 / 审核人 / 单位负责人 on each page
        numbers = re.findall(r"(?<!\d)(\d+) \S \S (\d+)(?!\d)", content)
        assert (str(i + 1), str(len(pages))) in numbers, (i, content[-80:])
    for i in long_pages:  # the header row on every page of the long sheet
        assert "NAMEHEADER" in pages[i], i
    last = pages[long_pages[-1]]
    assert f"Company{ROWS:03d}" in last and "Company001" not in last


def test_the_county_workbook_prints_in_libreoffice(soffice: str, demo_batch: Any,
                                                   tmp_path: Path) -> None:
    target = tmp_path / "county.xlsx"
    write_summary(county_summary(demo_batch), demo_batch, target, "en", county="双牌县")
    sheets = openpyxl.load_workbook(target).sheetnames
    (pdf,) = to_pdf(soffice, tmp_path, target)
    pages = [p.extract_text() for p in pdf.pages]
    assert len(pages) >= len(sheets)
    for i, (page, content) in enumerate(zip(pdf.pages, pages, strict=True)):
        assert page_size(page) == A4_LANDSCAPE, i
        assert f"Page {i + 1} of {len(pages)}" in content, i
        assert "(as of 2020-03-11)" in content, i
    # the 11 townships, 合计 and the chart fit on one page, one page wide
    assert sum("County summary (as of 2020-03-11)" in t for t in pages) == 1
    assert sum("Sources (as of 2020-03-11)" in t for t in pages) == 1
    first = pages[0]
    assert "County summary (as of" in first and "96.88%" in first  # the county's rate


def test_the_dispatch_list_alone_prints_well(demo_batch: Any, tmp_path: Path) -> None:
    from xl_addin.outputs.dispatch import dispatch_list, write_dispatch

    target = tmp_path / "交办清单.xlsx"
    write_dispatch(dispatch_list(county_summary(demo_batch)), target)
    book = openpyxl.load_workbook(target)
    assert len(book.worksheets) >= 3
    for ws in book.worksheets:
        assert_prints_well(ws, "$1:$3")  # title, scope line and header on every page
        assert ws.oddHeader.center.text == f"全县\u3000{ws.title}（统计日期：2020-03-11）"
        assert ws.oddFooter.right.text == "第 &P 页 共 &N 页"
