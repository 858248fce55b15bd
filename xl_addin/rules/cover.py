"""Rules of a workbook's 封面: 统计日期 present and agreeing with the file's name, 区划代码
the code of 填报单位 (the policy's list of townships). Applied by validation/workbook.py."""

from __future__ import annotations

from typing import Any

from ..core.enterprise import division_code_matches, township_code
from ..core.errors import CalcError
from ..core.messages import shown
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
