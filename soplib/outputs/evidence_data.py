"""What the evidence documents of a review session show, read from one snapshot of the store.

A review session's minutes (*notula*) and evaluation worksheet (*kertas kerja
evaluasi*) are made from :class:`SessionEvidence`: plain values with every
staff id resolved to the person (name, position, unit) as the registry of
that snapshot describes them, every item decided on with its text in the
version reviewed, and the session's log in order.

    >>> evidence = session_evidence(store, "R-20260310-0A1B", language="id")
    >>> [line.outcome for line in evidence.sops]
    ['revise', 'keep', 'withdraw']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sop_store import Snapshot
from soplib.clock import office_zone
from soplib.outputs.from_store import document_language, office_profile
from soplib.outputs.sheet import Frame
from soplib.people.staff import StaffMember, read_registry
from soplib.review.log import (
    AbandonEntry,
    AddEntry,
    DecisionEntry,
    OutcomeEntry,
    ProposalEntry,
    RetractEntry,
    SessionState,
)

if TYPE_CHECKING:
    from soplib.store import Store


@dataclass(frozen=True)
class Person:
    """Someone named in a record: the registry's name, position and unit ("" when not registered)."""

    id: str
    name: str = ""
    position: str = ""
    unit: str = ""

    @property
    def label(self) -> str:
        """The name, or the id of someone the registry does not know."""
        return self.name or self.id


def person(registry: Mapping[str, StaffMember], staff_id: str) -> Person:
    """The person with ``staff_id`` as ``registry`` describes them.

    >>> person({}, 'tamu.luar').label
    'tamu.luar'
    """
    p = registry.get(staff_id)
    return Person(staff_id, p.name, p.position, p.unit) if p else Person(staff_id)


def frame_at(store: Store, snap: Snapshot, language: str | None) -> Frame:
    """The frame of a document read from ``snap``: office, time zone, commit, language.

    >>> frame_at(store, store.snapshot(), None).language
    'id'
    """
    from soplib.authority.office import read_profile

    zone = office_zone(read_profile(snap).time_zone)
    return Frame(office_profile(store, snapshot=snap), zone, snap.commit, document_language(snap, language))


@dataclass(frozen=True)
class TeamSeat:
    person: Person
    role: str


@dataclass(frozen=True)
class Evaluated:
    """The worksheet of one SOP: the seven criteria answered (Ya / Tidak), notes, who and when."""

    answers: dict[str, bool]
    notes: dict[str, str]
    by: Person
    at: datetime | None


@dataclass(frozen=True)
class SopLine:
    """One SOP of the session: its outcome (latest), what was decided on its items, its worksheet."""

    id: str
    version: int | None  # None: a new SOP proposed in the session
    title: str
    outcome: str | None  # keep, revise, withdraw; None: not decided
    reason: str | None
    decided_by: Person | None
    decided_at: datetime | None
    counts: dict[str, int]  # kept, removed, replaced, added
    kept: tuple[str, ...]  # the keys kept as they are
    evaluation: Evaluated | None
    new_version: int | None = None  # the version the approval wrote


@dataclass(frozen=True)
class LogLine:
    """One entry of the session's log that decides something, in log order.

    ``action``: ``outcome`` (``value`` is keep/revise/withdraw), ``keep``,
    ``remove``, ``replace``, ``add``, ``retract`` or ``proposal``. ``before``
    is the item's text in the version reviewed, ``after`` the new text.
    ``later`` is the entry that superseded or took this one back.
    """

    seq: int
    action: str
    sop: str
    key: str
    before: str
    after: str
    value: str
    reason: str
    by: Person
    at: datetime | None
    later: int | None = None


@dataclass(frozen=True)
class SessionEvidence:
    """A review session as its minutes and worksheet show it."""

    frame: Frame
    id: str
    title: str
    ref: str
    status: str
    started_by: Person
    started_at: datetime
    closed_by: Person | None
    closed_at: datetime | None
    effective: date | None
    abandon_reason: str | None
    team: tuple[TeamSeat, ...]
    sops: tuple[SopLine, ...]
    log: tuple[LogLine, ...]

    @property
    def chair(self) -> TeamSeat | None:
        """The team's chair (the first member when nobody has the role)."""
        return next((s for s in self.team if s.role == "chair"), self.team[0] if self.team else None)


def _item_text(snap: Snapshot, state: SessionState, sop_id: str, key: str) -> str:
    from soplib.errors import SopError
    from soplib.review.records import pinned_document

    if sop_id not in state.header.pinned:
        return ""
    try:
        return pinned_document(snap, state.header, sop_id).item(key).text
    except SopError:  # a key the version does not have (the log is checked when written; be lenient)
        return ""


def _log(snap: Snapshot, state: SessionState, registry: dict[str, StaffMember]) -> list[LogLine]:
    retracted = {e.target: e.seq for e in state.entries if isinstance(e, RetractEntry)}
    targets = {e.seq: e for e in state.entries}
    out = []
    for e in state.entries:
        by = person(registry, e.by)
        if isinstance(e, OutcomeEntry):
            latest = state.outcomes.get(e.sop)
            later = latest.seq if latest is not None and latest.seq != e.seq else None
            out.append(
                LogLine(e.seq, "outcome", e.sop, "", "", "", e.action, e.reason or "", by, e.when, later)
            )
        elif isinstance(e, DecisionEntry):
            current = state.decisions.get((e.sop, e.key))
            later = current.seq if current is not None and current.seq != e.seq else None
            before = _item_text(snap, state, e.sop, e.key)
            text, reason = e.text or "", e.reason or ""
            out.append(LogLine(e.seq, e.action, e.sop, e.key, before, text, "", reason, by, e.when, later))
        elif isinstance(e, AddEntry):
            where = e.after or e.section or ""
            out.append(
                LogLine(
                    e.seq,
                    "add",
                    e.sop,
                    where,
                    "",
                    e.text,
                    "",
                    e.reason or "",
                    by,
                    e.when,
                    retracted.get(e.seq),
                )
            )
        elif isinstance(e, ProposalEntry):
            title = _proposal_title(e.text)
            out.append(
                LogLine(
                    e.seq,
                    "proposal",
                    e.sop,
                    "",
                    "",
                    title,
                    "",
                    e.reason or "",
                    by,
                    e.when,
                    retracted.get(e.seq),
                )
            )
        elif isinstance(e, RetractEntry):
            target = targets.get(e.target)
            sop = getattr(target, "sop", "")
            out.append(LogLine(e.seq, "retract", sop, f"#{e.target}", "", "", "", e.reason or "", by, e.when))
    return out


def _proposal_title(text: str) -> str:
    from soplib.documents.parse import parse
    from soplib.errors import SopError

    try:
        return parse(text, source="proposal").title
    except SopError:  # checked when proposed; a title is only shown here
        return ""


def _sop_lines(snap: Snapshot, state: SessionState, registry: dict[str, StaffMember]) -> list[SopLine]:
    from soplib.documents.records import read_record

    h = state.header
    out = []
    ids = [*h.pinned, *(s for s in state.proposals if s not in h.pinned)]
    for sop_id in ids:
        version = h.pinned.get(sop_id)
        if version is not None:
            record = read_record(snap, sop_id)
            title = record.version(version).title
            written = next((v.version for v in record.versions if v.session == h.id), None)
        else:
            title, written = _proposal_title(state.proposals[sop_id].text), None
            if h.status == "approved" and snap.exists(f"sops/{sop_id}.json"):
                written = 1
        outcome = state.outcomes.get(sop_id)
        ev = state.evaluations.get(sop_id)
        evaluated = (
            Evaluated(dict(ev.answers), dict(ev.notes), person(registry, ev.by), ev.when) if ev else None
        )
        kept = tuple(k for (s, k), d in state.decisions.items() if s == sop_id and d.action == "keep")
        out.append(
            SopLine(
                sop_id, version, title,
                outcome.action if outcome else None, outcome.reason if outcome else None,
                person(registry, outcome.by) if outcome else None, outcome.when if outcome else None,
                state.counts(sop_id), kept, evaluated, written,
            )
        )  # fmt: skip
    return out


def evidence_of(store: Store, snap: Snapshot, state: SessionState, language: str | None) -> SessionEvidence:
    """:class:`SessionEvidence` of a session already read from ``snap``.

    >>> evidence_of(store, snap, read_state(snap, 'R-20260310-0A1B'), 'en').status
    'approved'
    """
    registry = read_registry(snap)
    h = state.header
    abandoned = next((e for e in reversed(state.entries) if isinstance(e, AbandonEntry)), None)
    return SessionEvidence(
        frame=frame_at(store, snap, language),
        id=h.id,
        title=h.title,
        ref=h.ref,
        status=h.status,
        started_by=person(registry, h.started_by),
        started_at=h.started_at,
        closed_by=person(registry, h.closed_by) if h.closed_by else None,
        closed_at=h.closed_at,
        effective=h.effective_date,
        abandon_reason=abandoned.reason if abandoned else None,
        team=tuple(TeamSeat(person(registry, m.id), m.role) for m in h.team),
        sops=tuple(_sop_lines(snap, state, registry)),
        log=tuple(_log(snap, state, registry)),
    )


def session_evidence(
    store: Store, session_id: str, *, language: str | None = None, snapshot: Snapshot | None = None
) -> SessionEvidence:
    """The minutes' and worksheet's content for ``session_id`` (:class:`NotFoundError` if unknown).

    ``language`` defaults to the office profile's, else Bahasa Indonesia.

    >>> session_evidence(store, 'R-20260310-0A1B').chair.role
    'chair'
    """
    from soplib.review.log import validate_session_id
    from soplib.review.records import read_state

    snap = snapshot or store.snapshot()
    return evidence_of(store, snap, read_state(snap, validate_session_id(session_id)), language)


__all__ = [
    "Evaluated",
    "LogLine",
    "Person",
    "SessionEvidence",
    "SopLine",
    "TeamSeat",
    "evidence_of",
    "frame_at",
    "person",
    "session_evidence",
]
