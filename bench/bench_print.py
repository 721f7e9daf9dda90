"""How long one SOP takes to print to PDF, warm (the goal: under 1 s): `make bench-print`.

Each demo SOP and a 40-step procedure with four actor columns are printed
once to warm up (imports, fonts), then RUNS times; the median is printed.
The figure that counts is the demo SOPs' (an ordinary SOP); the 40-step one
shows how the time grows with the procedure.

    $ .venv/bin/python bench/bench_print.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from print_samples import long_sop, print_input  # the tests' sample inputs

from soplib import load
from soplib.demo_data import sop_files as demo_files
from soplib.outputs import print_sop

RUNS = 7
GOAL_S = 1.0


def median_seconds(data: object) -> tuple[float, int]:
    print_sop(data, "pdf")  # type: ignore[arg-type]  # warm-up
    times = []
    size = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        size = len(print_sop(data, "pdf"))  # type: ignore[arg-type]
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def main() -> int:
    worst = 0.0
    for path in sorted(demo_files()):
        seconds, size = median_seconds(print_input(load(path)))
        worst = max(worst, seconds)
        print(f"{path.stem:<18} {seconds * 1000:7.0f} ms  ({size} bytes, median of {RUNS})")
    seconds, size = median_seconds(print_input(long_sop()))
    print(f"{'40 steps, 4 actors':<18} {seconds * 1000:7.0f} ms  ({size} bytes, median of {RUNS})")
    verdict = "met" if worst < GOAL_S else "MISSED"
    print(f"one SOP to PDF, warm: {worst * 1000:.0f} ms at most (goal < {GOAL_S * 1000:.0f} ms): {verdict}")
    return 0 if worst < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
