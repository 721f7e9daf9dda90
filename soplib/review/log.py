"""The records of a review session: its header, its log entries, and the state they add up to.

Stored under ``reviews/<SESSION_ID>/``: ``session.json`` (the header) and
``log/<000001>.json``, one file per entry. Entries are never rewritten: a later
decision on the same item supersedes the earlier one, both stay in the log.
Each kind of entry is its own value (a discriminated union on ``type``), so an
outcome never carries a decision's fields.

:class:`SessionState` replays a session's log in order: the latest outcome,
decision or evaluation wins, a retraction takes back an addition or a
proposal, and everything stays in the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from soplib.documents.edit import Edit, InsertAfter, InsertAtStart, Remove, Replace
from soplib.errors import InvalidInputError
from soplib.values import Value

REVIEW_DIR = "reviews"
_SESSION_ID = re.compile(r"R-[0-9]{8}-[0-9A-F]{4}")

Outcome = Literal["keep", "revise", "withdraw"]
OUTCOMES: tuple[Outcome, ...] = ("keep", "revise", "withdraw")
ItemAction = Literal["keep", "remove", "replace"]
SessionStatus = Literal["open", "approved", "abandoned"]


def is_session_id(value: str) -> bool:
    """True if ``value`` has the form of a session id."""
    return bool(_SESSION_ID.fullmatch(value))


def validate_session_id(value: object) -> str:
    """``value`` if it is a session id (``R-20261127-3F2A``), else :class:`InvalidInputError`."""
    if not isinstance(value, str) or not _SESSION_ID.fullmatch(value):
        raise InvalidInputError(
            "invalid session id {value}: expected R-YYYYMMDD-XXXX such as R-20261127-3F2A", value=repr(value)
        )
    return value


@dataclass(frozen=True)
class TeamMember(Value):
    id: str
    role: str


@dataclass(frozen=True)
class SessionHeader(Value):
    """A session's ``session.json``."""

    id: str
    title: str
    ref: str
    team: tuple[TeamMember, ...]
    started_by: str
    started_at: datetime
    pinned: dict[str, int]
    status: SessionStatus = "open"
    closed_by: str | None = None
    closed_at: datetime | None = None
    effective_date: date | None = None

    def is_member(self, person: str) -> bool:
        return any(m.id == person for m in self.team)

    def role_of(self, person: str) -> str | None:
        return next((m.role for m in self.team if m.id == person), None)


# -- log entries: every one has seq, by, when (stamped when written) and its own fields ---


@dataclass(frozen=True)
class OutcomeEntry(Value):
    sop: str
    action: Outcome
    reason: str | None = None
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["outcome"] = "outcome"


@dataclass(frozen=True)
class DecisionEntry(Value):
    sop: str
    key: str
    action: ItemAction
    text: str | None = None
    reason: str | None = None
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["decision"] = "decision"


@dataclass(frozen=True)
class AddEntry(Value):
    sop: str
    text: str
    after: str | None = None
    section: str | None = None
    reason: str | None = None
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["add"] = "add"


@dataclass(frozen=True)
class RetractEntry(Value):
    target: int
    reason: str | None = None
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["retract"] = "retract"


@dataclass(frozen=True)
class EvaluationEntry(Value):
    sop: str
    answers: dict[str, bool]
    notes: dict[str, str]
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["evaluation"] = "evaluation"


@dataclass(frozen=True)
class ProposalEntry(Value):
    sop: str
    text: str
    reason: str | None = None
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["proposal"] = "proposal"


@dataclass(frozen=True)
class ApproveEntry(Value):
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["approve"] = "approve"


@dataclass(frozen=True)
class AbandonEntry(Value):
    reason: str | None = None
    seq: int = 0
    by: str = ""
    when: datetime | None = None
    type: Literal["abandon"] = "abandon"


Entry = (
    OutcomeEntry
    | DecisionEntry
    | AddEntry
    | RetractEntry
    | EvaluationEntry
    | ProposalEntry
    | ApproveEntry
    | AbandonEntry
)
LogEntry = Annotated[Entry, Field(discriminator="type")]
"""Any one log entry (what :func:`soplib.values.load` checks a stored entry against)."""


@dataclass(frozen=True)
class SopReviewStatus(Value):
    """Where one SOP of a session stands."""

    sop: str
    version: int | None
    outcome: Outcome | None
    decided: int
    undecided: tuple[str, ...]
    added: int
    evaluated: bool
    proposed: bool = False


@dataclass(frozen=True)
class ApprovalResult(Value):
    """What an approval wrote: new versions, withdrawals, new SOPs, SOPs kept, notes on numbering."""

    session: str
    commit: str | None
    versions: dict[str, int]
    withdrawn: tuple[str, ...]
    created: tuple[str, ...]
    kept: tuple[str, ...]
    notes: tuple[str, ...] = ()


class SessionState:
    """A session's header and log, reduced to the current decisions (latest wins)."""

    def __init__(self, header: SessionHeader, entries: list[Entry]) -> None:
        self.header = header
        self.entries = entries
        self.outcomes: dict[str, OutcomeEntry] = {}
        self.decisions: dict[tuple[str, str], DecisionEntry] = {}
        self.adds: dict[str, list[AddEntry]] = {}
        self.evaluations: dict[str, EvaluationEntry] = {}
        self.proposals: dict[str, ProposalEntry] = {}
        for e in entries:
            if isinstance(e, OutcomeEntry):
                self.outcomes[e.sop] = e
            elif isinstance(e, DecisionEntry):
                self.decisions[(e.sop, e.key)] = e
            elif isinstance(e, AddEntry):
                self.adds.setdefault(e.sop, []).append(e)
            elif isinstance(e, EvaluationEntry):
                self.evaluations[e.sop] = e
            elif isinstance(e, ProposalEntry):
                self.proposals[e.sop] = e
            elif isinstance(e, RetractEntry):
                self._retract(e)

    def _retract(self, entry: RetractEntry) -> None:
        for sop, adds in self.adds.items():
            self.adds[sop] = [a for a in adds if a.seq != entry.target]
        self.proposals = {k: v for k, v in self.proposals.items() if v.seq != entry.target}

    @property
    def next_seq(self) -> int:
        return max((e.seq for e in self.entries), default=0) + 1

    def retractable(self, seq: int) -> AddEntry | ProposalEntry | None:
        """The add or proposal recorded as entry ``seq``, if it still counts."""
        candidates: list[AddEntry | ProposalEntry] = [a for adds in self.adds.values() for a in adds]
        candidates += self.proposals.values()
        for entry in candidates:
            if entry.seq == seq:
                return entry
        return None

    def edits(self, sop_id: str) -> list[Edit]:
        """The edits the session's current decisions make to ``sop_id``."""
        out: list[Edit] = []
        for (sop, key), e in self.decisions.items():
            if sop != sop_id:
                continue
            if e.action == "remove":
                out.append(Remove(key))
            elif e.action == "replace" and e.text is not None:
                out.append(Replace(key, e.text))
        for a in self.adds.get(sop_id, []):
            if a.after:
                out.append(InsertAfter(a.after, a.text))
            elif a.section:
                out.append(InsertAtStart(a.section, a.text))
        return out

    def counts(self, sop_id: str) -> dict[str, int]:
        acts = [e.action for (sop, _), e in self.decisions.items() if sop == sop_id]
        return {
            "kept": acts.count("keep"),
            "removed": acts.count("remove"),
            "replaced": acts.count("replace"),
            "added": len(self.adds.get(sop_id, [])),
        }
