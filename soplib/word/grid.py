"""A Word table as a rectangle of cells, merged cells de-duplicated, its size bounded first.

Word stores a horizontally merged cell once with a span, and a vertically
merged one as a "continue" cell under the one that holds the text. The grid
puts the cell that holds the text in every position it covers, so a header
"Pelaksana" over three actor columns appears three times and is recognised as
one cell by identity (``is``). Rows and columns are counted before anything is
built: a table over the limits is refused with one line.

    >>> rows = table_grid(tbl, source="sop.docx", number=2)
    >>> len(rows), len(rows[0])
    (9, 8)
"""

from __future__ import annotations

from typing import Any

from soplib.errors import InvalidInputError
from soplib.word.cells import W

MAX_ROWS = 2_000
MAX_COLUMNS = 64
MAX_CELLS = 40_000  # rows x columns: an SOP's procedure table has a few hundred


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _rows(tbl: Any) -> list[Any]:
    rows = []
    for child in tbl:
        if child.tag == W + "tr":
            rows.append(child)
        elif child.tag in (W + "sdt", W + "customXml"):  # rows inside a content control
            content = child.find(W + "sdtContent")
            rows += [tr for tr in (content if content is not None else child) if tr.tag == W + "tr"]
    return rows


def _too_big(source: str, number: int, rows: int, columns: int) -> InvalidInputError:
    return InvalidInputError(
        "{source}: table {n} has {rows} rows x {columns} columns, over the limit of {max_rows} rows, "
        "{max_columns} columns and {max_cells} cells; split it into smaller tables in Word",
        source=source,
        n=number,
        rows=rows,
        columns=columns,
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
        max_cells=MAX_CELLS,
    )


def table_grid(tbl: Any, *, source: str, number: int) -> list[list[Any]]:
    """The ``w:tc`` covering each grid position, row by row (None where a row has no cell)."""
    trs = _rows(tbl)
    grid_cols = tbl.find(f"{W}tblGrid")
    width = len(grid_cols.findall(W + "gridCol")) if grid_cols is not None else 0
    if len(trs) > MAX_ROWS or width > MAX_COLUMNS or len(trs) * max(width, 1) > MAX_CELLS:
        raise _too_big(source, number, len(trs), width)
    out: list[list[Any]] = []
    for tr in trs:
        pr = tr.find(W + "trPr")
        before = pr.find(W + "gridBefore") if pr is not None else None
        row: list[Any] = [None] * min(
            _int(before.get(W + "val") if before is not None else None, 0), MAX_COLUMNS
        )
        for tc in (c for c in tr if c.tag in (W + "tc", W + "sdt")):
            if tc.tag == W + "sdt":  # a cell inside a content control
                content = tc.find(W + "sdtContent")
                tc = content.find(W + "tc") if content is not None else None
                if tc is None:
                    continue
            tc_pr = tc.find(W + "tcPr")
            span_el = tc_pr.find(W + "gridSpan") if tc_pr is not None else None
            span = max(1, _int(span_el.get(W + "val") if span_el is not None else None, 1))
            merge = tc_pr.find(W + "vMerge") if tc_pr is not None else None
            owner = tc
            if merge is not None and merge.get(W + "val") in (None, "continue"):
                col = len(row)
                above = out[-1][col] if out and col < len(out[-1]) else None
                owner = above if above is not None else tc
            if len(row) + span > MAX_COLUMNS:
                raise _too_big(source, number, len(trs), len(row) + span)
            row += [owner] * span
        out.append(row)
    columns = max((len(r) for r in out), default=0)
    if len(out) * max(columns, 1) > MAX_CELLS:
        raise _too_big(source, number, len(out), columns)
    for row in out:
        row += [None] * (columns - len(row))
    return out


def distinct(row: list[Any]) -> list[tuple[int, Any]]:
    """The cells of a grid row once each, with the first grid column each covers."""
    seen: list[Any] = []
    out = []
    for col, tc in enumerate(row):
        if tc is not None and not any(tc is s for s in seen):
            seen.append(tc)
            out.append((col, tc))
    return out
