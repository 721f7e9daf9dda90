"""The printed SOP as a PDF, checked as an assessor would look at it: pages, text, pixels.

Real PDFs from WeasyPrint, read back with poppler-utils (pdfinfo, pdftotext,
pdftoppm, pdfimages) and their pages looked at as images.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from pdf_check import PageImage, Word, image_count, info, page_sizes, slanted_run, text, words
from print_samples import ACTORS, COMMIT, NIP, PNG_1PX, long_sop, print_input

from soplib import load, parse
from soplib.demo_data import sop_files as demo_files
from soplib.errors import InvalidInputError
from soplib.outputs import Fingerprint, Logo, PrintInput, Ratifier, Withdrawal, print_sop

A4 = (210.0, 297.0)
MARGIN = 10.0  # the landscape pages' left and right margin (mm)


def demo(name: str) -> Path:
    return next(p for p in demo_files() if p.stem == name)


def write(tmp: Path, name: str, data: PrintInput) -> Path:
    path = tmp / f"{name}.pdf"
    path.write_bytes(print_sop(data, "pdf"))
    return path


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 40-step SOP with four actor columns, decisions and a shared step, in Bahasa Indonesia."""
    return write(tmp_path_factory.mktemp("long"), "long", print_input(long_sop()))


def close(a: float, b: float, tol: float = 0.5) -> bool:
    return abs(a - b) <= tol


def is_portrait(size: tuple[float, float]) -> bool:
    return close(size[0], A4[0]) and close(size[1], A4[1])


def is_landscape(size: tuple[float, float]) -> bool:
    return close(size[0], A4[1]) and close(size[1], A4[0])


def step_numbers(page_words: list[Word]) -> list[str]:
    """The numbers in the table's first column (No), top to bottom."""
    column = [w for w in page_words if w.text.isdigit() and w.x0 < MARGIN + 9]
    return [w.text for w in sorted(column, key=lambda w: w.y0)]


def find(page_words: list[Word], text: str) -> list[Word]:
    return [w for w in page_words if w.text == text]


def test_identity_page_is_portrait_and_the_procedure_landscape(tmp_path: Path, long_pdf: Path) -> None:
    table = write(tmp_path, "table", print_input(load(demo("KPU-NTB-SOP-02"))))
    listing = write(tmp_path, "list", print_input(load(demo("KPU-NTB-SOP-01"))))
    for pdf, pages in ((table, 2), (listing, 2)):
        sizes = page_sizes(pdf)
        assert len(sizes) == pages
        assert is_portrait(sizes[0]) and all(is_landscape(s) for s in sizes[1:]), sizes
    sizes = page_sizes(long_pdf)
    assert len(sizes) >= 4  # 40 steps do not fit one landscape page
    assert is_portrait(sizes[0]) and all(is_landscape(s) for s in sizes[1:]), sizes


def test_identity_page_reads_as_the_sop_ap_layout(tmp_path: Path) -> None:
    pdf = write(tmp_path, "sop", print_input(load(demo("KPU-NTB-SOP-02"))))
    page = text(pdf, 1)
    for line in (
        "Nomor SOP 02/SOP/KPU-Prov-018/2024",
        "Tanggal Pembuatan 1 Maret 2019",
        "Tanggal Revisi 3 Desember 2026",
        "Revisi ke-2",
        "Tanggal Efektif 10 Desember 2026",
        "Disahkan oleh Sekretaris KPU Provinsi Nusa Tenggara Barat",
        "Drs. H. Lalu Ahmad, M.Si.",
        f"NIP {NIP}",
        "Nama SOP Pengelolaan Surat Masuk",
        "KPU PROVINSI NUSA TENGGARA BARAT",  # the office heading
        "Jl. Langko No. 74, Mataram, NTB",
        "Subbagian Keuangan, Umum dan Logistik",  # the unit, in the identity table's left part
        "Terakhir dievaluasi pada 20 November 2026 dalam sesi R-20261120-0A1B: direvisi",
        "Tanggal menurut waktu WITA.",
    ):
        assert line in " ".join(page.split()), line
    assert "sebagaimana dinyatakan saat impor oleh ani.pratiwi, 3" in " ".join(page.split())
    # The two-column grid: each pair of headings side by side on one line.
    w = words(pdf, 1)
    for left, right in (
        ("Dasar", "Kualifikasi"),
        ("Keterkaitan", "Peralatan/Perlengkapan"),
        ("Peringatan", "Pencatatan"),
    ):
        (a,), (b,) = find(w, left), find(w, right)
        assert close(a.y0, b.y0) and b.x0 > a.x1 + 50, (a, b)
    # Left part and right part of the identity table: the labels are right of the unit.
    (unit,) = find(w, "Logistik")
    (label,) = [x for x in find(w, "Nomor") if find(w, "SOP") and x.y0 < unit.y0]
    assert label.x0 > unit.x1


def test_english_print_says_the_same_in_english(tmp_path: Path) -> None:
    pdf = write(tmp_path, "en", print_input(load(demo("KPU-NTB-SOP-02")), language="en"))
    flat = " ".join(text(pdf).split())
    for phrase in (
        "SOP number",
        "Date made 1 March 2019",
        "Date revised 3 December 2026",
        "Revision 2",
        "Effective date 10 December 2026",
        "Ratified by",
        "SOP title",
        "Legal basis",
        "Activity",
        "Actors",
        "Quality standard",
        "Inputs",
        "Time",
        "Output",
        "Notes",
        "Last evaluated on 20 November 2026 in session R-20261120-0A1B: revised",
        "as declared on import by ani.pratiwi, 3 December 2026",
        "Page 1 of 2",
    ):
        assert phrase in flat, phrase
    for indonesian in ("Nomor SOP", "Disahkan", "Kegiatan", "Desember", "Halaman"):
        assert indonesian not in flat, indonesian


def test_long_procedure_breaks_across_pages_with_the_header_repeated(long_pdf: Path) -> None:
    sizes = page_sizes(long_pdf)
    seen: list[str] = []
    for number in range(2, len(sizes) + 1):
        w = words(long_pdf, number)
        rows = step_numbers(w)
        assert rows, f"page {number} has no steps"
        first_row = min(x.y0 for x in w if x.text == rows[0] and x.x0 < MARGIN + 9)
        # Both header rows, above the first step of the page.
        for label in (
            "No",
            "Kegiatan",
            "Pelaksana",
            "Mutu",
            "Baku",
            "Kelengkapan",
            "Waktu",
            "Output",
            "Keterangan",
        ):
            assert any(x.y1 <= first_row for x in find(w, label)), (number, label)
        for actor in ACTORS:
            assert any(x.y1 <= first_row for x in find(w, actor.split()[-1])), (number, actor)
        # The header is shaded, on every page.
        page = PageImage(long_pdf, number)
        assert page.grey_rows(MARGIN + 1, 100, 15, first_row - 1) >= 10, number
        caption = " ".join(text(long_pdf, number).split()[:3])
        assert caption.startswith("Prosedur (lanjutan)" if number > 2 else "Prosedur (40 langkah)"), caption
        seen += rows
    assert seen == [str(n) for n in range(1, 41)]  # every step once, in order, none lost at a break


def test_no_table_is_wider_than_its_page(tmp_path: Path, long_pdf: Path) -> None:
    many = "| No | Kegiatan | " + " | ".join(f"Pelaksana: Jabatan Nomor {n}" for n in range(1, 13))
    many += " | Waktu | Output |\n|" + "---|" * 16 + "\n"
    marks = [" | ".join("x" if k == n else "" for k in range(1, 13)) for n in range(1, 13)]
    many += "\n".join(f"| {n} | Kegiatan {n} | {marks[n - 1]} | 1 hari | Hasil |" for n in range(1, 13))
    twelve = parse(f"---\nid: KPU-12\ntitle: Dua belas pelaksana\n---\n# Prosedur\n\n{many}\n")
    token = "berkas" * 60  # 360 letters without a space: must wrap inside its cell
    wide = long_sop(6).replace("Langkah 3: petugas", f"Langkah 3: {token} petugas")
    pdfs = [
        long_pdf,
        write(tmp_path, "twelve", print_input(twelve)),
        write(tmp_path, "wide", print_input(wide)),
    ]
    for pdf in pdfs:
        for number, size in enumerate(page_sizes(pdf), 1):
            page = PageImage(pdf, number)
            box = page.ink_box()
            assert box is not None
            margin = MARGIN if is_landscape(size) else 15.0
            assert box[0] >= margin - 0.5 and box[2] <= size[0] - margin + 0.5, (pdf.name, number, box)
            if number > 1 and find(words(pdf, number), "Kegiatan"):  # the table spans the page, edge to edge
                table = page.ink_box((0, 20, size[0], size[1] - 20))
                assert table is not None and table[2] >= size[0] - margin - 1.0, (pdf.name, number, table)
    flat = "".join(text(pdfs[2]).split())
    assert token in flat  # wrapped over several lines, no letter lost
    header = [x for x in words(pdfs[1], 2) if x.y0 < 45]  # every actor's column is there, none cut
    assert len(find(header, "Jabatan")) == 12 and {str(n) for n in range(1, 13)} <= {x.text for x in header}
    for label in ("Kelengkapan", "Waktu", "Output", "Keterangan"):  # narrow, yet whole words
        assert find(header, label), label


def test_signature_block_and_fingerprint(long_pdf: Path) -> None:
    last = len(page_sizes(long_pdf))
    w = words(long_pdf, last)
    (heading,) = [x for x in find(w, "Disahkan") if x.x0 > 150]  # the block stands on the right
    (name,) = find(w, "Lalu")
    assert name.y0 - heading.y1 >= 15.0  # room to sign between the position and the name
    assert any(x.text == NIP and x.y0 > name.y0 for x in w)
    flat = " ".join(text(long_pdf, last).split())
    assert "Sekretaris KPU Provinsi Nusa Tenggara Barat" in flat
    sha = print_input(long_sop()).fingerprint.content_sha256
    assert f"KPU-NTB-SOP-40 versi 3 · sha256 {sha} · commit {COMMIT}" in flat
    for number in range(1, last + 1):  # and in the footer of every page, with the page number
        flat = " ".join(text(long_pdf, number).split())
        assert f"sha256 {sha}" in flat and f"Halaman {number} dari {last}" in flat, number


def _row_box(pdf: Path, step: int) -> tuple[int, float, float]:
    """(page, top, bottom) in mm of a step's row, from its number and the next one's."""
    for number in range(2, len(page_sizes(pdf)) + 1):
        w = words(pdf, number)
        nos = {x.text: x for x in w if x.text.isdigit() and x.x0 < MARGIN + 9}
        if str(step) in nos and str(step + 1) in nos:
            return number, nos[str(step)].y0 - 1.5, nos[str(step + 1)].y0 - 1.5
    raise AssertionError(f"step {step} and the next are not on one page")


def _lane(pdf: Path, page: int, actor: str) -> tuple[float, float]:
    w = words(pdf, page)
    centres = sorted(x.cx for a in ACTORS for x in find(w, a.split()[-1]) if x.y0 < 40)
    (mine,) = [x.cx for x in find(w, actor.split()[-1]) if x.y0 < 40]
    half = (centres[1] - centres[0]) / 2
    return mine - half + 1.0, mine + half - 1.0


def test_flowchart_symbols_are_drawn(long_pdf: Path) -> None:
    # Step 7 is a decision of the third actor; step 6 a process of the second.
    page, top, bottom = _row_box(long_pdf, 7)
    image = PageImage(long_pdf, page, dpi=150)
    x0, x1 = _lane(long_pdf, page, ACTORS[2])
    assert slanted_run(image.left_edges(x0, x1, top, bottom)) >= 8  # a diamond's slanted sides
    page6, top6, bottom6 = _row_box(long_pdf, 6)
    x0, x1 = _lane(long_pdf, page6, ACTORS[1])
    assert (
        slanted_run(PageImage(long_pdf, page6, dpi=150).left_edges(x0, x1, top6, bottom6)) <= 2
    )  # a rectangle
    assert image.ink_box((x0, top6 + 4, x1, bottom6 - 2)) is not None  # ... that is there
    # The decision's branches are labelled, the terminators say where the flow starts and ends.
    w = words(long_pdf, page)
    assert find(w, "Ya") and find(w, "Tidak")
    assert find(words(long_pdf, 2), "Mulai") and find(words(long_pdf, len(page_sizes(long_pdf))), "Selesai")


def test_list_prints_as_number_activity_and_one_flowchart_column(tmp_path: Path) -> None:
    pdf = write(tmp_path, "list", print_input(load(demo("KPU-NTB-SOP-01"))))
    flat = " ".join(text(pdf, 2).split())
    assert "No Kegiatan Bagan Alir" in flat and "Mutu Baku" not in flat and "Pelaksana" not in flat
    assert "Prosedur (8 langkah)" in flat and "Mulai" in flat and "Selesai" in flat
    assert "Memberikan layanan informasi publik" in " ".join(text(pdf, 1).split())  # the prose section


def test_same_input_same_bytes_and_fixed_metadata(tmp_path: Path, long_pdf: Path) -> None:
    data = print_input(load(demo("KPU-NTB-SOP-02")))
    first = print_sop(data, "pdf")
    assert print_sop(data, "pdf") == first
    code = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from print_samples import print_input\n"
        "from soplib import load\nfrom soplib.outputs import print_sop\n"
        "from soplib.demo_data import sop_files as demo_files\n"
        "doc = load(next(p for p in demo_files() if p.stem == 'KPU-NTB-SOP-02'))\n"
        "sys.stdout.buffer.write(print_sop(print_input(doc), 'pdf'))\n"
    )
    root = Path(__file__).resolve().parent.parent
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=root, timeout=120,
                           env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert other.returncode == 0, other.stderr.decode()[-2000:]
    assert other.stdout == first  # another process, another hash seed: the same bytes
    meta = info(long_pdf)
    assert meta["Title"] == "KPU-NTB-SOP-40 versi 3: Pelayanan Permohonan Berkas (40 langkah)"
    assert meta["Creator"] == "soplib" and meta["Producer"].startswith("WeasyPrint")
    assert "2026" in meta["CreationDate"] and "Dec 10" in meta["CreationDate"].replace("  ", " ")


def test_document_text_is_printed_as_text(tmp_path: Path) -> None:
    hostile = (
        "---\nid: EVIL-01\ntitle: \"<script>alert('t')</script> Judul\"\n"
        "number: '<img src=x onerror=alert(1)>'\n---\n# Prosedur\n\n"
        "| No | Kegiatan | Pelaksana |\n|---|---|---|\n"
        "| 1 | <b>tebal</b> <iframe src=//evil.example></iframe> | <em onclick=x>Petugas |\n"
    )
    pdf = write(tmp_path, "evil", print_input(hostile))
    flat = " ".join(text(pdf).split())
    assert "<script>alert('t')</script> Judul" in flat and "<img src=x onerror=alert(1)>" in flat
    cells = {w.text for w in words(pdf, 2)}  # the table's cells, word by word
    assert {"<b>tebal</b>", "<iframe", "src=//evil.example></iframe>", "<em", "onclick=x>Petugas"} <= cells


def test_logo_is_shown_and_an_svg_logo_fetches_nothing(tmp_path: Path) -> None:
    png = print_input(load(demo("KPU-NTB-SOP-02")), logo=Logo(PNG_1PX, "image/png"))
    assert image_count(write(tmp_path, "png", png)) == 2  # the heading's and the identity table's
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG_1PX)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<rect width="40" height="40" fill="#000"/>'
        f'<image href="{secret.as_uri()}" width="40" height="40"/><script>alert(1)</script></svg>'
    ).encode()
    pdf = write(tmp_path, "svg", print_input(load(demo("KPU-NTB-SOP-02")), logo=Logo(svg, "image/svg+xml")))
    assert image_count(pdf) == 0  # the file the SVG points at was never read
    page = PageImage(pdf, 1)
    (name,) = [w for w in words(pdf, 1) if w.text == "PROVINSI"]
    logo = (16.0, name.y0 - 4, 31.0, name.y0 + 4)  # the heading, left of the office name
    assert page.dark_fraction(logo) > 0.9  # ... and the logo itself (a black square) is drawn there
    with pytest.raises(InvalidInputError, match="not a PNG"):
        Logo(b"GIF89a....", "image/png")
    with pytest.raises(InvalidInputError, match="image/png or image/svg"):
        Logo(PNG_1PX, "image/gif")  # type: ignore[arg-type]


def test_withdrawn_sop_says_so_on_every_page(tmp_path: Path) -> None:
    data = print_input(long_sop(12), withdrawal=Withdrawal(date(2027, 2, 1), "digabung dengan SOP-02"))
    pdf = write(tmp_path, "withdrawn", data)
    pages = len(page_sizes(pdf))
    for number in range(1, pages + 1):
        assert "SOP INI TELAH DICABUT pada 1 Februari 2027" in " ".join(text(pdf, number).split()), number
    assert "Alasan: digabung dengan SOP-02" in " ".join(text(pdf, 1).split())


def test_bad_input_is_refused_with_one_clear_line() -> None:
    data = print_input(load(demo("KPU-NTB-SOP-02")))
    cases = [
        (lambda: replace(data, version=0), "versions count from 1"),
        (lambda: replace(data, made=datetime(2026, 1, 1)), "must be a date"),  # type: ignore[arg-type]
        (lambda: replace(data, language="fr"), "unknown language 'fr'"),
        (lambda: Fingerprint("abc"), "64 lower-case hex digits"),
        (lambda: Fingerprint("a" * 64, commit="xyz"), "commit must be 40"),
        (lambda: Ratifier(""), "ratifier name is empty"),
        (lambda: replace(data, revision=-1), "revision count"),
    ]
    for make, message in cases:
        with pytest.raises(InvalidInputError, match=message) as caught:
            make()
        assert "\n" not in str(caught.value)
    with pytest.raises(InvalidInputError, match="unknown print format"):
        print_sop(data, "docx")  # type: ignore[arg-type]
