"""sop_store: soplib's persistence, a git repository written in-process.

It knows about commits, files and versioned documents, never about SOPs'
contents; ``soplib`` builds the domain on top of it. It never imports soplib.
"""

import logging as _logging

from sop_store.documents import (
    ACTIVE,
    WITHDRAWN,
    DocInfo,
    VersionInfo,
    blob_id,
    doc_ids,
    doc_info,
    put_version,
    read_version,
    tag_name,
    withdraw,
)
from sop_store.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    SopError,
    StoreBusyError,
    StoreError,
)
from sop_store.ids import validate_doc_id, validate_name, validate_path
from sop_store.store import GitStore, Snapshot, Transaction, iso, parse_trailers

__all__ = [
    "ACTIVE",
    "WITHDRAWN",
    "ConflictError",
    "DocInfo",
    "GitStore",
    "InvalidInputError",
    "NotFoundError",
    "Snapshot",
    "SopError",
    "StoreBusyError",
    "StoreError",
    "Transaction",
    "VersionInfo",
    "blob_id",
    "doc_ids",
    "doc_info",
    "iso",
    "parse_trailers",
    "put_version",
    "read_version",
    "tag_name",
    "validate_doc_id",
    "validate_name",
    "validate_path",
    "withdraw",
]

# A library logs; whoever runs it decides what is shown. Without this, Python
# prints warnings (a killed writer's debris cleared) on stderr of every program.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())
