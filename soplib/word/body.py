"""The body of a Word SOP walked in order: identity tables, the procedure, headings, lists, paragraphs.

What comes before the first identity table is the office heading and the
document's title (reported, not kept). Tables are told apart by their
content: an identity table has identity labels, a procedure table a
``Kegiatan`` column, any other table is kept as a plain Markdown table.
Headings (Word's Heading styles) start sections; numbered and bulleted
paragraphs (Word numbering, or ``1.`` / ``-`` typed) become Markdown lists; a
closing signature block (a name over a NIP line) is read as the ratifier when
the identity table has none.

    >>> body = read_body(document, words, report, source="sop.docx")
    >>> body.markdown.splitlines()[0]
    '# Prosedur'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from soplib.documents.rows import escape_cell
from soplib.i18n import _
from soplib.word.cells import CellContent, W, WordText, inline_text, shapes
from soplib.word.grid import distinct, table_grid
from soplib.word.identity import Identity, ratifier
from soplib.word.labels import field_of
from soplib.word.proctable import header_row, read_procedure
from soplib.word.report import Collector

HEADING_STYLE = re.compile(r"^(?:heading|judul)\s*([1-6])$", re.IGNORECASE)
MARKDOWN_STYLE = "Markdown"  # sop export's style for a block kept verbatim (a quote, a code block)
_TYPED_ITEM = re.compile(r"^(?:(\d{1,3})[.)]|([a-z])[.)]|([-•*▪●–]))\s+(.*)$", re.DOTALL)
_NIP_LINE = re.compile(r"^(?:nip|nrp)\b", re.IGNORECASE)
_BLOCK_START = re.compile(r"^(\s*)([#>+*=`~|<-]|\d{1,9}[.)])")


@dataclass
class _List:
    kind: str  # "number" | "bullet"
    lines: list[str] = field(default_factory=list)
    counters: dict[int, int] = field(default_factory=dict)


@dataclass
class Body:
    """The Markdown body and the identity fields found on the way."""

    blocks: list[str] = field(default_factory=list)
    identity: Identity = field(default_factory=Identity)
    procedures: int = 0

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.blocks) + "\n"


def _children(element: Any) -> Iterator[Any]:
    for child in element:
        if child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent")
            yield from _children(content if content is not None else child)
        elif child.tag in (W + "p", W + "tbl"):
            yield child


def _escape_line(line: str) -> str:
    # A paragraph's line must not start a heading, list, quote, table or HTML block in Markdown.
    m = _BLOCK_START.match(line)
    if not m:
        return line
    if m.group(2)[0].isdigit():  # "2024. Tahun ...": the delimiter is what makes it a list
        return line[: m.end(2) - 1] + "\\" + line[m.end(2) - 1 :]
    return line[: m.end(1)] + "\\" + line[m.end(1) :]


def _is_identity(grid: list[list[Any]], words: WordText) -> bool:
    """Two or more identity labels, and no procedure header (``No | Kegiatan`` names a number too)."""
    if header_row(grid, words.cell) is not None:
        return False
    labelled: list[Any] = []
    for row in grid[:30]:
        for _c, tc in distinct(row):
            lines = words.cell(tc).lines
            first = lines[0].partition(":")[0] if lines else ""
            if (field_of(first) or (lines and field_of(lines[0]))) and not any(tc is t for t in labelled):
                labelled.append(tc)
    return len(labelled) >= 2


class _Walker:
    def __init__(self, document: Any, words: WordText, report: Collector, source: str) -> None:
        self.words, self.report, self.source = words, report, source
        self.body = Body()
        self.list: _List | None = None
        # Paragraphs since the last table, list or heading: (where, lines, index of its block).
        self.tail: list[tuple[str, list[str], int]] = []
        self.elements = list(_children(document.element.body))
        self.identity_tables: set[int] = set()

    def flush_list(self) -> None:
        if self.list is not None:
            self.body.blocks.append("\n".join(self.list.lines))
            self.list = None

    def walk(self) -> Body:
        tables = [e for e in self.elements if e.tag == W + "tbl"]
        grids = {id(t): table_grid(t, source=self.source, number=n) for n, t in enumerate(tables, start=1)}
        numbers = {id(t): n for n, t in enumerate(tables, start=1)}
        self.identity_tables = {id(t) for t in tables if _is_identity(grids[id(t)], self.words)}
        first_identity = next((i for i, e in enumerate(self.elements) if id(e) in self.identity_tables), None)
        paragraphs = 0
        for i, element in enumerate(self.elements):
            paragraphs += element.tag == W + "p"
            if element.tag == W + "tbl":
                self.table(element, grids[id(element)], numbers[id(element)])
            elif first_identity is not None and i < first_identity:
                text = inline_text(element).strip()
                if text:
                    self.report.dropped(
                        "paragraph", f"paragraph {paragraphs}",
                        _("before the identity table: the office heading or the document's title"), text,
                    )  # fmt: skip
                self.drawings(element, f"paragraph {paragraphs}")
            else:
                self.paragraph(element, paragraphs)
        self.flush_list()
        self.signature()
        return self.body

    def drawings(self, p: Any, where: str) -> None:
        for s in shapes(p):
            reason = (
                _("pictures are not kept in the SOP text")
                if s.kind == "image"
                else _("a drawing outside the procedure table could not be placed in a step")
            )
            self.report.dropped(s.kind, where, reason, s.text)

    def table(self, tbl: Any, grid: list[list[Any]], n: int) -> None:
        self.flush_list()
        self.tail = []
        if id(tbl) in self.identity_tables:
            self.body.identity.read(grid, self.words, self.report, table=n)
            return
        procedure = read_procedure(grid, self.words, self.report, table=n)
        if procedure is not None:
            self.body.blocks.append(procedure.markdown)
            self.body.procedures += 1
            self.report.mapped("body", f"table {n}", _("procedure table, {n} steps", n=procedure.steps))
            return
        rows = [[self.words.cell(tc) for _c, tc in distinct(row)] for row in grid]
        rows = [r for r in rows if any(c.lines for c in r)]
        if not rows:
            self.report.dropped("table", f"table {n}", _("an empty table"))
            return
        width = max(len(r) for r in rows)
        lines = [_gfm(rows[0], width), "|" + "|".join("---" for _ in range(width)) + "|"]
        lines += [_gfm(r, width) for r in rows[1:]]
        self.body.blocks.append("\n".join(lines))
        self.report.mapped("body", f"table {n}", _("kept as a plain table ({n} rows)", n=len(rows) - 1))

    def paragraph(self, p: Any, n: int) -> None:
        where = f"paragraph {n}"
        self.drawings(p, where)
        style = self.words.style_name(p)
        text = inline_text(p).strip("\n").strip()
        if style == MARKDOWN_STYLE:
            self.flush_list()
            self.tail = []
            self.body.blocks.append(inline_text(p).strip("\n"))
            return
        if not text:
            self.flush_list()
            return
        heading = HEADING_STYLE.match(style)
        if heading or style.lower() == "title":
            self.flush_list()
            self.tail = []
            level = int(heading.group(1)) if heading else 1
            self.body.blocks.append("#" * level + " " + " ".join(text.split()))
            self.report.mapped("heading", where, text)
            return
        fmt = self.words.list_format(p)
        typed = _TYPED_ITEM.match(text) if fmt is None else None
        if fmt is not None or typed:
            self.tail = []
            self.item(text, fmt, typed)
            self.report.mapped("list item", where, text)
            return
        self.flush_list()
        lines = [_escape_line(line.strip()) for line in text.split("\n")]
        self.body.blocks.append("\n".join(line for line in lines if line))
        self.tail.append((where, [line.strip() for line in text.split("\n")], len(self.body.blocks) - 1))
        self.report.mapped("paragraph", where, text)

    def item(self, text: str, fmt: tuple[str, int] | None, typed: re.Match[str] | None) -> None:
        number = None
        if fmt is not None:
            kind, level = fmt
        else:
            assert typed is not None
            digits, letter, bullet, text = typed.groups()
            number = int(digits) if digits else None
            in_list = self.list is not None and self.list.kind == "number"
            kind = "bullet" if bullet else "number"
            level = 1 if letter or (bullet and in_list) else 0
        if self.list is None or (level == 0 and kind != self.list.kind):
            self.flush_list()
            self.list = _List(kind)
        counters = self.list.counters
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        counters[level] = number if number is not None else counters.get(level, 0) + 1
        marker = (
            "-"
            if (kind == "bullet" and level > 0) or (level == 0 and self.list.kind == "bullet")
            else f"{counters[level]}."
        )
        indent = " " * (3 * level if self.list.kind == "number" else 2 * level)
        body_lines = text.split("\n")
        width = len(indent) + len(marker) + 1
        self.list.lines.append(f"{indent}{marker} {body_lines[0].strip()}")
        self.list.lines += [(" " * width + line.strip()) if line.strip() else "" for line in body_lines[1:]]

    def signature(self) -> None:
        """A closing signature block (name over a NIP line) as the ratifier, if the identity has none."""
        tail = self.tail
        nip_at = next(
            (i for i in range(len(tail) - 1, -1, -1) if any(_NIP_LINE.match(x) for x in tail[i][1])), None
        )
        if nip_at is None:
            return
        start = nip_at
        while start > 0 and nip_at - start < 6 and all(len(x) < 80 for x in tail[start - 1][1]):
            start -= 1
        block = tail[start : nip_at + 1]
        lines = [x for _w, ls, _b in block for x in ls if x]
        who = ratifier(tuple(lines))
        if not who:
            return
        where = ", ".join(w for w, _l, _b in block)
        declared = self.body.identity.declared
        if "ratified_by" in declared:
            self.report.dropped(
                "signature",
                where,
                _("a signature block; the identity table's 'Disahkan oleh' is kept"),
                " ".join(lines),
            )
        else:
            declared["ratified_by"] = who
            self.report.mapped("declared.ratified_by", where, ", ".join(who.values()))
        # The block is not SOP text: take its paragraphs back out of the body.
        for _w, _l, index in reversed(block):
            del self.body.blocks[index]


def _gfm(cells: list[CellContent], width: int) -> str:
    texts = [escape_cell(c.text) for c in cells] + [""] * (width - len(cells))
    return "| " + " | ".join(texts) + " |"


def read_body(document: Any, words: WordText, report: Collector, *, source: str) -> Body:
    """Walk ``document``'s body; also report what Word keeps that the SOP does not (comments, changes)."""
    root = document.element.body
    counts = {
        "comments": sum(1 for _ in root.iter(W + "commentReference")),
        "insertions": sum(1 for _ in root.iter(W + "ins")) + sum(1 for _ in root.iter(W + "moveTo")),
        "deletions": sum(1 for _ in root.iter(W + "del")) + sum(1 for _ in root.iter(W + "moveFrom")),
        "footnotes": sum(1 for _ in root.iter(W + "footnoteReference", W + "endnoteReference")),
    }
    if counts["comments"]:
        report.dropped(
            "comments", "document", _("{n} review comments are not part of the SOP", n=counts["comments"])
        )
    if counts["insertions"] or counts["deletions"]:
        report.dropped(
            "tracked changes", "document",
            _(
                "{i} tracked insertions and {d} deletions read as accepted "
                "(insertions kept, deletions left out); accept or reject them in Word first "
                "to decide yourself",
                i=counts["insertions"], d=counts["deletions"],
            ),
        )  # fmt: skip
    if counts["footnotes"]:
        report.dropped("footnotes", "document", _("{n} footnotes are not imported", n=counts["footnotes"]))
    return _Walker(document, words, report, source).walk()
