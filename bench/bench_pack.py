"""How long the evidence pack of 200 SOPs with their evidence takes (the goal: under 60 s): `make bench-pack`.

The store is an office's year: 200 SOPs (the four demo SOPs' texts, each
used 50 times under its own id), 150 staff in the demo's units and
positions, two review sessions of 100 SOPs each (every SOP evaluated on the
seven criteria; every tenth revised, every twentieth withdrawn, the rest
kept; both approved), four briefings presenting 50 SOPs each to 120 people
(24,000 acknowledgements), 60 individual acknowledgements. The pack then
holds the audit report, two minutes and two worksheets, four attendance
lists, the acknowledgement lists of the SOPs in force, and the SOP AP print
(PDF and HTML) of every SOP as evaluated and as revised: some 240 PDFs.

Building the store is not timed. The pack is made RUNS times (``--as-of``,
so every run makes the same bytes, which is checked); the median is printed,
and once with the PDFs typeset in this process only, to show what the worker
processes give. Then one SOP printed to PDF, warm (the goal: under 1 s).

    $ .venv/bin/python bench/bench_pack.py [--runs 3] [--sops 200] [--dir DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

from soplib import CRITERIA, SopError, Store, parse
from soplib.demo_data import sop_files, staff_csv

GOAL_PACK_S = 60.0
GOAL_PRINT_S = 1.0
SECRETARY = "197605142002121003"  # registered in the demo's staff list: approves
AS_OF = date(2030, 1, 1)


def staff(copies: int) -> bytes:
    """The demo's 25 people, and ``copies - 1`` more of each under a new NIP (same unit and position)."""
    rows = list(csv.DictReader(io.StringIO(staff_csv().read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "name", "unit", "position"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    for k in range(1, copies):
        for n, row in enumerate(rows):
            writer.writerow({**row, "id": f"1990{k:02d}{n:03d}2015011001", "name": f"{row['name']} {k}"})
    return out.getvalue().encode()


def documents(count: int) -> list[str]:
    """``count`` SOPs: the demo texts under ids KPU-B-001 ... with their number in the title."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(sop_files())]
    out = []
    for n in range(1, count + 1):
        text = texts[n % len(texts)]
        head, body = text.split("\n---\n", 1)
        lines = []
        for line in head.splitlines():
            if line.startswith("id:"):
                line = f"id: KPU-B-{n:03d}"
            elif line.startswith("title:"):
                line = f"{line} ({n})"
            lines.append(line)
        out.append("\n".join(lines) + "\n---\n" + body)
    return out


def build(path: Path, sops: int) -> Store:
    store = Store.init(path, language="id", time_zone="Asia/Makassar",
                       office_name="Komisi Pemilihan Umum Provinsi Nusa Tenggara Barat")  # fmt: skip
    store.office.set(address="Jl. Langko No. 74, Mataram, Nusa Tenggara Barat", by=SECRETARY)
    store.staff.import_csv(staff(6), by=SECRETARY)
    store.sops.add([parse(t) for t in documents(sops)], by=SECRETARY, message="SOP awal")
    ids = store.sops.ids()
    team = {SECRETARY: "chair", "198107232008011004": "member"}
    half = (len(ids) + 1) // 2
    for part, chunk in enumerate((ids[:half], ids[half:])):
        session = store.reviews.start(chunk, team=team, ref=f"Berita Acara Pleno Nomor {part + 1}/2026",
                                      title=f"Evaluasi SOP bagian {part + 1}", by=SECRETARY)  # fmt: skip
        for k, sop_id in enumerate(chunk):
            answers = {c: (k + i) % 6 != 0 for i, c in enumerate(CRITERIA)}
            session.evaluate(sop_id, answers=answers, notes={"general": "dievaluasi"}, by=SECRETARY)
            if k % 10 == 0:
                title = store.sops.get(sop_id).document.item("title").text
                session.replace(
                    sop_id, "title", text=f"{title} (revisi)", reason="judul diperbaiki", by=SECRETARY
                )
                session.keep_rest(sop_id, by=SECRETARY)
                session.outcome(sop_id, "revise", by=SECRETARY, reason="perlu perbaikan")
            elif k % 20 == 5:
                session.outcome(sop_id, "withdraw", by=SECRETARY, reason="digabung")
            else:
                session.outcome(sop_id, "keep", by=SECRETARY, reason="masih layak")
        session.approve(by=SECRETARY, effective=date(2026, 6, 1))
    people = [p.id for p in store.staff.list()]
    current = [s.id for s in store.sops.list(include_withdrawn=False)]
    for n in range(4):
        presented = current[n * 50 : (n + 1) * 50]
        if presented:
            b = store.briefings.create(title=f"Sosialisasi SOP tahap {n + 1}", day=date(2026, 7, 1 + n),
                                       sops=presented, by=SECRETARY)  # fmt: skip
            store.briefings.attend(b.id, people[n * 5 : n * 5 + 120], by=SECRETARY)
    for k in range(60):
        try:
            store.acks.record(people[-(k % 20) - 1], current[k % len(current)], by=SECRETARY)
        except SopError:  # outside that SOP's audience, or acknowledged already: the next one
            continue
    return store


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (the PDF workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pack_once(store: Store) -> tuple[float, float, bytes]:
    """(wall seconds, CPU seconds, the zip) of one pack."""
    start, cpu = time.perf_counter(), cpu_seconds()
    data = store.audit.pack(as_of=AS_OF)
    return time.perf_counter() - start, cpu_seconds() - cpu, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sops", type=int, default=200)
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to build the store (default: a temp dir)"
    )
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-pack-"))
    started = time.perf_counter()
    store = build(folder / "store", args.sops)
    built = time.perf_counter() - started
    acks = sum(1 for _ in store.acks.iter())
    people = len(store.staff.list())
    print(f"store built in {built:.0f} s: {args.sops} SOPs, {people} staff, {acks} acknowledgements")
    times, cpus, first = [], [], b""
    for _ in range(args.runs):
        seconds, cpu, data = pack_once(store)
        times.append(seconds)
        cpus.append(cpu)
        assert not first or data == first, "two packs of the same day differ"
        first = data
    with zipfile.ZipFile(BytesIO(first)) as archive:
        names = archive.namelist()
    pdfs = sum(1 for n in names if n.endswith(".pdf"))
    median = statistics.median(times)
    runs = ", ".join(f"{t:.1f}" for t in times)
    print(f"pack: {median:.1f} s median of {args.runs} ({runs}); load average {os.getloadavg()[0]:.1f}")
    print(f"  CPU time (this process and its PDF workers): {statistics.median(cpus):.1f} s median")
    print(f"  {len(names)} files, {pdfs} PDFs, {len(first) / 2**20:.1f} MiB; byte-identical each run")
    import soplib.outputs.batch as batch

    batch.MAX_WORKERS = 1
    serial, cpu, data = pack_once(store)
    assert data == first, "the pack typeset in one process differs"
    print(f"pack, PDFs typeset in this process only: {serial:.1f} s, CPU {cpu:.1f} s (the same bytes)")
    from soplib.outputs import print_sop
    from soplib.outputs.from_store import print_input_from_store

    one = print_input_from_store(store, store.sops.ids()[0], language="id")
    print_sop(one, "pdf")  # warm-up
    prints = []
    for _ in range(7):
        start = time.perf_counter()
        print_sop(print_input_from_store(store, store.sops.ids()[0], language="id"), "pdf")
        prints.append(time.perf_counter() - start)
    one_print = statistics.median(prints)
    print(f"one SOP to PDF from the store, warm: {one_print * 1000:.0f} ms median of 7")
    met = median < GOAL_PACK_S and one_print < GOAL_PRINT_S
    verdict = "met" if met else "MISSED"
    print(f"goals (pack < {GOAL_PACK_S:.0f} s, one print < {GOAL_PRINT_S:.0f} s): {verdict}")
    store.close()
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
