"""The flowchart of a procedure drawn in its actor columns, one small SVG per row and lane.

Why this shape: the typesetter decides how tall a row is (its text wraps), so
no drawing can know in advance where the next row starts. Each row therefore
carries a fixed-height drawing at the top of its actor cells (the arrow in,
the symbol, branch labels, connectors), and the flow line that runs on down
to the next row, however tall this one turns out, is a table border: every
actor column is two half-columns, and the border between the halves is
switched on in the rows where the flow goes down. Borders stretch with their
row in WeasyPrint and in a browser alike.

A row's drawing is made once in coordinates across all actor columns; each
actor column shows it through an SVG whose viewBox is that column's slice, so
a line from one actor to another (the flow moving to another actor, or a
step shared by several actors) is simply drawn across.

Branches that do not lead to the next step end in a connector: a circle with a
letter when the target is on the same page, a pentagon when it is on another;
the target shows the same letter. Where the flow runs off the bottom of a page
a pentagon with a letter ends it, and the next page begins with the same one.

    >>> plan = plan_flow(procedure, pages)
    >>> svgs = row_svgs(procedure, plan, 0, widths)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from soplib.documents.procedure import Procedure, Step
from soplib.i18n import _
from soplib.outputs.layout import BORDER_MM, Widths
from soplib.outputs.svg import FONT, OUTLINE, PENT, RADIUS, Canvas, Mark, fit, num, points

Branch = Literal["yes", "no", "flow"]

JOG_Y = 1.6  # where the flow turns towards another actor, below the row's top
SYMBOL_H = 6.0
LABEL = 1.8  # mm: the Ya / Tidak on a decision's branches


@dataclass(frozen=True)
class Connector:
    """A jump in the flow: ``source`` to ``target`` (step indexes), labelled ``letter``."""

    letter: str
    source: int
    target: int
    branch: Branch
    offpage: bool


@dataclass(frozen=True)
class FlowPlan:
    """How the steps of a procedure connect, once it is cut into pages."""

    lane: tuple[int, ...]  # the actor column of each step's symbol
    joint: tuple[tuple[int, ...], ...]  # further actor columns that share the step
    down: tuple[bool, ...]  # the flow goes on to the next step
    down_label: tuple[str, ...]  # "yes" / "no" on that line (decisions), else ""
    out: tuple[tuple[Connector, ...], ...]  # branches leaving a step through a connector
    into: tuple[tuple[Connector, ...], ...]  # connectors arriving at a step
    page_out: tuple[Connector | None, ...]  # the flow continues on the next page
    page_in: tuple[Connector | None, ...]  # ... and arrives at this step from the previous one

    def border_on(self, i: int) -> bool:
        """True when the flow line runs from step ``i`` down to the bottom of its row."""
        return self.down[i] and self.page_out[i] is None


def _letters() -> Iterator[str]:
    n = 0
    while True:
        label, k = "", n
        while True:
            label = chr(ord("A") + k % 26) + label
            k = k // 26 - 1
            if k < 0:
                break
        yield label
        n += 1


def lanes_of(procedure: Procedure) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """The actor column of each step's symbol, and the other columns that share the step.

    A step that names no actor stays in the column of the step before it.

    >>> lanes_of(procedure)[0][:3]
    (0, 1, 2)
    """
    index = {actor: n for n, actor in enumerate(procedure.actors)}
    lane: list[int] = []
    joint: list[tuple[int, ...]] = []
    for step in procedure.steps:
        columns = [index[a] for a in step.actors if a in index]
        first = columns[0] if columns else (lane[-1] if lane else 0)
        lane.append(first)
        joint.append(tuple(sorted({c for c in columns if c != first})))
    return tuple(lane), tuple(joint)


def _flows_down(step: Step, i: int, count: int) -> bool:
    if i + 1 >= count or step.symbol == "end":
        return False
    return step.symbol != "decision" or i + 1 in (step.yes, step.no)


def plan_flow(procedure: Procedure, pages: Sequence[range]) -> FlowPlan:
    """Lines, branch connectors and page connectors of ``procedure`` cut into ``pages``.

    >>> plan = plan_flow(procedure, [range(0, 8), range(8, 16)])
    >>> plan.page_out[7].letter == plan.page_in[8].letter
    True
    """
    steps = procedure.steps
    count = len(steps)
    page_of = {i: p for p, rows in enumerate(pages) for i in rows}
    lane, joint = lanes_of(procedure)
    letters = _letters()
    down = [_flows_down(s, i, count) for i, s in enumerate(steps)]
    down_label = [""] * count
    out: list[list[Connector]] = [[] for _ in steps]
    into: list[list[Connector]] = [[] for _ in steps]
    page_out: list[Connector | None] = [None] * count
    page_in: list[Connector | None] = [None] * count
    for i, step in enumerate(steps):
        if step.symbol == "decision":
            branches: tuple[tuple[Branch, int | None], ...] = (("yes", step.yes), ("no", step.no))
            for branch, target in branches:
                if target is None:
                    continue
                if target == i + 1 and not down_label[i]:
                    down_label[i] = branch
                    continue
                link = Connector(next(letters), i, target, branch, page_of[target] != page_of[i])
                out[i].append(link)
                into[target].append(link)
        if down[i] and page_of[i + 1] != page_of[i]:
            link = Connector(next(letters), i, i + 1, "flow", True)
            page_out[i] = page_in[i + 1] = link
    return FlowPlan(
        lane=lane,
        joint=joint,
        down=tuple(down),
        down_label=tuple(down_label),
        out=tuple(tuple(c) for c in out),
        into=tuple(tuple(c) for c in into),
        page_out=tuple(page_out),
        page_in=tuple(page_in),
    )


# -- geometry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """Vertical layout of one row's drawing (mm from the row's top) and its symbol's size."""

    top: float  # where the symbol starts
    width: float
    height: float  # the symbol's
    total: float  # the drawing's


def geometry(
    step: Step, *, lane_mm: float, page_in: bool, page_out: bool, branches: int, into: int
) -> Geometry:
    """The drawing's layout for a step, from what arrives at it and what leaves it.

    >>> geometry(step, lane_mm=30.0, page_in=False, page_out=False, branches=0, into=0).total
    13.8
    """
    if step.symbol == "decision":
        width = min(15.0, 0.55 * lane_mm)
        height = min(8.5, width * 0.62)
    else:
        width = min(18.0, 0.55 * lane_mm)
        height = SYMBOL_H
    top = (1.0 + PENT + 2.0) if page_in else 4.6
    bottom = 3.2
    if branches:
        bottom = max(bottom, 1.0 + 2 * RADIUS + 0.8)
    if page_out:
        bottom = max(bottom, 2.2 + PENT + 0.8)
    # Connectors arriving beside the symbol: one circle and/or one pentagon, stacked.
    beside = height / 2 + (2 * RADIUS + 0.8) * (into - 1) + RADIUS + 0.6 if into else 0.0
    total = top + max(height + bottom, beside)
    return Geometry(top=top, width=width, height=height, total=round(total, 2))


def row_geometry(procedure: Procedure, plan: FlowPlan | None, i: int, widths: Widths) -> Geometry:
    """The drawing's layout for row ``i`` (``plan`` None: before the pages are known).

    >>> row_geometry(procedure, None, 0, widths).top
    4.6
    """
    step = procedure.steps[i]
    if plan is None:
        # Before the pages are known: branches and arrivals as if all were on one page.
        branches = sum(1 for t in (step.yes, step.no) if t is not None and t != i + 1)
        arrives = any(
            s.symbol == "decision" and i in (s.yes, s.no) and i != k + 1
            for k, s in enumerate(procedure.steps)
        )
        return geometry(
            step, lane_mm=widths.lane, page_in=False, page_out=False, branches=branches, into=int(arrives)
        )
    kinds = {c.offpage for c in plan.into[i]}
    return geometry(
        step,
        lane_mm=widths.lane,
        page_in=plan.page_in[i] is not None,
        page_out=plan.page_out[i] is not None,
        branches=len(plan.out[i]),
        into=len(kinds),
    )


# -- drawing ----------------------------------------------------------------------------------


def _shape(canvas: Canvas, step: Step, cx: float, g: Geometry, *, dashed: bool = False) -> None:
    x0, y0, w, h = cx - g.width / 2, g.top, g.width, g.height
    style = OUTLINE + (' stroke-dasharray="1 0.7"' if dashed else "")
    box = f'x="{num(x0)}" y="{num(y0)}" width="{num(w)}" height="{num(h)}"'
    if step.symbol == "decision":
        pts = points(cx, y0, cx + w / 2, y0 + h / 2, cx, y0 + h, cx - w / 2, y0 + h / 2)
        canvas.add(x0, x0 + w, f'<polygon points="{pts}" {style}/>')
    elif step.symbol in ("start", "end"):
        r = num(h / 2)
        canvas.add(x0, x0 + w, f'<rect {box} rx="{r}" ry="{r}" {style}/>')
        if not dashed:
            label = _("Start") if step.symbol == "start" else _("End")
            canvas.text(cx, y0 + h / 2 + 0.75, label, size=fit(label, w - 1.5, FONT))
    elif step.symbol == "document":
        # A rectangle whose bottom edge waves: the document shape.
        yb = y0 + h - 1.0
        d = f"M {points(x0, y0)} L {points(x0 + w, y0)} L {points(x0 + w, yb)} C " + points(
            x0 + w * 0.75, yb - 1.6, x0 + w * 0.25, yb + 1.6, x0, yb
        )
        canvas.add(x0, x0 + w, f'<path d="{d} Z" {style}/>')
    else:
        canvas.add(x0, x0 + w, f"<rect {box} {style}/>")


def _branch_word(branch: str) -> str:
    return _("Yes") if branch == "yes" else _("No")


def draw_row(procedure: Procedure, plan: FlowPlan, i: int, widths: Widths) -> tuple[Geometry, list[Mark]]:
    """Every mark of row ``i``'s drawing, in coordinates across the actor columns.

    >>> geometry, marks = draw_row(procedure, plan, 0, widths)
    >>> marks[-1].svg.startswith("<text")  # the start terminator's label
    True
    """
    step = procedure.steps[i]
    lane_w = widths.lane
    g = row_geometry(procedure, plan, i, widths)
    canvas = Canvas()
    cx = plan.lane[i] * lane_w + lane_w / 2
    top, bottom = g.top, g.top + g.height
    # The arrow in: straight from above, turning in from another actor, or from the previous page.
    came = plan.down[i - 1] if i > 0 else False
    if plan.border_on(i) and not (came and plan.lane[i - 1] == plan.lane[i] and plan.page_in[i] is None):
        canvas.mask(cx, 0.4, top)  # below the row's top border, which must stay whole
    if plan.page_in[i] is not None:
        canvas.connector(cx, 1.0, plan.page_in[i].letter, offpage=True)  # type: ignore[union-attr]
        canvas.line(cx, 1.0 + PENT, cx, top)
        canvas.arrow_down(cx, top)
    elif came:
        from_x = plan.lane[i - 1] * lane_w + lane_w / 2
        if from_x == cx:
            canvas.line(cx, 0.0, cx, top)
        else:
            canvas.line(from_x, 0.0, from_x, JOG_Y, cx, JOG_Y, cx, top)
        canvas.arrow_down(cx, top)
    # Steps shared with other actors: a dashed twin in their columns, joined at mid-height.
    if plan.joint[i]:
        xs = [c * lane_w + lane_w / 2 for c in plan.joint[i]]
        mid = top + g.height / 2
        canvas.line(min([cx, *xs]), mid, max([cx, *xs]), mid, dashed=True)
        for x in xs:
            _shape(canvas, step, x, g, dashed=True)
    _shape(canvas, step, cx, g)
    # The way on: down (labelled for a decision), off the page, or through branch connectors.
    if plan.down_label[i]:
        canvas.text(cx + 0.8, bottom + 2.4, _branch_word(plan.down_label[i]), size=LABEL, anchor="start")
    if plan.page_out[i] is not None:
        y = bottom + 2.2
        canvas.line(cx, bottom, cx, y)
        canvas.arrow_down(cx, y)
        canvas.connector(cx, y, plan.page_out[i].letter, offpage=True)  # type: ignore[union-attr]
    for side, link in zip((1, -1), plan.out[i], strict=False):
        vx = cx + side * g.width / 2
        x = min(max(vx + side * (1.2 + RADIUS), RADIUS + 0.3), lane_w * widths.lanes - RADIUS - 0.3)
        y = bottom + 1.0
        canvas.line(vx, top + g.height / 2, x, top + g.height / 2, x, y)
        canvas.arrow_down(x, y)
        canvas.connector(x, y, link.letter, offpage=link.offpage)
        # The branch's word above its line, kept inside the step's own column.
        word = _branch_word(link.branch)
        left, right = plan.lane[i] * lane_w + 0.5, (plan.lane[i] + 1) * lane_w - 0.5
        span = len(word) * LABEL * 0.65
        start = min(vx + 0.4, right - span) if side > 0 else max(vx - 0.4 - span, left)
        canvas.text(start, top + g.height / 2 - 0.6, word, size=LABEL, anchor="start")
    # Connectors arriving here: beside the symbol, on its left.
    arriving = sorted({c.offpage for c in plan.into[i]})
    for k, offpage in enumerate(arriving):
        letters = " ".join(c.letter for c in plan.into[i] if c.offpage == offpage)
        x = max(RADIUS + 0.3, cx - g.width / 2 - 1.6 - RADIUS)
        y = top + g.height / 2 - RADIUS + k * (2 * RADIUS + 0.8)
        canvas.connector(x, y, letters, offpage=offpage)
        if k == 0 and x + RADIUS + 0.6 < cx - g.width / 2:
            edge = cx - g.width / 2
            canvas.line(x + RADIUS, top + g.height / 2, edge, top + g.height / 2)
            canvas.arrow_right(edge, top + g.height / 2)
    return g, canvas.marks


def row_svgs(procedure: Procedure, plan: FlowPlan, i: int, widths: Widths) -> list[str]:
    """Row ``i``'s drawing as one SVG per actor column ("" where nothing is drawn in a column).

    Each SVG spans its whole column (it starts in the column's left half and
    overflows the right one) and shows its slice of the row's drawing.

    >>> [svg[:16] for svg in row_svgs(procedure, plan, 0, widths)][:2]
    ['<svg class="fc" ', '']
    """
    g, marks = draw_row(procedure, plan, i, widths)
    out = []
    lane_w = widths.lane
    view_w = lane_w - BORDER_MM
    for lane in range(widths.lanes):
        x0 = lane * lane_w + BORDER_MM / 2
        inside = [m.svg for m in marks if m.x1 > x0 and m.x0 < x0 + view_w]
        if not inside:
            out.append("")
            continue
        out.append(
            f'<svg class="fc" role="img" width="{num(view_w)}mm" height="{num(g.total)}mm" '
            f'viewBox="{points(x0, 0, view_w, g.total)}" font-family="DejaVu Sans">'
            + "".join(inside)
            + "</svg>"
        )
    return out
