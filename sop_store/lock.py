"""An inter-process lock on the store, held while a transaction reads and writes.

``fcntl.flock`` belongs to the open file, so the kernel releases it the moment
the holder dies, even by ``kill -9``: a lock left behind never needs a person to
delete a file. The lock file itself is permanent and empty.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from sop_store.errors import StoreBusyError, StoreError

DEFAULT_TIMEOUT = 30.0


class StoreLock:
    """Exclusive lock on one store; use as a context manager."""

    def __init__(self, path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._path = path
        self._timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open the store lock {self._path}: {exc.strerror}") from exc
        deadline = time.monotonic() + self._timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreBusyError(
                        f"the store is busy: another process held {self._path} for "
                        f"{self._timeout:.0f} s; try again"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            self._fd = fd
            return

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

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
