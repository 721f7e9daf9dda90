"""`sop audit report`: register, sessions, grade, coverage, outstanding and overdue, as of a date."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import ACTOR, ANI, BUDI, CITRA, DEDI, HEAD, CliRun, chromium, needs_chromium, write_sop
from pdf_check import page_sizes, text

from soplib import Store, render_report
from soplib.outputs.report_render import CSV_COLUMNS

GOLDEN = Path(__file__).parent / "golden"
SESSION = "R-20260310-0A1B"


def test_as_of_before_the_session(audited: Store) -> None:
    r = audited.audit.report(as_of=date(2026, 3, 1))
    assert [(x.id, x.version, x.status) for x in r.register] == [
        ("KPU-NTB-SOP-01", 1, "in_force"),
        ("KPU-NTB-SOP-02", 1, "in_force"),
        ("KPU-NTB-SOP-03", 1, "in_force"),
        ("KPU-NTB-SOP-04", 1, "in_force"),
    ]
    assert r.sessions == () and r.grade.letter == "E" and r.grade.score == 0
    assert r.as_of is not None and r.head == r.as_of.commit
    cov = {s.id: (s.version, s.acknowledged, s.audience_size) for s in r.coverage.sops}
    # The briefing: Ani and Budi acknowledged SOP-01 (everyone: the four staff and the head of
    # office) and SOP-02 (their units: the head of office is in Ani's Sekretariat).
    assert cov["KPU-NTB-SOP-01"] == (1, 2, 5) and cov["KPU-NTB-SOP-02"] == (1, 2, 3)


def test_as_of_while_the_session_is_open(audited: Store) -> None:
    r = audited.audit.report(as_of=date(2026, 3, 15))
    assert [(s.id, s.status) for s in r.sessions] == [(SESSION, "open")]
    # SOP-01 has outcome revise (a revision proposal): evaluated and followed up; 02 and 03 only evaluated.
    assert r.grade.letter == "C" and set(r.grade.followed_up) == {"KPU-NTB-SOP-01"}
    assert len(r.grade.evaluated) == 3 and len(r.grade.main) == 4


def test_as_of_approved_but_not_yet_effective(audited: Store) -> None:
    r = audited.audit.report(as_of=date(2026, 3, 25))
    rows = {x.id: (x.version, x.status) for x in r.register}
    assert rows["KPU-NTB-SOP-01"] == (1, "in_force")  # v2 takes effect on 2026-04-01
    # The withdrawal, approved in the same session, takes effect on the same day.
    assert rows["KPU-NTB-SOP-03"] == (1, "in_force")
    assert r.grade.letter == "B" and r.grade.score == 0.75
    assert "3 of 4 main SOPs evaluated, 3 followed up" in r.grade.rule
    assert "KPU-NTB-SOP-03" in {s.id for s in r.coverage.sops}
    after = audited.audit.report(as_of=date(2026, 4, 1))
    assert {x.id: (x.version, x.status) for x in after.register}["KPU-NTB-SOP-03"] == (1, "withdrawn")
    assert "KPU-NTB-SOP-03" not in {s.id for s in after.coverage.sops}


def test_as_of_after_the_revision_took_effect(audited: Store) -> None:
    r = audited.audit.report(as_of=date(2026, 4, 10))
    row = next(x for x in r.register if x.id == "KPU-NTB-SOP-01")
    assert (row.version, row.status, row.effective_date, row.declared) == (
        2,
        "in_force",
        date(2026, 4, 1),
        False,
    )
    # The approver as the registry described them at approval, frozen into the version.
    assert row.approver is not None
    assert (row.approver.id, row.approver.name, row.approver.position) == (
        HEAD,
        "Drs. H. Lalu Ahmad, M.Si.",
        "Sekretaris",
    )
    sop1 = next(s for s in r.coverage.sops if s.id == "KPU-NTB-SOP-01")
    # Only Citra has acknowledged v2; the briefing's records were of v1 (a real revision).
    # Outstanding in (unit, name) order: the head of office shares Ani's unit.
    assert sop1.version == 2 and list(sop1.outstanding) == [ANI, HEAD, BUDI, DEDI]
    assert r.coverage.staff[ANI].name == "Ani Pratiwi"
    sop4 = next(s for s in r.coverage.sops if s.id == "KPU-NTB-SOP-04")
    assert sop4.acknowledged == 0  # Dedi's record is from 2026-05-01
    later = audited.audit.report(as_of=date(2026, 5, 1))
    assert next(s for s in later.coverage.sops if s.id == "KPU-NTB-SOP-04").acknowledged == 1
    outstanding = [o for o in r.outstanding() if o["sop"] == "KPU-NTB-SOP-01"]
    assert [(o["id"], o["name"]) for o in outstanding] == [
        (ANI, "Ani Pratiwi"),
        (HEAD, "Drs. H. Lalu Ahmad, M.Si."),
        (BUDI, "Budi Santoso"),
        (DEDI, "Dedi Kurniawan"),
    ]
    assert CITRA not in sop1.outstanding  # she acknowledged v2 on 2026-04-05


def test_kept_review_restarts_the_clock_and_overdue(audited: Store) -> None:
    r = audited.audit.report(today=date(2027, 2, 1))
    assert r.as_of is None and r.head == audited.head()
    rows = {x.id: x.next_review for x in r.register}
    # SOP-02 (12 months) kept on 2026-04-01; SOP-04 (24 months) from its effective date.
    assert rows["KPU-NTB-SOP-02"] == date(2027, 4, 1) and rows["KPU-NTB-SOP-04"] == date(2028, 1, 5)
    assert rows["KPU-NTB-SOP-03"] is None
    assert [d.id for d in r.overdue] == []
    r = audited.audit.report(today=date(2027, 4, 2))
    assert [d.id for d in r.overdue] == ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02"]
    # The grade's window is 12 months: the session of 2026-03-10 has dropped out.
    assert r.grade.letter == "E"


def test_coverage_as_of(audited: Store, cli: CliRun) -> None:
    old = audited.acks.coverage(as_of=date(2026, 3, 1))
    assert old.as_of is not None and {s.id: s.version for s in old.sops}["KPU-NTB-SOP-01"] == 1
    now = audited.acks.coverage(as_of=date(2026, 4, 10))
    assert "KPU-NTB-SOP-03" not in {s.id for s in now.sops}
    r = cli("coverage", "KPU-NTB-SOP-01", "--as-of", "2026-04-10", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["as_of"]["date"] == "2026-04-10" and data["sops"][0]["version"] == 2
    assert data["sops"][0]["acknowledged"] == 1
    r = cli("coverage", "--as-of", "2026-02-03")
    # Piped, the table is tab-separated: SOP-01 v1 then, 5 people, Ani and Budi acknowledged (briefing).
    assert r.exit_code == 0 and "KPU-NTB-SOP-01\tv1\t5\t2\t3\t40.0%" in r.output, r.output
    r = cli("coverage", "KPU-NTB-SOP-03", "--as-of", "2026-04-10")
    assert r.exit_code == 1 and "no version in force on 2026-04-10" in r.output
    assert cli("coverage", "--as-of", "2026-13-01").exit_code == 2  # a malformed date is a usage error


@pytest.mark.parametrize(
    ("fmt", "lang"), [("md", "id"), ("md", "en"), ("json", "id"), ("csv", "id"), ("html", "id")]
)
def test_golden(audited: Store, fmt: str, lang: str) -> None:
    text = render_report(audited.audit.report(as_of=date(2026, 4, 10)), fmt, language=lang)
    golden = GOLDEN / (f"report-2026-04-10.{fmt}" if lang == "id" else f"report-2026-04-10.{lang}.{fmt}")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_json_and_csv_stay_stable_identifiers(audited: Store) -> None:
    report = audited.audit.report(as_of=date(2026, 4, 10))
    for fmt in ("json", "csv"):
        assert render_report(report, fmt, language="id") == render_report(report, fmt, language="en")
    data = json.loads(render_report(report, "json", language="id"))
    assert {r["status"] for r in data["register"]} == {"in_force", "withdrawn"}
    assert data["sessions"][0]["outcomes"]["KPU-NTB-SOP-01"] == "revise"
    assert data["time_zone"] == "UTC" and data["sessions"][0]["closed_by_name"] == "Drs. H. Lalu Ahmad, M.Si."


def test_markdown_is_translated(audited: Store) -> None:
    report = audited.audit.report(as_of=date(2026, 4, 10))
    md = render_report(report, "md", language="id")
    assert md.startswith("# Laporan Audit SOP\n")
    for phrase in (
        "**Tanggal laporan**: 10 April 2026",
        "| berlaku |",
        "| dicabut |",
        "KPU-NTB-SOP-01: direvisi",
        "KPU-NTB-SOP-02: tetap",
        "Drs. H. Lalu Ahmad, M.Si., Sekretaris, NIP 196805121994031007",
        "ani.pratiwi (ketua)",
        "## Pegawai yang belum menyatakan memahami SOP",
        "| Ani Pratiwi |",
    ):
        assert phrase in md, phrase  # fmt: skip
    for raw in ("in_force", "| revise", "outcomes: revise", "2026-04-01"):
        assert raw not in md, raw
    en = render_report(report, "md", language="en")
    assert en.startswith("# SOP audit report\n") and "| in force |" in en and "1 April 2026" in en


def test_csv_is_the_register(audited: Store) -> None:
    report = audited.audit.report(as_of=date(2026, 4, 10))
    rows = list(csv.DictReader(io.StringIO(render_report(report, "csv"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["id"] for r in rows] == [f"KPU-NTB-SOP-0{n}" for n in range(1, 5)]
    assert rows[0]["evaluated"] == "yes" and rows[3]["evaluated"] == "no"


def test_html_is_self_contained(audited: Store) -> None:
    page = render_report(audited.audit.report(as_of=date(2026, 4, 10)), "html")
    assert page.count("<svg") == 2 and "<rect" in page
    assert not re.search(r"(?i)<script|\bon[a-z]+\s*=|javascript:|https?://|<link|@import", page)


HOSTILE = """\
---
id: EVIL-01
title: "<script>alert(1)</script> Judul"
unit: "<img src=x onerror=alert(2)>"
---
# Prosedur

1. Langkah [x](javascript:alert(3)).
"""


def test_hostile_text_is_escaped(store: Store, tmp_path: Path, cli: CliRun) -> None:
    store.sops.add([write_sop(tmp_path, "EVIL-01", body=HOSTILE)], by=ACTOR)
    store.staff.import_csv(
        b'id,name,unit,position\nX1,"<b onmouseover=alert(4)>",<svg onload=alert(5)>,p\n', by=ACTOR
    )
    out = tmp_path / "r.html"
    r = cli("audit", "report", "-o", str(out))
    assert r.exit_code == 0, r.output
    page = out.read_text()
    lowered = page.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert not re.search(r"\bon[a-z]+\s*=", lowered)
    assert "&lt;script&gt;" in page and page.count("<svg") == 2


def test_cli_report(audited: Store, cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    r = cli("audit", "report", "--as-of", "2026-04-10", "--format", "json", "-o", str(out))
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text())
    assert data["grade"]["letter"] == "B" and data["head"] in r.output
    assert data["head"] == data["as_of"]["commit"]
    r = cli("audit", "report", "--as-of", "2026-04-10", "--format", "json", "-o", str(out))
    assert r.exit_code == 1 and "already exists" in r.output and "--force" in r.output
    r = cli("audit", "report", "--format", "md", "-o", str(out), "--force")
    assert r.exit_code == 0 and out.read_text().startswith(
        "# Laporan Audit SOP"
    )  # the documents' default: id
    r = cli("--lang", "en", "audit", "report", "-o", str(tmp_path / "r.md"))
    assert r.exit_code == 0 and (tmp_path / "r.md").read_text().startswith("# SOP audit report")
    r = cli("audit", "report", "-o", str(tmp_path / "missing" / "r.html"))
    assert r.exit_code == 1 and "does not exist" in r.output
    assert cli("audit", "report", "--format", "docx", "-o", str(out)).exit_code == 2
    # The head printed on a report can be checked later.
    assert cli("audit", "verify", "--head", data["head"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.md", "store"]


def test_cli_report_as_pdf(audited: Store, cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "laporan.pdf"
    r = cli("audit", "report", "--as-of", "2026-04-10", "-o", str(out))
    assert r.exit_code == 0, r.output
    sizes = page_sizes(out)
    assert (
        sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1]
    )  # the summary portrait, the register landscape
    first = " ".join(text(out, 1).split())
    for phrase in (
        "LAPORAN AUDIT SOP",
        "Nilai B",
        "Tanggal laporan : 10 April 2026",
        "Cakupan internalisasi per SOP",
    ):
        assert phrase in first, phrase  # fmt: skip
    wide = " ".join(text(out, 2).split())
    assert "Daftar SOP" in wide and "berlaku" in wide and "Sesi evaluasi" in wide
    again = tmp_path / "again.pdf"
    assert cli("audit", "report", "--as-of", "2026-04-10", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()  # the same record, the same bytes


@needs_chromium
def test_report_in_a_real_browser(audited: Store, tmp_path: Path, cli: CliRun) -> None:
    page = tmp_path / "report.html"
    assert cli("audit", "report", "--as-of", "2026-04-10", "-o", str(page)).exit_code == 0
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert "<h1>Laporan Audit SOP</h1>" in dom and "Nilai B" in dom
    assert dom.count("<svg") == 2 and dom.count('<section class="sheet') == 3
    assert "<td>Ani Pratiwi</td>" in dom and "<rect" in dom
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    sizes = page_sizes(pdf)  # A4: the summary portrait, the wide tables landscape, as WeasyPrint prints them
    assert (round(sizes[0][0]), round(sizes[0][1])) == (210, 297) and (297, 210) in {
        (round(w), round(h)) for w, h in sizes
    }
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,2400", page.as_uri())
    assert shot.read_bytes().startswith(b"\x89PNG")


@needs_chromium
def test_hostile_report_has_no_elements_in_a_real_browser(store: Store, tmp_path: Path, cli: CliRun) -> None:
    store.sops.add([write_sop(tmp_path, "EVIL-01", body=HOSTILE)], by=ACTOR)
    page = tmp_path / "r.html"
    assert cli("audit", "report", "-o", str(page)).exit_code == 0
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout.lower()
    assert "<table" in dom and "&lt;script&gt;" in dom
    for tag in ("<script", "<img", "<a "):
        assert tag not in dom, tag


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a bigger store (20 SOPs, 58 staff, ~1,000 acknowledgements outstanding) as a PDF."""
    from evidence_samples import build

    from soplib.outputs.from_store import office_profile
    from soplib.outputs.report_render import render_report_bytes

    folder = tmp_path_factory.mktemp("long-report")
    store = build(folder / "store")
    pdf = folder / "laporan.pdf"
    pdf.write_bytes(
        render_report_bytes(store.audit.report(today=date(2026, 6, 1)), "pdf", office=office_profile(store))
    )
    store.close()
    return pdf


def test_long_tables_continue_with_their_header(long_report: Path) -> None:
    from pdf_check import words

    sizes = page_sizes(long_report)
    last_wide = max(n for n, (w, h) in enumerate(sizes, 1) if w > h)
    assert len(sizes) > 10 and last_wide < len(sizes)
    continued = set()
    for number, (w, h) in enumerate(sizes, 1):
        found = words(long_report, number)
        rows = sorted(
            (x for x in found if re.fullmatch(r"\d+", x.text) and x.x0 < 25 and x.y0 > 25), key=lambda x: x.y0
        )
        if number == 1 or not rows:
            continue
        if w > h:
            labels, table = ("No", "SOP", "Status", "Disahkan"), "register"
        elif number > last_wide:
            labels, table = ("No", "Nama", "NIP", "Jabatan"), "outstanding"
        else:
            labels, table = ("No", "SOP", "Sasaran", "Cakupan"), "coverage"
        for label in labels:  # the header row, above the page's first row
            assert any(x.text == label and x.y1 <= rows[0].y0 for x in found), (number, label)
        continued.add(table)
    assert continued == {"register", "outstanding", "coverage"}  # each continued on another page


def test_long_report_fits_its_pages_and_names_people(long_report: Path) -> None:
    from evidence_samples import EVIL_NAME
    from pdf_check import PageImage

    for number, (w, h) in enumerate(page_sizes(long_report), 1):
        box = PageImage(long_report, number).ink_box()
        margin = 10.0 if w > h else 15.0
        assert box is not None and box[0] >= margin - 0.5 and box[2] <= w - margin + 0.5, (number, box)
    everything = " ".join(text(long_report).split())
    assert "KOMISI PEMILIHAN UMUM PROVINSI NUSA TENGGARA BARAT" in everything
    assert EVIL_NAME in everything  # a hostile name is printed as text
    raw = subprocess.run(
        ["pdftotext", "-raw", str(long_report), "-"], capture_output=True, text=True, timeout=60
    )
    flat = " ".join(raw.stdout.split())  # in writing order: a cell's lines together
    assert "Lalu Wira Kusuma, Kepala Subbagian Program (ketua)" in flat  # the team: name, position, role
    assert "Drs. H. Lalu Ahmad, M.Si., Sekretaris, NIP 196805121994031007" in flat  # who ratified
