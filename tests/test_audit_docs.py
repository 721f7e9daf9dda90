"""Every audit command is documented (docs/api.md's script is run by test_api.py)."""

from __future__ import annotations

from pathlib import Path

from soplib.cli.audit import COMMANDS, audit

DOCS = Path(__file__).parent.parent / "docs"


def test_every_audit_command_is_documented() -> None:
    cli_md = (DOCS / "cli.md").read_text()
    names = [f"sop audit {c}" for c in audit.commands] + [f"sop {c.name}" for c in COMMANDS if c is not audit]
    for name in names:
        assert f"### `{name}" in cli_md, name
