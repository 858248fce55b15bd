"""Every text a clerk sees, in Chinese and English, defined once.

``text(code, lang, **params)`` renders one message. Cell functions, the
validator, the CLI and the ribbon all take their words from here.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

# code -> (Chinese, English). Placeholders use str.format syntax.
CATALOG: dict[str, tuple[str, str]] = {
    # --- calculation core: bad arguments --------------------------------------
    "zero_denominator": ("分母为0", "denominator is zero"),
    "not_a_number": ("不是数字: {value!r}", "not a number: {value!r}"),
    "negative": ("不能为负数: {value}", "must not be negative: {value}"),
    "not_an_integer": ("应为整数: {value}", "must be a whole number: {value}"),
    "not_a_date": ("不是有效日期: {value!r}", "not a valid date: {value!r}"),
    "not_yes_no": ("应为 是/否: {value!r}", "must be 是/否 (yes/no): {value!r}"),
    "blank": ("不能为空", "must not be blank"),
    "unknown_size": ("企业规模应为 大型/中型/小型/微型: {value!r}",
                     "enterprise size must be 大型/中型/小型/微型: {value!r}"),
    "unknown_term": ("期限应为 1Y 或 5Y: {value!r}", "term must be 1Y or 5Y: {value!r}"),
    "no_lpr": ("{date} 之前没有LPR报价", "no LPR fixing on or before {date}"),
    "month_range": ("起始月晚于终止月: {start} > {end}", "start month after end month: {start} > {end}"),
    "not_a_month": ("不是有效月份: {value!r}", "not a valid month: {value!r}"),
    "rate_range": ("费率应在 0 与 1 之间: {value}", "rate must be between 0 and 1: {value}"),
    "unknown_policy_key": ("没有此政策参数: {value!r}", "no such policy parameter: {value!r}"),
    "verdict": ("复查结论应为 合格/不合格: {value!r}", "review verdict must be 合格/不合格: {value!r}"),
    "value_error": ("#值错误: {detail}", "#VALUE: {detail}"),
    # --- eligibility reasons ---------------------------------------------------
    "eligible": ("符合条件", "eligible"),
    "refund_no_insured": ("上年末参保人数为0，不符合稳岗返还条件",
                          "no insured employees at last year end: not eligible"),
    "refund_arrears": ("企业欠缴社会保险费，不符合稳岗返还条件",
                       "enterprise is in arrears: not eligible"),
    "refund_layoff_rate": ("裁员率{rate}超过上限{cap}，不符合稳岗返还条件",
                           "layoff rate {rate} above the cap {cap}: not eligible"),
    "subsidy_not_key": ("非疫情防控重点企业，不享受吸纳就业补贴",
                        "not a key epidemic-control enterprise: no absorption subsidy"),
    "subsidy_months": ("连续在岗{months}个月，不足{required}个月",
                       "{months} consecutive months on the job, fewer than {required}"),
    # --- check digits ----------------------------------------------------------
    "uscc_length": ("统一社会信用代码应为18位，实为{length}位",
                    "credit code must have 18 characters, has {length}"),
    "uscc_char": ("统一社会信用代码第{pos}位含非法字符 {char!r}",
                  "credit code has an invalid character {char!r} at position {pos}"),
    "uscc_org_check": ("统一社会信用代码中组织机构代码(第9–17位)校验位错误，应为 {expected}",
                       "the organisation code (positions 9-17) check digit is wrong, expected {expected}"),
    "uscc_check": ("统一社会信用代码校验位错误，第18位应为 {expected}",
                   "credit code check digit is wrong: position 18 should be {expected}"),
    "id_length": ("身份证号应为18位，实为{length}位", "ID number must have 18 characters, has {length}"),
    "id_char": ("身份证号前17位应为数字，第18位为数字或X",
                "ID number: first 17 characters digits, the last a digit or X"),
    "id_birth": ("身份证号中的出生日期 {birth} 不存在", "birth date {birth} in the ID number does not exist"),
    "id_check": ("身份证号校验位错误，第18位应为 {expected}",
                 "ID number check digit is wrong: position 18 should be {expected}"),
    "division_unknown": ("未知乡镇: {value!r}", "unknown township: {value!r}"),
    # --- policy files ----------------------------------------------------------
    "policy_unreadable": ("政策文件 {file} 无法读取: {detail}", "policy file {file} cannot be read: {detail}"),
    "policy_invalid": ("政策文件 {file} 中参数 {key} 有误: {detail}",
                       "policy file {file}, parameter {key}: {detail}"),
}


def text(code: str, lang: Lang = "zh", /, **params: object) -> str:
    """Render message ``code`` in ``lang`` with ``params``."""
    zh, en = CATALOG[code]
    template = zh if lang == "zh" else en
    return template.format(**params)
CATALOG.update({
    "policy_missing": ("缺少此参数", "parameter missing"),
    "policy_unknown": ("未知参数（拼写错误？）", "unknown parameter (a typo?)"),
    "policy_dates": ("有效期起始 {start} 晚于终止 {end}", "valid_from {start} is after valid_to {end}"),
    "policy_overlap": ("有效期 {a} 与 {b} 重叠", "validity periods {a} and {b} overlap"),
    "policy_no_version": ("政策参数 {key} 在 {date} 无有效值", "policy parameter {key} has no value in force on {date}"),
})
CATALOG.update({
    "shape_mismatch": ("区域大小不一致", "ranges differ in size"),
    "internal_error": ("#内部错误: {detail}", "#INTERNAL: {detail}"),
})
