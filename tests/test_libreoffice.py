"""The 汇总 sheet's native formulas, recalculated by a real spreadsheet engine
(LibreOffice headless), give the same numbers as the Python core."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import python_calamine

from xl_addin.outputs.indicators import COUNTS
from xl_addin.validation.batch import check_one

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, soffice):
    out = tmp_path_factory.mktemp("recalc")
    profile = tmp_path_factory.mktemp("profile")
    files = sorted(DEMO.glob("*.xlsx"))
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=300)
    return {f: out / f.name for f in files}


def _summary_values(path: Path) -> dict[str, float]:
    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name("汇总")
    rows = sheet.to_python()
    return {row[0]: row[1] for row in rows[1:] if row and row[0]}


def test_native_formulas_match_the_python_core(recalculated):
    checked = 0
    for source, converted in recalculated.items():
        python = check_one(str(source), source.name).counts
        sheet = _summary_values(converted)
        for count in COUNTS:
            label = count.label.format(month_label="2月")
            assert label in sheet, label
            assert float(sheet[label]) == pytest.approx(float(python[count.key]), abs=0.005), (
                source.name, label)
            checked += 1
    assert checked == len(COUNTS) * 11
