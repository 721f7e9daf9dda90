"""`sop print ... -o FILE.html`: the SOP AP print as a page, escaped, through the CLI and in a real browser.

(The print's layout is checked in test_print_html.py and test_print_pdf.py; the store's
history on it in test_print_cli.py. These are the checks of the first, HTML-only print,
kept for the new one: escaping through the CLI, ``esc``, versions, a real browser.)
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from conftest import ACTOR, CliRun, chromium, needs_chromium, write_sop
from pdf_check import page_sizes

from soplib import Store
from soplib.outputs.html import esc

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


def assert_inert(page: str) -> None:
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    assert "javascript:" not in lowered
    assert re.search(r"\bon[a-z]+\s*=", lowered) is None
    assert "http://" not in lowered and "https://" not in lowered.replace("https&#58;", "")
    # The only drawings are the print's own flowchart symbols.
    for svg in re.findall(r"<svg[^>]*>", page):
        assert 'class="fc"' in svg, svg


def test_hostile_document_is_escaped(store: Store, tmp_path: Path, cli: CliRun) -> None:
    store.sops.add([write_sop(tmp_path, "EVIL-01", body=HOSTILE)], by=ACTOR)
    out = tmp_path / "evil.html"
    r = cli("print", "EVIL-01", "-o", str(out))
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert_inert(page.replace("https://evil.example", ""))
    assert "evil.example" in page  # the text is kept, only made inert
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt; Judul" in page
    assert "javascript&#58;alert(8)" in page and "onerror &#61; &quot;alert(7)&quot;" in page


def test_esc_breaks_up_handlers_and_schemes() -> None:
    assert esc('<a onclick="x">') == "&lt;a onclick&#61;&quot;x&quot;&gt;"
    assert esc("JavaScript :alert(1)") == "JavaScript &#58;alert(1)"
    assert esc("Pukul 10:00, data: lengkap") == "Pukul 10:00, data: lengkap"
    assert esc("data:text/html,x") == "data&#58;text/html,x"
    assert esc("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror&#61;alert(1)&gt;"
    assert esc(None) == "" and esc(3) == "3"


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
    # Declared on import: revised twice before soplib, effective 1 February 2024.
    assert "ketersediaan barang" in v1 and "Revisi ke-2" in v1 and "1 Februari 2024" in v1
    r = cli("print", "KPU-NTB-SOP-04", "-o", str(out))  # an existing file is kept without --force
    assert r.exit_code == 1 and "--force" in r.output and out.read_text() == v1
    assert cli("print", "KPU-NTB-SOP-04", "-o", str(out), "--force").exit_code == 0
    v2 = out.read_text()
    assert "kondisi barang" in v2 and "Revisi ke-3" in v2 and "1 Januari 2027" in v2
    assert f"commit {demo_store.sops.commit_of('KPU-NTB-SOP-04', 2)}" in v2
    r = cli("print", "KPU-NTB-SOP-04", "--version", "3", "-o", str(out))
    assert r.exit_code == 1 and "has no version 3" in r.output
    assert cli("print", "KPU-NTB-SOP-04").exit_code == 2  # -o is required


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
    # The ratification block: position, space to sign, name, NIP (frozen at approval).
    assert (
        '<p>Ketua</p><div class="space"></div><p class="name">Lalu Ahmad</p><p>NIP 197001011995031001</p>'
        in text
    )
    assert "DICABUT" not in text
    assert cli("print", "KPU-02", "-o", str(page), "--force").exit_code == 0
    text = page.read_text()
    assert "SOP INI TELAH DICABUT pada" in text and "Alasan: digabung" in text
    assert "NIP" not in text and "belum disahkan" in text  # KPU-02 v1 was recorded, never ratified


@needs_chromium
def test_print_in_a_real_browser(demo_store: Store, tmp_path: Path, cli: CliRun) -> None:
    page = tmp_path / "sop.html"
    assert cli("print", "KPU-NTB-SOP-02", "-o", str(page)).exit_code == 0
    pdf = tmp_path / "sop.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    sizes = [(round(w), round(h)) for w, h in page_sizes(pdf)]
    assert sizes[0] == (210, 297) and sizes[1:] and set(sizes[1:]) == {(297, 210)}  # A4: identity, procedure
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert dom.count("Pengadministrasi Umum") >= 1 and "Mutu Baku" in dom


@needs_chromium
def test_hostile_page_has_no_elements_in_a_real_browser(store: Store, tmp_path: Path, cli: CliRun) -> None:
    store.sops.add([write_sop(tmp_path, "EVIL-01", body=HOSTILE)], by=ACTOR)
    page = tmp_path / "evil.html"
    assert cli("print", "EVIL-01", "-o", str(page)).exit_code == 0
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.lower()
    assert "<table" in dom and "&lt;script&gt;" in dom
    for tag in ("<script", "<img", "<iframe", "<a ", "<b ", "<i "):
        assert tag not in dom, tag
    assert all('class="fc"' in svg for svg in re.findall(r"<svg[^>]*>", dom))  # only the flowchart draws
