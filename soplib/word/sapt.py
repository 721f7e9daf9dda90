"""The SOP AP procedure table written into Word: grouped headers, flowchart shapes in actor cells.

Columns keep the Markdown table's order. Adjacent actor columns get one
merged ``Pelaksana`` header over their names; adjacent Kelengkapan / Waktu /
Output columns one merged ``Mutu Baku`` header; every other header is merged
down over both header rows. Both header rows repeat on every page. A
non-empty actor cell holds the flowchart shape its text names (or the step's
default, docs/format.md), with that text as the shape's alt text; a decision
also shows where its branches lead.

    >>> next_id = procedure_table(out, doc, run, procedure, LABELS["id"], shape_id=100)
"""

from __future__ import annotations

from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from soplib.documents.blocks import unescape_cell
from soplib.documents.model import Item, SopDocument
from soplib.documents.procedure import Column, Procedure
from soplib.word.drawing import keep_row_together, repeat_as_header, shape_element
from soplib.word.symbols import cell_symbol, default_symbol, geometry

_MUTU_ROLES = ("inputs", "time", "output")
_WIDTH_MM = {"number": 10, "activity": 62, "actor": 24, "actors": 30, "inputs": 32, "time": 20, "output": 30,
             "notes": 32, "symbol": 20}  # fmt: skip
_PAGE_MM = 257  # A4 landscape less 20 mm margins


def _group_of(column: Column) -> str | None:
    if column.role == "actor":
        return "actor"
    return "mutu" if column.role in _MUTU_ROLES else None


def _groups(columns: tuple[Column, ...]) -> list[tuple[str | None, int, int]]:
    """Runs of adjacent columns of one group: (group, first, last exclusive)."""
    out: list[tuple[str | None, int, int]] = []
    for i, column in enumerate(columns):
        group = _group_of(column)
        if out and group is not None and out[-1][0] == group and out[-1][2] == i:
            out[-1] = (group, out[-1][1], i + 1)
        else:
            out.append((group, i, i + 1))
    return out


def _write(cell: Any, lines: list[str], *, bold: bool = False, center: bool = False, size: float = 9) -> None:
    first = cell.paragraphs[0]
    for i, line in enumerate(lines or [""]):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold
        run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _lines(cell_text: str) -> list[str]:
    return [line for line in unescape_cell(cell_text).split("<br>")]


def procedure_table(
    out: Any, doc: SopDocument, run: list[Item], procedure: Procedure, words: dict[str, str], shape_id: int
) -> int:
    """Write ``run`` (the rows of ``procedure``) as an SOP AP table; return the next free shape id."""
    columns = procedure.columns
    groups = _groups(columns)
    two_rows = any(g is not None for g, _a, _b in groups)
    header_rows = 2 if two_rows else 1
    table = out.add_table(rows=header_rows + len(run), cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for group, first, last in groups:
        if group is not None:
            top = table.cell(0, first)
            if last - first > 1:
                top = top.merge(table.cell(0, last - 1))
            _write(top, [words["actors"] if group == "actor" else words["mutu"]], bold=True, center=True)
            for i in range(first, last):
                column = columns[i]
                name = column.actor if column.role == "actor" and column.actor else column.header
                _write(table.cell(1, i), [name], bold=True, center=True)
        else:
            cell = table.cell(0, first)
            if two_rows:
                cell = cell.merge(table.cell(1, first))
            _write(cell, [columns[first].header], bold=True, center=True)
    widths = [Mm(_WIDTH_MM.get(c.role, 28)) for c in columns]
    scale = min(1.0, _PAGE_MM / sum(w.mm for w in widths))  # fit the landscape page
    table.autofit = False
    for c, width in enumerate(widths):
        table.columns[c].width = Mm(width.mm * scale)  # the grid, which LibreOffice lays out by
        for cell in table.columns[c].cells:
            cell.width = Mm(width.mm * scale)  # each cell, which Word lays out by
    for r in range(header_rows):
        repeat_as_header(table.rows[r])
    count = len(run)
    for i, (item, step) in enumerate(zip(run, procedure.steps, strict=True)):
        row = table.rows[header_rows + i]
        keep_row_together(row)
        cells = list(item.cells)
        cells += [""] * (len(columns) - len(cells))
        default = default_symbol(i, count, step.activity)
        for c, column in enumerate(columns):
            text = cells[c]
            target = row.cells[c]
            if column.role == "actor" and text.strip():
                shape_id = _symbol_cell(target, text, default, step, procedure, words, shape_id)
            else:
                _write(target, _lines(text), center=column.role in ("number", "time"))
    return shape_id


def _symbol_cell(
    cell: Any, text: str, default: str, step: Any, procedure: Procedure, words: dict[str, str], shape_id: int
) -> int:
    symbol = cell_symbol(text, default)
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run()._r.append(shape_element(shape_id, geometry(symbol), alt=text))
    if symbol == "decision" and (step.yes is not None or step.no is not None):
        steps = procedure.steps

        def number(index: int | None) -> str:
            return "-" if index is None else steps[index].number or str(index + 1)

        label = cell.add_paragraph()
        label.add_run(words["yes_no"].format(yes=number(step.yes), no=number(step.no))).font.size = Pt(7)
        label.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return shape_id + 1
