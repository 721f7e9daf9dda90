"""Word out: an SOP as an editable .docx in the SOP AP layout.

The office heading, the identity table (Nomor SOP ... Nama SOP, with the
*Disahkan oleh* cell holding the position, space to sign, the name and the
NIP), the grid of Dasar Hukum / Kualifikasi Pelaksana / Keterkaitan /
Peralatan / Peringatan / Pencatatan, then the body: headings, paragraphs,
numbered lists, and each procedure table with ``Pelaksana`` merged over the
actor columns and ``Mutu Baku`` over Kelengkapan / Waktu / Output, its header
rows repeated on every page, in a landscape section. A4. The bytes depend on
the SOP and the context only (fixed document properties and zip times).

    >>> data = write_docx(doc, ExportContext(version=3, office="KPU Provinsi NTB"))
    >>> read_docx(data, source="x.docx").document.items == doc.items
    True
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from soplib.documents.blocks import unescape_cell
from soplib.documents.model import Declared, Item, Ratifier, SopDocument
from soplib.documents.procedure import Procedure, procedures, runs, table_header
from soplib.word.body import MARKDOWN_STYLE
from soplib.word.drawing import Numbering, stable_zip
from soplib.word.labels import format_date
from soplib.word.sapt import procedure_table
from soplib.word.words import LABELS

_MARKER = re.compile(r"^(\s*)([-+*]|\d{1,9}[.)])[ \t]+(.*)$")


@dataclass(frozen=True)
class ExportContext:
    """What the store supplies beside the document; every date or name left None comes from ``declared``."""

    version: int | None = None
    revision: int | None = None
    made: date | None = None
    revised: tuple[date, ...] = ()
    effective: date | None = None
    ratified_by: Ratifier | None = None
    office: str | None = None
    address: str | None = None
    language: str = "id"


def _merge(doc: SopDocument, context: ExportContext) -> ExportContext:
    """The context with the document's declared history filling what the store did not say."""
    d = doc.front.declared or Declared()
    return ExportContext(
        version=context.version,
        revision=context.revision if context.revision is not None else d.revision,
        made=context.made or d.made,
        revised=context.revised or d.revised,
        effective=context.effective or d.effective,
        ratified_by=context.ratified_by or d.ratified_by,
        office=context.office,
        address=context.address,
        language=context.language,
    )


def write_docx(doc: SopDocument, context: ExportContext) -> bytes:
    """``doc`` as a Word document in the SOP AP layout (bytes of a .docx).

    >>> Path("KPU-01.docx").write_bytes(write_docx(store.get("KPU-01").document, ExportContext(version=2)))
    """
    if context.language not in LABELS:
        raise ValueError(f"unknown language {context.language!r}: use one of {', '.join(LABELS)}")
    ctx = _merge(doc, context)
    words = LABELS[ctx.language]
    out = docx.Document()
    _page_setup(out)
    _properties(out, doc, ctx)
    _heading(out, ctx, words)
    _identity(out, doc, ctx, words)
    _Body(out, doc, words).write()
    _footer(out, doc, ctx, words)
    buffer = io.BytesIO()
    out.save(buffer)
    return stable_zip(buffer.getvalue())


def _page_setup(out: Any) -> None:
    section = out.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    normal = out.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(2)
    code = out.styles.add_style(MARKDOWN_STYLE, 1)  # 1: a paragraph style
    code.base_style = normal
    code.font.name = "Courier New"


def _properties(out: Any, doc: SopDocument, ctx: ExportContext) -> None:
    props = out.core_properties
    # Fixed times from the SOP itself: the same SOP gives the same bytes.
    when = ctx.effective or ctx.made or date(2000, 1, 1)
    stamp = datetime(when.year, when.month, when.day, tzinfo=UTC)
    props.created = props.modified = stamp
    props.last_printed = stamp
    props.author = props.last_modified_by = "soplib"
    props.title = doc.front.title[:255]
    props.subject = (doc.front.number or "")[:255]
    props.identifier = doc.id  # read back by sop import: the SOP keeps its id
    props.keywords = "SOP"
    props.comments = ""
    props.category = "SOP"
    props.revision = 1
    props.version = str(ctx.version or "")
    props.language = "id-ID" if ctx.language == "id" else "en-GB"


def _paragraph(container: Any, lines: Sequence[str], *, bold: bool = False, align: Any = None) -> Any:
    p = container.add_paragraph()
    for i, line in enumerate(lines):
        run = p.add_run(line)
        run.bold = bold
        if i < len(lines) - 1:
            run.add_break()
    if align is not None:
        p.alignment = align
    return p


def _cell_lines(cell: Any, lines: Sequence[str], *, bold: bool = False, align: Any = None) -> None:
    """Write ``lines`` into a table cell, one paragraph each (the cell's first paragraph reused)."""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines or [""]):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold
        if align is not None:
            p.alignment = align


def _heading(out: Any, ctx: ExportContext, words: dict[str, str]) -> None:
    if ctx.office:
        _paragraph(out, [ctx.office.upper()], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if ctx.address:
        _paragraph(out, [ctx.address], align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(out, [words["heading"]], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _dates(days: Sequence[date], lang: str) -> str:
    return ", ".join(format_date(d, lang) for d in days) or "-"


def _identity(out: Any, doc: SopDocument, ctx: ExportContext, words: dict[str, str]) -> None:
    front, lang = doc.front, ctx.language
    rows: list[tuple[str, list[str]]] = [
        (words["number"], [front.number or "-"]),
        (words["made"], [format_date(ctx.made, lang) if ctx.made else "-"]),
        (words["revised"], [_dates(ctx.revised, lang)]),
    ]
    if ctx.revision is not None:
        rows.append((words["revision"], [str(ctx.revision)]))
    rows.append((words["effective"], [format_date(ctx.effective, lang) if ctx.effective else "-"]))
    who = ctx.ratified_by
    signature = ["", "", ""]  # the space to sign
    rows.append(
        (
            words["ratified_by"],
            [*([who.position] if who and who.position else []), *signature, who.name if who else "-",
             *([f"NIP. {who.nip}"] if who and who.nip else [])],
        )
    )  # fmt: skip
    rows.append((words["title"], [front.title]))
    if front.unit:
        rows.append((words["unit"], [front.unit]))
    if front.review_interval_months:
        rows.append(
            (words["review_interval_months"], [words["every_months"].format(n=front.review_interval_months)])
        )
    if front.audience.units:
        rows.append((words["audience_units"], _numbered(front.audience.units)))
    if front.audience.positions:
        rows.append((words["audience_positions"], _numbered(front.audience.positions)))
    table = out.add_table(rows=len(rows), cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left = table.cell(0, 0).merge(table.cell(len(rows) - 1, 0))
    office = [ctx.office] if ctx.office else []
    _cell_lines(left, [*office, words["heading"]], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r, (label, value) in enumerate(rows):
        _cell_lines(table.cell(r, 1), [label], bold=True)
        _cell_lines(table.cell(r, 2), value)
    table.autofit = False
    for col, width in enumerate((Mm(50), Mm(40), Mm(80))):
        table.columns[col].width = width
        for cell in table.columns[col].cells:
            cell.width = width
    out.add_paragraph()
    grid = out.add_table(rows=6, cols=2)
    grid.style = "Table Grid"
    pairs = (
        ("legal_basis", front.legal_basis, "qualifications", front.qualifications),
        ("related", front.related, "equipment", front.equipment),
        ("warnings", front.warnings, "records", front.records),
    )
    for i, (a, a_items, b, b_items) in enumerate(pairs):
        _cell_lines(grid.cell(2 * i, 0), [words[a]], bold=True)
        _cell_lines(grid.cell(2 * i, 1), [words[b]], bold=True)
        _cell_lines(grid.cell(2 * i + 1, 0), _numbered(a_items))
        _cell_lines(grid.cell(2 * i + 1, 1), _numbered(b_items))


def _numbered(items: Sequence[str]) -> list[str]:
    # Always numbered, even one entry: the importer strips exactly one marker.
    return [f"{n}. {item}" for n, item in enumerate(items, start=1)] or ["-"]


def _footer(out: Any, doc: SopDocument, ctx: ExportContext, words: dict[str, str]) -> None:
    version = words["version"].format(n=ctx.version) if ctx.version else ""
    text = " · ".join(t for t in (doc.id, version, ctx.office or "") if t)
    for section in out.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        footer.paragraphs[0].text = text
        footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


class _Body:
    """Writes the document's body in order: headings, paragraphs, lists, tables."""

    def __init__(self, out: Any, doc: SopDocument, words: dict[str, str]) -> None:
        self.out, self.doc, self.words = out, doc, words
        self.numbering = Numbering(out)
        self.tables: dict[str, Procedure] = {p.steps[0].key: p for p in procedures(doc) if p.steps}
        self.landscape = False
        self.shape_id = 100

    def write(self) -> None:
        blocks: list[tuple[int, Any]] = [(s.line, s) for s in self.doc.sections]
        blocks += [(run[0].start_line, run) for run in runs(self.doc.body_items)]
        blocks.sort(key=lambda b: b[0])
        for i, (_line, block) in enumerate(blocks):
            if not isinstance(block, list):
                following = blocks[i + 1][1] if i + 1 < len(blocks) else None
                if isinstance(following, list) and self._is_sop_ap(following):
                    self._to_landscape()
                self.out.add_heading(block.title, level=min(block.level, 9))
                continue
            if self._is_sop_ap(block) and not self.landscape:
                self._to_landscape()
            self._run(block)

    def _is_sop_ap(self, run: list[Item]) -> bool:
        table = self.tables.get(run[0].key)
        return table is not None and any(c.role == "activity" for c in table.columns)

    def _to_landscape(self) -> None:
        if self.landscape:
            return
        section = self.out.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        self.landscape = True

    def _run(self, run: list[Item]) -> None:
        kind = run[0].kind
        if kind == "table_row":
            table = self.tables.get(run[0].key)
            if table is not None and self._is_sop_ap(run):
                self.shape_id = procedure_table(self.out, self.doc, run, table, self.words, self.shape_id)
            else:
                self._plain_table(run)
        elif kind == "list_item":
            self._list(run)
        else:
            for item in run:
                if kind == "paragraph":
                    _paragraph(self.out, item.text.split("\n"))
                else:  # a quote, a code block, a rule: kept as its Markdown source
                    p = _paragraph(self.out, item.text.split("\n"))
                    p.style = self.out.styles[MARKDOWN_STYLE]

    def _plain_table(self, run: list[Item]) -> None:
        header = [unescape_cell(c) for c in table_header(self.doc, run[0])]
        rows = [list(item.cells) for item in run]
        width = max([len(header), *(len(r) for r in rows)])
        table = self.out.add_table(rows=1 + len(rows), cols=width)
        table.style = "Table Grid"
        for r, cells in enumerate([header, *rows]):
            for c in range(width):
                text = cells[c] if c < len(cells) else ""
                _cell_lines(table.cell(r, c), text.split("<br>"), bold=r == 0)

    def _list(self, run: list[Item]) -> None:
        kind = "number" if run[0].marker[:1].isdigit() else "bullet"
        top = self.numbering.new_list(kind)
        nested: dict[tuple[str, int], int] = {}
        for item in run:
            lines = item.text.split("\n")
            p = _paragraph(self.out, [lines[0]])
            self.numbering.apply(p, top, 0)
            for line in lines[1:]:
                m = _MARKER.match(line)
                if m:
                    level = min(len(m.group(1)) // 2 + 1, 2)
                    sub_kind = "number" if m.group(2)[:1].isdigit() else "bullet"
                    if (sub_kind, level) not in nested:
                        nested[(sub_kind, level)] = self.numbering.new_list(sub_kind)
                    p = _paragraph(self.out, [m.group(3)])
                    self.numbering.apply(p, nested[(sub_kind, level)], level)
                else:
                    p.runs[-1].add_break()
                    p.add_run(line.strip())
            nested.clear()
