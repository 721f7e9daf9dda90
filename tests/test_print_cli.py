"""`sop print ID -o FILE.pdf|FILE.html` end to end: a real store, the real CLI, the PDF read back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import HEAD, CliRun
from pdf_check import page_sizes, text

from soplib import Store

SOP = str(Path(sys.executable).parent / "sop")


def flat(pdf: Path, page: int | None = None) -> str:
    return " ".join(text(pdf, page).split())


def test_print_a_revised_sop_with_its_history(audited: Store, tmp_path: Path, cli: CliRun) -> None:
    out = tmp_path / "sop-01.pdf"
    r = cli("print", "KPU-NTB-SOP-01", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"wrote {out}") and out.read_bytes().startswith(b"%PDF-")
    sizes = page_sizes(out)
    assert len(sizes) == 2 and sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1]
    identity = flat(out, 1)
    for phrase in (
        "Nomor SOP 01/SOP/KPU-Prov-018/2024",
        "Tanggal Pembuatan 5 Januari 2026",  # version 1 recorded
        "Tanggal Revisi 20 Maret 2026",  # this version recorded (at approval)
        "Revisi ke-1",
        "Tanggal Efektif 1 April 2026",
        f"dicatat saat pengesahan oleh {HEAD}, 20 Maret 2026",
        "Terakhir dievaluasi pada 20 Maret 2026 dalam sesi R-20260310-0A1B: direvisi",
        "Nama SOP Pelayanan Permohonan Informasi Publik",
    ):
        assert phrase in identity, phrase
    procedure = flat(out, 2)
    assert "paling lama 1 hari kerja" in procedure  # the step replaced in the session
    assert f"commit {audited.sops.commit_of('KPU-NTB-SOP-01', 2)}" in procedure
    again = tmp_path / "again.pdf"
    assert cli("print", "KPU-NTB-SOP-01", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()  # the same version prints to the same bytes


def test_kept_withdrawn_and_first_versions(audited: Store, tmp_path: Path, cli: CliRun) -> None:
    kept = tmp_path / "kept.pdf"
    assert cli("print", "KPU-NTB-SOP-02", "-o", str(kept)).exit_code == 0
    assert "dalam sesi R-20260310-0A1B: tetap" in flat(kept, 1)
    assert "Revisi ke-" not in flat(kept) and "Tanggal Revisi -" in flat(kept, 1)
    gone = tmp_path / "gone.pdf"
    assert cli("print", "KPU-NTB-SOP-03", "-o", str(gone)).exit_code == 0
    for number in range(1, len(page_sizes(gone)) + 1):
        assert "SOP INI TELAH DICABUT pada 1 April 2026" in flat(gone, number)
    assert "Alasan: diganti SOP nasional" in flat(gone, 1)
    first = tmp_path / "v1.html"
    assert cli("print", "KPU-NTB-SOP-01", "--version", "1", "-o", str(first)).exit_code == 0
    page = first.read_text(encoding="utf-8")
    assert "belum disahkan" in page and "Terakhir dievaluasi" in page  # v1 was added, not ratified
    assert "paling lama 1 hari kerja" not in page


def test_english_and_the_language_from_the_environment(audited: Store, tmp_path: Path, cli: CliRun) -> None:
    out = tmp_path / "en.pdf"
    assert cli("--lang", "en", "print", "KPU-NTB-SOP-01", "-o", str(out)).exit_code == 0
    identity = flat(out, 1)
    assert "Date made 5 January 2026" in identity and "Revision 1" in identity and "Nomor SOP" not in identity
    # A real process, the language from $SOP_LANG.
    html = tmp_path / "en.html"
    env = {**os.environ, "SOP_LANG": "en"}
    done = subprocess.run(
        [SOP, "--store", str(audited.path), "print", "KPU-NTB-SOP-02", "-o", str(html)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "<th>Date made</th>" in html.read_text(encoding="utf-8") and done.stderr == ""


def test_bad_requests_write_nothing(audited: Store, tmp_path: Path, cli: CliRun) -> None:
    for args, message in (
        (["KPU-NTB-SOP-01", "-o", str(tmp_path / "x.docx")], "name the output FILE.pdf or FILE.html"),
        (["KPU-NTB-SOP-99", "-o", str(tmp_path / "x.pdf")], "KPU-NTB-SOP-99"),
        (["KPU-NTB-SOP-01", "--version", "9", "-o", str(tmp_path / "x.pdf")], "has no version 9"),
        (["KPU-NTB-SOP-01", "-o", str(tmp_path / "missing" / "x.pdf")], "does not exist"),
    ):
        r = cli("print", *args)
        assert r.exit_code == 1, (args, r.output)
        assert r.output.startswith("error: ") and r.output.count("\n") == 1 and message in r.output, r.output
    r = cli("--lang", "fr", "print", "KPU-NTB-SOP-01", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 2 and "'fr' is not one of" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no file made, not even a partial one
