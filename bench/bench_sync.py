"""Sync and clone speed beside plain git, in the same run (medians; docs/sync.md quotes a run).

1. Sync of N new acknowledgements (default 10,000, one commit each, as `sop ack`
   makes them) made on clone A:
   - push: `sop sync` on A (pushes them) against `git push` of the same commits;
   - pull: `sop sync` on clone B (fetch, fast-forward) against `git fetch` +
     `git merge --ff-only` in a plain git clone with a work tree;
   - merge: `sop sync` on a clone B' that has one acknowledgement of its own
     (fetch, integrate, push).
   Goal: sop's push + pull at most 3x git's.
2. `sop clone` of a store with 200 SOPs and 200,000 acknowledgements (briefing
   attendance: 20 briefings of 10 SOPs, 1,000 people each) against `git clone
   --bare` (what a store is) and `git clone`. Goal: at most 1.5x `git clone`.

    .venv/bin/python bench/bench_sync.py [--acks 10000] [--clone-acks 200000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from soplib import Store, parse

SOP_BIN = Path(sys.executable).parent / "sop"
BY = "197605142002121003"
BODY = "---\nid: {id}\ntitle: SOP {id}\n---\n# Prosedur\n\n1. Petugas menerima berkas {n}.\n2. Selesai.\n"


def sh(*args: str | Path, cwd: Path | None = None) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=cwd, capture_output=True)


def median(fn: Callable[[int], None], prepare: Callable[[int], None], repeat: int) -> float:
    """Median seconds of ``fn(i)``, each run after an untimed ``prepare(i)``."""
    times = []
    for i in range(repeat):
        prepare(i)
        began = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def office(path: Path, *, sops: int, people: int) -> tuple[list[str], list[str]]:
    staff = [f"19{n:016d}" for n in range(people)]
    ids = [f"BENCH-{n:03d}" for n in range(sops)]
    rows = "".join(f"{p},Pegawai {p},Sekretariat,Staf\n" for p in staff)
    with Store.init(path) as store:
        store.staff.import_csv(f"id,name,unit,position\n{BY},Sekretaris,Sekretariat,Sekretaris\n{rows}".encode(),
                               by=BY)  # fmt: skip
        store.sops.add([parse(BODY.format(id=i, n=n), source=i) for n, i in enumerate(ids)], by=BY)
    return staff, ids


def bare(path: Path, source: Path) -> Path:
    sh("git", "clone", "-q", "--bare", "--no-local", source, path)
    return path


def copy(src: Path, dst: Path) -> Path:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True)
    return dst


def sync_bench(root: Path, n_acks: int, repeat: int) -> list[tuple[str, float, float]]:
    people = max(1, n_acks // 10)
    staff, sops = office(root / "seed", sops=10, people=people)
    server0 = bare(root / "server0.git", root / "seed")
    url = f"file://{root / 'server.git'}"
    copy(server0, root / "server.git")
    for name in ("a", "b", "b1"):
        Store.clone(url, root / name).close()
    sh("git", "clone", "-q", url, root / "plain")  # a plain git clone with a work tree
    print(f"sync: recording {n_acks} acknowledgements on clone A ...", flush=True)
    began = time.perf_counter()
    with Store.open(root / "a") as a:
        for i in range(n_acks):
            person = staff[i % people]
            a.acks.record(person, sops[i // people], by=person)
    print(f"  ({time.perf_counter() - began:.0f} s)", flush=True)
    with Store.open(root / "b1") as b1:
        b1.acks.record(BY, sops[0], by=BY)
    copy(root / "a", root / "a0")

    def fresh_server(_: int) -> None:
        copy(server0, root / "server.git")

    def fresh_a(i: int) -> None:
        fresh_server(i)
        copy(root / "a0", root / "a")

    push_sop = median(lambda _: sh(SOP_BIN, "--store", root / "a", "sync", "--by", BY), fresh_a, repeat)
    push_git = median(lambda _: sh("git", "--git-dir", root / "a0", "push", "-q", url, "main"), fresh_server,
                      repeat)  # fmt: skip
    # The server now holds the N acknowledgements; B and the plain clone pull them.
    copy(root / "b", root / "b0")
    copy(root / "plain", root / "plain0")
    pull_sop = median(lambda _: sh(SOP_BIN, "--store", root / "b", "sync", "--by", BY),
                      lambda _: copy(root / "b0", root / "b"), repeat)  # fmt: skip

    def git_pull(_: int) -> None:
        sh("git", "fetch", "-q", "origin", cwd=root / "plain")
        sh("git", "merge", "-q", "--ff-only", "origin/main", cwd=root / "plain")

    pull_git = median(git_pull, lambda _: copy(root / "plain0", root / "plain"), repeat)
    copy(root / "server.git", root / "server1.git")
    copy(root / "b1", root / "b10")

    def fresh_b1(_: int) -> None:
        copy(root / "server1.git", root / "server.git")
        copy(root / "b10", root / "b1")

    merge_sop = median(lambda _: sh(SOP_BIN, "--store", root / "b1", "sync", "--by", BY), fresh_b1, repeat)
    return [
        (f"push {n_acks} acks: sop sync | git push", push_sop, push_git),
        (f"pull {n_acks} acks: sop sync | git fetch + merge --ff-only", pull_sop, pull_git),
        ("push + pull (goal: at most 3x)", push_sop + pull_sop, push_git + pull_git),
        (f"merge onto {n_acks} acks + push: sop sync | git pull+push", merge_sop, push_git + pull_git),
    ]


def clone_bench(root: Path, n_acks: int, repeat: int) -> list[tuple[str, float, float]]:
    per_briefing, people = 10, 1000
    briefings = max(1, n_acks // (per_briefing * people))
    staff, sops = office(root / "big", sops=200, people=people)
    print(f"clone: {briefings} briefings x {per_briefing} SOPs x {people} people ...", flush=True)
    began = time.perf_counter()
    with Store.open(root / "big") as store:
        for n in range(briefings):
            shown = [sops[(n * per_briefing + k) % len(sops)] for k in range(per_briefing)]
            b = store.briefings.create(title=f"Sosialisasi {n}", day=date(2026, 1, 5), sops=shown, by=BY)
            store.briefings.attend(b.id, staff, by=BY)
        total = len(store.acks.list())
    print(f"  {total} acknowledgements ({time.perf_counter() - began:.0f} s)", flush=True)
    server = bare(root / "big.git", root / "big")
    url = f"file://{server}"

    def clean(_: int) -> None:
        for name in ("sop-clone", "git-bare", "git-work"):
            shutil.rmtree(root / name, ignore_errors=True)

    sop = median(
        lambda _: sh(SOP_BIN, "--store", root / "x", "clone", url, root / "sop-clone"), clean, repeat
    )
    git_bare = median(lambda _: sh("git", "clone", "-q", "--bare", url, root / "git-bare"), clean, repeat)
    git_work = median(lambda _: sh("git", "clone", "-q", url, root / "git-work"), clean, repeat)
    return [
        (f"clone 200 SOPs, {total} acks: sop clone | git clone --bare (goal: 1.5x)", sop, git_bare),
        ("  the same | git clone (with a work tree)", sop, git_work),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--acks", type=int, default=10_000, help="0: skip the sync benchmark")
    parser.add_argument("--clone-acks", type=int, default=200_000, help="0: skip the clone benchmark")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        (root / "s").mkdir()
        (root / "c").mkdir()
        if args.acks:
            rows += sync_bench(root / "s", args.acks, args.repeat)
        if args.clone_acks:
            rows += clone_bench(root / "c", args.clone_acks, args.repeat)
    print(f"\n{'what':<78} {'soplib':>9} {'git':>9} {'ratio':>6}")
    for what, ours, theirs in rows:
        print(f"{what:<78} {ours:>8.2f}s {theirs:>8.2f}s {ours / theirs:>6.2f}")


if __name__ == "__main__":
    main()
