"""A new review session never takes an id the store already has (16 random bits a day)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_faults import REVIEWED, TEAM, new_store


def test_a_session_id_drawn_twice_in_a_day_is_drawn_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = new_store(tmp_path / "store", staff=["p0001"])
    # The random part is what collides, so it is the one thing chosen here: the
    # second start draws the first one's suffix, then another.
    draws: Iterator[str] = iter(["af81", "af81", "b00c"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(draws))
    first = store.reviews.start([REVIEWED], team=TEAM, ref="SK 7/2026", by="ketua")
    second = store.reviews.start([REVIEWED], team=TEAM, ref="SK 8/2026", by="ketua")
    assert first.id.endswith("-AF81") and second.id.endswith("-B00C")
    assert first.id[:-4] == second.id[:-4]  # the same day
    assert second.header().ref == "SK 8/2026" and first.header().ref == "SK 7/2026"
    store.close()
