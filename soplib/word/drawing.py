"""Low-level WordprocessingML pieces python-docx has no API for, built as its element tree.

Flowchart shapes drawn inline in a table cell (DrawingML ``wps:wsp`` with a
preset geometry and alt text), header rows repeated on every page, list
numbering definitions that restart per list, and a byte-stable zip (fixed
timestamps), so the same SOP always gives the same .docx.

    >>> run = paragraph.add_run()
    >>> run._r.append(shape_element(1, "decision", alt="keputusan: ya 5, tidak 3"))
"""

from __future__ import annotations

import io
import zipfile
from typing import Any, ClassVar
from xml.sax.saxutils import quoteattr

from docx.oxml import parse_xml

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)
PRESET = {
    "terminator": "flowChartTerminator",
    "process": "flowChartProcess",
    "decision": "flowChartDecision",
    "document": "flowChartDocument",
}
_EMU_PER_MM = 36_000
_SIZE_MM = {"terminator": (16, 7), "process": (16, 8), "decision": (14, 10), "document": (16, 9)}
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def shape_element(shape_id: int, kind: str, *, alt: str) -> Any:
    """A ``w:drawing`` holding one inline flowchart shape of ``kind`` whose alt text is ``alt``."""
    w, h = (v * _EMU_PER_MM for v in _SIZE_MM[kind])
    xml = (
        f"<w:drawing {_NS}>"
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{w}" cy="{h}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name={quoteattr(f"Simbol {shape_id}")} descr={quoteattr(alt)}/>'
        f"<wp:cNvGraphicFramePr/>"
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:cNvSpPr/><wps:spPr>"
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
        f'<a:prstGeom prst="{PRESET[kind]}"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        f'<a:ln w="12700"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
        f"</wps:spPr>"
        f'<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr">'
        f"<a:noAutofit/></wps:bodyPr>"
        f"</wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
    return parse_xml(xml)


def repeat_as_header(row: Any) -> None:
    """Mark a table row (python-docx ``_Row``) to repeat at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {_NS} w:val="true"/>'))
    tr_pr.append(parse_xml(f'<w:cantSplit {_NS} w:val="true"/>'))


def keep_row_together(row: Any) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {_NS} w:val="true"/>'))


class Numbering:
    """List numbering of the document: one abstract definition per kind, a fresh ``w:num`` per list."""

    _ABSTRACT: ClassVar[dict[str, int]] = {"number": 900, "bullet": 901}

    def __init__(self, document: Any) -> None:
        self._root = document.part.numbering_part.element
        self._next = 900
        for kind, abstract_id in self._ABSTRACT.items():
            levels = "".join(self._level(kind, level) for level in range(3))
            self._root.insert(
                0, parse_xml(f'<w:abstractNum {_NS} w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>')
            )

    @staticmethod
    def _level(kind: str, level: int) -> str:
        fmt, text = ("bullet", "•") if kind == "bullet" else ("decimal", f"%{level + 1}.")
        left = 360 * (level + 1)
        return (
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr></w:lvl>'
        )

    def new_list(self, kind: str) -> int:
        """A numbering id for a new list of ``kind`` (numbers restart at 1)."""
        self._next += 1
        num = parse_xml(
            f'<w:num {_NS} w:numId="{self._next}"><w:abstractNumId w:val="{self._ABSTRACT[kind]}"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
        self._root.append(num)
        return self._next

    @staticmethod
    def apply(paragraph: Any, num_id: int, level: int) -> None:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()  # python-docx keeps the schema order
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = num_id


def stable_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed, so equal documents are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info))
    return out.getvalue()
