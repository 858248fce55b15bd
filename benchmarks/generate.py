"""Generate benchmark workbooks: one county-size standard workbook with a 60,000-row
吸纳就业补贴 roster (``big_workbook``), one with its rows spread over every table sheet
(``county_workbook``), and a batch of township workbooks."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from openpyxl import Workbook

from xl_addin.core.codes import USCC_CHARSET, id_check_char, org_check_char, uscc_check_char
from xl_addin.core.policy import load_policy
from xl_addin.core.status import hazard_status
from xl_addin.model.spec import load_workbook_spec

COVER = (["填报单位", "泷泊镇"], ["区划代码", "431123100000"], ["统计日期", dt.date(2020, 3, 11)],
         ["填报人", "张三"], ["联系电话", "13800001111"], ["审核人", "李四"])


def credit_code(rng: random.Random) -> str:
    org = "".join(rng.choice(USCC_CHARSET) for _ in range(8))
    body = "91431123" + org + org_check_char(org)
    return body + uscc_check_char(body)


def id_number(rng: random.Random, seen: set[str] | None = None) -> str:
    """A valid GB 11643 身份证号 of 双牌县 (431123), born 1960-01-01 … 2001-01-25 (a real
    date); with ``seen``, never one already in it (it is added)."""
    while True:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
        body = f"431123{birth:%Y%m%d}{rng.randrange(1000):03d}"
        code = body + id_check_char(body)
        if seen is None or code not in seen:
            break
    if seen is not None:
        seen.add(code)
    return code


def big_workbook(path: Path, roster_rows: int = 60_000, seed: int = 1) -> Path:
    """A standard workbook at county size (write-only openpyxl for speed)."""
    rng = random.Random(seed)
    spec = load_workbook_spec()
    as_of = dt.date(2020, 3, 11)
    book = Workbook(write_only=True)
    enterprises = [(f"双牌县第{i}号企业有限公司", credit_code(rng)) for i in range(400)]
    for sheet in spec.sheets:
        ws = book.create_sheet(sheet.sheet)
        if sheet.kind == "keyvalue":
            for row in COVER:
                ws.append(row)
            continue
        if sheet.kind != "table":
            continue
        ws.append(sheet.headers)
        if sheet.key == "absorption":
            seen: set[str] = set()  # 身份证号 is unique in the roster
            for i in range(roster_rows):
                name, code = enterprises[i % len(enterprises)]
                months = rng.choice((1, 2, 3, 4, 5))
                ws.append([name, code, "是", f"员工{i}", id_number(rng, seen),
                           as_of - dt.timedelta(days=rng.randrange(1, 60)), months,
                           900 if months >= 3 else 0])
        elif sheet.key == "enterprises":
            for i, (name, code) in enumerate(enterprises):
                staff = rng.randrange(20, 500)
                ws.append([i + 1, name, code, "木材加工", "小型", "是",
                           as_of - dt.timedelta(days=30), staff, staff - 5, 3, f"联络员{i}",
                           f"139{i:08d}", None])
        elif sheet.key == "hazards":
            for i in range(2000):
                found = as_of - dt.timedelta(days=40)
                deadline = found + dt.timedelta(days=10)
                ws.append([f"YH{i:05d}", enterprises[i % 400][0], "消防通道堵塞", "一般", found,
                           "清理", "王五", deadline, deadline, "赵六", deadline, "合格",
                           str(hazard_status(deadline, deadline, "合格", as_of))])
    book.save(path)
    return path


# Columns whose values a workbook holds once (schemas: unique; 驻企联络员: one enterprise
# each, rule shared_liaison); in county_workbook each copy of the demo data gets new ones, and
# every cell that named the old value names the new one.
RENAMED = ("企业名称", "项目名称", "村（社区）", "隐患编号", "问题编号", "驻企联络员")
RECODED = {"统一社会信用代码": "uscc", "身份证号": "id", "项目代码": "project"}
NAME_ENDS = ("有限公司", "公司", "厂", "社区", "村", "项目", "工程")


def _renamed(value: str, copy: int) -> str:
    """``value`` made distinct for ``copy``: the copy's number before the kind of name
    (双牌县南岭包装材料有限公司 → 双牌县南岭包装材料3有限公司, 石塘村 → 石塘3村)."""
    for end in NAME_ENDS:
        if value.endswith(end) and len(value) > len(end):
            return f"{value[: -len(end)]}{copy}{end}"
    return f"{value}-{copy}"


def county_workbook(path: Path, rows: int = 62_500, seed: int = 1) -> Path:
    """A standard workbook at county size with its rows spread over every table sheet as in
    the demo set: copies of the 11 demo townships' data (``make_demo.build_data``, one seed
    per copy) until about ``rows`` rows, each copy's names and codes made unique (valid check
    characters kept), whole copies (about 740 rows each) so that every reference holds.
    小微企业 keeps one township's rows (its 行业类别 is unique in a workbook and comes from a
    fixed list)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbooks"))
    from make_demo import build_data

    policy = load_policy()
    spec = load_workbook_spec()
    rng = random.Random(seed)
    tables = {s.sheet: s for s in spec.sheets if s.kind == "table"}
    grid: dict[str, list[dict[str, object]]] = {name: [] for name in tables}
    seen_ids: set[str] = set()
    codes: set[str] = set()
    copy = 0
    while sum(len(v) for v in grid.values()) < rows:
        data = build_data(policy, random.Random(seed * 100_003 + copy))
        mapping: dict[str, object] = {}
        for content in data.values():
            for rows_of_sheet in content["sheets"].values():
                for record in rows_of_sheet:
                    for column, value in record.items():
                        if not isinstance(value, str) or value in mapping:
                            continue
                        if column in RENAMED:
                            mapping[value] = value if copy == 0 else _renamed(value, copy)
                        elif RECODED.get(column) == "id":
                            mapping[value] = value if copy == 0 else id_number(rng, seen_ids)
                            seen_ids.add(str(mapping[value]))
                        elif RECODED.get(column) == "uscc":
                            new = value
                            while copy and (new == value or new in codes):
                                new = credit_code(rng)
                            codes.add(new)
                            mapping[value] = new
                        elif RECODED.get(column) == "project":
                            new = value
                            while copy and (new == value or new in codes):
                                new = f"{value[:-6]}{rng.randrange(10**6):06d}"
                            codes.add(new)
                            mapping[value] = new
        for township, content in data.items():
            for sheet_name, rows_of_sheet in content["sheets"].items():
                if sheet_name == "小微企业" and (copy or township != "泷泊镇"):
                    continue
                grid[sheet_name].extend(
                    {column: mapping.get(value, value) if isinstance(value, str) else value
                     for column, value in record.items()} for record in rows_of_sheet)
        copy += 1
    book = Workbook(write_only=True)
    for sheet in spec.sheets:
        if sheet.kind == "keyvalue":
            ws = book.create_sheet(sheet.sheet)
            for row in COVER:
                ws.append(row)
        elif sheet.kind == "table":
            ws = book.create_sheet(sheet.sheet)
            ws.append(sheet.headers)
            for record in grid[sheet.sheet]:
                ws.append([_cell(record.get(header)) for header in sheet.headers])
    book.save(path)
    return path


def _cell(value: object) -> object:
    """Decimals go in as numbers (money, rates), as make_demo writes them."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value


def batch(source_dir: Path, target: Path, copies: int = 200) -> Path:
    """``copies`` township workbooks, cycling over the demo set (names made unique)."""
    target.mkdir(parents=True, exist_ok=True)
    sources = sorted(source_dir.glob("*.xlsx"))
    for i in range(copies):
        src = sources[i % len(sources)]
        shutil.copyfile(src, target / f"{i:03d}_{src.name}")
    return target


if __name__ == "__main__":  # pragma: no cover
    load_policy()
    out = Path("benchmarks/out")
    out.mkdir(parents=True, exist_ok=True)
    print(big_workbook(out / "county_60000.xlsx"))
