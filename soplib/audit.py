"""Looking back: the store as it was on a date, and the history of an SOP for an auditor.

Two questions about a past date are kept apart, because auditors ask both:

* **What did the record say on that date?** :func:`as_of` gives the last commit
  on ``main`` made on or before the end of that day (UTC). Reading the store at
  that commit shows exactly what was recorded by then, nothing added later.
* **Which version was in force on that date?** :func:`in_force` picks, from a
  record, the highest-numbered version whose effective date is on or before the
  date, unless the SOP was withdrawn by then. Read from the as-of snapshot it
  answers "in force, as the record stood then"; read from today's record it
  answers "in force, as we know now" (a back-dated effective date counts).

``sop audit history ID --as-of DATE`` uses both: the versions recorded by the
end of DATE, each marked with its status on DATE.

    >>> point = as_of(store, "2026-03-31")
    >>> audit_history(store, "KPU-NTB-SOP-01", on="2026-03-31").in_force
    1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Literal

import sop_store
from sop_store import Snapshot
from soplib.dates import parse_date
from soplib.errors import NotFoundError
from soplib.store import Store

VersionStatus = Literal["in_force", "scheduled", "superseded", "withdrawn"]


@dataclass(frozen=True)
class AsOf:
    """The state of the store at the end of ``date`` (UTC): ``commit`` is None if it did not exist yet."""

    date: str
    commit: str | None
    commit_date: str | None

    def snapshot(self, store: Store) -> Snapshot:
        """The store's files as they were at :attr:`commit` (empty before the store existed)."""
        return store.snapshot(self.commit) if self.commit else Snapshot(store.snapshot().repo, None)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.date, "commit": self.commit, "commit_date": self.commit_date}


def end_of_day(day: str) -> int:
    """The last second of ``day`` (``YYYY-MM-DD``, UTC) as a Unix time."""
    moment = datetime.combine(date.fromisoformat(day), time(23, 59, 59), tzinfo=UTC)
    return int(moment.timestamp())


def as_of(store: Store, day: str) -> AsOf:
    """The last commit on ``main`` made on or before the end of ``day`` (UTC).

    Walking back from the head, the first commit whose time is at or before
    23:59:59 UTC of ``day``: commits after it in the history were not yet made.
    """
    checked = parse_date(day, option="--as-of date")
    assert checked is not None
    cutoff = end_of_day(checked)
    repo = store.snapshot().repo
    for sha, commit in repo.walk(store.head()):
        when = commit["time"]
        assert isinstance(when, int)
        if when <= cutoff:
            return AsOf(date=checked, commit=sha, commit_date=sop_store.iso(when))
    return AsOf(date=checked, commit=None, commit_date=None)


def in_force(info: sop_store.DocInfo, day: str) -> sop_store.VersionInfo | None:
    """The version of ``info`` in force on ``day``, by effective date; None if none was.

    The highest-numbered version whose ``effective_date`` is on or before
    ``day``; none when the SOP had been withdrawn by then (withdrawal date on or
    before ``day``). A version without an effective date counts from the day it
    was recorded.
    """
    withdrawn = (info.withdrawn or {}).get("date")
    if withdrawn and str(withdrawn)[:10] <= day:
        return None
    current = None
    for v in info.versions:
        if effective_date(v) <= day:
            current = v
    return current


def effective_date(version: sop_store.VersionInfo) -> str:
    """A version's effective date (``YYYY-MM-DD``), or the day it was recorded if it has none."""
    return str(version.meta.get("effective_date") or version.created[:10])


# -- history for an auditor ----------------------------------------------------------

# Extra fields for each version of ``sop audit history``: the acknowledgement
# module adds e.g. ``acknowledgements``. Each gets the snapshot the history is
# read from, the SOP id and the version, and returns fields to merge in.
HistoryExtra = Callable[[Snapshot, str, sop_store.VersionInfo], Mapping[str, Any]]


def acknowledgement_count(snap: Snapshot, sop_id: str, version: sop_store.VersionInfo) -> Mapping[str, Any]:
    """``{"acknowledgements": N}``: staff with a record of this very version (carry-over not counted)."""
    from soplib.ack import partition_staff

    return {"acknowledgements": len(partition_staff(snap, sop_id, version.version))}


HISTORY_EXTRAS: list[HistoryExtra] = [acknowledgement_count]


@dataclass(frozen=True)
class VersionRecord:
    """One version of an SOP as an auditor sees it."""

    version: int
    status: VersionStatus
    date: str
    by: str
    action: str
    message: str
    effective_date: str
    approved_by: str | None
    session: str | None
    decisions: Mapping[str, int] | None
    editorial: Mapping[str, str] | None
    commit: str | None
    content_sha256: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "status": self.status,
            "date": self.date,
            "by": self.by,
            "action": self.action,
            "message": self.message,
            "effective_date": self.effective_date,
            "approved_by": self.approved_by,
            "session": self.session,
            "decisions": dict(self.decisions) if self.decisions is not None else None,
            "editorial": dict(self.editorial) if self.editorial is not None else None,
            "commit": self.commit,
            "content_sha256": self.content_sha256,
            **dict(self.extra),
        }


@dataclass(frozen=True)
class AuditHistory:
    """Every version of one SOP as recorded at :attr:`as_of` (or now), with the one in force."""

    id: str
    title: str
    on: str
    as_of: AsOf | None
    in_force: int | None
    withdrawn: Mapping[str, Any] | None
    versions: tuple[VersionRecord, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "on": self.on,
            "as_of": self.as_of.to_json() if self.as_of else None,
            "in_force": self.in_force,
            "withdrawn": dict(self.withdrawn) if self.withdrawn else None,
            "versions": [v.to_json() for v in self.versions],
        }


def audit_history(
    store: Store, sop_id: str, *, on: str | None = None, today: date | None = None
) -> AuditHistory:
    """Every version of ``sop_id`` with its approval, session, decisions and status.

    With ``on`` (a date), the store is read as it was at the end of that day
    (:func:`as_of`) and statuses are those of that day; otherwise the current
    record and ``today`` (default: the current UTC date).
    """
    sop_store.validate_doc_id(sop_id)
    point = as_of(store, on) if on is not None else None
    day = point.date if point else (today or datetime.now(UTC).date()).isoformat()
    snap = point.snapshot(store) if point else store.snapshot()
    try:
        info = sop_store.doc_info(snap, sop_id)
    except NotFoundError:
        if point is None:
            raise
        raise NotFoundError(f"SOP {sop_id} was not in the store yet on {point.date}") from None
    current = in_force(info, day)
    records = tuple(_record(store, snap, info, v, day, current) for v in info.versions)
    return AuditHistory(
        id=sop_id,
        title=str(info.latest.meta.get("front", {}).get("title", "")),
        on=day,
        as_of=point,
        in_force=current.version if current else None,
        withdrawn=info.withdrawn
        if info.withdrawn and str(info.withdrawn.get("date", ""))[:10] <= day
        else None,
        versions=records,
    )


def _record(
    store: Store,
    snap: Snapshot,
    info: sop_store.DocInfo,
    v: sop_store.VersionInfo,
    day: str,
    current: sop_store.VersionInfo | None,
) -> VersionRecord:
    status: VersionStatus
    if current is not None and v.version == current.version:
        status = "in_force"
    elif effective_date(v) > day:
        status = "scheduled"
    elif current is None and v.version == info.latest.version and info.withdrawn:
        status = "withdrawn"
    else:
        status = "superseded"
    extra: dict[str, Any] = {}
    for hook in HISTORY_EXTRAS:
        extra.update(hook(snap, info.doc_id, v))
    meta = v.meta
    return VersionRecord(
        version=v.version,
        status=status,
        date=v.created,
        by=v.by,
        action=v.action,
        message=v.message,
        effective_date=effective_date(v),
        approved_by=meta.get("approved_by"),
        session=meta.get("session"),
        decisions=meta.get("decisions"),
        editorial=meta.get("editorial"),
        commit=store.tag_commit(info.doc_id, v.version),
        content_sha256=meta.get("content_sha256"),
        extra=extra,
    )
