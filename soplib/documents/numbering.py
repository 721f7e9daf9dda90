"""Step numbers after a revision: renumbered when they were a plain 1..n sequence.

Removing step 4 of a numbered list leaves 1, 2, 3, 5 ...; adding a step after
8 gives a second 9. On approval, an ordered list's markers and a table's number
column are rewritten as 1..n again, but only where the version under review
numbered them exactly 1..n: numbering a person chose (9a, 3.1, 1-A) is left as
written and reported. Only the number changes on a line; the rest of every
line stays byte for byte.

    >>> text, notes = renumber(old_doc, new_doc)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from soplib.documents.model import Item, SopDocument
from soplib.documents.procedure import column_of, runs, table_header

_MARKER = re.compile(r"^(\s*)(\d{1,9})([.)])")
_CELL_NUMBER = re.compile(r"^(\s*\|?\s*)(\d{1,9})(\.?)(\s*(?:\||$))")


def _numbers(doc: SopDocument, run: list[Item]) -> list[str] | None:
    """The numbers of a run as written, or None when it has no numbering (bullets, no No column)."""
    first = run[0]
    if first.kind == "list_item":
        if not first.marker[:1].isdigit():
            return None
        return [i.marker.rstrip(".)") for i in run]
    if first.kind == "table_row":
        header = table_header(doc, first)
        if not header or column_of(header[0]).role != "number":
            return None
        return [i.cells[0].strip().rstrip(".") if i.cells else "" for i in run]
    return None


def _plain(numbers: list[str]) -> bool:
    return numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _key(doc: SopDocument, run: list[Item]) -> tuple[str, str, int]:
    """Which block a run is: its section, kind and place among that section's blocks of that kind."""
    first = run[0]
    same = [r for r in runs(doc.body_items) if r[0].section == first.section and r[0].kind == first.kind]
    return first.section, first.kind, next(n for n, r in enumerate(same) if r[0].key == first.key)


def _number(n: int) -> Callable[[re.Match[str]], str]:
    def put(m: re.Match[str]) -> str:
        return f"{m.group(1)}{n}{m.group(3)}" + (m.group(4) if m.lastindex == 4 else "")

    return put


def renumber(old: SopDocument, new: SopDocument) -> tuple[str, list[str]]:
    """``new``'s text with plain 1..n numbering restored where ``old`` had it; and notes on what was left."""
    plain_before = {}
    for run in runs(old.body_items):
        numbers = _numbers(old, run)
        if numbers is not None:
            plain_before[_key(old, run)] = _plain(numbers)
    lines = new.lines
    notes: list[str] = []
    for run in runs(new.body_items):
        numbers = _numbers(new, run)
        if numbers is None or _plain(numbers):
            continue
        block = _key(new, run)
        if not plain_before.get(block, False):
            title = run[0].section
            notes.append(
                f"{title}: numbering kept as written ({', '.join(numbers[:6])}"
                + (" ...)" if len(numbers) > 6 else ")")
            )
            continue
        for n, item in enumerate(run, start=1):
            index = item.start_line - 1
            pattern = _MARKER if item.kind == "list_item" else _CELL_NUMBER
            lines[index] = pattern.sub(_number(n), lines[index], count=1)
    return "".join(lines), notes
