"""`sop audit pack`: the evidence zip, deterministic, with a manifest of SHA-256 hashes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

from conftest import ACTOR, ANI, BUDI, CITRA, CliRun, Clock
from pdf_check import text

from soplib import Store, parse
from soplib.outputs.pack import ZIP_TIME

GOLDEN = Path(__file__).parent / "golden"
SOP = str(Path(sys.executable).parent / "sop")
SESSION = "sessions/R-20260310-0A1B"
BRIEFING = "briefings/B-20260203-0A1B"
APRIL_10 = date(2026, 4, 10)


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_golden_manifest(audited: Store) -> None:
    files = entries(audited.audit.pack(as_of=APRIL_10))
    manifest = files["manifest.json"].decode()
    golden = GOLDEN / "pack-2026-04-10-manifest.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(manifest, encoding="utf-8")
    assert manifest == golden.read_text(encoding="utf-8")


def test_manifest_matches_every_file(audited: Store) -> None:
    data = audited.audit.pack(as_of=APRIL_10)
    files = entries(data)
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.sha256"}
    for path, digest in listed.items():
        assert hashlib.sha256(files[path]).hexdigest() == digest, path
    lines = files["manifest.sha256"].decode().splitlines()
    assert lines == [f"{d}  {p}" for p, d in listed.items()]
    assert manifest["store_head"] == manifest["as_of"]["commit"]
    assert manifest["store_head"] in files["README.txt"].decode()


def test_contents(audited: Store) -> None:
    files = entries(audited.audit.pack(as_of=APRIL_10))
    sop = f"{SESSION}/KPU-NTB-SOP-01"
    for stem in (
        f"{sop}/sop-awal-v1",
        f"{sop}/sop-perbaikan-v2",
    ):  # the SOP AP print, PDF and HTML, and the text
        assert {f"{stem}.md", f"{stem}.pdf", f"{stem}.html"} <= set(files), stem
        assert files[f"{stem}.pdf"].startswith(b"%PDF-")
    assert b"paling lama 1 hari kerja" in files[f"{sop}/sop-perbaikan-v2.md"]
    assert b"paling lama 1 hari kerja" not in files[f"{sop}/sop-awal-v1.md"]
    assert (
        b"<ins>" in files[f"{sop}/redline.html"] and b"Revisi ke-1" in files[f"{sop}/sop-perbaikan-v2.html"]
    )
    # Kept and withdrawn SOPs: only the original; the withdrawn one is marked dicabut.
    assert f"{SESSION}/KPU-NTB-SOP-02/sop-awal-v1.pdf" in files
    assert not any(p.startswith(f"{SESSION}/KPU-NTB-SOP-02/sop-perbaikan") for p in files)
    assert b"SOP INI TELAH DICABUT" in files[f"{SESSION}/KPU-NTB-SOP-03/sop-awal-v1.html"]
    sheet = list(csv.DictReader(io.StringIO(files[f"{SESSION}/kertas-kerja-evaluasi.csv"].decode())))
    assert [r["sop"] for r in sheet] == ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"]
    assert sheet[0]["mudah dilaksanakan"] == "Tidak" and sheet[0]["mudah dipahami"] == "Ya"
    assert sheet[0]["outcome"] == "revise" and sheet[2]["reason"] == "diganti SOP nasional"
    record = json.loads(files[f"{SESSION}/session.json"])
    assert record["ref"] == "BA 12/2026" and [m["id"] for m in record["team"]] == [
        "ani.pratiwi",
        "baiq.nurul",
    ]
    assert any(e.get("action") == "replace" for e in record["log"])
    # The documents as PDF: minutes, worksheet, attendance list, acknowledgements, the report.
    for path in (
        f"{SESSION}/notula.pdf",
        f"{SESSION}/kertas-kerja-evaluasi.pdf",
        f"{BRIEFING}/daftar-hadir.pdf",
        "acknowledgements/tanda-terima.pdf",
        "report/audit-report.pdf",
    ):
        assert files[path].startswith(b"%PDF-"), path  # fmt: skip
    hadir = list(csv.DictReader(io.StringIO(files[f"{BRIEFING}/daftar-hadir.csv"].decode())))
    assert [r["nip_or_id"] for r in hadir] == [ANI, BUDI]
    assert "KPU-NTB-SOP-01 v1" in hadir[0]["sops_acknowledged"]
    assert {"coverage/per-sop.csv", "coverage/per-unit.csv", "coverage/outstanding.csv"} <= set(files)
    assert files["report/audit-report.json"].startswith(b"{")


def test_people_who_acknowledged_individually_are_named(audited: Store, tmp_path: Path) -> None:
    files = entries(audited.audit.pack(as_of=date(2026, 5, 1)))
    rows = list(csv.DictReader(io.StringIO(files["acknowledgements/tanda-terima.csv"].decode())))
    individual = {(r["sop"], r["name"]) for r in rows if r["how"] == "individual"}
    assert individual == {("KPU-NTB-SOP-01", "Citra Dewi"), ("KPU-NTB-SOP-04", "Dedi Kurniawan")}
    briefed = {(r["sop"], r["version"], r["name"], r["briefing"]) for r in rows if r["how"] == "briefing"}
    assert briefed == {
        ("KPU-NTB-SOP-02", "1", name, "B-20260203-0A1B") for name in ("Ani Pratiwi", "Budi Santoso")
    }
    pdf = tmp_path / "tanda-terima.pdf"
    pdf.write_bytes(files["acknowledgements/tanda-terima.pdf"])
    flat = " ".join(text(pdf).split())
    for phrase in (
        "Citra Dewi",
        CITRA,
        "Dedi Kurniawan",
        "perorangan",
        "5 April 2026",
        "Melalui sosialisasi",
    ):
        assert phrase in flat, phrase


def test_index_page_lists_every_document(audited: Store) -> None:
    files = entries(audited.audit.pack(as_of=APRIL_10))
    page = files["index.html"].decode()
    links = set(re.findall(r'<a href="([^"]+)">', page))
    documents = set(files) - {"index.html", "README.txt", "manifest.json", "manifest.sha256"}
    assert links == documents  # every document linked, and nothing else
    for heading in (
        "Paket Bukti SOP",
        "Laporan audit",
        "Sosialisasi dan daftar hadirnya",
        "Notula",
        "Kertas kerja evaluasi",
        "Memeriksa paket ini",
        "sha256sum -c manifest.sha256",
    ):
        assert heading in page, heading  # fmt: skip
    readme = files["README.txt"].decode()
    assert readme.startswith("Paket bukti SOP (soplib)") and "Buka index.html" in readme
    english = entries(audited.audit.pack(as_of=APRIL_10, language="en"))
    assert b"SOP evidence pack" in english["index.html"] and english["README.txt"].startswith(
        b"SOP evidence pack"
    )
    assert set(english) == set(files)  # the same paths in every language


def test_a_proposal_in_an_open_session_is_printed(audited: Store, clock: Clock) -> None:
    clock.at("2026-05-10")
    session = audited.reviews.start(["KPU-NTB-SOP-02"], team={ACTOR: "chair"}, ref="SK 7/2026", by=ACTOR)
    proposal = (
        "---\nid: KPU-NTB-SOP-09\ntitle: Arsip Inaktif\n---\n# Prosedur\n\n1. Arsiparis menerima arsip.\n"
    )
    session.propose(parse(proposal), by=ACTOR, reason="belum ada")
    files = entries(audited.audit.pack(as_of=date(2026, 5, 10)))
    stem = f"sessions/{session.id}/KPU-NTB-SOP-09/sop-usulan"
    assert files[f"{stem}.md"].decode() == proposal and files[f"{stem}.pdf"].startswith(b"%PDF-")
    assert b"belum disahkan" in files[f"{stem}.html"] and b"Arsip Inaktif" in files[f"{stem}.html"]


def test_as_of_before_the_session(audited: Store) -> None:
    files = entries(audited.audit.pack(as_of=date(2026, 3, 1)))
    assert not any(p.startswith("sessions/") for p in files)
    assert f"{BRIEFING}/daftar-hadir.csv" in files
    assert not any(p.startswith("briefings/") for p in entries(audited.audit.pack(as_of=date(2026, 2, 2))))


def test_deterministic_zip(audited: Store, clock: Clock, tmp_path: Path) -> None:
    first = audited.audit.pack(as_of=APRIL_10)
    assert audited.audit.pack(as_of=APRIL_10) == first
    # Later records change nothing in a pack of an earlier day; the PDFs carry no clock time.
    clock.at("2026-06-01")
    audited.acks.record(ANI, "KPU-NTB-SOP-01", by=ACTOR)
    assert audited.audit.pack(as_of=APRIL_10) == first
    # Another process, another hash seed: the same bytes.
    out = tmp_path / "again.zip"
    done = subprocess.run(
        [SOP, "--store", str(audited.path), "audit", "pack", "--as-of", "2026-04-10", "-o", str(out)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONHASHSEED": "4242"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {ZIP_TIME}


def test_cli_pack(audited: Store, cli: CliRun, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "bukti.zip"
    r = cli("audit", "pack", "--as-of", "2026-04-10", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert [p.name for p in out_dir.iterdir()] == ["bukti.zip"]
    assert out.read_bytes() == audited.audit.pack(as_of=APRIL_10)
    before = out.read_bytes()
    r = cli("audit", "pack", "-o", str(out))
    assert r.exit_code == 1 and "already exists" in r.output and out.read_bytes() == before
    r = cli("audit", "pack", "-o", str(out), "--force")
    assert r.exit_code == 0 and out.read_bytes() != before
    r = cli("audit", "pack", "-o", str(out_dir / "bukti.txt"))
    assert r.exit_code == 2 and "ending in .zip" in r.output  # a wrong kind of name: a usage error
    r = cli("audit", "pack", "-o", str(out_dir / "nope" / "b.zip"))
    assert r.exit_code == 1 and "does not exist" in r.output
    assert sorted(p.name for p in out_dir.iterdir()) == ["bukti.zip"]
