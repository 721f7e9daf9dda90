"""Step-level blame: for every item of a version, the version and decision that gave it its text.

Versions are compared pairwise with the structural diff (:func:`soplib.diff.structural`),
oldest first. An item that is ``kept`` or ``moved`` keeps the origin of the
item it continues; a ``changed`` item (a replaced step) and an ``added`` one
take the version that introduced them. Version 1 is ``original``. A version
approved in a review session names the session and the decision recorded
there (``replace`` or ``add``, with its reason); a direct ``sop update`` is
``update``.

    >>> [(b.key, b.source.version, b.source.origin) for b in store.sops.blame("KPU-NTB-SOP-01").items]
    [('prosedur/1', 1, 'original'), ('prosedur/2', 2, 'replace'), ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sop_store import Snapshot, validate_doc_id
from soplib.documents.diff import ItemChange, structural
from soplib.documents.model import SopDocument, normalise
from soplib.documents.parse import parse
from soplib.documents.records import VersionRecord, read_record
from soplib.errors import NotFoundError
from soplib.review.log import SessionState
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.store import Store


@dataclass(frozen=True)
class Origin(Value):
    """Where an item's current text comes from."""

    version: int
    origin: str  # "original", "replace", "add", "update", or the version's action
    date: datetime
    by: str
    session: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BlameItem(Value):
    """One item of the blamed version and its :class:`Origin`."""

    key: str
    text: str
    source: Origin


@dataclass(frozen=True)
class Blame(Value):
    """Every item of one version of an SOP with the version and decision that introduced it."""

    id: str
    title: str
    version: int
    items: tuple[BlameItem, ...]


def _session(snap: Snapshot, session_id: str | None) -> SessionState | None:
    from soplib.review.records import read_state

    if not session_id:
        return None
    try:
        return read_state(snap, session_id)
    except NotFoundError:
        return None


def _decision(state: SessionState | None, sop_id: str, change: ItemChange) -> tuple[str, str | None]:
    """(``replace`` or ``add``, its reason) of the session decision that made ``change``.

    A replaced list entry or field the diff cannot pair with its old self (it
    reports it removed and added) is still found: by its text, among the
    session's ``replace`` decisions, before its additions.
    """
    kind = "replace" if change.status == "changed" else "add"
    if state is None:
        return kind, None
    if change.status == "changed" and change.old_key:
        decision = state.decisions.get((sop_id, change.old_key))
        if decision is not None:
            return kind, decision.reason
    wanted = normalise(change.new_text or "")
    for (sop, _key), decision in state.decisions.items():
        if sop == sop_id and decision.action == "replace" and normalise(decision.text or "") == wanted:
            return "replace", decision.reason
    for added in state.adds.get(sop_id, []):
        if normalise(added.text) == wanted:
            return "add", added.reason
    return kind, None


def _origin(record: VersionRecord, change: ItemChange, state: SessionState | None, sop_id: str) -> Origin:
    session = record.session
    if record.action == "update" or not session:
        kind = record.action if record.action != "approve" else "update"
        return Origin(record.version, kind, record.created, record.by, session, record.message or None)
    kind, reason = _decision(state, sop_id, change)
    return Origin(record.version, kind, record.created, record.by, session, reason)


def blame(store: Store, sop_id: str, *, version: int | None = None) -> Blame:
    """For every item of ``version`` (default: the latest) of ``sop_id``, the origin of its text."""
    validate_doc_id(sop_id)
    snap = store.snapshot()
    info = read_record(snap, sop_id)
    target = info.version(info.latest.version if version is None else version).version
    origins: dict[str, Origin] = {}
    previous: SopDocument | None = None
    for record in info.versions[:target]:
        doc = parse(snap.repo.read_blob(record.blob), source=f"{sop_id} v{record.version}")
        if previous is None:
            first = Origin(1, "original", record.created, record.by, record.session)
            origins = {item.key: first for item in doc.items}
        else:
            state = _session(snap, record.session)
            now: dict[str, Origin] = {}
            for change in structural(previous, doc).items:
                if change.new_key is None:
                    continue
                if change.status in ("kept", "moved") and change.old_key in origins:
                    now[change.new_key] = origins[change.old_key]
                else:
                    now[change.new_key] = _origin(record, change, state, sop_id)
            origins = now
        previous = doc
    assert previous is not None
    items = tuple(BlameItem(i.key, i.text, origins[i.key]) for i in previous.items)
    return Blame(sop_id, previous.title, target, items)
