"""The shell examples of the user docs work exactly as written: pasted in order into bash.

README.md's five-minute tour on its own; docs/review.md and docs/internalisation.md after the
tour's first two blocks (the store they say they start from).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sh_blocks(name: str, start: str | None = None, end: str | None = None) -> list[str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    if start is not None and end is not None:
        text = text[text.index(start) : text.index(end)]
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def tour() -> list[str]:
    blocks = sh_blocks("README.md", "## A five-minute tour", "## Documentation")
    assert len(blocks) >= 5, "the tour lost its shell blocks"
    return blocks


def paste(blocks: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run ``blocks`` in one bash, as after ``source .venv/bin/activate`` in the repository's folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOP_")}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "TMPDIR": str(tmp_path),  # the tour's `mktemp -d` makes its scratch folder here
    }
    done = subprocess.run(
        ["bash"], input="\n".join(blocks), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Traceback" not in out and "internal error" not in out and "Usage:" not in out, out
    (scratch,) = tmp_path.iterdir()
    return done, scratch


def errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    # "galat:" is "error:" in Bahasa Indonesia, the language of the office the examples set up.
    return [line for line in done.stderr.splitlines() if line.startswith(("error:", "galat:"))]


def test_the_readme_tour_runs_as_written(tmp_path: Path) -> None:
    done, scratch = paste(tour(), tmp_path)
    # The one refusal the tour shows on purpose, and nothing else refused. The office speaks Bahasa
    # Indonesia (`sop office set --language id`), so every message after that is Indonesian.
    refusal = "tidak boleh mengesahkan sesi"  # "may not approve session"
    assert [e for e in errors(done) if refusal not in e] == [] and len(errors(done)) == 1
    assert (scratch / "sop-01.pdf").read_bytes().startswith(b"%PDF-")
    assert zipfile.is_zipfile(scratch / "sop-04.docx") and zipfile.is_zipfile(scratch / "bukti-sop.zip")
    assert (scratch / "laporan-sop.pdf").read_bytes().startswith(b"%PDF-")
    for name in ("notula.pdf", "kertas-kerja.pdf", "daftar-hadir.pdf", "tanda-terima.pdf"):
        assert (scratch / name).read_bytes().startswith(b"%PDF-"), name
    assert (scratch / "anchor.json").is_file() and (scratch / "kab" / "HEAD").is_file()
    for expected in (
        "disahkan dalam commit", "KPU-NTB-SOP-01 v2", "KPU-NTB-SOP-02 v2",
        "imported KPU-NTB-SOP-04 v1",  # into the second store, `kab`: no office language, so English
        "5 peserta ditambahkan", "terverifikasi: ",
    ):  # fmt: skip
        assert expected in done.stdout, expected


def test_the_review_and_internalisation_guides_run_as_written(tmp_path: Path) -> None:
    blocks = tour()[:2] + sh_blocks("docs/review.md") + sh_blocks("docs/internalisation.md")
    done, scratch = paste(blocks, tmp_path)
    assert errors(done) == []
    assert (scratch / "perbaikan.html").is_file() and (scratch / "sop-01.pdf").is_file()
    for expected in (
        # In Bahasa Indonesia: the office's language (the tour's second block sets it).
        "#48: evaluasi KPU-NTB-SOP-01 dicatat (6 dari 7 Ya)",
        "SOP baru KPU-NTB-SOP-05 diusulkan",
        "KPU-NTB-SOP-05 v1",
        " dibatalkan",
        "pegawai-baru.csv diimpor: 1 ditambahkan",
        "199901012025011001 (",
        ") dinonaktifkan",
        "sudah ada: 199208172018031001",
        "5 peserta ditambahkan",
        "v1->v2 editorial: perbaikan redaksi",
    ):
        assert expected in done.stdout, expected
