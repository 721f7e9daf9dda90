"""Flowchart symbols in actor cells: from drawn shapes and marks to the cell text of docs/format.md.

A step's actor cell in Word holds a drawn shape (terminator, process box,
decision diamond, document), a mark (✓, x, ●) or text. The Markdown cell says
the same in words: ``mulai``, ``selesai``, ``proses``, ``keputusan: ya 5,
tidak 3``, ``dokumen``, or the mark as written. Export draws the shape a cell's
text names and keeps that text as the shape's alt text, so a shape nobody
changed reads back as the text it came from.

    >>> cell_symbol("keputusan: ya 5, tidak 3", default="process")
    'decision'
    >>> branch_targets("Ya: lanjut ke langkah 5; Tidak: kembali ke 2")
    ('5', '2')
"""

from __future__ import annotations

import re

from soplib.documents.rows import escape_cell
from soplib.i18n import _
from soplib.word.cells import CellContent, Shape
from soplib.word.report import Collector

# The symbol words of docs/format.md ("Flowchart symbols and branches").
_WORDS = {
    **dict.fromkeys(("mulai", "start", "begin"), "start"),
    **dict.fromkeys(("selesai", "end", "finish", "stop"), "end"),
    **dict.fromkeys(("proses", "process"), "process"),
    **dict.fromkeys(("keputusan", "decision", "putusan"), "decision"),
    **dict.fromkeys(("dokumen", "document"), "document"),
}
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_GEOMETRY = {"start": "terminator", "end": "terminator", "process": "process", "decision": "decision",
             "document": "document"}  # fmt: skip
_BRANCH_WORD = r"(?:ya|yes|tidak|no(?!\.))"
_BRANCH = re.compile(
    rf"\b({_BRANCH_WORD})\b(?:(?!\b{_BRANCH_WORD}\b)[^0-9;\n]){{0,30}}?(\d{{1,4}})\b", re.IGNORECASE
)
FLOW_KINDS = ("terminator", "process", "decision", "document")


def symbol_word(text: str) -> str | None:
    """The symbol a cell's first word names (``start``, ``end``, ``process``, ``decision``, ``document``)."""
    m = _FIRST_WORD.search(text)
    return _WORDS.get(m.group().lower()) if m else None


def default_symbol(index: int, count: int, activity: str) -> str:
    """The symbol of a step whose cells name none (docs/format.md "Defaults")."""
    if activity.rstrip().endswith("?"):
        return "decision"
    if index == 0:
        return "start"
    return "end" if index == count - 1 else "process"


def cell_symbol(text: str, default: str) -> str:
    """The symbol one actor cell stands for: the word it names, else the step's default."""
    return symbol_word(text) or default


def geometry(symbol: str) -> str:
    """The shape kind drawn for ``symbol`` (a start and an end are both a terminator)."""
    return _GEOMETRY[symbol]


def branch_targets(text: str) -> tuple[str | None, str | None]:
    """The step numbers the *Ya* and *Tidak* branches lead to, as written near a decision."""
    yes = no = None
    for word, target in _BRANCH.findall(text):
        if word.lower() in ("ya", "yes"):
            yes = yes or target
        else:
            no = no or target
    return yes, no


def decision_text(yes: str | None, no: str | None) -> str:
    parts = [f"ya {yes}" if yes else "", f"tidak {no}" if no else ""]
    said = ", ".join(p for p in parts if p)
    return f"keputusan: {said}" if said else "keputusan"


def mark(cell: CellContent, *, default: str, near: str, where: str, column: str, report: Collector) -> str:
    """The Markdown text of one actor (or symbol) cell of a step.

    ``default`` is the step's default symbol; ``near`` the other text around the
    step (its notes) where branch notes of a decision may be written.
    """
    flow = [s for s in cell.shapes if s.kind in FLOW_KINDS]
    labels = [s for s in cell.shapes if s.kind == "label"]
    images = [s for s in cell.shapes if s.kind == "image"]
    for s in cell.shapes:
        if s.kind in ("connector", "offpage"):
            report.dropped(
                s.kind, where, _("a flowchart connector is not a step; the flow follows the step order")
            )
        elif s.kind == "other":
            report.dropped(
                "shape", where, _("a drawing that is no flowchart symbol ({g})", g=s.geometry), s.text
            )
    text = escape_cell(cell.text)
    if flow:
        for extra in flow[1:]:
            report.dropped(
                "shape", where, _("a second symbol in one actor cell; the first is kept"), extra.geometry
            )
        chosen = _from_shape(flow[0], default, " ".join([*(s.text for s in labels), cell.text, near]))
        report.mapped(f"{column}", where, _("{shape} shape -> {text}", shape=flow[0].geometry, text=chosen))
        return chosen
    if text:
        return text
    if images:
        report.chose(column, "✓", _("a picture in an actor cell at {where} is read as a mark", where=where))
        return "✓"
    if labels and any(s.text for s in labels):
        report.dropped(
            "label",
            where,
            _("a branch label with no decision symbol beside it"),
            " ".join(s.text for s in labels),
        )
    return ""


def _from_shape(shape: Shape, default: str, around: str) -> str:
    if shape.alt and geometry(cell_symbol(shape.alt, default)) == shape.kind:
        return escape_cell(shape.alt)  # written by sop export, or an author's own words that agree
    if shape.kind == "terminator":
        said = symbol_word(shape.text) or symbol_word(shape.alt)
        end = said == "end" or (said != "start" and default == "end")
        return "selesai" if end else "mulai"
    if shape.kind == "decision":
        return decision_text(*branch_targets(" ".join([shape.text, shape.alt, around])))
    return "dokumen" if shape.kind == "document" else "proses"
