"""The fallback: the same add-in built through Excel's COM interface on Windows."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from ..core.messages import text
from ..outputs.atomic import write_atomic
from .build import BuildReport, ribbon_schema
from .checks import check_addin
from .errors import BuildError
from .sources import load_sources
from .xlam_package import CONFIG_SHEET, add_ribbon


def build_with_excel(out: str | os.PathLike[str], *, source: Path | None = None,
                     ribbon_xsd: str | os.PathLike[str] | None = None,
                     **config: str | None) -> BuildReport:  # pragma: no cover - Windows
    """The fallback, NOT TESTED HERE (no Windows Excel): build the same add-in with Excel
    itself through COM (pywin32), from the same text sources. Needs "Trust access to the VBA
    project object model" (File > Options > Trust Center > Macro Settings).

    Excel writes the VBA project; the customUI part is then added to the saved .xlam exactly
    as in ``package``, and ``check_addin`` checks the result (against Microsoft's ribbon
    schema as ``build_addin`` does)."""
    import win32com.client  # type: ignore[import-not-found]

    sources = load_sources(source, **config)
    schema, xsd, notes = ribbon_schema(ribbon_xsd)
    target = Path(out).resolve()
    excel = win32com.client.DispatchEx("Excel.Application")
    excel.Visible = False
    excel.DisplayAlerts = False
    try:
        book = excel.Workbooks.Add()
        while book.Worksheets.Count > 1:
            book.Worksheets(book.Worksheets.Count).Delete()
        sheet = book.Worksheets(1)
        sheet.Name = CONFIG_SHEET
        for row, (key, value) in enumerate(sources.config, start=1):
            sheet.Cells(row, 1).Value = key
            sheet.Cells(row, 2).Value = value
        with tempfile.TemporaryDirectory() as tmp:
            for name, code in sources.modules.items():
                path = Path(tmp) / f"{name}.bas"
                path.write_bytes(code.encode("ascii"))
                book.VBProject.VBComponents.Import(str(path))
        book.Title = text("addin_title", "zh")
        book.Comments = text("addin_description", "zh")
        book.IsAddin = True
        saved = target.with_suffix(".tmp.xlam")
        book.SaveAs(str(saved), FileFormat=55)  # xlOpenXMLAddIn
        book.Close(False)
    finally:
        excel.Quit()
    with zipfile.ZipFile(saved) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    add_ribbon(parts, sources.ribbon_xml)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    saved.unlink()
    data = buffer.getvalue()
    problems = check_addin(data, schema=schema)
    if problems:
        raise BuildError(problems)
    path = write_atomic(target, lambda tmp: tmp.write_bytes(data))
    return BuildReport(path, len(data), sorted(sources.modules), sources.config,
                       sources.udfs_included, sources.notes + notes, xsd)


__all__ = ["build_with_excel"]
