"""The workbook package's parts (``xl_addin.reading.package``): the one helper the guard,
the reader and annotate share."""

from __future__ import annotations

import zipfile
from pathlib import Path

import hostile
import pytest

from xl_addin.reading.package import (
    all_relationships,
    content_types,
    read_relationships,
    rels_part,
    resolve_target,
    sheet_parts,
)

NS_PR = hostile.NS_PR
NS_R = hostile.NS_R


@pytest.mark.parametrize(("rels", "target", "part"), [
    ("xl/_rels/workbook.xml.rels", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/_rels/workbook.xml.rels", "/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/_rels/workbook.xml.rels", "../data/cells.xml", "data/cells.xml"),
    ("xl/_rels/workbook.xml.rels", "./worksheets/./sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("xl/_rels/workbook.xml.rels", "/xl/charts/../worksheets/sheet2.xml",
     "xl/worksheets/sheet2.xml"),
    ("xl/_rels/workbook.xml.rels", "worksheets//sheet1.xml", "xl/worksheets/sheet1.xml"),
    ("_rels/.rels", "xl/workbook.xml", "xl/workbook.xml"),
    ("_rels/.rels", "/workbook.xml", "workbook.xml"),
    ("xl/worksheets/_rels/sheet1.xml.rels", "../drawings/drawing1.xml",
     "xl/drawings/drawing1.xml"),
    ("xl/worksheets/_rels/sheet1.xml.rels", "../comments1.xml", "xl/comments1.xml"),
])
def test_targets_resolve_from_the_source_parts_folder(rels: str, target: str, part: str) -> None:
    assert resolve_target(rels, target) == part


@pytest.mark.parametrize(("part", "rels"), [
    ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"),
    ("xl/drawings/vmlDrawing1.vml", "xl/drawings/_rels/vmlDrawing1.vml.rels"),
    ("workbook.xml", "_rels/workbook.xml.rels"),
])
def test_the_relationship_part_of_a_part(part: str, rels: str) -> None:
    assert rels_part(part) == rels


def _package(path: Path, rels: str, workbook_rels: str, types: str = "") -> Path:
    return hostile.write_parts(path, {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="XML" ContentType="application/xml"/>'
            f'{types}</Types>').encode(),
        "_rels/.rels": f'<Relationships xmlns="{NS_PR}">{rels}</Relationships>'.encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{hostile.NS}" xmlns:r="{NS_R}"><sheets>'
            '<sheet name="封面" sheetId="1" r:id="rId1"/>'
            '<sheet name="规模工业企业" sheetId="2" r:id="rId2"/>'
            '<sheet name="无关系" sheetId="3"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<Relationships xmlns="{NS_PR}">{workbook_rels}'
                                       "</Relationships>").encode(),
    })


WORKBOOK_RELS = (f'<Relationship Id="rId1" Type="{NS_R}/worksheet" Target="worksheets/a.xml"/>'
                 f'<Relationship Id="rId2" Type="{NS_R}/worksheet" '
                 'Target="/data/../xl/b.xml"/>'
                 f'<Relationship Id="rId9" Type="{NS_R}/hyperlink" Target="https://x.cn/" '
                 'TargetMode="External"/>')
OFFICE_DOC = (f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" '
              'Target="xl/workbook.xml"/>')


def test_sheet_parts_follow_the_workbooks_relationships(tmp_path: Path) -> None:
    path = _package(tmp_path / "p.xlsx", OFFICE_DOC, WORKBOOK_RELS)
    with zipfile.ZipFile(path) as archive:
        parts = sheet_parts(archive)
    assert parts == {"封面": "xl/worksheets/a.xml", "规模工业企业": "xl/b.xml",
                     "无关系": "xl"}  # no relationship: no part (the folder is not one)


def test_every_relationship_of_the_package(tmp_path: Path) -> None:
    path = _package(tmp_path / "p.xlsx", OFFICE_DOC, WORKBOOK_RELS)
    with zipfile.ZipFile(path) as archive:
        found = all_relationships(archive, {n: n for n in archive.namelist()})
        assert found is not None
        assert {(r.source, r.id, None if r.external else r.part) for r in found} == {
            ("_rels/.rels", "rId1", "xl/workbook.xml"),
            ("xl/_rels/workbook.xml.rels", "rId1", "xl/worksheets/a.xml"),
            ("xl/_rels/workbook.xml.rels", "rId2", "xl/b.xml"),
            ("xl/_rels/workbook.xml.rels", "rId9", None),  # a web link, not a part
        }
        # the part name targets resolve against can differ from the member's own name
        renamed = read_relationships(archive, "_rels/.rels", "data/_rels/x.xml.rels")
        assert [r.part for r in renamed] == ["data/xl/workbook.xml"]


def test_an_unreadable_relationship_part_gives_none(tmp_path: Path) -> None:
    path = _package(tmp_path / "p.xlsx", OFFICE_DOC, WORKBOOK_RELS + "<unclosed>")
    with zipfile.ZipFile(path) as archive:
        assert all_relationships(archive, {n: n for n in archive.namelist()}) is None
        assert all_relationships(archive, {"_rels/.rels": "_rels/.rels"}) is not None


def test_a_relationship_part_with_a_dtd_is_refused(tmp_path: Path) -> None:
    path = _package(tmp_path / "p.xlsx", OFFICE_DOC, WORKBOOK_RELS)
    parts = hostile.read_parts(path)
    parts["_rels/.rels"] = hostile.BILLION_LAUGHS.encode() + parts["_rels/.rels"]
    hostile.write_parts(path, parts)
    with zipfile.ZipFile(path) as archive:
        assert all_relationships(archive, {"_rels/.rels": "_rels/.rels"}) is None


def test_content_types_by_part_then_by_extension(tmp_path: Path) -> None:
    path = _package(tmp_path / "p.xlsx", OFFICE_DOC, WORKBOOK_RELS,
                    '<Override PartName="/xl/workbook.xml" ContentType="wb"/>')
    with zipfile.ZipFile(path) as archive:
        declared = content_types(archive)
    assert declared.of("xl/workbook.xml") == "wb"
    assert declared.of("xl/worksheets/a.xml") == "application/xml"  # Extension="XML"
    assert declared.of("xl/_rels/workbook.xml.rels") is None
