#!/usr/bin/env python3
"""Write every habit workbook of tests/data/habits into OUT_DIR (one folder per habit), to
open and look at: ``python tests/data/make_habits.py OUT_DIR``."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from habits import all_habits, build


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    for habit in all_habits():
        print(build(habit, out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
