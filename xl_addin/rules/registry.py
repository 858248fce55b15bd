"""The one registry of rules: every rule, whatever its scope, declared once.

A ``Rule`` holds everything the rule needs: its id (which is also the message code of the
catalog, ``core.messages``), its scope, its default severity, the parameters a schema may
give it, the columns it reads and the column it marks, how it is tested, the message
parameters of one failure and any per-sheet values that message needs. The modules of
this folder register their rules by scope (``cell``, ``row``, ``column``, ``sheet``,
``cover`` and ``workbook``, ``county``, ``days``); ``all_rules()`` loads them all.

This module is light (no polars): the reader and the command's own process use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..model.findings import Finding, Severity

Args = Mapping[str, Any]


class Scope(StrEnum):
    """What a rule looks at to decide."""

    CELL = "cell"            # one value
    ROW = "row"              # values of one row
    COLUMN = "column"        # a column as a whole (duplicates, one liaison per enterprise)
    SHEET = "sheet"          # a sheet as a whole (its header, its rows in date order)
    WORKBOOK = "workbook"    # the file, its cover, its sheets against each other
    COUNTY = "county"        # the workbooks of the county for one reporting day
    DAYS = "days"            # a township's workbook against its previous reporting day


class Source(StrEnum):
    """Where a rule is applied, and so how a schema uses it."""

    FILE = "file"            # reading the file (guard, reader, worker)
    COERCION = "coercion"    # turning a raw cell into a typed value
    LAYOUT = "layout"        # finding sheets, headers and fields
    COLUMN = "column"        # a property or ``checks:`` entry of a column in schemas/
    SCHEMA = "schema"        # a ``checks:`` entry of a sheet in schemas/
    WORKBOOK = "workbook"    # a ``checks:`` entry of workbooks.yaml, or the cover
    BATCH = "batch"          # the batch, between workbooks


def _named_columns(args: Args) -> tuple[str, ...]:
    """The columns a rule's parameters name (column, when, as, columns, parts)."""
    named = [args[k] for k in ("column", "when", "as") if k in args]
    return tuple(named + list(args.get("columns", ())) + list(args.get("parts", ())))


def _args_column(args: Args) -> str:
    return args["column"]


@dataclass(frozen=True)
class Rule:
    """One rule. ``test``, ``explain`` and ``facts`` take the arguments of one use of the
    rule (its parameters from the schema, plus ``column`` for a column's rule)."""

    id: str
    scope: Scope
    source: Source
    severity: Severity
    doc: str                                   # what it checks, in a line (maintainers)
    params: tuple[str, ...] = ()               # parameters a schema must give
    optional: tuple[str, ...] = ()             # parameters a schema may give
    reads: Callable[[Args], tuple[str, ...]] = _named_columns
    marks: Callable[[Args], str] = _args_column
    test: Callable[..., Any] | None = None     # the check itself (its form depends on scope)
    explain: Callable[..., dict[str, Any] | None] | None = None  # message parameters
    facts: Callable[..., Any] | None = None    # per-sheet values that ``explain`` needs
    expand: Callable[[Args], list[dict[str, Any]]] | None = None  # one use -> several
    expected_param: str | None = None          # the message parameter shown as "expected"

    @property
    def message(self) -> str:
        """The message code of the catalog: the rule's id."""
        return self.id

    def finding(self, workbook: str | None, sheet: str | None = None, cell: str | None = None,
                row: int | None = None, column: str | None = None,
                params: dict[str, Any] | None = None, value: Any = None,
                expected: Any = None, severity: Severity | str | None = None) -> Finding:
        """A finding of this rule (at its default severity unless the schema gave one)."""
        return Finding(workbook, sheet, cell, row, column, self.id,
                       Severity(severity or self.severity), params or {}, value, expected)

    def uses(self, args: Args) -> list[dict[str, Any]]:
        """One use of the rule as the schema wrote it, as the uses that run."""
        return self.expand(args) if self.expand else [dict(args)]

    def problems(self, args: Args) -> list[str]:
        """What is wrong with the parameters a schema gives this rule."""
        given = set(args)
        out = [f"{self.id}: missing parameter {p!r}" for p in self.params if p not in given]
        known = set(self.params) | set(self.optional) | {"severity"}
        out += [f"{self.id}: unknown parameter {p!r}" for p in sorted(given - known)]
        return out


REGISTRY: dict[str, Rule] = {}

# The modules that register rules, in the order of the docs: by scope, then the batch.
MODULES = ("cell", "row", "column", "sheet", "cover", "workbook", "county", "days")


def register(rule: Rule) -> Rule:
    if rule.id in REGISTRY:
        raise ValueError(f"rule {rule.id!r} is registered twice")
    REGISTRY[rule.id] = rule
    return rule


def rule(rule_id: str) -> Rule:
    """The registered rule ``rule_id`` (its module loaded on first use)."""
    if rule_id not in REGISTRY:
        all_rules()
    return REGISTRY[rule_id]


def all_rules() -> dict[str, Rule]:
    """Every registered rule, every rule module loaded."""
    for name in MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return REGISTRY


def declare(rule_id: str, scope: Scope, source: Source, severity: Severity, doc: str,
            **more: Any) -> Rule:
    """Register a rule that is applied by the code of its ``source`` (the reader, the
    coercion, the batch): the registry holds its scope, severity and message."""
    return register(Rule(rule_id, scope, source, severity, doc, **more))


__all__ = ["REGISTRY", "Args", "Rule", "Scope", "Source", "all_rules", "declare", "register",
           "rule"]
