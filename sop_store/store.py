"""The git store: snapshots to read, transactions to write, one commit each.

A store is a bare git repository whose ``main`` branch holds every record as
files. A :class:`Snapshot` reads the tree of one commit. A :class:`Transaction`
is a snapshot plus staged changes; leaving its ``with`` block without an error
writes them as exactly one commit, under the store lock, moving ``main`` by
compare-and-swap and then creating the tags it asked for. An error inside the
block writes nothing.

    >>> with GitStore.open(path) as store, store.transaction(by="ani", subject="x") as tx:
    ...     tx.write("notes/a.txt", b"hello")
"""

from __future__ import annotations

import json
import logging
import os
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sop_store import signing
from sop_store.errors import InvalidInputError, NotFoundError, StoreError
from sop_store.gitrepo import BRANCH, MODE_BLOB, MODE_TREE, GitRepo, TreeEntries, object_id
from sop_store.ids import validate_name, validate_path
from sop_store.lock import StoreLock

log = logging.getLogger(__name__)

MARKER = "soplib-store.json"
FORMAT = 1
TAG_TRAILER = "Sop-Tag"
# The store lock, in the git dir; also the journal of the writer holding it (sop_store/lock.py).
LOCK_FILE = "soplib.lock"


def iso(ts: int) -> str:
    """A Unix time as an ISO-8601 UTC string (``2026-11-27T08:00:00Z``)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def one_line(text: str) -> str:
    """``text`` as one clean line of a commit message.

    Line breaks (any of them) and other control characters become spaces, runs
    of spaces one space; a lone surrogate (undecodable input) becomes ``?``.
    A user's title can then neither add a paragraph that passes for trailers
    nor put a NUL into the commit object, which ``git fsck`` rejects.
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join("".join(" " if _is_control(ch) else ch for ch in text).split())


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def parse_trailers(message: str) -> list[tuple[str, str]]:
    """The ``Key: value`` trailers of a commit message's last paragraph."""
    last = message.rstrip("\n").rsplit("\n\n", 1)[-1]
    out = []
    for line in last.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.replace("-", "").isalnum():
            out.append((key, value))
    return out


class Snapshot:
    """The store's files as they are in one commit (read-only)."""

    def __init__(self, repo: GitRepo, commit: str | None) -> None:
        self.repo = repo
        self.commit = commit
        self.root: str | None = None
        if commit is not None:
            tree = repo.read_commit(commit)["tree"]
            assert isinstance(tree, str)
            self.root = tree

    def _entry(self, path: str) -> tuple[int, str] | None:
        if self.root is None:
            return None
        tree = self.root
        parts = path.split("/")
        for i, part in enumerate(parts):
            entry = self.repo.read_tree(tree).get(part)
            if entry is None:
                return None
            if i == len(parts) - 1:
                return entry
            if entry[0] != MODE_TREE:
                return None
            tree = entry[1]
        return None

    def blob_id(self, path: str) -> str | None:
        """The object id of the file at ``path``, or None."""
        entry = self._entry(path)
        return entry[1] if entry and entry[0] != MODE_TREE else None

    def exists(self, path: str) -> bool:
        return self.blob_id(path) is not None

    def read(self, path: str) -> bytes:
        """The bytes of the file at ``path``; :class:`NotFoundError` if absent."""
        sha = self.blob_id(path)
        if sha is None:
            raise NotFoundError(f"no file {path} in the store")
        return self.repo.read_blob(sha)

    def read_json(self, path: str) -> object:
        """The JSON file at ``path``; :class:`StoreError` if it is not valid JSON."""
        try:
            return json.loads(self.read(path))
        except ValueError as exc:
            raise StoreError(f"{path} in the store is not valid JSON ({exc}); the store is damaged") from exc

    def list(self, directory: str) -> list[str]:
        """Names directly inside ``directory`` (sorted), or [] if there is none."""
        if directory in ("", "."):
            entry: tuple[int, str] | None = (MODE_TREE, self.root) if self.root else None
        else:
            entry = self._entry(directory)
        if entry is None or entry[0] != MODE_TREE:
            return []
        return sorted(self.repo.read_tree(entry[1]))


class Transaction(Snapshot):
    """A snapshot with staged writes; committed by :meth:`GitStore.transaction`."""

    def __init__(self, repo: GitRepo, commit: str | None, *, by: str, subject: str) -> None:
        super().__init__(repo, commit)
        self.by = validate_name(by, what="actor id (--by)")
        self.subject = subject
        self.body = ""
        self.now = int(time.time())
        self.trailers: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.committed: str | None = None  # the commit made, once the block has succeeded
        self._staged: dict[str, bytes | None] = {}

    @property
    def now_iso(self) -> str:
        return iso(self.now)

    def write(self, path: str, data: bytes) -> None:
        """Stage ``data`` as the new content of ``path``."""
        self._staged[validate_path(path)] = data

    def write_json(self, path: str, value: object) -> bytes:
        """Stage ``value`` as JSON (sorted keys, UTF-8) at ``path``; the bytes staged."""
        data = (json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n").encode()
        self.write(path, data)
        return data

    def delete(self, path: str) -> None:
        self._staged[validate_path(path)] = None

    def trailer(self, key: str, value: str) -> None:
        """Add a ``Key: value`` line to the commit message (one line, always)."""
        self.trailers.append((key, one_line(value)))

    def tag(self, name: str) -> None:
        """Create ``refs/tags/<name>`` at the commit this transaction makes."""
        if self.repo.read_ref(f"refs/tags/{name}") is not None or name in self.tags:
            raise StoreError(f"tag {name} already exists; the store is inconsistent, run `sop audit verify`")
        self.tags.append(name)
        self.trailer(TAG_TRAILER, name)

    @property
    def has_changes(self) -> bool:
        return bool(self._staged)

    # Reads see staged writes.
    def blob_id(self, path: str) -> str | None:
        if path in self._staged:
            data = self._staged[path]
            return None if data is None else object_id("blob", data)
        return super().blob_id(path)

    def read(self, path: str) -> bytes:
        if path in self._staged:
            data = self._staged[path]
            if data is None:
                raise NotFoundError(f"no file {path} in the store")
            return data
        return super().read(path)

    def list(self, directory: str) -> list[str]:
        names = set(super().list(directory))
        prefix = "" if directory in ("", ".") else directory.rstrip("/") + "/"
        for path, data in self._staged.items():
            if path.startswith(prefix):
                name, _, rest = path[len(prefix) :].partition("/")
                if data is not None:
                    names.add(name)
                elif not rest:
                    names.discard(name)
        return sorted(names)

    def message(self) -> str:
        text = one_line(self.subject) or "soplib change"
        body = "\n".join(one_line(line) for line in self.body.strip().split("\n"))
        if body.strip():
            text += "\n\n" + body.strip()
        trailers = [("Sop-Actor", self.by), *self.trailers]
        return text + "\n\n" + "\n".join(f"{k}: {v}" for k, v in trailers) + "\n"

    def build_tree(self) -> str:
        root = self._apply(self.root, self._staged)
        if root is None:
            return self.repo.write_tree({})
        return root

    def _apply(self, tree: str | None, changes: dict[str, bytes | None]) -> str | None:
        entries: TreeEntries = dict(self.repo.read_tree(tree)) if tree else {}
        in_order = True  # stays true while only existing entries of the same kind change

        def put(name: str, mode: int, sha: str) -> None:
            nonlocal in_order
            old = entries.get(name)
            in_order = in_order and old is not None and old[0] == mode
            entries[name] = (mode, sha)

        nested: dict[str, dict[str, bytes | None]] = {}
        for path, data in changes.items():
            head, sep, rest = path.partition("/")
            if sep:
                nested.setdefault(head, {})[rest] = data
            elif data is None:
                entries.pop(head, None)
            else:
                put(head, MODE_BLOB, self.repo.write_object("blob", data))
        for name, sub in nested.items():
            old = entries.get(name)
            sub_tree = self._apply(old[1] if old and old[0] == MODE_TREE else None, sub)
            if sub_tree is None:
                entries.pop(name, None)
            else:
                put(name, MODE_TREE, sub_tree)
        if not entries:
            return None
        return self.repo.write_tree(entries, in_order=in_order)


def _safe_tag(name: object) -> bool:
    # The journal is a file in the store: a tag name read from it must not lead
    # outside refs/tags/ before anything is deleted in its name.
    try:
        return isinstance(name, str) and bool(validate_path(name))
    except InvalidInputError:
        return False


class GitStore:
    """A soplib store: a bare git repository with a ``main`` branch."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.path = repo.git_dir
        self._lock = StoreLock(self.path / LOCK_FILE)
        self.signing = signing.load(self.path)

    @classmethod
    def init(cls, path: Path | str) -> GitStore:
        """Create a new, empty store at ``path`` (which must not hold anything yet)."""
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise InvalidInputError(f"{path} already exists and is not empty; choose a new folder")
        store = cls(GitRepo.init_bare(path))
        with store.transaction(by="soplib", subject="Create soplib store") as tx:
            tx.write_json(MARKER, {"format": FORMAT, "created": tx.now_iso})
            tx.trailer("Sop-Action", "init")
        return store

    @classmethod
    def open(cls, path: Path | str) -> GitStore:
        """Open an existing store; :class:`NotFoundError` if ``path`` is not one."""
        path = Path(path)
        if not (path / "HEAD").is_file():
            raise NotFoundError(f"no soplib store at {path}; create one with `sop init` or pass --store")
        store = cls(GitRepo(path))
        try:
            store.recover()
            if not store.snapshot().exists(MARKER):
                raise NotFoundError(f"{path} is a git repository but not a soplib store (no {MARKER})")
        except BaseException:
            store.close()  # a damaged store must not keep GitPython's helper process
            raise
        return store

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> GitStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def head(self) -> str | None:
        """The commit ``main`` points to."""
        return self.repo.read_ref(BRANCH)

    def snapshot(self, commit: str | None = None) -> Snapshot:
        """Read the store as of ``commit`` (default: the head of ``main``)."""
        return Snapshot(self.repo, commit if commit is not None else self.head())

    @contextmanager
    def transaction(self, *, by: str, subject: str) -> Iterator[Transaction]:
        """Stage changes in the ``with`` block; on success they become one commit."""
        with self._lock:
            if self._lock.left:
                try:
                    self._recover(self._lock.left)
                except OSError as exc:
                    raise StoreError(f"cannot clear what a killed writer left: {exc}") from exc
            tx = Transaction(self.repo, self.head(), by=by, subject=subject)
            yield tx
            if tx.has_changes:
                tx.committed = self._commit(tx)
                # Housekeeping git's own commands do (`gc --auto`), amortised: one
                # folder listed per commit, a pack every ~6,700 loose objects. Done
                # holding the lock, so two writers never pack at once.
                if self.repo.too_many_loose():
                    self.repo.pack_loose(tx.committed)

    def _commit(self, tx: Transaction) -> str:
        # The journal names our pid first: the temporary object files carry it.
        self._lock.note(json.dumps({"pid": os.getpid()}).encode())
        tree = tx.build_tree()
        commit = self.repo.write_commit(
            tree=tree,
            parents=[tx.commit] if tx.commit else [],
            author=tx.by,
            email=f"{tx.by}@sop.invalid",
            when=tx.now,
            message=tx.message(),
            signer=self.signing.signer() if self.signing and self.signing.sign_commits else None,
        )
        self._lock.note(json.dumps({"pid": os.getpid(), "commit": commit, "tags": tx.tags}).encode())
        # Tags first, the branch last: moving the branch is the one step that
        # publishes the commit, so a failure (disk full) or a kill before it
        # leaves the store as it was, once the tags made for nothing are gone.
        made: list[str] = []
        try:
            for name in tx.tags:
                self.repo.update_ref(f"refs/tags/{name}", commit, old=None)
                made.append(name)
            self.repo.update_ref(BRANCH, commit, old=tx.commit)
        except BaseException:
            for name in made:
                self.repo.delete_ref(f"refs/tags/{name}")
            raise
        log.debug("committed %s: %s", commit, tx.subject)
        return commit

    def _recover(self, left: bytes) -> None:
        """Clear what a writer killed mid-commit left, from the journal it left in the lock file.

        Runs under the store lock, before anything else is read. The commit it was
        writing either made it onto ``main`` (then its tags did too: they are
        written first) or did not (then its tags are deleted, so the store is as
        it was). Its temporary object files and its ``.lock`` files go either way.
        Objects it wrote but never published stay, unreachable, as git leaves them.
        """
        try:
            record = json.loads(left.split(b"\n", 1)[0])
        except ValueError:
            record = None
        if not isinstance(record, dict):
            log.warning("ignoring an unreadable store journal: %r", left[:200])
            return
        pid, commit, tags = record.get("pid"), record.get("commit"), record.get("tags", [])
        if isinstance(pid, int):
            removed = self.repo.remove_temp_objects(pid)
            if removed:
                log.warning("removed %d temporary object files of a killed writer (pid %d)", removed, pid)
        if not isinstance(commit, str) or not isinstance(tags, list):
            return
        refs = [BRANCH, *(f"refs/tags/{name}" for name in tags if _safe_tag(name))]
        for ref in refs:
            if self.repo.remove_ref_lock(ref, commit):
                log.warning("removed %s.lock left by a killed writer", ref)
        if self.head() != commit:
            for ref in refs[1:]:
                if self.repo.read_ref(ref) == commit:
                    log.warning("deleting %s: its commit %s was never published", ref, commit)
                    self.repo.delete_ref(ref)

    def recover(self) -> bool:
        """Clear a killed writer's debris now if there is any and no writer is busy; True if done.

        Writers do this themselves; :meth:`open` calls it so that readers (``sop
        audit verify`` right after a crash) see the store as the next writer would.
        A store that cannot be locked (read-only) is left as it is.
        """
        try:
            if not (self.path / LOCK_FILE).stat().st_size:
                return False
            if not self._lock.acquire(wait=False):
                return False  # the holder is alive and will finish its own commit
        except (OSError, StoreError):
            return False
        try:
            if self._lock.left:
                self._recover(self._lock.left)
                return True
            return False
        except OSError as exc:
            log.warning("could not clear what a killed writer left: %s", exc)
            return False
        finally:
            self._lock.release()
