"""soplib: an office's SOPs as versioned Markdown in a git store.

Reviewed step by step, approved, acknowledged by the staff they apply to, and
auditable years later. Start with :class:`Store`::

    from soplib import Store, load
    store = Store.init("sop-store")
    store.add([load("kpu-01.md")], by="ani")

The names below are imported on first use, not with the package: the ``sop``
command line lives in ``soplib.cli``, and ``sop --help`` should not pay for
pydantic, markdown-it and GitPython (about 0.2 s) before it prints anything.
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:  # the same names, imported eagerly for type checkers and readers
    from soplib.dates import parse_date
    from soplib.diff import unified
    from soplib.document import Audience, FrontMatter, Item, Section, SopDocument, load, parse
    from soplib.edit import InsertAfter, InsertAtStart, Remove, Replace, apply_edits
    from soplib.errors import (
        ConflictError,
        InvalidInputError,
        NotFoundError,
        RefusedError,
        SopError,
        SopFormatError,
        StoreBusyError,
        StoreError,
    )
    from soplib.store import HistoryEntry, SopSummary, SopVersion, Store

# Public name -> the module that defines it (tests/test_api.py checks this against __all__).
_EXPORTS = {
    "Audience": "soplib.document",
    "ConflictError": "soplib.errors",
    "FrontMatter": "soplib.document",
    "HistoryEntry": "soplib.store",
    "InsertAfter": "soplib.edit",
    "InsertAtStart": "soplib.edit",
    "InvalidInputError": "soplib.errors",
    "Item": "soplib.document",
    "NotFoundError": "soplib.errors",
    "RefusedError": "soplib.errors",
    "Remove": "soplib.edit",
    "Replace": "soplib.edit",
    "Section": "soplib.document",
    "SopDocument": "soplib.document",
    "SopError": "soplib.errors",
    "SopFormatError": "soplib.errors",
    "SopSummary": "soplib.store",
    "SopVersion": "soplib.store",
    "Store": "soplib.store",
    "StoreBusyError": "soplib.errors",
    "StoreError": "soplib.errors",
    "apply_edits": "soplib.edit",
    "load": "soplib.document",
    "parse": "soplib.document",
    "parse_date": "soplib.dates",
    "unified": "soplib.diff",
}

__all__ = [
    "Audience",
    "ConflictError",
    "FrontMatter",
    "HistoryEntry",
    "InsertAfter",
    "InsertAtStart",
    "InvalidInputError",
    "Item",
    "NotFoundError",
    "RefusedError",
    "Remove",
    "Replace",
    "Section",
    "SopDocument",
    "SopError",
    "SopFormatError",
    "SopSummary",
    "SopVersion",
    "Store",
    "StoreBusyError",
    "StoreError",
    "apply_edits",
    "load",
    "parse",
    "parse_date",
    "unified",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'soplib' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
