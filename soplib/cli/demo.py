"""``sop demo``: a realistic store built from the SOPs that ship with soplib.

It walks through every capability soplib has, on the data of a provincial
election commission (KPU Provinsi NTB), printing what it does as it goes. Each
part is one function below; a new capability adds its part to ``STEPS``.
"""

from __future__ import annotations

import tempfile
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

    _heading("Internalisation: staff, briefings, acknowledgements, coverage")
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
        text = store.get("KPU-NTB-SOP-01").text.replace(
            "secara langsung atau melalui", "secara langsung atau  melalui"
        )
        v = store.update(text, by=CHAIR, message="Perbaikan spasi", editorial="perbaikan penulisan")
        click.echo(f"KPU-NTB-SOP-01 v{v.version} is an editorial change: acknowledgements of v1 carry over")
        print_coverage(coverage(store), every_name=False)
        report = pending(store, "199012302017031011")
        click.echo(
            f"{report.staff.name} still has to acknowledge: " + ", ".join(p.id for p in report.pending)
        )
        chain = verify_chain(store.snapshot())
        click.echo(f"hash chain of acknowledgements: {chain.records} records, intact: {chain.is_intact}")


STEPS: list[Callable[[Path], None]] = [step_foundation, step_internalisation]


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
