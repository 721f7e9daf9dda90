"""The git store: versions, tags, trailers, atomicity, locking, concurrency, damage."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, MINIMAL, write_sop

from sop_store import object_id
from soplib import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RefusedError,
    Store,
    StoreError,
)
from soplib.documents.records import stage_version, stage_withdrawal

SOP_BIN = Path(sys.executable).parent / "sop"


def git(store_path: Path, *args: str, input: str | None = None) -> str:
    """Run plain git on the store's repository; its stdout."""
    out = subprocess.run(
        ["git", "--git-dir", str(store_path), *args], input=input, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def git_commit_file(store_path: Path, path: str, content: str) -> str:
    """Commit ``content`` at ``path`` on main with plain git (plumbing, as a bare repo needs)."""
    blob = git(store_path, "hash-object", "-w", "--stdin", input=content)
    head = git(store_path, "rev-parse", "main")
    env_index = store_path / "plain-git-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(env_index)}
    run = {"capture_output": True, "text": True, "check": True, "env": env}
    subprocess.run(["git", "--git-dir", str(store_path), "read-tree", head], **run)
    subprocess.run(
        [
            "git",
            "--git-dir",
            str(store_path),
            "update-index",
            "--add",
            "--cacheinfo",
            f"100644,{blob},{path}",
        ],
        **run,
    )
    tree = subprocess.run(["git", "--git-dir", str(store_path), "write-tree"], **run).stdout.strip()
    env_index.unlink()
    commit = git(store_path, "commit-tree", tree, "-p", head, "-m", "edited by plain git")
    git(store_path, "update-ref", "refs/heads/main", commit, head)
    return commit


def sop(sop_id: str, title: str = "Judul", extra: str = "") -> str:
    return MINIMAL.format(id=sop_id, title=title) + extra


def fsck(store_path: Path) -> None:
    out = subprocess.run(
        ["git", "--git-dir", str(store_path), "fsck", "--strict"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def message_of(subject: str):
    """A fixed commit message for a raw ``store.git.transaction`` (no operation behind it)."""
    return lambda tx: subject


def stage(tx, sop_id: str, text: str, *, new: bool) -> None:
    """Stage ``text`` as the next version of ``sop_id`` inside a raw transaction."""
    stage_version(tx, sop_id, text.encode(), action="add" if new else "update", message="", meta={}, new=new)


# -- versions ------------------------------------------------------------------------


def test_add_update_and_read_every_version_byte_for_byte(store: Store) -> None:
    texts = [sop("AB-01"), sop("AB-01", extra="4. Langkah keempat."), sop("AB-01").replace("\n", "\r\n")]
    store.sops.add([texts[0]], by=ACTOR, message="SOP awal")
    store.sops.update(texts[1], by=ACTOR, message="Langkah keempat ditambah", base=1)
    v3 = store.sops.update(texts[2], by="budi.santoso", message="Baris CRLF", base=2)
    assert v3.version == 3 and v3.is_current and v3.record.by == "budi.santoso"
    for number, text in enumerate(texts, start=1):
        assert store.sops.text("AB-01", version=number) == text.encode()
        got = store.sops.get("AB-01", version=number)
        assert got.text == text and got.version == number
        assert got.status == ("current" if number == 3 else "superseded")
    assert store.sops.text("AB-01") == texts[2].encode()
    shown = subprocess.run(
        ["git", "--git-dir", str(store.path), "show", "main:sops/AB-01.md"], capture_output=True
    )
    assert shown.stdout == texts[2].encode()


def test_version_meta_keeps_front_matter_and_fingerprints(store: Store) -> None:
    (v1,) = store.sops.add([sop("AB-01", "Layanan Arsip")], by=ACTOR, effective=date(2026, 1, 5))
    meta = store.sops.record("AB-01").latest.meta
    assert meta["front"]["title"] == "Layanan Arsip"
    assert meta["content_sha256"] == v1.document.content_fingerprint
    assert meta["body_sha256"] == v1.document.body_fingerprint and meta["items"] == 3
    assert meta["effective_date"] == "2026-01-05"
    assert v1.effective == date(2026, 1, 5) and v1.record.action == "add"


def test_list_shows_every_sop_with_its_current_version(store: Store) -> None:
    store.sops.add([sop("AB-02", "Dua"), sop("AB-01", "Satu")], by=ACTOR)
    store.sops.update(sop("AB-02", "Dua revisi"), by=ACTOR, message="Judul diperbaiki", base=1)
    rows = store.sops.list()
    assert [(r.id, r.title, r.version, r.status) for r in rows] == [
        ("AB-01", "Satu", 1, "active"),
        ("AB-02", "Dua revisi", 2, "active"),
    ]
    assert store.sops.ids() == ["AB-01", "AB-02"]


def test_history_tags_and_commits(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR, message="SOP awal")
    store.sops.update(sop("AB-01", "Baru"), by="budi.santoso", message="Judul baru", base=1)
    hist = store.sops.history("AB-01")
    assert [(h.version, h.by, h.action, h.message) for h in hist] == [
        (1, ACTOR, "add", "SOP awal"),
        (2, "budi.santoso", "update", "Judul baru"),
    ]
    assert git(store.path, "tag", "--list").split() == ["sop/AB-01/v1", "sop/AB-01/v2"]
    commits = [store.sops.commit_of("AB-01", h.version) for h in hist]
    for h, commit in zip(hist, commits, strict=True):
        assert git(store.path, "rev-parse", f"sop/AB-01/v{h.version}^{{commit}}") == commit
        assert store.sops.get("AB-01", version=h.version).commit == commit
        assert (
            git(store.path, "show", f"sop/AB-01/v{h.version}:sops/AB-01.md")
            == store.sops.text("AB-01", version=h.version).decode().strip()
        )
    assert commits[1] == store.head() and git(store.path, "rev-parse", "main~1") == commits[0]


def test_each_write_is_one_commit_with_trailers_author_and_store_time(store: Store) -> None:
    before = int(time.time())
    added = store.sops.add([sop("AB-01"), sop("AB-02")], by=ACTOR, message="SOP awal")
    after = int(time.time())
    assert git(store.path, "rev-list", "--count", "main") == "2"  # init + add
    trailers = git(store.path, "log", "-1", "--format=%(trailers:only,unfold)", "main").splitlines()
    blobs = [v.record.blob for v in added]
    assert [t for t in trailers if not t.startswith("Sop-Op: ")] == [
        f"Sop-Actor: {ACTOR}",
        "Sop-Action: add",
        "Sop-Version: AB-01 1",
        "Sop-Version: AB-02 1",
        "Sop-Tag: sop/AB-01/v1",
        "Sop-Tag: sop/AB-02/v1",
    ]
    # The commit carries the operation it performed, third, as one line of canonical JSON.
    assert trailers[2].startswith("Sop-Op: ")
    assert json.loads(trailers[2].removeprefix("Sop-Op: ")) == {
        "op": "add",
        "message": "SOP awal",
        "effective": None,
        "sops": [{"id": "AB-01", "blob": blobs[0]}, {"id": "AB-02", "blob": blobs[1]}],
    }
    author, email, when, committer = git(store.path, "log", "-1", "--format=%an|%ae|%at|%cn", "main").split(
        "|"
    )
    assert (author, email, committer) == (ACTOR, f"{ACTOR}@sop.invalid", "soplib")
    assert before <= int(when) <= after
    created = store.sops.record("AB-01").latest.created
    assert created == datetime.fromtimestamp(int(when), UTC)
    assert store.sops.record("AB-01").latest.to_json()["created"] == time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(when))
    )


def test_update_trailers_name_the_action(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    store.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="x", base=1)
    body = git(store.path, "log", "-1", "--format=%B") + "\n"
    assert "Sop-Action: update\nSop-Op: " in body
    assert "\nSop-Version: AB-01 2\nSop-Tag: sop/AB-01/v2\n" in body
    op = json.loads(body.split("Sop-Op: ", 1)[1].split("\n", 1)[0])
    assert (op["op"], op["sop"], op["base"], op["message"]) == ("update", "AB-01", 1, "x")


# -- refusals write nothing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: s.sops.add([sop("AB-01")], by=ACTOR), RefusedError, "AB-01 already exists"),
        (lambda s: s.sops.add([sop("AB-03"), sop("AB-01")], by=ACTOR), RefusedError, "already exists"),
        (lambda s: s.sops.add([sop("AB-03"), sop("AB-03")], by=ACTOR), InvalidInputError, "given twice"),
        (lambda s: s.sops.add([], by=ACTOR), InvalidInputError, "nothing to add"),
        (lambda s: s.sops.update(sop("AB-09"), by=ACTOR, message="x", base=1), NotFoundError, "no SOP AB-09"),
        (
            lambda s: s.sops.update(sop("AB-01", "Baru"), by=ACTOR, message=" ", base=1),
            InvalidInputError,
            "needs a message",
        ),
        # A direct update must say which version it was edited from ...
        (
            lambda s: s.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="x"),
            InvalidInputError,
            "which version of AB-01",
        ),
        (
            lambda s: s.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="x", base=4),
            InvalidInputError,
            "AB-01 has no version 4",
        ),
        # ... and the same text again is no new version.
        (
            lambda s: s.sops.update(sop("AB-01"), by=ACTOR, message="x", base=1),
            RefusedError,
            "nothing changed",
        ),
        (lambda s: s.sops.add([sop("AB-03")], by="-c"), InvalidInputError, "invalid actor id"),
        (lambda s: s.sops.add([sop("AB-03")], by="--output=/tmp/x"), InvalidInputError, "invalid actor id"),
        (lambda s: s.sops.get("AB-01", version=2), NotFoundError, "has no version 2"),
        (lambda s: s.sops.get("../AB-01"), InvalidInputError, "invalid SOP id"),
        (lambda s: s.sops.history("-c"), InvalidInputError, "invalid SOP id"),
    ],
)
def test_refused_writes_and_reads_leave_the_store_unchanged(store: Store, call, error, message) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    head, tags = store.head(), git(store.path, "tag", "--list")
    with pytest.raises(error, match=message):
        call(store)
    assert store.head() == head and git(store.path, "tag", "--list") == tags
    assert store.sops.ids() == ["AB-01"]


def test_an_update_edited_from_an_older_version_is_refused_naming_what_changed_since(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    store.sops.update(sop("AB-01", "Dua"), by="budi.santoso", message="x", base=1)
    head = store.head()
    with pytest.raises(RefusedError) as refused:
        store.sops.update(sop("AB-01", "Tiga"), by=ACTOR, message="y", base=1)
    text = str(refused.value)
    assert "edited from AB-01 v1, but the current version is v2" in text
    assert "v2 (update by budi.santoso on " in text and "redo the edit on the current text" in text
    assert store.head() == head and [h.version for h in store.sops.history("AB-01")] == [1, 2]
    # The base line `sop show` writes names the version, so the text alone is enough.
    shown = store.sops.get("AB-01").text.replace("---\n", "---\n# soplib-base: AB-01 v2\n", 1)
    v3 = store.sops.update(shown.replace("title: Dua", "title: Tiga"), by=ACTOR, message="y")
    assert v3.version == 3 and v3.document.title == "Tiga"
    assert "soplib-base" not in store.sops.text("AB-01").decode()


def test_an_error_inside_a_transaction_writes_nothing(store: Store) -> None:
    head = store.head()
    with pytest.raises(RuntimeError), store.git.transaction(author=ACTOR, message=message_of("x")) as tx:
        stage(tx, "AB-01", sop("AB-01"), new=True)
        raise RuntimeError("boom")
    assert store.head() == head and store.sops.ids() == [] and git(store.path, "tag", "--list") == ""


def test_init_and_open_refuse_what_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(InvalidInputError, match="not empty"):
        Store.init(tmp_path / "full")
    with pytest.raises(NotFoundError, match="no soplib store"):
        Store.open(tmp_path / "nothing")
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "plain")], check=True)
    with pytest.raises(NotFoundError, match="not a soplib store"):
        Store.open(tmp_path / "plain")


# -- damage never leaks GitPython errors ------------------------------------------------


def test_a_missing_object_is_a_store_error(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    blob = store.sops.record("AB-01").latest.blob
    (store.path / "objects" / blob[:2] / blob[2:]).unlink()
    reopened = Store.open(store.path)
    with pytest.raises(StoreError, match=f"object {blob} is missing"):
        reopened.sops.text("AB-01")
    reopened.close()


def test_a_corrupted_object_is_a_store_error(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    blob = store.sops.record("AB-01").latest.blob
    path = store.path / "objects" / blob[:2] / blob[2:]
    path.chmod(0o644)
    path.write_bytes(b"not a zlib stream")
    reopened = Store.open(store.path)
    with pytest.raises(StoreError):
        reopened.sops.get("AB-01")
    reopened.close()


def test_an_unreadable_objects_folder_is_a_store_error(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    store.close()
    objects = store.path / "objects"
    objects.rename(store.path / "objects-moved")
    objects.write_text("not a folder")
    with pytest.raises(StoreError, match="no readable objects folder"):
        Store.open(store.path)


def test_an_unreadable_object_folder_is_a_store_error_on_read_and_write(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    # A version whose text has its fan-out folder to itself, so the damage hits only that text
    # (not the commit or a tree the store needs to open: their ids change with the clock).
    while len(list((store.path / "objects" / store.sops.record("AB-01").latest.blob[:2]).iterdir())) > 1:
        latest = store.sops.record("AB-01").latest.version
        store.sops.update(sop("AB-01", f"Lain {latest}"), by=ACTOR, message="x", base=latest)
    blob, base = store.sops.record("AB-01").latest.blob, store.sops.record("AB-01").latest.version
    store.close()
    fan_out = store.path / "objects" / blob[:2]
    fan_out.rename(store.path / "moved")
    fan_out.write_text("not a folder")
    with Store.open(store.path) as damaged:
        head = damaged.head()
        with pytest.raises(StoreError, match=blob):
            damaged.sops.text("AB-01")
        # A new text whose blob falls in the same fan-out folder (found in ~256 tries).
        text = next(
            t
            for n in range(10_000)
            if object_id("blob", (t := sop("AB-01", f"Baru {n}")).encode())[:2] == blob[:2]
        )
        with pytest.raises(StoreError, match=blob[:2]):
            damaged.sops.update(text, by=ACTOR, message="a write meets the damage", base=base)
        assert damaged.head() == head


@pytest.mark.parametrize("damage", ["{not json", "[]", '{"status": "active"}', '{"versions": [{}]}'])
def test_a_corrupted_record_is_a_store_error(store: Store, damage: str) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    git_commit_file(store.path, "sops/AB-01.json", damage)
    with pytest.raises(StoreError, match="AB-01"):
        store.sops.get("AB-01")
    with pytest.raises(StoreError):
        store.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="x", base=1)


# -- concurrency, locking, compare-and-swap ---------------------------------------------


def test_four_cli_processes_adding_at_once_lose_nothing(tmp_path: Path, store: Store) -> None:
    files: dict[int, list[Path]] = {}
    for worker in range(4):
        folder = tmp_path / f"w{worker}"
        folder.mkdir()
        files[worker] = [write_sop(folder, f"W{worker}-{n:02d}") for n in range(4)]
    script = 'for f in "$@"; do "$SOP" --store "$STORE" add "$f" --by "$BY" || exit 1; done'
    env = {**os.environ, "SOP": str(SOP_BIN), "STORE": str(store.path), "BY": ACTOR}
    procs = [
        subprocess.Popen(
            ["sh", "-c", script, "sh", *map(str, paths)], env=env, stderr=subprocess.PIPE, text=True
        )
        for paths in files.values()
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    expected = sorted(f"W{w}-{n:02d}" for w in range(4) for n in range(4))
    assert store.sops.ids() == expected
    assert git(store.path, "rev-list", "--count", "main") == str(1 + len(expected))
    assert git(store.path, "rev-list", "--min-parents=2", "main") == ""  # linear
    assert sorted(git(store.path, "tag", "--list").split()) == sorted(f"sop/{i}/v1" for i in expected)
    assert store.audit.verify().ok
    fsck(store.path)


def test_four_library_processes_updating_one_sop_lose_no_version(tmp_path: Path, store: Store) -> None:
    # Each worker edits the version it read; when another worker saved first, the
    # update is refused (its base is stale), so it reads again and redoes the edit.
    store.sops.add([sop("AB-01")], by=ACTOR)
    code = textwrap.dedent(
        f"""
        import sys
        from soplib import RefusedError, Store
        text = open({str(tmp_path / "AB-01.md")!r}).read()
        refused = 0
        with Store.open({str(store.path)!r}) as store:
            for n in range(5):
                note = f"\\nCatatan {{sys.argv[1]}}-{{n}}.\\n"
                while True:
                    base = store.sops.get("AB-01").version
                    try:
                        store.sops.update(text + note, by="w" + sys.argv[1], message="x", base=base)
                        break
                    except RefusedError as exc:
                        assert "current version is" in str(exc), exc
                        refused += 1
        print(refused)
        """
    )
    (tmp_path / "AB-01.md").write_text(sop("AB-01"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(w)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for w in range(4)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert out.strip().isdigit()
    hist = store.sops.history("AB-01")
    assert [h.version for h in hist] == list(range(1, 22))
    assert sorted(h.by for h in hist[1:]) == sorted(f"w{w}" for w in range(4) for _ in range(5))
    assert len({store.sops.commit_of("AB-01", h.version) for h in hist}) == 21
    # Each worker's five edits are stored in the order it made them, each exactly once.
    notes = [store.sops.text("AB-01", version=h.version).decode().rsplit("Catatan ", 1)[1] for h in hist[1:]]
    for w in range(4):
        assert [n for n in notes if n.startswith(f"{w}-")] == [f"{w}-{n}.\n" for n in range(5)]
    assert store.audit.verify().ok
    fsck(store.path)


def hold_the_lock(store_path: Path, *, by: str, seconds: float) -> subprocess.Popen[str]:
    """A child process inside a transaction (one staged file), once it holds the store lock."""
    code = textwrap.dedent(
        f"""
        import time
        from soplib import Store
        store = Store.open({str(store_path)!r})
        with store.git.transaction(author={by!r}, message=lambda tx: "held") as tx:
            tx.write("notes/{by}.txt", b"x")
            print("holding", flush=True)
            time.sleep({seconds})
        """
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "holding"
    child.stdout.close()
    return child


def test_the_lock_is_released_when_a_writer_is_killed(store: Store) -> None:
    child = hold_the_lock(store.path, by="killed", seconds=60)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    started = time.monotonic()
    store.sops.add([sop("AB-01")], by=ACTOR)
    assert time.monotonic() - started < 5
    assert not store.snapshot().exists("notes/killed.txt")
    assert store.sops.ids() == ["AB-01"]
    fsck(store.path)


def test_a_writer_waits_for_the_lock_holder(store: Store) -> None:
    child = hold_the_lock(store.path, by="first", seconds=0.5)
    store.sops.add([sop("AB-01")], by=ACTOR)
    assert child.wait(timeout=10) == 0
    assert store.snapshot().exists("notes/first.txt")
    # The first writer committed first; the second built on it.
    assert git(store.path, "log", "--format=%an", "main").split() == [ACTOR, "first", "soplib"]


def test_a_cas_conflict_writes_nothing(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    with (
        pytest.raises(ConflictError, match="moved"),
        store.git.transaction(author=ACTOR, message=message_of("lost")) as tx,
    ):
        stage(tx, "AB-01", sop("AB-01", "Baru"), new=False)
        moved = git_commit_file(store.path, "notes/plain.txt", "written by plain git\n")
    assert store.head() == moved
    assert git(store.path, "tag", "--list").split() == ["sop/AB-01/v1"]
    assert (store.path / "soplib.lock").read_bytes() == b""  # no journal left to recover
    assert [h.version for h in store.sops.history("AB-01")] == [1]
    v2 = store.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="again", base=1)
    assert v2.version == 2 and git(store.path, "rev-parse", "main~1") == moved
    fsck(store.path)


def test_a_store_packed_by_git_gc_still_reads_and_writes(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    store.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="x", base=1)
    store.close()
    git(store.path, "gc", "-q", "--prune=now")
    assert not any(p.name != "pack" and p.name != "info" for p in (store.path / "objects").iterdir())
    with Store.open(store.path) as packed:
        assert packed.sops.text("AB-01", version=1) == sop("AB-01").encode()
        assert packed.sops.get("AB-01").document.title == "Baru"
        assert packed.sops.update(sop("AB-01", "Lagi"), by=ACTOR, message="y", base=2).version == 3
        assert [h.version for h in packed.sops.history("AB-01")] == [1, 2, 3]
        assert packed.audit.verify().ok
    fsck(store.path)


def test_objects_are_written_as_git_writes_them(store: Store) -> None:
    (v1,) = store.sops.add([sop("AB-01")], by=ACTOR)
    blob = store.sops.record("AB-01").latest.blob
    assert git(store.path, "cat-file", "-t", blob) == "blob"
    assert git(store.path, "hash-object", "--stdin", input=sop("AB-01")) == blob
    assert v1.commit == store.head() == git(store.path, "rev-parse", "main")
    assert not list(store.path.glob("objects/*/tmp_obj_*"))


def test_trees_stay_in_git_order_through_adds_updates_and_new_folders(store: Store) -> None:
    ids = ["AB-1", "AB.1", "AB_1", "AB1", "AB-10", "AB"]
    for sop_id in ids:
        store.sops.add([sop(sop_id)], by=ACTOR)
        store.sops.update(sop(sop_id, "Baru"), by=ACTOR, message="x", base=1)
    with store.git.transaction(author=ACTOR, message=message_of("folders named like files")) as tx:
        tx.write("sops.d/x.txt", b"x")
        tx.write("sop/x.txt", b"x")
        tx.write("sops-1", b"x")
    store.sops.update(sop("AB", "Lagi"), by=ACTOR, message="y", base=2)
    assert store.sops.ids() == sorted(ids)
    fsck(store.path)


def test_a_bulk_add_is_one_pack_that_git_reads(store: Store) -> None:
    from sop_store.objects import PACK_AT

    texts = [sop(f"KPU-PACK-{n:03d}", f"Paket {n} – ü") for n in range(PACK_AT)]
    loose = sorted((store.path / "objects").glob("??/*"))  # the store's first commit
    added = store.sops.add(texts, by=ACTOR)
    # One pack and its index, and no new loose objects: two files, not one per object.
    packs = sorted(p.name for p in (store.path / "objects" / "pack").iterdir())
    assert len(packs) == 2 and packs[0].endswith(".idx") and packs[1].endswith(".pack")
    assert sorted((store.path / "objects").glob("??/*")) == loose
    assert not list((store.path / "objects" / "pack").glob("tmp_*"))
    fsck(store.path)
    pack = store.path / "objects" / "pack" / packs[1]
    verified = subprocess.run(["git", "verify-pack", "-v", str(pack)], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.count(" blob ") == 2 * PACK_AT  # each SOP's text and record
    with Store.open(store.path) as reopened:  # read back through gitdb, hash-checked
        assert [reopened.sops.text(v.id) for v in added] == [t.encode() for t in texts]
        assert reopened.audit.verify().ok
    assert git(store.path, "show", f"{added[5].commit}:sops/KPU-PACK-005.md") == texts[5].strip()
    # Later writes are loose again, and a few new SOPs are loose objects too.
    store.sops.update(sop("KPU-PACK-001", "Baru"), by=ACTOR, message="x", base=1)
    store.sops.add([sop("KPU-LOOSE-1")], by=ACTOR)
    assert len(list((store.path / "objects" / "pack").iterdir())) == 2
    fsck(store.path)


def test_a_failed_bulk_add_leaves_no_pack(store: Store) -> None:
    from sop_store.objects import PACK_AT

    texts = [sop(f"KPU-PACK-{n:03d}") for n in range(PACK_AT)]
    store.sops.add([texts[-1]], by=ACTOR)
    with pytest.raises(RefusedError, match="already exists"):
        store.sops.add(texts, by=ACTOR)
    assert not list((store.path / "objects" / "pack").iterdir())
    assert store.sops.ids() == [f"KPU-PACK-{PACK_AT - 1:03d}"]


def test_a_record_file_is_canonical_json_of_the_record(store: Store) -> None:
    from sop_store import canonical_json

    store.sops.add([sop("AB-01", 'Ünïcödé "kutip"')], by=ACTOR, message="awal\nbaris")
    for n in range(2, 5):
        store.sops.update(sop("AB-01", f"Judul {n} – 日本"), by=ACTOR, message=f"revisi {n}", base=n - 1)
    with store.git.transaction(author=ACTOR, message=message_of("withdraw")) as tx:
        stage_withdrawal(tx, "AB-01", meta={"reason": "diganti – ü"})
    record = store.sops.record("AB-01")
    assert store.snapshot().read("sops/AB-01.json") == canonical_json(record.dump())
    # A record file written otherwise (here by plain git, indented) is encoded whole at the next version.
    store.close()
    with Store.open(store.path) as reopened:
        reopened.sops.add([sop("AB-02")], by=ACTOR)
        indented = json.dumps(reopened.sops.record("AB-02").dump(), indent=2)
        git_commit_file(store.path, "sops/AB-02.json", indented)
    with Store.open(store.path) as reopened:
        reopened.sops.update(sop("AB-02", "Baru"), by=ACTOR, message="x", base=1)
        again = reopened.sops.record("AB-02")
        assert reopened.snapshot().read("sops/AB-02.json") == canonical_json(again.dump())


def test_a_big_folder_is_patched_not_rebuilt_and_git_agrees(store: Store) -> None:
    from sop_store.objects import BIG_TREE

    texts = [sop(f"KPU-TREE-{n:03d}") for n in range(BIG_TREE // 40)]
    store.sops.add(texts, by=ACTOR)
    for n in (0, 7, 7, 41):
        version = store.sops.record(f"KPU-TREE-{n:03d}").latest.version
        store.sops.update(sop(f"KPU-TREE-{n:03d}", f"Baru {version}"), by=ACTOR, message="x", base=version)
    # The same tree git builds from the same files: ls-tree | mktree.
    listing = git(store.path, "ls-tree", "main:sops")
    assert git(store.path, "mktree", input=listing + "\n") == git(store.path, "rev-parse", "main:sops")
    fsck(store.path)


def test_an_object_removed_behind_the_writer_is_written_again(store: Store) -> None:
    # A writer that wrote an object, lost it to `git gc --prune=now` and writes it again (a retried
    # commit in the same second has the same id) must put it back, not trust what it remembers.
    repo = store.git.repo
    sha = repo.write_object("blob", b"kept")
    path = store.path / "objects" / sha[:2] / sha[2:]
    path.unlink()
    assert repo.write_object("blob", b"kept") == sha and path.is_file()
    assert git(store.path, "cat-file", "-p", sha) == "kept"


def test_a_tree_written_otherwise_is_formatted_not_patched(store: Store) -> None:
    from sop_store.repo import format_tree

    repo = store.git.repo
    blob = repo.write_object("blob", b"x")
    names = [f"f{n:03d}" for n in range(150)]
    # Modes with a leading zero (git accepts them when reading): patching would keep them.
    raw = b"".join(b"0100644 %s\0%s" % (n.encode(), bytes.fromhex(blob)) for n in names)
    odd = repo.objects.write("tree", raw)
    entries = dict(repo.read_tree(odd))
    other = repo.write_object("blob", b"y")
    entries["f007"] = (entries["f007"][0], other)
    written = repo.write_tree(entries, in_order=True, base=odd, changed=["f007"])
    assert written == object_id("tree", format_tree(entries.items())[0])


def test_a_record_file_edited_by_plain_git_is_encoded_whole(store: Store) -> None:
    store.sops.add([sop("AB-01")], by=ACTOR)
    # An extra list before "withdrawn": the file still ends as soplib writes one.
    edited = store.snapshot().read("sops/AB-01.json").replace(b', "withdrawn"', b', "x": [{}], "withdrawn"')
    forged = git_commit_file(store.path, "sops/AB-01.json", edited.decode())
    with Store.open(store.path) as reopened:
        update = reopened.sops.update(sop("AB-01", "Baru"), by=ACTOR, message="x", base=1)
        on_disk = json.loads(reopened.snapshot().read("sops/AB-01.json"))
        assert [v["version"] for v in on_disk["versions"]] == [1, 2] and "x" not in on_disk
        assert reopened.sops.update(sop("AB-01", "Lagi"), by=ACTOR, message="y", base=2).version == 3
        # verify names the plain-git commit, and not the soplib commits written on top of it.
        subjects = [f"{f.subject} {f.message}" for f in reopened.audit.verify().findings]
        assert any(forged[:10] in text for text in subjects), subjects
        assert not any(update.commit[:10] in text for text in subjects), subjects


def test_what_add_and_update_return_is_what_get_reads_back(store: Store) -> None:
    (added,) = store.sops.add([sop("AB-01")], by=ACTOR, message="awal", effective=date(2026, 1, 2))
    assert added == store.sops.get("AB-01", version=1)
    updated = store.sops.update(sop("AB-01", "Baru"), by="budi", message="judul", base=1, editorial="ejaan")
    reopened = Store.open(store.path)
    assert updated == reopened.sops.get("AB-01") and updated.commit == reopened.head()
    assert reopened.sops.record("AB-01").latest.meta["editorial"] == {"reason": "ejaan", "by": "budi"}
    assert updated.record.editorial == {"reason": "ejaan", "by": "budi"}
    reopened.close()


def test_many_new_sops_are_tagged_in_packed_refs_all_or_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sop_store.refs import Refs
    from sop_store.store import BULK_TAGS

    git = ["git", "--git-dir", str(store.path)]
    texts = [MINIMAL.format(id=f"KPU-BULK-{n:03d}", title=f"Bulk {n}") for n in range(BULK_TAGS + 8)]
    added = store.sops.add(texts, by=ACTOR)
    # One packed-refs write, not a file (and folder) per tag; git reads them as any tag.
    packed = (store.path / "packed-refs").read_text()
    assert all(f"{added[0].commit} refs/tags/sop/{v.id}/v1\n" in packed for v in added)
    assert not (store.path / "refs" / "tags" / "sop" / "KPU-BULK-000").exists()
    listed = subprocess.run([*git, "tag", "-l", "sop/KPU-BULK-*"], capture_output=True, text=True, check=True)
    assert len(listed.stdout.split()) == len(texts)
    assert store.audit.verify().ok
    # The branch that cannot move: the commit is not published, and none of its tags stay behind.
    real = Refs.update

    def refuse(self: Refs, name: str, new: str, *, old: str | None) -> None:
        if name == "refs/heads/main":
            raise StoreError("cannot write {ref}: {reason}", ref=name, reason="disk full")
        real(self, name, new, old=old)

    monkeypatch.setattr(Refs, "update", refuse)
    more = [MINIMAL.format(id=f"KPU-MORE-{n:03d}", title=f"More {n}") for n in range(BULK_TAGS + 1)]
    head = store.head()
    with pytest.raises(StoreError, match="disk full"):
        store.sops.add(more, by=ACTOR)
    monkeypatch.setattr(Refs, "update", real)
    assert store.head() == head and "KPU-MORE" not in (store.path / "packed-refs").read_text()
    assert store.audit.verify().ok
