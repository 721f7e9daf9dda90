"""Word documents built the way offices make them, for the import tests and the benchmark.

python-docx builds the document; a shape in a cell is inserted as the XML Word
writes (an anchored DrawingML shape with its VML fallback, or VML alone, as
older Word does), a Wingdings check mark as ``w:sym``, a tracked change as
``w:ins``/``w:del``.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.oxml import parse_xml

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
_ids = iter(range(1000, 10**6))


def drawingml_shape(prst: str, text: str = "", *, textbox: bool = False, connector: bool = False) -> Any:
    """A ``w:r`` holding a floating DrawingML shape with a VML fallback, as Word 2010+ saves it."""
    n = next(_ids)
    body = (
        f"<wps:txbx><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></wps:txbx>"
        if text
        else ""
    )
    box = ' txBox="1"' if textbox else ""
    nv = "<wps:cNvCnPr/>" if connector else f"<wps:cNvSpPr{box}/>"
    return parse_xml(
        f'<w:r {NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="{n}" '
        f'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>100000</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>50000</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="576000" cy="288000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{n}" name="Shape {n}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp>{nv}<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="576000" cy="288000"/></a:xfrm>'
        f'<a:prstGeom prst="{prst}"><a:avLst/></a:prstGeom></wps:spPr>{body}<wps:bodyPr/></wps:wsp>'
        f"</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:rect style="width:45pt;height:22pt" o:spid="_x0000_s{n}"/></w:pict>'
        f"</mc:Fallback></mc:AlternateContent></w:r>"
    )


def vml_shape(spt: int, text: str = "") -> Any:
    """A ``w:r`` holding a VML shape of type ``spt`` (109 process, 110 decision, 116 terminator)."""
    n = next(_ids)
    box = f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>"
    return parse_xml(
        f'<w:r {NS}><w:pict><v:shapetype id="_x0000_t{spt}" o:spt="{spt}" coordsize="21600,21600"/>'
        f'<v:shape id="_x0000_s{n}" type="#_x0000_t{spt}" style="width:45pt;height:22pt">'
        f"{box if text else ''}</v:shape></w:pict></w:r>"
    )


def picture() -> Any:
    """A ``w:r`` holding an inline picture frame (its image part is not needed for reading)."""
    n = next(_ids)
    return parse_xml(
        f'<w:r {NS}><w:drawing><wp:inline><wp:extent cx="360000" cy="360000"/>'
        f'<wp:docPr id="{n}" name="Logo"/>'
        f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f"<pic:blipFill/><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


def wingdings_check() -> Any:
    return parse_xml(f'<w:r {NS}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>')


def tracked(inserted: str, deleted: str) -> list[Any]:
    """An insertion and a deletion as Word's Track Changes records them."""
    return [
        parse_xml(
            f'<w:ins {NS} w:id="1" w:author="Ani" w:date="2026-01-01T00:00:00Z">'
            f'<w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>'
        ),
        parse_xml(
            f'<w:del {NS} w:id="2" w:author="Ani" w:date="2026-01-01T00:00:00Z">'
            f"<w:r><w:delText>{deleted}</w:delText></w:r></w:del>"
        ),
    ]  # fmt: skip


def comment_reference() -> Any:
    return parse_xml(f'<w:r {NS}><w:commentReference w:id="0"/></w:r>')


def put(cell: Any, value: str | Sequence[str] | Any) -> None:
    """Fill a cell: a string (line breaks as Shift+Enter), a list (one paragraph each) or an element."""
    p = cell.paragraphs[0]
    if isinstance(value, str):
        for i, line in enumerate(value.split("\n")):
            run = p.add_run(line)
            if i < len(value.split("\n")) - 1:
                run.add_break()
    elif isinstance(value, list | tuple):
        for i, line in enumerate(value):
            (p if i == 0 else cell.add_paragraph()).add_run(line)
    else:
        p._p.append(value)


IDENTITY = [
    ("Nomor SOP", "04/SOP/KPU-Prov-018/2024"),
    ("Tgl. Pembuatan", "1 Maret 2019"),
    ("Tanggal Revisi", "10-05-2021\n15/01/2023"),
    ("Tanggal Pengesahan", "2023-02-01"),
    ("Disahkan Oleh", ["SEKRETARIS KPU PROVINSI NUSA TENGGARA BARAT,", "", "ttd", "",
                       "Drs. H. Lalu Ahmad, M.Si.",
                       "NIP. 19680512 199403 1 007"]),
    ("Nama SOP", "Peminjaman Barang Milik Negara"),
]  # fmt: skip
GRID = [
    ("Dasar Hukum:", ["1. Undang-Undang Nomor 1 Tahun 2004 tentang", "Perbendaharaan Negara",
                      "2. Peraturan Menteri Keuangan Nomor 181/PMK.06/2016"]),
    ("Kualifikasi Pelaksana:", ["Memahami penatausahaan BMN"]),
    ("Keterkaitan:", ["KPU-NTB-SOP-02", "SOP Pengelolaan Surat Masuk"]),
    ("Peralatan/Perlengkapan:", ["- Buku inventaris", "- Formulir peminjaman"]),
    ("Peringatan:", "-"),
    ("Pencatatan dan Pendataan:", ["Formulir peminjaman BMN"]),
]  # fmt: skip


@dataclass
class Step:
    no: str
    activity: str | Sequence[str]
    actor: int
    mark: Any = "shape"  # "shape" (by position), a prst name, ("vml", spt), a string, or an element
    inputs: str = ""
    time: str = ""
    output: str = ""
    notes: str = ""
    extra: dict[int, Any] = field(default_factory=dict)  # actor index -> another mark in that row


ACTORS = ["Peminjam", "Pengelola BMN", "Kepala Subbagian"]
STEPS = [
    Step("1.", "Mengajukan formulir peminjaman", 0, "flowChartTerminator", "Formulir", "10 menit",
         "Formulir terisi"),
    Step("2.", ["Memeriksa ketersediaan barang:", "periksa buku inventaris"], 1, "flowChartProcess",
         "Buku inventaris\nFormulir", "30 menit", "Formulir diperiksa"),
    Step("3.", "Barang tersedia?", 1, "flowChartDecision", "Buku inventaris", "5 menit", "Keputusan",
         "Ya: lanjut ke 4; Tidak: kembali ke 1"),
    Step("4.", "Menyetujui peminjaman", 2, "flowChartProcess", "Formulir diperiksa", "1 hari",
         "Formulir disetujui"),
    Step("5.", "Menyerahkan barang dan mencatat", 1, "flowChartTerminator", "Formulir disetujui", "30 menit",
         "Barang diserahkan"),
]  # fmt: skip


def new_document(heading: bool = True) -> Any:
    d = docx.Document()
    if heading:
        d.add_paragraph("KOMISI PEMILIHAN UMUM PROVINSI NUSA TENGGARA BARAT")
        d.add_paragraph("STANDAR OPERASIONAL PROSEDUR")
    return d


def identity_table(
    d: Any, rows: Sequence[tuple[str, Any]] = IDENTITY, *, colon: bool = False, logo: bool = True
) -> Any:
    """Office cell merged down the left, then label | (:) | value rows."""
    cols = 3 + colon
    t = d.add_table(rows=len(rows), cols=cols)
    t.style = "Table Grid"
    if logo:
        left = t.cell(0, 0).merge(t.cell(len(rows) - 1, 0))
        put(left, ["KPU PROVINSI NTB"])
        left.paragraphs[0]._p.append(picture())
    for r, (label, value) in enumerate(rows):
        put(t.cell(r, 1), label)
        if colon:
            put(t.cell(r, 2), ":")
        put(t.cell(r, cols - 1), value)
    return t


def grid_table(d: Any, pairs: Sequence[tuple[str, Any]] = GRID) -> Any:
    """Two columns: a row of labels over a row of values."""
    t = d.add_table(rows=len(pairs), cols=2)
    t.style = "Table Grid"
    for i in range(0, len(pairs), 2):
        for j in range(2):
            if i + j < len(pairs):
                put(t.rows[i].cells[j], pairs[i + j][0])
                put(t.rows[i + 1].cells[j], pairs[i + j][1])
    return t


def procedure_table(
    d: Any,
    steps: Sequence[Step] = STEPS,
    actors: Sequence[str] = ACTORS,
    *,
    spacer_after: Sequence[int] = (2,),
    column_numbers: bool = True,
    extra_column: str | None = "Paraf",
) -> Any:
    """Header row 1: No | Kegiatan | Pelaksana (merged) | Mutu Baku (merged) | Keterangan [| extra];
    row 2: the actors and Kelengkapan | Waktu | Output; then (1) (2) ... and the steps."""
    n_act = len(actors)
    cols = 2 + n_act + 3 + 1 + (extra_column is not None)
    body_rows = len(steps) + len(spacer_after)
    t = d.add_table(rows=2 + column_numbers + body_rows, cols=cols)
    t.style = "Table Grid"
    simple = [(0, "No"), (1, "Uraian Kegiatan"), (2 + n_act + 3, "Keterangan")]
    if extra_column:
        simple.append((cols - 1, extra_column))
    for c, text in simple:
        put(t.cell(0, c).merge(t.cell(1, c)), text)
    put(t.cell(0, 2).merge(t.cell(0, 1 + n_act)), "PELAKSANA")
    put(t.cell(0, 2 + n_act).merge(t.cell(0, 4 + n_act)), "Mutu Baku")
    for i, actor in enumerate(actors):
        put(t.cell(1, 2 + i), actor)
    for i, head in enumerate(("Kelengkapan", "Waktu", "Output")):
        put(t.cell(1, 2 + n_act + i), head)
    r = 2
    if column_numbers:
        for c in range(cols):
            put(t.cell(2, c), f"({c + 1})")
        r = 3
    for k, step in enumerate(steps):
        row = t.rows[r].cells
        put(row[0], step.no)
        put(row[1], list(step.activity) if not isinstance(step.activity, str) else step.activity)
        _mark(row[2 + step.actor], step.mark)
        for actor, mark in step.extra.items():
            _mark(row[2 + actor], mark)
        for i, value in enumerate((step.inputs, step.time, step.output, step.notes)):
            put(row[2 + n_act + i], value)
        r += 1
        if k in spacer_after:
            r += 1  # a blank row left between steps
    return t


def _mark(cell: Any, mark: Any) -> None:
    if isinstance(mark, tuple) and mark[0] == "vml":
        put(cell, vml_shape(mark[1], *mark[2:]))
    elif isinstance(mark, tuple):
        put(cell, drawingml_shape(mark[0], mark[1]))
    elif isinstance(mark, str) and (
        mark.startswith("flowChart") or mark in ("rect", "diamond", "ellipse", "roundRect")
    ):
        put(cell, drawingml_shape(mark))
    elif isinstance(mark, str):
        put(cell, mark)
    else:
        put(cell, mark)


def office_sop(**options: Any) -> bytes:
    """A whole SOP as offices write it: heading, identity table, grid, procedure table."""
    d = new_document()
    identity_table(d, options.pop("identity", IDENTITY), colon=options.pop("colon", False))
    grid_table(d, options.pop("grid", GRID))
    d.add_paragraph("PROSEDUR", style="Heading 1")
    procedure_table(d, **options)
    return save(d)


def save(d: Any) -> bytes:
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


# -- an OLE compound file (what Word saves as .doc, or as an encrypted .docx) --------------


def ole_file(stream_names: Sequence[str]) -> bytes:
    """A minimal, well-formed compound file (CFB v3) holding the named streams, 4 KiB each."""
    sector = 512
    n = len(stream_names)
    stream_sectors = 8  # 4096 bytes: stored in regular sectors, not the mini stream
    fat_entries = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT; sector 1: the directory
    starts = []
    for _s in range(n):
        first = len(fat_entries)
        starts.append(first)
        fat_entries += [first + i + 1 for i in range(stream_sectors - 1)] + [0xFFFFFFFE]
    fat = struct.pack(f"<{len(fat_entries)}I", *fat_entries).ljust(sector, b"\xff")

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<iii", -1, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<iII", start, size, 0)
        )  # fmt: skip

    directory = entry("Root Entry", 5, 1, -1, -2, 0)
    for i, name in enumerate(stream_names):
        directory += entry(name, 2, -1, i + 2 if i + 1 < n else -1, starts[i], stream_sectors * sector)
    directory = directory.ljust(sector * ((len(directory) + sector - 1) // sector), b"\0")[:sector]
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<I", 0) + b"\xff" * (436 - 4)
    )  # fmt: skip
    data = b"".join(bytes([65 + i]) * (stream_sectors * sector) for i in range(n))
    return header + fat + directory + data
