"""Audit anchors: recorded heads of ``main`` that a later rewrite of history cannot hide.

:func:`anchor` records the current head three ways: a file ``audit/anchors/<n>.json``
in the store, the tag ``audit/anchor-<n>`` at the anchor commit (outside the
branch, so a reset does not remove it), and the :class:`Anchor` returned, which
the CLI writes as a receipt the office keeps outside the store.
:func:`soplib.verify.verify` checks every one of them is still in the history.

    >>> receipt = anchor(store, by="ani").to_json()
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sop_store import Snapshot
from soplib.document import read_file
from soplib.errors import InvalidInputError
from soplib.store import Store

ANCHOR_DIR = "audit/anchors"
ANCHOR_TAG = "audit/anchor-"
HEX40 = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Anchor:
    """A recorded head: ``head`` was main's head when anchor ``number`` was made by ``commit``."""

    number: int
    head: str | None
    commit: str
    date: str
    by: str
    tag: str

    def to_json(self) -> dict[str, Any]:
        return {
            "anchor": self.number,
            "head": self.head,
            "commit": self.commit,
            "date": self.date,
            "by": self.by,
            "tag": self.tag,
        }


def list_anchors(snap: Snapshot) -> list[dict[str, Any]]:
    """The anchors recorded in the store at ``snap`` (oldest first)."""
    out = []
    for name in snap.list(ANCHOR_DIR):
        try:
            record = snap.read_json(f"{ANCHOR_DIR}/{name}")
        except ValueError:
            continue
        if isinstance(record, dict):
            out.append(record)
    return sorted(out, key=lambda a: int(a.get("number", 0)))


def anchor(store: Store, *, by: str) -> Anchor:
    """Record the current head of main, in the store and as the tag ``audit/anchor-<n>``.

    The anchor commit itself is what the tag and the returned receipt name, so
    a later :func:`verify` proves that neither this head nor anything before it
    was rewritten. Keep the receipt (``Anchor.to_json()``) outside the store too:
    someone who can rewrite the repository can delete the tag as well.
    """
    with store.transaction(by=by, subject="Record an audit anchor") as tx:
        number = len(tx.list(ANCHOR_DIR)) + 1
        head = tx.commit
        tx.trailer("Sop-Action", "anchor")
        tx.trailer("Sop-Anchor", f"{number} {head}")
        tx.write_json(
            f"{ANCHOR_DIR}/{number:06d}.json",
            {"number": number, "head": head, "date": tx.now_iso, "by": tx.by},
        )
        tag = f"{ANCHOR_TAG}{number}"
        tx.tag(tag)
        date, actor = tx.now_iso, tx.by
    # The tag, not main's head: another writer may already have moved main on.
    commit = store.snapshot().repo.read_ref(f"refs/tags/{tag}")
    assert commit is not None
    return Anchor(number=number, head=head, commit=commit, date=date, by=actor, tag=tag)


def read_receipt(path: Path) -> str:
    """The commit id an anchor receipt (``sop audit anchor --out FILE``) recorded."""
    data = read_file(path)
    try:
        record = json.loads(data.decode("utf-8"))
        commit = record["commit"]
        assert isinstance(commit, str)
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        raise InvalidInputError(
            f"{path} is not an anchor receipt (a JSON object with a 'commit' written by "
            "`sop audit anchor --out`)"
        ) from exc
    return validate_commit_id(commit)


def validate_commit_id(value: str) -> str:
    """A full 40-hex commit id, lower-cased; anything else is refused."""
    text = value.strip().lower()
    if not HEX40.fullmatch(text):
        raise InvalidInputError(f"invalid commit id {value!r}: give the full 40-character id")
    return text
