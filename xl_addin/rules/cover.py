"""Rules of a workbook's 封面: 统计日期 present and agreeing with the file's name, 区划代码
the code of 填报单位 (the policy's list of townships). Applied by validation/workbook.py."""

from __future__ import annotations

from typing import Any

from ..core.enterprise import division_code_matches, township_code
from ..core.errors import CalcError
from ..core.messages import shown
from ..core.normalize import normalize_code
from ..model.findings import Severity
from .registry import Rule, Scope, Source, declare, register

declare("no_as_of", Scope.WORKBOOK, Source.WORKBOOK, Severity.WARNING,
        "封面 has no valid 统计日期: the date in the file name, or today, is used")
declare("name_date_mismatch", Scope.WORKBOOK, Source.WORKBOOK, Severity.WARNING,
        "统计日期 differs from the date in the file name")


def division_problem(township: Any, code: Any, policy: Any) -> dict[str, Any] | None:
    """None when 封面's 区划代码 names its 填报单位, else the message parameters."""
    try:
        expected = township_code(policy, township) + "000"
    except CalcError as exc:
        return {"value": shown(code), "township": shown(township), "expected": exc.message()}
    if division_code_matches(policy, township, code):
        return None
    return {"value": shown(code), "township": shown(township), "expected": expected}


register(Rule("division_code", Scope.WORKBOOK, Source.WORKBOOK, Severity.ERROR,
              "封面's 区划代码 must be the code of its 填报单位 (the policy's township list)",
              test=division_problem, expected_param="expected"))


# --- 填报单位 as clerks write it (issue 12, 封面; docs/real-workbooks.md) --------------------

declare("township_alias", Scope.WORKBOOK, Source.WORKBOOK, Severity.WARNING,
        "填报单位 written as the township's government or with the county's name "
        "(泷泊镇人民政府, 双牌县泷泊镇): read as the policy's township")
declare("unknown_township", Scope.WORKBOOK, Source.WORKBOOK, Severity.ERROR,
        "填报单位 is no township of the policy's county: 区划代码 cannot be checked")

# what may be written after a township's name: its government
GOVERNMENT_SUFFIXES = ("人民政府", "政府")


def match_township(policy: Any, written: Any) -> str | None:
    """The policy's township that 填报单位 ``written`` names: itself, or with the county's
    name before it (the jurisdiction's tail from the county up: 双牌县泷泊镇, 永州市双牌县…)
    and/or its government after it (泷泊镇人民政府, 泷泊镇政府). None if none."""
    key = normalize_code(written)
    if key in policy.townships:
        return key
    jurisdiction, county = policy.meta.jurisdiction, policy.meta.county
    prefixes = sorted({jurisdiction[i:] for i in range(len(jurisdiction))
                       if (i == 0 or jurisdiction[i - 1] in "省市")
                       and jurisdiction[i:].endswith(county)} | {county},
                      key=len, reverse=True)
    for prefix in ("", *prefixes):
        if prefix and not key.startswith(prefix):
            continue
        rest = key[len(prefix):]
        for suffix in ("", *GOVERNMENT_SUFFIXES):
            if suffix and not rest.endswith(suffix):
                continue
            name = rest[:len(rest) - len(suffix)]
            if name in policy.townships:
                return name
    return None
