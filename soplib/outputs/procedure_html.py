"""One procedure as SOP AP landscape pages: the table, its two header rows, the flowchart.

The procedure is cut into page-sized chunks (:mod:`soplib.outputs.layout`);
each chunk is one table on its own landscape page, with both header rows:

    No | Kegiatan | Pelaksana (one column per actor) | Mutu Baku (Kelengkapan, Waktu, Output) | Keterangan

A list has no actors: ``No | Kegiatan`` and the flowchart in one column.
Column widths are fixed (``table-layout: fixed``) and add up to the page's
width, long text wraps inside its cell, so no column is ever cut.

    >>> pages = procedure_pages(procedure, caption="Prosedur", lead=[])
    >>> pages.pages
    4
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from soplib.documents.procedure import Procedure, Step
from soplib.i18n import _, ngettext
from soplib.outputs.flowchart import FlowPlan, plan_flow, row_geometry, row_svgs
from soplib.outputs.html import esc
from soplib.outputs.layout import (
    HEADER_FONT_PT,
    PAGE_WIDTH_MM,
    PROSE_FONT_PT,
    Widths,
    actor_font_pt,
    column_widths,
    header_height_mm,
    paginate,
    row_height_mm,
    text_height_mm,
)

CAPTION_MM = 8.0  # the caption line above each page's table
CONNECTORS_MM = 8.0  # an off-page connector at the top and at the bottom of a page


def font_class(pt: float) -> str:
    """The class that sets a font size in points (the stylesheet has them for 5 to 7.5 pt).

    >>> font_class(6.5)
    'fs65'
    """
    return f"fs{round(pt * 10)}"


def width_class(mm: float) -> str:
    """The class that gives an element ``mm`` of width (the stylesheet defines one per width used).

    >>> width_class(31.25)
    'w3125'
    """
    return f"w{round(mm * 100)}"


def multiline(text: str) -> str:
    """Document text as HTML, escaped, its line breaks kept.

    >>> multiline("a <b>\\nc")
    'a &lt;b&gt;<br>c'
    """
    return "<br>".join(esc(line.strip()) for line in text.split("\n"))


@dataclass(frozen=True)
class ProcedurePages:
    """The HTML of a procedure's pages and the widths (mm) its columns use."""

    html: str
    widths: frozenset[float]
    pages: int


def _colgroup(widths: Widths) -> list[float]:
    cols = [widths.number, widths.activity]
    cols += [widths.lane / 2] * (2 * widths.lanes)
    if widths.quality:
        cols += [widths.inputs, widths.time, widths.output, widths.notes, *widths.other]
    return cols


def _th(text: str, attrs: str = "") -> str:
    return f"<th{attrs}>{esc(text)}</th>"


def _header(procedure: Procedure, widths: Widths) -> str:
    two = bool(procedure.actors) or widths.quality  # a second row: actor positions, the mutu baku parts
    rs = ' rowspan="2"' if two else ""
    lanes = f' colspan="{2 * widths.lanes}"'
    if procedure.actors:
        flow = _th(_("Actors"), lanes)
        size = actor_font_pt(procedure.actors, widths.lane)
        attrs = f' colspan="2" class="{font_class(size)}"' if size < HEADER_FONT_PT else ' colspan="2"'
        second = "".join(_th(a, attrs) for a in procedure.actors)
    else:
        flow = _th(_("Flowchart"), lanes + rs)
        second = ""
    first = _th(_("No."), ' class="no"' + rs) + _th(_("Activity"), rs) + flow
    if widths.quality:
        first += _th(_("Quality standard"), ' colspan="3"') + _th(_("Notes"), rs)
        first += "".join(_th(c.header, rs) for c in procedure.other_columns)
        second += _th(_("Inputs")) + _th(_("Time")) + _th(_("Output"))
    rows = f"<tr>{first}</tr>" + (f"<tr>{second}</tr>" if two else "")
    return f"<thead>{rows}</thead>"


def _row(procedure: Procedure, plan: FlowPlan, i: int, widths: Widths) -> str:
    step: Step = procedure.steps[i]
    number = step.number or str(i + 1)
    cells = [f'<td class="no">{esc(number)}</td><td>{multiline(step.activity)}</td>']
    on = plan.border_on(i)
    for lane, svg in enumerate(row_svgs(procedure, plan, i, widths)):
        flow = " on" if on and lane == plan.lane[i] else ""
        cells.append(f'<td class="lh{flow}">{svg}</td><td class="rh"></td>')
    if widths.quality:
        cells += [f"<td>{multiline(t)}</td>" for t in (step.inputs, step.time, step.output, step.notes)]
        cells += [f"<td>{multiline(t)}</td>" for t in step.other]
        cells += ["<td></td>"] * (len(widths.other) - len(step.other))
    return "<tr>" + "".join(cells) + "</tr>"


def procedure_pages(procedure: Procedure, *, caption: str, lead: Sequence[str]) -> ProcedurePages:
    """``procedure`` as landscape pages; ``lead`` paragraphs print above its first table.

    >>> procedure_pages(procedure, caption="Prosedur", lead=["Teks pembuka."]).pages  # 40 steps
    5
    """
    widths = column_widths(procedure)
    heights = [
        row_height_mm(step, widths, row_geometry(procedure, None, i, widths).total)
        for i, step in enumerate(procedure.steps)
    ]
    lead_mm = sum(text_height_mm(p, PAGE_WIDTH_MM, PROSE_FONT_PT) + 1.0 for p in lead)
    header_mm = header_height_mm(procedure, widths) + CAPTION_MM + CONNECTORS_MM
    pages = paginate(heights, header_mm, lead_mm=lead_mm)
    plan = plan_flow(procedure, pages)
    cols = _colgroup(widths)
    colgroup = "<colgroup>" + "".join(f'<col class="{width_class(w)}">' for w in cols) + "</colgroup>"
    head = _header(procedure, widths)
    count = ngettext("{n} step", "{n} steps", len(procedure.steps))
    out = []
    for number, rows in enumerate(pages):
        if number == 0:
            title = f'<h2 class="caption">{esc(caption)} <span class="count">({esc(count)})</span></h2>'
            title += "".join(f'<p class="lead">{multiline(p)}</p>' for p in lead)
        else:
            continued = _("{title} (continued)", title=caption)
            title = f'<h2 class="caption">{esc(continued)}</h2>'
        body = "".join(_row(procedure, plan, i, widths) for i in rows)
        out.append(
            f'<section class="sheet landscape">{title}<table class="proc-table {width_class(PAGE_WIDTH_MM)}">'
            f"{colgroup}{head}<tbody>{body}</tbody></table></section>"
        )
    return ProcedurePages("\n".join(out), frozenset([*cols, PAGE_WIDTH_MM]), len(pages))
