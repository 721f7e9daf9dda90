"""Benchmark of internalisation at a provincial office's scale (not a timed test).

Builds a store with 1,000 staff, 200 SOPs and 200,000 acknowledgements through
the library's own functions (bulk segments in a few transactions), then
measures, from a cold CLI start, `sop coverage` over every SOP and `sop pending`,
the recording of a 1,000-person attendance list, and the repository's growth per
10,000 acknowledgements written one by one and as attendance lists, before and
after `git gc`. Figures go to docs/benchmarks.md.

    .venv/bin/python bench/acks.py              # 1,000 staff, 200 SOPs, 200,000 acks
    .venv/bin/python bench/acks.py --large --no-growth   # 20,000 staff, 500 SOPs, 2,000,000 acks
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from soplib import (
    Store,
    acknowledge,
    coverage,
    create_briefing,
    import_staff,
    record_attendance,
    verify_chain,
)
from soplib.ack import NewAck, stage_acks

SOP = Path(sys.executable).with_name("sop")
BY = "bench"
UNITS = 20
POSITIONS = ("Kepala Subbagian", "Operator SIDALIH", "Pengadministrasi Umum", "Analis", "Anggota")

DOC = """\
---
id: {id}
title: SOP bench {n}
unit: Unit {unit:02d}
{audience}---
# Prosedur

1. Petugas menerima berkas nomor {n}.
2. Petugas memeriksa kelengkapan berkas.
3. Kepala Subbagian menyetujui{tail}.
"""


def sop_text(n: int, *, restricted: bool, tail: str = "") -> str:
    audience = f"audience:\n  units: [{', '.join(f'Unit {u:02d}' for u in range(n % 4, UNITS, 4))}]\n"
    return DOC.format(
        id=f"KPU-B-{n:03d}", n=n, unit=n % UNITS, audience=audience if restricted else "", tail=tail
    )


def staff_csv(count: int) -> bytes:
    rows = [
        f"19{i:016d},Pegawai {i},Unit {i % UNITS:02d},{POSITIONS[i % len(POSITIONS)]}" for i in range(count)
    ]
    return ("id,name,unit,position\n" + "\n".join(rows) + "\n").encode()


def staff_ids(count: int) -> list[str]:
    return [f"19{i:016d}" for i in range(count)]


def unit_of(staff_id: str) -> int:
    return int(staff_id) % (10**16) % UNITS


def bulk_ack(store: Store, pairs: list[tuple[str, str, int]], *, chunk: int = 50_000) -> None:
    """Write (staff, sop, version) records in few transactions, segments in bulk."""
    shas: dict[tuple[str, int], str] = {}
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        with store.transaction(by=BY, subject=f"bench acks {start}") as tx:
            for _, sop, version in part:
                if (sop, version) not in shas:
                    shas[(sop, version)] = (
                        store.info(sop, snapshot=tx).version(version).meta["content_sha256"]
                    )
            stage_acks(tx, [NewAck(s, sop, v, shas[(sop, v)]) for s, sop, v in part])


def build(path: Path, *, staff: int, sops: int, acks: int, all_restricted: bool) -> dict[str, float]:
    t0 = time.perf_counter()
    store = Store.init(path)
    import_staff(store, staff_csv(staff), by=BY)
    # One SOP in eight (all of them for --large) applies to a quarter of the units.
    restricted = set(range(0, sops, 1 if all_restricted else 8))
    store.add([sop_text(n, restricted=n in restricted) for n in range(sops)], by=BY)
    people = staff_ids(staff)
    members = {n: [p for p in people if n not in restricted or unit_of(p) % 4 == n % 4] for n in range(sops)}
    # Every third SOP gets a second version: half editorial (acks carry over), half
    # changed text (they do not; some people acknowledge the new text).
    changed = [n for n in range(sops) if n % 3 == 0]
    extra = [(p, f"KPU-B-{n:03d}", 2) for n in changed[1::2] for p in members[n]]
    extra = extra[: acks // 5]
    pairs = [(p, f"KPU-B-{n:03d}", 1) for n in range(sops) for p in members[n]][: acks - len(extra)]
    assert len(pairs) + len(extra) == acks, "not enough (person, SOP) pairs for that many acks"
    bulk_ack(store, pairs)
    for i, n in enumerate(changed):
        text = sop_text(n, restricted=n in restricted, tail=" berkas" if i % 2 else " berkas tersebut")
        store.update(text, by=BY, message="bench", editorial="ejaan" if i % 2 == 0 else None)
    bulk_ack(store, extra)
    store.close()
    subprocess.run(["git", "-C", str(path), "gc", "-q"], check=True)
    return {"build_s": time.perf_counter() - t0}


def timed(cmd: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def repo_kib(path: Path) -> tuple[int, int]:
    """(loose objects KiB, packed KiB) as `git count-objects -v` reports them."""
    out = subprocess.run(
        ["git", "-C", str(path), "count-objects", "-v"], capture_output=True, text=True
    ).stdout
    values = dict(line.split(": ") for line in out.splitlines())
    return int(values["size"]), int(values["size-pack"])


def growth(path: Path, label: str, write: object) -> dict[str, float]:
    """Repository growth (KiB) while ``write()`` adds 10,000 acknowledgements."""
    subprocess.run(["git", "-C", str(path), "gc", "-q"], check=True)
    loose0, pack0 = repo_kib(path)
    t = time.perf_counter()
    assert callable(write)
    write()
    seconds = time.perf_counter() - t
    loose1, pack1 = repo_kib(path)
    before = loose1 + pack1 - loose0 - pack0
    subprocess.run(["git", "-C", str(path), "gc", "-q"], check=True)
    loose2, pack2 = repo_kib(path)
    after = loose2 + pack2 - loose0 - pack0
    print(f"  {label}: {seconds:.1f} s; +{before / 1024:.1f} MiB before gc, +{after / 1024:.2f} MiB after gc")
    return {"seconds": seconds, "before_mib": before / 1024, "after_mib": after / 1024}


def show(label: str, seconds: float) -> None:
    print(f"{label + ':':<58}{seconds:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="20,000 staff, 500 SOPs, 2,000,000 acks")
    parser.add_argument("--singles", type=int, default=10_000, help="single acks for the growth figure")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth measurements")
    parser.add_argument("--dir", type=Path, help="where to build (default: a temporary folder)")
    args = parser.parse_args()
    staff, sops, acks = (20_000, 500, 2_000_000) if args.large else (1000, 200, 200_000)
    path = (args.dir or Path(tempfile.mkdtemp(prefix="sop-bench-"))) / "store"
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"building {staff:,} staff, {sops} SOPs, {acks:,} acknowledgements in {path} ...")
    built = build(path, staff=staff, sops=sops, acks=acks, all_restricted=args.large)
    print(f"  built in {built['build_s']:.1f} s; repository {sum(repo_kib(path)) / 1024:.1f} MiB after gc")
    base = [str(SOP), "--store", str(path)]
    runs = 1 if args.large else 5
    with Store.open(path) as store:
        t = time.perf_counter()
        report = coverage(store)
        show("coverage() all SOPs (library, warm process)", time.perf_counter() - t)
        print(f"  {report.required:,} (person, SOP) pairs required, {report.acknowledged:,} acknowledged")
        t = time.perf_counter()
        chain = verify_chain(store.snapshot())
        show(f"verify_chain() over {chain.records:,} records (library)", time.perf_counter() - t)
        assert chain.is_intact
    show(
        f"sop coverage --json (all SOPs, cold start, median of {runs})",
        timed([*base, "coverage", "--json"], runs),
    )
    show("sop coverage (tables, piped)", timed([*base, "coverage"], runs))
    show("sop coverage KPU-B-001 --json", timed([*base, "coverage", "KPU-B-001", "--json"], runs))
    show("sop pending ID --json", timed([*base, "pending", staff_ids(2)[1], "--json"], runs))
    show("sop --help (the floor of any command)", timed([str(SOP), "--help"], runs))

    store = Store.open(path)
    people = staff_ids(staff)
    store.add([sop_text(1000 + n, restricted=False) for n in range(26)], by=BY)
    sheet = path.parent / "hadir.csv"
    sheet.write_text("id\n" + "\n".join(people[:1000]) + "\n")
    b = create_briefing(store, title="bench", date="2026-02-03", sops=["KPU-B-1000"], by=BY)
    cmd = [*base, "briefing", "attend", b.id, str(sheet), "--by", BY]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    show("sop briefing attend (1,000 people, 1 SOP, cold start)", time.perf_counter() - t)
    b5 = create_briefing(
        store, title="bench", date="2026-02-03", sops=[f"KPU-B-{1001 + i}" for i in range(5)], by=BY
    )
    t = time.perf_counter()
    record_attendance(store, b5.id, sheet, by=BY)
    show("record_attendance (1,000 people x 5 SOPs, library)", time.perf_counter() - t)

    print("growth per 10,000 acknowledgements:")
    singles = [(p, f"KPU-B-{1006 + i // 1000}") for i, p in enumerate(people[: min(1000, staff)] * 10)]
    singles = singles[: args.singles]

    def one_by_one() -> None:
        for staff_id, sop_id in singles:
            acknowledge(store, staff_id, sop_id, by=BY)

    def as_lists() -> None:
        for i in range(10):
            bi = create_briefing(store, title="bench", date="2026-02-04", sops=[f"KPU-B-{1016 + i}"], by=BY)
            record_attendance(store, bi.id, sheet, by=BY)

    if args.no_growth:
        store.close()
        return
    growth(path, f"{len(singles):,} single acks (one commit each)", one_by_one)
    growth(path, "10 attendance lists of 1,000 (one commit each)", as_lists)
    store.close()


if __name__ == "__main__":
    main()
