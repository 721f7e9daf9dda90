"""soplib: an office's SOPs as versioned Markdown in a git store.

Reviewed step by step, approved, acknowledged by the staff they apply to, and
auditable years later. Start with :class:`Store`::

    from soplib import Store, load
    store = Store.init("sop-store")
    store.add([load("kpu-01.md")], by="ani")
"""

from soplib.dates import parse_date
from soplib.diff import FieldChange, ItemChange, Segment, StructuralDiff, structural, unified
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
from soplib.render import render_html, render_json, render_text
from soplib.review import Review
from soplib.review_log import CRITERIA, ApprovalResult, LogEntry, SessionHeader, SopReviewStatus
from soplib.store import HistoryEntry, SopSummary, SopVersion, Store

__all__ = [
    "CRITERIA",
    "ApprovalResult",
    "Audience",
    "ConflictError",
    "FieldChange",
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
    "apply_edits",
    "load",
    "parse",
    "parse_date",
    "render_html",
    "render_json",
    "render_text",
    "structural",
    "unified",
]
