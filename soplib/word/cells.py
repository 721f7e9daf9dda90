"""The text and shapes of Word paragraphs and table cells, read from python-docx's element tree.

Text is read as Word shows it with tracked changes accepted (insertions kept,
deletions left out); line breaks and the paragraphs of a cell become lines; a
numbered or bulleted paragraph (Word numbering, directly or through its style)
gets a ``1.`` or ``-`` marker; a Wingdings or Symbol check mark becomes ``✓``.
Shapes (DrawingML ``wps:wsp`` with a preset geometry, or VML) are returned
apart from the text, with the text inside them and their alt text, so the
procedure reader can tell which actor column holds a flowchart symbol.

    >>> words = WordText(document)
    >>> words.cell(table.rows[2].cells[3]._tc).shapes[0].kind
    'decision'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
PIC = "{http://schemas.openxmlformats.org/drawingml/2006/picture}"
WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
V = "{urn:schemas-microsoft-com:vml}"
OFFICE = "{urn:schemas-microsoft-com:office:office}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

ShapeKind = Literal[
    "terminator",
    "process",
    "decision",
    "document",
    "connector",
    "offpage",
    "arrow",
    "label",
    "image",
    "other",
]
# DrawingML preset geometries (a:prstGeom/@prst) -> what they stand for in an SOP AP flowchart.
_PRESET: dict[str, ShapeKind] = {
    **dict.fromkeys(("flowChartTerminator", "roundRect", "ellipse", "snipRoundRect"), "terminator"),
    **dict.fromkeys(
        (
            "flowChartProcess", "rect", "flowChartAlternateProcess", "flowChartPredefinedProcess",
            "flowChartManualOperation", "flowChartPreparation", "flowChartInputOutput", "parallelogram",
            "flowChartManualInput", "flowChartPunchedCard",
        ),
        "process",
    ),
    **dict.fromkeys(("flowChartDecision", "diamond"), "decision"),
    **dict.fromkeys(("flowChartDocument", "flowChartMultidocument"), "document"),
    "flowChartConnector": "connector",
    **dict.fromkeys(("flowChartOffpageConnector", "homePlate", "pentagon"), "offpage"),
}  # fmt: skip
_ARROW_WORDS = ("line", "connector", "arrow", "chevron")
# VML shape types (o:spt / type="#_x0000_tNNN") -> the same.
_VML_TYPE: dict[int, ShapeKind] = {
    1: "process", 109: "process", 111: "process", 112: "process", 117: "process", 118: "process",
    176: "process", 7: "process", 2: "terminator", 3: "terminator", 116: "terminator", 4: "decision",
    110: "decision", 114: "document", 115: "document", 120: "connector", 177: "offpage", 15: "offpage",
    202: "label", 75: "image", 20: "arrow", 32: "arrow", 33: "arrow", 34: "arrow", 38: "arrow", 13: "arrow",
    66: "arrow", 67: "arrow", 68: "arrow",
}  # fmt: skip
_VML_SHAPES = {
    V + n for n in ("shape", "rect", "roundrect", "oval", "line", "polyline", "curve", "arc", "image")
}
_VML_ELEMENT: dict[str, ShapeKind] = {
    V + "image": "image",
    V + "arc": "arrow",
    V + "rect": "process",
    V + "roundrect": "terminator",
    V + "oval": "terminator",
    V + "line": "arrow",
    V + "polyline": "arrow",
    V + "curve": "arrow",
}
# Symbol-font characters (Wingdings, Symbol; w:sym codes are F0xx) -> the mark they draw.
_SYMBOL_FONT_CHARS = {
    0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0x6C: "●", 0x6E: "■", 0x9F: "•", 0xA7: "▪", 0xD6: "√",
    0xB7: "•", 0xA8: "○",
}  # fmt: skip
_SYMBOL_FONTS = ("wingdings", "symbol", "webdings")
_SKIP = {
    W + "del", W + "moveFrom", W + "drawing", W + "pict", W + "object", MC + "AlternateContent",
    W + "pPr", W + "rPr", W + "instrText", W + "delText", W + "fldChar", W + "rPrChange", W + "pPrChange",
}  # fmt: skip
_BREAKS = {W + "br", W + "cr"}


@dataclass(frozen=True)
class Shape:
    """A drawn shape: what it stands for, the text inside it, its alt text and its geometry name."""

    kind: ShapeKind
    text: str
    alt: str
    geometry: str


@dataclass(frozen=True)
class CellContent:
    """A cell's text as lines (list markers added) and the shapes drawn in it."""

    lines: tuple[str, ...]
    shapes: tuple[Shape, ...]
    nested_tables: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _int(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else 0


def _symbol_char(code: int) -> str:
    return _SYMBOL_FONT_CHARS.get(code & 0xFF, "•")


def _run_font(run: Any) -> str:
    fonts = run.find(f"{W}rPr/{W}rFonts")
    return (fonts.get(W + "ascii") or fonts.get(W + "hAnsi") or "").lower() if fonts is not None else ""


def inline_text(element: Any) -> str:
    """The text of a paragraph (or any run container) as shown with tracked changes accepted."""
    out: list[str] = []
    _inline(element, out, symbol_font=False)
    return "".join(out)


def _inline(element: Any, out: list[str], *, symbol_font: bool) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == W + "t":
            text = child.text or ""
            out.append("".join(_symbol_char(ord(c)) for c in text) if symbol_font else text)
        elif tag == W + "tab" or tag == W + "ptab":
            out.append(" ")
        elif tag in _BREAKS:
            out.append("\n")
        elif tag == W + "sym":
            try:
                out.append(_symbol_char(int(child.get(W + "char") or "0", 16)))
            except ValueError:
                out.append("•")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "r":
            _inline(child, out, symbol_font=_run_font(child).startswith(_SYMBOL_FONTS))
        else:  # w:ins, w:moveTo, w:hyperlink, w:smartTag, w:sdt, w:sdtContent, w:fldSimple ...
            _inline(child, out, symbol_font=symbol_font)


class WordText:
    """Reads paragraphs and cells of one document (its numbering and styles looked up once)."""

    def __init__(self, document: Any) -> None:
        self._formats: dict[tuple[str, str], tuple[str, int]] = {}  # (numId, ilvl) -> (format, depth)
        self._style_numbering: dict[str, tuple[str, str] | None] = {}
        self._cells: dict[int, tuple[Any, CellContent]] = {}
        self._styles = {s.get(W + "styleId"): s for s in document.styles.element.iter(W + "style")}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: no lists
            numbering = None
        if numbering is not None:
            abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
            for num in numbering.iter(W + "num"):
                ref = num.find(W + "abstractNumId")
                levels = abstract.get(ref.get(W + "val")) if ref is not None else None
                if levels is None:
                    continue
                kind = levels.find(W + "multiLevelType")
                single = kind is not None and kind.get(W + "val") == "singleLevel"
                for lvl in levels.iter(W + "lvl"):
                    fmt = lvl.find(W + "numFmt")
                    value = (fmt.get(W + "val") if fmt is not None else None) or "decimal"
                    depth = _int(lvl.get(W + "ilvl"))
                    if single:  # "List Bullet 2": a one-level list whose depth is its indentation
                        ind = lvl.find(f"{W}pPr/{W}ind")
                        left = (ind.get(W + "left") or ind.get(W + "start")) if ind is not None else None
                        depth = max(0, round(_int(left) / 360) - 1)
                    self._formats[(num.get(W + "numId") or "", lvl.get(W + "ilvl") or "0")] = (value, depth)

    def _numbering_of_style(self, style_id: str, depth: int = 0) -> tuple[str, str] | None:
        if style_id in self._style_numbering:
            return self._style_numbering[style_id]
        found: tuple[str, str] | None = None
        style = self._styles.get(style_id)
        if style is not None and depth < 10:
            num = style.find(f"{W}pPr/{W}numPr")
            if num is not None:
                found = _num_pr(num)
            else:
                based = style.find(W + "basedOn")
                if based is not None:
                    found = self._numbering_of_style(based.get(W + "val") or "", depth + 1)
        self._style_numbering[style_id] = found
        return found

    def list_format(self, p: Any) -> tuple[str, int] | None:
        """``("bullet" | "number", level)`` for a paragraph in a Word list, else None."""
        ppr = p.find(W + "pPr")
        num = ppr.find(W + "numPr") if ppr is not None else None
        pair = _num_pr(num) if num is not None else None
        if pair is None and ppr is not None:
            style = ppr.find(W + "pStyle")
            if style is not None:
                pair = self._numbering_of_style(style.get(W + "val") or "")
        if pair is None or pair[0] in ("", "0"):  # numId 0: numbering switched off
            return None
        fmt, depth = self._formats.get(pair, ("decimal", _int(pair[1])))
        return ("bullet" if fmt in ("bullet", "none") else "number"), min(depth, 8)

    def style_id(self, p: Any) -> str:
        style = p.find(f"{W}pPr/{W}pStyle")
        return (style.get(W + "val") or "") if style is not None else ""

    def style_name(self, p: Any) -> str:
        style = self._styles.get(self.style_id(p))
        name = style.find(W + "name") if style is not None else None
        return (name.get(W + "val") or "") if name is not None else ""

    def cell(self, tc: Any) -> CellContent:
        """The lines and shapes of a table cell (``w:tc``), read once."""
        # Keyed by id(); the element is kept in the value so its id cannot be reused meanwhile.
        known = self._cells.get(id(tc))
        if known is not None and known[0] is tc:
            return known[1]
        content = self._read_cell(tc)
        self._cells[id(tc)] = (tc, content)
        return content

    def _read_cell(self, tc: Any) -> CellContent:
        lines: list[str] = []
        counters: dict[tuple[str, int], int] = {}
        nested = 0
        for p in _paragraphs(tc):
            if p.tag == W + "tbl":
                nested += 1
                lines += [" ".join(inline_text(x) for x in _row_cells(tr)) for tr in p.iter(W + "tr")]
                continue
            text = inline_text(p).strip()
            fmt = self.list_format(p)
            if fmt and text:
                kind, level = fmt
                counters[(kind, level)] = counters.get((kind, level), 0) + 1
                marker = "-" if kind == "bullet" else f"{counters[(kind, level)]}."
                text = "  " * level + f"{marker} {text}"
            lines += [line.rstrip() for line in text.split("\n")]
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        return CellContent(tuple(lines), tuple(shapes(tc)), nested)


def _num_pr(num: Any) -> tuple[str, str] | None:
    num_id, ilvl = num.find(W + "numId"), num.find(W + "ilvl")
    if num_id is None:
        return None
    return num_id.get(W + "val") or "", (ilvl.get(W + "val") or "0") if ilvl is not None else "0"


def _paragraphs(container: Any) -> Iterator[Any]:
    """Paragraphs and nested tables directly in a cell (content controls looked into)."""
    for child in container:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _paragraphs(child)


def _row_cells(tr: Any) -> Iterator[Any]:
    return (tc for tc in tr if tc.tag == W + "tc")


# -- shapes --------------------------------------------------------------------------------


def shapes(element: Any) -> Iterator[Shape]:
    """Every shape drawn inside ``element``, in document order (a Fallback copy of a shape skipped)."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag == MC + "Fallback":
            continue
        if tag == WPS + "wsp":
            yield _wsp(child)
        elif tag == PIC + "pic":
            yield Shape("image", "", _alt(child), "picture")
        elif tag == A + "graphicData" and (child.get("uri") or "").endswith(("/chart", "/diagram")):
            yield Shape("other", "", _alt(child), (child.get("uri") or "").rsplit("/", 1)[-1])
        elif tag in _VML_SHAPES:
            yield _vml(child)
        elif tag in (V + "shapetype", W + "txbxContent"):
            continue  # a definition other shapes refer to; a text box's content (read with its shape)
        else:
            yield from shapes(child)


def _alt(shape: Any) -> str:
    """The alt text of a DrawingML shape: the description of the drawing that holds it."""
    node = shape.getparent()
    while node is not None and node.tag not in (WP + "inline", WP + "anchor"):
        node = node.getparent()
    pr = node.find(WP + "docPr") if node is not None else None
    return (pr.get("descr") or "").strip() if pr is not None else ""


def _box_text(shape: Any) -> str:
    return " ".join(t for t in (inline_text(p).strip() for p in shape.iter(W + "p")) if t)


def _wsp(wsp: Any) -> Shape:
    geom = wsp.find(f"{WPS}spPr/{A}prstGeom")
    prst = (
        (geom.get("prst") or "")
        if geom is not None
        else ("custom" if wsp.find(f"{WPS}spPr/{A}custGeom") is not None else "")
    )
    text, alt = _box_text(wsp), _alt(wsp)
    nv = wsp.find(WPS + "cNvSpPr")
    if wsp.find(WPS + "cNvCnPr") is not None or any(w in prst.lower() for w in _ARROW_WORDS):
        return Shape("arrow", text, alt, prst or "connector")
    if nv is not None and nv.get("txBox") in ("1", "true"):
        return Shape("label", text, alt, "text box")
    return Shape(_PRESET.get(prst, "other"), text, alt, prst or "shape")


def _vml(shape: Any) -> Shape:
    alt = (shape.get("alt") or "").strip()
    text = _box_text(shape)
    kind: ShapeKind = _VML_ELEMENT.get(shape.tag, "other")
    spt = shape.get(OFFICE + "spt") or ""
    ref = (shape.get("type") or "").rsplit("_t", 1)
    number = spt if spt.isdigit() else (ref[1] if len(ref) == 2 and ref[1].isdigit() else "")
    if number:
        kind = _VML_TYPE.get(int(number), kind)
    if shape.find(V + "imagedata") is not None:
        kind = "image"
    geometry = shape.tag.removeprefix(V) + (f" type {number}" if number else "")
    return Shape(kind, text, alt, geometry)
