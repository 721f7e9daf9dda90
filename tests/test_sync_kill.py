"""kill -9 of a sync at random moments, then sync again: nothing lost, nothing doubled, both sides verify.

A sync runs in its own process (the library, logging each step to stderr) and is
killed with SIGKILL after a random delay: before the fetch ends, between fetch
and push, while the merge commit is written, during the push. Meanwhile the
other clone keeps pushing, so most syncs have to merge. Kills are not followed
by a clean sync each time: the next (killed) sync has to pick up what the last
one left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from remotes import SECRETARY, Server, debris, group_alive, office_store, published

from soplib import Store

KILLS = 55  # syncs killed mid-way (a sync that finished before its kill does not count)
ROUNDS = 150  # at most
RUNNER = """
import logging, sys
from soplib import Store
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(message)s")
with Store.open(sys.argv[1]) as store:
    store.remotes.sync("origin", by=sys.argv[2])
print("synced", flush=True)
"""


def staff_csv(people: list[str]) -> bytes:
    return (
        "id,name,unit,position\n" + "".join(f"{p},Pegawai {p},Sekretariat,Staf\n" for p in people)
    ).encode()


def stage(stderr: str) -> str:
    """How far a killed sync got, from its log."""
    marks = [
        ("push done", "pushed"),
        ("pushing", "during the push"),
        ("integrated (merged)", "merged, not pushed"),
        ("merging local changes", "during the merge commit"),
        ("fetched main", "between fetch and merge"),
    ]
    for mark, name in marks:
        if mark in stderr:
            return name
    return "before the fetch ended"


class Sync:
    """A sync in its own process; its log lines are read as they come, to kill it at a chosen step."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", RUNNER, str(path), SECRETARY],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for(self, mark: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(mark in line for line in self.lines):
                return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.001)
        return False

    def kill(self) -> tuple[str, str]:
        """SIGKILL the sync process alone (not its group): what it printed and logged."""
        if self.process.poll() is None:  # (a sync that already finished is counted as such)
            os.kill(self.process.pid, signal.SIGKILL)
        out = self.process.stdout.read() if self.process.stdout else ""
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        return out, "".join(self.lines)


# Where to aim each kill: after which log line, and a random delay after it (seconds).
TARGETS = [
    (None, 0.9),  # anywhere in the sync (the delay is scaled by its length)
    (None, 0.4),  # early: starting, fetching
    ("fetched main", 0.3),  # between fetch and the merge
    ("merging local changes", 0.012),  # while the merge commit is written
    ("pushing", 0.08),  # during the push
]


def test_kill_9_at_random_moments_of_a_sync_then_sync_again(tmp_path: Path, file_server: Server) -> None:
    rng = random.Random(1409)
    office_store(tmp_path / "seed").close()
    people_a = [f"19900101202001{n:04d}" for n in range(ROUNDS * 2 + 2)]
    people_b = [f"19900202202002{n:04d}" for n in range(ROUNDS + 1)]
    with Store.open(tmp_path / "seed") as seed:
        seed.staff.import_csv(staff_csv(people_a + people_b), by=SECRETARY)
    url = published(tmp_path / "seed", file_server)
    a_path = tmp_path / "a"
    Store.clone(url, a_path).close()
    b = Store.clone(url, tmp_path / "b")
    sop = "KPU-NTB-SOP-04"  # applies to everyone

    # How long one sync that merges takes here, to spread the kills over all of it.
    b.acks.record(people_b[0], sop, by=people_b[0])
    b.remotes.sync(by=SECRETARY)
    with Store.open(a_path) as a:
        a.acks.record(people_a[0], sop, by=people_a[0])
    began = time.monotonic()
    probe = subprocess.run(
        [sys.executable, "-c", RUNNER, str(a_path), SECRETARY], capture_output=True, text=True, timeout=300
    )
    length = time.monotonic() - began
    assert probe.returncode == 0 and "synced" in probe.stdout, probe.stderr

    made_a, made_b = {people_a[0]}, {people_b[0]}
    stages: Counter[str] = Counter()
    n = 0
    while sum(v for k, v in stages.items() if k != "finished before the kill") < KILLS and n < ROUNDS:
        n += 1
        with Store.open(a_path) as a:
            for person in people_a[2 * n : 2 * n + (2 if n % 3 == 0 else 1)]:
                a.acks.record(person, sop, by=person)
                made_a.add(person)
        if n % 2:  # the other machine moves the remote on
            b.acks.record(people_b[n], sop, by=people_b[n])
            made_b.add(people_b[n])
            b.remotes.sync(by=SECRETARY)
        sync = Sync(a_path)
        mark, spread = TARGETS[n % len(TARGETS)]
        if mark is None:
            time.sleep(rng.uniform(0.05, length * spread))
        elif sync.wait_for(mark):
            time.sleep(rng.uniform(0, spread))
        out, err = sync.kill()
        process = sync.process
        stages["finished before the kill" if "synced" in out else stage(err)] += 1
        # Nothing of the killed sync is left running (its git transfer dies with it).
        deadline = time.monotonic() + 10
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not group_alive(process.pid), f"kill {n}: processes of the killed sync are still running"

    # Sync again, uninterrupted, on both machines: everything everywhere, once.
    with Store.open(a_path) as a:
        a.remotes.sync(by=SECRETARY)
        b.remotes.sync(by=SECRETARY)
        assert a.head() == b.head() == file_server.git("office.git", "rev-parse", "main").strip()
        for store in (a, b):
            acks = [r.staff for r in store.acks.list() if r.sop == sop]
            assert sorted(acks) == sorted(made_a | made_b), "lost or doubled acknowledgements"
            assert len(acks) == len(set(acks))
            report = store.audit.verify()
            assert report.ok, report.findings
        assert debris(a_path) == [] and debris(tmp_path / "b") == []
        assert debris(file_server.path("office.git")) == []
    b.close()
    killed = sum(v for k, v in stages.items() if k != "finished before the kill")
    assert killed >= KILLS, stages
    print("kills by step:", dict(stages))
    for moment in (
        "before the fetch ended",
        "between fetch and merge",
        "during the merge commit",
        "during the push",
    ):
        assert stages[moment] > 0, stages
