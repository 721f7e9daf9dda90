"""``sop demo``: a realistic store built from the SOPs that ship with soplib.

It walks through every capability soplib has, on the data of a provincial
election commission (KPU Provinsi NTB), printing what it does as it goes. Each
part is one function below; a new capability adds its part to ``STEPS``.
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import click

from soplib.cli.output import console, table

CHAIR = "ani.pratiwi"


def demo_files() -> list[Path]:
    """The demo SOPs that ship inside the package."""
    folder = resources.files("soplib") / "demo_data"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".md"))


def _heading(text: str) -> None:
    console().rule(f"[bold]{text}")


def step_foundation(store_path: Path) -> None:
    from soplib import Store, load

    _heading("1. SOPs as versioned Markdown in a git store")
    store = Store.init(store_path)
    with store:
        added = store.add([load(p) for p in demo_files()], by=CHAIR, message="SOP awal KPU Provinsi NTB")
        click.echo(f"added {len(added)} SOPs in one commit to {store_path}")
        rows = store.sops()
        table("SOP register", ["id", "title", "version"], [[r.id, r.title, r.version] for r in rows])
        v1 = store.get("KPU-NTB-SOP-04")
        click.echo(
            f"KPU-NTB-SOP-04 has {len(v1.document.items)} reviewable items; the first is "
            f"{v1.document.items[0].key}: {v1.document.items[0].text!r}"
        )
        text = v1.text.replace(
            "2. Pengelola BMN memeriksa ketersediaan barang.",
            "2. Pengelola BMN memeriksa ketersediaan dan kondisi barang.",
        )
        v2 = store.update(text, by=CHAIR, message="Pemeriksaan kondisi barang ditambahkan")
        click.echo(f"saved {v2.id} v{v2.version} directly; its history:")
        for e in store.history("KPU-NTB-SOP-04"):
            click.echo(f"  v{e.version}  {e.date}  {e.by}  {e.action}  {e.message}")


HEAD_OF_OFFICE = "lalu.ahmad"
MEMBER = "baiq.nurul"


def step_review(store_path: Path) -> None:
    from soplib import CRITERIA, Review, Store, parse

    _heading("2. A review session: keep, remove, replace, add; evaluate; approve")
    with Store.open(store_path) as store:
        session = Review.start(
            store,
            ["KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"],
            team={CHAIR: "chair", MEMBER: "member"},
            ref="Berita Acara Pleno Nomor 45/PL.01-BA/18/2026",
            title="Evaluasi SOP semester II 2026",
            by=CHAIR,
        )
        click.echo(f"started {session.id} over {', '.join(session.header().pinned)}")
        sop = "KPU-NTB-SOP-01"
        session.outcome(sop, "revise", by=CHAIR, reason="langkah disposisi tidak lagi diperlukan")
        session.remove(sop, "prosedur/4", by=MEMBER, reason="disposisi dilakukan melalui e-PPID")
        session.replace(
            sop,
            "prosedur/2",
            text="Petugas meja layanan memeriksa kelengkapan identitas pemohon dan formulir permohonan.",
            by=MEMBER,
            reason="formulir juga harus diperiksa",
        )
        session.add(
            sop,
            after="prosedur/8",
            text="Petugas mengarsipkan berkas permohonan dan jawaban dalam arsip layanan informasi.",
            by=CHAIR,
            reason="belum ada langkah pengarsipan",
        )
        session.keep_rest(sop, by=CHAIR)
        # A table row too: the manual agenda book gave way to SRIKANDI.
        session.outcome("KPU-NTB-SOP-02", "revise", by=CHAIR)
        session.replace(
            "KPU-NTB-SOP-02",
            "prosedur/2",
            text="2 | Mencatat surat dalam agenda SRIKANDI | Pengadministrasi Umum | 5 menit | Agenda",
            by=MEMBER,
            reason="buku agenda manual tidak dipakai lagi",
        )
        session.keep_rest("KPU-NTB-SOP-02", by=MEMBER)
        session.outcome("KPU-NTB-SOP-03", "keep", by=MEMBER, reason="masih layak")
        answers = dict.fromkeys(CRITERIA, True) | {"easy_to_carry_out": False}
        session.evaluate(
            sop, answers=answers, notes={"easy_to_carry_out": "disposisi manual memperlambat"}, by=CHAIR
        )
        session.propose(
            parse(
                "---\nid: KPU-NTB-SOP-05\ntitle: Pengelolaan Arsip Inaktif\n"
                "unit: Subbagian Keuangan, Umum dan Logistik\n---\n# Prosedur\n\n"
                "1. Arsiparis menerima arsip inaktif dari unit kerja beserta daftar arsip.\n"
                "2. Arsiparis memeriksa daftar arsip dan menyimpan arsip di ruang arsip.\n"
            ),
            by=MEMBER,
            reason="belum ada SOP pengelolaan arsip inaktif",
        )
        rows = session.status()
        table(
            f"Status of {session.id}",
            ["sop", "outcome", "decided", "undecided"],
            [[r.sop, r.outcome or ("new" if r.proposed else "-"), r.decided, len(r.undecided)] for r in rows],
        )
        from soplib.render import render_text

        click.echo(render_text([*session.diff(sop), *session.diff("KPU-NTB-SOP-02")]), nl=False)
        result = session.approve(by=HEAD_OF_OFFICE, effective_date="2026-12-01")
        click.echo(
            f"approved by {HEAD_OF_OFFICE} in one commit {(result.commit or '')[:10]}: "
            "new versions "
            + ", ".join(f"{k} v{v}" for k, v in result.versions.items())
            + "; kept "
            + (", ".join(result.kept) or "none")
        )
        click.echo(f"  sop --store {store_path} review diff {session.id} --format html -o review.html")


def step_audit(store_path: Path) -> None:
    """Last step: history, blame, due reviews, a printable SOP, an anchor, a verified store, a report."""
    from soplib import Store
    from soplib.anchor import anchor
    from soplib.audit import audit_history
    from soplib.blame import blame
    from soplib.due import reviews_due
    from soplib.printout import print_html
    from soplib.report import audit_report, write_output
    from soplib.report_render import render_report
    from soplib.verify import verify

    _heading("5. Audit: history, blame, periodic reviews, printing, integrity, report")
    with Store.open(store_path) as store:
        hist = audit_history(store, "KPU-NTB-SOP-04")
        click.echo(f"KPU-NTB-SOP-04 in force on {hist.on}: version {hist.in_force}")
        for v in hist.versions:
            click.echo(
                f"  v{v.version}  {v.status:<10}  effective {v.effective_date}  by {v.by}  ({v.action})"
            )
        table(
            "sop blame KPU-NTB-SOP-01: where each step's text comes from",
            ["item", "version", "origin", "reason"],
            [
                [b.key, b.source.version, b.source.origin, b.source.reason]
                for b in blame(store, "KPU-NTB-SOP-01").items
            ],
        )
        due = reviews_due(store, within_days=400)
        table(
            "Periodic reviews due within 400 days",
            ["id", "due", "days left"],
            [[d.id, d.due_date, d.days_left] for d in due],
        )
        # Outside the store on purpose: a printout is not part of the record.
        page = Path(tempfile.mkdtemp(prefix="sop-print-")) / "KPU-NTB-SOP-02.html"
        page.write_text(print_html(store, "KPU-NTB-SOP-02"), encoding="utf-8")
        click.echo(f"KPU-NTB-SOP-02 in the SOP AP layout, ready to print to PDF: {page}")
        mark = anchor(store, by=CHAIR)
        click.echo(f"audit anchor {mark.number} recorded head {mark.head} (tag {mark.tag})")
        report = verify(store)
        status = "verified" if report.ok else f"NOT verified: {len(report.findings)} findings"
        click.echo(
            f"sop audit verify: {status} ({report.commits} commits, {report.sops} SOPs, "
            f"{report.versions} versions)"
        )
        result = audit_report(store)
        # Beside the store (in the demo's own folder), not in it: a report is not part of the record.
        target = store_path.parent / "audit-report.html"
        if target.exists():
            target = Path(tempfile.mkdtemp(prefix="sop-report-")) / "audit-report.html"
        write_output(target, render_report(result, "html").encode())
        click.echo(f"audit report of store head {result.head}: {result.grade.rule}")
        click.echo(f"audit report written to {target}")


# step_audit stays last: it anchors and verifies everything the steps before it wrote.
def demo_staff_csv() -> Path:
    """The demo staff list (KPU Provinsi NTB and KPU Kabupaten Lombok Barat)."""
    return Path(str(resources.files("soplib") / "demo_data" / "staff.csv"))


def step_internalisation(store_path: Path) -> None:
    from soplib import (
        Store,
        acknowledge,
        coverage,
        create_briefing,
        import_staff,
        pending,
        record_attendance,
        verify_chain,
    )
    from soplib.cli.ack import print_coverage
    from soplib.staff import parse_staff_csv

    _heading("3. Internalisation: staff, briefings, acknowledgements, coverage")
    with Store.open(store_path) as store:
        result = import_staff(store, demo_staff_csv(), by=CHAIR)
        click.echo(f"imported {len(result.added)} staff from {demo_staff_csv().name}")
        briefing = create_briefing(
            store,
            title="Sosialisasi SOP pelayanan informasi, persuratan dan data pemilih",
            date="2026-02-03",
            sops=["KPU-NTB-SOP-01", "KPU-NTB-SOP-02", "KPU-NTB-SOP-03"],
            by=CHAIR,
        )
        present = [p.id for p in parse_staff_csv(demo_staff_csv()) if "Lombok Barat" not in p.unit][:14]
        with tempfile.TemporaryDirectory() as tmp:
            sheet = Path(tmp) / "daftar-hadir.csv"
            sheet.write_text("id\n" + "\n".join(present) + "\n", encoding="utf-8")
            attended = record_attendance(store, briefing.id, sheet, by=CHAIR)
        click.echo(
            f"briefing {briefing.id}: {len(attended.new_attendees)} attended, "
            f"{len(attended.records)} acknowledgements in one commit, "
            f"{sum(1 for s in attended.skipped if s.reason == 'outside audience')} skipped (SOP not for them)"
        )
        table(
            f"Daftar hadir {briefing.id} (first 5 of {len(attended.briefing.attendees)})",
            ["name", "NIP / id", "position", "SOPs"],
            [[a.name, a.id, a.position, ", ".join(a.sops)] for a in attended.briefing.attendees[:5]],
        )
        outcome = acknowledge(store, "199609142023211001", "KPU-NTB-SOP-03", by=CHAIR)
        click.echo(f"{outcome.staff.name} acknowledged KPU-NTB-SOP-03 v{outcome.version} after reading it")
        text = store.get("KPU-NTB-SOP-03").text.replace("di laman KPU.", "di laman resmi KPU.")
        v = store.update(text, by=CHAIR, message="Perbaikan redaksi", editorial="perbaikan penulisan")
        click.echo(f"KPU-NTB-SOP-03 v{v.version} is an editorial change: acknowledgements of v1 carry over")
        print_coverage(coverage(store), every_name=False)
        report = pending(store, "199012302017031011")
        click.echo(
            f"{report.staff.name} still has to acknowledge: " + ", ".join(p.id for p in report.pending)
        )
        chain = verify_chain(store.snapshot())
        click.echo(f"hash chain of acknowledgements: {chain.records} records, intact: {chain.is_intact}")


def _acknowledge_until_killed(store_path: Path, log_fd: int, seed: int) -> None:
    """A forked writer: acknowledges, one flushed line per success, until it is killed."""
    import random

    from soplib import Store, acknowledge
    from soplib.staff import parse_staff_csv

    pairs = [
        (p.id, s) for p in parse_staff_csv(demo_staff_csv()) for s in ("KPU-NTB-SOP-01", "KPU-NTB-SOP-04")
    ]
    random.Random(seed).shuffle(pairs)  # noqa: S311 (an order, not a secret)
    with Store.open(store_path) as store:
        for staff, sop_id in pairs:
            outcome = acknowledge(store, staff, sop_id, by=CHAIR)
            if outcome.created:
                os.write(log_fd, f"{outcome.record.seq} {outcome.record.hash}\n".encode())
    time.sleep(60)  # nothing left to do: wait for the kill


def step_reliability(store_path: Path) -> None:
    """kill -9 a writer at random moments: what it reported is kept, and nothing is left behind."""
    import random

    from soplib import Store, list_acks, verify_chain

    _heading("4. Reliability: a writer killed with kill -9, ten times")
    rng = random.Random(6)  # noqa: S311 (kill delays, not a secret)
    read_end, write_end = os.pipe()
    for n in range(10):
        pid = os.fork()
        if pid == 0:  # the child never returns into the demo
            try:
                os.close(read_end)
                _acknowledge_until_killed(store_path, write_end, n)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.005, 0.03))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(write_end)
    with os.fdopen(read_end) as reported_lines:
        reported = [line.split() for line in reported_lines]
    with Store.open(store_path) as store:  # opening clears what a killed writer left
        kept = {(str(r.seq), r.hash) for r in list_acks(store)}
        lost = [r for r in reported if tuple(r) not in kept]
        left = [*store.path.glob("objects/*/tmp_obj_*"), *store.path.glob("refs/**/*.lock")]
        chain = verify_chain(store.snapshot())
        click.echo(
            f"{len(reported)} acknowledgements reported by the killed writers: {len(lost)} lost; "
            f"{len(left)} stray files; hash chain intact: {chain.is_intact} (docs/reliability.md)"
        )


STEPS: list[Callable[[Path], None]] = [
    step_foundation,
    step_review,
    step_internalisation,
    step_reliability,
    step_audit,
]


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to build the demo store (a new folder). Default: a new temporary folder.",
)
def demo(directory: Path | None) -> None:
    """Build a demo store from realistic Indonesian SOPs and show what soplib does."""
    from soplib import InvalidInputError

    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="sop-demo-")) / "sop-store"
    elif directory.exists() and any(directory.iterdir()):
        raise InvalidInputError(f"{directory} is not empty; give a new folder to --dir")
    for step in STEPS:
        step(directory)
    console().rule()
    click.echo(f"The demo store is at {directory}; explore it with:")
    click.echo(f"  sop --store {directory} list")
    click.echo(f"  git -C {directory} log --oneline")


COMMANDS = [demo]
