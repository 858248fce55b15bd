"""The clerk-facing help of every FG_ cell function, in one place.

Each function's Chinese description is its docstring in ``xl_addin.functions.udfs``; this
module adds what Excel and the clerk documentation need besides: the argument
descriptions, the note on functions that fall back to today's date, an example
and the result expected for it (from functions.md, or worked out by hand as
stated in ``basis``). The desktop registration (VBA wrappers and ``MacroOptions``),
the xlwings Server metadata, ``workbooks/functions-demo.xlsx`` and the function
reference in ``docs/zh/cell-functions.md`` all read from here.

Run ``python -m xl_addin.functions.docs docs/zh/cell-functions.md`` to rewrite the
generated reference block of that file.
"""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import udfs

CATEGORY = "复工复产"
"""The Excel function category (the Function Wizard's 类别 list)."""

TODAY_NOTE = "本函数不随日期自动重算（非易失）：跨日后请按 Ctrl+Alt+F9 全部重算，或填写{what}。"
"""Appended to the description of a function that uses today's date when an argument is
omitted (see docs/architecture.md, "Cell functions through xlwings")."""

VBA_NAMES = {"date": "on_date"}
"""Python argument names that are VBA keywords, and the name Excel shows instead
(``Date`` is a reserved VBA type name: ``Function FG_LPR(date, …)`` would not compile)."""


@dataclass(frozen=True)
class FunctionDoc:
    name: str
    args: dict[str, str]
    """Excel argument name → Chinese description, in signature order."""
    example: tuple[Any, ...]
    """Example arguments as cells hold them (a list of rows is a range)."""
    expected: Any
    """The result expected for ``example``."""
    basis: str
    """Where ``expected`` comes from."""
    today: str | None = None
    """What the clerk fills in to avoid today's date (None: never depends on today)."""

    @property
    def function(self) -> Any:
        return udfs.FUNCTIONS[self.name]

    @property
    def description(self) -> str:
        """The one-line Chinese description Excel shows (≤ 255 characters)."""
        text = inspect.cleandoc(self.function.__doc__ or "")
        if self.today:
            text += TODAY_NOTE.format(what=self.today)
        return text

    @property
    def optional(self) -> tuple[bool, ...]:
        """Which arguments may be omitted, in order."""
        return tuple(p.default is not inspect.Parameter.empty
                     for p in inspect.signature(self.function).parameters.values())

    @property
    def signature(self) -> str:
        """``FG_RATE(numerator, denominator)``; optional arguments in brackets."""
        parts = [f"[{a}]" if opt else a
                 for a, opt in zip(self.args, self.optional, strict=True)]
        return f"{self.name}({', '.join(parts)})"

    def formula(self, refs: list[str] | None = None) -> str:
        """The example as a formula: with literal values, or with the given cell references."""
        parts = refs if refs is not None else [literal(v) for v in self.example]
        while parts and parts[-1] == '""' and self.optional[len(parts) - 1]:
            parts.pop()
        return f"={self.name}({','.join(parts)})"


def literal(value: Any) -> str:
    """A cell value written as an Excel formula constant."""
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date):
        return f"DATE({value.year},{value.month},{value.day})"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "{" + ";".join(",".join(literal(v) for v in row) for row in value) + "}"
    return '"' + str(value).replace('"', '""') + '"'


def shown(value: Any) -> str:
    """A result as Excel shows it."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_STATUS_DATE = "统计日期（可省略，默认今天；与校验结果一致请引用报表的统计日期）"
_PREMIUM = {
    "premium": "上年度实际缴纳失业保险费（元）：单元格或整列",
    "insured": "上年末参保人数",
    "layoffs": "上年度裁员人数",
    "arrears": "是否欠缴社会保险费：是/否（可省略，默认否）",
}

DOCS: dict[str, FunctionDoc] = {d.name: d for d in (
    FunctionDoc(
        "FG_RATE",
        {"numerator": "分子：数字或数字文本，可为单元格或整列",
         "denominator": "分母：不能为0；单个单元格时对整列重复使用"},
        (62, 64), 0.96875, "62 ÷ 64"),
    FunctionDoc(
        "FG_RESUMPTION_RATE",
        {"flags": "是/否 区域（如“是否开复工”整列）；空白单元格不计入"},
        ([["是", "是", "否", "是"]],), 0.75, "3 个“是” / 4 个非空单元格"),
    FunctionDoc(
        "FG_STABILIZATION_REFUND",
        {**_PREMIUM, "ratio": "返还比例（可省略，默认为政策返还比例）"},
        (10000, 30, 6), 6000.0,
        "裁员率 6 ÷ 30 = 20%，未超过上限 20%；10000 × 60%"),
    FunctionDoc(
        "FG_STABILIZATION_ELIGIBLE", dict(_PREMIUM),
        (10000, 30, 7), "裁员率23.33%超过上限20%，不符合稳岗返还条件",
        "7 ÷ 30 = 23.33%，超过参保30人及以下企业的上限 20%"),
    FunctionDoc(
        "FG_ABSORPTION_SUBSIDY",
        {"is_key_enterprise": "是否疫情防控重点企业：是/否",
         "consecutive_months": "连续在岗月数（满3个月才补贴）"},
        ("是", 3), 900.0, "300 元/人·月 × 3 个月"),
    FunctionDoc(
        "FG_SI_EXEMPTION",
        {"size": "企业规模：大型 / 中型 / 小型 / 微型",
         "monthly_base": "月缴费基数合计（元）",
         "pension_rate": "养老保险单位费率，如 0.16 或 16%",
         "unemployment_rate": "失业保险单位费率，如 0.007",
         "injury_rate": "工伤保险单位费率，如 0.002",
         "from_month": "减免起始月，如 2020-02、2020年2月或日期",
         "to_month": "减免终止月，如 2020-06"},
        ("小型", 100000, 0.16, 0.007, 0.002, "2020-02", "2020-06"), 84500.0,
        "100000 × (0.16 + 0.007 + 0.002) = 16900 元/月，小型企业 2—6 月全免，共 5 个月"),
    FunctionDoc(
        "FG_INTEREST_SAVING",
        {"amount": "贷款金额（结果与金额同单位）",
         "rate": "贷款年利率，如 3.05% 或 0.0305",
         "lpr": "对比的LPR（可省略，默认今日执行的1年期LPR）",
         "months": "计息月数（可省略，默认12）"},
        (1180, 0.0305, 0.0405), 11.8, "1180 × (4.05% − 3.05%) × 12 / 12", today="LPR"),
    FunctionDoc(
        "FG_GUARANTEE_FEE",
        {"amount": "担保金额（结果与金额同单位）",
         "rate": "担保费率（可省略，默认为政策担保费率）"},
        (168,), 0.84, "168 × 0.5%"),
    FunctionDoc(
        "FG_HAZARD_STATUS",
        {"deadline": "整改期限（日期）",
         "done_date": "整改完成日期（未完成留空）",
         "verdict": "复查结论：合格 / 不合格（未复查留空）",
         "as_of": _STATUS_DATE},
        (dt.date(2020, 3, 1), None, None, dt.date(2020, 3, 2)), "逾期未整改",
        "未整改、未复查，统计日期 3月2日 已过整改期限 3月1日", today="统计日期"),
    FunctionDoc(
        "FG_ISSUE_STATUS",
        {"raised_date": "提出日期",
         "deadline": "办结期限（日期）",
         "closed_date": "办结日期（未办结留空）",
         "as_of": _STATUS_DATE},
        (dt.date(2020, 2, 3), dt.date(2020, 2, 10), dt.date(2020, 2, 3), dt.date(2020, 3, 1)),
        "当日办结", "办结日期 = 提出日期", today="统计日期"),
    FunctionDoc(
        "FG_USCC_CHECK",
        {"code": "统一社会信用代码（18位），可为整列"},
        ("91431123MA4RB2L75Y",), True, "校验位正确的代码"),
    FunctionDoc(
        "FG_IDCARD_CHECK",
        {"id_number": "公民身份号码（18位），可为整列"},
        ("11010519491231002X",), True, "校验位和出生日期都正确"),
    FunctionDoc(
        "FG_ENTERPRISE_SIZE",
        {"employees": "从业人员（人）",
         "revenue_wan_yuan": "营业收入（万元）"},
        (350, 5000), "中型", "350 ≥ 300 且 5000 ≥ 2000，未达大型的 1000 人与 40000 万元"),
    FunctionDoc(
        "FG_LPR",
        {"on_date": "日期：日期单元格、2020-02-20 等文本或 Excel 日期序号",
         "term": "期限：1Y（默认）或 5Y"},
        (dt.date(2020, 2, 20),), 0.0405, "2020-02-20 的1年期LPR为 4.05%"),
    FunctionDoc(
        "FG_LOSS_CARRY_YEARS",
        {"loss_year": "亏损年度，如 2020",
         "industry": "行业，如 交通运输 / 餐饮 / 住宿 / 旅游",
         "main_revenue_share": "困难行业主营业务收入占收入总额的比例，如 0.6 或 60%"},
        (2020, "餐饮", 0.6), 8, "2020年餐饮业亏损，主营收入占比 60% ≥ 50%"),
    FunctionDoc(
        "FG_POLICY",
        {"name": "政策参数名称，如 稳岗返还比例、融资担保费率、LPR"},
        ("稳岗返还比例",), 0.6, "双牌县 2020 年政策文件：60%"),
)}


def vba_arg_name(name: str) -> str:
    """The name Excel shows for a Python argument."""
    return VBA_NAMES.get(name, name)


# --- the reference block of docs/zh/cell-functions.md --------------------------

BEGIN = "<!-- BEGIN 函数一览：由 python -m xl_addin.functions.docs 生成，请勿手改 -->"
END = "<!-- END 函数一览 -->"


def reference_markdown() -> str:
    """Every function: description, arguments, an example and its result."""
    out: list[str] = []
    for doc in DOCS.values():
        out += [f"### {doc.name}", "", doc.description, "", f"`{doc.signature}`", "",
                "| 参数 | 说明 |", "|---|---|"]
        out += [f"| `{arg}` | {text} |" for arg, text in doc.args.items()]
        out += ["", f"示例：`{doc.formula()}` → **{shown(doc.expected)}**（{doc.basis}）", ""]
    return "\n".join(out).rstrip() + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between BEGIN and END replaced by ``block``."""
    head, found, rest = text.partition(BEGIN)
    if not found:
        raise ValueError(f"no {BEGIN!r} in the document")
    _, found, tail = rest.partition(END)
    if not found:
        raise ValueError(f"no {END!r} in the document")
    return f"{head}{BEGIN}\n\n{block}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        sys.stdout.write(reference_markdown())
        return 0
    path = Path(args[0])
    path.write_text(replace_block(path.read_text("utf-8"), reference_markdown()), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
