"""Hostile or broken Word files: one clear line each (InvalidInputError), nothing written, memory bounded."""

from __future__ import annotations

import copy
import io
import os
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from conftest import ACTOR, CliRun
from word_build import new_document, office_sop, ole_file, put, save

from soplib import InvalidInputError, Store
from soplib.word import read_docx
from soplib.word.container import MAX_TOTAL, MiB


def refused(data: bytes) -> str:
    with pytest.raises(InvalidInputError) as info:
        read_docx(data, source="x.docx")
    message = str(info.value)
    assert message.startswith("x.docx: ") and "\n" not in message, message
    return message


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same package with some parts replaced or added (as a crafted file would be)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
        for name in sorted(set(replace) - set(src.namelist())):
            dst.writestr(name, replace[name])
    return out.getvalue()


def test_not_a_zip() -> None:
    assert "not a zip package" in refused(b"Nomor SOP: 01\nNama SOP: Rapat\n" * 10)
    assert "not a zip package" in refused(b"")


def test_a_truncated_docx_is_a_damaged_zip() -> None:
    assert "damaged zip" in refused(office_sop()[:2000])


def test_rtf_and_pdf_are_named_as_such() -> None:
    assert "an RTF file" in refused(b"{\\rtf1\\ansi Nomor SOP}")
    assert "a PDF file" in refused(b"%PDF-1.7\n...")


def test_an_old_doc_is_named_with_what_to_do() -> None:
    message = refused(ole_file(["WordDocument", "1Table"]))
    assert "old Word 97-2003 document (.doc)" in message and "save it as a Word document (.docx)" in message


def test_a_password_protected_docx_is_named_with_what_to_do() -> None:
    message = refused(ole_file(["EncryptionInfo", "EncryptedPackage"]))
    assert "password-protected" in message and "remove the password" in message and ".docx" in message


def test_an_opendocument_text_is_named() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    assert "OpenDocument file (.odt)" in refused(out.getvalue())


def test_a_zip_that_is_no_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("notes.txt", "hello")
    assert "a zip file, but not a Word document" in refused(out.getvalue())


def test_a_zip_bomb_is_refused_from_the_directory_before_inflating() -> None:
    bomb = rezip(office_sop(), {"word/document.xml": b"<w:document/>" + b" " * (40 * MiB)})
    assert len(bomb) < MiB  # ~40 MiB of spaces deflate to a few dozen KiB
    tracemalloc.start()
    message = refused(bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "word/document.xml" in message and ("zip bomb" in message or "one XML part" in message)
    assert peak < 8 * MiB, peak  # nothing was inflated


def test_a_high_ratio_part_is_a_zip_bomb() -> None:
    bomb = rezip(office_sop(), {"word/media/image1.png": b"\0" * (20 * MiB)})
    assert "inflates" in refused(bomb) and "zip bomb" in refused(bomb)


def test_the_total_inflated_size_is_capped_as_the_directory_declares_it() -> None:
    # Five parts of 1 MiB random bytes each declare 30 MiB in the directory: 150 MiB in all.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for i in range(5):
            z.writestr(f"word/media/big{i}.bin", os.urandom(MiB))
    data = bytearray(out.getvalue())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory: declared uncompressed size
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len].startswith(b"word/media/"):
            struct.pack_into("<I", data, at + 24, 30 * MiB)
        at += 4
    message = refused(bytes(data))
    assert f"over the {MAX_TOTAL // MiB} MiB limit" in message


def test_a_dtd_or_external_entity_is_refused() -> None:
    good = office_sop()
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        xml = z.read("word/document.xml")
    head, _, rest = xml.partition(b"?>")
    evil = head + b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest
    message = refused(rezip(good, {"word/document.xml": evil}))
    assert "word/document.xml declares a DTD or entities" in message
    laughs = head + b'?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
    assert "DTD" in refused(rezip(good, {"word/styles.xml": laughs}))


def test_broken_xml_in_a_part_is_a_damaged_file() -> None:
    message = refused(rezip(office_sop(), {"word/document.xml": b"<w:document><w:body>"}))
    assert "damaged" in message


def test_a_huge_table_is_refused_with_the_limit() -> None:
    d = new_document()
    t = d.add_table(rows=1, cols=1)
    put(t.cell(0, 0), "x")
    tr = t.rows[0]._tr
    for _ in range(2_100):  # more rows than any SOP has (the limit is 2,000)
        t._tbl.append(copy.deepcopy(tr))
    message = refused(save(d))
    assert "table 1 has 2101 rows x 1 columns, over the limit of 2000 rows" in message
    assert "split it" in message


def test_a_table_too_wide_is_refused() -> None:
    d = new_document()
    d.add_table(rows=2, cols=70)
    assert "70 columns, over the limit" in refused(save(d))


def test_the_cli_writes_nothing_for_a_hostile_file(cli: CliRun, store: Store, tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(office_sop())
    bad = tmp_path / "lama.doc.docx"
    bad.write_bytes(ole_file(["WordDocument"]))
    before = store.sops.list()
    result = cli("import", str(good), str(bad), "--by", ACTOR)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and ".doc" in lines[0], result.output
    assert store.sops.list() == before == []
