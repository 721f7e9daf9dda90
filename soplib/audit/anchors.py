"""Audit anchors: recorded heads of ``main`` that a later rewrite of history cannot hide.

An anchor records the current head three ways: a file ``audit/anchors/<ID>.json``
in the store, the tag ``audit/anchor-<ID>`` at the anchor commit (outside the
branch, so a reset does not remove it), and the :class:`Anchor` returned, which
the CLI writes as a receipt the office keeps outside the store. Verification
checks every one of them is still in the history. Anchor ids carry the office's
day and a random part (``A-20261203-3F2A``), so anchors made on two machines
never collide; stores made by soplib 0.1 numbered them (``000001.json``,
``audit/anchor-1``), which is still understood.

    >>> receipt = store.audit.anchor(by="ani").to_json()
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot
from soplib.errors import InvalidInputError, RecordError, RefusedError
from soplib.ids import new_id
from soplib.ops import Context, Operation, operation
from soplib.values import Value, utc_text

if TYPE_CHECKING:
    from soplib.store import Store

ANCHOR_DIR = "audit/anchors"
ANCHOR_TAG = "audit/anchor-"
HEX40 = re.compile(r"[0-9a-f]{40}")
_ID = re.compile(r"A-[0-9]{8}-[0-9A-F]{4}")
_OLD = re.compile(r"[0-9]{6}")


@dataclass(frozen=True)
class Anchor(Value):
    """A recorded head: ``head`` was main's head when anchor ``id`` was made by ``commit``."""

    id: str
    head: str | None
    commit: str | None
    date: datetime
    by: str
    tag: str


def list_anchors(snap: Snapshot) -> list[Anchor]:
    """The anchors recorded in the store at ``snap`` (oldest first); :class:`RecordError` for a malformed
    one.
    """
    out = []
    for name in snap.list(ANCHOR_DIR):
        path = f"{ANCHOR_DIR}/{name}"
        stem = name.removesuffix(".json")
        if not name.endswith(".json") or not (_ID.fullmatch(stem) or _OLD.fullmatch(stem)):
            raise RecordError(path, "not an anchor file name")
        raw = snap.read_json(path)
        if not isinstance(raw, dict):
            raise RecordError(path, "not an object")
        head, when, by = raw.get("head"), raw.get("date"), raw.get("by")
        ident = raw.get("id", str(raw.get("number", "")))
        if (
            not (head is None or (isinstance(head, str) and HEX40.fullmatch(head)))
            or not isinstance(when, str)
            or not isinstance(by, str)
        ):
            raise RecordError(path, "head, date or by is missing or malformed")
        try:
            moment = datetime.fromisoformat(when)
        except ValueError as exc:
            raise RecordError(path, exc) from None
        tag = ANCHOR_TAG + (stem if _ID.fullmatch(stem) else str(int(stem)))
        out.append(Anchor(str(ident), head, None, moment, by, tag))
    return sorted(out, key=lambda a: (a.date, a.id))


@operation("anchor")
@dataclass(frozen=True)
class RecordAnchor(Operation):
    """Record ``head`` (main's head, the parent of the anchor commit) as anchor ``id``."""

    id: str
    head: str | None

    def apply(self, ctx: Context) -> Anchor:
        ctx.require_registered()
        if not _ID.fullmatch(self.id):
            raise InvalidInputError("invalid anchor id {id}: expected A-YYYYMMDD-XXXX", id=repr(self.id))
        if self.head != ctx.tx.commit and not ctx.integrating:
            raise RefusedError(
                "anchor {id} names head {head}, but the head is {actual}",
                id=self.id,
                head=self.head,
                actual=ctx.tx.commit,
            )
        path = f"{ANCHOR_DIR}/{self.id}.json"
        if ctx.tx.exists(path):
            raise RefusedError("anchor {id} already exists", id=self.id)
        ctx.tx.write_json(path, {"id": self.id, "head": self.head, "date": utc_text(ctx.at), "by": ctx.actor})
        ctx.tx.trailer("Sop-Anchor", f"{self.id} {self.head}")
        ctx.tx.tag(f"{ANCHOR_TAG}{self.id}")
        ctx.subject = "Record an audit anchor"
        return Anchor(self.id, self.head, None, ctx.at, ctx.actor, f"{ANCHOR_TAG}{self.id}")


def anchor(store: Store, *, by: str) -> Anchor:
    """Record the current head, in the store and as a tag; the :class:`Anchor` (keep it as a receipt).

    The anchor commit is what the receipt names, so a later verification proves
    that neither this head nor anything before it was rewritten. Keep the
    receipt outside the store too: whoever can rewrite the repository can delete
    the tag as well.
    """
    from dataclasses import replace

    from soplib.authority.office import read_profile
    from soplib.clock import local_day, now, office_zone

    moment = now()
    snap = store.snapshot()
    day = local_day(moment, office_zone(read_profile(snap).time_zone))
    refs = store.git.repo.refs

    def taken(i: str) -> bool:  # its file, or its tag (which outlives a rewritten history)
        return snap.exists(f"{ANCHOR_DIR}/{i}.json") or refs.read(f"refs/tags/{ANCHOR_TAG}{i}") is not None

    anchor_id = new_id("A", day, taken=taken)
    applied = store.apply(RecordAnchor(anchor_id, store.head()), by=by, at=moment)
    result: Anchor = replace(applied.result, commit=applied.commit)
    return result


def receipt(anchor: Anchor, store_path: Path) -> dict[str, Any]:
    """The receipt of an anchor, to keep outside the store (what ``sop audit anchor --out`` writes)."""
    return {"store": str(store_path), **anchor.to_json()}


def read_receipt(data: bytes, *, name: str) -> str:
    """The commit id an anchor receipt recorded."""
    try:
        record = json.loads(data.decode("utf-8"))
        commit = record["commit"]
        if not isinstance(commit, str):
            raise TypeError(commit)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InvalidInputError(
            "{name} is not an anchor receipt (a JSON object with a 'commit', as the anchor command writes)",
            name=name,
        ) from None
    return validate_commit_id(commit)


def validate_commit_id(value: str) -> str:
    """A full 40-hex commit id, lower-cased; anything else is refused."""
    text = value.strip().lower()
    if not HEX40.fullmatch(text):
        raise InvalidInputError("invalid commit id {value}: give the full 40-character id", value=repr(value))
    return text
