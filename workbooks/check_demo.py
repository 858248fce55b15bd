"""Independent check of the demo workbooks: re-open them with openpyxl, re-validate every
row rule of spec/workbook.md and assert the county totals of spec/golden.md.

    python workbooks/check_demo.py [DIR] [--recalc]

Nothing here imports xl_addin: check digits, statuses and amounts are recomputed
from the spec's own definitions, so a bug shared by the generator and the core
would show. ``--recalc`` also recalculates every workbook with LibreOffice
(headless) and checks that the native formulas of the 汇总 sheets add up to the
same figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import yaml

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE.parent / "schemas"
AS_OF = dt.date(2020, 3, 11)
TOWNSHIPS = {"泷泊镇": "431123100", "江村镇": "431123101", "五里牌镇": "431123102",
             "茶林镇": "431123103", "何家洞镇": "431123104", "麻江镇": "431123105",
             "塘底乡": "431123206", "上梧江瑶族乡": "431123207", "理家坪乡": "431123208",
             "五星岭乡": "431123209", "打鼓坪乡": "431123210"}
MOBILE = re.compile(r"^1[3-9]\d{9}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LPR_2020_03_11 = Decimal("0.0405")  # 1Y LPR fixed 2020-02-20, in force on 2020-03-11

problems: list[str] = []


def check(cond: bool, where: str, what: str) -> None:
    if not cond:
        problems.append(f"{where}: {what}")


def r2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def dec(x: Any) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def uscc_ok(code: Any) -> bool:
    if not isinstance(code, str) or len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    org = code[8:17]
    vals = [int(c) if c.isdigit() else ord(c) - 55 for c in org[:8]]
    c9 = 11 - sum(v * w for v, w in zip(vals, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if org[8] != {10: "X", 11: "0"}.get(c9, str(c9)):
        return False
    total = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    return code[17] == USCC_CHARS[(31 - total % 31) % 31]


def id_ok(code: Any) -> bool:
    if not isinstance(code, str) or not re.fullmatch(r"\d{17}[\dX]", code):
        return False
    try:
        birth = dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return False
    if not dt.date(1940, 1, 1) <= birth <= dt.date(2004, 3, 11):  # aged 16…80
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(code[:17], weights, strict=True))
    return code[17] == "10X98765432"[total % 11]


def as_date(v: Any) -> Any:
    return v.date() if isinstance(v, dt.datetime) else v


def read_sheet(ws: Any, headers: list[str], where: str) -> list[dict[str, Any]]:
    row1 = [c.value for c in ws[1]]
    check(row1[: len(headers)] == headers, where, f"headers {row1} ≠ schema {headers}")
    rows = []
    blank_seen = False
    for r in range(2, ws.max_row + 1):
        values = [as_date(ws.cell(r, c + 1).value) for c in range(len(headers))]
        if all(v is None for v in values):
            blank_seen = True
            continue
        check(not blank_seen, f"{where}!{r}", "data after a blank row")
        row = dict(zip(headers, values, strict=True))
        row["_row"] = r
        rows.append(row)
    return rows


def hazard_status(deadline: Any, done: Any, verdict: Any) -> str:
    if verdict == "合格":
        return "已销号"
    if verdict == "不合格":
        return "复查不合格"
    if done is not None:
        return "待复查"
    if deadline is not None and deadline < AS_OF:
        return "逾期未整改"
    return "整改中"


def issue_status(raised: Any, deadline: Any, closed: Any) -> str:
    if closed is not None:
        return "当日办结" if closed == raised else "已办结"
    if deadline is not None and deadline < AS_OF:
        return "逾期"
    return "办理中"


def si_share(size: str, month: str) -> Decimal:
    if size in ("中型", "小型", "微型") and "2020-02" <= month <= "2020-12":
        return Decimal(1)
    if size == "大型" and "2020-02" <= month <= "2020-06":
        return Decimal("0.5")
    return Decimal(0)


def months_between(start: str, end: str) -> list[str]:
    y, m = int(start[:4]), int(start[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def check_types(rows: list[dict[str, Any]], spec: dict[str, Any], where: str) -> None:
    for col in spec["columns"]:
        name, kind = col["name"], col["type"]
        for row in rows:
            v, at = row[name], f"{where}!{name}@{row['_row']}"
            if v is None:
                check(not col.get("required"), at, "required value missing")
                continue
            if col.get("enum"):
                check(v in col["enum"], at, f"{v!r} not in {col['enum']}")
            if kind in ("text", "code", "month"):
                check(isinstance(v, str) and v == v.strip() and v != "", at, f"text {v!r}")
            if kind == "month":
                check(bool(MONTH.match(v)), at, f"month {v!r}")
            if kind == "count":
                check(isinstance(v, int) and not isinstance(v, bool) and v >= 0, at, f"count {v!r}")
            if kind in ("money", "number", "rate"):
                check(isinstance(v, int | float) and v >= 0, at, f"number {v!r}")
            if kind == "money":
                check(dec(v) == r2(dec(v)), at, f"money with more than 2 decimals {v!r}")
            if kind == "rate":
                check(0 <= v <= col.get("max", 1), at, f"rate {v!r}")
            if kind == "date":
                check(isinstance(v, dt.date), at, f"date {v!r}")
            if kind == "yesno":
                check(v in ("是", "否"), at, f"是/否 {v!r}")
        if col.get("unique"):
            values = [row[name] for row in rows if row[name] is not None]
            dup = [v for v, n in Counter(values).items() if n > 1]
            check(not dup, f"{where}!{name}", f"duplicates {dup}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=HERE / "demo")
    parser.add_argument("--recalc", action="store_true", help="recalculate with LibreOffice")
    args = parser.parse_args()
    top = yaml.safe_load((SCHEMAS / "workbook.yaml").read_text("utf-8"))
    specs = {}
    for name in top["sheets"]:
        spec = yaml.safe_load((SCHEMAS / name).read_text("utf-8"))
        specs[spec["sheet"]] = spec

    files = sorted(args.folder.glob("*.xlsx"))
    check(len(files) == 11, str(args.folder), f"{len(files)} workbooks, expected 11")
    tot: Counter[str] = Counter()
    money: defaultdict[str, Decimal] = defaultdict(Decimal)
    county_uscc: dict[str, str] = {}
    county_names: dict[str, str] = {}
    liaisons: Counter[str] = Counter()
    ids: Counter[str] = Counter()
    per_town: dict[str, dict[str, int]] = {}
    for path in files:
        town = path.stem.split("_")[0]
        check(town in TOWNSHIPS and path.name == f"{town}_{AS_OF.isoformat()}.xlsx",
              path.name, "file name")
        book = openpyxl.load_workbook(path)
        check(book.sheetnames == list(specs), path.name, f"sheets {book.sheetnames}")
        # 封面
        cover = {book["封面"].cell(r, 1).value: as_date(book["封面"].cell(r, 2).value)
                 for r in range(1, book["封面"].max_row + 1)}
        w = f"{path.name}!封面"
        check(cover.get("填报单位") == town, w, "填报单位")
        check(cover.get("区划代码") == TOWNSHIPS.get(town, "") + "000", w, "区划代码")
        check(cover.get("统计日期") == AS_OF, w, "统计日期")
        check(bool(cover.get("填报人")) and bool(cover.get("审核人")), w, "填报人/审核人")
        check(bool(MOBILE.match(str(cover.get("联系电话")))), w, "联系电话")
        check(isinstance(cover.get("AGM检测人次"), int), w, "AGM检测人次")
        tot["agm_tests"] += cover.get("AGM检测人次") or 0

        s: dict[str, list[dict[str, Any]]] = {}
        for name, spec in specs.items():
            if spec.get("kind") in ("keyvalue", "summary"):
                continue
            s[name] = read_sheet(book[name], [c["name"] for c in spec["columns"]],
                                 f"{path.name}!{name}")
            check_types(s[name], spec, f"{path.name}!{name}")
        per_town[town] = {k: len(v) for k, v in s.items()}

        def at(sheet: str, row: dict[str, Any]) -> str:
            return f"{path.name}!{sheet}@{row['_row']}"  # noqa: B023

        # 规模工业企业
        ent = s["规模工业企业"]
        for i, e in enumerate(ent, start=1):
            a = at("规模工业企业", e)
            check(e["序号"] == i, a, "序号")
            check(uscc_ok(e["统一社会信用代码"]), a, f"USCC {e['统一社会信用代码']}")
            check(e["统一社会信用代码"][2:8] == "431123", a, "USCC area")
            check(e["统一社会信用代码"] not in county_uscc, a, "USCC used in another workbook")
            county_uscc[e["统一社会信用代码"]] = path.name
            check(e["企业名称"] not in county_names, a, "name used in another workbook")
            county_names[e["企业名称"]] = path.name
            if e["是否开复工"] == "是":
                check(e["开复工日期"] is not None and e["开复工日期"] <= AS_OF, a, "开复工日期")
            else:
                check(e["开复工日期"] is None, a, "否 with a date")
                check(e["已上岗人数"] == 0, a, "否 with staff on duty")
            check(0 <= e["其中外地返岗人数"] <= e["已上岗人数"] <= e["职工总数"], a, "staff order")
            check(bool(MOBILE.match(e["联络员电话"] or "")), a, "联络员电话")
            liaisons[e["驻企联络员"]] += 1
            tot["enterprises"] += 1
            tot["enterprises_resumed"] += e["是否开复工"] == "是"
            tot["staff"] += e["职工总数"]
            tot["on_duty"] += e["已上岗人数"]
        # 重点项目
        proj = s["重点项目"]
        for i, p in enumerate(proj, start=1):
            a = at("重点项目", p)
            check(p["序号"] == i, a, "序号")
            if p["是否开复工"] == "是":
                check(p["开复工日期"] is not None and p["开复工日期"] <= AS_OF, a, "开复工日期")
            else:
                check(p["开复工日期"] is None, a, "否 with a date")
            check(p["到岗人数"] <= p["计划用工人数"], a, "到岗 > 计划")
            check(bool(MOBILE.match(p["联络员电话"] or "")), a, "联络员电话")
            code_ok = re.fullmatch(r"20\d\d-431123-\d\d-\d\d-\d{6}", p["项目代码"])
            check(bool(code_ok), a, "项目代码")
            liaisons[p["驻企联络员"]] += 1
            if p["计划开复工月份"] == "2020-02":
                tot["feb_projects"] += 1
                tot["feb_resumed"] += p["是否开复工"] == "是"
                tot["feb_planned_staff"] += p["计划用工人数"]
                tot["feb_arrived"] += p["到岗人数"]
            else:
                tot["other_month_projects"] += 1
        phones = [r["联络员电话"] for r in ent + proj]
        check(len(set(phones)) == len(phones), path.name, "liaison phone shared")
        # 小微企业
        for r in s["小微企业"]:
            a = at("小微企业", r)
            check(r["正常运营户数"] + r["暂停营业户数"] == r["企业户数"], a, "正常+暂停 ≠ 户数")
            special = "网吧" in r["行业类别"] or "KTV" in r["行业类别"]
            if r["暂停营业户数"] > 0:
                check(special and r["暂停原因"] == "网吧、KTV等特殊行业", a,
                      "暂停 outside 网吧/KTV")
            tot["small_micro"] += r["企业户数"]
        # 返乡务工人员 / 贫困劳动力
        villages = [r["村（社区）"] for r in s["返乡务工人员"]]
        check(villages == [r["村（社区）"] for r in s["贫困劳动力"]], path.name, "village lists")
        for r in s["返乡务工人员"]:
            a = at("返乡务工人员", r)
            check(r["已返岗人数"] + r["待返岗人数"] <= r["返乡农民工人数"], a,
                  "已返岗+待返岗 > 返乡")
            check(r["其中县内就业人数"] <= r["已返岗人数"], a, "县内 > 已返岗")
            tot["migrants"] += r["返乡农民工人数"]
            tot["migrants_back"] += r["已返岗人数"]
        for r in s["贫困劳动力"]:
            a = at("贫困劳动力", r)
            sub = r["已返岗省外"] + r["已返岗省内县外"] + r["已返岗县内"]
            check(sub == r["已返岗小计"], a, "小计")
            check(sub + r["待返岗人数"] + r["未复工人数"] == r["务工人数"], a, "务工人数")
            check(r["务工人数"] <= r["贫困劳动力总数"], a, "务工 > 总数")
            for k, col in [("poor_total", "贫困劳动力总数"), ("poor_working", "务工人数"),
                           ("poor_out_of_province", "已返岗省外"),
                           ("poor_in_province", "已返岗省内县外"),
                           ("poor_in_county", "已返岗县内"), ("poor_back", "已返岗小计"),
                           ("poor_waiting", "待返岗人数"), ("poor_not_resumed", "未复工人数")]:
                tot[k] += r[col]
        # 安全隐患台账
        known = {e["企业名称"] for e in ent} | {p["项目名称"] for p in proj}
        for h in s["安全隐患台账"]:
            a = at("安全隐患台账", h)
            check(h["企业（项目）名称"] in known, a, "unknown enterprise/project")
            check(h["发现日期"] <= h["整改期限"], a, "发现 > 期限")
            chain = [h["发现日期"], h["整改完成日期"], h["复查日期"], AS_OF]
            chain = [d for d in chain if d is not None]
            check(chain == sorted(chain), a, "发现 ≤ 完成 ≤ 复查 ≤ 统计日期")
            if h["复查日期"] is not None:
                check(bool(h["复查人"]) and bool(h["复查结论"]), a, "复查 without 复查人/结论")
            if h["隐患等级"] == "重大":
                check(h["整改期限"] is not None and bool(h["整改责任人"]), a,
                      "重大 without 期限/责任人")
            check(h["状态"] == hazard_status(h["整改期限"], h["整改完成日期"], h["复查结论"]), a,
                  "状态")
            check(h["隐患编号"].startswith("YH" + TOWNSHIPS[town][-3:]), a, "隐患编号")
            tot["hazards"] += 1
            tot["hazards_closed"] += h["状态"] == "已销号"
            tot["hazards_pass"] += h["复查结论"] == "合格"
        # 问题交办台账
        for q in s["问题交办台账"]:
            a = at("问题交办台账", q)
            check(q["调度日期"] == q["提出日期"], a, "调度日期 ≠ 提出日期")
            if q["处理方式"] == "当日解决":
                check(q["办结日期"] == q["提出日期"], a, "当日解决 not closed the same day")
            else:
                check(bool(q["承办部门"]) and q["办结期限"] is not None, a,
                      "交办 without 部门/期限")
            if q["办结日期"] is not None:
                check(q["提出日期"] <= q["办结日期"] <= AS_OF, a, "办结日期")
            check(q["提出日期"] <= AS_OF, a, "提出日期")
            check(q["状态"] == issue_status(q["提出日期"], q["办结期限"], q["办结日期"]), a, "状态")
            tot["issues"] += 1
            tot[f"issues_{q['状态']}"] += 1
        # 防疫物资
        rows = s["防疫物资"]
        check([r["日期"] for r in rows] == sorted(r["日期"] for r in rows), path.name, "物资 order")
        stock: Counter[str] = Counter()
        by_day: defaultdict[tuple[str, dt.date], list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            a = at("防疫物资", r)
            check(r["日期"] <= AS_OF, a, "日期")
            check(dec(r["金额（元）"]) == r2(r["数量"] * dec(r["单价（元）"])), a,
                  "金额 ≠ 数量×单价")
            stock[r["物资名称"]] += r["数量"] if r["收支"] == "入库" else -r["数量"]
            check(stock[r["物资名称"]] >= 0, a, "stock below zero")
            by_day[(r["物资名称"], r["日期"])].append(r)
            if r["物资名称"] == "口罩" and r["收支"] == "入库":
                tot["masks_in"] += r["数量"]
        # also when a day's hand-outs are taken before its deliveries
        level: Counter[str] = Counter()
        for (item, _), day_rows in sorted(by_day.items(), key=lambda kv: kv[0][1]):
            out = sum(r["数量"] for r in day_rows if r["收支"] == "发放")
            check(level[item] - out >= 0, f"{path.name}!防疫物资 {item}", "same-day stock order")
            level[item] += sum(r["数量"] for r in day_rows if r["收支"] == "入库") - out
        # 稳岗返还
        by_code = {e["统一社会信用代码"]: e for e in ent}
        for r in s["稳岗返还"]:
            a = at("稳岗返还", r)
            e = by_code.get(r["统一社会信用代码"])
            check(e is not None and e["企业名称"] == r["企业名称"], a, "not in 规模工业企业")
            if e:
                check(e["企业规模"] == r["企业规模"], a, "企业规模 differs")
                check(r["上年末参保人数"] <= e["职工总数"], a, "参保 > 职工")
            cap = Fraction(55, 1000) if r["上年末参保人数"] > 30 else Fraction(20, 100)
            check(Fraction(r["上年度裁员人数"], r["上年末参保人数"]) <= cap, a, "裁员率 over cap")
            check(r["是否欠费"] == "否" and r["返还比例"] is None, a, "欠费/比例")
            refund = r2(dec(r["上年度实际缴纳失业保险费（元）"]) * Decimal("0.60"))
            check(dec(r["返还金额（元）"]) == refund, a, f"返还金额 ≠ {refund}")
            tot["refund_enterprises"] += refund > 0
            money["refund_amount"] += dec(r["返还金额（元）"])
            premium = dec(r["上年度实际缴纳失业保险费（元）"])
            per_head = premium / r["上年末参保人数"] / 12 / Decimal("0.01")  # at a 1% rate
            check(2000 <= per_head <= 6000, a, f"implied monthly base {per_head:.0f} implausible")
        # 吸纳就业补贴
        for r in s["吸纳就业补贴"]:
            a = at("吸纳就业补贴", r)
            check(id_ok(r["身份证号"]) and r["身份证号"].startswith("431123"), a, "身份证号")
            ids[r["身份证号"]] += 1
            e = by_code.get(r["统一社会信用代码"])
            check(e is not None and e["企业名称"] == r["企业名称"], a, "not in 规模工业企业")
            check(r["返岗日期"] <= AS_OF, a, "返岗日期")
            d = r["返岗日期"]
            months = (AS_OF.year - d.year) * 12 + AS_OF.month - d.month - (AS_OF.day < d.day)
            check(r["连续在岗月数"] == months, a, f"连续在岗月数 ≠ {months}")
            due = Decimal(900) if r["是否疫情防控重点企业"] == "是" and months >= 3 else Decimal(0)
            check(dec(r["补贴金额（元）"]) == due, a, f"补贴金额 ≠ {due}")
            tot["absorption_rows"] += 1
            tot["absorption_paid"] += due > 0
        # 社保减免
        for r in s["社保减免"]:
            a = at("社保减免", r)
            e = by_code.get(r["统一社会信用代码"])
            check(e is not None and e["企业名称"] == r["企业名称"], a, "not in 规模工业企业")
            check(r["养老费率"] == 0.16, a, "养老费率")
            rates = dec(r["养老费率"]) + dec(r["失业费率"]) + dec(r["工伤费率"])
            due = sum((r2(dec(r["月缴费基数合计（元）"]) * rates * si_share(r["企业规模"], m))
                       for m in months_between(r["减免起始月"], r["减免终止月"])), Decimal(0))
            check(dec(r["减免金额（元）"]) == due, a, f"减免金额 ≠ {due}")
            tot["si_rows"] += 1
        # 金融支持
        for r in s["金融支持"]:
            a = at("金融支持", r)
            kind = r["类型"]
            tot[f"fin_{kind}_n"] += 1
            tot[f"fin_{kind}_amount"] += r["金额（万元）"]
            check(0 < r["金额（万元）"] < 5000, a, "amount in 万元 implausible")
            for col in ("年利率", "同期LPR", "担保费率"):
                check(r[col] is None or 0 <= r[col] <= 0.24, a, col)
            if r["年利率"] is not None:
                check(dec(r["同期LPR"]) == LPR_2020_03_11, a, "同期LPR")
            if kind == "银行贷款":
                check(r["企业（项目）名称"] in {p["项目名称"] for p in proj}, a, "loan project")
                check(r["年利率"] == 0.0305 and r["同期LPR"] == 0.0405, a, "loan rates")
                name = r["企业（项目）名称"]
                check("南岭包装材料" in name or "德普瑞" in name, a,
                      "loan projects are 南岭包装材料 and 德普瑞")
            if kind == "融资担保":
                check(r["担保费率"] == 0.005, a, "担保费率")
            if kind == "创业担保贷款" and "有限公司" not in r["企业（项目）名称"]:
                check(r["金额（万元）"] <= 15, a, "individual 创业担保贷款 over 15 万元")

    shared = [n for n, k in liaisons.items() if k > 1]
    check(not shared, "county", f"liaison officers shared: {shared}")
    check(all(n == 1 for n in ids.values()), "county", "duplicate 身份证号")

    expected = {
        "enterprises": 64, "enterprises_resumed": 62, "on_duty": 9633, "staff": 10003,
        "feb_projects": 21, "feb_resumed": 21, "feb_planned_staff": 1055, "feb_arrived": 1034,
        "small_micro": 2331, "migrants": 19690, "migrants_back": 19360, "poor_total": 13137,
        "poor_working": 10383, "poor_out_of_province": 5220, "poor_in_province": 2178,
        "poor_in_county": 1687, "poor_back": 9085, "poor_waiting": 752, "poor_not_resumed": 546,
        "hazards": 57, "hazards_closed": 57, "hazards_pass": 57, "refund_enterprises": 12,
        "fin_创业担保贷款_n": 17, "fin_创业担保贷款_amount": 335, "fin_贷款展期_n": 12,
        "fin_贷款展期_amount": 120, "fin_银企对接意向_n": 13, "fin_银企对接意向_amount": 10930,
        "fin_银行贷款_n": 2, "fin_银行贷款_amount": 1180, "fin_融资担保_n": 4,
        "fin_融资担保_amount": 168, "masks_in": 300000, "agm_tests": 670,
    }
    print("golden figures:")
    for key, want in expected.items():
        got = tot[key]
        verdict = "OK" if got == want else f"MISMATCH, expected {want}"
        print(f"  {key:26s} {got!s:>8}  {verdict}")
        check(got == want, "golden", f"{key} = {got}, expected {want}")
    got = money["refund_amount"]
    verdict = "OK" if got == Decimal("418700.00") else "MISMATCH"
    print(f"  {'refund_amount':26s} {got!s:>8}  {verdict}")
    check(got == Decimal("418700.00"), "golden", f"refund_amount = {got}")
    check(tot["other_month_projects"] >= 3, "projects", "need 3–5 projects of other months")

    def pct(n: int, d: int, places: int, strip: bool = False) -> str:
        text = str((Decimal(n) * 100 / Decimal(d)).quantize(Decimal(1).scaleb(-places),
                                                           rounding=ROUND_HALF_UP))
        return (text.rstrip("0").rstrip(".") if strip and "." in text else text) + "%"
    rates = {
        "开复工率": (pct(tot["enterprises_resumed"], tot["enterprises"], 2), "96.88%"),
        "上岗率": (pct(tot["on_duty"], tot["staff"], 1), "96.3%"),
        "重点项目开复工率": (pct(tot["feb_resumed"], tot["feb_projects"], 1, True), "100%"),
        "到岗率": (pct(tot["feb_arrived"], tot["feb_planned_staff"], 1, True), "98%"),
        "返岗率": (pct(tot["migrants_back"], tot["migrants"], 1), "98.3%"),
    }
    for name, (got_rate, want_rate) in rates.items():
        print(f"  {name:26s} {got_rate:>8}  {'OK' if got_rate == want_rate else 'MISMATCH'}")
        check(got_rate == want_rate, "golden", f"{name} {got_rate} ≠ {want_rate}")
    print(f"other: {tot['other_month_projects']} projects planned for other months; "
          f"{tot['issues']} issues ({tot['issues_当日办结']} 当日办结, "
          f"{tot['issues_已办结']} 已办结, "
          f"{tot['issues_办理中']} 办理中, {tot['issues_逾期']} 逾期); "
          f"{tot['absorption_rows']} 吸纳就业补贴 rows ({tot['absorption_paid']} paid); "
          f"{tot['si_rows']} 社保减免 rows")

    if args.recalc:
        recalc(files)

    print("\nrow counts per township:")
    sheets = list(next(iter(per_town.values())))
    print("  " + " | ".join(["乡镇", *sheets]))
    for town, counts in sorted(per_town.items(), key=lambda kv: TOWNSHIPS[kv[0]]):
        print("  " + " | ".join([town] + [str(counts[k]) for k in sheets]))

    if problems:
        print(f"\n{len(problems)} PROBLEMS:")
        for p in problems[:200]:
            print("  " + p)
        return 1
    print("\nall row rules hold; all golden figures match")
    return 0


def recalc(files: list[Path]) -> None:
    """Recalculate with LibreOffice and add up the 汇总 sheets' native formulas."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("recalc: LibreOffice not found, skipped")
        return
    want = {"规模工业企业数": 64, "已开复工规模工业企业数": 62, "规模工业企业职工总数": 10003,
            "规模工业企业上岗人员": 9633, "计划2月开复工重点项目数": 21, "其中已开复工": 21,
            "重点项目计划用工人数": 1055, "重点项目到岗人数": 1034, "小微企业户数": 2331,
            "返乡农民工人数": 19690, "返乡农民工已返岗人数": 19360, "贫困劳动力总数": 13137,
            "其中务工人员": 10383, "贫困劳动力已返岗": 9085, "贫困劳动力待返岗": 752,
            "贫困劳动力未复工": 546, "安全隐患": 57, "已整改到位（已销号）": 57,
            "稳岗返还企业数": 12, "稳岗返还金额": Decimal("418700"), "创业担保贷款笔数": 17,
            "创业担保贷款金额": 335, "贷款展期笔数": 12, "贷款展期金额": 120,
            "银企对接意向笔数": 13, "银企对接意向金额": 10930, "银行贷款笔数": 2,
            "银行贷款金额": 1180, "融资担保笔数": 4, "融资担保金额": 168, "口罩入库": 300000,
            "AGM检测": 670}
    sums: defaultdict[str, Decimal] = defaultdict(Decimal)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", tmp,
                        *map(str, files)], check=True, capture_output=True, timeout=600)
        for path in files:
            ws = openpyxl.load_workbook(Path(tmp) / path.name, data_only=True)["汇总"]
            for label, value, _ in ws.iter_rows(min_row=2, max_col=3, values_only=True):
                if label in want:
                    check(isinstance(value, int | float), f"recalc {path.name}",
                          f"{label}={value!r}")
                    sums[label] += dec(value) if isinstance(value, int | float) else 0
    print("LibreOffice recalculation of the 汇总 formulas, added over the 11 workbooks:")
    for label, target in want.items():
        ok = r2(sums[label]) == r2(Decimal(target))
        shown = format(sums[label].normalize(), "f")
        print(f"  {label:20s} {shown:>10}  {'OK' if ok else 'MISMATCH'}")
        check(ok, "recalc", f"{label} = {sums[label]}, expected {target}")


if __name__ == "__main__":
    sys.exit(main())
