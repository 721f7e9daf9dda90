"""Word out: the SOP AP layout, byte-stable output, and export -> import giving back the same SOP."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
from conftest import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from soplib import load, parse
from soplib.demo_data import sop_files as demo_files
from soplib.documents.model import Ratifier
from soplib.word import ExportContext, read_docx, write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SAMPLE = """\
---
id: KPU-NTB-SOP-05
title: Peminjaman Barang Milik Negara
number: 05/SOP/KPU-Prov-018/2024
unit: Subbagian Keuangan, Umum dan Logistik
legal_basis: [Peraturan Menteri Keuangan Nomor 181/PMK.06/2016]
related: [KPU-NTB-SOP-02]
equipment: [Buku inventaris, Formulir peminjaman]
declared:
  made: 2019-03-01
  revised: [2021-05-10, 2023-01-15]
  effective: 2023-02-01
  ratified_by:
    {name: "Drs. H. Lalu Ahmad, M.Si.", nip: "196805121994031007", position: Sekretaris KPU Provinsi NTB}
---
# Prosedur

| No | Kegiatan | Pelaksana: Peminjam | Pelaksana: Pengelola BMN | Kelengkapan | Waktu | Output | Keterangan |
|---|---|---|---|---|---|---|---|
| 1 | Mengajukan formulir | mulai |  | Formulir | 10 menit | Formulir terisi |  |
| 2 | Barang tersedia? |  | keputusan: ya 3, tidak 1 | Buku inventaris | 5 menit | Keputusan |  |
| 3 | Menyerahkan barang \\| mencatat |  | x | Formulir<br>Buku | 30 menit | Barang diserahkan |  |
"""


def same_sop(data: bytes, doc) -> None:
    back = read_docx(data, source="x.docx").document
    assert back.front == doc.front
    assert [(i.key, i.kind, i.text) for i in back.body_items] == [
        (i.key, i.kind, i.text) for i in doc.body_items
    ]


def test_the_demo_sops_and_a_flowchart_table_come_back_the_same() -> None:
    for path in demo_files():
        doc = load(path)
        same_sop(write_docx(doc, ExportContext(version=1, office="KPU Provinsi NTB")), doc)
    doc = parse(SAMPLE)
    for language in ("id", "en"):
        same_sop(write_docx(doc, ExportContext(version=2, language=language)), doc)


def test_same_input_same_bytes_and_fixed_properties() -> None:
    doc = parse(SAMPLE)
    context = ExportContext(version=2, office="KPU Provinsi NTB", address="Jl. Udayana No. 1, Mataram")
    first = write_docx(doc, context)
    assert first == write_docx(doc, context)
    assert first != write_docx(doc, ExportContext(version=3, office="KPU Provinsi NTB"))
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    props = docx.Document(io.BytesIO(first)).core_properties
    assert props.identifier == "KPU-NTB-SOP-05" and props.version == "2" and props.title == doc.front.title
    assert props.created == props.modified and props.created.date() == date(2023, 2, 1)


def test_the_sop_ap_layout() -> None:
    doc = parse(SAMPLE)
    who = Ratifier(name="Dr. Baiq Nurul", nip="197001011998032001", position="Ketua KPU Provinsi NTB")
    data = write_docx(doc, ExportContext(version=2, office="KPU Provinsi NTB", ratified_by=who))
    d = docx.Document(io.BytesIO(data))
    portrait, landscape = d.sections
    assert (round(portrait.page_width.mm), round(portrait.page_height.mm)) == (210, 297)
    assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
    assert landscape.orientation == 1  # WD_ORIENT.LANDSCAPE
    identity, grid, procedure = d.tables
    labels = [row.cells[1].text for row in identity.rows]
    assert labels[:3] == ["Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi"] and "Disahkan oleh" in labels
    signed = identity.rows[labels.index("Disahkan oleh")].cells[2].text.split("\n")
    assert signed[0] == "Ketua KPU Provinsi NTB" and signed[-2:] == [
        "Dr. Baiq Nurul",
        "NIP. 197001011998032001",
    ]
    assert "" in signed[1:-2]  # the space to sign
    assert identity.rows[labels.index("Tanggal Revisi")].cells[2].text == "10 Mei 2021, 15 Januari 2023"
    assert [grid.rows[0].cells[0].text, grid.rows[0].cells[1].text] == [
        "Dasar Hukum",
        "Kualifikasi Pelaksana",
    ]
    head, sub = procedure.rows[0], procedure.rows[1]
    spans = [(tc.grid_span, "".join(t.text for t in tc.iter(W + "t"))) for tc in head._tr.tc_lst]
    assert spans == [(1, "No"), (1, "Kegiatan"), (2, "Pelaksana"), (3, "Mutu Baku"), (1, "Keterangan")]
    assert [c.text for c in sub.cells][2:7] == ["Peminjam", "Pengelola BMN", "Kelengkapan", "Waktu", "Output"]
    assert sub._tr.tc_lst[0].vMerge == "continue"  # "No" merged down over both header rows
    for row in (head, sub):
        assert row._tr.trPr.find(W + "tblHeader") is not None  # repeated on every page
    shapes = [
        (g.get("prst"), p.get("descr"))
        for g, p in zip(
            procedure._tbl.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}prstGeom"),
            procedure._tbl.iter(
                "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
            ),
            strict=True,
        )
    ]
    assert shapes == [
        ("flowChartTerminator", "mulai"),
        ("flowChartDecision", "keputusan: ya 3, tidak 1"),
        ("flowChartTerminator", "x"),  # the last step: the end, by default
    ]
    assert "Ya: 3 · Tidak: 1" in procedure.rows[3].cells[3].text
    assert procedure.rows[4].cells[1].text == "Menyerahkan barang | mencatat"


def test_a_shape_changed_in_word_reads_as_the_new_symbol() -> None:
    doc = parse(SAMPLE)
    d = docx.Document(io.BytesIO(write_docx(doc, ExportContext())))
    procedure = d.tables[2]
    geom = next(procedure.rows[4]._tr.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}prstGeom"))
    geom.set("prst", "flowChartDecision")  # an editor turned the last box into a diamond
    out = io.BytesIO()
    d.save(out)
    back = read_docx(out.getvalue(), source="x.docx").document
    assert back.body_items[2].text.split(" | ")[3] == "keputusan"


# -- the property: export then import gives back the same SOP ----------------------------------

WORDS = st.sampled_from(
    [
        "petugas",
        "memeriksa",
        "berkas",
        "surat",
        "formulir",
        "arsip",
        "rapat",
        "pleno",
        "barang",
        "register",
        "pemohon",
        "jawaban",
        "salinan",
        "KPU",
        "Provinsi",
        "NTB",
        "2024",
        "(lengkap)",
        "a/n",
        "&",
        "<tanda>",
        "'kutip'",
        '"ganda"',
        "é",
        "ñ",
        "5%",
        "10:30",
        "nomor/2024",
        "dan",
        "atau",
    ]
)
LETTER_WORD = st.sampled_from(
    ["Petugas", "Kepala", "Sekretaris", "Pemohon", "Bendahara", "Operator", "Arsip", "Rapat"]
)


def sentence(min_words: int = 1, max_words: int = 8):
    return st.builds(
        lambda first, rest: " ".join([first, *rest]), LETTER_WORD, st.lists(WORDS, min_size=min_words - 1,
                                                                             max_size=max_words - 1)
    )  # fmt: skip


ids = st.from_regex(r"[A-Z][A-Z0-9]{1,6}-[0-9]{2}", fullmatch=True)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))


@st.composite
def front_matter(draw) -> list[str]:
    lines = [f"id: {draw(ids)}", f"title: {draw(sentence())}"]
    for key in ("number", "unit"):
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(st.from_regex(r'[0-9]{2}/SOP/[A-Z]{3}/20[0-9]{2}', fullmatch=True))}"
                         if key == "number" else f"{key}: {draw(sentence(1, 4))}")  # fmt: skip
    for key in ("legal_basis", "qualifications", "equipment", "warnings", "records"):
        for n, entry in enumerate(draw(st.lists(sentence(), max_size=3))):
            lines += [f"{key}:"] if n == 0 else []
            lines.append(f'  - "{_q(entry)}"')
    related = draw(st.lists(ids, max_size=2, unique=True))
    if related:
        lines.append(f"related: [{', '.join(related)}]")
    if draw(st.booleans()):
        lines.append(f"review_interval_months: {draw(st.integers(1, 120))}")
    units, positions = draw(st.lists(sentence(1, 3), max_size=2)), draw(st.lists(sentence(1, 3), max_size=2))
    if units or positions:
        lines.append("audience:")
        lines += [f'  units: ["{_q(u)}"]' for u in units[:1]] + [
            f'  positions: ["{_q(p)}"]' for p in positions[:1]
        ]
    declared = []
    if draw(st.booleans()):
        declared.append(f"  made: {draw(dates)}")
    revised = draw(st.lists(dates, max_size=3))
    if revised:
        declared.append(f"  revised: [{', '.join(map(str, revised))}]")
    if draw(st.booleans()):
        declared.append(f"  revision: {draw(st.integers(0, 999))}")
    if draw(st.booleans()):
        declared.append(f"  effective: {draw(dates)}")
    if draw(st.booleans()):
        declared += ["  ratified_by:", f'    name: "{_q(draw(sentence(1, 4)))}"']
        if draw(st.booleans()):
            declared.append(f'    nip: "{draw(st.from_regex(r"(19|20)[0-9]{16}", fullmatch=True))}"')
        if draw(st.booleans()):
            declared.append(f'    position: "{_q(draw(sentence(1, 6)))}"')
    if declared:
        lines += ["declared:", *declared]
    return lines


def _q(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


SYMBOLS = st.sampled_from(["x", "✓", "mulai", "selesai", "proses", "dokumen", "keputusan", "√"])


@st.composite
def procedure_table(draw) -> str:
    actors = draw(st.lists(LETTER_WORD, min_size=1, max_size=3, unique=True))
    mutu = draw(st.sampled_from([[], ["Kelengkapan", "Waktu", "Output"], ["Waktu"]]))
    extra = draw(st.sampled_from([[], ["Keterangan"], ["Keterangan", "Paraf"]]))
    header = ["No", "Kegiatan", *(f"Pelaksana: {a}" for a in actors), *mutu, *extra]
    n = draw(st.integers(1, 6))
    rows = []
    for i in range(n):
        activity = draw(sentence()) + draw(st.sampled_from(["", "?", "<br>" + "lalu diarsipkan"]))
        actor = draw(st.integers(0, len(actors) - 1))
        symbol = draw(SYMBOLS)
        if symbol == "keputusan" and draw(st.booleans()):
            symbol = f"keputusan: ya {draw(st.integers(1, n))}, tidak {draw(st.integers(1, n))}"
        cells = [str(i + 1), activity] + [symbol if a == actor else "" for a in range(len(actors))]
        cells += [draw(st.one_of(st.just(""), sentence(1, 3))) for _ in [*mutu, *extra]]
        cells = [c.replace("|", "\\|") for c in cells]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *rows])


@st.composite
def ordered_list(draw) -> str:
    out = []
    for n in range(1, draw(st.integers(1, 5)) + 1):
        out.append(f"{n}. {draw(sentence())}")
        if draw(st.booleans()):
            out.append(f"   {draw(sentence())}")  # a line wrapped by hand: the same item
        out += [f"   - {s}" for s in draw(st.lists(sentence(1, 4), max_size=2))]
    return "\n".join(out)


@st.composite
def documents(draw) -> str:
    body = []
    if draw(st.booleans()):
        body.append(draw(sentence()))
    for level, title in draw(st.lists(st.tuples(st.integers(1, 2), sentence(1, 3)), min_size=1, max_size=3)):
        body.append("#" * level + " " + title)
        for kind in draw(st.lists(st.sampled_from(["paragraph", "list", "table"]), min_size=1, max_size=3,
                                  unique=True)):  # fmt: skip
            body.append(
                draw(sentence(3, 12)) if kind == "paragraph" else
                draw(ordered_list()) if kind == "list" else draw(procedure_table())
            )  # fmt: skip
    return "---\n" + "\n".join(draw(front_matter())) + "\n---\n" + "\n\n".join(body) + "\n"


@fuzz_settings(60)
@given(documents(), st.sampled_from(["id", "en"]))
def test_export_then_import_gives_back_the_same_sop(text: str, language: str) -> None:
    doc = parse(text)
    same_sop(write_docx(doc, ExportContext(version=1, language=language)), doc)
