"""The demo's sync part: two clones of the demo store through a folder remote, synced and verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from soplib.cli.demo import step_foundation
from soplib.cli.demo_sync import step_sync
from soplib.i18n import use_language


def test_step_sync_shows_two_clones_at_one_head_and_verified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "sop-store"
    with use_language("en"):
        step_foundation(store)
        capsys.readouterr()
        step_sync(store)
    out = capsys.readouterr().out
    assert "sync merged, pushed" in out and "sync fast-forward" in out
    assert "same head on both machines: True" in out
    rows = [line for line in out.splitlines() if "\tclean" in line or " clean" in line]
    assert len(rows) == 2, out
    assert "findings" not in out
