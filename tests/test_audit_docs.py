"""The audit part of docs/api.md runs as written, and every audit command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ACTOR

from soplib import Store, load
from soplib.cli.audit import COMMANDS, audit
from soplib.demo_data import sop_files

DOCS = Path(__file__).parent.parent / "docs"


def test_api_script_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.init(tmp_path / "sop-store") as store:
        store.sops.add([load(p) for p in sop_files()], by=ACTOR)
    text = (DOCS / "api.md").read_text()
    script = re.search(r"## Audit\n\n```python\n(.*?)```", text, re.S)
    assert script is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(script.group(1), "docs/api.md", "exec"), {})
    assert (tmp_path / "KPU-NTB-SOP-02.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "audit-report.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "bukti-sop.zip").read_bytes().startswith(b"PK")
    with Store.open(tmp_path / "sop-store") as store:
        assert store.audit.verify().anchors == 1


def test_every_audit_command_is_documented() -> None:
    cli_md = (DOCS / "cli.md").read_text()
    names = [f"sop audit {c}" for c in audit.commands] + [f"sop {c.name}" for c in COMMANDS if c is not audit]
    for name in names:
        assert f"### `{name}" in cli_md, name
