"""The store packs its loose objects itself, as git's `gc --auto` would, at a bounded cost."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_store import fsck, git, message_of, sop

from sop_store import Repository, object_id, packing
from soplib import Store


def counts(store_path: Path) -> dict[str, int]:
    out = git(store_path, "count-objects", "-v")
    return {k: int(v) for k, v in (line.split(": ") for line in out.splitlines()) if v.isdigit()}


def loose_in_sample(store_path: Path) -> list[str]:
    folder = store_path / "objects" / packing.LOOSE_SAMPLE
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def blob_in_sample() -> bytes:
    """Content whose blob id falls in the sampled fan-out folder (found in ~256 tries)."""
    n = 0
    while not object_id("blob", b"%d\n" % n).startswith(packing.LOOSE_SAMPLE):
        n += 1
    return b"%d\n" % n


def test_crossing_the_loose_limit_packs_everything_written(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.sops.add([sop(f"AB-{n:02d}") for n in range(10)], by="ani")
    for i in range(20):
        store.sops.update(sop(f"AB-{i % 10:02d}", f"Judul {i}"), by="ani", message=f"r{i}", base=1 + i // 10)
    before = counts(store.path)
    assert before["packs"] == 0 and before["count"] > 100  # under git's limit: all loose
    # A limit of 0 loose objects: the first object in objects/17 sets packing off.
    monkeypatch.setattr(packing, "LOOSE_LIMIT", 0)
    with store.git.transaction(author="ani", message=message_of("note")) as tx:
        tx.write("notes/sample.txt", blob_in_sample())
    after = counts(store.path)
    assert after["packs"] == 1 and after["count"] == 0 and after["in-pack"] > 100
    assert loose_in_sample(store.path) == []
    for i in range(40):
        store.sops.update(sop(f"AB-{i % 10:02d}", f"Lagi {i}"), by="ani", message=f"s{i}", base=3 + i // 10)
        assert loose_in_sample(store.path) == []  # packed as soon as the sample is over the limit
    # Geometric merging keeps few packs; everything is readable, in-process and by git.
    assert counts(store.path)["packs"] <= 4
    assert [h.version for h in store.sops.history("AB-03")] == list(range(1, 8))
    assert store.sops.text("AB-03", version=1) == sop("AB-03").encode()
    assert store.sops.get("AB-09").document.title == "Lagi 39"
    with Store.open(store.path) as again:
        assert again.sops.get("AB-05", version=2).document.title == "Judul 5"
    assert git(store.path, "rev-list", "--count", "main") == "63"
    fsck(store.path)


def test_packing_finds_the_newest_packed_commit_without_walking_packed_history(store: Store) -> None:
    store.sops.add([sop("AB-01")], by="ani")
    for i in range(3):
        store.sops.update(sop("AB-01", f"Judul {i}"), by="ani", message="x", base=1 + i)
    git(store.path, "gc", "-q")
    packed_head = store.head()
    store.sops.update(sop("AB-01", "Baru"), by="ani", message="y", base=4)
    head = store.head()
    assert head is not None
    repo = Repository(store.path)
    assert packing._newest_packed(repo, head) == packed_head
    assert packing.pack_loose(repo, head)
    assert counts(store.path)["count"] == 0
    repo.close()
    assert store.sops.get("AB-01").document.title == "Baru"
    fsck(store.path)
