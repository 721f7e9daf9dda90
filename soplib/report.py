"""The audit report: what an assessor asks to see about an office's SOPs, as of a date.

:func:`audit_report` gathers, from one snapshot of the store:

* the SOP register: every SOP, the version in force, its effective date,
  approver and next periodic review;
* the review sessions and their outcome per SOP;
* the grade of "SOPs are evaluated" (ZI worksheet, A-E) and the rule that gave it;
* internalisation coverage per SOP and per unit, and who has not acknowledged;
* periodic reviews that are overdue;
* the store head it was made from, so the report can later be checked against
  the history (``sop audit verify --head``).

The grade (docs/audit.md, "The grade"): over the 12 months ending on the report
date, *main SOPs* are the SOPs recorded by that date that were not created by a
review's proposal and had not been withdrawn before the window began. An SOP is
*evaluated* when a session started in the window (not abandoned) recorded an
outcome or an evaluation worksheet for it; it is *followed up* when that
session was approved (the revision, withdrawal or confirmation is in the
record) or its outcome is ``revise`` in a still-open session (a revision
proposal). Then A: every main SOP followed up (1.0); B: more than half followed
up (0.75); C: more than half evaluated (0.5); D: at least one evaluated (0.25);
E: none (0).

    >>> report = audit_report(store, on="2026-12-31")
    >>> report.grade.letter, report.grade.rule
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sop_store
from sop_store import Snapshot
from soplib.audit import AsOf, as_of, effective_date, in_force
from soplib.coverage import CoverageReport, coverage_at
from soplib.due import DueReview, add_months, next_review, reviews_due
from soplib.errors import InvalidInputError, RefusedError
from soplib.review import kept_reviews, read_sessions
from soplib.review_log import SessionState
from soplib.staff import read_registry
from soplib.store import Store

WINDOW_MONTHS = 12
"""The grade looks at review sessions started in this many months up to the report date."""

GRADES: tuple[tuple[str, float, str], ...] = (
    ("A", 1.0, "every main SOP evaluated and followed up"),
    ("B", 0.75, "more than half of the main SOPs evaluated and followed up"),
    ("C", 0.5, "more than half of the main SOPs evaluated, half or fewer followed up"),
    ("D", 0.25, "at least one main SOP evaluated, half or fewer"),
    ("E", 0.0, "no main SOP evaluated"),
)


@dataclass(frozen=True)
class RegisterRow:
    """One SOP of the register: the version in force on the report date (else the latest)."""

    id: str
    title: str
    unit: str | None
    version: int
    status: str  # in_force, scheduled, withdrawn
    effective_date: str
    approver: str
    approver_name: str | None
    next_review: str | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class SessionRow:
    """One review session and the outcome it recorded for each SOP."""

    id: str
    title: str
    ref: str
    status: str
    started_at: str
    closed_at: str | None
    effective_date: str | None
    team: tuple[str, ...]
    outcomes: tuple[tuple[str, str], ...]  # (SOP id, keep|revise|withdraw|none)
    evaluated: tuple[str, ...]  # SOPs with an evaluation worksheet
    proposed: tuple[str, ...]  # new SOPs proposed

    def to_json(self) -> dict[str, Any]:
        return {
            **{
                k: v
                for k, v in self.__dict__.items()
                if k not in ("team", "outcomes", "evaluated", "proposed")
            },
            "team": list(self.team),
            "outcomes": dict(self.outcomes),
            "evaluated": list(self.evaluated),
            "proposed": list(self.proposed),
        }


@dataclass(frozen=True)
class Grade:
    """The A-E grade of "SOPs are evaluated", with the counts and the rule that gave it."""

    letter: str
    score: float
    rule: str
    window_start: str
    window_end: str
    main: tuple[str, ...]
    evaluated: tuple[str, ...]
    followed_up: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "letter": self.letter,
            "score": self.score,
            "rule": self.rule,
            "window": {"from": self.window_start, "to": self.window_end},
            "main": len(self.main),
            "evaluated": len(self.evaluated),
            "followed_up": len(self.followed_up),
            "main_sops": list(self.main),
            "evaluated_sops": list(self.evaluated),
            "followed_up_sops": list(self.followed_up),
        }


@dataclass(frozen=True)
class AuditReport:
    """Everything :func:`audit_report` gathered, from the store at :attr:`head`."""

    on: str
    as_of: AsOf | None
    head: str | None
    register: tuple[RegisterRow, ...]
    sessions: tuple[SessionRow, ...]
    grade: Grade
    coverage: CoverageReport
    overdue: tuple[DueReview, ...]

    @property
    def outstanding(self) -> list[dict[str, Any]]:
        """One row per (SOP, person) still to acknowledge the version in force."""
        return [
            {"sop": s.id, "version": s.version, **p.to_json()}
            for s in self.coverage.sops
            for p in s.outstanding
        ]

    def to_json(self) -> dict[str, Any]:
        cov = self.coverage
        return {
            "on": self.on,
            "as_of": self.as_of.to_json() if self.as_of else None,
            "head": self.head,
            "register": [r.to_json() for r in self.register],
            "sessions": [s.to_json() for s in self.sessions],
            "grade": self.grade.to_json(),
            "coverage": {
                "required": cov.required,
                "acknowledged": cov.acknowledged,
                "percent": cov.percent,
                "sops": [
                    {k: v for k, v in s.to_json().items() if k not in ("outstanding", "audience")}
                    for s in cov.sops
                ],
                "units": [u.to_json() for u in cov.units],
            },
            "outstanding": self.outstanding,
            "overdue": [d.to_json() for d in self.overdue],
        }


def _register(snap: Snapshot, day: str, reviewed: dict[str, str]) -> list[RegisterRow]:
    staff = read_registry(snap)
    rows = []
    for sop_id in sop_store.doc_ids(snap):
        info = sop_store.doc_info(snap, sop_id)
        current = in_force(info, day)
        withdrawn = info.withdrawn and str(info.withdrawn.get("date", ""))[:10] <= day
        record = current or info.latest
        status = "in_force" if current else ("withdrawn" if withdrawn else "scheduled")
        front = record.meta.get("front") or {}
        approver = str(record.meta.get("approved_by") or record.by)
        person = staff.get(approver)
        due = next_review(info, reviewed, record) if status != "withdrawn" else None
        rows.append(
            RegisterRow(
                id=sop_id,
                title=str(front.get("title", "")),
                unit=front.get("unit"),
                version=record.version,
                status=status,
                effective_date=effective_date(record),
                approver=approver,
                approver_name=f"{person.name} ({person.position})" if person else None,
                next_review=due[2].isoformat() if due else None,
            )
        )
    return rows


def _session_row(state: SessionState) -> SessionRow:
    h = state.header
    sops = [*h.pinned, *(s for s in state.proposals if s not in h.pinned)]
    return SessionRow(
        id=h.id,
        title=h.title,
        ref=h.ref,
        status=h.status,
        started_at=h.started_at,
        closed_at=h.closed_at,
        effective_date=h.effective_date,
        team=tuple(f"{m.id} ({m.role})" for m in h.team),
        outcomes=tuple(
            (s, state.outcomes[s].action or "none" if s in state.outcomes else "none") for s in h.pinned
        ),
        evaluated=tuple(s for s in sops if s in state.evaluations),
        proposed=tuple(state.proposals),
    )


def grade_of(snap: Snapshot, states: list[SessionState], day: str) -> Grade:
    """The A-E grade over the :data:`WINDOW_MONTHS` months ending on ``day`` (rule in the module doc)."""
    start = add_months(date.fromisoformat(day), -WINDOW_MONTHS).isoformat()
    proposed = {s for st in states if st.header.status == "approved" for s in st.proposals}
    main = []
    for sop_id in sop_store.doc_ids(snap):
        info = sop_store.doc_info(snap, sop_id)
        gone = info.withdrawn and str(info.withdrawn.get("date", ""))[:10] <= start
        if sop_id not in proposed and not gone and info.versions[0].created[:10] <= day:
            main.append(sop_id)
    evaluated: set[str] = set()
    followed: set[str] = set()
    for st in states:
        h = st.header
        if h.status == "abandoned" or not (start < h.started_at[:10] <= day):
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


def audit_report(store: Store, *, on: str | None = None, today: date | None = None) -> AuditReport:
    """The audit report as of the end of ``on`` (``YYYY-MM-DD``), or of the store now on ``today``.

    ``today`` (default: the current UTC date) is the reference date when ``on``
    is not given: versions in force, overdue reviews and the grade's window are
    counted on it.
    """
    point = as_of(store, on) if on is not None else None
    snap = point.snapshot(store) if point else store.snapshot()
    day = point.date if point else (today or datetime.now(UTC).date()).isoformat()
    states = read_sessions(snap)
    reviewed = kept_reviews(snap)
    due = reviews_due(
        store, within_days=0, today=date.fromisoformat(day), last_reviewed=reviewed, snapshot=snap
    )
    return AuditReport(
        on=day,
        as_of=point,
        head=snap.commit,
        register=tuple(_register(snap, day, reviewed)),
        sessions=tuple(_session_row(s) for s in states if s.header.started_at[:10] <= day),
        grade=grade_of(snap, states, day),
        coverage=coverage_at(snap, point=point) if point else _coverage_on(snap, day),
        overdue=tuple(d for d in due if d.is_overdue),
    )


def _coverage_on(snap: Snapshot, day: str) -> CoverageReport:
    """Coverage of the versions in force on ``day`` read from ``snap`` (the store now)."""
    return coverage_at(snap, point=AsOf(date=day, commit=snap.commit, commit_date=None))


def write_output(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to exactly ``path``: a new file, or over an existing one only with ``force``.

    Nothing else is written (no temporary file beside it); a folder or a
    missing parent folder is refused with a one-line error.
    """
    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder; give a file name with -o")
    if not path.parent.is_dir():
        raise InvalidInputError(f"folder {path.parent} does not exist; create it or give another -o path")
    try:
        with path.open("wb" if force else "xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise RefusedError(f"{path} already exists; give a new file name, or --force to replace it") from None
    except OSError as exc:
        raise InvalidInputError(f"cannot write {path}: {exc.strerror}") from exc
