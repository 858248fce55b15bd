"""``xl-addin build-addin``: the Excel add-in (.xlam) built from the text sources in
``addin/`` and the button table, checked, and written atomically.

The parts of the build, each in its module of ``xl_addin.addin_build``:

- ``buttons`` — the one table of the ribbon's groups and buttons;
- ``sources`` — the sources read from ``addin/`` and the VBA modules made at build time;
- ``ribbon_xml`` — the ribbon part from its template and the table, and its checks against
  Microsoft's customUI schema, the table and the VBA callbacks;
- ``vba_source`` — the VBA modules' text (normalizing, xlwings' module, the FG_ wrappers,
  the generated ``FgfcRegister``);
- ``compression`` — MS-OVBA 2.4.1 compression;
- ``vba_project`` — ``vbaProject.bin`` written with ms-ovba, read back with oletools;
- ``xlam_package`` — the OOXML package;
- ``checks`` — the structure checks, ``check_addin`` on every build;
- ``excel_build`` — the fallback that builds the same add-in through Excel on Windows.

The VBA project is written on any OS with ms-ovba, then read back with oletools (strict
dir-stream parsing) and compared with the sources; the package is checked part by part
(``check_addin``) on every build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..outputs.atomic import write_atomic
from .checks import check_addin, check_config, check_modules, check_registration
from .errors import BuildError
from .ribbon_xml import check_ribbon, load_schema, locate_xsd, not_validated_note
from .sources import load_sources
from .vba_project import build_vba_project

# The generated VBA of FgfcRegister and the build's note without the FG_ functions name
# these two functions here; they are defined in vba_source.
from .vba_source import register_module, udf_wrappers
from .xlam_package import package


@dataclass
class BuildReport:
    path: Path
    size: int
    modules: list[str]
    config: list[tuple[str, Any]]
    udfs_included: bool
    notes: list[str]
    ribbon_xsd: Path | None = None  # the schema the ribbon was validated against, if any


def ribbon_schema(ribbon_xsd: str | os.PathLike[str] | None) -> tuple[Any, Path | None,
                                                                       list[str]]:
    """Microsoft's customUI schema for this build (``ribbon_xml.locate_xsd``): the loaded
    schema, its path, and the note that says the ribbon was not validated when none."""
    path = locate_xsd(ribbon_xsd)
    if path is None:
        return None, None, [not_validated_note()]
    return load_schema(path), path, []


def build_addin(out: str | os.PathLike[str], *, require_udfs: bool = False,
                source: Path | None = None, ribbon_xsd: str | os.PathLike[str] | None = None,
                **config: str | None) -> BuildReport:
    """Build the add-in from the text sources, check it, and write it atomically to ``out``.
    ``config``: interpreter, pythonpath, conda_path, conda_env for the config sheet.
    ``ribbon_xsd``: Microsoft's customui14.xsd (default: ``ribbon_xml.locate_xsd``)."""
    sources = load_sources(source, **config)
    if require_udfs and not sources.udfs_included:
        raise BuildError(sources.notes)
    schema, xsd, notes = ribbon_schema(ribbon_xsd)
    problems = (check_ribbon(sources.ribbon_xml, sources.modules, schema)
                + check_modules(sources.modules) + check_registration(sources.modules)
                + check_config(sources.config))
    if problems:
        raise BuildError(problems)
    data = package(sources.ribbon_xml, build_vba_project(sources.modules), sources.config)
    problems = check_addin(data, sources.modules, schema)
    if problems:
        raise BuildError(problems)
    path = write_atomic(out, lambda tmp: tmp.write_bytes(data))
    return BuildReport(path, len(data), sorted(sources.modules), sources.config,
                       sources.udfs_included, sources.notes + notes, xsd)


__all__ = ["BuildError", "BuildReport", "build_addin", "register_module", "ribbon_schema",
           "udf_wrappers"]
