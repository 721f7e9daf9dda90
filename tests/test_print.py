"""`sop print`: one SOP in the SOP AP layout as self-contained, escaped HTML."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import ACTOR, CliRun, chromium, needs_chromium, write_sop

from soplib import Approver, SopVersion, Store, VersionRecord, load
from soplib.demo_data import sop_files as demo_files
from soplib.outputs.html import esc
from soplib.outputs.printout import render_html

GOLDEN = Path(__file__).parent / "golden"

HOSTILE = """\
---
id: EVIL-01
title: "<script>alert('t')</script> Judul"
number: "1<img src=x onerror=alert(1)>"
unit: "<b onmouseover=alert(2)>Unit</b>"
legal_basis:
  - "[klik](javascript:alert(3))"
  - "<a href='JavaScript:alert(4)'>x</a>"
warnings: ["<svg/onload=alert(5)>"]
---
# <script>alert(6)</script>

1. Petugas <script src="https://evil.example/x.js"></script> memeriksa.
2. <img src=x onerror = "alert(7)"> [tautan](javascript:alert(8))

# Tabel

| No | Kegiatan <i onclick=alert(9)> |
|---|---|
| 1 | <iframe src="javascript:alert(10)"></iframe> |
"""


SIGNER = Approver("196805121994031007", "Drs. H. Lalu Ahmad, M.Si.", "Sekretaris", "Sekretariat")


def fixed_version(path: Path, *, version: int = 2) -> SopVersion:
    doc = load(path)
    record = VersionRecord(
        sop=doc.id,
        version=version,
        blob="0" * 40,
        created=datetime(2026, 3, 1, 9, tzinfo=UTC),
        by=ACTOR,
        action="approve",
        message="",
        meta={"effective_date": "2026-03-15", "approver": SIGNER.to_json()},
    )
    return SopVersion(
        id=doc.id,
        version=version,
        status="current",
        record=record,
        commit="0123456789abcdef0123456789abcdef01234567",
        document=doc,
    )


@pytest.mark.parametrize("name", ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02"])
def test_golden(name: str) -> None:
    path = next(p for p in demo_files() if p.stem == name)
    version = fixed_version(path)
    page = render_html(version, created="2024-01-10T08:00:00Z", signer=version.approver)
    golden = GOLDEN / f"print-{name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_table_keeps_its_columns_and_list_becomes_numbered_rows() -> None:
    by_name = {p.stem: p for p in demo_files()}
    table = render_html(fixed_version(by_name["KPU-NTB-SOP-02"]), created="2024-01-10")
    assert "<th>Kegiatan</th><th>Pelaksana</th><th>Waktu</th><th>Output</th>" in table
    assert "<tr><td>5</td><td>Mendistribusikan" in table and "<tr><td>6</td>" not in table
    listing = render_html(fixed_version(by_name["KPU-NTB-SOP-01"]), created="2024-01-10")
    assert "<th>No</th><th>Uraian Kegiatan</th>" in listing
    assert '<td class="no">8</td>' in listing and '<td class="no">9</td>' not in listing
    assert "<h2>Tujuan</h2>" in listing and "<p>Memberikan layanan" in listing
    for label in (
        "Nomor SOP",
        "Tanggal Pembuatan",
        "Tanggal Revisi",
        "Tanggal Efektif",
        "Disahkan oleh",
        "Nama SOP",
        "Dasar Hukum",
        "Keterkaitan",
        "Kualifikasi Pelaksana",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
    ):
        assert f">{label}<" in listing


def assert_inert(page: str) -> None:
    lowered = page.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered
    assert re.search(r"\bon[a-z]+\s*=", lowered) is None
    assert "<img" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
    assert "http://" not in lowered and "https://" not in lowered.replace("https&#58;", "")


def test_hostile_document_is_escaped(store: Store, tmp_path: Path, cli: CliRun) -> None:
    store.sops.add([write_sop(tmp_path, "EVIL-01", body=HOSTILE)], by=ACTOR)
    out = tmp_path / "evil.html"
    r = cli("print", "EVIL-01", "-o", str(out))
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page.replace("https://evil.example", ""))
    assert "evil.example" in page  # the text is kept, only made inert
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; Judul" in page


def test_esc_breaks_up_handlers_and_schemes() -> None:
    assert esc('<a onclick="x">') == "&lt;a onclick&#61;&quot;x&quot;&gt;"
    assert esc("JavaScript :alert(1)") == "JavaScript &#58;alert(1)"
    assert esc("Pukul 10:00, data: lengkap") == "Pukul 10:00, data: lengkap"
    assert esc("data:text/html,x") == "data&#58;text/html,x"


def test_cli_print_versions(demo_store: Store, tmp_path: Path, cli: CliRun) -> None:
    text = (
        demo_store.sops.text("KPU-NTB-SOP-04")
        .decode()
        .replace("ketersediaan barang", "ketersediaan dan kondisi barang")
    )
    demo_store.sops.update(text, by=ACTOR, message="kondisi", base=1, effective=date(2027, 1, 1))
    out = tmp_path / "v1.html"
    assert cli("print", "KPU-NTB-SOP-04", "--version", "1", "-o", str(out)).exit_code == 0
    v1 = out.read_text()
    assert "ketersediaan barang" in v1 and "Tanggal Revisi</th><td>-</td>" in v1
    r = cli("print", "KPU-NTB-SOP-04", "-o", str(out))  # an existing file is kept without --force
    assert r.exit_code == 1 and "--force" in r.output and out.read_text() == v1
    assert cli("print", "KPU-NTB-SOP-04", "-o", str(out), "--force").exit_code == 0
    v2 = out.read_text()
    assert "kondisi barang" in v2 and "(revisi ke-1)" in v2 and "2027-01-01" in v2
    assert f"commit {demo_store.sops.commit_of('KPU-NTB-SOP-04', 2)}" in v2
    r = cli("print", "KPU-NTB-SOP-04", "--version", "3", "-o", str(out))
    assert r.exit_code == 1 and "has no version 3" in r.output
    assert cli("print", "KPU-NTB-SOP-04").exit_code == 2


@needs_chromium
def test_print_in_a_real_browser(demo_store: Store, tmp_path: Path, cli: CliRun) -> None:
    page = tmp_path / "sop.html"
    assert cli("print", "KPU-NTB-SOP-02", "-o", str(page)).exit_code == 0
    pdf = tmp_path / "sop.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes and all(round(float(w)) == 595 and round(float(h)) == 842 for w, h in boxes)  # A4
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert dom.count("<td>Pengadministrasi Umum</td>") == 4


@needs_chromium
def test_hostile_page_has_no_elements_in_a_real_browser(store: Store, tmp_path: Path, cli: CliRun) -> None:
    store.sops.add([write_sop(tmp_path, "EVIL-01", body=HOSTILE)], by=ACTOR)
    page = tmp_path / "evil.html"
    assert cli("print", "EVIL-01", "-o", str(page)).exit_code == 0
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.lower()
    assert "<table" in dom
    for tag in ("<script", "<img", "<iframe", "<svg", "<a ", "<b ", "<i "):
        assert tag not in dom, tag


def test_registered_approver_and_withdrawn_sop(store: Store, tmp_path: Path, cli: CliRun) -> None:
    nip = "197001011995031001"
    store.staff.import_csv(f"id,name,unit,position\n{nip},Lalu Ahmad,Sekretariat,Ketua\n".encode(), by=ACTOR)
    store.sops.add([write_sop(tmp_path, "KPU-01"), write_sop(tmp_path, "KPU-02")], by=ACTOR)
    session = store.reviews.start(["KPU-01", "KPU-02"], team={ACTOR: "chair"}, ref="BA 1", by=ACTOR)
    session.keep_rest("KPU-01", by=ACTOR)
    session.remove("KPU-01", "prosedur/3", by=ACTOR, reason="tidak perlu")
    session.outcome("KPU-01", "revise", by=ACTOR)
    session.outcome("KPU-02", "withdraw", by=ACTOR, reason="digabung")
    session.approve(by=nip)
    page = tmp_path / "p.html"
    assert cli("print", "KPU-01", "-o", str(page)).exit_code == 0
    text = page.read_text()
    assert f"Ketua, Lalu Ahmad, NIP {nip}" in text and f"NIP {nip}</p>" in text
    assert "DICABUT" not in text
    assert cli("print", "KPU-02", "-o", str(page), "--force").exit_code == 0
    text = page.read_text()
    assert "SOP INI TELAH DICABUT (withdrawn)" in text and "digabung" in text
    assert "NIP" not in text  # KPU-02 v1 was recorded by ACTOR, not by a registered approver
