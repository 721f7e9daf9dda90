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

A message is an English template with named ``{placeholders}`` and the values
to fill them; ``str(error)`` is the English sentence, and :meth:`SopError.localized`
gives it in another language through a catalogue lookup (the CLI's job). The
class names are the keywords the message catalogue is extracted by, so the first
argument is always a literal string.

GitPython and gitdb exceptions are converted where they arise and re-raised
``from`` the original, so a caller only ever has to catch :class:`SopError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


class Phrase(str):
    """A message parameter that is itself English text to translate (``Phrase("staff id")``)."""

    __slots__ = ()


class SopError(Exception):
    """Base class of every error soplib and sop_store raise.

    >>> str(SopError("no SOP {id} in the store", id="KPU-01"))
    'no SOP KPU-01 in the store'
    """

    def __init__(self, message: str, /, **params: object) -> None:
        self.template = message
        self.params: Mapping[str, object] = params
        super().__init__(self.localized(_english))

    def localized(self, translate: Callable[[str], str]) -> str:
        """The message with ``translate`` applied to its template (and to nested errors and phrases).

        A parameter that is a tuple is a list of parts, shown joined by ``"; "``.
        """

        def show(value: object) -> str:
            if isinstance(value, SopError):
                return value.localized(translate)
            if isinstance(value, tuple):
                return "; ".join(show(part) for part in value)
            return translate(value) if isinstance(value, Phrase) else str(value)

        return _fill(translate(self.template), self.params, show)


def _english(message: str) -> str:
    return message


def _fill(template: str, params: Mapping[str, object], show: Callable[[object], str]) -> str:
    if not params:
        return template
    try:
        return template.format(**{k: show(v) for k, v in params.items()})
    except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: never crash
        return template + " (" + ", ".join(f"{k}={show(v)}" for k, v in params.items()) + ")"


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
