"""Generate the demo data set: one standard workbook per township of 双牌县 for 2020-03-11.

    python workbooks/make_demo.py [--out DIR]

Each workbook starts from ``xl_addin.outputs.template.build_template`` (sheets, headers,
cover), gets plausible but fictional rows written under the headers (columns are
looked up by header name in row 1), and is saved as ``<乡镇名>_2020-03-11.xlsx``.

The rows are random (a seeded ``random.Random``, no network) but the totals are
not: over the 11 workbooks they add up exactly to the figures of the seed
article (spec/golden.md). Derived columns (状态, 返还金额, 补贴金额, 减免金额,
金额, 同期LPR) are plain values computed with the project's own calculation core
and policy file, so the validator recomputes the same numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from xl_addin.core.codes import (  # noqa: E402
    USCC_CHARSET,
    id_check_char,
    org_check_char,
    uscc_check_char,
)
from xl_addin.core.enterprise import enterprise_size  # noqa: E402
from xl_addin.core.finance import lpr  # noqa: E402
from xl_addin.core.numbers import round_money  # noqa: E402
from xl_addin.core.policy import Policy, load_policy  # noqa: E402
from xl_addin.core.status import hazard_status, issue_status  # noqa: E402
from xl_addin.core.subsidies import (  # noqa: E402
    absorption_subsidy,
    si_exemption,
    stabilization_refund,
)
from xl_addin.model.spec import load_workbook_spec  # noqa: E402
from xl_addin.outputs.template import build_template, default_file_name  # noqa: E402

AS_OF = dt.date(2020, 3, 11)
SEED = 20200311
COUNTY_CODE = "431123"

# --- the published figures (spec/golden.md) ---------------------------------------
GOLDEN = {
    "enterprises": 64, "enterprises_resumed": 62, "on_duty": 9633, "staff": 10003,
    "feb_projects": 21, "feb_planned_staff": 1055, "feb_arrived": 1034,
    "small_micro": 2331, "migrants": 19690, "migrants_back": 19360,
    "poor_total": 13137, "poor_working": 10383, "poor_out_of_province": 5220,
    "poor_in_province": 2178, "poor_in_county": 1687, "poor_waiting": 752,
    "poor_not_resumed": 546, "hazards": 57, "refund_enterprises": 12,
    "refund_amount": Decimal("418700.00"), "masks_in": 300000, "agm_tests": 670,
}

# --- how the county is spread over its townships ------------------------------------
# Order = policy file order: 泷泊镇 (county seat, industrial park) first.
PLAN: dict[str, dict[str, Any]] = {
    #               enterprises  not resumed  Feb projects  villages  population weight
    "泷泊镇":       dict(ent=30, no=1, feb=7, vil=12, pop=50, haz=20, iss=10, masks=100000,
                         agm=180, small=960, refunds=7, absorb=16, si=14),
    "江村镇":       dict(ent=6, no=0, feb=3, vil=10, pop=26, haz=7, iss=4, masks=40000,
                         agm=80, small=330, refunds=2, absorb=5, si=3),
    "五里牌镇":     dict(ent=5, no=0, feb=2, vil=9, pop=20, haz=6, iss=3, masks=30000,
                         agm=70, small=260, refunds=1, absorb=4, si=3),
    "茶林镇":       dict(ent=4, no=0, feb=2, vil=8, pop=15, haz=5, iss=3, masks=25000,
                         agm=55, small=170, refunds=1, absorb=3, si=2),
    "何家洞镇":     dict(ent=4, no=1, feb=2, vil=9, pop=18, haz=5, iss=3, masks=25000,
                         agm=60, small=205, refunds=1, absorb=3, si=2),
    "麻江镇":       dict(ent=3, no=0, feb=1, vil=7, pop=13, haz=4, iss=2, masks=20000,
                         agm=50, small=140, refunds=0, absorb=2, si=1),
    "塘底乡":       dict(ent=3, no=0, feb=1, vil=6, pop=10, haz=3, iss=2, masks=15000,
                         agm=45, small=75, refunds=0, absorb=0, si=1),
    "上梧江瑶族乡": dict(ent=2, no=0, feb=1, vil=6, pop=9, haz=2, iss=1, masks=12000,
                         agm=35, small=60, refunds=0, absorb=0, si=1),
    "理家坪乡":     dict(ent=3, no=0, feb=1, vil=7, pop=14, haz=2, iss=2, masks=15000,
                         agm=40, small=80, refunds=0, absorb=0, si=1),
    "五星岭乡":     dict(ent=2, no=0, feb=1, vil=4, pop=6, haz=2, iss=1, masks=10000,
                         agm=30, small=31, refunds=0, absorb=0, si=1),
    "打鼓坪乡":     dict(ent=2, no=0, feb=0, vil=4, pop=5, haz=1, iss=1, masks=8000,
                         agm=25, small=20, refunds=0, absorb=0, si=1),
}

# Projects planned for March/April, to show the month filter (not in the golden sums).
EXTRA_PROJECTS = {
    "泷泊镇": [("2020-03", True, "双牌县全民健身中心建设项目")],
    "江村镇": [("2020-03", False, "江村镇农贸市场改造项目")],
    "五里牌镇": [("2020-04", False, "五里牌镇生态旅游基础设施建设项目")],
    "打鼓坪乡": [("2020-04", False, "打鼓坪乡光伏扶贫电站项目")],
}

# 金融支持 rows: (类型, township, amount in 万元). Sums are the article's.
FINANCING: list[tuple[str, str, int]] = [
    # 创业担保贷款: 17 笔 335 万元 (individuals ≤ 15 万元, four small businesses)
    *[("创业担保贷款", t, a) for t, a in [
        ("泷泊镇", 15), ("泷泊镇", 15), ("泷泊镇", 10), ("泷泊镇", 50), ("泷泊镇", 40),
        ("江村镇", 15), ("江村镇", 40), ("五里牌镇", 15), ("五里牌镇", 10),
        ("茶林镇", 15), ("茶林镇", 30), ("何家洞镇", 15), ("麻江镇", 10), ("塘底乡", 15),
        ("上梧江瑶族乡", 15), ("理家坪乡", 10), ("五星岭乡", 15)]],
    # 贷款展期: 12 笔 120 万元
    *[("贷款展期", t, a) for t, a in [
        ("泷泊镇", 20), ("泷泊镇", 15), ("泷泊镇", 10), ("泷泊镇", 10), ("泷泊镇", 8),
        ("江村镇", 10), ("江村镇", 7), ("五里牌镇", 10), ("茶林镇", 8), ("何家洞镇", 10),
        ("麻江镇", 7), ("塘底乡", 5)]],
    # 银企对接意向: 13 项 10930 万元
    *[("银企对接意向", t, a) for t, a in [
        ("泷泊镇", 2000), ("泷泊镇", 1500), ("泷泊镇", 1200), ("泷泊镇", 1000),
        ("泷泊镇", 950), ("泷泊镇", 800), ("江村镇", 780), ("江村镇", 600),
        ("五里牌镇", 500), ("五里牌镇", 500), ("茶林镇", 450), ("何家洞镇", 350),
        ("麻江镇", 300)]],
    # 银行贷款: 2 个项目 1180 万元 (see BANK_LOANS)
    ("银行贷款", "泷泊镇", 680), ("银行贷款", "泷泊镇", 500),
    # 融资担保: 4 笔 168 万元
    ("融资担保", "泷泊镇", 50), ("融资担保", "泷泊镇", 48), ("融资担保", "江村镇", 40),
    ("融资担保", "何家洞镇", 30),
]
BANK_LOANS = [  # project, bank, 年利率 (专项再贷款: LPR − 100bp)
    ("南岭包装材料生产线扩建项目", "中国农业银行双牌县支行", Decimal("0.0305")),
    ("德普瑞电子元器件生产基地项目", "中国建设银行双牌县支行", Decimal("0.0305")),
]
LONGBO_FEB_PROJECTS = [
    "南岭包装材料生产线扩建项目", "德普瑞电子元器件生产基地项目",
    "双牌工业园标准厂房（三期）建设项目", "双牌县城区污水管网提质改造工程",
    "潇水双牌城区段防洪治理工程", "双牌县人民医院住院综合楼建设项目",
    "双牌县城北棚户区改造安置房项目",
]
PROJECT_SUFFIXES = [
    "竹木精深加工产业园项目", "集镇污水处理设施建设项目", "农村公路提质改造工程",
    "高标准农田建设项目", "农村安全饮水巩固提升工程", "茶叶加工厂建设项目",
    "易地扶贫搬迁安置点配套工程", "中心卫生院改扩建项目", "中心学校教学楼建设项目",
    "小型水库除险加固工程",
]

# --- vocabularies ---------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


SURNAMES = words(
    "唐 唐 唐 蒋 蒋 蒋 李 李 王 张 周 周 何 何 陈 刘 邓 黄 杨 "
    "胡 朱 郑 赵 奉 奉 雷 彭 盘 盘 邹 谢 吕 秦 曾 罗 龙 欧阳")
GIVEN = words(
    "建国 国华 军 平 明 志强 伟 文华 志勇 红英 芳 丽 艳 敏 静 "
    "秀英 玲 海波 涛 斌 辉 林 峰 亮 杰 俊 春梅 梅 兰 云 霞 飞 "
    "鹏 超 磊 刚 宏 新民 德成 福生 桂香 发明 荣 安 小平 卫东 跃进 "
    "爱民 永红 金凤 满秀 石生 冬生 水清 忠 勇军 秋菊 香莲 利华 少华 "
    "晓东 晓燕 海燕 丽娟 小军 建华 建平 和平 胜利 光明 永忠 国庆 "
    "春生 玉兰")
BRANDS = words(
    "华信 金竹 绿源 顺发 永盛 宏达 楚南 潇湘 阳明 日月湖 盛隆 鑫源 "
    "恒泰 湘南 兴旺 利民 富民 万家 瑶乡 紫霞 群丰 森海 林海 翠竹 "
    "青山 碧水 福康 康源 嘉禾 泰和 宝丰 锦程 鸿运 天成 瑞丰 新达 "
    "联创 精工 美林 金桥 银杉 百川 安达 长青 丰源 鼎盛 中南 润泽 "
    "佳和 宏发 金石 通达 隆昌 振兴 凯达 万福 森宇 竹韵 绿竹 云峰 "
    "启明 顺达 昌盛 俊达 鑫达 永丰 广源 和顺 景泰 汇源 潇水 双江 "
    "南风 明辉")
INDUSTRY_SUFFIX = {
    "木材加工": ["木业有限公司", "林产品有限公司", "木制品有限公司", "人造板有限公司"],
    "竹制品": ["竹业有限公司", "竹木制品有限公司", "竹制品有限公司"],
    "食品加工": ["食品有限公司", "生态食品有限公司", "农产品开发有限公司"],
    "电子": ["电子科技有限公司", "电子有限公司", "光电科技有限公司"],
    "包装材料": ["包装材料有限公司", "包装有限公司", "纸业有限公司"],
    "建材": ["新型建材有限公司", "建材有限公司", "混凝土有限公司"],
    "纺织服装": ["制衣有限公司", "服饰有限公司"],
    "医药": ["药业有限公司", "中药材开发有限公司"],
    "茶叶加工": ["茶业有限公司"],
    "水力发电": ["水电开发有限公司"],
    "农副产品加工": ["米业有限公司", "油脂有限公司"],
}
URBAN_INDUSTRIES = [("电子", 5), ("包装材料", 3), ("木材加工", 5), ("竹制品", 4),
                    ("食品加工", 4), ("医药", 2), ("纺织服装", 3), ("建材", 3)]
RURAL_INDUSTRIES = [("木材加工", 4), ("竹制品", 4), ("茶叶加工", 2), ("食品加工", 2),
                    ("水力发电", 2), ("建材", 2), ("农副产品加工", 2)]
KEY_INDUSTRIES = ["医药", "食品加工", "包装材料", "纺织服装", "农副产品加工"]
INJURY_CLASS = {  # index into the policy's 工伤基准费率 (一类…八类)
    "电子": 1, "纺织服装": 1, "包装材料": 2, "食品加工": 2, "医药": 2, "茶叶加工": 2,
    "农副产品加工": 2, "水力发电": 3, "木材加工": 4, "竹制品": 4, "建材": 5,
}
DIFFICULTIES = ["外地员工返岗困难，用工缺口较大", "原材料供应不足", "物流运输不畅，产品外运困难",
                "口罩、消毒液等防疫物资紧缺", "流动资金紧张", "订单减少", "上游配套企业未复工"]
NOT_RESUMED_REASONS = ["外地员工尚未返岗，主要原材料供应商未复工，计划3月下旬复工",
                       "设备检修及防疫物资未到位，计划3月中旬复工"]
VILLAGE_FIRST = list("石塘桥江枫竹木岭田坪冲源溪山河湾洞井新平高龙凤茶桃杨黄白青双上下中东西南北大"
                     "长和兴福安金银柏松樟梅")
VILLAGE_SECOND = list("山塘江坪冲源湾洞田岭头口桥溪园坝井背岗寨林水")
LONGBO_COMMUNITIES = ["双北社区", "双南社区", "城南社区", "城北社区", "沙背社区"]
SMALL_MICRO_INDUSTRIES = ["批发和零售业", "住宿和餐饮业", "居民服务和修理业", "交通运输和仓储业",
                          "农林产品初加工", "建筑和装饰装修业"]
SPECIAL = {"泷泊镇": [("网吧", 12), ("KTV等歌舞娱乐场所", 8)],
           "江村镇": [("网吧", 3), ("KTV等歌舞娱乐场所", 1)],
           "五里牌镇": [("网吧", 2)], "何家洞镇": [("网吧", 1)]}
SPECIAL_REASON = "网吧、KTV等特殊行业"
WOOD = ("木材加工", "竹制品")
HAZARDS_E = [  # (描述, 措施, 等级[, only these industries])
    ("消防通道堆放杂物，影响疏散", "立即清理杂物，保持消防通道畅通", "一般"),
    ("配电箱未上锁，部分线路老化", "配电箱加锁，更换老化线路", "一般"),
    ("灭火器压力不足、过期未更换", "更换灭火器并建立月检制度", "一般"),
    ("员工宿舍私拉乱接电线", "拆除私拉电线，规范宿舍用电", "一般"),
    ("车间安全警示标识缺失", "补设安全警示标识", "一般"),
    ("防疫消毒用酒精存放不规范", "设置专用柜，酒精与火源隔离存放", "一般"),
    ("特种作业人员操作证过期", "停止其作业，组织复审取证", "一般"),
    ("锅炉压力表未按期检定", "送检压力表，检定合格后使用", "一般",
     ("木材加工", "竹制品", "食品加工", "医药", "茶叶加工", "农副产品加工", "包装材料")),
    ("叉车未定期检验", "停用叉车，委托特检机构检验", "一般"),
    ("复工前未开展全员安全培训", "组织全员复工安全培训并考核", "一般"),
    ("木粉尘除尘设施运行不正常", "检修除尘设施，定时清扫积尘", "一般", WOOD),
    ("粉尘涉爆场所除尘系统未设泄爆装置", "停产整改，加装泄爆及隔爆装置", "重大", WOOD),
]
HAZARDS_P = [
    ("基坑临边防护栏杆缺失", "按规范设置临边防护栏杆", "一般"),
    ("施工用电未做到一机一闸一漏保", "整改配电系统，落实一机一闸一漏保", "一般"),
    ("脚手架连墙件设置不足", "按方案补设连墙件并验收", "一般"),
    ("塔吊高度限位装置失灵", "停用塔吊，维修限位装置后检测", "一般"),
    ("工人未正确佩戴安全帽", "加强现场巡查和安全教育", "一般"),
    ("深基坑未按专项方案支护", "停工整改，按专项方案支护并组织验收", "重大"),
]
ISSUES = {
    "要素保障": ["用工缺口约{n}人，请求协助招工", "流动资金紧张，申请对接银行贷款",
             "生产用电负荷不足，需增容", "原材料运输车辆通行证办理"],
    "物资协调": ["口罩、消毒液储备不足", "缺少红外测温枪", "外地员工返岗包车协调"],
    "防控措施": ["外地返岗员工健康监测安排", "员工食堂分餐改造指导", "复工防疫方案审核"],
    "安全生产": ["复工前安全隐患排查指导", "特种设备年检到期需协调检验"],
}
DEPARTMENTS = {
    "要素保障": ["县人社局", "县工信局", "国网双牌县供电公司", "县交通运输局", "县金融办"],
    "物资协调": ["县工信局", "县交通运输局", "县商务局"],
    "防控措施": ["县卫健局", "县疾控中心"],
    "安全生产": ["县应急管理局", "县市场监管局"],
}
SUPPLIES = [  # (物资名称, 单价, 入库量范围, 单位发放量范围)
    ("84消毒液", Decimal("12.50"), (200, 600), (20, 80)),
    ("75%酒精", Decimal("15.00"), (100, 400), (10, 50)),
    ("红外测温枪", Decimal("298.00"), (10, 40), (1, 5)),
    ("防护服", Decimal("85.00"), (50, 200), (5, 20)),
]
MASK_PRICES = [Decimal("1.20"), Decimal("1.50"), Decimal("1.80"), Decimal("2.00"),
               Decimal("2.50")]
PHONE_PREFIXES = words(
    "133 135 136 137 138 139 150 151 152 "
    "155 157 158 159 173 177 180 181 182 "
    "183 186 187 189 199")
STARTUP_KINDS = ["家庭农场", "农家乐", "生猪养殖场", "竹编加工坊", "便利店", "种植专业合作社"]
BANKS = ["双牌县农村商业银行", "中国农业银行双牌县支行", "中国建设银行双牌县支行",
         "中国工商银行双牌县支行", "中国邮政储蓄银行双牌县支行", "华融湘江银行永州分行"]
GUARANTOR = "双牌县融资担保有限公司"


def day(month: int, d: int, year: int = 2020) -> dt.date:
    return dt.date(year, month, d)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    s = sum(weights)
    shares = [Fraction(total * w, s) for w in weights]
    out = [int(x) for x in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


class Factory:
    """Random but unique fictional names, codes and numbers, county-wide."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, list[str]] = {}
        self._seen: dict[str, dict[str, None]] = {}

    def _unique(self, kind: str, make: Any) -> str:
        seen = self._seen.setdefault(kind, {})
        while True:
            value = make()
            if value not in seen:
                seen[value] = None
                return value

    def person(self, unique: bool = False) -> str:
        def make() -> str:
            return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        return self._unique("person", make) if unique else make()

    def mobile(self) -> str:
        return self._unique("mobile", lambda: self.rng.choice(PHONE_PREFIXES) + "".join(
            str(self.rng.randrange(10)) for _ in range(8)))

    def uscc(self) -> str:
        """18-character credit code: 9 (工商) 1 (企业), 431123, a GB 11714 organisation
        code (8 characters + its check), then the GB 32100 check character."""
        def make() -> str:
            if self.rng.random() < 0.7:  # post-2015 codes: MA4…
                body = "MA4" + "".join(self.rng.choice(USCC_CHARSET) for _ in range(5))
            else:  # older organisation codes, all digits
                body = self.rng.choice(["55", "56", "58", "66", "67", "68", "69", "73", "75",
                                        "77", "79"]) + f"{self.rng.randrange(10**6):06d}"
            first17 = "91" + COUNTY_CODE + body + org_check_char(body)
            return first17 + uscc_check_char(first17)
        return self._unique("uscc", make)

    def id_number(self) -> str:
        """身份证号 of a person born 1966–2001 in 双牌县 (GB 11643 check)."""
        def make() -> str:
            birth = dt.date(1966, 1, 1) + dt.timedelta(days=self.rng.randrange(35 * 365))
            body = COUNTY_CODE + birth.strftime("%Y%m%d") + f"{self.rng.randrange(1000):03d}"
            return body + id_check_char(body)
        return self._unique("id", make)

    def brand(self) -> str:
        return self._unique("brand", lambda: self.rng.choice(BRANDS))

    def village(self) -> str:
        def make() -> str:
            first = self.rng.choice(VILLAGE_FIRST)
            second = self.rng.choice([c for c in VILLAGE_SECOND if c != first])
            return first + second + "村"
        return self._unique("village", make)

    def project_code(self) -> str:
        return self._unique("project", lambda: (
            f"{self.rng.choice([2018, 2019, 2019])}-{COUNTY_CODE}-"
            f"{self.rng.choice(['44', '47', '48', '76', '78', '84'])}-"
            f"{self.rng.choice(['01', '02', '03'])}-{self.rng.randrange(10**6):06d}"))

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))


def months_on_job(start: dt.date, as_of: dt.date) -> int:
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    return months - (1 if as_of.day < start.day else 0)


def weighted_choice(rng: random.Random, items: Sequence[tuple[str, int]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


# --- the data, county-wide ------------------------------------------------------------

def build_data(policy: Policy, rng: random.Random) -> dict[str, dict[str, Any]]:
    f = Factory(rng)
    towns = list(policy.townships)
    assert towns == list(PLAN), "PLAN must list the policy's townships in order"
    data: dict[str, dict[str, Any]] = {t: {"sheets": {}, "cover": {}} for t in towns}

    # 规模工业企业 -------------------------------------------------------------------
    ents: dict[str, list[dict[str, Any]]] = {}
    for t in towns:
        plan, urban = PLAN[t], t == "泷泊镇"
        rows = []
        for i in range(plan["ent"]):
            if urban and i == 0:
                industry, name = "包装材料", "双牌县南岭包装材料有限公司"
            else:
                industry = weighted_choice(rng, URBAN_INDUSTRIES if urban else RURAL_INDUSTRIES)
                if i == 0 and plan["absorb"]:  # an epidemic-key employer for 吸纳就业补贴
                    industry = rng.choice(["食品加工", "农副产品加工"])
                prefix = rng.choice(["双牌县"] * 6 + ["湖南", "永州市"])
                name = prefix + f.brand() + rng.choice(INDUSTRY_SUFFIX[industry])
            resumed = i < plan["ent"] - plan["no"]
            staff = (rng.randint(70, 330) if urban else rng.randint(50, 190)) if resumed else (
                rng.randint(45, 75))
            if (urban and i in (1, 2, 3)) or (t == "江村镇" and i == 1):
                staff = rng.randint(330, 650)  # the few 中型 enterprises of the county
            rows.append({"企业名称": name, "行业类别": industry, "resumed": resumed,
                         "uscc": f.uscc(), "revenue": rng.randint(2000, 30000), "raw": staff})
        rng.shuffle(rows)
        ents[t] = rows
    flat = [e for t in towns for e in ents[t]]
    assert len(flat) == GOLDEN["enterprises"]
    staff = allocate(GOLDEN["staff"], [e["raw"] for e in flat])
    for e, s in zip(flat, staff, strict=True):
        e["staff"] = s
    resumed = [e for e in flat if e["resumed"]]
    assert len(resumed) == GOLDEN["enterprises_resumed"]
    gap = GOLDEN["staff"] - GOLDEN["on_duty"] - sum(e["staff"] for e in flat if not e["resumed"])
    gaps = allocate(gap, [e["staff"] * rng.randint(0, 10) for e in resumed])
    for e, g in zip(resumed, gaps, strict=True):
        assert g <= e["staff"] // 5
        e["on_duty"] = e["staff"] - g
    for t in towns:
        sheet = []
        for i, e in enumerate(ents[t], start=1):
            size = enterprise_size(policy, e["staff"], Decimal(e["revenue"]))
            e["size"] = size
            if e["resumed"]:
                early = e["行业类别"] in ("医药", "食品加工", "包装材料")
                on = f.date_between(day(2, 3) if early else day(2, 10),
                                    day(2, 20) if early else day(3, 9))
                outside = round(e["on_duty"] * rng.uniform(0.05, 0.4))
                trouble = rng.choice(DIFFICULTIES) if rng.random() < 0.3 else None
            else:
                e["on_duty"], on, outside = 0, None, 0
                trouble = NOT_RESUMED_REASONS[0 if t == "泷泊镇" else 1]
            sheet.append({
                "序号": i, "企业名称": e["企业名称"], "统一社会信用代码": e["uscc"],
                "行业类别": e["行业类别"], "企业规模": size,
                "是否开复工": "是" if e["resumed"] else "否", "开复工日期": on,
                "职工总数": e["staff"], "已上岗人数": e["on_duty"], "其中外地返岗人数": outside,
                "驻企联络员": f.person(unique=True), "联络员电话": f.mobile(),
                "存在困难和问题": trouble,
            })
        data[t]["sheets"]["规模工业企业"] = sheet

    # 重点项目 ---------------------------------------------------------------------
    feb: list[dict[str, Any]] = []
    projects: dict[str, list[dict[str, Any]]] = {}
    for t in towns:
        names = list(LONGBO_FEB_PROJECTS) if t == "泷泊镇" else [
            t + s for s in rng.sample(PROJECT_SUFFIXES, PLAN[t]["feb"])]
        rows = []
        for name in names[: PLAN[t]["feb"]]:
            row = {"项目名称": name, "项目代码": f.project_code(), "计划开复工月份": "2020-02",
                   "是否开复工": "是", "开复工日期": f.date_between(day(2, 10), day(2, 28)),
                   "raw": rng.randint(40, 120) if t == "泷泊镇" else rng.randint(15, 60)}
            rows.append(row)
            feb.append(row)
        for month, done, name in EXTRA_PROJECTS.get(t, []):
            planned = rng.randint(20, 80)
            rows.append({"项目名称": name, "项目代码": f.project_code(), "计划开复工月份": month,
                         "是否开复工": "是" if done else "否",
                         "开复工日期": day(3, 6) if done else None, "计划用工人数": planned,
                         "到岗人数": round(planned * 0.8) if done else 0})
        projects[t] = rows
    assert len(feb) == GOLDEN["feb_projects"]
    planned = allocate(GOLDEN["feb_planned_staff"], [p["raw"] for p in feb])
    short = allocate(GOLDEN["feb_planned_staff"] - GOLDEN["feb_arrived"],
                     [p * rng.randint(0, 3) for p in planned])
    for p, n, s in zip(feb, planned, short, strict=True):
        assert s <= n // 4
        p["计划用工人数"], p["到岗人数"] = n, n - s
        del p["raw"]
    for t in towns:
        data[t]["sheets"]["重点项目"] = [
            {"序号": i, **p, "驻企联络员": f.person(unique=True), "联络员电话": f.mobile()}
            for i, p in enumerate(projects[t], start=1)]

    # 小微企业 ---------------------------------------------------------------------
    assert sum(PLAN[t]["small"] for t in towns) == GOLDEN["small_micro"]
    for t in towns:
        special = SPECIAL.get(t, [])
        normal_total = PLAN[t]["small"] - sum(n for _, n in special)
        kinds = SMALL_MICRO_INDUSTRIES[: max(4, min(6, PLAN[t]["small"] // 40))]
        weights = [rng.randint(60, 100) * w for w in (10, 5, 3, 2, 2, 2)[: len(kinds)]]
        counts = allocate(normal_total, weights)
        rows = [{"行业类别": k, "企业户数": n, "正常运营户数": n, "暂停营业户数": 0,
                 "暂停原因": None} for k, n in zip(kinds, counts, strict=True)]
        rows += [{"行业类别": k, "企业户数": n, "正常运营户数": 0, "暂停营业户数": n,
                  "暂停原因": SPECIAL_REASON} for k, n in special]
        data[t]["sheets"]["小微企业"] = rows

    # villages, 返乡务工人员, 贫困劳动力 ------------------------------------------------
    villages: dict[str, list[str]] = {}
    for t in towns:
        n = PLAN[t]["vil"]
        names = LONGBO_COMMUNITIES[:3] if t == "泷泊镇" else []
        villages[t] = names + [f.village() for _ in range(n - len(names))]
    cells = [(t, v) for t in towns for v in villages[t]]
    # population of each village: the township's weight spread over its villages
    vpop = [PLAN[t]["pop"] * 1000 // PLAN[t]["vil"] * rng.randint(70, 130) // 100
            for t, _ in cells]
    home = allocate(GOLDEN["migrants"], vpop)
    gaps = allocate(GOLDEN["migrants"] - GOLDEN["migrants_back"],
                    [h * rng.randint(1, 10) for h in home])
    for t in towns:
        data[t]["sheets"]["返乡务工人员"] = []
        data[t]["sheets"]["贫困劳动力"] = []
    for (t, v), h, g in zip(cells, home, gaps, strict=True):
        back = h - g
        data[t]["sheets"]["返乡务工人员"].append({
            "村（社区）": v, "返乡农民工人数": h, "已返岗人数": back,
            "其中县内就业人数": round(back * rng.uniform(0.12, 0.35)),
            "待返岗人数": max(0, g - rng.choice([0, 0, 0, 1, 2]))})
    # poverty is heavier in the mountain villages, lighter in the county seat
    ppop = [p * (60 if t == "泷泊镇" else 100) for (t, _), p in zip(cells, vpop, strict=True)]
    cols = {}
    for key, total in [("已返岗省外", GOLDEN["poor_out_of_province"]),
                       ("已返岗省内县外", GOLDEN["poor_in_province"]),
                       ("已返岗县内", GOLDEN["poor_in_county"]),
                       ("待返岗人数", GOLDEN["poor_waiting"]),
                       ("未复工人数", GOLDEN["poor_not_resumed"]),
                       ("not_working", GOLDEN["poor_total"] - GOLDEN["poor_working"])]:
        cols[key] = allocate(total, [p * rng.randint(80, 120) for p in ppop])
    for i, (t, v) in enumerate(cells):
        parts = [cols[k][i] for k in ("已返岗省外", "已返岗省内县外", "已返岗县内")]
        sub = sum(parts)
        working = sub + cols["待返岗人数"][i] + cols["未复工人数"][i]
        data[t]["sheets"]["贫困劳动力"].append({
            "村（社区）": v, "贫困劳动力总数": working + cols["not_working"][i],
            "务工人数": working, "已返岗省外": parts[0], "已返岗省内县外": parts[1],
            "已返岗县内": parts[2], "已返岗小计": sub, "待返岗人数": cols["待返岗人数"][i],
            "未复工人数": cols["未复工人数"][i]})

    # 安全隐患台账 -------------------------------------------------------------------
    for t in towns:
        code = policy.townships[t][-3:]
        inspectors = [f.person(), f.person()]
        # hazards are found at the pre-resumption inspection or after resuming
        targets = [(e["企业名称"], [h for h in HAZARDS_E if len(h) == 3 or e["行业类别"] in h[3]],
                    e["开复工日期"]) for e in data[t]["sheets"]["规模工业企业"]
                   if e["是否开复工"] == "是"]
        targets += [(p["项目名称"], HAZARDS_P, p["开复工日期"])
                    for p in data[t]["sheets"]["重点项目"] if p["是否开复工"] == "是"]
        targets = [x for x in targets if x[2] <= day(3, 6)]
        rows = []
        for n in range(1, PLAN[t]["haz"] + 1):
            name, pool, resumed_on = rng.choice(targets)
            desc, measure, level = rng.choice(pool)[:3]
            found = f.date_between(max(day(2, 10), resumed_on - dt.timedelta(days=2)),
                                   day(3, 4))
            deadline = found + dt.timedelta(days=rng.randint(10, 20) if level == "重大"
                                            else rng.randint(3, 10))
            done = min(f.date_between(found + dt.timedelta(days=1), deadline), day(3, 8))
            reviewed = done + dt.timedelta(days=rng.randint(1, 2))
            verdict = "合格"
            rows.append({
                "隐患编号": f"YH{code}-{n:03d}", "企业（项目）名称": name, "隐患描述": desc,
                "隐患等级": level, "发现日期": found, "整改措施": measure,
                "整改责任人": f.person(), "整改期限": deadline, "整改完成日期": done,
                "复查人": rng.choice(inspectors), "复查日期": reviewed, "复查结论": verdict,
                "状态": hazard_status(deadline, done, verdict, AS_OF).value})
        rows.sort(key=lambda r: (r["发现日期"], r["隐患编号"]))
        for n, r in enumerate(rows, start=1):
            r["隐患编号"] = f"YH{code}-{n:03d}"
        data[t]["sheets"]["安全隐患台账"] = rows

    # 问题交办台账 -------------------------------------------------------------------
    for t in towns:
        code = policy.townships[t][-3:]
        names = [e["企业名称"] for e in data[t]["sheets"]["规模工业企业"]
                 if e["是否开复工"] == "是"]
        names += [p["项目名称"] for p in data[t]["sheets"]["重点项目"]
                  if p["是否开复工"] == "是"]
        n_issues = PLAN[t]["iss"]
        # 泷泊镇: two referred and closed later, one referred and still open
        referred = {1: "closed", 4: "closed", 8: "open"} if t == "泷泊镇" else (
            {n_issues - 1: rng.choice(["closed", "open"])} if n_issues >= 3 else {})
        rows = []
        for n in range(n_issues):
            category = rng.choice(list(ISSUES))
            desc = rng.choice(ISSUES[category]).format(n=rng.choice([10, 15, 20, 30]))
            kind = referred.get(n)
            if kind == "open":
                raised = f.date_between(day(3, 9), day(3, 10))
            else:
                raised = f.date_between(day(2, 10), day(3, 10 if kind is None else 3))
            row = {"问题编号": f"WT{code}-{n + 1:03d}", "企业（项目）名称": rng.choice(names),
                   "问题类别": category, "问题描述": desc, "提出日期": raised, "调度日期": raised,
                   "处理方式": "当日解决", "承办部门": None, "办结期限": None,
                   "办结日期": raised}
            if kind is not None:
                deadline = raised + dt.timedelta(days=rng.randint(5, 7))
                row.update({"处理方式": "交办", "承办部门": rng.choice(DEPARTMENTS[category]),
                            "办结期限": deadline,
                            "办结日期": None if kind == "open" else raised + dt.timedelta(
                                days=rng.randint(1, (deadline - raised).days))})
            row["状态"] = issue_status(raised, row["办结期限"], row["办结日期"], AS_OF).value
            rows.append(row)
        rows.sort(key=lambda r: (r["提出日期"], r["问题编号"]))
        for n, r in enumerate(rows, start=1):
            r["问题编号"] = f"WT{code}-{n:03d}"
        data[t]["sheets"]["问题交办台账"] = rows

    # 防疫物资 ---------------------------------------------------------------------
    assert sum(PLAN[t]["masks"] for t in towns) == GOLDEN["masks_in"]
    for t in towns:
        recipients = ([e["企业名称"] for e in data[t]["sheets"]["规模工业企业"]]
                      + villages[t] + [f"{t}卫生院", f"{t}防疫卡口执勤点"])
        rows: list[dict[str, Any]] = []
        total = PLAN[t]["masks"]
        lots = 3 if total >= 25000 else 2
        sizes = allocate(total // 1000, [rng.randint(2, 5) for _ in range(lots)])
        in_days = sorted(rng.sample(range(3, 36), lots))  # days after 2020-02-01
        items = [("口罩", rng.choice(MASK_PRICES), [(d, q * 1000) for d, q in
                                                  zip(in_days, sizes, strict=True)], (0.03, 0.12))]
        for name, price, (lo, hi), _ in SUPPLIES:
            items.append((name, price, [(rng.randint(3, 25), rng.randint(lo, hi))], None))
        for name, price, lots_in, share in items:
            stock = 0
            events = sorted(lots_in)
            for k, (d_in, qty) in enumerate(events):
                when = day(2, 1) + dt.timedelta(days=d_in)
                rows.append({"日期": when, "物资名称": name, "收支": "入库", "数量": qty,
                             "单价（元）": price, "发放对象": None})
                stock += qty
                nxt = (day(2, 1) + dt.timedelta(days=events[k + 1][0])
                       if k + 1 < len(events) else AS_OF)
                # hand out between this delivery and the next (never on a delivery day)
                for _ in range(rng.randint(1, 3)):
                    if (nxt - when).days < 2:
                        break
                    out_day = f.date_between(when + dt.timedelta(days=1),
                                             nxt - dt.timedelta(days=1))
                    if share:
                        qty_out = int(qty * rng.uniform(*share)) // 100 * 100
                    else:
                        spec = next(s for s in SUPPLIES if s[0] == name)[3]
                        qty_out = rng.randint(*spec)
                    qty_out = min(qty_out, stock)
                    if qty_out <= 0:
                        continue
                    rows.append({"日期": out_day, "物资名称": name, "收支": "发放",
                                 "数量": qty_out, "单价（元）": price,
                                 "发放对象": rng.choice(recipients)})
                    stock -= qty_out
        # date order; on a day, deliveries before hand-outs
        rows.sort(key=lambda r: (r["日期"], r["收支"] != "入库"))
        for r in rows:
            r["金额（元）"] = round_money(r["数量"] * r["单价（元）"])
        data[t]["sheets"]["防疫物资"] = rows
        data[t]["cover"]["AGM检测人次"] = PLAN[t]["agm"]

    # 稳岗返还 ---------------------------------------------------------------------
    chosen: list[tuple[str, dict[str, Any]]] = []
    for t in towns:
        # insured enterprises of middling size (the county's biggest ones are not all there)
        rows = sorted((e for e in data[t]["sheets"]["规模工业企业"] if e["是否开复工"] == "是"),
                      key=lambda e: (abs(e["职工总数"] - 170), e["企业名称"]))
        picked = rng.sample(rows[: PLAN[t]["refunds"] + 3], PLAN[t]["refunds"])
        chosen += [(t, e) for e in sorted(picked, key=lambda e: e["序号"])]
    assert len(chosen) == GOLDEN["refund_enterprises"]
    ratio = policy.get("稳岗返还比例", AS_OF)
    raw = []
    for _, e in chosen:
        insured = round(e["职工总数"] * rng.uniform(0.82, 0.98))
        cap = policy.get("稳岗返还裁员率上限" if insured > 30 else "稳岗返还裁员率上限_小企业",
                         AS_OF)
        layoffs = min(rng.choice([0, 0, 1, 1, 2, 3, 4]), int(insured * cap))
        base = rng.randint(2800, 4200)  # average monthly contribution base, 元
        raw.append((insured, layoffs, Decimal(insured * base * 12) * Decimal("0.01")))
    target_premium = GOLDEN["refund_amount"] / ratio
    scale = target_premium / sum(p for _, _, p in raw)
    premiums = [round_money(p * scale) for _, _, p in raw[:-1]]
    refunds = [stabilization_refund(policy, p, i, l_).amount
               for p, (i, l_, _) in zip(premiums, raw[:-1], strict=True)]
    need = GOLDEN["refund_amount"] - sum(refunds)
    last = round_money(need / ratio)
    for candidate in (last, last - Decimal("0.01"), last + Decimal("0.01")):
        if stabilization_refund(policy, candidate, raw[-1][0], raw[-1][1]).amount == need:
            premiums.append(candidate)
            break
    else:  # pragma: no cover
        raise AssertionError("no premium gives the last refund")
    for t in towns:
        data[t]["sheets"]["稳岗返还"] = []
    for (t, e), premium, (insured, layoffs, _) in zip(chosen, premiums, raw, strict=True):
        refund = stabilization_refund(policy, premium, insured, layoffs, arrears=False)
        assert refund.eligible
        data[t]["sheets"]["稳岗返还"].append({
            "企业名称": e["企业名称"], "统一社会信用代码": e["统一社会信用代码"],
            "企业规模": e["企业规模"], "上年末参保人数": insured, "上年度裁员人数": layoffs,
            "上年度实际缴纳失业保险费（元）": premium, "是否欠费": "否", "返还比例": None,
            "返还金额（元）": refund.amount})

    # 吸纳就业补贴 -----------------------------------------------------------------
    for t in towns:
        rows = []
        resumed_ents = [e for e in data[t]["sheets"]["规模工业企业"] if e["是否开复工"] == "是"]
        key = [e for e in resumed_ents if e["行业类别"] in KEY_INDUSTRIES]
        other = [e for e in resumed_ents if e["行业类别"] not in KEY_INDUSTRIES]
        n = PLAN[t]["absorb"] if key else 0
        employers = [(rng.choice(key), True) for _ in range(n)]
        if t == "泷泊镇" and other:  # an application from a non-key enterprise: nothing due
            employers[-2:] = [(other[0], False)] * 2
        for e, is_key in employers:
            if rng.random() < 0.75:  # on the job since before the outbreak: ≥ 3 months
                start = f.date_between(day(10, 8, 2019), day(12, 10, 2019))
            else:  # returned after the Spring Festival
                start = f.date_between(day(2, 3), day(3, 2))
            months = months_on_job(start, AS_OF)
            rows.append({"企业名称": e["企业名称"], "统一社会信用代码": e["统一社会信用代码"],
                         "是否疫情防控重点企业": "是" if is_key else "否",
                         "员工姓名": f.person(), "身份证号": f.id_number(), "返岗日期": start,
                         "连续在岗月数": months,
                         "补贴金额（元）": absorption_subsidy(policy, is_key, months).amount})
        rows.sort(key=lambda r: (r["企业名称"], r["返岗日期"]))
        data[t]["sheets"]["吸纳就业补贴"] = rows

    # 社保减免 ---------------------------------------------------------------------
    pension = policy.get("养老单位费率", AS_OF)
    injury = policy.get("工伤基准费率", AS_OF)
    unemployment = Decimal("0.007")  # 湖南 单位失业保险费率
    for t in towns:
        rows = []
        for e in rng.sample(data[t]["sheets"]["规模工业企业"], PLAN[t]["si"]):
            size = e["企业规模"]
            base = round_money(Decimal(round(e["职工总数"] * rng.uniform(0.8, 0.95)))
                               * Decimal(rng.randint(280000, 420000)) / 100)
            end = (2020, 4) if size == "大型" else (2020, 6)
            rate = injury[INJURY_CLASS[e["行业类别"]]]
            rows.append({"企业名称": e["企业名称"], "统一社会信用代码": e["统一社会信用代码"],
                         "企业规模": size, "月缴费基数合计（元）": base, "养老费率": pension,
                         "失业费率": unemployment, "工伤费率": rate, "减免起始月": "2020-02",
                         "减免终止月": f"{end[0]}-{end[1]:02d}",
                         "减免金额（元）": si_exemption(policy, size, base, pension, unemployment,
                                                    rate, (2020, 2), end)})
        data[t]["sheets"]["社保减免"] = rows

    # 金融支持 ---------------------------------------------------------------------
    lpr_now = lpr(policy, AS_OF)
    fee = policy.get("融资担保费率", AS_OF)
    for t in towns:
        data[t]["sheets"]["金融支持"] = []
    loans = iter(BANK_LOANS)
    for kind, t, amount in FINANCING:
        ent_names = [e["企业名称"] for e in data[t]["sheets"]["规模工业企业"]]
        row: dict[str, Any] = {"类型": kind, "金额（万元）": amount, "年利率": None,
                               "同期LPR": None, "担保费率": None}
        if kind == "创业担保贷款":
            if amount <= 15:
                name = f"双牌县{f.person()}{rng.choice(STARTUP_KINDS)}"
            else:
                name = f"双牌县{f.brand()}农业开发有限公司"
            row.update({"企业（项目）名称": name, "金融机构": rng.choice(BANKS[:1] + BANKS[4:5]),
                        "期限（月）": rng.choice([24, 36])})
        elif kind == "贷款展期":
            row.update({"企业（项目）名称": rng.choice(ent_names), "金融机构": rng.choice(BANKS),
                        "期限（月）": rng.choice([6, 12])})
        elif kind == "银企对接意向":
            pool = ent_names + [p["项目名称"] for p in data[t]["sheets"]["重点项目"]]
            row.update({"企业（项目）名称": rng.choice(pool), "金融机构": rng.choice(BANKS),
                        "期限（月）": rng.choice([12, 24, 36])})
        elif kind == "银行贷款":
            project, bank, rate = next(loans)
            assert any(p["项目名称"] == project for p in data[t]["sheets"]["重点项目"])
            row.update({"企业（项目）名称": project, "金融机构": bank, "年利率": rate,
                        "同期LPR": lpr_now, "期限（月）": 12})
        else:  # 融资担保
            row.update({"企业（项目）名称": rng.choice(ent_names), "金融机构": GUARANTOR,
                        "担保费率": fee, "期限（月）": 12})
        data[t]["sheets"]["金融支持"].append(row)

    # 封面 -------------------------------------------------------------------------
    for t in towns:
        data[t]["cover"].update({"填报人": f.person(), "联系电话": f.mobile(),
                                 "审核人": f.person()})
    return data


# --- writing --------------------------------------------------------------------------

def _cell_value(value: Any) -> Any:
    """Decimals go in as numbers (money, rates); everything else as is."""
    return float(value) if isinstance(value, Decimal) else value


def write_workbook(township: str, content: dict[str, Any], policy: Policy, out_dir: Path
                   ) -> Path:
    spec = load_workbook_spec()
    book = build_template(township, AS_OF, policy)
    cover = book[spec.sheets[0].sheet]
    rows_of = {cover.cell(r, 1).value: r for r in range(1, cover.max_row + 1)}
    for name, value in content["cover"].items():
        cover.cell(rows_of[name], 2, value)
    for sheet_name, rows in content["sheets"].items():
        ws = book[sheet_name]
        sheet_spec = spec.sheet(sheet_name)
        columns = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
        for r, row in enumerate(rows, start=2):
            for header, value in row.items():
                if header not in columns:
                    raise KeyError(f"{sheet_name}: no column {header!r} in the template")
                if value is None:
                    continue
                cell = ws.cell(r, columns[header], _cell_value(value))
                cell.number_format = sheet_spec.by_name[header].number_format
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / default_file_name(township, AS_OF, spec)
    book.save(path)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "demo", help="output folder")
    args = parser.parse_args(argv)
    policy = load_policy()
    data = build_data(policy, random.Random(SEED))
    for township, content in data.items():
        path = write_workbook(township, content, policy, args.out)
        counts = " ".join(f"{k}={len(v)}" for k, v in content["sheets"].items())
        print(f"{path.name}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
