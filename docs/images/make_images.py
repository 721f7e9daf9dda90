"""Make the page images of docs/documents.md: `.venv/bin/python docs/images/make_images.py [--evidence-only]`.

The SOP AP print: demo SOPs printed with the tests' sample store data (office,
ratifier, last evaluation). The evidence documents: the demo's store (the
office, its people, a review session, two briefings), built on a fixed clock
in a temporary folder, and a blank attendance list for a briefing not yet
held. Each document is printed to PDF and chosen pages turned into small PNGs
with pdftoppm.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "tests"))

from print_samples import long_sop, print_input  # the tests' sample inputs

import soplib.clock
from soplib import Store, load
from soplib.demo_data import sop_files
from soplib.outputs import print_sop
from soplib.outputs.pdf import render_pdf

HERE = Path(__file__).resolve().parent
DPI = "72"
CHAIR = "198107232008011004"  # the demo's document controller


def demo(name: str) -> Path:
    return next(p for p in sop_files() if p.stem == name)


def pages(pdf: bytes, name: str, wanted: list[tuple[int, str]], folder: Path) -> None:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    for page, suffix in wanted:
        out = HERE / f"{name}-{suffix}"
        subprocess.run(
            [
                "pdftoppm",
                "-f",
                str(page),
                "-l",
                str(page),
                "-r",
                DPI,
                "-png",
                "-singlefile",
                str(path),
                str(out),
            ],
            check=True,
        )
        print(f"{out}.png")


def prints(folder: Path) -> None:
    jobs = [
        ("sop-02", print_input(load(demo("KPU-NTB-SOP-02"))), [(1, "identity"), (2, "procedure")]),
        ("sop-01", print_input(load(demo("KPU-NTB-SOP-01"))), [(2, "list")]),
        ("sop-02-en", print_input(load(demo("KPU-NTB-SOP-02")), language="en"), [(2, "procedure")]),
        ("long", print_input(long_sop()), [(2, "procedure-1"), (3, "procedure-2")]),
    ]
    for name, data, wanted in jobs:
        pages(print_sop(data, "pdf"), f"print-{name}", wanted, folder)


def demo_store(path: Path) -> Store:
    """The demo's first three steps (office, people, review, briefings) on 1-4 December 2026."""
    from soplib.cli.demo import step_foundation, step_internalisation, step_review

    start = datetime(2026, 12, 1, 1, tzinfo=UTC)
    moments = (start + timedelta(minutes=m) for m in itertools.count())
    soplib.clock.now = lambda: next(moments)  # a fixed clock, each write a minute later
    with contextlib.redirect_stdout(io.StringIO()):  # the demo narrates; not wanted here
        for step in (step_foundation, step_review, step_internalisation):
            step(path)
    store = Store.open(path)
    later = date(2026, 12, 10)  # a briefing not yet held: its attendance list is blank
    store.briefings.create(title="Sosialisasi SOP persuratan", day=later, sops=["KPU-NTB-SOP-02"], by=CHAIR)
    return store


def evidence(folder: Path) -> None:
    from soplib.outputs.attendance import render_ack_lists, render_attendance
    from soplib.outputs.evidence_data import session_evidence
    from soplib.outputs.from_store import office_profile
    from soplib.outputs.minutes import render_minutes, render_worksheet
    from soplib.outputs.people_data import ack_lists, briefing_evidence
    from soplib.outputs.report_render import render_report_bytes

    store = demo_store(folder / "store")
    session = store.reviews.list()[0].id
    briefings = [b.id for b in store.briefings.list()]
    held, blank = briefings[0], briefings[-1]
    ev = session_evidence(store, session)
    pages(render_minutes(ev), "evidence-minutes", [(1, "1"), (3, "annex")], folder)
    pages(render_worksheet(ev), "evidence-worksheet", [(1, "1")], folder)
    pages(render_attendance(briefing_evidence(store, held)), "evidence-attendance", [(1, "1")], folder)
    pages(render_attendance(briefing_evidence(store, blank)), "evidence-attendance-blank", [(1, "1")], folder)
    pages(render_ack_lists(ack_lists(store, ["KPU-NTB-SOP-03"])), "evidence-acks", [(1, "1")], folder)
    report = store.audit.report(today=date(2026, 12, 31))
    pdf = render_report_bytes(report, "pdf", office=office_profile(store))
    pages(pdf, "evidence-report", [(1, "summary"), (3, "register")], folder)
    en = render_minutes(session_evidence(store, session, language="en"))
    pages(en, "evidence-minutes-en", [(1, "1")], folder)
    # The pack's index page, printed as the browser would show its first sheet.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(store.audit.pack(today=date(2026, 12, 31)))) as pack:
        index = pack.read("index.html").decode()
    pages(render_pdf(index), "evidence-pack-index", [(1, "1")], folder)
    store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if "--evidence-only" not in sys.argv:
            prints(Path(tmp))
        evidence(Path(tmp))


if __name__ == "__main__":
    main()
