"""One error family: every error the package raises for a clerk or a maintainer is an
``XlAddinError`` whose code is in the catalog, in Chinese and in English."""

from __future__ import annotations

import ast
import importlib
import pickle
import pkgutil
import re
import sys
from pathlib import Path

import pytest

from xl_addin.core.errors import CalcError, XlAddinError
from xl_addin.core.messages import CATALOG
from xl_addin.core.policy import PolicyError, PolicyUnreadable
from xl_addin.outputs.annotate import AnnotateError
from xl_addin.reading.guard import ReadError
from xl_addin.ribbon import RibbonError

PACKAGE = Path(__file__).resolve().parents[1] / "xl_addin"
CJK = re.compile(r"[\u4e00-\u9fff]")
FAMILY = {"XlAddinError", "CalcError", "ReadError", "RibbonError", "AnnotateError",
          "PolicyError", "PolicyUnreadable", "BuildError"}


def _raised_codes() -> dict[str, set[str]]:
    """Error class -> the literal codes the package constructs it with."""
    codes: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in FAMILY and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.func.id not in ("PolicyError", "PolicyUnreadable")):
                codes.setdefault(node.func.id, set()).add(node.args[0].value)
    return codes


def test_every_code_raised_is_in_the_catalog_in_both_languages() -> None:
    codes = _raised_codes()
    assert {"CalcError", "ReadError", "RibbonError", "AnnotateError"} <= set(codes)
    assert sum(len(c) for c in codes.values()) > 30
    for kind, found in codes.items():
        for code in found:
            assert code in CATALOG, (kind, code)
            zh, en = CATALOG[code]
            assert CJK.search(zh) or kind == "CalcError", (kind, code)
            assert en and en != zh, (kind, code)  # English text may name a sheet (复工复产)


def test_every_exception_class_of_the_package_is_in_the_family() -> None:
    """No exception class of our own outside the family (every module imported)."""
    for info in pkgutil.walk_packages([str(PACKAGE)], "xl_addin."):
        importlib.import_module(info.name)
    # classes a module of the package defines (not a stand-in built inside a function, such
    # as xlwings_udfs' pywin32 com_error while it generates the VBA wrappers)
    ours = [cls for cls in _subclasses(BaseException) if cls.__module__.startswith("xl_addin")
            and getattr(sys.modules[cls.__module__], cls.__name__, None) is cls]
    assert {cls.__name__ for cls in ours} >= {"CalcError", "ReadError", "RibbonError"}
    assert [c for c in ours if not issubclass(c, XlAddinError)] == []


def _subclasses(cls: type) -> set[type]:
    return {s for c in cls.__subclasses__() for s in {c} | _subclasses(c)}


@pytest.mark.parametrize("error", [
    CalcError("zero_denominator"),
    ReadError("file_missing", file="甲.xlsx"),
    RibbonError("ribbon_need_folder"),
    AnnotateError("annotate_same_file", file="甲.xlsx"),
    PolicyError("p.toml", "LPR", "应为数字", "must be a number"),
    PolicyUnreadable("p.toml", "第3行语法错误"),
], ids=lambda e: type(e).__name__)
def test_each_kind_renders_both_languages_and_crosses_processes(error: XlAddinError) -> None:
    assert isinstance(error, XlAddinError)
    zh, en = error.message("zh"), error.message("en")
    assert CJK.search(zh) and zh != en and "{" not in zh + en
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.code, again.message("zh"), again.message("en")) == (error.code, zh, en)
