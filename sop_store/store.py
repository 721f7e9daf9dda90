"""The git store: snapshots to read, transactions to write, one commit each.

A store is a bare git repository whose ``main`` branch holds every record as
files. A :class:`~sop_store.snapshot.Snapshot` reads the tree of one commit. A
:class:`~sop_store.snapshot.Transaction` is a snapshot plus staged changes;
leaving :meth:`GitStore.transaction`'s ``with`` block without an error writes
them as exactly one commit, under the store lock, moving ``main`` by
compare-and-swap and then creating the tags it asked for. An error inside the
block writes nothing.

    >>> with GitStore.open(path) as store, store.transaction(author="ani", message=...) as tx:
    ...     tx.write("notes/a.txt", b"hello")
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sop_store.commit import Person
from sop_store.errors import ConflictError, InvalidInputError, Phrase, StoreError
from sop_store.ids import validate_name, validate_path
from sop_store.lock import StoreLock
from sop_store.logs import get_logger
from sop_store.packing import pack_loose, too_many_loose
from sop_store.refs import BRANCH
from sop_store.repo import Repository
from sop_store.snapshot import Snapshot, Transaction

log = get_logger(__name__)

# The store lock, in the git dir; also the journal of the writer holding it (sop_store/lock.py).
LOCK_FILE = "soplib.lock"
# How long opening a store waits for the lock a dead writer's child still holds
# (it lets go when it execs or dies, within milliseconds).
RECOVER_WAIT = 5.0
# A commit making more tags than this writes them into packed-refs at once (a ref file each costs a
# lock file, a rename and often a folder: 500 new SOPs took longer to tag than to write).
BULK_TAGS = 32

# Takes the commit payload, returns the armoured signature.
Signer = Callable[[bytes], str]
# Turns a transaction into its commit message (the caller's format).
MessageFormat = Callable[[Transaction], str]


def _safe_tag(name: object) -> bool:
    # The journal is a file in the store: a tag name read from it must not lead
    # outside refs/tags/ before anything is deleted in its name.
    try:
        return isinstance(name, str) and bool(validate_path(name))
    except InvalidInputError:
        return False


def _journal_pid(left: bytes) -> int | None:
    """The pid a journal's note names, or None (empty, cut short, forged)."""
    try:
        record = json.loads(left.split(b"\n", 1)[0])
    except ValueError:
        return None
    pid = record.get("pid") if isinstance(record, dict) else None
    return pid if type(pid) is int and pid > 0 else None  # not 0 or -1: kill() reads those as groups


def _is_alive(pid: int | None) -> bool:
    """Whether process ``pid`` exists (a zombie, or a reused pid, counts as alive)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # another user's process
    except (OSError, OverflowError):
        return False
    return True


class GitStore:
    """A store: a bare git repository with a ``main`` branch, written one commit at a time."""

    def __init__(self, repo: Repository, *, committer: tuple[str, str]) -> None:
        self.repo = repo
        self.path = repo.git_dir
        self.committer = committer
        self.signer: Signer | None = None
        self._lock = StoreLock(self.path / LOCK_FILE)

    @classmethod
    def init(cls, path: Path | str, *, committer: tuple[str, str]) -> GitStore:
        """Create a new, empty repository at ``path`` (which must not hold anything yet)."""
        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise InvalidInputError("{path} already exists and is not empty; choose a new folder", path=path)
        return cls(Repository.init_bare(path), committer=committer)

    @classmethod
    def open(cls, path: Path | str, *, committer: tuple[str, str]) -> GitStore:
        """Open an existing repository and clear what a killed writer left, if anything."""
        store = cls(Repository(Path(path)), committer=committer)
        try:
            store.recover()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self.repo.close()

    def __enter__(self) -> GitStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def head(self) -> str | None:
        """The commit ``main`` points to."""
        return self.repo.head()

    def snapshot(self, commit: str | None = None) -> Snapshot:
        """Read the store as of ``commit`` (default: the head of ``main``)."""
        return Snapshot(self.repo, commit if commit is not None else self.head())

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store lock (clearing what a killed writer left) for ref changes outside a commit."""
        with self._lock:
            self._recover_left()
            yield

    @contextmanager
    def transaction(
        self,
        *,
        author: str,
        at: datetime | None = None,
        committed_at: datetime | None = None,
        message: MessageFormat,
        merge: tuple[str, str] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> Iterator[Transaction]:
        """Stage changes in the ``with`` block; on success they become one commit.

        ``message(tx)`` gives the commit message once the block has staged
        everything. ``at`` is the author time, the moment the change was made;
        by default ``now()`` (default: the system clock) read once the lock is
        held, so a writer that waited for another never dates its commit before
        its parent. ``committed_at`` (default: ``at``) is the moment it entered
        this history, later for a change carried over from another clone.
        ``merge=(base, head)``: a merge commit whose first parent is ``base``
        (the transaction starts from its files) and second parent the current
        head, which must still be ``head`` under the lock.
        """
        validate_name(author, what=Phrase("actor id"))
        with self._lock:
            self._recover_left()
            head = self.head()
            if merge is not None and merge[1] != head:
                raise ConflictError(
                    "main moved while integrating (expected {old}, found {new}); try again",
                    old=merge[1],
                    new=head,
                )
            moment = at or (now() if now is not None else datetime.now(UTC))
            tx = Transaction(self.repo, merge[0] if merge else head, author=author, at=moment)
            yield tx
            if tx.has_changes or merge is not None:
                when = int((committed_at or tx.at).timestamp())
                parents = [merge[0], head] if merge and head else ([tx.commit] if tx.commit else [])
                tx.committed = self._commit(tx, message(tx), when, parents=parents, expected=head)
                # Housekeeping git's own commands do (`gc --auto`), amortised: one
                # folder listed per commit, a pack every ~6,700 loose objects. Done
                # holding the lock, so two writers never pack at once.
                if too_many_loose(self.repo):
                    pack_loose(self.repo, tx.committed)

    def _commit(
        self, tx: Transaction, message: str, when: int, *, parents: list[str], expected: str | None
    ) -> str:
        # The journal names our pid first: the temporary object files carry it.
        self._lock.note(json.dumps({"pid": os.getpid()}).encode())
        tree = tx.build_tree()
        name, email = self.committer
        author = Person(tx.author, f"{tx.author}@sop.invalid", tx.timestamp)
        committer = Person(name, email, when)
        signature = None
        if self.signer is not None:
            from sop_store.commit import format_commit

            payload = format_commit(
                tree=tree, parents=parents, author=author, committer=committer, message=message
            )
            signature = self.signer(payload)
        commit = self.repo.write_commit(
            tree=tree,
            parents=parents,
            author=author,
            committer=committer,
            message=message,
            signature=signature,
        )
        self.repo.objects.flush()  # a batch's objects (one pack) before any ref names them
        self._lock.note(json.dumps({"pid": os.getpid(), "commit": commit, "tags": tx.tags}).encode())
        # Tags first, the branch last: moving the branch is the one step that
        # publishes the commit, so a failure (disk full) or a kill before it
        # leaves the store as it was, once the tags made for nothing are gone.
        made: list[str] = []
        try:
            if len(tx.tags) > BULK_TAGS:  # hundreds of new SOPs at once: one packed-refs write, as git clone
                self.repo.refs.pack_new({f"refs/tags/{tag}": commit for tag in tx.tags})
                made = list(tx.tags)
            for tag in tx.tags if not made else ():
                self.repo.refs.update(f"refs/tags/{tag}", commit, old=None)
                made.append(tag)
            self.repo.refs.update(BRANCH, commit, old=expected)
        except BaseException:
            self.repo.refs.delete_many([f"refs/tags/{tag}" for tag in made])
            raise
        log.debug("committed %s", commit)
        return commit

    def _recover_left(self) -> None:
        """Under the lock: clear what the previous holder's journal names, or raise and keep it."""
        if not self._lock.left:
            return
        try:
            self._recover(self._lock.left)
        except (OSError, StoreError) as exc:
            # Refs wraps an OSError in a StoreError; either way the journal stays
            # (no cleared()) for the next holder to try again.
            raise StoreError("cannot clear what a killed writer left: {reason}", reason=exc) from exc
        self._lock.cleared()

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
            removed = self.repo.objects.remove_temp_objects(pid)
            if removed:
                log.warning("removed %d temporary object files of a killed writer (pid %d)", removed, pid)
        if not isinstance(commit, str) or not isinstance(tags, list):
            return
        refs = [BRANCH, *(f"refs/tags/{name}" for name in tags if _safe_tag(name))]
        for ref in refs:
            if self.repo.refs.remove_lock(ref, commit):
                log.warning("removed %s.lock left by a killed writer", ref)
        if self.head() != commit:
            stale = [ref for ref in refs[1:] if self.repo.refs.read(ref) == commit]
            if stale:
                log.warning("deleting %d tags of commit %s, never published", len(stale), commit)
                self.repo.refs.delete_many(stale)

    def recover(self) -> bool:
        """Clear a killed writer's debris now if there is any and no writer is busy; True if done.

        Writers do this themselves; :meth:`open` calls it so that readers (an
        audit right after a crash) see the store as the next writer would. A store
        that cannot be locked (read-only) is left as it is, and so is one whose
        journal names a live writer; one whose writer is dead is waited for (up to
        :data:`RECOVER_WAIT`), since a child it forked may hold the lock.
        """
        journal = self.path / LOCK_FILE
        try:
            if not journal.stat().st_size:
                return False
            if not self._lock.acquire(wait=False):
                # A live writer finishes its own commit. But the lock belongs to the
                # open file, which fork copies into a child starting a program (git,
                # ssh-keygen) until it execs: a writer killed right then leaves the
                # lock held for a moment by its child. If the journal's writer is dead,
                # wait for the lock, as the next writer would.
                if _is_alive(_journal_pid(journal.read_bytes())):
                    return False
                self._lock.acquire(timeout=RECOVER_WAIT)
        except (OSError, StoreError):
            return False
        try:
            if self._lock.left:
                self._recover(self._lock.left)
                self._lock.cleared()
                return True
            return False
        except (OSError, StoreError) as exc:
            log.warning("could not clear what a killed writer left: %s", exc)
            return False
        finally:
            self._lock.release()
