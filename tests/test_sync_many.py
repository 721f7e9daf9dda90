"""Four machines, 250 acknowledgements each, syncing at random moments through git daemon.

Each clone records acknowledgements of its own staff for its own SOPs (distinct
pairs), and syncs now and then, at random. At the end every clone, and a fresh
clone of the remote, holds all 1,000 acknowledgements once, the same coverage,
one acknowledgement chain, and `sop audit verify` is clean everywhere.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date
from pathlib import Path

from remotes import SECRETARY, Server, published

from soplib import Store, parse

SOP_BIN = Path(sys.executable).parent / "sop"
CLONES = 4
EACH = 250
PEOPLE = 25  # per clone
SOPS = 10  # shared by all: 25 people x 10 SOPs = 250 pairs per clone
BODY = "---\nid: {id}\ntitle: SOP {id}\n---\n# Prosedur\n\n1. Langkah pertama.\n2. Langkah kedua.\n"


def seeded(path: Path) -> tuple[list[list[str]], list[str]]:
    people = [[f"1990{c:02d}01201001{n:04d}" for n in range(PEOPLE)] for c in range(CLONES)]
    sops = [f"SYNC-{n:02d}" for n in range(SOPS)]
    rows = "".join(f"{p},Pegawai {p},Sekretariat,Staf\n" for group in people for p in group)
    with Store.init(path) as store:
        store.staff.import_csv(f"id,name,unit,position\n{SECRETARY},Sekretaris,Sekretariat,Sekretaris\n{rows}".encode(),
                               by=SECRETARY)  # fmt: skip
        store.sops.add([parse(BODY.format(id=s), source=s) for s in sops], by=SECRETARY)
    return people, sops


def test_four_clones_1000_acknowledgements_with_random_syncs(tmp_path: Path, daemon_server: Server) -> None:
    rng = random.Random(4 * 250)
    people, sops = seeded(tmp_path / "seed")
    url = published(tmp_path / "seed", daemon_server)
    clones = [Store.clone(url, tmp_path / f"clone{c}") for c in range(CLONES)]
    todo = [[(p, s) for p in people[c] for s in sops] for c in range(CLONES)]
    for pairs in todo:
        rng.shuffle(pairs)
    syncs = 0
    while any(todo):
        c = rng.choice([i for i in range(CLONES) if todo[i]])
        person, sop = todo[c].pop()
        assert clones[c].acks.record(person, sop, by=person).created
        if rng.random() < 0.03:
            result = clones[c].remotes.sync(by=SECRETARY)
            assert result.refused == (), result.refused
            syncs += 1
    assert syncs >= 20
    # Each syncs once more, in turn, twice round: then everyone has everything.
    for c in [*range(CLONES), *range(CLONES - 1)]:
        clones[c].remotes.sync(by=SECRETARY)
    fresh = Store.clone(url, tmp_path / "fresh")  # what the remote holds
    stores = [*clones, fresh]

    server_head = daemon_server.git("office.git", "rev-parse", "main").strip()
    assert {s.head() for s in stores} == {server_head}
    expected = sorted((p, s) for c in range(CLONES) for p in people[c] for s in sops)
    coverage = set()
    for store in stores:
        acks = store.acks.list()
        assert len(acks) == CLONES * EACH
        assert sorted((r.staff, r.sop) for r in acks) == expected  # all, once each
        assert [r.seq for r in acks] == list(range(1, len(acks) + 1))  # one chain
        assert all(r.by == r.staff for r in acks)  # each as the person who acknowledged
        coverage.add(str(store.acks.coverage(as_of=date(2100, 1, 1)).to_json()))
    assert len(coverage) == 1  # identical everywhere
    for store, path in zip(stores, [*(tmp_path / f"clone{c}" for c in range(CLONES)), tmp_path / "fresh"]):
        store.close()
        done = subprocess.run(
            [str(SOP_BIN), "--store", str(path), "audit", "verify", "--json"], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr
        assert '"acknowledgements": 1000' in done.stdout
