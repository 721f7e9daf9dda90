"""soplib: an office's SOPs as versioned Markdown in a git store.

Reviewed step by step, approved by the people allowed to, acknowledged by the
staff they apply to, and auditable years later. Everything starts from a
:class:`Store`, with one collection per domain noun::

    import soplib
    store = soplib.Store.init("sop-store", language="id", time_zone="Asia/Makassar")
    store.sops.add([soplib.load("kpu-01.md")], by="ani")
    session = store.reviews.start(["KPU-01"], team={"ani": "chair"}, ref="SK 12/2026", by="ani")
    store.acks.coverage().percent
    store.audit.verify().ok

Values are frozen dataclasses with ``to_json()``; dates are ``datetime.date``,
times aware ``datetime``; every error is a :class:`SopError`. The names below
are imported on first use, not with the package: ``sop --help`` and ``sop show``
must not pay for pydantic and markdown-it before they print anything.
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:  # the same names, imported eagerly for type checkers and readers
    from soplib.audit.ackchain import ChainFinding, ChainReport
    from soplib.audit.anchors import Anchor
    from soplib.audit.blame import Blame, BlameItem, Origin
    from soplib.audit.due import DueReview
    from soplib.audit.history import AsOf, AuditHistory, VersionEntry
    from soplib.audit.report import AuditReport, Grade
    from soplib.audit.verify import Finding, VerifyReport
    from soplib.authority.grants import Grant
    from soplib.authority.office import Profile
    from soplib.clock import parse_date
    from soplib.criteria import CRITERIA
    from soplib.documents.diff import FieldChange, ItemChange, Segment, StructuralDiff, structural, unified
    from soplib.documents.edit import InsertAfter, InsertAtStart, Remove, Replace, apply_edits
    from soplib.documents.model import Audience, Declared, FrontMatter, Item, Ratifier, Section, SopDocument
    from soplib.documents.parse import load, parse
    from soplib.documents.procedure import Procedure, Step, procedures
    from soplib.documents.records import Approver, SopRecord, VersionRecord
    from soplib.documents.sops import SopSummary, SopVersion
    from soplib.errors import (
        ConflictError,
        InvalidInputError,
        NotAllowedError,
        NotFoundError,
        RecordError,
        RefusedError,
        SopError,
        SopFormatError,
        StoreBusyError,
        StoreError,
    )
    from soplib.outputs.redline import redline_html, redline_json, redline_text
    from soplib.outputs.report_render import render_report
    from soplib.people.ackrecords import AckRecord
    from soplib.people.acks import AckOutcome, CarryOver
    from soplib.people.briefings import AttendanceResult, Attendee, BriefedSop, Briefing, Skipped
    from soplib.people.coverage import (
        AckedSop,
        CoverageReport,
        PendingReport,
        PendingSop,
        SopCoverage,
        UnitCoverage,
    )
    from soplib.people.staff import ImportResult, StaffMember
    from soplib.review.log import (
        AbandonEntry,
        AddEntry,
        ApprovalResult,
        ApproveEntry,
        DecisionEntry,
        EvaluationEntry,
        OutcomeEntry,
        ProposalEntry,
        RetractEntry,
        SessionHeader,
        SopReviewStatus,
        TeamMember,
    )
    from soplib.review.session import Review
    from soplib.store import Store

# Public name -> the module that defines it (tests/test_api.py checks this against __all__).
_EXPORTS = {
    "AbandonEntry": "soplib.review.log",
    "AckOutcome": "soplib.people.acks",
    "AckRecord": "soplib.people.ackrecords",
    "AckedSop": "soplib.people.coverage",
    "AddEntry": "soplib.review.log",
    "Anchor": "soplib.audit.anchors",
    "ApprovalResult": "soplib.review.log",
    "ApproveEntry": "soplib.review.log",
    "Approver": "soplib.documents.records",
    "AsOf": "soplib.audit.history",
    "AttendanceResult": "soplib.people.briefings",
    "Attendee": "soplib.people.briefings",
    "Audience": "soplib.documents.model",
    "AuditHistory": "soplib.audit.history",
    "AuditReport": "soplib.audit.report",
    "Blame": "soplib.audit.blame",
    "BlameItem": "soplib.audit.blame",
    "BriefedSop": "soplib.people.briefings",
    "Briefing": "soplib.people.briefings",
    "CRITERIA": "soplib.criteria",
    "CarryOver": "soplib.people.acks",
    "ChainFinding": "soplib.audit.ackchain",
    "ChainReport": "soplib.audit.ackchain",
    "ConflictError": "soplib.errors",
    "CoverageReport": "soplib.people.coverage",
    "DecisionEntry": "soplib.review.log",
    "Declared": "soplib.documents.model",
    "DueReview": "soplib.audit.due",
    "EvaluationEntry": "soplib.review.log",
    "FieldChange": "soplib.documents.diff",
    "Finding": "soplib.audit.verify",
    "FrontMatter": "soplib.documents.model",
    "Grade": "soplib.audit.report",
    "Grant": "soplib.authority.grants",
    "ImportResult": "soplib.people.staff",
    "InsertAfter": "soplib.documents.edit",
    "InsertAtStart": "soplib.documents.edit",
    "InvalidInputError": "soplib.errors",
    "Item": "soplib.documents.model",
    "ItemChange": "soplib.documents.diff",
    "NotAllowedError": "soplib.errors",
    "NotFoundError": "soplib.errors",
    "Origin": "soplib.audit.blame",
    "OutcomeEntry": "soplib.review.log",
    "PendingReport": "soplib.people.coverage",
    "PendingSop": "soplib.people.coverage",
    "Procedure": "soplib.documents.procedure",
    "Profile": "soplib.authority.office",
    "ProposalEntry": "soplib.review.log",
    "Ratifier": "soplib.documents.model",
    "RecordError": "soplib.errors",
    "RefusedError": "soplib.errors",
    "Remove": "soplib.documents.edit",
    "Replace": "soplib.documents.edit",
    "RetractEntry": "soplib.review.log",
    "Review": "soplib.review.session",
    "Section": "soplib.documents.model",
    "Segment": "soplib.documents.diff",
    "SessionHeader": "soplib.review.log",
    "Skipped": "soplib.people.briefings",
    "SopCoverage": "soplib.people.coverage",
    "SopDocument": "soplib.documents.model",
    "SopError": "soplib.errors",
    "SopFormatError": "soplib.errors",
    "SopRecord": "soplib.documents.records",
    "SopReviewStatus": "soplib.review.log",
    "SopSummary": "soplib.documents.sops",
    "SopVersion": "soplib.documents.sops",
    "StaffMember": "soplib.people.staff",
    "Step": "soplib.documents.procedure",
    "Store": "soplib.store",
    "StoreBusyError": "soplib.errors",
    "StoreError": "soplib.errors",
    "StructuralDiff": "soplib.documents.diff",
    "TeamMember": "soplib.review.log",
    "UnitCoverage": "soplib.people.coverage",
    "VerifyReport": "soplib.audit.verify",
    "VersionEntry": "soplib.audit.history",
    "VersionRecord": "soplib.documents.records",
    "apply_edits": "soplib.documents.edit",
    "load": "soplib.documents.parse",
    "parse": "soplib.documents.parse",
    "parse_date": "soplib.clock",
    "procedures": "soplib.documents.procedure",
    "redline_html": "soplib.outputs.redline",
    "redline_json": "soplib.outputs.redline",
    "redline_text": "soplib.outputs.redline",
    "render_report": "soplib.outputs.report_render",
    "structural": "soplib.documents.diff",
    "unified": "soplib.documents.diff",
}

__all__ = [
    "CRITERIA",
    "AbandonEntry",
    "AckOutcome",
    "AckRecord",
    "AckedSop",
    "AddEntry",
    "Anchor",
    "ApprovalResult",
    "ApproveEntry",
    "Approver",
    "AsOf",
    "AttendanceResult",
    "Attendee",
    "Audience",
    "AuditHistory",
    "AuditReport",
    "Blame",
    "BlameItem",
    "BriefedSop",
    "Briefing",
    "CarryOver",
    "ChainFinding",
    "ChainReport",
    "ConflictError",
    "CoverageReport",
    "DecisionEntry",
    "Declared",
    "DueReview",
    "EvaluationEntry",
    "FieldChange",
    "Finding",
    "FrontMatter",
    "Grade",
    "Grant",
    "ImportResult",
    "InsertAfter",
    "InsertAtStart",
    "InvalidInputError",
    "Item",
    "ItemChange",
    "NotAllowedError",
    "NotFoundError",
    "Origin",
    "OutcomeEntry",
    "PendingReport",
    "PendingSop",
    "Procedure",
    "Profile",
    "ProposalEntry",
    "Ratifier",
    "RecordError",
    "RefusedError",
    "Remove",
    "Replace",
    "RetractEntry",
    "Review",
    "Section",
    "Segment",
    "SessionHeader",
    "Skipped",
    "SopCoverage",
    "SopDocument",
    "SopError",
    "SopFormatError",
    "SopRecord",
    "SopReviewStatus",
    "SopSummary",
    "SopVersion",
    "StaffMember",
    "Step",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StructuralDiff",
    "TeamMember",
    "UnitCoverage",
    "VerifyReport",
    "VersionEntry",
    "VersionRecord",
    "__version__",
    "apply_edits",
    "load",
    "parse",
    "parse_date",
    "procedures",
    "redline_html",
    "redline_json",
    "redline_text",
    "render_report",
    "structural",
    "unified",
]


def _version() -> str:
    # importlib.metadata costs ~40 ms: paid when the version is asked for, not at import.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("soplib")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> object:
    if name == "__version__":
        globals()["__version__"] = value = _version()
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'soplib' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


# Warnings are for the program using soplib to show, not for Python's last-resort stderr handler.
