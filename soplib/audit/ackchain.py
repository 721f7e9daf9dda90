"""The acknowledgement hash chain, checked as it stands (no history needed).

Detects a record altered (its hash no longer matches), deleted (a gap in the
sequence, or fewer records than the head says), reordered or moved, a duplicate
sequence number, a head that does not match the last record, a record that
names other content than its SOP version, and a ``.ids`` index (what coverage
reads) that does not match its segment. The work is bounded by the records that
exist: a head claiming a trillion records is reported, not counted up to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sop_store import Snapshot
from soplib.documents.records import read_record
from soplib.errors import NotFoundError, SopError
from soplib.people.ackrecords import ACK_DIR, CHAIN, GENESIS, AckRecord, parse_line, read_head
from soplib.values import Value


@dataclass(frozen=True)
class ChainFinding(Value):
    """One problem found in the acknowledgement chain."""

    kind: str  # malformed, misplaced, altered, deleted, duplicate, reordered, head, index
    message: str
    seq: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class ChainReport(Value):
    """The result of :func:`verify_chain`."""

    records: int
    head_count: int
    findings: tuple[ChainFinding, ...]

    @property
    def is_intact(self) -> bool:
        return not self.findings


def _segments(snap: Snapshot) -> Iterator[tuple[str, str, int, bytes]]:
    for sop in snap.list(ACK_DIR):
        for folder in snap.list(f"{ACK_DIR}/{sop}"):
            if folder.startswith("v") and folder[1:].isdigit() and len(folder) < 9:
                for name in snap.list(f"{ACK_DIR}/{sop}/{folder}"):
                    if not name.endswith(".ids"):
                        path = f"{ACK_DIR}/{sop}/{folder}/{name}"
                        yield path, sop, int(folder[1:]), snap.read(path)


def _check_index(snap: Snapshot, path: str, blob: bytes) -> ChainFinding | None:
    index = path[:-4] + ".ids"
    staff = [line.split("\t", 2)[1] for line in blob.decode("utf-8", "replace").splitlines() if "\t" in line]
    if not snap.exists(index):
        return ChainFinding("index", f"{index} is missing", path=index)
    if snap.read(index).decode("utf-8", "replace").split() != staff:
        return ChainFinding("index", f"{index} does not match the records of {path}", path=index)
    return None


def verify_chain(snap: Snapshot) -> ChainReport:
    """Check every acknowledgement record against the chain; findings, never an exception."""
    findings: list[ChainFinding] = []
    by_seq: dict[int, AckRecord] = {}
    contents: dict[tuple[str, int], str | None] = {}
    for path, sop, version, blob in _segments(snap):
        if not path.endswith(".tsv"):
            findings.append(ChainFinding("malformed", f"{path} is not a record segment", path=path))
            continue
        if (problem := _check_index(snap, path, blob)) is not None:
            findings.append(problem)
        last_seq = 0
        for number, line in enumerate(blob.decode("utf-8", "replace").splitlines(), start=1):
            where = f"{path}:{number}"
            try:
                r = parse_line(line)
            except ValueError as exc:
                findings.append(ChainFinding("malformed", f"{where}: not a record ({exc})", path=path))
                continue
            if (r.sop, r.version) != (sop, version):
                findings.append(
                    ChainFinding(
                        "misplaced", f"{where}: record {r.seq} is for {r.sop} v{r.version}", r.seq, path
                    )
                )
            if r.seq <= last_seq:
                findings.append(
                    ChainFinding("reordered", f"{where}: record {r.seq} after {last_seq}", r.seq, path)
                )
            last_seq = max(last_seq, r.seq)
            if r.hash != r.expected_hash:
                findings.append(ChainFinding("altered", f"{where}: record {r.seq} was altered", r.seq, path))
            if (sop, version) not in contents:
                contents[(sop, version)] = _content_of(snap, sop, version)
            expected = contents[(sop, version)]
            if expected is not None and r.content_sha256 != expected:
                findings.append(
                    ChainFinding(
                        "altered",
                        f"{where}: record {r.seq} names other content than {sop} v{version}",
                        r.seq,
                        path,
                    )
                )
            if r.seq in by_seq:
                findings.append(
                    ChainFinding("duplicate", f"{where}: sequence number {r.seq} appears twice", r.seq, path)
                )
            by_seq[r.seq] = r
    try:
        count, last = read_head(snap)
    except SopError as exc:
        findings.append(ChainFinding("head", str(exc), path=CHAIN))
        count, last = -1, ""
    findings.extend(_check_links(by_seq, count, last))
    return ChainReport(len(by_seq), count, tuple(findings))


def _content_of(snap: Snapshot, sop: str, version: int) -> str | None:
    try:
        return read_record(snap, sop).version(version).content_sha256 or None
    except (NotFoundError, SopError):
        return None


def _check_links(by_seq: dict[int, AckRecord], count: int, last: str) -> Iterator[ChainFinding]:
    # Walk the records that exist, in order: the work is bounded by them, whatever the head claims.
    previous_seq, previous_hash = 0, GENESIS
    for seq in sorted(by_seq):
        r = by_seq[seq]
        if seq != previous_seq + 1:
            missing = seq - previous_seq - 1
            yield ChainFinding(
                "deleted", f"records {previous_seq + 1}-{seq - 1} are missing ({missing})", previous_seq + 1
            )
        elif r.prev != previous_hash:
            yield ChainFinding(
                "altered", f"record {seq} does not follow record {seq - 1} (chain broken)", seq
            )
        previous_seq, previous_hash = seq, r.hash
    if count > previous_seq:  # the head counts records that are gone: one finding, whatever the count
        missing = count - previous_seq
        yield ChainFinding(
            "deleted", f"records {previous_seq + 1}-{count} are missing ({missing})", previous_seq + 1
        )
    if count >= 0 and (count != previous_seq or (previous_seq and last != previous_hash)):
        yield ChainFinding(
            "head",
            f"{CHAIN} says {count} records ending {last[:12]}, the records end at {previous_seq}",
            path=CHAIN,
        )
