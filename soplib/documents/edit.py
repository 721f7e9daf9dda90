"""Line-preserving edits of a document: remove, replace, insert items (body and identity part).

Every edit names items of the *original* version by key, so a list of edits
(a review session's decisions) applies in one pass: lines of items nobody
touched are copied byte for byte, and only the touched items' lines change.
New text is formatted like its neighbours: a list item gets the list's marker,
a table row gets pipes, a paragraph gets blank lines around it.

    >>> new_text = apply_edits(doc, [Remove("prosedur/2"), InsertAfter("prosedur/3", "Arsipkan berkas.")])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from soplib.documents.blocks import split_cells
from soplib.documents.model import LIST_FIELDS, SCALAR_FIELDS, Item, SopDocument, validate_key
from soplib.errors import InvalidInputError, NotFoundError
from soplib.values import Value


@dataclass(frozen=True)
class Remove(Value):
    """Remove the item ``key``."""

    key: str


@dataclass(frozen=True)
class Replace(Value):
    """Replace the text of item ``key`` (a table row: the whole row, ``a | b | c``)."""

    key: str
    text: str


@dataclass(frozen=True)
class InsertAfter(Value):
    """Insert a new item after item ``key``."""

    key: str
    text: str


@dataclass(frozen=True)
class InsertAtStart(Value):
    """Insert at the start of a section, or as the first entry of a list field (before its first item)."""

    section: str
    text: str


Edit = Remove | Replace | InsertAfter | InsertAtStart


def _newline(doc: SopDocument) -> str:
    first = doc.text.split("\n", 1)[0]
    return "\r\n" if first.endswith("\r") else "\n"


def _clean(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.strip("\n").replace("\r\n", "\n").split("\n")]
    if not any(lines) or not text.strip():
        raise InvalidInputError("the new text is empty; give the text of the step")
    return lines


def _next_marker(marker: str) -> str:
    m = re.fullmatch(r"(\d+)([.)])", marker)
    return f"{int(m.group(1)) + 1}{m.group(2)}" if m else marker


def format_item(like: Item, text: str, *, nl: str, indent: str = "", marker: str | None = None) -> list[str]:
    """``text`` as source lines of an item of the same kind as ``like``."""
    lines = _clean(text)
    if like.kind == "list_item":
        mark = marker if marker is not None else like.marker
        pad = " " * (len(mark) + 1)
        out = [f"{indent}{mark} {lines[0]}"]
        out += [f"{indent}{pad}{line}" if line else "" for line in lines[1:]]
        return [line + nl for line in out]
    if like.kind == "table_row":
        if len(lines) != 1:
            raise InvalidInputError("a table row must be one line: separate its cells with '|'")
        cells = split_cells(lines[0])
        return ["| " + " | ".join(cells) + " |" + nl]
    return [line + nl for line in lines]


def _paragraph(text: str, nl: str) -> list[str]:
    return [nl, *(line + nl for line in _clean(text))]


def _check(doc: SopDocument, edits: Sequence[Edit]) -> None:
    touched: set[str] = set()
    for edit in edits:
        if isinstance(edit, InsertAtStart):
            if edit.section not in {s.slug for s in doc.sections} | {"preamble", *LIST_FIELDS}:
                slugs = ", ".join(s.slug for s in doc.sections)
                raise NotFoundError(
                    "{id} has no section {section} (sections: {slugs})",
                    id=doc.id,
                    section=repr(edit.section),
                    slugs=slugs,
                )
            continue
        doc.item(validate_key(edit.key))
        if isinstance(edit, (Remove, Replace)):
            if edit.key in touched:
                raise InvalidInputError("item {key} is removed or replaced twice", key=edit.key)
            touched.add(edit.key)


def _is_identity(edit: Edit) -> bool:
    if isinstance(edit, InsertAtStart):
        return edit.section in LIST_FIELDS
    return edit.key.partition("/")[0] in (*LIST_FIELDS, *SCALAR_FIELDS)


def apply_edits(doc: SopDocument, edits: Iterable[Edit]) -> str:
    """The text of ``doc`` with ``edits`` applied; untouched lines stay byte-identical."""
    from soplib.documents.identity import apply_identity

    edits = list(edits)
    _check(doc, edits)
    nl = _newline(doc)
    identity = [e for e in edits if _is_identity(e)]
    edits = [e for e in edits if not _is_identity(e)]
    lines = doc.lines
    if identity:
        before = len(lines)
        lines = apply_identity(doc, identity, lines, nl=nl)
        if len(lines) != before:  # the body moved: parse the new text and edit that
            from soplib.documents.parse import parse

            moved = parse("".join(lines), source=doc.id)
            # Body keys do not change when only the front matter moved: the same items, other lines.
            return _apply_body(moved, edits, moved.lines, nl)
    return _apply_body(doc, edits, lines, nl)


def _apply_body(doc: SopDocument, edits: list[Edit], lines: list[str], nl: str) -> str:
    by_start = {item.start_line - 1: item for item in doc.body_items}
    removed = {e.key for e in edits if isinstance(e, Remove)}
    replaced = {e.key: e.text for e in edits if isinstance(e, Replace)}
    after: dict[str, list[str]] = {}
    for e in edits:
        if isinstance(e, InsertAfter):
            after.setdefault(e.key, []).append(e.text)
    at_start: dict[str, list[str]] = {}
    for e in edits:
        if isinstance(e, InsertAtStart):
            at_start.setdefault(e.section, []).append(e.text)
    heading_lines = {s.line - 1: s.slug for s in doc.sections}

    out: list[str] = []
    i = 0
    pending_start: dict[str, list[str]] = {}
    while i < len(lines):
        if i in heading_lines:
            slug = heading_lines[i]
            out.append(lines[i])
            i += 1
            if slug in at_start:
                pending_start[slug] = at_start.pop(slug)
                first = doc.section_items(slug)
                if not first:
                    for text in pending_start.pop(slug):
                        out += _paragraph(text, nl)
            continue
        item = by_start.get(i)
        if item is None:
            out.append(lines[i])
            i += 1
            continue
        if item.section in pending_start:
            for text in pending_start.pop(item.section):
                out += _new_before(item, text, nl)
        end = item.end_line
        inserts = after.get(item.key, [])
        if item.key in removed:
            gap = end < len(lines) and not lines[end].strip()
            if item.kind in ("paragraph", "block") and gap and not inserts:
                end += 1  # a removed paragraph takes its blank line with it
        elif item.key in replaced:
            out += _replacement(item, replaced[item.key], lines, nl)
        else:
            out += lines[item.start_line - 1 : end]
        for text in inserts:
            new = _new_after(item, text, lines, nl)
            if item.kind in ("paragraph", "block"):
                new = new[1:] if not out or not out[-1].strip() else new
            out += new
        if inserts and item.kind in ("paragraph", "block") and end < len(lines) and lines[end].strip():
            out.append(nl)
        i = end
    if "preamble" in at_start:
        raise InvalidInputError("add after an item of the text before the first heading, not at its start")
    return "".join(out)


def _indent(item: Item, lines: Sequence[str]) -> str:
    line = lines[item.start_line - 1]
    return line[: len(line) - len(line.lstrip(" "))]


def _replacement(item: Item, text: str, lines: Sequence[str], nl: str) -> list[str]:
    if item.kind in ("paragraph", "block"):
        return [line + nl for line in _clean(text)]
    return format_item(item, text, nl=nl, indent=_indent(item, lines))


def _new_after(item: Item, text: str, lines: Sequence[str], nl: str) -> list[str]:
    if item.kind in ("paragraph", "block"):
        return _paragraph(text, nl)
    marker = _next_marker(item.marker) if item.kind == "list_item" else None
    return format_item(item, text, nl=nl, indent=_indent(item, lines), marker=marker)


def _new_before(item: Item, text: str, nl: str) -> list[str]:
    if item.kind in ("paragraph", "block"):
        return [*(line + nl for line in _clean(text)), nl]
    return format_item(item, text, nl=nl)
