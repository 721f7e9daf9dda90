"""Attack (and an auditor's everyday case): a packed store read by another OS user (issue 10, point 11).

An auditor gets read-only access to the office's store: the files belong to
the office's account, the auditor runs `sop` as themselves. Git refuses to work
in a repository another user owns ("dubious ownership", `safe.directory`)
because that repository's config could run programs as the reader; soplib read
loose objects itself but packed ones through git, so every command on a packed
store failed with "object ... is missing or unreadable ... the store is damaged",
which sends the auditor after a fault that is not there. The store's config
here also names programs (`core.fsmonitor`, `gpg.ssh.program`, a pager, hooks)
that leave a marker if run.

Expected defence, either of: it works (every command gives the same answer as
for the owner, and nothing the store's config names runs as the reader), or it
fails with one line that names git's ownership check and how to allow it
(`safe.directory`). Never "damaged" or "missing".
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from attack_forge import (
    demo_store,
    git,
    packed,
)
from attack_kit import (
    Sop,
    assert_clean_exit,
    clean_env,
    ok,
    run,
    sop,
)

NOBODY = 65534
SOP1 = "KPU-NTB-SOP-01"

# Loads everything `sop` may import, then gives up root (the interpreter may live where
# uid 65534 cannot read, e.g. pyenv under /root), then runs the real command line.
AS_NOBODY = f"""
import importlib, os, pkgutil, sys
import git, soplib, sop_store
for package in (soplib, sop_store):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
os.setgroups([])
os.setgid({NOBODY})
os.setuid({NOBODY})
from soplib.cli import main
main(sys.argv[1:], prog_name="sop")
"""

COMMANDS = [
    ["list", "--json"],
    ["show", SOP1],
    ["show", SOP1, "--json"],
    ["history", SOP1, "--json"],
    ["coverage", "--json"],
    ["audit", "history", SOP1, "--json"],
    ["audit", "verify", "--json"],
]


def as_nobody(store: Path, args: list[str], home: Path) -> Sop:
    done = run(
        [sys.executable, "-c", AS_NOBODY, "--store", str(store), *args],
        env=clean_env(HOME=str(home)),
        cwd=home,
        timeout=60,
    )
    out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    return Sop(tuple(args), done.returncode, out, err)


@pytest.fixture
def shared() -> Iterator[tuple[Path, Path, Path]]:
    """A packed demo store (owned by root) readable by all, a home for uid 65534, and a marker path.

    In a folder of its own under /tmp, not pytest's: pytest makes its base folder
    private again whenever any pytest session starts on this machine.
    """
    if os.geteuid() != 0:
        pytest.fail("this test needs root to read a store as another user (CI runs as root)")
    tmp_path = Path(tempfile.mkdtemp(prefix="soplib-other-user-"))
    tmp_path.chmod(0o755)
    try:
        yield _make_shared(tmp_path)
    finally:
        shutil.rmtree(tmp_path)


def _make_shared(tmp_path: Path) -> tuple[Path, Path, Path]:
    store = demo_store(tmp_path / "store")
    packed(store)
    trap = tmp_path / "trap"
    trap.mkdir()
    trap.chmod(0o1777)
    marker = trap / "MARKER-program-ran"
    prog = trap / "prog"
    prog.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{marker}'\nexit 0\n")
    prog.chmod(0o755)
    hostile = [
        ("core.fsmonitor", str(prog)), ("core.pager", str(prog)), ("gpg.format", "ssh"),
        ("gpg.ssh.program", str(prog)), ("log.showSignature", "true"), ("core.hooksPath", str(trap)),
        ("core.sshCommand", str(prog)), ("credential.helper", f"!{prog}"),
    ]  # fmt: skip
    for key, value in hostile:
        git(store, "config", key, value)
    for hook in ("reference-transaction", "pre-auto-gc", "post-index-change"):
        (trap / hook).write_text(prog.read_text())
        (trap / hook).chmod(0o755)
    for path in [store, *store.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
    home = tmp_path / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)
    return store, home, marker


def _same_answer(owner: Sop, reader: Sop) -> None:
    if reader.args[0] == "audit" and reader.args[1] == "verify":
        mine, theirs = json.loads(owner.out), json.loads(reader.out)
        assert theirs["ok"] and theirs["head"] == mine["head"], reader.where
        assert theirs["commits"] == mine["commits"] and theirs["acknowledgements"] == mine["acknowledgements"]
    else:
        assert reader.out == owner.out, reader.where


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_a_packed_store_read_by_another_user(shared: tuple[Path, Path, Path], args: list[str]) -> None:
    store, home, marker = shared
    owner = ok(sop(store, *args))  # the owner (root) gets the answer
    assert not marker.exists(), f"sop {args} ran a program the store's config names as its owner"
    reader = as_nobody(store, args, home)
    assert not marker.exists(), f"sop {args} ran a program the store's config names:\n{marker.read_text()}"
    assert_clean_exit(reader)
    assert "damaged" not in reader.err and "missing" not in reader.err, reader.where
    if reader.code == 0:
        _same_answer(owner, reader)
    else:
        assert "safe.directory" in reader.err, f"the one line must name git's ownership check: {reader.where}"


def test_control_the_same_commands_as_the_owner_of_the_store(shared: tuple[Path, Path, Path]) -> None:
    """The harness itself: when uid 65534 owns the (packed) store, every command answers as for root.

    (No program is planted in this store's config: it is the reader's own store.)
    """
    store, home, marker = shared
    for key in ("core.fsmonitor", "core.pager", "gpg.ssh.program", "log.showSignature", "core.hooksPath",
                "core.sshCommand", "credential.helper"):  # fmt: skip
        git(store, "config", "--unset-all", key)
    owner_answers = {tuple(args): ok(sop(store, *args)) for args in COMMANDS}
    for path in [store, *store.rglob("*")]:
        os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    for args in COMMANDS:
        reader = as_nobody(store, args, home)
        assert reader.code == 0, reader.where
        _same_answer(owner_answers[tuple(args)], reader)
    assert not marker.exists()
