"""The evidence commands end to end: `sop review minutes|worksheet`, `sop briefing attendance`,
`sop audit acks`.

A real store with a year of history (the `audited` fixture), the real CLI in-process and
as a real process; every file read back (pdftotext, CSV).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ANI, BUDI, CITRA, HEAD, CliRun
from pdf_check import page_sizes, text

from soplib import Store

SESSION = "R-20260310-0A1B"
BRIEFING = "B-20260203-0A1B"
SOP = str(Path(sys.executable).parent / "sop")


def flat(pdf: Path) -> str:
    return " ".join(text(pdf).split())


COMMANDS = [
    (
        ["review", "minutes", SESSION],
        ["NOTULA RAPAT", "BA 12/2026", "Drs. H. Lalu Ahmad, M.Si.", f"NIP {HEAD}"],
    ),
    (["review", "worksheet", SESSION], ["KERTAS KERJA EVALUASI SOP", "dilaksanakan", "Tidak", "Ya"]),
    (
        ["briefing", "attendance", BRIEFING],
        ["DAFTAR HADIR", "Ani Pratiwi", ANI, "Budi Santoso", "Tanda tangan"],
    ),
    (["audit", "acks", "KPU-NTB-SOP-01"], ["Citra Dewi", CITRA, "perorangan", "5 April 2026", "Belum"]),
]


@pytest.mark.parametrize(("args", "phrases"), COMMANDS)
def test_each_command_writes_its_pdf(
    audited: Store, cli: CliRun, tmp_path: Path, args: list[str], phrases: list[str]
) -> None:
    out = tmp_path / "doc.pdf"
    r = cli(*args, "-o", str(out))
    assert r.exit_code == 0, r.output
    assert r.output == f"wrote {out}\n" and out.read_bytes().startswith(b"%PDF-")
    assert page_sizes(out)
    everything = flat(out)
    for phrase in phrases:
        assert phrase in everything, phrase
    r = cli(*args, "-o", str(out))  # never over an existing file without --force
    assert r.exit_code == 1 and "already exists" in r.output and "--force" in r.output
    assert cli(*args, "-o", str(out), "--force").exit_code == 0


def test_the_language_of_the_documents(audited: Store, cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "minutes.pdf"
    assert cli("--lang", "en", "review", "minutes", SESSION, "-o", str(out)).exit_code == 0
    assert "MINUTES OF THE SOP REVIEW SESSION" in flat(out) and "NOTULA" not in flat(out)
    # A real process, the language from $SOP_LANG.
    html = tmp_path / "hadir.html"
    done = subprocess.run(
        [SOP, "--store", str(audited.path), "briefing", "attendance", BRIEFING, "-o", str(html)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "SOP_LANG": "en"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = html.read_text(encoding="utf-8")
    assert "<h1>Attendance list</h1>" in page and "<th>Signature</th>" in page and done.stderr == ""


def test_acknowledgements_as_csv(audited: Store, cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "acks.csv"
    assert cli("audit", "acks", "KPU-NTB-SOP-02", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["id"], r["name"], r["how"], r["briefing"], r["date"]) for r in rows] == [
        (ANI, "Ani Pratiwi", "briefing", BRIEFING, "2026-02-03"),
        (BUDI, "Budi Santoso", "briefing", BRIEFING, "2026-02-03"),
    ]
    # An older version: its own records, and no audience (it is not the version in force).
    old = tmp_path / "v1.pdf"
    assert cli("audit", "acks", "KPU-NTB-SOP-01", "--version", "1", "-o", str(old)).exit_code == 0
    assert "KPU-NTB-SOP-01 versi 1" in flat(old) and "Belum menyatakan" not in flat(old)


def test_bad_requests_say_one_line_and_write_nothing(audited: Store, cli: CliRun, tmp_path: Path) -> None:
    for args, message in (
        (["review", "minutes", SESSION, "-o", str(tmp_path / "n.docx")], "FILE.pdf or FILE.html"),
        (["review", "worksheet", SESSION, "-o", str(tmp_path / "w.csv")], "FILE.pdf or FILE.html"),
        (["audit", "acks", "KPU-NTB-SOP-01", "-o", str(tmp_path / "a.txt")], "FILE.html or FILE.csv"),
        (["review", "minutes", "R-20260310-FFFF", "-o", str(tmp_path / "n.pdf")], "no review session"),
        (["review", "minutes", "../../etc", "-o", str(tmp_path / "n.pdf")], "invalid session id"),
        (["briefing", "attendance", "B-1/../x", "-o", str(tmp_path / "b.pdf")], "invalid briefing id"),
        (["briefing", "attendance", "B-20260203-FFFF", "-o", str(tmp_path / "b.pdf")], "no briefing"),
        (["audit", "acks", "KPU-NTB-SOP-99", "-o", str(tmp_path / "a.pdf")], "KPU-NTB-SOP-99"),
        (["audit", "acks", "KPU-NTB-SOP-01", "-v", "7", "-o", str(tmp_path / "a.pdf")], "no version 7"),
        (["review", "minutes", SESSION, "-o", str(tmp_path / "missing" / "n.pdf")], "does not exist"),
    ):  # fmt: skip
        r = cli(*args)
        assert r.exit_code == 1, (args, r.output)
        assert r.output.startswith("error: ") and r.output.count("\n") == 1 and message in r.output, r.output
    r = cli("review", "minutes", SESSION, "-o", str(audited.path / "notula.pdf"))
    assert r.exit_code == 2 and "inside the store" in r.output
    assert cli("review", "minutes", SESSION).exit_code == 2  # -o is required
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # nothing made, not even a partial file
