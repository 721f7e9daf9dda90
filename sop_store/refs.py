"""Refs, read in-process and moved only by compare-and-swap.

The caller says which commit it built on, and the ref is rewritten through
git's own ``<ref>.lock`` protocol only if it still points there. Together with
:class:`~sop_store.lock.StoreLock` this makes lost updates impossible, even
beside a plain ``git`` process.

Nothing here follows ``refs/replace/*`` or grafts: those only matter to git's
own commands, and soplib reads objects by id (:mod:`sop_store.objects`).
:func:`anomalies` lists them so that verification can report them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sop_store.errors import ConflictError, Phrase, StoreError
from sop_store.logs import get_logger
from sop_store.objects import write_all

log = get_logger(__name__)

BRANCH = "refs/heads/main"
_HEX40 = re.compile(r"[0-9a-f]{40}")


class Refs:
    """The refs of one repository (loose files and ``packed-refs``)."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._root = str(git_dir)
        # packed-refs parsed once per version of the file (its stat signature): a
        # store with thousands of tags would otherwise parse it for every missing ref.
        self._packed_cache: tuple[tuple[int, int, int], dict[str, str]] | None = None

    def _packed(self) -> dict[str, str]:
        path = os.path.join(self._root, "packed-refs")
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                signature = (st.st_ino, st.st_size, st.st_mtime_ns)
                if self._packed_cache is not None and self._packed_cache[0] == signature:
                    return self._packed_cache[1]
                text = f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError("cannot read {path}: {reason}", path=path, reason=exc) from exc
        refs: dict[str, str] = {}
        for line in text.splitlines():
            if line and line[0] not in "#^":
                sha, _, name = line.partition(" ")
                refs[name] = sha
        self._packed_cache = (signature, refs)
        return refs

    def read(self, name: str, *, _depth: int = 0) -> str | None:
        """The commit a ref points to, or None (loose refs win over packed ones)."""
        try:
            with open(os.path.join(self._root, name), "rb") as f:
                value = f.read().decode("utf-8", errors="replace").strip()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return self._packed().get(name)
        except OSError as exc:
            raise StoreError("cannot read {ref}: {reason}", ref=name, reason=exc) from exc
        if value.startswith("ref:"):
            target = value[4:].strip()
            if _depth > 4 or not target.startswith("refs/"):
                raise StoreError(
                    "ref {ref} is a symbolic ref to {target}; the store is damaged", ref=name, target=target
                )
            return self.read(target, _depth=_depth + 1)
        if value and not _HEX40.fullmatch(value):
            raise StoreError(
                "ref {ref} holds {value}, not a commit id; the store is damaged",
                ref=name,
                value=repr(value[:60]),
            )
        return value or None

    def list(self, prefix: str) -> dict[str, str]:
        """All refs under ``prefix`` (e.g. ``refs/tags/sop/``), loose and packed."""
        refs = {k: v for k, v in self._packed().items() if k.startswith(prefix)}
        # A prefix may end inside a name (``refs/tags/audit/anchor-``): list its folder, then filter.
        base = self.git_dir / prefix if prefix.endswith("/") else (self.git_dir / prefix).parent
        if base.is_dir():
            for path in base.rglob("*"):
                name = path.relative_to(self.git_dir).as_posix()
                if name.startswith(prefix) and path.is_file() and not path.name.endswith(".lock"):
                    try:
                        refs[name] = path.read_text().strip()
                    except (OSError, UnicodeDecodeError) as exc:
                        raise StoreError("cannot read ref {path}: {reason}", path=path, reason=exc) from exc
        return refs

    def update(self, name: str, new: str, *, old: str | None) -> None:
        """Point ``name`` at ``new`` if it still points at ``old`` (None: must not exist).

        Uses git's lock-file protocol (``<ref>.lock`` created exclusively, then
        renamed over the ref), so a plain git process is also kept out.
        """
        path = self.git_dir / name
        lock = path.with_name(path.name + ".lock")
        try:
            fd = _create_ref_lock(lock)
        except FileNotFoundError:  # a new ref folder (a new SOP's tags): made once, then locked
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    "cannot write {ref}: {reason}", ref=name, reason=exc.strerror or exc
                ) from exc
            fd = _create_ref_lock(lock)

        def unmoved() -> None:
            current = self.read(name)
            if current != old:
                raise ConflictError(
                    "{ref} moved (expected {old}, found {found}); nothing was written",
                    ref=name,
                    old=old or Phrase("nothing"),
                    found=current,
                )

        _commit_lock(fd, lock, path, (new + "\n").encode(), what=name, check=unmoved)

    def delete(self, name: str) -> None:
        """Remove a ref: its loose file, and its line in ``packed-refs`` (where a clone puts its tags)."""
        self.delete_many((name,))

    def delete_many(self, names: Iterable[str]) -> None:
        """:meth:`delete` for many refs, ``packed-refs`` rewritten once."""
        names = tuple(names)
        for name in names:
            try:
                (self.git_dir / name).unlink(missing_ok=True)
            except OSError as exc:
                raise StoreError(
                    "cannot delete {ref}: {reason}", ref=name, reason=exc.strerror or exc
                ) from exc
        packed = self._packed()
        if any(name in packed for name in names):
            gone = set(names)
            self._write_packed({k: v for k, v in packed.items() if k not in gone})

    def pack_new(self, refs: dict[str, str]) -> None:
        """Create many refs at once in ``packed-refs`` (none of them may exist yet): what a clone does.

        One file instead of a file (and folders) per tag: ``sop clone`` of a store
        with hundreds of SOP versions writes one file, as ``git clone`` does.
        """
        for name, sha in refs.items():
            if not _HEX40.fullmatch(sha) or not name.startswith("refs/"):
                raise StoreError("cannot create ref {ref} at {sha}", ref=name, sha=sha)
            if self.read(name) is not None:
                raise ConflictError("{ref} exists already; nothing was written", ref=name)
        self._write_packed({**self._packed(), **refs})

    def _write_packed(self, refs: dict[str, str]) -> None:
        # git's protocol: packed-refs.lock created exclusively, written, renamed over packed-refs.
        path = self.git_dir / "packed-refs"
        lock = path.with_name("packed-refs.lock")
        fd = _create_ref_lock(lock)
        text = "# pack-refs with: peeled fully-peeled sorted \n"
        text += "".join(f"{sha} {name}\n" for name, sha in sorted(refs.items()))
        _commit_lock(fd, lock, path, text.encode(), what=str(path))

    def remove_lock(self, name: str, commit: str) -> bool:
        """Delete ``<ref>.lock`` if a dead writer of ``commit`` left it (empty, or naming ``commit``).

        A lock holding anything else belongs to someone else (a plain git process)
        and is left to :func:`_create_ref_lock`'s age rule.
        """
        lock = self.git_dir / f"{name}.lock"
        try:
            content = lock.read_text().strip()
        except (FileNotFoundError, NotADirectoryError):
            return False
        except (OSError, UnicodeDecodeError):
            return False
        if content not in ("", commit):
            return False
        lock.unlink(missing_ok=True)
        return True


def _commit_lock(
    fd: int, lock: Path, path: Path, data: bytes, *, what: str, check: Callable[[], None] | None = None
) -> None:
    """git's lock-file protocol, second half: ``data`` written to the held ``lock``, renamed over ``path``.

    ``check`` runs first, under the lock (a compare-and-swap's comparison). On
    any failure the lock is removed and ``path`` is left as it was.
    """
    try:
        if check is not None:
            check()
        write_all(fd, data)
        os.close(fd)
        fd = -1
        os.replace(lock, path)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        lock.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise StoreError("cannot write {ref}: {reason}", ref=what, reason=exc.strerror or exc) from exc
        raise


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
        except FileNotFoundError:
            raise  # the ref's folder does not exist yet: the caller makes it
        except OSError as exc:
            raise StoreError("cannot lock {path}: {reason}", path=lock, reason=exc.strerror) from exc


def anomalies(git_dir: Path) -> list[tuple[str, str]]:
    """What could make git's own commands see other objects than the ones stored: (kind, detail).

    Replacement refs, grafts, alternates and a shallow file. soplib never
    follows them; a store that has them was changed by hand, and an auditor
    should know (plain ``git log`` on such a store shows something else).
    """
    found: list[tuple[str, str]] = []
    for name, sha in sorted(Refs(git_dir).list("refs/replace/").items()):
        found.append(("replace-ref", f"{name} -> {sha}"))
    for kind, path in (
        ("grafts", git_dir / "info" / "grafts"),
        ("alternates", git_dir / "objects" / "info" / "alternates"),
        ("alternates", git_dir / "objects" / "info" / "http-alternates"),
        ("shallow", git_dir / "shallow"),
    ):
        if path.exists():
            found.append((kind, str(path.relative_to(git_dir))))
    return found
