"""Checks made before a workbook is opened: what kind of file it is and what reading it
would cost. A file that fails gets a ``ReadError`` naming it, with a reason in Chinese.

python-calamine allocates the whole grid a sheet spans and copies shared strings into
every cell, and a Rust allocation failure aborts the process; so these checks refuse
what they can cheaply, and the batch reads every file in a worker process with a
memory and time limit for the rest (``xl_addin.batch``).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from typing import Any

from .limits import DEFAULT_LIMITS, Limits, size_text
from .messages import text

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SMALL_SHEET = 4 * 1024 * 1024  # sheets below this size get their span measured exactly
_CELL_REF = re.compile(rb'<c [^>]*?r="([A-Z]{1,3})([0-9]{1,7})"')


class ReadError(Exception):
    """A workbook that cannot be read at all; ``message()`` says why, naming the file."""

    def __init__(self, rule: str, **params: Any) -> None:
        self.rule = rule
        self.params = params
        super().__init__(text(rule, "en", **params))

    def message(self, lang: str = "zh") -> str:
        return text(self.rule, lang, **self.params)  # type: ignore[arg-type]

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across processes
        return (_rebuild, (self.rule, self.params))


def _rebuild(rule: str, params: dict[str, Any]) -> ReadError:
    return ReadError(rule, **params)


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _kind_of_text(head: bytes) -> str:
    if not head:
        return "空文件 / empty file"
    if head.lstrip().startswith(b"<"):
        return "XML/HTML"
    if all(32 <= b < 127 or b in b"\r\n\t" for b in head) or _is_utf8(head):
        return "CSV/文本 / text"
    return "未知格式 / unknown format"


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _encrypted_ole(path: str) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            return bool(ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"))
    except Exception:
        return False


def inspect_file(path: str, display: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise ``ReadError`` unless ``path`` is a regular .xlsx/.xlsm package within limits."""
    try:
        info = os.lstat(path)
    except FileNotFoundError as exc:
        raise ReadError("file_missing", file=display) from exc
    except OSError as exc:
        raise ReadError("file_unreadable", file=display, detail=exc.strerror or str(exc)) from exc
    if stat.S_ISLNK(info.st_mode):
        raise ReadError("file_symlink", file=display)
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("file_not_regular", file=display)
    if info.st_size > limits.max_file_bytes:
        raise ReadError("file_too_large", file=display, size=size_text(info.st_size),
                        limit=size_text(limits.max_file_bytes))
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError as exc:
        raise ReadError("file_unreadable", file=display, detail=exc.strerror or str(exc)) from exc
    if head.startswith(OLE2_MAGIC):
        if _encrypted_ole(path):
            raise ReadError("file_encrypted", file=display)
        raise ReadError("file_not_xlsx", file=display, detail="Excel 97-2003 (.xls)")
    if not head.startswith(b"PK\x03\x04"):
        raise ReadError("file_not_xlsx", file=display, detail=_kind_of_text(head))
    _inspect_package(path, display, limits)


def _inspect_package(path: str, display: str, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError("file_corrupt", file=display, detail=str(exc)[:160]) from exc
    with archive:
        members = archive.infolist()
        names = {m.filename for m in members}
        if len(members) > limits.max_parts:
            raise ReadError("file_zip_bomb", file=display, size=f"{len(members)} parts",
                            limit=f"{limits.max_parts} parts")
        if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
            raise ReadError("file_not_xlsx", file=display, detail="OpenDocument (.ods)")
        if "xl/workbook.bin" in names:
            raise ReadError("file_not_xlsx", file=display, detail="Excel 二进制工作簿 (.xlsb)")
        if "xl/workbook.xml" not in names:
            raise ReadError("file_not_xlsx", file=display, detail="zip, 不是Excel工作簿")
        total = sum(m.file_size for m in members)
        if total > limits.max_unpacked_bytes:
            raise ReadError("file_zip_bomb", file=display, size=size_text(total),
                            limit=size_text(limits.max_unpacked_bytes))
        for member in members:
            if (member.file_size > limits.ratio_floor and member.compress_size
                    and member.file_size / member.compress_size > limits.max_ratio):
                raise ReadError("file_zip_bomb", file=display, size=size_text(member.file_size),
                                limit=f"{limits.max_ratio}:1")
        for name in ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"):
            if name in names and _declares_entities(archive, name):
                raise ReadError("file_hostile_xml", file=display)
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _inspect_sheet(archive, member, display, limits)


def _declares_entities(archive: zipfile.ZipFile, name: str) -> bool:
    with archive.open(name) as handle:
        head = handle.read(4096)
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _inspect_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, display: str,
                   limits: Limits) -> None:
    """Refuse a sheet whose cells span more than ``max_cells`` (small sheets only: a large
    sheet's span is bounded by the memory limit of the reading process)."""
    with archive.open(member) as handle:
        head = handle.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise ReadError("file_hostile_xml", file=display)
        if member.file_size > SMALL_SHEET:
            return
        data = head + handle.read()
    rows = [int(m[2]) for m in _CELL_REF.finditer(data)]
    if not rows:
        return
    cols = [_column_number(m[1]) for m in _CELL_REF.finditer(data)]
    cells = (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
    if cells > limits.max_cells:
        raise ReadError("file_too_many_cells", file=display, sheet=member.filename,
                        cells=f"{cells:,}", limit=f"{limits.max_cells:,}")
