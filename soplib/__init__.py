"""soplib: an office's SOPs as versioned Markdown in a git store.

Reviewed step by step, approved, acknowledged by the staff they apply to, and
auditable years later. Start with :class:`Store`::

    from soplib import Store, load
    store = Store.init("sop-store")
    store.add([load("kpu-01.md")], by="ani")
"""

from soplib.anchor import Anchor, anchor
from soplib.audit import AsOf, AuditHistory, VersionRecord, as_of, audit_history, in_force
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
from soplib.review_log import CRITERIA, ApprovalResult, LogEntry, SessionHeader, SopReviewStatus
from soplib.store import HistoryEntry, SopSummary, SopVersion, Store
from soplib.verify import Finding, VerifyReport, verify

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
