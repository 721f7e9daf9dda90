"""Faults: kill -9 mid-commit, disk full, a read-only store, eight writers at once, 10,000 operations.

The promises these tests prove are listed in docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import MINIMAL, load_demo

from sop_store.refs import Refs
from soplib import Review, Store, StoreError
from soplib.audit.ackchain import verify_chain
from soplib.cli.demo import step_reliability
from soplib.demo_data import staff_csv as demo_staff_csv
from soplib.people.ackrecords import find_record, read_head

SOP_BIN = Path(sys.executable).parent / "sop"
REVIEWED, STEADY = "KILL-01", "KILL-02"
TEAM = {"ketua": "chair", "anggota": "member"}
STAFF = [f"p{n:04d}" for n in range(400)]
# The head of office approves the sessions: an approver must be registered staff.
HEAD = "kepala"


def staff_csv(people: list[str], unit: str = "Sekretariat") -> bytes:
    rows = "".join(f"{p},Pegawai {p},{unit},Staf\n" for p in people)
    return f"id,name,unit,position\n{rows}".encode()


def git(store_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "--git-dir", str(store_path), *args], capture_output=True, text=True)


def fsck_clean(store_path: Path) -> None:
    # Unreachable objects of a commit that never made it are expected (git leaves them too).
    out = git(store_path, "fsck", "--strict", "--no-dangling", "--no-progress")
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def debris(store_path: Path) -> list[str]:
    """Files a killed writer may leave: temporary objects and ref locks.

    Lists folders that may vanish meanwhile: a `git repack` a killed writer started
    can outlive it by a moment and remove the fan-out folders it emptied (Path.glob
    raises FileNotFoundError then). A folder gone holds no debris.
    """
    found: list[str] = []
    objects = store_path / "objects"
    for folder in os.listdir(objects):
        try:
            names = os.listdir(objects / folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        found += [f"objects/{folder}/{name}" for name in names if name.startswith("tmp_obj_")]
    for root, _, files in os.walk(store_path / "refs"):  # os.walk skips a folder it cannot list
        found += [str((Path(root) / f).relative_to(store_path)) for f in files if f.endswith(".lock")]
    return sorted(found)


def refs_and_head(store_path: Path) -> str:
    """Every ref with its commit, and what HEAD names: what "exactly as before" compares."""
    refs = git(store_path, "for-each-ref", "--format=%(refname) %(objectname)").stdout
    return refs + git(store_path, "symbolic-ref", "HEAD").stdout


def new_store(path: Path, staff: list[str] = STAFF) -> Store:
    store = Store.init(path)
    store.sops.add(
        [MINIMAL.format(id=REVIEWED, title="Ditinjau"), MINIMAL.format(id=STEADY, title="Tetap")], by="ketua"
    )
    store.staff.import_csv(staff_csv([HEAD, *staff]), by="ketua")
    return store


# -- kill -9 -------------------------------------------------------------------------


def _usable(store: Store, session_id: str | None) -> Review | None:
    if session_id is None:
        return None
    session = store.reviews.get(session_id)
    header = session.header()
    if header.status != "open" or header.pinned[REVIEWED] != store.sops.record(REVIEWED).latest.version:
        return None
    return session


def _work(store_path: Path, log_fd: int, session_id: str | None, seed: int) -> None:
    """The child: review, decide, approve and acknowledge until killed; one log line per success."""
    rng = random.Random(seed)

    def report(*words: object) -> None:
        os.write(log_fd, (" ".join(map(str, words)) + "\n").encode())  # unbuffered, one write

    store = Store.open(store_path)
    session = _usable(store, session_id)
    while True:
        if session is None:
            session = store.reviews.start([REVIEWED], team=TEAM, ref="SK 7/2026", by="ketua")
            report("start", session.id)
        (status,) = session.status()
        if status.outcome is None:
            entry = session.outcome(REVIEWED, "revise", by="ketua")
            report("entry", session.id, entry.seq, "outcome")
        elif status.undecided:
            key = status.undecided[0]
            if key == "prosedur/1":
                entry = session.replace(
                    REVIEWED,
                    key,
                    text=f"Langkah pertama, versi {status.version + 1}.",
                    by="anggota",
                    reason="jelas",
                )
            else:
                entry = session.keep(REVIEWED, key, by="anggota")
            report("entry", session.id, entry.seq, key)
        else:
            result = session.approve(by=HEAD)
            report("approve", session.id, result.versions[REVIEWED])
            session = None
        for _ in range(rng.randint(1, 3)):
            outcome = store.acks.record(rng.choice(STAFF), rng.choice([REVIEWED, STEADY]), by="operator")
            if outcome.created:
                r = outcome.record
                report("ack", r.seq, r.staff, r.sop, r.version, r.hash)


def _child(store_path: Path, log_path: Path, session_id: str | None, seed: int) -> int:
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:  # never return into pytest from here
        log_fd = os.open(log_path, os.O_WRONLY | os.O_APPEND)
        try:
            _work(store_path, log_fd, session_id, seed)
        except BaseException:
            os.write(log_fd, ("error " + traceback.format_exc().replace("\n", " | ") + "\n").encode())
    finally:
        os._exit(status)


@dataclass
class Reported:
    """What the children said they did."""

    acks: dict[int, tuple[str, str, int, str]] = field(default_factory=dict)
    entries: dict[tuple[str, int], str] = field(default_factory=dict)
    approvals: dict[str, int] = field(default_factory=dict)
    started: list[str] = field(default_factory=list)

    def read(self, lines: list[str]) -> None:
        for line in lines:
            kind, *rest = line.split(" ")
            assert kind != "error", line.replace(" | ", "\n")
            if kind == "start":
                self.started.append(rest[0])
            elif kind == "entry":
                self.entries[rest[0], int(rest[1])] = rest[2]
            elif kind == "approve":
                self.approvals[rest[0]] = int(rest[1])
            elif kind == "ack":
                self.acks[int(rest[0])] = (rest[1], rest[2], int(rest[3]), rest[4])

    @property
    def open_session(self) -> str | None:
        return next((s for s in reversed(self.started) if s not in self.approvals), None)


def check_reported(store: Store, reported: Reported, *, everything: bool) -> None:
    """Every operation a child reported is in the store, whole (``everything``: and nothing else)."""
    snap = store.snapshot()
    for seq, (staff, sop_id, version, digest) in reported.acks.items():
        record = find_record(snap, sop_id, version, staff)
        assert record is not None and (record.seq, record.hash) == (seq, digest), f"reported ack {seq} lost"
    if everything:  # no record beyond what the chain head counts: none half-written or duplicated
        seqs = sorted(r.seq for r in store.acks.iter(snapshot=snap))
        assert seqs == list(range(1, read_head(snap)[0] + 1))
    for (session_id, seq), what in reported.entries.items():
        entry = snap.read_json(f"reviews/{session_id}/log/{seq:06d}.json")
        assert isinstance(entry, dict) and what in (entry.get("type"), entry.get("key")), entry
    record = store.sops.record(REVIEWED, snapshot=snap)
    for session_id, version in reported.approvals.items():
        assert record.version(version).session == session_id
        assert store.sops.commit_of(REVIEWED, version) is not None
        assert git(store.path, "rev-parse", "--verify", "-q", f"review/{session_id}").returncode == 0
    for session_id in reported.started:
        assert snap.exists(f"reviews/{session_id}/session.json")


def check_whole(store: Store) -> None:
    """The audit checks, the acknowledgement chain and git's own check all pass."""
    report = store.audit.verify()
    assert report.ok, [f.message for f in report.findings]
    chain = verify_chain(store.snapshot())
    assert chain.is_intact, chain.findings
    fsck_clean(store.path)


def _enough_progress(reported: Reported, mid_commit: int) -> bool:
    return (
        len(reported.approvals) >= 10
        and len(reported.acks) >= 200
        and len(reported.entries) >= 100
        and mid_commit >= 50
    )


def test_kill_9_at_random_moments_loses_nothing_reported_and_leaves_nothing_behind(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    new_store(store_path).close()
    log_path = tmp_path / "done.log"
    log_path.touch()
    rng = random.Random(20261127)
    reported, seen, mid_commit = Reported(), 0, 0
    n = 0
    # At least 200 kills, then more (at the same random moments) until the children
    # made the progress asserted below: how far a child gets in 0-250 ms depends on
    # the machine's load, and a starved run once had barely more than the minimum.
    # Bounded, so a run that makes no progress, or never dies inside a commit, fails.
    while n < 200 or (not _enough_progress(reported, mid_commit) and n < 600):
        pid = _child(store_path, log_path, reported.open_session, seed=n)
        # Mostly 0-30 ms (a few operations: most kills land inside a commit); every
        # fourth child lives longer so that the history grows.
        time.sleep(rng.uniform(0, 0.03) if n % 4 else rng.uniform(0.05, 0.25))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        lines = log_path.read_text().splitlines()
        new = Reported()
        new.read(lines[seen:])
        reported.read(lines[seen:])
        seen = len(lines)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        # A non-empty journal: the child died between its first object and the branch.
        mid_commit += bool((store_path / "soplib.lock").read_bytes())
        with Store.open(store_path) as store:  # opening clears what the child left
            assert debris(store_path) == []
            assert (store_path / "soplib.lock").read_bytes() == b""
            check_reported(store, new, everything=False)
            if n % 25 == 24:
                check_reported(store, reported, everything=True)
                check_whole(store)
        n += 1
    with Store.open(store_path) as store:
        check_reported(store, reported, everything=True)
        check_whole(store)
        # The children made progress and the kills landed inside commits, not only between them.
        assert _enough_progress(reported, mid_commit), (
            n,
            len(reported.approvals),
            len(reported.acks),
            len(reported.entries),
            mid_commit,
        )
        versions = [v.version for v in store.sops.history(REVIEWED)]
        assert versions == list(range(1, len(versions) + 1))
    out = run_sop(store_path, "audit", "verify")  # what an auditor runs
    assert out.returncode == 0 and "verified" in out.stdout, out.stdout + out.stderr


# -- disk full, read-only store ----------------------------------------------------------


def ready_to_approve(store: Store) -> Review:
    """A session over REVIEWED with every item decided: approving it writes a version and two tags."""
    session = store.reviews.start([REVIEWED], team=TEAM, ref="SK 7/2026", by="ketua")
    session.outcome(REVIEWED, "revise", by="ketua")
    session.replace(REVIEWED, "prosedur/1", text="Langkah pertama yang baru.", by="anggota", reason="jelas")
    session.keep_rest(REVIEWED, by="anggota")
    return session


def run_sop(
    store_path: Path, *args: str, preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [str(SOP_BIN), "--store", str(store_path), *args],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=preexec,
        timeout=60,
    )


def assert_one_line_error(out: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert out.returncode == 1, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    assert "Traceback" not in out.stderr and any(f in lines[0] for f in fragments), out.stderr


def assert_unchanged(store_path: Path, before: str) -> None:
    assert refs_and_head(store_path) == before
    assert debris(store_path) == []
    fsck_clean(store_path)


def test_disk_full_at_every_write_of_an_approval_and_an_ack_leaves_the_store_as_it_was(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    store.close()
    commands = [
        ("review", "approve", session.id, "--by", HEAD),
        ("ack", STAFF[0], REVIEWED, "--by", "op"),
    ]
    for command in commands:
        failures = 0
        # File-size limits from nothing to plenty: each makes a different write the
        # first to fail (the journal, then blobs, trees, the commit), until one is enough.
        for limit in [0, 16, 24, 32, 48, 96, 128, 256, 512, 2**20]:

            def limited(limit: int = limit) -> None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

            before = refs_and_head(store.path)
            out = run_sop(store.path, *command, preexec=limited)
            if out.returncode == 0:
                break
            failures += 1
            assert_one_line_error(out, "File too large")
            assert_unchanged(store.path, before)
        assert out.returncode == 0, out.stderr
        assert failures >= 5  # the write failed at several points before it fitted
    # One write bigger than the limit is written in part without an error: the
    # store must not take a truncated object for a whole one (it once did).
    with Store.open(store.path) as after:
        assert after.sops.record(REVIEWED).latest.version == 2
        check_whole(after)


# Loads everything `sop` may import, then gives up root: the interpreter and the
# standard library may live where uid 65534 cannot read (pyenv under /root).
AS_NOBODY = """
import importlib, os, pkgutil, sys
import git, soplib
for module in pkgutil.walk_packages(soplib.__path__, "soplib."):
    importlib.import_module(module.name)
os.setgid(65534)
os.setuid(65534)
from soplib.cli import main
main(sys.argv[1:], prog_name="sop")
"""

SopRun = Callable[..., subprocess.CompletedProcess[str]]


@contextmanager
def read_only(path: Path) -> Iterator[SopRun]:
    """Make the store at ``path`` unwritable; yields how to run ``sop`` on it.

    Root ignores file modes, so as root the store becomes a read-only bind mount
    (writes fail with EROFS); where mounting is not allowed, ``sop`` runs as uid
    65534 (EACCES). Not as root, ``chmod a-w`` is enough.
    """
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")]}
        for p, mode in modes.items():
            p.chmod(mode & 0o555)
        try:
            yield lambda *args: run_sop(path, *args)
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    bind = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if bind.returncode == 0:
        try:
            remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True)
            assert remount.returncode == 0, remount.stderr
            yield lambda *args: run_sop(path, *args)
        finally:
            subprocess.run(["umount", str(path)], check=True)
        return
    for folder in path.parents:  # uid 65534 must reach the store through the test's folders
        folder.chmod(folder.stat().st_mode | 0o011)
    yield lambda *args: subprocess.run(
        [sys.executable, "-c", AS_NOBODY, "--store", str(path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=60,
    )


def test_a_read_only_store_refuses_writes_with_one_line_and_still_reads(tmp_path: Path) -> None:
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    store.close()
    before = refs_and_head(store.path)
    with read_only(store.path) as sop:
        writes = [
            ("review", "approve", session.id, "--by", HEAD),
            ("ack", STAFF[0], REVIEWED, "--by", "op"),
            ("staff", "deactivate", STAFF[1], "--by", "ketua"),
        ]
        for command in writes:
            assert_one_line_error(sop(*command), "Read-only file system", "Permission denied")
        shown = sop("list")
        assert shown.returncode == 0 and REVIEWED in shown.stdout, shown.stderr
    assert_unchanged(store.path, before)
    assert (store.path / "soplib.lock").read_bytes() == b""


def test_a_failure_after_the_tags_before_the_branch_moves_removes_the_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Objects are bigger than a ref, so a size limit never reaches the refs; a full
    # disk can. Injected here at the last step, moving the branch.
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    before = refs_and_head(store.path)
    real = Refs.update

    def full_at_the_branch(self: Refs, name: str, new: str, *, old: str | None) -> None:
        if name == "refs/heads/main":
            raise StoreError("cannot write refs/heads/main: No space left on device")
        real(self, name, new, old=old)

    monkeypatch.setattr(Refs, "update", full_at_the_branch)
    with pytest.raises(StoreError, match="No space left"):
        session.approve(by=HEAD)
    assert_unchanged(store.path, before)
    monkeypatch.undo()
    assert session.approve(by=HEAD).versions == {REVIEWED: 2}
    check_whole(store)
    store.close()


# -- eight writers at once ---------------------------------------------------------------


def _run_in_child(job: Callable[[], list[str]], start: tuple[int, int], log_path: Path) -> int:
    """Fork a child that waits for the ``start`` pipe to close, runs ``job`` and logs its lines; its pid."""
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        os.close(start[1])
        os.read(start[0], 1)  # returns when the parent closes its end: all start together
        lines = job()
        log_path.write_text("".join(f"{line}\n" for line in lines))
        status = 0
    except BaseException:
        log_path.write_text(traceback.format_exc())
    finally:
        os._exit(status)


def test_eight_processes_deciding_acknowledging_importing_and_approving_lose_nothing(tmp_path: Path) -> None:
    store = new_store(tmp_path / "store")
    approving = ready_to_approve(store)
    deciding = store.reviews.start([STEADY], team=TEAM, ref="SK 8/2026", by="ketua")
    store.close()
    commits_before = int(git(store.path, "rev-list", "--count", "main").stdout)

    def decide(who: str) -> list[str]:
        with Store.open(store.path) as s:
            session = s.reviews.get(deciding.id)
            return [str(session.keep(STEADY, f"prosedur/{n % 3 + 1}", by=who).seq) for n in range(15)]

    def ack(people: list[str]) -> list[str]:
        with Store.open(store.path) as s:
            return [str(s.acks.record(p, STEADY, by="operator").record.seq) for p in people]

    def import_new(prefix: str) -> list[str]:
        with Store.open(store.path) as s:
            for batch in range(2):
                people = [f"{prefix}{batch}{n}" for n in range(5)]
                s.staff.import_csv(staff_csv(people, unit="Teknis"), by="ketua")
        return []

    def approve() -> list[str]:
        time.sleep(0.05)  # in the middle of the others
        with Store.open(store.path) as s:
            return [str(s.reviews.get(approving.id).approve(by=HEAD).versions[REVIEWED])]

    jobs: list[Callable[[], list[str]]] = [
        lambda: decide("ketua"),
        lambda: decide("anggota"),
        lambda: ack(STAFF[0:20]),
        lambda: ack(STAFF[20:40]),
        lambda: ack(STAFF[40:60]),
        lambda: import_new("a"),
        lambda: import_new("b"),
        approve,
    ]
    start_read, start_write = os.pipe()
    logs = [tmp_path / f"job{n}.log" for n in range(len(jobs))]
    pids = [_run_in_child(job, (start_read, start_write), log) for job, log in zip(jobs, logs, strict=True)]
    os.close(start_write)
    for pid, log in zip(pids, logs, strict=True):
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, log.read_text()
    os.close(start_read)
    out = [log.read_text().split() for log in logs]

    with Store.open(store.path) as s:
        # Nothing lost, nothing duplicated: every reported entry once, in one log.
        decided = sorted(int(seq) for seq in out[0] + out[1])
        assert len(decided) == len(set(decided)) == 30
        log_entries = [e.seq for e in s.reviews.get(deciding.id).log() if e.type == "decision"]
        assert sorted(log_entries) == decided
        acks = s.acks.list(sop_id=STEADY)
        assert sorted(r.staff for r in acks) == sorted(STAFF[:60])
        assert (
            sorted(int(seq) for seq in out[2] + out[3] + out[4])
            == [r.seq for r in acks]
            == list(range(1, 61))
        )
        registry = {m.id for m in s.staff.list()}
        assert {f"{p}{b}{n}" for p in "ab" for b in range(2) for n in range(5)} <= registry
        assert len(registry) == len(STAFF) + 1 + 20  # the staff, the head of office, the new ones
        assert out[7] == ["2"] and s.sops.record(REVIEWED).latest.session == approving.id
        # One commit per operation, in one line of history.
        commits = int(git(s.path, "rev-list", "--count", "main").stdout)
        assert commits == commits_before + 30 + 60 + 4 + 1
        assert git(s.path, "rev-list", "--min-parents=2", "main").stdout == ""
        check_whole(s)


# -- 10,000 operations in one process ------------------------------------------------------


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def child_processes() -> int:
    tasks = Path("/proc/self/task")
    return sum(len((t / "children").read_text().split()) for t in tasks.iterdir())


def resident_kib() -> int:
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1])


def test_ten_thousand_operations_keep_files_processes_and_memory_bounded(tmp_path: Path) -> None:
    store = new_store(tmp_path / "store")
    session = store.reviews.start([STEADY], team=TEAM, ref="SK 9/2026", by="ketua")
    store.close()
    # Packed objects are read in-process from the pack files (gitdb): the open packs can leak.
    assert git(tmp_path / "store", "gc", "-q").returncode == 0
    pairs = iter([(p, sop_id) for p in STAFF for sop_id in (REVIEWED, STEADY)])
    reads: list[Callable[[Store], object]] = [
        lambda s: s.sops.get(STEADY),
        lambda s: s.sops.history(REVIEWED),
        lambda s: s.acks.list(staff_id=STAFF[0]),
        lambda s: s.sops.list(),
    ]
    baseline = (open_files(), child_processes())
    store = Store.open(tmp_path / "store")
    review = store.reviews.get(session.id)
    samples: list[tuple[int, int, int]] = []
    started = time.perf_counter()
    for n in range(10_000):
        if n % 20 == 0:
            staff, sop_id = next(pairs)
            assert store.acks.record(staff, sop_id, by="operator").created
        elif n % 20 == 10:
            review.keep(STEADY, f"prosedur/{n % 3 + 1}", by="anggota")
        elif n % 100 == 55:  # what every CLI command does: open, work, close
            store.close()
            store = Store.open(tmp_path / "store")
            review = store.reviews.get(session.id)
        elif n % 2000 == 1999:
            assert store.audit.verify().ok  # replays every commit, runs `git fsck`
        else:
            reads[n % len(reads)](store)
        if n % 500 == 0:
            samples.append((open_files(), child_processes(), resident_kib()))
    elapsed = time.perf_counter() - started
    store.close()
    warm = samples[2]  # after the caches and the helper process have started
    assert max(s[0] for s in samples) <= warm[0] + 4, samples
    assert max(s[1] for s in samples) <= warm[1] + 1, samples
    assert samples[-1][2] - warm[2] < 64 * 1024, samples  # KiB: bounded caches, no leak
    assert (open_files(), child_processes()) == baseline, "close() releases every file and helper"
    assert elapsed < 60, elapsed  # about 15 s on a 2-core machine; see docs/reliability.md


# -- a writer stopped at a chosen step, then killed ------------------------------------------

STOPPED_WRITER = """
import os, sys, time
from sop_store import refs
from soplib import Store

store_path, point, session_id = sys.argv[1:]
real_update, real_lock, real_replace = refs.Refs.update, refs._create_ref_lock, os.replace

def stop():
    print("stopped", flush=True)
    time.sleep(60)

def update(self, name, new, *, old):
    if point == "tags-written" and name == "refs/heads/main":
        stop()
    real_update(self, name, new, old=old)

def create_ref_lock(lock):
    fd = real_lock(lock)
    if point == "holding-main.lock" and lock.name == "main.lock":
        stop()
    return fd

def replace(src, dst):
    if point == "temporary-object" and "tmp_obj_" in str(src):
        stop()
    real_replace(src, dst)

refs.Refs.update = update
refs._create_ref_lock = create_ref_lock
os.replace = replace
with Store.open(store_path) as store:
    store.reviews.get(session_id).approve(by="kepala")
"""


@pytest.mark.parametrize("point", ["temporary-object", "tags-written", "holding-main.lock"])
@pytest.mark.parametrize("cleared_by", ["the next writer", "the next reader"])
def test_a_writer_killed_at_each_step_of_a_commit_is_cleared_up_at_once(
    tmp_path: Path, point: str, cleared_by: str
) -> None:
    store = new_store(tmp_path / "store")
    session = ready_to_approve(store)
    before, head, tags = refs_and_head(store.path), store.head(), git(store.path, "tag", "--list").stdout
    child = subprocess.Popen(
        [sys.executable, "-c", STOPPED_WRITER, str(store.path), point, session.id],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "stopped"
    child.stdout.close()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert debris(store.path) or refs_and_head(store.path) != before  # something was left
    assert (store.path / "soplib.lock").read_bytes()  # and the journal says what
    started = time.monotonic()
    if cleared_by == "the next writer":  # a store opened before the kill: its transaction clears up
        assert store.acks.record(STAFF[0], STEADY, by="operator").created
        # Its commit is the only change: on the old head, with the tags as they were.
        assert git(store.path, "rev-parse", "main~1").stdout.strip() == head
        assert git(store.path, "tag", "--list").stdout == tags
    else:  # opening the store clears up, so that verify sees the store as it was
        with Store.open(store.path) as reopened:
            assert refs_and_head(store.path) == before
            check_whole(reopened)
    assert time.monotonic() - started < 1.5  # no waiting for a stale main.lock to age
    assert debris(store.path) == []
    assert (store.path / "soplib.lock").read_bytes() == b""
    assert session.approve(by=HEAD).versions == {REVIEWED: 2}
    check_whole(store)
    store.close()


def test_docs_reliability_names_every_fault_test_and_only_tests_that_exist() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "reliability.md").read_text()
    named = set(re.findall(r"`(test_\w+)`", docs))
    here = {name for name in globals() if name.startswith("test_")}
    every_test_file = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py"))
    others = {name for name in named - here if f"def {name}(" in every_test_file}
    assert here - {"test_docs_reliability_names_every_fault_test_and_only_tests_that_exist"} <= named
    assert named - here == others  # every test named exists


def test_demo_kills_a_writer_and_loses_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store.init(tmp_path / "store")
    load_demo(store)
    store.staff.import_csv(demo_staff_csv(), by="ketua")
    store.close()
    step_reliability(store.path)
    out = capsys.readouterr().out
    reported = int(re.search(r"(\d+) acknowledgements reported", out).group(1))
    assert reported > 0 and "0 lost; 0 stray files; hash chain intact: True" in out, out
    with Store.open(store.path) as after:
        assert len(after.acks.list()) >= reported
        check_whole(after)


def test_a_forged_journal_cannot_delete_anything_outside_the_tags(tmp_path: Path) -> None:
    store = new_store(tmp_path / "store")
    head, unpublished = store.head(), "1" * 40
    victim = tmp_path / "victim"
    victim.write_text(f"{unpublished}\n")  # looks like a ref to the journal's commit
    journal = {"pid": 1, "commit": unpublished, "tags": ["../../../victim", "../../HEAD", 7]}
    (store.path / "soplib.lock").write_text(json.dumps(journal) + "\n")
    assert store.acks.record(STAFF[0], STEADY, by="operator").created  # recovers, then writes
    assert victim.read_text() == f"{unpublished}\n"
    assert (store.path / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (store.path / "soplib.lock").read_bytes() == b""
    assert git(store.path, "rev-parse", "main~1").stdout.strip() == head
    check_whole(store)
    store.close()
