"""sop_store: git records, written and read in-process.

A store is a bare git repository whose ``main`` branch holds records as files,
changed one commit at a time under a lock, refs moved only by compare-and-swap.
This package knows commits, trees, files, tags and signatures, never what the
records mean (that is ``soplib``'s business); it never imports soplib.
"""

from typing import TYPE_CHECKING

from sop_store.commit import Commit, Person, format_message, one_line, parse_commit, parse_trailers
from sop_store.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    Phrase,
    SopError,
    StoreBusyError,
    StoreError,
)
from sop_store.ids import validate_doc_id, validate_name, validate_path
from sop_store.objects import object_id
from sop_store.refs import BRANCH, anomalies
from sop_store.repo import MODE_BLOB, MODE_TREE, Repository, TreeEntries
from sop_store.snapshot import Snapshot, Transaction, canonical_json
from sop_store.store import GitStore, Signer

__all__ = [
    "BRANCH",
    "MODE_BLOB",
    "MODE_TREE",
    "Commit",
    "ConflictError",
    "GitResult",
    "GitRunner",
    "GitStore",
    "InvalidInputError",
    "NotFoundError",
    "Person",
    "Phrase",
    "Repository",
    "Signer",
    "Snapshot",
    "SopError",
    "StoreBusyError",
    "StoreError",
    "Transaction",
    "TreeEntries",
    "anomalies",
    "canonical_json",
    "format_message",
    "object_id",
    "one_line",
    "parse_commit",
    "parse_trailers",
    "validate_doc_id",
    "validate_name",
    "validate_path",
]


def __getattr__(name: str) -> object:
    # The git runner (subprocess) is only needed to pack, check and sync.
    if name in ("GitRunner", "GitResult"):
        from sop_store import gitcmd

        return getattr(gitcmd, name)
    raise AttributeError(f"module 'sop_store' has no attribute {name!r}")


if TYPE_CHECKING:
    from sop_store.gitcmd import GitResult, GitRunner

# A library logs; whoever runs it decides what is shown. Without this, Python
# prints warnings (a killed writer's debris cleared) on stderr of every program.
