"""An inter-process lock on the store, held while a transaction reads and writes.

``fcntl.flock`` belongs to the open file, so the kernel releases it once the
holder dies, even by ``kill -9``: a lock left behind never needs a person to
delete a file. "Once": ``fork`` copies the open file into the child of a holder
starting a program, until the child execs (``O_CLOEXEC``) or dies, so a holder
killed right then leaves the lock held a moment longer (``GitStore.recover``).

The lock file doubles as the writer's journal. While committing, the holder
notes in it what it is doing (its pid, then the commit and tags it is about to
publish) and empties it when it lets go. A holder that dies leaves its note
behind, so the next holder learns, for the price of one ``pread``, that there is
debris to clear (see ``GitStore._recover``); an empty file means there is none.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from sop_store.errors import StoreBusyError, StoreError
from sop_store.objects import write_all

DEFAULT_TIMEOUT = 30.0
_NOTE_MAX = 64 * 1024


class StoreLock:
    """Exclusive lock on one store; use as a context manager."""

    def __init__(self, path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._path = path
        self._timeout = timeout
        self._fd: int | None = None
        self._noted = False
        # What the previous holder left in the journal (b"" after a clean release).
        self.left = b""

    def acquire(self, *, wait: bool = True, timeout: float | None = None) -> bool:
        """Take the lock (waiting up to the timeout); False if ``wait`` is off and it is taken.

        ``timeout`` replaces the lock's own for this call.
        """
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                "cannot open the store lock {path}: {reason}", path=self._path, reason=exc.strerror
            ) from exc
        timeout = self._timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait or time.monotonic() >= deadline:
                    os.close(fd)
                    if not wait:
                        return False
                    raise StoreBusyError(
                        "the store is busy: another process held {path} for {seconds} s; try again",
                        path=self._path,
                        seconds=round(timeout),
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            try:
                self.left = os.pread(fd, _NOTE_MAX, 0)
            except OSError as exc:
                os.close(fd)
                raise StoreError(
                    "cannot read the store lock {path}: {reason}", path=self._path, reason=exc.strerror
                ) from exc
            self._fd = fd
            self._noted = False  # what the last holder left stays until cleared() says it is cleared
            return True

    def cleared(self) -> None:
        """Empty the journal on release: what :attr:`left` recorded has been cleared up.

        Without this call a recovery that failed part-way keeps the journal, so the
        next holder tries again instead of never learning of the debris.
        """
        self._noted = True

    def note(self, data: bytes) -> None:
        """Replace the journal with ``data`` (one line; read back by the next holder if we die)."""
        assert self._fd is not None, "note() needs the lock"
        self._noted = True  # even a note cut short must be emptied on release
        try:
            # A kill mid-note leaves a note cut short, which the reader treats as
            # unreadable; the newline ends the note before any older, longer one's tail.
            write_all(self._fd, data + b"\n", 0)
        except OSError as exc:
            raise StoreError(
                "cannot write to the store: {reason} ({path})", reason=exc.strerror or exc, path=self._path
            ) from exc

    def release(self) -> None:
        if self._fd is not None:
            if self._noted:
                # Failing to empty it only costs the next holder a needless recovery.
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
            self._noted = False

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
