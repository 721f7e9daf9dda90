"""The public entry point: a :class:`Store` of SOPs kept in a git repository.

    >>> store = Store.init("sop-store")
    >>> store.add([load("kpu-01.md")], by="ani")
    >>> store.get("KPU-01").document.item("prosedur/1").text
    >>> store.history("KPU-01")

Every write names the acting person (``by``) and is one git commit; reads are
from the head of ``main`` unless a version or commit is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

import sop_store
from sop_store import GitStore, Snapshot, Transaction
from soplib.document import SopDocument, load, parse
from soplib.errors import InvalidInputError

Status = Literal["current", "superseded", "withdrawn"]


class SopVersion(BaseModel):
    """One version of one SOP, with its parsed document."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: int
    status: Status
    created: str
    by: str
    action: str
    message: str
    effective_date: str | None
    approved_by: str | None
    session: str | None
    commit: str | None
    document: SopDocument

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def is_current(self) -> bool:
        return self.status == "current"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "status": self.status,
            "created": self.created,
            "by": self.by,
            "action": self.action,
            "message": self.message,
            "effective_date": self.effective_date,
            "approved_by": self.approved_by,
            "session": self.session,
            "commit": self.commit,
            "front": self.document.front.to_json(),
            "content_sha256": self.document.content_fingerprint,
            "body_sha256": self.document.body_fingerprint,
            "items": [i.to_json() for i in self.document.items],
        }


class SopSummary(BaseModel):
    """One line of the SOP register."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    unit: str | None
    version: int
    status: Literal["active", "withdrawn"]
    effective_date: str | None
    updated: str

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class HistoryEntry(BaseModel):
    """One version in an SOP's history."""

    model_config = ConfigDict(frozen=True)

    version: int
    commit: str | None
    date: str
    by: str
    action: str
    message: str
    effective_date: str | None
    approved_by: str | None
    session: str | None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _status(info: sop_store.DocInfo, number: int) -> Status:
    if not info.is_active:
        return "withdrawn" if number == info.latest.version else "superseded"
    return "current" if number == info.latest.version else "superseded"


def _version(
    record: sop_store.VersionInfo, document: SopDocument, status: Status, commit: str | None
) -> SopVersion:
    meta = record.meta
    return SopVersion(
        id=record.doc_id,
        version=record.version,
        status=status,
        created=record.created,
        by=record.by,
        action=record.action,
        message=record.message,
        effective_date=meta.get("effective_date"),
        approved_by=meta.get("approved_by"),
        session=meta.get("session"),
        commit=commit,
        document=document,
    )


def _as_document(item: SopDocument | str | bytes | Path) -> SopDocument:
    if isinstance(item, SopDocument):
        return item
    if isinstance(item, Path):
        return load(item)
    return parse(item)


class Store:
    """An SOP store. Open one with :meth:`open` or create one with :meth:`init`."""

    def __init__(self, git_store: GitStore) -> None:
        self._git = git_store

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def init(cls, path: Path | str) -> Store:
        """Create a new store (a bare git repository) at ``path``."""
        return cls(GitStore.init(path))

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open the store at ``path``."""
        return cls(GitStore.open(path))

    @property
    def path(self) -> Path:
        return self._git.path

    def close(self) -> None:
        """Release the git helper processes; the store can be reopened later."""
        self._git.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def head(self) -> str | None:
        """The commit the store's ``main`` branch points to."""
        return self._git.head()

    # -- lower level, for soplib's own modules ---------------------------------------

    def snapshot(self, commit: str | None = None) -> Snapshot:
        return self._git.snapshot(commit)

    @contextmanager
    def transaction(self, *, by: str, subject: str) -> Iterator[Transaction]:
        """One all-or-nothing commit; used by the review, staff and ack modules."""
        with self._git.transaction(by=by, subject=subject) as tx:
            yield tx

    def tag_commit(self, sop_id: str, version: int) -> str | None:
        return self._git.repo.read_ref(f"refs/tags/{sop_store.tag_name(sop_id, version)}")

    # -- SOPs ------------------------------------------------------------------------

    def add(
        self,
        documents: Sequence[SopDocument | str | bytes | Path],
        *,
        by: str,
        message: str = "",
        effective_date: str | None = None,
    ) -> list[SopVersion]:
        """Add new SOPs as version 1, all in one commit or none at all."""
        docs = [_as_document(d) for d in documents]
        if not docs:
            raise InvalidInputError("nothing to add: give at least one SOP file")
        ids = [d.id for d in docs]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise InvalidInputError(f"SOP {dupes[0]} is given twice; add each SOP once")
        subject = f"Add {ids[0]}: {docs[0].title}" if len(docs) == 1 else f"Add {len(docs)} SOPs"
        with self.transaction(by=by, subject=subject) as tx:
            tx.trailer("Sop-Action", "add")
            staged = [
                self._stage(
                    tx,
                    doc,
                    action="add",
                    message=message,
                    new=True,
                    extra={"effective_date": effective_date or tx.now_iso[:10]},
                )
                for doc in docs
            ]
        return [
            _version(record, doc, "current", tx.committed) for record, doc in zip(staged, docs, strict=True)
        ]

    def update(
        self,
        document: SopDocument | str | bytes | Path,
        *,
        by: str,
        message: str,
        effective_date: str | None = None,
        editorial: str | None = None,
    ) -> SopVersion:
        """Save a new version of an existing SOP directly, outside a review session.

        The history records it as an ``update`` by ``by`` with ``message`` (required:
        a direct change must say why). ``editorial`` (a reason) marks the change as
        editorial: acknowledgements of the previous version carry over.
        """
        doc = _as_document(document)
        if not message.strip():
            raise InvalidInputError("a direct update needs a message saying why (--message)")
        with self.transaction(by=by, subject=f"Update {doc.id}: {doc.title}") as tx:
            tx.trailer("Sop-Action", "update")
            extra: dict[str, Any] = {"effective_date": effective_date or tx.now_iso[:10]}
            if editorial:
                extra["editorial"] = {"reason": editorial, "by": tx.by}
            record = self._stage(tx, doc, action="update", message=message, new=False, extra=extra)
        # Built from what was just written: no second read and parse of the text.
        return _version(record, doc, "current", tx.committed)

    def stage_version(
        self,
        tx: Transaction,
        doc: SopDocument,
        *,
        action: str,
        message: str = "",
        new: bool,
        extra: dict[str, Any] | None = None,
    ) -> int:
        """Stage a version of ``doc`` in ``tx`` (used by approval too); its number."""
        return self._stage(tx, doc, action=action, message=message, new=new, extra=extra).version

    def _stage(
        self,
        tx: Transaction,
        doc: SopDocument,
        *,
        action: str,
        message: str,
        new: bool,
        extra: dict[str, Any] | None,
    ) -> sop_store.VersionInfo:
        meta = {**doc.meta(), **(extra or {})}
        return sop_store.put_version(
            tx, doc.id, doc.text.encode(), action=action, message=message, meta=meta, new=new
        )

    def ids(self, *, snapshot: Snapshot | None = None) -> list[str]:
        """Every SOP id in the store, withdrawn ones included, sorted."""
        return sop_store.doc_ids(snapshot or self.snapshot())

    def info(self, sop_id: str, *, snapshot: Snapshot | None = None) -> sop_store.DocInfo:
        """The stored record of one SOP (status and every version's metadata)."""
        return sop_store.doc_info(snapshot or self.snapshot(), sop_id)

    def get(self, sop_id: str, *, version: int | None = None, snapshot: Snapshot | None = None) -> SopVersion:
        """One version of an SOP (default: its latest), parsed.

        Raises :class:`NotFoundError` for an unknown SOP or version.
        """
        sop_store.validate_doc_id(sop_id)
        snap = snapshot or self.snapshot()
        info = sop_store.doc_info(snap, sop_id)
        number = info.latest.version if version is None else version
        record = info.version(number)
        document = parse(snap.repo.read_blob(record.blob), source=f"{sop_id} v{number}")
        return _version(record, document, _status(info, number), self.tag_commit(sop_id, number))

    def text(self, sop_id: str, *, version: int | None = None) -> bytes:
        """The exact stored bytes of a version (default: the latest)."""
        snap = self.snapshot()
        info = sop_store.doc_info(snap, sop_id)
        record = info.version(info.latest.version if version is None else version)
        return snap.repo.read_blob(record.blob)

    def sops(self, *, include_withdrawn: bool = True) -> list[SopSummary]:
        """The SOP register: every SOP with its latest version."""
        snap = self.snapshot()
        out = []
        for sop_id in sop_store.doc_ids(snap):
            info = sop_store.doc_info(snap, sop_id)
            if not info.is_active and not include_withdrawn:
                continue
            latest = info.latest
            front = latest.meta.get("front", {})
            out.append(
                SopSummary(
                    id=sop_id,
                    title=front.get("title", ""),
                    unit=front.get("unit"),
                    version=latest.version,
                    status="active" if info.is_active else "withdrawn",
                    effective_date=latest.meta.get("effective_date"),
                    updated=(info.withdrawn or {}).get("date", latest.created),
                )
            )
        return out

    def history(self, sop_id: str) -> list[HistoryEntry]:
        """Every version of an SOP, oldest first, with the commit that wrote it."""
        sop_store.validate_doc_id(sop_id)
        info = sop_store.doc_info(self.snapshot(), sop_id)
        return [
            HistoryEntry(
                version=v.version,
                commit=self.tag_commit(sop_id, v.version),
                date=v.created,
                by=v.by,
                action=v.action,
                message=v.message,
                effective_date=v.meta.get("effective_date"),
                approved_by=v.meta.get("approved_by"),
                session=v.meta.get("session"),
            )
            for v in info.versions
        ]
