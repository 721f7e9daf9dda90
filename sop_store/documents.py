"""Versioned documents in a store: ``sops/<ID>.md`` and its record ``sops/<ID>.json``.

The Markdown file always holds the latest text. The record lists every version:
its number, the git blob id of its text (so any version is read with one object
lookup, no history walk), who wrote it and when, the action, and an opaque
``meta`` mapping the caller owns (soplib keeps the parsed front matter, content
fingerprints, approval and effective date there). Each version is also tagged
``sop/<ID>/v<N>`` at the commit that wrote it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sop_store.errors import InvalidInputError, NotFoundError, StoreError
from sop_store.gitrepo import object_id
from sop_store.ids import validate_doc_id
from sop_store.store import Snapshot, Transaction

DOC_DIR = "sops"
ACTIVE = "active"
WITHDRAWN = "withdrawn"


def text_path(doc_id: str) -> str:
    return f"{DOC_DIR}/{validate_doc_id(doc_id)}.md"


def record_path(doc_id: str) -> str:
    return f"{DOC_DIR}/{validate_doc_id(doc_id)}.json"


def tag_name(doc_id: str, version: int) -> str:
    return f"sop/{validate_doc_id(doc_id)}/v{version}"


def blob_id(content: bytes) -> str:
    """The git object id ``content`` has as a blob (computed, not written)."""
    return object_id("blob", content)


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a document."""

    doc_id: str
    version: int
    blob: str
    created: str
    by: str
    action: str
    message: str
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "blob": self.blob,
            "created": self.created,
            "by": self.by,
            "action": self.action,
            "message": self.message,
            "meta": dict(self.meta),
        }


@dataclass(frozen=True)
class DocInfo:
    """A document's record: its status and every version, oldest first."""

    doc_id: str
    status: str
    versions: tuple[VersionInfo, ...]
    withdrawn: Mapping[str, Any] | None = None

    @property
    def latest(self) -> VersionInfo:
        return self.versions[-1]

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE

    def version(self, number: int) -> VersionInfo:
        if 1 <= number <= len(self.versions):
            return self.versions[number - 1]
        raise NotFoundError(f"{self.doc_id} has no version {number} (it has versions 1-{len(self.versions)})")


def _parse(doc_id: str, raw: Any) -> DocInfo:
    try:
        versions = tuple(
            VersionInfo(
                doc_id=doc_id,
                version=int(v["version"]),
                blob=str(v["blob"]),
                created=str(v["created"]),
                by=str(v["by"]),
                action=str(v["action"]),
                message=str(v.get("message", "")),
                meta=v.get("meta", {}),
            )
            for v in raw["versions"]
        )
        return DocInfo(doc_id, str(raw["status"]), versions, raw.get("withdrawn"))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"the record of {doc_id} is damaged ({exc}); run `sop audit verify`") from exc


def _dump(info: DocInfo) -> dict[str, Any]:
    return {
        "id": info.doc_id,
        "status": info.status,
        "versions": [v.to_json() for v in info.versions],
        "withdrawn": dict(info.withdrawn) if info.withdrawn else None,
    }


# Parsed records by (id, blob id). A blob id names its content, so an entry can
# never go stale; it saves re-parsing a record that grows with every version.
# Callers share these objects: treat a record's ``meta`` as read-only.
_RECORDS: OrderedDict[tuple[str, str], DocInfo] = OrderedDict()


def _remember(doc_id: str, blob: str, info: DocInfo) -> None:
    _RECORDS[(doc_id, blob)] = info
    if len(_RECORDS) > 2048:
        _RECORDS.popitem(last=False)


def doc_info(snap: Snapshot, doc_id: str) -> DocInfo:
    """The record of ``doc_id``; :class:`NotFoundError` if the store has no such document."""
    path = record_path(doc_id)
    blob = snap.blob_id(path)
    if blob is None:
        raise NotFoundError(f"no SOP {doc_id} in the store; `sop list` shows what there is")
    cached = _RECORDS.get((doc_id, blob))
    if cached is not None:
        return cached
    info = _parse(doc_id, snap.read_json(path))
    _remember(doc_id, blob, info)
    return info


def doc_ids(snap: Snapshot) -> list[str]:
    """Ids of every document ever added (withdrawn ones too), sorted."""
    # Sorted by id, not by file name: "AB.json" sorts after "AB-1.json", "AB" before "AB-1".
    return sorted(name[:-5] for name in snap.list(DOC_DIR) if name.endswith(".json"))


def read_version(snap: Snapshot, doc_id: str, version: int) -> bytes:
    """The exact bytes of one version."""
    info = doc_info(snap, doc_id).version(version)
    return snap.repo.read_blob(info.blob)


def put_version(
    tx: Transaction,
    doc_id: str,
    content: bytes,
    *,
    action: str,
    message: str = "",
    meta: Mapping[str, Any] | None = None,
    new: bool,
) -> VersionInfo:
    """Stage the next version of ``doc_id`` (version 1 when ``new``) and its tag.

    Refuses to add a document that exists, or to version one that does not or
    that was withdrawn.
    """
    exists = tx.exists(record_path(doc_id))
    if new and exists:
        raise InvalidInputError(f"SOP {doc_id} already exists; save a new version of it instead")
    if new:
        info = DocInfo(doc_id, ACTIVE, ())
    else:
        info = doc_info(tx, doc_id)
        if not info.is_active:
            raise InvalidInputError(f"SOP {doc_id} was withdrawn; it can no longer get new versions")
    number = len(info.versions) + 1
    version = VersionInfo(
        doc_id=doc_id,
        version=number,
        blob=blob_id(content),
        created=tx.now_iso,
        by=tx.by,
        action=action,
        message=message,
        meta=dict(meta or {}),
    )
    info = DocInfo(doc_id, ACTIVE, (*info.versions, version))
    tx.write(text_path(doc_id), content)
    _remember(doc_id, blob_id(tx.write_json(record_path(doc_id), _dump(info))), info)
    tx.tag(tag_name(doc_id, number))
    tx.trailer("Sop-Version", f"{doc_id} {number}")
    return version


def withdraw(tx: Transaction, doc_id: str, *, meta: Mapping[str, Any] | None = None) -> DocInfo:
    """Stage the withdrawal of ``doc_id``: kept with its history, no longer current."""
    info = doc_info(tx, doc_id)
    if not info.is_active:
        raise InvalidInputError(f"SOP {doc_id} is already withdrawn")
    record = {"date": tx.now_iso, "by": tx.by, "version": info.latest.version, **(meta or {})}
    info = DocInfo(doc_id, WITHDRAWN, info.versions, record)
    tx.write_json(record_path(doc_id), _dump(info))
    tx.trailer("Sop-Withdrawn", f"{doc_id} {info.latest.version}")
    return info
