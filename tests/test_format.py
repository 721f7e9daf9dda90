"""The SOP document format: front-matter rules, items and keys, fingerprints, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from soplib import SopFormatError, load, parse
from soplib.demo_data import sop_files as demo_files
from soplib.documents.model import fingerprint, validate_key

BODY = "# Prosedur\n\n1. Langkah pertama.\n"


def front(*lines: str, body: str = BODY) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


def error(text: str | bytes, source: str = "kpu.md") -> SopFormatError:
    with pytest.raises(SopFormatError) as info:
        parse(text, source=source)
    return info.value


# -- front matter ------------------------------------------------------------------


def test_a_full_front_matter_is_read() -> None:
    doc = load(demo_files()[0])
    f = doc.front
    assert f.id == "KPU-NTB-SOP-01"
    assert f.title == "Pelayanan Permohonan Informasi Publik"
    assert f.unit and f.unit.startswith("Subbagian")
    assert len(f.legal_basis) == 3 and f.related == ("KPU-NTB-SOP-02",)
    assert f.equipment[0] == "Komputer" and f.review_interval_months == 12
    assert f.qualifications and f.warnings and f.records


def test_a_single_string_is_a_one_entry_list() -> None:
    doc = parse(front("id: AB-01", "title: Judul", "legal_basis: UU 7/2017"))
    assert doc.front.legal_basis == ("UU 7/2017",)


@pytest.mark.parametrize("missing", ["id", "title"])
def test_id_and_title_are_required(missing: str) -> None:
    lines = [f for f in ("id: AB-01", "title: Judul") if not f.startswith(missing)]
    err = error(front(*lines))
    assert f"missing required front-matter key '{missing}'" in str(err)
    assert str(err).startswith("kpu.md:1: ")


def test_an_empty_title_is_refused() -> None:
    err = error(front("id: AB-01", "title: '  '"))
    assert err.line == 3 and "'title'" in str(err)


@pytest.mark.parametrize(
    "bad",
    [
        "../x",
        "-x",
        "AB 01",
        "A..B",
        "X.lock",
        "A",
        "A" * 65,
        "ab-01",
        "AB/01",
        "AB.",
        "_AB",
        "'--output=/tmp/x'",
    ],
)
def test_bad_ids_are_refused_with_the_rule(bad: str) -> None:
    err = error(front(f"id: {bad}", "title: Judul"))
    assert err.line == 2
    assert "invalid SOP id" in str(err) and "2-64 characters" in str(err)
    assert str(err).startswith("kpu.md:2: ")


@pytest.mark.parametrize("good", ["AB", "A" * 64, "KPU-NTB-SOP-01", "SOP.PEMILU_02", "7-A"])
def test_good_ids_are_accepted(good: str) -> None:
    assert parse(front(f"id: {good}", "title: Judul")).id == good


def test_related_ids_follow_the_same_rules() -> None:
    err = error(front("id: AB-01", "title: Judul", "related: [AB-02, ../etc]"))
    assert err.line == 4 and "'related'" in str(err) and "invalid SOP id '../etc'" in str(err)


def test_an_unknown_key_names_the_key_and_the_closest_known_key() -> None:
    err = error(front("id: AB-01", "title: Judul", "unit: Umum", "legal_basi: UU 7/2017"))
    assert str(err) == "kpu.md:5: unknown front-matter key 'legal_basi' (did you mean 'legal_basis'?)"


def test_an_unknown_key_with_no_close_match_lists_the_known_keys() -> None:
    err = error(front("id: AB-01", "title: Judul", "pemilik: Sekretaris"))
    assert "unknown front-matter key 'pemilik'" in str(err) and "known keys: id, title" in str(err)
    assert err.line == 4


def test_an_unknown_nested_key_is_named_with_its_parent() -> None:
    err = error(front("id: AB-01", "title: Judul", "audience:", "  unitz: [Umum]"))
    assert "unknown front-matter key 'audience.unitz' (did you mean 'units'?)" in str(err)
    assert err.line == 5


def test_a_bad_value_names_the_key_and_its_line() -> None:
    err = error(front("id: AB-01", "title: Judul", "review_interval_months: 0"))
    assert err.line == 4 and "'review_interval_months'" in str(err)


@pytest.mark.parametrize(
    ("front_text", "line"),
    [
        ("id: AB-01\ntitle: [Judul\n", 4),
        ("id: AB-01\n\tunit: x\ntitle: Judul\n", 3),
        ("id: AB-01\ntitle: a: b\n", 3),
    ],
)
def test_broken_yaml_names_the_line(front_text: str, line: int) -> None:
    err = error("---\n" + front_text + "---\n" + BODY)
    assert "front matter is not valid YAML" in str(err)
    assert err.line == line and str(err).startswith(f"kpu.md:{line}: ")


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("# Prosedur\n\n1. a\n", "no front matter", 1),
        ("---\nid: AB-01\ntitle: Judul\n", "not closed", 1),
        ("---\n---\n" + BODY, "must be a mapping", 2),
        ("---\n- a\n---\n" + BODY, "must be a mapping", 2),
    ],
)
def test_front_matter_shape(text: str, message: str, line: int) -> None:
    err = error(text)
    assert message in str(err) and err.line == line


@pytest.mark.parametrize("body", ["", "\n\n", "# Prosedur\n\n## Langkah\n"])
def test_an_empty_body_is_refused(body: str) -> None:
    err = error(front("id: AB-01", "title: Judul", body=body))
    assert "the body has no steps" in str(err) and err.line == 5


def test_not_utf8_names_the_line() -> None:
    data = front("id: AB-01", "title: Judul").encode() + "2. Caf\u00e9\n".encode("latin-1")
    err = error(data)
    assert "not UTF-8" in str(err) and err.line == 8


def test_a_file_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sop-rusak.md"
    path.write_text(front("id: AB-01"), encoding="utf-8")
    with pytest.raises(SopFormatError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}:1: ")


def test_a_byte_order_mark_and_crlf_are_accepted() -> None:
    text = "\ufeff" + front("id: AB-01", "title: Judul").replace("\n", "\r\n")
    doc = parse(text)
    assert doc.text == text and doc.body_items[0].text == "Langkah pertama."
    assert doc.item("title").text == "Judul" and doc.item("title").start_line == 3


# -- items and keys ------------------------------------------------------------------

MIXED = """\
---
id: AB-01
title: Judul
---
Pembuka yang
dua baris.

# Tujuan

Memberikan layanan.

# Prosedur Utama

1. Pemohon mengisi formulir.
   - formulir A
   - formulir B
2. Petugas memeriksa.

   Catatan lanjutan.
3. Petugas mencatat.

## Tabel Kegiatan

| No | Kegiatan | Pelaksana |
|----|----------|-----------|
| 1 | Terima berkas | Petugas |
| 2 | Periksa \\| cek | Kasubag |

- butir lepas

# Tujuan

```
blok kode
```
"""


def test_items_sections_kinds_keys_and_lines() -> None:
    doc = parse(MIXED)
    assert [(s.slug, s.title, s.level, s.line) for s in doc.sections] == [
        ("tujuan", "Tujuan", 1, 8),
        ("prosedur-utama", "Prosedur Utama", 1, 12),
        ("tabel-kegiatan", "Tabel Kegiatan", 2, 22),
        ("tujuan-2", "Tujuan", 1, 31),
    ]
    # The identity part's items come first (here only the title), then the body's.
    assert [(i.key, i.kind, i.start_line, i.end_line, i.text) for i in doc.identity_items] == [
        ("title", "field", 3, 3, "Judul")
    ]
    assert doc.items == doc.identity_items + doc.body_items
    got = [(i.key, i.kind, i.start_line, i.end_line, i.text) for i in doc.body_items]
    assert got == [
        ("preamble/1", "paragraph", 5, 6, "Pembuka yang\ndua baris."),
        ("tujuan/1", "paragraph", 10, 10, "Memberikan layanan."),
        ("prosedur-utama/1", "list_item", 14, 16, "Pemohon mengisi formulir.\n- formulir A\n- formulir B"),
        ("prosedur-utama/2", "list_item", 17, 19, "Petugas memeriksa.\n\nCatatan lanjutan."),
        ("prosedur-utama/3", "list_item", 20, 20, "Petugas mencatat."),
        ("tabel-kegiatan/1", "table_row", 26, 26, "1 | Terima berkas | Petugas"),
        ("tabel-kegiatan/2", "table_row", 27, 27, "2 | Periksa \\| cek | Kasubag"),
        ("tabel-kegiatan/3", "list_item", 29, 29, "butir lepas"),
        ("tujuan-2/1", "block", 33, 35, "```\nblok kode\n```"),
    ]
    assert [i.ordinal for i in doc.body_items] == [1, 1, 1, 2, 3, 1, 2, 3, 1]
    assert doc.item("prosedur-utama/2").marker == "2."


def test_table_header_rows_are_not_items() -> None:
    doc = parse(MIXED)
    assert not any("Kegiatan | Pelaksana" in i.text for i in doc.items)


def test_an_unknown_key_suggests_the_closest() -> None:
    from soplib import NotFoundError

    with pytest.raises(NotFoundError, match="did you mean prosedur-utama/3"):
        parse(MIXED).item("prosedur-utama/4")


@pytest.mark.parametrize(
    "bad",
    ["prosedur", "prosedur/0", "/1", "Prosedur/1", "../x/1", "a/b/1", "-x/1", "titel", "legal_basis/0", "id"],
)
def test_malformed_keys_are_refused(bad: str) -> None:
    from soplib import InvalidInputError

    with pytest.raises(InvalidInputError, match="invalid item key"):
        validate_key(bad)


@pytest.mark.parametrize(
    "good", ["prosedur/1", "title", "review_interval_months", "legal_basis/2", "equipment/1"]
)
def test_body_and_identity_keys_are_accepted(good: str) -> None:
    assert validate_key(good) == good


def test_every_demo_sop_parses_with_items() -> None:
    for path in demo_files():
        doc = load(path)
        assert doc.items and doc.text == path.read_text(encoding="utf-8")


# -- fingerprints --------------------------------------------------------------------


def test_fingerprints_ignore_whitespace_only() -> None:
    assert fingerprint("Petugas  memeriksa\n berkas. ") == fingerprint("Petugas memeriksa berkas.")
    assert fingerprint("Petugas memeriksa berkas.") != fingerprint("Petugas memeriksa berkas")
    assert len(fingerprint("x")) == 16


def test_body_fingerprint_is_whitespace_blind_but_content_fingerprint_is_not() -> None:
    a = parse(front("id: AB-01", "title: Judul", body="# Prosedur\n\n1. Langkah  pertama.\n"))
    b = parse(front("id: AB-01", "title: Judul", body="# Prosedur\n\n1. Langkah pertama.\n\n"))
    c = parse(front("id: AB-01", "title: Judul", body="# Prosedur\n\n1. Langkah kedua.\n"))
    assert a.body_items[0].fingerprint == b.body_items[0].fingerprint != c.body_items[0].fingerprint
    assert a.item("title").fingerprint == c.item("title").fingerprint
    assert a.body_fingerprint == b.body_fingerprint != c.body_fingerprint
    assert a.content_fingerprint != b.content_fingerprint
    assert a.meta()["body_sha256"] == a.body_fingerprint and a.meta()["items"] == 1


def test_the_example_in_docs_format_md_is_valid() -> None:
    import re

    docs = Path(__file__).resolve().parent.parent / "docs" / "format.md"
    example = re.findall(r"```markdown\n(.*?)```", docs.read_text(encoding="utf-8"), flags=re.DOTALL)[0]
    doc = parse(example, source="docs/format.md")
    assert doc.id == "KPU-NTB-SOP-04" and doc.front.warnings == (
        "Barang wajib dikembalikan dalam kondisi baik",
    )
    assert [i.key for i in doc.body_items] == [
        "tujuan/1",
        "prosedur/1",
        "prosedur/2",
        "prosedur/3",
        "mutu-baku/1",
        "mutu-baku/2",
    ]
    assert doc.item("prosedur/2").text.endswith("- periksa kondisi fisik")
    # The identity part is reviewable too: each scalar field, each entry of each list field.
    assert [(i.key, i.kind, i.start_line, i.end_line, i.text) for i in doc.identity_items] == [
        ("title", "field", 3, 3, "Peminjaman Barang Milik Negara"),
        ("number", "field", 4, 4, "04/SOP/KPU-Prov-018/2024"),
        ("unit", "field", 5, 5, "Subbagian Keuangan, Umum dan Logistik"),
        ("review_interval_months", "field", 13, 13, "24"),
        (
            "legal_basis/1",
            "field_entry",
            7,
            7,
            "Peraturan Menteri Keuangan Nomor 181/PMK.06/2016 tentang Penatausahaan BMN",
        ),
        ("related/1", "field_entry", 8, 8, "KPU-NTB-SOP-02"),
        ("qualifications/1", "field_entry", 9, 9, "Memahami penatausahaan BMN"),
        ("equipment/1", "field_entry", 10, 10, "Buku inventaris"),
        ("equipment/2", "field_entry", 10, 10, "Formulir peminjaman"),
        ("warnings/1", "field_entry", 11, 11, "Barang wajib dikembalikan dalam kondisi baik"),
        ("records/1", "field_entry", 12, 12, "Formulir peminjaman BMN"),
    ]
    assert doc.items == doc.identity_items + doc.body_items
    assert doc.item("equipment/2").section == "equipment" and doc.item("equipment/2").ordinal == 2
