"""Acknowledgement records on disk: hash-chained, partitioned by SOP version, in bounded segments.

Each record carries a global sequence number, the hash of the record before it
and its own hash (sha256 over its fields and that previous hash), so a record
edited, deleted or reordered behind soplib's back breaks the chain. On disk::

    acks/chain.json                      {"count": N, "last": "<hash of record N>"}
    acks/<SOP_ID>/v<N>/000001.tsv        one record per line, tab-separated:
        seq staff sop version content_sha256 how by at prev hash
    acks/<SOP_ID>/v<N>/000001.ids        its staff column (what coverage reads)

A commit writes its records as a new small segment per partition, or appends
them to the partition's last segment while that stays under
:data:`SEGMENT_MAX` records: no commit rewrites more than a bounded amount.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sop_store import Snapshot, Transaction
from soplib.errors import RecordError
from soplib.values import Value, utc_text

ACK_DIR = "acks"
CHAIN = "acks/chain.json"
GENESIS = "0" * 64
SEGMENT_MAX = 64
READ = "read"
FIELDS = ("seq", "staff", "sop", "version", "content_sha256", "how", "by", "at", "prev", "hash")
# A sequence number has at most 15 digits (parse_line); a head counting more was forged, not grown,
# and the records written after it would be ones no reader accepts. Room is left for a commit's records.
MAX_COUNT = 10**14
_HASH = re.compile(r"[0-9a-f]{64}")


def record_hash(
    seq: int, staff: str, sop: str, version: int, content: str, how: str, by: str, at: str, prev: str
) -> str:
    """sha256 over a record's fields and the previous record's hash."""
    text = "\t".join((str(seq), staff, sop, str(version), content, how, by, at, prev))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class AckRecord(Value):
    """One acknowledgement, as stored. ``how`` is ``read`` or the id of a briefing."""

    seq: int
    staff: str
    sop: str
    version: int
    content_sha256: str
    how: str
    by: str
    at: datetime
    prev: str
    hash: str

    def line(self) -> str:
        values = [str(getattr(self, f)) for f in FIELDS]
        values[7] = utc_text(self.at)
        return "\t".join(values) + "\n"

    @property
    def expected_hash(self) -> str:
        """The hash these fields and ``prev`` must have."""
        return record_hash(
            self.seq,
            self.staff,
            self.sop,
            self.version,
            self.content_sha256,
            self.how,
            self.by,
            utc_text(self.at),
            self.prev,
        )


def parse_line(line: str) -> AckRecord:
    """A record from one stored line; :class:`ValueError` if it is malformed."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != len(FIELDS):
        raise ValueError(f"{len(parts)} fields instead of {len(FIELDS)}")
    seq, staff, sop, version, content, how, by, at, prev, digest = parts
    if not (seq.isdigit() and version.isdigit() and len(seq) < 16 and len(version) < 8):
        raise ValueError("sequence or version is not a number")
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise ValueError("time without a zone")
    return AckRecord(int(seq), staff, sop, int(version), content, how, by, moment, prev, digest)


def partition(sop_id: str, version: int) -> str:
    return f"{ACK_DIR}/{sop_id}/v{version}"


def _segments(snap: Snapshot, sop_id: str, version: int) -> list[str]:
    return [n for n in snap.list(partition(sop_id, version)) if n.endswith(".tsv")]


def partition_blobs(snap: Snapshot, sop_id: str, version: int) -> Iterator[bytes]:
    """The raw segments of one partition, oldest first."""
    base = partition(sop_id, version)
    for name in _segments(snap, sop_id, version):
        yield snap.read(f"{base}/{name}")


# Staff ids of one segment index, by blob id (content-addressed: never stale).
_IDS: OrderedDict[str, frozenset[str]] = OrderedDict()


def partition_staff(snap: Snapshot, sop_id: str, version: int) -> set[str]:
    """Ids of everyone with a record for one SOP version.

    Reads the ``.ids`` index beside each segment (one staff id per line, ~20
    bytes a record instead of ~280): coverage reads every record of every
    current version, so this is its inner loop. Verification checks that each
    index matches its segment.
    """
    base = partition(sop_id, version)
    if isinstance(snap, Transaction):  # staged segments are not in a tree yet
        return {
            i
            for n in snap.list(base)
            if n.endswith(".ids")
            for i in snap.read(f"{base}/{n}").decode().split()
        }
    tree = snap.tree_id(base)
    if tree is None:
        return set()
    out: set[str] = set()
    repo = snap.repo
    for name, (_, blob) in repo.read_tree(tree).items():
        if name.endswith(".ids"):
            ids = _IDS.get(blob)
            if ids is None:
                ids = frozenset(repo.read_blob(blob).decode("utf-8", "replace").split())
                _IDS[blob] = ids
                if len(_IDS) > 100_000:
                    _IDS.popitem(last=False)
            out |= ids
    return out


def find_record(snap: Snapshot, sop_id: str, version: int, staff_id: str) -> AckRecord | None:
    """The record of ``staff_id`` for one SOP version, if any (parses only that line)."""
    if staff_id not in partition_staff(snap, sop_id, version):
        return None
    # Any first field, not only digits: a line the index lists but that is malformed is an error, not
    # "no record" (which would count the person as not having acknowledged, and record them again).
    needle = re.compile(rb"^[^\t\n]*\t" + re.escape(staff_id.encode()) + rb"\t.*$", re.MULTILINE)
    for blob in partition_blobs(snap, sop_id, version):
        match = needle.search(blob)
        if match:
            try:
                return parse_line(match.group().decode("utf-8", "replace"))
            except ValueError as exc:
                raise RecordError(partition(sop_id, version), exc) from None
    raise RecordError(
        partition(sop_id, version), "its index lists {staff}, its records do not", staff=staff_id
    )


def read_partition(snap: Snapshot, sop_id: str, version: int) -> list[AckRecord]:
    """Every record of one SOP version, in the order written."""
    out: list[AckRecord] = []
    for blob in partition_blobs(snap, sop_id, version):
        for line in blob.decode("utf-8", "replace").splitlines():
            if line:
                try:
                    out.append(parse_line(line))
                except ValueError as exc:
                    raise RecordError(partition(sop_id, version), exc) from None
    return out


def partitions(snap: Snapshot, sop_id: str | None = None) -> Iterator[tuple[str, int]]:
    """Every (SOP id, version) that has records (of one SOP if given)."""
    sops = [sop_id] if sop_id else [n for n in snap.list(ACK_DIR) if n != "chain.json"]
    for sop in sops:
        for folder in snap.list(f"{ACK_DIR}/{sop}"):
            if folder.startswith("v") and folder[1:].isdigit() and len(folder) < 9:
                yield sop, int(folder[1:])


@dataclass(frozen=True)
class NewAck:
    """An acknowledgement to record (the chain adds seq, time, hashes)."""

    staff: str
    sop: str
    version: int
    content_sha256: str
    how: str = READ


def read_head(snap: Snapshot) -> tuple[int, str]:
    """The chain head: (records so far, hash of the last)."""
    if not snap.exists(CHAIN):
        return 0, GENESIS
    raw = snap.read_json(CHAIN)
    # type(), not isinstance(): JSON true is a Python int, and would count as record 1.
    if not isinstance(raw, dict) or type(raw.get("count")) is not int or not isinstance(raw.get("last"), str):
        raise RecordError(CHAIN, "not an object with count and last")
    count, last = raw["count"], raw["last"]
    if not 0 <= count <= MAX_COUNT or not _HASH.fullmatch(last):
        raise RecordError(CHAIN, "count or hash out of range")
    return count, last


def stage_acks(tx: Transaction, acks: Sequence[NewAck]) -> list[AckRecord]:
    """Stage ``acks`` in ``tx``: chained after the current head, one segment write per partition.

    The caller has already checked the rules (current version, audience,
    duplicates); this only appends.
    """
    if not acks:
        return []
    count, prev = read_head(tx)
    at = utc_text(tx.at)
    records: list[AckRecord] = []
    for a in acks:
        count += 1
        digest = record_hash(count, a.staff, a.sop, a.version, a.content_sha256, a.how, tx.author, at, prev)
        records.append(
            AckRecord(
                count, a.staff, a.sop, a.version, a.content_sha256, a.how, tx.author, tx.at, prev, digest
            )
        )
        prev = digest
    by_partition: dict[tuple[str, int], list[AckRecord]] = {}
    for r in records:
        by_partition.setdefault((r.sop, r.version), []).append(r)
    for (sop_id, version), recs in by_partition.items():
        _append(tx, sop_id, version, recs)
    tx.write_json(CHAIN, {"count": count, "last": prev})
    tx.trailer("Sop-Acks", f"{records[0].seq}-{count}")
    return records


def _append(tx: Transaction, sop_id: str, version: int, records: list[AckRecord]) -> None:
    base = partition(sop_id, version)
    names = _segments(tx, sop_id, version)
    data = "".join(r.line() for r in records).encode()
    ids = "".join(f"{r.staff}\n" for r in records).encode()
    if names:
        last = f"{base}/{names[-1][:-4]}"
        old = tx.read(f"{last}.tsv")
        if old.count(b"\n") + len(records) <= SEGMENT_MAX:
            tx.write(f"{last}.tsv", old + data)
            tx.write(f"{last}.ids", tx.read(f"{last}.ids") + ids)
            return
    number = int(names[-1][:-4]) + 1 if names else 1
    tx.write(f"{base}/{number:06d}.tsv", data)
    tx.write(f"{base}/{number:06d}.ids", ids)


def iter_records(
    snap: Snapshot, *, sop_id: str | None = None, staff_id: str | None = None
) -> Iterator[AckRecord]:
    """Records (of one SOP and/or one person), partition by partition; sort by ``seq`` for the global
    order.
    """
    for sop, version in partitions(snap, sop_id):
        if staff_id is not None and staff_id not in partition_staff(snap, sop, version):
            continue
        for r in read_partition(snap, sop, version):
            if staff_id in (None, r.staff):
                yield r
