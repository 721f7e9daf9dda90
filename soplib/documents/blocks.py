"""The body's top-level blocks: headings, list items, table rows, paragraphs, other blocks.

:func:`body_blocks` reads them with markdown-it-py (CommonMark plus GFM tables),
block structure only. Almost every SOP body is headings, numbered or bulleted steps (with indented
sub-steps), plain paragraphs and pipe tables. For such a body the block
structure CommonMark (and markdown-it) gives is plain from each line's first
characters, so :func:`plain_blocks` reads it in one pass over the lines, about
ten times faster than markdown-it's block parser; an import of hundreds of SOPs
spent most of its time in markdown-it.

Anything else (a code block, a quote, HTML, a thematic break, a setext heading,
a tab, a line that could be read two ways) makes it return ``None``, and the
caller asks markdown-it. What it does accept it reads exactly as markdown-it
does: tests/test_blocks.py compares the two on generated bodies built from
these lines and the ones that are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from soplib.documents.model import ItemKind, Section

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# A list marker as CommonMark reads one: ASCII digits only (``\d`` would take any script's digits).
_MARKER = re.compile(r"([-*+]|[0-9]{1,9}[.)])( {1,4})(?=\S)")
_ORDERED = re.compile(r"[0-9]{1,9}[.)](?: |$)")
_HEADING = re.compile(r"(#{1,6}) +(\S.*)")
_DELIMITER = re.compile(r"\|(?: *:?-+:? *\|)+ *")
# Whitespace other than the space: Python's strip() and markdown-it's differ on it (U+0085, U+001C ...).
_OTHER_SPACE = re.compile(r"[^\S ]")
_MAX_CELLS = 0x10000  # markdown-it stops a table whose rows leave more cells than this empty

_LIST_MARKER = re.compile(r"^(\s*)([-+*]|\d{1,9}[.)])([ \t]+|$)")
_BLANK, _TEXT, _ITEM, _HEADING_LINE, _TABLE, _INDENTED = range(6)


@dataclass
class Block:
    """One top-level block: a list item, a table body row, a paragraph or another block."""

    kind: ItemKind
    start: int  # 0-based, into the whole file
    end: int  # exclusive
    text: str
    marker: str = ""
    cells: tuple[str, ...] = ()


def split_cells(row: str) -> list[str]:
    """The cells of a GFM table row as written (``| a | b\\|c |`` -> ``['a', 'b\\|c']``)."""
    row = row.strip()
    row = row.removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)]


def unescape_cell(cell: str) -> str:
    """A GFM cell as a person reads it: ``\\|`` is a literal pipe."""
    return cell.replace("\\|", "|")


def list_item_text(lines: Sequence[str]) -> tuple[str, str]:
    """(text without its marker and indentation, marker) of a list item's lines."""
    first = lines[0].rstrip("\r\n")
    m = _LIST_MARKER.match(first)
    if not m:
        return first.strip(), ""
    width = len(m.group(0))
    out = [first[width:]]
    for line in lines[1:]:
        stripped = line.rstrip("\r\n")
        indent = len(stripped) - len(stripped.lstrip(" "))
        out.append(stripped[min(indent, width) :])
    return "\n".join(out).strip(), m.group(2)


def _row(lines: list[str], index: int) -> Block:
    cells = split_cells(lines[index])
    return Block("table_row", index, index + 1, " | ".join(cells), cells=tuple(map(unescape_cell, cells)))


def body_blocks(lines: list[str], offset: int) -> list[Block | Section]:
    """The blocks of the body ``lines[offset:]`` (``lines`` ends kept), in order."""
    plain = plain_blocks(lines, offset)
    return plain if plain is not None else list(markdown_blocks(lines, offset))


def _plain(text: str) -> bool:
    # A line start that opens no block of its own: a letter or a digit that is not a list number.
    return text[:1].isalnum() and not _ORDERED.match(text)


def _classify(line: str) -> tuple[int, int, int]:
    """(class, indent, content width of a list item) of one line, or (-1, 0, 0) for a refused one."""
    if not line.strip(" "):
        return _BLANK, 0, 0
    first = line[0]
    if first == " ":
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if _plain(content):
            return _INDENTED, indent, 0
        m = _MARKER.match(content)
        if m and _plain(content[m.end() :]):
            return _INDENTED, indent, m.end()  # a sub-step: its marker's width
        return -1, 0, 0
    if first == "#":
        m = _HEADING.fullmatch(line)
        return (_HEADING_LINE, len(m.group(1)), 0) if m and not line.rstrip(" ").endswith("#") else (-1, 0, 0)
    if first == "|":
        return _TABLE, 0, 0
    m = _MARKER.match(line)
    if m:
        return (_ITEM, 0, m.end()) if _plain(line[m.end() :]) else (-1, 0, 0)
    if _plain(line):
        return _TEXT, 0, 0
    return -1, 0, 0


def _columns(row: str) -> int:
    # As markdown-it counts a header's cells: the row trimmed, split at "|", an empty first and last
    # cell dropped (only spaces are trimmed: a row with other whitespace is refused before this).
    cells = row.strip(" ").split("|")
    return len(cells) - (cells[0] == "") - (len(cells) > 1 and cells[-1] == "")


def plain_blocks(lines: list[str], offset: int) -> list[Block | Section] | None:
    """The blocks of the body ``lines[offset:]``, or None if it is not plainly written."""
    body = [line[:-1] if line.endswith("\n") else line for line in lines[offset:]]
    if any("\t" in line or "\r" in line or "\0" in line for line in body):
        return None
    kinds = [_classify(line) for line in body]
    out: list[Block | Section] = []
    n = len(body)
    i = 0
    while i < n:
        kind, indent, width = kinds[i]
        if kind == _BLANK:
            i += 1
        elif kind == _HEADING_LINE:
            if i + 1 < n and kinds[i + 1][0] == _TABLE:
                return None  # markdown-it tries a table first: "# A | B" over "|---|---|" is its header
            title = body[i][indent:].strip()
            out.append(Section(slug="", title=title, level=indent, line=offset + i + 1))
            i += 1
        elif kind == _TEXT:
            start, i = i, i + 1
            while i < n and kinds[i][0] in (_TEXT, _INDENTED) and _plain(body[i].lstrip(" ")):
                i += 1
            if i < n and not _interrupts(kinds[i][0], body[i]):
                return None
            text = "".join(lines[offset + start : offset + i]).strip()
            out.append(Block("paragraph", offset + start, offset + i, text))
        elif kind == _ITEM:
            end = _item_end(kinds, i, width)
            if end is None:
                return None
            text, marker = list_item_text(lines[offset + i : offset + end])
            out.append(Block("list_item", offset + i, offset + end, text, marker))
            i = end
            while i < n and kinds[i][0] == _BLANK:
                i += 1
            # Next: another item, a heading, or (after a blank line) a paragraph or a table.
            if i < n and kinds[i][0] not in (_ITEM, _HEADING_LINE, _TEXT, _TABLE):
                return None
            if i < n and kinds[i][0] == _TABLE and kinds[i - 1][0] != _BLANK:
                return None
        elif kind == _TABLE:
            header = body[i]
            if i + 1 >= n or not _DELIMITER.fullmatch(body[i + 1].rstrip(" ")):
                return None
            if "\\" in header or _OTHER_SPACE.search(header):
                return None
            columns = _columns(header)
            if columns < 1 or columns != _columns(body[i + 1]):
                return None
            end = i + 2
            while end < n and kinds[end][0] == _TABLE:
                end += 1
            if (end < n and kinds[end][0] != _BLANK) or (end - i) * columns > _MAX_CELLS:
                return None
            out.extend(_row(lines, offset + row) for row in range(i + 2, end))
            i = end
        else:
            return None
    return out


def _interrupts(kind: int, line: str) -> bool:
    # What may end a paragraph here: a blank line, a heading, a bullet, or a numbered step 1.
    if kind in (_BLANK, _HEADING_LINE):
        return True
    if kind == _ITEM:
        return line[0] in "-*+" or int(re.split(r"[.)]", line, maxsplit=1)[0]) == 1
    return False


def _item_end(kinds: list[tuple[int, int, int]], start: int, width: int) -> int | None:
    """The line after the last one of the list item at ``start``; None if that is not plain.

    Plain here: the item's text, sub-steps whose markers stand exactly under that text (one level),
    continuation lines indented at least that far, and lazy continuations. Anything else (deeper
    or uneven nesting, where CommonMark may find an indented code block) is left to markdown-it.
    """
    last, blank, sub, i = start, False, 0, start + 1  # sub: the text column of the open sub-step
    while i < len(kinds):
        kind, indent, marker = kinds[i]
        if kind == _BLANK:
            blank = True
        elif kind == _INDENTED:
            if marker:
                if indent != width:
                    return None
                sub = indent + marker
            elif blank:
                # After a blank line: a paragraph of the item, or of its sub-step (at most three
                # columns further in, so never an indented code block).
                if indent == width:
                    sub = 0
                elif not (sub and indent == sub and sub - width <= 3):
                    return None
            elif indent < width:
                return None
            last, blank = i, False
        elif kind == _TEXT and not blank:
            last = i  # a lazy continuation of the paragraph open in the item
        else:
            break
        i += 1
    return last + 1


# -- markdown-it, for every other body ---------------------------------------------------


def _trim(lines: list[str], start: int, end: int) -> int:
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def markdown_blocks(lines: list[str], offset: int) -> Iterable[Block | Section]:
    """:func:`body_blocks` by markdown-it's block parser (imported when first needed)."""
    tokens = _table_body_only(_markdown().parse("".join(lines[offset:])))
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.level != 0 or tok.map is None or tok.nesting == -1:
            i += 1
            continue
        start, end = tok.map[0] + offset, tok.map[1] + offset
        if tok.type == "heading_open":
            title = tokens[i + 1].content.strip()
            yield Section(slug="", title=title, level=int(tok.tag[1]), line=start + 1)
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            for sub in tokens[i + 1 :]:
                if sub.level == 0:
                    break
                if sub.type == "list_item_open" and sub.level == 1 and sub.map:
                    s, e = sub.map[0] + offset, sub.map[1] + offset
                    e = _trim(lines, s, e)
                    text, marker = list_item_text(lines[s:e])
                    yield Block("list_item", s, e, text, marker)
        elif tok.type == "table_open":
            for sub in tokens[i + 1 :]:
                if sub.level == 0:
                    break
                if sub.type == "tr_open" and sub.level == 2 and sub.map:
                    yield _row(lines, sub.map[0] + offset)
        elif tok.type == "paragraph_open":
            e = _trim(lines, start, end)
            yield Block("paragraph", start, e, "".join(lines[start:e]).strip())
        else:
            e = _trim(lines, start, end)
            yield Block("block", start, e, "".join(lines[start:e]).strip())
        i += 1


_MD: list[MarkdownIt] = []


def _markdown() -> MarkdownIt:
    # Block structure only: items are read from the block tokens and the source lines (a heading's
    # text is its inline token's content, which the block parser sets), so the inline pass, a fifth
    # of markdown-it's time, is switched off.
    if not _MD:
        from markdown_it import MarkdownIt

        _MD.append(MarkdownIt("commonmark").enable("table").disable("inline"))
    return _MD[0]


def _table_body_only(tokens: list[Token]) -> list[Token]:
    # Header rows (inside thead) are part of the table's frame, not reviewable rows.
    out, in_head = [], False
    for tok in tokens:
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif in_head and tok.type == "tr_open":
            continue
        out.append(tok)
    return out
