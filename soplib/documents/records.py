"""Each SOP's record in the store: ``sops/<ID>.md`` (the latest text) and ``sops/<ID>.json``.

The record lists every version: its number, the git blob id of its text (so any
version is read with one object lookup, no history walk), who wrote it and
when, the action, and ``meta``: the parsed front matter, the fingerprints, and
what the operation that wrote it decided (effective date, the approver frozen
at approval, the review session, editorial marks). Each version is also tagged
``sop/<ID>/v<N>`` at the commit that wrote it.

Records are read by hand, not through pydantic: ``sop show`` and ``sop list``
must start fast, and the record's shape is small. A record of the wrong shape
is a :class:`~soplib.errors.RecordError` naming it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sop_store import Snapshot, Transaction, canonical_json, object_id, validate_doc_id
from soplib.errors import NotFoundError, RecordError, RefusedError
from soplib.values import HIDDEN, Value, utc_text

DOC_DIR = "sops"
Status = Literal["active", "withdrawn"]


def text_path(sop_id: str) -> str:
    return f"{DOC_DIR}/{validate_doc_id(sop_id)}.md"


def record_path(sop_id: str) -> str:
    return f"{DOC_DIR}/{validate_doc_id(sop_id)}.json"


def tag_name(sop_id: str, version: int) -> str:
    return f"sop/{validate_doc_id(sop_id)}/v{version}"


@dataclass(frozen=True)
class Approver(Value):
    """Who ratified a version, as the staff registry described them at that moment."""

    id: str
    name: str | None = None
    position: str | None = None
    unit: str | None = None

    def label(self) -> str:
        """``name (position)``, or the id when the registry did not know the person."""
        if self.name:
            return f"{self.name} ({self.position})" if self.position else self.name
        return self.id


@dataclass(frozen=True)
class VersionRecord(Value):
    """One stored version of an SOP."""

    sop: str
    version: int
    blob: str
    created: datetime
    by: str
    action: str
    message: str
    meta: Mapping[str, Any] = field(default_factory=dict, metadata=HIDDEN)

    @property
    def front(self) -> Mapping[str, Any]:
        front = self.meta.get("front")
        return front if isinstance(front, dict) else {}

    @property
    def title(self) -> str:
        return str(self.front.get("title", ""))

    @property
    def unit(self) -> str | None:
        unit = self.front.get("unit")
        return unit if isinstance(unit, str) else None

    @property
    def effective(self) -> date:
        """The effective date (*tanggal efektif*); the day it was recorded if none was stored."""
        text = self.meta.get("effective_date")
        try:
            return date.fromisoformat(text) if isinstance(text, str) else self.created.date()
        except ValueError:
            return self.created.date()

    @property
    def approver(self) -> Approver | None:
        """The approver frozen at approval (older stores: only the id they recorded)."""
        frozen = self.meta.get("approver")
        if isinstance(frozen, dict) and isinstance(frozen.get("id"), str):
            return Approver(
                frozen["id"],
                *(
                    frozen.get(k) if isinstance(frozen.get(k), str) else None
                    for k in ("name", "position", "unit")
                ),
            )
        legacy = self.meta.get("approved_by")
        return Approver(legacy) if isinstance(legacy, str) else None

    @property
    def session(self) -> str | None:
        value = self.meta.get("session")
        return value if isinstance(value, str) else None

    @property
    def content_sha256(self) -> str:
        return str(self.meta.get("content_sha256", ""))

    @property
    def editorial(self) -> Mapping[str, str] | None:
        value = self.meta.get("editorial")
        return value if isinstance(value, dict) else None

    def _json_extra(self) -> dict[str, Any]:
        approver = self.approver
        return {
            "effective_date": self.effective.isoformat(),
            "approver": approver.to_json() if approver else None,
            "session": self.session,
            "content_sha256": self.content_sha256,
        }

    def dump(self) -> dict[str, Any]:
        """The version as stored in the record file."""
        return {
            "version": self.version,
            "blob": self.blob,
            "created": utc_text(self.created),
            "by": self.by,
            "action": self.action,
            "message": self.message,
            "meta": dict(self.meta),
        }


@dataclass(frozen=True)
class SopRecord(Value):
    """An SOP's record: its status and every version, oldest first."""

    id: str
    status: Status
    versions: tuple[VersionRecord, ...]
    withdrawn: Mapping[str, Any] | None = None

    @property
    def latest(self) -> VersionRecord:
        return self.versions[-1]

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @property
    def withdrawn_on(self) -> date | None:
        """The day the withdrawal took effect (the session's effective date, else the day it was recorded)."""
        if not self.withdrawn:
            return None
        for key in ("effective_date", "date"):
            value = self.withdrawn.get(key)
            if isinstance(value, str):
                try:
                    return date.fromisoformat(value[:10])
                except ValueError:
                    continue
        return None

    def version(self, number: int) -> VersionRecord:
        if 1 <= number <= len(self.versions):
            return self.versions[number - 1]
        raise NotFoundError(
            "{id} has no version {n} (it has versions 1-{last})",
            id=self.id,
            n=number,
            last=len(self.versions),
        )

    def dump(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "versions": [v.dump() for v in self.versions],
            "withdrawn": dict(self.withdrawn) if self.withdrawn else None,
        }


def _when(value: object, path: str) -> datetime:
    if not isinstance(value, str):
        raise RecordError(path, "a version's 'created' is not a time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise RecordError(path, exc) from None
    if moment.tzinfo is None:
        raise RecordError(path, "a version's 'created' has no time zone")
    return moment


def _parse(sop_id: str, raw: Any, path: str) -> SopRecord:
    if not isinstance(raw, dict) or not isinstance(raw.get("versions"), list) or not raw["versions"]:
        raise RecordError(path, "no list of versions")
    if raw.get("status") not in ("active", "withdrawn"):
        raise RecordError(path, "status is neither active nor withdrawn")
    versions = []
    for n, v in enumerate(raw["versions"], start=1):
        if not isinstance(v, dict):
            raise RecordError(path, "version {n} is not an object", n=n)
        if v.get("version") != n or not isinstance(v.get("blob"), str) or len(v["blob"]) != 40:
            raise RecordError(path, "version {n} has a wrong number or blob id", n=n)
        by, action, message = (v.get(k, "") for k in ("by", "action", "message"))
        meta = v.get("meta", {})
        if not all(isinstance(s, str) for s in (by, action, message)) or not isinstance(meta, dict):
            raise RecordError(path, "version {n} has a field of the wrong type", n=n)
        versions.append(
            VersionRecord(sop_id, n, v["blob"], _when(v.get("created"), path), by, action, message, meta=meta)
        )
    withdrawn = raw.get("withdrawn")
    if withdrawn is not None and not isinstance(withdrawn, dict):
        raise RecordError(path, "'withdrawn' is not an object")
    return SopRecord(sop_id, raw["status"], tuple(versions), withdrawn)


# Parsed records by (id, blob id). A blob id names its content, so an entry can
# never go stale; it saves re-parsing a record that grows with every version.
_RECORDS: OrderedDict[tuple[str, str], SopRecord] = OrderedDict()


def _remember(sop_id: str, blob: str, record: SopRecord) -> None:
    _RECORDS[(sop_id, blob)] = record
    if len(_RECORDS) > 4096:
        _RECORDS.popitem(last=False)


def read_record(snap: Snapshot, sop_id: str) -> SopRecord:
    """The record of ``sop_id``; :class:`NotFoundError` if the store has no such SOP."""
    path = record_path(sop_id)
    blob = snap.blob_id(path)
    if blob is None:
        close = _suggest(snap, sop_id)
        if close:
            raise NotFoundError("no SOP {id} in the store (did you mean {close}?)", id=sop_id, close=close)
        raise NotFoundError("no SOP {id} in the store", id=sop_id)
    cached = _RECORDS.get((sop_id, blob))
    if cached is not None:
        return cached
    try:
        raw = json.loads(snap.read(path))  # staged in a transaction: not yet an object (see read_registry)
    except (ValueError, RecursionError) as exc:
        raise RecordError(path, exc) from None
    record = _parse(sop_id, raw, path)
    if raw.get("id") not in (None, sop_id):
        raise RecordError(path, "its id is another SOP's")
    _remember(sop_id, blob, record)
    return record


def _suggest(snap: Snapshot, sop_id: str) -> str | None:
    # Only a near miss of spelling (case, '_' for '-'), never a neighbour by number: SOP-99 is not SOP-04.
    upper = sop_id.upper().replace("_", "-")
    for known in sop_ids(snap):
        if known.replace("_", "-") == upper:
            return known
    return None


def sop_ids(snap: Snapshot) -> list[str]:
    """Ids of every SOP ever added (withdrawn ones too), sorted."""
    # Sorted by id, not by file name: "AB.json" sorts after "AB-1.json", "AB" before "AB-1".
    return sorted(name[:-5] for name in snap.list(DOC_DIR) if name.endswith(".json"))


def read_text(snap: Snapshot, record: SopRecord, version: int) -> bytes:
    """The exact bytes of one version."""
    return snap.repo.read_blob(record.version(version).blob)


def stage_version(
    tx: Transaction,
    sop_id: str,
    content: bytes,
    *,
    action: str,
    message: str,
    meta: Mapping[str, Any],
    new: bool,
) -> VersionRecord:
    """Stage the next version of ``sop_id`` (version 1 when ``new``), its tag and trailer.

    Refuses to add an SOP that exists, or to version one that does not or was withdrawn.
    """
    exists = tx.exists(record_path(sop_id))
    if new and exists:
        raise RefusedError("SOP {id} already exists; save a new version of it instead", id=sop_id)
    if new:
        versions: tuple[VersionRecord, ...] = ()
    else:
        record = read_record(tx, sop_id)
        if not record.is_active:
            raise RefusedError("SOP {id} was withdrawn; it can no longer get new versions", id=sop_id)
        versions = record.versions
    number = len(versions) + 1
    blob = object_id("blob", content)
    version = VersionRecord(sop_id, number, blob, tx.at, tx.author, action, message, meta=dict(meta))
    record = SopRecord(sop_id, "active", (*versions, version))
    tx.write(text_path(sop_id), content)
    previous = _ENCODED.get(tx.blob_id(record_path(sop_id)) or "") if exists else None
    data = (_appended(previous, version) if previous is not None else None) or canonical_json(record.dump())
    tx.write(record_path(sop_id), data)
    _remember(sop_id, _keep_encoded(data), record)
    tx.tag(tag_name(sop_id, number))
    tx.trailer("Sop-Version", f"{sop_id} {number}")
    return version


# How a record file with versions and no withdrawal ends (canonical JSON: "withdrawn" is the last key).
_ACTIVE_END = b'}], "withdrawn": null}\n'
# Record files this process encoded itself (canonical JSON of their record), by blob id, latest last.
_ENCODED: OrderedDict[str, bytes] = OrderedDict()
_ENCODED_LIMIT = 16 * 1024 * 1024
_encoded_bytes = [0]


def _keep_encoded(data: bytes) -> str:
    """Keep ``data`` (a record file just encoded) for :func:`_appended`; its blob id."""
    blob = object_id("blob", data)
    _ENCODED[blob] = data
    _encoded_bytes[0] += len(data)
    while _encoded_bytes[0] > _ENCODED_LIMIT and len(_ENCODED) > 1:
        _encoded_bytes[0] -= len(_ENCODED.popitem(last=False)[1])
    return blob


def _appended(previous: bytes, version: VersionRecord) -> bytes | None:
    """The record file ``previous`` with ``version`` added, for a ``previous`` this process encoded
    itself (kept in memory, 16 MiB at most): the same bytes as encoding the whole record again (a
    record has dozens of versions, and re-encoding each was a fifth of recording one). A record file
    from elsewhere (another process, plain git) is encoded whole instead, so what is written never
    depends on which way was taken: a replay (``sop audit verify``) in another process gets the same
    bytes.
    """
    if not previous.endswith(_ACTIVE_END):
        return None
    keep = len(previous) - len(_ACTIVE_END) + 1  # up to the "}" closing the last version
    encoded = canonical_json(version.dump())[:-1]  # the version as the whole record's JSON holds it
    return previous[:keep] + b", " + encoded + _ACTIVE_END[1:]


def stage_withdrawal(tx: Transaction, sop_id: str, *, meta: Mapping[str, Any]) -> SopRecord:
    """Stage the withdrawal of ``sop_id``: kept with its history, no longer current."""
    record = read_record(tx, sop_id)
    if not record.is_active:
        raise RefusedError("SOP {id} is already withdrawn", id=sop_id)
    withdrawal = {"date": utc_text(tx.at), "by": tx.author, "version": record.latest.version, **meta}
    record = SopRecord(sop_id, "withdrawn", record.versions, withdrawal)
    tx.write_json(record_path(sop_id), record.dump())
    tx.trailer("Sop-Withdrawn", f"{sop_id} {record.latest.version}")
    return record
