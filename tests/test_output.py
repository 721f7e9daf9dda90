"""`--json` output: streamed, and laid out exactly as `json.dumps(indent=2)` would."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from soplib.cli.output import emit_json

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(
            st.text() | st.integers() | st.booleans() | st.none() | st.floats(), inner, max_size=5
        )
    ),
    max_leaves=40,
)


def emitted(value: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    emit_json(value)
    return out.getvalue()


@given(values)
def test_emit_json_writes_what_json_dumps_would(value: Any) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert emitted(value, monkeypatch) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def test_a_big_listing_is_written_in_pieces_and_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    people = [{"id": f"19{i:016d}", "name": f"Pegawai {i} «é»", "unit": "Unit 01"} for i in range(40_000)]
    report = {"sops": [{"id": "KPU-01", "outstanding": people, "percent": 12.5, "carry_over": []}]}
    writes: list[int] = []

    class Recorder(io.StringIO):
        def write(self, text: str) -> int:
            writes.append(len(text))
            return super().write(text)

    out = Recorder()
    monkeypatch.setattr(sys, "stdout", out)
    emit_json(report)
    assert out.getvalue() == json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    assert len(writes) > 5 and max(writes) < len(out.getvalue()) / 4


def test_a_value_json_cannot_hold_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError, match="set"):
        emitted({"a": {1, 2}}, monkeypatch)
