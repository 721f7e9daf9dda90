"""Word in: .docx SOPs built the way offices write them, read into SOP Markdown with a mapping report."""

from __future__ import annotations

from datetime import date

import pytest
from word_build import (
    ACTORS,
    GRID,
    IDENTITY,
    STEPS,
    Step,
    comment_reference,
    drawingml_shape,
    grid_table,
    identity_table,
    new_document,
    office_sop,
    picture,
    procedure_table,
    put,
    save,
    tracked,
    wingdings_check,
)

from soplib import InvalidInputError
from soplib.documents.procedure import procedures
from soplib.word import read_docx
from soplib.word.labels import field_of, find_dates, id_from_number


def read(data: bytes, **options: str):
    return read_docx(data, source="kantor.docx", **options)


def dropped(result, what: str) -> list[str]:
    return [f"{d.source}: {d.reason} [{d.text}]" for d in result.report.dropped if d.what == what]


# -- the identity part -------------------------------------------------------------------


def test_identity_table_and_grid_fill_the_front_matter_and_the_declared_history() -> None:
    r = read(office_sop())
    f = r.document.front
    assert (f.id, f.title, f.number) == (
        "04-SOP-KPU-PROV-018-2024",
        "Peminjaman Barang Milik Negara",
        "04/SOP/KPU-Prov-018/2024",
    )
    # a legal basis wrapped onto a second line by hand stays one entry; "- " markers are stripped
    assert f.legal_basis == (
        "Undang-Undang Nomor 1 Tahun 2004 tentang Perbendaharaan Negara",
        "Peraturan Menteri Keuangan Nomor 181/PMK.06/2016",
    )
    assert f.equipment == ("Buku inventaris", "Formulir peminjaman")
    assert f.qualifications == ("Memahami penatausahaan BMN",) and f.records == ("Formulir peminjaman BMN",)
    assert f.warnings == ()  # "-" is no warning
    assert f.related == ("KPU-NTB-SOP-02",)
    d = f.declared
    assert d is not None
    assert (d.made, d.revised, d.effective) == (
        date(2019, 3, 1),
        (date(2021, 5, 10), date(2023, 1, 15)),
        date(2023, 2, 1),
    )
    assert d.ratified_by is not None
    assert (d.ratified_by.name, d.ratified_by.nip, d.ratified_by.position) == (
        "Drs. H. Lalu Ahmad, M.Si.",
        "196805121994031007",
        "SEKRETARIS KPU PROVINSI NUSA TENGGARA BARAT",
    )
    choices = {c.what: (c.chosen, c.why) for c in r.report.choices}
    assert choices["id"][0] == "04-SOP-KPU-PROV-018-2024" and "Nomor SOP" in choices["id"][1]
    targets = {m.target: m.source for m in r.report.mapped}
    assert targets["title"] == "table 1, row 6, cell 3"
    assert targets["declared.ratified_by"] == "table 1, row 5, cell 3"
    assert targets["legal_basis"] == "table 2, row 2, cell 1"
    assert targets["column Pelaksana: Pengelola BMN"] == "table 3, grid column 4"


def test_what_is_not_taken_is_reported_with_a_reason() -> None:
    r = read(office_sop())
    assert any("KOMISI PEMILIHAN UMUM" in x for x in dropped(r, "paragraph"))
    assert any("KPU PROVINSI NTB" in x for x in dropped(r, "cell"))  # the office cell beside the labels
    assert dropped(r, "image")  # the logo
    assert any("SOP Pengelolaan Surat Masuk" in x and "SOP ids" in x for x in dropped(r, "entry"))
    rows = dropped(r, "row")
    assert any("column numbers" in x for x in rows) and any("blank spacer row" in x for x in rows)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Nomor SOP", "number"), ("No. SOP", "number"), ("NOMOR  SOP :", "number"),
        ("Tgl. Pembuatan", "made"), ("Tanggal Pengesahan", "effective"), ("Tanggal Efektif", "effective"),
        ("Disahkan Oleh", "ratified_by"),
        ("Nama SOP", "title"), ("Judul SOP", "title"), ("Dasar Hukum", "legal_basis"),
        ("Keterkaitan", "related"), ("Kualifikasi Pelaksana", "qualifications"),
        ("Peralatan/Perlengkapan", "equipment"), ("Peralatan dan Perlengkapan", "equipment"),
        ("Peringatan", "warnings"), ("Pencatatan dan Pendataan", "records"), ("Tanggal Pembuatn", "made"),
        ("Catatan", None), ("Kegiatan", None),
    ],
)  # fmt: skip
def test_labels_are_matched_without_case_spacing_punctuation_or_a_small_typo(
    label: str, field: str | None
) -> None:
    assert field_of(label) == field


@pytest.mark.parametrize(
    "text", ["3 Desember 2026", "03-12-2026", "3/12/2026", "2026-12-03", "3 Des 2026", "3-Des-2026",
             "3.12.2026",
             "Mataram, 3 December 2026"],
)  # fmt: skip
def test_dates_as_people_write_them(text: str) -> None:
    assert find_dates(text) == [date(2026, 12, 3)]


def test_an_impossible_date_is_no_date() -> None:
    assert find_dates("31-02-2026") == [] and find_dates("tanggal revisi belum ditentukan") == []


def test_id_from_number() -> None:
    assert id_from_number("04/SOP/KPU-Prov-018/2024") == "04-SOP-KPU-PROV-018-2024"
    assert id_from_number("  SOP.PEMILU_02  ") == "SOP.PEMILU_02"


def test_colon_cells_label_variants_other_date_forms_and_an_unknown_row() -> None:
    rows = [
        ("No. SOP", ": 12/SOP/2026"),
        ("TANGGAL PEMBUATAN", "3 Desember 2026"),
        ("Tanggal Efektif", "03-12-2026"),
        ("Judul SOP", "Pengelolaan\nSurat Masuk"),
        ("Catatan", "dokumen lama, dipindai ulang"),
        ("Unit Kerja", "Sekretariat"),
    ]
    d = new_document()
    identity_table(d, rows, colon=True)
    d.add_paragraph("1. Menerima surat.")
    d.add_paragraph("2. Mencatat surat.")
    r = read(save(d))
    f = r.document.front
    assert (f.id, f.title, f.unit) == ("12-SOP-2026", "Pengelolaan Surat Masuk", "Sekretariat")
    assert f.declared is not None and f.declared.made == f.declared.effective == date(2026, 12, 3)
    assert any("dokumen lama" in x for x in dropped(r, "cell"))  # the unknown row's value, reported
    assert [i.text for i in r.document.body_items] == ["Menerima surat.", "Mencatat surat."]


def test_missing_optional_fields_are_simply_absent() -> None:
    d = new_document(heading=False)
    identity_table(d, [("Nomor SOP", "01/SOP/2026"), ("Nama SOP", "Rapat Pleno")], logo=False)
    d.add_paragraph("Ketua membuka rapat.", style="List Number")
    r = read(save(d))
    f = r.document.front
    assert f.legal_basis == f.related == f.equipment == () and f.declared is None and f.unit is None
    assert "declared" not in r.text and "legal_basis" not in r.text


def test_a_missing_title_is_one_clear_error() -> None:
    d = new_document()
    identity_table(d, [("Nomor SOP", "01/SOP/2026"), ("Tanggal Efektif", "1 Januari 2026")])
    d.add_paragraph("1. Langkah.")
    with pytest.raises(InvalidInputError) as info:
        read(save(d))
    message = str(info.value)
    assert (
        message.startswith("kantor.docx: no SOP title found")
        and "Nama SOP" in message
        and "\n" not in message
    )


def test_no_number_needs_an_id_and_an_id_and_unit_given_win() -> None:
    d = new_document()
    identity_table(d, [("Nama SOP", "Rapat Pleno"), ("Unit Kerja", "Sekretariat")])
    d.add_paragraph("1. Langkah.")
    data = save(d)
    with pytest.raises(
        InvalidInputError, match=r"kantor.docx: no SOP id: it has no Nomor SOP; give one with --id"
    ):
        read(data)
    r = read(data, sop_id="KPU-NTB-SOP-09", unit="Subbagian Umum")
    assert (r.document.id, r.document.front.unit) == ("KPU-NTB-SOP-09", "Subbagian Umum")
    assert {c.what for c in r.report.choices} == {"id", "unit"}
    with pytest.raises(InvalidInputError, match="invalid SOP id"):
        read(data, sop_id="../x")


# -- the procedure table -----------------------------------------------------------------


def test_procedure_table_shapes_become_actor_columns_symbols_and_branches() -> None:
    r = read(office_sop())
    (table,) = procedures(r.document)
    assert table.actors == tuple(ACTORS)
    assert [c.role for c in table.columns] == [
        "number", "activity", "actor", "actor", "actor", "inputs", "time", "output", "notes", "other",
    ]  # fmt: skip
    assert [s.number for s in table.steps] == ["1", "2", "3", "4", "5"]
    assert [s.actors for s in table.steps] == [
        ("Peminjam",), ("Pengelola BMN",), ("Pengelola BMN",), ("Kepala Subbagian",), ("Pengelola BMN",),
    ]  # fmt: skip
    assert [s.symbol for s in table.steps] == ["start", "process", "decision", "process", "end"]
    decision = table.steps[2]
    assert (decision.yes, decision.no) == (3, 0)  # "Ya: lanjut ke 4; Tidak: kembali ke 1"
    assert table.steps[1].activity == "Memeriksa ketersediaan barang:<br>periksa buku inventaris"
    assert table.steps[1].inputs == "Buku inventaris<br>Formulir"  # a line break inside a cell
    assert table.steps[2].notes == "Ya: lanjut ke 4; Tidak: kembali ke 1"
    assert len(r.document.body_items) == 5


def test_marks_vml_shapes_symbols_text_boxes_and_pictures_in_actor_cells() -> None:
    steps = [
        Step("1", "Menerima berkas", 0, ("vml", 116)),
        Step("2", "Memeriksa berkas", 1, wingdings_check()),
        Step("3", "Berkas lengkap?", 1, ("vml", 110, "Ya 4 / Tidak 2")),
        Step("4", "Menandatangani", 2, "√"),
        Step(
            "5",
            "Mengarsipkan",
            0,
            picture(),
            extra={1: drawingml_shape("straightConnector1", connector=True)},
        ),
        Step("6", "Menyampaikan hasil", 0, ("roundRect", "Selesai")),
    ]
    d = new_document()
    identity_table(d)
    procedure_table(d, steps, spacer_after=(), column_numbers=False, extra_column=None)
    r = read(save(d))
    (table,) = procedures(r.document)
    rows = [i.text.split(" | ")[2:5] for i in r.document.body_items]
    assert rows == [
        ["mulai", "", ""], ["", "✓", ""], ["", "keputusan: ya 4, tidak 2", ""], ["", "", "√"], ["✓", "", ""],
        ["selesai", "", ""],
    ]  # fmt: skip
    assert [s.symbol for s in table.steps] == ["start", "process", "decision", "process", "process", "end"]
    assert (table.steps[2].yes, table.steps[2].no) == (3, 1)
    assert any(c.chosen == "✓" and "picture" in c.why for c in r.report.choices)
    assert any("arrows" in x for x in dropped(r, "arrow"))


def test_a_decision_with_ya_tidak_text_boxes_and_no_numbers_takes_the_defaults() -> None:
    box = drawingml_shape("rect", "Ya", textbox=True)
    steps = [
        Step("1", "Mulai", 0, "flowChartTerminator"),
        Step("2", "Sesuai?", 0, "diamond", extra={1: box}),
        Step("3", "Selesai", 1, "flowChartTerminator"),
    ]
    d = new_document()
    identity_table(d)
    procedure_table(d, steps, ACTORS[:2], spacer_after=(), column_numbers=False, extra_column=None)
    r = read(save(d))
    (table,) = procedures(r.document)
    assert r.document.body_items[1].text.split(" | ")[2:4] == ["keputusan", ""]
    assert (table.steps[1].yes, table.steps[1].no) == (2, 0)
    assert any("branch label" in x for x in dropped(r, "label"))


def test_a_shape_outside_the_actor_columns_is_reported_not_guessed() -> None:
    steps = [Step("1", "Mulai", 0, "x"), Step("2", "Selesai", 0, "x")]
    d = new_document()
    identity_table(d)
    t = procedure_table(d, steps, ACTORS[:1], spacer_after=(), column_numbers=False, extra_column=None)
    put(t.rows[2].cells[1], drawingml_shape("flowChartProcess"))  # drawn in the Kegiatan column
    r = read(save(d))
    assert any("could not be placed" in x for x in dropped(r, "process"))
    assert r.document.body_items[0].text == "1 | Mulai | x |  |  |  | "


def test_single_header_row_one_pelaksana_column_and_merged_time_cell() -> None:
    d = new_document()
    identity_table(d)
    t = d.add_table(rows=4, cols=4)
    for c, text in enumerate(("No.", "Kegiatan", "Pelaksana", "Waktu")):
        put(t.cell(0, c), text)
    put(t.cell(1, 0), "1")
    put(t.cell(1, 1), "Menerima")
    put(t.cell(1, 2), "Petugas, Kasubag")
    put(t.cell(2, 0), "2")
    put(t.cell(2, 1), "Mencatat")
    put(t.cell(2, 2), "Petugas")
    put(t.cell(1, 3).merge(t.cell(2, 3)), "1 hari")
    put(t.cell(3, 0), "No.")  # the header typed again after a page break
    put(t.cell(3, 1), "Kegiatan")
    put(t.cell(3, 2), "Pelaksana")
    put(t.cell(3, 3), "Waktu")
    r = read(save(d))
    assert [i.text for i in r.document.body_items] == [
        "1 | Menerima | Petugas, Kasubag | 1 hari",
        "2 | Mencatat | Petugas | ",  # the merged cell's text is kept once, in its first row
    ]
    assert any("merged" in x for x in dropped(r, "cell")) and any(
        "header repeated" in x for x in dropped(r, "row")
    )
    (table,) = procedures(r.document)
    assert table.steps[0].actors == ("Petugas", "Kasubag")


def test_lists_inside_a_cell_keep_their_markers() -> None:
    d = new_document()
    identity_table(d)
    t = d.add_table(rows=2, cols=2)
    put(t.cell(0, 0), "No")
    put(t.cell(0, 1), "Kegiatan")
    put(t.cell(1, 0), "1")
    cell = t.cell(1, 1)
    put(cell, "Memeriksa berkas:")
    cell.add_paragraph("KTP", style="List Bullet")
    cell.add_paragraph("Formulir", style="List Bullet")
    r = read(save(d))
    assert r.document.body_items[0].text == "1 | Memeriksa berkas:<br>- KTP<br>- Formulir"


# -- a numbered-list procedure, paragraphs, headings ------------------------------------------


def test_numbered_list_procedure_with_word_numbering_and_typed_numbers() -> None:
    d = new_document()
    identity_table(d)
    grid_table(d, GRID)
    d.add_heading("Tujuan", level=1)
    d.add_paragraph("Menertibkan peminjaman barang.")
    d.add_heading("Prosedur", level=1)
    d.add_paragraph("Peminjam mengajukan formulir.", style="List Number")
    d.add_paragraph("Pengelola BMN memeriksa barang:", style="List Number")
    d.add_paragraph("buku inventaris", style="List Bullet 2")
    d.add_paragraph("kondisi fisik", style="List Bullet 2")
    d.add_paragraph("Kepala Subbagian menyetujui.", style="List Number")
    d.add_heading("Catatan", level=1)
    d.add_paragraph("1. Formulir disimpan.")
    d.add_paragraph("2. Barang dicatat.")
    d.add_paragraph("- di buku inventaris")
    r = read(save(d))
    items = [(i.key, i.text) for i in r.document.body_items]
    assert items == [
        ("tujuan/1", "Menertibkan peminjaman barang."),
        ("prosedur/1", "Peminjam mengajukan formulir."),
        ("prosedur/2", "Pengelola BMN memeriksa barang:\n- buku inventaris\n- kondisi fisik"),
        ("prosedur/3", "Kepala Subbagian menyetujui."),
        ("catatan/1", "Formulir disimpan."),
        ("catatan/2", "Barang dicatat.\n- di buku inventaris"),
    ]
    (listed, _typed) = [p for p in procedures(r.document) if p.kind == "list"]
    assert [s.symbol for s in listed.steps] == ["start", "process", "end"]


def test_a_paragraph_that_looks_like_markdown_stays_a_paragraph() -> None:
    d = new_document()
    identity_table(d)
    d.add_paragraph("# bukan judul")
    d.add_paragraph("> bukan kutipan")
    d.add_paragraph("Rapat pleno tahun").add_run().add_break()
    d.paragraphs[-1].add_run("2024. Hasilnya dicatat.")
    r = read(save(d))
    assert [i.kind for i in r.document.body_items] == ["paragraph", "paragraph", "paragraph"]
    assert [i.text for i in r.document.body_items] == [
        "\\# bukan judul",
        "\\> bukan kutipan",
        "Rapat pleno tahun\n2024\\. Hasilnya dicatat.",
    ]


def test_tracked_changes_read_as_accepted_and_comments_reported() -> None:
    d = new_document()
    identity_table(d)
    p = d.add_paragraph("1. Petugas ")
    for element in tracked("segera ", "dengan lambat "):
        p._p.append(element)
    p.add_run("memeriksa berkas.")
    p._p.append(comment_reference())
    r = read(save(d))
    assert r.document.body_items[0].text == "Petugas segera memeriksa berkas."
    (changes,) = dropped(r, "tracked changes")
    assert "1 tracked insertions and 1 deletions read as accepted" in changes
    assert dropped(r, "comments")


def test_a_closing_signature_block_is_the_ratifier_when_the_identity_has_none() -> None:
    d = new_document()
    identity_table(d, [row for row in IDENTITY if row[0] != "Disahkan Oleh"])
    procedure_table(d, STEPS[:2], ACTORS[:2], spacer_after=(), column_numbers=False, extra_column=None)
    for line in ("Ditetapkan di Mataram", "pada tanggal 1 Februari 2023", "KETUA KPU PROVINSI NTB,", "ttd",
                 "Dr. Baiq Nurul", "NIP. 197001011998032001"):  # fmt: skip
        d.add_paragraph(line)
    r = read(save(d))
    declared = r.document.front.declared
    assert declared is not None and declared.ratified_by is not None
    assert declared.ratified_by.name == "Dr. Baiq Nurul" and declared.ratified_by.nip == "197001011998032001"
    assert declared.ratified_by.position == "KETUA KPU PROVINSI NTB"
    assert all("Baiq" not in i.text for i in r.document.body_items)  # not left in the body


def test_no_procedure_after_the_identity_is_one_clear_error() -> None:
    d = new_document()
    identity_table(d)
    with pytest.raises(InvalidInputError, match=r"^kantor.docx: no procedure found after the identity table"):
        read(save(d))


def test_the_markdown_is_a_valid_sop_and_the_report_serialises() -> None:
    r = read(office_sop())
    assert r.text.startswith("---\nid: 04-SOP-KPU-PROV-018-2024\n")
    data = r.to_json()
    assert data["id"] == r.sop_id and data["markdown"] == r.text
    assert {"mapped", "dropped", "choices", "source"} <= set(data["report"])
