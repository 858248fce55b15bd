"""Generate the demo campaign: the 11 townships of 双牌县 day by day, 2020-02-10 to 2020-03-11.

    python workbooks/make_campaign.py [--out out/campaign] [--jobs 2]

Writes ``OUT/<统计日期>/<乡镇>_<统计日期>.xlsx`` (one standard workbook per township and
day) and ``OUT/faults.json``, the manifest of the faults planted on purpose. The last day is
the demo set (``workbooks/demo``, copied byte for byte), so it reproduces golden.md; every
earlier day is derived from the demo set's rows (``make_demo.build_data``, seeded) as they
stood on that day, so the campaign is deterministic and the restart shows in the trend:

- 规模工业企业 / 重点项目: every row every day; 是否开复工 turns 是 on its 开复工日期 and
  stays; 已上岗人数 / 到岗人数 grow towards the last day's; 职工总数 never changes.
- 小微企业, 返乡务工人员, 贫困劳动力: the same rows; those operating or back at work grow
  (待返岗 shrinks by as much, so every sum rule holds); totals stay.
- Registers only grow, and a row never changes what was fixed when it was written:
  安全隐患台账 rows from their 发现日期, with 整改完成日期 and the review only once they
  happened and 状态 as of the day; 问题交办台账 rows from their 提出日期, 办结日期 once it
  happened; 防疫物资 rows up to the day (the stock is carried over); 稳岗返还, 社保减免,
  金融支持 rows appear over the campaign (bank loans after the LPR of 2020-02-20) and stay;
  吸纳就业补贴 rows from their 返岗日期, 连续在岗月数 and 补贴金额 as of the day.
- 封面: 统计日期 the day; AGM检测人次 grows.

The planted faults (``PLANTED``) are those of real campaigns: a township late (no workbook
one day), a hazard row deleted one day, a 已销号 hazard reopened, and a corrected
resubmission (an earlier file with an error, then the corrected file, newer). Nothing else
differs from one day to the next in a way the day-over-day rules flag.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from copy import deepcopy
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

import random  # noqa: E402

from make_demo import AS_OF, SEED, _cell_value, build_data, months_on_job  # noqa: E402

from xl_addin.core.finance import lpr  # noqa: E402
from xl_addin.core.policy import Policy, load_policy  # noqa: E402
from xl_addin.core.status import hazard_status, issue_status  # noqa: E402
from xl_addin.core.subsidies import absorption_subsidy  # noqa: E402
from xl_addin.model.spec import cover_label, load_workbook_spec  # noqa: E402
from xl_addin.outputs.indicators import previous_month  # noqa: E402
from xl_addin.outputs.template import build_template, default_file_name  # noqa: E402

FIRST_DAY = dt.date(2020, 2, 10)
DEMO = HERE / "demo"
LPR_CHANGE = dt.date(2020, 2, 20)  # bank loans of the campaign were agreed after this fixing
RESTART_REASON = "受疫情影响暂未恢复营业"

# The faults planted on purpose (see faults.json, written beside the workbooks).
LATE = ("麻江镇", dt.date(2020, 2, 24))  # no workbook that day
DELETED = ("泷泊镇", dt.date(2020, 3, 3))  # the first hazard row of the register dropped
REOPENED = ("江村镇", dt.date(2020, 3, 5))  # a hazard 已销号 the day before, reopened
RESUBMITTED = ("五里牌镇", dt.date(2020, 2, 28))  # a wrong file, then the corrected one


def campaign_days() -> list[dt.date]:
    return [FIRST_DAY + dt.timedelta(days=n) for n in range((AS_OF - FIRST_DAY).days + 1)]


def progress(day: dt.date) -> float:
    """0 on the first day of the campaign, 1 on the last."""
    return (day - FIRST_DAY).days / (AS_OF - FIRST_DAY).days


def _share(final: int, factor: float) -> int:
    """``final`` scaled by ``factor`` (≤ 1), rounded half up; exactly ``final`` at 1."""
    return final if factor >= 1 else min(final, int(final * factor + 0.5))


def _since(start: dt.date, day: dt.date) -> float:
    """How far a resumption has come on ``day``: 0.6 on its first day, 1 on the last day."""
    span = (AS_OF - start).days
    return 1.0 if span <= 0 else 0.6 + 0.4 * min(1.0, (day - start).days / span)


def _appears(index: int, count: int, earliest: dt.date = FIRST_DAY) -> dt.date:
    """The day a row of a register without a date of its own was first reported: spread
    over the campaign, every row there by 2020-03-06."""
    last = dt.date(2020, 3, 6)
    start = max(earliest, FIRST_DAY)
    span = max(0, (last - start).days)
    return start + dt.timedelta(days=span * (index + 1) // (count + 1))


# --- one township on one day ----------------------------------------------------------

def day_content(final: dict[str, Any], day: dt.date, policy: Policy) -> dict[str, Any]:
    """The rows of a township's workbook on ``day``, derived from the last day's (the demo
    set's). On the last day it gives the last day's rows unchanged."""
    f = progress(day)
    sheets = final["sheets"]
    out: dict[str, list[dict[str, Any]]] = {}

    rows = []
    for row in sheets["规模工业企业"]:
        on = row["开复工日期"]
        if on is None or on > day:
            rows.append({**row, "是否开复工": "否", "开复工日期": None, "已上岗人数": 0,
                         "其中外地返岗人数": 0})
            continue
        factor = _since(on, day)
        duty = _share(row["已上岗人数"], factor)
        rows.append({**row, "是否开复工": "是", "已上岗人数": duty,
                     "其中外地返岗人数": min(duty, _share(row["其中外地返岗人数"], factor))})
    out["规模工业企业"] = rows

    rows = []
    for row in sheets["重点项目"]:
        on = row["开复工日期"]
        if on is None or on > day:
            rows.append({**row, "是否开复工": "否", "开复工日期": None, "到岗人数": 0})
        else:
            rows.append({**row, "是否开复工": "是",
                         "到岗人数": _share(row["到岗人数"], _since(on, day))})
    out["重点项目"] = rows

    rows = []
    for row in sheets["小微企业"]:
        if row["暂停原因"] is not None:  # the special industries stay closed throughout
            rows.append(dict(row))
            continue
        operating = _share(row["正常运营户数"], 0.4 + 0.6 * min(1.0, f / 0.9))
        suspended = row["企业户数"] - operating
        rows.append({**row, "正常运营户数": operating, "暂停营业户数": suspended,
                     "暂停原因": RESTART_REASON if suspended else None})
    out["小微企业"] = rows

    rows = []
    for row in sheets["返乡务工人员"]:
        factor = 0.35 + 0.65 * f
        back = _share(row["已返岗人数"], factor)
        rows.append({**row, "已返岗人数": back,
                     "其中县内就业人数": min(back, _share(row["其中县内就业人数"], factor)),
                     "待返岗人数": row["待返岗人数"] + row["已返岗人数"] - back})
    out["返乡务工人员"] = rows

    rows = []
    for row in sheets["贫困劳动力"]:
        factor = 0.4 + 0.6 * f
        parts = {k: _share(row[k], factor) for k in ("已返岗省外", "已返岗省内县外", "已返岗县内")}
        subtotal = sum(parts.values())
        rows.append({**row, **parts, "已返岗小计": subtotal,
                     "待返岗人数": row["待返岗人数"] + row["已返岗小计"] - subtotal})
    out["贫困劳动力"] = rows

    rows = []
    for row in sheets["安全隐患台账"]:
        if row["发现日期"] > day:
            continue
        done = row["整改完成日期"] if row["整改完成日期"] and row["整改完成日期"] <= day else None
        reviewed = row["复查日期"] is not None and row["复查日期"] <= day
        review = {k: (row[k] if reviewed else None) for k in ("复查人", "复查日期", "复查结论")}
        rows.append({**row, "整改完成日期": done, **review,
                     "状态": hazard_status(row["整改期限"], done, review["复查结论"], day).value})
    out["安全隐患台账"] = rows

    rows = []
    for row in sheets["问题交办台账"]:
        if row["提出日期"] > day:
            continue
        done = row["办结日期"] if row["办结日期"] and row["办结日期"] <= day else None
        rows.append({**row, "办结日期": done,
                     "状态": issue_status(row["提出日期"], row["办结期限"], done, day).value})
    out["问题交办台账"] = rows

    out["防疫物资"] = [dict(r) for r in sheets["防疫物资"] if r["日期"] <= day]

    rows = []
    register = sheets["吸纳就业补贴"]
    for k, row in enumerate(register):
        if max(row["返岗日期"], _appears(k, len(register))) > day:
            continue
        months = months_on_job(row["返岗日期"], day)
        key = row["是否疫情防控重点企业"] == "是"
        rows.append({**row, "连续在岗月数": months,
                     "补贴金额（元）": absorption_subsidy(policy, key, months).amount})
    out["吸纳就业补贴"] = rows

    for name in ("稳岗返还", "社保减免"):
        register = sheets[name]
        out[name] = [dict(r) for k, r in enumerate(register)
                     if _appears(k, len(register)) <= day]

    rows = []
    register = sheets["金融支持"]
    for k, row in enumerate(register):
        earliest = LPR_CHANGE + dt.timedelta(days=1) if row["类型"] == "银行贷款" else FIRST_DAY
        if _appears(k, len(register), earliest) > day:
            continue
        rows.append({**row, "同期LPR": None if row["同期LPR"] is None else lpr(policy, day)})
    out["金融支持"] = rows

    cover = dict(final["cover"])
    cover["AGM检测人次"] = _share(cover["AGM检测人次"], 0.2 + 0.8 * f)
    return {"sheets": out, "cover": cover}


# --- the planted faults ---------------------------------------------------------------

def plant(township: str, day: dt.date, content: dict[str, Any], before: dict[str, Any] | None,
          spec: Any) -> list[dict[str, Any]]:
    """Apply the faults planted for this township and day to ``content``; their records."""
    faults: list[dict[str, Any]] = []
    if (township, day) == DELETED:
        rows = content["sheets"]["安全隐患台账"]
        gone = rows.pop(0)
        faults.append({"kind": "row_deleted", "sheet": "安全隐患台账", "key": gone["隐患编号"],
                       "cell": None})
    if (township, day) == REOPENED and before is not None:
        closed_before = {r["隐患编号"] for r in before["sheets"]["安全隐患台账"]
                         if r["状态"] == "已销号"}
        rows = content["sheets"]["安全隐患台账"]
        index, row = next((i, r) for i, r in enumerate(rows) if r["隐患编号"] in closed_before)
        row.update({"整改完成日期": None, "复查人": None, "复查日期": None, "复查结论": None})
        row["状态"] = hazard_status(row["整改期限"], None, None, day).value
        column = spec.sheet("安全隐患台账").headers.index("状态")
        faults.append({"kind": "closed_reopened", "sheet": "安全隐患台账", "key": row["隐患编号"],
                       "cell": f"{_letter(column)}{index + 2}", "status": row["状态"]})
    return faults


def _letter(index: int) -> str:
    from xl_addin.reading.addresses import column_letter
    return column_letter(index)


# --- writing --------------------------------------------------------------------------

class Writer:
    """One township's standard workbooks, filled day by day: the template is built once a
    month (its 汇总 sheet counts the key projects of the month before 统计日期) and its
    cells rewritten for each day, which is much faster than building it every time."""

    def __init__(self, township: str, policy: Policy) -> None:
        self.township, self.policy = township, policy
        self.spec = load_workbook_spec()
        self.books: dict[str, Any] = {}
        self.used: dict[tuple[str, str], int] = {}  # (month, sheet) -> rows written last

    def write(self, day: dt.date, content: dict[str, Any], path: Path) -> None:
        month = previous_month(day)
        if month not in self.books:
            self.books[month] = build_template(self.township, day, self.policy, self.spec)
        book = self.books[month]
        cover = book[self.spec.sheets[0].sheet]
        rows_of = {cover.cell(r, 1).value: r for r in range(1, cover.max_row + 1)}
        cover.cell(rows_of[cover_label("as_of")], 2, day)
        for name, value in content["cover"].items():
            cover.cell(rows_of[name], 2, value)
        for sheet_name, rows in content["sheets"].items():
            ws = book[sheet_name]
            sheet_spec = self.spec.sheet(sheet_name)
            columns = {c.name: j for j, c in enumerate(sheet_spec.columns, start=1)}
            for r, row in enumerate(rows, start=2):
                for header, value in row.items():
                    cell = ws.cell(r, columns[header])
                    cell.value = _cell_value(value)
                    cell.number_format = sheet_spec.by_name[header].number_format
            previous = self.used.get((month, sheet_name), 0)
            for r in range(len(rows) + 2, previous + 2):  # rows of the day before, gone
                for j in columns.values():
                    ws.cell(r, j).value = None
            self.used[(month, sheet_name)] = len(rows)
        fixed = dt.datetime.combine(day, dt.time(18, 0))
        book.properties.created = book.properties.modified = fixed
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)


def _stamp(path: Path, day: dt.date, minutes: int = 0) -> None:
    """A fixed modification time (18:00 of the day), so that which of two files of a day
    is newer does not depend on how fast they were written."""
    moment = dt.datetime.combine(day, dt.time(18, 0)) + dt.timedelta(minutes=minutes)
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def township_campaign(township: str, final: dict[str, Any], out: str) -> list[dict[str, Any]]:
    """Write every day of one township's campaign but the last (the demo set's);
    returns the faults planted."""
    policy = load_policy()
    writer = Writer(township, policy)
    spec = writer.spec
    faults: list[dict[str, Any]] = []
    before: dict[str, Any] | None = None
    for day in campaign_days()[:-1]:
        content = day_content(final, day, policy)
        if (township, day) == LATE:
            faults.append({"kind": "township_late", "township": township,
                           "day": day.isoformat(), "sheet": None, "key": None, "cell": None})
            continue  # no workbook that day; the next day compares with the day before
        planted = plant(township, day, content, before, spec)
        folder = Path(out) / day.isoformat()
        path = folder / default_file_name(township, day, spec)
        if (township, day) == RESUBMITTED:
            wrong = deepcopy(content)
            rows = wrong["sheets"]["规模工业企业"]
            index = next(i for i, r in enumerate(rows) if r["是否开复工"] == "是")
            rows[index]["已上岗人数"] = rows[index]["职工总数"] + 10
            column = spec.sheet("规模工业企业").headers.index("已上岗人数")
            writer.write(day, wrong, path)
            _stamp(path, day, 0)
            corrected = path.with_name(path.stem + "(1)" + path.suffix)
            planted.append({"kind": "resubmission", "sheet": "规模工业企业",
                            "key": rows[index]["企业名称"],
                            "cell": f"{_letter(column)}{index + 2}",
                            "workbook": path.name, "newer": corrected.name})
            path = corrected
            writer.write(day, content, path)
            _stamp(path, day, 30)
        else:
            writer.write(day, content, path)
            _stamp(path, day)
        for fault in planted:
            faults.append({"township": township, "day": day.isoformat(), **fault})
        before = content
    return faults


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out") / "campaign",
                        help="output folder (default: out/campaign)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    parser.add_argument("--township", action="append",
                        help="only this township (repeatable; default: all 11)")
    args = parser.parse_args(argv)
    policy = load_policy()
    data = build_data(policy, random.Random(SEED))  # always all townships: same random draws
    if args.township:
        unknown = set(args.township) - set(data)
        if unknown:
            parser.error(f"not a township of the policy: {'、'.join(sorted(unknown))}")
        data = {t: v for t, v in data.items() if t in args.township}
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(township_campaign, list(data), list(data.values()),
                                [str(args.out)] * len(data)))
    last = args.out / AS_OF.isoformat()
    last.mkdir()
    for township in data:  # the last day is the demo set itself
        name = default_file_name(township, AS_OF)
        shutil.copyfile(DEMO / name, last / name)
        _stamp(last / name, AS_OF)
    faults = sorted((f for found in results for f in found),
                    key=lambda f: (f["day"], f["township"], f["kind"]))
    manifest = {"first_day": FIRST_DAY.isoformat(), "last_day": AS_OF.isoformat(),
                "townships": list(data),
                "workbooks": sum(1 for _ in args.out.rglob("*.xlsx")), "faults": faults}
    (args.out / "faults.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{manifest['workbooks']} workbooks, {len(campaign_days())} days, "
          f"{len(faults)} planted faults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
