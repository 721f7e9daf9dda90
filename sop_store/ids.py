"""Validation of every name that ends up in a git path, a ref or a commit trailer.

Ids become file names (``sops/<ID>.md``), tag names (``sop/<ID>/v3``) and trailer
values, so the rules are strict and applied before anything touches git. No id
can start with ``-``, so none can be mistaken for a command-line option.
"""

from __future__ import annotations

import re

from sop_store.errors import InvalidInputError, Phrase

# SOP ids: upper case, as offices write them (KPU-SOP-01, SOP.PEMILU.02).
_DOC_ID = re.compile(r"[A-Z0-9][A-Z0-9._-]{1,63}")
# Person and record ids: NIPs (18 digits), internal ids, lower-case handles.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_ID = Phrase("id")


def _ref_safe(value: str) -> bool:
    """True when ``value`` can be a component of a git ref and a file name."""
    return ".." not in value and not value.endswith((".lock", "."))


def validate_doc_id(value: object) -> str:
    """Return ``value`` if it is a valid SOP id, else raise :class:`InvalidInputError`.

    >>> validate_doc_id("KPU-SOP-01")
    'KPU-SOP-01'
    """
    if not isinstance(value, str) or not _DOC_ID.fullmatch(value) or not _ref_safe(value):
        raise InvalidInputError(
            "invalid SOP id {value}: use 2-64 characters of A-Z, 0-9, '.', '_', '-', "
            "starting with a letter or digit (no '..', not ending in '.' or '.lock')",
            value=repr(value),
        )
    return value


def validate_name(value: object, *, what: Phrase = _ID) -> str:
    """Return ``value`` if it is a valid person or record id, else raise.

    ``what`` names the value in the message ("staff id", "session id" …).

    >>> validate_name("198001012005011001", what="staff id")
    '198001012005011001'
    """
    if not isinstance(value, str) or not _NAME.fullmatch(value) or not _ref_safe(value):
        raise InvalidInputError(
            "invalid {what} {value}: use 1-64 characters of letters, digits, '.', '_', '-', "
            "starting with a letter or digit (no '..', not ending in '.' or '.lock')",
            what=what,
            value=repr(value),
        )
    return value


_PATH_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")


def validate_path(path: str) -> str:
    """Return ``path`` if it is a safe relative path inside the store, else raise.

    Paths are ``/``-separated; each part must be a plain file name (no ``..``,
    no leading dot, no empty part). Nothing can be written outside the store.
    """
    parts = path.split("/")
    if not path or any(not _PATH_PART.fullmatch(p) or ".." in p for p in parts):
        raise InvalidInputError("invalid store path {path}", path=repr(path))
    return path
