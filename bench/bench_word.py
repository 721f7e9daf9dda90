"""Word import speed: 100 realistic SOP .docx files through read_docx and `sop import`.

The goal (issue 13): importing 100 documents takes under 10 s. Each document
is built the way offices write them (tests/word_build.py): an office heading,
the identity table with a logo cell, the Dasar Hukum grid, and a procedure
table of 8 to 25 steps with two header rows, merged headers, DrawingML and
VML shapes, marks, a decision, spacer rows; every fourth one a numbered list.

    .venv/bin/python bench/bench_word.py [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import docx
from word_build import (
    ACTORS,
    Step,
    grid_table,
    identity_table,
    new_document,
    procedure_table,
    save,
    wingdings_check,
)

from soplib.word import read_docx

GOAL_SECONDS = 10.0
SOP = Path(sys.executable).parent / "sop"
BY = "197605142002121003"
MARKS = ["flowChartProcess", ("vml", 109), "x", "✓", "flowChartDocument", ("vml", 116)]


def build(n: int) -> bytes:
    """SOP number ``n``: 8 to 25 steps, or a numbered list for every fourth."""
    d = new_document()
    identity_table(
        d,
        [
            ("Nomor SOP", f"{n:03d}/SOP/KPU-Prov-018/2024"),
            ("Tanggal Pembuatan", f"{1 + n % 28} Maret 2019"),
            ("Tanggal Revisi", f"{1 + n % 28}-05-2021"),
            ("Tanggal Efektif", "2023-02-01"),
            ("Disahkan Oleh", ["SEKRETARIS KPU PROVINSI NTB,", "", "ttd", "", "Drs. H. Lalu Ahmad, M.Si.",
                               "NIP. 196805121994031007"]),
            ("Nama SOP", f"Prosedur Layanan Nomor {n}"),
        ],
    )  # fmt: skip
    grid_table(d)
    d.add_heading("Prosedur", level=1)
    steps = 8 + n % 18
    if n % 4 == 3:
        for i in range(steps):
            d.add_paragraph(
                f"Petugas melaksanakan langkah {i + 1} sesuai ketentuan yang berlaku.", style="List Number"
            )
        return save(d)
    rows = []
    for i in range(steps):
        mark = "flowChartTerminator" if i in (0, steps - 1) else MARKS[i % len(MARKS)]
        if i == steps // 2:
            mark = "flowChartDecision"
        if i == 2:
            mark = wingdings_check()
        rows.append(
            Step(f"{i + 1}.", f"Petugas memeriksa berkas tahap {i + 1}" + ("?" if i == steps // 2 else ""),
                 i % len(ACTORS), mark, "Formulir\nBuku register", f"{5 + i} menit", f"Berkas tahap {i + 1}",
                 "Ya: lanjut; Tidak: kembali ke 2" if i == steps // 2 else "")
        )  # fmt: skip
    procedure_table(d, rows, spacer_after=(1, steps // 2))
    return save(d)


def timed(function, inputs: list[bytes], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        for data in inputs:
            function(data)
        out.append(time.perf_counter() - start)
    return out


def cli_import(inputs: list[bytes], runs: int) -> list[float]:
    """Seconds of the real ``sop import`` of every file into a new store (one process, one commit)."""
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-word-") as tmp:
        files = []
        for n, data in enumerate(inputs):
            path = Path(tmp) / f"sop-{n:03d}.docx"
            path.write_bytes(data)
            files.append(str(path))
        for run in range(runs):
            store = Path(tmp) / f"store-{run}"
            subprocess.run([str(SOP), "--store", str(store), "init"], check=True, capture_output=True)
            start = time.perf_counter()
            command = [str(SOP), "--store", str(store), "import", *files, "--by", BY]
            subprocess.run(command, check=True, capture_output=True)
            out.append(time.perf_counter() - start)
            shutil.rmtree(store)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=100)
    args = parser.parse_args()
    inputs = [build(n) for n in range(args.documents)]
    size = sum(map(len, inputs))
    steps = sum(len(read_docx(d, source=f"{n}.docx").document.items) for n, d in enumerate(inputs))
    opened = timed(lambda data: docx.Document(io.BytesIO(data)), inputs, args.runs)
    imported = timed(lambda data: read_docx(data, source="bench.docx"), inputs, args.runs)
    median_open, median_import = statistics.median(opened), statistics.median(imported)
    print(f"{args.documents} documents, {size / 1024:.0f} KiB of .docx, {steps} items in all")
    print(f"python-docx Document() open: median {median_open:.2f} s over {args.runs} runs "
          f"({1000 * median_open / args.documents:.1f} ms a document)")  # fmt: skip
    print(f"read_docx (import to SOP Markdown): median {median_import:.2f} s over {args.runs} runs "
          f"({1000 * median_import / args.documents:.1f} ms a document; "
          f"{median_import / median_open:.1f}x the open alone)")  # fmt: skip
    whole = statistics.median(cli_import(inputs, max(1, args.runs // 2)))
    print(f"sop import of the {args.documents} files into a new store (one process, one commit): "
          f"median {whole:.2f} s")  # fmt: skip
    verdict = "met" if whole < GOAL_SECONDS * args.documents / 100 else "MISSED"
    print(f"goal: importing 100 documents under {GOAL_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
