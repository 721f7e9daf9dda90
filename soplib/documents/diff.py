"""Differences between two versions of an SOP: a unified line diff and a structural diff.

The structural diff compares the *items* of two documents (see
:mod:`soplib.document`) and the fields of their front matter:

- ``kept``: an item whose fingerprint (whitespace-blind text) is unchanged and
  that stays in the same relative order;
- ``removed`` / ``added``: an item only in the old / only in the new version;
- ``changed``: an old item and a new item in the same place whose texts differ
  but are similar (see below), with a word-level redline;
- ``moved``: an item whose fingerprint disappears from one place and appears at
  another.

How "same place" is decided (the rule that makes the diff agree with review
decisions): the two lists of item fingerprints are aligned with
:class:`difflib.SequenceMatcher`. Equal runs are ``kept``. Inside each run of
old items that was replaced by a run of new items, old and new items are paired
by word similarity (``difflib`` ratio over the words, at least
:data:`CHANGE_THRESHOLD`), best pairs first, never crossing an earlier pair, so
the pairing keeps the order of both versions. Paired items are ``changed``;
unpaired old items are ``removed`` and unpaired new items ``added``. Finally a
removed item and an added item with the same fingerprint become one ``moved``.

    >>> d = structural(old_doc, new_doc)
    >>> d.counts()
    {'kept': 6, 'changed': 1, 'removed': 1, 'added': 1, 'moved': 0}
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from soplib.documents.model import LIST_FIELDS, SCALAR_FIELDS, Audience, Item, SopDocument
from soplib.values import Value

__all__ = [
    "CHANGE_THRESHOLD",
    "FieldChange",
    "ItemChange",
    "Segment",
    "StructuralDiff",
    "redline",
    "structural",
    "unified",
]

CHANGE_THRESHOLD = 0.5
"""Minimum word similarity (0..1) for an old and a new item to count as one changed item."""

Status = Literal["kept", "changed", "removed", "added", "moved"]
STATUSES: tuple[Status, ...] = ("kept", "changed", "removed", "added", "moved")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
# Front-matter fields that are not reviewable items: compared as whole values.
OTHER_FIELDS = ("id", "audience", "declared")
# What a new SOP's fields are compared with: each at its default (an audience of everyone).
_EMPTY_FRONT = {"id": None, "audience": Audience().to_json(), "declared": None}
_PART = re.compile(r"\s*(?:\w+|[^\w\s])")


def unified(old: str, new: str, *, old_label: str, new_label: str, context: int = 3) -> str:
    """A unified line diff of two texts, as ``git diff`` would print it."""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=old_label,
        tofile=new_label,
        n=context,
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


@dataclass(frozen=True)
class Segment(Value):
    """A run of a redline: unchanged (``equal``), deleted or inserted text."""

    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True)
class ItemChange(Value):
    """What happened to one item between the two versions."""

    status: Status
    old_key: str | None
    new_key: str | None
    old_text: str | None
    new_text: str | None
    redline: tuple[Segment, ...] = ()

    @property
    def section(self) -> str:
        key = self.new_key or self.old_key or ""
        return key.split("/")[0]


@dataclass(frozen=True)
class FieldChange(Value):
    """A front-matter field that differs; for list fields, the entries added and removed."""

    field: str
    old: Any
    new: Any
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class StructuralDiff(Value):
    """The structural difference between two versions of one SOP (``old`` may be absent: a new SOP)."""

    sop_id: str
    title: str
    old_label: str
    new_label: str
    fields: tuple[FieldChange, ...]
    items: tuple[ItemChange, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """How many items have each status (every status present, zero if none)."""
        out: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for change in self.items:
            out[change.status] += 1
        return out

    @property
    def is_unchanged(self) -> bool:
        return not self.fields and all(c.status == "kept" for c in self.items)

    def _json_extra(self) -> dict[str, Any]:
        return {"counts": self.counts()}


def _words(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if not t.isspace()]


def similarity(a: str, b: str) -> float:
    """Word similarity of two texts, 0..1 (difflib's ratio over their words)."""
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def _word_parts(text: str) -> list[str]:
    # Each part is a word or punctuation mark with the whitespace before it, so the
    # redline reads as whole words ("[- meja layanan-]") rather than stray spaces.
    parts = _PART.findall(text)
    tail = text[len("".join(parts)) :]
    if tail:
        parts.append(tail)
    return parts


def _part_key(part: str) -> str:
    return (" " if part[:1].isspace() else "") + part.strip()


def redline(old: str, new: str) -> tuple[Segment, ...]:
    """A word-level redline turning ``old`` into ``new``; adjacent runs of one kind are merged."""
    a, b = _word_parts(old), _word_parts(new)
    out: list[Segment] = []

    def push(op: Literal["equal", "delete", "insert"], text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    matcher = difflib.SequenceMatcher(
        None, [_part_key(p) for p in a], [_part_key(p) for p in b], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            push("equal", "".join(a[i1:i2]))
            continue
        push("delete", "".join(a[i1:i2]))
        push("insert", "".join(b[j1:j2]))
    return tuple(out)


def _pair(old: Sequence[Item], new: Sequence[Item]) -> list[tuple[int, int]]:
    """Order-preserving pairs (old index, new index) of similar items, best first."""
    scored = sorted(
        (
            (similarity(o.text, n.text), i, j)
            for i, o in enumerate(old)
            for j, n in enumerate(new)
            if o.kind == n.kind
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    pairs: list[tuple[int, int]] = []
    for score, i, j in scored:
        if score < CHANGE_THRESHOLD:
            break
        if any(i == pi or j == pj or (i < pi) != (j < pj) for pi, pj in pairs):
            continue
        pairs.append((i, j))
    return sorted(pairs)


def _replace_block(old: Sequence[Item], new: Sequence[Item]) -> list[ItemChange]:
    out: list[ItemChange] = []
    i = j = 0
    for pi, pj in [*_pair(old, new), (len(old), len(new))]:
        out += [_removed(o) for o in old[i:pi]]
        out += [_added(n) for n in new[j:pj]]
        if pi < len(old):
            o, n = old[pi], new[pj]
            out.append(ItemChange("changed", o.key, n.key, o.text, n.text, redline(o.text, n.text)))
        i, j = pi + 1, pj + 1
    return out


def _removed(item: Item) -> ItemChange:
    return ItemChange("removed", item.key, None, item.text, None)


def _added(item: Item) -> ItemChange:
    return ItemChange("added", None, item.key, None, item.text)


def _moves(changes: list[ItemChange], old: Sequence[Item], new: Sequence[Item]) -> list[ItemChange]:
    """Fold a removed item and an added item with the same fingerprint into one ``moved``."""
    old_fp = {i.key: i.fingerprint for i in old}
    new_fp = {i.key: i.fingerprint for i in new}
    removed: dict[str, list[int]] = {}
    for n, c in enumerate(changes):
        if c.status == "removed" and c.old_key:
            removed.setdefault(old_fp[c.old_key], []).append(n)
    drop: set[int] = set()
    out = list(changes)
    for n, c in enumerate(changes):
        if c.status != "added" or not c.new_key:
            continue
        candidates = removed.get(new_fp[c.new_key])
        if candidates:
            k = candidates.pop(0)
            drop.add(k)
            was = changes[k]
            out[n] = ItemChange("moved", was.old_key, c.new_key, was.old_text, c.new_text)
    return [c for n, c in enumerate(out) if n not in drop]


def _list_field(value: Any) -> bool:
    return isinstance(value, list)


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    """The front-matter fields that differ (in the order of :data:`FIELDS`)."""
    out = []
    for name in OTHER_FIELDS:
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        if _list_field(a) or _list_field(b):
            a_list, b_list = list(a or []), list(b or [])
            added = tuple(str(v) for v in b_list if v not in a_list)
            removed = tuple(str(v) for v in a_list if v not in b_list)
            out.append(FieldChange(name, a, b, added, removed))
        else:
            out.append(FieldChange(name, a, b))
    return tuple(out)


def structural(
    old: SopDocument | None,
    new: SopDocument,
    *,
    old_label: str = "old",
    new_label: str = "new",
) -> StructuralDiff:
    """The structural diff of two versions of an SOP (``old=None``: everything is added).

    The identity part is compared field by field (an entry never pairs with an
    entry of another field, nor with a step), then the body as one sequence.
    """
    old_items = old.items if old is not None else ()
    changes: list[ItemChange] = []
    for part in (*SCALAR_FIELDS, *LIST_FIELDS, None):
        a = tuple(i for i in old_items if (i.section == part if part else not i.is_identity))
        b = tuple(i for i in new.items if (i.section == part if part else not i.is_identity))
        if part in SCALAR_FIELDS and len(a) == len(b) == 1 and a[0].fingerprint != b[0].fingerprint:
            # One field, one value: a new value is that field changed, however unlike the old one
            # (a review's `replace title` is a change, and blame must find its decision).
            o, n = a[0], b[0]
            changes.append(ItemChange("changed", o.key, n.key, o.text, n.text, redline(o.text, n.text)))
            continue
        changes += _moves(_align(a, b), a, b)
    old_front = old.front.to_json() if old is not None else _EMPTY_FRONT
    return StructuralDiff(
        sop_id=new.id,
        title=new.title,
        old_label=old_label,
        new_label=new_label,
        fields=field_changes(old_front, new.front.to_json()),
        items=tuple(changes),
    )


def _align(old_items: Sequence[Item], new_items: Sequence[Item]) -> list[ItemChange]:
    matcher = difflib.SequenceMatcher(
        None, [i.fingerprint for i in old_items], [i.fingerprint for i in new_items], autojunk=False
    )
    changes: list[ItemChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes += [
                ItemChange("kept", o.key, n.key, o.text, n.text)
                for o, n in zip(old_items[i1:i2], new_items[j1:j2], strict=True)
            ]
        elif tag == "delete":
            changes += [_removed(o) for o in old_items[i1:i2]]
        elif tag == "insert":
            changes += [_added(n) for n in new_items[j1:j2]]
        else:
            changes += _replace_block(old_items[i1:i2], new_items[j1:j2])
    return changes
