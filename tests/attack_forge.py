"""The red team's forging tools (issue 10): git plumbing on real stores, as an insider would use it.

Commits that look like soplib's are written with `git hash-object`, `mktree`
and `update-ref` (never through soplib's code): message, trailers and author
copied from a real soplib commit, soplib's committer. For stores whose config
must not be trusted even by the test, objects are read and written in-process
(loose objects: zlib and a file each). The acknowledgement chain is recomputed
the way anyone who reads soplib's source could.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attack_kit import clean_env, run, sop

SOPLIB_COMMITTER = ("soplib", "soplib@sop.invalid")
ZERO_HASH = "0" * 64

# -- git plumbing, as an insider would use it ----------------------------------------------------


_SCRATCH = Path(tempfile.mkdtemp(prefix="soplib-attack-"))  # removed when the test process ends
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
_NO_CONFIG = _SCRATCH / "empty.gitconfig"
_NO_CONFIG.touch()


def git_env(**extra: str) -> dict[str, str]:
    """git for the attacker's own plumbing: no user or system config of this machine.

    An empty file of our own, not /dev/null: a `git config --global` run by anyone
    with GIT_CONFIG_GLOBAL=/dev/null would replace the device by a file.
    """
    return clean_env(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=str(_NO_CONFIG), **extra)


def git(
    store: Path, *args: str, input: bytes | str | None = None, env: Mapping[str, str] | None = None
) -> str:
    """``git --git-dir STORE ARGS``; its stdout (stripped); the call must succeed."""
    data = input.encode() if isinstance(input, str) else input
    done = run(["git", "--git-dir", str(store), *args], env=env or git_env(), input=data, timeout=120)
    assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
    return done.stdout.decode("utf-8", "surrogateescape").strip()


def git_bytes(store: Path, *args: str) -> bytes:
    done = run(["git", "--git-dir", str(store), *args], env=git_env(), timeout=120)
    assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
    return done.stdout


def head(store: Path) -> str:
    return git(store, "rev-parse", "--verify", "refs/heads/main^{commit}")


def files(store: Path, commit: str = "main") -> dict[str, str]:
    """Every file of ``commit``'s tree: path -> blob id."""
    out = git_bytes(store, "ls-tree", "-r", "-z", "--full-tree", commit)
    found = {}
    for entry in out.split(b"\0"):
        if entry:
            meta, _, path = entry.partition(b"\t")
            found[path.decode()] = meta.split()[2].decode()
    return found


def read(store: Path, path: str, commit: str = "main") -> bytes:
    return git_bytes(store, "cat-file", "blob", f"{commit}:{path}")


def read_json(store: Path, path: str, commit: str = "main") -> Any:
    return json.loads(read(store, path, commit))


def dump(value: Any) -> bytes:
    """JSON as soplib writes its records (sorted keys, UTF-8, one line)."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode()


def raw_commit(store: Path, commit: str) -> bytes:
    return git_bytes(store, "cat-file", "commit", commit)


def message_of(store: Path, commit: str) -> str:
    """The full message (subject, body, trailers) of ``commit``."""
    return raw_commit(store, commit).split(b"\n\n", 1)[1].decode()


def author_of(store: Path, commit: str) -> tuple[str, str]:
    line = next(x for x in raw_commit(store, commit).decode().splitlines() if x.startswith("author "))
    name, _, rest = line[len("author ") :].partition(" <")
    return name, rest.split(">", 1)[0]


def commits(store: Path, rev: str = "main") -> list[str]:
    """The first-parent history of ``rev``, oldest first."""
    return git(store, "rev-list", "--first-parent", "--reverse", rev).split()


def last_commit(store: Path, *, action: str | None = None, text: str | None = None, rev: str = "main") -> str:
    """The newest commit whose message has ``Sop-Action: <action>`` (and contains ``text``)."""
    for sha in reversed(commits(store, rev)):
        message = message_of(store, sha)
        if (action is None or f"\nSop-Action: {action}\n" in message + "\n") and (
            text is None or text in message
        ):
            return sha
    raise AssertionError(f"no commit with action {action!r} and text {text!r}")


def write_tree(store: Path, tree_files: Mapping[str, str]) -> str:
    """A tree object holding exactly ``tree_files`` (path -> blob id), written with ``git mktree``."""
    folders: dict[str, dict[str, tuple[str, str]]] = {"": {}}
    for path in tree_files:
        parts = path.split("/")
        for i in range(1, len(parts)):
            folders.setdefault("/".join(parts[:i]), {})
    for path, blob in tree_files.items():
        parent, _, name = path.rpartition("/")
        folders[parent][name] = ("100644 blob", blob)
    ids: dict[str, str] = {}
    for folder in sorted(folders, key=lambda f: -f.count("/") - (1 if f else 0)):
        entries = dict(folders[folder])
        for sub, sha in ids.items():
            parent, _, name = sub.rpartition("/")
            if parent == folder and sub:
                entries[name] = ("040000 tree", sha)
        listing = "".join(f"{mode} {sha}\t{name}\n" for name, (mode, sha) in sorted(entries.items()))
        ids[folder] = git(store, "mktree", input=listing)
    return ids[""]


def blob(store: Path, data: bytes) -> str:
    return git(store, "hash-object", "-w", "-t", "blob", "--stdin", input=data)


def make_commit(
    store: Path,
    tree: str,
    parents: Iterable[str],
    message: str,
    *,
    author: tuple[str, str] = ("ani.pratiwi", "ani.pratiwi@sop.invalid"),
    when: int | None = None,
    committer: tuple[str, str] = SOPLIB_COMMITTER,
    committer_when: int | None = None,
    gpgsig: str | None = None,
) -> str:
    """Write a commit object by hand (``git hash-object -t commit``): no hook, no config, no signing."""
    t = int(time.time()) if when is None else when
    ct = t if committer_when is None else committer_when
    lines = [f"tree {tree}", *(f"parent {p}" for p in parents)]
    lines.append(f"author {author[0]} <{author[1]}> {t} +0000")
    lines.append(f"committer {committer[0]} <{committer[1]}> {ct} +0000")
    if gpgsig is not None:
        lines.append("gpgsig " + "\n ".join(gpgsig.rstrip("\n").split("\n")))
    body = "\n".join(lines) + "\n\n" + message
    return git(store, "hash-object", "-w", "-t", "commit", "--stdin", input=body)


def forge(
    store: Path,
    changes: Mapping[str, bytes | None],
    *,
    like: str,
    parent: str | None = None,
    when: int | None = None,
    message: str | None = None,
    move: bool = True,
) -> str:
    """A soplib-looking commit on ``main`` that applies ``changes`` (path -> bytes, None deletes).

    Message, trailers and author are copied from commit ``like`` (unless ``message``
    is given), the committer is soplib's; ``main`` moves by compare-and-swap.
    """
    base = parent or head(store)
    tree = _changed_tree(store, base, changes)
    sha = make_commit(
        store,
        tree,
        [base],
        message if message is not None else message_of(store, like),
        author=author_of(store, like),
        when=when,
    )
    if move:
        git(store, "update-ref", "refs/heads/main", sha, base)
    return sha


def _changed_tree(store: Path, commit: str, changes: Mapping[str, bytes | None]) -> str:
    """The tree of ``commit`` with ``changes`` applied (path -> bytes, None deletes)."""
    tree_files = files(store, commit)
    for path, data in changes.items():
        if data is None:
            assert path in tree_files, f"{path} is not in the store"
            del tree_files[path]
        else:
            tree_files[path] = blob(store, data)
    return write_tree(store, tree_files)


def _rewritten(store: Path, commit: str, tree: str, parent: str, committer_when: int | None) -> str:
    """``commit`` byte for byte (author line with its time, message, trailers) on another tree and parent."""
    header, _, body = raw_commit(store, commit).partition(b"\n\n")
    kept = (b"author ",) if committer_when is not None else (b"author ", b"committer ")
    lines = [b"tree " + tree.encode(), b"parent " + parent.encode()]
    lines += [line for line in header.split(b"\n") if line.startswith(kept)]
    if committer_when is not None:
        name, email = SOPLIB_COMMITTER
        lines.append(f"committer {name} <{email}> {committer_when} +0000".encode())
    data = b"\n".join(lines) + b"\n\n" + body
    return git(store, "hash-object", "-w", "-t", "commit", "--stdin", input=data)


def amend(store: Path, changes: Mapping[str, bytes | None]) -> str:
    """The head commit again, its valid operation and message untouched, with ``changes`` in its tree.

    The strongest soplib-looking commit: its ``Sop-Op`` replays cleanly on its
    parent (soplib wrote it), so only the extra changes can give it away. Make
    the head with a real command first (one that creates no tag, e.g. ``sop ack``).
    """
    top = head(store)
    parent = git(store, "rev-parse", "--verify", f"{top}^1")
    sha = _rewritten(store, top, _changed_tree(store, top, changes), parent, None)
    git(store, "update-ref", "refs/heads/main", sha, top)
    return sha


def redo(store: Path, commit: str) -> tuple[str, bool]:
    """Commit ``commit`` again on top of ``main``: its message (a valid ``Sop-Op``) and author (with its
    time), and every file it changed as it left it; committed now, so no clock runs backwards.

    What an insider does to bring back an old state of records that exist (an approved session
    open again, an anchor's head, a chain head) with an operation soplib once wrote. Returns the
    new commit and whether its files differ from the head's at all.
    """
    top = head(store)
    before = files(store, f"{commit}^1") if git(store, "rev-list", "--count", commit) != "1" else {}
    after, tree_files = files(store, commit), files(store, top)
    for path in before.keys() | after.keys():
        if before.get(path) != after.get(path):
            if path in after:
                tree_files[path] = after[path]
            else:
                tree_files.pop(path, None)
    tree = write_tree(store, tree_files)
    now = max(int(time.time()), int(git(store, "log", "-1", "--format=%ct", top)))
    sha = _rewritten(store, commit, tree, top, now)
    git(store, "update-ref", "refs/heads/main", sha, top)
    return sha, tree != git(store, "rev-parse", f"{top}^{{tree}}")


def packed(store: Path) -> None:
    """Pack everything as `git gc` does (the state a long-lived store reaches)."""
    git(store, "gc", "-q", "--prune=now")
    assert not any(p for p in (store / "objects").glob("[0-9a-f][0-9a-f]/*")), "objects left loose"


# -- stores to attack ---------------------------------------------------------------------------------

_DEMO: dict[str, Path] = {}


def demo_store(target: Path) -> Path:
    """A copy of a full demo store (`sop demo`: reviews, staff, briefings, acknowledgements, an anchor).

    Built once per test process with the real CLI, then copied (a copy is a
    store of its own: bare repositories hold no absolute paths).
    """
    if "store" not in _DEMO:
        root = Path(tempfile.mkdtemp(prefix="demo-", dir=_SCRATCH))
        result = sop(None, "demo", "--dir", str(root / "demo"), cwd=root, timeout=300)
        assert result.code == 0, result.where
        _DEMO["store"] = root / "demo"
    shutil.copytree(_DEMO["store"], target, symlinks=True)
    return target


def session_id(store: Path) -> str:
    found = [
        p.split("/")[1] for p in files(store) if p.startswith("reviews/") and p.endswith("/session.json")
    ]
    return found[0]


def briefing_id(store: Path) -> str:
    return next(p.split("/")[1][:-5] for p in files(store) if p.startswith("briefings/"))


# -- the acknowledgement chain, recomputed as a forger would ---------------------------------------

ACK_FIELDS = ("seq", "staff", "sop", "version", "content_sha256", "how", "by", "at", "prev", "hash")


def ack_hash(fields: list[str]) -> str:
    """sha256 over a record's first nine fields (each record carries its own hash and the previous one's)."""
    return hashlib.sha256("\t".join(fields[:9]).encode()).hexdigest()


def ack_records(store: Path, commit: str = "main") -> dict[str, list[list[str]]]:
    """Every acknowledgement segment (``acks/<SOP>/v<N>/<n>.tsv``) of ``commit``: path -> its records."""
    return {
        path: [line.split("\t") for line in read(store, path, commit).decode().splitlines() if line]
        for path in files(store, commit)
        if path.startswith("acks/") and path.endswith(".tsv")
    }


def rechain(segments: Mapping[str, list[list[str]]]) -> dict[str, bytes]:
    """Segments, their ``.ids`` indexes and ``acks/chain.json`` after renumbering and rehashing everything.

    What a forger with soplib's source does to make an edited or shortened chain
    consistent again: sequence numbers 1..n in the old order, every ``prev`` and
    ``hash`` recomputed, the head rewritten.
    """
    ordered = sorted(((int(r[0]), path, i) for path, recs in segments.items() for i, r in enumerate(recs)))
    new = {path: [list(r) for r in recs] for path, recs in segments.items()}
    prev = ZERO_HASH
    for seq, (_, path, i) in enumerate(ordered, start=1):
        r = new[path][i]
        r[0], r[8] = str(seq), prev
        r[9] = ack_hash(r)
        prev = r[9]
    out: dict[str, bytes] = {}
    for path, recs in new.items():
        out[path] = "".join("\t".join(r) + "\n" for r in recs).encode()
        out[path[:-4] + ".ids"] = "".join(r[1] + "\n" for r in recs).encode()
    out["acks/chain.json"] = dump({"count": len(ordered), "last": prev})
    return out


# -- loose objects without git (for stores whose config must not be trusted by the test either) -------


def loose_read(store: Path, sha: str) -> tuple[str, bytes]:
    raw = zlib.decompress((store / "objects" / sha[:2] / sha[2:]).read_bytes())
    header, _, data = raw.partition(b"\0")
    return header.split(b" ")[0].decode(), data


def loose_write(store: Path, kind: str, data: bytes) -> str:
    raw = b"%s %d\0%s" % (kind.encode(), len(data), data)
    sha = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
    folder = store / "objects" / sha[:2]
    folder.mkdir(exist_ok=True)
    path = folder / sha[2:]
    if not path.exists():
        tmp = folder / f"tmp_attack_{os.getpid()}"
        tmp.write_bytes(zlib.compress(raw))
        tmp.chmod(0o444)
        tmp.replace(path)
    return sha


def many_loose_objects(store: Path, count: int = 8000) -> None:
    """As many loose objects as thousands of commits leave: the next write packs the store."""
    import random

    rng = random.Random(7)
    for _ in range(count):
        loose_write(store, "blob", rng.randbytes(32))


def loose_head(store: Path) -> str:
    return (store / "refs" / "heads" / "main").read_text().strip()


def loose_set_head(store: Path, sha: str) -> None:
    (store / "refs" / "heads" / "main").write_text(sha + "\n")


def only_changed(
    store: Path, changes: Mapping[str, bytes | None], commit: str = "main"
) -> dict[str, bytes | None]:
    """``changes`` without the files that would stay byte for byte as they are in ``commit``."""
    current = files(store, commit)
    return {
        path: data
        for path, data in changes.items()
        if (data is None and path in current) or (data is not None and current.get(path) != blob_id(data))
    }


def blob_id(data: bytes) -> str:
    """The id git gives ``data`` as a blob (computed, not written)."""
    return hashlib.sha1(b"blob %d\0%s" % (len(data), data), usedforsecurity=False).hexdigest()
