"""Benchmarks of xl-addin (a script, not a test): python benchmarks/run.py [--quick].

Generates its inputs into benchmarks/out/ and prints, side by side:
1. the county workbook (--rows rows of 吸纳就业补贴): `xl-addin check` against python-calamine
   alone (the floor), a worker's check in-process, and `frictionless validate`;
2. a batch of --batch township workbooks (copies of workbooks/demo): --jobs 1 / 2 / N;
3. the FG_ cell functions over a 10,000-row column;
4. the result cache: a campaign folder (--campaign, else --batch copies of the demo set)
   checked cold (empty cache) and warm (nothing changed); target warm ≤ 10% of cold.
Times are the best of 3 runs (--repeat); peak memory is the highest of them: the maximum RSS
of the child process (and its workers), read by a fresh `python` wrapper per run from
getrusage(RUSAGE_CHILDREN). See docs/performance.md."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import batch, big_workbook, credit_code, id_number  # noqa: E402

OUT = HERE / "out"
DEMO = HERE.parent / "workbooks" / "demo"
REPEAT = 3
PACKAGES = ("xl-addin", "python-calamine", "pandas", "pandera", "openpyxl", "frictionless")
SHEET = "吸纳就业补贴"

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


def measure(commands: dict[str, list[str]], accept: tuple[int, ...] = (0,)) -> dict[str, Run]:
    """Run each command REPEAT times, each run through a fresh wrapper process. The commands
    take turns (round-robin), so a change in the machine's load hits them alike."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    files = {name: OUT / f"{name.replace(' ', '').strip('-')}.out" for name in commands}
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


def machine() -> None:
    cpu = proc_field("/proc/cpuinfo", "model name")
    mem = int(proc_field("/proc/meminfo", "MemTotal").split()[0]) / 1024**2
    print(f"Machine: {cpu}, {os.cpu_count()} logical CPUs, {mem:.1f} GiB RAM, "
          f"{platform.system()} {platform.release()}")
    print(f"Python {platform.python_version()} ({sys.executable})")
    print("Packages: " + ", ".join(f"{p} {metadata.version(p)}" for p in PACKAGES))
    git = ["git", "-C", str(HERE.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    diff = subprocess.run([*git, "diff", "HEAD", "--", "xl_addin", "schemas"],
                          capture_output=True).stdout
    print(f"Code: commit {head or '?'}" + (f" + uncommitted changes in xl_addin/ or schemas/ "
                                           f"(diff sha1 {hashlib.sha1(diff).hexdigest()[:10]})"
                                           if diff else ""))
    load()


def _installed(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(module) is not None


def load() -> None:
    print("Load average (1/5/15 min): {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def row(label: str, run: Run, unit: float = 1.0, extra: str = "") -> None:
    rss = f"{run.rss:9.0f}" if run.rss is not None else " " * 9
    print(f"  {label:<44}{run.wall * unit:9.3f}{run.cpu * unit:9.3f}{rss}  {extra}")


def verdict(value: float, target: float, at_most: bool) -> str:
    ok = value <= target if at_most else value >= target
    if ok:
        return "met"
    return f"MISSED: {value / target:.2f}x the target" if at_most else \
        f"MISSED: {target / value:.2f}x short"


def county(rows: int, xl_addin: str) -> None:
    path = OUT / f"county_{rows}.xlsx"
    start = time.perf_counter()
    big_workbook(path, rows)
    print(f"\n1. County workbook {path.name}: {rows:,} rows in {SHEET}, "
          f"{path.stat().st_size / 1024**2:.1f} MiB (generated in "
          f"{time.perf_counter() - start:.1f} s)")
    print(f"  {'':<44}{'wall s':>9}{'CPU s':>9}{'RSS MiB':>9}")
    schema = OUT / "absorption.schema.json"
    schema.write_text(json.dumps(table_schema(), ensure_ascii=False, indent=1), encoding="utf-8")
    runs = measure({
        "check": [xl_addin, "check", str(path), "--format", "json", "--no-cache"],
        "startup": [xl_addin, "--version"],
        "program": [sys.executable, "-c", "import xl_addin.validation.worker"],
        "calamine": [sys.executable, "-c", CALAMINE, str(path)],
        "frictionless": [sys.executable, "-c", FRICTIONLESS, str(path), str(schema), SHEET],
    }, accept=(0, 1))
    check, floor, fl = runs["check"], runs["calamine"], runs["frictionless"]
    totals = json.loads(check.output)["totals"]
    row("xl-addin check FILE --format json", check, extra=f"{totals['errors']} errors, "
        f"{totals['warnings']} warnings, exit {check.rc}")
    row("  of which start-up (--version)", runs["startup"])
    row("  and a worker loading its program", runs["program"],
        extra="pandas, pandera, pydantic" + (" (+ hypothesis via pandera: installed)"
                                             if _installed("hypothesis") else ""))
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
    report = json.loads(fl.output)
    row("frictionless, 1 sheet (fresh process)", fl,
        extra=f"valid={report['valid']}, {report['rows']} rows, {report['errors']} errors")

    print(f"  {'ratio':<44}{'wall':>9}{'CPU':>9}{'target':>9}  verdict (on wall time)")
    for label, a, b, target, at_most in (
            ("check / calamine (both fresh processes)", check, floor, 2.0, True),
            ("check_one / calamine (both in-process)", validator, inproc, 2.0, True),
            ("frictionless / check", fl, check, 5.0, False)):
        sign = "≤" if at_most else "≥"
        print(f"  {label:<44}{a.wall / b.wall:8.2f}x{a.cpu / b.cpu:8.2f}x{sign:>6}{target:.0f}x  "
              f"  {verdict(a.wall / b.wall, target, at_most)}")
    print(f"  {'check peak memory (MiB)':<44}{check.rss:9.0f}{'':9}{'≤300':>9}    "
          f"{verdict(check.rss, 300, True)}")


def township_batch(copies: int, xl_addin: str) -> None:
    folder = OUT / f"batch_{copies}"
    shutil.rmtree(folder, ignore_errors=True)
    batch(DEMO, folder, copies)
    print(f"\n2. Batch of {copies} township workbooks (copies of workbooks/demo/*.xlsx), "
          f"xl-addin check DIR --format json")
    print(f"  {'':<44}{'wall s':>9}{'CPU s':>9}{'RSS MiB':>9}  per workbook, speed-up")
    cpus = os.cpu_count() or 1
    runs = measure({f"--jobs {jobs}": [xl_addin, "check", str(folder), "--jobs", str(jobs),
                                       "--format", "json", "--no-cache"]
                    for jobs in sorted({1, 2, cpus})},
                   accept=(0, 1))
    base = runs["--jobs 1"]
    for label, run in runs.items():
        totals = json.loads(run.output)["totals"]
        row(label, run, extra=f"{run.wall / copies * 1000:6.1f} ms, {base.wall / run.wall:4.2f}x"
            f"  ({totals['files']} files, {totals['errors']} errors)")
    print("  (CPU s counts every process; RSS is the largest single process)")


def campaign(source: Path | None, copies: int) -> Path:
    """The campaign folder: ``--campaign DIR`` as given, else ``copies`` copies of the demo
    set (the campaign generator's output, when it exists, is given with --campaign)."""
    if source is not None:
        return source
    folder = OUT / f"campaign_{copies}"
    shutil.rmtree(folder, ignore_errors=True)
    return batch(DEMO, folder, copies)


def result_cache(folder: Path, xl_addin: str) -> None:
    """A whole campaign checked cold (an empty result cache: every workbook read and
    stored) and warm (nothing changed: every result from the cache). Target: warm ≤ 10% of
    cold."""
    files = sum(1 for p in folder.rglob("*") if p.suffix.lower() in {".xlsx", ".xls", ".ods"})
    print(f"\n4. Result cache: the campaign {folder} ({files} workbooks), "
          "xl-addin check DIR --format json, cold and warm")
    print(f"  {'':<44}{'wall s':>9}{'CPU s':>9}{'RSS MiB':>9}")
    store = OUT / "result-cache"
    command = [xl_addin, "check", str(folder), "--format", "json"]
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
    same = "identical" if outputs["cold"] == outputs["warm"] else "DIFFERENT"
    print(f"  warm / cold: {ratio:.1%} (target ≤ 10%: {verdict(ratio, 0.10, True)}); "
          f"the two reports are {same}")


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

    print(f"\n3. Cell functions: one call over a {rows:,}-row column (list of rows), "
          f"in-process")
    print(f"  {'':<44}{'wall ms':>9}{'CPU ms':>9}{'':>9}  per row")
    for name, args in cell_inputs(rows).items():
        func = getattr(udfs, name)
        run, out = timed(lambda func=func, args=args: func(*args))
        bad = sum(isinstance(r[0], str) and r[0].startswith("#") for r in out)
        row(name, run, 1000, f"{run.wall / rows * 1e6:6.1f} µs  ({bad} error cells)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000, help="吸纳就业补贴 rows")
    parser.add_argument("--batch", type=int, default=200, help="township workbooks")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--campaign", type=Path, help="campaign folder for the result cache "
                        "(default: --batch copies of the demo set)")
    parser.add_argument("--only", choices=["county", "batch", "functions", "cache"],
                        help="run one part only")
    args = parser.parse_args()
    global REPEAT
    REPEAT = max(1, args.repeat)
    rows, copies, cells = (2_000, 22, 1_000) if args.quick else (args.rows, args.batch, 10_000)
    beside = Path(sys.executable).parent / "xl-addin"  # this interpreter's own install
    xl_addin = str(beside) if beside.exists() else shutil.which("xl-addin")
    if xl_addin is None:
        sys.exit("xl-addin is not on PATH (pip install -e '.[bench]')")
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"xl-addin benchmarks: times are the best of {REPEAT} runs, peak memory the highest.")
    machine()
    parts = {"county": lambda: county(rows, xl_addin),
             "batch": lambda: township_batch(copies, xl_addin),
             "functions": lambda: cell_functions(cells),
             "cache": lambda: result_cache(campaign(args.campaign, copies), xl_addin)}
    for name, part in parts.items():
        if args.only in (None, name):
            part()
    print()
    load()


if __name__ == "__main__":
    main()
