"""Compare what two versions of xl-addin report on the same workbooks.

A refactoring keeps every finding, message and exit code. This script checks that:
it runs ``xl-addin check --format json`` (both languages) and ``xl-addin summary
--format json`` with the version in a git revision (``--base``, checked out into a
temporary worktree) and with this working tree, on the same files, and prints every
difference. Exit 0 when the reports are identical, 1 when they differ.

    python tools/compare_reports.py --base HEAD~3 workbooks/demo tests/data/planted \
        ../shared/corpus/xlsx-wild

``--base-python`` runs the base with another interpreter (a venv with the base's own
dependencies: pandas before issue 14, polars after).

Each path is checked on its own (a folder as one batch, as a clerk would run it), so a
difference names the file or folder it came from. Fields that change between runs
(the tool's version) are dropped before the comparison.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOLATILE = {"version", "tool_version"}


def _scrub(value: object) -> object:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return value.replace(str(ROOT), "<root>")
    return value


def run(source: Path, args: list[str], python: str = sys.executable) -> tuple[int, object]:
    """Run the xl-addin CLI of the tree at ``source``; (exit code, parsed JSON or text)."""
    env = {**os.environ, "PYTHONPATH": str(source), "COLUMNS": "200",
           "XL_ADDIN_CACHE_DIR": tempfile.mkdtemp(prefix="xl-addin-compare-")}  # cold
    # -P: the current folder (this checkout) must not come before PYTHONPATH, or the base
    # run would import the working tree's package
    command = [python, "-P", "-c", "from xl_addin.cli import main; main()", *args]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8")
    try:
        return proc.returncode, _scrub(json.loads(proc.stdout))
    except json.JSONDecodeError:
        if not proc.stdout.strip():
            raise SystemExit(f"no report from {source}: {proc.stderr.strip()[-500:]}") from None
        return proc.returncode, proc.stdout + proc.stderr


def commands(path: str) -> list[list[str]]:
    runs = [["check", path, "--format", "json", "--lang", lang, "--jobs", "2"]
            for lang in ("zh", "en")]
    runs.append(["check", path, "--format", "sarif", "--jobs", "2"])
    runs.append(["summary", path, "--format", "json", "--jobs", "2"])
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="git revision to compare with")
    parser.add_argument("--base-python", default=sys.executable,
                        help="the Python that runs the base (a venv with its dependencies, "
                             "when they differ from this one's)")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.base],
                       cwd=ROOT, check=True)
        try:
            for path in args.paths:
                for cmd in commands(path):
                    old, new = run(base, cmd, args.base_python), run(ROOT, cmd)
                    label = " ".join(cmd)
                    if old == new:
                        print(f"same     {label}")
                        continue
                    differ = 1
                    print(f"DIFFERS  {label}  (exit {old[0]} -> {new[0]})")
                    a = json.dumps(old[1], ensure_ascii=False, indent=1, sort_keys=True)
                    b = json.dumps(new[1], ensure_ascii=False, indent=1, sort_keys=True)
                    sys.stdout.writelines(list(difflib.unified_diff(
                        a.splitlines(True), b.splitlines(True), "base", "here", n=1))[:80])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT,
                           check=False)
    return differ


if __name__ == "__main__":
    raise SystemExit(main())
