"""The add-in's sources: ``addin/`` beside the package in a checkout (``xl_addin/_addin`` in
a wheel), and the VBA modules made at build time.

- ``customUI14.xml`` — the template of the ribbon part; the tab 复工复产 and its buttons
  are written into it from the button table (``buttons.py``);
- ``vba/*.bas`` — VBA modules of our own: ``FgfcRibbon``, the one ribbon callback;
- ``xlwings.conf`` — the add-in's config sheet, in xlwings' config-file format.

Made at build time: ``xlwings``, xlwings' custom add-in module as shipped in the installed
xlwings package (``xlwings_custom_addin.bas``) with its ``PROJECT_NAME`` set to
``xlwings``, so the config sheet is ``xlwings.conf``; ``xlwings_udfs``, the FG_
cell-function wrappers (``vba_source.udf_wrappers``); and ``FgfcRegister``, their
Function Wizard help (``vba_source.register_module``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import bundled
from .errors import BuildError
from .ribbon_xml import TEMPLATE_NAME, ribbon_xml
from .vba_source import (
    REGISTER_MODULE,
    UDF_MODULE,
    VB_NAME,
    XLWINGS_MODULE,
    normalize_module,
    register_module,
    udf_wrappers,
    xlwings_module,
)


def source_dir() -> Path:
    """``addin/`` beside the package in a checkout, ``xl_addin/_addin`` in a wheel."""
    return bundled("addin")


def read_config(text: str) -> list[tuple[str, Any]]:
    """xlwings' config-file format (``"KEY","VALUE"`` per line); True/False become booleans
    in the sheet."""
    rows: list[tuple[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r'"([^"]+)","([^"]*)"', line)
        if not match:
            raise BuildError([f"xlwings.conf line {number}: expected \"KEY\",\"VALUE\": {raw!r}"])
        key, value = match[1], match[2]
        rows.append((key, {"true": True, "false": False}.get(value.lower(), value)))
    return rows


@dataclass
class Sources:
    ribbon_xml: bytes
    modules: dict[str, str]  # standard modules, name -> normalized text
    config: list[tuple[str, Any]]
    udfs_included: bool
    notes: list[str] = field(default_factory=list)


def load_sources(directory: Path | None = None, *, interpreter: str | None = None,
                 pythonpath: str | None = None, conda_path: str | None = None,
                 conda_env: str | None = None,
                 udfs: Callable[[], str | None] = udf_wrappers) -> Sources:
    """The add-in's sources: the ribbon XML (template and button table), the VBA modules
    (ours from ``vba/``, xlwings' module, the FG_ wrappers and their help) and the config
    rows (``xlwings.conf`` plus the given keys)."""
    directory = directory or source_dir()
    ribbon = ribbon_xml((directory / TEMPLATE_NAME).read_text(encoding="utf-8"))
    modules = {XLWINGS_MODULE: xlwings_module()}
    for path in sorted((directory / "vba").glob("*.bas")):
        code = path.read_text(encoding="utf-8")
        found = VB_NAME.search(code)
        modules[found[1] if found else path.stem] = normalize_module(
            found[1] if found else path.stem, code)
    notes = []
    wrappers = udfs()
    if wrappers is not None:
        modules[UDF_MODULE] = wrappers
        modules[REGISTER_MODULE] = register_module()  # their help, registered on load
    else:
        notes.append("xl_addin.xlwings_udfs is not there yet: the add-in has no FG_ cell "
                     "functions (hook: xl_addin.addin_build.build.udf_wrappers)")
    config = read_config((directory / "xlwings.conf").read_text(encoding="utf-8"))
    for key, value in (("Interpreter_Win", interpreter), ("PYTHONPATH", pythonpath),
                       ("Conda Path", conda_path), ("Conda Env", conda_env)):
        if value:
            config.append((key, value))
    return Sources(ribbon, modules, config, wrappers is not None, notes)



__all__ = ["Sources", "load_sources", "read_config", "source_dir"]
