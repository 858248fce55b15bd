"""Generate benchmark workbooks: one county-size standard workbook with a 60,000-row
吸纳就业补贴 roster, and a batch of township workbooks."""

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
            for row in (["填报单位", "泷泊镇"], ["区划代码", "431123100000"], ["统计日期", as_of],
                        ["填报人", "张三"], ["联系电话", "13800001111"], ["审核人", "李四"]):
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
