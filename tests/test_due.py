"""`sop due`: periodic reviews due within a window, counted from the effective date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import ACTOR, HEAD, HEAD_ROW, CliRun, write_sop

from soplib import Store
from soplib.audit.due import reviews_due
from soplib.clock import add_months

BODY = """\
---
id: {id}
title: Judul {id}
{extra}---
# Prosedur

1. Langkah pertama.
"""


def sop(folder: Path, sop_id: str, months: int | None) -> Path:
    extra = f"review_interval_months: {months}\n" if months else ""
    return write_sop(folder, sop_id, body=BODY.format(id=sop_id, extra=extra))


@pytest.fixture
def schedule(store: Store, tmp_path: Path) -> Store:
    store.sops.add([sop(tmp_path, "A-06", 6)], by=ACTOR, effective=date(2026, 1, 31))  # due 2026-07-31
    store.sops.add([sop(tmp_path, "B-12", 12)], by=ACTOR, effective=date(2026, 1, 15))  # due 2027-01-15
    store.sops.add([sop(tmp_path, "C-01", 1)], by=ACTOR, effective=date(2026, 6, 10))  # due 2026-07-10
    store.sops.add([sop(tmp_path, "D-NONE", None)], by=ACTOR, effective=date(2020, 1, 1))  # never due
    return store


def register_head(store: Store) -> None:
    """The head of office, who approves sessions (an approver must be registered staff)."""
    store.staff.import_csv(f"id,name,unit,position\n{HEAD_ROW}".encode(), by=ACTOR)


@pytest.mark.parametrize(
    ("day", "month_later"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 3, 31), date(2026, 4, 30)),
    ],
)
def test_add_months_clamps_the_day(day: date, month_later: date) -> None:
    assert add_months(day, 1) == month_later


def test_add_months_many() -> None:
    assert add_months(date(2026, 11, 30), 15) == date(2028, 2, 29)


def test_due_window_and_order(schedule: Store) -> None:
    rows = schedule.audit.due(within_days=30, today=date(2026, 7, 1))
    assert [(r.id, r.due_date, r.days_left, r.is_overdue) for r in rows] == [
        ("C-01", date(2026, 7, 10), 9, False),
        ("A-06", date(2026, 7, 31), 30, False),
    ]
    assert schedule.audit.due(within_days=0, today=date(2026, 7, 1)) == []
    late = schedule.audit.due(within_days=0, today=date(2027, 1, 16))
    assert [(r.id, r.days_left, r.is_overdue) for r in late] == [
        ("C-01", -190, True),
        ("A-06", -169, True),
        ("B-12", -1, True),
    ]


def test_due_counts_from_the_current_version(schedule: Store) -> None:
    text = schedule.sops.text("A-06").decode().replace("pertama", "awal")
    schedule.sops.update(text, by=ACTOR, message="revisi", base=1, effective=date(2026, 7, 20))
    rows = schedule.audit.due(within_days=30, today=date(2026, 7, 25))
    assert [r.id for r in rows] == ["C-01"]
    row = schedule.audit.due(within_days=365, today=date(2026, 7, 25))
    a06 = next(r for r in row if r.id == "A-06")
    assert (a06.version, a06.counted_from, a06.due_date) == (2, date(2026, 7, 20), date(2027, 1, 20))


def test_last_reviewed_restarts_the_clock(schedule: Store) -> None:
    rows = reviews_due(
        schedule.snapshot(), within_days=30, today=date(2026, 7, 1), last_reviewed={"C-01": date(2026, 7, 5)}
    )
    assert [r.id for r in rows] == ["A-06"]


def test_withdrawn_sops_are_not_due(schedule: Store) -> None:
    register_head(schedule)
    session = schedule.reviews.start(["C-01"], team={ACTOR: "chair"}, ref="BA 2/2026", by=ACTOR)
    session.outcome("C-01", "withdraw", by=ACTOR, reason="tidak dipakai")
    session.approve(by=HEAD)
    assert [r.id for r in schedule.audit.due(within_days=30, today=date(2026, 7, 1))] == ["A-06"]


def test_cli_due(store: Store, tmp_path: Path, cli: CliRun) -> None:
    # The CLI uses the real date: one SOP overdue for decades, one not due for centuries.
    store.sops.add([sop(tmp_path, "OLD-1", 12)], by=ACTOR, effective=date(2000, 1, 1))
    store.sops.add([sop(tmp_path, "OLDER-1", 6)], by=ACTOR, effective=date(1999, 1, 1))
    store.sops.add([sop(tmp_path, "FAR-1", 1)], by=ACTOR, effective=date(2999, 1, 1))
    r = cli("due", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(row["id"], row["due_date"], row["overdue"]) for row in rows] == [
        ("OLDER-1", "1999-07-01", True),
        ("OLD-1", "2001-01-01", True),
    ]
    assert set(rows[0]) == {
        "id",
        "title",
        "unit",
        "version",
        "counted_from",
        "interval_months",
        "due_date",
        "days_left",
        "overdue",
    }
    table = cli("due", "--within", "5").output
    assert "OLD-1" in table and "FAR-1" not in table
    assert cli("due", "--within", "-1").exit_code == 2


def test_a_kept_review_restarts_the_clock(schedule: Store, cli: CliRun) -> None:
    """An approved session whose outcome for A-06 is keep counts as its last review."""
    register_head(schedule)
    session = schedule.reviews.start(["A-06", "C-01"], team={ACTOR: "chair"}, ref="BA 1/2026", by=ACTOR)
    session.outcome("A-06", "keep", by=ACTOR, reason="masih layak")
    session.outcome("C-01", "withdraw", by=ACTOR, reason="tidak dipakai")
    session.approve(by=HEAD, effective=date(2026, 7, 1))
    due = {d.id: d for d in schedule.audit.due(within_days=60, today=date(2026, 7, 20))}
    assert "A-06" not in due and "C-01" not in due  # kept: next due 2027-01-01; withdrawn
    later = {d.id: d for d in schedule.audit.due(within_days=0, today=date(2027, 1, 2))}
    assert later["A-06"].counted_from == date(2026, 7, 1) and later["A-06"].due_date == date(2027, 1, 1)
    # Passing last_reviewed explicitly replaces what the sessions say.
    explicit = reviews_due(schedule.snapshot(), within_days=0, today=date(2026, 8, 1), last_reviewed={})
    assert [d.id for d in explicit] == ["A-06"]
