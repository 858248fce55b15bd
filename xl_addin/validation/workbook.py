"""Validate one workbook: read it, coerce every column, run the pandera schemas and the
workbook rules, and return every finding with its cell.

This is the library call behind ``xl-addin check``, ``annotate``, ``summary`` and the
ribbon's 校验本表.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandera.polars as pa
import polars as pl

from ..core.codes import mask_id_number, mask_phone
from ..core.messages import shown
from ..core.normalize import normalize_code
from ..core.policy import Policy, load_policy
from ..model.findings import Finding, Severity, Tally, sort_key
from ..model.spec import (
    ColumnSpec,
    SheetSpec,
    WorkbookSpec,
    cover_label,
    load_workbook_spec,
    sheet_order,
)
from ..reading.coercion import Quirk, coerce_column
from ..reading.limits import DEFAULT_LIMITS, Limits
from ..reading.reader import (
    CoverData,
    ReadError,
    SheetData,
    WorkbookData,
    column_letter,
    read_workbook,
)
from ..rules.cell import CELL_RULES, cell_rule_severity
from ..rules.context import CURRENT, RuleContext, python_value
from ..rules.cover import division_problem, match_township
from ..rules.pandera_schema import RULES_TAG, Tag, build_schema
from ..rules.registry import REGISTRY, rule


@dataclass
class ValidatedWorkbook(Tally):
    """Everything the checks learnt about one workbook."""

    path: str
    display: str
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # typed sheets by key
    cover: dict[str, Any] = field(default_factory=dict)  # typed cover fields
    as_of: dt.date | None = None
    policy: str = ""
    error: ReadError | None = None  # set when the file could not be read at all
    addresses: dict[str, SheetData] = field(default_factory=dict)

    @property
    def unreadable(self) -> bool:
        return self.error is not None


def _is_private(column: ColumnSpec) -> bool:
    return column.personal or bool({"mobile", "phone"} & set(column.checks))


def _mask(column: ColumnSpec, value: Any) -> Any:
    if value is None or not _is_private(column):
        return value
    return mask_id_number(value) if column.personal else mask_phone(value)


# The polars type of each kind of column (schemas/: ``type:``); text of every other kind
DTYPES: dict[str, Any] = {"count": pl.Int64, "money": pl.Float64, "number": pl.Float64,
                          "rate": pl.Float64, "date": pl.Date, "yesno": pl.Boolean}


def _typed_series(name: str, values: list[Any], column: ColumnSpec) -> pl.Series:
    dtype = DTYPES.get(column.type, pl.String)
    try:
        return pl.Series(name, values, dtype=dtype, strict=True)
    except (OverflowError, TypeError):
        if column.type != "count":
            raise
        # a count beyond 64 bits: compared as a float, added up exactly from ``values``
        return pl.Series(name, [None if v is None else float(v) for v in values],
                         dtype=pl.Float64)


class _SheetRun:
    """Validation of one sheet."""

    def __init__(self, result: ValidatedWorkbook, sheet: SheetData, ctx: RuleContext) -> None:
        self.result, self.sheet, self.ctx = result, sheet, ctx
        self.spec: SheetSpec = sheet.spec
        self.unusable: dict[str, set[int]] = {}
        self.findings: list[Finding] = []

    def finding(self, column: str | None, index: int | None, rule_id: str,
                severity: Severity | str | None, params: dict[str, Any], value: Any = None,
                expected: Any = None) -> None:
        sheet = self.sheet
        cell = sheet.address(column, index) if column in sheet.columns and index is not None \
            else (sheet.header_address(column) if column else None)
        row = sheet.rows[index] if index is not None else sheet.header_row
        spec = self.spec.by_name.get(column) if column else None
        if spec is not None and _is_private(spec):
            value = _mask(spec, value)
            params = {k: (_mask(spec, v) if k == "value" else v) for k, v in params.items()}
        self.findings.append(REGISTRY[rule_id].finding(
            self.result.display, sheet.name, cell, row, column, params, value, expected,
            severity))

    def run(self) -> pl.DataFrame:
        present = [c.name for c in self.spec.columns if c.name in self.sheet.data]
        frame: list[pl.Series] = []
        for name in present:
            column = self.spec.by_name[name]
            coerced = coerce_column(self.sheet.data[name], column.type, self.ctx.as_of)
            self.unusable[name] = coerced.unusable
            for quirk in coerced.quirks:
                self._quirk(column, quirk)
            frame.append(_typed_series(name, coerced.values, column))
            self.ctx.values[name] = coerced.values
        rows = len(self.sheet.rows)
        # a sheet none of whose columns was read still has its rows (counted as such)
        df = pl.DataFrame(frame) if frame else pl.DataFrame({"": [None] * rows}).drop("")
        self.ctx.frame = df
        if len(df):  # every check is by cell or by row: an empty table has nothing to fail
            schema, tags = build_schema(self.spec, present)
            token = CURRENT.set(self.ctx)
            try:
                schema.validate(df, lazy=True)
            except pa.errors.SchemaErrors as exc:
                self._failures(exc.failure_cases, tags, df)
            finally:
                CURRENT.reset(token)
        self._total_row(df)
        return df

    def _quirk(self, column: ColumnSpec, quirk: Quirk) -> None:
        if quirk.rule in ("formula_error", "uncalculated"):  # an error code, not the person's data
            params = {"original": quirk.original, "value": quirk.value}
        else:
            params = {"original": _mask(column, quirk.original),
                      "value": _mask(column, quirk.value)}
        self.finding(column.name, quirk.index, quirk.rule, None, params,
                     value=params["original"], expected=params["value"])

    def _failures(self, cases: pl.DataFrame, tags: dict[str, Tag], df: pl.DataFrame) -> None:
        seen: set[tuple[str, int]] = set()
        facts: dict[str, Any] = {}  # per tag: what the rule's messages need, once per sheet
        for key, i in self._failed(cases):
            tag = tags.get(key)
            if tag is None or (key, i) in seen:
                continue
            seen.add((key, i))
            if i in self.unusable.get(tag.column, ()):
                continue  # the coercion already reported this cell
            row = {c: self.ctx.values[c][i] for c in df.columns}  # the coerced values
            self._report(tag, i, row, df, facts, key)

    def _failed(self, cases: pl.DataFrame) -> Iterator[tuple[str, int]]:
        """(tag, row index) of each failure pandera found, in its order; a row failing
        the registered rules (``fg_rules``) once for each rule it fails, in their order."""
        rules: list[int] = []
        for check, column, index in zip(cases["check"], cases["column"], cases["index"],
                                        strict=True):
            if index is None:
                continue
            if check == RULES_TAG:
                rules.append(index)
                continue
            yield {"not_nullable": f"required|{column}",
                   "field_uniqueness": f"unique|{column}"}.get(check, check), index
        for key, passed in self.ctx.passed.items():
            for i in rules:
                if not passed[i]:
                    yield key, i

    def _report(self, tag: Tag, i: int, row: dict[str, Any], df: pl.DataFrame,
                facts: dict[str, Any], key: str) -> None:
        found = REGISTRY[tag.rule]
        fact = None
        if found.facts is not None:
            if key not in facts:
                facts[key] = found.facts(df, tag.args)
            fact = facts[key][i]
        params = found.explain(tag.args, row, self.ctx, fact)  # type: ignore[misc]
        if params is None:
            return  # the rule's own look at the row found nothing to say
        value = shown(row.get(tag.column))
        expected = params[found.expected_param] if found.expected_param else None
        self.finding(tag.column, i, tag.rule, tag.severity, params, value, expected)

    def _total_row(self, df: pl.DataFrame) -> None:
        """Each 合计 row against the sum of every row, each 小计 row against the rows it
        covers (``SummedRow.covers``): an 错误 at each figure that differs."""
        sheet = self.sheet
        for summed in sheet.summed:
            start, stop = summed.covers
            part = df[start:stop]
            rows = sheet.rows[start:stop]
            for name in self.spec.totals:
                if name not in summed.values or name not in df.columns:
                    continue
                coerced = coerce_column([summed.values[name]], self.spec.by_name[name].type)
                given = coerced.values[0]
                if given is None:
                    continue
                total = part[name].sum()
                if abs(float(given) - float(total)) <= 0.005:
                    continue
                cell = f"{column_letter(sheet.columns[name])}{summed.row}"
                expected = shown(python_value(total))
                params = {"column": name, "value": shown(given), "expected": expected}
                if summed.subtotal:
                    params["rows"] = f"{rows[0]}–{rows[-1]}" if rows else "—"
                self.findings.append(rule("subtotal_row" if summed.subtotal else "total_row")
                                     .finding(self.result.display, sheet.name, cell,
                                              summed.row, name, params, shown(given),
                                              expected))


def _read_cover(result: ValidatedWorkbook, cover: CoverData | None, policy: Policy,
                as_of: dt.date | None) -> dt.date:
    """Type 封面's fields into ``result.cover``; the 统计日期 the rules use."""
    typed: dict[str, Any] = {}
    findings = result.findings
    township, code, date = (cover_label(k) for k in ("township", "division_code", "as_of"))
    if cover is not None:
        for column in cover.spec.columns:
            if column.name not in cover.values:
                continue
            coerced = coerce_column([cover.values[column.name]], column.type)
            cell, row = cover.cells[column.name], cover.rows[column.name]
            for quirk in coerced.quirks:
                findings.append(REGISTRY[quirk.rule].finding(
                    result.display, cover.name, cell, row, column.name,
                    {"original": _mask(column, quirk.original),
                     "value": _mask(column, quirk.value)}))
            typed[column.name] = value = coerced.values[0]
            if column.required and value is None and not coerced.unusable:
                findings.append(rule("required").finding(
                    result.display, cover.name, cell, row, column.name,
                    {"column": column.name}))
            for name in column.checks:  # the cell rules of a field (联系电话: phone)
                cell_rule = CELL_RULES.get(name)
                if cell_rule is None or value is None or cell_rule.test(value, None) is None:
                    continue
                params = cell_rule.explain({"column": column.name},  # type: ignore[misc]
                                           {column.name: value}, None, None)
                params["value"] = _mask(column, params["value"])
                findings.append(cell_rule.finding(
                    result.display, cover.name, cell, row, column.name, params,
                    params["value"], severity=cell_rule_severity(cell_rule, column.severity)))
    result.cover = typed
    named = _date_in_name(result.display)
    chosen = as_of or typed.get(date) or named or dt.date.today()
    if as_of is None and typed.get(date) is None:
        findings.append(rule("no_as_of").finding(
            result.display, cover.name if cover else "封面", column=date,
            params={"as_of": chosen.isoformat()}))
    elif named and typed.get(date) and named != typed[date] and cover is not None:
        findings.append(rule("name_date_mismatch").finding(
            result.display, cover.name, cover.cells[date], cover.rows[date], date,
            {"value": typed[date].isoformat(), "expected": named.isoformat()}))
    known = cover is not None and typed.get(township) and _township(result, cover, policy)
    if known and typed.get(code):
        problem = division_problem(typed[township], typed[code], policy)
        if problem:
            findings.append(rule("division_code").finding(
                result.display, cover.name, cover.cells[code], cover.rows[code], code,
                problem, problem["value"], problem["expected"]))
    return chosen


def _township(result: ValidatedWorkbook, cover: CoverData, policy: Policy) -> bool:
    """Match 填报单位 to the policy's township it names (泷泊镇人民政府 → 泷泊镇, with a
    警告) and keep that name in ``result.cover``; False, with an 错误, when it names none."""
    name = cover_label("township")
    written = result.cover[name]
    cell, row = cover.cells[name], cover.rows[name]
    matched = match_township(policy, written)
    if matched is None:
        result.findings.append(rule("unknown_township").finding(
            result.display, cover.name, cell, row, name,
            {"value": shown(written), "county": policy.meta.county,
             "townships": "、".join(policy.townships)}, shown(written)))
        return False
    if matched != normalize_code(written):
        result.findings.append(rule("township_alias").finding(
            result.display, cover.name, cell, row, name,
            {"original": shown(written), "value": matched}, shown(written), matched))
    result.cover[name] = matched
    return True


_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=\.[A-Za-z]+$)")


def _date_in_name(display: str) -> dt.date | None:
    """The date of a file named ``<乡镇名>_<YYYY-MM-DD>.xlsx``, if it is one."""
    match = _NAME_DATE.search(os.path.basename(display))
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _between_sheets(result: ValidatedWorkbook, data: WorkbookData, spec: WorkbookSpec,
                    values: dict[str, dict[str, list[Any]]]) -> None:
    """The rules between the sheets of the workbook (workbook.yaml's ``checks:``), over the
    coerced values of each sheet present (``values``: sheet name -> column -> values)."""
    for check in spec.checks:
        found = REGISTRY[check.check]
        for args in found.uses(check.args):
            sheet = data.sheets.get(spec.sheet(args["sheet"]).key)
            if sheet is None:
                continue
            column = args["column"]
            for i, value in found.test(values, args):  # type: ignore[misc]
                params = found.explain(args, value)  # type: ignore[misc]
                result.findings.append(found.finding(
                    result.display, sheet.name, sheet.address(column, i), sheet.rows[i],
                    column, params, value, severity=check.severity))


def validate_data(data: WorkbookData, as_of: dt.date | None = None, policy: Policy | None = None,
                  spec: WorkbookSpec | None = None) -> ValidatedWorkbook:
    """Validate a workbook already read."""
    spec = spec or load_workbook_spec()
    policy = policy or load_policy()
    result = ValidatedWorkbook(data.path, data.display, list(data.findings), policy=policy.label)
    result.as_of = _read_cover(result, data.cover, policy, as_of)
    values: dict[str, dict[str, list[Any]]] = {}
    for key, sheet in data.sheets.items():
        ctx = RuleContext(result.as_of, policy, sheet.spec)
        run = _SheetRun(result, sheet, ctx)
        result.tables[key] = run.run()
        result.findings.extend(run.findings)
        values[sheet.spec.sheet] = ctx.values
    result.addresses = data.sheets
    _between_sheets(result, data, spec, values)
    order = sheet_order()
    result.findings.sort(key=lambda f: sort_key(f, order))
    return result


def validate_path(path: str | os.PathLike[str], display: str | None = None,
                  as_of: dt.date | None = None, policy: Policy | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> ValidatedWorkbook:
    """Validate the workbook at ``path``; a file that cannot be read gives ``result.error``."""
    display = display or str(path)
    try:
        data = read_workbook(path, display, limits=limits)
    except ReadError as exc:
        return ValidatedWorkbook(str(path), display, error=exc)
    return validate_data(data, as_of, policy)


def all_findings(results: Iterable[ValidatedWorkbook]) -> list[Finding]:
    return [f for r in results for f in r.findings]
