"""`sop import` and `sop export` end to end with a real store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import ACTOR, CliRun
from word_build import identity_table, new_document, office_sop, save

from soplib import Store, load
from soplib.demo_data import sop_files as demo_files
from soplib.word import read_docx


def second_sop(tmp_path: Path) -> Path:
    d = new_document()
    identity_table(d, [("Nomor SOP", "02/SOP/KPU-Prov-018/2024"), ("Nama SOP", "Pengelolaan Surat Masuk")])
    d.add_paragraph("1. Menerima surat.")
    d.add_paragraph("2. Mencatat surat dalam buku agenda.")
    path = tmp_path / "Surat Masuk.docx"
    path.write_bytes(save(d))
    return path


def test_import_adds_every_file_in_one_commit(cli: CliRun, store: Store, tmp_path: Path) -> None:
    first = tmp_path / "SOP Peminjaman BMN.docx"
    first.write_bytes(office_sop())
    result = cli("import", str(first), str(second_sop(tmp_path)), "--by", ACTOR, "--unit", "Sekretariat")
    assert result.exit_code == 0, result.output
    assert "imported 04-SOP-KPU-PROV-018-2024 v1: Peminjaman Barang Milik Negara" in result.output
    assert "imported 02-SOP-KPU-PROV-018-2024 v1: Pengelolaan Surat Masuk" in result.output
    sops = {s.id: s for s in store.sops.list()}
    assert set(sops) == {"04-SOP-KPU-PROV-018-2024", "02-SOP-KPU-PROV-018-2024"}
    commits = {store.sops.commit_of(i, 1) for i in sops}
    assert len(commits) == 1  # all in one commit
    stored = store.sops.get("04-SOP-KPU-PROV-018-2024").document
    assert stored.front.unit == "Sekretariat" and stored.front.declared is not None
    assert stored.text == read_docx(first.read_bytes(), source=str(first), unit="Sekretariat").text


def test_dry_run_prints_markdown_and_report_and_writes_nothing(
    cli: CliRun, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "sop.docx"
    path.write_bytes(office_sop())
    result = cli("import", str(path), "--dry-run")  # no --by needed to look
    assert result.exit_code == 0, result.output
    assert result.output.startswith("---\nid: 04-SOP-KPU-PROV-018-2024\n")
    assert (
        "mapping report for" in result.output
        and "left out" in result.output
        and "took     title" in result.output
    )
    assert store.sops.list() == []
    as_json = cli("import", str(path), "--dry-run", "--json")
    data = json.loads(as_json.output)
    assert data[0]["id"] == "04-SOP-KPU-PROV-018-2024" and data[0]["markdown"].startswith("---\n")
    assert {"mapped", "dropped", "choices", "source"} <= set(data[0]["report"])
    assert store.sops.list() == []


def test_id_option_and_json_after_import(cli: CliRun, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "sop.docx"
    path.write_bytes(office_sop())
    result = cli("import", str(path), "--id", "KPU-NTB-SOP-04", "--by", ACTOR, "--json")
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    assert (record["id"], record["version"]) == ("KPU-NTB-SOP-04", 1)
    assert [s.id for s in store.sops.list()] == ["KPU-NTB-SOP-04"]


def test_import_refusals_are_one_line_and_write_nothing(cli: CliRun, store: Store, tmp_path: Path) -> None:
    good = tmp_path / "sop.docx"
    good.write_bytes(office_sop())
    other = second_sop(tmp_path)
    cases = [
        (("import", str(good), str(other), "--id", "KPU-01", "--by", ACTOR), "--id names one SOP"),
        (("import", str(good)), "Missing option '--by'"),
        (("import", str(tmp_path / "missing.docx"), "--by", ACTOR), "missing"),
        (("import", str(good), str(good), "--by", ACTOR), "is given twice"),
    ]
    for args, words in cases:
        result = cli(*args)
        assert result.exit_code != 0 and words in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert store.sops.list() == []
    assert cli("import", str(good), "--by", ACTOR).exit_code == 0
    again = cli(
        "import", str(good), str(other), "--by", ACTOR
    )  # the first is already there: neither is added
    assert again.exit_code == 1 and len(again.output.strip().splitlines()) == 1
    assert [s.id for s in store.sops.list()] == ["04-SOP-KPU-PROV-018-2024"]


def test_export_writes_a_docx_that_imports_back_and_refuses_to_overwrite(
    cli: CliRun, store: Store, tmp_path: Path
) -> None:
    store.sops.add([load(p) for p in demo_files()], by=ACTOR)
    out = tmp_path / "SOP-01.docx"
    result = cli("export", "KPU-NTB-SOP-01", "-o", str(out), "--office", "KPU Provinsi NTB")
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "KPU-NTB-SOP-01 v1" in result.output
    back = read_docx(out.read_bytes(), source=str(out)).document
    original = store.sops.get("KPU-NTB-SOP-01").document
    assert [i.text for i in back.body_items] == [i.text for i in original.body_items]
    assert back.id == original.id and back.front.legal_basis == original.front.legal_basis
    first = out.read_bytes()
    refused = cli("export", "KPU-NTB-SOP-01", "-o", str(out))
    assert refused.exit_code == 1 and "add --force" in refused.output
    assert out.read_bytes() == first
    forced = cli("--lang", "en", "export", "KPU-NTB-SOP-02", "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert read_docx(out.read_bytes(), source="x").document.id == "KPU-NTB-SOP-02"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_a_failed_export_leaves_no_file(cli: CliRun, store: Store, tmp_path: Path) -> None:
    store.sops.add([load(p) for p in demo_files()], by=ACTOR)
    out = tmp_path / "none.docx"
    for args in (
        ("export", "KPU-NTB-SOP-99", "-o", str(out)),
        ("export", "KPU-NTB-SOP-01", "-v", "7", "-o", str(out)),
    ):
        result = cli(*args)
        assert result.exit_code == 1 and result.output.startswith("error: "), result.output
    assert list(tmp_path.iterdir()) == [tmp_path / "store"]
    folder = cli("export", "KPU-NTB-SOP-01", "-o", str(tmp_path))
    assert folder.exit_code == 1 and "is a folder" in folder.output


def test_an_imported_sop_exports_with_its_declared_history(cli: CliRun, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "sop.docx"
    path.write_bytes(office_sop())
    assert cli("import", str(path), "--id", "KPU-NTB-SOP-04", "--by", ACTOR).exit_code == 0
    out = tmp_path / "back.docx"
    assert cli("export", "KPU-NTB-SOP-04", "-o", str(out)).exit_code == 0
    back = read_docx(out.read_bytes(), source=str(out)).document
    stored = store.sops.get("KPU-NTB-SOP-04").document
    assert (
        back.front.to_json() == stored.front.to_json()
    )  # same dates, ratifier, lists: version 1 keeps what it declared
    assert [i.text for i in back.body_items] == [i.text for i in stored.body_items]


def test_a_later_version_exports_its_own_effective_date_among_the_revisions(
    cli: CliRun, store: Store, tmp_path: Path
) -> None:
    from soplib.word.context import export_context

    path = tmp_path / "sop.docx"
    path.write_bytes(office_sop())
    assert cli("import", str(path), "--id", "KPU-NTB-SOP-04", "--by", ACTOR).exit_code == 0
    text = store.sops.get("KPU-NTB-SOP-04").text.replace(
        "Menyetujui peminjaman", "Menyetujui peminjaman barang"
    )
    store.sops.update(text, base=1, by=ACTOR, message="langkah 4 diperjelas", effective=date(2026, 4, 1))
    _document, context = export_context(store, "KPU-NTB-SOP-04", office="KPU Provinsi NTB")
    assert context.version == 2 and context.effective == date(2026, 4, 1)
    assert context.revised == (date(2021, 5, 10), date(2023, 1, 15), date(2026, 4, 1))
    assert context.made == date(2019, 3, 1) and context.ratified_by is None  # not approved in soplib
    out = tmp_path / "v2.docx"
    assert cli("export", "KPU-NTB-SOP-04", "-o", str(out)).exit_code == 0
    back = read_docx(out.read_bytes(), source=str(out)).document
    assert back.front.declared is not None and back.front.declared.effective == date(2026, 4, 1)
    assert "Menyetujui peminjaman barang" in back.body_items[3].text
    old = tmp_path / "v1.docx"
    assert cli("export", "KPU-NTB-SOP-04", "-v", "1", "-o", str(old)).exit_code == 0
    assert read_docx(old.read_bytes(), source=str(old)).document.front.declared.effective == date(2023, 2, 1)
