#!/usr/bin/env python3
# ruff: noqa: E501, B905, RUF005  (fixture data tables: long literal rows)
"""Build the planted-defect fixtures for the 复工复产 workbook validator.

Written only from docs/spec (workbook.md, functions.md) with openpyxl directly;
it deliberately does NOT import anything from xl_addin/ or schemas/, so the
fixtures are an independent opinion of what a correct standard workbook is.

Outputs (tests/data/planted/):
    clean_泷泊镇_2020-03-11.xlsx                 every rule satisfied
    planted_泷泊镇_2020-03-11.xlsx               the same workbook with 30 planted defects
    planted_泷泊镇_2020-03-11.expected.json      one entry per planted defect

Deterministic: fixed data, no randomness; zip timestamps and docProps dates are
normalised so that re-running produces byte-identical files.

Run:  python tests/data/make_planted.py
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
OUT = HERE / "planted"
TOWN = "泷泊镇"
AS_OF = dt.date(2020, 3, 11)
CLEAN = OUT / f"clean_{TOWN}_{AS_OF.isoformat()}.xlsx"
PLANTED = OUT / f"planted_{TOWN}_{AS_OF.isoformat()}.xlsx"
EXPECTED = OUT / f"planted_{TOWN}_{AS_OF.isoformat()}.expected.json"

D = dt.date


# --------------------------------------------------------------------------
# check digits, computed from functions.md
# --------------------------------------------------------------------------
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31, i = 1..17
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def _alnum_value(ch: str) -> int:
    """GB 11714: digits as themselves, letters A=10 ... Z=35."""
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_check(body8: str) -> str:
    s = sum(_alnum_value(c) * w for c, w in zip(body8, ORG_WEIGHTS))
    c = 11 - s % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def uscc_check(first17: str) -> str:
    s = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - s % 31) % 31]


def make_uscc(region6: str, org_body8: str, reg: str = "91") -> str:
    assert all(c in USCC_CHARSET for c in org_body8), org_body8
    org = org_body8 + org_check(org_body8)
    assert org[-1] in USCC_CHARSET
    first17 = reg + region6 + org
    return first17 + uscc_check(first17)


def id_check(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def make_id(region6: str, birth: dt.date, seq3: str) -> str:
    first17 = region6 + birth.strftime("%Y%m%d") + seq3
    return first17 + id_check(first17)


# the spec's own examples must validate with these implementations
for _ex in ("91350100M000100Y43", "91431123MA4RB2L75Y"):
    assert uscc_check(_ex[:17]) == _ex[17] and org_check(_ex[8:16]) == _ex[16], _ex
assert id_check("11010519491231002") == "X"


def round2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(x: Decimal) -> float:
    return float(round2(x))


# --------------------------------------------------------------------------
# the data
# --------------------------------------------------------------------------
# (企业名称, 组织机构代码本体8位, 行业类别, 企业规模, 是否开复工, 开复工日期,
#  职工总数, 已上岗人数, 其中外地返岗人数, 驻企联络员, 联络员电话, 存在困难和问题)
ENTERPRISES = [
    ("双牌县泷泊竹木制品有限公司", "MA4L1C7D", "木材加工和木、竹、藤、棕、草制品业", "小型", "否", None,
     46, 0, 0, "蒋国华", "13974601201", "竹材原料供应未恢复，计划3月中旬复工"),
    ("双牌县阳明山茶业有限公司", "MA4L2F0K", "酒、饮料和精制茶制造业", "小型", "是", D(2020, 2, 10),
     88, 85, 12, "唐建军", "13974601202", "无"),
    ("双牌县华盛电子科技有限公司", "MA4L3H8N", "计算机、通信和其他电子设备制造业", "中型", "是", D(2020, 2, 12),
     320, 305, 96, "何志强", "13974601203", "部分外地员工尚未返岗"),
    ("双牌县永兴木业有限公司", "70718436", "木材加工和木、竹、藤、棕、草制品业", "小型", "是", D(2020, 2, 14),
     65, 62, 8, "周志华", "15807461204", "无"),
    ("双牌县潇湘食品有限公司", "MA4L5P2R", "农副食品加工业", "小型", "是", D(2020, 2, 17),
     80, 76, 10, "李红梅", "15807461205", "包装材料短缺"),
    ("双牌县日月建材有限公司", "MA4L6T4U", "非金属矿物制品业", "小型", "是", D(2020, 2, 18),
     62, 60, 12, "陈卫东", "15807461206", "无"),
    ("双牌县恒达塑料制品有限公司", "MA4L7W6X", "橡胶和塑料制品业", "小型", "是", D(2020, 2, 20),
     54, 50, 6, "邓文斌", "18874601207", "流动资金紧张"),
    ("双牌县泷泊石材有限公司", "MA4L8Y9A", "非金属矿物制品业", "小型", "否", None,
     38, 0, 0, "蒋丽君", "18874601208", "环保整改未完成"),
    ("双牌县天元机械制造有限公司", "MA4L9B3C", "通用设备制造业", "小型", "是", D(2020, 3, 5),
     72, 66, 9, "唐志刚", "18874601209", "无"),
    ("湖南双牌竹海林产品有限公司", "73284561", "木材加工和木、竹、藤、棕、草制品业", "大型", "是", D(2020, 2, 10),
     1234, 1190, 310, "何丽娟", "13574601210", "物流运输受限"),
    ("双牌县金源矿业有限公司", "MA4LAD5E", "非金属矿采选业", "小型", "是", D(2020, 2, 24),
     125, 120, 30, "黄建平", "13574601211", "无"),
    ("双牌县康源药业有限公司", "MA4LBF7G", "医药制造业", "中型", "是", D(2020, 2, 3),
     356, 350, 88, "杨秀英", "13574601212", "原料药采购困难"),
]
ENT_CODE = {e[0]: make_uscc("431123", e[1]) for e in ENTERPRISES}
ENT_SIZE = {e[0]: e[3] for e in ENTERPRISES}

# (项目名称, 项目代码, 计划开复工月份, 是否开复工, 开复工日期, 计划用工人数, 到岗人数, 驻企联络员, 联络员电话)
PROJECTS = [
    ("双牌县城区污水处理提质改造工程", "2019-431123-46-01-021357", "2020-02", "是", D(2020, 2, 15), 150, 148,
     "唐海燕", "13907461301"),
    ("G207双牌段公路改扩建工程", "2018-431123-48-01-008846", "2020-02", "是", D(2020, 2, 18), 80, 80,
     "蒋学文", "13907461302"),
    ("泷泊镇农村安全饮水巩固提升工程", "2019-431123-76-01-033012", "2020-02", "是", D(2020, 2, 20), 60, 58,
     "周小平", "13907461303"),
    ("双牌县工业园标准化厂房（二期）", "2019-431123-47-01-015580", "2020-02", "是", D(2020, 2, 25), 120, 118,
     "何春生", "13907461304"),
    ("泷泊镇集镇提质改造项目", "2020-431123-47-01-002214", "2020-03", "是", D(2020, 3, 6), 40, 38,
     "李建国", "13907461305"),
    ("潇水河堤防加固工程（泷泊段）", "2020-431123-76-01-003105", "2020-03", "否", None, 30, 0,
     "陈少华", "13907461306"),
    ("双牌县人民医院门诊综合楼", "2019-431123-84-01-041122", "2020-04", "否", None, 50, 0,
     "邓桂香", "13907461307"),
]

# (行业类别, 企业户数, 正常运营户数, 暂停营业户数, 暂停原因)
SMALL = [
    ("批发和零售业", 420, 420, 0, None),
    ("住宿和餐饮业", 260, 260, 0, None),
    ("互联网上网服务营业场所（网吧）", 12, 0, 12, "网吧等特殊行业按疫情防控要求暂停营业"),
    ("歌舞娱乐场所（KTV）", 8, 0, 8, "KTV等特殊行业按疫情防控要求暂停营业"),
    ("居民服务业", 150, 150, 0, None),
    ("交通运输业", 45, 45, 0, None),
    ("制造业", 90, 90, 0, None),
]

# (村（社区）, 返乡农民工人数, 已返岗人数, 其中县内就业人数, 待返岗人数)
MIGRANTS = [
    ("城东社区", 420, 410, 120, 10),
    ("城西社区", 380, 372, 98, 8),
    ("泷泊村", 510, 498, 135, 12),
    ("双河村", 295, 290, 70, 5),
    ("塘基村", 336, 330, 88, 6),
    ("黄泥塘村", 268, 262, 61, 6),
]

# (村（社区）, 贫困劳动力总数, 省外, 省内县外, 县内, 待返岗, 未复工) -> 务工/小计 derived
_POOR = [
    ("城东社区", 130, 48, 22, 14, 7, 5),
    ("城西社区", 118, 41, 19, 15, 6, 4),
    ("泷泊村", 176, 66, 27, 20, 9, 8),
    ("双河村", 102, 35, 16, 12, 5, 3),
    ("塘基村", 121, 44, 18, 13, 6, 5),
    ("黄泥塘村", 95, 30, 14, 11, 4, 4),
]
POOR = []
for _v, _tot, _a, _b, _c, _w, _n in _POOR:
    _sub = _a + _b + _c
    POOR.append((_v, _tot, _sub + _w + _n, _a, _b, _c, _sub, _w, _n))

# (隐患编号, 企业（项目）名称, 隐患描述, 隐患等级, 发现日期, 整改措施, 整改责任人, 整改期限,
#  整改完成日期, 复查人, 复查日期, 复查结论)    状态 computed below
HAZARDS = [
    ("LB-YH-2020-001", "双牌县华盛电子科技有限公司", "车间消防通道堆放纸箱", "一般", D(2020, 2, 10), "清理通道并划线",
     "何志强", D(2020, 2, 20), D(2020, 2, 18), "蒋卫国", D(2020, 2, 21), "合格"),
    ("LB-YH-2020-002", "双牌县康源药业有限公司", "危化品仓库温湿度记录缺失", "一般", D(2020, 3, 2), "补齐记录、加装温湿度计",
     "杨秀英", D(2020, 3, 12), D(2020, 3, 9), None, None, None),
    ("LB-YH-2020-003", "双牌县阳明山茶业有限公司", "电气线路私拉乱接", "一般", D(2020, 2, 15), "重新布线、加装漏电保护",
     "唐建军", D(2020, 2, 25), D(2020, 2, 24), "蒋卫国", D(2020, 2, 26), "合格"),
    ("LB-YH-2020-004", "湖南双牌竹海林产品有限公司", "木粉尘除尘系统未接地", "重大", D(2020, 2, 12), "停产整改、除尘系统接地改造",
     "何丽娟", D(2020, 2, 29), D(2020, 2, 27), "唐国平", D(2020, 3, 2), "合格"),
    ("LB-YH-2020-005", "G207双牌段公路改扩建工程", "高边坡作业未设防护栏", "一般", D(2020, 3, 5), "设置临边防护",
     "蒋学文", D(2020, 3, 20), None, None, None, None),
    ("LB-YH-2020-006", "双牌县日月建材有限公司", "叉车司机无证上岗", "一般", D(2020, 2, 20), "停岗培训取证",
     "陈卫东", D(2020, 3, 5), None, None, None, None),
    ("LB-YH-2020-007", "双牌县金源矿业有限公司", "炸药库视频监控失效", "重大", D(2020, 2, 25), "更换监控设备并联网",
     "黄建平", D(2020, 3, 10), D(2020, 3, 8), "唐国平", D(2020, 3, 10), "不合格"),
    ("LB-YH-2020-008", "双牌县城区污水处理提质改造工程", "基坑临边未设警示标志", "一般", D(2020, 3, 10), "设置警示标志和夜间警示灯",
     "唐海燕", D(2020, 3, 11), None, None, None, None),
    ("LB-YH-2020-009", "双牌县潇湘食品有限公司", "冷库氨制冷管道锈蚀", "一般", D(2020, 2, 18), "更换锈蚀管段",
     "李红梅", D(2020, 3, 1), D(2020, 2, 28), "蒋卫国", D(2020, 3, 3), "合格"),
]


def hazard_status(deadline, done, verdict, as_of=AS_OF):
    if verdict == "合格":
        return "已销号"
    if verdict == "不合格":
        return "复查不合格"
    if done is not None:
        return "待复查"
    if deadline is not None and as_of > deadline:
        return "逾期未整改"
    return "整改中"


# (问题编号, 企业（项目）名称, 问题类别, 问题描述, 提出日期, 调度日期, 处理方式, 承办部门, 办结期限, 办结日期)
ISSUES = [
    ("LB-WT-2020-001", "双牌县阳明山茶业有限公司", "防控措施", "缺少红外测温枪", D(2020, 3, 2), D(2020, 3, 2),
     "当日解决", "镇应急办", D(2020, 3, 2), D(2020, 3, 2)),
    ("LB-WT-2020-002", "双牌县华盛电子科技有限公司", "要素保障", "外地员工返岗包车需求", D(2020, 3, 3), D(2020, 3, 3),
     "交办", "县交通运输局", D(2020, 3, 6), D(2020, 3, 5)),
    ("LB-WT-2020-003", "双牌县潇湘食品有限公司", "物资协调", "包装材料供应商未复工", D(2020, 3, 5), D(2020, 3, 5),
     "交办", "县工业和信息化局", D(2020, 3, 10), None),
    ("LB-WT-2020-004", "G207双牌段公路改扩建工程", "安全生产", "复工前安全培训场地", D(2020, 3, 6), D(2020, 3, 6),
     "当日解决", "镇安监站", D(2020, 3, 6), D(2020, 3, 6)),
    ("LB-WT-2020-005", "双牌县恒达塑料制品有限公司", "要素保障", "申请稳岗返还政策指导", D(2020, 3, 9), D(2020, 3, 9),
     "交办", "县人力资源和社会保障局", D(2020, 3, 11), None),
    ("LB-WT-2020-006", "泷泊镇集镇提质改造项目", "物资协调", "口罩储备不足", D(2020, 3, 10), D(2020, 3, 10),
     "交办", "县卫生健康局", D(2020, 3, 13), D(2020, 3, 10)),
    ("LB-WT-2020-007", "双牌县康源药业有限公司", "防控措施", "员工食堂分餐隔板", D(2020, 3, 11), D(2020, 3, 11),
     "当日解决", "镇经济发展办", D(2020, 3, 11), D(2020, 3, 11)),
]


def issue_status(raised, deadline, closed, as_of=AS_OF):
    if closed is not None and closed == raised:
        return "当日办结"
    if closed is not None:
        return "已办结"
    if deadline is not None and as_of > deadline:
        return "逾期"
    return "办理中"


# (日期, 物资名称, 收支, 数量, 单价（元）, 发放对象)   金额 = 数量 × 单价
SUPPLIES = [
    (D(2020, 2, 1), "医用外科口罩", "入库", 20000, "0.85", None),
    (D(2020, 2, 3), "84消毒液（社会捐赠）", "入库", 200, "0", None),
    (D(2020, 2, 5), "医用外科口罩", "发放", 8000, "0.85", "各村（社区）"),
    (D(2020, 2, 8), "医用酒精（500ml）", "入库", 300, "12.50", None),
    (D(2020, 2, 10), "84消毒液（社会捐赠）", "发放", 120, "0", "规模工业企业"),
    (D(2020, 2, 15), "医用外科口罩", "发放", 6000, "0.85", "规模工业企业"),
    (D(2020, 2, 20), "医用酒精（500ml）", "发放", 180, "12.50", "各村（社区）"),
    (D(2020, 2, 25), "红外测温枪", "入库", 20, "168.00", None),
    (D(2020, 3, 2), "84消毒液（社会捐赠）", "发放", 60, "0", "重点项目"),
    (D(2020, 3, 5), "红外测温枪", "发放", 12, "168.00", "重点项目"),
    (D(2020, 3, 9), "医用外科口罩", "发放", 4000, "0.85", "小微企业"),
]

EXTRA_CODE = {  # enterprises outside 规模工业企业 that appear on the policy sheets
    "双牌县顺达物流有限公司": make_uscc("431123", "MA4LC1HJ"),
    "双牌县泷泊镇惠民超市有限公司": make_uscc("431123", "MA4LD2KL"),
}
CODE = {**ENT_CODE, **EXTRA_CODE}

# (企业名称, 企业规模, 上年末参保人数, 上年度裁员人数, 上年度实际缴纳失业保险费（元）, 是否欠费)
REFUND_RATIO = Decimal("0.60")
REFUNDS = [
    ("湖南双牌竹海林产品有限公司", "大型", 1200, 30, "186420.50", "否"),
    ("双牌县顺达物流有限公司", "中型", 200, 11, "30124.68", "否"),      # 裁员率 exactly 5.5%: eligible
    ("双牌县潇湘食品有限公司", "小型", 78, 4, "13987.40", "否"),
    ("双牌县康源药业有限公司", "中型", 350, 21, "58410.90", "否"),       # 6.0% > 5.5%: 0
    ("双牌县恒达塑料制品有限公司", "小型", 52, 1, "9632.15", "是"),      # in arrears: 0
    ("双牌县泷泊镇惠民超市有限公司", "小型", 30, 6, "5213.36", "否"),    # 30 insured, 20% exactly: eligible
    ("双牌县日月建材有限公司", "小型", 60, 2, "11876.55", "否"),
]


def refund(insured: int, layoffs: int, premium: str, arrears: str) -> Decimal:
    if insured <= 0 or arrears == "是":
        return Decimal("0")
    cap = Decimal("0.055") if insured > 30 else Decimal("0.20")
    if Decimal(layoffs) / Decimal(insured) > cap:
        return Decimal("0")
    return round2(Decimal(premium) * REFUND_RATIO)


# (企业名称, 是否疫情防控重点企业, 员工姓名, 身份证号, 返岗日期, 连续在岗月数)
ABSORB = [
    ("双牌县康源药业有限公司", "是", "蒋丽萍", make_id("431123", D(1988, 5, 17), "024"), D(2020, 2, 3), 3),
    ("双牌县康源药业有限公司", "是", "唐建华", None, D(2020, 2, 5), 3),  # ID with check digit X, found below
    ("双牌县康源药业有限公司", "是", "何小军", make_id("431102", D(1980, 2, 29), "315"), D(2020, 2, 10), 4),
    ("双牌县华盛电子科技有限公司", "是", "周玉兰", make_id("431122", D(1995, 11, 30), "048"), D(2020, 2, 12), 2),
    ("双牌县华盛电子科技有限公司", "是", "李海波", make_id("431123", D(1992, 7, 8), "057"), D(2020, 2, 12), 3),
    ("双牌县潇湘食品有限公司", "否", "陈志刚", make_id("431103", D(1979, 1, 23), "013"), D(2020, 2, 17), 3),
    ("双牌县潇湘食品有限公司", "否", "邓美华", make_id("431123", D(2000, 12, 31), "122"), D(2020, 2, 18), 3),
]
for _seq in range(100, 1000, 2):  # first even (female) sequence whose check digit is X
    _id = make_id("431123", D(1985, 9, 9), f"{_seq:03d}")
    if _id.endswith("X"):
        break
ABSORB[1] = ABSORB[1][:3] + (_id,) + ABSORB[1][4:]


def absorb_subsidy(key: str, months: int) -> int:
    return 900 if key == "是" and months >= 3 else 0


# 社保减免: (企业名称, 企业规模, 月缴费基数合计, 养老, 失业, 工伤, 起始月, 终止月)
SI_SHARE = {"大型": Decimal("0.5"), "中型": Decimal("1"), "小型": Decimal("1"), "微型": Decimal("1")}
SI_WINDOW = {"大型": ("2020-02", "2020-06"), "中型": ("2020-02", "2020-12"),
             "小型": ("2020-02", "2020-12"), "微型": ("2020-02", "2020-12")}


def _half_case_base(start_fen: int, rate: Decimal, share: Decimal) -> str:
    """First base >= start whose monthly exemption is an exact half fen with an even
    second decimal: ROUND_HALF_UP and banker's rounding differ there."""
    n = start_fen
    while True:
        x = Decimal(n) / 100 * rate * share
        q = x * 1000
        if q == q.to_integral_value() and int(q) % 10 == 5 and (int(q) // 10) % 2 == 0:
            return f"{Decimal(n) / 100:.2f}"
        n += 1


SI = [
    ("湖南双牌竹海林产品有限公司", "大型", "4318765.40", "0.16", "0.007", "0.011", "2020-02", "2020-04"),
    ("双牌县康源药业有限公司", "中型", "1245380.00", "0.16", "0.007", "0.007", "2020-02", "2020-06"),
    ("双牌县华盛电子科技有限公司", "中型", "1102476.50", "0.16", "0.007", "0.009", "2020-02", "2020-06"),
    ("双牌县潇湘食品有限公司", "小型",
     _half_case_base(26543320, Decimal("0.171"), Decimal("1")), "0.16", "0.007", "0.004", "2020-02", "2020-06"),
    ("双牌县泷泊镇惠民超市有限公司", "小型", "58210.00", "0.16", "0.007", "0.002", "2020-02", "2020-06"),
]


def _months(a: str, b: str):
    y, m = map(int, a.split("-"))
    yb, mb = map(int, b.split("-"))
    while (y, m) <= (yb, mb):
        yield f"{y:04d}-{m:02d}"
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def si_exemption(size, base, r1, r2, r3, start, end) -> Decimal:
    lo, hi = SI_WINDOW[size]
    rate = Decimal(r1) + Decimal(r2) + Decimal(r3)
    total = Decimal("0")
    for m in _months(start, end):
        if lo <= m <= hi:
            total += round2(Decimal(base) * rate * SI_SHARE[size])
    return total


LPR_1Y = [(D(2019, 12, 20), "0.0415"), (D(2020, 2, 20), "0.0405"), (D(2020, 4, 20), "0.0385")]


def lpr_on(day: dt.date) -> Decimal:
    return Decimal([r for d, r in LPR_1Y if d <= day][-1])


LPR = float(lpr_on(AS_OF))  # 0.0405; the sheet has no loan date, so "in force" = as of 统计日期
# (类型, 企业（项目）名称, 金融机构, 金额（万元）, 年利率, 同期LPR, 担保费率, 期限（月）)
FINANCE = [
    ("银企对接意向", "湖南双牌竹海林产品有限公司", "中国农业银行双牌县支行", 3000, None, None, None, None),
    ("银企对接意向", "双牌县华盛电子科技有限公司", "双牌县农村商业银行", 350, None, None, None, None),
    ("银行贷款", "双牌县康源药业有限公司", "中国工商银行永州分行", 500, 0.0305, LPR, None, 12),
    ("银行贷款", "双牌县潇湘食品有限公司", "双牌县农村商业银行", 180, 0.0305, LPR, None, 12),
    ("创业担保贷款", "双牌县泷泊镇惠民超市有限公司", "中国邮政储蓄银行双牌县支行", 15, 0.0405, LPR, None, 24),
    ("贷款展期", "双牌县恒达塑料制品有限公司", "中国建设银行双牌县支行", 100, 0.0405, LPR, None, 6),
    ("融资担保", "双牌县日月建材有限公司", "永州市融资担保有限责任公司", 42, None, None, 0.005, 12),
    ("融资担保", "双牌县天元机械制造有限公司", "永州市融资担保有限责任公司", 30, None, None, 0.005, 12),
]

# --------------------------------------------------------------------------
# sheet layouts
# --------------------------------------------------------------------------
F_INT, F_MONEY, F_PCT, F_DATE, F_WAN = "0", "#,##0.00", "0.00%", "yyyy-mm-dd", "#,##0.00"

SHEETS: dict[str, dict] = {}


def sheet(name, headers, rows, formats=None, title=None):
    SHEETS[name] = dict(headers=headers, rows=rows, formats=formats or {}, title=title,
                        header_row=2 if title else 1)


sheet("规模工业企业",
      ["序号", "企业名称", "统一社会信用代码", "行业类别", "企业规模", "是否开复工", "开复工日期", "职工总数",
       "已上岗人数", "其中外地返岗人数", "驻企联络员", "联络员电话", "存在困难和问题"],
      [[i + 1, e[0], ENT_CODE[e[0]], e[2], e[3], e[4], e[5], e[6], e[7], e[8], e[9], e[10], e[11]]
       for i, e in enumerate(ENTERPRISES)],
      {"开复工日期": F_DATE, "职工总数": F_INT, "已上岗人数": F_INT, "其中外地返岗人数": F_INT},
      title=f"{TOWN}规模工业企业复工复产情况表")
sheet("重点项目",
      ["序号", "项目名称", "项目代码", "计划开复工月份", "是否开复工", "开复工日期", "计划用工人数", "到岗人数",
       "驻企联络员", "联络员电话"],
      [[i + 1, *p] for i, p in enumerate(PROJECTS)],
      {"开复工日期": F_DATE, "计划用工人数": F_INT, "到岗人数": F_INT})
sheet("小微企业", ["行业类别", "企业户数", "正常运营户数", "暂停营业户数", "暂停原因"],
      [list(r) for r in SMALL])
sheet("返乡务工人员", ["村（社区）", "返乡农民工人数", "已返岗人数", "其中县内就业人数", "待返岗人数"],
      [list(r) for r in MIGRANTS])
sheet("贫困劳动力",
      ["村（社区）", "贫困劳动力总数", "务工人数", "已返岗省外", "已返岗省内县外", "已返岗县内", "已返岗小计",
       "待返岗人数", "未复工人数"],
      [list(r) for r in POOR])
sheet("安全隐患台账",
      ["隐患编号", "企业（项目）名称", "隐患描述", "隐患等级", "发现日期", "整改措施", "整改责任人", "整改期限",
       "整改完成日期", "复查人", "复查日期", "复查结论", "状态"],
      [[*h, hazard_status(h[7], h[8], h[11])] for h in HAZARDS],
      {"发现日期": F_DATE, "整改期限": F_DATE, "整改完成日期": F_DATE, "复查日期": F_DATE},
      title=f"{TOWN}安全生产隐患排查整改台账")
sheet("问题交办台账",
      ["问题编号", "企业（项目）名称", "问题类别", "问题描述", "提出日期", "调度日期", "处理方式", "承办部门",
       "办结期限", "办结日期", "状态"],
      [[*q, issue_status(q[4], q[8], q[9])] for q in ISSUES],
      {"提出日期": F_DATE, "调度日期": F_DATE, "办结期限": F_DATE, "办结日期": F_DATE})
sheet("防疫物资", ["日期", "物资名称", "收支", "数量", "单价（元）", "金额（元）", "发放对象"],
      [[d, n, io_, q, float(Decimal(p)), money(Decimal(q) * Decimal(p)), to] for d, n, io_, q, p, to in SUPPLIES],
      {"日期": F_DATE, "数量": F_INT, "单价（元）": F_MONEY, "金额（元）": F_MONEY})
sheet("稳岗返还",
      ["企业名称", "统一社会信用代码", "企业规模", "上年末参保人数", "上年度裁员人数", "上年度实际缴纳失业保险费（元）",
       "是否欠费", "返还比例", "返还金额（元）"],
      [[n, CODE[n], s, ins, lay, float(Decimal(p)), arr, None, float(refund(ins, lay, p, arr))]
       for n, s, ins, lay, p, arr in REFUNDS],
      {"上年度实际缴纳失业保险费（元）": F_MONEY, "返还比例": F_PCT, "返还金额（元）": F_MONEY})
sheet("吸纳就业补贴",
      ["企业名称", "统一社会信用代码", "是否疫情防控重点企业", "员工姓名", "身份证号", "返岗日期", "连续在岗月数",
       "补贴金额（元）"],
      [[n, CODE[n], k, who, idn, d, m, absorb_subsidy(k, m)] for n, k, who, idn, d, m in ABSORB],
      {"返岗日期": F_DATE, "补贴金额（元）": F_MONEY})
sheet("社保减免",
      ["企业名称", "统一社会信用代码", "企业规模", "月缴费基数合计（元）", "养老费率", "失业费率", "工伤费率",
       "减免起始月", "减免终止月", "减免金额（元）"],
      [[n, CODE[n], s, float(Decimal(b)), float(Decimal(r1)), float(Decimal(r2)), float(Decimal(r3)), a, z,
        float(si_exemption(s, b, r1, r2, r3, a, z))] for n, s, b, r1, r2, r3, a, z in SI],
      {"月缴费基数合计（元）": F_MONEY, "养老费率": F_PCT, "失业费率": F_PCT, "工伤费率": F_PCT,
       "减免金额（元）": F_MONEY})
sheet("金融支持",
      ["类型", "企业（项目）名称", "金融机构", "金额（万元）", "年利率", "同期LPR", "担保费率", "期限（月）"],
      [list(r) for r in FINANCE],
      {"金额（万元）": F_WAN, "年利率": F_PCT, "同期LPR": F_PCT, "担保费率": F_PCT})

SHEET_ORDER = ["封面", "规模工业企业", "重点项目", "小微企业", "返乡务工人员", "贫困劳动力", "安全隐患台账",
               "问题交办台账", "防疫物资", "稳岗返还", "吸纳就业补贴", "社保减免", "金融支持", "汇总"]
COVER = [("填报单位", TOWN), ("区划代码", "431123100000"), ("统计日期", AS_OF), ("填报人", "唐丽华"),
         ("联系电话", "13874602310"), ("审核人", "蒋志勇")]
TOTAL_SHEET = "规模工业企业"
TOTAL_COLS = ["职工总数", "已上岗人数", "其中外地返岗人数"]


# --------------------------------------------------------------------------
# coordinates in the workbook's own terms
# --------------------------------------------------------------------------
def col_of(sheet_name: str, header: str) -> str:
    return get_column_letter(SHEETS[sheet_name]["headers"].index(header) + 1)


def row_of(sheet_name: str, i) -> int:
    s = SHEETS[sheet_name]
    if i == "total":
        return s["header_row"] + 1 + len(s["rows"])
    return s["header_row"] + 1 + i


def cell(sheet_name: str, i, header: str) -> str:
    return f"{col_of(sheet_name, header)}{row_of(sheet_name, i)}"


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_clean(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in SHEET_ORDER:
        ws = wb.create_sheet(name)
        if name == "封面":
            for r, (k, v) in enumerate(COVER, start=1):
                ws.cell(r, 1, k).font = Font(bold=True)
                c = ws.cell(r, 2, v)
                if isinstance(v, dt.date):
                    c.number_format = F_DATE
            ws.column_dimensions["A"].width = 12
            ws.column_dimensions["B"].width = 20
            continue
        if name == "汇总":
            ws["A1"] = f"{TOWN}复工复产汇总"
            ws["A1"].font = Font(bold=True)
            for r, label in enumerate(["规模工业企业开复工率", "规模工业企业上岗率", "重点项目到岗率",
                                       "返乡农民工返岗率", "安全隐患整改率"], start=2):
                ws.cell(r, 1, label)
            ws.column_dimensions["A"].width = 24
            continue
        s = SHEETS[name]
        hr = s["header_row"]
        ncol = len(s["headers"])
        if s["title"]:
            ws.cell(1, 1, s["title"]).font = Font(bold=True, size=14)
            ws.cell(1, 1).alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
        for j, h in enumerate(s["headers"], start=1):
            c = ws.cell(hr, j, h)
            c.font = Font(bold=True)
            c.border = BOX
            ws.column_dimensions[get_column_letter(j)].width = max(10, 2 * len(h) + 2)
        for i, row in enumerate(s["rows"]):
            r = hr + 1 + i
            for j, (h, v) in enumerate(zip(s["headers"], row), start=1):
                c = ws.cell(r, j, v)
                c.border = BOX
                if h in s["formats"]:
                    c.number_format = s["formats"][h]
                elif isinstance(v, dt.date):
                    c.number_format = F_DATE
        if name == TOTAL_SHEET:
            r = row_of(name, "total")
            ws.cell(r, 1, "合计").font = Font(bold=True)
            for j in range(1, ncol + 1):
                ws.cell(r, j).border = BOX
            for h in TOTAL_COLS:
                j = s["headers"].index(h)
                c = ws.cell(r, j + 1, sum(row[j] for row in s["rows"]))
                c.number_format = F_INT
                c.font = Font(bold=True)
            # two trailing blank rows: formatted (bordered) but empty, as real templates leave them
            for rr in (r + 1, r + 2):
                for j in range(1, ncol + 1):
                    ws.cell(rr, j).border = BOX
    wb.properties.creator = "tests/data/make_planted.py"
    wb.save(path)


# --------------------------------------------------------------------------
# the planted defects
# --------------------------------------------------------------------------
ERR = object()  # marker: write the value as an Excel error cell
PLANTS: list[dict] = []


def plant(sheet_name, i, header, value, severity, what, *, also=(), alt=(), companions=(), note=None):
    PLANTS.append(dict(sheet=sheet_name, i=i, header=header, value=value, severity=severity, what=what,
                       also=list(also), alt=list(alt), companions=list(companions), note=note))


E = "规模工业企业"
ent = SHEETS[E]["rows"]
_tot = {h: sum(r[SHEETS[E]["headers"].index(h)] for r in ent) for h in TOTAL_COLS}


def _bad_uscc(code: str) -> str:
    """Same code with a different 18th character (positions 9-17, the GB 11714 part, stay valid)."""
    return code[:17] + next(c for c in USCC_CHARSET if c != code[17])


# row 4: wrong USCC check digit
plant(E, 1, "统一社会信用代码", _bad_uscc(ENT_CODE[ENTERPRISES[1][0]]), "error",
      "统一社会信用代码 fails the GB 32100 check digit (18th character altered)")
# row 5: 10-digit mobile
plant(E, 2, "联络员电话", ENTERPRISES[2][10][:10], "error",
      "liaison officer mobile has 10 digits (must be 11)")
# row 6: duplicate name (copy of row 3's name; its own credit code is kept)
plant(E, 3, "企业名称", ENTERPRISES[0][0], "error",
      "duplicate 企业名称 (same as row 3, different credit code)",
      also=[cell(E, 0, "企业名称")])
# row 7: 已上岗 > 职工总数  (合计 已上岗 updated so that the 合计 row stays consistent)
plant(E, 4, "已上岗人数", 86, "error", "已上岗人数 (86) exceeds 职工总数 (80)",
      companions=[("total", "已上岗人数", _tot["已上岗人数"] + 86 - ent[4][8])])
# row 8: 其中外地返岗 > 已上岗  (合计 外地 updated)
plant(E, 5, "其中外地返岗人数", 65, "error", "其中外地返岗人数 (65) exceeds 已上岗人数 (60)",
      companions=[("total", "其中外地返岗人数", _tot["其中外地返岗人数"] + 65 - ent[5][9])])
# row 9: 是 without a date
plant(E, 6, "开复工日期", None, "error", "是否开复工 = 是 but 开复工日期 is empty")
# row 10: 否 with a date
plant(E, 7, "开复工日期", D(2020, 3, 2), "error", "是否开复工 = 否 but 开复工日期 is filled in")
# row 11: date after 统计日期
plant(E, 8, "开复工日期", D(2020, 3, 15), "error", "开复工日期 2020-03-15 is after 统计日期 2020-03-11")
# row 12: "1,234" as text (coerces to the clean value 1234)
plant(E, 9, "职工总数", "1,234", "warning", "职工总数 stored as text with a thousands separator \"1,234\"")
# row 13: full-width digits (coerces to the clean value 120)
plant(E, 10, "已上岗人数", "１２０", "warning", "已上岗人数 typed in full-width digits \"１２０\"")
# row 14: date as Chinese text (coerces to the clean value 2020-02-03)
plant(E, 11, "开复工日期", "2020年2月3日", "warning", "开复工日期 typed as text \"2020年2月3日\"")
# row 15: 合计 职工总数 wrong
plant(E, "total", "职工总数", _tot["职工总数"] + 100, "error",
      f"合计 row 职工总数 = {_tot['职工总数'] + 100}, column sum is {_tot['职工总数']}")

P = "重点项目"
plant(P, 1, "是否开复工", "是 ", "warning", "是否开复工 typed as \"是 \" with a trailing space")

S = "小微企业"
plant(S, 0, "正常运营户数", 418, "error", "正常运营户数 418 + 暂停营业户数 0 != 企业户数 420",
      alt=[cell(S, 0, "企业户数")])
plant(S, 3, "暂停原因", None, "error", "暂停营业户数 8 > 0 but 暂停原因 is empty")

M = "返乡务工人员"
plant(M, 1, "其中县内就业人数", ERR, "error", "#DIV/0! error value in a numeric cell")

PL = "贫困劳动力"
plant(PL, 2, "已返岗省外", 76, "error",
      "已返岗小计 113 != 省外 76 + 省内县外 27 + 县内 20 (= 123); 省外 was altered, 小计 left as typed",
      alt=[cell(PL, 2, "已返岗小计")],
      note="the other identity (小计 + 待返岗 + 未复工 = 务工人数) still holds, so exactly one rule fails")

H = "安全隐患台账"
plant(H, 1, "状态", "已销号", "error",
      "typed 状态 已销号 but the rules give 待复查 (整改完成, not yet re-inspected)")
plant(H, 2, "复查人", None, "error", "复查日期 present but 复查人 is empty")
plant(H, 3, "整改期限", None, "error", "重大 hazard without 整改期限",
      note="hazard is fully closed (复查结论 合格), so its computed 状态 (已销号) does not depend on the deadline")
plant(H, 4, "企业（项目）名称", "双牌县鑫隆矿产品加工厂", "warning",
      "企业（项目）名称 not found in 规模工业企业 or 重点项目")

Q = "问题交办台账"
plant(Q, 1, "调度日期", D(2020, 3, 4), "warning", "调度日期 2020-03-04 is one day after 提出日期 2020-03-03")
plant(Q, 3, "办结日期", D(2020, 3, 7), "error",
      "处理方式 当日解决 but 办结日期 2020-03-07 != 提出日期 2020-03-06",
      companions=[(3, "状态", "已办结")],
      note="状态 changed to 已办结 together with the date so that typed and computed 状态 still agree")

W = "防疫物资"
plant(W, 8, "数量", 100, "error",
      "发放 of 100 drives the stock of 84消毒液（社会捐赠） to -20 (200 in, 120 + 100 out)",
      note="donated item, 单价 0, so 金额 = 数量 × 单价 = 0 still holds")
plant(W, 3, "金额（元）", 3570.00, "error", "金额 3570.00 != 数量 300 × 单价 12.50 = 3750.00")

R = "稳岗返还"
_r = REFUNDS[2]
_ok = refund(_r[2], _r[3], _r[4], _r[5])
plant(R, 2, "返还金额（元）", float(_ok + Decimal("10.00")), "error",
      f"返还金额 {_ok + 10} != round2(13987.40 × 0.60) = {_ok}")

A = "吸纳就业补贴"
_idn = ABSORB[4][3]
plant(A, 4, "身份证号", _idn[:17] + next(c for c in "0123456789X" if c != _idn[17]), "error",
      "身份证号 fails the GB 11643 check digit")
plant(A, 6, "返岗日期", "下周", "error", "返岗日期 is the text \"下周\", not a date")

FI = "金融支持"
plant(FI, 3, "年利率", 0.35, "error", "年利率 35% is outside 0–24%")
plant(FI, 1, "金额（万元）", 3500000, "warning",
      "金额（万元） 3500000 looks like an amount in 元 (10,000× error); clean value 350")

# sort top-to-bottom per sheet in workbook order
PLANTS.sort(key=lambda p: (SHEET_ORDER.index(p["sheet"]), row_of(p["sheet"], p["i"]),
                           SHEETS[p["sheet"]]["headers"].index(p["header"])))


def write_planted(clean: Path, path: Path) -> list[dict]:
    wb = openpyxl.load_workbook(clean)
    expected = []
    for p in PLANTS:
        ws = wb[p["sheet"]]
        ref = cell(p["sheet"], p["i"], p["header"])
        c = ws[ref]
        if p["value"] is ERR:
            c.value = "#DIV/0!"
            c.data_type = "e"
        else:
            c.value = p["value"]
            if isinstance(p["value"], str):
                c.data_type = "s"
        companions = []
        for ci, ch, cv in p["companions"]:
            cref = cell(p["sheet"], ci, ch)
            ws[cref].value = cv
            companions.append({"cell": cref, "value": cv})
        e = {"sheet": p["sheet"], "cell": ref, "severity": p["severity"], "what": p["what"]}
        if p["also"]:
            e["also"] = p["also"]
        if p["alt"]:
            e["alt_cells"] = p["alt"]
        if companions:
            e["companion_edits"] = companions
        if p["note"]:
            e["note"] = p["note"]
        expected.append(e)
    wb.save(path)
    return expected


# --------------------------------------------------------------------------
# determinism: fixed zip timestamps and docProps dates
# --------------------------------------------------------------------------
FIXED_TS = "2020-03-11T08:00:00Z"


def normalise(path: Path) -> None:
    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + FIXED_TS + m.group(3), text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 3, 11, 8, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    src.close()
    path.write_bytes(buf.getvalue())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_clean(CLEAN)
    normalise(CLEAN)
    expected = write_planted(CLEAN, PLANTED)
    normalise(PLANTED)
    EXPECTED.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {CLEAN.name}, {PLANTED.name} ({len(expected)} defects), {EXPECTED.name}")


if __name__ == "__main__":
    main()
