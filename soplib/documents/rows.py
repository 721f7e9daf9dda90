"""Table rows edited by column: ``--cell Kegiatan="..." --cell Waktu="5 menit"``.

A review replacing or adding a row of a procedure table names the cells it
sets; the others keep their text (replace) or stay empty (add). A whole row can
also be given as text (``2 | Mencatat surat | Pengadministrasi Umum | 5 menit``);
it must have exactly as many cells as the table has columns. Every refusal
names the table's columns, so the person can fix the command.

    >>> row_text(doc, "prosedur/2", cells={"Waktu": "5 menit"})
    '2 | Mencatat surat | Pengadministrasi Umum | 5 menit | Agenda'
"""

from __future__ import annotations

from collections.abc import Mapping

from soplib.documents.blocks import split_cells
from soplib.documents.model import Item, SopDocument
from soplib.documents.procedure import normalise_header, table_header
from soplib.errors import InvalidInputError


def escape_cell(text: str) -> str:
    """Text as a GFM cell: pipes escaped, line breaks as ``<br>`` (a row is one line)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return "<br>".join(line for line in lines if line).replace("\\|", "|").replace("|", "\\|")


def columns_of(doc: SopDocument, item: Item) -> list[str]:
    """The header of the table ``item`` (a table row) belongs to."""
    rows = {i.start_line: i for i in doc.body_items if i.kind == "table_row"}
    first = item
    while first.start_line - 1 in rows:
        first = rows[first.start_line - 1]
    return [h.strip() for h in table_header(doc, first)]


def _column(columns: list[str], name: str) -> int:
    wanted = normalise_header(name)
    for i, header in enumerate(columns):
        if normalise_header(header) == wanted and wanted:
            return i
    raise InvalidInputError(
        "the table has no column {name}; its columns are: {columns}",
        name=repr(name),
        columns=", ".join(columns),
    )


def row_text(
    doc: SopDocument, key: str, *, text: str = "", cells: Mapping[str, str] | None = None, new: bool
) -> str:
    """The text of a table row for item ``key``'s table: from ``text`` (a whole row) or ``cells``.

    ``new``: an added row (unnamed cells empty); else a replacement of ``key``
    (unnamed cells keep their text).
    """
    item = doc.item(key)
    columns = columns_of(doc, item)
    if cells:
        if text.strip():
            raise InvalidInputError("give the row's text or its cells, not both")
        values = (
            [""] * len(columns) if new else list(split_cells(doc.lines[item.start_line - 1].rstrip("\r\n")))
        )
        values += [""] * (len(columns) - len(values))
        for name, value in cells.items():
            values[_column(columns, name)] = escape_cell(value)
        return " | ".join(values[: len(columns)])
    lines = [line for line in text.strip().replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) != 1:
        raise InvalidInputError(
            "a table row is one line: give its cells separated by '|', or set cells by column ({columns})",
            columns=", ".join(columns),
        )
    values = split_cells(lines[0])
    if len(values) != len(columns):
        raise InvalidInputError(
            "the row has {n} cells but the table has {m} columns ({columns}); give every cell, "
            "or set cells by column",
            n=len(values),
            m=len(columns),
            columns=", ".join(columns),
        )
    return " | ".join(values)
