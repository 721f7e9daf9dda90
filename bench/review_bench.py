"""Benchmark of a review session: recording decisions, the structural diff, approval.

Run: .venv/bin/python bench/review_bench.py [STEPS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from soplib import Review, Store, parse, render_html


def _sop(steps: int) -> str:
    body = "".join(
        f"{n}. Petugas melaksanakan kegiatan nomor {n} sesuai jadwal dan mencatatnya.\n"
        for n in range(1, steps + 1)
    )
    return f"---\nid: BENCH-01\ntitle: Benchmark\n---\n# Prosedur\n\n{body}"


def main(steps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.init(Path(tmp) / "store") as store:
        store.add([parse(_sop(steps))], by="ani")
        session = Review.start(store, ["BENCH-01"], team={"ani": "chair"}, ref="SK", by="ani")
        session.outcome("BENCH-01", "revise", by="ani")
        t0 = time.perf_counter()
        for n in range(1, steps + 1):
            key = f"prosedur/{n}"
            if n % 10 == 0:
                session.remove("BENCH-01", key, by="ani", reason="tidak perlu")
            elif n % 7 == 0:
                session.replace(
                    "BENCH-01", key, text=f"Petugas segera melaksanakan kegiatan {n}.", by="ani", reason="x"
                )
            else:
                session.keep("BENCH-01", key, by="ani")
        t1 = time.perf_counter()
        (diff,) = session.diff("BENCH-01")
        render_html([diff], title="bench")
        t2 = time.perf_counter()
        session.approve(by="kepala")
        t3 = time.perf_counter()
    print(f"{steps} steps: {(t1 - t0) / steps * 1000:.1f} ms per decision (one commit each)")
    print(f"structural diff + HTML: {(t2 - t1) * 1000:.0f} ms; approval: {(t3 - t2) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
