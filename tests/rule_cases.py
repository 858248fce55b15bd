"""The table behind tests/test_rules.py: for every registered rule, a case that makes the
library report exactly that rule.

A workbook case is one edit of a demo workbook (a value typed, a cell cleared, a header
renamed, a sheet deleted, a row added, the file renamed) and the place where the finding of
its rule must appear: the sheet and cell edited. The expected places, values and severities
are written here from the edit and from schemas/*.yaml, never from running the code.

Several edits share one workbook (``book``), each at its own place, so that the whole table
needs few validations. A file case is one odd file (missing, a folder, a link, a bomb …); a
worker case is a fault planted in the worker process of a batch; a reference names an
existing test that already exercises a rule the slow, realistic way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import hostile
import openpyxl
from openpyxl.workbook import Workbook

from xl_addin.reading.limits import DEFAULT_LIMITS, Limits

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "workbooks" / "demo"
HOME = "泷泊镇_2020-03-11.xlsx"  # the demo workbook the edits start from (0 findings)
HOME_USCC = "91431123MA47FL51XG"  # 泷泊镇's 规模工业企业!C2 in that workbook
W = "warning"

ENTERPRISES, PROJECTS, SMALL, MIGRANTS, POOR = "规模工业企业", "重点项目", "小微企业", \
    "返乡务工人员", "贫困劳动力"
HAZARDS, ISSUES, SUPPLIES, REFUNDS = "安全隐患台账", "问题交办台账", "防疫物资", "稳岗返还"
ABSORPTION, SI, FINANCE, COVER = "吸纳就业补贴", "社保减免", "金融支持", "封面"


def excel_serial(day: dt.date) -> int:
    """The Excel (1900 system) serial number of ``day``."""
    return (day - dt.date(1899, 12, 30)).days


# --- edits ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Put:
    """Type ``value`` into one cell (None clears it)."""

    sheet: str
    cell: str
    value: Any
    number_format: str | None = None

    def apply(self, book: Workbook) -> None:
        cell = book[self.sheet][self.cell]
        cell.value = self.value
        if self.number_format:
            cell.number_format = self.number_format

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}={self.value!r}"


def clear(sheet: str, cell: str) -> Put:
    return Put(sheet, cell, None)


@dataclass(frozen=True)
class AddRow:
    """Write a new row below the data: column letter -> value."""

    sheet: str
    row: int
    values: tuple[tuple[str, Any], ...]

    def apply(self, book: Workbook) -> None:
        for letter, value in self.values:
            book[self.sheet][f"{letter}{self.row}"] = value

    def __str__(self) -> str:
        return f"{self.sheet}: row {self.row} added"


@dataclass(frozen=True)
class InsertBlankRow:
    sheet: str
    row: int

    def apply(self, book: Workbook) -> None:
        book[self.sheet].insert_rows(self.row)

    def __str__(self) -> str:
        return f"{self.sheet}: blank row inserted at {self.row}"


@dataclass(frozen=True)
class DeleteRow:
    sheet: str
    row: int

    def apply(self, book: Workbook) -> None:
        book[self.sheet].delete_rows(self.row)

    def __str__(self) -> str:
        return f"{self.sheet}: row {self.row} deleted"


@dataclass(frozen=True)
class DropSheet:
    sheet: str

    def apply(self, book: Workbook) -> None:
        del book[self.sheet]

    def __str__(self) -> str:
        return f"sheet {self.sheet} deleted"


@dataclass(frozen=True)
class RenameSheet:
    """Give a sheet another name (headers and sheet names as people write them)."""

    sheet: str
    name: str

    def apply(self, book: Workbook) -> None:
        book[self.sheet].title = self.name

    def __str__(self) -> str:
        return f"sheet {self.sheet} renamed {self.name!r}"


@dataclass(frozen=True)
class CopySheet:
    """Copy a sheet, as Excel's Move or Copy… does, under ``name``."""

    sheet: str
    name: str

    def apply(self, book: Workbook) -> None:
        book.copy_worksheet(book[self.sheet]).title = self.name

    def __str__(self) -> str:
        return f"sheet {self.sheet} copied as {self.name!r}"


@dataclass(frozen=True)
class RenameFile:
    """Save the workbook under another file name (its contents unchanged)."""

    name: str

    def apply(self, book: Workbook) -> None:
        return None

    def __str__(self) -> str:
        return f"saved as {self.name}"


@dataclass(frozen=True)
class Merge:
    """Merge a range as Excel does (the top-left value stays, the others are cleared)."""

    sheet: str
    ref: str

    def apply(self, book: Workbook) -> None:
        book[self.sheet].merge_cells(self.ref)

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref} merged"


Edit = (Put | AddRow | InsertBlankRow | DeleteRow | DropSheet | RenameSheet | CopySheet | RenameFile
        | Merge)


# --- the workbooks edited -------------------------------------------------------------------

@dataclass(frozen=True)
class Book:
    source: str  # a workbook of workbooks/demo
    group: Literal["single", "county"]  # validated alone, or in the county batch
    setup: tuple[Edit, ...] = ()  # edits that make the book what it is (not cases)
    name: str | None = None  # the file name, when not the source's


BOOKS: dict[str, Book] = {
    "main": Book(HOME, "single"),      # many distant edits, each checked
    "layout": Book(HOME, "single"),    # sheets, headers, rows and cover fields
    "county_home": Book(HOME, "county"),  # unedited: the other side of the county rules
    "county_other": Book("江村镇_2020-03-11.xlsx", "county"),
    "county_again": Book(HOME, "county"),
    # rules between reporting days: 泷泊镇 the next day, compared with its 2020-03-11
    # (county_home and county_again, unedited: the same contents, whichever is used)
    "days_next": Book(HOME, "county", (Put(COVER, "B3", dt.datetime(2020, 3, 12)),
                                       clear(PROJECTS, "F2")),
                      "泷泊镇_2020-03-12.xlsx"),
}


@dataclass(frozen=True)
class Case:
    """One edit and the finding it must give: ``rule`` at ``sheet``!``cell``."""

    rule: str
    book: str
    edit: Edit
    sheet: str | None
    cell: str | None  # None: a finding on the sheet (or cover), not on a cell
    severity: str | None = None  # the severity the schema gives this use (None: registered)
    column: str | None = None  # the column or field named, for a finding without a cell
    row: int | None = None  # the row named, for a finding without a cell
    bug: str | None = None  # a known bug: the case is xfail(strict=True) for this reason

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.book}-{self.sheet}!{self.cell or '-'}"


def _case(rule: str, book: str, edit: Edit, **more: Any) -> Case:
    """A case whose finding is at the cell the edit typed into."""
    assert isinstance(edit, Put)
    return Case(rule, book, edit, edit.sheet, edit.cell, **more)


CASES: list[Case] = [
    # --- 封面 --------------------------------------------------------------------------------
    _case("division_code", "main", Put(COVER, "B2", "431123999000")),
    _case("phone", "main", Put(COVER, "B5", "12345")),
    Case("name_date_mismatch", "main", RenameFile("泷泊镇_2020-03-12.xlsx"), COVER, "B3"),
    _case("township_alias", "main", Put(COVER, "B1", "泷泊镇人民政府"), severity=W),  # issue 12
    # --- 规模工业企业: one edit per row ----------------------------------------------------
    _case("date_as_text", "main", Put(ENTERPRISES, "G2", "2020.2.16")),
    _case("yes_no_coerced", "main", Put(ENTERPRISES, "F3", "Y")),
    _case("required_if", "main", clear(ENTERPRISES, "G4")),
    _case("not_after_as_of", "main", Put(ENTERPRISES, "G5", dt.datetime(2020, 3, 20))),
    _case("le", "main", Put(ENTERPRISES, "I6", 300)),  # 已上岗 300 > 职工总数 241
    _case("enum", "main", Put(ENTERPRISES, "E7", "特大型")),
    _case("uscc", "main", Put(ENTERPRISES, "C8", "91431123MA432RYN63")),  # check char 2 -> 3
    _case("mobile", "main", Put(ENTERPRISES, "L9", "1234567")),
    _case("shared_liaison", "main", Put(ENTERPRISES, "K10", "罗芳"), severity=W),  # K2's officer
    _case("blank_if", "main", Put(ENTERPRISES, "G11", dt.datetime(2020, 3, 1))),  # 是否开复工 否
    _case("required", "main", clear(ENTERPRISES, "B12")),
    _case("number_as_text", "main", Put(ENTERPRISES, "H13", "258")),
    _case("unique", "main", Put(ENTERPRISES, "B14", "永州市鸿运农产品开发有限公司")),  # B13's name
    _case("formula_error", "main", Put(ENTERPRISES, "J15", "#N/A")),
    _case("uncalculated", "main", Put(ENTERPRISES, "J16", "=I16-200")),
    _case("bad_count", "main", Put(ENTERPRISES, "H17", -5)),
    _case("bad_yes_no", "main", Put(ENTERPRISES, "F18", "也许")),
    _case("bad_text", "main", Put(ENTERPRISES, "D19", True)),  # TRUE in 行业类别
    _case("bad_date", "main", Put(ENTERPRISES, "G20", "某天")),
    _case("code_normalized", "main", Put(ENTERPRISES, "C21", "91431123ma4122rq6c")),
    # --- values as clerks type them (issue 12, values) --------------------------------------
    _case("invisible_char", "main", Put(ENTERPRISES, "E22", "小型\u00a0"), severity=W),
    _case("date_without_year", "main", Put(ENTERPRISES, "G23", "3月7日"), severity=W),
    _case("rate_as_points", "main", Put(SI, "E4", 16)),  # 养老费率 16 for 16%
    _case("code_as_number", "main", Put(ABSORPTION, "E3", 431123197903203478)),
    # --- 重点项目 ---------------------------------------------------------------------------
    _case("month_as_text", "main", Put(PROJECTS, "D2", "2020年2月")),
    _case("bad_month", "main", Put(PROJECTS, "D3", "上个月")),
    _case("le", "main", Put(PROJECTS, "H4", 80), severity=W),  # 到岗 80 > 计划用工 73
    _case("date_serial", "main", Put(PROJECTS, "F5", excel_serial(dt.date(2020, 2, 21)),
                                     number_format="General")),
    _case("shared_liaison", "main", Put(PROJECTS, "I6", "盘玉兰"), severity=W),  # I2's officer
    # --- 小微企业 ---------------------------------------------------------------------------
    _case("sum_equals", "main", Put(SMALL, "B2", 365)),  # 364 + 0
    _case("required_if_positive", "main", clear(SMALL, "E8")),  # 暂停营业户数 12
    Case("total_row", "main", AddRow(SMALL, 10, (("A", "合计"), ("B", 1000))), SMALL, "B10"),
    # --- 返乡务工人员 -----------------------------------------------------------------------
    _case("sum_le", "main", Put(MIGRANTS, "B2", 300)),  # 已返岗 396 + 待返岗 2 > 300
    # --- 安全隐患台账 -----------------------------------------------------------------------
    _case("exists_in", "main", Put(HAZARDS, "B2", "不在名单上的企业有限公司"), severity=W),
    _case("date_order", "main", Put(HAZARDS, "H3", dt.datetime(2020, 2, 10))),  # found 02-16
    _case("required_if_present", "main", clear(HAZARDS, "J4")),  # 复查日期 filled
    _case("required_if_value", "main", clear(HAZARDS, "G5")),  # 隐患等级 重大
    _case("derived", "main", Put(HAZARDS, "M8", "整改中")),  # done, reviewed 合格: 已销号
    # --- 问题交办台账 -----------------------------------------------------------------------
    _case("required_if_value", "main", clear(ISSUES, "H2")),  # 处理方式 交办
    _case("same_day", "main", Put(ISSUES, "F3", dt.datetime(2020, 2, 16)), severity=W),
    _case("same_day_if", "main", Put(ISSUES, "J4", dt.datetime(2020, 2, 18))),  # 当日解决
    # --- 防疫物资 ---------------------------------------------------------------------------
    _case("derived", "main", Put(SUPPLIES, "F3", 2000)),  # 134 × 15 = 2010
    _case("running_stock", "main", Put(SUPPLIES, "D12", 1000)),  # 84消毒液: 581 - 77 - 1000
    # --- 稳岗返还, 吸纳就业补贴, 社保减免, 金融支持 ------------------------------------------
    _case("bad_number", "main", Put(REFUNDS, "F2", "八万九")),
    _case("idcard", "main", Put(ABSORPTION, "E2", "431123198805102214")),  # check digit 3 -> 4
    _case("percent_text", "main", Put(SI, "E2", "16%")),
    _case("bad_rate", "main", Put(SI, "F3", "千分之七")),
    _case("range", "main", Put(FINANCE, "E18", 0.3)),  # 年利率 max 0.24
    _case("wan_magnitude", "main", Put(FINANCE, "D12", 200000)),  # 20 亿 in 万元
    # --- layout: sheets, headers, rows, cover fields ------------------------------------------
    Case("missing_sheet", "layout", DropSheet(FINANCE), FINANCE, None),
    Case("no_header", "layout", DeleteRow(SMALL, 1), SMALL, None),
    Case("missing_column", "layout", Put(POOR, "I1", "未复工"), POOR, "I1",
         column="未复工人数", row=1),  # at the unrecognised header where it belongs
    Case("blank_rows_inside", "layout", InsertBlankRow(MIGRANTS, 5), MIGRANTS, None),
    # headers and sheet names as people write them (reading/headers.py, sheet_names.py)
    _case("header_synonym", "layout", Put(ENTERPRISES, "B1", "单位名称"), severity=W),
    _case("header_unit_mismatch", "layout", Put(SUPPLIES, "F1", "金额（万元）")),  # 元
    _case("header_unit_unknown", "layout", Put(ENTERPRISES, "H1", "职工总数（截至3月11日）"),
          severity=W),
    _case("header_unit_missing", "main", Put(FINANCE, "D1", "金额"), severity=W),  # 万元
    Case("sheet_name_tolerated", "layout", RenameSheet(ISSUES, f"{ISSUES} "), f"{ISSUES} ",
         None),
    Case("sheet_ambiguous", "layout", CopySheet(PROJECTS, f"{PROJECTS} (2)"), PROJECTS, None),
    Case("missing_field", "layout", Put(COVER, "A4", "填表人"), COVER, None, column="填报人"),
    Case("no_as_of", "layout", clear(COVER, "B3"), COVER, None, column="统计日期"),
    _case("unknown_township", "layout", Put(COVER, "B1", "某某镇")),  # issue 12, 封面
    # where the table ends, merged cells (reading/table_rows.py): 规模工业企业 has 30 rows
    Case("subtotal_row", "layout", AddRow(ENTERPRISES, 32, (("B", "小计"), ("H", 1))),
         ENTERPRISES, "H32"),  # 职工总数 of 30 enterprises is not 1
    Case("serial_only_rows", "layout", AddRow(ENTERPRISES, 33, (("A", 31),)), ENTERPRISES,
         "A33"),
    Case("note_row", "layout", AddRow(ENTERPRISES, 35, (("B", "以上企业均已落实防疫措施，复工复产"
                                                        "情况良好，特此报告"),)),
         ENTERPRISES, "B35"),
    Case("header_repeated", "layout", AddRow(PROJECTS, 11, tuple(zip(
        "ABCDEFGHIJ", ("序号", "项目名称", "项目代码", "计划开复工月份", "是否开复工", "开复工日期",
                       "计划用工人数", "到岗人数", "驻企联络员", "联络员电话"), strict=True))),
         PROJECTS, "A11"),
    Case("merged_cells", "layout", Merge(ABSORPTION, "A10:A11"), ABSORPTION, "A10"),
    # --- between workbooks (one batch) --------------------------------------------------------
    _case("county_duplicate", "county_other", Put(ENTERPRISES, "C2", HOME_USCC)),
    Case("duplicate_workbook", "county_again", RenameFile("泷泊镇_2020-03-11_再报.xlsx"),
         COVER, None, column="填报单位"),
    # --- between reporting days (the next day's 泷泊镇 against 2020-03-11) ------------------
    Case("day_row_gone", "days_next", DeleteRow(HAZARDS, 21), HAZARDS, None,
         column="隐患编号"),  # YH100-020, the last hazard
    _case("day_reopened", "days_next", Put(HAZARDS, "M2", "整改中")),  # YH100-001 已销号
    _case("day_fixed_changed", "days_next", Put(HAZARDS, "D3", "重大"), severity=W),  # 一般
    _case("day_deadline_later", "days_next", Put(HAZARDS, "H4", dt.datetime(2020, 3, 25)),
          severity=W),  # YH100-003: 2020-02-21
    _case("day_resumed_undone", "days_next", Put(PROJECTS, "E2", "否"), severity=W),
    _case("day_staff_jump", "days_next", Put(ENTERPRISES, "H3", 500), severity=W),  # 230
    Case("day_stock_carry", "days_next",
         AddRow(SUPPLIES, 20, (("A", dt.datetime(2020, 3, 1)), ("B", "口罩"), ("C", "入库"),
                               ("D", 100), ("E", 1.8), ("F", 180))), SUPPLIES, "D20",
         severity=W),  # a receipt dated before 2020-03-11 added the next day
]


def book_name(book: str) -> str:
    """The file name a book is saved under: its own, else its source's, unless a case
    renames it."""
    names = [c.edit.name for c in CASES if c.book == book and isinstance(c.edit, RenameFile)]
    assert len(names) <= 1, (book, names)
    return names[0] if names else BOOKS[book].name or BOOKS[book].source


def write_book(book: str, folder: Path) -> Path:
    """The demo workbook of ``book`` with its set-up and the edits of all its cases, saved
    in ``folder``."""
    workbook = openpyxl.load_workbook(DEMO_DIR / BOOKS[book].source)
    for edit in BOOKS[book].setup:
        edit.apply(workbook)
    for case in CASES:
        if case.book == book:
            case.edit.apply(workbook)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / book_name(book)
    workbook.save(path)
    return path


# --- odd files (validated one by one) -------------------------------------------------------

@dataclass(frozen=True)
class FileCase:
    """An odd file: ``build(folder)`` writes it and returns the path to check."""

    rule: str
    build: Callable[[Path], Path]
    what: str
    limits: Limits = DEFAULT_LIMITS

    @property
    def id(self) -> str:
        return f"{self.rule}-{self.what}"


def _missing(folder: Path) -> Path:
    return folder / "不存在.xlsx"


def _under_a_file(folder: Path) -> Path:
    plain = folder / "plain.txt"
    plain.write_text("not a folder", encoding="utf-8")
    return plain / f"{HOME}"  # lstat fails with ENOTDIR, not ENOENT


def _folder(folder: Path) -> Path:
    path = folder / "folder.xlsx"
    path.mkdir()
    return path


def _demo_copy(folder: Path) -> Path:
    return hostile.copy_demo(folder / HOME)


def _text_file(folder: Path) -> Path:
    path = folder / "text.xlsx"
    path.write_text("填报单位,区划代码\n泷泊镇,431123100000\n", encoding="utf-8")
    return path


FILE_CASES: list[FileCase] = [
    FileCase("file_missing", _missing, "no such file"),
    FileCase("file_unreadable", _under_a_file, "a path through a plain file"),
    FileCase("file_symlink", lambda d: hostile.symlink(d / "link.xlsx"), "a symbolic link"),
    FileCase("file_not_regular", _folder, "a folder named .xlsx"),
    FileCase("file_not_regular", lambda d: hostile.fifo(d / "pipe.xlsx"), "a FIFO"),
    FileCase("file_too_large", _demo_copy, "the demo above --max-size 1 KiB",
             Limits(max_file_bytes=1024)),
    FileCase("file_encrypted", lambda d: hostile.encrypted(d / "locked.xlsx"), "a password"),
    FileCase("file_not_xlsx", _text_file, "a text file named .xlsx"),
    FileCase("file_corrupt", lambda d: hostile.truncated(d / "half.xlsx"), "a truncated zip"),
    FileCase("file_zip_bomb", lambda d: hostile.ratio_bomb(d / "bomb.xlsx"), "a ratio bomb"),
    FileCase("file_zip_bomb", _demo_copy, "the demo above --max-unpacked 1 KiB",
             Limits(max_unpacked_bytes=1024)),
    FileCase("file_hostile_xml", lambda d: hostile.xxe(d / "xxe.xlsx"), "an external entity"),
    FileCase("file_too_many_cells", lambda d: hostile.grid_span_bomb(d / "span.xlsx"),
             "A1 and XFD1048576"),
]


# --- faults in the worker process of a batch ------------------------------------------------

Fault = Literal["memory", "exception", "hang"]


@dataclass(frozen=True)
class WorkerCase:
    """A copy of the demo workbook whose check, in the worker, meets ``fault``."""

    rule: str
    fault: Fault

    @property
    def name(self) -> str:
        return f"{self.fault}.xlsx"


WORKER_CASES: list[WorkerCase] = [
    WorkerCase("file_crashed", "memory"),      # MemoryError inside the worker
    WorkerCase("worker_failed", "exception"),  # any other exception inside the worker
    WorkerCase("file_timeout", "hang"),        # the check never returns (run alone, --timeout 1)
]


# --- the county: a township without a workbook of a day of the batch -----------------------

@dataclass(frozen=True)
class CountyCase:
    """The county batch (the ``county`` books, all of 2020-03-11, and the faulty files)
    must give ``rule`` about no workbook for ``township`` on ``date``, and none for the
    townships of its books (``present``)."""

    rule: str
    township: str
    date: str
    present: tuple[str, ...]


COUNTY_CASES: list[CountyCase] = [
    # the county books are 泷泊镇 (twice) and 江村镇: 麻江镇, in the policy's list, is not
    CountyCase("township_missing", "麻江镇", "2020-03-11", ("泷泊镇", "江村镇")),
]


# --- existing tests that exercise a rule the realistic (slow) way ---------------------------

HOSTILE_TESTS = "tests/test_hostile.py"
REFERENCES: dict[str, list[tuple[str, str]]] = {
    "file_crashed": [
        (HOSTILE_TESTS, "test_memory_hungry_files_crash_only_their_worker"),
        (HOSTILE_TESTS, "test_a_sheet_too_big_for_the_memory_limit_kills_only_its_worker"),
    ],
    "file_timeout": [
        (HOSTILE_TESTS, "test_a_slow_file_times_out_within_bounded_wall_time"),
        (HOSTILE_TESTS, "test_a_hanging_read_times_out_deterministically"),
    ],
    "file_unreadable": [(HOSTILE_TESTS, "test_an_unreadable_file")],  # permission denied
    # formats (issue 12): a readable file whose name says another format; needs LibreOffice
    "file_format_mismatch": [("tests/test_formats_read.py",
                              "test_an_xlsx_named_xls_is_read_with_a_warning")],
}


# --- coverage -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    missing: set[str] = field(default_factory=set)  # registered, without a case
    stale: set[str] = field(default_factory=set)    # a case for a rule not registered


def covered() -> set[str]:
    """Every rule id with a case of any kind in this table."""
    return ({c.rule for c in CASES} | {c.rule for c in FILE_CASES}
            | {c.rule for c in WORKER_CASES} | {c.rule for c in COUNTY_CASES}
            | set(REFERENCES))


def coverage(registered: Iterable[str]) -> Coverage:
    """The registered rules without a case, and the cases of rules not registered."""
    ids, have = set(registered), covered()
    return Coverage(ids - have, have - ids)
