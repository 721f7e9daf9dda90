"""The evidence documents as an assessor looks at them: minutes, worksheet, attendance and acknowledgements.

Real PDFs made from a real store with a year of history (tests/evidence_samples.py), read
back with poppler-utils (page sizes, text, words with their boxes) and looked at as page
images (ink inside the margins); the HTML forms in a real browser.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import HEAD, assert_inert, chromium, needs_chromium
from evidence_samples import (
    BLANK_BRIEFING,
    BRIEFING,
    CHAIR,
    EVIL,
    EVIL_NAME,
    OPEN_SESSION,
    SESSION,
    build,
    nip,
)
from pdf_check import PageImage, Word, page_sizes, text, words

from soplib import Store
from soplib.outputs.attendance import ack_csv, render_ack_lists, render_attendance
from soplib.outputs.evidence_data import session_evidence
from soplib.outputs.minutes import compact_keys, listed, render_minutes, render_worksheet
from soplib.outputs.people_data import ack_lists, briefing_evidence

PORTRAIT, LANDSCAPE = (210.0, 297.0), (297.0, 210.0)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    s = build(tmp_path_factory.mktemp("evidence") / "store")
    yield s
    s.close()


@pytest.fixture(scope="module")
def docs(store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every document, written once for the module's tests."""
    folder = tmp_path_factory.mktemp("docs")
    made = {
        "minutes.pdf": render_minutes(session_evidence(store, SESSION)),
        "minutes.html": render_minutes(session_evidence(store, SESSION), "html"),
        "minutes-en.pdf": render_minutes(session_evidence(store, SESSION, language="en")),
        "minutes-open.pdf": render_minutes(session_evidence(store, OPEN_SESSION)),
        "worksheet.pdf": render_worksheet(session_evidence(store, SESSION)),
        "worksheet.html": render_worksheet(session_evidence(store, SESSION), "html"),
        "hadir.pdf": render_attendance(briefing_evidence(store, BRIEFING)),
        "hadir.html": render_attendance(briefing_evidence(store, BRIEFING), "html"),
        "hadir-en.pdf": render_attendance(briefing_evidence(store, BRIEFING, language="en")),
        "blank.pdf": render_attendance(briefing_evidence(store, BLANK_BRIEFING)),
        "acks.pdf": render_ack_lists(ack_lists(store, ["KPU-NTB-SOP-01", "KPU-NTB-SOP-04"])),
        "acks.html": render_ack_lists(ack_lists(store, ["KPU-NTB-SOP-01", "KPU-NTB-SOP-04"]), "html"),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


def flat(pdf: Path, page: int | None = None) -> str:
    """The text in the order it was written (a table cell's lines stay together), on one line."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-raw", *pages, str(pdf), "-"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())


def is_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) < 0.5 and abs(size[1] - expected[1]) < 0.5


def find(page_words: list[Word], word: str) -> list[Word]:
    return [w for w in page_words if w.text == word]


def test_minutes_read_as_notula(docs: dict[str, Path]) -> None:
    pdf = docs["minutes.pdf"]
    sizes = page_sizes(pdf)
    assert is_size(sizes[0], PORTRAIT) and is_size(sizes[-1], LANDSCAPE), sizes
    first = flat(pdf, 1)
    for phrase in (
        "KOMISI PEMILIHAN UMUM PROVINSI NUSA TENGGARA BARAT",  # the office heading
        "NOTULA RAPAT EVALUASI SOP",
        "Dasar (berita acara / SK) : Berita Acara Pleno Nomor 12/2026",
        "Dimulai : 10 Maret 2026 oleh Lalu Wira Kusuma",
        "Status : disahkan",
        "Ditutup : 20 Maret 2026 oleh Drs. H. Lalu Ahmad, M.Si.",
        "Tanggal Efektif : 1 April 2026",
        "Zona waktu : WITA",
        f"Lalu Wira Kusuma {CHAIR} Kepala Subbagian Program ketua",  # the team: name, NIP, position, role
        "tamu.luar tamu.luar - anggota",  # not in the registry: the id, said once as the name
        "direvisi",
        "langkah disposisi tidak diperlukan",  # the reason of an outcome
    ):
        assert phrase in first, phrase
    everything = flat(pdf)
    assert "dicabut" in everything and "diganti SOP nasional" in everything and "tetap" in everything
    assert (
        "Disahkan oleh Drs. H. Lalu Ahmad, M.Si. pada 20 Maret 2026; hasilnya berlaku mulai 1 April 2026."
        in (everything)
    )
    # The signature blocks: the approver (position, name, NIP) and the chair, with room to sign.
    for capacity in ("Disahkan oleh", "Ketua Tim Evaluasi"):
        assert capacity in everything, capacity
    assert f"NIP {HEAD}" in everything and f"NIP {CHAIR}" in everything
    # The annex: every change, with the text before and after, the reason, who and when.
    annex = " ".join(flat(pdf, n) for n in range(2, len(sizes) + 1) if is_size(sizes[n - 1], LANDSCAPE))
    for phrase in (
        "Lampiran: setiap keputusan",
        "diganti",
        "dihapus",
        "ditambah",
        "disposisi melalui e-PPID",
        "<img src=x onerror=alert(3)> batas waktu",
        "paling lama 1 hari kerja",
        "10 Maret 2026 09:00",
    ):
        assert phrase in annex, phrase  # fmt: skip


def test_minutes_name_people_not_bare_ids(docs: dict[str, Path], store: Store) -> None:
    everything = flat(docs["minutes.pdf"])
    assert EVIL_NAME in everything  # the member's name, printed as text
    ev = session_evidence(store, SESSION)
    for line in listed(ev.log):
        assert line.by.name, line  # every decision's author is named (all of them are registered)
    # A decision is listed with its author's name, never only the NIP.
    annex = words(docs["minutes.pdf"], len(page_sizes(docs["minutes.pdf"])))
    assert find(annex, "Kusuma") and not find(annex, CHAIR)


def test_minutes_of_an_open_session_with_a_proposal(docs: dict[str, Path]) -> None:
    everything = flat(docs["minutes-open.pdf"])
    assert "Status : sedang berlangsung" in everything
    assert "Sesi masih berlangsung: keputusannya belum disahkan." in everything
    assert "Pengelolaan Arsip Inaktif" in everything and "usulan SOP baru" in everything
    assert "belum diputuskan" in everything  # KPU-T-02 has no outcome yet


def test_minutes_in_english(docs: dict[str, Path]) -> None:
    everything = flat(docs["minutes-en.pdf"])
    for phrase in (
        "MINUTES OF THE SOP REVIEW SESSION",
        "Reference (berita acara / decree)",
        "Review team",
        "revised",
        "withdrawn",
        "kept as it is",
        "chair",
        "member",
        "Chair of the review team",
        "20 March 2026",
        "Page 1 of",
    ):
        assert phrase in everything, phrase  # fmt: skip
    for indonesian in ("Tim evaluasi", "direvisi", "Maret", "Halaman", "ketua"):
        assert indonesian not in everything, indonesian


def test_worksheet_is_the_official_table(docs: dict[str, Path], store: Store) -> None:
    pdf = docs["worksheet.pdf"]
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2 and all(is_size(s, LANDSCAPE) for s in sizes), sizes
    everything = flat(pdf)
    assert "KERTAS KERJA EVALUASI SOP" in everything and "Penilaian terhadap Aspek" in everything
    for criterion in (
        "mampu mendorong peningkatan kinerja",
        "mudah dipahami",
        "mudah dilaksanakan",
        "sinergi satu dengan lainnya",
    ):
        assert criterion in everything, criterion  # fmt: skip
    # Every SOP reviewed is a row, in order, none lost at a page break.
    ids = re.findall(r"(KPU-(?:NTB-SOP|T)-\d\d) versi", everything)
    assert ids == list(store.reviews.get(SESSION).header().pinned)
    # The answers: SOP number k answers criterion i with Tidak when (k + i) % 5 == 0.
    first_rows = flat(pdf, 1)
    assert "=1+1 perlu waktu" in first_rows and "Ya" in first_rows and "Tidak" in first_rows
    # The header is repeated above the rows of the next page.
    page2 = words(pdf, 2)
    first_row = min(w.y0 for w in page2 if w.text == "versi")
    for label in ("Penilaian", "Aspek", "Tindakan", "Keterangan"):
        assert any(w.y1 <= first_row for w in find(page2, label)), label
    assert "Tanda tangan" in everything  # the team signs the worksheet


def test_attendance_list_is_ready_to_sign(docs: dict[str, Path]) -> None:
    pdf = docs["hadir.pdf"]
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2 and all(is_size(s, PORTRAIT) for s in sizes), sizes
    first = flat(pdf, 1)
    for phrase in (
        "DAFTAR HADIR",
        "Sosialisasi SOP BMN",
        "Hari, tanggal : Selasa, 3 Februari 2026",
        "KPU-NTB-SOP-04 versi 1: Peminjaman Barang Milik Negara",
        "Penyelenggara",
    ):
        assert phrase in first, phrase  # fmt: skip
    # Every page: the header row (No, Nama, NIP / ID, Jabatan, Unit kerja, Tanda tangan) above the rows.
    numbers: list[str] = []
    for page in range(1, len(sizes) + 1):
        w = words(pdf, page)
        column = sorted((x for x in w if re.fullmatch(r"\d+", x.text) and x.x0 < 25), key=lambda x: x.y0)
        first_row = column[0].y0
        for label in ("No", "Nama", "NIP", "Jabatan", "Unit", "Tanda"):
            assert any(x.y1 <= first_row for x in find(w, label)), (page, label)
        numbers += [x.text for x in column]
        # The signature column: numbered left and right in turn, inside the page.
        (sign,) = find(w, "Tanda")
        marks = {x.text[:-1]: x for x in w if re.fullmatch(r"\d+\.", x.text) and x.x0 >= sign.x0 - 10}
        odd = [m.x0 for k, m in marks.items() if int(k) % 2]
        even = [m.x0 for k, m in marks.items() if int(k) % 2 == 0]
        assert odd and even and max(odd) + 10 < min(even) < 195, (page, odd, even)
    assert numbers == [str(n) for n in range(1, 51)]  # every attendee once, in order
    everything = flat(pdf)
    assert f"{nip(1)}" in everything and "Ahmad Pratama" in everything  # the name beside the NIP
    assert "Tercatat dalam penyimpanan: 50 orang hadir, dicatat pada 3 Februari 2026 oleh ani.pratiwi." in (
        everything
    )


def test_a_blank_attendance_list_names_the_people_expected(docs: dict[str, Path], store: Store) -> None:
    everything = flat(docs["blank.pdf"])
    assert "Kehadiran belum dicatat" in everything
    # KPU-NTB-SOP-02 applies to two units: everyone active in them is listed to sign.
    audience = store.acks.coverage("KPU-NTB-SOP-02").sops[0].audience_size
    pages = len(page_sizes(docs["blank.pdf"]))
    page_words = [x for p in range(1, pages + 1) for x in words(docs["blank.pdf"], p)]
    listed_numbers = [x.text for x in page_words if re.fullmatch(r"\d+", x.text) and x.x0 < 25]
    assert listed_numbers[-1] == str(audience) and audience > 10


def test_attendance_list_in_english(docs: dict[str, Path]) -> None:
    everything = flat(docs["hadir-en.pdf"])
    for phrase in (
        "ATTENDANCE LIST",
        "Day, date : Tuesday, 3 February 2026",
        "Signature",
        "Position",
        "Organiser",
        "Recorded in the store: 50 people present",
    ):
        assert phrase in everything, phrase  # fmt: skip
    assert "Tanda tangan" not in everything and "Selasa" not in everything


def test_acknowledgement_lists(docs: dict[str, Path]) -> None:
    everything = flat(docs["acks.pdf"])
    assert (
        "Setiap pegawai yang tercantum telah menyatakan: saya telah membaca dan memahami SOP ini."
        in everything
    )
    # SOP-01 v2: three people individually, with NIP, unit, how and when; the rest outstanding, by name.
    assert "KPU-NTB-SOP-01 versi 2: Pelayanan Permohonan Informasi Publik" in everything
    for n in (51, 52, 53):
        assert nip(n) in everything
    assert "perorangan" in everything and "5 April 2026" in everything
    assert "Belum menyatakan" in everything and EVIL_NAME in everything
    # SOP-04: fifty people through the briefing, named, the briefing said.
    assert (
        "sosialisasi B-20260203-0A1B" in everything and "Sosialisasi SOP BMN, 3 Februari 2026" in everything
    )
    assert "50 dari" in everything


def test_every_table_fits_its_page(docs: dict[str, Path]) -> None:
    for name, pdf in docs.items():
        if not name.endswith(".pdf"):
            continue
        for number, size in enumerate(page_sizes(pdf), 1):
            box = PageImage(pdf, number).ink_box()
            assert box is not None
            margin = 10.0 if size[0] > size[1] else 15.0
            assert box[0] >= margin - 0.5 and box[2] <= size[0] - margin + 0.5, (name, number, box)


def test_html_forms_are_inert_and_show_the_text(docs: dict[str, Path]) -> None:
    for name in ("minutes.html", "worksheet.html", "hadir.html", "acks.html"):
        page = docs[name].read_text(encoding="utf-8")
        assert_inert(page)
        if name != "hadir.html":  # the hostile person is on every list but the briefing's
            assert "&lt;script&gt;alert(1)&lt;/script&gt; Budi" in page, name
    assert "&lt;img src=x onerror&#61;alert(3)&gt;" in docs["minutes.html"].read_text(encoding="utf-8")


def test_the_same_document_twice_is_the_same_bytes(store: Store, docs: dict[str, Path]) -> None:
    assert render_minutes(session_evidence(store, SESSION)) == docs["minutes.pdf"].read_bytes()
    assert render_attendance(briefing_evidence(store, BLANK_BRIEFING)) == docs["blank.pdf"].read_bytes()


def test_acknowledgements_csv_is_formula_safe(store: Store) -> None:
    data = ack_csv(ack_lists(store, ["KPU-NTB-SOP-01"])).decode()
    lines = data.splitlines()
    assert lines[0] == "sop,version,record_version,id,name,unit,position,how,briefing,date,seq"
    assert f"KPU-NTB-SOP-01,2,2,{nip(51)}," in data and ",individual,,2026-04-05," in data
    rows = list(csv.DictReader(io.StringIO(ack_csv(ack_lists(store, ["KPU-T-05"])).decode())))
    (evil,) = [r for r in rows if r["id"] == EVIL]  # the hostile person acknowledged KPU-T-05
    assert evil["position"] == '\'=HYPERLINK("http://x")' and evil["name"] == EVIL_NAME


def test_compact_keys() -> None:
    keys = [
        "title",
        "legal_basis/1",
        "legal_basis/2",
        "legal_basis/3",
        "prosedur/1",
        "prosedur/3",
        "prosedur/4",
    ]
    assert compact_keys(keys) == "title, legal_basis/1-3, prosedur/1, prosedur/3-4"
    assert compact_keys([]) == ""


@needs_chromium
def test_attendance_list_in_a_real_browser(docs: dict[str, Path], tmp_path: Path) -> None:
    pdf = tmp_path / "browser.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", docs["hadir.html"].as_uri())
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2 and all((round(w), round(h)) == (210, 297) for w, h in sizes)
    for page in range(1, len(sizes) + 1):  # the header row on every page the browser printed
        assert "Tanda tangan" in text(pdf, page) and "NIP / ID" in text(pdf, page), page
    pdf = tmp_path / "minutes.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", docs["minutes.html"].as_uri())
    sizes = page_sizes(pdf)
    assert (round(sizes[0][0]), round(sizes[0][1])) == (210, 297) and (
        round(sizes[-1][0]),
        round(sizes[-1][1]),
    ) == (
        297,
        210,
    )  # the annex is landscape in the browser too
    assert EVIL_NAME in " ".join(text(pdf).split())  # the hostile name, printed as text


def test_every_message_of_the_documents_is_translated() -> None:
    """Each message in soplib/outputs and the enum labels has its Indonesian translation (the whole code
    base is checked by test_catalogues.py)."""
    from test_catalogues import extracted, po

    translations = po("id")
    documents = {
        m: where
        for m, where in extracted().items()
        if any("soplib/outputs/" in w or "labels.py" in w for w in where)
    }
    assert len(documents) > 150
    missing = [m for m in documents if not any(translations.get(m, ()))]
    assert not missing, missing
