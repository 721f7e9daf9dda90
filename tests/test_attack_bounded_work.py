"""Attack: make soplib's work depend on a number or a structure the attacker chose (issue 10, points 4-5).

Two kinds. (1) A soplib-looking commit sets a record field that drives a loop
or an allocation to a huge value: the acknowledgement chain head's count (one
commit once set it to 10**12 and verify ran out of memory instead of reporting
it), a record's sequence number, an SOP version number, a review log sequence
number, an acknowledgement segment number, an anchor number, a review interval
of 10**12 months. (2) A document handed to `sop add` / `sop update` whose YAML
front matter expands far beyond its bytes (a 1 MB anchor repeated 300 times, the
"billion laughs"), holds integers with thousands of digits, repeats a key, or
uses `<<` merge keys.

Expected defence: work is bounded by the repository's (and the input's) real
size. Every command runs here under a 1 GiB address-space limit
(`RLIMIT_AS`) and a time limit, and must finish: verify with exit 1 and a
finding naming the record or the commit, the other commands with their answer
or one clean line. A hostile document is refused with one line (exit 1, no
traceback, no "internal error") and nothing is written to the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from attack_forge import (
    ack_hash,
    ack_records,
    demo_store,
    dump,
    files,
    forge,
    git,
    head,
    last_commit,
    make_commit,
    read,
    read_json,
    session_id,
)
from attack_kit import (
    GiB,
    Sop,
    assert_clean_exit,
    assert_one_line_error,
    assert_verified,
    limits,
    ok,
    sop,
    sop_file,
)

BOUNDED = limits(address_space=GiB)
TIME_LIMIT = 60
SOP1, SOP4 = "KPU-NTB-SOP-01", "KPU-NTB-SOP-04"
HUGE = 10**12
# The demo store grants roles, so its writers are registered staff: its controller records
# acknowledgements for others and anchors (an unregistered name would be refused before any
# record is read, and prove nothing about bounded work).
CONTROLLER = "198107232008011004"


def bounded(store: Path, *args: str) -> Sop:
    """``sop ARGS`` under 1 GiB of address space and a time limit; a clean exit either way."""
    result = sop(store, *args, preexec=BOUNDED, timeout=TIME_LIMIT)
    assert_clean_exit(result)
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_store(tmp_path_factory.mktemp("bounded") / "demo")


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "store"
    shutil.copytree(template, target, symlinks=True)
    return target


def test_control_the_demo_store_verifies_within_the_limits(store: Path, tmp_path: Path) -> None:
    """The limits themselves are ample: every command below succeeds under them on the real store."""
    assert_verified(store)
    result = bounded(store, "audit", "verify", "--json")
    assert result.code == 0 and json.loads(result.out)["ok"], result.where
    for args in [*READERS, *WRITERS]:
        assert bounded(store, *[a.format(out=tmp_path) for a in args]).code == 0


# -- (1) records whose numbers drive loops --------------------------------------------------------


def _ack_like(store: Path) -> str:
    return last_commit(store, action="ack")


def chain_count(value: object) -> Callable[[Path], tuple[dict[str, bytes | None], list[str]]]:
    def attack(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
        head = read_json(store, "acks/chain.json")
        text = (
            value if isinstance(value, bytes) else json.dumps({"count": value, "last": head["last"]}).encode()
        )
        return {"acks/chain.json": text}, ["acks/chain.json"]

    return attack


def record_with_a_huge_sequence_number(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
    segments = ack_records(store)
    path = next(p for p in segments if p.startswith(f"acks/{SOP1}/"))
    last = max((r for recs in segments.values() for r in recs), key=lambda r: int(r[0]))
    record = list(last)
    record[0], record[1], record[8] = str(HUGE), "199306102020121004", last[9]
    record[2], record[3], record[4] = SOP1, segments[path][0][3], segments[path][0][4]
    record[9] = ack_hash(record)
    data = read(store, path) + ("\t".join(record) + "\n").encode()
    ids = read(store, path[:-4] + ".ids") + f"{record[1]}\n".encode()
    changes: dict[str, bytes | None] = {
        path: data,
        path[:-4] + ".ids": ids,
        "acks/chain.json": dump({"count": HUGE, "last": record[9]}),
    }
    return changes, [path, "acks/chain.json", f"ack {HUGE}"]


def huge_segment_number(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
    path = next(p for p in files(store) if p.startswith(f"acks/{SOP1}/") and p.endswith(".tsv"))
    renamed = path.rsplit("/", 1)[0] + f"/{HUGE:06d}"
    return {
        path: None,
        path[:-4] + ".ids": None,
        renamed + ".tsv": read(store, path),
        renamed + ".ids": read(store, path[:-4] + ".ids"),
    }, [renamed + ".tsv", renamed + ".ids", path]


def huge_version_number(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
    path = f"sops/{SOP4}.json"
    record = read_json(store, path)
    record["versions"][-1]["version"] = HUGE
    return {path: dump(record)}, [path, SOP4]


def huge_review_interval(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
    path = f"sops/{SOP4}.json"
    record = read_json(store, path)
    record["versions"][-1]["meta"]["front"]["review_interval_months"] = HUGE
    return {path: dump(record)}, [path, SOP4]


def huge_log_sequence(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
    sid = session_id(store)
    log = sorted(p for p in files(store) if p.startswith(f"reviews/{sid}/log/"))
    entry = read_json(store, log[-1])
    entry["seq"] = HUGE
    return {log[-1]: dump(entry)}, [log[-1], sid]


def huge_anchor_number(store: Path) -> tuple[dict[str, bytes | None], list[str]]:
    path = next(p for p in files(store) if p.startswith("audit/anchors/"))
    record = read_json(store, path)
    record["number"] = HUGE
    renamed = f"audit/anchors/{HUGE:06d}.json"
    return {path: None, renamed: dump(record)}, [path, renamed]


LOOPS = {
    "chain head count 10**12": chain_count(HUGE),
    "chain head count 10**15": chain_count(10**15),
    "chain head count with 4000 digits": chain_count(10**4000),
    "chain head count with 5000 digits": chain_count(b'{"count": ' + b"9" * 5000 + b', "last": "00"}\n'),
    "chain head count -10**12": chain_count(-HUGE),
    "an acknowledgement numbered 10**12": record_with_a_huge_sequence_number,
    "an acknowledgement segment numbered 10**12": huge_segment_number,
    "an SOP version numbered 10**12": huge_version_number,
    "a review interval of 10**12 months": huge_review_interval,
    "a review log entry numbered 10**12": huge_log_sequence,
    "an anchor numbered 10**12": huge_anchor_number,
}

# Commands that read what the attacks above change; each must finish within the limits.
READERS = [
    ["coverage", "--json"],
    ["list", "--json"],
    ["show", SOP4, "--json"],
    ["history", SOP4, "--json"],
    ["audit", "history", SOP4, "--json"],
    ["due", "--json"],
    ["pending", "199306102020121004", "--json"],
    ["review", "list", "--json"],
    ["audit", "report", "--format", "json", "-o", "{out}/report.json"],
]
WRITERS = [
    ["ack", "199306102020121004", SOP1, "--by", CONTROLLER],
    ["ack", "199306102020121004", "KPU-NTB-SOP-05", "--by", CONTROLLER],
    ["audit", "anchor", "--by", CONTROLLER],
]


@pytest.mark.parametrize("attack", LOOPS)
def test_a_huge_number_in_a_record_is_reported_within_bounded_time_and_memory(
    store: Path, tmp_path: Path, attack: str
) -> None:
    changes, names = LOOPS[attack](store)
    forged = forge(store, changes, like=_ack_like(store))
    result = bounded(store, "audit", "verify", "--json")
    assert result.code == 1, f"the attack went unnoticed or verify failed: {result.where}"
    found = json.loads(result.out)["findings"]
    texts = [f"{f['kind']} {f['subject']} {f['message']}" for f in found]
    wanted = [forged, forged[:10], *names]
    assert any(n in t for t in texts for n in wanted), (wanted, texts[:20])
    assert len(found) < 10_000, f"{len(found)} findings: verify's output grew with the forged number"
    for args in [*READERS, *WRITERS]:
        bounded(store, *[a.format(out=tmp_path) for a in args])
    # A writer that went ahead wrote on the forged state: verify replays it there, still bounded,
    # and what the writer wrote is a record soplib's own reader accepts (the forged one may not be).
    again = bounded(store, "audit", "verify", "--json")
    later = json.loads(again.out)["findings"]
    assert again.code == 1 and len(later) < 10_000, again.where
    written = [f for f in later if f["kind"] == "ack-malformed" and f not in found]
    assert not written, f"a writer wrote records no reader accepts: {written[:3]}"


# -- (1b) operations whose numbers drive loops ---------------------------------------------------------
# Every commit carries its operation (`Sop-Op`), and verify applies it again: the operation is a
# record too. A commit on the head, by the controller, declaring an operation of valid shape whose
# numbers (versions, a retracted entry, how many answers) are absurd.

ANSWERS = {f"q{i}": True for i in range(100_000)}
ACK = {"op": "ack", "staff": "199306102020121004", "sop": "KPU-NTB-SOP-05", "content_sha256": "0" * 64}
OPEN = "the open session"  # replaced by the id of a session the test starts
HOSTILE_OPS: dict[str, dict[str, Any]] = {
    "a session pinning version 10**12": {
        "op": "review-start",
        "id": "R-20261130-AAAA",
        "pinned": {SOP1: HUGE},
        "team": [{"id": CONTROLLER, "role": "chair"}],
        "ref": "BA 1/2026",
        "title": "Evaluasi",
    },
    "an acknowledgement of version 10**12": {**ACK, "version": HUGE},
    "an acknowledgement of a version with 4000 digits": {**ACK, "version": 10**4000},
    "an acknowledgement of version -5": {**ACK, "version": -5},
    "an update from base 10**12": {
        "op": "update",
        "sop": SOP1,
        "blob": "0" * 40,
        "base": HUGE,
        "message": "m",
    },
    "a retraction of entry 10**4000": {
        "op": "review-retract",
        "session": OPEN,
        "target": 10**4000,
        "reason": "r",
    },
    "an evaluation with 100000 answers": {
        "op": "review-evaluate",
        "session": OPEN,
        "sop": SOP4,
        "answers": ANSWERS,
        "notes": {},
    },
}


@pytest.mark.parametrize("attack", HOSTILE_OPS)
def test_a_huge_number_in_an_operation_is_reported_within_bounded_time_and_memory(
    store: Path, attack: str
) -> None:
    team = f"{CONTROLLER}:chair"
    started = ok(
        sop(store, "review", "start", SOP4, "--team", team, "--ref", "BA 2/2026", "--by", CONTROLLER)
    )
    session = next(w for w in started.out.split() if w.startswith("R-"))
    op = {k: (session if v == OPEN else v) for k, v in HOSTILE_OPS[attack].items()}
    payload = json.dumps(op, sort_keys=True, separators=(",", ":"))
    message = f"Forged\n\nSop-Actor: {CONTROLLER}\nSop-Action: {op['op']}\nSop-Op: {payload}\n"
    top = head(store)
    tree = git(store, "rev-parse", f"{top}^{{tree}}")
    forged = make_commit(store, tree, [top], message, author=(CONTROLLER, f"{CONTROLLER}@sop.invalid"))
    git(store, "update-ref", "refs/heads/main", forged, top)
    result = bounded(store, "audit", "verify", "--json")
    assert result.code == 1, f"the attack went unnoticed or verify failed: {result.where}"
    found = json.loads(result.out)["findings"]
    assert any(f["subject"] == forged for f in found), found[:20]
    assert len(result.out) < 100_000, "verify's output grew with the forged numbers"


# -- (2) hostile documents -------------------------------------------------------------------------------

BIG = "a" * (1 << 20)


def _doc(front: str, doc_id: str) -> bytes:
    return f"---\nid: {doc_id}\ntitle: Judul\n{front}---\n# Prosedur\n\n1. Langkah pertama.\n".encode()


DOCUMENTS: dict[str, str] = {
    "a 1 MB anchor repeated 300 times": f"records: [&x {BIG}]\nlegal_basis: ["
    + ", ".join(["*x"] * 300)
    + "]\n",
    "a 1 MB anchor as the title, aliased in every list": (
        f"unit: &u {BIG}\nlegal_basis: [{', '.join(['*u'] * 100)}]\nrecords: [{', '.join(['*u'] * 100)}]\n"
    ),
    "billion laughs": (
        "legal_basis: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))
    ),
    "billion laughs in a known field": (
        "records: [&a0 [x, x, x, x, x, x, x, x, x, x], "
        + ", ".join(f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10))
        + "]\n"
    ),
    "an integer with 5000 digits": f"review_interval_months: {'1' * 5000}\n",
    "an integer with 100000 digits": f"review_interval_months: {'7' * 100000}\n",
    "an integer with 20000 digits in a list of text": f"legal_basis: [{'3' * 20000}]\n",
    "an integer with 20000 digits in the audience": f"audience: {{units: [{'3' * 20000}]}}\n",
    "a float beyond range": "review_interval_months: 1e400\n",
    "a duplicate key": "unit: Sekretariat\nunit: Subbagian Keuangan\n",
    "a duplicate nested key": "audience: {units: [Sekretariat], units: [Keuangan]}\n",
    "a merge key": "unit: Sekretariat\n<<: {records: [Buku register]}\n",
    "a merge key inside a field": "audience: {<<: {units: [Sekretariat]}, positions: []}\n",
    "a merge key from an anchor": "legal_basis: [&u Sekretariat]\naudience: {<<: {units: [*u]}}\n",
}


def _refs(store: Path) -> str:
    return git(store, "for-each-ref", "--format=%(refname) %(objectname)") + git(store, "rev-parse", "main")


@pytest.fixture(scope="module")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("small")
    ok(sop(root / "store", "init"))
    ok(sop(root / "store", "add", str(sop_file(root / "in", "KPU-YML-01")), "--by", "ani.pratiwi"))
    return root / "store"


@pytest.fixture
def small(small_template: Path, tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(small_template, tmp_path / "store", symlinks=True))


@pytest.mark.parametrize("command", ["add", "update"])
@pytest.mark.parametrize("doc", DOCUMENTS)
def test_a_hostile_front_matter_is_one_line_and_writes_nothing(
    small: Path, tmp_path: Path, doc: str, command: str
) -> None:
    doc_id = "KPU-YML-02" if command == "add" else "KPU-YML-01"
    source = tmp_path / "hostile.md"
    source.write_bytes(_doc(DOCUMENTS[doc], doc_id))
    before = _refs(small)
    args = ["add", str(source)] if command == "add" else ["update", str(source), "-m", "x", "--base", "1"]
    result = sop(small, *args, "--by", "ani.pratiwi", preexec=BOUNDED, timeout=TIME_LIMIT)
    assert_one_line_error(result, "hostile.md")
    assert len(result.err) < 2000, "the message repeats the hostile value"
    assert _refs(small) == before, "a refused document changed the store"


# Front matter is read as text (`title: 2024` is the title "2024"); numbers are made from text only
# where a field wants one, range-checked. So digits where text belongs are text: kept as written,
# read back, printed and verified like any other text, within the limits.
DIGITS_AS_TEXT = {
    "legal basis": f"legal_basis: [{'3' * 5000}]\n",
    "audience unit": f"audience: {{units: [{'3' * 5000}]}}\n",
}


@pytest.mark.parametrize("where", DIGITS_AS_TEXT)
def test_digits_where_text_belongs_stay_text_within_bounded_work(
    small: Path, tmp_path: Path, where: str
) -> None:
    source = tmp_path / "digits.md"
    source.write_bytes(_doc(DIGITS_AS_TEXT[where], "KPU-YML-02"))
    ok(sop(small, "add", str(source), "--by", "ani.pratiwi", preexec=BOUNDED, timeout=TIME_LIMIT))
    shown = json.loads(ok(bounded(small, "show", "KPU-YML-02", "--json")).out)
    assert "3" * 5000 in json.dumps(shown), "the digits were not kept as written"
    for args in (["list", "--json"], ["print", "KPU-YML-02", "-o", str(tmp_path / "p.html")], ["due"]):
        ok(bounded(small, *args))
    assert_verified(small)
