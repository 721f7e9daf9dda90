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
    from soplib.ack import (
        AckOutcome,
        AckRecord,
        ChainFinding,
        ChainReport,
        acknowledge,
        list_acks,
        verify_chain,
    )
    from soplib.anchor import Anchor, anchor
    from soplib.audit import AsOf, AuditHistory, VersionRecord, as_of, audit_history, in_force
    from soplib.blame import Blame, blame
    from soplib.briefing import (
        AttendanceResult,
        Briefing,
        create_briefing,
        get_briefing,
        list_briefings,
        record_attendance,
    )
    from soplib.coverage import CoverageReport, PendingReport, SopCoverage, coverage, pending
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
    from soplib.pack import build_pack
    from soplib.printout import print_html
    from soplib.render import render_html, render_json, render_text
    from soplib.report import AuditReport, Grade, audit_report
    from soplib.report_render import render_report
    from soplib.review import Review
    from soplib.review_log import ApprovalResult, LogEntry, SessionHeader, SopReviewStatus
    from soplib.staff import ImportResult, StaffMember, deactivate_staff, get_staff, import_staff, list_staff
    from soplib.store import HistoryEntry, SopSummary, SopVersion, Store
    from soplib.verify import Finding, VerifyReport, verify

# Public name -> the module that defines it (tests/test_api.py checks this against __all__).
_EXPORTS = {
    "AckOutcome": "soplib.ack",
    "AckRecord": "soplib.ack",
    "Anchor": "soplib.anchor",
    "ApprovalResult": "soplib.review_log",
    "AsOf": "soplib.audit",
    "AttendanceResult": "soplib.briefing",
    "Audience": "soplib.document",
    "AuditHistory": "soplib.audit",
    "AuditReport": "soplib.report",
    "Blame": "soplib.blame",
    "Briefing": "soplib.briefing",
    "CRITERIA": "soplib.criteria",
    "ChainFinding": "soplib.ack",
    "ChainReport": "soplib.ack",
    "ConflictError": "soplib.errors",
    "CoverageReport": "soplib.coverage",
    "DueReview": "soplib.due",
    "FieldChange": "soplib.diff",
    "Finding": "soplib.verify",
    "FrontMatter": "soplib.document",
    "Grade": "soplib.report",
    "HistoryEntry": "soplib.store",
    "ImportResult": "soplib.staff",
    "InsertAfter": "soplib.edit",
    "InsertAtStart": "soplib.edit",
    "InvalidInputError": "soplib.errors",
    "Item": "soplib.document",
    "ItemChange": "soplib.diff",
    "LogEntry": "soplib.review_log",
    "NotFoundError": "soplib.errors",
    "PendingReport": "soplib.coverage",
    "RefusedError": "soplib.errors",
    "Remove": "soplib.edit",
    "Replace": "soplib.edit",
    "Review": "soplib.review",
    "Section": "soplib.document",
    "Segment": "soplib.diff",
    "SessionHeader": "soplib.review_log",
    "SopCoverage": "soplib.coverage",
    "SopDocument": "soplib.document",
    "SopError": "soplib.errors",
    "SopFormatError": "soplib.errors",
    "SopReviewStatus": "soplib.review_log",
    "SopSummary": "soplib.store",
    "SopVersion": "soplib.store",
    "StaffMember": "soplib.staff",
    "Store": "soplib.store",
    "StoreBusyError": "soplib.errors",
    "StoreError": "soplib.errors",
    "StructuralDiff": "soplib.diff",
    "VerifyReport": "soplib.verify",
    "VersionRecord": "soplib.audit",
    "acknowledge": "soplib.ack",
    "anchor": "soplib.anchor",
    "apply_edits": "soplib.edit",
    "as_of": "soplib.audit",
    "audit_history": "soplib.audit",
    "audit_report": "soplib.report",
    "blame": "soplib.blame",
    "build_pack": "soplib.pack",
    "coverage": "soplib.coverage",
    "create_briefing": "soplib.briefing",
    "deactivate_staff": "soplib.staff",
    "get_briefing": "soplib.briefing",
    "get_staff": "soplib.staff",
    "import_staff": "soplib.staff",
    "in_force": "soplib.audit",
    "list_acks": "soplib.ack",
    "list_briefings": "soplib.briefing",
    "list_staff": "soplib.staff",
    "load": "soplib.document",
    "parse": "soplib.document",
    "parse_date": "soplib.dates",
    "pending": "soplib.coverage",
    "print_html": "soplib.printout",
    "record_attendance": "soplib.briefing",
    "render_html": "soplib.render",
    "render_json": "soplib.render",
    "render_report": "soplib.report_render",
    "render_text": "soplib.render",
    "reviews_due": "soplib.due",
    "structural": "soplib.diff",
    "unified": "soplib.diff",
    "verify": "soplib.verify",
    "verify_chain": "soplib.ack",
}

__all__ = [
    "CRITERIA",
    "AckOutcome",
    "AckRecord",
    "Anchor",
    "ApprovalResult",
    "AsOf",
    "AttendanceResult",
    "Audience",
    "AuditHistory",
    "AuditReport",
    "Blame",
    "Briefing",
    "ChainFinding",
    "ChainReport",
    "ConflictError",
    "CoverageReport",
    "DueReview",
    "FieldChange",
    "Finding",
    "FrontMatter",
    "Grade",
    "HistoryEntry",
    "ImportResult",
    "InsertAfter",
    "InsertAtStart",
    "InvalidInputError",
    "Item",
    "ItemChange",
    "LogEntry",
    "NotFoundError",
    "PendingReport",
    "RefusedError",
    "Remove",
    "Replace",
    "Review",
    "Section",
    "Segment",
    "SessionHeader",
    "SopCoverage",
    "SopDocument",
    "SopError",
    "SopFormatError",
    "SopReviewStatus",
    "SopSummary",
    "SopVersion",
    "StaffMember",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StructuralDiff",
    "VerifyReport",
    "VersionRecord",
    "acknowledge",
    "anchor",
    "apply_edits",
    "as_of",
    "audit_history",
    "audit_report",
    "blame",
    "build_pack",
    "coverage",
    "create_briefing",
    "deactivate_staff",
    "get_briefing",
    "get_staff",
    "import_staff",
    "in_force",
    "list_acks",
    "list_briefings",
    "list_staff",
    "load",
    "parse",
    "parse_date",
    "pending",
    "print_html",
    "record_attendance",
    "render_html",
    "render_json",
    "render_report",
    "render_text",
    "reviews_due",
    "structural",
    "unified",
    "verify",
    "verify_chain",
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
