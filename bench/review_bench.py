"""Benchmark of a review session: recording decisions, the structural diff, approval.

Run: .venv/bin/python bench/review_bench.py [STEPS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from soplib import Store, parse, redline_html

CHAIR, HEAD = "198107232008011004", "197605142002121003"
STAFF = f"id,name,unit,position\n{CHAIR},Ketua Tim,Sekretariat,Analis\n{HEAD},Sekretaris,Sekretariat,Kepala\n"


def _sop(steps: int) -> str:
    body = "".join(
        f"{n}. Petugas melaksanakan kegiatan nomor {n} sesuai jadwal dan mencatatnya.\n"
        for n in range(1, steps + 1)
    )
    return f"---\nid: BENCH-01\ntitle: Benchmark\n---\n# Prosedur\n\n{body}"


def main(steps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.init(Path(tmp) / "store") as store:
        store.staff.import_csv(STAFF.encode(), by=HEAD)
        store.sops.add([parse(_sop(steps))], by=CHAIR)
        session = store.reviews.start(["BENCH-01"], team={CHAIR: "chair"}, ref="SK", by=CHAIR)
        session.outcome("BENCH-01", "revise", by=CHAIR)
        t0 = time.perf_counter()
        for n in range(1, steps + 1):
            key = f"prosedur/{n}"
            if n % 10 == 0:
                session.remove("BENCH-01", key, by=CHAIR, reason="tidak perlu")
            elif n % 7 == 0:
                session.replace(
                    "BENCH-01", key, text=f"Petugas segera melaksanakan kegiatan {n}.", by=CHAIR, reason="x"
                )
            else:
                session.keep("BENCH-01", key, by=CHAIR)
        t1 = time.perf_counter()
        session.keep_rest("BENCH-01", by=CHAIR)  # the identity part (title ...): not timed
        t1b = time.perf_counter()
        (diff,) = session.diff("BENCH-01")
        redline_html([diff], title="bench")
        t2 = time.perf_counter()
        session.approve(by=HEAD)
        t3 = time.perf_counter()
    print(f"{steps} steps: {(t1 - t0) / steps * 1000:.1f} ms per decision (one commit each)")
    print(f"structural diff + HTML: {(t2 - t1b) * 1000:.0f} ms; approval: {(t3 - t2) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
