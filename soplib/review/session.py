"""One review session: a team decides, item by item, what happens to SOPs; an approver ratifies.

    >>> session = store.reviews.start(["KPU-01"], team={"ani": "chair", "budi": "member"},
    ...                               ref="SK 12/2026", by="ani")
    >>> session.outcome("KPU-01", "revise", by="ani")
    >>> session.remove("KPU-01", "prosedur/2", reason="duplicate of step 3", by="budi")
    >>> session.replace("KPU-01", "prosedur/5", cells={"Waktu": "5 menit"}, reason="faster", by="budi")
    >>> session.keep_rest("KPU-01", by="ani")
    >>> session.approve(by="kepala", effective=date(2026, 12, 1))

Each recording is one commit (an operation of :mod:`soplib.review.ops`), so two
people recording decisions at the same moment from two processes lose nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from soplib.documents.diff import StructuralDiff, structural
from soplib.documents.model import SopDocument
from soplib.documents.parse import parse
from soplib.errors import InvalidInputError, Phrase
from soplib.review.log import (
    OUTCOMES,
    ApprovalResult,
    DecisionEntry,
    Entry,
    EvaluationEntry,
    Outcome,
    SessionHeader,
    SessionState,
    SopReviewStatus,
    validate_session_id,
)
from soplib.review.ops import (
    Abandon,
    KeepRest,
    ProposeSop,
    RecordAdd,
    RecordDecision,
    RecordEvaluation,
    RecordOutcome,
    Retract,
    revised,
)
from soplib.review.records import pinned_document, read_state

if TYPE_CHECKING:
    from soplib.store import Store


class Review:
    """One review session in a store (``store.reviews.get(id)``)."""

    def __init__(self, store: Store, session_id: str) -> None:
        self.store = store
        self.id = validate_session_id(session_id)

    def __repr__(self) -> str:
        return f"Review({self.id!r})"

    # -- reading -----------------------------------------------------------------------

    def state(self) -> SessionState:
        """The header and the log replayed (latest decisions), from the store's head."""
        return read_state(self.store.snapshot(), self.id)

    def header(self) -> SessionHeader:
        """The session's header (title, ref, team, pinned versions, status)."""
        return self.state().header

    def log(self) -> list[Entry]:
        """Every recorded entry, in order (superseded decisions included)."""
        return self.state().entries

    def pinned(self, sop_id: str) -> SopDocument:
        """The pinned version of ``sop_id`` that this session reviews."""
        snap = self.store.snapshot()
        return pinned_document(snap, read_state(snap, self.id).header, sop_id)

    def status(self) -> list[SopReviewStatus]:
        """Per SOP: the outcome, how many items are decided and which keys are undecided."""
        snap = self.store.snapshot()
        state = read_state(snap, self.id)
        out = []
        for sop_id, version in state.header.pinned.items():
            doc = pinned_document(snap, state.header, sop_id)
            decided = [i.key for i in doc.items if (sop_id, i.key) in state.decisions]
            outcome = state.outcomes.get(sop_id)
            whole = outcome is not None and outcome.action != "revise"  # kept or withdrawn as a whole
            undecided = (
                () if whole else tuple(i.key for i in doc.items if (sop_id, i.key) not in state.decisions)
            )
            out.append(
                SopReviewStatus(
                    sop_id, version, outcome.action if outcome else None, len(decided), undecided,
                    len(state.adds.get(sop_id, [])), sop_id in state.evaluations,
                )
            )  # fmt: skip
        for sop_id in state.proposals:
            out.append(
                SopReviewStatus(sop_id, None, None, 0, (), 0, sop_id in state.evaluations, proposed=True)
            )
        return out

    def undecided(self, sop_id: str) -> list[str]:
        """Keys of the pinned version's items (identity part first) that have no decision yet."""
        snap = self.store.snapshot()
        state = read_state(snap, self.id)
        doc = pinned_document(snap, state.header, sop_id)
        return [i.key for i in doc.items if (sop_id, i.key) not in state.decisions]

    def decision(self, sop_id: str, key: str) -> DecisionEntry | None:
        """The current (latest) decision on one item, if any."""
        return self.state().decisions.get((sop_id, key))

    def evaluation(self, sop_id: str) -> EvaluationEntry | None:
        """The latest evaluation worksheet recorded for ``sop_id``."""
        return self.state().evaluations.get(sop_id)

    def preview(self, sop_id: str) -> SopDocument:
        """The proposed text: the pinned version with the decisions applied; a proposal itself.

        Numbered exactly as approval will store it (plain 1..n numbering restored).
        """
        from soplib.documents.numbering import renumber

        snap = self.store.snapshot()
        state = read_state(snap, self.id)
        if sop_id in state.proposals:
            return parse(state.proposals[sop_id].text, source=f"proposal {sop_id}")
        pinned = pinned_document(snap, state.header, sop_id)
        text, _ = renumber(pinned, revised(pinned, state, sop_id))
        return parse(text, source=f"{sop_id} (review {self.id})")

    def diff(self, sop_id: str | None = None) -> list[StructuralDiff]:
        """Structural diffs of the pinned versions against the previews (one SOP, or all)."""
        snap = self.store.snapshot()
        state = read_state(snap, self.id)
        ids = [sop_id] if sop_id else [*state.header.pinned, *state.proposals]
        out = []
        for i in ids:
            if i in state.proposals:
                new = parse(state.proposals[i].text, source=f"proposal {i}")
                out.append(structural(None, new, old_label="(new)", new_label=f"proposal {self.id}"))
                continue
            old = pinned_document(snap, state.header, i)
            new = revised(old, state, i)
            out.append(
                structural(old, new, old_label=f"v{state.header.pinned[i]}", new_label=f"review {self.id}")
            )
        return out

    # -- recording ----------------------------------------------------------------------

    def outcome(self, sop_id: str, outcome: Outcome, *, by: str, reason: str | None = None) -> Entry:
        """Record the outcome for an SOP: ``keep``, ``revise`` or ``withdraw`` (*dicabut*, reason
        required).
        """
        if outcome not in OUTCOMES:
            raise InvalidInputError(
                "invalid outcome {outcome}: use keep, revise or withdraw", outcome=repr(outcome)
            )
        result: Entry = self.store.apply(RecordOutcome(self.id, sop_id, outcome, reason), by=by).result
        return result

    def keep(self, sop_id: str, key: str, *, by: str, reason: str | None = None) -> Entry:
        """Decide that item ``key`` stays as it is."""
        result: Entry = self.store.apply(
            RecordDecision(self.id, sop_id, key, "keep", None, reason), by=by
        ).result
        return result

    def remove(self, sop_id: str, key: str, *, by: str, reason: str) -> Entry:
        """Decide that item ``key`` is removed (*dihapus*); a reason is required."""
        result: Entry = self.store.apply(
            RecordDecision(self.id, sop_id, key, "remove", None, reason), by=by
        ).result
        return result

    def replace(
        self,
        sop_id: str,
        key: str,
        *,
        by: str,
        reason: str,
        text: str = "",
        cells: Mapping[str, str] | None = None,
    ) -> Entry:
        """Decide that item ``key`` gets new text; for a table row, the whole row or some ``cells`` by
        column.
        """
        text = self._row(sop_id, key, text, cells, new=False)
        result: Entry = self.store.apply(
            RecordDecision(self.id, sop_id, key, "replace", text, reason), by=by
        ).result
        return result

    def add(
        self,
        sop_id: str,
        *,
        by: str,
        reason: str,
        text: str = "",
        cells: Mapping[str, str] | None = None,
        after: str | None = None,
        section: str | None = None,
    ) -> Entry:
        """Add a new item after item ``after``, or at the start of ``section`` (or as a list field's first
        entry).
        """
        if cells or (after is not None and self.pinned(sop_id).item(after).kind == "table_row"):
            if after is None:
                raise InvalidInputError("a new table row is added after a row: give after")
            text = self._row(sop_id, after, text, cells, new=True)
        result: Entry = self.store.apply(
            RecordAdd(self.id, sop_id, text, after, section, reason), by=by
        ).result
        return result

    def _row(self, sop_id: str, key: str, text: str, cells: Mapping[str, str] | None, *, new: bool) -> str:
        doc = self.pinned(sop_id)
        if doc.item(key).kind != "table_row":
            if cells:
                raise InvalidInputError("{key} is not a table row; give its text", key=key)
            return text
        from soplib.documents.rows import row_text

        return row_text(doc, key, text=text, cells=cells, new=new)

    def keep_rest(self, sop_id: str, *, by: str, reason: str | None = None) -> list[Entry]:
        """Decide keep for every item of ``sop_id`` that has no decision yet (one commit)."""
        result: list[Entry] = self.store.apply(KeepRest(self.id, sop_id, reason), by=by).result
        return result

    def evaluate(
        self, sop_id: str, *, answers: Mapping[str, bool], by: str, notes: Mapping[str, str] | None = None
    ) -> Entry:
        """Record the evaluation worksheet: the seven :data:`~soplib.criteria.CRITERIA`, yes/no, with notes.

        ``notes`` maps a criterion (or ``"general"``) to a note.
        """
        result: Entry = self.store.apply(
            RecordEvaluation(self.id, sop_id, dict(answers), dict(notes or {})), by=by
        ).result
        return result

    def propose(self, document: SopDocument, *, by: str, reason: str | None = None) -> Entry:
        """Propose a brand-new SOP (version 1 on approval); a later proposal of the same id supersedes."""
        blob = self.store.git.repo.write_object("blob", document.text.encode())
        result: Entry = self.store.apply(ProposeSop(self.id, document.id, blob, reason), by=by).result
        return result

    def retract(self, seq: int, *, by: str, reason: str) -> Entry:
        """Take back the addition or proposal recorded as log entry ``seq`` (both stay in the log)."""
        result: Entry = self.store.apply(Retract(self.id, seq, reason), by=by).result
        return result

    # -- closing -------------------------------------------------------------------------

    def abandon(self, *, by: str, reason: str | None = None) -> SessionHeader:
        """Mark the session abandoned: kept in the store with its log, nothing is approved."""
        result: SessionHeader = self.store.apply(Abandon(self.id, reason), by=by).result
        return result

    def approve(
        self, *, by: str, effective: date | None = None, editorial: Mapping[str, str] | None = None
    ) -> ApprovalResult:
        """Approve the session: every new version, withdrawal and new SOP in one commit (the result names
        it).
        """
        from dataclasses import replace

        from soplib.clock import check_date
        from soplib.review.approve import ApproveSession

        if effective is not None:
            check_date(effective, what=Phrase("effective"))
        applied = self.store.apply(ApproveSession(self.id, effective, dict(editorial or {})), by=by)
        result: ApprovalResult = replace(applied.result, commit=applied.commit)
        return result
