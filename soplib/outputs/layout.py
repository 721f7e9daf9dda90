"""Page geometry of the printed SOP: column widths, text heights, and the procedure cut into pages.

WeasyPrint decides where a page ends, but the flowchart needs to know it: the
flow that leaves the last row of a page continues through an off-page
connector (a pentagon) at the top of the next one. So the procedure is cut
into page-sized chunks here, by a height budget, and each chunk is printed as
one table on its own landscape page with the header repeated. Row heights are
estimated with the advance widths of DejaVu Sans (the print font) and a greedy
word wrap that never fits more on a line than the typesetter does, so an
estimate errs tall: a page ends a little early rather than overflowing.

    >>> widths = column_widths(procedure)
    >>> heights = [row_height_mm(step, widths, 16.0) for step in procedure.steps]
    >>> [len(page) for page in paginate(heights, header_height_mm(procedure, widths), lead_mm=12)]
    [8, 10, 10, 10, 2]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from soplib.documents.procedure import Procedure, Step
from soplib.i18n import _

# A4 landscape, margins 10 mm left/right, 10 mm top, 14 mm bottom (the footer line).
PAGE_WIDTH_MM = 277.0
PAGE_HEIGHT_MM = 186.0
# Estimates err tall, but a page is never planned to the last millimetre.
PAGE_SLACK_MM = 6.0

TABLE_FONT_PT = 8.0
HEADER_FONT_PT = 7.5
PROSE_FONT_PT = 9.0
LINE_HEIGHT = 1.3
CELL_PAD_MM = 1.2
BORDER_MM = 0.3
PT_MM = 25.4 / 72

# DejaVu Sans advance widths (em) of the printable ASCII characters, 32..126.
_ASCII_EM = (
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318,
    0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838,
    0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656,
    0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611,
    0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634,
    0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592,
    0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
)  # fmt: skip
_BOLD = 1.12  # DejaVu Sans Bold is about 10 % wider; 12 % errs tall
_SAFETY = 1.03  # kerning and rounding in the typesetter


def char_em(ch: str) -> float:
    """Advance width of ``ch`` in em (non-ASCII: a wide Latin letter; CJK and beyond: a full em).

    >>> char_em("m"), char_em("i")
    (0.974, 0.278)
    """
    code = ord(ch)
    if 32 <= code <= 126:
        return _ASCII_EM[code - 32]
    return 1.0 if code >= 0x2E80 else 0.75


def text_width_mm(text: str, font_pt: float, *, bold: bool = False) -> float:
    """Width of ``text`` on one line, in mm.

    >>> round(text_width_mm("Kegiatan", 8.0), 1)
    12.9
    """
    em = sum(char_em(ch) for ch in text) * (_BOLD if bold else 1.0) * _SAFETY
    return em * font_pt * PT_MM


def wrapped_lines(text: str, width_mm: float, font_pt: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a box ``width_mm`` wide (greedy at spaces; long words cut).

    >>> wrapped_lines("Mencatat surat dalam buku agenda", 20, 8)
    2
    """
    if width_mm <= 0:
        return max(1, len(text))
    space = text_width_mm(" ", font_pt, bold=bold)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = text_width_mm(word, font_pt, bold=bold)
            if w > width_mm:  # cut anywhere (overflow-wrap: anywhere), as the CSS allows
                if used:
                    lines += 1
                extra = math.ceil(w / width_mm) - 1
                lines += extra
                used = w - extra * width_mm
                continue
            if used and used + space + w > width_mm:
                lines += 1
                used = w
            else:
                used += (space if used else 0.0) + w
    return max(lines, 1)


def text_height_mm(text: str, width_mm: float, font_pt: float, *, bold: bool = False) -> float:
    """Height of a table cell holding ``text`` (padding included).

    >>> round(text_height_mm("Menerima surat", 60.0, 8.0), 1)
    6.4
    """
    inner = width_mm - 2 * CELL_PAD_MM - BORDER_MM
    lines = wrapped_lines(text, inner, font_pt, bold=bold)
    return lines * font_pt * PT_MM * LINE_HEIGHT + 2 * CELL_PAD_MM + BORDER_MM


@dataclass(frozen=True)
class Widths:
    """Column widths (mm) of one procedure table; ``lane`` is one actor column of the flowchart."""

    number: float
    activity: float
    lane: float
    lanes: int
    inputs: float = 0.0
    time: float = 0.0
    output: float = 0.0
    notes: float = 0.0
    other: tuple[float, ...] = ()

    @property
    def quality(self) -> bool:
        """True when the table has the *mutu baku* and notes columns (tables, not lists)."""
        return self.notes > 0

    @property
    def total(self) -> float:
        text = self.number + self.activity + self.inputs + self.time + self.output + self.notes
        return text + sum(self.other) + self.lane * self.lanes


_TABLE_PREF = {"number": 9.0, "activity": 62.0, "inputs": 30.0, "time": 17.0, "output": 28.0, "notes": 26.0}
_TABLE_MIN = {"number": 7.0, "activity": 30.0, "inputs": 15.0, "time": 11.0, "output": 15.0, "notes": 13.0}
_OTHER_PREF, _OTHER_MIN = 24.0, 13.0
LANE_MAX, LANE_MIN = 32.0, 16.0
LIST_LANE = 52.0


def _header_minimum() -> dict[str, float]:
    # A column is never narrower than its header's longest word (in the language being printed).
    out = dict(_TABLE_MIN)
    labels = {"inputs": _("Inputs"), "time": _("Time"), "output": _("Output"), "notes": _("Notes")}
    for role, label in labels.items():
        widest = max(text_width_mm(word, HEADER_FONT_PT, bold=True) for word in label.split())
        out[role] = max(out[role], widest + 2 * CELL_PAD_MM + BORDER_MM + 0.5)
    return out


def column_widths(procedure: Procedure) -> Widths:
    """The widths that fill the landscape page exactly: lanes between 16 and 32 mm where possible.

    Text columns give way (down to a minimum: their header's longest word)
    before lanes go under 16 mm; a table with very many actors gets narrower
    lanes and smaller symbols, never a table wider than the page.

    >>> widths = column_widths(procedures(doc)[0])
    >>> round(widths.total, 6)
    277.0
    """
    if procedure.kind == "list":
        return Widths(number=10.0, activity=PAGE_WIDTH_MM - 10.0 - LIST_LANE, lane=LIST_LANE, lanes=1)
    lanes = max(1, len(procedure.actors))
    others = len(procedure.other_columns)
    pref = dict(_TABLE_PREF)
    text = sum(pref.values()) + _OTHER_PREF * others
    room = PAGE_WIDTH_MM - text
    if room >= lanes * LANE_MAX:
        lane = LANE_MAX
        pref["activity"] += room - lanes * LANE_MAX  # the spare width goes to the activity text
        other = _OTHER_PREF
    elif room >= lanes * LANE_MIN:
        lane = room / lanes
        other = _OTHER_PREF
    else:
        # Shrink the text columns towards their minimum so the lanes keep 16 mm.
        minimum = _header_minimum()
        floor = sum(minimum.values()) + _OTHER_MIN * others
        need = lanes * LANE_MIN
        share = max(0.0, min(1.0, (PAGE_WIDTH_MM - need - floor) / (text - floor)))
        pref = {k: minimum[k] + (v - minimum[k]) * share for k, v in pref.items()}
        other = _OTHER_MIN + (_OTHER_PREF - _OTHER_MIN) * share
        lane = (PAGE_WIDTH_MM - sum(pref.values()) - other * others) / lanes
    return Widths(lane=lane, lanes=lanes, other=(other,) * others, **pref)


ACTOR_FONT_STEPS = (7.5, 7.0, 6.5, 6.0, 5.5, 5.0)


def actor_font_pt(actors: Sequence[str], lane_mm: float) -> float:
    """The header font for the actor positions: the largest at which every word fits its column.

    Positions wrap between words; a word is only cut when even 5 pt is too wide.

    >>> actor_font_pt(["Pengadministrasi Umum"], 30.0), actor_font_pt(["Pengadministrasi Umum"], 16.0)
    (7.5, 5.0)
    """
    room = lane_mm - 2 * CELL_PAD_MM - BORDER_MM - 0.3
    longest = max(
        (w for a in actors for w in a.split()), key=lambda w: text_width_mm(w, 1.0, bold=True), default=""
    )
    for size in ACTOR_FONT_STEPS:
        if text_width_mm(longest, size, bold=True) <= room:
            return size
    return ACTOR_FONT_STEPS[-1]


def header_height_mm(procedure: Procedure, widths: Widths) -> float:
    """Height of the two header rows (actor positions wrap in narrow lanes).

    >>> header_height_mm(procedure, column_widths(procedure)) > 10
    True
    """
    line = HEADER_FONT_PT * PT_MM * LINE_HEIGHT + 2 * CELL_PAD_MM + BORDER_MM
    second = line
    size = actor_font_pt(procedure.actors, widths.lane)
    for actor in procedure.actors:
        second = max(second, text_height_mm(actor, widths.lane, size, bold=True))
    if widths.quality:
        second = max(second, text_height_mm("Kelengkapan", widths.inputs, HEADER_FONT_PT, bold=True))
    return line + second + 1.0


def row_height_mm(step: Step, widths: Widths, flow_mm: float) -> float:
    """Estimated height of a step's row: its tallest text cell or its flowchart drawing.

    >>> row_height_mm(procedure.steps[0], column_widths(procedure), flow_mm=14.0) >= 14.0
    True
    """
    cells = [(step.number or "00", widths.number), (step.activity, widths.activity)]
    if widths.quality:
        cells += [
            (step.inputs, widths.inputs),
            (step.time, widths.time),
            (step.output, widths.output),
            (step.notes, widths.notes),
        ]
        cells += list(zip(step.other, widths.other, strict=False))
    tallest = max(text_height_mm(text, width, TABLE_FONT_PT) for text, width in cells)
    return max(tallest, flow_mm + BORDER_MM)


def paginate(heights: Sequence[float], header_mm: float, *, lead_mm: float = 0.0) -> list[range]:
    """Consecutive rows grouped into pages: each page holds the header and rows up to the budget.

    ``lead_mm`` is taken on the first page (the section title and its text).
    A row taller than a page gets a page of its own (the typesetter splits it).

    >>> paginate([50.0] * 7, 20.0)
    [range(0, 3), range(3, 6), range(6, 7)]
    """
    budget = PAGE_HEIGHT_MM - PAGE_SLACK_MM - header_mm
    pages: list[range] = []
    start, used = 0, lead_mm
    for i, h in enumerate(heights):
        if i > start and used + h > budget:
            pages.append(range(start, i))
            start, used = i, 0.0
        used += h
    if start < len(heights) or not pages:
        pages.append(range(start, len(heights)))
    return pages
