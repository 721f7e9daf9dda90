"""Periodic reviews that are due: ``review_interval_months`` counted from the effective date.

An SOP whose front matter sets ``review_interval_months: 12`` must be reviewed
12 months after its current version took effect. The due date is that
effective date plus the interval in calendar months (31 January + 1 month is
28/29 February: the day is clamped to the month's length).

    >>> [d.id for d in reviews_due(store, within_days=30, today=date(2027, 1, 1))]
    ['KPU-NTB-SOP-03']
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sop_store
from sop_store import Snapshot
from soplib.audit import effective_date
from soplib.errors import InvalidInputError
from soplib.store import Store


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, the day clamped to the target month's length."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueReview:
    """One SOP whose periodic review is due within the window, or overdue."""

    id: str
    title: str
    unit: str | None
    version: int
    counted_from: str
    interval_months: int
    due_date: str
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "version": self.version,
            "counted_from": self.counted_from,
            "interval_months": self.interval_months,
            "due_date": self.due_date,
            "days_left": self.days_left,
            "overdue": self.is_overdue,
        }


def next_review(
    info: sop_store.DocInfo, last_reviewed: Mapping[str, str], version: sop_store.VersionInfo | None = None
) -> tuple[str, int, date] | None:
    """(counted from, interval in months, due date) of an SOP's next periodic review; None if it has none.

    Counted from ``version``'s (default: the latest) effective date, or from a
    later ``last_reviewed`` date of the SOP.
    """
    record = version or info.latest
    interval = (record.meta.get("front") or {}).get("review_interval_months")
    if not interval:
        return None
    start = max(effective_date(record), last_reviewed.get(info.doc_id, ""))
    return start, int(interval), add_months(date.fromisoformat(start), int(interval))


def reviews_due(
    store: Store,
    *,
    within_days: int = 30,
    today: date | None = None,
    last_reviewed: Mapping[str, str] | None = None,
    snapshot: Snapshot | None = None,
) -> list[DueReview]:
    """Active SOPs whose periodic review falls within ``within_days`` of ``today``, or is overdue.

    The interval is counted from the current version's effective date, or from
    a later ``last_reviewed[sop_id]`` date (``YYYY-MM-DD``) when one is given: a
    review that kept the SOP unchanged also restarts the clock. By default
    those dates come from the store's approved review sessions with outcome
    ``keep`` (:func:`soplib.review.kept_reviews`). Sorted by due date, then id.
    ``today`` defaults to the current UTC date; ``snapshot`` reads the store as
    it was at that commit (for reports as of a date).
    """
    from soplib.review import kept_reviews

    if within_days < 0:
        raise InvalidInputError(f"invalid --within {within_days}: give a number of days, 0 or more")
    today = today or datetime.now(UTC).date()
    snap = snapshot or store.snapshot()
    reviewed = kept_reviews(snap) if last_reviewed is None else last_reviewed
    out = []
    for sop_id in sop_store.doc_ids(snap):
        info = sop_store.doc_info(snap, sop_id)
        front = info.latest.meta.get("front", {})
        scheduled = next_review(info, reviewed)
        if not info.is_active or scheduled is None:
            continue
        start, interval, due = scheduled
        left = (due - today).days
        if left <= within_days:
            out.append(
                DueReview(
                    id=sop_id,
                    title=str(front.get("title", "")),
                    unit=front.get("unit"),
                    version=info.latest.version,
                    counted_from=start,
                    interval_months=int(interval),
                    due_date=due.isoformat(),
                    days_left=left,
                )
            )
    return sorted(out, key=lambda d: (d.due_date, d.id))
