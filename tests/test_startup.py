"""The command's start-up (issue 14, docs/performance.md "Start-up of the command"): the
worker processes are started before the command loads what it needs only after the check
(rich, the renderers) and before the cached outcomes are loaded; what the command process
holds when a worker forks is what that worker starts from."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
import typing
from pathlib import Path
from typing import Any

import pytest

from xl_addin.outputs.report import RENDERERS
from xl_addin.reading.limits import DEFAULT_LIMITS
from xl_addin.validation import batch as batch_module
from xl_addin.validation.batch import check_paths
from xl_addin.validation.cache import ResultCache, cache_dir

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "workbooks" / "demo"
HOME = "泷泊镇_2020-03-11.xlsx"
OTHER = "五里牌镇_2020-03-11.xlsx"
THIRD = "江村镇_2020-03-11.xlsx"
# collect's order (sorted paths): 五里牌镇 U+4E94, 江村镇 U+6C5F, 泷泊镇 U+6CF7
ORDER = [OTHER, THIRD, HOME]
# never in the command's process (the worker loads them after the fork, then its limit)
HEAVY = ("pandas", "pandera", "pydantic", "polars", "numpy", "openpyxl", "python_calamine")


def _run(code: str, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, cwd=ROOT, env=environment,
                          timeout=300)


# The command run as a clerk runs it, in its own process; each worker writes down, first
# thing in its initializer, the modules it was forked with (the parent's, at that moment).
_RECORDING_CHECK = """
    import json, sys
    import xl_addin.validation.batch as batch

    record, original = sys.argv[1], batch._init_worker

    def recording(max_bytes):
        with open(record, "w") as handle:
            json.dump(sorted(sys.modules), handle)
        original(max_bytes)

    batch._init_worker = recording
    from xl_addin.cli import main
    try:
        main(sys.argv[2:])
    except SystemExit as exc:
        code = exc.code
    with open(record + ".parent", "w") as handle:
        json.dump({"code": code, "after": sorted(sys.modules)}, handle)
"""


def _forked_with(tmp_path: Path, *args: str) -> tuple[set[str], dict[str, Any], str]:
    record = tmp_path / "forked-with.json"
    done = _run(_RECORDING_CHECK, str(record), *args,
                env={"XL_ADDIN_CACHE_DIR": str(tmp_path / "cache")})
    assert record.exists(), done.stderr
    parent = json.loads(Path(f"{record}.parent").read_text())
    return set(json.loads(record.read_text())), parent, done.stdout


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_the_worker_forks_before_the_command_loads_its_renderers(tmp_path: Path, fmt: str
                                                                  ) -> None:
    forked, parent, out = _forked_with(tmp_path, "check", str(DEMO / HOME), "--format", fmt)
    assert parent["code"] == 0
    assert "通过" in out
    assert "xl_addin.cli" in forked  # forked from the command's process, not spawned
    assert "xl_addin.validation.worker" not in forked  # the worker loads it itself
    assert sorted(m for m in forked if m.split(".")[0] in HEAVY) == []
    assert sorted(m for m in forked if m.split(".")[0] == "rich") == []
    after = set(parent["after"])
    assert "xl_addin.outputs.report" in after
    # the table's renderer needs rich: the command loaded it, after the fork
    assert ("rich.table" in after) is (fmt == "table")
    assert sorted(m for m in after if m.split(".")[0] in HEAVY) == []


def test_the_worker_forks_before_the_progress_bar(tmp_path: Path) -> None:
    """With a terminal on standard error the command draws a progress bar: rich, loaded
    once the worker has been started."""
    code = _RECORDING_CHECK.replace("from xl_addin.cli import main", (
        "sys.stderr.isatty = lambda: True\n    from xl_addin.cli import main"))
    record = tmp_path / "forked-with.json"
    done = _run(code, str(record), "check", str(DEMO / HOME), "--format", "json",
                env={"XL_ADDIN_CACHE_DIR": str(tmp_path / "cache")})
    assert record.exists(), done.stderr
    forked = set(json.loads(record.read_text()))
    parent = json.loads(Path(f"{record}.parent").read_text())
    assert parent["code"] == 0
    assert "rich.progress" in parent["after"]
    assert "rich.progress" not in forked and "rich" not in forked


def test_the_version_loads_no_checking_machinery() -> None:
    done = _run("""
        import sys
        from xl_addin.cli import main
        try:
            main(["--version"])
        except SystemExit:
            pass
        print(sorted(m for m in sys.modules if m.split(".")[0] in
                     ("rich", "pebble", "multiprocessing", *sys.argv[1:])
                     or m in ("xl_addin.validation.batch", "xl_addin.validation.cache")))
    """, *HEAVY)
    assert done.returncode == 0, done.stderr
    assert "0.1.0" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- the order inside check_paths -------------------------------------------------------


class RecordingPool(batch_module.ProcessPool):  # type: ignore[misc]
    """The worker pool, recording its size and each file sent to it, in one event list."""

    events: typing.ClassVar[list[str]] = []
    sizes: typing.ClassVar[list[int]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        RecordingPool.sizes.append(kwargs["max_workers"])
        super().__init__(*args, **kwargs)

    def schedule(self, function: Any, args: Any = (), **kwargs: Any) -> Any:
        RecordingPool.events.append("worker " + os.path.basename(args[0][1]))
        return super().schedule(function, args=args, **kwargs)

    def stop(self) -> None:
        RecordingPool.events.append("stop")
        super().stop()


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    RecordingPool.events, RecordingPool.sizes = [], []
    monkeypatch.setattr(batch_module, "ProcessPool", RecordingPool)
    return RecordingPool.events


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "乡镇报表"
    out.mkdir()
    for name in (HOME, OTHER, THIRD):
        shutil.copy2(DEMO / name, out / name)
    return out


def _checked(folder: Path, events: list[str], **options: Any) -> Any:
    def progress(checked: Any) -> None:
        events.append("outcome " + os.path.basename(checked.display))

    return check_paths([str(folder)], progress=progress,
                       started=lambda total: events.append(f"started {total}"), **options)


def test_started_comes_once_after_the_workers_and_before_any_outcome(folder: Path,
                                                                     events: list[str]
                                                                     ) -> None:
    batch = _checked(folder, events, jobs=2, cache=True)
    assert sorted(ORDER) == ORDER
    assert events[:4] == [*(f"worker {n}" for n in ORDER), "started 3"]
    assert sorted(events[4:]) == sorted([*(f"outcome {n}" for n in ORDER), "stop"])
    assert events[-2] == "stop"  # the pool winds down once the last result is in
    assert RecordingPool.sizes == [2]
    assert [os.path.basename(r.display) for r in batch.results] == ORDER


def test_a_cached_file_is_loaded_after_the_workers_are_started(folder: Path,
                                                               events: list[str]) -> None:
    first = _checked(folder, [], jobs=2, cache=True)
    (folder / OTHER).write_bytes((DEMO / HOME).read_bytes())  # changed: a new entry
    events.clear()
    RecordingPool.sizes.clear()
    batch = _checked(folder, events, jobs=2, cache=True)
    # one file to read: one worker, started before the two cached outcomes are loaded
    assert RecordingPool.sizes == [1]
    assert events == [f"worker {OTHER}", "started 3", f"outcome {THIRD}", f"outcome {HOME}",
                      "stop", f"outcome {OTHER}"]
    # the report names the files in collect's order, whoever answered first
    assert [os.path.basename(r.display) for r in batch.results] == ORDER
    assert RENDERERS["json"](batch, "zh") != RENDERERS["json"](first, "zh")


def test_all_cached_starts_no_worker(folder: Path, events: list[str]) -> None:
    first = _checked(folder, [], jobs=2, cache=True)
    events.clear()
    RecordingPool.sizes.clear()
    again = _checked(folder, events, jobs=2, cache=True)
    assert RecordingPool.sizes == []
    assert events == ["started 3", *(f"outcome {n}" for n in ORDER)]
    assert RENDERERS["json"](again, "zh") == RENDERERS["json"](first, "zh")


def test_a_damaged_entry_found_after_the_start_still_gets_a_worker(folder: Path,
                                                                   events: list[str]) -> None:
    first = _checked(folder, [], jobs=2, cache=True)
    store = ResultCache(None, None, None, DEFAULT_LIMITS)
    assert len(sorted(cache_dir().rglob("*.json"))) == 3
    for name in (THIRD, HOME):
        found = store.lookup(str(folder / name))
        assert found is not None
        entry = cache_dir() / found.key[:2] / f"{found.key}.json"
        entry.write_text("{not json", encoding="utf-8")
    events.clear()
    RecordingPool.sizes.clear()
    again = _checked(folder, events, jobs=2, cache=True)
    # every entry looked present: the workers start when the first damaged one is loaded,
    # the pool sized on the files still to load then (2 of 3, at most --jobs)
    assert events[:4] == ["started 3", f"outcome {OTHER}", f"worker {THIRD}", f"worker {HOME}"]
    assert sorted(events[4:]) == ["outcome " + n for n in (THIRD, HOME)] + ["stop"]
    assert events[-2] == "stop"
    assert RecordingPool.sizes == [2]
    assert RENDERERS["json"](again, "zh") == RENDERERS["json"](first, "zh")
    assert len(sorted(cache_dir().rglob("*.json"))) == 3  # stored again


def test_one_damaged_entry_last_gets_a_pool_of_one(folder: Path, events: list[str]) -> None:
    _checked(folder, [], jobs=2, cache=True)
    found = ResultCache(None, None, None, DEFAULT_LIMITS).lookup(str(folder / HOME))
    assert found is not None
    (cache_dir() / found.key[:2] / f"{found.key}.json").write_bytes(b"")
    events.clear()
    RecordingPool.sizes.clear()
    _checked(folder, events, jobs=2, cache=True)
    assert events == ["started 3", f"outcome {OTHER}", f"outcome {THIRD}", f"worker {HOME}",
                      "stop", f"outcome {HOME}"]
    assert RecordingPool.sizes == [1]


def test_without_cache_every_file_goes_to_a_worker_in_order(folder: Path,
                                                             events: list[str]) -> None:
    _checked(folder, events, jobs=1)
    assert events[:4] == [*(f"worker {n}" for n in ORDER), "started 3"]
    assert RecordingPool.sizes == [1]


def test_an_empty_folder_is_started_and_checked_without_a_worker(tmp_path: Path,
                                                                  events: list[str]) -> None:
    batch = _checked(tmp_path, events, cache=True)
    assert events == ["started 0"]
    assert batch.results == [] and RecordingPool.sizes == []


def test_the_pool_winds_down_while_the_last_outcome_is_stored(
        folder: Path, events: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = ResultCache.store

    def storing(self: ResultCache, lookup: Any, outcome: Any) -> bool:
        events.append("store " + os.path.basename(outcome.display))
        return store(self, lookup, outcome)

    monkeypatch.setattr(ResultCache, "store", storing)
    batch = _checked(folder, events, jobs=2, cache=True)
    stored = [e for e in events if e.startswith("store ")]
    assert sorted(stored) == sorted(f"store {n}" for n in ORDER)
    # one stop, after the last result came in and before it was stored; the pool is still
    # joined before check_paths returns (its workers gone)
    assert events.count("stop") == 1
    assert events.index("stop") == events.index(stored[-1]) - 1
    assert events.index("stop") > events.index(stored[-2])
    assert [r.unreadable for r in batch.results] == [False, False, False]
    assert not [p for p in multiprocessing.active_children() if p.name == "pebble_pool_worker"]


# --- how the workers start: forked, or from a fork server once polars has run ------------

_POOL_PROBE = textwrap.dedent("""
    import sys
    from xl_addin.validation.batch import check_paths, pool_context
    if __name__ == "__main__":  # a fork server imports the main module (multiprocessing)
        if sys.argv[1] == "used":
            import polars as pl
            pl.DataFrame({"n": [1, 2, 3]}).select(pl.col("n").sum())  # its thread pool runs
        batch = check_paths([sys.argv[2]], jobs=1)
        print(pool_context().get_start_method(), [r.unreadable for r in batch.results])
""")


@pytest.mark.parametrize(("polars_state", "method"), [("absent", "fork"),
                                                      ("used", "forkserver")])
def test_workers_are_forked_unless_polars_has_run_here(tmp_path: Path, polars_state: str,
                                                       method: str) -> None:
    """A worker forked from a process whose polars thread pool has run would wait for that
    pool forever: such a process gets its workers from a fork server, and they check the
    workbook (a hang would end at the test's time limit, not in a pass)."""
    script = tmp_path / "probe.py"
    script.write_text(_POOL_PROBE, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), polars_state, str(DEMO / HOME)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.split() == [method, "[False]"]


def test_a_forked_child_starts_its_own_fork_server(tmp_path: Path) -> None:
    """A process forked from one that ran a fork server (a library caller's own process
    pool, as tests/test_nothing_lost.py has) must not ask its parent's server for workers
    (``_forget_inherited_fork_server``)."""
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent("""
        import multiprocessing, sys
        from concurrent.futures import ProcessPoolExecutor
        import polars as pl
        from xl_addin.validation.batch import check_paths

        def child(path):
            return [r.unreadable for r in check_paths([path], jobs=1).results]

        if __name__ == "__main__":
            pl.DataFrame({"n": [1]}).sum()
            check_paths([sys.argv[1]], jobs=1)  # this process's fork server starts
            with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
                print(pool.submit(child, sys.argv[1]).result())
    """), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(DEMO / HOME)], capture_output=True,
                         text=True, timeout=180, check=True).stdout
    assert out.strip() == "[False]"
