"""The records of a review session: its header, its log entries and the state they add up to.

These are values only (frozen pydantic models); :mod:`soplib.review` reads and
writes them. ``SessionState`` replays a session's log in order: the latest
outcome, decision or evaluation wins, a retraction takes back an addition or a
proposal, and everything stays in the log.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from soplib.criteria import CRITERIA
from soplib.edit import Edit, InsertAfter, InsertAtStart, Remove, Replace
from soplib.errors import InvalidInputError

__all__ = [
    "CRITERIA",
    "OUTCOMES",
    "REVIEW_DIR",
    "ApprovalResult",
    "LogEntry",
    "SessionHeader",
    "SessionState",
    "SopReviewStatus",
    "TeamMember",
    "is_session_id",
    "validate_session_id",
]

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
    """Return ``value`` if it is a session id (``R-20261127-3F2A``), else raise."""
    if not isinstance(value, str) or not _SESSION_ID.fullmatch(value):
        raise InvalidInputError(
            f"invalid session id {value!r}: expected R-YYYYMMDD-XXXX such as R-20261127-3F2A "
            "(`sop review list` shows them)"
        )
    return value


class TeamMember(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    role: str


class SessionHeader(BaseModel):
    """A session's ``session.json``."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    ref: str
    team: tuple[TeamMember, ...]
    started_by: str
    started_at: str
    pinned: dict[str, int]
    status: SessionStatus = "open"
    closed_by: str | None = None
    closed_at: str | None = None
    effective_date: str | None = None

    def is_member(self, person: str) -> bool:
        return any(m.id == person for m in self.team)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class LogEntry(BaseModel):
    """One recorded entry of a session's log (a decision, an outcome, an evaluation …)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    type: Literal["outcome", "decision", "add", "retract", "evaluation", "proposal", "approve", "abandon"]
    by: str
    when: str
    sop: str | None = None
    key: str | None = None
    action: str | None = None
    after: str | None = None
    section: str | None = None
    text: str | None = None
    reason: str | None = None
    answers: dict[str, bool] | None = None
    notes: dict[str, str] | None = None
    target: int | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class SopReviewStatus(BaseModel):
    """Where one SOP of a session stands."""

    model_config = ConfigDict(frozen=True)

    sop: str
    version: int | None
    outcome: Outcome | None
    decided: int
    undecided: tuple[str, ...]
    added: int
    evaluated: bool
    proposed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "undecided": list(self.undecided)}


class ApprovalResult(BaseModel):
    """What an approval wrote."""

    model_config = ConfigDict(frozen=True)

    session: str
    commit: str | None
    versions: dict[str, int]
    withdrawn: tuple[str, ...]
    created: tuple[str, ...]
    kept: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SessionState:
    """A session's header and log, reduced to the current decisions (latest wins)."""

    def __init__(self, header: SessionHeader, entries: list[LogEntry]) -> None:
        self.header = header
        self.entries = entries
        self.outcomes: dict[str, LogEntry] = {}
        self.decisions: dict[tuple[str, str], LogEntry] = {}
        self.adds: dict[str, list[LogEntry]] = {}
        self.evaluations: dict[str, LogEntry] = {}
        self.proposals: dict[str, LogEntry] = {}
        for e in entries:
            if e.type == "outcome" and e.sop:
                self.outcomes[e.sop] = e
            elif e.type == "decision" and e.sop and e.key:
                self.decisions[(e.sop, e.key)] = e
            elif e.type == "add" and e.sop:
                self.adds.setdefault(e.sop, []).append(e)
            elif e.type == "evaluation" and e.sop:
                self.evaluations[e.sop] = e
            elif e.type == "proposal" and e.sop:
                self.proposals[e.sop] = e
            elif e.type == "retract":
                self._retract(e)

    def _retract(self, entry: LogEntry) -> None:
        for sop, adds in self.adds.items():
            self.adds[sop] = [a for a in adds if a.seq != entry.target]
        self.proposals = {k: v for k, v in self.proposals.items() if v.seq != entry.target}

    def retractable(self, seq: int) -> LogEntry | None:
        """The add or proposal recorded as entry ``seq``, if it still counts."""
        for entry in [*(a for adds in self.adds.values() for a in adds), *self.proposals.values()]:
            if entry.seq == seq:
                return entry
        return None

    def edits(self, sop_id: str) -> list[Edit]:
        out: list[Edit] = []
        for (sop, key), e in self.decisions.items():
            if sop != sop_id:
                continue
            if e.action == "remove":
                out.append(Remove(key))
            elif e.action == "replace" and e.text is not None:
                out.append(Replace(key, e.text))
        for e in self.adds.get(sop_id, []):
            if e.after and e.text is not None:
                out.append(InsertAfter(e.after, e.text))
            elif e.section and e.text is not None:
                out.append(InsertAtStart(e.section, e.text))
        return out

    def counts(self, sop_id: str) -> dict[str, int]:
        acts = [e.action for (sop, _), e in self.decisions.items() if sop == sop_id]
        return {
            "kept": acts.count("keep"),
            "removed": acts.count("remove"),
            "replaced": acts.count("replace"),
            "added": len(self.adds.get(sop_id, [])),
        }
