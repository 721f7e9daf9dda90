"""The operations of a review session: start, record outcomes and decisions, evaluate, propose, close.

Every recording operation is made by a member of the session's team, while the
session is open, and checked against the pinned version: a decision names an
item that exists, a replacement or addition forms exactly one item in its
place (a table row fits the table), removing every step is refused (withdraw
instead). Approval is in :mod:`soplib.review.approve`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sop_store import validate_doc_id, validate_name
from soplib.criteria import CRITERIA
from soplib.documents.edit import Edit, InsertAfter, InsertAtStart, Remove, Replace, apply_edits
from soplib.documents.model import LIST_FIELDS, SopDocument, validate_key, validate_section
from soplib.documents.parse import parse
from soplib.documents.records import read_record, record_path
from soplib.errors import InvalidInputError, NotAllowedError, NotFoundError, Phrase, RefusedError
from soplib.ops import Context, Operation, operation
from soplib.review.log import (
    OUTCOMES,
    AbandonEntry,
    AddEntry,
    DecisionEntry,
    Entry,
    EvaluationEntry,
    ItemAction,
    Outcome,
    OutcomeEntry,
    ProposalEntry,
    RetractEntry,
    SessionHeader,
    SessionState,
    TeamMember,
    validate_session_id,
)
from soplib.review.records import header_path, log_dir, pinned_document, read_state

_ROLE = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def reason_of(reason: str | None, *, what: Phrase) -> str:
    if reason is None or not reason.strip():
        raise InvalidInputError("a reason is required to {what}", what=what)
    return " ".join(reason.split())


def _optional(reason: str | None) -> str | None:
    return " ".join(reason.split()) or None if reason else None


def require_open(header: SessionHeader) -> None:
    if header.status != "open":
        raise RefusedError(
            "session {id} is {status}; nothing more can be recorded in it", id=header.id, status=header.status
        )


def require_member(ctx: Context, state: SessionState) -> None:
    if not state.header.is_member(ctx.actor):
        members = ", ".join(m.id for m in state.header.team)
        raise NotAllowedError(
            "{actor} is not on the team of session {id} (team: {members}); only team members record "
            "decisions",
            actor=ctx.actor,
            id=state.header.id,
            members=members,
        )
    ctx.require_registered()


def append(ctx: Context, session: str, entries: list[Entry], what: str) -> list[Entry]:
    """Stamp ``entries`` (seq, by, when) and write them to the session's log; the entries written."""
    state = read_state(ctx.tx, session)
    seq = state.next_seq
    out = []
    for n, entry in enumerate(entries):
        stamped = replace(entry, seq=seq + n, by=ctx.actor, when=ctx.at)
        ctx.tx.write_json(f"{log_dir(session)}/{stamped.seq:06d}.json", stamped.to_json())
        out.append(stamped)
    ctx.tx.trailer("Sop-Session", session)
    ctx.subject = f"Review {session}: {what}"
    return out


def open_state(ctx: Context, session: str) -> SessionState:
    """The session as it is, checked open and recorded by a team member."""
    state = read_state(ctx.tx, validate_session_id(session))
    require_open(state.header)
    require_member(ctx, state)
    return state


def revised(
    doc: SopDocument, state: SessionState, sop_id: str, edits: list[Edit] | None = None
) -> SopDocument:
    """``doc`` with the session's edits (or ``edits``) applied."""
    edits = state.edits(sop_id) if edits is None else edits
    body = [e for e in edits if isinstance(e, Remove) and not doc.item(e.key).is_identity]
    added = [
        e
        for e in edits
        if (isinstance(e, InsertAfter) and not doc.item(e.key).is_identity)
        or (isinstance(e, InsertAtStart) and e.section not in LIST_FIELDS)
    ]
    if body and len(body) == len(doc.body_items) and not added:  # a step added in their place is fine
        raise RefusedError(
            "every step of {id} would be removed; record outcome withdraw instead, or keep or add a step",
            id=sop_id,
        )
    return parse(apply_edits(doc, edits), source=f"{sop_id} (review {state.header.id})")


def check_one_item(doc: SopDocument, edit: Edit, *, added: bool) -> None:
    """Refuse text that would not become exactly one item in its place (or breaks the document)."""
    try:
        new = parse(apply_edits(doc, [edit]), source=f"{doc.id} with the new text")
    except InvalidInputError as exc:
        raise InvalidInputError("the new text does not fit: {reason}", reason=exc) from None
    part = edit.section if isinstance(edit, InsertAtStart) else doc.item(edit.key).section
    expected = len(doc.section_items(part)) + (1 if added else 0)
    body_same = [i.fingerprint for i in new.body_items] == [i.fingerprint for i in doc.body_items]
    identity = part not in {s.slug for s in doc.sections} | {"preamble"}
    like = (
        doc.item(edit.key)
        if not isinstance(edit, InsertAtStart)
        else next(iter(doc.section_items(part)), None)
    )
    if like is not None and like.kind == "table_row" and not isinstance(edit, Remove):
        from soplib.documents.blocks import split_cells
        from soplib.documents.rows import columns_of

        columns = columns_of(doc, like)
        if len(split_cells(edit.text)) != len(columns):
            raise InvalidInputError(
                "the row has {n} cells but the table has {m} columns ({columns})",
                n=len(split_cells(edit.text)),
                m=len(columns),
                columns=", ".join(columns),
            )
    if len(new.section_items(part)) != expected or (identity and not body_same):
        raise InvalidInputError(
            "the new text does not form exactly one step in its place; give the text of a single step "
            "(one line for a table row, no blank lines in a list item)"
        )


@operation("review-start")
@dataclass(frozen=True)
class StartReview(Operation):
    """Start session ``id`` reviewing the ``pinned`` versions (SOP id -> version), current when it started."""

    id: str
    pinned: dict[str, int]
    team: tuple[TeamMember, ...]
    ref: str
    title: str

    def apply(self, ctx: Context) -> SessionHeader:
        ctx.require("controller", what=Phrase("start a review session"))
        validate_session_id(self.id)
        if self.id[2:10] != ctx.today.strftime("%Y%m%d"):
            raise InvalidInputError("session id {id} does not carry the day it started", id=self.id)
        if ctx.tx.exists(header_path(self.id)):
            raise RefusedError("session {id} already exists", id=self.id)
        if not self.team:
            raise InvalidInputError("a review needs a team of at least one person")
        for member in self.team:
            validate_name(member.id, what=Phrase("team member id"))
            if not _ROLE.fullmatch(member.role):
                raise InvalidInputError(
                    "invalid team role {role}: use a word such as chair, secretary, member",
                    role=repr(member.role),
                )
        if len({m.id for m in self.team}) != len(self.team):
            raise InvalidInputError("a person is named twice in the team")
        for text, what in ((self.ref, Phrase("reference")), (self.title, Phrase("title"))):
            if not text.strip() or " ".join(text.split()) != text:
                raise InvalidInputError("the session's {what} must be one line of text", what=what)
        if not self.pinned:
            raise InvalidInputError("a review needs at least one SOP")
        pinned: dict[str, int] = {}
        for sop_id, version in sorted(self.pinned.items()):
            record = read_record(ctx.tx, validate_doc_id(sop_id))
            record.version(version)  # NotFoundError for a version that never existed
            if ctx.integrating:  # the session reviews what was current where it started
                pinned[sop_id] = version
                continue
            if not record.is_active:
                raise RefusedError("SOP {id} was withdrawn; it cannot be reviewed", id=sop_id)
            if version != record.latest.version:
                raise RefusedError(
                    "{id} v{version} is not the current version (v{latest}); review the current one",
                    id=sop_id,
                    version=version,
                    latest=record.latest.version,
                )
            pinned[sop_id] = version
        header = SessionHeader(self.id, self.title, self.ref, self.team, ctx.actor, ctx.at, pinned)
        ctx.tx.write_json(header_path(self.id), header.to_json())
        ctx.tx.trailer("Sop-Session", self.id)
        ctx.subject = f"Start review {self.id}: {self.title}"
        return header


@operation("review-outcome")
@dataclass(frozen=True)
class RecordOutcome(Operation):
    """The outcome for one SOP: keep, revise or withdraw (*dicabut*, a reason required)."""

    session: str
    sop: str
    outcome: Outcome
    reason: str | None = None

    def apply(self, ctx: Context) -> Entry:
        state = open_state(ctx, self.session)
        if self.outcome not in OUTCOMES:
            raise InvalidInputError(
                "invalid outcome {outcome}: use keep, revise or withdraw", outcome=repr(self.outcome)
            )
        if self.sop in state.proposals:
            raise RefusedError("{sop} is a proposed new SOP; it has no outcome", sop=self.sop)
        pinned_document(ctx.tx, state.header, self.sop)
        reason = (
            reason_of(self.reason, what=Phrase("withdraw an SOP"))
            if self.outcome == "withdraw"
            else _optional(self.reason)
        )
        return append(
            ctx, self.session, [OutcomeEntry(self.sop, self.outcome, reason)], f"{self.sop} {self.outcome}"
        )[0]


@operation("review-decide")
@dataclass(frozen=True)
class RecordDecision(Operation):
    """A decision on one item: keep, remove (reason required) or replace (new text and reason required)."""

    session: str
    sop: str
    key: str
    action: ItemAction
    text: str | None = None
    reason: str | None = None

    def apply(self, ctx: Context) -> Entry:
        state = open_state(ctx, self.session)
        validate_key(self.key)
        doc = pinned_document(ctx.tx, state.header, self.sop)
        item = doc.item(self.key)
        if self.action == "keep":
            reason, text = _optional(self.reason), None
        elif self.action == "remove":
            reason, text = reason_of(self.reason, what=Phrase("remove a step")), None
            others = [
                e for e in state.edits(self.sop) if not isinstance(e, Remove | Replace) or e.key != self.key
            ]
            revised(doc, state, self.sop, [*others, Remove(self.key)])
        elif self.action == "replace":
            reason = reason_of(self.reason, what=Phrase("replace a step"))
            text = (self.text or "").strip()
            if not text:
                raise InvalidInputError("the new text of {key} is empty", key=self.key)
            check_one_item(doc, Replace(self.key, text), added=False)
            if " ".join(text.split()) == " ".join(item.text.split()):
                raise InvalidInputError(
                    "the new text of {key} is the same as the current text; decide keep instead", key=self.key
                )
        else:
            raise InvalidInputError(
                "invalid decision {action}: use keep, remove or replace", action=repr(self.action)
            )
        entry = DecisionEntry(self.sop, self.key, self.action, text, reason)
        return append(ctx, self.session, [entry], f"{self.action} {self.sop} {self.key}")[0]


@operation("review-keep-rest")
@dataclass(frozen=True)
class KeepRest(Operation):
    """Decide keep for every item of ``sop`` (identity part and body) that has no decision yet."""

    session: str
    sop: str
    reason: str | None = None

    def apply(self, ctx: Context) -> list[Entry]:
        state = open_state(ctx, self.session)
        doc = pinned_document(ctx.tx, state.header, self.sop)
        reason = _optional(self.reason)
        entries: list[Entry] = [
            DecisionEntry(self.sop, i.key, "keep", None, reason)
            for i in doc.items
            if (self.sop, i.key) not in state.decisions
        ]
        if not entries:
            raise RefusedError("every item of {sop} already has a decision", sop=self.sop)
        return append(ctx, self.session, entries, f"keep the rest of {self.sop}")


@operation("review-add")
@dataclass(frozen=True)
class RecordAdd(Operation):
    """Add a new item after item ``after``, or at the start of ``section`` (a section, or a list field)."""

    session: str
    sop: str
    text: str
    after: str | None = None
    section: str | None = None
    reason: str | None = None

    def apply(self, ctx: Context) -> Entry:
        state = open_state(ctx, self.session)
        reason = reason_of(self.reason, what=Phrase("add a step"))
        if (self.after is None) == (self.section is None):
            raise InvalidInputError(
                "say where to add: after an item, or at the start of a section (one of them)"
            )
        doc = pinned_document(ctx.tx, state.header, self.sop)
        text = self.text.strip()
        if self.after is not None:
            edit: Edit = InsertAfter(validate_key(self.after), text)
        else:
            edit = InsertAtStart(validate_section(self.section or ""), text)
        check_one_item(doc, edit, added=True)
        where = f"after {self.after}" if self.after else f"at the start of {self.section}"
        return append(
            ctx,
            self.session,
            [AddEntry(self.sop, text, self.after, self.section, reason)],
            f"add to {self.sop} {where}",
        )[0]


@operation("review-evaluate")
@dataclass(frozen=True)
class RecordEvaluation(Operation):
    """The evaluation worksheet of one SOP: all seven criteria answered yes/no, with notes."""

    session: str
    sop: str
    answers: dict[str, bool]
    notes: dict[str, str]

    def apply(self, ctx: Context) -> Entry:
        state = open_state(ctx, self.session)
        unknown = [c for c in [*self.answers, *self.notes] if c not in CRITERIA and c != "general"]
        if unknown:
            raise InvalidInputError(
                "unknown criterion {name}; criteria: {all}", name=repr(unknown[0]), all=", ".join(CRITERIA)
            )
        missing = [c for c in CRITERIA if c not in self.answers]
        if missing:
            raise InvalidInputError("answer every criterion; missing: {missing}", missing=", ".join(missing))
        if self.sop not in state.proposals:
            pinned_document(ctx.tx, state.header, self.sop)
        answers = {c: bool(self.answers[c]) for c in CRITERIA}
        notes = {k: " ".join(v.split()) for k, v in sorted(self.notes.items()) if v.strip()}
        return append(ctx, self.session, [EvaluationEntry(self.sop, answers, notes)], f"evaluate {self.sop}")[
            0
        ]


@operation("review-propose")
@dataclass(frozen=True)
class ProposeSop(Operation):
    """Propose a brand-new SOP (version 1 on approval); its text is the blob ``blob``."""

    session: str
    sop: str
    blob: str
    reason: str | None = None

    def apply(self, ctx: Context) -> Entry:
        state = open_state(ctx, self.session)
        doc = parse(ctx.tx.repo.read_blob(self.blob), source=f"proposal {self.sop}")
        if doc.id != self.sop:
            raise InvalidInputError(
                "the proposed text's id is {other}, not {sop}", other=doc.id, sop=self.sop
            )
        if self.sop in state.header.pinned or ctx.tx.exists(record_path(self.sop)):
            raise RefusedError(
                "SOP {sop} already exists; revise it in a session instead of proposing it", sop=self.sop
            )
        entry = ProposalEntry(self.sop, doc.text, _optional(self.reason))
        return append(ctx, self.session, [entry], f"propose {self.sop}")[0]


@operation("review-retract")
@dataclass(frozen=True)
class Retract(Operation):
    """Take back the addition or proposal recorded as entry ``target`` (both stay in the log)."""

    session: str
    target: int
    reason: str

    def apply(self, ctx: Context) -> Entry:
        state = open_state(ctx, self.session)
        reason = reason_of(self.reason, what=Phrase("retract an addition or proposal"))
        if state.retractable(self.target) is None:
            raise NotFoundError(
                "session {id} has no addition or proposal #{seq} to retract", id=self.session, seq=self.target
            )
        return append(ctx, self.session, [RetractEntry(self.target, reason)], f"retract #{self.target}")[0]


@operation("review-abandon")
@dataclass(frozen=True)
class Abandon(Operation):
    """Close the session without approving anything (kept in the store with its log)."""

    session: str
    reason: str | None = None

    def apply(self, ctx: Context) -> SessionHeader:
        state = read_state(ctx.tx, validate_session_id(self.session))
        require_open(state.header)
        if not state.header.is_member(ctx.actor) and ctx.actor != state.header.started_by:
            ctx.require("controller", what=Phrase("abandon a session it is not on the team of"))
        header = replace(state.header, status="abandoned", closed_by=ctx.actor, closed_at=ctx.at)
        append(ctx, self.session, [AbandonEntry(_optional(self.reason))], "abandon")
        ctx.tx.write_json(header_path(self.session), header.to_json())
        ctx.subject = f"Abandon review {self.session}"
        return header
