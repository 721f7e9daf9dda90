"""``store.sops``: adding SOPs, saving direct edits, reading any version.

    >>> store.sops.add([load("kpu-01.md")], by="ani")
    >>> current = store.sops.get("KPU-01")
    >>> text = store.sops.text("KPU-01", version=1)
    >>> store.sops.update(edited, base=current.version, message="Typo", by="ani")

A direct change outside a review must say which version it was edited from
(``base``): an update made from an older text would silently undo what was
approved since, so it is refused with what changed and how to redo the edit.
The text ``sop show`` prints carries that version in a first comment line
(``# soplib-base: KPU-01 v2``), so ``sop show ID > f.md; edit; sop update f.md``
needs no extra typing; the line is never stored.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sop_store import Snapshot, validate_doc_id
from soplib.clock import check_date
from soplib.documents.records import (
    Approver,
    SopRecord,
    VersionRecord,
    read_record,
    record_path,
    sop_ids,
    tag_name,
)
from soplib.errors import InvalidInputError, Phrase
from soplib.values import HIDDEN, Value

if TYPE_CHECKING:
    from soplib.audit.blame import Blame
    from soplib.documents.diff import StructuralDiff
    from soplib.documents.model import SopDocument
    from soplib.store import Store

Status = Literal["current", "superseded", "withdrawn"]
_BASE = re.compile(r"^# soplib-base: (?P<id>\S+) v(?P<version>[0-9]{1,6})[ \t]*\r?\n", re.MULTILINE)


def with_base(text: str, sop_id: str, version: int) -> str:
    """``text`` with the line saying which version it is, after the opening ``---`` (what ``sop show``
    prints).
    """
    head, sep, rest = text.partition("\n")
    return f"{head}{sep}# soplib-base: {sop_id} v{version}\n{rest}" if sep else text


def split_base(text: str) -> tuple[str, tuple[str, int] | None]:
    """``text`` without its base line, and the (SOP id, version) it named, if any."""
    match = _BASE.search(text, 0, 400)
    if match is None or text[: match.start()].rstrip("\r\n").lstrip("\ufeff") != "---":
        return text, None
    return text[: match.start()] + text[match.end() :], (match.group("id"), int(match.group("version")))


@dataclass(frozen=True)
class SopVersion(Value):
    """One version of one SOP, with its parsed document."""

    id: str
    version: int
    status: Status
    record: VersionRecord = field(metadata=HIDDEN)
    commit: str | None
    document: SopDocument = field(metadata=HIDDEN)

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def effective(self) -> date:
        return self.record.effective

    @property
    def approver(self) -> Approver | None:
        return self.record.approver

    @property
    def session(self) -> str | None:
        return self.record.session

    @property
    def created(self) -> datetime:
        return self.record.created

    @property
    def is_current(self) -> bool:
        return self.status == "current"

    def _json_extra(self) -> dict[str, Any]:
        r = self.record
        return {
            "created": r.to_json()["created"],
            "by": r.by,
            "action": r.action,
            "message": r.message,
            **r._json_extra(),
            "front": self.document.front.to_json(),
            "body_sha256": self.document.body_fingerprint,
            "items": [i.to_json() for i in self.document.items],
        }


@dataclass(frozen=True)
class SopSummary(Value):
    """One line of the SOP register."""

    id: str
    title: str
    unit: str | None
    version: int
    status: Literal["active", "withdrawn"]
    effective: date
    updated: datetime


def _status(record: SopRecord, number: int) -> Status:
    if number != record.latest.version:
        return "superseded"
    return "current" if record.is_active else "withdrawn"


def parse(data: str | bytes, *, source: str = "<text>") -> SopDocument:
    """:func:`soplib.documents.parse.parse`, imported when first needed (markdown-it, pydantic)."""
    from soplib.documents.parse import parse as parse_text

    return parse_text(data, source=source)


class Sops:
    """``store.sops``: the SOPs of a store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def _blob(self, doc: SopDocument) -> str:
        return self._store.git.repo.write_object("blob", doc.text.encode())

    def _version(self, record: SopRecord, number: int, doc: SopDocument) -> SopVersion:
        commit = self._store.git.repo.refs.read(f"refs/tags/{tag_name(record.id, number)}")
        return SopVersion(record.id, number, _status(record, number), record.version(number), commit, doc)

    def add(
        self,
        documents: Sequence[SopDocument | str | bytes | Path],
        *,
        by: str,
        message: str = "",
        effective: date | None = None,
    ) -> builtins.list[SopVersion]:
        """Add new SOPs as version 1, all in one commit or none at all; needs ``controller`` once grants
        exist.
        """
        from soplib.documents.changes import AddSops, NewSop, as_document

        docs = [as_document(d) for d in documents]
        docs = [parse(split_base(d.text)[0], source=d.id) if split_base(d.text)[1] else d for d in docs]
        # One batch: the texts, records, trees and commit of hundreds of SOPs go to disk as one pack.
        with self._store.git.repo.objects.batch():
            op = AddSops(
                tuple(NewSop(d.id, self._blob(d)) for d in docs),
                message,
                check_date(effective, what=Phrase("effective")) if effective is not None else None,
            )
            applied = self._store.apply(op, by=by)
        # Built from what the commit staged (every tag names that commit): no reads back.
        return [SopVersion(v.sop, 1, "current", v, applied.commit, d) for v, d in applied.result]

    def update(
        self,
        document: SopDocument | str | bytes | Path,
        *,
        by: str,
        message: str,
        base: int | None = None,
        effective: date | None = None,
        editorial: str | None = None,
    ) -> SopVersion:
        """Save the next version directly (action ``update``), edited from version ``base``.

        ``base`` defaults to the version named by the text's base line (what
        ``sop show`` prints). ``editorial`` (a reason) marks the change as
        editorial: acknowledgements of the previous version carry over.
        """
        from soplib.documents.changes import UpdateSop, as_document

        doc = as_document(document)
        text, named = split_base(doc.text)
        if named is not None:
            if named[0] != doc.id:
                raise InvalidInputError(
                    "the text's base line names {other}, but the SOP is {id}", other=named[0], id=doc.id
                )
            doc = parse(text, source=doc.id)
            base = named[1] if base is None else base
        if base is None:
            raise InvalidInputError(
                "which version of {id} was this text edited from? give base (the version number), "
                "or start from the text the store shows, which names it",
                id=doc.id,
            )
        op = UpdateSop(
            doc.id,
            self._blob(doc),
            base,
            message,
            check_date(effective, what=Phrase("effective")) if effective is not None else None,
            editorial,
        )
        applied = self._store.apply(op, by=by)
        version, parsed = applied.result
        # What the commit staged: the new version is current, and its tag names that commit.
        return SopVersion(version.sop, version.version, "current", version, applied.commit, parsed)

    # -- reading -----------------------------------------------------------------------

    def ids(self, *, snapshot: Snapshot | None = None) -> builtins.list[str]:
        """Every SOP id in the store, withdrawn ones included, sorted."""
        return sop_ids(snapshot or self._store.snapshot())

    def __iter__(self) -> Iterator[SopSummary]:
        return iter(self.list())

    def __contains__(self, sop_id: object) -> bool:
        return isinstance(sop_id, str) and self._store.snapshot().exists(record_path(validate_doc_id(sop_id)))

    def __getitem__(self, sop_id: str) -> SopVersion:
        return self.get(sop_id)

    def record(self, sop_id: str, *, snapshot: Snapshot | None = None) -> SopRecord:
        """The stored record of one SOP: its status and every version's metadata."""
        snap = snapshot or self._store.snapshot()
        return read_record(snap, self._id(snap, sop_id))

    def _id(self, snap: Snapshot, sop_id: str) -> str:
        """``sop_id`` checked; a near miss (``kpu-ntb-sop-04``) is named with the id it probably means."""
        from soplib.errors import InvalidInputError, NotFoundError

        try:
            return validate_doc_id(sop_id)
        except InvalidInputError:
            if isinstance(sop_id, str) and sop_id.strip().upper() in sop_ids(snap):
                raise NotFoundError(
                    "no SOP {id}; SOP ids are upper case: did you mean {upper}?",
                    id=sop_id,
                    upper=sop_id.strip().upper(),
                ) from None
            raise

    def get(self, sop_id: str, *, version: int | None = None, snapshot: Snapshot | None = None) -> SopVersion:
        """One version of an SOP (default: its latest), parsed; :class:`NotFoundError` if unknown."""
        snap = snapshot or self._store.snapshot()
        record = read_record(snap, self._id(snap, sop_id))
        number = record.latest.version if version is None else version
        text = snap.repo.read_blob(record.version(number).blob)
        return self._version(record, number, parse(text, source=f"{sop_id} v{number}"))

    def text(self, sop_id: str, *, version: int | None = None, snapshot: Snapshot | None = None) -> bytes:
        """The exact stored bytes of a version (default: the latest)."""
        snap = snapshot or self._store.snapshot()
        record = read_record(snap, self._id(snap, sop_id))
        return snap.repo.read_blob(record.version(record.latest.version if version is None else version).blob)

    def list(self, *, include_withdrawn: bool = True) -> builtins.list[SopSummary]:
        """The SOP register: every SOP with its latest version."""
        snap = self._store.snapshot()
        out = []
        for sop_id in sop_ids(snap):
            record = read_record(snap, sop_id)
            if not record.is_active and not include_withdrawn:
                continue
            latest = record.latest
            updated = latest.created
            if record.withdrawn and isinstance(record.withdrawn.get("date"), str):
                updated = datetime.fromisoformat(record.withdrawn["date"])
            out.append(
                SopSummary(
                    sop_id,
                    latest.title,
                    latest.unit,
                    latest.version,
                    record.status,
                    latest.effective,
                    updated,
                )
            )
        return out

    def history(self, sop_id: str) -> builtins.list[VersionRecord]:
        """Every version of an SOP, oldest first."""
        return list(self.record(sop_id).versions)

    def commit_of(self, sop_id: str, version: int) -> str | None:
        """The commit that wrote ``version`` of ``sop_id`` (its tag ``sop/<ID>/v<N>``)."""
        return self._store.git.repo.refs.read(f"refs/tags/{tag_name(validate_doc_id(sop_id), version)}")

    def blame(self, sop_id: str, *, version: int | None = None) -> Blame:
        """For every item of a version (default: the latest): the version and decision that gave it its
        text.
        """
        from soplib.audit.blame import blame

        return blame(self._store, sop_id, version=version)

    def diff(self, sop_id: str, old: int, new: int) -> StructuralDiff:
        """The structural diff between two versions."""
        from soplib.documents.diff import structural

        a, b = self.get(sop_id, version=old), self.get(sop_id, version=new)
        return structural(a.document, b.document, old_label=f"v{old}", new_label=f"v{new}")
