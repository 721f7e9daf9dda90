"""Review sessions: a team decides, item by item, what happens to SOPs; the head of office approves.

A session pins SOP versions when it starts. The team records, per SOP, an
outcome (``keep`` / ``revise`` / ``withdraw``), per item of a revised SOP a
decision (``keep`` / ``remove`` / ``replace``), additions of new items, the
evaluation worksheet, and proposals of new SOPs. Approval turns it all into new
versions in one commit.

Storage, under ``reviews/<SESSION_ID>/``:

- ``session.json``: the header (id, title, ref, team, who started it and when,
  the pinned versions, the status and, once closed, who closed it);
- ``log/<000001>.json``: one file per recorded entry, numbered inside the
  transaction that writes it. Entries are never rewritten: a later decision on
  the same item supersedes the earlier one, both stay in the log.

Every write is one transaction under the store lock, so two people recording
decisions at the same moment from two processes lose nothing.

    >>> session = Review.start(store, ["KPU-01"], team={"ani": "chair", "budi": "member"},
    ...                        ref="SK 12/2026", by="ani")
    >>> session.outcome("KPU-01", "revise", by="ani")
    >>> session.remove("KPU-01", "prosedur/2", reason="duplicate of step 3", by="budi")
    >>> session.keep_rest("KPU-01", by="ani")
    >>> session.approve(by="kepala", effective_date="2026-12-01")
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sop_store
from sop_store import Transaction, validate_doc_id, validate_name
from sop_store.documents import record_path
from soplib.dates import parse_date
from soplib.diff import StructuralDiff, structural
from soplib.document import SopDocument, parse, validate_key, validate_section
from soplib.edit import Edit, InsertAfter, InsertAtStart, Remove, Replace, apply_edits
from soplib.errors import InvalidInputError, NotFoundError, RefusedError
from soplib.review_log import (
    CRITERIA,
    OUTCOMES,
    REVIEW_DIR,
    ApprovalResult,
    ItemAction,
    LogEntry,
    SessionHeader,
    SessionState,
    SopReviewStatus,
    TeamMember,
    is_session_id,
    validate_session_id,
)
from soplib.store import Store

__all__ = ["Review"]

_log = logging.getLogger(__name__)


def _reason(reason: str | None, *, what: str) -> str:
    if reason is None or not reason.strip():
        raise InvalidInputError(f"a reason is required to {what}; give --reason TEXT")
    return reason.strip()


# Checks and entry builders run inside the transaction, under the store lock.
_Check = Callable[[Transaction, SessionState], None]
_Make = Callable[[Transaction, SessionState], list[dict[str, Any]]]


class Review:
    """One review session in a store. Get one with :meth:`start` or :meth:`open`."""

    def __init__(self, store: Store, session_id: str) -> None:
        self.store = store
        self.id = validate_session_id(session_id)
        # Log entries are never rewritten and pinned versions never change, so what
        # was read once stays true: these caches spare re-reading and re-parsing.
        self._entries: dict[str, LogEntry] = {}
        self._docs: dict[tuple[str, int], SopDocument] = {}

    # -- paths ---------------------------------------------------------------------

    @property
    def _dir(self) -> str:
        return f"{REVIEW_DIR}/{self.id}"

    @property
    def _header_path(self) -> str:
        return f"{self._dir}/session.json"

    # -- lifecycle -------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        store: Store,
        sop_ids: Sequence[str] | None = None,
        *,
        all_active: bool = False,
        team: Mapping[str, str],
        ref: str,
        by: str,
        title: str | None = None,
    ) -> Review:
        """Start a session over ``sop_ids`` (or every active SOP), pinned to their current versions.

        ``team`` maps member ids to roles (``{"ani": "chair", "budi": "member"}``).
        """
        if bool(sop_ids) == all_active:
            raise InvalidInputError("give the SOP ids to review, or --all (not both)")
        if not team:
            raise InvalidInputError("a review needs a team: --team ID[:ROLE],...")
        members = tuple(
            TeamMember(id=validate_name(p, what="team member id"), role=_role(r)) for p, r in team.items()
        )
        # One line each: they end up in commit subjects, where a newline could forge trailers.
        ref, title = " ".join(ref.split()), " ".join((title or "").split())
        if not ref:
            raise InvalidInputError("give --ref: the plenary decision or decree that formed the team")
        ids = [validate_doc_id(s) for s in sop_ids or ()]
        if len(set(ids)) != len(ids):
            raise InvalidInputError("an SOP is given twice; list each SOP once")
        with store.transaction(by=by, subject="Start review") as tx:
            if all_active:
                ids = [i for i in sop_store.doc_ids(tx) if sop_store.doc_info(tx, i).is_active]
                if not ids:
                    raise RefusedError("the store has no active SOP to review; add SOPs first")
            pinned: dict[str, int] = {}
            for sop_id in ids:
                info = sop_store.doc_info(tx, sop_id)
                if not info.is_active:
                    raise RefusedError(f"SOP {sop_id} was withdrawn; it cannot be reviewed")
                pinned[sop_id] = info.latest.version
            session_id = _new_id(tx)
            header = SessionHeader(
                id=session_id,
                title=title or f"Review of {len(ids)} SOP(s)",
                ref=ref,
                team=members,
                started_by=tx.by,
                started_at=tx.now_iso,
                pinned=pinned,
            )
            tx.subject = f"Start review {session_id}: {header.title}"
            tx.trailer("Sop-Action", "review-start")
            tx.trailer("Sop-Session", session_id)
            tx.write_json(f"{REVIEW_DIR}/{session_id}/session.json", header.to_json())
        return cls(store, session_id)

    @classmethod
    def open(cls, store: Store, session_id: str) -> Review:
        """The existing session ``session_id`` (:class:`NotFoundError` if there is none)."""
        session = cls(store, session_id)
        session.header()
        return session

    @classmethod
    def sessions(cls, store: Store) -> list[SessionHeader]:
        """Every session in the store, oldest first."""
        snap = store.snapshot()
        out = []
        for name in snap.list(REVIEW_DIR):
            if is_session_id(name) and snap.exists(f"{REVIEW_DIR}/{name}/session.json"):
                out.append(SessionHeader.model_validate(snap.read_json(f"{REVIEW_DIR}/{name}/session.json")))
        return sorted(out, key=lambda h: (h.started_at, h.id))

    # -- reading ---------------------------------------------------------------------

    def _read_header(self, snap: sop_store.Snapshot) -> SessionHeader:
        if not snap.exists(self._header_path):
            raise NotFoundError(f"no review session {self.id}; `sop review list` shows them")
        return SessionHeader.model_validate(snap.read_json(self._header_path))

    def _state(self, snap: sop_store.Snapshot | None = None) -> SessionState:
        snap = snap or self.store.snapshot()
        header = self._read_header(snap)
        entries = []
        for name in snap.list(f"{self._dir}/log"):
            if name.endswith(".json"):
                if name not in self._entries:
                    self._entries[name] = LogEntry.model_validate(snap.read_json(f"{self._dir}/log/{name}"))
                entries.append(self._entries[name])
        return SessionState(header, sorted(entries, key=lambda e: e.seq))

    def header(self) -> SessionHeader:
        """The session's header (title, ref, team, pinned versions, status)."""
        return self._read_header(self.store.snapshot())

    def log(self) -> list[LogEntry]:
        """Every recorded entry, in order (superseded decisions included)."""
        return self._state().entries

    def pinned(self, sop_id: str) -> SopDocument:
        """The pinned version of ``sop_id`` that this session reviews."""
        snap = self.store.snapshot()
        return self._doc_in(snap, self._state(snap), sop_id)

    def _pinned_version(self, header: SessionHeader, sop_id: str) -> int:
        validate_doc_id(sop_id)
        if sop_id not in header.pinned:
            listed = ", ".join(header.pinned) or "none"
            raise NotFoundError(f"session {self.id} does not review {sop_id} (it reviews: {listed})")
        return header.pinned[sop_id]

    def status(self) -> list[SopReviewStatus]:
        """Per SOP: the outcome, how many items are decided and which keys are undecided."""
        snap = self.store.snapshot()
        state = self._state(snap)
        out = []
        for sop_id, version in state.header.pinned.items():
            doc = self._doc_in(snap, state, sop_id)
            decided = [i.key for i in doc.items if (sop_id, i.key) in state.decisions]
            outcome = state.outcomes.get(sop_id)
            # Items of an SOP kept or withdrawn as a whole need no decision.
            whole = outcome is not None and outcome.action != "revise"
            out.append(
                SopReviewStatus(
                    sop=sop_id,
                    version=version,
                    outcome=next((o for o in OUTCOMES if outcome and o == outcome.action), None),
                    decided=len(decided),
                    undecided=()
                    if whole
                    else tuple(i.key for i in doc.items if (sop_id, i.key) not in state.decisions),
                    added=len(state.adds.get(sop_id, [])),
                    evaluated=sop_id in state.evaluations,
                )
            )
        for sop_id in state.proposals:
            outcome = state.outcomes.get(sop_id)
            out.append(
                SopReviewStatus(
                    sop=sop_id,
                    version=None,
                    outcome=None,
                    decided=0,
                    undecided=(),
                    added=0,
                    evaluated=sop_id in state.evaluations,
                    proposed=True,
                )
            )
        return out

    def undecided(self, sop_id: str) -> list[str]:
        """Keys of the pinned version's items that have no decision yet, in document order."""
        snap = self.store.snapshot()
        state = self._state(snap)
        doc = self._doc_in(snap, state, sop_id)
        return [i.key for i in doc.items if (sop_id, i.key) not in state.decisions]

    def decision(self, sop_id: str, key: str) -> LogEntry | None:
        """The current (latest) decision on one item, if any."""
        return self._state().decisions.get((sop_id, key))

    def evaluation(self, sop_id: str) -> LogEntry | None:
        """The latest evaluation worksheet recorded for ``sop_id``."""
        return self._state().evaluations.get(sop_id)

    def preview(self, sop_id: str) -> SopDocument:
        """The proposed text: the pinned version with the decisions applied (undecided items stay).

        For a proposed new SOP, the proposal itself.
        """
        snap = self.store.snapshot()
        return self._preview(snap, self._state(snap), sop_id)

    def _preview(self, snap: sop_store.Snapshot, state: SessionState, sop_id: str) -> SopDocument:
        if sop_id in state.proposals:
            return parse(state.proposals[sop_id].text or "", source=f"proposal {sop_id}")
        return _revised(self._doc_in(snap, state, sop_id), state, sop_id)

    def diff(self, sop_id: str | None = None) -> list[StructuralDiff]:
        """Structural diffs of the pinned versions against the previews (one SOP, or all)."""
        snap = self.store.snapshot()
        state = self._state(snap)
        ids = [sop_id] if sop_id else [*state.header.pinned, *state.proposals]
        out = []
        for i in ids:
            new = self._preview(snap, state, i)
            if i in state.proposals:
                out.append(structural(None, new, old_label="(new)", new_label=f"proposal {self.id}"))
                continue
            old = self._doc_in(snap, state, i)
            label = f"v{state.header.pinned[i]}"
            out.append(structural(old, new, old_label=label, new_label=f"review {self.id}"))
        return out

    # -- recording -------------------------------------------------------------------

    def _append(self, *, by: str, subject: str, check: _Check, **fields: Any) -> LogEntry:
        """Append one entry in its own transaction, after ``check(tx, state)`` under the lock."""

        def make(tx: Transaction, state: SessionState) -> list[dict[str, Any]]:
            check(tx, state)
            return [fields]

        return self._append_many(by=by, subject=subject, make=make)[0]

    def _append_many(self, *, by: str, subject: str, make: _Make) -> list[LogEntry]:
        """Append the entries ``make(tx, state)`` returns (field mappings) in one transaction."""
        with self.store.transaction(by=by, subject=f"Review {self.id}: {subject}") as tx:
            state = self._state(tx)
            _require_open(state.header)
            if not state.header.is_member(tx.by):
                members = ", ".join(m.id for m in state.header.team)
                raise RefusedError(
                    f"{tx.by} is not on the team of session {self.id} (team: {members}); "
                    "only team members record decisions"
                )
            seq = _next_seq(tx, self._dir)
            entries = []
            for n, fields in enumerate(make(tx, state)):
                entry = LogEntry(seq=seq + n, by=tx.by, when=tx.now_iso, **fields)
                tx.write_json(f"{self._dir}/log/{entry.seq:06d}.json", entry.to_json())
                entries.append(entry)
            tx.trailer("Sop-Session", self.id)
            tx.trailer("Sop-Action", "decide")
        return entries

    def keep_rest(self, sop_id: str, *, by: str, reason: str | None = None) -> list[LogEntry]:
        """Decide keep for every item of ``sop_id`` that has no decision yet (one commit)."""

        def make(tx: Transaction, state: SessionState) -> list[dict[str, Any]]:
            doc = self._doc_in(tx, state, sop_id)
            return [
                {"type": "decision", "sop": sop_id, "key": i.key, "action": "keep", "reason": reason}
                for i in doc.items
                if (sop_id, i.key) not in state.decisions
            ]

        return self._append_many(by=by, subject=f"keep the rest of {sop_id}", make=make)

    def _doc_in(self, snap: sop_store.Snapshot, state: SessionState, sop_id: str) -> SopDocument:
        """The pinned version of ``sop_id``, read from ``snap``."""
        version = self._pinned_version(state.header, sop_id)
        if (sop_id, version) not in self._docs:
            data = sop_store.read_version(snap, sop_id, version)
            self._docs[sop_id, version] = parse(data, source=f"{sop_id} v{version}")
        return self._docs[sop_id, version]

    def outcome(self, sop_id: str, outcome: str, *, by: str, reason: str | None = None) -> LogEntry:
        """Record the outcome for an SOP: ``keep``, ``revise`` or ``withdraw`` (*dicabut*)."""
        if outcome not in OUTCOMES:
            raise InvalidInputError(f"invalid outcome {outcome!r}: use keep, revise or withdraw")
        if outcome == "withdraw":
            reason = _reason(reason, what="withdraw an SOP")

        def check(tx: Transaction, state: SessionState) -> None:
            if sop_id in state.proposals:
                raise RefusedError(f"{sop_id} is a proposed new SOP; it has no outcome")
            self._pinned_version(state.header, sop_id)

        return self._append(
            by=by, subject=f"{sop_id} {outcome}", check=check, type="outcome", sop=sop_id, action=outcome,
            reason=(reason or "").strip() or None,
        )  # fmt: skip

    def keep(self, sop_id: str, key: str, *, by: str, reason: str | None = None) -> LogEntry:
        """Decide that item ``key`` stays as it is."""
        return self._decide(sop_id, key, "keep", by=by, reason=(reason or "").strip() or None)

    def remove(self, sop_id: str, key: str, *, by: str, reason: str) -> LogEntry:
        """Decide that item ``key`` is removed (*dihapus*); a reason is required."""
        return self._decide(sop_id, key, "remove", by=by, reason=_reason(reason, what="remove a step"))

    def replace(self, sop_id: str, key: str, *, text: str, by: str, reason: str) -> LogEntry:
        """Decide that item ``key`` is reworded to ``text``; a reason is required."""
        return self._decide(
            sop_id, key, "replace", by=by, reason=_reason(reason, what="replace a step"), text=text
        )

    def _decide(
        self,
        sop_id: str,
        key: str,
        action: ItemAction,
        *,
        by: str,
        reason: str | None,
        text: str | None = None,
    ) -> LogEntry:
        validate_key(key)

        def check(tx: Transaction, state: SessionState) -> None:
            doc = self._doc_in(tx, state, sop_id)
            item = doc.item(key)
            if action == "remove":
                edits = state.edits(sop_id)
                others = [e for e in edits if not isinstance(e, (Remove, Replace)) or e.key != key]
                _revised(doc, state, sop_id, [*others, Remove(key)])
            if text is not None:
                _check_one_item(doc, Replace(key, text), len(doc.items))
                if " ".join(text.split()) == " ".join(item.text.split()):
                    raise InvalidInputError(
                        f"the new text of {key} is the same as the current text; decide keep instead"
                    )

        return self._append(
            by=by, subject=f"{action} {sop_id} {key}", check=check, type="decision", sop=sop_id, key=key,
            action=action, text=text.strip() if text is not None else None, reason=reason,
        )  # fmt: skip

    def add(
        self,
        sop_id: str,
        *,
        text: str,
        by: str,
        reason: str,
        after: str | None = None,
        section: str | None = None,
    ) -> LogEntry:
        """Add a new item after item ``after``, or at the start of section ``section``."""
        reason = _reason(reason, what="add a step")
        if (after is None) == (section is None):
            raise InvalidInputError("say where to add: --after ITEM_KEY or --section SLUG (one of them)")
        if after is not None:
            validate_key(after)
        if section is not None:
            validate_section(section)

        def check(tx: Transaction, state: SessionState) -> None:
            doc = self._doc_in(tx, state, sop_id)
            edit: Edit = InsertAfter(after, text) if after is not None else InsertAtStart(section or "", text)
            _check_one_item(doc, edit, len(doc.items) + 1)

        where = f"after {after}" if after else f"at the start of {section}"
        return self._append(
            by=by, subject=f"add to {sop_id} {where}", check=check, type="add", sop=sop_id, after=after,
            section=section, text=text.strip(), reason=reason,
        )  # fmt: skip

    def evaluate(
        self,
        sop_id: str,
        *,
        answers: Mapping[str, bool],
        by: str,
        notes: Mapping[str, str] | None = None,
    ) -> LogEntry:
        """Record the evaluation worksheet: all seven :data:`CRITERIA` answered yes/no, with notes.

        ``notes`` maps a criterion (or ``"general"``) to a note.
        """
        missing = [c for c in CRITERIA if c not in answers]
        unknown = [c for c in [*answers, *(notes or {})] if c not in CRITERIA and c != "general"]
        if unknown:
            raise InvalidInputError(f"unknown criterion {unknown[0]!r}; criteria: {', '.join(CRITERIA)}")
        if missing:
            raise InvalidInputError(f"answer every criterion; missing: {', '.join(missing)}")

        def check(tx: Transaction, state: SessionState) -> None:
            if sop_id not in state.proposals:
                self._pinned_version(state.header, sop_id)

        return self._append(
            by=by, subject=f"evaluate {sop_id}", check=check, type="evaluation", sop=sop_id,
            answers={c: bool(answers[c]) for c in CRITERIA},
            notes={k: v.strip() for k, v in (notes or {}).items() if v.strip()},
        )  # fmt: skip

    def propose(self, document: SopDocument, *, by: str, reason: str | None = None) -> LogEntry:
        """Propose a brand-new SOP (version 1 on approval); a later proposal of the same id supersedes."""

        def check(tx: Transaction, state: SessionState) -> None:
            if document.id in state.header.pinned or tx.exists(record_path(document.id)):
                raise RefusedError(
                    f"SOP {document.id} already exists; revise it in a session instead of proposing it"
                )

        return self._append(
            by=by, subject=f"propose {document.id}", check=check, type="proposal", sop=document.id,
            text=document.text, reason=(reason or "").strip() or None,
        )  # fmt: skip

    def retract(self, seq: int, *, by: str, reason: str) -> LogEntry:
        """Take back the addition or proposal recorded as log entry ``seq`` (both stay in the log)."""
        reason = _reason(reason, what="retract an addition or proposal")

        def check(tx: Transaction, state: SessionState) -> None:
            if state.retractable(seq) is None:
                raise NotFoundError(
                    f"session {self.id} has no addition or proposal #{seq} to retract; "
                    "`sop review log SESSION` lists the entries"
                )

        return self._append(
            by=by, subject=f"retract #{seq}", check=check, type="retract", target=seq, reason=reason
        )

    # -- closing ---------------------------------------------------------------------

    def abandon(self, *, by: str, reason: str | None = None) -> SessionHeader:
        """Mark the session abandoned: kept in the store with its log, nothing is approved."""
        with self.store.transaction(by=by, subject=f"Abandon review {self.id}") as tx:
            state = self._state(tx)
            _require_open(state.header)
            if not state.header.is_member(tx.by) and tx.by != state.header.started_by:
                raise RefusedError(
                    f"{tx.by} is not on the team of session {self.id}; only the team can abandon it"
                )
            header = state.header.model_copy(
                update={"status": "abandoned", "closed_by": tx.by, "closed_at": tx.now_iso}
            )
            seq = _next_seq(tx, self._dir)
            entry = LogEntry(seq=seq, type="abandon", by=tx.by, when=tx.now_iso, reason=reason)
            tx.write_json(f"{self._dir}/log/{seq:06d}.json", entry.to_json())
            tx.write_json(self._header_path, header.to_json())
            tx.trailer("Sop-Session", self.id)
            tx.trailer("Sop-Action", "abandon")
        return header

    def approve(
        self,
        *,
        by: str,
        effective_date: str | None = None,
        editorial: Mapping[str, str] | None = None,
    ) -> ApprovalResult:
        """Approve the session: write every new version, withdrawal and new SOP in one commit.

        Refused (nothing written) while an SOP has no outcome, an item of a
        revised SOP has no decision, or a pinned SOP got a new version since the
        session started. ``editorial`` maps SOP ids to a reason: those revisions
        are marked editorial (acknowledgements carry over).
        """
        date = parse_date(effective_date, option="--effective-date")
        editorial = dict(editorial or {})
        with self.store.transaction(by=by, subject=f"Approve review {self.id}") as tx:
            state = self._state(tx)
            _require_open(state.header)
            for sop_id in editorial:
                if state.outcomes.get(sop_id) is None or state.outcomes[sop_id].action != "revise":
                    raise InvalidInputError(
                        f"--editorial {sop_id}: only a revised SOP of this session can be editorial"
                    )
            docs = self._check_approvable(tx, state)
            result = self._write_approval(tx, state, docs, date or tx.now_iso[:10], editorial)
        _log.info("approved %s: versions %s, withdrawn %s", self.id, result.versions, result.withdrawn)
        return result.model_copy(update={"commit": self.store.head()})

    def _check_approvable(self, tx: Transaction, state: SessionState) -> dict[str, SopDocument]:
        header = state.header
        moved = []
        for sop_id, version in header.pinned.items():
            info = sop_store.doc_info(tx, sop_id)
            if not info.is_active or info.latest.version != version:
                now = f"v{info.latest.version}" + ("" if info.is_active else " (withdrawn)")
                moved.append(f"{sop_id} (pinned v{version}, now {now})")
        if moved:
            raise RefusedError(
                f"cannot approve {self.id}: SOPs changed since the session started: {', '.join(moved)}; "
                "start a new session over the current versions"
            )
        no_outcome = [s for s in header.pinned if s not in state.outcomes]
        if no_outcome:
            raise RefusedError(
                f"cannot approve {self.id}: no outcome for {', '.join(no_outcome)}; "
                "record one with `sop review outcome SESSION SOP_ID keep|revise|withdraw`"
            )
        docs: dict[str, SopDocument] = {}
        undecided: list[str] = []
        for sop_id in header.pinned:
            doc = self._doc_in(tx, state, sop_id)
            outcome = state.outcomes[sop_id].action
            changes = state.edits(sop_id)
            if outcome != "revise":
                if changes:
                    raise RefusedError(
                        f"cannot approve {self.id}: {sop_id} has outcome {outcome} but remove/replace/add "
                        "decisions; record outcome revise, or decide keep on those items"
                    )
                continue
            missing = [i.key for i in doc.items if (sop_id, i.key) not in state.decisions]
            undecided += [f"{sop_id} {k}" for k in missing]
            docs[sop_id] = doc
        if undecided:
            raise RefusedError(f"cannot approve {self.id}: undecided items: {', '.join(undecided)}")
        for sop_id in docs:
            if not state.edits(sop_id):
                raise RefusedError(
                    f"cannot approve {self.id}: {sop_id} has outcome revise but every item is kept; "
                    "record outcome keep instead"
                )
        for sop_id in state.proposals:
            if tx.exists(record_path(sop_id)):
                raise RefusedError(f"cannot approve {self.id}: proposed SOP {sop_id} now exists in the store")
        return docs

    def _write_approval(
        self,
        tx: Transaction,
        state: SessionState,
        docs: dict[str, SopDocument],
        date: str,
        editorial: dict[str, str],
    ) -> ApprovalResult:
        header = state.header
        common = {"effective_date": date, "approved_by": tx.by, "session": self.id}
        message = f"Approved in review {self.id}: {header.title} ({header.ref})"
        versions: dict[str, int] = {}
        for sop_id, doc in docs.items():
            new_doc = _revised(doc, state, sop_id)
            extra: dict[str, Any] = {**common, "decisions": state.counts(sop_id)}
            if sop_id in editorial:
                extra["editorial"] = {
                    "reason": _reason(editorial[sop_id], what="mark a revision editorial"),
                    "by": tx.by,
                }
            versions[sop_id] = self.store.stage_version(
                tx, new_doc, action="approve", message=message, new=False, extra=extra
            )
        withdrawn = [s for s in header.pinned if state.outcomes[s].action == "withdraw"]
        for sop_id in withdrawn:
            sop_store.withdraw(tx, sop_id, meta={**common, "reason": state.outcomes[sop_id].reason})
        for sop_id, entry in state.proposals.items():
            doc = parse(entry.text or "", source=f"proposal {sop_id}")
            versions[sop_id] = self.store.stage_version(
                tx, doc, action="approve", message=message, new=True, extra=common
            )
        closed = header.model_copy(
            update={"status": "approved", "closed_by": tx.by, "closed_at": tx.now_iso, "effective_date": date}
        )
        seq = _next_seq(tx, self._dir)
        entry = LogEntry(seq=seq, type="approve", by=tx.by, when=tx.now_iso)
        tx.write_json(f"{self._dir}/log/{seq:06d}.json", entry.to_json())
        tx.write_json(self._header_path, closed.to_json())
        tx.subject = f"Approve review {self.id}: {header.title}"
        tx.trailer("Sop-Session", self.id)
        tx.trailer("Sop-Action", "approve")
        tx.tag(f"review/{self.id}")
        return ApprovalResult(
            session=self.id,
            commit=None,
            versions=versions,
            withdrawn=tuple(withdrawn),
            created=tuple(state.proposals),
            kept=tuple(s for s in header.pinned if state.outcomes[s].action == "keep"),
        )


def read_session(snap: sop_store.Snapshot, session_id: str) -> SessionState | None:
    """One session in ``snap`` with its log replayed; None if there is no such session."""
    base = f"{REVIEW_DIR}/{session_id}"
    if not (is_session_id(session_id) and snap.exists(f"{base}/session.json")):
        return None
    header = SessionHeader.model_validate(snap.read_json(f"{base}/session.json"))
    entries = [
        LogEntry.model_validate(snap.read_json(f"{base}/log/{n}"))
        for n in snap.list(f"{base}/log")
        if n.endswith(".json")
    ]
    return SessionState(header, sorted(entries, key=lambda e: e.seq))


def read_sessions(snap: sop_store.Snapshot) -> list[SessionState]:
    """Every session in ``snap`` with its log replayed, oldest first (for reports and audits)."""
    states = [s for name in snap.list(REVIEW_DIR) if (s := read_session(snap, name)) is not None]
    return sorted(states, key=lambda s: (s.header.started_at, s.header.id))


def kept_reviews(snap: sop_store.Snapshot) -> dict[str, str]:
    """SOP id -> the date of its latest approved review whose outcome was ``keep``.

    The date is the session's effective date (else the day it was approved): a
    review that found an SOP still fit restarts its periodic-review clock.
    """
    out: dict[str, str] = {}
    for state in read_sessions(snap):
        header = state.header
        if header.status != "approved":
            continue
        day = header.effective_date or (header.closed_at or header.started_at)[:10]
        for sop_id, entry in state.outcomes.items():
            if entry.action == "keep" and day > out.get(sop_id, ""):
                out[sop_id] = day
    return out


def _role(role: str) -> str:
    role = (role or "member").strip().lower()
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", role):
        raise InvalidInputError(f"invalid team role {role!r}: use a word such as chair, secretary, member")
    return role


def _require_open(header: SessionHeader) -> None:
    if header.status != "open":
        raise RefusedError(f"session {header.id} is {header.status}; nothing more can be recorded in it")


def _new_id(tx: Transaction) -> str:
    day = datetime.fromtimestamp(tx.now, tz=UTC).strftime("%Y%m%d")
    while True:
        candidate = f"R-{day}-{secrets.token_hex(2).upper()}"
        if not tx.exists(f"{REVIEW_DIR}/{candidate}/session.json"):
            return candidate


def _next_seq(tx: Transaction, directory: str) -> int:
    names = [n for n in tx.list(f"{directory}/log") if n.endswith(".json")]
    return max((int(n[:-5]) for n in names), default=0) + 1


def _revised(
    doc: SopDocument, state: SessionState, sop_id: str, edits: list[Edit] | None = None
) -> SopDocument:
    """``doc`` with the session's edits (or ``edits``) applied."""
    edits = state.edits(sop_id) if edits is None else edits
    if all(isinstance(e, Remove) for e in edits) and len(edits) == len(doc.items):
        raise RefusedError(
            f"every step of {sop_id} would be removed; record outcome withdraw instead, or keep or add a step"
        )
    return parse(apply_edits(doc, edits), source=f"{sop_id} (review {state.header.id})")


def _check_one_item(doc: SopDocument, edit: Edit, expected: int) -> None:
    """Refuse text that would not become exactly one item in its place (or breaks the document)."""
    new = parse(apply_edits(doc, [edit]), source=f"{doc.id} with the new text")
    if len(new.items) != expected or new.front != doc.front:
        raise InvalidInputError(
            "the new text does not form exactly one step in its place; give the text of a single step "
            "(one line for a table row, no blank lines in a list item)"
        )
