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
import sys as _sys
import types as _types
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:  # the same names, imported eagerly for type checkers and readers
    from soplib.anchor import Anchor, anchor
    from soplib.audit import AsOf, AuditHistory, VersionRecord, as_of, audit_history, in_force
    from soplib.criteria import CRITERIA
    from soplib.dates import parse_date
    from soplib.diff import FieldChange, ItemChange, Segment, StructuralDiff, structural, unified
    from soplib.document import Audience, FrontMatter, Item, Section, SopDocument, load, parse
    from soplib.due import DueReview, reviews_due
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
    from soplib.printout import print_html
    from soplib.render import render_html, render_json, render_text
    from soplib.review import Review
    from soplib.review_log import ApprovalResult, LogEntry, SessionHeader, SopReviewStatus
    from soplib.store import HistoryEntry, SopSummary, SopVersion, Store
    from soplib.verify import Finding, VerifyReport, verify

# Public name -> the module that defines it (tests/test_api.py checks this against __all__).
_EXPORTS = {
    "Anchor": "soplib.anchor",
    "ApprovalResult": "soplib.review_log",
    "AsOf": "soplib.audit",
    "Audience": "soplib.document",
    "AuditHistory": "soplib.audit",
    "CRITERIA": "soplib.criteria",
    "ConflictError": "soplib.errors",
    "DueReview": "soplib.due",
    "FieldChange": "soplib.diff",
    "Finding": "soplib.verify",
    "FrontMatter": "soplib.document",
    "HistoryEntry": "soplib.store",
    "InsertAfter": "soplib.edit",
    "InsertAtStart": "soplib.edit",
    "InvalidInputError": "soplib.errors",
    "Item": "soplib.document",
    "ItemChange": "soplib.diff",
    "LogEntry": "soplib.review_log",
    "NotFoundError": "soplib.errors",
    "RefusedError": "soplib.errors",
    "Remove": "soplib.edit",
    "Replace": "soplib.edit",
    "Review": "soplib.review",
    "Section": "soplib.document",
    "Segment": "soplib.diff",
    "SessionHeader": "soplib.review_log",
    "SopDocument": "soplib.document",
    "SopError": "soplib.errors",
    "SopFormatError": "soplib.errors",
    "SopReviewStatus": "soplib.review_log",
    "SopSummary": "soplib.store",
    "SopVersion": "soplib.store",
    "Store": "soplib.store",
    "StoreBusyError": "soplib.errors",
    "StoreError": "soplib.errors",
    "StructuralDiff": "soplib.diff",
    "VerifyReport": "soplib.verify",
    "VersionRecord": "soplib.audit",
    "anchor": "soplib.anchor",
    "apply_edits": "soplib.edit",
    "as_of": "soplib.audit",
    "audit_history": "soplib.audit",
    "in_force": "soplib.audit",
    "load": "soplib.document",
    "parse": "soplib.document",
    "parse_date": "soplib.dates",
    "print_html": "soplib.printout",
    "render_html": "soplib.render",
    "render_json": "soplib.render",
    "render_text": "soplib.render",
    "reviews_due": "soplib.due",
    "structural": "soplib.diff",
    "unified": "soplib.diff",
    "verify": "soplib.verify",
}

__all__ = [
    "CRITERIA",
    "Anchor",
    "ApprovalResult",
    "AsOf",
    "Audience",
    "AuditHistory",
    "ConflictError",
    "DueReview",
    "FieldChange",
    "Finding",
    "FrontMatter",
    "HistoryEntry",
    "InsertAfter",
    "InsertAtStart",
    "InvalidInputError",
    "Item",
    "ItemChange",
    "LogEntry",
    "NotFoundError",
    "RefusedError",
    "Remove",
    "Replace",
    "Review",
    "Section",
    "Segment",
    "SessionHeader",
    "SopDocument",
    "SopError",
    "SopFormatError",
    "SopReviewStatus",
    "SopSummary",
    "SopVersion",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StructuralDiff",
    "VerifyReport",
    "VersionRecord",
    "anchor",
    "apply_edits",
    "as_of",
    "audit_history",
    "in_force",
    "load",
    "parse",
    "parse_date",
    "print_html",
    "render_html",
    "render_json",
    "render_text",
    "reviews_due",
    "structural",
    "unified",
    "verify",
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


class _Package(_types.ModuleType):
    """soplib's module type: a public function wins over its same-named submodule.

    Importing ``soplib.verify`` binds the module on the package as ``verify``;
    the public name ``verify`` is the function of that module, as it was when
    these names were imported eagerly.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, _types.ModuleType) and _EXPORTS.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
