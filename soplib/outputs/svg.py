"""Drawing primitives of the flowchart: marks in millimetres, each with its horizontal extent.

A :class:`Canvas` collects SVG elements in coordinates across all actor
columns of a row; :mod:`soplib.outputs.flowchart` then shows each column the
marks that reach into it. Text on the canvas is escaped like every other
string on the page.

    >>> canvas = Canvas()
    >>> canvas.line(0, 0, 10, 0)
    >>> canvas.marks[0].x1
    10
"""

from __future__ import annotations

from dataclasses import dataclass

from soplib.outputs.html import esc

STROKE = 0.3
RADIUS = 2.0  # on-page connector
PENT = 4.2  # off-page connector, width and height
ARROW = 1.3
FONT = 2.1  # mm, in the drawing
OUTLINE = f'fill="#fff" stroke="#000" stroke-width="{STROKE}"'


def num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def points(*xy: float) -> str:
    return " ".join(num(v) for v in xy)


@dataclass(frozen=True)
class Mark:
    x0: float
    x1: float
    svg: str


class Canvas:
    """Marks in coordinates across all actor columns, each with its horizontal extent."""

    def __init__(self) -> None:
        self.marks: list[Mark] = []

    def add(self, x0: float, x1: float, svg: str) -> None:
        self.marks.append(Mark(min(x0, x1), max(x0, x1), svg))

    def line(self, *xy: float, dashed: bool = False) -> None:
        xs = xy[0::2]
        d = "M " + " L ".join(f"{num(xy[k])} {num(xy[k + 1])}" for k in range(0, len(xy), 2))
        dash = ' stroke-dasharray="1 0.7"' if dashed else ""
        self.add(min(xs), max(xs), f'<path d="{d}" fill="none" stroke="#000" stroke-width="{STROKE}"{dash}/>')

    def arrow_down(self, x: float, y: float) -> None:
        pts = points(x - 0.8, y - ARROW, x + 0.8, y - ARROW, x, y)
        self.add(x - 0.8, x + 0.8, f'<polygon points="{pts}" fill="#000"/>')

    def arrow_right(self, x: float, y: float) -> None:
        pts = points(x - ARROW, y - 0.8, x - ARROW, y + 0.8, x, y)
        self.add(x - ARROW, x, f'<polygon points="{pts}" fill="#000"/>')

    def text(self, x: float, y: float, label: str, *, size: float = FONT, anchor: str = "middle") -> None:
        width = len(label) * size * 0.65
        x0 = x - width / 2 if anchor == "middle" else (x if anchor == "start" else x - width)
        self.add(
            x0,
            x0 + width,
            f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" text-anchor="{anchor}" '
            f'fill="#000">{esc(label)}</text>',
        )

    def mask(self, x: float, y0: float, y1: float) -> None:
        """Hide the flow border between ``y0`` and ``y1`` (the row's border runs its full height)."""
        if y1 > y0:
            self.add(
                x - 0.5,
                x + 0.5,
                f'<rect x="{num(x - 0.5)}" y="{num(y0)}" width="1" height="{num(y1 - y0)}" fill="#fff"/>',
            )

    def connector(self, x: float, y_top: float, letter: str, *, offpage: bool) -> None:
        """A connector whose top is at ``y_top``: circle (same page) or pentagon (another page)."""
        if offpage:
            h = PENT
            pts = points(
                x - h / 2,
                y_top,
                x + h / 2,
                y_top,
                x + h / 2,
                y_top + h * 0.6,
                x,
                y_top + h,
                x - h / 2,
                y_top + h * 0.6,
            )
            self.add(
                x - h / 2,
                x + h / 2,
                f'<polygon points="{pts}" fill="#fff" stroke="#000" stroke-width="{STROKE}"/>',
            )
            self.text(x, y_top + h * 0.5, letter, size=fit(letter, h - 0.6, 2.2))
        else:
            cy = y_top + RADIUS
            self.add(
                x - RADIUS,
                x + RADIUS,
                f'<circle cx="{num(x)}" cy="{num(cy)}" r="{RADIUS}" {OUTLINE}/>',
            )
            self.text(x, cy + 0.75, letter, size=fit(letter, 2 * RADIUS - 0.6, 2.2))


def fit(label: str, width: float, size: float) -> float:
    return max(1.0, min(size, width / max(1, len(label)) / 0.65))
