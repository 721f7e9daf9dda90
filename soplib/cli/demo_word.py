"""The demo's part on Word: an SOP the office keeps only as a .docx comes in with its real history.

The archive SOP (KPU-NTB-SOP-06) has lived in Word since 2018: made, revised
twice, ratified by the secretary then in office. The demo writes that document
in the SOP AP layout (as `sop export` does), then imports it as `sop import`
does: the mapping report says what was taken from where and what was left
out, and the history shows the declared facts beside the store's own record.

    >>> step_word(Path("/tmp/sop-demo/sop-store"))  # writes /tmp/sop-demo/sop-word/
"""

from __future__ import annotations

from pathlib import Path

import click

from soplib.cli.demo_audit import folder_beside
from soplib.cli.output import console, table
from soplib.clock import local_day, office_zone, zone_label
from soplib.i18n import _

CHAIR = "198107232008011004"  # Baiq Rahmawati (demo_data/staff.csv): the document controller


def step_word(store_path: Path) -> None:
    """An SOP kept in Word is imported with its declared history; the mapping report says what was taken."""
    from soplib import Store, load
    from soplib.demo_data import folder as folder_of_demo
    from soplib.files import read_file, write_output
    from soplib.word import ExportContext, read_docx, write_docx

    heading = _("Word in: an SOP kept as a .docx, imported with its real history")
    console().rule(f"[bold]{heading}")
    folder = folder_beside(store_path, "word")
    docx = folder / "SOP Pengelolaan Arsip Dinamis.docx"
    old = load(folder_of_demo() / "word" / "KPU-NTB-SOP-06.md")  # the SOP as the Word file holds it
    write_output(docx, write_docx(old, ExportContext(language="id")))
    click.echo(_("the office's Word file: {path}", path=docx))
    result = read_docx(read_file(docx), source=docx.name)
    report = result.report
    table(
        _("Mapping report of {file}", file=docx.name),
        [_("field"), _("taken from"), _("value")],
        [[m.target, m.source, m.value] for m in report.mapped[:10]],
    )
    click.echo(_("{n} things left out of the Word file", n=len(report.dropped)))
    for d in report.dropped:
        click.echo(f"  - {d.what} ({d.source}): {d.reason}")
    with Store.open(store_path) as store:
        message = _("Imported from Word: {names}", names=docx.name)
        (added,) = store.sops.add([result.document], by=CHAIR, message=message)
        declared = added.document.front.declared
        assert declared is not None and declared.ratified_by is not None and declared.made is not None
        zone = store.office.get().time_zone
        click.echo(
            _(
                "imported {id} v{version}: made {made}, revised {revisions} times, ratified by {name} "
                "({position}); recorded in the store on {day} ({zone}) by {by}",
                id=added.id,
                version=added.version,
                made=declared.made.isoformat(),
                revisions=len(declared.revised),
                name=declared.ratified_by.name,
                position=declared.ratified_by.position,
                day=local_day(added.record.created, office_zone(zone)).isoformat(),
                zone=zone_label(zone),
                by=store.staff.get(CHAIR).name,
            )
        )
