"""Pushing: a remote that moved between our fetch and our push, one that keeps moving, one that says no.

The server's own pre-receive hook (a real git hook on the bare repository) moves
``main`` while our push is being received, exactly what another office pushing
at that moment does.
"""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from remotes import READER, SECRETARY, Server, office_store, published

from soplib import Store
from soplib.errors import ConflictError, StoreError
from soplib.sync.remotes import ATTEMPTS

SOP = "KPU-NTB-SOP-04"


# What runs in the hook acts on the repository itself, as a second push landing then would (not
# inside the quarantine git gives the hook for the objects being received).
OUTSIDE = "env -u GIT_QUARANTINE_PATH -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES"


def hook(server: Server, script: str) -> Path:
    path = server.path() / "hooks" / "pre-receive"
    path.write_text(f'#!/bin/sh\ngit() {{ {OUTSIDE} git "$@"; }}\n' + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def two_clones(tmp_path: Path, server: Server) -> tuple[Store, Store]:
    office_store(tmp_path / "seed").close()
    url = published(tmp_path / "seed", server)
    return Store.clone(url, tmp_path / "a"), Store.clone(url, tmp_path / "b")


def test_a_push_rejected_because_the_remote_moved_integrates_again(
    tmp_path: Path, daemon_server: Server
) -> None:
    a, b = two_clones(tmp_path, daemon_server)
    staff = [s.id for s in a.staff.list()]
    a.acks.record(staff[0], SOP, by=staff[0])
    b.acks.record(staff[1], SOP, by=staff[1])
    # B's work waits on the server beside main; the hook makes it main during A's first push.
    subprocess.run(
        [
            "git",
            "--git-dir",
            str(tmp_path / "b"),
            "push",
            "-q",
            daemon_server.url(),
            "main:refs/heads/pending",
        ],
        check=True,
    )
    calls = tmp_path / "calls"
    hook(
        daemon_server,
        f'echo x >> "{calls}"\n'
        f'if [ "$(wc -l < "{calls}")" -eq 1 ]; then git update-ref refs/heads/main refs/heads/pending; fi\n',
    )
    result = a.remotes.sync(by=SECRETARY)
    assert result.pushed and result.attempts == 2 and result.integrated == "merged"
    assert len(calls.read_text().split()) == 2
    b.remotes.sync(by=SECRETARY)
    assert a.head() == b.head() == daemon_server.git("office.git", "rev-parse", "main").strip()
    for store in (a, b):
        assert {r.staff for r in store.acks.list()} == {staff[0], staff[1]}
        report = store.audit.verify()
        assert report.ok, report.findings


def test_a_remote_that_keeps_moving_is_given_up_after_a_few_attempts(
    tmp_path: Path, daemon_server: Server
) -> None:
    a, _ = two_clones(tmp_path, daemon_server)
    a.acks.record(READER, SOP, by=READER)
    before = a.head()
    calls = tmp_path / "calls"
    # Someone commits (with plain git) every time we push.
    hook(
        daemon_server,
        f'echo x >> "{calls}"\n'
        'tree=$(git rev-parse "refs/heads/main^{tree}")\n'
        "export GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@x GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@x\n"
        "next=$(echo busy | git commit-tree $tree -p refs/heads/main)\n"
        "git update-ref refs/heads/main $next\n",
    )
    with pytest.raises(ConflictError, match="kept moving"):
        a.remotes.sync(by=SECRETARY)
    assert len(calls.read_text().split()) == ATTEMPTS
    # Nothing here was lost: our acknowledgement is in our history, merged or not.
    assert any(r.staff == READER for r in a.acks.list())
    assert a.head() != before


def test_a_push_the_server_declines_is_one_error_not_a_retry(tmp_path: Path, daemon_server: Server) -> None:
    a, _ = two_clones(tmp_path, daemon_server)
    a.acks.record(READER, SOP, by=READER)
    calls = tmp_path / "calls"
    hook(daemon_server, f'echo x >> "{calls}"\necho "pushes are closed for the audit week" >&2\nexit 1\n')
    with pytest.raises(StoreError) as caught:
        a.remotes.sync(by=SECRETARY)
    assert "declined" in str(caught.value) or "closed for the audit week" in str(caught.value)
    assert "kept moving" not in str(caught.value)
    assert len(calls.read_text().split()) == 1
