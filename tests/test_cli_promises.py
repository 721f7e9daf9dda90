"""What the command line promises whatever the command (docs/reliability.md, "The command line"):
Ctrl-C is exit 130 with one line and writes nothing; a reader that goes away ends a command quietly;
an output file is never replaced without --force, never written inside the store, never left half-written.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ACTOR, CliRun

from soplib import Store

SOP = Path(sys.executable).parent / "sop"


def _head(store: Path) -> bytes:
    return (store / "refs" / "heads" / "main").read_bytes()


def _read_until(fd: int, marker: bytes, timeout: float = 60) -> bytes:
    seen, deadline = b"", time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, seen
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, seen
            seen += chunk
    return seen


def test_ctrl_c_exits_130_with_one_line_and_writes_nothing(demo_store: Store, store_path: Path) -> None:
    session = demo_store.reviews.start(["KPU-NTB-SOP-04"], team={ACTOR: "chair"}, ref="BA 1/2026", by=ACTOR)
    with subprocess.Popen(
        [str(SOP), "--store", str(store_path), "review", "run", session.id, "KPU-NTB-SOP-04", "--by", ACTOR],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as walk:
        assert walk.stdout is not None and walk.stderr is not None
        _read_until(walk.stdout.fileno(), b"Decide title")  # waiting for a person's answer
        before = _head(store_path)
        walk.send_signal(signal.SIGINT)
        assert walk.wait(timeout=60) == 130
        message = walk.stderr.read().decode()
    assert message == "error: interrupted; nothing was written by the step that was running\n"
    assert _head(store_path) == before
    assert session.undecided("KPU-NTB-SOP-04")[0] == "title"


def test_a_reader_that_goes_away_ends_the_command_quietly(store: Store, store_path: Path) -> None:
    rows = "".join(f"P{n:05d},Pegawai {n},Unit {n % 7},Staf\n" for n in range(6000))
    store.staff.import_csv(f"id,name,unit,position\n{rows}".encode(), by=ACTOR)  # ~200 KB listed
    done = subprocess.run(
        ["bash", "-c", f"'{SOP}' --store '{store_path}' staff list | head -1; exit ${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "id\tname\tunit\tposition\tactive\n", "")


OUTPUTS = [
    ("print", "KPU-NTB-SOP-04", "-o", "{out}.pdf"),
    ("export", "KPU-NTB-SOP-04", "-o", "{out}.docx"),
    ("diff", "KPU-NTB-SOP-04", "1", "1", "--format", "html", "-o", "{out}.html"),
    ("audit", "report", "-o", "{out}.md"),
    ("audit", "pack", "-o", "{out}.zip"),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=[" ".join(a[:2]) for a in OUTPUTS])
def test_an_output_file_is_new_or_forced_and_never_inside_the_store(
    demo_store: Store, store_path: Path, cli: CliRun, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = str(tmp_path / "out")
    command = [a.format(out=out) for a in args]
    target = Path(command[-1])
    target.write_bytes(b"earlier file")
    refused = cli(*command)
    assert refused.exit_code == 1 and refused.output == (
        f"error: {target} already exists; give a new file name, or add --force to replace it\n"
    )
    assert target.read_bytes() == b"earlier file"
    forced = cli(*command, "--force")
    assert forced.exit_code == 0 and forced.output.startswith(f"wrote {target}\n"), forced.output
    assert target.read_bytes() != b"earlier file"
    inside = cli(*command[:-1], str(store_path / "x" / target.name))
    assert inside.exit_code == 2 and "is inside the store" in inside.output
    before = _head(store_path)
    missing = cli(*command[:-1], str(tmp_path / "no-such-folder" / target.name))
    assert missing.exit_code == 1 and missing.output.startswith("error: folder ")
    assert _head(store_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out" + target.suffix, "store"])


def test_the_command_list_of_sop_help_has_no_docstring_indentation() -> None:
    # A docstring continued on an indented line once showed as "with its     flowchart".
    done = subprocess.run([str(SOP), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    commands = done.stdout.split("Commands:", 1)[1]
    descriptions = [line.strip() for line in commands.splitlines() if line.strip()]
    assert descriptions and not [d for d in descriptions if "  " in d.split(" ", 1)[-1].strip()], commands
    assert "with its flowchart" in " ".join(descriptions)
