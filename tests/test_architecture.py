"""The package's layering, read from the source with ``ast`` (nothing is imported):

1. no import cycle among the modules of ``xl_addin``: none through imports at module level,
   and none either once the imports inside functions are counted;
2. the calculation core (``xl_addin/core``) imports nothing of the package outside ``core``;
3. no module imports ``unittest.mock`` (stand-ins belong to the tests);
4. every import goes in an allowed direction (``ALLOWED``, from docs/architecture.md).

Known breaches that other work is removing are expected failures with ``strict=True``: the
day one is fixed, its test passes, is reported as XPASS(strict) and fails, and its entry
here must go. A new breach fails the plain test next to it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "xl_addin"
ROOT = "xl_addin"


@dataclass(frozen=True)
class Edge:
    source: str  # the importing module, dotted
    target: str  # the imported module of the package, dotted
    kind: str  # "module": runs on import; "function": inside a function; "typing": TYPE_CHECKING
    line: int = 0

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.kind}, line {self.line})"


@cache
def modules() -> dict[str, Path]:
    """Dotted name → file, for every module of the package (a package is its __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(tree: ast.AST, kind: str = "module"
            ) -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement with its kind: inside a function (or lambda) it runs only when
    called ("function"); under ``if TYPE_CHECKING:`` never ("typing")."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, kind
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from imports(node, "typing" if kind == "typing" else "function")
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from imports(ast.Module(node.body, []), "typing")
            yield from imports(ast.Module(node.orelse, []), kind)
        else:
            yield from imports(node, kind)


def targets(name: str, is_package: bool, node: ast.Import | ast.ImportFrom,
            known: Iterable[str]) -> list[str]:
    """The package's modules that an import statement in module ``name`` names; ``known``
    lists the package's modules (``from package import module`` names the module)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == ROOT]
    if node.level:
        base = name.split(".")
        if not is_package:
            base.pop()  # a module's relative imports start from its package
        base = base[:len(base) - node.level + 1]
        origin = ".".join([*base, *([node.module] if node.module else [])])
    else:
        origin = node.module or ""
    if origin.split(".")[0] != ROOT:
        return []
    known = set(known)
    return list(dict.fromkeys(f"{origin}.{a.name}" if f"{origin}.{a.name}" in known else origin
                              for a in node.names))


def edges_of(name: str, is_package: bool, source: str, known: Iterable[str]) -> list[Edge]:
    known = set(known)
    return [Edge(name, target, kind, node.lineno)
            for node, kind in imports(ast.parse(source))
            for target in targets(name, is_package, node, known) if target != name]


@cache
def package_edges() -> tuple[Edge, ...]:
    return tuple(edge for name, path in modules().items()
                 for edge in edges_of(name, path.name == "__init__.py",
                                      path.read_text(encoding="utf-8"), modules()))


def cycles(edges: Iterable[Edge], kinds: set[str]) -> list[set[str]]:
    """The groups of modules that import one another, through imports of ``kinds``."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.target, set())
        if edge.kind in kinds:
            graph.setdefault(edge.source, set()).add(edge.target)

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        stack = list(graph.get(start, ()))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(graph.get(node, ()))
        return seen

    reach = {m: reachable(m) for m in graph}
    groups: list[set[str]] = []
    for module in sorted(graph):
        if module in reach[module] and not any(module in g for g in groups):
            groups.append({m for m in reach[module] if module in reach[m]})
    return groups


def describe(group: Iterable[str]) -> str:
    group = set(group)
    return "; ".join(str(e) for e in package_edges()
                     if e.source in group and e.target in group and e.kind != "typing")


# --- the reading of the source itself ----------------------------------------------------

KNOWN = ["xl_addin", "xl_addin.reading", "xl_addin.reading.guard", "xl_addin.model.spec",
         "xl_addin.core.numbers"]


@pytest.mark.parametrize(("name", "is_package", "source", "expected"), [
    ("xl_addin.reading.reader", False, "from .guard import inspect_file",
     [("xl_addin.reading.guard", "module")]),
    ("xl_addin.reading.reader", False, "from ..model.spec import SheetSpec",
     [("xl_addin.model.spec", "module")]),
    ("xl_addin.reading.reader", False, "from .. import bundled", [("xl_addin", "module")]),
    ("xl_addin.reading.reader", False, "from .guard import ReadError, inspect_file",
     [("xl_addin.reading.guard", "module")]),
    ("xl_addin.reading.reader", False, "from . import guard", [("xl_addin.reading.guard",
                                                               "module")]),
    ("xl_addin.reading", True, "from .guard import ReadError", [("xl_addin.reading.guard",
                                                                "module")]),
    ("xl_addin.cli", False, "import os\nimport xl_addin.core.numbers as n",
     [("xl_addin.core.numbers", "module")]),
    ("xl_addin.cli", False, "def f():\n    from .model.spec import cover_label",
     [("xl_addin.model.spec", "function")]),
    ("xl_addin.cli", False, "if TYPE_CHECKING:\n    from .model.spec import SheetSpec",
     [("xl_addin.model.spec", "typing")]),
    ("xl_addin.cli", False, "try:\n    from .model import spec\nexcept ImportError:\n    pass",
     [("xl_addin.model.spec", "module")]),
])
def test_imports_are_read_as_python_resolves_them(name: str, is_package: bool, source: str,
                                                  expected: list[tuple[str, str]]) -> None:
    assert [(e.target, e.kind) for e in edges_of(name, is_package, source, KNOWN)] == expected


def test_cycles_are_found_and_told_apart_by_kind() -> None:
    edges = [Edge("a", "b", "module"), Edge("b", "c", "module"), Edge("c", "a", "function"),
             Edge("d", "d2", "module"), Edge("d2", "d", "module"), Edge("e", "a", "module")]
    assert cycles(edges, {"module"}) == [{"d", "d2"}]
    assert cycles(edges, {"module", "function"}) == [{"a", "b", "c"}, {"d", "d2"}]


def test_the_package_is_read() -> None:
    """The walk sees the package's modules and their imports (or every test below would
    pass on nothing)."""
    assert {"xl_addin.core.numbers", "xl_addin.reading.reader", "xl_addin.cli"} <= set(modules())
    found = {(e.source, e.target, e.kind) for e in package_edges()}
    assert ("xl_addin.reading.reader", "xl_addin.reading.guard", "module") in found
    assert ("xl_addin.cli", "xl_addin.outputs.template", "function") in found


# --- 1. import cycles ----------------------------------------------------------------------

def test_no_import_cycle_at_module_level() -> None:
    found = cycles(package_edges(), {"module"})
    assert not found, "\n".join(describe(g) for g in found)


def test_no_import_cycle_through_function_imports() -> None:
    """Counting imports inside functions too, there is no cycle."""
    found = cycles(package_edges(), {"module", "function"})
    assert not found, "\n".join(describe(g) for g in found)


# --- 2. the core stands alone ---------------------------------------------------------------

def test_the_core_imports_nothing_of_the_package_outside_core() -> None:
    outside = [e for e in package_edges() if e.source.startswith(f"{ROOT}.core")
               and not e.target.startswith(f"{ROOT}.core")]
    assert not outside, "\n".join(map(str, outside))


# --- 3. no unittest.mock in the package -----------------------------------------------------

def imports_mock(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[:2] == ["unittest", "mock"] for a in node.names)
    if node.level:
        return False
    module = (node.module or "").split(".")
    return module[:2] == ["unittest", "mock"] or (
        module == ["unittest"] and any(a.name == "mock" for a in node.names))


@cache
def mock_imports() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for name, path in modules().items():
        for node, _ in imports(ast.parse(path.read_text(encoding="utf-8"))):
            if imports_mock(node):
                found.setdefault(name, []).append(node.lineno)
    return found


@pytest.mark.parametrize(("source", "expected"), [
    ("from unittest import mock", True),
    ("from unittest.mock import patch", True),
    ("import unittest.mock as m", True),
    ("def f():\n    from unittest import mock", True),
    ("from unittest import TestCase", False),
    ("from .unittest import mock", False),
])
def test_mock_imports_are_recognised(source: str, expected: bool) -> None:
    assert [imports_mock(node) for node, _ in imports(ast.parse(source))] == [expected]


def test_no_module_imports_unittest_mock() -> None:
    assert not mock_imports(), mock_imports()


# --- 4. layers ------------------------------------------------------------------------------

# docs/architecture.md: core <- model <- rules <- reading <- validation <- outputs <- entry
# points (cli, ribbon, xlwings_udfs); functions depends only on core; addin_build on
# functions, core and outputs.atomic. "root" is xl_addin/__init__.py (bundled(), version).
ENTRY_POINTS = {"xl_addin.cli", "xl_addin.ribbon", "xl_addin.xlwings_udfs"}
STACK = ["core", "model", "rules", "reading", "validation", "outputs"]
ALLOWED: dict[str, set[str]] = {
    # layer -> the layers, or single modules (dotted), that its modules may import
    "core": {"core"},
    **{name: {"root", *STACK[:i + 1]} for i, name in enumerate(STACK) if name != "core"},
    "functions": {"core", "functions"},
    "addin_build": {"root", "core", "functions", "addin_build", "xl_addin.outputs.atomic"},
    "entry": {"root", *STACK, "functions", "addin_build", "entry"},
    "policies": set(),  # data only (the policy files)
    "root": set(),
}
# Imports against the table, each with its reason; an exception no longer needed must go.
EXCEPTIONS = {
    ("xl_addin.validation.worker", "xl_addin.outputs.indicators"):
        "a worker computes each workbook's headline counts (compute_counts, IndicatorContext, "
        "previous_month) in its own process, where polars is loaded, so that the command's "
        "process never is; that computation lives in outputs.indicators beside the "
        "indicators' Excel formulas",
    ("xl_addin.addin_build.vba_source", "xl_addin.xlwings_udfs"):
        "the add-in embeds the VBA wrappers that xlwings generates from the registered FG_ "
        "functions (xlwings_udfs.vba_wrappers(addin=True)); imported at build time only",
}


def layer(module: str) -> str:
    if module == ROOT:
        return "root"
    if module in ENTRY_POINTS:
        return "entry"
    top = module.split(".")[1]
    return top if top in ALLOWED and top not in ("entry", "root") else "unknown"


def violations(edges: Iterable[Edge]) -> list[Edge]:
    found = []
    for edge in edges:
        allowed = ALLOWED.get(layer(edge.source), set())
        if layer(edge.target) not in allowed and edge.target not in allowed:
            found.append(edge)
    return found


def test_every_module_has_a_layer() -> None:
    unknown = [m for m in modules() if layer(m) == "unknown"]
    assert not unknown, f"modules outside the layer table: {unknown}"


def test_the_table_follows_the_documented_order() -> None:
    """Each layer of the stack may import itself and the ones below it, none above."""
    for i, name in enumerate(STACK):
        assert set(STACK[:i + 1]) <= ALLOWED[name], name
        assert not set(STACK[i + 1:]) & ALLOWED[name], name
    assert not {"model", "root"} & ALLOWED["functions"]
    assert "outputs" not in ALLOWED["addin_build"]


@pytest.mark.parametrize(("source", "target", "allowed"), [
    ("xl_addin.reading.reader", "xl_addin.model.spec", True),
    ("xl_addin.outputs.report", "xl_addin.validation.batch", True),
    ("xl_addin.model.spec", "xl_addin.reading.reader", False),
    ("xl_addin.functions.udfs", "xl_addin.model.spec", False),
    ("xl_addin.addin_build.build", "xl_addin.outputs.atomic", True),
    ("xl_addin.addin_build.build", "xl_addin.outputs.report", False),
    ("xl_addin.core.numbers", "xl_addin", False),
    ("xl_addin.cli", "xl_addin.addin_build.build", True),
])
def test_the_table_is_applied(source: str, target: str, allowed: bool) -> None:
    assert (violations([Edge(source, target, "module")]) == []) == allowed


def test_imports_go_in_allowed_directions() -> None:
    against = violations(package_edges())
    for edge in against:  # shown with -s; the exceptions included
        print("against the layers:", edge,
              "(exception)" if (edge.source, edge.target) in EXCEPTIONS else "")
    found = [e for e in against if (e.source, e.target) not in EXCEPTIONS]
    assert not found, "\n".join(map(str, found))


def test_every_exception_is_still_needed() -> None:
    actual = {(e.source, e.target) for e in violations(package_edges())}
    assert set(EXCEPTIONS) <= actual, set(EXCEPTIONS) - actual


# --- 5. the layout is documented --------------------------------------------------------------

def test_every_module_is_in_readme_and_architecture() -> None:
    """README's layout table names every module of each folder; docs/architecture.md's
    table lists every module by its path."""
    root = PACKAGE.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    architecture = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `xl_addin/(\w*)/?` \| (.*) \|$", readme, re.M)}
    missing_readme, missing_arch = [], []
    for name, path in modules().items():
        if path.name == "__init__.py":
            continue
        folder = path.parent.name if path.parent != PACKAGE else ""
        if f"`{path.stem}`" not in rows.get(folder, ""):
            missing_readme.append(name)
        relative = path.relative_to(PACKAGE).as_posix()
        if f"`{relative}`" not in architecture:
            missing_arch.append(relative)
    assert not missing_readme, f"README.md's layout table lacks {missing_readme}"
    assert not missing_arch, f"docs/architecture.md's layer table lacks {missing_arch}"
