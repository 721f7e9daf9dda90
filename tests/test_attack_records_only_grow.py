"""Attack: rewrite an append-only record with a commit that only *looks* like soplib's (issue 10, point 3).

The attacker has write access to the repository and no signing key is in use.
soplib's committer (`soplib <soplib@sop.invalid>`) and its trailers are text
anyone can write, so each attack here is one commit made with git plumbing on a
copy of the demo store, its message and author copied from a real soplib commit,
that edits, reorders or removes a record that already exists: acknowledgements
(deleted, edited with the whole hash chain recomputed), an approved review
session, its log, a briefing's attendance, the staff registry, an anchor, an SOP
version record, the store marker; or adds a file where no operation writes.

Each tampering rides on the strongest commit an insider can make without a key:
a real operation soplib just wrote (an acknowledgement, `sop ack`), amended with
git plumbing so that its tree also carries the tampering while its message, its
valid `Sop-Op` and its author time stay byte for byte (`amend`). A few attacks
copy an older commit's message instead, as the first version of this file did.
And an insider can commit a *valid* operation soplib once wrote again, on top
of the head, with the files as that commit left them (`redo`): an approved
session back to open, an anchor or a briefing recreated, the chain head of an
earlier day. That must be refused by the operation's own rules when replayed
(records that exist are never edited).

Expected defence: verify replays each commit's declared operation on its parent
and compares the result with the commit, so that "without signing only
well-formed additions pass" is true. Every attack below is reported: `sop audit
verify --json` exits 1 and a finding names the forged commit, the path or the
record. The untouched demo store verifies, and so does an amended commit that
changes nothing (the controls).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from attack_forge import (
    ack_hash,
    ack_records,
    amend,
    blob,
    briefing_id,
    commits,
    demo_store,
    dump,
    files,
    forge,
    git,
    head,
    last_commit,
    message_of,
    only_changed,
    raw_commit,
    read,
    read_json,
    rechain,
    redo,
    session_id,
    write_tree,
)
from attack_kit import (
    assert_one_line_error,
    assert_reported,
    assert_verified,
    ok,
    sop,
)

SOP1 = "KPU-NTB-SOP-01"
# The demo store grants roles, so every writer is registered staff: its controller (who may record
# anything but approvals) and a person who has not yet acknowledged KPU-NTB-SOP-05.
CONTROLLER = "198107232008011004"
PERSON, SOP5 = "199306102020121004", "KPU-NTB-SOP-05"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return demo_store(tmp_path / "store")


def ack_like(store: Path) -> str:
    """The newest acknowledgement commit: its message claims no version, no tag."""
    return last_commit(store, action="ack")


def tamper(store: Path, changes: Callable[[], Mapping[str, bytes | None]]) -> str:
    """A real acknowledgement (a valid operation at the head), amended to carry ``changes()`` too."""
    result = ok(sop(store, "ack", PERSON, SOP5, "--by", CONTROLLER))
    assert "recorded" in result.out, result.where
    return amend(store, changes())


def test_control_the_demo_store_verifies(store: Path, tmp_path: Path) -> None:
    data = assert_verified(store)
    assert data["acknowledgements"] > 20 and data["anchors"] == 1
    receipt = tmp_path / "receipt.json"
    ok(sop(store, "audit", "anchor", "--by", CONTROLLER, "--out", str(receipt)))
    assert_verified(store, "--receipt", str(receipt))


def test_control_amending_with_no_change_gives_back_the_very_commit_soplib_wrote(store: Path) -> None:
    """The forging tool keeps message, author and times byte for byte: only the tampering it carries
    can give an amended commit away."""
    ok(sop(store, "ack", PERSON, SOP5, "--by", CONTROLLER))
    written = head(store)
    assert amend(store, {}) == written
    assert_verified(store)


# -- acknowledgements ---------------------------------------------------------------------------


def _drop_newest(store: Path, n: int) -> tuple[dict[str, bytes | None], list[int]]:
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
        ok(sop(store, "audit", "anchor", "--by", CONTROLLER, "--out", str(receipt)))
    gone: list[int] = []

    def changes() -> dict[str, bytes | None]:
        dropped, numbers = _drop_newest(store, 3)
        gone.extend(numbers)
        return dropped

    forged = tamper(store, changes)
    args: list[str] = []
    if when == "then an anchor is made":
        ok(sop(store, "audit", "anchor", "--by", CONTROLLER))
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
    first: list[str] = []

    def changes() -> dict[str, bytes | None]:
        segments = ack_records(store)
        first.extend(path for path, recs in segments.items() for r in recs if r[0] == "1")
        EDITS[edit](segments)
        return only_changed(store, rechain(segments))

    forged = tamper(store, changes)
    assert_reported(store, [forged, *first, "acks/chain.json", "ack 1", "ack 10"])


def _ack_dated(store: Path, when: int) -> str:
    """The head (a fresh acknowledgement) as soplib would have written it at ``when``: its record's time,
    hash and the chain head recomputed, the author time set to ``when``; committed now (committer
    line kept), so no committer clock runs backwards. Replayed at its author time, the operation
    gives exactly this tree."""
    top = head(store)
    path = next(p for p in ack_records(store) if p.startswith(f"acks/{SOP5}/"))
    record = read(store, path).decode().rstrip("\n").split("\t")
    record[7] = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    record[9] = ack_hash(record)
    tree_files = files(store, top)
    tree_files[path] = blob(store, ("\t".join(record) + "\n").encode())
    tree_files["acks/chain.json"] = blob(store, dump({"count": int(record[0]), "last": record[9]}))
    header, _, body = raw_commit(store, top).partition(b"\n\n")
    lines = [f"tree {write_tree(store, tree_files)}".encode()]
    for line in header.split(b"\n")[1:]:
        if line.startswith(b"author "):
            line = line.rsplit(b" ", 2)[0] + f" {when} +0000".encode()
        lines.append(line)
    data = b"\n".join(lines) + b"\n\n" + body
    forged = git(store, "hash-object", "-w", "-t", "commit", "--stdin", input=data)
    git(store, "update-ref", "refs/heads/main", forged, top)
    return forged


def _author_time(store: Path, commit: str) -> int:
    return int(git(store, "log", "-1", "--format=%at", commit))


def test_control_an_acknowledgement_dated_as_written_is_the_very_commit(store: Path) -> None:
    ok(sop(store, "ack", PERSON, SOP5, "--by", CONTROLLER))
    written = head(store)
    assert _ack_dated(store, _author_time(store, written)) == written
    assert_verified(store)


@pytest.mark.parametrize("back", [1, 3600, 365 * 86400], ids=["a second", "an hour", "a year"])
def test_a_new_acknowledgement_dated_before_its_parent_is_reported(store: Path, back: int) -> None:
    """A well-formed addition with a false date: set back before the commit it follows (a year back
    is before the version it acknowledges existed), while the committer time moves on."""
    ok(sop(store, "ack", PERSON, SOP5, "--by", CONTROLLER))
    parent = git(store, "rev-parse", "main^1")
    forged = _ack_dated(store, _author_time(store, parent) - back)
    assert_reported(store, [forged])


# -- review sessions and their logs ---------------------------------------------------------------


SESSION_EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "ref": lambda s: s.update(ref="Berita Acara Pleno Nomor 99/2026"),
    "team": lambda s: s.update(team=[{"id": "mallory", "role": "chair"}]),
    "closer": lambda s: s.update(closed_by="mallory"),
    "closed_at": lambda s: s.update(closed_at="2026-01-01T00:00:00Z"),
    "effective_date": lambda s: s.update(effective_date="2025-01-01"),
    "status": lambda s: s.update(status="abandoned"),
    "pinned": lambda s: s.update(pinned={**s["pinned"], "KPU-NTB-SOP-04": 1}),
}


@pytest.mark.parametrize("field", SESSION_EDITS)
def test_changing_an_approved_session(store: Path, field: str) -> None:
    sid = session_id(store)
    path = f"reviews/{sid}/session.json"
    header = read_json(store, path)
    assert header["status"] == "approved"
    SESSION_EDITS[field](header)
    forged = tamper(store, lambda: {path: dump(header)})
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
    forged = tamper(store, lambda: changes)
    assert_reported(store, [forged, *changes])


# -- briefings, staff, anchors, SOP records, the marker -------------------------------------------


def test_dropping_a_briefing_attendee(store: Path) -> None:
    bid = briefing_id(store)
    path = f"briefings/{bid}.json"
    briefing = read_json(store, path)
    dropped = briefing["attendees"].pop()
    forged = tamper(store, lambda: {path: dump(briefing)})
    assert_reported(store, [forged, path, dropped["id"]])


def test_backdating_a_briefing_attendance(store: Path) -> None:
    bid = briefing_id(store)
    path = f"briefings/{bid}.json"
    briefing = read_json(store, path)
    briefing["attendees"][0]["recorded_at"] = "2026-01-01T08:00:00Z"
    forged = tamper(store, lambda: {path: dump(briefing)})
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
    forged = tamper(store, lambda: {"staff/registry.jsonl": _registry_bytes(people)})
    assert_reported(store, [forged, "staff/registry.jsonl", str(victim["id"])])


@pytest.mark.parametrize("edit", ["its head moved", "deleted"])
def test_altering_or_deleting_an_anchor_record(store: Path, edit: str) -> None:
    path = next(p for p in files(store) if p.startswith("audit/anchors/"))
    record = read_json(store, path)
    record["head"] = last_commit(store, action="approve")
    change = {path: dump(record) if edit == "its head moved" else None}
    forged = tamper(store, lambda: change)
    assert_reported(store, [forged, path])


VERSION_EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "date": lambda v: v.update(created="2026-01-01T08:00:00Z"),
    "recorded by": lambda v: v.update(by="mallory"),
    "approver": lambda v: v["meta"].update(approved_by="mallory"),
    "effective date": lambda v: v["meta"].update(effective_date="2025-01-01"),
    "session": lambda v: v["meta"].update(session="R-20250101-AAAA"),
}


@pytest.mark.parametrize("claimed", [False, True], ids=["unclaimed", "claimed as a withdrawal"])
@pytest.mark.parametrize("field", VERSION_EDITS)
def test_rewriting_an_sop_version_record(store: Path, field: str, claimed: bool) -> None:
    path = f"sops/{SOP1}.json"
    record = read_json(store, path)
    VERSION_EDITS[field](record["versions"][1])
    if claimed:  # it even claims the SOP, as a withdrawal would, in a message copied from an ack
        like = ack_like(store)
        message = message_of(store, like).rstrip("\n") + f"\nSop-Withdrawn: {SOP1} 2\n"
        forged = forge(store, {path: dump(record)}, like=like, message=message)
    else:
        forged = tamper(store, lambda: {path: dump(record)})
    assert_reported(store, [forged, path, f"{SOP1} v2", SOP1])


def test_changing_the_store_marker(store: Path) -> None:
    marker = read_json(store, "soplib-store.json")
    marker["created"] = "2020-01-01T00:00:00Z"
    forged = tamper(store, lambda: {"soplib-store.json": dump(marker)})
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
    "office/notes.txt",
    "office/grants-2027.json",
]


@pytest.mark.parametrize("path", EXTRA_FILES)
def test_adding_a_file_where_no_operation_writes(store: Path, path: str) -> None:
    path = path.format(sid=session_id(store))
    forged = tamper(store, lambda: {path: b'{"note": "added behind soplib\'s back"}\n'})
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
    "anchor": "audit/anchors/A-*.json",
    "office profile": "office/profile.json",
    "office logo": "office/logo.*",
    "grants": "office/grants.json",
}


def _record_names(path: str) -> list[str]:
    """What a finding may name instead of the path: the record's own id."""
    parts = path.split("/")
    if parts[0] in ("reviews", "sops", "briefings"):
        return [parts[1].removesuffix(".json").removesuffix(".md")]
    if path.endswith(".tsv"):
        return ["ack 1"]  # the first record of the first segment
    return []


@pytest.mark.parametrize("forged_as", ["a valid operation amended", "a copied message"])
@pytest.mark.parametrize("how", ["deleted", "edited"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_record_deleted_or_edited_is_reported(
    store: Path, kind: str, how: str, forged_as: str
) -> None:
    from fnmatch import fnmatch

    path = next(p for p in files(store) if fnmatch(p, KINDS[kind]))
    data = read(store, path)
    # "edited": one space more at the end of the first line (still valid JSON, TSV, Markdown, SVG)
    first, sep, rest = data.partition(b"\n")
    change = None if how == "deleted" else first + b" " + sep + rest
    if forged_as == "a copied message":
        forged = forge(store, {path: change}, like=ack_like(store))
    else:
        forged = tamper(store, lambda: {path: change})
    if path == "soplib-store.json" and change is None:
        # No longer a soplib store at all: a one-line refusal naming the marker is a report too.
        result = sop(store, "audit", "verify", "--json")
        if result.code == 1 and not result.out.strip():
            assert_one_line_error(result, path)
            return
    assert_reported(store, [forged, path, *_record_names(path)])


# -- an integration onto a branch of the past --------------------------------------------------------------


def test_an_integration_onto_a_branch_of_the_past_cannot_drop_a_receipted_approval(
    store: Path, tmp_path: Path
) -> None:
    """The insider makes a copy of the store as it was before the review's approval, abandons the
    session there (a valid operation), and has the real store integrate with that copy (`sop sync`):
    main's own approval, its versions and every acknowledgement of them are "refused" and left out
    of main's files, each commit still in the history. Every commit replays; what tells the auditor
    that the approval was already in the record is the receipt they kept of an anchor."""
    receipt = tmp_path / "receipt.json"
    ok(sop(store, "audit", "anchor", "--by", CONTROLLER, "--out", str(receipt)))
    approval = last_commit(store, action="approve")
    past = tmp_path / "past"
    shutil.copytree(store, past, symlinks=True)
    git(past, "update-ref", "refs/heads/main", f"{approval}^1")
    kept = set(git(past, "rev-list", "main").split())
    for line in git(past, "for-each-ref", "--format=%(refname) %(objectname)", "refs/tags/").splitlines():
        name, sha = line.split()
        if sha not in kept:  # a tidy past: no tag of what it has not happened yet
            git(past, "update-ref", "-d", name)
    ok(sop(past, "review", "abandon", session_id(store), "--by", CONTROLLER))
    ok(sop(store, "remote", "add", "past", past.as_uri()))
    synced = ok(sop(store, "sync", "past", "--by", CONTROLLER))
    assert "refused" in synced.err and approval[:10] in synced.err, synced.where
    data = assert_reported(store, [approval], "--receipt", str(receipt))
    assert {f["kind"] for f in data["findings"]} == {"left-out"}, data["findings"]
    assert data["acknowledgements"] < 40, "the attack did not drop the approved versions' acknowledgements"


# -- a valid operation soplib once wrote, committed again ------------------------------------------------

# One commit of every kind whose records only grow: the first of its kind in the demo store, and
# whether committing its files again brings back older records (after the records moved on below).
# Commits that only added files still there unchanged restore nothing: they declare again what is
# done (a decision in a session now closed, an anchor that exists), which is reported too. Not
# here: the office's current settings (staff registry, profile), which an admin may set again.
REDO = {
    "init": True,
    "grant": True,
    "add": True,
    "update": True,
    "review-start": True,
    "review-outcome": False,
    "review-decide": False,
    "review-add": False,
    "review-keep-rest": False,
    "review-evaluate": False,
    "review-propose": False,
    "approve": True,
    "briefing": True,
    "attend": True,
    "ack": True,
    "anchor": False,
}


def _new_version(store: Path, tmp_path: Path, sop_id: str) -> None:
    text = ok(sop(store, "show", sop_id)).out
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    edited = tmp_path / f"{sop_id}.md"
    edited.write_text(text.replace(title, title + " (revisi)", 1), encoding="utf-8")
    ok(sop(store, "update", str(edited), "-m", "judul direvisi", "--by", CONTROLLER))


@pytest.mark.parametrize("action", REDO)
def test_a_past_operation_committed_again_cannot_bring_back_the_records_it_wrote(
    store: Path, tmp_path: Path, action: str
) -> None:
    """An operation soplib once wrote, with its files as it left them, committed again on the head.

    Replayed on the head, the operation must be refused (the session is closed, the
    anchor, briefing or SOP exists, the version it edited is superseded) or do
    something else than restore old records; either way the commit is reported.
    """
    # The records move on: the chain grows, SOP-01 (approved in the review) and SOP-04 get versions.
    ok(sop(store, "ack", PERSON, SOP5, "--by", CONTROLLER))
    _new_version(store, tmp_path, SOP1)
    _new_version(store, tmp_path, "KPU-NTB-SOP-04")
    old = next(c for c in commits(store) if f"\nSop-Action: {action}\n" in message_of(store, c))
    forged, restores = redo(store, old)
    assert restores is REDO[action], f"committing {action} {old[:10]} again: restores old records {restores}"
    data = assert_reported(store, [forged])
    # The replay itself refuses it (not only a tag it names again, or its date).
    kinds = {f["kind"] for f in data["findings"] if f["subject"] == forged}
    assert kinds & {"rule-broken", "commit-mismatch"}, data["findings"]
