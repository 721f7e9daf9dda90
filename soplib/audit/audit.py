"""``store.audit``: everything an auditor asks of a store.

>>> store.audit.verify(allowed_signers="allowed_signers").ok
>>> receipt = store.audit.anchor(by="ani")
>>> store.audit.history("KPU-NTB-SOP-04", as_of=date(2026, 6, 30)).in_force
>>> store.audit.report(as_of=date(2026, 12, 31)).grade.letter
>>> store.audit.due(within_days=60)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from soplib.clock import check_date
from soplib.errors import Phrase

if TYPE_CHECKING:
    from soplib.audit.anchors import Anchor
    from soplib.audit.due import DueReview
    from soplib.audit.history import AsOf, AuditHistory
    from soplib.audit.report import AuditReport
    from soplib.audit.verify import VerifyReport
    from soplib.store import Store


class Audit:
    """Verification, anchors, the record as of a day, histories, reports, due reviews."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def today(self) -> date:
        """The office's today (its time zone; UTC when none is set)."""
        from soplib.clock import local_day, now, office_zone

        return local_day(now(), office_zone(self._store.office.get().time_zone))

    def verify(
        self,
        *,
        recorded_heads: Sequence[str] = (),
        allowed_signers: Path | str | None = None,
        require_signatures: bool = False,
    ) -> VerifyReport:
        """Replay and check the whole store (:func:`soplib.audit.verify.verify`)."""
        from soplib.audit.verify import verify

        return verify(
            self._store,
            recorded_heads=recorded_heads,
            allowed_signers=allowed_signers,
            require_signatures=require_signatures,
        )

    def anchor(self, *, by: str) -> Anchor:
        """Record the current head as an anchor (one commit); keep the returned receipt outside the store."""
        from soplib.audit.anchors import anchor

        return anchor(self._store, by=by)

    def anchors(self) -> list[Anchor]:
        """The anchors recorded in the store, oldest first."""
        from soplib.audit.anchors import list_anchors

        return list_anchors(self._store.snapshot())

    def as_of(self, day: date) -> AsOf:
        """The record as it stood at the end of ``day`` (the office's time zone)."""
        from soplib.audit.history import as_of

        return as_of(self._store, check_date(day, what=Phrase("as_of")))

    def history(self, sop_id: str, *, as_of: date | None = None, today: date | None = None) -> AuditHistory:
        """Every version of an SOP with its approval, session, decisions and status (on ``as_of``, or
        today).
        """
        from soplib.audit.history import audit_history

        if as_of is not None:
            check_date(as_of, what=Phrase("as_of"))
        return audit_history(self._store, sop_id, as_of_day=as_of, today=today)

    def report(self, *, as_of: date | None = None, today: date | None = None) -> AuditReport:
        """The audit report (register, sessions, grade, coverage, overdue reviews)."""
        from soplib.audit.report import audit_report

        if as_of is not None:
            check_date(as_of, what=Phrase("as_of"))
        return audit_report(self._store, as_of=as_of, today=today)

    def due(self, *, within_days: int = 30, today: date | None = None) -> list[DueReview]:
        """Active SOPs whose periodic review is due within ``within_days``, or overdue."""
        from soplib.audit.due import reviews_due

        return reviews_due(self._store.snapshot(), within_days=within_days, today=today or self.today())

    def pack(
        self, *, as_of: date | None = None, today: date | None = None, language: str | None = None
    ) -> bytes:
        """The evidence pack: a deterministic zip with a SHA-256 manifest (:mod:`soplib.outputs.pack`).

        ``language`` (``id``/``en``) of its documents; default: the office profile's, else ``id``.
        """
        from soplib.outputs.pack import build_pack

        if as_of is not None:
            check_date(as_of, what=Phrase("as_of"))
        return build_pack(self._store, as_of=as_of, today=today, language=language)
