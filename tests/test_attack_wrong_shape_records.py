"""Attack: valid JSON of the wrong shape in a record, written by a soplib-looking commit (issue 10, point 6).

Each record soplib keeps is JSON (or a JSON line) with a schema: a review
session's header and its log entries, the staff registry, a briefing, the
acknowledgement chain head, an SOP's record. The attacker commits, with plumbing
and a message copied from a real soplib commit, a record that is still valid
JSON but not of its schema: an array instead of an object, a number where text
belongs, text where a number belongs, a list where an object belongs, a
missing field. Once, such a session header passed verify and then `coverage`,
`staff list`, `ack`, `review list` and `audit report` failed with internal
errors (one with a 19-line pydantic dump).

The forged commit is the strongest an insider can make without a key: a real
acknowledgement soplib just wrote, amended with plumbing so that its tree also
carries the reshaped record while its message and valid `Sop-Op` stay as they
were (`attack_forge.amend`).

Expected defence: verify reports the forged commit (its operation does not
account for the file) and, on its own, every record that does not match its
schema (a finding about the record, naming its path or id, not only the
commit); every command that reads the record fails with one line naming it
(exit 1, no traceback, no "internal error", no pydantic dump).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from attack_forge import (
    amend,
    briefing_id,
    demo_store,
    dump,
    files,
    read,
    read_json,
    session_id,
)
from attack_kit import (
    assert_one_line_error,
    assert_reported,
    assert_verified,
    finding_text,
    ok,
    sop,
)

SOP1 = "KPU-NTB-SOP-01"
PERSON = "199306102020121004"  # in the demo registry
# The demo store grants roles: every writer is registered staff. Its controller records
# acknowledgements for others; OTHER acknowledges KPU-NTB-SOP-05 in the commit the attack amends.
CONTROLLER, OTHER = "198107232008011004", "198812052014031003"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("shapes") / "demo")


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "store", symlinks=True))


@dataclass(frozen=True)
class Kind:
    """One kind of record: where it is, what reads it, what a message may call it."""

    path: Callable[[Path], str]
    readers: Callable[[Path], list[list[str]]]
    names: Callable[[Path], list[str]]
    registry: bool = False  # a JSON-lines file: the shape is changed on one line
    segment: bool = False  # an acknowledgement segment: the fields of PERSON's line are changed


def _session(store: Path) -> str:
    return f"reviews/{session_id(store)}/session.json"


def _log_entry(store: Path) -> str:
    return sorted(p for p in files(store) if p.startswith(f"reviews/{session_id(store)}/log/"))[1]


def _person_segment(store: Path) -> str:
    """The segment holding PERSON's acknowledgement of the version of SOP1 in force."""
    return next(
        p
        for p in sorted(files(store))
        if p.startswith(f"acks/{SOP1}/") and p.endswith(".tsv") and f"\t{PERSON}\t".encode() in read(store, p)
    )


def _report(store: Path) -> list[str]:
    return ["audit", "report", "--format", "json", "--force", "-o", str(store.parent / "report.json")]


KINDS: dict[str, Kind] = {
    "session header": Kind(
        _session,
        lambda s: [["review", "list"], ["review", "status", session_id(s)], _report(s)],
        lambda s: [session_id(s), "session.json"],
    ),
    "log entry": Kind(
        _log_entry,
        lambda s: [["review", "status", session_id(s)], ["review", "log", session_id(s)], _report(s)],
        lambda s: [session_id(s), _log_entry(s).rsplit("/", 1)[-1]],
    ),
    "staff registry": Kind(
        lambda s: "staff/registry.jsonl",
        lambda s: [["staff", "list"], ["coverage"], ["ack", PERSON, SOP1, "--by", CONTROLLER], _report(s)],
        lambda s: ["registry.jsonl", "staff registry"],
        registry=True,
    ),
    "briefing": Kind(
        lambda s: f"briefings/{briefing_id(s)}.json",
        lambda s: [["briefing", "list"], ["briefing", "show", briefing_id(s)]],
        lambda s: [briefing_id(s)],
    ),
    "chain head": Kind(
        lambda s: "acks/chain.json",
        lambda s: [["ack", PERSON, "KPU-NTB-SOP-05", "--by", CONTROLLER]],
        lambda s: ["chain.json"],
    ),
    "SOP record": Kind(
        lambda s: f"sops/{SOP1}.json",
        lambda s: [
            ["list"],
            ["show", SOP1],
            ["coverage"],
            ["ack", PERSON, SOP1, "--by", CONTROLLER],
            _report(s),
        ],
        lambda s: [SOP1],
    ),
    "acknowledgement record": Kind(
        lambda s: _person_segment(s),
        lambda s: [["pending", PERSON], ["ack", PERSON, SOP1, "--by", CONTROLLER]],
        lambda s: [_person_segment(s).rsplit("/", 1)[0]],
        segment=True,
    ),
    "office profile": Kind(
        lambda s: "office/profile.json",
        lambda s: [["office", "show"], ["due"], ["audit", "anchor", "--by", CONTROLLER], _report(s)],
        lambda s: ["profile.json", "office profile"],
    ),
    "grants": Kind(
        lambda s: "office/grants.json",
        lambda s: [["grants"], ["ack", PERSON, "KPU-NTB-SOP-05", "--by", CONTROLLER]],
        lambda s: ["grants.json"],
    ),
    "anchor": Kind(  # read by verify only
        lambda s: next(p for p in files(s) if p.startswith("audit/anchors/")),
        lambda s: [],
        lambda s: [next(p for p in files(s) if p.startswith("audit/anchors/"))[len("audit/anchors/") : -5]],
    ),
}

Shape = Callable[[Any], Any]


def _set(key: str, value: Any) -> Shape:
    def change(record: Any) -> Any:
        record[key] = value
        return record

    return change


def _drop(key: str) -> Shape:
    def change(record: Any) -> Any:
        del record[key]
        return record

    return change


def _first(key: str, inner: Shape) -> Shape:
    def change(record: Any) -> Any:
        record[key][0] = inner(record[key][0])
        return record

    return change


def _item(index: int, inner: Shape) -> Shape:
    def change(record: Any) -> Any:
        record[index] = inner(record[index])
        return record

    return change


SHAPES: dict[str, dict[str, Shape]] = {
    "session header": {
        "an array": lambda r: [r],
        "team as text": _set("team", CONTROLLER),
        "pinned versions as text": _set("pinned", {SOP1: "satu"}),
        "status a number": _set("status", 7),
        "no start time": _drop("started_at"),
    },
    "log entry": {
        "an array": lambda r: [r],
        "seq as text": _set("seq", "dua"),
        "type a number": _set("type", 5),
        "no type": _drop("type"),
    },
    "staff registry": {
        "an array": lambda r: [r],
        "id a number": _set("id", 5),
        "no name": _drop("name"),
        "active as text": _set("active", "ya"),
        "null": lambda r: None,
    },
    "briefing": {
        "an array": lambda r: [r],
        "attendees an object": _set("attendees", {}),
        "an attendee as text": _first("attendees", lambda a: "199306102020121004"),
        "the date a number": _set("date", 20260203),
        "sops as text": _set("sops", SOP1),
    },
    "chain head": {
        "an array": lambda r: [r["count"], r["last"]],
        "count as text": _set("count", "64"),
        "count true": _set("count", True),
        "count a fraction": _set("count", 63.5),
        "no last hash": _drop("last"),
    },
    "SOP record": {
        "an array": lambda r: [r],
        "versions an object": _set("versions", {}),
        "no versions": _set("versions", []),
        "a version number as text": _first("versions", _set("version", "1")),
        "meta a list": _first("versions", _set("meta", [])),
        "status a number": _set("status", 1),
    },
}

SHAPES["acknowledgement record"] = {  # the fields of one TSV line
    "a field missing": lambda r: r[:-1],
    "a field too many": lambda r: [*r, "x"],
    "seq as text": _item(0, lambda v: "satu"),
    "version as text": _item(3, lambda v: "dua"),
    "a time without zone": _item(7, lambda v: v.removesuffix("Z")),
    "a time that is no time": _item(7, lambda v: "kemarin"),
}
SHAPES["office profile"] = {
    "an array": lambda r: [r],
    "name a number": _set("name", 5),
    "time zone a list": _set("time_zone", ["Asia/Makassar"]),
    "an unknown time zone": _set("time_zone", "Asia/Atlantis"),
    "language a number": _set("language", 1),
    "signatures required as text": _set("signatures_required", "ya"),
}
SHAPES["grants"] = {
    "an object": lambda r: {"grants": r},
    "a role a number": _item(0, _set("role", 5)),
    "units as text": _item(0, _set("units", "Sekretariat")),
    "no staff": _item(0, _drop("staff")),
    "a grant as text": lambda r: [*r, "admin"],
}
SHAPES["anchor"] = {
    "an array": lambda r: [r],
    "head a number": _set("head", 5),
    "head not a commit id": _set("head", "x" * 40),
    "date a number": _set("date", 20261130),
    "no author": _drop("by"),
}

CASES = [(kind, shape) for kind, shapes in SHAPES.items() for shape in shapes]


def reshape(store: Path, kind: Kind, shape: Shape) -> bytes:
    path = kind.path(store)
    if kind.segment:
        rows = [line.split("\t") for line in read(store, path).decode().splitlines()]
        rows = [shape(r) if r[1] == PERSON else r for r in rows]
        return "".join("\t".join(r) + "\n" for r in rows).encode()
    if not kind.registry:
        return dump(shape(read_json(store, path)))
    lines = read(store, path).decode().splitlines()
    victim = next(i for i, line in enumerate(lines) if json.loads(line)["id"] == PERSON)
    lines[victim] = json.dumps(shape(json.loads(lines[victim])), sort_keys=True)
    return "".join(line + "\n" for line in lines).encode()


def test_control_every_reader_works_on_the_demo_store(store: Path) -> None:
    assert_verified(store)
    for kind in KINDS.values():
        for args in kind.readers(store):
            ok(sop(store, *args))


@pytest.mark.parametrize(("kind", "shape"), CASES, ids=[f"{k}: {s}" for k, s in CASES])
def test_a_record_of_the_wrong_shape_is_reported_and_named(store: Path, kind: str, shape: str) -> None:
    record = KINDS[kind]
    path = record.path(store)
    names = [path, *record.names(store)]
    readers = record.readers(store)
    ok(sop(store, "ack", OTHER, "KPU-NTB-SOP-05", "--by", CONTROLLER))
    forged = amend(store, {path: reshape(store, record, SHAPES[kind][shape])})
    data = assert_reported(store, [forged, *names])
    # The record itself is reported, not only the commit that wrote it.
    about_record = [finding_text(f) for f in data["findings"] if f["subject"] != forged]
    assert any(n in t for t in about_record for n in names), (names, data["findings"])
    for args in readers:
        result = sop(store, *args)
        assert_one_line_error(result, *names)
