"""The result cache (xl_addin/validation/cache.py, issue 13 item 7): an unchanged workbook is
answered from the cache without a worker; a changed file, name, policy, schema, tool or
option is read again; a damaged or foreign entry is ignored and removed; two processes
writing the same entries never leave a broken one; no 身份证号 or phone number is stored
unmasked; the reports from the cache are byte-identical to fresh ones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import pickle
import shutil
import typing
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from xl_addin.cli import main
from xl_addin.model.findings import Finding, Severity
from xl_addin.outputs.report import RENDERERS
from xl_addin.outputs.summary import county_summary
from xl_addin.reading.limits import DEFAULT_LIMITS, Limits
from xl_addin.validation import batch as batch_module
from xl_addin.validation import cache as cache_module
from xl_addin.validation.batch import check_paths
from xl_addin.validation.cache import (
    FORMAT,
    ResultCache,
    Unstorable,
    cache_dir,
    decode_entry,
    encode_entry,
    without_private,
)
from xl_addin.validation.outcome import Outcome

DEMO = Path(__file__).resolve().parents[1] / "workbooks" / "demo"
HOME = "泷泊镇_2020-03-11.xlsx"
OTHER = "五里牌镇_2020-03-11.xlsx"
ID_NUMBER = "431123198805102213"  # 吸纳就业补贴!E2 of the home workbook: a valid 身份证号


class CountingPool(batch_module.ProcessPool):  # type: ignore[misc]
    """The worker pool, recording the files sent to a worker."""

    sent: typing.ClassVar[list[str]] = []

    def schedule(self, function: Any, args: Any = (), **kwargs: Any) -> Any:
        CountingPool.sent.append(os.path.basename(args[0][1]))
        return super().schedule(function, args=args, **kwargs)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    CountingPool.sent = []
    monkeypatch.setattr(batch_module, "ProcessPool", CountingPool)
    return CountingPool.sent


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "乡镇报表"
    out.mkdir()
    for name in (HOME, OTHER):
        shutil.copy2(DEMO / name, out / name)
    return out


def entries() -> list[Path]:
    return sorted(cache_dir().rglob("*.json"))


def run(paths: list[Path] | Path, **options: Any) -> Any:
    given = [str(p) for p in (paths if isinstance(paths, list) else [paths])]
    return check_paths(given, jobs=1, cache=True, **options)


def report(batch: Any) -> str:
    return RENDERERS["json"](batch, "zh")


# --- hits and misses ------------------------------------------------------------------


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setenv("XL_ADDIN_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("XL_ADDIN_CACHE_DIR")
    assert "xl-addin" in str(cache_dir()) and cache_dir() != tmp_path / "elsewhere"


def test_an_unchanged_folder_is_not_read_again_and_reports_the_same_bytes(
        folder: Path, sent: list[str]) -> None:
    cold = run(folder)
    assert sorted(sent) == sorted([HOME, OTHER])
    assert len(entries()) == 2
    sent.clear()
    warm = run(folder)
    assert sent == []  # no worker at all
    assert report(warm) == report(cold)
    for fmt, render in RENDERERS.items():
        assert render(warm, "en") == render(cold, "en"), fmt
    assert json.dumps(county_summary(warm).to_json(), ensure_ascii=False) == json.dumps(
        county_summary(cold).to_json(), ensure_ascii=False)
    assert [r.display for r in warm.results] == [r.display for r in cold.results]


def test_without_the_cache_nothing_is_stored_or_used(folder: Path, sent: list[str]) -> None:
    check_paths([str(folder)], jobs=1)
    assert entries() == []
    run(folder)
    sent.clear()
    check_paths([str(folder)], jobs=1, cache=False)
    assert sorted(sent) == sorted([HOME, OTHER])


def test_a_changed_file_is_read_again(folder: Path, sent: list[str]) -> None:
    run(folder)
    book = openpyxl.load_workbook(folder / HOME)
    book["规模工业企业"]["I2"] = 999  # 已上岗人数 above 职工总数 (218)
    book.save(folder / HOME)
    sent.clear()
    warm = run(folder)
    assert sent == [HOME]  # the other one came from the cache
    home = next(r for r in warm.results if r.display.endswith(HOME))
    assert ("le", "规模工业企业", "I2") in {(f.rule, f.sheet, f.cell) for f in home.findings}
    sent.clear()
    assert report(run(folder)) == report(warm) and sent == []


def test_the_same_bytes_elsewhere_report_their_own_name(folder: Path, tmp_path: Path,
                                                        sent: list[str]) -> None:
    run(folder / HOME)
    moved = tmp_path / "另一个文件夹"
    moved.mkdir()
    shutil.copy2(folder / HOME, moved / HOME)
    sent.clear()
    warm = run(moved / HOME)
    assert sent == []
    (result,) = warm.results
    assert result.display == result.path == str(moved / HOME)
    fresh = check_paths([str(moved / HOME)], jobs=1)
    assert report(warm) == report(fresh)
    assert str(folder) not in report(warm)


def test_another_file_name_is_read_again(folder: Path, sent: list[str]) -> None:
    """The name's date and suffix change the outcome (a workbook without 统计日期 takes it
    from its name): the key holds the name."""
    run(folder / HOME)
    shutil.copy2(folder / HOME, folder / "泷泊镇_2020-03-12.xlsx")
    sent.clear()
    run(folder / "泷泊镇_2020-03-12.xlsx")
    assert sent == ["泷泊镇_2020-03-12.xlsx"]


@pytest.mark.parametrize("change", ["as_of", "month", "limits"])
def test_another_option_is_read_again(folder: Path, sent: list[str], change: str) -> None:
    run(folder / HOME)
    options = {"as_of": {"as_of": dt.date(2020, 3, 12)}, "month": {"month": "2020-03"},
               "limits": {"limits": Limits(timeout_seconds=299)}}[change]
    sent.clear()
    run(folder / HOME, **options)
    assert sent == [HOME]
    sent.clear()
    run(folder / HOME, **options)
    assert sent == []


def test_another_policy_is_read_again(folder: Path, sent: list[str], policy_variant: Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    run(folder / HOME)
    changed = policy_variant(append="\n# 同一政策，另一份文件内容\n")
    sent.clear()
    run(folder / HOME, policy_path=str(changed))
    assert sent == [HOME]
    same_text = changed.with_name("copy.toml")
    shutil.copy2(changed, same_text)
    sent.clear()
    run(folder / HOME, policy_path=str(same_text))  # the same content: a hit
    assert sent == []
    monkeypatch.setenv("XL_ADDIN_POLICY", str(policy_variant(append="\n# 第三份\n")))
    run(folder / HOME)  # the variable names a third policy
    assert sent == [HOME]


def test_another_tool_version_or_schema_is_read_again(
        folder: Path, sent: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    run(folder / HOME)
    real = cache_module.tool_digest
    monkeypatch.setattr(cache_module, "tool_digest", lambda: "0.2.0:another")
    sent.clear()
    run(folder / HOME)
    assert sent == [HOME]
    monkeypatch.setattr(cache_module, "tool_digest", real)
    sent.clear()
    run(folder / HOME)  # the real tool again: its entry is still there
    assert sent == []
    monkeypatch.setattr(cache_module, "schemas_digest", lambda: "other schemas")
    sent.clear()
    run(folder / HOME)
    assert sent == [HOME]


def test_the_tool_digest_holds_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache_module.tool_digest.__wrapped__()
    monkeypatch.setattr(cache_module, "__version__", "99.0.0")
    after = cache_module.tool_digest.__wrapped__()
    assert before != after and after.startswith("99.0.0:")


def test_a_workbook_without_a_date_is_not_stored(tmp_path: Path) -> None:
    """Its 统计日期 is today's date: tomorrow the same file gives another outcome."""
    book = openpyxl.load_workbook(DEMO / HOME)
    book["封面"]["B3"] = None
    target = tmp_path / "泷泊镇.xlsx"
    book.save(target)
    batch = run(target)
    assert "no_as_of" in {f.rule for f in batch.results[0].findings}
    assert entries() == []


def test_a_link_is_never_answered_from_the_cache(folder: Path, tmp_path: Path) -> None:
    run(folder / HOME)
    link = tmp_path / "link" / HOME
    link.parent.mkdir()
    link.symlink_to(folder / HOME)
    fresh = check_paths([str(link)], jobs=1)
    assert report(run(link)) == report(fresh)
    assert ResultCache(None, None, None, DEFAULT_LIMITS).lookup(str(link)) is None


def test_a_cache_folder_that_cannot_be_written_changes_nothing(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("XL_ADDIN_CACHE_DIR", str(blocked))
    batch = run(folder)
    assert report(batch) == report(check_paths([str(folder)], jobs=1))
    assert blocked.read_text() == "a file where the cache folder should be"


def test_the_cli_caches_unless_told_not_to(folder: Path, sent: list[str]) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["check", str(folder), "--format", "json", "-j", "1"])
    assert first.exit_code == 0 and len(entries()) == 2
    sent.clear()
    second = runner.invoke(main, ["check", str(folder), "--format", "json", "-j", "1"])
    assert second.output == first.output and sent == []
    third = runner.invoke(main, ["check", str(folder), "--format", "json", "-j", "1",
                                 "--no-cache"])
    assert third.output == first.output and sorted(sent) == sorted([HOME, OTHER])
    sent.clear()
    summary = runner.invoke(main, ["summary", str(folder), "--format", "json", "-j", "1"])
    fresh = runner.invoke(main, ["summary", str(folder), "--format", "json", "-j", "1",
                                 "--no-cache"])
    assert summary.exit_code == 0 and summary.output == fresh.output
    assert sorted(sent) == sorted([HOME, OTHER])  # only the --no-cache run read them


# --- damaged and foreign entries --------------------------------------------------------


@pytest.fixture(scope="module")
def outcome() -> Outcome:
    from xl_addin.validation.worker import outcome_of

    path = str(DEMO / HOME)
    return without_private(outcome_of(path, path, None, None, None, DEFAULT_LIMITS))


def _body(raw: bytes) -> Any:
    return json.loads(json.loads(raw)["outcome"])


def _with_body(raw: bytes, body: Any) -> bytes:
    data = json.loads(raw)
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data["outcome"] = text
    data["sha256"] = hashlib.sha256(text.encode()).hexdigest()  # a consistent forgery
    return json.dumps(data, ensure_ascii=False).encode()


def _first_finding(body: Any) -> Any:
    findings = body["v"]["findings"]
    return findings[0]["v"] if findings else None


def _retag(body: Any, path: tuple[str, ...], value: Any) -> Any:
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return body


DAMAGES: dict[str, Any] = {
    "empty": lambda raw: b"",
    "truncated": lambda raw: raw[: len(raw) // 2],
    "one byte changed": lambda raw: raw.replace(b"\\u6cf7", b"\\u6cf8", 1)
    if b"\\u6cf7" in raw else raw[:-40] + bytes([raw[-40] ^ 1]) + raw[-39:],
    "not utf-8": lambda raw: b"\xff\xfe" + raw,
    "a pickle": lambda raw: pickle.dumps({"format": FORMAT}),
    "a JSON list": lambda raw: b"[1, 2, 3]",
    "another format": lambda raw: raw.replace(FORMAT.encode(), b"xl-addin-result-cache/0"),
    "another key": lambda raw: raw.replace(json.loads(raw)["key"].encode(), b"0" * 64),
    "an extra key": lambda raw: json.dumps({**json.loads(raw), "more": 1}).encode(),
    "a field missing": lambda raw: _with_body(raw, _retag(
        _body(raw), ("v",), {k: v for k, v in _body(raw)["v"].items() if k != "counts"})),
    "a field added": lambda raw: _with_body(raw, _retag(_body(raw), ("v", "extra"), 1)),
    "a wrong type": lambda raw: _with_body(raw, _retag(_body(raw), ("v", "unreadable"),
                                                        "no")),
    "a list for a tuple": lambda raw: _with_body(raw, _retag(
        _body(raw), ("v", "townships"), ["泷泊镇"])),
    "an unknown class": lambda raw: _with_body(raw, _retag(_body(raw), ("t",), "Popen")),
    "an unknown tag": lambda raw: _with_body(raw, _retag(
        _body(raw), ("v", "as_of"), {"$": "eval", "v": "1+1"})),
    "a date that is not one": lambda raw: _with_body(raw, _retag(
        _body(raw), ("v", "as_of"), {"$": "date", "v": "2020-02-30"})),
    "a decimal for a date": lambda raw: _with_body(raw, _retag(
        _body(raw), ("v", "as_of"), {"$": "decimal", "v": "1"})),
    "a name of no known kind": lambda raw: _with_body(raw, _retag(
        _body(raw), ("v", "path"), {"$": "name", "v": "home"})),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_or_foreign_entry_is_ignored_and_removed(
        outcome: Outcome, tmp_path: Path, damage: str) -> None:
    store = ResultCache(None, None, None, DEFAULT_LIMITS, tmp_path / "cache")
    path = str(DEMO / HOME)
    lookup = store.lookup(path)
    assert lookup is not None and store.store(lookup, outcome)
    (entry,) = (tmp_path / "cache").rglob("*.json")
    assert store.load(lookup, path, path) == outcome  # the intact entry is used
    raw = entry.read_bytes()
    damaged = DAMAGES[damage](raw)
    assert damaged != raw
    entry.write_bytes(damaged)
    assert store.load(lookup, path, path) is None
    assert not entry.exists()


def test_a_finding_of_another_severity_is_refused(outcome: Outcome) -> None:
    finding = Finding("w", "s", "A1", 1, "c", "le", Severity.ERROR, {"a": 1})
    with_one = dataclasses.replace(outcome, findings=[finding])
    raw = encode_entry(with_one, "k")
    body = _body(raw)
    body["v"]["findings"][0]["v"]["severity"]["v"] = "fatal"
    with pytest.raises(ValueError):
        decode_entry(_with_body(raw, body), "k", outcome.path, outcome.display)
    body["v"]["findings"][0]["v"]["row"] = "1"
    body["v"]["findings"][0]["v"]["severity"]["v"] = "error"
    with pytest.raises(Exception, match=r"Finding\.row"):
        decode_entry(_with_body(raw, body), "k", outcome.path, outcome.display)


def test_a_damaged_entry_is_read_again_and_replaced(folder: Path, sent: list[str]) -> None:
    cold = run(folder / HOME)
    (entry,) = entries()
    entry.write_bytes(entry.read_bytes()[:100])
    sent.clear()
    again = run(folder / HOME)
    assert sent == [HOME] and report(again) == report(cold)
    sent.clear()
    assert report(run(folder / HOME)) == report(cold) and sent == []


# --- every field of an outcome round-trips ----------------------------------------------


def _sample(hint: Any) -> Any:
    """A value of type ``hint`` unlike any default (not empty, not None, not zero)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return Decimal("12.50")
    if origin in (typing.Union, __import__("types").UnionType):
        return _sample(next(a for a in args if a is not type(None)))
    if origin is list:
        return [_sample(args[0]), _sample(args[0])]
    if origin is dict:
        return {_sample(args[0]): _sample(args[1])}
    if origin is tuple:
        return tuple(_sample(a) for a in args) if args[-1] is not Ellipsis else (
            _sample(args[0]), _sample(args[0]))
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return hint(**{f.name: _sample(hints[f.name]) for f in dataclasses.fields(hint)})
    samples = {str: "样例", int: 7, float: 2.5, bool: True, dt.date: dt.date(2020, 3, 11),
               dt.datetime: dt.datetime(2020, 3, 11, 8, 30), Decimal: Decimal("0.10"),
               Fraction: Fraction(1, 3), Severity: Severity.WARNING}
    return samples[hint]


def test_every_field_of_an_outcome_round_trips() -> None:
    """Fails when a field is added to ``Outcome`` (or ``Finding``) with a type the cache
    cannot store and give back exactly."""
    hints = typing.get_type_hints(Outcome)
    fields = dataclasses.fields(Outcome)
    sample = Outcome(**{f.name: _sample(hints[f.name]) for f in fields})
    sample = dataclasses.replace(sample, path="/甲/泷泊镇.xlsx", display="甲/泷泊镇.xlsx",
                                 unreadable=False)
    for f in fields:
        if f.name in {"unreadable"}:
            continue
        default = f.default_factory() if callable(f.default_factory) else f.default
        assert getattr(sample, f.name) != default, f.name
    back = decode_entry(encode_entry(sample, "k"), "k", sample.path, sample.display)
    assert back == sample
    for f in fields:
        assert type(getattr(back, f.name)) is type(getattr(sample, f.name)), f.name
    assert type(back.findings[0].params["样例"]) is Decimal


@pytest.mark.parametrize("value", [
    Decimal("-0.005"), Decimal("1E+3"), Fraction(-2, 7), dt.date(1, 1, 1),
    dt.datetime(2020, 3, 11, 23, 59, 59, 999999), float("nan"), float("-inf"), 10**30,
    ("a", ("b", 1)), {"$": "date", "v": "2020-03-11"}, {1: "int key", (1, 2): "tuple key"},
    [None, True, False, 0, ""], "{\"$\": \"name\"}", Severity.ERROR,
])
def test_values_round_trip_with_their_types(outcome: Outcome, value: Any) -> None:
    finding = Finding(outcome.display, "封面", "B3", 3, "统计日期", "le", Severity.ERROR,
                      {"value": value}, value, [value])
    sample = dataclasses.replace(outcome, findings=[finding])
    back = decode_entry(encode_entry(sample, "k"), "k", outcome.path, outcome.display)
    got = back.findings[0]
    if isinstance(value, float) and value != value:
        assert got.value != got.value and isinstance(got.params["value"], float)
    else:
        assert got == finding
        assert repr(got.value) == repr(value) and repr(got.expected) == repr([value])


def test_what_cannot_be_stored_is_not(outcome: Outcome) -> None:
    class Odd:
        pass

    for value in (Odd(), {1, 2}, b"bytes"):
        finding = Finding(outcome.display, None, None, None, None, "le", Severity.ERROR,
                          {}, value)
        with pytest.raises(Unstorable):
            encode_entry(dataclasses.replace(outcome, findings=[finding]), "k")
    with pytest.raises(Unstorable):
        encode_entry(dataclasses.replace(outcome, unreadable=True), "k")
    named = Finding(outcome.display, None, None, None, None, "le", Severity.ERROR,
                    {"detail": f"在 {outcome.display} 里"})
    with pytest.raises(Unstorable):  # the name inside a text would be wrong under another
        encode_entry(dataclasses.replace(outcome, findings=[named]), "k")


# --- two runs at once -------------------------------------------------------------------


def _writer(directory: str, path: str, outcome: Outcome, rounds: int) -> None:
    store = ResultCache(None, None, None, DEFAULT_LIMITS, Path(directory))
    lookup = store.lookup(path)
    assert lookup is not None
    for _ in range(rounds):
        assert store.store(lookup, outcome)


def _reader(directory: str, path: str, outcome: Outcome, rounds: int, bad: Any) -> None:
    store = ResultCache(None, None, None, DEFAULT_LIMITS, Path(directory))
    lookup = store.lookup(path)
    assert lookup is not None
    for _ in range(rounds):
        entry = store._entry(lookup.key)
        try:
            raw = entry.read_bytes()
        except FileNotFoundError:
            continue
        try:
            if decode_entry(raw, lookup.key, path, path) != outcome:
                bad.value += 1
        except Exception:
            bad.value += 1


def test_two_processes_writing_the_same_entries_never_break_one(
        outcome: Outcome, tmp_path: Path) -> None:
    directory = str(tmp_path / "cache")
    path = str(DEMO / HOME)
    context = multiprocessing.get_context("fork")
    bad = context.Value("i", 0)
    procs = [context.Process(target=_writer, args=(directory, path, outcome, 150)),
             context.Process(target=_writer, args=(directory, path, outcome, 150)),
             context.Process(target=_reader, args=(directory, path, outcome, 400, bad))]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    assert bad.value == 0
    files = [p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].endswith(".json")  # no temporary file left


# --- private data -----------------------------------------------------------------------

PLANTED_MOBILE = "13912345678"
PLANTED_LIAISON = "1391234567"  # one digit short: a finding, masked
PLANTED_BAD_ID = "43112319900101123X"  # a wrong check character: a finding, masked
PLANTED_COUNT = 13807460000  # a mobile typed into 职工总数
PLANTED_NAME_ID = "11010519491231002X"  # a valid 身份证号 typed as the 填报人


def _plant(target: Path, *, in_plain_fields: bool) -> None:
    book = openpyxl.load_workbook(DEMO / HOME)
    book["封面"]["B5"] = PLANTED_MOBILE  # 联系电话
    book["规模工业企业"]["L2"] = PLANTED_LIAISON  # 联络员电话
    book["吸纳就业补贴"]["E3"] = ID_NUMBER  # the same 身份证号 twice
    book["吸纳就业补贴"]["E4"] = PLANTED_BAD_ID
    if in_plain_fields:
        book["封面"]["B4"] = PLANTED_NAME_ID  # 填报人
        book["规模工业企业"]["H3"] = PLANTED_COUNT
    book.save(target)


def test_no_id_number_or_phone_is_stored_unmasked(tmp_path: Path) -> None:
    folder = tmp_path / "报表"
    folder.mkdir()
    _plant(folder / HOME, in_plain_fields=False)
    _plant(folder / "双牌县_2020-03-11.xlsx", in_plain_fields=True)
    book = openpyxl.load_workbook(folder / HOME, read_only=True)
    assert book["封面"]["A4"].value == "填报人" and book["封面"]["A5"].value == "联系电话"
    cold = run(folder)
    home = next(r for r in cold.results if r.display.endswith(HOME))
    rules = {(f.rule, f.sheet, f.cell) for f in home.findings}
    assert ("mobile", "规模工业企业", "L2") in rules
    assert ("idcard", "吸纳就业补贴", "E4") in rules
    assert any(f.rule == "unique" and f.cell == "E3" for f in home.findings)
    stored = b"".join(p.read_bytes() for p in entries())
    assert len(entries()) == 1  # the one with private data in plain fields is not stored
    text = stored.decode()
    for planted in (PLANTED_MOBILE, PLANTED_LIAISON, PLANTED_BAD_ID, ID_NUMBER,
                    str(PLANTED_COUNT), PLANTED_NAME_ID, "17712134759"):
        assert planted not in text, planted
    assert "139****5678" in text  # the 封面's 联系电话, masked as the reports mask it
    assert "431123********2213" in text
    warm = run(folder)
    assert report(warm) == report(cold)
    assert home.cover["联系电话"] == "139****5678"  # masked in every outcome, cached or not
    for planted in (PLANTED_MOBILE, PLANTED_LIAISON, PLANTED_BAD_ID, ID_NUMBER):
        assert planted not in report(cold), planted


def test_a_resubmission_from_the_cache_is_chosen_by_its_own_modification_time(
        tmp_path: Path, sent: list[str]) -> None:
    """Two byte-identical submissions of one township and day under the same name in two
    folders share one cache entry; which one is used must follow each file's own
    modification time, not the one of the copy that was stored."""
    older, newer = tmp_path / "b_旧", tmp_path / "a_新"  # the newer one sorts first by path
    for folder, when in ((older, 1_000_000), (newer, 2_000_000)):
        folder.mkdir()
        shutil.copyfile(DEMO / HOME, folder / HOME)
        os.utime(folder / HOME, (when, when))
    run(older / HOME)  # stored with the older file's time
    sent.clear()
    warm = run([older / HOME, newer / HOME])
    assert sent == []  # both from the one entry
    assert warm.superseded == {str(older / HOME): str(newer / HOME)}


def test_a_digest_whose_digits_look_like_a_mobile_number_is_not_private() -> None:
    """The day rules match 吸纳就业补贴 rows by a hex digest of the 身份证号; its digits
    may read as a mobile number, which must not keep the outcome out of the cache, while a
    real number beside letters still does."""
    refuse = cache_module._refuse_private
    refuse('{"matches": ["edb5fd17243377882f7cea46aaa3e6f2"]}')  # a digest: stored
    for body in ('{"v": "13907461234"}', '{"v": "Tel13907461234"}', '{"v": "电话13907461234"}',
                 '{"v": "edb5fd17243377882f7c"}'):  # too short for a digest
        with pytest.raises(cache_module.Unstorable):
            refuse(body)
