"""Excel on the web / Office.js: the FG_ functions as xlwings Server custom functions,
called through xlwings' own ``custom_functions_call`` with payloads shaped as Excel
sends them, and described by ``custom_functions_meta``. Each must agree with
``xl_addin.functions.udfs`` and with what the validator computes for the same inputs."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xl_addin import xlwings_udfs
from xl_addin.core import status
from xl_addin.core.policy import load_policy
from xl_addin.functions import udfs
from xl_addin.functions.docs import DOCS, vba_arg_name
from xl_addin.model.spec import load_workbook_spec
from xl_addin.rules.cell import CELL_RULES
from xl_addin.rules.context import RuleContext
from xl_addin.rules.derived import expected_value

EPOCH = dt.date(1899, 12, 30)


@pytest.fixture(scope="module")
def server() -> Iterator[types.ModuleType]:
    """``xlwings.server`` under the PolyForm Noncommercial licence key."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
        from xlwings import server as xlwings_server
        yield xlwings_server


@pytest.fixture(scope="module")
def module(server: types.ModuleType) -> types.ModuleType:
    return xlwings_udfs.server_module()


def serial(day: dt.date) -> int:
    return (day - EPOCH).days


def excel(value: Any) -> Any:
    """A cell value as Office.js sends it: dates as serial numbers."""
    return serial(value) if isinstance(value, dt.date) else value


def as_range(value: Any) -> list[list[Any]]:
    """An argument as Office.js sends it: always a 2-D list (parameters are matrices)."""
    if isinstance(value, list):
        return [[excel(v) for v in row] for row in value]
    return [[excel(value)]]


def grid(value: Any) -> list[list[Any]]:
    """A udfs result as the server returns it: always a 2-D list, None as ''."""
    if isinstance(value, list):
        return [row if isinstance(row, list) else [row] for row in value]
    return [[value]]


def call(server: types.ModuleType, module: types.ModuleType, name: str, args: list[Any],
         runtime: str = "1.4") -> Any:
    import xlwings

    payload = {"client": "Office.js", "version": xlwings.__version__, "runtime": runtime,
               "func_name": name, "args": args, "caller_address": "[县级报表.xlsx]Sheet1!B2",
               "session_id": "s1", "culture_info_name": "zh-CN", "date_format": "yyyy/m/d"}
    return asyncio.run(server.custom_functions_call(payload, module))


# --- import without a licence key ---------------------------------------------------------

def test_module_imports_without_a_licence_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("XLWINGS_LICENSE_KEY", "XLWINGS_ON_SERVER")}
    env["HOME"] = env["USERPROFILE"] = str(tmp_path)  # no ~/.xlwings/xlwings.conf key either
    code = ("import sys, xl_addin.xlwings_udfs as x; print(x.FG_RATE([[62]], [[64]])); "
            "print('xlwings.server' in sys.modules)\n"
            "try:\n    x.server_functions()\nexcept Exception as e:\n"
            "    print(type(e).__name__)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["0.96875", "False", "LicenseError"]


# --- metadata -----------------------------------------------------------------------

def test_meta_lists_every_function_with_its_help(server: types.ModuleType,
                                                 module: types.ModuleType) -> None:
    meta = server.custom_functions_meta(module)
    functions = {f["id"]: f for f in meta["functions"]}
    assert set(functions) == set(udfs.FUNCTIONS) == set(DOCS)
    for name, doc in DOCS.items():
        entry = functions[name]
        assert entry["name"] == name
        assert entry["description"] == doc.description
        assert "volatile" not in entry["options"]
        assert entry["result"] == {"dimensionality": "matrix", "type": "any"}
        python = list(inspect.signature(udfs.FUNCTIONS[name]).parameters.values())
        assert [p["name"] for p in entry["parameters"]] == [vba_arg_name(p.name) for p in python]
        assert [p.get("optional", False) for p in entry["parameters"]] == [
            p.default is not inspect.Parameter.empty for p in python]
        assert [p["description"] for p in entry["parameters"]] == list(doc.args.values())
        assert all(p["dimensionality"] == "matrix" for p in entry["parameters"])


def test_server_functions_are_thin_wrappers(module: types.ModuleType) -> None:
    for name in DOCS:
        f = getattr(module, name)
        assert f is not udfs.FUNCTIONS[name] and f is not getattr(xlwings_udfs, name)
        assert f.__xlfunc__["volatile"] is False
        assert all(a["options"] == {"ndim": 2, "err_to_str": True} for a in f.__xlfunc__["args"])


# --- every function: the server path equals the Python call ----------------------------

@pytest.mark.parametrize("name", sorted(DOCS))
def test_example_through_the_server(server: types.ModuleType, module: types.ModuleType,
                                    name: str) -> None:
    doc = DOCS[name]
    result = call(server, module, name, [as_range(v) for v in doc.example])
    assert result == grid(udfs.FUNCTIONS[name](*doc.example)) == grid(doc.expected)
    # an older Office runtime gets plain values: the same here, nothing is a date or error
    assert call(server, module, name, [as_range(v) for v in doc.example], "1.3") == result


@pytest.mark.parametrize("name", sorted(set(DOCS) - {"FG_RESUMPTION_RATE"}))
def test_column_through_the_server(server: types.ModuleType, module: types.ModuleType,
                                   name: str) -> None:
    """A column with the example, an empty row (null and ''), and the example again."""
    doc = DOCS[name]
    columns = [[[v], [None], [""], [v]] for v in doc.example]
    result = call(server, module, name, [[[excel(c) for c in row] for row in col]
                                         for col in columns])
    assert result == grid(udfs.FUNCTIONS[name](*columns))
    assert result[0] == result[3] == [doc.expected] and len(result) == 4


def test_omitted_and_empty_optional_arguments(server: types.ModuleType,
                                              module: types.ModuleType) -> None:
    # left out of the call, or an empty cell: the Python default
    assert call(server, module, "FG_STABILIZATION_REFUND", [[[10000]], [[30]], [[6]]]) == [[6000.0]]
    assert call(server, module, "FG_STABILIZATION_REFUND",
                [[[10000]], [[30]], [[6]], [[None]], [[""]]]) == [[6000.0]]
    assert call(server, module, "FG_STABILIZATION_REFUND",
                [[[10000]], [[30]], [[6]], [["是"]]]) == [[0.0]]
    assert call(server, module, "FG_LPR", [[[serial(dt.date(2020, 4, 20))]], [["5Y"]]]) == [
        [0.0465]]


def test_text_numbers_and_percentages(server: types.ModuleType, module: types.ModuleType) -> None:
    assert call(server, module, "FG_GUARANTEE_FEE", [[["1,234"]]]) == [[6.17]]
    assert call(server, module, "FG_RATE", [[["６２"]], [[" 64 "]]]) == [[0.96875]]
    assert call(server, module, "FG_SI_EXEMPTION",
                [[["小型"]], [["100,000"]], [["16%"]], [["0.7%"]], [["0.2%"]], [["2020年2月"]],
                 [["2020-06"]]]) == [[84500.0]]
    assert call(server, module, "FG_INTEREST_SAVING", [[["1,180"]], [["3.05%"]], [["4.05%"]]]) == [
        [11.8]]


def test_bad_arguments_come_back_as_chinese_text(server: types.ModuleType,
                                                 module: types.ModuleType) -> None:
    result = call(server, module, "FG_RATE", [[[1], [2]], [[0], [4]]])
    assert result == [["#值错误: 分母为0"], [0.5]]  # text, not an Excel error object
    # an error value in a cell is named, not taken for a blank
    error = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    [[text]] = call(server, module, "FG_HAZARD_STATUS", [[[error]], [[None]], [[None]],
                                                         [[serial(dt.date(2020, 3, 2))]]])
    assert text.startswith("#值错误") and "#N/A" in text
    mismatch = call(server, module, "FG_RATE", [[[1], [2]], [[1], [2], [3]]])
    assert all(str(cell).startswith("#") for row in mismatch for cell in row)


def test_two_dimensional_range(server: types.ModuleType, module: types.ModuleType) -> None:
    assert call(server, module, "FG_RATE", [[[1, 1], [3, 5]], [[4, 2], [0, 10]]]) == [
        [0.25, 0.5], ["#值错误: 分母为0", 0.5]]
    assert call(server, module, "FG_RESUMPTION_RATE", [[["是", "否"], [None, "是"]]]) == [
        [2 / 3]]


def test_policy_table_from_one_cell(server: types.ModuleType, module: types.ModuleType) -> None:
    table = call(server, module, "FG_POLICY", [[["LPR"]]])
    assert table == udfs.FG_POLICY("LPR")
    assert ["2020-04-20", 0.0385, 0.0465] in table


# --- the validator's view ------------------------------------------------------------

def _ctx(sheet: str, as_of: dt.date) -> tuple[RuleContext, Any]:
    spec = load_workbook_spec().sheet(sheet)
    column = next((c for c in spec.columns if c.derived), None)
    return RuleContext(as_of=as_of, policy=load_policy(), sheet=spec), column


def _through_server(server: types.ModuleType, module: types.ModuleType, name: str,
                    rows: list[tuple[Any, ...]], extra: tuple[Any, ...] = ()) -> list[Any]:
    columns = [[[excel(r[i])] for r in rows] for i in range(len(rows[0]))]
    result = call(server, module, name, columns + [as_range(e) for e in extra])
    assert len(result) == len(rows)
    return [row[0] for row in result]


AS_OF = dt.date(2020, 3, 11)
D = dt.date


def test_hazard_status_equals_the_validator(server: types.ModuleType,
                                            module: types.ModuleType) -> None:
    ctx, column = _ctx("hazards", AS_OF)
    rows = [  # 整改期限, 整改完成日期, 复查结论
        (D(2020, 3, 20), None, None),           # 整改中
        (D(2020, 3, 11), None, None),           # on the deadline day: not yet overdue
        (D(2020, 3, 10), None, None),           # 逾期未整改
        (D(2020, 3, 1), D(2020, 3, 5), None),   # 待复查
        (D(2020, 3, 1), D(2020, 3, 5), "不合格"),  # 复查不合格
        (D(2020, 3, 1), D(2020, 3, 5), "合格"),    # 已销号
        (None, None, None),                      # nothing yet: 整改中 by the validator
    ]
    expected = [expected_value(column, dict(zip(
        ("整改期限", "整改完成日期", "复查结论"), r, strict=True)), ctx) for r in rows]
    assert expected == ["整改中", "整改中", "逾期未整改", "待复查", "复查不合格", "已销号",
                        "整改中"]
    got = _through_server(server, module, "FG_HAZARD_STATUS", rows[:-1], (AS_OF,))
    assert got == expected[:-1]
    # a row with every input blank is left blank by the cell function (whole-column use)
    assert _through_server(server, module, "FG_HAZARD_STATUS", rows[-1:], (AS_OF,)) == [""]


def test_issue_status_equals_the_validator(server: types.ModuleType,
                                           module: types.ModuleType) -> None:
    ctx, column = _ctx("issues", AS_OF)
    rows = [  # 提出日期, 办结期限, 办结日期
        (D(2020, 3, 2), D(2020, 3, 9), D(2020, 3, 2)),   # 当日办结
        (D(2020, 3, 2), D(2020, 3, 9), D(2020, 3, 6)),   # 已办结
        (D(2020, 3, 2), D(2020, 3, 20), None),           # 办理中
        (D(2020, 3, 2), D(2020, 3, 9), None),            # 逾期
        (D(2020, 3, 2), None, None),                     # no deadline: 办理中
    ]
    expected = [expected_value(column, dict(zip(
        ("提出日期", "办结期限", "办结日期"), r, strict=True)), ctx) for r in rows]
    assert expected == ["当日办结", "已办结", "办理中", "逾期", "办理中"]
    assert _through_server(server, module, "FG_ISSUE_STATUS", rows, (AS_OF,)) == expected


def test_refund_equals_the_validator(server: types.ModuleType, module: types.ModuleType) -> None:
    ctx, column = _ctx("stabilization", AS_OF)
    headers = ("上年度实际缴纳失业保险费（元）", "上年末参保人数", "上年度裁员人数", "是否欠费",
               "返还比例")
    typed = [  # as the validator holds them after coercion
        (Decimal("10000"), 30, 6, False, None),
        (Decimal("10000"), 30, 7, False, None),          # 23.33% > 20%: 0
        (Decimal("25431.57"), 120, 6, False, None),      # 5% ≤ 5.5%
        (Decimal("25431.57"), 120, 7, False, None),      # 5.83% > 5.5%: 0
        (Decimal("8000"), 50, 0, True, None),            # in arrears: 0
        (Decimal("8000"), 50, 0, False, Decimal("1")),   # ratio 100%
    ]
    cells = [(float(p), n, lay, "是" if arr else "否", None if r is None else float(r))
             for p, n, lay, arr, r in typed]
    expected = [expected_value(column, dict(zip(headers, r, strict=True)), ctx)
                for r in typed]
    assert expected == [Decimal("6000.00"), 0, Decimal("15258.94"), 0, 0, Decimal("8000.00")]
    got = _through_server(server, module, "FG_STABILIZATION_REFUND", cells)
    assert got == [float(e) for e in expected]


def test_absorption_and_si_exemption_equal_the_validator(server: types.ModuleType,
                                                        module: types.ModuleType) -> None:
    ctx, column = _ctx("absorption", AS_OF)
    typed = [(True, 3), (True, 2), (False, 6), (True, 12)]
    expected = [expected_value(column, {"是否疫情防控重点企业": k, "连续在岗月数": m}, ctx)
                for k, m in typed]
    assert [float(e) for e in expected] == [900.0, 0.0, 0.0, 900.0]
    cells = [("是" if k else "否", m) for k, m in typed]
    assert _through_server(server, module, "FG_ABSORPTION_SUBSIDY", cells) == [
        float(e) for e in expected]

    ctx, column = _ctx("si_exemption", AS_OF)
    headers = ("企业规模", "月缴费基数合计（元）", "养老费率", "失业费率", "工伤费率", "减免起始月",
               "减免终止月")
    rows = [
        ("小型", 100000, 0.16, 0.007, 0.002, "2020-02", "2020-06"),
        ("大型", 100000, 0.16, 0.007, 0.002, "2020-02", "2020-06"),
        ("微型", 35218.4, 0.16, 0.007, 0.004, "2020-03", "2020-12"),
    ]
    expected = [expected_value(column, dict(zip(headers, r, strict=True)), ctx)
                for r in rows]
    # 小型: 16900 × 5; 大型: half for 2020-02…06 (the extended schedule) = 8450 × 5
    assert expected[:2] == [Decimal("84500.00"), Decimal("42250.00")]
    assert _through_server(server, module, "FG_SI_EXEMPTION", rows) == [float(e) for e in expected]


def test_lpr_and_code_checks_equal_the_validator(server: types.ModuleType,
                                                 module: types.ModuleType) -> None:
    for as_of in (D(2020, 2, 19), D(2020, 2, 20), D(2020, 3, 11), D(2020, 12, 31)):
        ctx, column = _ctx("financing", as_of)
        expected = expected_value(column, {}, ctx)
        assert call(server, module, "FG_LPR", [[[serial(as_of)]]]) == [[float(expected)]]

    ctx, _ = _ctx("enterprises", AS_OF)
    codes = ["91431123MA4RB2L75Y", "91431123MA4RB2L75X", "91350100M000100Y43", "9143112"]
    got = _through_server(server, module, "FG_USCC_CHECK", [(c,) for c in codes])
    for code, answer in zip(codes, got, strict=True):
        finding = CELL_RULES["uscc"].test(code, ctx)
        assert answer == (True if finding is None else finding["reason"])
    assert got[0] is True and got[1] is not True
    ids = ["11010519491231002X", "110105194902300021", "11010519491231002Y"]
    got = _through_server(server, module, "FG_IDCARD_CHECK", [(i,) for i in ids])
    for number, answer in zip(ids, got, strict=True):
        finding = CELL_RULES["idcard"].test(number, ctx)
        assert answer == (True if finding is None else finding["reason"])
    assert got[0] is True and "19490230" in got[1]


# --- a 10,000-row column is one call ---------------------------------------------------

def test_ten_thousand_rows_are_one_call(server: types.ModuleType, module: types.ModuleType,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = udfs.FG_HAZARD_STATUS

    def counting(*args: Any) -> Any:
        calls.append(len(args[0]))
        return original(*args)

    monkeypatch.setattr(udfs, "FG_HAZARD_STATUS", counting)
    start = serial(D(2020, 2, 1))
    deadlines = [[start + i % 60] for i in range(10_000)]
    done = [[start + 5 if i % 7 == 0 else None] for i in range(10_000)]
    verdicts = [["合格" if i % 21 == 0 else None] for i in range(10_000)]
    result = call(server, module, "FG_HAZARD_STATUS",
                  [deadlines, done, verdicts, [[serial(AS_OF)]]])
    assert calls == [10_000]
    assert len(result) == 10_000 and all(len(row) == 1 for row in result)
    expected = [str(status.hazard_status(EPOCH + dt.timedelta(days=d[0]),
                                         None if f[0] is None else EPOCH + dt.timedelta(days=f[0]),
                                         v[0], AS_OF))
                for d, f, v in zip(deadlines, done, verdicts, strict=True)]
    assert [row[0] for row in result] == expected


# --- the demo workbooks: every derived column recomputed through the server path --------

DEMO = sorted((Path(__file__).parents[1] / "workbooks" / "demo").glob("*.xlsx"))


def _office(value: Any) -> Any:
    """A cell value of an openpyxl sheet as Office.js sends it."""
    if isinstance(value, dt.datetime):
        return float(serial(value.date()))
    return value


def _columns(ws: Any, letters: str) -> list[list[list[Any]]]:
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    index = [ord(c) - ord("A") for c in letters]
    return [[[_office(r[i])] for r in rows if any(v is not None for v in r)] for i in index]


def test_demo_workbooks_derived_columns(server: types.ModuleType,
                                        module: types.ModuleType) -> None:
    """The demo set passes the validator, so its typed derived columns are the validator's
    values: the functions must reproduce every one of them from the input columns."""
    from openpyxl import load_workbook

    assert len(DEMO) == 11
    # sheet, function, input columns, the derived column, whether 统计日期 is appended
    cases = [
        ("安全隐患台账", "FG_HAZARD_STATUS", "HIL", "M", True),
        ("问题交办台账", "FG_ISSUE_STATUS", "EIJ", "K", True),
        ("稳岗返还", "FG_STABILIZATION_REFUND", "FDEGH", "I", False),
        ("吸纳就业补贴", "FG_ABSORPTION_SUBSIDY", "CG", "H", False),
        ("社保减免", "FG_SI_EXEMPTION", "CDEFGHI", "J", False),
    ]
    compared = {case[1]: 0 for case in cases}
    for path in DEMO:
        book = load_workbook(path, read_only=True)
        as_of = book["封面"]["B3"].value
        assert isinstance(as_of, dt.datetime)
        for sheet, name, inputs, derived, dated in cases:
            args = _columns(book[sheet], inputs)
            if not args[0]:
                continue
            if dated:
                args.append([[_office(as_of)]])
            [want] = _columns(book[sheet], derived)
            assert call(server, module, name, args) == want, (path.name, sheet)
            compared[name] += len(want)
        [lpr] = _columns(book["金融支持"], "F")
        in_force = call(server, module, "FG_LPR", [[[_office(as_of)]]])
        assert all([row] == in_force for row in lpr if row != [None])
        compared["FG_LPR"] = compared.get("FG_LPR", 0) + sum(row != [None] for row in lpr)
        for sheet, letter in (("规模工业企业", "C"), ("吸纳就业补贴", "B"), ("稳岗返还", "B")):
            [codes] = _columns(book[sheet], letter)
            assert call(server, module, "FG_USCC_CHECK", [codes]) == [[True]] * len(codes)
        [ids] = _columns(book["吸纳就业补贴"], "E")
        assert call(server, module, "FG_IDCARD_CHECK", [ids]) == [[True]] * len(ids)
        [flags] = _columns(book["规模工业企业"], "F")
        yes = sum(f == ["是"] for f in flags)
        assert call(server, module, "FG_RESUMPTION_RATE", [flags]) == [[yes / len(flags)]]
        book.close()
    assert all(n > 0 for n in compared.values()), compared
