"""Git objects, read and written in-process, every one checked against its id.

Loose objects are one zlib stream each (``objects/ab/cdef…``), read and written
here directly (about 20 µs a read, against ~150 µs for a round trip through
``git cat-file``). Packed objects are read in-process too, through gitdb's pack
reader (GitPython's own object database), never through a ``git`` process: a
git process would honour replacement refs (``refs/replace/*``), grafts and the
repository's config, which whoever controls the store controls. Whatever the
source, the bytes are hashed and must give the id that was asked for, so a
damaged or substituted object can never pass for the real one.

Only SHA-1 repositories are supported: :func:`check_object_format` refuses
others with a clear message instead of writing SHA-1 objects into a SHA-256
repository.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sop_store.errors import StoreError

# Loose objects: zlib level 1 (git's default core.looseCompression is 1 too).
# A big tree is mostly 20-byte ids, which do not compress: stored, not deflated.
BIG_TREE = 4096


# CPython's own SHA-1: importing hashlib loads OpenSSL, a few ms `sop show` would pay for one record.
try:
    _small_sha1: Callable[..., Any] | None = importlib.import_module("_sha1").sha1
except ImportError:  # pragma: no cover - a Python built without it
    _small_sha1 = None
RECENT_LIMIT = 16 * 1024 * 1024  # bytes of packed objects kept once read (one store)
PACK_AT = 64  # a batch of this many new objects is written as one pack
_SMALL = 16 * 1024  # OpenSSL's SHA-1 is several times faster on big objects: hashlib from here up


def sha1_hex(data: bytes) -> str:
    """Git's object id of the raw object ``data`` (``<type> <size>\\0<content>``), hex."""
    if _small_sha1 is not None and len(data) < _SMALL:
        return str(_small_sha1(data, usedforsecurity=False).hexdigest())  # git's object id, not a secret
    import hashlib

    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def object_id(kind: str, data: bytes) -> str:
    """The id git gives an object of ``kind`` with ``data`` (computed, not written)."""
    return sha1_hex(b"%s %d\0%s" % (kind.encode(), len(data), data))


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


_FORMAT = re.compile(r"^\s*objectformat\s*=\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def check_object_format(git_dir: Path) -> None:
    """Refuse a repository whose objects are not SHA-1 (``extensions.objectFormat``).

    Reads the config file as text (no includes are followed, nothing is run).
    """
    try:
        text = (git_dir / "config").read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(
            "cannot read {path}: {reason}", path=git_dir / "config", reason=exc.strerror
        ) from exc
    match = _FORMAT.search(text)
    if match and match.group(1).lower() != "sha1":
        raise StoreError(
            "{path} uses the {format} object format; soplib stores are SHA-1 git repositories "
            "(create a new store with `git init --object-format=sha1` or `sop init`)",
            path=git_dir,
            format=match.group(1),
        )


class ObjectStore:
    """The objects folder of one repository."""

    def __init__(self, objects: Path) -> None:
        self.path = objects
        self._root = str(objects)
        self._packs: Any = None  # gitdb's PackedDB, opened on the first packed read
        # Packed objects read lately, checked: an old version is a chain of deltas that gitdb
        # resolves in Python (dozens of steps), and the same trees are read by every snapshot.
        self._recent: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        self._recent_bytes = 0
        # Inside batch(): objects written and not yet flushed, by id (hashed here, so trusted).
        self._pending: dict[str, tuple[str, bytes]] | None = None

    def close(self) -> None:
        self._release_packs()

    def _release_packs(self) -> None:
        # gitdb maps pack files through smmap's process-wide manager, which keeps
        # them open after the reader is dropped; collect() closes those no live
        # reader uses (another open store's stay).
        had_packs, self._packs = self._packs is not None, None
        if had_packs:
            import gc

            from gitdb.util import mman

            gc.collect()  # the dropped reader's cursors sit in reference cycles
            mman.collect()

    # -- reading ---------------------------------------------------------------------

    def read(self, sha: str) -> tuple[str, bytes]:
        """(type, data) of the object ``sha``; :class:`StoreError` if it is missing or damaged."""
        if self._pending and sha in self._pending:
            return self._pending[sha]
        recent = self._recent.get(sha)
        if recent is not None:  # read or written lately: checked against its id then
            return recent
        loose = self._read_loose(sha)
        if loose is not None:
            return loose
        packed = self._read_packed(sha)
        if packed is None:
            raise StoreError(
                "object {sha} is missing from {path}: the store is damaged (`git fsck` says more)",
                sha=sha,
                path=self.path,
            )
        return packed

    def has(self, sha: str) -> bool:
        """True if ``sha`` is a loose or packed object here (not checked: see :meth:`read`)."""
        if self._pending and sha in self._pending:
            return True
        if os.path.isfile(f"{self._root}/{sha[:2]}/{sha[2:]}"):
            return True
        packs = self._packed_db()
        return packs is not None and bool(packs.has_object(bytes.fromhex(sha)))

    def is_loose(self, sha: str) -> bool:
        return os.path.isfile(f"{self._root}/{sha[:2]}/{sha[2:]}")

    def _read_loose(self, sha: str) -> tuple[str, bytes] | None:
        try:
            with open(f"{self._root}/{sha[:2]}/{sha[2:]}", "rb") as f:
                raw = zlib.decompress(f.read())
        except (FileNotFoundError, NotADirectoryError):
            return None
        except (OSError, zlib.error) as exc:
            raise StoreError(
                "object {sha} in {path} is unreadable ({reason}); the store is damaged",
                sha=sha,
                path=self.path,
                reason=exc,
            ) from exc
        header, _, data = raw.partition(b"\0")
        kind, _, size = header.partition(b" ")
        if not size.isdigit() or int(size) != len(data):
            raise StoreError("object {sha} in {path} is damaged (its size is wrong)", sha=sha, path=self.path)
        return self._checked(sha, kind.decode("ascii", "replace"), data)

    def _checked(self, sha: str, kind: str, data: bytes) -> tuple[str, bytes]:
        # The id is the hash of the content: a damaged or substituted object cannot pass.
        if object_id(kind, data) != sha:
            raise StoreError(
                "object {sha} in {path} is damaged or substituted (its content does not match its id)",
                sha=sha,
                path=self.path,
            )
        return kind, data

    def _packed_db(self) -> Any:
        if self._packs is None:
            if not (self.path / "pack").is_dir():
                return None
            from gitdb.db.pack import PackedDB

            self._packs = PackedDB(str(self.path / "pack"))
        return self._packs

    def _read_packed(self, sha: str) -> tuple[str, bytes] | None:
        from gitdb.exc import BadObject

        cached = self._recent.get(sha)
        if cached is not None:
            self._recent.move_to_end(sha)
            return cached
        packs = self._packed_db()
        if packs is None:
            return None
        binsha = bytes.fromhex(sha)
        for attempt in (0, 1):
            try:
                stream = packs.stream(binsha)
                found = self._checked(sha, stream.type.decode("ascii", "replace"), stream.read())
                self._remember(sha, found)
                return found
            except BadObject:
                if attempt:
                    return None
                # Packed since we looked (our own packing, or git's): look at the folder again.
                packs.update_cache(force=True)
            except (OSError, ValueError, AssertionError, zlib.error) as exc:
                raise StoreError(
                    "packed object {sha} in {path} is unreadable ({reason}); the store is damaged "
                    "(`git fsck` says more)",
                    sha=sha,
                    path=self.path,
                    reason=exc,
                ) from exc
        return None

    def _remember(self, sha: str, found: tuple[str, bytes]) -> None:
        size = len(found[1])
        if size > RECENT_LIMIT // 16:
            return
        self._recent[sha] = found
        self._recent_bytes += size
        while self._recent_bytes > RECENT_LIMIT:
            _, (_, old) = self._recent.popitem(last=False)
            self._recent_bytes -= len(old)

    def refresh(self) -> None:
        """Forget the packs seen so far (after packing merged some away)."""
        self._release_packs()

    # -- writing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Keep the objects written inside in memory until :meth:`flush` writes them together.

        What is not flushed when the block ends is dropped: nothing refers to it.
        """
        if self._pending is not None:  # already batching: the outer block flushes
            yield
            return
        self._pending = {}
        try:
            yield
        finally:
            self._pending = None

    def flush(self) -> None:
        """Write the batch's objects: one pack when there are many (:data:`PACK_AT`), else loose."""
        pending = self._pending
        if not pending:
            return
        if len(pending) >= PACK_AT:
            from sop_store.packwrite import write_pack

            write_pack(f"{self._root}/pack", pending)
            if self._packs is not None:
                self._packs.update_cache(force=True)
        else:
            for kind, data in pending.values():
                self._write_loose(kind, data)
        pending.clear()

    def write(self, kind: str, data: bytes) -> str:
        """Write one object (loose, or into the open :meth:`batch`) and return its id.

        A loose one as git does: the compressed object goes to a temporary file in its fan-out
        folder, then is renamed to its id, so a reader never sees half an object.
        Like git's default (``core.fsync`` leaves loose objects out), no fsync: a
        killed process cannot lose what the kernel already holds.
        """
        if self._pending is not None:
            sha = object_id(kind, data)
            if sha not in self._pending and not self.is_loose(sha):
                self._pending[sha] = (kind, data)
            return sha
        return self._write_loose(kind, data)

    def _write_loose(self, kind: str, data: bytes) -> str:
        raw = b"%s %d\0%s" % (kind.encode(), len(data), data)
        sha = sha1_hex(raw)
        # Plain strings, not pathlib: a bulk import writes thousands of objects.
        folder = f"{self._root}/{sha[:2]}"
        path = f"{folder}/{sha[2:]}"
        if os.path.isfile(path):
            return sha  # objects are immutable: the same id is the same content
        tmp = os.path.join(folder, f"tmp_obj_{os.getpid()}_{sha[2:10]}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        level = 0 if kind == "tree" and len(raw) > BIG_TREE else 1
        try:
            try:  # the common case first: one open, no mkdir or unlink (each is a syscall)
                fd = os.open(tmp, flags, 0o444)
            except FileNotFoundError:  # a fan-out folder not made yet
                os.makedirs(folder, exist_ok=True)
                fd = os.open(tmp, flags, 0o444)
            except FileExistsError:  # left by a killed process that had our pid
                os.unlink(tmp)
                fd = os.open(tmp, flags, 0o444)
            try:
                write_all(fd, zlib.compress(raw, level))
            finally:
                os.close(fd)
            os.replace(tmp, path)
            # An operation reads back the text it just stored (so a replay sees what it saw).
            self._remember(sha, (kind, data))
        except OSError as exc:
            with contextlib.suppress(OSError):  # the folder itself may be what failed
                os.unlink(tmp)
            raise StoreError(
                "cannot write to the store: {reason} ({path})", reason=exc.strerror or exc, path=folder
            ) from exc
        return sha

    def remove_temp_objects(self, pid: int) -> int:
        """Delete the temporary object files a dead writer with ``pid`` left; how many.

        They are harmless to git (``git fsck`` skips ``tmp_obj_*``, ``git gc``
        prunes them after two weeks) but would pile up in a store killed often.
        """
        removed, prefix = 0, f"tmp_obj_{pid}_"
        with contextlib.suppress(FileNotFoundError):
            packs = set(os.listdir(f"{self._root}/pack"))
            for name in packs:
                # A batch's pack being written, or the index it renamed before its pack (packwrite).
                orphan = name.endswith(".idx") and name.removesuffix(".idx") + ".pack" not in packs
                if name.startswith(f"tmp_pack_{pid}_") or (name.startswith("pack-") and orphan):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(f"{self._root}/pack/{name}")
                        removed += 1
        for folder in os.listdir(self._root):
            try:
                names = os.listdir(os.path.join(self._root, folder)) if len(folder) == 2 else []
            except (FileNotFoundError, NotADirectoryError):
                # Emptied and removed meanwhile by a git repack, which may outlive
                # the killed writer that started it by a moment.
                continue
            for name in names:
                if name.startswith(prefix):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(self._root, folder, name))
                        removed += 1
        return removed
