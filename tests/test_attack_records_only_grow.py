"""Attack: rewrite an append-only record with a commit that only *looks* like soplib's (issue 10, point 3).

The attacker has write access to the repository and no signing key is in use.
soplib's committer (`soplib <soplib@sop.invalid>`) and its trailers are text
anyone can write, so each attack here is one commit made with git plumbing on a
copy of the demo store, its message and author copied from a real soplib commit,
that edits, reorders or removes a record that already exists: acknowledgements
(deleted, edited with the whole hash chain recomputed), an approved review
session, its log, a briefing's attendance, the staff registry, an anchor, an SOP
version record, the store marker; or adds a file where no operation writes.

Expected defence: verify replays each commit's declared operation on its parent
and compares the result with the commit, so that "without signing only
well-formed additions pass" is true. Every attack below is reported: `sop audit
verify --json` exits 1 and a finding names the forged commit, the path or the
record. The untouched demo store verifies (the control).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from attack_forge import (
    ack_records,
    briefing_id,
    demo_store,
    dump,
    files,
    forge,
    last_commit,
    message_of,
    only_changed,
    read,
    read_json,
    rechain,
    session_id,
)
from attack_kit import (
    assert_one_line_error,
    assert_reported,
    assert_verified,
    ok,
    sop,
)

SOP1 = "KPU-NTB-SOP-01"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return demo_store(tmp_path / "store")


def ack_like(store: Path) -> str:
    """The newest acknowledgement commit: its message claims no version, no tag."""
    return last_commit(store, action="ack")


def test_control_the_demo_store_verifies(store: Path, tmp_path: Path) -> None:
    data = assert_verified(store)
    assert data["acknowledgements"] > 20 and data["anchors"] == 1
    receipt = tmp_path / "receipt.json"
    ok(sop(store, "audit", "anchor", "--by", "ani.pratiwi", "--out", str(receipt)))
    assert_verified(store, "--receipt", str(receipt))


# -- acknowledgements ---------------------------------------------------------------------------


def _drop_newest(store: Path, n: int) -> tuple[dict[str, bytes], list[int]]:
    segments = ack_records(store)
    top = max(int(r[0]) for recs in segments.values() for r in recs)
    gone = list(range(top - n + 1, top + 1))
    kept = {path: [r for r in recs if int(r[0]) not in gone] for path, recs in segments.items()}
    changes: dict[str, bytes | None] = dict(rechain(kept))
    for path, recs in kept.items():
        if not recs:  # a segment emptied entirely goes, with its index
            changes[path] = None
            changes[path[:-4] + ".ids"] = None
    return only_changed(store, changes), gone


@pytest.mark.parametrize("when", ["then an anchor is made", "after an anchor with a receipt"])
def test_deleting_the_newest_acknowledgements_and_rewriting_the_chain_head(
    store: Path, tmp_path: Path, when: str
) -> None:
    receipt = tmp_path / "receipt.json"
    if when == "after an anchor with a receipt":
        ok(sop(store, "audit", "anchor", "--by", "ani.pratiwi", "--out", str(receipt)))
    changes, gone = _drop_newest(store, 3)
    forged = forge(store, changes, like=ack_like(store))
    args: list[str] = []
    if when == "then an anchor is made":
        ok(sop(store, "audit", "anchor", "--by", "ani.pratiwi"))
    else:
        args = ["--receipt", str(receipt)]
    names = [forged, "acks/chain.json", *(f"ack {seq}" for seq in gone)]
    assert_reported(store, names, *args)


def _edit_first(field: int, value: str) -> Callable[[dict[str, list[list[str]]]], None]:
    def edit(segments: dict[str, list[list[str]]]) -> None:
        record = next(r for recs in segments.values() for r in recs if r[0] == "1")
        record[field] = value

    return edit


def _drop_middle(segments: dict[str, list[list[str]]]) -> None:
    for recs in segments.values():
        recs[:] = [r for r in recs if r[0] != "10"]


EDITS = {
    "backdated": _edit_first(7, "2026-01-02T08:00:00Z"),
    "another person": _edit_first(1, "199306102020121004"),
    "briefing forged": _edit_first(5, "B-20250101-1"),
    "one deleted and the rest renumbered": _drop_middle,
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_editing_an_old_acknowledgement_and_recomputing_the_whole_chain(store: Path, edit: str) -> None:
    segments = ack_records(store)
    first = next(path for path, recs in segments.items() for r in recs if r[0] == "1")
    EDITS[edit](segments)
    changes = rechain(segments)
    forged = forge(store, only_changed(store, changes), like=ack_like(store))
    assert_reported(store, [forged, first, "acks/chain.json", "ack 1", "ack 10"])


# -- review sessions and their logs ---------------------------------------------------------------


SESSION_EDITS: dict[str, Callable[[dict[str, object]], None]] = {
    "ref": lambda s: s.update(ref="Berita Acara Pleno Nomor 99/2026"),
    "team": lambda s: s.update(team=[{"id": "mallory", "role": "chair"}]),
    "closer": lambda s: s.update(closed_by="mallory"),
    "closed_at": lambda s: s.update(closed_at="2026-01-01T00:00:00Z"),
    "effective_date": lambda s: s.update(effective_date="2025-01-01"),
    "status": lambda s: s.update(status="abandoned"),
    "pinned": lambda s: s.update(pinned={**s["pinned"], "KPU-NTB-SOP-04": 1}),  # type: ignore[dict-item]
}


@pytest.mark.parametrize("field", SESSION_EDITS)
def test_changing_an_approved_session(store: Path, field: str) -> None:
    sid = session_id(store)
    path = f"reviews/{sid}/session.json"
    header = read_json(store, path)
    assert header["status"] == "approved"
    SESSION_EDITS[field](header)
    forged = forge(store, {path: dump(header)}, like=last_commit(store, action="decide"))
    assert_reported(store, [forged, path])


def _log(store: Path) -> tuple[str, list[str]]:
    sid = session_id(store)
    return sid, sorted(p for p in files(store) if p.startswith(f"reviews/{sid}/log/"))


def _alter_entry(store: Path) -> dict[str, bytes | None]:
    _, log = _log(store)
    path = next(p for p in log if read_json(store, p).get("action") == "remove")
    entry = read_json(store, path)
    entry.update(action="keep")
    return {path: dump(entry)}


def _delete_entry(store: Path) -> dict[str, bytes | None]:
    _, log = _log(store)
    return {log[1]: None}


def _delete_last_entry(store: Path) -> dict[str, bytes | None]:
    _, log = _log(store)
    return {log[-1]: None}


def _swap_entries(store: Path) -> dict[str, bytes | None]:
    _, log = _log(store)
    a, b = read_json(store, log[1]), read_json(store, log[2])
    a["seq"], b["seq"] = b["seq"], a["seq"]
    return {log[1]: dump(b), log[2]: dump(a)}


def _reword_reason(store: Path) -> dict[str, bytes | None]:
    _, log = _log(store)
    entry = read_json(store, log[0])
    entry.update(reason="alasan yang ditulis ulang", by="mallory")
    return {log[0]: dump(entry)}


LOG_EDITS = {
    "a decision altered": _alter_entry,
    "an entry deleted": _delete_entry,
    "the approval entry deleted": _delete_last_entry,
    "two entries swapped": _swap_entries,
    "a reason and its author rewritten": _reword_reason,
}


@pytest.mark.parametrize("edit", LOG_EDITS)
def test_altering_or_deleting_a_session_log_entry(store: Path, edit: str) -> None:
    changes = LOG_EDITS[edit](store)
    forged = forge(store, changes, like=last_commit(store, action="decide"))
    assert_reported(store, [forged, *changes])


# -- briefings, staff, anchors, SOP records, the marker -------------------------------------------


def test_dropping_a_briefing_attendee(store: Path) -> None:
    bid = briefing_id(store)
    path = f"briefings/{bid}.json"
    briefing = read_json(store, path)
    dropped = briefing["attendees"].pop()
    forged = forge(store, {path: dump(briefing)}, like=last_commit(store, action="attend"))
    assert_reported(store, [forged, path, dropped["id"]])


def test_backdating_a_briefing_attendance(store: Path) -> None:
    bid = briefing_id(store)
    path = f"briefings/{bid}.json"
    briefing = read_json(store, path)
    briefing["attendees"][0]["recorded_at"] = "2026-01-01T08:00:00Z"
    forged = forge(store, {path: dump(briefing)}, like=ack_like(store))
    assert_reported(store, [forged, path])


def _registry(store: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in read(store, "staff/registry.jsonl").decode().splitlines() if line]


def _registry_bytes(people: list[dict[str, object]]) -> bytes:
    return b"".join(dump(p) for p in people)


@pytest.mark.parametrize("edit", ["a name changed", "a person deleted", "a unit changed"])
def test_editing_the_staff_registry(store: Path, edit: str) -> None:
    people = _registry(store)
    victim = people[3]
    if edit == "a name changed":
        victim["name"] = "Mallory"
    elif edit == "a unit changed":
        victim["unit"] = "Unit Lain"
    else:
        people.remove(victim)
    like = last_commit(store, action="staff-import")
    forged = forge(store, {"staff/registry.jsonl": _registry_bytes(people)}, like=like)
    assert_reported(store, [forged, "staff/registry.jsonl", str(victim["id"])])


@pytest.mark.parametrize("edit", ["its head moved", "deleted"])
def test_altering_or_deleting_an_anchor_record(store: Path, edit: str) -> None:
    path = next(p for p in files(store) if p.startswith("audit/anchors/"))
    record = read_json(store, path)
    record["head"] = last_commit(store, action="approve")
    change = {path: dump(record) if edit == "its head moved" else None}
    forged = forge(store, change, like=ack_like(store))
    assert_reported(store, [forged, path])


VERSION_EDITS: dict[str, Callable[[dict[str, object]], None]] = {
    "date": lambda v: v.update(created="2026-01-01T08:00:00Z"),
    "recorded by": lambda v: v.update(by="mallory"),
    "approver": lambda v: v["meta"].update(approved_by="mallory"),  # type: ignore[attr-defined]
    "effective date": lambda v: v["meta"].update(effective_date="2025-01-01"),  # type: ignore[attr-defined]
    "session": lambda v: v["meta"].update(session="R-20250101-AAAA"),  # type: ignore[attr-defined]
}


@pytest.mark.parametrize("claimed", [False, True], ids=["unclaimed", "claimed as a withdrawal"])
@pytest.mark.parametrize("field", VERSION_EDITS)
def test_rewriting_an_sop_version_record(store: Path, field: str, claimed: bool) -> None:
    path = f"sops/{SOP1}.json"
    record = read_json(store, path)
    VERSION_EDITS[field](record["versions"][1])
    like = ack_like(store)
    message = None
    if claimed:  # it even claims the SOP, as a withdrawal would
        message = message_of(store, like).rstrip("\n") + f"\nSop-Withdrawn: {SOP1} 2\n"
    forged = forge(store, {path: dump(record)}, like=like, message=message)
    assert_reported(store, [forged, path, f"{SOP1} v2", SOP1])


def test_changing_the_store_marker(store: Path) -> None:
    marker = read_json(store, "soplib-store.json")
    marker["created"] = "2020-01-01T00:00:00Z"
    forged = forge(store, {"soplib-store.json": dump(marker)}, like=ack_like(store))
    assert_reported(store, [forged, "soplib-store.json"])


EXTRA_FILES = [
    "notes/catatan.md",
    "top-level.txt",
    "sops/README.txt",
    "acks/extra.tsv",
    "acks/KPU-NTB-SOP-01/v2/000009.txt",
    "reviews/{sid}/notes.json",
    "reviews/{sid}/log/extra.txt",
    "staff/extra.jsonl",
    "briefings/catatan.txt",
    "audit/other/x.json",
    "audit/anchors/README.txt",
]


@pytest.mark.parametrize("path", EXTRA_FILES)
def test_adding_a_file_where_no_operation_writes(store: Path, path: str) -> None:
    path = path.format(sid=session_id(store))
    forged = forge(store, {path: b'{"note": "added behind soplib\'s back"}\n'}, like=ack_like(store))
    assert_reported(store, [forged, path])


# -- the generalisation: every kind of record, deleted or edited -------------------------------------

KINDS = {
    "store marker": "soplib-store.json",
    "SOP text": "sops/KPU-NTB-SOP-02.md",
    "SOP record": "sops/KPU-NTB-SOP-02.json",
    "session header": "reviews/*/session.json",
    "first log entry": "reviews/*/log/000001.json",
    "staff registry": "staff/registry.jsonl",
    "chain head": "acks/chain.json",
    "ack segment": "acks/KPU-NTB-SOP-01/*/000001.tsv",
    "ack index": "acks/KPU-NTB-SOP-01/*/000001.ids",
    "briefing": "briefings/*.json",
    "anchor": "audit/anchors/000001.json",
}


def _record_names(path: str) -> list[str]:
    """What a finding may name instead of the path: the record's own id."""
    parts = path.split("/")
    if parts[0] in ("reviews", "sops", "briefings"):
        return [parts[1].removesuffix(".json").removesuffix(".md")]
    if path.endswith(".tsv"):
        return ["ack 1"]  # the first record of the first segment
    return []


@pytest.mark.parametrize("how", ["deleted", "edited"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_record_deleted_or_edited_is_reported(store: Path, kind: str, how: str) -> None:
    from fnmatch import fnmatch

    path = next(p for p in files(store) if fnmatch(p, KINDS[kind]))
    data = read(store, path)
    # "edited": one space more at the end of the first line (still valid JSON, TSV, Markdown)
    first, sep, rest = data.partition(b"\n")
    change = None if how == "deleted" else first + b" " + sep + rest
    forged = forge(store, {path: change}, like=ack_like(store))
    if path == "soplib-store.json" and change is None:
        # No longer a soplib store at all: a one-line refusal naming the marker is a report too.
        result = sop(store, "audit", "verify", "--json")
        if result.code == 1 and not result.out.strip():
            assert_one_line_error(result, path)
            return
    assert_reported(store, [forged, path, *_record_names(path)])
