"""`sop blame`: for every item, the version and session decision that introduced its text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ACTOR, HEAD, HEAD_ROW, CliRun, write_sop

from soplib import NotFoundError, Store

SOP = "KPU-01"
BODY = """\
---
id: KPU-01
title: Pelayanan
---
# Prosedur

1. Petugas menerima permohonan dari pemohon.
2. Petugas memeriksa kelengkapan berkas permohonan.
3. Petugas mencatat permohonan di buku register.
4. Petugas menyerahkan tanda terima kepada pemohon.
"""


@pytest.fixture
def revised(store: Store, tmp_path: Path) -> Store:
    """v1 original; v2 from a session (replace 2, remove 3, add after 4); v3 a direct update of item 1."""
    store.staff.import_csv(f"id,name,unit,position\n{HEAD_ROW}".encode(), by=ACTOR)
    store.sops.add([write_sop(tmp_path, SOP, body=BODY)], by=ACTOR)
    session = store.reviews.start([SOP], team={ACTOR: "chair"}, ref="BA 7/2026", by=ACTOR)
    session.keep_rest(SOP, by=ACTOR)
    session.replace(
        SOP,
        "prosedur/2",
        text="Petugas memeriksa kelengkapan dan keabsahan berkas permohonan.",
        by=ACTOR,
        reason="keabsahan perlu dicek",
    )
    session.remove(SOP, "prosedur/3", by=ACTOR, reason="register sudah elektronik")
    session.add(SOP, after="prosedur/4", text="Petugas mengarsipkan berkas.", by=ACTOR, reason="arsip")
    session.outcome(SOP, "revise", by=ACTOR)
    session.approve(by=HEAD)
    text = store.sops.text(SOP).decode().replace("dari pemohon", "dari pemohon secara langsung")
    store.sops.update(text, by="budi", message="permohonan langsung", base=2)
    return store


def test_blame_latest(revised: Store) -> None:
    result = revised.sops.blame(SOP)
    assert result.version == 3
    rows = [(i.key, i.source.version, i.source.origin, i.source.reason) for i in result.items]
    session = revised.sops.get(SOP, version=2).session
    # The title is an item too (identity items are reviewed like steps); it never changed.
    assert rows == [
        ("title", 1, "original", None),
        ("prosedur/1", 3, "update", "permohonan langsung"),
        ("prosedur/2", 2, "replace", "keabsahan perlu dicek"),
        ("prosedur/3", 1, "original", None),
        ("prosedur/4", 2, "add", "arsip"),
    ]
    assert result.items[2].source.session == session and session is not None
    assert result.items[1].source.by == "budi" and result.items[2].source.by == HEAD


def test_blame_of_older_versions(revised: Store) -> None:
    assert {i.source.origin for i in revised.sops.blame(SOP, version=1).items} == {"original"}
    v2 = revised.sops.blame(SOP, version=2)
    assert [i.source.version for i in v2.items] == [1, 1, 2, 1, 2]


def test_cli_blame(revised: Store, cli: CliRun) -> None:
    r = cli("blame", SOP, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["version"] == 3 and [i["source"]["origin"] for i in data["items"]] == [
        "original",
        "update",
        "replace",
        "original",
        "add",
    ]
    r = cli("blame", SOP, "--version", "1")
    assert r.exit_code == 0 and "original" in r.output
    r = cli("blame", SOP, "--version", "9")
    assert r.exit_code == 1 and "has no version 9" in r.output
    r = cli("blame", "NOPE-01")
    assert r.exit_code == 1 and "error:" in r.output


def test_unknown_sop(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no SOP NOPE-01"):
        store.sops.blame("NOPE-01")


def test_a_replaced_list_entry_of_the_identity_part_is_a_replace(store: Store, tmp_path: Path) -> None:
    # The diff cannot pair a replaced list entry with its old self (it differs in every word), so it
    # reports it removed and added; blame still finds the session's replace decision and its reason.
    equipment = "equipment:\n  - Komputer\n  - Buku register\n"
    body = BODY.replace("title: Pelayanan\n", "title: Pelayanan\n" + equipment)
    store.staff.import_csv(f"id,name,unit,position\n{HEAD_ROW}".encode(), by=ACTOR)
    store.sops.add([write_sop(tmp_path, SOP, body=body)], by=ACTOR)
    session = store.reviews.start([SOP], team={ACTOR: "chair"}, ref="BA 8/2026", by=ACTOR)
    session.outcome(SOP, "revise", by=ACTOR)
    session.replace(SOP, "equipment/2", text="Aplikasi register", by=ACTOR, reason="register digital")
    session.keep_rest(SOP, by=ACTOR)
    session.approve(by=HEAD)
    rows = {i.key: (i.source.version, i.source.origin, i.source.reason) for i in store.sops.blame(SOP).items}
    assert rows["equipment/2"] == (2, "replace", "register digital")
    assert rows["equipment/1"] == (1, "original", None)
