"""Clearing what a killed writer left, in the corners (issue 10, point 12).

A writer killed while a process it forked still holds the store lock: ``fork``
copies every open file, the store lock's included (``O_CLOEXEC`` only closes it
at ``exec``), and ``flock`` belongs to the open file, not to the process. A
writer killed while it starts a program (git to pack, ssh-keygen to sign, git
cat-file to read a packed tree) leaves the lock held by its child until that
child execs or dies, a few milliseconds later. The next ``Store.open`` must not
take that child for a live writer and skip clearing the journal.

A recovery that fails part-way (a tag the process may not delete) must leave
the journal for the next holder to try again, not empty it on release. And the
git a killed writer started may outlive it by a moment, removing fan-out folders
it emptied while the next process clears the writer's temporary objects.
See docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_faults import (
    REVIEWED,
    STAFF,
    STEADY,
    STOPPED_WRITER,
    check_whole,
    debris,
    git,
    new_store,
    ready_to_approve,
    refs_and_head,
)

from sop_store import GitStore
from soplib import Store, StoreError

# The child of a writer stops between fork and exec (holding the store lock it
# inherited) until the test closes the writer's stdin; the writer is killed meanwhile.
FORKING_WRITER = """
import os, sys, time
import sop_store.gitcmd as gitcmd
import sop_store.store as gitstore
from sop_store.refs import Refs
from soplib import Store

store_path, point, session_id = sys.argv[1:]
# The test's pipes, still open in a forked child until it execs (subprocess
# points the child's own 0 and 1 at its capture pipes before the preexec hook).
go, report = os.dup(0), os.dup(1)

def held_by_child():
    os.write(report, b"stopped\\n")
    os.read(go, 1)  # returns when the test closes the writer's stdin

if point == "starting-git":  # after the commit, packing: git started with a preexec hook
    gitstore.too_many_loose = lambda repo: True  # the name store.py calls after a commit

    def preexec():
        held_by_child()
        os.execv("/bin/true", ["true"])  # the exec closes the lock file, as git's would

    gitcmd.die_with_parent = preexec  # what GitRunner.run hands git's Popen as preexec_fn
else:  # "forked-mid-commit": tags written, branch not moved, a program being started
    real_update = Refs.update

    def update(self, name, new, *, old):
        if name == "refs/heads/main":
            if point == "forked-mid-commit" and os.fork() == 0:
                held_by_child()
                os._exit(0)
            if point == "alive-mid-commit":
                os.write(report, b"stopped\\n")
            time.sleep(60)
        real_update(self, name, new, old=old)

    Refs.update = update
with Store.open(store_path) as store:
    store.reviews.get(session_id).approve(by="kepala")
time.sleep(60)
"""


def lock_is_free(store_path: Path) -> bool:
    fd = os.open(store_path / "soplib.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing the only descriptor of this open file lets a lock taken here go
    return True


@contextlib.contextmanager
def stopped_writer(store_path: Path, point: str, session_id: str) -> Iterator[subprocess.Popen[str]]:
    writer = subprocess.Popen(
        [sys.executable, "-c", FORKING_WRITER, str(store_path), point, session_id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "stopped"
        yield writer
    finally:
        writer.stdin.close()  # lets a stopped child go on, whatever happened
        writer.stdout.close()
        writer.kill()
        writer.wait(timeout=10)


@pytest.mark.parametrize("point", ["starting-git", "forked-mid-commit"])
def test_a_writer_killed_while_its_child_holds_the_lock_is_cleared_by_the_next_open(
    tmp_path: Path, point: str
) -> None:
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    before, head = refs_and_head(store.path), store.head()
    store.close()
    with stopped_writer(store.path, point, session.id) as writer:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
        journal = (store.path / "soplib.lock").read_bytes()
        assert b'"commit"' in journal  # the killed writer's note, naming its commit
        assert not lock_is_free(store.path)  # the writer is gone, its child still holds the lock
        # The child goes on (execs or exits) a moment after the next open started.
        assert writer.stdin is not None
        threading.Timer(0.3, writer.stdin.close).start()
        started = time.monotonic()
        with Store.open(store.path) as reopened:
            waited = time.monotonic() - started
            assert (store.path / "soplib.lock").read_bytes() == b""
            assert debris(store.path) == []
            if point == "starting-git":  # killed after its commit: the commit is there
                assert reopened.head() != head and reopened.sops.record(REVIEWED).latest.version == 2
            else:  # killed before the branch moved: the store is exactly as before
                assert refs_and_head(store.path) == before
            check_whole(reopened)
    assert 0.2 < waited < 5, waited  # it waited for the child, not for a lock timeout


def test_a_reader_does_not_wait_for_a_live_writer_mid_commit(tmp_path: Path) -> None:
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    before = refs_and_head(store.path)
    store.close()
    with stopped_writer(store.path, "alive-mid-commit", session.id) as writer:
        journal = (store.path / "soplib.lock").read_bytes()
        assert f'"pid": {writer.pid}'.encode() in journal
        started = time.monotonic()
        with Store.open(store.path):
            assert time.monotonic() - started < 1.0  # no waiting behind a live writer
        assert (store.path / "soplib.lock").read_bytes() == journal  # its commit is its own to finish
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
    with Store.open(store.path) as reopened:
        assert refs_and_head(store.path) == before
        assert (store.path / "soplib.lock").read_bytes() == b""
        check_whole(reopened)


@pytest.mark.parametrize("recovered_by", ["a writer", "opening the store"])
def test_a_recovery_that_fails_leaves_the_journal_for_the_next_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recovered_by: str
) -> None:
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    before, tags = refs_and_head(store.path), git(store.path, "tag", "--list").stdout
    writer = subprocess.Popen(
        [sys.executable, "-c", STOPPED_WRITER, str(store.path), "tags-written", session.id],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "stopped"
    writer.stdout.close()
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)
    journal = (store.path / "soplib.lock").read_bytes()
    assert b'"tags": ["' in journal and refs_and_head(store.path) != before  # its tags, its branch not moved
    real_unlink, tag_folder = Path.unlink, store.path / "refs" / "tags"

    def denied(self: Path, missing_ok: bool = False) -> None:
        # What unlink(2) says for a tag in a folder another user made (root ignores
        # file modes, so the refusal is made here, under the store's own code).
        if self.is_relative_to(tag_folder) and self.suffix != ".lock":
            raise PermissionError(13, "Permission denied", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", denied)
    if recovered_by == "a writer":
        with pytest.raises(StoreError, match=r"cannot clear what a killed writer left: .*Permission denied"):
            store.acks.record(STAFF[1], STEADY, by="operator")
    else:
        Store.open(store.path).close()  # logs the failure; reading goes on
    assert (store.path / "soplib.lock").read_bytes() == journal  # kept for the next try
    monkeypatch.setattr(Path, "unlink", real_unlink)
    head = store.head()
    assert store.acks.record(STAFF[1], STEADY, by="operator").created  # the next try clears it all
    assert (store.path / "soplib.lock").read_bytes() == b""
    assert git(store.path, "rev-parse", "main~1").stdout.strip() == head
    assert git(store.path, "tag", "--list").stdout == tags  # the unpublished commit's tags are gone
    assert debris(store.path) == []
    check_whole(store)
    store.close()


# Makes and removes empty fan-out folders, as `git repack -d` and `git prune-packed`
# remove the folders they emptied.
CHURN = """
import os, sys
while True:
    for d in sys.argv[1:]:
        os.mkdir(d)
    for d in sys.argv[1:]:
        os.rmdir(d)
"""


def test_temporary_objects_are_cleared_while_git_removes_emptied_folders(tmp_path: Path) -> None:
    new_store(tmp_path / "store").close()
    objects = tmp_path / "store" / "objects"
    unused = [objects / f"{n:02x}" for n in range(256) if not (objects / f"{n:02x}").exists()][:8]
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = next(p for p in sorted(objects.iterdir()) if len(p.name) == 2)  # a folder the store has
    churn = subprocess.Popen([sys.executable, "-c", CHURN, *map(str, unused)])
    store = GitStore.open(tmp_path / "store", committer=("Test", "test@sop.invalid"))
    try:
        for _ in range(300):  # before the fix about 4 in 10 failed: the folder listed was gone
            (leftover / f"tmp_obj_{dead.pid}_0123abcd").write_bytes(b"half an object")
            (store.path / "soplib.lock").write_text(f'{{"pid": {dead.pid}}}\n')
            assert store.recover()
            assert (store.path / "soplib.lock").read_bytes() == b""
            assert not list(leftover.glob("tmp_obj_*"))
    finally:
        churn.kill()
        churn.wait()
        store.close()


# Adds 100 SOPs (one pack) and is killed at the chosen rename of the pack writer: 1 renames the
# index, 2 the pack (see sop_store/packwrite.py: the index first, so no reader sees a pack alone).
KILLED_PACK_WRITER = """
import os, sys
from soplib import Store

store_path, when = sys.argv[1], int(sys.argv[2])
real, seen = os.replace, []

def replace(src, dst):
    if "tmp_pack_" in str(src):
        seen.append(dst)
        if len(seen) == when:
            os._exit(9)
    return real(src, dst)

os.replace = replace
with Store.open(store_path) as store:
    store.sops.add(
        [f"---\\nid: CD-{n:03d}\\ntitle: Judul\\n---\\n# Prosedur\\n\\n1. Langkah\\n" for n in range(100)],
        by="ani.pratiwi",
    )
"""


@pytest.mark.parametrize("when", [1, 2])
def test_a_writer_killed_while_renaming_its_pack_leaves_a_store_that_opens(tmp_path: Path, when: int) -> None:
    path = tmp_path / "store"
    with Store.init(path) as store:
        texts = [f"---\nid: AB-{n:03d}\ntitle: Judul\n---\n# P\n\n1. L\n" for n in range(70)]
        store.sops.add(texts, by="budi")
    head = git(path, "rev-parse", "main").stdout.strip()
    kill = [sys.executable, "-c", KILLED_PACK_WRITER, str(path), str(when)]
    done = subprocess.run(kill, capture_output=True)
    assert done.returncode == 9, done.stderr
    # The add was never published; the store opens, reads, verifies and takes the next write.
    with Store.open(path) as store:
        assert store.head() == head and store.sops.text("AB-003").startswith(b"---")
        assert store.audit.verify().ok
        store.sops.add(["---\nid: EF-001\ntitle: Judul\n---\n# P\n\n1. L\n"], by="budi")
    # What the killed writer left is gone: no temporary file, no index without its pack.
    names = sorted(p.name for p in (path / "objects" / "pack").iterdir())
    assert not [n for n in names if n.startswith("tmp_")]
    assert {n.removesuffix(".idx") for n in names if n.endswith(".idx")} == {
        n.removesuffix(".pack") for n in names if n.endswith(".pack")
    }
    fsck = subprocess.run(["git", "--git-dir", str(path), "fsck", "--strict"], capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr
