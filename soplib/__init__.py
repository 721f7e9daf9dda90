"""soplib: an office's SOPs as versioned Markdown in a git store.

Reviewed step by step, approved, acknowledged by the staff they apply to, and
auditable years later. Start with :class:`Store`::

    from soplib import Store, load
    store = Store.init("sop-store")
    store.add([load("kpu-01.md")], by="ani")
"""

from soplib.ack import AckOutcome, AckRecord, ChainFinding, ChainReport, acknowledge, list_acks, verify_chain
from soplib.briefing import (
    AttendanceResult,
    Briefing,
    create_briefing,
    get_briefing,
    list_briefings,
    record_attendance,
)
from soplib.coverage import CoverageReport, PendingReport, SopCoverage, coverage, pending
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
from soplib.staff import (
    ImportResult,
    StaffMember,
    deactivate_staff,
    get_staff,
    import_staff,
    list_staff,
)
from soplib.store import HistoryEntry, SopSummary, SopVersion, Store

__all__ = [
    "AckOutcome",
    "AckRecord",
    "AttendanceResult",
    "Audience",
    "Briefing",
    "ChainFinding",
    "ChainReport",
    "ConflictError",
    "CoverageReport",
    "FrontMatter",
    "HistoryEntry",
    "ImportResult",
    "InsertAfter",
    "InsertAtStart",
    "InvalidInputError",
    "Item",
    "NotFoundError",
    "PendingReport",
    "RefusedError",
    "Remove",
    "Replace",
    "Section",
    "SopCoverage",
    "SopDocument",
    "SopError",
    "SopFormatError",
    "SopSummary",
    "SopVersion",
    "StaffMember",
    "Store",
    "StoreBusyError",
    "StoreError",
    "acknowledge",
    "apply_edits",
    "coverage",
    "create_briefing",
    "deactivate_staff",
    "get_briefing",
    "get_staff",
    "import_staff",
    "list_acks",
    "list_briefings",
    "list_staff",
    "load",
    "parse",
    "parse_date",
    "pending",
    "record_attendance",
    "unified",
    "verify_chain",
]
