"""Builds the acknowledgement stores bench/run.py measures (an office's scale).

A store with N staff, M SOPs and K acknowledgements, written through the
library's own calls (``store.staff.import_csv``, ``store.sops.add``,
``store.sops.update``) and, for the acknowledgements, the record writer
``soplib.people.ackrecords.stage_acks`` in bulk, 50,000 a commit. Those bulk
commits carry no operation, so such a store does not pass ``sop audit verify``
(it reports them as foreign commits): it is for timing reads, not a record.
"""

from __future__ import annotations

from pathlib import Path

from soplib import Store
from soplib.people.ackrecords import NewAck, stage_acks

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
        subject = f"bench acks {start}\n"
        with store.git.transaction(author=BY, message=lambda tx, subject=subject: subject) as tx:
            for _, sop, version in part:
                if (sop, version) not in shas:
                    shas[(sop, version)] = store.sops.record(sop, snapshot=tx).version(version).content_sha256
            stage_acks(tx, [NewAck(s, sop, v, shas[(sop, v)]) for s, sop, v in part])


def build(path: Path, *, staff: int, sops: int, acks: int, all_restricted: bool) -> None:
    """Write the store at ``path``; one SOP in eight (all if ``all_restricted``) has a narrow audience."""
    store = Store.init(path)
    store.staff.import_csv(staff_csv(staff), by=BY)
    # One SOP in eight (all of them for --large) applies to a quarter of the units.
    restricted = set(range(0, sops, 1 if all_restricted else 8))
    store.sops.add([sop_text(n, restricted=n in restricted) for n in range(sops)], by=BY)
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
        store.sops.update(text, base=1, by=BY, message="bench", editorial="ejaan" if i % 2 == 0 else None)
    bulk_ack(store, extra)
    store.close()
