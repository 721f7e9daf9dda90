"""Sync over real transports: a folder (file://), git daemon, SSH to localhost; the real `sop` CLI.

Every test runs once per transport (tests/remotes.py starts and stops the servers).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from remotes import Server

from soplib import Store, load
from soplib.demo_data import sop_files, staff_csv
from soplib.errors import InvalidInputError

SOP_BIN = Path(sys.executable).parent / "sop"
ADMIN = "197605142002121003"  # demo staff: Mars Ansori Wijaya
READER_A = "198107232008011004"
READER_B = "198202112007011006"
SOP = "KPU-NTB-SOP-01"


def sop(store: Path, *args: str, env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(SOP_BIN), "--store", str(store), "--lang", "en", *args],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    if ok:
        assert done.returncode == 0, f"sop {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def seeded(path: Path) -> Store:
    store = Store.init(path)
    store.sops.add([load(p) for p in sop_files()], by=ADMIN)
    store.staff.import_csv(staff_csv(), by=ADMIN)
    return store


def test_first_push_clone_and_sync_over_each_transport(tmp_path: Path, server: Server) -> None:
    env = server.environ()
    url = server.new_repo()
    a, b = tmp_path / "a", tmp_path / "b"
    seeded(a).close()

    sop(a, "remote", "add", "origin", url, env=env)
    listed = json.loads(sop(a, "remote", "list", "--json", env=env).stdout)
    assert listed == {"origin": url}
    # An empty remote receives the first push.
    first = json.loads(sop(a, "sync", "--by", ADMIN, "--json", env=env).stdout)
    assert first["pushed"] is True and first["integrated"] == "pushed-only"
    assert server.git("office.git", "rev-parse", "main").strip() == first["head"]

    b.mkdir()  # an empty folder is a fine target
    cloned = sop(a, "clone", url, str(b), env=env)
    assert "4 SOPs" in cloned.stdout
    sop(a, "ack", READER_A, SOP, "--by", READER_A, env=env)
    sop(b, "ack", READER_B, SOP, "--by", READER_B, env=env)
    sop(b, "sync", "--by", ADMIN, env=env)
    merged = sop(a, "sync", "--by", ADMIN, env=env)
    assert "merged" in merged.stdout and "pushed" in merged.stdout
    sop(b, "sync", "--by", ADMIN, env=env)

    heads = {sop(p, "audit", "verify", "--json", env=env).stdout for p in (a, b)}
    assert len(heads) == 1, heads  # the same head, the same report
    report = json.loads(heads.pop())
    assert report["ok"] is True and report["acknowledgements"] == 2
    assert report["head"] == server.git("office.git", "rev-parse", "main").strip()
    for p in (a, b):
        with Store.open(p) as s:
            assert sorted(r.staff for r in s.acks.list()) == sorted([READER_A, READER_B])
    # Tags travel too: every SOP version's tag is on the server.
    assert f"sop/{SOP}/v1" in server.git("office.git", "tag", "--list").split()

    sop(b, "remote", "remove", "origin", env=env)
    assert json.loads(sop(b, "remote", "list", "--json", env=env).stdout) == {}
    gone = sop(b, "sync", "--by", ADMIN, env=env, ok=False)
    assert gone.returncode == 1 and "no remote origin" in gone.stderr


def test_clone_of_an_empty_or_foreign_remote_is_refused_leaving_nothing(
    tmp_path: Path, file_server: Server
) -> None:
    env = file_server.environ()
    url = file_server.new_repo()
    done = sop(tmp_path / "x", "clone", url, str(tmp_path / "x"), env=env, ok=False)
    assert done.returncode == 1 and "has no store yet" in done.stderr
    assert not (tmp_path / "x").exists()
    # A plain git project is not a store.
    work = tmp_path / "plain"
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    (work / "README").write_text("hello\n")
    subprocess.run(["git", "-C", str(work), "add", "README"], check=True)
    who = ["-c", "user.name=x", "-c", "user.email=x@x"]
    subprocess.run(["git", "-C", str(work), *who, "commit", "-qm", "x"], check=True)
    subprocess.run(["git", "-C", str(work), "push", "-q", url, "main"], check=True)
    done = sop(tmp_path / "y", "clone", url, str(tmp_path / "y"), env=env, ok=False)
    assert done.returncode == 1 and "not a soplib store" in done.stderr
    assert not (tmp_path / "y").exists()
    # An empty folder given as the target stays as it was; nothing half-made is left beside it.
    (tmp_path / "z").mkdir()
    done = sop(tmp_path / "z", "clone", url, str(tmp_path / "z"), env=env, ok=False)
    assert done.returncode == 1 and list((tmp_path / "z").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain", "server", "z"]


def test_a_url_carrying_a_password_is_refused_and_never_echoed(tmp_path: Path, file_server: Server) -> None:
    env = file_server.environ()
    a = tmp_path / "a"
    seeded(a).close()
    secret = "s3cr3t-Pa55"
    for url in (
        f"https://ani:{secret}@git.example.invalid/kpu/sop.git",
        f"ssh://ani:{secret}@git.example.invalid/kpu/sop.git",
    ):
        for args in (("remote", "add", "origin", url), ("clone", url, str(tmp_path / "c"))):
            done = sop(a, *args, env=env, ok=False)
            assert done.returncode == 1, done.stdout + done.stderr
            assert secret not in done.stdout + done.stderr
            assert "credential" in done.stderr
    with Store.open(a) as s:
        assert s.remotes.list() == {}
        with pytest.raises(InvalidInputError) as caught:
            s.remotes.add("origin", f"https://ani:{secret}@git.example.invalid/x.git")
        assert secret not in str(caught.value)
    # One written into the config by plain git is shown without its password, and never used by soplib.
    subprocess.run(
        ["git", "--git-dir", str(a), "remote", "add", "old", f"https://ani:{secret}@127.0.0.1:9/x.git"],
        check=True,
    )
    listed = sop(a, "remote", "list", env=env)
    assert secret not in listed.stdout and "old" in listed.stdout
    done = sop(a, "sync", "old", "--by", ADMIN, env=env, ok=False)
    assert done.returncode == 1 and secret not in done.stdout + done.stderr


def test_the_store_config_cannot_choose_the_ssh_program_or_a_credential_helper(
    tmp_path: Path, ssh_server: Server
) -> None:
    """Only the user's environment reaches git: the store's ssh command, helper or hooks do not."""
    env = ssh_server.environ()
    url = ssh_server.new_repo()
    a = tmp_path / "a"
    seeded(a).close()
    planted = tmp_path / "planted"
    for key, value in (
        ("core.sshCommand", f"touch {planted}; ssh"),
        ("credential.helper", f"!touch {planted}"),
        ("core.hooksPath", str(tmp_path)),
    ):
        subprocess.run(["git", "--git-dir", str(a), "config", key, value], check=True)
    sop(a, "remote", "add", "origin", url, env=env)
    sop(a, "sync", "--by", ADMIN, env=env)
    assert not planted.exists()
    # Without the user's GIT_SSH_COMMAND (the key it names) the server cannot be reached at all.
    bare_env = {k: v for k, v in env.items() if k != "GIT_SSH_COMMAND"}
    bare_env["HOME"] = str(tmp_path / "nohome")
    done = sop(a, "sync", "--by", ADMIN, env=bare_env, ok=False)
    assert done.returncode == 1 and "cannot fetch" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_remote_holding_another_store_or_a_readme_is_refused(tmp_path: Path, file_server: Server) -> None:
    env = file_server.environ()
    other = file_server.new_repo("other.git")
    # Another office's store (made the same second, an identical store would share its history).
    with Store.init(tmp_path / "other", office_name="KPU Kabupaten Lombok Barat") as store:
        store.sops.add([load(p) for p in sop_files()], by=ADMIN)
        store.remotes.add("origin", other)
        store.remotes.sync(by=ADMIN)
    a = tmp_path / "a"
    seeded(a).close()
    before = subprocess.run(["git", "--git-dir", str(a), "rev-parse", "main"], capture_output=True, text=True)
    sop(a, "remote", "add", "other", other, env=env)
    done = sop(a, "sync", "other", "--by", ADMIN, env=env, ok=False)
    assert done.returncode == 1 and "shares no commit" in done.stderr and "Traceback" not in done.stderr
    after = subprocess.run(["git", "--git-dir", str(a), "rev-parse", "main"], capture_output=True, text=True)
    assert before.stdout == after.stdout
    assert file_server.git("other.git", "rev-parse", "main") != before.stdout


def test_a_folder_remote_never_runs_its_own_hooks_as_the_user_who_syncs(
    tmp_path: Path, file_server: Server
) -> None:
    # A store on a shared drive: whoever can write its folder could plant hooks (and an alternate-refs
    # command) that git would run as each officer who pushes to or fetches from it.
    from remotes import SECRETARY, office_store, published

    office_store(tmp_path / "seed").close()
    url = published(tmp_path / "seed", file_server)
    marker = tmp_path / "pwned"
    hooks = file_server.path() / "hooks"
    for name in (
        "pre-receive",
        "update",
        "post-receive",
        "post-update",
        "reference-transaction",
        "push-to-checkout",
    ):
        (hooks / name).write_text(f'#!/bin/sh\necho {name} >> "{marker}"\n')
        (hooks / name).chmod(0o755)
    subprocess.run(
        [
            "git",
            "--git-dir",
            str(file_server.path()),
            "config",
            "core.alternateRefsCommand",
            f"touch {marker}",
        ],
        check=True,
    )
    with Store.clone(url, tmp_path / "a") as a:
        staff = [s.id for s in a.staff.list()]
        a.acks.record(staff[0], "KPU-NTB-SOP-04", by=staff[0])
        result = a.remotes.sync(by=SECRETARY)
        assert result.pushed
    assert not marker.exists(), marker.read_text()
    # Plain git pushing there would have run them: the hooks are real.
    subprocess.run(
        ["git", "--git-dir", str(tmp_path / "a"), "push", "-q", url, "main:refs/heads/other"], check=True
    )
    assert "pre-receive" in marker.read_text()
