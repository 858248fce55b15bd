#!/usr/bin/env python3
# ruff: noqa: E501, B007, B905, RUF007  (fixture data tables: long literal rows)
"""Independent re-check of the planted fixtures (does not import make_planted, xl_addin or schemas).

Re-opens the workbooks with openpyxl, finds each header row itself, and applies the
rules of docs/spec/workbook.md + functions.md with its own small implementation:

  * clean workbook: must give zero findings, and carry the promised "real-clerk" shape
    (merged title rows, 序号, correct 合计 row + two trailing blank rows, real dates);
  * planted workbook: must differ from the clean one only in the expected cells (plus the
    documented companion edits), and the findings must match the expected list one to one
    (a finding may sit on the planted cell, an "also" cell or an "alt_cells" cell).

Run:  python tests/data/verify_planted.py      (exit status 1 on any problem)
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl

DIR = Path(__file__).resolve().parent / "planted"
CLEAN = DIR / "clean_泷泊镇_2020-03-11.xlsx"
PLANTED = DIR / "planted_泷泊镇_2020-03-11.xlsx"
EXPECTED = DIR / "planted_泷泊镇_2020-03-11.expected.json"

ORDER = ["封面", "规模工业企业", "重点项目", "小微企业", "返乡务工人员", "贫困劳动力", "安全隐患台账",
         "问题交办台账", "防疫物资", "稳岗返还", "吸纳就业补贴", "社保减免", "金融支持", "汇总"]
HEADERS = {
    "规模工业企业": "序号 企业名称 统一社会信用代码 行业类别 企业规模 是否开复工 开复工日期 职工总数 已上岗人数 其中外地返岗人数 驻企联络员 联络员电话 存在困难和问题",
    "重点项目": "序号 项目名称 项目代码 计划开复工月份 是否开复工 开复工日期 计划用工人数 到岗人数 驻企联络员 联络员电话",
    "小微企业": "行业类别 企业户数 正常运营户数 暂停营业户数 暂停原因",
    "返乡务工人员": "村（社区） 返乡农民工人数 已返岗人数 其中县内就业人数 待返岗人数",
    "贫困劳动力": "村（社区） 贫困劳动力总数 务工人数 已返岗省外 已返岗省内县外 已返岗县内 已返岗小计 待返岗人数 未复工人数",
    "安全隐患台账": "隐患编号 企业（项目）名称 隐患描述 隐患等级 发现日期 整改措施 整改责任人 整改期限 整改完成日期 复查人 复查日期 复查结论 状态",
    "问题交办台账": "问题编号 企业（项目）名称 问题类别 问题描述 提出日期 调度日期 处理方式 承办部门 办结期限 办结日期 状态",
    "防疫物资": "日期 物资名称 收支 数量 单价（元） 金额（元） 发放对象",
    "稳岗返还": "企业名称 统一社会信用代码 企业规模 上年末参保人数 上年度裁员人数 上年度实际缴纳失业保险费（元） 是否欠费 返还比例 返还金额（元）",
    "吸纳就业补贴": "企业名称 统一社会信用代码 是否疫情防控重点企业 员工姓名 身份证号 返岗日期 连续在岗月数 补贴金额（元）",
    "社保减免": "企业名称 统一社会信用代码 企业规模 月缴费基数合计（元） 养老费率 失业费率 工伤费率 减免起始月 减免终止月 减免金额（元）",
    "金融支持": "类型 企业（项目）名称 金融机构 金额（万元） 年利率 同期LPR 担保费率 期限（月）",
}
HEADERS = {k: v.split() for k, v in HEADERS.items()}
KEY_COL = {"规模工业企业": "企业名称", "重点项目": "项目名称", "小微企业": "行业类别", "返乡务工人员": "村（社区）",
           "贫困劳动力": "村（社区）", "安全隐患台账": "隐患编号", "问题交办台账": "问题编号", "防疫物资": "物资名称",
           "稳岗返还": "企业名称", "吸纳就业补贴": "企业名称", "社保减免": "企业名称", "金融支持": "类型"}
NUMERIC = {"职工总数", "已上岗人数", "其中外地返岗人数", "计划用工人数", "到岗人数", "企业户数", "正常运营户数",
           "暂停营业户数", "返乡农民工人数", "已返岗人数", "其中县内就业人数", "待返岗人数", "贫困劳动力总数",
           "务工人数", "已返岗省外", "已返岗省内县外", "已返岗县内", "已返岗小计", "未复工人数", "数量",
           "单价（元）", "金额（元）", "上年末参保人数", "上年度裁员人数", "上年度实际缴纳失业保险费（元）",
           "返还比例", "返还金额（元）", "连续在岗月数", "补贴金额（元）", "月缴费基数合计（元）", "养老费率",
           "失业费率", "工伤费率", "减免金额（元）", "金额（万元）", "年利率", "同期LPR", "担保费率", "期限（月）"}
DATES = {"开复工日期", "发现日期", "整改期限", "整改完成日期", "复查日期", "提出日期", "调度日期", "办结期限",
         "办结日期", "日期", "返岗日期"}
YESNO = {"是否开复工", "是否欠费", "是否疫情防控重点企业"}

USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_ok(code: str) -> bool:
    if not re.fullmatch(f"[{USCC}]{{18}}", code or ""):
        return False
    s = sum(USCC.index(c) * pow(3, i, 31) for i, c in enumerate(code[:17]))
    if USCC[(31 - s % 31) % 31] != code[17]:
        return False
    org = code[8:17]
    v = [int(c, 36) for c in org[:8]]
    c9 = 11 - sum(a * w for a, w in zip(v, [3, 7, 9, 10, 5, 8, 4, 2])) % 11
    return org[8] == {10: "X", 11: "0"}.get(c9, str(c9))


def id_ok(idn: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", idn or ""):
        return False
    try:
        birth = dt.date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= birth <= dt.date(2020, 3, 11):
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(a) * b for a, b in zip(idn[:17], w)) % 11] == idn[17]


def r2(x, mode=ROUND_HALF_UP) -> Decimal:
    return Decimal(x).quantize(Decimal("0.01"), rounding=mode)


def dec(x) -> Decimal:
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


class Book:
    def __init__(self, path: Path):
        self.path = path
        self.wb = openpyxl.load_workbook(path)
        self.findings: list[tuple[str, str, str, str]] = []  # sheet, cell, severity, message
        self.tables: dict[str, dict] = {}
        cover = {self.wb["封面"].cell(r, 1).value: self.wb["封面"].cell(r, 2).value for r in range(1, 20)}
        self.cover = cover
        self.as_of = cover["统计日期"].date() if isinstance(cover["统计日期"], dt.datetime) else None
        for name in HEADERS:
            self.tables[name] = self.read(name)

    def flag(self, sheet, ref, sev, msg):
        self.findings.append((sheet, ref, sev, msg))

    def read(self, name):
        ws = self.wb[name]
        hdr = HEADERS[name]
        header_row = next(r for r in range(1, 11)
                          if [ws.cell(r, j + 1).value for j in range(len(hdr))] == hdr)
        rows, total = [], None
        r = header_row + 1
        while r <= ws.max_row:
            vals = [ws.cell(r, j + 1) for j in range(len(hdr))]
            if all(c.value in (None, "") for c in vals):
                r += 1
                continue
            if any(isinstance(c.value, str) and c.value.strip() == "合计" for c in vals[:2]):
                total = (r, {h: c for h, c in zip(hdr, vals)})
            else:
                rows.append((r, {h: c for h, c in zip(hdr, vals)}))
            r += 1
        return dict(header_row=header_row, rows=rows, total=total, ws=ws)

    # ---- coercion -------------------------------------------------------------
    def num(self, sheet, c):
        v = c.value
        if c.data_type == "e":
            self.flag(sheet, c.coordinate, "error", f"error value {v}")
            return None
        if v is None or isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return dec(v)
        t = unicodedata.normalize("NFKC", str(v)).strip().replace(",", "")
        try:
            x = Decimal(t)
        except Exception:
            self.flag(sheet, c.coordinate, "error", f"not a number: {v!r}")
            return None
        self.flag(sheet, c.coordinate, "warning", f"number stored as text: {v!r}")
        return x

    def date(self, sheet, c):
        v = c.value
        if c.data_type == "e":
            self.flag(sheet, c.coordinate, "error", f"error value {v}")
            return None
        if v is None:
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        t = unicodedata.normalize("NFKC", str(v)).strip()
        m = re.fullmatch(r"(\d{4})(?:年|\.|/|-)(\d{1,2})(?:月|\.|/|-)(\d{1,2})日?", t)
        if m:
            self.flag(sheet, c.coordinate, "warning", f"date typed as text: {v!r}")
            return dt.date(*map(int, m.groups()))
        self.flag(sheet, c.coordinate, "error", f"not a date: {v!r}")
        return None

    def text(self, sheet, c):
        v = c.value
        if c.data_type == "e":
            self.flag(sheet, c.coordinate, "error", f"error value {v}")
            return None
        if v is None:
            return None
        t = str(v)
        if t != t.strip():
            self.flag(sheet, c.coordinate, "warning", f"surrounding spaces: {v!r}")
        return t.strip() or None

    def row_values(self, sheet, row):
        out = {}
        for h, c in row.items():
            if h in NUMERIC:
                out[h] = self.num(sheet, c)
            elif h in DATES:
                out[h] = self.date(sheet, c)
            else:
                out[h] = self.text(sheet, c)
        return out

    # ---- rules ----------------------------------------------------------------
    def check(self):
        as_of = self.as_of
        assert self.wb.sheetnames == ORDER, self.wb.sheetnames
        assert self.cover["填报单位"] == "泷泊镇" and str(self.cover["区划代码"]) == "431123100000"
        assert as_of == dt.date(2020, 3, 11) and re.fullmatch(r"1[3-9]\d{9}", self.cover["联系电话"])
        V = {}
        for name, t in self.tables.items():
            V[name] = [(r, row, self.row_values(name, row)) for r, row in t["rows"]]

        def at(row, h):
            return row[h].coordinate

        liaison = defaultdict(list)
        names_for_hazards = set()
        code_of = {}
        for sheet, namecol, codecol in (("规模工业企业", "企业名称", "统一社会信用代码"),
                                        ("重点项目", "项目名称", "项目代码")):
            seen_name, seen_code = {}, {}
            for r, row, v in V[sheet]:
                if not v[namecol]:
                    self.flag(sheet, at(row, namecol), "error", "name missing")
                elif v[namecol] in seen_name:
                    self.flag(sheet, at(row, namecol), "error", "duplicate name")
                else:
                    seen_name[v[namecol]] = r
                names_for_hazards.add(v[namecol])
                code = v[codecol]
                if not code:
                    self.flag(sheet, at(row, codecol), "error", "code missing")
                elif code in seen_code:
                    self.flag(sheet, at(row, codecol), "error", "duplicate code")
                else:
                    seen_code[code] = r
                if sheet == "规模工业企业":
                    if code and not uscc_ok(code):
                        self.flag(sheet, at(row, codecol), "error", "USCC check fails")
                    code_of.setdefault(v[namecol], code)
                    if v["企业规模"] not in ("大型", "中型", "小型", "微型"):
                        self.flag(sheet, at(row, "企业规模"), "error", "bad size")
                else:
                    if not re.fullmatch(r"\d{4}-\d{6}-\d{2}-\d{2}-\d{6}", code or ""):
                        self.flag(sheet, at(row, codecol), "error", "bad project code")
                    if not re.fullmatch(r"\d{4}-\d{2}", v["计划开复工月份"] or ""):
                        self.flag(sheet, at(row, "计划开复工月份"), "error", "bad month")
                flagcol = "是否开复工"
                yes = v[flagcol]
                if yes not in ("是", "否"):
                    self.flag(sheet, at(row, flagcol), "error", "not 是/否")
                d = v["开复工日期"]
                if yes == "是" and d is None and row["开复工日期"].value is None:
                    self.flag(sheet, at(row, "开复工日期"), "error", "是 without date")
                if yes == "否" and row["开复工日期"].value is not None:
                    self.flag(sheet, at(row, "开复工日期"), "error", "否 with date")
                if yes == "是" and d is not None and d > as_of:
                    self.flag(sheet, at(row, "开复工日期"), "error", "date after as-of")
                if sheet == "规模工业企业":
                    tot, on, away = v["职工总数"], v["已上岗人数"], v["其中外地返岗人数"]
                    if None not in (on, tot) and on > tot:
                        self.flag(sheet, at(row, "已上岗人数"), "error", "已上岗 > 职工总数")
                    if None not in (on, away) and away > on:
                        self.flag(sheet, at(row, "其中外地返岗人数"), "error", "外地 > 已上岗")
                    if away is not None and away < 0:
                        self.flag(sheet, at(row, "其中外地返岗人数"), "error", "negative")
                else:
                    if v["到岗人数"] > v["计划用工人数"]:
                        self.flag(sheet, at(row, "到岗人数"), "warning", "到岗 > 计划")
                if not v["驻企联络员"]:
                    self.flag(sheet, at(row, "驻企联络员"), "error", "no liaison")
                else:
                    liaison[v["驻企联络员"]].append((sheet, at(row, "驻企联络员")))
                if not re.fullmatch(r"1[3-9]\d{9}", v["联络员电话"] or ""):
                    self.flag(sheet, at(row, "联络员电话"), "error", "bad mobile")
        for who, refs in liaison.items():
            for sheet, ref in refs[1:]:
                self.flag(sheet, ref, "warning", f"liaison {who} serves several")

        # 合计 row of 规模工业企业
        t = self.tables["规模工业企业"]
        assert t["total"] is not None, "合计 row not found"
        for h in ("职工总数", "已上岗人数", "其中外地返岗人数"):
            col = [v[h] for _, _, v in V["规模工业企业"]]
            if None in col:
                continue
            tc = t["total"][1][h]
            if dec(tc.value) != sum(col):
                self.flag("规模工业企业", tc.coordinate, "error", f"合计 {h} {tc.value} != {sum(col)}")

        for r, row, v in V["小微企业"]:
            if v["正常运营户数"] + v["暂停营业户数"] != v["企业户数"]:
                self.flag("小微企业", at(row, "正常运营户数"), "error", "正常+暂停 != 户数")
            if v["暂停营业户数"] > 0 and not v["暂停原因"]:
                self.flag("小微企业", at(row, "暂停原因"), "error", "暂停 without reason")
        for r, row, v in V["返乡务工人员"]:
            if None not in (v["已返岗人数"], v["待返岗人数"]) and \
                    v["已返岗人数"] + v["待返岗人数"] > v["返乡农民工人数"]:
                self.flag("返乡务工人员", at(row, "已返岗人数"), "error", "返岗+待返岗 > 返乡")
            if None not in (v["其中县内就业人数"], v["已返岗人数"]) and v["其中县内就业人数"] > v["已返岗人数"]:
                self.flag("返乡务工人员", at(row, "其中县内就业人数"), "error", "县内 > 已返岗")
        for r, row, v in V["贫困劳动力"]:
            if v["已返岗小计"] != v["已返岗省外"] + v["已返岗省内县外"] + v["已返岗县内"]:
                self.flag("贫困劳动力", at(row, "已返岗小计"), "error", "小计 != parts")
            if v["已返岗小计"] + v["待返岗人数"] + v["未复工人数"] != v["务工人数"]:
                self.flag("贫困劳动力", at(row, "务工人数"), "error", "小计+待+未 != 务工")
            if v["务工人数"] > v["贫困劳动力总数"]:
                self.flag("贫困劳动力", at(row, "务工人数"), "error", "务工 > 总数")

        S = "安全隐患台账"
        ids = set()
        for r, row, v in V[S]:
            if v["隐患编号"] in ids:
                self.flag(S, at(row, "隐患编号"), "error", "dup id")
            ids.add(v["隐患编号"])
            if v["企业（项目）名称"] not in names_for_hazards:
                self.flag(S, at(row, "企业（项目）名称"), "warning", "unknown enterprise/project")
            found, dl, done, rv = v["发现日期"], v["整改期限"], v["整改完成日期"], v["复查日期"]
            if dl and found > dl:
                self.flag(S, at(row, "整改期限"), "error", "发现 > 期限")
            chain = [("发现日期", found), ("整改完成日期", done), ("复查日期", rv), ("统计日期", as_of)]
            chain = [(h, d) for h, d in chain if d is not None]
            for (h1, d1), (h2, d2) in zip(chain, chain[1:]):
                if d1 > d2:
                    self.flag(S, at(row, h1 if h1 != "统计日期" else h2), "error", f"{h1} > {h2}")
            if rv and not v["复查人"]:
                self.flag(S, at(row, "复查人"), "error", "复查日期 without 复查人")
            if rv and not v["复查结论"]:
                self.flag(S, at(row, "复查结论"), "error", "复查日期 without 复查结论")
            if v["隐患等级"] == "重大" and not dl:
                self.flag(S, at(row, "整改期限"), "error", "重大 without 期限")
            if v["隐患等级"] == "重大" and not v["整改责任人"]:
                self.flag(S, at(row, "整改责任人"), "error", "重大 without 责任人")
            if v["复查结论"] == "合格":
                st = "已销号"
            elif v["复查结论"] == "不合格":
                st = "复查不合格"
            elif done:
                st = "待复查"
            elif dl and as_of > dl:
                st = "逾期未整改"
            else:
                st = "整改中"
            if v["状态"] != st:
                self.flag(S, at(row, "状态"), "error", f"状态 {v['状态']} != {st}")

        Q = "问题交办台账"
        for r, row, v in V[Q]:
            raised, disp, dl, closed = v["提出日期"], v["调度日期"], v["办结期限"], v["办结日期"]
            if disp != raised:
                self.flag(Q, at(row, "调度日期"), "warning" if disp > raised else "error", "调度 != 提出")
            if v["处理方式"] == "当日解决" and closed != raised:
                self.flag(Q, at(row, "办结日期"), "error", "当日解决 but 办结 != 提出")
            if v["处理方式"] == "交办" and not (v["承办部门"] and dl):
                self.flag(Q, at(row, "承办部门"), "error", "交办 without dept/deadline")
            if closed and closed > as_of:
                self.flag(Q, at(row, "办结日期"), "error", "办结 after as-of")
            st = ("当日办结" if closed and closed == raised else "已办结" if closed
                  else "逾期" if dl and as_of > dl else "办理中")
            if v["状态"] != st:
                self.flag(Q, at(row, "状态"), "error", f"状态 {v['状态']} != {st}")

        W = "防疫物资"
        stock = defaultdict(Decimal)
        for r, row, v in sorted(V[W], key=lambda x: (x[2]["日期"] or dt.date.min, x[0])):
            if v["数量"] is not None and v["单价（元）"] is not None and \
                    r2(v["数量"] * v["单价（元）"]) != r2(v["金额（元）"]):
                self.flag(W, at(row, "金额（元）"), "error", "金额 != 数量×单价")
            stock[v["物资名称"]] += v["数量"] if v["收支"] == "入库" else -v["数量"]
            if v["收支"] == "发放" and stock[v["物资名称"]] < 0:
                self.flag(W, at(row, "数量"), "error", f"stock {stock[v['物资名称']]}")

        def code_checks(sheet):
            for r, row, v in V[sheet]:
                if not uscc_ok(v["统一社会信用代码"]):
                    self.flag(sheet, at(row, "统一社会信用代码"), "error", "USCC")
                if v["企业名称"] in code_of and code_of[v["企业名称"]] != v["统一社会信用代码"]:
                    self.flag(sheet, at(row, "统一社会信用代码"), "warning", "code differs from 规模工业企业")
                if "企业规模" in v and v["企业规模"] not in ("大型", "中型", "小型", "微型"):
                    self.flag(sheet, at(row, "企业规模"), "error", "size")

        R = "稳岗返还"
        code_checks(R)
        for r, row, v in V[R]:
            ins, lay, prem = v["上年末参保人数"], v["上年度裁员人数"], v["上年度实际缴纳失业保险费（元）"]
            cap = Decimal("0.055") if ins > 30 else Decimal("0.20")
            ok = ins > 0 and v["是否欠费"] == "否" and lay / ins <= cap
            want = r2(prem * Decimal("0.60")) if ok else Decimal(0)
            if row["返还比例"].value is not None:
                self.flag(R, at(row, "返还比例"), "warning", "返还比例 filled")
            if abs(r2(v["返还金额（元）"]) - want) > Decimal("0.01"):
                self.flag(R, at(row, "返还金额（元）"), "error", f"返还 {v['返还金额（元）']} != {want}")
        A = "吸纳就业补贴"
        code_checks(A)
        for r, row, v in V[A]:
            if not id_ok(v["身份证号"]):
                self.flag(A, at(row, "身份证号"), "error", "ID check")
            want = 900 if v["是否疫情防控重点企业"] == "是" and v["连续在岗月数"] >= 3 else 0
            if v["补贴金额（元）"] != want:
                self.flag(A, at(row, "补贴金额（元）"), "error", "subsidy")
        SI = "社保减免"
        code_checks(SI)
        self.half_cases = []
        for r, row, v in V[SI]:
            size = v["企业规模"]
            share, last = (Decimal("0.5"), "2020-06") if size == "大型" else (Decimal(1), "2020-12")
            rate = v["养老费率"] + v["失业费率"] + v["工伤费率"]
            y, m = map(int, v["减免起始月"].split("-"))
            total = total_even = Decimal(0)
            while f"{y:04d}-{m:02d}" <= v["减免终止月"]:
                if "2020-02" <= f"{y:04d}-{m:02d}" <= last:
                    total += r2(v["月缴费基数合计（元）"] * rate * share)
                    total_even += r2(v["月缴费基数合计（元）"] * rate * share, ROUND_HALF_EVEN)
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            if dec(row["减免金额（元）"].value) != total:
                self.flag(SI, at(row, "减免金额（元）"), "error", f"减免 {row['减免金额（元）'].value} != {total}")
            if total != total_even:
                self.half_cases.append((row["减免金额（元）"].coordinate, total, total_even))
        F = "金融支持"
        for r, row, v in V[F]:
            for h in ("年利率", "担保费率"):
                if v[h] is not None and not Decimal(0) <= v[h] <= Decimal("0.24"):
                    self.flag(F, at(row, h), "error", f"{h} out of 0–24%")
            if v["同期LPR"] is not None and v["同期LPR"] != Decimal("0.0405"):
                self.flag(F, at(row, "同期LPR"), "error", "LPR")
            if v["金额（万元）"] >= 100000:
                self.flag(F, at(row, "金额（万元）"), "warning", "amount looks like 元")
        return self.findings


def cells_of(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    out[(ws.title, c.coordinate)] = (c.value, c.data_type)
    return out, wb


def main() -> int:
    problems = []
    # ---------------- clean ----------------
    clean = Book(CLEAN)
    f = clean.check()
    for x in f:
        problems.append(f"clean finding: {x}")
    wb = clean.wb
    for name, ref in (("规模工业企业", "A1:M1"), ("安全隐患台账", "A1:M1")):
        if ref not in [str(m) for m in wb[name].merged_cells.ranges]:
            problems.append(f"{name}: merged title {ref} missing")
        if clean.tables[name]["header_row"] != 2:
            problems.append(f"{name}: header not in row 2")
    for name in HEADERS:
        if name not in ("规模工业企业", "安全隐患台账") and clean.tables[name]["header_row"] != 1:
            problems.append(f"{name}: header not in row 1")
        n = len(clean.tables[name]["rows"])
        if not 5 <= n <= 12:
            problems.append(f"{name}: {n} data rows")
    ws = wb["规模工业企业"]
    trow = clean.tables["规模工业企业"]["total"][0]
    if ws.max_row != trow + 2 or any(ws.cell(r, j).value is not None for r in (trow + 1, trow + 2) for j in range(1, 14)):
        problems.append(f"trailing blank rows: total at {trow}, max_row {ws.max_row}")
    if not isinstance(wb["封面"]["B3"].value, dt.datetime):
        problems.append("统计日期 not a real date")
    if not clean.half_cases:
        problems.append("no half-fen rounding case in 社保减免")
    print(f"clean: {len(clean.tables)} data sheets, {len(f)} findings, half-up cases in 社保减免: {clean.half_cases}")

    # ---------------- planted ----------------
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    c_cells, _ = cells_of(CLEAN)
    p_cells, pwb = cells_of(PLANTED)
    allowed = {}
    for e in expected:
        allowed[(e["sheet"], e["cell"])] = e
        for ce in e.get("companion_edits", []):
            allowed[(e["sheet"], ce["cell"])] = e
    changed = {k for k in set(c_cells) | set(p_cells) if c_cells.get(k) != p_cells.get(k)}
    for k in changed - set(allowed):
        problems.append(f"unexpected change {k}: {c_cells.get(k)} -> {p_cells.get(k)}")
    for e in expected:
        if (e["sheet"], e["cell"]) not in changed:
            problems.append(f"expected defect not planted: {e['sheet']}!{e['cell']}")
    if pwb["返乡务工人员"]["D3"].data_type != "e" or pwb["返乡务工人员"]["D3"].value != "#DIV/0!":
        problems.append("#DIV/0! is not an error cell")
    for name in ("规模工业企业", "安全隐患台账"):
        if "A1:M1" not in [str(m) for m in pwb[name].merged_cells.ranges]:
            problems.append(f"planted {name}: merged title lost")
    if len(expected) != len({(e["sheet"], e["cell"]) for e in expected}):
        problems.append("two defects share a cell")

    planted = Book(PLANTED)
    found = planted.check()
    unmatched = list(found)
    for e in expected:
        ok_cells = {e["cell"], *e.get("also", []), *e.get("alt_cells", [])}
        hits = [x for x in unmatched if x[0] == e["sheet"] and x[1] in ok_cells]
        if not hits:
            problems.append(f"no finding for expected {e['sheet']}!{e['cell']} ({e['what']})")
            continue
        if not any(x[2] == e["severity"] for x in hits):
            problems.append(f"severity differs for {e['sheet']}!{e['cell']}: {hits}")
        for x in hits:
            unmatched.remove(x)
    for x in unmatched:
        problems.append(f"finding not in expected list: {x}")
    rows_used = defaultdict(list)
    for e in expected:
        rows_used[(e["sheet"], re.sub(r"[A-Z]+", "", e["cell"]))].append(e["cell"])
    shared = {k: v for k, v in rows_used.items() if len(v) > 1}
    print(f"planted: {len(expected)} expected defects, {len(found)} findings, "
          f"{len(changed)} changed cells, rows holding >1 defect: {shared or 'none'}")

    for p in problems:
        print("PROBLEM:", p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
