"""Real git servers on this machine for the sync tests: a folder, ``git daemon``, and SSH (loopback only).

Each fixture makes an empty bare repository and gives a :class:`Server`: the
URL a client uses and the environment the client needs (for SSH, the user's
own ``GIT_SSH_COMMAND`` naming a key and a known-hosts file the fixture made:
nothing comes from a store's config). Servers are started by the fixture on a
free port of 127.0.0.1 and stopped after the test, with every process they
started (each runs in its own process group).

Registered in conftest.py (``pytest_plugins``); the ``server`` fixture runs a
test once per transport.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from soplib import Store, load
from soplib.demo_data import sop_files, staff_csv

SSHD = "/usr/sbin/sshd"


@dataclass
class Server:
    """A git server holding bare repositories under ``root``; ``url(name)`` reaches one."""

    kind: str
    root: Path
    base: str  # URL prefix; the repository's name follows
    env: dict[str, str] = field(default_factory=dict)

    def new_repo(self, name: str = "office.git") -> str:
        """Create an empty bare repository ``name`` on the server; its URL."""
        path = self.root / name
        subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(path)], check=True)
        return self.url(name)

    def url(self, name: str = "office.git") -> str:
        return f"{self.base}{name}"

    def path(self, name: str = "office.git") -> Path:
        return self.root / name

    def git(self, name: str, *args: str) -> str:
        """Run plain git on the server's repository ``name`` (what an administrator would see)."""
        done = subprocess.run(
            ["git", "--git-dir", str(self.path(name)), *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    def environ(self) -> dict[str, str]:
        """The process environment a client runs in (``os.environ`` plus this server's settings)."""
        return {**os.environ, **self.env}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], *, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and every process it started (its own process group)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=5)
            # Children of the group (a receive-pack still finishing) go too.
            os.killpg(process.pid, signal.SIGKILL)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            continue
        break
    process.wait()
    # A killed child of the group (a receive-pack the server forked) exists until whoever inherited
    # it reaps it: give that a moment, so the fixtures' "nothing left behind" checks what is running.
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def file_server(tmp_path: Path) -> Server:
    """Bare repositories in a folder, reached by ``file://``."""
    root = tmp_path / "server"
    root.mkdir()
    return Server("file", root, f"file://{root}/")


@pytest.fixture
def daemon_server(tmp_path: Path) -> Iterator[Server]:
    """``git daemon`` on 127.0.0.1 serving a folder, pushes allowed."""
    root = tmp_path / "daemon"
    root.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [
            "git", "daemon", "--listen=127.0.0.1", f"--port={port}", "--reuseaddr", "--export-all",
            "--enable=receive-pack", "--informative-errors", f"--base-path={root}", str(root),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, process)
        yield Server("daemon", root, f"git://127.0.0.1:{port}/")
    finally:
        stop(process)
    assert not group_alive(process.pid), "git daemon left processes behind"


def _keygen(path: Path, comment: str) -> str:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True
    )
    return Path(f"{path}.pub").read_text().strip()


@pytest.fixture
def ssh_server(tmp_path: Path) -> Iterator[Server]:
    """OpenSSH's sshd on 127.0.0.1 with its own host key, letting in one generated client key.

    The client reaches it through the user's own environment only: ``GIT_SSH_COMMAND``
    names the key and a known-hosts file holding the server's host key (strict checking).
    """
    if not Path(SSHD).exists():
        pytest.fail("openssh-server is not installed: apt-get install openssh-server (.ci/run installs it)")
    base = tmp_path / "ssh"
    root = tmp_path / "repos"
    base.mkdir()
    root.mkdir()
    host_pub = _keygen(base / "host_key", "soplib-test-host").strip()
    client_pub = _keygen(base / "client_key", "soplib-test-client").strip()
    (base / "authorized_keys").write_text(client_pub + "\n")
    port = free_port()
    (base / "known_hosts").write_text(f"[127.0.0.1]:{port} {' '.join(host_pub.split()[:2])}\n")
    config = base / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {base / 'host_key'}\nPidFile {base / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {base / 'authorized_keys'}\nStrictModes no\nUsePAM no\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "PubkeyAuthentication yes\nAllowTcpForwarding no\nX11Forwarding no\nPrintMotd no\n"
        "MaxStartups 50:30:100\nMaxSessions 50\nLogLevel ERROR\n"
    )
    # sshd's privilege separation needs this folder (Debian's service unit makes it the same way).
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    with open(base / "sshd.log", "wb") as log:
        command = [SSHD, "-D", "-e", "-f", str(config)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    try:
        wait_for_port(port, process)
        command = (
            f"ssh -F none -i {base / 'client_key'} -o IdentitiesOnly=yes -o BatchMode=yes "
            f"-o UserKnownHostsFile={base / 'known_hosts'} -o StrictHostKeyChecking=yes -p {port}"
        )
        yield Server("ssh", root, f"ssh://{getpass.getuser()}@127.0.0.1{root}/", {"GIT_SSH_COMMAND": command})
    finally:
        stop(process)
    assert not group_alive(process.pid), "sshd left processes behind"


@pytest.fixture(params=["file", "daemon", "ssh"])
def server(request: pytest.FixtureRequest) -> Server:
    """Each transport in turn."""
    found: Server = request.getfixturevalue(f"{request.param}_server")
    return found


@pytest.fixture
def server_env(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """``server``, its client settings put in this process's environment (for in-process API and CLI)."""
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    return server


# -- stores for the sync tests ------------------------------------------------------------

# Demo staff (soplib/demo_data/staff.csv) and the roles the office gives them.
SECRETARY = "197605142002121003"  # admin and approver
CHAIR = "198107232008011004"  # document controller, chairs reviews
MEMBER = "198202112007011006"  # review team
READER = "198812052014031003"  # no role


def office_store(path: Path) -> Store:
    """The demo office: staff, roles (admin, approver, controller) and the four demo SOPs at v1."""
    store = Store.init(path, time_zone="Asia/Makassar")
    store.staff.import_csv(staff_csv(), by=SECRETARY)
    store.grants.grant("admin", SECRETARY, by=SECRETARY)
    store.grants.grant("approver", SECRETARY, by=SECRETARY)
    store.grants.grant("controller", CHAIR, by=SECRETARY)
    store.sops.add([load(p) for p in sop_files()], by=CHAIR)
    return store


def published(path: Path, server: Server, name: str = "office.git") -> str:
    """Push the store at ``path`` to a new repository ``name`` on ``server`` (its first push); the URL."""
    url = server.new_repo(name)
    with Store.open(path) as store:
        store.remotes.add("origin", url)
        store.remotes.sync("origin", by=SECRETARY)
    return url


def debris(git_dir: Path) -> list[str]:
    """What a killed process may leave in a repository: ref locks, temporary objects and packs."""
    found = [
        *git_dir.glob("refs/**/*.lock"),
        *(p for p in git_dir.glob("*.lock") if p.name != "soplib.lock"),
        *git_dir.glob("objects/*/tmp_obj_*"),
        *git_dir.glob("objects/pack/tmp_*"),
        *git_dir.glob("objects/incoming-*"),
        *git_dir.glob("soplib-sync/**/*.lock"),  # where sync's git runs (its flock file is "lock")
    ]
    left = sorted(str(p.relative_to(git_dir)) for p in found)
    journal = git_dir / "soplib.lock"  # the store lock: empty unless a writer died holding it
    if journal.exists() and journal.stat().st_size:
        left.append("soplib.lock (a journal)")
    return left
