"""The procedure table of an SOP AP document (*bagian prosedur*) read into a GFM table.

Header rows: one, or two when ``Pelaksana`` spans the actor columns and
``Mutu Baku`` spans Kelengkapan / Waktu / Output (the second row names them);
a row of column numbers ``(1) (2) ...`` under the header is skipped. Body rows:
blank spacer rows and repeated header rows are skipped, ``1.`` becomes ``1``,
lists and line breaks inside a cell become ``<br>``-joined lines, a cell merged
down over several rows is written once (in its first row). Each actor column
becomes a ``Pelaksana: <actor>`` column whose cells name the step's flowchart
symbol (:mod:`soplib.word.symbols`). Columns keep their order in Word; an
unknown column is kept with its header.

    >>> table = read_procedure(grid, words, report, table=2)
    >>> table.markdown.splitlines()[0]
    '| No | Kegiatan | Pelaksana: Peminjam | Pelaksana: Pengelola BMN | Kelengkapan | Waktu | Output |'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from soplib.documents.procedure import Column, column_of, normalise_header
from soplib.documents.rows import escape_cell
from soplib.i18n import _
from soplib.word.cells import CellContent, WordText
from soplib.word.grid import distinct
from soplib.word.report import Collector
from soplib.word.symbols import default_symbol, mark

_ACTOR_GROUP = ("pelaksana", "actor", "actors", "pelaku")
_MUTU_GROUP = ("mutubaku", "qualitystandard", "qualitystandards", "standarmutu", "bakumutu")
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_NUMBER = re.compile(r"^\s*(\d{1,4}[a-z]?)\s*[.)]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ProcedureTable:
    """A procedure table as Markdown, with its step count."""

    markdown: str
    steps: int


@dataclass(frozen=True)
class _LogicalColumn:
    first: int  # grid columns [first, last)
    last: int
    column: Column


def header_row(grid: list[list[Any]], content: Callable[[Any], CellContent]) -> int | None:
    """The index of the row that names the activity column (within the first rows), or None."""
    for r, row in enumerate(grid[:4]):
        for _col, tc in distinct(row):
            text = " ".join(content(tc).lines)
            if column_of(text).role == "activity":
                return r
    return None


def _group(text: str) -> str | None:
    key = normalise_header(text)
    return "actor" if key in _ACTOR_GROUP else "mutu" if key in _MUTU_GROUP else None


def _columns(
    grid: list[list[Any]], h: int, content: Callable[[Any], CellContent], report: Collector, table: int
) -> tuple[list[_LogicalColumn], int]:
    """The logical columns and the index of the first body row."""
    top = grid[h]
    second = grid[h + 1] if h + 1 < len(grid) else [None] * len(top)
    groups = {id(tc): _group(" ".join(content(tc).lines)) for _c, tc in distinct(top)}
    # Two header rows: a group header spans several columns, or the headers beside the groups are
    # merged down into the second row (a single "Pelaksana" column over one named actor).
    spans = any(groups[id(tc)] and top.count(tc) > 1 for _c, tc in distinct(top))
    merged_down = any(
        tc is not None and second[c] is tc and not groups[id(tc)] for c, tc in enumerate(top)
    ) and any(groups[id(tc)] and second[c] is not tc for c, tc in enumerate(top) if tc is not None)
    two_rows = spans or merged_down or all(second[c] is tc for c, tc in enumerate(top) if tc is not None)
    lowest = second if two_rows else top
    out: list[_LogicalColumn] = []
    actors = 0
    for col, tc in distinct(lowest):
        last = col + 1
        while last < len(lowest) and lowest[last] is tc:
            last += 1
        head = top[col]
        head_text = " ".join(" ".join(content(head).lines).split()) if head is not None else ""
        sub = " ".join(" ".join(content(tc).lines).split()) if two_rows and tc is not head else ""
        group = groups.get(id(head)) if head is not None else None
        if group == "actor" and (sub or (head is not None and lowest.count(head) > 1)):
            actors += 1
            name = sub or _("Pelaksana {n}", n=actors)
            if not sub:
                report.chose(
                    "column", name, _("an actor column of table {t} has no name in the header", t=table)
                )
            column = Column(f"Pelaksana: {name}", "actor", name)
        elif group == "mutu" and sub:
            column = column_of(sub)
        else:
            column = column_of(sub or head_text)
        out.append(_LogicalColumn(col, last, column))
    return out, h + (2 if two_rows else 1)


def read_procedure(
    grid: list[list[Any]], words: WordText, report: Collector, *, table: int
) -> ProcedureTable | None:
    """The procedure table in ``grid`` as Markdown, or None when no row names a ``Kegiatan`` column."""
    cache: dict[int, CellContent] = {}

    def content(tc: Any) -> CellContent:
        if id(tc) not in cache:
            cache[id(tc)] = words.cell(tc)
        return cache[id(tc)]

    h = header_row(grid, content)
    if h is None:
        return None
    for r in range(h):
        report.dropped(
            "row", f"table {table}, row {r + 1}", _("above the header row"), _row_text(grid[r], content)
        )
    columns, start = _columns(grid, h, content, report, table)
    header_texts = [_row_text(grid[r], content) for r in range(h, start)]
    rows: list[tuple[int, list[CellContent]]] = []
    written: set[int] = set()
    arrows = 0
    for r in range(start, len(grid)):
        row = grid[r]
        where = f"table {table}, row {r + 1}"
        texts = [" ".join(content(tc).lines) for _c, tc in distinct(row)]
        arrows += sum(s.kind == "arrow" for _c, tc in distinct(row) for s in content(tc).shapes)
        if (
            r == start
            and texts
            and all(_COLUMN_NUMBER.match(t.strip()) for t in texts if t.strip())
            and any(texts)
        ):
            report.dropped("row", where, _("the column numbers under the header"), " ".join(texts))
            continue
        if _row_text(row, content) in header_texts:
            report.dropped("row", where, _("the header repeated"))
            continue
        cells = []
        for lc in columns:
            owners = [tc for _c, tc in distinct(row[lc.first : lc.last])]
            merged = [tc for tc in owners if id(tc) in written]
            if merged:
                report.dropped(
                    "cell", where, _("merged with the cell above; its text is kept once, in the first row")
                )
            fresh = [tc for tc in owners if id(tc) not in written]
            written.update(id(tc) for tc in fresh)
            parts = [content(tc) for tc in fresh]
            cells.append(
                CellContent(
                    tuple(line for p in parts for line in p.lines), tuple(s for p in parts for s in p.shapes)
                )
            )
        if not any(c.lines or any(s.kind not in ("arrow", "connector") for s in c.shapes) for c in cells):
            report.dropped("row", where, _("a blank spacer row") if not any(texts) else _("only arrows"))
            continue
        rows.append((r, cells))
    if arrows:
        report.dropped(
            "arrow", f"table {table}",
            _(
                "{n} arrows between the symbols: the flowchart's arrows follow the step order and branches",
                n=arrows,
            ),
        )  # fmt: skip
    return ProcedureTable(_markdown(columns, rows, report, table), len(rows))


def _row_text(row: list[Any], content: Callable[[Any], CellContent]) -> str:
    return " | ".join(" ".join(content(tc).lines) for _c, tc in distinct(row))


def _markdown(
    columns: list[_LogicalColumn], rows: list[tuple[int, list[CellContent]]], report: Collector, table: int
) -> str:
    roles = [lc.column.role for lc in columns]
    header = [escape_cell(lc.column.header) or "-" for lc in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for k, lc in enumerate(columns):
        grid_columns = f"{lc.first + 1}" if lc.last - lc.first == 1 else f"{lc.first + 1}-{lc.last}"
        report.mapped(
            f"column {lc.column.header}", f"table {table}, grid column {grid_columns}",
            _("column {k}: {role}", k=k + 1, role=lc.column.role),
        )  # fmt: skip
    activity_at = roles.index("activity")
    notes_at = roles.index("notes") if "notes" in roles else None
    for i, (r, cells) in enumerate(rows):
        where = f"table {table}, row {r + 1}"
        activity = cells[activity_at].text
        default = default_symbol(i, len(rows), activity)
        near = cells[notes_at].text if notes_at is not None else ""
        out = []
        for lc, cell in zip(columns, cells, strict=True):
            role = lc.column.role
            if role in ("actor", "symbol"):
                text = mark(
                    cell, default=default, near=near, where=where, column=lc.column.header, report=report
                )
            else:
                for s in cell.shapes:
                    if s.kind not in ("arrow", "connector"):
                        report.dropped(
                            s.kind, where,
                            _(
                                "a drawing in column '{c}', not an actor column: it could not be placed",
                                c=lc.column.header,
                            ),
                            s.text,
                        )  # fmt: skip
                text = escape_cell(cell.text)
                if role == "number":
                    m = _NUMBER.match(text)
                    text = m.group(1) if m else text
            out.append(text)
        report.mapped("step", where, " | ".join(out))
        lines.append("| " + " | ".join(out) + " |")
    return "\n".join(lines)
