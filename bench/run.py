"""Scale benchmarks of soplib beside plain git, in one run; writes docs/benchmarks.md.

    make bench          # the default tier (~6 min on 2 vCPUs)
    make bench-large    # 20,000 staff x 500 SOPs x 2,000,000 acknowledgements (~6 min more)
    .venv/bin/python bench/run.py --help

Tiers, each in a fresh temporary folder:

- ``store``: import 500 SOPs in one commit (beside ``git add`` + ``git commit``
  of the same files), then grow the store to 10,000 commits and time, beside a
  non-bare clone: recording a new version (warm ``Store.update``, cold ``sop
  update``, ``git commit -a``), reading an old version (``Store.text`` /
  ``Store.get`` vs ``git show REV:PATH``), one SOP's history (``Store.history`` vs
  ``git log -- PATH``), and ``sop --help``;
- ``acks``: 1,000 staff x 200 SOPs x 200,000 acknowledgements: cold-CLI
  ``sop coverage`` and ``sop pending`` (time and peak memory), an attendance
  list, and the repository's growth per 10,000 single acknowledgements and per
  attendance list (including what the automatic packing costs);
- ``large`` (``--tier large``): 20,000 staff x 500 SOPs x 2,000,000 acknowledgements:
  the same reads, and the repository's size before and after ``git gc``.

Every figure is the median of repeated runs after warm-up. Each tier's figures
are kept in ``bench/results/<tier>.json``; the report is rendered from all kept
tiers, so ``make bench`` refreshes the default tiers and keeps the last large one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import acks
from report import render

import sop_store.store
from soplib import Store
from soplib.demo_data import sop_files

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SOP = Path(sys.executable).parent / "sop"
TIME = "/usr/bin/time"  # GNU time: peak memory of a command
ACTOR = "ani.pratiwi"

TEMPLATE = """\
---
id: {id}
title: Prosedur Uji {n}
unit: Subbagian Umum
legal_basis: [Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum]
review_interval_months: 12
---
# Tujuan

Menjamin kegiatan {n} dilaksanakan tertib dan tercatat.

# Prosedur

1. Petugas menerima berkas permohonan nomor {n}.
2. Petugas memeriksa kelengkapan berkas.
3. Kepala Subbagian menyetujui permohonan.
4. Petugas mencatat dalam register (revisi {rev}).
5. Petugas mengarsipkan berkas.
"""


def sop_text(n: int, rev: int) -> str:
    return TEMPLATE.format(id=f"BENCH-{n:03d}", n=n, rev=rev)


# -- measuring ---------------------------------------------------------------------


def median_ms(fn: Callable[[], object], repeat: int, *, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(args: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(f"{args} failed: {done.stderr}")


def cold(cmd: list[str], runs: int) -> tuple[float, float]:
    """(median seconds, peak resident memory in MiB) of ``cmd`` run as a new process.

    The peak comes from GNU time's report on its own child: the rusage of a
    child forked straight from this (large) process would count the pages it
    shared with us before it started the command.
    """
    times, peaks = [], []
    with tempfile.NamedTemporaryFile("r") as report:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([TIME, "-f", "%M", "-o", report.name, *cmd], check=True, stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            report.seek(0)
            peaks.append(int(report.read().split()[-1]) / 1024)  # KiB
    return statistics.median(times), max(peaks)


def repo_sizes(path: Path) -> tuple[float, float]:
    """MiB on disk of (loose objects, packs), as `git count-objects -v` reports them."""
    out = subprocess.run(
        ["git", "--git-dir", str(path), "count-objects", "-v"], capture_output=True, text=True, check=True
    ).stdout
    values = dict(line.split(": ") for line in out.splitlines())
    return int(values["size"]) / 1024, int(values["size-pack"]) / 1024


def repo_mib(path: Path) -> float:
    return sum(repo_sizes(path))


def gc(path: Path) -> None:
    run(["git", "--git-dir", str(path), "gc", "-q"])


class PackTimer:
    """Counts and times the store's automatic packing (wraps ``sop_store.packing.pack_loose`` where the
    store calls it)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._original = sop_store.store.pack_loose

    def __enter__(self) -> PackTimer:
        original = self._original

        def timed(repo: Any, head: str) -> bool:
            start = time.perf_counter()
            done = original(repo, head)
            self.times.append(time.perf_counter() - start)
            return done

        sop_store.store.pack_loose = timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        sop_store.store.pack_loose = self._original  # type: ignore[assignment]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} CPUs{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {git}; load average {load:.1f} at the start"
    )


# -- the store tier ----------------------------------------------------------------


def time_import(folder: Path, sops: int, repeat: int) -> tuple[float, float]:
    """(ms of ``Store.add`` of ``sops`` SOPs in one commit, ms of git adding the same files)."""
    ours, theirs = [], []
    for i in range(repeat):
        # New texts each round: a text parsed before is not parsed again (soplib caches by text),
        # and an office imports its SOPs once.
        texts = [sop_text(n, 1 + i) for n in range(sops)]
        path = folder / f"import-{i}"
        with Store.init(path) as store:
            start = time.perf_counter()
            store.sops.add(texts, by=ACTOR, message="SOP awal")
            ours.append((time.perf_counter() - start) * 1000)
            snap = store.snapshot()
            files = {f"sops/{name}": snap.read(f"sops/{name}") for name in snap.list("sops")}
        work = folder / f"git-import-{i}"
        run(["git", "init", "-q", str(work)])
        run(["git", "-C", str(work), "config", "user.name", ACTOR])
        run(["git", "-C", str(work), "config", "user.email", f"{ACTOR}@sop.invalid"])
        (work / "sops").mkdir()
        for name, data in files.items():
            (work / name).write_bytes(data)
        start = time.perf_counter()
        run(["git", "-C", str(work), "add", "-A"])
        run(["git", "-C", str(work), "commit", "-q", "-m", "SOP awal"])
        theirs.append((time.perf_counter() - start) * 1000)
        shutil.rmtree(path)
        shutil.rmtree(work)
    return statistics.median(ours), statistics.median(theirs)


def build_store(path: Path, sops: int, commits: int) -> None:
    """A store of ``sops`` SOPs (imported in one commit) and ``commits`` commits in all."""
    with Store.init(path) as store:
        store.sops.add([sop_text(n, 1) for n in range(sops)], by=ACTOR, message="SOP awal")
        for i in range(commits - 2):
            n = i % sops
            store.sops.update(sop_text(n, 2 + i // sops), base=1 + i // sops, by=ACTOR, message="revisi")


def time_writes(store: Store, clone: Path, *, sops: int, repeat: int, run_no: int = 0) -> tuple[float, float]:
    """Median ms of a new version by ``Store.update`` and by ``git commit -a``, interleaved.

    Each round writes the next SOP (round-robin, as the store was built) once
    each way, so a burst of load on this shared machine hits both sides alike.
    """
    ours, theirs = [], []
    first = 1_000_000 * (run_no + 1)  # a new text in every round of every run
    for i in range(repeat + 3):
        n = (i * 7) % sops
        sop_id = f"BENCH-{n:03d}"
        base = store.sops.record(sop_id).latest.version  # what an editor's text names
        start = time.perf_counter()
        store.sops.update(sop_text(n, first + i), base=base, by=ACTOR, message="revisi")
        ours.append((time.perf_counter() - start) * 1000)
        md, record = clone / "sops" / f"BENCH-{n:03d}.md", clone / "sops" / f"BENCH-{n:03d}.json"
        md.write_text(sop_text(n, first + i), encoding="utf-8")
        record.write_text(record.read_text() + " ", encoding="utf-8")
        start = time.perf_counter()
        run(["git", "-C", str(clone), "commit", "-q", "-a", "-m", "revisi"])
        theirs.append((time.perf_counter() - start) * 1000)
    return statistics.median(ours[3:]), statistics.median(theirs[3:])


def store_tier(folder: Path, *, sops: int, commits: int, repeat: int) -> dict[str, Any]:
    r: dict[str, Any] = {"sops": sops, "commits": commits, "repeat": repeat}
    print(f"store: importing {sops} SOPs in one commit ...", flush=True)
    r["import_ms"], r["git_import_ms"] = time_import(folder, sops, 3)
    print(f"store: building {sops} SOPs x {commits:,} commits ...", flush=True)
    start = time.perf_counter()
    store_path = folder / "store"
    build_store(store_path, sops, commits)
    r["build_s"] = time.perf_counter() - start
    count = subprocess.run(
        ["git", "--git-dir", str(store_path), "rev-list", "--count", "main"], capture_output=True, text=True
    )
    assert int(count.stdout) == commits, count.stdout
    clone = folder / "clone"
    run(["git", "clone", "-q", str(store_path), str(clone)])
    run(["git", "-C", str(clone), "config", "user.name", ACTOR])
    run(["git", "-C", str(clone), "config", "user.email", f"{ACTOR}@sop.invalid"])
    os.sync()  # let the build's writes reach the disk before anything is timed

    target = sops // 2
    sop_id = f"BENCH-{target:03d}"
    counter = iter(range(100_000, 10_000_000))
    print("store: timing writes, reads, history ...", flush=True)
    with Store.open(store_path) as store:
        # Three separate runs: the goal is met in three runs out of three, not on average.
        runs = [time_writes(store, clone, sops=sops, repeat=repeat, run_no=k) for k in range(3)]
        r["write_runs"] = [list(run) for run in runs]
        r["write_ms"] = statistics.median(ours for ours, _ in runs)
        r["git_commit_ms"] = statistics.median(theirs for _, theirs in runs)
        edit = folder / f"{sop_id}.md"

        def cli_update() -> None:
            base = store.sops.record(sop_id).latest.version
            # The version line `sop show` writes under the opening `---`: the version it was edited from.
            text = sop_text(target, next(counter)).replace(
                "---\n", f"---\n# soplib-base: {sop_id} v{base}\n", 1
            )
            edit.write_text(text, encoding="utf-8")
            run([str(SOP), "--store", str(store_path), "update", str(edit), "--by", ACTOR, "-m", "revisi"])

        r["cold_write_ms"] = median_ms(cli_update, max(5, repeat // 3), warmup=1)

        old = store.sops.commit_of(sop_id, 1)
        assert old is not None
        git_dir = ["git", "--git-dir", str(store_path)]
        show = [*git_dir, "show", f"{old}:sops/{sop_id}.md"]
        log = [*git_dir, "log", "--format=%H %an %at %s", "--", f"sops/{sop_id}.md"]
        r["text_ms"] = median_ms(lambda: store.sops.text(sop_id, version=1), repeat)
        r["get_ms"] = median_ms(lambda: store.sops.get(sop_id, version=1), repeat)
        r["git_show_ms"] = median_ms(lambda: run(show), repeat)
        r["history_versions"] = len(store.sops.history(sop_id))
        r["history_ms"] = median_ms(lambda: store.sops.history(sop_id), repeat)
        r["git_log_ms"] = median_ms(lambda: run(log), max(5, repeat // 3))
    r.update(cold_reads(folder))
    few = max(5, repeat // 3)
    r["help_ms"] = median_ms(lambda: run([str(SOP), "--help"]), few, warmup=1)
    r["store_mib"] = repo_mib(store_path)
    return r


def cold_reads(folder: Path, rounds: int = 21) -> dict[str, float]:
    """Cold ``sop show ID`` and ``sop list`` on the demo SOPs beside ``python -c pass``, interleaved.

    Each round runs the three once, so a burst of load on this shared machine
    hits all three alike; the figures are medians.
    """
    path = folder / "demo"
    with Store.init(path) as store:
        store.sops.add([f.read_bytes() for f in sop_files()], by=ACTOR, message="SOP awal")
    commands = {
        "python_ms": [sys.executable, "-c", "pass"],
        "show_ms": [str(SOP), "--store", str(path), "show", "KPU-NTB-SOP-04"],
        "list_ms": [str(SOP), "--store", str(path), "list"],
    }
    times: dict[str, list[float]] = {k: [] for k in commands}
    for i in range(rounds + 2):
        for key, cmd in commands.items():
            start = time.perf_counter()
            run(cmd)
            if i >= 2:  # two rounds of warm-up: the page cache, compiled bytecode
                times[key].append((time.perf_counter() - start) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


# -- the acknowledgement tiers -----------------------------------------------------


def ack_reads(path: Path, *, staff: int, runs: int) -> dict[str, Any]:
    """Cold-CLI coverage and pending: median seconds and peak memory."""
    r: dict[str, Any] = {}
    base = [str(SOP), "--store", str(path)]
    person = acks.staff_ids(staff)[1]
    r["coverage_s"], r["coverage_rss"] = cold([*base, "coverage", "--json"], runs)
    r["coverage_table_s"], r["coverage_table_rss"] = cold([*base, "coverage"], runs)
    r["coverage_one_s"], r["coverage_one_rss"] = cold([*base, "coverage", "KPU-B-001", "--json"], runs)
    r["pending_s"], r["pending_rss"] = cold([*base, "pending", person, "--json"], runs)
    r["help_s"], r["help_rss"] = cold([str(SOP), "--help"], runs)
    return r


def growth(path: Path, write: Callable[[], None]) -> dict[str, float]:
    """Repository growth (MiB) while ``write()`` runs, from a freshly packed store."""
    gc(path)
    size0 = repo_mib(path)
    with PackTimer() as packs:
        start = time.perf_counter()
        write()
        seconds = time.perf_counter() - start
    loose, packed = repo_sizes(path)
    gc(path)
    return {
        "seconds": seconds,
        "before_gc_mib": loose + packed - size0,
        "loose_mib": loose,
        "after_gc_mib": repo_mib(path) - size0,
        "packs": len(packs.times),
        "pack_s": sum(packs.times),
        "pack_max_s": max(packs.times, default=0.0),
    }


def ack_tier(folder: Path, *, large: bool, singles: int) -> dict[str, Any]:
    staff, sops, count = (20_000, 500, 2_000_000) if large else (1000, 200, 200_000)
    path = folder / "acks"
    print(f"acks: building {staff:,} staff x {sops} SOPs x {count:,} acknowledgements ...", flush=True)
    r: dict[str, Any] = {"staff": staff, "sops": sops, "acks": count}
    start = time.perf_counter()
    with PackTimer() as packs:
        acks.build(path, staff=staff, sops=sops, acks=count, all_restricted=large)
    r["build_s"] = time.perf_counter() - start
    r["build_packs"] = len(packs.times)
    r["size_mib"] = repo_mib(path)
    start = time.perf_counter()
    gc(path)
    r["gc_s"] = time.perf_counter() - start
    r["size_gc_mib"] = repo_mib(path)
    print("acks: timing coverage and pending from a cold CLI ...", flush=True)
    r.update(ack_reads(path, staff=staff, runs=3 if large else 5))

    store = Store.open(path)
    people = acks.staff_ids(staff)
    store.sops.add([acks.sop_text(1000 + n, restricted=False) for n in range(26)], by=acks.BY)
    sheet = folder / "hadir.csv"
    sheet.write_text("id\n" + "\n".join(people[:1000]) + "\n")
    b = store.briefings.create(title="bench", day=date(2026, 2, 3), sops=["KPU-B-1000"], by=acks.BY)
    r["attend_s"], r["attend_rss"] = cold(
        [str(SOP), "--store", str(path), "briefing", "attend", b.id, str(sheet), "--by", acks.BY], 1
    )
    if not large:
        print(f"acks: growth per {singles:,} single acknowledgements ...", flush=True)
        pairs = [(p, f"KPU-B-{1006 + i // 1000}") for i, p in enumerate(people[:1000] * 10)][:singles]

        def one_by_one() -> None:
            for staff_id, sop_id in pairs:
                store.acks.record(staff_id, sop_id, by=acks.BY)

        def as_lists() -> None:
            for i in range(10):
                bi = store.briefings.create(
                    title="bench", day=date(2026, 2, 4), sops=[f"KPU-B-{1016 + i}"], by=acks.BY
                )
                store.briefings.attend(bi.id, sheet, by=acks.BY)

        r["singles"] = len(pairs)
        r["growth_singles"] = growth(path, one_by_one)
        print("acks: growth per attendance list ...", flush=True)
        r["growth_lists"] = growth(path, as_lists)
    store.close()
    return r


# -- main --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tier",
        action="append",
        choices=["store", "acks", "large"],
        help="run only this tier (repeatable; default: store and acks)",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="only render the report from bench/results/*.json"
    )
    parser.add_argument("--sops", type=int, default=500)
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--singles", type=int, default=10_000, help="single acks for the growth figure")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--dir", type=Path, help="where to build (default: a new temporary folder)")
    args = parser.parse_args()
    if args.commits < args.sops + 2:
        parser.error("--commits must be at least --sops + 2")
    measures: dict[str, Callable[[Path], dict[str, Any]]] = {
        "store": lambda f: store_tier(f, sops=args.sops, commits=args.commits, repeat=args.repeat),
        "acks": lambda f: ack_tier(f, large=False, singles=args.singles),
        "large": lambda f: ack_tier(f, large=True, singles=0),
    }
    tiers = {} if args.report_only else {name: measures[name] for name in args.tier or ["store", "acks"]}
    RESULTS.mkdir(exist_ok=True)
    about = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    for name, measure in tiers.items():
        folder = Path(tempfile.mkdtemp(prefix=f"sop-bench-{name}-", dir=args.dir))
        try:
            start = time.perf_counter()
            result = {**about, **measure(folder), "tier_s": time.perf_counter() - start}
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
        print(f"{name}: done in {result['tier_s']:.0f} s", flush=True)
    kept = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}
    text = render(kept)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
