"""The one error hierarchy shared by ``sop_store`` and ``soplib``.

The root lives here, in the persistence package, because ``sop_store`` must never
import ``soplib`` while every error either package raises must still be a
:class:`SopError`. ``soplib.errors`` re-exports these and adds the domain errors::

    SopError
    ├── StoreError            (anything git or the file system refused)
    │   ├── StoreBusyError    (another process held the store lock too long)
    │   └── ConflictError     (the branch moved under us; nothing was written)
    ├── NotFoundError         (also LookupError: unknown SOP, version, path …)
    └── InvalidInputError     (also ValueError: a bad id, key, path or option)

GitPython exceptions are converted where they arise and re-raised ``from`` the
original, so a caller only ever has to catch :class:`SopError`.
"""

from __future__ import annotations


class SopError(Exception):
    """Base class of every error soplib and sop_store raise."""


class StoreError(SopError):
    """The git store could not be read or written."""


class StoreBusyError(StoreError):
    """Another process kept the store locked for longer than we were willing to wait."""


class ConflictError(StoreError):
    """The branch moved between reading it and writing it; nothing was written."""


class NotFoundError(SopError, LookupError):
    """Something the caller named does not exist (an SOP, a version, a path)."""


class InvalidInputError(SopError, ValueError):
    """A value the caller supplied is not acceptable (an id, a key, a path)."""
