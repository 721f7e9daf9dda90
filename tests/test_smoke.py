"""The basic life of a store through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import ACTOR, CliRun, write_sop


def test_init_add_list_show_history(cli: CliRun, tmp_path: Path, store_path: Path) -> None:
    assert cli("init").exit_code == 0
    f = write_sop(tmp_path, "KPU-01", "Layanan")
    r = cli("add", str(f), "--by", ACTOR)
    assert r.exit_code == 0, r.output
    listed = json.loads(cli("list", "--json").output)
    assert [(s["id"], s["version"]) for s in listed] == [("KPU-01", 1)]
    # `show` names the version it prints on the line after `---`; --raw gives the stored bytes.
    shown = cli("show", "KPU-01")
    assert shown.output == f.read_text().replace("---\n", "---\n# soplib-base: KPU-01 v1\n", 1)
    assert cli("show", "KPU-01", "--raw").output == f.read_text()
    hist = json.loads(cli("history", "KPU-01", "--json").output)
    assert hist[0]["by"] == ACTOR and hist[0]["version"] == 1
    fsck = subprocess.run(["git", "--git-dir", str(store_path), "fsck", "--strict"], capture_output=True)
    assert fsck.returncode == 0, fsck.stderr
    tags = subprocess.run(["git", "--git-dir", str(store_path), "tag"], capture_output=True, text=True)
    assert tags.stdout.split() == ["sop/KPU-01/v1"]


def test_unknown_sop_is_one_line_exit_1(cli: CliRun) -> None:
    cli("init")
    r = cli("show", "NOPE-01")
    assert r.exit_code == 1
    assert r.output.count("\n") == 1 and "no SOP NOPE-01" in r.output
