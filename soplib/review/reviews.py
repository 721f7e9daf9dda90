"""``store.reviews``: starting review sessions and finding them.

>>> session = store.reviews.start(["KPU-01", "KPU-02"], team={"ani": "chair"}, ref="SK 12/2026", by="ani")
>>> [h.id for h in store.reviews.list()]
>>> store.reviews[session.id].status()
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from soplib.errors import InvalidInputError
from soplib.ids import new_id
from soplib.review.log import SessionHeader, TeamMember
from soplib.review.ops import StartReview
from soplib.review.records import read_header, read_sessions
from soplib.review.session import Review

if TYPE_CHECKING:
    from soplib.store import Store


class Reviews:
    """The review sessions of a store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def start(
        self,
        sop_ids: Sequence[str] | None = None,
        *,
        team: Mapping[str, str],
        ref: str,
        by: str,
        title: str | None = None,
        all_active: bool = False,
    ) -> Review:
        """Start a session over ``sop_ids`` (or every active SOP), pinned to their current versions.

        ``team`` maps member ids to roles (``{"ani": "chair", "budi": "member"}``);
        ``ref`` is the plenary decision or decree that formed the team.
        """
        if not team:
            raise InvalidInputError("a review needs a team: member ids and their roles")
        members = tuple(TeamMember(p, (r or "member").strip().lower()) for p, r in team.items())
        ref, title = " ".join(ref.split()), " ".join((title or "").split())
        if not ref:
            raise InvalidInputError("give the reference: the plenary decision or decree that formed the team")
        from sop_store import validate_doc_id
        from soplib.authority.office import read_profile
        from soplib.clock import local_day, now, office_zone
        from soplib.documents.records import read_record
        from soplib.documents.records import sop_ids as all_ids
        from soplib.errors import RefusedError

        ids = [validate_doc_id(s) for s in sop_ids or ()]
        if bool(ids) == all_active:
            raise InvalidInputError("give the SOP ids to review, or all active SOPs (not both)")
        if len(set(ids)) != len(ids):
            raise InvalidInputError("an SOP is given twice; list each SOP once")
        snap = self._store.snapshot()
        if all_active:
            ids = [i for i in all_ids(snap) if read_record(snap, i).is_active]
            if not ids:
                raise RefusedError("the store has no active SOP to review; add SOPs first")
        pinned = {}
        for sop_id in ids:
            record = read_record(snap, sop_id)
            if not record.is_active:
                raise RefusedError("SOP {id} was withdrawn; it cannot be reviewed", id=sop_id)
            pinned[sop_id] = record.latest.version
        title = title or f"Review of {len(ids)} SOP(s)"
        moment = now()
        day = local_day(moment, office_zone(read_profile(snap).time_zone))
        session_id = new_id("R", day, taken=lambda i: snap.exists(f"reviews/{i}/session.json"))
        op = StartReview(session_id, pinned, members, ref, title)
        self._store.apply(op, by=by, at=moment)
        return Review(self._store, session_id)

    def get(self, session_id: str) -> Review:
        """The existing session ``session_id`` (:class:`NotFoundError` if there is none)."""
        review = Review(self._store, session_id)
        read_header(self._store.snapshot(), review.id)
        return review

    def __getitem__(self, session_id: str) -> Review:
        return self.get(session_id)

    def __iter__(self) -> Iterator[SessionHeader]:
        return iter(self.list())

    def list(self) -> builtins.list[SessionHeader]:
        """Every session's header, oldest first."""
        return [s.header for s in read_sessions(self._store.snapshot())]
