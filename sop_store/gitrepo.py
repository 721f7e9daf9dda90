"""The git object and ref layer: in-process object writes, compare-and-swap refs.

GitPython's index API costs ~26 ms a commit; writing the blob, tree and commit
objects straight into the object database and moving the branch ourselves costs
a few milliseconds. Loose objects are read and written in-process (one zlib
call and one file each, as git lays them out); objects git has packed are read
through GitPython's object database (a persistent ``git cat-file --batch``).
Trees and commits are parsed once and cached by id (they are immutable).

Refs are moved only by compare-and-swap: the caller says which commit it built
on, and the ref is rewritten through git's own ``<ref>.lock`` protocol only if it
still points there. Together with :class:`~sop_store.lock.StoreLock` this makes
lost updates impossible, even beside a plain ``git`` process.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import logging
import os
import signal
import subprocess
import time
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sop_store.errors import ConflictError, NotFoundError, StoreError
from sop_store.signing import Signer, add_signature

log = logging.getLogger(__name__)

MODE_BLOB = 0o100644
MODE_TREE = 0o040000
ZERO = "0" * 40
BRANCH = "refs/heads/main"

# git's own ``gc.auto`` default: pack once about this many objects are loose.
# Estimated, as git does, from one of the 256 fan-out folders (``objects/17``).
LOOSE_LIMIT = 6700
LOOSE_SAMPLE = "17"

# name -> (mode, hex id)
TreeEntries = dict[str, tuple[int, str]]


def _tree_sort_key(item: tuple[str, tuple[int, str]]) -> bytes:
    # git orders tree entries by name, comparing a directory as if it ended in "/".
    name, (mode, _) = item
    return name.encode() + (b"/" if mode == MODE_TREE else b"")


def object_id(kind: str, data: bytes) -> str:
    """The id git gives an object of ``kind`` with ``data`` (computed, not written)."""
    return hashlib.sha1(b"%s %d\0%s" % (kind.encode(), len(data), data), usedforsecurity=False).hexdigest()


def write_all(fd: int, data: bytes, offset: int | None = None) -> None:
    """Write all of ``data``: one ``write`` may write less (a file-size limit, a disk
    filling up) without an error; the next one then raises the error (EFBIG, ENOSPC).
    """
    view = memoryview(data)
    while view:
        done = os.write(fd, view) if offset is None else os.pwrite(fd, view, offset)
        view = view[done:]
        if offset is not None:
            offset += done


def _parse_tree(sha: str, data: bytes) -> TreeEntries:
    """The entries of a tree object: ``<octal mode> <name>\\0<20-byte id>`` repeated."""
    entries: TreeEntries = {}
    i = 0
    try:
        while i < len(data):
            space = data.index(b" ", i)
            nul = data.index(b"\0", space)
            name = data[space + 1 : nul].decode("utf-8", "surrogateescape")
            entries[name] = (int(data[i:space], 8), data[nul + 1 : nul + 21].hex())
            i = nul + 21
    except ValueError as exc:
        raise StoreError(f"tree {sha} is damaged ({exc}); `git fsck` says more") from exc
    return entries


def _level(kind: str, raw: bytes) -> int:
    # A big tree is mostly 20-byte ids, which do not compress (zlib saves ~40%
    # of the ``sops/`` tree at three times the cost of storing it): store it.
    # Loose objects are packed, and delta-compressed, after a few thousand.
    return 0 if kind == "tree" and len(raw) > 4096 else 1


def _die_with_parent() -> None:
    # Packing runs while the writer holds the store lock. If the writer is
    # killed, the kernel frees the lock at once; git must not go on repacking
    # beside the next writer, so it is killed with its parent (Linux's
    # PR_SET_PDEATHSIG; elsewhere it simply finishes, which git also allows).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


class GitRepo:
    """One git repository, bare, opened for soplib's reads and writes."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        if not (git_dir / "HEAD").is_file():
            raise NotFoundError(f"no git repository at {git_dir}")
        if not (git_dir / "objects").is_dir():
            raise StoreError(f"{git_dir} has no readable objects folder: the store is damaged")
        # GitPython is opened only when needed (packed objects, git commands):
        # importing it costs ~90 ms, a third of a cold `sop update`.
        self._repo: Any = None
        self._trees: OrderedDict[str, TreeEntries] = OrderedDict()
        self._commits: OrderedDict[str, dict[str, object]] = OrderedDict()
        self._entry_bytes: dict[tuple[str, tuple[int, str]], bytes] = {}
        self._objects = git_dir / "objects"

    # -- lifecycle -----------------------------------------------------------------

    @classmethod
    def init_bare(cls, path: Path) -> GitRepo:
        """Create a bare repository whose HEAD names ``main``."""
        import git

        try:
            git.Repo.init(path, bare=True, mkdir=True, initial_branch="main")
        except git.exc.GitError as exc:
            raise StoreError(f"cannot create a git repository at {path}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot create a git repository at {path}: {exc.strerror}") from exc
        return cls(path)

    def close(self) -> None:
        """Stop GitPython's helper processes and forget cached trees."""
        if self._repo is not None:
            self._repo.close()
            self._repo = None
        self._trees.clear()
        self._commits.clear()
        self._entry_bytes.clear()

    def _gitpython(self) -> Any:
        """GitPython's ``Repo`` for this repository, opened on first use."""
        if self._repo is None:
            import git

            try:
                self._repo = git.Repo(self.git_dir)
            except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError) as exc:
                raise NotFoundError(f"no git repository at {self.git_dir}") from exc
        return self._repo

    # -- objects -------------------------------------------------------------------

    def read_object(self, sha: str) -> tuple[str, bytes]:
        """Return (type, data) of an object."""
        loose = self._read_loose(sha)
        if loose is not None:
            return loose
        import git
        from gitdb.exc import BadObject

        try:
            stream = self._gitpython().odb.stream(bytes.fromhex(sha))
            return stream.type.decode(), stream.read()
        except (BadObject, ValueError, OSError, git.exc.GitError) as exc:
            raise StoreError(
                f"object {sha} is missing or unreadable in {self.git_dir}: the store is damaged "
                "(`git fsck` says more)"
            ) from exc

    def _read_loose(self, sha: str) -> tuple[str, bytes] | None:
        # ~20 µs against ~150 µs for a round trip through `git cat-file --batch`.
        # None when the object is not loose (packed by `git gc`, or missing).
        try:
            raw = zlib.decompress((self._objects / sha[:2] / sha[2:]).read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, zlib.error) as exc:
            raise StoreError(
                f"object {sha} in {self.git_dir} is unreadable ({exc}); the store is damaged"
            ) from exc
        header, _, data = raw.partition(b"\0")
        kind, _, size = header.partition(b" ")
        # The id is the hash of the content: a damaged file cannot pass for the object.
        if (
            hashlib.sha1(raw, usedforsecurity=False).hexdigest() != sha
            or not size.isdigit()
            or int(size) != len(data)
        ):
            raise StoreError(f"object {sha} in {self.git_dir} is damaged (its content does not match its id)")
        return kind.decode(), data

    def read_blob(self, sha: str) -> bytes:
        kind, data = self.read_object(sha)
        if kind != "blob":
            raise StoreError(f"object {sha} is a {kind}, not a blob")
        return data

    def read_tree(self, sha: str) -> TreeEntries:
        """Return the entries of a tree (cached: trees never change)."""
        cached = self._trees.get(sha)
        if cached is not None:
            self._trees.move_to_end(sha)
            return cached
        kind, data = self.read_object(sha)
        if kind != "tree":
            raise StoreError(f"object {sha} is a {kind}, not a tree")
        entries = _parse_tree(sha, data)
        self._trees[sha] = entries
        if len(self._trees) > 4096:
            self._trees.popitem(last=False)
        return entries

    def read_commit(self, sha: str) -> dict[str, object]:
        """Return a commit's tree, parents, author, time and message (cached: commits never change)."""
        cached = self._commits.get(sha)
        if cached is not None:
            return cached
        commit = self._parse_commit(sha)
        self._commits[sha] = commit
        if len(self._commits) > 4096:
            self._commits.popitem(last=False)
        return commit

    def _parse_commit(self, sha: str) -> dict[str, object]:
        kind, data = self.read_object(sha)
        if kind != "commit":
            raise StoreError(f"object {sha} is a {kind}, not a commit")
        head, _, message = data.partition(b"\n\n")
        parents: list[str] = []
        tree = author = ""
        when = 0
        for line in head.split(b"\n"):
            key, _, value = line.partition(b" ")
            if key == b"tree":
                tree = value.decode()
            elif key == b"parent":
                parents.append(value.decode())
            elif key == b"author":
                text = value.decode("utf-8", "replace")
                author = text.rsplit(" ", 2)[0]
                when = int(text.rsplit(" ", 2)[1])
        return {
            "tree": tree,
            "parents": parents,
            "author": author,
            "time": when,
            "message": message.decode("utf-8", "replace"),
        }

    def write_object(self, kind: str, data: bytes) -> str:
        """Write one loose object in-process and return its id.

        As git does: the compressed object goes to a temporary file in its fan-out
        folder, then is renamed to its id, so a reader never sees half an object.
        Like git's default (``core.fsync`` leaves loose objects and refs out), no
        fsync: a killed process cannot lose what the kernel already holds.
        """
        raw = b"%s %d\0%s" % (kind.encode(), len(data), data)
        sha = hashlib.sha1(raw, usedforsecurity=False).hexdigest()  # git's object id, not a secret
        folder = self._objects / sha[:2]
        path = folder / sha[2:]
        if path.is_file():
            return sha  # objects are immutable: the same id is the same content
        tmp = folder / f"tmp_obj_{os.getpid()}_{sha[2:10]}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        try:
            # The common case first: one open, no mkdir or unlink (each is a syscall).
            try:
                fd = os.open(tmp, flags, 0o444)
            except FileNotFoundError:  # a fan-out folder not made yet
                folder.mkdir(exist_ok=True)
                fd = os.open(tmp, flags, 0o444)
            except FileExistsError:  # left by a killed process that had our pid
                tmp.unlink()
                fd = os.open(tmp, flags, 0o444)
            try:
                write_all(fd, zlib.compress(raw, _level(kind, raw)))
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                tmp.unlink(missing_ok=True)
            raise StoreError(f"cannot write to the store: {exc.strerror or exc} ({folder})") from exc
        return sha

    def write_tree(self, entries: TreeEntries, *, in_order: bool = False) -> str:
        """Write a tree object; ``in_order``: ``entries`` are already in git's order.

        An entries mapping read from a tree keeps git's order, and replacing values
        keeps it: a commit that only changes files need not sort a big folder.
        """
        items = entries.items() if in_order else sorted(entries.items(), key=_tree_sort_key)
        # A commit changes one or two entries of a big folder (``sops/`` has 1,000):
        # the other entries' bytes come from a cache instead of being formatted
        # again (a tenth of the time).
        cache = self._entry_bytes
        if len(cache) > 200_000:
            cache.clear()
        parts = []
        for item in items:
            raw = cache.get(item)
            if raw is None:
                name, (mode, sha) = item
                raw = cache[item] = b"%o %s\0%s" % (mode, name.encode(), bytes.fromhex(sha))
            parts.append(raw)
        sha = self.write_object("tree", b"".join(parts))
        self._trees[sha] = dict(items)  # in git order, as read_tree gives them
        return sha

    def write_commit(
        self,
        *,
        tree: str,
        parents: Iterable[str],
        author: str,
        email: str,
        when: int,
        message: str,
        signer: Signer | None = None,
    ) -> str:
        lines = [f"tree {tree}"]
        lines += [f"parent {p}" for p in parents]
        lines.append(f"author {author} <{email}> {when} +0000")
        lines.append(f"committer soplib <soplib@sop.invalid> {when} +0000")
        body = ("\n".join(lines) + "\n\n" + message).encode()
        if signer is not None:  # a store configured for SSH signing (sop_store/signing.py)
            body = add_signature(body, signer(body))
        return self.write_object("commit", body)

    # -- packing -------------------------------------------------------------------

    def too_many_loose(self) -> bool:
        """Whether about :data:`LOOSE_LIMIT` objects are loose (one folder listed: ~10 µs)."""
        try:
            names = os.listdir(self._objects / LOOSE_SAMPLE)
        except OSError:
            return False
        return sum(len(name) == 38 for name in names) > -(-LOOSE_LIMIT // 256)

    def pack_loose(self, head: str) -> None:
        """Move the loose objects into packs, at a cost bounded by what is loose.

        Two git commands, neither walking the whole history (as ``git gc`` does):
        ``git pack-objects --revs`` packs what the commits since the newest packed
        one reach (their paths let git pick good deltas), then ``git repack
        --geometric=2 -d`` merges only the smallest packs, so pack sizes form a
        geometric series (each object is rewritten O(log n) times, at most about
        log2(n) packs to look in), and deletes the loose copies. Safe to kill at
        any moment (git writes a pack and its index under temporary names,
        renames them, and only then deletes loose copies) and beside concurrent
        readers. A failure (disk full) is logged, not raised: the commit that
        called this has already succeeded, and the objects are still loose.
        """
        boundary = self._newest_packed(head)
        revs = f"{head}\n" + (f"^{boundary}\n" if boundary else "")
        pack = str((self._objects / "pack" / "pack").resolve())
        if self._git("pack-objects", "-q", "--revs", "--unpacked", "--non-empty", pack, stdin=revs) and not (
            self._git("-c", "repack.writeBitmaps=false", "repack", "--geometric=2", "-d", "-q")
        ):
            # A git older than 2.32 has no --geometric: at least drop the loose
            # copies of what is now packed, or every later commit would try again.
            self._git("prune-packed", "-q")
        if self._repo is not None:  # its `git cat-file` may hold packs that were merged away
            self._repo.close()
            self._repo = None

    def _newest_packed(self, head: str) -> str | None:
        """The newest first-parent ancestor of ``head`` that is not a loose object."""
        sha: str | None = head
        while sha:
            if not (self._objects / sha[:2] / sha[2:]).is_file():
                return sha
            parents = self.read_commit(sha)["parents"]
            assert isinstance(parents, list)
            sha = parents[0] if parents else None
        return None

    def _git(self, *args: str, stdin: str = "") -> bool:
        """Run one housekeeping git command with fixed arguments; False (logged) if it failed."""
        cmd = ["git", "--git-dir", str(self.git_dir.resolve()), *args]
        try:
            done = subprocess.run(
                cmd,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
                preexec_fn=_die_with_parent,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("could not pack loose objects in %s: %s", self.git_dir, exc)
            return False
        if done.returncode != 0:
            log.warning("could not pack loose objects in %s: %s", self.git_dir, done.stderr.strip())
        return done.returncode == 0

    # -- refs ----------------------------------------------------------------------

    def _packed_refs(self) -> dict[str, str]:
        refs: dict[str, str] = {}
        try:
            text = (self.git_dir / "packed-refs").read_text()
        except FileNotFoundError:
            return refs
        for line in text.splitlines():
            if line and line[0] not in "#^":
                sha, _, name = line.partition(" ")
                refs[name] = sha
        return refs

    def read_ref(self, name: str) -> str | None:
        """The commit a ref points to, or None (loose refs win over packed ones)."""
        try:
            value = (self.git_dir / name).read_text().strip()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return self._packed_refs().get(name)
        if value.startswith("ref:"):
            return self.read_ref(value[4:].strip())
        return value or None

    def list_refs(self, prefix: str) -> dict[str, str]:
        """All refs under ``prefix`` (e.g. ``refs/tags/sop/``), loose and packed."""
        refs = {k: v for k, v in self._packed_refs().items() if k.startswith(prefix)}
        base = self.git_dir / prefix
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file() and not path.name.endswith(".lock"):
                    refs[path.relative_to(self.git_dir).as_posix()] = path.read_text().strip()
        return refs

    def update_ref(self, name: str, new: str, *, old: str | None) -> None:
        """Point ``name`` at ``new`` if it still points at ``old`` (None: must not exist).

        Uses git's lock-file protocol (``<ref>.lock`` created exclusively, then
        renamed over the ref), so a plain git process is also kept out.
        """
        path = self.git_dir / name
        lock = path.with_name(path.name + ".lock")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot write {name}: {exc.strerror or exc}") from exc
        fd = self._create_ref_lock(lock)
        try:
            current = self.read_ref(name)
            if current != old:
                raise ConflictError(
                    f"{name} moved (expected {old or 'nothing'}, found {current}); nothing was written"
                )
            write_all(fd, (new + "\n").encode())
            os.close(fd)
            fd = -1
            os.replace(lock, path)
        except BaseException as exc:
            if fd >= 0:
                os.close(fd)
            lock.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write {name}: {exc.strerror or exc}") from exc
            raise

    @staticmethod
    def _create_ref_lock(lock: Path) -> int:
        # A <ref>.lock older than a few seconds was left by a process that died
        # mid-write (we only get here holding the store lock); git itself holds
        # these for milliseconds.
        deadline = time.monotonic() + 2.0
        while True:
            try:
                return os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                try:
                    age = time.time() - lock.stat().st_mtime
                except FileNotFoundError:
                    continue
                if age > 2.0 or time.monotonic() > deadline:
                    log.warning("removing stale ref lock %s", lock)
                    lock.unlink(missing_ok=True)
                    continue
                time.sleep(0.01)
            except OSError as exc:
                raise StoreError(f"cannot lock {lock}: {exc.strerror}") from exc

    def delete_ref(self, name: str) -> None:
        (self.git_dir / name).unlink(missing_ok=True)

    # -- debris of a killed writer (called under the store lock) ---------------------

    def remove_temp_objects(self, pid: int) -> int:
        """Delete the temporary object files a dead writer with ``pid`` left; how many.

        They are harmless to git (``git fsck`` skips ``tmp_obj_*``, ``git gc``
        prunes them after two weeks) but would pile up in a store killed often.
        """
        removed = 0
        for path in self._objects.glob(f"[0-9a-f][0-9a-f]/tmp_obj_{pid}_*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed

    def remove_ref_lock(self, name: str, commit: str) -> bool:
        """Delete ``<ref>.lock`` if a dead writer of ``commit`` left it (empty, or naming ``commit``).

        A lock holding anything else belongs to someone else (a plain git process)
        and is left to :meth:`_create_ref_lock`'s age rule.
        """
        lock = self.git_dir / f"{name}.lock"
        try:
            content = lock.read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return False
        if content not in ("", commit):
            return False
        lock.unlink(missing_ok=True)
        return True

    # -- history -------------------------------------------------------------------

    def walk(self, head: str | None) -> Iterator[tuple[str, dict[str, object]]]:
        """Commits from ``head`` back along first parents, newest first."""
        sha = head
        while sha:
            commit = self.read_commit(sha)
            yield sha, commit
            parents = commit["parents"]
            assert isinstance(parents, list)
            sha = parents[0] if parents else None

    def run_git(self, *args: str) -> tuple[int, str]:
        """Run a git command (never with user strings as options); (status, output)."""
        import git

        try:
            out = self._gitpython().git.execute(
                ["git", "--git-dir", str(self.git_dir.resolve()), *args],
                with_extended_output=True,
                with_exceptions=False,
            )
        except git.exc.GitError as exc:
            raise StoreError(f"git {args[0]} failed: {exc}") from exc
        status, stdout, stderr = out
        return int(status), (stdout + ("\n" + stderr if stderr else "")).strip()
