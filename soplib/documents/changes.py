"""The operations that add SOPs and save direct edits (``store.sops.add`` / ``update``).

Kept apart from :mod:`soplib.documents.sops`, which reads: ``sop show`` and
``sop list`` import only the reading side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sop_store import validate_doc_id
from soplib.documents.records import SopRecord, VersionRecord, read_record, stage_version
from soplib.documents.sops import parse
from soplib.errors import InvalidInputError, Phrase, RefusedError, SopError
from soplib.ops import Context, Operation, operation
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.documents.model import SopDocument


def as_document(item: SopDocument | str | bytes | Path) -> SopDocument:
    """A document from a parsed document, its text, or a file."""
    from soplib.documents.model import SopDocument

    if isinstance(item, SopDocument):
        return item
    if isinstance(item, Path):
        from soplib.documents.parse import load

        return load(item)
    return parse(item)


@dataclass(frozen=True)
class NewSop(Value):
    """An SOP to add: its id and the blob id of its text (written before the operation)."""

    id: str
    blob: str


def _parse_blob(ctx: Context, sop_id: str, blob: str) -> SopDocument:
    doc = parse(ctx.tx.repo.read_blob(blob), source=f"{sop_id} (new text)")
    if doc.id != sop_id:
        raise InvalidInputError("the text of {id} says its id is {other}", id=sop_id, other=doc.id)
    return doc


@operation("add")
@dataclass(frozen=True)
class AddSops(Operation):
    """Add new SOPs as version 1, all in one commit (or none)."""

    sops: tuple[NewSop, ...]
    message: str = ""
    effective: date | None = None

    def apply(self, ctx: Context) -> list[tuple[VersionRecord, SopDocument]]:
        ctx.require("controller", what=Phrase("add SOPs"))
        ids = [validate_doc_id(s.id) for s in self.sops]
        if not ids:
            raise InvalidInputError("nothing to add: give at least one SOP")
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dupes:
            raise InvalidInputError("SOP {id} is given twice; add each SOP once", id=dupes[0])
        out = []
        for new in self.sops:
            doc = _parse_blob(ctx, new.id, new.blob)
            meta = {**doc.meta(), "effective_date": (self.effective or ctx.today).isoformat()}
            out.append(
                (
                    stage_version(
                        ctx.tx,
                        new.id,
                        doc.text.encode(),
                        action="add",
                        message=self.message,
                        meta=meta,
                        new=True,
                    ),
                    doc,
                )
            )
        ctx.subject = f"Add {ids[0]}: {out[0][1].title}" if len(ids) == 1 else f"Add {len(ids)} SOPs"
        return out


def _since(record: SopRecord, base: int) -> tuple[SopError, ...]:
    # The versions saved after ``base``, as message parts (a tuple parameter is shown joined by "; ").
    parts = []
    for v in record.versions[base:]:
        day = v.created.date().isoformat()
        if v.session:
            part = SopError(
                "v{version} (approved in review {session} by {by} on {day})",
                version=v.version,
                session=v.session,
                by=v.by,
                day=day,
            )
        else:
            part = SopError(
                "v{version} ({action} by {by} on {day})", version=v.version, action=v.action, by=v.by, day=day
            )
        parts.append(part)
    return tuple(parts)


@operation("update")
@dataclass(frozen=True)
class UpdateSop(Operation):
    """A direct change outside a review: the next version, edited from version ``base``."""

    sop: str
    blob: str
    base: int
    message: str
    effective: date | None = None
    editorial: str | None = None

    def apply(self, ctx: Context) -> tuple[VersionRecord, SopDocument]:
        validate_doc_id(self.sop)
        ctx.require("controller", what=Phrase("change an SOP outside a review"))
        if not self.message.strip():
            raise InvalidInputError("a direct update needs a message saying why")
        record = read_record(ctx.tx, self.sop)
        latest = record.latest
        if self.base != latest.version:
            if not 1 <= self.base < latest.version:
                raise InvalidInputError("{id} has no version {n}", id=self.sop, n=self.base)
            raise RefusedError(
                "the text was edited from {id} v{base}, but the current version is v{current}: {since}. "
                "Saving it would undo those changes; redo the edit on the current text",
                id=self.sop,
                base=self.base,
                current=latest.version,
                since=_since(record, self.base),
            )
        doc = _parse_blob(ctx, self.sop, self.blob)
        if doc.content_fingerprint == latest.content_sha256:
            raise RefusedError(
                "nothing changed: the text is the same as {id} v{n}", id=self.sop, n=latest.version
            )
        meta: dict[str, Any] = {**doc.meta(), "effective_date": (self.effective or ctx.today).isoformat()}
        if self.editorial is not None:
            if not self.editorial.strip():
                raise InvalidInputError("an editorial change needs a reason")
            meta["editorial"] = {"reason": self.editorial.strip(), "by": ctx.actor}
        version = stage_version(
            ctx.tx, self.sop, doc.text.encode(), action="update", message=self.message, meta=meta, new=False
        )
        ctx.subject = f"Update {self.sop}: {doc.title}"
        return version, doc
