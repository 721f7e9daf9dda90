"""Every error soplib raises; catch :class:`SopError` to catch them all.

::

    SopError
    ├── StoreError             the git store could not be read or written
    │   ├── StoreBusyError     another process held the store lock too long
    │   ├── ConflictError      the branch moved under a write; nothing written
    │   └── RecordError        a record in the store does not match its schema (names the record)
    ├── NotFoundError          (LookupError) unknown SOP, version, session, person …
    ├── InvalidInputError      (ValueError) a bad id, key, path, date or option
    │   └── SopFormatError     a document that cannot be parsed (file + line)
    └── RefusedError           a valid request the rules refuse (approval with
        │                      undecided items, acknowledging an old version …)
        └── NotAllowedError    the actor lacks the role the action needs

A message is an English template with named ``{placeholders}``: ``str(error)``
is English; ``error.localized(translate)`` is how the CLI shows it in Bahasa
Indonesia. The store-level classes are defined in ``sop_store.errors`` (which
cannot import soplib) and re-exported here, so there is one hierarchy.
"""

from __future__ import annotations

from sop_store.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    Phrase,
    SopError,
    StoreBusyError,
    StoreError,
)
from soplib.i18n import N_

__all__ = [
    "ConflictError",
    "InvalidInputError",
    "NotAllowedError",
    "NotFoundError",
    "Phrase",
    "RecordError",
    "RefusedError",
    "SopError",
    "SopFormatError",
    "StoreBusyError",
    "StoreError",
]


class SopFormatError(InvalidInputError):
    """A document is not a valid SOP; ``source`` and ``line`` say where.

    >>> str(SopFormatError("no front matter", source="a.md", line=1))
    'a.md:1: no front matter'
    """

    def __init__(
        self, message: str, /, *, source: str = "<text>", line: int | None = None, **params: object
    ) -> None:
        self.source = source
        self.line = line
        self.detail = InvalidInputError(message, **params)
        super().__init__(
            "{where}: {detail}", where=f"{source}:{line}" if line else source, detail=self.detail
        )


class RefusedError(SopError):
    """The request is well-formed but the rules of the process refuse it."""


class NotAllowedError(RefusedError):
    """The acting person does not hold the role the action needs (docs/authority.md)."""


class RecordError(StoreError):
    """A record in the store does not have the shape soplib writes; ``path`` names it.

    ``reason`` is a message template (filled from ``params``, translated like any
    message: the catalogue extracts it as this class's second argument) or the
    exception that was raised reading the record.

    >>> str(RecordError("sops/A.json", "version {n} is not an object", n=2))[:70]
    'sops/A.json in the store is not a valid record (version 2 is not an ob'
    """

    def __init__(self, path: str, reason: object, /, **params: object) -> None:
        self.path = path
        super().__init__(
            N_("{path} in the store is not a valid record ({reason}); verify the store to see what changed"),
            path=path,
            reason=SopError(reason, **params) if isinstance(reason, str) else reason,
        )
