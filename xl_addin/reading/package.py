"""The parts of a workbook package (an .xlsx/.xlsm file is a zip of XML parts): its
relationship parts, where their targets lead, the sheet parts of the workbook and the
declared content types. Every part is parsed with defusedxml; every function takes an open
``zipfile.ZipFile``.

Used by the guard (which sheet parts to measure), the reader (which part holds which
sheet) and annotate (which parts a relationship leads to, and of what content type).
Part names are as the zip stores them, without a leading ``/``; a relationship part
``d/_rels/p.rels`` belongs to the part ``d/p`` and resolves relative targets from ``d``.
"""

from __future__ import annotations

import functools
import posixpath
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from defusedxml import ElementTree as SafeET

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WORKBOOK_PART = "xl/workbook.xml"
CONTENT_TYPES_PART = "[Content_Types].xml"
ROOT_RELS_PART = "_rels/.rels"
# Relationship types (their endings) whose target a reader reads as a sheet.
SHEET_TYPES = ("/worksheet", "/dialogsheet", "/macrosheet", "/xlMacrosheet",
               "/xlIntlMacrosheet")


class Relationship(NamedTuple):
    """One ``<Relationship>`` of the relationship part ``source`` (a named tuple: the guard
    makes one for every relationship of every file it checks)."""

    source: str  # the relationship part it was read from, e.g. xl/_rels/workbook.xml.rels
    id: str
    type: str
    target: str  # as written: relative to the source part's folder, or absolute
    external: bool  # TargetMode="External": not a part of the package

    @property
    def part(self) -> str:
        """The part the target names (see ``resolve_target``)."""
        return resolve_target(self.source, self.target)


def rels_part(part: str) -> str:
    """The relationship part of ``part``: xl/workbook.xml → xl/_rels/workbook.xml.rels."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(rels: str, target: str) -> str:
    """The part name a target of the relationship part ``rels`` leads to: an absolute
    target from the package root, a relative one from the folder of the part ``rels``
    belongs to (xl/_rels/workbook.xml.rels, worksheets/sheet1.xml → xl/worksheets/sheet1.xml);
    ``.`` and ``..`` segments resolved."""
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        folder = _source_folder(rels)
        path = f"{folder}/{target}" if folder else target
    if not path or "/." in "/" + path or "//" in path or path.endswith("/"):
        return posixpath.normpath(path)  # only then does normpath change it (the guard's hot path)
    return path


@functools.lru_cache(maxsize=256)
def _source_folder(rels: str) -> str:
    """xl/_rels/workbook.xml.rels → xl; _rels/.rels → (the root)."""
    return posixpath.dirname(posixpath.dirname(rels))


def part_key(name: str) -> str:
    """A part name as the guard compares them: ``/`` for a Windows ``\\``, no leading
    ``/``, lower case (part names are case-insensitive in a package)."""
    return name.replace("\\", "/").lstrip("/").lower()


def read_relationships(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo,
                       name: str | None = None) -> list[Relationship]:
    """The relationships in the relationship part ``member``; ``name`` is the part name
    its targets are resolved against (default: the member's own name). Raises when the
    part is not well-formed XML (or holds a DTD: defusedxml)."""
    if name is None:
        name = member.filename if isinstance(member, zipfile.ZipInfo) else member
    root = SafeET.fromstring(archive.read(member))
    return [Relationship(name, rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", ""),
                         rel.get("TargetMode") == "External") for rel in root]


def all_relationships(archive: zipfile.ZipFile,
                      parts: Mapping[str, str | zipfile.ZipInfo]) -> list[Relationship] | None:
    """Every relationship of every relationship part (``*.rels``) among ``parts`` (part
    name → the member to read); None when one of them cannot be parsed."""
    found: list[Relationship] = []
    for name, member in parts.items():
        if not name.endswith(".rels"):
            continue
        try:
            found += read_relationships(archive, member, name)
        except Exception:
            return None
    return found


def office_document(archive: zipfile.ZipFile) -> str | None:
    """The workbook part the package's root relationships (``_rels/.rels``) name as its
    officeDocument, wherever it lies (None: no such relationship, or the part cannot be
    read)."""
    try:
        rels = read_relationships(archive, ROOT_RELS_PART)
    except Exception:
        return None
    for rel in rels:
        if rel.type.endswith("/officeDocument") and rel.target and not rel.external:
            return rel.part
    return None


def sheet_parts(archive: zipfile.ZipFile, workbook: str = WORKBOOK_PART) -> dict[str, str]:
    """Sheet name → the part that holds it, from ``workbook`` and its relationship part.
    Raises when either cannot be read."""
    root = SafeET.fromstring(archive.read(workbook))
    rels = rels_part(workbook)
    targets = {r.id: r.target for r in read_relationships(archive, rels)}
    parts: dict[str, str] = {}
    for sheet in root.iter(f"{NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{NS_REL}id", ""), "")
        parts[sheet.get("name", "")] = resolve_target(rels, target)
    return parts


@dataclass(frozen=True)
class ContentTypes:
    """What ``[Content_Types].xml`` declares: a type per file extension, and per part."""

    defaults: dict[str, str]  # extension, lower case -> content type
    overrides: dict[str, str]  # part name -> content type

    def of(self, name: str) -> str | None:
        """The content type of the part ``name`` (None: not declared)."""
        return self.overrides.get(name) or self.defaults.get(name.rsplit(".", 1)[-1].lower())


def content_types(archive: zipfile.ZipFile) -> ContentTypes:
    """The declared content types. Raises when the part is missing or cannot be parsed."""
    root: Any = SafeET.fromstring(archive.read(CONTENT_TYPES_PART))
    return ContentTypes(
        {e.get("Extension", "").lower(): e.get("ContentType", "")
         for e in root if e.tag.endswith("Default")},
        {e.get("PartName", "").lstrip("/"): e.get("ContentType", "")
         for e in root if e.tag.endswith("Override")})
