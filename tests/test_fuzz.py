"""Fuzzing the reader with hypothesis (issue 7): random bytes, and real workbooks mutated
byte by byte, as a package and part by part (re-zipped). The only outcomes allowed are a
``ValidatedWorkbook`` with findings, or one with ``error`` set to a ``ReadError`` whose
message is Chinese and names the file; never an exception (a reader's panic derives from
``BaseException``, so that is caught here too and fails the test)."""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

import hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_addin.reading.guard import OLE2_MAGIC, ReadError
from xl_addin.validation.workbook import ValidatedWorkbook, validate_path

CJK = re.compile(r"[\u4e00-\u9fff]")
DEMOS = [*sorted(hostile.DEMO_DIR.glob("*.xlsx"))[:3], hostile.PLANTED]
DEMO_BYTES = {p.name: p.read_bytes() for p in DEMOS}
DEMO_PARTS = {p.name: hostile.read_parts(p) for p in DEMOS}
# Reproducible by default; XL_ADDIN_FUZZ=2000 runs 2,000 fresh random examples per test.
EXAMPLES = int(os.environ.get("XL_ADDIN_FUZZ") or 0)
FUZZ = settings(max_examples=EXAMPLES or 80, deadline=None, derandomize=not EXAMPLES,
                database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Fragments that lead a mutated part somewhere interesting.
TOKENS = [b"<", b">", b"/>", b'"', b"&", b"&amp;", b"&#0;", b"<!DOCTYPE x>", b"\x00", b"\xff\xfe",
          b'r="XFD1048576"', b'r="A0"', b'r="ZZZZ9"', b't="e"', b't="s"', b't="b"', b't="d"',
          b't="inlineStr"', b"<f>1/0</f>", b"<v>#SPILL!</v>", b"<v>99999999</v>", b"<v>-1e308</v>",
          b"<v>NaN</v>", b'<row r="4294967297">', b"<c>", b'<sheet name="" sheetId="1"/>',
          b'Target="../../../etc/passwd"', b"]]>", "填报单位".encode(), b"\xe5\xa1"]


def check(data: bytes, name: str = "fuzz.xlsx") -> None:
    """Validate ``data`` as a workbook file; fail on anything but a result."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = validate_path(path)
        except BaseException as exc:  # a PanicException too
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise AssertionError(f"validate_path raised {type(exc).__name__}: {exc}") from exc
        assert isinstance(result, ValidatedWorkbook)
        if result.error is not None:
            assert isinstance(result.error, ReadError)
            message = result.error.message()
            assert name in message and CJK.search(message), message
            assert result.findings == []
        for finding in result.findings:
            assert finding.message("zh") and finding.message("en")


def mutate(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    """Apply ``edits`` (kind, position as a fraction of the length in 1/10,000, bytes)."""
    out = bytearray(data)
    for kind, where, payload in edits:
        at = len(out) * where // 10_000
        if kind == "flip" and out:
            at = min(at, len(out) - 1)
            out[at] ^= payload[0] if payload and payload[0] else 0xFF
        elif kind == "insert":
            out[at:at] = payload
        elif kind == "delete":
            del out[at:at + max(1, len(payload))]
        elif kind == "replace":
            out[at:at + len(payload)] = payload
    return bytes(out)


EDITS = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "replace"]),
                           st.integers(0, 10_000),
                           st.one_of(st.binary(min_size=1, max_size=24), st.sampled_from(TOKENS))),
                 min_size=1, max_size=6)


@FUZZ
@given(st.one_of(st.binary(max_size=4096),
                 st.binary(max_size=4096).map(lambda b: b"PK\x03\x04" + b),
                 st.binary(max_size=4096).map(lambda b: OLE2_MAGIC + b),
                 st.binary(max_size=4096).map(lambda b: b"<?xml version='1.0'?>" + b)))
def test_random_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.sampled_from(sorted(DEMO_BYTES)), EDITS)
def test_mutated_workbook_files(name: str, edits: list[tuple[str, int, bytes]]) -> None:
    """Bytes of the whole package changed: mostly a damaged zip, sometimes a damaged part."""
    check(mutate(DEMO_BYTES[name], edits), name)


@FUZZ
@given(st.sampled_from(sorted(DEMO_PARTS)), st.data())
def test_mutated_parts_rezipped(name: str, data: st.DataObject) -> None:
    """One or two XML parts changed and the package zipped again, so the changes reach the
    XML parsers (the cover and the first data sheets are read by every check)."""
    parts = dict(DEMO_PARTS[name])
    targets = [p for p in parts if p.endswith((".xml", ".rels"))]
    weighted = ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels", "[Content_Types].xml", *targets]
    for part in data.draw(st.lists(st.sampled_from(weighted), min_size=1, max_size=2,
                                   unique=True)):
        parts[part] = mutate(parts[part], data.draw(EDITS))
    check(hostile.zip_bytes(parts), name)


@FUZZ
@given(st.sampled_from(sorted(DEMO_PARTS)), st.data())
def test_parts_dropped_duplicated_or_renamed(name: str, data: st.DataObject) -> None:
    """The package's structure changed: parts missing, stored twice, renamed, or stored
    uncompressed."""
    parts = list(DEMO_PARTS[name].items())
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(parts) - 1))
        action = data.draw(st.sampled_from(["drop", "duplicate", "rename", "swap"]))
        if action == "drop" and len(parts) > 1:
            parts.pop(i)
        elif action == "duplicate":
            parts.append(parts[i])
        elif action == "rename":
            parts[i] = (data.draw(st.sampled_from(
                ["xl/worksheets/sheet1.xml", "xl/worksheets/Sheet1.xml", "xl\\workbook.xml",
                 "/xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "../escape.xml",
                 "xl/worksheets/sheet99.xml"])), parts[i][1])
        elif action == "swap":
            j = data.draw(st.integers(0, len(parts) - 1))
            parts[i], parts[j] = (parts[i][0], parts[j][1]), (parts[j][0], parts[i][1])
    compression = data.draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with zipfile.ZipFile(path, "w", compression) as archive:
            for part, content in parts:
                archive.writestr(part, content)
        check(path.read_bytes(), name)
