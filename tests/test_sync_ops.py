"""What two machines record meanwhile all ends up on both, once, as who made it and when.

Review entries, briefings with attendance, staff imports, anchors and acknowledgements
made on two clones between syncs; then the same after the sync on both sides, the
integration commit verified, anchors' receipts checked on the other clone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from conftest import Clock
from remotes import CHAIR, MEMBER, READER, SECRETARY, Server, office_store, published

from soplib import Store
from soplib.ops import ACTION_TRAILER

SOP_BIN = Path(sys.executable).parent / "sop"
ONE, TWO, THREE, FOUR = (f"KPU-NTB-SOP-0{n}" for n in range(1, 5))
NEW_A = "200001012024011001"
NEW_B = "200002022024012002"


def staff_row(person: str, name: str) -> bytes:
    return f"id,name,unit,position\n{person},{name},Sekretariat,Staf\n".encode()


def entries(store: Store, session: str) -> list[tuple[str, str, str, str, str]]:
    """Each log entry as (type, sop, key, by, when): what must survive a sync exactly once."""
    return sorted(
        (e.type, getattr(e, "sop", ""), getattr(e, "key", ""), e.by, e.when.isoformat() if e.when else "")
        for e in store.reviews.get(session).log()
    )


def summary(store: Store, session: str) -> dict[str, list[Any]]:
    return {
        "log": entries(store, session),
        "briefings": sorted(
            (b.id, b.by, str(b.created), tuple((x.id, x.recorded_by, x.recorded_at) for x in b.attendees))
            for b in store.briefings.list()
        ),
        "staff": sorted(s.id for s in store.staff.list()),
        "anchors": sorted((a.id, a.by, a.date.isoformat(), a.head) for a in store.audit.anchors()),
        "acks": sorted((r.staff, r.sop, r.version, r.how, r.by, r.at.isoformat()) for r in store.acks.list()),
    }


def test_concurrent_work_on_two_machines_ends_up_on_both_once(
    tmp_path: Path, file_server: Server, clock: Clock
) -> None:
    clock.at("2026-03-02")
    office_store(tmp_path / "seed").close()
    with Store.open(tmp_path / "seed") as seed:
        team = {CHAIR: "chair", MEMBER: "member"}
        session = seed.reviews.start([ONE, TWO], team=team, ref="BA 3/2026", by=CHAIR).id
    url = published(tmp_path / "seed", file_server)
    a = Store.clone(url, tmp_path / "a")
    b = Store.clone(url, tmp_path / "b")

    # Machine A (the review chair's laptop) and machine B (the secretariat's PC), not talking.
    clock.at("2026-03-03", 1)
    a.reviews.get(session).keep_rest(ONE, by=CHAIR)
    a.reviews.get(session).outcome(ONE, "keep", by=CHAIR, reason="masih sesuai")
    clock.at("2026-03-03", 2)
    b.reviews.get(session).keep_rest(TWO, by=MEMBER)
    b.reviews.get(session).outcome(TWO, "keep", by=MEMBER)
    clock.at("2026-03-04", 1)
    brief_a = a.briefings.create(title="Sosialisasi A", day=date(2026, 3, 4), sops=[ONE, FOUR], by=CHAIR)
    a.briefings.attend(brief_a.id, [READER, MEMBER], by=CHAIR)
    clock.at("2026-03-04", 3)
    brief_b = b.briefings.create(title="Sosialisasi B", day=date(2026, 3, 4), sops=[FOUR], by=CHAIR)
    b.briefings.attend(brief_b.id, [SECRETARY], by=CHAIR)
    clock.at("2026-03-05", 1)
    a.staff.import_csv(staff_row(NEW_A, "Pegawai Baru A"), by=SECRETARY)
    clock.at("2026-03-05", 2)
    b.staff.import_csv(staff_row(NEW_B, "Pegawai Baru B"), by=SECRETARY)
    clock.at("2026-03-06", 1)
    a.acks.record(NEW_A, ONE, by=NEW_A)
    clock.at("2026-03-06", 2)
    b.acks.record(NEW_B, ONE, by=NEW_B)
    clock.at("2026-03-07", 1)
    anchor_a = a.audit.anchor(by=SECRETARY)
    clock.at("2026-03-07", 2)
    anchor_b = b.audit.anchor(by=SECRETARY)
    before_a, before_b = summary(a, session), summary(b, session)

    clock.at("2026-03-08", 1)
    assert b.remotes.sync(by=SECRETARY).integrated == "pushed-only"
    result = a.remotes.sync(by=SECRETARY)
    assert result.integrated == "merged" and result.pushed and result.refused == ()
    assert b.remotes.sync(by=SECRETARY).integrated == "fast-forward"
    assert a.head() == b.head() == file_server.git("office.git", "rev-parse", "main").strip()

    after = summary(a, session)
    assert after == summary(b, session)
    for key, value in after.items():
        # Everything from both sides, each exactly once, as made (what both had before counts once).
        merged = Counter(before_a[key]) | Counter(before_b[key])
        assert sorted(value) == sorted(merged.elements()), key
    assert len(after["briefings"]) == 2 and {NEW_A, NEW_B} <= set(after["staff"])
    assert len(after["anchors"]) == 2
    # The review log: numbered again, one sequence, in time order.
    log = a.reviews.get(session).log()
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    # The acknowledgement chain is one chain again.
    assert [r.seq for r in a.acks.list()] == list(range(1, len(a.acks.list()) + 1))

    merge = a.git.repo.read_commit(a.head() or "")
    assert merge.is_merge and merge.value(ACTION_TRAILER) == "integrate"
    for store in (a, b):
        report = store.audit.verify()
        assert report.ok, report.findings
    # An anchor made on one machine proves the history on the other, from its receipt.
    for anchor, other in ((anchor_a, tmp_path / "b"), (anchor_b, tmp_path / "a")):
        receipt = tmp_path / f"{anchor.id}.json"
        receipt.write_text(json.dumps({"store": "elsewhere", **anchor.to_json()}))
        done = subprocess.run(
            [str(SOP_BIN), "--store", str(other), "audit", "verify", "--receipt", str(receipt)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    a.close()
    b.close()
