"""Looking back: the store as it was at the end of a day, and an SOP's history for an auditor.

Two questions about a past day are kept apart, because auditors ask both:

* **What did the record say then?** :func:`as_of` gives the last commit of the
  history that precedes the first commit made after the end of that day (in
  the office's time zone). History order rules, not clocks: a commit that
  history places after one already past the cutoff is never included, even if
  a wrong clock stamped it earlier.
* **Which version was in force on that day?** :func:`in_force` picks the
  highest-numbered version whose effective date is on or before the day,
  unless the SOP had been withdrawn (effective) by then.

    >>> point = store.audit.as_of(date(2026, 3, 31))
    >>> store.audit.history("KPU-NTB-SOP-01", as_of=date(2026, 3, 31)).in_force
    1
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from sop_store import Snapshot, validate_doc_id
from soplib.clock import end_of_day, local_day, office_zone
from soplib.documents.records import Approver, SopRecord, VersionRecord, read_record, tag_name
from soplib.errors import NotFoundError
from soplib.values import HIDDEN, Value

if TYPE_CHECKING:
    from soplib.store import Store

VersionStatus = Literal["in_force", "scheduled", "superseded", "withdrawn"]


@dataclass(frozen=True)
class AsOf(Value):
    """The record at the end of ``date`` (office time): ``commit`` is None if the store did not exist yet."""

    date: date
    commit: str | None
    commit_time: datetime | None

    @property
    def existed(self) -> bool:
        return self.commit is not None

    def snapshot(self, store: Store) -> Snapshot:
        """The store's files as they were at :attr:`commit` (empty before the store existed)."""
        return store.snapshot(self.commit) if self.commit else Snapshot(store.git.repo, None)


def first_parent_chain(store: Store) -> list[tuple[str, datetime]]:
    """(commit, committer time) of main's first-parent history, oldest first."""
    out = [(c.sha, c.committer_time) for c in store.git.repo.walk(store.head())]
    out.reverse()
    return out


def as_of(store: Store, day: date) -> AsOf:
    """The record as it stood at the end of ``day`` in the office's time zone."""
    from soplib.authority.office import read_profile

    cutoff = end_of_day(day, office_zone(read_profile(store.snapshot()).time_zone))
    last: tuple[str, datetime] | None = None
    for sha, when in first_parent_chain(store):
        if when > cutoff:
            break
        last = (sha, when)
    if last is None:
        return AsOf(day, None, None)
    return AsOf(day, last[0], last[1])


def in_force(record: SopRecord, day: date) -> VersionRecord | None:
    """The version of ``record`` in force on ``day`` by effective date; None if none was (or it was
    withdrawn).
    """
    withdrawn = record.withdrawn_on
    if withdrawn is not None and withdrawn <= day:
        return None
    current = None
    for v in record.versions:
        if v.effective <= day:
            current = v
    return current


@dataclass(frozen=True)
class VersionEntry(Value):
    """One version of an SOP as an auditor sees it."""

    version: int
    status: VersionStatus
    created: datetime
    by: str
    action: str
    message: str
    effective_date: date
    approver: Approver | None
    session: str | None
    decisions: Mapping[str, int] | None
    editorial: Mapping[str, str] | None
    commit: str | None
    content_sha256: str
    acknowledgements: int


@dataclass(frozen=True)
class Evaluation(Value):
    """A review that kept an SOP as it was (outcome ``keep``), approved on ``date``."""

    session: str
    date: date


@dataclass(frozen=True)
class AuditHistory(Value):
    """Every version of one SOP as recorded at :attr:`as_of` (or now), with the one in force."""

    id: str
    title: str
    on: date
    as_of: AsOf | None
    in_force: int | None
    withdrawn: Mapping[str, Any] | None
    declared: Mapping[str, Any] | None
    last_kept: Evaluation | None
    versions: tuple[VersionEntry, ...]
    record: SopRecord = field(metadata=HIDDEN)


def _status(record: SopRecord, v: VersionRecord, day: date, current: VersionRecord | None) -> VersionStatus:
    if current is not None and v.version == current.version:
        return "in_force"
    if v.effective > day:
        return "scheduled"
    if current is None and v.version == record.latest.version and record.withdrawn:
        return "withdrawn"
    return "superseded"


def audit_history(
    store: Store, sop_id: str, *, as_of_day: date | None = None, today: date | None = None
) -> AuditHistory:
    """Every version of ``sop_id`` with its approval, session, decisions and status.

    With ``as_of_day``, the record as it stood at the end of that day, statuses
    of that day; otherwise the current record and ``today`` (default: the
    office's today).
    """
    from soplib.authority.office import read_profile
    from soplib.clock import now
    from soplib.people.ackrecords import partition_staff
    from soplib.review.records import last_kept

    validate_doc_id(sop_id)
    point = as_of(store, as_of_day) if as_of_day is not None else None
    if point is not None and not point.existed:
        raise NotFoundError(
            "the store did not exist yet at the end of {day}", day=as_of_day.isoformat() if as_of_day else ""
        )
    snap = point.snapshot(store) if point else store.snapshot()
    day = point.date if point else (today or local_day(now(), office_zone(read_profile(snap).time_zone)))
    try:
        record = read_record(snap, sop_id)
    except NotFoundError:
        if point is None:
            raise
        raise NotFoundError(
            "SOP {id} was not in the store yet at the end of {day}", id=sop_id, day=point.date.isoformat()
        ) from None
    current = in_force(record, day)
    refs = store.git.repo.refs
    versions = tuple(
        VersionEntry(
            v.version,
            _status(record, v, day, current),
            v.created,
            v.by,
            v.action,
            v.message,
            v.effective,
            v.approver,
            v.session,
            v.meta.get("decisions") if isinstance(v.meta.get("decisions"), dict) else None,
            v.editorial,
            refs.read(f"refs/tags/{tag_name(sop_id, v.version)}"),
            v.content_sha256,
            len(partition_staff(snap, sop_id, v.version)),
        )
        for v in record.versions
    )
    kept = last_kept(snap).get(sop_id)
    withdrawn_on = record.withdrawn_on
    declared = record.latest.front.get("declared")
    return AuditHistory(
        id=sop_id,
        title=record.latest.title,
        on=day,
        as_of=point,
        in_force=current.version if current else None,
        withdrawn=record.withdrawn if withdrawn_on is not None and withdrawn_on <= day else None,
        declared=declared if isinstance(declared, dict) else None,
        last_kept=Evaluation(kept[1], kept[0]) if kept and (point is None or kept[0] <= day) else None,
        versions=versions,
        record=record,
    )
