"""How long `sop audit verify` takes on a big store (a benchmark, not a test).

Builds a store with SOPS SOPs and about COMMITS commits (new versions of random
SOPs), then times verify() and its checks one by one.

    .venv/bin/python bench/bench_verify.py [SOPS] [COMMITS]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from soplib import Store
from soplib.audit.verify import default_checks, verify

BY = "197605142002121003"
BODY = "---\nid: {id}\ntitle: SOP {id}\nreview_interval_months: 12\n---\n# Prosedur\n\n{steps}"


def build(path: Path, sops: int, commits: int) -> Store:
    store = Store.init(path)
    ids = [f"KPU-{i:04d}" for i in range(sops)]
    store.sops.add(
        [BODY.format(id=i, steps="".join(f"{n}. Langkah {n}.\n" for n in range(1, 9))) for i in ids],
        by=BY,
    )
    rng = random.Random(7)
    for n in range(commits):
        sop_id = rng.choice(ids)
        base = store.sops.record(sop_id).latest.version
        text = store.sops.text(sop_id).decode() + f"{n + 10}. Langkah tambahan {n}.\n"
        store.sops.update(text, base=base, by=BY, message=f"revisi {n}")
    return store


def main() -> None:
    sops = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    commits = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = build(Path(tmp) / "store", sops, commits)
        print(f"built {sops} SOPs, {commits + 2} commits in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        report = verify(store)
        print(f"verify: {time.perf_counter() - t0:.2f} s, ok={report.ok}, {report.versions} versions")
        for check in default_checks():
            t0 = time.perf_counter()
            verify(store, checks=[check])
            print(f"  {check.__name__:<18} {time.perf_counter() - t0:.3f} s")
        store.close()


if __name__ == "__main__":
    main()
