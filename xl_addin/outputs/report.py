"""One batch of findings, rendered as a console table, JSON, JUnit XML, SARIF or GitHub
annotations."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable
from itertools import groupby
from typing import TYPE_CHECKING

from .. import __version__
from ..core.messages import Lang, text
from ..model.findings import Finding, Severity
from ..validation.outcome import Batch, Outcome

if TYPE_CHECKING:  # rich is imported by the table's renderer only (the command's start-up)
    from rich.console import Console
    from rich.text import Text

    from ..validation.workbook import ValidatedWorkbook

FORMATS = ("table", "json", "junit", "sarif", "github")
COUNTY = "county"  # the JUnit suite of the findings about no workbook


def verdict(result: Outcome | ValidatedWorkbook, lang: Lang = "zh") -> str:
    """通过, N 个错误，M 个警告, or 无法读取: one workbook's verdict."""
    if result.unreadable:
        return text("verdict_unreadable", lang)
    if not result.errors and not result.warnings:
        return text("verdict_pass", lang)
    return text("verdict_counts", lang, errors=result.errors, warnings=result.warnings)


def totals(batch: Batch) -> dict[str, int]:
    findings = batch.all_findings
    return {
        "files": len(batch.results),
        "ok": sum(not r.unreadable and not batch.errors_of(r) for r in batch.results),
        "bad": sum(not r.unreadable and bool(batch.errors_of(r)) for r in batch.results),
        "unreadable": sum(r.unreadable for r in batch.results),
        "errors": sum(f.severity is Severity.ERROR for f in findings),
        "warnings": sum(f.severity is Severity.WARNING for f in findings),
    }


def _by_workbook(batch: Batch) -> dict[str | None, list[Finding]]:
    """The findings of each workbook; those of the county (about no workbook) under None."""
    grouped: dict[str | None, list[Finding]] = defaultdict(list)
    for finding in batch.all_findings:
        grouped[finding.workbook].append(finding)
    return grouped


def render_table(batch: Batch, console: Console, lang: Lang = "zh") -> None:
    from rich.markup import escape
    from rich.text import Text

    grouped = _by_workbook(batch)
    for result in batch.results:
        findings = grouped.get(result.display, [])
        style = "red" if result.unreadable or batch.errors_of(result) else (
            "yellow" if findings else "green")
        # names and messages carry text from the workbook: printed as text, never as markup
        console.print(f"[bold]{escape(result.display)}[/bold]  "
                      f"[{style}]{verdict(result, lang)}[/{style}]", highlight=False)
        for sheet, items in groupby(findings, key=lambda f: f.sheet or ""):
            _print_findings(console, Text(sheet or text("workbook_level", lang)), items, lang)
    county = grouped.get(None, [])
    if county:  # the findings of the county, about no workbook: after the workbooks
        console.print(f"[bold]{text('county_level', lang)}[/bold]", highlight=False)
        _print_findings(console, None, county, lang)
    console.print(text("batch_total", lang, **totals(batch)), highlight=False)


def _print_findings(console: Console, title: Text | None, findings: Iterable[Finding],
                    lang: Lang) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for col in ("col_cell", "col_severity", "col_rule", "col_message"):
        table.add_column(text(col, lang), overflow="fold")
    for f in findings:
        severity = f.severity.label(lang)
        colour = "red" if f.severity is Severity.ERROR else "yellow"
        table.add_row(Text(f.cell or ""), f"[{colour}]{severity}[/{colour}]", f.rule,
                      Text(f.message(lang)))
    console.print(table)


def to_json(batch: Batch, lang: Lang = "zh") -> str:
    data = {
        "tool": "xl-addin",
        "version": __version__,
        "policy": next((r.policy for r in batch.results if r.policy), None),
        "workbooks": [
            {"workbook": r.display, "township": r.township,
             "as_of": r.as_of.isoformat() if r.as_of else None,
             "status": "unreadable" if r.unreadable else ("error" if batch.errors_of(r) else "ok"),
             "errors": batch.errors_of(r), "warnings": r.warnings,
             "verdict": verdict(r, lang)}
            for r in batch.results
        ],
        "findings": [f.to_dict(lang) for f in batch.all_findings],
        "totals": totals(batch),
        "exit_code": batch.exit_code,
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def to_junit(batch: Batch, lang: Lang = "zh") -> str:
    """One test suite per workbook, one test case per rule that found something (failing
    when it found an 错误), and one passing case when nothing was found; the findings of
    the county (about no workbook) in a last suite named ``county``."""
    suites = ET.Element("testsuites", name="xl-addin")
    grouped = _by_workbook(batch)
    for result in batch.results:
        _junit_suite(suites, result.display, grouped.get(result.display, []),
                     result.unreadable, lang)
    if grouped.get(None):
        _junit_suite(suites, COUNTY, grouped[None], False, lang)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def _junit_suite(suites: ET.Element, name: str, findings: list[Finding], unreadable: bool,
                 lang: Lang) -> None:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)
    suite = ET.SubElement(suites, "testsuite", name=name)
    failures = errors = 0
    if not by_rule:
        ET.SubElement(suite, "testcase", classname=name, name=text("all_rules", lang))
    for rule, items in by_rule.items():
        case = ET.SubElement(suite, "testcase", classname=name, name=rule)
        body = "\n".join(_located(f, f"[{f.severity.label(lang)}] {f.message(lang)}")
                         for f in items)
        if unreadable:
            errors += 1
            ET.SubElement(case, "error", message=items[0].message(lang)).text = body
        elif any(f.severity is Severity.ERROR for f in items):
            failures += 1
            first = next(f for f in items if f.severity is Severity.ERROR)
            ET.SubElement(case, "failure",
                          message=_located(first, first.message(lang))).text = body
        else:
            ET.SubElement(case, "system-out").text = body
    suite.set("tests", str(max(1, len(by_rule))))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))


def _located(finding: Finding, message: str) -> str:
    """``location: message``; a finding of the county has no location, only its message."""
    return f"{finding.location}: {message}" if finding.location else message


def to_sarif(batch: Batch, lang: Lang = "zh") -> str:
    findings = batch.all_findings
    rules = sorted({f.rule for f in findings})
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "xl-addin", "version": __version__,
                                "rules": [{"id": r} for r in rules]}},
            "results": [{
                "ruleId": f.rule,
                "level": "error" if f.severity is Severity.ERROR else "warning",
                "message": {"text": _located(f, f.message(lang))},
                # a finding of the county is about no file: no location
                "locations": [{
                    "physicalLocation": {"artifactLocation": {"uri": f.workbook}},
                    "logicalLocations": [{"fullyQualifiedName": f.location,
                                          "kind": "member"}],
                }] if f.workbook is not None else [],
                "properties": {"sheet": f.sheet, "cell": f.cell},
            } for f in findings],
        }],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2)


def _gh_escape(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def to_github(batch: Batch, lang: Lang = "zh") -> str:
    lines = []
    for f in batch.all_findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = f"title={f.rule}"  # a finding of the county names no file
        if f.workbook is not None:
            name = _gh_escape(f.workbook).replace(":", "%3A").replace(",", "%2C")  # a property
            props = f"file={name},{props}"
        lines.append(f"::{level} {props}::{_gh_escape(_located(f, f.message(lang)))}")
    return "\n".join(lines)


RENDERERS = {"json": to_json, "junit": to_junit, "sarif": to_sarif, "github": to_github}
