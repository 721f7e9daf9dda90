"""Make the page images of docs/documents.md: `.venv/bin/python docs/images/make_images.py`.

Prints demo SOPs with the tests' sample store data (office, ratifier, last
evaluation) to PDF, then turns chosen pages into small PNGs with pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))

from print_samples import long_sop, print_input  # the tests' sample inputs

from soplib import load
from soplib.cli.demo import demo_files
from soplib.outputs import print_sop

DPI = "72"


def demo(name: str) -> Path:
    return next(p for p in demo_files() if p.stem == name)


def main() -> None:
    jobs = [
        ("sop-02", print_input(load(demo("KPU-NTB-SOP-02"))), [(1, "identity"), (2, "procedure")]),
        ("sop-01", print_input(load(demo("KPU-NTB-SOP-01"))), [(2, "list")]),
        ("sop-02-en", print_input(load(demo("KPU-NTB-SOP-02")), language="en"), [(2, "procedure")]),
        ("long", print_input(long_sop()), [(2, "procedure-1"), (3, "procedure-2")]),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, pages in jobs:
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(print_sop(data, "pdf"))
            for page, suffix in pages:
                out = HERE / f"print-{name}-{suffix}"
                subprocess.run(
                    ["pdftoppm", "-f", str(page), "-l", str(page), "-r", DPI, "-png", "-singlefile", str(pdf), str(out)],
                    check=True,
                )
                print(f"{out}.png")


if __name__ == "__main__":
    main()
