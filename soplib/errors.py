"""Every error soplib raises; catch :class:`SopError` to catch them all.

::

    SopError
    ├── StoreError             the git store could not be read or written
    │   ├── StoreBusyError     another process held the store lock too long
    │   └── ConflictError      the branch moved under a write; nothing written
    ├── NotFoundError          (LookupError) unknown SOP, version, session, person …
    ├── InvalidInputError      (ValueError) a bad id, key, path, date or option
    │   └── SopFormatError     a document that cannot be parsed (file + line)
    └── RefusedError           a valid request the rules refuse (approval with
                               undecided items, acknowledging an old version …)

The store-level classes are defined in ``sop_store.errors`` (which cannot import
soplib) and re-exported here, so there is one hierarchy.
"""

from __future__ import annotations

from sop_store.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    SopError,
    StoreBusyError,
    StoreError,
)

__all__ = [
    "ConflictError",
    "InvalidInputError",
    "NotFoundError",
    "RefusedError",
    "SopError",
    "SopFormatError",
    "StoreBusyError",
    "StoreError",
]


class SopFormatError(InvalidInputError):
    """A document is not a valid SOP; ``source`` and ``line`` say where."""

    def __init__(self, message: str, *, source: str = "<text>", line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


class RefusedError(SopError):
    """The request is well-formed but the rules of the process refuse it."""
