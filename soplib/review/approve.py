"""Approving a review session: every new version, withdrawal and new SOP in one commit.

Refused (nothing written) while an SOP has no outcome, an item of a revised SOP
has no decision, or a pinned SOP got a new version since the session started;
and, once grants exist, unless the approver holds ``approver`` for the unit of
every SOP in the session. The approver must be in the staff registry: their
name, position and unit are frozen into each version written, so a print made
years later names the person who signed, as they were then.

On approval, step numbers that were a plain 1..n sequence are numbered 1..n
again (:mod:`soplib.documents.numbering`); withdrawals take effect on the
session's effective date.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sop_store import Transaction
from soplib.documents.model import SopDocument
from soplib.documents.numbering import renumber
from soplib.documents.parse import parse
from soplib.documents.records import Approver, read_record, record_path, stage_version, stage_withdrawal
from soplib.errors import InvalidInputError, NotAllowedError, Phrase, RefusedError, SopError
from soplib.ops import Context, Operation, operation
from soplib.review.log import ApprovalResult, ApproveEntry, SessionState, validate_session_id
from soplib.review.ops import append, reason_of, require_open, revised
from soplib.review.records import header_path, pinned_document, read_state


def _approver(ctx: Context) -> Approver:
    from soplib.people.staff import read_registry

    person = read_registry(ctx.tx).get(ctx.actor)
    if person is None or not person.active:
        raise NotAllowedError(
            "{actor} is not an active member of the staff registry; the approver is named on the ratified "
            "SOP "
            "(name, position, NIP), so register them first",
            actor=ctx.actor,
        )
    return Approver(person.id, person.name, person.position, person.unit)


def _units(tx: Transaction, state: SessionState) -> tuple[str | None, ...]:
    units: list[str | None] = [read_record(tx, s).latest.unit for s in state.header.pinned]
    for proposal in state.proposals.values():
        units.append(parse(proposal.text, source=f"proposal {proposal.sop}").front.unit)
    return tuple(dict.fromkeys(units))


def _check(tx: Transaction, state: SessionState) -> dict[str, SopDocument]:
    header = state.header
    sid = header.id
    moved = []
    for sop_id, version in header.pinned.items():
        record = read_record(tx, sop_id)
        if not record.is_active or record.latest.version != version:
            now = f"v{record.latest.version}" + ("" if record.is_active else " (withdrawn)")
            moved.append(f"{sop_id} (pinned v{version}, now {now})")
    if moved:
        raise RefusedError(
            "cannot approve {id}: SOPs changed since the session started: {moved}; start a new session "
            "over the "
            "current versions",
            id=sid,
            moved=", ".join(moved),
        )
    no_outcome = [s for s in header.pinned if s not in state.outcomes]
    if no_outcome:
        raise RefusedError(
            "cannot approve {id}: no outcome for {sops}; record keep, revise or withdraw for each",
            id=sid,
            sops=", ".join(no_outcome),
        )
    docs: dict[str, SopDocument] = {}
    undecided: list[str] = []
    for sop_id in header.pinned:
        doc = pinned_document(tx, header, sop_id)
        outcome = state.outcomes[sop_id].action
        if outcome != "revise":
            if state.edits(sop_id):
                raise RefusedError(
                    "cannot approve {id}: {sop} has outcome {outcome} but remove/replace/add decisions; "
                    "record outcome "
                    "revise, or decide keep on those items",
                    id=sid,
                    sop=sop_id,
                    outcome=outcome,
                )
            continue
        undecided += [f"{sop_id} {i.key}" for i in doc.items if (sop_id, i.key) not in state.decisions]
        docs[sop_id] = doc
    if undecided:
        raise RefusedError(
            "cannot approve {id}: undecided items: {items}", id=sid, items=", ".join(undecided)
        )
    for sop_id in docs:
        if not state.edits(sop_id):
            raise RefusedError(
                "cannot approve {id}: {sop} has outcome revise but every item is kept; record outcome "
                "keep instead",
                id=sid,
                sop=sop_id,
            )
    for sop_id in state.proposals:
        if tx.exists(record_path(sop_id)):
            raise RefusedError(
                "cannot approve {id}: proposed SOP {sop} now exists in the store", id=sid, sop=sop_id
            )
    return docs


@operation("approve")
@dataclass(frozen=True)
class ApproveSession(Operation):
    """Ratify a session as of ``effective`` (default: the office's today); ``editorial`` marks revisions
    editorial.
    """

    session: str
    effective: date | None = None
    editorial: dict[str, str] = field(default_factory=dict)

    def apply(self, ctx: Context) -> ApprovalResult:
        state = read_state(ctx.tx, validate_session_id(self.session))
        header = state.header
        require_open(header)
        ctx.require(
            "approver",
            units=_units(ctx.tx, state),
            what=SopError("approve session {session}", session=self.session),
        )
        approver = _approver(ctx)
        for sop_id in self.editorial:
            if sop_id not in state.outcomes or state.outcomes[sop_id].action != "revise":
                raise InvalidInputError(
                    "editorial {sop}: only a revised SOP of this session can be editorial", sop=sop_id
                )
        docs = _check(ctx.tx, state)
        day = self.effective or ctx.today
        common: dict[str, Any] = {
            "effective_date": day.isoformat(),
            "approver": approver.to_json(),
            "approved_by": approver.id,
            "session": self.session,
        }
        message = f"Approved in review {self.session}: {header.title} ({header.ref})"
        versions: dict[str, int] = {}
        notes: list[str] = []
        for sop_id, doc in docs.items():
            new_doc = revised(doc, state, sop_id)
            text, numbering = renumber(doc, new_doc)
            notes += [f"{sop_id} {n}" for n in numbering]
            meta: dict[str, Any] = {
                **parse(text, source=sop_id).meta(),
                **common,
                "decisions": state.counts(sop_id),
            }
            if sop_id in self.editorial:
                meta["editorial"] = {
                    "reason": reason_of(self.editorial[sop_id], what=Phrase("mark a revision editorial")),
                    "by": ctx.actor,
                }
            versions[sop_id] = stage_version(
                ctx.tx, sop_id, text.encode(), action="approve", message=message, meta=meta, new=False
            ).version
        withdrawn = [s for s in header.pinned if state.outcomes[s].action == "withdraw"]
        for sop_id in withdrawn:
            stage_withdrawal(ctx.tx, sop_id, meta={**common, "reason": state.outcomes[sop_id].reason})
        for sop_id, entry in state.proposals.items():
            doc = parse(entry.text, source=f"proposal {sop_id}")
            versions[sop_id] = stage_version(
                ctx.tx,
                sop_id,
                doc.text.encode(),
                action="approve",
                message=message,
                meta={**doc.meta(), **common},
                new=True,
            ).version
        closed = replace(header, status="approved", closed_by=ctx.actor, closed_at=ctx.at, effective_date=day)
        append(ctx, self.session, [ApproveEntry()], "approve")
        ctx.tx.write_json(header_path(self.session), closed.to_json())
        ctx.tx.tag(f"review/{self.session}")
        ctx.subject = f"Approve review {self.session}: {header.title}"
        return ApprovalResult(
            session=self.session,
            commit=None,
            versions=versions,
            withdrawn=tuple(withdrawn),
            created=tuple(state.proposals),
            kept=tuple(s for s in header.pinned if state.outcomes[s].action == "keep"),
            notes=tuple(notes),
        )
