"""Acknowledgements: who confirmed having read and understood which SOP version.

Records are append-only and hash-chained. Each record carries a global
sequence number, the hash of the record before it and its own hash (sha256
over its fields and that previous hash), so editing, deleting or reordering a
record behind the library's back is detected by :func:`verify_chain`.

On disk, records are partitioned by SOP and version::

    acks/chain.json                      {"count": N, "last": "<hash of record N>"}
    acks/<SOP_ID>/v<N>/000001.tsv        one record per line, tab-separated:
        seq staff sop version content_sha256 how by at prev hash
    acks/<SOP_ID>/v<N>/000001.ids        its staff column (what coverage reads)

A commit writes its records as a new small segment per partition, or appends
them to the partition's last segment while that stays under
:data:`SEGMENT_MAX` records. So no commit rewrites more than a bounded amount,
whatever the number of records, and a partition never holds many files.

Acknowledgements of one version also count for the next when its body is the
same text (whitespace-only edits) or its approver marked it editorial; this
carries over across several versions (:func:`counted_versions`).

    >>> acknowledge(store, "198001012005011001", "KPU-NTB-SOP-01", by="ani")
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sop_store
from sop_store import Snapshot, Transaction, validate_doc_id, validate_name
from soplib.errors import NotFoundError, RefusedError, StoreError
from soplib.staff import StaffMember, read_registry

if TYPE_CHECKING:
    from soplib.store import Store

ACK_DIR = "acks"
CHAIN = "acks/chain.json"
GENESIS = "0" * 64
# A partition's last segment is rewritten with new records only while it holds
# fewer than this many: the bound on what one commit rewrites.
SEGMENT_MAX = 64
READ = "read"
FIELDS = ("seq", "staff", "sop", "version", "content_sha256", "how", "by", "at", "prev", "hash")


@dataclass(frozen=True)
class AckRecord:
    """One acknowledgement, as stored."""

    seq: int
    staff: str
    sop: str
    version: int
    content_sha256: str
    how: str  # "read" or the id of a briefing
    by: str
    at: str
    prev: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in FIELDS}

    def line(self) -> str:
        return "\t".join(str(getattr(self, f)) for f in FIELDS) + "\n"

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
            self.at,
            self.prev,
        )


def record_hash(
    seq: int, staff: str, sop: str, version: int, content: str, how: str, by: str, at: str, prev: str
) -> str:
    """sha256 over a record's fields and the previous record's hash."""
    text = "\t".join((str(seq), staff, sop, str(version), content, how, by, at, prev))
    return hashlib.sha256(text.encode()).hexdigest()


def parse_line(line: str) -> AckRecord:
    """A record from one stored line; :class:`ValueError` if it is malformed."""
    parts = line.rstrip("\n").split("\t")
    if len(parts) != len(FIELDS):
        raise ValueError(f"{len(parts)} fields instead of {len(FIELDS)}")
    seq, staff, sop, version, content, how, by, at, prev, digest = parts
    return AckRecord(int(seq), staff, sop, int(version), content, how, by, at, prev, digest)


@dataclass(frozen=True)
class CarryOver:
    """Acknowledgements of ``source`` count for ``target`` (the next version), and why."""

    source: int
    target: int
    reason: str  # "same text" or "editorial: <reason>"

    def to_json(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "reason": self.reason}


def describe_chain(chain: Iterable[CarryOver]) -> str:
    """``v2->v3 same text; v1->v2 editorial: typo`` (``""`` for no carry-over)."""
    return "; ".join(f"v{c.source}->v{c.target} {c.reason}" for c in chain)


def carry_reason(info: sop_store.DocInfo, version: int) -> str | None:
    """Why acknowledgements of ``version - 1`` count for ``version``, or None."""
    if version <= 1:
        return None
    meta, prev = info.version(version).meta, info.version(version - 1).meta
    editorial = meta.get("editorial")
    if isinstance(editorial, dict) and editorial.get("reason"):
        return f"editorial: {editorial['reason']}"
    body = meta.get("body_sha256")
    if body and body == prev.get("body_sha256"):
        return "same text"
    return None


def counted_versions(info: sop_store.DocInfo, version: int | None = None) -> list[CarryOver]:
    """The chain of carry-overs into ``version`` (default: the latest), newest first.

    ``[]`` means only acknowledgements of that version itself count.
    """
    number = info.latest.version if version is None else version
    chain = []
    while (reason := carry_reason(info, number)) is not None:
        chain.append(CarryOver(number - 1, number, reason))
        number -= 1
    return chain


def partition(sop_id: str, version: int) -> str:
    return f"{ACK_DIR}/{sop_id}/v{version}"


def _segments(snap: Snapshot, sop_id: str, version: int) -> list[str]:
    return [n for n in snap.list(partition(sop_id, version)) if n.endswith(".tsv")]


def partition_blobs(snap: Snapshot, sop_id: str, version: int) -> Iterator[bytes]:
    """The raw segments of one partition, oldest first."""
    base = partition(sop_id, version)
    for name in _segments(snap, sop_id, version):
        yield snap.read(f"{base}/{name}")


def partition_staff(snap: Snapshot, sop_id: str, version: int) -> set[str]:
    """Ids of everyone with a record for one SOP version.

    Reads the ``.ids`` index beside each segment (one staff id per line, ~20
    bytes a record instead of ~280): coverage reads every record of every
    current version, so this is its inner loop. :func:`verify_chain` checks
    that each index matches its segment.
    """
    base = partition(sop_id, version)
    out: set[str] = set()
    for name in _segments(snap, sop_id, version):
        out.update(snap.read(f"{base}/{name[:-4]}.ids").decode().split())
    return out


def find_record(snap: Snapshot, sop_id: str, version: int, staff_id: str) -> AckRecord | None:
    """The record of ``staff_id`` for one SOP version, if any (parses only that line)."""
    needle = re.compile(rb"^[0-9]+\t" + re.escape(staff_id.encode()) + rb"\t.*$", re.MULTILINE)
    for blob in partition_blobs(snap, sop_id, version):
        match = needle.search(blob)
        if match:
            return parse_line(match.group().decode())
    return None


def read_partition(snap: Snapshot, sop_id: str, version: int) -> list[AckRecord]:
    """Every record of one SOP version, in the order written."""
    out: list[AckRecord] = []
    for blob in partition_blobs(snap, sop_id, version):
        out.extend(parse_line(line) for line in blob.decode().splitlines() if line)
    return out


@dataclass(frozen=True)
class NewAck:
    """An acknowledgement to record (the library adds seq, time, hashes)."""

    staff: str
    sop: str
    version: int
    content_sha256: str
    how: str = READ


def stage_acks(tx: Transaction, acks: Sequence[NewAck]) -> list[AckRecord]:
    """Stage ``acks`` in ``tx``: chained after the current head, one segment write per partition.

    The caller has already checked the rules (current version, audience,
    duplicates); this only appends.
    """
    if not acks:
        return []
    head = read_head(tx)
    count, prev = head["count"], head["last"]
    records: list[AckRecord] = []
    for a in acks:
        count += 1
        digest = record_hash(
            count, a.staff, a.sop, a.version, a.content_sha256, a.how, tx.by, tx.now_iso, prev
        )
        records.append(
            AckRecord(
                count, a.staff, a.sop, a.version, a.content_sha256, a.how, tx.by, tx.now_iso, prev, digest
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


def read_head(snap: Snapshot) -> dict[str, Any]:
    """The chain head: ``{"count": records so far, "last": hash of the last}``."""
    if not snap.exists(CHAIN):
        return {"count": 0, "last": GENESIS}
    raw = snap.read_json(CHAIN)
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("count"), int)
        or not isinstance(raw.get("last"), str)
    ):
        raise StoreError(f"{CHAIN} is damaged; run `sop audit verify`")
    return raw


# -- the rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class AckOutcome:
    """The answer to one acknowledgement: the new record, or the one already there."""

    staff: StaffMember
    sop: str
    version: int
    record: AckRecord
    created: bool
    carried: tuple[CarryOver, ...] = ()  # how an earlier record counts for ``version``

    @property
    def reason(self) -> str | None:
        """Why an earlier version's record counts (None if it is this version's)."""
        return describe_chain(self.carried) or None

    def to_json(self) -> dict[str, Any]:
        return {
            "staff": self.staff.to_json(),
            "sop": self.sop,
            "version": self.version,
            "created": self.created,
            "record": self.record.to_json(),
            "carried_over": [c.to_json() for c in self.carried],
        }


@dataclass(frozen=True)
class Target:
    """A version that can be acknowledged now, with what counts for it."""

    sop: str
    version: int
    content_sha256: str
    audience: dict[str, Any]
    chain: tuple[CarryOver, ...]
    title: str = ""

    def includes(self, person: StaffMember) -> bool:
        return self.includes_group(person.unit, person.position)

    def includes_group(self, unit: str, position: str) -> bool:
        """True if people of ``unit`` and ``position`` are in the audience (empty lists: anyone)."""
        units, positions = self.audience.get("units") or [], self.audience.get("positions") or []
        return (not units or unit in units) and (not positions or position in positions)

    @property
    def versions(self) -> list[int]:
        """This version and every earlier one whose records count for it, newest first."""
        return [self.version, *(c.source for c in self.chain)]


def target_of(info: sop_store.DocInfo, version: int | None = None) -> Target:
    """A version (default: the current one) of an SOP as an acknowledgement target (from its stored meta).

    An earlier ``version`` is what coverage on a past date measures: the version
    in force then, with the carry-overs into it.
    """
    record = info.latest if version is None else info.version(version)
    meta = record.meta
    front = meta.get("front") or {}
    return Target(
        info.doc_id,
        record.version,
        str(meta.get("content_sha256", "")),
        front.get("audience") or {},
        tuple(counted_versions(info, record.version)),
        str(front.get("title", "")),
    )


def current_target(snap: Snapshot, sop_id: str, version: int | None = None) -> Target:
    """The current version of an active SOP; refuses an old or withdrawn one."""
    validate_doc_id(sop_id)
    info = sop_store.doc_info(snap, sop_id)
    latest = info.latest.version
    if version is not None:
        info.version(version)  # NotFoundError for a version that never existed
    if not info.is_active:
        raise RefusedError(f"{sop_id} was withdrawn; a withdrawn SOP cannot be acknowledged")
    if version is not None and version != latest:
        raise RefusedError(
            f"{sop_id} v{version} is superseded by v{latest}; only the current version can be acknowledged"
        )
    return target_of(info)


def check_person(registry: dict[str, StaffMember], staff_id: str) -> StaffMember:
    """The active person ``staff_id``; refuses an unknown or inactive one."""
    validate_name(staff_id, what="staff id")
    person = registry.get(staff_id)
    if person is None:
        raise NotFoundError(f"no staff {staff_id} in the registry; import them with `sop staff import`")
    if not person.active:
        raise RefusedError(f"staff {staff_id} ({person.name}) is inactive; inactive staff cannot acknowledge")
    return person


def check_audience(target: Target, person: StaffMember) -> None:
    if not target.includes(person):
        raise RefusedError(
            f"{target.sop} does not apply to {person.id} ({person.name}, {person.position}, {person.unit}); "
            "its audience is " + describe_audience(target.audience)
        )


def describe_audience(audience: dict[str, Any]) -> str:
    """``units: A, B; positions: C`` or ``everyone``."""
    parts = [f"{k}: {', '.join(audience[k])}" for k in ("units", "positions") if audience.get(k)]
    return "; ".join(parts) or "everyone"


def find_existing(snap: Snapshot, target: Target, person: StaffMember) -> AckOutcome | None:
    """The record that already counts for ``person`` on ``target``, if any."""
    for i, version in enumerate(target.versions):
        record = find_record(snap, target.sop, version, person.id)
        if record is not None:
            return AckOutcome(person, target.sop, target.version, record, False, target.chain[:i])
    return None


def acknowledge(
    store: Store, staff_id: str, sop_id: str, *, by: str, version: int | None = None
) -> AckOutcome:
    """Record that ``staff_id`` read the current version of ``sop_id`` (one commit).

    ``version``, if given, must be the current one. Acknowledging again is
    harmless: nothing is written and the outcome has ``created=False`` with the
    record already there (perhaps of an earlier version that carries over).
    """
    with store.transaction(by=by, subject=f"Acknowledge {sop_id} by {staff_id}") as tx:
        tx.trailer("Sop-Action", "ack")
        person = check_person(read_registry(tx), staff_id)
        target = current_target(tx, sop_id, version)
        check_audience(target, person)
        existing = find_existing(tx, target, person)
        if existing is not None:
            return existing
        (record,) = stage_acks(tx, [NewAck(staff_id, sop_id, target.version, target.content_sha256)])
    return AckOutcome(person, sop_id, target.version, record, True)


def list_acks(
    store: Store, *, sop_id: str | None = None, staff_id: str | None = None, snapshot: Snapshot | None = None
) -> list[AckRecord]:
    """Every record (of one SOP and/or one person if given), in sequence order."""
    snap = snapshot or store.snapshot()
    sops = [validate_doc_id(sop_id)] if sop_id else [n for n in snap.list(ACK_DIR) if n != "chain.json"]
    out: list[AckRecord] = []
    for sop in sops:
        for folder in snap.list(f"{ACK_DIR}/{sop}"):
            if folder.startswith("v") and folder[1:].isdigit():
                out.extend(
                    r for r in read_partition(snap, sop, int(folder[1:])) if staff_id in (None, r.staff)
                )
    return sorted(out, key=lambda r: r.seq)


# -- verification ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainFinding:
    """One problem found in the acknowledgement chain."""

    kind: str  # malformed, misplaced, altered, deleted, duplicate, reordered, head, index
    message: str
    seq: int | None = None
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "path": self.path, "message": self.message}


@dataclass(frozen=True)
class ChainReport:
    """The result of :func:`verify_chain`."""

    records: int
    head_count: int
    head_last: str
    findings: tuple[ChainFinding, ...]

    @property
    def is_intact(self) -> bool:
        return not self.findings

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "head": {"count": self.head_count, "last": self.head_last},
            "intact": self.is_intact,
            "findings": [f.to_json() for f in self.findings],
        }


def _all_segments(snap: Snapshot) -> Iterator[tuple[str, str, int, bytes]]:
    for sop in snap.list(ACK_DIR):
        for folder in snap.list(f"{ACK_DIR}/{sop}"):
            if folder.startswith("v") and folder[1:].isdigit():
                for name in snap.list(f"{ACK_DIR}/{sop}/{folder}"):
                    if not name.endswith(".ids"):
                        path = f"{ACK_DIR}/{sop}/{folder}/{name}"
                        yield path, sop, int(folder[1:]), snap.read(path)


def _check_index(snap: Snapshot, path: str, blob: bytes) -> ChainFinding | None:
    """The ``.ids`` index beside a segment must list its staff column, in order."""
    index = path[:-4] + ".ids"
    staff = [line.split("\t", 2)[1] for line in blob.decode("utf-8", "replace").splitlines() if "\t" in line]
    if not snap.exists(index):
        return ChainFinding("index", f"{index} is missing", path=index)
    if snap.read(index).decode("utf-8", "replace").split() != staff:
        return ChainFinding("index", f"{index} does not match the records of {path}", path=index)
    return None


def verify_chain(snap: Snapshot) -> ChainReport:
    """Check every acknowledgement record against the chain; findings, never an exception.

    Detects a record altered (its hash no longer matches), deleted (a gap in
    the sequence, or fewer records than the head says), reordered or moved, a
    duplicate sequence number, a head that does not match the last record, and
    a ``.ids`` index (what coverage reads) that does not match its segment.
    Deleting the newest records together with a matching head rewrite is only
    detectable against an anchor recorded elsewhere (the audit module's job).
    """
    findings: list[ChainFinding] = []
    by_seq: dict[int, AckRecord] = {}
    contents: dict[tuple[str, int], str | None] = {}
    for path, sop, version, blob in _all_segments(snap):
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
        head = read_head(snap)
    except StoreError as exc:
        findings.append(ChainFinding("head", str(exc), path=CHAIN))
        head = {"count": -1, "last": ""}
    findings.extend(_check_links(by_seq, head))
    return ChainReport(len(by_seq), head["count"], head["last"], tuple(findings))


def _content_of(snap: Snapshot, sop: str, version: int) -> str | None:
    try:
        return str(sop_store.doc_info(snap, sop).version(version).meta.get("content_sha256")) or None
    except (NotFoundError, sop_store.InvalidInputError):
        return None


def _check_links(by_seq: dict[int, AckRecord], head: dict[str, Any]) -> Iterable[ChainFinding]:
    top = max([*by_seq, head["count"], 0])
    prev_hash: str | None = GENESIS
    for seq in range(1, top + 1):
        r = by_seq.get(seq)
        if r is None:
            yield ChainFinding("deleted", f"record {seq} is missing", seq)
            prev_hash = None
            continue
        if prev_hash is not None and r.prev != prev_hash:
            yield ChainFinding(
                "altered", f"record {seq} does not follow record {seq - 1} (chain broken)", seq
            )
        prev_hash = r.hash
    if head["count"] >= 0:
        last = by_seq[top].hash if top in by_seq else None
        if head["count"] != top or (top and head["last"] != last):
            yield ChainFinding(
                "head",
                f"{CHAIN} says {head['count']} records ending {head['last'][:12]}, the records end at {top}",
                path=CHAIN,
            )
