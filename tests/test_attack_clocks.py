"""Attack: one writer with a wrong clock (issue 10, point 10).

Commit times come from the computer that wrote them. One writer's clock is set
back to 2001 (or forward to 2099) and records a perfectly well-formed
acknowledgement; the others keep writing with the right time. (`faketime` is not
available, so the wrong-clock commit is made with plumbing, exactly as soplib
would have written it on that computer: record, index, chain head, trailers and
the operation, so that verify's replay of it agrees and only its time is wrong.)
Walking back from the head to "the first commit at or before the cutoff" then
lands on the wrong-clock commit: `coverage --as-of 2001-06-30` counted
acknowledgements made in 2026, and `audit history --as-of` a date before the
store existed returned the head.

Expected defence: verify reports commit times that go backwards, and ones
later than the auditor's own clock (a finding naming the commit); `--as-of`
never includes a commit that history places after one already past the cutoff;
a date before the store's first commit says the store (or the SOP) did not
exist yet.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from attack_forge import (
    ack_hash,
    ack_records,
    dump,
    files,
    forge,
    git,
    head,
    last_commit,
    read,
)
from attack_kit import (
    assert_clean_exit,
    assert_one_line_error,
    assert_reported,
    assert_verified,
    ok,
    sop,
    sop_file,
    staff_file,
    verify,
)

A = "KPU-JAM-01"
BY = "ani.pratiwi"
P1, P2, P3 = "198001012005011001", "198202022006042002", "199003032015031003"
PAST = "2001-01-01T10:00:00Z"
FUTURE = "2099-01-01T10:00:00Z"


def stamp(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def day_of(store: Path, commit: str) -> str:
    return (
        datetime.fromtimestamp(int(git(store, "log", "-1", "--format=%ct", commit)), UTC).date().isoformat()
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store written with the right clock: A added (in force since 2000), five staff, P1 acknowledged A."""
    s = tmp_path / "store"
    ok(sop(s, "init"))
    ok(sop(s, "add", str(sop_file(tmp_path / "in", A)), "--effective-date", "2000-01-01", "--by", BY))
    ok(sop(s, "staff", "import", str(staff_file(tmp_path / "in")), "--by", BY))
    ok(sop(s, "ack", P1, A, "--by", BY))
    return s


def wrong_clock_ack(store: Path, staff: str, at: str) -> str:
    """The acknowledgement of ``staff`` exactly as soplib writes it, on a computer whose clock says ``at``."""
    segments = ack_records(store)
    (path,) = [p for p in segments if p.startswith(f"acks/{A}/")]
    last = segments[path][-1]
    record = [str(int(last[0]) + 1), staff, A, last[3], last[4], "read", BY, at, last[9], ""]
    record[9] = ack_hash(record)
    changes: dict[str, bytes | None] = {
        path: read(store, path) + ("\t".join(record) + "\n").encode(),
        path[:-4] + ".ids": read(store, path[:-4] + ".ids") + f"{staff}\n".encode(),
        "acks/chain.json": dump({"count": int(record[0]), "last": record[9]}),
    }
    # The operation as soplib records it (canonical JSON): verify replays it on the parent, as its
    # actor at its author time, and gets this very tree, so nothing but the clock is wrong here.
    op = {"content_sha256": last[4], "op": "ack", "sop": A, "staff": staff, "version": int(last[3])}
    canonical = json.dumps(op, sort_keys=True, separators=(",", ":"))
    message = (
        f"Acknowledge {A} by {staff}\n\nSop-Actor: {BY}\nSop-Action: ack\n"
        f"Sop-Op: {canonical}\nSop-Acks: {record[0]}-{record[0]}\n"
    )
    return forge(store, changes, like=last_commit(store, action="ack"), message=message, when=stamp(at))


def acknowledged(result_json: dict[str, object]) -> int:
    value = result_json["acknowledged"]
    assert isinstance(value, int)
    return value


def test_control_the_right_clock(store: Path) -> None:
    ok(sop(store, "ack", P2, A, "--by", BY))
    assert_verified(store)
    today = day_of(store, head(store))
    assert acknowledged(ok(sop(store, "coverage", A, "--as-of", today, "--json")).json()) == 2
    assert_one_line_error(sop(store, "audit", "history", A, "--as-of", "2001-06-30"), "2001-06-30")
    empty = ok(sop(store, "coverage", "--as-of", "2001-06-30", "--json")).json()
    assert acknowledged(empty) == 0


def only_clock_findings(data: dict[str, Any]) -> None:
    """The forgery is soplib's own commit but for its time: the clock is all verify can object to."""
    kinds = {f["kind"] for f in data["findings"]}
    assert kinds and all(k.startswith("clock") for k in kinds), data["findings"]


def test_a_commit_from_a_clock_set_back_is_reported(store: Path) -> None:
    forged = wrong_clock_ack(store, P2, PAST)
    ok(sop(store, "ack", P3, A, "--by", BY))  # the next writer's clock is right again
    after = head(store)
    only_clock_findings(assert_reported(store, [forged, after]))


def test_as_of_a_date_the_wrong_clock_claims_counts_nothing_made_later(store: Path) -> None:
    wrong_clock_ack(store, P2, PAST)
    ok(sop(store, "ack", P3, A, "--by", BY))
    result = sop(store, "coverage", A, "--as-of", "2001-06-30", "--json")
    assert_clean_exit(result)
    if result.code == 0:
        assert acknowledged(result.json()) == 0, f"counted acknowledgements made after 2001: {result.out}"


def test_audit_history_before_the_store_existed_says_so(store: Path) -> None:
    wrong_clock_ack(store, P2, PAST)
    result = sop(store, "audit", "history", A, "--as-of", "2001-06-30", "--json")
    assert_one_line_error(result, "2001-06-30")


def test_a_commit_from_a_clock_set_forward_is_reported(store: Path) -> None:
    forged = wrong_clock_ack(store, P2, FUTURE)
    ok(sop(store, "ack", P3, A, "--by", BY))  # written after the 2099 commit, with the right time
    only_clock_findings(assert_reported(store, [forged, head(store)]))


def test_a_clock_set_forward_at_the_head_is_reported(store: Path) -> None:
    """Nobody has written after the wrong-clock commit yet: no time goes backwards along the history,
    but a commit dated in 2099 cannot have been written before the auditor's own clock says now."""
    forged = wrong_clock_ack(store, P2, FUTURE)
    only_clock_findings(assert_reported(store, [forged]))


def test_a_clock_set_forward_hides_everything_after_it_from_as_of(store: Path) -> None:
    forged = wrong_clock_ack(store, P2, FUTURE)
    ok(sop(store, "ack", P3, A, "--by", BY))
    today = day_of(store, head(store))
    result = sop(store, "coverage", A, "--as-of", today, "--json")
    assert_clean_exit(result)
    if result.code == 0:
        # P2's record claims 2099; P3's comes after it in the history: as far as the record
        # can show, neither existed by the cutoff. Only P1 counts.
        assert acknowledged(result.json()) == 1, result.out
    history = sop(store, "audit", "history", A, "--as-of", today, "--json")
    assert_clean_exit(history)
    if history.code == 0:
        assert history.json()["as_of"]["commit"] not in (head(store), forged), history.out


def test_control_the_wrong_clock_acknowledgement_is_well_formed(store: Path) -> None:
    """Control for the forgery: the wrong-clock acknowledgement is what soplib writes (its operation
    replays to the same tree, the chain is intact); only its time is wrong."""
    forged = wrong_clock_ack(store, P2, PAST)
    assert "acks/chain.json" in files(store)
    data = verify(store)
    only_clock_findings(data)
    assert {f["subject"] for f in data["findings"]} == {forged}, data["findings"]
