"""Every text a clerk sees, in Chinese and English, defined once.

``text(code, lang, **params)`` renders one message. Cell functions, the
validator, the CLI and the ribbon all take their words from here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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
    "too_large": ("数值过大: {value}", "number too large: {value}"),
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


class _Shown(str):
    """A parameter as the clerk typed it: ``{value!r}`` quotes it (“是\u3000” shows the
    space itself, not an escape code) and whole numbers lose their ``.0``."""

    quotes = ("“", "”")

    def __repr__(self) -> str:
        return f"{self.quotes[0]}{self}{self.quotes[1]}"


class _ShownEn(_Shown):
    quotes = ("'", "'")


def shown(value: object) -> str:
    """A cell value as a message shows it: 空 for nothing, 是/否, dates as 2020-03-11,
    whole numbers without ``.0``, decimals as written (100.00)."""
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _shown(value: object, lang: Lang) -> _Shown:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    kind = _Shown if lang == "zh" else _ShownEn
    return kind("" if value is None else str(value))


def text(code: str, lang: Lang = "zh", /, **params: object) -> str:
    """Render message ``code`` in ``lang`` with ``params``."""
    zh, en = CATALOG[code]
    template = zh if lang == "zh" else en
    return template.format(**{k: _shown(v, lang) for k, v in params.items()})
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
# --- reader quirks and coercions -----------------------------------------------
CATALOG.update({
    "number_as_text": ("数字以文本形式存储: {original!r}，已按 {value} 读取", "number stored as text: {original!r}, read as {value}"),
    "percent_text": ("百分比以文本形式填写: {original!r}，已按 {value} 读取", "percentage typed as text: {original!r}, read as {value}"),
    "date_as_text": ("日期以文本形式填写: {original!r}，已按 {value} 读取", "date typed as text: {original!r}, read as {value}"),
    "date_serial": ("日期列中是数字 {original}，已按Excel日期序号读作 {value}", "a bare number {original} in a date column, read as the Excel date {value}"),
    "month_as_text": ("月份写法不规范: {original!r}，已按 {value} 读取", "month written as {original!r}, read as {value}"),
    "yes_no_coerced": ("是/否 填写不规范: {original!r}，已按 {value} 读取", "yes/no written as {original!r}, read as {value}"),
    "code_normalized": ("代码含空格、全角或小写字符: {original!r}，已按 {value} 读取", "code has spaces, full-width or lower-case characters: {original!r}, read as {value}"),
    "formula_error": ("单元格是公式错误值 {original}", "the cell holds the formula error {original}"),
    "uncalculated": ("公式没有计算结果（文件由程序生成、未经Excel计算）: {original}", "formula without a calculated value (file written by a program, never calculated): {original}"),
    "bad_number": ("应为数字，实为 {original!r}", "expected a number, found {original!r}"),
    "bad_count": ("应为非负整数，实为 {original!r}", "expected a whole number ≥ 0, found {original!r}"),
    "bad_date": ("应为日期，实为 {original!r}", "expected a date, found {original!r}"),
    "bad_month": ("应为年-月（如 2020-02），实为 {original!r}", "expected a year-month such as 2020-02, found {original!r}"),
    "bad_yes_no": ("应为 是 或 否，实为 {original!r}", "expected 是 or 否 (yes/no), found {original!r}"),
    "bad_rate": ("应为比率（如 0.5% 或 0.005），实为 {original!r}", "expected a rate such as 0.5% or 0.005, found {original!r}"),
    "bad_text": ("应为文字，实为 {original!r}", "expected text, found {original!r}"),
})
# --- reading workbooks ---------------------------------------------------------
CATALOG.update({
    "file_missing": ("文件不存在或无法访问: {file}", "file not found or not accessible: {file}"),
    "file_unreadable": ("无法读取文件 {file}: {detail}", "cannot read {file}: {detail}"),
    "file_encrypted": ("文件 {file} 已加密（设置了打开密码），请去掉密码后再提交", "{file} is encrypted (password to open); remove the password and submit again"),
    "file_not_xlsx": ("文件 {file} 不是可读取的工作簿（{detail}；可读取 .xlsx、.xls、.ods），请在Excel中另存为 .xlsx", "{file} is not a workbook that can be read ({detail}; .xlsx, .xls and .ods can be read); save it as .xlsx in Excel"),
    "file_corrupt": ("文件 {file} 已损坏，无法打开（{detail}）", "{file} is damaged and cannot be opened ({detail})"),
    "file_too_large": ("文件 {file} 过大（{size}），超过上限 {limit}", "{file} is too large ({size}), above the limit {limit}"),
    "missing_sheet": ("缺少工作表 {sheet}", "sheet {sheet} is missing"),
    "no_header": ("在前{rows}行中找不到表头（应为: {expected}）", "no header row found in the first {rows} rows (expected: {expected})"),
    "missing_column": ("缺少列 {column}", "column {column} is missing"),
    "missing_field": ("封面缺少 {column}", "the cover has no {column}"),
    "blank_rows_inside": ("数据中间有{count}个空行，已跳过", "{count} blank rows inside the data were skipped"),
})
# --- headers and sheet names as people write them (rules/sheet.py; reading/headers.py,
#     reading/sheet_names.py) ---------------------------------------------------------------
CATALOG.update({
    "header_synonym": ("表头“{written}”按标准列 {column} 读取",
                       "header “{written}” read as the standard column {column}"),
    "header_unit_mismatch": (
        "表头“{written}”的单位是 {unit}，标准单位是 {expected}：本列未读取（数值会相差悬殊），"
        "请按 {expected} 填写，表头改为 {column}",
        "header “{written}” is in {unit}, the standard unit is {expected}: the column was not "
        "read (every figure would be off); enter the figures in {expected} under the header "
        "{column}"),
    "header_unit_unknown": (
        "表头“{written}”括号中的“{unit}”不是已知单位，已按标准列 {column}（单位 {expected}）读取，"
        "请核实",
        "the bracket “{unit}” of header “{written}” names no known unit: read as the standard "
        "column {column} (in {expected}); please check"),
    "header_unit_missing": (
        "表头“{written}”未写单位，已按标准单位 {expected} 读取（标准表头为 {column}）",
        "header “{written}” gives no unit: read in the standard unit {expected} (the standard "
        "header is {column})"),
    "sheet_name_tolerated": ("工作表“{found}”按标准工作表 {standard} 读取",
                             "sheet “{found}” read as the standard sheet {standard}"),
    "sheet_ambiguous": (
        "标准工作表 {standard} 有两个：“{first}”和“{second}”，已读取“{used}”；请删除或改名多余的一个",
        "two sheets can be the standard sheet {standard}: “{first}” and “{second}”; “{used}” was "
        "read; delete or rename the other one"),
})
# --- schema rules (rule id = message code) ----------------------------------------
CATALOG.update({
    "required": ("{column} 必填", "{column} is required"),
    "unique": ("{column} 重复: {value}", "{column} is duplicated: {value}"),
    "enum": ("{column} 应为 {choices} 之一，实为 {value!r}", "{column} must be one of {choices}, found {value!r}"),
    "range": ("{column} 为 {value}，超出范围 {low}–{high}", "{column} is {value}, outside {low}–{high}"),
    "uscc": ("{reason}", "{reason_en}"),
    "idcard": ("{reason}", "{reason_en}"),
    "mobile": ("{column} {value} 不是11位手机号", "{column} {value} is not an 11-digit mobile number"),
    "phone": ("{column} {value} 不是有效电话号码", "{column} {value} is not a valid phone number"),
    "wan_magnitude": ("{column} 为 {value}，单位是万元，是否误填为元？", "{column} is {value} in 万元 (10,000 yuan): was it typed in yuan?"),
    "division_code": ("区划代码 {value} 与填报单位 {township} 不符，应为 {expected}", "division code {value} does not match the township {township}: expected {expected}"),
    "le": ("{a}（{va}）不应大于 {b}（{vb}）", "{a} ({va}) must not exceed {b} ({vb})"),
    "sum_equals": ("{column}（{value}）应等于 {parts} 之和（{expected}）", "{column} ({value}) must equal the sum of {parts} ({expected})"),
    "sum_le": ("{parts} 之和（{total}）不应大于 {column}（{value}）", "the sum of {parts} ({total}) must not exceed {column} ({value})"),
    "required_if": ("{when}为“是”时，{column}必填", "{column} is required when {when} is 是"),
    "blank_if": ("{when}为“否”时，{column}应为空（实为 {value}）", "{column} must be blank when {when} is 否 (found {value})"),
    "not_after_as_of": ("{column} {value} 晚于统计日期 {as_of}", "{column} {value} is after the reporting date {as_of}"),
    "date_order": ("{a}（{va}）晚于 {b}（{vb}）", "{a} ({va}) is after {b} ({vb})"),
    "required_if_present": ("已填{when}，{column}必填", "{column} is required when {when} is filled in"),
    "required_if_value": ("{when}为“{equals}”时，{column}必填", "{column} is required when {when} is {equals}"),
    "required_if_positive": ("{when}大于0时，{column}必填", "{column} is required when {when} is above 0"),
    "same_day": ("{column}（{value}）与{other}（{expected}）不是同一天，应当日调度", "{column} ({value}) is not the same day as {other} ({expected}): dispatch the same day"),
    "same_day_if": ("{when}为“{equals}”时，{column}应为{other}（{expected}），实为 {value}", "when {when} is {equals}, {column} must equal {other} ({expected}), found {value}"),
    "shared_liaison": ("驻企联络员 {value} 同时联系 {count} 个企业（项目），应一企一员", "liaison officer {value} serves {count} enterprises (one officer per enterprise expected)"),
    "running_stock": ("{item} 库存在此行变为负数（{stock}）", "the stock of {item} goes below zero at this row ({stock})"),
    "derived": ("{column} 为 {value}，按规则应为 {expected}", "{column} is {value}, the rule gives {expected}"),
    "exists_in": ("{column} {value!r} 不在 {where} 中", "{column} {value!r} is not listed in {where}"),
})
CATALOG.update({
    "no_as_of": ("封面缺少有效的统计日期，按 {as_of} 计算（取自文件名，或为今天）", "the cover has no valid reporting date; using {as_of} (from the file name, or today)"),
    "name_date_mismatch": ("统计日期 {value} 与文件名中的日期 {expected} 不一致", "the reporting date {value} differs from the date in the file name, {expected}"),
    "total_row": ("合计行 {column} 为 {value}，各行之和为 {expected}", "the total row gives {value} for {column}; the rows add up to {expected}"),
})
# --- where the table ends and merged cells (reading/table_rows.py, rules/sheet.py) --------
CATALOG.update({
    "subtotal_row": ("小计行 {column} 为 {value}，所辖各行（第{rows}行）之和为 {expected}", "the subtotal row gives {value} for {column}; the rows it covers (rows {rows}) add up to {expected}"),
    "note_row": ("此行只有一段文字（{text}），视为表下说明，未计入数据（本表共{count}行）", "this row holds only a text ({text}): read as a note under the table, not as data ({count} such rows in the sheet)"),
    "serial_only_rows": ("第{first}–{last}行只填了序号（共{count}行），未计入数据；如有企业漏填，请补全", "rows {first}–{last} have only a 序号 ({count} rows): not counted as data; fill them in if an entry is missing"),
    "header_repeated": ("第{row}行重复了表头（第{header}行；本表共{count}处），已跳过；请确认下面不是另一张表或另一天的数据", "row {row} repeats the header (row {header}; {count} times in the sheet) and was skipped; make sure what follows is not another table or another day"),
    "merged_cells": ("合并单元格 {range} 的值 {value} 已作为其所跨每一行的值；建议取消合并并逐行填写", "the merged cells {range} hold {value}, read as the value of each row they span; unmerge them and fill in every row"),
})
# --- batches of workbooks --------------------------------------------------------
CATALOG.update({
    "county_duplicate": ("{column} {value} 同时出现在 {other}", "{column} {value} also appears in {other}"),
    "duplicate_workbook": ("{township} {date} 有多个工作簿：使用修改时间最新的 {used}，未使用 {others}", "{township} has more than one workbook for {date}: the newest by modification time, {used}, is used; not {others}"),
    "township_missing": ("{township} 未报送 {date} 的工作簿", "{township} has not reported a workbook for {date}"),
    "worker_failed": ("检查 {file} 时出错: {detail}", "checking {file} failed: {detail}"),
})
# --- reports ------------------------------------------------------------------
CATALOG.update({
    "verdict_pass": ("通过", "passed"),
    "verdict_counts": ("{errors} 个错误，{warnings} 个警告", "{errors} errors, {warnings} warnings"),
    "verdict_unreadable": ("无法读取", "unreadable"),
    "col_cell": ("单元格", "Cell"),
    "col_severity": ("级别", "Severity"),
    "col_rule": ("规则", "Rule"),
    "col_message": ("说明", "Message"),
    "workbook_level": ("（工作簿）", "(workbook)"),
    "county_level": ("全县（各工作簿之间）", "County (between workbooks)"),
    "batch_total": ("共检查 {files} 个工作簿: {ok} 个通过，{bad} 个有错误，{unreadable} 个无法读取；{errors} 个错误，{warnings} 个警告", "{files} workbooks checked: {ok} passed, {bad} with errors, {unreadable} unreadable; {errors} errors, {warnings} warnings"),
    "all_rules": ("全部规则", "all rules"),
})
CATALOG.update({
    "cli_bad_date": ("不是有效日期: {value!r}（应为 2020-03-11）", "not a valid date: {value!r} (use 2020-03-11)"),
    "cli_written": ("已写入 {file}", "written: {file}"),
    "cli_checking": ("正在检查", "checking"),
})
# --- county summary -----------------------------------------------------------
CATALOG.update({
    "date_phrase": ("截至{month}月{day}日", "As of {date}"),
    "scope_county": ("全县", "the county's"),
    "scope_partial": ("已报送的{reported}个乡镇（共{expected}个乡镇，{missing}未报送）",
                      "the {reported} reporting townships' (of {expected}; not reported: {missing})"),
    "summary_missing": ("未报送的乡镇（{count}个，未计入汇总）：{townships}", "Townships not reported ({count}, not in the summary): {townships}"),
    "summary_not_used": ("未计入汇总（统计日期不同）：{workbook}（{date}）", "Not in the summary (another 统计日期): {workbook} ({date})"),
    "summary_with_errors": ("已计入汇总但有错误的工作簿（{count}个，其数字可能不全或有误，请更正后重新汇总）：{workbooks}", "Workbooks in the summary that have 错误 ({count}; their figures may be incomplete or wrong: correct them and summarise again): {workbooks}"),
    "summary_errors_of": ("{workbook}（{errors}个错误）", "{workbook} ({errors} 错误)"),
    "summary_other_days": ("未计入汇总（统计日期不同）：另有{count}个工作簿，{first}至{last}共{days}个统计日期", "Not in the summary (another 统计日期): {count} more workbooks, {days} days from {first} to {last}"),
    "summary_superseded": ("未计入汇总（同一乡镇同一统计日期另有较新的工作簿 {newer}）：{workbook}", "Not in the summary (the same township and 统计日期 has a newer workbook, {newer}): {workbook}"),
    "no_date": ("无统计日期", "no 统计日期"),
    "not_reported": ("未报送", "not reported"),
    "col_used": ("计入汇总", "In the summary"),
    "used_yes": ("是", "yes"),
    "used_no": ("否", "no"),
    "summary_sheet": ("县级汇总", "County summary"),
    "bulletin_sheet": ("通报", "Bulletin"),
    "sources_sheet": ("数据来源", "Sources"),
    "township": ("乡镇", "Township"),
    "total": ("合计", "Total"),
    "chart_title": ("各乡镇规模工业企业开复工率", "Resumption rate of scale industrial enterprises by township"),
    "col_workbook": ("工作簿", "Workbook"),
    "col_verdict": ("校验结果", "Result"),
    "summary_written": ("县级汇总已写入 {file}（{count} 个乡镇）", "county summary written to {file} ({count} townships)"),
})
# --- marks on a workbook (annotate, ribbon) -------------------------------------------
CATALOG.update({
    "results_sheet": ("校验结果", "Check results"),
    "results_header": ("序号|工作表|单元格|级别|规则|说明|单元格的值", "No.|Sheet|Cell|Severity|Rule|Message|Value"),
    "annotate_same_file": ("输出文件不能与源文件相同: {file}", "the output must not be the source file: {file}"),
    "annotate_unsupported": ("工作簿 {file} 含有无法原样保留的内容（{parts}），为避免丢失，未生成标注副本", "{file} has parts that cannot be carried over ({parts}); no annotated copy was written so that nothing is lost"),
    "annotate_macros_hint": ("宏（如需保留，请加 --keep-macros 并输出为 .xlsm）", "macros (to keep them, add --keep-macros and write an .xlsm)"),
    "annotate_written": ("已写入标注副本 {file}: {verdict}", "annotated copy written to {file}: {verdict}"),
    "annotate_failed": ("无法生成 {file} 的标注副本（{detail}），未写入任何文件", "could not make the annotated copy of {file} ({detail}); nothing was written"),
    "output_failed": ("无法写入 {file}: {detail}", "cannot write {file}: {detail}"),
})
# --- hostile and odd files ----------------------------------------------------------
CATALOG.update({
    "file_symlink": ("{file} 是符号链接，为安全起见不读取", "{file} is a symbolic link; not read, for safety"),
    "file_not_regular": ("{file} 不是普通文件（目录、设备或管道），不读取", "{file} is not a regular file (a folder, device or pipe); not read"),
    "file_zip_bomb": ("{file} 解压后过大（{size}，上限 {limit}），疑似压缩炸弹，未读取", "{file} would unpack to {size} (limit {limit}): a likely zip bomb; not read"),
    "file_hostile_xml": ("{file} 含有XML实体声明（DTD），可能是恶意文件，未读取", "{file} declares XML entities (a DTD): possibly hostile; not read"),
    "file_too_many_cells": ("{file} 的工作表 {sheet} 跨越 {cells} 个单元格（上限 {limit}），未读取", "sheet {sheet} of {file} spans {cells} cells (limit {limit}); not read"),
    "file_crashed": ("读取 {file} 时超出内存上限 {limit} 或读取进程异常退出，文件可能已损坏或含恶意内容", "reading {file} exceeded the memory limit {limit} or the reading process died: the file may be damaged or hostile"),
    "file_timeout": ("读取 {file} 超过时间上限 {seconds} 秒，已跳过", "reading {file} took longer than {seconds} s; skipped"),
})
# --- the ribbon ------------------------------------------------------------
CATALOG.update({
    "ribbon_title": ("复工复产", "复工复产 reporting"),
    "ribbon_not_standard": (
        "当前工作簿不是复工复产标准报表（没有找到任何标准工作表），未作标注",
        "the active workbook is not a standard 复工复产 workbook (none of its sheets was "
        "found); nothing was marked"),
    "ribbon_cleared": ("已清除 {count} 个单元格的标注", "marks removed from {count} cells"),
    "ribbon_nothing_to_clear": ("没有需要清除的标注", "there are no marks to remove"),
    "ribbon_marks_foreign": (
        "工作表 {sheet} 不是本工具写入的标注记录，未作改动",
        "sheet {sheet} is not a marks record written by this tool; nothing was changed"),
    "ribbon_unknown_button": ("未知按钮: {button}", "unknown button: {button}"),
    "ribbon_failed": ("操作失败: {detail}", "the action failed: {detail}"),
    "ribbon_cancelled": ("已取消", "cancelled"),
    "ribbon_ask_township": ("请输入乡镇名称（如 泷泊镇）", "township name (e.g. 泷泊镇)"),
    "ribbon_ask_date": ("请输入统计日期（如 2020-03-11）", "reporting date (e.g. 2020-03-11)"),
    "ribbon_need_township": ("需要乡镇名称才能新建报表",
                             "a township name is needed for a new workbook"),
    "ribbon_new_written": ("已新建报表 {file}", "new workbook written: {file}"),
    "ribbon_pick_folder": ("请选择存放各乡镇报表的文件夹",
                           "choose the folder of township workbooks"),
    "ribbon_need_folder": ("需要选择一个文件夹才能汇总",
                           "a folder is needed for the county summary"),
    "ribbon_summary_done": (
        "县级汇总已写入 {file}（{count} 个乡镇）\n{bulletin}\n{totals}",
        "county summary written to {file} ({count} townships)\n{bulletin}\n{totals}"),
    "ribbon_help_head": ("复工复产单元格函数（在单元格中输入，如 =FG_RATE(I3,H3)）：",
                         "复工复产 cell functions (type them in a cell, e.g. =FG_RATE(I3,H3)):"),
})
# --- the add-in (xl-addin build-addin): the ribbon tab's texts, its title, the build's error
CATALOG.update({
    "ribbon_tab": ("复工复产", "复工复产"),
    "ribbon_group_check": ("校验", "Check"),
    "ribbon_group_report": ("报表", "Reports"),
    "ribbon_group_help": ("帮助", "Help"),
    "ribbon_validate": ("校验本表", "Check workbook"),
    "ribbon_validate_tip": ("校验当前工作簿：有问题的单元格填色并加批注，另建“校验结果”工作表列出全部问题（可点击跳转）。不改动任何数值、公式和格式。",
                            "Check the active workbook: each cell with a problem is filled and gets a note, and a new sheet 校验结果 lists every problem (click one to go to its cell). No value, formula or format is changed."),
    "ribbon_clear": ("清除标注", "Clear marks"),
    "ribbon_clear_tip": ("去掉“校验本表”所做的全部标注：恢复单元格原来的填充色和批注，删除“校验结果”工作表。",
                         "Remove every mark that Check workbook made: each cell gets back its original fill and note, and the sheet 校验结果 is deleted."),
    "ribbon_new_report": ("新建报表", "New report"),
    "ribbon_new_report_tip": ("按乡镇和统计日期生成空白标准报表（表头、格式、下拉选项），不会覆盖已有文件。",
                              "Write the blank standard workbook of a township and reporting date (headers, formats, dropdowns); an existing file is never overwritten."),
    "ribbon_summary": ("县级汇总", "County summary"),
    "ribbon_summary_tip": ("选择存放各乡镇报表的文件夹，校验全部报表并生成县级汇总表和通报语句。",
                           "Choose the folder of township workbooks: every workbook is checked, then the county summary and the bulletin sentence are written."),
    "ribbon_help": ("函数帮助", "Function help"),
    "ribbon_help_tip": ("列出 FG_ 开头的单元格函数及其参数和说明。",
                        "List the FG_ cell functions with their arguments and descriptions."),
    "addin_title": ("复工复产报表工具", "复工复产 reporting tool"),
    "addin_description": ("复工复产报表校验、新建报表、县级汇总与 FG_ 单元格函数（xl-addin）",
                          "复工复产 workbook checks, new reports, the county summary and the FG_ cell functions (xl-addin)"),
    "build_failed": ("加载项未生成：\n{problems}", "the add-in was not built:\n{problems}"),
})
# === data dictionary (填报说明): xl_addin/outputs/dictionary.py ============================
# Texts of the data dictionary generated from schemas/: docs/workbook.md and the 填报说明
# sheet of the template. A rule kind ``k`` of the schemas is described by ``doc_k``, a cell
# rule by ``doc_cell_k``, a derived column by ``doc_derived_k``; every sheet's purpose by
# ``doc_sheet_<key>``. Column names in the placeholders stay Chinese in both languages.
CATALOG.update({
    # --- frame ----------------------------------------------------------------------
    "doc_sheet": ("填报说明", "填报说明"),
    "doc_title": ("{workbook} 填报说明", "{workbook}: data dictionary (填报说明)"),
    "doc_generated": (
        "本文件由 `{command}` 根据 schemas/ 中的报表定义自动生成，请勿手工修改。",
        "Generated from the workbook definitions in schemas/ by `{command}`; do not edit "
        "by hand."),
    "doc_generated_sheet": (
        "本表根据报表定义自动生成，与校验规则一致：每个工作表的列、类型、单位、是否必填、可选值和校验规则。",
        "Generated from the workbook definitions, the same as the checks: every sheet's "
        "columns, types, units, required columns, allowed values and rules."),
    "doc_township": ("××镇", "<township>"),
    "doc_conventions": ("填写约定", "Conventions"),
    "doc_rules": ("校验规则", "Rules"),
    "doc_warning": ("（警告）", " (warning)"),
    "doc_yes": ("是", "yes"),
    "doc_no": ("否", "no"),
    "doc_unique_county": ("全县唯一", "unique in the county"),
    "doc_list_sep": ("、", ", "),
    "doc_rule_sep": ("；", "; "),
    "doc_note_sep": ("；", "; "),
    "doc_or": (" 或 ", " or "),
    "doc_of": ("{sheet} 的 {column}", "{column} of {sheet}"),
    "doc_sentence_sep": ("", " "),
    "doc_section": ("{title}：{purpose}", "{title}: {purpose}"),
    # --- table headers --------------------------------------------------------------
    "doc_col_sheet": ("工作表", "Sheet"),
    "doc_col_name": ("列名", "Column"),
    "doc_col_type": ("类型", "Type"),
    "doc_col_unit": ("单位", "Unit"),
    "doc_col_required": ("必填", "Required"),
    "doc_col_unique": ("唯一", "Unique"),
    "doc_col_choices": ("可选值", "Allowed values"),
    "doc_col_range": ("取值范围", "Range"),
    "doc_col_notes": ("说明", "Notes"),
    # --- conventions (workbook.md) ----------------------------------------------------
    "doc_conv_header": (
        "每个数据表第1行为表头，列名和顺序与本说明一致，从第2行起每行一条记录；表头上方可以有标题行。",
        "Row 1 of each data sheet holds the headers, named and ordered as here; each row "
        "from row 2 is one record. A title row above the headers is accepted."),
    "doc_conv_total": (
        "表中可以有“合计”“小计”行，不作为数据校验，但合计数应等于各行之和，小计数应等于其所辖各行"
        "（自表头或上一个小计、合计起）之和；表下的填表人、审核人、注、说明等行不计入数据。",
        "合计 (total) and 小计 (subtotal) rows are not checked as data, but a total must "
        "equal the sum of the rows, a subtotal the sum of the rows it covers (from the "
        "header or the last subtotal or total); the 填表人, 审核人, 注, 说明 lines under the "
        "table are not data."),
    "doc_conv_as_of": (
        "封面的统计日期是各项日期规则的截止日期，状态也按统计日期判定。",
        "The cover's 统计日期 is the as-of date of every date rule and of the computed "
        "statuses."),
    "doc_conv_money": (
        "金额以元为单位，保留2位小数；列名注明（万元）的按万元填写。",
        "Amounts are in 元 with 2 decimals, except in columns headed （万元）."),
    "doc_conv_rate": ("比率按百分比填写（如 96.3% 或 0.963）。",
                      "Rates are percentages (96.3% or 0.963)."),
    "doc_conv_dates": (
        "日期填写为日期（如 2020-03-11），月份填写为 年-月（如 2020-02）；“是否”类列填写 是 或 否。",
        "Dates as dates (2020-03-11), months as year-month (2020-02); 是否 columns take "
        "是 (yes) or 否 (no)."),
    "doc_conv_codes": (
        "代码、身份证号和电话号码按文本填写，以免变成科学计数法或丢失末位。",
        "Codes, ID numbers and phone numbers are typed as text, so that they do not turn "
        "into 4.31E+17 or lose digits."),
    "doc_conv_severity": (
        "校验结果分两级：错误须改正后才能上报；警告请核实，确认无误可以上报。",
        "Findings come in two levels: an error (错误) must be corrected before the "
        "workbook is submitted; a warning (警告) needs a look."),
    # --- layouts and purposes of the sheets -----------------------------------------------
    "doc_layout_keyvalue": ("A列为项目，B列填写内容，C列为填写提示。",
                            "Item names in column A, values in column B, hints in column C."),
    "doc_layout_summary": ("各项指标由公式根据其他工作表自动计算，无需填写，请勿改动。",
                           "Every indicator is a formula over the other sheets: nothing to "
                           "fill in; do not change it."),
    "doc_sheet_cover": ("报表的基本信息：填报单位、区划代码、统计日期、填报人和审核人。",
                        "The workbook's particulars: township, division code, reporting "
                        "date, who filled it in and who reviewed it."),
    "doc_sheet_enterprises": (
        "每家规模工业企业一行：开复工情况、职工和上岗人数、驻企联络员（一企一员）。",
        "One row per scale industrial enterprise: resumption, staff and workers on duty, "
        "liaison officer (one per enterprise)."),
    "doc_sheet_projects": (
        "每个重点项目一行：计划开复工月份、开复工情况、用工和到岗人数、驻企联络员。",
        "One row per key project: planned month, resumption, planned and arrived workers, "
        "liaison officer."),
    "doc_sheet_small_micro": ("按行业类别统计小微企业户数：正常运营和暂停营业。",
                              "Small and micro enterprises counted by industry: operating "
                              "and suspended."),
    "doc_sheet_migrant_workers": ("每个村（社区）一行：返乡农民工人数和返岗情况。",
                                  "One row per village: returned migrant workers and how "
                                  "many are back at work."),
    "doc_sheet_poverty_labour": ("每个村（社区）一行：贫困劳动力务工和返岗情况。",
                                 "One row per village: poverty-registered labour at work "
                                 "and back at work."),
    "doc_sheet_hazards": ("每条安全生产隐患一行：发现、整改和复查，状态按统计日期判定。",
                          "One row per safety hazard: found, rectified, reviewed; the status "
                          "follows from the reporting date."),
    "doc_sheet_issues": ("每个问题一行：提出、调度、交办和办结，状态按统计日期判定。",
                         "One row per issue: raised, dispatched, assigned, closed; the status "
                         "follows from the reporting date."),
    "doc_sheet_supplies": ("每笔入库或发放一行，每种物资的库存按日期累计。",
                           "One row per receipt (入库) or issue (发放); the stock of each item "
                           "is added up by date."),
    "doc_sheet_stabilization": ("每家企业一行：失业保险稳岗返还的条件和金额。",
                                "One row per enterprise: the conditions and amount of its "
                                "job-stabilisation refund."),
    "doc_sheet_absorption": ("每名员工一行：疫情防控重点企业吸纳就业的一次性补贴。",
                             "One row per employee: the one-off subsidy for key "
                             "epidemic-control enterprises that took them on."),
    "doc_sheet_si_exemption": ("每家企业一行：养老、失业、工伤保险单位缴费的减免金额。",
                               "One row per enterprise: the exemption of its employer "
                               "pension, unemployment and injury contributions."),
    "doc_sheet_financing": ("每笔银企对接、贷款、展期或担保一行。",
                            "One row per bank match, loan, extension or guarantee."),
    "doc_sheet_summary": ("本乡镇复工复产主要指标。", "The township's headline indicators."),
    # --- column types ---------------------------------------------------------------------
    "doc_type_text": ("文本", "text"),
    "doc_type_code": ("代码（文本）", "code (text)"),
    "doc_type_count": ("整数", "whole number"),
    "doc_type_number": ("数值", "number"),
    "doc_type_money": ("金额", "amount"),
    "doc_type_rate": ("比率", "rate"),
    "doc_type_date": ("日期", "date"),
    "doc_type_month": ("月份（年-月）", "month (year-month)"),
    "doc_type_yesno": ("是否", "yes/no"),
    "doc_unit_money": ("元", "元"),
    "doc_unit_rate": ("%", "%"),
    "doc_range_min": ("≥ {low}", "≥ {low}"),
    "doc_range_max": ("≤ {high}", "≤ {high}"),
    "doc_range_between": ("{low} – {high}", "{low} – {high}"),
    "doc_optional_field": ("可以不设此项", "the item may be left out"),
    "doc_personal": ("个人信息：校验结果中只显示前6位和后4位",
                     "personal data: findings show only the first 6 and last 4 characters"),
    # --- cell rules ---------------------------------------------------------------------
    "doc_cell_uscc": ("18位统一社会信用代码，校验位须正确（GB 32100）",
                      "18-character unified social credit code with valid check characters "
                      "(GB 32100)"),
    "doc_cell_idcard": ("18位身份证号，出生日期须存在、校验位须正确（GB 11643）",
                        "18-character ID number: the birth date must exist and the check "
                        "character be right (GB 11643)"),
    "doc_cell_mobile": ("11位手机号", "11-digit mobile number"),
    "doc_cell_phone": ("11位手机号或带区号的座机号", "11-digit mobile number or a landline "
                       "number with its area code"),
    "doc_cell_wan_magnitude": ("大于 {limit} 万元时提示是否误填为元",
                               "above {limit} 万元 it is flagged: typed in 元 by mistake?"),
    "doc_cell_division_code": ("须与填报单位相符（县区划代码 + 乡镇代码 + 000）",
                               "must match the township (county code + township code + "
                               "000)"),
    # --- derived columns ------------------------------------------------------------------
    "doc_derived_check": ("填写值须与计算结果一致", "a typed value must agree with the "
                          "computed one"),
    "doc_derived_tolerance": ("（金额允许相差 {tolerance} 元）",
                              " (amounts within {tolerance} 元)"),
    "doc_derived_hazard_status": (
        "按统计日期判定：复查结论为“合格”为 已销号，为“不合格”为 复查不合格；已填 整改完成日期 为 待复查；"
        "统计日期晚于 整改期限 为 逾期未整改；其余为 整改中",
        "follows from the reporting date: 复查结论 合格 → 已销号, 不合格 → 复查不合格; "
        "整改完成日期 filled in → 待复查; reporting date after 整改期限 → 逾期未整改; "
        "otherwise 整改中"),
    "doc_derived_issue_status": (
        "按统计日期判定：办结日期 与 提出日期 同一天为 当日办结；已填 办结日期 为 已办结；"
        "统计日期晚于 办结期限 为 逾期；其余为 办理中",
        "follows from the reporting date: 办结日期 the same day as 提出日期 → 当日办结; "
        "办结日期 filled in → 已办结; reporting date after 办结期限 → 逾期; otherwise 办理中"),
    "doc_derived_supply_amount": ("计算方法：数量 × 单价（元），四舍五入到分",
                                  "computed as 数量 × 单价（元）, rounded to the fen"),
    "doc_derived_stabilization_refund": (
        "计算方法：上年度实际缴纳失业保险费（元）× 返还比例（留空按政策比例），四舍五入到分；"
        "上年末参保人数 为0、是否欠费 为“是”或裁员率（上年度裁员人数 ÷ 上年末参保人数）超过政策上限时为 0",
        "computed as 上年度实际缴纳失业保险费（元） × 返还比例 (blank: the policy's ratio), "
        "rounded to the fen; 0 when 上年末参保人数 is 0, 是否欠费 is 是, or the layoff rate "
        "(上年度裁员人数 ÷ 上年末参保人数) is above the policy's cap"),
    "doc_derived_absorption_subsidy": (
        "是否疫情防控重点企业 为“是”且 连续在岗月数 达到政策规定月数时，按政策标准发放（每人每月标准 × 规定月数）；"
        "否则为 0",
        "the policy's amount (monthly amount × required months) when 是否疫情防控重点企业 "
        "is 是 and 连续在岗月数 reaches the required months; otherwise 0"),
    "doc_derived_si_exemption": (
        "计算方法：减免起始月 至 减免终止月 逐月计算 月缴费基数合计（元）×（养老费率 + 失业费率 + 工伤费率）"
        "× 该 企业规模 当月的减免比例，逐月四舍五入到分后相加",
        "computed month by month from 减免起始月 to 减免终止月: 月缴费基数合计（元） × "
        "(养老费率 + 失业费率 + 工伤费率) × the share of that 企业规模 in that month, each "
        "month rounded to the fen, then added up"),
    "doc_derived_lpr_in_force": ("统计日期当日有效的1年期贷款市场报价利率（LPR），取自政策文件",
                                 "the 1-year loan prime rate (LPR) in force on the reporting "
                                 "date, from the policy file"),
    # --- rules of a sheet (schemas/*.yaml ``checks:``) and of the workbook --------------------
    "doc_le": ("{a} 不得大于 {b}", "{a} must not exceed {b}"),
    "doc_sum_equals": ("{parts} 应等于 {column}", "{parts} must equal {column}"),
    "doc_sum_le": ("{parts} 不得大于 {column}", "{parts} must not exceed {column}"),
    "doc_required_if": ("{when} 为“{equals}”时，{column} 必填",
                        "{column} is required when {when} is {equals}"),
    "doc_blank_if": ("{when} 为“{equals}”时，{column} 应为空",
                     "{column} must be blank when {when} is {equals}"),
    "doc_required_if_positive": ("{when} 大于 0 时，{column} 必填",
                                 "{column} is required when {when} is above 0"),
    "doc_required_if_present": ("填写了 {when} 时，{columns} 必填",
                                "when {when} is filled in, {columns} must be filled in too"),
    "doc_required_if_value": ("{when} 为“{equals}”时，{columns} 必填",
                              "when {when} is {equals}, {columns} must be filled in"),
    "doc_not_after_as_of": ("{columns} 不得晚于统计日期",
                            "{columns} must not be after the reporting date (统计日期)"),
    "doc_date_order": ("{later} 不得早于 {earlier}", "{later} must not be before {earlier}"),
    "doc_same_day": ("{column} 应与 {other} 为同一天",
                     "{column} should be the same day as {other}"),
    "doc_same_day_if": ("{when} 为“{equals}”时，{column} 应与 {other} 为同一天",
                        "when {when} is {equals}, {column} must be the same day as {other}"),
    "doc_shared_liaison": ("一企一员：同一 {column} 出现在多行（多个 {of}）时提示核实",
                           "one officer each: the same {column} on several rows (several "
                           "{of}) is flagged for a look"),
    "doc_running_stock": (
        "每种 物资名称 按 日期 先后累计库存（收支 为“入库”加 数量，为“发放”减 数量），库存不得小于 0",
        "the stock of each 物资名称, added up in 日期 order (入库 adds 数量, 发放 subtracts "
        "it), must never go below 0"),
    "doc_exists_in": ("{column} 应能在 {where} 中找到", "{column} should be listed in {where}"),
    "doc_totals": ("如有“合计”“小计”行，其中 {columns} 应等于所辖各行之和",
                   "a 合计 (total) or 小计 (subtotal) row, if any, must give the sums of the "
                   "rows it covers for {columns}"),
})
# === end of the data dictionary texts ======================================================

# --- issue 12: 封面 and values as clerks type them (docs/real-workbooks.md) ------------------
CATALOG.update({
    "invisible_char": ("含看不见的字符（不间断空格或零宽空格）: {original!r}，已按 {value} 读取；"
                       "请删除该字符，否则 Excel 的筛选和公式不会把它当作 {value}",
                       "holds an invisible character (no-break or zero-width space): "
                       "{original!r}, read as {value}; delete it, or Excel's filters and "
                       "formulas will not take it for {value}"),
    "rate_as_points": ("比率 {original} 超过 100%，可能是想填 {value}：请填写 {value}（带百分号）"
                       "或对应的小数",
                       "rate {original} is above 100%: probably {value} was meant; type "
                       "{value} (with the percent sign) or the fraction"),
    "code_as_number": ("代码被存成了数字 {original}：超过15位的数字 Excel 只保留前15位，后面的数字"
                       "已经丢失。请把单元格设为“文本”格式，再照原件重新输入完整代码",
                       "the code was stored as the number {original}: Excel keeps only 15 "
                       "digits of a number, the rest were lost. Format the cell as Text and "
                       "type the whole code again from the original"),
    "date_without_year": ("日期没有写年份: {original!r}，已按统计日期的年份读作 {value}",
                          "date typed without a year: {original!r}, read with the year of "
                          "统计日期 as {value}"),
    "township_alias": ("填报单位写作 {original}，已按乡镇 {value} 读取；请只填乡镇名称",
                       "填报单位 written as {original}, read as the township {value}; "
                       "write the township's name only"),
    "unknown_township": ("填报单位 {value} 不是{county}的乡镇（{townships}），无法核对区划代码",
                         "填报单位 {value} is no township of {county} ({townships}): the "
                         "division code cannot be checked"),
    "not_text": ("应为文字: {value!r}", "must be text: {value!r}"),
    "id_division": ("身份证号前6位 {division} 不是行政区划代码",
                    "the first six digits {division} of the ID number are not an "
                    "administrative division code"),
})

# --- formats: .xls, .ods, names that lie (issue 12, reading/guard.py, outputs/annotate.py) ---
CATALOG.update({
    "file_format_mismatch": ("文件 {file} 的扩展名是 {suffix}，但实际是 {actual}，已按实际格式读取；请改正扩展名，或在Excel中另存为 .xlsx", "{file} is named {suffix} but is in fact an {actual}; it was read as what it is. Correct the extension, or save it as .xlsx in Excel"),
    "annotate_converted": ("{file} 是 {format} 文件，标注副本已另存为 .xlsx：只带过了各单元格的值（公式只保留计算结果），未保留格式、列宽、合并单元格、批注、图片图表和数据有效性", "{file} is an {format} file; the annotated copy was written as .xlsx with the cells' values only (formulas as their results): formatting, column widths, merged cells, comments, pictures, charts and data validation were not carried over"),
    "annotate_out_not_xlsx": ("标注副本只能保存为 .xlsx（或保留宏时的 .xlsm），请把输出文件 {file} 的扩展名改为 .xlsx", "the annotated copy can only be written as .xlsx (or .xlsm to keep macros): give the output {file} the extension .xlsx"),
})

# --- the whole bulletin (outputs/bulletin.py) -----------------------------------------
CATALOG.update({
    "bulletin_template_unreadable": ("无法读取通报模板 {file}：{detail}",
                                     "cannot read the bulletin template {file}: {detail}"),
    "bulletin_template_syntax": ("通报模板 {file} 第 {line} 行有语法错误：{detail}",
                                 "bulletin template {file}, line {line}: syntax error: {detail}"),
    "bulletin_template_unknown": ("通报模板 {file} 第 {line} 行：没有名为 {name} 的数字（可用的名称见 docs/formats.md）",
                                  "bulletin template {file}, line {line}: no figure named {name} (the names are listed in docs/formats.md)"),
    "bulletin_template_failed": ("通报模板 {file} 第 {line} 行出错：{detail}",
                                 "bulletin template {file}, line {line}: {detail}"),
    "bulletin_template_empty": ("通报模板 {file} 没有生成任何文字", "the bulletin template {file} gives no text"),
})

# === result cache (validation/cache.py): reasons an entry is not written or not used ======
# (maintainers' logs only: the workbook is read again, nothing is shown to a clerk)
CATALOG.update({
    "cache_unstorable": ("结果未缓存：{reason}", "result not cached: {reason}"),
    "cache_foreign": ("缓存条目不可用，已忽略：{reason}", "cache entry ignored: {reason}"),
})
# === print layout (outputs/print_setup.py): page headers and footers ======================
# Excel header/footer codes: &P the page, &N the pages; a literal & is written &&.
CATALOG.update({
    "print_title": ("{unit}　{sheet}（统计日期：{date}）", "{unit} — {sheet} (as of {date})"),
    "print_page": ("第 &P 页 共 &N 页", "Page &P of &N"),
    "print_signature": ("填报人：__________　　审核人：__________　　单位负责人（盖章）：__________",
                        "Prepared by: __________   Reviewed by: __________   "
                        "Head of unit (seal): __________"),
})
# === end of the print layout texts =========================================================

# --- rules between reporting days (rules/days.py; issue 13 item 2) -----------------------
CATALOG.update({
    "day_row_gone": ("{sheet} 中上次报送已有的 {key} 在本工作簿中不见了（上次报送：{previous}）", "{key} of {sheet}, in the previous report, is gone from this workbook (previous report: {previous})"),
    "day_reopened": ("{key} 的{column}由 {before} 变为 {value}：已办结（销号）的事项不得重新打开（上次报送：{previous}）", "{key}: {column} went from {before} back to {value}; a closed item must not reopen (previous report: {previous})"),
    "day_fixed_changed": ("{key} 的{column}由 {before} 改为 {value}，此项填写后不应更改（上次报送：{previous}）", "{key}: {column} changed from {before} to {value}; it must not change once written (previous report: {previous})"),
    "day_deadline_later": ("{key} 的{column}由 {before} 推迟到 {value}（上次报送：{previous}）", "{key}: {column} moved later, from {before} to {value} (previous report: {previous})"),
    "day_resumed_undone": ("{key} 上次报送已开复工（是），本工作簿为 否（上次报送：{previous}）", "{key} had resumed (是) in the previous report and is 否 now (previous report: {previous})"),
    "day_staff_jump": ("{key} 的职工总数由 {before} 变为 {value}，增减超过上次的 {limit}，请核实（上次报送：{previous}）", "{key}: 职工总数 went from {before} to {value}, a change of more than {limit} of the previous report's; please verify (previous report: {previous})"),
    "day_stock_carry": ("{item} 截至上次报送的统计日期 {date} 的库存，本工作簿为 {value}，上次报送为 {before}：补录或改动了 {date} 及以前的收支（上次报送：{previous}）", "the stock of {item} up to the previous 统计日期 {date} is {value} in this workbook and was {before}: entries dated {date} or earlier were added or changed (previous report: {previous})"),
})

# === the dispatch list and the trend (outputs/dispatch.py, outputs/trend.py; issue 13) =====
CATALOG.update({
    "dispatch_title": ("{department} 交办清单（{date_phrase}）",
                       "{department}: dispatch list ({date_phrase})"),
    "dispatch_scope": ("范围：{scope}", "Scope: {scope} workbooks"),
    "dispatch_no_department": ("未填承办部门", "No 承办部门 given"),
    "dispatch_none": ("无", "None"),
    "dispatch_col_no": ("序号", "No."),
    "dispatch_col_days_left": ("剩余天数", "Days left"),
    "dispatch_col_days_overdue": ("逾期天数", "Days overdue"),
    "dispatch_col_department": ("承办部门", "Department"),
    "dispatch_col_open": ("未办结合计", "Open"),
    "dispatch_col_overdue": ("其中逾期", "Of which overdue"),
    "dispatch_overview_sheet": ("交办总览", "Dispatch overview"),
    "dispatch_overview_title": ("未办结交办问题（按承办部门、问题类别，{date_phrase}）",
                                "Open issues by department and category ({date_phrase})"),
    "dispatch_hazards_sheet": ("未销号隐患", "Open hazards"),
    "dispatch_hazards_title": ("未销号安全隐患清单（逾期在前，{date_phrase}）",
                               "Hazards not closed, overdue first ({date_phrase})"),
    "dispatch_hazards_line": ("未销号安全隐患 {count} 条，其中逾期 {overdue} 条（见“未销号隐患”表）",
                              "{count} hazards not closed, {overdue} overdue (sheet 未销号隐患)"),
    "dispatch_summary_line": (
        "{date_phrase}，未办结交办问题 {issues} 个（其中逾期 {overdue} 个，涉及 {departments} 个承办部门），"
        "未销号安全隐患 {hazards} 条（其中逾期 {hazards_overdue} 条）",
        "{date_phrase}: {issues} open issues ({overdue} overdue, {departments} departments), "
        "{hazards} hazards not closed ({hazards_overdue} overdue)"),
    "dispatch_written": ("交办清单已写入 {file}（{sheets} 个工作表）",
                         "dispatch list written to {file} ({sheets} sheets)"),
    "trend_sheet": ("趋势", "Trend"),
    "trend_title": ("各乡镇指标趋势（{first} 至 {last}，{days} 个统计日期）",
                    "Indicators by day ({first} to {last}, {days} reporting days)"),
    "trend_county": ("全县（已报送乡镇合计）逐日指标", "The county (townships that reported) by day"),
    "trend_chart": ("全县主要指标趋势", "The county's rates by day"),
    "trend_reported_count": ("已报送乡镇数", "Townships reported"),
    "trend_missing_col": ("未报送乡镇", "Not reported"),
    "trend_matrix": ("报送情况（乡镇 × 统计日期）", "Reporting (township × day)"),
    "trend_reported": ("已报送", "reported"),
    "trend_errors": ("有错误", "had errors"),
    "trend_below": ("低于全县的乡镇（{date}）", "Townships below the county ({date})"),
    "trend_col_rate": ("指标", "Indicator"),
    "trend_col_county": ("全县", "County"),
    "trend_col_below": ("低于全县的乡镇", "Townships below the county"),
    "trend_townships": ("各乡镇逐日指标", "Each township by day"),
})
# === end of the dispatch list and the trend ================================================
