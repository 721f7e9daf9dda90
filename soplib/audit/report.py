"""The audit report: what an assessor asks to see about an office's SOPs, as of a day.

:func:`audit_report` gathers, from one snapshot of the store:

* the SOP register: every SOP, the version in force, its effective date, who
  ratified it (frozen at approval, or as declared on import) and its next
  periodic review;
* the review sessions with their teams (names and roles) and outcomes;
* the grade of "SOPs are evaluated" (ZI worksheet, A-E) and the rule that gave it;
* internalisation coverage per SOP and per unit, and who has not acknowledged;
* periodic reviews that are overdue;
* the store head it was made from, so the report can be checked against the
  history later (``sop audit verify --head``).

The grade (docs/audit.md, "The grade"): over the 12 months ending on the
report day, *main SOPs* are the SOPs recorded by that day that were not created
by a review's proposal and had not been withdrawn before the window began. An
SOP is *evaluated* when a session started in the window (not abandoned)
recorded an outcome or an evaluation worksheet for it; it is *followed up* when
that session was approved, or its outcome is ``revise`` in a still-open
session (a revision proposal). A: every main SOP followed up (1.0); B: more
than half followed up (0.75); C: more than half evaluated (0.5); D: at least
one evaluated (0.25); E: none (0).

    >>> report = store.audit.report(as_of=date(2026, 12, 31))
    >>> report.grade.letter, report.grade.rule
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sop_store import Snapshot
from soplib.audit.due import DueReview, next_review, reviews_due
from soplib.audit.history import AsOf, in_force
from soplib.clock import add_months
from soplib.documents.records import Approver, read_record, sop_ids
from soplib.people.coverage import CoverageReport, coverage_at
from soplib.people.staff import read_registry
from soplib.review.log import SessionState
from soplib.review.records import kept_reviews, read_sessions
from soplib.values import Value

if TYPE_CHECKING:
    from soplib.store import Store

WINDOW_MONTHS = 12
"""The grade looks at review sessions started in this many months up to the report day."""

GRADES: tuple[tuple[str, float, str], ...] = (
    ("A", 1.0, "every main SOP evaluated and followed up"),
    ("B", 0.75, "more than half of the main SOPs evaluated and followed up"),
    ("C", 0.5, "more than half of the main SOPs evaluated, half or fewer followed up"),
    ("D", 0.25, "at least one main SOP evaluated, half or fewer"),
    ("E", 0.0, "no main SOP evaluated"),
)


@dataclass(frozen=True)
class RegisterRow(Value):
    """One SOP of the register: the version in force on the report day (else the latest)."""

    id: str
    title: str
    unit: str | None
    version: int
    status: str  # in_force, scheduled, withdrawn
    effective_date: date
    approver: Approver | None  # frozen at approval, or declared on import (``declared`` says which)
    declared: bool
    next_review: date | None
    last_evaluated: date | None = None  # the latest approved review that recorded an outcome for it
    last_session: str | None = None
    last_outcome: str | None = None


@dataclass(frozen=True)
class TeamRow(Value):
    id: str
    role: str
    name: str | None
    position: str | None


@dataclass(frozen=True)
class SessionRow(Value):
    """One review session and the outcome it recorded for each SOP."""

    id: str
    title: str
    ref: str
    status: str
    started_at: datetime
    closed_at: datetime | None
    closed_by: str | None
    effective_date: date | None
    team: tuple[TeamRow, ...]
    outcomes: dict[str, str]  # SOP id -> keep|revise|withdraw|none
    evaluated: tuple[str, ...]
    proposed: tuple[str, ...]
    closed_by_name: str | None = None  # the registry's name and position of ``closed_by``
    closed_by_position: str | None = None


@dataclass(frozen=True)
class Grade(Value):
    """The A-E grade of "SOPs are evaluated", with the counts and the rule that gave it."""

    letter: str
    score: float
    rule: str
    window_start: date
    window_end: date
    main: tuple[str, ...]
    evaluated: tuple[str, ...]
    followed_up: tuple[str, ...]


@dataclass(frozen=True)
class AuditReport(Value):
    """Everything :func:`audit_report` gathered, from the store at :attr:`head`."""

    on: date
    as_of: AsOf | None
    head: str | None
    register: tuple[RegisterRow, ...]
    sessions: tuple[SessionRow, ...]
    grade: Grade
    coverage: CoverageReport
    overdue: tuple[DueReview, ...]
    time_zone: str = "UTC"  # the office's (IANA name): the days of the report are days there

    def outstanding(self) -> list[dict[str, Any]]:
        """One row per (SOP, person) still to acknowledge the version in force."""
        staff = self.coverage.staff
        return [
            {"sop": s.id, "version": s.version, **staff[i].to_json()}
            for s in self.coverage.sops
            for i in s.outstanding
        ]

    def _json_extra(self) -> dict[str, Any]:
        return {"outstanding": self.outstanding()}


def _ratifier(record_version: Any, staff: dict[str, Any]) -> tuple[Approver | None, bool]:
    approver = record_version.approver
    if approver is not None:
        if approver.name is None and approver.id in staff:  # soplib 0.1 kept only the id
            p = staff[approver.id]
            approver = Approver(p.id, p.name, p.position, p.unit)
        return approver, False
    declared = record_version.front.get("declared")
    ratified = declared.get("ratified_by") if isinstance(declared, dict) else None
    if isinstance(ratified, dict) and isinstance(ratified.get("name"), str):
        return Approver(str(ratified.get("nip") or "-"), ratified["name"], ratified.get("position")), True
    return None, False


def _register(snap: Snapshot, day: date, reviewed: dict[str, date]) -> list[RegisterRow]:
    from soplib.review.records import last_evaluated

    staff = read_registry(snap)
    evaluated = {k: v for k, v in last_evaluated(snap).items() if v[0] <= day}
    rows = []
    for sop_id in sop_ids(snap):
        record = read_record(snap, sop_id)
        current = in_force(record, day)
        withdrawn = record.withdrawn_on is not None and record.withdrawn_on <= day
        v = current or record.latest
        status = "in_force" if current else ("withdrawn" if withdrawn else "scheduled")
        due = next_review(record, reviewed, v) if status != "withdrawn" else None
        approver, declared = _ratifier(v, staff)
        rows.append(
            RegisterRow(
                sop_id,
                v.title,
                v.unit,
                v.version,
                status,
                v.effective,
                approver,
                declared,
                due[2] if due else None,
                *evaluated.get(sop_id, (None, None, None)),
            )
        )
    return rows


def _session_row(state: SessionState, staff: dict[str, Any]) -> SessionRow:
    h = state.header
    sops = [*h.pinned, *(s for s in state.proposals if s not in h.pinned)]
    team = tuple(
        TeamRow(
            m.id,
            m.role,
            staff[m.id].name if m.id in staff else None,
            staff[m.id].position if m.id in staff else None,
        )
        for m in h.team
    )
    outcomes = {s: (state.outcomes[s].action if s in state.outcomes else "none") for s in h.pinned}
    closer = staff.get(h.closed_by) if h.closed_by else None
    return SessionRow(
        h.id, h.title, h.ref, h.status, h.started_at, h.closed_at, h.closed_by, h.effective_date,
        team, outcomes,
        tuple(s for s in sops if s in state.evaluations), tuple(state.proposals),
        closer.name if closer else None, closer.position if closer else None,
    )  # fmt: skip


def grade_of(snap: Snapshot, states: list[SessionState], day: date, zone: Any) -> Grade:
    """The A-E grade over the :data:`WINDOW_MONTHS` months ending on ``day`` (rule in the module doc)."""
    start = add_months(day, -WINDOW_MONTHS)
    proposed = {s for st in states if st.header.status == "approved" for s in st.proposals}
    main = []
    for sop_id in sop_ids(snap):
        record = read_record(snap, sop_id)
        gone = record.withdrawn_on is not None and record.withdrawn_on <= start
        if sop_id not in proposed and not gone and record.versions[0].created.astimezone(zone).date() <= day:
            main.append(sop_id)
    evaluated: set[str] = set()
    followed: set[str] = set()
    for st in states:
        h = st.header
        started = h.started_at.astimezone(zone).date()
        if h.status == "abandoned" or not (start < started <= day):
            continue
        for sop_id in h.pinned:
            if sop_id not in st.outcomes and sop_id not in st.evaluations:
                continue
            evaluated.add(sop_id)
            outcome = st.outcomes.get(sop_id)
            if h.status == "approved" or (outcome is not None and outcome.action == "revise"):
                followed.add(sop_id)
    counted = [s for s in main if s in evaluated]
    done = [s for s in main if s in followed]
    n = len(main)
    if n and len(done) == n:
        letter = "A"
    elif n and 2 * len(done) > n:
        letter = "B"
    elif n and 2 * len(counted) > n:
        letter = "C"
    elif counted:
        letter = "D"
    else:
        letter = "E"
    _, score, rule = next(g for g in GRADES if g[0] == letter)
    shares = f"{len(counted)} of {n} main SOPs evaluated, {len(done)} followed up"
    return Grade(
        letter, score, f"{letter} = {rule} ({shares})", start, day, tuple(main), tuple(counted), tuple(done)
    )


def audit_report(store: Store, *, as_of: date | None = None, today: date | None = None) -> AuditReport:
    """The report as the record stood at the end of ``as_of``, or of the store now on ``today``."""
    from soplib.authority.office import read_profile
    from soplib.clock import local_day, now, office_zone

    zone_name = read_profile(store.snapshot()).time_zone
    zone = office_zone(zone_name)
    point = store.audit.as_of(as_of) if as_of is not None else None
    if point is not None and not point.existed:
        from soplib.errors import NotFoundError

        raise NotFoundError("the store did not exist yet at the end of {day}", day=point.date.isoformat())
    snap = point.snapshot(store) if point else store.snapshot()
    day = point.date if point else (today or local_day(now(), zone))
    states = read_sessions(snap)
    reviewed = kept_reviews(snap)
    due = reviews_due(snap, within_days=0, today=day, last_reviewed=reviewed)
    staff = read_registry(snap)
    started = [s for s in states if s.header.started_at.astimezone(zone).date() <= day]
    return AuditReport(
        on=day,
        as_of=point,
        head=snap.commit,
        register=tuple(_register(snap, day, reviewed)),
        sessions=tuple(_session_row(s, staff) for s in started),
        grade=grade_of(snap, states, day, zone),
        coverage=coverage_at(snap, day=day, point=point),
        overdue=tuple(d for d in due if d.is_overdue),
        time_zone=zone_name or "UTC",
    )
