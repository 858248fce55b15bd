"""Benchmarks of xl-addin (a script, not a test): python benchmarks/run.py [--quick] [--only PART].

Generates its inputs into benchmarks/out/ and prints, in one run:
1. township: `xl-addin check` of one demo township workbook (--township, default 泷泊镇) as a
   fresh process, against the command's start-up (--version) and a fresh python-calamine read
   of the same file; target ≤ 0.35 s whole process;
2. county: the county-size workbook (--rows rows of 吸纳就业补贴 plus 规模工业企业 and
   安全隐患台账: ≈62,400 rows over its 13 sheets; or --county-rows rows spread over every
   table sheet): `xl-addin check` against python-calamine alone (the floor, target ≤ 2×),
   a worker's check in-process, and `frictionless validate` (when installed);
3. batch: --batch township workbooks (copies of workbooks/demo): --jobs 1 / 2 / N;
4. functions: the FG_ cell functions over a 10,000-row column;
5. cache: a campaign folder (--campaign, else the demo campaign of
   workbooks/make_campaign.py: 341 workbooks over 31 days) checked cold (empty result
   cache) and warm (nothing changed); target warm ≤ 10% of cold.
It ends with one markdown table of every figure and target, the machine, and a calibration
line (fresh `python -c pass` and `python -c "import asyncio, decimal, json"`, the standard
library only) to compare machines by.
Before timing, the xl_addin package is compiled to bytecode (`python -m compileall`, with
PYTHONDONTWRITEBYTECODE unset for that call only), as a pip install leaves it.
Times are the best of 3 runs (--repeat); peak memory is the highest of them: the maximum RSS
of the child process (and its workers), read by a fresh `python` wrapper per run from
getrusage(RUSAGE_CHILDREN). See docs/performance.md."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import batch, big_workbook, county_workbook, credit_code, id_number  # noqa: E402

OUT = HERE / "out"
DEMO = HERE.parent / "workbooks" / "demo"
TOWNSHIP = DEMO / "泷泊镇_2020-03-11.xlsx"
REPEAT = 3
PACKAGES = ("xl-addin", "python-calamine", "polars", "pandas", "pandera", "pydantic", "numpy",
            "openpyxl", "frictionless")
SHEET = "吸纳就业补贴"
PARTS = ("township", "county", "batch", "functions", "cache")

# Run argv[2:] once, stdout to argv[1]; print the child's wall time, CPU time and peak RSS.
WRAPPER = """\
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    rc = subprocess.run(sys.argv[2:], stdout=out).returncode
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss": usage.ru_maxrss / 1024, "rc": rc}))
"""
CALAMINE = """\
import sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
print(sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names))
"""
# What a worker imports before it reads a workbook; prints which heavy libraries came along.
PROGRAM = """\
import sys
import xl_addin.validation.worker
print(", ".join(m for m in ("polars", "pandas", "pandera", "pydantic", "numpy", "hypothesis")
                if m in sys.modules) or "none of polars, pandas, pandera, pydantic, numpy")
"""
FRICTIONLESS = """\
import json, os, sys
from frictionless import Dialect, Resource, Schema, formats
schema = Schema.from_descriptor(json.load(open(sys.argv[2], encoding="utf-8")))
resource = Resource(path=os.path.basename(sys.argv[1]), basepath=os.path.dirname(sys.argv[1]),
                    format="xlsx", schema=schema,
                    dialect=Dialect(controls=[formats.ExcelControl(sheet=sys.argv[3])]))
report = resource.validate()
print(json.dumps({"valid": report.valid, "rows": report.tasks[0].stats.get("rows"),
                  "errors": report.stats["errors"]}))
"""


@dataclass
class Target:
    """One line of the closing table."""

    measurement: str
    figure: str
    target: str = ""
    verdict: str = ""


TABLE: list[Target] = []


def record(measurement: str, figure: str, target: str = "", verdict: str = "") -> None:
    TABLE.append(Target(measurement, figure, target, verdict))


def table_schema() -> dict[str, Any]:
    """The Table Schema equivalent of schemas/absorption.yaml."""
    def field(name: str, kind: str, **constraints: Any) -> dict[str, Any]:
        return {"name": name, "type": kind, "constraints": {"required": True, **constraints}}
    return {"fields": [
        field("企业名称", "string"),
        field("统一社会信用代码", "string", pattern="^[0-9A-Z]{18}$"),
        field("是否疫情防控重点企业", "string", enum=["是", "否"]),
        field("员工姓名", "string"),
        field("身份证号", "string", unique=True, pattern="^[0-9]{17}[0-9X]$"),
        field("返岗日期", "date"),
        field("连续在岗月数", "integer", minimum=0),
        field("补贴金额（元）", "number", minimum=0),
    ]}


@dataclass
class Run:
    wall: float  # seconds, best of the runs
    cpu: float  # seconds (user + system), best of the runs
    rss: float | None = None  # MiB, highest of the runs
    output: str = ""  # standard output of the last run
    rc: int = 0


def measure(commands: dict[str, list[str]], accept: tuple[int, ...] = (0,), tag: str = ""
            ) -> dict[str, Run]:
    """Run each command REPEAT times, each run through a fresh wrapper process. The commands
    take turns (round-robin), so a change in the machine's load hits them alike."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    files = {name: OUT / f"{tag}{'-' if tag else ''}"
             f"{''.join(c for c in name if c.isalnum() or c == '-').strip('-')}.out"
             for name in commands}
    for _ in range(REPEAT):
        for name, cmd in commands.items():
            wrapped = subprocess.run([sys.executable, "-c", WRAPPER, str(files[name]), *cmd],
                                     capture_output=True, text=True, check=True)
            runs[name].append(json.loads(wrapped.stdout))
            if runs[name][-1]["rc"] not in accept:
                sys.exit(f"{' '.join(cmd)} exited {runs[name][-1]['rc']}")
    return {name: Run(min(r["wall"] for r in rs), min(r["cpu"] for r in rs),
                      max(r["rss"] for r in rs),
                      files[name].read_text(encoding="utf-8"), rs[-1]["rc"])
            for name, rs in runs.items()}


def timed(func: Callable[[], Any]) -> tuple[Run, Any]:
    """Best wall and CPU time of ``func()`` in this process, and its last result."""
    walls, cpus, result = [], [], None
    for _ in range(REPEAT):
        wall, cpu = time.perf_counter(), time.process_time()
        result = func()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return Run(min(walls), min(cpus)), result


def proc_field(path: str, key: str) -> str:
    text = Path(path).read_text() if Path(path).exists() else ""
    return next((line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.startswith(key)), "?")


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(HERE.parent), *args], capture_output=True)


def code_state() -> str:
    """The commit, and a hash of whatever differs from it (tracked changes and untracked
    files, git-ignored ones aside) so two runs of the same dirty tree can be told apart."""
    head = git("rev-parse", "--short", "HEAD").stdout.decode().strip() or "?"
    digest = hashlib.sha1(git("diff", "HEAD", "--binary").stdout)
    untracked = git("ls-files", "--others", "--exclude-standard", "-z").stdout.split(b"\0")
    changed = [name for name in git("diff", "HEAD", "--name-only", "-z").stdout.split(b"\0")
               if name]
    for name in filter(None, untracked):
        digest.update(name + b"\0")
        path = HERE.parent / name.decode()
        if path.is_file():
            digest.update(path.read_bytes())
    dirty = len(changed) + sum(1 for name in untracked if name)
    if not dirty:
        return f"commit {head} (clean)"
    return f"commit {head} + {dirty} uncommitted file(s) (dirty hash {digest.hexdigest()[:10]})"


def machine_line(load_start: tuple[float, float, float]) -> list[str]:
    cpu = proc_field("/proc/cpuinfo", "model name")
    mem = int(proc_field("/proc/meminfo", "MemTotal").split()[0]) / 1024**2
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    end = os.getloadavg()
    return [
        f"Machine: {cpu}, {os.cpu_count()} logical CPUs ({usable} usable), {mem:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        "Load average (1/5/15 min): at start {:.2f} {:.2f} {:.2f}, at end {:.2f} {:.2f} {:.2f}"
        .format(*load_start, *end),
        f"Python {platform.python_version()} ({sys.executable})",
        "Packages: " + ", ".join(f"{p} {version(p)}" for p in PACKAGES),
        f"Code: {code_state()}",
    ]


def compile_package() -> str:
    """Compile the xl_addin package the fresh processes import (asked of a fresh process in
    the same environment) to bytecode, as `pip install` does; PYTHONDONTWRITEBYTECODE is
    unset for this call only. Returns the line that says so."""
    where = subprocess.run([sys.executable, "-c", "import os, xl_addin; "
                            "print(os.path.dirname(xl_addin.__file__))"],
                           capture_output=True, text=True, check=True).stdout.strip()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", where], env=env, check=True)
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE")
    state = f"set ({flag!r})" if flag else "not set"
    return (f"Bytecode: compiled {where} with `python -m compileall -q` (PYTHONDONTWRITEBYTECODE "
            f"unset for that call) before timing; the timed processes run with "
            f"PYTHONDONTWRITEBYTECODE {state} and use the .pyc files, as a pip install would.")


def calibrate() -> str:
    """Fresh `python -c pass` and a fresh import of a few standard modules: this machine's
    floor (the standard library is there whatever is installed)."""
    stdlib = "import asyncio, decimal, json"
    runs = measure({"python -c pass": [sys.executable, "-c", "pass"],
                    f"python -c {stdlib}": [sys.executable, "-c", stdlib]},
                   tag="calibration")
    a, b = runs["python -c pass"], runs[f"python -c {stdlib}"]
    return (f"Calibration (fresh processes, best of {REPEAT}): `python -c pass` {a.wall:.3f} s "
            f"wall / {a.cpu:.3f} s CPU / {a.rss:.0f} MiB; `python -c \"{stdlib}\"` "
            f"{b.wall:.3f} s wall / {b.cpu:.3f} s CPU / {b.rss:.0f} MiB")


def load() -> None:
    print("Load average (1/5/15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def row(label: str, run: Run, unit: float = 1.0, extra: str = "") -> None:
    rss = f"{run.rss:9.0f}" if run.rss is not None else " " * 9
    print(f"  {label:<44}{run.wall * unit:9.3f}{run.cpu * unit:9.3f}{rss}  {extra}")


def header(unit: str = "s", last: str = "") -> None:
    print(f"  {'':<44}{'wall ' + unit:>9}{'CPU ' + unit:>9}{'RSS MiB' if unit == 's' else '':>9}"
          f"  {last}")


def verdict(value: float, target: float, at_most: bool) -> str:
    ok = value <= target if at_most else value >= target
    if ok:
        return "met"
    return f"missed ({value / target:.2f}× the target)" if at_most else \
        f"missed ({target / value:.2f}× short)"


def ratio_line(label: str, a: Run, b: Run, target: float | None, at_most: bool = True) -> str:
    """Print one ratio of wall times (CPU beside it); return its verdict ("" without a
    target)."""
    said = verdict(a.wall / b.wall, target, at_most) if target is not None else ""
    goal = f"{'≤' if at_most else '≥'}{target:g}×" if target is not None else "—"
    print(f"  {label:<44}{a.wall / b.wall:8.2f}×{a.cpu / b.cpu:8.2f}×{goal:>9}    {said}")
    return said


def ratio_header() -> None:
    print(f"  {'ratio':<44}{'wall':>9}{'CPU':>9}{'target':>9}  verdict (on wall time)")


def township(path: Path, xl: list[str]) -> None:
    print(f"\n1. Township workbook {path.name} ({path.stat().st_size / 1024:.0f} KiB): "
          f"xl-addin check FILE --format json --no-cache, whole process")
    header()
    runs = measure({
        "check": [*xl, "check", str(path), "--format", "json", "--no-cache"],
        "startup": [*xl, "--version"],
        "program": [sys.executable, "-c", PROGRAM],
        "calamine": [sys.executable, "-c", CALAMINE, str(path)],
    }, accept=(0, 1), tag="township")
    check, startup, floor = runs["check"], runs["startup"], runs["calamine"]
    totals = json.loads(check.output)["totals"]
    row("xl-addin check FILE --format json", check, extra=f"{totals['errors']} errors, "
        f"{totals['warnings']} warnings, exit {check.rc}")
    row("  of which start-up (--version)", startup)
    row("  and a worker loading its program", runs["program"],
        extra=f"imports: {runs['program'].output.strip()}")
    row("calamine, every sheet (fresh process)", floor, extra=f"{floor.output.strip()} rows")
    ratio_header()
    ratio_line("check / calamine (both fresh processes)", check, floor, None)
    said = verdict(check.wall, 0.35, True)
    print(f"  {'check, whole process (s)':<44}{check.wall:9.3f}{'':9}{'≤0.35':>9}    {said}")
    memory = verdict(check.rss or 0, 300, True)
    print(f"  {'check peak memory (MiB)':<44}{check.rss:9.0f}{'':9}{'≤300':>9}    {memory}")
    name = path.name.split("_")[0]
    record(f"township `check` ({name}), whole process", f"{check.wall:.3f} s wall, "
           f"{check.cpu:.3f} s CPU", "≤ 0.35 s", said)
    record("… its start-up (`--version`) / a worker's imports",
           f"{startup.wall:.3f} s / {runs['program'].wall:.3f} s")
    record("… python-calamine, every sheet (fresh process)", f"{floor.wall:.3f} s")
    record("… check / calamine (fresh processes)",
           f"{check.wall / floor.wall:.2f}× ({check.cpu / floor.cpu:.2f}× CPU)")
    record("township `check` peak memory", f"{check.rss:.0f} MiB", "≤ 300 MiB", memory)


def county(path: Path, described: str, xl: list[str], friction: bool) -> None:
    print(f"\n2. County workbook {path.name}: {described}, "
          f"{path.stat().st_size / 1024**2:.1f} MiB")
    header()
    commands = {
        "check": [*xl, "check", str(path), "--format", "json", "--no-cache"],
        "startup": [*xl, "--version"],
        "program": [sys.executable, "-c", PROGRAM],
        "calamine": [sys.executable, "-c", CALAMINE, str(path)],
    }
    if friction:
        schema = OUT / "absorption.schema.json"
        schema.write_text(json.dumps(table_schema(), ensure_ascii=False, indent=1),
                          encoding="utf-8")
        commands["frictionless"] = [sys.executable, "-c", FRICTIONLESS, str(path), str(schema),
                                    SHEET]
    runs = measure(commands, accept=(0, 1), tag="county")
    check, floor = runs["check"], runs["calamine"]
    totals = json.loads(check.output)["totals"]
    row("xl-addin check FILE --format json", check, extra=f"{totals['errors']} errors, "
        f"{totals['warnings']} warnings, exit {check.rc}")
    row("  of which start-up (--version)", runs["startup"])
    row("  and a worker loading its program", runs["program"],
        extra=f"imports: {runs['program'].output.strip()}")
    row("calamine, every sheet (fresh process)", floor, extra=f"{floor.output.strip()} rows")

    from python_calamine import CalamineWorkbook

    from xl_addin.validation.batch import check_one

    def read_all() -> int:
        book = CalamineWorkbook.from_path(str(path))
        return sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names)

    inproc, _ = timed(read_all)
    row("calamine, every sheet (in-process)", inproc)
    validator, result = timed(lambda: check_one(str(path), str(path)))
    row("check_one (in-process: a worker's work)", validator,
        extra=f"{result.errors} errors, {result.warnings} warnings")
    fl = runs.get("frictionless")
    if fl is not None:
        report = json.loads(fl.output)
        row("frictionless, 1 sheet (fresh process)", fl,
            extra=f"valid={report['valid']}, {report['rows']} rows, {report['errors']} errors")
    else:
        print("  (frictionless left out: " + ("it is not installed)" if not _installed(
            "frictionless") else "it validates 吸纳就业补贴 alone, and --county-rows spreads "
            "the rows over every sheet)"))

    ratio_header()
    fresh = ratio_line("check / calamine (both fresh processes)", check, floor, 2.0)
    inside = ratio_line("check_one / calamine (both in-process)", validator, inproc, 2.0)
    versus = ratio_line("frictionless / check", fl, check, 5.0, at_most=False) if fl else ""
    memory = verdict(check.rss or 0, 300, True)
    print(f"  {'check peak memory (MiB)':<44}{check.rss:9.0f}{'':9}{'≤300':>9}    {memory}")
    record(f"county `check` ({path.name}, {int(floor.output):,} rows), whole process",
           f"{check.wall:.3f} s wall, {check.cpu:.3f} s CPU")
    record("… its start-up (`--version`) / a worker's imports",
           f"{runs['startup'].wall:.3f} s / {runs['program'].wall:.3f} s")
    record("… python-calamine, every sheet (fresh / in-process)",
           f"{floor.wall:.3f} s / {inproc.wall:.3f} s")
    record("county check / calamine (fresh processes)",
           f"{check.wall / floor.wall:.2f}× ({check.cpu / floor.cpu:.2f}× CPU)", "≤ 2×", fresh)
    record("county check_one / calamine (in-process)",
           f"{validator.wall / inproc.wall:.2f}× ({validator.cpu / inproc.cpu:.2f}× CPU)",
           "≤ 2×", inside)
    if fl is not None:
        record("frictionless (1 sheet) / county check",
               f"{fl.wall / check.wall:.2f}× ({fl.wall:.1f} s)", "≥ 5×", versus)
    record("county `check` peak memory", f"{check.rss:.0f} MiB", "≤ 300 MiB", memory)


def township_batch(copies: int, xl: list[str]) -> None:
    folder = OUT / f"batch_{copies}"
    shutil.rmtree(folder, ignore_errors=True)
    batch(DEMO, folder, copies)
    print(f"\n3. Batch of {copies} township workbooks (copies of workbooks/demo/*.xlsx), "
          f"xl-addin check DIR --format json --no-cache")
    header(last="per workbook, speed-up")
    cpus = os.cpu_count() or 1
    runs = measure({f"--jobs {jobs}": [*xl, "check", str(folder), "--jobs", str(jobs),
                                       "--format", "json", "--no-cache"]
                    for jobs in sorted({1, 2, cpus})},
                   accept=(0, 1), tag="batch")
    base = runs["--jobs 1"]
    for label, run in runs.items():
        totals = json.loads(run.output)["totals"]
        row(label, run, extra=f"{run.wall / copies * 1000:6.1f} ms, {base.wall / run.wall:4.2f}x"
            f"  ({totals['files']} files, {totals['errors']} errors)")
    print("  (CPU s counts every process; RSS is the largest single process)")
    top = max(runs, key=lambda label: int(label.split()[-1]))
    jobs = int(top.split()[-1])
    if jobs == 1:
        record(f"{copies} workbooks, `--jobs 1`", f"{base.wall:.2f} s "
               f"({base.wall / copies * 1000:.1f} ms each)", "one CPU: no scaling to measure")
        return
    speedup = base.wall / runs[top].wall
    goal = 0.8 * jobs  # near-linear: at least 80% of one more core per job
    said = verdict(speedup, goal, at_most=False)
    print(f"  scaling --jobs 1 → {top}: {speedup:.2f}× (target ≥ {goal:.1f}×, 80% of linear): "
          f"{said}")
    record(f"{copies} workbooks, `--jobs 1` → `{top}` (batch scaling)",
           f"{base.wall:.2f} s → {runs[top].wall:.2f} s ({speedup:.2f}×)", f"≥ {goal:.1f}×",
           said)


def campaign(source: Path | None, quick: bool) -> tuple[Path, str]:
    """The campaign folder: ``--campaign DIR`` as given, else the demo campaign made afresh by
    workbooks/make_campaign.py (11 townships × 31 days, 341 workbooks, its 4 planted faults;
    with --quick 泷泊镇's 31 days only); and a line that says where it comes from."""
    if source is not None:
        return source, "given with --campaign"
    sys.path.insert(0, str(HERE.parent / "workbooks"))
    from make_campaign import main as make_campaign

    folder = OUT / ("campaign_quick" if quick else "campaign")
    start = time.perf_counter()
    argv = ["--out", str(folder), "--jobs", str(os.cpu_count() or 1)]
    with contextlib.redirect_stdout(io.StringIO()) as said:
        make_campaign([*argv, "--township", "泷泊镇"] if quick else argv)
    return folder, (f"made by workbooks/make_campaign.py in {time.perf_counter() - start:.1f} s"
                    f": {said.getvalue().strip()}")


def result_cache(folder: Path, origin: str, xl: list[str]) -> None:
    """A whole campaign checked cold (an empty result cache: every workbook read and
    stored) and warm (nothing changed: every result from the cache). Target: warm ≤ 10% of
    cold."""
    files = sum(1 for p in folder.rglob("*") if p.suffix.lower() in {".xlsx", ".xls", ".ods"})
    print(f"\n5. Result cache: the campaign {folder} ({files} workbooks), "
          "xl-addin check DIR --format json, cold and warm")
    print(f"  (the campaign {origin})")
    header()
    store = OUT / "result-cache"
    command = [*xl, "check", str(folder), "--format", "json"]
    runs: dict[str, list[dict[str, Any]]] = {"cold": [], "warm": []}
    outputs: dict[str, str] = {}
    previous = os.environ.get("XL_ADDIN_CACHE_DIR")
    os.environ["XL_ADDIN_CACHE_DIR"] = str(store)
    try:
        for _ in range(REPEAT):
            shutil.rmtree(store, ignore_errors=True)
            for name in ("cold", "warm"):  # the warm run follows its own cold run
                out = OUT / f"cache-{name}.out"
                wrapped = subprocess.run([sys.executable, "-c", WRAPPER, str(out), *command],
                                         capture_output=True, text=True, check=True)
                runs[name].append(json.loads(wrapped.stdout))
                if runs[name][-1]["rc"] not in (0, 1):  # 1: findings (planted faults)
                    sys.exit(f"{' '.join(command)} exited {runs[name][-1]['rc']}")
                outputs[name] = out.read_text(encoding="utf-8")
    finally:
        if previous is None:
            os.environ.pop("XL_ADDIN_CACHE_DIR", None)
        else:
            os.environ["XL_ADDIN_CACHE_DIR"] = previous
    best = {name: Run(min(r["wall"] for r in rs), min(r["cpu"] for r in rs),
                      max(r["rss"] for r in rs)) for name, rs in runs.items()}
    for name, run in best.items():
        row(name, run, extra=f"{run.wall / max(files, 1) * 1000:6.1f} ms per workbook")
    ratio = best["warm"].wall / best["cold"].wall
    same = outputs["cold"] == outputs["warm"]
    said = verdict(ratio, 0.10, True)
    print(f"  warm / cold: {ratio:.1%} (target ≤ 10%: {said}); "
          f"the two reports are {'identical' if same else 'DIFFERENT'}")
    record(f"campaign of {files} workbooks, cold → warm result cache",
           f"{best['cold'].wall:.2f} s → {best['warm'].wall:.2f} s ({ratio:.1%})", "≤ 10%",
           said)
    record("… warm report equal to the cold one", "yes" if same else "NO", "identical",
           "met" if same else "missed")


def cell_inputs(rows: int) -> dict[str, tuple[Any, ...]]:
    """Arguments as xlwings passes a column: a list of one-value rows; numbers as float,
    dates as datetime, empty cells as None."""
    rng = random.Random(7)
    as_of = dt.datetime(2020, 3, 11)

    def col(make: Callable[[], Any]) -> list[list[Any]]:
        return [[make()] for _ in range(rows)]

    def day() -> dt.datetime:
        return as_of + dt.timedelta(days=rng.randrange(-30, 10))

    seen: set[str] = set()
    return {
        "FG_IDCARD_CHECK": (col(lambda: id_number(rng, seen)),),
        "FG_USCC_CHECK": (col(lambda: credit_code(rng)),),
        "FG_HAZARD_STATUS": (col(day), col(lambda: rng.choice((None, day()))),
                             col(lambda: rng.choice((None, "合格", "不合格"))), as_of),
        "FG_STABILIZATION_REFUND": (col(lambda: float(rng.randrange(1000, 90000))),
                                    col(lambda: float(rng.randrange(30, 500))),
                                    col(lambda: float(rng.randrange(0, 10))),
                                    col(lambda: rng.choice(("否", "是", None))), col(lambda: None)),
        "FG_ABSORPTION_SUBSIDY": (col(lambda: rng.choice(("是", "否"))),
                                  col(lambda: float(rng.randrange(0, 7)))),
    }




def cell_functions(rows: int) -> None:
    from xl_addin.functions import udfs

    print(f"\n4. Cell functions: one call over a {rows:,}-row column (list of rows), "
          f"in-process")
    header("ms", "per row")
    figures = []
    for name, args in cell_inputs(rows).items():
        func = getattr(udfs, name)
        run, out = timed(lambda func=func, args=args: func(*args))
        bad = sum(isinstance(r[0], str) and r[0].startswith("#") for r in out)
        row(name, run, 1000, f"{run.wall / rows * 1e6:6.1f} µs  ({bad} error cells)")
        figures.append(f"{name} {run.wall * 1000:.0f} ms")
    record(f"{rows:,}-row column, one call (in-process)", ", ".join(figures))


def print_table(lines: list[str]) -> None:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    print("\n## Ratio table\n")
    print("| measurement | figure | target | verdict |")
    print("|---|---|---|---|")
    for t in TABLE:
        print(f"| {cell(t.measurement)} | {cell(t.figure)} | {cell(t.target)} | "
              f"{cell(t.verdict)} |")
    print()
    for line in lines:
        print(line + "  ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=PARTS, metavar="PART",
                        help=f"run only this part ({', '.join(PARTS)}); repeatable. "
                        "Default: all of them")
    parser.add_argument("--township", type=Path, default=TOWNSHIP,
                        help="township workbook of part 1 (default: the demo 泷泊镇)")
    parser.add_argument("--rows", type=int, default=60_000, help="吸纳就业补贴 rows of the "
                        "county workbook (with 400 规模工业企业 and 2,000 安全隐患台账 rows)")
    parser.add_argument("--county-rows", type=int, help="instead of --rows: a county workbook "
                        "of about this many rows spread over every table sheet")
    parser.add_argument("--batch", type=int, default=200, help="township workbooks")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run: "
                        "2,000 rows, 22 workbooks, 1,000-row columns, a one-township campaign")
    parser.add_argument("--campaign", type=Path, help="campaign folder for the result cache "
                        "(default: made by workbooks/make_campaign.py, all 11 townships; "
                        "with --quick 泷泊镇 only)")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    load_start = os.getloadavg()
    rows, copies, cells = (2_000, 22, 1_000) if args.quick else (args.rows, args.batch, 10_000)
    # The console script, run by this interpreter (its #! line may name another venv).
    beside = Path(sys.executable).parent / "xl-addin"
    script = str(beside) if beside.exists() else shutil.which("xl-addin")
    if script is None:
        sys.exit("xl-addin is not on PATH (pip install -e '.[bench]')")
    xl = [sys.executable, script]
    if not args.township.is_file():
        sys.exit(f"no township workbook {args.township}")
    OUT.mkdir(parents=True, exist_ok=True)
    parts = args.only or list(PARTS)
    print(f"xl-addin benchmarks ({', '.join(p for p in PARTS if p in parts)}): times are the "
          f"best of {REPEAT} runs, peak memory the highest.")
    load()
    compiled = compile_package()
    print(compiled)
    calibration = calibrate()
    print(calibration)

    def county_part() -> None:
        start = time.perf_counter()
        if args.county_rows:
            path = county_workbook(OUT / f"county_spread_{args.county_rows}.xlsx",
                                   args.county_rows)
            described = f"≈{args.county_rows:,} rows spread over every table sheet"
        else:
            path = big_workbook(OUT / f"county_{rows}.xlsx", rows)
            described = (f"{rows:,} rows in {SHEET}, 400 in 规模工业企业, 2,000 in 安全隐患台账, "
                         f"13 sheets")
        described += f" (generated in {time.perf_counter() - start:.1f} s)"
        county(path, described, xl, friction=not args.county_rows and _installed("frictionless"))

    actions: dict[str, Callable[[], None]] = {
        "township": lambda: township(args.township, xl),
        "county": county_part,
        "batch": lambda: township_batch(copies, xl),
        "functions": lambda: cell_functions(cells),
        "cache": lambda: result_cache(*campaign(args.campaign, args.quick), xl),
    }
    for name in PARTS:
        if name in parts:
            actions[name]()
    print_table([*machine_line(load_start), calibration, compiled])


def _installed(module: str) -> bool:
    return find_spec(module) is not None


if __name__ == "__main__":
    main()
