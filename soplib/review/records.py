"""Reading review sessions from a snapshot: headers, logs, the pinned documents, what was kept.

Log entries and parsed documents are cached by blob id (content-addressed, so
an entry never goes stale): replaying a store's history reads each once.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from sop_store import Snapshot, validate_doc_id
from soplib.documents.model import SopDocument
from soplib.documents.parse import parse
from soplib.documents.records import read_record
from soplib.errors import NotFoundError, RecordError
from soplib.review.log import (
    REVIEW_DIR,
    Entry,
    LogEntry,
    SessionHeader,
    SessionState,
    is_session_id,
    validate_session_id,
)
from soplib.values import load

_ENTRIES: OrderedDict[str, Entry] = OrderedDict()


def header_path(session_id: str) -> str:
    return f"{REVIEW_DIR}/{validate_session_id(session_id)}/session.json"


def log_dir(session_id: str) -> str:
    return f"{REVIEW_DIR}/{validate_session_id(session_id)}/log"


def read_header(snap: Snapshot, session_id: str) -> SessionHeader:
    path = header_path(session_id)
    if not snap.exists(path):
        raise NotFoundError("no review session {id}", id=session_id)
    header: SessionHeader = load(SessionHeader, snap.read_json(path), path=path)
    if header.id != session_id:
        raise RecordError(path, "its id is another session's")
    return header


def _entry(snap: Snapshot, path: str) -> Entry:
    blob = snap.blob_id(path)
    assert blob is not None
    cached = _ENTRIES.get(blob)
    if cached is None:
        cached = load(LogEntry, snap.read_json(path), path=path)
        _ENTRIES[blob] = cached
        if len(_ENTRIES) > 50_000:
            _ENTRIES.popitem(last=False)
    return cached


def read_state(snap: Snapshot, session_id: str) -> SessionState:
    """One session with its log replayed; :class:`NotFoundError` if there is no such session."""
    header = read_header(snap, session_id)
    folder = log_dir(session_id)
    entries = []
    for name in snap.list(folder):
        path = f"{folder}/{name}"
        if not (name.endswith(".json") and name[:-5].isdigit()):
            raise RecordError(path, "not a log entry file")
        entry = _entry(snap, path)
        if entry.seq != int(name[:-5]):
            raise RecordError(path, "its sequence number is not its file name")
        entries.append(entry)
    return SessionState(header, sorted(entries, key=lambda e: e.seq))


def read_sessions(snap: Snapshot) -> list[SessionState]:
    """Every session in ``snap`` with its log replayed, oldest first."""
    states = [read_state(snap, name) for name in snap.list(REVIEW_DIR) if is_session_id(name)]
    return sorted(states, key=lambda s: (s.header.started_at, s.header.id))


def pinned_document(snap: Snapshot, header: SessionHeader, sop_id: str) -> SopDocument:
    """The pinned version of ``sop_id`` that the session reviews."""
    validate_doc_id(sop_id)
    if sop_id not in header.pinned:
        listed = ", ".join(header.pinned) or "none"
        raise NotFoundError(
            "session {id} does not review {sop} (it reviews: {listed})",
            id=header.id,
            sop=sop_id,
            listed=listed,
        )
    version = header.pinned[sop_id]
    blob = read_record(snap, sop_id).version(version).blob
    return parse(snap.repo.read_blob(blob), source=f"{sop_id} v{version}")  # parsed once per text


def last_evaluated(snap: Snapshot) -> dict[str, tuple[date, str, str]]:
    """SOP id -> (day, session id, outcome) of the latest approved review that recorded an outcome for it."""
    from soplib import clock
    from soplib.authority.office import read_profile

    # The day the evaluation was concluded (approved), in the office's time: what an
    # assessor reads as "last evaluated", not the day the result took effect.
    zone = clock.office_zone(read_profile(snap).time_zone)
    out: dict[str, tuple[date, str, str]] = {}
    for state in read_sessions(snap):
        header = state.header
        if header.status != "approved":
            continue
        day = clock.local_day(header.closed_at or header.started_at, zone)
        for sop_id, entry in state.outcomes.items():
            if sop_id not in out or day >= out[sop_id][0]:
                out[sop_id] = (day, header.id, entry.action)
    return out


def kept_reviews(snap: Snapshot) -> dict[str, date]:
    """SOP id -> the day of its latest approved review whose outcome was ``keep``.

    The day is the session's effective date (else the day it was approved): a
    review that found an SOP still fit restarts its periodic-review clock.
    """
    return {sop: day for sop, (day, _) in last_kept(snap).items()}


def last_kept(snap: Snapshot) -> dict[str, tuple[date, str]]:
    """SOP id -> (day, session id) of its latest approved review with outcome ``keep``."""
    out: dict[str, tuple[date, str]] = {}
    for state in read_sessions(snap):
        header = state.header
        if header.status != "approved":
            continue
        day = header.effective_date or (header.closed_at or header.started_at).date()
        for sop_id, entry in state.outcomes.items():
            if entry.action == "keep" and (sop_id not in out or day >= out[sop_id][0]):
                out[sop_id] = (day, header.id)
    return out
