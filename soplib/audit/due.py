"""Periodic reviews that are due: ``review_interval_months`` counted from the effective date.

An SOP whose front matter sets ``review_interval_months: 12`` must be reviewed
12 months after its current version took effect, or after the latest approved
review that kept it unchanged, whichever is later. The due date is that day
plus the interval in calendar months (31 January + 1 month is 28/29 February).

    >>> [d.id for d in store.audit.due(within_days=30, today=date(2027, 1, 1))]
    ['KPU-NTB-SOP-03']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sop_store import Snapshot
from soplib.clock import add_months
from soplib.documents.records import SopRecord, VersionRecord, read_record, sop_ids
from soplib.errors import InvalidInputError
from soplib.values import Value


@dataclass(frozen=True)
class DueReview(Value):
    """One SOP whose periodic review is due within the window, or overdue."""

    id: str
    title: str
    unit: str | None
    version: int
    counted_from: date
    interval_months: int
    due_date: date
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    def _json_extra(self) -> dict[str, Any]:
        return {"overdue": self.is_overdue}


def next_review(
    record: SopRecord, last_reviewed: Mapping[str, date], version: VersionRecord | None = None
) -> tuple[date, int, date] | None:
    """(counted from, interval in months, due date) of an SOP's next periodic review; None if it has none."""
    v = version or record.latest
    interval = v.front.get("review_interval_months")
    if not isinstance(interval, int) or not 1 <= interval <= 120:
        return None
    start = v.effective
    kept = last_reviewed.get(record.id)
    if kept is not None and kept > start:
        start = kept
    return start, interval, add_months(start, interval)


def reviews_due(
    snap: Snapshot, *, within_days: int, today: date, last_reviewed: Mapping[str, date] | None = None
) -> list[DueReview]:
    """Active SOPs whose periodic review falls within ``within_days`` of ``today``, or is overdue; by due
    date.
    """
    from soplib.review.records import kept_reviews

    if within_days < 0:
        raise InvalidInputError("invalid window {days}: give a number of days, 0 or more", days=within_days)
    reviewed = kept_reviews(snap) if last_reviewed is None else last_reviewed
    out = []
    for sop_id in sop_ids(snap):
        record = read_record(snap, sop_id)
        scheduled = next_review(record, reviewed)
        if not record.is_active or scheduled is None:
            continue
        start, interval, due = scheduled
        left = (due - today).days
        if left <= within_days:
            v = record.latest
            out.append(DueReview(sop_id, v.title, v.unit, v.version, start, interval, due, left))
    return sorted(out, key=lambda d: (d.due_date, d.id))
